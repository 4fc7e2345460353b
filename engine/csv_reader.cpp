// The canonical CSV reader.
//
// Why the project has its own: loading is on the critical path (a million allocation rows in well
// under a second, loading included), money must be read exactly into integer cents (never through
// a double), and every rejected row must say its line, column, value and what was expected. No CSV
// library packaged by Debian loads typed columns with per-cell rejection reasons; wrapping a
// string-splitting one would cost a copy per cell and still leave all of the typing to us.
//
// How it stays fast: the whole file is read into memory once and scanned in a single pass; cells
// are string_views into that buffer (only quoted cells with doubled quotes are copied, into a
// reused buffer); numbers and dates are parsed by hand; a row is validated into a reused scratch
// row and only then appended, so the common case allocates nothing per row.

#include "engine/csv_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dsl/calendar.hpp"

namespace toets {

namespace {

// Values quoted in messages are cut to this many bytes: a runaway quoted field can be megabytes.
constexpr std::size_t kMaxQuotedBytes = 120;

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ---------------------------------------------------------------------------------------------
// UTF-8

// Length of the well-formed UTF-8 sequence at `at` (Unicode table 3-7), 0 when ill-formed.
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

// A value as it may appear in a message (and later in JSON, which must be UTF-8): ill-formed bytes
// become \xNN, and long values are cut at a character boundary.
std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    if (out.size() >= kMaxQuotedBytes) {
      out += "...";
      break;
    }
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) {
      const auto byte = static_cast<unsigned char>(text[at]);
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
      ++at;
      continue;
    }
    out.append(text.substr(at, length));
    at += length;
  }
  return out;
}

// Built by appending: GCC 12 warns falsely (-Wrestrict, PR 105329) on "'" + std::string&&.
std::string quoted(std::string_view text) {
  std::string out(1, '\'');
  out += printable(text);
  out += '\'';
  return out;
}

// For "did you mean": plain Levenshtein distance; only used on header names.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool looks_like_misspelling(std::string_view a, std::string_view b) {
  const std::size_t distance = edit_distance(a, b);
  return distance > 0 && distance <= std::max<std::size_t>(1, std::min(a.size(), b.size()) / 4);
}

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
  RecordProblem problem = RecordProblem::None;
  std::size_t problem_field = 0;
  std::uint64_t problem_line_offset = 0;  // lines after the record's first where it starts
};

std::uint64_t count_newlines(const char* begin, const char* end) {
  return static_cast<std::uint64_t>(std::count(begin, end, '\n'));
}

// The first ',' or '\n' in [pos, end), or end. The hottest loop of a load: eight bytes at a time
// with the has-zero-byte trick (the lowest flagged byte is always a true match).
const char* find_comma_or_newline(const char* pos, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    while (end - pos >= 8) {
      std::uint64_t chunk = 0;
      std::memcpy(&chunk, pos, 8);
      const std::uint64_t commas = chunk ^ (kOnes * ',');
      const std::uint64_t newlines = chunk ^ (kOnes * '\n');
      const std::uint64_t found =
          (((commas - kOnes) & ~commas) | ((newlines - kOnes) & ~newlines)) & kHighBits;
      if (found != 0) return pos + std::countr_zero(found) / 8;
      pos += 8;
    }
  }
  while (pos < end && *pos != ',' && *pos != '\n') ++pos;
  return pos;
}

// Splits the record starting at `pos` (not a blank line). Stores at most `capacity` fields but
// scans to the record's end whatever it finds, so a bad record never derails the next one.
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
      if (pos < end && *pos != ',' && *pos != '\n') {
        note_problem(RecordProblem::TextAfterQuote);
        while (pos < end && *pos != ',' && *pos != '\n') ++pos;
      }
    } else {
      const char* stop = find_comma_or_newline(start, end);
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
    ++pos;  // the comma
  }
}

// Skips line ends with nothing on them; returns the start of the next record (or end).
const char* skip_blank_lines(const char* pos, const char* end, std::uint64_t& line) {
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
void collapse_doubled_quotes(Field* fields, std::size_t count, std::size_t record_bytes,
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

// ---------------------------------------------------------------------------------------------
// Cell values (canonical forms only; exports in other forms go through a column mapping first)

enum class ParseResult : std::uint8_t { Ok, Malformed, TooManyDecimals, OutOfRange, NoSuchDate };

ParseResult parse_int(std::string_view text, std::int64_t& out) {
  std::int32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size()) return ParseResult::Malformed;  // also "12abc", "+1", ""
  if (error == std::errc::result_out_of_range) return ParseResult::OutOfRange;
  if (error != std::errc()) return ParseResult::Malformed;
  if (value == kNull32) return ParseResult::OutOfRange;  // reserved for missing
  out = value;
  return ParseResult::Ok;
}

// -?[0-9]+(\.[0-9]{1,2})? into exact integer cents.
ParseResult parse_money(std::string_view text, std::int64_t& out) {
  std::size_t at = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++at;
  const std::size_t whole_begin = at;
  while (at < text.size() && is_digit(text[at])) ++at;
  const std::size_t whole_end = at;
  if (whole_end == whole_begin) return ParseResult::Malformed;
  std::size_t fraction_digits = 0;
  std::uint64_t fraction = 0;
  if (at < text.size()) {
    if (text[at] != '.') return ParseResult::Malformed;
    ++at;
    const std::size_t fraction_begin = at;
    while (at < text.size() && is_digit(text[at])) ++at;
    if (at != text.size()) return ParseResult::Malformed;
    fraction_digits = at - fraction_begin;
    if (fraction_digits == 0) return ParseResult::Malformed;
    if (fraction_digits > 2) return ParseResult::TooManyDecimals;
    for (std::size_t i = fraction_begin; i < at; ++i) {
      fraction = fraction * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    if (fraction_digits == 1) fraction *= 10;
  }

  constexpr auto kLargest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  constexpr std::uint64_t kLargestEuros = kLargest / 100;
  std::uint64_t euros = 0;
  for (std::size_t i = whole_begin; i < whole_end; ++i) {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (euros > (kLargestEuros - digit) / 10) return ParseResult::OutOfRange;
    euros = euros * 10 + digit;
  }
  const std::uint64_t cents = euros * 100 + fraction;
  if (cents > kLargest) return ParseResult::OutOfRange;
  // |cents| <= INT64_MAX, so the result never meets kNull64.
  out = negative ? -static_cast<std::int64_t>(cents) : static_cast<std::int64_t>(cents);
  return ParseResult::Ok;
}

// YYYY-MM-DD, a real calendar date, as days since 1970-01-01.
ParseResult parse_date(std::string_view text, std::int64_t& out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return ParseResult::Malformed;
  constexpr std::size_t kDigitPositions[] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (const std::size_t i : kDigitPositions) {
    if (!is_digit(text[i])) return ParseResult::Malformed;
  }
  const auto digit = [&](std::size_t i) { return static_cast<std::uint32_t>(text[i] - '0'); };
  const auto year = static_cast<std::int32_t>(digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3));
  const std::uint32_t month = digit(5) * 10 + digit(6);
  const std::uint32_t day = digit(8) * 10 + digit(9);
  if (!is_valid_date(year, month, day)) return ParseResult::NoSuchDate;
  out = days_from_civil(year, month, day);
  return ParseResult::Ok;
}

ParseResult parse_bool(std::string_view text, std::int64_t& out) {
  if (text == "true" || text == "1") {
    out = 1;
    return ParseResult::Ok;
  }
  if (text == "false" || text == "0") {
    out = 0;
    return ParseResult::Ok;
  }
  return ParseResult::Malformed;
}

std::string join(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lookups that must not allocate per row

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// string_view -> dictionary code, in front of TextDictionary (whose index needs a std::string key).
using CodeCache = std::unordered_map<std::string, std::int32_t, TransparentHash, std::equal_to<>>;

std::uint64_t mix(std::uint64_t value) {  // splitmix64's finaliser
  value ^= value >> 30;
  value *= 0xBF58476D1CE4E5B9ULL;
  value ^= value >> 27;
  value *= 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

// The rows of a unique column by value, open addressing over row numbers: the values themselves
// stay in the column, so inserting a row costs no allocation beyond the table's growth. Slots are
// eight bytes (the hash's low half, which is also the position, and the row) to halve cache misses.
class UniqueIndex {
 public:
  static constexpr std::size_t kMaxRows = std::numeric_limits<std::uint32_t>::max() / 2;

  // The probe of a big table misses the cache; starting the load early hides most of that.
  void prefetch(std::uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }

  template <typename Matches>
  std::optional<std::size_t> find(std::uint64_t hash, Matches&& matches) const {
    if (slots_.empty()) return std::nullopt;
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
      const Slot& slot = slots_[at];
      if (slot.row_plus_one == 0) return std::nullopt;
      if (slot.tag == tag && matches(std::size_t{slot.row_plus_one} - 1)) return slot.row_plus_one - 1;
    }
  }

  // `row` < kMaxRows: the loader refuses bigger files.
  void insert(std::uint64_t hash, std::size_t row) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    place(Slot{static_cast<std::uint32_t>(hash), static_cast<std::uint32_t>(row + 1)});
    ++used_;
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t row_plus_one = 0;  // 0: empty
  };

  void place(const Slot& entry) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = entry.tag & mask;
    while (slots_[at].row_plus_one != 0) at = (at + 1) & mask;
    slots_[at] = entry;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    for (const Slot& slot : old) {
      if (slot.row_plus_one != 0) place(slot);
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The loader

struct ColumnPlan {
  const ColumnSchema* schema = nullptr;
  ColumnData* data = nullptr;
  std::optional<std::size_t> field;  // absent from the file: every value missing
  bool raw_text = false;
  bool dictionary_text = false;
  std::size_t cache = 0;  // into Loader::caches_, for dictionary text
  std::string last_text;  // dictionary text: consecutive rows often repeat a value
  std::int32_t last_code = -1;
  std::size_t unique = 0;  // into Loader::unique_, for unique columns
};

// One load of one file: owns the scratch row and the lookups; fills a Dataset and a LoadReport.
class Loader {
 public:
  Loader(const DatasetSchema& schema, std::string_view text, const std::string& name, LoadedDataset& out)
      : schema_(schema), name_(name), out_(out) {
    begin_ = text.data();
    end_ = text.data() + text.size();
  }

  void run() {
    const char* pos = skip_byte_order_mark();
    pos = read_header(pos);
    read_rows(pos);
  }

 private:
  [[noreturn]] void fail(std::uint64_t line, const std::string& message) const {
    throw DataFileError(name_ + ":" + std::to_string(line) + ": " + message);
  }

  const char* skip_byte_order_mark() {
    const std::string_view text(begin_, static_cast<std::size_t>(end_ - begin_));
    if (text.starts_with("\xEF\xBB\xBF")) return begin_ + 3;
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
      fail(1, "the file is UTF-16 encoded; expected UTF-8");
    }
    return begin_;
  }

  // ---- header

  const char* read_header(const char* pos) {
    const bool nothing_at_all = pos == end_;
    pos = skip_blank_lines(pos, end_, line_);
    if (pos == end_) {
      fail(line_, nothing_at_all
                      ? "the file is empty; expected a header row naming the " + schema_.name + " columns"
                      : "no header row; expected one naming the " + schema_.name + " columns");
    }
    const std::uint64_t header_line = line_;
    RecordScan scan = scan_record(pos, end_, nullptr, 0);
    std::vector<Field> fields(scan.field_count);
    scan = scan_record(pos, end_, fields.data(), fields.size());
    if (scan.problem == RecordProblem::UnterminatedQuote) {
      fail(header_line, "a quoted column name in the header is never closed");
    }
    if (scan.problem == RecordProblem::TextAfterQuote) {
      fail(header_line, "unexpected text after the closing quote of header field " +
                            std::to_string(scan.problem_field + 1));
    }
    std::string unescaped;
    if (scan.any_doubled_quotes) {
      collapse_doubled_quotes(fields.data(), fields.size(), static_cast<std::size_t>(scan.next - pos),
                              unescaped);
    }

    header_names_.reserve(fields.size());
    for (const Field& field : fields) header_names_.emplace_back(field.text);
    map_columns(header_line);

    line_ += scan.newlines;
    return scan.next;
  }

  void map_columns(std::uint64_t header_line) {
    std::unordered_map<std::string_view, std::size_t> first_field;
    std::vector<std::optional<std::size_t>> field_of_column(schema_.columns.size());
    std::vector<std::string_view> unknown;
    for (std::size_t field = 0; field < header_names_.size(); ++field) {
      const std::string_view name = header_names_[field];
      if (name.empty()) {
        out_.report.notes.push_back("column " + std::to_string(field + 1) + " has no name; ignored");
        continue;
      }
      const auto [seen, inserted] = first_field.emplace(name, field);
      if (!inserted) {
        fail(header_line, "duplicate column " + quoted(name) + " in the header (fields " +
                              std::to_string(seen->second + 1) + " and " + std::to_string(field + 1) + ")");
      }
      const auto column = schema_.column_index(name);
      if (!column) {
        unknown.push_back(name);
        std::string note = "column " + quoted(name) + " is not part of " + schema_.name + "; ignored";
        if (const auto close = closest_schema_column(name)) note += " (did you mean '" + *close + "'?)";
        out_.report.notes.push_back(std::move(note));
        continue;
      }
      field_of_column[*column] = field;
    }

    check_required_columns(header_line, field_of_column, unknown);
    build_plans(field_of_column);
  }

  std::optional<std::string> closest_schema_column(std::string_view name) const {
    for (const ColumnSchema& column : schema_.columns) {
      if (looks_like_misspelling(name, column.name)) return column.name;
    }
    return std::nullopt;
  }

  void check_required_columns(std::uint64_t header_line,
                              const std::vector<std::optional<std::size_t>>& field_of_column,
                              const std::vector<std::string_view>& unknown) const {
    std::vector<std::string> missing;
    std::vector<std::string> required;
    for (std::size_t c = 0; c < schema_.columns.size(); ++c) {
      const ColumnSchema& column = schema_.columns[c];
      if (!column.required) continue;
      required.push_back(column.name);
      if (!field_of_column[c]) missing.push_back("'" + column.name + "'");
    }
    if (missing.empty()) return;

    std::string message = missing.size() == 1 ? "missing required column " : "missing required columns ";
    message += join(missing) + " (the " + schema_.name + " file must have: " + join(required) + ")";
    for (const std::string_view name : unknown) {
      for (std::size_t c = 0; c < schema_.columns.size(); ++c) {
        if (!field_of_column[c] && looks_like_misspelling(name, schema_.columns[c].name)) {
          message += "; is " + quoted(name) + " a misspelling of '" + schema_.columns[c].name + "'?";
        }
      }
    }
    if (header_names_.size() == 1 && header_names_[0].find(';') != std::string::npos) {
      message += "; the header looks semicolon-separated, but this reader expects commas";
    }
    fail(header_line, message);
  }

  void build_plans(const std::vector<std::optional<std::size_t>>& field_of_column) {
    const std::size_t count = schema_.columns.size();
    plans_.resize(count);
    for (std::uint32_t c = 0; c < count; ++c) {
      ColumnPlan& plan = plans_[c];
      plan.schema = &schema_.columns[c];
      plan.data = &out_.data.column(c);
      plan.field = field_of_column[c];
      plan.raw_text = plan.schema->type == ValueType::Text && plan.schema->text_storage == TextStorage::Raw;
      plan.dictionary_text = plan.schema->type == ValueType::Text && !plan.raw_text;
      if (plan.dictionary_text) {
        plan.cache = caches_.size();
        caches_.emplace_back();
      }
      if (plan.schema->unique) {
        plan.unique = unique_.size();
        unique_.emplace_back();
      }
    }
    numbers_.assign(count, 0);
    texts_.assign(count, std::string_view());
    hashes_.assign(count, 0);
    pending_unique_.reserve(count);
    fields_.assign(header_names_.size(), Field{});
  }

  // ---- rows

  void read_rows(const char* pos) {
    LoadReport& report = out_.report;
    bool reserved = false;
    for (;;) {
      pos = skip_blank_lines(pos, end_, line_);
      if (pos == end_) break;
      if (out_.data.row_count() >= UniqueIndex::kMaxRows) {
        fail(line_, "too many rows: at most " + std::to_string(UniqueIndex::kMaxRows) + " per file");
      }
      const char* record = pos;
      const RecordScan scan = scan_record(pos, end_, fields_.data(), fields_.size());
      pos = scan.next;
      ++report.rows_read;
      if (accept_record(record, scan)) {
        ++report.rows_accepted;
        if (!reserved) {
          reserve_for(static_cast<std::size_t>(scan.next - record), static_cast<std::size_t>(end_ - record));
          reserved = true;
        }
      } else {
        ++report.rows_rejected;
      }
      line_ += scan.newlines;
    }
  }

  // Sizes the columns from the first accepted record's length (a rejected one may be any length):
  // saves the columns' repeated growth, and never reserves more rows than the bytes left could hold.
  void reserve_for(std::size_t first_record_bytes, std::size_t remaining_bytes) {
    const std::size_t by_first = remaining_bytes / std::max<std::size_t>(first_record_bytes, 1);
    const std::size_t most_possible = remaining_bytes / std::max<std::size_t>(fields_.size(), 1) + 1;
    out_.data.reserve(std::min(by_first + by_first / 16 + 16, most_possible));
  }

  bool accept_record(const char* record, const RecordScan& scan) {
    const std::size_t expected = fields_.size();
    if (scan.problem == RecordProblem::UnterminatedQuote) {
      reject(line_, field_name(scan.problem_field), field_value(scan.problem_field),
             "unterminated quote: the quoted field opened on line " +
                 std::to_string(line_ + scan.problem_line_offset) +
                 " never closes before the end of the file");
      return false;
    }
    if (scan.problem == RecordProblem::TextAfterQuote) {
      reject(line_, field_name(scan.problem_field), field_value(scan.problem_field),
             "unexpected text after a closing quote (a quote inside a quoted field must be doubled)");
      return false;
    }
    if (scan.field_count != expected) {
      std::string_view text(record, static_cast<std::size_t>(scan.next - record));
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
      reject(line_, "", text,
             "expected " + std::to_string(expected) + " fields, found " + std::to_string(scan.field_count));
      return false;
    }
    if (scan.any_doubled_quotes) {
      collapse_doubled_quotes(fields_.data(), fields_.size(), static_cast<std::size_t>(scan.next - record),
                              unescaped_);
    }

    // Unique columns are probed only after the other cells are checked, so the probe's cache miss
    // overlaps that work. The order of problems stays the schema's: every pending probe belongs to
    // a column before the one that failed.
    pending_unique_.clear();
    std::optional<std::size_t> failed;
    for (std::size_t c = 0; c < plans_.size(); ++c) {
      if (!validate_cell(c)) {
        failed = c;
        break;
      }
    }
    for (const std::size_t c : pending_unique_) {
      if (const auto earlier = find_earlier(c)) {
        const ColumnSchema& column = *plans_[c].schema;
        reject(line_, column.name, texts_[c],
               "duplicate " + column.name + " " + quoted(texts_[c]) + " (first on line " +
                   std::to_string(out_.data.source_line(*earlier)) + ")");
        return false;
      }
    }
    if (failed) {
      reject(line_, plans_[*failed].schema->name, texts_[*failed], std::move(problem_));
      return false;
    }
    append_row();
    return true;
  }

  std::string field_name(std::size_t field) const {
    return field < header_names_.size() ? header_names_[field] : std::string();
  }
  std::string_view field_value(std::size_t field) const {
    return field < fields_.size() ? fields_[field].text : std::string_view();
  }

  bool problem(std::string reason) {
    problem_ = std::move(reason);
    return false;
  }

  // Checks one cell into the scratch row; on a problem says why in problem_ and returns false.
  bool validate_cell(std::size_t c) {
    const ColumnPlan& plan = plans_[c];
    const ColumnSchema& column = *plan.schema;
    const std::string_view text = plan.field ? fields_[*plan.field].text : std::string_view();
    texts_[c] = text;
    if (text.empty()) {
      if (column.required) return problem("missing required value");
      numbers_[c] = column.type == ValueType::Money ? kNull64 : kNull32;
      return true;
    }

    std::int64_t& number = numbers_[c];
    switch (column.type) {
      case ValueType::Int: {
        const ParseResult result = parse_int(text, number);
        if (result == ParseResult::OutOfRange) {
          return problem("number out of range (expected a whole number of at most 10 digits)");
        }
        if (result != ParseResult::Ok) return problem("expected a whole number");
        // min_value is in the column's own units; only whole-number columns carry one.
        if (column.min_value && number < *column.min_value) {
          return problem("expected a whole number of at least " + std::to_string(*column.min_value));
        }
        break;
      }
      case ValueType::Money: {
        const ParseResult result = parse_money(text, number);
        if (result == ParseResult::TooManyDecimals) {
          return problem("expected an amount in euros with at most 2 decimals, like 612.35");
        }
        if (result == ParseResult::OutOfRange) return problem("amount out of range");
        if (result != ParseResult::Ok) return problem("expected an amount in euros like 612.35");
        break;
      }
      case ValueType::Date: {
        const ParseResult result = parse_date(text, number);
        if (result == ParseResult::NoSuchDate) return problem("no such date (expected a date YYYY-MM-DD)");
        if (result != ParseResult::Ok) return problem("expected a date YYYY-MM-DD");
        break;
      }
      case ValueType::Bool:
        if (parse_bool(text, number) != ParseResult::Ok) return problem("expected true or false");
        break;
      case ValueType::Enum: {
        const auto index = column.enum_index(text);
        if (!index) {
          return problem("unknown " + column.name + " " + quoted(text) + " (expected one of " +
                         join(column.enum_values) + ")");
        }
        number = *index;
        break;
      }
      case ValueType::Text:
        if (!is_valid_utf8(text)) return problem("not valid UTF-8 (is the file Windows-1252 encoded?)");
        break;
      case ValueType::Fraction:
        return problem("a percentage cannot be a column");
    }

    if (column.unique) {
      hashes_[c] = column.type == ValueType::Text ? std::hash<std::string_view>{}(text)
                                                  : mix(static_cast<std::uint64_t>(number));
      unique_[plan.unique].prefetch(hashes_[c]);
      pending_unique_.push_back(c);
    }
    return true;
  }

  // The accepted row that already holds this row's value of unique column `c`, if any.
  std::optional<std::size_t> find_earlier(std::size_t c) const {
    const ColumnPlan& plan = plans_[c];
    const ColumnData& data = *plan.data;
    const std::string_view text = texts_[c];
    const std::int64_t number = numbers_[c];
    return unique_[plan.unique].find(hashes_[c], [&](std::size_t row) {
      if (plan.raw_text) return data.raw_text(row) == text;
      if (plan.dictionary_text) return data.dictionary.value(data.values[row]) == text;
      if (plan.schema->type == ValueType::Money) return data.cents[row] == number;
      return data.values[row] == number;
    });
  }

  // The row is valid: only now does any column change.
  void append_row() {
    const std::size_t row = out_.data.row_count();
    for (std::size_t c = 0; c < plans_.size(); ++c) {
      ColumnPlan& plan = plans_[c];
      ColumnData& data = *plan.data;
      const std::string_view text = texts_[c];
      if (plan.raw_text) {
        data.raw.append(text);
        data.raw_offsets.push_back(data.raw.size());
      } else if (plan.dictionary_text) {
        data.values.push_back(text.empty() ? kNull32 : dictionary_code(plan, text));
      } else if (plan.schema->type == ValueType::Money) {
        data.cents.push_back(numbers_[c]);
      } else {
        data.values.push_back(static_cast<std::int32_t>(numbers_[c]));
      }
      if (plan.schema->unique && !text.empty()) unique_[plan.unique].insert(hashes_[c], row);
    }
    out_.data.commit_row(line_);
  }

  std::int32_t dictionary_code(ColumnPlan& plan, std::string_view text) {
    if (plan.last_code >= 0 && text == plan.last_text) return plan.last_code;
    CodeCache& cache = caches_[plan.cache];
    std::int32_t code = 0;
    if (const auto found = cache.find(text); found != cache.end()) {
      code = found->second;
    } else {
      code = plan.data->dictionary.intern(text);
      cache.emplace(std::string(text), code);
    }
    plan.last_text.assign(text);
    plan.last_code = code;
    return code;
  }

  void reject(std::uint64_t line, std::string column, std::string_view value, std::string reason) {
    out_.report.rejections.push_back(Rejection{line, std::move(column), printable(value), std::move(reason)});
  }

  const DatasetSchema& schema_;
  const std::string& name_;
  LoadedDataset& out_;
  const char* begin_ = nullptr;
  const char* end_ = nullptr;
  std::uint64_t line_ = 1;  // of the record being read

  std::vector<std::string> header_names_;
  std::vector<ColumnPlan> plans_;
  std::vector<CodeCache> caches_;
  std::vector<UniqueIndex> unique_;

  // The scratch row, reused: fields as split, then each column's checked value.
  std::vector<Field> fields_;
  std::string unescaped_;
  std::vector<std::int64_t> numbers_;
  std::vector<std::string_view> texts_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::size_t> pending_unique_;
  std::string problem_;
};

std::string system_reason() { return std::error_code(errno, std::generic_category()).message(); }

// Closes the descriptor however the read ends.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

struct FileContents {
  std::unique_ptr<char[]> bytes;  // not zero-filled: a large file is written once, by read()
  std::size_t size = 0;
};

FileContents read_whole_file(const std::string& path) {
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) throw DataFileError(path + ": cannot open: " + system_reason());
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) throw DataFileError(path + ": cannot read: " + system_reason());
  if (S_ISDIR(status.st_mode)) throw DataFileError(path + ": cannot read: it is a directory");

  // The size is a hint only: pipes report 0, and a file may change while it is read.
  std::size_t capacity = S_ISREG(status.st_mode) ? static_cast<std::size_t>(status.st_size) + 1 : 1 << 16;
  FileContents contents{std::unique_ptr<char[]>(new char[capacity]), 0};
  for (;;) {
    if (contents.size == capacity) {
      const std::size_t larger = capacity * 2;
      std::unique_ptr<char[]> grown(new char[larger]);
      std::memcpy(grown.get(), contents.bytes.get(), contents.size);
      contents.bytes = std::move(grown);
      capacity = larger;
    }
    const ::ssize_t got = ::read(file.fd, contents.bytes.get() + contents.size, capacity - contents.size);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw DataFileError(path + ": cannot read: " + system_reason());
    }
    if (got == 0) return contents;
    contents.size += static_cast<std::size_t>(got);
  }
}

}  // namespace

LoadedDataset read_csv_text(const DatasetSchema& schema, std::string_view text, const std::string& name) {
  LoadedDataset result{Dataset(schema), LoadReport{}};
  result.report.dataset = schema.name;
  result.report.file = name;
  Loader(schema, text, name, result).run();
  return result;
}

LoadedDataset read_csv_file(const DatasetSchema& schema, const std::string& path) {
  const FileContents contents = read_whole_file(path);
  return read_csv_text(schema, std::string_view(contents.bytes.get(), contents.size), path);
}

}  // namespace toets
