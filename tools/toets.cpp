// The toets command line: parses arguments, calls the library, maps outcomes to exit codes.
//   0  nothing breached
//   1  at least one breach (or signal / at_risk with --fail-on signal)
//   2  the rules, the arguments or the data are wrong, or the check could not check its data
//      (more rows rejected than --max-rejected allows, or a dataset without one accepted row)
// Only the report goes to stdout; diagnostics and logs go to stderr.

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>
#include <set>
#include <string>

#include "engine/base/atomic_file.hpp"
#include "engine/base/clock.hpp"
#include "engine/input/memory_limits.hpp"
#include "engine/base/output_guard.hpp"
#include "engine/store/store.hpp"
#include "tools/cmd_fmt.hpp"
#include "tools/cmd_lsp.hpp"
#include "tools/cmd_test.hpp"
#include "tools/commands.hpp"
#include "tools/version.hpp"

namespace {

using toets::cli::kExitInvalid;

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

// CLI11 would only say "a subcommand is required" for a mistyped command; false after saying which.
bool known_command(CLI::App& app, int argc, char** argv) {
  std::set<std::string> commands;
  std::string command_list;
  for (const CLI::App* command : app.get_subcommands({})) {
    commands.insert(command->get_name());
    command_list += (command_list.empty() ? "" : ", ") + command->get_name();
  }
  if (argc > 1 && argv[1][0] != '-' && commands.count(argv[1]) == 0) {
    std::cerr << "toets: error: unknown command '" << argv[1] << "' (expected one of " << command_list
              << "; see toets --help)\n";
    return false;
  }
  return true;
}

// An option given an empty value ('--as-of ""', '--out ""', '--db ""') would otherwise read as
// not given: today's date, the report on stdout. Refused instead; false after saying which.
bool no_empty_values(CLI::App& app) {
  for (const CLI::App* command : app.get_subcommands()) {
    for (const CLI::Option* option : command->get_options()) {
      if (option->count() == 0 || option->get_items_expected_min() == 0) continue;  // not given, or a flag
      for (const std::string& value : option->results()) {
        if (value.empty()) {
          std::cerr << "toets: error: " << (option->get_name().empty() ? "an argument" : option->get_name())
                    << ": an empty value; give one, or leave the option out\n";
          return false;
        }
      }
    }
  }
  return true;
}

// Every command's options and its subcommand, registered on the app (tools/cmd_*.cpp).
struct Commands {
  toets::cli::CheckOptions check_options;
  CLI::App* check = nullptr;
  toets::cli::ImportOptions import_options;
  CLI::App* import = nullptr;
  toets::cli::HistoryOptions history_options;
  CLI::App* history = nullptr;
  toets::cli::DiffOptions diff_options;
  CLI::App* diff = nullptr;
  toets::cli::RejectionsOptions rejections_options;
  CLI::App* rejections = nullptr;
  toets::cli::PlanOptions plan_options;
  CLI::App* run_cmd = nullptr;
  std::string validate_path;
  CLI::App* validate = nullptr;
  toets::cli::SchemaOptions schema_options;
  CLI::App* schema_cmd = nullptr;
  toets::cli::MappingOptions mapping_options;
  CLI::App* mapping_init = nullptr;
  toets::cli::TestCommandOptions test_options;
  CLI::App* test_cmd = nullptr;
  CLI::App* lsp_cmd = nullptr;
  toets::cli::FmtOptions fmt_options;
  CLI::App* fmt = nullptr;
};

// Each command registers its options (tools/cmd_*.cpp) and runs from its options struct.
void add_commands(CLI::App& app, Commands& c) {
  c.check = toets::cli::add_check_command(app, c.check_options);
  c.import = toets::cli::add_import_command(app, c.import_options);
  c.history = toets::cli::add_history_command(app, c.history_options);
  c.diff = toets::cli::add_diff_command(app, c.diff_options);
  c.rejections = toets::cli::add_rejections_command(app, c.rejections_options);
  c.run_cmd = toets::cli::add_run_command(app, c.plan_options);
  c.validate = toets::cli::add_validate_command(app, c.validate_path);
  c.schema_cmd = toets::cli::add_schema_command(app, c.schema_options);
  toets::cli::add_mapping_command(app, c.mapping_options, c.mapping_init);
  c.test_cmd = toets::cli::add_test_command(app, c.test_options);
  c.lsp_cmd = toets::cli::add_lsp_command(app);
  c.fmt = toets::cli::add_fmt_command(app, c.fmt_options);
}

// Parses the command line into `c`; the exit status when the run ends here (help, the version, or
// an invalid command line), nullopt when the command is to run.
std::optional<int> parse_command_line(CLI::App& app, Commands& c, int argc, char** argv) {
  if (!known_command(app, argc, argv)) return kExitInvalid;
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
  if (!no_empty_values(app)) return kExitInvalid;
  // `check --select F 2.7 RULES.toets`: --select takes every word up to the next option, the rule
  // file too.
  toets::cli::CheckOptions& check_options = c.check_options;
  if (c.check->parsed() && check_options.ruleset.empty()) {
    if (check_options.select.empty() || !check_options.select.back().ends_with(".toets")) {
      std::cerr << "toets: error: check: the ruleset is required: toets check RULES.toets --data KIND=FILE ...\n";
      return kExitInvalid;
    }
    check_options.ruleset = check_options.select.back();
    check_options.select.pop_back();
  }
  return std::nullopt;
}

// Runs the command parsed; its failures that no command catches become a message and exit 2.
int run_parsed_command(Commands& c, bool quiet) {
  try {
    if (c.check->parsed()) return toets::cli::run_check(c.check_options);
    if (c.validate->parsed()) return toets::cli::run_validate(c.validate_path);
    if (c.import->parsed()) return toets::cli::run_import(c.import_options);
    if (c.history->parsed()) return toets::cli::run_history(c.history_options);
    if (c.diff->parsed()) return toets::cli::run_diff(c.diff_options);
    if (c.rejections->parsed()) return toets::cli::run_rejections(c.rejections_options);
    if (c.run_cmd->parsed()) return toets::cli::run_plan_command(c.plan_options, quiet);
    if (c.test_cmd->parsed()) return toets::cli::run_test_command(c.test_options);
    if (c.lsp_cmd->parsed()) return toets::cli::run_lsp_command();
    if (c.fmt->parsed()) return toets::cli::run_fmt(c.fmt_options);
    if (c.schema_cmd->parsed()) return toets::cli::run_schema(c.schema_options);
    if (c.mapping_init->parsed()) return toets::cli::run_mapping_init(c.mapping_options);
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
  app.add_flag("--all-warnings", toets::cli::all_warnings,
               "Show the warnings about imported rule files too (else one line sums them up)");
  Commands commands;
  add_commands(app, commands);

  if (const std::optional<int> status = parse_command_line(app, commands, argc, argv)) return *status;
  setup_logging(verbosity, quiet);
  // A TOETS_NOW that is not a time is refused before anything runs, not when a run is
  // recorded half-way (engine/base/clock.hpp).
  try {
    toets::pinned_time();
  } catch (const toets::ClockError& e) {
    std::cerr << "toets: error: " << e.what() << "\n";
    return kExitInvalid;
  }

  const toets::MemoryStage stage("running toets " + app.get_subcommands().front()->get_name());
  return run_parsed_command(commands, quiet);
}

// Standard output is checked like any file: a report that could not be written (a full disk,
// `> /dev/full`, a closed descriptor) is a failure with the reason, never exit 0.
// Standard output is checked like any file: a report that could not be written (a full disk,
// `> /dev/full`, a closed descriptor) is a failure with the reason, never exit 0.
int main(int argc, char** argv) {
  // Out of memory: a message and exit 2, never an abort (engine/input/memory_limits.hpp).
  toets::install_out_of_memory_handler();
  toets::StandardOutput::install();
  int status = kExitInvalid;
  {
    // No control character of a name or a path reaches the terminal (engine/base/output_guard.hpp);
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
