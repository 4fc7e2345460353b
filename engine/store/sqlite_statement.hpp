#pragma once
// SQLite's C API as the store uses it, shared by the files that make up the store (store.cpp,
// store_open.cpp, store_rejections.cpp): a ConnectionGuard (closes an sqlite3*), a Statement (a
// prepared sqlite3_stmt*) and a Transaction (rolled back unless committed), with exec, probe,
// pragma_integer and sqlite_failure. Every failure throws StoreError naming the file and quoting
// SQLite's message (and the system's reason for a full disk or an I/O error). Internal to the store.

#include <sqlite3.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/store/store.hpp"

namespace toets::sqlite {

// Whether the file system holding `file` has no room left to speak of (less than 64 KiB).
inline bool disk_full_at(const std::string& file) {
  std::string folder = file.substr(0, file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/'));
  if (folder.empty()) folder = file.find('/') == 0 ? "/" : ".";
  struct statvfs status {};
  return ::statvfs(folder.c_str(), &status) == 0 &&
         static_cast<unsigned long long>(status.f_bavail) * status.f_frsize < 65536;
}

// The message for SQLite's last error on `db`: what was being done, SQLite's words, and for a full
// disk or an I/O error the system's reason ("database or disk is full (No space left on device)")
// instead of the statement, which says nothing to the user.
inline std::string failure_message(sqlite3* db, const std::string& file, std::string_view doing) {
  if (db == nullptr) return file + ": " + std::string(doing) + ": out of memory";
  const int code = sqlite3_errcode(db);
  std::string message = file + ": ";
  if (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN) {
    message += sqlite3_errmsg(db);
    // SQLite keeps no errno for a full disk (it is always this one), nor for every I/O error
    // (growing the -shm file of a WAL store on a full disk); a full disk is then said as such.
    int system = code == SQLITE_FULL ? ENOSPC : sqlite3_system_errno(db);
    if (system == 0 && code == SQLITE_IOERR && disk_full_at(file)) system = ENOSPC;
    if (system != 0) message += " (" + std::string(std::strerror(system)) + ")";
    return message;
  }
  message += std::string(doing) + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    message += " (another process kept the store locked for " + std::to_string(kBusyTimeoutMs / 1000) + " s)";
  } else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    message += "; the file is damaged: restore it from a backup";
  }
  return message;
}

// Before SQLite's first use in the process: no memory statistics. They cost a global mutex on every
// allocation, a tenth of an import's time, and toets never asks for them. (Too late once SQLite is
// initialised; harmless then.)
inline void configure_sqlite() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

[[noreturn]] inline void sqlite_failure(sqlite3* db, const std::string& file, std::string_view doing) {
  throw StoreError(failure_message(db, file, doing));
}

inline void exec(sqlite3* db, const std::string& file, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite_failure(db, file, "cannot run '" + std::string(std::string_view(sql).substr(0, 80)) + "'");
  }
}

// Closes the connection unless released to its owner. Movable, not copyable.
struct ConnectionGuard {
  sqlite3* db = nullptr;
  ConnectionGuard() = default;
  ConnectionGuard(ConnectionGuard&& other) noexcept : db(std::exchange(other.db, nullptr)) {}
  ConnectionGuard& operator=(ConnectionGuard&& other) noexcept {
    if (this != &other) {
      close();
      db = std::exchange(other.db, nullptr);
    }
    return *this;
  }
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;
  ~ConnectionGuard() { close(); }
  void close() {
    if (db != nullptr) sqlite3_close_v2(db);
    db = nullptr;
  }
  sqlite3* release() { return std::exchange(db, nullptr); }
};

// Runs a probe query; returns SQLite's extended code (SQLITE_OK when the file reads as a database).
// The first read of a connection is also when SQLite rolls back a hot journal.
inline int probe(sqlite3* db) {
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &statement, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  sqlite3_finalize(statement);
  return rc == SQLITE_OK ? SQLITE_OK : sqlite3_extended_errcode(db);
}

// One prepared statement. Text is bound without a copy: it must stay alive until step().
class Statement {
 public:
  Statement(sqlite3* db, const std::string& file, std::string_view sql) : db_(db), file_(&file) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
      sqlite_failure(db, file, "cannot prepare '" + std::string(sql.substr(0, 80)) + "'");
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(stmt_, index, value)); }
  void bind(int index, std::string_view text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
  }
  void bind_copy(int index, std::string_view text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
  }
  void bind_null(int index) { check(sqlite3_bind_null(stmt_, index)); }
  // Bytes bound without a copy: they must stay alive until step().
  void bind_blob(int index, const void* data, std::size_t size) {
    check(sqlite3_bind_blob64(stmt_, index, data, static_cast<sqlite3_uint64>(size), SQLITE_STATIC));
  }
  void bind(int index, const std::optional<std::int64_t>& value) {
    if (value) bind(index, *value);
    else bind_null(index);
  }

  // True while there is a row; false when done.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite_failure(db_, *file_, "cannot run '" + std::string(sql_prefix()) + "'");
  }
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // Ready to run again, keeping the bindings: for a caller that binds every parameter each time.
  void rewind() { sqlite3_reset(stmt_); }

  int columns() const { return sqlite3_column_count(stmt_); }
  std::string name(int column) const {
    const char* text = sqlite3_column_name(stmt_, column);
    return text != nullptr ? text : "";
  }
  int type(int column) const { return sqlite3_column_type(stmt_, column); }
  bool is_null(int column) const { return type(column) == SQLITE_NULL; }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string_view text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    const int size = sqlite3_column_bytes(stmt_, column);
    return data == nullptr ? std::string_view() : std::string_view(data, static_cast<std::size_t>(size));
  }
  std::string string(int column) const { return std::string(text(column)); }
  std::optional<std::int64_t> optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
  }
  int blob_size(int column) const { return sqlite3_column_bytes(stmt_, column); }
  const void* blob(int column) const { return sqlite3_column_blob(stmt_, column); }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) sqlite_failure(db_, *file_, "cannot bind a value");
  }
  std::string_view sql_prefix() const {
    const char* sql = sqlite3_sql(stmt_);
    return sql == nullptr ? std::string_view() : std::string_view(sql).substr(0, 80);
  }

  sqlite3* db_;
  const std::string* file_;
  sqlite3_stmt* stmt_ = nullptr;
};

inline std::int64_t pragma_integer(sqlite3* db, const std::string& file, const char* sql) {
  Statement statement(db, file, sql);
  return statement.step() ? statement.integer(0) : 0;
}

// PRAGMA quick_check's verdict: "ok", or its first findings and how many there are
// (engine/store/store_open.cpp).
std::string quick_check(sqlite3* db, const std::string& file);

// BEGIN (a read snapshot) or BEGIN IMMEDIATE (the write lock up front, so two writers queue
// rather than deadlock); rolled back unless committed.
class Transaction {
 public:
  enum class Kind : std::uint8_t { Read, Write };
  Transaction(sqlite3* db, const std::string& file, Kind kind) : db_(db), file_(file) {
    exec(db_, file_, kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    exec(db_, file_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  const std::string& file_;
  bool done_ = false;
};

}  // namespace toets::sqlite
