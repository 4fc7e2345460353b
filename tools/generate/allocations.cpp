// allocations.csv: the hand-made edge lets, the fixed schedules of programmes counted in
// absolute numbers, then the bulk, sorted by contract date as a regional allocation system
// exports them.
#include <array>
#include <charconv>
#include <cstring>
#include <string_view>

#include "tools/generate/datasets.hpp"
#include "tools/generate/output.hpp"
#include "tools/generate/random.hpp"

namespace toets::generate {
namespace {

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
        // Drawn in this order, one statement each: the order in which g++ happened to evaluate them
        // as arguments of one call, which the standard leaves open (another compiler could differ).
        const auto label = static_cast<int>(kLabelB + rng.below(3));
        const auto age = static_cast<int>(rng.range(19, schedule.channel == kStarter ? 34 : 60));
        const std::int64_t rent = rng.range(kKwaliteit[yi], aftop);
        const auto neighbourhood = static_cast<int>(rng.below(static_cast<std::uint32_t>(area.neighbourhoods.size())));
        write_allocation_row(out, std::string_view(id, id_size), kCorpInfo[corp].name, area, neighbourhood,
                             cal.date(first + k * days / n), kCorpInfo[corp].prefix, 900000000 + written, kSociaal,
                             true, 0, rent, size, income, age, schedule.channel, label);
        ++written;
      }
    }
  }
  return written;
}

// A dwelling that exists in year index y (the snapshot of 1 January of it): up to nine tries.
Dwelling dwelling_in_year(const Universe& u, Rng& rng, int y) {
  Dwelling w;
  for (int tries = 0;; ++tries) {
    const std::uint64_t d = rng.next() % u.dwellings;
    lifetime(u.seed, d, corp_of(u.layout, d), w);
    if ((y >= w.first_snapshot && y <= w.last_snapshot) || tries == 8) return make_dwelling(u.seed, u.layout, d);
  }
}

Channel pick_channel(Rng& rng, std::uint64_t seed, const Dwelling& w, Segment segment, int y) {
  const Area& area = areas()[w.area];
  Channel channel = kRegulier;
  const bool terneuzen = std::strcmp(area.municipality, "Terneuzen") == 0;
  const bool stichtse_vecht = std::strcmp(area.municipality, "Stichtse Vecht") == 0;
  if (rng.below(1000) < regular_permille(seed, w.corp, w.area, y)) {
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
  return channel;
}

std::int64_t passend_limit_of(const Household& h, std::size_t yi) {
  const bool aow = h.age >= kAowAge;
  return aow ? (h.size == 1 ? kPassendAow1[yi] : kPassendAow2[yi]) : (h.size == 1 ? kPassend1[yi] : kPassend2[yi]);
}

// Income, in cents: around and above the limits, sometimes exactly on one.
std::int64_t pick_income(Rng& rng, Corp corp, Segment segment, Channel channel, const Household& h, int y) {
  const auto yi = static_cast<std::size_t>(y);
  const std::int64_t daeb_limit = h.size == 1 ? kDaeb1[yi] : kDaeb2[yi];
  const std::int64_t passend_limit = passend_limit_of(h, yi);
  std::uint32_t above = segment == kSociaal ? above_limit_permille(corp, y) : 600;
  if (channel == kStatushouder || channel == kUitstroom || channel == kWonenEerst) above /= 4;
  if (rng.below(1000) < above) {
    const std::uint32_t r = rng.below(1000);
    if (r < 30) return daeb_limit + 1;  // one cent above
    if (r < 750) return whole_or_cents(rng, daeb_limit + rng.range(100, 1500000));
    return whole_or_cents(rng, daeb_limit + rng.range(1500000, 9000000));  // the tail
  }
  const std::uint32_t r = rng.below(1000);
  if (r < 12) return daeb_limit;  // exactly on the limit: inside it
  if (segment != kSociaal) return whole_or_cents(rng, rng.range(passend_limit + 1, daeb_limit));
  if (r < 20) return passend_limit;
  if (r < 21) return passend_limit + 1;
  if (r < low_income_permille(corp, y)) return whole_or_cents(rng, rng.range(900000, passend_limit));
  return whole_or_cents(rng, rng.range(passend_limit + 1, daeb_limit));
}

// Rent, in cents: passend toewijzen decides for low incomes.
std::int64_t pick_rent(Rng& rng, Corp corp, Segment segment, const Household& h, int y, std::int64_t income) {
  const auto yi = static_cast<std::size_t>(y);
  const std::int64_t aftop = h.size <= 2 ? kAftopLaag[yi] : kAftopHoog[yi];
  const std::int64_t lib = kLiberalisatie[yi];
  if (segment == kMiddenhuur) return rng.range(lib + 1, lib + 30000);
  if (segment == kVrijeSector) return rng.range(lib + 25000, lib + 90000);
  if (income > passend_limit_of(h, yi)) return rng.permille(10) ? lib : rng.range(kKwaliteit[yi], lib);
  if (rng.below(1000) < passend_permille(corp, y)) {
    return rng.permille(20) ? aftop : rng.range(kKwaliteit[yi] * 85 / 100, aftop);
  }
  return rng.range(aftop + 1, lib);
}

}  // namespace

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
    const Dwelling w = dwelling_in_year(u, rng, y);
    const Area& area = areas()[w.area];
    const Corp corp = w.corp;
    const Segment segment = segment_at(w, y);
    const bool daeb = segment == kSociaal && w.daeb;
    const Household h = make_household(rng, corp, y, include_unknown_2024);
    const Channel channel = pick_channel(rng, u.seed, w, segment, y);
    const std::int64_t income = pick_income(rng, corp, segment, channel, h, y);
    const std::int64_t rent = pick_rent(rng, corp, segment, h, y, income);

    // Ids, date, the rest.
    const auto id_size = static_cast<std::size_t>(std::to_chars(id + 1, id + sizeof id, i + 1).ptr - id);
    const int new_build = rng.permille(60) ? -1 : (w.new_build && w.first_snapshot == y ? 1 : 0);
    const int label = rng.permille(40) ? -1 : w.label[static_cast<std::size_t>(y)];
    const bool terneuzen = std::strcmp(area.municipality, "Terneuzen") == 0;
    write_allocation_row(out, std::string_view(id, id_size), kCorpInfo[corp].name, area,
                         w.neighbourhood == 255 ? -1 : w.neighbourhood, cal.date(day), kCorpInfo[corp].prefix, w.index,
                         segment, daeb, new_build, rent, h.size, income, h.age, channel, label,
                         terneuzen && rng.permille(3));  // an export that lost the kern
  }
  out.close();
}

}  // namespace toets::generate
