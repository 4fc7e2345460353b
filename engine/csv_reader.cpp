// The CSV reader.
//
// Why the project has its own: loading is on the critical path (a million allocation rows in well
// under a second, loading included), money must be read exactly into integer cents (never through
// a double), and every rejected row must say its line, column, value and what was expected. No CSV
// library packaged by Debian loads typed columns with per-cell rejection reasons; wrapping a
// string-splitting one would cost a copy per cell and still leave all of the typing to us.
//
// How it stays fast: the whole file is read into memory once (and, only when stated to be
// Windows-1252, converted to UTF-8 in one more pass) and scanned in a single pass; the delimiter is
// a template parameter of the splitting loop; cells are string_views into that buffer (only quoted
// cells with doubled quotes are copied, into a reused buffer); RecordBuilder (load_common.cpp)
// checks and types each record in a reused scratch row and appends it only then, so the common case
// allocates nothing per row.

#include "engine/csv_reader.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/mapping.hpp"

namespace toets {

namespace {

using loading::closest_column;
using loading::join;
using loading::looks_like_misspelling;
using loading::single_quoted;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

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

// Which of ',' and ';' the header line (from `pos` to its end, quoted line ends included) has
// more of outside quotes; ',' when neither.
char detect_delimiter(const char* pos, const char* end) {
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
// The loader

// One load of one file: owns the scratch fields and the header; fills a Dataset and a LoadReport
// through a RecordBuilder.
class Loader {
 public:
  Loader(const DatasetSchema& schema, std::string_view text, const std::string& name, char delimiter,
         const ColumnMapping* mapping, LoadedDataset& out, RecordBuilder& builder)
      : schema_(schema),
        name_(name),
        delimiter_(delimiter),
        mapping_(mapping),
        out_(out),
        builder_(builder),
        begin_(text.data()),
        end_(text.data() + text.size()) {}

  void run() {
    if (delimiter_ == ';') {
      run_with<';'>();
    } else {
      run_with<','>();
    }
  }

 private:
  template <char kDelimiter>
  void run_with() {
    const char* pos = read_header<kDelimiter>(begin_);
    read_rows<kDelimiter>(pos);
  }

  [[noreturn]] void fail(std::uint64_t line, const std::string& message) const {
    throw DataFileError(name_ + ":" + std::to_string(line) + ": " + message);
  }

  // ---- header

  template <char kDelimiter>
  const char* read_header(const char* pos) {
    const bool nothing_at_all = pos == end_;
    pos = skip_blank_lines(pos, end_, line_);
    if (pos == end_) {
      fail(line_, nothing_at_all
                      ? "the file is empty; expected a header row naming the " + schema_.name + " columns"
                      : "no header row; expected one naming the " + schema_.name + " columns");
    }
    const std::uint64_t header_line = line_;
    RecordScan scan = scan_record<kDelimiter>(pos, end_, nullptr, 0);
    // Limits against pathological input (docs/robustness.md): a header of a million columns, or a
    // column name of a megabyte, is not an export.
    if (scan.field_count > kMaxColumns) {
      fail(header_line, "the header has " + std::to_string(scan.field_count) + " columns; at most " +
                            std::to_string(kMaxColumns) + " are allowed");
    }
    if (static_cast<std::size_t>(scan.next - pos) > kMaxRecordBytes) {
      fail(header_line, "the header row is " + std::to_string(scan.next - pos) + " bytes long; at most " +
                            std::to_string(kMaxRecordBytes) + " are allowed");
    }
    std::vector<Field> fields(scan.field_count);
    scan = scan_record<kDelimiter>(pos, end_, fields.data(), fields.size());
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
        fail(header_line, "duplicate column " + single_quoted(name) + " in the header (fields " +
                              std::to_string(seen->second + 1) + " and " + std::to_string(field + 1) + ")");
      }
      const MappedName meaning = resolve_name(schema_, mapping_, name, builder_.forms().export_forms);
      if (meaning.kind == MappedName::Kind::Ignored) continue;
      if (meaning.kind == MappedName::Kind::Unknown) {
        unknown.push_back(name);
        std::string note = "column " + single_quoted(name) + " is not part of " + schema_.name;
        if (mapping_ != nullptr) note += " and the mapping " + mapping_->file + " does not map it";
        note += "; ignored";
        if (const auto close = closest_column(schema_, name)) note += " (did you mean '" + *close + "'?)";
        out_.report.notes.push_back(std::move(note));
        continue;
      }
      std::optional<std::size_t>& assigned = field_of_column[meaning.column];
      if (assigned) {
        fail(header_line, "columns " + single_quoted(header_names_[*assigned]) + " (field " +
                              std::to_string(*assigned + 1) + ") and " + single_quoted(name) + " (field " +
                              std::to_string(field + 1) + ") both give " + schema_.columns[meaning.column].name +
                              "; keep one of them");
      }
      assigned = field;
    }

    check_required_columns(header_line, field_of_column, unknown);
    field_of_column_.assign(schema_.columns.size(), -1);
    for (std::uint32_t c = 0; c < schema_.columns.size(); ++c) {
      const ValueMap* values = mapping_ != nullptr ? mapping_->values_of(c) : nullptr;
      if (field_of_column[c]) {
        field_of_column_[c] = static_cast<std::int32_t>(*field_of_column[c]);
        builder_.describe_column(c, header_names_[*field_of_column[c]], values);
      } else {
        builder_.describe_column(c, schema_.columns[c].name, values);
      }
    }
    fields_.assign(header_names_.size(), Field{});
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
          message += "; is " + single_quoted(name) + " a misspelling of '" + schema_.columns[c].name + "'?";
        }
      }
    }
    if (mapping_ != nullptr && !unknown.empty()) {
      std::vector<std::string> names;
      for (const std::string_view name : unknown) names.push_back(single_quoted(name));
      message += "; the mapping " + mapping_->file + " does not map these columns of the file: " + join(names);
    }
    if (header_names_.size() == 1 && header_names_[0].find(delimiter_ == ',' ? ';' : ',') != std::string::npos) {
      message += delimiter_ == ',' ? "; the header looks semicolon-separated, but this reader expects commas"
                                   : "; the header looks comma-separated, but this reader expects semicolons";
    }
    fail(header_line, message);
  }

  // ---- rows

  template <char kDelimiter>
  void read_rows(const char* pos) {
    bool reserved = false;
    for (;;) {
      pos = skip_blank_lines(pos, end_, line_);
      if (pos == end_) break;
      const char* record = pos;
      const RecordScan scan = scan_record<kDelimiter>(pos, end_, fields_.data(), fields_.size());
      pos = scan.next;
      if (accept_record(record, scan) && !reserved) {
        reserve_for(static_cast<std::size_t>(scan.next - record), static_cast<std::size_t>(end_ - record));
        reserved = true;
      }
      line_ += scan.newlines;
    }
  }

  // Sizes the columns from the first accepted record's length (a rejected one may be any length):
  // saves the columns' repeated growth, and never reserves more rows than the bytes left could hold.
  void reserve_for(std::size_t first_record_bytes, std::size_t remaining_bytes) {
    const std::size_t by_first = remaining_bytes / std::max<std::size_t>(first_record_bytes, 1);
    const std::size_t most_possible = remaining_bytes / std::max<std::size_t>(fields_.size(), 1) + 1;
    builder_.reserve(std::min(by_first + by_first / 16 + 16, most_possible));
  }

  bool accept_record(const char* record, const RecordScan& scan) {
    const std::size_t expected = fields_.size();
    const std::string_view record_text(record, static_cast<std::size_t>(scan.next - record));
    if (scan.problem == RecordProblem::UnterminatedQuote) {
      builder_.reject_record(line_, field_name(scan.problem_field), field_value(scan.problem_field),
                             "unterminated quote: the quoted field opened on line " +
                                 std::to_string(line_ + scan.problem_line_offset) +
                                 " never closes before the end of the file",
                             record_text);
      return false;
    }
    if (scan.problem == RecordProblem::TextAfterQuote) {
      builder_.reject_record(line_, field_name(scan.problem_field), field_value(scan.problem_field),
                             "unexpected text after a closing quote (a quote inside a quoted field must be doubled)",
                             record_text);
      return false;
    }
    // Limits against pathological input (docs/robustness.md): no value of any column comes near
    // these, so such a record is rejected, not stored.
    if (record_text.size() > kMaxRecordBytes) {
      builder_.reject_record(line_, "", record_text,
                             "the record is " + std::to_string(record_text.size()) + " bytes long; at most " +
                                 std::to_string(kMaxRecordBytes) + " are allowed",
                             std::string_view());
      return false;
    }
    for (std::size_t f = 0; f < std::min(scan.field_count, expected); ++f) {
      if (fields_[f].text.size() > kMaxFieldBytes) {
        builder_.reject_record(line_, field_name(f), fields_[f].text,
                               "the field is " + std::to_string(fields_[f].text.size()) + " bytes long; at most " +
                                   std::to_string(kMaxFieldBytes) + " are allowed",
                               record_text);
        return false;
      }
    }
    if (scan.field_count != expected) {
      std::string_view text = record_text;
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
      builder_.reject_record(line_, "", text,
                             "expected " + std::to_string(expected) + " fields, found " +
                                 std::to_string(scan.field_count) + field_count_hint(scan.field_count, expected),
                             record_text);
      return false;
    }
    if (scan.any_doubled_quotes) {
      collapse_doubled_quotes(fields_.data(), fields_.size(), record_text.size(), unescaped_);
    }
    for (std::size_t c = 0; c < field_of_column_.size(); ++c) {
      const std::int32_t field = field_of_column_[c];
      builder_.set(static_cast<std::uint32_t>(c),
                   field >= 0 ? fields_[static_cast<std::size_t>(field)].text : std::string_view());
    }
    return builder_.finish(line_, record_text);
  }

  // More fields than the header in an export: most often a delimiter inside an unquoted value.
  std::string field_count_hint(std::size_t found, std::size_t expected) const {
    if (found > expected && builder_.forms().export_forms) {
      return delimiter_ == ';' ? " (is there a ';' in a value that is not between double quotes?)"
                               : " (is there a ',' in a value that is not between double quotes?)";
    }
    return "";
  }

  // The column a field is read into, by its canonical name (the file's name when it maps to none).
  std::string field_name(std::size_t field) const {
    if (field >= header_names_.size()) return std::string();
    for (std::size_t c = 0; c < field_of_column_.size(); ++c) {
      if (field_of_column_[c] == static_cast<std::int32_t>(field)) return schema_.columns[c].name;
    }
    return header_names_[field];
  }
  std::string_view field_value(std::size_t field) const {
    return field < fields_.size() ? fields_[field].text : std::string_view();
  }

  const DatasetSchema& schema_;
  const std::string& name_;
  char delimiter_;
  const ColumnMapping* mapping_;
  LoadedDataset& out_;
  RecordBuilder& builder_;
  const char* begin_ = nullptr;
  const char* end_ = nullptr;
  std::uint64_t line_ = 1;  // of the record being read

  std::vector<std::string> header_names_;
  std::vector<std::int32_t> field_of_column_;  // -1: the column is not in the file

  // The scratch record, reused: fields as split, with doubled quotes collapsed into unescaped_.
  std::vector<Field> fields_;
  std::string unescaped_;
};

char choose_delimiter(Delimiter stated, std::string_view text) {
  switch (stated) {
    case Delimiter::Comma:
      return ',';
    case Delimiter::Semicolon:
      return ';';
    case Delimiter::Auto:
      break;
  }
  std::uint64_t line = 1;
  const char* start = skip_blank_lines(text.data(), text.data() + text.size(), line);
  return detect_delimiter(start, text.data() + text.size());
}

}  // namespace

LoadedDataset read_csv_text(const DatasetSchema& schema, std::string_view text, const std::string& name,
                            const CsvOptions& options) {
  LoadedDataset result{Dataset(schema), LoadReport{}};
  result.report.dataset = schema.name;
  result.report.file = name;
  std::string converted;
  text = loading::decode_text(text, options.encoding, name, converted, result.report.notes);

  const char delimiter = choose_delimiter(options.delimiter, text);
  ValueForms forms;
  forms.export_forms = options.export_forms;
  forms.windows_1252 = options.encoding == Encoding::Windows1252;
  switch (options.decimal) {
    case DecimalMark::Point:
      forms.decimal = '.';
      break;
    case DecimalMark::Comma:
      forms.decimal = ',';
      break;
    case DecimalMark::Auto:
      forms.decimal = delimiter == ';' ? ',' : '.';
      break;
  }
  if (options.export_forms && (delimiter != ',' || forms.decimal != '.' || forms.windows_1252)) {
    std::string note = "read as CSV with '";
    note += delimiter;
    note += "' between fields and a decimal ";
    note += forms.decimal == ',' ? "comma in amounts (1.234,56)" : "point in amounts (1,234.56)";
    if (forms.windows_1252) note += ", converted from Windows-1252";
    result.report.notes.insert(result.report.notes.begin(), std::move(note));
  }
  RecordBuilder builder(schema, forms, result);
  Loader(schema, text, name, delimiter, options.mapping, result, builder).run();
  return result;
}

LoadedDataset read_csv_file(const DatasetSchema& schema, const std::string& path, const CsvOptions& options) {
  const loading::FileBytes contents = loading::read_whole_file(path);
  return read_csv_text(schema, contents.view(), path, options);
}

}  // namespace toets
