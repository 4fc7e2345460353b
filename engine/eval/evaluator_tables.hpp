#pragma once
// What the evaluator looks values up in, laid out for a look-up per row: parameter tables as dense
// grids (DenseTable) and the calendar as a table of months (MonthTable). Part of the evaluator's
// insides (evaluator_internal.hpp); not for use outside engine/.

#include <cstdint>
#include <limits>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "engine/eval/evaluator.hpp"

namespace toets::evaluation {

// A parameter table laid out as a dense grid, so a look-up is a few multiplications. Keys below
// the smallest bound are absent; keys above the largest finite bound fall in one extra cell that
// only open ranges ("2+") cover.
class DenseTable {
 public:
  explicit DenseTable(const ParamTable& table) : table_(&table) {
    const std::size_t dims = table.key_names.size();
    low_.assign(dims, std::numeric_limits<std::int64_t>::max());
    high_.assign(dims, std::numeric_limits<std::int64_t>::min());
    for (const auto& entry : table.entries) {
      for (std::size_t d = 0; d < dims; ++d) {
        low_[d] = std::min(low_[d], entry.keys[d].low);
        high_[d] = std::max(high_[d], entry.keys[d].low);
        if (entry.keys[d].high != std::numeric_limits<std::int64_t>::max()) {
          high_[d] = std::max(high_[d], entry.keys[d].high);
        }
      }
    }
    std::size_t cells = 1;
    extent_.resize(dims);
    for (std::size_t d = 0; d < dims && !table.entries.empty(); ++d) {
      // In 128 bits: keys may span the whole int64 range (table t(year) { 0: 1, 9223372036854775806: 2 }).
      const Int128 extent = static_cast<Int128>(high_[d]) - low_[d] + 2;
      if (extent > 100000 || cells > 1000000 / static_cast<std::size_t>(extent)) {
        dense_ = false;
        return;
      }
      extent_[d] = static_cast<std::size_t>(extent);
      cells *= extent_[d];
    }
    if (table.entries.empty()) {
      dense_ = false;
      return;
    }
    cell_entry_.assign(cells, -1);
    for (std::size_t e = 0; e < table.entries.size(); ++e) fill(e, 0, 0);
    // The values themselves, so the common look-up reads one cell; absent and unknown are kNull64.
    cell_value_.assign(cells, kNull64);
    for (std::size_t cell = 0; cell < cells; ++cell) {
      if (cell_entry_[cell] < 0) continue;
      const auto& value = table.entries[static_cast<std::size_t>(cell_entry_[cell])].value;
      if (value) cell_value_[cell] = *value;
    }
  }

  // The entry covering these keys, or -1.
  std::int32_t find(const std::int64_t* keys) const {
    if (!dense_) return scan(keys);
    std::size_t cell = 0;
    if (!cell_of(keys, cell)) return -1;
    return cell_entry_[cell];
  }
  // The value for these keys, or kNull64 when absent or unknown (or, rarely, when the value is
  // kNull64 itself): then find() tells which.
  std::int64_t value_or_null(const std::int64_t* keys) const {
    std::size_t cell = 0;
    if (!dense_ || !cell_of(keys, cell)) return kNull64;
    return cell_value_[cell];
  }
  const ParamTable& table() const { return *table_; }

  // The grid, for a look-up loop that keeps it in registers (see RangeRun::lookup_dense).
  struct Axis {
    std::int64_t low, high;
    std::size_t extent;
  };
  bool dense() const { return dense_; }
  std::size_t dimensions() const { return extent_.size(); }
  Axis axis(std::size_t d) const { return Axis{low_[d], high_[d], extent_[d]}; }
  const std::int64_t* cell_values() const { return cell_value_.data(); }

 private:
  bool cell_of(const std::int64_t* keys, std::size_t& cell) const {
    for (std::size_t d = 0; d < extent_.size(); ++d) {
      const std::int64_t key = keys[d];
      if (key < low_[d]) return false;
      const std::size_t index = key > high_[d] ? extent_[d] - 1 : static_cast<std::size_t>(key - low_[d]);
      cell = cell * extent_[d] + index;
    }
    return true;
  }
  void fill(std::size_t entry, std::size_t dim, std::size_t cell) {
    if (dim == extent_.size()) {
      cell_entry_[cell] = static_cast<std::int32_t>(entry);
      return;
    }
    const KeyRange& range = table_->entries[entry].keys[dim];
    const std::int64_t last = range.high == std::numeric_limits<std::int64_t>::max() ? high_[dim] + 1 : range.high;
    for (std::int64_t key = range.low; key <= last; ++key) {
      fill(entry, dim + 1, cell * extent_[dim] + static_cast<std::size_t>(key - low_[dim]));
    }
  }
  std::int32_t scan(const std::int64_t* keys) const {
    for (std::size_t e = 0; e < table_->entries.size(); ++e) {
      bool match = true;
      for (std::size_t d = 0; d < table_->key_names.size() && match; ++d) {
        match = keys[d] >= table_->entries[e].keys[d].low && keys[d] <= table_->entries[e].keys[d].high;
      }
      if (match) return static_cast<std::int32_t>(e);
    }
    return -1;
  }

  const ParamTable* table_;
  bool dense_ = true;
  std::vector<std::int64_t> low_, high_;
  std::vector<std::size_t> extent_;
  std::vector<std::int32_t> cell_entry_;
  std::vector<std::int64_t> cell_value_;
};

// Year and month of a day number from a table for the years every housing file holds, the
// calendar arithmetic outside them: year(contract_date) is in almost every rule, often twice.
struct YearMonth {
  std::int32_t year;
  std::uint32_t month;
};
class MonthTable {
 public:
  static const MonthTable& get() {
    static const MonthTable table;
    return table;
  }
  YearMonth of(std::int32_t day) const {
    const auto index = static_cast<std::uint32_t>(day) - static_cast<std::uint32_t>(kFirst);
    if (index >= months_.size()) {
      const CivilDate date = civil_from_days(day);
      return {date.year, date.month};
    }
    const std::uint16_t packed = months_[index];
    return {kFirstYear + (packed >> 4), packed & 15u};
  }
  // Whether `day` is in the table (kNull64 is not): one comparison.
  bool covers(std::int64_t day) const {
    return static_cast<std::uint64_t>(day) - static_cast<std::uint64_t>(std::int64_t{kFirst}) < months_.size();
  }
  // of() for a day the table covers.
  YearMonth in_table(std::int64_t day) const {
    const std::uint16_t packed = months_[static_cast<std::size_t>(day - kFirst)];
    return {kFirstYear + (packed >> 4), packed & 15u};
  }

 private:
  MonthTable() : months_(static_cast<std::size_t>(kEnd - kFirst)) {
    for (std::int32_t day = kFirst; day < kEnd; ++day) {
      const CivilDate date = civil_from_days(day);
      months_[static_cast<std::size_t>(day - kFirst)] =
          static_cast<std::uint16_t>(static_cast<std::uint32_t>(date.year - kFirstYear) << 4 | date.month);
    }
  }
  static constexpr std::int32_t kFirstYear = 1900;
  static constexpr std::int32_t kFirst = days_from_civil(kFirstYear, 1, 1);
  static constexpr std::int32_t kEnd = days_from_civil(kFirstYear + 256, 1, 1);  // year - 1900 in 8 bits
  std::vector<std::uint16_t> months_;
};

}  // namespace toets::evaluation
