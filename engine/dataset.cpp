#include "engine/dataset.hpp"

#include <cstdlib>

#include "dsl/calendar.hpp"

namespace toets {

std::int32_t TextDictionary::intern(std::string_view value) {
  if (const auto found = index_.find(value); found != index_.end()) return found->second;
  const auto code = static_cast<std::int32_t>(values_.size());
  values_.emplace_back(value);
  index_.emplace(std::string(value), code);
  return code;
}

std::int32_t TextDictionary::find(std::string_view value) const {
  const auto found = index_.find(value);
  return found == index_.end() ? -1 : found->second;
}

Dataset::Dataset(const DatasetSchema& schema) : schema_(&schema) {
  columns_.reserve(schema.columns.size());
  for (const ColumnSchema& column_schema : schema.columns) {
    ColumnData column;
    column.type = column_schema.type;
    column.text_storage = column_schema.text_storage;
    columns_.push_back(std::move(column));
  }
}

void Dataset::reserve(std::size_t rows) {
  lines_.reserve(rows);
  for (ColumnData& column : columns_) {
    if (column.type == ValueType::Money) {
      column.cents.reserve(rows);
    } else if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
      column.raw_offsets.reserve(rows + 1);
    } else {
      column.values.reserve(rows);
    }
  }
}

namespace {

// "612.35", "-0.05": exact, from integer cents.
std::string format_cents(std::int64_t cents) {
  std::string out;
  // The magnitude of any value but kNull64 fits; kNull64 never reaches here.
  auto magnitude = static_cast<std::uint64_t>(cents < 0 ? -cents : cents);
  if (cents < 0) out.push_back('-');
  out += std::to_string(magnitude / 100);
  out.push_back('.');
  const auto fraction = static_cast<char>(magnitude % 100);
  out.push_back(static_cast<char>('0' + fraction / 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
  return out;
}

}  // namespace

std::string Dataset::cell_text(std::uint32_t column_index, std::size_t row) const {
  const ColumnData& column = columns_[column_index];
  if (column.type == ValueType::Money) {
    const std::int64_t cents = column.cents[row];
    if (cents == kNull64) return {};
    return format_cents(cents);
  }
  if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
    return std::string(column.raw_text(row));
  }

  const std::int32_t value = column.values[row];
  if (value == kNull32) return {};
  switch (column.type) {
    case ValueType::Int:
      return std::to_string(value);
    case ValueType::Date:
      return format_date(value);
    case ValueType::Bool:
      return value != 0 ? "true" : "false";
    case ValueType::Enum:
      return schema_->column(column_index).enum_values[static_cast<std::size_t>(value)];
    case ValueType::Text:
      return column.dictionary.value(value);
    case ValueType::Fraction:
    case ValueType::Money:
      break;  // Fraction is never a column; Money is handled above
  }
  return std::to_string(value);
}

}  // namespace toets
