// toets run PLAN: the plan read, the command line's settings over it, its events shown
// (engine/run/plan.hpp does the work).

#include <iostream>

#include "dsl/source/calendar.hpp"
#include "engine/data/check_outcome.hpp"
#include "engine/run/plan.hpp"
#include "engine/run/plan_file.hpp"
#include "tools/commands.hpp"

namespace toets::cli {

CLI::App* add_run_command(CLI::App& app, PlanOptions& options) {
  CLI::App* run_cmd = app.add_subcommand(
      "run", "Run a plan: import the exports into the store, check, record, write the reports (docs/reports.md)");
  run_cmd->add_option("plan", options.plan, "Plan file")->required();
  run_cmd->add_option("--as-of", options.as_of, "Date the check is made for (default: the plan's, else today)")
      ->type_name("YYYY-MM-DD");
  run_cmd->add_option("--lang", options.lang, "Language of the reports (default: the plan's for html and markdown, en for text)")
      ->check(CLI::IsMember({"nl", "en"}));
  run_cmd->add_flag("--pseudonymise", options.pseudonymise,
                    "Show record ids as stable keyed hashes (key: --pseudonym-key-file or TOETS_PSEUDONYM_KEY)");
  run_cmd->add_option("--pseudonym-key-file", options.key_file, "File holding the pseudonym key")->type_name("FILE");
  run_cmd->add_option("--min-group-size", options.min_group_size, "Groups with fewer records are indicative")
      ->transform(decimal_digits())
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}));
  run_cmd->add_option("--fail-on", options.fail_on, "Lowest status that makes the exit code 1 (default: the plan's)")
      ->check(CLI::IsMember({"signal", "breach"}));
  run_cmd->add_option("--exports", options.exports, "Read the exports from FOLDER instead of the plan's")
      ->type_name("FOLDER");
  run_cmd->add_option("--store", options.store, "Use this store instead of the plan's")->type_name("FILE");
  run_cmd->add_option("--output", options.output, "Write the reports under FOLDER instead of the plan's")
      ->type_name("FOLDER");
  run_cmd->add_option("--max-rejected", options.max_rejected,
                      "Largest share of a dataset's rows that may be rejected (default: the plan's max_rejected, "
                      "else 1%); above it the check is incomplete (exit 2)")
      ->type_name("PCT");
  run_cmd->add_option("--select", options.select, "Run only these rules (their ids); the runs are not recorded")
      ->type_name("RULE");

  return run_cmd;
}

// toets run PLAN: import, check, record and write the reports a plan names (engine/run/plan.hpp).
// What it does goes to stdout, line by line; problems to stderr.
int run_plan_command(const PlanOptions& options, bool quiet) {
  Diagnostics diagnostics;
  const auto plan = load_plan(options.plan, diagnostics);
  if (!plan) {
    diagnostics.print(std::cerr);
    std::cerr << "toets: " << options.plan << ": nothing was imported, checked or written\n";
    return kExitInvalid;
  }
  PlanRunOptions run;
  run.today = today();
  run.now = utc_now();
  if (!options.as_of.empty()) {
    const auto parsed = parse_iso_date(options.as_of);
    if (!parsed) {
      std::cerr << "toets: error: --as-of '" << options.as_of << "' is not a date (YYYY-MM-DD)\n";
      return kExitInvalid;
    }
    run.as_of = *parsed;
  }
  if (!options.lang.empty()) run.lang = parse_lang(options.lang);
  if (options.min_group_size > 0) run.min_group_size = options.min_group_size;
  if (!options.fail_on.empty()) run.fail_on_signal = options.fail_on == "signal";
  if (!options.max_rejected.empty()) {
    run.max_rejected_ppm = parse_max_rejected(options.max_rejected);
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
  const PlanOutcome outcome = run_plan(*plan, run);
  // What was done to stdout (not with -q); every problem to stderr.
  for (const Event& event : outcome.events) {
    if (event.severity == EventSeverity::Progress) {
      if (!quiet) std::cout << event.message << "\n";
    } else if (event.severity == EventSeverity::Detail) {
      std::cerr << event.message << "\n";
    } else {
      std::cerr << "toets: " << event_line(event) << "\n";
    }
  }
  return outcome.exit_code;
}

}  // namespace toets::cli
