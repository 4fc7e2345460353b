// toets check (the check job: engine/run/check_job.hpp) and toets validate: the arguments checked,
// the rules read, the job's events and findings shown, the exit status.

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "dsl/source/calendar.hpp"
#include "engine/data/check_outcome.hpp"
#include "engine/base/atomic_file.hpp"
#include "engine/input/memory_limits.hpp"
#include "engine/base/output_guard.hpp"
#include "engine/report/report.hpp"
#include "engine/eval/rule_selection.hpp"
#include "tools/commands.hpp"

namespace toets::cli {

namespace {

// --out and --rejects may not be a file this check reads: '--rejects allocations.csv' replaced the
// export with its rejections, '--out rules.toets' the rules with the report. False after saying so.
bool outputs_are_not_inputs(const CheckOptions& options) {
  std::vector<std::pair<std::string, std::string>> inputs = {{options.ruleset, "the rule file"}};
  for (const std::string& spec : options.data) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos) continue;
    std::string file = spec.substr(eq + 1);
    std::string ignored;
    if (const auto table = parse_sqlite_spec(file, ignored)) file = table->file;
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
        return false;
      }
    }
  }
  return true;
}

// The report's language, privacy and verdict; nullopt after printing what is wrong.
std::optional<ReportOptions> report_options_of(const CheckOptions& options) {
  ReportOptions report_options;
  report_options.lang = parse_lang(options.lang).value_or(Lang::Nl);
  if (!options.lang.empty()) report_options.text_lang = parse_lang(options.lang);
  report_options.min_group_size = options.min_group_size;
  report_options.fail_on_signal = options.fail_on == "signal";
  if (options.pseudonymise || !options.key_file.empty()) {
    const auto key = pseudonym_key(options.key_file);
    if (!key) return std::nullopt;
    report_options.pseudonym_key = *key;
  }
  return report_options;
}

// The data files with how each is read; false after printing what is wrong.
bool check_inputs(const CheckOptions& options, std::vector<CheckInput>& inputs) {
  // Arguments first: a typo in --data should not wait for the rules to be checked.
  const auto parsed = parse_data_specs(options.data, "");
  if (!parsed) return false;
  std::map<std::string, InputSpec> dialects;
  if (!input_specs(options, parsed->kinds, dialects)) return false;
  if (!apply_sheets(options.sheets, parsed->files, dialects)) return false;
  for (const auto& [schema, spec] : parsed->files) inputs.push_back(CheckInput{schema, spec, dialects[schema->name]});
  return true;
}

// --db: the store, read-only with --no-record; true without one. False after printing why not.
bool open_check_store(const CheckOptions& options, std::unique_ptr<Store>& store) {
  if (options.db.empty()) {
    if (!options.no_record) return true;
    std::cerr << "toets: error: --no-record needs --db\n";
    return false;
  }
  std::string error;
  store = open_store(options.db, options.no_record ? StoreAccess::ReadOnly : StoreAccess::ReadWrite, error);
  if (store) return true;
  std::cerr << "toets: error: " << error << "\n";
  return false;
}

}  // namespace

CLI::App* add_check_command(CLI::App& app, CheckOptions& options) {
  CLI::App* check = app.add_subcommand("check", "Check data against a rule set and print a report");
  check->add_option("ruleset", options.ruleset, "Rule file (.toets)");  // required: checked after parsing
  check->add_option("--data", options.data, "KIND=FILE, KIND one of allocations, stock, mutations, projects")
      ->type_name("KIND=FILE");
  check->add_option("--as-of", options.as_of, "Date the check is made for (default: today)")
      ->type_name("YYYY-MM-DD");
  check->add_option("--format", options.format, "Report format (docs/reports.md)")
      ->check(CLI::IsMember({"text", "json", "html", "markdown", "junit"}))
      ->capture_default_str();
  check->add_option("--lang", options.lang,
                    "Language of the reports (default: html and markdown nl, text en as scripts read it)")
      ->check(CLI::IsMember({"nl", "en"}));
  check->add_flag("--pseudonymise", options.pseudonymise,
                  "Show record ids as stable keyed hashes (key: --pseudonym-key-file or TOETS_PSEUDONYM_KEY)");
  check->add_option("--pseudonym-key-file", options.key_file, "File holding the pseudonym key")->type_name("FILE");
  check->add_option("--min-group-size", options.min_group_size,
                    "Groups with fewer records are indicative and their records are not listed")
      ->transform(decimal_digits())
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}))
      ->capture_default_str();
  check->add_option("--out", options.out, "Write the report to FILE instead of stdout");
  check->add_option("--fail-on", options.fail_on, "Lowest status that makes the exit code 1")
      ->check(CLI::IsMember({"signal", "breach"}))
      ->capture_default_str();
  check->add_option("--db", options.db,
                    "Store: read the kinds --data does not give from it, and record the run in it")
      ->type_name("FILE");
  check->add_flag("--no-record", options.no_record, "With --db: open the store read-only and record nothing");
  check->add_option("--format-in", options.format_in, "Format of the --data files (default: by extension)")
      ->type_name("auto|csv|json|jsonl|xlsx");
  check->add_option("--delimiter", options.delimiter, "CSV field delimiter (default: from the header line)")
      ->type_name("auto|comma|semicolon");
  check->add_option("--decimal", options.decimal,
                    "Decimal mark in amounts (default: comma in ';'-separated files, else point)")
      ->type_name("auto|point|comma");
  check->add_option("--encoding", options.encoding,
                    "Text encoding of the --data files (default: CSV detected, UTF-8 if valid, else Windows-1252)")
      ->type_name("auto|utf-8|cp1252");
  check->add_option("--mapping", options.mappings, "Column mapping for one dataset's files (docs/data-input.md)")
      ->type_name("KIND=FILE");
  check->add_option("--sheet", options.sheets, "The sheet of the .xlsx --data files (default: the first)")
      ->type_name("[KIND=]NAME");
  check->add_flag("--strict", options.strict, "Any rejected row: exit 2 and check nothing");
  check->add_option("--rejects", options.rejects, "Write the rejected rows with their reasons to FILE (CSV)")
      ->type_name("FILE");
  check->add_option("--max-rejected", options.max_rejected,
                    "Largest share of a dataset's rows that may be rejected; above it the check is incomplete (exit 2)")
      ->type_name("PCT")
      ->capture_default_str();
  check->add_option("--select", options.select, "Run only these rules (their ids); the run is not recorded")
      ->type_name("RULE");

  return check;
}

int run_check(CheckOptions& options) {
  CheckJob job;
  const auto max_rejected = parse_max_rejected(options.max_rejected);
  if (!max_rejected) {
    std::cerr << "toets: error: --max-rejected '" << options.max_rejected
              << "': expected a percentage from 0% to 100%, like 1%, 0.5% or 0\n";
    return kExitInvalid;
  }
  job.max_rejected_ppm = *max_rejected;
  job.as_of = today();
  if (!options.as_of.empty()) {
    const auto parsed = parse_iso_date(options.as_of);
    if (!parsed) {
      std::cerr << "toets: error: --as-of '" << options.as_of << "' is not a date (YYYY-MM-DD)\n";
      return kExitInvalid;
    }
    job.as_of = *parsed;
  }
  // Where the report and the rejected rows go, before any work: a run recorded in the store and
  // then no report (exit 2) would leave a run nobody saw.
  if (!outputs_writable(options) || !outputs_are_not_inputs(options)) return kExitInvalid;
  const auto report_options = report_options_of(options);
  if (!report_options) return kExitInvalid;
  job.report_options = *report_options;
  if (!check_inputs(options, job.inputs)) return kExitInvalid;
  std::unique_ptr<Store> store;
  if (!open_check_store(options, store)) return kExitInvalid;

  auto rules = load_rules(options.ruleset, spdlog::default_logger_raw()->should_log(spdlog::level::info));
  if (!rules) return kExitInvalid;
  if (!options.select.empty()) {
    const auto problems = selection_problems({rules.get()}, options.select);
    for (const auto& problem : problems) std::cerr << "toets: error: --select: " << problem << "\n";
    if (!problems.empty()) return kExitInvalid;
    keep_selected_rules(*rules, options.select);
    if (store && !options.no_record) spdlog::warn("--select: a check of part of the rule set is not recorded in {}", options.db);
  }
  job.rules = rules.get();
  job.store = store.get();
  job.store_name = options.db;
  job.record = store && !options.no_record && options.select.empty();
  job.now = utc_now();
  job.rejects = options.rejects;
  job.strict = options.strict;
  job.format = parse_report_format(options.format).value_or(ReportFormat::Text);
  job.out_path = options.out;
  job.out_stream = &std::cout;

  const CheckJobOutcome outcome = run_check_job(job);
  print_events(outcome.events);
  if (!outcome.evaluated) return kExitInvalid;
  if (options.out.empty()) {
    if (const auto problem = StandardOutput::finish()) {
      std::cerr << "toets: error: cannot write the report to standard output: " << *problem << "\n";
      return kExitInvalid;
    }
  }
  print_events(outcome.findings);
  return outcome.exit_status;
}

CLI::App* add_validate_command(CLI::App& app, std::string& path) {
  CLI::App* validate = app.add_subcommand("validate", "Check a rule file (and its imports) without data");
  validate->add_option("ruleset", path, "Rule file (.toets)")->required();

  return validate;
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

}  // namespace toets::cli
