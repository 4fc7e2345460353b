// The toets command line: parses arguments, calls the library, maps outcomes to exit codes.
//   0  nothing breached
//   1  at least one breach (or signal / at_risk with --fail-on signal)
//   2  the rules, the arguments or the data are wrong
// Only the report goes to stdout; diagnostics and logs go to stderr.

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "dsl/calendar.hpp"
#include "dsl/checker.hpp"
#include "engine/csv_reader.hpp"
#include "engine/evaluator.hpp"
#include "engine/report.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBreach = 1;
constexpr int kExitInvalid = 2;

std::int32_t today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<std::int32_t>(now.time_since_epoch().count());
}

std::optional<std::int32_t> parse_iso_date(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char dash1 = 0, dash2 = 0;
  std::istringstream in(text);
  if (text.size() != 10 || !(in >> y >> dash1 >> m >> dash2 >> d) || dash1 != '-' || dash2 != '-') return std::nullopt;
  if (!toets::is_valid_date(y, m, d)) return std::nullopt;
  return toets::days_from_civil(y, m, d);
}

void setup_logging(int verbosity, bool quiet) {
  auto logger = spdlog::stderr_color_mt("toets");
  logger->set_pattern("toets: %l: %v");
  logger->set_level(quiet ? spdlog::level::err
                          : verbosity >= 2 ? spdlog::level::debug
                          : verbosity == 1 ? spdlog::level::info
                                           : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

// Loads and checks a rule file; prints diagnostics (errors and warnings) to stderr.
// `check` shows warnings only with -v (they are about the rules, not this data); `validate`
// always shows them.
std::unique_ptr<toets::CompiledRuleSet> load_rules(const std::string& path, bool show_warnings) {
  toets::Diagnostics diagnostics;
  auto rules = toets::check_rule_file(path, diagnostics);
  const std::size_t warnings = diagnostics.all().size() - diagnostics.error_count();
  if (show_warnings || !rules) {
    diagnostics.print(std::cerr);
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
  std::string as_of;
  std::string format = "text";
  std::string out;
  std::string fail_on = "breach";
};

int run_check(const CheckOptions& options) {
  std::int32_t as_of = today();
  if (!options.as_of.empty()) {
    auto parsed = parse_iso_date(options.as_of);
    if (!parsed) {
      std::cerr << "toets: error: --as-of '" << options.as_of << "' is not a date (YYYY-MM-DD)\n";
      return kExitInvalid;
    }
    as_of = *parsed;
  }

  // Arguments first: a typo in --data should not wait for the rules to be checked.
  std::vector<std::pair<const toets::DatasetSchema*, std::string>> inputs;
  std::set<std::string> seen_kinds;
  for (const auto& spec : options.data) {
    const auto eq = spec.find('=');
    const std::string kind = eq == std::string::npos ? "" : spec.substr(0, eq);
    const toets::DatasetSchema* schema = toets::find_dataset(kind);
    if (schema == nullptr || eq + 1 >= spec.size()) {
      std::cerr << "toets: error: --data '" << spec
                << "': expected KIND=FILE with KIND one of allocations, stock, mutations, projects\n";
      return kExitInvalid;
    }
    if (!seen_kinds.insert(kind).second) {
      std::cerr << "toets: error: --data " << kind << " is given twice\n";
      return kExitInvalid;
    }
    inputs.emplace_back(schema, spec.substr(eq + 1));
  }

  auto rules = load_rules(options.ruleset, spdlog::default_logger_raw()->should_log(spdlog::level::info));
  if (!rules) return kExitInvalid;

  std::set<toets::DatasetKind> read_by_rules;
  for (const auto& rule : rules->rules) read_by_rules.insert(rule.dataset->kind);

  toets::CheckReport report;
  report.ruleset = rules->info;
  report.as_of = as_of;
  std::vector<std::unique_ptr<toets::LoadedDataset>> loaded;
  toets::DatasetMap datasets;
  for (const auto& [schema, path] : inputs) {
    spdlog::info("loading {} from {}", schema->name, path);
    try {
      loaded.push_back(std::make_unique<toets::LoadedDataset>(toets::read_csv_file(*schema, path)));
    } catch (const toets::DataFileError& error) {
      std::cerr << "toets: error: " << error.what() << "\n";
      return kExitInvalid;
    }
    toets::LoadedDataset& data = *loaded.back();
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
  }

  report.results = toets::evaluate_rules(*rules, datasets, as_of);

  std::ofstream file;
  if (!options.out.empty()) {
    file.open(options.out, std::ios::binary);
    if (!file) {
      std::cerr << "toets: error: cannot write '" << options.out << "'\n";
      return kExitInvalid;
    }
  }
  std::ostream& out = options.out.empty() ? std::cout : file;
  if (options.format == "json") {
    toets::write_json_report(report, out);
  } else {
    toets::write_text_report(report, out);
  }
  out.flush();
  if (!out) {
    std::cerr << "toets: error: writing the report failed\n";
    return kExitInvalid;
  }

  if (report.any(toets::Status::Error)) {
    for (const auto& result : report.results) {
      if (result.status == toets::Status::Error) {
        std::cerr << "toets: error: rule " << result.rule->id << ": " << result.message << "\n";
      }
    }
    return kExitInvalid;
  }
  if (report.any(toets::Status::Breach)) return kExitBreach;
  if (options.fail_on == "signal" && (report.any(toets::Status::Signal) || report.any(toets::Status::AtRisk))) {
    return kExitBreach;
  }
  return kExitOk;
}

int run_validate(const std::string& path) {
  auto rules = load_rules(path, true);
  if (!rules) return kExitInvalid;
  std::size_t own = 0;
  for (const auto& rule : rules->rules) own += rule.ruleset_id == rules->info.id;
  std::cout << path << ": ok: " << rules->rules.size() << " rules (" << own << " declared here, "
            << rules->rules.size() - own << " imported), " << rules->tables.size() << " parameter tables\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"toets: checks housing-corporation exports against performance agreements"};
  app.require_subcommand(1);
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "More log output on stderr (-vv for debug)");
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");

  CheckOptions check_options;
  CLI::App* check = app.add_subcommand("check", "Check data against a rule set and print a report");
  check->add_option("ruleset", check_options.ruleset, "Rule file (.toets)")->required();
  check->add_option("--data", check_options.data, "KIND=FILE, KIND one of allocations, stock, mutations, projects")
      ->type_name("KIND=FILE");
  check->add_option("--as-of", check_options.as_of, "Date the check is made for (default: today)")
      ->type_name("YYYY-MM-DD");
  check->add_option("--format", check_options.format, "Report format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  check->add_option("--out", check_options.out, "Write the report to FILE instead of stdout");
  check->add_option("--fail-on", check_options.fail_on, "Lowest status that makes the exit code 1")
      ->check(CLI::IsMember({"signal", "breach"}))
      ->capture_default_str();

  std::string validate_path;
  CLI::App* validate = app.add_subcommand("validate", "Check a rule file (and its imports) without data");
  validate->add_option("ruleset", validate_path, "Rule file (.toets)")->required();

  // CLI11 would only say "a subcommand is required" for a mistyped command.
  if (argc > 1 && argv[1][0] != '-' && std::string(argv[1]) != "check" && std::string(argv[1]) != "validate") {
    std::cerr << "toets: error: unknown command '" << argv[1] << "' (expected check or validate; see toets --help)\n";
    return kExitInvalid;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitInvalid;
  }
  setup_logging(verbosity, quiet);

  try {
    if (check->parsed()) return run_check(check_options);
    if (validate->parsed()) return run_validate(validate_path);
  } catch (const std::exception& e) {
    std::cerr << "toets: internal error: " << e.what() << "\n";
    return kExitInvalid;
  }
  return kExitInvalid;
}
