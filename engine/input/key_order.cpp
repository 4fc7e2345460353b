#include "engine/input/key_order.hpp"

#include <algorithm>
#include <array>
#include <compare>
#include <string_view>

namespace toets::loading {

namespace {

// Whether id y comes strictly after id x, by bytes (as std::string_view compares) and, when
// `by_length`, shorter first. Eight bytes at a time: this runs for every row of a load.
inline bool id_after(std::string_view x, std::string_view y, bool by_length) {
  if (by_length && x.size() != y.size()) return x.size() < y.size();
  const std::size_t common = std::min(x.size(), y.size());
  std::size_t at = 0;
  for (; at + 8 <= common; at += 8) {
    const auto a = load_word<std::uint64_t>(x.data() + at);
    const auto b = load_word<std::uint64_t>(y.data() + at);
    // Byte-swapped, the first differing byte is the most significant (little-endian loads).
    if (a != b) return __builtin_bswap64(a) < __builtin_bswap64(b);
  }
  for (; at < common; ++at) {
    if (x[at] != y[at]) return static_cast<unsigned char>(x[at]) < static_cast<unsigned char>(y[at]);
  }
  return x.size() < y.size();
}

std::partial_ordering compare_text(std::string_view x, std::string_view y, KeyOrder order) {
  if ((order & kTextByLength) != 0 && x.size() != y.size()) return x.size() <=> y.size();
  return x <=> y;
}

// How row a's cell of a key column orders against row b's; unordered when either is missing. Each
// storage is compared by what its equality is (ChunkedLoad::same_key): ids by their bytes, money by
// cents, dictionary text by its text (codes follow first appearance, not order), the rest as numbers.
std::partial_ordering compare_cells(const ColumnData& column, std::size_t a, std::size_t b, KeyOrder order) {
  if (column.type == ValueType::Money) {
    const std::int64_t x = column.cents[a];
    const std::int64_t y = column.cents[b];
    if (x == kNull64 || y == kNull64) return std::partial_ordering::unordered;
    return x <=> y;
  }
  if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
    const std::string_view x = column.raw_text(a);
    const std::string_view y = column.raw_text(b);
    if (x.empty() || y.empty()) return std::partial_ordering::unordered;
    return compare_text(x, y, order);
  }
  const std::int32_t x = column.value(a);
  const std::int32_t y = column.value(b);
  if (x == kNull32 || y == kNull32) return std::partial_ordering::unordered;
  if (column.type == ValueType::Text)
    return compare_text(column.dictionary.value(x), column.dictionary.value(y), order);
  return x <=> y;
}

// Runs pay where rows are looked for among few: in long runs, a run of a thousand rows or more on
// average. Shorter runs would have every row probed and then indexed, twice the work of the rows
// in no order (ChunkedLoad::check_keys).
bool runs_too_short(std::size_t breaks, std::size_t rows) { return breaks * 1024 > rows; }
// A run every 16 rows or more often on the rows seen so far: in no order, and not worth looking on.
bool clearly_unordered(std::size_t breaks, std::size_t rows) { return breaks * 16 > rows; }

}  // namespace

bool key_after(const Dataset& data, const std::vector<std::uint32_t>& columns, KeyOrder order, std::size_t earlier,
               std::size_t later) {
  std::partial_ordering result = std::partial_ordering::equivalent;
  const std::size_t count = columns.size();
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t c = columns[(order & kColumnsReversed) != 0 ? count - 1 - i : i];
    const std::partial_ordering cells = compare_cells(data.column(c), earlier, later, order);
    // Every cell is looked at, the first difference decides: a key missing a cell has no value.
    if (cells == std::partial_ordering::unordered) return false;
    if (result == 0) result = cells;
  }
  return result < 0;
}

KeyRuns find_key_runs(const Dataset& data, const std::vector<std::uint32_t>& columns) {
  const std::size_t rows = data.row_count();
  const bool has_text = std::any_of(columns.begin(), columns.end(),
                                    [&](std::uint32_t c) { return data.column(c).type == ValueType::Text; });
  std::array<KeyRuns, 4> tried;
  std::size_t tried_count = 0;
  for (const KeyOrder columns_order : {KeyOrder{0}, kColumnsReversed}) {
    if (columns_order == kColumnsReversed && columns.size() < 2) continue;
    tried[tried_count++].order = static_cast<KeyOrder>(columns_order | kTextByLength);
    // Without text the two text orders are one.
    if (has_text) tried[tried_count++].order = columns_order;
  }
  // Every order on the first rows, then the best of them alone.
  constexpr std::size_t kTrialRows = 64;
  const std::size_t trial_end = std::min(rows, kTrialRows);
  for (std::size_t row = 1; row < trial_end; ++row) {
    for (std::size_t t = 0; t < tried_count; ++t) {
      if (!key_after(data, columns, tried[t].order, row - 1, row))
        tried[t].breaks.push_back(static_cast<std::uint32_t>(row));
    }
  }
  KeyRuns best = std::move(
      *std::min_element(tried.begin(), tried.begin() + static_cast<std::ptrdiff_t>(tried_count),
                        [](const KeyRuns& a, const KeyRuns& b) { return a.breaks.size() < b.breaks.size(); }));
  const auto follow = [&](auto&& after) {
    for (std::size_t row = trial_end; row < rows; ++row) {
      if (after(row - 1, row)) continue;
      best.breaks.push_back(static_cast<std::uint32_t>(row));
      if (clearly_unordered(best.breaks.size(), std::max(row + 1, kTrialRows))) return false;
    }
    return !runs_too_short(best.breaks.size(), rows);
  };
  const ColumnData& first = data.column(columns[0]);
  bool ordered = false;
  if (columns.size() == 1 && first.type == ValueType::Text && first.text_storage == TextStorage::Raw) {
    // A key of one id column, the usual: the ids compared inline, a row after the other.
    const bool by_length = (best.order & kTextByLength) != 0;
    ordered = follow([&](std::size_t earlier, std::size_t later) {
      const std::string_view x = first.raw_text(earlier);
      const std::string_view y = first.raw_text(later);
      return !x.empty() && !y.empty() && id_after(x, y, by_length);
    });
  } else {
    ordered = follow(
        [&](std::size_t earlier, std::size_t later) { return key_after(data, columns, best.order, earlier, later); });
  }
  if (!ordered) return KeyRuns{};
  best.ordered = true;
  return best;
}

}  // namespace toets::loading
