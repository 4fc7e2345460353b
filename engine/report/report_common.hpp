#pragma once
// What the HTML, Markdown and JUnit writers share: the words of both report languages, the
// colour of a status, numbers as a Dutch or English reader writes them, the remedy as a sentence,
// and escaping for HTML/XML and Markdown. Internal to the report writers (engine/report_*.cpp).

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/report/privacy.hpp"
#include "engine/report/rejection_groups.hpp"
#include "engine/words/reason_text.hpp"
#include "engine/report/report.hpp"
#include "engine/words/words.hpp"

namespace toets::report {

// The traffic light of a status.
enum class Light : std::uint8_t { Green, Orange, Red, Grey, Error };
Light light_of(Status status);
std::string_view light_class(Light light);  // "green", "orange", "red", "grey", "error"

// Statuses in order of how much they need attention (breach first).
int attention_rank(Status status);
bool needs_attention(Status status);  // signal, breach, at_risk, error
// The same, for a result inside its rule's period (one outside it decides nothing).
bool needs_attention(const RuleResult& result);
// The results inside their rule's period that could not be checked for want of data: no_data (no
// records to measure) and not_evaluated (the data not given), in report order. Each report lists
// them, with why, before its verdicts, so that a grey light is never read as a pass. Reports list
// the first kShownNotChecked and count the rest.
std::vector<const RuleResult*> not_checked(const CheckReport& report);
inline constexpr std::size_t kShownNotChecked = 30;
// Why a result was not checked, in words: its note, or that none was recorded.
std::string not_checked_reason(const RuleResult& result, const Privacy& privacy, Lang lang);

// Words of a report language (the word table and the rest: words.hpp).
std::string_view status_word(Status status, Lang lang);  // "overschreden" / "breach", ...
std::string_view movement_word(Movement movement, Lang lang);

// Numbers for readers (localise_number and date_text: words.hpp).
std::string value_text(const Ratio& value, ValueType unit, Lang lang);
double to_unit_double(const Ratio& value, ValueType unit);  // shares in %, money in euros
std::string number_text(double value, int decimals, Lang lang);

// The measure as shown (with k/n for shares), or a dash; withheld values say so.
std::string measure_text(const RuleResult& result, const Privacy& privacy, Lang lang);
// "> 15,00%", "<= 0 uiterlijk 31-12-2028", "< 1210 (baseline 2021-01-01)".
std::string norm_text(const RuleResult& result, Lang lang);
// All thresholds of a rule as the rule states them: "signaal > 7,50% · norm > 15,00%".
std::string rule_norms_text(const CompiledRule& rule, Lang lang);
// The words of a norm: the condition a threshold is crossed on, turned round ("> 15%" keeps
// "hoogstens" / "at most" 15%), and a target's own condition ("<= 0 by" is "at most 0 by").
std::string_view norm_words(CompareOp breach_when, Lang lang);
std::string_view kept_words(CompareOp kept, Lang lang);
// What a rule's dataset holds, for people: "toewijzing(en)" / "let(s)", "woning(en)" / "dwelling(s)".
std::string_view dataset_record_word(const CompiledRule& rule, bool plural, Lang lang);
// The remedy as a sentence about the records, or "".
std::string remedy_sentence(const RuleResult& result, Lang lang);
// A row of a needs-attention list: a result, and the results that are the same finding (a national
// and a local rule: the same dataset, group and measure, the same records behind it), shown as
// one finding "(ook Woningwet-48)", not two. The one that needs more attention leads; a folded
// result whose light differs says its status: "(ook 1.1.12: signaal)".
struct AttentionRow {
  const RuleResult* result = nullptr;
  std::vector<const RuleResult*> also;
};
// `rows` (in the order to show them) with each national-and-local pair folded into one row.
std::vector<AttentionRow> attention_rows(const CheckReport& report, const std::vector<const RuleResult*>& rows);
// "(ook Woningwet-48)" / "(also Woningwet-48)", "(ook 1.1.12: signaal)", or "".
std::string also_text(const AttentionRow& row, Lang lang);
// ": signaal" when a folded result's light differs from the row's, else "".
std::string also_status(const AttentionRow& row, const RuleResult& also, Lang lang);
// A time the store recorded in UTC ("2026-11-23T10:15:02Z") as Dutch local time, labelled:
// "23-11-2026 11:15 Nederlandse tijd (CET)" / "2026-11-23 11:15 Amsterdam time (CET)". Computed
// from the string with the EU summer-time rule, never from the machine's time zone.
std::string local_time_text(const std::string& utc, Lang lang);
// The same instant as RFC 3339 in Europe/Amsterdam, for tools: "2026-11-23T11:15:02+01:00"; "" when
// `utc` is not such a time.
std::string local_time_iso(const std::string& utc);
// How a result's value moved since the previous run, and whether that is better or worse by the
// direction of its norm: +1 rose, -1 fell, 0 the same or unknown; `better` is nullopt when the
// norm has no direction (= or !=).
struct ValueChange {
  int direction = 0;
  std::optional<bool> better;
};
ValueChange value_change(const RuleResult& result, const std::optional<Ratio>& previous);
// "gestegen, slechter" / "rose, worse"; "" when nothing moved.
std::string value_change_words(const ValueChange& change, Lang lang);
// The projection as a sentence, or "".
std::string forecast_sentence(const RuleResult& result, Lang lang);

// Text with bytes that are not well-formed UTF-8 replaced by U+FFFD, and control characters
// other than tab and line feed, and bidi controls, shown as escapes (\x1b, \u202e).
std::string sanitize_text(std::string_view text);
// HTML text and attribute values (also valid XML): & < > " ' escaped; bytes that are not
// well-formed UTF-8 become U+FFFD, control and bidi characters escapes as in sanitize_text.
std::string escape_xml(std::string_view text);
// Markdown inline text: HTML-significant and Markdown-significant characters escaped, line
// breaks flattened, so a hostile title stays one cell of one table row.
std::string escape_markdown(std::string_view text);

// How an input's text was read, when that is worth saying: "read as Windows-1252 (detected)"
// ("gelezen als Windows-1252 (herkend)"); "" for UTF-8, the norm, and for a store's table.
std::string encoding_text(const LoadReport& report, Lang lang);
// The group label: "Trivire, 2026", or the word for "all" when the rule has no grouping.
std::string group_label(const std::vector<GroupField>& group, const Privacy& privacy, Lang lang);

// ---------------------------------------------------------------------------------------------
// Incomplete checks and rejected rows (report_incomplete.cpp)

// "27 rows (12, 15, 19, ...), segment 'Sociale huur': unknown segment ..."; one row: "line 12, ...".
std::string rejection_group_text(const RejectionGroup& group, Lang lang);
// The group's fix as a sentence ("add `Sociale huur = sociaal` under `[values segment]` in the
// mapping"), or "".
std::string rejection_fix_text(const RejectionGroup& group, Lang lang);
// The file, or for an import from the store "FILE (import 4, 2026-11-23T07:00:00Z)".
std::string rejection_source_label(const RejectionSource& source, Lang lang);
// Text report: per source of rejected rows a "!! N rows ... were rejected" line and its groups
// (at most `max_groups`, then how many more), each line starting with `indent`.
std::string rejection_groups_text(const LoadReport& load, const Privacy& privacy, std::size_t max_groups,
                                  std::string_view indent, Lang lang = Lang::En);
// Text report: the notice that opens an incomplete report, or "".
std::string incomplete_text_block(const CheckReport& report, Lang lang = Lang::En);
// HTML: the banner that opens the document when any section is incomplete (a named region with
// a heading, id "incomplete"), or ""; the line that stands where the all-clear would; the style
// both need; an input's rejected rows in groups, as table rows.
std::string html_incomplete_banner(const std::vector<ReportSection>& sections, Lang lang);
std::string html_no_verdict(Lang lang);
std::string_view incomplete_css();
std::string html_rejection_groups(const LoadReport& load, const Privacy& privacy, Lang lang, bool open);
// Markdown: the document's first paragraph (and a list) when any section is incomplete, or "";
// an input's rejected rows in groups, as list items, without record ids.
std::string markdown_incomplete(const std::vector<ReportSection>& sections, Lang lang);
std::string markdown_rejection_groups(const LoadReport& load, const Privacy& privacy, Lang lang);

}  // namespace toets::report
