#pragma once
// A dataset in memory, column by column, as the engine evaluates it. Loaders fill it; the
// evaluator reads it by column index (bound once by the checker), so the hot loop never touches
// a name or a string. Not thread-safe for writing; safe to read from several threads.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/program/schema.hpp"
#include "engine/data/rejection_reason.hpp"

namespace toets {

// Missing values (empty optional cells) are stored as these sentinels.
inline constexpr std::int32_t kNull32 = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int64_t kNull64 = std::numeric_limits<std::int64_t>::min();
inline constexpr std::uint8_t kNull8 = 0xFF;
// Line numbers are kept in 32 bits (a file of more lines is refused by the loaders).
inline constexpr std::uint64_t kMaxLine = std::numeric_limits<std::uint32_t>::max();
// A raw text column (ids) keeps 32-bit offsets into its text: 4 bytes a row, not 8 (12 MB of
// fresh memory for 1M + 2M rows). So the ids of one column of one dataset take at most 4 GiB
// together, some 300 million ids of 12 characters; the loaders refuse more, with the column.
inline constexpr std::uint64_t kMaxRawTextBytes = std::numeric_limits<std::uint32_t>::max();

// The longest of texts laid end to end, text i at [offsets[i], offsets[i + 1]): a raw text
// column's ids (ColumnData::raw_offsets) or an id pool's (RecordIdPool::offsets).
inline std::uint32_t longest_text(const std::vector<std::uint32_t>& offsets) {
  std::uint32_t longest = 0;
  for (std::size_t i = 1; i < offsets.size(); ++i) longest = std::max(longest, offsets[i] - offsets[i - 1]);
  return longest;
}

// Asks the kernel to back [data, data + bytes) with 2 MB pages where it can: call on a big buffer
// just allocated and not yet written. A national load writes some 200 MB of fresh columns and
// indexes; in 2 MB pages that takes a third fewer page faults and a few per cent less time
// (docs/performance.md). Nothing for small buffers, nothing where the system does not allow it.
void advise_huge_pages(const void* data, std::size_t bytes);

// Little-endian loads of 2, 4 or 8 bytes from anywhere (memcpy: no alignment asked).
template <typename Word>
inline Word load_word(const char* at) {
  Word word = 0;
  std::memcpy(&word, at, sizeof word);
  return word;
}

// A fast hash of short text (names, ids): eight bytes at a time, each word mixed by a multiply.
// Not for keys an adversary chooses to collide: a collision costs a comparison, never a result.
// The last 1-7 bytes are one word, made from overlapping loads instead of a byte at a time (the
// same word: an overlapping byte is ORed onto itself).
inline std::uint64_t hash_text(std::string_view text) {
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
  const std::size_t size = text.size();
  std::uint64_t h = size * kMultiplier;
  const char* at = text.data();
  std::size_t left = size;
  while (left >= 8) {
    h = (h ^ load_word<std::uint64_t>(at)) * kMultiplier;
    h ^= h >> 29;
    at += 8;
    left -= 8;
  }
  if (left > 0) {
    std::uint64_t word = 0;
    if (size >= 8) {
      word = load_word<std::uint64_t>(at + left - 8) >> (8 * (8 - left));
    } else if (left >= 4) {
      word = load_word<std::uint32_t>(at) |
             (static_cast<std::uint64_t>(load_word<std::uint32_t>(at + left - 4)) << (8 * (left - 4)));
    } else {
      for (std::size_t i = 0; i < left; ++i) word |= static_cast<std::uint64_t>(static_cast<unsigned char>(at[i])) << (8 * i);
    }
    h = (h ^ word) * kMultiplier;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  return h ^ (h >> 32);
}

// Grows a column by `n` elements and returns where they start, for writing a run of cells in
// place: a push_back per cell costs a capacity check each (the loader's hot path).
template <typename Column>
auto grow_by(Column& column, std::size_t n) {
  const std::size_t at = column.size();
  column.resize(at + n);
  return column.data() + at;
}

// Byte equality of two short texts (names, enum values), inline: a call to memcmp costs more than
// comparing a dozen bytes. Eight bytes at a time, the rest by two overlapping loads.
inline bool same_bytes(const char* a, const char* b, std::size_t size) {
  if (size >= 8) {
    for (std::size_t at = 0; at + 8 < size; at += 8) {
      if (load_word<std::uint64_t>(a + at) != load_word<std::uint64_t>(b + at)) return false;
    }
    return load_word<std::uint64_t>(a + size - 8) == load_word<std::uint64_t>(b + size - 8);
  }
  if (size >= 4) {
    return ((load_word<std::uint32_t>(a) ^ load_word<std::uint32_t>(b)) |
            (load_word<std::uint32_t>(a + size - 4) ^ load_word<std::uint32_t>(b + size - 4))) == 0;
  }
  if (size >= 2) {
    return ((load_word<std::uint16_t>(a) ^ load_word<std::uint16_t>(b)) |
            (load_word<std::uint16_t>(a + size - 2) ^ load_word<std::uint16_t>(b + size - 2))) == 0;
  }
  return size == 0 || a[0] == b[0];
}
inline bool same_text(const std::string& stored, std::string_view text) {
  return stored.size() == text.size() && same_bytes(stored.data(), text.data(), text.size());
}

// Text values of one column, each distinct value stored once; codes are dense from 0 in order
// of first appearance. find and intern look up a string_view without building a std::string;
// only a new value is copied. An open-addressing table of (hash tag, code) slots, not a
// std::unordered_map: interning is on the hot path of every load (a million rows, eight text
// columns each), and a node-based map costs a pointer chase and a full string hash per cell.
class TextDictionary {
 public:
  std::int32_t intern(std::string_view value);
  std::int32_t find(std::string_view value) const;  // -1 when absent
  const std::string& value(std::int32_t code) const { return values_[static_cast<std::size_t>(code)]; }
  std::size_t size() const { return values_.size(); }
  // Forgets every value, keeping the table's capacity (a loader reuses one per chunk).
  void clear();

 private:
  struct Slot {
    std::uint32_t tag = 0;            // the hash's high half
    std::int32_t code_plus_one = 0;   // 0: empty
  };
  std::size_t slot_of(std::string_view value, std::uint64_t hash) const;
  void grow();

  std::vector<std::string> values_;
  std::vector<Slot> slots_;  // a power of two in size, at most half full
};

// One column. Money lives in `cents`; booleans and enums (narrow) in `bytes`, one byte a row
// (kNull8 for missing); every other type in `values` (see ValueType for the encoding); Raw text
// (ids) in `raw` with `raw_offsets` (rows + 1 entries). Narrow columns keep a national dataset
// within the size of its files (docs/performance.md): a stock snapshot has six of them.
struct ColumnData {
  ValueType type = ValueType::Text;
  TextStorage text_storage = TextStorage::Dictionary;
  bool narrow = false;
  // False when the loader was told no one reads the column (Dataset's `kept`): its cells were
  // checked like any other, but not stored, and the column holds no rows.
  bool kept = true;
  std::vector<std::int64_t> cents;
  std::vector<std::int32_t> values;
  std::vector<std::uint8_t> bytes;
  TextDictionary dictionary;
  std::string raw;
  std::vector<std::uint32_t> raw_offsets{0};  // at most kMaxRawTextBytes

  std::string_view raw_text(std::size_t row) const {
    return std::string_view(raw).substr(raw_offsets[row], raw_offsets[row + 1] - raw_offsets[row]);
  }
  // The value of a column kept in `values` or `bytes` (kNull32 for missing).
  std::int32_t value(std::size_t row) const {
    if (!narrow) return values[row];
    const std::uint8_t byte = bytes[row];
    return byte == kNull8 ? kNull32 : byte;
  }
  void push_value(std::int32_t value) {
    if (narrow) {
      bytes.push_back(value == kNull32 ? kNull8 : static_cast<std::uint8_t>(value));
    } else {
      values.push_back(value);
    }
  }
};

// Why one input row was not accepted: where, which column, the value, what was expected.
struct Rejection {
  std::uint64_t line = 0;       // 1-based physical line in the file where the record starts
  std::string column;           // empty when the whole row is wrong (e.g. wrong field count)
  std::string value;
  std::string reason;           // in English: reason_text(why, Lang::En), or a text of kind Other
  std::string record = {};      // the whole record as read (after decoding), for a rejects file
  RejectionReason why = {};     // the reason as data, which reports render in their language
  // Where in a workbook (an .xlsx sheet): the cell, "Toewijzingen!M48", or the row, "Toewijzingen!48:48";
  // `line` is then the sheet's row. Empty for a text file, whose line says where.
  std::string cell = {};
};

// Where a rejected row is, as messages show it: a workbook's cell, else the line number.
inline std::string rejection_place(const Rejection& rejection) {
  return rejection.cell.empty() ? std::to_string(rejection.line) : rejection.cell;
}

// One import that a dataset read from the store comes from: its file as it was read when it was
// imported, with the rows that could not be read then (docs/store.md). They travel with the rows,
// so that a check from the store says what its imports could not read, as a check of the files does.
struct ImportedFile {
  std::int64_t import_id = 0;
  std::string file;                 // the source as the import named it
  std::string imported_at;          // UTC, 2026-11-23T10:15:02Z
  std::uint64_t rows_read = 0;
  std::uint64_t rows_accepted = 0;
  std::uint64_t rows_rejected = 0;  // rows_read == rows_accepted + rows_rejected
  std::vector<Rejection> rejections;
};

struct LoadReport {
  std::string dataset;          // "allocations"
  std::string file;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_accepted = 0;
  std::uint64_t rows_rejected = 0;  // rows_read == rows_accepted + rows_rejected, always
  std::vector<Rejection> rejections;
  std::vector<std::string> notes;   // e.g. a column the schema does not know, ignored
  // Read from the store: the imports whose rejections count (Store::load). Their rows rejected are
  // in rows_rejected (and rows_read), their rejections here, not in `rejections`, which holds
  // only what reading the store's table itself rejected. Empty for a file.
  std::vector<ImportedFile> imports;
  // What the file's text was read as: "utf-8" or "windows-1252"; empty when it was not read from
  // a file's bytes (a store's table holds text already).
  std::string encoding;
  bool encoding_detected = false;  // chosen from the file's bytes; false: stated (or JSON's own)
};

class Dataset {
 public:
  // `kept`, when not empty, says per schema column whether its values are stored; a column left
  // out is still read and checked by the loaders, so the rows accepted and rejected are the same,
  // but costs neither time to store nor memory (toets check keeps what its rules read). The id
  // column and the columns of unique keys are always kept: rows are named and keys checked by them.
  explicit Dataset(const DatasetSchema& schema, const std::vector<bool>& kept = {});

  const DatasetSchema& schema() const { return *schema_; }
  std::size_t row_count() const { return rows_; }
  // Where the rows came from (a file's path, or the store's import), for messages: "file:line".
  const std::string& origin() const { return origin_; }
  void set_origin(std::string origin) { origin_ = std::move(origin); }
  const ColumnData& column(std::uint32_t index) const { return columns_[index]; }
  ColumnData& column(std::uint32_t index) { return columns_[index]; }
  // The file line each row came from, for evidence and error messages.
  std::uint64_t source_line(std::size_t row) const {
    // Nearly always one run (a file without rejected rows, blank lines or multi-line records).
    const LineRun* run = &line_runs_.front();
    if (line_runs_.size() > 1) {
      run = &*std::prev(std::upper_bound(line_runs_.begin(), line_runs_.end(), row,
                                         [](std::size_t r, const LineRun& each) { return r < each.first_row; }));
    }
    return std::min<std::uint64_t>(std::uint64_t{run->first_line} + (row - run->first_row), kMaxLine);
  }
  // The record id (the schema's id column) as text.
  std::string_view record_id(std::size_t row) const { return columns_[schema_->id_column].raw_text(row); }
  // A cell rendered as text for reports ("" for missing). Throws std::logic_error for a column
  // that was not kept.
  std::string cell_text(std::uint32_t column, std::size_t row) const;

  // Appends an accepted row; loaders push each column's value first, then call this.
  // `line` is at most kMaxLine (loaders refuse longer files).
  void commit_row(std::uint64_t line) {
    add_line(rows_, std::min(line, kMaxLine));
    ++rows_;
  }
  // Room for `rows` rows without growing; raw text (ids) at the bytes per row of `like`, a
  // part of the same file read already, when given.
  void reserve(std::size_t rows, const Dataset* like = nullptr);
  std::size_t capacity() const { return capacity_; }
  // Removes every row, keeping the columns' capacity (a loader reuses one per chunk of a file).
  void clear();
  // Appends every row of `piece` (the same schema, read from a later part of the same file):
  // dictionary text re-coded into this dataset's dictionaries, lines moved by `line_offset`.
  void append(const Dataset& piece, std::uint64_t line_offset);
  // The first raw text column whose text would pass kMaxRawTextBytes with `piece` appended.
  std::optional<std::uint32_t> raw_text_overflow(const Dataset& piece) const;
  // Keeps, of the rows from `first` on, those whose keep[row - first] is true, in order.
  void keep_rows(std::size_t first, const std::vector<bool>& keep);

 private:
  // Rows from `first_row` on came from consecutive lines from `first_line` on, up to the next
  // run: a line per row would be 4 bytes a row of fresh memory (12 MB for 1M + 2M rows), when
  // a run begins only after a rejected row, a blank line or a record of several lines. Eight
  // bytes a run (rows and lines fit 32 bits: the loaders refuse bigger files), so a file of
  // nothing but multi-line records costs twice what a line per row did, no more.
  struct LineRun {
    std::uint32_t first_row = 0;
    std::uint32_t first_line = 0;
  };
  // Row `row` (the next one) came from `line` (at most kMaxLine).
  void add_line(std::size_t row, std::uint64_t line) {
    if (!line_runs_.empty()) {
      const LineRun& last = line_runs_.back();
      if (std::uint64_t{last.first_line} + (row - last.first_row) == line) return;
    }
    line_runs_.push_back(LineRun{static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(line)});
  }

  const DatasetSchema* schema_;
  std::vector<ColumnData> columns_;
  std::vector<LineRun> line_runs_;
  std::string origin_;
  std::size_t rows_ = 0;
  std::size_t capacity_ = 0;  // rows the columns have room for (reserve)
};

}  // namespace toets
