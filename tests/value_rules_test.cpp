// What a value can be (docs/data-input.md, "Values" and "Plausible values"): the cell readers'
// numbers at their limits, thousands groups that must add up, blank cells, and one spelling per
// name in the grouped columns. Expected values are worked out by hand.

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "engine/data/cell_values.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/input/group_keys.hpp"
#include "engine/input/input.hpp"
#include "engine/base/unicode_text.hpp"

namespace toets {
namespace {

using cell_values::ParseResult;

constexpr std::int64_t kMaxCents = std::numeric_limits<std::int64_t>::max();

// ---------------------------------------------------------------------------------------------
// The readers' own limits, below the plausible ranges: no column accepts these values, but they
// must be read exactly (a range is judged on the value read).

TEST(CellValues, AmountsAreReadExactlyToTheLimitOfSixtyFourBits) {
  std::int64_t cents = 0;
  EXPECT_EQ(cell_values::parse_money("92233720368547758.07", cents), ParseResult::Ok);
  EXPECT_EQ(cents, kMaxCents);
  EXPECT_EQ(cell_values::parse_money("-92233720368547758.07", cents), ParseResult::Ok);
  EXPECT_EQ(cents, -kMaxCents);
  EXPECT_EQ(cell_values::parse_money("92233720368547758.08", cents), ParseResult::OutOfRange);
  EXPECT_EQ(cell_values::parse_money("-0", cents), ParseResult::Ok);
  EXPECT_EQ(cents, 0);
  EXPECT_EQ(cell_values::parse_money_export("92.233.720.368.547.758,07", ',', cents), ParseResult::Ok);
  EXPECT_EQ(cents, kMaxCents);
  EXPECT_EQ(cell_values::parse_money_export("1234567890123456,78", ',', cents), ParseResult::Ok);
  EXPECT_EQ(cents, 123456789012345678);
}

TEST(CellValues, NegativeAmountsReadInEveryFormExportsWrite) {
  std::int64_t cents = 0;
  for (const char* text : {"-\xE2\x82\xAC 5,00", "\xE2\x82\xAC -5,00", "\xE2\x82\xAC-5", "-5", "-5,00 \xE2\x82\xAC"}) {
    cents = 0;
    EXPECT_EQ(cell_values::parse_money_export(text, ',', cents), ParseResult::Ok) << text;
    EXPECT_EQ(cents, -500) << text;
  }
  EXPECT_EQ(cell_values::parse_money_export("-0,05", ',', cents), ParseResult::Ok);
  EXPECT_EQ(cents, -5);
}

TEST(CellValues, WholeNumbersReadToTheLimitOfThirtyTwoBits) {
  std::int64_t value = 0;
  EXPECT_EQ(cell_values::parse_int("2147483647", value), ParseResult::Ok);
  EXPECT_EQ(value, 2147483647);
  EXPECT_EQ(cell_values::parse_int("2147483648", value), ParseResult::OutOfRange);
  EXPECT_EQ(cell_values::parse_int_export("2.147.483.647", ',', value), ParseResult::Ok);
  EXPECT_EQ(value, 2147483647);
}

TEST(CellValues, DatesReadFromYearOneToYear9999) {
  std::int64_t days = 0;
  EXPECT_EQ(cell_values::parse_date("0001-01-01", days), ParseResult::Ok);
  EXPECT_EQ(days, days_from_civil(1, 1, 1));
  EXPECT_EQ(cell_values::parse_date_export("31-12-9999", days), ParseResult::Ok);
  EXPECT_EQ(days, days_from_civil(9999, 12, 31));
}

// ---------------------------------------------------------------------------------------------
// Thousands groups: one mark groups, in threes, after a first group of 1 to 3 digits that is not
// 0; anything else is not a smaller number but a mistake.

struct GroupingCase {
  const char* text;
  char decimal;
  ParseResult result;
  std::int64_t cents;  // when Ok
};

class Grouping : public testing::TestWithParam<GroupingCase> {};

TEST_P(Grouping, AmountsGroupConsistentlyOrAreRejected) {
  const GroupingCase& c = GetParam();
  std::int64_t cents = -1;
  EXPECT_EQ(cell_values::parse_money_export(c.text, c.decimal, cents), c.result) << c.text;
  if (c.result == ParseResult::Ok) {
    EXPECT_EQ(cents, c.cents) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Grouping,
    testing::Values(GroupingCase{"1.234,56", ',', ParseResult::Ok, 123456},
                    GroupingCase{"\xE2\x82\xAC 1.234,56", ',', ParseResult::Ok, 123456},
                    GroupingCase{"1234,56", ',', ParseResult::Ok, 123456},
                    GroupingCase{"1234.56", '.', ParseResult::Ok, 123456},
                    GroupingCase{"1,234.56", '.', ParseResult::Ok, 123456},
                    GroupingCase{"12.345.678,90", ',', ParseResult::Ok, 1234567890},
                    GroupingCase{"0,29", ',', ParseResult::Ok, 29},
                    GroupingCase{"0612,35", ',', ParseResult::Ok, 61235},
                    GroupingCase{"0.001,00", ',', ParseResult::BadGrouping, 0},
                    GroupingCase{"0,612.35", '.', ParseResult::BadGrouping, 0},
                    GroupingCase{"1.23.4", ',', ParseResult::BadGrouping, 0},
                    GroupingCase{"1.2345,00", ',', ParseResult::BadGrouping, 0},
                    GroupingCase{"12.34,56", ',', ParseResult::BadGrouping, 0},
                    GroupingCase{"1234.567,00", ',', ParseResult::BadGrouping, 0},
                    GroupingCase{"1..234,00", ',', ParseResult::BadGrouping, 0},
                    GroupingCase{"1,23,456.00", '.', ParseResult::BadGrouping, 0}),
    [](const testing::TestParamInfo<GroupingCase>& param_info) { return "case_" + std::to_string(param_info.index); });

TEST(CellValues, AWholeNumberGroupsAsAnAmountDoes) {
  std::int64_t value = 0;
  EXPECT_EQ(cell_values::parse_int_export("1.200", ',', value), ParseResult::Ok);
  EXPECT_EQ(value, 1200);
  EXPECT_EQ(cell_values::parse_int_export("0.002", ',', value), ParseResult::BadGrouping);
  EXPECT_EQ(cell_values::parse_int_export("1.20", ',', value), ParseResult::BadGrouping);
  EXPECT_EQ(cell_values::parse_int_export("0.002", '.', value), ParseResult::Malformed);
}

// ---------------------------------------------------------------------------------------------
// Blank text, one spelling, letter case

TEST(UnicodeText, WhiteSpaceAndInvisibleCharactersAreBlank) {
  for (const char* text : {"", " ", "\t", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D",
                           "\xE2\x81\xA0", "\xEF\xBB\xBF", "\xE2\x80\x87", "\xE2\x80\xAF", "\xC2\xAD", "\r\n",
                           " \xC2\xA0\t\xE2\x80\x8B\xE3\x80\x80 "}) {
    EXPECT_TRUE(is_blank_text(text)) << visible_text(text);
  }
  for (const char* text : {"a", " . ", "\xC2\xA0x", "0", "\xE2\x82\xAC", "\x81", "\xC2"}) {
    EXPECT_FALSE(is_blank_text(text)) << visible_text(text);
  }
}

TEST(UnicodeText, ANameHasOneSpelling) {
  EXPECT_EQ(normalise_name("Woonbron"), "Woonbron");
  EXPECT_EQ(normalise_name("  Woon   bron "), "Woon bron");
  EXPECT_EQ(normalise_name("Woon\xC2\xA0" "bron"), "Woon bron");
  EXPECT_EQ(normalise_name("Woon\xE2\x80\x8B" "bron\xEF\xBB\xBF"), "Woonbron");
  EXPECT_EQ(normalise_name("Den\xE3\x80\x80Haag\t"), "Den Haag");
  EXPECT_EQ(normalise_name("Noord\r\nZuid"), "Noord Zuid");
  // NFC: a letter and its combining mark are the composed letter, marks in canonical order.
  EXPECT_EQ(normalise_name("Cafe\xCC\x81"), "Caf\xC3\xA9");                      // e + U+0301 = é
  EXPECT_EQ(normalise_name("Zu\xCC\x88id"), "Z\xC3\xBCid");                       // u + U+0308 = ü
  EXPECT_EQ(normalise_name("a\xCC\x82\xCC\xA3"), "\xE1\xBA\xAD");                  // a + ^ + dot below = ậ
  EXPECT_EQ(normalise_name("a\xCC\xA3\xCC\x82"), "\xE1\xBA\xAD");                  // the same, marks swapped
  EXPECT_EQ(normalise_name("\xC3\xAA\xCC\xA3"), "\xE1\xBB\x87");                   // ê + dot below = ệ
  EXPECT_EQ(normalise_name("\xE2\x84\xAB"), "\xC3\x85");                           // Angstrom sign = Å
  EXPECT_EQ(normalise_name("x\xCC\x81"), "x\xCC\x81");                             // no composed letter: kept
  EXPECT_EQ(normalise_name("\xD0\x9C\xD0\xBE"), "\xD0\x9C\xD0\xBE");               // other scripts: kept
}

TEST(UnicodeText, LetterCaseFoldsForLatinGreekAndCyrillic) {
  EXPECT_EQ(fold_case("WOONBRON"), "woonbron");
  EXPECT_EQ(fold_case("\xC3\x89\xC3\x89N"), "\xC3\xA9\xC3\xA9n");  // ÉÉN
  EXPECT_EQ(fold_case("\xC5\x81\xC3\x93" "D\xC5\xB9"), "\xC5\x82\xC3\xB3" "d\xC5\xBA");  // ŁÓDŹ
  EXPECT_EQ(fold_case("\xD0\x9C\xD0\x9E"), "\xD0\xBC\xD0\xBE");  // МО
}

TEST(UnicodeText, VisibleTextShowsWhatAnEyeCannot) {
  EXPECT_EQ(visible_text("Woon\xC2\xA0" "bron\xE2\x80\x8B"), "Woon\\u00A0bron\\u200B");
  EXPECT_EQ(visible_text("a\tb\x81"), "a\\x09b\\x81");
  EXPECT_EQ(visible_text("Caf\xC3\xA9 Noord"), "Caf\xC3\xA9 Noord");
  EXPECT_EQ(visible_text("Cafe\xCC\x81"), "Cafe\\u0301");
}

// ---------------------------------------------------------------------------------------------
// The grouped columns of a load

const std::string kHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

std::string let(const std::string& id, const std::string& corporation, const std::string& kern = "") {
  return id + "," + corporation + ",Dordrecht," + kern + ",,2026-03-01,V" + id +
         ",sociaal,true,false,612.35,1,30000.00,40,regulier,C\n";
}

std::vector<std::string> corporations(const LoadedDataset& loaded) {
  const std::uint32_t column = *loaded.data.schema().column_index("corporation");
  std::vector<std::string> out;
  for (std::size_t row = 0; row < loaded.data.row_count(); ++row) out.push_back(loaded.data.cell_text(column, row));
  return out;
}

TEST(GroupKeys, SpellingsThatOnlyLookDifferentAreOneNameInTheFirstSpelling) {
  const LoadedDataset loaded = read_csv_text(
      *find_dataset("allocations"),
      kHeader + let("A1", "Woonbron") + let("A2", "Trivire") + let("A3", "WOONBRON") +
          let("A4", "\"Woonbron\xC2\xA0\"") + let("A5", "Woon\xE2\x80\x8B" "bron") + let("A6", "trivire") +
          let("A7", "\" Woonkracht10  \""),
      "lets.csv");
  ASSERT_EQ(loaded.report.rows_accepted, 7u);
  EXPECT_EQ(corporations(loaded), (std::vector<std::string>{"Woonbron", "Trivire", "Woonbron", "Woonbron", "Woonbron",
                                                            "Trivire", "Woonkracht10"}));
  const ColumnData& column = loaded.data.column(*loaded.data.schema().column_index("corporation"));
  EXPECT_EQ(column.dictionary.size(), 3u);  // three groups, not six
  EXPECT_EQ(loaded.report.notes,
            (std::vector<std::string>{
                "corporation: 'Woonbron' (line 2), 'WOONBRON' (line 4), 'Woonbron\\u00A0' (line 5) and "
                "'Woon\\u200Bbron' (line 6) are taken as one name, 'Woonbron': they differ only in letter case, "
                "spaces or invisible characters",
                "corporation: 'Trivire' (line 3) and 'trivire' (line 7) are taken as one name, 'Trivire': they "
                "differ only in letter case, spaces or invisible characters"}));
}

TEST(GroupKeys, ANameAloneInItsSpellingIsTidiedWithoutANote) {
  const LoadedDataset loaded =
      read_csv_text(*find_dataset("allocations"), kHeader + let("A1", "\"Den  Haag\"") + let("A2", "Trivire", "Cafe\xCC\x81"),
                    "lets.csv");
  EXPECT_EQ(corporations(loaded), (std::vector<std::string>{"Den Haag", "Trivire"}));
  EXPECT_EQ(loaded.data.cell_text(*loaded.data.schema().column_index("kern"), 1), "Caf\xC3\xA9");
  EXPECT_TRUE(loaded.report.notes.empty());
}

TEST(GroupKeys, ABlankRequiredNameIsMissingAndABlankOptionalOneEmpty) {
  const LoadedDataset loaded = read_csv_text(*find_dataset("allocations"),
                                             kHeader + let("A1", "\"\xC2\xA0\"") + let("A2", "\" \"") +
                                                 let("A3", "\xE2\x80\x8B") + let("A4", "Trivire", "\xE3\x80\x80"),
                                             "lets.csv");
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.report.rejections.size(), 3u);
  for (const Rejection& rejection : loaded.report.rejections) {
    EXPECT_EQ(rejection.column, "corporation");
    EXPECT_EQ(rejection.reason, "missing required value");
    EXPECT_EQ(rejection.why.kind, ReasonKind::MissingValue);
  }
  EXPECT_EQ(loaded.data.cell_text(*loaded.data.schema().column_index("kern"), 0), "");
}

TEST(GroupKeys, TheSameSpellingsReadTheSameInChunksAsWhole) {
  // 4000 rows in small chunks: names first seen in a later chunk still join the first spelling.
  std::string csv = kHeader;
  for (int i = 0; i < 4000; ++i) {
    csv += let("A" + std::to_string(i), i % 2 == 0 ? "Woonbron" : (i % 3 == 0 ? "WOONBRON" : "woonbron"));
  }
  CsvOptions options;
  options.chunk_bytes = 4096;
  options.threads = 3;
  const LoadedDataset loaded = read_csv_text(*find_dataset("allocations"), csv, "lets.csv", options);
  const ColumnData& column = loaded.data.column(*loaded.data.schema().column_index("corporation"));
  EXPECT_EQ(column.dictionary.size(), 1u);
  EXPECT_EQ(column.dictionary.value(0), "Woonbron");
  ASSERT_EQ(loaded.report.notes.size(), 1u);
  EXPECT_EQ(loaded.report.notes[0],
            "corporation: 'Woonbron' (line 2), 'woonbron' (line 3) and 'WOONBRON' (line 5) are taken as one name, "
            "'Woonbron': they differ only in letter case, spaces or invisible characters");
}

}  // namespace
}  // namespace toets
