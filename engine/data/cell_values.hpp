#pragma once
// A cell's text read as a value: whole numbers, amounts in exact integer cents (never through
// binary floating point), dates as days since 1970-01-01, booleans, enum values; in the canonical
// forms of data-format.md and in the forms exports write (docs/data-input.md, "Values"). Inline:
// RecordBuilder (record_builder.cpp) reads every cell of every load through these.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "dsl/source/calendar.hpp"
#include "dsl/program/schema.hpp"
#include "engine/data/dataset.hpp"

namespace toets::cell_values {

constexpr std::string_view kEuro = "\xE2\x82\xAC";         // U+20AC
constexpr std::string_view kNoBreakSpace = "\xC2\xA0";     // U+00A0, after '€' in spreadsheets

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool equals_folded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

// BadGrouping: thousands groups that do not add up (1.23.4, 0.001,00, 12.3456).
enum class ParseResult : std::uint8_t { Ok, Malformed, TooManyDecimals, OutOfRange, NoSuchDate, BadGrouping };

constexpr auto kLargestCents = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

inline ParseResult parse_int(std::string_view text, std::int64_t& out) {
  std::int32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size()) return ParseResult::Malformed;  // also "12abc", "+1", ""
  if (error == std::errc::result_out_of_range) return ParseResult::OutOfRange;
  if (error != std::errc()) return ParseResult::Malformed;
  if (value == kNull32) return ParseResult::OutOfRange;  // reserved for missing
  out = value;
  return ParseResult::Ok;
}

// The whole part of a number from `at`: [0-9]+, or with `group` between thousands:
// [1-9][0-9]{0,2}(G[0-9]{3})+. `group` 0: no groups. Stops at the first other character. Groups
// that do not add up are BadGrouping, never a smaller number: 0.001 is not 1, 1.23.4 not 1234, and
// a first group is not 0 (0,612.35). kLargest is a template argument so the overflow test divides
// by a constant (a multiplication), not per digit.
template <std::uint64_t kLargest>
inline ParseResult parse_whole(std::string_view text, char group, std::uint64_t& value, std::size_t& at) {
  value = 0;
  bool out_of_range = false;
  const auto digits = [&]() {
    const std::size_t begin = at;
    while (at < text.size() && is_digit(text[at])) {
      const auto digit = static_cast<std::uint64_t>(text[at] - '0');
      if (value > (kLargest - digit) / 10) {
        out_of_range = true;
      } else {
        value = value * 10 + digit;
      }
      ++at;
    }
    return at - begin;
  };
  const std::size_t count = digits();
  if (count == 0) return ParseResult::Malformed;
  if (group != 0 && at < text.size() && text[at] == group) {
    if (count > 3 || text[at - count] == '0') return ParseResult::BadGrouping;
    while (at < text.size() && text[at] == group) {
      ++at;
      if (digits() != 3) return ParseResult::BadGrouping;
    }
  }
  return out_of_range ? ParseResult::OutOfRange : ParseResult::Ok;
}

constexpr std::uint64_t kLargestEuros = kLargestCents / 100;
constexpr auto kLargestInt = static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());

// `at` is just past the decimal mark: 1 or 2 digits to the end, into cents.
inline ParseResult parse_cents_fraction(std::string_view text, std::size_t at, std::uint64_t& fraction) {
  const std::size_t begin = at;
  fraction = 0;
  while (at < text.size() && is_digit(text[at])) {
    fraction = fraction * 10 + static_cast<std::uint64_t>(text[at] - '0');
    ++at;
    if (at - begin > 2) break;
  }
  const std::size_t count = at - begin;
  if (count == 0) return ParseResult::Malformed;
  if (count > 2) {
    while (at < text.size() && is_digit(text[at])) ++at;
    return at == text.size() ? ParseResult::TooManyDecimals : ParseResult::Malformed;
  }
  if (at != text.size()) return ParseResult::Malformed;
  if (count == 1) fraction *= 10;
  return ParseResult::Ok;
}

inline ParseResult cents_from(bool negative, std::uint64_t euros, std::uint64_t fraction, std::int64_t& out) {
  if (euros > kLargestEuros) return ParseResult::OutOfRange;
  const std::uint64_t cents = euros * 100 + fraction;
  if (cents > kLargestCents) return ParseResult::OutOfRange;
  // |cents| <= INT64_MAX, so the result never meets kNull64.
  out = negative ? -static_cast<std::int64_t>(cents) : static_cast<std::int64_t>(cents);
  return ParseResult::Ok;
}

// -?[0-9]+(\.[0-9]{1,2})? into exact integer cents. The canonical form, on the hot path of every
// load: one plain loop, no groups, no sign or currency variants.
inline ParseResult parse_money(std::string_view text, std::int64_t& out) {
  std::size_t at = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++at;
  const std::size_t whole_begin = at;
  std::uint64_t euros = 0;
  bool out_of_range = false;
  while (at < text.size() && is_digit(text[at])) {
    const auto digit = static_cast<std::uint64_t>(text[at] - '0');
    if (euros > (kLargestEuros - digit) / 10) out_of_range = true;
    euros = euros * 10 + digit;
    ++at;
  }
  if (at == whole_begin) return ParseResult::Malformed;
  std::uint64_t fraction = 0;
  if (at < text.size()) {
    if (text[at] != '.') return ParseResult::Malformed;
    const ParseResult result = parse_cents_fraction(text, at + 1, fraction);
    if (result != ParseResult::Ok) return result;
  }
  if (out_of_range) return ParseResult::OutOfRange;
  return cents_from(negative, euros, fraction, out);
}

inline std::string_view trim_spaces(std::string_view text) {
  for (;;) {
    if (!text.empty() && is_blank(text.front())) {
      text.remove_prefix(1);
    } else if (text.starts_with(kNoBreakSpace)) {
      text.remove_prefix(kNoBreakSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!text.empty() && is_blank(text.back())) {
      text.remove_suffix(1);
    } else if (text.ends_with(kNoBreakSpace)) {
      text.remove_suffix(kNoBreakSpace.size());
    } else {
      break;
    }
  }
  return text;
}

// An amount as exports write it: an optional '-' and '€' (either order, or '€' after the number),
// the whole part with optional thousands groups, the decimal mark and 1 or 2 decimals.
inline ParseResult parse_money_export(std::string_view text, char decimal, std::int64_t& out) {
  bool negative = false;
  bool euro = false;
  const auto take_minus = [&] {
    if (!negative && text.starts_with('-')) {
      negative = true;
      text = trim_spaces(text.substr(1));
    }
  };
  const auto take_euro = [&] {
    if (!euro && text.starts_with(kEuro)) {
      euro = true;
      text = trim_spaces(text.substr(kEuro.size()));
    }
  };
  take_minus();
  take_euro();
  take_minus();
  if (!euro && text.ends_with(kEuro)) text = trim_spaces(text.substr(0, text.size() - kEuro.size()));

  std::size_t at = 0;
  std::uint64_t euros = 0;
  const ParseResult whole = parse_whole<kLargestEuros>(text, decimal == ',' ? '.' : ',', euros, at);
  if (whole == ParseResult::Malformed || whole == ParseResult::BadGrouping) return whole;
  std::uint64_t fraction = 0;
  if (at < text.size()) {
    if (text[at] != decimal) return ParseResult::Malformed;
    const ParseResult result = parse_cents_fraction(text, at + 1, fraction);
    if (result != ParseResult::Ok) return result;
  }
  if (whole == ParseResult::OutOfRange) return whole;
  return cents_from(negative, euros, fraction, out);
}

// A whole number, with optional thousands groups (the mark that is not the decimal one).
inline ParseResult parse_int_export(std::string_view text, char decimal, std::int64_t& out) {
  const bool negative = text.starts_with('-');
  std::size_t at = negative ? 1 : 0;
  std::uint64_t value = 0;
  const ParseResult result =
      parse_whole<kLargestInt>(text, decimal == ',' ? '.' : ',', value, at);
  if (result == ParseResult::BadGrouping) return result;
  if (result == ParseResult::Malformed || at != text.size()) return ParseResult::Malformed;
  if (result == ParseResult::OutOfRange) return result;
  out = negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
  return ParseResult::Ok;
}

// YYYY-MM-DD, a real calendar date, as days since 1970-01-01.
// The shape is dsl/source/calendar.hpp's (the one ISO date parser); a shape that names no day is told apart.
inline ParseResult parse_date(std::string_view text, std::int64_t& out) {
  const auto date = parse_iso_date_shape(text);
  if (!date) return ParseResult::Malformed;
  if (!is_valid_date(date->year, date->month, date->day)) return ParseResult::NoSuchDate;
  out = days_from_civil(date->year, date->month, date->day);
  return ParseResult::Ok;
}

// YYYY-MM-DD, or D-M-YYYY with one or two digits for day and month (31-03-2026, 1-3-2026).
inline ParseResult parse_date_export(std::string_view text, std::int64_t& out) {
  if (text.size() == 10 && text[4] == '-') return parse_date(text, out);
  std::size_t at = 0;
  const auto number = [&](std::size_t fewest, std::size_t most, std::uint32_t& value) {
    const std::size_t begin = at;
    value = 0;
    while (at < text.size() && is_digit(text[at]) && at - begin < most) {
      value = value * 10 + static_cast<std::uint32_t>(text[at] - '0');
      ++at;
    }
    return at - begin >= fewest;
  };
  std::uint32_t day = 0;
  std::uint32_t month = 0;
  std::uint32_t year = 0;
  if (!number(1, 2, day) || at >= text.size() || text[at++] != '-') return ParseResult::Malformed;
  if (!number(1, 2, month) || at >= text.size() || text[at++] != '-') return ParseResult::Malformed;
  if (!number(4, 4, year) || at != text.size()) return ParseResult::Malformed;
  if (!is_valid_date(static_cast<std::int32_t>(year), month, day)) return ParseResult::NoSuchDate;
  out = days_from_civil(static_cast<std::int32_t>(year), month, day);
  return ParseResult::Ok;
}

inline ParseResult parse_bool(std::string_view text, std::int64_t& out) {
  if (text == "true" || text == "1") {
    out = 1;
    return ParseResult::Ok;
  }
  if (text == "false" || text == "0") {
    out = 0;
    return ParseResult::Ok;
  }
  return ParseResult::Malformed;
}

inline ParseResult parse_bool_export(std::string_view text, std::int64_t& out) {
  static constexpr std::string_view kTrue[] = {"true", "1", "ja", "j", "yes", "y", "waar"};
  static constexpr std::string_view kFalse[] = {"false", "0", "nee", "n", "no", "onwaar"};
  for (const std::string_view word : kTrue) {
    if (equals_folded(text, word)) {
      out = 1;
      return ParseResult::Ok;
    }
  }
  for (const std::string_view word : kFalse) {
    if (equals_folded(text, word)) {
      out = 0;
      return ParseResult::Ok;
    }
  }
  return ParseResult::Malformed;
}

// An enum value in any case, with ' ' or '-' where the canonical value has '_' ("Vrije sector").
inline std::optional<std::uint32_t> enum_index_export(const ColumnSchema& column, std::string_view text) {
  if (const auto exact = column.enum_index(text)) return exact;
  const auto same = [](char a, char b) {
    if (b == '_' && (a == ' ' || a == '-')) return true;
    return fold(a) == fold(b);
  };
  for (std::uint32_t i = 0; i < column.enum_values.size(); ++i) {
    const std::string& value = column.enum_values[i];
    if (value.size() == text.size() && std::equal(text.begin(), text.end(), value.begin(), same)) return i;
  }
  return std::nullopt;
}

// 5,99E+14 or 5.99E+14: what a spreadsheet makes of a long numeric id. Its digits are gone.
inline bool looks_like_scientific_notation(std::string_view text) {
  if (text.size() < 6 || !is_digit(text[0]) || (text[1] != ',' && text[1] != '.')) return false;
  std::size_t at = 2;
  while (at < text.size() && is_digit(text[at])) ++at;
  if (at == 2 || at + 2 >= text.size() || (text[at] != 'E' && text[at] != 'e') || text[at + 1] != '+') return false;
  at += 2;
  while (at < text.size() && is_digit(text[at])) ++at;
  return at == text.size();
}

}  // namespace toets::cell_values
