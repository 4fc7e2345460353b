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
  ASSERT_TRUE(engine.exit_code == 0 || engine.exit_code == 1) << engine.err;

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
  EXPECT_EQ(report["inputs"][0]["rows_read"], 228);
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
  EXPECT_EQ(report["summary"]["breach"], 6);
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

// Excel saves CSV as Windows-1252: such an export needs no --encoding. The fixture's lets, written
// as a Dutch export (';', decimal commas, "€ 612,35", a neighbourhood "Café Noord") in UTF-8 and
// in Windows-1252 (€ the byte 0x80, é 0xE9), give the canonical file's results, both of them.
TEST(Cli, Windows1252ExportChecksAsItsUtf8Twin) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("toets_cli_encoding_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
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
    EXPECT_EQ(input["rows_accepted"], 228);
    EXPECT_EQ(input["rows_rejected"], 0);
    EXPECT_EQ(input["encoding"], name == "utf8" ? "utf-8" : "windows-1252");
    EXPECT_EQ(input["encoding_detected"], true);
  }
  const Outcome text =
      run("check rules/dordrecht-2026-2027.toets --as-of 2026-11-23 --data allocations=" + dir + "/cp1252.csv");
  EXPECT_NE(text.out.find("228 rows read, 228 accepted, 0 rejected, read as Windows-1252 (detected)"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("note: not valid UTF-8 at line 2 (byte 0xE9): read as Windows-1252"), std::string::npos);
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
  EXPECT_NE(outcome.out.find("ok: 12 rules (9 declared here, 3 imported)"), std::string::npos) << outcome.out;
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
