// Blank cells, one spelling for names, letter case: engine/base/unicode_text.hpp.

#include "engine/base/unicode_text.hpp"

#include <algorithm>
#include <vector>

#include "dsl/source/utf8.hpp"

namespace toets {

namespace {

// A byte that is not part of well-formed UTF-8 travels as this plus the byte: never a letter,
// never composed, written back as it came.
constexpr std::uint32_t kRawByte = 0x110000;

struct Decoded {
  std::uint32_t code_point = 0;
  std::size_t length = 1;
  bool valid = false;
};

// A raw byte (kRawByte + byte) where the text is not UTF-8 (dsl/source/utf8.hpp decodes).
Decoded decode_at(std::string_view text, std::size_t at) {
  const CodePoint decoded = decode_utf8(text, at);
  if (decoded.length == 0) return {kRawByte + static_cast<unsigned char>(text[at]), 1, false};
  return {static_cast<std::uint32_t>(decoded.value), decoded.length, true};
}

void append(std::string& out, std::uint32_t code_point) {
  if (code_point >= kRawByte) {
    out.push_back(static_cast<char>(code_point - kRawByte));
  } else if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// Unicode's White_Space.
bool is_space(std::uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// Format characters that show nothing: zero-width, soft hyphen, direction marks and embeddings,
// invisible operators, the byte-order mark.
bool is_invisible(std::uint32_t c) {
  return c == 0xAD || c == 0x180E || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

int mark_class(std::uint32_t c) {
  return c >= 0x0300 && c < 0x0370 ? unicode_tables::kMarkClass[c - 0x0300] : 0;
}

// NFC's singletons among letters: the Ohm, Kelvin and Angstrom signs are the letters.
std::uint32_t singleton(std::uint32_t c) {
  switch (c) {
    case 0x2126: return 0x03A9;
    case 0x212A: return 0x004B;
    case 0x212B: return 0x00C5;
    default: return c;
  }
}

const unicode_tables::CanonicalPair* decomposition(std::uint32_t letter) {
  const auto* begin = unicode_tables::kByLetter;
  const auto* end = begin + unicode_tables::kByLetterCount;
  const auto* found = std::lower_bound(begin, end, letter, [](const auto& p, std::uint32_t c) { return p.letter < c; });
  return found != end && found->letter == letter ? found : nullptr;
}

std::uint32_t composition(std::uint32_t base, std::uint32_t mark) {
  const auto* begin = unicode_tables::kByPair;
  const auto* end = begin + unicode_tables::kByPairCount;
  const auto* found = std::lower_bound(begin, end, std::pair(base, mark), [](const auto& p, const auto& key) {
    return p.base != key.first ? p.base < key.first : p.mark < key.second;
  });
  return found != end && found->base == base && found->mark == mark ? found->letter : 0;
}

void decompose_into(std::vector<std::uint32_t>& out, std::uint32_t c) {
  if (const auto* pair = decomposition(c)) {
    decompose_into(out, pair->base);
    out.push_back(pair->mark);
    return;
  }
  out.push_back(c);
}

// Unicode's NFC for the Latin letters: decompose, order each run of marks by combining class,
// compose again (a mark composes with the last starter unless a mark of the same or a higher
// class, or a starter, stands between them).
std::vector<std::uint32_t> compose_latin(const std::vector<std::uint32_t>& text) {
  std::vector<std::uint32_t> s;
  s.reserve(text.size() + 4);
  for (const std::uint32_t c : text) decompose_into(s, c);
  for (std::size_t i = 0; i < s.size();) {
    if (mark_class(s[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < s.size() && mark_class(s[end]) != 0) ++end;
    std::stable_sort(s.begin() + static_cast<std::ptrdiff_t>(i), s.begin() + static_cast<std::ptrdiff_t>(end),
                     [](std::uint32_t a, std::uint32_t b) { return mark_class(a) < mark_class(b); });
    i = end;
  }
  if (s.empty()) return s;
  std::size_t starter = 0;
  int last_class = mark_class(s[0]) == 0 ? 0 : 256;
  std::size_t kept = 1;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const std::uint32_t c = s[i];
    const int c_class = mark_class(c);
    const std::uint32_t composite = last_class == 256 ? 0 : composition(s[starter], c);
    if (composite != 0 && (last_class < c_class || last_class == 0)) {
      s[starter] = composite;
      continue;
    }
    if (c_class == 0) starter = kept;
    last_class = c_class;
    s[kept++] = c;
  }
  s.resize(kept);
  return s;
}

bool needs_no_change(std::string_view text) {
  char previous = ' ';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || byte < 0x20 || byte == 0x7F) return false;
    if (c == ' ' && previous == ' ') return false;  // a double space, or one at the start
    previous = c;
  }
  return previous != ' ';
}

}  // namespace

bool is_blank_text(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const Decoded d = decode_at(text, at);
    if (!d.valid || !(is_space(d.code_point) || is_invisible(d.code_point))) return false;
    at += d.length;
  }
  return true;
}

std::string normalise_name(std::string_view text) {
  if (needs_no_change(text)) return std::string(text);
  std::vector<std::uint32_t> letters;
  letters.reserve(text.size());
  bool space_pending = false;
  bool any_mark = false;
  for (std::size_t at = 0; at < text.size();) {
    const Decoded d = decode_at(text, at);
    at += d.length;
    if (d.valid && is_invisible(d.code_point)) continue;
    if (d.valid && is_space(d.code_point)) {
      space_pending = !letters.empty();
      continue;
    }
    if (space_pending) letters.push_back(' ');
    space_pending = false;
    const std::uint32_t c = singleton(d.code_point);
    any_mark = any_mark || mark_class(c) != 0;
    letters.push_back(c);
  }
  if (any_mark) letters = compose_latin(letters);
  std::string out;
  out.reserve(text.size());
  for (const std::uint32_t c : letters) append(out, c);
  return out;
}

std::string fold_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) {
      out.push_back(byte >= 'A' && byte <= 'Z' ? static_cast<char>(byte - 'A' + 'a') : static_cast<char>(byte));
      ++at;
      continue;
    }
    const Decoded d = decode_at(text, at);
    std::uint32_t c = d.code_point;
    if (d.valid) {
      const auto* begin = unicode_tables::kFolds;
      const auto* end = begin + unicode_tables::kFoldCount;
      const auto* found = std::lower_bound(begin, end, c, [](const auto& f, std::uint32_t key) { return f.letter < key; });
      if (found != end && found->letter == c) c = found->folded;
    }
    append(out, c);
    at += d.length;
  }
  return out;
}

std::string visible_text(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const Decoded d = decode_at(text, at);
    const std::uint32_t c = d.code_point;
    if (!d.valid || c < 0x20 || c == 0x7F) {
      const auto byte = static_cast<unsigned char>(text[at]);
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    } else if (c != ' ' && (is_space(c) || is_invisible(c) || mark_class(c) != 0)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(c >> shift) & 0xF]);
    } else {
      out.append(text.substr(at, d.length));
    }
    at += d.length;
  }
  return out;
}

}  // namespace toets
