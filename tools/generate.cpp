// toets-generate: deterministic synthetic exports in the canonical data format
// (shared/design/data-format.md) for benchmarks and tests.
//
//   toets-generate [--seed S] [--allocations N] [--stock N] [--mutations N] [--projects N]
//                  [--out DIR] [--include-unknown-2024]
//
// Writes DIR/allocations.csv, stock.csv, mutations.csv and projects.csv (a file whose count is 0
// is not written). The same seed and sizes give the same bytes on every machine: the generator
// uses its own integer random numbers (splitmix64), never <random>'s distributions (whose output
// differs between standard libraries) and no floating point.
//
// What the data looks like (docs/performance.md has the full list):
// - the dwellings of nine corporations (Trivire, Woonbron, Clavis, Woongoed Zeeuws-Vlaanderen,
//   Portaal, Vecht en Omstreken, Vivare, Plavei, Woonzorg Nederland) in 14 municipalities, among
//   them Dordrecht, Terneuzen and Stichtse Vecht with their kernen, and Westervoort, weighted
//   roughly by their social stock;
// - stock: one row per dwelling per snapshot, 1 January 2021-2026, snapshot by snapshot, within a
//   snapshot sorted by dwelling id (so by corporation). Energy labels only improve: every year a
//   share of the E/F/G dwellings is renovated, fast at some corporations and slow at others, so
//   the E/F/G deadline rules find both on_track and at_risk. Monuments keep their labels. Some
//   dwellings are built, sold, demolished or liberalised over the period.
// - allocations: lets of those dwellings, 2021-2026 (the national parameter tables end at 2026),
//   sorted by contract date as a regional allocation system exports them, so the corporations are
//   interleaved. Per corporation and year the share of incomes above the DAEB limit follows a
//   pattern of 3.5%, 5%, 11% and 20%, so free-allocation rules find ok, signal and breach; incomes
//   have a tail far above the limits and sometimes sit exactly on a limit (inside it) or a cent
//   above it. Most lets are regular; Stichtse Vecht lets more to special groups (around 30%).
// - edge groups, a few hand-made rows written first, so that every rule also finds no_data groups
//   at any size: a small almshouse foundation in Dordrecht ("Stichting Dordtse Hofjes") whose
//   dwellings are all monuments and whose 2021 lets were middle rent to high incomes, and one
//   middle-rent let of Woonzorg Nederland in Stichtse Vecht in 2021.
//
// National rule BTIV-54a needs the passend-toewijzen limit for AOW-age households of 2+ persons,
// which national.toets marks `unknown` for 2024 (no official figure). A single such let makes the
// rule stop with an error, so by default the generator lets to AOW-age households of one person
// only in 2024; --include-unknown-2024 lifts that.

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------
// Random numbers: splitmix64, seeded per row from (seed, stream, row), so any row can be made
// on its own, in any order, by any thread, with the same result.

constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
constexpr std::uint64_t hash3(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  return mix64(mix64(mix64(a + 0x9E3779B97F4A7C15ull) ^ (b + 0x632BE59BD9B4E019ull)) ^ (c + 0x85157AF5ull));
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return mix64(state_ += 0x9E3779B97F4A7C15ull); }
  // Uniform in [0, n).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
  // Uniform in [lo, hi], both included.
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(next() % span);
  }
  bool permille(std::uint32_t p) { return below(1000) < p; }

 private:
  std::uint64_t state_;
};

// Streams: one per kind of record, so the files do not depend on one another's sizes.
enum Stream : std::uint64_t { kDwelling = 1, kLabel = 2, kAllocation = 3, kMutation = 4, kProject = 5, kProfile = 6 };

// Picks an index by integer weights.
template <std::size_t N>
std::size_t pick(Rng& rng, const std::array<std::uint32_t, N>& weights) {
  std::uint32_t total = 0;
  for (auto w : weights) total += w;
  std::uint32_t x = rng.below(total);
  for (std::size_t i = 0; i < N; ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return N - 1;
}

// ---------------------------------------------------------------------------------------------
// The national parameters (shared/design/domain.md), in cents, per year 2021-2026. The generator
// needs them to place incomes and rents around the limits; it does not read rules/.

constexpr int kFirstYear = 2021;
constexpr int kYears = 6;  // 2021-2026
constexpr std::array<std::int64_t, kYears> kDaeb1 = {4002400, 4076500, 4403500, 4769900, 4966900, 5153700};
constexpr std::array<std::int64_t, kYears> kDaeb2 = {4002400, 4501400, 4862500, 5267100, 5484700, 5691000};
constexpr std::array<std::int64_t, kYears> kPassend1 = {2372500, 2407500, 2547500, 2772500, 2837500, 2940000};
constexpr std::array<std::int64_t, kYears> kPassend2 = {3220000, 3267500, 3457500, 3762500, 3850000, 3992500};
constexpr std::array<std::int64_t, kYears> kPassendAow1 = {2365000, 2397500, 2507500, 2722500, 2777500, 2877500};
// 2024: no official figure (national.toets says `unknown`); 2023's is used only to place incomes.
constexpr std::array<std::int64_t, kYears> kPassendAow2 = {3207500, 3255000, 3380000, 3380000, 3735000, 3865000};
constexpr std::array<std::int64_t, kYears> kAftopLaag = {63325, 63325, 64719, 65043, 68296, 71302};
constexpr std::array<std::int64_t, kYears> kAftopHoog = {67866, 67866, 69360, 69707, 73193, 76414};
constexpr std::array<std::int64_t, kYears> kKwaliteit = {44246, 44246, 45220, 45447, 47720, 49820};
constexpr std::array<std::int64_t, kYears> kLiberalisatie = {75233, 76347, 80806, 87966, 90007, 93293};
// Rent level of the stock per snapshot relative to 2021, per mille (huursom increases).
constexpr std::array<std::int64_t, kYears> kRentIndex = {1000, 1000, 1023, 1054, 1110, 1160};
constexpr int kAowAge = 67;

// ---------------------------------------------------------------------------------------------
// Corporations and where their dwellings are.

enum Corp : std::uint8_t {
  kTrivire,
  kWoonbron,
  kClavis,
  kWzv,
  kPortaal,
  kVeo,
  kVivare,
  kPlavei,
  kWoonzorg,
  kHofjes,
  kCorps
};

struct CorpInfo {
  const char* name;
  const char* prefix;               // of its dwelling ids
  std::uint32_t renovate_permille;  // E/F/G dwellings renovated per year
  std::uint32_t efg_start_pct;      // share of E/F/G labels in 2021
  bool elderly;                     // lets mostly to older, small households
  bool planned;                     // renovates its E/F/G dwellings on a plan: all done by 2026
  std::uint8_t wave;                // snapshot from which a wave of sales and demolitions is gone
};
// Renovation rates: Clavis and Vivare fast enough to reach zero E/F/G by 2028 on a straight
// line (on_track); Woonbron, Woongoed ZVL, Vecht en Omstreken, Woonzorg too slow (at_risk).
// Trivire and Portaal work to a plan: every E/F/G dwelling (monuments aside) is renovated in one
// of the years 2022-2026, so the count falls to zero at the 2026 snapshot (ok after the
// deadline). Plavei's stock is label A (Westervoort notice), but for a few B labels until 2023.
// Every corporation loses 2.5% of its dwellings in one wave of sales and demolitions (its stock
// shrinks that year and grows in the others: the "stock grows" rules find both).
constexpr std::array<CorpInfo, kCorps> kCorpInfo = {{
    {"Trivire", "TRV", 0, 16, false, true, 3},
    {"Woonbron", "WBR", 70, 24, false, false, 3},
    {"Clavis", "CLA", 260, 18, false, false, 2},
    {"Woongoed Zeeuws-Vlaanderen", "WZV", 60, 22, false, false, 4},
    {"Portaal", "POR", 0, 17, false, true, 2},
    {"Vecht en Omstreken", "VEO", 90, 20, false, false, 5},
    {"Vivare", "VIV", 320, 15, false, false, 3},
    {"Plavei", "PLA", 300, 0, false, false, 4},
    {"Woonzorg Nederland", "WZN", 150, 12, true, false, 2},
    {"Stichting Dordtse Hofjes", "HOF", 0, 0, true, false, 5},
}};

struct CorpShare {
  Corp corp;
  std::uint32_t weight;
};
// An area: a municipality, or one kern of it; weight about its social stock in hundreds.
struct Area {
  const char* municipality;
  const char* kern;  // "" when the exports of that municipality leave the kern empty
  std::uint32_t weight;
  std::vector<CorpShare> corps;
  std::vector<const char*> neighbourhoods;
};

const std::vector<Area>& areas() {
  static const std::vector<Area> list = {
      {"Dordrecht",
       "",
       190,
       {{kTrivire, 52}, {kWoonbron, 48}},
       {"Binnenstad", "Crabbehof", "Wielwijk", "Oud-Krispijn", "Nieuw-Krispijn", "Sterrenburg", "Stadspolders",
        "Dubbeldam", "Reeland", "Staart", "Vogelbuurt", "Land van Valk"}},
      {"Papendrecht", "Papendrecht", 30, {{kTrivire, 100}}, {"Westpolder", "Molenvliet", "Kraaihoek", "Oostpolder"}},
      {"Rotterdam",
       "",
       400,
       {{kWoonbron, 93}, {kWoonzorg, 7}},
       {"Charlois", "Feijenoord", "IJsselmonde", "Delfshaven", "Prins Alexander", "Noord", "Kralingen", "Hoogvliet"}},
      {"Nissewaard", "Spijkenisse", 50, {{kWoonbron, 100}}, {"Groenewoud", "Maaswijk", "Waterland", "De Akkers"}},
      {"Terneuzen",
       "Terneuzen",
       36,
       {{kClavis, 85}, {kWzv, 15}},
       {"Terneuzen-Centrum", "Terneuzen-Noord", "Terneuzen-Zuid", "Othene", "Triniteit", "Zeldenrust"}},
      {"Terneuzen", "Axel", 8, {{kWzv, 80}, {kClavis, 20}}, {"Axel-Centrum", "Axel-Noord"}},
      {"Terneuzen", "Sas van Gent", 6, {{kWzv, 100}}, {"Sas van Gent"}},
      {"Terneuzen", "Sluiskil", 4, {{kWzv, 100}}, {"Sluiskil"}},
      {"Terneuzen", "Zaamslag", 4, {{kWzv, 100}}, {"Zaamslag"}},
      {"Terneuzen", "Hoek", 4, {{kWzv, 100}}, {"Hoek"}},
      {"Terneuzen", "Philippine", 2, {{kWzv, 100}}, {"Philippine"}},
      {"Terneuzen", "Westdorpe", 2, {{kWzv, 100}}, {"Westdorpe"}},
      {"Terneuzen", "Koewacht", 2, {{kWzv, 100}}, {"Koewacht"}},
      {"Terneuzen", "Biervliet", 1, {{kWzv, 100}}, {"Biervliet"}},
      {"Terneuzen", "Zuiddorpe", 1, {{kWzv, 100}}, {"Zuiddorpe"}},
      {"Hulst", "Hulst", 12, {{kWzv, 100}}, {"Hulst-Centrum", "Hulst-Zuid"}},
      {"Hulst", "Kloosterzande", 4, {{kWzv, 100}}, {"Kloosterzande"}},
      {"Hulst", "Clinge", 3, {{kWzv, 100}}, {"Clinge"}},
      {"Sluis", "Oostburg", 6, {{kWzv, 100}}, {"Oostburg"}},
      {"Sluis", "Breskens", 5, {{kWzv, 100}}, {"Breskens"}},
      {"Sluis", "Aardenburg", 3, {{kWzv, 100}}, {"Aardenburg"}},
      {"Stichtse Vecht",
       "Maarssen",
       28,
       {{kPortaal, 85}, {kVeo, 15}},
       {"Maarssenbroek", "Maarssen-dorp", "Op Buuren", "Antilopespoor", "Zogwetering"}},
      {"Stichtse Vecht",
       "Breukelen",
       12,
       {{kVeo, 60}, {kPortaal, 40}},
       {"Breukelen-Noord", "Breukelen-Zuid", "Oranjebuurt"}},
      {"Stichtse Vecht", "Loenen aan de Vecht", 5, {{kVeo, 100}}, {"Loenen aan de Vecht"}},
      {"Stichtse Vecht", "Kockengen", 3, {{kPortaal, 100}}, {"Kockengen"}},
      {"Stichtse Vecht", "Nigtevecht", 3, {{kVeo, 70}, {kPortaal, 30}}, {"Nigtevecht"}},
      {"Stichtse Vecht", "Nieuwer Ter Aa", 1, {{kVeo, 100}}, {"Nieuwer Ter Aa"}},
      {"Stichtse Vecht", "Vreeland", 1, {{kVeo, 100}}, {"Vreeland"}},
      {"Stichtse Vecht", "Nieuwersluis", 1, {{kVeo, 100}}, {"Nieuwersluis"}},
      {"Stichtse Vecht", "Tienhoven", 1, {{kPortaal, 100}}, {"Tienhoven"}},
      {"Stichtse Vecht", "Loenersloot", 1, {{kVeo, 100}}, {"Loenersloot"}},
      {"Stichtse Vecht", "Oud-Zuilen", 1, {{kPortaal, 100}}, {"Oud-Zuilen"}},
      {"Utrecht",
       "",
       320,
       {{kPortaal, 94}, {kWoonzorg, 6}},
       {"Overvecht", "Kanaleneiland", "Zuilen", "Lunetten", "Hoograven", "Leidsche Rijn", "Ondiep"}},
      {"Nijmegen", "", 140, {{kPortaal, 100}}, {"Dukenburg", "Lindenholt", "Hatert", "Oud-West", "Bottendaal"}},
      {"Arnhem",
       "",
       225,
       {{kVivare, 53}, {kPortaal, 40}, {kWoonzorg, 7}},
       {"Presikhaaf", "Malburgen", "Klarendal", "Geitenkamp", "Rijkerswoerd", "Elderveld"}},
      {"Westervoort",
       "Westervoort",
       25,
       {{kVivare, 70}, {kPlavei, 18}, {kWoonzorg, 12}},
       {"Westervoort-Noord", "Westervoort-Zuid", "Centrum"}},
      {"Duiven", "Duiven", 20, {{kVivare, 55}, {kPlavei, 45}}, {"Duiven-Oost", "Duiven-West", "Centrum"}},
      {"Duiven", "Groessen", 3, {{kPlavei, 100}}, {"Groessen"}},
  };
  return list;
}

// A cell: one corporation in one area. Dwellings are laid out cell by cell, cells ordered by
// corporation, so dwelling index order is dwelling id order is corporation order.
struct Cell {
  std::uint16_t area;
  Corp corp;
  std::uint32_t weight;  // per 10,000 of the area's... absolute: area weight x share
};

struct Layout {
  std::vector<Cell> cells;
  std::vector<std::uint64_t> first;  // first dwelling index of each cell; first.back() == dwellings
};

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

// ---------------------------------------------------------------------------------------------
// Dwellings. Everything about dwelling d follows from hash(seed, d): no table per dwelling is
// kept, so ten million dwellings cost no memory.

enum Segment : std::uint8_t { kSociaal, kMiddenhuur, kVrijeSector };
constexpr std::array<const char*, 3> kSegmentName = {"sociaal", "middenhuur", "vrije_sector"};
// Labels best first, as in the schema: A++++ ... G.
constexpr std::array<const char*, 11> kLabelName = {"A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G"};
constexpr std::uint8_t kLabelA = 4, kLabelB = 5, kLabelC = 6, kLabelD = 7, kLabelE = 8, kLabelF = 9, kLabelG = 10;

struct Dwelling {
  std::uint64_t index = 0;
  std::uint32_t cell = 0;
  Corp corp = kTrivire;
  std::uint16_t area = 0;
  std::uint8_t neighbourhood = 0;  // index into the area's list; 255: left empty
  Segment segment = kSociaal;      // in 2021 (or at entry)
  bool daeb = true;
  bool monument = false;
  std::int8_t monument_cell = 0;  // 0 false, 1 true, -1 empty
  std::int8_t zero_step = 0;
  std::int8_t flex = 0;
  std::uint8_t first_snapshot = 0;    // alive from this snapshot (0 = 2021) ...
  std::uint8_t last_snapshot = 5;     // ... to this one
  std::uint8_t liberalised_at = 255;  // from this snapshot on, middenhuur
  bool new_build = false;
  std::int64_t rent_2021 = 0;                // cents
  std::array<std::uint8_t, kYears> label{};  // per snapshot
};

// Which snapshots dwelling d of corporation `corp` appears in.
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

Segment segment_at(const Dwelling& w, int snapshot) {
  return w.liberalised_at != 255 && snapshot >= w.liberalised_at ? kMiddenhuur : w.segment;
}

// The almshouse foundation of the edge groups: eight monuments in Dordrecht, in every snapshot.
constexpr int kHofjesDwellings = 8;

// ---------------------------------------------------------------------------------------------
// Output: a buffered writer with hand-made number formatting.

class Writer {
 public:
  explicit Writer(const std::filesystem::path& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      std::cerr << "toets-generate: cannot write " << path << ": " << std::strerror(errno) << "\n";
      std::exit(2);
    }
    buffer_.resize(1 << 20);
  }
  ~Writer() { close(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void put(std::string_view text) {
    if (used_ + text.size() > buffer_.size()) flush();
    if (text.size() > buffer_.size()) {
      write(text.data(), text.size());
      return;
    }
    std::memcpy(buffer_.data() + used_, text.data(), text.size());
    used_ += text.size();
  }
  void put(char c) {
    if (used_ == buffer_.size()) flush();
    buffer_[used_++] = c;
  }
  void put_int(std::int64_t v) {
    char tmp[24];
    const auto res = std::to_chars(tmp, tmp + sizeof tmp, v);
    put(std::string_view(tmp, static_cast<std::size_t>(res.ptr - tmp)));
  }
  // A fixed-width zero-padded number, e.g. ids.
  void put_padded(std::uint64_t v, int width) {
    char tmp[24];
    for (int i = width - 1; i >= 0; --i) {
      tmp[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    put(std::string_view(tmp, static_cast<std::size_t>(width)));
  }
  // Cents as euros with two decimals: 61235 -> 612.35.
  void put_money(std::int64_t cents) {
    put_int(cents / 100);
    const auto rest = static_cast<int>(cents % 100);
    char tmp[3] = {'.', static_cast<char>('0' + rest / 10), static_cast<char>('0' + rest % 10)};
    put(std::string_view(tmp, 3));
  }
  void put_bool(int v) {  // -1: empty
    if (v > 0)
      put("true");
    else if (v == 0)
      put("false");
  }
  void close() {
    if (file_ == nullptr) return;
    flush();
    if (std::fclose(file_) != 0) fail();
    file_ = nullptr;
  }

 private:
  void flush() {
    write(buffer_.data(), used_);
    used_ = 0;
  }
  void write(const char* data, std::size_t size) {
    if (size > 0 && std::fwrite(data, 1, size, file_) != size) fail();
  }
  [[noreturn]] void fail() {
    std::cerr << "toets-generate: writing " << path_ << " failed: " << std::strerror(errno) << "\n";
    std::exit(2);
  }

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
};

// Dates: days from 2021-01-01, formatted from a table.
struct Calendar {
  static constexpr int kDays = 2191;  // 2021-01-01 .. 2026-12-31
  std::vector<std::array<char, 10>> text;
  std::vector<std::uint8_t> year_index;
  Calendar() {
    constexpr std::array<int, 12> month_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int y = kFirstYear; y < kFirstYear + kYears; ++y) {
      const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      for (int m = 1; m <= 12; ++m) {
        const int days = month_days[static_cast<std::size_t>(m - 1)] + (m == 2 && leap ? 1 : 0);
        for (int d = 1; d <= days; ++d) {
          const std::array<char, 10> t = {static_cast<char>('0' + y / 1000),
                                          static_cast<char>('0' + y / 100 % 10),
                                          static_cast<char>('0' + y / 10 % 10),
                                          static_cast<char>('0' + y % 10),
                                          '-',
                                          static_cast<char>('0' + m / 10),
                                          static_cast<char>('0' + m % 10),
                                          '-',
                                          static_cast<char>('0' + d / 10),
                                          static_cast<char>('0' + d % 10)};
          text.push_back(t);
          year_index.push_back(static_cast<std::uint8_t>(y - kFirstYear));
        }
      }
    }
  }
  std::string_view date(int day) const { return {text[static_cast<std::size_t>(day)].data(), 10}; }
  // Day offset of 1 January of year index y.
  int new_year(int y) const {
    int day = 0;
    while (year_index[static_cast<std::size_t>(day)] < y) ++day;
    return day;
  }
};

const Calendar& calendar() {
  static const Calendar c;
  return c;
}

// ---------------------------------------------------------------------------------------------
// The universe of dwellings for a stock size: as many dwellings as give `rows` stock rows.

struct Universe {
  std::uint64_t seed = 0;
  std::uint64_t dwellings = 0;
  Layout layout;
};

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

void write_dwelling_id(Writer& out, Corp corp, std::uint64_t d) {
  out.put(kCorpInfo[corp].prefix);
  out.put_padded(d, 9);
}

// ---------------------------------------------------------------------------------------------
// stock.csv

void write_stock(const Universe& u, std::uint64_t rows, const std::filesystem::path& path) {
  Writer out(path);
  out.put(
      "dwelling_id,snapshot_date,corporation,municipality,kern,neighbourhood,segment,daeb,rent,energy_label,"
      "monument,zero_step,flex\n");
  const Calendar& cal = calendar();
  std::uint64_t written = 0;
  // One pass per snapshot; dwellings are rebuilt from their hash each time (cheaper than keeping
  // them: a dwelling is ~100 bytes, ten million of them a gigabyte).
  for (int s = 0; s < kYears && written < rows; ++s) {
    const std::string_view date = cal.date(cal.new_year(s));
    for (int h = 0; h < kHofjesDwellings && written < rows; ++h, ++written) {
      static constexpr std::array<const char*, kHofjesDwellings> labels = {"E", "F", "G", "D", "E", "C", "F", "G"};
      out.put("HOF");
      out.put_padded(static_cast<std::uint64_t>(h), 9);
      out.put(',');
      out.put(date);
      out.put(",Stichting Dordtse Hofjes,Dordrecht,,Binnenstad,sociaal,true,");
      out.put_money((52000 + h * 1500) * kRentIndex[static_cast<std::size_t>(s)] / 1000);
      out.put(',');
      out.put(labels[static_cast<std::size_t>(h)]);
      out.put(",true,false,false\n");
    }
    for (std::uint64_t d = 0; d < u.dwellings && written < rows; ++d) {
      Dwelling lite;
      lifetime(u.seed, d, corp_of(u.layout, d), lite);
      if (s < lite.first_snapshot || s > lite.last_snapshot) continue;
      const Dwelling w = make_dwelling(u.seed, u.layout, d);
      const Area& area = areas()[w.area];
      write_dwelling_id(out, w.corp, d);
      out.put(',');
      out.put(date);
      out.put(',');
      out.put(kCorpInfo[w.corp].name);
      out.put(',');
      out.put(area.municipality);
      out.put(',');
      out.put(area.kern);
      out.put(',');
      if (w.neighbourhood != 255) out.put(area.neighbourhoods[w.neighbourhood]);
      out.put(',');
      const Segment segment = segment_at(w, s);
      out.put(kSegmentName[segment]);
      out.put(',');
      out.put_bool(segment == kSociaal ? w.daeb : 0);
      out.put(',');
      // Portaal raises its rents more in 2026 (Stichtse Vecht 3.2.1 then signals).
      const std::int64_t index = w.corp == kPortaal && s == 5 ? 1220 : kRentIndex[static_cast<std::size_t>(s)];
      out.put_money(w.rent_2021 * index / 1000);
      out.put(',');
      out.put(kLabelName[w.label[static_cast<std::size_t>(s)]]);
      out.put(',');
      out.put_bool(w.monument_cell);
      out.put(',');
      out.put_bool(w.zero_step);
      out.put(',');
      out.put_bool(w.flex);
      out.put('\n');
      ++written;
    }
  }
  out.close();
}

// ---------------------------------------------------------------------------------------------
// allocations.csv

enum Channel : std::uint8_t {
  kRegulier,
  kHerstructurering,
  kUrgent,
  kStatushouder,
  kUitstroom,
  kWonenEerst,
  kVitaal,
  kStarter,
  kDirect,
  kOverig
};
constexpr std::array<const char*, 10> kChannelName = {
    "regulier",    "herstructurering", "urgent",  "statushouder",        "uitstroom_mobw",
    "wonen_eerst", "vitaal_beroep",    "starter", "directe_bemiddeling", "overig"};

// Per corporation and year: the share (per mille) of lets of social homes to incomes above the
// DAEB limit: 3.5%, 5%, 11%, 20% in turn, so that over the years every corporation is once ok,
// once at a signal and once in breach of a 7.5%/15% rule.
std::uint32_t above_limit_permille(Corp corp, int year_index) {
  static constexpr std::array<std::uint32_t, 4> pattern = {35, 50, 110, 200};
  return pattern[static_cast<std::size_t>(corp * 3 + year_index) % 4];
}
// Per corporation and year: the share (per mille) of lets to passend-toewijzen households that
// get a rent at or below the aftoppingsgrens: 98.5%, 97%, 90% in turn (BTIV-54a: at least 95%).
std::uint32_t passend_permille(Corp corp, int year_index) {
  static constexpr std::array<std::uint32_t, 3> pattern = {985, 970, 900};
  return pattern[static_cast<std::size_t>(corp + year_index) % 3];
}
// Per corporation, area and year: the share (per mille) of regular lets (regulier and
// herstructurering). Around 86% as a rule, 9 points lower in one year of three per corporation
// (below 80% over its whole portfolio), and varying by kern; around 66% in Stichtse Vecht, which
// lets about 30% to special groups.
std::uint32_t regular_permille(std::uint64_t seed, Corp corp, std::uint32_t area, int year_index) {
  const bool stichtse_vecht = std::strcmp(areas()[area].municipality, "Stichtse Vecht") == 0;
  static constexpr std::array<std::int32_t, 3> shift = {-90, 0, 30};
  Rng rng(hash3(seed, kProfile,
                (static_cast<std::uint64_t>(corp) << 32) | (area << 8) | static_cast<std::uint32_t>(year_index)));
  const auto noise = static_cast<std::int32_t>(rng.below(80)) - 50;  // -5% .. +3%
  return static_cast<std::uint32_t>((stichtse_vecht ? 665 : 860) +
                                    shift[static_cast<std::size_t>(corp + year_index) % 3] + noise);
}

// Per corporation and year: the share (per mille) of lets of social homes to incomes at or below
// the passend-toewijzen limit (huurtoeslag). Vecht en Omstreken lets more to them, below its 70%
// aim (Stichtse Vecht 3.2.4) in odd years and above it in even years.
std::uint32_t low_income_permille(Corp corp, int year_index) {
  if (corp == kVeo) return year_index % 2 == 0 ? 640 : 880;
  return 580;
}

struct Household {
  int size = 1;
  int age = 40;
};

Household make_household(Rng& rng, Corp corp, int year_index, bool include_unknown_2024) {
  Household h;
  if (kCorpInfo[corp].elderly) {
    h.size = rng.permille(700) ? 1 : 2;
    h.age = static_cast<int>(rng.permille(800) ? rng.range(67, 96) : rng.range(55, 66));
  } else {
    h.size = static_cast<int>(pick(rng, std::array<std::uint32_t, 7>{45, 27, 13, 9, 4, 1, 1}) + 1);
    const std::uint32_t a = rng.below(1000);
    h.age = static_cast<int>(a < 70 ? rng.range(18, 22) : (a < 760 ? rng.range(23, 66) : rng.range(67, 94)));
  }
  if (!include_unknown_2024 && year_index == 2024 - kFirstYear && h.age >= kAowAge) h.size = 1;
  return h;
}

std::int64_t whole_or_cents(Rng& rng, std::int64_t cents) { return rng.permille(500) ? cents - cents % 100 : cents; }

void write_allocation_row(Writer& out, std::string_view id, const char* corp, const Area& area, int neighbourhood,
                          std::string_view date, std::string_view dwelling_prefix, std::uint64_t dwelling,
                          Segment segment, bool daeb, int new_build, std::int64_t rent, int size, std::int64_t income,
                          int age, Channel channel, int label, bool omit_kern = false) {
  out.put(id);
  out.put(',');
  out.put(corp);
  out.put(',');
  out.put(area.municipality);
  out.put(',');
  if (!omit_kern) out.put(area.kern);
  out.put(',');
  if (neighbourhood >= 0) out.put(area.neighbourhoods[static_cast<std::size_t>(neighbourhood)]);
  out.put(',');
  out.put(date);
  out.put(',');
  out.put(dwelling_prefix);
  out.put_padded(dwelling, 9);
  out.put(',');
  out.put(kSegmentName[segment]);
  out.put(',');
  out.put_bool(daeb);
  out.put(',');
  out.put_bool(new_build);
  out.put(',');
  out.put_money(rent);
  out.put(',');
  out.put_int(size);
  out.put(',');
  out.put_money(income);
  out.put(',');
  out.put_int(age);
  out.put(',');
  out.put(kChannelName[channel]);
  out.put(',');
  if (label >= 0) out.put(kLabelName[static_cast<std::size_t>(label)]);
  out.put('\n');
}

const Area& area_named(const char* municipality, const char* kern) {
  for (const Area& area : areas()) {
    if (std::strcmp(area.municipality, municipality) == 0 && std::strcmp(area.kern, kern) == 0) return area;
  }
  std::abort();
}

// The hand-made edge lets: groups that rules must report as no_data.
std::uint64_t write_edge_allocations(Writer& out) {
  const Calendar& cal = calendar();
  const Area& dordrecht = area_named("Dordrecht", "");
  // 2021: the almshouse foundation let three middle-rent homes to high incomes: no DAEB social
  // lets (free-allocation rules), no rent under the liberalisatiegrens (Woningwet-48), no
  // passend-toewijzen household (BTIV-54a), no social lets (regular-lets rules).
  write_allocation_row(out, "X000001", "Stichting Dordtse Hofjes", dordrecht, 0, cal.date(40), "HOF", 0, kMiddenhuur,
                       false, 0, 89000, 2, 7150000, 58, kRegulier, kLabelD);
  write_allocation_row(out, "X000002", "Stichting Dordtse Hofjes", dordrecht, 0, cal.date(170), "HOF", 3, kMiddenhuur,
                       false, 0, 91250, 1, 6400000, 71, kRegulier, kLabelD);
  write_allocation_row(out, "X000003", "Stichting Dordtse Hofjes", dordrecht, 0, cal.date(300), "HOF", 5, kVrijeSector,
                       false, 0, 112000, 2, 8825050, 66, kDirect, kLabelC);
  // 2024: four social lets, all inside every limit.
  const int y2024 = cal.new_year(3);
  write_allocation_row(out, "X000004", "Stichting Dordtse Hofjes", dordrecht, 0, cal.date(y2024 + 20), "HOF", 1,
                       kSociaal, true, 0, 60000, 1, 2100000, 72, kRegulier, kLabelF);
  write_allocation_row(out, "X000005", "Stichting Dordtse Hofjes", dordrecht, 0, cal.date(y2024 + 90), "HOF", 2,
                       kSociaal, true, 0, 61500, 1, 2650000, 80, kRegulier, kLabelG);
  write_allocation_row(out, "X000006", "Stichting Dordtse Hofjes", dordrecht, 0, cal.date(y2024 + 200), "HOF", 4,
                       kSociaal, true, 0, 62000, 1, 2722500, 68, kUrgent, kLabelE);
  write_allocation_row(out, "X000007", "Stichting Dordtse Hofjes", dordrecht, 0, cal.date(y2024 + 300), "HOF", 6,
                       kSociaal, true, 0, 60250, 1, 1980000, 75, kRegulier, kLabelF);
  // 2021: Woonzorg Nederland's only let in Stichtse Vecht was a middle-rent home (no social let
  // to measure the share of special groups in).
  const Area& maarssen = area_named("Stichtse Vecht", "Maarssen");
  write_allocation_row(out, "X000008", "Woonzorg Nederland", maarssen, 0, cal.date(200), "WZN", 999999999, kMiddenhuur,
                       false, 0, 97500, 2, 5900000, 74, kRegulier, kLabelB);
  return 8;
}

// Programmes that agreements count in absolute numbers per year, not as shares: Wonen Eerst
// (Dordrecht 2.7: at most 50 a year) and households leaving institutions (Dordrecht 4.4: about
// 40 a year), and Vivare's starters pilot in Westervoort (8 a year). Written as fixed schedules,
// the same at every size, so those rules find both sides of their thresholds; the bulk never
// uses these channels there. Only for 20,000 lets or more.
struct Schedule {
  const char* municipality;
  const char* kern;
  std::array<Corp, 2> corps;  // taking turns
  Channel channel;
  std::array<int, kYears> per_year;
};
constexpr std::array<Schedule, 3> kSchedules = {{
    {"Dordrecht", "", {kTrivire, kWoonbron}, kWonenEerst, {31, 44, 58, 47, 53, 39}},
    {"Dordrecht", "", {kTrivire, kWoonbron}, kUitstroom, {42, 36, 45, 38, 41, 44}},
    {"Westervoort", "Westervoort", {kVivare, kVivare}, kStarter, {8, 5, 9, 8, 6, 10}},
}};
constexpr std::uint64_t kScheduleMinimum = 20000;

std::uint64_t write_schedule_allocations(Writer& out, std::uint64_t seed) {
  const Calendar& cal = calendar();
  std::uint64_t written = 0;
  char id[16] = "S";
  for (const Schedule& schedule : kSchedules) {
    const Area& area = area_named(schedule.municipality, schedule.kern);
    for (int y = 0; y < kYears; ++y) {
      const int n = schedule.per_year[static_cast<std::size_t>(y)];
      const int first = cal.new_year(y);
      const int days = (y + 1 < kYears ? cal.new_year(y + 1) : Calendar::kDays) - first;
      for (int k = 0; k < n; ++k) {
        Rng rng(hash3(seed, kAllocation ^ 0xabcdefull, written));
        const Corp corp = schedule.corps[static_cast<std::size_t>(k % 2)];
        const std::size_t yi = static_cast<std::size_t>(y);
        const int size = rng.permille(700) ? 1 : 2;
        const std::int64_t income = whole_or_cents(rng, rng.range(900000, size == 1 ? kPassend1[yi] : kPassend2[yi]));
        const std::int64_t aftop = kAftopLaag[yi];
        const auto id_size = static_cast<std::size_t>(std::to_chars(id + 1, id + sizeof id, written + 1).ptr - id);
        write_allocation_row(out, std::string_view(id, id_size), kCorpInfo[corp].name, area,
                             static_cast<int>(rng.below(static_cast<std::uint32_t>(area.neighbourhoods.size()))),
                             cal.date(first + k * days / n), kCorpInfo[corp].prefix, 900000000 + written, kSociaal,
                             true, 0, rng.range(kKwaliteit[yi], aftop), size, income,
                             static_cast<int>(rng.range(19, schedule.channel == kStarter ? 34 : 60)), schedule.channel,
                             static_cast<int>(kLabelB + rng.below(3)));
        ++written;
      }
    }
  }
  return written;
}

void write_allocations(const Universe& u, std::uint64_t rows, bool include_unknown_2024,
                       const std::filesystem::path& path) {
  Writer out(path);
  out.put(
      "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,"
      "new_build,rent,household_size,household_income,applicant_age,channel,energy_label\n");
  const Calendar& cal = calendar();
  std::uint64_t edge = rows >= 8 ? write_edge_allocations(out) : 0;
  if (rows >= kScheduleMinimum) edge += write_schedule_allocations(out, u.seed);
  const std::uint64_t bulk = rows - edge;
  char id[16] = "L";
  for (std::uint64_t i = 0; i < bulk; ++i) {
    Rng rng(hash3(u.seed, kAllocation, i));
    // Sorted by contract date: row i of n falls on day i * days / n.
    const int day = static_cast<int>(i * static_cast<std::uint64_t>(Calendar::kDays) / bulk);
    const int y = cal.year_index[static_cast<std::size_t>(day)];
    // A dwelling that exists in that year (the snapshot of 1 January of it).
    Dwelling w;
    for (int tries = 0;; ++tries) {
      const std::uint64_t d = rng.next() % u.dwellings;
      lifetime(u.seed, d, corp_of(u.layout, d), w);
      if ((y >= w.first_snapshot && y <= w.last_snapshot) || tries == 8) {
        w = make_dwelling(u.seed, u.layout, d);
        break;
      }
    }
    const Area& area = areas()[w.area];
    const Corp corp = w.corp;
    const Segment segment = segment_at(w, y);
    const bool daeb = segment == kSociaal && w.daeb;
    const Household h = make_household(rng, corp, y, include_unknown_2024);
    const std::size_t yi = static_cast<std::size_t>(y);

    // Channel.
    Channel channel = kRegulier;
    const bool terneuzen = std::strcmp(area.municipality, "Terneuzen") == 0;
    const bool stichtse_vecht = std::strcmp(area.municipality, "Stichtse Vecht") == 0;
    if (rng.below(1000) < regular_permille(u.seed, corp, w.area, y)) {
      channel = rng.permille(terneuzen ? 90 : 20) ? kHerstructurering : kRegulier;
    } else if (stichtse_vecht) {
      // Statushouders: about half of the special groups, a third in odd years.
      const std::uint32_t statushouder = y % 2 == 0 ? 42 : 22;
      channel =
          static_cast<Channel>(kUrgent + pick(rng, std::array<std::uint32_t, 8>{25, statushouder, 15, 4, 5, 1, 6, 2}));
    } else {
      channel = static_cast<Channel>(kUrgent + pick(rng, std::array<std::uint32_t, 8>{30, 30, 12, 3, 6, 3, 12, 4}));
    }
    // Programmes counted in absolute numbers come from the schedules (write_schedule_allocations).
    const bool dordrecht = std::strcmp(area.municipality, "Dordrecht") == 0;
    const bool westervoort = std::strcmp(area.municipality, "Westervoort") == 0;
    if (dordrecht && (channel == kWonenEerst || channel == kUitstroom)) channel = kUrgent;
    if (westervoort && channel == kStarter) channel = kRegulier;
    if (segment != kSociaal && channel != kRegulier && channel != kDirect && rng.permille(800)) channel = kRegulier;

    // Income, in cents: around and above the limits, sometimes exactly on one.
    const std::int64_t daeb_limit = h.size == 1 ? kDaeb1[yi] : kDaeb2[yi];
    const bool aow = h.age >= kAowAge;
    const std::int64_t passend_limit =
        aow ? (h.size == 1 ? kPassendAow1[yi] : kPassendAow2[yi]) : (h.size == 1 ? kPassend1[yi] : kPassend2[yi]);
    std::uint32_t above = segment == kSociaal ? above_limit_permille(corp, y) : 600;
    if (channel == kStatushouder || channel == kUitstroom || channel == kWonenEerst) above /= 4;
    std::int64_t income = 0;
    if (rng.below(1000) < above) {
      const std::uint32_t r = rng.below(1000);
      if (r < 30)
        income = daeb_limit + 1;  // one cent above
      else if (r < 750)
        income = whole_or_cents(rng, daeb_limit + rng.range(100, 1500000));
      else
        income = whole_or_cents(rng, daeb_limit + rng.range(1500000, 9000000));  // the tail
    } else {
      const std::uint32_t r = rng.below(1000);
      if (r < 12)
        income = daeb_limit;  // exactly on the limit: inside it
      else if (segment != kSociaal)
        income = whole_or_cents(rng, rng.range(passend_limit + 1, daeb_limit));
      else if (r < 20)
        income = passend_limit;
      else if (r < 21)
        income = passend_limit + 1;
      else if (r < low_income_permille(corp, y))
        income = whole_or_cents(rng, rng.range(900000, passend_limit));
      else
        income = whole_or_cents(rng, rng.range(passend_limit + 1, daeb_limit));
    }

    // Rent, in cents: passend toewijzen decides for low incomes.
    const std::int64_t aftop = h.size <= 2 ? kAftopLaag[yi] : kAftopHoog[yi];
    const std::int64_t lib = kLiberalisatie[yi];
    std::int64_t rent = 0;
    if (segment == kSociaal) {
      if (income <= passend_limit) {
        if (rng.below(1000) < passend_permille(corp, y)) {
          rent = rng.permille(20) ? aftop : rng.range(kKwaliteit[yi] * 85 / 100, aftop);
        } else {
          rent = rng.range(aftop + 1, lib);
        }
      } else {
        rent = rng.permille(10) ? lib : rng.range(kKwaliteit[yi], lib);
      }
    } else if (segment == kMiddenhuur) {
      rent = rng.range(lib + 1, lib + 30000);
    } else {
      rent = rng.range(lib + 25000, lib + 90000);
    }

    // Ids, date, the rest.
    const auto id_size = static_cast<std::size_t>(std::to_chars(id + 1, id + sizeof id, i + 1).ptr - id);
    const int new_build = rng.permille(60) ? -1 : (w.new_build && w.first_snapshot == y ? 1 : 0);
    const int label = rng.permille(40) ? -1 : w.label[yi];
    write_allocation_row(out, std::string_view(id, id_size), kCorpInfo[corp].name, area,
                         w.neighbourhood == 255 ? -1 : w.neighbourhood, cal.date(day), kCorpInfo[corp].prefix, w.index,
                         segment, daeb, new_build, rent, h.size, income, h.age, channel, label,
                         terneuzen && rng.permille(3));  // an export that lost the kern
  }
  out.close();
}

// ---------------------------------------------------------------------------------------------
// mutations.csv

enum Kind : std::uint8_t { kNieuwbouw, kAankoop, kVerkoop, kSloop, kLiberalisering, kTransformatie, kOptoppen };
constexpr std::array<const char*, 7> kKindName = {"nieuwbouw",     "aankoop",       "verkoop", "sloop",
                                                  "liberalisatie", "transformatie", "optoppen"};

// The stock changes that the agreements plan in absolute numbers per corporation and year
// (Dordrecht 2026-2027 Bijlage 2 and 3, Terneuzen 2022-2025 Bijlage 1, Stichtse Vecht 3.1.9,
// Westervoort), as fixed schedules: the same at every size, around the planned figures, some
// years below and some above. The bulk of --mutations is spread over the other municipalities.
struct MutationSchedule {
  const char* municipality;
  Corp corp;
  Kind kind;
  std::array<int, kYears> per_year;
};

std::vector<MutationSchedule> mutation_schedules() {
  std::vector<MutationSchedule> list = {
      {"Dordrecht", kTrivire, kNieuwbouw, {40, 35, 50, 45, 60, 84}},   // 2026 plan 80: met
      {"Dordrecht", kWoonbron, kNieuwbouw, {55, 60, 48, 70, 65, 97}},  // 2026 plan 121: short
      {"Dordrecht", kTrivire, kVerkoop, {1, 2, 4, 0, 2, 3}},           // forecast 1-2 a year
      {"Dordrecht", kWoonbron, kVerkoop, {22, 25, 28, 26, 24, 30}},    // forecast 56 in 2026-2027
      {"Dordrecht", kWoonbron, kLiberalisering, {3, 4, 5, 4, 6, 9}},   // forecast 8 in 2026-2027
      {"Dordrecht", kTrivire, kSloop, {10, 0, 24, 12, 8, 6}},
      {"Dordrecht", kWoonbron, kSloop, {20, 15, 30, 18, 22, 16}},
      {"Stichtse Vecht", kPortaal, kVerkoop, {20, 22, 25, 24, 26, 28}},  // at most 180 in 2025-2030
      {"Stichtse Vecht", kVeo, kVerkoop, {8, 9, 12, 10, 34, 36}},        // at most 60: exceeded
      {"Stichtse Vecht", kPortaal, kNieuwbouw, {30, 40, 25, 35, 50, 45}},
      {"Stichtse Vecht", kVeo, kNieuwbouw, {10, 12, 0, 15, 20, 18}},
      {"Westervoort", kVivare, kVerkoop, {0, 1, 0, 0, 2, 0}},  // "no sales" as a rule
      {"Westervoort", kVivare, kNieuwbouw, {0, 12, 0, 8, 0, 20}},
      {"Westervoort", kPlavei, kNieuwbouw, {0, 0, 6, 0, 0, 0}},
  };
  // Terneuzen Bijlage 1, 2022-2025 (2021 and 2026 as the nearest planned year), times 0.7, 1.0
  // or 1.3 in turn: too few new or bought homes, or too many sold or demolished, in some years.
  struct Plan {
    Corp corp;
    Kind kind;
    std::array<int, 4> planned;
  };
  static constexpr std::array<Plan, 8> plans = {{
      {kClavis, kAankoop, {3, 3, 3, 3}},
      {kClavis, kNieuwbouw, {28, 64, 29, 0}},
      {kClavis, kVerkoop, {12, 12, 12, 12}},
      {kClavis, kSloop, {0, 66, 13, 0}},
      {kWzv, kAankoop, {3, 2, 3, 0}},
      {kWzv, kNieuwbouw, {21, 26, 52, 58}},
      {kWzv, kVerkoop, {6, 3, 7, 6}},
      {kWzv, kSloop, {46, 37, 34, 10}},
  }};
  for (const Plan& plan : plans) {
    MutationSchedule schedule{"Terneuzen", plan.corp, plan.kind, {}};
    for (int y = 0; y < kYears; ++y) {
      const int planned = plan.planned[static_cast<std::size_t>(std::clamp(y - 1, 0, 3))];
      static constexpr std::array<int, 3> tenths = {7, 10, 13};
      const int f = tenths[static_cast<std::size_t>(plan.corp + y + plan.kind) % 3];
      schedule.per_year[static_cast<std::size_t>(y)] = planned == 0 ? (f == 13 ? 1 : 0) : (planned * f + 5) / 10;
    }
    list.push_back(schedule);
  }
  return list;
}

void write_mutation_row(Writer& out, std::uint64_t number, std::string_view dwelling_prefix, std::uint64_t dwelling,
                        Corp corp, const Area& area, std::string_view date, Kind kind, Segment segment) {
  out.put('M');
  out.put_padded(number, 9);
  out.put(',');
  if (!dwelling_prefix.empty()) {
    out.put(dwelling_prefix);
    out.put_padded(dwelling, 9);
  }
  out.put(',');
  out.put(kCorpInfo[corp].name);
  out.put(',');
  out.put(area.municipality);
  out.put(',');
  out.put(area.kern);
  out.put(',');
  out.put(date);
  out.put(',');
  out.put(kKindName[kind]);
  out.put(',');
  out.put(kSegmentName[segment]);
  out.put('\n');
}

bool scheduled_municipality(const char* municipality) {
  for (const char* name : {"Dordrecht", "Terneuzen", "Stichtse Vecht", "Westervoort"}) {
    if (std::strcmp(municipality, name) == 0) return true;
  }
  return false;
}

void write_mutations(const Universe& u, std::uint64_t rows, const std::filesystem::path& path) {
  Writer out(path);
  out.put("mutation_id,dwelling_id,corporation,municipality,kern,date,kind,segment\n");
  const Calendar& cal = calendar();
  std::uint64_t number = 0;
  for (const MutationSchedule& schedule : mutation_schedules()) {
    // The corporation's areas in the municipality, by weight.
    std::vector<const Area*> where;
    for (const Area& area : areas()) {
      if (std::strcmp(area.municipality, schedule.municipality) != 0) continue;
      for (const CorpShare& share : area.corps) {
        if (share.corp == schedule.corp) where.insert(where.end(), area.weight, &area);
      }
    }
    for (int y = 0; y < kYears; ++y) {
      const int n = schedule.per_year[static_cast<std::size_t>(y)];
      const int first = cal.new_year(y);
      const int days = (y + 1 < kYears ? cal.new_year(y + 1) : Calendar::kDays) - first;
      for (int k = 0; k < n; ++k, ++number) {
        Rng rng(hash3(u.seed, kMutation ^ 0x5c4edull, number));
        const Area& area = *where[rng.below(static_cast<std::uint32_t>(where.size()))];
        const bool no_id = schedule.kind == kNieuwbouw && !rng.permille(300);
        write_mutation_row(out, number + 1, no_id ? "" : kCorpInfo[schedule.corp].prefix, 800000000 + number,
                           schedule.corp, area, cal.date(first + k * days / n), schedule.kind, kSociaal);
      }
    }
  }
  const std::uint64_t bulk = rows > number ? rows - number : 0;
  for (std::uint64_t i = 0; i < bulk; ++i) {
    Rng rng(hash3(u.seed, kMutation, i));
    const int day = static_cast<int>(i * static_cast<std::uint64_t>(Calendar::kDays) / bulk);
    Dwelling w = make_dwelling(u.seed, u.layout, rng.next() % u.dwellings);
    for (int tries = 0; tries < 8 && scheduled_municipality(areas()[w.area].municipality); ++tries) {
      w = make_dwelling(u.seed, u.layout, rng.next() % u.dwellings);
    }
    const Area& area = areas()[w.area];
    const std::size_t kind = pick(rng, std::array<std::uint32_t, 7>{34, 7, 26, 13, 11, 5, 4});
    Segment segment = w.segment;
    if (kind == 0 || kind == 5 || kind == 6) {  // new homes: mostly social
      const std::uint32_t s = rng.below(100);
      segment = s < 70 ? kSociaal : (s < 90 ? kMiddenhuur : kVrijeSector);
    } else if (kind == 4) {
      segment = kSociaal;  // the segment of the dwelling before it was liberalised
    }
    const bool no_id = kind == kNieuwbouw && !rng.permille(300);  // a new dwelling often has no VHE number yet
    write_mutation_row(out, number + i + 1, no_id ? "" : kCorpInfo[w.corp].prefix, w.index, w.corp, area, cal.date(day),
                       static_cast<Kind>(kind), segment);
  }
  out.close();
}

// ---------------------------------------------------------------------------------------------
// projects.csv

void write_projects(const Universe& u, std::uint64_t rows, const std::filesystem::path& path) {
  Writer out(path);
  out.put("project_id,municipality,name,developer,delivery_year,total_dwellings,social_rent,middle_rent\n");
  static constexpr std::array<const char*, 16> names = {
      "Havenkwartier", "Stationsgebied",  "Kloosterhof", "Vechtoever",     "De Schakel",   "Parkzicht",
      "Molenwerf",     "Spoorzone",       "Het Hofje",   "Rivierzicht",    "Oude Veiling", "Kerkplein",
      "Dijkzone",      "Scheldekwartier", "Zuidrand",    "Tuinen van West"};
  static constexpr std::array<const char*, 7> market = {"BPD",        "Heijmans", "Dura Vermeer", "VORM",
                                                        "Van Wijnen", "AM",       "Synchroon"};
  for (std::uint64_t i = 0; i < rows; ++i) {
    Rng rng(hash3(u.seed, kProject, i));
    const Dwelling w = make_dwelling(u.seed, u.layout, rng.next() % u.dwellings);
    const Area& area = areas()[w.area];
    const std::int64_t delivery_year = 2021 + rng.below(10);
    // Corporations deliver in waves: in one year of three most projects are the market's.
    const bool by_corporation = rng.permille(delivery_year % 3 == 0 ? 100 : 600);
    const std::uint32_t size_class = rng.below(100);
    std::int64_t total =
        size_class < 25 ? rng.range(4, 15) : (size_class < 75 ? rng.range(16, 80) : rng.range(81, 320));
    if (rng.permille(40)) total = 16;  // the Stichtse Vecht 3.1.1 boundary: 16 homes or more
    std::int64_t social = 0;
    std::int64_t middle = 0;
    if (by_corporation) {
      social = total * rng.range(50, 100) / 100;
      middle = (total - social) * rng.range(0, 100) / 100;
    } else {
      static constexpr std::array<std::int64_t, 8> shares = {0, 10, 20, 25, 30, 30, 35, 40};
      const std::int64_t pct = shares[rng.below(8)];
      social = rng.permille(300) ? total * pct / 100 : (total * pct + 99) / 100;  // sometimes just below
      middle = (total - social) * rng.range(0, 40) / 100;
    }
    out.put('P');
    out.put_padded(i + 1, 6);
    out.put(',');
    out.put(area.municipality);
    out.put(',');
    out.put(names[rng.below(names.size())]);
    out.put(" fase ");
    out.put_int(1 + rng.below(4));
    out.put(',');
    out.put(by_corporation ? kCorpInfo[w.corp].name : market[rng.below(market.size())]);
    out.put(',');
    out.put_int(delivery_year);
    out.put(',');
    out.put_int(total);
    out.put(',');
    out.put_int(social);
    out.put(',');
    if (!rng.permille(150)) out.put_int(middle);
    out.put('\n');
  }
  out.close();
}

// ---------------------------------------------------------------------------------------------

bool parse_count(const char* text, std::uint64_t& out) {
  std::string_view s(text);
  std::uint64_t scale = 1;
  if (!s.empty() && (s.back() == 'k' || s.back() == 'K')) scale = 1000;
  if (!s.empty() && (s.back() == 'm' || s.back() == 'M')) scale = 1000000;
  if (scale != 1) s.remove_suffix(1);
  std::uint64_t v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size() || s.empty()) return false;
  out = v * scale;
  return out / scale == v && out <= 2000000000ull;
}

int usage(int code) {
  (code == 0 ? std::cout : std::cerr)
      << "usage: toets-generate [--seed S] [--allocations N] [--stock N] [--mutations N] [--projects N]\n"
         "                      [--out DIR] [--include-unknown-2024]\n"
         "  Writes canonical CSV files (allocations.csv, stock.csv, mutations.csv, projects.csv) into DIR\n"
         "  (default: the current directory). N may end in k or m (1m = 1,000,000). A count of 0 skips\n"
         "  that file. Defaults: --seed 1 --allocations 10k --stock 30k --mutations 2k --projects 200.\n"
         "  The same seed and counts give the same bytes.\n"
         "  --stock N is the number of stock rows: dwellings x yearly snapshots (2021-2026).\n"
         "  Programmes counted in absolute numbers (Wonen Eerst, planned new-build and sales in the\n"
         "  agreement municipalities, ...) are fixed schedules: about 560 lets (for 20k lets or more)\n"
         "  and 2,500 mutations (whenever N > 0, even if N is smaller) of the N rows.\n"
         "  --include-unknown-2024 also lets to AOW-age households of 2+ persons in 2024, for which\n"
         "  national.toets has no passend-toewijzen limit (rule BTIV-54a then stops with an error).\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1, allocations = 10000, stock = 30000, mutations = 2000, projects = 200;
  std::filesystem::path dir = ".";
  bool include_unknown_2024 = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::uint64_t& target) {
      if (i + 1 >= argc || !parse_count(argv[i + 1], target)) {
        std::cerr << "toets-generate: " << arg << " needs a whole number (at most 2,000,000,000)\n";
        std::exit(usage(2));
      }
      ++i;
    };
    if (arg == "--seed")
      value(seed);
    else if (arg == "--allocations")
      value(allocations);
    else if (arg == "--stock")
      value(stock);
    else if (arg == "--mutations")
      value(mutations);
    else if (arg == "--projects")
      value(projects);
    else if (arg == "--include-unknown-2024")
      include_unknown_2024 = true;
    else if (arg == "--out" && i + 1 < argc)
      dir = argv[++i];
    else if (arg == "-h" || arg == "--help")
      return usage(0);
    else {
      std::cerr << "toets-generate: unknown argument '" << arg << "'\n";
      return usage(2);
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "toets-generate: cannot create " << dir << ": " << ec.message() << "\n";
    return 2;
  }
  const Universe universe = make_universe(seed, stock, allocations);
  (void)calendar();  // built once, before the threads share it

  // The two big files are independent: one thread each (the machine has two cores).
  std::thread stock_thread;
  if (stock > 0) stock_thread = std::thread([&] { write_stock(universe, stock, dir / "stock.csv"); });
  if (allocations > 0) write_allocations(universe, allocations, include_unknown_2024, dir / "allocations.csv");
  if (mutations > 0) write_mutations(universe, mutations, dir / "mutations.csv");
  if (projects > 0) write_projects(universe, projects, dir / "projects.csv");
  if (stock_thread.joinable()) stock_thread.join();
  return 0;
}
