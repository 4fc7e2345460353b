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

// One copy of a dataset's record ids, for the evidence of every rule over it (engine/data/evidence.hpp).
std::shared_ptr<const RecordIdPool> evaluation::make_record_id_pool(const Dataset& data) {
  auto pool = std::make_shared<RecordIdPool>();
  const std::size_t rows = data.row_count();
  const ColumnData& ids = data.column(data.schema().id_column);
  if (ids.text_storage == TextStorage::Raw && ids.raw_offsets.size() == rows + 1 && ids.raw_offsets.front() == 0 &&
      ids.raw_offsets.back() == ids.raw.size()) {
    // The id column as it is (all ids back to back, an offset per row): two copies, not a
    // string appended per row into memory that doubles as it grows.
    pool->bytes = ids.raw;
    pool->offsets = ids.raw_offsets;
    return pool;
  }
  pool->offsets.reserve(rows + 1);
  for (std::size_t row = 0; row < rows; ++row) {
    pool->bytes.append(data.record_id(row));
    pool->offsets.push_back(pool->bytes.size());
  }
  return pool;
}

}  // namespace toets
