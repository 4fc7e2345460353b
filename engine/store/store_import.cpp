// Importing parsed datasets into the store: one write transaction, an upsert on each kind's record
// key, the import's counts and rejections (docs/store.md).

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
#include <optional>
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
#include "engine/words/reason_text.hpp"

namespace toets {

namespace {
using namespace store_internal;

// The upsert of a kind's rows on its record key. A record the store holds with other values is
// replaced (and moves to this import); one it holds with the same values stays as it is (it still
// comes from the import that brought it).
std::string upsert_sql(const DatasetSchema& schema, const std::vector<std::uint32_t>& key) {
  const std::string table = quote_identifier(schema.name);
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
  for (std::size_t k = 0; k < key.size(); ++k) sql += (k == 0 ? "" : ", ") + quote_identifier(schema.columns[key[k]].name);
  sql += ") DO UPDATE SET " + updates + "import_id = excluded.import_id, source_line = excluded.source_line WHERE " +
         table + ".import_id <> excluded.import_id AND (" + (differs.empty() ? "0" : differs) + ")";
  return sql;
}

// Which import holds the record with a row's key.
std::string holder_sql(const DatasetSchema& schema, const std::vector<std::uint32_t>& key) {
  std::string lookup = "SELECT import_id FROM " + quote_identifier(schema.name) + " WHERE ";
  for (std::size_t k = 0; k < key.size(); ++k) {
    lookup += (k == 0 ? "" : " AND ") + quote_identifier(schema.columns[key[k]].name) + " = ?" + std::to_string(k + 1);
  }
  return lookup;
}

// Binds a cell as the store keeps it; text without a copy (it lives in the dataset or the schema,
// dates in a buffer per parameter, as a statement of many rows binds a column many times), so a
// row costs no allocation.
class CellBinder {
 public:
  CellBinder(const Dataset& data, std::size_t parameters) : data_(data), dates_(parameters + 1) {}

  void bind(Statement& statement, int slot, std::uint32_t index, std::size_t row) {
    const ColumnSchema& column = data_.schema().columns[index];
    const ColumnData& cells = data_.column(index);
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
      case ValueType::Enum: statement.bind(slot, std::string_view(column.enum_values[static_cast<std::size_t>(value)])); break;
      case ValueType::Date: statement.bind(slot, date_text(value, dates_[static_cast<std::size_t>(slot)])); break;
      default: statement.bind(slot, std::int64_t{value}); break;
    }
  }

 private:
  const Dataset& data_;
  std::vector<std::array<char, 16>> dates_;
};

// What writing a file's rows did.
struct RowsWritten {
  std::uint64_t written = 0;    // inserted or replaced
  std::uint64_t unchanged = 0;  // held already with the same values
  std::vector<Rejection> duplicates;
  std::vector<std::uint32_t> inserted_rows;    // the rows inserted, in order, and their rowids:
  std::vector<std::uint32_t> inserted_rowids;  // the kind's rows when it was empty before
};

// The rejection of a row whose key an earlier row of the same file has.
Rejection second_record(const Dataset& data, const std::vector<std::uint32_t>& key, std::size_t row) {
  std::string key_text;
  for (const std::uint32_t c : key) key_text += (key_text.empty() ? "" : ", ") + data.cell_text(c, row);
  RejectionReason why = RejectionReason{ReasonKind::SecondRecordSameKey, {}}.with("key", key_text);
  return Rejection{data.source_line(row), data.schema().columns[key.front()].name, printable(key_text),
                   english_reason(why), {}, why};
}

// Upserts every row. When the upsert changes nothing, the key is looked up: held by this very
// import, it is a duplicate in the file itself, and the first one stays while the later is rejected.
RowsWritten write_rows(sqlite3* db, const std::string& file, const Dataset& data, std::int64_t import_id) {
  const DatasetSchema& schema = data.schema();
  const std::vector<std::uint32_t> key = record_key(schema);
  Statement insert(db, file, upsert_sql(schema, key));
  Statement holder(db, file, holder_sql(schema, key));
  CellBinder cells(data, schema.columns.size() + 2);
  const auto column_count = static_cast<std::uint32_t>(schema.columns.size());
  RowsWritten out;
  const bool track_rowids = data.row_count() <= kMaxLine;
  if (track_rowids) {
    out.inserted_rows.reserve(data.row_count());
    out.inserted_rowids.reserve(data.row_count());
  }
  for (std::size_t row = 0; row < data.row_count(); ++row) {
    for (std::uint32_t c = 0; c < column_count; ++c) cells.bind(insert, static_cast<int>(c + 1), c, row);
    insert.bind(static_cast<int>(column_count + 1), import_id);
    insert.bind(static_cast<int>(column_count + 2), static_cast<std::int64_t>(data.source_line(row)));
    insert.step();
    const bool changed = sqlite3_changes(db) != 0;
    insert.reset();
    if (changed) {
      ++out.written;
      if (track_rowids) {
        out.inserted_rows.push_back(static_cast<std::uint32_t>(row));
        out.inserted_rowids.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(
            static_cast<std::uint64_t>(sqlite3_last_insert_rowid(db)), kMaxLine)));
      }
      continue;
    }
    for (std::size_t k = 0; k < key.size(); ++k) cells.bind(holder, static_cast<int>(k + 1), key[k], row);
    const std::int64_t held_by = holder.step() ? holder.integer(0) : 0;
    holder.reset();
    if (held_by != import_id) {
      ++out.unchanged;
      continue;
    }
    out.duplicates.push_back(second_record(data, key, row));
  }
  return out;
}

// The record keys of a file's rows, compared as the rows table's key compares them: text by its
// bytes, other cells by value, and a NULL equal to nothing (a key column may let one through, and
// SQLite's key then lets it be). A cell's code in the dataset stands for exactly one stored value
// (a dictionary or enum code, a date's day number, cents), so codes are compared, not text.
class RecordKeys {
 public:
  RecordKeys(const Dataset& data, std::vector<std::uint32_t> key) : data_(data), key_(std::move(key)) {}

  // Rows whose key an earlier row has: what the upsert finds held by this very import already.
  std::vector<bool> later_duplicates() const {
    const std::size_t rows = data_.row_count();
    std::vector<bool> duplicate(rows, false);
    std::size_t slots = 16;
    while (slots < 2 * rows) slots *= 2;
    std::vector<std::uint32_t> table(slots, 0);  // row + 1 of the first row with a key; 0 free
    for (std::size_t row = 0; row < rows; ++row) {
      if (has_null(row)) continue;
      for (std::size_t slot = hash(row) & (slots - 1);; slot = (slot + 1) & (slots - 1)) {
        if (table[slot] == 0) {
          table[slot] = static_cast<std::uint32_t>(row + 1);
          break;
        }
        if (same(table[slot] - 1, row)) {
          duplicate[row] = true;
          break;
        }
      }
    }
    return duplicate;
  }

 private:
  bool raw(std::uint32_t c) const {
    const ColumnSchema& column = data_.schema().columns[c];
    return column.type == ValueType::Text && column.text_storage == TextStorage::Raw;
  }
  bool has_null(std::size_t row) const {
    for (const std::uint32_t c : key_) {
      const ColumnData& cells = data_.column(c);
      if (cells.type == ValueType::Money ? cells.cents[row] == kNull64
          : raw(c)                       ? cells.raw_text(row).empty()
                                         : cells.value(row) == kNull32) {
        return true;
      }
    }
    return false;
  }
  std::size_t hash(std::size_t row) const {
    std::size_t out = 0;
    for (const std::uint32_t c : key_) {
      const ColumnData& cells = data_.column(c);
      const std::size_t cell = cells.type == ValueType::Money ? std::hash<std::int64_t>{}(cells.cents[row])
                               : raw(c) ? std::hash<std::string_view>{}(cells.raw_text(row))
                                        : std::hash<std::int32_t>{}(cells.value(row));
      out = (out ^ cell) * 0x9E3779B97F4A7C15ULL;
    }
    return out ^ (out >> 29);
  }
  bool same(std::size_t a, std::size_t b) const {
    for (const std::uint32_t c : key_) {
      const ColumnData& cells = data_.column(c);
      const bool equal = cells.type == ValueType::Money ? cells.cents[a] == cells.cents[b]
                         : raw(c)                       ? cells.raw_text(a) == cells.raw_text(b)
                                                        : cells.value(a) == cells.value(b);
      if (!equal) return false;
    }
    return true;
  }

  const Dataset& data_;
  std::vector<std::uint32_t> key_;
};

// Rows per INSERT into an empty kind: one statement's start and end (cursors, a statement
// journal) cost as much as a row's insert, and this many rows share them.
constexpr std::size_t kRowsPerInsert = 64;

// Into an empty kind: every row goes in but the later ones of a key the file repeats, which are
// found here (the first stays, as the upsert keeps it). The rows go in many to an INSERT; a plain
// INSERT, so that a key the store would still find twice fails the import instead of passing.
RowsWritten write_new_rows(sqlite3* db, const std::string& file, const Dataset& data, std::int64_t import_id) {
  const DatasetSchema& schema = data.schema();
  const std::vector<std::uint32_t> key = record_key(schema);
  const std::vector<bool> duplicate = RecordKeys(data, key).later_duplicates();
  RowsWritten out;
  std::vector<std::uint32_t> rows;
  rows.reserve(data.row_count());
  for (std::size_t row = 0; row < data.row_count(); ++row) {
    if (duplicate[row]) out.duplicates.push_back(second_record(data, key, row));
    else rows.push_back(static_cast<std::uint32_t>(row));
  }

  const auto column_count = static_cast<std::uint32_t>(schema.columns.size());
  const std::size_t per_row = column_count + 2;  // and import_id, source_line
  const auto parameter_limit = static_cast<std::size_t>(std::max(sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1), 1));
  const std::size_t per_insert = std::clamp<std::size_t>(parameter_limit / per_row, 1, kRowsPerInsert);
  const auto insert_sql = [&](std::size_t count) {
    // OR FAIL: a row that breaks a constraint stops the statement (and so the import, which is
    // rolled back whole) without undoing the statement's earlier rows, which spares SQLite a
    // statement journal: a copy of every page each statement touches (3x the store's size).
    std::string sql = "INSERT OR FAIL INTO " + quote_identifier(schema.name) + " (";
    for (const ColumnSchema& column : schema.columns) sql += quote_identifier(stored_name(column)) + ", ";
    sql += "import_id, source_line) VALUES ";
    std::size_t parameter = 0;
    for (std::size_t r = 0; r < count; ++r) {
      sql += r == 0 ? "(" : ", (";
      for (std::size_t c = 0; c < per_row; ++c) sql += (c == 0 ? "?" : ", ?") + std::to_string(++parameter);
      sql += ")";
    }
    return sql;
  };
  std::optional<Statement> full;
  std::optional<Statement> last;
  CellBinder cells(data, per_insert * per_row);
  const bool track_rowids = data.row_count() <= kMaxLine;
  if (track_rowids) {
    out.inserted_rows.reserve(rows.size());
    out.inserted_rowids.reserve(rows.size());
  }
  for (std::size_t start = 0; start < rows.size(); start += per_insert) {
    const std::size_t count = std::min(per_insert, rows.size() - start);
    std::optional<Statement>& insert = count == per_insert ? full : last;
    if (!insert) insert.emplace(db, file, insert_sql(count));
    for (std::size_t r = 0; r < count; ++r) {
      const std::size_t row = rows[start + r];
      const int base = static_cast<int>(r * per_row);
      for (std::uint32_t c = 0; c < column_count; ++c) cells.bind(*insert, base + static_cast<int>(c + 1), c, row);
      insert->bind(base + static_cast<int>(column_count + 1), import_id);
      insert->bind(base + static_cast<int>(column_count + 2), static_cast<std::int64_t>(data.source_line(row)));
    }
    insert->step();
    insert->rewind();  // every parameter is bound again before the next step
    if (static_cast<std::size_t>(sqlite3_changes(db)) != count) {
      throw StoreError(file + ": the store took " + std::to_string(sqlite3_changes(db)) + " of " +
                       std::to_string(count) + " new " + schema.name + " rows");
    }
    // The kind was empty: its rowids are given in order, one more than the last each.
    const auto first_rowid = static_cast<std::uint64_t>(sqlite3_last_insert_rowid(db)) - count + 1;
    out.written += count;
    if (!track_rowids) continue;
    for (std::size_t r = 0; r < count; ++r) {
      out.inserted_rows.push_back(rows[start + r]);
      out.inserted_rowids.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(first_rowid + r, kMaxLine)));
    }
  }
  return out;
}

// The indexes of a kind's table besides its key, dropped while rows go into the empty kind and
// made again after: one sort of the rows instead of an index insert per row.
class IndexesSetAside {
 public:
  IndexesSetAside(sqlite3* db, const std::string& file, const std::string& table) : db_(db), file_(file) {
    Statement indexes(db, file, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL");
    indexes.bind(1, std::string_view(table));
    std::vector<std::string> names;
    while (indexes.step()) {
      names.push_back(indexes.string(0));
      definitions_.push_back(indexes.string(1));
    }
    indexes.reset();
    for (const std::string& name : names) exec(db, file, ("DROP INDEX " + quote_identifier(name)).c_str());
  }
  void restore() {
    for (const std::string& definition : definitions_) exec(db_, file_, definition.c_str());
  }

 private:
  sqlite3* db_;
  const std::string& file_;
  std::vector<std::string> definitions_;
};

std::uint64_t count_rows(sqlite3* db, const std::string& file, const DatasetSchema& schema) {
  Statement count(db, file, "SELECT count(*) FROM " + quote_identifier(schema.name));
  return count.step() ? static_cast<std::uint64_t>(count.integer(0)) : 0;
}

// The import's row in `imports`, its counts filled in later (finish_import_row).
std::int64_t insert_import_row(sqlite3* db, const std::string& file, const ImportRequest& request, ImportMode mode,
                               const std::string& now) {
  Statement insert(db, file,
                   "INSERT INTO imports (imported_at, kind, source, sha256, mode, rows_read, rows_accepted, "
                   "rows_rejected, rows_new, rows_replaced, live_rows, notes, engine_version) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, 0, 0, 0, '[]', ?6)");
  insert.bind(1, std::string_view(now));
  insert.bind(2, std::string_view(request.schema->name));
  insert.bind(3, std::string_view(request.source));
  insert.bind(4, std::string_view(request.sha256));
  const std::string mode_text = mode_name(mode);
  insert.bind(5, std::string_view(mode_text));
  insert.bind(6, engine_version());
  insert.run();
  return sqlite3_last_insert_rowid(db);
}

// `kind_was_empty`: every row of the kind is now this import's (no count over the table needed).
void finish_import_row(sqlite3* db, const std::string& file, const ImportOutcome& outcome,
                       const std::vector<std::string>& notes, bool kind_was_empty) {
  {
    Statement update(db, file,
                     "UPDATE imports SET rows_accepted = ?2, rows_rejected = ?3, rows_new = ?4, rows_replaced = ?5, "
                     "notes = ?6, rows_read = ?7 WHERE id = ?1");
    update.bind(1, outcome.import_id);
    update.bind(2, static_cast<std::int64_t>(outcome.rows_stored));
    update.bind(3, static_cast<std::int64_t>(outcome.rows_rejected));
    update.bind(4, static_cast<std::int64_t>(outcome.rows_new));
    update.bind(5, static_cast<std::int64_t>(outcome.rows_replaced));
    const std::string notes_text = json_text(notes);
    update.bind(6, std::string_view(notes_text));
    update.bind(7, static_cast<std::int64_t>(outcome.rows_read));
    update.run();
  }
  // Rows still current per import of this kind (the replaced ones moved to this import).
  if (kind_was_empty) {
    Statement live(db, file,
                   "UPDATE imports SET live_rows = CASE WHEN id = ?2 THEN ?3 ELSE 0 END "
                   "WHERE kind = ?1 AND (live_rows > 0 OR id = ?2)");
    live.bind(1, std::string_view(outcome.kind));
    live.bind(2, outcome.import_id);
    live.bind(3, static_cast<std::int64_t>(outcome.rows_stored));
    live.run();
    return;
  }
  Statement live(db, file,
                 "UPDATE imports SET live_rows = (SELECT count(*) FROM " + quote_identifier(outcome.kind) +
                     " WHERE import_id = imports.id) WHERE kind = ?1 AND (live_rows > 0 OR id = ?2)");
  live.bind(1, std::string_view(outcome.kind));
  live.bind(2, outcome.import_id);
  live.run();
}

// The kind's column blocks for its new state. When the kind was empty before this import, its
// rows are the rows just inserted, in memory already; otherwise (a merge into earlier rows) they
// are read back from the rows table.
void refresh_column_blocks(sqlite3* db, const std::string& file, const Dataset& data, RowsWritten& rows,
                           bool kind_was_empty) {
  const DatasetSchema& schema = data.schema();
  const std::string state = state_sha256(kind_imports(db, file, schema.name));
  if (kind_was_empty && rows.inserted_rows.size() == rows.written) {
    write_column_blocks(db, file, data, rows.inserted_rows, rows.inserted_rowids, state);
    return;
  }
  SqliteLoaded stored{LoadedDataset{Dataset(schema), LoadReport{}}, {}};
  ReaderSettings settings;
  settings.display = file + " (store, " + schema.name + ")";
  settings.silent = {"import_id", "source_line"};
  settings.check_unique = false;
  read_table(db, file, schema, schema.name, settings, stored);
  const Dataset& all = stored.loaded.data;
  std::vector<std::uint32_t> every(all.row_count());
  std::vector<std::uint32_t> lines(all.row_count());
  for (std::size_t row = 0; row < all.row_count(); ++row) {
    every[row] = static_cast<std::uint32_t>(row);
    lines[row] = static_cast<std::uint32_t>(all.source_line(row));
  }
  Statement drop(db, file, "DELETE FROM column_blocks WHERE kind = ?1");
  drop.bind(1, std::string_view(schema.name));
  drop.run();
  // Rows that do not read back (an edit outside toets) leave the kind to its rows table, where a
  // check finds them.
  if (stored.loaded.report.rejections.empty() && all.row_count() <= kMaxLine) {
    write_column_blocks(db, file, all, every, lines, state);
  }
}

}  // namespace

ImportOutcome Store::import_one(const ImportRequest& request, ImportMode mode, const std::string& now) {
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
      return outcome;
    }
  }

  const std::uint64_t before = count_rows(db_, path_, schema);
  drop_edit_triggers(db_, path_, schema);  // this import writes the blocks itself
  if (mode == ImportMode::Replace) exec(db_, path_, ("DELETE FROM " + quote_identifier(schema.name)).c_str());
  outcome.import_id = insert_import_row(db_, path_, request, mode, now);
  RowsWritten rows;
  if (before == 0 || mode == ImportMode::Replace) {
    IndexesSetAside indexes(db_, path_, schema.name);
    rows = write_new_rows(db_, path_, loaded.data, outcome.import_id);
    indexes.restore();
  } else {
    rows = write_rows(db_, path_, loaded.data, outcome.import_id);
  }

  outcome.rows_stored = rows.written + rows.unchanged;
  outcome.rows_unchanged = rows.unchanged;
  outcome.rows_rejected = loaded.report.rows_rejected + rows.duplicates.size();
  if (mode == ImportMode::Replace) {
    outcome.rows_new = rows.written;
    outcome.rows_replaced = before;
  } else if (before == 0) {
    outcome.rows_new = rows.written;  // into an empty kind every row is new
    outcome.rows_replaced = 0;
  } else {
    outcome.rows_new = count_rows(db_, path_, schema) - before;
    outcome.rows_replaced = rows.written - outcome.rows_new;
  }
  outcome.rejections = loaded.report.rejections;
  outcome.rejections.insert(outcome.rejections.end(), rows.duplicates.begin(), rows.duplicates.end());
  std::stable_sort(outcome.rejections.begin(), outcome.rejections.end(),
                   [](const Rejection& a, const Rejection& b) { return a.line < b.line; });

  save_rejections(outcome.import_id, outcome.rejections);
  const bool kind_was_empty = before == 0 || mode == ImportMode::Replace;
  finish_import_row(db_, path_, outcome, loaded.report.notes, kind_was_empty);
  refresh_column_blocks(db_, path_, loaded.data, rows, kind_was_empty);
  create_edit_triggers(db_, path_, schema);
  return outcome;
}

std::vector<ImportOutcome> Store::import_transaction(const std::vector<ImportRequest>& requests, ImportMode mode,
                                                     const std::string& now) {
  if (access_ == StoreAccess::ReadOnly) throw StoreError(path_ + ": opened read-only; cannot import");
  std::vector<ImportOutcome> outcomes;
  // A page cache of 64 MiB instead of 2: the key index's pages stay in memory while a million rows
  // go in, instead of being written to the -wal again and again.
  exec(db_, path_, "PRAGMA cache_size = -65536");
  // Every row's import_id is the id its import has just given itself in this transaction, so
  // SQLite need not look it up in imports for each row (a fifth of an import's time): foreign keys
  // are off for the transaction (the pragma is ignored inside one) and on again after it.
  exec(db_, path_, "PRAGMA foreign_keys = OFF");
  struct ForeignKeysBackOn {
    sqlite3* db;
    ~ForeignKeysBackOn() { sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr); }
  } foreign_keys_back_on{db_};
  Transaction transaction(db_, path_, Transaction::Kind::Write);
  ensure_layout(db_, path_);
  for (const ImportRequest& request : requests) outcomes.push_back(import_one(request, mode, now));
  reserve_room_for_commit();
  transaction.commit();
  return outcomes;
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

}  // namespace toets
