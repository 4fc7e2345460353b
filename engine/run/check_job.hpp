#pragma once
// The check job: what `toets check` and every [check] of `toets run PLAN` do with one rule set.
// Read the data files given, fill the kinds the rules read and the files do not give from the
// store, evaluate, record the run (and read back its history), write the report. The one place a
// report format becomes a writer is write_report.
//
// The job never prints and never exits: what happened comes back as events ({severity, message}),
// in order, and the command line decides where each goes (docs/architecture.md). Nothing personal
// is ever in an event (docs/reports.md).

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/program/program.hpp"
#include "dsl/program/schema.hpp"
#include "engine/input/input.hpp"
#include "engine/input/load_common.hpp"
#include "engine/report/report.hpp"
#include "engine/store/store.hpp"

namespace toets {

enum class ReportFormat : std::uint8_t { Text, Json, Html, Markdown, Junit };
std::optional<ReportFormat> parse_report_format(std::string_view text);  // "text", "json", "html", ...
std::string_view report_format_name(ReportFormat format);
// How many record ids of each result the report lists (every id: the largest size_t).
std::size_t ids_listed(ReportFormat format);

// Writes `sections` as a report in `format`. Text and JSON describe one rule set: the first section.
void write_report(ReportFormat format, const std::vector<ReportSection>& sections, std::ostream& out,
                  const ReportOptions& options);

enum class EventSeverity : std::uint8_t {
  Progress,  // what was done: "import ...", "recorded as run 3 in m.db"
  Warning,   // worth knowing, not a failure
  Error,     // "LOCATION: error: MESSAGE"
  Summary,   // the line that closes a failure: "LOCATION: MESSAGE" ("nothing was imported, ...")
  Detail,    // a line shown as it is under an error (a rejected row, a rule file's diagnostic)
};

struct Event {
  EventSeverity severity = EventSeverity::Progress;
  std::string message;
  std::string location = {};  // a file or file:line; empty: none
};

// "LOCATION: error: MESSAGE", "warning: MESSAGE", "MESSAGE": an event as one line of a log.
std::string event_line(const Event& event);

// A data file of the check (toets check --data KIND=FILE): a file in any input format, or a
// table of an SQLite file (sqlite:FILE:TABLE).
struct CheckInput {
  const DatasetSchema* schema = nullptr;
  std::string spec;    // as given
  InputSpec dialect;   // how it is read (its path is `spec`)
};

// Reads one data file (check, import). With `sha256`, also the hash of exactly what was loaded
// (for the store). Throws DataFileError.
LoadedDataset load_check_input(const CheckInput& input, std::string* sha256);

struct CheckJob {
  const CompiledRuleSet* rules = nullptr;
  std::int32_t as_of = 0;
  std::vector<CheckInput> inputs;     // read at once, each on threads of its own
  Store* store = nullptr;             // the kinds the rules read and `inputs` do not give come from it
  std::string store_name;             // for messages
  bool record = false;                // record the run in the store and read back its history
  std::string now;                    // UTC time recorded with the run
  std::uint32_t max_rejected_ppm = kDefaultMaxRejectedPpm;
  // The rows rejected reading `inputs`: written to this CSV file when not empty; with `strict`
  // any one of them stops the job before anything is evaluated.
  std::string rejects;
  bool strict = false;
  // Names the rule set in the problems found ("check ID is incomplete: ..."), for a plan's
  // several checks; else "incomplete check: ...".
  bool name_ruleset = false;
  // Say each step (toets check): warnings about rejected rows, notes on the kinds the store lacks,
  // "recorded as run N". A plan says its own.
  bool say_each_step = true;
  // The report: written when `format` is set, to `out_path` (whole or not at all) or, when that is
  // empty, to `out_stream`.
  std::optional<ReportFormat> format;
  std::string out_path;
  std::ostream* out_stream = nullptr;
  ReportOptions report_options;
};

struct CheckJobOutcome {
  int exit_status = 2;                // as check_exit_status; 2 when the job stopped
  bool evaluated = false;
  CheckReport report;
  std::optional<ReportHistory> history;
  std::int64_t run_id = 0;            // 0: not recorded
  std::vector<Event> events;          // what happened, up to the report written
  std::vector<Event> findings;        // the problems the check found: rule errors, incompleteness
  std::vector<std::unique_ptr<LoadedDataset>> data;  // what the report's evidence was read from
};

CheckJobOutcome run_check_job(const CheckJob& job);

// --rejects and --strict (check, import), once every input is loaded: the rows rejected reading
// `inputs` to the CSV file `rejects` (when not empty); with `strict`, any one of them is an error
// that ends "; <nothing_done>", with the rows listed (no personal value). False when the check or
// import must not go on.
bool handle_rejected_rows(const std::vector<InputSummary>& inputs, const std::string& rejects, bool strict,
                          std::string_view nothing_done, std::vector<Event>& events);

}  // namespace toets
