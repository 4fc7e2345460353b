#pragma once
// SQLite's C API as the store uses it, shared by the files that make up the store (store.cpp,
// store_rejections.cpp): a Statement (a prepared sqlite3_stmt*) and a Transaction (rolled back
// unless committed), with exec and sqlite_failure. Every failure throws StoreError naming the
// file and quoting SQLite's message. Internal to the store.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/store.hpp"

namespace toets::sqlite {

[[noreturn]] inline void sqlite_failure(sqlite3* db, const std::string& file, std::string_view doing) {
  std::string message = file + ": " + std::string(doing) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory");
  if (db != nullptr && (sqlite3_errcode(db) == SQLITE_BUSY || sqlite3_errcode(db) == SQLITE_LOCKED)) {
    message += " (another process kept the store locked for " + std::to_string(kBusyTimeoutMs / 1000) + " s)";
  }
  throw StoreError(message);
}

inline void exec(sqlite3* db, const std::string& file, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = file + ": " + (error != nullptr ? error : sqlite3_errmsg(db));
    sqlite3_free(error);
    throw StoreError(message);
  }
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
