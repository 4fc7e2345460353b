#pragma once
// Reading the rows of a CSV file after its header: in chunks, on every core, joined in file order
// (csv_chunked_load.cpp says how the result stays the one a single pass would give).

#include <cstdint>
#include <functional>

#include "engine/input/csv_header.hpp"
#include "engine/input/csv_reader.hpp"

namespace toets::csv {

// Thrown by load_rows_in_chunks when `layout.check_utf8_as_read` and a record is not UTF-8: the
// file is to be read again with its encoding settled first (csv_reader.cpp).
struct NotUtf8 {};

// Reads every record in [rows_begin, text_end) into `out` (whose data and report are set up), the
// first starting on `first_line`, with `layout.delimiter` between fields. `release` is told each
// position before which the text is no longer needed (may be null). Throws DataFileError for
// problems of the whole file (too many rows or lines, an unterminated quote), NotUtf8 (above).
void load_rows_in_chunks(const Layout& layout, LoadedDataset& out, const char* rows_begin, const char* text_end,
                         std::uint64_t first_line, const CsvOptions& options,
                         std::function<void(const char*)> release);

}  // namespace toets::csv
