#pragma once
// Where a chart's labels go (engine/report/report_html.cpp): each label is given the first of its
// candidate spots whose box no point and no other label covers. The boxes are estimates for the
// charts' 10px sans-serif font, wide enough for its widest common characters, so a label placed
// here is clear in a browser too (tools/browser-tests/check-report.js measures it).

#include <string_view>
#include <vector>

namespace toets::report {

// An axis-aligned box in the chart's coordinates (y grows downwards).
struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const Box& other) const { return x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1; }
  bool inside(const Box& area) const { return x0 >= area.x0 && x1 <= area.x1 && y0 >= area.y0 && y1 <= area.y1; }
};

// How a label's x relates to its text, as SVG's text-anchor.
enum class Anchor { Start, Middle, End };
std::string_view anchor_name(Anchor anchor);  // "start", "middle", "end"

// A place for a label: x and its baseline y, and the anchor.
struct Spot {
  double x = 0, y = 0;
  Anchor anchor = Anchor::Start;
};

// The box of `text` (UTF-8) drawn at `spot` in the charts' font.
Box label_box(std::string_view text, const Spot& spot);
// The box of a round point.
Box point_box(double cx, double cy, double r);

// Spots for the label of a horizontal line at `y` from `x0` to `x1`: at the end `first` names
// (End: the right, Start: the left), above the line, then below it, then step by step towards
// the other end.
std::vector<Spot> spots_along(double x0, double x1, double y, Anchor first = Anchor::End);
// Spots for the label of a vertical line at `x`: at `y_top` to its left, then to its right, then
// step by step down to `y_bottom`.
std::vector<Spot> spots_beside(double x, double y_top, double y_bottom);

// The first of `spots` whose box lies inside `area` and overlaps nothing in `taken`; the first
// spot when none does. The chosen box is added to `taken`, so the next label avoids it.
Spot place_label(std::string_view text, const std::vector<Spot>& spots, std::vector<Box>& taken, const Box& area);

}  // namespace toets::report
