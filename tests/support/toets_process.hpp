#pragma once
// The toets binary as a separate process: the one helper every test that runs the binary uses.
//
// run_toets_process runs it as a user does: in the source directory (or a directory of the test's
// choosing), stdin from /dev/null, stdout and stderr collected, killed at a deadline (a hang is a
// failure, not a stuck suite), optionally under an address-space limit (what `ulimit -v` and
// `prlimit --as` set) or with an environment of the test's choosing and nothing inherited (the
// golden and determinism tests). run_toets_shell runs a command line written for the shell (its
// arguments quoted, globbed or redirected as a user types them) the same way.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
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
  std::filesystem::path directory = TOETS_SOURCE_DIR;  // the working directory
  // NAME=VALUE, in this order, and nothing else; unset: the test's own environment is inherited.
  std::optional<std::vector<std::string>> environment;
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
  const std::string directory = options.directory.string();
  std::vector<std::string> env_text = options.environment.value_or(std::vector<std::string>{});
  std::vector<char*> envp;
  for (std::string& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 ||
        ::chdir(directory.c_str()) != 0 || (options.address_space && ::setrlimit(RLIMIT_AS, &limit) != 0)) {
      ::_exit(127);
    }
    if (options.environment) {
      ::execve(TOETS_BINARY, argv.data(), envp.data());
    } else {
      ::execv(TOETS_BINARY, argv.data());
    }
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

// Runs `toets ARGUMENTS` through the shell in the source directory, ARGUMENTS as typed at a shell
// prompt (quotes, globs and redirections are the shell's); stdin from `stdin_file`, or /dev/null.
// No -q and no deadline: these are the CLI tests' command lines as a user types them.
inline ProcessOutcome run_toets_shell(const std::string& arguments, const std::string& stdin_file = "") {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path base =
      fs::temp_directory_path() / ("toets_shell_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  const std::string out_path = base.string() + ".out";
  const std::string err_path = base.string() + ".err";
  const std::string command = std::string("cd '") + TOETS_SOURCE_DIR + "' && '" + TOETS_BINARY + "' " + arguments +
                              " < '" + (stdin_file.empty() ? std::string("/dev/null") : stdin_file) + "' > '" +
                              out_path + "' 2> '" + err_path + "'";
  const int status = std::system(command.c_str());
  ProcessOutcome outcome;
  outcome.exit_code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.term_signal = status != -1 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  outcome.out = read_whole(out_path);
  outcome.err = read_whole(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return outcome;
}

}  // namespace toets::testing_support
