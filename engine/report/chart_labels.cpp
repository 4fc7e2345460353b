#include "engine/report/chart_labels.hpp"

#include <iterator>

namespace toets::report {

namespace {

// The charts' font is 10px; 6.5px a character covers digits, lower case and most capitals of the
// usual sans-serif faces (Segoe UI, Arial, Liberation Sans, and DejaVu Sans, the widest of them:
// Chromium on Debian draws "Woongoed Zeeuws-Vla…" 123.7px wide, 6.2px a character). Above the baseline
// 8px, below it 3px (descenders), and 1px of air all round.
constexpr double kCharWidth = 6.5;
constexpr double kAscent = 8.0;
constexpr double kDescent = 3.0;
constexpr double kAir = 1.0;

std::size_t characters(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace

std::string_view anchor_name(Anchor anchor) {
  switch (anchor) {
    case Anchor::Start: return "start";
    case Anchor::Middle: return "middle";
    case Anchor::End: return "end";
  }
  return "start";
}

Box label_box(std::string_view text, const Spot& spot) {
  const double width = kCharWidth * static_cast<double>(characters(text));
  const double left = spot.anchor == Anchor::Start ? spot.x : spot.anchor == Anchor::Middle ? spot.x - width / 2 : spot.x - width;
  return Box{left - kAir, spot.y - kAscent - kAir, left + width + kAir, spot.y + kDescent + kAir};
}

Box point_box(double cx, double cy, double r) { return Box{cx - r, cy - r, cx + r, cy + r}; }

std::vector<Spot> spots_along(double x0, double x1, double y, Anchor first) {
  constexpr double kStep = 12;
  // Baselines: just above and just below the line; then clear of points lying on the line
  // itself; then a line further off.
  constexpr double kLevels[] = {-3, 11, -8, 16, -20, 28};
  std::vector<Spot> spots;
  for (std::size_t level = 0; level < std::size(kLevels); level += 2) {
    for (double shift = 0; shift <= x1 - x0; shift += kStep) {
      const double x = first == Anchor::Start ? x0 + 3 + shift : x1 - 2 - shift;
      spots.push_back(Spot{x, y + kLevels[level], first});
      spots.push_back(Spot{x, y + kLevels[level + 1], first});
    }
  }
  return spots;
}

std::vector<Spot> spots_beside(double x, double y_top, double y_bottom) {
  constexpr double kStep = 12;
  std::vector<Spot> spots;
  for (double y = y_top; y <= y_bottom; y += kStep) {
    spots.push_back(Spot{x - 3, y, Anchor::End});
    spots.push_back(Spot{x + 3, y, Anchor::Start});
  }
  return spots;
}

Spot place_label(std::string_view text, const std::vector<Spot>& spots, std::vector<Box>& taken, const Box& area) {
  for (const Spot& spot : spots) {
    const Box box = label_box(text, spot);
    if (!box.inside(area)) continue;
    bool clear = true;
    for (const Box& other : taken) clear = clear && !box.overlaps(other);
    if (!clear) continue;
    taken.push_back(box);
    return spot;
  }
  const Spot fallback = spots.empty() ? Spot{} : spots.front();
  taken.push_back(label_box(text, fallback));
  return fallback;
}

}  // namespace toets::report
