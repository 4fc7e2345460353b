#pragma once
// Where two texts differ, for the messages of tests that compare whole outputs (golden reports,
// two runs that must agree).

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

namespace toets::testing_support {

// The first lines where two texts differ, as a unified diff's hunk would show them: a few lines of
// context, '-' for the expected line, '+' for the actual one. Empty when they are equal.
inline std::string first_difference(const std::string& expected, const std::string& actual, std::size_t shown = 8) {
  if (expected == actual) return "";
  const auto lines = [](const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) result.push_back(line);
    if (!text.empty() && text.back() != '\n') result.back() += "  (no line break at the end)";
    return result;
  };
  const std::vector<std::string> want = lines(expected);
  const std::vector<std::string> got = lines(actual);
  std::size_t first = 0;
  while (first < want.size() && first < got.size() && want[first] == got[first]) ++first;
  // The common tail, so that an inserted or removed line shows as just that.
  std::size_t tail = 0;
  while (tail < want.size() - first && tail < got.size() - first &&
         want[want.size() - 1 - tail] == got[got.size() - 1 - tail]) {
    ++tail;
  }
  const std::size_t context = first < 3 ? first : 3;
  std::ostringstream out;
  out << "@@ -" << first + 1 - context << " +" << first + 1 - context << " @@ (expected " << want.size()
      << " lines, got " << got.size() << ")\n";
  for (std::size_t i = first - context; i < first; ++i) out << ' ' << want[i] << '\n';
  const std::size_t want_end = want.size() - tail;
  const std::size_t got_end = got.size() - tail;
  for (std::size_t i = first; i < want_end && i < first + shown; ++i) out << '-' << want[i] << '\n';
  if (want_end > first + shown) out << "-... " << want_end - first - shown << " more\n";
  for (std::size_t i = first; i < got_end && i < first + shown; ++i) out << '+' << got[i] << '\n';
  if (got_end > first + shown) out << "+... " << got_end - first - shown << " more\n";
  if (want_end == first && got_end == first) out << "(the same lines; the bytes differ, e.g. the last line break)\n";
  return out.str();
}

}  // namespace toets::testing_support
