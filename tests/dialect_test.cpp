// CSV as exports really arrive: semicolons, decimal commas and thousands dots, € amounts, Dutch
// dates and booleans, Windows-1252, BOM and CRLF, quoted separators; ids kept as text; the
// transparent dictionary (encodings detected and composite keys: encoding_test.cpp). Wrong input
// is tested as often as right input, and every expected number is worked out by hand in the
// comment beside it.

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/program/schema.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/data/dataset.hpp"
#include "tests/support/export_rows.hpp"

namespace toets {
namespace {

using namespace export_testing;


// ---------------------------------------------------------------------------------------------
// One cell at a time, in a semicolon file (so: a decimal comma)

struct CellCase {
  std::string label;
  std::string column;
  std::string token;  // as written in the file
  bool accepted;
  std::string rendered_or_reason;      // cell_text when accepted, a part of the reason when not
  std::optional<std::int64_t> stored;  // the stored integer (cents, days, code...) when accepted
};

std::ostream& operator<<(std::ostream& out, const CellCase& c) { return out << c.label; }

class ExportCellTest : public testing::TestWithParam<CellCase> {};

TEST_P(ExportCellTest, AcceptsOrRejectsWithReason) {
  const CellCase& c = GetParam();
  const LoadedDataset loaded = load(std::string(kHeader) + row_with(c.column, c.token));
  expect_counts_add_up(loaded);
  ASSERT_EQ(loaded.report.rows_read, 1u);
  const std::uint32_t column = *allocations().column_index(c.column);
  if (c.accepted) {
    ASSERT_EQ(loaded.report.rows_accepted, 1u)
        << (loaded.report.rejections.empty() ? "" : loaded.report.rejections[0].reason);
    EXPECT_EQ(loaded.data.cell_text(column, 0), c.rendered_or_reason);
    if (c.stored) {
      const ColumnData& data = loaded.data.column(column);
      const std::int64_t stored = data.type == ValueType::Money ? data.cents[0] : data.value(0);
      EXPECT_EQ(stored, *c.stored);
    }
    return;
  }
  ASSERT_EQ(loaded.report.rows_rejected, 1u);
  const Rejection& rejection = loaded.report.rejections[0];
  EXPECT_EQ(rejection.line, 2u);
  EXPECT_EQ(rejection.column, c.column);
  EXPECT_NE(rejection.reason.find(c.rendered_or_reason), std::string::npos) << rejection.reason;
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, ExportCellTest,
    testing::Values(
        CellCase{"money_euro_space", "rent", "€ 612,35", true, "612.35", 61235},
        CellCase{"money_euro_no_space", "rent", "€612,35", true, "612.35", 61235},
        CellCase{"money_euro_no_break_space", "rent", "€\xC2\xA0" "612,35", true, "612.35", 61235},
        CellCase{"money_euro_after", "rent", "612,35 €", true, "612.35", 61235},
        CellCase{"money_plain_comma", "rent", "612,35", true, "612.35", 61235},
        CellCase{"money_one_decimal", "rent", "612,3", true, "612.30", 61230},
        CellCase{"money_whole", "rent", "612", true, "612.00", 61200},
        CellCase{"money_thousands", "rent", "1.234,56", true, "1234.56", 123456},
        CellCase{"money_thousands_no_decimals", "rent", "1.234", true, "1234.00", 123400},
        // The most plausible income (docs/data-input.md): € 1.000.000 a year.
        CellCase{"money_millions", "household_income", "€ 1.000.000,00", true, "1000000.00", 100000000},
        CellCase{"money_ungrouped_large", "household_income", "999999,99", true, "999999.99", 99999999},
        CellCase{"money_no_float_error", "rent", "0,29", true, "0.29", 29},
        CellCase{"money_leading_zero", "rent", "0612,35", true, "612.35", 61235},
        CellCase{"money_quoted_with_separator_inside", "rent", "\"€ 1.234,56\"", true, "1234.56", 123456},
        CellCase{"int_plain", "household_size", "3", true, "3", 3},
        CellCase{"date_iso", "contract_date", "2026-03-31", true, "2026-03-31", days_from_civil(2026, 3, 31)},
        CellCase{"date_dutch", "contract_date", "31-03-2026", true, "2026-03-31", days_from_civil(2026, 3, 31)},
        CellCase{"date_dutch_short", "contract_date", "1-3-2026", true, "2026-03-01", days_from_civil(2026, 3, 1)},
        CellCase{"date_dutch_leap_day", "contract_date", "29-02-2024", true, "2024-02-29",
                 days_from_civil(2024, 2, 29)},
        CellCase{"bool_ja", "daeb", "ja", true, "true", 1},
        CellCase{"bool_nee", "daeb", "nee", true, "false", 0},
        CellCase{"bool_j_upper", "daeb", "J", true, "true", 1},
        CellCase{"bool_n", "daeb", "n", true, "false", 0},
        CellCase{"bool_ja_capital", "daeb", "Ja", true, "true", 1},
        CellCase{"bool_true", "daeb", "true", true, "true", 1},
        CellCase{"bool_false_upper", "daeb", "FALSE", true, "false", 0},
        CellCase{"bool_one", "daeb", "1", true, "true", 1},
        CellCase{"bool_zero", "daeb", "0", true, "false", 0},
        CellCase{"bool_waar", "daeb", "WAAR", true, "true", 1},
        CellCase{"bool_onwaar", "daeb", "onwaar", true, "false", 0},
        CellCase{"enum_capitalised", "segment", "Sociaal", true, "sociaal", 0},
        CellCase{"enum_space_for_underscore", "segment", "Vrije sector", true, "vrije_sector", 2},
        CellCase{"enum_hyphen_for_underscore", "channel", "Wonen-eerst", true, "wonen_eerst", 5},
        CellCase{"enum_label_lower", "energy_label", "a++", true, "A++", 2},
        CellCase{"bag_id_leading_zero", "dwelling_id", "0599010000012345", true, "0599010000012345", {}},
        CellCase{"id_with_comma_is_text", "allocation_id", "12,5", true, "12,5", {}},
        CellCase{"text_quoted_semicolon", "neighbourhood", "\"Oud; Centrum\"", true, "Oud; Centrum", {}},
        CellCase{"text_quoted_newline_crlf", "neighbourhood", "\"Noord\r\nZuid\"", true, "Noord Zuid", {}},
        CellCase{"text_doubled_quotes", "neighbourhood", "\"De \"\"Staart\"\"\"", true, "De \"Staart\"", {}},
        CellCase{"text_comma_unquoted", "neighbourhood", "Oud, Centrum", true, "Oud, Centrum", {}}),
    [](const testing::TestParamInfo<CellCase>& param_info) { return param_info.param.label; });

INSTANTIATE_TEST_SUITE_P(
    Rejected, ExportCellTest,
    testing::Values(
        CellCase{"money_decimal_point_in_comma_file",
                 "rent",
                 "612.35",
                 false,
                 "expected an amount in euros like 1.234,56 or € 612,35 (decimal comma); it reads as an amount "
                 "with a decimal point",
                 {}},
        CellCase{"money_three_decimals",
                 "rent",
                 "612,345",
                 false,
                 "expected an amount in euros with at most 2 decimals, like 612,35",
                 {}},
        CellCase{"money_bad_group", "rent", "1.23,45", false, "inconsistent thousands groups: with a decimal comma", {}},
        CellCase{"money_group_of_four", "rent", "12.3456", false, "inconsistent thousands groups", {}},
        CellCase{"money_leading_group_too_long", "rent", "1234.567", false, "inconsistent thousands groups", {}},
        CellCase{"money_group_after_zero", "rent", "0.001,00", false, "inconsistent thousands groups", {}},
        CellCase{"money_three_groups_of_two", "rent", "1.23.4", false, "inconsistent thousands groups", {}},
        // The forms of a negative amount read (the numbers are in tests/value_rules_test.cpp), but no
        // rent or income is below zero.
        CellCase{"money_minus_before_euro", "rent", "-€ 5,00", false,
                 "negative: expected €0.01 to €10000.00 (net rent a month)", {}},
        CellCase{"money_minus_after_euro", "rent", "€-5", false, "negative: expected €0.01", {}},
        CellCase{"money_negative_cents", "rent", "-0,05", false, "negative: expected", {}},
        CellCase{"money_negative_income", "household_income", "-1,00", false,
                 "negative: expected €0.00 to €1000000.00 (household income a year)", {}},
        // Fifteen digits of euros are the most the fast path reads; sixteen go the general way. Both
        // are read, and are far more than an income.
        CellCase{"money_fifteen_digits", "household_income", "123456789012345,67", false, "implausible: expected", {}},
        CellCase{"money_sixteen_digits", "household_income", "1234567890123456,78", false, "implausible: expected", {}},
        CellCase{"money_largest", "household_income", "92.233.720.368.547.758,07", false, "implausible: expected", {}},
        CellCase{"int_thousands", "applicant_age", "1.000", false, "implausible: expected 16 to 120", {}},
        CellCase{"int_group_after_zero", "household_size", "0.002", false, "inconsistent thousands groups", {}},
        CellCase{"money_letter", "rent", "€ 6l2,35", false, "expected an amount", {}},
        CellCase{"money_two_euros", "rent", "€ € 612,35", false, "expected an amount", {}},
        CellCase{"money_two_minus", "rent", "--5", false, "expected an amount", {}},
        CellCase{"money_trailing_comma", "rent", "612,", false, "expected an amount", {}},
        CellCase{"money_only_euro", "rent", "€", false, "expected an amount", {}},
        CellCase{"money_too_large", "household_income", "92.233.720.368.547.758,08", false, "out of range", {}},
        CellCase{"money_missing", "rent", "", false, "missing required value", {}},
        CellCase{"int_fraction", "household_size", "2,5", false, "expected a whole number", {}},
        CellCase{"int_bad_group", "applicant_age", "1.00", false, "inconsistent thousands groups", {}},
        CellCase{"int_zero_household", "household_size", "0", false, "implausible: expected 1 to 20", {}},
        CellCase{"int_overflow", "household_size", "2.147.483.648", false, "out of range", {}},
        CellCase{"date_no_such_day",
                 "contract_date",
                 "31-02-2026",
                 false,
                 "no such date (expected a date like 31-03-2026 or 2026-03-31)",
                 {}},
        CellCase{"date_not_leap", "contract_date", "29-02-2025", false, "no such date", {}},
        CellCase{"date_two_digit_year",
                 "contract_date",
                 "31-03-26",
                 false,
                 "expected a date like 31-03-2026 or 2026-03-31",
                 {}},
        CellCase{"date_slashes", "contract_date", "31/03/2026", false, "expected a date", {}},
        CellCase{"date_with_time", "contract_date", "31-03-2026 00:00", false, "expected a date", {}},
        CellCase{"date_month_13", "contract_date", "01-13-2026", false, "no such date", {}},
        CellCase{"bool_maybe", "daeb", "misschien", false, "expected ja or nee (or true/false, j/n, 1/0)", {}},
        CellCase{"bool_two", "new_build", "2", false, "expected ja or nee", {}},
        CellCase{"enum_unknown",
                 "channel",
                 "Urgent medisch",
                 false,
                 "unknown channel 'Urgent medisch' (expected one of regulier, herstructurering, urgent",
                 {}},
        CellCase{"enum_not_a_default", "segment", "overig", false, "unknown segment 'overig'", {}},
        CellCase{"id_scientific_comma", "dwelling_id", "5,99E+14", false, "scientific notation", {}},
        CellCase{"id_scientific_point", "allocation_id", "1.23457E+15", false, "scientific notation", {}},
        CellCase{"text_latin1_byte_stated_utf8",
                 "neighbourhood",
                 "Caf\xE9",
                 false,
                 "not valid UTF-8: holds byte 0xE9, which is '\xC3\xA9' in Windows-1252; is the file Windows-1252? "
                 "then say --encoding cp1252, or state no encoding to have it detected",
                 {}},
        CellCase{"money_euro_byte_stated_utf8",
                 "rent",
                 "\x80 612,35",
                 false,
                 "not valid UTF-8: holds byte 0x80, which is '\xE2\x82\xAC' in Windows-1252; is the file "
                 "Windows-1252?",
                 {}},
        CellCase{"date_dash_byte_stated_utf8",
                 "contract_date",
                 "31\x96"
                 "03\x96"
                 "2026",
                 false,
                 "not valid UTF-8: holds byte 0x96, which is '\xE2\x80\x93' in Windows-1252",
                 {}},
        CellCase{"enum_undefined_byte_stated_utf8",
                 "segment",
                 "sociaal\x81",
                 false,
                 "not valid UTF-8: holds byte 0x81",
                 {}}),
    [](const testing::TestParamInfo<CellCase>& param_info) { return param_info.param.label; });

// ---------------------------------------------------------------------------------------------
// The decimal mark: stated, or by the delimiter

struct DecimalCase {
  std::string label;
  Delimiter delimiter;
  DecimalMark decimal;
  std::string rent;        // as written (quoted where it holds the delimiter)
  std::string rendered;    // "" when rejected
};

std::ostream& operator<<(std::ostream& out, const DecimalCase& c) { return out << c.label; }

class DecimalTest : public testing::TestWithParam<DecimalCase> {};

TEST_P(DecimalTest, ReadsAmountsWithTheRightMark) {
  const DecimalCase& c = GetParam();
  const char delimiter = c.delimiter == Delimiter::Comma ? ',' : ';';
  std::string header = kHeader;
  std::vector<std::string> tokens = base_tokens();
  tokens[12] = "31000";
  tokens[10] = c.rent;
  if (delimiter == ',') {
    for (char& ch : header) ch = ch == ';' ? ',' : ch;
  }
  CsvOptions options = export_options();
  options.decimal = c.decimal;
  const LoadedDataset loaded = load(header + join_tokens(tokens, delimiter) + "\n", options);
  expect_counts_add_up(loaded);
  if (c.rendered.empty()) {
    ASSERT_EQ(loaded.report.rows_rejected, 1u);
    EXPECT_EQ(loaded.report.rejections[0].column, "rent");
    return;
  }
  ASSERT_EQ(loaded.report.rows_accepted, 1u) << loaded.report.rejections[0].reason;
  EXPECT_EQ(loaded.data.cell_text(10, 0), c.rendered);
}

INSTANTIATE_TEST_SUITE_P(
    All, DecimalTest,
    testing::Values(
        // ';' file: decimal comma, dots group thousands.
        DecimalCase{"semicolon_auto_comma", Delimiter::Semicolon, DecimalMark::Auto, "1.234,56", "1234.56"},
        DecimalCase{"semicolon_auto_point_rejected", Delimiter::Semicolon, DecimalMark::Auto, "612.35", ""},
        // ';' file stated to use a decimal point: commas group thousands.
        DecimalCase{"semicolon_point_stated", Delimiter::Semicolon, DecimalMark::Point, "612.35", "612.35"},
        DecimalCase{"semicolon_point_grouped", Delimiter::Semicolon, DecimalMark::Point, "1,234.56", "1234.56"},
        DecimalCase{"semicolon_point_comma_rejected", Delimiter::Semicolon, DecimalMark::Point, "612,35", ""},
        // ',' file: decimal point; a decimal comma only quoted and only when stated.
        DecimalCase{"comma_auto_point", Delimiter::Comma, DecimalMark::Auto, "612.35", "612.35"},
        DecimalCase{"comma_auto_quoted_grouped", Delimiter::Comma, DecimalMark::Auto, "\"1,234.56\"", "1234.56"},
        DecimalCase{"comma_auto_quoted_comma_rejected", Delimiter::Comma, DecimalMark::Auto, "\"612,35\"", ""},
        DecimalCase{"comma_comma_stated", Delimiter::Comma, DecimalMark::Comma, "\"612,35\"", "612.35"},
        DecimalCase{"comma_comma_stated_thousands", Delimiter::Comma, DecimalMark::Comma, "\"€ 1.234,5\"",
                    "1234.50"}),
    [](const testing::TestParamInfo<DecimalCase>& param_info) { return param_info.param.label; });

TEST(Dialect, DecimalHintNamesTheOption) {
  const LoadedDataset loaded = load(std::string(kHeader) + row_with("rent", "612.35"));
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "expected an amount in euros like 1.234,56 or € 612,35 (decimal comma); it reads as an amount with a "
            "decimal point: is the decimal mark a point? (--decimal point)");
  EXPECT_EQ(loaded.report.rejections[0].value, "612.35");
}

// ---------------------------------------------------------------------------------------------
// Delimiter detection

struct DelimiterCase {
  std::string label;
  std::string header;
  Delimiter stated;
  bool loads;  // the header names every required column once split
};

std::ostream& operator<<(std::ostream& out, const DelimiterCase& c) { return out << c.label; }

class DelimiterTest : public testing::TestWithParam<DelimiterCase> {};

std::string semicolon_header() { return std::string(kHeader); }
std::string comma_header() {
  std::string header = kHeader;
  for (char& ch : header) ch = ch == ';' ? ',' : ch;
  return header;
}

TEST_P(DelimiterTest, SplitsTheHeader) {
  const DelimiterCase& c = GetParam();
  CsvOptions options = export_options();
  options.delimiter = c.stated;
  if (!c.loads) {
    EXPECT_THROW(load(c.header, options), DataFileError);
    return;
  }
  const LoadedDataset loaded = load(c.header, options);
  EXPECT_EQ(loaded.report.rows_read, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    All, DelimiterTest,
    testing::Values(
        DelimiterCase{"semicolons_detected", semicolon_header(), Delimiter::Auto, true},
        DelimiterCase{"commas_detected", comma_header(), Delimiter::Auto, true},
        // A quoted header name holding the other separator does not count.
        DelimiterCase{"quoted_commas_ignored",
                      "\"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s\";" + semicolon_header(), Delimiter::Auto, true},
        DelimiterCase{"blank_lines_before_header", "\r\n\r\n" + semicolon_header(), Delimiter::Auto, true},
        DelimiterCase{"stated_semicolon", semicolon_header(), Delimiter::Semicolon, true},
        DelimiterCase{"stated_comma_on_semicolons", semicolon_header(), Delimiter::Comma, false},
        DelimiterCase{"stated_semicolon_on_commas", comma_header(), Delimiter::Semicolon, false}),
    [](const testing::TestParamInfo<DelimiterCase>& param_info) { return param_info.param.label; });

TEST(Dialect, StatedCommaOnASemicolonHeaderSaysSo) {
  CsvOptions options = export_options();
  options.delimiter = Delimiter::Comma;
  try {
    load(semicolon_header(), options);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find("the header looks semicolon-separated"), std::string::npos)
        << error.what();
  }
}

TEST(Dialect, NoteSaysHowTheFileWasRead) {
  const LoadedDataset loaded = load(semicolon_header());
  ASSERT_FALSE(loaded.report.notes.empty());
  EXPECT_EQ(loaded.report.notes[0], "read as CSV with ';' between fields and a decimal comma in amounts (1.234,56)");
  EXPECT_TRUE(load(comma_header()).report.notes.empty());  // the canonical dialect needs no note
}

// ---------------------------------------------------------------------------------------------
// Records in a semicolon file: CRLF, quoted separators and newlines, field counts, lines

TEST(Dialect, QuotedSeparatorsAndNewlinesKeepLinesRight) {
  // Line 2: a neighbourhood over three physical lines with ';' and a doubled quote inside.
  // Line 5: a plain row. Line 6: an unquoted ';' makes 17 fields. Line 7: valid again.
  const std::string text = std::string(kHeader) +
                           row_with("neighbourhood", "\"Oud; \"\"Centrum\"\"\r\nNoord\r\nZuid\"", "A1") +
                           row_with("neighbourhood", "Wielwijk", "A2") + row_with("neighbourhood", "Oud;Krispijn", "A3") +
                           row_with("neighbourhood", "Reeland", "A4");
  const LoadedDataset loaded = load(text);
  expect_counts_add_up(loaded);
  ASSERT_EQ(loaded.report.rows_accepted, 3u);
  EXPECT_EQ(loaded.data.source_line(0), 2u);
  EXPECT_EQ(loaded.data.source_line(1), 5u);
  EXPECT_EQ(loaded.data.source_line(2), 7u);
  // Read whole; the line ends inside a name are spaces (engine/input/group_keys.hpp).
  EXPECT_EQ(loaded.data.cell_text(4, 0), "Oud; \"Centrum\" Noord Zuid");
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  const Rejection& rejection = loaded.report.rejections[0];
  EXPECT_EQ(rejection.line, 6u);
  EXPECT_EQ(rejection.column, "");
  EXPECT_EQ(rejection.reason,
            "expected 16 fields, found 17 (is there a ';' in a value that is not between double quotes?)");
  EXPECT_EQ(rejection.record, row_with("neighbourhood", "Oud;Krispijn", "A3").substr(
                                  0, row_with("neighbourhood", "Oud;Krispijn", "A3").size() - 2));
}

TEST(Dialect, RejectionKeepsTheWholeRecord) {
  const std::string row = row_with("rent", "€ 6l2,35", "A9");
  const LoadedDataset loaded = load(std::string(kHeader) + row);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].record, row.substr(0, row.size() - 2));  // without the CRLF
  EXPECT_EQ(loaded.report.rejections[0].value, "€ 6l2,35");
}

TEST(Dialect, ByteOrderMarkAndCrlf) {
  const LoadedDataset loaded = load("\xEF\xBB\xBF" + std::string(kHeader) + row_with("kern", "Dubbeldam"));
  ASSERT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.data.record_id(0), "A1");
  EXPECT_EQ(loaded.data.cell_text(15, 0), "B");  // the last cell has no CR left on it
}

TEST(Dialect, CanonicalDefaultsStayStrict) {
  // read_csv_text without options is the canonical reader: no Dutch forms, commas only.
  const std::string text =
      "allocation_id,corporation,municipality,contract_date,dwelling_id,segment,daeb,rent,household_size,"
      "household_income,applicant_age,channel\n"
      "A1,Trivire,Dordrecht,31-03-2026,V1,sociaal,true,612.35,1,30000,40,regulier\n"
      "A2,Trivire,Dordrecht,2026-03-31,V1,sociaal,ja,612.35,1,30000,40,regulier\n"
      "A3,Trivire,Dordrecht,2026-03-31,V1,Sociaal,true,612.35,1,30000,40,regulier\n"
      "A4,Trivire,Dordrecht,2026-03-31,V1,sociaal,true,\"1,234.56\",1,30000,40,regulier\n"
      "A5,Trivire,Dordrecht,2026-03-31,V1,sociaal,true,612.35,1,30000,40,regulier\n";
  const LoadedDataset loaded = read_csv_text(allocations(), text, "canonical.csv");
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.report.rejections.size(), 4u);
  EXPECT_EQ(loaded.report.rejections[0].column, "contract_date");
  EXPECT_EQ(loaded.report.rejections[1].column, "daeb");
  EXPECT_EQ(loaded.report.rejections[2].column, "segment");
  EXPECT_EQ(loaded.report.rejections[3].column, "rent");
}

// ---------------------------------------------------------------------------------------------
// Windows-1252

// Every byte 0x80..0x9F that Windows-1252 defines, and a few above 0xA0, with their code points.
struct Cp1252Case {
  unsigned char byte;
  const char* utf8;
};

class Windows1252Test : public testing::TestWithParam<Cp1252Case> {};

TEST_P(Windows1252Test, ConvertsByTheTable) {
  const std::string in(1, static_cast<char>(GetParam().byte));
  EXPECT_EQ(loading::windows_1252_to_utf8("a" + in + "b"), std::string("a") + GetParam().utf8 + "b");
}

INSTANTIATE_TEST_SUITE_P(
    Table, Windows1252Test,
    testing::Values(Cp1252Case{0x80, "\xE2\x82\xAC"}, Cp1252Case{0x82, "\xE2\x80\x9A"}, Cp1252Case{0x83, "\xC6\x92"},
                    Cp1252Case{0x84, "\xE2\x80\x9E"}, Cp1252Case{0x85, "\xE2\x80\xA6"}, Cp1252Case{0x86, "\xE2\x80\xA0"},
                    Cp1252Case{0x87, "\xE2\x80\xA1"}, Cp1252Case{0x88, "\xCB\x86"}, Cp1252Case{0x89, "\xE2\x80\xB0"},
                    Cp1252Case{0x8A, "\xC5\xA0"}, Cp1252Case{0x8B, "\xE2\x80\xB9"}, Cp1252Case{0x8C, "\xC5\x92"},
                    Cp1252Case{0x8E, "\xC5\xBD"}, Cp1252Case{0x91, "\xE2\x80\x98"}, Cp1252Case{0x92, "\xE2\x80\x99"},
                    Cp1252Case{0x93, "\xE2\x80\x9C"}, Cp1252Case{0x94, "\xE2\x80\x9D"}, Cp1252Case{0x95, "\xE2\x80\xA2"},
                    Cp1252Case{0x96, "\xE2\x80\x93"}, Cp1252Case{0x97, "\xE2\x80\x94"}, Cp1252Case{0x98, "\xCB\x9C"},
                    Cp1252Case{0x99, "\xE2\x84\xA2"}, Cp1252Case{0x9A, "\xC5\xA1"}, Cp1252Case{0x9B, "\xE2\x80\xBA"},
                    Cp1252Case{0x9C, "\xC5\x93"}, Cp1252Case{0x9E, "\xC5\xBE"}, Cp1252Case{0x9F, "\xC5\xB8"},
                    Cp1252Case{0xA0, "\xC2\xA0"}, Cp1252Case{0xE9, "\xC3\xA9"}, Cp1252Case{0xEB, "\xC3\xAB"},
                    Cp1252Case{0xFF, "\xC3\xBF"}, Cp1252Case{0x81, "\x81"}, Cp1252Case{0x8D, "\x8D"},
                    Cp1252Case{0x8F, "\x8F"}, Cp1252Case{0x90, "\x90"}, Cp1252Case{0x9D, "\x9D"}));


TEST(Dialect, Windows1252TextAndEuroAmounts) {
  // "\x80 612,35" is € 612,35 in Windows-1252; "Caf\xE9 \x96 Noord" is "Café – Noord".
  const LoadedDataset loaded = load(std::string(kHeader) + cp1252(row_with("rent", "\x80 612,35", "A1")) +
                                        cp1252(row_with("neighbourhood", "Caf\xE9 \x96 Noord", "A2")),
                                    cp1252_options());
  expect_counts_add_up(loaded);
  ASSERT_EQ(loaded.report.rows_accepted, 2u);
  EXPECT_EQ(loaded.data.cell_text(10, 0), "612.35");
  EXPECT_EQ(loaded.data.cell_text(4, 1), "Caf\xC3\xA9 \xE2\x80\x93 Noord");
  EXPECT_EQ(loaded.report.notes[0],
            "read as CSV with ';' between fields and a decimal comma in amounts (1.234,56), converted from "
            "Windows-1252");
}

TEST(Dialect, Windows1252UndefinedByteIsRejected) {
  const LoadedDataset loaded = load(std::string(kHeader) + cp1252(row_with("neighbourhood", "Noord\x81", "A1")) +
                                        cp1252(row_with("neighbourhood", "Zuid", "A2")),
                                    cp1252_options());
  expect_counts_add_up(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 2u);
  EXPECT_EQ(loaded.report.rejections[0].column, "neighbourhood");
  EXPECT_EQ(loaded.report.rejections[0].value, "Noord\\x81");
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "holds a byte that Windows-1252 does not define (0x81, 0x8D, 0x8F, 0x90 or 0x9D)");
}

TEST(Dialect, Windows1252WithAByteOrderMarkIsReadAsStated) {
  const LoadedDataset loaded =
      load("\xEF\xBB\xBF" + std::string(kHeader) + cp1252(row_with("kern", "Sas van Gent \xE9")), cp1252_options());
  ASSERT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.data.cell_text(3, 0), "Sas van Gent \xC3\xA9");
  EXPECT_EQ(loaded.report.notes.back(),
            "the file starts with a UTF-8 byte-order mark but was read as Windows-1252, as stated");
}

TEST(Dialect, Windows1252StatedForAUtf8FileIsAnError) {
  try {
    load(std::string(kHeader) + row_with("neighbourhood", "Caf\xC3\xA9"), cp1252_options());
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find("export.csv: the file was stated to be Windows-1252, but its text is UTF-8"),
              std::string::npos)
        << error.what();
  }
}

TEST(Dialect, AsciiFileStatedWindows1252IsFine) {
  // Nothing outside ASCII: the same text in either encoding.
  const LoadedDataset loaded = load(std::string(kHeader) + row_with("rent", "612,35"), cp1252_options());
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.data.cell_text(10, 0), "612.35");
}

TEST(Dialect, Utf16IsAFileError) {
  EXPECT_THROW(load("\xFE\xFF\0a"), DataFileError);
}

// ---------------------------------------------------------------------------------------------
// A whole export, many rows: stored as its canonical twin is

// Row i of an export as a corporation's system writes it (CRLF, ';', 1-3-2026, € 1.234,56, ja/nee,
// "Vrije sector") and the same allocation in canonical forms, values worked out from i alone:
// contract date 2026-(1 + i / 3 % 12)-(1 + i / 3 % 28) (three rows a date: the date cache),
// rent 500 euros + i cents (i in 1..1999),
// income 20,000 euros + 100 i, household 1 + i % 5, age 18 + i % 60.
std::pair<std::string, std::string> export_and_canonical_row(int i) {
  const std::string id = "A" + std::to_string(i);
  const int day = 1 + i / 3 % 28, month = 1 + i / 3 % 12;
  const int rent_cents = 50000 + i;
  const long income_euros = 20000 + 100L * i;
  const auto two = [](int n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  const auto grouped = [](long euros) {  // 1.234.567
    std::string digits = std::to_string(euros);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) {
      digits.insert(static_cast<std::size_t>(at), ".");
    }
    return digits;
  };
  const std::string segment_export = i % 3 == 0 ? "Vrije sector" : "sociaal";
  const std::string segment = i % 3 == 0 ? "vrije_sector" : "sociaal";
  const std::string cents = two(rent_cents % 100);
  std::string exported = id + ";Trivire;Dordrecht;;Crabbehof;" + std::to_string(day) + "-" + std::to_string(month) +
                         "-2026;VHE-" + id + ";" + segment_export + ";" + (i % 2 == 0 ? "ja" : "Nee") + ";nee;" +
                         (i % 4 == 0 ? "€ " : "") + std::to_string(rent_cents / 100) + "," + cents + ";" +
                         std::to_string(1 + i % 5) + ";" + grouped(income_euros) + ",00;" +
                         std::to_string(18 + i % 60) + ";regulier;B\r\n";
  std::string canonical = id + ",Trivire,Dordrecht,,Crabbehof,2026-" + two(month) + "-" + two(day) + ",VHE-" + id +
                          "," + segment + "," + (i % 2 == 0 ? "true" : "false") + ",false," +
                          std::to_string(rent_cents / 100) + "." + cents + "," + std::to_string(1 + i % 5) + "," +
                          std::to_string(income_euros) + ".00," + std::to_string(18 + i % 60) + ",regulier,B\n";
  return {std::move(exported), std::move(canonical)};
}

TEST(Dialect, AWholeExportIsStoredAsItsCanonicalTwin) {
  const std::size_t kHeaderBytes = std::string_view(kHeader).size();
  std::string exported(kHeader);
  std::string canonical =
      "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,"
      "new_build,rent,household_size,household_income,applicant_age,channel,energy_label\n";
  // The same export with every field quoted, as many systems write it ("A1";"Trivire";...).
  std::string quoted(kHeader);
  constexpr int kRows = 1999;
  for (int i = 1; i <= kRows; ++i) {
    auto [one_exported, one_canonical] = export_and_canonical_row(i);
    std::string line = one_exported.substr(0, one_exported.size() - 2);  // without its CRLF
    for (std::size_t at = line.find(';'); at != std::string::npos; at = line.find(';', at + 3))
      line.replace(at, 1, "\";\"");
    quoted += "\"" + line + "\"\r\n";
    exported += one_exported;
    canonical += one_canonical;
  }
  CsvOptions canonical_options;
  canonical_options.encoding = Encoding::Utf8;
  const LoadedDataset twin = read_csv_text(allocations(), canonical, "canonical.csv", canonical_options);
  ASSERT_EQ(twin.report.rows_accepted, std::size_t{kRows});
  for (const auto& [text, chunk_bytes] :
       {std::pair{exported, std::size_t{4} << 20}, std::pair{exported, std::size_t{997}},
        std::pair{quoted, std::size_t{4} << 20}, std::pair{quoted, std::size_t{997}}}) {
    SCOPED_TRACE(text.substr(kHeaderBytes, 40) + ", chunks of " + std::to_string(chunk_bytes));
    CsvOptions options = export_options();
    options.chunk_bytes = chunk_bytes;
    options.threads = 2;
    const LoadedDataset loaded = load(text, options);
    expect_counts_add_up(loaded);
    ASSERT_EQ(loaded.report.rows_accepted, std::size_t{kRows});
    for (std::uint32_t c = 0; c < allocations().columns.size(); ++c) {
      for (std::size_t row = 0; row < kRows; row += 1 + row % 7) {
        ASSERT_EQ(loaded.data.cell_text(c, row), twin.data.cell_text(c, row))
            << allocations().columns[c].name << " row " << row;
      }
    }
    // Row i = 1234 (index 1233) by hand: 1234 / 3 = 411 = 14 x 28 + 19, day 20; 411 = 34 x 12 + 3,
    // month 4 (written 20-4-2026);
    // rent 500 euros + 1234 cents = 512,34 (1234 % 4 = 2: no euro sign); income 20,000 + 123,400 =
    // 143.400,00; household 1 + 1234 % 5 = 5; age 18 + 1234 % 60 = 52; 1234 % 3 = 1: sociaal;
    // even: ja.
    const auto cell = [&](const char* column) {
      return loaded.data.cell_text(*allocations().column_index(column), 1233);
    };
    EXPECT_EQ(cell("contract_date"), "2026-04-20");
    EXPECT_EQ(cell("rent"), "512.34");
    EXPECT_EQ(cell("household_income"), "143400.00");
    EXPECT_EQ(cell("household_size"), "5");
    EXPECT_EQ(cell("applicant_age"), "52");
    EXPECT_EQ(cell("segment"), "sociaal");
    EXPECT_EQ(cell("daeb"), "true");
  }
}

}  // namespace
}  // namespace toets
