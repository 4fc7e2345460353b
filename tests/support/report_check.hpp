#pragma once
// A whole check in memory for the report tests: rule text and allocations CSV in, a CheckReport
// as `toets check` makes it out (as of 2026-11-23), with the rules and data it points into.

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/data/result.hpp"

namespace toets::testing_support {

struct Check {
  std::unique_ptr<CompiledRuleSet> rules;
  std::unique_ptr<LoadedDataset> data;
  CheckReport report;
};

// `rule_file` names the rules in the report; the data is "lets.csv". Null (and a test failure
// with the diagnostics) when the rules do not check.
inline std::unique_ptr<Check> run_check(const std::string& rule_file, const std::string& rules_text,
                                        const std::string& csv) {
  auto check = std::make_unique<Check>();
  Diagnostics diagnostics;
  check->rules = check_rule_text(rule_file, rules_text, diagnostics);
  if (!check->rules) {
    std::ostringstream text;
    diagnostics.print(text);
    ADD_FAILURE() << text.str();
    return nullptr;
  }
  check->data = std::make_unique<LoadedDataset>(read_csv_text(*find_dataset("allocations"), csv, "lets.csv"));
  check->report.ruleset = check->rules->info;
  check->report.as_of = days_from_civil(2026, 11, 23);
  check->report.inputs.push_back(InputSummary{check->data->report, true});
  DatasetMap datasets{{DatasetKind::Allocations, &check->data->data}};
  check->report.results = evaluate_rules(*check->rules, datasets, check->report.as_of);
  return check;
}

// write_json_report writes each evidence array on one line; report_to_json's dump(2) writes an id
// a line. dump(2)'s text with each non-empty "evidence" array folded onto its member's line.
inline std::string evidence_on_one_line(const std::string& dumped) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t at; (at = dumped.find("\"evidence\": [\n", from)) != std::string::npos;) {
    const std::size_t end = dumped.find(']', at);  // no id here holds a bracket
    out += dumped.substr(from, at - from) + "\"evidence\": [";
    const std::string items = dumped.substr(at + 13, end - at - 13);  // from the line break after '['

    std::string folded;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i] == '\n') {
        while (i + 1 < items.size() && items[i + 1] == ' ') ++i;
        if (!folded.empty() && folded.back() == ',') folded += ' ';
      } else {
        folded += items[i];
      }
    }
    out += folded + "]";
    from = end + 1;
  }
  return out + dumped.substr(from);
}

}  // namespace toets::testing_support
