// What the CSV and JSON readers share: dialect names, text helpers and canonical cell values
// (reading a file: file_bytes.cpp; encodings: encoding.cpp; typing a record: record_builder.cpp).

#include "dsl/source/text.hpp"
#include "engine/input/load_common.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>

#include "dsl/source/calendar.hpp"
#include "dsl/source/diagnostics.hpp"
#include "dsl/source/visible_text.hpp"
#include "engine/data/cell_values.hpp"
#include "engine/words/reason_text.hpp"
#include "engine/base/unicode_text.hpp"
#include "engine/data/value_rules.hpp"

namespace toets {

using namespace cell_values;

namespace {

// Values quoted in messages are cut to this many bytes: a runaway quoted field can be megabytes.
constexpr std::size_t kMaxQuotedBytes = 120;


using toets::text::lower;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Dialect names

std::optional<Delimiter> parse_delimiter(std::string_view text) {
  const std::string name = lower(text);
  if (name == "auto") return Delimiter::Auto;
  if (name == "," || name == "comma") return Delimiter::Comma;
  if (name == ";" || name == "semicolon") return Delimiter::Semicolon;
  return std::nullopt;
}

std::optional<DecimalMark> parse_decimal_mark(std::string_view text) {
  const std::string name = lower(text);
  if (name == "auto") return DecimalMark::Auto;
  if (name == "." || name == "point") return DecimalMark::Point;
  if (name == "," || name == "comma") return DecimalMark::Comma;
  return std::nullopt;
}

std::optional<Encoding> parse_encoding(std::string_view text) {
  const std::string name = lower(text);
  if (name == "auto") return Encoding::Auto;
  if (name == "utf-8" || name == "utf8") return Encoding::Utf8;
  if (name == "cp1252" || name == "windows-1252" || name == "win1252" || name == "latin1" ||
      name == "iso-8859-1") {
    return Encoding::Windows1252;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

std::size_t CaseFoldHash::operator()(std::string_view text) const {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a over the folded bytes
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(fold(c));
    hash *= 1099511628211ULL;
  }
  return static_cast<std::size_t>(hash);
}

bool CaseFoldEqual::operator()(std::string_view a, std::string_view b) const { return equals_folded(a, b); }

namespace loading {

std::string printable(std::string_view text) {
  // Shown as visible() shows it (dsl/source/visible_text.hpp), cut after kMaxQuotedBytes of shown text.
  std::size_t at = 0;
  std::size_t shown = 0;
  while (at < text.size() && shown < kMaxQuotedBytes) {
    const auto byte = static_cast<unsigned char>(text[at]);
    const CodePoint code = decode_utf8(text, at);
    if (code.length == 0 || byte < 0x20 || byte == 0x7F) {
      shown += 4;  // \xNN
      ++at;
    } else {
      shown += is_escaped_code_point(code.value) ? 6 : code.length;
      at += code.length;
    }
  }
  std::string out = visible(text.substr(0, at));
  if (at < text.size()) out += "...";
  return out;
}

// Built by appending: GCC 12 warns falsely (-Wrestrict, PR 105329) on "'" + std::string&&.
std::string single_quoted(std::string_view text) {
  std::string out(1, '\'');
  out += printable(text);
  out += '\'';
  return out;
}

std::string_view without_line_end(std::string_view record) {
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
  return record;
}

DuplicateKey describe_duplicate_key(const std::vector<std::string>& names, const std::vector<std::string>& values,
                                    std::uint64_t first_line) {
  DuplicateKey key;
  std::string shown;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      key.columns += ", ";
      key.values += ", ";
      shown += ", ";
    }
    key.columns += names[i];
    key.values += values[i];
    shown += single_quoted(values[i]);
  }
  key.why = RejectionReason{ReasonKind::DuplicateKey, {}}
                .with("columns", key.columns)
                .with("shown", shown)
                .with("first_line", std::to_string(first_line))
                .with("composite", names.size() == 1 ? "no" : "yes");
  key.reason = english_reason(key.why);
  return key;
}


bool looks_like_misspelling(std::string_view a, std::string_view b) {
  const std::size_t distance = edit_distance(a, b);
  return distance > 0 && distance <= std::max<std::size_t>(1, std::min(a.size(), b.size()) / 4);
}

std::optional<std::string> closest_column(const DatasetSchema& schema, std::string_view name) {
  for (const ColumnSchema& column : schema.columns) {
    if (looks_like_misspelling(name, column.name)) return column.name;
  }
  return std::nullopt;
}

}  // namespace loading

// ---------------------------------------------------------------------------------------------
// Cell values

namespace {

using loading::is_valid_utf8;
using loading::join;
using loading::printable;
using loading::single_quoted;

}  // namespace

std::optional<std::string> loading::canonical_value_problem(const ColumnSchema& column, std::string_view text) {
  std::int64_t number = 0;
  const auto in_range = [&]() -> std::optional<std::string> {
    if ((column.min_value && number < *column.min_value) || (column.max_value && number > *column.max_value)) {
      return english_reason(value_rules::range_problem(column, number));
    }
    return std::nullopt;
  };
  switch (column.type) {
    case ValueType::Int:
      if (parse_int(text, number) != ParseResult::Ok) return "expected a whole number";
      return in_range();
    case ValueType::Money:
      if (parse_money(text, number) != ParseResult::Ok) return "expected an amount in euros like 612.35";
      return in_range();
    case ValueType::Date:
      if (parse_date(text, number) != ParseResult::Ok) return "expected a date YYYY-MM-DD";
      return in_range();
    case ValueType::Bool:
      if (parse_bool(text, number) != ParseResult::Ok) return "expected true or false";
      return std::nullopt;
    case ValueType::Enum:
      if (!column.enum_index(text)) return "expected one of " + join(column.enum_values);
      return std::nullopt;
    case ValueType::Text:
      if (!is_valid_utf8(text)) return "not valid UTF-8";
      return std::nullopt;
    case ValueType::Fraction:
      break;
  }
  return "a percentage cannot be a column";
}

}  // namespace toets
