#pragma once
// `--select RULE...` (toets check and toets run): only the named rules are run. A name that is no
// rule of the rule sets is an error with a "did you mean"; a run of part of a rule set is not
// recorded in the store, whose history compares whole runs.

#include <string>
#include <vector>

#include "dsl/program/program.hpp"

namespace toets {

// What is wrong with `names` for these rule sets, one message per name ("no rule 'Fx' in
// dordrecht_2026_2027; did you mean 'F'?"); empty when every name is a rule that runs.
std::vector<std::string> selection_problems(const std::vector<const CompiledRuleSet*>& rule_sets,
                                            const std::vector<std::string>& names);

// Drops the rules `names` does not name; an empty `names` keeps them all.
void keep_selected_rules(CompiledRuleSet& rules, const std::vector<std::string>& names);

}  // namespace toets
