// The canonical CSV reader: cell values, record splitting, header handling, file errors, and the
// promises the rest of the engine relies on (read = accepted + rejected; a rejected row leaves
// every column unchanged). Wrong input is tested at least as often as right input.

#include "engine/input/csv_reader.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/program/schema.hpp"
#include "engine/data/dataset.hpp"
#include "tests/support/csv_rows.hpp"

namespace toets {
namespace {

using namespace csv_testing;


// ---------------------------------------------------------------------------------------------
// One cell at a time

struct CellCase {
  std::string label;
  std::string column;
  std::string token;  // as written in the file
  bool accepted;
  std::string rendered_or_reason;      // cell_text when accepted, a part of the reason when not
  std::optional<std::int64_t> stored;  // the stored integer (cents, days, code...) when accepted
};

std::ostream& operator<<(std::ostream& out, const CellCase& c) { return out << c.label; }

class CellTest : public testing::TestWithParam<CellCase> {};

TEST_P(CellTest, AcceptsOrRejectsWithReason) {
  const CellCase& c = GetParam();
  const LoadedDataset loaded = load(std::string(kHeader) + row_with(c.column, c.token));
  expect_columns_consistent(loaded);
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
    Accepted, CellTest,
    testing::Values(
        CellCase{"money_two_decimals", "rent", "612.35", true, "612.35", 61235},
        CellCase{"money_whole", "rent", "612", true, "612.00", 61200},
        CellCase{"money_one_decimal", "rent", "612.3", true, "612.30", 61230},
        CellCase{"money_no_float_error", "rent", "0.29", true, "0.29", 29},
        CellCase{"money_leading_zeros", "rent", "007.50", true, "7.50", 750},
        // The plausible range of a rent (docs/data-input.md): a cent to € 10.000 a month. The
        // reader's own limits (92233720368547758.07) are in tests/value_rules_test.cpp.
        CellCase{"money_least_plausible_rent", "rent", "0.01", true, "0.01", 1},
        CellCase{"money_most_plausible_rent", "rent", "10000.00", true, "10000.00", 1000000},
        CellCase{"money_trimmed", "rent", " \t612.35  ", true, "612.35", 61235},
        CellCase{"money_quoted", "rent", "\"612.35\"", true, "612.35", 61235},
        CellCase{"int_minimum_allowed", "household_size", "1", true, "1", 1},
        CellCase{"int_largest_household", "household_size", "20", true, "20", 20},
        CellCase{"int_youngest_applicant", "applicant_age", "16", true, "16", 16},
        CellCase{"int_oldest_applicant", "applicant_age", "120", true, "120", 120},
        CellCase{"date_leap_day", "contract_date", "2024-02-29", true, "2024-02-29",
                 days_from_civil(2024, 2, 29)},
        CellCase{"date_epoch", "contract_date", "1970-01-01", true, "1970-01-01", 0},
        CellCase{"date_first", "contract_date", "1900-01-01", true, "1900-01-01", days_from_civil(1900, 1, 1)},
        CellCase{"date_last", "contract_date", "2099-12-31", true, "2099-12-31",
                 days_from_civil(2099, 12, 31)},
        CellCase{"bool_true", "daeb", "true", true, "true", 1},
        CellCase{"bool_false", "daeb", "false", true, "false", 0},
        CellCase{"bool_one", "daeb", "1", true, "true", 1},
        CellCase{"bool_zero", "daeb", "0", true, "false", 0},
        CellCase{"optional_bool_missing", "new_build", "", true, "", kNull32},
        CellCase{"enum_last_segment", "segment", "vrije_sector", true, "vrije_sector", 2},
        CellCase{"enum_label_best", "energy_label", "A++++", true, "A++++", 0},
        CellCase{"enum_label_worst", "energy_label", "G", true, "G", 10},
        CellCase{"optional_enum_missing", "energy_label", "", true, "", kNull32},
        CellCase{"enum_channel", "channel", "directe_bemiddeling", true, "directe_bemiddeling", 8},
        CellCase{"optional_text_missing", "kern", "", true, "", kNull32},
        CellCase{"text_dictionary", "kern", "Wielwijk", true, "Wielwijk", 0},
        CellCase{"text_quoted_comma", "neighbourhood", "\"Oud, Centrum\"", true, "Oud, Centrum", {}},
        CellCase{"text_doubled_quotes", "neighbourhood", "\"De \"\"Staart\"\"\"", true, "De \"Staart\"", {}},
        // A name's spaces are tidied (one spelling per name: engine/input/group_keys.hpp); an id's are kept.
        CellCase{"text_quoted_spaces_tidied", "neighbourhood", "\"  Zuid  \"", true, "Zuid", {}},
        CellCase{"raw_id_quoted_keeps_spaces", "dwelling_id", "\"  VHE 7  \"", true, "  VHE 7  ", {}},
        CellCase{"text_spaces_around_quotes", "neighbourhood", "  \"Noord\" \t", true, "Noord", {}},
        CellCase{"text_quoted_newline_is_a_space", "neighbourhood", "\"Noord\nZuid\"", true, "Noord Zuid", {}},
        CellCase{"text_trimmed", "neighbourhood", "\tZuid ", true, "Zuid", {}},
        CellCase{"text_inner_quote_literal", "neighbourhood", "ab\"c", true, "ab\"c", {}},
        CellCase{"text_utf8",
                 "neighbourhood",
                 "Sterrenburg \xC3\xA9\xE2\x98\x86",
                 true,
                 "Sterrenburg \xC3\xA9\xE2\x98\x86",
                 {}},
        CellCase{"raw_id_quoted_comma", "allocation_id", "\"A,1\"", true, "A,1", {}},
        CellCase{"raw_id_spaces_trimmed", "dwelling_id", "  VHE 7 ", true, "VHE 7", {}}),
    [](const testing::TestParamInfo<CellCase>& param_info) { return param_info.param.label; });

INSTANTIATE_TEST_SUITE_P(
    Rejected, CellTest,
    testing::Values(
        CellCase{"money_decimal_comma",
                 "rent",
                 "\"612,35\"",
                 false,
                 "expected an amount in euros like 612.35",
                 {}},
        CellCase{"money_three_decimals", "rent", "612.345", false, "at most 2 decimals", {}},
        CellCase{"money_trailing_point", "rent", "612.", false, "expected an amount", {}},
        CellCase{"money_no_whole_part", "rent", ".35", false, "expected an amount", {}},
        CellCase{"money_euro_sign", "rent", "\xE2\x82\xAC 612.35", false, "expected an amount", {}},
        CellCase{"money_exponent", "rent", "6e2", false, "expected an amount", {}},
        CellCase{"money_plus_sign", "rent", "+612.35", false, "expected an amount", {}},
        CellCase{"money_lone_minus", "rent", "-", false, "expected an amount", {}},
        CellCase{"money_thousands_point", "rent", "1.234.56", false, "expected an amount", {}},
        CellCase{"money_just_too_large", "rent", "92233720368547758.08", false, "out of range", {}},
        CellCase{"money_far_too_large", "rent", "99999999999999999999999", false, "out of range", {}},
        CellCase{"money_missing", "rent", "", false, "missing required value", {}},
        CellCase{"int_below_minimum", "household_size", "0", false, "implausible: expected 1 to 20 (persons in one household)", {}},
        CellCase{"int_negative_below_minimum", "household_size", "-3", false, "implausible: expected 1 to 20", {}},
        CellCase{"int_largest", "household_size", "2147483647", false, "implausible: expected 1 to 20", {}},
        CellCase{"int_zero_age", "applicant_age", "0", false, "implausible: expected 16 to 120 (years", {}},
        CellCase{"money_small_negative", "rent", "-0.05", false,
                 "negative: expected \xE2\x82\xAC" "0.01 to \xE2\x82\xAC" "10000.00 (net rent a month)", {}},
        CellCase{"money_zero_rent", "rent", "0.00", false, "implausible: expected \xE2\x82\xAC" "0.01", {}},
        CellCase{"money_largest", "rent", "92233720368547758.07", false, "implausible: expected \xE2\x82\xAC" "0.01", {}},
        CellCase{"money_most_negative", "rent", "-92233720368547758.07", false, "negative: expected", {}},
        CellCase{"date_year_1", "contract_date", "0001-01-01", false,
                 "implausible: expected a date from 1900-01-01 to 2099-12-31", {}},
        CellCase{"date_year_9999", "contract_date", "9999-12-31", false, "implausible: expected a date from 1900-01-01", {}},
        CellCase{"text_only_spaces", "corporation", "\"   \"", false, "missing required value", {}},
        CellCase{"text_no_break_space", "corporation", "\xC2\xA0", false, "missing required value", {}},
        CellCase{"int_overflow", "household_size", "2147483648", false, "out of range", {}},
        CellCase{"int_fraction", "household_size", "2.5", false, "expected a whole number", {}},
        CellCase{"int_word", "household_size", "two", false, "expected a whole number", {}},
        CellCase{"int_inner_space", "household_size", "1 2", false, "expected a whole number", {}},
        CellCase{"int_quoted_space", "household_size", "\" 2\"", false, "expected a whole number", {}},
        CellCase{"int_plus_sign", "applicant_age", "+34", false, "expected a whole number", {}},
        CellCase{"int_negative_age", "applicant_age", "-1", false, "implausible: expected 16 to 120", {}},
        CellCase{"date_feb_30",
                 "contract_date",
                 "2026-02-30",
                 false,
                 "no such date (expected a date YYYY-MM-DD)",
                 {}},
        CellCase{"date_not_leap", "contract_date", "2025-02-29", false, "no such date", {}},
        CellCase{"date_month_13", "contract_date", "2026-13-01", false, "no such date", {}},
        CellCase{"date_year_zero", "contract_date", "0000-01-01", false, "no such date", {}},
        CellCase{"date_dutch_order", "contract_date", "31-03-2026", false, "expected a date YYYY-MM-DD", {}},
        CellCase{"date_short_month", "contract_date", "2026-3-31", false, "expected a date YYYY-MM-DD", {}},
        CellCase{"date_slashes", "contract_date", "2026/03/31", false, "expected a date YYYY-MM-DD", {}},
        CellCase{"date_with_time", "contract_date", "2026-03-31T00:00", false, "expected a date", {}},
        CellCase{"date_missing", "contract_date", "", false, "missing required value", {}},
        CellCase{"bool_dutch", "daeb", "ja", false, "expected true or false", {}},
        CellCase{"bool_upper_case", "daeb", "TRUE", false, "expected true or false", {}},
        CellCase{"bool_missing", "daeb", "", false, "missing required value", {}},
        CellCase{"optional_bool_invalid", "new_build", "2", false, "expected true or false", {}},
        CellCase{"enum_unknown",
                 "segment",
                 "soc",
                 false,
                 "unknown segment 'soc' (expected one of sociaal, middenhuur, vrije_sector)",
                 {}},
        CellCase{"enum_wrong_case", "segment", "Sociaal", false, "unknown segment 'Sociaal'", {}},
        CellCase{"enum_quoted_space", "channel", "\"overig \"", false, "unknown channel 'overig '", {}},
        CellCase{"optional_enum_invalid", "energy_label", "H", false, "unknown energy_label 'H'", {}},
        CellCase{"text_missing", "corporation", "", false, "missing required value", {}},
        CellCase{"text_quoted_empty", "municipality", "\"\"", false, "missing required value", {}},
        CellCase{"id_only_spaces", "allocation_id", "   ", false, "missing required value", {}},
        CellCase{"text_windows_1252", "neighbourhood", "caf\xE9", false, "not valid UTF-8", {}},
        CellCase{"text_overlong_utf8", "corporation", "\xC0\xAF", false, "not valid UTF-8", {}},
        CellCase{"text_surrogate_utf8", "kern", "\xED\xA0\x80", false, "not valid UTF-8", {}},
        CellCase{"text_truncated_utf8", "kern", "Zuid\xE2\x98", false, "not valid UTF-8", {}}),
    [](const testing::TestParamInfo<CellCase>& param_info) { return param_info.param.label; });

TEST(CsvReader, RejectionValueIsTheCellAsRead) {
  const LoadedDataset loaded = load(std::string(kHeader) + row_with("rent", "\"612,35\""));
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].value, "612,35");
}

TEST(CsvReader, RejectionValueEscapesInvalidUtf8) {
  const LoadedDataset loaded = load(std::string(kHeader) + row_with("neighbourhood", "caf\xE9"));
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].value, "caf\\xE9");
}

TEST(CsvReader, RejectionValueIsCutWhenLong) {
  const LoadedDataset loaded = load(std::string(kHeader) + row_with("segment", std::string(100000, 'x')));
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_LT(loaded.report.rejections[0].value.size(), 200u);
  EXPECT_LT(loaded.report.rejections[0].reason.size(), 400u);
  EXPECT_TRUE(loaded.report.rejections[0].value.ends_with("..."));
}

TEST(CsvReader, FirstProblemInSchemaColumnOrderWhateverTheFileOrder) {
  // segment comes before contract_date in this file, after it in the schema.
  const std::string text =
      "segment,allocation_id,corporation,municipality,contract_date,dwelling_id,daeb,rent,household_size,"
      "household_income,applicant_age,channel\n"
      "soc,A1,Trivire,Dordrecht,2026-02-30,VHE1,true,612.35,2,31000,34,regulier\n";
  const LoadedDataset loaded = load(text);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].column, "contract_date");
}

// ---------------------------------------------------------------------------------------------
// Records: lines, quoting, field counts, duplicates

struct ExpectedRejection {
  std::uint64_t line;
  std::string column;
  std::string reason_part;
};

struct RecordCase {
  std::string label;
  std::string body;  // after the header
  std::uint64_t accepted;
  std::vector<ExpectedRejection> rejections;
  std::vector<std::uint64_t> accepted_lines = {};
};

std::ostream& operator<<(std::ostream& out, const RecordCase& c) { return out << c.label; }

class RecordTest : public testing::TestWithParam<RecordCase> {};

TEST_P(RecordTest, SplitsCountsAndRejects) {
  const RecordCase& c = GetParam();
  const LoadedDataset loaded = load(std::string(kHeader) + c.body);
  expect_columns_consistent(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, c.accepted);
  EXPECT_EQ(loaded.report.rows_read, c.accepted + c.rejections.size());
  ASSERT_EQ(loaded.report.rejections.size(), c.rejections.size());
  for (std::size_t i = 0; i < c.rejections.size(); ++i) {
    const Rejection& got = loaded.report.rejections[i];
    SCOPED_TRACE(got.reason);
    EXPECT_EQ(got.line, c.rejections[i].line);
    EXPECT_EQ(got.column, c.rejections[i].column);
    EXPECT_NE(got.reason.find(c.rejections[i].reason_part), std::string::npos);
  }
  if (c.accepted_lines.empty()) return;
  ASSERT_EQ(loaded.data.row_count(), c.accepted_lines.size());
  for (std::size_t row = 0; row < c.accepted_lines.size(); ++row) {
    EXPECT_EQ(loaded.data.source_line(row), c.accepted_lines[row]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, RecordTest,
    testing::Values(RecordCase{"final_line_without_newline",
                               valid_row("A1") + valid_row("A2").substr(0, valid_row("A2").size() - 1),
                               2,
                               {},
                               {2, 3}},
                    RecordCase{"crlf",
                               "A1,Trivire,Dordrecht,,Crabbehof,2026-03-31,VHE-001,sociaal,true,false,612.35,"
                               "2,31000.00,34,regulier,B\r\n"
                               "A2,Trivire,Dordrecht,,Crabbehof,2026-03-31,VHE-001,sociaal,true,false,612.35,"
                               "2,31000.00,34,regulier,\r\n",
                               2,
                               {},
                               {2, 3}},
                    RecordCase{"crlf_without_final_newline",
                               "A1,Trivire,Dordrecht,,Crabbehof,2026-03-31,VHE-001,sociaal,true,false,612.35,"
                               "2,31000.00,34,regulier,B\r",
                               1,
                               {},
                               {2}},
                    RecordCase{"blank_lines_skipped_but_counted_as_lines",
                               "\n" + valid_row("A1") + "\n\r\n\n" + valid_row("A2") + "\n",
                               2,
                               {},
                               {3, 7}},
                    RecordCase{"quoted_newlines_advance_lines",
                               row_with("neighbourhood", "\"a\nb\r\nc\"", "A1") + valid_row("A2"),
                               2,
                               {},
                               {2, 5}},
                    RecordCase{"empty_body", "", 0, {}, {}},
                    RecordCase{"only_blank_lines", "\n\r\n\n", 0, {}, {}}),
    [](const testing::TestParamInfo<RecordCase>& param_info) { return param_info.param.label; });

INSTANTIATE_TEST_SUITE_P(
    Rejected, RecordTest,
    testing::Values(RecordCase{"too_few_fields",
                               "A1,Trivire\n" + valid_row("A2"),
                               1,
                               {{2, "", "expected 16 fields, found 2"}},
                               {3}},
                    RecordCase{"too_many_fields",
                               valid_row("A1").substr(0, valid_row("A1").size() - 1) + ",extra\n",
                               0,
                               {{2, "", "expected 16 fields, found 17"}}},
                    RecordCase{"trailing_comma",
                               valid_row("A1").substr(0, valid_row("A1").size() - 1) + ",\n",
                               0,
                               {{2, "", "expected 16 fields, found 17"}}},
                    RecordCase{"whitespace_only_line_is_not_blank",
                               " \t\n" + valid_row("A1"),
                               1,
                               {{2, "", "expected 16 fields, found 1"}},
                               {3}},
                    RecordCase{"line_of_commas",
                               ",,,,,,,,,,,,,,,\n",
                               0,
                               {{2, "allocation_id", "missing required value"}}},
                    RecordCase{"text_after_closing_quote",
                               row_with("neighbourhood", "\"Oud\"Centrum", "A1") + valid_row("A2"),
                               1,
                               {{2, "neighbourhood", "unexpected text after a closing quote"}},
                               {3}},
                    RecordCase{"duplicate_id",
                               valid_row("A1") + valid_row("A2") + valid_row("A1"),
                               2,
                               {{4, "allocation_id", "duplicate allocation_id 'A1' (first on line 2)"}}},
                    RecordCase{"duplicate_of_rejected_row_is_accepted",
                               row_with("rent", "x", "A1") + valid_row("A1") + valid_row("A1"),
                               1,
                               {{2, "rent", "expected an amount"}, {4, "allocation_id", "first on line 3"}},
                               {3}},
                    RecordCase{"duplicate_id_case_sensitive", valid_row("A1") + valid_row("a1"), 2, {}},
                    RecordCase{"rejection_lines_after_multiline_record",
                               row_with("neighbourhood", "\"a\n\nb\"", "A1") + row_with("daeb", "ja", "A2"),
                               1,
                               {{5, "daeb", "expected true or false"}},
                               {2}},
                    RecordCase{"many_mixed",
                               valid_row("A1") + row_with("segment", "x", "A2") + "\n" + valid_row("A3") +
                                   row_with("household_size", "0", "A4") + valid_row("A5"),
                               3,
                               {{3, "segment", "unknown segment"}, {6, "household_size", "implausible: expected 1 to 20"}},
                               {2, 5, 7}}),
    [](const testing::TestParamInfo<RecordCase>& param_info) { return param_info.param.label; });

// ---------------------------------------------------------------------------------------------
// Header problems are file-level: DataFileError, message "file:line: ..."

struct HeaderCase {
  std::string label;
  std::string text;
  std::string message_part;
};

std::ostream& operator<<(std::ostream& out, const HeaderCase& c) { return out << c.label; }

class HeaderErrorTest : public testing::TestWithParam<HeaderCase> {};

TEST_P(HeaderErrorTest, ThrowsDataFileError) {
  const HeaderCase& c = GetParam();
  try {
    load(c.text);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find(c.message_part), std::string::npos) << error.what();
  }
}

std::string header_without(const std::string& column) {
  std::string header = kHeader;
  const std::size_t at = header.find(column + ",");
  return header.erase(at, column.size() + 1);
}

INSTANTIATE_TEST_SUITE_P(
    All, HeaderErrorTest,
    testing::Values(
        HeaderCase{"empty_file", "", "test.csv:1: the file is empty"},
        HeaderCase{"only_byte_order_mark", "\xEF\xBB\xBF", "test.csv:1: the file is empty"},
        HeaderCase{"only_blank_lines", "\n\r\n", "no header row"},
        HeaderCase{"utf16",
                   "\xFF\xFE"
                   "a\0,\0",
                   "UTF-16"},
        HeaderCase{
            "missing_id", header_without("allocation_id"),
            "test.csv:1: missing required column 'allocation_id' (the allocations file must have: "
            "allocation_id, corporation, municipality, contract_date, dwelling_id, segment, daeb, rent, "
            "household_size, household_income, applicant_age, channel)"},
        HeaderCase{"missing_two", header_without("rent").replace(0, 14, ""),
                   "missing required columns 'allocation_id', 'rent'"},
        HeaderCase{"missing_on_later_line", "\n\n" + header_without("segment"),
                   "test.csv:3: missing required column 'segment'"},
        HeaderCase{"misspelt_column", "alocation_id" + std::string(kHeader).substr(13),
                   "is 'alocation_id' a misspelling of 'allocation_id'?"},
        HeaderCase{"semicolons", "allocation_id;corporation;municipality\n", "semicolon-separated"},
        HeaderCase{"duplicate_column", std::string(kHeader).insert(0, "rent,"),
                   "test.csv:1: duplicate column 'rent' in the header (fields 1 and 12)"},
        HeaderCase{"duplicate_unknown_column", "x," + std::string(kHeader).insert(0, "x,"),
                   "duplicate column 'x'"},
        HeaderCase{"unterminated_quote", "\"allocation_id,corporation\n",
                   "test.csv:1: a quoted column name in the header is never closed"},
        HeaderCase{"text_after_quote", "\"allocation_id\"x,corporation\n",
                   "unexpected text after the closing quote"},
        HeaderCase{"data_without_header", valid_row("A1"), "missing required column"},
        // A quote that never closes would make the rest of the file one value (every row after it
        // lost): an error for the file, at the line where the quote opens.
        HeaderCase{"unterminated_quote_at_end", kHeader + valid_row("A1") + row_with("neighbourhood", "\"Oud", "A2"),
                   "test.csv:3: unterminated quote: the quoted field of column 'neighbourhood' opened on line 3 never "
                   "closes, so the rest of the file would be one value"},
        HeaderCase{"unterminated_quote_swallows_rest", kHeader + valid_row("A1") + "A2,\"Trivire\n" + valid_row("A3") + valid_row("A4"),
                   "test.csv:3: unterminated quote: the quoted field of column 'corporation' opened on line 3 never "
                   "closes"},
        HeaderCase{"unterminated_quote_opened_on_later_line",
                   kHeader + valid_row("A1") + "A2,Trivire,Dordrecht,\"x\ny\",\"open\nmore\n",
                   "test.csv:4: unterminated quote: the quoted field of column 'neighbourhood' opened on line 4 never "
                   "closes"},
        HeaderCase{"unterminated_quote_lone_quote_at_end", kHeader + valid_row("A1") + "\"",
                   "test.csv:3: unterminated quote: the quoted field of column 'allocation_id' opened on line 3 never "
                   "closes"}),
    [](const testing::TestParamInfo<HeaderCase>& param_info) { return param_info.param.label; });

// ---------------------------------------------------------------------------------------------
// Header flexibility

TEST(CsvReader, HeaderOnlyIsZeroRows) {
  const LoadedDataset loaded = load(kHeader);
  EXPECT_EQ(loaded.report.rows_read, 0u);
  EXPECT_EQ(loaded.data.row_count(), 0u);
  expect_columns_consistent(loaded);
}

TEST(CsvReader, HeaderWithoutNewlineIsZeroRows) {
  std::string header = kHeader;
  header.pop_back();
  EXPECT_EQ(load(header).report.rows_read, 0u);
}

TEST(CsvReader, ColumnsInAnyOrder) {
  std::vector<std::string> names;
  for (const ColumnSchema& column : allocations().columns) names.push_back(column.name);
  std::vector<std::string> tokens = base_tokens("A7");
  tokens[3] = "\" Wiel, wijk\"";
  std::reverse(names.begin(), names.end());
  std::reverse(tokens.begin(), tokens.end());
  const LoadedDataset reversed = load(join_tokens(names) + "\n" + join_tokens(tokens) + "\n");
  ASSERT_EQ(reversed.report.rows_accepted, 1u);
  const LoadedDataset canonical = load(std::string(kHeader) + row_with("kern", "\" Wiel, wijk\"", "A7"));
  ASSERT_EQ(canonical.report.rows_accepted, 1u);
  for (std::uint32_t c = 0; c < allocations().columns.size(); ++c) {
    EXPECT_EQ(reversed.data.cell_text(c, 0), canonical.data.cell_text(c, 0)) << allocations().columns[c].name;
  }
}

TEST(CsvReader, HeaderNamesTrimmedAndMayBeQuoted) {
  std::string header = kHeader;
  header.replace(0, 13, " \"allocation_id\"\t");
  const LoadedDataset loaded = load(header + valid_row());
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_TRUE(loaded.report.notes.empty());
}

TEST(CsvReader, UnknownColumnsAreNotedAndIgnored) {
  const std::string header =
      "remark," + std::string(kHeader).substr(0, std::string(kHeader).size() - 1) + ",energie_label,\n";
  const LoadedDataset loaded =
      load(header + "\"hi, there\"," + valid_row().substr(0, valid_row().size() - 1) + ",C,\n");
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.report.notes.size(), 3u);
  EXPECT_EQ(loaded.report.notes[0], "column 'remark' is not part of allocations; ignored");
  EXPECT_EQ(loaded.report.notes[1],
            "column 'energie_label' is not part of allocations; ignored (did you mean 'energy_label'?)");
  EXPECT_EQ(loaded.report.notes[2], "column 19 has no name; ignored");
  EXPECT_EQ(loaded.data.cell_text(15, 0), "B");
}

TEST(CsvReader, OptionalColumnsMayBeAbsent) {
  const std::string text =
      "allocation_id,corporation,municipality,contract_date,dwelling_id,segment,daeb,rent,household_size,"
      "household_income,applicant_age,channel\n"
      "A1,Trivire,Dordrecht,2026-03-31,VHE1,sociaal,true,612.35,2,31000,34,regulier\n";
  const LoadedDataset loaded = load(text);
  ASSERT_EQ(loaded.report.rows_accepted, 1u);
  expect_columns_consistent(loaded);
  for (const char* name : {"kern", "neighbourhood", "new_build", "energy_label"}) {
    const std::uint32_t c = *allocations().column_index(name);
    EXPECT_EQ(loaded.data.column(c).value(0), kNull32) << name;
    EXPECT_EQ(loaded.data.cell_text(c, 0), "") << name;
  }
  EXPECT_EQ(loaded.data.cell_text(12, 0), "31000.00");
}

TEST(CsvReader, ByteOrderMarkIsStripped) {
  const LoadedDataset loaded = load("\xEF\xBB\xBF" + std::string(kHeader) + valid_row());
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_TRUE(loaded.report.notes.empty());
  EXPECT_EQ(loaded.data.record_id(0), "A1");
}

// ---------------------------------------------------------------------------------------------
// What the engine relies on

TEST(CsvReader, RejectedRowsLeaveEveryColumnUnchanged) {
  // Each rejected row has new text values in early columns and its problem in the last one.
  std::string body = valid_row("A1");
  for (int i = 0; i < 50; ++i) {
    std::vector<std::string> tokens = base_tokens(numbered("R", i));
    tokens[1] = numbered("Corp", i);
    tokens[3] = numbered("Kern", i);
    tokens[15] = std::string(1, 'Z');  // not = "Z": GCC 12 -Wrestrict false positive
    body += join_tokens(tokens);
    body += '\n';
  }
  body += valid_row("A2");
  const LoadedDataset loaded = load(std::string(kHeader) + body);
  expect_columns_consistent(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 2u);
  EXPECT_EQ(loaded.report.rows_rejected, 50u);
  EXPECT_EQ(loaded.data.column(1).dictionary.size(), 1u);  // only Trivire
  EXPECT_EQ(loaded.data.column(3).dictionary.size(), 0u);  // kern empty in accepted rows
  EXPECT_EQ(loaded.data.column(0).raw, "A1A2");
  EXPECT_EQ(loaded.data.source_line(1), 53u);
  EXPECT_EQ(loaded.data.record_id(1), "A2");
}

TEST(CsvReader, DictionaryCodesInOrderOfFirstAppearance) {
  const LoadedDataset loaded =
      load(std::string(kHeader) + row_with("corporation", "Woonbron", "A1") +
           row_with("corporation", "Clavis", "A2") + row_with("corporation", "Woonbron", "A3"));
  const ColumnData& corporation = loaded.data.column(1);
  ASSERT_EQ(corporation.values.size(), 3u);
  EXPECT_EQ(corporation.values[0], 0);
  EXPECT_EQ(corporation.values[1], 1);
  EXPECT_EQ(corporation.values[2], 0);
  EXPECT_EQ(corporation.dictionary.find("Clavis"), 1);
  EXPECT_EQ(corporation.dictionary.find("Portaal"), -1);
}

TEST(CsvReader, ManyRowsAllAccepted) {
  std::string body;
  for (int i = 0; i < 20000; ++i) {
    body += row_with("rent", std::to_string(400 + i % 500) + "." + std::to_string(10 + i % 90),
                     numbered("ID", i));
  }
  const LoadedDataset loaded = load(std::string(kHeader) + body);
  expect_columns_consistent(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 20000u);
  EXPECT_EQ(loaded.data.cell_text(10, 19999), "899.29");  // 400 + 19999 % 500, 10 + 19999 % 90
  EXPECT_EQ(loaded.data.record_id(12345), "ID12345");
  EXPECT_EQ(loaded.data.source_line(19999), 20001u);
}

TEST(CsvReader, ManyDuplicatesAllFound) {
  std::string body;
  for (int i = 0; i < 5000; ++i) body += valid_row(numbered("ID", i));
  for (int i = 4999; i >= 0; --i) body += valid_row(numbered("ID", i));
  const LoadedDataset loaded = load(std::string(kHeader) + body);
  EXPECT_EQ(loaded.report.rows_accepted, 5000u);
  EXPECT_EQ(loaded.report.rows_rejected, 5000u);
  EXPECT_EQ(loaded.report.rejections.back().reason, "duplicate allocation_id 'ID0' (first on line 2)");
}

// Mutated files (quotes, separators, line ends, stray bytes, truncation): never a crash or a hang,
// and the counts always add up. Runs under the sanitizers too.
TEST(CsvReader, MutatedInputKeepsInvariants) {
  std::string original = kHeader;
  for (int i = 0; i < 12; ++i) original += row_with("neighbourhood", "\"x, \"\"y\"\"\"", numbered("A", i));
  const char pieces[] = {'"', ',', '\n', '\r', ' ', '\0', '\xE9', '-', '.', '1'};
  std::mt19937 random(20260331);
  for (int round = 0; round < 3000; ++round) {
    std::string text = original;
    const int edits = 1 + static_cast<int>(random() % 6);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % (text.size() + 1);
      switch (random() % 4) {
        case 0:
          text.insert(at, 1, pieces[random() % sizeof(pieces)]);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        case 2:
          if (at < text.size()) text[at] = pieces[random() % sizeof(pieces)];
          break;
        default:
          text.resize(std::max(at, text.size() / 2));
          break;
      }
    }
    try {
      const LoadedDataset loaded = load(text);
      expect_columns_consistent(loaded);
      for (const Rejection& rejection : loaded.report.rejections) {
        EXPECT_GE(rejection.line, 2u);
        EXPECT_FALSE(rejection.reason.empty());
      }
    } catch (const DataFileError&) {
      // A damaged header is a file-level error: fine.
    }
    if (testing::Test::HasFailure()) {
      FAIL() << "round " << round;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Other datasets

TEST(CsvReader, ProjectsIntegerLimits) {
  const std::string header =
      "project_id,municipality,name,developer,delivery_year,total_dwellings,social_rent\n";
  const LoadedDataset loaded = load(header +
                                        "P1,Dordrecht,\"Het Plan, fase 2\",Trivire,2027,40,30\n"
                                        "P2,Dordrecht,X,Y,-2147483648,40,30\n"
                                        "P3,Dordrecht,X,Y,-2147483647,40,30\n"
                                        "P4,Dordrecht,X,Y,2028,-1,30\n"
                                        "P5,Dordrecht,X,Y,2028,0,0\n",
                                    projects());
  expect_columns_consistent(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 2u);
  ASSERT_EQ(loaded.report.rejections.size(), 3u);
  EXPECT_EQ(loaded.report.rejections[0].column, "delivery_year");
  EXPECT_NE(loaded.report.rejections[0].reason.find("out of range"), std::string::npos);
  EXPECT_EQ(loaded.report.rejections[1].column, "delivery_year");
  EXPECT_EQ(loaded.report.rejections[1].reason, "implausible: expected 1900 to 2099 (the year of completion)");
  EXPECT_EQ(loaded.report.rejections[2].column, "total_dwellings");
  EXPECT_EQ(loaded.report.rejections[2].reason, "implausible: expected 0 to 100000 (dwellings in one project)");
  EXPECT_EQ(loaded.data.cell_text(2, 0), "Het Plan, fase 2");
  EXPECT_EQ(loaded.data.cell_text(7, 0), "");  // middle_rent absent
}

TEST(CsvReader, StockDwellingMayRepeatAcrossSnapshots) {
  const std::string header =
      "dwelling_id,snapshot_date,corporation,municipality,segment,daeb,rent,energy_label\n";
  const LoadedDataset loaded = load(header +
                                        "V1,2025-01-01,Clavis,Terneuzen,sociaal,true,600,E\n"
                                        "V1,2026-01-01,Clavis,Terneuzen,sociaal,true,620.50,C\n"
                                        "V2,2026-01-01,Clavis,Terneuzen,sociaal,true,620.50,\n",
                                    stock());
  EXPECT_EQ(loaded.report.rows_accepted, 2u);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].column, "energy_label");  // required in stock
  EXPECT_EQ(loaded.report.rejections[0].line, 4u);
}

}  // namespace
}  // namespace toets
