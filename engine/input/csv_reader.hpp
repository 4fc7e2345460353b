#pragma once
// Reads a CSV file into a typed Dataset: the canonical form of data-format.md (comma-separated,
// UTF-8 with or without BOM, header row, RFC 4180 quoting, LF or CRLF) and, with CsvOptions, the
// forms real exports come in: semicolons, decimal commas and thousands dots, € amounts, 31-03-2026,
// ja/nee, Windows-1252 text (stated or detected), other headers through a column mapping. Every
// data row is either accepted or rejected with a reason; nothing is dropped silently.

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/data/dataset.hpp"
#include "engine/input/load_common.hpp"

namespace toets {

struct ColumnMapping;

// The defaults read the canonical form only, as a file written by a tool for Toets.
struct CsvOptions {
  // Auto: from the header line, whichever of ',' and ';' it has more of outside quotes.
  Delimiter delimiter = Delimiter::Comma;
  // Auto: a comma when the delimiter is ';' (a Dutch spreadsheet's habit), else a point. Only read
  // with export_forms.
  DecimalMark decimal = DecimalMark::Auto;
  // Auto: detected from the whole file (valid UTF-8: UTF-8, else Windows-1252); load_input's
  // default. Windows-1252 is converted to UTF-8 first. The canonical form is UTF-8.
  Encoding encoding = Encoding::Utf8;
  // Also the forms exports write (ValueForms in load_common.hpp); false: canonical values only.
  bool export_forms = false;
  // Header names and values to translate; null for none. Its [input] settings are not read here
  // (load_input merges them into these options).
  const ColumnMapping* mapping = nullptr;
  // The rows are read in chunks of about this many bytes, on `threads` threads (0: one per core).
  // The result does not depend on either; tests make chunks tiny to prove it.
  std::size_t chunk_bytes = 4 << 20;
  unsigned threads = 0;
  // Per schema column, whether to store its values (Dataset's `kept`); empty: every column.
  std::vector<bool> kept_columns;
};

// Throws DataFileError for file-level problems; row-level problems become rejections.
LoadedDataset read_csv_file(const DatasetSchema& schema, const std::string& path, const CsvOptions& options = {});
// The same over bytes in memory; `name` is used as the file name in messages.
LoadedDataset read_csv_text(const DatasetSchema& schema, std::string_view text, const std::string& name,
                            const CsvOptions& options = {});
// The same over a file already opened; its pages are given back as the rows are read.
LoadedDataset read_csv_bytes(const DatasetSchema& schema, const loading::FileBytes& file, const std::string& name,
                             const CsvOptions& options = {});

}  // namespace toets
