// Text encodings of data files (encoding.hpp): UTF-8 validation, the Windows-1252 table, and
// decoding a file's bytes.

#include "engine/encoding.hpp"

#include <array>
#include <cstring>

#include "engine/load_common.hpp"

namespace toets::loading {

// ---------------------------------------------------------------------------------------------
// UTF-8

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t at = 0;
  // Most cells are ASCII: test eight bytes at a time for a high bit.
  while (at + 8 <= text.size()) {
    std::uint64_t chunk = 0;
    std::memcpy(&chunk, text.data() + at, 8);
    if ((chunk & 0x8080808080808080ULL) != 0) break;
    at += 8;
  }
  while (at < text.size()) {
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Windows-1252

namespace {

// Code points of 0x80..0x9F; 0 where Windows-1252 defines no character. 0xA0..0xFF are U+00A0..U+00FF.
constexpr std::array<std::uint16_t, 32> kWindows1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88-8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98-9F
};

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace

std::string windows_1252_to_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t at = 0;
  while (at < text.size()) {
    // Runs of ASCII are copied as they are.
    std::size_t ascii_end = at;
    while (ascii_end < text.size() && static_cast<unsigned char>(text[ascii_end]) < 0x80) ++ascii_end;
    out.append(text.substr(at, ascii_end - at));
    if (ascii_end == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[ascii_end]);
    if (byte >= 0xA0) {
      append_utf8(out, byte);
    } else if (const std::uint16_t code_point = kWindows1252High[byte - 0x80]; code_point != 0) {
      append_utf8(out, code_point);
    } else {
      out.push_back(static_cast<char>(byte));  // undefined: kept, and invalid UTF-8 on its own
    }
    at = ascii_end + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding a file

std::string_view decode_text(std::string_view raw, Encoding encoding, const std::string& name, std::string& converted,
                             std::vector<std::string>& notes) {
  if (raw.starts_with("\xFF\xFE") || raw.starts_with("\xFE\xFF")) {
    throw DataFileError(name + ":1: the file is UTF-16 encoded; expected UTF-8");
  }
  const bool byte_order_mark = raw.starts_with("\xEF\xBB\xBF");
  if (byte_order_mark) raw.remove_prefix(3);
  if (encoding != Encoding::Windows1252) return raw;

  bool any_high = false;
  for (const char c : raw) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      any_high = true;
      break;
    }
  }
  if (any_high && is_valid_utf8(raw)) {
    throw DataFileError(name +
                        ": the file was stated to be Windows-1252, but its text is UTF-8 (every byte outside "
                        "ASCII is part of a UTF-8 character); read it as UTF-8 (leave out --encoding, or say "
                        "--encoding utf-8)");
  }
  if (byte_order_mark) {
    notes.push_back("the file starts with a UTF-8 byte-order mark but was read as Windows-1252, as stated");
  }
  converted = windows_1252_to_utf8(raw);
  return converted;
}

}  // namespace toets::loading
