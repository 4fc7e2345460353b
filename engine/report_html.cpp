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

#include "dsl/calendar.hpp"
#include "dsl/visible_text.hpp"
#include "engine/chart_labels.hpp"
#include "engine/report_common.hpp"

namespace toets {

namespace {

using namespace report;

constexpr std::string_view kCss = R"css(
:root{--green:#2e7d32;--orange:#e67e00;--orange-ink:#8f4b00;--red:#c62828;--grey:#8a8f96;--error:#5e35b1;--ink:#1b1f24;--muted:#59636e;--line:#d8dde3;--bg:#f4f5f7;--card:#fff;--focus:#1f4e79}
*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}
html{background:var(--bg)}
body{margin:0;font:14px/1.45 "Segoe UI",system-ui,-apple-system,"Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",sans-serif;color:var(--ink);overflow-wrap:break-word}
main{max-width:1060px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:24px;margin:0 0 2px}
h2{font-size:20px;margin:28px 0 4px;padding-top:8px;border-top:3px solid var(--ink)}
h3{font-size:15px;margin:22px 0 8px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
h4{font-size:15px;margin:0}
p{margin:4px 0}
a{color:inherit}
a:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}
.muted{color:var(--muted)}
.small{font-size:12px}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 16px;align-items:flex-end;border-bottom:1px solid var(--line);padding-bottom:10px}
.top .meta{text-align:right;font-size:12.5px;color:var(--muted)}
.pills{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0 4px}
.pill{display:inline-flex;align-items:center;gap:6px;border:1px solid var(--line);background:var(--card);border-radius:999px;padding:3px 12px 3px 6px;font-weight:600}
.pill b{font-size:18px}
.dot{display:inline-block;width:14px;height:14px;border-radius:50%;flex:none;border:1px solid rgba(0,0,0,.45)}
.dot.green{background:var(--green)}.dot.orange{background:var(--orange)}.dot.red{background:var(--red)}.dot.grey{background:var(--grey)}.dot.error{background:var(--error)}
.chip{display:inline-flex;align-items:center;gap:4px;border:1px solid transparent;border-radius:6px;padding:0 6px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap;text-decoration:none;line-height:1.5}
.chip.green{background:var(--green)}.chip.orange{background:var(--orange);color:var(--ink)}.chip.red{background:var(--red)}.chip.grey{background:#e4e6e9;color:#3d434a}.chip.error{background:var(--error)}
.chip.outside{background:var(--card);border:1px dashed currentColor;font-style:italic;font-weight:400}
.chip.outside.green{color:var(--green)}.chip.outside.orange{color:var(--orange-ink)}.chip.outside.red{color:var(--red)}.chip.outside.grey{color:#3d434a}.chip.outside.error{color:var(--error)}
.chip .out{font-size:11px}
.chip .mv{font-size:10px}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.chg{font-size:11.5px}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{text-align:left;vertical-align:top;padding:5px 7px;border-bottom:1px solid var(--line)}
th{font-size:11.5px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);font-weight:600;background:#fafbfc}
td.num{white-space:nowrap}
td.num .small{white-space:normal}
.attention{table-layout:fixed}
.attention td{font-size:13px;overflow-wrap:anywhere}
.attention col.st{width:140px}.attention col.gr{width:15%}.attention col.me{width:20%}.attention col.ow{width:13%}.attention col.si{width:116px}
.attention td.m{white-space:normal}
.attention .art{white-space:normal}
.attention tr.red td:first-child{box-shadow:inset 4px 0 var(--red)}
.attention tr.orange td:first-child{box-shadow:inset 4px 0 var(--orange)}
.attention tr.error td:first-child{box-shadow:inset 4px 0 var(--error)}
.art{font-weight:700;white-space:nowrap}
.grid td{vertical-align:middle}
.grid th{min-width:44px}
.grid td:first-child{width:34%}
.grid td.cell{white-space:normal}
.grid td.cell .chip{margin:1px 2px;white-space:normal;flex-wrap:wrap;column-gap:4px;row-gap:0}
.grid .rule-title{font-size:12.5px}
.grid .owner{font-size:11.5px;color:var(--muted)}
.mvt{display:inline-block;font-size:11px;font-weight:700;border-radius:4px;padding:0 6px;border:1px solid currentColor;white-space:nowrap}
.mvt.new,.mvt.worse{color:var(--red)}.mvt.better,.mvt.resolved{color:var(--green)}.mvt.other{color:var(--muted)}
.tag{display:inline-block;font-size:10.5px;border:1px dashed var(--muted);color:var(--muted);border-radius:4px;padding:0 5px;margin-left:4px;white-space:nowrap}
.rule{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:12px 0;break-inside:avoid}
.rule-head{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.rule-head .art{font-size:15px;background:var(--ink);color:#fff;border-radius:4px;padding:0 7px}
.rule .facts{font-size:12.5px;color:var(--muted)}
.rule .facts b{color:var(--ink);font-weight:600}
.rule-body{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start;margin-top:8px}
.chart{flex:0 1 330px;min-width:0}
.chart svg.plot{display:block;width:100%;max-width:330px;height:auto;background:#fff}
svg.sw{display:inline-block;vertical-align:middle}
svg .halo{text-shadow:-1px 0 #fff,1px 0 #fff,0 -1px #fff,0 1px #fff,-1px -1px #fff,1px 1px #fff,-1px 1px #fff,1px -1px #fff,0 0 3px #fff}
.legend{font-size:11px;color:var(--muted);margin-top:2px;line-height:1.5}
.legend span{white-space:nowrap;margin-right:8px}
.groups{flex:1 1 440px}
.groups td{font-size:12.5px}
.groups tr.more td{border-top:none;padding-top:0;color:var(--muted)}
.groups tr.has-more td{border-bottom:none}
details summary{cursor:pointer;color:var(--ink);font-weight:600}
.ids{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:11.5px;overflow-wrap:anywhere;margin:4px 0 0}
.changes td{font-size:13px}
.inputs td{overflow-wrap:anywhere}
.inputs td.num{white-space:normal}
.note{font-size:12px;color:var(--muted);font-style:italic}
footer{margin-top:30px;border-top:1px solid var(--line);padding-top:8px;font-size:11.5px;color:var(--muted)}
.empty{color:var(--muted);font-style:italic}
@media screen and (max-width:760px){
 main{padding:14px 12px 32px}
 .top .meta{text-align:left}
 table,tbody,tr,td{display:block;width:auto}
 .grid td:first-child{width:auto}
 thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
 colgroup{display:none}
 table{background:none}
 tr{background:var(--card);border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 0}
 td{border-bottom:none;padding:3px 10px;overflow-wrap:anywhere}
 td.num{white-space:normal}
 td[data-label]{display:flow-root;padding-left:124px}
 td[data-label]::before{content:attr(data-label);float:left;width:114px;margin-left:-114px;padding-right:8px;font-size:12px;line-height:1.75;color:var(--muted);font-weight:600}
 td:empty,td[data-label]:empty{display:none}
 .attention tr.red{box-shadow:inset 4px 0 var(--red)}.attention tr.orange{box-shadow:inset 4px 0 var(--orange)}.attention tr.error{box-shadow:inset 4px 0 var(--error)}
 .attention tr td:first-child{box-shadow:none}
 .groups tr.has-more{border-bottom:none;border-radius:6px 6px 0 0;margin-bottom:0}
 .groups tr.more{border-top:none;border-radius:0 0 6px 6px}
 .rule{padding:10px}
 .rule .groups tr{background:#fafbfc}
 .chip{white-space:normal}
}
@page{size:A4;margin:12mm 11mm 14mm}
@media print{
 html,body{background:#fff}
 body{font-size:9.5pt}
 main{max-width:none;padding:0}
 h2{break-before:page;margin-top:0}
 section.ruleset:first-of-type h2{break-before:auto}
 h3{break-after:avoid}
 .rule{border-color:#bbb;break-inside:avoid;padding:8px 10px;margin:8px 0}
 tr{break-inside:avoid}
 .rule-body{gap:10px}
 .chart{flex-basis:250px}.chart svg.plot{width:250px}
 .groups{flex-basis:400px}
 .legend{font-size:9px}
 details:not([open]) summary::after{content:" \2014  in de digitale versie";font-weight:400;color:var(--muted)}
 a{text-decoration:none}
 th,td{padding:3px 5px}
 th{letter-spacing:0}
 td.num{white-space:normal}
 td.num b{white-space:nowrap}
 .chip{font-size:10.5px;padding:0 5px}
 .grid td:first-child{width:36%}
 .attention col.st{width:108px}.attention col.si{width:100px}
 .groups td,.attention td,.changes td{font-size:11.5px}
}
)css";

std::string h(std::string_view text) { return escape_xml(text); }

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

struct RuleBlock {
  const CompiledRule* rule = nullptr;
  std::vector<const RuleResult*> results;
  std::string anchor;
  Status worst = Status::NotEvaluated;
  bool worst_counts = false;  // whether `worst` is of a group inside the rule's period
};

// ---------------------------------------------------------------------------------------------
// Charts

constexpr double kChartWidth = 330;
constexpr const char* kGroupColours[] = {"#1f4e79", "#7b4fa6", "#0f7f7a", "#8a5a2b", "#3f3f46", "#b0427a", "#5b7f1f", "#2f6fb0"};
constexpr std::size_t kMaxChartGroups = 8;

// At most `chars` characters (not bytes), with an ellipsis when cut.
std::string shorten(const std::string& text, std::size_t chars) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++count > chars) return text.substr(0, i) + "\xE2\x80\xA6";
  }
  return text;
}

std::string fmt(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

std::string status_fill(Status status) {
  switch (light_of(status)) {
    case Light::Green: return "#2e7d32";
    case Light::Orange: return "#c96a00";
    case Light::Red: return "#c62828";
    case Light::Error: return "#5e35b1";
    case Light::Grey: return "#8a8f96";
  }
  return "#8a8f96";
}

// Round numbers for an axis from lo to hi, about `count` of them.
std::vector<double> ticks(double lo, double hi, int count) {
  std::vector<double> out;
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / count;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (raw <= m * power) {
      step = m * power;
      break;
    }
  }
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

std::string axis_value(double v, ValueType unit, double step, Lang lang) {
  const int decimals = step >= 1 || step == 0 ? 0 : step >= 0.1 ? 1 : 2;
  std::string text = number_text(v, decimals, lang);
  if (unit == ValueType::Fraction) return text + "%";
  if (unit == ValueType::Money) return "\xE2\x82\xAC" + text;
  return text;
}

struct Range {
  double lo = 0, hi = 1;
  void include(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  void pad() {
    if (hi - lo < 1e-9) hi = lo + 1;
    hi += (hi - lo) * 0.08;
  }
};

struct Frame {
  double left = 44, right = 12, top = 10, bottom = 24, height = 150;
  double width = kChartWidth;
  Range y;
  double x0() const { return left; }
  double x1() const { return width - right; }
  double yy(double v) const { return top + (height - top - bottom) * (1 - (v - y.lo) / (y.hi - y.lo)); }
};

std::string y_axis(const Frame& f, ValueType unit, Lang lang) {
  std::string out;
  const auto marks = ticks(f.y.lo, f.y.hi, 4);
  const double step = marks.size() >= 2 ? marks[1] - marks[0] : 1;
  for (const double v : marks) {
    const double y = f.yy(v);
    out += "<line x1=\"" + fmt(f.x0()) + "\" x2=\"" + fmt(f.x1()) + "\" y1=\"" + fmt(y) + "\" y2=\"" + fmt(y) +
           "\" stroke=\"#eceef1\"/>";
    out += "<text x=\"" + fmt(f.x0() - 4) + "\" y=\"" + fmt(y + 3.5) + "\" text-anchor=\"end\">" +
           h(axis_value(v, unit, step, lang)) + "</text>";
  }
  return out;
}

// Horizontal threshold lines of the rule's constant thresholds, labelled at the right where no
// point in `taken` covers the label (else further left, or below the line: chart_labels.hpp).
std::string threshold_lines(const CompiledRule& rule, const Frame& f, Lang lang, std::vector<Box>& taken) {
  std::string out;
  for (const Threshold& t : rule.thresholds) {
    if (t.ref != ThresholdRef::Constant) continue;
    const double v = to_unit_double(t.value, rule.measure.unit);
    const double y = f.yy(v);
    const bool breach = t.status == Status::Breach;
    out += "<line x1=\"" + fmt(f.x0()) + "\" x2=\"" + fmt(f.x1()) + "\" y1=\"" + fmt(y) + "\" y2=\"" + fmt(y) +
           "\" stroke=\"" + (breach ? "#c62828" : "#c96a00") + "\" stroke-width=\"1.5\"" +
           (breach ? "" : " stroke-dasharray=\"5 3\"") + "/>";
    const std::string label =
        std::string(word(lang, breach ? "breach_line" : "signal_line")) + " " + value_text(t.value, rule.measure.unit, lang);
    const Spot at = place_label(label, spots_along(f.x0(), f.x1(), y), taken, Box{f.x0(), 0, f.x1(), f.height - f.bottom});
    out += "<text x=\"" + fmt(at.x) + "\" y=\"" + fmt(at.y) + "\" text-anchor=\"" + std::string(anchor_name(at.anchor)) +
           "\" class=\"halo\" fill=\"" + (breach ? "#c62828" : "#b35f00") + "\">" + h(label) + "</text>";
  }
  return out;
}

std::string svg_open(const Frame& f, const std::string& label) {
  return "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + fmt(f.width) + " " + fmt(f.height) +
         "\" role=\"img\" aria-label=\"" + h(label) +
         "\" font-family=\"Segoe UI,Arial,Liberation Sans,DejaVu Sans,sans-serif\" font-size=\"10\" fill=\"#59636e\">";
}

std::string legend_swatch(const char* colour, bool dashed = false) {
  return std::string("<svg class=\"sw\" width=\"18\" height=\"8\" viewBox=\"0 0 18 8\"><line x1=\"0\" y1=\"4\" x2=\"18\" y2=\"4\" stroke=\"") +
         colour + "\" stroke-width=\"2\"" + (dashed ? " stroke-dasharray=\"4 2\"" : "") + "/></svg>";
}

// The measure of each group over the recorded runs, against the thresholds.
std::string runs_chart(const RuleBlock& block, const ReportHistory& history, const Privacy& privacy, Lang lang) {
  const CompiledRule& rule = *block.rule;
  const ValueType unit = rule.measure.unit;
  const std::size_t n = history.runs.size();
  std::map<std::int64_t, std::size_t> run_index;
  for (std::size_t i = 0; i < n; ++i) run_index[history.runs[i].id] = i;

  std::vector<const RuleResult*> shown;
  for (const RuleResult* r : block.results) {
    if (shown.size() < kMaxChartGroups) shown.push_back(r);
  }
  Frame f;
  f.y = Range{0, 0};
  bool any = false;
  for (const RuleResult* r : shown) {
    const auto found = history.results.find(result_key(rule.id, r->group));
    if (found == history.results.end() || privacy.measure_withheld(*r)) continue;
    for (const auto& p : found->second.points) {
      if (!p.measure) continue;
      f.y.include(to_unit_double(*p.measure, unit));
      any = true;
    }
  }
  if (!any) return "";
  for (const Threshold& t : rule.thresholds) {
    if (t.ref == ThresholdRef::Constant) f.y.include(to_unit_double(t.value, unit));
  }
  f.y.pad();
  auto xx = [&](std::size_t i) {
    return n <= 1 ? (f.x0() + f.x1()) / 2
                  : f.x0() + 28 + (f.x1() - f.x0() - 56) * static_cast<double>(i) / static_cast<double>(n - 1);
  };

  std::string out = svg_open(f, std::string(word(lang, "chart_runs")) + ": " + rule.id);
  out += y_axis(f, unit, lang);
  // Run dates along the bottom (at most six labels).
  const std::size_t every = n <= 6 ? 1 : (n + 5) / 6;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % every != 0 && i + 1 != n) continue;
    out += "<text x=\"" + fmt(xx(i)) + "\" y=\"" + fmt(f.height - 8) + "\" text-anchor=\"middle\">" +
           h(date_text(history.runs[i].as_of, lang)) + "</text>";
  }
  std::string legend, series;
  std::vector<Box> taken;  // the points: the threshold labels keep clear of them
  for (std::size_t g = 0; g < shown.size(); ++g) {
    const RuleResult& r = *shown[g];
    const auto found = history.results.find(result_key(rule.id, r.group));
    if (found == history.results.end() || privacy.measure_withheld(r)) continue;
    const char* colour = kGroupColours[g % std::size(kGroupColours)];
    const std::string label = group_label(r.group, privacy, lang);
    std::string path;
    std::string dots;
    for (const auto& p : found->second.points) {
      const auto at = run_index.find(p.run_id);
      if (at == run_index.end() || !p.measure) continue;
      const double x = xx(at->second), y = f.yy(to_unit_double(*p.measure, unit));
      path += (path.empty() ? "M" : " L") + fmt(x) + " " + fmt(y);
      taken.push_back(point_box(x, y, 3.6 + 0.75));  // the radius and half the stroke
      dots += "<circle cx=\"" + fmt(x) + "\" cy=\"" + fmt(y) + "\" r=\"3.6\" fill=\"" + status_fill(p.status) +
              "\" stroke=\"" + colour + "\" stroke-width=\"1.5\"><title>" +
              h(label + " \xC2\xB7 " + date_text(p.as_of, lang) + ": " + value_text(*p.measure, unit, lang) + " (" +
                std::string(status_word(p.status, lang)) + ")") +
              "</title></circle>";
    }
    series += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.6\"/>" + dots;
    legend += "<span>" + legend_swatch(colour) + " " + h(label) + "</span>";
  }
  out += threshold_lines(rule, f, lang, taken) + series + "</svg>";
  if (block.results.size() > shown.size()) {
    legend += "<span>+" + std::to_string(block.results.size() - shown.size()) + " " + h(word(lang, "more_groups")) + "</span>";
  }
  return out + "<div class=\"legend\">" + h(word(lang, "chart_runs")) + ". " + legend + "</div>";
}

// One run only: a bar per group against the thresholds.
std::string bars_chart(const RuleBlock& block, const Privacy& privacy, Lang lang) {
  const CompiledRule& rule = *block.rule;
  const ValueType unit = rule.measure.unit;
  std::vector<const RuleResult*> shown;
  for (const RuleResult* r : block.results) {
    if (r->measure && !privacy.measure_withheld(*r) && shown.size() < kMaxChartGroups) shown.push_back(r);
  }
  if (shown.empty()) return "";
  Frame f;
  f.left = 130;  // room for a group name of 19 characters with its ellipsis (shortened to it below)
  f.top = 6;
  f.bottom = 20;
  f.height = f.top + f.bottom + 20.0 * static_cast<double>(shown.size());
  Range x{0, 0};
  for (const RuleResult* r : shown) x.include(to_unit_double(*r->measure, unit));
  for (const Threshold& t : rule.thresholds) {
    if (t.ref == ThresholdRef::Constant) x.include(to_unit_double(t.value, unit));
  }
  x.pad();
  auto xx = [&](double v) { return f.x0() + (f.x1() - f.x0()) * (v - x.lo) / (x.hi - x.lo); };
  std::string out = svg_open(f, std::string(word(lang, "chart_now")) + ": " + rule.id);
  const auto marks = ticks(x.lo, x.hi, 4);
  const double step = marks.size() >= 2 ? marks[1] - marks[0] : 1;
  const double bottom = f.height - f.bottom;
  for (const double v : marks) {
    out += "<line x1=\"" + fmt(xx(v)) + "\" x2=\"" + fmt(xx(v)) + "\" y1=\"" + fmt(f.top) + "\" y2=\"" + fmt(bottom) +
           "\" stroke=\"#eceef1\"/><text x=\"" + fmt(xx(v)) + "\" y=\"" + fmt(bottom + 13) +
           "\" text-anchor=\"middle\">" + h(axis_value(v, unit, step, lang)) + "</text>";
  }
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const RuleResult& r = *shown[i];
    const double y = f.top + 20.0 * static_cast<double>(i);
    const double v = to_unit_double(*r.measure, unit);
    const std::string label = shorten(group_label(r.group, privacy, lang), 18);
    out += "<text x=\"" + fmt(f.x0() - 5) + "\" y=\"" + fmt(y + 13) + "\" text-anchor=\"end\" fill=\"#1b1f24\">" +
           h(label) + "</text>";
    const double x0 = xx(std::min(0.0, v)), x1 = xx(std::max(0.0, v));
    out += "<rect x=\"" + fmt(x0) + "\" y=\"" + fmt(y + 4) + "\" width=\"" + fmt(std::max(1.5, x1 - x0)) +
           "\" height=\"12\" rx=\"2\" fill=\"" + status_fill(r.status) + "\"><title>" +
           h(group_label(r.group, privacy, lang) + ": " + value_text(*r.measure, unit, lang) + " (" +
             std::string(status_word(r.status, lang)) + ")") +
           "</title></rect>";
  }
  for (const Threshold& t : rule.thresholds) {
    if (t.ref != ThresholdRef::Constant) continue;
    const double tx = xx(to_unit_double(t.value, unit));
    const bool breach = t.status == Status::Breach;
    out += "<line x1=\"" + fmt(tx) + "\" x2=\"" + fmt(tx) + "\" y1=\"" + fmt(f.top - 2) + "\" y2=\"" + fmt(bottom + 2) +
           "\" stroke=\"" + (breach ? "#c62828" : "#c96a00") + "\" stroke-width=\"1.5\"" +
           (breach ? "" : " stroke-dasharray=\"4 3\"") + "/>";
  }
  out += "</svg>";
  std::string legend = h(word(lang, "chart_now")) + ".";
  bool signal = false, breach = false;
  for (const Threshold& t : rule.thresholds) {
    if (t.ref != ThresholdRef::Constant) continue;
    (t.status == Status::Breach ? breach : signal) = true;
  }
  if (signal) legend += " <span>" + legend_swatch("#c96a00", true) + " " + h(word(lang, "signal_line")) + "</span>";
  if (breach) legend += " <span>" + legend_swatch("#c62828") + " " + h(word(lang, "breach_line")) + "</span>";
  return out + "<div class=\"legend\">" + legend + "</div>";
}

// A deadline rule: the snapshots, the straight-line projection to the deadline, the path needed.
std::string deadline_chart(const RuleBlock& block, std::int32_t as_of, const Privacy& privacy, Lang lang) {
  const CompiledRule& rule = *block.rule;
  const Target& target = *rule.target;
  const ValueType unit = rule.measure.unit;
  std::vector<const RuleResult*> shown;
  for (const RuleResult* r : block.results) {
    if (!r->series.empty() && !privacy.measure_withheld(*r) && shown.size() < kMaxChartGroups) shown.push_back(r);
  }
  if (shown.empty()) return "";
  std::int32_t first = target.deadline;
  Frame f;
  f.y = Range{0, 0};
  f.y.include(to_unit_double(target.value, unit));
  for (const RuleResult* r : shown) {
    for (const auto& p : r->series) {
      first = std::min(first, p.date);
      f.y.include(to_unit_double(p.measure, unit));
    }
  }
  f.y.pad();
  const std::int32_t last = std::max(target.deadline, as_of);
  const double span = std::max(1.0, static_cast<double>(last - first));
  const double t0 = first - span * 0.03, t1 = last + span * 0.05;
  auto xx = [&](double day) { return f.x0() + (f.x1() - f.x0()) * (day - t0) / (t1 - t0); };
  const std::string clip = "clip-" + block.anchor;

  std::string out = svg_open(f, std::string(word(lang, "chart_series")) + ": " + rule.id);
  out += "<defs><clipPath id=\"" + clip + "\"><rect x=\"" + fmt(f.x0()) + "\" y=\"" + fmt(f.top) + "\" width=\"" +
         fmt(f.x1() - f.x0()) + "\" height=\"" + fmt(f.height - f.top - f.bottom) + "\"/></clipPath></defs>";
  out += y_axis(f, unit, lang);
  // Years along the bottom.
  const CivilDate a = civil_from_days(first), b = civil_from_days(last);
  const int years = b.year - a.year + 1;
  const int every = years <= 6 ? 1 : (years + 5) / 6;
  for (int y = a.year + 1; y <= b.year + 1; ++y) {
    const double day = days_from_civil(y, 1, 1);
    if (day < t0 || day > t1 || (y - a.year) % every != 0) continue;
    out += "<line x1=\"" + fmt(xx(day)) + "\" x2=\"" + fmt(xx(day)) + "\" y1=\"" + fmt(f.height - f.bottom) + "\" y2=\"" +
           fmt(f.height - f.bottom + 3) + "\" stroke=\"#9aa3ad\"/><text x=\"" + fmt(xx(day)) + "\" y=\"" +
           fmt(f.height - 8) + "\" text-anchor=\"middle\">" + std::to_string(y) + "</text>";
  }
  // Target and deadline.
  const double ty = f.yy(to_unit_double(target.value, unit));
  const double dx = xx(target.deadline);
  out += "<line x1=\"" + fmt(f.x0()) + "\" x2=\"" + fmt(dx) + "\" y1=\"" + fmt(ty) + "\" y2=\"" + fmt(ty) +
         "\" stroke=\"#2e7d32\" stroke-width=\"1.5\"/>";
  out += "<line x1=\"" + fmt(dx) + "\" x2=\"" + fmt(dx) + "\" y1=\"" + fmt(f.top) + "\" y2=\"" + fmt(f.height - f.bottom) +
         "\" stroke=\"#1b1f24\" stroke-dasharray=\"2 2\"/>";
  if (as_of < target.deadline && as_of > first) {
    out += "<line x1=\"" + fmt(xx(as_of)) + "\" x2=\"" + fmt(xx(as_of)) + "\" y1=\"" + fmt(f.top) + "\" y2=\"" +
           fmt(f.height - f.bottom) + "\" stroke=\"#c9ced4\"/>";
  }
  std::string legend;
  std::string lines;
  std::vector<Box> taken;  // the snapshots: the labels keep clear of them
  for (std::size_t g = 0; g < shown.size(); ++g) {
    const RuleResult& r = *shown[g];
    const char* colour = kGroupColours[g % std::size(kGroupColours)];
    const std::string label = group_label(r.group, privacy, lang);
    std::string path, dots;
    for (const auto& p : r.series) {
      const double x = xx(p.date), y = f.yy(to_unit_double(p.measure, unit));
      path += (path.empty() ? "M" : " L") + fmt(x) + " " + fmt(y);
      taken.push_back(point_box(x, y, 3.2));
      dots += "<circle cx=\"" + fmt(x) + "\" cy=\"" + fmt(y) + "\" r=\"3.2\" fill=\"" + colour + "\"><title>" +
              h(label + " \xC2\xB7 " + date_text(p.date, lang) + ": " + value_text(p.measure, unit, lang)) +
              "</title></circle>";
    }
    if (r.projection && r.projection->points >= 2) {
      // The fitted line, from the first snapshot to the deadline.
      const Projection& p = *r.projection;
      auto fitted = [&](double day) { return p.value_at_deadline + p.rate_per_year * (day - target.deadline) / 365.25; };
      const double s = r.series.front().date;
      lines += "<line x1=\"" + fmt(xx(s)) + "\" y1=\"" + fmt(f.yy(fitted(s))) + "\" x2=\"" + fmt(dx) + "\" y2=\"" +
               fmt(f.yy(p.value_at_deadline)) + "\" stroke=\"" + colour +
               "\" stroke-width=\"1.3\" stroke-dasharray=\"5 3\" clip-path=\"url(#" + clip + ")\"/>";
    }
    if (r.status == Status::AtRisk) {
      // What it would take: from the latest snapshot straight to the target at the deadline.
      const auto& latest = r.series.back();
      lines += "<line x1=\"" + fmt(xx(latest.date)) + "\" y1=\"" + fmt(f.yy(to_unit_double(latest.measure, unit))) +
               "\" x2=\"" + fmt(dx) + "\" y2=\"" + fmt(ty) +
               "\" stroke=\"#2e7d32\" stroke-width=\"1.3\" stroke-dasharray=\"1.5 2.5\" clip-path=\"url(#" + clip + ")\"/>";
    }
    out += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.8\"/>" + dots;
    legend += "<span>" + legend_swatch(colour) + " " + h(label) + "</span>";
  }
  // The deadline's and the target's labels, where no point covers them (chart_labels.hpp).
  const Box plot{f.x0(), 0, f.x1(), f.height - f.bottom};
  const std::string deadline_label = std::string(word(lang, "deadline")) + " " + date_text(target.deadline, lang);
  const Spot d = place_label(deadline_label, spots_beside(dx, f.top + 9, f.height - f.bottom - 4), taken, plot);
  const std::string target_label = std::string(word(lang, "target")) + ": " + std::string(kept_words(target.op, lang)) +
                                   " " + value_text(target.value, unit, lang);
  const Spot t = place_label(target_label, spots_along(f.x0(), dx, ty, Anchor::Start), taken, plot);
  for (const auto& [at, text, colour] : {std::tuple{d, deadline_label, "#1b1f24"}, std::tuple{t, target_label, "#2e7d32"}}) {
    out += "<text x=\"" + fmt(at.x) + "\" y=\"" + fmt(at.y) + "\" text-anchor=\"" + std::string(anchor_name(at.anchor)) +
           "\" class=\"halo\" fill=\"" + colour + "\">" + h(text) + "</text>";
  }
  out += lines + "</svg>";
  legend += "<span>" + legend_swatch("#59636e", true) + " " + h(word(lang, "projection")) + "</span>";
  if (std::any_of(shown.begin(), shown.end(), [](const RuleResult* r) { return r->status == Status::AtRisk; })) {
    legend += "<span><svg class=\"sw\" width=\"18\" height=\"8\" viewBox=\"0 0 18 8\"><line x1=\"0\" y1=\"4\" x2=\"18\" y2=\"4\" "
              "stroke=\"#2e7d32\" stroke-width=\"2\" stroke-dasharray=\"1.5 2.5\"/></svg> " +
              h(word(lang, "needed_path")) + "</span>";
  }
  return out + "<div class=\"legend\">" + h(word(lang, "chart_series")) + ". " + legend + "</div>";
}

// ---------------------------------------------------------------------------------------------
// Sections

class HtmlWriter {
 public:
  HtmlWriter(const ReportOptions& options) : options_(options), privacy_(options), lang_(options.lang) {}

  std::string document(const std::vector<ReportSection>& sections) {
    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"" + std::string(lang_ == Lang::Nl ? "nl" : "en") + "\">\n<head>\n";
    out += "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n";
    std::string title = std::string(word(lang_, "report"));
    for (std::size_t s = 0; s < sections.size(); ++s) {
      const RuleSetInfo& rs = sections[s].report->ruleset;
      title += (s == 0 ? " \xE2\x80\x94 " : " \xC2\xB7 ") + (rs.title.empty() ? rs.id : rs.title);
    }
    out += "<title>" + h(title) + "</title>\n<style>" + std::string(kCss) + std::string(incomplete_css()) +
           "</style>\n</head>\n<body>\n<main>\n";
    out += header(sections);
    out += html_incomplete_banner(sections, lang_);  // first, before any light
    for (std::size_t s = 0; s < sections.size(); ++s) out += section(sections[s], s);
    out += footer();
    out += "</main>\n</body>\n</html>\n";
    return out;
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

  std::string section(const ReportSection& s, std::size_t index) {
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
    out += attention(s);
    if (s.history != nullptr && s.history->current) out += changes(s);
    out += grid(s, blocks);
    out += "<h3>" + h(word(lang_, "details")) + "</h3>\n";
    for (const auto& block : blocks) out += rule_card(s, block);
    out += inputs(report);
    out += "</section>\n";
    return out;
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
    if (!r.message.empty()) more.push_back(h(word(lang_, "message")) + ": " + h(message_text(privacy_.message(r.message), lang_)));
    if (!r.evidence.empty()) {
      if (privacy_.evidence_withheld(r)) {
        more.push_back("<b>" + h(word(lang_, "evidence")) + " (" + std::to_string(r.evidence.size()) + "):</b> " +
                       h(word(lang_, "not_shown")) + " (" + h(privacy_.withheld_reason(r, lang_ == Lang::Nl)) + ")");
      } else {
        const std::vector<std::string> ids = privacy_.evidence(r);
        constexpr std::size_t kShown = 500;
        std::string list;
        for (std::size_t i = 0; i < ids.size() && i < kShown; ++i) list += (i > 0 ? ", " : "") + h(ids[i]);
        if (ids.size() > kShown) list += ", \xE2\x80\xA6 (+" + std::to_string(ids.size() - kShown) + " " + h(word(lang_, "more")) + ")";
        more.push_back("<details><summary>" + h(word(lang_, "evidence")) + " (" + std::to_string(ids.size()) +
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
  out << writer.document(sections);
}

}  // namespace toets
