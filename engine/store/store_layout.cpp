// The store's layout (the tables, made from the dataset schemas) and the helpers the store's files
// share (engine/store/store_internal.hpp); the small public helpers of engine/store/store.hpp.

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
#include "engine/base/clock.hpp"
#include "engine/input/load_common.hpp"
#include "engine/data/result.hpp"
#include "engine/base/sha256.hpp"
#include "engine/store/sqlite_statement.hpp"
#include "engine/store/store_internal.hpp"

namespace toets {

namespace {
using namespace store_internal;

}  // namespace

namespace store_internal {

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  out.push_back('"');
  return out;
}

std::string join(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out += separator;
    out += value;
  }
  return out;
}

// A date into a fixed buffer (no allocation per row when importing).
std::string_view date_text(std::int32_t days, std::array<char, 16>& buffer) {
  const CivilDate date = civil_from_days(days);
  if (date.year < 0 || date.year > 9999) {
    const int written = std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u", date.year, date.month, date.day);
    return std::string_view(buffer.data(), static_cast<std::size_t>(std::max(written, 0)));
  }
  // By hand: snprintf was a tenth of an import's time.
  const auto digits = [&](std::size_t at, unsigned value, std::size_t count) {
    for (std::size_t i = count; i-- > 0; value /= 10) buffer[at + i] = static_cast<char>('0' + value % 10);
  };
  digits(0, static_cast<unsigned>(date.year), 4);
  buffer[4] = '-';
  digits(5, date.month, 2);
  buffer[7] = '-';
  digits(8, date.day, 2);
  return std::string_view(buffer.data(), 10);
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
  note_json TEXT,
  remedy INTEGER,
  remedy_to_ok INTEGER,
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
    ddl += kColumnBlocksDdl;
    exec(db, file, ddl.c_str());
    Statement meta(db, file, "INSERT INTO meta (key, value) VALUES ('created_by', ?1)");
    meta.bind_copy(1, "toets " + std::string(engine_version()));
    meta.run();
    return;
  }
  // Added beside layout 1 (docs/store.md, *Column blocks*): an older toets ignores the table.
  exec(db, file, kColumnBlocksDdl);
  // A result's note and remedy as data, added beside layout 1 too: an older toets neither reads
  // nor writes them (NULL in the results of the runs it records).
  for (const char* column : {"note_json TEXT", "remedy INTEGER", "remedy_to_ok INTEGER"}) {
    const std::string name(column, std::string_view(column).find(' '));
    if (has_column(db, file, "run_results", name)) continue;
    exec(db, file, ("ALTER TABLE run_results ADD COLUMN " + std::string(column)).c_str());
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

bool has_table(sqlite3* db, const std::string& file, std::string_view table) {
  Statement find(db, file, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  find.bind(1, table);
  return find.step();
}

bool has_column(sqlite3* db, const std::string& file, std::string_view table, std::string_view column) {
  Statement info(db, file, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2");
  info.bind(1, table);
  info.bind(2, column);
  return info.step();
}

bool has_layout(sqlite3* db, const std::string& file) {
  return pragma_integer(db, file, "PRAGMA user_version") > 0;
}


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


}  // namespace store_internal

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

}  // namespace toets
