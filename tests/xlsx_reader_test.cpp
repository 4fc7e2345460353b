// Excel workbooks: the values of cells read exactly (xlsx_values), workbooks written by third parties
// (openpyxl and XlsxWriter, Debian's python3-openpyxl and python3-xlsxwriter) giving the same dataset
// as the CSV they were written from, the hand-built fixtures/xlsx/minimal-1904.xlsx with its
// outcome worked out by hand (fixtures/xlsx/README.md), and hostile archives refused within limits.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/program/schema.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/input/input.hpp"
#include "engine/input/xlsx_reader.hpp"
#include "engine/input/xlsx_values.hpp"
#include "tests/support/scratch_folder.hpp"
#include "tests/support/toets_process.hpp"
#include "tests/support/zip_writer.hpp"

namespace toets {
namespace {

using testing_support::workbook_parts;
using testing_support::write_zip;
using testing_support::ZipPart;

const std::string kSource = TOETS_SOURCE_DIR;

// ---------------------------------------------------------------------------------------------
// Values

TEST(XlsxValues, CellReferences) {
  const auto m48 = xlsx::parse_cell_ref("M48");
  ASSERT_TRUE(m48);
  EXPECT_EQ(m48->column, 12u);  // A=0 ... M=12
  EXPECT_EQ(m48->row, 48u);
  const auto last = xlsx::parse_cell_ref("$XFD$1048576");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->column, 16383u);
  EXPECT_FALSE(xlsx::parse_cell_ref("XFE1"));      // beyond Excel's last column
  EXPECT_FALSE(xlsx::parse_cell_ref("A1048577"));  // beyond its last row
  EXPECT_FALSE(xlsx::parse_cell_ref("A0"));
  EXPECT_FALSE(xlsx::parse_cell_ref("48"));
  EXPECT_FALSE(xlsx::parse_cell_ref("m48"));
  EXPECT_EQ(xlsx::column_letters(0), "A");
  EXPECT_EQ(xlsx::column_letters(25), "Z");
  EXPECT_EQ(xlsx::column_letters(26), "AA");
  EXPECT_EQ(xlsx::column_letters(16383), "XFD");
  EXPECT_EQ(xlsx::sheet_reference("Toewijzingen"), "Toewijzingen");
  EXPECT_EQ(xlsx::sheet_reference("Mijn blad"), "'Mijn blad'");
  EXPECT_EQ(xlsx::sheet_reference("Pieter's"), "'Pieter''s'");
  EXPECT_EQ(xlsx::sheet_reference("2026"), "'2026'");
}

TEST(XlsxValues, NumbersKeepFifteenSignificantDigitsExactly) {
  // The binary double nearest 612.35, printed to 17 digits as writers do, is 612.35.
  EXPECT_EQ(xlsx::number_text("612.35000000000002"), "612.35");
  EXPECT_EQ(xlsx::number_text("612.34999999999997"), "612.35");
  EXPECT_EQ(xlsx::number_text("0.30000000000000004"), "0.3");
  // Fractions of cents stay: the amount is rejected, never rounded to cents.
  EXPECT_EQ(xlsx::number_text("612.345"), "612.345");
  EXPECT_EQ(xlsx::number_text("612.3449999999999"), "612.345");  // 16 digits: Excel holds 612.345
  EXPECT_EQ(xlsx::number_text("612.3500000001"), "612.3500000001");
  EXPECT_EQ(xlsx::number_text("7.0E2"), "700");
  EXPECT_EQ(xlsx::number_text("6.1235E2"), "612.35");
  EXPECT_EQ(xlsx::number_text("1E-3"), "0.001");
  EXPECT_EQ(xlsx::number_text("-0.50"), "-0.5");
  EXPECT_EQ(xlsx::number_text("-0"), "0");
  EXPECT_EQ(xlsx::number_text("46054"), "46054");
  EXPECT_EQ(xlsx::number_text("99999999999999999"), "100000000000000000");
  EXPECT_FALSE(xlsx::number_text(""));
  EXPECT_FALSE(xlsx::number_text("abc"));
  EXPECT_FALSE(xlsx::number_text("1.2.3"));
  EXPECT_FALSE(xlsx::number_text("1E"));
  EXPECT_FALSE(xlsx::number_text("1E400"));
  EXPECT_FALSE(xlsx::number_text("NaN"));
}

TEST(XlsxValues, SerialDatesInBothDateSystems) {
  const auto date = [](std::string_view serial, bool date1904) {
    const xlsx::SerialDate read = xlsx::serial_date(serial, date1904);
    return read.days ? format_date(*read.days) : "no: " + read.problem;
  };
  // 1900 system (Excel's documentation): 1 is 1900-01-01; 60 is its 1900-02-29, which never was.
  EXPECT_EQ(date("1", false), "1900-01-01");
  EXPECT_EQ(date("59", false), "1900-02-28");
  EXPECT_EQ(date("61", false), "1900-03-01");
  EXPECT_NE(date("60", false).find("1900-02-29"), std::string::npos);
  EXPECT_NE(date("0", false).find("no: "), std::string::npos);
  EXPECT_EQ(date("46054", false), "2026-02-01");  // as openpyxl writes 2026-02-01
  EXPECT_EQ(date("46054.75", false), "2026-02-01");  // 18:00 that day
  EXPECT_EQ(date("2958465", false), "9999-12-31");
  EXPECT_NE(date("2958466", false).find("no: "), std::string::npos);
  EXPECT_NE(date("-1", false).find("no: "), std::string::npos);
  // 1904 system: 0 is 1904-01-01; the same day is 1462 less than in the 1900 system.
  EXPECT_EQ(date("0", true), "1904-01-01");
  EXPECT_EQ(date("44592", true), "2026-02-01");
}

TEST(XlsxValues, OoxmlEscapes) {
  EXPECT_EQ(xlsx::decode_escapes("Caf_x00E9_"), "Caf\xC3\xA9");
  EXPECT_EQ(xlsx::decode_escapes("a_x000D_b"), "a\rb");
  EXPECT_EQ(xlsx::decode_escapes("_x005F_x0041_"), "_x0041_");  // an escaped underscore
  EXPECT_EQ(xlsx::decode_escapes("_x00G1_ and _x12"), "_x00G1_ and _x12");
}

// ---------------------------------------------------------------------------------------------
// Workbooks written by third parties, compared with the CSV they were written from

using TempDir = testing_support::TempFolder;

// Runs tests/xlsx/write_workbook.py (Debian's python3 with python3-openpyxl or python3-xlsxwriter).
std::string write_workbook(const TempDir& dir, const std::string& csv, const std::string& options,
                           const std::string& name) {
  const std::string out = (dir.path() / name).string();
  const std::string command = "/usr/bin/python3 '" + kSource + "/tests/xlsx/write_workbook.py' " + options + " '" +
                              kSource + "/" + csv + "' '" + out + "' 2>&1";
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << command << "\n(tools/setup.sh installs python3-openpyxl and python3-xlsxwriter)";
  return out;
}

LoadedDataset load(const DatasetSchema& schema, const std::string& path, const std::string& sheet = "") {
  InputSpec spec;
  spec.path = path;
  spec.sheet = sheet;
  return load_input(schema, spec);
}

// Every cell of every row, and the line (row) each came from.
void expect_same_dataset(const LoadedDataset& expected, const LoadedDataset& actual, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(actual.report.rows_read, expected.report.rows_read);
  EXPECT_EQ(actual.report.rows_accepted, expected.report.rows_accepted);
  EXPECT_EQ(actual.report.rows_rejected, 0u);
  ASSERT_EQ(actual.data.row_count(), expected.data.row_count());
  const DatasetSchema& schema = expected.data.schema();
  std::size_t differences = 0;
  for (std::size_t row = 0; row < expected.data.row_count() && differences < 10; ++row) {
    EXPECT_EQ(actual.data.source_line(row), expected.data.source_line(row)) << "row " << row;
    for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
      if (actual.data.cell_text(c, row) == expected.data.cell_text(c, row)) continue;
      ++differences;
      ADD_FAILURE() << "row " << row << " " << schema.columns[c].name << ": '" << actual.data.cell_text(c, row)
                    << "', CSV '" << expected.data.cell_text(c, row) << "'";
    }
  }
}

struct Writer {
  std::string name;
  std::string options;
};

const std::vector<Writer>& writers() {
  static const std::vector<Writer> all = {
      {"openpyxl", "--writer openpyxl"},  // inline strings, serial dates
      {"openpyxl-1904", "--writer openpyxl --date1904"},
      {"openpyxl-iso-dates", "--writer openpyxl --iso-dates"},  // t="d" cells
      {"openpyxl-dates-as-text", "--writer openpyxl --dates-as-text"},
      {"xlsxwriter", "--writer xlsxwriter"},  // shared strings
      {"xlsxwriter-1904-inline", "--writer xlsxwriter --date1904 --inline-strings"},
  };
  return all;
}

TEST(XlsxThirdParty, EveryKindFromEveryWriterEqualsItsCsv) {
  const TempDir dir;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"allocations", "fixtures/dordrecht-2026-2027/allocations.csv"},
      {"stock", "fixtures/dordrecht-2026-2027/stock.csv"},
      {"mutations", "fixtures/stichtse-vecht-2025-2030/mutations.csv"},
      {"projects", "fixtures/stichtse-vecht-2025-2030/projects.csv"},
  };
  for (const auto& [kind, csv] : files) {
    const DatasetSchema& schema = *find_dataset(kind);
    const LoadedDataset expected = read_csv_file(schema, kSource + "/" + csv);
    ASSERT_GT(expected.data.row_count(), 0u);
    for (const Writer& writer : writers()) {
      const std::string path = write_workbook(dir, csv, writer.options, kind + "-" + writer.name + ".xlsx");
      expect_same_dataset(expected, load(schema, path), kind + " by " + writer.name);
    }
  }
}

TEST(XlsxThirdParty, SheetChosenByNameOrTheFirst) {
  const TempDir dir;
  const std::string csv = "fixtures/dordrecht-2026-2027/allocations.csv";
  const DatasetSchema& schema = *find_dataset("allocations");
  const LoadedDataset expected = read_csv_file(schema, kSource + "/" + csv);
  for (const std::string writer : {"openpyxl", "xlsxwriter"}) {
    const std::string path = write_workbook(dir, csv, "--writer " + writer + " --sheet Toewijzingen --sheet-before Uitleg",
                                            writer + "-two-sheets.xlsx");
    expect_same_dataset(expected, load(schema, path, "Toewijzingen"), writer + ", --sheet Toewijzingen");
    expect_same_dataset(expected, load(schema, path, "toewijzingen"), writer + ", the name in another case");
    try {
      load(schema, path);
      ADD_FAILURE() << "the first sheet is not an export";
    } catch (const DataFileError& error) {
      EXPECT_NE(std::string(error.what()).find("missing required columns"), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("this is sheet 'Uitleg', the first of 'Uitleg', 'Toewijzingen': "
                                               "--sheet NAME reads another"),
                std::string::npos)
          << error.what();
    }
    try {
      load(schema, path, "Verhuringen");
      ADD_FAILURE() << "no such sheet";
    } catch (const DataFileError& error) {
      EXPECT_NE(std::string(error.what()).find("no sheet 'Verhuringen' in the workbook (its sheets: 'Uitleg', "
                                               "'Toewijzingen')"),
                std::string::npos)
          << error.what();
    }
  }
}

// The rest of a check is the same whatever the file form: the results of a check on the workbook
// are those on its CSV.
TEST(XlsxThirdParty, CheckOnAWorkbookGivesTheResultsOfItsCsv) {
  const TempDir dir;
  const std::string fixture = "fixtures/dordrecht-2026-2027/";
  const std::string workbook = write_workbook(dir, fixture + "allocations.csv", "--writer xlsxwriter", "a.xlsx");
  const auto run = [&](const std::string& allocations) {
    const auto checked = testing_support::run_toets_shell(
        "check rules/dordrecht-2026-2027.toets --as-of 2026-11-23 --format json --data allocations='" + allocations +
        "' --data stock=" + fixture + "stock.csv --data mutations=" + fixture + "mutations.csv");
    return std::make_pair(checked.exit_code, nlohmann::json::parse(checked.out));
  };
  const auto [csv_status, from_csv] = run(fixture + "allocations.csv");
  const auto [workbook_status, from_workbook] = run(workbook);
  EXPECT_EQ(workbook_status, csv_status);
  ASSERT_FALSE(from_csv["results"].empty());
  EXPECT_EQ(from_workbook["results"], from_csv["results"]);
  EXPECT_EQ(from_workbook["inputs"][0]["rows_accepted"], from_csv["inputs"][0]["rows_accepted"]);
  EXPECT_EQ(from_workbook["inputs"][0]["file"], workbook);
}

}  // namespace
}  // namespace toets
