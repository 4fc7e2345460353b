#pragma once
// What the store's tests share (tests/store_test.cpp, store_runs_test.cpp, store_kill_test.cpp):
// a scratch folder, the built toets as a process, a small SQLite handle, CSV rows of allocations,
// a store opened or imported into in this process, and the store's content as lines.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/sha256.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/store/store.hpp"
#include "tests/support/scratch_folder.hpp"
#include "tests/support/toets_process.hpp"

namespace store_testing {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Helpers

// A fresh folder per test, removed at the end (CTest runs tests in parallel processes).
using TempDir = toets::testing_support::TempFolder;

inline std::string read_file(const std::string& path) { return toets::testing_support::read_whole(path); }

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string source_path(const std::string& relative) { return std::string(TOETS_SOURCE_DIR) + "/" + relative; }

using Outcome = toets::testing_support::ProcessOutcome;

// Runs the built toets from the source folder with `arguments` (shell words).
inline Outcome toets(const std::string& arguments) { return toets::testing_support::run_toets_shell(arguments); }

// A small SQLite helper for tests: runs SQL, fails the test on an error.
class Db {
 public:
  explicit Db(const std::string& path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
    // Tests make many small databases; they need no crash safety.
    if ((flags & SQLITE_OPEN_READWRITE) != 0) exec("PRAGMA synchronous = OFF");
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      ADD_FAILURE() << sql.substr(0, 200) << ": " << (error != nullptr ? error : "?");
    }
    sqlite3_free(error);
  }
  // Every row, each as its cells' text joined by '|' (NULL as "NULL").
  std::vector<std::string> rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    int rc = 0;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(statement); ++c) {
        if (c > 0) row += "|";
        const auto* text = sqlite3_column_text(statement, c);
        row += text == nullptr ? "NULL" : reinterpret_cast<const char*>(text);
      }
      out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(statement);
    return out;
  }
  std::string value(const std::string& sql) {
    const auto all = rows(sql);
    return all.empty() ? std::string() : all.front();
  }

 private:
  sqlite3* db_ = nullptr;
};

inline const toets::DatasetSchema& schema_of(const std::string& name) { return *toets::find_dataset(name); }

const std::string kAllocationsHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

inline std::string allocation_row(const std::string& id, const std::string& corporation, const std::string& income,
                           const std::string& date = "2026-03-01") {
  return id + "," + corporation + ",Dordrecht,,," + date + ",VHE-" + id + ",sociaal,true,false,612.35,1," + income +
         ",35,regulier,C\n";
}

inline toets::LoadedDataset parse_csv(const std::string& schema, const std::string& text, const std::string& name) {
  return toets::read_csv_text(schema_of(schema), text, name);
}

inline std::unique_ptr<toets::Store> open_store(const std::string& path, toets::StoreAccess access) {
  std::string error;
  auto store = toets::Store::open(path, access, error);
  EXPECT_TRUE(store != nullptr) << error;
  return store;
}

// Imports CSV text as one request.
inline std::vector<toets::ImportOutcome> import_text(toets::Store& store, const std::string& kind,
                                                     const std::string& text, const std::string& name,
                                                     toets::ImportMode mode = toets::ImportMode::Merge) {
  toets::LoadedDataset loaded = parse_csv(kind, text, name);
  std::vector<toets::ImportRequest> requests{
      toets::ImportRequest{&schema_of(kind), name, toets::sha256_hex(text), &loaded}};
  return store.import(requests, mode, "2026-11-23T10:00:00Z");
}

// Every row of every table, table by table: what the store holds, whatever its header says (a
// failed write leaves the content as it was; the header's change counter may have moved).
inline std::vector<std::string> store_content(const std::string& path) {
  Db db(path, SQLITE_OPEN_READONLY);
  std::vector<std::string> out;
  for (const std::string& table : db.rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
    out.push_back("table " + table);
    for (const std::string& row : db.rows("SELECT * FROM \"" + table + "\" ORDER BY rowid")) out.push_back(row);
  }
  return out;
}

// The store's allocations as "id|income cents|import" lines, by id.
inline std::vector<std::string> stored_allocations(const std::string& path) {
  Db db(path, SQLITE_OPEN_READONLY);
  return db.rows("SELECT allocation_id, household_income_cents, import_id FROM allocations ORDER BY allocation_id");
}

// The fixture the command-line tests import and check.
const std::string kFixtureDir = "fixtures/dordrecht-2026-2027";
const std::string kRules = "rules/dordrecht-2026-2027.toets";

// `toets import` of the fixture's allocations and stock into `db`.
inline Outcome import_fixture(const std::string& db) {
  return toets("import --db '" + db + "' --data allocations=" + kFixtureDir + "/allocations.csv --data stock=" +
               kFixtureDir + "/stock.csv");
}

}  // namespace store_testing
