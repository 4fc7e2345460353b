// What the rules read: the datasets and, per dataset, the columns (a loader keeps only those);
// and the copy of a dataset's record ids that the evidence points into.

#include "engine/eval/evaluator_internal.hpp"

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

// Every row's id into `pool`, in row order: the id column's text and offsets as they are.
void evaluation::copy_record_ids(const Dataset& data, RecordIdPool& pool) {
  const ColumnData& ids = data.column(data.schema().id_column);
  pool.bytes.assign(ids.raw, 0, ids.raw_offsets.back());
  pool.offsets = ids.raw_offsets;
}

// A copy of all a dataset's record ids, for a rule evaluated on its own, outside evaluate_rules
// (which shares one pool per dataset: fill_pools; engine/data/evidence.hpp).
std::shared_ptr<const RecordIdPool> evaluation::make_record_id_pool(const Dataset& data) {
  auto pool = std::make_shared<RecordIdPool>();
  copy_record_ids(data, *pool);
  return pool;
}

}  // namespace toets
