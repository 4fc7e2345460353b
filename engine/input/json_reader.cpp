// The JSON reader: nlohmann/json's SAX parser (a vetted parser: it validates the grammar, the
// escapes and the UTF-8 of strings) driving RecordBuilder, the same cell checks as the CSV reader.
//
// Two things nlohmann's events do not give are recovered here:
//  - positions: the parser reads through TrackingIterator, which records how far it has read, so a
//    record's first line is known when its '{' arrives;
//  - number text: number_float hands over the token as written, which is parsed exactly; integers
//    arrive as exact 64-bit values and are written back to text. No double is ever read.

#include "engine/input/json_reader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/input/group_keys.hpp"
#include "engine/input/mapping.hpp"
#include "engine/words/reason_text.hpp"

namespace toets {

namespace {

using loading::closest_column;
using loading::join;
using loading::printable;
using loading::single_quoted;

// A character iterator that tells the reader how far the JSON lexer has read.
struct TrackingIterator {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* at = nullptr;
  const char** furthest = nullptr;

  reference operator*() const { return *at; }
  TrackingIterator& operator++() {
    ++at;
    *furthest = at;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackingIterator& other) const { return at == other.at; }
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> the part
// after the position, which says what was wrong.
std::string describe_parse_error(const std::string& what) {
  const std::size_t column = what.find(", column ");
  const std::size_t colon = column == std::string::npos ? what.find("] ") : what.find(": ", column);
  if (colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

enum class Shape : std::uint8_t { Array, Lines };

struct Cell {
  std::size_t offset = 0;
  std::size_t length = 0;
  CellOrigin origin = CellOrigin::Text;
  bool present = false;  // the key was given (perhaps null)
  bool has_value = false;
};

// One load of one JSON text; the SAX handler nlohmann's parser calls.
class JsonLoader {
 public:
  JsonLoader(const DatasetSchema& schema, std::string_view text, const std::string& name, const ColumnMapping* mapping,
             LoadedDataset& out, RecordBuilder& builder)
      : schema_(schema),
        text_(text),
        name_(name),
        mapping_(mapping),
        out_(out),
        builder_(builder),
        cells_(schema.columns.size()),
        key_of_column_(schema.columns.size()),
        seen_(schema.columns.size(), false) {
    counted_to_ = text.data();
    for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
      builder_.describe_column(c, schema.columns[c].name, mapping != nullptr ? mapping->values_of(c) : nullptr);
    }
  }

  void run() {
    std::size_t first = 0;
    while (first < text_.size() && is_json_space(text_[first])) ++first;
    if (first == text_.size()) {
      fail(1, "the file is empty; expected a JSON array of " + schema_.name + " records, or JSON Lines");
    }
    if (text_[first] == '[') {
      run_array();
    } else if (text_[first] == '{') {
      refuse_spread_object(first);
      run_lines();
    } else {
      fail(line_at(text_.data() + first),
           "expected a JSON array of objects ('[') or JSON Lines (one object per line)");
    }
    check_required_keys();
  }

  // ---- the SAX interface

  bool null() { return scalar(std::string_view(), CellOrigin::Text, "null"); }
  bool boolean(bool value) {
    return scalar(value ? std::string_view("true") : std::string_view("false"), CellOrigin::JsonBool, "boolean");
  }
  bool number_integer(std::int64_t value) { return integer(value); }
  bool number_unsigned(std::uint64_t value) { return integer(value); }
  bool number_float(double /*value*/, const std::string& text) {
    return scalar(text, CellOrigin::JsonNumber, "number");
  }
  bool string(std::string& value) {
    if (value.size() > kMaxFieldBytes && in_record_value() && current_column_ >= 0) {
      record_problem(current_name(), value,
                     RejectionReason{ReasonKind::FieldTooLong, {}}
                         .with("bytes", std::to_string(value.size()))
                         .with("max", std::to_string(kMaxFieldBytes)));
      current_column_ = -1;
      return true;
    }
    return scalar(trim_blanks(value), CellOrigin::Text, "string");
  }
  bool binary(nlohmann::json::binary_t& /*value*/) { return scalar(std::string_view(), CellOrigin::Text, "binary"); }

  bool start_object(std::size_t /*elements*/) {
    ++depth_;
    if (skipping_) return true;
    if (depth_ == record_depth_) {
      begin_record(position() - 1);
      return true;
    }
    if (depth_ == record_depth_ + 1) {
      nested_value("object");
    }
    return true;
  }

  bool end_object() {
    if (!skipping_ && in_record_ && depth_ == record_depth_) end_record(position());
    --depth_;
    if (depth_ == 0) value_complete_ = true;
    if (skipping_ && depth_ < skip_until_) skipping_ = false;
    return true;
  }

  bool start_array(std::size_t /*elements*/) {
    ++depth_;
    if (skipping_) return true;
    if (shape_ == Shape::Array && depth_ == 1) return true;  // the array of records
    if (depth_ == record_depth_) {
      // An array where a record should be: rejected as a whole.
      not_a_record(position() - 1, "array");
      return true;
    }
    if (depth_ == record_depth_ + 1) nested_value("array");
    return true;
  }

  bool end_array() {
    --depth_;
    if (depth_ == 0) value_complete_ = true;
    if (skipping_ && depth_ < skip_until_) skipping_ = false;
    return true;
  }

  bool key(std::string& name) {
    if (skipping_ || !in_record_ || depth_ != record_depth_) return true;
    key_name_.assign(name);
    const MappedName meaning = resolve(name);
    current_column_ = meaning.kind == MappedName::Kind::Column ? static_cast<std::int32_t>(meaning.column) : -1;
    if (current_column_ < 0) return true;
    const auto c = static_cast<std::size_t>(current_column_);
    seen_[c] = true;
    if (cells_[c].present) {
      record_problem(schema_.columns[c].name, name,
                     key_of_column_[c] == name
                         ? RejectionReason{ReasonKind::KeyTwice, {}}.with("key", printable(name))
                         : RejectionReason{ReasonKind::KeysSameColumn, {}}
                               .with("key", printable(key_of_column_[c]))
                               .with("other_key", printable(name))
                               .with("column", schema_.columns[c].name));
      current_column_ = -1;
      return true;
    }
    cells_[c].present = true;
    key_of_column_[c].assign(name);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/, const nlohmann::json::exception& error) {
    error_position_ = position;
    error_message_ = describe_parse_error(error.what());
    return false;
  }

 private:
  [[noreturn]] void fail(std::uint64_t line, const std::string& message) const {
    throw DataFileError(name_ + ":" + std::to_string(line) + ": " + message);
  }

  const char* position() const { return furthest_; }

  // The line of `at`, counted incrementally: positions mostly move forward.
  std::uint64_t line_at(const char* at) {
    if (at >= counted_to_) {
      line_ += static_cast<std::uint64_t>(std::count(counted_to_, at, '\n'));
    } else {
      line_ -= static_cast<std::uint64_t>(std::count(at, counted_to_, '\n'));
    }
    counted_to_ = at;
    return line_;
  }

  // ---- shapes

  void run_array() {
    shape_ = Shape::Array;
    record_depth_ = 2;
    base_ = text_.data();
    furthest_ = base_;
    const char* end = text_.data() + text_.size();
    TrackingIterator first{base_, &furthest_};
    TrackingIterator last{end, &furthest_};
    if (!nlohmann::json::sax_parse(first, last, this)) {
      const std::string_view read(base_, std::min<std::size_t>(error_position_, text_.size()));
      if (const std::size_t invalid = loading::first_invalid_utf8(read); invalid != std::string_view::npos) {
        fail(line_at(base_ + invalid), english_reason(invalid_utf8_problem(read)));
      }
      const char* at = base_ + std::min(error_position_ > 0 ? error_position_ - 1 : 0, text_.size());
      fail(line_at(at), "not valid JSON: " + error_message_);
    }
  }

  // A syntax error on a byte that is not UTF-8 is about the encoding: the parser's own message
  // ("ill-formed UTF-8 byte; last read: ...") quotes the byte raw and says nothing of what to do.
  RejectionReason invalid_utf8_problem(std::string_view read) const {
    if (builder_.forms().windows_1252) return {ReasonKind::UndefinedByte, {}};
    return invalid_utf8_reason(read, "json");
  }

  // An indented object (or several) is not JSON Lines: read as lines, every line would be a
  // rejected row. Told apart from JSON Lines with a broken first line by the line after it: JSON
  // Lines starts a record there, an indented object continues with a key or its '}'.
  void refuse_spread_object(std::size_t first) {
    const std::size_t first_end = std::min(text_.find('\n', first), text_.size());
    if (nlohmann::json::accept(text_.substr(first, first_end - first))) return;
    std::size_t next = first_end;
    while (next < text_.size() && is_json_space(text_[next])) ++next;
    if (next == text_.size() || text_[next] == '{') return;
    fail(line_at(text_.data() + first),
         "an object spread over several lines; JSON Lines has one whole object per line, and indented "
         "objects must be in a JSON array: [ {...}, {...} ]");
  }

  void run_lines() {
    shape_ = Shape::Lines;
    record_depth_ = 1;
    const char* end = text_.data() + text_.size();
    const char* at = text_.data();
    std::uint64_t line = 0;
    while (at < end) {
      ++line;
      const char* line_end = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
      if (line_end == nullptr) line_end = end;
      std::string_view text(at, static_cast<std::size_t>(line_end - at));
      at = line_end + (line_end < end ? 1 : 0);
      while (!text.empty() && is_json_space(text.back())) text.remove_suffix(1);
      std::size_t lead = 0;
      while (lead < text.size() && is_json_space(text[lead])) ++lead;
      if (lead == text.size()) continue;  // a blank line

      line_ = line;
      counted_to_ = text.data();
      base_ = text.data();
      furthest_ = base_;
      depth_ = 0;
      skipping_ = false;
      in_record_ = false;
      value_complete_ = false;
      line_record_end_ = nullptr;
      line_not_a_record_.reset();
      TrackingIterator first{text.data(), &furthest_};
      TrackingIterator last{text.data() + text.size(), &furthest_};
      if (text.size() > kMaxRecordBytes) {
        builder_.reject_record(line, "", text.substr(0, 200), record_too_long(text.size()), std::string_view());
        continue;
      }
      // A line is one row, whatever it holds: exactly one outcome per line, decided once the
      // whole line is parsed (a line with a record and then more is not that record).
      if (!nlohmann::json::sax_parse(first, last, this)) {
        in_record_ = false;
        const std::string_view read = text.substr(0, std::min<std::size_t>(error_position_, text.size()));
        if (!loading::is_valid_utf8(read)) {
          builder_.reject_record(line, "", text, invalid_utf8_problem(read), text);
        } else {
          // A line that held a whole value and then more: JSON Lines has one value per line.
          builder_.reject_record(line, "", text,
                                 RejectionReason{value_complete_ ? ReasonKind::NotJsonLines : ReasonKind::NotJson, {}}
                                     .with("message", error_message_),
                                 text);
        }
      } else if (line_not_a_record_) {
        builder_.reject_record(line, "", std::string_view(), *line_not_a_record_, std::string_view());
      } else if (line_record_end_ != nullptr) {
        finish_record(line_record_end_);
      }
    }
  }

  // ---- records

  void begin_record(const char* brace) {
    in_record_ = true;
    record_begin_ = brace;
    record_line_ = line_at(brace);
    buffer_.clear();
    problem_.reset();
    current_column_ = -1;
    std::fill(cells_.begin(), cells_.end(), Cell{});
    key_index_ = 0;
  }

  void end_record(const char* after_brace) {
    in_record_ = false;
    ++objects_;
    if (shape_ == Shape::Lines) {
      line_record_end_ = after_brace;  // finished when the line turns out to hold nothing more
      return;
    }
    finish_record(after_brace);
  }

  void finish_record(const char* after_brace) {
    const std::string_view record(record_begin_, static_cast<std::size_t>(after_brace - record_begin_));
    if (record.size() > kMaxRecordBytes) {
      builder_.reject_record(record_line_, "", record.substr(0, 200), record_too_long(record.size()),
                             std::string_view());
      return;
    }
    if (problem_) {
      builder_.reject_record(record_line_, problem_->column, problem_->value, problem_->reason, record);
      return;
    }
    builder_.start();
    for (std::uint32_t c = 0; c < cells_.size(); ++c) {
      const Cell& cell = cells_[c];
      if (cell.has_value) builder_.set(c, std::string_view(buffer_).substr(cell.offset, cell.length), cell.origin);
    }
    builder_.finish(record_line_, record);
  }

  // A value in the array (or a line) that is not an object.
  void not_a_record(const char* at, std::string_view found) {
    const std::uint64_t line = line_at(at);
    RejectionReason reason =
        RejectionReason{ReasonKind::NotAnObject, {}}.with("dataset", schema_.name).with("found", std::string(found));
    if (shape_ == Shape::Lines) {
      if (!line_not_a_record_) line_not_a_record_ = std::move(reason);
    } else {
      builder_.reject_record(line, "", std::string_view(), reason, std::string_view());
    }
    if (found == "array") {
      skipping_ = true;
      skip_until_ = depth_;
    }
  }

  bool in_record_value() const { return !skipping_ && in_record_ && depth_ == record_depth_; }

  std::string current_name() const {
    return current_column_ >= 0 ? schema_.columns[static_cast<std::size_t>(current_column_)].name : key_name_;
  }

  // An object or array as the value of a key: not a single value. The record is rejected.
  void nested_value(std::string_view found) {
    if (current_column_ >= 0) {
      record_problem(current_name(), "",
                     RejectionReason{ReasonKind::NotASingleValue, {}}
                         .with("key", printable(key_name_))
                         .with("found", std::string(found)));
    }
    skipping_ = true;
    skip_until_ = depth_;
  }

  static RejectionReason record_too_long(std::size_t bytes) {
    return RejectionReason{ReasonKind::RecordTooLong, {}}
        .with("bytes", std::to_string(bytes))
        .with("max", std::to_string(kMaxRecordBytes));
  }

  void record_problem(std::string column, std::string_view value, RejectionReason reason) {
    if (problem_) return;
    problem_ = Problem{std::move(column), std::string(value), std::move(reason)};
  }

  bool integer(auto value) {
    char digits[24];
    const auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
    (void)error;  // 24 characters hold every 64-bit integer
    return scalar(std::string_view(digits, static_cast<std::size_t>(end - digits)), CellOrigin::JsonNumber, "number");
  }

  bool scalar(std::string_view text, CellOrigin origin, std::string_view kind) {
    if (skipping_) return true;
    if (in_record_ && depth_ == record_depth_) {
      if (current_column_ < 0) return true;
      Cell& cell = cells_[static_cast<std::size_t>(current_column_)];
      current_column_ = -1;
      if (text.empty()) return true;  // null or "": missing
      cell.offset = buffer_.size();
      cell.length = text.size();
      cell.origin = origin;
      cell.has_value = true;
      buffer_.append(text);
      return true;
    }
    if (depth_ == 0) value_complete_ = true;
    if (depth_ == record_depth_ - 1) {
      // Where a record should start: an array element, or a line of JSON Lines.
      const char* at = position();
      while (at > base_ && (is_json_space(at[-1]) || at[-1] == ',' || at[-1] == ']')) --at;
      not_a_record(at > base_ ? at - 1 : at, kind);
    }
    return true;
  }

  // A key's meaning, remembered by its position in the record: records of one file nearly always
  // list their keys in the same order, so the common case is one string comparison.
  MappedName resolve(const std::string& name) {
    const std::size_t index = key_index_++;
    if (index < key_cache_.size() && key_cache_[index].first == name) return key_cache_[index].second;
    MappedName meaning;
    if (const auto found = resolved_.find(std::string_view(name)); found != resolved_.end()) {
      meaning = found->second;
    } else {
      meaning = resolve_name(schema_, mapping_, name, true);
      resolved_.emplace(name, meaning);
      if (meaning.kind == MappedName::Kind::Unknown) note_unknown(name);
    }
    if (index < key_cache_.size()) {
      key_cache_[index] = {name, meaning};
    } else if (index < 4 * kMaxColumns) {
      key_cache_.emplace_back(name, meaning);
    }
    return meaning;
  }

  void note_unknown(const std::string& name) {
    unknown_.push_back(name);
    std::string note = "key " + single_quoted(name) + " is not part of " + schema_.name;
    if (mapping_ != nullptr) note += " and the mapping " + mapping_->file + " does not map it";
    note += "; ignored";
    if (const auto close = closest_column(schema_, name)) note += " (did you mean '" + *close + "'?)";
    out_.report.notes.push_back(std::move(note));
  }

  // A required column that no record has is the file's mistake, as a missing header column is.
  void check_required_keys() const {
    if (objects_ == 0) return;  // no record was a whole object: each was rejected as such
    std::vector<std::string> missing;
    std::vector<std::string> required;
    for (std::size_t c = 0; c < schema_.columns.size(); ++c) {
      if (!schema_.columns[c].required) continue;
      required.push_back(schema_.columns[c].name);
      if (!seen_[c]) missing.push_back("'" + schema_.columns[c].name + "'");
    }
    if (missing.empty()) return;
    std::string message = "no record has the required key" + std::string(missing.size() == 1 ? " " : "s ") +
                          join(missing) + " (" + schema_.name + " records must have: " + join(required) + ")";
    if (!unknown_.empty()) {
      std::vector<std::string> names;
      for (const std::string& name : unknown_) names.push_back(single_quoted(name));
      message += "; keys not read: " + join(names);
    }
    throw DataFileError(name_ + ": " + message);
  }

  struct Problem {
    std::string column;
    std::string value;
    RejectionReason reason;
  };

  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  const DatasetSchema& schema_;
  std::string_view text_;
  const std::string& name_;
  const ColumnMapping* mapping_;
  LoadedDataset& out_;
  RecordBuilder& builder_;

  Shape shape_ = Shape::Array;
  std::size_t depth_ = 0;
  std::size_t record_depth_ = 2;
  bool skipping_ = false;
  std::size_t skip_until_ = 0;  // skipping ends when depth_ drops below this

  // Positions and lines.
  const char* base_ = nullptr;      // where the text being parsed starts
  const char* furthest_ = nullptr;  // how far the lexer has read
  const char* counted_to_ = nullptr;
  std::uint64_t line_ = 1;
  std::size_t error_position_ = 0;
  std::string error_message_;

  // The record being read.
  bool in_record_ = false;
  std::size_t objects_ = 0;  // whole objects read as records, valid or not
  // JSON Lines: what the current line held, settled when it is parsed to its end.
  bool value_complete_ = false;               // a whole value was read (anything after it is wrong)
  const char* line_record_end_ = nullptr;     // a whole object was read: its end
  std::optional<RejectionReason> line_not_a_record_;  // a value that is not an object: why it is rejected
  const char* record_begin_ = nullptr;
  std::uint64_t record_line_ = 0;
  std::int32_t current_column_ = -1;
  std::string key_name_;
  std::string buffer_;  // the cells' text, copied: the lexer reuses its own buffer
  std::vector<Cell> cells_;
  std::vector<std::string> key_of_column_;  // the key that gave each column in this record
  std::optional<Problem> problem_;

  // Keys.
  std::size_t key_index_ = 0;
  std::vector<std::pair<std::string, MappedName>> key_cache_;
  std::unordered_map<std::string, MappedName, ViewHash, std::equal_to<>> resolved_;
  std::vector<bool> seen_;
  std::vector<std::string> unknown_;
};

}  // namespace

LoadedDataset read_json_text(const DatasetSchema& schema, std::string_view text, const std::string& name,
                             const JsonOptions& options) {
  LoadedDataset result{Dataset(schema, options.kept_columns), LoadReport{}};
  result.report.dataset = schema.name;
  result.report.file = name;
  // JSON is UTF-8 (RFC 8259): nothing to detect; only a stated Windows-1252 is converted.
  std::string converted;
  const Encoding encoding = options.encoding == Encoding::Windows1252 ? Encoding::Windows1252 : Encoding::Utf8;
  const loading::DecodedText decoded = loading::decode_text(text, encoding, name, converted, result.report);
  text = decoded.text;
  ValueForms forms;
  forms.export_forms = true;
  forms.decimal = options.decimal == DecimalMark::Comma ? ',' : '.';
  forms.windows_1252 = decoded.windows_1252;
  RecordBuilder builder(schema, forms, result);
  JsonLoader(schema, text, name, options.mapping, result, builder).run();
  normalise_group_keys(result);
  result.data.set_origin(name);
  return result;
}

LoadedDataset read_json_file(const DatasetSchema& schema, const std::string& path, const JsonOptions& options) {
  const loading::FileBytes contents = loading::read_whole_file(path);
  return read_json_text(schema, contents.view(), path, options);
}

}  // namespace toets
