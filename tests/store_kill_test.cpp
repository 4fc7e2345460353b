// The SQLite store used by other processes: read-only commands leave no trace, and an import or a
// check killed at random points leaves the store as it was or complete.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/report/report.hpp"
#include "engine/base/sha256.hpp"
#include "engine/store/store.hpp"
#include "tests/support/scratch_folder.hpp"
#include "tests/support/store_testing.hpp"

namespace {

using namespace store_testing;
using store_testing::toets;  // the process, not the namespace

// Read-only use by another process

struct FileState {
  std::string bytes;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

FileState state_of(const std::string& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return FileState{read_file(path), static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

std::vector<std::string> sidecar_files(const std::string& path) {
  std::vector<std::string> found;
  for (const std::string suffix : {"-journal", "-wal", "-shm"}) {
    if (fs::exists(path + suffix)) found.push_back(path + suffix);
  }
  return found;
}

TEST(StoreReadOnly, ReadingCommandsFromAnotherProcessChangeNothing) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  ASSERT_EQ(import_fixture(db).exit_code, 0);
  ASSERT_EQ(toets("check " + kRules + " --db '" + db + "' --as-of 2026-11-23").exit_code, 1);
  ASSERT_EQ(toets("check " + kRules + " --db '" + db + "' --as-of 2026-12-01").exit_code, 1);
  EXPECT_TRUE(sidecar_files(db).empty());
  // A rollback-journal store (header bytes 18 and 19 are 1; WAL would be 2).
  const std::string header = read_file(db).substr(0, 20);
  EXPECT_EQ(header[18], 1);
  EXPECT_EQ(header[19], 1);

  const FileState before = state_of(db);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // an mtime change would show
  const Outcome check = toets("check " + kRules + " --db '" + db + "' --no-record --as-of 2026-11-23 --format json");
  EXPECT_EQ(check.exit_code, 1) << check.err;
  EXPECT_FALSE(nlohmann::json::parse(check.out)["results"].empty());
  EXPECT_EQ(toets("history --db '" + db + "'").exit_code, 0);
  EXPECT_EQ(toets("history --db '" + db + "' --imports").exit_code, 0);
  EXPECT_EQ(toets("diff --db '" + db + "'").exit_code, 0);
  EXPECT_EQ(toets("check " + kRules + " --data allocations=sqlite:'" + db + "':allocations --as-of 2026-11-23").exit_code,
            1);
  EXPECT_TRUE(state_of(db) == before) << "a read-only command changed the store";
  EXPECT_TRUE(sidecar_files(db).empty());
  EXPECT_EQ(toets("history --db '" + db + "' --format json").out.find("\"id\": 3"), std::string::npos);

  // A check that records needs to write: on a file it may not write it says so (exit 2), and
  // --no-record still works. (Root may write any file, so only as another user.)
  if (geteuid() != 0) {
    fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    const Outcome refused = toets("check " + kRules + " --db '" + db + "' --as-of 2026-11-23");
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("read-only"), std::string::npos) << refused.err;
    EXPECT_EQ(toets("check " + kRules + " --db '" + db + "' --no-record --as-of 2026-11-23").exit_code, 1);
    fs::permissions(db, fs::perms::owner_write, fs::perm_options::add);
    EXPECT_TRUE(state_of(db).bytes == before.bytes);
  }
}

// Someone switched the store to WAL with sqlite3: the next writing command makes it a one-file
// store with a rollback journal again, and the data is all there.
TEST(StoreReadOnly, AStoreSwitchedToWalIsSwitchedBack) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations=" + kFixtureDir + "/allocations.csv").exit_code, 0);
  {
    Db handle(db);
    EXPECT_EQ(handle.value("PRAGMA journal_mode = WAL"), "wal");
  }
  EXPECT_EQ(read_file(db)[18], 2);
  ASSERT_EQ(toets("import --db '" + db + "' --data stock=" + kFixtureDir + "/stock.csv").exit_code, 0);
  EXPECT_EQ(read_file(db)[18], 1);
  EXPECT_TRUE(sidecar_files(db).empty());
  const auto imports = nlohmann::json::parse(toets("history --db '" + db + "' --imports --format json").out);
  EXPECT_EQ(imports.size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// An import killed at random points leaves the store as it was, or fully updated

// Everything in the store but the times: what a later reader sees.
std::string store_digest(const std::string& path) {
  Db db(path);  // read-write, as the next toets would: rolls back an interrupted import
  EXPECT_EQ(db.value("PRAGMA integrity_check"), "ok");
  toets::Sha256 hash;
  for (const std::string sql :
       {"SELECT * FROM allocations ORDER BY allocation_id",
        "SELECT id, kind, source, sha256, mode, rows_read, rows_accepted, rows_rejected, rows_new, rows_replaced, "
        "live_rows FROM imports ORDER BY id",
        "SELECT * FROM import_rejections ORDER BY import_id, seq"}) {
    for (const std::string& row : db.rows(sql)) {
      hash.update(row);
      hash.update("\n");
    }
  }
  return hash.hex();
}

std::string generated_allocations(std::size_t first, std::size_t count, const std::string& income) {
  std::string text = kAllocationsHeader;
  text.reserve(count * 130);
  char id[32];
  for (std::size_t i = first; i < first + count; ++i) {
    std::snprintf(id, sizeof id, "K%07zu", i);
    const char* corporations[] = {"Trivire", "Woonbron", "Woonkracht10"};
    text += allocation_row(id, corporations[i % 3], income, "2026-0" + std::to_string(1 + i % 9) + "-1" +
                                                               std::to_string(i % 10));
  }
  text += allocation_row("K-BAD", "Trivire", "not money");
  return text;
}

// Starts `toets import` into `db`; the child's output goes nowhere.
pid_t start_import(const std::string& db, const std::string& file) {
  const std::string data = "allocations=" + file;
  const char* argv[] = {TOETS_BINARY, "-q", "import", "--db", db.c_str(), "--data", data.c_str(), nullptr};
  std::fflush(nullptr);  // the child must not write out this process's buffered output
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0) _exit(126);
    execv(TOETS_BINARY, const_cast<char* const*>(argv));
    _exit(127);
  }
  return pid;
}

TEST(StoreKill, AnImportKilledAtRandomPointsLeavesTheStoreAsItWasOrComplete) {
  TempDir dir;
  const std::string base = dir.file("base.db");
  const std::string big = dir.file("big.csv");
  write_file(dir.file("base.csv"), generated_allocations(0, 2000, "30000.00"));
  // Overlaps half the base (replaced records), adds the rest, and has one rejected row. Big
  // enough that SQLite spills pages into the store file before the commit.
  write_file(big, generated_allocations(1000, 60000, "45000.00"));
  ASSERT_EQ(toets("import --db '" + base + "' --data allocations='" + dir.file("base.csv") + "'").exit_code, 0);
  const std::string unchanged = store_digest(base);

  // The complete import, timed: how long the whole and its write transaction take.
  const std::string work = dir.file("work.db");
  fs::copy_file(base, work, fs::copy_options::overwrite_existing);
  const auto start = std::chrono::steady_clock::now();
  const pid_t reference = start_import(work, big);
  // The write transaction writes its pages to the write-ahead log (the store is in WAL mode while
  // toets writes, docs/store.md): from the first page there until the close empties it.
  const auto log_has_pages = [&] {
    std::error_code ignored;
    const auto size = fs::file_size(work + "-wal", ignored);
    return !ignored && size > 0;
  };
  std::optional<std::chrono::steady_clock::time_point> journal_seen;
  std::chrono::steady_clock::time_point journal_gone;
  int status = 0;
  while (waitpid(reference, &status, WNOHANG) == 0) {
    const bool journal = log_has_pages();
    if (journal && !journal_seen) journal_seen = std::chrono::steady_clock::now();
    if (journal) journal_gone = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const auto total = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string complete = store_digest(work);
  ASSERT_NE(complete, unchanged);
  const auto transaction = journal_seen ? journal_gone - *journal_seen : total / 2;

  std::mt19937_64 random(20261123);
  std::printf("[ store kill ] import %lld ms, write transaction %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(total).count()),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(transaction).count()));
  int killed_in_transaction = 0;
  int as_it_was = 0;
  int completed = 0;
  constexpr int kKills = 6;
  for (int attempt = 0; attempt < kKills; ++attempt) {
    for (const char* sidecar : {"-journal", "-wal", "-shm"}) fs::remove(work + sidecar);
    fs::copy_file(base, work, fs::copy_options::overwrite_existing);
    const pid_t child = start_import(work, big);
    bool journal_at_kill = false;
    if (attempt % 2 == 0) {
      // Inside the write transaction: wait for its first pages in the log, then a random moment.
      const auto give_up = std::chrono::steady_clock::now() + total * 3;
      while (!log_has_pages() && std::chrono::steady_clock::now() < give_up &&
             waitpid(child, &status, WNOHANG) == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      std::uniform_int_distribution<long long> pick(0, std::chrono::duration_cast<std::chrono::microseconds>(transaction).count());
      std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
    } else {
      // Anywhere from the start to a little past the end; once around the commit.
      const long long whole = std::chrono::duration_cast<std::chrono::microseconds>(total).count();
      std::uniform_int_distribution<long long> pick(attempt == 3 ? whole * 17 / 20 : 0,
                                                    attempt == 3 ? whole * 23 / 20 : whole * 6 / 5);
      std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    const bool was_killed = WIFSIGNALED(status);
    // A log with pages left behind by the dead import: it was killed inside its write
    // transaction, or after its commit before it closed.
    journal_at_kill = log_has_pages();
    std::optional<std::size_t> imports_seen;
    if (was_killed && journal_at_kill) {
      ++killed_in_transaction;
      if (killed_in_transaction == 1) {
        // A reading command meets the interrupted import first: it sees one committed state.
        const Outcome history = toets("history --db '" + work + "' --imports --format json");
        EXPECT_EQ(history.exit_code, 0) << history.err;
        imports_seen = nlohmann::json::parse(history.out).size();
      }
    }
    const std::string digest = store_digest(work);
    EXPECT_TRUE(digest == unchanged || digest == complete)
        << "attempt " << attempt << ": the store is neither as it was nor complete";
    as_it_was += digest == unchanged;
    completed += digest == complete;
    if (imports_seen) {
      EXPECT_EQ(*imports_seen, digest == complete ? 2u : 1u) << "the reader saw another state than the store holds";
    }
  }
  std::printf("[ store kill ] %d kills: %d inside the write transaction; %d left as it was, %d complete\n", kKills,
              killed_in_transaction, as_it_was, completed);
  EXPECT_GE(killed_in_transaction, 1) << "no kill landed inside the write transaction";

  // After all that the import still works, once.
  ASSERT_EQ(toets("import --db '" + work + "' --data allocations='" + big + "'").exit_code, 0);
  EXPECT_EQ(store_digest(work), complete);
  const Outcome again = toets("import --db '" + work + "' --data allocations='" + big + "'");
  EXPECT_NE(again.out.find("already imported"), std::string::npos) << again.out;
  EXPECT_EQ(store_digest(work), complete);
}

// A first import makes the store: there is no committed state for a reader to keep, so it writes
// its pages once, into the .db with a rollback journal (docs/store.md), never into a -wal file.
// Killed at random points, it leaves a store without any import (or none at all) or the complete
// one; the next command finds either, and the next import makes the store whole.
TEST(StoreKill, AFirstImportKilledAtRandomPointsLeavesNoImportOrTheWholeStore) {
  TempDir dir;
  const std::string big = dir.file("big.csv");
  write_file(big, generated_allocations(0, 60000, "45000.00"));
  const std::string reference = dir.file("reference.db");
  const auto start = std::chrono::steady_clock::now();
  const pid_t first = start_import(reference, big);
  bool log_seen = false;
  int status = 0;
  while (waitpid(first, &status, WNOHANG) == 0) {
    log_seen = log_seen || fs::exists(reference + "-wal");
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const auto total = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_FALSE(log_seen) << "a new store's import wrote its pages to a -wal file first";
  EXPECT_TRUE(sidecar_files(reference).empty());
  const std::string complete = store_digest(reference);

  std::mt19937_64 random(20261207);
  const long long whole = std::chrono::duration_cast<std::chrono::microseconds>(total).count();
  const std::string work = dir.file("work.db");
  int nothing = 0;
  int completed = 0;
  constexpr int kKills = 6;
  for (int attempt = 0; attempt < kKills; ++attempt) {
    for (const char* file : {"", "-journal", "-wal", "-shm"}) fs::remove(work + file);
    const pid_t child = start_import(work, big);
    // Anywhere in the import; half the attempts in its second half, where the pages are written.
    std::uniform_int_distribution<long long> pick(attempt % 2 == 0 ? whole / 2 : 0, whole * 11 / 10);
    std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    if (!fs::exists(work)) {
      ++nothing;
      continue;
    }
    // A reading command meets what the dead import left: no import, or the whole one.
    const Outcome history = toets("history --db '" + work + "' --imports --format json");
    ASSERT_EQ(history.exit_code, 0) << "attempt " << attempt << ": " << history.err;
    const std::size_t imports = nlohmann::json::parse(history.out).size();
    EXPECT_LE(imports, 1u) << history.out;
    if (imports == 1) {
      EXPECT_EQ(store_digest(work), complete) << "attempt " << attempt << ": the store holds part of the import";
      ++completed;
    } else {
      ++nothing;
    }
    // The next import makes the store whole, whatever was left.
    ASSERT_EQ(toets("import --db '" + work + "' --data allocations='" + big + "'").exit_code, 0) << "attempt " << attempt;
    EXPECT_EQ(store_digest(work), complete) << "attempt " << attempt;
  }
  std::printf("[ store kill ] %d kills of a first import: %d left no import, %d the whole store\n", kKills, nothing,
              completed);
}


// A check --db killed at random points: the store holds the run whole (the run, its inputs and
// every result, as an uninterrupted check records them) or not at all; never a run without its
// results. The check reads 60000 allocations from a file, so it is killed while reading and
// evaluating as well as around its write transaction.
std::string runs_digest(const std::string& path) {
  Db db(path);  // read-write, as the next toets would: rolls back an interrupted transaction
  EXPECT_EQ(db.value("PRAGMA integrity_check"), "ok");
  toets::Sha256 hash;
  for (const std::string sql :
       {"SELECT id, as_of, ruleset_id, ruleset_title, ruleset_file, ruleset_sha256, engine_version, summary FROM runs "
        "ORDER BY id",
        "SELECT * FROM run_inputs ORDER BY run_id, seq", "SELECT * FROM run_results ORDER BY run_id, seq"}) {
    for (const std::string& row : db.rows(sql)) {
      hash.update(row);
      hash.update("\n");
    }
  }
  return hash.hex();
}

pid_t start_check(const std::string& db, const std::string& file) {
  const std::string data = "allocations=" + file;
  const char* argv[] = {TOETS_BINARY, "-q", "check", kRules.c_str(), "--db", db.c_str(), "--data", data.c_str(),
                        "--as-of", "2026-11-23", "--format", "json", nullptr};
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(TOETS_SOURCE_DIR) != 0) _exit(126);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0) _exit(126);
    execv(TOETS_BINARY, const_cast<char* const*>(argv));
    _exit(127);
  }
  return pid;
}

TEST(StoreKill, ACheckKilledAtRandomPointsRecordsItsRunWholeOrNotAtAll) {
  TempDir dir;
  const std::string base = dir.file("base.db");
  const std::string big = dir.file("big.csv");
  write_file(big, generated_allocations(0, 60000, "45000.00"));
  ASSERT_EQ(toets("import --db '" + base + "' --data stock=" + kFixtureDir + "/stock.csv").exit_code, 0);
  const std::string unchanged = runs_digest(base);

  const std::string work = dir.file("work.db");
  fs::copy_file(base, work, fs::copy_options::overwrite_existing);
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  waitpid(start_check(work, big), &status, 0);
  const auto total = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) <= 1) << "the uninterrupted check failed";
  const std::string complete = runs_digest(work);
  ASSERT_NE(complete, unchanged);
  {
    Db db(work);
    ASSERT_EQ(db.value("SELECT count(*) FROM runs"), "1");
    ASSERT_NE(db.value("SELECT count(*) FROM run_results"), "0");
  }

  std::mt19937_64 random(20261124);
  const long long whole = std::chrono::duration_cast<std::chrono::microseconds>(total).count();
  int as_it_was = 0;
  int recorded = 0;
  constexpr int kKills = 8;
  for (int attempt = 0; attempt < kKills; ++attempt) {
    for (const char* sidecar : {"-journal", "-wal", "-shm"}) fs::remove(work + sidecar);
    fs::copy_file(base, work, fs::copy_options::overwrite_existing);
    const pid_t child = start_check(work, big);
    // Anywhere in the run; half the attempts in its last fifth, where the run is written.
    std::uniform_int_distribution<long long> pick(attempt % 2 == 0 ? whole * 4 / 5 : 0, whole * 11 / 10);
    std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    const std::string digest = runs_digest(work);
    EXPECT_TRUE(digest == unchanged || digest == complete)
        << "attempt " << attempt << ": the store holds part of a run";
    as_it_was += digest == unchanged;
    recorded += digest == complete;
  }
  std::printf("[ store kill ] %d kills of check --db: %d recorded nothing, %d the whole run\n", kKills, as_it_was,
              recorded);
}

}  // namespace
