// The same check gives the same bytes in every format, whoever runs it where: two separate toets
// processes, in different working directories, with their environments in a different order and
// a different time zone and locale, write identical reports. With the clock pinned
// (TOETS_NOW) this holds through a store too: the same files imported into two fresh
// stores, then the same checks from each, recorded in each, give identical reports. The time zone
// is not allowed to change a report: times are shown in Dutch local time computed from the
// recorded UTC string, never from the machine's zone (docs/reports.md, "Reproducible reports").

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/text_difference.hpp"
#include "tests/support/toets_process.hpp"

namespace {

namespace fs = std::filesystem;
using toets::testing_support::first_difference;
using toets::testing_support::ProcessOptions;
using toets::testing_support::run_toets_process;
using RunResult = toets::testing_support::ProcessOutcome;

const std::string kSource = TOETS_SOURCE_DIR;
const std::string kFixture = kSource + "/fixtures/dordrecht-2026-2027";
const std::string kRules = kSource + "/rules/dordrecht-2026-2027.toets";
const std::string kAsOf = "2026-11-23";
// 2026-11-23T23:30:00Z: 24 November 00:30 in Amsterdam (CET, +1), 12:15 on the 24th on the
// Chatham Islands (+13:45 in their summer): a date taken from the machine's zone would show.
const std::string kEpoch = "1795476600";
const std::string kRecordedAt = "2026-11-23T23:30:00Z";

struct Variant {
  std::string format;
  std::string lang;  // "" for none
};
const std::vector<Variant> kVariants = {
    {"text", ""},   {"text", "nl"},     {"text", "en"},     {"markdown", "nl"}, {"markdown", "en"},
    {"html", "nl"}, {"html", "en"},     {"json", ""},       {"json", "nl"},     {"junit", ""},
    {"junit", "nl"}};

std::vector<std::string> data_arguments() {
  return {"--data", "allocations=" + kFixture + "/allocations.csv", "--data", "stock=" + kFixture + "/stock.csv",
          "--data", "mutations=" + kFixture + "/mutations.csv"};
}

// Two ways of running toets that must not matter: the working directory, the order of the
// environment, the time zone, the locale and unrelated variables.
struct Machine {
  ProcessOptions setup;
  std::string name;
};

class TwoMachines : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("toets_determinism_" + std::to_string(::getpid()) + "_" +
                                         testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "a");
    fs::create_directories(root_ / "b" / "deeper");
    a_.name = "A";
    a_.setup.directory = root_ / "a";
    a_.setup.environment = {"TOETS_NOW=" + kEpoch, "TZ=UTC", "LC_ALL=C", "HOME=" + (root_ / "a").string()};
    b_.name = "B";
    b_.setup.directory = root_ / "b" / "deeper";
    b_.setup.environment = {"TOETS_UNRELATED=1",     "HOME=/nonexistent", "LANG=nl_NL.UTF-8",
                            "LC_ALL=C.UTF-8",        "TZ=Pacific/Chatham", "TOETS_NOW=" + kEpoch};
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  Machine a_;
  Machine b_;
};

std::vector<std::string> with(std::vector<std::string> arguments, const std::vector<std::string>& more) {
  arguments.insert(arguments.end(), more.begin(), more.end());
  return arguments;
}

std::vector<std::string> variant_arguments(const Variant& v) {
  std::vector<std::string> arguments = {"--as-of", kAsOf, "--format", v.format};
  if (!v.lang.empty()) arguments.insert(arguments.end(), {"--lang", v.lang});
  return arguments;
}

std::string label(const Variant& v) { return v.format + (v.lang.empty() ? "" : " --lang " + v.lang); }

TEST_F(TwoMachines, ChecksOnFilesWriteTheSameBytes) {
  for (const Variant& v : kVariants) {
    const auto arguments = with(with({"check", kRules}, data_arguments()), variant_arguments(v));
    const RunResult a = run_toets_process(arguments, a_.setup);
    const RunResult b = run_toets_process(arguments, b_.setup);
    ASSERT_TRUE(a.exit_code >= 0 && a.exit_code <= 2) << a.err;
    EXPECT_EQ(a.exit_code, b.exit_code) << label(v);
    ASSERT_FALSE(a.out.empty()) << label(v);
    EXPECT_TRUE(a.out == b.out) << label(v) << ":\n" << first_difference(a.out, b.out);
  }
}

// JSON and JUnit are English for tools: without --lang they are the bytes of --lang en (which is
// why the goldens keep no `plain` copy of them; docs/reports.md, "Golden reports").
TEST_F(TwoMachines, JsonAndJunitWithoutLangAreEnglish) {
  for (const std::string format : {"json", "junit"}) {
    const auto base = with({"check", kRules, "--as-of", kAsOf, "--format", format}, data_arguments());
    const RunResult plain = run_toets_process(base, a_.setup);
    const RunResult english = run_toets_process(with(base, {"--lang", "en"}), b_.setup);
    ASSERT_FALSE(plain.out.empty()) << plain.err;
    EXPECT_TRUE(plain.out == english.out) << format << ":\n" << first_difference(plain.out, english.out);
  }
}

TEST_F(TwoMachines, StoresImportedAlikeGiveTheSameReports) {
  const auto import = with({"import", "--db", "monitoring.db"}, data_arguments());
  const RunResult imported_a = run_toets_process(import, a_.setup);
  const RunResult imported_b = run_toets_process(import, b_.setup);
  ASSERT_EQ(imported_a.exit_code, 0) << imported_a.err;
  ASSERT_EQ(imported_b.exit_code, 0) << imported_b.err;
  EXPECT_EQ(imported_a.out, imported_b.out);

  // Every check reads all three kinds from the store and records its run: both stores go through
  // the same runs, so each report's history, "since" and changes are the same in both.
  for (const Variant& v : kVariants) {
    const auto arguments = with({"check", kRules, "--db", "monitoring.db"}, variant_arguments(v));
    const RunResult a = run_toets_process(arguments, a_.setup);
    const RunResult b = run_toets_process(arguments, b_.setup);
    ASSERT_TRUE(a.exit_code >= 0 && a.exit_code <= 2) << a.err;
    EXPECT_EQ(a.exit_code, b.exit_code) << label(v);
    EXPECT_TRUE(a.out == b.out) << label(v) << ":\n" << first_difference(a.out, b.out);

    // The pinned instant is the one recorded for the run and the imports, and shown as Amsterdam
    // time whatever TZ says; every input came from the store.
    if (v.format == "json") {
      const auto report = nlohmann::json::parse(a.out);
      EXPECT_EQ(report["run"].value("recorded_at", ""), kRecordedAt);
      EXPECT_EQ(report["run"].value("recorded_at_local", ""), "2026-11-24T00:30:00+01:00");
      ASSERT_EQ(report["inputs"].size(), 3u);
      for (const auto& input : report["inputs"]) {
        EXPECT_EQ(input.value("file", ""), "monitoring.db") << input.dump();
        ASSERT_EQ(input["imports"].size(), 1u) << input.dump();
        EXPECT_EQ(input["imports"][0].value("imported_at", ""), kRecordedAt);
      }
    }
    if (v.format == "html" && v.lang == "nl") {
      EXPECT_NE(a.out.find("24-11-2026 00:30 Nederlandse tijd (CET)"), std::string::npos);
    }
  }
}

// Without --as-of, the check is made for the day the pinned instant falls on in UTC.
TEST_F(TwoMachines, ThePinnedClockIsTheDefaultAsOfDate) {
  const auto arguments = with({"check", kRules, "--format", "json"}, data_arguments());
  const RunResult a = run_toets_process(arguments, a_.setup);
  const RunResult b = run_toets_process(arguments, b_.setup);
  ASSERT_TRUE(a.exit_code >= 0 && a.exit_code <= 2) << a.err;
  EXPECT_EQ(nlohmann::json::parse(a.out).value("as_of", ""), "2026-11-23");
  EXPECT_TRUE(a.out == b.out) << first_difference(a.out, b.out);
}

TEST_F(TwoMachines, AClockThatIsNoTimeIsRefused) {
  for (const std::string value : {"", "yesterday", "-1", "1.5", "1795476600 ", "253402300800", "99999999999999"}) {
    ProcessOptions setup = a_.setup;
    setup.environment = {"TOETS_NOW=" + value};
    const RunResult result = run_toets_process(with({"check", kRules, "--format", "json"}, data_arguments()), setup);
    EXPECT_EQ(result.exit_code, 2) << "'" << value << "'";
    EXPECT_TRUE(result.out.empty()) << "'" << value << "'";
    EXPECT_NE(result.err.find("TOETS_NOW must be whole seconds since 1970-01-01 UTC"), std::string::npos)
        << result.err;
  }
  // The last second with a four-digit year is a time.
  ProcessOptions setup = a_.setup;
  setup.environment = {"TOETS_NOW=253402300799"};
  const RunResult last = run_toets_process(with({"check", kRules, "--as-of", kAsOf, "--format", "json"}, data_arguments()), setup);
  EXPECT_TRUE(last.exit_code >= 0 && last.exit_code <= 2) << last.err;
}

}  // namespace
