// A Markdown summary of a check, to paste into meeting minutes: what needs attention (with
// article, owner and since when), what changed since the previous run, the forecasts of the
// deadline rules, and every rule's lights in one line. No record ids: minutes are shared widely;
// the HTML report and JSON hold the evidence. User text is escaped (report_common.hpp) so a title
// cannot break a table or smuggle in markup.

#include <algorithm>
#include <map>

#include "dsl/source/visible_text.hpp"
#include "engine/report/report_common.hpp"

namespace toets {

namespace {

using namespace report;

std::string_view emoji(Status status) {
  switch (light_of(status)) {
    case Light::Green: return "\xF0\x9F\x9F\xA2";   // green circle
    case Light::Orange: return "\xF0\x9F\x9F\xA0";  // orange circle
    case Light::Red: return "\xF0\x9F\x94\xB4";     // red circle
    case Light::Error: return "\xF0\x9F\x9F\xA3";   // purple circle
    case Light::Grey: return "\xE2\x9A\xAA";         // white circle
  }
  return "";
}

std::string light(Status status, Lang lang) {
  return std::string(emoji(status)) + " " + std::string(status_word(status, lang));
}

std::string md(std::string_view text) { return escape_markdown(text); }

class MarkdownWriter {
 public:
  explicit MarkdownWriter(const ReportOptions& options) : options_(options), privacy_(options), lang_(options.lang) {}

  std::string document(const std::vector<ReportSection>& sections) {
    // An incomplete check is the first thing the minutes say.
    std::string out = markdown_incomplete(sections, lang_);
    for (std::size_t i = 0; i < sections.size(); ++i) {
      if (i > 0) out += "\n---\n\n";
      out += section(sections[i]);
    }
    return out;
  }

 private:
  const ResultHistory* history_of(const ReportSection& s, const RuleResult& r) const {
    if (s.history == nullptr) return nullptr;
    const auto found = s.history->results.find(result_key(r.rule->id, r.group));
    return found == s.history->results.end() ? nullptr : &found->second;
  }

  std::string since(const ReportSection& s, const RuleResult& r) const {
    const ResultHistory* h = history_of(s, r);
    if (h == nullptr || !h->status_since) return "\xE2\x80\x93";
    if (s.history->runs.size() <= 1) return std::string(word(lang_, "first_seen"));
    std::string text = date_text(*h->status_since, lang_);
    if (h->streak > 1) text += " (" + std::to_string(h->streak) + " " + std::string(word(lang_, "runs")) + ")";
    if (h->movement) text += ", " + std::string(movement_word(*h->movement, lang_));
    return text;
  }

  std::string group(const std::vector<GroupField>& g) const { return group_label(g, privacy_, lang_); }

  // The title, the date and run, and the count of each status at a glance.
  std::string heading(const ReportSection& s) {
    const CheckReport& report = *s.report;
    const RuleSetInfo& rs = report.ruleset;
    std::string out = "# " + md(std::string(word(lang_, "report"))) + ": " + md(rs.title.empty() ? rs.id : rs.title) + "\n\n";
    std::string meta = std::string(word(lang_, "as_of")) + " " + date_text(report.as_of, lang_);
    if (s.history != nullptr && s.history->current) {
      meta += " \xC2\xB7 " + std::string(word(lang_, "run")) + " " + std::to_string(s.history->current->id) + " (" +
              std::string(word(lang_, "recorded")) + " " + local_time_text(s.history->current->recorded_at, lang_) + ")";
      if (s.history->previous) {
        meta += " \xC2\xB7 " + std::string(word(lang_, "previous_run")) + " " + date_text(s.history->previous->as_of, lang_);
      }
    }
    out += md(meta) + "\n\n";

    // At a glance.
    const auto summary = report.summary();
    std::string glance;
    for (const Status status : {Status::Breach, Status::Signal, Status::AtRisk, Status::Error, Status::OnTrack, Status::Ok,
                                Status::NoData, Status::NotEvaluated}) {
      const auto found = summary.find(status);
      if (found == summary.end() || found->second == 0) continue;
      glance += std::string(glance.empty() ? "" : " \xC2\xB7 ") + std::string(emoji(status)) + " " +
                std::to_string(found->second) + " " + std::string(status_word(status, lang_));
    }
    out += "**" + glance + "**\n\n";
    return out;
  }

  // What could not be checked for want of data, with why: before the verdicts, so that the
  // grey lights of the rules table are not read as passes.
  std::string not_checked_section(const ReportSection& s) {
    const std::vector<const RuleResult*> rows = not_checked(*s.report);
    if (rows.empty()) return "";
    std::string out = "## " + md(word(lang_, "no_data_title")) + "\n\n";
    out += "| " + md(word(lang_, "article")) + " | " + md(word(lang_, "rule")) + " | " + md(word(lang_, "group")) + " | " +
           md(word(lang_, "reason")) + " |\n|---|---|---|---|\n";
    for (std::size_t i = 0; i < rows.size() && i < kShownNotChecked; ++i) {
      const RuleResult& r = *rows[i];
      out += "| " + md(r.rule->id) + " | " + md(r.rule->title) + " | " + md(group(r.group)) + " | " +
             md(not_checked_reason(r, privacy_, lang_)) + " |\n";
    }
    if (rows.size() > kShownNotChecked) {
      out += "\n" + md(fill(word(lang_, "no_data_more"), {{"n", std::to_string(rows.size() - kShownNotChecked)}})) + "\n";
    }
    return out + "\n";
  }

  // Needs attention: a table of the groups to act on, the worst first.
  std::string attention_section(const ReportSection& s) {
    const CheckReport& report = *s.report;
    std::string out;
    std::vector<const RuleResult*> rows;
    for (const auto& r : report.results) {
      if (needs_attention(r)) rows.push_back(&r);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const RuleResult* a, const RuleResult* b) {
      return attention_rank(a->status) < attention_rank(b->status);
    });
    out += "## " + md(word(lang_, "attention")) + "\n\n";
    if (rows.empty()) {
      // Nothing found in data that could not all be read is no all-clear.
      out += (report.is_incomplete() ? "**" + md(word(lang_, "no_verdict")) + "**" : md(word(lang_, "no_attention"))) +
             "\n\n";
    } else {
      out += "| " + md(word(lang_, "status")) + " | " + md(word(lang_, "article")) + " | " + md(word(lang_, "rule")) + " | " +
             md(word(lang_, "group")) + " | " + md(word(lang_, "measured")) + " | " + md(word(lang_, "norm")) + " | " +
             md(word(lang_, "owner")) + " | " + md(word(lang_, "since")) + " |\n";
      out += "|---|---|---|---|---|---|---|---|\n";
      for (const AttentionRow& row : attention_rows(report, rows)) {
        const RuleResult* r = row.result;
        std::string title = r->rule->title;
        if (const std::string also = also_text(row, lang_); !also.empty()) title += " " + also;
        std::string grp = group(r->group);
        if (privacy_.indicative(*r)) grp += " (" + std::string(word(lang_, "indicative")) + ")";
        out += "| " + md(light(r->status, lang_)) + " | " + md(r->rule->id) + " | " + md(title) + " | " + md(grp) +
               " | " + md(measure_text(*r, privacy_, lang_)) + " | " + md(norm_text(*r, lang_)) + " | " +
               md(r->rule->owner.empty() ? "\xE2\x80\x93" : r->rule->owner) + " | " + md(since(s, *r)) + " |\n";
      }
      out += "\n";
    }
    return out;
  }

  // Changes since the previous run (only with a store's history).
  std::string changes_section(const ReportSection& s) {
    std::string out;
    if (s.history != nullptr && s.history->current) {
      out += "## " + md(word(lang_, "changes"));
      if (s.history->previous) out += " (" + md(date_text(s.history->previous->as_of, lang_)) + ")";
      out += "\n\n";
      if (!s.history->previous) {
        out += md(word(lang_, "no_previous_run")) + "\n\n";
      } else if (s.history->changes.empty()) {
        out += md(word(lang_, "no_changes")) + "\n\n";
      } else {
        for (const auto& c : s.history->changes) {
          const std::string from = c.from ? light(*c.from, lang_) : std::string(word(lang_, "new_group"));
          const std::string to = c.to ? light(*c.to, lang_) : std::string(word(lang_, "gone"));
          std::string line = "- **" + md(movement_word(c.movement, lang_)) + "**: " + md(c.rule) + " " + md(c.rule_title) + ", " +
                             md(group(c.group)) + ": " + md(from) + " \xE2\x86\x92 " + md(to);
          if (!c.from_measure.empty() || !c.to_measure.empty()) {
            line += " (" + md(localise_number(c.from_measure.empty() ? "\xE2\x80\x93" : c.from_measure, lang_)) +
                    " \xE2\x86\x92 " + md(localise_number(c.to_measure.empty() ? "\xE2\x80\x93" : c.to_measure, lang_)) + ")";
          }
          out += line + "\n";
        }
        out += "\n";
      }
    }
    return out;
  }

  // Forecasts: the deadline groups with a projection.
  std::string forecasts_section(const ReportSection& s) {
    const CheckReport& report = *s.report;
    std::string out;
    std::string forecasts;
    for (const auto& r : report.results) {
      if (!r.projection || !r.rule->target) continue;
      forecasts += "| " + md(r.rule->id) + " | " + md(group(r.group)) + " | " + md(light(r.status, lang_)) + " | " +
                   md(measure_text(r, privacy_, lang_)) + " | " + md(norm_text(r, lang_)) + " | " +
                   md(forecast_sentence(r, lang_)) + " |\n";
    }
    if (!forecasts.empty()) {
      out += "## " + md(word(lang_, "forecast")) + "\n\n";
      out += "| " + md(word(lang_, "article")) + " | " + md(word(lang_, "group")) + " | " + md(word(lang_, "status")) + " | " +
             md(word(lang_, "measured")) + " | " + md(word(lang_, "norm")) + " | " + md(word(lang_, "forecast")) + " |\n";
      out += "|---|---|---|---|---|---|\n" + forecasts + "\n";
    }
    return out;
  }

  // Every rule in one line, its groups' lights after it.
  std::string rules_section(const ReportSection& s) {
    const CheckReport& report = *s.report;
    std::string out;
    out += "## " + md(word(lang_, "rules")) + "\n\n";
    out += "| " + md(word(lang_, "article")) + " | " + md(word(lang_, "rule")) + " | " + md(word(lang_, "owner")) + " | " +
           md(word(lang_, "status")) + " |\n|---|---|---|---|\n";
    std::vector<const CompiledRule*> order;
    std::map<const CompiledRule*, std::vector<const RuleResult*>> by_rule;
    for (const auto& r : report.results) {
      if (by_rule.find(r.rule) == by_rule.end()) order.push_back(r.rule);
      by_rule[r.rule].push_back(&r);
    }
    for (const CompiledRule* rule : order) {
      std::string lights;
      for (const RuleResult* r : by_rule[rule]) {
        lights += std::string(lights.empty() ? "" : " \xC2\xB7 ") + std::string(emoji(r->status)) + " " + group(r->group);
      }
      out += "| " + md(rule->id) + " | " + md(rule->title) + " | " + md(rule->owner.empty() ? "\xE2\x80\x93" : rule->owner) +
             " | " + md(lights) + " |\n";
    }
    out += "\n";
    return out;
  }

  // The rejected rows, the encodings read, and what the report withholds.
  std::string closing_notes(const ReportSection& s) {
    const CheckReport& report = *s.report;
    std::string out;
    std::uint64_t rejected = 0;
    for (const auto& input : report.inputs) rejected += input.report.rows_rejected;
    if (rejected > 0) {
      out += "_" + md(std::to_string(rejected) + " " + std::string(word(lang_, "rejected"))) + "_\n\n";
      std::string groups;
      for (const auto& input : report.inputs) groups += markdown_rejection_groups(input.report, privacy_, lang_);
      if (!groups.empty()) out += groups + "\n";
    }
    for (const auto& input : report.inputs) {
      const std::string encoding = encoding_text(input.report, lang_);
      if (!encoding.empty()) out += "_" + md(dataset_word(input.report.dataset, lang_) + ": " + encoding) + "_\n\n";
    }
    out += "_" + md(word(lang_, "privacy_text")) + "_\n";
    return out;
  }

  std::string section(const ReportSection& s) {
    return heading(s) + not_checked_section(s) + attention_section(s) + changes_section(s) + forecasts_section(s) + rules_section(s) +
           closing_notes(s);
  }

  const ReportOptions& options_;
  Privacy privacy_;
  Lang lang_;
};

}  // namespace

void write_markdown_report(const std::vector<ReportSection>& sections, std::ostream& out, const ReportOptions& options) {
  MarkdownWriter writer(options);
  // Values are escaped where they are written (escape_markdown); the whole text once more, so that
  // nothing a name holds reaches a terminal that shows the file (dsl/source/visible_text.hpp).
  out << visible_lines(writer.document(sections));
}

}  // namespace toets
