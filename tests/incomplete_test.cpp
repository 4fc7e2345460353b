// A check that could not check its data (engine/data/check_outcome.hpp): the limit on the rejected
// share, a dataset without one accepted row, the exit status, and every report format saying so
// first and never giving the all-clear. Rejected rows in groups with their fix
// (engine/report/rejection_groups.hpp). Expected counts are worked out by hand from the data written here.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/data/check_outcome.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/report/rejection_groups.hpp"
#include "engine/report/report.hpp"
#include "engine/report/report_common.hpp"

namespace toets {
namespace {

// ---------------------------------------------------------------------------------------------
// The limit

TEST(MaxRejected, PercentagesAreReadIntoPartsPerMillion) {
  EXPECT_EQ(parse_max_rejected("1%"), 10000u);
  EXPECT_EQ(parse_max_rejected("1"), 10000u);
  EXPECT_EQ(parse_max_rejected("0.5%"), 5000u);
  EXPECT_EQ(parse_max_rejected("0"), 0u);
  EXPECT_EQ(parse_max_rejected("0%"), 0u);
  EXPECT_EQ(parse_max_rejected("100%"), 1000000u);
  EXPECT_EQ(parse_max_rejected("2.25"), 22500u);
  EXPECT_EQ(parse_max_rejected("0.0001%"), 1u);
  for (const char* wrong : {"", "%", "-1", "101%", "100.0001", "1%%", "one", "1.", ".5", "0.00001", " 1", "1 %", "1e2",
                            "+1", "1,5", "1000"}) {
    EXPECT_FALSE(parse_max_rejected(wrong)) << "'" << wrong << "'";
  }
  EXPECT_EQ(max_rejected_text(10000), "1%");
  EXPECT_EQ(max_rejected_text(5000), "0.5%");
  EXPECT_EQ(max_rejected_text(0), "0%");
  EXPECT_EQ(max_rejected_text(22500), "2.25%");
  EXPECT_EQ(max_rejected_text(1), "0.0001%");
  EXPECT_EQ(max_rejected_text(kPartsPerMillion), "100%");
}

LoadReport load_of(std::uint64_t read, std::uint64_t rejected, const std::string& file = "a.csv") {
  LoadReport load;
  load.dataset = "allocations";
  load.file = file;
  load.rows_read = read;
  load.rows_rejected = rejected;
  load.rows_accepted = read - rejected;
  return load;
}

CheckReport assessed(std::vector<InputSummary> inputs, std::uint32_t max_rejected_ppm = kDefaultMaxRejectedPpm) {
  CheckReport report;
  report.inputs = std::move(inputs);
  assess_completeness(report, max_rejected_ppm);
  return report;
}

TEST(Completeness, TheRejectedShareIsHeldToTheLimit) {
  // 2 of 100 is 2%: above the default 1%, within 5%.
  const CheckReport two = assessed({InputSummary{load_of(100, 2), true}});
  ASSERT_EQ(two.incomplete.size(), 1u);
  EXPECT_EQ(two.incomplete[0].reason, IncompleteReason::TooManyRejected);
  EXPECT_EQ(two.incomplete[0].dataset, "allocations");
  EXPECT_EQ(two.incomplete[0].file, "a.csv");
  EXPECT_FALSE(two.incomplete[0].import_id);
  EXPECT_EQ(two.incomplete[0].rows_read, 100u);
  EXPECT_EQ(two.incomplete[0].rows_rejected, 2u);
  EXPECT_EQ(two.incomplete[0].max_rejected_ppm, 10000u);
  EXPECT_FALSE(assessed({InputSummary{load_of(100, 2), true}}, 50000).is_incomplete());
  // Exactly the limit is not above it; with a limit of 0 one row is.
  EXPECT_FALSE(assessed({InputSummary{load_of(100, 1), true}}).is_incomplete());
  EXPECT_TRUE(assessed({InputSummary{load_of(100, 1), true}}, 0).is_incomplete());
  EXPECT_FALSE(assessed({InputSummary{load_of(100, 0), true}}, 0).is_incomplete());
  // Exact at any size: 1,000 of 200,000,000 is 5 ppm.
  EXPECT_TRUE(assessed({InputSummary{load_of(200000000, 1000), true}}, 4).is_incomplete());
  EXPECT_FALSE(assessed({InputSummary{load_of(200000000, 1000), true}}, 5).is_incomplete());
}

TEST(Completeness, ADatasetWithoutOneAcceptedRowIsIncompleteWhateverTheLimit) {
  const CheckReport all = assessed({InputSummary{load_of(30, 30), true}}, kPartsPerMillion);
  ASSERT_EQ(all.incomplete.size(), 1u);
  EXPECT_EQ(all.incomplete[0].reason, IncompleteReason::NoAcceptedRows);
  const CheckReport empty = assessed({InputSummary{load_of(0, 0), true}}, kPartsPerMillion);
  ASSERT_EQ(empty.incomplete.size(), 1u);
  EXPECT_EQ(empty.incomplete[0].reason, IncompleteReason::NoAcceptedRows);
  EXPECT_EQ(incompleteness_text(empty.incomplete[0], Lang::En),
            "allocations a.csv: no data rows at all (an empty file)");
  EXPECT_EQ(incompleteness_text(all.incomplete[0], Lang::En),
            "allocations a.csv: no row could be used: all 30 were rejected");
  EXPECT_EQ(incompleteness_text(all.incomplete[0], Lang::Nl),
            "toewijzingen a.csv: geen enkele regel bruikbaar: alle 30 afgewezen");  // the dataset in Dutch
}

TEST(Completeness, DataNoRuleReadsDoesNotCountAndNoDatasetIsNotIncomplete) {
  EXPECT_FALSE(assessed({InputSummary{load_of(30, 30), false}}).is_incomplete());
  EXPECT_FALSE(assessed({}).is_incomplete());  // nothing given: the rules are not_evaluated
}

TEST(Completeness, FromTheStoreEachImportIsJudgedAsItsFile) {
  // The store holds 100 rows from import 1 (a.csv, clean); import 2 (b.csv) could read none of its 50.
  LoadReport store = load_of(150, 50, "store.db");
  store.rows_accepted = 100;
  store.imports.push_back(ImportedFile{1, "a.csv", "2026-06-30T07:00:00Z", 100, 100, 0, {}});
  store.imports.push_back(ImportedFile{2, "b.csv", "2026-11-23T07:00:00Z", 50, 0, 50, {}});
  const CheckReport report = assessed({InputSummary{store, true}});
  ASSERT_EQ(report.incomplete.size(), 1u);
  EXPECT_EQ(report.incomplete[0].file, "b.csv");
  EXPECT_EQ(report.incomplete[0].import_id, 2);
  EXPECT_EQ(report.incomplete[0].reason, IncompleteReason::NoAcceptedRows);
  EXPECT_EQ(incompleteness_text(report.incomplete[0], Lang::En),
            "allocations b.csv (import 2): no row could be used: all 50 were rejected");
  // Every import within the limit, and rows in the store: complete.
  store.imports[1] = ImportedFile{2, "b.csv", "2026-11-23T07:00:00Z", 200, 199, 1, {}};
  store.rows_read = 101;
  store.rows_rejected = 1;
  EXPECT_FALSE(assessed({InputSummary{store, true}}).is_incomplete());
}

TEST(ExitStatus, ErrorsAndIncompleteChecksAreTwoBreachesOneTheRestZero) {
  CheckReport report;
  report.results.resize(2);
  report.results[0].status = Status::Ok;
  report.results[1].status = Status::Signal;
  EXPECT_EQ(check_exit_status(report, false), 0);
  EXPECT_EQ(check_exit_status(report, true), 1);
  report.results[0].status = Status::Breach;
  EXPECT_EQ(check_exit_status(report, false), 1);
  report.incomplete.push_back(Incompleteness{});
  EXPECT_EQ(check_exit_status(report, false), 2);  // a breach in data that could not all be read is no verdict
  report.incomplete.clear();
  report.results[1].status = Status::Error;
  EXPECT_EQ(check_exit_status(report, false), 2);
  EXPECT_EQ(report.any_counting(Status::Error), report.any(Status::Error));
}

// ---------------------------------------------------------------------------------------------
// Rejected rows in groups

std::vector<Rejection> segment_rejections(const std::string& value, std::vector<std::uint64_t> lines) {
  std::vector<Rejection> out;
  for (const std::uint64_t line : lines) {
    out.push_back(Rejection{line, "segment", value,
                            "unknown segment '" + value + "' (expected one of sociaal, middenhuur, vrije_sector)"});
  }
  return out;
}

TEST(RejectionGroups, SameColumnReasonAndValueAreOneGroupMostRowsFirst) {
  std::vector<Rejection> rejections;
  // 27 rows 'Sociale huur' on lines 12, 15, 19 and 24 .. 47; 3 'Geliberaliseerd'; 3 of channel.
  std::vector<std::uint64_t> lines = {12, 15, 19};
  for (std::uint64_t line = 24; line < 48; ++line) lines.push_back(line);
  ASSERT_EQ(lines.size(), 27u);
  for (const auto& r : segment_rejections("Geliberaliseerd", {90, 7, 60})) rejections.push_back(r);
  for (const std::uint64_t line : {5, 6, 8}) {
    rejections.push_back(
        Rejection{line, "channel", "Urgent medisch", "unknown channel 'Urgent medisch' (expected ...)"});
  }
  for (const auto& r : segment_rejections("Sociale huur", lines)) rejections.push_back(r);
  rejections.push_back(Rejection{3, "", "", "expected 16 fields, found 17"});

  const std::vector<RejectionGroup> groups = group_rejections("allocations", rejections);
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].value, "Sociale huur");
  EXPECT_EQ(groups[0].rows(), 27u);
  EXPECT_EQ(groups[1].column, "channel");  // 3 rows each: by column, then value
  EXPECT_EQ(groups[2].value, "Geliberaliseerd");
  EXPECT_EQ(groups[2].lines, (std::vector<std::uint64_t>{7, 60, 90}));
  EXPECT_EQ(groups[3].rows(), 1u);

  EXPECT_EQ(report::rejection_group_text(groups[0], Lang::En),
            "27 rows (lines 12, 15, 19, ...), segment 'Sociale huur': unknown segment 'Sociale huur' (expected one "
            "of sociaal, middenhuur, vrije_sector)");
  EXPECT_EQ(report::rejection_fix_text(groups[0], Lang::En),
            "add `Sociale huur = sociaal` under `[values segment]` in the mapping");
  EXPECT_EQ(report::rejection_fix_text(groups[0], Lang::Nl),
            "voeg `Sociale huur = sociaal` toe onder `[values segment]` in de mapping");
  EXPECT_EQ(report::rejection_fix_text(groups[1], Lang::En),
            "add `Urgent medisch = urgent` under `[values channel]` in the mapping");
  // Nothing near: a placeholder and the values to choose from.
  EXPECT_EQ(report::rejection_fix_text(groups[2], Lang::En),
            "add `Geliberaliseerd = <segment>` under `[values segment]` in the mapping, with <segment> one of "
            "sociaal, middenhuur, vrije_sector");
  EXPECT_EQ(report::rejection_group_text(groups[3], Lang::En), "line 3: expected 16 fields, found 17");
  EXPECT_EQ(report::rejection_fix_text(groups[3], Lang::En), "");
  // The same rejections in another order give the same groups.
  std::vector<Rejection> reversed(rejections.rbegin(), rejections.rend());
  const auto again = group_rejections("allocations", reversed);
  ASSERT_EQ(again.size(), groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    EXPECT_EQ(again[g].value, groups[g].value);
    EXPECT_EQ(again[g].lines, groups[g].lines);
  }
}

TEST(RejectionGroups, TheNearestCanonicalValueComesFromTheDidYouMeanHelper) {
  const std::vector<std::string> segments = {"sociaal", "middenhuur", "vrije_sector"};
  EXPECT_EQ(nearest_canonical_value("Sociale huur", segments), "sociaal");  // its first word
  EXPECT_EQ(nearest_canonical_value("Vrije-sector", segments), "vrije_sector");
  EXPECT_EQ(nearest_canonical_value("Midden huur", segments), "middenhuur");
  EXPECT_EQ(nearest_canonical_value("Geliberaliseerd", segments), "");
  EXPECT_EQ(nearest_canonical_value("", segments), "");
}

TEST(RejectionGroups, PersonalValuesAreWithheldBeforeGroupingAndMappingLinesQuoted) {
  LoadReport load = load_of(10, 3);
  load.rejections = {Rejection{4, "household_income", "12.345,67x", "expected an amount"},
                     Rejection{5, "household_income", "23.456,78x", "expected an amount"},
                     Rejection{6, "segment", "a = b", "unknown segment 'a = b' (expected ...)"}};
  const auto sources = rejection_sources(load);
  ASSERT_EQ(sources.size(), 1u);
  const auto groups = shown_groups(load, sources[0], Privacy(ReportOptions{}));
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].rows(), 2u);  // two incomes, one group: no count tells them apart
  EXPECT_EQ(groups[0].value, "(withheld)");
  EXPECT_EQ(groups[0].fix, RejectionGroup::Fix::None);
  EXPECT_EQ(report::rejection_fix_text(groups[1], Lang::En).substr(0, 14), "add `\"a = b\" =");
}

// ---------------------------------------------------------------------------------------------
// Every format says so first

const std::string kHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

std::string let(int id, const std::string& neighbourhood) {
  return "A" + std::to_string(id) + ",Trivire,Dordrecht,," + neighbourhood + ",2026-03-01,V" + std::to_string(id) +
         ",sociaal,true,false,612.35,1,30000.00,40,regulier,C\n";
}

struct Check {
  std::unique_ptr<CompiledRuleSet> rules;
  std::unique_ptr<LoadedDataset> data;
  CheckReport report;
};

// `rules_text` over `csv` as toets check runs it: loads, judges the rejected share, evaluates,
// judges what could be checked.
std::unique_ptr<Check> check_with(const std::string& rules_text, const std::string& csv) {
  auto check = std::make_unique<Check>();
  Diagnostics diagnostics;
  check->rules = check_rule_text("t.toets", rules_text, diagnostics);
  if (!check->rules) return nullptr;
  check->data = std::make_unique<LoadedDataset>(read_csv_text(*find_dataset("allocations"), csv, "lets.csv"));
  check->report.ruleset = check->rules->info;
  check->report.as_of = days_from_civil(2026, 11, 23);
  check->report.inputs.push_back(InputSummary{check->data->report, true});
  assess_completeness(check->report, kDefaultMaxRejectedPpm);
  DatasetMap datasets{{DatasetKind::Allocations, &check->data->data}};
  check->report.results = evaluate_rules(*check->rules, datasets, check->report.as_of);
  assess_coverage(check->report, kDefaultMaxRejectedPpm);
  return check;
}

// A rule that nothing breaches, over `csv`: the all-clear, unless the data could not be read.
std::unique_ptr<Check> check_of(const std::string& csv) {
  return check_with("ruleset t { title \"T\" }\nrule C \"Count\" { over allocations measure count "
                    "breach when measure > 1000 }\n",
                    csv);
}

// 30 lets whose neighbourhood is Windows-1252 text ("Café" as one byte é): not one is UTF-8.
std::string unreadable_lets() {
  std::string csv = kHeader;
  for (int i = 1; i <= 30; ++i) csv += let(i, "Caf\xE9");
  return csv;
}

std::string render(const CheckReport& report, const std::string& format, Lang lang) {
  ReportOptions options;
  options.lang = lang;
  std::ostringstream out;
  const std::vector<ReportSection> sections = {ReportSection{&report, nullptr}};
  if (format == "html")
    write_html_report(sections, out, options);
  else if (format == "markdown")
    write_markdown_report(sections, out, options);
  else if (format == "junit")
    write_junit_report(sections, out, options);
  else if (format == "json")
    write_json_report(report, out, options);
  else
    write_text_report(report, out, options);
  return out.str();
}

class IncompleteReport : public testing::TestWithParam<std::string> {};

TEST_P(IncompleteReport, SaysSoBeforeAnyResultAndNeverGivesTheAllClear) {
  const auto check = check_of(unreadable_lets());
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(check->report.inputs[0].report.rows_rejected, 30u);
  ASSERT_TRUE(check->report.is_incomplete());
  EXPECT_EQ(check_exit_status(check->report, false), 2);
  const std::string& format = GetParam();
  for (const Lang lang : {Lang::Nl, Lang::En}) {
    const std::string out = render(check->report, format, lang);
    if (format == "text") {
      const std::size_t notice = out.find("!! Incomplete: not all of the data could be checked");
      ASSERT_NE(notice, std::string::npos) << out;
      EXPECT_LT(notice, out.find("\n  C "));  // the first rule line
      EXPECT_LT(notice, out.find("Inputs"));
      EXPECT_NE(out.find("allocations lets.csv: no row could be used: all 30 were rejected"), std::string::npos);
      EXPECT_NE(out.find("30 rows (lines 2, 3, 4, ...), neighbourhood 'Caf\\xE9': not valid UTF-8"), std::string::npos)
          << out;
      EXPECT_NE(out.find("fix: is the file Windows-1252? then add `encoding = cp1252` under `[input]`"),
                std::string::npos);
    } else if (format == "json") {
      const auto json = nlohmann::json::parse(out);
      ASSERT_TRUE(json["summary"]["incomplete"].is_object()) << json["summary"].dump();
      const auto& first = json["summary"]["incomplete"]["reasons"][0];
      EXPECT_EQ(first["reason"], "no_accepted_rows");
      EXPECT_EQ(first["dataset"], "allocations");
      EXPECT_EQ(first["file"], "lets.csv");
      EXPECT_EQ(first["rows_read"], 30);
      EXPECT_EQ(first["rows_rejected"], 30);
      EXPECT_EQ(first["max_rejected_ppm"], 10000);
      EXPECT_EQ(json["inputs"][0]["rejection_groups"].size(), 1u);
      EXPECT_EQ(json["inputs"][0]["rejection_groups"][0]["rows"], 30);
      EXPECT_EQ(json["inputs"][0]["rejection_groups"][0]["fix"]["kind"], "encoding");
      EXPECT_EQ(json["inputs"][0]["rejections"].size(), 30u);  // the rows, one by one, as before
    } else if (format == "junit") {
      const std::size_t error =
          out.find("<error type=\"incomplete\" message=\"allocations lets.csv: no row could be used");
      ASSERT_NE(error, std::string::npos) << out;
      EXPECT_LT(error, out.find("classname=\"t.C\""));
      EXPECT_NE(out.find("<testcase classname=\"t.inputs\" name=\"input allocations lets.csv\""), std::string::npos);
      EXPECT_NE(out.find("<testsuite name=\"t\" tests=\"2\" failures=\"0\" errors=\"1\""), std::string::npos) << out;
      EXPECT_NE(out.find("<testsuites name=\"toets\" tests=\"2\" failures=\"0\" errors=\"1\" time=\"0\">"),
                std::string::npos)
          << out;  // junit-10.xsd: no attribute but name, time, tests, failures and errors there
    } else if (format == "markdown") {
      const std::string title = lang == Lang::Nl ? "Onvolledig: niet alle gegevens" : "Incomplete: not all of the data";
      EXPECT_EQ(out.rfind("**\xE2\x9A\xA0 " + title, 0), 0u) << out.substr(0, 200);  // the first paragraph
      EXPECT_LT(out.find("lets.csv"), out.find("# "));
      EXPECT_EQ(out.find(lang == Lang::Nl ? "Niets overschreden" : "Nothing breached"), std::string::npos) << out;
      EXPECT_NE(out.find(lang == Lang::Nl ? "Geen oordeel" : "No verdict"), std::string::npos);
    } else if (format == "html") {
      const std::size_t banner = out.find("<div class=\"incomplete\" role=\"region\" aria-labelledby=\"incomplete\">");
      ASSERT_NE(banner, std::string::npos);
      EXPECT_LT(banner, out.find("<section class=\"ruleset\">"));
      EXPECT_NE(out.find("<h2 id=\"incomplete\">", banner), std::string::npos);
      EXPECT_EQ(out.find(lang == Lang::Nl ? "Niets overschreden" : "Nothing breached"), std::string::npos);
      EXPECT_NE(out.find("<p class=\"no-verdict\"><a href=\"#incomplete\">"), std::string::npos);
      EXPECT_NE(out.find("<details open>"), std::string::npos);  // the rejected rows, open
    }
  }
}

TEST_P(IncompleteReport, ACompleteCheckSaysNothingOfTheKind) {
  std::string csv = kHeader;
  for (int i = 1; i <= 30; ++i) csv += let(i, "Centrum");
  const auto check = check_of(csv);
  ASSERT_NE(check, nullptr);
  ASSERT_FALSE(check->report.is_incomplete());
  EXPECT_EQ(check_exit_status(check->report, false), 0);
  const std::string out = render(check->report, GetParam(), Lang::Nl);
  for (const char* never : {"Onvolledig", "Incomplete", "class=\"incomplete\"", "no-verdict\">"}) {
    EXPECT_EQ(out.find(never), std::string::npos) << GetParam() << " has " << never;
  }
  if (GetParam() == "html" || GetParam() == "markdown") {
    EXPECT_NE(out.find("Niets overschreden"), std::string::npos);
  }
  if (GetParam() == "json") {
    EXPECT_EQ(nlohmann::json::parse(out)["summary"]["incomplete"], false);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, IncompleteReport, testing::Values("text", "json", "junit", "markdown", "html"));

// ---------------------------------------------------------------------------------------------
// Data of which no rule could check a row: green only because nothing was checked

std::string lets_in(const std::string& municipality, const std::string& date, int count) {
  std::string csv;
  for (int i = 1; i <= count; ++i) {
    csv += "A" + municipality + std::to_string(i) + ",Trivire," + municipality + ",,Centrum," + date + ",V" +
           std::to_string(i) + ",sociaal,true,false,612.35,1,30000.00,40,regulier,C\n";
  }
  return csv;
}

// Another municipality's export against this rule set: every rule finds none in scope.
TEST(Coverage, AnExportOfWhichNoRowIsInScopeMakesTheCheckIncomplete) {
  const std::string rules =
      "ruleset t { municipality \"Westervoort\" }\n"
      "rule C \"Count\" { over allocations measure count breach when measure > 1000 }\n"
      "rule S \"Share\" { over allocations per corporation measure share(household_size > 3) breach when measure > 50% }\n";
  const auto check = check_with(rules, kHeader + lets_in("Dordrecht", "2026-03-01", 12));
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(check->report.incomplete.size(), 1u);
  EXPECT_EQ(check->report.incomplete[0].reason, IncompleteReason::NoneInScope);
  EXPECT_EQ(check_exit_status(check->report, false), 2);
  EXPECT_EQ(incompleteness_text(check->report.incomplete[0], Lang::En),
            "allocations lets.csv: none of its 12 rows is in the rule set's scope (municipality Westervoort); is this "
            "the right file?");
  const std::string markdown = render(check->report, "markdown", Lang::Nl);
  EXPECT_EQ(markdown.find("Niets overschreden"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("geen van de 12 regels valt binnen het bereik van de regelset (gemeente Westervoort)"),
            std::string::npos)
      << markdown;
  // One row of the municipality is enough: the others are simply not its rows.
  const auto one = check_with(rules, kHeader + lets_in("Dordrecht", "2026-03-01", 12) + lets_in("Westervoort", "2026-03-01", 1));
  ASSERT_NE(one, nullptr);
  EXPECT_FALSE(one->report.is_incomplete());
}

// Last year's export against this year's rule set: every group lies outside its period.
TEST(Coverage, AnExportOfWhichNoRowIsInThePeriodMakesTheCheckIncomplete) {
  const std::string rules =
      "ruleset t { valid 2027-01-01 to 2027-12-31 }\n"
      "rule S \"Share\" { over allocations per corporation, year(contract_date) measure share(household_size > 3)"
      " breach when measure > 50% }\n"
      "rule Old \"Of 2021\" { valid until 2021-12-31 over allocations per year(contract_date) measure count"
      " breach when measure > 1000 }\n";
  const auto check = check_with(rules, kHeader + lets_in("Dordrecht", "2026-03-01", 12));
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(check->report.incomplete.size(), 1u);
  EXPECT_EQ(check->report.incomplete[0].reason, IncompleteReason::NoneInPeriod);
  EXPECT_EQ(check_exit_status(check->report, false), 2);
  EXPECT_EQ(incompleteness_text(check->report.incomplete[0], Lang::En),
            "allocations lets.csv: none of its 12 rows lies in the period its rules check; is this the right file, and "
            "the right as-of date?");
  const auto json = nlohmann::json::parse(render(check->report, "json", Lang::En));
  EXPECT_EQ(json["summary"]["incomplete"]["reasons"][0]["reason"], "none_in_period");
  // A row of 2027 is checked: the check is complete, whatever the rows of 2026 are.
  const auto one = check_with(rules, kHeader + lets_in("Dordrecht", "2026-03-01", 12) + lets_in("X", "2027-01-05", 1));
  ASSERT_NE(one, nullptr);
  EXPECT_FALSE(one->report.is_incomplete());
  // Rows of 2027 that no rule's filter lets through are still rows of the period: the data is the
  // right one, there is just nothing of the kind yet (a rule of new-build lets in January).
  const std::string narrow = "ruleset t { valid 2027-01-01 to 2027-12-31 }\n"
                             "rule N \"New\" { over allocations where household_size > 5 per corporation,"
                             " year(contract_date) measure count breach when measure > 1000 }\n"
                             "rule M \"Many\" { over allocations where household_size > 6 per corporation,"
                             " year(contract_date) measure share(applicant_age < 23) breach when measure > 50% }\n";
  const auto filtered = check_with(narrow, kHeader + lets_in("Dordrecht", "2026-03-01", 12) + lets_in("X", "2027-01-05", 1));
  ASSERT_NE(filtered, nullptr);
  EXPECT_FALSE(filtered->report.is_incomplete());
  const auto none = check_with(narrow, kHeader + lets_in("Dordrecht", "2026-03-01", 12));
  ASSERT_NE(none, nullptr);
  EXPECT_TRUE(none->report.is_incomplete());
  // A rule without a period among its keys counts every row: it checks them, so no reason either.
  const auto whole = check_with("ruleset t { valid 2027-01-01 to 2027-12-31 }\n"
                                "rule C \"Count\" { over allocations measure count breach when measure > 1000 }\n",
                                kHeader + lets_in("Dordrecht", "2026-03-01", 12));
  ASSERT_NE(whole, nullptr);
  EXPECT_FALSE(whole->report.is_incomplete());
}

}  // namespace
}  // namespace toets
