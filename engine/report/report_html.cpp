// The traffic-light report ("stoplichtrapportage"): one self-contained HTML file for a monitoring
// meeting. No scripts, no fonts, no images from anywhere: it opens from a mail attachment and
// prints on A4. Charts are inline SVG; the drill-down to the evidence is <details>, which needs
// no script. Every user-supplied text (titles, sources, owners, group values, ids, messages)
// goes through escape_xml; anchors are made from positions, never from user text.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "dsl/source/calendar.hpp"
#include "dsl/source/visible_text.hpp"
#include "engine/report/chart_labels.hpp"
#include "engine/report/report_common.hpp"
#include "engine/report/report_html_parts.hpp"

namespace toets {

namespace {

using namespace report;
using namespace html_report;



// A table cell that names its column: on a narrow screen the tables become cards, the header row
// is hidden (it stays for screen readers) and each cell shows its column's name beside its value.
std::string td(std::string_view label, std::string_view cls = "") {
  std::string out = "<td";
  if (!cls.empty()) out += " class=\"" + std::string(cls) + "\"";
  return out + " data-label=\"" + h(label) + "\">";
}

// The word on a light of a period outside the rule set's validity (short: it sits in a light).
std::string_view outside_word(Lang lang) { return lang == Lang::Nl ? "buiten looptijd" : "outside period"; }

std::string field_word(std::string_view name, Lang lang) {
  if (lang == Lang::En) return std::string(name);
  static const std::map<std::string_view, std::string_view> kNl = {
      {"corporation", "corporatie"}, {"municipality", "gemeente"}, {"kern", "kern"},
      {"neighbourhood", "buurt"},    {"year", "jaar"},             {"half_year", "halfjaar"},
      {"quarter", "kwartaal"},       {"month", "maand"},           {"segment", "segment"},
      {"snapshot_date", "peildatum"}, {"channel", "kanaal"},       {"developer", "ontwikkelaar"},
      {"project_id", "project"},     {"energy_label", "energielabel"}, {"kind", "soort"}};
  const auto found = kNl.find(name);
  return found == kNl.end() ? column_word(name, lang) : std::string(found->second);
}

std::string symbol(Light light) {
  switch (light) {
    case Light::Green: return "\xE2\x9C\x93";   // ✓
    case Light::Orange: return "!";
    case Light::Red: return "\xE2\x9C\x95";     // ✕
    case Light::Grey: return "\xE2\x80\x93";    // –
    case Light::Error: return "?";
  }
  return "";
}

std::string chip(Status status, Lang lang, std::string_view label = "", std::string_view extra_class = "",
                 std::string_view href = "", std::string_view title = "") {
  const Light light = light_of(status);
  std::string out = href.empty() ? "<span" : "<a href=\"" + std::string(href) + "\"";
  out += " class=\"chip " + std::string(light_class(light));
  if (!extra_class.empty()) out += " " + std::string(extra_class);
  out += "\" title=\"" + h(title.empty() ? status_word(status, lang) : title) + "\">";
  out += symbol(light);
  out += " ";
  out += label.empty() ? h(status_word(status, lang)) : std::string(label);
  out += href.empty() ? "</span>" : "</a>";
  return out;
}

std::string movement_tag(Movement movement, Lang lang) {
  return "<span class=\"mvt " + std::string(movement_name(movement)) + "\">" + h(movement_word(movement, lang)) +
         "</span>";
}

std::string run_text(const RunRef& run, Lang lang) {
  std::string text = date_text(run.as_of, lang);
  return text;
}



// ---------------------------------------------------------------------------------------------
// Sections

class HtmlWriter {
 public:
  HtmlWriter(const ReportOptions& options) : options_(options), privacy_(options), lang_(options.lang) {}

  // Written as it is made, a rule at a time: a report of a thousand rules with their evidence is
  // never held whole in memory (issue 18: 1,000 rules within 400 MiB, whatever the format).
  void document(const std::vector<ReportSection>& sections, std::ostream& out) {
    out << "<!DOCTYPE html>\n<html lang=\"" << (lang_ == Lang::Nl ? "nl" : "en") << "\">\n<head>\n";
    out << "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n";
    std::string title = std::string(word(lang_, "report"));
    for (std::size_t s = 0; s < sections.size(); ++s) {
      const RuleSetInfo& rs = sections[s].report->ruleset;
      title += (s == 0 ? " \xE2\x80\x94 " : " \xC2\xB7 ") + (rs.title.empty() ? rs.id : rs.title);
    }
    out << "<title>" << h(title) << "</title>\n<style>" << stylesheet() << incomplete_css() << "</style>\n</head>\n<body>\n<main>\n";
    out << header(sections);
    out << html_incomplete_banner(sections, lang_);  // first, before any light
    for (std::size_t s = 0; s < sections.size(); ++s) section(sections[s], s, out);
    out << footer();
    out << "</main>\n</body>\n</html>\n";
  }

 private:
  std::string header(const std::vector<ReportSection>& sections) {
    std::string out = "<header class=\"top\"><div><h1>" + h(word(lang_, "report")) + "</h1>";
    std::set<std::string> places;
    for (const auto& s : sections) {
      if (!s.report->ruleset.municipality.empty()) places.insert(s.report->ruleset.municipality);
    }
    std::string place;
    for (const auto& p : places) place += (place.empty() ? "" : ", ") + p;
    if (!place.empty()) out += "<p class=\"muted\">" + h(place) + "</p>";
    out += "</div><div class=\"meta\">";
    if (!sections.empty()) {
      out += "<div><b>" + h(word(lang_, "as_of")) + ": " + h(date_text(sections.front().report->as_of, lang_)) + "</b></div>";
      const ReportHistory* history = sections.front().history;
      if (history != nullptr && history->current) {
        out += "<div>" + h(word(lang_, "run")) + " " + std::to_string(history->current->id) + ", " +
               h(word(lang_, "recorded")) + " " + h(local_time_text(history->current->recorded_at, lang_)) + "</div>";
        if (history->previous) {
          out += "<div>" + h(word(lang_, "previous_run")) + ": " + h(run_text(*history->previous, lang_)) + "</div>";
        } else {
          out += "<div>" + h(word(lang_, "no_previous_run")) + "</div>";
        }
      } else {
        out += "<div>" + h(word(lang_, "not_recorded")) + "</div>";
      }
    }
    out += "</div></header>\n";
    return out;
  }

  std::string footer() {
    std::string out = "<footer><p><b>" + h(word(lang_, "privacy")) + ".</b> " + h(word(lang_, "privacy_text"));
    if (privacy_.pseudonymising()) out += " " + h(word(lang_, "pseudonymised"));
    char buffer[200];
    std::snprintf(buffer, sizeof buffer, std::string(word(lang_, "indicative_note")).c_str(),
                  static_cast<int>(options_.min_group_size));
    out += " <span class=\"tag\">" + h(word(lang_, "indicative")) + "</span> " + h(buffer) + ".</p>";
    out += "<p>" + h(word(lang_, "legend")) + ": " + chip(Status::Breach, lang_) + " " + chip(Status::Signal, lang_) + " " +
           chip(Status::AtRisk, lang_) + " " + chip(Status::Ok, lang_) + " " + chip(Status::OnTrack, lang_) + " " +
           chip(Status::NoData, lang_) + " " + chip(Status::Error, lang_) + " " + h(word(lang_, "arrows_legend")) + "</p>";
    out += "<p>" + h(word(lang_, "generated_by")) + ".</p></footer>\n";
    return out;
  }

  const ResultHistory* history_of(const ReportSection& s, const RuleResult& r) const {
    if (s.history == nullptr) return nullptr;
    const auto found = s.history->results.find(result_key(r.rule->id, r.group));
    return found == s.history->results.end() ? nullptr : &found->second;
  }

  std::string since_text(const ReportSection& s, const RuleResult& r) const {
    const ResultHistory* hist = history_of(s, r);
    if (hist == nullptr || !hist->status_since) return "\xE2\x80\x93";
    if (s.history->runs.size() <= 1) return h(word(lang_, "first_seen"));
    std::string text = h(date_text(*hist->status_since, lang_));
    if (hist->streak > 1) text += " <span class=\"muted small\">(" + std::to_string(hist->streak) + " " + h(word(lang_, "runs")) + ")</span>";
    return text;
  }

  std::string movement_cell(const ReportSection& s, const RuleResult& r) const {
    const ResultHistory* hist = history_of(s, r);
    if (hist == nullptr || !hist->movement) return "";
    std::string out = movement_tag(*hist->movement, lang_);
    if (hist->previous_status) {
      out += " <span class=\"muted small\">" + h(word(lang_, "was")) + " " + h(status_word(*hist->previous_status, lang_)) + "</span>";
    }
    return out;
  }

  // "nieuw" or "verslechterd" under the since-date of the attention table.
  std::string movement_line(const ReportSection& s, const RuleResult& r) const {
    const ResultHistory* hist = history_of(s, r);
    if (hist == nullptr || !hist->movement || *hist->movement == Movement::Other) return "";
    return "<br>" + movement_tag(*hist->movement, lang_);
  }

  // The value in the previous run, when there was one and it was recorded.
  std::optional<Ratio> previous_measure(const ReportSection& s, const RuleResult& r) const {
    const ResultHistory* hist = history_of(s, r);
    if (hist == nullptr || !s.history->previous) return std::nullopt;
    for (const auto& p : hist->points) {
      if (p.run_id == s.history->previous->id) return p.measure;
    }
    return std::nullopt;
  }

  ValueChange change_of(const ReportSection& s, const RuleResult& r) const {
    if (privacy_.measure_withheld(r)) return {};
    return value_change(r, previous_measure(s, r));
  }

  // ▲ when the value rose, ▼ when it fell; whether that is better or worse in words, for
  // screen readers and as a tooltip (the chip's colour is its status, not the change).
  std::string arrow(const ReportSection& s, const RuleResult& r) const {
    const ValueChange change = change_of(s, r);
    if (change.direction == 0) return "";
    const std::string words = value_change_words(change, lang_);
    return " <span class=\"mv\" title=\"" + h(words) + "\"><span aria-hidden=\"true\">" +
           std::string(change.direction > 0 ? "&#9650;" : "&#9660;") + "</span><span class=\"vh\"> " + h(words) +
           "</span></span>";
  }

  // The same change in visible words: "▲ gestegen, slechter".
  std::string change_line(const ReportSection& s, const RuleResult& r) const {
    const ValueChange change = change_of(s, r);
    if (change.direction == 0) return "";
    return "<br><span class=\"chg\"><span aria-hidden=\"true\">" +
           std::string(change.direction > 0 ? "&#9650;" : "&#9660;") + "</span> " + h(value_change_words(change, lang_)) +
           "</span>";
  }

  void section(const ReportSection& s, std::size_t index, std::ostream& stream) {
    const CheckReport& report = *s.report;
    const RuleSetInfo& rs = report.ruleset;
    // Results by rule, in report order.
    std::vector<RuleBlock> blocks;
    std::map<const CompiledRule*, std::size_t> block_of;
    for (const auto& result : report.results) {
      auto [it, added] = block_of.emplace(result.rule, blocks.size());
      if (added) {
        RuleBlock block;
        block.rule = result.rule;
        block.anchor = "s" + std::to_string(index + 1) + "-r" + std::to_string(blocks.size() + 1);
        blocks.push_back(std::move(block));
      }
      RuleBlock& block = blocks[it->second];
      block.results.push_back(&result);
      // A group outside the rule's period colours the rule only when nothing inside it does.
      const bool counts = !result.outside_validity;
      if (block.results.size() == 1 || (counts && !block.worst_counts) ||
          (counts == block.worst_counts && attention_rank(result.status) < attention_rank(block.worst))) {
        block.worst = result.status;
        block.worst_counts = counts;
      }
    }
    anchors_.clear();
    for (const auto& block : blocks) anchors_[block.rule] = block.anchor;

    std::string out = "<section class=\"ruleset\">\n<h2>" + h(rs.title.empty() ? rs.id : rs.title) + "</h2>\n";
    std::string meta;
    if (!rs.municipality.empty()) meta += h(rs.municipality);
    if (rs.valid_from && rs.valid_to) {
      meta += (meta.empty() ? "" : " \xC2\xB7 ") + h(word(lang_, "valid")) + " " + h(date_text(*rs.valid_from, lang_)) +
              " \xE2\x80\x93 " + h(date_text(*rs.valid_to, lang_));
    }
    meta += (meta.empty() ? "" : " \xC2\xB7 ") + h(word(lang_, "as_of")) + " " + h(date_text(report.as_of, lang_));
    if (s.history != nullptr && s.history->current) {
      meta += " \xC2\xB7 " + h(word(lang_, "run")) + " " + std::to_string(s.history->current->id);
      if (s.history->previous) {
        meta += " (" + h(word(lang_, "previous_run")) + " " + h(run_text(*s.history->previous, lang_)) + ")";
      }
    }
    out += "<p class=\"muted small\">" + meta + "</p>\n";
    if (!rs.source.empty()) out += "<p class=\"muted small\">" + h(word(lang_, "source")) + ": " + h(rs.source) + "</p>\n";

    out += glance(report);
    out += not_checked_table(s);
    out += attention(s);
    if (s.history != nullptr && s.history->current) out += changes(s);
    out += grid(s, blocks);
    out += "<h3>" + h(word(lang_, "details")) + "</h3>\n";
    stream << out;
    for (const auto& block : blocks) stream << rule_card(s, block);
    stream << inputs(report) << "</section>\n";
  }

  std::string glance(const CheckReport& report) {
    const auto summary = report.summary();
    std::string out = "<div class=\"pills\">";
    for (const Status status : {Status::Breach, Status::Signal, Status::AtRisk, Status::Error, Status::OnTrack, Status::Ok,
                                Status::NoData, Status::NotEvaluated}) {
      const auto found = summary.find(status);
      if (found == summary.end() || found->second == 0) continue;
      out += "<span class=\"pill\"><span class=\"dot " + std::string(light_class(light_of(status))) + "\"></span><b>" +
             std::to_string(found->second) + "</b> " + h(status_word(status, lang_)) + "</span>";
    }
    return out + "</div>\n";
  }

  // What could not be checked for want of data, with why, before the verdicts: the grey
  // chips of the overview are otherwise read as passes.
  std::string not_checked_table(const ReportSection& s) {
    const std::vector<const RuleResult*> rows = not_checked(*s.report);
    if (rows.empty()) return "";
    std::string out = "<h3>" + h(word(lang_, "no_data_title")) + "</h3>\n<table class=\"no-data\"><thead><tr><th>" +
                      h(word(lang_, "rule")) + "</th><th>" + h(word(lang_, "group")) + "</th><th>" + h(word(lang_, "reason")) +
                      "</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < rows.size() && i < kShownNotChecked; ++i) {
      const RuleResult& r = *rows[i];
      out += "<tr><td><a href=\"#" + anchors_[r.rule] + "\"><span class=\"art\">" + h(r.rule->id) + "</span></a> " +
             h(r.rule->title) + "</td>" + td(word(lang_, "group")) + h(group_label(r.group, privacy_, lang_)) + "</td>" +
             td(word(lang_, "reason")) + h(not_checked_reason(r, privacy_, lang_)) + "</td></tr>\n";
    }
    out += "</tbody></table>\n";
    if (rows.size() > kShownNotChecked) {
      out += "<p class=\"muted small\">" +
             h(fill(word(lang_, "no_data_more"), {{"n", std::to_string(rows.size() - kShownNotChecked)}})) + "</p>\n";
    }
    return out;
  }

  std::string attention(const ReportSection& s) {
    std::vector<const RuleResult*> rows;
    for (const auto& r : s.report->results) {
      if (needs_attention(r)) rows.push_back(&r);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const RuleResult* a, const RuleResult* b) {
      return attention_rank(a->status) < attention_rank(b->status);
    });
    std::string out = "<h3>" + h(word(lang_, "attention")) + "</h3>\n";
    // Where the all-clear would stand: never for data that could not all be read.
    if (rows.empty() && s.report->is_incomplete()) return out + html_no_verdict(lang_);
    if (rows.empty()) return out + "<p class=\"empty\">" + h(word(lang_, "no_attention")) + "</p>\n";
    out += "<table class=\"attention\"><colgroup><col class=\"st\"><col><col class=\"gr\"><col class=\"me\"><col class=\"ow\"><col "
           "class=\"si\"></colgroup><thead><tr><th>" + h(word(lang_, "status")) + "</th><th>" + h(word(lang_, "rule")) +
           "</th><th>" + h(word(lang_, "group")) + "</th><th>" + h(word(lang_, "measured")) + " / " +
           h(word(lang_, "norm")) + "</th><th>" + h(word(lang_, "owner")) + "</th><th>" + h(word(lang_, "since")) +
           "</th></tr></thead><tbody>\n";
    const std::string measured_label = std::string(word(lang_, "measured")) + " / " + std::string(word(lang_, "norm"));
    for (const AttentionRow& row : attention_rows(*s.report, rows)) {
      const RuleResult* r = row.result;
      const CompiledRule& rule = *r->rule;
      std::string also;
      if (!row.also.empty()) {
        also = " <span class=\"muted\">(" + h(word(lang_, "also")) + " ";
        for (std::size_t i = 0; i < row.also.size(); ++i) {
          also += std::string(i > 0 ? ", " : "") + "<a href=\"#" + anchors_[row.also[i]->rule] + "\">" +
                  h(row.also[i]->rule->id) + "</a>" + h(also_status(row, *row.also[i], lang_));
        }
        also += ")</span>";
      }
      out += "<tr class=\"" + std::string(light_class(light_of(r->status))) + "\"><td>" +
             chip(r->status, lang_, h(status_word(r->status, lang_)) + arrow(s, *r)) + "</td><td><a href=\"#" +
             anchors_[r->rule] + "\"><span class=\"art\">" + h(rule.id) + "</span></a> " + h(rule.title) + also + "</td>" +
             td(word(lang_, "group")) + h(group_label(r->group, privacy_, lang_)) + indicative_tag(*r) + "</td>" +
             td(measured_label, "m") + "<b>" + h(measure_text(*r, privacy_, lang_)) + "</b><br><span class=\"muted small\">" +
             h(norm_text(*r, lang_)) + "</span></td>" + td(word(lang_, "owner")) +
             h(rule.owner.empty() ? "\xE2\x80\x93" : rule.owner) + "</td>" + td(word(lang_, "since")) + since_text(s, *r) +
             movement_line(s, *r) + change_line(s, *r) + "</td></tr>\n";
    }
    return out + "</tbody></table>\n";
  }

  std::string indicative_tag(const RuleResult& r) const {
    if (!privacy_.indicative(r)) return "";
    char buffer[200];
    std::snprintf(buffer, sizeof buffer, std::string(word(lang_, "indicative_note")).c_str(),
                  static_cast<int>(options_.min_group_size));
    return " <span class=\"tag\" title=\"" + h(buffer) + "\">" + h(word(lang_, "indicative")) + "</span>";
  }

  std::string changes(const ReportSection& s) {
    const ReportHistory& history = *s.history;
    std::string out = "<h3>" + h(word(lang_, "changes"));
    if (history.previous) out += " (" + h(run_text(*history.previous, lang_)) + ")";
    out += "</h3>\n";
    if (!history.previous) return out + "<p class=\"empty\">" + h(word(lang_, "no_previous_run")) + "</p>\n";
    if (history.changes.empty()) return out + "<p class=\"empty\">" + h(word(lang_, "no_changes")) + "</p>\n";
    std::vector<const HistoryChange*> rows;
    for (const auto& c : history.changes) rows.push_back(&c);
    auto rank = [](Movement m) {
      switch (m) {
        case Movement::New: return 0;
        case Movement::Worse: return 1;
        case Movement::Better: return 2;
        case Movement::Resolved: return 3;
        case Movement::Other: return 4;
      }
      return 5;
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const HistoryChange* a, const HistoryChange* b) {
      return rank(a->movement) < rank(b->movement);
    });
    out += "<table class=\"changes\"><thead><tr><th>" + h(word(lang_, "change")) + "</th><th>" + h(word(lang_, "rule")) +
           "</th><th>" + h(word(lang_, "group")) + "</th><th>" + h(word(lang_, "status")) + "</th><th>" +
           h(word(lang_, "measured")) + "</th></tr></thead><tbody>\n";
    for (const HistoryChange* c : rows) {
      std::string status;
      if (c->from) status += chip(*c->from, lang_);
      else status += "<span class=\"muted small\">" + h(word(lang_, "new_group")) + "</span>";
      status += " &#8594; ";
      if (c->to) status += chip(*c->to, lang_);
      else status += "<span class=\"muted small\">" + h(word(lang_, "gone")) + "</span>";
      std::string measure = h(localise_number(c->from_measure.empty() ? "\xE2\x80\x93" : c->from_measure, lang_)) +
                            " &#8594; " + h(localise_number(c->to_measure.empty() ? "\xE2\x80\x93" : c->to_measure, lang_));
      // The rule's anchor, when the rule is in this run.
      std::string rule_cell = "<span class=\"art\">" + h(c->rule) + "</span>";
      for (const auto& [rule, anchor] : anchors_) {
        if (rule->id == c->rule) {
          rule_cell = "<a href=\"#" + anchor + "\">" + rule_cell + "</a>";
          break;
        }
      }
      out += "<tr><td>" + movement_tag(c->movement, lang_) + "</td><td>" + rule_cell + " " + h(c->rule_title) + "</td>" +
             td(word(lang_, "group")) + h(group_label(c->group, privacy_, lang_)) + "</td>" + td(word(lang_, "status"), "num") +
             status + "</td>" + td(word(lang_, "measured"), "num") + measure + "</td></tr>\n";
    }
    return out + "</tbody></table>\n";
  }

  // Rules x groups: one table per kind of first grouping key (per corporation, per kern, ...).
  std::string grid(const ReportSection& s, const std::vector<RuleBlock>& blocks) {
    std::string out = "<h3>" + h(word(lang_, "grid")) + "</h3>\n";
    // Families keep the order in which their first rule appears.
    std::vector<std::string> family_order;
    std::map<std::string, std::vector<const RuleBlock*>> families;
    for (const auto& block : blocks) {
      std::string family;
      if (!block.results.empty() && !block.results.front()->group.empty()) family = block.results.front()->group.front().name;
      if (families.find(family) == families.end()) family_order.push_back(family);
      families[family].push_back(&block);
    }
    for (const auto& family : family_order) {
      const auto& members = families[family];
      // Columns: the first key's values, in order of appearance; no grouping: one column.
      std::vector<std::string> columns;
      for (const RuleBlock* block : members) {
        for (const RuleResult* r : block->results) {
          const std::string value = first_value(*r);
          if (std::find(columns.begin(), columns.end(), value) == columns.end()) columns.push_back(value);
        }
      }
      const std::string heading = family.empty() ? std::string(word(lang_, "overall"))
                                                 : std::string(word(lang_, "per")) + " " + field_word(family, lang_);
      out += "<table class=\"grid\"><thead><tr><th>" + h(word(lang_, "rule")) + " <span class=\"muted\">(" + h(heading) +
             ")</span></th>";
      for (const auto& c : columns) out += "<th>" + h(c) + "</th>";
      out += "</tr></thead><tbody>\n";
      for (const RuleBlock* block : members) {
        const CompiledRule& rule = *block->rule;
        out += "<tr><td><a href=\"#" + block->anchor + "\"><span class=\"art\">" + h(rule.id) + "</span></a> <span class=\"rule-title\">" +
               h(rule.title) + "</span>";
        if (!rule.owner.empty()) out += "<div class=\"owner\">" + h(word(lang_, "owner")) + ": " + h(rule.owner) + "</div>";
        out += "</td>";
        for (const auto& c : columns) {
          out += td(c, "cell");
          for (const RuleResult* r : block->results) {
            if (first_value(*r) != c) continue;
            std::string label;
            for (std::size_t k = 1; k < r->group.size(); ++k) {
              const auto fields = privacy_.group(r->group);
              const GroupField& f = fields[k];
              label += (label.empty() ? "" : ", ") + (f.number || f.text ? visible(group_value_text(f, lang_)) : "\xE2\x80\x93");
            }
            std::string text = h(label);
            if (r->measure && !privacy_.measure_withheld(*r)) {
              text += std::string(text.empty() ? "" : " \xC2\xB7 ") + h(value_text(*r->measure, rule.measure.unit, lang_));
            } else if (text.empty()) {
              text = h(status_word(r->status, lang_));
            }
            text += arrow(s, *r);
            if (r->outside_validity) text += " <span class=\"out\">" + h(outside_word(lang_)) + "</span>";
            std::string title = group_label(r->group, privacy_, lang_) + ": " + std::string(status_word(r->status, lang_));
            if (r->outside_validity) title += " (" + std::string(word(lang_, "outside_validity")) + ")";
            if (privacy_.indicative(*r)) title += " (" + std::string(word(lang_, "indicative")) + ")";
            out += chip(r->status, lang_, text, r->outside_validity ? "outside" : "", "#" + block->anchor, title);
          }
          out += "</td>";
        }
        out += "</tr>\n";
      }
      out += "</tbody></table>\n";
    }
    return out;
  }

  std::string first_value(const RuleResult& r) const {
    if (r.group.empty()) return std::string(word(lang_, "all"));
    const GroupField f = privacy_.group({r.group.front()}).front();
    if (f.number || f.text) return visible(group_value_text(f, lang_));  // as group_label shows it: a line break stays on its line
    return lang_ == Lang::Nl ? "(geen " + column_word(f.name, lang_) + ")" : "(no " + f.name + ")";
  }

  std::string rule_card(const ReportSection& s, const RuleBlock& block) {
    const CompiledRule& rule = *block.rule;
    std::string out = "<article class=\"rule\" id=\"" + block.anchor + "\">\n<div class=\"rule-head\"><span class=\"art\">" +
                      h(rule.id) + "</span><h4>" + h(rule.title) + "</h4>" + chip(block.worst, lang_) + "</div>\n";
    std::string facts;
    if (!rule.owner.empty()) facts += h(word(lang_, "owner")) + ": <b>" + h(rule.owner) + "</b>";
    if (!rule.source.empty()) facts += std::string(facts.empty() ? "" : " \xC2\xB7 ") + h(word(lang_, "source")) + ": " + h(rule.source);
    const std::string norms = rule_norms_text(rule, lang_);
    if (!norms.empty()) facts += std::string(facts.empty() ? "" : " \xC2\xB7 ") + h(word(lang_, "norm")) + ": <b>" + h(norms) + "</b>";
    if (!facts.empty()) out += "<p class=\"facts\">" + facts + "</p>\n";
    if (!rule.note.empty()) out += "<p class=\"note\">" + h(word(lang_, "note")) + ": " + h(rule.note) + "</p>\n";

    std::string chart;
    if (rule.measure.unit != ValueType::Date) {
      if (rule.target) chart = deadline_chart(block, s.report->as_of, privacy_, lang_);
      else if (s.history != nullptr && s.history->runs.size() >= 2) chart = runs_chart(block, *s.history, privacy_, lang_);
      else chart = bars_chart(block, privacy_, lang_);
    }
    out += "<div class=\"rule-body\">";
    if (!chart.empty()) out += "<div class=\"chart\">" + chart + "</div>";
    out += "<div class=\"groups\"><table><thead><tr><th>" + h(word(lang_, "status")) + "</th><th>" + h(word(lang_, "group")) +
           "</th><th>" + h(word(lang_, "measured")) + "</th><th>" + h(word(lang_, "records")) + "</th><th>" +
           h(word(lang_, "since")) + "</th></tr></thead><tbody>\n";
    for (const RuleResult* r : block.results) out += group_rows(s, *r);
    out += "</tbody></table></div></div>\n</article>\n";
    return out;
  }

  std::string group_rows(const ReportSection& s, const RuleResult& r) {
    const CompiledRule& rule = *r.rule;
    std::string group = h(group_label(r.group, privacy_, lang_)) + indicative_tag(r);
    if (r.outside_validity) group += " <span class=\"tag\">" + h(word(lang_, "outside_validity")) + "</span>";
    const std::string movement = movement_cell(s, r);
    std::string measured = "<b>" + h(measure_text(r, privacy_, lang_)) + "</b>";
    if (r.threshold || rule.target) measured += "<br><span class=\"muted small\">" + h(norm_text(r, lang_)) + "</span>";
    std::string records = r.status == Status::NotEvaluated || r.status == Status::Error ? "" : std::to_string(r.records);
    std::string since = since_text(s, r);
    if (!movement.empty()) since += "<br>" + movement;
    since += change_line(s, r);

    // A second line: why and what it takes, and the records behind it.
    std::vector<std::string> more;
    if (const std::string remedy = remedy_sentence(r, lang_); !remedy.empty()) {
      more.push_back("<b>" + h(word(lang_, "remedy")) + ":</b> " + h(remedy));
    }
    if (const std::string forecast = forecast_sentence(r, lang_); !forecast.empty()) {
      more.push_back("<b>" + h(word(lang_, "forecast")) + ":</b> " + h(forecast));
    }
    if (r.exempt > 0) {
      std::string text = "<b>" + h(word(lang_, "exempt")) + "</b> (" + h(column_word(rule.exempt_text, lang_)) + "): " + std::to_string(r.exempt);
      if (r.exempt_matching > 0) text += ", " + h(word(lang_, "of_which")) + " " + std::to_string(r.exempt_matching) + " " + h(word(lang_, "meet_measure"));
      more.push_back(text);
    }
    if (!r.note.empty()) more.push_back(h(word(lang_, "message")) + ": " + h(note_text(privacy_.note(r.note), lang_)));
    if (!r.evidence.empty()) {
      if (privacy_.evidence_withheld(r)) {
        more.push_back("<b>" + h(word(lang_, "evidence")) + " (" + std::to_string(r.evidence.size()) + "):</b> " +
                       h(word(lang_, "not_shown")) + " (" + h(privacy_.withheld_reason(r, lang_ == Lang::Nl)) + ")");
      } else {
        // Only the ids shown are made: a group may stand on a hundred thousand records.
        const std::size_t total = r.evidence.size();
        std::string list;
        privacy_.for_each_evidence(
            r, [&](std::string_view id) { list += (list.empty() ? "" : ", ") + h(id); }, kHtmlIdsListed);
        if (total > kHtmlIdsListed) {
          list += ", \xE2\x80\xA6 (+" + std::to_string(total - kHtmlIdsListed) + " " + h(word(lang_, "more")) + ")";
        }
        more.push_back("<details><summary>" + h(word(lang_, "evidence")) + " (" + std::to_string(total) +
                       ")</summary><p class=\"ids\">" + list + "</p></details>");
      }
    }
    std::string out = "<tr" + std::string(more.empty() ? "" : " class=\"has-more\"") + "><td>" + chip(r.status, lang_) +
                      "</td>" + td(word(lang_, "group")) + group + "</td>" + td(word(lang_, "measured"), "num") + measured +
                      "</td>" + td(word(lang_, "records")) + records + "</td>" + td(word(lang_, "since")) + since + "</td></tr>\n";
    if (!more.empty()) {
      out += "<tr class=\"more\"><td></td><td colspan=\"4\">";
      for (std::size_t i = 0; i < more.size(); ++i) out += (more[i].rfind("<details", 0) == 0 ? "" : "<div>") + more[i] + (more[i].rfind("<details", 0) == 0 ? "" : "</div>");
      out += "</td></tr>\n";
    }
    return out;
  }

  std::string inputs(const CheckReport& report) {
    std::string out = "<h3>" + h(word(lang_, "inputs")) + "</h3>\n<table class=\"inputs\"><tbody>\n";
    for (const auto& input : report.inputs) {
      const LoadReport& r = input.report;
      out += "<tr><td>" + h(dataset_word(r.dataset, lang_)) + "</td><td>" + h(r.file) + "</td><td class=\"num\">" + std::to_string(r.rows_read) + " " +
             h(word(lang_, "rows")) + ", " + std::to_string(r.rows_accepted) + " " + h(word(lang_, "accepted")) + ", " +
             (r.rows_rejected > 0 ? "<b>" : "") + std::to_string(r.rows_rejected) + " " + h(word(lang_, "rejected")) +
             (r.rows_rejected > 0 ? "</b>" : "");
      if (const std::string encoding = encoding_text(r, lang_); !encoding.empty()) out += ", " + h(encoding);
      out += "</td></tr>\n";
      // In groups with their fix; open when the check could not use this input in full.
      out += html_rejection_groups(r, privacy_, lang_, report.is_incomplete());
    }
    out += "</tbody></table>\n";
    for (const auto& note : report.notes) out += "<p class=\"muted small\">" + h(message_text(note, lang_)) + "</p>\n";
    return out;
  }

  const ReportOptions& options_;
  Privacy privacy_;
  Lang lang_;
  std::map<const CompiledRule*, std::string> anchors_;
};

}  // namespace

void write_html_report(const std::vector<ReportSection>& sections, std::ostream& out, const ReportOptions& options) {
  HtmlWriter writer(options);
  writer.document(sections, out);
}

}  // namespace toets
