// Fuzz target: the CSV reader with every dialect option. The first input byte chooses the dataset
// schema and the dialect; the rest is the file:
//   bits 0-1 schema (allocations, stock, mutations, projects)   bits 2-3 delimiter (auto, ',', ';')
//   bits 4-5 decimal mark (auto, point, comma)   bit 6 Windows-1252 (else detected)   bit 7 export forms
// Every input must end in a load report whose counts add up, or in a DataFileError: never a crash,
// a hang or a sanitizer report. And the reader's chunks must not show: the file read again in
// chunks of a few bytes on two threads gives exactly the same rows, lines and rejections.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/input/csv_reader.hpp"

namespace {

std::vector<std::string> describe(const toets::LoadedDataset& loaded) {
  std::vector<std::string> lines;
  const toets::Dataset& data = loaded.data;
  for (std::size_t row = 0; row < data.row_count(); ++row) {
    std::string line = std::to_string(data.source_line(row));
    for (std::uint32_t c = 0; c < data.schema().columns.size(); ++c) line += "|" + data.cell_text(c, row);
    lines.push_back(std::move(line));
  }
  for (const toets::Rejection& rejection : loaded.report.rejections) {
    lines.push_back(std::to_string(rejection.line) + "|" + rejection.column + "|" + rejection.value + "|" +
                    rejection.reason + "|" + rejection.record);
  }
  lines.push_back(std::to_string(loaded.report.rows_read));
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const toets::DatasetSchema> schemas = toets::dataset_schemas();
  const std::uint8_t choice = data[0];
  const toets::DatasetSchema& schema = schemas[choice % schemas.size()];
  toets::CsvOptions options;
  options.delimiter = static_cast<toets::Delimiter>(((choice >> 2) & 3) % 3);
  options.decimal = static_cast<toets::DecimalMark>(((choice >> 4) & 3) % 3);
  options.encoding = (choice & 0x40) != 0 ? toets::Encoding::Windows1252 : toets::Encoding::Auto;
  options.export_forms = (choice & 0x80) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const toets::LoadedDataset loaded = toets::read_csv_text(schema, text, "fuzz.csv", options);
    const toets::LoadReport& report = loaded.report;
    // Nothing is dropped silently: read = accepted + rejected, one reason per rejection.
    if (report.rows_read != report.rows_accepted + report.rows_rejected) std::abort();
    if (report.rejections.size() != report.rows_rejected) std::abort();
    if (loaded.data.row_count() != report.rows_accepted) std::abort();
    toets::CsvOptions chunked = options;
    chunked.chunk_bytes = 1 + size % 13;
    chunked.threads = 2;
    if (describe(toets::read_csv_text(schema, text, "fuzz.csv", chunked)) != describe(loaded)) std::abort();
  } catch (const toets::DataFileError&) {
    // a file-level error with its location is a correct outcome
  }
  return 0;
}
