// Column blocks (docs/store.md, *Column blocks*): a kind's current rows kept, beside the rows table,
// in the form the engine holds them (engine/data/dataset.hpp), one BLOB per column. A check copies them
// into its columns with one memcpy each instead of stepping through millions of rows and parsing
// every cell; that makes `check --db` about as fast as reading the CSV files (docs/performance.md).
//
// A block is valid for one state of its kind (state_sha256 over the imports since the last replace,
// engine/store/store_layout.cpp): any import, by this toets or an older one, changes the state, and a
// check then reads the rows table as before. So the blocks are a cache the rows table can always
// rebuild, never a second truth.
//
// A block: a 24-byte header (magic "TCB2", byte order mark, storage, row count), then the payload,
// every array of integers packed (put_packed): as narrow as its values allow, so that the
// blocks add a quarter, not half, to the store's size:
//   cents, values, bytes, lines   the column's values, one per row
//   dictionary  a code per row, then the value count, each value's length and the text
//   raw         each row's length, then the text
// Native byte order; a store moved to a machine of the other order reads its rows table.

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "engine/store/sqlite_statement.hpp"
#include "engine/store/store.hpp"
#include "engine/store/store_internal.hpp"

namespace toets::store_internal {

namespace {
using namespace store_internal;

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

struct BlockTooBig {};

class BlockWriter {
 public:
  BlockWriter(Storage storage, std::uint64_t rows) {
    bytes_.reserve(kHeaderBytes + rows * 8);
    bytes_.append("TCB2", 4);
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


// Arrays of integers packed as narrow as their values allow: a width byte (1, 2, 4 or 8) and the
// values in that width, or width 0 and a start value for a run start, start + 1, ... (the lines of a
// first import). The null sentinel of the column's type (kNull32, kNull64) becomes the narrow
// type's minimum, which no packed value may then use. Unpacking is a widening loop, not parsing.
template <typename Wide>
bool fits(const std::vector<Wide>& values, std::int64_t low, std::int64_t high, Wide null) {
  for (const Wide value : values) {
    if (value == null) continue;
    if (static_cast<std::int64_t>(value) <= low || static_cast<std::int64_t>(value) > high) return false;
  }
  return true;
}

template <typename Narrow, typename Wide>
void put_narrow(BlockWriter& out, const std::vector<Wide>& values, Wide null) {
  std::vector<Narrow> narrow(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    narrow[i] = values[i] == null ? std::numeric_limits<Narrow>::min() : static_cast<Narrow>(values[i]);
  }
  out.put_bytes(narrow.data(), narrow.size() * sizeof(Narrow));
}

template <typename Wide>
void put_packed(BlockWriter& out, const std::vector<Wide>& values, Wide null) {
  bool run = !values.empty() && values.front() != null;
  for (std::size_t i = 1; run && i < values.size(); ++i) run = values[i] == values[0] + static_cast<Wide>(i);
  if (run) {
    out.put(std::uint8_t{0});
    out.put(static_cast<std::int64_t>(values.front()));
  } else if (fits(values, std::numeric_limits<std::int8_t>::min(), std::numeric_limits<std::int8_t>::max(), null)) {
    out.put(std::uint8_t{1});
    put_narrow<std::int8_t>(out, values, null);
  } else if (fits(values, std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int16_t>::max(), null)) {
    out.put(std::uint8_t{2});
    put_narrow<std::int16_t>(out, values, null);
  } else if (sizeof(Wide) > 4 &&
             fits(values, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max(), null)) {
    out.put(std::uint8_t{4});
    put_narrow<std::int32_t>(out, values, null);
  } else {
    out.put(static_cast<std::uint8_t>(sizeof(Wide)));
    out.put_bytes(values.data(), values.size() * sizeof(Wide));
  }
}

// A column's rows (those in `rows`, in that order) as a block. Dictionary codes are renumbered in
// order of first appearance among these rows, as reading the rows table would number them.
std::string column_block(const ColumnData& column, const std::vector<std::uint32_t>& rows) {
  const Storage storage = storage_of(column);
  BlockWriter out(storage, rows.size());
  const auto gather = [&](const auto& from) {
    std::vector<std::remove_cvref_t<decltype(from[0])>> picked(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) picked[i] = from[rows[i]];
    return picked;
  };
  switch (storage) {
    case Storage::Cents: put_packed(out, gather(column.cents), kNull64); break;
    case Storage::Values: put_packed(out, gather(column.values), kNull32); break;
    case Storage::Bytes: {
      const std::vector<std::uint8_t> bytes = gather(column.bytes);
      out.put_bytes(bytes.data(), bytes.size());
      break;
    }
    case Storage::Raw: {
      std::vector<std::int64_t> lengths(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) lengths[i] = static_cast<std::int64_t>(column.raw_text(rows[i]).size());
      put_packed(out, lengths, kNull64);
      for (const std::uint32_t row : rows) {
        const std::string_view text = column.raw_text(row);
        out.put_bytes(text.data(), text.size());
      }
      break;
    }
    case Storage::Dictionary: {
      std::vector<std::int32_t> renumbered(column.dictionary.size(), -1);
      std::vector<std::int32_t> order;  // old codes in order of first appearance
      std::vector<std::int32_t> codes(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::int32_t code = column.values[rows[i]];
        if (code == kNull32) {
          codes[i] = kNull32;
          continue;
        }
        std::int32_t& now = renumbered[static_cast<std::size_t>(code)];
        if (now < 0) {
          now = static_cast<std::int32_t>(order.size());
          order.push_back(code);
        }
        codes[i] = now;
      }
      put_packed(out, codes, kNull32);
      out.put(static_cast<std::uint64_t>(order.size()));
      std::vector<std::int64_t> lengths(order.size());
      for (std::size_t i = 0; i < order.size(); ++i) lengths[i] = static_cast<std::int64_t>(column.dictionary.value(order[i]).size());
      put_packed(out, lengths, kNull64);
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
    if (end_ - at_ < static_cast<std::ptrdiff_t>(kHeaderBytes) || std::memcmp(at_, "TCB2", 4) != 0) damaged("header");
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
  // An array packed by put_packed, widened into `out`.
  template <typename Wide>
  void get_packed(std::vector<Wide>& out, std::uint64_t count, Wide null) {
    const auto width = get<std::uint8_t>();
    if (width == 0) {
      const auto start = get<std::int64_t>();
      out.resize(count);
      for (std::uint64_t i = 0; i < count; ++i) out[i] = static_cast<Wide>(start + static_cast<std::int64_t>(i));
    } else if (width == 1) {
      widen<std::int8_t>(out, count, null);
    } else if (width == 2) {
      widen<std::int16_t>(out, count, null);
    } else if (width == 4 && sizeof(Wide) > 4) {
      widen<std::int32_t>(out, count, null);
    } else if (width == sizeof(Wide)) {
      get_array(out, count);
    } else {
      damaged("width");
    }
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
  [[noreturn]] void too_large(const char* what) const { throw StoreError(where_ + ": " + what); }
  [[noreturn]] void damaged(const char* what) const {
    throw StoreError(where_ + ": a column block does not read back as written (" + what +
                     "): the store is damaged or was changed outside toets; restore the store from a backup");
  }

 private:
  template <typename Narrow, typename Wide>
  void widen(std::vector<Wide>& out, std::uint64_t count, Wide null) {
    std::vector<Narrow> narrow;
    get_array(narrow, count);
    out.resize(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      out[i] = narrow[i] == std::numeric_limits<Narrow>::min() ? null : static_cast<Wide>(narrow[i]);
    }
  }
  void take(void* out, std::size_t size) {
    if (size > static_cast<std::size_t>(end_ - at_)) damaged("size");
    if (size > 0) std::memcpy(out, at_, size);
    at_ += size;
  }
  const char* at_;
  const char* end_;
  const std::string& where_;
};

// Offsets (count + 1, from 0) from packed lengths, none negative.
std::vector<std::uint64_t> read_offsets(BlockReader& reader, std::uint64_t count) {
  std::vector<std::int64_t> lengths;
  reader.get_packed(lengths, count, kNull64);
  std::vector<std::uint64_t> offsets(count + 1, 0);
  for (std::uint64_t i = 0; i < count; ++i) {
    if (lengths[i] < 0) reader.damaged("length");
    offsets[i + 1] = offsets[i] + static_cast<std::uint64_t>(lengths[i]);
  }
  return offsets;
}

// Fills `column` from its block; false for a block of the other byte order.
bool read_column(BlockReader& reader, ColumnData& column, std::uint64_t rows) {
  const Storage storage = storage_of(column);
  if (!reader.header(storage, rows)) return false;
  switch (storage) {
    case Storage::Cents: reader.get_packed(column.cents, rows, kNull64); break;
    case Storage::Values: reader.get_packed(column.values, rows, kNull32); break;
    case Storage::Bytes: reader.get_array(column.bytes, rows); break;
    case Storage::Raw: {
      const std::vector<std::uint64_t> offsets = read_offsets(reader, rows);
      if (offsets.back() > kMaxRawTextBytes) {
        reader.too_large("the ids of a column take more than 4 GiB together, more than a check can hold");
      }
      column.raw_offsets.assign(offsets.begin(), offsets.end());
      column.raw.assign(reader.get_text(offsets.back()));
      break;
    }
    case Storage::Dictionary: {
      reader.get_packed(column.values, rows, kNull32);
      const auto count = reader.get<std::uint64_t>();
      if (count > rows) reader.damaged("value count");
      const std::vector<std::uint64_t> offsets = read_offsets(reader, count);
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

// An UPDATE, INSERT or DELETE on a kind's rows by anyone but toets's own import (sqlite3, an older
// toets) drops the kind's blocks, so that a check reads the rows as they now are.
void drop_edit_triggers(sqlite3* db, const std::string& file, const DatasetSchema& schema) {
  for (const char* event : {"insert", "update", "delete"}) {
    const std::string sql = "DROP TRIGGER IF EXISTS " + quote_identifier(schema.name + "_" + event + "_drops_blocks");
    exec(db, file, sql.c_str());
  }
}

void create_edit_triggers(sqlite3* db, const std::string& file, const DatasetSchema& schema) {
  for (const char* event : {"INSERT", "UPDATE", "DELETE"}) {
    std::string name = schema.name + "_" + event + "_drops_blocks";
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string kind_literal = "'";
    for (const char c : schema.name) kind_literal += c == '\'' ? std::string("''") : std::string(1, c);
    kind_literal += "'";
    const std::string sql = "CREATE TRIGGER IF NOT EXISTS " + quote_identifier(name) + " AFTER " + event + " ON " +
                            quote_identifier(schema.name) + " BEGIN DELETE FROM column_blocks WHERE kind = " +
                            kind_literal + "; END";
    exec(db, file, sql.c_str());
  }
}

void write_column_blocks(sqlite3* db, const std::string& file, const Dataset& data,
                         const std::vector<std::uint32_t>& rows, const std::vector<std::uint32_t>& lines,
                         const std::string& state) {
  const DatasetSchema& schema = data.schema();
  {
    Statement drop(db, file, "DELETE FROM column_blocks WHERE kind = ?1");
    drop.bind(1, std::string_view(schema.name));
    drop.run();
  }
  // One block at a time: a national kind's blocks are a hundred MB together.
  const auto limit = static_cast<std::size_t>(sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1));
  Statement insert(db, file,
                   "INSERT INTO column_blocks (kind, part, state_sha256, row_count, data) VALUES (?1, ?2, ?3, ?4, ?5)");
  const auto write = [&](const std::string& part, const std::string& bytes) {
    // A column too big for one BLOB: the kind is read from its rows table (no blocks at all).
    if (bytes.size() >= limit) throw BlockTooBig{};
    insert.bind(1, std::string_view(schema.name));
    insert.bind(2, std::string_view(part));
    insert.bind(3, std::string_view(state));
    insert.bind(4, static_cast<std::int64_t>(rows.size()));
    insert.bind_blob(5, bytes.data(), bytes.size());
    insert.run();
  };
  try {
    BlockWriter out(Storage::Lines, lines.size());
    put_packed(out, lines, std::numeric_limits<std::uint32_t>::max());
    write("lines", out.bytes());
    for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
      write("column " + schema.columns[c].name, column_block(data.column(c), rows));
    }
  } catch (const BlockTooBig&) {
    Statement drop(db, file, "DELETE FROM column_blocks WHERE kind = ?1");
    drop.bind(1, std::string_view(schema.name));
    drop.run();
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
    reader.get_packed(lines, live_rows, std::numeric_limits<std::uint32_t>::max());
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
