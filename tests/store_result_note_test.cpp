// The store keeps a result's note and remedy as data beside their English (docs/store.md): a run
// recorded by `toets check --db` reads back with the note's codes, and a store written before the
// columns existed is read as before and gets them on its next write.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "engine/report/report.hpp"
#include "engine/store/store.hpp"
#include "tests/support/toets_process.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;
using testing_support::ProcessOptions;
using testing_support::run_toets_process;

// The Westervoort rules with the allocations given and the projects in the store: each rule over
// the stock or the mutations is not evaluated, for want of its data.
ProcessOptions setup() {
  ProcessOptions s;
  s.environment = std::vector<std::string>{"TOETS_NOW=1795435200", "LC_ALL=C", "TZ=UTC"};
  return s;
}

// A store with the projects in it (toets check records only into a store that exists), then the
// check; its exit status.
int check_into(const std::string& db) {
  if (!fs::exists(db)) {
    const auto made = run_toets_process({"import", "--db", db, "--data", "projects=fixtures/westervoort-2022/projects.csv"}, setup());
    EXPECT_EQ(made.exit_code, 0) << made.err;
  }
  return run_toets_process({"check", "rules/westervoort-2022.toets", "--as-of", "2023-06-30", "--data",
                       "allocations=fixtures/westervoort-2022/allocations.csv", "--db", db, "--format", "json"},
                      setup())
      .exit_code;
}

void exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::vector<StoredResult> results_of_run(const std::string& path, std::size_t index) {
  std::string error;
  auto store = Store::open(path, StoreAccess::ReadOnly, error);
  EXPECT_NE(store, nullptr) << error;
  if (store == nullptr) return {};
  const auto runs = store->runs();
  EXPECT_GT(runs.size(), index);
  if (runs.size() <= index) return {};
  return store->results(runs[index].id);
}

const StoredResult* first_with(const std::vector<StoredResult>& results, const std::string& message) {
  const auto found = std::find_if(results.begin(), results.end(), [&](const StoredResult& r) { return r.message == message; });
  return found == results.end() ? nullptr : &*found;
}

class StoreResultNote : public testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("toets_store_note_" + std::to_string(::getpid()) + "_" +
                                           testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    db_ = (folder_ / "runs.db").string();
  }
  void TearDown() override { fs::remove_all(folder_); }
  fs::path folder_;
  std::string db_;
};

TEST_F(StoreResultNote, ARunsNotesReadBackAsData) {
  ASSERT_GE(check_into(db_), 0);
  const auto results = results_of_run(db_, 0);
  const StoredResult* stock = first_with(results, "no stock data given (--data stock=FILE)");
  ASSERT_NE(stock, nullptr);
  ASSERT_EQ(stock->note.parts.size(), 1u);
  EXPECT_EQ(stock->note.parts[0].code, NoteCode::NoData);
  EXPECT_EQ(stock->note.parts[0].args.dataset, "stock");
  EXPECT_EQ(note_text(stock->note, Lang::Nl), "geen woningvoorraad gegeven (--data stock=BESTAND)");
  // A result with nothing to say has no note, as data or as text.
  const auto plain = std::find_if(results.begin(), results.end(), [](const StoredResult& r) { return r.message.empty(); });
  ASSERT_NE(plain, results.end());
  EXPECT_TRUE(plain->note.empty());
}

TEST_F(StoreResultNote, AStoreWithoutTheColumnsIsReadAndGetsThemOnItsNextWrite) {
  ASSERT_GE(check_into(db_), 0);
  // As a store an older toets wrote: run_results without the three columns.
  exec(db_, "ALTER TABLE run_results DROP COLUMN note_json; ALTER TABLE run_results DROP COLUMN remedy; "
            "ALTER TABLE run_results DROP COLUMN remedy_to_ok");
  const auto old_run = results_of_run(db_, 0);
  const StoredResult* before = first_with(old_run, "no stock data given (--data stock=FILE)");
  ASSERT_NE(before, nullptr);
  EXPECT_TRUE(before->note.empty());  // its message is its only form
  ASSERT_GE(check_into(db_), 0);
  const auto first_run = results_of_run(db_, 0);
  const StoredResult* again = first_with(first_run, "no stock data given (--data stock=FILE)");
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->note.empty());  // the older run stays as it was recorded
  const auto second_run = results_of_run(db_, 1);
  const StoredResult* added = first_with(second_run, "no stock data given (--data stock=FILE)");
  ASSERT_NE(added, nullptr);
  ASSERT_EQ(added->note.parts.size(), 1u);
  EXPECT_EQ(added->note.parts[0].code, NoteCode::NoData);
}

}  // namespace
}  // namespace toets
