// The front end: parsing and checking rule text. Table-driven: each case is rule text and the
// diagnostic it must produce (or none). Wrong input is tested as often as right input.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dsl/check/checker.hpp"

namespace toets {
namespace {

// A header and a small table that every snippet can use; snippets start on line 5.
const std::string kPrelude =
    "ruleset t { title \"test\" }\n"
    "table limit(year, household_size) : money { 2026 { 1: \xE2\x82\xAC" "100, 2+: \xE2\x82\xAC" "200 } }\n"
    "param space = 7.5%\n"
    "param threshold_age = 67\n";

std::string diagnostics_of(const std::string& snippet, std::unique_ptr<CompiledRuleSet>* out = nullptr) {
  Diagnostics diagnostics;
  auto rules = check_rule_text("t.toets", kPrelude + snippet, diagnostics);
  std::ostringstream text;
  diagnostics.print(text);
  if (out != nullptr) *out = std::move(rules);
  return text.str();
}

struct Case {
  const char* name;
  const char* text;
  const char* expected;  // "" = no diagnostics; else a substring of the output
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }
std::string case_name(const testing::TestParamInfo<Case>& info) { return info.param.name; }

class CheckerAccepts : public testing::TestWithParam<Case> {};

TEST_P(CheckerAccepts, CompilesWithoutDiagnostics) {
  std::unique_ptr<CompiledRuleSet> rules;
  EXPECT_EQ(diagnostics_of(GetParam().text, &rules), "");
  ASSERT_NE(rules, nullptr);
  EXPECT_FALSE(rules->rules.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Valid, CheckerAccepts,
    testing::Values(
        Case{"share_two_thresholds",
             "rule F \"t\" { over allocations where daeb and segment = sociaal per corporation, year(contract_date)\n"
             " measure share(household_income > limit(year(contract_date), household_size))\n"
             " signal when measure > 7.5% breach when measure > 15% }",
             ""},
        Case{"dotted_id_and_count", "rule 2.2.4 \"t\" { over allocations measure count breach when measure > 180 }", ""},
        Case{"quoted_id", "rule \"Bijlage 2\" \"t\" { over allocations measure count breach when measure > 1 }", ""},
        Case{"param_threshold", "rule X \"t\" { over allocations measure share(daeb) breach when measure > space }", ""},
        Case{"membership_and_not",
             "rule X \"t\" { over allocations where not (channel in {urgent, \"statushouder\"}) and kern != \"Axel\"\n"
             " per kern measure share(channel not in {regulier, herstructurering}) breach when measure > 20% }",
             ""},
        Case{"deadline_with_exemption",
             "rule H \"t\" { over stock exempt monument per corporation measure count(energy_label in {E, F, G})\n"
             " target measure <= 0 by 2028-12-31 }",
             ""},
        Case{"half_year_quarter_month",
             "rule X \"t\" { over allocations per half_year(contract_date), quarter(contract_date), month(contract_date)\n"
             " measure avg(rent) signal when measure > \xE2\x82\xAC" "700 }",
             ""},
        Case{"arithmetic_and_missing",
             "rule X \"t\" { over allocations where rent * 2 + \xE2\x82\xAC" "10 <= \xE2\x82\xAC" "1500 and missing(kern)\n"
             " and applicant_age >= threshold_age measure max(household_income) breach when measure > \xE2\x82\xAC" "1 }",
             ""},
        Case{"comments_everywhere",
             "// a rule\nrule X \"t\" { /* block */ over projects // trailing\n measure sum(social_rent) signal when measure < 30 }",
             ""}),
    case_name);

class CheckerRejects : public testing::TestWithParam<Case> {};

TEST_P(CheckerRejects, ReportsTheMistakeWithItsLocation) {
  std::unique_ptr<CompiledRuleSet> rules;
  const std::string output = diagnostics_of(GetParam().text, &rules);
  EXPECT_NE(output.find(GetParam().expected), std::string::npos) << output;
  EXPECT_EQ(rules, nullptr);
}

INSTANTIATE_TEST_SUITE_P(
    Invalid, CheckerRejects,
    testing::Values(
        Case{"unknown_column_did_you_mean",
             "rule X \"t\" { over allocations measure share(houshold_income > \xE2\x82\xAC" "1) breach when measure > 1% }",
             "t.toets:5:45: error: unknown name 'houshold_income'"},
        Case{"did_you_mean_note",
             "rule X \"t\" { over allocations measure share(houshold_income > \xE2\x82\xAC" "1) breach when measure > 1% }",
             "note: did you mean 'household_income'?"},
        Case{"unknown_dataset", "rule X \"t\" { over alocations measure count breach when measure > 1 }",
             "t.toets:5:19: error: unknown dataset 'alocations'"},
        Case{"money_vs_date",
             "rule X \"t\" { over allocations where rent > contract_date measure count breach when measure > 1 }",
             "error: type mismatch: cannot compare money with date"},
        Case{"money_vs_int_hint",
             "rule X \"t\" { over allocations where rent > 700 measure count breach when measure > 1 }",
             "write amounts with the euro sign"},
        Case{"share_vs_count_threshold",
             "rule X \"t\" { over allocations measure share(daeb) breach when measure > 15 }",
             "type mismatch: the measure is a share, this threshold is int"},
        Case{"never_fires_above_100",
             "rule X \"t\" { over allocations measure share(daeb) breach when measure > 100% }",
             "this threshold can never fire"},
        Case{"never_fires_negative_count",
             "rule X \"t\" { over allocations measure count breach when measure < 0 }", "this threshold can never fire"},
        Case{"shadowed_signal",
             "rule X \"t\" { over allocations measure share(daeb) signal when measure > 20% breach when measure > 15% }",
             "this signal can never fire"},
        Case{"duplicate_rule_id",
             "rule X \"t\" { over allocations measure count breach when measure > 1 }\n"
             "rule X \"u\" { over allocations measure count breach when measure > 1 }",
             "t.toets:6:1: error: duplicate rule id 'X'"},
        Case{"unknown_enum_value",
             "rule X \"t\" { over allocations where segment = socaal measure count breach when measure > 1 }",
             "'socaal' is not a value of segment"},
        Case{"unquoted_text", "rule X \"t\" { over allocations where kern = Axel measure count breach when measure > 1 }",
             "text values are quoted"},
        Case{"unknown_table", "rule X \"t\" { over allocations where rent > limt(2026, 1) measure count breach when measure > 1 }",
             "unknown function or parameter table 'limt'"},
        Case{"table_arity", "rule X \"t\" { over allocations where rent > limit(2026) measure count breach when measure > 1 }",
             "limit() takes 2 arguments, not 1"},
        Case{"table_without_call", "rule X \"t\" { over allocations where rent > limit measure count breach when measure > 1 }",
             "is a parameter table; look a value up with limit(year, household_size)"},
        Case{"no_over", "rule X \"t\" { measure count breach when measure > 1 }", "has no 'over' clause"},
        Case{"no_measure", "rule X \"t\" { over allocations breach when measure > 1 }", "has no 'measure' clause"},
        Case{"no_threshold", "rule X \"t\" { over allocations measure count }", "has no threshold and no target"},
        Case{"two_overs", "rule X \"t\" { over allocations over stock measure count breach when measure > 1 }",
             "a second 'over' clause"},
        Case{"target_needs_snapshots",
             "rule X \"t\" { over allocations measure count target measure <= 0 by 2028-12-31 }",
             "a target is projected over snapshots"},
        Case{"target_and_threshold",
             "rule X \"t\" { over stock measure count breach when measure > 1 target measure <= 0 by 2028-12-31 }",
             "either thresholds (signal/breach) or a target"},
        Case{"bad_date", "rule X \"t\" { over stock measure count target measure <= 0 by 2028-02-30 }",
             "'2028-02-30' is not a date"},
        Case{"where_not_bool", "rule X \"t\" { over allocations where rent measure count breach when measure > 1 }",
             "the 'where' condition must be true or false, but this is money"},
        Case{"share_of_money", "rule X \"t\" { over allocations measure share(rent) breach when measure > 1% }",
             "the argument of share() must be true or false"},
        Case{"measure_in_filter",
             "rule X \"t\" { over allocations where share(daeb) measure count breach when measure > 1 }",
             "share() is a measure; it can only follow 'measure'"},
        Case{"percentage_in_row", "rule X \"t\" { over allocations where rent > 5% measure count breach when measure > 1 }",
             "a percentage can only be a threshold"},
        Case{"group_by_money", "rule X \"t\" { over allocations per rent measure count breach when measure > 1 }",
             "cannot group by an amount"},
        Case{"year_of_text", "rule X \"t\" { over allocations per year(kern) measure count breach when measure > 1 }",
             "'kern' is text, not a date"},
        Case{"id_column_compared", "rule X \"t\" { over allocations where dwelling_id = \"x\" measure count breach when measure > 1 }",
             "is a record id"},
        Case{"syntax_expected_expression", "rule X \"t\" { over allocations where daeb and\n measure count }",
             "t.toets:6:2: error: expected an expression, found 'measure'"},
        Case{"syntax_expected_when", "rule X \"t\" { over allocations measure count breach measure > 1 }",
             "error: expected 'when', found 'measure'"},
        Case{"syntax_unclosed_rule", "rule X \"t\" { over allocations measure count breach when measure > 1",
             "t.toets:5:12: error: rule X: this '{' is never closed; add '}' after the rule's last clause"},
        Case{"syntax_bad_toplevel", "rul X \"t\" { }", "t.toets:5:1: error: expected a top-level declaration"},
        Case{"override_unknown", "override param nothing = 15%", "no imported parameter of that name"},
        Case{"param_twice", "param space = 10%", "parameter 'space' is declared twice"},
        Case{"table_overlap", "table t2(year) : int { 2026: 1 2026: 2 }", "overlaps an earlier one"},
        Case{"table_wrong_value_type", "table t2(year) : money { 2026: 5% }", "holds money, this value is percentage"},
        Case{"table_missing_level", "table t2(year, household_size) : int { 2026: 1 }", "with a row per household_size"},
        Case{"decimal_number", "rule X \"t\" { over allocations where household_size > 1.5 measure count breach when measure > 1 }",
             "a number with decimals"},
        Case{"baseline_without_clause",
             "rule X \"t\" { over stock per snapshot_date measure count breach when measure < baseline }",
             "'baseline' needs a 'baseline DATE' clause"},
        Case{"previous_without_period", "rule X \"t\" { over stock per corporation measure count breach when measure < previous }",
             "'previous' compares periods"},
        Case{"group_table_not_a_key",
             "table cap(corporation) : int { \"P\": 1 }\n"
             "rule X \"t\" { over stock per corporation measure count breach when measure > cap(kern) }",
             "takes the rule's group keys"},
        Case{"text_table_in_row",
             "table cap(corporation) : int { \"P\": 1 }\n"
             "rule X \"t\" { over allocations where household_size > cap(corporation) measure count breach when measure > 1 }",
             "is keyed by text"},
        Case{"mixed_table_keys", "table cap(corporation) : int { \"P\": 1, 2: 3 }", "mixes a number with texts"},
        Case{"ratio_types", "rule X \"t\" { over allocations measure ratio(rent, household_size) breach when measure > 1% }",
             "ratio() needs two numbers or two amounts"},
        Case{"group_by_repeating_id", "rule X \"t\" { over stock per dwelling_id measure count breach when measure > 1 }",
             "only a record's own id"},
        Case{"import_missing", "import \"nowhere.toets\"", "cannot read rule file 'nowhere.toets': no such file"}),
    case_name);

TEST(Checker, ReportsEveryErrorOfAFileInSourceOrder) {
  const std::string output = diagnostics_of(
      "rule A \"t\" { over allocations where kern = Axel measure count breach when measure > 1 }\n"
      "rule B \"t\" { over allocations measure cnt breach when measure > 1 }\n"
      "rule C \"t\" { over allocations where and measure count breach when measure > 1 }\n"
      "rule D \"t\" { over stock measure count breach when measure < 0 }\n");
  const auto a = output.find("t.toets:5:");
  const auto b = output.find("t.toets:6:");
  const auto c = output.find("t.toets:7:");
  const auto d = output.find("t.toets:8:");
  ASSERT_NE(a, std::string::npos) << output;
  ASSERT_NE(b, std::string::npos) << output;
  ASSERT_NE(c, std::string::npos) << output;
  ASSERT_NE(d, std::string::npos) << output;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
}

TEST(Checker, CaretPointsAtTheColumnInCharactersNotBytes) {
  // The euro sign is three bytes but one column.
  const std::string output = diagnostics_of(
      "rule X \"t\" { over allocations where rent > \xE2\x82\xAC" "1 and kern = Axel measure count breach when measure > 1 }");
  EXPECT_NE(output.find("t.toets:5:58: error"), std::string::npos) << output;
  EXPECT_NE(output.find("\n  " + std::string(57, ' ') + "^\n"), std::string::npos) << output;
}

TEST(Checker, ImportCycleIsAnErrorNotAHang) {
  const auto dir = std::filesystem::temp_directory_path() / "toets_cycle_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.toets") << "ruleset a { }\nimport \"b.toets\"\n";
  std::ofstream(dir / "b.toets") << "ruleset b { }\nimport \"a.toets\"\n";
  Diagnostics diagnostics;
  auto rules = check_rule_file((dir / "a.toets").string(), diagnostics);
  std::ostringstream text;
  diagnostics.print(text);
  EXPECT_EQ(rules, nullptr);
  EXPECT_NE(text.str().find("import cycle"), std::string::npos) << text.str();
}

TEST(Checker, SelfImportIsAnError) {
  const auto dir = std::filesystem::temp_directory_path() / "toets_self_import_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "self.toets") << "ruleset s { }\nimport \"self.toets\"\n";
  Diagnostics diagnostics;
  EXPECT_EQ(check_rule_file((dir / "self.toets").string(), diagnostics), nullptr);
  EXPECT_EQ(diagnostics.error_count(), 1u);
}

TEST(Checker, OverrideChangesTheImportedValueForImportedRules) {
  const auto dir = std::filesystem::temp_directory_path() / "toets_override_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "base.toets")
      << "ruleset base { }\nparam space = 7.5%\n"
         "rule N \"t\" { over allocations measure share(daeb) breach when measure > space }\n";
  std::ofstream(dir / "local.toets") << "ruleset local { }\nimport \"base.toets\"\noverride param space = 15%\n";
  Diagnostics diagnostics;
  auto rules = check_rule_file((dir / "local.toets").string(), diagnostics);
  ASSERT_NE(rules, nullptr);
  ASSERT_EQ(rules->rules.size(), 1u);
  const Ratio& value = rules->rules[0].thresholds[0].value;
  EXPECT_EQ(compare(value, Ratio{15, 100}), 0);
}

TEST(Checker, WarnsWhenATableLacksAYearOfTheValidityPeriod) {
  Diagnostics diagnostics;
  auto rules = check_rule_text(
      "v.toets",
      "ruleset v { valid 2026-01-01 to 2027-12-31 }\n"
      "table limit(year) : money { 2026: \xE2\x82\xAC" "1 }\n"
      "rule X \"t\" { over allocations measure share(rent > limit(year(contract_date))) breach when measure > 1% }\n",
      diagnostics);
  ASSERT_NE(rules, nullptr);  // a warning, not an error
  std::ostringstream text;
  diagnostics.print(text);
  EXPECT_NE(text.str().find("warning: parameter table 'limit' has no entry for 2027"), std::string::npos) << text.str();
}

TEST(Checker, ShippedRuleSetsValidate) {
  for (const char* file : {"rules/national.toets", "rules/dordrecht-2026-2027.toets"}) {
    Diagnostics diagnostics;
    auto rules = check_rule_file(std::string(TOETS_SOURCE_DIR) + "/" + file, diagnostics);
    std::ostringstream text;
    diagnostics.print(text);
    EXPECT_NE(rules, nullptr) << file << "\n" << text.str();
  }
}

// Golden diagnostics: tests/diagnostics/NAME.toets must print exactly NAME.expected.
class GoldenDiagnostics : public testing::TestWithParam<std::string> {};

TEST_P(GoldenDiagnostics, MatchesExpectedOutput) {
  const std::string dir = std::string(TOETS_SOURCE_DIR) + "/tests/diagnostics/";
  const std::string name = GetParam();
  std::ifstream in(dir + name + ".toets");
  std::stringstream source;
  source << in.rdbuf();
  Diagnostics diagnostics;
  check_rule_text(name + ".toets", source.str(), diagnostics);
  std::ostringstream actual;
  diagnostics.print(actual);
  std::ifstream expected_file(dir + name + ".expected");
  std::stringstream expected;
  expected << expected_file.rdbuf();
  EXPECT_EQ(actual.str(), expected.str());
}

INSTANTIATE_TEST_SUITE_P(Files, GoldenDiagnostics,
                         testing::Values("syntax_errors", "semantic_errors", "broken_dordrecht"));

}  // namespace
}  // namespace toets
