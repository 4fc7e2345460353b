#pragma once
// "Now" for the whole program: the system clock, or the instant TOETS_NOW pins (the
// reproducible-builds.org convention: whole seconds since 1970-01-01 00:00:00 UTC). The time of a
// run recorded in a store, of an import, and the default as-of date all come from here, so a job
// (or a test) that sets it gets the same bytes in every report on every run (docs/reports.md,
// "Reproducible reports").

#include <chrono>
#include <optional>
#include <stdexcept>

namespace toets {

struct ClockError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The instant TOETS_NOW pins; nullopt when it is not set. Throws ClockError when it is set
// but not a whole number of seconds from 0 up to 9999-12-31T23:59:59Z.
std::optional<std::chrono::sys_seconds> pinned_time();

// pinned_time() when set, else the system clock (to the second).
std::chrono::sys_seconds current_time();

}  // namespace toets
