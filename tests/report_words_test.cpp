// The words of the reports (docs/reports.md, "Words"): a norm is stated as the norm it keeps, a
// remedy names the records, the text report speaks Dutch when asked, arrows follow the value,
// times are Dutch local time, a local rule that restates a national one is one finding, and a
// Dutch report names columns in Dutch.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/report_check.hpp"
#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/report/report.hpp"
#include "engine/report/report_common.hpp"

namespace toets {
namespace {

const std::string kHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

std::string let(const std::string& id, const std::string& corporation, const std::string& income, int age) {
  return id + "," + corporation + ",Dordrecht,,,2026-03-01,V" + id + ",sociaal,true,false,612.35,1," + income + "," +
         std::to_string(age) + ",regulier,C\n";
}

// Corporation A: 10 lets, 2 above the income limit (20%: a breach of "at most 15%"), nobody
// young (0%: a breach of "at least 80%"), 10 lets where the planning says 12 (a signal).
const std::string kRules = R"(ruleset words {
  title "Woorden"
  municipality "Dordrecht"
  valid 2026-01-01 to 2026-12-31
}
table toewijzing_planning(corporation, year) : int {
  "A" { 2026: 12 }
}
rule INK "Boven de inkomensgrens" {
  owner "Trivire"
  over allocations
  per corporation
  measure share(household_income > €50000)
  signal when measure > 7.5%
  breach when measure > 15%
}
rule JONG "Jongeren" {
  over allocations
  per corporation
  measure share(applicant_age < 23)
  breach when measure < 80%
}
rule PLAN "Toewijzingen volgens planning" {
  over allocations
  per corporation, year(contract_date)
  measure count
  signal when measure < toewijzing_planning(corporation, year)
}
)";

std::string lets() {
  std::string csv = kHeader;
  for (int i = 0; i < 10; ++i) csv += let("L" + std::to_string(i), "A", i < 2 ? "60000.00" : "30000.00", 30);
  return csv;
}

using testing_support::Check;

std::unique_ptr<Check> run_check(const std::string& rules_text, const std::string& csv) {
  return testing_support::run_check("words.toets", rules_text, csv);
}

std::string render(const CheckReport& report, const std::string& format, const ReportOptions& options,
                   const ReportHistory* history = nullptr) {
  std::ostringstream out;
  const std::vector<ReportSection> sections = {ReportSection{&report, history}};
  if (format == "html") write_html_report(sections, out, options);
  else if (format == "markdown") write_markdown_report(sections, out, options);
  else if (format == "junit") write_junit_report(sections, out, options);
  else if (format == "json") write_json_report(report, out, options, history);
  else write_text_report(report, out, options);
  return out.str();
}

ReportOptions in(Lang lang) {
  ReportOptions options;
  options.lang = lang;
  return options;
}

const RuleResult& result_of(const CheckReport& report, const std::string& rule) {
  for (const auto& r : report.results) {
    if (r.rule->id == rule) return r;
  }
  throw std::runtime_error("no result for " + rule);
}

// ---------------------------------------------------------------------------------------------
// 1. The norm stated as a norm

TEST(Words, TheNormIsTheNormNotTheBreachCondition) {
  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  const RuleResult& ink = result_of(check->report, "INK");
  ASSERT_EQ(ink.status, Status::Breach);
  EXPECT_EQ(report::norm_text(ink, Lang::Nl), "norm: hoogstens 15,00%");
  EXPECT_EQ(report::norm_text(ink, Lang::En), "norm: at most 15.00%");
  EXPECT_EQ(report::rule_norms_text(*ink.rule, Lang::Nl), "hoogstens 15,00% (signaalwaarde: hoogstens 7,50%)");
  EXPECT_EQ(report::rule_norms_text(*ink.rule, Lang::En), "at most 15.00% (signal value: at most 7.50%)");
  const RuleResult& jong = result_of(check->report, "JONG");
  EXPECT_EQ(report::norm_text(jong, Lang::Nl), "norm: minstens 80,00%");
  EXPECT_EQ(report::norm_text(jong, Lang::En), "norm: at least 80.00%");
  EXPECT_EQ(report::norm_words(CompareOp::Ge, Lang::Nl), "minder dan");
  EXPECT_EQ(report::norm_words(CompareOp::Le, Lang::En), "more than");

  for (const Lang lang : {Lang::Nl, Lang::En}) {
    const std::string html = render(check->report, "html", in(lang));
    const std::string md = render(check->report, "markdown", in(lang));
    for (const std::string& out : {html, md}) {
      EXPECT_EQ(out.find("norm &gt; 15"), std::string::npos);
      EXPECT_EQ(out.find("norm > 15"), std::string::npos);
      EXPECT_EQ(out.find("toewijzing_planning"), std::string::npos) << "an internal table name";
    }
    EXPECT_NE(html.find(lang == Lang::Nl ? "Norm: <b>hoogstens 15,00% (signaalwaarde: hoogstens 7,50%)</b>"
                                         : "Threshold: <b>at most 15.00% (signal value: at most 7.50%)</b>"),
              std::string::npos);
  }
}

TEST(Words, ATableNormSaysWhatItIsForNotTheTablesName) {
  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  const RuleResult& plan = result_of(check->report, "PLAN");
  ASSERT_EQ(plan.status, Status::Signal);
  // The table's name (toewijzing_planning) is the rule file's, not the agreement's: never shown,
  // not even with spaces (it would be Dutch in an English report).
  EXPECT_EQ(report::norm_text(plan, Lang::Nl), "signaalwaarde: minstens 12 (afgesproken voor A, 2026)");
  EXPECT_EQ(report::norm_text(plan, Lang::En), "signal value: at least 12 (agreed for A, 2026)");
  EXPECT_EQ(report::rule_norms_text(*plan.rule, Lang::Nl),
            "signaalwaarde: minstens de afgesproken waarde per corporatie en jaar");
  EXPECT_EQ(report::rule_norms_text(*plan.rule, Lang::En), "signal value: at least the agreed value per corporation and year");
  for (const Lang lang : {Lang::Nl, Lang::En}) {
    for (const std::string format : {"html", "markdown"}) {
      EXPECT_EQ(render(check->report, format, in(lang)).find("toewijzing planning"), std::string::npos) << format;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Remedies in plain words about the records

TEST(Words, ARemedyNamesTheRecordsAndWhetherFewerOrMoreAreNeeded) {
  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  const RuleResult& ink = result_of(check->report, "INK");
  EXPECT_EQ(report::remedy_sentence(ink, Lang::Nl),
            "1 toewijzing minder die aan de voorwaarde van de regel voldoet (hoogstens 1 van 10) om de norm te "
            "halen; 2 om te voldoen");
  EXPECT_EQ(report::remedy_sentence(ink, Lang::En),
            "1 fewer let meeting the rule's condition (at most 1 of 10) to meet the norm; 2 to be ok");
  const RuleResult& jong = result_of(check->report, "JONG");
  EXPECT_EQ(report::remedy_sentence(jong, Lang::Nl),
            "8 toewijzingen meer die aan de voorwaarde van de regel voldoen (minstens 8 van 10) om de norm te halen");
  EXPECT_EQ(report::remedy_sentence(jong, Lang::En),
            "8 more lets meeting the rule's condition (at least 8 of 10) to meet the norm");
  const RuleResult& plan = result_of(check->report, "PLAN");
  EXPECT_EQ(report::remedy_sentence(plan, Lang::Nl), "2 toewijzingen meer om de signaalwaarde te halen");
  EXPECT_EQ(report::remedy_sentence(plan, Lang::En), "2 more lets to meet the signal value");
  // The English HTML says it the same way, not in the engine's "records would clear".
  const std::string html = render(check->report, "html", in(Lang::En));
  EXPECT_NE(html.find("1 fewer let meeting the rule&#39;s condition"), std::string::npos);
  EXPECT_EQ(html.find("records would clear"), std::string::npos);
}

TEST(Words, ARemedyForANetFigureIsOnBalance) {
  const std::string rules = R"(ruleset net {
  title "Saldo"
  valid 2026-01-01 to 2026-12-31
}
rule NET "Groei" {
  over allocations
  measure count(new_build) - count(not new_build)
  breach when measure < 5
}
)";
  auto check = run_check(rules, lets());
  ASSERT_NE(check, nullptr);
  const RuleResult& net = result_of(check->report, "NET");
  ASSERT_EQ(net.status, Status::Breach) << note_text(net.note, Lang::En);
  ASSERT_TRUE(net.remedy.has_value());
  const std::string n = std::to_string(*net.remedy);
  EXPECT_EQ(report::remedy_sentence(net, Lang::Nl), n + " meer per saldo om de norm te halen");
  EXPECT_EQ(report::remedy_sentence(net, Lang::En), n + " more on balance to meet the norm");
}

// ---------------------------------------------------------------------------------------------
// 3. The text report in the language asked for

TEST(Words, TheTextReportIsEnglishForScriptsUnlessALanguageIsAsked) {
  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  const std::string plain = render(check->report, "text", ReportOptions{});
  EXPECT_EQ(plain.rfind("Toets check: Woorden (words)\n", 0), 0u) << plain;
  EXPECT_NE(plain.find("RULE"), std::string::npos);
  EXPECT_NE(plain.find("breach > 15.00%"), std::string::npos) << "the scripts' format is unchanged";
  EXPECT_NE(plain.find("remedy: 1 fewer records meeting the condition"), std::string::npos);
  ReportOptions dutch;
  dutch.text_lang = Lang::Nl;
  const std::string nl = render(check->report, "text", dutch);
  for (const char* expected : {"Toets-controle: Woorden (words)", "peildatum 23-11-2026", "Gegevens", "Uitkomsten", "REGEL",
                               "GROEP", "GEMETEN", "overschreden", "norm: hoogstens 15,00%", "Aandacht nodig",
                               "trekker: Trivire", "Nodig: 1 toewijzing minder die aan de voorwaarde van de regel voldoet",
                               "Onderliggende records (2)", "Samenvatting: "}) {
    EXPECT_NE(nl.find(expected), std::string::npos) << expected << "\n" << nl;
  }
  for (const char* english : {"Needs attention", "remedy:", "measured", "Summary", "breach >", " rows read"}) {
    EXPECT_EQ(nl.find(english), std::string::npos) << english << "\n" << nl;
  }
  ReportOptions english;
  english.text_lang = Lang::En;
  const std::string en = render(check->report, "text", english);
  EXPECT_NE(en.find("norm: at most 15.00%"), std::string::npos) << en;
  EXPECT_NE(en.find("Needed: 1 fewer let meeting the rule's condition"), std::string::npos) << en;
}

// ---------------------------------------------------------------------------------------------
// 4. Arrows that follow the value and say whether that is better or worse

ReportHistory history_of(const CheckReport& report, const std::map<std::string, Ratio>& before) {
  ReportHistory history;
  history.previous = RunRef{1, "2026-10-23T10:00:00Z", days_from_civil(2026, 10, 23)};
  history.current = RunRef{2, "2026-11-23T10:15:02Z", report.as_of};
  history.runs = {*history.previous, *history.current};
  for (const auto& r : report.results) {
    ResultHistory h;
    const auto found = before.find(r.rule->id);
    if (found != before.end()) h.points.push_back(HistoryPoint{1, history.previous->as_of, r.status, found->second});
    h.points.push_back(HistoryPoint{2, report.as_of, r.status, r.measure});
    h.status_since = history.previous->as_of;
    h.streak = 2;
    h.previous_status = r.status;
    history.results[result_key(r.rule->id, r.group)] = h;
  }
  return history;
}

TEST(Words, ArrowsFollowTheValueAndTheNormSaysBetterOrWorse) {
  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  // INK rose from 10% to 20% (an upper limit: worse); JONG fell from 10% to 0% (a lower limit:
  // worse); PLAN rose from 8 to 10 (a lower limit: better).
  const ReportHistory history = history_of(check->report, {{"INK", Ratio{1, 10}}, {"JONG", Ratio{1, 10}}, {"PLAN", Ratio{8, 1}}});
  EXPECT_EQ(report::value_change_words(report::value_change(result_of(check->report, "INK"), Ratio{1, 10}), Lang::Nl),
            "gestegen, slechter");
  EXPECT_EQ(report::value_change_words(report::value_change(result_of(check->report, "JONG"), Ratio{1, 10}), Lang::En),
            "fell, worse");
  EXPECT_EQ(report::value_change_words(report::value_change(result_of(check->report, "PLAN"), Ratio{8, 1}), Lang::Nl),
            "gestegen, beter");
  const std::string html = render(check->report, "html", in(Lang::Nl), &history);
  EXPECT_NE(html.find("title=\"gestegen, slechter\"><span aria-hidden=\"true\">&#9650;</span><span class=\"vh\"> "
                      "gestegen, slechter</span>"),
            std::string::npos);
  EXPECT_NE(html.find("&#9660;</span><span class=\"vh\"> gedaald, slechter</span>"), std::string::npos);
  EXPECT_NE(html.find("&#9650;</span> gestegen, beter</span>"), std::string::npos);
  EXPECT_EQ(html.find("&#9660;</span><span class=\"vh\"> gestegen"), std::string::npos);
  const std::string english = render(check->report, "html", in(Lang::En), &history);
  EXPECT_NE(english.find("rose, worse"), std::string::npos);
}

// A result's history in the JSON report: write_json_report writes it as text, member by member;
// the text is report_to_json's value dumped (its evidence arrays folded onto one line), in either
// language, the value the same whichever way it was written.
TEST(Words, WrittenJsonWithHistoryIsTheJsonValueDumped) {
  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  const ReportHistory history = history_of(check->report, {{"INK", Ratio{1, 10}}, {"PLAN", Ratio{8, 1}}});
  for (const Lang lang : {Lang::Nl, Lang::En}) {
    ReportOptions options = in(lang);
    options.text_lang = lang;
    std::ostringstream written;
    write_json_report(check->report, written, options, &history);
    const std::string dumped =
        report_to_json(check->report, options, &history).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
        "\n";
    ASSERT_NE(written.str().find("\"history\": {"), std::string::npos);
    ASSERT_NE(written.str().find("\"previous_status\""), std::string::npos);
    EXPECT_EQ(written.str(), testing_support::evidence_on_one_line(dumped));
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Local time

TEST(Words, RecordedTimesAreDutchLocalTimeWithTheSummerTimeRule) {
  using report::local_time_text;
  EXPECT_EQ(local_time_text("2026-11-23T10:15:02Z", Lang::Nl), "23-11-2026 11:15 Nederlandse tijd (CET)");
  EXPECT_EQ(local_time_text("2026-11-23T10:15:02Z", Lang::En), "2026-11-23 11:15 Amsterdam time (CET)");
  EXPECT_EQ(local_time_text("2026-07-01T10:15:00Z", Lang::Nl), "01-07-2026 12:15 Nederlandse tijd (CEST)");
  // 2026: summer time from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
  EXPECT_EQ(local_time_text("2026-03-29T00:59:00Z", Lang::En), "2026-03-29 01:59 Amsterdam time (CET)");
  EXPECT_EQ(local_time_text("2026-03-29T01:00:00Z", Lang::En), "2026-03-29 03:00 Amsterdam time (CEST)");
  EXPECT_EQ(local_time_text("2026-10-25T00:59:00Z", Lang::En), "2026-10-25 02:59 Amsterdam time (CEST)");
  EXPECT_EQ(local_time_text("2026-10-25T01:00:00Z", Lang::En), "2026-10-25 02:00 Amsterdam time (CET)");
  EXPECT_EQ(local_time_text("2026-12-31T23:30:00Z", Lang::Nl), "01-01-2027 00:30 Nederlandse tijd (CET)");
  EXPECT_EQ(local_time_text("not a time", Lang::Nl), "not a time");
  // For tools (JSON's recorded_at_local, JUnit's property): the same instant with its offset.
  EXPECT_EQ(report::local_time_iso("2026-11-23T10:15:02Z"), "2026-11-23T11:15:02+01:00");
  EXPECT_EQ(report::local_time_iso("2026-07-01T23:30:59Z"), "2026-07-02T01:30:59+02:00");
  EXPECT_EQ(report::local_time_iso("not a time"), "");

  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  const ReportHistory history = history_of(check->report, {});
  const std::string html = render(check->report, "html", in(Lang::Nl), &history);
  EXPECT_NE(html.find("vastgelegd 23-11-2026 11:15 Nederlandse tijd (CET)"), std::string::npos);
  EXPECT_EQ(html.find(" UTC"), std::string::npos);
  const std::string md = render(check->report, "markdown", in(Lang::En), &history);
  EXPECT_NE(md.find("recorded 2026-11-23 11:15 Amsterdam time (CET)"), std::string::npos) << md;
  const auto json = nlohmann::json::parse(render(check->report, "json", ReportOptions{}, &history));
  EXPECT_EQ(json["run"]["recorded_at"], "2026-11-23T10:15:02Z");
  EXPECT_EQ(json["run"]["recorded_at_local"], "2026-11-23T11:15:02+01:00");
  EXPECT_NE(render(check->report, "junit", ReportOptions{}, &history)
                .find("<property name=\"recorded_at_local\" value=\"2026-11-23T11:15:02+01:00\"/>"),
            std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// 6. A local rule that restates a national one is one finding

const std::string kRestated = R"R(ruleset words {
  title "Woorden"
  valid 2026-01-01 to 2026-12-31
}
rule "Woningwet-48" "Passend toewijzen (landelijk)" {
  over allocations
  per corporation
  measure share(household_income > €50000)
  breach when measure > 7.5%
}
rule "Dordrecht F" "Vrije toewijzingsruimte" {
  over allocations
  per corporation
  measure share(household_income > €50000)
  breach when measure > 15%
}
)R";

TEST(Words, ALocalRuleThatRestatesANationalOneIsOneFindingInTheAttentionLists) {
  auto check = run_check(kRestated, lets());
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(check->rules->rules.size(), 2u);
  ASSERT_EQ(check->rules->rules[1].ruleset_id, check->report.ruleset.id);
  check->rules->rules[0].ruleset_id = "national";  // as if imported from national.toets
  ASSERT_EQ(result_of(check->report, "Woningwet-48").status, Status::Breach);
  ASSERT_EQ(result_of(check->report, "Dordrecht F").status, Status::Breach);

  const std::string md = render(check->report, "markdown", in(Lang::Nl));
  const std::string attention = md.substr(0, md.find("## Regels"));
  EXPECT_NE(attention.find("| Dordrecht F | Vrije toewijzingsruimte (ook Woningwet-48) |"), std::string::npos) << md;
  EXPECT_EQ(attention.find("| Woningwet-48 |"), std::string::npos) << md;
  const std::string html = render(check->report, "html", in(Lang::En));
  const std::string table = html.substr(html.find("class=\"attention\""), html.find("</table>", html.find("class=\"attention\"")) -
                                                                              html.find("class=\"attention\""));
  EXPECT_NE(table.find("(also <a href=\"#s1-r1\">Woningwet-48</a>)"), std::string::npos) << table;
  EXPECT_EQ(table.find("<span class=\"art\">Woningwet-48</span>"), std::string::npos) << table;
  ReportOptions dutch;
  dutch.text_lang = Lang::Nl;
  const std::string text = render(check->report, "text", dutch);
  EXPECT_NE(text.find("  Dordrecht F Vrije toewijzingsruimte (ook Woningwet-48)\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("  Woningwet-48 Passend"), std::string::npos) << text;

  // Not the same measure, or both local: two findings.
  check->rules->rules[0].ruleset_id = check->report.ruleset.id;
  EXPECT_NE(render(check->report, "markdown", in(Lang::Nl)).find("| Woningwet-48 |"), std::string::npos);
}

TEST(Words, TheSameFindingWithAnotherLightIsOneRowLedByTheWorse) {
  // Terneuzen 1.1.12 (a signal above 10%) and Woningwet-48 (a breach above the same 10%) measure
  // Clavis's 2023 lets alike: one finding, led by the breach, saying the other's status.
  std::string rules = kRestated;
  rules.replace(rules.find("  breach when measure > 15%"), 27, "  signal when measure > 15%");
  auto check = run_check(rules, lets());
  ASSERT_NE(check, nullptr);
  check->rules->rules[0].ruleset_id = "national";
  ASSERT_EQ(result_of(check->report, "Woningwet-48").status, Status::Breach);
  ASSERT_EQ(result_of(check->report, "Dordrecht F").status, Status::Signal);
  const std::string md = render(check->report, "markdown", in(Lang::Nl));
  const std::string attention = md.substr(0, md.find("## Regels"));
  EXPECT_NE(attention.find("| Woningwet-48 | Passend toewijzen (landelijk) (ook Dordrecht F: signaal) |"), std::string::npos)
      << md;
  EXPECT_EQ(attention.find("| Dordrecht F |"), std::string::npos) << md;
  const std::string html = render(check->report, "html", in(Lang::En));
  EXPECT_NE(html.find("(also <a href=\"#s1-r2\">Dordrecht F</a>: signal)"), std::string::npos);
}

TEST(Words, CountsAreTheSameFindingOnlyWithTheSameRecords) {
  // The local EFG rule H and the national NPA-EFG both count Woonbron's 36 E, F and G homes: the
  // same records, one finding. Two counts that agree by chance (2 and 2 of other records) are two.
  const std::string rules = R"R(ruleset words {
  title "Woorden"
  valid 2026-01-01 to 2026-12-31
}
rule NAT "Boven de grens (landelijk)" {
  over allocations
  measure count(household_income > €50000)
  breach when measure > 1
}
rule LOK "Boven de grens" {
  over allocations
  measure count(household_income > €50000)
  breach when measure > 1
}
rule URG "Urgenten" {
  over allocations
  measure count(channel = urgent)
  breach when measure > 1
}
)R";
  std::string csv = lets();
  for (int i = 0; i < 2; ++i) {
    std::string row = let("U" + std::to_string(i), "A", "30000.00", 30);
    row.replace(row.find(",regulier,"), 10, ",urgent,");
    csv += row;
  }
  auto check = run_check(rules, csv);
  ASSERT_NE(check, nullptr);
  check->rules->rules[0].ruleset_id = "national";
  for (const char* id : {"NAT", "LOK", "URG"}) ASSERT_EQ(result_of(check->report, id).status, Status::Breach) << id;
  ASSERT_EQ(result_of(check->report, "URG").measure->numerator, 2);
  ASSERT_EQ(result_of(check->report, "NAT").measure->numerator, 2);
  const std::string md = render(check->report, "markdown", in(Lang::Nl));
  const std::string attention = md.substr(0, md.find("## Regels"));
  EXPECT_NE(attention.find("| LOK | Boven de grens (ook NAT) |"), std::string::npos) << md;
  EXPECT_EQ(attention.find("| NAT |"), std::string::npos) << md;
  EXPECT_NE(attention.find("| URG | Urgenten |"), std::string::npos) << md;
}

// ---------------------------------------------------------------------------------------------
// 7. Dutch column names

TEST(Words, TheDutchReportNamesColumnsInDutch) {
  EXPECT_EQ(report::column_word("contract_date", Lang::Nl), "ingangsdatum contract");
  EXPECT_EQ(report::column_word("household_income", Lang::Nl), "toetsinkomen");
  EXPECT_EQ(report::column_word("household_income", Lang::En), "household_income");
  // Every canonical column has a Dutch name.
  for (const auto& schema : dataset_schemas()) {
    for (const auto& column : schema.columns) {
      const std::string dutch = report::column_word(column.name, Lang::Nl);
      EXPECT_TRUE(dutch != column.name || column.name.find('_') == std::string::npos) << column.name;
    }
  }
  std::string csv = lets();
  csv += let("BAD", "A", "geheim", 40);
  auto check = run_check(kRules, csv);
  ASSERT_NE(check, nullptr);
  const std::string html = render(check->report, "html", in(Lang::Nl));
  EXPECT_NE(html.find("regel 12, toetsinkomen"), std::string::npos) << html.substr(html.find("Afgewezen"), 600);
  EXPECT_EQ(html.find("household_income"), std::string::npos);
  const std::string english = render(check->report, "html", in(Lang::En));
  EXPECT_NE(english.find("line 12, household_income"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// 8. The engine's notes, the datasets and every format in the language asked for

TEST(Words, TheEnginesNotesSpeakDutch) {
  using report::message_text;
  // Each note on an input as the engine writes it (tools/toets.cpp, engine/store/store.cpp,
  // engine/run/check_job.cpp), and as a Dutch reader should read it. A result's note is data and has
  // words of its own (tests/result_note_test.cpp).
  const std::pair<std::string, std::string> notes[] = {
      {"read from the store: import 3 (exports/stock.csv, 495 rows)",
       "gelezen uit de database: import 3 (exports/stock.csv, 495 regels)"},
      {"no rule of this rule set reads projects; p.csv was ignored",
       "geen regel van deze regelset leest projecten; p.csv is genegeerd"},
      {"column 'Huur' is not part of allocations; ignored (did you mean 'rent'?)",
       "kolom 'Huur' hoort niet bij de toewijzingen; genegeerd (bedoelt u 'rent'?)"},
  };
  for (const auto& [english, dutch] : notes) {
    EXPECT_EQ(message_text(english, Lang::Nl), dutch);
    EXPECT_EQ(message_text(english, Lang::En), english);
  }
  // A note the table does not know is shown as it is, never half-translated or lost.
  EXPECT_EQ(message_text("something new", Lang::Nl), "something new");
  EXPECT_EQ(report::dataset_word("stock", Lang::Nl), "woningvoorraad");
  EXPECT_EQ(report::dataset_word("stock", Lang::En), "stock");
}

TEST(Words, TheArrowLegendIsWellFormedUtf8) {
  // The legend once held the arrows twice encoded ("â²"): every report showed them broken.
  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  const ReportHistory history = history_of(check->report, {{"INK", Ratio{1, 10}}});
  const std::string nl = render(check->report, "html", in(Lang::Nl), &history);
  EXPECT_NE(nl.find("\xE2\x96\xB2 gestegen, \xE2\x96\xBC gedaald sinds de vorige meting"), std::string::npos);
  const std::string en = render(check->report, "html", in(Lang::En), &history);
  EXPECT_NE(en.find("\xE2\x96\xB2 rose, \xE2\x96\xBC fell since the previous run"), std::string::npos);
  for (const std::string& html : {nl, en}) {
    EXPECT_EQ(html.find("\xEF\xBF\xBD"), std::string::npos) << "U+FFFD: a character was broken";
    EXPECT_EQ(html.find("\xC3\xA2"), std::string::npos) << "mojibake";
  }
}

TEST(Words, JunitAndJsonSpeakTheLanguageAskedAndRemediesNameTheRecords) {
  auto check = run_check(kRules, lets());
  ASSERT_NE(check, nullptr);
  // Without --lang: English as tools read it, the remedy about lets (not "1 fewer records").
  const std::string junit = render(check->report, "junit", ReportOptions{});
  EXPECT_NE(junit.find("message=\"breach: 20.00% (2/10), norm: at most 15.00%\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("remedy: 1 fewer let meeting the rule&#39;s condition (at most 1 of 10) to meet the norm"),
            std::string::npos)
      << junit;
  EXPECT_EQ(junit.find("records would clear"), std::string::npos);
  const auto json = nlohmann::json::parse(render(check->report, "json", ReportOptions{}));
  const auto& ink = json["results"][0];
  ASSERT_EQ(ink["rule"], "INK");
  EXPECT_EQ(ink["remedy_text"], "1 fewer let meeting the rule's condition (at most 1 of 10) to meet the norm; 2 to be ok");
  EXPECT_EQ(ink["measure_text"], "20.00%");

  ReportOptions dutch;
  dutch.text_lang = Lang::Nl;
  const std::string nl = render(check->report, "junit", dutch);
  EXPECT_NE(nl.find("<failure type=\"breach\" message=\"overschreden: 20,00% (2/10), norm: hoogstens 15,00%\">"),
            std::string::npos)
      << nl;
  for (const char* expected : {"\ntrekker: Trivire\n", "\ngroep: A\n", "\nstatus: overschreden\n",
                               "\ngemeten: 20,00% (2/10) (10 records)\n", "\ndrempel: norm: hoogstens 15,00%\n",
                               "\nnodig: 1 toewijzing minder die aan de voorwaarde van de regel voldoet"}) {
    EXPECT_NE(nl.find(expected), std::string::npos) << expected << "\n" << nl;
  }
  const auto dutch_json = nlohmann::json::parse(render(check->report, "json", dutch));
  EXPECT_EQ(dutch_json["results"][0]["measure_text"], "20,00%");
  EXPECT_EQ(dutch_json["results"][0]["remedy_text"],
            "1 toewijzing minder die aan de voorwaarde van de regel voldoet (hoogstens 1 van 10) om de norm te halen; 2 "
            "om te voldoen");
  EXPECT_EQ(dutch_json["results"][0]["status"], "breach") << "keys and values for tools stay as they are";
}

TEST(Words, DatasetsAndSumsAreNamedInWords) {
  const std::string rules = R"(ruleset sums {
  title "Sommen"
  valid 2026-01-01 to 2026-12-31
}
rule GROEI "Twee meer dan bij de nulmeting" {
  over allocations
  per year(contract_date)
  baseline 2026-01-01
  measure count
  signal when measure < baseline + 2
}
)";
  auto check = run_check(rules, lets());
  ASSERT_NE(check, nullptr);
  const RuleResult& groei = result_of(check->report, "GROEI");
  ASSERT_EQ(groei.status, Status::Signal) << note_text(groei.note, Lang::En);
  // 10 lets in 2026, the baseline year itself: at least 10 + 2.
  EXPECT_EQ(report::norm_text(groei, Lang::Nl), "signaalwaarde: minstens 12 (de nulmeting + 2)");
  EXPECT_EQ(report::norm_text(groei, Lang::En), "signal value: at least 12 (the baseline + 2)");
  EXPECT_EQ(report::rule_norms_text(*groei.rule, Lang::Nl), "signaalwaarde: minstens de nulmeting + 2");
  ReportOptions dutch;
  dutch.text_lang = Lang::Nl;
  const std::string text = render(check->report, "text", dutch);
  EXPECT_NE(text.find("\n  toewijzingen    lets.csv: 10 regels gelezen"), std::string::npos) << text;
  const std::string html = render(check->report, "html", in(Lang::Nl));
  EXPECT_NE(html.find("<tr><td>toewijzingen</td><td>lets.csv</td>"), std::string::npos);
  EXPECT_EQ(render(check->report, "html", in(Lang::En)).find("<tr><td>toewijzingen</td>"), std::string::npos);
}

TEST(Words, AnExemptColumnIsNamedInDutch) {
  const std::string rules = R"(ruleset uitzondering {
  title "Uitzondering"
  valid 2026-01-01 to 2026-12-31
}
rule NB "Boven de grens, nieuwbouw uitgezonderd" {
  over allocations
  exempt new_build
  per corporation
  measure share(household_income > €50000)
  breach when measure > 15%
}
)";
  std::string csv = lets();
  std::string row = let("N0", "A", "30000.00", 30);
  row.replace(row.find(",true,false,"), 12, ",true,true,");
  csv += row;
  auto check = run_check(rules, csv);
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(result_of(check->report, "NB").exempt, 1u);
  const std::string html = render(check->report, "html", in(Lang::Nl));
  EXPECT_NE(html.find("<b>Uitgezonderd</b> (nieuwbouw): 1"), std::string::npos);
  EXPECT_EQ(html.find("(new_build)"), std::string::npos);
  EXPECT_NE(render(check->report, "html", in(Lang::En)).find("<b>Exempt</b> (new_build): 1"), std::string::npos);
}

TEST(Words, AGroupsValuesAreWordsAndDatesAsTheReaderWritesThem) {
  using report::group_value_text;
  auto field = [](const std::string& name, const std::string& text) { return GroupField{name, std::nullopt, text}; };
  EXPECT_EQ(group_value_text(field("snapshot_date", "2022-01-01"), Lang::Nl), "01-01-2022");
  EXPECT_EQ(group_value_text(field("snapshot_date", "2022-01-01"), Lang::En), "2022-01-01");
  EXPECT_EQ(group_value_text(field("channel", "wonen_eerst"), Lang::Nl), "Wonen Eerst");
  EXPECT_EQ(group_value_text(field("channel", "uitstroom_mobw"), Lang::En), "uitstroom MOBW");
  EXPECT_EQ(group_value_text(field("segment", "vrije_sector"), Lang::Nl), "vrije sector");
  EXPECT_EQ(group_value_text(field("segment", "sociaal"), Lang::Nl), "sociaal");
  EXPECT_EQ(group_value_text(field("daeb", "true"), Lang::Nl), "DAEB: ja");
  EXPECT_EQ(group_value_text(field("contract_date", "2026-H2"), Lang::Nl), "2e halfjaar 2026");
  EXPECT_EQ(group_value_text(field("contract_date", "2026-Q3"), Lang::Nl), "3e kwartaal 2026");
  EXPECT_EQ(group_value_text(field("contract_date", "2026-03"), Lang::Nl), "03-2026");
  EXPECT_EQ(group_value_text(field("contract_date", "2026-Q3"), Lang::En), "2026-Q3");
  EXPECT_EQ(group_value_text(GroupField{"year", 2026, std::nullopt}, Lang::Nl), "2026");

  // A rule per channel shows the channel's word in every report, not the identifier.
  const std::string rules = R"(ruleset channels {
  title "Kanalen"
  valid 2026-01-01 to 2026-12-31
}
rule KANAAL "Per kanaal" {
  over allocations
  per channel
  measure count
  signal when measure > 5
}
)";
  std::string csv = lets();
  for (int i = 0; i < 2; ++i) {
    std::string row = let("W" + std::to_string(i), "A", "30000.00", 30);
    row.replace(row.find(",regulier,"), 10, ",wonen_eerst,");
    csv += row;
  }
  auto check = run_check(rules, csv);
  ASSERT_NE(check, nullptr);
  for (const Lang lang : {Lang::Nl, Lang::En}) {
    const std::string html = render(check->report, "html", in(lang));
    EXPECT_NE(html.find("Wonen Eerst"), std::string::npos);
    EXPECT_EQ(html.find("wonen_eerst"), std::string::npos);
    EXPECT_EQ(render(check->report, "markdown", in(lang)).find("wonen_eerst"), std::string::npos);
  }
}

}  // namespace
}  // namespace toets

namespace toets {
namespace {

// A rule that could not check (no records of its period; its data not given) says why in every
// format, and before any verdict where the format has an order: a grey light without a reason,
// after the breaches, reads like a pass.
TEST(NoData, EveryFormatSaysWhyBeforeItsVerdicts) {
  // The rule set without its period of 2026, which would leave a law of 2021 no period at all.
  std::string rules = kRules;
  rules.erase(rules.find("  valid 2026-01-01 to 2026-12-31\n"), 33);
  rules += "rule OUD \"Van 2021\" { valid until 2021-12-31 over allocations per corporation,"
           " year(contract_date) measure count breach when measure > 100 }\n"
           "rule EFG \"Labels\" { over stock measure count(energy_label in {E, F, G}) breach when measure > 0 }\n";
  const auto check = run_check(rules, lets());
  ASSERT_TRUE(check);
  struct Case {
    std::string format;
    ReportOptions options;
    std::string reason;
    std::string verdicts;  // the first heading of verdicts, "" where a format has no order
  };
  ReportOptions plain;
  ReportOptions worded = in(Lang::Nl);
  worded.text_lang = Lang::Nl;
  const std::string en = "no allocations records of the rule's own period (until 2021-12-31)";
  const std::string nl = "geen toewijzingen uit de eigen periode van de regel (tot en met 31-12-2021)";
  const std::vector<Case> cases = {
      {"text", plain, "OUD  all: " + en, "\nResults\n"},
      {"text", worded, "OUD  totaal: " + nl, "\nUitkomsten\n"},
      {"markdown", in(Lang::Nl), "| OUD | Van 2021 | totaal | " + nl + " |", "## Aandacht nodig"},
      {"markdown", in(Lang::En), "| OUD | Van 2021 | all | " + en + " |", "## Needs attention"},
      {"html", in(Lang::Nl), nl, "<h3>Aandacht nodig</h3>"},
      {"junit", in(Lang::En), "no_data: no allocations records of the rule&#39;s own period (until 2021-12-31)", ""},
      {"json", in(Lang::En), en, ""},
  };
  for (const Case& c : cases) {
    const std::string out = render(check->report, c.format, c.options);
    // The rule whose data was not given is not checked either, and said so with the same.
    if (c.format == "text" || c.format == "markdown") {
      const std::string efg = c.format == "markdown" ? (c.options.lang == Lang::Nl ? "| EFG | Labels | totaal | geen woningvoorraad gegeven (--data stock=BESTAND) |"
                                                                                    : "| EFG | Labels | all | no stock data given (--data stock=FILE) |")
                              : c.options.text_lang ? "EFG  totaal: geen woningvoorraad gegeven (--data stock=BESTAND)"
                                                    : "EFG  all: no stock data given (--data stock=FILE)";
      EXPECT_LT(out.find(efg), out.find(c.verdicts)) << c.format << ":\n" << out;
      // ... and not again among what needs attention (text listed it there before).
      EXPECT_EQ(out.find("EFG Labels"), std::string::npos) << out;
    }
    const std::size_t reason = out.find(c.reason);
    ASSERT_NE(reason, std::string::npos) << c.format << ":\n" << out;
    if (c.verdicts.empty()) continue;
    const std::size_t verdicts = out.find(c.verdicts);
    ASSERT_NE(verdicts, std::string::npos) << c.format << ":\n" << out;
    EXPECT_LT(reason, verdicts) << c.format << ":\n" << out;
  }
}

// Many groups without data: the first 30 are listed, the rest counted, in text and Markdown.
TEST(NoData, ManyGroupsAreCountedBeyondTheFirstThirty) {
  std::string csv = kHeader;
  for (int i = 0; i < 35; ++i) csv += let("L" + std::to_string(i), "C" + std::to_string(100 + i), "30000.00", 30);
  const auto check = run_check(
      "ruleset nul { }\nrule NUL \"t\" { over allocations per corporation"
      " measure ratio(household_size, household_size - household_size) breach when measure > 50% }\n",
      csv);
  ASSERT_TRUE(check);
  const std::string text = render(check->report, "text", {});
  EXPECT_NE(text.find("NUL  C129: the whole the measure divides by is 0"), std::string::npos) << text;
  EXPECT_EQ(text.find("NUL  C130:"), std::string::npos) << text;
  EXPECT_NE(text.find("  ... and 5 more groups without data (see --format json)\n"), std::string::npos) << text;
  const std::string markdown = render(check->report, "markdown", in(Lang::Nl));
  EXPECT_NE(markdown.find("en nog 5 groepen zonder gegevens"), std::string::npos) << markdown;
  const std::string html = render(check->report, "html", in(Lang::Nl));
  EXPECT_NE(html.find("en nog 5 groepen zonder gegevens"), std::string::npos);
}

}  // namespace
}  // namespace toets
