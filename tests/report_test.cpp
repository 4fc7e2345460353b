// The reports for sharing (docs/reports.md): HTML, Markdown, JUnit, JSON and text from one check.
// Hostile text in rule titles and data stays text; no personal value (income, age, household
// size) reaches any format; small groups are indicative with their records withheld; ids can be
// pseudonymised; JUnit is well-formed XML; the Markdown has the documented shape; the history of
// recorded runs gives each result its streak and movement.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/report_check.hpp"
#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/run/plan.hpp"
#include "engine/report/privacy.hpp"
#include "engine/report/report.hpp"
#include "engine/report/report_common.hpp"

namespace toets {
namespace {

const std::string kHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

// A let: id, corporation, income (euros, two decimals), age; 1 person, a social DAEB home.
std::string let(const std::string& id, const std::string& corporation, const std::string& income, int age) {
  const bool quote = corporation.find_first_of(",\"\n") != std::string::npos;
  std::string corp = corporation;
  if (quote) {
    std::string escaped;
    for (char c : corporation) escaped += c == '"' ? std::string("\"\"") : std::string(1, c);
    corp = "\"" + escaped + "\"";
  }
  return id + "," + corp + ",Dordrecht,,,2026-03-01,V" + id + ",sociaal,true,false,612.35,1," + income + "," +
         std::to_string(age) + ",regulier,C\n";
}

// Rules with a hostile title, source, owner and note, and one that averages incomes.
const std::string kRules = R"(ruleset hostile {
  title "Afspraken <script>alert('set')</script> & \"zo\""
  municipality "Dordrecht"
  valid 2026-01-01 to 2026-12-31
  source "Bron <img src=x onerror=alert(1)>"
}
table limit(year, household_size) : money { 2026 { 1: €51537, 2+: €56910 } }
rule "X<1>" "Vrije ruimte <script>alert(\"t\")</script> 'quoted' & more" {
  source "Bijlage <b>1</b> | pipe"
  owner "Corporaties <i>\"trekker\"</i>"
  note "Lezing: *bold* _it_ [link](javascript:alert(1)) `code` # heading"
  over allocations where daeb and segment = sociaal
  per corporation, year(contract_date)
  measure share(household_income > limit(year(contract_date), household_size))
  signal when measure > 7.5%
  breach when measure > 15%
}
rule AVG "Gemiddeld inkomen" {
  over allocations
  per corporation
  measure avg(household_income)
  signal when measure > €60000
}
)";

using testing_support::Check;
using testing_support::evidence_on_one_line;

std::unique_ptr<Check> run_check(const std::string& rules_text, const std::string& csv) {
  return testing_support::run_check("hostile.toets", rules_text, csv);
}

// 10 lets of a corporation with a hostile name, 3 above the limit (a breach, evidence listed);
// 4 lets of "Klein", 1 above (a breach in a group below the minimum size); distinctive incomes
// and ages; two rows rejected: an unreadable income and a row with too many fields.
std::string hostile_lets() {
  std::string csv = kHeader;
  const std::string big = "<b onmouseover=\"alert(1)\">Groot</b> & 'Co'";
  for (int i = 0; i < 10; ++i) {
    const std::string income = i < 3 ? "87654.3" + std::to_string(i) : "23456.7" + std::to_string(i);
    csv += let("A<" + std::to_string(i) + ">", big, income, 101 + i);
  }
  for (int i = 0; i < 4; ++i) csv += let("K" + std::to_string(i), "Klein", i == 0 ? "76543.21" : "21098.76", 111);
  csv += let("BAD1", "Klein", "geheim-65432", 40);                      // unreadable income
  csv += "BAD2,Klein,Dordrecht,,,2026-03-01,VB,sociaal,true,false,612.35,1,54321.99,44,regulier,C,extra\n";
  return csv;
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

const std::vector<std::string> kFormats = {"html", "markdown", "junit", "json", "text"};

// ---------------------------------------------------------------------------------------------
// Escaping

class Hostile : public testing::TestWithParam<std::string> {};

TEST_P(Hostile, MarkupInTitlesAndDataStaysText) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  const std::string title = "Vrije ruimte <script>alert(\"t\")</script> 'quoted' & more";
  for (const Lang lang : {Lang::Nl, Lang::En}) {
    ReportOptions options;
    options.lang = lang;
    const std::string& format = GetParam();
    const std::string out = render(check->report, format, options);
    if (format == "html" || format == "junit") {
      // No element a browser would make of the hostile text; the text itself is there, escaped.
      for (const char* raw : {"<script", "<img", "<b onmouseover", "<b>1</b>", "<i>", "<1>", "<0>", "'quoted'"}) {
        EXPECT_EQ(out.find(raw), std::string::npos) << format << " has " << raw;
      }
      EXPECT_NE(out.find("Vrije ruimte &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &#39;quoted&#39; &amp; more"),
                std::string::npos)
          << format;
      EXPECT_NE(out.find("&lt;b onmouseover=&quot;alert(1)&quot;&gt;Groot&lt;/b&gt; &amp; &#39;Co&#39;"),
                std::string::npos)
          << format;
    } else if (format == "markdown") {
      // Every '<' that could open a tag is backslash-escaped; links and emphasis are neutralised.
      for (std::size_t at = out.find('<'); at != std::string::npos; at = out.find('<', at + 1)) {
        const char next = at + 1 < out.size() ? out[at + 1] : ' ';
        if (std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!') {
          EXPECT_EQ(out[at - 1], '\\') << out.substr(at, 30);
        }
      }
      EXPECT_EQ(out.find("[link]("), std::string::npos);
    } else if (format == "json") {
      const auto json = nlohmann::json::parse(out);  // valid JSON; strings hold the text exactly
      bool found = false;
      for (const auto& r : json["results"]) found = found || r["title"] == title;
      EXPECT_TRUE(found);
    } else {
      EXPECT_NE(out.find(title), std::string::npos);  // a terminal shows text as text
    }
  }
}

TEST(HostileHtml, AttributesAndAnchorsAreNotMadeFromUserText) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  const std::string html = render(check->report, "html", {});
  // Every id and href in the document is one the writer made from positions.
  const std::regex ids("(?:id|href)=\"#?([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ids); it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(std::regex_match((*it)[1].str(), std::regex("s[0-9]+-r[0-9]+"))) << (*it)[0].str();
  }
  // Self-contained: no tag refers to anything outside the file, no script, no style import.
  const std::regex external("<[A-Za-z][^>]*\\s(?:src|srcset|href|action|data)=\"(?!#)[^\"]*\"");
  EXPECT_FALSE(std::regex_search(html, external));
  for (const char* never : {"<script", "<link", "<iframe", "<object", "<embed", "@import", "@font-face"}) {
    EXPECT_EQ(html.find(never), std::string::npos) << never;
  }
  EXPECT_FALSE(std::regex_search(html, std::regex("url\\((?!#)")));  // clip paths refer inside the file
}

INSTANTIATE_TEST_SUITE_P(Formats, Hostile, testing::ValuesIn(kFormats));

TEST(Escaping, BrokenUtf8BecomesReplacementCharactersAndControlsEscapes) {
  const std::string bad = std::string("a\x01") + "\xC3" + "(" + "\xED\xA0\x80" + "b";
  EXPECT_EQ(report::escape_xml(bad), "a\\x01\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b");
  // Bidi controls are shown, so a name cannot reorder the text around it; C1 controls too.
  EXPECT_EQ(report::escape_xml("x\xE2\x80\xAEy\xE2\x81\xA6z\xC2\x9B"), "x\\u202ey\\u2066z\\u009b");
  EXPECT_EQ(report::escape_markdown("\x1b[2Jx\xE2\x80\x8F"), "\\\\x1b\\[2Jx\\\\u200f");
  EXPECT_EQ(report::escape_xml("<a href='x'>&</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(report::escape_xml("€ 612,35"), "€ 612,35");
}

TEST(Escaping, ATitleThatIsNotUtf8RendersInEveryFormat) {
  // From fuzz/regressions/rules/invalid-utf8-title-json-report: "caf\xE9 \xC3(" as a rule title.
  // The checker refuses such a file now; the writers must not depend on it.
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  for (auto& rule : check->rules->rules) rule.title = "caf\xE9 \xC3(";
  for (const std::string& format : kFormats) {
    std::string out;
    EXPECT_NO_THROW(out = render(check->report, format, {})) << format;
    if (format != "text") {
      EXPECT_NE(out.find("caf\xEF\xBF\xBD"), std::string::npos) << format;
    }
  }
}

// The text report passes through visible_lines() in blocks of whole lines as it is written (it is
// not held whole): a report far longer than one block has every control escaped in every block,
// and its last line, after the last block, is there.
TEST(Escaping, ALongTextReportIsEscapedThroughout) {
  constexpr int kCorporations = 3000;  // a results table of 3,000 rows: several 64 KiB blocks
  std::string csv = kHeader;
  for (int i = 0; i < kCorporations; ++i) {
    csv += let("L" + std::to_string(i), "Corp\x1b[2J" + std::to_string(i), "23456.78", 40);
  }
  const std::string rules = R"(ruleset long { title "Lang" }
rule C "Count" {
  over allocations
  per corporation
  measure count
  signal when measure > 5
}
)";
  auto check = run_check(rules, csv);
  ASSERT_NE(check, nullptr);
  for (const Lang lang : {Lang::Nl, Lang::En}) {
    ReportOptions options;
    options.text_lang = lang;
    const std::string out = render(check->report, "text", options);
    ASSERT_GT(out.size(), 3u * 64 * 1024);
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
    std::size_t shown = 0;
    for (std::size_t at = out.find("Corp\\x1b[2J"); at != std::string::npos;
         at = out.find("Corp\\x1b[2J", at + 1)) {
      ++shown;
    }
    EXPECT_EQ(shown, static_cast<std::size_t>(kCorporations));  // once each, in the results table
    EXPECT_NE(out.find("Corp\\x1b[2J2999 "), std::string::npos);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n');
  }
  // Without --lang: the English table scripts read ends in its summary line.
  const std::string plain = render(check->report, "text", {});
  EXPECT_NE(plain.find("\nSummary: 3000 ok\n"), std::string::npos);
}

TEST(Escaping, MarkdownKeepsComparisonsReadableButNeutralisesMarkup) {
  EXPECT_EQ(report::escape_markdown("< 95%"), "< 95%");
  EXPECT_EQ(report::escape_markdown("<script>"), "\\<script>");
  EXPECT_EQ(report::escape_markdown("a|b *c* [d](e)\nf"), "a\\|b \\*c\\* \\[d\\](e) f");
  EXPECT_EQ(report::escape_markdown("&lt;"), "\\&lt;");
}

// ---------------------------------------------------------------------------------------------
// Privacy

class NoPersonalFields : public testing::TestWithParam<std::string> {};

TEST_P(NoPersonalFields, NoIncomeAgeOrWholeRecordInAnyFormat) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(check->data->report.rows_rejected, 2u);
  for (const bool pseudonymise : {false, true}) {
    ReportOptions options;
    if (pseudonymise) options.pseudonym_key = "a key of at least sixteen characters";
    std::string out = render(check->report, GetParam(), options);
    // Chart coordinates and style rules are numbers too: leave them out of the search for ages.
    // (Cut with find, not std::regex: libstdc++'s regex recurses per character and overflows the
    // stack on the long style sheet under AddressSanitizer.)
    for (const auto& [open, close] : {std::pair<std::string, std::string>{"<svg", "</svg>"}, {"<style>", "</style>"}}) {
      for (std::size_t at = out.find(open); at != std::string::npos; at = out.find(open, at)) {
        const std::size_t end = out.find(close, at);
        out.erase(at, end == std::string::npos ? std::string::npos : end + close.size() - at);
      }
    }
    for (const char* personal : {"87654", "87.654", "76543", "76.543", "23456", "21098", "65432", "54321", "101",
                                 "105", "110", "111"}) {
      EXPECT_EQ(out.find(personal), std::string::npos) << GetParam() << " shows " << personal;
    }
  }
}

TEST_P(NoPersonalFields, RejectionsNameLineAndColumnButNotThePersonalValue) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  const std::string out = render(check->report, GetParam(), {});
  if (GetParam() == "markdown" || GetParam() == "junit") return;  // counts only
  // The column is named: in Dutch in the (default Dutch) HTML, as the column itself in text.
  EXPECT_NE(out.find(GetParam() == "html" ? "toetsinkomen" : "household_income"), std::string::npos) << out;
  EXPECT_EQ(out.find("geheim"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Formats, NoPersonalFields, testing::ValuesIn(kFormats));

TEST(Privacy, SmallGroupsAreIndicativeAndTheirRecordsWithheld) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  const auto json = nlohmann::json::parse(render(check->report, "json", {}));
  bool klein = false, groot = false;
  for (const auto& r : json["results"]) {
    if (r["rule"] != "X<1>") continue;
    if (r["group"]["corporation"] == "Klein") {
      klein = true;
      EXPECT_EQ(r["status"], "breach");
      EXPECT_EQ(r["indicative"], true);
      EXPECT_TRUE(r["evidence"].empty());
      EXPECT_EQ(r["evidence_withheld"], 1);
    } else {
      groot = true;
      EXPECT_FALSE(r.contains("indicative"));
      EXPECT_EQ(r["evidence"].size(), 3u);
    }
  }
  EXPECT_TRUE(klein && groot);
  for (const std::string& format : kFormats) {
    EXPECT_EQ(render(check->report, format, {}).find("K0"), std::string::npos) << format;
  }
  const std::string html = render(check->report, "html", {});
  EXPECT_NE(html.find("indicatief"), std::string::npos);
  // A minimum of 1 lists every record.
  ReportOptions all;
  all.min_group_size = 1;
  EXPECT_NE(render(check->report, "text", all).find("K0"), std::string::npos);
  // Exactly the minimum is not indicative.
  ReportOptions four;
  four.min_group_size = 4;
  EXPECT_NE(render(check->report, "json", four).find("\"K0\""), std::string::npos);
}

TEST(Privacy, GroupsThatArePersonalValuesListNoRecords) {
  const std::string rules = "ruleset p { }\nrule S \"per size\" { over allocations per household_size "
                            "measure count(rent > \u20ac600) breach when measure > 2 }\n";
  auto check = run_check(rules, hostile_lets());
  ASSERT_NE(check, nullptr);
  ASSERT_FALSE(check->report.results.empty());
  EXPECT_EQ(check->report.results[0].status, Status::Breach);
  EXPECT_FALSE(check->report.results[0].evidence.empty());
  for (const std::string& format : kFormats) {
    const std::string out = render(check->report, format, {});
    EXPECT_EQ(out.find("A&lt;0&gt;"), std::string::npos) << format;
    EXPECT_EQ(out.find("A<0>"), std::string::npos) << format;
    EXPECT_EQ(out.find("\"K0\""), std::string::npos) << format;
  }
  EXPECT_NE(render(check->report, "text", {}).find("the group is a personal value"), std::string::npos);
}

TEST(Privacy, AnAverageIncomeOfASmallGroupIsWithheld) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  const auto json = nlohmann::json::parse(render(check->report, "json", {}));
  for (const auto& r : json["results"]) {
    if (r["rule"] != "AVG") continue;
    if (r["group"]["corporation"] == "Klein") {
      EXPECT_TRUE(r["measure"].is_null());
      EXPECT_EQ(r["measure_text"], "(withheld)");
    } else {
      EXPECT_FALSE(r["measure"].is_null());  // ten households: an average, not a person
    }
  }
}

// write_json_report writes evidence ids straight into the text, an array on one line: the same JSON
// value as report_to_json builds, for ids that need escaping or are not UTF-8, with and without
// privacy, and the same text as its dump(2) once the evidence arrays are folded onto one line.
TEST(Escaping, WrittenJsonEqualsTheJsonValue) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  bool some_evidence = false;
  for (auto& result : check->report.results) {
    if (result.evidence.empty()) continue;
    some_evidence = true;
    for (const char* id : {"q\"uote", "back\\slash", "tab\t", "caf\xC3\xA9", "caf\xE9 \xC3("}) result.evidence.push_back(id);
  }
  ASSERT_TRUE(some_evidence);
  ReportOptions pseudonymised, everything;
  pseudonymised.pseudonym_key = "a key of sixteen characters at least";
  everything.min_group_size = 1;
  for (const ReportOptions& options : {ReportOptions{}, pseudonymised, everything}) {
    std::ostringstream written;
    write_json_report(check->report, written, options);
    const std::string dumped =
        report_to_json(check->report, options).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    EXPECT_EQ(nlohmann::json::parse(written.str()), nlohmann::json::parse(dumped));
    EXPECT_EQ(written.str(), evidence_on_one_line(dumped));
  }
}

// Ids of a plain pool are copied sixteen bytes at a time: ids of every length from 1 to 40, the
// last of the pool the shortest (its sixteen bytes would run past the pool's end), are written
// whole, each once, as the JSON value has them.
TEST(Escaping, PlainIdsOfEveryLengthAreWrittenWhole) {
  std::string csv = kHeader;
  std::vector<std::string> ids;
  for (int length = 40; length >= 1; --length) {
    std::string id;
    for (int i = 0; i < length; ++i) id += static_cast<char>('a' + (length + i) % 26);
    ids.push_back(id);
    csv += let(id, "Groot", "87654.32", 30);
  }
  auto check = run_check(kRules, csv);
  ASSERT_NE(check, nullptr);
  bool listed = false;
  for (const RuleResult& result : check->report.results) {
    listed = listed || (result.evidence.size() == ids.size() && result.evidence.pool() != nullptr);
  }
  ASSERT_TRUE(listed) << "no result lists every id from the pool";
  std::ostringstream written;
  write_json_report(check->report, written, {});
  const std::string dumped =
      report_to_json(check->report, {}).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  EXPECT_EQ(written.str(), evidence_on_one_line(dumped));
  std::string all_ids = "[";
  for (const std::string& id : ids) all_ids += (all_ids.size() > 1 ? ", \"" : "\"") + id + "\"";
  EXPECT_NE(written.str().find("\"evidence\": " + all_ids + "]"), std::string::npos);
}

// A pool is looked at sixteen bytes at a time for a byte to escape (report_json.cpp,
// all_plain_json): a quote, a backslash or a bidi override (bytes outside ASCII; the override is
// written as an escape) anywhere in a pool of 48 bytes makes its ids escaped.
TEST(Escaping, OneByteToEscapeAnywhereInAPoolIsEscaped) {
  for (const std::string& odd : {std::string("\""), std::string("\\"), std::string("\xE2\x80\xAE")}) {
    for (std::size_t at = 0; at < 48; at += odd.size()) {
      std::string pool;  // eight ids of six letters: bbbbbb, cccccc, ...
      for (char letter = 'b'; letter < 'j'; ++letter) pool += std::string(6, letter);
      pool.replace(at, odd.size(), odd);
      std::string csv = kHeader;
      for (std::size_t id = 0; id < 8; ++id) {
        std::string quoted;  // the id as a quoted CSV field: a quote doubled
        for (const char c : pool.substr(6 * id, 6)) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        csv += "\"" + quoted + "\",Groot,Dordrecht,,,2026-03-01,V" + std::to_string(id) +
               ",sociaal,true,false,612.35,1,87654.32,30,regulier,C\n";
      }
      auto check = run_check(kRules, csv);
      ASSERT_NE(check, nullptr);
      ASSERT_EQ(check->data->report.rows_accepted, 8u);
      ASSERT_TRUE(std::any_of(check->report.results.begin(), check->report.results.end(),
                              [](const RuleResult& result) { return result.evidence.size() == 8; }));
      std::ostringstream written;
      write_json_report(check->report, written, {});
      const std::string dumped =
          report_to_json(check->report, {}).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
      // The same value (an id written unescaped would not even parse), and no bidi override as is.
      ASSERT_EQ(nlohmann::json::parse(written.str()), nlohmann::json::parse(dumped)) << "byte " << at;
      ASSERT_EQ(written.str().find("\xE2\x80\xAE"), std::string::npos) << "byte " << at;
    }
  }
}

TEST(Privacy, PseudonymsAreStableKeyedAndReplaceEveryId) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  ReportOptions a, b;
  a.pseudonym_key = "first key, sixteen characters at least";
  b.pseudonym_key = "second key, sixteen characters at least";
  for (const std::string& format : kFormats) {
    const std::string once = render(check->report, format, a);
    EXPECT_EQ(once, render(check->report, format, a)) << format;
    EXPECT_EQ(once.find("A&lt;0&gt;"), std::string::npos) << format;
    EXPECT_EQ(once.find("A<0>"), std::string::npos) << format;
    EXPECT_EQ(once.find("BAD1"), std::string::npos) << format;
  }
  const auto ja = nlohmann::json::parse(render(check->report, "json", a));
  const auto jb = nlohmann::json::parse(render(check->report, "json", b));
  for (std::size_t i = 0; i < ja["results"].size(); ++i) {
    for (std::size_t k = 0; k < ja["results"][i]["evidence"].size(); ++k) {
      const std::string id = ja["results"][i]["evidence"][k];
      EXPECT_TRUE(std::regex_match(id, std::regex("p-[0-9a-f]{12}"))) << id;
      EXPECT_NE(id, jb["results"][i]["evidence"][k].get<std::string>());
    }
  }
  EXPECT_EQ(pseudonym("A<0>", a.pseudonym_key), pseudonym("A<0>", a.pseudonym_key));
}

TEST(Privacy, HmacSha256MatchesRfc4231) {
  // Test cases 1 and 2 of RFC 4231.
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Case 6: a key longer than a block is hashed first.
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Privacy, PersonalColumnsAreTheHouseholdOnes) {
  EXPECT_TRUE(is_personal_column("allocations", "household_income"));
  EXPECT_TRUE(is_personal_column("allocations", "applicant_age"));
  EXPECT_TRUE(is_personal_column("allocations", "household_size"));
  EXPECT_FALSE(is_personal_column("allocations", "rent"));
  EXPECT_FALSE(is_personal_column("stock", "rent"));
  EXPECT_TRUE(is_id_column("allocation_id"));
  EXPECT_TRUE(is_id_column("dwelling_id"));
  EXPECT_FALSE(is_id_column("corporation"));
}

// ---------------------------------------------------------------------------------------------
// JUnit, Markdown, HTML shape

// A small well-formedness check: balanced tags, quoted attributes, known entities, no '<' or '&'
// loose in text. Enough for what the JUnit writer produces.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  if (xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) != 0) return "no XML declaration";
  i = xml.find("?>") + 2;
  bool root_seen = false;
  while (i < xml.size()) {
    if (xml[i] == '<') {
      const std::size_t end = xml.find('>', i);
      if (end == std::string::npos) return "unclosed tag";
      std::string tag = xml.substr(i + 1, end - i - 1);
      i = end + 1;
      if (tag.empty()) return "empty tag";
      if (tag[0] == '/') {
        if (stack.empty() || stack.back() != tag.substr(1)) return "mismatched </" + tag.substr(1) + ">";
        stack.pop_back();
        continue;
      }
      const bool self = tag.back() == '/';
      if (self) tag.pop_back();
      const std::string name = tag.substr(0, tag.find_first_of(" \n"));
      // Attributes: name="value" with no '<' and only known entities inside.
      const std::regex attribute("\\s+([A-Za-z_:][-A-Za-z0-9_:.]*)=\"([^\"<]*)\"");
      std::string rest = tag.substr(name.size());
      std::string remaining = std::regex_replace(rest, attribute, "");
      if (remaining.find_first_not_of(" \n\t") != std::string::npos) return "bad attributes in <" + name + ">: " + remaining;
      if (stack.empty() && root_seen) return "two root elements";
      root_seen = true;
      if (!self) stack.push_back(name);
      continue;
    }
    if (xml[i] == '&') {
      const std::size_t end = xml.find(';', i);
      const std::string entity = end == std::string::npos ? "" : xml.substr(i, end - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" && entity != "&#39;") {
        return "bad entity at " + std::to_string(i);
      }
    }
    if (stack.empty() && xml[i] != '\n') return "text outside the root";
    ++i;
  }
  return stack.empty() ? "" : "unclosed <" + stack.back() + ">";
}

TEST(Junit, IsWellFormedWithATestCasePerRuleAndGroupAndAFailurePerBreach) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  const std::string xml = render(check->report, "junit", {});
  EXPECT_EQ(xml_problem(xml), "") << xml;
  std::size_t cases = 0, failures = 0;
  for (std::size_t at = xml.find("<testcase "); at != std::string::npos; at = xml.find("<testcase ", at + 1)) ++cases;
  for (std::size_t at = xml.find("<failure "); at != std::string::npos; at = xml.find("<failure ", at + 1)) ++failures;
  EXPECT_EQ(cases, check->report.results.size());
  std::size_t breaches = 0;
  for (const auto& r : check->report.results) breaches += r.status == Status::Breach;
  EXPECT_EQ(failures, breaches);
  EXPECT_NE(xml.find("tests=\"" + std::to_string(cases) + "\" failures=\"" + std::to_string(failures) + "\""),
            std::string::npos);
  // Signals count with fail_on_signal.
  ReportOptions strict;
  strict.fail_on_signal = true;
  const std::string strict_xml = render(check->report, "junit", strict);
  std::size_t strict_failures = 0;
  for (std::size_t at = strict_xml.find("<failure "); at != std::string::npos; at = strict_xml.find("<failure ", at + 1)) {
    ++strict_failures;
  }
  std::size_t signals = 0;
  for (const auto& r : check->report.results) signals += r.status == Status::Signal || r.status == Status::AtRisk;
  EXPECT_EQ(strict_failures, breaches + signals);
}

TEST(Markdown, HasTitleSectionsAndRectangularTables) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  for (const Lang lang : {Lang::Nl, Lang::En}) {
    ReportOptions options;
    options.lang = lang;
    const std::string md = render(check->report, "markdown", options);
    EXPECT_EQ(md.rfind("# ", 0), 0u) << md;
    EXPECT_NE(md.find(lang == Lang::Nl ? "## Aandacht nodig" : "## Needs attention"), std::string::npos) << md;
    EXPECT_NE(md.find(lang == Lang::Nl ? "## Regels" : "## Rules"), std::string::npos) << md;
    // Every table row has as many unescaped pipes as its header.
    std::istringstream lines(md);
    std::size_t columns = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line[0] != '|') {
        columns = 0;
        continue;
      }
      std::size_t pipes = 0;
      for (std::size_t i = 0; i < line.size(); ++i) pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
      if (columns == 0) columns = pipes;
      EXPECT_EQ(pipes, columns) << line;
    }
  }
}

TEST(Html, IsOneDocumentWithTheGridAndAChartPerRule) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  const std::string html = render(check->report, "html", {});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"nl\">", 0), 0u);
  EXPECT_NE(html.find("</html>\n"), std::string::npos);
  EXPECT_NE(html.find("@page{size:A4"), std::string::npos);
  EXPECT_NE(html.find("class=\"grid\""), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"plot\""), std::string::npos);
  EXPECT_NE(html.find("Aandacht nodig"), std::string::npos);
  EXPECT_NE(html.find("Trekker"), std::string::npos);
  ReportOptions en;
  en.lang = Lang::En;
  const std::string english = render(check->report, "html", en);
  EXPECT_NE(english.find("Needs attention"), std::string::npos);
  EXPECT_NE(english.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_EQ(html, render(check->report, "html", {}));  // deterministic
}

TEST(Inputs, AFileReadAsWindows1252SaysSoAndUtf8GoesUnsaid) {
  auto check = run_check(kRules, hostile_lets());
  ASSERT_NE(check, nullptr);
  LoadReport& load = check->report.inputs[0].report;
  EXPECT_EQ(load.encoding, "utf-8");  // the canonical reader: UTF-8, as stated by its defaults
  for (const char* format : {"html", "markdown", "text"}) {
    EXPECT_EQ(render(check->report, format, ReportOptions{}).find("Windows-1252"), std::string::npos) << format;
  }
  const auto json = nlohmann::json::parse(render(check->report, "json", ReportOptions{}));
  EXPECT_EQ(json["inputs"][0]["encoding"], "utf-8");
  EXPECT_EQ(json["inputs"][0]["encoding_detected"], false);

  load.encoding = "windows-1252";
  load.encoding_detected = true;
  ReportOptions english;
  english.lang = Lang::En;
  EXPECT_NE(render(check->report, "html", ReportOptions{}).find(", gelezen als Windows-1252 (herkend)</td>"),
            std::string::npos);
  EXPECT_NE(render(check->report, "html", english).find(", read as Windows-1252 (detected)</td>"), std::string::npos);
  EXPECT_NE(
      render(check->report, "markdown", ReportOptions{}).find("_toewijzingen: gelezen als Windows-1252 (herkend)_"),
      std::string::npos);
  EXPECT_NE(render(check->report, "text", ReportOptions{}).find(" rejected, read as Windows-1252 (detected)\n"),
            std::string::npos);
  load.encoding_detected = false;
  EXPECT_NE(render(check->report, "markdown", english).find("_allocations: read as Windows-1252 (stated)_"),
            std::string::npos);
  const auto stated = nlohmann::json::parse(render(check->report, "json", ReportOptions{}));
  EXPECT_EQ(stated["inputs"][0]["encoding"], "windows-1252");
  EXPECT_EQ(stated["inputs"][0]["encoding_detected"], false);
  // A store's table holds text already: no encoding.
  load.encoding.clear();
  EXPECT_TRUE(nlohmann::json::parse(render(check->report, "json", ReportOptions{}))["inputs"][0]["encoding"].is_null());
}

TEST(Numbers, DutchUsesDecimalCommasAndGroupsAmounts) {
  EXPECT_EQ(report::localise_number("15.00%", Lang::Nl), "15,00%");
  EXPECT_EQ(report::localise_number("\xE2\x82\xAC" "51537.00", Lang::Nl), "\xE2\x82\xAC 51.537,00");
  EXPECT_EQ(report::localise_number("\xE2\x82\xAC" "612.35", Lang::Nl), "\xE2\x82\xAC 612,35");
  EXPECT_EQ(report::localise_number("\xE2\x82\xAC" "1234567.89", Lang::Nl), "\xE2\x82\xAC 1.234.567,89");
  EXPECT_EQ(report::localise_number("15.00%", Lang::En), "15.00%");
  EXPECT_EQ(report::date_text(days_from_civil(2026, 3, 1), Lang::Nl), "01-03-2026");
}

// ---------------------------------------------------------------------------------------------
// History

StoredResult stored(const std::string& rule, const std::string& corporation, Status status, std::int64_t percent) {
  StoredResult r;
  r.rule = rule;
  r.rule_title = "title " + rule;
  r.group_json = "{\"corporation\":\"" + corporation + "\",\"year\":2026}";
  r.group_text = corporation + ", 2026";
  r.status = status;
  r.unit = ValueType::Fraction;
  r.measure = Ratio{percent, 100};
  r.measure_text = std::to_string(percent) + ".00%";
  return r;
}

RunInfo run_info(std::int64_t id, int month) {
  RunInfo run;
  run.id = id;
  run.as_of = days_from_civil(2026, static_cast<unsigned>(month), 1);
  run.recorded_at = "2026-0" + std::to_string(month) + "-01T09:00:00Z";
  return run;
}

TEST(History, MovementsStreaksAndWhatIsGone) {
  const std::vector<RunInfo> runs = {run_info(1, 3), run_info(2, 6), run_info(3, 9)};
  const std::vector<std::vector<StoredResult>> results = {
      {stored("F", "A", Status::Breach, 20), stored("F", "B", Status::Ok, 5), stored("F", "C", Status::Signal, 10),
       stored("F", "D", Status::Breach, 30), stored("F", "E", Status::Signal, 9)},
      {stored("F", "A", Status::Breach, 21), stored("F", "B", Status::Ok, 6), stored("F", "C", Status::Signal, 11),
       stored("F", "D", Status::Breach, 30), stored("F", "E", Status::Signal, 9)},
      {stored("F", "A", Status::Breach, 22), stored("F", "B", Status::Signal, 8), stored("F", "C", Status::Breach, 16),
       stored("F", "D", Status::Signal, 12), stored("F", "F", Status::Breach, 40)},
  };
  const ReportHistory history = build_history(runs, results);
  ASSERT_TRUE(history.current && history.previous);
  EXPECT_EQ(history.current->id, 3);
  EXPECT_EQ(history.previous->id, 2);
  auto key = [](const std::string& corporation) {
    return result_key("F", {GroupField{"corporation", std::nullopt, corporation}, GroupField{"year", 2026, std::nullopt}});
  };
  const ResultHistory& a = history.results.at(key("A"));
  EXPECT_EQ(a.streak, 3u);
  EXPECT_EQ(a.status_since, days_from_civil(2026, 3, 1));
  EXPECT_FALSE(a.movement);
  EXPECT_EQ(a.points.size(), 3u);
  EXPECT_EQ(history.results.at(key("B")).movement, Movement::New);
  EXPECT_EQ(history.results.at(key("C")).movement, Movement::Worse);
  EXPECT_EQ(history.results.at(key("D")).movement, Movement::Better);
  EXPECT_EQ(history.results.at(key("F")).movement, Movement::New);
  EXPECT_EQ(history.results.at(key("F")).streak, 1u);
  ASSERT_EQ(history.changes.size(), 5u);  // B new, C worse, D better, F new, E gone
  EXPECT_EQ(history.changes.back().movement, Movement::Other);
  EXPECT_FALSE(history.changes.back().to);
  EXPECT_EQ(*history.changes.back().from, Status::Signal);
}

TEST(History, ResolvedWhenAProblemBecomesOk) {
  const std::vector<RunInfo> runs = {run_info(1, 3), run_info(2, 6)};
  const std::vector<std::vector<StoredResult>> results = {{stored("F", "A", Status::Breach, 20)},
                                                          {stored("F", "A", Status::Ok, 5)}};
  const ReportHistory history = build_history(runs, results);
  ASSERT_EQ(history.changes.size(), 1u);
  EXPECT_EQ(history.changes[0].movement, Movement::Resolved);
  EXPECT_EQ(history.changes[0].from_measure, "20.00%");
}

}  // namespace
}  // namespace toets
