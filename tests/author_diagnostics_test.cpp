// Diagnostics for the mistakes rule authors make most: numbers written the Dutch way, a block
// whose '}' is missing (each case: the rule text, the diagnostic it must give, with its location,
// and the misleading one it gave before, which must be gone), and a parameter table that lacks a
// year of the rule set's period. Spellings, locations and years are worked out by hand.

#include <gtest/gtest.h>

#include <sstream>

#include "dsl/check/checker.hpp"
#include "dsl/syntax/number_hints.hpp"

namespace toets {
namespace {

// Snippets start on line 2.
const std::string kHeader = "ruleset t { title \"t\" }\n";

std::string diagnostics_of(const std::string& snippet) {
  Diagnostics diagnostics;
  const auto rules = check_rule_text("t.toets", kHeader + snippet, diagnostics);
  std::ostringstream text;
  diagnostics.print(text);
  EXPECT_EQ(rules, nullptr) << text.str();
  return text.str();
}

struct HintCase {
  const char* name;
  const char* text;
  const char* expected;  // a substring of the output
  const char* gone;      // must not be in the output
};
void PrintTo(const HintCase& c, std::ostream* os) { *os << c.name; }
std::string case_name(const testing::TestParamInfo<HintCase>& info) { return info.param.name; }

#define EURO "\xE2\x82\xAC"

class AuthorMistake : public testing::TestWithParam<HintCase> {};

TEST_P(AuthorMistake, IsReportedWhereItIsWithTheFix) {
  const std::string output = diagnostics_of(GetParam().text);
  EXPECT_NE(output.find(GetParam().expected), std::string::npos) << output;
  EXPECT_EQ(output.find(GetParam().gone), std::string::npos) << output;
}

INSTANTIATE_TEST_SUITE_P(
    DutchNumbers, AuthorMistake,
    testing::Values(
        HintCase{"percentage_threshold",
                 "rule X \"t\" {\n  over allocations\n  measure share(daeb)\n  signal when measure > 7,5%\n}\n",
                 "t.toets:5:25: error: '7,5%' has a decimal comma: write 7.5%; rule files use a decimal point",
                 "expected a rule clause"},
        HintCase{"amount_with_thousands_and_space",
                 "rule X \"t\" {\n  over allocations\n  measure avg(rent)\n  signal when measure > " EURO " 1.234,56\n}\n",
                 "t.toets:5:25: error: '" EURO " 1.234,56' is written the Dutch way: write " EURO
                 "1234.56; rule files use a decimal point and no thousands separator",
                 "expected a rule clause"},
        HintCase{"amount_split_into_two_arguments",
                 "rule X \"t\" {\n  over allocations\n  measure share(rent > " EURO "700,50)\n"
                 "  signal when measure > 5%\n}\n",
                 "t.toets:4:24: error: '" EURO "700,50' has a decimal comma: write " EURO "700.50",
                 "share() takes one argument"},
        HintCase{"amount_in_a_where_clause",
                 "rule X \"t\" {\n  over allocations where rent > " EURO "700,50 and daeb\n  measure count\n"
                 "  breach when measure > 1\n}\n",
                 "t.toets:3:33: error: '" EURO "700,50' has a decimal comma: write " EURO "700.50",
                 "found ','"},
        HintCase{"parameter", "param space = 7,5%\n",
                 "t.toets:2:15: error: '7,5%' has a decimal comma: write 7.5%", "top-level declaration"},
        HintCase{"table_rows_on_one_line",
                 "table t(year, household_size) : money {\n  2026 { 1: " EURO "700,50, 2+: " EURO "800 }\n}\n",
                 "t.toets:3:13: error: '" EURO "700,50' has a decimal comma: write " EURO "700.50",
                 "expected ':'"},
        HintCase{"table_row_per_line",
                 "table t(year) : money {\n  2026: " EURO "700,50\n  2027: " EURO "800\n}\n",
                 "t.toets:3:9: error: '" EURO "700,50' has a decimal comma: write " EURO "700.50",
                 "expected ':'"},
        HintCase{"table_lookup_split_into_two_keys",
                 "table t(year) : money {\n  2026: " EURO "7\n}\n"
                 "rule X \"t\" {\n  over allocations where rent > t(2026,5)\n  measure count\n"
                 "  breach when measure > 1\n}\n",
                 "t.toets:6:35: error: '2026,5' has a decimal comma: write 2026.5", "takes 1 argument"},
        HintCase{"points_between_thousands",
                 "rule X \"t\" {\n  over allocations\n  measure avg(rent)\n  signal when measure > " EURO
                 "1.234.567\n}\n",
                 "t.toets:5:25: error: '" EURO "1.234.567' has points between thousands: write " EURO
                 "1234567; rule files use no thousands separator",
                 "expected a rule clause"},
        HintCase{"one_point_three_decimals_gets_a_note",
                 "rule X \"t\" {\n  over allocations\n  measure avg(rent)\n  signal when measure > " EURO "1.234\n}\n",
                 "  note: if the point separates thousands, write " EURO "1234; rule files use no thousands separator",
                 "decimal comma"}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    UnclosedBlocks, AuthorMistake,
    testing::Values(
        HintCase{"rule_before_the_next_rule",
                 "rule A \"t\" {\n  over allocations\n  measure count\n  breach when measure > 1\n\n"
                 "rule B \"t\" {\n  over allocations\n  measure count\n  breach when measure > 1\n}\n",
                 "t.toets:2:12: error: rule A: this '{' is never closed; add '}' after the rule's last clause\n"
                 "  rule A \"t\" {\n"
                 "             ^\n"
                 "  note: 'rule' at line 7 starts the next declaration before a '}'",
                 "t.toets:7:"},
        HintCase{"rule_at_the_end_of_the_file",
                 "rule \"Bijlage 2\" \"t {\" {\n  over allocations\n  measure count\n  breach when measure > 1\n",
                 "t.toets:2:24: error: rule \"Bijlage 2\": this '{' is never closed; add '}' after the rule's last "
                 "clause\n  rule \"Bijlage 2\" \"t {\" {\n                         ^\n"
                 "  note: the file ends before a '}'",
                 "expected a rule clause"},
        HintCase{"table", "table t(year) : int {\n  2026: 1\nparam p = 1\n",
                 "t.toets:2:21: error: table t: this '{' is never closed; add '}' after the table's last row",
                 "expected a table row"},
        HintCase{"table_row", "table t(year, household_size) : int {\n  2026 { 1: 1, 2+: 2\n}\nparam p = 1\n",
                 "t.toets:3:8: error: table t, row 2026: this '{' is never closed; add '}' after its last row",
                 "expected a table row"},
        HintCase{"ruleset_header", "ruleset u {\n  title \"u\"\nimport \"x.toets\"\n",
                 "t.toets:2:11: error: ruleset u: this '{' is never closed; add '}' after the header's last clause",
                 "expected a rule-set clause"},
        HintCase{"set_closed_by_the_rule_brace",
                 "rule A \"t\" {\n  over allocations\n  measure count\n  expect corporation in {\"P\", \"Q\"\n}\n"
                 "rule B \"t\" { over stock measure count breach when measure > 1 }\n",
                 "t.toets:5:25: error: rule A: this '{' is never closed; add '}'", "found 'rule'"}),
    case_name);

// ---- parameter tables that lack a year of the rule set's period (warnings at validate) ----

struct YearsCase {
  const char* name;
  const char* text;      // after a header valid 2026-01-01 to 2027-12-31; snippets start on line 2
  const char* expected;  // the warning, or "" for none
};
void PrintTo(const YearsCase& c, std::ostream* os) { *os << c.name; }

class TableYears : public testing::TestWithParam<YearsCase> {};

TEST_P(TableYears, WarnsAboutTheMissingYearsOnly) {
  Diagnostics diagnostics;
  const auto rules = check_rule_text("y.toets", "ruleset y { valid 2026-01-01 to 2027-12-31 }\n" + std::string(GetParam().text),
                                     diagnostics);
  std::ostringstream text;
  diagnostics.print(text);
  ASSERT_NE(rules, nullptr) << text.str();  // a warning, never an error
  if (std::string(GetParam().expected).empty()) {
    EXPECT_EQ(text.str(), "");
  } else {
    EXPECT_NE(text.str().find(GetParam().expected), std::string::npos) << text.str();
    EXPECT_EQ(diagnostics.all().size(), 1u) << text.str();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TableYears,
    testing::Values(
        YearsCase{"threshold_by_group_year_per_corporation",
                  "table plan(corporation, year) : int {\n  \"P\" { 2026: 1, 2027: 2 }\n  \"Q\" { 2026: 3 }\n}\n"
                  "rule X \"t\" {\n  over mutations\n  per corporation, year(date)\n  measure count\n"
                  "  signal when measure < plan(corporation, year)\n}\n",
                  "y.toets:10:25: warning: parameter table 'plan' has no entry for 2027 for corporation \"Q\", inside "
                  "the validity period of y; data of that year cannot be checked until it is added"},
        YearsCase{"year_as_second_key",
                  "table lim(household_size, year) : money {\n  1 { 2026: " EURO "1 }\n  2+ { 2026: " EURO "2, 2027: " EURO
                  "2 }\n}\nrule X \"t\" {\n  over allocations\n  measure share(rent > lim(household_size, "
                  "year(contract_date)))\n  breach when measure > 1%\n}\n",
                  "y.toets:8:24: warning: parameter table 'lim' has no entry for 2027 for household_size 1"},
        YearsCase{"year_first_as_before",
                  "table lim(year) : money {\n  2027: " EURO "1\n}\nrule X \"t\" {\n  over allocations\n"
                  "  measure share(rent > lim(year(contract_date)))\n  breach when measure > 1%\n}\n",
                  "y.toets:7:24: warning: parameter table 'lim' has no entry for 2026,"},
        YearsCase{"where_narrows_the_years",
                  "table plan(year) : int {\n  2027: 2\n}\nrule X \"t\" {\n  over mutations where year(date) >= 2027\n"
                  "  per year(date)\n  measure count\n  signal when measure < plan(year)\n}\n",
                  ""},
        YearsCase{"where_on_dates_narrows_the_years",
                  "table plan(year) : int {\n  2026: 2\n}\nrule X \"t\" {\n  over mutations where kind = sloop and "
                  "date < 2027-01-01\n  per year(date)\n  measure count\n  signal when measure < plan(year)\n}\n",
                  ""},
        YearsCase{"the_rules_own_period_narrows_the_years",
                  "table plan(year) : int {\n  2026: 2\n}\nrule X \"t\" {\n  valid until 2026-12-31\n  over mutations\n"
                  "  per year(date)\n  measure count\n  signal when measure < plan(year)\n}\n",
                  ""},
        YearsCase{"a_where_with_or_narrows_nothing",
                  "table plan(year) : int {\n  2026: 2\n}\nrule X \"t\" {\n  over mutations where year(date) <= 2026 or "
                  "kind = sloop\n  per year(date)\n  measure count\n  signal when measure < plan(year)\n}\n",
                  "has no entry for 2027,"},
        YearsCase{"every_year_present", "table plan(year) : int {\n  2026: 1\n  2027+: 2\n}\nrule X \"t\" {\n"
                  "  over mutations\n  per year(date)\n  measure count\n  signal when measure < plan(year)\n}\n",
                  ""}),
    [](const testing::TestParamInfo<YearsCase>& param_info) { return std::string(param_info.param.name); });

// A rule's own period leaves out the groups of other periods: without a period among its keys it
// leaves nothing out, and a law of 2021 would count the lets of 2026. Said where it is written.
TEST(OwnPeriod, WithoutAPeriodAmongTheKeysIsAWarning) {
  const auto diagnose = [](const std::string& per) {
    Diagnostics diagnostics;
    const auto rules = check_rule_text("p.toets", "ruleset p { title \"p\" }\nrule X \"t\" {\n  valid until 2021-12-31\n"
                                       "  over allocations\n" + per + "  measure count\n  breach when measure > 5\n}\n",
                                       diagnostics);
    std::ostringstream text;
    diagnostics.print(text);
    EXPECT_NE(rules, nullptr) << text.str();  // a warning, never an error
    return text.str();
  };
  EXPECT_NE(diagnose("  per corporation\n")
                .find("p.toets:3:3: warning: rule X's own period leaves no record out: none of its group keys is a "
                      "period (a year, a date)"),
            std::string::npos);
  EXPECT_NE(diagnose("").find("rule X's own period leaves no record out"), std::string::npos);
  EXPECT_EQ(diagnose("  per corporation, year(contract_date)\n"), "");
  EXPECT_EQ(diagnose("  per corporation, contract_date\n"), "");  // a date is a period
}

TEST(DutchNumber, IsFoundOnlyWhereItCanBeOne) {
  // A list of years and a call with two whole-number arguments are not Dutch numbers.
  EXPECT_FALSE(dutch_number_near("{2023,2024 x", 11));
  EXPECT_FALSE(dutch_number_near("f(1, 2)", 5));
  EXPECT_FALSE(dutch_number_near("12.5 x", 5));  // a decimal point is right
  const auto percent = dutch_number_near("> 12,75% }", 4);
  ASSERT_TRUE(percent);
  EXPECT_EQ(percent->written, "12,75%");
  EXPECT_EQ(percent->spelling, "12.75%");
  EXPECT_EQ(percent->begin, 2u);
}

}  // namespace
}  // namespace toets
