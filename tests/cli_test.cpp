// End to end: the built `toets` command on the shipped rules and fixtures, as a user runs it.
// The fixture's expected outcome comes from expected.sql, run with sqlite3 beside the engine, and
// from expected.txt (that query's output, reviewed by hand against the fixture's README).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Outcome run(const std::string& arguments) {
  // CTest runs test processes in parallel: name the output files after this process.
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path();
  const std::string out =
      (dir / ("toets_cli_" + std::to_string(getpid()) + "_" + std::to_string(++counter))).string();
  const std::string err = out + ".err";
  const std::string command = std::string("cd '") + TOETS_SOURCE_DIR + "' && '" + TOETS_BINARY + "' " + arguments +
                              " > '" + out + "' 2> '" + err + "'";
  const int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = read_file(out);
  outcome.err = read_file(err);
  return outcome;
}

const std::string kFixture = "fixtures/dordrecht-2026-2027";
const std::string kCheck = "check rules/dordrecht-2026-2027.toets --data allocations=" + kFixture +
                           "/allocations.csv --data stock=" + kFixture + "/stock.csv";

// The engine's results as "rule|group|status|detail" lines, the format of expected.sql.
std::vector<std::string> result_lines(const std::string& json_text) {
  const auto report = nlohmann::json::parse(json_text);
  std::vector<std::string> lines;
  for (const auto& result : report["results"]) {
    std::string group;
    for (const auto& [key, value] : result["group"].items()) {
      if (!group.empty()) group += ", ";
      group += value.is_string() ? value.get<std::string>() : value.dump();
    }
    std::string detail;
    if (!result["numerator"].is_null() && result["denominator"] != 0) {
      detail = result["numerator"].dump() + "/" + result["denominator"].dump();
    } else if (result.contains("target") && !result["measure"].is_null()) {
      detail = result["measure"].dump();
    }
    lines.push_back(result["rule"].get<std::string>() + "|" + group + "|" + result["status"].get<std::string>() + "|" +
                    detail);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

class Golden : public testing::TestWithParam<std::string> {};

TEST_P(Golden, EngineAgreesWithTheIndependentSqlComputation) {
  const std::string as_of = GetParam();
  const Outcome engine = run(kCheck + " --as-of " + as_of + " --format json");
  ASSERT_EQ(engine.exit_code, 1) << engine.err;  // the fixture has breaches
  const std::string sql_command = "cd '" + std::string(TOETS_SOURCE_DIR) + "/" + kFixture +
                                  "' && sqlite3 -cmd \"CREATE TABLE settings AS SELECT '" + as_of +
                                  "' AS as_of\" :memory: < expected.sql";
  FILE* pipe = popen(sql_command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string sql_output;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) sql_output.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << "sqlite3 failed (is it installed? tools/setup.sh installs it)";
  EXPECT_EQ(result_lines(engine.out), sorted_lines(sql_output));
  // The frozen, reviewed copy of the same expectations.
  EXPECT_EQ(sorted_lines(sql_output), sorted_lines(read_file(std::string(TOETS_SOURCE_DIR) + "/" + kFixture +
                                                             "/expected-" + as_of + ".txt")));
}

INSTANTIATE_TEST_SUITE_P(AsOf, Golden, testing::Values("2026-11-23", "2029-06-30"));

TEST(Cli, JsonHasTheDocumentedShape) {
  const Outcome outcome = run(kCheck + " --as-of 2026-11-23 --format json");
  const auto report = nlohmann::json::parse(outcome.out);
  for (const char* key : {"id", "title", "file"}) EXPECT_TRUE(report["ruleset"].contains(key)) << key;
  EXPECT_EQ(report["as_of"], "2026-11-23");
  ASSERT_EQ(report["inputs"].size(), 2u);
  for (const char* key : {"dataset", "file", "rows_read", "rows_accepted", "rows_rejected"}) {
    EXPECT_TRUE(report["inputs"][0].contains(key)) << key;
  }
  EXPECT_EQ(report["inputs"][0]["rows_read"], 79);
  for (const auto& result : report["results"]) {
    for (const char* key : {"rule", "title", "source", "group", "status", "measure", "numerator", "denominator",
                            "records", "threshold", "evidence", "remedy"}) {
      EXPECT_TRUE(result.contains(key)) << key;
    }
  }
  // Shares as fractions: Woonkracht10 2026 under F is 2/10 = 0.2; its threshold 0.15.
  bool found = false;
  for (const auto& result : report["results"]) {
    if (result["rule"] == "F" && result["group"]["corporation"] == "Woonkracht10") {
      found = true;
      EXPECT_DOUBLE_EQ(result["measure"].get<double>(), 0.2);
      EXPECT_DOUBLE_EQ(result["threshold"]["value"].get<double>(), 0.15);
      EXPECT_EQ(result["remedy"], 1);  // 1 of 10 above would be 10% <= 15%
      EXPECT_EQ(result["evidence"], nlohmann::json::array({"A046", "A047"}));
      EXPECT_EQ(result["owner"], "Corporaties");
      EXPECT_EQ(result["source"], "Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(report["summary"]["breach"], 4);
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
  EXPECT_NE(outcome.out.find("(Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F; trekker: Corporaties)"),
            std::string::npos);
  EXPECT_NE(outcome.out.find("records (2): A046, A047"), std::string::npos) << outcome.out;
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
}

TEST(Cli, DataNoRuleReadsIsNotedAndIgnored) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("toets_cli_unused_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/rules.toets") << "ruleset r { }\nrule X \"t\" { over stock measure count breach when measure > 1000 }\n";
  const Outcome outcome = run("check " + dir + "/rules.toets --data stock=" + kFixture + "/stock.csv --data allocations=" +
                              kFixture + "/allocations.csv --format json");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto report = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(report["inputs"][1]["used"], false);
  EXPECT_NE(report["notes"][0].get<std::string>().find("no rule of this rule set reads allocations"), std::string::npos);
}

TEST(Cli, FailOnSignalCountsSignals) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("toets_cli_signal_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
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
  EXPECT_NE(outcome.out.find("ok: 5 rules (2 declared here, 3 imported)"), std::string::npos) << outcome.out;
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
                     "missing required column"}),
    argument_case_name);

TEST(Cli, MissingParameterYearIsExitTwoNamingTableAndYear) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("toets_cli_2027_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/allocations.csv")
      << "allocation_id,corporation,municipality,contract_date,dwelling_id,segment,daeb,rent,household_size,"
         "household_income,applicant_age,channel\n"
         "X1,Trivire,Dordrecht,2027-02-01,V1,sociaal,true,600.00,1,30000.00,40,regulier\n";
  const Outcome outcome = run("check rules/dordrecht-2026-2027.toets --data allocations=" + dir + "/allocations.csv");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("has no value for year 2027"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.out.find("error"), std::string::npos);  // the report is still printed
}

}  // namespace
