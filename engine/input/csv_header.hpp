#pragma once
// A CSV file's header: read, checked, and matched to the schema's columns (directly, through the
// export names, or through a column mapping). Every reader of the rows works from its Layout.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/dataset.hpp"
#include "engine/input/load_common.hpp"

namespace toets {

struct ColumnMapping;

namespace csv {

// What the header says, for every reader of the rows: which field holds each column.
struct Layout {
  const DatasetSchema* schema = nullptr;
  const std::string* name = nullptr;   // the file, for messages
  char delimiter = ',';
  ValueForms forms;
  const ColumnMapping* mapping = nullptr;
  std::vector<std::string> header_names;
  std::vector<std::int32_t> field_of_column;  // -1: the column is not in the file
  std::vector<std::string> column_names;      // each column as the file names it
  std::vector<const ValueMap*> column_values;  // values the mapping translates, or null
  // The file was taken to be UTF-8 unchecked: each record not plain ASCII is checked as it is read,
  // and the first that is not UTF-8 stops the load with NotUtf8 (csv_reader.cpp).
  bool check_utf8_as_read = false;
};

// Reads the header from `pos` into `layout` (whose schema, name, delimiter, forms and mapping are
// set); returns where the rows start. `line` is advanced past the header. Throws DataFileError
// when the header cannot be read or lacks a required column; notes ignored columns in `report`.
template <char kDelimiter>
const char* read_header(Layout& layout, const char* pos, const char* end, std::uint64_t& line, LoadReport& report);

}  // namespace csv

}  // namespace toets
