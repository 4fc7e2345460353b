// mutations.csv: the planned stock changes of the agreement municipalities as fixed schedules,
// then the bulk of --mutations spread over the other municipalities.
#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <vector>

#include "tools/generate/datasets.hpp"
#include "tools/generate/output.hpp"
#include "tools/generate/random.hpp"

namespace toets::generate {
namespace {

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

}  // namespace

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

}  // namespace toets::generate
