// End to end: the built `toets` command on the shipped rules and fixtures, as a user runs it.
// The fixture's expected outcome comes from expected.sql, run with sqlite3 beside the engine, and
// from expected.txt (that query's output, reviewed by hand against the fixture's README).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/result_lines.hpp"
#include "tests/support/scratch_folder.hpp"
#include "tests/support/toets_process.hpp"

namespace {

using Outcome = toets::testing_support::ProcessOutcome;

std::string read_file(const std::string& path) { return toets::testing_support::read_whole(path); }

Outcome run(const std::string& arguments) { return toets::testing_support::run_toets_shell(arguments); }

const std::string kFixture = "fixtures/dordrecht-2026-2027";
const std::string kCheck = "check rules/dordrecht-2026-2027.toets --data allocations=" + kFixture +
                           "/allocations.csv --data stock=" + kFixture + "/stock.csv";

using toets::testing_support::result_lines;

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Golden fixtures: every folder fixtures/NAME with a golden.txt is checked against its own
// expected.sql. golden.txt lines:
//   rules RULEFILE             (relative to the repository)
//   data KIND=FILE             (relative to the fixture folder; repeatable)
//   as_of YYYY-MM-DD           (repeatable: one check per date)
// expected.sql is run with sqlite3 in the fixture folder after
//   CREATE TABLE settings AS SELECT '<as_of>' AS as_of
// and prints rule|group|status|detail lines. Every rule declared in the rule file itself must
// appear in that output (imported rules may); the engine's lines for those rules must equal it,
// and it must equal the reviewed copy expected-<as_of>.txt.
struct GoldenCase {
  std::string fixture;
  std::string rules;
  std::vector<std::string> data;
  std::string as_of;
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.fixture << " as of " << c.as_of; }

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;
  const std::filesystem::path root = std::filesystem::path(TOETS_SOURCE_DIR) / "fixtures";
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (std::filesystem::exists(entry.path() / "golden.txt")) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    GoldenCase base;
    base.fixture = folder.filename().string();
    std::vector<std::string> dates;
    std::istringstream in(read_file((folder / "golden.txt").string()));
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string key, value;
      words >> key >> value;
      if (key == "rules") base.rules = value;
      if (key == "data") base.data.push_back(value);
      if (key == "as_of") dates.push_back(value);
    }
    for (const auto& date : dates) {
      GoldenCase c = base;
      c.as_of = date;
      cases.push_back(c);
    }
  }
  return cases;
}

std::string golden_name(const testing::TestParamInfo<GoldenCase>& param_info) {
  std::string name = param_info.param.fixture + "_" + param_info.param.as_of;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

// Rule ids declared in a rule file itself ("rule ID ..." at the start of a line).
std::set<std::string> declared_rules(const std::string& rule_file) {
  std::set<std::string> ids;
  std::istringstream in(read_file(std::string(TOETS_SOURCE_DIR) + "/" + rule_file));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("rule ", 0) != 0) continue;
    std::string id = line.substr(5, line.find(' ', 5) - 5);
    if (!id.empty() && id.front() == '"') id = line.substr(6, line.find('"', 6) - 6);
    ids.insert(id);
  }
  return ids;
}

class Golden : public testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, EngineAgreesWithTheIndependentSqlComputation) {
  const GoldenCase& c = GetParam();
  const std::string folder = "fixtures/" + c.fixture;
  std::string arguments = "check " + c.rules + " --as-of " + c.as_of + " --format json";
  for (const auto& data : c.data) {
    const auto eq = data.find('=');
    arguments += " --data " + data.substr(0, eq + 1) + folder + "/" + data.substr(eq + 1);
  }
  const Outcome engine = run(arguments);
  // 2 only for a check whose expected outcome has an error group (a value the rules lack).
  ASSERT_TRUE(engine.exit_code == 0 || engine.exit_code == 1 || engine.exit_code == 2) << engine.err;

  const std::string sql_command = "cd '" + std::string(TOETS_SOURCE_DIR) + "/" + folder +
                                  "' && sqlite3 -cmd \"CREATE TABLE settings AS SELECT '" + c.as_of +
                                  "' AS as_of\" :memory: < expected.sql";
  FILE* pipe = popen(sql_command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string sql_output;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) sql_output.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << "sqlite3 failed (is it installed? tools/setup.sh installs it)";
  const std::vector<std::string> expected = sorted_lines(sql_output);

  std::set<std::string> proven;
  for (const auto& line : expected) proven.insert(line.substr(0, line.find('|')));
  for (const auto& id : declared_rules(c.rules)) {
    EXPECT_TRUE(proven.count(id) > 0) << "rule " << id << " of " << c.rules << " has no expected outcome in " << folder;
  }
  std::vector<std::string> actual;
  for (const auto& line : result_lines(engine.out)) {
    if (proven.count(line.substr(0, line.find('|'))) > 0) actual.push_back(line);
  }
  EXPECT_EQ(actual, expected);
  const bool expects_error = std::any_of(expected.begin(), expected.end(), [](const std::string& line) {
    return line.find("|error|") != std::string::npos && line.find("|outside") == std::string::npos;
  });
  EXPECT_EQ(engine.exit_code == 2, expects_error) << engine.err;
  EXPECT_EQ(expected, sorted_lines(read_file(std::string(TOETS_SOURCE_DIR) + "/" + folder + "/expected-" + c.as_of + ".txt")));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, testing::ValuesIn(golden_cases()), golden_name);

TEST(Cli, JsonHasTheDocumentedShape) {
  const Outcome outcome = run(kCheck + " --as-of 2026-11-23 --format json");
  const auto report = nlohmann::json::parse(outcome.out);
  for (const char* key : {"id", "title", "file"}) EXPECT_TRUE(report["ruleset"].contains(key)) << key;
  EXPECT_EQ(report["as_of"], "2026-11-23");
  ASSERT_EQ(report["inputs"].size(), 2u);
  for (const char* key :
       {"dataset", "file", "encoding", "encoding_detected", "rows_read", "rows_accepted", "rows_rejected"}) {
    EXPECT_TRUE(report["inputs"][0].contains(key)) << key;
  }
  EXPECT_EQ(report["inputs"][0]["rows_read"], 231);
  for (const auto& result : report["results"]) {
    for (const char* key : {"rule", "title", "source", "group", "status", "measure", "numerator", "denominator",
                            "records", "threshold", "evidence", "remedy"}) {
      EXPECT_TRUE(result.contains(key)) << key;
    }
  }
  // Shares as fractions: Trivire 2026 under F is 4/23 (A001 and the three lets written last); its
  // threshold 0.15.
  bool found = false;
  for (const auto& result : report["results"]) {
    if (result["rule"] == "F" && result["group"]["corporation"] == "Trivire") {
      found = true;
      EXPECT_DOUBLE_EQ(result["measure"].get<double>(), 4.0 / 23.0);
      EXPECT_DOUBLE_EQ(result["threshold"]["value"].get<double>(), 0.15);
      EXPECT_EQ(result["remedy"], 1);  // 3 of 23 above would be 13.04% <= 15%
      EXPECT_EQ(result["evidence"], nlohmann::json::array({"A001", "A229", "A230", "A231"}));
      EXPECT_EQ(result["owner"], "Trivire en Woonbron");  // the trekker by name
      EXPECT_EQ(result["source"], "Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F");
    }
    // Woonkracht10 and HW Wonen let homes in Dordrecht here, but are no parties to the agreement
    // (corporations "Trivire", "Woonbron"): no rule reads them, the national ones included.
    if (result["group"].contains("corporation")) {
      EXPECT_NE(result["group"]["corporation"], "Woonkracht10") << result["rule"];
      EXPECT_NE(result["group"]["corporation"], "HW Wonen") << result["rule"];
    }
  }
  EXPECT_TRUE(found);
  // F and Woningwet-48 for Trivire 2026, BTIV-54a Woonbron 2026, and 2.1's 2025 group (no growth
  // during 2025: the parties' 84 at 1 January 2025 and 2026; reported, outside the period).
  // Trivire's Zwijndrecht lets are outside Dordrecht's scope for the national rules too
  // (Woningwet-48 4/23, not 9/28); HW Wonen's 51 Wonen Eerst lets are not read (2.7: ok with 0).
  EXPECT_EQ(report["summary"]["breach"], 4);
}

TEST(Cli, AnAsOfDateIsStrictlyIso) {
  // One date parser everywhere: "2026-11-2x" once ran as 2026-11-02.
  for (const char* date : {"2026-11-2x", "2026-02-30", "26-11-2026", "2026/11/23"}) {
    const Outcome outcome = run(kCheck + " --as-of " + date);
    EXPECT_EQ(outcome.exit_code, 2) << date;
    EXPECT_NE(outcome.err.find("is not a date (YYYY-MM-DD)"), std::string::npos) << date << ": " << outcome.err;
  }
}

TEST(Cli, OutputIsByteForByteDeterministic) {
  const Outcome a = run(kCheck + " --as-of 2026-11-23 --format json");
  const Outcome b = run(kCheck + " --as-of 2026-11-23 --format json");
  EXPECT_EQ(a.out, b.out);
  const Outcome c = run(kCheck + " --as-of 2026-11-23");
  const Outcome d = run(kCheck + " --as-of 2026-11-23");
  EXPECT_EQ(c.out, d.out);
}

TEST(Cli, TextReportTracesBreachesToArticleOwnerAndRecords) {
  const Outcome outcome = run(kCheck + " --as-of 2026-11-23");
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_NE(outcome.out.find("F Vrije toewijzingsruimte"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("(Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F; trekker: Trivire en Woonbron)"),
            std::string::npos);
  EXPECT_NE(outcome.out.find("records (4): A001, A229, A230, A231"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("Summary:"), std::string::npos);
}

TEST(Cli, OnlyAllocationsGivenLeavesStockRulesNotEvaluated) {
  const Outcome outcome = run("check rules/dordrecht-2026-2027.toets --data allocations=" + kFixture +
                              "/allocations.csv --as-of 2026-11-23 --format json");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;
  const auto report = nlohmann::json::parse(outcome.out);
  int not_evaluated = 0;
  for (const auto& result : report["results"]) {
    if (result["rule"] == "H" || result["rule"] == "NPA-EFG") {
      EXPECT_EQ(result["status"], "not_evaluated");
      EXPECT_NE(result["message"].get<std::string>().find("no stock data given"), std::string::npos);
      ++not_evaluated;
    }
  }
  EXPECT_EQ(not_evaluated, 2);
  EXPECT_EQ(report["summary"]["incomplete"], false);  // a dataset not given leaves a check complete
}

// A count with leading zeros is the decimal number (CLI11 alone read 010 as octal 8).
TEST(Cli, AMinimumGroupSizeWithLeadingZerosIsDecimal) {
  const Outcome outcome = run(kCheck + " --as-of 2026-11-23 --format json --min-group-size 010");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;
  EXPECT_EQ(nlohmann::json::parse(outcome.out)["privacy"]["min_group_size"], 10);
}

// Another municipality's export, or last year's, against this rule set: nothing could be checked,
// and the check says so (exit 2) instead of giving the all-clear.
TEST(Cli, AnExportOfAnotherMunicipalityOrYearIsNoVerdict) {
  const Outcome elsewhere = run("check rules/dordrecht-2026-2027.toets --data allocations=fixtures/westervoort-2022/"
                                "allocations.csv --as-of 2026-11-23 --format markdown");
  EXPECT_EQ(elsewhere.exit_code, 2) << elsewhere.err;
  EXPECT_NE(elsewhere.err.find("none of its 65 rows is in the rule set's scope (municipality Dordrecht; corporations "
                               "Trivire, Woonbron); is this the right file?"),
            std::string::npos)
      << elsewhere.err;
  EXPECT_EQ(elsewhere.out.find("Niets overschreden"), std::string::npos) << elsewhere.out;
  const Outcome earlier = run("check rules/dordrecht-2026-2027.toets --data allocations=fixtures/dordrecht-2024-2025/"
                              "allocations.csv --as-of 2026-11-23");
  EXPECT_EQ(earlier.exit_code, 2) << earlier.err;
  EXPECT_NE(earlier.out.find("none of its 85 rows lies in the period its rules check"), std::string::npos)
      << earlier.out;
}

TEST(Cli, DataNoRuleReadsIsNotedAndIgnored) {
  const std::string dir = toets::testing_support::scratch_folder("cli_unused").string();
  std::ofstream(dir + "/rules.toets") << "ruleset r { }\nrule X \"t\" { over stock measure count breach when measure > 1000 }\n";
  const Outcome outcome = run("check " + dir + "/rules.toets --data stock=" + kFixture + "/stock.csv --data allocations=" +
                              kFixture + "/allocations.csv --format json");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto report = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(report["inputs"][1]["used"], false);
  EXPECT_NE(report["notes"][0].get<std::string>().find("no rule of this rule set reads allocations"), std::string::npos);
}

// Excel saves CSV as Windows-1252: such an export needs no --encoding. The fixture's lets, written
// as a Dutch export (';', decimal commas, "€ 612,35", a neighbourhood "Café Noord") in UTF-8 and
// in Windows-1252 (€ the byte 0x80, é 0xE9), give the canonical file's results, both of them.
TEST(Cli, Windows1252ExportChecksAsItsUtf8Twin) {
  const std::string dir = toets::testing_support::scratch_folder("cli_encoding").string();
  std::string utf8;
  std::istringstream canonical(read_file(std::string(TOETS_SOURCE_DIR) + "/" + kFixture + "/allocations.csv"));
  bool header = true;
  for (std::string line; std::getline(canonical, line);) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    if (line.back() == ',') cells.emplace_back();
    ASSERT_EQ(cells.size(), 16u) << line;  // no quoted commas in the fixture
    if (!header) {
      cells[4] = "Caf\xC3\xA9 Noord";                              // neighbourhood: no rule reads it
      std::replace(cells[10].begin(), cells[10].end(), '.', ',');  // rent
      cells[10] = "\xE2\x82\xAC " + cells[10];
      std::replace(cells[12].begin(), cells[12].end(), '.', ',');  // household_income
    }
    header = false;
    for (std::size_t i = 0; i < cells.size(); ++i) utf8 += (i > 0 ? ";" : "") + cells[i];
    utf8 += "\r\n";
  }
  std::string cp1252;
  for (std::size_t at = 0; at < utf8.size(); ++at) {
    if (utf8.compare(at, 3, "\xE2\x82\xAC") == 0) {
      cp1252 += '\x80';
      at += 2;
    } else if (utf8.compare(at, 2, "\xC3\xA9") == 0) {
      cp1252 += '\xE9';
      at += 1;
    } else {
      cp1252 += utf8[at];
    }
  }
  std::ofstream(dir + "/utf8.csv", std::ios::binary) << utf8;
  std::ofstream(dir + "/cp1252.csv", std::ios::binary) << cp1252;

  const std::string check = "check rules/dordrecht-2026-2027.toets --as-of 2026-11-23 --data stock=" + kFixture +
                            "/stock.csv --format json --data allocations=";
  const Outcome expected = run(check + kFixture + "/allocations.csv");
  for (const std::string name : {"utf8", "cp1252"}) {
    SCOPED_TRACE(name);
    const Outcome outcome = run(check + dir + "/" + name + ".csv");
    EXPECT_EQ(outcome.exit_code, expected.exit_code) << outcome.err;
    EXPECT_EQ(result_lines(outcome.out), result_lines(expected.out));
    const auto input = nlohmann::json::parse(outcome.out)["inputs"][1];
    EXPECT_EQ(input["rows_accepted"], 231);
    EXPECT_EQ(input["rows_rejected"], 0);
    EXPECT_EQ(input["encoding"], name == "utf8" ? "utf-8" : "windows-1252");
    EXPECT_EQ(input["encoding_detected"], true);
  }
  const Outcome text =
      run("check rules/dordrecht-2026-2027.toets --as-of 2026-11-23 --data allocations=" + dir + "/cp1252.csv");
  EXPECT_NE(text.out.find("231 rows read, 231 accepted, 0 rejected, read as Windows-1252 (detected)"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("note: not valid UTF-8 at line 2 (byte 0xE9): read as Windows-1252"), std::string::npos);
}

TEST(Cli, FailOnSignalCountsSignals) {
  const std::string dir = toets::testing_support::scratch_folder("cli_signal").string();
  std::ofstream(dir + "/rules.toets") << "ruleset r { }\nrule X \"t\" { over stock measure count signal when measure > 1 }\n";
  EXPECT_EQ(run("check " + dir + "/rules.toets --data stock=" + kFixture + "/stock.csv").exit_code, 0);
  EXPECT_EQ(run("check " + dir + "/rules.toets --data stock=" + kFixture + "/stock.csv --fail-on signal").exit_code, 1);
}

TEST(Cli, BrokenRuleFileIsExitTwoWithLineColumnAndCaret) {
  const Outcome outcome = run("validate tests/diagnostics/broken_dordrecht.toets");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("tests/diagnostics/broken_dordrecht.toets:8:36: error: type mismatch"), std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("\n                                     ^\n"), std::string::npos) << outcome.err;
  EXPECT_TRUE(outcome.out.empty());
  EXPECT_EQ(run("check tests/diagnostics/broken_dordrecht.toets --data allocations=" + kFixture + "/allocations.csv").exit_code, 2);
}

TEST(Cli, ValidateAcceptsTheShippedRuleSets) {
  const Outcome outcome = run("validate rules/dordrecht-2026-2027.toets");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  // 11 of Dordrecht's own; of the 6 national rules the 3 of the 2021 regime lie outside 2026-2027.
  EXPECT_NE(outcome.out.find("ok: 14 rules (11 declared here, 3 imported)"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("3 imported rules outside its period not run"), std::string::npos) << outcome.out;
}

struct BadArguments {
  const char* name;
  const char* arguments;
  const char* message;
};

class CliRejects : public testing::TestWithParam<BadArguments> {};

std::string argument_case_name(const testing::TestParamInfo<BadArguments>& param_info) {
  return param_info.param.name;
}

TEST_P(CliRejects, WithExitTwoAndAMessage) {
  const Outcome outcome = run(GetParam().arguments);
  EXPECT_EQ(outcome.exit_code, 2) << outcome.out << outcome.err;
  EXPECT_NE(outcome.err.find(GetParam().message), std::string::npos) << outcome.err;
  EXPECT_TRUE(outcome.out.empty()) << outcome.out;
}

INSTANTIATE_TEST_SUITE_P(
    Arguments, CliRejects,
    testing::Values(
        BadArguments{"unknown_kind", "check rules/dordrecht-2026-2027.toets --data alocations=x.csv", "--data 'alocations=x.csv': expected KIND=FILE"},
        BadArguments{"no_file", "check rules/dordrecht-2026-2027.toets --data allocations", "expected KIND=FILE"},
        BadArguments{"kind_twice", "check rules/dordrecht-2026-2027.toets --data allocations=a.csv --data allocations=b.csv", "given twice"},
        BadArguments{"missing_data_file", "check rules/dordrecht-2026-2027.toets --data allocations=/nonexistent.csv", "/nonexistent.csv"},
        BadArguments{"bad_as_of", "check rules/dordrecht-2026-2027.toets --as-of 2026-02-30", "--as-of '2026-02-30' is not a date"},
        BadArguments{"bad_format", "check rules/dordrecht-2026-2027.toets --format xml", "--format"},
        BadArguments{"missing_rules", "check rules/missing.toets", "cannot read rule file 'rules/missing.toets': no such file"},
        BadArguments{"no_ruleset", "check", "ruleset is required"},
        BadArguments{"unknown_command", "frobnicate", "unknown command 'frobnicate'"},
        BadArguments{"wrong_columns", "check rules/dordrecht-2026-2027.toets --data stock=fixtures/dordrecht-2026-2027/allocations.csv",
                     "missing required column"},
        BadArguments{"max_rejected_a_word", "check rules/dordrecht-2026-2027.toets --max-rejected lots",
                     "--max-rejected 'lots': expected a percentage from 0% to 100%, like 1%, 0.5% or 0"},
        BadArguments{"max_rejected_above_all", "check rules/dordrecht-2026-2027.toets --max-rejected 150%",
                     "--max-rejected '150%': expected a percentage"},
        BadArguments{"max_rejected_negative", "check rules/dordrecht-2026-2027.toets --max-rejected -1%",
                     "--max-rejected '-1%': expected a percentage"},
        BadArguments{"run_max_rejected", "run fixtures/plan/dordrecht.plan --max-rejected 1%%",
                     "--max-rejected '1%%': expected a percentage"},
        // CLI11 alone read these as 16 and 1e1 as out of range: digits only.
        BadArguments{"min_group_size_hex", "check rules/dordrecht-2026-2027.toets --min-group-size 0x10",
                     "--min-group-size: '0x10' is not a whole number in the digits 0-9"},
        BadArguments{"run_min_group_size_exponent", "run fixtures/plan/dordrecht.plan --min-group-size 1e1",
                     "--min-group-size: '1e1' is not a whole number in the digits 0-9"}),
    argument_case_name);

// The --data files are loaded at once; when more than one cannot be read, the error reported is
// the one of the file given first, every time, whichever load ends first.
TEST(Cli, OfTwoUnreadableDataFilesTheFirstGivenIsReported) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const Outcome stock_first = run("check rules/dordrecht-2026-2027.toets --data stock=/nonexistent-stock.csv "
                                    "--data allocations=/nonexistent-allocations.csv");
    EXPECT_EQ(stock_first.exit_code, 2);
    EXPECT_NE(stock_first.err.find("/nonexistent-stock.csv"), std::string::npos) << stock_first.err;
    EXPECT_EQ(stock_first.err.find("/nonexistent-allocations.csv"), std::string::npos) << stock_first.err;
    const Outcome allocations_first = run("check rules/dordrecht-2026-2027.toets --data allocations=/nonexistent-allocations.csv "
                                          "--data stock=" + kFixture + "/allocations.csv");
    EXPECT_EQ(allocations_first.exit_code, 2);
    EXPECT_NE(allocations_first.err.find("/nonexistent-allocations.csv"), std::string::npos) << allocations_first.err;
    EXPECT_EQ(allocations_first.err.find("missing required column"), std::string::npos) << allocations_first.err;
    EXPECT_TRUE(stock_first.out.empty() && allocations_first.out.empty());
  }
}

TEST(Cli, MissingParameterYearIsExitTwoNamingTableAndYear) {
  const std::string dir = toets::testing_support::scratch_folder("cli_2027").string();
  std::ofstream(dir + "/allocations.csv")
      << "allocation_id,corporation,municipality,contract_date,dwelling_id,segment,daeb,rent,household_size,"
         "household_income,applicant_age,channel\n"
         "X1,Trivire,Dordrecht,2027-02-01,V1,sociaal,true,600.00,1,30000.00,40,regulier\n";
  const Outcome outcome = run("check rules/dordrecht-2026-2027.toets --data allocations=" + dir + "/allocations.csv");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("has no value for year 2027"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.out.find("error"), std::string::npos);  // the report is still printed
}

// ---------------------------------------------------------------------------------------------
// A check that could not check its data (more rows rejected than --max-rejected allows, or none
// accepted) exits 2 after writing its report, and the report says so first.

const std::string kHeaderLine =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

std::string let_row(int id, const std::string& kern, const std::string& segment, char separator = ',') {
  std::string row = "A" + std::to_string(id) + ",Trivire,Dordrecht," + kern + ",,2026-03-01,V" + std::to_string(id) +
                    "," + segment + ",true,false,612.35,1,30000.00,40,regulier,C\n";
  if (separator != ',') std::replace(row.begin(), row.end(), ',', separator);
  return row;
}

class CliIncomplete : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = toets::testing_support::scratch_folder("cli_incomplete").string();
    // Nothing in these lets is breached: a complete check of them exits 0.
    std::ofstream(dir_ + "/rules.toets") << "ruleset r { title \"R\" }\n"
                                            "rule C \"Count\" { over allocations measure count breach when measure > 1000 }\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string check(const std::string& arguments) const { return "check " + dir_ + "/rules.toets " + arguments; }
  std::string dir_;
};

// An export in Windows-1252 ("Caf\xE9" in every row) with a mapping that states UTF-8: every one
// of its 30 rows is rejected. (Without an encoding line the file would be detected as Windows-1252.)
TEST_F(CliIncomplete, AllRowsRejectedIsExitTwoAndEveryFormatSaysSoFirst) {
  {
    std::ofstream csv(dir_ + "/export.csv", std::ios::binary);
    std::string header = kHeaderLine;
    std::replace(header.begin(), header.end(), ',', ';');
    csv << header;
    for (int i = 1; i <= 30; ++i) csv << let_row(i, "Caf\xE9", "sociaal", ';');
    std::ofstream(dir_ + "/export.map")
        << "[input]\ndataset = allocations\ndelimiter = semicolon\ndecimal = point\nencoding = utf-8\n";
  }
  const std::string data = "--data allocations=" + dir_ + "/export.csv --mapping allocations=" + dir_ + "/export.map";
  const Outcome text = run(check(data));
  EXPECT_EQ(text.exit_code, 2) << text.err;
  const std::size_t notice = text.out.find("!! Incomplete: not all of the data could be checked (exit status 2)");
  ASSERT_NE(notice, std::string::npos) << text.out;
  EXPECT_LT(notice, text.out.find("\n  C "));  // before the first rule line
  EXPECT_NE(text.out.find("allocations " + dir_ + "/export.csv: no row could be used: all 30 were rejected"),
            std::string::npos);
  EXPECT_NE(text.out.find("30 rows (lines 2, 3, 4, ...), kern 'Caf\\xE9': not valid UTF-8"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("fix: is the file Windows-1252? then add `encoding = cp1252` under `[input]` in the mapping"),
            std::string::npos);
  EXPECT_NE(text.err.find("toets: error: incomplete check: allocations"), std::string::npos) << text.err;

  const Outcome json = run(check(data + " --format json"));
  EXPECT_EQ(json.exit_code, 2);
  const auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["summary"]["incomplete"]["reasons"][0]["reason"], "no_accepted_rows");
  EXPECT_EQ(report["summary"]["incomplete"]["reasons"][0]["rows_rejected"], 30);

  const Outcome junit = run(check(data + " --format junit"));
  EXPECT_EQ(junit.exit_code, 2);
  const std::size_t error = junit.out.find("<error type=\"incomplete\"");
  ASSERT_NE(error, std::string::npos) << junit.out;
  EXPECT_LT(error, junit.out.find("classname=\"r.C\""));
  EXPECT_NE(junit.out.find("errors=\"1\""), std::string::npos);

  const Outcome markdown = run(check(data + " --format markdown --lang en"));
  EXPECT_EQ(markdown.exit_code, 2);
  EXPECT_EQ(markdown.out.rfind("**\xE2\x9A\xA0 Incomplete: not all of the data could be checked.**", 0), 0u)
      << markdown.out.substr(0, 300);
  EXPECT_EQ(markdown.out.find("Nothing breached, no signals"), std::string::npos);

  for (const char* lang : {"nl", "en"}) {
    const Outcome html = run(check(data + " --format html --lang " + lang));
    EXPECT_EQ(html.exit_code, 2);
    const std::size_t banner = html.out.find("<div class=\"incomplete\" role=\"region\"");
    ASSERT_NE(banner, std::string::npos);
    EXPECT_LT(banner, html.out.find("<section class=\"ruleset\">"));
    EXPECT_EQ(html.out.find("Niets overschreden, geen signalen"), std::string::npos);
    EXPECT_EQ(html.out.find("Nothing breached, no signals"), std::string::npos);
  }
  // With its encoding the same export reads in full, and the check is complete: nothing breached.
  std::ofstream(dir_ + "/export.map")
      << "[input]\ndataset = allocations\ndelimiter = semicolon\ndecimal = point\nencoding = cp1252\n";
  const Outcome fixed = run(check(data + " --format json"));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(nlohmann::json::parse(fixed.out)["summary"]["incomplete"], false);
}

// --strict lists the rejected rows on stderr, and logs never carry a personal value: an income
// that is not an amount is named by line and column, its value withheld.
TEST_F(CliIncomplete, StrictNeverPrintsAPersonalValue) {
  {
    std::ofstream csv(dir_ + "/lets.csv", std::ios::binary);
    csv << kHeaderLine << let_row(1, "", "sociaal");
    std::string secret = let_row(2, "", "sociaal");
    secret.replace(secret.find("30000.00"), 8, "geheim-65432");
    csv << secret;
  }
  const Outcome strict = run(check("--data allocations=" + dir_ + "/lets.csv --strict"));
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find("lets.csv:3: household_income"), std::string::npos) << strict.err;
  EXPECT_EQ(strict.err.find("geheim"), std::string::npos) << strict.err;
  EXPECT_EQ(strict.err.find("65432"), std::string::npos) << strict.err;
}

// The --rejects CSV never hands a spreadsheet a formula: an export's cell that starts with = or
// @ is written with a ' before it (OWASP, CSV injection).
TEST_F(CliIncomplete, RejectsCsvNeutralisesFormulaCells) {
  {
    std::ofstream csv(dir_ + "/lets.csv", std::ios::binary);
    csv << kHeaderLine << let_row(1, "", "sociaal") << let_row(2, "", "=cmd|' /C calc'!A0")
        << let_row(3, "", "@SUM(1+1)");
  }
  const Outcome outcome =
      run(check("--data allocations=" + dir_ + "/lets.csv --max-rejected 100% --rejects " + dir_ + "/rejects.csv"));
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  std::ifstream in(dir_ + "/rejects.csv");
  const std::string rejects((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(rejects.find("'=cmd|' /C calc'!A0"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("'@SUM(1+1)"), std::string::npos) << rejects;
  // No cell starts a formula, read as a spreadsheet reads CSV (quoted cells are one cell).
  std::vector<std::string> cells{""};
  bool quoted = false;
  for (std::size_t i = 0; i < rejects.size(); ++i) {
    const char c = rejects[i];
    if (quoted) {
      if (c == '"' && i + 1 < rejects.size() && rejects[i + 1] == '"') cells.back() += rejects[++i];
      else if (c == '"') quoted = false;
      else cells.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == '\n') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  for (const std::string& cell : cells) {
    EXPECT_TRUE(cell.empty() || std::string("=+-@").find(cell.front()) == std::string::npos) << cell;
  }
}

// 2 of 100 rows rejected is 2%: above the default 1%, within --max-rejected 5%.
TEST_F(CliIncomplete, TwoOfAHundredRejectedIsIncompleteAtOnePercentNotAtFive) {
  {
    std::ofstream csv(dir_ + "/lets.csv", std::ios::binary);
    csv << kHeaderLine;
    for (int i = 1; i <= 100; ++i) csv << let_row(i, "", i == 5 || i == 9 ? "Sociale huur" : "sociaal");
  }
  const std::string data = "--data allocations=" + dir_ + "/lets.csv";
  const Outcome by_default = run(check(data));
  EXPECT_EQ(by_default.exit_code, 2) << by_default.err;
  EXPECT_NE(by_default.out.find("2 of 100 rows rejected (2.00%), more than the limit of 1%"), std::string::npos)
      << by_default.out;
  // Lines 6 and 10: the header is line 1.
  EXPECT_NE(by_default.out.find("2 rows (lines 6, 10), segment 'Sociale huur': unknown segment 'Sociale huur'"),
            std::string::npos)
      << by_default.out;
  EXPECT_NE(by_default.out.find("fix: add `Sociale huur = sociaal` under `[values segment]` in the mapping"),
            std::string::npos);
  const Outcome five = run(check(data + " --max-rejected 5%"));
  EXPECT_EQ(five.exit_code, 0) << five.err;
  EXPECT_EQ(five.out.find("Incomplete"), std::string::npos);
  EXPECT_NE(five.out.find("2 rows (lines 6, 10), segment 'Sociale huur'"), std::string::npos);  // still listed
  EXPECT_EQ(run(check(data + " --max-rejected 2")).exit_code, 0);     // 2% is not above 2%
  EXPECT_EQ(run(check(data + " --max-rejected 1.99%")).exit_code, 2);
  // --strict is as it was: any rejected row stops the check before anything is written.
  const Outcome strict = run(check(data + " --strict --max-rejected 5%"));
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_TRUE(strict.out.empty());
  EXPECT_NE(strict.err.find("--strict: 2 rows were rejected; nothing was checked"), std::string::npos) << strict.err;
}

TEST_F(CliIncomplete, AnEmptyDataFileIsIncomplete) {
  std::ofstream(dir_ + "/empty.csv") << kHeaderLine;
  const Outcome outcome = run(check("--data allocations=" + dir_ + "/empty.csv --format json"));
  EXPECT_EQ(outcome.exit_code, 2) << outcome.err;
  const auto report = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(report["summary"]["incomplete"]["reasons"][0]["reason"], "no_accepted_rows");
  EXPECT_EQ(report["summary"]["incomplete"]["reasons"][0]["rows_read"], 0);
  EXPECT_NE(run(check("--data allocations=" + dir_ + "/empty.csv")).out.find("no data rows at all (an empty file)"),
            std::string::npos);
}

}  // namespace
