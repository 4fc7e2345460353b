// What every report says about a check that could not check all of its data, and how each shows
// rejected rows: in groups, with the fix (engine/report/rejection_groups.hpp). The sentences come from the
// word table (report_common.cpp) in the report's language; text, JSON and JUnit use English.

#include <algorithm>
#include <set>
#include <tuple>

#include "engine/data/check_outcome.hpp"
#include "engine/report/report_common.hpp"

namespace toets {

std::string incompleteness_text(const Incompleteness& reason, Lang lang) {
  using report::fill;
  using report::word;
  std::string where = report::dataset_word(reason.dataset, lang) + " " + reason.file;
  if (reason.import_id) where += " (import " + std::to_string(*reason.import_id) + ")";
  std::string why;
  if (reason.reason == IncompleteReason::TooManyRejected) {
    const Ratio share{static_cast<std::int64_t>(reason.rows_rejected), static_cast<std::int64_t>(reason.rows_read)};
    why = fill(word(lang, "reason_too_many_rejected"),
               {{"rejected", std::to_string(reason.rows_rejected)},
                {"read", std::to_string(reason.rows_read)},
                {"share", report::localise_number(format_value(share, ValueType::Fraction), lang)},
                {"limit", report::localise_number(max_rejected_text(reason.max_rejected_ppm), lang)}});
  } else if (reason.reason == IncompleteReason::NoneInScope) {
    why = fill(word(lang, "reason_none_in_scope"),
               {{"read", std::to_string(reason.rows_read)}, {"scope", scope_text(reason.municipality, reason.corporations, lang)}});
  } else if (reason.reason == IncompleteReason::NoneInPeriod) {
    why = fill(word(lang, "reason_none_in_period"), {{"read", std::to_string(reason.rows_read)}});
  } else if (reason.rows_read == 0) {
    why = std::string(word(lang, "reason_empty"));
  } else {
    why = fill(word(lang, "reason_all_rejected"), {{"read", std::to_string(reason.rows_read)}});
  }
  return where + ": " + why;
}

namespace report {

std::string rejection_group_text(const RejectionGroup& group, Lang lang) {
  // A workbook's rows are named by their cells (Toewijzingen!M48), a text file's by line.
  const bool cells = !group.cells.empty();
  std::string text = group.rows() == 1
                         ? fill(word(lang, cells ? "cell_of_group" : "row_of_group"), {{"lines", example_lines(group)}})
                         : fill(word(lang, cells ? "cells_of_group" : "rows_of_group"), {{"rows", std::to_string(group.rows())},
                                                                            {"lines", example_lines(group)}});
  if (!group.column.empty()) text += ", " + column_word(group.column, lang);
  if (!group.value.empty()) {
    text += " '" + (group.value == kWithheld ? std::string(word(lang, "withheld")) : group.value) + "'";
  }
  return text + ": " + reason_text(group.why, lang, group.reason);
}

namespace {

// A value as the left side of a mapping line: quoted when it holds what the format reads
// otherwise ('=', '#', a quote, spaces at an edge), with a quote doubled (docs/data-input.md).
std::string mapping_side(const std::string& value) {
  const bool plain = value.find_first_of("=#\"") == std::string::npos && value.front() != ' ' && value.back() != ' ';
  if (plain) return value;
  std::string quoted = "\"";
  for (const char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string rejection_fix_text(const RejectionGroup& group, Lang lang) {
  switch (group.fix) {
    case RejectionGroup::Fix::None:
      return "";
    case RejectionGroup::Fix::Encoding:
      return std::string(word(lang, "fix_encoding"));
    case RejectionGroup::Fix::MapValue: {
      const std::string to = group.suggestion.empty() ? "<" + group.column + ">" : group.suggestion;
      std::string text = fill(word(lang, "fix_map_value"),
                              {{"from", mapping_side(group.value)}, {"to", to}, {"column", group.column}});
      if (group.suggestion.empty()) {
        std::string choices;
        for (const auto& value : group.canonical) choices += (choices.empty() ? "" : ", ") + value;
        text += fill(word(lang, "fix_map_value_choices"), {{"to", to}, {"choices", choices}});
      }
      return text;
    }
  }
  return "";
}

std::string rejection_source_label(const RejectionSource& source, Lang lang) {
  if (!source.import_id) return source.file;
  return source.file + " (" +
         fill(word(lang, "import_label"), {{"id", std::to_string(*source.import_id)}, {"time", local_time_text(source.imported_at, lang)}}) +
         ")";
}

std::string rejection_groups_text(const LoadReport& load, const Privacy& privacy, std::size_t max_groups,
                                  std::string_view indent, Lang lang) {
  std::string out;
  const bool nl = lang == Lang::Nl;
  for (const RejectionSource& source : rejection_sources(load)) {
    const bool one = source.rows_rejected == 1;
    out += std::string(indent) + "!! " + std::to_string(source.rows_rejected) +
           (nl ? (one ? " regel" : " regels") : (one ? " row" : " rows"));
    if (source.import_id) out += (nl ? " van " : " of ") + rejection_source_label(source, lang);
    if (nl) out += one ? " is afgewezen en niet meegeteld:\n" : " zijn afgewezen en niet meegeteld:\n";
    else out += std::string(one ? " was" : " were") + " rejected and left out of the check:\n";
    const std::vector<RejectionGroup> groups = shown_groups(load, source, privacy);
    std::size_t rows_left = source.rejections->size();
    for (std::size_t g = 0; g < groups.size() && g < max_groups; ++g) {
      out += std::string(indent) + "   " + rejection_group_text(groups[g], lang) + "\n";
      if (const std::string fix = rejection_fix_text(groups[g], lang); !fix.empty()) {
        out += std::string(indent) + "     " + std::string(word(lang, "fix")) + ": " + fix + "\n";
      }
      rows_left -= groups[g].rows();
    }
    if (groups.size() > max_groups) {
      out += std::string(indent) + "   ... " +
             fill(word(lang, "more_rejection_groups"),
                  {{"groups", std::to_string(groups.size() - max_groups)}, {"rows", std::to_string(rows_left)}}) +
             "\n";
    }
  }
  return out;
}

std::string incomplete_text_block(const CheckReport& report, Lang lang) {
  if (!report.is_incomplete()) return "";
  std::string out = "\n!! " + std::string(word(lang, "incomplete_title")) +
                    (lang == Lang::Nl ? " (afsluitcode 2)\n" : " (exit status 2)\n");
  for (const Incompleteness& reason : report.incomplete) out += "   " + incompleteness_text(reason, lang) + "\n";
  out += "   " + std::string(word(lang, "incomplete_lead")) + "\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTML

std::string_view incomplete_css() {
  // Dark text on a pale red, with the red as a bar: well over 4.5:1 (docs/reports.md).
  return ".incomplete{background:#fdeceb;border:1px solid #e3a5a1;border-left:8px solid var(--red);border-radius:8px;"
         "padding:12px 16px;margin:16px 0;color:var(--ink)}\n"
         ".incomplete h2{border-top:none;margin:0 0 6px;padding-top:0;color:#7f1414;font-size:20px}\n"
         ".incomplete ul{margin:6px 0 0;padding-left:20px}\n"
         ".no-verdict{font-weight:700;color:#7f1414}\n"
         "@media print{.incomplete h2{break-before:auto}}\n";
}

namespace {

std::string h(std::string_view text) { return escape_xml(text); }

}  // namespace

std::string html_incomplete_banner(const std::vector<ReportSection>& sections, Lang lang) {
  // Each reason once, with the rule sets it holds for when the report has several.
  std::vector<std::pair<std::string, std::vector<std::string>>> reasons;
  for (const ReportSection& section : sections) {
    const RuleSetInfo& rs = section.report->ruleset;
    for (const Incompleteness& reason : section.report->incomplete) {
      const std::string text = incompleteness_text(reason, lang);
      auto found = std::find_if(reasons.begin(), reasons.end(), [&](const auto& r) { return r.first == text; });
      if (found == reasons.end()) found = reasons.insert(reasons.end(), {text, {}});
      found->second.push_back(rs.title.empty() ? rs.id : rs.title);
    }
  }
  if (reasons.empty()) return "";
  std::string out =
      "<div class=\"incomplete\" role=\"region\" aria-labelledby=\"incomplete\">\n<h2 id=\"incomplete\">"
      "<span aria-hidden=\"true\">&#9888; </span>" +
      h(word(lang, "incomplete_title")) + "</h2>\n<p>" + h(word(lang, "incomplete_lead")) + "</p>\n<ul>\n";
  for (const auto& [text, rulesets] : reasons) {
    out += "<li>" + h(text);
    if (sections.size() > 1) {
      std::string names;
      for (const auto& name : rulesets) names += (names.empty() ? "" : ", ") + name;
      out += " <span class=\"muted small\">(" + h(names) + ")</span>";
    }
    out += "</li>\n";
  }
  return out + "</ul>\n</div>\n";
}

std::string html_no_verdict(Lang lang) {
  return "<p class=\"no-verdict\"><a href=\"#incomplete\">" + h(word(lang, "no_verdict")) + "</a></p>\n";
}

std::string html_rejection_groups(const LoadReport& load, const Privacy& privacy, Lang lang, bool open) {
  constexpr std::size_t kShownGroups = 200;
  std::string out;
  for (const RejectionSource& source : rejection_sources(load)) {
    const std::vector<RejectionGroup> groups = shown_groups(load, source, privacy);
    std::string list;
    std::size_t rows_left = source.rejections->size();
    for (std::size_t g = 0; g < groups.size() && g < kShownGroups; ++g) {
      list += "<div>" + h(rejection_group_text(groups[g], lang));
      if (const std::string fix = rejection_fix_text(groups[g], lang); !fix.empty()) {
        list += "<br><span class=\"muted\">" + h(word(lang, "fix")) + ": " + h(fix) + "</span>";
      }
      list += "</div>";
      rows_left -= groups[g].rows();
    }
    if (groups.size() > kShownGroups) {
      list += "<div>\xE2\x80\xA6 " +
              h(fill(word(lang, "more_rejection_groups"),
                     {{"groups", std::to_string(groups.size() - kShownGroups)}, {"rows", std::to_string(rows_left)}})) +
              "</div>";
    }
    const std::string summary =
        source.import_id
            ? fill(word(lang, "rejected_in_import"),
                   {{"id", std::to_string(*source.import_id)}, {"file", source.file}, {"time", local_time_text(source.imported_at, lang)}})
            : std::string(word(lang, "rejected_rows"));
    out += "<tr class=\"more\"><td></td><td colspan=\"2\"><details" + std::string(open ? " open" : "") + "><summary>" +
           h(summary) + " (" + std::to_string(source.rejections->size()) + ")</summary><div class=\"small\">" + list +
           "</div></details></td></tr>\n";
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Markdown

std::string markdown_incomplete(const std::vector<ReportSection>& sections, Lang lang) {
  std::vector<std::string> lines;
  for (const ReportSection& section : sections) {
    const RuleSetInfo& rs = section.report->ruleset;
    for (const Incompleteness& reason : section.report->incomplete) {
      std::string line = incompleteness_text(reason, lang);
      if (sections.size() > 1) line = (rs.title.empty() ? rs.id : rs.title) + ": " + line;
      if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
    }
  }
  if (lines.empty()) return "";
  std::string out = "**\xE2\x9A\xA0 " + escape_markdown(word(lang, "incomplete_title")) + ".** " +
                    escape_markdown(word(lang, "incomplete_lead")) + "\n\n";
  for (const auto& line : lines) out += "- " + escape_markdown(line) + "\n";
  return out + "\n";
}

std::string markdown_rejection_groups(const LoadReport& load, const Privacy& privacy, Lang lang) {
  constexpr std::size_t kShownGroups = 10;
  std::string out;
  for (const RejectionSource& source : rejection_sources(load)) {
    std::vector<RejectionGroup> groups = shown_groups(load, source, privacy);
    const std::string where = dataset_word(load.dataset, lang) + " " + rejection_source_label(source, lang);
    for (std::size_t g = 0; g < groups.size() && g < kShownGroups; ++g) {
      RejectionGroup& group = groups[g];
      // Minutes carry no record ids: a rejected id and the reason quoting it are not shown.
      const bool names_records = is_id_column(group.column) || group.column.find(',') != std::string::npos;
      if (names_records && !group.value.empty()) {
        group.value.clear();
        group.reason = std::string(word(lang, "withheld"));
        group.why = RejectionReason{};
      }
      std::string line = where + ": " + rejection_group_text(group, lang);
      if (const std::string fix = rejection_fix_text(group, lang); !fix.empty()) {
        line += "; " + std::string(word(lang, "fix")) + ": " + fix;
      }
      out += "- " + escape_markdown(line) + "\n";
    }
    if (groups.size() > kShownGroups) {
      std::size_t rows_left = 0;
      for (std::size_t g = kShownGroups; g < groups.size(); ++g) rows_left += groups[g].rows();
      out += "- " +
             escape_markdown(
                 where + ": " +
                 fill(word(lang, "more_rejection_groups"), {{"groups", std::to_string(groups.size() - kShownGroups)},
                                                            {"rows", std::to_string(rows_left)}})) +
             "\n";
    }
  }
  return out;
}

}  // namespace report
}  // namespace toets
