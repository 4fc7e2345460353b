#pragma once
// The toets binary as a separate process, as a user runs it: in the source directory, stdin from
// /dev/null, stdout and stderr collected, killed at a deadline (a hang is a failure, not a stuck
// suite), optionally under an address-space limit (what `ulimit -v` and `prlimit --as` set).

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace toets::testing_support {

struct ProcessOutcome {
  int exit_code = -1;  // -1: killed by a signal (term_signal says which) or at the deadline
  int term_signal = 0;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  bool quiet = true;                                // -q: errors only
  std::optional<std::uint64_t> address_space;       // RLIMIT_AS in bytes
  std::chrono::seconds deadline{120};
  std::string stdout_path;                          // where stdout goes (/dev/full ...); empty: captured
};

// Options with a deadline (and whether -q is passed, where stdout goes), spelled without
// designated initializers: the dev preset's -Wmissing-field-initializers flags those that leave a
// member out.
inline ProcessOptions options_with(std::chrono::seconds deadline, bool quiet = true, std::string stdout_path = {}) {
  ProcessOptions options;
  options.deadline = deadline;
  options.quiet = quiet;
  options.stdout_path = std::move(stdout_path);
  return options;
}

inline std::string read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs `toets [-q] ARGUMENTS`. Only async-signal-safe calls between fork and exec: the test
// binary has threads.
inline ProcessOutcome run_toets_process(const std::vector<std::string>& arguments, const ProcessOptions& options = {}) {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path base = fs::temp_directory_path() /
                        ("toets_process_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  const std::string out_path = options.stdout_path.empty() ? base.string() + ".out" : options.stdout_path;
  const std::string err_path = base.string() + ".err";
  std::vector<std::string> argv_text = {TOETS_BINARY};
  if (options.quiet) argv_text.emplace_back("-q");
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : argv_text) argv.push_back(argument.data());
  argv.push_back(nullptr);
  rlimit limit{};
  if (options.address_space) limit.rlim_cur = limit.rlim_max = *options.address_space;

  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 ||
        ::chdir(TOETS_SOURCE_DIR) != 0 || (options.address_space && ::setrlimit(RLIMIT_AS, &limit) != 0)) {
      ::_exit(127);
    }
    ::execv(TOETS_BINARY, argv.data());
    ::_exit(127);
  }
  ProcessOutcome outcome;
  if (pid < 0) {
    ADD_FAILURE() << "cannot start " << TOETS_BINARY;
    return outcome;
  }
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + options.deadline;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "toets did not finish within " << options.deadline.count() << " s (a hang)";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  outcome.err = read_whole(err_path);
  if (options.stdout_path.empty()) {
    outcome.out = read_whole(out_path);
    fs::remove(out_path);
  }
  fs::remove(err_path);
  return outcome;
}

}  // namespace toets::testing_support
