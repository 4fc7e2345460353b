// Reading a CSV file's header and matching its names to the schema's columns: the messages for a
// missing, duplicate or misspelt column are made here.

#include "engine/input/csv_header.hpp"

#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/input/csv_record_scan.hpp"
#include "engine/input/mapping.hpp"

namespace toets::csv {

namespace {

using loading::closest_column;
using loading::join;
using loading::looks_like_misspelling;
using loading::single_quoted;

[[noreturn]] void fail(const Layout& layout, std::uint64_t line, const std::string& message) {
  throw DataFileError(*layout.name + ":" + std::to_string(line) + ": " + message);
}

void check_required_columns(const Layout& layout, std::uint64_t header_line,
                            const std::vector<std::optional<std::size_t>>& field_of_column,
                            const std::vector<std::string_view>& unknown) {
  const DatasetSchema& schema = *layout.schema;
  std::vector<std::string> missing;
  std::vector<std::string> required;
  for (std::size_t c = 0; c < schema.columns.size(); ++c) {
    const ColumnSchema& column = schema.columns[c];
    if (!column.required) continue;
    required.push_back(column.name);
    if (!field_of_column[c]) missing.push_back("'" + column.name + "'");
  }
  if (missing.empty()) return;

  std::string message = missing.size() == 1 ? "missing required column " : "missing required columns ";
  message += join(missing) + " (the " + schema.name + " file must have: " + join(required) + ")";
  for (const std::string_view name : unknown) {
    for (std::size_t c = 0; c < schema.columns.size(); ++c) {
      if (!field_of_column[c] && looks_like_misspelling(name, schema.columns[c].name)) {
        message += "; is " + single_quoted(name) + " a misspelling of '" + schema.columns[c].name + "'?";
      }
    }
  }
  if (layout.mapping != nullptr && !unknown.empty()) {
    std::vector<std::string> names;
    for (const std::string_view name : unknown) names.push_back(single_quoted(name));
    message += "; the mapping " + layout.mapping->file + " does not map these columns of the file: " + join(names);
  }
  const char delimiter = layout.delimiter;
  if (layout.header_names.size() == 1 && layout.header_names[0].find(delimiter == ',' ? ';' : ',') != std::string::npos) {
    message += delimiter == ',' ? "; the header looks semicolon-separated, but this reader expects commas"
                                : "; the header looks comma-separated, but this reader expects semicolons";
  }
  fail(layout, header_line, message);
}

void map_columns(Layout& layout, std::uint64_t header_line, LoadReport& report) {
  const DatasetSchema& schema = *layout.schema;
  const std::vector<std::string>& names = layout.header_names;
  std::unordered_map<std::string_view, std::size_t> first_field;
  std::vector<std::optional<std::size_t>> field_of_column(schema.columns.size());
  std::vector<std::string_view> unknown;
  for (std::size_t field = 0; field < names.size(); ++field) {
    const std::string_view name = names[field];
    if (name.empty()) {
      report.notes.push_back("column " + std::to_string(field + 1) + " has no name; ignored");
      continue;
    }
    const auto [seen, inserted] = first_field.emplace(name, field);
    if (!inserted) {
      fail(layout, header_line, "duplicate column " + single_quoted(name) + " in the header (fields " +
                                    std::to_string(seen->second + 1) + " and " + std::to_string(field + 1) + ")");
    }
    const MappedName meaning = resolve_name(schema, layout.mapping, name, layout.forms.export_forms);
    if (meaning.kind == MappedName::Kind::Ignored) continue;
    if (meaning.kind == MappedName::Kind::Unknown) {
      unknown.push_back(name);
      std::string note = "column " + single_quoted(name) + " is not part of " + schema.name;
      if (layout.mapping != nullptr) note += " and the mapping " + layout.mapping->file + " does not map it";
      note += "; ignored";
      if (const auto close = closest_column(schema, name)) note += " (did you mean '" + *close + "'?)";
      report.notes.push_back(std::move(note));
      continue;
    }
    std::optional<std::size_t>& assigned = field_of_column[meaning.column];
    if (assigned) {
      fail(layout, header_line,
           "columns " + single_quoted(names[*assigned]) + " (field " + std::to_string(*assigned + 1) + ") and " +
               single_quoted(name) + " (field " + std::to_string(field + 1) + ") both give " +
               schema.columns[meaning.column].name + "; keep one of them");
    }
    assigned = field;
  }

  check_required_columns(layout, header_line, field_of_column, unknown);
  layout.field_of_column.assign(schema.columns.size(), -1);
  layout.column_names.resize(schema.columns.size());
  layout.column_values.assign(schema.columns.size(), nullptr);
  for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
    layout.column_values[c] = layout.mapping != nullptr ? layout.mapping->values_of(c) : nullptr;
    if (field_of_column[c]) {
      layout.field_of_column[c] = static_cast<std::int32_t>(*field_of_column[c]);
      layout.column_names[c] = names[*field_of_column[c]];
    } else {
      layout.column_names[c] = schema.columns[c].name;
    }
  }
}

}  // namespace

template <char kDelimiter>
const char* read_header(Layout& layout, const char* pos, const char* end, std::uint64_t& line, LoadReport& report) {
  const DatasetSchema& schema = *layout.schema;
  const bool nothing_at_all = pos == end;
  pos = skip_blank_lines(pos, end, line);
  if (pos == end) {
    fail(layout, line, nothing_at_all ? "the file is empty; expected a header row naming the " + schema.name + " columns"
                                      : "no header row; expected one naming the " + schema.name + " columns");
  }
  const std::uint64_t header_line = line;
  RecordScan scan = scan_record<kDelimiter>(pos, end, nullptr, 0);
  // Limits against pathological input (docs/robustness.md): a header of a million columns, or a
  // column name of a megabyte, is not an export.
  if (scan.field_count > kMaxColumns) {
    fail(layout, header_line, "the header has " + std::to_string(scan.field_count) + " columns; at most " +
                                  std::to_string(kMaxColumns) + " are allowed");
  }
  if (static_cast<std::size_t>(scan.next - pos) > kMaxRecordBytes) {
    fail(layout, header_line, "the header row is " + std::to_string(scan.next - pos) + " bytes long; at most " +
                                  std::to_string(kMaxRecordBytes) + " are allowed");
  }
  std::vector<Field> fields(scan.field_count);
  scan = scan_record<kDelimiter>(pos, end, fields.data(), fields.size());
  if (scan.problem == RecordProblem::UnterminatedQuote) {
    fail(layout, header_line, "a quoted column name in the header is never closed");
  }
  if (scan.problem == RecordProblem::TextAfterQuote) {
    fail(layout, header_line,
         "unexpected text after the closing quote of header field " + std::to_string(scan.problem_field + 1));
  }
  std::string unescaped;
  if (scan.any_doubled_quotes) {
    collapse_doubled_quotes(fields.data(), fields.size(), static_cast<std::size_t>(scan.next - pos), unescaped);
  }
  layout.header_names.reserve(fields.size());
  for (const Field& field : fields) layout.header_names.emplace_back(field.text);
  map_columns(layout, header_line, report);
  line += scan.newlines;
  return scan.next;
}

template const char* read_header<','>(Layout&, const char*, const char*, std::uint64_t&, LoadReport&);
template const char* read_header<';'>(Layout&, const char*, const char*, std::uint64_t&, LoadReport&);

}  // namespace toets::csv
