// load_input: chooses a reader and settles the dialect; the readers do the work.

#include "dsl/source/text.hpp"
#include "engine/input/input.hpp"

#include <algorithm>

#include "dsl/source/visible_text.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/input/file_kind.hpp"
#include "engine/input/json_reader.hpp"
#include "engine/input/mapping.hpp"
#include "engine/input/memory_limits.hpp"
#include "engine/base/sha256.hpp"
#include "engine/input/xlsx_reader.hpp"

namespace toets {

namespace {

using toets::text::lower;

std::string extension_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  return lower(std::string_view(path).substr(dot + 1));
}

InputFormat choose_format(const InputSpec& spec, std::string_view bytes) {
  // A workbook first: by what it is said to be, or by what it holds.
  const std::string extension = extension_of(spec.path);
  if (spec.format == InputFormat::Xlsx || (spec.format == InputFormat::Auto && (extension == "xlsx" || extension == "xlsm")) ||
      looks_like_xlsx(bytes)) {
    if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
      throw DataFileError(spec.path + ": an encrypted (password-protected) workbook or an old .xls file, not an .xlsx "
                                      "workbook; save it without a password as .xlsx and load that");
    }
    return InputFormat::Xlsx;
  }
  if (bytes.starts_with("PK\x03\x04")) {
    throw DataFileError(spec.path +
                        ": a ZIP archive that is no Excel workbook (.xlsx): another spreadsheet workbook (.ods?), "
                        "not CSV or JSON; save the sheet as .xlsx or as CSV and load that");
  }
  if (spec.format != InputFormat::Auto) return spec.format;
  if (extension == "csv" || extension == "txt") return InputFormat::Csv;
  if (extension == "json") return InputFormat::Json;
  if (extension == "jsonl" || extension == "ndjson") return InputFormat::JsonLines;
  if (extension == "xls") {
    throw DataFileError(spec.path + ": this is an old Excel workbook (.xls); save it as .xlsx or CSV and load that");
  }
  std::size_t first = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (first < bytes.size() && (bytes[first] == ' ' || bytes[first] == '\t' || bytes[first] == '\r' ||
                                  bytes[first] == '\n')) {
    ++first;
  }
  if (first < bytes.size() && (bytes[first] == '[' || bytes[first] == '{')) return InputFormat::Json;
  return InputFormat::Csv;
}

template <typename Setting>
Setting stated_or(Setting stated, Setting from_mapping) {
  return stated != Setting::Auto ? stated : from_mapping;
}

}  // namespace

void append_csv_field(std::string& line, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    line.append(text);
    return;
  }
  line.push_back('"');
  for (const char c : text) {
    line.push_back(c);
    if (c == '"') line.push_back('"');
  }
  line.push_back('"');
}

std::optional<InputFormat> parse_input_format(std::string_view text) {
  const std::string name = lower(text);
  if (name == "auto") return InputFormat::Auto;
  if (name == "csv") return InputFormat::Csv;
  if (name == "json") return InputFormat::Json;
  if (name == "jsonl" || name == "ndjson") return InputFormat::JsonLines;
  if (name == "xlsx") return InputFormat::Xlsx;
  return std::nullopt;
}

namespace {

// The SHA-256 of the bytes read, giving the pages back as it goes (a mapped file stays out of memory).
std::string hash_of(const loading::FileBytes& contents) {
  constexpr std::size_t kStep = 4 << 20;
  const std::string_view bytes = contents.view();
  Sha256 hash;
  for (std::size_t at = 0; at < bytes.size(); at += kStep) {
    const std::size_t size = std::min(kStep, bytes.size() - at);
    hash.update(bytes.data() + at, size);
    contents.release_before(bytes.data() + at + size);
  }
  return hash.hex();
}

LoadedDataset load_bytes(const DatasetSchema& schema, const InputSpec& spec, const ColumnMapping* map,
                         const loading::FileBytes& contents, InputFormat format) {
  const DecimalMark decimal = stated_or(spec.decimal, map != nullptr ? map->decimal : DecimalMark::Auto);

  if (!spec.sheet.empty() && format != InputFormat::Xlsx) {
    throw DataFileError(spec.path + ": a sheet (" + spec.sheet + ") is named, but this is not an Excel workbook");
  }
  if (format == InputFormat::Xlsx) {
    // A workbook's text is XML's own UTF-8, and its cells are split already: of a mapping's [input]
    // only the decimal mark applies (to amounts written as text).
    XlsxOptions options;
    options.sheet = spec.sheet;
    options.decimal = decimal;
    options.mapping = map;
    options.kept_columns = spec.kept_columns;
    return read_xlsx_bytes(schema, contents.view(), spec.path, options);
  }
  if (format == InputFormat::Csv) {
    CsvOptions options;
    options.delimiter = stated_or(spec.delimiter, map != nullptr ? map->delimiter : Delimiter::Auto);
    options.decimal = decimal;
    options.encoding = stated_or(spec.encoding, map != nullptr ? map->encoding : Encoding::Auto);
    options.export_forms = true;
    options.mapping = map;
    options.kept_columns = spec.kept_columns;
    return read_csv_bytes(schema, contents, spec.path, options);
  }
  // JSON is UTF-8 (RFC 8259): a mapping's encoding describes the system's CSV exports; only the
  // command line can say a JSON file is otherwise.
  JsonOptions options;
  options.decimal = decimal;
  options.encoding = spec.encoding;
  options.mapping = map;
  options.kept_columns = spec.kept_columns;
  return read_json_text(schema, contents.view(), spec.path, options);
}

}  // namespace

LoadedDataset load_input(const DatasetSchema& schema, const InputSpec& spec, std::string* sha256) {
  // A file that cannot fit is refused before it is read (engine/input/memory_limits.hpp).
  const MemoryStage stage("reading " + schema.name + " from " + spec.path);
  const auto kept = static_cast<double>(std::count(spec.kept_columns.begin(), spec.kept_columns.end(), true));
  const double kept_share = spec.kept_columns.empty() ? 1.0 : kept / static_cast<double>(spec.kept_columns.size());
  refuse_data_file_beyond_memory(spec.path, kept_share);
  std::optional<ColumnMapping> mapping;
  if (!spec.mapping_path.empty()) mapping = load_mapping(spec.mapping_path, schema);
  const ColumnMapping* map = mapping ? &*mapping : nullptr;

  // One open, one size: the bytes loaded are the bytes hashed, and a file written to meanwhile
  // is refused at the end rather than taken for one state of itself.
  const loading::FileBytes contents = loading::read_whole_file(spec.path);
  // A workbook is a ZIP archive: what the file is, is asked after it is known not to be one.
  const InputFormat format = choose_format(spec, contents.view());
  if (format != InputFormat::Xlsx) refuse_unreadable_kind(contents.view(), spec.path);
  if (sha256 != nullptr) *sha256 = hash_of(contents);
  LoadedDataset loaded = load_bytes(schema, spec, map, contents, format);
  loading::require_unchanged(contents, spec.path);
  return loaded;
}

std::string spreadsheet_safe(std::string_view cell) {
  std::string shown = visible_lines(cell);  // a line break or tab inside a quoted cell is data
  if (!shown.empty() && std::string_view("=+-@\t\r\n").find(shown.front()) != std::string_view::npos) {
    shown.insert(shown.begin(), '\'');
  }
  return shown;
}

void write_rejections_csv(const std::vector<const LoadReport*>& reports, std::ostream& out) {
  out << "dataset,file,line,column,value,reason,record\n";
  std::string line;
  // Every text cell as a spreadsheet reads it: a value that starts like a formula (=, +, -, @, tab,
  // CR) gets a ' before it, so opening the rejects in Excel never runs an export's cell.
  for (const LoadReport* report : reports) {
    for (const Rejection& rejection : report->rejections) {
      line.clear();
      append_csv_field(line, spreadsheet_safe(report->dataset));
      line.push_back(',');
      append_csv_field(line, spreadsheet_safe(report->file));
      line.push_back(',');
      // A workbook's rows are located by their cell (Toewijzingen!M48), a text file's by line.
      append_csv_field(line, spreadsheet_safe(rejection_place(rejection)));
      line.push_back(',');
      append_csv_field(line, spreadsheet_safe(rejection.column));
      line.push_back(',');
      append_csv_field(line, spreadsheet_safe(rejection.value));
      line.push_back(',');
      append_csv_field(line, spreadsheet_safe(rejection.reason));
      line.push_back(',');
      append_csv_field(line, spreadsheet_safe(rejection.record));
      line.push_back('\n');
      out << line;
    }
  }
}

}  // namespace toets
