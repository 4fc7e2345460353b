// Every rule of rules/*.toets is driven by the fixtures to each status it can take (issue 15, item
// 4). The statuses a rule can take follow from its text: ok always; `signal when` adds signal,
// `breach when` breach; `target ... by DATE` adds on_track and at_risk (before the deadline) and
// breach, or signal with `as signal` (after it). A status counts as reached when some fixture's
// expected outcome (fixtures/NAME/expected-DATE.txt, the output of that fixture's expected.sql,
// which the Golden test in cli_test.cpp proves equal to the engine's) has a line of the rule with
// that status in a group inside the rule's effective period: a line marked `|outside` decides
// nothing and does not count. tools/status-coverage.sh prints the same table from the engine.
// The last test recounts docs/rules.md: its counts per agreement and its totals must be those of
// its clause tables, every row counted.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
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

// docs/rules.md: each agreement's "Counts:" line and its row in the Totals table are the counts of
// the clause table that follows the Counts line, by the first words of each row's status column.
struct Counts {
  int rows = 0, encoded = 0, in_part = 0, not_encoded = 0, not_checkable = 0;
  bool operator==(const Counts&) const = default;
};

std::string show(const Counts& c) {
  return std::to_string(c.rows) + " rows: " + std::to_string(c.encoded) + " encoded, " + std::to_string(c.in_part) +
         " in part or approximated, " + std::to_string(c.not_encoded) + " not encoded, " +
         std::to_string(c.not_checkable) + " not checkable";
}

std::vector<std::string> cells_of(const std::string& row) {
  std::vector<std::string> cells;
  std::istringstream parts(trimmed(row).substr(1));
  for (std::string cell; std::getline(parts, cell, '|');) cells.push_back(trimmed(cell));
  return cells;
}

TEST(StatusCoverage, RulesDocCountsMatchTheTables) {
  std::istringstream in(read_file(kSource / "docs/rules.md"));
  std::map<std::string, Counts> stated, counted, totals;
  std::string section;
  enum { kOutside, kBeforeTable, kInTable } state = kOutside;
  bool in_totals = false;
  for (std::string line; std::getline(in, line);) {
    if (starts_with(line, "## ")) {
      section = line.substr(3, line.find(" (") - 3);
      in_totals = section == "Totals";
      state = kOutside;
      continue;
    }
    if (in_totals && starts_with(line, "| ") && !starts_with(line, "| agreement") && !starts_with(line, "| ---")) {
      const auto cells = cells_of(line);
      ASSERT_EQ(cells.size(), 6u) << line;
      totals[cells[0]] = {std::stoi(cells[1]), std::stoi(cells[2]), std::stoi(cells[3]), std::stoi(cells[4]),
                          std::stoi(cells[5])};
    }
    if (starts_with(line, "Counts: ")) {
      Counts c;
      ASSERT_EQ(std::sscanf(line.c_str(),
                            "Counts: %d rows: %d encoded, %d in part or approximated, %d not encoded, %d not checkable",
                            &c.rows, &c.encoded, &c.in_part, &c.not_encoded, &c.not_checkable),
                5)
          << line;
      stated[section] = c;
      counted[section] = {};
      state = kBeforeTable;
      continue;
    }
    if (state == kBeforeTable && starts_with(line, "| ")) state = kInTable;
    if (state == kInTable) {
      if (!starts_with(line, "| ")) {
        state = kOutside;
        continue;
      }
      if (starts_with(line, "| ---") || starts_with(line, "| document") || starts_with(line, "| source")) continue;
      const std::string status = cells_of(line).back();
      Counts& c = counted[section];
      ++c.rows;
      if (starts_with(status, "encoded")) ++c.encoded;
      else if (starts_with(status, "in part") || starts_with(status, "approximated") || starts_with(status, "partly")) ++c.in_part;
      else if (starts_with(status, "not encoded")) ++c.not_encoded;
      else if (starts_with(status, "not checkable")) ++c.not_checkable;
      else ADD_FAILURE() << section << ": a status that is none of the four: " << line;
    }
  }
  ASSERT_EQ(stated.size(), 6u) << "a Counts line per agreement and for the national rules";
  Counts all;
  for (const auto& [name, c] : counted) {
    EXPECT_EQ(show(stated[name]), show(c)) << name << ": the Counts line is not what its table holds";
    EXPECT_EQ(show(totals[name]), show(c)) << name << ": the Totals row is not what its table holds";
    all = {all.rows + c.rows, all.encoded + c.encoded, all.in_part + c.in_part, all.not_encoded + c.not_encoded,
           all.not_checkable + c.not_checkable};
  }
  EXPECT_EQ(show(totals["all"]), show(all));
}

}  // namespace
