#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <streambuf>
#include <string>

#include "dsl/source/calendar.hpp"
#include "dsl/source/visible_text.hpp"
#include "engine/report/privacy.hpp"
#include "engine/report/report.hpp"
#include "engine/report/report_common.hpp"
#include "engine/base/text_table.hpp"

namespace toets {

namespace {

std::string pad(const std::string& text, std::size_t width) {
  // Width in characters, not bytes (the euro sign is three bytes).
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  // A cell wider than its column (capped at 40) still keeps two spaces before the next one.
  return chars + 2 > width ? text + "  " : text + std::string(width - chars, ' ');
}

// A cell of the results table wider than this many columns (a long name, a threshold from a
// parameter table) continues below, in its column (engine/base/text_table.hpp).
constexpr std::size_t kMaxCellWidth = 40;

// A line of the results table, before it is laid out.
struct ResultLine {
  std::string rule, group, status, measure, threshold, records;
};

TextRows table_rows(const std::vector<ResultLine>& lines) {
  TextRows rows;
  rows.reserve(lines.size());
  for (const ResultLine& line : lines) {
    rows.push_back({line.rule, line.group, line.status, line.measure, line.threshold, line.records});
  }
  return rows;
}

std::string threshold_text(const RuleResult& result) {
  if (result.rule->target) {
    const Target& t = *result.rule->target;
    return std::string(compare_op_text(t.op)) + " " + format_value(t.value, result.rule->measure.unit) + " by " +
           format_date(t.deadline);
  }
  if (!result.threshold) return "";
  // A narrowed override is one value for the group: shown as a constant (the details say whose).
  if (result.threshold->ref != ThresholdRef::Constant && result.threshold->ref != ThresholdRef::Narrowed) {
    // "breach < baseline (42 at 2021-01-01)"
    std::string text = result.threshold->text;
    if (text.rfind("measure ", 0) == 0) text = text.substr(8);
    return std::string(status_name(result.threshold->status)) + " " + text;
  }
  return std::string(status_name(result.threshold->status)) + " " + std::string(compare_op_text(result.threshold->op)) +
         " " + format_value(result.threshold->value, result.rule->measure.unit);
}

std::string measure_text(const RuleResult& result, const Privacy& privacy) {
  if (!result.measure) return "-";
  if (privacy.measure_withheld(result)) return std::string(kWithheld);
  std::string text = format_value(*result.measure, result.rule->measure.unit);
  if (result.numerator && result.denominator) {
    text += " (" + std::to_string(*result.numerator) + "/" + std::to_string(*result.denominator) + ")";
  }
  return text;
}

// A group's evidence line, `label` (N): the first ids, then how many more are in the JSON report.
void write_listed_evidence(std::ostream& out, const Privacy& privacy, const RuleResult& result, std::string_view label,
                           Lang lang) {
  const std::vector<std::string> evidence = privacy.evidence(result, kTextIdsListed);
  const std::size_t total = result.evidence.size();
  out << "    " << label << " (" << total << "): ";
  for (std::size_t i = 0; i < evidence.size(); ++i) out << (i > 0 ? ", " : "") << visible(evidence[i]);
  if (total > evidence.size()) {
    out << ", ... (" << report::fill(report::word(lang, "text_more_records"), {{"n", std::to_string(total - evidence.size())}})
        << ")";
  }
  out << "\n";
}

}  // namespace

namespace {

// The worded report's heading (the rule set, the date, whether the check is complete) and what each
// input file gave.
void write_worded_heading_and_inputs(const CheckReport& report, const Privacy& privacy, std::ostream& out, Lang lang) {
  using report::word;
  const RuleSetInfo& rs = report.ruleset;
  auto w = [&](std::string_view key) { return std::string(word(lang, key)); };
  out << w("text_title") << ": " << (rs.title.empty() ? rs.id : rs.title) << " (" << rs.id << ")\n";
  out << "  " << w("text_rules") << " " << visible(rs.file) << ", " << w("text_as_of") << " " << report::date_text(report.as_of, lang);
  if (rs.valid_from && rs.valid_to) {
    out << ", " << report::fill(word(lang, "text_valid"), {{"from", report::date_text(*rs.valid_from, lang)},
                                                           {"to", report::date_text(*rs.valid_to, lang)}});
  }
  out << "\n";
  if (!rs.source.empty()) out << "  " << w("text_source") << ": " << rs.source << "\n";
  out << report::incomplete_text_block(report, lang);

  out << "\n" << w("inputs") << "\n";
  for (const auto& input : report.inputs) {
    const LoadReport& r = input.report;
    out << "  " << pad(report::dataset_word(r.dataset, lang), 16) << visible(r.file) << ": " << r.rows_read << " " << w("rows") << ", " << r.rows_accepted
        << " " << w("accepted") << ", " << r.rows_rejected << " " << w("rejected");
    if (const std::string encoding = report::encoding_text(r, lang); !encoding.empty()) out << ", " << encoding;
    out << (input.used ? "" : " (" + w("text_unused") + ")") << "\n";
    out << report::rejection_groups_text(r, privacy, 10, "  ", lang);
    for (const auto& note : r.notes) out << "     " << w("text_note") << ": " << visible(report::message_text(note, lang)) << "\n";
  }
  for (const auto& note : report.notes) out << "  " << w("text_note") << ": " << visible(report::message_text(note, lang)) << "\n";
}

// What could not be checked for want of data, with why, before any verdict: a grey no_data in
// the table is otherwise read as a pass. `group_text` names a result's group as the table does.
template <typename GroupText>
void write_not_checked(const CheckReport& report, const Privacy& privacy, std::ostream& out, Lang lang,
                       GroupText group_text) {
  const std::vector<const RuleResult*> rows = report::not_checked(report);
  if (rows.empty()) return;
  out << "\n" << report::word(lang, "no_data_title") << "\n";
  for (std::size_t i = 0; i < rows.size() && i < report::kShownNotChecked; ++i) {
    out << "  " << rows[i]->rule->id << "  " << group_text(*rows[i]) << ": "
        << visible(report::not_checked_reason(*rows[i], privacy, lang)) << "\n";
  }
  if (rows.size() > report::kShownNotChecked) {
    out << "  ... "
        << report::fill(report::word(lang, "no_data_more"), {{"n", std::to_string(rows.size() - report::kShownNotChecked)}})
        << "\n";
  }
}

// The worded report's forecasts: every deadline group with a projection, on track or not.
void write_worded_forecasts(const CheckReport& report, const Privacy& privacy, std::ostream& out, Lang lang) {
  auto w = [&](std::string_view key) { return std::string(report::word(lang, key)); };
  bool forecast_header = false;
  for (const auto& result : report.results) {
    if (!result.projection || !result.rule->target) continue;
    if (!forecast_header) {
      out << "\n" << w("text_forecasts") << "\n";
      forecast_header = true;
    }
    out << "  " << result.rule->id << "  " << report::group_label(result.group, privacy, lang) << ": "
        << report::status_word(result.status, lang) << "; " << report::forecast_sentence(result, lang) << " ("
        << report::norm_text(result, lang) << ")\n";
  }
}

// The text report in a language asked for (--lang): the same layout, in the words of the word
// table (report_common.cpp), with norms stated as norms and remedies about the records.
void write_worded_text_report(const CheckReport& report, std::ostream& out, const ReportOptions& options, Lang lang) {
  using report::word;
  const Privacy privacy(options);
  auto w = [&](std::string_view key) { return std::string(word(lang, key)); };
  write_worded_heading_and_inputs(report, privacy, out, lang);
  write_not_checked(report, privacy, out, lang,
                    [&](const RuleResult& r) { return report::group_label(r.group, privacy, lang); });

  std::vector<ResultLine> lines;
  lines.push_back({w("text_col_rule"), w("text_col_group"), w("text_col_status"), w("text_col_measure"),
                   w("text_col_norm"), w("text_col_records")});
  for (const auto& result : report.results) {
    ResultLine line;
    line.rule = result.rule->id;
    line.group = report::group_label(result.group, privacy, lang) + (result.outside_validity ? " *" : "") +
                 (privacy.indicative(result) ? " ~" : "");
    line.status = std::string(report::status_word(result.status, lang));
    line.measure = report::measure_text(result, privacy, lang);
    line.threshold = result.threshold || result.rule->target ? report::norm_text(result, lang) : "";
    line.records = result.status == Status::NotEvaluated || result.status == Status::Error ? ""
                                                                                          : std::to_string(result.records);
    lines.push_back(std::move(line));
  }
  out << "\n" << w("text_results") << "\n" << text_table(table_rows(lines), kMaxCellWidth);
  if (std::any_of(report.results.begin(), report.results.end(), [](const RuleResult& r) { return r.outside_validity; })) {
    out << "  * " << w("text_outside") << "\n";
  }
  if (std::any_of(report.results.begin(), report.results.end(),
                  [&](const RuleResult& r) { return privacy.indicative(r); })) {
    out << "  ~ " << report::fill(word(lang, "text_indicative"), {{"n", std::to_string(options.min_group_size)}}) << "\n";
  }

  // Needs attention: a local rule that restates a national one is one finding (report_common.hpp).
  std::vector<const RuleResult*> attention;
  for (const auto& result : report.results) {
    if (report::needs_attention(result)) {
      attention.push_back(&result);
    }
  }
  if (!attention.empty()) out << "\n" << w("attention") << "\n";
  for (const report::AttentionRow& row : report::attention_rows(report, attention)) {
    const RuleResult& result = *row.result;
    const CompiledRule& rule = *result.rule;
    out << "  " << rule.id << " " << rule.title;
    if (const std::string also = report::also_text(row, lang); !also.empty()) out << " " << also;
    std::string trace;
    if (!rule.source.empty()) trace = rule.source;
    if (!rule.owner.empty()) trace += (trace.empty() ? "" : "; ") + w("text_owner") + ": " + rule.owner;
    if (!trace.empty()) out << " (" << trace << ")";
    out << "\n    " << report::group_label(result.group, privacy, lang) << ": " << report::status_word(result.status, lang);
    if (result.measure) out << ", " << w("text_measured") << " " << report::measure_text(result, privacy, lang);
    if (result.threshold || rule.target) out << ", " << report::norm_text(result, lang);
    out << "\n";
    if (const std::string forecast = report::forecast_sentence(result, lang); !forecast.empty()) {
      out << "    " << w("forecast") << ": " << forecast << "\n";
    }
    if (result.exempt > 0) {
      out << "    " << w("exempt") << " (" << report::column_word(rule.exempt_text, lang) << "): " << result.exempt;
      if (result.exempt_matching > 0) out << ", " << w("of_which") << " " << result.exempt_matching << " " << w("meet_measure");
      out << "\n";
    }
    if (const std::string remedy = report::remedy_sentence(result, lang); !remedy.empty()) {
      out << "    " << w("remedy") << ": " << remedy << "\n";
    }
    if (!result.note.empty()) out << "    " << note_text(privacy.note(result.note), lang) << "\n";
    if (privacy.evidence_withheld(result)) {
      out << "    " << w("evidence") << " (" << result.evidence.size() << "): " << w("not_shown") << " ("
          << privacy.withheld_reason(result, lang == Lang::Nl) << ")\n";
    } else if (!result.evidence.empty()) {
      write_listed_evidence(out, privacy, result, w("evidence"), lang);
    }
  }

  write_worded_forecasts(report, privacy, out, lang);

  out << "\n" << w("summary") << ": ";
  bool first = true;
  for (const auto& [status, count] : report.summary()) {
    out << (first ? "" : ", ") << count << " " << report::status_word(status, lang);
    first = false;
  }
  out << "\n";
}

// The English table's heading (the rule set, the date, whether the check is complete) and what
// each input file gave.
void write_heading_and_inputs(const CheckReport& report, const Privacy& privacy, std::ostream& out) {
  const RuleSetInfo& rs = report.ruleset;
  out << "Toets check: " << (rs.title.empty() ? rs.id : rs.title) << " (" << rs.id << ")\n";
  out << "  rules " << visible(rs.file) << ", as of " << format_date(report.as_of);
  if (rs.valid_from && rs.valid_to) {
    out << ", valid " << format_date(*rs.valid_from) << " to " << format_date(*rs.valid_to);
  }
  out << "\n";
  if (!rs.source.empty()) out << "  source: " << rs.source << "\n";
  // An incomplete check says so before anything else it has to say.
  out << report::incomplete_text_block(report);

  out << "\nInputs\n";
  for (const auto& input : report.inputs) {
    const LoadReport& r = input.report;
    out << "  " << pad(r.dataset, 12) << visible(r.file) << ": " << r.rows_read << " rows read, " << r.rows_accepted
        << " accepted, " << r.rows_rejected << " rejected";
    // UTF-8 is the norm and goes unsaid; a file read as Windows-1252 says so, and why.
    if (r.encoding == "windows-1252") {
      out << ", read as Windows-1252 (" << (r.encoding_detected ? "detected" : "stated") << ")";
    }
    out << (input.used ? "" : " (no rule reads this data; ignored)") << "\n";
    // Rows rejected for the same column, reason and value are one group, with the fix.
    out << report::rejection_groups_text(r, privacy, 10, "  ");
    for (const auto& note : r.notes) out << "     note: " << visible(note) << "\n";
  }
  for (const auto& note : report.notes) out << "  note: " << visible(note) << "\n";
}

// Forecasts: every deadline group with a projection, on track or not.
void write_forecasts(const CheckReport& report, const Privacy& privacy, std::ostream& out) {
  bool forecast_header = false;
  for (const auto& result : report.results) {
    if (!result.projection || !result.rule->target) continue;
    if (!forecast_header) {
      out << "\nForecasts (deadline rules: straight line through the snapshots)\n";
      forecast_header = true;
    }
    const Projection& p = *result.projection;
    const Target& t = *result.rule->target;
    char buffer[200];
    std::snprintf(buffer, sizeof buffer, "achieved %+.1f a year, needed %+.1f a year, projected %.1f at %s",
                  p.rate_per_year, p.needed_per_year, p.value_at_deadline, format_date(t.deadline).c_str());
    out << "  " << result.rule->id << "  " << visible(format_group(privacy.group(result.group))) << ": "
        << status_name(result.status) << "; " << buffer << " (target " << compare_op_text(t.op) << " "
        << format_value(t.value, result.rule->measure.unit) << ", " << p.points << " snapshot"
        << (p.points == 1 ? "" : "s") << ")\n";
  }
}

void write_report_text(const CheckReport& report, std::ostream& out, const ReportOptions& options) {
  // Without a language asked for: the English table that scripts read, unchanged.
  if (options.text_lang) return write_worded_text_report(report, out, options, *options.text_lang);
  const Privacy privacy(options);
  write_heading_and_inputs(report, privacy, out);
  write_not_checked(report, privacy, out, Lang::En,
                    [&](const RuleResult& r) { return visible(format_group(privacy.group(r.group))); });

  // The table: one line per rule and group.
  std::vector<ResultLine> lines;
  lines.push_back({"RULE", "GROUP", "STATUS", "MEASURE", "THRESHOLD", "RECORDS"});
  for (const auto& result : report.results) {
    ResultLine line;
    line.rule = result.rule->id;
    line.group = format_group(privacy.group(result.group)) + (result.outside_validity ? " *" : "") +
                 (privacy.indicative(result) ? " ~" : "");
    line.status = std::string(status_name(result.status));
    line.measure = measure_text(result, privacy);
    line.threshold = threshold_text(result);
    line.records = result.status == Status::NotEvaluated || result.status == Status::Error ? ""
                                                                                          : std::to_string(result.records);
    lines.push_back(std::move(line));
  }
  out << "\nResults\n" << text_table(table_rows(lines), kMaxCellWidth);
  if (std::any_of(report.results.begin(), report.results.end(), [](const RuleResult& r) { return r.outside_validity; })) {
    out << "  * outside the rule's period: reported, but it decides neither the exit status nor what needs attention\n";
  }
  if (std::any_of(report.results.begin(), report.results.end(),
                  [&](const RuleResult& r) { return privacy.indicative(r); })) {
    out << "  ~ indicative: fewer than " << options.min_group_size << " records; no records listed\n";
  }

  // Details: what needs attention, traceable to article, owner and records.
  bool header = false;
  for (const auto& result : report.results) {
    // What could not be checked was said first (write_not_checked).
    const bool attention = report::needs_attention(result);
    if (!attention) continue;
    if (!header) {
      out << "\nNeeds attention\n";
      header = true;
    }
    const CompiledRule& rule = *result.rule;
    out << "  " << rule.id << " " << rule.title;
    std::string trace;
    if (!rule.source.empty()) trace = rule.source;
    if (!rule.owner.empty()) trace += (trace.empty() ? "" : "; ") + std::string("trekker: ") + rule.owner;
    if (!trace.empty()) out << " (" << trace << ")";
    out << "\n    " << visible(format_group(privacy.group(result.group))) << ": " << status_name(result.status);
    if (result.measure) out << ", measured " << measure_text(result, privacy);
    if (const std::string t = threshold_text(result); !t.empty()) out << ", " << t;
    out << "\n";
    if (result.projection) {
      const Projection& p = *result.projection;
      char buffer[160];
      std::snprintf(buffer, sizeof buffer, "projected %.1f at the deadline (%u snapshots); trend %+.1f a year, needed %+.1f a year",
                    p.value_at_deadline, p.points, p.rate_per_year, p.needed_per_year);
      out << "    " << buffer << "\n";
    }
    if (result.exempt > 0) {
      out << "    exempt (" << rule.exempt_text << "): " << result.exempt << " records";
      if (result.exempt_matching > 0) out << ", of which " << result.exempt_matching << " meet the measure";
      out << "\n";
    }
    if (const std::string remedy = remedy_summary(result); !remedy.empty()) out << "    remedy: " << remedy << "\n";
    if (!result.note.empty()) out << "    " << note_text(privacy.note(result.note), Lang::En) << "\n";
    if (privacy.evidence_withheld(result)) {
      out << "    records (" << result.evidence.size() << "): not listed (" << privacy.withheld_reason(result, false)
          << ")\n";
    } else if (!result.evidence.empty()) {
      write_listed_evidence(out, privacy, result, "records", Lang::En);
    }
  }

  write_forecasts(report, privacy, out);

  out << "\nSummary: ";
  bool first = true;
  for (const auto& [status, count] : report.summary()) {
    out << (first ? "" : ", ") << count << " " << status_name(status);
    first = false;
  }
  out << "\n";
}

}  // namespace

namespace {

// Passes what is written through visible_lines() to `target` a block of whole lines at a time, so
// that a report of a thousand rules is not held whole (and twice) in memory. A line break is ASCII
// and visible_lines() keeps it: text cut after one never cuts a character.
class VisibleLinesBuffer : public std::streambuf {
 public:
  explicit VisibleLinesBuffer(std::ostream& target) : target_(target) {}
  VisibleLinesBuffer(const VisibleLinesBuffer&) = delete;
  VisibleLinesBuffer& operator=(const VisibleLinesBuffer&) = delete;
  ~VisibleLinesBuffer() override = default;

  // Writes what is left, the last line too.
  void finish() {
    target_ << visible_lines(pending_);
    pending_.clear();
  }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    pending_.push_back(traits_type::to_char_type(c));
    if (c == '\n') pass_lines();
    return c;
  }
  std::streamsize xsputn(const char* text, std::streamsize size) override {
    pending_.append(text, static_cast<std::size_t>(size));
    pass_lines();
    return size;
  }

 private:
  static constexpr std::size_t kBlock = 64 * 1024;
  void pass_lines() {
    if (pending_.size() < kBlock) return;
    const std::size_t end = pending_.rfind('\n');
    if (end == std::string::npos) return;
    target_ << visible_lines(std::string_view(pending_).substr(0, end + 1));
    pending_.erase(0, end + 1);
  }

  std::ostream& target_;
  std::string pending_;
};

}  // namespace

void write_text_report(const CheckReport& report, std::ostream& out, const ReportOptions& options) {
  // Values are shown with visible() where they are written, so a line break in a name cannot
  // break a line; the whole text passes visible_lines() too, so that no control or bidi
  // character in anything written reaches the terminal.
  VisibleLinesBuffer visible(out);
  std::ostream text(&visible);
  write_report_text(report, text, options);
  visible.finish();
}

}  // namespace toets
