#pragma once
// The toets binary run as a separate process (no shell) in the source directory, with a deadline:
// a hang is a failure of the test, not a stuck suite. The exit code, stdout and stderr, whole.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace toets::process {

struct Outcome {
  int exit_code = -1;  // -1: killed at the deadline (a hang) or by a signal
  std::string out;
  std::string err;
};

struct RunOptions {
  std::chrono::seconds deadline{60};
  bool quiet = true;        // -q: errors only, no warnings about the rules
  std::string stdout_path;  // where stdout goes (/dev/full ...); empty: captured in Outcome::out
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline Outcome run_toets(const std::vector<std::string>& arguments, const RunOptions& options = {}) {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path base = fs::temp_directory_path() / ("toets_process_" + std::to_string(getpid()) + "_" +
                                                     std::to_string(++counter));
  const std::string out = options.stdout_path.empty() ? base.string() + ".out" : options.stdout_path;
  const std::string err = base.string() + ".err";
  std::vector<std::string> argv_text = {TOETS_BINARY};
  if (options.quiet) argv_text.push_back("-q");
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
  const auto give_up = std::chrono::steady_clock::now() + options.deadline;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "toets did not finish within " << options.deadline.count() << " s (a hang)";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (options.stdout_path.empty()) {
    outcome.out = slurp(out);
    fs::remove(out);
  }
  outcome.err = slurp(err);
  fs::remove(err);
  return outcome;
}

}  // namespace toets::process
