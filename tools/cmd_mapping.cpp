// toets mapping init, and the --sheet option of check and import.

#include <filesystem>
#include <iostream>
#include <set>

#include "engine/base/atomic_file.hpp"
#include "engine/input/load_common.hpp"
#include "engine/input/mapping.hpp"
#include "engine/input/mapping_init.hpp"
#include "tools/commands.hpp"

namespace toets::cli {

CLI::App* add_mapping_command(CLI::App& app, MappingOptions& options, CLI::App*& init) {
  CLI::App* mapping = app.add_subcommand("mapping", "Column mappings for exports (docs/data-input.md)");
  mapping->require_subcommand(1);
  init = mapping->add_subcommand("init", "Draft a mapping from an export's header and values (CSV or .xlsx)");
  init->add_option("file", options.file, "The export (CSV or Excel workbook)")->required();
  init->add_option("--dataset", options.dataset, "allocations, stock, mutations or projects")->required();
  init->add_option("-o,--out", options.out, "Write the mapping to FILE (default: stdout)")->type_name("FILE");
  init->add_option("--sheet", options.sheet, "A workbook's sheet (default: the first)")->type_name("NAME");
  init->add_flag("--force", options.force, "Overwrite --out if it exists");
  return mapping;
}

int run_mapping_init(const MappingOptions& options) {
  const DatasetSchema* schema = find_dataset(options.dataset);
  if (schema == nullptr) {
    std::cerr << "toets: error: --dataset '" << options.dataset
              << "': expected allocations, stock, mutations or projects\n";
    return 2;
  }
  std::error_code ignored;
  if (!options.out.empty() && std::filesystem::exists(options.out, ignored) && !options.force) {
    std::cerr << "toets: error: --out '" << options.out << "' exists; --force overwrites it\n";
    return 2;
  }
  if (!options.out.empty()) {
    if (const auto problem = output_path_problem(options.out)) {  // a FIFO would hang the write
      std::cerr << "toets: error: --out '" << options.out << "': " << *problem << "\n";
      return 2;
    }
  }
  MappingDraft draft;
  try {
    draft = draft_mapping(*schema, options.file, options.sheet);
  } catch (const DataFileError& e) {
    std::cerr << "toets: error: " << e.what() << "\n";
    return 2;
  }
  // What it wrote must load as it is: a draft that would not is a bug here, not the user's to fix.
  Diagnostics diagnostics;
  if (!parse_mapping(draft.text, options.out.empty() ? "the draft" : options.out, *schema, diagnostics)) {
    std::cerr << "toets: internal error: the drafted mapping does not load:\n";
    diagnostics.print(std::cerr);
    return 2;
  }
  if (options.out.empty()) {
    std::cout << draft.text;
  } else {
    // Written whole or not at all, the reason said (engine/base/atomic_file.hpp).
    std::string error;
    auto file = AtomicFile::create(options.out, error);
    if (!file || (file->stream() << draft.text, !file->commit(error))) {
      std::cerr << "toets: error: '" << options.out << "': " << error << "\n";
      return 2;
    }
  }
  std::cerr << "toets: " << draft.headers << " header" << (draft.headers == 1 ? "" : "s") << ": " << draft.matched
            << " mapped, " << draft.guessed << " to check (commented), " << draft.unmatched.size() << " unmatched";
  if (!draft.missing_required.empty()) std::cerr << "; required columns not found: " << loading::join(draft.missing_required);
  if (draft.values_to_fill > 0) std::cerr << "; " << draft.values_to_fill << " values to fill in";
  std::cerr << (options.out.empty() ? "" : "; written to " + options.out) << "\n";
  return 0;
}

bool apply_sheets(const std::vector<std::string>& sheets,
                  const std::vector<std::pair<const DatasetSchema*, std::string>>& files,
                  std::map<std::string, InputSpec>& specs) {
  const auto is_workbook = [](const std::string& path) {
    const std::size_t dot = path.find_last_of('.');
    std::string extension = dot == std::string::npos ? "" : path.substr(dot + 1);
    for (char& c : extension) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return extension == "xlsx" || extension == "xlsm";
  };
  std::set<std::string> given;
  for (const std::string& sheet : sheets) {
    const std::size_t eq = sheet.find('=');
    const std::string kind = eq == std::string::npos ? "" : sheet.substr(0, eq);
    const bool per_kind = find_dataset(kind) != nullptr;
    const std::string name = per_kind ? sheet.substr(eq + 1) : sheet;
    if (name.empty()) {
      std::cerr << "toets: error: --sheet '" << sheet << "': no sheet name\n";
      return false;
    }
    if (per_kind && specs.count(kind) == 0) {
      std::cerr << "toets: error: --sheet " << kind << ": no --data " << kind << " is given to read it from\n";
      return false;
    }
    const std::string key = per_kind ? kind : "";
    if (!given.insert(key).second || (!per_kind && given.size() > 1) || (per_kind && given.count("") > 0)) {
      std::cerr << "toets: error: --sheet is given twice for the same data (use --sheet NAME once, or --sheet "
                   "KIND=NAME per kind)\n";
      return false;
    }
    // NAME alone is every workbook's sheet (the CSV and JSON files have none); KIND=NAME one kind's.
    bool applied = false;
    for (const auto& [schema, path] : files) {
      if (per_kind ? schema->name != kind : !is_workbook(path)) continue;
      specs[schema->name].sheet = name;
      applied = true;
    }
    if (!applied) {
      std::cerr << "toets: error: --sheet '" << sheet << "': no --data file is an Excel workbook (.xlsx)\n";
      return false;
    }
  }
  return true;
}

}  // namespace toets::cli
