// The CSV reader.
//
// Why the project has its own: loading is on the critical path (a million allocation rows in well
// under a second, loading included), money must be read exactly into integer cents (never through
// a double), and every rejected row must say its line, column, value and what was expected. No CSV
// library packaged by Debian loads typed columns with per-cell rejection reasons; wrapping a
// string-splitting one would cost a copy per cell and still leave all of the typing to us.
//
// How it stays fast:
//  - a regular file is mapped, not copied, and its pages are given back as the load passes them,
//    so a load needs memory for the columns, not for the file (docs/performance.md);
//  - the rows are read in chunks of a few megabytes on every core, each chunk into its own columns
//    and dictionaries, and joined in file order (csv_chunked_load.cpp): the result is exactly what
//    one pass front to back gives;
//  - a record without quoted fields is split sixteen bytes at a time (SSE2 compares; the others
//    byte by byte; csv_record_scan.hpp), cells are string_views into the text, and RecordBuilder
//    (record_builder.cpp) types the common cells on a fast path; nothing is allocated per row
//    beyond the columns' growth.
//
// This file settles the dialect (encoding, delimiter, decimal mark) and reads the header
// (csv_header.cpp); csv_chunked_load.cpp reads the rows.

#include "engine/input/csv_reader.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "engine/input/csv_chunked_load.hpp"
#include "engine/input/csv_header.hpp"
#include "engine/input/csv_record_scan.hpp"
#include "engine/input/group_keys.hpp"

namespace toets {

namespace {

using csv::detect_delimiter;
using csv::Layout;
using csv::read_header;
using csv::skip_blank_lines;

char choose_delimiter(Delimiter stated, std::string_view text) {
  switch (stated) {
    case Delimiter::Comma:
      return ',';
    case Delimiter::Semicolon:
      return ';';
    case Delimiter::Auto:
      break;
  }
  std::uint64_t line = 1;
  const char* start = skip_blank_lines(text.data(), text.data() + text.size(), line);
  return detect_delimiter(start, text.data() + text.size());
}

// How a file's encoding is settled before its rows are read.
enum class EncodingCheck : std::uint8_t {
  BeforeReading,  // decode_text: stated, or detected from every byte of the file first
  AsRead,         // taken to be UTF-8; each record that is not plain ASCII is checked as it is read
};

LoadedDataset read_csv_as(const DatasetSchema& schema, std::string_view text, const std::string& name,
                          const CsvOptions& options, const std::function<void(const char*)>& release,
                          EncodingCheck check) {
  LoadedDataset result{Dataset(schema, options.kept_columns), LoadReport{}};
  result.report.dataset = schema.name;
  result.report.file = name;
  std::string converted;
  loading::DecodedText decoded;
  if (check == EncodingCheck::AsRead) {
    decoded = loading::take_as_utf8(text, name, result.report);
  } else {
    decoded = loading::decode_text(text, options.encoding, name, converted, result.report, release);
  }
  text = decoded.text;

  Layout layout;
  layout.schema = &schema;
  layout.name = &name;
  layout.mapping = options.mapping;
  layout.delimiter = choose_delimiter(options.delimiter, text);
  ValueForms& forms = layout.forms;
  forms.export_forms = options.export_forms;
  forms.windows_1252 = decoded.windows_1252;
  switch (options.decimal) {
    case DecimalMark::Point:
      forms.decimal = '.';
      break;
    case DecimalMark::Comma:
      forms.decimal = ',';
      break;
    case DecimalMark::Auto:
      forms.decimal = layout.delimiter == ';' ? ',' : '.';
      break;
  }
  if (options.export_forms && (layout.delimiter != ',' || forms.decimal != '.' || forms.windows_1252)) {
    std::string note = "read as CSV with '";
    note += layout.delimiter;
    note += "' between fields and a decimal ";
    note += forms.decimal == ',' ? "comma in amounts (1.234,56)" : "point in amounts (1,234.56)";
    if (forms.windows_1252) note += ", converted from Windows-1252";
    result.report.notes.insert(result.report.notes.begin(), std::move(note));
  }

  const char* begin = text.data();
  const char* end = begin + text.size();
  std::uint64_t line = 1;
  const char* rows = layout.delimiter == ';' ? read_header<';'>(layout, begin, end, line, result.report)
                                             : read_header<','>(layout, begin, end, line, result.report);
  if (check == EncodingCheck::AsRead) {
    // The rows are checked as they are read; what comes before them here.
    if (!loading::is_valid_utf8(std::string_view(begin, static_cast<std::size_t>(rows - begin)))) throw csv::NotUtf8{};
    layout.check_utf8_as_read = true;
  }
  // Only text that is the file itself (not a converted copy) is given back page by page.
  csv::load_rows_in_chunks(layout, result, rows, end, line, options, converted.empty() ? release : nullptr);
  normalise_group_keys(result);
  return result;
}

// Settles the encoding once for the whole file: all chunks agree. Without a stated encoding every
// byte decides (encoding.hpp), and nearly every file is UTF-8: a pass over the whole file before
// its rows are read, on one core, was a tenth of a large check's time. So the file is read as
// UTF-8 at once, each record not plain ASCII checked as it is read (in its chunk, on every core);
// the first that is not UTF-8 stops the load, and the file is read again with the whole-file
// decision (Windows-1252, or a mix). The result is the same either way; a Windows-1252 file costs
// the part read before its first byte outside ASCII once more.
LoadedDataset read_csv(const DatasetSchema& schema, std::string_view text, const std::string& name,
                       const CsvOptions& options, const std::function<void(const char*)>& release) {
  if (options.encoding == Encoding::Auto) {
    try {
      return read_csv_as(schema, text, name, options, release, EncodingCheck::AsRead);
    } catch (const csv::NotUtf8&) {
      // Read again below: Windows-1252, with the note that says why.
    } catch (const DataFileError&) {
      // A problem of the whole file (a header without a required column, an unterminated quote)
      // found before the encoding was settled: said as found only if the file is UTF-8.
      if (loading::is_valid_utf8(loading::without_byte_order_mark(text))) throw;
    }
  }
  return read_csv_as(schema, text, name, options, release, EncodingCheck::BeforeReading);
}

}  // namespace

LoadedDataset read_csv_text(const DatasetSchema& schema, std::string_view text, const std::string& name,
                            const CsvOptions& options) {
  LoadedDataset loaded = read_csv(schema, text, name, options, nullptr);
  loaded.data.set_origin(name);
  return loaded;
}

LoadedDataset read_csv_bytes(const DatasetSchema& schema, const loading::FileBytes& file, const std::string& name,
                             const CsvOptions& options) {
  LoadedDataset loaded =
      read_csv(schema, file.view(), name, options, [&file](const char* until) { file.release_before(until); });
  loaded.data.set_origin(name);
  return loaded;
}

LoadedDataset read_csv_file(const DatasetSchema& schema, const std::string& path, const CsvOptions& options) {
  const loading::FileBytes file = loading::read_whole_file(path);
  LoadedDataset loaded = read_csv_bytes(schema, file, path, options);
  loading::require_unchanged(file, path);
  return loaded;
}

}  // namespace toets
