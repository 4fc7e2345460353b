#pragma once
// The SQLite store (docs/store.md): a single database file that holds imported exports as typed
// canonical rows, and every check run with its results, so that a later run can say what is new,
// what was resolved and how each figure moved. Also the reader for SQLite tables given directly as
// input (`--data allocations=sqlite:FILE:TABLE`).
//
// Errors: user mistakes (a file that is not a toets store, a run that does not exist) are values
// (an error string, std::nullopt); a whole input table that cannot be read is a DataFileError, as
// for CSV files; SQLite and file-system failures throw StoreError with the file and SQLite's message.
//
// A Store owns one SQLite connection. Not thread-safe; other processes may use the same file at
// the same time (SQLite's locks; a writer waits up to kBusyTimeoutMs for another).

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/program/program.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/data/result.hpp"

struct sqlite3;

namespace toets {

namespace store_internal {
struct KindImport;  // engine/store/store_internal.hpp
}

// The engine's version (the CMake project version), recorded with every import and run.
std::string_view engine_version();

// The store's layout version, kept in SQLite's user_version; application_id marks a toets store.
inline constexpr int kStoreSchemaVersion = 1;
inline constexpr std::int32_t kStoreApplicationId = 0x546F6574;  // "Toet"
inline constexpr int kBusyTimeoutMs = 30000;

// SQLite or the file system failed: the message names the file and carries SQLite's own words.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------------
// SQLite tables as input

struct SqliteTableSpec {
  std::string file;
  std::string table;
};

// "sqlite:FILE:TABLE" (split at the last ':'). nullopt when `spec` does not start with "sqlite:";
// a spec that does but lacks a file or table sets `error`.
std::optional<SqliteTableSpec> parse_sqlite_spec(std::string_view spec, std::string& error);

struct SqliteReadOptions {
  bool content_hash = false;                // fill `sha256` with a hash of every value read
  std::vector<std::string> silent_columns;  // extra columns ignored without a note
};

struct SqliteLoaded {
  LoadedDataset loaded;
  std::string sha256;  // when asked for
};

// Reads a table (or view) whose columns have the canonical names into a Dataset. Money may be
// given as NAME (euros: an integer, a real with at most two decimals, or text "612.35") or as
// NAME_cents (integer cents). Dates are text YYYY-MM-DD; bools 0/1 or true/false. Each row is
// accepted or rejected with a reason (its `line` is the rowid); rows_read = accepted + rejected.
// Throws DataFileError when the file or table cannot be read as a whole (no such file or table,
// not a database, a required column missing); StoreError when SQLite fails while reading.
SqliteLoaded read_sqlite_table(const DatasetSchema& schema, const SqliteTableSpec& spec,
                               const SqliteReadOptions& options = {});

// ---------------------------------------------------------------------------------------------
// The store

enum class StoreAccess : std::uint8_t {
  ReadOnly,   // never writes, never creates a file (SQLITE_OPEN_READONLY)
  ReadWrite,  // the store must exist
  Create,     // creates the file when missing
};

enum class ImportMode : std::uint8_t {
  Merge,    // add new records, replace those with the same key, keep the rest
  Replace,  // the file becomes the whole content of its kind
};

// One file (or table) to import, already parsed.
struct ImportRequest {
  const DatasetSchema* schema = nullptr;
  std::string source;     // as the user named it
  std::string sha256;     // of its content: the same content is imported once
  LoadedDataset* data = nullptr;
};

struct ImportOutcome {
  std::string kind;
  std::string source;
  std::string sha256;
  bool skipped = false;            // this content was imported before and still is current: nothing was done
  std::int64_t import_id = 0;      // the new import, or the earlier one when skipped
  std::int64_t earlier_import = 0; // the latest earlier import of the same content, if any (0: none)
  std::string earlier_time;        // of that earlier import
  std::string earlier_source;      // the file it came from then
  std::uint64_t rows_read = 0;
  std::uint64_t rows_stored = 0;   // accepted rows now in the store: new + replaced + unchanged (merge)
  std::uint64_t rows_new = 0;      // records the store did not have
  std::uint64_t rows_replaced = 0; // merge: records the store held with other values, now replaced;
                                   // replace: the earlier rows of the kind, all dropped
  std::uint64_t rows_unchanged = 0;  // merge: records the store held with the same values (kept as they were)
  std::uint64_t rows_rejected = 0;
  std::vector<Rejection> rejections;  // the loader's and the store's (a key twice in one file)
};

struct ImportInfo {
  std::int64_t id = 0;
  std::string imported_at;
  std::string kind;
  std::string source;
  std::string sha256;
  ImportMode mode = ImportMode::Merge;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_accepted = 0;
  std::uint64_t rows_rejected = 0;
  std::uint64_t rows_new = 0;
  std::uint64_t rows_replaced = 0;
  std::uint64_t rows_unchanged = 0;  // merge: rows_accepted - rows_new - rows_replaced
  std::uint64_t live_rows = 0;     // rows of this import still current
  std::string engine_version;
};

// One input of a run: a kind read from the store, a file, or an SQLite table.
struct RunInput {
  std::string kind;
  std::string source;                 // "store", or the file / sqlite:FILE:TABLE as given
  std::string sha256;                 // file content; for the store, its state (docs/store.md)
  std::vector<std::int64_t> imports;  // for the store: the imports whose rows were read
  std::uint64_t rows_read = 0;
  std::uint64_t rows_accepted = 0;
  std::uint64_t rows_rejected = 0;
  bool used = true;
};

struct RunInfo {
  std::int64_t id = 0;
  std::string recorded_at;   // UTC, 2026-11-23T10:15:02Z
  std::int32_t as_of = 0;    // days since 1970-01-01
  std::string ruleset_id;
  std::string ruleset_title;
  std::string ruleset_file;
  std::string ruleset_sha256;
  std::string engine_version;
  std::map<std::string, std::uint64_t> summary;  // status name -> results
  std::vector<RunInput> inputs;
};

// One recorded result row.
struct StoredResult {
  std::int64_t seq = 0;             // position in the run's report
  std::string rule;
  std::string rule_title;
  std::string ruleset;              // the rule set that declares the rule
  std::string dataset;
  std::string group_json;           // canonical: {"corporation":"Trivire","year":2026}, grouping order
  std::string group_text;           // "Trivire, 2026"
  Status status = Status::NoData;
  ValueType unit = ValueType::Int;  // of the measure and threshold
  std::optional<Ratio> measure;
  std::string measure_text;
  std::optional<std::int64_t> numerator;
  std::optional<std::int64_t> denominator;
  std::uint64_t records = 0;
  std::string threshold_status;     // "breach", "signal", "target", or empty
  std::string threshold_op;
  std::optional<Ratio> threshold_value;
  std::string threshold_text;
  std::uint64_t evidence_count = 0;
  std::vector<std::string> evidence;
  std::string remedy_text;           // the remedy and the note in the engine's English, as recorded
  std::string message;
  ResultNote note;                   // the note as data (empty for a run an older toets recorded)
  std::optional<std::int64_t> remedy;
  std::optional<std::int64_t> remedy_to_ok;
};

// An import with the rows it rejected, in the order of their lines (toets rejections).
struct ImportRejections {
  ImportInfo import;
  std::vector<Rejection> rejections;  // line, column, value, reason (the store keeps no whole records)
};

// A kind read from the store, with what the run records about it.
struct StoreDataset {
  LoadedDataset loaded;
  RunInput input;
};

class Store {
 public:
  // Opens (or, with Create, makes) the store at `path`. User mistakes (no such file, not a toets
  // store, written by a newer toets, an interrupted import that a read-only open cannot roll back)
  // return null with `error` set; SQLite failures throw StoreError.
  // A store whose layout version was reset or is unknown, or that is missing its tables, is
  // refused ("restore it from a backup"). Opened after a write that did not finish (a journal or
  // write-ahead log left beside it), the store is first made whole and PRAGMA quick_check run:
  // what it found is in notes() (and logged as a warning), a damaged store is refused.
  // A writer (ReadWrite, Create) works in WAL mode from its first write on, so that readers see
  // the committed state meanwhile; closing it makes the store one file with a rollback journal
  // again. Opening alone changes nothing in the file.
  static std::unique_ptr<Store> open(const std::string& path, StoreAccess access, std::string& error);
  // A writer: checkpoints and returns the store to one file (docs/store.md). A store this object
  // created and never committed to (a first import that failed) is removed.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }
  bool read_only() const { return access_ == StoreAccess::ReadOnly; }
  // What opening the store found and did after an unfinished write, for the user.
  const std::vector<std::string>& notes() const { return notes_; }

  // Imports every request in one transaction: all of them are stored, or (on any failure or a
  // kill) none; a failure (a full disk, an I/O error, any exception) is rolled back and the store
  // left whole, as it was, before the error is thrown on. Merge: a record with a key the store holds replaces it when its values differ, and
  // leaves it as it was (from its earlier import) when they are the same; the last import wins.
  // Content imported before (same kind and sha256) is skipped when importing it again would
  // change nothing: no later import of the kind replaced a record since (merge), or it is still
  // the whole kind (replace). Otherwise it is imported again (an old file brings its values back).
  std::vector<ImportOutcome> import(const std::vector<ImportRequest>& requests, ImportMode mode,
                                    const std::string& now);

  // Reads the given kinds in one read transaction (a consistent snapshot). A kind never imported
  // is left out of the result. Each kind's LoadReport carries the rejections of the imports that
  // make it up (docs/store.md: for each file name its latest import since the last replace), in
  // `imports`, and counts their rejected rows in rows_read and rows_rejected.
  std::map<DatasetKind, StoreDataset> load(const std::vector<const DatasetSchema*>& schemas);

  // Every import, oldest first (or only import `import_id`: none when there is no such import),
  // with the rows it rejected (engine/store/store_rejections.cpp).
  std::vector<ImportRejections> import_rejections(std::optional<std::int64_t> import_id = std::nullopt);

  // Records a check run and every result row in one transaction (rolled back whole on failure, as
  // import); returns the run id.
  std::int64_t record_run(const CheckReport& report, const std::string& ruleset_sha256,
                          const std::vector<RunInput>& inputs, const std::string& now);

  // Runs, oldest first; only those of `ruleset_id` when given.
  std::vector<RunInfo> runs(const std::optional<std::string>& ruleset_id = std::nullopt);
  std::optional<RunInfo> run(std::int64_t id);
  std::vector<StoredResult> results(std::int64_t run_id);
  std::vector<ImportInfo> imports();

 private:
  Store(std::string path, StoreAccess access, sqlite3* db);
  // The transactions themselves (store_import.cpp, store_runs.cpp); import and record_run guard them (store_open.cpp).
  std::vector<ImportOutcome> import_transaction(const std::vector<ImportRequest>& requests, ImportMode mode,
                                                const std::string& now);
  std::int64_t record_run_transaction(const CheckReport& report, const std::string& ruleset_sha256,
                                      const std::vector<RunInput>& inputs, const std::string& now);
  // One request of import_transaction (engine/store/store_import.cpp).
  ImportOutcome import_one(const ImportRequest& request, ImportMode mode, const std::string& now);
  // Inside load's read transaction: a kind's rows, from its column blocks or its rows table.
  SqliteLoaded read_kind(const DatasetSchema& schema, const std::vector<store_internal::KindImport>& imports,
                         const std::string& state);
  // Before the first write: WAL mode, when there is room for its files.
  void start_writing();
  // Whether importing `requests` would change anything (not every one already imported as is).
  bool import_would_write(const std::vector<ImportRequest>& requests, ImportMode mode);
  // Inside a write transaction, just before its commit: reserves on disk the room the store file
  // will need when the commit is copied into it, so that a full disk fails the transaction (rolled
  // back) rather than the copy (a store file half updated). Throws StoreError.
  void reserve_room_for_commit();
  // After a failed write: rolls back, closes and reopens the connection, so that SQLite restores
  // the store file from its journal now. Returns the end of the message saying so: ": the store
  // is as it was", or what is left for the next command.
  std::string recover_after_failure() noexcept;
  // Cuts off what reserve_room_for_commit added to the file, after a rollback.
  void trim_reserved_room() noexcept;
  // After a commit in WAL mode: copies it into the store file now (a checkpoint).
  void copy_commit_into_file() noexcept;
  // Closes the connection; for a writer first back to one file with a rollback journal.
  void close() noexcept;
  std::vector<RunInfo> query_runs(const std::string& where, const std::vector<std::string>& arguments);
  struct EarlierImport {
    std::int64_t id = 0;
    std::string imported_at;
    std::string source;
    bool current = false;  // importing the same content again would change nothing
  };
  std::optional<EarlierImport> earlier_import(const std::string& kind, const std::string& sha256, ImportMode mode);
  // Inside load's read transaction: the imports of `kind` whose rejections count, into `report`.
  void attach_imports(const std::string& kind, LoadReport& report);
  // Inside import's write transaction: an import's rejections into import_rejections, with their
  // kind and details (engine/store/store_rejections.cpp).
  void save_rejections(std::int64_t import_id, const std::vector<Rejection>& rejections);

  std::string path_;
  StoreAccess access_;
  sqlite3* db_;
  bool wal_ = false;        // a writer in WAL mode (engine/store/store_open.cpp)
  bool created_ = false;    // the file did not exist before this open
  bool committed_ = false;  // a write transaction of this object committed
  std::vector<std::string> notes_;
};

// The hash of a rule set: every rule file it read (the file and its imports), in load order.
std::string ruleset_sha256(const CompiledRuleSet& rules);
// SHA-256 of a file's bytes; throws StoreError when it cannot be read. (An import hashes the bytes
// it loaded instead: load_input's `sha256`, engine/input/input.hpp.)
std::string file_sha256(const std::string& path);
// The current time, UTC, as 2026-11-23T10:15:02Z.
std::string utc_now();
// A group as canonical JSON text, in grouping order.
std::string group_json(const std::vector<GroupField>& group);

// ---------------------------------------------------------------------------------------------
// Comparing runs

enum class ChangeKind : std::uint8_t {
  New,           // a breach, signal or at_risk that was not there (or was ok)
  Resolved,      // a breach, signal or at_risk that is now ok or on_track
  Worse,         // signal -> breach, at_risk -> breach
  Better,        // breach -> signal, breach -> at_risk
  StatusChanged, // any other status change (e.g. ok -> no_data, breach -> not_evaluated)
  Appeared,      // a group the earlier run did not have, not a problem
  Disappeared,   // a group the later run does not have
  Moved,         // same status, another measure (or, for a share, other counts)
};
std::string_view change_name(ChangeKind kind);

struct ResultChange {
  ChangeKind kind = ChangeKind::Moved;
  std::string rule;
  std::string group_json;
  std::string group_text;
  std::optional<StoredResult> from;
  std::optional<StoredResult> to;
  std::optional<Ratio> delta;  // to - from, in the measure's unit, when both have a measure
};

struct RunDiff {
  RunInfo from;
  RunInfo to;
  std::vector<ResultChange> changes;  // in the later run's order, disappeared ones last
  std::uint64_t unchanged = 0;
  std::vector<std::string> notes;     // other rule set, changed rule texts, changed inputs
};

RunDiff diff_runs(const RunInfo& from, const std::vector<StoredResult>& from_results, const RunInfo& to,
                  const std::vector<StoredResult>& to_results);

void write_diff_text(const RunDiff& diff, std::ostream& out);
nlohmann::ordered_json diff_to_json(const RunDiff& diff);

void write_history_text(const std::vector<RunInfo>& runs, std::ostream& out);
nlohmann::ordered_json history_to_json(const std::vector<RunInfo>& runs);
void write_imports_text(const std::vector<ImportInfo>& imports, std::ostream& out);
nlohmann::ordered_json imports_to_json(const std::vector<ImportInfo>& imports);

}  // namespace toets
