#pragma once
// The canonical datasets as the language sees them: column names, value types, which columns are
// required, the allowed values of enums, and what each means. The one definition: the checker binds
// rule names against these, the engine's loaders read files into them, `toets schema` prints them
// and docs/data-format.md is checked against that (tests/schema_doc_test.cpp). Immutable, thread-safe.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace toets {

// The value types of the language. Every value is stored as an integer:
//  Int      the number itself
//  Money    integer cents (never binary floating point)
//  Date     days since 1970-01-01
//  Bool     0 or 1
//  Enum     index into the column's value list
//  Text     index into the column's dictionary (equality only)
//  Fraction a share or percentage: only as a literal (7.5%) or a measure, never a column
enum class ValueType : std::uint8_t { Int, Money, Date, Bool, Enum, Text, Fraction };

std::string_view type_name(ValueType type);

// How a column is stored: ids (allocation_id, dwelling_id...) keep their exact text per row;
// other text columns are dictionary-encoded because they are grouped and compared.
enum class TextStorage : std::uint8_t { Dictionary, Raw };

struct ColumnSchema {
  std::string name;
  ValueType type = ValueType::Text;
  bool required = false;
  bool unique = false;                     // the record id: duplicates are rejected
  TextStorage text_storage = TextStorage::Dictionary;
  std::vector<std::string> enum_values;    // for Enum, in their natural order
  // The plausible range of a whole number, amount or date, in the column's own units (the number,
  // cents, days since 1970-01-01); a value outside it is rejected (docs/data-input.md, "Plausible
  // values"). E.g. household_size 1 to 20.
  std::optional<std::int64_t> min_value;
  std::optional<std::int64_t> max_value;
  std::string meaning = {};                // for people: `toets schema`, docs/data-format.md

  std::optional<std::uint32_t> enum_index(std::string_view value) const;
};

enum class DatasetKind : std::uint8_t { Allocations, Stock, Mutations, Projects };

struct DatasetSchema {
  DatasetKind kind;
  std::string name;                        // "allocations"
  std::vector<ColumnSchema> columns;
  std::uint32_t id_column = 0;             // reported as evidence
  std::optional<std::uint32_t> snapshot_column;  // stock: snapshot_date, the series of deadlines
  // Columns whose values together are unique (stock: dwelling_id, snapshot_date); a repeat is
  // rejected. Empty when no key spans several columns (a single unique column says so itself).
  std::vector<std::uint32_t> unique_key = {};
  std::string meaning = {};                // "one row per let (toewijzing) of a rental dwelling"

  std::optional<std::uint32_t> column_index(std::string_view name) const;
  const ColumnSchema& column(std::uint32_t index) const { return columns[index]; }
};

// All datasets the language knows, in a fixed order.
std::span<const DatasetSchema> dataset_schemas();
const DatasetSchema* find_dataset(std::string_view name);

}  // namespace toets
