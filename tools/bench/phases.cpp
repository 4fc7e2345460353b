// toets-bench-phases: where the time of a check goes, phase by phase, timed with std::chrono
// around the same library calls `toets check` makes (tools/toets.cpp):
//   toets-bench-phases RULES.toets --data KIND=FILE... [--as-of DATE] [--repeat N]
// Phases: rules (parse + check), each load on its own (to see what each file costs), the loads of
// all files at once on separate threads (what `toets check` does), evaluation of all rules (as `toets check`: rules spread over the cores), each rule on its own (one core), and the
// JSON report. Peak resident memory after each phase from getrusage. Used by tools/benchmark.sh
// and docs/performance.md; not a test.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/input/input.hpp"
#include "engine/report/report.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double peak_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void row(const std::string& phase, double s, const std::string& note = "") {
  std::printf("  %-44s %9.1f ms   peak %7.0f MB   %s\n", phase.c_str(), s * 1000.0, peak_mb(), note.c_str());
  std::fflush(stdout);
}

struct Options {
  std::string rules_path;
  std::vector<std::pair<const toets::DatasetSchema*, std::string>> inputs;
  std::int32_t as_of = toets::days_from_civil(2026, 12, 31);
  int repeat = 1;
};

// False (after a message, for most mistakes) when the command line is not one to run.
bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      const std::string spec = argv[++i];
      const auto eq = spec.find('=');
      const toets::DatasetSchema* schema = eq == std::string::npos ? nullptr : toets::find_dataset(spec.substr(0, eq));
      if (schema == nullptr) {
        std::cerr << "toets-bench-phases: --data KIND=FILE expected, got '" << spec << "'\n";
        return false;
      }
      options.inputs.emplace_back(schema, spec.substr(eq + 1));
    } else if (arg == "--as-of" && i + 1 < argc) {
      int y = 0;
      unsigned m = 0, d = 0;
      if (std::sscanf(argv[++i], "%d-%u-%u", &y, &m, &d) != 3) return false;
      options.as_of = toets::days_from_civil(y, m, d);
    } else if (arg == "--repeat" && i + 1 < argc) {
      options.repeat = std::max(1, std::atoi(argv[++i]));
    } else if (options.rules_path.empty() && arg[0] != '-') {
      options.rules_path = arg;
    } else {
      std::cerr << "usage: toets-bench-phases RULES.toets --data KIND=FILE... [--as-of DATE] [--repeat N]\n";
      return false;
    }
  }
  return !options.rules_path.empty();
}

// A file loaded as toets check loads it: every cell checked, the columns the rules read kept.
std::unique_ptr<toets::LoadedDataset> load_kept(const toets::CompiledRuleSet& rules, const toets::DatasetSchema& schema,
                                                const std::string& path) {
  toets::InputSpec spec;
  spec.path = path;
  spec.kept_columns = toets::columns_read_by(rules, schema);
  return std::make_unique<toets::LoadedDataset>(toets::load_input(schema, spec));
}

// The JSON and text reports of `results`, into memory (toets check writes them to a file or stdout).
void time_reports(const toets::CompiledRuleSet& rules, const std::vector<std::unique_ptr<toets::LoadedDataset>>& loaded,
                  const std::vector<toets::RuleResult>& results, std::int32_t as_of) {
  toets::CheckReport report;
  report.ruleset = rules.info;
  report.as_of = as_of;
  for (const auto& data : loaded) report.inputs.push_back(toets::InputSummary{data->report, true});
  report.results = results;
  auto start = Clock::now();
  std::ostringstream json;
  toets::write_json_report(report, json);
  std::size_t evidence = 0;
  for (const auto& result : results) evidence += result.evidence.size();
  row("JSON report", seconds_since(start),
      std::to_string(json.str().size() / 1000) + " kB, " + std::to_string(evidence) + " evidence ids");
  start = Clock::now();
  std::ostringstream text;
  toets::write_text_report(report, text);
  row("text report", seconds_since(start), std::to_string(text.str().size() / 1000) + " kB");
}

// Each rule on its own: one rule, one core.
void time_each_rule(const toets::CompiledRuleSet& rules, const toets::DatasetMap& datasets, std::int32_t as_of,
                    int repeat) {
  std::printf("\n  each rule on its own (one core each; the sum is the single-core evaluation time)\n");
  double sum = 0;
  for (const auto& rule : rules.rules) {
    toets::CompiledRuleSet one;
    one.info = rules.info;
    one.tables = rules.tables;
    one.rules.push_back(rule);
    double rule_best = 1e9;
    std::size_t groups = 0;
    for (int r = 0; r < repeat; ++r) {
      const auto start = Clock::now();
      toets::EvaluateOptions one_core;
      one_core.threads = 1;
      const auto rule_results = toets::evaluate_rules(one, datasets, as_of, one_core);
      rule_best = std::min(rule_best, seconds_since(start));
      groups = rule_results.size();
    }
    sum += rule_best;
    row("  rule " + rule.id + " (" + rule.dataset->name + ")", rule_best, std::to_string(groups) + " groups");
  }
  row("  sum of the rules", sum, "evaluate-all above / this sum = use of the cores");
}

// Loading the files at once, as toets check does; `load_total` is the time one after the other.
void time_parallel_load(const toets::CompiledRuleSet& rules, const Options& options, double load_total) {
  const auto& inputs = options.inputs;
  const auto start = Clock::now();
  std::vector<std::unique_ptr<toets::LoadedDataset>> parallel(inputs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    threads.emplace_back([&, i] {
      parallel[i] = load_kept(rules, *inputs[i].first, inputs[i].second);
    });
  }
  for (auto& thread : threads) thread.join();
  const double s = seconds_since(start);
  char note[96];
  std::snprintf(note, sizeof note, "one thread per file; sequential was %.1f ms", load_total * 1000);
  row("\n  load all files at once (as toets check does)", s, note);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) return 2;
  const std::int32_t as_of = options.as_of;
  const int repeat = options.repeat;
  std::printf("phases of toets check %s (%u hardware threads)\n", options.rules_path.c_str(),
              std::thread::hardware_concurrency());
  const auto all_start = Clock::now();

  auto start = Clock::now();
  toets::Diagnostics diagnostics;
  auto rules = toets::check_rule_file(options.rules_path, diagnostics);
  if (!rules) {
    diagnostics.print(std::cerr);
    return 2;
  }
  row("rules: parse, check, compile", seconds_since(start), std::to_string(rules->rules.size()) + " rules");

  // Loads, one after the other, to time each file (toets check loads them at once: below).
  std::vector<std::unique_ptr<toets::LoadedDataset>> loaded;
  toets::DatasetMap datasets;
  std::uint64_t rows_total = 0;
  double load_total = 0;
  for (const auto& [schema, path] : options.inputs) {
    start = Clock::now();
    loaded.push_back(load_kept(*rules, *schema, path));
    const double s = seconds_since(start);
    load_total += s;
    const auto& report = loaded.back()->report;
    rows_total += report.rows_read;
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    const double mb = static_cast<double>(file.tellg()) / 1e6;
    char note[160];
    std::snprintf(note, sizeof note, "%llu rows, %.0f MB, %.0f MB/s, %.2f M rows/s",
                  static_cast<unsigned long long>(report.rows_read), mb, mb / s,
                  static_cast<double>(report.rows_read) / s / 1e6);
    row("load " + schema->name, s, note);
    datasets[schema->kind] = &loaded.back()->data;
  }

  // Evaluation, as toets check does it (the engine spreads rules over the cores).
  std::vector<toets::RuleResult> results;
  double best = 1e9;
  for (int r = 0; r < repeat; ++r) {
    start = Clock::now();
    results = toets::evaluate_rules(*rules, datasets, as_of);
    best = std::min(best, seconds_since(start));
  }
  const double evaluate_all = best;
  row("evaluate all rules (as toets check)", evaluate_all,
      std::to_string(results.size()) + " results" + (repeat > 1 ? ", best of " + std::to_string(repeat) : ""));

  time_reports(*rules, loaded, results, as_of);
  const double total = seconds_since(all_start);
  char rate[48];
  std::snprintf(rate, sizeof rate, "%.2f M rows/s", static_cast<double>(rows_total) / total / 1e6);
  row("total (files one after the other)", total, rate);

  time_each_rule(*rules, datasets, as_of, repeat);
  if (options.inputs.size() > 1) {
    loaded.clear();
    time_parallel_load(*rules, options, load_total);
  }
  return 0;
}
