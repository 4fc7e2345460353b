#pragma once
// `toets fmt [--check] FILE...`: rule files in the canonical layout (dsl/syntax/format.hpp).

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace toets::cli {

struct FmtOptions {
  std::vector<std::string> paths;  // files, folders (every .toets below) or '-' (stdin to stdout)
  bool check = false;              // write nothing; list the files that would change, exit 1 if any
};

CLI::App* add_fmt_command(CLI::App& app, FmtOptions& options);
int run_fmt(const FmtOptions& options);

}  // namespace toets::cli
