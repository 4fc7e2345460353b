#include "tools/cmd_test.hpp"

#include <iostream>

#include "ruletest/rule_test.hpp"

namespace toets::cli {

CLI::App* add_test_command(CLI::App& app, TestCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "test", "Run the rule tests (*.test.toml) under PATH, default rules/ (docs/testing-rules.md)");
  command->add_option("path", options.paths, "Test files, or folders to search for *.test.toml (default: rules/)")
      ->type_name("PATH");
  return command;
}

int run_test_command(const TestCommandOptions& options) {
  const std::vector<std::string> paths = options.paths.empty() ? std::vector<std::string>{"rules"} : options.paths;
  return ruletest::run_test_paths(paths, std::cout, std::cerr);
}

}  // namespace toets::cli
