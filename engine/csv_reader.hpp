#pragma once
// Reads a canonical CSV file (data-format.md: comma-separated, UTF-8 with or without BOM,
// header row, RFC 4180 quoting, LF or CRLF) into a typed Dataset. Every data row is either
// accepted or rejected with a reason; nothing is dropped silently.

#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/dataset.hpp"

namespace toets {

// The file as a whole cannot be read: missing, unreadable, no header, a required column
// missing from the header, a duplicated header. The message starts with "file:line:".
class DataFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedDataset {
  Dataset data;
  LoadReport report;
};

// Throws DataFileError for file-level problems; row-level problems become rejections.
LoadedDataset read_csv_file(const DatasetSchema& schema, const std::string& path);
// The same over text in memory; `name` is used as the file name in messages.
LoadedDataset read_csv_text(const DatasetSchema& schema, std::string_view text, const std::string& name);

}  // namespace toets
