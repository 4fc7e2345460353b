#include "dsl/syntax/number_hints.hpp"

namespace toets {

namespace {

constexpr std::string_view kEuro = "\xE2\x82\xAC";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_number_char(char c) { return is_digit(c) || c == '.' || c == ','; }

// digits in groups of three after the first ("1.234.567"): true when `text` is such, with at least
// `groups` points.
bool thousands_groups(std::string_view text, std::size_t groups) {
  std::size_t points = 0;
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      if (run == 0 || (points == 0 ? run > 3 : run != 3)) return false;
      ++points;
      run = 0;
    } else {
      ++run;
    }
  }
  return points >= groups && run == 3;
}

std::optional<DutchNumber> dutch_number_at(std::string_view text, std::size_t spot) {
  std::size_t begin = spot;
  while (begin > 0 && is_number_char(text[begin - 1])) --begin;
  std::size_t end = spot;
  while (end < text.size() && is_number_char(text[end])) ++end;
  while (end > begin && !is_digit(text[end - 1])) --end;       // "7," before a blank
  while (begin < end && !is_digit(text[begin])) ++begin;       // ",5" after a list's comma
  if (begin >= end) return std::nullopt;
  const std::string_view digits = text.substr(begin, end - begin);
  const bool percent = end < text.size() && text[end] == '%';

  DutchNumber number;
  const std::size_t comma = digits.find(',');
  if (comma != std::string_view::npos) {
    // One decimal comma, one or two decimals (a percentage may have more), and before it whole
    // digits or thousands in groups of three: "2023,2024" is a list of years, not a number.
    if (digits.find(',', comma + 1) != std::string_view::npos) return std::nullopt;
    const std::string_view whole = digits.substr(0, comma);
    const std::string_view decimals = digits.substr(comma + 1);
    if (decimals.empty() || decimals.find('.') != std::string_view::npos) return std::nullopt;
    if (decimals.size() > (percent ? 4u : 2u)) return std::nullopt;
    number.thousands = whole.find('.') != std::string_view::npos;
    if (number.thousands && !thousands_groups(whole, 1)) return std::nullopt;
  } else if (thousands_groups(digits, 2)) {
    number.thousands = true;  // 1.234.567: no decimal number has two points
  } else {
    return std::nullopt;
  }

  // A euro sign in front, with or without spaces.
  std::size_t start = begin;
  std::size_t before = begin;
  while (before > 0 && text[before - 1] == ' ') --before;
  const bool euro = before >= kEuro.size() && text.substr(before - kEuro.size(), kEuro.size()) == kEuro;
  if (euro) start = before - kEuro.size();

  number.begin = start;
  number.end = end + (percent ? 1 : 0);
  number.written = std::string(text.substr(number.begin, number.end - number.begin));
  if (euro) number.spelling = std::string(kEuro);
  for (char c : digits) {
    if (c == ',') number.spelling += '.';
    else if (c != '.') number.spelling += c;
  }
  if (percent) number.spelling += '%';
  return number;
}

}  // namespace

std::optional<DutchNumber> dutch_number_near(std::string_view text, std::size_t at) {
  if (at > text.size()) return std::nullopt;
  // The number `at` is in, else the one that ends before the blanks in front of `at` (a table row
  // `2026: €700,50` reads 50 as the next key and fails at the line after it).
  if (at < text.size() && is_number_char(text[at])) {
    if (auto number = dutch_number_at(text, at)) return number;
  }
  std::size_t spot = at;
  while (spot > 0 && (text[spot - 1] == ' ' || text[spot - 1] == '\t' || text[spot - 1] == '\r' || text[spot - 1] == '\n')) {
    --spot;
  }
  if (spot == 0) return std::nullopt;
  --spot;
  if (text[spot] == '%' && spot > 0) --spot;
  if (!is_number_char(text[spot])) return std::nullopt;
  return dutch_number_at(text, spot);
}

std::optional<DutchNumber> dutch_number_between(std::string_view text, const std::vector<std::uint32_t>& later_arguments) {
  for (const std::uint32_t offset : later_arguments) {
    if (offset >= 2 && offset < text.size() && text[offset - 1] == ',' && is_digit(text[offset - 2]) &&
        is_digit(text[offset])) {
      if (auto number = dutch_number_at(text, offset - 1)) return number;
    }
  }
  return std::nullopt;
}

std::string dutch_number_message(const DutchNumber& number) {
  const bool comma = number.written.find(',') != std::string::npos;
  const std::string what = comma && number.thousands ? "is written the Dutch way"
                           : comma                   ? "has a decimal comma"
                                                     : "has points between thousands";
  const std::string rule = comma && number.thousands ? "a decimal point and no thousands separator"
                           : comma                   ? "a decimal point"
                                                     : "no thousands separator";
  return "'" + number.written + "' " + what + ": write " + number.spelling + "; rule files use " + rule;
}

}  // namespace toets
