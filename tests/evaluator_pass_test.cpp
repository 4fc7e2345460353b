// Rules over one dataset are evaluated together in one pass (engine/eval/evaluator_pass.cpp): shared
// filters, groupings and measures computed once. Each rule's results must be what it gives alone.
// Every expected number is worked out by hand in the comment beside it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/engine_fixture.hpp"

namespace toets {
namespace {

using testing_support::Engine;
using testing_support::let;

const std::string kHeader =
    "ruleset t { municipality \"Dordrecht\" }\n"
    "table limit(year, household_size) : money { 2026 { 1: \xE2\x82\xAC" "51537, 2+: \xE2\x82\xAC" "56910 } }\n";

std::string free_space_rule(const std::string& id, const std::string& filter, const std::string& signal,
                            const std::string& breach, const std::string& keys = "corporation, year(contract_date)") {
  return "rule " + id + " \"t\" { over allocations" + (filter.empty() ? "" : " where " + filter) + " per " + keys +
         "\n  measure share(household_income > limit(year(contract_date), household_size))\n  signal when measure > " +
         signal + " breach when measure > " + breach + " }\n";
}

// Corporation X, 2026: sizes and incomes; above the limit (51,537 for 1 person, 56,910 for 2+):
// x1 (1 person), x3 (2), x7 (3).
const std::string kLets = let("x1", "X", "2026-02-01", 1, "60000.00") + let("x2", "X", "2026-02-02", 1, "20000.00") +
                          let("x3", "X", "2026-02-03", 2, "60000.00") + let("x4", "X", "2026-02-04", 2, "20000.00") +
                          let("x5", "X", "2026-02-05", 3, "20000.00") + let("x6", "X", "2026-02-06", 3, "20000.00") +
                          let("x7", "X", "2026-02-07", 3, "60000.00") + let("x8", "X", "2026-02-08", 2, "20000.00");

struct Expected {
  std::string id;
  std::string rule;
  Status status;
  std::int64_t numerator, denominator;
  std::vector<std::string> evidence;
};

// Lenient rules first: a rule whose evidence is not needed comes before one with the same filter
// whose evidence is.
const std::vector<Expected> kTable = {
    // size <= 2: x1, x2, x3, x4, x8; above x1, x3: 2/5 = 40%, not above 45%: ok, no evidence.
    {"S_lenient", free_space_rule("S_lenient", "household_size <= 2", "45%", "60%"), Status::Ok, 2, 5, {}},
    // The same filter, 40% > 15%: breach, evidence the two above.
    {"S", free_space_rule("S", "household_size <= 2", "7.5%", "15%"), Status::Breach, 2, 5, {"x1", "x3"}},
    // size >= 3: x5, x6, x7; above x7: 1/3 = 33.3%, above 30% not 50%: signal.
    {"L_lenient", free_space_rule("L_lenient", "household_size >= 3", "30%", "50%"), Status::Signal, 1, 3, {"x7"}},
    // The same, above 15%: breach.
    {"L", free_space_rule("L", "household_size >= 3", "7.5%", "15%"), Status::Breach, 1, 3, {"x7"}},
    // No filter: 3/8 = 37.5% > 15%: breach.
    {"A", free_space_rule("A", "", "7.5%", "15%"), Status::Breach, 3, 8, {"x1", "x3", "x7"}},
    // size >= 2 written with the same comparison twice (a rule's equal nodes stay apart):
    // x3..x8, above x3, x7: 2/6 = 33.3% > 15%: breach.
    {"D", free_space_rule("D", "household_size >= 2 and (channel = urgent or household_size >= 2)", "7.5%", "15%"),
     Status::Breach, 2, 6, {"x3", "x7"}},
    // Grouped per corporation only (another grouping), size <= 2 again: 2/5, above 35%: signal.
    {"S_corp", free_space_rule("S_corp", "household_size <= 2", "35%", "50%", "corporation"), Status::Signal, 2, 5,
     {"x1", "x3"}},
};

void expect_result(const RuleResult& result, const Expected& expected, const std::string& how) {
  SCOPED_TRACE(expected.id + " " + how);
  EXPECT_EQ(result.rule->id, expected.id);
  EXPECT_EQ(result.status, expected.status);
  EXPECT_EQ(result.numerator, expected.numerator);
  EXPECT_EQ(result.denominator, expected.denominator);
  EXPECT_EQ(result.evidence, expected.evidence);
}

TEST_F(Engine, RulesInOnePassGiveWhatEachGivesAlone) {
  std::string all = kHeader;
  for (const Expected& expected : kTable) all += expected.rule;
  for (const std::size_t rows_per_range : {1, 3, 65536}) {
    for (const unsigned threads : {1u, 2u}) {
      options_.rows_per_range = rows_per_range;
      options_.threads = threads;
      const std::string how = std::to_string(rows_per_range) + " rows per range, " + std::to_string(threads) + " threads";
      const auto together = run(all, kLets);
      ASSERT_EQ(together.size(), kTable.size()) << how;
      for (std::size_t i = 0; i < kTable.size(); ++i) expect_result(together[i], kTable[i], "together, " + how);
      for (const Expected& expected : kTable) {
        const auto alone = run(kHeader + expected.rule, kLets);
        ASSERT_EQ(alone.size(), 1u) << expected.id;
        expect_result(alone[0], expected, "alone, " + how);
      }
    }
  }
}

TEST_F(Engine, AMissingTableValueIsAnErrorForEveryRuleThatSharesTheLookUp) {
  // The table has 2026 only: the 2025 let x0 has no limit. Both rules evaluate the same look-up
  // for it; each must report its group (X, 2025) as an error, not only the first.
  const std::string lets = let("x0", "X", "2025-06-01", 2, "20000.00") + kLets;
  const auto results = run(kHeader + kTable[1].rule + free_space_rule("S2", "household_size <= 2", "50%", "60%"), lets);
  ASSERT_EQ(results.size(), 4u);  // per rule: (X, 2025) error, (X, 2026)
  for (std::size_t first : {0u, 2u}) {
    EXPECT_EQ(results[first].group[1].number, 2025);
    EXPECT_EQ(results[first].status, Status::Error);
    EXPECT_NE(note_text(results[first].note, Lang::En).find("'x0'"), std::string::npos) << note_text(results[first].note, Lang::En);
  }
  EXPECT_EQ(results[1].status, Status::Breach);  // S: 2/5
  EXPECT_EQ(results[3].status, Status::Ok);      // S2: 40% not above 50%
  EXPECT_EQ(results[3].numerator, 2);
}

// A rule valid for some years leaves the records of the other years unmeasured (their groups are
// not its business); a rule without that period, equal in all else, still counts every year.
TEST_F(Engine, ARuleOfSomeYearsCountsOnlyThoseAndSharesNoCountsWithOneOfAllYears) {
  const std::string header =
      "ruleset t { municipality \"Dordrecht\" }\n"
      "table limit(year, household_size) : money { 2025 { 1: \xE2\x82\xAC" "50000, 2+: \xE2\x82\xAC" "55000 }"
      " 2026 { 1: \xE2\x82\xAC" "51537, 2+: \xE2\x82\xAC" "56910 } }\n";
  auto rule = [](const std::string& id, const std::string& clauses, const std::string& breach) {
    return "rule " + id + " \"t\" { " + clauses + " over allocations per corporation, year(contract_date)\n"
           "  measure share(household_income > limit(year(contract_date), household_size))\n  breach when measure > " +
           breach + " }\n";
  };
  // 2025: y1 (1 person, 52,000 > 50,000: above), y2 (2, 20,000), y3 (2, 60,000 > 55,000: above),
  // y4 (3, 20,000): 2/4 above. 2026: kLets, 3/8 above.
  const std::string lets = let("y1", "X", "2025-03-01", 1, "52000.00") + let("y2", "X", "2025-03-02", 2, "20000.00") +
                           let("y3", "X", "2025-03-03", 2, "60000.00") + let("y4", "X", "2025-03-04", 3, "20000.00") +
                           kLets;
  // Old first: counted alike, the rule of all years would take the counts of the rule of 2025.
  const std::string rules = header + rule("Old", "valid until 2025-12-31", "40%") + rule("All", "", "40%") +
                            // previous: the 2025 figure is needed for 2026, though 2025 is not reported.
                            rule("Grows", "valid from 2026-01-01", "previous");
  for (const std::size_t rows_per_range : {1, 3, 65536}) {
    for (const unsigned threads : {1u, 2u}) {
      options_.rows_per_range = rows_per_range;
      options_.threads = threads;
      SCOPED_TRACE(std::to_string(rows_per_range) + " rows per range, " + std::to_string(threads) + " threads");
      const auto results = run(rules, lets);
      ASSERT_EQ(results.size(), 4u);  // Old: 2025; All: 2025, 2026; Grows: 2026
      EXPECT_EQ(results[0].rule->id, "Old");
      EXPECT_EQ(results[0].group[1].number, 2025);
      EXPECT_EQ(results[0].numerator, 2);  // 2/4 = 50% > 40%: breach
      EXPECT_EQ(results[0].denominator, 4);
      EXPECT_EQ(results[0].status, Status::Breach);
      EXPECT_EQ(results[0].evidence, (std::vector<std::string>{"y1", "y3"}));
      EXPECT_EQ(results[1].rule->id, "All");
      EXPECT_EQ(results[1].group[1].number, 2025);
      EXPECT_EQ(results[1].numerator, 2);
      EXPECT_EQ(results[2].rule->id, "All");
      EXPECT_EQ(results[2].group[1].number, 2026);
      EXPECT_EQ(results[2].numerator, 3);  // 3/8 = 37.5%, not above 40%: ok
      EXPECT_EQ(results[2].denominator, 8);
      EXPECT_EQ(results[2].status, Status::Ok);
      EXPECT_EQ(results[3].rule->id, "Grows");
      EXPECT_EQ(results[3].group[1].number, 2026);
      EXPECT_EQ(results[3].numerator, 3);
      // 37.5% is not above the previous year's 50%: ok, against a figure that was measured.
      EXPECT_EQ(results[3].status, Status::Ok);
      ASSERT_TRUE(results[3].threshold);
      EXPECT_EQ(results[3].threshold->resolved_at(), "2025");
    }
  }
}

// What a rule of 2021 could not measure in 2024 is not its business: it stops the rule no more.
TEST_F(Engine, ARecordOutsideARulesOwnPeriodCannotStopIt) {
  // 2021: rent 1.00 is 100 cents, times 10^15 is 10^17, within 64 bits. 2024: 600.00 is 60,000
  // cents, times 10^15 is 6 x 10^19, beyond them (about 9.2 x 10^18): an overflow, if measured.
  const std::string lets = let("a", "X", "2021-05-01", 1, "20000.00", "regulier", "Dordrecht", "1.00") +
                           let("b", "X", "2024-05-01", 1, "20000.00", "regulier", "Dordrecht", "600.00");
  const std::string rule = "rule R \"t\" { valid until 2021-12-31 over allocations per corporation, year(contract_date)"
                           " measure sum(rent * 1000000000000000) breach when measure > \xE2\x82\xAC" "0 }\n";
  const auto results = run(kHeader + rule, lets);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::Breach) << note_text(results[0].note, Lang::En);
  ASSERT_EQ(results[0].group.size(), 2u);  // not the rule's error, without a group
  EXPECT_EQ(results[0].group[1].number, 2021);
  // Without the period, the 2024 record is measured and the rule cannot be decided.
  const auto all_years = run(kHeader + "rule R \"t\" { over allocations per corporation, year(contract_date)"
                                       " measure sum(rent * 1000000000000000) breach when measure > \xE2\x82\xAC" "0 }\n",
                             lets);
  ASSERT_FALSE(all_years.empty());
  EXPECT_EQ(all_years[0].status, Status::Error);
}

// A law of 2021 checked on lets of 2026 only: nothing to check, and the reason is the period,
// not the filter (the lets pass it).
TEST_F(Engine, ARuleWithNoRecordsOfItsPeriodSaysSo) {
  const std::string rule = "rule Old \"t\" { valid until 2021-12-31 over allocations per corporation, year(contract_date)"
                           " measure count breach when measure > 100 }\n";
  const auto results = run(kHeader + rule, kLets);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::NoData);
  EXPECT_EQ(note_text(results[0].note, Lang::En), "no allocations records of the rule's own period (until 2021-12-31)");
  EXPECT_EQ(note_text(results[0].note, Lang::Nl), "geen toewijzingen uit de eigen periode van de regel (tot en met 31-12-2021)");
  // With lets of 2026 the filter is what leaves nothing: that is said instead.
  const auto filtered = run(kHeader + "rule New \"t\" { valid from 2026-01-01 over allocations where household_size > 5"
                                      " per corporation, year(contract_date) measure count breach when measure > 100 }\n",
                            kLets);
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(note_text(filtered[0].note, Lang::En), "no allocations records pass the rule's filter");
}

}  // namespace
}  // namespace toets
