// A verdict you can trust: scopes that reach imported rules, periods that decide what counts,
// overrides narrowed to corporations and years, values a table lacks that stop one group only,
// groups that come from the filtered rows or are expected on purpose. Every expected number is
// worked out by hand in the comment beside it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "tests/support/engine_fixture.hpp"
#include "tests/support/scratch_folder.hpp"

namespace toets {
namespace {

using testing_support::Engine;
using testing_support::let;

// A folder of rule files for one test, removed again afterwards.
using RuleFiles = testing_support::TempFolder;

// A national file: no municipality, a free-space parameter, a count rule and a share rule.
const std::string kNational =
    "ruleset national { title \"n\" }\n"
    "param space = 7.5%\n"
    "param cap = 5\n"
    "rule N-count \"lets\" { over allocations per corporation measure count breach when measure > 100 }\n"
    "rule N-share \"above 50000\" { over allocations per corporation, year(contract_date)\n"
    "  measure share(household_income > \xE2\x82\xAC" "50000) breach when measure > space }\n";

std::string diagnostics_of_files(const std::string& root) {
  Diagnostics diagnostics;
  check_rule_file(root, diagnostics);
  std::ostringstream text;
  diagnostics.print(text);
  return text.str();
}

// n lets of `corporation` in `year`, the first `above` of them above 50,000.
std::string lets_in(const std::string& corporation, const std::string& year, int above, int total,
                    const std::string& municipality = "Dordrecht") {
  std::string out;
  for (int i = 0; i < total; ++i) {
    out += let(corporation + municipality + year + "-" + std::to_string(i), corporation, year + "-03-01", 2,
               i < above ? "60000.00" : "20000.00", "regulier", municipality);
  }
  return out;
}

const RuleResult* find(const std::vector<RuleResult>& results, const std::string& rule, const std::string& group) {
  for (const auto& result : results) {
    if (result.rule->id == rule && format_group(result.group) == group) return &result;
  }
  return nullptr;
}

// ---- scope ----

TEST_F(Engine, AnImportedRuleReadsTheMunicipalityOfTheRuleSetChecked) {
  RuleFiles files("scope");
  files.write("national.toets", kNational);
  const std::string root = files.write("local.toets", "ruleset local { municipality \"Dordrecht\" }\nimport \"national.toets\"\n");
  // X: 2 lets in Dordrecht, 3 in Zwijndrecht; Y: 1 in Zwijndrecht only. Dordrecht's check reads
  // X's 2 lets and has no group for Y.
  const auto results = run_file(root, lets_in("X", "2026", 0, 2) + lets_in("X", "2026", 0, 3, "Zwijndrecht") +
                                          lets_in("Y", "2026", 0, 1, "Zwijndrecht"));
  const RuleResult* x = find(results, "N-count", "X");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->records, 2u);
  EXPECT_EQ(find(results, "N-count", "Y"), nullptr);
}

TEST_F(Engine, TheCorporationsARuleSetNamesScopeEveryRule) {
  RuleFiles files("corporations");
  files.write("national.toets", kNational);
  const std::string root =
      files.write("local.toets", "ruleset local { municipality \"Dordrecht\" corporations \"X\", \"Z\" }\nimport \"national.toets\"\n");
  const auto results = run_file(root, lets_in("X", "2026", 0, 2) + lets_in("Y", "2026", 0, 4));
  EXPECT_NE(find(results, "N-count", "X"), nullptr);
  EXPECT_EQ(find(results, "N-count", "Y"), nullptr);  // not a party to this agreement
}

TEST_F(Engine, ARuleSetsCorporationsCompareWithoutCaseAndListEverySpelling) {
  RuleFiles files("corporation_spellings");
  files.write("national.toets", kNational);
  const std::string root = files.write(
      "local.toets", "ruleset local { municipality \"Terneuzen\" corporations \"clavis\", \"WZV\" }\nimport \"national.toets\"\n");
  // "clavis" reads Clavis's 2 lets (case does not matter); "WZV" reads WZV's 1 let but not the
  // 3 of "Woongoed ZVL", a spelling the header does not list; Zeeuwland is no party.
  const auto results =
      run_file(root, lets_in("Clavis", "2023", 0, 2, "Terneuzen") + lets_in("WZV", "2023", 0, 1, "Terneuzen") +
                         lets_in("Woongoed ZVL", "2023", 0, 3, "Terneuzen") + lets_in("Zeeuwland", "2023", 0, 4, "Terneuzen"));
  const RuleResult* clavis = find(results, "N-count", "Clavis");
  ASSERT_NE(clavis, nullptr);
  EXPECT_EQ(clavis->records, 2u);
  ASSERT_NE(find(results, "N-count", "WZV"), nullptr);
  EXPECT_EQ(find(results, "N-count", "WZV")->records, 1u);
  EXPECT_EQ(find(results, "N-count", "Woongoed ZVL"), nullptr);
  EXPECT_EQ(find(results, "N-count", "Zeeuwland"), nullptr);
}

// Each agreement binds its parties (the seeds' own words are quoted beside each header), and every
// rule its file runs, the imported national ones and K's divisor included, reads only them.
TEST(Verdict, TheShippedRuleSetsBindTheirParties) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> parties = {
      {"dordrecht-2024-2025", {"Trivire", "Woonbron"}},
      {"dordrecht-2026-2027", {"Trivire", "Woonbron"}},
      {"terneuzen-2022-2025", {"Clavis", "Woongoed Zeeuws-Vlaanderen", "Woongoed ZVL", "WZV"}},
      {"stichtse-vecht-2025-2030", {"Portaal", "Vecht en Omstreken", "Vecht & Omstreken", "V&O"}},
      {"westervoort-2022", {"Vivare", "Woonzorg Nederland", "Plavei"}},
  };
  for (const auto& [name, corporations] : parties) {
    Diagnostics diagnostics;
    const auto rules = check_rule_file(std::string(TOETS_SOURCE_DIR) + "/rules/" + name + ".toets", diagnostics);
    ASSERT_NE(rules, nullptr) << name;
    EXPECT_EQ(rules->info.corporations, corporations) << name;
    for (const auto& rule : rules->rules) {
      EXPECT_EQ(rule.scope_corporations, corporations) << name << " rule " << rule.id;
      if (rule.divisor) {
        EXPECT_EQ(rule.divisor->scope_corporations, corporations) << name << " rule " << rule.id;
      }
    }
  }
}

// ---- overrides ----

TEST_F(Engine, AnOverrideNarrowedToACorporationLiftsOnlyThatCorporation) {
  RuleFiles files("override_corporation");
  files.write("national.toets", kNational);
  const std::string root = files.write(
      "local.toets", "ruleset local { municipality \"Dordrecht\" }\nimport \"national.toets\"\n"
                     "override param space = 15% for corporation in {\"X\"}\n");
  // X and Y each 1 of 10 above: 10%. X is held to 15% (ok), Y to the national 7.5% (breach).
  const auto results = run_file(root, lets_in("X", "2026", 1, 10) + lets_in("Y", "2026", 1, 10));
  const RuleResult* x = find(results, "N-share", "X, 2026");
  const RuleResult* y = find(results, "N-share", "Y, 2026");
  ASSERT_NE(x, nullptr);
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(x->status, Status::Ok);
  EXPECT_EQ(compare(x->threshold->value, Ratio{15, 100}), 0);
  EXPECT_EQ(y->status, Status::Breach);
  EXPECT_EQ(compare(y->threshold->value, Ratio{75, 1000}), 0);
}

TEST_F(Engine, AnOverrideNarrowedToAYearHoldsOnlyThatYear) {
  RuleFiles files("override_year");
  files.write("national.toets", kNational);
  const std::string root = files.write(
      "local.toets", "ruleset local { municipality \"Dordrecht\" }\nimport \"national.toets\"\n"
                     "override param space = 10% for year in {2023}\n");
  // 1 of 10 above in both years: 10% is not above 10% in 2023 (ok), is above 7.5% in 2024.
  const auto results = run_file(root, lets_in("X", "2023", 1, 10) + lets_in("X", "2024", 1, 10));
  EXPECT_EQ(find(results, "N-share", "X, 2023")->status, Status::Ok);
  EXPECT_EQ(find(results, "N-share", "X, 2024")->status, Status::Breach);
}

TEST_F(Engine, AnOverrideHoldsOnlyWithinTheScopeOfTheFileThatStatesIt) {
  RuleFiles files("override_scope");
  files.write("national.toets", kNational);
  files.write("zwijndrecht.toets",
              "ruleset zwijndrecht { municipality \"Zwijndrecht\" }\nimport \"national.toets\"\n"
              "override param space = 15%\n");
  // A regional rule set without a municipality: the national rule reads everyone and is held to
  // 7.5%, because Zwijndrecht's raise holds for Zwijndrecht's rules only. 1/10 = 10% > 7.5%.
  const std::string root = files.write("region.toets", "ruleset region { }\nimport \"zwijndrecht.toets\"\n");
  const auto results = run_file(root, lets_in("X", "2026", 1, 10, "Zwijndrecht"));
  EXPECT_EQ(find(results, "N-share", "X, 2026")->status, Status::Breach);
}

TEST(Verdict, ANarrowedOverrideIsOnlyAThreshold) {
  RuleFiles files("override_in_expression");
  files.write("national.toets", kNational);
  const std::string root = files.write(
      "local.toets", "ruleset local { }\nimport \"national.toets\"\noverride param cap = 9 for year in {2026}\n"
                     "rule L \"t\" { over allocations where household_size > cap measure count breach when measure > 1 }\n");
  EXPECT_NE(diagnostics_of_files(root).find("can only be a threshold"), std::string::npos) << diagnostics_of_files(root);
}

TEST(Verdict, AnOverrideNarrowedToCorporationsNeedsRulesGroupedPerCorporation) {
  RuleFiles files("override_needs_key");
  files.write("national.toets", kNational +
                                    "rule N-year \"t\" { over allocations per year(contract_date) measure share(daeb) "
                                    "breach when measure > space }\n");
  const std::string root = files.write(
      "local.toets", "ruleset local { }\nimport \"national.toets\"\noverride param space = 15% for corporation in {\"X\"}\n");
  const std::string output = diagnostics_of_files(root);
  EXPECT_NE(output.find("rule N-year is not grouped per corporation"), std::string::npos) << output;
}

// ---- periods ----

TEST_F(Engine, GroupsOutsideThePeriodAreReportedButDecideNothing) {
  const std::string rules =
      "ruleset t { valid 2026-01-01 to 2027-12-31 }\n"
      "rule R \"t\" { over allocations per corporation, year(contract_date) measure count breach when measure > 1 }\n";
  // 2025: 3 lets (breach, outside); 2026: 1 let (ok, inside).
  const auto results = run(rules, lets_in("X", "2025", 0, 3) + lets_in("X", "2026", 0, 1));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(find(results, "R", "X, 2025")->status, Status::Breach);
  EXPECT_TRUE(find(results, "R", "X, 2025")->outside_validity);
  EXPECT_FALSE(find(results, "R", "X, 2026")->outside_validity);
  CheckReport report;
  report.results = results;
  EXPECT_TRUE(report.any(Status::Breach));
  EXPECT_FALSE(report.any_counting(Status::Breach));  // the exit status does not see it
}

TEST_F(Engine, ARuleReadsOnlyTheYearsOfItsOwnPeriod) {
  const std::string rules =
      "ruleset t { }\n"
      "rule R \"t\" { valid from 2022-01-01 over allocations per corporation, year(contract_date) measure count "
      "breach when measure > 1 }\n";
  const auto results = run(rules, lets_in("X", "2021", 0, 5) + lets_in("X", "2022", 0, 1));
  ASSERT_EQ(results.size(), 1u);  // the 2021 group is not the rule's business
  EXPECT_EQ(format_group(results[0].group), "X, 2022");
}

TEST(Verdict, AnImportedRuleOutsideThePeriodOfTheRuleSetIsNotRun) {
  RuleFiles files("not_run");
  files.write("national.toets", "ruleset national { }\n"
                                "rule Old \"t\" { valid until 2021-12-31 over allocations measure count breach when measure > 1 }\n"
                                "rule New \"t\" { valid from 2022-01-01 over allocations measure count breach when measure > 1 }\n");
  const std::string root =
      files.write("local.toets", "ruleset local { valid 2026-01-01 to 2027-12-31 }\nimport \"national.toets\"\n");
  Diagnostics diagnostics;
  const auto rules = check_rule_file(root, diagnostics);
  ASSERT_NE(rules, nullptr);
  ASSERT_EQ(rules->rules.size(), 1u);
  EXPECT_EQ(rules->rules[0].id, "New");
  EXPECT_EQ(rules->rules_outside_period, std::vector<std::string>{"Old"});
}

// ---- unknown values ----

const std::string kUnknown2025 =
    "table limit(year, household_size) : money { 2025 { 1: \xE2\x82\xAC" "40000, 2+: unknown } 2026 { 1: \xE2\x82\xAC"
    "40000, 2+: \xE2\x82\xAC" "50000 } }\n"
    "rule R \"t\" { over allocations per corporation, year(contract_date)\n"
    "  measure share(household_income > limit(year(contract_date), household_size)) breach when measure > 50% }\n";

TEST_F(Engine, AValueMarkedUnknownStopsOnlyTheGroupOfItsRecord) {
  // X 2025 has a two-person let: the 2025 2+ limit is unknown, so X 2025 is an error. X 2026 and
  // Y 2025 (one-person lets only) are evaluated: 1 of 1 above 40,000 for Y (breach), X 2026
  // 2 of 2 above 50,000 (breach).
  const auto results =
      run("ruleset t { }\n" + kUnknown2025,
          let("x1", "X", "2025-03-01", 2, "45000.00") + let("y1", "Y", "2025-03-01", 1, "45000.00") +
              let("x2", "X", "2026-03-01", 2, "60000.00") + let("x3", "X", "2026-04-01", 2, "60000.00"));
  const RuleResult* error = find(results, "R", "X, 2025");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->status, Status::Error);
  EXPECT_NE(note_text(error->note, Lang::En).find("'limit' marks the value for year 2025, household_size 2 as unknown"), std::string::npos)
      << note_text(error->note, Lang::En);
  EXPECT_NE(note_text(error->note, Lang::En).find("record 'x1' (allocations.csv:2)"), std::string::npos) << note_text(error->note, Lang::En);
  EXPECT_EQ(find(results, "R", "Y, 2025")->status, Status::Breach);
  EXPECT_EQ(find(results, "R", "X, 2026")->status, Status::Breach);
}

TEST_F(Engine, AValueMissingOutsideThePeriodIsANoteNotAnError) {
  const auto results = run("ruleset t { valid 2026-01-01 to 2026-12-31 }\n" + kUnknown2025,
                           let("x1", "X", "2025-03-01", 2, "45000.00") + let("x2", "X", "2026-03-01", 2, "10000.00"));
  const RuleResult* outside = find(results, "R", "X, 2025");
  ASSERT_NE(outside, nullptr);
  EXPECT_EQ(outside->status, Status::NotEvaluated);
  EXPECT_TRUE(outside->outside_validity);
  CheckReport report;
  report.results = results;
  EXPECT_FALSE(report.any_counting(Status::Error));
  EXPECT_EQ(find(results, "R", "X, 2026")->status, Status::Ok);
}

// ---- groups ----

TEST_F(Engine, AnExpectedGroupWithoutRecordsIsNoDataOnPurpose) {
  const std::string rules =
      "ruleset t { }\n"
      "rule R \"t\" { over allocations where channel = urgent per corporation, year(contract_date)\n"
      "  expect corporation in {\"X\", \"Z\"} measure count breach when measure > 5 }\n";
  // X has an urgent let in 2026; Y has only a regular one (not a group); Z has none at all but is
  // expected: Z 2026 is no_data. Y is not expected, so no group.
  const auto results = run(rules, let("a", "X", "2026-01-01", 1, "1.00", "urgent") + let("b", "Y", "2026-01-01", 1, "1.00"));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(find(results, "R", "X, 2026")->status, Status::Ok);
  EXPECT_EQ(find(results, "R", "Z, 2026")->status, Status::NoData);
  EXPECT_EQ(find(results, "R", "Y, 2026"), nullptr);
}

TEST_F(Engine, AnExpectedGroupWithoutRecordsCountsZeroAgainstATargetButNeverPasses) {
  // At least 3 urgent lets per corporation and year. X has 1 in 2026 (signal) and none in 2025;
  // Z has 3 in 2025 and none in 2026: 0 < 3, a signal (the shortfall is the finding), measured 0.
  // W never occurs in the data: its zero may be a spelling the export does not use, so no_data,
  // with what 0 would mean in the message. A cap (at most 5) on an empty group would be "within
  // the norm" on nothing checked: that stays no_data (test above).
  const std::string rules =
      "ruleset t { }\n"
      "rule R \"t\" { over allocations where channel = urgent per corporation, year(contract_date)\n"
      "  expect corporation in {\"X\", \"Z\", \"W\"} measure count signal when measure < 3 }\n";
  const auto results = run(rules, let("a", "X", "2026-01-01", 1, "1.00", "urgent") +
                                      let("b", "Z", "2025-01-01", 1, "1.00", "urgent") +
                                      let("c", "Z", "2025-02-01", 1, "1.00", "urgent") +
                                      let("d", "Z", "2025-03-01", 1, "1.00", "urgent"));
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(find(results, "R", "X, 2026")->status, Status::Signal);
  EXPECT_EQ(find(results, "R", "X, 2025")->status, Status::Signal);  // X is used: a real zero
  EXPECT_EQ(find(results, "R", "Z, 2025")->status, Status::Ok);
  const RuleResult* z = find(results, "R", "Z, 2026");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->status, Status::Signal);
  ASSERT_TRUE(z->measure.has_value());
  EXPECT_EQ(z->measure->numerator, 0);
  EXPECT_EQ(z->remedy, 3);  // 3 more lets would clear it
  const RuleResult* w = find(results, "R", "W, 2026");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->status, Status::NoData);
  EXPECT_FALSE(w->measure.has_value());
  EXPECT_NE(note_text(w->note, Lang::En).find("counted as 0 it would fall short (measure < 3)"), std::string::npos) << note_text(w->note, Lang::En);
}

TEST_F(Engine, AnExpectedYearThatHasNotBegunIsNoData) {
  // 2027 is expected; as of 2026-11-23 it has not begun: no_data, not a shortfall of 3. As of
  // 2028-01-31 it is over, with no urgent let: 0 < 3, a signal.
  const std::string rules =
      "ruleset t { }\n"
      "rule R \"t\" { over allocations where channel = urgent per year(contract_date)\n"
      "  expect year(contract_date) in {2026, 2027} measure count signal when measure < 3 }\n";
  const std::string lets = let("a", "X", "2026-01-01", 1, "1.00", "urgent") + let("b", "X", "2026-02-01", 1, "1.00", "urgent") +
                           let("c", "X", "2026-03-01", 1, "1.00", "urgent");
  auto results = run(rules, lets);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(find(results, "R", "2026")->status, Status::Ok);
  EXPECT_EQ(find(results, "R", "2027")->status, Status::NoData);
  results = run(rules, lets, "", "2028-01-31");
  EXPECT_EQ(find(results, "R", "2027")->status, Status::Signal);
}

// ---- the national rules ----

const std::string kNationalFile = std::string(TOETS_SOURCE_DIR) + "/rules/national.toets";

// A let with every column given: the national rules read segment, daeb, rent and age.
std::string full_let(const std::string& id, const std::string& date, const std::string& segment, bool daeb,
                     const std::string& rent, int size, const std::string& income, int age = 40,
                     const std::string& channel = "regulier") {
  return id + ",X,Dordrecht,,," + date + ",D" + id + "," + segment + "," + (daeb ? "true" : "false") + ",false," + rent +
         "," + std::to_string(size) + "," + income + "," + std::to_string(age) + "," + channel + ",C\n";
}

TEST_F(Engine, LetsOf2021AreHeldToThe2021Regime) {
  // 10 DAEB lets in 2021 (limit 40,024 for all; middle band up to 44,655):
  // 7 at or below 40,024 (one exactly on it), 2 in the band (41,000 and exactly 44,655), 1 above
  // (50,000). Target group 7/10 = 70% < 80%: breach. Middle 2/10 = 20% > 10%: breach. Free 1/10 =
  // 10%, not above 10%: ok. Woningwet-48 (from 2022) has no 2021 group.
  std::string data;
  for (int i = 0; i < 6; ++i) data += full_let("t" + std::to_string(i), "2021-05-01", "sociaal", true, "600.00", 1, "30000.00");
  data += full_let("edge", "2021-05-01", "sociaal", true, "600.00", 2, "40024.00");
  data += full_let("m1", "2021-05-01", "sociaal", true, "600.00", 2, "41000.00");
  data += full_let("m2", "2021-05-01", "sociaal", true, "600.00", 2, "44655.00");
  data += full_let("f1", "2021-05-01", "sociaal", true, "600.00", 2, "50000.00");
  const auto results = run_file(kNationalFile, data);
  const RuleResult* target = find(results, "Woningwet-48-2021", "X, 2021");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->numerator, 7);
  EXPECT_EQ(target->denominator, 10);
  EXPECT_EQ(target->status, Status::Breach);
  EXPECT_EQ(find(results, "Woningwet-48-2021-midden", "X, 2021")->numerator, 2);
  EXPECT_EQ(find(results, "Woningwet-48-2021-midden", "X, 2021")->status, Status::Breach);
  EXPECT_EQ(find(results, "Woningwet-48-2021-vrij", "X, 2021")->numerator, 1);
  EXPECT_EQ(find(results, "Woningwet-48-2021-vrij", "X, 2021")->status, Status::Ok);
  EXPECT_EQ(find(results, "Woningwet-48", "X, 2021"), nullptr);
}

TEST_F(Engine, PassendToewijzenCountsOnlyDaebLetsAtOrBelowTheLiberalisatiegrens) {
  // 2026: two low-income one-person lets (income 20,000 <= 29,400). One DAEB social let at 700.00
  // (<= the lage aftoppingsgrens 713.02: passend); one free-sector let at 1,200.00 (not DAEB, above
  // the liberalisatiegrens 932.93): not a let the rule speaks of. 1/1 = 100%: ok. Read wrongly,
  // 1/2 = 50% would be a breach.
  const auto results = run_file(kNationalFile, full_let("s", "2026-02-01", "sociaal", true, "700.00", 1, "20000.00") +
                                                   full_let("v", "2026-02-01", "vrije_sector", false, "1200.00", 1, "20000.00"));
  const RuleResult* passend = find(results, "BTIV-54a", "X, 2026");
  ASSERT_NE(passend, nullptr);
  EXPECT_EQ(passend->denominator, 1);
  EXPECT_EQ(passend->status, Status::Ok);
}

TEST_F(Engine, The2024AowLimitForTwoOrMoreIsUnknownForItsGroupOnly) {
  // A 2024 let to a 68-year-old two-person household needs passend_income_limit_aow(2024, 2+),
  // which is unknown: X 2024 under BTIV-54a is an error; X 2026 is evaluated (1/1 passend).
  const auto results = run_file(kNationalFile, full_let("old", "2024-06-01", "sociaal", true, "600.00", 2, "30000.00", 68) +
                                                   full_let("new", "2026-02-01", "sociaal", true, "700.00", 1, "20000.00"));
  EXPECT_EQ(find(results, "BTIV-54a", "X, 2024")->status, Status::Error);
  EXPECT_EQ(find(results, "BTIV-54a", "X, 2026")->status, Status::Ok);
}

// ---- the language ----

struct Snippet {
  const char* name;
  const char* text;
  const char* expected;  // "" = accepted; else a substring of the diagnostics
};
void PrintTo(const Snippet& s, std::ostream* os) { *os << s.name; }

class PeriodsAndExpectations : public testing::TestWithParam<Snippet> {};

TEST_P(PeriodsAndExpectations, AreCheckedWithALocation) {
  Diagnostics diagnostics;
  const auto rules = check_rule_text("t.toets", std::string("ruleset t { }\n") + GetParam().text, diagnostics);
  std::ostringstream text;
  diagnostics.print(text);
  if (std::string(GetParam().expected).empty()) {
    EXPECT_EQ(text.str(), "");
    EXPECT_NE(rules, nullptr);
  } else {
    EXPECT_NE(text.str().find(GetParam().expected), std::string::npos) << text.str();
    EXPECT_EQ(rules, nullptr);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Language, PeriodsAndExpectations,
    testing::Values(
        Snippet{"valid_closed", "rule R \"t\" { valid 2022-01-01 to 2025-12-31 over allocations per year(contract_date) measure count breach when measure > 1 }", ""},
        Snippet{"valid_from", "rule R \"t\" { valid from 2022-01-01 over allocations per year(contract_date) measure count breach when measure > 1 }", ""},
        Snippet{"valid_until", "rule R \"t\" { valid until 2021-12-31 over allocations per year(contract_date) measure count breach when measure > 1 }", ""},
        Snippet{"valid_without_end", "rule R \"t\" { valid 2022-01-01 over allocations measure count breach when measure > 1 }",
                "t.toets:2:20: error: a period needs its end"},
        Snippet{"valid_from_with_end",
                "rule R \"t\" { valid from 2022-01-01 to 2023-01-01 over allocations measure count breach when measure > 1 }",
                "'valid from' takes one date"},
        Snippet{"valid_backwards",
                "rule R \"t\" { valid 2023-01-01 to 2022-01-01 over allocations measure count breach when measure > 1 }",
                "the validity period ends before it starts"},
        Snippet{"valid_twice",
                "rule R \"t\" { valid from 2022-01-01 valid until 2023-01-01 over allocations measure count breach when measure > 1 }",
                "a second 'valid' clause"},
        Snippet{"expect_corporations",
                "rule R \"t\" { over allocations per corporation, year(contract_date) expect corporation in {\"A\", \"B\"}\n"
                " expect year(contract_date) in {2026, 2027} measure count breach when measure > 1 }",
                ""},
        Snippet{"expect_enum", "rule R \"t\" { over allocations per segment expect segment in {sociaal} measure count breach when measure > 1 }", ""},
        Snippet{"expect_not_a_key",
                "rule R \"t\" { over allocations per corporation expect kern in {\"A\"} measure count breach when measure > 1 }",
                "'kern' is not a group key of this rule"},
        Snippet{"expect_text_unquoted",
                "rule R \"t\" { over allocations per corporation expect corporation in {Trivire} measure count breach when measure > 1 }",
                "is written as quoted text"},
        Snippet{"expect_bad_enum",
                "rule R \"t\" { over allocations per segment expect segment in {socaal} measure count breach when measure > 1 }",
                "did you mean 'sociaal'"},
        Snippet{"expect_year_not_number",
                "rule R \"t\" { over allocations per year(contract_date) expect year(contract_date) in {\"2026\"} measure count "
                "breach when measure > 1 }",
                "expected a whole number"},
        Snippet{"narrowing_without_override", "param p = 5% for year in {2023}", "only an override can be narrowed"}),
    [](const testing::TestParamInfo<Snippet>& param_info) { return std::string(param_info.param.name); });

TEST(Verdict, ANarrowingNamesCorporationOrYear) {
  RuleFiles files("narrowing_key");
  files.write("national.toets", kNational);
  const std::string root =
      files.write("local.toets", "ruleset local { }\nimport \"national.toets\"\noverride param space = 15% for kern in {\"A\"}\n");
  const std::string output = diagnostics_of_files(root);
  EXPECT_NE(output.find("local.toets:3:32: error: an override is narrowed by corporation or year, not 'kern'"),
            std::string::npos)
      << output;
}

TEST(Verdict, TheRuleSetHeaderNamesItsCorporations) {
  Diagnostics diagnostics;
  const auto rules = check_rule_text("t.toets", "ruleset t { corporations \"Trivire\", \"Woonbron\" }\n", diagnostics);
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->info.corporations, (std::vector<std::string>{"Trivire", "Woonbron"}));
  Diagnostics twice;
  check_rule_text("t.toets", "ruleset t { corporations \"A\", \"A\" }\n", twice);
  EXPECT_TRUE(twice.has_errors());
}

}  // namespace
}  // namespace toets
