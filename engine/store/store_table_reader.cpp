// The reader of SQLite tables as input (`--data KIND=sqlite:FILE:TABLE`), which also reads the
// store's own kind tables when they have no column blocks (docs/store.md): every cell checked by
// its storage class, with the same rejections as CSV.

#include "engine/store/store.hpp"

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

#include "dsl/source/calendar.hpp"
#include "dsl/source/regular_file.hpp"
#include "engine/input/load_common.hpp"
#include "engine/data/result.hpp"
#include "engine/base/sha256.hpp"
#include "engine/store/sqlite_statement.hpp"
#include "engine/store/store_internal.hpp"

namespace toets {

namespace {

namespace fs = std::filesystem;

using namespace store_internal;
using loading::is_valid_utf8;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

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

  // An int cell into `number`: INTEGER, an integral REAL or TEXT digits, within 32 bits and the
  // column's minimum.
  std::optional<std::string> validate_int(const Statement& statement, const FieldPlan& plan, int type,
                                          std::string_view text, std::int64_t& number) {
    const ColumnSchema& column = *plan.schema;
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

  // A money cell into cents: NAME_cents INTEGER cents, or euros as INTEGER, REAL (two decimals at
  // most) or TEXT.
  std::optional<std::string> validate_money(const Statement& statement, const FieldPlan& plan, int type,
                                            std::string_view text, std::int64_t& number) {
    const ColumnSchema& column = *plan.schema;
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
      case ValueType::Int: return validate_int(statement, plan, type, text, number);
      case ValueType::Money: return validate_money(statement, plan, type, text, number);
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
        if (data.raw.size() > kMaxRawTextBytes) fail(raw_text_too_long("table", plan.schema->name));
        data.raw_offsets.push_back(static_cast<std::uint32_t>(data.raw.size()));
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
}  // namespace

namespace store_internal {

void read_table(sqlite3* db, const std::string& file, const DatasetSchema& schema, const std::string& table,
                const ReaderSettings& settings, SqliteLoaded& out) {
  TableReader(db, file, schema, table, settings, out).run();
}

}  // namespace store_internal

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

  sqlite::configure_sqlite();
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
  read_table(connection.db, spec.file, schema, spec.table, settings, out);
  snapshot.commit();
  return out;
}

}  // namespace toets
