// Hostile cases at the edges of the input (issue 19, items 1 and 5), each with its exact outcome:
// the exit code, the whole of stderr, and what the store holds afterwards.
//
// - One state of a file: an import hashes exactly the bytes it read; a file that grew since is a
//   new content and is imported again; a file written to while it is read is refused.
// - A stray quote: an error at the line where it opens, not a file swallowed after it.
// - Paths that are not regular files — a FIFO without a writer, a loop of symbolic links — for
//   every path toets takes: refused at once, within a deadline, named as what they are.
// - Standard output that cannot be written (/dev/full): exit 2 with the reason.
// The file kinds (UTF-16, gzip, zip, binary, ...) are corpus files: tests/hostile/data/allocations.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/input/load_common.hpp"
#include "engine/base/sha256.hpp"
#include "tests/support/scratch_folder.hpp"
#include "tests/support/toets_process.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

using Outcome = testing_support::ProcessOutcome;
using RunOptions = testing_support::ProcessOptions;


const std::string kRules = "rules/dordrecht-2026-2027.toets";
const std::string kAllocations = "allocations=fixtures/dordrecht-2026-2027/allocations.csv";

const std::string kHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

std::string row(const std::string& id, const std::string& corporation = "Trivire") {
  return id + "," + corporation + ",Dordrecht,,,2026-03-01,VHE-" + id + ",sociaal,true,false,612.35,1,30000.00,35,"
         "regulier,C\n";
}

// A fresh folder under the system's temporary folder, removed with this object.
using Folder = testing_support::TempFolder;

void write(const std::string& path, const std::string& text, std::ios::openmode mode = std::ios::trunc) {
  std::ofstream(path, std::ios::binary | mode) << text;
}

// ---------------------------------------------------------------------------------------------
// 1. One state of a file

// The import's hash is of the bytes it read, checked against a hash of the file made here; a
// file that grew is a new content, imported again with exactly the rows added.
TEST(HostileSnapshot, AFileThatGrewIsImportedAgainWithWhatWasAdded) {
  Folder folder;
  const std::string db = folder.file("store.db");
  const std::string csv = folder.file("allocations.csv");
  write(csv, kHeader + row("A1") + row("A2") + row("A3"));
  const Outcome first = testing_support::run_toets_process({"import", "--db", db, "--data", "allocations=" + csv, "--format", "json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto first_json = nlohmann::json::parse(first.out);
  EXPECT_EQ(first_json[0]["sha256"], sha256_hex(testing_support::read_whole(csv)));
  EXPECT_EQ(first_json[0]["rows_stored"], 3);

  // Two rows appended after the first import (as by an export still being written then).
  write(csv, row("A4") + row("A5"), std::ios::app);
  const Outcome second = testing_support::run_toets_process({"import", "--db", db, "--data", "allocations=" + csv});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, "allocations " + csv +
                            ": import 2, 5 rows read, 5 stored (2 new, 0 changed, 3 unchanged), 0 rejected\n");
  const Outcome listed = testing_support::run_toets_process({"history", "--db", db, "--imports", "--format", "json"});
  const auto imports = nlohmann::json::parse(listed.out);
  ASSERT_EQ(imports.size(), 2u);
  EXPECT_EQ(imports[1]["sha256"], sha256_hex(testing_support::read_whole(csv)));
  EXPECT_EQ(imports[1]["rows_current"], 2);

  const Outcome third = testing_support::run_toets_process({"import", "--db", db, "--data", "allocations=" + csv});
  EXPECT_EQ(third.exit_code, 0);
  EXPECT_NE(third.out.find(": already imported as import 2 ("), std::string::npos) << third.out;
}

// Read once, at one size: what is appended, or rewritten in place, after the open is not taken
// for part of the same file. The loader says so when the read ends (load_input, check and import).
TEST(HostileSnapshot, AFileWrittenToWhileItIsReadIsRefused) {
  Folder folder;
  const std::string csv = folder.file("growing.csv");
  write(csv, kHeader + row("A1"));
  {
    const loading::FileBytes bytes = loading::read_whole_file(csv);
    EXPECT_EQ(bytes.view(), kHeader + row("A1"));
    EXPECT_FALSE(bytes.changed_since_opened());
    write(csv, row("A2"), std::ios::app);
    EXPECT_EQ(bytes.view(), kHeader + row("A1")) << "the bytes read are those of the size at the open";
    EXPECT_TRUE(bytes.changed_since_opened());
    try {
      loading::require_unchanged(bytes, csv);
      ADD_FAILURE() << "no error";
    } catch (const DataFileError& error) {
      EXPECT_EQ(std::string(error.what()),
                csv + ": the file changed while it was read (is another program still writing it?); nothing of it "
                      "was used: read it again once it is complete");
    }
  }
  {
    // Rewritten in place at the same size: only its modification time tells.
    const loading::FileBytes bytes = loading::read_whole_file(csv);
    const struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, csv.c_str(), times, 0), 0);
    EXPECT_TRUE(bytes.changed_since_opened());
  }
}

// ---------------------------------------------------------------------------------------------
// 5. A stray quote

std::string export_with_stray_quote(std::size_t rows, std::size_t quote_line) {
  std::string text = kHeader;
  text.reserve(rows * 110);
  char id[32];
  for (std::size_t line = 2; line <= rows + 1; ++line) {
    std::snprintf(id, sizeof id, "Q%07zu", line);
    text += row(id, line == quote_line ? "\"Trivire" : "Trivire");
  }
  return text;
}

const std::string kStrayQuote =
    ":12: unterminated quote: the quoted field of column 'corporation' opened on line 12 never closes, so the rest "
    "of the file would be one value; close the quote, or double a quote inside a value (\"\")\n";

// Once "10 rows read, 1 rejected" and exit 0: the 199,990 rows after the quote were one value.
TEST(HostileQuote, AStrayQuoteOnLine12Of200000LinesIsAnErrorThere) {
  Folder folder;
  const std::string csv = folder.file("export.csv");
  write(csv, export_with_stray_quote(199999, 12));
  const Outcome check = testing_support::run_toets_process({"check", kRules, "--data", "allocations=" + csv, "--as-of", "2026-11-23"});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(check.err, "toets: error: " + csv + kStrayQuote);
  EXPECT_EQ(check.out, "");

  const std::string db = folder.file("store.db");
  const Outcome import = testing_support::run_toets_process({"import", "--db", db, "--data", "allocations=" + csv});
  EXPECT_EQ(import.exit_code, 2);
  EXPECT_EQ(import.err, "toets: error: " + csv + kStrayQuote + "nothing was imported\n");
  EXPECT_FALSE(fs::exists(db));
}

// Through `toets run` in replace mode: the store keeps the complete earlier export, no run is
// recorded (the earlier breaches do not turn "resolved"), no report is written.
TEST(HostileQuote, ARunInReplaceModeLeavesTheStoreAsItWas) {
  Folder folder;
  fs::create_directories(folder.file("exports"));
  const std::string plan = folder.file("monitor.plan");
  write(plan, "store = \"store.db\"\nexports = \"exports\"\noutput = \"reports\"\nmode = \"replace\"\n"
              "formats = [\"text\"]\n[[import]]\ndataset = \"allocations\"\nfile = \"allocations.csv\"\n[[check]]\n"
              "rules = \"" + (fs::path(TOETS_SOURCE_DIR) / kRules).string() + "\"\n");
  fs::copy_file(fs::path(TOETS_SOURCE_DIR) / "fixtures/dordrecht-2026-2027/allocations.csv",
                folder.file("exports/allocations.csv"));
  const Outcome first = testing_support::run_toets_process({"run", plan, "--as-of", "2026-11-23"});
  ASSERT_LE(first.exit_code, 1) << first.err;
  const std::string before = testing_support::read_whole(folder.file("store.db"));

  write(folder.file("exports/allocations.csv"), export_with_stray_quote(200, 12));
  const Outcome second = testing_support::run_toets_process({"run", plan, "--as-of", "2026-11-24"});
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_EQ(second.err, "toets: error: " + folder.file("exports/allocations.csv") + kStrayQuote + "toets: " + plan +
                            ": nothing was imported, checked or written\n");
  EXPECT_TRUE(testing_support::read_whole(folder.file("store.db")) == before) << "the store changed";
  EXPECT_FALSE(fs::exists(folder.file("reports/2026-11-24")));
}

// ---------------------------------------------------------------------------------------------
// 5. Paths that are not regular files

// Every path toets takes, given a FIFO without a writer (the open would wait for one forever) or
// a loop of symbolic links (once "no such file"). Each within a deadline of 20 seconds.
struct PathCase {
  const char* name;
  std::vector<std::string> arguments;  // DIR in an argument is the case's folder
  std::string err;                     // DIR likewise
};

void PrintTo(const PathCase& c, std::ostream* os) { *os << c.name; }

class HostilePath : public testing::TestWithParam<PathCase> {};

std::string with_folder(std::string text, const std::string& folder) {
  for (std::size_t at = text.find("DIR"); at != std::string::npos; at = text.find("DIR", at + folder.size())) {
    text.replace(at, 3, folder);
  }
  return text;
}

TEST_P(HostilePath, IsRefusedAtOnceAsWhatItIs) {
  Folder folder;
  const std::string dir = folder.file("");
  const std::string base = dir.substr(0, dir.size() - 1);
  ASSERT_EQ(::mkfifo(folder.file("pipe").c_str(), 0600), 0);
  fs::create_symlink(folder.file("loop2"), folder.file("loop"));
  fs::create_symlink(folder.file("loop"), folder.file("loop2"));
  write(folder.file("imports-pipe.toets"), "ruleset r { title \"r\" }\nimport \"pipe\"\n");
  write(folder.file("exports-pipe.plan"), "store = \"store.db\"\nexports = \".\"\noutput = \"reports\"\n[[import]]\n"
                                          "dataset = \"allocations\"\nfile = \"pipe\"\n[[check]]\nrules = \"" +
                                              (fs::path(TOETS_SOURCE_DIR) / kRules).string() + "\"\n");
  std::vector<std::string> arguments;
  for (const std::string& argument : GetParam().arguments) arguments.push_back(with_folder(argument, base));
  const Outcome outcome = testing_support::run_toets_process(arguments, testing_support::options_with(std::chrono::seconds(20)));
  EXPECT_EQ(outcome.exit_code, 2) << outcome.err;
  EXPECT_EQ(outcome.err, with_folder(GetParam().err, base));
  EXPECT_EQ(outcome.out, "");
  EXPECT_FALSE(fs::exists(folder.file("store.db")));
}

const std::string kFifo = ": cannot read: it is a named pipe (FIFO), not a regular file";
const std::string kLoop = ": cannot open: a loop of symbolic links (Too many levels of symbolic links)";

INSTANTIATE_TEST_SUITE_P(
    Paths, HostilePath,
    testing::Values(
        PathCase{"data_fifo", {"check", kRules, "--data", "allocations=DIR/pipe"}, "toets: error: DIR/pipe" + kFifo + "\n"},
        PathCase{"data_loop", {"check", kRules, "--data", "allocations=DIR/loop"}, "toets: error: DIR/loop" + kLoop + "\n"},
        PathCase{"import_fifo", {"import", "--db", "DIR/store.db", "--data", "allocations=DIR/pipe"},
                 "toets: error: DIR/pipe" + kFifo + "\nnothing was imported\n"},
        PathCase{"import_loop", {"import", "--db", "DIR/store.db", "--data", "allocations=DIR/loop"},
                 "toets: error: DIR/loop" + kLoop + "\nnothing was imported\n"},
        PathCase{"sqlite_table_fifo", {"check", kRules, "--data", "allocations=sqlite:DIR/pipe:allocations"},
                 "toets: error: DIR/pipe" + kFifo + "\n"},
        PathCase{"mapping_fifo", {"check", kRules, "--data", kAllocations, "--mapping", "allocations=DIR/pipe"},
                 "toets: error: DIR/pipe" + kFifo + "\n"},
        PathCase{"plan_fifo", {"run", "DIR/pipe"},
                 "toets: error: DIR/pipe" + kFifo + "\ntoets: DIR/pipe: nothing was imported, checked or written\n"},
        PathCase{"plan_loop", {"run", "DIR/loop"},
                 "toets: error: DIR/loop" + kLoop + "\ntoets: DIR/loop: nothing was imported, checked or written\n"},
        PathCase{"plan_export_fifo", {"run", "DIR/exports-pipe.plan"},
                 "toets: DIR/exports-pipe.plan:4: error: allocations export DIR/pipe: it is a named pipe (FIFO), not "
                 "a regular file\ntoets: DIR/exports-pipe.plan: nothing was imported, checked or written\n"},
        PathCase{"key_file_fifo",
                 {"check", kRules, "--data", kAllocations, "--pseudonymise", "--pseudonym-key-file", "DIR/pipe"},
                 "toets: error: --pseudonym-key-file 'DIR/pipe'" + kFifo + "\n"},
        PathCase{"rule_file_fifo", {"validate", "DIR/pipe"},
                 "toets: error: cannot read rule file 'DIR/pipe': it is a named pipe (FIFO), not a regular file\n"
                 "toets: DIR/pipe: 1 error; nothing was checked\n"},
        PathCase{"rule_file_loop", {"validate", "DIR/loop"},
                 "toets: error: cannot read rule file 'DIR/loop': a loop of symbolic links (Too many levels of symbolic "
                 "links)\ntoets: DIR/loop: 1 error; nothing was checked\n"},
        PathCase{"rule_import_fifo", {"validate", "DIR/imports-pipe.toets"},
                 "DIR/imports-pipe.toets:2:8: error: cannot read rule file 'DIR/pipe': it is a named pipe (FIFO), not a "
                 "regular file\n  import \"pipe\"\n         ^\ntoets: DIR/imports-pipe.toets: 1 error; nothing was "
                 "checked\n"},
        PathCase{"out_fifo", {"check", kRules, "--data", kAllocations, "--out", "DIR/pipe"},
                 "toets: error: --out 'DIR/pipe': cannot write: it is a named pipe (FIFO), not a regular file\n"},
        PathCase{"out_loop", {"check", kRules, "--data", kAllocations, "--out", "DIR/loop"},
                 "toets: error: --out 'DIR/loop': cannot write: a loop of symbolic links (Too many levels of symbolic "
                 "links)\n"},
        PathCase{"out_device", {"check", kRules, "--data", kAllocations, "--out", "/dev/full"},
                 "toets: error: --out '/dev/full': cannot write: it is a device, not a regular file\n"},
        PathCase{"rejects_fifo", {"check", kRules, "--data", kAllocations, "--rejects", "DIR/pipe"},
                 "toets: error: --rejects 'DIR/pipe': cannot write: it is a named pipe (FIFO), not a regular file\n"},
        PathCase{"import_rejects_fifo",
                 {"import", "--db", "DIR/store.db", "--data", kAllocations, "--rejects", "DIR/pipe"},
                 "toets: error: --rejects 'DIR/pipe': cannot write: it is a named pipe (FIFO), not a regular file\n"},
        PathCase{"store_fifo", {"history", "--db", "DIR/pipe"}, "toets: error: DIR/pipe: is not a regular file, not a store\n"},
        PathCase{"store_fifo_import", {"import", "--db", "DIR/pipe", "--data", kAllocations},
                 "toets: error: DIR/pipe: is not a regular file, not a store\n"},
        PathCase{"store_loop", {"history", "--db", "DIR/loop"},
                 "toets: error: DIR/loop: cannot open the store: a loop of symbolic links (Too many levels of symbolic "
                 "links)\n"},
        PathCase{"store_loop_import", {"import", "--db", "DIR/loop", "--data", kAllocations},
                 "toets: error: DIR/loop: cannot open the store: a loop of symbolic links (Too many levels of symbolic "
                 "links)\n"}),
    [](const testing::TestParamInfo<PathCase>& param_info) { return std::string(param_info.param.name); });

// ---------------------------------------------------------------------------------------------
// Standard output that cannot be written

// `toets ... > /dev/full`: every write fails (ENOSPC); once exit 0 as if the report was out.
TEST(HostileStdout, OutputToAFullDeviceIsAFailureWithTheReason) {
  const RunOptions to_full = testing_support::options_with(std::chrono::seconds(60), true, "/dev/full");
  const Outcome check = testing_support::run_toets_process({"check", kRules, "--data", kAllocations, "--as-of", "2026-11-23"}, to_full);
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(check.err, "toets: error: cannot write the report to standard output: No space left on device\n");
  const Outcome validate = testing_support::run_toets_process({"validate", "rules/national.toets"}, to_full);
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_EQ(validate.err.substr(validate.err.rfind("toets: error:")),
            "toets: error: cannot write to standard output: No space left on device\n");
  Folder folder;
  const std::string db = folder.file("store.db");
  ASSERT_EQ(testing_support::run_toets_process({"import", "--db", db, "--data", kAllocations}).exit_code, 0);
  for (const std::vector<std::string>& command : {std::vector<std::string>{"history", "--db", db},
                                                  std::vector<std::string>{"history", "--db", db, "--imports"},
                                                  std::vector<std::string>{"rejections", "--db", db}}) {
    const Outcome outcome = testing_support::run_toets_process(command, to_full);
    EXPECT_EQ(outcome.exit_code, 2) << command[0];
    EXPECT_EQ(outcome.err, "toets: error: cannot write to standard output: No space left on device\n") << command[0];
  }
}

}  // namespace
}  // namespace toets
