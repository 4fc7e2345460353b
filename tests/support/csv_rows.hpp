#pragma once
// What the CSV reader's tests share (tests/csv_reader_test.cpp, csv_file_test.cpp): allocation rows
// built cell by cell, a load of CSV text, and the promise every load keeps (one value per accepted
// row in every column).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dsl/program/schema.hpp"
#include "engine/data/dataset.hpp"
#include "engine/input/csv_reader.hpp"

namespace toets::csv_testing {

inline const DatasetSchema& allocations() { return *find_dataset("allocations"); }
inline const DatasetSchema& projects() { return *find_dataset("projects"); }
inline const DatasetSchema& stock() { return *find_dataset("stock"); }

constexpr const char* kHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,"
    "new_build,rent,household_size,household_income,applicant_age,channel,energy_label\n";

// One valid allocation, cell by cell in schema order, as CSV tokens.
inline std::vector<std::string> base_tokens(const std::string& id = "A1") {
  return {id,     "Trivire", "Dordrecht", "",  "Crabbehof", "2026-03-31", "VHE-001",  "sociaal",
          "true", "false",   "612.35",    "2", "31000.00",  "34",         "regulier", "B"};
}

inline std::string join_tokens(const std::vector<std::string>& tokens) {
  std::string line;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) line += ',';
    line += tokens[i];
  }
  return line;
}

inline std::string valid_row(const std::string& id = "A1") { return join_tokens(base_tokens(id)) + "\n"; }

// The valid row with one cell replaced by `token`, written into the file verbatim.
inline std::string row_with(const std::string& column, const std::string& token, const std::string& id = "A1") {
  std::vector<std::string> tokens = base_tokens(id);
  tokens[*allocations().column_index(column)] = token;
  return join_tokens(tokens) + "\n";
}

// "A7": built by appending, because GCC 12 warns falsely (-Wrestrict) on "A" + std::to_string(7).
inline std::string numbered(const char* prefix, int number) {
  std::string text = prefix;
  text += std::to_string(number);
  return text;
}

inline LoadedDataset load(const std::string& text, const DatasetSchema& schema = allocations()) {
  return read_csv_text(schema, text, "test.csv");
}

// Every column holds exactly one value per accepted row, whatever was rejected on the way.
inline void expect_columns_consistent(const LoadedDataset& loaded) {
  const Dataset& data = loaded.data;
  const LoadReport& report = loaded.report;
  EXPECT_EQ(report.rows_read, report.rows_accepted + report.rows_rejected);
  EXPECT_EQ(report.rows_rejected, report.rejections.size());
  EXPECT_EQ(data.row_count(), report.rows_accepted);
  for (std::uint32_t c = 0; c < data.schema().columns.size(); ++c) {
    const ColumnData& column = data.column(c);
    SCOPED_TRACE(data.schema().columns[c].name);
    if (column.type == ValueType::Money) {
      EXPECT_EQ(column.cents.size(), data.row_count());
      EXPECT_TRUE(column.values.empty());
    } else if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
      EXPECT_EQ(column.raw_offsets.size(), data.row_count() + 1);
      EXPECT_EQ(column.raw_offsets.back(), column.raw.size());
    } else if (column.narrow) {
      EXPECT_EQ(column.bytes.size(), data.row_count());
      EXPECT_TRUE(column.values.empty());
    } else {
      EXPECT_EQ(column.values.size(), data.row_count());
    }
  }
}

}  // namespace toets::csv_testing
