#pragma once
// What the parts of the HTML report (engine/report/report_html.cpp) share: its stylesheet
// (report_html_style.cpp), its charts (report_html_charts.cpp) and the small helpers both use.

#include <string>
#include <string_view>
#include <vector>

#include "engine/report/report_common.hpp"

namespace toets::html_report {

// The report's one stylesheet, inlined in its <head>: no file is fetched from anywhere.
std::string_view stylesheet();

inline std::string h(std::string_view text) { return report::escape_xml(text); }

// At most `chars` characters (not bytes), with an ellipsis when cut.
inline std::string shorten(const std::string& text, std::size_t chars) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++count > chars) return text.substr(0, i) + "\xE2\x80\xA6";
  }
  return text;
}

struct RuleBlock {
  const CompiledRule* rule = nullptr;
  std::vector<const RuleResult*> results;
  std::string anchor;
  Status worst = Status::NotEvaluated;
  bool worst_counts = false;  // whether `worst` is of a group inside the rule's period
};

// Inline SVG charts of a rule: its groups over the runs of a store, its groups side by side, a
// deadline rule's series and projection.
std::string runs_chart(const RuleBlock& block, const ReportHistory& history, const Privacy& privacy, Lang lang);
std::string bars_chart(const RuleBlock& block, const Privacy& privacy, Lang lang);
std::string deadline_chart(const RuleBlock& block, std::int32_t as_of, const Privacy& privacy, Lang lang);

}  // namespace toets::html_report
