// Dwellings of the generated data: the layout of dwellings over areas and corporations, each
// dwelling's lifetime, segment, rent and labels, and the universe for a stock size.
#include <algorithm>
#include <cstring>

#include "tools/generate/dwellings.hpp"
#include "tools/generate/random.hpp"

namespace toets::generate {

Layout make_layout(std::uint64_t dwellings) {
  Layout layout;
  for (std::uint16_t a = 0; a < areas().size(); ++a) {
    for (const CorpShare& share : areas()[a].corps) {
      layout.cells.push_back(Cell{a, share.corp, areas()[a].weight * share.weight});
    }
  }
  std::stable_sort(layout.cells.begin(), layout.cells.end(),
                   [](const Cell& x, const Cell& y) { return x.corp < y.corp; });
  std::uint64_t total = 0;
  for (const Cell& cell : layout.cells) total += cell.weight;
  std::uint64_t acc = 0;
  for (const Cell& cell : layout.cells) {
    layout.first.push_back(acc * dwellings / total);
    acc += cell.weight;
  }
  layout.first.push_back(dwellings);
  return layout;
}

void lifetime(std::uint64_t seed, std::uint64_t d, Corp corp, Dwelling& out) {
  Rng rng(hash3(seed, kDwelling, d));
  const std::uint32_t fate = rng.below(1000);
  out.first_snapshot = 0;
  out.last_snapshot = 5;
  out.new_build = false;
  // Portaal builds more (Stichtse Vecht: "per saldo substantial expansion" of the social stock).
  const std::uint32_t extra_built = corp == kPortaal ? 40 : 0;
  if (fate < 50 || (fate >= 90 && fate < 90 + extra_built)) {  // built during the period
    out.first_snapshot = static_cast<std::uint8_t>(1 + rng.below(5));
    out.new_build = true;
  } else if (fate < 65) {  // sold or demolished during the period
    out.last_snapshot = static_cast<std::uint8_t>(rng.below(5));
  } else if (fate < 90) {  // ... in the corporation's wave
    out.last_snapshot = static_cast<std::uint8_t>(kCorpInfo[corp].wave - 1);
  }
}

std::uint32_t cell_of(const Layout& layout, std::uint64_t d) {
  const auto it = std::upper_bound(layout.first.begin(), layout.first.end(), d);
  return static_cast<std::uint32_t>(it - layout.first.begin() - 1);
}
Corp corp_of(const Layout& layout, std::uint64_t d) { return layout.cells[cell_of(layout, d)].corp; }

Dwelling make_dwelling(std::uint64_t seed, const Layout& layout, std::uint64_t d) {
  Dwelling w;
  w.index = d;
  w.cell = cell_of(layout, d);
  const Cell& cell = layout.cells[w.cell];
  lifetime(seed, d, cell.corp, w);
  Rng rng(hash3(seed, kDwelling, d) ^ 0x5bd1e995u);
  w.corp = cell.corp;
  w.area = cell.area;
  const Area& area = areas()[w.area];
  w.neighbourhood = rng.permille(80)
                        ? 255
                        : static_cast<std::uint8_t>(rng.below(static_cast<std::uint32_t>(area.neighbourhoods.size())));
  const std::uint32_t s = rng.below(1000);
  w.segment = s < 860 ? kSociaal : (s < 950 ? kMiddenhuur : kVrijeSector);
  if (w.new_build && w.segment == kSociaal && rng.permille(150)) w.segment = kMiddenhuur;
  w.daeb = w.segment == kSociaal ? !rng.permille(25) : rng.permille(40);
  w.monument = !w.new_build && w.corp != kPlavei && rng.permille(15);
  w.monument_cell = w.monument ? 1 : (rng.permille(30) ? -1 : 0);  // empty: not a monument
  w.zero_step = rng.permille(40) ? -1 : (rng.permille(w.corp == kWoonzorg ? 900 : 250) ? 1 : 0);
  const bool terneuzen = std::strcmp(area.municipality, "Terneuzen") == 0;
  w.flex = rng.permille(60) ? -1 : (rng.permille(terneuzen ? 30 : 6) ? 1 : 0);
  if (w.segment == kSociaal && !w.new_build && rng.permille(15)) {
    w.liberalised_at = static_cast<std::uint8_t>(1 + rng.below(5));
  }
  switch (w.segment) {
    case kSociaal:
      w.rent_2021 = rng.range(40000, 74000);
      break;
    case kMiddenhuur:
      w.rent_2021 = rng.range(76000, 105000);
      break;
    case kVrijeSector:
      w.rent_2021 = rng.range(106000, 170000);
      break;
  }
  if (w.liberalised_at != 255) w.rent_2021 = rng.range(68000, 75000);

  // Labels: a first label, then a yearly chance of renovation. Never worse than the year before.
  const CorpInfo& info = kCorpInfo[w.corp];
  std::uint8_t label = 0;
  if (w.new_build) {
    label = static_cast<std::uint8_t>(rng.permille(400) ? 3 : kLabelA);  // A+ or A
    if (rng.permille(100)) label = 2;                                    // A++
  } else if (w.monument) {
    label = static_cast<std::uint8_t>(pick(rng, std::array<std::uint32_t, 5>{15, 15, 30, 25, 15}) + kLabelC);
  } else if (info.efg_start_pct == 0) {
    label = static_cast<std::uint8_t>(rng.permille(150) ? 3 : kLabelA);
    if (rng.permille(30)) label = kLabelB;  // improved to A in 2023
  } else if (rng.below(100) < info.efg_start_pct) {
    label = static_cast<std::uint8_t>(pick(rng, std::array<std::uint32_t, 3>{50, 32, 18}) + kLabelE);
  } else {
    label = static_cast<std::uint8_t>(pick(rng, std::array<std::uint32_t, 5>{4, 22, 28, 30, 16}) + 3);
  }
  const auto planned_year = static_cast<int>(1 + rng.below(kYears - 1));  // 2022-2026
  for (int s2 = 0; s2 < kYears; ++s2) {
    if (s2 > 0 && !w.monument) {
      Rng step(hash3(seed, kLabel, d * 8 + static_cast<std::uint64_t>(s2)));
      const std::uint32_t roll = step.below(1000);
      const bool renovate = info.planned ? s2 == planned_year : roll < info.renovate_permille;
      if (info.efg_start_pct == 0 && label == kLabelB && s2 == 2) {
        label = kLabelA;
      } else if (label >= kLabelE && renovate) {
        label = static_cast<std::uint8_t>(pick(step, std::array<std::uint32_t, 3>{35, 50, 15}) + kLabelA);
      } else if (label == kLabelD && roll < 60) {
        label = kLabelB;
      } else if (label == kLabelC && roll < 30) {
        label = kLabelB;
      }
    }
    w.label[static_cast<std::size_t>(s2)] = label;
  }
  return w;
}

Universe make_universe(std::uint64_t seed, std::uint64_t stock_rows, std::uint64_t allocations) {
  Universe u;
  u.seed = seed;
  const std::uint64_t hofjes_rows = static_cast<std::uint64_t>(kHofjesDwellings) * kYears;
  std::uint64_t wanted = stock_rows > hofjes_rows ? stock_rows - hofjes_rows : 0;
  if (stock_rows == 0) wanted = std::max<std::uint64_t>(6000, allocations * 2);  // lets need dwellings
  // As many dwellings as give at least `wanted` rows. A dwelling's snapshots depend on its
  // corporation, which depends on the number of dwellings (the layout): grow until enough; the
  // stock writer stops at exactly the rows asked for.
  std::uint64_t dwellings = wanted / 6 + 1;
  for (;;) {
    const Layout layout = make_layout(dwellings);
    std::uint64_t rows = 0;
    Dwelling w;
    for (std::size_t c = 0; c < layout.cells.size(); ++c) {
      for (std::uint64_t d = layout.first[c]; d < layout.first[c + 1]; ++d) {
        lifetime(seed, d, layout.cells[c].corp, w);
        rows += static_cast<std::uint64_t>(w.last_snapshot - w.first_snapshot + 1);
      }
    }
    if (rows >= wanted) break;
    dwellings += (wanted - rows) / 5 + 1;
  }
  u.dwellings = dwellings;
  u.layout = make_layout(u.dwellings);
  return u;
}

}  // namespace toets::generate
