// toets schema: the canonical datasets as the code defines them (dsl/program/schema.cpp), as a listing for
// a terminal or as the Markdown tables of docs/data-format.md (tests/schema_doc_test.cpp keeps the
// document and this output the same).

#include <algorithm>
#include <iostream>
#include <string>

#include "dsl/program/schema.hpp"
#include "tools/commands.hpp"

namespace toets::cli {

namespace {

// "int ≥ 1", "enum: `sociaal`, `middenhuur`", "text, unique"; backticks only in Markdown.
std::string type_text(const ColumnSchema& column, bool markdown) {
  std::string text(type_name(column.type));
  if (column.min_value) text += " \xE2\x89\xA5 " + std::to_string(*column.min_value);
  if (column.unique) text += ", unique";
  if (column.type == ValueType::Enum) {
    text += ":";
    for (std::size_t i = 0; i < column.enum_values.size(); ++i) {
      text += (i == 0 ? " " : ", ") + std::string(markdown ? "`" : "") + column.enum_values[i] + (markdown ? "`" : "");
    }
  }
  return text;
}

std::string unique_key_text(const DatasetSchema& schema) {
  std::string names;
  for (const std::uint32_t c : schema.unique_key) names += (names.empty() ? "" : ", ") + schema.columns[c].name;
  return "(" + names + ")";
}

void write_markdown(const DatasetSchema& schema, std::ostream& out) {
  out << "## " << schema.name << " \xE2\x80\x94 " << schema.meaning << "\n\n";
  out << "| column | type | required | meaning |\n| --- | --- | --- | --- |\n";
  for (const ColumnSchema& column : schema.columns) {
    out << "| " << column.name << " | " << type_text(column, true) << " | " << (column.required ? "yes" : "no") << " | "
        << column.meaning << " |\n";
  }
  if (!schema.unique_key.empty()) out << "\n" << unique_key_text(schema) << " is unique: a repeat is rejected.\n";
}

void write_listing(const DatasetSchema& schema, std::ostream& out) {
  out << schema.name << ": " << schema.meaning << "\n";
  std::size_t width = 6;
  for (const ColumnSchema& column : schema.columns) width = std::max(width, column.name.size());
  for (const ColumnSchema& column : schema.columns) {
    out << "  " << column.name << std::string(width + 2 - column.name.size(), ' ')
        << (column.required ? "required  " : "optional  ") << type_text(column, false);
    if (!column.meaning.empty()) out << "  (" << column.meaning << ")";
    out << "\n";
  }
  if (!schema.unique_key.empty()) out << "  " << unique_key_text(schema) << " is unique\n";
}

}  // namespace

CLI::App* add_schema_command(CLI::App& app, SchemaOptions& options) {
  CLI::App* command =
      app.add_subcommand("schema", "Print the canonical datasets: columns, types, required, values (docs/data-format.md)");
  command->add_option("kind", options.kind, "Only this dataset: allocations, stock, mutations or projects");
  command->add_flag("--markdown", options.markdown, "As the Markdown tables of docs/data-format.md");
  return command;
}

int run_schema(const SchemaOptions& options) {
  if (!options.kind.empty() && find_dataset(options.kind) == nullptr) {
    std::cerr << "toets: error: no dataset '" << options.kind << "' (expected allocations, stock, mutations or projects)\n";
    return 2;
  }
  bool first = true;
  for (const DatasetSchema& schema : dataset_schemas()) {
    if (!options.kind.empty() && schema.name != options.kind) continue;
    if (!first) std::cout << "\n";
    first = false;
    if (options.markdown) {
      write_markdown(schema, std::cout);
    } else {
      write_listing(schema, std::cout);
    }
  }
  return 0;
}

}  // namespace toets::cli
