// Where a chart's labels go (engine/report/chart_labels.hpp): clear of the points and of each other,
// inside the plot, and where they always were when nothing is in the way.

#include <gtest/gtest.h>

#include <vector>

#include "engine/report/chart_labels.hpp"

namespace toets::report {
namespace {

TEST(ChartLabels, ABoxIsSixAndAHalfPixelsACharacterAroundItsAnchor) {
  // "norm 15,00%": 11 characters, 71.5px; 8px above the baseline, 3px below, 1px of air.
  const Box end = label_box("norm 15,00%", Spot{316, 60, Anchor::End});
  EXPECT_DOUBLE_EQ(end.x0, 316 - 71.5 - 1);
  EXPECT_DOUBLE_EQ(end.x1, 316 + 1);
  EXPECT_DOUBLE_EQ(end.y0, 60 - 8 - 1);
  EXPECT_DOUBLE_EQ(end.y1, 60 + 3 + 1);
  const Box middle = label_box("ab", Spot{100, 50, Anchor::Middle});
  EXPECT_DOUBLE_EQ(middle.x0, 100 - 6.5 - 1);
  // Characters, not bytes: "€ 5" is 3 characters.
  EXPECT_DOUBLE_EQ(label_box("\xE2\x82\xAC 5", Spot{0, 20, Anchor::Start}).x1, 19.5 + 1);
}

TEST(ChartLabels, ALabelKeepsItsPlaceWhenNothingIsInTheWay) {
  std::vector<Box> taken;
  const Box plot{44, 0, 318, 126};
  const Spot at = place_label("norm 15,00%", spots_along(44, 318, 60), taken, plot);
  EXPECT_DOUBLE_EQ(at.x, 316);  // the right end, 2px in
  EXPECT_DOUBLE_EQ(at.y, 57);   // just above the line
  EXPECT_EQ(at.anchor, Anchor::End);
  ASSERT_EQ(taken.size(), 1u);  // the next label keeps clear of it
}

TEST(ChartLabels, ALabelMovesOffAPointAndOffAnotherLabel) {
  const Box plot{44, 0, 318, 126};
  // The last run's point sits just above the line, where the label would be.
  std::vector<Box> taken = {point_box(290, 54, 4.35)};
  const Spot first = place_label("norm 15,00%", spots_along(44, 318, 60), taken, plot);
  const Box placed = label_box("norm 15,00%", first);
  EXPECT_FALSE(placed.overlaps(taken.front()));
  EXPECT_TRUE(placed.inside(plot));
  EXPECT_DOUBLE_EQ(first.y, 71);  // below the line: the nearest free place
  // A second line 2px lower: its label avoids the point and the first label.
  const Spot second = place_label("signaal 7,50%", spots_along(44, 318, 62), taken, plot);
  const Box other = label_box("signaal 7,50%", second);
  EXPECT_FALSE(other.overlaps(placed));
  EXPECT_FALSE(other.overlaps(taken.front()));
  EXPECT_TRUE(other.inside(plot));
}

TEST(ChartLabels, PointsOnTheLineItselfPushTheLabelClearOfTheLine) {
  // A target of 0 that every group has reached: the points lie on the target line all along.
  const Box plot{44, 0, 318, 126};
  std::vector<Box> taken;
  for (double x = 48; x <= 318; x += 8) taken.push_back(point_box(x, 126, 3.2));
  const Spot at = place_label("doel: hoogstens 0", spots_along(44, 300, 126, Anchor::Start), taken, plot);
  const Box box = label_box("doel: hoogstens 0", at);
  for (std::size_t i = 0; i + 1 < taken.size(); ++i) EXPECT_FALSE(box.overlaps(taken[i])) << i;
  EXPECT_TRUE(box.inside(plot));
  EXPECT_LT(at.y, 126.0 - 3.2);
}

TEST(ChartLabels, WithNoFreePlaceTheFirstSpotIsKept) {
  const Box plot{0, 0, 50, 20};
  std::vector<Box> taken = {Box{0, 0, 50, 20}};
  const std::vector<Spot> spots = {Spot{48, 12, Anchor::End}, Spot{2, 12, Anchor::Start}};
  const Spot at = place_label("x", spots, taken, plot);
  EXPECT_DOUBLE_EQ(at.x, 48);
  EXPECT_EQ(taken.size(), 2u);
}

}  // namespace
}  // namespace toets::report
