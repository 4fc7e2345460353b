// What the rules read: the datasets and, per dataset, the columns (a loader keeps only those).

#include "engine/evaluator_internal.hpp"

namespace toets {

using evaluation::for_each_column_read;

std::vector<bool> columns_read_by(const CompiledRuleSet& rules, const DatasetSchema& schema) {
  std::vector<bool> read(schema.columns.size(), false);
  for (const CompiledRule& rule : rules.rules) {
    if (rule.dataset->kind == schema.kind) for_each_column_read(rule, [&](std::uint32_t column) { read.at(column) = true; });
    if (rule.divisor && rule.divisor->dataset->kind == schema.kind) {
      for_each_column_read(*rule.divisor, [&](std::uint32_t column) { read.at(column) = true; });
    }
  }
  return read;
}

std::vector<const DatasetSchema*> datasets_read_by(const CompiledRuleSet& rules) {
  std::vector<const DatasetSchema*> read;
  auto add = [&](const DatasetSchema* schema) {
    if (std::find(read.begin(), read.end(), schema) == read.end()) read.push_back(schema);
  };
  for (const CompiledRule& rule : rules.rules) {
    add(rule.dataset);
    if (rule.divisor) add(rule.divisor->dataset);
  }
  return read;
}

}  // namespace toets
