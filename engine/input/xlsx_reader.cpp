// The xlsx reader: finds the sheet through the workbook's relationships (OPC), reads the shared
// strings, then streams the sheet's rows into RecordBuilder, the same cell checks as every reader.
//
// A workbook's parts: _rels/.rels names the workbook part (xl/workbook.xml); it lists the sheets
// by name with a relationship id, and its own relationships (xl/_rels/workbook.xml.rels) give each
// id's part (xl/worksheets/sheet1.xml) and the shared-string table (xl/sharedStrings.xml).

#include "engine/input/xlsx_reader.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "dsl/source/calendar.hpp"
#include "engine/input/input.hpp"
#include "engine/input/mapping.hpp"
#include "engine/input/xlsx_values.hpp"

namespace toets {

namespace {

using loading::closest_column;
using loading::join;
using loading::single_quoted;
using xlsx::Archive;
using xlsx::Attributes;
using xlsx::XmlHandler;

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool ends_with_type(std::string_view type, std::string_view last) {
  return type.size() > last.size() && type.ends_with(last) && type[type.size() - last.size() - 1] == '/';
}

// ---------------------------------------------------------------------------------------------
// Relationships and the workbook

struct Relationship {
  std::string id;
  std::string type;
  std::string target;  // resolved to a part name
};

// A relationship's target, relative to the folder of the part that has it, as a part name.
std::string resolve_target(std::string_view folder, std::string_view target) {
  std::string path = target.starts_with('/') ? std::string(target.substr(1)) : std::string(folder) + std::string(target);
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at <= path.size()) {
    const std::size_t end = std::min(path.find('/', at), path.size());
    const std::string piece = path.substr(at, end - at);
    if (piece == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!piece.empty() && piece != ".") {
      parts.push_back(piece);
    }
    at = end + 1;
  }
  std::string out;
  for (const std::string& piece : parts) out += (out.empty() ? "" : "/") + piece;
  return out;
}

class RelationshipsHandler : public XmlHandler {
 public:
  explicit RelationshipsHandler(std::string folder) : folder_(std::move(folder)) {}
  void start(std::string_view name, const Attributes& attributes) override {
    if (name != "Relationship") return;
    if (attributes.plain("TargetMode").value_or("") == "External") return;
    Relationship relationship;
    relationship.id = attributes.plain("Id").value_or("");
    relationship.type = attributes.plain("Type").value_or("");
    relationship.target = resolve_target(folder_, attributes.plain("Target").value_or(""));
    relationships.push_back(std::move(relationship));
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}

  std::vector<Relationship> relationships;

 private:
  std::string folder_;
};

std::string folder_of(const std::string& part) {
  const std::size_t slash = part.rfind('/');
  return slash == std::string::npos ? std::string() : part.substr(0, slash + 1);
}

// The relationships of `part` (from its _rels/NAME.rels beside it); none when it has no such part.
std::vector<Relationship> relationships_of(Archive& archive, const std::string& part) {
  const std::string folder = folder_of(part);
  const std::string rels = folder + "_rels/" + part.substr(folder.size()) + ".rels";
  if (!archive.has(rels)) return {};
  RelationshipsHandler handler(folder);
  archive.parse(rels, handler);
  return std::move(handler.relationships);
}

struct Sheet {
  std::string name;
  std::string part;   // empty when its relationship is missing
  bool worksheet = false;
};

class WorkbookHandler : public XmlHandler {
 public:
  void start(std::string_view name, const Attributes& attributes) override {
    if (name == "sheet") {
      sheets.push_back({std::string(attributes.plain("name").value_or("")),
                        std::string(attributes.namespaced("id").value_or(""))});
    } else if (name == "workbookPr") {
      const std::string_view value = attributes.plain("date1904").value_or("");
      date1904 = value == "1" || value == "true";
    }
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}

  std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
  bool date1904 = false;
};

struct Workbook {
  std::vector<Sheet> sheets;
  std::string shared_strings;  // the part; empty: none
  bool date1904 = false;
};

Workbook read_workbook(Archive& archive) {
  std::string part = "xl/workbook.xml";
  for (const Relationship& relationship : relationships_of(archive, "")) {
    if (ends_with_type(relationship.type, "officeDocument")) part = relationship.target;
  }
  if (!archive.has(part)) {
    throw DataFileError(archive.file() + ": a ZIP archive without a workbook part (" + part +
                        "): not an Excel workbook (.xlsx)");
  }
  WorkbookHandler handler;
  archive.parse(part, handler);
  std::unordered_map<std::string, const Relationship*> by_id;
  const std::vector<Relationship> relationships = relationships_of(archive, part);
  Workbook workbook;
  workbook.date1904 = handler.date1904;
  for (const Relationship& relationship : relationships) {
    by_id.emplace(relationship.id, &relationship);
    if (ends_with_type(relationship.type, "sharedStrings")) workbook.shared_strings = relationship.target;
  }
  for (auto& [name, id] : handler.sheets) {
    Sheet sheet{name, "", false};
    if (const auto found = by_id.find(id); found != by_id.end()) {
      sheet.part = found->second->target;
      sheet.worksheet = ends_with_type(found->second->type, "worksheet");
    }
    workbook.sheets.push_back(std::move(sheet));
  }
  return workbook;
}

const Sheet& choose_sheet(const Workbook& workbook, const std::string& wanted, const std::string& file) {
  std::vector<std::string> names;
  for (const Sheet& sheet : workbook.sheets) names.push_back(single_quoted(sheet.name));
  const Sheet* chosen = nullptr;
  if (wanted.empty()) {
    for (const Sheet& sheet : workbook.sheets) {
      if (sheet.worksheet && chosen == nullptr) chosen = &sheet;
    }
    if (chosen == nullptr) throw DataFileError(file + ": the workbook has no sheet of rows (only charts or none)");
  } else {
    for (const Sheet& sheet : workbook.sheets) {
      if (sheet.name == wanted) chosen = &sheet;
    }
    for (const Sheet& sheet : workbook.sheets) {
      if (chosen == nullptr && CaseFoldEqual{}(sheet.name, wanted)) chosen = &sheet;
    }
    if (chosen == nullptr) {
      throw DataFileError(file + ": no sheet " + single_quoted(wanted) + " in the workbook (its sheets: " +
                          join(names) + ")");
    }
    if (!chosen->worksheet) {
      throw DataFileError(file + ": sheet " + single_quoted(chosen->name) + " is not a sheet of rows (a chart?)");
    }
  }
  if (chosen->part.empty()) {
    throw DataFileError(file + ": sheet " + single_quoted(chosen->name) + " has no part in the workbook");
  }
  return *chosen;
}

// ---------------------------------------------------------------------------------------------
// Shared strings

class SharedStringsHandler : public XmlHandler {
 public:
  SharedStringsHandler(std::vector<std::string>& strings, std::size_t limit, const std::string& file)
      : strings_(strings), limit_(limit), file_(file) {}
  void start(std::string_view name, const Attributes&) override {
    if (name == "si") {
      current_.clear();
      in_item_ = true;
    } else if (name == "rPh") {
      ++in_phonetic_;  // the reading of East Asian text, not the text
    } else if (name == "t") {
      in_text_ = in_item_ && in_phonetic_ == 0;
    }
  }
  void end(std::string_view name) override {
    if (name == "si") {
      if (strings_.size() >= limit_) {
        throw DataFileError(file_ + ": the workbook has more than " + std::to_string(limit_) +
                            " shared strings, the most it may have");
      }
      strings_.push_back(xlsx::decode_escapes(current_));
      in_item_ = false;
    } else if (name == "rPh") {
      --in_phonetic_;
    } else if (name == "t") {
      in_text_ = false;
    }
  }
  void text(std::string_view text) override {
    if (in_text_) current_.append(text);
  }

 private:
  std::vector<std::string>& strings_;
  std::size_t limit_;
  const std::string& file_;
  std::string current_;
  bool in_item_ = false;
  bool in_text_ = false;
  int in_phonetic_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The sheet's rows

enum class CellKind : std::uint8_t { Empty, String, Shared, Number, Bool, Error, IsoDate, Uncomputed };

struct RawCell {
  std::uint32_t column = 0;
  CellKind kind = CellKind::Empty;
  std::string own;                      // the value as written (or the inline string)
  const std::string* shared = nullptr;  // a shared string
  std::string_view value() const { return shared != nullptr ? std::string_view(*shared) : std::string_view(own); }
};

// What a row's cells say, for the header or as the record a rejection keeps.
std::string display_text(const RawCell& cell) {
  switch (cell.kind) {
    case CellKind::String:
    case CellKind::Shared:
      return std::string(trim_blanks(cell.value()));
    case CellKind::Number:
      return xlsx::number_text(cell.value()).value_or(std::string(cell.value()));
    case CellKind::Bool:
      return cell.value() == "1" ? "TRUE" : "FALSE";
    case CellKind::Empty:
    case CellKind::Uncomputed:
      return "";
    case CellKind::Error:
    case CellKind::IsoDate:
      return std::string(cell.value());
  }
  return "";
}

// Stops the parse once the header is read (read_xlsx_header).
struct HeaderRead {};

class SheetReader : public XmlHandler {
 public:
  SheetReader(const std::string& file, const std::string& sheet, const std::vector<std::string>& strings,
              bool date1904)
      : file_(file), sheet_(sheet), strings_(strings), date1904_(date1904) {}

  // Load mode: the rows go to `builder`; without one only the header is read.
  void load_into(const DatasetSchema& schema, const ColumnMapping* mapping, LoadedDataset& out, RecordBuilder& builder) {
    schema_ = &schema;
    mapping_ = mapping;
    out_ = &out;
    builder_ = &builder;
    converted_.resize(schema.columns.size());
  }
  const std::vector<std::string>& header() const { return header_; }
  bool header_found() const { return header_found_; }

  void start(std::string_view name, const Attributes& attributes) override {
    if (name == "sheetData") {
      in_data_ = true;
    } else if (!in_data_) {
      return;
    } else if (name == "row") {
      start_row(attributes);
    } else if (name == "c") {
      start_cell(attributes);
    } else if (name == "v") {
      in_value_ = in_cell_;
      has_value_ = has_value_ || in_cell_;
    } else if (name == "f") {
      has_formula_ = in_cell_;
    } else if (name == "rPh") {
      ++in_phonetic_;
    } else if (name == "t") {
      in_value_ = in_cell_ && in_phonetic_ == 0 && cell_.kind == CellKind::String;
      has_value_ = has_value_ || in_value_;
    }
  }

  void end(std::string_view name) override {
    if (!in_data_) return;
    if (name == "sheetData") {
      in_data_ = false;
    } else if (name == "v" || name == "t") {
      in_value_ = false;
    } else if (name == "rPh") {
      --in_phonetic_;
    } else if (name == "c") {
      if (in_cell_) end_cell();
    } else if (name == "row") {
      if (in_row_) end_row();
      in_row_ = false;
    }
  }

  void text(std::string_view text) override {
    if (!in_value_) return;
    if (cell_.own.size() + text.size() > kMaxRecordBytes) {
      fail_at(cell_name(), "the cell holds more than " + std::to_string(kMaxRecordBytes) + " bytes");
    }
    cell_.own.append(text);
  }

  // Notes for the load report once the sheet is read.
  void finish() {
    if (!header_found_) {
      throw DataFileError(file_ + ": sheet " + single_quoted(sheet_) + " is empty; expected a header row naming the " +
                          (schema_ != nullptr ? schema_->name + " " : std::string()) + "columns");
    }
    if (out_ != nullptr && beyond_header_) {
      out_->report.notes.push_back("cells right of the header (column " + xlsx::column_letters(static_cast<std::uint32_t>(header_.size())) +
                                   " and beyond) are ignored: their column has no name");
    }
  }

 private:
  [[noreturn]] void fail_at(const std::string& where, const std::string& message) const {
    throw DataFileError(file_ + ":" + where + ": " + message);
  }
  std::string cell_name() const {
    return xlsx::sheet_reference(sheet_) + "!" + xlsx::column_letters(cell_.column) + std::to_string(row_);
  }
  std::string row_name(std::uint32_t row) const { return xlsx::sheet_reference(sheet_) + "!" + std::to_string(row) + ":" + std::to_string(row); }

  void start_row(const Attributes& attributes) {
    if (in_row_) fail_at(row_name(row_), "a row inside another row");
    in_row_ = true;
    std::uint32_t row = last_row_ + 1;
    if (const auto written = attributes.plain("r")) {
      const auto parsed = xlsx::parse_cell_ref("A" + std::string(*written));
      if (!parsed) fail_at(row_name(last_row_ + 1), "row number " + single_quoted(*written) + " is not a row of a sheet");
      row = parsed->row;
    }
    if (row <= last_row_ || row > xlsx::kMaxRows) {
      fail_at(row_name(row), "row " + std::to_string(row) + " comes after row " + std::to_string(last_row_) +
                                 " (rows must be in order)");
    }
    row_ = row;
    cells_used_ = 0;
    next_column_ = 0;
  }

  void start_cell(const Attributes& attributes) {
    // Cells in ascending order inside a row: what the header and the records are read by.
    if (!in_row_) fail_at(xlsx::sheet_reference(sheet_), "a cell outside any row");
    if (in_cell_) fail_at(cell_name(), "a cell inside another cell");
    std::uint32_t column = next_column_;
    if (const auto written = attributes.plain("r")) {
      const auto parsed = xlsx::parse_cell_ref(*written);
      if (!parsed || parsed->row != row_) {
        fail_at(row_name(row_), "cell reference " + single_quoted(*written) + " is not a cell of row " + std::to_string(row_));
      }
      column = parsed->column;
    }
    if (column < next_column_ || column >= xlsx::kMaxColumns) {
      fail_at(row_name(row_), "cell " + xlsx::column_letters(column) + std::to_string(row_) +
                                  " is out of order in its row (or beyond column XFD)");
    }
    next_column_ = column + 1;
    in_cell_ = true;
    has_value_ = false;
    has_formula_ = false;
    cell_.column = column;
    cell_.own.clear();
    cell_.shared = nullptr;
    const std::string_view type = attributes.plain("t").value_or("n");
    cell_.kind = type == "s"                           ? CellKind::Shared
                 : type == "inlineStr" || type == "str" ? CellKind::String
                 : type == "b"                          ? CellKind::Bool
                 : type == "e"                          ? CellKind::Error
                 : type == "d"                          ? CellKind::IsoDate
                                                        : CellKind::Number;
  }

  void end_cell() {
    in_cell_ = false;
    if (!has_value_) {
      cell_.kind = has_formula_ ? CellKind::Uncomputed : CellKind::Empty;
    } else if (cell_.kind == CellKind::Shared) {
      std::uint64_t index = 0;
      const std::string_view digits = trim_blanks(cell_.own);
      bool valid = !digits.empty() && digits.size() < 12;
      for (const char c : digits) {
        valid = valid && c >= '0' && c <= '9';
        if (valid) index = index * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (!valid || index >= strings_.size()) {
        fail_at(cell_name(), "refers to shared string " + single_quoted(digits) + ", but the workbook has " +
                                 std::to_string(strings_.size()));
      }
      cell_.shared = &strings_[index];
    } else if (cell_.kind == CellKind::String) {
      cell_.own = xlsx::decode_escapes(cell_.own);
    } else if (cell_.kind != CellKind::Empty) {
      cell_.own = std::string(trim_blanks(cell_.own));
    }
    if (cell_.kind == CellKind::Empty || ((cell_.kind == CellKind::String || cell_.kind == CellKind::Shared) &&
                                          trim_blanks(cell_.value()).empty())) {
      return;  // an empty cell is a missing value
    }
    if (cells_used_ == cells_.size()) cells_.emplace_back();
    std::swap(cells_[cells_used_], cell_);
    ++cells_used_;
  }

  void end_row() {
    last_row_ = row_;
    if (!header_found_) {
      if (cells_used_ > 0) read_header();
      return;
    }
    bool any = false;
    for (std::size_t i = 0; i < cells_used_; ++i) {
      if (cells_[i].column < header_.size()) {
        any = true;
      } else {
        beyond_header_ = true;
      }
    }
    if (any) read_record();
  }

  void read_header() {
    header_found_ = true;
    header_row_ = row_;
    const std::uint32_t width = cells_[cells_used_ - 1].column + 1;
    if (width > kMaxColumns) {
      fail_at(row_name(row_), "the header has " + std::to_string(width) + " columns; at most " +
                                  std::to_string(kMaxColumns) + " are allowed");
    }
    header_.assign(width, "");
    for (std::size_t i = 0; i < cells_used_; ++i) header_[cells_[i].column] = display_text(cells_[i]);
    if (builder_ == nullptr) throw HeaderRead{};
    map_columns();
  }

  // As the CSV reader maps its header: names through the mapping, then the canonical names in any case.
  void map_columns() {
    const DatasetSchema& schema = *schema_;
    std::unordered_map<std::string_view, std::size_t> first_field;
    field_of_column_.assign(schema.columns.size(), -1);
    column_of_field_.assign(header_.size(), -1);
    std::vector<std::string_view> unknown;
    for (std::size_t field = 0; field < header_.size(); ++field) {
      const std::string_view name = header_[field];
      const std::string letter = xlsx::column_letters(static_cast<std::uint32_t>(field));
      if (name.empty()) {
        out_->report.notes.push_back("column " + letter + " has no name; ignored");
        continue;
      }
      const auto [seen, inserted] = first_field.emplace(name, field);
      if (!inserted) {
        fail_at(row_name(row_), "duplicate column " + single_quoted(name) + " in the header (columns " +
                                    xlsx::column_letters(static_cast<std::uint32_t>(seen->second)) + " and " + letter + ")");
      }
      const MappedName meaning = resolve_name(schema, mapping_, name, true);
      if (meaning.kind == MappedName::Kind::Ignored) continue;
      if (meaning.kind == MappedName::Kind::Unknown) {
        unknown.push_back(name);
        std::string note = "column " + single_quoted(name) + " is not part of " + schema.name;
        if (mapping_ != nullptr) note += " and the mapping " + mapping_->file + " does not map it";
        note += "; ignored";
        if (const auto close = closest_column(schema, name)) note += " (did you mean '" + *close + "'?)";
        out_->report.notes.push_back(std::move(note));
        continue;
      }
      std::int32_t& assigned = field_of_column_[meaning.column];
      if (assigned >= 0) {
        fail_at(row_name(row_), "columns " + single_quoted(header_[static_cast<std::size_t>(assigned)]) + " and " +
                                    single_quoted(name) + " both give " + schema.columns[meaning.column].name +
                                    "; keep one of them");
      }
      assigned = static_cast<std::int32_t>(field);
      column_of_field_[field] = static_cast<std::int32_t>(meaning.column);
    }
    std::vector<std::string> missing;
    std::vector<std::string> required;
    for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
      const ColumnSchema& column = schema.columns[c];
      const std::int32_t field = field_of_column_[c];
      builder_->describe_column(c, field >= 0 ? header_[static_cast<std::size_t>(field)] : column.name,
                                mapping_ != nullptr ? mapping_->values_of(c) : nullptr);
      if (!column.required) continue;
      required.push_back(column.name);
      if (field < 0) missing.push_back("'" + column.name + "'");
    }
    if (missing.empty()) return;
    std::string message = missing.size() == 1 ? "missing required column " : "missing required columns ";
    message += join(missing) + " (the " + schema.name + " sheet must have: " + join(required) + ")";
    for (const std::string_view name : unknown) {
      for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
        if (field_of_column_[c] < 0 && loading::looks_like_misspelling(name, schema.columns[c].name)) {
          message += "; is " + single_quoted(name) + " a misspelling of '" + schema.columns[c].name + "'?";
        }
      }
    }
    if (mapping_ != nullptr && !unknown.empty()) {
      std::vector<std::string> names;
      for (const std::string_view name : unknown) names.push_back(single_quoted(name));
      message += "; the mapping " + mapping_->file + " does not map these columns of the sheet: " + join(names);
    }
    fail_at(row_name(header_row_), message);
  }

  struct Problem {
    std::uint32_t column = 0;
    std::string value;
    std::string reason;
  };

  // One cell into the builder as the CSV reader would hand it over, or why it cannot be read.
  std::optional<Problem> convert(const RawCell& cell, std::uint32_t c) {
    const ColumnSchema& column = schema_->columns[c];
    std::string& text = converted_[c];
    switch (cell.kind) {
      case CellKind::Empty:
        return std::nullopt;
      case CellKind::Uncomputed:
        return Problem{c, "", "holds a formula whose value was never computed (the program that wrote the workbook "
                              "does not calculate; open and save it in a spreadsheet program, or paste the values)"};
      case CellKind::Error:
        return Problem{c, std::string(cell.value()), "holds the spreadsheet error " + std::string(cell.value())};
      case CellKind::String:
      case CellKind::Shared: {
        const std::string_view value = trim_blanks(cell.value());
        if (value.size() > kMaxFieldBytes) {
          return Problem{c, std::string(value.substr(0, 200)),
                         "the cell is " + std::to_string(value.size()) + " bytes long; at most " +
                             std::to_string(kMaxFieldBytes) + " are allowed"};
        }
        builder_->set(c, value);
        return std::nullopt;
      }
      case CellKind::IsoDate: {
        const std::string_view value = cell.value();
        text = column.type == ValueType::Date ? std::string(value.substr(0, value.find('T'))) : std::string(value);
        builder_->set(c, text);
        return std::nullopt;
      }
      case CellKind::Bool:
        if (cell.value() != "0" && cell.value() != "1") {
          return Problem{c, std::string(cell.value()), "a boolean cell holds " + single_quoted(cell.value()) +
                                                           ", not 0 or 1"};
        }
        builder_->set(c, cell.value() == "1" ? "true" : "false", CellOrigin::JsonBool);
        return std::nullopt;
      case CellKind::Number:
        break;
    }
    const std::optional<std::string> number = xlsx::number_text(cell.value());
    if (!number) return Problem{c, std::string(cell.value()), "a number cell holds " + single_quoted(cell.value()) + ", not a number"};
    text = *number;
    switch (column.type) {
      case ValueType::Date: {
        const xlsx::SerialDate date = xlsx::serial_date(*number, date1904_);
        if (!date.days) return Problem{c, *number, date.problem + " (expected a date)"};
        text = format_date(*date.days);
        builder_->set(c, text);
        return std::nullopt;
      }
      case ValueType::Money:
      case ValueType::Int:
      case ValueType::Bool:
        builder_->set(c, text, CellOrigin::JsonNumber);
        return std::nullopt;
      case ValueType::Text:
        // An id's digits as Excel shows them; a fraction or more digits than Excel keeps are the
        // raw text, which the id check refuses (a spreadsheet has lost its digits).
        if (column.text_storage == TextStorage::Raw &&
            (text.find('.') != std::string::npos || text.size() > 15 + (text.front() == '-' ? 1 : 0))) {
          text = cell.value();
          builder_->set(c, text, CellOrigin::JsonNumber);
          return std::nullopt;
        }
        builder_->set(c, text);
        return std::nullopt;
      default:
        builder_->set(c, text);
        return std::nullopt;
    }
  }

  void read_record() {
    // The record as read, as a CSV line of the header's columns, for a rejects file.
    record_.clear();
    std::size_t next_cell = 0;
    for (std::size_t field = 0; field < header_.size(); ++field) {
      if (field > 0) record_.push_back(',');
      if (next_cell < cells_used_ && cells_[next_cell].column == field) {
        append_csv_field(record_, display_text(cells_[next_cell++]));
      }
    }

    builder_->start();
    std::optional<Problem> problem;
    for (std::size_t i = 0; i < cells_used_; ++i) {
      const RawCell& cell = cells_[i];
      if (cell.column >= header_.size() || column_of_field_[cell.column] < 0) continue;
      const auto c = static_cast<std::uint32_t>(column_of_field_[cell.column]);
      if (auto found = convert(cell, c); found && (!problem || found->column < problem->column)) problem = std::move(found);
    }
    const std::size_t before = out_->report.rejections.size();
    if (problem) {
      const std::string& name = schema_->columns[problem->column].name;
      const std::int32_t field = field_of_column_[problem->column];
      std::string reason = problem->reason;
      if (header_[static_cast<std::size_t>(field)] != name) {
        reason += " (column " + single_quoted(header_[static_cast<std::size_t>(field)]) + " in the sheet)";
      }
      builder_->reject_record(row_, name, problem->value, std::move(reason), record_);
    } else {
      builder_->finish(row_, record_);
    }
    if (out_->report.rejections.size() > before) locate(out_->report.rejections.back());
  }

  // The cell a rejection is about: its column's cell in this row, or the whole row.
  void locate(Rejection& rejection) const {
    const std::string_view first = std::string_view(rejection.column).substr(0, rejection.column.find(','));
    const auto column = schema_->column_index(first);
    const std::int32_t field = column ? field_of_column_[*column] : -1;
    rejection.cell = field >= 0 ? xlsx::sheet_reference(sheet_) + "!" +
                                      xlsx::column_letters(static_cast<std::uint32_t>(field)) + std::to_string(row_)
                                : row_name(row_);
  }

  const std::string& file_;
  const std::string& sheet_;
  const std::vector<std::string>& strings_;
  bool date1904_;
  const DatasetSchema* schema_ = nullptr;
  const ColumnMapping* mapping_ = nullptr;
  LoadedDataset* out_ = nullptr;
  RecordBuilder* builder_ = nullptr;

  bool in_data_ = false;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_value_ = false;
  bool has_value_ = false;
  bool has_formula_ = false;
  int in_phonetic_ = 0;
  std::uint32_t row_ = 0;
  std::uint32_t last_row_ = 0;
  std::uint32_t next_column_ = 0;
  RawCell cell_;
  std::vector<RawCell> cells_;  // the row's cells with a value, reused from row to row
  std::size_t cells_used_ = 0;

  bool header_found_ = false;
  std::uint32_t header_row_ = 0;
  bool beyond_header_ = false;
  std::vector<std::string> header_;
  std::vector<std::int32_t> field_of_column_;
  std::vector<std::int32_t> column_of_field_;
  std::vector<std::string> converted_;  // per schema column: text made from a cell, set() points into it
  std::string record_;
};

struct OpenedSheet {
  Workbook workbook;
  const Sheet* sheet = nullptr;
  std::vector<std::string> strings;
};

OpenedSheet open_sheet(Archive& archive, const std::string& wanted) {
  OpenedSheet opened;
  opened.workbook = read_workbook(archive);
  opened.sheet = &choose_sheet(opened.workbook, wanted, archive.file());
  if (!opened.workbook.shared_strings.empty() && archive.has(opened.workbook.shared_strings)) {
    SharedStringsHandler handler(opened.strings, archive.limits().max_shared_strings, archive.file());
    archive.parse(opened.workbook.shared_strings, handler);
  }
  return opened;
}

}  // namespace

bool looks_like_xlsx(std::string_view bytes) {
  return bytes.starts_with("PK\x03\x04") && bytes.find("xl/workbook.") != std::string_view::npos;
}

LoadedDataset read_xlsx_bytes(const DatasetSchema& schema, std::string_view bytes, const std::string& name,
                              const XlsxOptions& options) {
  LoadedDataset result{Dataset(schema, options.kept_columns), LoadReport{}};
  result.report.dataset = schema.name;
  result.report.file = name;
  result.report.encoding = "utf-8";  // XML's own
  Archive archive(bytes, name, options.limits);
  const OpenedSheet opened = open_sheet(archive, options.sheet);
  const Workbook& workbook = opened.workbook;
  if (options.sheet.empty() && workbook.sheets.size() > 1) {
    std::vector<std::string> names;
    for (const Sheet& sheet : workbook.sheets) names.push_back(single_quoted(sheet.name));
    result.report.notes.push_back("read sheet " + single_quoted(opened.sheet->name) + ", the first of " + join(names) +
                                  " (--sheet NAME reads another)");
  }
  ValueForms forms;
  forms.export_forms = true;
  forms.decimal = options.decimal == DecimalMark::Point ? '.' : ',';
  RecordBuilder builder(schema, forms, result);
  SheetReader reader(name, opened.sheet->name, opened.strings, workbook.date1904);
  reader.load_into(schema, options.mapping, result, builder);
  try {
    archive.parse(opened.sheet->part, reader);
    reader.finish();
  } catch (const DataFileError& error) {
    // The sheet read was chosen, not named: say which, and how to name another.
    if (!options.sheet.empty() || workbook.sheets.size() < 2) throw;
    std::vector<std::string> names;
    for (const Sheet& sheet : workbook.sheets) names.push_back(single_quoted(sheet.name));
    throw DataFileError(std::string(error.what()) + "; this is sheet " + single_quoted(opened.sheet->name) +
                        ", the first of " + join(names) + ": --sheet NAME reads another");
  }
  result.data.set_origin(name);
  return result;
}

LoadedDataset read_xlsx_file(const DatasetSchema& schema, const std::string& path, const XlsxOptions& options) {
  const loading::FileBytes contents = loading::read_whole_file(path);
  return read_xlsx_bytes(schema, contents.view(), path, options);
}

XlsxHeader read_xlsx_header(std::string_view bytes, const std::string& name, const std::string& sheet,
                            const xlsx::Limits& limits) {
  Archive archive(bytes, name, limits);
  const OpenedSheet opened = open_sheet(archive, sheet);
  SheetReader reader(name, opened.sheet->name, opened.strings, opened.workbook.date1904);
  try {
    archive.parse(opened.sheet->part, reader);
    reader.finish();
  } catch (const HeaderRead&) {
  }
  return XlsxHeader{opened.sheet->name, reader.header()};
}

}  // namespace toets
