// Fuzz target: the column-mapping reader, and a load through the mapping it yields. The input is
// mapping text, then optionally a line "----" and an export to read with it (JSON when it starts
// with '[' or '{', else CSV). The dataset comes
// from the mapping's own `dataset = ...` when it names one the schemas know, else allocations.
// Every input must end in mapping errors, a load report whose counts add up, or a DataFileError.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/input/csv_reader.hpp"
#include "engine/input/json_reader.hpp"
#include "engine/input/mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find("\n----\n");
  const std::string_view mapping_text = input.substr(0, split);
  const std::string_view export_text =
      split == std::string_view::npos ? std::string_view() : input.substr(split + 6);

  const toets::DatasetSchema* schema = toets::find_dataset("allocations");
  for (const toets::DatasetSchema& candidate : toets::dataset_schemas()) {
    if (mapping_text.find("dataset = " + candidate.name) != std::string_view::npos) schema = &candidate;
  }
  toets::Diagnostics diagnostics;
  const auto mapping = toets::parse_mapping(mapping_text, "fuzz.map", *schema, diagnostics);
  if (!mapping) {
    if (!diagnostics.has_errors()) std::abort();  // a refused mapping says why
    return 0;
  }
  if (split == std::string_view::npos) return 0;
  toets::CsvOptions options;
  options.delimiter = mapping->delimiter;
  options.decimal = mapping->decimal;
  options.encoding = mapping->encoding;
  options.export_forms = true;
  options.mapping = &*mapping;
  try {
    // An export that starts like JSON is read by the JSON reader through the mapping, else as CSV.
    const std::size_t first = export_text.find_first_not_of(" \t\r\n");
    const bool json = first != std::string_view::npos && (export_text[first] == '[' || export_text[first] == '{');
    toets::JsonOptions json_options;
    json_options.decimal = mapping->decimal;
    json_options.mapping = &*mapping;
    const toets::LoadedDataset loaded = json ? toets::read_json_text(*schema, export_text, "fuzz.json", json_options)
                                             : toets::read_csv_text(*schema, export_text, "fuzz.csv", options);
    const toets::LoadReport& report = loaded.report;
    if (report.rows_read != report.rows_accepted + report.rows_rejected) std::abort();
    if (report.rejections.size() != report.rows_rejected) std::abort();
    if (loaded.data.row_count() != report.rows_accepted) std::abort();
  } catch (const toets::DataFileError&) {
    // a file-level error with its location is a correct outcome
  }
  return 0;
}
