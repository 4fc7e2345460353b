#pragma once
// What a cell of an Excel workbook (Office Open XML, ECMA-376) holds, read exactly: cell references
// (M48), numbers as the decimal text the file writes (never through a double), serial dates in the
// 1900 and 1904 date systems, and the _xHHHH_ escapes of OOXML strings. Pure functions; the reader
// (xlsx_reader.cpp) decides what a value means for a column.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace toets::xlsx {

// Excel's grid: 1,048,576 rows and 16,384 columns (A..XFD).
inline constexpr std::uint32_t kMaxRows = 1048576;
inline constexpr std::uint32_t kMaxColumns = 16384;

struct CellRef {
  std::uint32_t column = 0;  // 0-based: A is 0
  std::uint32_t row = 0;     // 1-based, as written
};

// "M48" -> column 12, row 48 ("$M$48" too). nullopt for anything that is not a reference inside
// Excel's grid.
std::optional<CellRef> parse_cell_ref(std::string_view text);
// 0 -> "A", 25 -> "Z", 26 -> "AA".
std::string column_letters(std::uint32_t column);
// A sheet name as a reference writes it: quoted ('Mijn blad') when it holds anything but letters,
// digits, '_' and '.', or starts with a digit; a quote inside doubled.
std::string sheet_reference(std::string_view sheet);

// A number cell's value as Excel holds it. Excel keeps 15 significant digits; a writer puts a
// binary double in the file with up to 17 ("612.35000000000002" for 612.35), so the text is read
// exactly and rounded to 15 significant digits, then written in plain decimal: "612.35", "35",
// "-0.5", "0.001". An amount that is not a whole number of cents stays one ("612.345"). nullopt
// when `text` is not a number (or is beyond 10^±30, which no amount, count or date is).
std::optional<std::string> number_text(std::string_view text);

// The days since 1970-01-01 of an Excel serial date (the integer part of `number`, a number_text):
// 1900 system: 1 is 1900-01-01, 60 is the 29 February 1900 that Excel counts (Lotus 1-2-3's leap
// year bug) and that never was, 61 is 1900-03-01; 1904 system (workbookPr date1904): 0 is
// 1904-01-01. A time of day (the fraction) is dropped: the day is the date.
struct SerialDate {
  std::optional<std::int32_t> days;
  std::string problem;  // why not, when days is nullopt
};
SerialDate serial_date(std::string_view number, bool date1904);

// Decodes OOXML's escapes of characters XML cannot carry (ECMA-376 22.9.2.19, ST_Xstring):
// "_x000D_" is a carriage return, "_x005F_" an underscore.
std::string decode_escapes(std::string_view text);

}  // namespace toets::xlsx
