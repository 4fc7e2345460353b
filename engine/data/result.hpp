#pragma once
// What a check produces: per rule and group, the measured value, the status, the threshold that
// decided it, the records behind it and the remedy. Plain data for the reports (text, JSON): codes
// and numbers, never sentences; the reports put them into words.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dsl/program/program.hpp"
#include "engine/data/dataset.hpp"
#include "engine/data/evidence.hpp"
#include "engine/data/result_note.hpp"

namespace toets {

// One component of a group: {"corporation": "Trivire"} or {"year": 2026}.
struct GroupField {
  std::string name;
  std::optional<std::int64_t> number;  // year, int columns
  std::optional<std::string> text;     // text, enum, dates, "2026-H1"; neither: missing value
};

// A deadline rule's measure at one snapshot date.
struct SeriesPoint {
  std::int32_t date = 0;
  Ratio measure;
  std::uint64_t records = 0;
};

struct Projection {
  double value_at_deadline = 0;   // straight-line (least squares) projection
  double rate_per_year = 0;       // achieved so far (slope), measure units per year
  double needed_per_year = 0;     // to meet the target by the deadline from the latest value
  std::uint32_t points = 0;
};

struct RuleResult {
  const CompiledRule* rule = nullptr;
  std::vector<GroupField> group;
  Status status = Status::NoData;
  std::optional<Ratio> measure;               // in the measure's unit (cents for money)
  std::optional<std::int64_t> numerator;      // share: records meeting the predicate
  std::optional<std::int64_t> denominator;    // share: records in the group
  std::uint64_t records = 0;                  // records measured (after filter and exemptions)
  std::uint64_t exempt = 0;                   // records left out by the exemption
  std::uint64_t exempt_matching = 0;          // of those, how many meet the measure's predicate
  std::optional<Threshold> threshold;         // the threshold that decided, or was held to (value
                                              // resolved for baseline/previous/per-group tables)
  EvidenceIds evidence;                        // record ids on the wrong side (signal/breach/at_risk)
  std::optional<std::int64_t> remedy;         // records to change to leave the deciding threshold
  std::optional<std::int64_t> remedy_to_ok;   // records to change to be ok (the direction and
                                              // status are the deciding threshold's)
  // Deadline rules
  std::vector<SeriesPoint> series;
  std::optional<Projection> projection;
  bool outside_validity = false;              // the group's period lies outside the rule set's validity
  // The rule had rows in scope inside its periods (the rule set's and its own), before its filter:
  // false when every row it saw lies outside them (last year's export), or it saw none. Set by
  // the evaluator on each result of a rule; judged by assess_coverage.
  bool rows_in_period = true;
  ResultNote note;                            // why not evaluated / the error / a remark, as codes
};

struct InputSummary {
  LoadReport report;
  bool used = true;  // false: no rule reads this dataset
};

// The rejected share of a dataset is held to a limit (toets check --max-rejected, a plan's
// max_rejected), in parts per million of the rows read: exact, and 0.5% is 5000.
inline constexpr std::uint32_t kPartsPerMillion = 1000000;
inline constexpr std::uint32_t kDefaultMaxRejectedPpm = 10000;  // 1%

// Why a check could not check all of the data it was given (engine/data/check_outcome.hpp).
enum class IncompleteReason : std::uint8_t {
  TooManyRejected,  // more of the rows were rejected than the limit allows
  NoAcceptedRows,   // not one row to check: every row rejected, or none at all (an empty file)
  NoneInScope,      // rows, but not one in the rule set's scope (another municipality's export)
  NoneInPeriod,     // rows, but not one in the period its rules check (last year's export)
};

// One dataset (or one import of it, read from the store) that the check could not use in full.
struct Incompleteness {
  std::string dataset;                     // "allocations"
  std::string file;                        // as given; for an import, the file it imported
  std::optional<std::int64_t> import_id;   // read from the store: the import
  IncompleteReason reason = IncompleteReason::NoAcceptedRows;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_rejected = 0;
  std::uint32_t max_rejected_ppm = kDefaultMaxRejectedPpm;  // the limit it was held to
  std::string municipality;                 // NoneInScope: the scope the rows fell outside
  std::vector<std::string> corporations;
};

struct CheckReport {
  RuleSetInfo ruleset;
  std::int32_t as_of = 0;
  std::vector<InputSummary> inputs;
  std::vector<RuleResult> results;
  std::vector<std::string> notes;
  // Empty: every dataset given was read well enough. Otherwise the results are no verdict, and
  // every report says so first (assess_completeness fills it).
  std::vector<Incompleteness> incomplete;

  std::map<Status, std::size_t> summary() const;
  bool any(Status status) const;
  // Whether a result that decides the verdict has this status: groups outside their rule's
  // effective period are reported but decide nothing (exit status, needs-attention lists).
  bool any_counting(Status status) const;
  bool is_incomplete() const { return !incomplete.empty(); }
};

// A measure or threshold for people: 16.16%, €612.35, 42, 2026-03-31.
std::string format_value(const Ratio& value, ValueType unit);
// A group for people: "Trivire, 2026" (or "all" when the rule has no grouping).
std::string format_group(const std::vector<GroupField>& group);

}  // namespace toets
