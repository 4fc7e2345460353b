#pragma once
// The small text helpers every library uses: ASCII lower case, trimming blanks, joining a list.
// In their own namespace so that a file's own helper of the same name is never ambiguous.

#include <string>
#include <string_view>
#include <vector>

namespace toets::text {

// A-Z to a-z; every other byte (UTF-8 included) as it is.
inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Without the `blanks` at either end.
inline std::string_view trim(std::string_view text, std::string_view blanks = " \t\r") {
  const std::size_t begin = text.find_first_not_of(blanks);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(blanks) - begin + 1);
}

// "a, b, c".
inline std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

}  // namespace toets::text
