// The SQLite store: SHA-256, SQLite tables as input, opening a store, imports (merge, replace, the
// content hash, one transaction). Recorded runs, their diff and the command line are in
// store_runs_test.cpp; read-only use and processes killed at random points in store_kill_test.cpp.

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

}  // namespace
