// The SQLite store: SHA-256, SQLite tables as input, imports (merge, replace, the content hash,
// one transaction), recorded runs and their diff, the command line (import, check --db, history,
// diff), an import killed at random points, and read-only use by another process.

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
#include "tests/support/toets_process.hpp"

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Helpers

// A fresh folder per test, removed at the end (CTest runs tests in parallel processes).
using TempDir = toets::testing_support::TempFolder;

std::string read_file(const std::string& path) { return toets::testing_support::read_whole(path); }

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string source_path(const std::string& relative) { return std::string(TOETS_SOURCE_DIR) + "/" + relative; }

using Outcome = toets::testing_support::ProcessOutcome;

// Runs the built toets from the source folder with `arguments` (shell words).
Outcome toets(const std::string& arguments) { return toets::testing_support::run_toets_shell(arguments); }

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

const toets::DatasetSchema& schema_of(const std::string& name) { return *toets::find_dataset(name); }

const std::string kAllocationsHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

std::string allocation_row(const std::string& id, const std::string& corporation, const std::string& income,
                           const std::string& date = "2026-03-01") {
  return id + "," + corporation + ",Dordrecht,,," + date + ",VHE-" + id + ",sociaal,true,false,612.35,1," + income +
         ",35,regulier,C\n";
}

toets::LoadedDataset parse_csv(const std::string& schema, const std::string& text, const std::string& name) {
  return toets::read_csv_text(schema_of(schema), text, name);
}

std::unique_ptr<toets::Store> open_store(const std::string& path, toets::StoreAccess access) {
  std::string error;
  auto store = toets::Store::open(path, access, error);
  EXPECT_TRUE(store != nullptr) << error;
  return store;
}

// Imports CSV text as one request.
std::vector<toets::ImportOutcome> import_text(toets::Store& store, const std::string& kind, const std::string& text,
                                              const std::string& name,
                                              toets::ImportMode mode = toets::ImportMode::Merge) {
  toets::LoadedDataset loaded = parse_csv(kind, text, name);
  std::vector<toets::ImportRequest> requests{
      toets::ImportRequest{&schema_of(kind), name, toets::sha256_hex(text), &loaded}};
  return store.import(requests, mode, "2026-11-23T10:00:00Z");
}

// The store's allocations as "id|income cents|import" lines, by id.
// Every row of every table, table by table: what the store holds, whatever its header says (a
// failed write leaves the content as it was; the header's change counter may have moved).
std::vector<std::string> store_content(const std::string& path) {
  Db db(path, SQLITE_OPEN_READONLY);
  std::vector<std::string> out;
  for (const std::string& table : db.rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
    out.push_back("table " + table);
    for (const std::string& row : db.rows("SELECT * FROM \"" + table + "\" ORDER BY rowid")) out.push_back(row);
  }
  return out;
}

std::vector<std::string> stored_allocations(const std::string& path) {
  Db db(path, SQLITE_OPEN_READONLY);
  return db.rows("SELECT allocation_id, household_income_cents, import_id FROM allocations ORDER BY allocation_id");
}

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4 test vectors)

struct HashCase {
  std::string input;
  std::string expected;
};

void PrintTo(const HashCase& c, std::ostream* out) { *out << c.input.size() << " bytes"; }

class Sha256Vectors : public ::testing::TestWithParam<HashCase> {};

TEST_P(Sha256Vectors, MatchesTheStandard) {
  EXPECT_EQ(toets::sha256_hex(GetParam().input), GetParam().expected);
  // Fed in awkward pieces, the same digest.
  toets::Sha256 pieces;
  const std::string& input = GetParam().input;
  for (std::size_t at = 0, step = 1; at < input.size(); at += step, step = step * 2 + 1) {
    pieces.update(std::string_view(input).substr(at, step));
  }
  EXPECT_EQ(pieces.hex(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Store, Sha256Vectors,
    ::testing::Values(
        HashCase{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        HashCase{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        HashCase{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        HashCase{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                 "mnopqrstnopqrstu",
                 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
        HashCase{std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
        // 55, 56 and 64 bytes: the padding's edge cases.
        HashCase{std::string(55, 'a'), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        HashCase{std::string(56, 'a'), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        HashCase{std::string(64, 'a'), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"}));

TEST(Sha256, DigestTwiceIsTheSameAndUpdatingAfterwardsIsRefused) {
  toets::Sha256 hash;
  hash.update("abc");
  const std::string first = hash.hex();
  EXPECT_EQ(hash.hex(), first);
  EXPECT_THROW(hash.update("more"), std::logic_error);
}

// ---------------------------------------------------------------------------------------------
// sqlite:FILE:TABLE

struct SpecCase {
  std::string spec;
  bool is_sqlite;
  std::string file;
  std::string table;
  bool error;
};

void PrintTo(const SpecCase& c, std::ostream* out) { *out << "'" << c.spec << "'"; }

class SqliteSpecs : public ::testing::TestWithParam<SpecCase> {};

TEST_P(SqliteSpecs, Parse) {
  const SpecCase& c = GetParam();
  std::string error;
  const auto spec = toets::parse_sqlite_spec(c.spec, error);
  EXPECT_EQ(spec.has_value(), c.is_sqlite) << c.spec;
  EXPECT_EQ(!error.empty(), c.error) << c.spec << ": " << error;
  if (spec) {
    EXPECT_EQ(spec->file, c.file);
    EXPECT_EQ(spec->table, c.table);
  }
}

INSTANTIATE_TEST_SUITE_P(Store, SqliteSpecs,
                         ::testing::Values(SpecCase{"sqlite:export.db:allocations", true, "export.db", "allocations", false},
                                           SpecCase{"sqlite:C:/data/x.db:t", true, "C:/data/x.db", "t", false},
                                           SpecCase{"export.csv", false, "", "", false},
                                           SpecCase{"sqlite:", false, "", "", true},
                                           SpecCase{"sqlite:export.db", false, "", "", true},
                                           SpecCase{"sqlite::allocations", false, "", "", true},
                                           SpecCase{"sqlite:export.db:", false, "", "", true}));

// A table in an SQLite file as a user might have it: money as REAL, INTEGER or TEXT, a cents
// column, ids as integers.
void make_input_table(const std::string& path) {
  Db db(path);
  db.exec(
      "CREATE TABLE lets (allocation_id, corporation TEXT, municipality TEXT, contract_date TEXT, dwelling_id, "
      "segment TEXT, daeb, rent REAL, household_size INTEGER, household_income, applicant_age, channel TEXT, "
      "energy_label TEXT, remark TEXT);"
      "INSERT INTO lets VALUES ('A1', 'Trivire', 'Dordrecht', '2026-03-01', 1001, 'sociaal', 1, 612.35, 1, "
      "'51537.01', 35, 'regulier', 'C', 'x');"
      "INSERT INTO lets VALUES (2, ' Woonbron ', 'Dordrecht', '2026-03-02', 'VHE2', 'sociaal', 'false', 700, 2, "
      "56910, 40.0, 'urgent', NULL, NULL);");
}

TEST(SqliteInput, ReadsCanonicalColumnsWhateverTheStorageClass) {
  TempDir dir;
  const std::string path = dir.file("input.db");
  make_input_table(path);
  const auto loaded = toets::read_sqlite_table(schema_of("allocations"), {path, "lets"});
  const toets::LoadReport& report = loaded.loaded.report;
  EXPECT_EQ(report.rows_read, 2u);
  EXPECT_EQ(report.rows_accepted, 2u);
  EXPECT_EQ(report.rows_rejected, 0u);
  EXPECT_EQ(report.file, "sqlite:" + path + ":lets");
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("'remark'"), std::string::npos);

  const toets::Dataset& data = loaded.loaded.data;
  const toets::DatasetSchema& schema = schema_of("allocations");
  const auto cell = [&](const char* column, std::size_t row) { return data.cell_text(*schema.column_index(column), row); };
  EXPECT_EQ(cell("allocation_id", 1), "2");          // an integer id becomes its text
  EXPECT_EQ(cell("corporation", 1), "Woonbron");     // trimmed
  EXPECT_EQ(cell("dwelling_id", 0), "1001");
  EXPECT_EQ(cell("rent", 0), "612.35");              // REAL, exactly two decimals
  EXPECT_EQ(cell("rent", 1), "700.00");              // INTEGER euros
  EXPECT_EQ(cell("household_income", 0), "51537.01");  // TEXT
  EXPECT_EQ(cell("household_income", 1), "56910.00");
  EXPECT_EQ(cell("applicant_age", 1), "40");         // an integral REAL
  EXPECT_EQ(cell("daeb", 0), "true");
  EXPECT_EQ(cell("daeb", 1), "false");
  EXPECT_EQ(cell("energy_label", 1), "");
  EXPECT_EQ(cell("contract_date", 1), "2026-03-02");
  EXPECT_EQ(data.source_line(1), 2u);                // the rowid
}

TEST(SqliteInput, CentsColumnsAreCents) {
  TempDir dir;
  const std::string path = dir.file("input.db");
  Db db(path);
  db.exec(
      "CREATE TABLE p (project_id TEXT, municipality TEXT, name TEXT, developer TEXT, delivery_year INTEGER, "
      "total_dwellings INTEGER, social_rent INTEGER);"
      "CREATE TABLE s (dwelling_id TEXT, snapshot_date TEXT, corporation TEXT, municipality TEXT, segment TEXT, "
      "daeb INTEGER, rent_cents INTEGER, energy_label TEXT);"
      "INSERT INTO s VALUES ('V1', '2026-01-01', 'Trivire', 'Dordrecht', 'sociaal', 1, 61235, 'E');"
      "INSERT INTO s VALUES ('V2', '2026-01-01', 'Trivire', 'Dordrecht', 'sociaal', 1, 612.5, 'E');");
  const auto loaded = toets::read_sqlite_table(schema_of("stock"), {path, "s"});
  EXPECT_EQ(loaded.loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.loaded.report.rejections[0].column, "rent_cents");
  EXPECT_NE(loaded.loaded.report.rejections[0].reason.find("whole cents"), std::string::npos);
  EXPECT_EQ(loaded.loaded.data.cell_text(*schema_of("stock").column_index("rent"), 0), "612.35");
}

struct BadCell {
  std::string values;  // the VALUES of one row of table t (allocations columns, in schema order)
  std::string column;
  std::string reason;  // a part of the rejection's reason
};

void PrintTo(const BadCell& c, std::ostream* out) { *out << c.column << ": " << c.reason; }

class SqliteInputRejections : public ::testing::TestWithParam<BadCell> {};

// Every bad row is rejected with its column and reason; the good rows around it are kept.
TEST_P(SqliteInputRejections, RejectTheRowWithAReason) {
  TempDir dir;
  const std::string path = dir.file("input.db");
  {
    Db db(path);
    db.exec(
        "CREATE TABLE t (allocation_id, corporation, municipality, kern, neighbourhood, contract_date, dwelling_id, "
        "segment, daeb, new_build, rent, household_size, household_income, applicant_age, channel, energy_label)");
    db.exec("INSERT INTO t VALUES ('G1','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C')");
    db.exec("INSERT INTO t VALUES (" + GetParam().values + ")");
    db.exec("INSERT INTO t VALUES ('G3','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C')");
  }
  const auto loaded = toets::read_sqlite_table(schema_of("allocations"), {path, "t"});
  const toets::LoadReport& report = loaded.loaded.report;
  EXPECT_EQ(report.rows_read, 3u);
  EXPECT_EQ(report.rows_accepted, 2u);
  EXPECT_EQ(report.rows_rejected, 1u);
  EXPECT_EQ(report.rows_read, report.rows_accepted + report.rows_rejected);
  ASSERT_EQ(report.rejections.size(), 1u);
  EXPECT_EQ(report.rejections[0].line, 2u);
  EXPECT_EQ(report.rejections[0].column, GetParam().column);
  EXPECT_NE(report.rejections[0].reason.find(GetParam().reason), std::string::npos) << report.rejections[0].reason;
  EXPECT_EQ(loaded.loaded.data.row_count(), 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Store, SqliteInputRejections,
    ::testing::Values(
        BadCell{"'B',NULL,'D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C'", "corporation",
                "missing required value"},
        BadCell{"'B','T','D',NULL,NULL,'2026-02-30','V','sociaal',1,0,600,1,100,30,'regulier','C'", "contract_date",
                "no such date"},
        BadCell{"'B','T','D',NULL,NULL,20260101,'V','sociaal',1,0,600,1,100,30,'regulier','C'", "contract_date",
                "expected a date"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','social',1,0,600,1,100,30,'regulier','C'", "segment",
                "unknown segment 'social'"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','sociaal',2,0,600,1,100,30,'regulier','C'", "daeb",
                "expected true or false"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','sociaal','ja',0,600,1,100,30,'regulier','C'", "daeb",
                "expected true or false"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,612.355,1,100,30,'regulier','C'", "rent",
                "at most 2 decimals"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,'612,35',1,100,30,'regulier','C'", "rent",
                "expected an amount"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,0,100,30,'regulier','C'", "household_size",
                "at least 1"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1.5,100,30,'regulier','C'", "household_size",
                "whole number"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,3000000000,100,30,'regulier','C'",
                "household_size", "out of range"},
        BadCell{"'B','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1,x'00ff',30,'regulier','C'",
                "household_income", "found a blob"},
        BadCell{"'B',CAST(x'54ff' AS TEXT),'D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C'",
                "corporation", "not valid UTF-8"},
        BadCell{"'B',1.5,'D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C'", "corporation",
                "found a real number"},
        BadCell{"'G1','T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C'", "allocation_id",
                "duplicate allocation_id 'G1' (first on row 1)"},
        // The limits of the file readers hold for SQLite cells too: a text of 10 MB was accepted.
        BadCell{"'B','T','D',printf('%.*c', 70000, 'k'),NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C'",
                "kern", "the field is 70000 bytes long; at most 65536 are allowed"},
        // A NUL byte inside a text (SQLite keeps it; C strings would cut the value there).
        BadCell{"'B','T','D',CAST(x'41004200' AS TEXT),NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C'",
                "kern", "contains a NUL byte"},
        BadCell{"CAST(x'420031' AS TEXT),'T','D',NULL,NULL,'2026-01-01','V','sociaal',1,0,600,1,100,30,'regulier','C'",
                "allocation_id", "contains a NUL byte"}));

TEST(SqliteInput, FileLevelProblemsAreDataFileErrors) {
  TempDir dir;
  const std::string path = dir.file("input.db");
  make_input_table(path);
  const auto message = [&](const toets::SqliteTableSpec& spec) {
    try {
      toets::read_sqlite_table(schema_of("allocations"), spec);
    } catch (const toets::DataFileError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({dir.file("missing.db"), "lets"}).find("no such file"), std::string::npos);
  const std::string csv = dir.file("lets.csv");
  write_file(csv, kAllocationsHeader + allocation_row("A1", "T", "1.00"));
  EXPECT_NE(message({csv, "lets"}).find("not an SQLite database"), std::string::npos);
  const std::string no_table = message({path, "allocations"});
  EXPECT_NE(no_table.find("no table 'allocations' (it has 'lets')"), std::string::npos) << no_table;
  {
    Db db(path);
    db.exec("CREATE TABLE thin (allocation_id TEXT, corporation TEXT);"
            "CREATE TABLE both_rents AS SELECT *, 61235 AS rent_cents FROM lets;");
  }
  const std::string thin = message({path, "thin"});
  EXPECT_NE(thin.find("missing required columns 'municipality', 'contract_date'"), std::string::npos) << thin;
  EXPECT_NE(message({path, "both_rents"}).find("both 'rent' and 'rent_cents'"), std::string::npos);
}

TEST(SqliteInput, ContentHashFollowsTheValues) {
  TempDir dir;
  const std::string path = dir.file("input.db");
  make_input_table(path);
  toets::SqliteReadOptions options;
  options.content_hash = true;
  const std::string first = toets::read_sqlite_table(schema_of("allocations"), {path, "lets"}, options).sha256;
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(toets::read_sqlite_table(schema_of("allocations"), {path, "lets"}, options).sha256, first);
  {
    Db db(path);
    db.exec("UPDATE lets SET rent = 612.36 WHERE allocation_id = 'A1'");
  }
  EXPECT_NE(toets::read_sqlite_table(schema_of("allocations"), {path, "lets"}, options).sha256, first);
}

// ---------------------------------------------------------------------------------------------
// Opening a store

TEST(StoreOpen, WrongFilesAreUserErrorsAndStayUntouched) {
  TempDir dir;
  std::string error;
  EXPECT_EQ(toets::Store::open(dir.file("none.db"), toets::StoreAccess::ReadOnly, error), nullptr);
  EXPECT_NE(error.find("no such store"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.file("none.db")));
  EXPECT_EQ(toets::Store::open(dir.file("none.db"), toets::StoreAccess::ReadWrite, error), nullptr);
  EXPECT_FALSE(fs::exists(dir.file("none.db")));

  const std::string csv = dir.file("export.csv");
  write_file(csv, kAllocationsHeader);
  EXPECT_EQ(toets::Store::open(csv, toets::StoreAccess::Create, error), nullptr);
  EXPECT_NE(error.find("not a toets store (not an SQLite database at all)"), std::string::npos) << error;
  EXPECT_EQ(read_file(csv), kAllocationsHeader);

  // Someone else's database, in WAL mode: refused, and its journal mode is left alone.
  const std::string other = dir.file("other.db");
  {
    Db db(other);
    db.exec("CREATE TABLE customers (id); PRAGMA journal_mode = WAL;");
  }
  const std::string other_before = read_file(other);
  EXPECT_EQ(toets::Store::open(other, toets::StoreAccess::Create, error), nullptr);
  EXPECT_NE(error.find("not a toets store (an SQLite database with tables customers)"), std::string::npos) << error;
  EXPECT_EQ(read_file(other), other_before);
  EXPECT_EQ(read_file(other)[18], 2);

  EXPECT_EQ(toets::Store::open(dir.path().string(), toets::StoreAccess::Create, error), nullptr);
}

TEST(StoreOpen, AStoreOfANewerLayoutIsRefused) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  {
    auto store = open_store(path, toets::StoreAccess::Create);
    import_text(*store, "allocations", kAllocationsHeader + allocation_row("A1", "T", "1.00"), "a.csv");
  }
  {
    Db db(path);
    db.exec("PRAGMA user_version = 99");
  }
  std::string error;
  EXPECT_EQ(toets::Store::open(path, toets::StoreAccess::ReadOnly, error), nullptr);
  EXPECT_NE(error.find("written by a newer toets (store layout 99"), std::string::npos) << error;
}

TEST(StoreOpen, AnEmptyFileIsAnEmptyStore) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  write_file(path, "");
  auto store = open_store(path, toets::StoreAccess::ReadOnly);
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->runs().empty());
  EXPECT_TRUE(store->imports().empty());
  EXPECT_TRUE(store->load({&schema_of("allocations")}).empty());
  EXPECT_EQ(fs::file_size(path), 0u);
}

// ---------------------------------------------------------------------------------------------
// Imports

TEST(StoreImport, MergeAddsAndReplacesByRecordKey) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  auto first = import_text(*store, "allocations",
                           kAllocationsHeader + allocation_row("A1", "T", "100.00") + allocation_row("A2", "T", "200.00"),
                           "2025.csv");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_FALSE(first[0].skipped);
  EXPECT_EQ(first[0].import_id, 1);
  EXPECT_EQ(first[0].rows_stored, 2u);
  EXPECT_EQ(first[0].rows_new, 2u);
  EXPECT_EQ(first[0].rows_replaced, 0u);

  // A re-export: A1 the same, A2 corrected, A3 new. A1 stays as it was (from import 1).
  auto second = import_text(*store, "allocations",
                            kAllocationsHeader + allocation_row("A1", "T", "100.00") +
                                allocation_row("A2", "T", "250.00") + allocation_row("A3", "T", "300.00"),
                            "2025-corrected.csv");
  EXPECT_EQ(second[0].import_id, 2);
  EXPECT_EQ(second[0].rows_stored, 3u);
  EXPECT_EQ(second[0].rows_new, 1u);
  EXPECT_EQ(second[0].rows_replaced, 1u);
  EXPECT_EQ(second[0].rows_unchanged, 1u);
  EXPECT_TRUE(second[0].rejections.empty());
  EXPECT_EQ(stored_allocations(path), (std::vector<std::string>{"A1|10000|1", "A2|25000|2", "A3|30000|2"}));

  // A third export leaves out A1: a merge keeps it.
  import_text(*store, "allocations", kAllocationsHeader + allocation_row("A3", "T", "300.00"), "2025-a3.csv");
  EXPECT_EQ(stored_allocations(path), (std::vector<std::string>{"A1|10000|1", "A2|25000|2", "A3|30000|2"}));

  const auto imports = store->imports();
  ASSERT_EQ(imports.size(), 3u);
  EXPECT_EQ(imports[0].live_rows, 1u);
  EXPECT_EQ(imports[1].live_rows, 2u);
  EXPECT_EQ(imports[1].rows_unchanged, 1u);
  EXPECT_EQ(imports[2].live_rows, 0u);
  EXPECT_EQ(imports[2].rows_unchanged, 1u);
  EXPECT_EQ(imports[1].source, "2025-corrected.csv");

  // Loading for a check: all current records, and the imports they came from.
  auto loaded = store->load({&schema_of("allocations"), &schema_of("stock")});
  ASSERT_EQ(loaded.count(toets::DatasetKind::Allocations), 1u);
  EXPECT_EQ(loaded.count(toets::DatasetKind::Stock), 0u);  // never imported
  const toets::StoreDataset& allocations = loaded.at(toets::DatasetKind::Allocations);
  EXPECT_EQ(allocations.loaded.data.row_count(), 3u);
  EXPECT_EQ(allocations.input.source, "store");
  EXPECT_EQ(allocations.input.imports, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(allocations.loaded.report.rows_read, 3u);
  EXPECT_TRUE(allocations.loaded.report.rejections.empty());
  ASSERT_FALSE(allocations.loaded.report.notes.empty());
  EXPECT_EQ(allocations.loaded.report.notes[0],
            "read from the store: import 1 (2025.csv, 1 row), import 2 (2025-corrected.csv, 2 rows)");
}

TEST(StoreImport, TheSameContentTwiceAddsNothing) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  const std::string text = kAllocationsHeader + allocation_row("A1", "T", "100.00");
  import_text(*store, "allocations", text, "a.csv");
  const std::string state_before = store->load({&schema_of("allocations")}).at(toets::DatasetKind::Allocations).input.sha256;
  const auto again = import_text(*store, "allocations", text, "copy-of-a.csv");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].skipped);
  EXPECT_EQ(again[0].import_id, 1);
  EXPECT_EQ(again[0].earlier_source, "a.csv");
  EXPECT_EQ(store->imports().size(), 1u);
  EXPECT_EQ(store->load({&schema_of("allocations")}).at(toets::DatasetKind::Allocations).input.sha256, state_before);
  // Other content does change the state.
  import_text(*store, "allocations", kAllocationsHeader + allocation_row("A1", "T", "100.01"), "b.csv");
  EXPECT_NE(store->load({&schema_of("allocations")}).at(toets::DatasetKind::Allocations).input.sha256, state_before);
}

// The last import wins, also when it is an old file again: its values come back. Importing it
// once more then changes nothing, and is skipped.
TEST(StoreImport, AnOldFileImportedAgainBringsItsValuesBack) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  const std::string v1 = kAllocationsHeader + allocation_row("A1", "T", "1.00") + allocation_row("A2", "T", "2.00");
  const std::string v2 = kAllocationsHeader + allocation_row("A1", "T", "1.00") + allocation_row("A2", "T", "2.50");
  import_text(*store, "allocations", v1, "v1.csv");
  import_text(*store, "allocations", v2, "v2.csv");
  EXPECT_EQ(stored_allocations(path), (std::vector<std::string>{"A1|100|1", "A2|250|2"}));
  const auto again = import_text(*store, "allocations", v1, "v1.csv");
  EXPECT_FALSE(again[0].skipped);
  EXPECT_EQ(again[0].import_id, 3);
  EXPECT_EQ(again[0].earlier_import, 1);
  EXPECT_EQ(again[0].rows_replaced, 1u);
  EXPECT_EQ(again[0].rows_unchanged, 1u);
  EXPECT_EQ(stored_allocations(path), (std::vector<std::string>{"A1|100|1", "A2|200|3"}));
  const auto once_more = import_text(*store, "allocations", v1, "v1.csv");
  EXPECT_TRUE(once_more[0].skipped);
  EXPECT_EQ(once_more[0].import_id, 3);
  EXPECT_EQ(store->imports().size(), 3u);
}

// A scheduled job that imports every export of a kind each night adds nothing on nights when
// nothing changed, however many files it imports.
TEST(StoreImport, ANightlyImportOfUnchangedFilesAddsNothing) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  const std::string year_2025 = kAllocationsHeader + allocation_row("A1", "T", "1.00", "2025-03-01");
  const std::string year_2026 = kAllocationsHeader + allocation_row("B1", "T", "2.00", "2026-03-01");
  for (int night = 0; night < 3; ++night) {
    const auto a = import_text(*store, "allocations", year_2025, "2025.csv");
    const auto b = import_text(*store, "allocations", year_2026, "2026.csv");
    EXPECT_EQ(a[0].skipped, night > 0);
    EXPECT_EQ(b[0].skipped, night > 0);
  }
  EXPECT_EQ(store->imports().size(), 2u);
}

TEST(StoreImport, ReplaceIsSkippedOnlyWhileTheFileIsTheWholeKind) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  const std::string v1 = kAllocationsHeader + allocation_row("A1", "T", "1.00");
  const std::string v2 = kAllocationsHeader + allocation_row("A2", "T", "2.00");
  const auto replace = toets::ImportMode::Replace;
  EXPECT_FALSE(import_text(*store, "allocations", v1, "v1.csv", replace)[0].skipped);
  EXPECT_TRUE(import_text(*store, "allocations", v1, "v1.csv", replace)[0].skipped);
  EXPECT_FALSE(import_text(*store, "allocations", v2, "v2.csv", replace)[0].skipped);
  EXPECT_FALSE(import_text(*store, "allocations", v1, "v1.csv", replace)[0].skipped);
  EXPECT_EQ(stored_allocations(path), (std::vector<std::string>{"A1|100|3"}));
  // A merge of v1 into a store that is v1 changes nothing: skipped.
  EXPECT_TRUE(import_text(*store, "allocations", v1, "v1.csv")[0].skipped);
}

TEST(StoreImport, ReplaceMakesTheFileTheWholeKind) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  import_text(*store, "allocations",
              kAllocationsHeader + allocation_row("A1", "T", "1.00") + allocation_row("A2", "T", "2.00"), "a.csv");
  const auto replaced = import_text(*store, "allocations", kAllocationsHeader + allocation_row("A3", "T", "3.00"),
                                    "b.csv", toets::ImportMode::Replace);
  EXPECT_EQ(replaced[0].rows_new, 1u);
  EXPECT_EQ(replaced[0].rows_replaced, 2u);
  EXPECT_EQ(stored_allocations(path), (std::vector<std::string>{"A3|300|2"}));
  const auto imports = store->imports();
  EXPECT_EQ(imports[0].live_rows, 0u);
  EXPECT_EQ(imports[1].mode, toets::ImportMode::Replace);
  EXPECT_EQ(store->load({&schema_of("allocations")}).at(toets::DatasetKind::Allocations).input.imports,
            (std::vector<std::int64_t>{2}));
}

TEST(StoreImport, RejectedRowsAreCountedAndKeptButNotStored) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  const auto outcome = import_text(
      *store, "allocations",
      kAllocationsHeader + allocation_row("A1", "T", "1.00") + allocation_row("A2", "T", "lots") +
          allocation_row("A1", "T", "3.00"),
      "a.csv");
  EXPECT_EQ(outcome[0].rows_read, 3u);
  EXPECT_EQ(outcome[0].rows_stored, 1u);
  EXPECT_EQ(outcome[0].rows_rejected, 2u);
  ASSERT_EQ(outcome[0].rejections.size(), 2u);
  EXPECT_EQ(outcome[0].rejections[0].line, 3u);
  EXPECT_EQ(outcome[0].rejections[0].column, "household_income");
  Db db(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.rows("SELECT line, column_name, value FROM import_rejections ORDER BY seq"),
            (std::vector<std::string>{"3|household_income|lots", "4|allocation_id|A1"}));
  EXPECT_EQ(db.value("SELECT rows_read || '/' || rows_accepted || '/' || rows_rejected FROM imports"), "3/1/2");
}

// A key repeated inside one file that the reader lets through (stock: dwelling and snapshot date):
// the store keeps the first and rejects the other, with its line; nothing is overwritten silently.
TEST(StoreImport, AKeyTwiceInOneFileIsRejectedNotOverwritten) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  const std::string header =
      "dwelling_id,snapshot_date,corporation,municipality,kern,neighbourhood,segment,daeb,rent,energy_label,monument\n";
  const std::string text = header + "V1,2026-01-01,T,D,,,sociaal,true,600.00,E,false\n" +
                           "V1,2026-07-01,T,D,,,sociaal,true,600.00,D,false\n" +
                           "V1,2026-01-01,T,D,,,sociaal,true,650.00,C,false\n";
  toets::LoadedDataset loaded = parse_csv("stock", text, "stock.csv");
  const std::uint64_t reader_rejected = loaded.report.rows_rejected;
  std::vector<toets::ImportRequest> requests{toets::ImportRequest{&schema_of("stock"), "stock.csv", "h1", &loaded}};
  const auto outcome = store->import(requests, toets::ImportMode::Merge, "2026-11-23T10:00:00Z");
  EXPECT_EQ(outcome[0].rows_stored, 2u);
  EXPECT_EQ(outcome[0].rows_rejected, 1u);
  EXPECT_EQ(outcome[0].rows_read, outcome[0].rows_stored + outcome[0].rows_rejected);
  ASSERT_EQ(outcome[0].rejections.size(), 1u);
  EXPECT_EQ(outcome[0].rejections[0].line, 4u);
  if (reader_rejected == 0) {
    EXPECT_NE(outcome[0].rejections[0].reason.find("same key (V1, 2026-01-01)"), std::string::npos);
  }
  Db db(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.rows("SELECT dwelling_id, snapshot_date, rent_cents, energy_label FROM stock ORDER BY snapshot_date"),
            (std::vector<std::string>{"V1|2026-01-01|60000|E", "V1|2026-07-01|60000|D"}));
}

// A key repeated in a dataset the reader did not check (two files' rows put together): into an
// empty kind, where the import finds repeated keys itself and inserts many rows a statement, and
// into a kind holding rows, where the upsert finds them, the first row stays and each later one is
// rejected with its line. The stored rows are worked out by hand from the rows below.
TEST(StoreImport, ARepeatedKeyIsFoundTheSameIntoAnEmptyOrAFilledKind) {
  const auto repeated = [] {
    toets::LoadedDataset first =
        parse_csv("allocations",
                  kAllocationsHeader + allocation_row("A1", "T", "1.00") + allocation_row("A2", "T", "2.00"), "a.csv");
    const toets::LoadedDataset second = parse_csv(
        "allocations", kAllocationsHeader + allocation_row("A3", "T", "3.00") + allocation_row("A1", "T", "9.00"), "b.csv");
    const toets::LoadedDataset third = parse_csv(
        "allocations", kAllocationsHeader + allocation_row("A2", "T", "2.00") + allocation_row("A1", "T", "8.00"), "c.csv");
    first.data.append(second.data, 2);  // lines 4 and 5
    first.data.append(third.data, 4);   // lines 6 and 7
    first.report.rows_read = first.report.rows_accepted = 6;
    return first;
  };
  for (const bool filled : {false, true}) {
    SCOPED_TRACE(filled ? "into a filled kind" : "into an empty kind");
    TempDir dir;
    const std::string path = dir.file("store.db");
    auto store = open_store(path, toets::StoreAccess::Create);
    if (filled) import_text(*store, "allocations", kAllocationsHeader + allocation_row("Z9", "T", "5.00"), "z.csv");
    toets::LoadedDataset loaded = repeated();
    ASSERT_EQ(loaded.data.row_count(), 6u);
    std::vector<toets::ImportRequest> requests{
        toets::ImportRequest{&schema_of("allocations"), "ab.csv", "h-ab", &loaded}};
    const auto outcome = store->import(requests, toets::ImportMode::Merge, "2026-11-23T10:00:00Z");
    EXPECT_EQ(outcome[0].rows_stored, 3u);
    EXPECT_EQ(outcome[0].rows_new, 3u);
    ASSERT_EQ(outcome[0].rejections.size(), 3u);
    EXPECT_EQ(outcome[0].rejections[0].line, 5u);
    EXPECT_EQ(outcome[0].rejections[1].line, 6u);
    EXPECT_EQ(outcome[0].rejections[2].line, 7u);
    EXPECT_NE(outcome[0].rejections[0].reason.find("same key (A1)"), std::string::npos) << outcome[0].rejections[0].reason;
    EXPECT_NE(outcome[0].rejections[1].reason.find("same key (A2)"), std::string::npos) << outcome[0].rejections[1].reason;
    const std::string import = filled ? "2" : "1";
    std::vector<std::string> expected{"A1|100|" + import, "A2|200|" + import, "A3|300|" + import};
    if (filled) expected.push_back("Z9|500|1");
    EXPECT_EQ(stored_allocations(path), expected);
    Db db(path, SQLITE_OPEN_READONLY);
    // The rows in file order (rowid), with their lines, and the import_id index made again.
    EXPECT_EQ(db.rows("SELECT allocation_id, source_line FROM allocations WHERE import_id = " + import + " ORDER BY rowid"),
              (std::vector<std::string>{"A1|2", "A2|3", "A3|4"}));
    EXPECT_EQ(db.value("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'allocations_import'"), "1");
    EXPECT_EQ(db.value("PRAGMA foreign_key_check"), "");
  }
}

// Several files in one import: when one fails half-way, none of them is stored.
TEST(StoreImport, OneTransactionForAllFiles) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  {
    auto store = open_store(path, toets::StoreAccess::Create);
    import_text(*store, "allocations", kAllocationsHeader + allocation_row("A0", "T", "1.00"), "base.csv");
  }
  {
    Db db(path);
    db.exec(
        "CREATE TRIGGER boom BEFORE INSERT ON stock WHEN NEW.dwelling_id = 'BOOM' "
        "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END");
  }
  const std::vector<std::string> before = store_content(path);
  auto store = open_store(path, toets::StoreAccess::ReadWrite);
  toets::LoadedDataset allocations =
      parse_csv("allocations", kAllocationsHeader + allocation_row("A1", "T", "1.00"), "a.csv");
  toets::LoadedDataset stock = parse_csv(
      "stock",
      "dwelling_id,snapshot_date,corporation,municipality,segment,daeb,rent,energy_label\n"
      "V1,2026-01-01,T,D,sociaal,true,600.00,E\nBOOM,2026-01-01,T,D,sociaal,true,600.00,E\n",
      "s.csv");
  std::vector<toets::ImportRequest> requests{
      toets::ImportRequest{&schema_of("allocations"), "a.csv", "h-a", &allocations},
      toets::ImportRequest{&schema_of("stock"), "s.csv", "h-s", &stock}};
  try {
    store->import(requests, toets::ImportMode::Merge, "2026-11-23T10:00:00Z");
    ADD_FAILURE() << "the import should have failed";
  } catch (const toets::StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("the disk is full"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
  store.reset();
  EXPECT_EQ(store_content(path), before);
  EXPECT_EQ(stored_allocations(path), (std::vector<std::string>{"A0|100|1"}));
  for (const char* sidecar : {"-journal", "-wal", "-shm"}) EXPECT_FALSE(fs::exists(path + sidecar)) << sidecar;
}

// The canonical values survive the store exactly: a fixture read from CSV and read back from the
// store gives the same cells.
TEST(StoreImport, RoundTripKeepsEveryCell) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = open_store(path, toets::StoreAccess::Create);
  for (const std::string kind : {"allocations", "stock"}) {
    const std::string file = source_path("fixtures/dordrecht-2026-2027/" + kind + ".csv");
    toets::LoadedDataset original = toets::read_csv_file(schema_of(kind), file);
    std::vector<toets::ImportRequest> requests{
        toets::ImportRequest{&schema_of(kind), file, toets::file_sha256(file), &original}};
    store->import(requests, toets::ImportMode::Merge, "2026-11-23T10:00:00Z");
    auto back = store->load({&schema_of(kind)});
    const toets::Dataset& copy = back.at(schema_of(kind).kind).loaded.data;
    ASSERT_EQ(copy.row_count(), original.data.row_count()) << kind;
    for (std::uint32_t c = 0; c < schema_of(kind).columns.size(); ++c) {
      for (std::size_t row = 0; row < copy.row_count(); ++row) {
        ASSERT_EQ(copy.cell_text(c, row), original.data.cell_text(c, row)) << kind << " column " << c << " row " << row;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Runs

struct CheckedFixture {
  std::unique_ptr<toets::CompiledRuleSet> rules;
  std::vector<std::unique_ptr<toets::LoadedDataset>> data;
  toets::CheckReport report;
};

CheckedFixture check_fixture(const std::string& as_of_text = "2026-11-23") {
  CheckedFixture out;
  toets::Diagnostics diagnostics;
  out.rules = toets::check_rule_file(source_path("rules/dordrecht-2026-2027.toets"), diagnostics);
  EXPECT_TRUE(out.rules != nullptr);
  if (!out.rules) return out;
  toets::DatasetMap datasets;
  for (const std::string kind : {"allocations", "stock"}) {
    out.data.push_back(std::make_unique<toets::LoadedDataset>(
        toets::read_csv_file(schema_of(kind), source_path("fixtures/dordrecht-2026-2027/" + kind + ".csv"))));
    datasets[schema_of(kind).kind] = &out.data.back()->data;
  }
  const int year = std::stoi(as_of_text.substr(0, 4));
  const auto month = static_cast<unsigned>(std::stoi(as_of_text.substr(5, 2)));
  const auto day = static_cast<unsigned>(std::stoi(as_of_text.substr(8, 2)));
  out.report.ruleset = out.rules->info;
  out.report.as_of = toets::days_from_civil(year, month, day);
  out.report.results = toets::evaluate_rules(*out.rules, datasets, out.report.as_of);
  return out;
}

TEST(StoreRuns, EveryResultRowIsRecordedAsItWas) {
  TempDir dir;
  auto store = open_store(dir.file("store.db"), toets::StoreAccess::Create);
  CheckedFixture fixture = check_fixture();
  ASSERT_TRUE(fixture.rules);
  const std::string hash = toets::ruleset_sha256(*fixture.rules);
  EXPECT_EQ(hash.size(), 64u);
  const std::vector<toets::RunInput> inputs{{"allocations", "a.csv", "abc", {}, 79, 78, 1, true}};
  const std::int64_t id = store->record_run(fixture.report, hash, inputs, "2026-11-23T10:15:02Z");
  EXPECT_EQ(id, 1);

  const auto run = store->run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->recorded_at, "2026-11-23T10:15:02Z");
  EXPECT_EQ(run->as_of, fixture.report.as_of);
  EXPECT_EQ(run->ruleset_id, fixture.rules->info.id);
  EXPECT_EQ(run->ruleset_sha256, hash);
  EXPECT_EQ(run->engine_version, std::string(toets::engine_version()));
  EXPECT_NE(run->engine_version, "unknown");
  ASSERT_EQ(run->inputs.size(), 1u);
  EXPECT_EQ(run->inputs[0].sha256, "abc");
  EXPECT_EQ(run->inputs[0].rows_read, 79u);
  std::uint64_t total = 0;
  for (const auto& [status, count] : run->summary) total += count;
  EXPECT_EQ(total, fixture.report.results.size());
  EXPECT_FALSE(store->run(id + 1));

  const auto results = store->results(id);
  ASSERT_EQ(results.size(), fixture.report.results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const toets::RuleResult& original = fixture.report.results[i];
    const toets::StoredResult& stored = results[i];
    EXPECT_EQ(stored.seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(stored.rule, original.rule->id);
    EXPECT_EQ(stored.group_json, toets::group_json(original.group));
    EXPECT_EQ(stored.status, original.status) << stored.rule << " " << stored.group_text;
    EXPECT_EQ(stored.measure.has_value(), original.measure.has_value());
    if (stored.measure && original.measure) {
      EXPECT_EQ(toets::compare(*stored.measure, *original.measure), 0);
    }
    EXPECT_EQ(stored.numerator, original.numerator);
    EXPECT_EQ(stored.denominator, original.denominator);
    EXPECT_EQ(stored.records, original.records);
    EXPECT_EQ(stored.evidence_count, original.evidence.size());
    EXPECT_EQ(stored.evidence, original.evidence);
    EXPECT_EQ(stored.unit, original.rule->measure.unit);
    if (original.threshold) {
      EXPECT_EQ(stored.threshold_text, original.threshold->text);
    }
  }
}

TEST(StoreRuns, GroupsAreCanonicalJsonInGroupingOrder) {
  std::vector<toets::GroupField> group(3);
  group[0].name = "corporation";
  group[0].text = "Wonen \"Zuid\"";
  group[1].name = "year";
  group[1].number = 2026;
  group[2].name = "kern";
  EXPECT_EQ(toets::group_json(group), R"({"corporation":"Wonen \"Zuid\"","year":2026,"kern":null})");
  EXPECT_EQ(toets::group_json({}), "{}");
}

TEST(StoreRuns, AReadOnlyStoreRecordsNothing) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  CheckedFixture fixture = check_fixture();
  ASSERT_TRUE(fixture.rules);
  open_store(path, toets::StoreAccess::Create)->record_run(fixture.report, "h", {}, "2026-11-23T10:15:02Z");
  const std::string before = read_file(path);
  auto store = open_store(path, toets::StoreAccess::ReadOnly);
  EXPECT_THROW(store->record_run(fixture.report, "h", {}, "2026-11-23T10:16:00Z"), toets::StoreError);
  std::vector<toets::ImportRequest> none;
  EXPECT_THROW(store->import(none, toets::ImportMode::Merge, "now"), toets::StoreError);
  EXPECT_EQ(store->runs().size(), 1u);
  store.reset();
  EXPECT_EQ(read_file(path), before);
}

// ---------------------------------------------------------------------------------------------
// Diff (the classification, on results made by hand)

toets::StoredResult result(const std::string& rule, const std::string& group, toets::Status status,
                           std::optional<toets::Ratio> measure, std::int64_t seq) {
  toets::StoredResult r;
  r.seq = seq;
  r.rule = rule;
  r.group_json = "{\"corporation\":\"" + group + "\"}";
  r.group_text = group;
  r.status = status;
  r.unit = toets::ValueType::Fraction;
  r.measure = measure;
  if (measure) r.measure_text = toets::format_value(*measure, r.unit);
  return r;
}

// Whether one line of `text` holds every one of `parts`, in that order.
bool has_line_with(const std::string& text, const std::vector<std::string>& parts) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::size_t at = 0;
    bool all = true;
    for (const std::string& part : parts) {
      at = line.find(part, at);
      if (at == std::string::npos) {
        all = false;
        break;
      }
      at += part.size();
    }
    if (all) return true;
  }
  return false;
}

TEST(StoreDiff, ClassifiesEveryKindOfChange) {
  using toets::Status;
  const toets::Ratio seven{7, 100}, eight{8, 100}, twenty{20, 100};
  const std::vector<toets::StoredResult> before = {
      result("F", "A", Status::Ok, seven, 1),       result("F", "B", Status::Breach, twenty, 2),
      result("F", "C", Status::Signal, eight, 3),   result("F", "D", Status::Breach, twenty, 4),
      result("F", "E", Status::Breach, twenty, 5),  result("F", "F", Status::Ok, seven, 6),
      result("F", "G", Status::Ok, seven, 7),       result("F", "H", Status::Signal, eight, 8),
      result("G", "A", Status::AtRisk, seven, 9),
  };
  const std::vector<toets::StoredResult> after = {
      result("F", "A", Status::Breach, twenty, 1),  // new
      result("F", "B", Status::Ok, seven, 2),       // resolved
      result("F", "C", Status::Breach, twenty, 3),  // worse
      result("F", "D", Status::Signal, eight, 4),   // better
      result("F", "E", Status::NoData, std::nullopt, 5),  // another status change
      result("F", "F", Status::Ok, eight, 6),       // moved
      result("F", "G", Status::Ok, seven, 7),       // unchanged
      result("F", "I", Status::Signal, eight, 8),   // new group with a signal: new
      result("F", "J", Status::Ok, seven, 9),       // new group, fine: appeared
      result("G", "A", Status::OnTrack, seven, 10), // resolved (deadline)
      // F H is gone: disappeared
  };
  toets::RunInfo a, b;
  a.id = 1;
  b.id = 2;
  a.ruleset_id = b.ruleset_id = "r";
  const toets::RunDiff diff = toets::diff_runs(a, before, b, after);
  std::map<std::string, std::string> kinds;
  for (const auto& change : diff.changes) kinds[change.rule + " " + change.group_text] = toets::change_name(change.kind);
  EXPECT_EQ(kinds, (std::map<std::string, std::string>{{"F A", "new"},
                                                       {"F B", "resolved"},
                                                       {"F C", "worse"},
                                                       {"F D", "better"},
                                                       {"F E", "status_changed"},
                                                       {"F F", "moved"},
                                                       {"F I", "new"},
                                                       {"F J", "appeared"},
                                                       {"G A", "resolved"},
                                                       {"F H", "disappeared"}}));
  EXPECT_EQ(diff.unchanged, 1u);
  EXPECT_EQ(diff.changes.back().rule + " " + diff.changes.back().group_text, "F H");  // gone ones last
  for (const auto& change : diff.changes) {
    if (change.group_text == "F") {
      ASSERT_TRUE(change.delta);
      EXPECT_EQ(toets::compare(*change.delta, toets::Ratio{1, 100}), 0);
    }
    if (change.group_text == "E") {
      EXPECT_FALSE(change.delta);
    }
  }

  std::ostringstream text;
  toets::write_diff_text(diff, text);
  EXPECT_NE(text.str().find("New breaches and signals (2)"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("ok -> breach"), std::string::npos);
  EXPECT_TRUE(has_line_with(text.str(), {"F  F ", "ok ", "7.00% -> 8.00%", "+1.00 pp"})) << text.str();
  EXPECT_TRUE(has_line_with(text.str(), {"F  B ", "breach -> ok", "20.00% -> 7.00%", "-13.00 pp"})) << text.str();
  EXPECT_TRUE(has_line_with(text.str(), {"F  H ", "signal", "8.00%"})) << text.str();
  EXPECT_NE(text.str().find("1 unchanged"), std::string::npos);
  const auto json = toets::diff_to_json(diff);
  EXPECT_EQ(json["summary"]["new"], 2);
  EXPECT_EQ(json["summary"]["unchanged"], 1);
  EXPECT_EQ(json["changes"][0]["group"]["corporation"], "A");
  EXPECT_DOUBLE_EQ(json["changes"][0]["delta"].get<double>(), 0.13);
}

// A result that turned into an error says why, in the text and in the JSON: from its note as
// data, or from the message an older toets recorded.
TEST(StoreDiff, SaysWhyAResultIsAnErrorOrHasNoData) {
  using toets::Status;
  const toets::Ratio seven{7, 100};
  toets::StoredResult broken = result("F", "A", Status::Error, std::nullopt, 1);
  toets::NoteArgs lacks;
  lacks.table = "cap";
  lacks.keys = {{"corporation", "'A'"}};
  broken.note.add(toets::NoteCode::TableLacks, lacks);
  toets::StoredResult old = result("F", "B", Status::NoData, std::nullopt, 2);
  old.message = "no allocations records pass the rule's filter";  // recorded before notes were data
  const toets::RunDiff diff = toets::diff_runs(toets::RunInfo{}, {result("F", "A", Status::Ok, seven, 1),
                                                                  result("F", "B", Status::Ok, seven, 2)},
                                               toets::RunInfo{}, {broken, old});
  std::ostringstream text;
  toets::write_diff_text(diff, text);
  EXPECT_NE(text.str().find("    why: F A: parameter table 'cap' has no value for corporation 'A'\n"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("    why: F B: no allocations records pass the rule's filter\n"), std::string::npos) << text.str();
  const auto json = toets::diff_to_json(diff);
  ASSERT_EQ(json["changes"].size(), 2u);
  EXPECT_EQ(json["changes"][0]["to"]["message"], "parameter table 'cap' has no value for corporation 'A'");
  EXPECT_EQ(json["changes"][0]["from"]["message"], "");
  EXPECT_EQ(json["changes"][1]["to"]["message"], "no allocations records pass the rule's filter");
}

TEST(StoreDiff, NotesWhatChangedBesidesTheResults) {
  toets::RunInfo a, b;
  a.id = 1;
  b.id = 2;
  a.ruleset_id = b.ruleset_id = "r";
  a.ruleset_sha256 = std::string(64, 'a');
  b.ruleset_sha256 = std::string(64, 'b');
  a.engine_version = b.engine_version = "0.1.0";
  a.inputs = {{"allocations", "store", "1111", {1}, 1, 1, 0, true}, {"stock", "store", "2222", {2}, 1, 1, 0, true}};
  b.inputs = {{"allocations", "store", "3333", {1, 3}, 1, 1, 0, true}, {"stock", "store", "2222", {2}, 1, 1, 0, true}};
  const auto diff = toets::diff_runs(a, {}, b, {});
  ASSERT_EQ(diff.notes.size(), 1u);
  EXPECT_NE(diff.notes[0].find("rule files changed"), std::string::npos);
  std::ostringstream text;
  toets::write_diff_text(diff, text);
  EXPECT_NE(text.str().find("allocations  changed    store 1111 -> store 3333"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("stock        unchanged  store 2222"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("No changes"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The command line

const std::string kFixtureDir = "fixtures/dordrecht-2026-2027";
const std::string kRules = "rules/dordrecht-2026-2027.toets";

// The results of a JSON report, or of one side of a diff, as "rule|group|status|detail" lines
// (the format of the fixture's expected.sql).
std::string detail_of(const nlohmann::json& side, bool deadline) {
  if (!side["numerator"].is_null() && side["denominator"] != 0) {
    return side["numerator"].dump() + "/" + side["denominator"].dump();
  }
  if (deadline && !side["measure"].is_null()) return side["measure"].dump();
  return "";
}

std::string group_text_of(const nlohmann::json& group) {
  std::string text;
  for (const auto& [key, value] : group.items()) {
    if (!text.empty()) text += ", ";
    text += value.is_string() ? value.get<std::string>() : value.dump();
  }
  return text;
}

// Runs the fixture's expected.sql (sqlite3, independent of the engine) over the CSV files in `dir`.
std::map<std::string, std::string> expected_results(const std::string& dir, const std::string& as_of) {
  const std::string command = "cd '" + dir + "' && sqlite3 -cmd \"CREATE TABLE settings AS SELECT '" + as_of +
                              "' AS as_of\" :memory: < expected.sql";
  FILE* pipe = popen(command.c_str(), "r");
  std::map<std::string, std::string> out;  // rule|group -> status|detail
  if (pipe == nullptr) return out;
  std::string text;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) text += buffer;
  EXPECT_EQ(pclose(pipe), 0) << "sqlite3 failed";
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find('|');
    const auto second = line.find('|', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    // The store's diff compares status and detail; whether a group lies outside its rule's
    // period is not part of it.
    std::string value = line.substr(second + 1);
    if (value.ends_with("|outside")) value.resize(value.size() - 8);
    out[line.substr(0, second)] = value;
  }
  return out;
}

// Copies the fixture to `dir`, changing allocations by `edit` (id -> new row, or "" to drop it)
// and adding `extra` rows.
void write_fixture(const std::string& dir, const std::map<std::string, std::string>& edit, const std::string& extra) {
  fs::create_directories(dir);
  for (const std::string name : {"stock.csv", "mutations.csv", "expected.sql"}) {
    fs::copy_file(source_path(kFixtureDir + "/" + name), dir + "/" + name, fs::copy_options::overwrite_existing);
  }
  std::istringstream in(read_file(source_path(kFixtureDir + "/allocations.csv")));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const auto found = edit.find(line.substr(0, line.find(',')));
    if (found == edit.end()) out += line + "\n";
    else if (!found->second.empty()) out += found->second;
  }
  write_file(dir + "/allocations.csv", out + extra);
}

TEST(StoreCli, ImportIsOneTransactionAndIdempotent) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  const std::string rows =
      std::to_string(toets::read_csv_file(schema_of("allocations"), source_path(kFixtureDir + "/allocations.csv"))
                         .report.rows_accepted);
  const std::uint64_t stock_rows =
      toets::read_csv_file(schema_of("stock"), source_path(kFixtureDir + "/stock.csv")).report.rows_accepted;
  const Outcome first = toets("import --db '" + db + "' --data allocations=" + kFixtureDir +
                              "/allocations.csv --data stock=" + kFixtureDir + "/stock.csv");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("allocations " + kFixtureDir + "/allocations.csv: import 1, " + rows + " rows read, " + rows +
                           " stored (" + rows + " new, 0 changed, 0 unchanged), 0 rejected"),
            std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("stock " + kFixtureDir + "/stock.csv: import 2"), std::string::npos) << first.out;
  const std::string after_first = read_file(db);

  const Outcome again = toets("import --db '" + db + "' --data allocations=" + kFixtureDir + "/allocations.csv");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already imported as import 1"), std::string::npos) << again.out;
  EXPECT_EQ(read_file(db), after_first);

  // A broken file among good ones: nothing of any of them is imported.
  write_file(dir.file("broken.csv"), "allocation_id,corporation\nA1,T\n");
  write_file(dir.file("new.csv"), kAllocationsHeader + allocation_row("Z1", "T", "1.00"));
  const Outcome broken = toets("import --db '" + db + "' --data allocations='" + dir.file("new.csv") +
                               "' --data stock='" + dir.file("broken.csv") + "'");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("nothing was imported"), std::string::npos) << broken.err;
  EXPECT_EQ(read_file(db), after_first);

  const Outcome imports = toets("history --db '" + db + "' --imports --format json");
  ASSERT_EQ(imports.exit_code, 0) << imports.err;
  const auto list = nlohmann::json::parse(imports.out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["kind"], "allocations");
  EXPECT_EQ(list[0]["sha256"], toets::file_sha256(source_path(kFixtureDir + "/allocations.csv")));
  EXPECT_EQ(list[1]["rows_stored"], stock_rows);
}

TEST(StoreCli, WrongInputIsExitTwoAndChangesNothing) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  struct Case {
    std::string arguments;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"check " + kRules + " --db '" + db + "'", "no such store"},
      {"history --db '" + db + "'", "no such store"},
      {"diff --db '" + db + "'", "no such store"},
      {"import --db '" + db + "'", "nothing to import"},
      {"import --db '" + db + "' --data flats=x.csv", "expected KIND=FILE"},
      {"import --db '" + db + "' --data allocations=missing.csv", "missing.csv: cannot open"},
      {"import --db '" + db + "' --data allocations=sqlite:missing.db", "expected sqlite:FILE:TABLE"},
      {"check " + kRules + " --no-record", "--no-record needs --db"},
      {"stash --db '" + db + "'", "unknown command 'stash'"},
  };
  for (const Case& c : cases) {
    const Outcome outcome = toets(c.arguments);
    EXPECT_EQ(outcome.exit_code, 2) << c.arguments;
    EXPECT_NE(outcome.err.find(c.message), std::string::npos) << c.arguments << "\n" << outcome.err;
    EXPECT_FALSE(fs::exists(db)) << c.arguments;
  }

  // A file that is not a store is refused and left as it was.
  const std::string other = dir.file("other.db");
  {
    Db handle(other);
    handle.exec("CREATE TABLE customers (id); INSERT INTO customers VALUES (1);");
  }
  const std::string before = read_file(other);
  const Outcome refused = toets("import --db '" + other + "' --data allocations=" + kFixtureDir + "/allocations.csv");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not a toets store"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(other), before);

  // Runs that are not there.
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations=" + kFixtureDir + "/allocations.csv").exit_code, 0);
  const std::vector<Case> diffs = {
      {"diff --db '" + db + "'", "has no runs yet"},
      {"diff --db '" + db + "' 7 8", "has no run 7"},
      {"diff --db '" + db + "' one", "'one' is not a run number"},
      {"diff --db '" + db + "' 1 2 3", "compares two runs"},
      {"history --db '" + db + "' --ruleset nowhere", "no runs of rule set 'nowhere'"},
  };
  for (const Case& c : diffs) {
    const Outcome outcome = toets(c.arguments);
    EXPECT_EQ(outcome.exit_code, 2) << c.arguments;
    EXPECT_NE(outcome.err.find(c.message), std::string::npos) << c.arguments << "\n" << outcome.err;
  }
  ASSERT_EQ(toets("check " + kRules + " --db '" + db + "' --as-of 2026-11-23").exit_code, 1);
  const Outcome single = toets("diff --db '" + db + "'");
  EXPECT_EQ(single.exit_code, 2);
  EXPECT_NE(single.err.find("nothing to compare"), std::string::npos) << single.err;
}

// A real export goes in with its mapping and dialect (the same reader as check): the store then
// holds exactly what the canonical twin of the export gives.
TEST(StoreCli, ImportReadsExportsWithTheirMapping) {
  TempDir dir;
  const std::string exports = "fixtures/exports/";
  const std::string from_export = dir.file("export.db");
  const std::string from_canonical = dir.file("canonical.db");
  const Outcome imported = toets("import --db '" + from_export + "' --data allocations=" + exports +
                                 "allocations-export.csv --mapping allocations=" + exports +
                                 "allocations-export.map --rejects '" + dir.file("rejected.csv") + "' --format json");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const auto outcome = nlohmann::json::parse(imported.out);
  EXPECT_GT(outcome[0]["rows_rejected"].get<int>(), 0);
  EXPECT_EQ(outcome[0]["rows_read"].get<int>(),
            outcome[0]["rows_stored"].get<int>() + outcome[0]["rows_rejected"].get<int>());
  EXPECT_NE(read_file(dir.file("rejected.csv")).find("dataset,file,line,column,value,reason"), std::string::npos);
  ASSERT_EQ(toets("import --db '" + from_canonical + "' --data allocations=" + exports + "allocations.canonical.csv")
                .exit_code,
            0);
  const auto rows = [](const std::string& path) {
    Db db(path, SQLITE_OPEN_READONLY);
    return db.rows(
        "SELECT allocation_id, corporation, municipality, kern, neighbourhood, contract_date, dwelling_id, segment, "
        "daeb, new_build, rent_cents, household_size, household_income_cents, applicant_age, channel, energy_label "
        "FROM allocations ORDER BY allocation_id");
  };
  const auto stored = rows(from_export);
  EXPECT_EQ(stored.size(), outcome[0]["rows_stored"].get<std::size_t>());
  EXPECT_EQ(stored, rows(from_canonical));

  // --strict: a rejected row stops the import; no store is made.
  const std::string strict = dir.file("strict.db");
  const Outcome refused = toets("import --db '" + strict + "' --strict --data allocations=" + exports +
                                "allocations-export.csv --mapping allocations=" + exports + "allocations-export.map");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("nothing was imported"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(strict));
  // A dialect mistake is found before anything is read.
  const Outcome wrong = toets("import --db '" + strict + "' --delimiter tab --data allocations=" + exports +
                              "allocations.canonical.csv");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("--delimiter 'tab'"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(strict));
}

// check --db gives the same results as check on the files, and the same as --data sqlite:.
TEST(StoreCli, CheckFromTheStoreEqualsCheckFromTheFiles) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations=" + kFixtureDir + "/allocations.csv --data stock=" +
                  kFixtureDir + "/stock.csv")
                .exit_code,
            0);
  const std::string files = "--data allocations=" + kFixtureDir + "/allocations.csv --data stock=" + kFixtureDir +
                            "/stock.csv";
  const Outcome from_files = toets("check " + kRules + " " + files + " --as-of 2026-11-23 --format json");
  const Outcome from_store = toets("check " + kRules + " --db '" + db + "' --as-of 2026-11-23 --format json");
  const Outcome from_tables = toets("check " + kRules + " --data allocations=sqlite:'" + db +
                                    "':allocations --data stock=sqlite:'" + db + "':stock --as-of 2026-11-23 --format json");
  EXPECT_EQ(from_store.exit_code, from_files.exit_code) << from_store.err;
  EXPECT_EQ(from_tables.exit_code, from_files.exit_code) << from_tables.err;
  // The results, without what only a store gives (their history over the recorded runs).
  const auto parse = [](const std::string& text) {
    auto report = nlohmann::json::parse(text);
    for (auto& result : report["results"]) result.erase("history");
    return report;
  };
  const auto a = parse(from_files.out);
  const auto b = parse(from_store.out);
  const auto c = parse(from_tables.out);
  EXPECT_EQ(a["results"], b["results"]);
  EXPECT_EQ(a["results"], c["results"]);
  EXPECT_EQ(b["inputs"][0]["rows_read"], a["inputs"][0]["rows_read"]);
  EXPECT_EQ(b["inputs"][0]["file"], db);

  // Only the check from the store was recorded, with the store's state as its input hashes.
  const Outcome history = toets("history --db '" + db + "' --format json");
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const auto runs = nlohmann::json::parse(history.out);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["as_of"], "2026-11-23");
  EXPECT_EQ(runs[0]["ruleset"]["id"], "dordrecht_2026_2027");
  ASSERT_EQ(runs[0]["inputs"].size(), 2u);
  EXPECT_EQ(runs[0]["inputs"][0]["source"], "store");
  EXPECT_EQ(runs[0]["inputs"][0]["imports"], nlohmann::json::array({1}));

  // With --data besides --db, that file is used for its kind and recorded with its hash.
  const Outcome mixed = toets("check " + kRules + " --db '" + db + "' --data allocations=" + kFixtureDir +
                              "/allocations.csv --as-of 2026-11-23 --format json");
  EXPECT_EQ(mixed.exit_code, from_files.exit_code);
  EXPECT_EQ(parse(mixed.out)["results"], a["results"]);
  const auto runs2 = nlohmann::json::parse(toets("history --db '" + db + "' --format json").out);
  ASSERT_EQ(runs2.size(), 2u);
  EXPECT_EQ(runs2[1]["inputs"][0]["source"], kFixtureDir + "/allocations.csv");
  EXPECT_EQ(runs2[1]["inputs"][0]["sha256"], toets::file_sha256(source_path(kFixtureDir + "/allocations.csv")));
  EXPECT_EQ(runs2[1]["inputs"][1]["source"], "store");
}

// Two runs on changed data: the diff must say exactly what an independent computation (the
// fixture's expected.sql, run by sqlite3 on each version of the data) says changed.
TEST(StoreCli, DiffOfTwoRunsOnChangedDataMatchesAnIndependentComputation) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  const std::string v1 = dir.file("v1");
  const std::string v2 = dir.file("v2");
  write_fixture(v1, {}, "");
  // The second export: Trivire's three high 2026 incomes corrected, three Woonbron 2026 lets now
  // above the income limit, Woonbron's 2025 lets withdrawn. Woonkracht10's two high incomes
  // corrected and a first let by Woonvast change nothing: neither is a party to the agreement
  // (corporations "Trivire", "Woonbron"), so no rule reads them, before or after.
  std::map<std::string, std::string> edit;
  std::istringstream in(read_file(v1 + "/allocations.csv"));
  for (std::string line; std::getline(in, line);) {
    const std::string id = line.substr(0, line.find(','));
    std::vector<std::string> cells;
    std::stringstream split(line);
    for (std::string cell; std::getline(split, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    if (cells.size() < 13) continue;
    if (id == "A229" || id == "A230" || id == "A231") cells[12] = "20000.00";
    else if (id == "A036" || id == "A037" || id == "A038") cells[12] = "99999.00";
    else if (id == "A046" || id == "A047") cells[12] = "20000.00";
    else if (cells[1] == "Woonbron" && cells[5].starts_with("2025")) cells.clear();
    else continue;
    std::string row;
    for (std::size_t i = 0; i < cells.size(); ++i) row += (i > 0 ? "," : "") + cells[i];
    edit[id] = cells.empty() ? "" : row + "\n";
  }
  ASSERT_GE(edit.size(), 8u);
  write_fixture(v2, edit, allocation_row("A900", "Woonvast", "99999.00", "2026-06-15"));

  const std::string as_of = "2026-11-23";
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations='" + v1 + "/allocations.csv' --data stock='" + v1 +
                  "/stock.csv' --data mutations='" + v1 + "/mutations.csv'")
                .exit_code,
            0);
  ASSERT_EQ(toets("check " + kRules + " --db '" + db + "' --as-of " + as_of).exit_code, 1);
  // The new export replaces the old one (withdrawn lets must go).
  const Outcome second_import =
      toets("import --db '" + db + "' --replace --data allocations='" + v2 + "/allocations.csv'");
  ASSERT_EQ(second_import.exit_code, 0) << second_import.err;
  ASSERT_EQ(toets("check " + kRules + " --db '" + db + "' --as-of " + as_of).exit_code, 1);

  const auto e1 = expected_results(v1, as_of);
  const auto e2 = expected_results(v2, as_of);
  ASSERT_FALSE(e1.empty());
  ASSERT_FALSE(e2.empty());
  ASSERT_NE(e1, e2);

  const Outcome diff = toets("diff --db '" + db + "' --format json");
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  const auto json = nlohmann::json::parse(diff.out);
  EXPECT_EQ(json["from"]["id"], 1);
  EXPECT_EQ(json["to"]["id"], 2);

  // What changed according to sqlite3: every key whose status or detail differs.
  const auto status_of = [](const std::string& value) { return value.substr(0, value.find('|')); };
  const auto problem = [](const std::string& s) { return s == "signal" || s == "breach" || s == "at_risk"; };
  std::map<std::string, std::string> expected;  // rule|group -> "kind from -> to"
  std::set<std::string> keys;
  for (const auto& [key, value] : e1) keys.insert(key);
  for (const auto& [key, value] : e2) keys.insert(key);
  std::size_t unchanged = 0;
  for (const std::string& key : keys) {
    const auto before = e1.find(key);
    const auto after = e2.find(key);
    std::string kind;
    if (before == e1.end()) {
      kind = problem(status_of(after->second)) ? "new" : "appeared";
    } else if (after == e2.end()) {
      kind = "disappeared";
    } else if (before->second == after->second) {
      ++unchanged;
      continue;
    } else {
      const std::string a = status_of(before->second);
      const std::string b = status_of(after->second);
      if (a == b) kind = "moved";
      else if (!problem(a) && problem(b)) kind = "new";
      else if (problem(a) && (b == "ok" || b == "on_track")) kind = "resolved";
      else if (a == "signal" && b == "breach") kind = "worse";
      else if (a == "breach" && b == "signal") kind = "better";
      else kind = "status_changed";
    }
    expected[key] = kind + " " + (before == e1.end() ? "-" : before->second) + " -> " +
                    (after == e2.end() ? "-" : after->second);
  }

  std::map<std::string, std::string> actual;
  for (const auto& change : json["changes"]) {
    const std::string rule = change["rule"];
    const bool deadline = rule == "H" || rule == "NPA-EFG";
    const std::string key = rule + "|" + group_text_of(change["group"]);
    const auto side = [&](const nlohmann::json& s) {
      return s.is_null() ? std::string("-") : s["status"].get<std::string>() + "|" + detail_of(s, deadline);
    };
    actual[key] = change["change"].get<std::string>() + " " + side(change["from"]) + " -> " + side(change["to"]);
  }
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(json["summary"]["unchanged"], unchanged);
  // The changes this edit was made to cause are among them.
  for (const auto& [key, change] : actual) {
    EXPECT_EQ(key.find("Woonkracht10"), std::string::npos) << key << ": not a party, not read";
    EXPECT_EQ(key.find("Woonvast"), std::string::npos) << key << ": not a party, not read";
  }
  EXPECT_EQ(actual["F|Trivire, 2026"].substr(0, 9), "resolved ");        // 4/23 -> 1/23
  EXPECT_EQ(actual["Woningwet-48|Woonbron, 2026"].substr(0, 4), "new ");  // 1/20 -> 4/20
  EXPECT_EQ(actual["F|Woonbron, 2026"].substr(0, 6), "worse ");           // 2/20 -> 5/20
  EXPECT_EQ(actual["F|Woonbron, 2025"].substr(0, 12), "disappeared ");

  // The inputs: allocations changed, stock did not.
  const Outcome text = toets("diff --db '" + db + "' 1 2");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Toets diff: run 1 -> run 2"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("allocations  changed"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("stock        unchanged"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("New breaches and signals"), std::string::npos) << text.out;
  // One run given: it against the latest of its rule set, the same comparison.
  EXPECT_EQ(toets("diff --db '" + db + "' 1").out, text.out);
  EXPECT_EQ(toets("diff --db '" + db + "' 2").exit_code, 2);
}

// ---------------------------------------------------------------------------------------------
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
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations=" + kFixtureDir + "/allocations.csv --data stock=" +
                  kFixtureDir + "/stock.csv")
                .exit_code,
            0);
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
