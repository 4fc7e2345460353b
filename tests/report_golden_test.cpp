// Golden reports: every fixture with a golden.txt (fixtures/*/golden.txt, as tests/cli_test.cpp
// reads them), at each of its as-of dates, written by `toets check` in every format and language,
// must equal tests/golden/FIXTURE/AS_OF.LANG.EXT byte for byte. LANG is `nl` or `en` (--lang), or
// `plain` for the text report without --lang (the English table scripts read; JSON and JUnit
// without --lang are their --lang en bytes, which the determinism test shows). Nothing in these reports depends on the time they are made (no
// store, an explicit --as-of), and the clock is pinned besides (TOETS_NOW), as is the
// rest of the environment: only what the command line says can change a report.
//
// A golden file is renewed only when a change of the reports is meant: tools/update-goldens.sh
// (TOETS_UPDATE_GOLDENS=1 makes this test write instead of compare), then `git diff tests/golden`
// is reviewed. The figures in the goldens were reviewed against each fixture's expected-*.txt
// when they were first written (docs/reports.md, "Golden reports").

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/text_difference.hpp"
#include "tests/support/toets_process.hpp"

namespace {

namespace fs = std::filesystem;
using toets::testing_support::first_difference;
using toets::testing_support::ProcessOptions;
using toets::testing_support::run_toets_process;
using toets::testing_support::read_whole;

// 2026-11-23T23:30:00Z: any fixed instant; one where the date in UTC and in Amsterdam differ.
constexpr const char* kPinnedEpoch = "TOETS_NOW=1795476600";

struct GoldenReport {
  std::string fixture;
  std::string rules;
  std::vector<std::string> data;  // KIND=FILE, FILE relative to the fixture folder
  std::string as_of;
  std::string format;  // text, markdown, html, json, junit
  std::string lang;    // nl, en, plain (no --lang)
};

void PrintTo(const GoldenReport& r, std::ostream* os) {
  *os << r.fixture << " as of " << r.as_of << ", " << r.format << " " << r.lang;
}

std::string extension(const std::string& format) {
  if (format == "text") return "txt";
  if (format == "markdown") return "md";
  if (format == "junit") return "junit.xml";
  return format;  // html, json
}

fs::path golden_path(const GoldenReport& r) {
  return fs::path(TOETS_SOURCE_DIR) / "tests" / "golden" / r.fixture / (r.as_of + "." + r.lang + "." + extension(r.format));
}

// Every report of every golden fixture (fixtures/*/golden.txt: `rules FILE`, `data KIND=FILE`,
// `as_of DATE` lines), in every format in Dutch and English, and the text report without --lang.
std::vector<GoldenReport> golden_reports() {
  std::vector<GoldenReport> reports;
  const fs::path root = fs::path(TOETS_SOURCE_DIR) / "fixtures";
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (fs::exists(entry.path() / "golden.txt")) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    GoldenReport base;
    base.fixture = folder.filename().string();
    std::vector<std::string> dates;
    std::istringstream in(read_whole(folder / "golden.txt"));
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string key, value;
      words >> key >> value;
      if (key == "rules") base.rules = value;
      if (key == "data") base.data.push_back(value);
      if (key == "as_of") dates.push_back(value);
    }
    for (const auto& date : dates) {
      for (const char* format : {"text", "markdown", "html", "json", "junit"}) {
        for (const char* lang : {"nl", "en", "plain"}) {
          const std::string f = format;
          if (std::string(lang) == "plain" && f != "text") continue;
          GoldenReport r = base;
          r.as_of = date;
          r.format = f;
          r.lang = lang;
          reports.push_back(r);
        }
      }
    }
  }
  return reports;
}

std::string report_name(const testing::TestParamInfo<GoldenReport>& info) {
  std::string name = info.param.fixture + "_" + info.param.as_of + "_" + info.param.format + "_" + info.param.lang;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

std::vector<std::string> check_arguments(const GoldenReport& r) {
  std::vector<std::string> arguments = {"check", r.rules, "--as-of", r.as_of, "--format", r.format};
  if (r.lang != "plain") {
    arguments.push_back("--lang");
    arguments.push_back(r.lang);
  }
  for (const auto& data : r.data) {
    const auto eq = data.find('=');
    arguments.push_back("--data");
    arguments.push_back(data.substr(0, eq + 1) + "fixtures/" + r.fixture + "/" + data.substr(eq + 1));
  }
  return arguments;
}

class ReportGolden : public testing::TestWithParam<GoldenReport> {};

TEST_P(ReportGolden, MatchesItsGoldenFile) {
  const GoldenReport& r = GetParam();
  ProcessOptions setup;
  setup.environment = {kPinnedEpoch, "LC_ALL=C", "TZ=UTC"};
  const auto result = run_toets_process(check_arguments(r), setup);
  // 1: a breach; 2: a group in error (a value a table lacks), as some fixtures expect. The
  // report is written in each case.
  ASSERT_TRUE(result.exit_code >= 0 && result.exit_code <= 2) << result.err;
  ASSERT_FALSE(result.out.empty()) << result.err;

  const fs::path golden = golden_path(r);
  const char* update = std::getenv("TOETS_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << result.out;
    GTEST_SKIP() << "written " << golden.string();
  }
  ASSERT_TRUE(fs::exists(golden)) << golden.string()
                                  << " does not exist: tools/update-goldens.sh writes it (then review it)";
  const std::string expected = read_whole(golden);
  EXPECT_TRUE(expected == result.out)
      << golden.string() << " differs from the report (tools/update-goldens.sh renews the goldens when the "
      << "change is meant; review `git diff tests/golden`):\n"
      << first_difference(expected, result.out);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ReportGolden, testing::ValuesIn(golden_reports()), report_name);

// No golden file without its report: a fixture, date, format or language that was dropped takes
// its goldens with it (tools/update-goldens.sh starts from an empty tests/golden).
TEST(ReportGoldenFiles, EveryGoldenFileHasItsReport) {
  std::vector<std::string> expected;
  for (const auto& r : golden_reports()) expected.push_back(golden_path(r).string());
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> present;
  const fs::path root = fs::path(TOETS_SOURCE_DIR) / "tests" / "golden";
  ASSERT_TRUE(fs::is_directory(root));
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) present.push_back(entry.path().string());
  }
  std::sort(present.begin(), present.end());
  EXPECT_EQ(present, expected);
}

}  // namespace
