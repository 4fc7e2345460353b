// Column mapping files: a small INI-like format (docs/data-input.md), parsed line by line. Every
// mistake is a diagnostic at its line and column (as the rule files' are), so one run shows them
// all; nothing of a broken mapping is used.

#include "dsl/source/text.hpp"
#include "engine/input/mapping.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

#include "dsl/source/diagnostics.hpp"
#include "dsl/source/visible_text.hpp"
#include "engine/input/small_file.hpp"

namespace toets {

namespace {

using loading::canonical_value_problem;
using loading::closest_column;
using loading::join;

bool is_blank(char c) { return c == ' ' || c == '\t'; }


using toets::text::lower;
using toets::text::trim;

enum class Section : std::uint8_t { None, Input, Columns, Values, Broken };

// One "name = value" line, each side plain (trimmed) or between double quotes ("" for a quote),
// with where each side starts in the file (for the caret of a mistake about it).
struct Entry {
  std::string name;
  std::string value;
  std::uint32_t name_at = 0;
  std::uint32_t value_at = 0;
};

class MappingParser {
 public:
  MappingParser(const SourceFile& source, const DatasetSchema& schema, Diagnostics& diagnostics)
      : text_(source.text()), source_(source), name_(source.path()), schema_(schema), diagnostics_(diagnostics) {
    mapping_.file = source.path();
    mapping_.schema = &schema;
    mapping_.values.resize(schema.columns.size());
  }

  std::optional<ColumnMapping> run() {
    std::size_t at = 0;
    while (at <= text_.size()) {
      const std::size_t end = std::min(text_.find('\n', at), text_.size());
      ++line_;
      parse_line(text_.substr(at, end - at));
      at = end + 1;
    }
    if (not_shown_ > 0) {
      diagnostics_.error(nullptr, 0, name_ + ": " + std::to_string(not_shown_) + " more mistake" +
                                         (not_shown_ == 1 ? "" : "s") + " not shown");
    }
    if (errors_ > 0) return std::nullopt;
    return std::move(mapping_);
  }

 private:
  // A binary file given as a mapping would make a mistake of every line: the first
  // kMaxMappingErrors are shown, the rest counted.
  void error(std::uint32_t offset, const std::string& message) {
    if (++errors_ > kMaxMappingErrors) {
      ++not_shown_;
      return;
    }
    diagnostics_.error(&source_, offset, message);
  }
  // Where `piece` (a view into the mapping's text) starts, or a position `index` bytes into it.
  std::uint32_t at(std::string_view piece, std::size_t index = 0) const {
    return static_cast<std::uint32_t>(piece.data() - text_.data() + index);
  }

  void parse_line(std::string_view line) {
    for (std::size_t i = 0; i < line.size();) {
      const CodePoint code = decode_utf8(line, i);
      if (code.length == 0) {
        error(at(line, i), "not valid UTF-8 (a mapping file is UTF-8 text)");
        return;
      }
      i += code.length;
    }
    if (const std::size_t nul = line.find('\0'); nul != std::string_view::npos) {
      error(at(line, nul), "a NUL byte (a mapping file is text)");
      return;
    }
    line = trim(line);
    if (line.empty() || line.front() == '#') return;
    if (line.front() == '[') {
      parse_section(line);
      return;
    }
    Entry entry;
    if (!parse_entry(line, entry)) return;
    switch (section_) {
      case Section::None:
        error(at(line), "an entry before any section; start with [input], [columns] or [values COLUMN]");
        return;
      case Section::Broken:
        return;  // the section header was wrong; its entries would only repeat that
      case Section::Input:
        input_entry(entry);
        return;
      case Section::Columns:
        column_entry(entry);
        return;
      case Section::Values:
        value_entry(entry);
        return;
    }
  }

  void parse_section(std::string_view line) {
    section_ = Section::Broken;
    if (line.back() != ']') {
      error(at(line, line.size()), "a section header ends with ']'");
      return;
    }
    const std::string_view inner = trim(line.substr(1, line.size() - 2));
    const std::size_t space = inner.find_first_of(" \t");
    const std::string keyword = lower(inner.substr(0, space));
    const std::string_view argument = space == std::string_view::npos ? std::string_view() : trim(inner.substr(space));
    if (keyword == "input" || keyword == "columns") {
      if (!argument.empty()) {
        error(at(argument), "[" + keyword + "] takes no column name");
        return;
      }
      section_ = keyword == "input" ? Section::Input : Section::Columns;
      return;
    }
    if (keyword == "values") {
      if (argument.empty()) {
        error(at(line), "[values] needs the column whose values it translates, e.g. [values channel]");
        return;
      }
      const auto column = schema_.column_index(lower(argument));
      if (!column) {
        error(at(argument), unknown_column_message(argument));
        return;
      }
      values_column_ = *column;
      section_ = Section::Values;
      return;
    }
    error(at(line), "unknown section " + quoted_for_message(line) + "; expected [input], [columns] or [values COLUMN]");
  }

  // Reads one side of an entry from `at`: between double quotes, or plain up to `stop` (0: to the
  // end), trimmed.
  bool parse_side(std::string_view line, std::size_t& at, char stop, std::string& out, std::uint32_t& side_at,
                  const char* what) {
    while (at < line.size() && is_blank(line[at])) ++at;
    side_at = this->at(line, at);
    if (at < line.size() && line[at] == '"') {
      ++at;
      for (;;) {
        if (at >= line.size()) {
          error(side_at, std::string("the quoted ") + what + " is never closed");
          return false;
        }
        if (line[at] == '"') {
          if (at + 1 < line.size() && line[at + 1] == '"') {
            out.push_back('"');
            at += 2;
            continue;
          }
          ++at;
          break;
        }
        out.push_back(line[at++]);
      }
      while (at < line.size() && is_blank(line[at])) ++at;
      const bool comment = stop == 0 && at < line.size() && line[at] == '#';
      if (at < line.size() && line[at] != stop && !comment) {
        error(this->at(line, at), std::string("unexpected text after the quoted ") + what);
        return false;
      }
      return true;
    }
    std::size_t end = stop == 0 ? line.size() : std::min(line.find(stop, at), line.size());
    if (stop == 0) {
      // A value may end in a comment: '#' after a space or tab.
      for (std::size_t hash = line.find('#', at); hash != std::string_view::npos; hash = line.find('#', hash + 1)) {
        if (hash == at || is_blank(line[hash - 1])) {
          end = hash;
          break;
        }
      }
    }
    out = std::string(trim(line.substr(at, end - at)));
    at = end;
    return true;
  }

  bool parse_entry(std::string_view line, Entry& entry) {
    std::size_t at = 0;
    if (!parse_side(line, at, '=', entry.name, entry.name_at, "name")) return false;
    if (at >= line.size() || line[at] != '=') {
      error(this->at(line), "expected NAME = VALUE, found " + quoted_for_message(line));
      return false;
    }
    const std::uint32_t equals_at = this->at(line, at);
    ++at;
    if (!parse_side(line, at, 0, entry.value, entry.value_at, "value")) return false;
    if (entry.name.empty()) {
      error(equals_at, "the name before '=' is empty");
      return false;
    }
    return true;
  }

  std::string unknown_column_message(std::string_view name) const {
    std::vector<std::string> names;
    for (const ColumnSchema& column : schema_.columns) names.push_back(column.name);
    std::string message = quoted_for_message(name) + " is not a column of " + schema_.name;
    if (const auto close = closest_column(schema_, lower(name))) {
      message += " (did you mean '" + *close + "'?)";
    } else {
      message += " (its columns: " + join(names) + ")";
    }
    return message;
  }

  // A name given twice in one section (in any case): the first line it was on, else remembers it.
  bool repeated(std::map<std::string, std::uint64_t>& seen, const std::string& name, std::uint32_t name_at,
                const char* what) {
    const auto [found, inserted] = seen.emplace(lower(name), line_);
    if (inserted) return false;
    error(name_at, std::string(what) + " " + quoted_for_message(name) + " is mapped twice (first on line " + std::to_string(found->second) +
          ")");
    return true;
  }

  void input_entry(const Entry& entry) {
    const std::string key = lower(entry.name);
    if (repeated(input_seen_, key, entry.name_at, "setting")) return;
    if (key == "dataset") {
      if (entry.value != schema_.name) {
        error(entry.value_at, "this mapping is for " + quoted_for_message(entry.value) + ", but it is given for " + schema_.name);
      }
    } else if (key == "delimiter") {
      if (const auto delimiter = parse_delimiter(entry.value)) {
        mapping_.delimiter = *delimiter;
      } else {
        error(entry.value_at, "delimiter " + quoted_for_message(entry.value) + ": expected comma, semicolon or auto");
      }
    } else if (key == "decimal") {
      if (const auto decimal = parse_decimal_mark(entry.value)) {
        mapping_.decimal = *decimal;
      } else {
        error(entry.value_at, "decimal " + quoted_for_message(entry.value) + ": expected point, comma or auto");
      }
    } else if (key == "encoding") {
      if (const auto encoding = parse_encoding(entry.value)) {
        mapping_.encoding = *encoding;
      } else {
        error(entry.value_at, "encoding " + quoted_for_message(entry.value) + ": expected utf-8 or cp1252");
      }
    } else {
      error(entry.name_at, "unknown setting " + quoted_for_message(entry.name) + " in [input]; expected dataset, delimiter, decimal or encoding");
    }
  }

  void column_entry(const Entry& entry) {
    if (repeated(columns_seen_, entry.name, entry.name_at, "column")) return;
    if (entry.value == "-") {
      mapping_.columns.emplace(entry.name, std::nullopt);
      return;
    }
    const auto column = schema_.column_index(entry.value);
    if (!column) {
      error(entry.value_at, unknown_column_message(entry.value) + "; write '-' to leave a column out");
      return;
    }
    mapping_.columns.emplace(entry.name, *column);
  }

  void value_entry(const Entry& entry) {
    const ColumnSchema& column = schema_.columns[values_column_];
    if (repeated(values_seen_[values_column_], entry.name, entry.name_at, "value")) return;
    if (!entry.value.empty()) {
      if (const auto problem = canonical_value_problem(column, entry.value)) {
        error(entry.value_at, quoted_for_message(entry.value) + " is not a value of " + column.name + ": " + *problem);
        return;
      }
    }
    mapping_.values[values_column_].emplace(entry.name, entry.value);
  }

  std::string_view text_;
  const SourceFile& source_;
  const std::string& name_;
  const DatasetSchema& schema_;
  Diagnostics& diagnostics_;
  ColumnMapping mapping_;
  std::uint64_t line_ = 0;
  std::size_t errors_ = 0;
  std::size_t not_shown_ = 0;
  Section section_ = Section::None;
  std::uint32_t values_column_ = 0;
  std::map<std::string, std::uint64_t> input_seen_;
  std::map<std::string, std::uint64_t> columns_seen_;
  std::map<std::uint32_t, std::map<std::string, std::uint64_t>> values_seen_;
};

}  // namespace

MappedName resolve_name(const DatasetSchema& schema, const ColumnMapping* mapping, std::string_view name,
                        bool any_case) {
  if (mapping != nullptr) {
    if (const auto found = mapping->columns.find(name); found != mapping->columns.end()) {
      if (!found->second) return MappedName{MappedName::Kind::Ignored, 0};
      return MappedName{MappedName::Kind::Column, *found->second};
    }
  }
  if (const auto column = schema.column_index(name)) return MappedName{MappedName::Kind::Column, *column};
  if (any_case) {
    for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
      if (CaseFoldEqual{}(schema.columns[c].name, name)) return MappedName{MappedName::Kind::Column, c};
    }
  }
  return MappedName{};
}

std::optional<ColumnMapping> parse_mapping(std::string_view text, const std::string& name,
                                           const DatasetSchema& schema, Diagnostics& diagnostics) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const SourceFile source(name, std::string(text));
  return MappingParser(source, schema, diagnostics).run();
}

ColumnMapping load_mapping(const std::string& path, const DatasetSchema& schema) {
  std::string problem;
  const std::optional<std::string> contents = read_small_file(path, kMaxMappingBytes, "a mapping", problem);
  if (!contents) throw DataFileError(path + ": " + problem);
  Diagnostics diagnostics;
  std::optional<ColumnMapping> mapping = parse_mapping(*contents, path, schema, diagnostics);
  if (mapping) return std::move(*mapping);
  // Printed after "toets: error: " (or "error: " in a plan's log): a heading, then each mistake
  // located with its line and a caret.
  std::ostringstream message;
  message << path << ": " << (diagnostics.error_count() == 1 ? "a mistake" : "mistakes") << " in this column mapping:\n";
  diagnostics.print(message);
  std::string text = message.str();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  throw DataFileError(text);
}

}  // namespace toets
