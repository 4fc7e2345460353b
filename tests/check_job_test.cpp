// The check job (engine/run/check_job.hpp) that `toets check` and `toets run` share: what it reports
// back as events rather than printing, --strict without a personal value, the one report dispatch,
// and the one strict date parser on both commands.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/run/check_job.hpp"
#include "tests/support/toets_process.hpp"
#include "tests/support/scratch_folder.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

const std::string kSource = TOETS_SOURCE_DIR;
const std::string kRules = kSource + "/rules/dordrecht-2026-2027.toets";
const std::string kAllocations = kSource + "/fixtures/dordrecht-2026-2027/allocations.csv";

std::unique_ptr<CompiledRuleSet> rules() {
  Diagnostics diagnostics;
  auto compiled = check_rule_file(kRules, diagnostics);
  EXPECT_TRUE(compiled) << kRules;
  return compiled;
}

CheckJob job_over(const CompiledRuleSet& compiled, const std::string& file) {
  CheckJob job;
  job.rules = &compiled;
  job.as_of = *parse_iso_date("2026-11-23");
  job.inputs.push_back(CheckInput{find_dataset("allocations"), file, {}});
  return job;
}

bool has_event(const std::vector<Event>& events, EventSeverity severity, const std::string& part) {
  for (const Event& event : events) {
    if (event.severity == severity && event.message.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(CheckJob, EvaluatesAndWritesTheReportItWasAskedFor) {
  const auto compiled = rules();
  ASSERT_TRUE(compiled);
  CheckJob job = job_over(*compiled, kAllocations);
  std::ostringstream out;
  job.format = ReportFormat::Json;
  job.out_stream = &out;
  const CheckJobOutcome outcome = run_check_job(job);
  ASSERT_TRUE(outcome.evaluated);
  EXPECT_TRUE(has_event(outcome.events, EventSeverity::Progress, "loading allocations from " + kAllocations));
  EXPECT_EQ(outcome.run_id, 0);  // no store: nothing recorded
  const auto report = nlohmann::json::parse(out.str());
  EXPECT_EQ(report["ruleset"]["id"], "dordrecht_2026_2027");
  // The exit status follows the statuses in the report: 1 with a breach, else 0.
  bool breach = false;
  for (const auto& result : outcome.report.results) breach |= result.status == Status::Breach;
  EXPECT_EQ(outcome.exit_status, breach ? 1 : 0);
}

// --strict stops before anything is evaluated; the rows are listed by line and column, and a
// personal value (an income) never reaches an event.
TEST(CheckJob, StrictStopsAndNamesNoPersonalValue) {
  const fs::path dir = testing_support::scratch_folder("check_job");
  std::ifstream in(kAllocations);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  ASSERT_NE(row.find(",51537.01,"), std::string::npos) << row;  // household_income of A001
  row.replace(row.find(",51537.01,"), 10, ",geheim-65432,");
  const std::string file = (dir / "lets.csv").string();
  std::ofstream(file) << header << "\n" << row << "\n";

  const auto compiled = rules();
  ASSERT_TRUE(compiled);
  CheckJob job = job_over(*compiled, file);
  job.strict = true;
  const CheckJobOutcome outcome = run_check_job(job);
  EXPECT_FALSE(outcome.evaluated);
  EXPECT_EQ(outcome.exit_status, 2);
  EXPECT_TRUE(has_event(outcome.events, EventSeverity::Error, "--strict: 1 row was rejected; nothing was checked"));
  EXPECT_TRUE(has_event(outcome.events, EventSeverity::Detail, "lets.csv:2: household_income"));
  for (const Event& event : outcome.events) {
    EXPECT_EQ(event.message.find("65432"), std::string::npos) << event.message;
  }
  fs::remove_all(dir);
}

TEST(CheckJob, AnEventIsOneLineOfALog) {
  EXPECT_EQ(event_line({EventSeverity::Error, "no such file", "p.plan:3"}), "p.plan:3: error: no such file");
  EXPECT_EQ(event_line({EventSeverity::Error, "rule F: x"}), "error: rule F: x");
  EXPECT_EQ(event_line({EventSeverity::Summary, "nothing was imported, checked or written", "p.plan"}),
            "p.plan: nothing was imported, checked or written");
  EXPECT_EQ(event_line({EventSeverity::Progress, "wrote r.html"}), "wrote r.html");
  EXPECT_EQ(event_line({EventSeverity::Detail, "    f.csv:2: x"}), "    f.csv:2: x");
}

TEST(CheckJob, ReportFormatsByName) {
  EXPECT_EQ(parse_report_format("md"), ReportFormat::Markdown);
  EXPECT_EQ(parse_report_format("markdown"), ReportFormat::Markdown);
  EXPECT_EQ(parse_report_format("pdf"), std::nullopt);
  for (const ReportFormat format : {ReportFormat::Text, ReportFormat::Json, ReportFormat::Html,
                                    ReportFormat::Markdown, ReportFormat::Junit}) {
    EXPECT_EQ(parse_report_format(report_format_name(format)), format);
  }
}

// One date parser for both commands: `toets run --as-of 2026-11-2x` is refused as `check` refuses it.
TEST(CheckJob, RunRefusesADateCheckRefuses) {
  for (const char* date : {"2026-11-2x", "2026-02-30"}) {
    const auto outcome = testing_support::run_toets_process({"run", kSource + "/fixtures/plan/dordrecht.plan", "--as-of", date});
    EXPECT_EQ(outcome.exit_code, 2) << date;
    EXPECT_EQ(outcome.err, std::string("toets: error: --as-of '") + date + "' is not a date (YYYY-MM-DD)\n");
  }
}

}  // namespace
}  // namespace toets
