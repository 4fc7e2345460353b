#pragma once
// A dataset in memory, column by column, as the engine evaluates it. Loaders fill it; the
// evaluator reads it by column index (bound once by the checker), so the hot loop never touches
// a name or a string. Not thread-safe for writing; safe to read from several threads.

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/schema.hpp"

namespace toets {

// Missing values (empty optional cells) are stored as these sentinels.
inline constexpr std::int32_t kNull32 = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int64_t kNull64 = std::numeric_limits<std::int64_t>::min();

// Text values of one column, each distinct value stored once; codes are dense from 0 in order
// of first appearance. find and intern look up a string_view without building a std::string
// (the index hashes transparently); only a new value is copied.
class TextDictionary {
 public:
  std::int32_t intern(std::string_view value);
  std::int32_t find(std::string_view value) const;  // -1 when absent
  const std::string& value(std::int32_t code) const { return values_[static_cast<std::size_t>(code)]; }
  std::size_t size() const { return values_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::vector<std::string> values_;
  std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> index_;
};

// One column. Money lives in `cents`; every other type in `values` (see ValueType for the
// encoding); Raw text (ids) in `raw` with `raw_offsets` (rows + 1 entries).
struct ColumnData {
  ValueType type = ValueType::Text;
  TextStorage text_storage = TextStorage::Dictionary;
  std::vector<std::int64_t> cents;
  std::vector<std::int32_t> values;
  TextDictionary dictionary;
  std::string raw;
  std::vector<std::uint64_t> raw_offsets{0};

  std::string_view raw_text(std::size_t row) const {
    return std::string_view(raw).substr(raw_offsets[row], raw_offsets[row + 1] - raw_offsets[row]);
  }
};

// Why one input row was not accepted: where, which column, the value, what was expected.
struct Rejection {
  std::uint64_t line = 0;       // 1-based physical line in the file where the record starts
  std::string column;           // empty when the whole row is wrong (e.g. wrong field count)
  std::string value;
  std::string reason;
  std::string record = {};      // the whole record as read (after decoding), for a rejects file
};

struct LoadReport {
  std::string dataset;          // "allocations"
  std::string file;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_accepted = 0;
  std::uint64_t rows_rejected = 0;  // rows_read == rows_accepted + rows_rejected, always
  std::vector<Rejection> rejections;
  std::vector<std::string> notes;   // e.g. a column the schema does not know, ignored
};

class Dataset {
 public:
  explicit Dataset(const DatasetSchema& schema);

  const DatasetSchema& schema() const { return *schema_; }
  std::size_t row_count() const { return rows_; }
  const ColumnData& column(std::uint32_t index) const { return columns_[index]; }
  ColumnData& column(std::uint32_t index) { return columns_[index]; }
  // The file line each row came from, for evidence and error messages.
  std::uint64_t source_line(std::size_t row) const { return lines_[row]; }
  // The record id (the schema's id column) as text.
  std::string_view record_id(std::size_t row) const { return columns_[schema_->id_column].raw_text(row); }
  // A cell rendered as text for reports ("" for missing).
  std::string cell_text(std::uint32_t column, std::size_t row) const;

  // Appends an accepted row; loaders push each column's value first, then call this.
  void commit_row(std::uint64_t line) { lines_.push_back(line); ++rows_; }
  void reserve(std::size_t rows);

 private:
  const DatasetSchema* schema_;
  std::vector<ColumnData> columns_;
  std::vector<std::uint64_t> lines_;
  std::size_t rows_ = 0;
};

}  // namespace toets
