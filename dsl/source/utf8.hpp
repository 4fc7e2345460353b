#pragma once
// The one UTF-8 decoder and validator (Unicode table 3-7: no overlong forms, no surrogates,
// nothing beyond U+10FFFF). Inline: the loaders run it over every byte outside ASCII.

#include <cstddef>
#include <optional>
#include <string_view>

namespace toets {

// The code point of a well-formed UTF-8 sequence at text[at] and its length in bytes; length 0
// when the byte there does not start one (ill-formed, overlong, a surrogate, beyond U+10FFFF).
struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;
};

[[gnu::always_inline]] inline CodePoint decode_utf8(std::string_view text, std::size_t at) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char lead = bytes[at];
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t value = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07u;
  } else {
    return {};
  }
  if (at + length > text.size()) return {};
  for (std::size_t k = 1; k < length; ++k) {
    if ((bytes[at + k] & 0xC0) != 0x80) return {};
    value = (value << 6) | (bytes[at + k] & 0x3Fu);
  }
  if ((length == 3 && (value < 0x800 || (value >= 0xD800 && value <= 0xDFFF))) ||
      (length == 4 && (value < 0x10000 || value > 0x10FFFF))) {
    return {};
  }
  return {value, length};
}

// The offset of the first byte that is not part of well-formed UTF-8, if any.
inline std::optional<std::size_t> invalid_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = decode_utf8(text, at).length;
    if (length == 0) return at;
    at += length;
  }
  return std::nullopt;
}

}  // namespace toets
