#pragma once
// Reads one sheet of an Excel workbook (.xlsx) into a typed Dataset, as the CSV and JSON readers
// read their files: the first non-empty row is the header, named through the same column mapping,
// and every later row that has a value is read by the same RecordBuilder, so a cell is accepted or
// rejected exactly as the same value in a CSV export would be (docs/data-input.md, "Excel").
//
// What a cell holds is read from the file itself, never through a double:
//  - strings (shared, inline, a formula's text) as text, trimmed, OOXML's _xHHHH_ escapes decoded;
//  - numbers from their decimal text, kept to Excel's 15 significant digits: 612.35 is 61235 cents,
//    612.345 is rejected, as in a CSV file; in a date column a number is an Excel serial date
//    (the 1900 system with its phantom 1900-02-29, or the 1904 system when the workbook says so);
//  - booleans as true/false; ISO dates (t="d") as dates; an error value (#N/A) or a formula never
//    computed rejects its row, naming the cell.
// Each rejection carries its cell ("Toewijzingen!M48", Rejection::cell) and the sheet row as its
// line. Limits against hostile archives: xlsx_archive.hpp.

#include <string>
#include <string_view>
#include <vector>

#include "engine/data/dataset.hpp"
#include "engine/input/load_common.hpp"
#include "engine/input/xlsx_archive.hpp"

namespace toets {

struct ColumnMapping;

struct XlsxOptions {
  // The sheet to read, by name (exactly, else in any case); empty: the first worksheet.
  std::string sheet;
  // How amounts written as text are read ("612,35" or "612.35"); Auto: a comma, as Dutch
  // spreadsheets write them. Number cells are numbers whatever this says.
  DecimalMark decimal = DecimalMark::Auto;
  // Header names and values to translate; null for none.
  const ColumnMapping* mapping = nullptr;
  // Per schema column, whether to store its values (Dataset's `kept`); empty: every column.
  std::vector<bool> kept_columns;
  xlsx::Limits limits;
};

// Throws DataFileError for what makes the workbook unreadable as a whole (not a ZIP, a part
// missing or broken, a limit reached, no such sheet, no header, a required column missing);
// row-level problems become rejections.
LoadedDataset read_xlsx_bytes(const DatasetSchema& schema, std::string_view bytes, const std::string& name,
                              const XlsxOptions& options = {});
LoadedDataset read_xlsx_file(const DatasetSchema& schema, const std::string& path, const XlsxOptions& options = {});

// The header of the sheet `sheet` (empty: the first worksheet): the names of its first non-empty
// row, "" where a column has no name; and the sheet's name.
struct XlsxHeader {
  std::string sheet;
  std::vector<std::string> names;
};
XlsxHeader read_xlsx_header(std::string_view bytes, const std::string& name, const std::string& sheet,
                            const xlsx::Limits& limits = {});

// Whether `bytes` look like an Excel workbook: a ZIP archive whose parts include xl/workbook.xml
// (its name is stored as plain text in the archive's directory).
bool looks_like_xlsx(std::string_view bytes);

}  // namespace toets
