#include "dsl/source/visible_text.hpp"

namespace toets {

namespace {

constexpr char kLowerHex[] = "0123456789abcdef";
constexpr char kUpperHex[] = "0123456789ABCDEF";

// Plain printable ASCII and the kept line structure: the bytes copied as they are, fast.
bool plain_byte(unsigned char c, bool keep_lines) {
  return (c >= 0x20 && c < 0x7F) || (keep_lines && (c == '\n' || c == '\t'));
}

std::string escaped(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t at = 0;
  while (at < text.size()) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (plain_byte(byte, keep_lines)) {
      std::size_t end = at + 1;
      while (end < text.size() && plain_byte(static_cast<unsigned char>(text[end]), keep_lines)) ++end;
      out.append(text.substr(at, end - at));
      at = end;
      continue;
    }
    if (byte < 0x80) {  // a C0 control or DEL
      out += "\\x";
      out += kLowerHex[byte >> 4];
      out += kLowerHex[byte & 0xF];
      ++at;
      continue;
    }
    const CodePoint code = decode_utf8(text, at);
    if (code.length == 0) {  // not UTF-8: the byte
      out += "\\x";
      out += kUpperHex[byte >> 4];
      out += kUpperHex[byte & 0xF];
      ++at;
      continue;
    }
    if (is_escaped_code_point(code.value)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kLowerHex[(code.value >> shift) & 0xF];
    } else {
      out.append(text.substr(at, code.length));
    }
    at += code.length;
  }
  return out;
}

// The length of the escape from visible() that starts at text[at], or 0: \xNN, \uNNNN.
std::size_t escape_length(std::string_view text, std::size_t at) {
  if (text[at] != '\\' || at + 1 >= text.size()) return 0;
  const std::size_t length = text[at + 1] == 'x' ? 4 : text[at + 1] == 'u' ? 6 : 0;
  if (length == 0 || at + length > text.size()) return 0;
  for (std::size_t k = at + 2; k < at + length; ++k) {
    const char c = text[k];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return 0;
  }
  return length;
}

}  // namespace

bool is_escaped_code_point(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

std::string visible(std::string_view text) { return escaped(text, false); }

std::string visible_lines(std::string_view text) { return escaped(text, true); }

bool needs_escaping(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte < 0x7F) {
      ++at;
      continue;
    }
    if (byte < 0x80) return true;
    const CodePoint code = decode_utf8(text, at);
    if (code.length == 0 || is_escaped_code_point(code.value)) return true;
    at += code.length;
  }
  return false;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) {
      width += byte >= 0x20 && byte < 0x7F ? 1 : 0;
      ++at;
      continue;
    }
    const CodePoint code = decode_utf8(text, at);
    if (code.length == 0) {
      ++width;
      ++at;
      continue;
    }
    width += static_cast<std::size_t>(code_point_width(code.value));
    at += code.length;
  }
  return width;
}

std::string pad_to_width(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t shown = display_width(text);
  if (shown < width) out.append(width - shown, ' ');
  return out;
}

std::vector<std::string_view> wrap_to_width(std::string_view text, std::size_t width) {
  std::vector<std::string_view> pieces;
  if (width == 0) width = 1;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t at = start;
    std::size_t used = 0;
    std::size_t after_space = 0;  // where a piece ending at a space would end
    while (at < text.size()) {
      // The next unit: an escape, or a character with the zero-width characters that follow it.
      std::size_t length = escape_length(text, at);
      std::size_t unit_width = length;
      if (length == 0) {
        const CodePoint code = decode_utf8(text, at);
        length = code.length == 0 ? 1 : code.length;
        unit_width = code.length == 0 ? 1 : static_cast<std::size_t>(code_point_width(code.value));
        while (at + length < text.size()) {
          const CodePoint next = decode_utf8(text, at + length);
          if (next.length == 0 || next.value < 0x80 || code_point_width(next.value) != 0) break;
          length += next.length;
        }
      }
      if (used + unit_width > width && at > start) break;
      used += unit_width;
      at += length;
      if (text[at - length] == ' ') after_space = at;
    }
    std::size_t end = at;
    const bool at_a_space = at < text.size() && text[at] == ' ';  // the piece ends where a word does
    if (at < text.size() && !at_a_space && after_space > start &&
        display_width(text.substr(start, after_space - start)) * 2 >= width) {
      end = after_space;
    }
    pieces.push_back(text.substr(start, end - start));
    start = end;
    while (start < text.size() && text[start] == ' ') ++start;  // the next piece starts with a word
  }
  return pieces;
}

}  // namespace toets
