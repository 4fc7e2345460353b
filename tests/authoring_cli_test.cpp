// The rule author's command line, run as a user runs it: toets fmt, --select, the summary of the
// warnings about imported files, global flags after the command, --version.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Runs `toets ARGUMENTS` through the shell in the source folder (`stdin_file`, if given, as stdin).
Outcome run(const std::string& arguments, const std::string& stdin_file = "") {
  static int counter = 0;
  const fs::path base = fs::temp_directory_path() / ("toets_authoring_" + std::to_string(getpid()) + "_" +
                                                     std::to_string(++counter));
  const std::string command = std::string("cd '") + TOETS_SOURCE_DIR + "' && '" + TOETS_BINARY + "' " + arguments +
                              (stdin_file.empty() ? " < /dev/null" : " < '" + stdin_file + "'") + " > '" +
                              base.string() + ".out' 2> '" + base.string() + ".err'";
  const int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = read(base.string() + ".out");
  outcome.err = read(base.string() + ".err");
  return outcome;
}

// A folder of its own for each test.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("toets_authoring_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

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

}  // namespace
