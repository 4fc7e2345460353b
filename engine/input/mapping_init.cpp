// toets mapping init: a draft mapping from an export's header and values (mapping_init.hpp).

#include "engine/input/mapping_init.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "engine/input/encoding.hpp"
#include "engine/input/export_names.hpp"
#include "engine/input/input.hpp"
#include "engine/data/value_rules.hpp"  // nearest_canonical_value
#include "engine/input/xlsx_reader.hpp"

namespace toets {

namespace {

// The first record of a CSV file, split as RFC 4180 says; the delimiter is whichever of ';' and ','
// the record has more of outside quotes (as the CSV reader decides).
std::vector<std::string> split_csv_header(std::string_view text, char& delimiter) {
  std::size_t start = 0;
  while (start < text.size() && (text[start] == '\n' || text[start] == '\r')) ++start;
  std::size_t semicolons = 0;
  std::size_t commas = 0;
  bool quoted = false;
  std::size_t end = start;
  for (; end < text.size(); ++end) {
    const char c = text[end];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    semicolons += c == ';';
    commas += c == ',';
  }
  delimiter = semicolons > commas ? ';' : ',';
  std::vector<std::string> fields(1);
  quoted = false;
  for (std::size_t at = start; at < end; ++at) {
    const char c = text[at];
    if (c == '"') {
      if (quoted && at + 1 < end && text[at + 1] == '"') {
        fields.back().push_back('"');
        ++at;
      } else {
        quoted = !quoted;
      }
    } else if (c == delimiter && !quoted) {
      fields.emplace_back();
    } else if (c != '\r' || quoted) {
      fields.back().push_back(c);
    }
  }
  return fields;
}

std::string extension_of(const std::string& path) {
  const std::size_t dot = path.find_last_of('.');
  const std::size_t slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string extension = path.substr(dot + 1);
  for (char& c : extension) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return extension;
}

struct ExportHeader {
  std::vector<std::string> names;
  std::string sheet;       // a workbook's
  char delimiter = 0;      // a CSV file's
  bool windows_1252 = false;
};

ExportHeader read_export_header(const std::string& path, const std::string& sheet) {
  const loading::FileBytes bytes = loading::read_whole_file(path);
  const std::string extension = extension_of(path);
  ExportHeader header;
  if (looks_like_xlsx(bytes.view()) || extension == "xlsx" || extension == "xlsm") {
    XlsxHeader read = read_xlsx_header(bytes.view(), path, sheet);
    header.names = std::move(read.names);
    header.sheet = std::move(read.sheet);
    return header;
  }
  if (!sheet.empty()) throw DataFileError(path + ": a sheet (" + sheet + ") is named, but this is not an Excel workbook");
  const std::string_view view = bytes.view();
  const std::size_t first = view.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (extension == "json" || extension == "jsonl" || extension == "ndjson" ||
      (first != std::string_view::npos && (view[first] == '[' || view[first] == '{'))) {
    throw DataFileError(path + ": toets mapping init reads the header of a CSV file or an Excel workbook; a JSON "
                               "export's keys are mapped by hand (docs/data-input.md)");
  }
  LoadReport report;
  std::string converted;
  const loading::DecodedText decoded = loading::decode_text(view, Encoding::Auto, path, converted, report);
  header.windows_1252 = decoded.windows_1252;
  header.names = split_csv_header(decoded.text, header.delimiter);
  if (header.names.size() == 1 && header.names[0].empty()) throw DataFileError(path + ": the file is empty; no header to map");
  return header;
}

enum class How : std::uint8_t { Name, Dutch, Contains, Guess, None };

struct Match {
  How how = How::None;
  std::uint32_t column = 0;
  std::string because;  // for the comment
};

// The column's own name as a header may write it: "contract date", "Contract-Date".
std::string canonical_as_name(const ColumnSchema& column) { return normalized_name(column.name); }

bool contains_words(const std::string& text, const std::string& words) {
  return (" " + text + " ").find(" " + words + " ") != std::string::npos;
}

// Every name a column is known by in this dataset: its own, then the Dutch ones.
std::vector<std::pair<std::uint32_t, std::string>> known_names(const DatasetSchema& schema) {
  std::vector<std::pair<std::uint32_t, std::string>> names;
  for (std::uint32_t c = 0; c < schema.columns.size(); ++c) names.emplace_back(c, canonical_as_name(schema.columns[c]));
  for (const ExportColumnName& entry : export_column_names()) {
    if (const auto c = schema.column_index(entry.column)) names.emplace_back(*c, std::string(entry.name));
  }
  return names;
}

Match match_header(const DatasetSchema& schema, const std::string& header, const std::vector<bool>& taken) {
  const std::string name = normalized_name(header);
  const auto names = known_names(schema);
  for (const auto& [c, known] : names) {
    if (known != name) continue;
    if (taken[c]) return Match{How::Guess, c, "another header gives " + schema.columns[c].name + " already"};
    return Match{known == canonical_as_name(schema.columns[c]) ? How::Name : How::Dutch, c, ""};
  }
  // A known name inside the header ("Kale huur per maand"): the longest one, if only one column's.
  const std::pair<std::uint32_t, std::string>* best = nullptr;
  bool ambiguous = false;
  for (const auto& entry : names) {
    if (!contains_words(name, entry.second)) continue;
    if (best == nullptr || entry.second.size() > best->second.size()) {
      best = &entry;
      ambiguous = false;
    } else if (entry.second.size() == best->second.size() && entry.first != best->first) {
      ambiguous = true;
    }
  }
  if (best != nullptr && !ambiguous) {
    // One short word ("datum" in "datum overlijden") says too little to be sure.
    const bool sure = !taken[best->first] && (best->second.find(' ') != std::string::npos || best->second.size() >= 10);
    return Match{sure ? How::Contains : How::Guess, best->first, "'" + best->second + "' in the name"};
  }
  for (const auto& [c, known] : names) {
    if (loading::looks_like_misspelling(name, known)) return Match{How::Guess, c, "did you mean '" + known + "'?"};
  }
  if (name == "geboortedatum" || contains_words(name, "geboortedatum")) {
    if (const auto age = schema.column_index("applicant_age")) {
      return Match{How::None, *age, "a birth date; applicant_age is the age in years at contract start, which "
                                    "the export must give"};
    }
  }
  return Match{};
}

// A side of a mapping entry, quoted where the format would read it otherwise (docs/data-input.md).
std::string entry_side(std::string_view text) {
  const bool plain = !text.empty() && text.find_first_of("=\"") == std::string_view::npos && text.front() != '#' &&
                     text.front() != '[' && text.front() != ' ' && text.back() != ' ' && text.find(" #") == std::string_view::npos;
  if (plain) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string rows_text(std::size_t rows) { return std::to_string(rows) + (rows == 1 ? " row" : " rows"); }

// Whether the reader takes `value` for a canonical value of `column` as it is (any case, ' ' or
// '-' for '_').
bool reads_as_canonical(const ColumnSchema& column, std::string_view value) {
  std::string folded;
  for (const char c : value) folded += c == ' ' || c == '-' ? '_' : (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  for (const std::string& canonical : column.enum_values) {
    std::string lower;
    for (const char c : canonical) lower += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower == folded) return true;
  }
  return false;
}

// The values of the headers `fields` as the export holds them, with their row counts.
std::vector<std::map<std::string, std::size_t>> count_values(const DatasetSchema& schema, const std::string& path,
                                                             const std::string& sheet,
                                                             const std::vector<std::string>& headers) {
  DatasetSchema as_text{schema.kind, schema.name, {}, 0, std::nullopt};
  for (const std::string& header : headers) {
    as_text.columns.push_back(ColumnSchema{header, ValueType::Text, false, false, TextStorage::Dictionary, {}, {}, {}, ""});
  }
  InputSpec spec;
  spec.path = path;
  spec.sheet = sheet;
  const LoadedDataset loaded = load_input(as_text, spec);
  std::vector<std::map<std::string, std::size_t>> counts(headers.size());
  for (std::uint32_t k = 0; k < headers.size(); ++k) {
    const ColumnData& data = loaded.data.column(k);
    for (std::size_t row = 0; row < loaded.data.row_count(); ++row) {
      const std::int32_t code = data.values[row];
      if (code != kNull32) ++counts[k][data.dictionary.value(code)];
    }
  }
  return counts;
}

constexpr std::size_t kMaxValuesListed = 100;

// Each header's match; a column matched exactly or by containment is taken (`taken`) and
// remembers its header (`header_of_column`, -1: none).
std::vector<Match> match_headers(const DatasetSchema& schema, const ExportHeader& header, std::vector<bool>& taken,
                                 std::vector<std::int32_t>& header_of_column) {
  std::vector<Match> matches(header.names.size());
  taken.assign(schema.columns.size(), false);
  header_of_column.assign(schema.columns.size(), -1);
  // Exact names first, so that a later "Toetsinkomen" wins over an earlier "Toetsinkomen partner".
  for (const bool exact_pass : {true, false}) {
    for (std::size_t h = 0; h < header.names.size(); ++h) {
      if (header.names[h].empty() || (!exact_pass && matches[h].how != How::None)) continue;
      const Match match = match_header(schema, header.names[h], taken);
      const bool exact = match.how == How::Name || match.how == How::Dutch;
      if (exact_pass != exact) continue;
      matches[h] = match;
      if (match.how == How::Name || match.how == How::Dutch || match.how == How::Contains) {
        taken[match.column] = true;
        header_of_column[match.column] = static_cast<std::int32_t>(h);
      }
    }
  }
  return matches;
}

// The comments at the top and the [input] section.
void write_input_section(const DatasetSchema& schema, const std::string& path, const ExportHeader& header,
                         std::string& out) {
  out += "# Column mapping for " + schema.name + " exports like " + path;
  if (!header.sheet.empty()) out += " (sheet '" + header.sheet + "')";
  out += ", drafted by `toets mapping init`.\n"
         "# Check every line, then give it with --mapping " + schema.name + "=THIS_FILE (docs/data-input.md).\n"
         "# Entries are matches by name; lines starting with '#' are guesses and gaps: uncomment and\n"
         "# complete what is right.\n\n[input]\ndataset = " + schema.name + "\n";
  if (header.delimiter != 0) {
    out += std::string("delimiter = ") + (header.delimiter == ';' ? "semicolon" : "comma") + "\n";
    out += std::string("encoding = ") + (header.windows_1252 ? "cp1252" : "utf-8") + "\n";
  }
}

// The [columns] section: a line per header, and the schema's columns no header gives.
void write_columns_section(const DatasetSchema& schema, const ExportHeader& header, const std::vector<Match>& matches,
                           const std::vector<bool>& taken, MappingDraft& draft) {
  std::string& out = draft.text;
  out += "\n# Export header = canonical column; '-' leaves a column out quietly.\n[columns]\n";
  for (std::size_t h = 0; h < header.names.size(); ++h) {
    const std::string& name = header.names[h];
    if (name.empty()) continue;
    ++draft.headers;
    const Match& match = matches[h];
    const std::string& column = schema.columns[match.column].name;
    switch (match.how) {
      case How::Name:
      case How::Dutch:
      case How::Contains:
        ++draft.matched;
        out += entry_side(name) + " = " + column;
        if (match.how == How::Contains) out += "   # " + match.because;
        out += "\n";
        break;
      case How::Guess:
        ++draft.guessed;
        out += "# " + entry_side(name) + " = " + column + "   # " + match.because + "\n";
        break;
      case How::None:
        draft.unmatched.push_back(name);
        out += "# " + entry_side(name) + " = ?   # " +
               (match.because.empty() ? "no column of " + schema.name + " by this name: map it, or '-' to leave it out"
                                      : match.because) +
               "\n";
        break;
    }
  }
  std::vector<std::string> optional_missing;
  for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
    if (taken[c]) continue;
    (schema.columns[c].required ? draft.missing_required : optional_missing).push_back(schema.columns[c].name);
  }
  if (!draft.missing_required.empty()) {
    out += "# Required columns no header gives (map a header to each): " + loading::join(draft.missing_required) + "\n";
  }
  if (!optional_missing.empty()) out += "# Optional columns no header gives: " + loading::join(optional_missing) + "\n";
}

// A [values COLUMN] section: the values of an enum column as the export has them (`counts`: value
// to rows), those that do not already read as the column's own.
void write_values_section(const ColumnSchema& column, const std::string& export_header,
                          const std::map<std::string, std::size_t>& counts, MappingDraft& draft) {
  std::string& out = draft.text;
  std::vector<std::pair<std::string, std::size_t>> values;
  for (const auto& [value, rows] : counts) {
    if (!reads_as_canonical(column, value)) values.emplace_back(value, rows);
  }
  if (values.empty()) return;
  std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  out += "\n# Values of '" + export_header + "' that are not " + column.name +
         " values; the values are: " + loading::join(column.enum_values) + ".\n[values " + column.name + "]\n";
  for (std::size_t i = 0; i < values.size() && i < kMaxValuesListed; ++i) {
    const auto& [value, rows] = values[i];
    const std::string normalized = normalized_name(value);
    std::optional<std::string_view> known;
    for (const ExportValueName& entry : export_value_names()) {
      if (entry.column == column.name && entry.name == normalized) known = entry.canonical;
    }
    if (known && !known->empty()) {
      out += entry_side(value) + " = " + std::string(*known) + "   # " + rows_text(rows) + "\n";
      continue;
    }
    ++draft.values_to_fill;
    if (known) {
      out += "# " + entry_side(value) + " =   # " + rows_text(rows) + "; nothing after '=' leaves the value missing\n";
      continue;
    }
    const std::string nearest = nearest_canonical_value(value, column.enum_values);
    out += "# " + entry_side(value) + " = " + nearest + "   # " + rows_text(rows) +
           (nearest.empty() ? "; which value is it?" : "; the nearest value, check it") + "\n";
  }
  if (values.size() > kMaxValuesListed) {
    out += "# ... and " + std::to_string(values.size() - kMaxValuesListed) + " more values not listed\n";
  }
}

}  // namespace

MappingDraft draft_mapping(const DatasetSchema& schema, const std::string& path, const std::string& sheet) {
  const ExportHeader header = read_export_header(path, sheet);
  MappingDraft draft;
  std::vector<bool> taken;
  std::vector<std::int32_t> header_of_column;
  const std::vector<Match> matches = match_headers(schema, header, taken, header_of_column);
  write_input_section(schema, path, header, draft.text);
  write_columns_section(schema, header, matches, taken, draft);

  // The values of the enum columns found, as the export has them.
  std::vector<std::uint32_t> enum_columns;
  std::vector<std::string> enum_headers;
  for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
    if (schema.columns[c].type != ValueType::Enum || header_of_column[c] < 0) continue;
    enum_columns.push_back(c);
    enum_headers.push_back(header.names[static_cast<std::size_t>(header_of_column[c])]);
  }
  if (enum_columns.empty()) return draft;
  const auto counts = count_values(schema, path, header.sheet, enum_headers);
  for (std::size_t k = 0; k < enum_columns.size(); ++k) {
    write_values_section(schema.columns[enum_columns[k]], enum_headers[k], counts[k], draft);
  }
  return draft;
}

}  // namespace toets
