#include "tools/cmd_fmt.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "dsl/syntax/format.hpp"
#include "dsl/syntax/parser.hpp"
#include "engine/base/atomic_file.hpp"
#include "engine/input/small_file.hpp"

namespace toets::cli {

namespace {

namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitUnformatted = 1;
constexpr int kExitInvalid = 2;

// The rule files a path names: itself, or every .toets file below a folder, in name order.
std::vector<std::string> rule_files(const std::string& path) {
  std::error_code error;
  if (!fs::is_directory(path, error)) return {path};
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".toets" && it->is_regular_file(error)) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Replaces `path` by `text` through a file beside it, so that a failed write leaves it whole
// (engine/base/atomic_file.hpp: written, synced, renamed; the reason in `error`).
bool replace_file(const std::string& path, const std::string& text, std::string& error) {
  auto file = AtomicFile::create(path, error);
  if (!file) return false;
  file->stream() << text;
  return file->commit(error);
}

}  // namespace

CLI::App* add_fmt_command(CLI::App& app, FmtOptions& options) {
  CLI::App* fmt = app.add_subcommand(
      "fmt", "Rewrite rule files in the canonical layout (docs/language.md, Layout); comments and rules are kept");
  fmt->add_option("files", options.paths, "Rule files, folders (every .toets in them) or - (stdin to stdout)")
      ->required()
      ->type_name("FILE");
  fmt->add_flag("--check", options.check, "Write nothing: list the files that are not formatted and exit 1 if any");
  return fmt;
}

int run_fmt(const FmtOptions& options) {
  if (options.paths.size() == 1 && options.paths.front() == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    const SourceFile source("<stdin>", std::move(text));
    Diagnostics diagnostics;
    const auto formatted = format_rule_text(source, diagnostics);
    diagnostics.print(std::cerr);
    if (!formatted) return kExitInvalid;
    if (options.check) return *formatted == source.text() ? kExitOk : kExitUnformatted;
    std::cout << *formatted;
    return kExitOk;
  }
  int status = kExitOk;
  std::size_t unformatted = 0;
  for (const std::string& path : options.paths) {
    if (path == "-") {
      std::cerr << "toets: error: fmt: '-' (stdin) is given alone, not beside files\n";
      return kExitInvalid;
    }
    std::error_code ignored;
    if (!fs::exists(path, ignored)) {
      std::cerr << "toets: error: " << path << ": no such file or folder\n";
      status = kExitInvalid;
      continue;
    }
    for (const std::string& file : rule_files(path)) {
      std::string problem;
      std::optional<std::string> text = read_small_file(file, kMaxRuleFileBytes, "a rule file", problem);
      if (!text) {
        std::cerr << "toets: error: " << file << ": " << problem << "\n";
        status = kExitInvalid;
        continue;
      }
      const SourceFile source(file, std::move(*text));
      Diagnostics diagnostics;
      const auto formatted = format_rule_text(source, diagnostics);
      diagnostics.print(std::cerr);
      if (!formatted) {
        std::cerr << "toets: " << file << ": not formatted (it has " << diagnostics.error_count() << " error"
                  << (diagnostics.error_count() == 1 ? "" : "s") << ")\n";
        status = kExitInvalid;
        continue;
      }
      if (*formatted == source.text()) continue;
      ++unformatted;
      std::string write_error;
      if (!options.check && !replace_file(file, *formatted, write_error)) {
        std::cerr << "toets: error: " << file << ": " << write_error << "; the file is left as it was\n";
        status = kExitInvalid;
        continue;
      }
      std::cout << file << "\n";  // what was (or, with --check, would be) rewritten
    }
  }
  if (options.check && unformatted > 0) {
    std::cerr << "toets: " << unformatted << " file" << (unformatted == 1 ? " is" : "s are")
              << " not formatted; toets fmt FILE... rewrites them\n";
    if (status == kExitOk) status = kExitUnformatted;
  }
  return status;
}

}  // namespace toets::cli
