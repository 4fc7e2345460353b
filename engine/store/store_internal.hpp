#pragma once
// What the store's files (engine/store*.cpp) share: naming, the layout, the table reader and the
// column blocks. Internal to the store; SQLite failures throw StoreError.

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/input/load_common.hpp"
#include "engine/store/sqlite_statement.hpp"
#include "engine/store/store.hpp"

namespace toets::store_internal {

// The SQLite helpers and message quoting every store file uses, by their short names: a store file
// says `using namespace store_internal;`.
using loading::printable;
using loading::single_quoted;
using sqlite::ConnectionGuard;
using sqlite::exec;
using sqlite::pragma_integer;
using sqlite::probe;
using sqlite::sqlite_failure;
using sqlite::Statement;
using sqlite::Transaction;

std::string quote_identifier(std::string_view name);
std::string join(const std::vector<std::string>& values, std::string_view separator = ", ");
// A date into a fixed buffer (no allocation per row when importing).
std::string_view date_text(std::int32_t days, std::array<char, 16>& buffer);
std::string value_type_name(ValueType type);
ValueType value_type_from_name(std::string_view name);
Status status_from_name(std::string_view name);
std::string mode_name(ImportMode mode);

// The layout (engine/store/store_layout.cpp).
std::vector<std::uint32_t> record_key(const DatasetSchema& schema);  // a later import replaces the record with the same key
std::string stored_name(const ColumnSchema& column);               // money as NAME_cents
// Inside a write transaction: creates the layout in a new (empty) store; adds the optional columns
// and tables a newer engine knows to an older store.
void ensure_layout(sqlite3* db, const std::string& file);
bool has_layout(sqlite3* db, const std::string& file);
bool has_table(sqlite3* db, const std::string& file, std::string_view table);
bool has_column(sqlite3* db, const std::string& file, std::string_view table, std::string_view column);

// The imports of one kind, oldest first.
struct KindImport {
  std::int64_t id = 0;
  std::string source;
  std::string sha256;
  std::string mode;
  std::uint64_t live_rows = 0;
};
std::vector<KindImport> kind_imports(sqlite3* db, const std::string& file, const std::string& kind);
// What a kind's rows are: the imports since the last `replace`, replayed in order, determine them.
std::string state_sha256(const std::vector<KindImport>& imports);

std::string json_text(const nlohmann::json& value);
std::vector<std::int64_t> parse_id_list(std::string_view text);
std::vector<std::string> parse_text_list(std::string_view text);
std::optional<Ratio> ratio_columns(const sqlite::Statement& statement, int numerator, int denominator);

// Reading a table cell by cell (engine/store/store_table_reader.cpp).
struct ReaderSettings {
  std::string display;                 // the name in messages: sqlite:FILE:TABLE, or the store
  std::vector<std::string> silent;     // columns ignored without a note
  bool check_unique = true;            // the store's primary key already guarantees it
  bool content_hash = false;
  std::uint64_t expected_rows = 0;     // when known: the columns are sized once
};
// Reads `table` into `out`, validating every cell (each row accepted or rejected with a reason).
void read_table(sqlite3* db, const std::string& file, const DatasetSchema& schema, const std::string& table,
                const ReaderSettings& settings, SqliteLoaded& out);

// Column blocks (engine/store/store_columns.cpp): a kind's current rows as the engine holds them, one
// BLOB per column, written by each import and loaded by a check without parsing a cell.
inline constexpr const char* kColumnBlocksDdl = R"sql(
CREATE TABLE IF NOT EXISTS column_blocks (
  kind TEXT NOT NULL,
  part TEXT NOT NULL,
  state_sha256 TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (kind, part)
);
)sql";
// Triggers that drop a kind's blocks when its rows are changed by anyone but toets's import, which
// drops them while it writes and creates them again (with the blocks) before it commits.
void drop_edit_triggers(sqlite3* db, const std::string& file, const DatasetSchema& schema);
void create_edit_triggers(sqlite3* db, const std::string& file, const DatasetSchema& schema);
// Inside import's write transaction: replaces the kind's blocks by the rows `rows` of `data`, which
// must be the kind's rows in the store in rowid order, with `lines` (their rowids, as reading the
// rows table numbers them), for the state `state`. Writes none (the kind is then read from its
// rows table) when a column would not fit in one BLOB.
void write_column_blocks(sqlite3* db, const std::string& file, const Dataset& data,
                         const std::vector<std::uint32_t>& rows, const std::vector<std::uint32_t>& lines,
                         const std::string& state);
// The kind's rows from its blocks, when they are there for the state `state` and hold `live_rows`
// rows (else nullopt: read the rows table). Throws StoreError when a block does not read back as
// written (damage).
std::optional<Dataset> read_column_blocks(sqlite3* db, const std::string& file, const DatasetSchema& schema,
                                          const std::string& state, std::uint64_t live_rows);

}  // namespace toets::store_internal
