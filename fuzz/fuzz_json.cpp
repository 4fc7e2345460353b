// Fuzz target: the JSON reader (an array of objects, or JSON Lines). The first input byte chooses
// the dataset schema (bits 0-1), the decimal mark of numbers written as strings (bits 2-3: auto,
// point, comma) and Windows-1252 (bit 4); the rest is the file. Every input must end in a load
// report whose counts add up, or in a DataFileError: never a crash, a hang or a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <span>
#include <string_view>

#include "engine/input/json_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const toets::DatasetSchema> schemas = toets::dataset_schemas();
  const std::uint8_t choice = data[0];
  const toets::DatasetSchema& schema = schemas[choice % schemas.size()];
  toets::JsonOptions options;
  options.decimal = static_cast<toets::DecimalMark>(((choice >> 2) & 3) % 3);
  options.encoding = (choice & 0x10) != 0 ? toets::Encoding::Windows1252 : toets::Encoding::Auto;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const toets::LoadedDataset loaded = toets::read_json_text(schema, text, "fuzz.json", options);
    const toets::LoadReport& report = loaded.report;
    if (report.rows_read != report.rows_accepted + report.rows_rejected) std::abort();
    if (report.rejections.size() != report.rows_rejected) std::abort();
    if (loaded.data.row_count() != report.rows_accepted) std::abort();
    // JSON Lines (the first value starts with '{'): every non-blank line is one row, accepted or
    // rejected, never two and never none.
    std::string_view body = text;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    const std::size_t first = body.find_first_not_of(" \t\n\r");
    if (first != std::string_view::npos && body[first] == '{') {
      std::size_t lines = 0;
      bool blank = true;
      for (const char c : body) {
        if (c == '\n') {
          lines += blank ? 0 : 1;
          blank = true;
        } else if (!is_space(c)) {
          blank = false;
        }
      }
      lines += blank ? 0 : 1;
      if (report.rows_read != lines) std::abort();
    }
    for (std::size_t row = 0; row < loaded.data.row_count(); ++row) {
      for (std::uint32_t c = 0; c < schema.columns.size(); ++c) (void)loaded.data.cell_text(c, row);
    }
  } catch (const toets::DataFileError&) {
    // a file-level error with its location is a correct outcome
  }
  return 0;
}
