// CSV as exports really arrive: semicolons, decimal commas and thousands dots, € amounts, Dutch
// dates and booleans, Windows-1252, BOM and CRLF, quoted separators; ids kept as text; composite
// keys; the transparent dictionary. Wrong input is tested as often as right input, and every
// expected number is worked out by hand in the comment beside it.

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

namespace toets {
namespace {

const DatasetSchema& allocations() { return *find_dataset("allocations"); }
const DatasetSchema& stock() { return *find_dataset("stock"); }

constexpr const char* kHeader =
    "allocation_id;corporation;municipality;kern;neighbourhood;contract_date;dwelling_id;segment;daeb;"
    "new_build;rent;household_size;household_income;applicant_age;channel;energy_label\r\n";

// One valid allocation in export forms, cell by cell in schema order.
std::vector<std::string> base_tokens(const std::string& id = "A1") {
  return {id,   "Trivire", "Dordrecht", "",         "Crabbehof", "31-03-2026", "VHE-001",  "sociaal",
          "ja", "nee",     "€ 612,35",  "2",        "31.000,00", "34",         "regulier", "B"};
}

std::string join_tokens(const std::vector<std::string>& tokens, char delimiter = ';') {
  std::string line;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) line += delimiter;
    line += tokens[i];
  }
  return line;
}

std::string row_with(const std::string& column, const std::string& token, const std::string& id = "A1") {
  std::vector<std::string> tokens = base_tokens(id);
  tokens[*allocations().column_index(column)] = token;
  return join_tokens(tokens) + "\r\n";
}

CsvOptions export_options() {
  CsvOptions options;
  options.delimiter = Delimiter::Auto;
  options.export_forms = true;
  // Stated, so a cell is read as the bytes it holds; detection has tests of its own (Encoding).
  options.encoding = Encoding::Utf8;
  return options;
}

LoadedDataset load(const std::string& text, CsvOptions options = export_options(),
                   const DatasetSchema& schema = allocations()) {
  return read_csv_text(schema, text, "export.csv", options);
}

void expect_counts_add_up(const LoadedDataset& loaded) {
  EXPECT_EQ(loaded.report.rows_read, loaded.report.rows_accepted + loaded.report.rows_rejected);
  EXPECT_EQ(loaded.report.rows_rejected, loaded.report.rejections.size());
  EXPECT_EQ(loaded.data.row_count(), loaded.report.rows_accepted);
}

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

// Text as a Windows-1252 file has it: the euro sign is the byte 0x80, é 0xE9, ë 0xEB.
std::string cp1252(std::string text) {
  const std::pair<std::string_view, std::string_view> kBytes[] = {
      {"\xE2\x82\xAC", "\x80"}, {"\xC3\xA9", "\xE9"}, {"\xC3\xAB", "\xEB"}};
  for (const auto& [utf8, byte] : kBytes) {
    for (std::size_t at = text.find(utf8); at != std::string::npos; at = text.find(utf8, at)) {
      text.replace(at, utf8.size(), byte);
    }
  }
  return text;
}

CsvOptions cp1252_options() {
  CsvOptions options = export_options();
  options.encoding = Encoding::Windows1252;
  return options;
}

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
// The encoding detected (none stated): a file of valid UTF-8 is UTF-8, any other Windows-1252

CsvOptions detecting_options() {
  CsvOptions options = export_options();
  options.encoding = Encoding::Auto;  // as load_input without --encoding or a mapping's encoding
  return options;
}

// An export as Excel writes it, here in UTF-8; cp1252() gives its Windows-1252 twin.
const std::string kExport =
    std::string(kHeader) +
    "A1;Trivire;Dordrecht;;Café Noord;31-03-2026;VHE-1;sociaal;ja;nee;€ 1.234,56;2;€ 31.000,00;34;regulier;B\r\n"
    "A2;Trivire;Dordrecht;Reeël;Crabbehof;1-4-2026;VHE-2;sociaal;ja;nee;€ 612,35;1;€ 24.999,99;67;regulier;C\r\n"
    "A3;Trivire;Dordrecht;;Reeland;02-04-2026;VHE-3;sociaal;nee;ja;€ 0,99;3;12.000;21;urgent;A\r\n";

// The values of kExport, worked out from the text above: amounts in cents, names in UTF-8.
void expect_export_values(const LoadedDataset& loaded) {
  expect_counts_add_up(loaded);
  ASSERT_EQ(loaded.report.rows_accepted, 3u);
  const ColumnData& rent = loaded.data.column(10);
  const ColumnData& income = loaded.data.column(12);
  EXPECT_EQ(rent.cents, (std::vector<std::int64_t>{123456, 61235, 99}));
  EXPECT_EQ(income.cents, (std::vector<std::int64_t>{3100000, 2499999, 1200000}));
  EXPECT_EQ(loaded.data.cell_text(4, 0), "Caf\xC3\xA9 Noord");
  EXPECT_EQ(loaded.data.cell_text(3, 1), "Ree\xC3\xABl");
  EXPECT_EQ(loaded.data.record_id(0), "A1");
}

constexpr const char* kReadAsNote = "read as CSV with ';' between fields and a decimal comma in amounts (1.234,56)";

TEST(Encoding, Windows1252ExportIsDetected) {
  const LoadedDataset loaded = load(cp1252(kExport), detecting_options());
  expect_export_values(loaded);
  EXPECT_EQ(loaded.report.encoding, "windows-1252");
  EXPECT_TRUE(loaded.report.encoding_detected);
  // The first byte that is not UTF-8: é (0xE9) of "Café", line 2.
  EXPECT_EQ(loaded.report.notes,
            (std::vector<std::string>{std::string(kReadAsNote) + ", converted from Windows-1252",
                                      "not valid UTF-8 at line 2 (byte 0xE9): read as Windows-1252"}));
}

TEST(Encoding, Utf8TwinIsReadAsUtf8) {
  const LoadedDataset loaded = load(kExport, detecting_options());
  expect_export_values(loaded);
  EXPECT_EQ(loaded.report.encoding, "utf-8");
  EXPECT_TRUE(loaded.report.encoding_detected);
  EXPECT_EQ(loaded.report.notes, (std::vector<std::string>{kReadAsNote}));
}

TEST(Encoding, Utf8WithAByteOrderMarkIsReadAsUtf8) {
  const LoadedDataset loaded = load("\xEF\xBB\xBF" + kExport, detecting_options());
  expect_export_values(loaded);  // the mark is gone: the first id is "A1"
  EXPECT_EQ(loaded.report.encoding, "utf-8");
  EXPECT_EQ(loaded.report.notes, (std::vector<std::string>{kReadAsNote}));
}

TEST(Encoding, StatedWindows1252IsReportedAsStated) {
  const LoadedDataset loaded = load(cp1252(kExport), cp1252_options());
  expect_export_values(loaded);
  EXPECT_EQ(loaded.report.encoding, "windows-1252");
  EXPECT_FALSE(loaded.report.encoding_detected);
  EXPECT_EQ(loaded.report.notes,
            (std::vector<std::string>{std::string(kReadAsNote) + ", converted from Windows-1252"}));
}

TEST(Encoding, StatedUtf8OnAWindows1252ExportNamesTheByteAndTheRemedy) {
  const LoadedDataset loaded = load(cp1252(kExport), export_options());  // --encoding utf-8
  expect_counts_add_up(loaded);
  EXPECT_EQ(loaded.report.encoding, "utf-8");
  EXPECT_FALSE(loaded.report.encoding_detected);
  ASSERT_EQ(loaded.report.rejections.size(), 3u);
  const std::string remedy =
      "; is the file Windows-1252? then say --encoding cp1252, or state no encoding to have it "
      "detected";
  // Each row's first cell that holds a byte outside UTF-8, in schema order.
  EXPECT_EQ(loaded.report.rejections[0].column, "neighbourhood");
  EXPECT_EQ(loaded.report.rejections[0].value, "Caf\\xE9 Noord");
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "not valid UTF-8: holds byte 0xE9, which is '\xC3\xA9' in Windows-1252" + remedy);
  EXPECT_EQ(loaded.report.rejections[1].column, "kern");
  EXPECT_EQ(loaded.report.rejections[1].reason,
            "not valid UTF-8: holds byte 0xEB, which is '\xC3\xAB' in Windows-1252" + remedy);
  // An amount: not "expected an amount", but the byte, the euro sign of Windows-1252.
  EXPECT_EQ(loaded.report.rejections[2].column, "rent");
  EXPECT_EQ(loaded.report.rejections[2].value, "\\x80 0,99");
  EXPECT_EQ(loaded.report.rejections[2].reason,
            "not valid UTF-8: holds byte 0x80, which is '\xE2\x82\xAC' in Windows-1252" + remedy);
}

TEST(Encoding, ByteNeitherEncodingDefinesGetsNoRemedy) {
  const LoadedDataset loaded = load(std::string(kHeader) + row_with("segment", "sociaal\x81"), export_options());
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].reason, "not valid UTF-8: holds byte 0x81");
}

TEST(Encoding, MixedFileSaysSo) {
  // UTF-8 "é" on line 2, the Windows-1252 euro sign on line 3: read as Windows-1252, and the UTF-8
  // before it reads wrongly ("CafÃ©"): the note says so.
  const LoadedDataset loaded =
      load(std::string(kHeader) + row_with("neighbourhood", "Caf\xC3\xA9", "A1") + row_with("rent", "\x80 5,00", "A2"),
           detecting_options());
  EXPECT_EQ(loaded.report.encoding, "windows-1252");
  EXPECT_EQ(loaded.report.notes.back(),
            "not valid UTF-8 at line 3 (byte 0x80): read as Windows-1252; the lines before it hold UTF-8 characters, "
            "which now read wrongly: is the file a mix?");
}

TEST(Encoding, DetectionReadsTheWholeFileNotItsFirstChunk) {
  // ASCII but for one é (0xE9) on the last line, in a file of more than one 4 MB chunk.
  constexpr int kRows = 50000;
  std::string text(kHeader);
  for (int i = 1; i <= kRows; ++i) {
    const std::string id = std::to_string(i);
    text += "A" + id + ";Trivire;Dordrecht;" + (i == kRows ? "Ree\xE9n" : "Reeland") + ";Crabbehof;31-03-2026;VHE-" +
            id + ";sociaal;ja;nee;612,35;2;31.000,00;34;regulier;B\r\n";
  }
  ASSERT_GT(text.size(), std::size_t{4} << 20);
  ASSERT_LT(text.find('\xE9'), text.size());
  ASSERT_GT(text.find('\xE9'), std::size_t{4} << 20);
  for (const std::size_t chunk_bytes : {std::size_t{4} << 20, std::size_t{4096}}) {
    CsvOptions options = detecting_options();
    options.chunk_bytes = chunk_bytes;
    options.threads = 2;
    const LoadedDataset loaded = load(text, options);
    expect_counts_add_up(loaded);
    EXPECT_EQ(loaded.report.rows_accepted, std::size_t{kRows});
    EXPECT_EQ(loaded.data.cell_text(3, kRows - 1), "Ree\xC3\xA9n");
    EXPECT_EQ(loaded.data.cell_text(3, 0), "Reeland");
    EXPECT_EQ(loaded.report.encoding, "windows-1252");
    EXPECT_EQ(loaded.report.notes.back(), "not valid UTF-8 at line 50001 (byte 0xE9): read as Windows-1252");
  }
}

// The file scan reads 64 bytes at a time and a whole file in slices of 4 MB: it must find what a
// byte-by-byte walk over the sequences finds, wherever blocks and slices fall.
std::size_t first_invalid_byte_by_byte(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = loading::utf8_sequence_length(text, at);
    if (length == 0) return at;
    at += length;
  }
  return std::string_view::npos;
}

TEST(Encoding, ScanFindsWhatAByteByByteWalkFinds) {
  const std::vector<std::string> pieces = {
      "a",    "Dordrecht;", std::string(70, 'x'), "\xC3\xA9",     "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x80",
      "\xE9", "\xC3",       "\xE2\x82",           "\xED\xA0\x80", "\xC0\xAF",     "\xF4\x90\x80\x80"};
  std::mt19937 random(20261123);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int count = static_cast<int>(random() % 40);
    for (int i = 0; i < count; ++i) {
      // Mostly ASCII and valid sequences; a bad one now and then.
      const std::size_t pick = random() % 100 < 90 ? random() % 6 : random() % pieces.size();
      text += pieces[pick];
    }
    SCOPED_TRACE(testing::PrintToString(text));
    EXPECT_EQ(loading::first_invalid_utf8(text), first_invalid_byte_by_byte(text));
    EXPECT_EQ(loading::is_valid_utf8(text), first_invalid_byte_by_byte(text) == std::string_view::npos);
  }
}

TEST(Encoding, SequenceAcrossTheScansSliceBoundary) {
  const std::size_t slice = std::size_t{4} << 20;
  // "é" split over the boundary of the first 4 MB: valid.
  const std::string valid = std::string(slice - 1, 'a') + "\xC3\xA9\n";
  // A lead byte just before it whose next byte is ASCII: not.
  const std::string invalid = "x\n" + std::string(slice - 3, 'a') + "\xC3(\n";
  std::vector<const char*> released;
  const auto release = [&](const char* until) { released.push_back(until); };
  LoadReport report;
  std::string converted;
  EXPECT_FALSE(loading::decode_text(valid, Encoding::Auto, "big.csv", converted, report, release).windows_1252);
  EXPECT_EQ(report.encoding, "utf-8");
  ASSERT_FALSE(released.empty());
  EXPECT_TRUE(std::is_sorted(released.begin(), released.end()));
  EXPECT_LE(released.back(), valid.data() + valid.size());

  LoadReport other;
  released.clear();
  EXPECT_TRUE(loading::decode_text(invalid, Encoding::Auto, "big.csv", converted, other, release).windows_1252);
  EXPECT_EQ(other.notes, (std::vector<std::string>{"not valid UTF-8 at line 2 (byte 0xC3): read as Windows-1252"}));
  EXPECT_TRUE(released.empty());  // the slice with the bad byte was not given back: it is converted next
}

// ---------------------------------------------------------------------------------------------
// Stock: the key is (dwelling_id, snapshot_date)

TEST(CompositeKey, DuplicatePairsAreRejectedOthersAccepted) {
  const std::string text =
      "dwelling_id,snapshot_date,corporation,municipality,segment,daeb,rent,energy_label\n"
      "V1,2025-01-01,Clavis,Terneuzen,sociaal,true,600,E\n"     // line 2
      "V1,2026-01-01,Clavis,Terneuzen,sociaal,true,620,C\n"     // line 3: same dwelling, other date
      "V2,2025-01-01,Clavis,Terneuzen,sociaal,true,600,E\n"     // line 4: other dwelling, same date
      "V1,2025-01-01,Clavis,Terneuzen,sociaal,true,999,A\n"     // line 5: the pair of line 2 again
      "V1,2025-01-01,Clavis,Terneuzen,sociaal,true,1,x\n"       // line 6: bad label, checked first
      "v1,2025-01-01,Clavis,Terneuzen,sociaal,true,600,E\n";    // line 7: ids are case-sensitive
  const LoadedDataset loaded = read_csv_text(stock(), text, "stock.csv");
  expect_counts_add_up(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 4u);
  ASSERT_EQ(loaded.report.rejections.size(), 2u);
  EXPECT_EQ(loaded.report.rejections[0].line, 5u);
  EXPECT_EQ(loaded.report.rejections[0].column, "dwelling_id, snapshot_date");
  EXPECT_EQ(loaded.report.rejections[0].value, "V1, 2025-01-01");
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "duplicate (dwelling_id, snapshot_date) ('V1', '2025-01-01') (first on line 2)");
  // Line 6 repeats the pair too, but its label is wrong: a row is checked cell by cell first, and
  // only a row whose cells are all valid is checked for a repeated key.
  EXPECT_EQ(loaded.report.rejections[1].line, 6u);
  EXPECT_EQ(loaded.report.rejections[1].column, "energy_label");
}

TEST(CompositeKey, SameDateWrittenTwoWaysIsTheSameKey) {
  CsvOptions options = export_options();
  const std::string text =
      "dwelling_id;snapshot_date;corporation;municipality;segment;daeb;rent;energy_label\n"
      "V1;2025-01-01;Clavis;Terneuzen;sociaal;ja;600;E\n"
      "V1;1-1-2025;Clavis;Terneuzen;sociaal;ja;600;E\n";
  const LoadedDataset loaded = read_csv_text(stock(), text, "stock.csv", options);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 3u);
  // The key is shown as read: the date in its canonical form.
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "duplicate (dwelling_id, snapshot_date) ('V1', '2025-01-01') (first on line 2)");
}

TEST(CompositeKey, ManyPairsAllFound) {
  std::string text = "dwelling_id,snapshot_date,corporation,municipality,segment,daeb,rent,energy_label\n";
  // 3000 dwellings x 2 dates, then the same 6000 pairs again: 6000 accepted, 6000 duplicates.
  for (int pass = 0; pass < 2; ++pass) {
    for (int d = 0; d < 3000; ++d) {
      for (const char* date : {"2025-01-01", "2026-01-01"}) {
        text += "V" + std::to_string(d) + "," + date + ",C,T,sociaal,true,600,E\n";
      }
    }
  }
  const LoadedDataset loaded = read_csv_text(stock(), text, "stock.csv");
  EXPECT_EQ(loaded.report.rows_accepted, 6000u);
  EXPECT_EQ(loaded.report.rows_rejected, 6000u);
  // The first duplicate is line 6002 (header + 6000 rows), of the first row, line 2.
  EXPECT_EQ(loaded.report.rejections[0].line, 6002u);
  EXPECT_NE(loaded.report.rejections[0].reason.find("(first on line 2)"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// TextDictionary looks up views without building strings

TEST(TextDictionary, FindsViewsIntoOtherBuffers) {
  TextDictionary dictionary;
  const std::string buffer = "TrivireWoonbron";
  EXPECT_EQ(dictionary.intern(std::string_view(buffer).substr(0, 7)), 0);
  EXPECT_EQ(dictionary.intern(std::string_view(buffer).substr(7)), 1);
  EXPECT_EQ(dictionary.find("Woonbron"), 1);
  EXPECT_EQ(dictionary.find(std::string_view(buffer).substr(0, 7)), 0);
  EXPECT_EQ(dictionary.find("Trivir"), -1);
  EXPECT_EQ(dictionary.value(0), "Trivire");
}

}  // namespace
}  // namespace toets
