// The JSON reader: arrays of objects and JSON Lines; numbers read exactly from their own text;
// records that are not objects, nested values, repeated keys, syntax errors; lines of records.
// Wrong input is tested as often as right input.

#include "engine/input/json_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/program/schema.hpp"
#include "engine/data/dataset.hpp"

namespace toets {
namespace {

const DatasetSchema& allocations() { return *find_dataset("allocations"); }
const DatasetSchema& stock() { return *find_dataset("stock"); }

// One valid allocation as a JSON object, with `field` (a key and its JSON value) replaced or added.
std::string record(const std::string& id, const std::string& replace_key = "", const std::string& value = "") {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"allocation_id", "\"" + id + "\""},  {"corporation", "\"Trivire\""},   {"municipality", "\"Dordrecht\""},
      {"contract_date", "\"2026-03-31\""},  {"dwelling_id", "\"VHE-001\""},   {"segment", "\"sociaal\""},
      {"daeb", "true"},                     {"rent", "612.35"},               {"household_size", "2"},
      {"household_income", "\"31000.00\""}, {"applicant_age", "34"},         {"channel", "\"regulier\""}};
  bool replaced = false;
  for (auto& [key, json] : fields) {
    if (key == replace_key) {
      json = value;
      replaced = true;
    }
  }
  if (!replace_key.empty() && !replaced) fields.emplace_back(replace_key, value);
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].second.empty()) continue;  // "" drops the key
    if (out.size() > 1) out += ", ";
    out += "\"" + fields[i].first + "\": " + fields[i].second;
  }
  return out + "}";
}

LoadedDataset load(const std::string& text, const DatasetSchema& schema = allocations(), JsonOptions options = {}) {
  return read_json_text(schema, text, "export.json", options);
}

void expect_counts_add_up(const LoadedDataset& loaded) {
  EXPECT_EQ(loaded.report.rows_read, loaded.report.rows_accepted + loaded.report.rows_rejected);
  EXPECT_EQ(loaded.report.rows_rejected, loaded.report.rejections.size());
  EXPECT_EQ(loaded.data.row_count(), loaded.report.rows_accepted);
}

// ---------------------------------------------------------------------------------------------
// One value at a time, in an array and in JSON Lines

struct ValueCase {
  std::string label;
  std::string key;
  std::string json;  // the value as written in JSON ("" drops the key)
  bool accepted;
  std::string rendered_or_reason;
};

std::ostream& operator<<(std::ostream& out, const ValueCase& c) { return out << c.label; }

class JsonValueTest : public testing::TestWithParam<ValueCase> {};

void check_value(const ValueCase& c, const LoadedDataset& loaded, std::uint64_t line) {
  expect_counts_add_up(loaded);
  ASSERT_EQ(loaded.report.rows_read, 1u);
  if (c.accepted) {
    ASSERT_EQ(loaded.report.rows_accepted, 1u)
        << (loaded.report.rejections.empty() ? "" : loaded.report.rejections[0].reason);
    if (const auto column = allocations().column_index(c.key)) {
      EXPECT_EQ(loaded.data.cell_text(*column, 0), c.rendered_or_reason);
    }
    EXPECT_EQ(loaded.data.source_line(0), line);
    return;
  }
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, line);
  EXPECT_EQ(loaded.report.rejections[0].column, c.key);
  EXPECT_NE(loaded.report.rejections[0].reason.find(c.rendered_or_reason), std::string::npos)
      << loaded.report.rejections[0].reason;
}

TEST_P(JsonValueTest, InAnArray) {
  // The record starts on line 2.
  check_value(GetParam(), load("[\n" + record("A1", GetParam().key, GetParam().json) + "\n]\n"), 2);
}

TEST_P(JsonValueTest, InJsonLines) {
  // Line 1 is blank; the record is line 2.
  check_value(GetParam(), load("\n" + record("A1", GetParam().key, GetParam().json) + "\n"), 2);
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, JsonValueTest,
    testing::Values(
        ValueCase{"money_number", "rent", "612.35", true, "612.35"},
        ValueCase{"money_number_no_float_error", "rent", "0.29", true, "0.29"},
        ValueCase{"money_integer", "rent", "612", true, "612.00"},
        ValueCase{"money_most_plausible_income", "household_income", "1000000.00", true, "1000000.00"},
        ValueCase{"money_string", "rent", "\"612.35\"", true, "612.35"},
        ValueCase{"money_string_euro", "rent", "\"\xE2\x82\xAC 1,234.50\"", true, "1234.50"},
        ValueCase{"int_number", "household_size", "3", true, "3"},
        ValueCase{"int_string", "household_size", "\"3\"", true, "3"},
        ValueCase{"bool_true", "daeb", "true", true, "true"},
        ValueCase{"bool_false", "daeb", "false", true, "false"},
        ValueCase{"bool_string_ja", "daeb", "\"ja\"", true, "true"},
        ValueCase{"bool_number_zero", "daeb", "0", true, "false"},
        ValueCase{"date_dutch_string", "contract_date", "\"31-03-2026\"", true, "2026-03-31"},
        ValueCase{"optional_null", "kern", "null", true, ""},
        ValueCase{"optional_empty_string", "kern", "\"\"", true, ""},
        ValueCase{"text_escapes", "neighbourhood", "\"Caf\\u00e9 \\\"Noord\\\"\\n\"", true, "Caf\xC3\xA9 \"Noord\""},
        ValueCase{"text_composed", "neighbourhood", "\"Cafe\\u0301\"", true, "Caf\xC3\xA9"},
        ValueCase{"text_surrogate_pair", "neighbourhood", "\"\\ud83c\\udfe0\"", true, "\xF0\x9F\x8F\xA0"},
        ValueCase{"text_trimmed", "kern", "\"  Dubbeldam \"", true, "Dubbeldam"},
        ValueCase{"id_integer", "dwelling_id", "599010000012345", true, "599010000012345"},
        ValueCase{"id_string_leading_zero", "dwelling_id", "\"0599010000012345\"", true, "0599010000012345"},
        ValueCase{"enum_capitalised", "segment", "\"Vrije sector\"", true, "vrije_sector"},
        ValueCase{"unknown_key_ignored", "remark", "\"hello\"", true, ""}),
    [](const testing::TestParamInfo<ValueCase>& param_info) { return param_info.param.label; });

INSTANTIATE_TEST_SUITE_P(
    Rejected, JsonValueTest,
    testing::Values(
        ValueCase{"money_three_decimals", "rent", "612.345", false, "at most 2 decimals, like 612.35"},
        ValueCase{"money_exponent", "rent", "6.1235e2", false, "expected an amount in euros like 612.35"},
        ValueCase{"money_too_large", "household_income", "92233720368547758.08", false, "out of range"},
        ValueCase{"money_huge_integer", "household_income", "123456789012345678901234567890", false,
                  "amount out of range"},
        ValueCase{"money_string_decimal_comma", "rent", "\"612,35\"", false, "(decimal point)"},
        ValueCase{"money_boolean", "rent", "true", false, "expected an amount"},
        ValueCase{"money_null", "rent", "null", false, "missing required value"},
        ValueCase{"int_fraction", "household_size", "2.5", false, "expected a whole number"},
        ValueCase{"int_too_large", "household_size", "4294967296", false, "out of range"},
        ValueCase{"int_zero", "household_size", "0", false, "implausible: expected 1 to 20"},
        ValueCase{"money_negative", "rent", "-0.05", false, "negative: expected"},
        ValueCase{"money_largest_number", "household_income", "92233720368547758.07", false, "implausible: expected"},
        ValueCase{"text_blank", "corporation", "\"\\u00a0\\u200b\\u3000\"", false, "missing required value"},
        ValueCase{"date_number", "contract_date", "20260331", false, "expected a date as text"},
        ValueCase{"date_impossible", "contract_date", "\"2026-02-30\"", false, "no such date"},
        ValueCase{"bool_number_two", "daeb", "2", false, "expected true or false"},
        ValueCase{"enum_unknown", "channel", "\"spoed\"", false, "unknown channel 'spoed'"},
        ValueCase{"id_float", "dwelling_id", "5.99e14", false, "may have lost digits"},
        ValueCase{"id_decimal", "allocation_id", "12.0", false, "may have lost digits"},
        ValueCase{"object_value", "kern", "{\"name\": \"Zuid\"}", false,
                  "expected a single value for 'kern', found an object"},
        ValueCase{"array_value", "rent", "[612.35]", false, "expected a single value for 'rent', found an array"},
        ValueCase{"duplicate_key", "rent", "612.35, \"rent\": 700", false, "the key 'rent' is given twice"}),
    [](const testing::TestParamInfo<ValueCase>& param_info) { return param_info.param.label; });

// ---------------------------------------------------------------------------------------------
// Records and lines

TEST(JsonReader, ArrayRecordsStartWhereTheirBraceIs) {
  const std::string text = "[\n" + record("A1") + ",\n\n" + record("A2", "rent", "\"x\"") + ",\n{\n" +
                           record("A3").substr(1) + "\n]";
  // Line 1 "[", line 2 A1 ",", line 3 blank, line 4 A2 (rejected), line 5 the '{' of A3, line 6
  // the rest of A3, line 7 "]".
  const LoadedDataset loaded = load(text);
  expect_counts_add_up(loaded);
  ASSERT_EQ(loaded.report.rows_accepted, 2u);
  EXPECT_EQ(loaded.data.source_line(0), 2u);
  EXPECT_EQ(loaded.data.source_line(1), 5u);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 4u);
  EXPECT_EQ(loaded.report.rejections[0].column, "rent");
  EXPECT_EQ(loaded.report.rejections[0].value, "x");
  EXPECT_EQ(loaded.report.rejections[0].record, record("A2", "rent", "\"x\""));
}

TEST(JsonReader, NonObjectsInTheArrayAreRejected) {
  const std::string text = "[\n" + record("A1") + ",\n42,\n\"A2\",\nnull,\n[1, {\"a\": 2}],\n" + record("A3") + "\n]";
  // Lines: 2 A1, 3 the number, 4 the string, 5 null, 6 an array, 7 A3.
  const LoadedDataset loaded = load(text);
  expect_counts_add_up(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 2u);
  ASSERT_EQ(loaded.report.rejections.size(), 4u);
  const std::vector<std::uint64_t> lines = {3, 4, 5, 6};
  const std::vector<std::string> found = {"a number", "a string", "null", "an array"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(loaded.report.rejections[i].line, lines[i]);
    EXPECT_EQ(loaded.report.rejections[i].reason, "expected an object (one allocations record), found " + found[i]);
  }
  EXPECT_EQ(loaded.data.source_line(1), 7u);
}

TEST(JsonReader, JsonLinesRejectsOnlyTheBrokenLine) {
  const std::string text = record("A1") + "\n" + "{\"allocation_id\": \"A2\", \n" + record("A3") + "\r\n" +
                           "   \n" + "[1]\n" + record("A4") + "\n";
  // Line 1 A1, line 2 broken, line 3 A3 (CRLF), line 4 blank, line 5 an array, line 6 A4.
  const LoadedDataset loaded = load(text);
  expect_counts_add_up(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 3u);
  ASSERT_EQ(loaded.report.rejections.size(), 2u);
  EXPECT_EQ(loaded.report.rejections[0].line, 2u);
  EXPECT_NE(loaded.report.rejections[0].reason.find("not valid JSON: syntax error"), std::string::npos)
      << loaded.report.rejections[0].reason;
  EXPECT_EQ(loaded.report.rejections[0].record, "{\"allocation_id\": \"A2\",");
  EXPECT_EQ(loaded.report.rejections[1].line, 5u);
  EXPECT_EQ(loaded.report.rejections[1].reason, "expected an object (one allocations record), found an array");
  EXPECT_EQ(loaded.data.source_line(2), 6u);
}

TEST(JsonReader, AbsentRequiredKeyInOneRecordIsARejection) {
  // Another record has rent, so the file names the column: this record just lacks its value.
  const LoadedDataset loaded = load(record("A1") + "\n" + record("A2", "rent", "") + "\n");
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 2u);
  EXPECT_EQ(loaded.report.rejections[0].column, "rent");
  EXPECT_EQ(loaded.report.rejections[0].reason, "missing required value");
}

TEST(JsonReader, DuplicateIdsAcrossRecords) {
  const LoadedDataset loaded = load("[" + record("A1") + ",\n" + record("A1") + "]");
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 2u);
  EXPECT_EQ(loaded.report.rejections[0].reason, "duplicate allocation_id 'A1' (first on line 1)");
}

TEST(JsonReader, StockCompositeKey) {
  const std::string a = R"({"dwelling_id": "V1", "snapshot_date": "2025-01-01", "corporation": "C", )"
                        R"("municipality": "T", "segment": "sociaal", "daeb": true, "rent": 600, "energy_label": "E"})";
  const LoadedDataset loaded = load(a + "\n" + a + "\n", stock());
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 2u);
  EXPECT_EQ(loaded.report.rejections[0].column, "dwelling_id, snapshot_date");
}

TEST(JsonReader, UnknownKeysAreNotedOnce) {
  const LoadedDataset loaded =
      load("[" + record("A1", "energie_label", "\"C\"") + "," + record("A2", "energie_label", "\"D\"") + "]");
  EXPECT_EQ(loaded.report.rows_accepted, 2u);
  ASSERT_EQ(loaded.report.notes.size(), 1u);
  EXPECT_EQ(loaded.report.notes[0],
            "key 'energie_label' is not part of allocations; ignored (did you mean 'energy_label'?)");
}

TEST(JsonReader, KeysInAnyOrder) {
  const LoadedDataset loaded = load(
      "[" + record("A1") +
      R"(, {"channel": "regulier", "applicant_age": 34, "household_income": 31000, "household_size": 2,
           "rent": 612.35, "daeb": true, "segment": "sociaal", "dwelling_id": "V", "contract_date": "2026-03-31",
           "municipality": "Dordrecht", "corporation": "Trivire", "allocation_id": "A2"}])");
  ASSERT_EQ(loaded.report.rows_accepted, 2u);
  EXPECT_EQ(loaded.data.record_id(1), "A2");
  EXPECT_EQ(loaded.data.cell_text(12, 1), "31000.00");
}

// ---------------------------------------------------------------------------------------------
// File-level errors

struct FileErrorCase {
  std::string label;
  std::string text;
  std::string message_part;
};

std::ostream& operator<<(std::ostream& out, const FileErrorCase& c) { return out << c.label; }

class JsonFileErrorTest : public testing::TestWithParam<FileErrorCase> {};

TEST_P(JsonFileErrorTest, ThrowsDataFileError) {
  try {
    load(GetParam().text);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find(GetParam().message_part), std::string::npos) << error.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, JsonFileErrorTest,
    testing::Values(
        FileErrorCase{"empty", "", "export.json:1: the file is empty"},
        FileErrorCase{"only_whitespace", " \n\t\n", "the file is empty"},
        FileErrorCase{"a_number", "\n42", "export.json:2: expected a JSON array of objects ('[') or JSON Lines"},
        FileErrorCase{"syntax_error_in_array", "[\n" + record("A1") + ",\n{\"rent\": 612,,}\n]",
                      "export.json:3: not valid JSON: syntax error"},
        FileErrorCase{"unterminated_array", "[\n" + record("A1") + ",\n", "export.json:3: not valid JSON"},
        FileErrorCase{"trailing_garbage", "[" + record("A1") + "] x", "not valid JSON"},
        FileErrorCase{"invalid_utf8_in_array", "[\n" + record("A1") + ",\n" + record("A2", "kern", "\"Caf\xE9\"") + "]",
                      "export.json:3: not valid UTF-8 (JSON is UTF-8, RFC 8259): holds byte 0xE9, which is "
                      "'\xC3\xA9' in Windows-1252; is the file Windows-1252? then say --encoding cp1252"},
        FileErrorCase{"required_key_in_no_record",
                      "[" + record("A1", "rent", "") + "," + record("A2", "rent", "") + "]",
                      "export.json: no record has the required key 'rent'"},
        FileErrorCase{"misspelt_key_named",
                      "[" + record("A1", "rent", "") + "," + record("A2", "rent", "").insert(1, "\"rnet\": 1, ") + "]",
                      "keys not read: 'rnet'"}),
    [](const testing::TestParamInfo<FileErrorCase>& param_info) { return param_info.param.label; });

TEST(JsonReader, InvalidUtf8LineIsRejectedNamingTheByte) {
  // JSON is UTF-8 whatever the bytes (nothing is detected): a JSON Lines line with the euro sign of
  // Windows-1252 (0x80) is rejected alone, and the reason says what the byte is.
  const LoadedDataset loaded =
      load(record("A1") + "\n" + record("A2", "household_income", "\"\x80 31000.00\"") + "\n" + record("A3"));
  expect_counts_add_up(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 2u);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 2u);
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "not valid UTF-8 (JSON is UTF-8, RFC 8259): holds byte 0x80, which is '\xE2\x82\xAC' in Windows-1252; is "
            "the file Windows-1252? then say --encoding cp1252");
  EXPECT_EQ(loaded.report.encoding, "utf-8");
  EXPECT_FALSE(loaded.report.encoding_detected);
}

TEST(JsonReader, StatedWindows1252IsConvertedAndReportedAsStated) {
  JsonOptions options;
  options.encoding = Encoding::Windows1252;
  const LoadedDataset loaded = load("[" + record("A1", "kern", "\"Caf\xE9\"") + "]", allocations(), options);
  ASSERT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.data.cell_text(*allocations().column_index("kern"), 0), "Caf\xC3\xA9");
  EXPECT_EQ(loaded.report.encoding, "windows-1252");
  EXPECT_FALSE(loaded.report.encoding_detected);
}

TEST(JsonReader, EmptyArrayIsZeroRows) {
  const LoadedDataset loaded = load("[]");
  EXPECT_EQ(loaded.report.rows_read, 0u);
}

TEST(JsonReader, ByteOrderMarkIsSkipped) {
  EXPECT_EQ(load("\xEF\xBB\xBF[" + record("A1") + "]").report.rows_accepted, 1u);
}

TEST(JsonReader, Windows1252WhenStated) {
  JsonOptions options;
  options.encoding = Encoding::Windows1252;
  const LoadedDataset loaded = load("[" + record("A1", "kern", "\"Caf\xE9\"") + "]", allocations(), options);
  ASSERT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.data.cell_text(3, 0), "Caf\xC3\xA9");
}

TEST(JsonReader, DecimalCommaInStringsWhenStated) {
  JsonOptions options;
  options.decimal = DecimalMark::Comma;
  // Strings follow the stated mark; numbers stay JSON numbers.
  const LoadedDataset loaded =
      load("[" + record("A1", "household_income", "\"31.000,50\"") + "]", allocations(), options);
  ASSERT_EQ(loaded.report.rows_accepted, 1u) << loaded.report.rejections[0].reason;
  EXPECT_EQ(loaded.data.cell_text(12, 0), "31000.50");
  EXPECT_EQ(loaded.data.cell_text(10, 0), "612.35");
}

TEST(JsonReader, ManyRecordsKeepExactCents) {
  // 5000 records with rents 400.00 .. and cents i % 100: the last, i = 4999, is 400 + 4999 % 500 =
  // 899 euros and 4999 % 100 = 99 cents.
  std::string text = "[";
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) text += ",\n";
    const int cents = i % 100;
    text += record("ID" + std::to_string(i), "rent",
                   std::to_string(400 + i % 500) + "." + (cents < 10 ? "0" : "") + std::to_string(cents));
  }
  text += "]";
  const LoadedDataset loaded = load(text);
  expect_counts_add_up(loaded);
  ASSERT_EQ(loaded.report.rows_accepted, 5000u);
  EXPECT_EQ(loaded.data.cell_text(10, 4999), "899.99");
  EXPECT_EQ(loaded.data.column(10).cents[1], 40101);  // i = 1: 401 euros, 1 cent
  EXPECT_EQ(loaded.data.source_line(4999), 5000u);
}

}  // namespace
}  // namespace toets
