#pragma once
// A column mapping: how one system's exports name the columns and values of a canonical dataset,
// written once by a corporation for its system and given with every load of such an export
// (`toets check --mapping allocations=FILE`). The format is described in docs/data-input.md:
//
//   # Exports of housing system X, allocations
//   [input]
//   dataset = allocations
//   delimiter = semicolon
//   encoding = cp1252
//
//   [columns]
//   Huurprijs = rent
//   "Toetsinkomen (jaar)" = household_income
//   Opmerking = -                    # a column to leave out, without a note
//
//   [values channel]
//   Urgent medisch = urgent
//
// Names and values on the left match the export in any (ASCII) case, after trimming. A mapping is
// checked against the dataset's schema when it is read: every mistake in it is a diagnostic at the
// mapping's file:line:col, shown with the line and a caret. Immutable once parsed; safe to share
// between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/source/diagnostics.hpp"
#include "dsl/program/schema.hpp"
#include "engine/input/load_common.hpp"

namespace toets {

// What a name in a file's header (or a JSON key) stands for.
struct MappedName {
  enum class Kind : std::uint8_t { Column, Ignored, Unknown };
  Kind kind = Kind::Unknown;
  std::uint32_t column = 0;  // for Column
};

struct ColumnMapping {
  std::string file;                       // the mapping file, for messages
  const DatasetSchema* schema = nullptr;  // the dataset it maps onto

  // [input]: the dialect of the exports it describes; Auto where it says nothing.
  Delimiter delimiter = Delimiter::Auto;
  DecimalMark decimal = DecimalMark::Auto;
  Encoding encoding = Encoding::Auto;

  // [columns]: export name (any case) -> schema column index, or nullopt to ignore the column.
  std::unordered_map<std::string, std::optional<std::uint32_t>, CaseFoldHash, CaseFoldEqual> columns;
  // [values COLUMN]: one map per schema column (most empty): export value (any case) -> canonical
  // value ("" means missing).
  std::vector<ValueMap> values;

  const ValueMap* values_of(std::uint32_t column) const {
    return column < values.size() && !values[column].empty() ? &values[column] : nullptr;
  }
};

// A header name or JSON key: a [columns] entry of the mapping (if any) first, then the canonical
// name itself (exactly, or with `any_case` in any ASCII case).
MappedName resolve_name(const DatasetSchema& schema, const ColumnMapping* mapping, std::string_view name,
                        bool any_case = false);

// A mapping file is read whole; a larger one is refused ("FILE: a mapping may be at most N bytes; ...").
inline constexpr std::size_t kMaxMappingBytes = 1 << 20;
// Mistakes listed per mapping; the rest are counted ("FILE: N more mistakes not shown").
inline constexpr std::size_t kMaxMappingErrors = 100;

// Parses mapping text for `schema`. Every mistake goes to `diagnostics`, located in `name`; the
// first kMaxMappingErrors are kept, the rest counted in one more, unlocated. The mapping is
// returned only when there is none.
std::optional<ColumnMapping> parse_mapping(std::string_view text, const std::string& name,
                                           const DatasetSchema& schema, Diagnostics& diagnostics);

// Reads and parses a mapping file. Throws DataFileError when it cannot be read or has mistakes:
// "FILE: mistakes in this column mapping:", then each as the diagnostics print it (file:line:col,
// the line, a caret).
ColumnMapping load_mapping(const std::string& path, const DatasetSchema& schema);

}  // namespace toets
