// The SQLite store and the SQLite table reader (docs/store.md explains the layout and the choices).
//
// SQLite is used through its C API with three small RAII wrappers: a Connection (the sqlite3*,
// here), a Statement (a prepared sqlite3_stmt*) and a Transaction (rolled back unless committed),
// the last two in engine/sqlite_statement.hpp. Every failure throws StoreError naming the file and
// quoting SQLite's message.

#include "engine/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>

#include "dsl/calendar.hpp"
#include "dsl/regular_file.hpp"
#include "engine/clock.hpp"
#include "engine/load_common.hpp"
#include "engine/report.hpp"
#include "engine/sha256.hpp"
#include "engine/sqlite_statement.hpp"

#ifndef TOETS_VERSION
#define TOETS_VERSION "unknown"
#endif

namespace toets {

std::string_view engine_version() { return TOETS_VERSION; }

namespace {

namespace fs = std::filesystem;

using sqlite::ConnectionGuard;
using sqlite::exec;
using sqlite::pragma_integer;
using sqlite::probe;
using sqlite::sqlite_failure;
using sqlite::Statement;
using sqlite::Transaction;

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  out.push_back('"');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

using loading::is_valid_utf8;
using loading::printable;
using loading::single_quoted;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string join(const std::vector<std::string>& values, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out += separator;
    out += value;
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ---------------------------------------------------------------------------------------------
// Values in their canonical text forms

// -?[0-9]+(\.[0-9]{1,2})? into cents. Returns a reason on failure.
std::optional<std::string> parse_money_text(std::string_view text, std::int64_t& out) {
  std::size_t at = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++at;
  const std::size_t whole_begin = at;
  while (at < text.size() && is_digit(text[at])) ++at;
  const std::size_t whole_end = at;
  if (whole_end == whole_begin) return "expected an amount in euros like 612.35";
  std::int64_t fraction = 0;
  if (at < text.size()) {
    if (text[at] != '.') return "expected an amount in euros like 612.35";
    const std::size_t fraction_begin = ++at;
    while (at < text.size() && is_digit(text[at])) ++at;
    if (at != text.size() || at == fraction_begin) return "expected an amount in euros like 612.35";
    if (at - fraction_begin > 2) return "expected an amount in euros with at most 2 decimals, like 612.35";
    for (std::size_t i = fraction_begin; i < at; ++i) fraction = fraction * 10 + (text[i] - '0');
    if (at - fraction_begin == 1) fraction *= 10;
  }
  constexpr std::int64_t kLargestEuros = std::numeric_limits<std::int64_t>::max() / 100 - 1;
  std::int64_t euros = 0;
  for (std::size_t i = whole_begin; i < whole_end; ++i) {
    const std::int64_t digit = text[i] - '0';
    if (euros > (kLargestEuros - digit) / 10) return "amount out of range";
    euros = euros * 10 + digit;
  }
  const std::int64_t cents = euros * 100 + fraction;
  out = negative ? -cents : cents;
  return std::nullopt;
}

// YYYY-MM-DD as days since 1970-01-01.
std::optional<std::string> parse_date_text(std::string_view text, std::int64_t& out) {
  const auto days = parse_iso_date(text);
  if (!days) {
    // Said apart, as the loaders say it: a date's shape that names no day (2026-02-30).
    const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                        std::all_of(text.begin(), text.end(), [](char c) { return c == '-' || is_digit(c); });
    return shaped ? "no such date (expected a date YYYY-MM-DD)" : "expected a date YYYY-MM-DD";
  }
  out = *days;
  return std::nullopt;
}

// A date into a fixed buffer (no allocation per row when importing).
std::string_view date_text(std::int32_t days, std::array<char, 16>& buffer) {
  const CivilDate date = civil_from_days(days);
  const int written = std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u", date.year, date.month, date.day);
  return std::string_view(buffer.data(), static_cast<std::size_t>(std::max(written, 0)));
}


std::string value_type_name(ValueType type) { return std::string(type_name(type)); }

ValueType value_type_from_name(std::string_view name) {
  for (const ValueType type : {ValueType::Int, ValueType::Money, ValueType::Date, ValueType::Bool, ValueType::Enum,
                               ValueType::Text, ValueType::Fraction}) {
    if (type_name(type) == name) return type;
  }
  return ValueType::Int;
}

Status status_from_name(std::string_view name) {
  for (const Status status : {Status::Ok, Status::Signal, Status::Breach, Status::OnTrack, Status::AtRisk,
                              Status::NoData, Status::NotEvaluated, Status::Error}) {
    if (status_name(status) == name) return status;
  }
  return Status::Error;
}

std::string mode_name(ImportMode mode) { return mode == ImportMode::Replace ? "replace" : "merge"; }

// ---------------------------------------------------------------------------------------------
// Reading a table

// string_view -> dictionary code, in front of TextDictionary (whose index needs a std::string).
struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
using CodeCache = std::unordered_map<std::string, std::int32_t, TransparentHash, std::equal_to<>>;

struct FieldPlan {
  const ColumnSchema* schema = nullptr;
  ColumnData* data = nullptr;
  int field = -1;        // result column, -1 when the table does not have it
  bool cents = false;    // money given as NAME_cents
  bool raw_text = false;
  bool dictionary_text = false;
  CodeCache cache;
  std::string last_text;
  std::int32_t last_code = -1;
  std::string scratch;   // text made from a number (an id stored as an integer)
  std::unordered_map<std::string, std::uint64_t> seen;  // unique columns: value -> line
};

struct ReaderSettings {
  std::string display;                 // the name in messages: sqlite:FILE:TABLE, or the store
  std::vector<std::string> silent;     // columns ignored without a note
  bool check_unique = true;            // the store's primary key already guarantees it
  bool content_hash = false;
  std::uint64_t expected_rows = 0;     // when known: the columns are sized once
};

// Reads one table into a LoadedDataset, validating every cell.
class TableReader {
 public:
  TableReader(sqlite3* db, const std::string& file, const DatasetSchema& schema, std::string table,
              ReaderSettings settings, SqliteLoaded& out)
      : db_(db), file_(file), schema_(schema), table_(std::move(table)), settings_(std::move(settings)), out_(out) {}

  void run() {
    std::unique_ptr<Statement> statement = prepare();
    map_columns(*statement);
    read_rows(*statement);
    if (settings_.content_hash) out_.sha256 = hash_.hex();
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { throw DataFileError(settings_.display + ": " + message); }

  // With the rowid when the table has one (rows are then numbered and ordered by it); views and
  // WITHOUT ROWID tables are read in SQLite's order, numbered from 1.
  std::unique_ptr<Statement> prepare() {
    const std::string quoted = quote_identifier(table_);
    const std::string with_rowid = "SELECT rowid, * FROM " + quoted + " ORDER BY rowid";
    sqlite3_stmt* probe = nullptr;
    const int rc = sqlite3_prepare_v2(db_, with_rowid.c_str(), -1, &probe, nullptr);
    sqlite3_finalize(probe);
    if (rc == SQLITE_OK) {
      has_rowid_ = true;
      return std::make_unique<Statement>(db_, file_, with_rowid);
    }
    return std::make_unique<Statement>(db_, file_, "SELECT * FROM " + quoted);
  }

  void map_columns(const Statement& statement) {
    const int first = has_rowid_ ? 1 : 0;
    plans_.resize(schema_.columns.size());
    for (std::uint32_t c = 0; c < schema_.columns.size(); ++c) {
      FieldPlan& plan = plans_[c];
      plan.schema = &schema_.columns[c];
      plan.data = &out_.loaded.data.column(c);
      plan.raw_text = plan.schema->type == ValueType::Text && plan.schema->text_storage == TextStorage::Raw;
      plan.dictionary_text = plan.schema->type == ValueType::Text && !plan.raw_text;
    }
    std::map<std::string, int> seen;
    for (int field = first; field < statement.columns(); ++field) {
      const std::string name = statement.name(field);
      if (!seen.emplace(name, field).second) {
        fail("duplicate column " + single_quoted(name));
      }
      std::optional<std::uint32_t> column = schema_.column_index(name);
      bool cents = false;
      if (!column && name.size() > 6 && name.ends_with("_cents")) {
        const auto base = schema_.column_index(std::string_view(name).substr(0, name.size() - 6));
        if (base && schema_.columns[*base].type == ValueType::Money) {
          column = base;
          cents = true;
        }
      }
      if (!column) {
        if (std::find(settings_.silent.begin(), settings_.silent.end(), name) == settings_.silent.end()) {
          out_.loaded.report.notes.push_back("column " + single_quoted(name) + " is not part of " + schema_.name +
                                             "; ignored");
        }
        continue;
      }
      FieldPlan& plan = plans_[*column];
      if (plan.field >= 0) {
        fail("both '" + plan.schema->name + "' and '" + plan.schema->name +
             "_cents' are given; keep one (euros or cents)");
      }
      plan.field = field;
      plan.cents = cents;
      mapped_names_.push_back(name);
    }

    std::vector<std::string> missing;
    std::vector<std::string> required;
    for (const FieldPlan& plan : plans_) {
      if (!plan.schema->required) continue;
      required.push_back(plan.schema->name);
      if (plan.field < 0) missing.push_back(single_quoted(plan.schema->name));
    }
    if (!missing.empty()) {
      fail((missing.size() == 1 ? "missing required column " : "missing required columns ") + join(missing) +
           " (the " + schema_.name + " table must have: " + join(required) + ")");
    }
    if (settings_.content_hash) {
      for (const std::string& name : mapped_names_) {
        hash_.update(name);
        hash_.update("\x1f", 1);
      }
      hash_.update("\n", 1);
    }
    numbers_.assign(plans_.size(), 0);
    texts_.assign(plans_.size(), std::string_view());
    if (settings_.expected_rows > 0) out_.loaded.data.reserve(static_cast<std::size_t>(settings_.expected_rows));
  }

  void read_rows(Statement& statement) {
    LoadReport& report = out_.loaded.report;
    std::uint64_t ordinal = 0;
    while (statement.step()) {
      ++ordinal;
      const std::uint64_t line = has_rowid_ ? static_cast<std::uint64_t>(statement.integer(0)) : ordinal;
      ++report.rows_read;
      if (settings_.content_hash) hash_row(statement);
      if (accept_row(statement, line)) {
        ++report.rows_accepted;
      } else {
        ++report.rows_rejected;
      }
    }
  }

  void hash_row(const Statement& statement) {
    for (const FieldPlan& plan : plans_) {
      if (plan.field < 0) continue;
      const int type = statement.type(plan.field);
      const auto tag = static_cast<char>('0' + type);
      hash_.update(&tag, 1);
      if (type == SQLITE_INTEGER) {
        const std::int64_t value = statement.integer(plan.field);
        hash_.update(&value, sizeof value);
      } else if (type == SQLITE_FLOAT) {
        const double value = statement.real(plan.field);
        hash_.update(&value, sizeof value);
      } else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
        const std::uint64_t size = static_cast<std::uint64_t>(statement.blob_size(plan.field));
        hash_.update(&size, sizeof size);
        if (size > 0) hash_.update(statement.blob(plan.field), size);
      }
    }
  }

  bool accept_row(const Statement& statement, std::uint64_t line) {
    for (std::size_t c = 0; c < plans_.size(); ++c) {
      if (auto reason = validate(statement, c)) {
        const FieldPlan& plan = plans_[c];
        out_.loaded.report.rejections.push_back(Rejection{line, plan.field >= 0 ? statement.name(plan.field) : plan.schema->name,
                                                          shown_value(statement, plan.field), std::move(*reason)});
        return false;
      }
    }
    if (settings_.check_unique) {
      for (FieldPlan& plan : plans_) {
        if (!plan.schema->unique) continue;
        const std::size_t c = static_cast<std::size_t>(&plan - plans_.data());
        if (texts_[c].empty()) continue;
        const auto [at, inserted] = plan.seen.emplace(std::string(texts_[c]), line);
        if (!inserted) {
          out_.loaded.report.rejections.push_back(
              Rejection{line, plan.schema->name, printable(texts_[c]),
                        "duplicate " + plan.schema->name + " " + single_quoted(texts_[c]) + " (first on row " +
                            std::to_string(at->second) + ")"});
          return false;
        }
      }
    }
    append(line);
    return true;
  }

  std::string shown_value(const Statement& statement, int field) const {
    if (field < 0) return "";
    switch (statement.type(field)) {
      case SQLITE_INTEGER: return std::to_string(statement.integer(field));
      case SQLITE_FLOAT: {
        std::array<char, 32> buffer{};
        const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), statement.real(field));
        return std::string(buffer.data(), result.ptr);
      }
      case SQLITE_TEXT: return printable(statement.text(field));
      case SQLITE_BLOB: return "(a blob of " + std::to_string(statement.blob_size(field)) + " bytes)";
      default: return "";
    }
  }

  // Checks one cell into numbers_/texts_; returns the reason when it is not acceptable.
  std::optional<std::string> validate(const Statement& statement, std::size_t c) {
    FieldPlan& plan = plans_[c];
    const ColumnSchema& column = *plan.schema;
    const int type = plan.field < 0 ? SQLITE_NULL : statement.type(plan.field);
    std::string_view text;
    if (type == SQLITE_TEXT) text = trim(statement.text(plan.field));
    texts_[c] = text;
    if (type == SQLITE_NULL || (type == SQLITE_TEXT && text.empty())) {
      texts_[c] = std::string_view();
      if (column.required) return std::string("missing required value");
      numbers_[c] = column.type == ValueType::Money ? kNull64 : kNull32;
      return std::nullopt;
    }
    if (type == SQLITE_BLOB) return "expected " + value_type_name(column.type) + ", found a blob";
    if (type == SQLITE_TEXT) {
      // The file readers' limits and refusals hold for SQLite cells too.
      if (text.size() > kMaxFieldBytes) {
        return "the field is " + std::to_string(text.size()) + " bytes long; at most " + std::to_string(kMaxFieldBytes) +
               " are allowed";
      }
      if (text.find('\0') != std::string_view::npos) return std::string("the value contains a NUL byte");
    }

    std::int64_t& number = numbers_[c];
    switch (column.type) {
      case ValueType::Int: {
        if (type == SQLITE_INTEGER) {
          number = statement.integer(plan.field);
        } else if (type == SQLITE_FLOAT) {
          const double value = statement.real(plan.field);
          if (value != std::floor(value) || std::fabs(value) > 2147483647.0) return std::string("expected a whole number");
          number = static_cast<std::int64_t>(value);
        } else {
          std::int32_t value = 0;
          const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
          if (end != text.data() + text.size()) return std::string("expected a whole number");
          if (error == std::errc::result_out_of_range) {
            return std::string("number out of range (expected a whole number of at most 10 digits)");
          }
          if (error != std::errc()) return std::string("expected a whole number");
          number = value;
        }
        if (number <= kNull32 || number > std::numeric_limits<std::int32_t>::max()) {
          return std::string("number out of range (expected a whole number of at most 10 digits)");
        }
        if (column.min_value && number < *column.min_value) {
          return "expected a whole number of at least " + std::to_string(*column.min_value);
        }
        return std::nullopt;
      }
      case ValueType::Money: {
        if (plan.cents) {
          if (type == SQLITE_INTEGER) {
            number = statement.integer(plan.field);
            if (number == kNull64) return std::string("amount out of range");
            return std::nullopt;
          }
          return std::string("expected whole cents (an integer) in ") + column.name + "_cents";
        }
        if (type == SQLITE_INTEGER) {
          const std::int64_t euros = statement.integer(plan.field);
          constexpr std::int64_t kLargest = std::numeric_limits<std::int64_t>::max() / 100 - 1;
          if (euros > kLargest || euros < -kLargest) return std::string("amount out of range");
          number = euros * 100;
          return std::nullopt;
        }
        if (type == SQLITE_FLOAT) {
          const double euros = statement.real(plan.field);
          // Beyond 2^53 cents a double no longer holds whole cents exactly.
          if (!std::isfinite(euros) || std::fabs(euros) > 9.0e13) return std::string("amount out of range");
          const double scaled = euros * 100.0;
          const double rounded = std::round(scaled);
          if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, std::fabs(scaled))) {
            return std::string("expected an amount in euros with at most 2 decimals, like 612.35");
          }
          number = static_cast<std::int64_t>(rounded);
          return std::nullopt;
        }
        return parse_money_text(text, number);
      }
      case ValueType::Date:
        if (type != SQLITE_TEXT) return std::string("expected a date YYYY-MM-DD (as text)");
        return parse_date_text(text, number);
      case ValueType::Bool:
        if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
          const double value = type == SQLITE_INTEGER ? static_cast<double>(statement.integer(plan.field))
                                                      : statement.real(plan.field);
          if (value != 0.0 && value != 1.0) return std::string("expected true or false (or 1 or 0)");
          number = value != 0.0 ? 1 : 0;
          return std::nullopt;
        }
        if (text == "true" || text == "1") {
          number = 1;
        } else if (text == "false" || text == "0") {
          number = 0;
        } else {
          return std::string("expected true or false");
        }
        return std::nullopt;
      case ValueType::Enum: {
        const auto index = type == SQLITE_TEXT ? column.enum_index(text) : std::nullopt;
        if (!index) {
          return "unknown " + column.name + " '" + shown_value(statement, plan.field) + "' (expected one of " +
                 join(column.enum_values) + ")";
        }
        number = *index;
        return std::nullopt;
      }
      case ValueType::Text:
        if (type == SQLITE_INTEGER) {
          plan.scratch = std::to_string(statement.integer(plan.field));
          texts_[c] = plan.scratch;
          return std::nullopt;
        }
        if (type == SQLITE_FLOAT) return std::string("expected text, found a real number");
        if (!is_valid_utf8(text)) return std::string("not valid UTF-8");
        return std::nullopt;
      case ValueType::Fraction:
        return std::string("a percentage cannot be a column");
    }
    return std::nullopt;
  }

  void append(std::uint64_t line) {
    for (std::size_t c = 0; c < plans_.size(); ++c) {
      FieldPlan& plan = plans_[c];
      ColumnData& data = *plan.data;
      if (plan.raw_text) {
        data.raw.append(texts_[c]);
        data.raw_offsets.push_back(data.raw.size());
      } else if (plan.dictionary_text) {
        data.values.push_back(texts_[c].empty() ? kNull32 : dictionary_code(plan, texts_[c]));
      } else if (plan.schema->type == ValueType::Money) {
        data.cents.push_back(numbers_[c]);
      } else {
        data.push_value(static_cast<std::int32_t>(numbers_[c]));
      }
    }
    out_.loaded.data.commit_row(line);
  }

  std::int32_t dictionary_code(FieldPlan& plan, std::string_view text) {
    if (plan.last_code >= 0 && text == plan.last_text) return plan.last_code;
    std::int32_t code = 0;
    if (const auto found = plan.cache.find(text); found != plan.cache.end()) {
      code = found->second;
    } else {
      code = plan.data->dictionary.intern(text);
      plan.cache.emplace(std::string(text), code);
    }
    plan.last_text.assign(text);
    plan.last_code = code;
    return code;
  }

  sqlite3* db_;
  const std::string& file_;
  const DatasetSchema& schema_;
  std::string table_;
  ReaderSettings settings_;
  SqliteLoaded& out_;
  bool has_rowid_ = false;
  std::vector<FieldPlan> plans_;
  std::vector<std::string> mapped_names_;
  std::vector<std::int64_t> numbers_;
  std::vector<std::string_view> texts_;
  Sha256 hash_;
};

// ---------------------------------------------------------------------------------------------
// The store's layout

// The record key of each kind: a later import replaces the record with the same key.
std::vector<std::uint32_t> record_key(const DatasetSchema& schema) {
  if (schema.snapshot_column) return {schema.id_column, *schema.snapshot_column};  // stock
  std::vector<std::uint32_t> key;
  for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
    if (schema.columns[c].unique) key.push_back(c);
  }
  if (key.empty()) throw std::logic_error("dataset " + schema.name + " has no record key");
  return key;
}

std::string stored_name(const ColumnSchema& column) {
  return column.type == ValueType::Money ? column.name + "_cents" : column.name;
}

std::string column_definition(const ColumnSchema& column) {
  const bool text = column.type == ValueType::Text || column.type == ValueType::Date || column.type == ValueType::Enum;
  std::string sql = quote_identifier(stored_name(column)) + (text ? " TEXT" : " INTEGER");
  if (column.required) sql += " NOT NULL";
  if (column.type == ValueType::Bool) sql += " CHECK (" + quote_identifier(column.name) + " IN (0, 1))";
  return sql;
}

std::string kind_table_ddl(const DatasetSchema& schema) {
  std::string sql = "CREATE TABLE " + quote_identifier(schema.name) + " (\n";
  for (const ColumnSchema& column : schema.columns) sql += "  " + column_definition(column) + ",\n";
  sql += "  import_id INTEGER NOT NULL REFERENCES imports(id),\n";
  sql += "  source_line INTEGER NOT NULL,\n  PRIMARY KEY (";
  bool first = true;
  for (const std::uint32_t c : record_key(schema)) {
    sql += (first ? "" : ", ") + quote_identifier(schema.columns[c].name);
    first = false;
  }
  sql += ")\n);\n";
  sql += "CREATE INDEX " + quote_identifier(schema.name + "_import") + " ON " + quote_identifier(schema.name) +
         " (import_id);\n";
  return sql;
}

constexpr const char* kFixedDdl = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  imported_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('merge', 'replace')),
  rows_read INTEGER NOT NULL,
  rows_accepted INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rows_new INTEGER NOT NULL,
  rows_replaced INTEGER NOT NULL,
  live_rows INTEGER NOT NULL,
  notes TEXT NOT NULL,
  engine_version TEXT NOT NULL
);
CREATE INDEX imports_content ON imports (kind, sha256, id);
CREATE TABLE import_rejections (
  import_id INTEGER NOT NULL REFERENCES imports(id),
  seq INTEGER NOT NULL,
  line INTEGER NOT NULL,
  column_name TEXT NOT NULL,
  value TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (import_id, seq)
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  recorded_at TEXT NOT NULL,
  as_of TEXT NOT NULL,
  ruleset_id TEXT NOT NULL,
  ruleset_title TEXT NOT NULL,
  ruleset_file TEXT NOT NULL,
  ruleset_sha256 TEXT NOT NULL,
  engine_version TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX runs_ruleset ON runs (ruleset_id, id);
CREATE TABLE run_inputs (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  imports TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_accepted INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  used INTEGER NOT NULL CHECK (used IN (0, 1)),
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE run_results (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  seq INTEGER NOT NULL,
  rule TEXT NOT NULL,
  rule_title TEXT NOT NULL,
  ruleset TEXT NOT NULL,
  dataset TEXT NOT NULL,
  group_json TEXT NOT NULL,
  group_text TEXT NOT NULL,
  status TEXT NOT NULL,
  unit TEXT NOT NULL,
  measure_num INTEGER,
  measure_den INTEGER,
  measure_text TEXT NOT NULL,
  numerator INTEGER,
  denominator INTEGER,
  records INTEGER NOT NULL,
  threshold_status TEXT NOT NULL,
  threshold_op TEXT NOT NULL,
  threshold_num INTEGER,
  threshold_den INTEGER,
  threshold_text TEXT NOT NULL,
  evidence_count INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  remedy_text TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX run_results_key ON run_results (rule, group_json, run_id);
)sql";

// Inside a write transaction: creates the layout in a new (empty) store; adds optional columns a
// newer engine knows to an older store's kind tables.
void ensure_layout(sqlite3* db, const std::string& file) {
  if (pragma_integer(db, file, "PRAGMA user_version") == 0) {
    std::string ddl = kFixedDdl;
    for (const DatasetSchema& schema : dataset_schemas()) ddl += kind_table_ddl(schema);
    ddl += "PRAGMA application_id = " + std::to_string(kStoreApplicationId) + ";\n";
    ddl += "PRAGMA user_version = " + std::to_string(kStoreSchemaVersion) + ";\n";
    exec(db, file, ddl.c_str());
    Statement meta(db, file, "INSERT INTO meta (key, value) VALUES ('created_by', ?1)");
    meta.bind_copy(1, "toets " + std::string(engine_version()));
    meta.run();
    return;
  }
  for (const DatasetSchema& schema : dataset_schemas()) {
    Statement info(db, file, "SELECT name FROM pragma_table_info(?1)");
    info.bind(1, std::string_view(schema.name));
    std::set<std::string> present;
    while (info.step()) present.insert(info.string(0));
    if (present.empty()) {
      exec(db, file, kind_table_ddl(schema).c_str());
      continue;
    }
    for (const ColumnSchema& column : schema.columns) {
      if (present.count(stored_name(column)) > 0) continue;
      if (column.required) {
        throw StoreError(file + ": the store's " + schema.name + " table has no column " + stored_name(column) +
                         "; it was written by another version of toets");
      }
      const std::string sql = "ALTER TABLE " + quote_identifier(schema.name) + " ADD COLUMN " + column_definition(column);
      exec(db, file, sql.c_str());
    }
  }
}

bool has_layout(sqlite3* db, const std::string& file) {
  return pragma_integer(db, file, "PRAGMA user_version") > 0;
}

// The imports of one kind, oldest first.
struct KindImport {
  std::int64_t id = 0;
  std::string source;
  std::string sha256;
  std::string mode;
  std::uint64_t live_rows = 0;
};

std::vector<KindImport> kind_imports(sqlite3* db, const std::string& file, const std::string& kind) {
  Statement statement(db, file, "SELECT id, source, sha256, mode, live_rows FROM imports WHERE kind = ?1 ORDER BY id");
  statement.bind(1, std::string_view(kind));
  std::vector<KindImport> out;
  while (statement.step()) {
    out.push_back(KindImport{statement.integer(0), statement.string(1), statement.string(2), statement.string(3),
                             static_cast<std::uint64_t>(statement.integer(4))});
  }
  return out;
}

// What a kind's rows are: the imports since the last `replace`, replayed in order, determine them.
std::string state_sha256(const std::vector<KindImport>& imports) {
  std::size_t from = 0;
  for (std::size_t i = 0; i < imports.size(); ++i) {
    if (imports[i].mode == "replace") from = i;
  }
  Sha256 hash;
  for (std::size_t i = from; i < imports.size(); ++i) {
    hash.update(std::to_string(imports[i].id) + " " + imports[i].mode + " " + imports[i].sha256 + "\n");
  }
  return hash.hex();
}

std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::int64_t> parse_id_list(std::string_view text) {
  std::vector<std::int64_t> ids;
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return ids;
  for (const auto& id : parsed) {
    if (id.is_number_integer()) ids.push_back(id.get<std::int64_t>());
  }
  return ids;
}

std::vector<std::string> parse_text_list(std::string_view text) {
  std::vector<std::string> out;
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<Ratio> ratio_columns(const Statement& statement, int numerator, int denominator) {
  if (statement.is_null(numerator) || statement.is_null(denominator)) return std::nullopt;
  return Ratio{statement.integer(numerator), statement.integer(denominator)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Small public helpers

std::string ruleset_sha256(const CompiledRuleSet& rules) {
  Sha256 hash;
  for (const auto& source : rules.sources) {
    hash.update(std::to_string(source->text().size()) + "\n");
    hash.update(source->text());
  }
  return hash.hex();
}

std::string file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StoreError(path + ": cannot open to hash it");
  Sha256 hash;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw StoreError(path + ": cannot read to hash it");
  return hash.hex();
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(current_time());  // TOETS_NOW pins it
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  const std::size_t size = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(buffer, size);
}

std::string group_json(const std::vector<GroupField>& group) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const GroupField& field : group) {
    if (field.number) out[field.name] = *field.number;
    else if (field.text) out[field.name] = *field.text;
    else out[field.name] = nullptr;
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------------------------
// SQLite tables as input

std::optional<SqliteTableSpec> parse_sqlite_spec(std::string_view spec, std::string& error) {
  constexpr std::string_view kPrefix = "sqlite:";
  if (!spec.starts_with(kPrefix)) return std::nullopt;
  const std::string_view rest = spec.substr(kPrefix.size());
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    error = single_quoted(spec) + ": expected sqlite:FILE:TABLE";
    return std::nullopt;
  }
  return SqliteTableSpec{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
}

SqliteLoaded read_sqlite_table(const DatasetSchema& schema, const SqliteTableSpec& spec,
                               const SqliteReadOptions& options) {
  const std::string display = "sqlite:" + spec.file + ":" + spec.table;
  std::error_code ignored;
  if (!fs::exists(spec.file, ignored)) throw DataFileError(spec.file + ": cannot open: no such file");
  if (fs::is_directory(spec.file, ignored)) throw DataFileError(spec.file + ": cannot read: it is a directory");
  // A FIFO would hang SQLite's open; a device reads as an empty database.
  if (const auto problem = regular_file_problem(spec.file)) throw DataFileError(spec.file + ": " + *problem);

  ConnectionGuard connection;
  if (sqlite3_open_v2(spec.file.c_str(), &connection.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite_failure(connection.db, spec.file, "cannot open");
  }
  sqlite3_extended_result_codes(connection.db, 1);
  sqlite3_busy_timeout(connection.db, kBusyTimeoutMs);
  const int rc = probe(connection.db);
  if (rc == SQLITE_NOTADB) throw DataFileError(spec.file + ": not an SQLite database");
  if (rc == SQLITE_READONLY_ROLLBACK) {
    throw DataFileError(spec.file + ": an interrupted write left a journal beside it; open it once for writing "
                        "(e.g. with sqlite3) to roll that back");
  }
  if (rc != SQLITE_OK) sqlite_failure(connection.db, spec.file, "cannot read");

  {
    Statement find(connection.db, spec.file,
                   "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?1");
    find.bind(1, std::string_view(spec.table));
    if (!find.step()) {
      std::vector<std::string> names;
      Statement all(connection.db, spec.file,
                    "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY name");
      while (all.step()) names.push_back(single_quoted(all.text(0)));
      throw DataFileError(spec.file + ": no table " + single_quoted(spec.table) +
                          (names.empty() ? " (the database has no tables)" : " (it has " + join(names) + ")"));
    }
  }

  SqliteLoaded out{LoadedDataset{Dataset(schema), LoadReport{}}, {}};
  out.loaded.report.dataset = schema.name;
  out.loaded.report.file = display;
  ReaderSettings settings;
  settings.display = display;
  settings.silent = options.silent_columns;
  settings.content_hash = options.content_hash;
  Transaction snapshot(connection.db, spec.file, Transaction::Kind::Read);
  TableReader(connection.db, spec.file, schema, spec.table, settings, out).run();
  snapshot.commit();
  return out;
}

// ---------------------------------------------------------------------------------------------
// The store

std::vector<ImportOutcome> Store::import_transaction(const std::vector<ImportRequest>& requests, ImportMode mode,
                                                     const std::string& now) {
  if (access_ == StoreAccess::ReadOnly) throw StoreError(path_ + ": opened read-only; cannot import");
  std::vector<ImportOutcome> outcomes;
  Transaction transaction(db_, path_, Transaction::Kind::Write);
  ensure_layout(db_, path_);

  for (const ImportRequest& request : requests) {
    const DatasetSchema& schema = *request.schema;
    LoadedDataset& loaded = *request.data;
    ImportOutcome outcome;
    outcome.kind = schema.name;
    outcome.source = request.source;
    outcome.sha256 = request.sha256;
    outcome.rows_read = loaded.report.rows_read;

    // The same content imported before is skipped when importing it again would change nothing:
    // no later import of the kind has replaced a record since (merge), or it is still the whole
    // of the kind (replace). Otherwise it is imported again, and the last import wins as always.
    if (const auto earlier = earlier_import(schema.name, request.sha256, mode)) {
      outcome.earlier_import = earlier->id;
      outcome.earlier_time = earlier->imported_at;
      outcome.earlier_source = earlier->source;
      if (earlier->current) {
        outcome.skipped = true;
        outcome.import_id = earlier->id;
        outcomes.push_back(std::move(outcome));
        continue;
      }
    }

    const std::string table = quote_identifier(schema.name);
    const auto count_rows = [&] {
      Statement count(db_, path_, "SELECT count(*) FROM " + table);
      return count.step() ? static_cast<std::uint64_t>(count.integer(0)) : 0;
    };
    const std::uint64_t before = count_rows();
    if (mode == ImportMode::Replace) exec(db_, path_, ("DELETE FROM " + table).c_str());

    {
      Statement insert(db_, path_,
                       "INSERT INTO imports (imported_at, kind, source, sha256, mode, rows_read, rows_accepted, "
                       "rows_rejected, rows_new, rows_replaced, live_rows, notes, engine_version) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, 0, 0, 0, '[]', ?6)");
      insert.bind(1, std::string_view(now));
      insert.bind(2, std::string_view(schema.name));
      insert.bind(3, std::string_view(request.source));
      insert.bind(4, std::string_view(request.sha256));
      const std::string mode_text = mode_name(mode);
      insert.bind(5, std::string_view(mode_text));
      insert.bind(6, engine_version());
      insert.run();
    }
    const std::int64_t import_id = sqlite3_last_insert_rowid(db_);
    outcome.import_id = import_id;

    // The rows: an upsert on the record key. A record the store holds with other values is
    // replaced (and moves to this import); one it holds with the same values stays as it is (it
    // still comes from the import that brought it). When the upsert changes nothing, the key is
    // looked up: held by this very import, it is a duplicate in the file itself, and the first
    // one stays while the later is rejected.
    const std::vector<std::uint32_t> key = record_key(schema);
    std::string sql = "INSERT INTO " + table + " (";
    std::string values;
    std::string updates;
    std::string differs;
    int parameter = 0;
    for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
      const std::string name = quote_identifier(stored_name(schema.columns[c]));
      sql += name + ", ";
      values += "?" + std::to_string(++parameter) + ", ";
      updates += name + " = excluded." + name + ", ";
      if (std::find(key.begin(), key.end(), c) == key.end()) {
        differs += std::string(differs.empty() ? "" : " OR ") + table + "." + name + " IS NOT excluded." + name;
      }
    }
    sql += "import_id, source_line) VALUES (" + values + "?" + std::to_string(parameter + 1) + ", ?" +
           std::to_string(parameter + 2) + ") ON CONFLICT (";
    std::string lookup = "SELECT import_id FROM " + table + " WHERE ";
    for (std::size_t k = 0; k < key.size(); ++k) {
      const std::string name = quote_identifier(schema.columns[key[k]].name);
      sql += (k == 0 ? "" : ", ") + name;
      lookup += (k == 0 ? "" : " AND ") + name + " = ?" + std::to_string(k + 1);
    }
    sql += ") DO UPDATE SET " + updates + "import_id = excluded.import_id, source_line = excluded.source_line WHERE " +
           table + ".import_id <> excluded.import_id AND (" + (differs.empty() ? "0" : differs) + ")";
    Statement insert(db_, path_, sql);
    Statement holder(db_, path_, lookup);

    const Dataset& data = loaded.data;
    std::vector<std::array<char, 16>> date_buffers(schema.columns.size());
    // Binds a cell as the store keeps it (text without a copy: it lives in `data` or the schema).
    const auto bind_cell = [&](Statement& statement, int slot, std::uint32_t index, std::size_t row) {
      const ColumnSchema& column = schema.columns[index];
      const ColumnData& cells = data.column(index);
      if (column.type == ValueType::Money) {
        const std::int64_t cents = cells.cents[row];
        if (cents == kNull64) statement.bind_null(slot);
        else statement.bind(slot, cents);
        return;
      }
      if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
        const std::string_view text = cells.raw_text(row);
        if (text.empty()) statement.bind_null(slot);
        else statement.bind(slot, text);
        return;
      }
      const std::int32_t value = cells.value(row);
      if (value == kNull32) {
        statement.bind_null(slot);
        return;
      }
      switch (column.type) {
        case ValueType::Text: statement.bind(slot, std::string_view(cells.dictionary.value(value))); break;
        case ValueType::Enum:
          statement.bind(slot, std::string_view(column.enum_values[static_cast<std::size_t>(value)]));
          break;
        case ValueType::Date: statement.bind(slot, date_text(value, date_buffers[index])); break;
        default: statement.bind(slot, std::int64_t{value}); break;
      }
    };

    const auto column_count = static_cast<std::uint32_t>(schema.columns.size());
    std::vector<Rejection> duplicates;
    std::uint64_t written = 0;    // inserted or replaced
    std::uint64_t unchanged = 0;  // held already with the same values
    for (std::size_t row = 0; row < data.row_count(); ++row) {
      for (std::uint32_t c = 0; c < column_count; ++c) bind_cell(insert, static_cast<int>(c + 1), c, row);
      insert.bind(static_cast<int>(column_count + 1), import_id);
      insert.bind(static_cast<int>(column_count + 2), static_cast<std::int64_t>(data.source_line(row)));
      insert.step();
      const bool changed = sqlite3_changes(db_) != 0;
      insert.reset();
      if (changed) {
        ++written;
        continue;
      }
      for (std::size_t k = 0; k < key.size(); ++k) bind_cell(holder, static_cast<int>(k + 1), key[k], row);
      const std::int64_t held_by = holder.step() ? holder.integer(0) : 0;
      holder.reset();
      if (held_by != import_id) {
        ++unchanged;
        continue;
      }
      std::string key_text;
      for (const std::uint32_t c : key) key_text += (key_text.empty() ? "" : ", ") + data.cell_text(c, row);
      RejectionReason why = RejectionReason{ReasonKind::SecondRecordSameKey, {}}.with("key", key_text);
      duplicates.push_back(Rejection{data.source_line(row), schema.columns[key.front()].name, printable(key_text),
                                     english_reason(why), {}, why});
    }

    const std::uint64_t after = count_rows();
    outcome.rows_stored = written + unchanged;
    outcome.rows_unchanged = unchanged;
    outcome.rows_rejected = loaded.report.rows_rejected + duplicates.size();
    if (mode == ImportMode::Replace) {
      outcome.rows_new = written;
      outcome.rows_replaced = before;
    } else {
      outcome.rows_new = after - before;
      outcome.rows_replaced = written - outcome.rows_new;
    }
    outcome.rejections = loaded.report.rejections;
    outcome.rejections.insert(outcome.rejections.end(), duplicates.begin(), duplicates.end());
    std::stable_sort(outcome.rejections.begin(), outcome.rejections.end(),
                     [](const Rejection& a, const Rejection& b) { return a.line < b.line; });

    save_rejections(import_id, outcome.rejections);
    {
      Statement update(db_, path_,
                       "UPDATE imports SET rows_accepted = ?2, rows_rejected = ?3, rows_new = ?4, rows_replaced = ?5, "
                       "notes = ?6, rows_read = ?7 WHERE id = ?1");
      update.bind(1, import_id);
      update.bind(2, static_cast<std::int64_t>(outcome.rows_stored));
      update.bind(3, static_cast<std::int64_t>(outcome.rows_rejected));
      update.bind(4, static_cast<std::int64_t>(outcome.rows_new));
      update.bind(5, static_cast<std::int64_t>(outcome.rows_replaced));
      const std::string notes = json_text(loaded.report.notes);
      update.bind(6, std::string_view(notes));
      update.bind(7, static_cast<std::int64_t>(outcome.rows_read));
      update.run();
    }
    {
      // Rows still current per import of this kind (the replaced ones moved to this import).
      Statement live(db_, path_,
                     "UPDATE imports SET live_rows = (SELECT count(*) FROM " + table +
                         " WHERE import_id = imports.id) WHERE kind = ?1 AND (live_rows > 0 OR id = ?2)");
      live.bind(1, std::string_view(schema.name));
      live.bind(2, import_id);
      live.run();
    }
    outcomes.push_back(std::move(outcome));
  }
  reserve_room_for_commit();
  transaction.commit();
  return outcomes;
}

std::map<DatasetKind, StoreDataset> Store::load(const std::vector<const DatasetSchema*>& schemas) {
  std::map<DatasetKind, StoreDataset> out;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  if (!has_layout(db_, path_)) return out;
  for (const DatasetSchema* schema : schemas) {
    const std::vector<KindImport> imports = kind_imports(db_, path_, schema->name);
    if (imports.empty()) continue;

    SqliteLoaded loaded{LoadedDataset{Dataset(*schema), LoadReport{}}, {}};
    loaded.loaded.report.dataset = schema->name;
    loaded.loaded.report.file = path_;
    ReaderSettings settings;
    settings.display = path_ + " (store, " + schema->name + ")";
    settings.silent = {"import_id", "source_line"};
    settings.check_unique = false;
    for (const KindImport& import : imports) settings.expected_rows += import.live_rows;
    TableReader(db_, path_, *schema, schema->name, settings, loaded).run();
    // The store holds only rows its imports accepted: a row it cannot read back is damage (a page
    // overwritten, an edit outside toets), an error, never a rejection that quietly drops it.
    if (!loaded.loaded.report.rejections.empty()) {
      const Rejection& first = loaded.loaded.report.rejections.front();
      throw StoreError(path_ + ": the store's " + schema->name + " table holds a row toets never wrote (rowid " +
                       std::to_string(first.line) + ", " + first.column + ": " + first.reason +
                       "): the store is damaged or was changed outside toets; PRAGMA quick_check: " +
                       sqlite::quick_check(db_, path_) + "; restore the store from a backup");
    }
    attach_imports(schema->name, loaded.loaded.report);  // what the imports could not read travels along

    RunInput input;
    input.kind = schema->name;
    input.source = "store";
    input.sha256 = state_sha256(imports);
    std::string from;
    for (const KindImport& import : imports) {
      if (import.live_rows == 0) continue;
      input.imports.push_back(import.id);
      from += std::string(from.empty() ? "" : ", ") + "import " + std::to_string(import.id) + " (" + import.source +
              ", " + std::to_string(import.live_rows) + (import.live_rows == 1 ? " row)" : " rows)");
    }
    loaded.loaded.report.notes.insert(loaded.loaded.report.notes.begin(),
                                      "read from the store: " + (from.empty() ? std::string("no rows") : from));
    input.rows_read = loaded.loaded.report.rows_read;
    input.rows_accepted = loaded.loaded.report.rows_accepted;
    input.rows_rejected = loaded.loaded.report.rows_rejected;
    out.emplace(schema->kind, StoreDataset{std::move(loaded.loaded), std::move(input)});
  }
  snapshot.commit();
  return out;
}

std::int64_t Store::record_run_transaction(const CheckReport& report, const std::string& ruleset_hash,
                                           const std::vector<RunInput>& inputs, const std::string& now) {
  if (access_ == StoreAccess::ReadOnly) throw StoreError(path_ + ": opened read-only; cannot record a run");
  Transaction transaction(db_, path_, Transaction::Kind::Write);
  ensure_layout(db_, path_);

  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  for (const auto& [status, count] : report.summary()) summary[std::string(status_name(status))] = count;
  {
    Statement insert(db_, path_,
                     "INSERT INTO runs (recorded_at, as_of, ruleset_id, ruleset_title, ruleset_file, ruleset_sha256, "
                     "engine_version, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    const std::string as_of = format_date(report.as_of);
    const std::string summary_text = json_text(summary);
    insert.bind(1, std::string_view(now));
    insert.bind(2, std::string_view(as_of));
    insert.bind(3, std::string_view(report.ruleset.id));
    insert.bind(4, std::string_view(report.ruleset.title));
    insert.bind(5, std::string_view(report.ruleset.file));
    insert.bind(6, std::string_view(ruleset_hash));
    insert.bind(7, engine_version());
    insert.bind(8, std::string_view(summary_text));
    insert.run();
  }
  const std::int64_t run_id = sqlite3_last_insert_rowid(db_);

  {
    Statement insert(db_, path_,
                     "INSERT INTO run_inputs (run_id, seq, kind, source, sha256, imports, rows_read, rows_accepted, "
                     "rows_rejected, used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    std::int64_t seq = 0;
    for (const RunInput& input : inputs) {
      const std::string imports = json_text(input.imports);
      insert.bind(1, run_id);
      insert.bind(2, ++seq);
      insert.bind(3, std::string_view(input.kind));
      insert.bind(4, std::string_view(input.source));
      insert.bind(5, std::string_view(input.sha256));
      insert.bind(6, std::string_view(imports));
      insert.bind(7, static_cast<std::int64_t>(input.rows_read));
      insert.bind(8, static_cast<std::int64_t>(input.rows_accepted));
      insert.bind(9, static_cast<std::int64_t>(input.rows_rejected));
      insert.bind(10, std::int64_t{input.used ? 1 : 0});
      insert.run();
    }
  }

  Statement insert(db_, path_,
                   "INSERT INTO run_results (run_id, seq, rule, rule_title, ruleset, dataset, group_json, group_text, "
                   "status, unit, measure_num, measure_den, measure_text, numerator, denominator, records, "
                   "threshold_status, threshold_op, threshold_num, threshold_den, threshold_text, evidence_count, "
                   "evidence, remedy_text, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                   "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)");
  std::int64_t seq = 0;
  for (const RuleResult& result : report.results) {
    const CompiledRule& rule = *result.rule;
    const ValueType unit = rule.measure.unit;
    const std::string group = group_json(result.group);
    const std::string group_text = format_group(result.group);
    const std::string status(status_name(result.status));
    const std::string unit_name = value_type_name(unit);
    const std::string measure_text = result.measure ? format_value(*result.measure, unit) : "";
    std::string threshold_status;
    std::string threshold_op;
    std::optional<Ratio> threshold_value;
    std::string threshold_text;
    if (result.threshold) {
      threshold_status = status_name(result.threshold->status);
      threshold_op = compare_op_text(result.threshold->op);
      threshold_value = result.threshold->value;
      threshold_text = result.threshold->text;
    } else if (rule.target) {
      threshold_status = "target";
      threshold_op = compare_op_text(rule.target->op);
      threshold_value = rule.target->value;
      threshold_text = rule.target->text;
    }
    nlohmann::json evidence_ids = nlohmann::json::array();
    for (std::string_view id : result.evidence) evidence_ids.push_back(id);
    const std::string evidence = json_text(evidence_ids);
    const std::string dataset = rule.dataset != nullptr ? rule.dataset->name : "";

    insert.bind(1, run_id);
    insert.bind(2, ++seq);
    insert.bind(3, std::string_view(rule.id));
    insert.bind(4, std::string_view(rule.title));
    insert.bind(5, std::string_view(rule.ruleset_id));
    insert.bind(6, std::string_view(dataset));
    insert.bind(7, std::string_view(group));
    insert.bind(8, std::string_view(group_text));
    insert.bind(9, std::string_view(status));
    insert.bind(10, std::string_view(unit_name));
    if (result.measure) {
      insert.bind(11, result.measure->numerator);
      insert.bind(12, result.measure->denominator);
    } else {
      insert.bind_null(11);
      insert.bind_null(12);
    }
    insert.bind(13, std::string_view(measure_text));
    insert.bind(14, result.numerator);
    insert.bind(15, result.denominator);
    insert.bind(16, static_cast<std::int64_t>(result.records));
    insert.bind(17, std::string_view(threshold_status));
    insert.bind(18, std::string_view(threshold_op));
    if (threshold_value) {
      insert.bind(19, threshold_value->numerator);
      insert.bind(20, threshold_value->denominator);
    } else {
      insert.bind_null(19);
      insert.bind_null(20);
    }
    insert.bind(21, std::string_view(threshold_text));
    insert.bind(22, static_cast<std::int64_t>(result.evidence.size()));
    insert.bind(23, std::string_view(evidence));
    insert.bind(24, std::string_view(result.remedy_text));
    insert.bind(25, std::string_view(result.message));
    insert.run();
  }
  reserve_room_for_commit();
  transaction.commit();
  return run_id;
}

std::optional<Store::EarlierImport> Store::earlier_import(const std::string& kind, const std::string& sha256,
                                                          ImportMode mode) {
  Statement earlier(db_, path_,
                    "SELECT id, imported_at, source, mode FROM imports WHERE kind = ?1 AND sha256 = ?2 "
                    "ORDER BY id DESC LIMIT 1");
  earlier.bind(1, std::string_view(kind));
  earlier.bind(2, std::string_view(sha256));
  if (!earlier.step()) return std::nullopt;
  EarlierImport found{earlier.integer(0), earlier.string(1), earlier.string(2), false};
  const bool was_replace = earlier.text(3) == "replace";

  // A store laid out before imports could repeat a content hash (UNIQUE (kind, sha256)): there,
  // content once imported is always skipped.
  Statement unique(db_, path_,
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'imports' "
                   "AND name LIKE 'sqlite_autoindex_imports_%'");
  if (unique.step() && unique.integer(0) > 0) {
    found.current = true;
    return found;
  }
  if (mode == ImportMode::Merge) {
    Statement later(db_, path_,
                    "SELECT count(*) FROM imports WHERE kind = ?1 AND id > ?2 AND (mode = 'replace' OR rows_replaced > 0)");
    later.bind(1, std::string_view(kind));
    later.bind(2, found.id);
    found.current = later.step() && later.integer(0) == 0;
  } else {
    Statement latest(db_, path_, "SELECT max(id) FROM imports WHERE kind = ?1");
    latest.bind(1, std::string_view(kind));
    found.current = was_replace && latest.step() && latest.integer(0) == found.id;
  }
  return found;
}

std::vector<RunInfo> Store::query_runs(const std::string& where, const std::vector<std::string>& arguments) {
  std::vector<RunInfo> runs;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  if (!has_layout(db_, path_)) return runs;
  Statement statement(db_, path_,
                      "SELECT id, recorded_at, as_of, ruleset_id, ruleset_title, ruleset_file, ruleset_sha256, "
                      "engine_version, summary FROM runs " +
                          where + " ORDER BY id");
  for (std::size_t i = 0; i < arguments.size(); ++i) statement.bind(static_cast<int>(i + 1), std::string_view(arguments[i]));
  std::map<std::int64_t, std::size_t> index;
  while (statement.step()) {
    RunInfo run;
    run.id = statement.integer(0);
    run.recorded_at = statement.string(1);
    run.as_of = parse_iso_date(statement.text(2)).value_or(0);
    run.ruleset_id = statement.string(3);
    run.ruleset_title = statement.string(4);
    run.ruleset_file = statement.string(5);
    run.ruleset_sha256 = statement.string(6);
    run.engine_version = statement.string(7);
    const auto summary = nlohmann::json::parse(statement.text(8), nullptr, false);
    if (summary.is_object()) {
      for (const auto& [status, count] : summary.items()) {
        if (count.is_number_unsigned()) run.summary[status] = count.get<std::uint64_t>();
      }
    }
    index[run.id] = runs.size();
    runs.push_back(std::move(run));
  }
  if (runs.empty()) return runs;
  Statement inputs(db_, path_,
                   "SELECT run_id, kind, source, sha256, imports, rows_read, rows_accepted, rows_rejected, used "
                   "FROM run_inputs WHERE run_id BETWEEN ?1 AND ?2 ORDER BY run_id, seq");
  inputs.bind(1, runs.front().id);
  inputs.bind(2, runs.back().id);
  while (inputs.step()) {
    const auto found = index.find(inputs.integer(0));
    if (found == index.end()) continue;
    RunInput input;
    input.kind = inputs.string(1);
    input.source = inputs.string(2);
    input.sha256 = inputs.string(3);
    input.imports = parse_id_list(inputs.text(4));
    input.rows_read = static_cast<std::uint64_t>(inputs.integer(5));
    input.rows_accepted = static_cast<std::uint64_t>(inputs.integer(6));
    input.rows_rejected = static_cast<std::uint64_t>(inputs.integer(7));
    input.used = inputs.integer(8) != 0;
    runs[found->second].inputs.push_back(std::move(input));
  }
  snapshot.commit();
  return runs;
}

std::vector<RunInfo> Store::runs(const std::optional<std::string>& ruleset_id) {
  if (ruleset_id) return query_runs("WHERE ruleset_id = ?1", {*ruleset_id});
  return query_runs("", {});
}

std::optional<RunInfo> Store::run(std::int64_t id) {
  std::vector<RunInfo> found = query_runs("WHERE id = ?1", {std::to_string(id)});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<StoredResult> Store::results(std::int64_t run_id) {
  std::vector<StoredResult> out;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  if (!has_layout(db_, path_)) return out;
  Statement statement(db_, path_,
                      "SELECT seq, rule, rule_title, ruleset, dataset, group_json, group_text, status, unit, "
                      "measure_num, measure_den, measure_text, numerator, denominator, records, threshold_status, "
                      "threshold_op, threshold_num, threshold_den, threshold_text, evidence_count, evidence, "
                      "remedy_text, message FROM run_results WHERE run_id = ?1 ORDER BY seq");
  statement.bind(1, run_id);
  while (statement.step()) {
    StoredResult result;
    result.seq = statement.integer(0);
    result.rule = statement.string(1);
    result.rule_title = statement.string(2);
    result.ruleset = statement.string(3);
    result.dataset = statement.string(4);
    result.group_json = statement.string(5);
    result.group_text = statement.string(6);
    result.status = status_from_name(statement.text(7));
    result.unit = value_type_from_name(statement.text(8));
    result.measure = ratio_columns(statement, 9, 10);
    result.measure_text = statement.string(11);
    result.numerator = statement.optional_integer(12);
    result.denominator = statement.optional_integer(13);
    result.records = static_cast<std::uint64_t>(statement.integer(14));
    result.threshold_status = statement.string(15);
    result.threshold_op = statement.string(16);
    result.threshold_value = ratio_columns(statement, 17, 18);
    result.threshold_text = statement.string(19);
    result.evidence_count = static_cast<std::uint64_t>(statement.integer(20));
    result.evidence = parse_text_list(statement.text(21));
    result.remedy_text = statement.string(22);
    result.message = statement.string(23);
    out.push_back(std::move(result));
  }
  snapshot.commit();
  return out;
}

std::vector<ImportInfo> Store::imports() {
  std::vector<ImportInfo> out;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  if (!has_layout(db_, path_)) return out;
  Statement statement(db_, path_,
                      "SELECT id, imported_at, kind, source, sha256, mode, rows_read, rows_accepted, rows_rejected, "
                      "rows_new, rows_replaced, live_rows, engine_version FROM imports ORDER BY id");
  while (statement.step()) {
    ImportInfo info;
    info.id = statement.integer(0);
    info.imported_at = statement.string(1);
    info.kind = statement.string(2);
    info.source = statement.string(3);
    info.sha256 = statement.string(4);
    info.mode = statement.text(5) == "replace" ? ImportMode::Replace : ImportMode::Merge;
    info.rows_read = static_cast<std::uint64_t>(statement.integer(6));
    info.rows_accepted = static_cast<std::uint64_t>(statement.integer(7));
    info.rows_rejected = static_cast<std::uint64_t>(statement.integer(8));
    info.rows_new = static_cast<std::uint64_t>(statement.integer(9));
    info.rows_replaced = static_cast<std::uint64_t>(statement.integer(10));
    info.live_rows = static_cast<std::uint64_t>(statement.integer(11));
    if (info.mode == ImportMode::Merge && info.rows_accepted >= info.rows_new + info.rows_replaced) {
      info.rows_unchanged = info.rows_accepted - info.rows_new - info.rows_replaced;
    }
    info.engine_version = statement.string(12);
    out.push_back(std::move(info));
  }
  snapshot.commit();
  return out;
}

}  // namespace toets
