#pragma once
// `toets lsp`: the Language Server over stdin and stdout (lsp/server.hpp, docs/editor.md).

#include <CLI/CLI.hpp>

namespace toets::cli {

CLI::App* add_lsp_command(CLI::App& app);
// Serves until the client says exit: 0 after shutdown and exit, 1 otherwise.
int run_lsp_command();

}  // namespace toets::cli
