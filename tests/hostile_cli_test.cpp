// Hostile command lines and hostile files named on them: the toets binary, run as a separate
// process with a deadline (a hang is a failure, not a stuck suite). Each case: the exit code and
// the whole of stderr, exactly; nothing on stdout.
//
// Files that never end (/dev/zero, a pipe fed forever) must be refused at a size limit, never
// read until memory runs out.

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

extern char** environ;

namespace toets {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;  // -1: killed at the deadline (a hang) or by a signal
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs `toets -q ARGUMENTS` (no shell) in the source directory; kills it after `deadline`.
Outcome run_toets(const std::vector<std::string>& arguments, std::chrono::seconds deadline = std::chrono::seconds(60)) {
  static int counter = 0;
  const fs::path base = fs::temp_directory_path() / ("toets_hostile_cli_" + std::to_string(getpid()) + "_" +
                                                     std::to_string(++counter));
  const std::string out = base.string() + ".out";
  const std::string err = base.string() + ".err";
  std::vector<std::string> argv_text = {TOETS_BINARY, "-q"};  // -q: errors only, no warnings about the rules
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : argv_text) argv.push_back(argument.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const fs::path here = fs::current_path();
  fs::current_path(TOETS_SOURCE_DIR);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, TOETS_BINARY, &actions, nullptr, argv.data(), environ);
  fs::current_path(here);
  posix_spawn_file_actions_destroy(&actions);
  Outcome outcome;
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << TOETS_BINARY;
    return outcome;
  }
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "toets did not finish within " << deadline.count() << " s (a hang)";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = slurp(out);
  outcome.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return outcome;
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
                "toets: error: cannot read rule file '/dev/zero': not a regular file\n"
                "toets: /dev/zero: 1 error; nothing was checked\n"},
        CliCase{"data_is_a_directory", {"check", kRules, "--data", "allocations=fixtures"}, 2,
                "toets: error: fixtures: cannot read: it is a directory\n"},
        CliCase{"mapping_dev_zero", {"check", kRules, "--data", kAllocations, "--mapping", "allocations=/dev/zero"}, 2,
                "toets: error: /dev/zero: a mapping may be at most 1048576 bytes; this file is longer\n"},
        CliCase{"mapping_is_a_directory", {"check", kRules, "--data", kAllocations, "--mapping", "allocations=fixtures"}, 2,
                "toets: error: fixtures: cannot read: it is a directory\n"},
        CliCase{"pseudonym_key_dev_zero",
                {"check", kRules, "--data", kAllocations, "--pseudonymise", "--pseudonym-key-file", "/dev/zero"}, 2,
                "toets: error: --pseudonym-key-file '/dev/zero': a pseudonym key file may be at most 65536 bytes; "
                "this file is longer\n"},
        CliCase{"plan_dev_zero", {"run", "/dev/zero"}, 2,
                "toets: error: /dev/zero: a plan may be at most 1048576 bytes; this file is longer\n"
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
                "toets: error: /dev/null: no table 't' (the database has no tables)\n"},
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
      if (fd < 0) return;
      while (!stop_) {
        if (::write(fd, chunk_.data(), chunk_.size()) < 0) break;  // EPIPE: the reader gave up
      }
      ::close(fd);
    });
  }
  ~EndlessPipe() {
    stop_ = true;
    // Unblock a writer still waiting for a reader.
    const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK);
    writer_.join();
    if (fd >= 0) ::close(fd);
    fs::remove_all(dir_);
  }
  const std::string& path() const { return path_; }

 private:
  static inline int count_ = 0;
  std::string chunk_;
  fs::path dir_;
  std::string path_;
  std::atomic<bool> stop_{false};
  std::thread writer_;
};

TEST(HostileCliEndless, MappingFromAnEndlessPipeIsRefusedAtItsLimit) {
  EndlessPipe pipe("[columns]\nx = allocation_id\n");
  const Outcome outcome = run_toets({"check", kRules, "--data", kAllocations, "--mapping", "allocations=" + pipe.path()});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: " + pipe.path() + ": a mapping may be at most 1048576 bytes; this file is longer\n");
}

TEST(HostileCliEndless, PlanFromAnEndlessPipeIsRefusedAtItsLimit) {
  EndlessPipe pipe("# comment\n");
  const Outcome outcome = run_toets({"run", pipe.path()});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: " + pipe.path() + ": a plan may be at most 1048576 bytes; this file is longer\n" +
                             "toets: " + pipe.path() + ": nothing was imported, checked or written\n");
}

TEST(HostileCliEndless, RuleFileFromAPipeIsRefused) {
  EndlessPipe pipe("// rules\n");
  const Outcome outcome = run_toets({"validate", pipe.path()});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: cannot read rule file '" + pipe.path() + "': not a regular file\ntoets: " +
                             pipe.path() + ": 1 error; nothing was checked\n");
}

// An export given as a pipe ('--data allocations=<(gunzip -c a.csv.gz)'): a check reads it; an
// import (and a check that records its run) must also hash it, which read it a second time and
// waited forever for a writer. Refused as what it is, before anything is read.
TEST(HostileCliEndless, ImportFromAPipeIsRefusedNotWaitedFor) {
  EndlessPipe pipe("allocation_id,corporation\n");
  const fs::path store = fs::temp_directory_path() / ("toets_pipe_store_" + std::to_string(getpid()) + ".db");
  ASSERT_EQ(run_toets({"import", "--db", store.string(), "--data", kAllocations}).exit_code, 0);
  const std::string before = slurp(store);
  const Outcome outcome =
      run_toets({"import", "--db", store.string(), "--data", "stock=" + pipe.path()}, std::chrono::seconds(20));
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: " + pipe.path() +
                             ": not a regular file (a pipe or a device); what goes into the store is hashed as well as "
                             "read, so give it as a file\nnothing was imported\n");
  EXPECT_TRUE(slurp(store) == before);
  const Outcome check = run_toets({"check", kRules, "--db", store.string(), "--data", "stock=" + pipe.path()},
                                  std::chrono::seconds(20));
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(check.err, outcome.err.substr(0, outcome.err.find('\n') + 1));
  fs::remove(store);
}

// A pipe or device is read with a bound (loading::read_whole_file): 1 MiB without a line end is
// not a data file, unless it starts like a JSON array (which may be one long line).
TEST(HostileCliEndless, JsonDataFromDevZeroStopsAfterAMegabyte) {
  const Outcome outcome =
      run_toets({"check", kRules, "--format-in", "json", "--data", "allocations=/dev/zero"}, std::chrono::seconds(30));
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err.rfind("toets: error: /dev/zero:1: no line end in the first 1048576 bytes", 0), 0u)
      << outcome.err;
}

TEST(HostileCliEndless, JsonLinesFromAnEndlessPipeIsRefused) {
  EndlessPipe pipe("{\"allocation_id\": ");  // one line that never ends
  const Outcome outcome =
      run_toets({"check", kRules, "--format-in", "jsonl", "--data", "allocations=" + pipe.path()}, std::chrono::seconds(30));
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err.rfind("toets: error: " + pipe.path() + ":1: ", 0), 0u) << outcome.err;
}

TEST(HostileCliEndless, CsvDataFromDevZeroStopsAfterAMegabyteWithoutALineEnd) {
  const Outcome outcome = run_toets({"check", kRules, "--data", "allocations=/dev/zero"}, std::chrono::seconds(30));
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err.rfind("toets: error: /dev/zero:1: ", 0), 0u) << outcome.err;
}

}  // namespace
}  // namespace toets
