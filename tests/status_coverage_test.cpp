// Every rule of rules/*.toets is driven by the fixtures to each status it can take (issue 15, item
// 4). The statuses a rule can take follow from its text: ok always; `signal when` adds signal,
// `breach when` breach; `target ... by DATE` adds on_track and at_risk (before the deadline) and
// breach, or signal with `as signal` (after it). A status counts as reached when some fixture's
// expected outcome (fixtures/NAME/expected-DATE.txt, the output of that fixture's expected.sql,
// which the Golden test in cli_test.cpp proves equal to the engine's) has a line of the rule with
// that status in a group inside the rule's effective period: a line marked `|outside` decides
// nothing and does not count. tools/status-coverage.sh prints the same table from the engine.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSource = TOETS_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// Rule id -> statuses it can take, for one rule file, in the order the rules are declared.
struct RuleFile {
  std::vector<std::string> order;
  std::map<std::string, std::set<std::string>> can_take;
};

RuleFile read_rules(const fs::path& path) {
  RuleFile file;
  std::istringstream in(read_file(path));
  std::string current;
  for (std::string raw; std::getline(in, raw);) {
    const std::string line = trimmed(raw.substr(0, raw.find("//")));
    if (starts_with(raw, "rule ")) {
      current = raw.substr(5, raw.find(' ', 5) - 5);
      if (!current.empty() && current.front() == '"') current = raw.substr(6, raw.find('"', 6) - 6);
      file.order.push_back(current);
      file.can_take[current] = {"ok"};
    } else if (starts_with(raw, "}")) {
      current.clear();
    } else if (!current.empty()) {
      auto& statuses = file.can_take[current];
      if (starts_with(line, "signal when")) statuses.insert("signal");
      if (starts_with(line, "breach when")) statuses.insert("breach");
      if (starts_with(line, "target ")) {
        statuses.insert({"on_track", "at_risk"});
        statuses.insert(line.find(" as signal") != std::string::npos ? "signal" : "breach");
      }
    }
  }
  return file;
}

// Per rule file and rule id: the statuses reached inside the period in some fixture.
using Reached = std::map<std::string, std::map<std::string, std::set<std::string>>>;

Reached reached_in_fixtures(const std::map<std::string, RuleFile>& rule_files) {
  Reached reached;
  for (const auto& entry : fs::directory_iterator(kSource / "fixtures")) {
    const fs::path golden = entry.path() / "golden.txt";
    if (!fs::exists(golden)) continue;
    std::string rule_file;
    std::vector<std::string> dates;
    std::istringstream in(read_file(golden));
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string key, value;
      words >> key >> value;
      if (key == "rules") rule_file = value;
      if (key == "as_of") dates.push_back(value);
    }
    for (const auto& date : dates) {
      std::istringstream expected(read_file(entry.path() / ("expected-" + date + ".txt")));
      for (std::string line; std::getline(expected, line);) {
        std::vector<std::string> fields;
        std::istringstream parts(line);
        for (std::string field; std::getline(parts, field, '|');) fields.push_back(field);
        if (fields.size() < 3 || (fields.size() > 4 && fields[4] == "outside")) continue;
        // A line belongs to the rule file checked, or, for an imported rule, to national.toets.
        const std::string owner = rule_files.at(rule_file).can_take.count(fields[0]) ? rule_file : "rules/national.toets";
        reached[owner][fields[0]].insert(fields[2]);
      }
    }
  }
  return reached;
}

TEST(StatusCoverage, EveryRuleReachesEveryStatusItCanTakeInsideItsPeriod) {
  std::map<std::string, RuleFile> rule_files;
  for (const auto& entry : fs::directory_iterator(kSource / "rules")) {
    if (entry.path().extension() == ".toets") rule_files["rules/" + entry.path().filename().string()] = read_rules(entry.path());
  }
  ASSERT_EQ(rule_files.size(), 6u) << "five agreements and the national rules";
  const Reached reached = reached_in_fixtures(rule_files);
  std::size_t rules = 0;
  for (const auto& [file, rule_file] : rule_files) {
    for (const auto& id : rule_file.order) {
      ++rules;
      const auto file_reached = reached.find(file);
      std::set<std::string> got;
      if (file_reached != reached.end() && file_reached->second.count(id)) got = file_reached->second.at(id);
      for (const auto& status : rule_file.can_take.at(id)) {
        EXPECT_TRUE(got.count(status) > 0) << file << " rule " << id << " never reaches " << status
                                           << " inside its period in any fixture";
      }
    }
  }
  EXPECT_GT(rules, 40u) << "the rule files were not read";
}

// The reading of the rule text itself: a deadline rule as a signal, and a rule with two thresholds.
TEST(StatusCoverage, StatusesFollowFromTheRuleText) {
  const RuleFile sv = read_rules(kSource / "rules/stichtse-vecht-2025-2030.toets");
  EXPECT_EQ(sv.can_take.at("3.2.1 vijf jaar"), (std::set<std::string>{"ok", "on_track", "at_risk", "signal"}));
  EXPECT_EQ(sv.can_take.at("3.3.2"), (std::set<std::string>{"ok", "on_track", "at_risk", "breach"}));
  const RuleFile dordrecht = read_rules(kSource / "rules/dordrecht-2026-2027.toets");
  EXPECT_EQ(dordrecht.can_take.at("F"), (std::set<std::string>{"ok", "signal", "breach"}));
  EXPECT_EQ(dordrecht.can_take.at("Bijlage 2 netto"), (std::set<std::string>{"ok", "signal"}));
}

}  // namespace
