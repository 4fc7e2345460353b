// Cell references, exact numbers, serial dates and string escapes of Office Open XML workbooks.

#include "engine/input/xlsx_values.hpp"

#include <algorithm>

#include "dsl/source/calendar.hpp"

namespace toets::xlsx {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Excel's significant digits: what it shows and computes with.
constexpr std::size_t kSignificantDigits = 15;
// Serial numbers of 9999-12-31, Excel's last date.
constexpr std::int64_t kLastSerial1900 = 2958465;
constexpr std::int64_t kLastSerial1904 = 2957003;

}  // namespace

std::optional<CellRef> parse_cell_ref(std::string_view text) {
  std::size_t at = 0;
  if (at < text.size() && text[at] == '$') ++at;
  std::uint64_t column = 0;
  const std::size_t letters_start = at;
  while (at < text.size() && is_upper(text[at]) && at - letters_start < 4) {
    column = column * 26 + static_cast<std::uint64_t>(text[at] - 'A' + 1);
    ++at;
  }
  if (at == letters_start || column > kMaxColumns) return std::nullopt;
  if (at < text.size() && text[at] == '$') ++at;
  std::uint64_t row = 0;
  const std::size_t digits_start = at;
  while (at < text.size() && is_digit(text[at]) && at - digits_start < 8) {
    row = row * 10 + static_cast<std::uint64_t>(text[at] - '0');
    ++at;
  }
  if (at == digits_start || at != text.size() || row == 0 || row > kMaxRows) return std::nullopt;
  return CellRef{static_cast<std::uint32_t>(column - 1), static_cast<std::uint32_t>(row)};
}

std::string column_letters(std::uint32_t column) {
  std::string letters;
  std::uint64_t rest = std::uint64_t{column} + 1;
  while (rest > 0) {
    const std::uint64_t digit = (rest - 1) % 26;
    letters.insert(letters.begin(), static_cast<char>('A' + digit));
    rest = (rest - 1) / 26;
  }
  return letters;
}

std::string sheet_reference(std::string_view sheet) {
  bool plain = !sheet.empty() && !is_digit(sheet.front());
  for (const char c : sheet) {
    const bool letter = (c >= 'a' && c <= 'z') || is_upper(c) || static_cast<unsigned char>(c) >= 0x80;
    if (!letter && !is_digit(c) && c != '_' && c != '.') plain = false;
  }
  if (plain) return std::string(sheet);
  std::string quoted = "'";
  for (const char c : sheet) {
    quoted.push_back(c);
    if (c == '\'') quoted.push_back('\'');
  }
  quoted.push_back('\'');
  return quoted;
}

std::optional<std::string> number_text(std::string_view text) {
  std::size_t at = 0;
  bool negative = false;
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) negative = text[at++] == '-';
  // The significant digits (no leading zeros) and how many of them stand before the point.
  std::string digits;
  std::int64_t point = 0;
  bool any_digit = false;
  bool after_point = false;
  for (; at < text.size(); ++at) {
    const char c = text[at];
    if (c == '.' && !after_point) {
      after_point = true;
      continue;
    }
    if (!is_digit(c)) break;
    any_digit = true;
    if (digits.empty() && c == '0') {
      if (after_point) --point;
      continue;
    }
    // Digits past the 16th never change the rounding to 15 (half up on the 16th): not kept.
    if (digits.size() <= kSignificantDigits) digits.push_back(c);
    if (!after_point) ++point;
  }
  if (!any_digit) return std::nullopt;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    bool exponent_negative = false;
    if (at < text.size() && (text[at] == '-' || text[at] == '+')) exponent_negative = text[at++] == '-';
    std::int64_t exponent = 0;
    const std::size_t start = at;
    for (; at < text.size() && is_digit(text[at]); ++at) {
      if (exponent < 100000) exponent = exponent * 10 + (text[at] - '0');
    }
    if (at == start) return std::nullopt;
    point += exponent_negative ? -exponent : exponent;
  }
  if (at != text.size()) return std::nullopt;
  if (digits.empty()) return std::string("0");

  if (digits.size() > kSignificantDigits) {
    const bool up = digits[kSignificantDigits] >= '5';
    digits.resize(kSignificantDigits);
    if (up) {
      std::size_t i = digits.size();
      while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
      if (i == 0) {
        digits.insert(digits.begin(), '1');
        digits.pop_back();
        ++point;
      } else {
        ++digits[i - 1];
      }
    }
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (point > 30 || point < -30) return std::nullopt;

  std::string out = negative ? "-" : "";
  const auto before = static_cast<std::size_t>(std::max<std::int64_t>(point, 0));
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else if (before >= digits.size()) {
    out += digits;
    out.append(before - digits.size(), '0');
  } else {
    out.append(digits, 0, before);
    out.push_back('.');
    out.append(digits, before);
  }
  return out;
}

SerialDate serial_date(std::string_view number, bool date1904) {
  if (number.starts_with('-')) return {std::nullopt, "a negative serial number is not a date"};
  const std::string_view whole = number.substr(0, number.find('.'));
  if (whole.size() > 9) return {std::nullopt, "a serial number beyond Excel's last date, 9999-12-31"};
  std::int64_t serial = 0;
  for (const char c : whole) serial = serial * 10 + (c - '0');
  if (date1904) {
    if (serial > kLastSerial1904) return {std::nullopt, "a serial number beyond Excel's last date, 9999-12-31"};
    return {static_cast<std::int32_t>(days_from_civil(1904, 1, 1) + serial), ""};
  }
  if (serial > kLastSerial1900) return {std::nullopt, "a serial number beyond Excel's last date, 9999-12-31"};
  if (serial == 0) return {std::nullopt, "serial number 0 is Excel's 1900-01-00, not a date"};
  if (serial == 60) {
    return {std::nullopt, "serial number 60 is Excel's 1900-02-29, a day that never was (Lotus 1-2-3's leap-year bug)"};
  }
  // Before the phantom 29 February Excel's count is one ahead of the calendar's.
  const std::int32_t epoch = serial < 60 ? days_from_civil(1899, 12, 31) : days_from_civil(1899, 12, 30);
  return {static_cast<std::int32_t>(epoch + serial), ""};
}

std::string decode_escapes(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    if (text[at] == '_' && at + 6 < text.size() && text[at + 1] == 'x' && text[at + 6] == '_') {
      std::uint32_t code = 0;
      bool hex = true;
      for (std::size_t i = 2; i < 6; ++i) {
        const int value = hex_value(text[at + i]);
        hex = hex && value >= 0;
        code = code * 16 + static_cast<std::uint32_t>(value < 0 ? 0 : value);
      }
      // Surrogate halves are not characters: left as written.
      if (hex && (code < 0xD800 || code > 0xDFFF)) {
        append_utf8(out, code);
        at += 7;
        continue;
      }
    }
    out.push_back(text[at++]);
  }
  return out;
}

}  // namespace toets::xlsx
