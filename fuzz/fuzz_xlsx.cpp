// Fuzz target: the Excel workbook reader. The first input byte chooses the dataset schema (bits
// 0-1), the 1904 date system (bit 2) and what the rest is (bit 3): the raw bytes of an archive
// (the ZIP container and libzip's reading of it), or the XML of a sheet, optionally followed by a
// line "----" and the <si> items of the shared strings, zipped here into a workbook (the workbook's
// parts, the sheet's rows and cells, the values: what a fuzzer could never reach through the
// archive's checksums). Every input must end in a load report whose counts add up, every
// rejection located at a cell, or a DataFileError: never a crash, a hang or a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "engine/input/xlsx_reader.hpp"
#include "tests/support/zip_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const toets::DatasetSchema> schemas = toets::dataset_schemas();
  const std::uint8_t choice = data[0];
  const toets::DatasetSchema& schema = schemas[choice % schemas.size()];
  const bool date1904 = (choice & 0x04) != 0;
  const bool raw = (choice & 0x08) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::string bytes;
  if (raw) {
    bytes = std::string(input);
  } else {
    const std::size_t split = input.find("\n----\n");
    const std::string sheet(input.substr(0, split));
    const std::string strings(split == std::string_view::npos ? std::string_view() : input.substr(split + 6));
    try {
      bytes = toets::testing_support::write_zip(toets::testing_support::workbook_parts(sheet, strings, date1904));
    } catch (const std::exception&) {
      return 0;  // libzip could not write it: nothing to read
    }
  }
  // Small limits, so that what they guard is reached within an input of a few kilobytes.
  toets::XlsxOptions options;
  options.limits.max_part_bytes = 1 << 20;
  options.limits.max_total_bytes = 4 << 20;
  options.limits.ratio_exempt_bytes = 1 << 16;
  options.limits.max_shared_strings = 10000;
  try {
    const toets::LoadedDataset loaded = toets::read_xlsx_bytes(schema, bytes, "fuzz.xlsx", options);
    const toets::LoadReport& report = loaded.report;
    if (report.rows_read != report.rows_accepted + report.rows_rejected) std::abort();
    if (report.rejections.size() != report.rows_rejected) std::abort();
    if (loaded.data.row_count() != report.rows_accepted) std::abort();
    for (const toets::Rejection& rejection : report.rejections) {
      if (rejection.cell.empty()) std::abort();
    }
    for (std::size_t row = 0; row < loaded.data.row_count(); ++row) {
      for (std::uint32_t c = 0; c < schema.columns.size(); ++c) (void)loaded.data.cell_text(c, row);
    }
  } catch (const toets::DataFileError&) {
    // a file-level error with its location is a correct outcome
  }
  return 0;
}
