// Column blocks (docs/store.md, *Column blocks*): a kind's current rows kept, beside the rows table,
// in the form the engine holds them (engine/dataset.hpp), one BLOB per column. A check copies them
// into its columns with one memcpy each instead of stepping through millions of rows and parsing
// every cell; that makes `check --db` about as fast as reading the CSV files (docs/performance.md).
//
// A block is valid for one state of its kind (state_sha256 over the imports since the last replace,
// engine/store_layout.cpp): any import, by this toets or an older one, changes the state, and a
// check then reads the rows table as before. So the blocks are a cache the rows table can always
// rebuild, never a second truth.
//
// A block: a 24-byte header (magic "TCB1", byte order mark, storage, row count), then the payload:
//   cents   int64 per row                     values  int32 per row     bytes  uint8 per row
//   dictionary  int32 code per row, uint64 value count, uint64 offsets (count + 1), the text
//   raw     uint64 offsets (rows + 1), the text
// Native byte order; a store moved to a machine of the other order reads its rows table.

#include <sqlite3.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "engine/sqlite_statement.hpp"
#include "engine/store.hpp"
#include "engine/store_internal.hpp"

namespace toets::store_internal {

namespace {

using sqlite::exec;
using sqlite::Statement;

constexpr std::uint32_t kByteOrderMark = 0x01020304;
constexpr std::size_t kHeaderBytes = 24;

enum class Storage : std::uint32_t { Cents = 1, Values = 2, Bytes = 3, Dictionary = 4, Raw = 5, Lines = 6 };

Storage storage_of(const ColumnData& column) {
  if (column.type == ValueType::Money) return Storage::Cents;
  if (column.type == ValueType::Text) {
    return column.text_storage == TextStorage::Raw ? Storage::Raw : Storage::Dictionary;
  }
  return column.narrow ? Storage::Bytes : Storage::Values;
}

class BlockWriter {
 public:
  BlockWriter(Storage storage, std::uint64_t rows) {
    bytes_.reserve(kHeaderBytes + rows * 8);
    bytes_.append("TCB1", 4);
    put(kByteOrderMark);
    put(static_cast<std::uint32_t>(storage));
    put(std::uint32_t{0});
    put(rows);
  }
  template <typename T>
  void put(const T& value) {
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void put_bytes(const void* data, std::size_t size) { bytes_.append(static_cast<const char*>(data), size); }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// A column's rows (those in `rows`, in that order) as a block. Dictionary codes are renumbered in
// order of first appearance among these rows, as reading the rows table would number them.
std::string column_block(const ColumnData& column, const std::vector<std::uint32_t>& rows) {
  const Storage storage = storage_of(column);
  BlockWriter out(storage, rows.size());
  switch (storage) {
    case Storage::Cents:
      for (const std::uint32_t row : rows) out.put(column.cents[row]);
      break;
    case Storage::Values:
      for (const std::uint32_t row : rows) out.put(column.values[row]);
      break;
    case Storage::Bytes:
      for (const std::uint32_t row : rows) out.put(column.bytes[row]);
      break;
    case Storage::Raw: {
      std::uint64_t offset = 0;
      out.put(offset);
      for (const std::uint32_t row : rows) out.put(offset += column.raw_text(row).size());
      for (const std::uint32_t row : rows) {
        const std::string_view text = column.raw_text(row);
        out.put_bytes(text.data(), text.size());
      }
      break;
    }
    case Storage::Dictionary: {
      std::vector<std::int32_t> renumbered(column.dictionary.size(), -1);
      std::vector<std::int32_t> order;  // old codes in order of first appearance
      for (const std::uint32_t row : rows) {
        const std::int32_t code = column.values[row];
        if (code == kNull32) {
          out.put(kNull32);
          continue;
        }
        std::int32_t& now = renumbered[static_cast<std::size_t>(code)];
        if (now < 0) {
          now = static_cast<std::int32_t>(order.size());
          order.push_back(code);
        }
        out.put(now);
      }
      out.put(static_cast<std::uint64_t>(order.size()));
      std::uint64_t offset = 0;
      out.put(offset);
      for (const std::int32_t code : order) out.put(offset += column.dictionary.value(code).size());
      for (const std::int32_t code : order) out.put_bytes(column.dictionary.value(code).data(), column.dictionary.value(code).size());
      break;
    }
    case Storage::Lines: break;
  }
  return out.bytes();
}

// Reads a block's parts, refusing anything that is not exactly as written.
class BlockReader {
 public:
  BlockReader(const void* data, std::size_t size, const std::string& where)
      : at_(static_cast<const char*>(data)), end_(at_ + size), where_(where) {}
  // The header; false when it was written on a machine of the other byte order.
  bool header(Storage storage, std::uint64_t rows) {
    if (end_ - at_ < static_cast<std::ptrdiff_t>(kHeaderBytes) || std::memcmp(at_, "TCB1", 4) != 0) damaged("header");
    at_ += 4;
    if (get<std::uint32_t>() != kByteOrderMark) return false;
    if (get<std::uint32_t>() != static_cast<std::uint32_t>(storage)) damaged("storage");
    get<std::uint32_t>();
    if (get<std::uint64_t>() != rows) damaged("row count");
    return true;
  }
  template <typename T>
  T get() {
    T value{};
    take(&value, sizeof value);
    return value;
  }
  template <typename T>
  void get_array(std::vector<T>& out, std::uint64_t count) {
    if (count > static_cast<std::uint64_t>(end_ - at_) / sizeof(T)) damaged("size");
    out.resize(count);
    take(out.data(), count * sizeof(T));
  }
  std::string_view get_text(std::uint64_t size) {
    if (size > static_cast<std::uint64_t>(end_ - at_)) damaged("text");
    const std::string_view text(at_, size);
    at_ += size;
    return text;
  }
  void finish() const {
    if (at_ != end_) damaged("length");
  }
  [[noreturn]] void damaged(const char* what) const {
    throw StoreError(where_ + ": a column block does not read back as written (" + what +
                     "): the store is damaged or was changed outside toets; restore the store from a backup");
  }

 private:
  void take(void* out, std::size_t size) {
    if (size > static_cast<std::size_t>(end_ - at_)) damaged("size");
    if (size > 0) std::memcpy(out, at_, size);
    at_ += size;
  }
  const char* at_;
  const char* end_;
  const std::string& where_;
};

// Offsets of text: rows + 1 of them, from 0, never falling, ending at the text's size.
void check_offsets(const std::vector<std::uint64_t>& offsets, const BlockReader& reader) {
  if (offsets.empty() || offsets.front() != 0) reader.damaged("offsets");
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) reader.damaged("offsets");
  }
}

// Fills `column` from its block; false for a block of the other byte order.
bool read_column(BlockReader& reader, ColumnData& column, std::uint64_t rows) {
  const Storage storage = storage_of(column);
  if (!reader.header(storage, rows)) return false;
  switch (storage) {
    case Storage::Cents: reader.get_array(column.cents, rows); break;
    case Storage::Values: reader.get_array(column.values, rows); break;
    case Storage::Bytes: reader.get_array(column.bytes, rows); break;
    case Storage::Raw: {
      reader.get_array(column.raw_offsets, rows + 1);
      check_offsets(column.raw_offsets, reader);
      column.raw.assign(reader.get_text(column.raw_offsets.back()));
      break;
    }
    case Storage::Dictionary: {
      reader.get_array(column.values, rows);
      const auto count = reader.get<std::uint64_t>();
      std::vector<std::uint64_t> offsets;
      reader.get_array(offsets, count + 1);
      check_offsets(offsets, reader);
      const std::string_view text = reader.get_text(offsets.back());
      for (std::uint64_t i = 0; i < count; ++i) {
        if (column.dictionary.intern(text.substr(offsets[i], offsets[i + 1] - offsets[i])) != static_cast<std::int32_t>(i)) {
          reader.damaged("a dictionary value twice");
        }
      }
      for (const std::int32_t code : column.values) {
        if (code != kNull32 && (code < 0 || static_cast<std::uint64_t>(code) >= count)) reader.damaged("code");
      }
      break;
    }
    case Storage::Lines: break;
  }
  reader.finish();
  return true;
}

}  // namespace

void write_column_blocks(sqlite3* db, const std::string& file, const Dataset& data,
                         const std::vector<std::uint32_t>& rows, const std::vector<std::uint32_t>& lines,
                         const std::string& state) {
  const DatasetSchema& schema = data.schema();
  {
    Statement drop(db, file, "DELETE FROM column_blocks WHERE kind = ?1");
    drop.bind(1, std::string_view(schema.name));
    drop.run();
  }
  std::vector<std::pair<std::string, std::string>> blocks;
  {
    BlockWriter out(Storage::Lines, lines.size());
    out.put_bytes(lines.data(), lines.size() * sizeof(std::uint32_t));
    blocks.emplace_back("lines", out.bytes());
  }
  for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
    blocks.emplace_back("column " + schema.columns[c].name, column_block(data.column(c), rows));
  }
  // A column too big for one BLOB: the kind is read from its rows table.
  const auto limit = static_cast<std::size_t>(sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1));
  for (const auto& block : blocks) {
    if (block.second.size() >= limit) return;
  }
  Statement insert(db, file,
                   "INSERT INTO column_blocks (kind, part, state_sha256, row_count, data) VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const auto& [part, bytes] : blocks) {
    insert.bind(1, std::string_view(schema.name));
    insert.bind(2, std::string_view(part));
    insert.bind(3, std::string_view(state));
    insert.bind(4, static_cast<std::int64_t>(rows.size()));
    insert.bind_blob(5, bytes.data(), bytes.size());
    insert.run();
  }
}

std::optional<Dataset> read_column_blocks(sqlite3* db, const std::string& file, const DatasetSchema& schema,
                                          const std::string& state, std::uint64_t live_rows) {
  if (!has_table(db, file, "column_blocks")) return std::nullopt;
  Statement select(db, file,
                   "SELECT part, state_sha256, row_count, data FROM column_blocks WHERE kind = ?1 AND part = ?2");
  const std::string where = file + " (store, " + schema.name + ")";
  // One part: whether it is there for this state, and its bytes read by `use`.
  const auto read_part = [&](const std::string& part, const auto& use) {
    select.bind(1, std::string_view(schema.name));
    select.bind(2, std::string_view(part));
    bool found = select.step() && select.text(1) == state && static_cast<std::uint64_t>(select.integer(2)) == live_rows;
    if (found) {
      BlockReader reader(select.blob(3), static_cast<std::size_t>(select.blob_size(3)), where);
      found = use(reader);
    }
    select.reset();
    return found;
  };

  Dataset data(schema);
  std::vector<std::uint32_t> lines;
  const bool have_lines = read_part("lines", [&](BlockReader& reader) {
    if (!reader.header(Storage::Lines, live_rows)) return false;
    reader.get_array(lines, live_rows);
    reader.finish();
    return true;
  });
  if (!have_lines) return std::nullopt;
  for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
    const bool read = read_part("column " + schema.columns[c].name, [&](BlockReader& reader) {
      return read_column(reader, data.column(c), live_rows);
    });
    if (!read) return std::nullopt;
  }
  data.reserve(lines.size());
  for (const std::uint32_t line : lines) data.commit_row(line);
  return data;
}

}  // namespace toets::store_internal
