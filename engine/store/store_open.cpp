// The store as a file (docs/store.md, "Durability and concurrency"): opening it — is it a toets
// store of a layout this toets reads, whole after an earlier write that did not finish? — writing
// to it so that a failure leaves it as it was, and closing it as one file again.
//
// Journal modes. At rest a store is one file with a rollback journal: a copy of the .db is the
// whole store, and readers (history, diff, check --no-record) create nothing beside it. A writer
// switches it to WAL while it works, so that readers keep reading the committed state through a
// long import instead of waiting for it ("database is locked"); its uncommitted pages never touch
// the .db, which stays whole whatever happens to the writer. Before committing, the writer reserves
// the room the .db will need, so that copying the commit into it at the end cannot run out of disk;
// closing copies it (a checkpoint) and switches back to the rollback journal, which removes the
// -wal and -shm files. If another connection still has the store open then, the switch is left to
// the last writer out; the committed data is in the .db either way once the checkpoint has run.

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <chrono>
#include <filesystem>
#include <thread>

#include "dsl/source/regular_file.hpp"
#include "engine/store/sqlite_statement.hpp"
#include "engine/store/store.hpp"
#include "engine/store/store_internal.hpp"

namespace toets {

namespace {
using namespace store_internal;

namespace fs = std::filesystem;


// The tables every store of layout 1 has from its first write on (the kind tables are made again
// by a writer when missing).
constexpr const char* kFixedTables[] = {"meta", "imports", "import_rejections", "runs", "run_inputs", "run_results"};

// Below this much free space a writer keeps the rollback journal (the -shm file alone takes 32 KiB).
constexpr std::uint64_t kRoomForWal = 1 << 20;

std::uint64_t room_in_folder_of(const std::string& path) {
  const fs::path folder = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  struct statvfs status {};
  if (::statvfs(folder.c_str(), &status) != 0) return kRoomForWal;  // unknown: as if there were room
  return static_cast<std::uint64_t>(status.f_bavail) * status.f_frsize;
}

std::int64_t size_of(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 ? static_cast<std::int64_t>(status.st_size) : -1;
}

// NOMUTEX: a connection is used by one thread only (see the class comment), so SQLite need not
// lock a mutex on every call (a tenth of the time of reading a million rows).
ConnectionGuard connect(const std::string& path, int flags) {
  ConnectionGuard connection;
  if (sqlite3_open_v2(path.c_str(), &connection.db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    sqlite_failure(connection.db, path, "cannot open the store");
  }
  sqlite3_extended_result_codes(connection.db, 1);
  sqlite3_busy_timeout(connection.db, kBusyTimeoutMs);
  return connection;
}

std::string pragma_text(sqlite3* db, const std::string& file, const char* sql) {
  Statement statement(db, file, sql);
  return statement.step() ? statement.string(0) : "";
}

std::vector<std::string> table_names(sqlite3* db, const std::string& file) {
  Statement statement(db, file, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  std::vector<std::string> names;
  while (statement.step()) names.push_back(statement.string(0));
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// PRAGMA journal_mode = `mode` without waiting: leaving WAL needs the store to itself, and SQLite
// answers SQLITE_BUSY at once when another connection has it open. True when the mode is now `mode`.
bool try_journal_mode(sqlite3* db, const char* mode) {
  const std::string sql = std::string("PRAGMA journal_mode = ") + mode;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) return false;
  bool done = false;
  if (sqlite3_step(statement) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    done = text != nullptr && sqlite3_stricmp(text, mode) == 0;
  }
  sqlite3_finalize(statement);
  return done;
}

// The layout check: a toets store of a layout this toets reads, or an empty database (a new
// store). The problem, or "" when there is none.
std::string layout_problem(sqlite3* db, const std::string& path) {
  const std::int64_t application_id = pragma_integer(db, path, "PRAGMA application_id");
  const std::int64_t version = pragma_integer(db, path, "PRAGMA user_version");
  const std::vector<std::string> tables = table_names(db, path);
  if (application_id != kStoreApplicationId) {
    if (application_id == 0 && tables.empty() && version == 0) return "";  // a new store, laid out by its first write
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < tables.size() && i < 5; ++i) shown.push_back(tables[i]);
    return path + ": not a toets store (an SQLite database" +
           (tables.empty() ? std::string() : " with tables " + joined(shown) + (tables.size() > 5 ? ", ..." : "")) +
           "); a store is a file of its own";
  }
  if (version > kStoreSchemaVersion) {
    return path + ": written by a newer toets (store layout " + std::to_string(version) + "; this toets " +
           std::string(engine_version()) + " reads layout " + std::to_string(kStoreSchemaVersion) + ")";
  }
  if (version < 1) {
    // Read as it is, it would pass for an empty store: every rule not evaluated, exit 0.
    return path + ": a toets store whose layout version (PRAGMA user_version) is " + std::to_string(version) +
           ", which no toets writes: it was reset or the file is damaged; restore the store from a backup";
  }
  std::vector<std::string> missing;
  for (const char* table : kFixedTables) {
    if (std::find(tables.begin(), tables.end(), table) == tables.end()) missing.emplace_back(table);
  }
  if (!missing.empty()) {
    return path + ": a toets store (layout " + std::to_string(version) + ") without its table" +
           (missing.size() == 1 ? " " : "s ") + joined(missing) +
           ": it was changed outside toets or is damaged; restore the store from a backup";
  }
  return "";
}

// Removes a store file this process made and nothing was ever committed to (with its journal
// files), so that a failed first import leaves nothing behind. Only when it is still empty: no
// bytes, or one page whose schema holds nothing and whose layout version is 0 (read from the
// bytes: every connection of this process to it is closed by now, and a read-only SQLite open of
// a WAL-mode file would want to make a -shm file on what may be a full disk).
void remove_if_never_written(const std::string& path) {
  if (size_of(path + "-wal") > 0 || size_of(path + "-journal") > 0) return;  // someone else writes it
  const std::int64_t size = size_of(path);
  if (size < 0) return;
  if (size > 0) {
    std::ifstream in(path, std::ios::binary);
    std::array<unsigned char, 108> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    if (!in) return;
    const auto number = [&](std::size_t at, std::size_t bytes) {
      std::uint32_t value = 0;
      for (std::size_t i = 0; i < bytes; ++i) value = (value << 8) | header[at + i];
      return value;
    };
    std::uint32_t page_size = number(16, 2);
    if (page_size == 1) page_size = 65536;
    const bool one_page = size <= static_cast<std::int64_t>(page_size);
    const bool no_tables = number(103, 2) == 0;  // cells on page 1: the schema's entries
    const bool no_layout = number(60, 4) == 0;   // user_version
    // Zeros: a file SQLite made and never wrote a header into (a full disk from the start).
    const bool zeros = std::all_of(header.begin(), header.end(), [](unsigned char byte) { return byte == 0; });
    const bool empty_database =
        std::memcmp(header.data(), "SQLite format 3", 16) == 0 && one_page && no_tables && no_layout;
    if (!zeros && !empty_database) return;
  }
  ::unlink(path.c_str());
  ::unlink((path + "-wal").c_str());
  ::unlink((path + "-shm").c_str());
  ::unlink((path + "-journal").c_str());
}

}  // namespace

namespace sqlite {

std::string quick_check(sqlite3* db, const std::string& file) {
  Statement check(db, file, "PRAGMA quick_check(100)");
  std::vector<std::string> findings;
  while (check.step()) findings.push_back(check.string(0));
  if (findings.empty() || (findings.size() == 1 && findings.front() == "ok")) return "ok";
  std::string out;
  for (std::size_t i = 0; i < findings.size() && i < 3; ++i) out += (i == 0 ? "" : "; ") + findings[i];
  if (findings.size() > 3) out += "; and " + std::to_string(findings.size() - 3) + " more";
  return out;
}

}  // namespace sqlite

Store::Store(std::string path, StoreAccess access, sqlite3* db) : path_(std::move(path)), access_(access), db_(db) {}

Store::~Store() {
  close();
  if (created_ && !committed_) remove_if_never_written(path_);
}

namespace {

// Why `path` cannot be opened as a store with `access` ("" when it can), from what stat says of
// it; `exists` tells whether there is a file.
std::string path_problem(const std::string& path, StoreAccess access, bool& exists) {
  struct stat status {};
  exists = ::stat(path.c_str(), &status) == 0;
  if (!exists && errno != ENOENT) {
    return path + ": cannot open the store: " + describe_errno(errno);  // a symbolic link loop, a permission
  }
  if (!exists && access != StoreAccess::Create) {
    return path + ": no such store (toets import --db " + path + " creates one)";
  }
  if (exists && S_ISDIR(status.st_mode)) {
    return path + ": is a directory, not a store";
  }
  if (exists && !S_ISREG(status.st_mode)) {
    // /dev/null or /dev/zero reads as an empty database: it would pass for an empty store; a FIFO
    // would hang the open.
    return path + ": is not a regular file, not a store";
  }
  return "";
}

// The connection's first read said SQLITE_READONLY_ROLLBACK. An import was killed: its journal
// must be rolled back before anyone reads. A read-only connection cannot; a writable one does so
// on its first read, leaving the store as it was before that import. Only when the file may be
// written: otherwise false, with `error`. `connection` is opened again and `rc` is its first read.
bool roll_back_killed_import(ConnectionGuard& connection, const std::string& path, int flags, int& rc,
                             std::string& error) {
  if (::access(path.c_str(), W_OK) != 0) {
    error = path + ": an interrupted import left " + path + "-journal; the store must be opened once by someone "
            "who may write it (any toets import or check --db) to roll that import back";
    return false;
  }
  {
    ConnectionGuard writer = connect(path, SQLITE_OPEN_READWRITE);
    if (probe(writer.db) != SQLITE_OK) sqlite_failure(writer.db, path, "cannot roll back an interrupted import");
  }
  connection.close();
  connection = connect(path, flags);
  rc = probe(connection.db);
  return true;
}

// After a write that did not finish: a journal SQLite has just rolled back (a writable
// connection does so on its first read), or a write-ahead log nobody else holds (a writer that
// was killed), whose committed part is now copied into the .db. What was recovered, in words;
// "" when nothing was.
std::string recover_unfinished_write(sqlite3* db, const std::string& path, StoreAccess access, bool journal_before,
                                     bool wal_before, bool rolled_back) {
  std::string recovered;
  if (journal_before && (rolled_back || size_of(path + "-journal") <= 0)) {
    recovered = "the last write to it did not finish (it left " + path + "-journal) and was rolled back";
  } else if (wal_before && access != StoreAccess::ReadOnly) {
    sqlite3_busy_timeout(db, 0);
    if (try_journal_mode(db, "delete")) {
      recovered = "the last writer did not close it (it left " + path + "-wal); its committed writes are now in " +
                  path;
    }
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
  }
  return recovered;
}

// A writer's settings, only once the file is known to be a store (or empty). WAL while this writer
// works (the top of this file); full syncs; no checkpoints inside a commit (the close makes one,
// after reserve_room_for_commit has made room for it). Waits, like any writer, for a reader in the
// middle of a read to finish. Whether the store is in WAL mode (someone left it so).
bool set_up_writer(sqlite3* db, const std::string& path) {
  exec(db, path, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;");
  return pragma_text(db, path, "PRAGMA journal_mode") == "wal";
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& path, StoreAccess access, std::string& error) {
  sqlite::configure_sqlite();
  bool exists = false;
  error = path_problem(path, access, exists);
  if (!error.empty()) return nullptr;
  // Signs of a write that did not finish, looked at before SQLite opens the file and acts on them.
  const bool journal_before = size_of(path + "-journal") > 0;
  const bool wal_before = size_of(path + "-wal") > 0;

  const int flags = access == StoreAccess::ReadOnly ? SQLITE_OPEN_READONLY
                    : access == StoreAccess::ReadWrite ? SQLITE_OPEN_READWRITE
                                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // A store file made here and refused or failed before it was returned is removed again.
  struct NewFile {
    const std::string& path;
    bool made;
    ~NewFile() {
      if (made) remove_if_never_written(path);
    }
  } new_file{path, !exists};

  ConnectionGuard connection = connect(path, flags);
  int rc = probe(connection.db);
  bool rolled_back = false;
  if (rc == SQLITE_READONLY_ROLLBACK) {
    if (!roll_back_killed_import(connection, path, flags, rc, error)) return nullptr;
    rolled_back = true;
  }
  if (rc == SQLITE_NOTADB) {
    error = path + ": not a toets store (not an SQLite database at all)";
    return nullptr;
  }
  if (rc != SQLITE_OK) sqlite_failure(connection.db, path, "cannot read the store");

  if (access != StoreAccess::ReadOnly && sqlite3_db_readonly(connection.db, "main") == 1) {
    error = path + ": the store is read-only for this user; a check can read it with --no-record, but cannot "
            "record a run or import into it";
    return nullptr;
  }
  error = layout_problem(connection.db, path);
  if (!error.empty()) return nullptr;

  const std::string recovered =
      recover_unfinished_write(connection.db, path, access, journal_before, wal_before, rolled_back);
  std::vector<std::string> notes;
  if (!recovered.empty()) {
    const std::string verdict = sqlite::quick_check(connection.db, path);
    if (verdict != "ok") {
      error = path + ": " + recovered + ", but PRAGMA quick_check finds the store damaged: " + verdict +
              "; restore the store from a backup";
      return nullptr;
    }
    notes.push_back(path + ": " + recovered + "; PRAGMA quick_check finds the store intact");
  }

  const bool wal = access != StoreAccess::ReadOnly && set_up_writer(connection.db, path);
  auto store = std::unique_ptr<Store>(new Store(path, access, connection.release()));
  store->wal_ = wal;
  store->created_ = !exists;
  store->notes_ = std::move(notes);
  new_file.made = false;  // the Store removes it now, if it must
  return store;
}

void Store::reserve_room_for_commit() {
  // Only in WAL mode: with the rollback journal the commit writes into the file itself, and a
  // failure there is rolled back from the journal (which also cuts the file back to its size).
  if (!wal_) return;
  // SQLITE_FCNTL_SIZE_HINT grows the file to the size the transaction gives it (rounded to the
  // chunk size, here one page), writing the new blocks: a full disk says so now, inside the
  // transaction, instead of half-way through the checkpoint. The store ignores bytes past its
  // last page (its size is in its header), and a checkpoint trims them.
  const std::int64_t page_size = pragma_integer(db_, path_, "PRAGMA page_size");
  sqlite3_int64 needed = pragma_integer(db_, path_, "PRAGMA page_count") * page_size;
  int chunk = static_cast<int>(page_size);
  sqlite3_file_control(db_, "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk);
  const int rc = sqlite3_file_control(db_, "main", SQLITE_FCNTL_SIZE_HINT, &needed);
  chunk = 0;
  sqlite3_file_control(db_, "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk);
  if (rc != SQLITE_OK && rc != SQLITE_NOTFOUND) {
    const int system = errno;
    throw StoreError(path_ + ": cannot make room for the store's new pages: " +
                     (system != 0 ? describe_errno(system) : std::string("the disk is full or failing")));
  }
}

void Store::start_writing() {
  // WAL from the first write on (the top of this file): a command that reads, or is refused
  // before it writes, leaves the store file as it was, byte for byte. On a disk too full for the
  // -wal and -shm files the rollback journal is kept: the write then fails (and is rolled back)
  // for want of room, not for SQLite's shared memory, and no file is left in WAL mode for
  // readers to need a -shm file beside it. Waits, like any writer, for a reader in the middle of
  // a read to finish.
  //
  // Not for a store this command creates: its file is empty until the first commit, so there is
  // no committed state for a reader to keep, and the rollback journal copies no page (SQLite
  // journals only pages that existed before the transaction, and undoes appended ones by cutting
  // the file back). Its pages are then written once, into the .db; through WAL they were written
  // twice (into the -wal, then copied by the checkpoint): about a tenth of a new store's import.
  if (wal_ || created_ || access_ == StoreAccess::ReadOnly || room_in_folder_of(path_) < kRoomForWal) return;
  if (sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    // Locked: said as any lock is. Anything else: this writer keeps the rollback journal;
    // readers then wait for its commit, as they always did.
    const int code = sqlite3_errcode(db_);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) sqlite_failure(db_, path_, "cannot start writing");
  }
  wal_ = pragma_text(db_, path_, "PRAGMA journal_mode") == "wal";
}

bool Store::import_would_write(const std::vector<ImportRequest>& requests, ImportMode mode) {
  // The same question import_transaction asks of each request, asked once before it: an import
  // of content the store holds as it is (a nightly import of unchanged files) writes nothing, and
  // then leaves the file as it was, byte for byte, without a switch to WAL and back.
  if (access_ == StoreAccess::ReadOnly || pragma_integer(db_, path_, "PRAGMA user_version") == 0) return true;
  sqlite::Transaction snapshot(db_, path_, sqlite::Transaction::Kind::Read);
  for (const ImportRequest& request : requests) {
    const auto earlier = earlier_import(request.schema->name, request.sha256, mode);
    if (!earlier || !earlier->current) return true;
  }
  return false;
}

std::vector<ImportOutcome> Store::import(const std::vector<ImportRequest>& requests, ImportMode mode,
                                         const std::string& now) {
  if (import_would_write(requests, mode)) start_writing();
  try {
    std::vector<ImportOutcome> outcomes = import_transaction(requests, mode, now);
    committed_ = true;
    copy_commit_into_file();
    return outcomes;
  } catch (const StoreError& failure) {
    throw StoreError(std::string(failure.what()) + "; nothing was imported" + recover_after_failure());
  } catch (...) {
    recover_after_failure();
    throw;
  }
}

std::int64_t Store::record_run(const CheckReport& report, const std::string& ruleset_sha256,
                               const std::vector<RunInput>& inputs, const std::string& now) {
  start_writing();
  try {
    const std::int64_t run = record_run_transaction(report, ruleset_sha256, inputs, now);
    committed_ = true;
    copy_commit_into_file();
    return run;
  } catch (const StoreError& failure) {
    throw StoreError(std::string(failure.what()) + "; the run was not recorded" + recover_after_failure());
  } catch (...) {
    recover_after_failure();
    throw;
  }
}

std::string Store::recover_after_failure() noexcept {
  const std::string as_it_was = ": the store is as it was";
  if (access_ == StoreAccess::ReadOnly) return as_it_was;  // it never wrote
  // After an I/O error or a full disk SQLite may keep the transaction's journal for the next
  // connection to roll back: the .db alone would be half written until then. So the connection
  // is closed and a new one opened at once, whose first read does the rollback. (In WAL mode the
  // transaction's pages are only in the -wal file, and the new connection drops them.)
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  if (db_ != nullptr) sqlite3_close_v2(db_);
  db_ = nullptr;
  std::string reopen_failure;
  try {
    ConnectionGuard again = connect(path_, SQLITE_OPEN_READWRITE);
    if (probe(again.db) == SQLITE_OK) {
      exec(again.db, path_, "PRAGMA wal_autocheckpoint = 0");
      db_ = again.release();
    } else {
      reopen_failure = sqlite3_errmsg(again.db);
    }
  } catch (const std::exception& e) {
    reopen_failure = e.what();  // not now (the disk may still be full)
  }
  if (size_of(path_ + "-journal") > 0 && (db_ == nullptr || !try_journal_mode(db_, "delete"))) {
    return "; " + path_ + "-journal is left beside it, and the next toets command on the store rolls it back";
  }
  if (db_ == nullptr && wal_) {
    // The .db never saw the transaction's pages; only the files beside it are left to tidy.
    return as_it_was + " (" + path_ + "-wal and -shm stay beside it until the next toets command on it)";
  }
  if (db_ == nullptr) return "; the store could not be opened again to check it: " + reopen_failure;
  trim_reserved_room();
  return as_it_was;
}

void Store::trim_reserved_room() noexcept {
  // The room reserve_room_for_commit added is zeros past the store's last page; with the write
  // lock held no one else can add pages, and a checkpoint writes none past the last either.
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return;
  try {
    const std::int64_t bytes = pragma_integer(db_, path_, "PRAGMA page_count") *
                               pragma_integer(db_, path_, "PRAGMA page_size");
    if (bytes > 0 && size_of(path_) > bytes) (void)!::truncate(path_.c_str(), bytes);
  } catch (const std::exception&) {
    // Left as it is: the store reads the same with the zeros, and the next checkpoint trims them.
  }
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Store::copy_commit_into_file() noexcept {
  // At once, without waiting for readers (a reader in the middle of an older snapshot keeps the
  // pages it reads from being overwritten; the close copies the rest): the .db alone then holds
  // the commit even if this process ends before it closes the store.
  sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

void Store::close() noexcept {
  if (db_ == nullptr) return;
  if (wal_ && access_ != StoreAccess::ReadOnly) {
    // Back to one file: the committed pages copied into the .db, then the rollback journal, which
    // removes -wal and -shm. Leaving WAL needs the store to itself: a reader still connected makes
    // SQLite refuse at once, so a few tries, then the switch is left to the next writer.
    sqlite3_busy_timeout(db_, 2000);
    sqlite3_exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    for (int attempt = 0; attempt < 10 && !try_journal_mode(db_, "delete"); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

}  // namespace toets
