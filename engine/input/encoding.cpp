// Text encodings of data files (encoding.hpp): UTF-8 validation, the Windows-1252 table, and the
// choice between them for a whole file.
//
// Speed: detection reads every byte of a file before its rows are read, on one thread, so it must
// cost a few per cent of a load at most. Exports are nearly all ASCII: the scan tests 64 bytes at
// a time for a high bit and validates UTF-8 only where there is one. Over a mapped file
// it gives the pages it has passed back as it goes, as the row readers do, so it costs no memory.

#include "engine/input/encoding.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "dsl/source/utf8.hpp"
#include "engine/data/dataset.hpp"
#include "engine/input/load_common.hpp"

namespace toets::loading {

namespace {

// utf8_sequence_length, inline for the scans below (the decoder: dsl/source/utf8.hpp).
[[gnu::always_inline]] inline std::size_t sequence_length(std::string_view text, std::size_t at) {
  return decode_utf8(text, at).length;
}

// Bit i set when byte i of the 64 bytes at `at` is outside ASCII (its high bit set): 0 for the
// ASCII that is nearly all of an export, tested with four 16-byte loads (SSE2) and one branch.
inline std::uint64_t high_bytes_of_64(const char* at) {
#if defined(__SSE2__)
  const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 16));
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 32));
  const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 48));
  if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) == 0) return 0;
  const auto mask = [](__m128i bytes) {
    return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(bytes)));
  };
  return mask(a) | mask(b) << 16 | mask(c) << 32 | mask(d) << 48;
#else
  std::uint64_t any = 0;
  for (int i = 0; i < 8; ++i) {
    std::uint64_t word = 0;
    std::memcpy(&word, at + 8 * i, 8);
    any |= word;
  }
  if ((any & 0x8080808080808080ULL) == 0) return 0;
  std::uint64_t bits = 0;
  for (int i = 0; i < 64; ++i) bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(at[i]) >> 7) << i;
  return bits;
#endif
}

// The index of the first byte (in memory order) of a word whose high bit is set in `high_bits`.
std::size_t first_flagged_byte(std::uint64_t high_bits) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<std::size_t>(std::countr_zero(high_bits)) / 8;
  } else {
    return static_cast<std::size_t>(std::countl_zero(high_bits)) / 8;
  }
}

// Checks the UTF-8 sequences of `text` that start in [at, until): returns the offset of the first
// ill-formed one (below `until`), or where the next sequence starts (at or beyond `until`: a
// sequence may run past it). `multi_byte` becomes true when a well-formed sequence of more than
// one byte was passed.
inline std::size_t check_utf8(std::string_view text, std::size_t at, std::size_t until, bool& multi_byte) {
  const char* const data = text.data();
  // 64 bytes at a time. In a block with bytes outside ASCII, the sequences that start at them are
  // found from the block's mask, without loading the block again for each.
  while (at + 64 <= until) {
    const std::size_t block = at;
    std::uint64_t high = high_bytes_of_64(data + block);
    while (high != 0) {
      const std::size_t lead = block + static_cast<std::size_t>(std::countr_zero(high));
      high &= high - 1;
      if (lead < at) continue;  // a continuation byte of the sequence just checked
      const std::size_t length = sequence_length(text, lead);
      if (length == 0) return lead;
      multi_byte = true;
      at = lead + length;
    }
    at = std::max(at, block + 64);
  }
  // The rest (and short cells): eight bytes at a time while they are ASCII.
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  while (at < until) {
    if (until - at >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, data + at, 8);
      if ((word & kHighBits) == 0) {
        at += 8;
        continue;
      }
      at += first_flagged_byte(word & kHighBits);
    } else if (static_cast<unsigned char>(data[at]) < 0x80) {
      ++at;
      continue;
    }
    const std::size_t length = sequence_length(text, at);
    if (length == 0) return at;
    multi_byte = true;
    at += length;
  }
  return at;
}

// The first ill-formed UTF-8 in a whole file, a slice at a time, giving back each slice's pages
// when it has been checked. `multi_byte`: well-formed multi-byte UTF-8 came before it.
std::size_t first_invalid_in_file(std::string_view text, const std::function<void(const char*)>& release,
                                  bool& multi_byte) {
  constexpr std::size_t kSlice = 4 << 20;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t until = std::min(text.size(), at + kSlice);
    at = check_utf8(text, at, until, multi_byte);
    if (at < until) return at;
    if (release) release(text.data() + at);
  }
  return std::string_view::npos;
}

// Code points of 0x80..0x9F; 0 where Windows-1252 defines no character. 0xA0..0xFF are U+00A0..U+00FF.
constexpr std::array<std::uint16_t, 32> kWindows1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88-8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98-9F
};

// The code point of a byte of 0x80 and above in Windows-1252, 0 where it defines none.
std::uint32_t windows_1252_code_point(unsigned char byte) {
  return byte >= 0xA0 ? byte : kWindows1252High[byte - 0x80];
}

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

std::string hex_byte(unsigned char byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string{'0', 'x', kHex[byte >> 4], kHex[byte & 0xF]};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// UTF-8

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) { return sequence_length(text, at); }

std::size_t first_invalid_utf8(std::string_view text) {
  bool multi_byte = false;
  const std::size_t at = check_utf8(text, 0, text.size(), multi_byte);
  return at < text.size() ? at : std::string_view::npos;
}

bool is_valid_utf8(std::string_view text) {
  bool multi_byte = false;
  return check_utf8(text, 0, text.size(), multi_byte) >= text.size();
}

// ---------------------------------------------------------------------------------------------
// Windows-1252

namespace {

// Appends `text`, read as Windows-1252, to `out` as UTF-8.
void append_windows_1252_as_utf8(std::string& out, std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    // Runs of ASCII are copied as they are.
    std::size_t ascii_end = at;
    while (ascii_end < text.size() && static_cast<unsigned char>(text[ascii_end]) < 0x80) ++ascii_end;
    out.append(text.substr(at, ascii_end - at));
    if (ascii_end == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[ascii_end]);
    if (const std::uint32_t code_point = windows_1252_code_point(byte); code_point != 0) {
      append_utf8(out, code_point);
    } else {
      out.push_back(static_cast<char>(byte));  // undefined: kept, and invalid UTF-8 on its own
    }
    at = ascii_end + 1;
  }
}

}  // namespace

std::string windows_1252_to_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_windows_1252_as_utf8(out, text);
  return out;
}

std::string describe_invalid_byte(std::string_view text, std::string_view windows_1252_advice) {
  const std::size_t at = first_invalid_utf8(text);
  if (at == std::string_view::npos) return "holds no invalid byte";
  const auto byte = static_cast<unsigned char>(text[at]);
  std::string out = "holds byte " + hex_byte(byte);
  const std::uint32_t code_point = windows_1252_code_point(byte);
  if (code_point == 0) return out;
  out += ", which is ";
  // The no-break space and the soft hyphen would be invisible between quotes.
  if (code_point == 0xA0) {
    out += "a no-break space";
  } else if (code_point == 0xAD) {
    out += "a soft hyphen";
  } else {
    out += '\'';
    append_utf8(out, code_point);
    out += '\'';
  }
  out += " in Windows-1252";
  out += windows_1252_advice;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Choosing the encoding of a file

namespace {

void refuse_utf16(std::string_view raw, const std::string& name) {
  if (raw.starts_with("\xFF\xFE") || raw.starts_with("\xFE\xFF")) {
    throw DataFileError(name + ":1: the file is UTF-16 encoded; expected UTF-8");
  }
}

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

std::string_view without_byte_order_mark(std::string_view raw) {
  if (raw.starts_with(kByteOrderMark)) raw.remove_prefix(kByteOrderMark.size());
  return raw;
}

DecodedText take_as_utf8(std::string_view raw, const std::string& name, LoadReport& report) {
  refuse_utf16(raw, name);
  report.encoding_detected = true;
  report.encoding = "utf-8";
  return DecodedText{without_byte_order_mark(raw), false};
}

DecodedText decode_text(std::string_view raw, Encoding encoding, const std::string& name, std::string& converted,
                        LoadReport& report, const std::function<void(const char*)>& release) {
  refuse_utf16(raw, name);
  const bool byte_order_mark = raw.starts_with(kByteOrderMark);
  raw = without_byte_order_mark(raw);

  report.encoding_detected = encoding == Encoding::Auto;
  if (encoding == Encoding::Auto) {
    bool multi_byte = false;
    const std::size_t invalid = first_invalid_in_file(raw, release, multi_byte);
    if (invalid == std::string_view::npos) {
      report.encoding = "utf-8";
      return DecodedText{raw, false};
    }
    const auto line = 1 + static_cast<std::uint64_t>(std::count(raw.begin(), raw.begin() + invalid, '\n'));
    std::string note = "not valid UTF-8 at line " + std::to_string(line) + " (byte " +
                       hex_byte(static_cast<unsigned char>(raw[invalid])) + "): read as Windows-1252";
    // UTF-8 text before it is read as Windows-1252 too, and garbled: a mixed file must not pass
    // unremarked.
    if (multi_byte) note += "; the lines before it hold UTF-8 characters, which now read wrongly: is the file a mix?";
    if (byte_order_mark) note += "; the file starts with a UTF-8 byte-order mark all the same";
    report.notes.push_back(std::move(note));
  } else if (encoding != Encoding::Windows1252) {
    report.encoding = "utf-8";
    return DecodedText{raw, false};
  } else {
    bool multi_byte = false;
    if (check_utf8(raw, 0, raw.size(), multi_byte) >= raw.size() && multi_byte) {
      throw DataFileError(name +
                          ": the file was stated to be Windows-1252, but its text is UTF-8 (every byte outside "
                          "ASCII is part of a UTF-8 character); read it as UTF-8 (leave out --encoding, or say "
                          "--encoding utf-8)");
    }
    if (byte_order_mark) {
      report.notes.push_back("the file starts with a UTF-8 byte-order mark but was read as Windows-1252, as stated");
    }
  }
  report.encoding = "windows-1252";
  // A slice at a time, each slice's pages of the file given back once converted: the file and its
  // conversion are not both in memory (a single-byte encoding converts slice by slice alike).
  constexpr std::size_t kSlice = 4 << 20;
  converted.clear();
  converted.reserve(raw.size() + raw.size() / 8);
  for (std::size_t at = 0; at < raw.size(); at += kSlice) {
    const std::string_view slice = raw.substr(at, kSlice);
    append_windows_1252_as_utf8(converted, slice);
    if (release) release(slice.data() + slice.size());
  }
  return DecodedText{converted, true};
}

}  // namespace toets::loading

namespace toets {

RejectionReason invalid_utf8_reason(std::string_view text, std::string_view advice) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  RejectionReason why{ReasonKind::InvalidUtf8, {}};
  const std::size_t at = loading::first_invalid_utf8(text);
  if (at == std::string_view::npos) return why;
  const char byte = text[at];
  const auto value = static_cast<unsigned char>(byte);
  why.with("byte", std::string{'0', 'x', kHex[value >> 4], kHex[value & 0xF]});
  // What the byte is in Windows-1252, unless the code page leaves it undefined.
  const std::string character = loading::windows_1252_to_utf8(std::string_view(&byte, 1));
  if (loading::is_valid_utf8(character)) why.with("windows_1252", character);
  if (!advice.empty()) why.with("advice", std::string(advice));
  return why;
}

}  // namespace toets
