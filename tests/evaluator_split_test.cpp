// Split rules (engine/eval/evaluator_split.cpp): rules that differ only in a condition on one
// column of few values (or on a whole-number or money column, by pieces between the constants
// they compare it with) are counted through one fine count and summed per rule. Each must report
// exactly what it reports counted on its own (EvaluateOptions::split_filters off): statuses,
// counts, exemptions, evidence, errors. The expected numbers of a few are worked out by hand.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/report/report.hpp"
#include "tests/support/engine_fixture.hpp"

namespace toets {
namespace {

using testing_support::Engine;
using testing_support::let;

const std::string kHeader =
    "ruleset t { municipality \"Dordrecht\" }\n"
    "table limit(year, household_size) : money { 2026 { 1: \xE2\x82\xAC" "51537, 2+: \xE2\x82\xAC" "56910 } }\n";

// A rule of the family: the same keys, measure and exemption, its own filter.
std::string share_rule(const std::string& id, const std::string& filter, const std::string& keys = "corporation, year(contract_date)") {
  return "rule " + id + " \"t\" { over allocations where " + filter + " per " + keys +
         "\n  measure share(household_income > limit(year(contract_date), household_size))\n"
         "  exempt channel = urgent\n  signal when measure > 10% breach when measure > 30% }\n";
}
std::string count_rule(const std::string& id, const std::string& filter) {
  return "rule " + id + " \"t\" { over allocations where " + filter +
         " per corporation\n  measure count\n  signal when measure > 1 breach when measure > 2 }\n";
}

// A let in a village core (kern); let() leaves it empty (missing).
std::string let_in(const std::string& kern, const std::string& id, const std::string& corporation,
                   const std::string& date, int size, const std::string& income) {
  std::string row = let(id, corporation, date, size, income);
  return row.replace(row.find("Dordrecht,,"), 11, "Dordrecht," + kern + ",");
}

// X 2026, above the limit (51,537 for one person, 56,910 for two or more): x1 (1), x3 (2), x6 (3),
// x7 (4, urgent: exempt), x8 (2, in kern Noord; the others have no kern). Y 2026: y1 (2) above.
const std::string kLets =
    let("x1", "X", "2026-02-01", 1, "60000.00") + let("x2", "X", "2026-02-02", 1, "20000.00", "urgent") +
    let("x3", "X", "2026-02-03", 2, "60000.00") + let("x4", "X", "2026-02-04", 2, "20000.00") +
    let("x5", "X", "2026-02-05", 3, "20000.00", "urgent") + let("x6", "X", "2026-02-06", 3, "58000.00") +
    let("x7", "X", "2026-02-07", 4, "60000.00", "urgent") + let_in("Noord", "x8", "X", "2026-02-08", 2, "60000.00") +
    let("y1", "Y", "2026-03-01", 2, "60000.00") + let_in("Zuid", "y2", "Y", "2026-03-02", 3, "20000.00") +
    let("y3", "Y", "2026-03-03", 1, "20000.00", "urgent");

const std::string kRules =
    share_rule("A12", "daeb and household_size in {1, 2}") +
    share_rule("A12b", "household_size <= 2 and daeb") +
    share_rule("Anot1", "daeb and not (household_size in {1})") +
    share_rule("Amissing", "daeb and missing(household_size)") +
    // A column with missing values: a comparison with a missing kern is false, its `not` true.
    share_rule("Knoord", "daeb and kern = \"Noord\"") + share_rule("Knot", "daeb and not (kern = \"Noord\")") +
    share_rule("Kmissing", "daeb and missing(kern)") +
    share_rule("A3up", "household_size >= 3 and daeb and household_size <= 9") +
    share_rule("Aeither", "daeb and (household_size = 1 or household_size = 4)") +
    share_rule("Aall", "daeb and (household_size >= 1 or missing(household_size))") +
    // Money: split by pieces between the rules' amounts (20,000, 58,000, 60,000), not by values.
    share_rule("I58", "daeb and household_income <= \xE2\x82\xAC" "58000") +
    share_rule("Ibetween", "daeb and household_income > \xE2\x82\xAC" "20000 and household_income < \xE2\x82\xAC" "60000") +
    share_rule("Inot60", "daeb and not (household_income >= \xE2\x82\xAC" "60000)") +
    // Another column and a rule with nothing to share: counted on their own.
    share_rule("Achannel", "daeb and channel = regulier") +
    share_rule("Aalone", "household_size = 2") +
    count_rule("C1", "household_size = 1") + count_rule("C2", "household_size in {2, 3}") +
    count_rule("Cnot", "not (household_size = 1)");

TEST_F(Engine, SplitRulesReportWhatTheyReportCountedAlone) {
  for (const std::size_t rows_per_range : {1, 2, 65536}) {
    // Five threads: the evidence is gathered in five parts of about equal work (each rule in one).
    for (const unsigned threads : {1u, 2u, 5u}) {
      options_.rows_per_range = rows_per_range;
      options_.threads = threads;
      const std::string how = std::to_string(rows_per_range) + " rows per range, " + std::to_string(threads) + " threads";
      options_.split_filters = true;
      EvaluateStats stats;
      options_.stats = &stats;
      const std::string split = as_json(run(kHeader + kRules, kLets));
      options_.stats = nullptr;
      // Split by household size: A12, A12b, Anot1, Amissing, A3up, Aeither, Aall (their rest:
      // daeb); by kern: Knoord, Knot, Kmissing; by pieces of income: I58, Ibetween, Inot60; the
      // count rules C1, C2, Cnot (rest: none). Achannel (the only rule on channel with rest
      // daeb) and Aalone (the only one with no rest among the share rules) count alone. The
      // fixture evaluates twice (all columns, the columns read): the stats add up over both.
      EXPECT_EQ(stats.split_rules, 2 * 16u) << how;
      EXPECT_EQ(stats.fine_counts, 2 * 4u) << how;
      EXPECT_EQ(stats.fine_counts_by_pieces, 2 * 1u) << how;
      options_.split_filters = false;
      const std::string alone = as_json(run(kHeader + kRules, kLets));
      EXPECT_EQ(split, alone) << how;
    }
  }
}

// A check that writes a report showing a few ids of each group has only those of a share gathered
// (EvaluateOptions::evidence_listed): each share's result lists the first ids of its whole list,
// in row order, and counts every one; a count's results stay whole (findings compare their ids).
// Split and counted alone, on one thread and two. The JSON report refuses a list in part.
TEST_F(Engine, ShareIdsListedInPartAreTheFirstOfTheWholeList) {
  for (const bool split : {true, false}) {
    for (const unsigned threads : {1u, 2u}) {
      const std::string how = std::string(split ? "split" : "alone") + ", " + std::to_string(threads) + " threads";
      options_.split_filters = split;
      options_.threads = threads;
      const std::vector<RuleResult> whole = run(kHeader + kRules, kLets);
      EvaluateOptions listing = options_;
      listing.evidence_listed = 1;
      const std::vector<RuleResult> part = evaluate_rules(
          *rules_, DatasetMap{{DatasetKind::Allocations, &allocations_->data}}, days_from_civil(2026, 11, 23), listing);
      ASSERT_EQ(part.size(), whole.size()) << how;
      std::size_t in_part = 0;
      for (std::size_t i = 0; i < whole.size(); ++i) {
        const EvidenceIds& all = whole[i].evidence;
        const EvidenceIds& listed = part[i].evidence;
        const std::string which = how + ", " + whole[i].rule->id + " " + format_group(whole[i].group);
        EXPECT_EQ(listed.size(), all.size()) << which;
        if (whole[i].rule->measure.kind == MeasureKind::Share) {
          ASSERT_EQ(listed.listed(), std::min<std::size_t>(all.size(), 1)) << which;
          EXPECT_EQ(listed.complete(), all.size() <= 1) << which;
          if (!all.empty()) {
            EXPECT_EQ(listed[0], all[0]) << which;
          }
          in_part += !listed.complete();
        } else {
          EXPECT_TRUE(listed.complete()) << which;
          EXPECT_EQ(std::vector<std::string>(listed.begin(), listed.end()),
                    std::vector<std::string>(all.begin(), all.end()))
              << which;
        }
      }
      EXPECT_GT(in_part, 0u) << how;
      CheckReport report;
      report.results = part;
      std::ostringstream json;
      EXPECT_THROW(write_json_report(report, json), std::logic_error) << how;
    }
  }
}

TEST_F(Engine, SplitRulesCountByHand) {
  const auto results = run(kHeader + kRules, kLets);
  auto find = [&](const std::string& id, const std::string& corporation) -> const RuleResult& {
    for (const RuleResult& result : results) {
      if (result.rule->id == id && result.group[0].text == corporation) return result;
    }
    ADD_FAILURE() << id << " " << corporation;
    return results.front();
  };
  // A12, X: sizes 1-2 are x1, x2, x3, x4, x8; x2 urgent is exempt; above: x1, x3, x8 of 4: 75% breach.
  const RuleResult& a12 = find("A12", "X");
  EXPECT_EQ(a12.numerator, 3);
  EXPECT_EQ(a12.denominator, 4);
  EXPECT_EQ(a12.exempt, 1u);
  EXPECT_EQ(a12.status, Status::Breach);
  EXPECT_EQ(a12.evidence, (std::vector<std::string>{"x1", "x3", "x8"}));
  // Anot1, X: not size 1 holds for x3..x8; exempt x5, x7; measured x3, x4, x6, x8; above x3, x6,
  // x8: 3 of 4.
  const RuleResult& not1 = find("Anot1", "X");
  EXPECT_EQ(not1.numerator, 3);
  EXPECT_EQ(not1.denominator, 4);
  EXPECT_EQ(not1.exempt, 2u);
  EXPECT_EQ(not1.evidence, (std::vector<std::string>{"x3", "x6", "x8"}));
  // Knot and Kmissing, X: every let but x8 (a missing kern is not Noord); exempt x2, x5, x7;
  // measured x1, x3, x4, x6; above x1, x3, x6: 3 of 4. Knoord, X: x8 alone, above: 1 of 1.
  for (const char* id : {"Knot", "Kmissing"}) {
    EXPECT_EQ(find(id, "X").numerator, 3) << id;
    EXPECT_EQ(find(id, "X").denominator, 4) << id;
    EXPECT_EQ(find(id, "X").exempt, 3u) << id;
  }
  EXPECT_EQ(find("Knoord", "X").numerator, 1);
  EXPECT_EQ(find("Knoord", "X").denominator, 1);
  // Aeither, X: sizes 1 and 4 are x1, x2, x7; x2, x7 exempt (one of them, x7, above); x1 above: 1/1.
  const RuleResult& either = find("Aeither", "X");
  EXPECT_EQ(either.numerator, 1);
  EXPECT_EQ(either.denominator, 1);
  EXPECT_EQ(either.exempt, 2u);
  EXPECT_EQ(either.exempt_matching, 1u);
  // Aall, Y: y1, y2 measured, y3 exempt; above y1: 1 of 2.
  const RuleResult& all = find("Aall", "Y");
  EXPECT_EQ(all.numerator, 1);
  EXPECT_EQ(all.denominator, 2);
  // I58 and Inot60, X: incomes up to 58,000 (below 60,000) are x2, x4, x5 (20,000) and x6
  // (58,000); x2, x5 urgent: exempt; measured x4, x6; above the limit x6 (58,000 > 56,910 for
  // three people): 1 of 2, breach. Ibetween, X: x6 alone, above: 1 of 1.
  for (const char* id : {"I58", "Inot60"}) {
    const RuleResult& result = find(id, "X");
    EXPECT_EQ(result.numerator, 1) << id;
    EXPECT_EQ(result.denominator, 2) << id;
    EXPECT_EQ(result.exempt, 2u) << id;
    EXPECT_EQ(result.status, Status::Breach) << id;
    EXPECT_EQ(result.evidence, (std::vector<std::string>{"x6"})) << id;
  }
  EXPECT_EQ(find("Ibetween", "X").numerator, 1);
  EXPECT_EQ(find("Ibetween", "X").denominator, 1);
  EXPECT_EQ(find("Ibetween", "X").exempt, 0u);
  // C2, X: sizes 2 and 3 are x3, x4, x5, x6, x8: 5 > 2, breach, the evidence all five.
  const RuleResult& c2 = find("C2", "X");
  EXPECT_EQ(c2.measure->numerator, 5);
  EXPECT_EQ(c2.status, Status::Breach);
  EXPECT_EQ(c2.evidence, (std::vector<std::string>{"x3", "x4", "x5", "x6", "x8"}));
  // Cnot, Y: not size 1: y1, y2: 2 > 1, signal.
  const RuleResult& cnot = find("Cnot", "Y");
  EXPECT_EQ(cnot.measure->numerator, 2);
  EXPECT_EQ(cnot.status, Status::Signal);
}

TEST_F(Engine, ASplitRuleWhoseFineCountMeetsAnErrorCountsAlone) {
  // The table has 2026 only: z1 (2025, size 3, regulier) and z2 (2025, size 1, urgent: exempt,
  // but its measure is still asked) have no limit. The fine counts meet the error in group
  // (Z, 2025); only a rule that selects z1 or z2 may report it: of the share rules Amissing
  // (no let has a missing size), Knoord (neither is in Noord), Aalone (size 2) and Ibetween
  // (both have 20,000, not above it) select neither.
  const std::string lets =
      let("z1", "Z", "2025-06-01", 3, "20000.00") + let("z2", "Z", "2025-06-02", 1, "20000.00", "urgent") + kLets;
  for (const std::size_t rows_per_range : {1, 65536}) {
    options_.rows_per_range = rows_per_range;
    options_.split_filters = true;
    const auto results = run(kHeader + kRules, lets);
    const std::string split = as_json(results);
    std::size_t groups = 0;
    for (const RuleResult& result : results) {
      if (result.group.size() < 2 || result.group[0].text != "Z") continue;  // the count rules: per corporation
      ++groups;
      const std::string& id = result.rule->id;
      const bool selects_neither = id == "Amissing" || id == "Knoord" || id == "Aalone" || id == "Ibetween";
      EXPECT_EQ(result.status == Status::Error, !selects_neither) << id;
    }
    // The 15 share rules but the four that select neither: a group without records after the
    // filter is not reported.
    EXPECT_EQ(groups, 11u);
    // Run again, the results above (and the rules they point to) are gone.
    options_.split_filters = false;
    EXPECT_EQ(split, as_json(run(kHeader + kRules, lets))) << rows_per_range;
  }
}


// Rule files nobody here has seen: families of rules drawn at random (conditions on household
// size, kern, channel and energy label in every form the language has, beside shared conjuncts;
// counts, conditional counts and shares; with and without exemptions; three groupings) over lets
// drawn at random (missing kerns, years without a table value). Whatever is split or not, every
// result must be what the rule reports counted alone.
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  template <typename T>
  const T& pick(const std::vector<T>& items) { return items[static_cast<std::size_t>(below(static_cast<int>(items.size())))]; }

 private:
  std::uint64_t state_;
};

// Rule families evaluated split and alone, over two range sizes on two threads: every result
// the same. The stats of the split runs, added up.
class SplitFamilies : public Engine {
 protected:
  EvaluateStats expect_split_as_alone(const std::string& rules, const std::string& lets, const std::string& what) {
    EvaluateStats total;
    for (const std::size_t rows_per_range : {7, 65536}) {
      options_.rows_per_range = rows_per_range;
      options_.threads = 2;
      options_.split_filters = true;
      EvaluateStats stats;
      options_.stats = &stats;
      const std::string split = as_json(run(rules, lets));
      options_.stats = nullptr;
      total.split_rules += stats.split_rules;
      total.fine_counts += stats.fine_counts;
      total.fine_counts_by_pieces += stats.fine_counts_by_pieces;
      options_.split_filters = false;
      EXPECT_EQ(split, as_json(run(rules, lets))) << what << ", " << rows_per_range << " rows per range";
    }
    return total;
  }
};

std::string random_condition(Draw& draw) {
  const int size = 1 + draw.below(5);
  switch (draw.below(12)) {
    case 0: return "household_size = " + std::to_string(size);
    case 1: return "household_size <= " + std::to_string(size);
    case 2: return "household_size >= " + std::to_string(size) + " and household_size <= " + std::to_string(size + draw.below(3));
    case 3: return "household_size in {" + std::to_string(size) + ", " + std::to_string(size + 1 + draw.below(3)) + "}";
    case 4: return "not (household_size in {" + std::to_string(size) + "})";
    case 5: return "(household_size = " + std::to_string(size) + " or household_size > 4)";
    case 6: return "kern = " + draw.pick<std::string>({"\"Noord\"", "\"Zuid\""});
    case 7: return "not (kern = \"Noord\")";
    case 8: return "missing(kern)";
    case 9: return "channel = " + draw.pick<std::string>({"regulier", "urgent"});
    case 10: return "energy_label in {" + draw.pick<std::string>({"A, B", "E, F, G", "C"}) + "}";
    default: return "(missing(household_size) or household_size > " + std::to_string(size) + ")";
  }
}

// A condition on income (money) or age (a whole number of more than 64 values in random_lets):
// split by pieces between the constants, in every form a threshold takes. Whole thousands, as
// the lets' incomes sometimes are: equality and both sides of a bound are met.
std::string random_threshold(Draw& draw) {
  const std::string euro = "\xE2\x82\xAC";
  const std::string euros = std::to_string(20 + draw.below(50)) + "000";
  const std::string more = std::to_string(45 + draw.below(30)) + "000";
  const std::string age = std::to_string(18 + draw.below(90));
  switch (draw.below(8)) {
    case 0: return "household_income <= " + euro + euros;
    case 1: return "household_income > " + euro + euros + " and household_income <= " + euro + more;
    case 2: return "not (household_income >= " + euro + euros + ")";
    case 3: return "(household_income = " + euro + euros + " or household_income > " + euro + more + ")";
    case 4: return "household_income < " + euro + euros + " or missing(household_income)";
    case 5: return "applicant_age >= " + age;
    case 6: return "applicant_age in {" + age + ", " + std::to_string(18 + draw.below(90)) + "}";
    default: return "not (applicant_age < " + age + " or applicant_age > " + std::to_string(60 + draw.below(50)) + ")";
  }
}

std::string random_rule(Draw& draw, int number) {
  static const std::vector<std::string> kRests = {"daeb", "daeb and segment = sociaal", "", "new_build"};
  static const std::vector<std::string> kKeys = {"corporation, year(contract_date)", "corporation", "kern"};
  static const std::vector<std::string> kMeasures = {
      "share(household_income > limit(year(contract_date), household_size))", "count",
      "count(applicant_age >= 65)", "share(rent > \xE2\x82\xAC" "700)"};
  std::string filter = random_condition(draw);
  if (draw.below(4) == 0) filter += " and " + random_condition(draw);
  const std::string& rest = draw.pick(kRests);
  if (!rest.empty()) filter = draw.below(2) == 0 ? rest + " and " + filter : filter + " and " + rest;
  const std::string& measure = draw.pick(kMeasures);
  const bool share = measure.rfind("share", 0) == 0;
  std::string rule = "rule R" + std::to_string(number) + " \"t\" { over allocations where " + filter + " per " +
                     draw.pick(kKeys) + "\n  measure " + measure + "\n";
  if (draw.below(3) == 0) rule += "  exempt channel = urgent\n";
  rule += share ? "  signal when measure > 20% breach when measure > 40% }\n"
                : "  signal when measure > 2 breach when measure > 4 }\n";
  return rule;
}

std::string random_lets(Draw& draw, int count) {
  static const std::vector<std::string> kCorporations = {"X", "Y", "Z"};
  static const std::vector<std::string> kKerns = {"", "", "Noord", "Zuid"};
  static const std::vector<std::string> kLabels = {"A", "B", "C", "E", "F", "G"};
  std::string lets;
  for (int i = 0; i < count; ++i) {
    // 2025 has no table value: a share of incomes then meets an error for that group.
    const std::string date = std::string(draw.below(8) == 0 ? "2025" : "2026") + "-0" + std::to_string(1 + draw.below(9)) + "-1" +
                             std::to_string(draw.below(10));
    const std::string income =
        draw.below(4) == 0 ? std::to_string(20 + draw.below(50)) + "000.00" : std::to_string(20000 + draw.below(50000)) + ".00";
    const std::string rent = std::to_string(500 + draw.below(400)) + ".00";
    std::string row = let("r" + std::to_string(i), draw.pick(kCorporations), date, 1 + draw.below(7), income,
                          draw.below(4) == 0 ? "urgent" : "regulier", "Dordrecht", rent, 18 + draw.below(90));
    row.replace(row.find("Dordrecht,,"), 11, "Dordrecht," + draw.pick(kKerns) + ",");
    if (draw.below(2) == 0) row.replace(row.find("sociaal,true,false"), 18, "sociaal,true,true");
    row.replace(row.size() - 2, 1, draw.pick(kLabels));
    lets += row;
  }
  return lets;
}

TEST_F(SplitFamilies, RandomRuleFamiliesReportWhatTheyReportCountedAlone) {
  std::size_t split_rules = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    Draw draw(seed);
    std::string rules = kHeader;
    for (int r = 0; r < 40; ++r) rules += random_rule(draw, r);
    const std::string lets = random_lets(draw, 300);
    const EvaluateStats stats = expect_split_as_alone(rules, lets, "seed " + std::to_string(seed));
    split_rules += stats.split_rules;
  }
  // Some families are split (else this compares nothing): of 480 rules in 96 kinds of family,
  // drawn twice each (two range sizes) and evaluated twice by the fixture, well over a hundred.
  EXPECT_GT(split_rules, 100u);
}

// Families of threshold rules, as an auditor writes them per income bracket or age band: the
// same rest, keys and measure, each rule its own bounds on income or age. Counted through fine
// counts by pieces, every result must be what the rule reports counted alone.
TEST_F(SplitFamilies, RandomThresholdFamiliesReportWhatTheyReportCountedAlone) {
  std::size_t split_rules = 0, by_pieces = 0;
  for (std::uint64_t seed = 41; seed <= 48; ++seed) {
    Draw draw(seed);
    std::string rules = kHeader;
    for (int r = 0; r < 30; ++r) {
      const std::string measure = r % 3 == 0 ? "count" : "share(household_income > limit(year(contract_date), household_size))";
      rules += "rule T" + std::to_string(r) + " \"t\" { over allocations where daeb and (" + random_threshold(draw) +
               ") per corporation, year(contract_date)\n  measure " + measure + "\n" +
               (r % 2 == 0 ? "  exempt channel = urgent\n" : "") +
               (r % 3 == 0 ? "  signal when measure > 2 breach when measure > 4 }\n"
                           : "  signal when measure > 20% breach when measure > 40% }\n");
    }
    const std::string lets = random_lets(draw, 300);
    const EvaluateStats stats = expect_split_as_alone(rules, lets, "seed " + std::to_string(seed));
    split_rules += stats.split_rules;
    by_pieces += stats.fine_counts_by_pieces;
  }
  // Four families per seed (count or share, exempt or not), each split by income and by age
  // where two or more of its rules have one: nearly every rule is split.
  EXPECT_GT(split_rules, 300u);
  EXPECT_GT(by_pieces, 80u);
}

// A rule's own period leaves out the groups of other years before it measures (evaluator.cpp,
// RuleRun::skips_outside_own_period_). Whatever is split, shared or counted alike, a random rule
// with `valid until 2025-12-31` or `valid from 2026-01-01` reports exactly the groups of its years
// that the same rule without the period reports, each the same.
TEST_F(Engine, RandomRulesWithAPeriodReportTheirYearsAsWithoutIt) {
  auto number = [](const std::optional<std::int64_t>& n) { return n ? std::to_string(*n) : std::string("-"); };
  auto shown = [&](const RuleResult& r) {
    std::string text = r.rule->id + " " + std::string(status_name(r.status)) + " " + number(r.numerator) + "/" +
                       number(r.denominator) + " [";
    for (const GroupField& field : r.group) text += field.name + "=" + (field.text ? *field.text : field.number ? std::to_string(*field.number) : "-") + " ";
    text += "] " + note_text(r.note, Lang::En) + " {";
    for (const std::string_view id : r.evidence) text += std::string(id) + " ";
    return text + "}";
  };
  std::size_t compared = 0, left_out = 0, split_rules = 0;
  for (std::uint64_t seed = 21; seed <= 28; ++seed) {
    Draw draw(seed);
    std::string plain = kHeader, with_periods = kHeader;
    std::vector<int> period(40, 0);  // 0: none, 1: until 2025, 2: from 2026
    for (int r = 0; r < 40; ++r) {
      std::string rule = random_rule(draw, r);
      // Grouped by year (most of them): a period then leaves groups out, and rules of one family
      // with different periods share a fine count.
      if (draw.below(4) != 0) {
        for (const std::string keys : {" per corporation\n", " per kern\n"}) {
          if (const std::size_t at = rule.find(keys); at != std::string::npos) {
            rule.replace(at, keys.size(), " per corporation, year(contract_date)\n");
          }
        }
      }
      period[static_cast<std::size_t>(r)] = draw.below(3);
      plain += rule;
      const std::string clause = period[static_cast<std::size_t>(r)] == 1   ? "valid until 2025-12-31 "
                                 : period[static_cast<std::size_t>(r)] == 2 ? "valid from 2026-01-01 "
                                                                            : "";
      with_periods += std::string(rule).insert(rule.find("{ ") + 2, clause);
    }
    const std::string lets = random_lets(draw, 300);
    for (const std::size_t rows_per_range : {7, 65536}) {
      options_.rows_per_range = rows_per_range;
      options_.threads = 2;
      options_.split_filters = true;
      // Per rule, in order: what the rule without its period reports of the period's groups.
      std::map<std::string, std::vector<std::string>> expected;
      std::map<std::string, std::size_t> before;  // results without the period
      for (const RuleResult& result : run(plain, lets)) {
        ++before[result.rule->id];
        const int p = period[std::stoul(result.rule->id.substr(1))];
        // Only a year among the keys makes a group outside a period (corporation, year(contract_date)).
        const std::optional<std::int64_t> year = result.group.size() == 2 ? result.group[1].number : std::nullopt;
        if (p != 0 && year && ((p == 1 && *year > 2025) || (p == 2 && *year < 2026))) {
          ++left_out;
          continue;
        }
        expected[result.rule->id].push_back(shown(result));
      }
      EvaluateStats stats;
      options_.stats = &stats;
      std::map<std::string, std::vector<std::string>> actual;
      for (const RuleResult& result : run(with_periods, lets)) actual[result.rule->id].push_back(shown(result));
      options_.stats = nullptr;
      split_rules += stats.split_rules;
      for (const auto& [id, results] : before) {
        SCOPED_TRACE("seed " + std::to_string(seed) + ", rule " + id);
        if (!expected[id].empty()) {
          EXPECT_EQ(actual[id], expected[id]);
          compared += actual[id].size();
          continue;
        }
        // Every group of it lies outside the period: one result, no_data, that says why (none of
        // the period, or none passing the filter when its period has groups the filter empties).
        ASSERT_EQ(actual[id].size(), 1u);
        const std::string& only = actual[id][0];
        EXPECT_EQ(only.rfind(id + " no_data -/- [] no allocations records ", 0), 0u) << only;
        const bool said = only.find("of the rule's own period (") != std::string::npos ||
                          only.find("pass the rule's filter") != std::string::npos;
        EXPECT_TRUE(said) << only;
      }
    }
  }
  // Both sides of the comparison hold something: results kept, results left out, split rules.
  EXPECT_GT(compared, 500u);
  EXPECT_GT(left_out, 50u);
  EXPECT_GT(split_rules, 50u);
}

}  // namespace
}  // namespace toets
