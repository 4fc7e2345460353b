#pragma once
// Reads JSON into a typed Dataset: an array of objects ([{...}, {...}]) or JSON Lines (one object
// per line), told apart by the first character. Each object is one record; its keys are the
// columns (through a column mapping when given), in any order; a key may be absent or null
// (missing). Values may be strings or numbers for numeric columns; a number is read from its own
// text, exactly (money into integer cents, never through a double). Every record is either accepted
// or rejected with a reason and the line where it starts; nothing is dropped silently.
//
// A syntax error in an array is a file-level error (DataFileError, with the line): the rest of the
// array cannot be read. In JSON Lines only that line is rejected.

#include <string>
#include <string_view>

#include "engine/data/dataset.hpp"
#include "engine/input/load_common.hpp"

namespace toets {

struct ColumnMapping;

struct JsonOptions {
  // How strings in numeric columns are read ("612,35" or "612.35"); Auto: point. JSON numbers are
  // always read as JSON writes them.
  DecimalMark decimal = DecimalMark::Auto;
  // Auto: UTF-8 (JSON's own encoding). Windows-1252 is converted to UTF-8 first.
  Encoding encoding = Encoding::Auto;
  // Key names and values to translate; null for none.
  const ColumnMapping* mapping = nullptr;
  // Per schema column, whether to store its values (Dataset's `kept`); empty: every column.
  std::vector<bool> kept_columns;
};

// Throws DataFileError for file-level problems; record-level problems become rejections.
LoadedDataset read_json_file(const DatasetSchema& schema, const std::string& path, const JsonOptions& options = {});
// The same over bytes in memory; `name` is used as the file name in messages.
LoadedDataset read_json_text(const DatasetSchema& schema, std::string_view text, const std::string& name,
                             const JsonOptions& options = {});

}  // namespace toets
