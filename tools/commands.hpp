#pragma once
// Subcommands and options of the toets command line that live outside tools/toets.cpp: each
// registers itself on the CLI11 app and runs from its own options struct, returning the exit code.

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dsl/schema.hpp"
#include "engine/input.hpp"

namespace toets::cli {

// toets schema [KIND] [--markdown]: the canonical datasets from the schema in code (dsl/schema.cpp).
struct SchemaOptions {
  std::string kind;       // empty: every dataset
  bool markdown = false;  // the tables of docs/data-format.md
};
CLI::App* add_schema_command(CLI::App& app, SchemaOptions& options);
int run_schema(const SchemaOptions& options);

// toets mapping init FILE --dataset KIND [-o OUT] [--sheet NAME]: a mapping from an export's header
// (engine/mapping_init.hpp).
struct MappingOptions {
  std::string file;
  std::string dataset;
  std::string out;    // empty: stdout
  std::string sheet;
  bool force = false;  // overwrite OUT
};
CLI::App* add_mapping_command(CLI::App& app, MappingOptions& options, CLI::App*& init);
int run_mapping_init(const MappingOptions& options);

// --sheet NAME or --sheet KIND=NAME (check, import): the sheet to read of every workbook (.xlsx)
// given with --data, or of one kind's file, into `specs` (per kind). False after printing what is
// wrong.
bool apply_sheets(const std::vector<std::string>& sheets,
                  const std::vector<std::pair<const DatasetSchema*, std::string>>& files,
                  std::map<std::string, InputSpec>& specs);

}  // namespace toets::cli
