// The engine over small in-memory datasets. Every expected number here is worked out by hand in
// the comment beside it.

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/report/report.hpp"
#include "tests/support/engine_fixture.hpp"

namespace toets {
namespace {

using testing_support::dwelling;
using testing_support::Engine;
using testing_support::kAllocationHeader;
using testing_support::let;

const std::string kFreeSpace =
    "ruleset t { municipality \"Dordrecht\" }\n"
    "table limit(year, household_size) : money { 2026 { 1: \xE2\x82\xAC" "51537, 2+: \xE2\x82\xAC" "56910 } }\n"
    "rule F \"t\" { over allocations per corporation, year(contract_date)\n"
    "  measure share(household_income > limit(year(contract_date), household_size))\n"
    "  signal when measure > 7.5% breach when measure > 15% }\n";

std::string lets(const std::string& corporation, int above, int total, const std::string& above_income = "60000.00") {
  std::string out;
  for (int i = 0; i < total; ++i) {
    out += let(corporation + std::to_string(i), corporation, "2026-03-01", 2, i < above ? above_income : "20000.00");
  }
  return out;
}

TEST_F(Engine, IncomeEqualToTheLimitIsNotAbove) {
  // 1 person at exactly 51537.00 and 2 persons at exactly 56910.00: both inside; 1 cent more is above.
  const auto results = run(kFreeSpace, let("a", "X", "2026-01-01", 1, "51537.00") + let("b", "X", "2026-01-01", 2, "56910.00") +
                                           let("c", "X", "2026-01-01", 1, "51537.01") + let("d", "X", "2026-01-01", 3, "20000.00"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].numerator, 1);  // only c
  EXPECT_EQ(results[0].denominator, 4);
  EXPECT_EQ(results[0].status, Status::Breach);  // 25% > 15%
  EXPECT_EQ(results[0].evidence, std::vector<std::string>{"c"});
}

TEST_F(Engine, ShareExactlyOnAThresholdDoesNotCrossIt) {
  // 3 of 20 = 15.000%: above 7.5% (signal) but not above 15% (no breach).
  const auto results = run(kFreeSpace, lets("X", 3, 20));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::Signal);
  EXPECT_EQ(compare(*results[0].measure, Ratio{15, 100}), 0);
}

TEST_F(Engine, StatusPerGroupWithThresholdAndRemedy) {
  // A: 1/20 = 5% ok. B: 2/20 = 10% signal; remedy: at most floor(7.5% of 20) = 1 above, so 1.
  // C: 4/20 = 20% breach; out of breach needs at most floor(15% of 20) = 3 above: 1; to ok 3.
  const auto results = run(kFreeSpace, lets("A", 1, 20) + lets("B", 2, 20) + lets("C", 4, 20));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].group[0].text, "A");
  EXPECT_EQ(results[0].status, Status::Ok);
  EXPECT_FALSE(results[0].remedy.has_value());
  EXPECT_EQ(results[1].status, Status::Signal);
  EXPECT_EQ(results[1].remedy, 1);
  EXPECT_EQ(results[1].threshold->status, Status::Signal);
  EXPECT_EQ(results[2].status, Status::Breach);
  EXPECT_EQ(results[2].remedy, 1);
  EXPECT_EQ(results[2].remedy_to_ok, 3);
  EXPECT_EQ(results[2].evidence.size(), 4u);
  EXPECT_EQ(results[2].group[1].number, 2026);
}

TEST_F(Engine, AtLeastRuleCountsTheRecordsBelowAsEvidence) {
  // 7 of 10 regular, at least 80%: breach; 8 needed, so 1 more; evidence: the 3 others.
  std::string data;
  for (int i = 0; i < 10; ++i) data += let("r" + std::to_string(i), "X", "2026-02-01", 1, "1000.00", i < 7 ? "regulier" : "urgent");
  const auto results = run("ruleset t { }\nrule R \"t\" { over allocations measure share(channel = regulier) breach when measure < 80% }\n", data);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::Breach);
  EXPECT_EQ(results[0].remedy, 1);
  EXPECT_EQ(results[0].evidence, (std::vector<std::string>{"r7", "r8", "r9"}));
}

// What a loader must keep for kFreeSpace: its groups (corporation, the date of year(...)), the
// measure's income and household size, and municipality for the rule set's scope. Nothing else,
// not even the id (Dataset keeps that whatever it is told).
TEST_F(Engine, ColumnsReadAreTheGroupsMeasureFilterAndScope) {
  Diagnostics diagnostics;
  const auto rules = check_rule_text("t.toets", kFreeSpace, diagnostics);
  ASSERT_NE(rules, nullptr);
  const DatasetSchema& schema = *find_dataset("allocations");
  const std::vector<bool> read = columns_read_by(*rules, schema);
  std::vector<std::string> names;
  for (std::uint32_t c = 0; c < read.size(); ++c) {
    if (read[c]) names.push_back(schema.columns[c].name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"corporation", "municipality", "contract_date", "household_size",
                                             "household_income"}));
  EXPECT_EQ(columns_read_by(*rules, *find_dataset("stock")), std::vector<bool>(find_dataset("stock")->columns.size()));
}

// A dataset loaded without a column a rule reads is a mistake in the engine, never a wrong answer.
TEST_F(Engine, AColumnARuleReadsThatWasNotKeptIsRefused) {
  Diagnostics diagnostics;
  const auto rules = check_rule_text("t.toets", kFreeSpace, diagnostics);
  ASSERT_NE(rules, nullptr);
  CsvOptions options;
  options.kept_columns = std::vector<bool>(find_dataset("allocations")->columns.size(), false);
  const LoadedDataset loaded =
      read_csv_text(*find_dataset("allocations"), kAllocationHeader + lets("Trivire", 1, 5), "a.csv", options);
  EXPECT_EQ(loaded.report.rows_accepted, 5U);
  EXPECT_THROW(evaluate_rules(*rules, DatasetMap{{DatasetKind::Allocations, &loaded.data}}, days_from_civil(2026, 11, 23)),
               std::logic_error);
}

TEST_F(Engine, GroupEmptiedByTheFilterIsNotReported) {
  // Y's only let is regular: no record of Y passes the filter, so Y is no group of this rule (a
  // "no data" for Y would read as "Y delivered no data").
  const std::string rules =
      "ruleset t { }\nrule R \"t\" { over allocations where channel = urgent per corporation measure count breach when measure > 5 }\n";
  const auto results = run(rules, let("a", "X", "2026-01-01", 1, "1.00", "urgent") + let("b", "Y", "2026-01-01", 1, "1.00"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::Ok);
  EXPECT_EQ(results[0].group[0].text, "X");
}

TEST_F(Engine, RuleSetMunicipalityScopesItsRules) {
  // Zwijndrecht's lets are not Dordrecht's: 0 of 2 above, not 2 of 4.
  const auto results = run(kFreeSpace, lets("X", 0, 2) + let("z1", "X", "2026-03-01", 1, "99999.00", "regulier", "Zwijndrecht") +
                                           let("z2", "X", "2026-03-01", 1, "99999.00", "regulier", "dordrecht "));
  ASSERT_EQ(results.size(), 1u);
  // "dordrecht " (other case, trailing space) is the same municipality: 1 of 3.
  EXPECT_EQ(results[0].numerator, 1);
  EXPECT_EQ(results[0].denominator, 3);
}

TEST_F(Engine, MissingParameterYearIsAnErrorNamingTableYearAndRecord) {
  const auto results = run(kFreeSpace, let("late", "X", "2027-01-05", 1, "1000.00"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::Error);
  EXPECT_NE(note_text(results[0].note, Lang::En).find("parameter table 'limit' has no value for year 2027, household_size 1"), std::string::npos)
      << note_text(results[0].note, Lang::En);
  EXPECT_NE(note_text(results[0].note, Lang::En).find("'late' (allocations.csv:2)"), std::string::npos) << note_text(results[0].note, Lang::En);
}

TEST_F(Engine, UnknownTableValueIsAnErrorOnlyWhenNeeded) {
  const std::string rules =
      "ruleset t { }\n"
      "table limit(year, household_size) : money { 2024 { 1: \xE2\x82\xAC" "100, 2+: unknown } }\n"
      "rule R \"t\" { over allocations where household_size = 1 or household_income <= limit(year(contract_date), household_size)\n"
      "  measure count breach when measure > 10 }\n";
  // Only 1-person households: the unknown 2+ value is never needed (the 'or' decides first).
  auto results = run(rules, let("a", "X", "2024-01-01", 1, "50.00"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::Ok);
  results = run(rules, let("a", "X", "2024-01-01", 1, "50.00") + let("b", "X", "2024-06-01", 2, "50.00"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::Error);
  EXPECT_NE(note_text(results[0].note, Lang::En).find("marks the value for year 2024, household_size 2 as unknown"), std::string::npos)
      << note_text(results[0].note, Lang::En);
}

TEST_F(Engine, ComparisonWithAMissingValueIsFalse) {
  // kern is empty in every row: kern = "Axel" and kern != "Axel" are both false.
  const std::string rules =
      "ruleset t { }\n"
      "rule A \"t\" { over allocations measure count(kern = \"Axel\") breach when measure > 0 }\n"
      "rule B \"t\" { over allocations measure count(kern != \"Axel\") breach when measure > 0 }\n"
      "rule C \"t\" { over allocations measure count(missing(kern)) breach when measure > 5 }\n";
  const auto results = run(rules, let("a", "X", "2024-01-01", 1, "50.00"));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].measure->numerator, 0);
  EXPECT_EQ(results[1].measure->numerator, 0);
  EXPECT_EQ(results[2].measure->numerator, 1);
}

TEST_F(Engine, MeasuresSumAverageMinMax) {
  // Rents 600.00, 700.00, 800.50: sum 2100.50, avg 700.1666.., min 600, max 800.50.
  const std::string data = let("a", "X", "2026-01-01", 1, "1.00", "regulier", "Dordrecht", "600.00") +
                           let("b", "X", "2026-01-01", 1, "1.00", "regulier", "Dordrecht", "700.00") +
                           let("c", "X", "2026-01-01", 1, "1.00", "regulier", "Dordrecht", "800.50");
  const std::string rules =
      "ruleset t { }\n"
      "rule S \"t\" { over allocations measure sum(rent) breach when measure > \xE2\x82\xAC" "2100.49 }\n"
      "rule A \"t\" { over allocations measure avg(rent) breach when measure > \xE2\x82\xAC" "700.17 }\n"
      "rule N \"t\" { over allocations measure min(rent) breach when measure < \xE2\x82\xAC" "600 }\n"
      "rule M \"t\" { over allocations measure max(rent) signal when measure >= \xE2\x82\xAC" "800.50 }\n";
  const auto results = run(rules, data);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(compare(*results[0].measure, Ratio{210050, 1}), 0);
  EXPECT_EQ(results[0].status, Status::Breach);
  EXPECT_EQ(compare(*results[1].measure, Ratio{210050, 3}), 0);
  EXPECT_EQ(results[1].status, Status::Ok);  // 700.1666 < 700.17
  EXPECT_EQ(results[2].status, Status::Ok);
  EXPECT_EQ(results[3].status, Status::Signal);
  EXPECT_EQ(format_value(*results[1].measure, ValueType::Money), "\xE2\x82\xAC" "700.17");
}

TEST_F(Engine, HalfYearAndQuarterGroups) {
  const std::string rules =
      "ruleset t { }\nrule Q \"t\" { over allocations per half_year(contract_date), quarter(contract_date) measure count "
      "breach when measure > 1 }\n";
  const auto results = run(rules, let("a", "X", "2026-03-31", 1, "1.00") + let("b", "X", "2026-04-01", 1, "1.00") +
                                      let("c", "X", "2026-04-30", 1, "1.00") + let("d", "X", "2026-12-31", 1, "1.00"));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(format_group(results[0].group), "2026-H1, 2026-Q1");
  EXPECT_EQ(format_group(results[1].group), "2026-H1, 2026-Q2");
  EXPECT_EQ(results[1].status, Status::Breach);  // b and c
  EXPECT_EQ(format_group(results[2].group), "2026-H2, 2026-Q4");
}

TEST_F(Engine, RuleWithoutItsDatasetIsNotEvaluated) {
  const auto results = run("ruleset t { }\nrule H \"t\" { over stock measure count breach when measure > 1 }\n",
                           let("a", "X", "2026-01-01", 1, "1.00"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::NotEvaluated);
  EXPECT_NE(note_text(results[0].note, Lang::En).find("no stock data given"), std::string::npos);
}

const std::string kEfg =
    "ruleset t { }\n"
    "rule H \"t\" { over stock exempt monument per corporation measure count(energy_label in {E, F, G})\n"
    "  target measure <= 0 by 2028-12-31 }\n";

std::string snapshots(const std::string& corporation, std::initializer_list<std::pair<const char*, int>> efg, int monuments = 0) {
  std::string out;
  for (const auto& [date, count] : efg) {
    for (int i = 0; i < count; ++i) out += dwelling(corporation + std::to_string(i), date, corporation, "F");
    out += dwelling(corporation + "A", date, corporation, "A");
    for (int i = 0; i < monuments; ++i) out += dwelling(corporation + "M" + std::to_string(i), date, corporation, "G", "true");
  }
  return out;
}

// A group whose every record is exempt has nothing to measure: no_data, with its exempt records
// counted (the fixtures showed this with corporations that are no party to their agreement, which
// the rule sets no longer read).
TEST_F(Engine, AGroupOfExemptRecordsOnlyIsNoData) {
  std::string stock;
  for (const char* date : {"2025-01-01", "2026-01-01"}) {
    for (int i = 0; i < 2; ++i) stock += dwelling("M" + std::to_string(i), date, "Monuments", "G", "true");
  }
  const auto results = run(kEfg, "", stock);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(format_group(results[0].group), "Monuments");
  EXPECT_EQ(results[0].status, Status::NoData);
  EXPECT_FALSE(results[0].measure);
  // It says why (a grey light without a reason reads like a pass), and counts what was exempt.
  EXPECT_EQ(note_text(results[0].note, Lang::En), "every record of this group is exempt");
  EXPECT_EQ(results[0].exempt, 2u);
}

// A ratio whose whole is 0 for a group has no measure: no_data, saying why.
TEST_F(Engine, ARatioOfAWholeOfZeroIsNoDataAndSaysWhy) {
  const auto results = run("ruleset t { }\nrule R \"t\" { over allocations per corporation"
                           " measure ratio(household_size, household_size - household_size) breach when measure > 50% }\n",
                           let("a", "X", "2026-01-01", 2, "1.00"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::NoData);
  EXPECT_EQ(note_text(results[0].note, Lang::En),
            "the whole the measure divides by is 0 or less for this group: nothing to divide by");
}

TEST_F(Engine, DeadlineProjectsTheTrendOfTheSnapshots) {
  // Fast: 30, 20, 10 a year apart: about -10 a year, below 0 by 2028-12-31: on_track.
  // Slow: 40, 38, 36: about -2 a year, about 30 left at the deadline: at_risk.
  // Done: 5, 0: target met: on_track. Single: one snapshot with 3: no trend: at_risk.
  const std::string stock = snapshots("Fast", {{"2024-01-01", 30}, {"2025-01-01", 20}, {"2026-01-01", 10}}, 2) +
                            snapshots("Slow", {{"2024-01-01", 40}, {"2025-01-01", 38}, {"2026-01-01", 36}}) +
                            snapshots("Done", {{"2025-01-01", 5}, {"2026-01-01", 0}}) +
                            snapshots("Single", {{"2026-01-01", 3}});
  const auto results = run(kEfg, "", stock);
  ASSERT_EQ(results.size(), 4u);  // sorted: Done, Fast, Single, Slow
  EXPECT_EQ(results[0].status, Status::OnTrack);
  EXPECT_EQ(results[1].status, Status::OnTrack);
  EXPECT_EQ(results[1].measure->numerator, 10);
  EXPECT_EQ(results[1].exempt, 2u);            // two monuments
  EXPECT_EQ(results[1].exempt_matching, 2u);   // both with label G
  EXPECT_EQ(results[1].series.size(), 3u);
  EXPECT_NEAR(results[1].projection->rate_per_year, -10.0, 0.05);
  EXPECT_LT(results[1].projection->value_at_deadline, 0.0);
  EXPECT_EQ(results[2].status, Status::AtRisk);
  EXPECT_EQ(results[3].status, Status::AtRisk);
  EXPECT_NEAR(results[3].projection->value_at_deadline, 30.0, 0.1);
  EXPECT_EQ(results[3].evidence.size(), 36u);  // the E/F/G dwellings of the latest snapshot
}

TEST_F(Engine, CountsAreTheSameInRunsInterleavedAndScattered) {
  // X: 40 lets, 10 urgent; Y: 2 lets, 1 urgent. Sorted, X's rows are one run (counted a run at a
  // time); interleaved, the group changes every row; with lets of another municipality between
  // them, the rows in scope are not consecutive. Each way: X 10/40, Y 1/2.
  const std::string rules =
      "ruleset t { municipality \"Dordrecht\" }\n"
      "rule R \"t\" { over allocations per corporation measure share(channel = urgent) breach when measure > 50% }\n";
  auto x = [](int i) { return let("x" + std::to_string(i), "X", "2025-01-01", 1, "1.00", i < 10 ? "urgent" : "regulier"); };
  auto y = [](int i) { return let("y" + std::to_string(i), "Y", "2025-01-01", 1, "1.00", i < 1 ? "urgent" : "regulier"); };
  auto other = [](int i) {
    return let("o" + std::to_string(i), "X", "2025-01-01", 1, "1.00", "urgent", "Elders");
  };
  std::string sorted, interleaved, scattered;
  for (int i = 0; i < 40; ++i) sorted += x(i);
  for (int i = 0; i < 2; ++i) sorted += y(i);
  for (int i = 0; i < 40; ++i) interleaved += x(i) + (i < 2 ? y(i) : "");
  for (int i = 0; i < 40; ++i) scattered += other(i) + x(i) + (i < 2 ? y(i) : "");
  for (const std::string& lets : {sorted, interleaved, scattered}) {
    const auto results = run(rules, lets);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].numerator, 10);
    EXPECT_EQ(results[0].denominator, 40);
    EXPECT_EQ(results[1].numerator, 1);
    EXPECT_EQ(results[1].denominator, 2);
  }
}

TEST_F(Engine, AfterTheDeadlineTheStatusIsOkOrBreach) {
  const std::string stock = snapshots("Fast", {{"2024-01-01", 30}, {"2026-01-01", 10}}) +
                            snapshots("Done", {{"2026-01-01", 0}});
  const auto results = run(kEfg, "", stock, "2029-01-01");
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, Status::Ok);
  EXPECT_EQ(results[1].status, Status::Breach);
}

TEST_F(Engine, SnapshotsAfterTheAsOfDateAreIgnored) {
  const std::string stock = snapshots("X", {{"2025-01-01", 5}, {"2027-01-01", 0}});
  const auto results = run(kEfg, "", stock, "2026-06-30");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].measure->numerator, 5);
  EXPECT_EQ(results[0].status, Status::AtRisk);
  EXPECT_NE(note_text(results[0].note, Lang::En).find("after the as-of date"), std::string::npos);
}

TEST_F(Engine, BaselineAndPreviousCompareEachPeriodWithAnother) {
  // X: 3 dwellings in 2021, 2 in 2022, 4 in 2023.
  // Baseline 2021-01-01 with "breach when measure < baseline": 2021 equals itself (ok), 2022 has
  // 2 < 3 (breach), 2023 has 4 (ok). Previous with "signal when measure <= previous": 2021 has no
  // earlier period (no_data), 2022 2 <= 3 (signal), 2023 4 > 2 (ok).
  std::string stock;
  for (int i = 0; i < 3; ++i) stock += dwelling("a" + std::to_string(i), "2021-01-01", "X", "A");
  for (int i = 0; i < 2; ++i) stock += dwelling("a" + std::to_string(i), "2022-01-01", "X", "A");
  for (int i = 0; i < 4; ++i) stock += dwelling("a" + std::to_string(i), "2023-01-01", "X", "A");
  const std::string rules =
      "ruleset t { }\n"
      "rule B \"t\" { over stock per corporation, snapshot_date measure count baseline 2021-01-01\n"
      "  breach when measure < baseline }\n"
      "rule P \"t\" { over stock per year(snapshot_date) measure count signal when measure <= previous }\n";
  const auto results = run(rules, "", stock);
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0].status, Status::Ok);
  EXPECT_EQ(results[1].status, Status::Breach);
  EXPECT_EQ(results[1].remedy, 1);  // one more dwelling reaches the baseline of 3
  EXPECT_EQ(compare(results[1].threshold->value, Ratio{3, 1}), 0);
  EXPECT_EQ(results[2].status, Status::Ok);
  EXPECT_EQ(results[3].status, Status::NoData);
  EXPECT_EQ(results[4].status, Status::Signal);
  EXPECT_EQ(results[5].status, Status::Ok);
}

TEST_F(Engine, ThresholdPerGroupFromATextKeyedTable) {
  // Caps: P 2, V 1. P has 2 F-labels (not above 2: ok), V has 2 (above 1: breach); W has no cap.
  const std::string stock = dwelling("p1", "2026-01-01", "P", "F") + dwelling("p2", "2026-01-01", "P", "F") +
                            dwelling("v1", "2026-01-01", "V", "F") + dwelling("v2", "2026-01-01", "V", "F") +
                            dwelling("w1", "2026-01-01", "W", "F");
  const std::string rules =
      "ruleset t { }\n"
      "table cap(corporation) : int { \"P\": 2, \"V\": 1 }\n"
      "rule C \"t\" { over stock per corporation measure count(energy_label = F) breach when measure > cap(corporation) }\n";
  const auto results = run(rules, "", stock);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, Status::Ok);
  EXPECT_EQ(results[1].status, Status::Breach);
  EXPECT_EQ(results[1].remedy, 1);
  EXPECT_EQ(results[2].status, Status::Error);
  EXPECT_NE(note_text(results[2].note, Lang::En).find("parameter table 'cap' has no value for corporation 'W'"), std::string::npos)
      << note_text(results[2].note, Lang::En);
}

TEST_F(Engine, RatioOfSumsAndGroupsPerRecordId) {
  // Household sizes 1, 2, 3, 4 over 4 times each: ratio 10 / 40 = 25%.
  std::string data;
  for (int i = 1; i <= 4; ++i) data += let("r" + std::to_string(i), "X", "2026-01-01", i, "1.00");
  const std::string rules =
      "ruleset t { }\n"
      "rule R \"t\" { over allocations measure ratio(household_size, household_size * 4) breach when measure > 20% }\n"
      "rule I \"t\" { over allocations per allocation_id measure sum(household_size) breach when measure > 3 }\n";
  const auto results = run(rules, data);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].numerator, 10);
  EXPECT_EQ(results[0].denominator, 40);
  EXPECT_EQ(results[0].status, Status::Breach);
  EXPECT_EQ(format_group(results[4].group), "r4");
  EXPECT_EQ(results[4].status, Status::Breach);
  EXPECT_EQ(results[3].status, Status::Ok);
}

TEST_F(Engine, ResultsAreDeterministic) {
  const std::string data = lets("B", 2, 20) + lets("A", 1, 20) + lets("C", 4, 20);
  const auto first = run(kFreeSpace, data);
  CheckReport report1;
  report1.results = first;
  const std::string json1 = report_to_json(report1).dump();
  const auto second = run(kFreeSpace, data);
  CheckReport report2;
  report2.results = second;
  EXPECT_EQ(json1, report_to_json(report2).dump());
}

// The evidence's ids come from a pool of the dataset's ids: of the rows listed when few are
// (evaluator.cpp, pool_indexes: fewer ids listed than the dataset has rows), of every row when
// many are. Either way a result lists the ids of its rows, in row order. Two rules over 40 lets
// with ids of 2 to 9 characters (an offset off by one shows); above the limit: 4 lets in the
// sparse case (10%, a signal; 8 ids listed), 36 in the dense (72 listed).
TEST_F(Engine, EvidenceIdsAreTheRowsIdsWhetherThePoolHoldsTheListedRowsOrEveryRow) {
  const std::string rules = kFreeSpace +
                            "rule F2 \"t\" { over allocations per corporation\n"
                            "  measure share(household_income > limit(year(contract_date), household_size))\n"
                            "  signal when measure > 7.5% }\n";
  const auto id_of = [](int row) {
    return "r" + std::string(static_cast<std::size_t>(row % 8), 'x') + std::to_string(row);
  };
  for (const int above : {4, 36}) {
    std::string data;
    std::vector<std::string> expected;
    for (int row = 0; row < 40; ++row) {
      // Above the limit: every 11th row from the 5th (5, 16, 27, 38) or all but every 10th.
      const bool is_above = above == 4 ? row % 11 == 5 : row % 10 != 0;
      data += let(id_of(row), "X", "2026-03-01", 2, is_above ? "60000.00" : "20000.00");
      if (is_above) expected.push_back(id_of(row));
    }
    ASSERT_EQ(expected.size(), static_cast<std::size_t>(above));
    for (const unsigned threads : {1u, 2u}) {
      options_.threads = threads;
      const auto results = run(rules, data);
      ASSERT_EQ(results.size(), 2u);
      for (const RuleResult& result : results) {
        const EvidenceIds& evidence = result.evidence;
        EXPECT_EQ(std::vector<std::string>(evidence.begin(), evidence.end()), expected) << above << " above";
        // The pool each case was meant to take: the listed rows' ids, or every row's.
        ASSERT_NE(evidence.pool(), nullptr);
        EXPECT_EQ(evidence.pool()->offsets.size(), (above == 4 ? 4u : 40u) + 1) << above << " above";
      }
    }
  }
}

// The same rules over the same rows, cut into ranges of many sizes and run on several threads:
// the results, their order and the evidence in it are those of one pass over all rows.
TEST_F(Engine, RowRangesGiveTheResultsOfOnePass) {
  const std::string rules =
      "ruleset t { municipality \"Dordrecht\" }\n"
      "table limit(year, household_size) : money { 2025 { 1: \xE2\x82\xAC" "40000, 2+: \xE2\x82\xAC" "45000 }\n"
      "  2026 { 1: \xE2\x82\xAC" "51537, 2+: \xE2\x82\xAC" "56910 } }\n"
      "rule F \"t\" { over allocations per corporation, year(contract_date)\n"
      "  measure share(household_income > limit(year(contract_date), household_size))\n"
      "  signal when measure > 7.5% breach when measure > 15% }\n"
      "rule K \"t\" { over allocations where household_size >= 2 per channel measure count breach when measure > 2 }\n"
      "rule L \"t\" { over allocations per corporation measure share(rent <= \xE2\x82\xAC" "650) breach when measure < 90% }\n"
      "rule S \"t\" { over allocations per quarter(contract_date) measure sum(rent) breach when measure > \xE2\x82\xAC" "1000 }\n"
      "rule A \"t\" { over allocations per corporation measure avg(household_income) breach when measure > \xE2\x82\xAC" "30000 }\n"
      "rule N \"t\" { over allocations per month(contract_date) measure min(rent) breach when measure < \xE2\x82\xAC" "600 }\n"
      "rule M \"t\" { over allocations measure max(household_size) signal when measure >= 3 }\n"
      "rule R \"t\" { over allocations per corporation measure ratio(household_size, household_size * 4) breach when measure > 20% }\n"
      "rule I \"t\" { over allocations per allocation_id measure sum(household_size) breach when measure > 3 }\n"
      "rule E \"t\" { over allocations where contract_date >= 2026-01-01 measure count(household_income > limit(year(contract_date), household_size))\n"
      "  breach when measure > 100 }\n"
      "rule H \"t\" { over stock exempt monument per corporation measure count(energy_label in {E, F, G})\n"
      "  target measure <= 0 by 2028-12-31 }\n";
  // Corporations, channels, years, sizes and municipalities interleaved so groups first appear in
  // different ranges; one let in 2027 makes rule E fail on a late row.
  const char* corporations[] = {"B", "A", "C"};
  const char* channels[] = {"regulier", "urgent", "statushouder", "regulier"};
  const char* dates[] = {"2026-02-01", "2025-05-01", "2026-07-15", "2025-11-30", "2026-12-31"};
  std::string allocations;
  for (int i = 0; i < 40; ++i) {
    allocations += let("a" + std::to_string(i), corporations[i % 3], i == 33 ? "2027-01-02" : dates[i % 5], 1 + i % 4,
                       std::to_string(20000 + (i * 7919) % 45000) + ".00", channels[i % 4],
                       i % 7 == 3 ? "Zwijndrecht" : "Dordrecht", std::to_string(560 + (i * 37) % 120) + ".00");
  }
  std::string stock = snapshots("Fast", {{"2024-01-01", 3}, {"2025-01-01", 2}, {"2026-01-01", 1}}, 2) +
                      snapshots("Slow", {{"2024-01-01", 4}, {"2025-01-01", 4}, {"2026-01-01", 3}});

  auto report_of = [&] {
    CheckReport report;
    report.results = run(rules, allocations, stock);
    return report_to_json(report).dump(1);
  };
  options_ = EvaluateOptions{};
  const std::string one_pass = report_of();
  ASSERT_NE(one_pass.find("\"evidence\": [\n"), std::string::npos);  // some evidence to keep in order
  ASSERT_NE(one_pass.find("has no value for year 2027"), std::string::npos);
  for (const std::size_t rows_per_range : {1, 2, 3, 7, 16}) {
    for (const unsigned threads : {1u, 2u, 3u}) {
      options_.rows_per_range = rows_per_range;
      options_.threads = threads;
      EXPECT_EQ(report_of(), one_pass) << rows_per_range << " rows per range, " << threads << " threads";
    }
  }
}

// A running sum that leaves 64 bits part-way through a range, though no range's own sum and not
// the total do: still the error one pass gives.
TEST_F(Engine, SumOverflowingAcrossRangesIsAnError) {
  const std::string rules =
      "ruleset t { }\n"
      "rule S \"t\" { over allocations measure sum(household_size * 1000000000000000000 - 3000000000000000000)\n"
      "  breach when measure > 0 }\n";
  // Sizes 9, 5 | 5, 1 | 1: running sums 6e18, 8e18, 10e18 (over), 8e18, 6e18.
  const std::string data = let("a", "X", "2026-01-01", 9, "1.00") + let("b", "X", "2026-01-01", 5, "1.00") +
                           let("c", "X", "2026-01-01", 5, "1.00") + let("d", "X", "2026-01-01", 1, "1.00") +
                           let("e", "X", "2026-01-01", 1, "1.00");
  for (const std::size_t rows_per_range : {2, 65536}) {
    options_.rows_per_range = rows_per_range;
    const auto results = run(rules, data);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, Status::Error) << rows_per_range;
    EXPECT_EQ(note_text(results[0].note, Lang::En), "the sum overflows");
  }
}


// Dates a loader never gives (years outside 1..9999, as a dataset built in code may hold) still
// group by their year, beside the usual ones, in one pass or in ranges.
TEST_F(Engine, YearsOutsideTheUsualSpanStillGroup) {
  const DatasetSchema& schema = *find_dataset("allocations");
  Dataset data(schema);
  const std::uint32_t id = *schema.column_index("allocation_id");
  const std::uint32_t date = *schema.column_index("contract_date");
  const std::int32_t far_future = 4'000'000, far_past = -800'000, y2026 = days_from_civil(2026, 1, 1);
  const std::int32_t days[] = {y2026, far_future, y2026 + 150, far_future + 1, far_past};
  for (std::size_t row = 0; row < 5; ++row) {
    ColumnData& ids = data.column(id);
    ids.raw += "r" + std::to_string(row);
    ids.raw_offsets.push_back(static_cast<std::uint32_t>(ids.raw.size()));
    for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
      if (c == id) continue;
      ColumnData& column = data.column(c);
      if (column.type == ValueType::Money) column.cents.push_back(kNull64);
      else column.push_value(c == date ? days[row] : kNull32);
    }
    data.commit_row(row + 2);
  }
  Diagnostics diagnostics;
  const auto rules = check_rule_text(
      "t.toets", "ruleset t { }\nrule Y \"t\" { over allocations per year(contract_date) measure count breach when measure > 1 }\n",
      diagnostics);
  ASSERT_NE(rules, nullptr);
  for (const std::size_t rows_per_range : {1, 65536}) {
    EvaluateOptions options;
    options.rows_per_range = rows_per_range;
    const auto results = evaluate_rules(*rules, DatasetMap{{DatasetKind::Allocations, &data}}, y2026, options);
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].group[0].number, civil_from_days(far_past).year);
    EXPECT_EQ(results[0].records, 1u);
    EXPECT_EQ(results[1].group[0].number, 2026);
    EXPECT_EQ(results[1].evidence, (std::vector<std::string>{"r0", "r2"}));
    EXPECT_EQ(results[2].group[0].number, civil_from_days(far_future).year);
    EXPECT_EQ(results[2].evidence, (std::vector<std::string>{"r1", "r3"}));
  }
}

}  // namespace
}  // namespace toets
