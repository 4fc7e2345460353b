// The HTML report's charts (engine/report/report_html.cpp): inline SVG, no script, labels placed where no
// point covers them (chart_labels.hpp).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "dsl/source/calendar.hpp"
#include "dsl/source/visible_text.hpp"
#include "engine/report/chart_labels.hpp"
#include "engine/report/report_html_parts.hpp"

namespace toets::html_report {

using namespace report;

// ---------------------------------------------------------------------------------------------
// Charts

constexpr double kChartWidth = 330;
constexpr const char* kGroupColours[] = {"#1f4e79", "#7b4fa6", "#0f7f7a", "#8a5a2b", "#3f3f46", "#b0427a", "#5b7f1f", "#2f6fb0"};
constexpr std::size_t kMaxChartGroups = 8;

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

namespace {

// The years along the bottom of a chart over days [t0, t1] (`xx`: a day's x), a tick a year or
// fewer when there are many.
template <typename DayX>
std::string year_ticks(const Frame& f, std::int32_t first, std::int32_t last, double t0, double t1, const DayX& xx) {
  std::string out;
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
  return out;
}

// One group of a deadline chart: its snapshots (a path and dots, each dot a box the labels keep
// clear of), and the lines drawn over them (its projection, the path it needs).
struct SeriesLines {
  std::string path;
  std::string dots;
  std::string lines;
  std::vector<Box> taken;
};

template <typename DayX>
SeriesLines series_lines(const RuleResult& r, const char* colour, const std::string& label, const Frame& f,
                         const DayX& xx, ValueType unit, const Target& target, const std::string& clip, Lang lang) {
  SeriesLines drawn;
  const double ty = f.yy(to_unit_double(target.value, unit));
  const double dx = xx(target.deadline);
  for (const auto& p : r.series) {
    const double x = xx(p.date), y = f.yy(to_unit_double(p.measure, unit));
    drawn.path += (drawn.path.empty() ? "M" : " L") + fmt(x) + " " + fmt(y);
    drawn.taken.push_back(point_box(x, y, 3.2));
    drawn.dots += "<circle cx=\"" + fmt(x) + "\" cy=\"" + fmt(y) + "\" r=\"3.2\" fill=\"" + colour + "\"><title>" +
                  h(label + " \xC2\xB7 " + date_text(p.date, lang) + ": " + value_text(p.measure, unit, lang)) +
                  "</title></circle>";
  }
  if (r.projection && r.projection->points >= 2) {
    // The fitted line, from the first snapshot to the deadline.
    const Projection& p = *r.projection;
    auto fitted = [&](double day) { return p.value_at_deadline + p.rate_per_year * (day - target.deadline) / 365.25; };
    const double s = r.series.front().date;
    drawn.lines += "<line x1=\"" + fmt(xx(s)) + "\" y1=\"" + fmt(f.yy(fitted(s))) + "\" x2=\"" + fmt(dx) + "\" y2=\"" +
                   fmt(f.yy(p.value_at_deadline)) + "\" stroke=\"" + colour +
                   "\" stroke-width=\"1.3\" stroke-dasharray=\"5 3\" clip-path=\"url(#" + clip + ")\"/>";
  }
  if (r.status == Status::AtRisk) {
    // What it would take: from the latest snapshot straight to the target at the deadline.
    const auto& latest = r.series.back();
    drawn.lines += "<line x1=\"" + fmt(xx(latest.date)) + "\" y1=\"" + fmt(f.yy(to_unit_double(latest.measure, unit))) +
                   "\" x2=\"" + fmt(dx) + "\" y2=\"" + fmt(ty) +
                   "\" stroke=\"#2e7d32\" stroke-width=\"1.3\" stroke-dasharray=\"1.5 2.5\" clip-path=\"url(#" + clip + ")\"/>";
  }
  return drawn;
}

}  // namespace

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
  out += year_ticks(f, first, last, t0, t1, xx);
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
    const SeriesLines drawn = series_lines(r, colour, label, f, xx, unit, target, clip, lang);
    taken.insert(taken.end(), drawn.taken.begin(), drawn.taken.end());
    lines += drawn.lines;
    out += "<path d=\"" + drawn.path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.8\"/>" + drawn.dots;
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

}  // namespace toets::html_report
