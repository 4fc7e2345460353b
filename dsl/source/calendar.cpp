#include "dsl/source/calendar.hpp"

#include <array>
#include <cstdlib>
#include <limits>

namespace toets {

namespace {

// civil_from_days adds 719468 to its argument; above this it would overflow.
constexpr std::int32_t kLargestDirectDay = std::numeric_limits<std::int32_t>::max() - 719468;
// The Gregorian calendar repeats every 400 years, which are exactly 146097 days.
constexpr std::int32_t kDaysPer400Years = 146097;

void append_padded(std::string& out, std::uint32_t value, std::size_t width) {
  std::array<char, 10> digits{};
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (std::size_t i = count; i < width; ++i) out.push_back('0');
  while (count > 0) out.push_back(digits[--count]);
}

}  // namespace

std::optional<std::int32_t> parse_iso_date(std::string_view text) {
  const auto date = parse_iso_date_shape(text);
  if (!date || !is_valid_date(date->year, date->month, date->day)) return std::nullopt;
  return days_from_civil(date->year, date->month, date->day);
}

std::string format_date(std::int32_t days) {
  // Dates the loaders produce lie in the years 1..9999; anything else (arithmetic in rules) is
  // still printed faithfully rather than wrapped, shifting by whole 400-year cycles to stay in range.
  CivilDate date{};
  if (days > kLargestDirectDay) {
    constexpr std::int32_t kCycles = 100;
    date = civil_from_days(days - kCycles * kDaysPer400Years);
    date.year += kCycles * 400;
  } else {
    date = civil_from_days(days);
  }

  std::string out;
  out.reserve(16);
  if (date.year < 0) out.push_back('-');
  append_padded(out, static_cast<std::uint32_t>(std::abs(static_cast<std::int64_t>(date.year))), 4);
  out.push_back('-');
  append_padded(out, date.month, 2);
  out.push_back('-');
  append_padded(out, date.day, 2);
  return out;
}

}  // namespace toets
