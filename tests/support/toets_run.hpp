#pragma once
// The toets binary as a separate process with a working directory and an environment of the
// test's choosing (and nothing inherited from the test's own environment), for the golden reports
// and the determinism tests: stdin from /dev/null, stdout and stderr collected, killed at a
// deadline. tests/support/toets_process.hpp runs toets as a user does (the source directory, the
// test's environment); this one exists because those tests must control both.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace toets::testing_support {

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or at the deadline
  std::string out;
  std::string err;
};

struct RunSetup {
  std::filesystem::path directory = TOETS_SOURCE_DIR;
  std::vector<std::string> environment;  // NAME=VALUE, in this order; nothing else is passed
  std::chrono::seconds deadline{120};
};

inline std::string whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs `toets -q ARGUMENTS`. Only async-signal-safe calls between fork and exec: the test binary
// has threads.
inline RunResult run_toets_in(const std::vector<std::string>& arguments, const RunSetup& setup) {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path base =
      fs::temp_directory_path() / ("toets_run_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  const std::string out_path = base.string() + ".out";
  const std::string err_path = base.string() + ".err";
  const std::string directory = setup.directory.string();
  std::vector<std::string> argv_text = {TOETS_BINARY, "-q"};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : argv_text) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = setup.environment;
  std::vector<char*> envp;
  for (std::string& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 ||
        ::chdir(directory.c_str()) != 0) {
      ::_exit(127);
    }
    ::execve(TOETS_BINARY, argv.data(), envp.data());
    ::_exit(127);
  }
  RunResult result;
  if (pid < 0) {
    ADD_FAILURE() << "cannot start " << TOETS_BINARY;
    return result;
  }
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + setup.deadline;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "toets did not finish within " << setup.deadline.count() << " s (a hang)";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = whole_file(out_path);
  result.err = whole_file(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return result;
}

// The first lines where two texts differ, as a unified diff's hunk would show them: a few lines of
// context, '-' for the expected line, '+' for the actual one. Empty when they are equal.
inline std::string first_difference(const std::string& expected, const std::string& actual, std::size_t shown = 8) {
  if (expected == actual) return "";
  const auto lines = [](const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) result.push_back(line);
    if (!text.empty() && text.back() != '\n') result.back() += "  (no line break at the end)";
    return result;
  };
  const std::vector<std::string> want = lines(expected);
  const std::vector<std::string> got = lines(actual);
  std::size_t first = 0;
  while (first < want.size() && first < got.size() && want[first] == got[first]) ++first;
  // The common tail, so that an inserted or removed line shows as just that.
  std::size_t tail = 0;
  while (tail < want.size() - first && tail < got.size() - first &&
         want[want.size() - 1 - tail] == got[got.size() - 1 - tail]) {
    ++tail;
  }
  const std::size_t context = first < 3 ? first : 3;
  std::ostringstream out;
  out << "@@ -" << first + 1 - context << " +" << first + 1 - context << " @@ (expected " << want.size()
      << " lines, got " << got.size() << ")\n";
  for (std::size_t i = first - context; i < first; ++i) out << ' ' << want[i] << '\n';
  const std::size_t want_end = want.size() - tail;
  const std::size_t got_end = got.size() - tail;
  for (std::size_t i = first; i < want_end && i < first + shown; ++i) out << '-' << want[i] << '\n';
  if (want_end > first + shown) out << "-... " << want_end - first - shown << " more\n";
  for (std::size_t i = first; i < got_end && i < first + shown; ++i) out << '+' << got[i] << '\n';
  if (got_end > first + shown) out << "+... " << got_end - first - shown << " more\n";
  if (want_end == first && got_end == first) out << "(the same lines; the bytes differ, e.g. the last line break)\n";
  return out.str();
}

}  // namespace toets::testing_support
