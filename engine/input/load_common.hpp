#pragma once
// What every reader of data files shares (CSV, JSON): the result of a load, the file-level error,
// the dialect choices a user can state (delimiter, decimal mark, encoding), the text helpers for
// messages, and RecordBuilder, which turns one record's cells into a typed row or a rejection.
//
// The readers split a file into records and cells; RecordBuilder alone decides what a cell means,
// so a value is read the same way whatever file form it came in.

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/source/text.hpp"
#include "dsl/source/regular_file.hpp"
#include "dsl/program/schema.hpp"
#include "engine/data/dataset.hpp"
#include "engine/input/encoding.hpp"

namespace toets {

// The file as a whole cannot be read: missing, unreadable, no header, a required column missing
// from the header, a duplicated header, a broken mapping file. The message starts with "file:line:"
// where there is a line, "file:" otherwise.
class DataFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The ids of `column` in `file` passed kMaxRawTextBytes (engine/data/dataset.hpp).
inline std::string raw_text_too_long(const std::string& file, const std::string& column) {
  return file + ": the values of column '" + column +
         "' take more than 4 GiB together, more than one file of toets can hold; split the file (by year, or by "
         "corporation) and check the parts";
}

// Limits against pathological input: a header of more columns, or a record or field longer than
// these, is an error (the header) or a rejection (a record), never stored.
inline constexpr std::size_t kMaxColumns = 1024;
inline constexpr std::size_t kMaxRecordBytes = 1024 * 1024;
inline constexpr std::size_t kMaxFieldBytes = 64 * 1024;
// Rows per file: row numbers are stored in 32 bits (KeyRowIndex).
inline constexpr std::size_t kMaxRowsPerFile = std::numeric_limits<std::uint32_t>::max() / 2;

struct LoadedDataset {
  Dataset data;
  LoadReport report;
};

// ---------------------------------------------------------------------------------------------
// Dialect choices. `Auto` means "not stated": the reader decides (documented per field).

enum class Delimiter : std::uint8_t { Auto, Comma, Semicolon };
enum class DecimalMark : std::uint8_t { Auto, Point, Comma };
// Encoding (Auto, Utf8, Windows1252): encoding.hpp, with what reads and detects it.

// "comma" or ",", "semicolon" or ";", "auto". nullopt for anything else.
std::optional<Delimiter> parse_delimiter(std::string_view text);
// "point" or ".", "comma" or ",", "auto".
std::optional<DecimalMark> parse_decimal_mark(std::string_view text);
// "utf-8"/"utf8", "cp1252"/"windows-1252" (and, as the WHATWG encoding standard does,
// "latin1"/"iso-8859-1"), "auto"; any case.
std::optional<Encoding> parse_encoding(std::string_view text);

// How cell text is read.
//  Canonical (export_forms false): exactly the forms of data-format.md: 612.35, 2026-03-31,
//    true/false/1/0, enum values as listed.
//  Export forms: also what spreadsheets and housing systems write: € 1.234,56 (decimal mark and
//    thousands groups as `decimal` says), 31-03-2026 and 1-3-2026, ja/nee, j/n, yes/no, waar/onwaar
//    in any case, enum values in any case with ' ' or '-' for '_', and a spreadsheet's scientific
//    notation in an id column is rejected (it has lost digits).
struct ValueForms {
  bool export_forms = false;
  char decimal = '.';           // '.' or ','; with export forms the other one groups thousands
  bool windows_1252 = false;    // the text was converted: says so in messages about bad bytes
};

// ---------------------------------------------------------------------------------------------
// Text helpers

// ASCII case-insensitive hashing and equality, for names and values a person typed.
struct CaseFoldHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const;
};
struct CaseFoldEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};
// A value as written in an export -> the canonical text (case-insensitive keys).
using ValueMap = std::unordered_map<std::string, std::string, CaseFoldHash, CaseFoldEqual>;

// In their own namespace: other parts of the engine keep private helpers of the same names.
namespace loading {

// A value as it may appear in a message: shown with visible() (dsl/source/visible_text.hpp: control and
// bidi characters as \x1b and \u202e, ill-formed UTF-8 bytes as \xE9), long values cut.
std::string printable(std::string_view text);
// printable() between single quotes.
std::string single_quoted(std::string_view text);
// A record as read without its line end (LF, CRLF), as rejections keep it.
std::string_view without_line_end(std::string_view record);

// Whether every byte of `text` is ASCII from 0x20 (space) up: valid UTF-8, no NUL, no control
// character. Eight bytes at a time: it runs for the text cells of records not known to be plain
// as a whole, and for whole records with quoted fields.
inline bool is_plain_ascii(std::string_view text) {
  const char* at = text.data();
  const char* end = at + text.size();
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  while (end - at >= 8) {
    std::uint64_t chunk = 0;
    std::memcpy(&chunk, at, 8);
    // A byte below 0x20 or at/above 0x7F flags: (chunk - 0x20 per byte) borrows into the high bit
    // for bytes below 0x20, and the high bit is set already for bytes of 0x80 and above.
    if (((chunk - kOnes * 0x20) | chunk) & kHighBits) return false;
    at += 8;
  }
  for (; at < end; ++at) {
    const auto byte = static_cast<unsigned char>(*at);
    if (byte < 0x20 || byte >= 0x80) return false;
  }
  return true;
}

// How a rejection names a key that an earlier accepted row already has: the key's columns
// ("dwelling_id, snapshot_date"), its values as one text, and the reason, which names the line
// of the first row. The same whether the key is checked per record or when chunks are joined.
struct DuplicateKey {
  std::string columns;
  std::string values;
  std::string reason;
  RejectionReason why;
};
DuplicateKey describe_duplicate_key(const std::vector<std::string>& names, const std::vector<std::string>& values,
                                    std::uint64_t first_line);
// "a, b, c"
using toets::text::join;  // dsl/source/text.hpp
// Levenshtein distance small for the length: for "did you mean".
bool looks_like_misspelling(std::string_view a, std::string_view b);
// The schema column whose name `name` looks like a misspelling of, if any.
std::optional<std::string> closest_column(const DatasetSchema& schema, std::string_view name);

// A whole file's bytes, as they were when it was opened: the size fstat gave then, and no more. A
// regular file is mapped read-only: no copy, and release_before() gives the pages a reader has
// passed back to the system, so loading a file costs memory for what is loaded, not for the file.
// Only regular files (dsl/source/regular_file.hpp): a pipe or device is refused when opened.
//
// A mapped file that another process truncates while it is read would end the process with
// SIGBUS; a handler (installed with the first mapping, where nothing else handles SIGBUS) says
// which file (of those mapped at the time, the one whose page could not be read) and exits with
// status 2 instead (docs/robustness.md).
class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(FileBytes&& other) noexcept;
  FileBytes& operator=(FileBytes&& other) noexcept;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes();

  std::string_view view() const { return std::string_view(data_, size_); }
  // Drops the whole pages before `until` (a position in view()) from memory; they stay readable
  // (read again from the file when touched). Nothing for bytes that were read, not mapped.
  void release_before(const char* until) const;
  // Whether the file was written since it was opened (another size or modification time, asked
  // of the open descriptor): bytes read then may be part old, part new, and must not be taken
  // for one state of the file.
  bool changed_since_opened() const;

 private:
  friend FileBytes read_whole_file(const std::string& path);
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;
  int mapped_slot_ = -1;            // the SIGBUS handler's record of the mapping (file_bytes.cpp)
  std::unique_ptr<char[]> buffer_;  // when read
  std::optional<OpenedFile> file_;  // kept open to ask whether it changed
};

// Throws DataFileError ("path: cannot open: reason", "path: cannot read: it is a named pipe (FIFO),
// not a regular file"). Opens the file once and asks its size once.
FileBytes read_whole_file(const std::string& path);
// Throws DataFileError when the file changed while it was read (FileBytes::changed_since_opened):
// what was read may be part old, part new (a half-written last row), and is not one file.
void require_unchanged(const FileBytes& file, const std::string& path);

// Why `text` is not a canonical value of `column` (data-format.md: 612.35, 2026-03-31, true, an
// enum value as listed, UTF-8 text), or nullopt when it is one. For the targets of a mapping.
std::optional<std::string> canonical_value_problem(const ColumnSchema& column, std::string_view text);

}  // namespace loading

// ---------------------------------------------------------------------------------------------
// RecordBuilder

// Where a cell's text came from: JSON numbers and booleans are canonical tokens, read as such
// whatever the dialect.
enum class CellOrigin : std::uint8_t { Text, JsonNumber, JsonBool };

// The rows of a unique key by value, open addressing over row numbers: the values themselves stay
// in the columns, so inserting a row costs no allocation beyond the table's growth. Slots are eight
// bytes (the hash's low half and the row) to halve cache misses. The table is at most two thirds
// full and of any size, not a power of two: a million rows take 12 MB instead of 16 (fresh memory
// is a large part of a load's time, each page zeroed when first written). A slot's place is its
// hash's low half scaled to the table (multiply and shift), so that it can be placed again from
// what the slot keeps when the table grows.
class KeyRowIndex {
 public:
  // The probe of a big table misses the cache; starting the load early hides most of that.
  // Unconditional on purpose: g++ 12 drops a __builtin_prefetch that is alone in a branch (an
  // `if (!slots_.empty())` here left no prefetch in the binary). An empty table's home is 0 and
  // its data() null: a prefetch never faults.
  void prefetch(std::uint64_t hash) const {
    __builtin_prefetch(slots_.data() + home(static_cast<std::uint32_t>(hash)));
  }

  template <typename Matches>
  std::optional<std::size_t> find(std::uint64_t hash, Matches&& matches) const {
    if (slots_.empty() || surely_absent(hash)) return std::nullopt;
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t at = home(tag);; at = next(at)) {
      const Slot& slot = slots_[at];
      if (slot.row_plus_one == 0) return std::nullopt;
      if (slot.tag == tag && matches(std::size_t{slot.row_plus_one} - 1)) return slot.row_plus_one - 1;
    }
  }

  // find(), and when no row matches, insert(hash, row) in the empty slot where the probe ended:
  // one probe instead of two. `row` < kMaxRowsPerFile.
  template <typename Matches>
  std::optional<std::size_t> find_or_insert(std::uint64_t hash, std::size_t row, Matches&& matches) {
    if (full()) grow();
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t at = home(tag);; at = next(at)) {
      Slot& slot = slots_[at];
      if (slot.row_plus_one == 0) {
        slot = Slot{tag, static_cast<std::uint32_t>(row + 1)};
        note_in_filter(hash);
        ++used_;
        return std::nullopt;
      }
      if (slot.tag == tag && matches(std::size_t{slot.row_plus_one} - 1)) return slot.row_plus_one - 1;
    }
  }

  // Room for `rows` rows without growing (growing rehashes every row, and holds both tables).
  void reserve(std::size_t rows) {
    const std::size_t size = std::max<std::size_t>(kMinSlots, rows + rows / 2 + 1);
    if (size > slots_.size()) resize(size);
  }

  std::size_t size() const { return used_; }

  // Up to this many rows, find() answers most keys absent from a filter in one load (below).
  static constexpr std::size_t kFilteredRows = 4096;

  // `row` < kMaxRowsPerFile: loaders refuse bigger files.
  void insert(std::uint64_t hash, std::size_t row) {
    if (full()) grow();
    place(Slot{static_cast<std::uint32_t>(hash), static_cast<std::uint32_t>(row + 1)});
    note_in_filter(hash);
    ++used_;
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t row_plus_one = 0;  // 0: empty
  };
  static constexpr std::size_t kMinSlots = 1024;

  // A key looked for among few rows (the rows before a run, ChunkedLoad::check_keys) is nearly
  // always absent, and a probe that finds an empty slot takes a few branches no one can predict:
  // a bit per value of the hash's top 15 bits says "absent" in one load, while the table holds
  // few enough rows for most bits to be clear (at 4,096 rows, 12% are set).
  static constexpr std::size_t kFilterBits = 1 << 15;
  static std::size_t filter_bit(std::uint64_t hash) { return static_cast<std::size_t>(hash >> 49); }
  bool surely_absent(std::uint64_t hash) const {
    const std::size_t bit = filter_bit(hash);
    return used_ <= kFilteredRows && ((filter_[bit / 64] >> (bit % 64)) & 1) == 0;
  }
  void note_in_filter(std::uint64_t hash) {
    const std::size_t bit = filter_bit(hash);
    filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }

  std::size_t home(std::uint32_t tag) const {
    return static_cast<std::size_t>((std::uint64_t{tag} * slots_.size()) >> 32);
  }
  std::size_t next(std::size_t at) const { return at + 1 == slots_.size() ? 0 : at + 1; }
  // Two thirds full: a probe then looks at a few neighbouring slots, in one or two cache lines.
  bool full() const { return (used_ + 1) * 3 > slots_.size() * 2; }

  void place(const Slot& entry) {
    std::size_t at = home(entry.tag);
    while (slots_[at].row_plus_one != 0) at = next(at);
    slots_[at] = entry;
  }

  void grow() { resize(slots_.empty() ? kMinSlots : slots_.size() * 2); }

  void resize(std::size_t size) {
    std::vector<Slot> old = std::move(slots_);
    slots_.clear();
    slots_.reserve(size);
    advise_huge_pages(slots_.data(), size * sizeof(Slot));
    slots_.resize(size);
    for (const Slot& slot : old) {
      if (slot.row_plus_one != 0) place(slot);
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  std::array<std::uint64_t, kFilterBits / 64> filter_{};
};

// How a RecordBuilder treats unique keys (a unique column, stock's (dwelling_id, snapshot_date)).
//  Immediate: a record repeating an accepted record's key is rejected at once.
//  Deferred:  keys are not checked; for each accepted row the builder keeps each key's hash and
//             the record's text (deferred_keys()), so a loader that reads a file in chunks on
//             several threads can check the keys across chunks when it joins them, in file order.
enum class KeyCheck : std::uint8_t { Immediate, Deferred };

// Per accepted row of a Deferred builder: the hash of each key's value (kNoKeyValue when an
// optional key column was empty: no value to repeat), row-major, and the record as read.
struct DeferredKeys {
  static constexpr std::uint64_t kNoKeyValue = 0;
  std::size_t key_count = 0;
  std::vector<std::uint64_t> hashes;     // rows * key_count
  std::vector<std::string_view> records;  // views into the text being read
};

// The hash a key column's cell contributes to its key: of the text for text columns, of the
// checked value for the others. Shared by RecordBuilder and the loaders that check keys later.
std::uint64_t key_cell_hash(ValueType type, std::string_view text, std::int64_t value);
// The hash of a key from its cells' hashes, never DeferredKeys::kNoKeyValue.
std::uint64_t combine_key_hashes(const std::uint64_t* cell_hashes, std::size_t count);

// Well-formed records whose cells are views into the text (split by the CSV reader, no doubled
// quotes, no value maps) gathered column by column, so that RecordBuilder::finish_batch checks
// and stores each column's cells in a loop of their own instead of switching on the column's type
// cell after cell: a load's hottest work. `ascii` marks the records whose text cells need no look.
struct RecordBatch {
  static constexpr std::size_t kRows = 256;
  // One spare column more: where a reader may put a field no column reads.
  explicit RecordBatch(std::size_t columns) : texts((columns + 1) * kRows) {}
  bool full() const { return rows == kRows; }
  // Where record `row`'s cell of `column` goes (an empty text: a missing cell).
  std::string_view& text(std::size_t column, std::size_t row) { return texts[column * kRows + row]; }
  std::string_view text(std::size_t column, std::size_t row) const { return texts[column * kRows + row]; }

  std::size_t rows = 0;
  std::vector<std::string_view> texts;  // column-major: a column's kRows cells side by side
  std::array<std::uint64_t, kRows> lines{};
  std::array<std::string_view, kRows> records{};
  // Whether the record is all printable ASCII: its text cells then need no look (a € sign in an
  // amount is not: its text cells are checked one by one).
  std::array<bool, kRows> ascii{};
};

// The cells RecordBuilder's fast path can accept, per column (record_builder.cpp).
enum class FastKind : std::uint8_t { None, Text, RawId, Enum, Bool, Int, MoneyPoint, MoneyComma, Date };

// Validates one record at a time into a scratch row and appends it to `out.data` only when every
// cell is valid and no unique key is repeated; otherwise records one rejection (the first problem
// in schema order) in `out.report`. Counts rows read, accepted and rejected. Allocates nothing per
// accepted row beyond the columns' own growth. Not thread-safe; one per load (or per worker, reused
// from chunk to chunk with restart()). The CSV reader hands it well-formed records a batch at a time
// (finish_batch), with the same outcome as one at a time.
class RecordBuilder {
 public:
  RecordBuilder(const DatasetSchema& schema, const ValueForms& forms, LoadedDataset& out,
                KeyCheck keys = KeyCheck::Immediate);
  RecordBuilder(const RecordBuilder&) = delete;
  RecordBuilder& operator=(const RecordBuilder&) = delete;
  ~RecordBuilder();

  // How the file names a column (when not its canonical name), for messages; and the values to
  // translate before reading (may be null). Call before the first record.
  void describe_column(std::uint32_t column, std::string file_name, const ValueMap* values);
  void reserve(std::size_t rows);

  // One record: start(), set() the cells the record has (the others are missing), finish().
  void start();
  // The record as a whole is printable ASCII (the CSV reader knows it from splitting): its text
  // cells need no check of their own. Stays as set until set again.
  void set_record_plain(bool plain) { record_plain_ = plain; }
  void set(std::uint32_t column, std::string_view text, CellOrigin origin = CellOrigin::Text) {
    cells_[column].text = text;
    cells_[column].origin = origin;
  }
  // `record` is the record as read, kept with a rejection. True when accepted.
  bool finish(std::uint64_t line, std::string_view record);
  // Every record of `batch` in order, with the outcome finish() gives each (start/set/finish
  // are not needed); empties the batch. Records the column loops cannot accept as they are go
  // through finish() one by one, which says why.
  void finish_batch(RecordBatch& batch);
  // A record the reader itself could not split into cells (wrong field count, bad quoting, not
  // valid JSON): counted as read and rejected.
  void reject_record(std::uint64_t line, std::string column, std::string_view value, RejectionReason why,
                     std::string_view record);
  // The same with a reason that is only a sentence (kind Other; shown as written in every report
  // language): prefer a RejectionReason.
  void reject_record(std::uint64_t line, std::string column, std::string_view value, std::string reason,
                     std::string_view record);

  // For the next part of a file, into the same `out` after the caller cleared it: forgets the
  // deferred keys and what the dictionaries held, keeping every buffer's capacity.
  void restart();

  std::size_t row_count() const;
  const ValueForms& forms() const { return forms_; }
  // The keys of the accepted rows, for a Deferred builder (empty for an Immediate one).
  const DeferredKeys& deferred_keys() const { return deferred_; }

 private:
  struct Plan;
  struct Key;

  bool problem(RejectionReason why);
  bool within_range(const Plan& plan, std::int64_t value);
  bool fast_cell(Plan& plan, std::string_view text, std::int64_t& number) const;
  bool export_cell(const Plan& plan, std::string_view text, std::int64_t& number) const;
  template <FastKind kKind>
  bool fast_cell_as(Plan& plan, std::string_view text, std::int64_t& number) const;
  struct Cell;
  bool validate_cell(Plan& plan, Cell& cell, std::size_t c);
  bool validate_typed(std::size_t c, std::string_view text);
  void note_key_cell(std::size_t c, std::string_view text);
  std::uint64_t key_hash(const Key& key) const;
  std::optional<std::size_t> find_earlier(const Key& key, std::uint64_t hash) const;
  void append_row(std::uint64_t line);
  void append_batch_rows(const RecordBatch& batch, std::size_t first, std::size_t end);
  [[noreturn]] void raw_text_too_long(const ColumnSchema& column) const;
  std::int32_t dictionary_code(Plan& plan, std::string_view text);
  void add_file_name(std::size_t c, RejectionReason& why) const;
  RejectionReason invalid_utf8_reason(std::string_view text) const;

  const DatasetSchema& schema_;
  ValueForms forms_;
  LoadedDataset& out_;
  KeyCheck key_check_;
  DeferredKeys deferred_;
  std::vector<Plan> plans_;
  std::vector<Key> keys_;

  // The scratch row, reused: each column's text, where it came from, and its checked value.
  struct Cell {
    std::string_view text;
    std::string_view original;  // before a value map (mapped columns only), for messages
    std::int64_t number = 0;    // the checked value
    std::uint64_t hash = 0;     // of a key column's value
    CellOrigin origin = CellOrigin::Text;
  };
  std::vector<Cell> cells_;
  std::vector<std::int64_t> batch_numbers_;  // finish_batch's checked values, column-major
  RejectionReason problem_;
  bool record_plain_ = false;
};

}  // namespace toets
