#include "tools/cmd_lsp.hpp"

#include <iostream>

#include "lsp/server.hpp"

namespace toets::cli {

CLI::App* add_lsp_command(CLI::App& app) {
  return app.add_subcommand("lsp", "Language Server for rule files over stdin/stdout, for editors (docs/editor.md)");
}

int run_lsp_command() {
  // stdout carries the protocol only; every log line goes to stderr.
  std::ios::sync_with_stdio(false);
  return lsp::serve(std::cin, std::cout, std::cerr);
}

}  // namespace toets::cli
