#include "engine/data/dataset.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <sys/mman.h>

#include "dsl/source/calendar.hpp"

namespace toets {

void advise_huge_pages(const void* data, std::size_t bytes) {
  constexpr std::uintptr_t kHugePage = 2 << 20;
  if (data == nullptr || bytes < 2 * kHugePage) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHugePage - 1);
  if (last <= first) return;
  // Advice only: where transparent huge pages are off, the call fails and nothing changes.
  ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

// The slot holding `value`, or the empty slot where it belongs.
std::size_t TextDictionary::slot_of(std::string_view value, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.code_plus_one == 0) return at;
    if (slot.tag == tag && same_text(values_[static_cast<std::size_t>(slot.code_plus_one - 1)], value)) return at;
  }
}

void TextDictionary::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.code_plus_one == 0) continue;
    const std::uint64_t h = hash_text(values_[static_cast<std::size_t>(slot.code_plus_one - 1)]);
    std::size_t at = h & mask;
    while (slots_[at].code_plus_one != 0) at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

std::int32_t TextDictionary::intern(std::string_view value) {
  if ((values_.size() + 1) * 2 > slots_.size()) grow();
  const std::uint64_t h = hash_text(value);
  Slot& slot = slots_[slot_of(value, h)];
  if (slot.code_plus_one != 0) return slot.code_plus_one - 1;
  if (values_.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() - 1)) {
    throw std::length_error("a text column holds more distinct values than a dictionary can");
  }
  values_.emplace_back(value);
  slot = Slot{static_cast<std::uint32_t>(h >> 32), static_cast<std::int32_t>(values_.size())};
  return slot.code_plus_one - 1;
}

std::int32_t TextDictionary::find(std::string_view value) const {
  if (slots_.empty()) return -1;
  const Slot& slot = slots_[slot_of(value, hash_text(value))];
  return slot.code_plus_one - 1;
}

void TextDictionary::clear() {
  values_.clear();
  std::fill(slots_.begin(), slots_.end(), Slot{});
}

Dataset::Dataset(const DatasetSchema& schema, const std::vector<bool>& kept) : schema_(&schema) {
  columns_.reserve(schema.columns.size());
  for (std::size_t c = 0; c < schema.columns.size(); ++c) {
    const ColumnSchema& column_schema = schema.columns[c];
    ColumnData column;
    column.type = column_schema.type;
    column.text_storage = column_schema.text_storage;
    column.narrow = column_schema.type == ValueType::Bool ||
                    (column_schema.type == ValueType::Enum && column_schema.enum_values.size() < kNull8);
    column.kept = kept.empty() || (c < kept.size() && kept[c]) || c == schema.id_column || column_schema.unique;
    columns_.push_back(std::move(column));
  }
  for (const std::uint32_t c : schema.unique_key) columns_[c].kept = true;
}

void Dataset::reserve(std::size_t rows, const Dataset* like) {
  // Each buffer is advised right after it is allocated, before anything is written to it.
  const auto reserve_advised = [](auto& values, std::size_t count) {
    if (count <= values.capacity()) return;
    values.reserve(count);
    advise_huge_pages(values.data(), values.capacity() * sizeof(values[0]));
  };
  capacity_ = std::max(capacity_, rows);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    ColumnData& column = columns_[c];
    if (!column.kept) continue;
    if (column.type == ValueType::Money) {
      reserve_advised(column.cents, rows);
    } else if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
      reserve_advised(column.raw_offsets, rows + 1);
      if (like != nullptr && like->row_count() > 0) {
        // Room for every row's id as long as the sample's longest (at most twice its average):
        // numbered ids grow longer down a file (L1 .. L999999), so the sample's average fell
        // short and the ids were copied whole near the end. Pages never written cost nothing.
        const ColumnData& sample = like->columns_[c];
        const std::uint32_t longest = longest_text(sample.raw_offsets);
        const std::size_t average = sample.raw.size() / like->row_count() + 1;
        const std::size_t per_row = std::max(average, std::min<std::size_t>(longest, 2 * average));
        reserve_advised(column.raw, rows * per_row + rows / 16);
      }
    } else if (column.narrow) {
      reserve_advised(column.bytes, rows);
    } else {
      reserve_advised(column.values, rows);
    }
  }
}

void Dataset::clear() {
  for (ColumnData& column : columns_) {
    column.cents.clear();
    column.values.clear();
    column.bytes.clear();
    column.dictionary.clear();
    column.raw.clear();
    column.raw_offsets.assign(1, 0);
  }
  line_runs_.clear();
  rows_ = 0;
}

// Runs under the loader's join, one chunk after the other while the other cores read on: each
// column grows once and is written in place, not a push_back per row.
void Dataset::append(const Dataset& piece, std::uint64_t line_offset) {
  std::vector<std::int32_t> codes;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    ColumnData& column = columns_[c];
    const ColumnData& from = piece.columns_[c];
    if (!column.kept) continue;
    if (column.type == ValueType::Money) {
      column.cents.insert(column.cents.end(), from.cents.begin(), from.cents.end());
    } else if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
      // The loader asked raw_text_overflow first: the sum stays within 32 bits.
      const auto base = static_cast<std::uint32_t>(column.raw.size());
      column.raw.append(from.raw);
      std::uint32_t* offsets = grow_by(column.raw_offsets, from.raw_offsets.size() - 1);
      for (std::size_t i = 1; i < from.raw_offsets.size(); ++i) *offsets++ = base + from.raw_offsets[i];
    } else if (column.type == ValueType::Text) {
      // The piece's codes are its own: look each of its (few) values up once, then re-code.
      codes.resize(from.dictionary.size());
      for (std::size_t code = 0; code < codes.size(); ++code) {
        codes[code] = column.dictionary.intern(from.dictionary.value(static_cast<std::int32_t>(code)));
      }
      std::int32_t* values = grow_by(column.values, from.values.size());
      for (const std::int32_t value : from.values) {
        *values++ = value == kNull32 ? kNull32 : codes[static_cast<std::size_t>(value)];
      }
    } else if (column.narrow) {
      column.bytes.insert(column.bytes.end(), from.bytes.begin(), from.bytes.end());
    } else {
      column.values.insert(column.values.end(), from.values.begin(), from.values.end());
    }
  }
  for (const LineRun& run : piece.line_runs_) {
    add_line(rows_ + run.first_row, std::min<std::uint64_t>(run.first_line + line_offset, kMaxLine));
  }
  rows_ += piece.rows_;
}

std::optional<std::uint32_t> Dataset::raw_text_overflow(const Dataset& piece) const {
  for (std::uint32_t c = 0; c < columns_.size(); ++c) {
    const ColumnData& column = columns_[c];
    if (column.kept && column.text_storage == TextStorage::Raw &&
        column.raw.size() + piece.columns_[c].raw.size() > kMaxRawTextBytes) {
      return c;
    }
  }
  return std::nullopt;
}

void Dataset::keep_rows(std::size_t first, const std::vector<bool>& keep) {
  const auto compact = [&](auto& values) {
    std::size_t out = first;
    for (std::size_t row = first; row < rows_; ++row) {
      if (keep[row - first]) values[out++] = values[row];
    }
    values.resize(out);
  };
  for (ColumnData& column : columns_) {
    if (!column.kept) continue;
    if (column.type == ValueType::Money) {
      compact(column.cents);
    } else if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
      // In place: a kept row's text only ever moves left.
      std::uint32_t write = column.raw_offsets[first];
      std::size_t out = first;
      for (std::size_t row = first; row < rows_; ++row) {
        if (!keep[row - first]) continue;
        const std::uint32_t begin = column.raw_offsets[row];
        const std::uint32_t length = column.raw_offsets[row + 1] - begin;
        std::memmove(column.raw.data() + write, column.raw.data() + begin, length);
        write += length;
        column.raw_offsets[++out] = write;
      }
      column.raw.resize(write);
      column.raw_offsets.resize(out + 1);
    } else if (column.narrow) {
      compact(column.bytes);
    } else {
      compact(column.values);
    }
  }
  // The lines of the rows kept, from `first` on, as runs again.
  std::vector<std::uint64_t> lines;
  for (std::size_t row = first; row < rows_; ++row) {
    if (keep[row - first]) lines.push_back(source_line(row));
  }
  while (!line_runs_.empty() && line_runs_.back().first_row >= first) line_runs_.pop_back();
  for (std::size_t i = 0; i < lines.size(); ++i) add_line(first + i, lines[i]);
  rows_ = first + lines.size();
}

namespace {

// "612.35", "-0.05": exact, from integer cents.
std::string format_cents(std::int64_t cents) {
  std::string out;
  // The magnitude of any value but kNull64 fits; kNull64 never reaches here.
  auto magnitude = static_cast<std::uint64_t>(cents < 0 ? -cents : cents);
  if (cents < 0) out.push_back('-');
  out += std::to_string(magnitude / 100);
  out.push_back('.');
  const auto fraction = static_cast<char>(magnitude % 100);
  out.push_back(static_cast<char>('0' + fraction / 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
  return out;
}

}  // namespace

std::string Dataset::cell_text(std::uint32_t column_index, std::size_t row) const {
  const ColumnData& column = columns_[column_index];
  if (!column.kept) {
    throw std::logic_error("the " + schema_->name + " column " + schema_->column(column_index).name +
                           " was not kept when it was loaded");
  }
  if (column.type == ValueType::Money) {
    const std::int64_t cents = column.cents[row];
    if (cents == kNull64) return {};
    return format_cents(cents);
  }
  if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
    return std::string(column.raw_text(row));
  }

  const std::int32_t value = column.value(row);
  if (value == kNull32) return {};
  switch (column.type) {
    case ValueType::Int:
      return std::to_string(value);
    case ValueType::Date:
      return format_date(value);
    case ValueType::Bool:
      return value != 0 ? "true" : "false";
    case ValueType::Enum:
      return schema_->column(column_index).enum_values[static_cast<std::size_t>(value)];
    case ValueType::Text:
      return column.dictionary.value(value);
    case ValueType::Fraction:
    case ValueType::Money:
      break;  // Fraction is never a column; Money is handled above
  }
  return std::to_string(value);
}

}  // namespace toets
