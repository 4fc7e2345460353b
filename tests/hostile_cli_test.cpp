// Hostile command lines and hostile files named on them: the toets binary, run as a separate
// process with a deadline (a hang is a failure, not a stuck suite). Each case: the exit code and
// the whole of stderr, exactly; nothing on stdout.
//
// Files that never end (/dev/zero, a pipe fed forever) and pipes that never start (a FIFO without
// a writer) are refused at once as what they are: only regular files are read.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/toets_process.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

using Outcome = testing_support::ProcessOutcome;


// Runs `toets -q ARGUMENTS` (no shell) in the source directory; kills it after `deadline`.
Outcome run_toets(const std::vector<std::string>& arguments, std::chrono::seconds deadline = std::chrono::seconds(60)) {
  return testing_support::run_toets_process(arguments, testing_support::options_with(deadline));
}

const std::string kRules = "rules/dordrecht-2026-2027.toets";
const std::string kAllocations = "allocations=fixtures/dordrecht-2026-2027/allocations.csv";

struct CliCase {
  const char* name;
  std::vector<std::string> arguments;
  int exit_code;
  std::string err;  // the whole of stderr
};

void PrintTo(const CliCase& c, std::ostream* os) { *os << c.name; }

class HostileCli : public testing::TestWithParam<CliCase> {};

TEST_P(HostileCli, FailsWithItsMessage) {
  const CliCase& c = GetParam();
  const Outcome outcome = run_toets(c.arguments);
  EXPECT_EQ(outcome.exit_code, c.exit_code) << outcome.err;
  EXPECT_EQ(outcome.err, c.err);
  EXPECT_EQ(outcome.out, "");
}

const char* const kEmpty = ": an empty value; give one, or leave the option out\n";

INSTANTIATE_TEST_SUITE_P(
    Arguments, HostileCli,
    testing::Values(
        // Values that are missing, empty or not what they claim.
        CliCase{"data_without_value", {"check", kRules, "--data"}, 2,
                "--data: 1 required KIND=FILE missing\nRun with --help for more information.\n"},
        CliCase{"data_without_equals", {"check", kRules, "--data", "allocations"}, 2,
                "toets: error: --data 'allocations': expected KIND=FILE with KIND one of allocations, stock, mutations, "
                "projects\n"},
        CliCase{"data_with_empty_file", {"check", kRules, "--data", "allocations="}, 2,
                "toets: error: --data 'allocations=': expected KIND=FILE with KIND one of allocations, stock, "
                "mutations, projects\n"},
        CliCase{"same_dataset_twice", {"check", kRules, "--data", kAllocations, "--data", kAllocations}, 2,
                "toets: error: --data allocations is given twice\n"},
        CliCase{"import_same_dataset_twice",
                {"import", "--db", "/nonexistent/store.db", "--data", kAllocations, "--data", kAllocations}, 2,
                "toets: error: --data allocations is given twice (import them one after the other)\n"},
        CliCase{"unknown_option", {"check", kRules, "--bogus"}, 2,
                "The following argument was not expected: --bogus\nRun with --help for more information.\n"},
        CliCase{"option_given_twice", {"check", kRules, "--as-of", "2026-01-01", "--as-of", "2026-02-01"}, 2,
                "--as-of: At Most 1 required but received 2\nRun with --help for more information.\n"},
        CliCase{"as_of_feb_30", {"check", kRules, "--data", kAllocations, "--as-of", "2026-02-30"}, 2,
                "toets: error: --as-of '2026-02-30' is not a date (YYYY-MM-DD)\n"},
        CliCase{"as_of_year_0", {"check", kRules, "--data", kAllocations, "--as-of", "0000-01-01"}, 2,
                "toets: error: --as-of '0000-01-01' is not a date (YYYY-MM-DD)\n"},
        CliCase{"as_of_with_time", {"check", kRules, "--data", kAllocations, "--as-of", "2026-01-01T00:00"}, 2,
                "toets: error: --as-of '2026-01-01T00:00' is not a date (YYYY-MM-DD)\n"},
        CliCase{"run_as_of_feb_29_2026", {"run", "fixtures/plan/dordrecht.plan", "--as-of", "2026-02-29"}, 2,
                "toets: error: --as-of '2026-02-29' is not a date (YYYY-MM-DD)\n"},
        // An empty value read as "not given" would be today's date, or the report on stdout.
        CliCase{"as_of_empty", {"check", kRules, "--data", kAllocations, "--as-of", ""}, 2,
                std::string("toets: error: --as-of") + kEmpty},
        CliCase{"out_empty", {"check", kRules, "--data", kAllocations, "--out", ""}, 2,
                std::string("toets: error: --out") + kEmpty},
        CliCase{"db_empty", {"history", "--db", ""}, 2, std::string("toets: error: --db") + kEmpty},
        CliCase{"ruleset_empty", {"validate", ""}, 2, std::string("toets: error: ruleset") + kEmpty},
        // Outputs that cannot be written: said before any work (a check --db would record its run).
        CliCase{"out_is_a_directory", {"check", kRules, "--data", kAllocations, "--out", "fixtures"}, 2,
                "toets: error: --out 'fixtures': cannot write: it is a directory\n"},
        CliCase{"out_in_a_missing_folder", {"check", kRules, "--data", kAllocations, "--out", "no/such/folder/r.txt"}, 2,
                "toets: error: --out 'no/such/folder/r.txt': cannot write: its folder does not exist\n"},
        CliCase{"rejects_is_a_directory", {"check", kRules, "--data", kAllocations, "--rejects", "fixtures"}, 2,
                "toets: error: --rejects 'fixtures': cannot write: it is a directory\n"},
        // Outputs that are inputs: the export replaced by its rejections, the rules by the report.
        CliCase{"rejects_over_the_data", {"check", kRules, "--data", kAllocations, "--rejects",
                                          "fixtures/dordrecht-2026-2027/allocations.csv"}, 2,
                "toets: error: --rejects 'fixtures/dordrecht-2026-2027/allocations.csv': cannot write: it is --data "
                "allocations's file (it would be overwritten)\n"},
        CliCase{"out_over_the_rules", {"check", kRules, "--data", kAllocations, "--out", "rules/../" + kRules}, 2,
                "toets: error: --out 'rules/../rules/dordrecht-2026-2027.toets': cannot write: it is the rule file (it "
                "would be overwritten)\n"},
        CliCase{"out_over_the_mapping", {"check", kRules, "--data", "allocations=fixtures/exports/allocations-export.csv",
                                         "--mapping", "allocations=fixtures/exports/allocations-export.map", "--out",
                                         "fixtures/exports/allocations-export.map"}, 2,
                "toets: error: --out 'fixtures/exports/allocations-export.map': cannot write: it is --mapping "
                "allocations's file (it would be overwritten)\n"},
        CliCase{"rejects_same_as_out", {"check", kRules, "--data", kAllocations, "--out", "no-such-report.txt",
                                        "--rejects", "./no-such-report.txt"}, 2,
                "toets: error: --rejects './no-such-report.txt': cannot write: it is --out's file (it would be "
                "overwritten)\n"},
        // Inputs that are not files of their kind.
        CliCase{"rules_is_a_directory", {"validate", "fixtures"}, 2,
                "toets: error: cannot read rule file 'fixtures': it is a directory\ntoets: fixtures: 1 error; nothing was checked\n"},
        CliCase{"rules_dev_zero", {"validate", "/dev/zero"}, 2,
                "toets: error: cannot read rule file '/dev/zero': it is a device, not a regular file\n"
                "toets: /dev/zero: 1 error; nothing was checked\n"},
        CliCase{"data_is_a_directory", {"check", kRules, "--data", "allocations=fixtures"}, 2,
                "toets: error: fixtures: cannot read: it is a directory\n"},
        CliCase{"mapping_dev_zero", {"check", kRules, "--data", kAllocations, "--mapping", "allocations=/dev/zero"}, 2,
                "toets: error: /dev/zero: cannot read: it is a device, not a regular file\n"},
        CliCase{"mapping_is_a_directory", {"check", kRules, "--data", kAllocations, "--mapping", "allocations=fixtures"}, 2,
                "toets: error: fixtures: cannot read: it is a directory\n"},
        CliCase{"pseudonym_key_dev_zero",
                {"check", kRules, "--data", kAllocations, "--pseudonymise", "--pseudonym-key-file", "/dev/zero"}, 2,
                "toets: error: --pseudonym-key-file '/dev/zero': cannot read: it is a device, not a regular file\n"},
        CliCase{"plan_dev_zero", {"run", "/dev/zero"}, 2,
                "toets: error: /dev/zero: cannot read: it is a device, not a regular file\n"
                "toets: /dev/zero: nothing was imported, checked or written\n"},
        CliCase{"plan_is_a_directory", {"run", "fixtures"}, 2,
                "toets: error: fixtures: cannot read: it is a directory\n"
                "toets: fixtures: nothing was imported, checked or written\n"},
        CliCase{"store_dev_zero", {"history", "--db", "/dev/zero"}, 2,
                "toets: error: /dev/zero: is not a regular file, not a store\n"},
        CliCase{"store_dev_null_import", {"import", "--db", "/dev/null", "--data", kAllocations}, 2,
                "toets: error: /dev/null: is not a regular file, not a store\n"},
        CliCase{"store_is_a_directory", {"check", kRules, "--db", "fixtures", "--no-record"}, 2,
                "toets: error: fixtures: is a directory, not a store\n"},
        CliCase{"sqlite_without_table", {"check", kRules, "--data", "allocations=sqlite:x.db:"}, 2,
                "toets: error: 'sqlite:x.db:': expected sqlite:FILE:TABLE\n"},
        CliCase{"sqlite_of_a_rule_file", {"check", kRules, "--data", "allocations=sqlite:" + kRules + ":t"}, 2,
                "toets: error: " + kRules + ": not an SQLite database\n"},
        CliCase{"sqlite_of_a_directory", {"check", kRules, "--data", "allocations=sqlite:fixtures:t"}, 2,
                "toets: error: fixtures: cannot read: it is a directory\n"},
        CliCase{"sqlite_of_dev_null", {"check", kRules, "--data", "allocations=sqlite:/dev/null:t"}, 2,
                "toets: error: /dev/null: cannot read: it is a device, not a regular file\n"},
        CliCase{"run_number_beyond_int64", {"diff", "--db", "/nonexistent.db", "1", "99999999999999999999999"}, 2,
                "toets: error: '99999999999999999999999' is not a run number (toets history lists them)\n"}),
    [](const testing::TestParamInfo<CliCase>& param_info) { return std::string(param_info.param.name); });

// ---- files that never end ----

// A FIFO in a fresh folder, fed by a thread with `chunk` over and over until the reader closes it.
class EndlessPipe {
 public:
  explicit EndlessPipe(std::string chunk) : chunk_(std::move(chunk)) {
    dir_ = fs::temp_directory_path() / ("toets_pipe_" + std::to_string(getpid()) + "_" + std::to_string(++count_));
    fs::create_directories(dir_);
    path_ = (dir_ / "endless").string();
    if (mkfifo(path_.c_str(), 0600) != 0) ADD_FAILURE() << "mkfifo " << path_;
    signal(SIGPIPE, SIG_IGN);
    writer_ = std::thread([this] {
      const int fd = ::open(path_.c_str(), O_WRONLY);  // blocks until toets opens it
      if (fd < 0) {
        finished_ = true;
        return;
      }
      while (!stop_) {
        if (::write(fd, chunk_.data(), chunk_.size()) < 0) break;  // EPIPE: the reader gave up
      }
      ::close(fd);
      finished_ = true;
    });
  }
  ~EndlessPipe() {
    stop_ = true;
    // toets opens and closes the FIFO at once, so the writer may not have opened it yet, may wait
    // in its open for a reader, or may be blocked writing into a full pipe: be that reader, and
    // drain what it wrote, until it has seen stop_ and ended.
    while (!finished_) {
      const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK);
      if (fd >= 0) {
        char buffer[1 << 16];
        while (::read(fd, buffer, sizeof buffer) > 0) {
        }
        ::close(fd);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    writer_.join();
    fs::remove_all(dir_);
  }
  const std::string& path() const { return path_; }

 private:
  static inline int count_ = 0;
  std::string chunk_;
  fs::path dir_;
  std::string path_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::thread writer_;
};

const std::string kFifo = ": cannot read: it is a named pipe (FIFO), not a regular file";

TEST(HostileCliEndless, MappingFromAnEndlessPipeIsRefusedAtOnce) {
  EndlessPipe pipe("[columns]\nx = allocation_id\n");
  const Outcome outcome = run_toets({"check", kRules, "--data", kAllocations, "--mapping", "allocations=" + pipe.path()});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: " + pipe.path() + kFifo + "\n");
}

TEST(HostileCliEndless, PlanFromAnEndlessPipeIsRefusedAtOnce) {
  EndlessPipe pipe("# comment\n");
  const Outcome outcome = run_toets({"run", pipe.path()});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: " + pipe.path() + kFifo + "\n" + "toets: " + pipe.path() +
                             ": nothing was imported, checked or written\n");
}

TEST(HostileCliEndless, RuleFileFromAPipeIsRefused) {
  EndlessPipe pipe("// rules\n");
  const Outcome outcome = run_toets({"validate", pipe.path()});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: cannot read rule file '" + pipe.path() +
                             "': it is a named pipe (FIFO), not a regular file\ntoets: " + pipe.path() +
                             ": 1 error; nothing was checked\n");
}

// An export given as a pipe ('--data allocations=<(gunzip -c a.csv.gz)'): once read and then
// opened again to be hashed, waiting forever for a writer. Now refused as what it is, before
// anything is read, for a check as for an import; the store is untouched.
TEST(HostileCliEndless, ImportFromAPipeIsRefusedNotWaitedFor) {
  EndlessPipe pipe("allocation_id,corporation\n");
  const fs::path store = fs::temp_directory_path() / ("toets_pipe_store_" + std::to_string(getpid()) + ".db");
  ASSERT_EQ(run_toets({"import", "--db", store.string(), "--data", kAllocations}).exit_code, 0);
  const std::string before = testing_support::read_whole(store);
  const Outcome outcome =
      run_toets({"import", "--db", store.string(), "--data", "stock=" + pipe.path()}, std::chrono::seconds(20));
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: " + pipe.path() + kFifo + "\nnothing was imported\n");
  EXPECT_TRUE(testing_support::read_whole(store) == before);
  const Outcome check = run_toets({"check", kRules, "--db", store.string(), "--data", "stock=" + pipe.path()},
                                  std::chrono::seconds(20));
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(check.err, outcome.err.substr(0, outcome.err.find('\n') + 1));
  fs::remove(store);
}

// A device is not read at all: /dev/zero never ends, in whatever format it is taken for.
TEST(HostileCliEndless, DataFromDevZeroIsRefusedAtOnce) {
  for (const char* format : {"csv", "json", "jsonl"}) {
    const Outcome outcome = run_toets({"check", kRules, "--format-in", format, "--data", "allocations=/dev/zero"},
                                      std::chrono::seconds(30));
    EXPECT_EQ(outcome.exit_code, 2) << format;
    EXPECT_EQ(outcome.err, "toets: error: /dev/zero: cannot read: it is a device, not a regular file\n") << format;
  }
}

TEST(HostileCliEndless, JsonLinesFromAnEndlessPipeIsRefused) {
  EndlessPipe pipe("{\"allocation_id\": ");  // one line that never ends
  const Outcome outcome =
      run_toets({"check", kRules, "--format-in", "jsonl", "--data", "allocations=" + pipe.path()}, std::chrono::seconds(30));
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: " + pipe.path() + kFifo + "\n");
}

}  // namespace
}  // namespace toets
