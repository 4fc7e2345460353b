#pragma once
// What a check's report amounts to: whether it could check its data at all (the rejected share of
// every dataset held to a limit), and the exit status that `toets check` and `toets run` give for
// it. One place for both commands, so that they cannot come to disagree.
//
//   assess_completeness(report, max_rejected_ppm);  // after the inputs are in the report
//   int status = check_exit_status(report, fail_on_signal);
//
// A check is incomplete when a dataset it was given, and a rule reads, has no accepted row (every
// row rejected, or an empty file), or more of its rows were rejected than the limit allows, or
// (assess_coverage) no rule could check any of its rows: none in scope, or none in period. A
// dataset read from the store is judged import by import (its ImportedFile list). A dataset not
// given at all is not incomplete: its rules are not_evaluated.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/data/result.hpp"

namespace toets {

// Exit statuses, highest first when several reports (toets run) are combined: the worst wins.
inline constexpr int kExitClear = 0;    // nothing breached (or signalled, with fail_on_signal)
inline constexpr int kExitFailed = 1;   // a breach (or a signal / at_risk with fail_on_signal)
inline constexpr int kExitInvalid = 2;  // an error, or the check could not check its data

// "1%", "1", "0.5%", "0", "100%" (a percentage, the '%' optional, at most 4 decimals) as parts
// per million; nullopt for anything else (negative, above 100%, "1%%", "one", "").
std::optional<std::uint32_t> parse_max_rejected(std::string_view text);
// The limit as a percentage: "1%", "0.5%", "0%" (Lang-free: a point; reports localise it).
std::string max_rejected_text(std::uint32_t ppm);

// "too_many_rejected", "no_accepted_rows": the reason as JSON and the JUnit error type name it.
std::string_view incomplete_reason_name(IncompleteReason reason);

// Fills report.incomplete from report.inputs (those a rule reads), holding each dataset's
// rejected share to `max_rejected_ppm`. Deterministic: in the order of the inputs.
void assess_completeness(CheckReport& report, std::uint32_t max_rejected_ppm);

// After evaluation: a dataset with rows of which no rule could check one makes the check
// incomplete too. Every result of the rules over it is no_data with none in scope (another
// municipality's export): NoneInScope; or no rule over it saw a row in scope inside its periods,
// before its filter (RuleResult::rows_in_period; last year's export): NoneInPeriod. Such a check
// is green only because nothing was checked. A dataset already incomplete is not judged again.
void assess_coverage(CheckReport& report, std::uint32_t max_rejected_ppm);

// 2 for a result in error or an incomplete check, 1 for a breach (or a signal or at_risk with
// `fail_on_signal`), else 0. Counts only the results CheckReport::any_counting counts.
int check_exit_status(const CheckReport& report, bool fail_on_signal);

}  // namespace toets
