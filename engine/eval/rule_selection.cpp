#include "engine/eval/rule_selection.hpp"

#include <algorithm>

#include "dsl/source/diagnostics.hpp"

namespace toets {

std::vector<std::string> selection_problems(const std::vector<const CompiledRuleSet*>& rule_sets,
                                            const std::vector<std::string>& names) {
  std::vector<std::string> problems;
  std::vector<std::string> ids;
  std::string sets;
  for (const CompiledRuleSet* rules : rule_sets) {
    for (const CompiledRule& rule : rules->rules) ids.push_back(rule.id);
    sets += (sets.empty() ? "" : ", ") + rules->info.id;
  }
  for (const std::string& name : names) {
    if (std::find(ids.begin(), ids.end(), name) != ids.end()) continue;
    std::string problem;
    for (const CompiledRuleSet* rules : rule_sets) {
      const auto& outside = rules->rules_outside_period;
      if (std::find(outside.begin(), outside.end(), name) != outside.end()) {
        problem = "rule '" + name + "' lies outside the period of " + rules->info.id + " and is not run";
      }
    }
    if (problem.empty()) {
      problem = "no rule '" + name + "' in " + sets;
      if (const std::string hint = did_you_mean(name, ids); !hint.empty()) problem += "; " + hint;
    }
    problems.push_back(problem);
  }
  return problems;
}

void keep_selected_rules(CompiledRuleSet& rules, const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::erase_if(rules.rules, [&](const CompiledRule& rule) {
    return std::find(names.begin(), names.end(), rule.id) == names.end();
  });
}

}  // namespace toets
