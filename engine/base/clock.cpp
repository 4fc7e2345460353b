#include "engine/base/clock.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace toets {

namespace {

// 9999-12-31T23:59:59Z: a later instant has no four-digit year to record.
constexpr std::int64_t kLastSecond = 253402300799;

}  // namespace

std::optional<std::chrono::sys_seconds> pinned_time() {
  const char* value = std::getenv("TOETS_NOW");
  if (value == nullptr) return std::nullopt;
  const std::string text = value;
  const auto refuse = [&] {
    return ClockError("TOETS_NOW must be whole seconds since 1970-01-01 UTC (0 to " +
                      std::to_string(kLastSecond) + "), not '" + text + "'");
  };
  if (text.empty() || text.size() > 12) throw refuse();
  std::int64_t seconds = 0;
  for (char c : text) {
    if (c < '0' || c > '9') throw refuse();
    seconds = seconds * 10 + (c - '0');
  }
  if (seconds > kLastSecond) throw refuse();
  return std::chrono::sys_seconds(std::chrono::seconds(seconds));
}

std::chrono::sys_seconds current_time() {
  if (const auto pinned = pinned_time()) return *pinned;
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace toets
