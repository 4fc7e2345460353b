#pragma once
// `toets test [PATH...]`: the rule tests beside the rules (docs/testing-rules.md). The work is in
// ruletest/; this is the command line's part: its arguments and its exit status.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace toets::cli {

struct TestCommandOptions {
  std::vector<std::string> paths;  // files or folders; none: rules/
};

CLI::App* add_test_command(CLI::App& app, TestCommandOptions& options);
// 0 every test passed, 1 an expectation failed, 2 a test file or its rules are wrong (or no tests).
int run_test_command(const TestCommandOptions& options);

}  // namespace toets::cli
