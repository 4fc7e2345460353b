#pragma once
// Dates as days since 1970-01-01 (proleptic Gregorian), the way every date is stored.
// Howard Hinnant's civil-date algorithms: exact, branch-light, no tables, no time zones.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace toets {

struct CivilDate {
  std::int32_t year;
  std::uint32_t month;  // 1..12
  std::uint32_t day;    // 1..31
};

constexpr bool is_leap_year(std::int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr std::uint32_t days_in_month(std::int32_t y, std::uint32_t m) {
  constexpr std::uint32_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

constexpr bool is_valid_date(std::int32_t y, std::uint32_t m, std::uint32_t d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

constexpr std::int32_t days_from_civil(std::int32_t y, std::uint32_t m, std::uint32_t d) {
  y -= m <= 2;
  const std::int32_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::uint32_t>(y - era * 400);
  const std::uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int32_t>(doe) - 719468;
}

constexpr CivilDate civil_from_days(std::int32_t days) {
  // In 64 bits: `z += 719468` overflowed for days near INT32_MAX (a date plus a huge number of days
  // in a rule), which is undefined behaviour (robustness, docs/robustness.md).
  const std::int64_t z = static_cast<std::int64_t>(days) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<std::uint32_t>(z - era * 146097);
  const std::uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const auto y = static_cast<std::int32_t>(static_cast<std::int64_t>(yoe) + era * 400);
  const std::uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::uint32_t mp = (5 * doy + 2) / 153;
  const std::uint32_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::uint32_t m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2), m, d};
}

// "2026-03-31"
std::string format_date(std::int32_t days);

// The one strict ISO date parser of rule files, options, plans and data: exactly YYYY-MM-DD,
// digits and dashes, a date that exists. "2026-11-2x" and "2026-02-30" are nullopt.
std::optional<std::int32_t> parse_iso_date(std::string_view text);

// Its first half, inline for the loaders (a date per cell): the numbers of the shape YYYY-MM-DD,
// whether or not such a day exists (is_valid_date tells); nullopt for any other shape.
inline std::optional<CivilDate> parse_iso_date_shape(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const auto digit = [&](std::size_t i) { return static_cast<std::uint32_t>(text[i] - '0'); };
  return CivilDate{static_cast<std::int32_t>(digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)),
                   digit(5) * 10 + digit(6), digit(8) * 10 + digit(9)};
}

}  // namespace toets
