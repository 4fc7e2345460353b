#pragma once
// Splitting CSV records into fields (RFC 4180), for the header and the rows alike (csv_reader.cpp
// says why the project has a reader of its own). Header-only: these run for every record of a
// load and are inlined into the loops that call them.
//
// A record without quoted fields is split sixteen bytes at a time (scan_plain_record: SSE2 compares,
// the others byte by byte); any other by scan_record, byte by byte. Fields are string_views into
// the text; a bad record never derails the next one.

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace toets::csv {

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

// ---------------------------------------------------------------------------------------------
// Splitting records (RFC 4180)

struct Field {
  std::string_view text;        // trimmed when unquoted; quotes removed when quoted
  bool doubled_quotes = false;  // quoted and contains "" still to be collapsed
};

enum class RecordProblem : std::uint8_t { None, UnterminatedQuote, TextAfterQuote };

struct RecordScan {
  const char* next = nullptr;   // where the next record starts
  std::size_t field_count = 0;  // every field, also those beyond the capacity given
  std::uint64_t newlines = 0;   // line ends consumed, the record's own included
  bool any_doubled_quotes = false;
  bool plain_ascii = false;  // every byte before the line end (CRLF or LF) is printable ASCII (0x20-0x7F)
  RecordProblem problem = RecordProblem::None;
  std::size_t problem_field = 0;
  std::uint64_t problem_line_offset = 0;  // lines after the record's first where it starts
};

inline std::uint64_t count_newlines(const char* begin, const char* end) {
  return static_cast<std::uint64_t>(std::count(begin, end, '\n'));
}

// The first delimiter or '\n' in [pos, end), or end. The hottest loop of a load: eight bytes at a
// time with the has-zero-byte trick (the lowest flagged byte is always a true match).
template <char kDelimiter>
const char* find_delimiter_or_newline(const char* pos, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    while (end - pos >= 8) {
      std::uint64_t chunk = 0;
      std::memcpy(&chunk, pos, 8);
      const std::uint64_t commas = chunk ^ (kOnes * static_cast<unsigned char>(kDelimiter));
      const std::uint64_t newlines = chunk ^ (kOnes * '\n');
      const std::uint64_t found =
          (((commas - kOnes) & ~commas) | ((newlines - kOnes) & ~newlines)) & kHighBits;
      if (found != 0) return pos + std::countr_zero(found) / 8;
      pos += 8;
    }
  }
  while (pos < end && *pos != kDelimiter && *pos != '\n') ++pos;
  return pos;
}

// Splits the record starting at `pos` (not a blank line). Stores at most `capacity` fields but
// scans to the record's end whatever it finds, so a bad record never derails the next one.
template <char kDelimiter>
RecordScan scan_record(const char* pos, const char* end, Field* fields, std::size_t capacity) {
  RecordScan scan;
  const auto note_problem = [&scan](RecordProblem problem) {
    if (scan.problem != RecordProblem::None) return;
    scan.problem = problem;
    scan.problem_field = scan.field_count;
    scan.problem_line_offset = scan.newlines;
  };

  for (;;) {
    const char* start = pos;
    while (start < end && is_blank(*start)) ++start;
    Field field;
    if (start < end && *start == '"') {
      const char* content = start + 1;
      const char* cursor = content;
      const char* closing = nullptr;
      while (closing == nullptr) {
        const void* hit = std::memchr(cursor, '"', static_cast<std::size_t>(end - cursor));
        if (hit == nullptr) break;
        const char* quote = static_cast<const char*>(hit);
        if (quote + 1 < end && quote[1] == '"') {
          field.doubled_quotes = true;
          cursor = quote + 2;
          continue;
        }
        closing = quote;
      }
      if (closing == nullptr) {
        // The quote never closes: the rest of the file is this field. Report it, never hang.
        note_problem(RecordProblem::UnterminatedQuote);
        scan.newlines += count_newlines(content, end);
        field.text = std::string_view(content, static_cast<std::size_t>(end - content));
        field.doubled_quotes = false;  // shown as found
        if (scan.field_count < capacity) fields[scan.field_count] = field;
        ++scan.field_count;
        scan.next = end;
        return scan;
      }
      field.text = std::string_view(content, static_cast<std::size_t>(closing - content));
      scan.newlines += count_newlines(content, closing);
      scan.any_doubled_quotes = scan.any_doubled_quotes || field.doubled_quotes;
      pos = closing + 1;
      while (pos < end && is_blank(*pos)) ++pos;
      if (pos < end && *pos == '\r' && (pos + 1 == end || pos[1] == '\n')) ++pos;
      if (pos < end && *pos != kDelimiter && *pos != '\n') {
        note_problem(RecordProblem::TextAfterQuote);
        while (pos < end && *pos != kDelimiter && *pos != '\n') ++pos;
      }
    } else {
      const char* stop = find_delimiter_or_newline<kDelimiter>(start, end);
      pos = stop;
      // A CR belongs to the line end (CRLF), not to the last cell.
      if (stop > start && (stop == end || *stop == '\n') && stop[-1] == '\r') --stop;
      while (stop > start && is_blank(stop[-1])) --stop;
      field.text = std::string_view(start, static_cast<std::size_t>(stop - start));
    }

    if (scan.field_count < capacity) fields[scan.field_count] = field;
    ++scan.field_count;
    if (pos == end) {
      scan.next = end;
      return scan;
    }
    if (*pos == '\n') {
      ++scan.newlines;
      scan.next = pos + 1;
      return scan;
    }
    ++pos;  // the delimiter
  }
}

// Skips line ends with nothing on them; returns the start of the next record (or end).
inline const char* skip_blank_lines(const char* pos, const char* end, std::uint64_t& line) {
  while (pos < end) {
    if (*pos == '\n') {
      ++line;
      ++pos;
    } else if (*pos == '\r' && (pos + 1 == end || pos[1] == '\n')) {
      ++pos;
    } else {
      break;
    }
  }
  return pos;
}

// Collapses "" to " in the fields that have them. `buffer` is reserved to the record's size first,
// so the views made into it stay valid until the next record.
inline void collapse_doubled_quotes(Field* fields, std::size_t count, std::size_t record_bytes,
                             std::string& buffer) {
  buffer.clear();
  buffer.reserve(record_bytes);
  for (std::size_t i = 0; i < count; ++i) {
    if (!fields[i].doubled_quotes) continue;
    const std::size_t begin = buffer.size();
    const std::string_view text = fields[i].text;
    for (std::size_t at = 0; at < text.size(); ++at) {
      buffer.push_back(text[at]);
      if (text[at] == '"') ++at;  // the second quote of a pair
    }
    fields[i].text = std::string_view(buffer).substr(begin);
    fields[i].doubled_quotes = false;
  }
}

// Which of ',' and ';' the header line (from `pos` to its end, quoted line ends included) has
// more of outside quotes; ',' when neither.
inline char detect_delimiter(const char* pos, const char* end) {
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  bool quoted_text = false;
  for (; pos < end; ++pos) {
    const char c = *pos;
    if (c == '"') {
      quoted_text = !quoted_text;
    } else if (!quoted_text) {
      if (c == '\n') break;
      commas += c == ',';
      semicolons += c == ';';
    }
  }
  return semicolons > commas ? ';' : ',';
}

// ---------------------------------------------------------------------------------------------
// Splitting plain records fast

inline bool is_unusual(char c) { return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80; }

// Bits (1 << i) of the `count` bytes at `at` that are the delimiter or '\n'; in `unusual` the bits
// of bytes that are not printable ASCII (below 0x20, or 0x80 and up).
template <char kDelimiter>
std::uint32_t separator_mask_tail(const char* at, std::ptrdiff_t count, std::uint32_t& unusual) {
  std::uint32_t mask = 0;
  unusual = 0;
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    mask |= static_cast<std::uint32_t>(at[i] == kDelimiter || at[i] == '\n') << i;
    unusual |= static_cast<std::uint32_t>(is_unusual(at[i])) << i;
  }
  return mask;
}

// The same for sixteen bytes, with SSE2 compares where there are.
template <char kDelimiter>
std::uint32_t separator_mask(const char* at, std::uint32_t& unusual) {
#if defined(__SSE2__)
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(kDelimiter)),
                                    _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n')));
  // Signed: bytes from 0x80 up are negative, so one compare finds them and the control bytes.
  unusual = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20))));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(hits));
#else
  return separator_mask_tail<kDelimiter>(at, 16, unusual);
#endif
}

// The bytes that make a field's first or last byte worth a closer look: blanks to trim, a quote,
// a CR before the line end.
inline constexpr std::array<bool, 256> kEdgeBytes = [] {
  std::array<bool, 256> edge{};
  edge[' '] = edge['\t'] = edge['"'] = edge['\r'] = true;
  return edge;
}();

// Splits the record at `pos` when no field of it is quoted, as nearly every record of an export:
// the field ends come sixteen bytes at a time from separator_mask instead of byte by byte. Returns
// false, having decided nothing, at a field that starts with a quote; scan_record reads that record.
// Otherwise the result is scan_record's (trimmed blanks, a CR before the line end dropped).
// Each field goes to `put(index, text)`, which keeps what it has room for.
template <char kDelimiter, typename Put>
bool scan_plain_record(const char* pos, const char* end, Put&& put, RecordScan& scan) {
  std::size_t count = 0;
  const char* field_start = pos;
  // Inlined: called for every field of a load, a call each was a tenth of its instructions.
  const auto take_field = [&](const char* stop) __attribute__((always_inline)) {
    const char* start = field_start;
    // Most fields neither start nor end with a blank, a quote or a CR: nothing to trim or check.
    if (start == stop || (!kEdgeBytes[static_cast<unsigned char>(*start)] &&
                          !kEdgeBytes[static_cast<unsigned char>(stop[-1])])) {
      put(count++, std::string_view(start, static_cast<std::size_t>(stop - start)));
      return true;
    }
    while (start < stop && is_blank(*start)) ++start;
    if (start < stop && *start == '"') return false;
    if (stop > start && (stop == end || *stop == '\n') && stop[-1] == '\r') --stop;
    while (stop > start && is_blank(stop[-1])) --stop;
    put(count++, std::string_view(start, static_cast<std::size_t>(stop - start)));
    return true;
  };
  // The bytes that are not printable ASCII, of the blocks before the previous one; the previous
  // block's are held back, as its last byte may be the CR of a CRLF line end. A CRLF record is
  // plain: the CR belongs to the line end (take_field drops it), and Windows exports end every
  // line so.
  std::uint32_t unusual_seen = 0;
  std::uint32_t unusual_held = 0;
  const auto done = [&](const char* next, std::uint64_t newlines) {
    scan = RecordScan{};
    scan.next = next;
    scan.field_count = count;
    scan.newlines = newlines;
    scan.plain_ascii = (unusual_seen | unusual_held) == 0;
    return true;
  };

  for (const char* block = pos;; block += 16) {
    const bool whole_block = end - block >= 16;
    std::uint32_t unusual = 0;
    std::uint32_t mask = whole_block ? separator_mask<kDelimiter>(block, unusual)
                                     : separator_mask_tail<kDelimiter>(block, end - block, unusual);
    for (; mask != 0; mask &= mask - 1) {
      const int at = std::countr_zero(mask);
      const char* stop = block + at;
      if (!take_field(stop)) return false;
      if (*stop == '\n') {
        std::uint32_t before = unusual & ((1U << at) - 1);  // the bytes before the line end
        if (stop > pos && stop[-1] == '\r') {
          if (at > 0) {
            before &= ~(1U << (at - 1));
          } else {
            unusual_held &= ~(1U << 15);  // the previous block's last byte
          }
        }
        unusual_seen |= before;
        return done(stop + 1, 1);
      }
      field_start = stop + 1;
    }
    unusual_seen |= unusual_held;
    unusual_held = unusual;
    if (!whole_block) return take_field(end) && done(end, 0);
  }
}

}  // namespace toets::csv
