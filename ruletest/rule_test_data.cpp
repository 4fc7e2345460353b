// A test's inline rows into a dataset: the CSV as written, completed with the file's defaults and
// `repeat` expanded, read by the canonical CSV reader `toets check` uses. Every row the reader
// rejects is a mistake in the test, reported at its line in the test file.
#include "dsl/source/text.hpp"
#include "ruletest/rule_test_data.hpp"

#include <algorithm>
#include <charconv>

#include "dsl/source/diagnostics.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/input/input.hpp"

namespace toets::ruletest {

namespace {

constexpr std::string_view kRepeatColumn = "repeat";

std::string trim(std::string_view line) { return std::string(toets::text::trim(line, " \t\r")); }

void add_field(std::string& line, bool& first, const std::string& value) {
  if (!first) line += ',';
  first = false;
  append_csv_field(line, value);
}

// One record of the inline CSV: its fields and the test-file line it starts on.
struct Record {
  std::vector<std::string> fields;
  std::uint32_t line = 0;
};

// RFC 4180 fields, with blank lines and '#' comment lines skipped and spaces around unquoted
// fields dropped (rows may be indented inside the TOML string). A quoted field may span lines.
bool split_records(const InlineRows& rows, std::vector<Record>& records, std::vector<std::string>& problems,
                   const std::string& file) {
  const std::string& text = rows.csv;
  std::size_t i = 0;
  std::uint32_t line = rows.first_line;
  while (i < text.size()) {
    // A line that is blank or a comment is no record.
    const std::size_t end_of_line = std::min(text.find('\n', i), text.size());
    const std::string whole = trim(std::string_view(text).substr(i, end_of_line - i));
    if (whole.empty() || whole.front() == '#') {
      i = end_of_line + 1;
      ++line;
      continue;
    }
    Record record;
    record.line = line;
    std::string field;
    bool quoted = false;      // inside quotes
    bool was_quoted = false;  // this field was quoted (keep its spaces)
    bool at_field_start = true;
    for (;; ++i) {
      const char c = i < text.size() ? text[i] : '\n';
      if (quoted) {
        if (i >= text.size()) {
          problems.push_back(location_text(Location{file, record.line, 0}) + ": error: a quoted field is not closed");
          return false;
        }
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          if (c == '\n') ++line;
          field += c;
        }
        continue;
      }
      if (c == '"' && at_field_start) {
        quoted = was_quoted = true;
        at_field_start = false;
        field.clear();
        continue;
      }
      if (c == ',' || c == '\n') {
        record.fields.push_back(was_quoted ? field : trim(field));
        field.clear();
        was_quoted = false;
        at_field_start = true;
        if (c == '\n') break;
        continue;
      }
      if (at_field_start && (c == ' ' || c == '\t')) continue;
      at_field_start = false;
      if (!was_quoted) field += c;
    }
    ++i;
    ++line;
    records.push_back(std::move(record));
  }
  return true;
}

}  // namespace

std::optional<InlineDataset> load_inline_rows(const InlineRows& rows, const std::map<std::string, std::string>& defaults,
                                              const std::string& file, std::vector<std::string>& problems) {
  const DatasetSchema& schema = *rows.schema;
  const std::size_t problems_before = problems.size();
  const auto problem = [&](std::uint32_t line, const std::string& message) {
    problems.push_back(location_text(Location{file, line, 0}) + ": error: " + schema.name + ": " + message);
  };
  std::vector<Record> records;
  if (!split_records(rows, records, problems, file)) return std::nullopt;
  if (records.empty()) {
    problem(rows.where.line, "no header line: the first line names the columns");
    return std::nullopt;
  }

  // The header: canonical columns (and `repeat`), each once.
  const Record& header = records.front();
  std::vector<std::string> names;
  for (const auto& column : schema.columns) names.push_back(column.name);
  std::optional<std::size_t> repeat_at;
  std::vector<std::string> columns;
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    const std::string& name = header.fields[c];
    if (name == kRepeatColumn) {
      repeat_at = c;
    } else if (!schema.column_index(name)) {
      problem(header.line, "'" + name + "' is not a column of " + schema.name + hint(name, names));
    } else if (std::find(columns.begin(), columns.end(), name) != columns.end()) {
      problem(header.line, "the column '" + name + "' is named twice");
    }
    columns.push_back(name);
  }
  // What the header lacks comes from the defaults; a missing id is made up per row.
  const std::string& id_column = schema.columns[schema.id_column].name;
  std::vector<std::pair<std::string, std::string>> added;
  bool make_ids = false;
  for (const auto& column : schema.columns) {
    if (std::find(columns.begin(), columns.end(), column.name) != columns.end()) continue;
    if (const auto found = defaults.find(column.name); found != defaults.end()) {
      added.emplace_back(column.name, found->second);
    } else if (column.name == id_column) {
      make_ids = true;
    } else if (column.required) {
      problem(header.line, "the required column '" + column.name + "' is neither in the header nor in [defaults." +
                               schema.name + "]");
    }
  }
  if (problems.size() != problems_before) return std::nullopt;
  const std::optional<std::size_t> id_at = [&]() -> std::optional<std::size_t> {
    const auto found = std::find(columns.begin(), columns.end(), id_column);
    if (found == columns.end()) return std::nullopt;
    return static_cast<std::size_t>(found - columns.begin());
  }();

  InlineDataset out;
  std::string csv;
  std::string header_line;
  bool first = true;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (!(repeat_at && c == *repeat_at)) add_field(header_line, first, columns[c]);
  }
  for (const auto& [name, value] : added) add_field(header_line, first, name);
  if (make_ids) add_field(header_line, first, id_column);
  csv += header_line + "\n";
  out.source_lines.push_back(header.line);  // generated line 1

  std::size_t total = 0;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const Record& record = records[r];
    if (record.fields.size() != columns.size()) {
      problem(record.line, "this row has " + std::to_string(record.fields.size()) + " fields, the header " +
                               std::to_string(columns.size()));
      continue;
    }
    std::uint64_t repeat = 1;
    if (repeat_at) {
      const std::string& text = record.fields[*repeat_at];
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), repeat);
      if (error != std::errc() || end != text.data() + text.size() || repeat == 0) {
        problem(record.line, "repeat '" + text + "': expected how many records the row stands for (1 or more)");
        continue;
      }
    }
    if (repeat > kMaxRowsPerDataset || total + repeat > kMaxRowsPerDataset) {
      problem(record.line, "more than " + std::to_string(kMaxRowsPerDataset) + " rows in one dataset of a test");
      return std::nullopt;
    }
    total += repeat;
    for (std::uint64_t k = 1; k <= repeat; ++k) {
      // Repeated rows are told apart by their id: A7-1, A7-2, ...
      const std::string suffix = repeat > 1 ? "-" + std::to_string(k) : "";
      std::string line;
      bool first_field = true;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (repeat_at && c == *repeat_at) continue;
        add_field(line, first_field, id_at && c == *id_at ? record.fields[c] + suffix : record.fields[c]);
      }
      for (const auto& [name, value] : added) add_field(line, first_field, value);
      if (make_ids) add_field(line, first_field, "row" + std::to_string(r) + suffix);
      csv += line + "\n";
      out.source_lines.push_back(record.line);
    }
  }
  if (problems.size() != problems_before) return std::nullopt;

  try {
    out.loaded = std::make_unique<LoadedDataset>(read_csv_text(schema, csv, file));
  } catch (const DataFileError& e) {
    problem(rows.where.line, e.what());
    return std::nullopt;
  }
  for (const Rejection& rejection : out.loaded->report.rejections) {
    const std::uint32_t line = rejection.line >= 1 && rejection.line <= out.source_lines.size()
                                   ? out.source_lines[rejection.line - 1]
                                   : rows.where.line;
    problem(line, "row rejected: " + (rejection.column.empty() ? "" : rejection.column + " ") +
                      (rejection.value.empty() ? "" : "'" + rejection.value + "': ") + rejection.reason);
  }
  if (problems.size() != problems_before) return std::nullopt;
  return out;
}

}  // namespace toets::ruletest
