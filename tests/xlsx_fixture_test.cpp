// fixtures/xlsx/minimal-1904.xlsx (built part by part by make_minimal.py beside it), with its outcome
// worked out by hand from the rows that script writes; and hostile archives, built here with
// libzip, each refused with a clear error within the reader's limits.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dsl/program/schema.hpp"
#include "engine/input/input.hpp"
#include "engine/run/plan_file.hpp"
#include "engine/input/xlsx_reader.hpp"
#include "tests/support/toets_process.hpp"
#include "tests/support/zip_writer.hpp"

namespace toets {
namespace {

using testing_support::workbook_parts;
using testing_support::write_zip;
using testing_support::ZipPart;

const std::string kMinimal = std::string(TOETS_SOURCE_DIR) + "/fixtures/xlsx/minimal-1904.xlsx";

const DatasetSchema& allocations() { return *find_dataset("allocations"); }

LoadedDataset load_minimal() {
  InputSpec spec;
  spec.path = kMinimal;
  spec.sheet = "Toewijzingen";
  return load_input(allocations(), spec);
}

std::string row_text(const LoadedDataset& loaded, std::size_t row) {
  std::string text;
  for (std::uint32_t c = 0; c < allocations().columns.size(); ++c) {
    text += (c > 0 ? "," : "") + loaded.data.cell_text(c, row);
  }
  return text;
}

TEST(XlsxFixture, MinimalWorkbookRowsAsWorkedOutByHand) {
  const LoadedDataset loaded = load_minimal();
  // Rows 2, 3, 5, 6, 7, 8, 9, 11 and 12 have values (row 4 is absent, row 10 only styled cells).
  EXPECT_EQ(loaded.report.rows_read, 9u);
  EXPECT_EQ(loaded.report.rows_accepted, 4u);
  EXPECT_EQ(loaded.report.rows_rejected, 5u);
  ASSERT_EQ(loaded.data.row_count(), 4u);
  // 1904 serial 44592 is 2026-02-01; 612.35000000000002 is 612.35; the rich-text runs and the
  // phonetic reading leave "sociaal"; J2 is the boolean 0.
  EXPECT_EQ(row_text(loaded, 0),
            "X001,Trivire,Dordrecht,Dubbeldam,Crabbehof,2026-02-01,VHE0001,sociaal,true,false,612.35,1,51537.01,35,"
            "regulier,C");
  // Sparse: noon on 2026-02-02 is that day; the id 12345 a number; "ja" a formula's text; 7.0E2.
  EXPECT_EQ(row_text(loaded, 1), "X002,Trivire,Dordrecht,,,2026-02-02,12345,sociaal,true,,700.00,3,56910.00,40,urgent,");
  // A date written as text in the export form.
  EXPECT_EQ(row_text(loaded, 2), "X007,Trivire,Dordrecht,,,2026-03-31,VHE0007,sociaal,true,,650.00,2,30000.00,50,regulier,A++");
  // _x00E9_ is é; the spaces kept by xml:space are trimmed.
  EXPECT_EQ(row_text(loaded, 3),
            "X008,Trivire,Dordrecht,,Caf\xC3\xA9 Noord,2026-02-09,VHE0012,sociaal,true,,650.00,2,30000.00,50,regulier,B");
  EXPECT_EQ(loaded.data.source_line(0), 2u);
  EXPECT_EQ(loaded.data.source_line(1), 3u);
  EXPECT_EQ(loaded.data.source_line(2), 9u);
  EXPECT_EQ(loaded.data.source_line(3), 12u);
}

TEST(XlsxFixture, EachRejectionNamesItsCell) {
  const LoadedDataset loaded = load_minimal();
  struct Expected {
    std::uint64_t line;
    std::string cell;
    std::string column;
    std::string value;
    std::string reason;
  };
  const std::vector<Expected> expected = {
      {5, "Toewijzingen!K5", "rent", "612.345", "expected an amount in euros with at most 2 decimals, like 612.35"},
      {6, "Toewijzingen!O6", "channel", "Spoedzoeker",
       "unknown channel 'Spoedzoeker' (expected one of regulier, herstructurering, urgent, statushouder, "
       "uitstroom_mobw, wonen_eerst, vitaal_beroep, starter, directe_bemiddeling, overig)"},
      {7, "Toewijzingen!M7", "household_income", "#N/A", "holds the spreadsheet error #N/A"},
      {8, "Toewijzingen!N8", "applicant_age", "",
       "holds a formula whose value was never computed (the program that wrote the workbook does not calculate; "
       "open and save it in a spreadsheet program, or paste the values)"},
      {11, "Toewijzingen!A11", "allocation_id", "X001", "duplicate allocation_id 'X001' (first on line 2)"},
  };
  ASSERT_EQ(loaded.report.rejections.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Rejection& rejection = loaded.report.rejections[i];
    EXPECT_EQ(rejection.line, expected[i].line);
    EXPECT_EQ(rejection.cell, expected[i].cell);
    EXPECT_EQ(rejection.column, expected[i].column);
    EXPECT_EQ(rejection.value, expected[i].value);
    EXPECT_EQ(rejection.reason, expected[i].reason);
  }
  // The record as read, for a rejects file: the sheet's cells as a CSV line.
  EXPECT_EQ(loaded.report.rejections[0].record, "X003,Trivire,Dordrecht,,,44600,VHE0003,sociaal,TRUE,,612.345,2,30000,50,regulier,B");
  ASSERT_EQ(loaded.report.notes.size(), 1u);
  EXPECT_EQ(loaded.report.notes[0], "cells right of the header (column Q and beyond) are ignored: their column has no name");
}

TEST(XlsxFixture, TheFirstSheetIsReadUnlessOneIsNamed) {
  InputSpec spec;
  spec.path = kMinimal;
  try {
    load_input(allocations(), spec);
    ADD_FAILURE() << "the first sheet, Toelichting, is no export";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find("minimal-1904.xlsx:Toelichting!1:1: missing required columns"),
              std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("this is sheet 'Toelichting', the first of 'Toelichting', 'Toewijzingen'"),
              std::string::npos);
  }
}

// The command line: --sheet, and --strict naming each rejected row's cell.
TEST(XlsxFixture, StrictNamesTheCells) {
  const auto run = testing_support::run_toets_shell(
      "check rules/dordrecht-2026-2027.toets --data allocations=fixtures/xlsx/minimal-1904.xlsx "
      "--sheet allocations=Toewijzingen --strict");
  const std::string& text = run.err;
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(text.find("    fixtures/xlsx/minimal-1904.xlsx:Toewijzingen!K5: rent '612.345': expected an amount in euros "
                      "with at most 2 decimals, like 612.35\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("fixtures/xlsx/minimal-1904.xlsx:Toewijzingen!A11: allocation_id 'X001'"), std::string::npos);
}

TEST(XlsxFixture, APlanImportNamesItsSheet) {
  Diagnostics diagnostics;
  const auto plan = parse_plan("store = \"s.db\"\noutput = \"out\"\n[[import]]\ndataset = \"allocations\"\n"
                               "file = \"export.xlsx\"\nsheet = \"Toewijzingen\"\n[[check]]\nrules = \"r.toets\"\n",
                               "p.plan", diagnostics);
  ASSERT_TRUE(plan) << diagnostics.error_count();
  ASSERT_EQ(plan->imports.size(), 1u);
  EXPECT_EQ(plan->imports[0].sheet, "Toewijzingen");
}

// ---------------------------------------------------------------------------------------------
// Made-up workbooks: sheet structure

const std::string kHeader =
    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>project_id</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>"
    "municipality</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>name</t></is></c><c r=\"D1\" t=\"inlineStr\"><is>"
    "<t>developer</t></is></c><c r=\"E1\" t=\"inlineStr\"><is><t>delivery_year</t></is></c><c r=\"F1\" "
    "t=\"inlineStr\"><is><t>total_dwellings</t></is></c><c r=\"G1\" t=\"inlineStr\"><is><t>social_rent</t></is>"
    "</c></row>";

std::string project_row(int row, const std::string& total = "<v>10</v>") {
  const std::string r = std::to_string(row);
  return "<row r=\"" + r + "\"><c r=\"A" + r + "\" t=\"inlineStr\"><is><t>P" + r + "</t></is></c><c r=\"B" + r +
         "\" t=\"inlineStr\"><is><t>Westervoort</t></is></c><c r=\"C" + r + "\" t=\"inlineStr\"><is><t>Plan</t></is>"
         "</c><c r=\"D" + r + "\" t=\"inlineStr\"><is><t>Vivare</t></is></c><c r=\"E" + r + "\"><v>2027</v></c><c r=\"F" +
         r + "\">" + total + "</c><c r=\"G" + r + "\"><v>4</v></c></row>";
}

LoadedDataset load_parts(const std::vector<ZipPart>& parts, const xlsx::Limits& limits = {}) {
  XlsxOptions options;
  options.limits = limits;
  return read_xlsx_bytes(*find_dataset("projects"), write_zip(parts), "made.xlsx", options);
}

std::string error_of(const std::vector<ZipPart>& parts, const xlsx::Limits& limits = {}) {
  try {
    load_parts(parts, limits);
  } catch (const DataFileError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(XlsxStructure, AMadeUpWorkbookLoads) {
  const LoadedDataset loaded = load_parts(workbook_parts(kHeader + project_row(2) + project_row(3)));
  EXPECT_EQ(loaded.report.rows_read, 2u);
  EXPECT_EQ(loaded.report.rows_accepted, 2u);
}

TEST(XlsxStructure, BrokenSheetsAreFileErrorsWithTheirPlace) {
  EXPECT_EQ(error_of(workbook_parts("")), "made.xlsx: sheet 'Blad1' is empty; expected a header row naming the projects columns");
  EXPECT_EQ(error_of(workbook_parts(kHeader + project_row(3) + project_row(2))),
            "made.xlsx:Blad1!2:2: row 2 comes after row 3 (rows must be in order)");
  EXPECT_EQ(error_of(workbook_parts(kHeader + "<row r=\"2\"><c r=\"B3\"><v>1</v></c></row>")),
            "made.xlsx:Blad1!2:2: cell reference 'B3' is not a cell of row 2");
  EXPECT_EQ(error_of(workbook_parts(kHeader + "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>7</v></c></row>")),
            "made.xlsx:Blad1!B2: refers to shared string '7', but the workbook has 0");
  EXPECT_NE(error_of(workbook_parts(kHeader + "<row r=\"2\"><c r=\"A2\">")).find("made.xlsx: xl/worksheets/sheet1.xml:1: "
                                                                              "not well-formed XML"),
            std::string::npos);
  // A mistyped header, as the CSV reader says it.
  const std::string misspelt = std::string(kHeader).replace(kHeader.find("social_rent"), 11, "socail_rent");
  EXPECT_NE(error_of(workbook_parts(misspelt)).find("missing required column 'social_rent'"), std::string::npos);
  EXPECT_NE(error_of(workbook_parts(misspelt)).find("is 'socail_rent' a misspelling of 'social_rent'?"),
            std::string::npos);
  EXPECT_EQ(error_of(workbook_parts(kHeader + "<row r=\"2\"><c r=\"A2\"><c r=\"B2\"/></c></row>")),
            "made.xlsx:Blad1!A2: a cell inside another cell");
  EXPECT_EQ(error_of(workbook_parts(kHeader + "<row r=\"2\"><row r=\"3\"/></row>")),
            "made.xlsx:Blad1!2:2: a row inside another row");
  EXPECT_EQ(error_of(workbook_parts(kHeader + "<c r=\"A2\"><v>1</v></c>")), "made.xlsx:Blad1: a cell outside any row");
  EXPECT_NE(error_of({{"hello.txt", "not a workbook"}}).find("made.xlsx: a ZIP archive without a workbook part"),
            std::string::npos);
}

TEST(XlsxStructure, NotAZipArchive) {
  try {
    read_xlsx_bytes(*find_dataset("projects"), "PK\x03\x04 but nothing more", "made.xlsx");
    ADD_FAILURE() << "no error";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find("made.xlsx: not a readable workbook (an .xlsx file is a ZIP archive)"),
              std::string::npos)
        << error.what();
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile archives

TEST(XlsxLimits, TooManyEntries) {
  std::vector<ZipPart> parts = workbook_parts(kHeader + project_row(2));
  for (int i = 0; i < 20; ++i) parts.push_back({"xl/media/image" + std::to_string(i) + ".png", "x"});
  xlsx::Limits limits;
  limits.max_entries = 20;
  EXPECT_EQ(error_of(parts, limits), "made.xlsx: the workbook archive holds 25 files; at most 20 are allowed");
}

TEST(XlsxLimits, APartTooLarge) {
  std::string rows = kHeader;
  for (int r = 2; r < 200; ++r) rows += project_row(r);
  xlsx::Limits limits;
  limits.max_part_bytes = 10000;
  EXPECT_NE(error_of(workbook_parts(rows), limits).find("made.xlsx: xl/worksheets/sheet1.xml: unpacks to "),
            std::string::npos);
  EXPECT_NE(error_of(workbook_parts(rows), limits).find("a part may hold at most 10000"), std::string::npos);
}

TEST(XlsxLimits, TheWholeWorkbookTooLarge) {
  std::vector<ZipPart> parts = workbook_parts(kHeader + project_row(2));
  parts.push_back({"xl/media/padding.bin", std::string(50000, 'x')});
  xlsx::Limits limits;
  limits.max_total_bytes = 40000;
  EXPECT_EQ(error_of(parts, limits),
            "made.xlsx: the workbook unpacks to more than 40000 bytes, the most a workbook may hold");
}

TEST(XlsxLimits, AZipBombIsRefusedWithTheDefaultLimits) {
  // Some 20 MB of one repeated element compresses about a thousand times: no sheet does that.
  std::vector<ZipPart> parts = workbook_parts(kHeader + project_row(2));
  std::string filler = "<cols>";
  filler.reserve(20 << 20);
  while (filler.size() < (20u << 20)) filler += "<col min=\"1\" max=\"1\" width=\"10\"/>";
  filler += "</cols>";
  parts[4].data.insert(parts[4].data.find("<sheetData>"), filler);
  const std::string error = error_of(parts);
  EXPECT_NE(error.find("made.xlsx: xl/worksheets/sheet1.xml: unpacks to more than 200 times its packed size"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("a ZIP bomb, not a workbook"), std::string::npos);
}

TEST(XlsxLimits, NestingTooDeep) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<extLst>";
  for (int i = 0; i < 100; ++i) deep += "</extLst>";
  std::vector<ZipPart> parts = workbook_parts(kHeader + project_row(2));
  parts[4].data.insert(parts[4].data.find("</worksheet>"), deep);
  EXPECT_EQ(error_of(parts), "made.xlsx: xl/worksheets/sheet1.xml:1: XML nested more than 64 elements deep");
}

TEST(XlsxLimits, ADoctypeIsRefusedBeforeItsEntitiesExpand) {
  std::vector<ZipPart> parts = workbook_parts(kHeader + project_row(2));
  std::string& sheet = parts[4].data;
  sheet.insert(sheet.find("<worksheet"),
               "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>");
  EXPECT_EQ(error_of(parts), "made.xlsx: xl/worksheets/sheet1.xml:1: a DOCTYPE declaration, which no workbook part has");
}

TEST(XlsxLimits, TooManySharedStrings) {
  std::string strings;
  for (int i = 0; i < 11; ++i) strings += "<si><t>s" + std::to_string(i) + "</t></si>";
  xlsx::Limits limits;
  limits.max_shared_strings = 10;
  EXPECT_EQ(error_of(workbook_parts(kHeader + project_row(2), strings), limits),
            "made.xlsx: the workbook has more than 10 shared strings, the most it may have");
}

TEST(XlsxLimits, ACellTooLongRejectsItsRow) {
  const std::string long_name(kMaxFieldBytes + 1, 'n');
  std::string row = project_row(3);
  row.replace(row.find(">Plan<"), 6, ">" + long_name + "<");
  const LoadedDataset loaded = load_parts(workbook_parts(kHeader + project_row(2) + row));
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].cell, "Blad1!C3");
  EXPECT_NE(loaded.report.rejections[0].reason.find("bytes long; at most 65536 are allowed"), std::string::npos);
}

}  // namespace
}  // namespace toets
