// The toets command line: parses arguments, calls the library, maps outcomes to exit codes.
//   0  nothing breached
//   1  at least one breach (or signal / at_risk with --fail-on signal)
//   2  the rules, the arguments or the data are wrong, or the check could not check its data
//      (more rows rejected than --max-rejected allows, or a dataset without one accepted row)
// Only the report goes to stdout; diagnostics and logs go to stderr.

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "dsl/calendar.hpp"
#include "dsl/checker.hpp"
#include "engine/atomic_file.hpp"
#include "engine/check_outcome.hpp"
#include "engine/clock.hpp"
#include "engine/csv_reader.hpp"
#include "engine/evaluator.hpp"
#include "engine/input.hpp"
#include "engine/memory_limits.hpp"
#include "engine/output_guard.hpp"
#include "engine/plan.hpp"
#include "engine/plan_file.hpp"
#include "engine/privacy.hpp"
#include "engine/rejection_listing.hpp"
#include "engine/report.hpp"
#include "engine/rule_selection.hpp"
#include "engine/small_file.hpp"
#include "engine/store.hpp"
#include "tools/cmd_lsp.hpp"
#include "tools/cmd_test.hpp"
#include "tools/cmd_fmt.hpp"
#include "tools/version.hpp"
#include "tools/commands.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 2;

std::int32_t today() {
  const auto now = std::chrono::floor<std::chrono::days>(toets::current_time());  // TOETS_NOW pins it
  return static_cast<std::int32_t>(now.time_since_epoch().count());
}


void setup_logging(int verbosity, bool quiet) {
  // Messages quote paths and values: shown with their control characters escaped (output_guard.hpp).
  auto logger = std::make_shared<spdlog::logger>(
      "toets", toets::escaping_sink(std::make_shared<spdlog::sinks::stderr_color_sink_mt>()));
  logger->set_pattern("toets: %l: %v");
  logger->set_level(quiet ? spdlog::level::err
                          : verbosity >= 2 ? spdlog::level::debug
                          : verbosity == 1 ? spdlog::level::info
                                           : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

// --all-warnings (a global flag): the warnings about imported rule files too, not one line for them.
bool all_warnings = false;

// Store::open, saying as a warning what opening found after a write that did not finish.
std::unique_ptr<toets::Store> open_store(const std::string& path, toets::StoreAccess access, std::string& error) {
  auto store = toets::Store::open(path, access, error);
  if (store) {
    for (const std::string& note : store->notes()) spdlog::warn("{}", note);
  }
  return store;
}

// Loads and checks a rule file; prints diagnostics (errors and warnings) to stderr.
// `check` shows warnings only with -v (they are about the rules, not this data); `validate`
// always shows them.
std::unique_ptr<toets::CompiledRuleSet> load_rules(const std::string& path, bool show_warnings) {
  toets::Diagnostics diagnostics;
  const toets::MemoryStage stage("reading the rules in " + path);
  auto rules = toets::check_rule_file(path, diagnostics);
  const std::size_t warnings = diagnostics.all().size() - diagnostics.error_count();
  if (show_warnings || !rules) {
    if (all_warnings) diagnostics.print(std::cerr);
    else diagnostics.print_summarising_imports(std::cerr, path, "--all-warnings");
  } else if (warnings > 0) {
    spdlog::warn("{}: {} warning{} about the rules (toets validate {} shows them)", path, warnings,
                 warnings == 1 ? "" : "s", path);
  }
  if (!rules) {
    std::cerr << "toets: " << path << ": " << diagnostics.error_count() << " error"
              << (diagnostics.error_count() == 1 ? "" : "s") << "; nothing was checked\n";
  }
  return rules;
}

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

// The pseudonym key: --pseudonym-key-file FILE, else the environment's TOETS_PSEUDONYM_KEY. At
// least 16 characters. Prints the problem and returns nullopt when there is none.
std::optional<std::string> pseudonym_key(const std::string& key_file) {
  std::string key;
  if (!key_file.empty()) {
    std::string problem;
    std::optional<std::string> text = toets::read_small_file(key_file, toets::kMaxKeyFileBytes, "a pseudonym key file", problem);
    if (!text) {
      std::cerr << "toets: error: --pseudonym-key-file '" << key_file << "': " << problem << "\n";
      return std::nullopt;
    }
    key = std::move(*text);
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  } else if (const char* env = std::getenv("TOETS_PSEUDONYM_KEY")) {
    key = env;
  } else {
    std::cerr << "toets: error: --pseudonymise needs a key: --pseudonym-key-file FILE or TOETS_PSEUDONYM_KEY\n";
    return std::nullopt;
  }
  if (key.size() < 16) {
    std::cerr << "toets: error: the pseudonym key must be at least 16 characters\n";
    return std::nullopt;
  }
  return key;
}

// The --format-in, --delimiter, --decimal, --encoding and --mapping options as an InputSpec
// (without a path) per dataset kind; false after printing what is wrong.
bool input_specs(const CheckOptions& options, const std::set<std::string>& kinds,
                 std::map<std::string, toets::InputSpec>& specs) {
  toets::InputSpec base;
  const auto format = toets::parse_input_format(options.format_in);
  const auto delimiter = toets::parse_delimiter(options.delimiter);
  const auto decimal = toets::parse_decimal_mark(options.decimal);
  const auto encoding = toets::parse_encoding(options.encoding);
  if (!format || !delimiter || !decimal || !encoding) {
    std::cerr << "toets: error: "
              << (!format      ? "--format-in '" + options.format_in + "': expected auto, csv, json, jsonl or xlsx"
                  : !delimiter ? "--delimiter '" + options.delimiter + "': expected auto, comma (,) or semicolon (;)"
                  : !decimal   ? "--decimal '" + options.decimal + "': expected auto, point (.) or comma (,)"
                               : "--encoding '" + options.encoding + "': expected auto, utf-8 or cp1252")
              << "\n";
    return false;
  }
  base.format = *format;
  base.delimiter = *delimiter;
  base.decimal = *decimal;
  base.encoding = *encoding;
  for (const std::string& kind : kinds) specs[kind] = base;
  for (const std::string& mapping : options.mappings) {
    const auto eq = mapping.find('=');
    const std::string kind = eq == std::string::npos ? "" : mapping.substr(0, eq);
    if (toets::find_dataset(kind) == nullptr || eq + 1 >= mapping.size()) {
      std::cerr << "toets: error: --mapping '" << mapping
                << "': expected KIND=FILE with KIND one of allocations, stock, mutations, projects\n";
      return false;
    }
    if (kinds.count(kind) == 0) {
      std::cerr << "toets: error: --mapping " << kind << ": no --data " << kind << " is given to apply it to\n";
      return false;
    }
    if (!specs[kind].mapping_path.empty()) {
      std::cerr << "toets: error: --mapping " << kind << " is given twice\n";
      return false;
    }
    specs[kind].mapping_path = mapping.substr(eq + 1);
  }
  return true;
}

// Reads one --data input: a CSV file, or a table of an SQLite file (sqlite:FILE:TABLE). With
// `sha256`, also the hash of the content (for the store). Throws DataFileError.
toets::LoadedDataset load_data(const toets::DatasetSchema& schema, const std::string& spec, std::string* sha256,
                               const toets::InputSpec& dialect = {}) {
  std::string error;
  if (auto table = toets::parse_sqlite_spec(spec, error)) {
    toets::SqliteReadOptions options;
    options.content_hash = sha256 != nullptr;
    toets::SqliteLoaded loaded = toets::read_sqlite_table(schema, *table, options);
    if (sha256 != nullptr) *sha256 = loaded.sha256;
    return std::move(loaded.loaded);
  }
  if (!error.empty()) throw toets::DataFileError(error);
  toets::InputSpec input = dialect;
  input.path = spec;
  return toets::load_input(schema, input, sha256);  // the hash is of exactly the bytes loaded
}

// --rejects and --strict, once every input is loaded: false when the check (or import) must not run.
bool report_rejections(const toets::CheckReport& report, const CheckOptions& options,
                       const char* nothing_done = "nothing was checked") {
  // Rows rejected reading these very inputs. A kind from the store brings its imports' rejections
  // along; they were --strict's and --rejects' business when the files were imported.
  const auto own_rejected = [](const toets::LoadReport& load) -> std::uint64_t {
    return load.imports.empty() ? load.rows_rejected : load.rejections.size();
  };
  std::vector<const toets::LoadReport*> loads;
  std::uint64_t rejected = 0;
  for (const auto& input : report.inputs) {
    loads.push_back(&input.report);
    rejected += own_rejected(input.report);
  }
  if (!options.rejects.empty()) {
    std::string error;
    auto file = toets::AtomicFile::create(options.rejects, error);  // whole, or not at all
    if (file) toets::write_rejections_csv(loads, file->stream());
    if (!file || !file->commit(error)) {
      std::cerr << "toets: error: --rejects '" << options.rejects << "': " << error << "\n";
      return false;
    }
    spdlog::info("{} rejected row{} written to {}", rejected, rejected == 1 ? "" : "s", options.rejects);
  }
  if (!options.strict || rejected == 0) return true;
  std::cerr << "toets: error: --strict: " << rejected << " row" << (rejected == 1 ? " was" : "s were")
            << " rejected; " << nothing_done << "\n";
  for (const toets::LoadReport* load : loads) {
    if (own_rejected(*load) == 0) continue;
    std::cerr << "  " << load->file << ": " << load->rows_rejected << " of " << load->rows_read << " "
              << load->dataset << " rows rejected\n";
    const std::size_t shown = std::min<std::size_t>(load->rejections.size(), 20);
    // Logs never carry a personal value (docs/reports.md): incomes and ages are withheld here as
    // in every report; --rejects FILE holds the rows themselves, for whoever fixes the export.
    const toets::Privacy privacy{toets::ReportOptions{}};
    for (std::size_t i = 0; i < shown; ++i) {
      const toets::Rejection rejection = privacy.rejection(*load, load->rejections[i]);
      std::cerr << "    " << load->file << ":" << toets::rejection_place(rejection) << ": "
                << (rejection.column.empty() ? "" : rejection.column + " ")
                << (rejection.value.empty() ? "" : "'" + rejection.value + "': ") << rejection.reason << "\n";
    }
    if (load->rejections.size() > shown) {
      std::cerr << "    ... and " << load->rejections.size() - shown << " more"
                << (options.rejects.empty() ? " (--rejects FILE writes them all)" : "") << "\n";
    }
  }
  return false;
}

// The --data KIND=FILE arguments, each kind at most once; nullopt (the reason on stderr) otherwise.
struct DataSpecs {
  std::vector<std::pair<const toets::DatasetSchema*, std::string>> files;
  std::set<std::string> kinds;
};
std::optional<DataSpecs> parse_data_specs(const std::vector<std::string>& specs, const std::string& twice_hint) {
  DataSpecs inputs;
  for (const auto& spec : specs) {
    const auto eq = spec.find('=');
    const std::string kind = eq == std::string::npos ? "" : spec.substr(0, eq);
    const toets::DatasetSchema* schema = toets::find_dataset(kind);
    if (schema == nullptr || eq + 1 >= spec.size()) {
      std::cerr << "toets: error: --data '" << spec
                << "': expected KIND=FILE with KIND one of allocations, stock, mutations, projects\n";
      return std::nullopt;
    }
    if (!inputs.kinds.insert(kind).second) {
      std::cerr << "toets: error: --data " << kind << " is given twice" << twice_hint << "\n";
      return std::nullopt;
    }
    inputs.files.emplace_back(schema, spec.substr(eq + 1));
  }
  return inputs;
}

// --out and --rejects can be written (a regular file, or a new one in an existing folder); false
// after saying why not. Before any work: a FIFO there would hang the write at the very end.
bool outputs_writable(const CheckOptions& options) {
  for (const std::string* target : {&options.out, &options.rejects}) {
    if (target->empty()) continue;
    if (const auto problem = toets::output_path_problem(*target)) {
      std::cerr << "toets: error: " << (target == &options.out ? "--out" : "--rejects") << " '" << *target
                << "': cannot write: " << *problem << "\n";
      return false;
    }
  }
  return true;
}

int run_check(const CheckOptions& options) {
  const auto max_rejected = toets::parse_max_rejected(options.max_rejected);
  if (!max_rejected) {
    std::cerr << "toets: error: --max-rejected '" << options.max_rejected
              << "': expected a percentage from 0% to 100%, like 1%, 0.5% or 0\n";
    return kExitInvalid;
  }
  std::int32_t as_of = today();
  if (!options.as_of.empty()) {
    auto parsed = toets::parse_iso_date(options.as_of);
    if (!parsed) {
      std::cerr << "toets: error: --as-of '" << options.as_of << "' is not a date (YYYY-MM-DD)\n";
      return kExitInvalid;
    }
    as_of = *parsed;
  }
  // Where the report and the rejected rows go, before any work: a run recorded in the store and
  // then no report (exit 2) would leave a run nobody saw.
  if (!outputs_writable(options)) return kExitInvalid;
  // Nor may they be a file this check reads: '--rejects allocations.csv' replaced the export with
  // its rejections, '--out rules.toets' the rules with the report.
  {
    std::vector<std::pair<std::string, std::string>> inputs = {{options.ruleset, "the rule file"}};
    for (const std::string& spec : options.data) {
      const auto eq = spec.find('=');
      if (eq == std::string::npos) continue;
      std::string file = spec.substr(eq + 1);
      std::string ignored;
      if (const auto table = toets::parse_sqlite_spec(file, ignored)) file = table->file;
      inputs.emplace_back(file, "--data " + spec.substr(0, eq));
    }
    for (const std::string& mapping : options.mappings) {
      const auto eq = mapping.find('=');
      if (eq != std::string::npos) inputs.emplace_back(mapping.substr(eq + 1), "--mapping " + mapping.substr(0, eq));
    }
    if (!options.db.empty()) inputs.emplace_back(options.db, "--db");
    if (!options.key_file.empty()) inputs.emplace_back(options.key_file, "--pseudonym-key-file");
    if (!options.out.empty()) inputs.emplace_back(options.out, "--out");  // --rejects the same file as --out
    for (const std::string* target : {&options.rejects, &options.out}) {
      if (target->empty()) continue;
      for (const auto& [path, what] : inputs) {
        std::error_code ignored;
        if (target == &options.out && what == "--out") continue;
        // The same file, or the same path for one not written yet (--out and --rejects alike).
        const auto where = [](const std::string& file) {
          std::error_code error;
          const std::filesystem::path absolute = std::filesystem::absolute(file, error);
          return error ? std::filesystem::path() : std::filesystem::weakly_canonical(absolute, error);
        };
        const std::filesystem::path target_path = where(*target);
        if (std::filesystem::equivalent(*target, path, ignored) ||
            (!target_path.empty() && target_path == where(path))) {
          std::cerr << "toets: error: " << (target == &options.out ? "--out" : "--rejects") << " '" << *target
                    << "': cannot write: it is " << what << (what.front() == '-' ? "'s file" : "")
                    << " (it would be overwritten)\n";
          return kExitInvalid;
        }
      }
    }
  }
  toets::ReportOptions report_options;
  report_options.lang = toets::parse_lang(options.lang).value_or(toets::Lang::Nl);
  if (!options.lang.empty()) report_options.text_lang = toets::parse_lang(options.lang);
  report_options.min_group_size = options.min_group_size;
  report_options.fail_on_signal = options.fail_on == "signal";
  if (options.pseudonymise || !options.key_file.empty()) {
    const auto key = pseudonym_key(options.key_file);
    if (!key) return kExitInvalid;
    report_options.pseudonym_key = *key;
  }

  // Arguments first: a typo in --data should not wait for the rules to be checked.
  const auto parsed = parse_data_specs(options.data, "");
  if (!parsed) return kExitInvalid;
  const auto& inputs = parsed->files;
  const std::set<std::string>& seen_kinds = parsed->kinds;
  std::map<std::string, toets::InputSpec> input_dialects;
  if (!input_specs(options, seen_kinds, input_dialects)) return kExitInvalid;
  if (!toets::cli::apply_sheets(options.sheets, inputs, input_dialects)) return kExitInvalid;

  std::unique_ptr<toets::Store> store;
  if (!options.db.empty()) {
    std::string error;
    store = open_store(options.db, options.no_record ? toets::StoreAccess::ReadOnly : toets::StoreAccess::ReadWrite,
                               error);
    if (!store) {
      std::cerr << "toets: error: " << error << "\n";
      return kExitInvalid;
    }
  } else if (options.no_record) {
    std::cerr << "toets: error: --no-record needs --db\n";
    return kExitInvalid;
  }

  auto rules = load_rules(options.ruleset, spdlog::default_logger_raw()->should_log(spdlog::level::info));
  if (!rules) return kExitInvalid;
  if (!options.select.empty()) {
    const auto problems = toets::selection_problems({rules.get()}, options.select);
    for (const auto& problem : problems) std::cerr << "toets: error: --select: " << problem << "\n";
    if (!problems.empty()) return kExitInvalid;
    toets::keep_selected_rules(*rules, options.select);
    if (store && !options.no_record) spdlog::warn("--select: a check of part of the rule set is not recorded in {}", options.db);
  }

  std::set<toets::DatasetKind> read_by_rules;
  for (const toets::DatasetSchema* schema : toets::datasets_read_by(*rules)) read_by_rules.insert(schema->kind);

  toets::CheckReport report;
  report.ruleset = rules->info;
  report.as_of = as_of;
  std::vector<std::unique_ptr<toets::LoadedDataset>> loaded;
  toets::DatasetMap datasets;
  std::vector<toets::RunInput> run_inputs;  // what the store records about each input
  std::vector<std::string> sha256s(inputs.size());
  {
    // The files are read at once, each on threads of its own: a file's load ends in a stretch
    // where its chunks are joined one by one, which the other file's reading fills
    // (docs/performance.md). Every cell is checked, but only the columns a rule reads are
    // stored: less memory and time. The first error in the order given is the one reported.
    const toets::MemoryStage reading("reading the data");
    std::vector<std::unique_ptr<toets::LoadedDataset>> results(inputs.size());
    std::vector<std::exception_ptr> failures(inputs.size());
    std::vector<toets::InputSpec> dialects(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto& [schema, path] = inputs[i];
      spdlog::info("loading {} from {}", schema->name, path);
      dialects[i] = input_dialects[schema->name];
      dialects[i].kept_columns = toets::columns_read_by(*rules, *schema);
    }
    const auto load_one = [&](std::size_t i) {
      try {
        results[i] = std::make_unique<toets::LoadedDataset>(
            load_data(*inputs[i].first, inputs[i].second, store ? &sha256s[i] : nullptr, dialects[i]));
      } catch (...) {
        failures[i] = std::current_exception();  // rethrown below, in this thread
      }
    };
    {
      std::vector<std::jthread> threads;
      for (std::size_t i = 1; i < inputs.size(); ++i) threads.emplace_back(load_one, i);
      if (!inputs.empty()) load_one(0);
    }
    for (const std::exception_ptr& failure : failures) {
      if (!failure) continue;
      try {
        std::rethrow_exception(failure);
      } catch (const toets::DataFileError& error) {
        std::cerr << "toets: error: " << error.what() << "\n";
        return kExitInvalid;
      }
    }
    loaded = std::move(results);
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& [schema, path] = inputs[i];
    const std::string& sha256 = sha256s[i];
    toets::LoadedDataset& data = *loaded[i];
    const bool used = read_by_rules.count(schema->kind) > 0;
    if (data.report.rows_rejected > 0) {
      spdlog::warn("{}: {} of {} rows rejected and left out of the check (see the report)", path,
                   data.report.rows_rejected, data.report.rows_read);
    }
    if (!used) {
      report.notes.push_back("no rule of this rule set reads " + schema->name + "; " + path + " was ignored");
    } else {
      datasets[schema->kind] = &data.data;
    }
    report.inputs.push_back(toets::InputSummary{data.report, used});
    run_inputs.push_back(toets::RunInput{schema->name, path, sha256, {}, data.report.rows_read,
                                         data.report.rows_accepted, data.report.rows_rejected, used});
  }
  if (store) {
    // Every kind a rule reads and --data did not give comes from the store (one snapshot).
    std::vector<const toets::DatasetSchema*> wanted;
    for (const auto& schema : toets::dataset_schemas()) {
      if (read_by_rules.count(schema.kind) > 0 && seen_kinds.count(schema.name) == 0) wanted.push_back(&schema);
    }
    auto from_store = store->load(wanted);
    for (const toets::DatasetSchema* schema : wanted) {
      const auto found = from_store.find(schema->kind);
      if (found == from_store.end()) {
        report.notes.push_back("the store " + options.db + " has no " + schema->name + " (toets import --db " +
                               options.db + " --data " + schema->name + "=FILE adds them)");
        continue;
      }
      loaded.push_back(std::make_unique<toets::LoadedDataset>(std::move(found->second.loaded)));
      const toets::LoadedDataset& data = *loaded.back();
      if (data.report.rows_rejected > 0) {
        spdlog::warn("{}: {} of {} {} rows were rejected when they were imported, or when the store was read "
                     "(see the report)",
                     options.db, data.report.rows_rejected, data.report.rows_read, schema->name);
      }
      datasets[schema->kind] = &data.data;
      report.inputs.push_back(toets::InputSummary{data.report, true});
      run_inputs.push_back(found->second.input);
    }
  }

  if (!report_rejections(report, options)) return kExitInvalid;
  toets::assess_completeness(report, *max_rejected);

  const toets::MemoryStage evaluating("evaluating the rules");
  report.results = toets::evaluate_rules(*rules, datasets, as_of);
  // The report's file is made before the run is recorded: a run nobody saw is worse than none.
  std::unique_ptr<toets::AtomicFile> file;
  if (!options.out.empty()) {
    std::string error;
    file = toets::AtomicFile::create(options.out, error);
    if (!file) {
      std::cerr << "toets: error: --out '" << options.out << "': " << error << "\n";
      return kExitInvalid;
    }
  }
  std::optional<toets::ReportHistory> history;
  if (store && !options.no_record && options.select.empty()) {
    const std::int64_t run_id = store->record_run(report, toets::ruleset_sha256(*rules), run_inputs, toets::utc_now());
    spdlog::info("recorded as run {} in {}", run_id, options.db);
    history = toets::load_history(*store, run_id);
  }

  std::ostream& out = file ? file->stream() : std::cout;
  const toets::ReportHistory* shown_history = history ? &*history : nullptr;
  const std::vector<toets::ReportSection> sections = {toets::ReportSection{&report, shown_history}};
  const toets::MemoryStage writing("writing the report");
  if (options.format == "json") {
    toets::write_json_report(report, out, report_options, shown_history);
  } else if (options.format == "html") {
    toets::write_html_report(sections, out, report_options);
  } else if (options.format == "markdown") {
    toets::write_markdown_report(sections, out, report_options);
  } else if (options.format == "junit") {
    toets::write_junit_report(sections, out, report_options);
  } else {
    toets::write_text_report(report, out, report_options);
  }
  if (file) {
    std::string error;
    if (!file->commit(error)) {
      std::cerr << "toets: error: --out '" << options.out << "': " << error << "\n";
      return kExitInvalid;
    }
  } else if (const auto problem = toets::StandardOutput::finish()) {
    std::cerr << "toets: error: cannot write the report to standard output: " << *problem << "\n";
    return kExitInvalid;
  }

  for (const auto& result : report.results) {
    if (result.status == toets::Status::Error && !result.outside_validity) {
      std::cerr << "toets: error: rule " << result.rule->id << ": " << result.message << "\n";
    }
  }
  for (const auto& reason : report.incomplete) {
    std::cerr << "toets: error: incomplete check: " << toets::incompleteness_text(reason, toets::Lang::En) << "\n";
  }
  return toets::check_exit_status(report, options.fail_on == "signal");
}

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

// toets run PLAN: import, check, record and write the reports a plan names (engine/plan.hpp).
// What it does goes to stdout, line by line; problems to stderr.
int run_plan_command(const PlanOptions& options, bool quiet) {
  toets::Diagnostics diagnostics;
  const auto plan = toets::load_plan(options.plan, diagnostics);
  if (!plan) {
    diagnostics.print(std::cerr);
    std::cerr << "toets: " << options.plan << ": nothing was imported, checked or written\n";
    return kExitInvalid;
  }
  toets::PlanRunOptions run;
  run.today = today();
  run.now = toets::utc_now();
  if (!options.as_of.empty()) {
    const auto parsed = toets::parse_iso_date(options.as_of);
    if (!parsed) {
      std::cerr << "toets: error: --as-of '" << options.as_of << "' is not a date (YYYY-MM-DD)\n";
      return kExitInvalid;
    }
    run.as_of = *parsed;
  }
  if (!options.lang.empty()) run.lang = toets::parse_lang(options.lang);
  if (options.min_group_size > 0) run.min_group_size = options.min_group_size;
  if (!options.fail_on.empty()) run.fail_on_signal = options.fail_on == "signal";
  if (!options.max_rejected.empty()) {
    run.max_rejected_ppm = toets::parse_max_rejected(options.max_rejected);
    if (!run.max_rejected_ppm) {
      std::cerr << "toets: error: --max-rejected '" << options.max_rejected
                << "': expected a percentage from 0% to 100%, like 1%, 0.5% or 0\n";
      return kExitInvalid;
    }
  }
  run.select = options.select;
  run.exports = options.exports;
  run.store = options.store;
  run.output = options.output;
  if (options.pseudonymise || !options.key_file.empty()) {
    const auto key = pseudonym_key(options.key_file);
    if (!key) return kExitInvalid;
    run.pseudonym_key = *key;
  }
  std::ostringstream log;
  const toets::PlanOutcome outcome = toets::run_plan(*plan, run, log);
  std::istringstream lines(log.str());
  for (std::string line; std::getline(lines, line);) {
    const bool problem = line.rfind("error", 0) == 0 || line.find(": error:") != std::string::npos ||
                         line.find("nothing was imported") != std::string::npos;
    if (problem) std::cerr << "toets: " << line << "\n";
    else if (!quiet) std::cout << line << "\n";
  }
  return outcome.exit_code;
}

int run_validate(const std::string& path) {
  auto rules = load_rules(path, spdlog::default_logger_raw()->should_log(spdlog::level::warn));  // not with -q
  if (!rules) return kExitInvalid;
  std::size_t own = 0;
  for (const auto& rule : rules->rules) own += rule.ruleset_id == rules->info.id;
  std::cout << path << ": ok: " << rules->rules.size() << " rules (" << own << " declared here, "
            << rules->rules.size() - own << " imported), " << rules->tables.size() << " parameter tables";
  if (!rules->rules_outside_period.empty()) {
    std::cout << "; " << rules->rules_outside_period.size() << " imported rule"
              << (rules->rules_outside_period.size() == 1 ? "" : "s") << " outside its period not run";
  }
  std::cout << "\n";
  return kExitOk;
}

// ---- the store: import, history, diff (docs/store.md) ----

struct ImportOptions {
  std::string db;
  std::vector<std::string> data;
  bool replace = false;
  std::string format = "text";
  CheckOptions input;  // how the files are read: format_in, delimiter, decimal, encoding, mappings, strict, rejects
};

// Rejections shown per file on stderr; all of them are kept in the store.
constexpr std::size_t kShownRejections = 10;

int run_import(const ImportOptions& options) {
  const auto parsed = parse_data_specs(options.data, " (import them one after the other)");
  if (!parsed) return kExitInvalid;
  const auto& inputs = parsed->files;
  const std::set<std::string>& seen_kinds = parsed->kinds;
  if (inputs.empty()) {
    std::cerr << "toets: error: nothing to import: give at least one --data KIND=FILE\n";
    return kExitInvalid;
  }
  std::map<std::string, toets::InputSpec> input_dialects;
  if (!input_specs(options.input, seen_kinds, input_dialects)) return kExitInvalid;
  if (!toets::cli::apply_sheets(options.input.sheets, inputs, input_dialects)) return kExitInvalid;
  if (!outputs_writable(options.input)) return kExitInvalid;

  // An existing store is opened first (a wrong --db is found before a long read); a new one only
  // once every file has been read, so that a mistake leaves no empty store behind.
  std::string error;
  std::unique_ptr<toets::Store> store;
  std::error_code ignored;
  if (std::filesystem::exists(options.db, ignored)) {
    store = open_store(options.db, toets::StoreAccess::ReadWrite, error);
    if (!store) {
      std::cerr << "toets: error: " << error << "\n";
      return kExitInvalid;
    }
  }

  // Every file is read and checked before the store is touched; then one transaction for all.
  std::vector<std::unique_ptr<toets::LoadedDataset>> loaded;
  std::vector<toets::ImportRequest> requests;
  for (const auto& [schema, path] : inputs) {
    spdlog::info("reading {} from {}", schema->name, path);
    std::string sha256;
    try {
      loaded.push_back(
          std::make_unique<toets::LoadedDataset>(load_data(*schema, path, &sha256, input_dialects[schema->name])));
    } catch (const toets::DataFileError& e) {
      std::cerr << "toets: error: " << e.what() << "\nnothing was imported\n";
      return kExitInvalid;
    }
    const toets::LoadedDataset& data = *loaded.back();
    if (options.replace && data.report.rows_accepted == 0 && data.report.rows_read > 0) {
      std::cerr << "toets: error: " << path << ": every one of its " << data.report.rows_read
                << " rows was rejected; --replace would empty the store's " << schema->name
                << "\nnothing was imported\n";
      return kExitInvalid;
    }
    requests.push_back(toets::ImportRequest{schema, path, sha256, loaded.back().get()});
  }
  {
    // --rejects and --strict as for check: the rejected rows to a file; any rejected row stops it.
    toets::CheckReport loads;
    for (const auto& data : loaded) loads.inputs.push_back(toets::InputSummary{data->report, true});
    if (!report_rejections(loads, options.input, "nothing was imported")) return kExitInvalid;
  }
  if (!store) {
    store = open_store(options.db, toets::StoreAccess::Create, error);
    if (!store) {
      std::cerr << "toets: error: " << error << "\n";
      return kExitInvalid;
    }
  }

  const toets::MemoryStage storing("storing the rows in " + options.db);
  const auto outcomes = store->import(requests, options.replace ? toets::ImportMode::Replace : toets::ImportMode::Merge,
                                      toets::utc_now());

  if (options.format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& outcome : outcomes) {
      nlohmann::ordered_json rejections = nlohmann::ordered_json::array();
      for (const auto& rejection : outcome.rejections) {
        const toets::Rejection r = toets::loggable_rejection(outcome.kind, rejection);  // no personal values
        rejections.push_back({{"line", r.line},
                              {"column", r.column},
                              {"value", r.value},
                              {"reason", r.reason},
                              {"reason_kind", std::string(toets::reason_code(r.why.kind))}});
        if (!r.cell.empty()) rejections.back()["cell"] = r.cell;
      }
      out.push_back({{"kind", outcome.kind},
                     {"source", outcome.source},
                     {"sha256", outcome.sha256},
                     {"import", outcome.import_id},
                     {"skipped", outcome.skipped},
                     {"same_content_as", outcome.earlier_import != 0 ? nlohmann::ordered_json(outcome.earlier_import)
                                                                      : nlohmann::ordered_json(nullptr)},
                     {"rows_read", outcome.rows_read},
                     {"rows_stored", outcome.rows_stored},
                     {"rows_new", outcome.rows_new},
                     {"rows_replaced", outcome.rows_replaced},
                     {"rows_unchanged", outcome.rows_unchanged},
                     {"rows_rejected", outcome.rows_rejected},
                     {"rejections", rejections}});
    }
    std::cout << toets::json_text(out, 2) << "\n";
  } else {
    for (const auto& outcome : outcomes) {
      std::cout << outcome.kind << " " << outcome.source << ": ";
      if (outcome.skipped) {
        std::cout << "already imported as import " << outcome.import_id << " (" << outcome.earlier_time << ", "
                  << outcome.earlier_source << "); nothing changed\n";
        continue;
      }
      if (outcome.earlier_import != 0) {
        std::cout << "the same content as import " << outcome.earlier_import
                  << ", whose records later imports have changed; imported again: ";
      }
      std::cout << "import " << outcome.import_id << ", " << outcome.rows_read << " rows read, " << outcome.rows_stored
                << " stored ";
      if (options.replace) {
        std::cout << "(replacing all " << outcome.rows_replaced << " earlier rows)";
      } else {
        std::cout << "(" << outcome.rows_new << " new, " << outcome.rows_replaced << " changed, "
                  << outcome.rows_unchanged << " unchanged)";
      }
      std::cout << ", " << outcome.rows_rejected << " rejected\n";
    }
  }
  for (const auto& outcome : outcomes) {
    if (outcome.rejections.empty()) continue;
    spdlog::warn("{}: {} of {} rows rejected and not stored", outcome.source, outcome.rows_rejected, outcome.rows_read);
    const std::size_t shown = std::min(outcome.rejections.size(), kShownRejections);
    for (std::size_t i = 0; i < shown; ++i) {
      const toets::Rejection r = toets::loggable_rejection(outcome.kind, outcome.rejections[i]);  // no personal values
      spdlog::warn("  {} {}{}{}: {}", r.cell.empty() ? "line" : "cell", toets::rejection_place(r), r.column.empty() ? "" : ", " + r.column,
                   r.value.empty() ? "" : " '" + r.value + "'", r.reason);
    }
    if (outcome.rejections.size() > shown) {
      spdlog::warn("  ... and {} more (all are in the store's import_rejections table, import {})",
                   outcome.rejections.size() - shown, outcome.import_id);
    }
  }
  return kExitOk;
}

struct HistoryOptions {
  std::string db;
  std::string ruleset;
  bool imports = false;
  std::string format = "text";
};

int run_history(const HistoryOptions& options) {
  std::string error;
  auto store = open_store(options.db, toets::StoreAccess::ReadOnly, error);
  if (!store) {
    std::cerr << "toets: error: " << error << "\n";
    return kExitInvalid;
  }
  if (options.imports) {
    const auto imports = store->imports();
    if (options.format == "json") std::cout << toets::json_text(toets::imports_to_json(imports), 2) << "\n";
    else toets::write_imports_text(imports, std::cout);
    return kExitOk;
  }
  const auto runs = store->runs(options.ruleset.empty() ? std::nullopt : std::optional<std::string>(options.ruleset));
  if (runs.empty() && !options.ruleset.empty()) {
    std::cerr << "toets: error: the store has no runs of rule set '" << options.ruleset << "'\n";
    return kExitInvalid;
  }
  if (options.format == "json") std::cout << toets::json_text(toets::history_to_json(runs), 2) << "\n";
  else toets::write_history_text(runs, std::cout);
  return kExitOk;
}

struct DiffOptions {
  std::string db;
  std::vector<std::string> runs;
  std::string ruleset;
  std::string format = "text";
};

std::optional<std::int64_t> parse_run_id(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

int run_diff(const DiffOptions& options) {
  std::vector<std::int64_t> ids;
  for (const auto& text : options.runs) {
    const auto id = parse_run_id(text);
    if (!id) {
      std::cerr << "toets: error: '" << text << "' is not a run number (toets history lists them)\n";
      return kExitInvalid;
    }
    ids.push_back(*id);
  }
  if (ids.size() > 2) {
    std::cerr << "toets: error: diff compares two runs; " << ids.size() << " were given\n";
    return kExitInvalid;
  }

  std::string error;
  auto store = open_store(options.db, toets::StoreAccess::ReadOnly, error);
  if (!store) {
    std::cerr << "toets: error: " << error << "\n";
    return kExitInvalid;
  }
  std::vector<toets::RunInfo> chosen;
  for (const std::int64_t id : ids) {
    auto run = store->run(id);
    if (!run) {
      std::cerr << "toets: error: " << options.db << " has no run " << id << " (toets history --db " << options.db
                << " lists them)\n";
      return kExitInvalid;
    }
    chosen.push_back(std::move(*run));
  }

  // Not given: the last two runs of one rule set (--ruleset, or that of the latest run); one
  // given: that run against the latest run of its rule set.
  if (chosen.size() < 2) {
    std::string ruleset = !chosen.empty() ? chosen.front().ruleset_id : options.ruleset;
    if (ruleset.empty()) {
      const auto all = store->runs();
      if (all.empty()) {
        std::cerr << "toets: error: " << options.db << " has no runs yet (toets check --db records them)\n";
        return kExitInvalid;
      }
      ruleset = all.back().ruleset_id;
    }
    const auto runs = store->runs(ruleset);
    if (chosen.empty()) {
      if (runs.size() < 2) {
        std::cerr << "toets: error: nothing to compare: " << options.db << " has " << runs.size() << " run"
                  << (runs.size() == 1 ? "" : "s") << " of rule set '" << ruleset << "'\n";
        return kExitInvalid;
      }
      chosen = {runs[runs.size() - 2], runs.back()};
    } else {
      if (runs.back().id == chosen.front().id) {
        std::cerr << "toets: error: run " << chosen.front().id << " is the latest run of rule set '" << ruleset
                  << "'; give the run to compare it with\n";
        return kExitInvalid;
      }
      chosen.push_back(runs.back());
    }
  }

  const auto diff = toets::diff_runs(chosen[0], store->results(chosen[0].id), chosen[1], store->results(chosen[1].id));
  if (options.format == "json") std::cout << toets::json_text(toets::diff_to_json(diff), 2) << "\n";
  else toets::write_diff_text(diff, std::cout);
  return kExitOk;
}

struct RejectionsOptions {
  std::string db;
  std::string import;  // empty: every import
  std::string format = "text";
};

// toets rejections: what each import could not read, grouped, with the fix (docs/store.md).
int run_rejections(const RejectionsOptions& options) {
  std::optional<std::int64_t> import_id;
  if (!options.import.empty()) {
    import_id = parse_run_id(options.import);
    if (!import_id) {
      std::cerr << "toets: error: --import '" << options.import << "' is not an import number (toets history --db "
                << options.db << " --imports lists them)\n";
      return kExitInvalid;
    }
  }
  std::string error;
  auto store = open_store(options.db, toets::StoreAccess::ReadOnly, error);
  if (!store) {
    std::cerr << "toets: error: " << error << "\n";
    return kExitInvalid;
  }
  const auto imports = store->import_rejections(import_id);
  if (import_id && imports.empty()) {
    std::cerr << "toets: error: " << options.db << " has no import " << *import_id << " (toets history --db "
              << options.db << " --imports lists them)\n";
    return kExitInvalid;
  }
  toets::write_import_rejections(imports, *toets::parse_listing_format(options.format), std::cout);
  return kExitOk;
}

}  // namespace

int run_command(int argc, char** argv) {
  CLI::App app{"toets: checks housing-corporation exports against performance agreements"};
  app.require_subcommand(1);
  // -q, -v and --all-warnings are the whole program's, and are taken after the command too
  // (`toets validate RULES -q`): every subcommand passes what it does not know to the app.
  app.fallthrough();
  app.set_version_flag("--version", toets::cli::version_text(), "Print the version (and git commit) and exit");
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "More log output on stderr (-vv for debug)");
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");
  app.add_flag("--all-warnings", all_warnings, "Show the warnings about imported rule files too (else one line sums them up)");

  CheckOptions check_options;
  CLI::App* check = app.add_subcommand("check", "Check data against a rule set and print a report");
  check->add_option("ruleset", check_options.ruleset, "Rule file (.toets)");  // required: checked after parsing
  check->add_option("--data", check_options.data, "KIND=FILE, KIND one of allocations, stock, mutations, projects")
      ->type_name("KIND=FILE");
  check->add_option("--as-of", check_options.as_of, "Date the check is made for (default: today)")
      ->type_name("YYYY-MM-DD");
  check->add_option("--format", check_options.format, "Report format (docs/reports.md)")
      ->check(CLI::IsMember({"text", "json", "html", "markdown", "junit"}))
      ->capture_default_str();
  check->add_option("--lang", check_options.lang,
                    "Language of the reports (default: html and markdown nl, text en as scripts read it)")
      ->check(CLI::IsMember({"nl", "en"}));
  check->add_flag("--pseudonymise", check_options.pseudonymise,
                  "Show record ids as stable keyed hashes (key: --pseudonym-key-file or TOETS_PSEUDONYM_KEY)");
  check->add_option("--pseudonym-key-file", check_options.key_file, "File holding the pseudonym key")->type_name("FILE");
  check->add_option("--min-group-size", check_options.min_group_size,
                    "Groups with fewer records are indicative and their records are not listed")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}))
      ->capture_default_str();
  check->add_option("--out", check_options.out, "Write the report to FILE instead of stdout");
  check->add_option("--fail-on", check_options.fail_on, "Lowest status that makes the exit code 1")
      ->check(CLI::IsMember({"signal", "breach"}))
      ->capture_default_str();
  check->add_option("--db", check_options.db,
                    "Store: read the kinds --data does not give from it, and record the run in it")
      ->type_name("FILE");
  check->add_flag("--no-record", check_options.no_record, "With --db: open the store read-only and record nothing");
  check->add_option("--format-in", check_options.format_in, "Format of the --data files (default: by extension)")
      ->type_name("auto|csv|json|jsonl|xlsx");
  check->add_option("--delimiter", check_options.delimiter, "CSV field delimiter (default: from the header line)")
      ->type_name("auto|comma|semicolon");
  check->add_option("--decimal", check_options.decimal,
                    "Decimal mark in amounts (default: comma in ';'-separated files, else point)")
      ->type_name("auto|point|comma");
  check->add_option("--encoding", check_options.encoding,
                    "Text encoding of the --data files (default: CSV detected, UTF-8 if valid, else Windows-1252)")
      ->type_name("auto|utf-8|cp1252");
  check->add_option("--mapping", check_options.mappings, "Column mapping for one dataset's files (docs/data-input.md)")
      ->type_name("KIND=FILE");
  check->add_option("--sheet", check_options.sheets, "The sheet of the .xlsx --data files (default: the first)")
      ->type_name("[KIND=]NAME");
  check->add_flag("--strict", check_options.strict, "Any rejected row: exit 2 and check nothing");
  check->add_option("--rejects", check_options.rejects, "Write the rejected rows with their reasons to FILE (CSV)")
      ->type_name("FILE");
  check->add_option("--max-rejected", check_options.max_rejected,
                    "Largest share of a dataset's rows that may be rejected; above it the check is incomplete (exit 2)")
      ->type_name("PCT")
      ->capture_default_str();
  check->add_option("--select", check_options.select, "Run only these rules (their ids); the run is not recorded")
      ->type_name("RULE");

  ImportOptions import_options;
  CLI::App* import = app.add_subcommand("import", "Import exports into a store (one transaction; a file already imported is skipped)");
  import->add_option("--db", import_options.db, "Store file (created when missing)")->type_name("FILE")->required();
  import->add_option("--data", import_options.data,
                     "KIND=FILE or KIND=sqlite:FILE:TABLE, KIND one of allocations, stock, mutations, projects")
      ->type_name("KIND=FILE");
  import->add_flag("--replace", import_options.replace,
                   "The file becomes the whole of its kind in the store (default: add and replace records by key)");
  import->add_option("--format", import_options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  import->add_option("--format-in", import_options.input.format_in, "Format of the --data files (default: by extension)")
      ->type_name("auto|csv|json|jsonl|xlsx");
  import->add_option("--delimiter", import_options.input.delimiter, "CSV field delimiter (default: from the header line)")
      ->type_name("auto|comma|semicolon");
  import->add_option("--decimal", import_options.input.decimal,
                     "Decimal mark in amounts (default: comma in ';'-separated files, else point)")
      ->type_name("auto|point|comma");
  import->add_option("--encoding", import_options.input.encoding,
                     "Text encoding of the --data files (default: CSV detected, UTF-8 if valid, else Windows-1252)")
      ->type_name("auto|utf-8|cp1252");
  import->add_option("--mapping", import_options.input.mappings,
                     "Column mapping for one dataset's files (docs/data-input.md)")
      ->type_name("KIND=FILE");
  import->add_option("--sheet", import_options.input.sheets, "The sheet of the .xlsx --data files (default: the first)")
      ->type_name("[KIND=]NAME");
  import->add_flag("--strict", import_options.input.strict, "Any rejected row: exit 2 and import nothing");
  import->add_option("--rejects", import_options.input.rejects, "Write the rejected rows with their reasons to FILE (CSV)")
      ->type_name("FILE");

  HistoryOptions history_options;
  CLI::App* history = app.add_subcommand("history", "List the check runs (or imports) recorded in a store");
  history->add_option("--db", history_options.db, "Store file")->type_name("FILE")->required();
  history->add_option("--ruleset", history_options.ruleset, "Only runs of this rule set (its id)");
  history->add_flag("--imports", history_options.imports, "List the imports instead of the runs");
  history->add_option("--format", history_options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  DiffOptions diff_options;
  CLI::App* diff = app.add_subcommand(
      "diff", "Compare two recorded runs: new and resolved breaches and signals, measures that moved");
  diff->add_option("--db", diff_options.db, "Store file")->type_name("FILE")->required();
  diff->add_option("runs", diff_options.runs,
                   "RUN_A RUN_B; one run: it against the latest run of its rule set; none: the last two runs")
      ->type_name("RUN");
  diff->add_option("--ruleset", diff_options.ruleset, "Without runs: the last two runs of this rule set");
  diff->add_option("--format", diff_options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  RejectionsOptions rejections_options;
  CLI::App* rejections = app.add_subcommand(
      "rejections", "List per import the rows it could not read, grouped by column, reason and value, with the fix");
  rejections->add_option("--db", rejections_options.db, "Store file")->type_name("FILE")->required();
  rejections->add_option("--import", rejections_options.import, "Only this import (toets history --imports lists them)")
      ->type_name("ID");
  rejections->add_option("--format", rejections_options.format, "Output format (csv: a row per group, every line)")
      ->check(CLI::IsMember({"text", "csv"}))
      ->capture_default_str();

  PlanOptions plan_options;
  CLI::App* run_cmd = app.add_subcommand(
      "run", "Run a plan: import the exports into the store, check, record, write the reports (docs/reports.md)");
  run_cmd->add_option("plan", plan_options.plan, "Plan file")->required();
  run_cmd->add_option("--as-of", plan_options.as_of, "Date the check is made for (default: the plan's, else today)")
      ->type_name("YYYY-MM-DD");
  run_cmd->add_option("--lang", plan_options.lang, "Language of the reports (default: the plan's for html and markdown, en for text)")
      ->check(CLI::IsMember({"nl", "en"}));
  run_cmd->add_flag("--pseudonymise", plan_options.pseudonymise,
                    "Show record ids as stable keyed hashes (key: --pseudonym-key-file or TOETS_PSEUDONYM_KEY)");
  run_cmd->add_option("--pseudonym-key-file", plan_options.key_file, "File holding the pseudonym key")->type_name("FILE");
  run_cmd->add_option("--min-group-size", plan_options.min_group_size, "Groups with fewer records are indicative")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}));
  run_cmd->add_option("--fail-on", plan_options.fail_on, "Lowest status that makes the exit code 1 (default: the plan's)")
      ->check(CLI::IsMember({"signal", "breach"}));
  run_cmd->add_option("--exports", plan_options.exports, "Read the exports from FOLDER instead of the plan's")
      ->type_name("FOLDER");
  run_cmd->add_option("--store", plan_options.store, "Use this store instead of the plan's")->type_name("FILE");
  run_cmd->add_option("--output", plan_options.output, "Write the reports under FOLDER instead of the plan's")
      ->type_name("FOLDER");
  run_cmd->add_option("--max-rejected", plan_options.max_rejected,
                      "Largest share of a dataset's rows that may be rejected (default: the plan's max_rejected, "
                      "else 1%); above it the check is incomplete (exit 2)")
      ->type_name("PCT");
  run_cmd->add_option("--select", plan_options.select, "Run only these rules (their ids); the runs are not recorded")
      ->type_name("RULE");

  std::string validate_path;
  CLI::App* validate = app.add_subcommand("validate", "Check a rule file (and its imports) without data");
  validate->add_option("ruleset", validate_path, "Rule file (.toets)")->required();

  toets::cli::SchemaOptions schema_options;
  CLI::App* schema_cmd = toets::cli::add_schema_command(app, schema_options);
  toets::cli::MappingOptions mapping_options;
  CLI::App* mapping_init = nullptr;
  toets::cli::add_mapping_command(app, mapping_options, mapping_init);
  toets::cli::TestCommandOptions test_options;
  CLI::App* test_cmd = toets::cli::add_test_command(app, test_options);
  CLI::App* lsp_cmd = toets::cli::add_lsp_command(app);
  toets::cli::FmtOptions fmt_options;
  CLI::App* fmt = toets::cli::add_fmt_command(app, fmt_options);

  // CLI11 would only say "a subcommand is required" for a mistyped command.
  std::set<std::string> commands;
  std::string command_list;
  for (const CLI::App* command : app.get_subcommands({})) {
    commands.insert(command->get_name());
    command_list += (command_list.empty() ? "" : ", ") + command->get_name();
  }
  if (argc > 1 && argv[1][0] != '-' && commands.count(argv[1]) == 0) {
    std::cerr << "toets: error: unknown command '" << argv[1] << "' (expected one of " << command_list
              << "; see toets --help)\n";
    return kExitInvalid;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitInvalid;
  }
  // An option given an empty value ('--as-of ""', '--out ""', '--db ""') would otherwise read as
  // not given: today's date, the report on stdout. Refused instead.
  for (const CLI::App* command : app.get_subcommands()) {
    for (const CLI::Option* option : command->get_options()) {
      if (option->count() == 0 || option->get_items_expected_min() == 0) continue;  // not given, or a flag
      for (const std::string& value : option->results()) {
        if (value.empty()) {
          std::cerr << "toets: error: " << (option->get_name().empty() ? "an argument" : option->get_name())
                    << ": an empty value; give one, or leave the option out\n";
          return kExitInvalid;
        }
      }
    }
  }
  // `check --select F 2.7 RULES.toets`: --select takes every word up to the next option, the rule
  // file too.
  if (check->parsed() && check_options.ruleset.empty()) {
    if (check_options.select.empty() || !check_options.select.back().ends_with(".toets")) {
      std::cerr << "toets: error: check: the ruleset is required: toets check RULES.toets --data KIND=FILE ...\n";
      return kExitInvalid;
    }
    check_options.ruleset = check_options.select.back();
    check_options.select.pop_back();
  }
  setup_logging(verbosity, quiet);
  // A TOETS_NOW that is not a time is refused before anything runs, not when a run is
  // recorded half-way (engine/clock.hpp).
  try {
    toets::pinned_time();
  } catch (const toets::ClockError& e) {
    std::cerr << "toets: error: " << e.what() << "\n";
    return kExitInvalid;
  }

  const toets::MemoryStage stage("running toets " + app.get_subcommands().front()->get_name());
  try {
    if (check->parsed()) return run_check(check_options);
    if (validate->parsed()) return run_validate(validate_path);
    if (import->parsed()) return run_import(import_options);
    if (history->parsed()) return run_history(history_options);
    if (diff->parsed()) return run_diff(diff_options);
    if (rejections->parsed()) return run_rejections(rejections_options);
    if (run_cmd->parsed()) return run_plan_command(plan_options, quiet);
    if (test_cmd->parsed()) return toets::cli::run_test_command(test_options);
    if (lsp_cmd->parsed()) return toets::cli::run_lsp_command();
    if (fmt->parsed()) return toets::cli::run_fmt(fmt_options);
    if (schema_cmd->parsed()) return toets::cli::run_schema(schema_options);
    if (mapping_init->parsed()) return toets::cli::run_mapping_init(mapping_options);
  } catch (const toets::StoreError& e) {
    std::cerr << "toets: error: " << e.what() << "\n";
    return kExitInvalid;
  } catch (const std::bad_alloc&) {
    std::cerr << "toets: error: " << toets::out_of_memory_message() << "\n";
    return kExitInvalid;
  } catch (const std::system_error& e) {  // a thread that could not be started: no memory for its stack
    std::cerr << "toets: error: "
              << (e.code() == std::errc::resource_unavailable_try_again ? toets::out_of_memory_message() : e.what())
              << "\n";
    return kExitInvalid;
  } catch (const std::exception& e) {
    std::cerr << "toets: internal error: " << e.what() << "\n";
    return kExitInvalid;
  }
  return kExitInvalid;
}

// Standard output is checked like any file: a report that could not be written (a full disk,
// `> /dev/full`, a closed descriptor) is a failure with the reason, never exit 0.
int main(int argc, char** argv) {
  // Out of memory: a message and exit 2, never an abort (engine/memory_limits.hpp).
  toets::install_out_of_memory_handler();
  toets::StandardOutput::install();
  int status = kExitInvalid;
  {
    // No control character of a name or a path reaches the terminal (engine/output_guard.hpp);
    // the guards hand what they hold to the checked standard output when they go.
    const toets::OutputGuard guard_out(std::cout);
    const toets::OutputGuard guard_err(std::cerr);
    status = run_command(argc, argv);
  }
  if (const auto problem = toets::StandardOutput::finish()) {
    std::cerr << "toets: error: cannot write to standard output: " << *problem << "\n";
    return kExitInvalid;
  }
  return status;
}
