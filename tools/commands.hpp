#pragma once
// Subcommands and options of the toets command line that live outside tools/toets.cpp: each
// registers itself on the CLI11 app and runs from its own options struct, returning the exit code.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dsl/program/program.hpp"
#include "dsl/program/schema.hpp"
#include "engine/run/check_job.hpp"
#include "engine/input/input.hpp"
#include "engine/store/store.hpp"

namespace toets::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 2;

// --all-warnings (a global flag): the warnings about imported rule files too, not one line for them.
extern bool all_warnings;

// Today as days since 1970-01-01 (UTC).
std::int32_t today();

// The events of a job on stderr: progress as info, warnings as warnings (both through the log, so
// -q and -v apply), errors as "toets: LOCATION: error: MESSAGE", details as they are.
void print_events(const std::vector<Event>& events);

// Store::open, saying as a warning what opening found after a write that did not finish.
std::unique_ptr<Store> open_store(const std::string& path, StoreAccess access, std::string& error);

// Loads and checks a rule file; prints diagnostics (errors and warnings) to stderr.
// `check` shows warnings only with -v (they are about the rules, not this data); `validate`
// always shows them.
std::unique_ptr<CompiledRuleSet> load_rules(const std::string& path, bool show_warnings);

// The pseudonym key: --pseudonym-key-file FILE, else the environment's TOETS_PSEUDONYM_KEY. At
// least 16 characters. Prints the problem and returns nullopt when there is none.
std::optional<std::string> pseudonym_key(const std::string& key_file);

// A number given on the command line for a run or an import: a whole number above 0.
std::optional<std::int64_t> parse_run_id(const std::string& text);

// A check for a count option: decimal digits only, leading zeros dropped. CLI11 alone reads "0x10"
// as 16 and "010" as 8, which a user who typed them did not mean.
CLI::Validator decimal_digits();

// toets check RULES --data KIND=FILE ... (tools/cmd_check.cpp; the work: engine/run/check_job.hpp).
struct CheckOptions {
  std::string ruleset;
  std::vector<std::string> data;
  std::string db;          // --db: read the kinds not given by --data from the store, record the run
  bool no_record = false;  // --no-record: open the store read-only, record nothing
  std::string as_of;
  std::string format = "text";
  std::string out;
  std::string fail_on = "breach";
  // How the --data files are read (docs/data-input.md).
  std::string format_in = "auto";
  std::string delimiter = "auto";
  std::string decimal = "auto";
  std::string encoding = "auto";
  std::vector<std::string> mappings;  // KIND=FILE
  std::vector<std::string> sheets;    // a workbook's sheet: NAME, or KIND=NAME
  bool strict = false;                // any rejected row: exit 2, nothing checked
  std::string rejects;                // write the rejected rows with their reasons here
  std::string max_rejected = "1%";    // a dataset with a larger rejected share makes the check incomplete
  // Reports (docs/reports.md): language, privacy. Empty: html and markdown in Dutch, text in the
  // English that scripts read; given, every format speaks it.
  std::string lang;
  bool pseudonymise = false;
  std::string key_file;
  std::uint64_t min_group_size = 5;
  std::vector<std::string> select;    // --select: only these rules (a run of part of a rule set is not recorded)
};
CLI::App* add_check_command(CLI::App& app, CheckOptions& options);
int run_check(CheckOptions& options);

// toets validate RULES (tools/cmd_check.cpp).
CLI::App* add_validate_command(CLI::App& app, std::string& path);
int run_validate(const std::string& path);

// The --data KIND=FILE arguments, each kind at most once (check, import).
struct DataSpecs {
  std::vector<std::pair<const DatasetSchema*, std::string>> files;
  std::set<std::string> kinds;
};
// nullopt after printing what is wrong; `twice_hint` ends the message for a kind given twice.
std::optional<DataSpecs> parse_data_specs(const std::vector<std::string>& specs, const std::string& twice_hint);
// The --format-in, --delimiter, --decimal, --encoding and --mapping options as an InputSpec
// (without a path) per dataset kind; false after printing what is wrong.
bool input_specs(const CheckOptions& options, const std::set<std::string>& kinds, std::map<std::string, InputSpec>& specs);
// --out and --rejects can be written (a regular file, or a new one in an existing folder); false
// after saying why not. Before any work: a FIFO there would hang the write at the very end.
bool outputs_writable(const CheckOptions& options);

// toets import, history, diff, rejections: the store (tools/cmd_store.cpp, docs/store.md).
struct ImportOptions {
  std::string db;
  std::vector<std::string> data;
  bool replace = false;
  std::string format = "text";
  CheckOptions input;  // how the files are read: format_in, delimiter, decimal, encoding, mappings, strict, rejects
};
struct HistoryOptions {
  std::string db;
  std::string ruleset;
  bool imports = false;
  std::string format = "text";
};
struct DiffOptions {
  std::string db;
  std::vector<std::string> runs;
  std::string ruleset;
  std::string format = "text";
};
struct RejectionsOptions {
  std::string db;
  std::string import;  // empty: every import
  std::string format = "text";
};
CLI::App* add_import_command(CLI::App& app, ImportOptions& options);
int run_import(const ImportOptions& options);
CLI::App* add_history_command(CLI::App& app, HistoryOptions& options);
int run_history(const HistoryOptions& options);
CLI::App* add_diff_command(CLI::App& app, DiffOptions& options);
int run_diff(const DiffOptions& options);
CLI::App* add_rejections_command(CLI::App& app, RejectionsOptions& options);
int run_rejections(const RejectionsOptions& options);

// toets run PLAN (tools/cmd_run.cpp; the work: engine/run/plan.hpp).
struct PlanOptions {
  std::string plan;
  std::string as_of;
  std::string lang;
  bool pseudonymise = false;
  std::string key_file;
  std::uint64_t min_group_size = 0;  // 0: the plan's
  std::string fail_on;
  std::string exports;
  std::string store;
  std::string output;
  std::string max_rejected;          // empty: the plan's
  std::vector<std::string> select;   // --select: only these rules; the runs are not recorded
};
CLI::App* add_run_command(CLI::App& app, PlanOptions& options);
int run_plan_command(const PlanOptions& options, bool quiet);

// toets schema [KIND] [--markdown]: the canonical datasets from the schema in code (dsl/program/schema.cpp).
struct SchemaOptions {
  std::string kind;       // empty: every dataset
  bool markdown = false;  // the tables of docs/data-format.md
};
CLI::App* add_schema_command(CLI::App& app, SchemaOptions& options);
int run_schema(const SchemaOptions& options);

// toets mapping init FILE --dataset KIND [-o OUT] [--sheet NAME]: a mapping from an export's header
// (engine/input/mapping_init.hpp).
struct MappingOptions {
  std::string file;
  std::string dataset;
  std::string out;    // empty: stdout
  std::string sheet;
  bool force = false;  // overwrite OUT
};
CLI::App* add_mapping_command(CLI::App& app, MappingOptions& options, CLI::App*& init);
int run_mapping_init(const MappingOptions& options);

// --sheet NAME or --sheet KIND=NAME (check, import): the sheet to read of every workbook (.xlsx)
// given with --data, or of one kind's file, into `specs` (per kind). False after printing what is
// wrong.
bool apply_sheets(const std::vector<std::string>& sheets,
                  const std::vector<std::pair<const DatasetSchema*, std::string>>& files,
                  std::map<std::string, InputSpec>& specs);

}  // namespace toets::cli
