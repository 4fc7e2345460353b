#pragma once
// A plan: one scheduled monitoring run in a file (`toets run PLAN`, docs/reports.md). It names a
// store, the exports to import with their mappings, the rule sets to run, the as-of date and an
// output folder; running it imports, checks, records each run and writes the reports into a
// dated subfolder. A cron line or a CI job is then all a user needs. The file is TOML, read by
// engine/run/plan_file.hpp (its format is described there).
//
// Running checks everything it can before it writes anything: a missing export, mapping, rule set
// or key file, a rule set with errors, an export that cannot be read as a whole all stop the run
// with nothing written (no import, no run recorded, no report).
//
// Also here: the history of recorded runs that the reports draw their trends and changes from.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/program/schema.hpp"
#include "engine/run/check_job.hpp"
#include "engine/report/report.hpp"
#include "engine/store/store.hpp"

namespace toets {

// ReportFormat, parse_report_format and write_report: engine/run/check_job.hpp.

struct PlanImport {
  const DatasetSchema* schema = nullptr;
  std::string file;      // as written: relative to the exports folder (see import_path)
  std::string mapping;   // resolved against the plan's folder; empty: none
  std::uint32_t line = 0;  // of its [[import]] in the plan
  std::string sheet = {};  // an Excel workbook's sheet; empty: the first
};

struct PlanCheck {
  std::string rules;     // resolved
  std::uint32_t line = 0;  // of its [[check]] in the plan
};

struct Plan {
  std::string file;                       // the plan file, as named
  std::string store;                      // resolved
  std::string output;                     // resolved; reports go to output/AS_OF/
  std::string exports;                    // resolved; the plan's folder when not given
  std::optional<std::int32_t> as_of;      // nullopt: today
  ImportMode mode = ImportMode::Merge;
  std::vector<ReportFormat> formats = {ReportFormat::Html, ReportFormat::Markdown, ReportFormat::Junit,
                                       ReportFormat::Json};
  Lang lang = Lang::Nl;
  std::uint64_t min_group_size = 5;
  std::string pseudonym_key_file;         // resolved; empty: ids as they are
  bool fail_on_signal = false;
  std::uint32_t max_rejected_ppm = kDefaultMaxRejectedPpm;  // above it a check is incomplete (exit 2)
  std::vector<PlanImport> imports;
  std::vector<PlanCheck> checks;
};

// A pseudonym key file may be at most this long; a longer one (or /dev/zero) is refused when the
// limit is reached.
inline constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

// Where an import's file is: absolute as written, else in `exports_folder`.
std::string import_path(const PlanImport& import, const std::string& exports_folder);

struct PlanRunOptions {
  std::optional<std::int32_t> as_of;      // overrides the plan's
  std::int32_t today = 0;                 // for as_of = today
  std::string now;                        // UTC time recorded with the imports and runs
  // The command line's settings, each overriding the plan's when given.
  std::optional<Lang> lang;
  std::optional<std::uint64_t> min_group_size;
  std::string pseudonym_key;              // not empty: pseudonymise with this key
  std::optional<bool> fail_on_signal;
  std::optional<std::uint32_t> max_rejected_ppm;
  std::string exports;                    // not empty: the exports folder instead of the plan's
  std::string store;                      // not empty: the store instead of the plan's
  std::string output;                     // not empty: the output folder instead of the plan's
  std::vector<std::string> select;        // not empty: only these rules; the runs are not recorded
};

struct PlanOutcome {
  int exit_code = 0;                      // as `toets check`: 0, 1 (breach), 2 (wrong input, incomplete)
  std::string folder;                     // where the reports went; empty when nothing was written
  std::vector<std::string> files;         // the reports written, in order
  std::vector<std::int64_t> runs;         // the runs recorded
  // What happened, in order: what was imported, checked and written (Progress), every problem
  // (Error, Detail, Summary). Nothing personal is ever among them.
  std::vector<Event> events;
};

// Runs a plan: imports, then one check job (engine/run/check_job.hpp) per rule set over the store,
// then the reports. Throws StoreError when SQLite or the file system fails mid-way (the store's
// transactions leave it as it was before that step).
PlanOutcome run_plan(const Plan& plan, const PlanRunOptions& options);
// The same, with the events also written to `log` as lines (event_line).
PlanOutcome run_plan(const Plan& plan, const PlanRunOptions& options, std::ostream& log);

// The recorded runs of `run`'s rule set up to and including it (at most `max_runs`, newest kept),
// with each result's measures, statuses, streak and change since the previous run.
ReportHistory load_history(Store& store, std::int64_t run_id, std::size_t max_runs = 12);

// The same from runs and results already read (the store-free part of load_history; tests use it).
ReportHistory build_history(const std::vector<RunInfo>& runs, const std::vector<std::vector<StoredResult>>& results);

}  // namespace toets
