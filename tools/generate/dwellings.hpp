// The generator's world: corporations, the areas their dwellings are in, and the dwellings
// themselves. Everything about dwelling d follows from hash(seed, d), so every data set
// (stock, allocations, mutations, projects) can rebuild any dwelling on its own.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tools/generate/national.hpp"

namespace toets::generate {

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

// Every area, in a fixed order (areas.cpp).
const std::vector<Area>& areas();
// The area of a municipality and kern; aborts if there is none (a typo in a table here).
const Area& area_named(const char* municipality, const char* kern);

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

Layout make_layout(std::uint64_t dwellings);

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
void lifetime(std::uint64_t seed, std::uint64_t d, Corp corp, Dwelling& out);
std::uint32_t cell_of(const Layout& layout, std::uint64_t d);
Corp corp_of(const Layout& layout, std::uint64_t d);
Dwelling make_dwelling(std::uint64_t seed, const Layout& layout, std::uint64_t d);
inline Segment segment_at(const Dwelling& w, int snapshot) {
  return w.liberalised_at != 255 && snapshot >= w.liberalised_at ? kMiddenhuur : w.segment;
}

// The almshouse foundation of the edge groups: eight monuments in Dordrecht, in every snapshot.
constexpr int kHofjesDwellings = 8;

// ---------------------------------------------------------------------------------------------
// The universe of dwellings for a stock size: as many dwellings as give `rows` stock rows.

struct Universe {
  std::uint64_t seed = 0;
  std::uint64_t dwellings = 0;
  Layout layout;
};

Universe make_universe(std::uint64_t seed, std::uint64_t stock_rows, std::uint64_t allocations);

}  // namespace toets::generate
