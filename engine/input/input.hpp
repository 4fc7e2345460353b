#pragma once
// Loading a data file of any supported form, in one call:
//
//   LoadedDataset load_input(const DatasetSchema& schema, const InputSpec& spec);
//
//   InputSpec spec{.path = "export.csv", .mapping_path = "system-x.map"};
//   LoadedDataset loaded = load_input(*find_dataset("allocations"), spec);
//   // loaded.data: the accepted rows; loaded.report: rows read = accepted + rejected, the
//   // rejections (line, column, value, reason, record) and notes.
//
// - First what the file is (engine/input/file_kind.hpp): UTF-16 or UTF-32 text, a gzip or zip archive, an
//   SQLite database or other binary data is refused with a message saying so.
// - The reader: the stated format, else the file's extension (.csv and .txt: CSV; .json: a JSON
//   array of objects or JSON Lines, told apart by the first character; .jsonl and .ndjson: JSON
//   Lines; .xlsx and .xlsm: an Excel workbook, xlsx_reader.hpp), else the content (a ZIP archive
//   holding xl/workbook.xml: a workbook; '[' or '{' first: JSON; else CSV). Other spreadsheets
//   (.xls, .ods) are refused with a message.
// - A workbook's sheet: `sheet`, else the first worksheet. Its number cells are numbers whatever
//   the dialect; `decimal` says how amounts written as text are read (Auto: a comma).
// - The dialect, setting by setting: what `spec` states, else what the mapping's [input] says,
//   else the reader's own choice: the delimiter detected from the header line, a decimal comma
//   when the delimiter is ';' (a decimal point for JSON strings), the encoding detected from the
//   whole file (valid UTF-8: UTF-8, else Windows-1252; encoding.hpp). A mapping's encoding applies
//   to CSV only: JSON is UTF-8 unless `spec` says otherwise.
// - Values are read in the forms exports write (ValueForms::export_forms in load_common.hpp);
//   the canonical forms are among them, so a canonical file loads the same as ever.
//
// Throws DataFileError for what makes the file unreadable as a whole (it cannot be opened, no
// header, a required column missing, a JSON syntax error in an array, a mistake in the mapping
// file); rows that cannot be read are rejections in the report, never exceptions. Reentrant.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/input/load_common.hpp"

namespace toets {

enum class InputFormat : std::uint8_t { Auto, Csv, Json, JsonLines, Xlsx };

// "csv", "json", "jsonl" (or "ndjson"), "xlsx", "auto"; any case. nullopt for anything else.
std::optional<InputFormat> parse_input_format(std::string_view text);

struct InputSpec {
  std::string path;
  InputFormat format = InputFormat::Auto;
  Delimiter delimiter = Delimiter::Auto;     // CSV only
  Encoding encoding = Encoding::Auto;
  DecimalMark decimal = DecimalMark::Auto;
  std::string mapping_path;                  // a column mapping file (mapping.hpp); empty: none
  std::string sheet;                         // a workbook's sheet; empty: the first
  // Per schema column, whether to store its values; empty: every column. Every cell is checked
  // either way (Dataset's `kept`).
  std::vector<bool> kept_columns;
};

// With `sha256`, also the SHA-256 of exactly the bytes loaded: the file is opened once and its
// size asked once, and the hash is of those bytes, not of a later state (the store's "already
// imported" rests on it). A file that changed while it was read is a DataFileError either way.
LoadedDataset load_input(const DatasetSchema& schema, const InputSpec& spec, std::string* sha256 = nullptr);

// Writes every rejection of `reports` as CSV (UTF-8, comma-separated, RFC 4180 quoting), one row
// each, in the order loaded: dataset,file,line,column,value,reason,record — `record` is the whole
// rejected record as read, so it can be fixed and loaded again.
void write_rejections_csv(const std::vector<const LoadReport*>& reports, std::ostream& out);
// Appends `text` to a CSV line as one field, between double quotes (a quote doubled) when it holds
// a comma, a quote or a line break (RFC 4180).
void append_csv_field(std::string& line, std::string_view text);

// A CSV cell a spreadsheet reads as text, never as a formula: a `'` before a cell that starts
// with =, +, -, @, a tab or a line break (the OWASP advice on CSV injection). Control and bidi
// characters but tab and line feed are shown as escapes (dsl/source/visible_text.hpp), so that the file
// shown on a terminal is text too.
std::string spreadsheet_safe(std::string_view cell);

}  // namespace toets
