// The store as a source (docs/store.md, *Column blocks*): a check from the store gives exactly the
// report a check of the same files gives, for every fixture, whether the kind is read from its
// column blocks (written by the import) or from its rows table (blocks missing, stale or too big).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/scratch_folder.hpp"
#include "support/toets_process.hpp"

namespace {

namespace fs = std::filesystem;
using toets::testing_support::ProcessOutcome;
using toets::testing_support::read_whole;
using toets::testing_support::run_toets_process;

struct Fixture {
  std::string name;
  std::string rules;
  std::vector<std::string> data;  // KIND=FILE, FILE relative to the fixture
  std::vector<std::string> dates;
};

std::vector<Fixture> golden_fixtures() {
  std::vector<Fixture> out;
  for (const auto& entry : fs::directory_iterator(fs::path(TOETS_SOURCE_DIR) / "fixtures")) {
    if (!fs::exists(entry.path() / "golden.txt")) continue;
    Fixture fixture;
    fixture.name = entry.path().filename().string();
    std::istringstream in(read_whole(entry.path() / "golden.txt"));
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string key;
      std::string value;
      words >> key >> value;
      if (key == "rules") fixture.rules = value;
      if (key == "data") fixture.data.push_back(value);
      if (key == "as_of") fixture.dates.push_back(value);
    }
    out.push_back(fixture);
  }
  std::sort(out.begin(), out.end(), [](const Fixture& a, const Fixture& b) { return a.name < b.name; });
  return out;
}

using toets::testing_support::TempFolder;

std::string data_path(const Fixture& fixture, const std::string& spec) {
  const std::size_t eq = spec.find('=');
  return spec.substr(0, eq) + "=" + std::string(TOETS_SOURCE_DIR) + "/fixtures/" + fixture.name + "/" + spec.substr(eq + 1);
}

// A JSON report without its inputs: those name the files or the store, by design. So does a
// message that names a row: "(allocations.csv:83)" from a file, "(line 82)" (its rowid) from the
// store; both become "(row)".
std::string without_inputs(const ProcessOutcome& outcome) {
  auto report = nlohmann::json::parse(outcome.out);
  report.erase("inputs");
  static const std::regex row_named(R"re(\((line \d+|[^()"]*\.csv:\d+)\))re");
  return std::regex_replace(report.dump(1), row_named, "(row)");
}

std::int64_t sql_integer(const std::string& db, const std::string& sql) {
  sqlite3* connection = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &connection, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(connection, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sql;
  const std::int64_t value = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
  sqlite3_finalize(statement);
  sqlite3_close(connection);
  return value;
}

void sql_run(const std::string& db, const std::string& sql) {
  sqlite3* connection = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &connection), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(connection, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(connection);
  sqlite3_close(connection);
}

// Both checks, for every date of the fixture: the reports must be the same but for their inputs.
void expect_same_reports(const Fixture& fixture, const std::string& db, const std::string& how) {
  for (const std::string& date : fixture.dates) {
    std::vector<std::string> files = {"check", fixture.rules, "--as-of", date, "--format", "json"};
    for (const std::string& spec : fixture.data) {
      files.push_back("--data");
      files.push_back(data_path(fixture, spec));
    }
    const ProcessOutcome from_files = run_toets_process(files);
    const ProcessOutcome from_store =
        run_toets_process({"check", fixture.rules, "--db", db, "--no-record", "--as-of", date, "--format", "json"});
    ASSERT_EQ(from_store.exit_code, from_files.exit_code) << fixture.name << " " << how << ": " << from_store.err;
    EXPECT_EQ(without_inputs(from_store), without_inputs(from_files)) << fixture.name << " " << date << " " << how;
  }
}

TEST(StoreSource, EveryFixtureChecksTheSameFromTheStoreAsFromItsFiles) {
  const std::vector<Fixture> fixtures = golden_fixtures();
  ASSERT_GE(fixtures.size(), 5u);
  for (const Fixture& fixture : fixtures) {
    TempFolder folder;
    const std::string db = folder.file("store.db");
    std::vector<std::string> import = {"import", "--db", db};
    for (const std::string& spec : fixture.data) {
      import.push_back("--data");
      import.push_back(data_path(fixture, spec));
    }
    const ProcessOutcome imported = run_toets_process(import);
    ASSERT_EQ(imported.exit_code, 0) << fixture.name << ": " << imported.err;
    // Every kind has its blocks, one per column and one of lines.
    EXPECT_EQ(sql_integer(db, "SELECT count(DISTINCT kind) FROM column_blocks"),
              static_cast<std::int64_t>(fixture.data.size()))
        << fixture.name;
    expect_same_reports(fixture, db, "from the column blocks");

    // Without blocks (a store written by an older toets) the rows table gives the same.
    sql_run(db, "DELETE FROM column_blocks");
    expect_same_reports(fixture, db, "from the rows tables");
  }
}

// A merge into rows already there rebuilds the blocks from the rows table: the first half of the
// allocations, then all of them, read as the whole file.
TEST(StoreSource, AMergeIntoEarlierRowsRebuildsTheBlocks) {
  const std::string fixture_dir = std::string(TOETS_SOURCE_DIR) + "/fixtures/dordrecht-2026-2027/";
  TempFolder folder;
  const std::string db = folder.file("store.db");
  const std::string whole = read_whole(fixture_dir + "allocations.csv");
  std::size_t cut = whole.size() / 2;
  cut = whole.find('\n', cut) + 1;
  {
    std::ofstream half(folder.file("first-half.csv"), std::ios::binary);
    half << whole.substr(0, cut);
  }
  ASSERT_EQ(run_toets_process({"import", "--db", db, "--data", "allocations=" + folder.file("first-half.csv"), "--data",
                               "stock=" + fixture_dir + "stock.csv", "--data", "mutations=" + fixture_dir + "mutations.csv"})
                .exit_code,
            0);
  ASSERT_EQ(run_toets_process({"import", "--db", db, "--data", "allocations=" + fixture_dir + "allocations.csv"}).exit_code,
            0);
  // The blocks hold the new state: as many rows as the table.
  EXPECT_EQ(sql_integer(db, "SELECT row_count FROM column_blocks WHERE kind = 'allocations' AND part = 'lines'"),
            sql_integer(db, "SELECT count(*) FROM allocations"));
  const Fixture fixture{"dordrecht-2026-2027", "rules/dordrecht-2026-2027.toets",
                        {"allocations=allocations.csv", "stock=stock.csv", "mutations=mutations.csv"}, {"2026-11-23"}};
  expect_same_reports(fixture, db, "after a merge");
}

// Blocks left from another state (an import by an older toets changed the rows, not the blocks)
// are not used; a block that does not read back as written is an error, never other figures.
TEST(StoreSource, StaleBlocksAreIgnoredAndDamagedOnesRefused) {
  const std::string fixture_dir = std::string(TOETS_SOURCE_DIR) + "/fixtures/dordrecht-2026-2027/";
  const Fixture fixture{"dordrecht-2026-2027", "rules/dordrecht-2026-2027.toets",
                        {"allocations=allocations.csv", "stock=stock.csv", "mutations=mutations.csv"}, {"2026-11-23"}};
  TempFolder folder;
  const std::string db = folder.file("store.db");
  ASSERT_EQ(run_toets_process({"import", "--db", db, "--data", "allocations=" + fixture_dir + "allocations.csv", "--data",
                               "stock=" + fixture_dir + "stock.csv", "--data", "mutations=" + fixture_dir + "mutations.csv"})
                .exit_code,
            0);
  // Stale: the blocks were written for another state of the kind.
  sql_run(db, "UPDATE column_blocks SET state_sha256 = 'older' WHERE kind = 'stock'");
  expect_same_reports(fixture, db, "with stale stock blocks");

  // Damaged: a block cut short.
  sql_run(db, "UPDATE column_blocks SET data = substr(data, 1, 30) WHERE kind = 'allocations' AND part = 'lines'");
  const ProcessOutcome damaged = run_toets_process(
      {"check", fixture.rules, "--db", db, "--no-record", "--as-of", "2026-11-23", "--format", "json"});
  EXPECT_EQ(damaged.exit_code, 2);
  EXPECT_NE(damaged.err.find("a column block does not read back as written"), std::string::npos) << damaged.err;
}

}  // namespace
