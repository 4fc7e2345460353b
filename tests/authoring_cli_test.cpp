// The rule author's command line, run as a user runs it: toets fmt, --select, the summary of the
// warnings about imported files, global flags after the command, --version. Expected results come
// from the fixtures' reviewed SQL output or are worked out by hand from the small files written here.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/result_lines.hpp"
#include "tests/support/scratch_folder.hpp"
#include "tests/support/toets_process.hpp"

namespace {

namespace fs = std::filesystem;

using Outcome = toets::testing_support::ProcessOutcome;

std::string read(const fs::path& path) { return toets::testing_support::read_whole(path); }

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Runs `toets ARGUMENTS` through the shell in the source folder (`stdin_file`, if given, as stdin).
Outcome run(const std::string& arguments, const std::string& stdin_file = "") {
  return toets::testing_support::run_toets_shell(arguments, stdin_file);
}

// A folder of its own for each test.
fs::path scratch(const std::string& name) { return toets::testing_support::scratch_folder("authoring_" + name); }

const std::string kMessy =
    "ruleset  m {title \"m\"}\n\n\n\n"
    "rule X \"t\"{over allocations   // all lets\n"
    "\tmeasure count  breach when measure>1}\n";
const std::string kTidy =
    "ruleset m {\n  title \"m\"\n}\n\n"
    "rule X \"t\" {\n  over allocations  // all lets\n  measure count\n  breach when measure > 1\n}\n";

// ---- toets fmt ----

TEST(FmtCommand, CheckListsAnUnformattedFileExitsOneAndWritesNothing) {
  const fs::path dir = scratch("fmt_check");
  write(dir / "messy.toets", kMessy);
  write(dir / "tidy.toets", kTidy);
  const Outcome outcome = run("fmt --check '" + (dir / "messy.toets").string() + "' '" + (dir / "tidy.toets").string() + "'");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;
  EXPECT_EQ(outcome.out, (dir / "messy.toets").string() + "\n");
  EXPECT_NE(outcome.err.find("1 file is not formatted"), std::string::npos) << outcome.err;
  EXPECT_EQ(read(dir / "messy.toets"), kMessy);
}

TEST(FmtCommand, RewritesInPlaceAndThenChecksClean) {
  const fs::path dir = scratch("fmt_write");
  write(dir / "messy.toets", kMessy);
  const Outcome outcome = run("fmt '" + (dir / "messy.toets").string() + "'");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.out, (dir / "messy.toets").string() + "\n");
  EXPECT_EQ(read(dir / "messy.toets"), kTidy);
  const Outcome again = run("fmt --check '" + (dir / "messy.toets").string() + "'");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "");
}

TEST(FmtCommand, AFolderStandsForItsRuleFiles) {
  const fs::path dir = scratch("fmt_folder");
  fs::create_directories(dir / "sub");
  write(dir / "sub" / "a.toets", kMessy);
  write(dir / "b.toets", kTidy);
  write(dir / "notes.txt", "not a rule file {");
  const Outcome outcome = run("fmt --check '" + dir.string() + "'");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;
  EXPECT_EQ(outcome.out, (dir / "sub" / "a.toets").string() + "\n");
}

TEST(FmtCommand, AFileWithASyntaxErrorIsReportedAndLeftAlone) {
  const fs::path dir = scratch("fmt_error");
  const std::string broken = "rule X \"t\" {\n  over allocations where\n  measure count\n}\n";
  write(dir / "broken.toets", broken);
  write(dir / "messy.toets", kMessy);
  const Outcome outcome = run("fmt '" + (dir / "broken.toets").string() + "' '" + (dir / "messy.toets").string() + "'");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("broken.toets:3:3: error: expected an expression, found 'measure'"), std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("broken.toets: not formatted"), std::string::npos) << outcome.err;
  EXPECT_EQ(read(dir / "broken.toets"), broken);
  EXPECT_EQ(read(dir / "messy.toets"), kTidy);  // the other file is still formatted
}

TEST(FmtCommand, StdinToStdout) {
  const fs::path dir = scratch("fmt_stdin");
  write(dir / "in.toets", kMessy);
  const Outcome outcome = run("fmt -", (dir / "in.toets").string());
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.out, kTidy);
}

TEST(FmtCommand, AMissingFileIsAnError) {
  const Outcome outcome = run("fmt no-such-file.toets");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("no-such-file.toets: no such file or folder"), std::string::npos) << outcome.err;
}

// ---- warnings about imported files; global flags anywhere ----

// A local rule set with one warning of its own and one about the file it imports (each a table
// that lacks 2027 of the period 2026-2027, worked out by hand).
fs::path rule_set_with_warnings(const std::string& name) {
  const fs::path dir = scratch(name);
  write(dir / "base.toets",
        "ruleset base {\n  title \"base\"\n}\n\n"
        "table base_limit(year) : money {\n  2026: \xE2\x82\xAC" "1\n}\n\n"
        "rule N \"t\" {\n  over allocations\n  measure share(rent > base_limit(year(contract_date)))\n"
        "  breach when measure > 1%\n}\n");
  write(dir / "local.toets",
        "ruleset local {\n  title \"local\"\n  valid 2026-01-01 to 2027-12-31\n}\n\nimport \"base.toets\"\n\n"
        "table plan(year) : int {\n  2026: 1\n}\n\n"
        "rule L \"t\" {\n  over mutations\n  per year(date)\n  measure count\n  signal when measure < plan(year)\n}\n");
  return dir;
}

TEST(ImportedWarnings, AreSummedUpInOneLine) {
  const fs::path dir = rule_set_with_warnings("summed");
  const std::string local = (dir / "local.toets").string();
  const Outcome outcome = run("validate '" + local + "'");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.err.find(local + ":16:25: warning: parameter table 'plan' has no entry for 2027"), std::string::npos)
      << outcome.err;
  EXPECT_EQ(outcome.err.find("base_limit"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("toets: 1 warning about imported files (" + (dir / "base.toets").string() +
                             ") not shown; --all-warnings shows it\n"),
            std::string::npos)
      << outcome.err;
}

TEST(ImportedWarnings, AllWarningsShowsThemBeforeOrAfterTheCommand) {
  const fs::path dir = rule_set_with_warnings("all");
  const std::string local = (dir / "local.toets").string();
  for (const std::string& arguments : {"--all-warnings validate '" + local + "'", "validate '" + local + "' --all-warnings"}) {
    const Outcome outcome = run(arguments);
    EXPECT_EQ(outcome.exit_code, 0) << arguments << "\n" << outcome.err;
    EXPECT_NE(outcome.err.find("base.toets:11:24: warning: parameter table 'base_limit' has no entry for 2027"),
              std::string::npos)
        << arguments << "\n" << outcome.err;
    EXPECT_EQ(outcome.err.find("not shown"), std::string::npos) << arguments << "\n" << outcome.err;
  }
}

TEST(GlobalFlags, AreTakenAfterTheCommandToo) {
  const fs::path dir = rule_set_with_warnings("flags");
  const std::string local = (dir / "local.toets").string();
  for (const std::string& arguments :
       {"-q validate '" + local + "'", "validate -q '" + local + "'", "validate '" + local + "' -q",
        "validate '" + local + "' --quiet"}) {
    const Outcome outcome = run(arguments);
    EXPECT_EQ(outcome.exit_code, 0) << arguments << "\n" << outcome.err;
    EXPECT_EQ(outcome.err, "") << arguments;  // -q: errors only, so not the warnings either
    EXPECT_NE(outcome.out.find(": ok: 2 rules"), std::string::npos) << arguments << "\n" << outcome.out;
  }
  const Outcome verbose = run("fmt --check '" + local + "' -v");
  EXPECT_EQ(verbose.exit_code, 0) << verbose.err;
  const Outcome unknown = run("validate '" + local + "' --shout");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--shout"), std::string::npos) << unknown.err;
}

TEST(Version, PrintsTheProjectVersionAndCommit) {
  // The version the build was configured with, read from CMakeLists.txt here.
  const std::string cmake = read(fs::path(TOETS_SOURCE_DIR) / "CMakeLists.txt");
  std::smatch found;
  ASSERT_TRUE(std::regex_search(cmake, found, std::regex(R"(project\(toets VERSION ([0-9.]+))")));
  const Outcome outcome = run("--version");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_TRUE(std::regex_match(outcome.out, std::regex("toets " + std::regex_replace(found[1].str(), std::regex("\\."), "\\.") +
                                                       "( \\(commit [0-9a-f]{7,40}\\))?\n")))
      << outcome.out;
  EXPECT_EQ(outcome.err, "");
}

// ---- --select ----

const std::string kFixture = "fixtures/dordrecht-2026-2027";
const std::string kCheck = "check rules/dordrecht-2026-2027.toets --data allocations=" + kFixture +
                           "/allocations.csv --data stock=" + kFixture + "/stock.csv --as-of 2026-11-23";

using toets::testing_support::result_lines;

TEST(Select, CheckRunsOnlyTheNamedRules) {
  // The expected lines of those two rules, from the fixture's reviewed SQL output.
  std::vector<std::string> expected;
  std::istringstream in(read(fs::path(TOETS_SOURCE_DIR) / kFixture / "expected-2026-11-23.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("F|", 0) == 0 || line.rfind("2.7|", 0) == 0) expected.push_back(line);
  }
  std::sort(expected.begin(), expected.end());
  ASSERT_FALSE(expected.empty());
  const Outcome outcome = run(kCheck + " --format json --select F 2.7");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;  // F breaches for Trivire in 2026 (4 of 23)
  EXPECT_EQ(result_lines(outcome.out), expected);
}

TEST(Select, MayStandBeforeTheRuleFile) {
  // --select takes the words up to the next option; the rule file among them is still the rule file.
  const Outcome outcome = run("check --select 2.7 rules/dordrecht-2026-2027.toets --data allocations=" + kFixture +
                              "/allocations.csv --as-of 2026-11-23 --format json");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;  // the parties' Wonen Eerst lets stay within 50
  EXPECT_EQ(result_lines(outcome.out), (std::vector<std::string>{"2.7|2025|ok||outside", "2.7|2026|ok|"}));
}

TEST(Select, AnUnknownRuleIsAnErrorWithDidYouMean) {
  const Outcome outcome = run(kCheck + " --select Fx 2.7 Woningwet-48-2021");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.out, "");
  EXPECT_NE(outcome.err.find("toets: error: --select: no rule 'Fx' in dordrecht_2026_2027; did you mean 'F'?"),
            std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("--select: rule 'Woningwet-48-2021' lies outside the period of dordrecht_2026_2027"),
            std::string::npos)
      << outcome.err;
}

TEST(Select, APartialCheckIsNotRecorded) {
  const fs::path dir = scratch("select_db");
  const std::string db = (dir / "store.db").string();
  ASSERT_EQ(run("import --db '" + db + "' --data allocations=" + kFixture + "/allocations.csv").exit_code, 0);
  const Outcome outcome = run(kCheck + " --db '" + db + "' --select F");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;
  EXPECT_NE(outcome.err.find("--select: a check of part of the rule set is not recorded"), std::string::npos)
      << outcome.err;
  EXPECT_EQ(run("history --db '" + db + "' --format json").out, "[]\n");
}

TEST(Select, RunOfAPlanRunsOnlyTheNamedRulesAndRecordsNothing) {
  const fs::path dir = scratch("select_plan");
  const std::string db = (dir / "store.db").string();
  const Outcome outcome = run("run fixtures/plan/dordrecht.plan --as-of 2026-06-30 --store '" + db + "' --output '" +
                              (dir / "reports").string() + "' --select F");
  EXPECT_NE(outcome.out.find("check dordrecht_2026_2027: 1 selected rule, not recorded (--select);"), std::string::npos)
      << outcome.out << outcome.err;
  const auto report = nlohmann::json::parse(read(dir / "reports" / "2026-06-30" / "dordrecht_2026_2027.json"));
  ASSERT_FALSE(report["results"].empty());
  for (const auto& result : report["results"]) EXPECT_EQ(result["rule"], "F");
  EXPECT_EQ(run("history --db '" + db + "' --format json").out, "[]\n");

  const Outcome unknown = run("run fixtures/plan/dordrecht.plan --store '" + db + "' --output '" +
                              (dir / "reports").string() + "' --select Fx");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--select: no rule 'Fx' in dordrecht_2026_2027; did you mean 'F'?"), std::string::npos)
      << unknown.err;
}

}  // namespace
