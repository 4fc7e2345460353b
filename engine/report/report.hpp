#pragma once
// Reports of a check: a table for a terminal, JSON for tools, a self-contained HTML traffic-light
// report for meetings, a Markdown summary for minutes, JUnit XML for CI systems and schedulers
// (docs/reports.md). All deterministic: the same report (and history) renders to the same bytes;
// the only time in a report is the recorded time of its run, which comes from the store.
//
// Every writer takes ReportOptions and applies the privacy rules of engine/report/privacy.hpp: record
// ids only (pseudonymised on request), evidence of small groups withheld, never a personal value.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/data/result.hpp"
#include "engine/words/words.hpp"

namespace toets {

// Values and groups in their canonical English form: format_value, format_group (result.hpp).

struct ReportOptions {
  Lang lang = Lang::Nl;
  // The language asked for with --lang: nullopt keeps the text report's English table scripts read,
  // and JSON's and JUnit's English; given, the text report and JSON's and JUnit's words for people
  // (messages, remedies, notes) speak it, in the words of the other reports (docs/reports.md).
  std::optional<Lang> text_lang;
  std::string pseudonym_key;         // not empty: record ids are shown as keyed hashes
  std::uint64_t min_group_size = 5;  // groups with fewer records are indicative, evidence withheld
  bool fail_on_signal = false;       // JUnit: signal and at_risk are failures too
};

// How many record ids of a result each report lists (it counts the rest): a check that writes
// one of these reports need not gather more (EvaluateOptions::evidence_listed). The JSON report
// lists every id, and refuses a result whose ids were listed in part (std::logic_error).
inline constexpr std::size_t kTextIdsListed = 12;
inline constexpr std::size_t kHtmlIdsListed = 500;
inline constexpr std::size_t kJunitIdsListed = 1000;
inline constexpr std::size_t kMarkdownIdsListed = 0;

// ---------------------------------------------------------------------------------------------
// History: what the store recorded before (engine/run/plan.hpp loads it). Optional for every writer.

struct RunRef {
  std::int64_t id = 0;
  std::string recorded_at;  // UTC, as the store recorded it
  std::int32_t as_of = 0;
};

// A result's measure and status in one recorded run.
struct HistoryPoint {
  std::int64_t run_id = 0;
  std::int32_t as_of = 0;
  Status status = Status::NoData;
  std::optional<Ratio> measure;
};

// How a result moved since the previous run.
enum class Movement : std::uint8_t {
  New,       // a breach, signal or at_risk that was not there
  Worse,     // signal or at_risk -> breach
  Better,    // breach -> signal or at_risk
  Resolved,  // a breach, signal or at_risk that is now ok or on_track
  Other,     // another status change (ok -> no_data, a group no longer reported, ...)
};
std::string_view movement_name(Movement movement);  // "new", "worse", "better", "resolved", "other"

struct ResultHistory {
  std::vector<HistoryPoint> points;         // oldest first; the last is this run's when recorded
  std::optional<std::int32_t> status_since; // as-of date of the first run of the current streak
  std::size_t streak = 0;                   // runs in a row with this status, this one included
  std::optional<Status> previous_status;    // in the previous run; nullopt: the group was not there
  std::optional<Movement> movement;         // compared with the previous run
};

struct HistoryChange {
  Movement movement = Movement::Other;
  std::string rule;
  std::string rule_title;
  std::vector<GroupField> group;            // as recorded (parsed back from the store)
  std::optional<Status> from;               // nullopt: not in the previous run
  std::optional<Status> to;                 // nullopt: not in this run
  std::string from_measure;
  std::string to_measure;
};

struct ReportHistory {
  std::optional<RunRef> current;            // this run, once recorded
  std::optional<RunRef> previous;           // the run before it of the same rule set
  std::vector<RunRef> runs;                 // oldest first, ending with `current`
  std::map<std::string, ResultHistory> results;  // by result_key()
  std::vector<HistoryChange> changes;       // since `previous`, in this run's order; gone ones last
};

// The key of a rule and group in ReportHistory::results.
std::string result_key(std::string_view rule, const std::vector<GroupField>& group);

// One rule set's report with its history, as the multi-set writers take them.
struct ReportSection {
  const CheckReport* report = nullptr;
  const ReportHistory* history = nullptr;  // may be null: no store, no earlier runs
};

// Why a check is incomplete, as one line for people, in `lang`: "allocations export.csv: 2 of 100
// rows rejected (2.00%), more than the limit of 1%" (engine/report/report_incomplete.cpp).
std::string incompleteness_text(const Incompleteness& reason, Lang lang);

// ---------------------------------------------------------------------------------------------
// Writers

void write_text_report(const CheckReport& report, std::ostream& out, const ReportOptions& options = {});

// The JSON report's `version`: its format, described by docs/report.schema.json (JSON Schema draft
// 2020-12), which requires exactly this value. A change that removes or retypes a key, or changes
// a key's meaning, makes it toets-report/2; a key added is added to the schema too.
inline constexpr std::string_view kJsonReportVersion = "toets-report/1";

nlohmann::json report_to_json(const CheckReport& report, const ReportOptions& options = {},
                              const ReportHistory* history = nullptr);
void write_json_report(const CheckReport& report, std::ostream& out, const ReportOptions& options = {},
                       const ReportHistory* history = nullptr);

// One self-contained HTML file for all sections (no scripts, fonts or images from elsewhere).
void write_html_report(const std::vector<ReportSection>& sections, std::ostream& out, const ReportOptions& options);
// A Markdown summary for meeting minutes.
void write_markdown_report(const std::vector<ReportSection>& sections, std::ostream& out,
                           const ReportOptions& options);
// JUnit XML: a test suite per rule set, a test case per rule and group, a failure per breach.
void write_junit_report(const std::vector<ReportSection>& sections, std::ostream& out, const ReportOptions& options);

}  // namespace toets
