#pragma once
// What the export-dialect tests share (tests/dialect_test.cpp, encoding_test.cpp): an allocation
// in the forms a corporation's export writes (31-03-2026, ja/nee, € 612,35, 31.000,00; ';' and
// CRLF), the options that read such exports, and Windows-1252 bytes of a text.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/program/schema.hpp"
#include "engine/data/dataset.hpp"
#include "engine/input/csv_reader.hpp"

namespace toets::export_testing {

inline const DatasetSchema& allocations() { return *find_dataset("allocations"); }
inline const DatasetSchema& stock() { return *find_dataset("stock"); }

constexpr const char* kHeader =
    "allocation_id;corporation;municipality;kern;neighbourhood;contract_date;dwelling_id;segment;daeb;"
    "new_build;rent;household_size;household_income;applicant_age;channel;energy_label\r\n";

// One valid allocation in export forms, cell by cell in schema order.
inline std::vector<std::string> base_tokens(const std::string& id = "A1") {
  return {id,   "Trivire", "Dordrecht", "",         "Crabbehof", "31-03-2026", "VHE-001",  "sociaal",
          "ja", "nee",     "€ 612,35",  "2",        "31.000,00", "34",         "regulier", "B"};
}

inline std::string join_tokens(const std::vector<std::string>& tokens, char delimiter = ';') {
  std::string line;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) line += delimiter;
    line += tokens[i];
  }
  return line;
}

inline std::string row_with(const std::string& column, const std::string& token, const std::string& id = "A1") {
  std::vector<std::string> tokens = base_tokens(id);
  tokens[*allocations().column_index(column)] = token;
  return join_tokens(tokens) + "\r\n";
}

inline CsvOptions export_options() {
  CsvOptions options;
  options.delimiter = Delimiter::Auto;
  options.export_forms = true;
  // Stated, so a cell is read as the bytes it holds; detection has tests of its own (Encoding).
  options.encoding = Encoding::Utf8;
  return options;
}

inline LoadedDataset load(const std::string& text, CsvOptions options = export_options(),
                   const DatasetSchema& schema = allocations()) {
  return read_csv_text(schema, text, "export.csv", options);
}

inline void expect_counts_add_up(const LoadedDataset& loaded) {
  EXPECT_EQ(loaded.report.rows_read, loaded.report.rows_accepted + loaded.report.rows_rejected);
  EXPECT_EQ(loaded.report.rows_rejected, loaded.report.rejections.size());
  EXPECT_EQ(loaded.data.row_count(), loaded.report.rows_accepted);
}

// Text as a Windows-1252 file has it: the euro sign is the byte 0x80, é 0xE9, ë 0xEB.
inline std::string cp1252(std::string text) {
  const std::pair<std::string_view, std::string_view> kBytes[] = {
      {"\xE2\x82\xAC", "\x80"}, {"\xC3\xA9", "\xE9"}, {"\xC3\xAB", "\xEB"}};
  for (const auto& [utf8, byte] : kBytes) {
    for (std::size_t at = text.find(utf8); at != std::string::npos; at = text.find(utf8, at)) {
      text.replace(at, utf8.size(), byte);
    }
  }
  return text;
}

inline CsvOptions cp1252_options() {
  CsvOptions options = export_options();
  options.encoding = Encoding::Windows1252;
  return options;
}

}  // namespace toets::export_testing
