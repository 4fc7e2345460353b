#include "engine/evaluator.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <thread>

#include "dsl/calendar.hpp"
#include "engine/report.hpp"

namespace toets {

namespace {

// Rows are evaluated in batches of this many: big enough to amortise the per-node dispatch,
// small enough that every node's buffer stays in cache.
constexpr std::size_t kBatch = 1024;
constexpr std::size_t kMaxKeys = kMaxGroupKeys + 1;  // + the snapshot date of deadline rules

// Row states kept per record for the evidence pass after statuses are known: the low two bits of
// a row's tag, whose other bits are the row's group.
enum RowState : std::uint8_t { kNotMeasured = 0, kMeasuredFalse = 1, kMeasuredTrue = 2, kExempt = 3 };
constexpr std::uint32_t kStateBits = 2;
constexpr std::uint32_t kStateMask = (1u << kStateBits) - 1;
constexpr std::uint32_t kOutOfScope = 0xFFFFFFFFu;  // the tag of a row of another municipality

Int128 floor_div(Int128 a, Int128 b) {  // b > 0
  Int128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}
Int128 ceil_div(Int128 a, Int128 b) { return -floor_div(-a, b); }

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

struct GroupKeyValues {
  std::array<std::int64_t, kMaxKeys> values{};
  bool operator==(const GroupKeyValues& other) const { return values == other.values; }
};

struct Accumulator {
  GroupKeyValues key;
  std::uint64_t records = 0;
  std::uint64_t matching = 0;        // predicate true (count(p), share(p))
  std::uint64_t exempt = 0;
  std::uint64_t exempt_matching = 0;
  std::uint64_t present = 0;         // non-missing values (sum, avg, min, max)
  std::int64_t sum = 0;
  std::int64_t whole = 0;            // Ratio's denominator sum
  std::int64_t min = std::numeric_limits<std::int64_t>::max();
  std::int64_t max = std::numeric_limits<std::int64_t>::min();
  // The lowest and highest running sum (and whole) within one row range: whether the running
  // sum over all rows leaves 64 bits depends on them, not only on the range's total.
  std::int64_t sum_low = 0, sum_high = 0, whole_low = 0, whole_high = 0;
};

// Group key -> index into a vector of accumulators: open addressing over group indices, so a
// look-up hashes a few integers and allocates nothing unless the group is new.
class GroupTable {
 public:
  GroupTable() : slots_(64, kNoIndex) {}

  // The index of `key`'s group in `groups`, appended when new.
  std::uint32_t find_or_add(const GroupKeyValues& key, std::vector<Accumulator>& groups) {
    for (std::size_t slot = hash(key) & mask();; slot = (slot + 1) & mask()) {
      const std::uint32_t group = slots_[slot];
      if (group == kNoIndex) {
        const auto added = static_cast<std::uint32_t>(groups.size());
        groups.emplace_back().key = key;
        slots_[slot] = added;
        if (2 * groups.size() > slots_.size()) grow(groups);
        return added;
      }
      if (groups[group].key == key) return group;
    }
  }

 private:
  std::size_t mask() const { return slots_.size() - 1; }
  static std::size_t hash(const GroupKeyValues& key) {
    std::uint64_t h = 0;
    for (std::int64_t v : key.values) h = (h ^ static_cast<std::uint64_t>(v)) * 0x9e3779b97f4a7c15ull;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
  void grow(const std::vector<Accumulator>& groups) {
    slots_.assign(slots_.size() * 2, kNoIndex);
    for (std::uint32_t group = 0; group < groups.size(); ++group) {
      std::size_t slot = hash(groups[group].key) & mask();
      while (slots_[slot] != kNoIndex) slot = (slot + 1) & mask();
      slots_[slot] = group;
    }
  }

  std::vector<std::uint32_t> slots_;  // a power of two, at most half full
};

// A group key packed into one number (see KeyPacking) -> group index, open addressing: finding
// a row's group hashes and compares one number.
class PackedGroupTable {
 public:
  PackedGroupTable() : slots_(64, Slot{0, kNoIndex}) {}

  // The group of `key`; when it has none yet, add() makes one and returns its index.
  template <typename Add>
  std::uint32_t find_or_add(std::uint64_t key, Add add) {
    for (std::size_t slot = hash(key) & mask();; slot = (slot + 1) & mask()) {
      if (slots_[slot].group == kNoIndex) {
        const std::uint32_t group = add();
        slots_[slot] = Slot{key, group};
        if (2 * ++count_ > slots_.size()) grow();
        return group;
      }
      if (slots_[slot].key == key) return slots_[slot].group;
    }
  }

 private:
  struct Slot {
    std::uint64_t key;
    std::uint32_t group;
  };
  std::size_t mask() const { return slots_.size() - 1; }
  static std::size_t hash(std::uint64_t key) {
    key *= 0x9e3779b97f4a7c15ull;
    return static_cast<std::size_t>(key ^ (key >> 32));
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{0, kNoIndex});
    old.swap(slots_);
    for (const Slot& entry : old) {
      if (entry.group == kNoIndex) continue;
      std::size_t slot = hash(entry.key) & mask();
      while (slots_[slot].group != kNoIndex) slot = (slot + 1) & mask();
      slots_[slot] = entry;
    }
  }

  std::vector<Slot> slots_;  // a power of two, at most half full
  std::size_t count_ = 0;
};

// How a group key's values pack into a field of the 64-bit packed key: values low..low+span-1
// as 1..span, the missing value as 0; a value outside the span makes the row's key unpackable.
struct KeyPacking {
  std::int64_t low = 0;
  std::uint64_t span = 0;
  std::uint32_t shift = 0;
};
constexpr std::uint64_t kUnpacked = 1ull << 63;  // packed keys use at most the 63 bits below

// The members of an `in` set as found in one dataset: a flag per value over the members' span
// when it is small (dictionary codes, enum indices, small numbers), else a sorted list.
class MemberSet {
 public:
  explicit MemberSet(std::vector<std::int64_t> members) : sorted_(std::move(members)) {
    std::sort(sorted_.begin(), sorted_.end());
    if (sorted_.empty() || static_cast<Int128>(sorted_.back()) - sorted_.front() >= 4096) return;
    low_ = sorted_.front();
    flags_.assign(static_cast<std::size_t>(sorted_.back() - low_) + 1, 0);
    for (std::int64_t member : sorted_) flags_[static_cast<std::size_t>(member - low_)] = 1;
  }
  bool contains(std::int64_t value) const {  // the missing value kNull64 is never a member
    if (flags_.empty()) return value != kNull64 && std::binary_search(sorted_.begin(), sorted_.end(), value);
    const std::uint64_t offset = static_cast<std::uint64_t>(value) - static_cast<std::uint64_t>(low_);
    return offset < flags_.size() && flags_[offset] != 0;
  }

 private:
  std::vector<std::int64_t> sorted_;
  std::int64_t low_ = 0;
  std::vector<std::uint8_t> flags_;
};

// Calls body(i, row) for each selected row i < n. Selections are always ascending, so when the
// last is n - 1 rows after the first they are consecutive (no filter, no municipality) and the
// row is counted instead of read: column reads are then sequential and the compiler vectorises.
template <typename Body>
inline void for_each_selected(const std::uint32_t* sel, std::size_t n, Body&& body) {
  if (n > 0 && sel[n - 1] - sel[0] == n - 1) {
    const std::uint32_t first = sel[0];
    for (std::size_t i = 0; i < n; ++i) body(i, static_cast<std::uint32_t>(first + i));
  } else {
    for (std::size_t i = 0; i < n; ++i) body(i, sel[i]);
  }
}

// Per-thread buffers for evaluating batches of rows, reused from range to range and rule to rule.
struct BatchBuffers {
  // Makes room for a rule of `nodes` expression nodes.
  void fit(std::size_t nodes) {
    if (values.size() < nodes) {
      values.resize(nodes, std::vector<std::int64_t>(kBatch));
      selections.resize(nodes, std::vector<std::uint32_t>(kBatch));
    }
  }
  std::vector<std::vector<std::int64_t>> values;       // per node: its value for each selected row
  std::vector<std::vector<std::uint32_t>> selections;  // per node: the rows the right side of and/or sees
  std::array<std::vector<std::int64_t>, kMaxKeys> keys{
      std::vector<std::int64_t>(kBatch), std::vector<std::int64_t>(kBatch), std::vector<std::int64_t>(kBatch),
      std::vector<std::int64_t>(kBatch), std::vector<std::int64_t>(kBatch)};
  std::vector<std::uint64_t> packed_keys = std::vector<std::uint64_t>(kBatch);
  std::vector<std::uint32_t> in_scope = std::vector<std::uint32_t>(kBatch);
  std::vector<std::uint32_t> filtered = std::vector<std::uint32_t>(kBatch);
  std::vector<std::uint32_t> measured = std::vector<std::uint32_t>(kBatch);
  std::vector<std::uint32_t> exempted = std::vector<std::uint32_t>(kBatch);
};

class RangeRun;

// Evaluates one rule over one dataset. The rows are cut into ranges that may be evaluated on
// different threads (run_range), each into its own groups; finish() merges them in range order,
// so the groups, results and evidence are those of one pass over all rows in order.
class RuleRun {
 public:
  RuleRun(const CompiledRule& rule, const Dataset& data, const std::vector<DenseTable>& tables,
          std::int32_t as_of, std::size_t rows_per_range, const Dataset* divisor_data = nullptr);
  ~RuleRun();

  std::size_t range_count() const { return ranges_.size(); }
  // Evaluates the rows of range `index`; ranges may run at the same time on different threads.
  void run_range(std::size_t index, BatchBuffers& buffers);
  // After every range ran: one result per group.
  std::vector<RuleResult> finish(BatchBuffers& buffers);

 private:
  friend class RangeRun;

  static bool equal_ignoring_case(std::string_view a, std::string_view b) {
    auto trim = [](std::string_view s) {
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      return s;
    };
    a = trim(a);
    b = trim(b);
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  }

  void plan_key_packing();
  // Folds the ranges' groups into groups_ in range order; false when a range stopped with an
  // error or the merged groups cross a limit a single pass could have stopped at earlier.
  bool merge_ranges();
  RuleResult error_result(const std::string& message) const;
  RuleResult finish_group(std::uint32_t group) const;
  std::vector<RuleResult> finish_groups(std::vector<std::uint32_t>& group_of_result);
  bool outside_period(const GroupKeyValues& key, std::size_t count) const;
  bool outside_own_period(const GroupKeyValues& key, std::size_t count) const;
  bool outside(const GroupKeyValues& key, std::size_t count, std::optional<std::int32_t> valid_from,
               std::optional<std::int32_t> valid_to) const;
  void add_expected_groups(std::vector<RuleResult>& results, std::vector<std::uint32_t>& group_of_result) const;
  void decide(RuleResult& result, const Accumulator& acc, const std::vector<Threshold>& thresholds) const;
  // The rule's thresholds with baseline/previous/table values filled in for one group; false (and
  // `why`, `status`) when a value is not there.
  bool resolve_thresholds(std::uint32_t group, std::vector<Threshold>& out, std::string& why, Status& status) const;
  // One term of a threshold for one group: its value and a note on where it came from.
  bool resolve_term(std::uint32_t group, ThresholdTerm& term, std::string& note, std::string& why, Status& status) const;
  std::int64_t series_key_of_date(std::int32_t date) const;
  void collect_evidence(std::vector<RuleResult>& results, const std::vector<std::uint32_t>& result_of_group,
                        const std::vector<bool>& wants_evidence) const;
  std::vector<RuleResult> finish_deadline(std::vector<std::uint32_t>& group_of_result);
  std::vector<GroupField> describe_key(const GroupKeyValues& key, std::size_t count) const;

  const CompiledRule& rule_;
  const Dataset& data_;
  const std::vector<DenseTable>& tables_;
  std::int32_t as_of_;
  const Dataset* divisor_data_;                    // the divisor's dataset (rule_.divisor), else null
  std::map<std::string, Ratio> divisor_values_;    // the divisor's figure per group (format_group)
  std::vector<GroupKey> keys_;
  bool packs_keys_ = false;                      // whether the keys' spans fit in one packed key
  std::array<KeyPacking, kMaxKeys> packing_{};
  std::vector<std::int64_t> text_codes_;          // per node: a TextConstant's dictionary code
  std::vector<std::unique_ptr<MemberSet>> sets_;  // per node: an InSet's members
  // The rule's scope (municipality, corporations): per scope column, whether each dictionary
  // code is in scope. A row is in scope when every column says so.
  struct ScopeColumn {
    std::uint32_t column = kNoIndex;
    std::vector<std::uint8_t> allowed;  // by dictionary code
  };
  std::vector<ScopeColumn> scopes_;

  std::vector<std::unique_ptr<RangeRun>> ranges_;
  // Per row: its group within its range << kStateBits | its RowState; written by the ranges.
  std::unique_ptr<std::uint32_t[]> row_tags_;
  std::vector<Accumulator> groups_;               // merged, in order of first appearance
  std::vector<std::string> group_errors_;         // per merged group: the first value it could not have
  std::string error_;
};

// The evaluation of one range of rows of a rule: expression buffers, its own groups and the
// tags of its rows.
class RangeRun {
 public:
  RangeRun(const RuleRun& rule, std::size_t begin, std::size_t end) : rule_(rule), begin_(begin), end_(end) {}

  void run(BatchBuffers& buffers);
  std::size_t begin() const { return begin_; }
  std::size_t end() const { return end_; }
  const std::vector<Accumulator>& groups() const { return groups_; }
  const std::string& error() const { return error_; }
  // Per group of this range (or shorter: the rest have none), the first look-up it could not make.
  const std::vector<std::string>& group_errors() const { return group_errors_; }
  // This range's group index -> the merged group index, filled by RuleRun::merge_ranges.
  std::vector<std::uint32_t> merged_group;

 private:
  // Evaluates `node` for the rows sel[0..n); results in buffers_->values[node][0..n). False on an error.
  bool eval(std::uint32_t node, const std::uint32_t* sel, std::size_t n);
  // A table's value for keys (none missing) that value_or_null did not find: from find(), or
  // missing, with an error for the record's group that names table, keys and record.
  void lookup_absent(const ExprNode& node, const DenseTable& table, const std::int64_t* keys, std::uint32_t row,
                     std::int64_t& out);
  // Lookup in a dense table of Dims keys, args[d][0..n) its keys.
  template <std::size_t Dims>
  bool lookup_dense(const ExprNode& node, const DenseTable& table, const std::int64_t* const* args,
                    const std::uint32_t* sel, std::size_t n, std::int64_t* out);
  // Year, HalfOfYear, QuarterOfYear, MonthOfYear: `period` of each row's date.
  template <typename Period>
  bool eval_period(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out, Period period);
  // Tags the rows rows[0..n) with their groups, adding new groups. Returns how often the group
  // was looked up: at least the number of runs of rows of one group.
  std::size_t assign_groups(const std::uint32_t* rows, std::size_t n);
  std::int64_t key_value(const GroupKey& key, std::uint32_t row) const;
  void key_values(const GroupKey& key, const std::uint32_t* rows, std::size_t n, std::int64_t* out) const;
  // The packed keys of the rows rows[0..n) (kUnpacked set where a value does not pack).
  void pack_keys(const std::uint32_t* rows, std::size_t n, std::uint64_t* packed) const;
  // The group of these key values (of `row`, for messages), added when new.
  std::uint32_t group_of_key_values(const GroupKeyValues& key, std::uint32_t row);
  // The group of `row` by its key values, added when new.
  std::uint32_t group_of_row(std::uint32_t row);
  void report_date_outside_calendar(std::int64_t day, std::uint32_t row);
  template <typename Compare>
  static void compare_rows(const std::int64_t* a, const std::int64_t* b, std::int64_t* out, std::size_t n,
                           Compare compare) {
    // A comparison with a missing value is false.
    for (std::size_t i = 0; i < n; ++i) out[i] = (a[i] != kNull64) & (b[i] != kNull64) & compare(a[i], b[i]);
  }

  const RuleRun& rule_;
  std::size_t begin_, end_;
  BatchBuffers* buffers_ = nullptr;  // while run() runs
  GroupTable group_index_;          // every group, by its key values
  PackedGroupTable packed_index_;   // the groups whose keys pack, by packed key
  std::vector<Accumulator> groups_;
  std::vector<std::string> group_errors_;
  std::string error_;
};

RuleRun::RuleRun(const CompiledRule& rule, const Dataset& data, const std::vector<DenseTable>& tables,
                 std::int32_t as_of, std::size_t rows_per_range, const Dataset* divisor_data)
    : rule_(rule), data_(data), tables_(tables), as_of_(as_of), divisor_data_(divisor_data) {
  const auto& nodes = rule.pool.nodes;
  text_codes_.assign(nodes.size(), 0);
  sets_.resize(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const ExprNode& node = nodes[i];
    if (node.op == NodeOp::TextConstant) {
      const std::int32_t code = data.column(node.column).dictionary.find(node.text);
      text_codes_[i] = code < 0 ? -2 : code;  // -2 equals no value
    }
    if (node.op == NodeOp::InSet) {
      const ValueSet& set = rule.pool.sets[node.set];
      std::vector<std::int64_t> members = set.numbers;
      for (const auto& text : set.texts) {
        const std::int32_t code = data.column(node.column).dictionary.find(text);
        if (code >= 0) members.push_back(code);
      }
      sets_[i] = std::make_unique<MemberSet>(std::move(members));
    }
  }
  keys_ = rule.group_keys;
  if (rule.target) {
    GroupKey snapshot;
    snapshot.kind = GroupKeyKind::Column;
    snapshot.column = *data.schema().snapshot_column;
    snapshot.label = data.schema().column(snapshot.column).name;
    keys_.push_back(snapshot);
  }
  plan_key_packing();
  // The rule set's municipality and corporations: rows of others are out of scope.
  auto add_scope = [&](const char* column_name, const std::vector<std::string>& names) {
    const auto column = data.schema().column_index(column_name);
    if (names.empty() || !column) return;
    ScopeColumn scope;
    scope.column = *column;
    const TextDictionary& dictionary = data.column(*column).dictionary;
    scope.allowed.assign(dictionary.size(), 0);
    for (std::size_t code = 0; code < dictionary.size(); ++code) {
      const std::string& value = dictionary.value(static_cast<std::int32_t>(code));
      scope.allowed[code] = std::any_of(names.begin(), names.end(),
                                        [&](const std::string& name) { return equal_ignoring_case(value, name); });
    }
    scopes_.push_back(std::move(scope));
  };
  if (!rule.scope_municipality.empty()) add_scope("municipality", {rule.scope_municipality});
  add_scope("corporation", rule.scope_corporations);
  const std::size_t rows = data.row_count();
  // Not initialised: every range writes the tag of each of its rows before anything reads it.
  row_tags_.reset(new std::uint32_t[rows]);
  advise_huge_pages(row_tags_.get(), rows * sizeof(std::uint32_t));
  const std::size_t step = std::max<std::size_t>(1, rows_per_range);
  const std::size_t range_count = std::max<std::size_t>(1, (rows + step - 1) / step);  // one, empty, for no rows
  for (std::size_t r = 0; r < range_count; ++r) {
    ranges_.push_back(std::make_unique<RangeRun>(*this, r * step, std::min(rows, (r + 1) * step)));
  }
}

RuleRun::~RuleRun() = default;

void RuleRun::plan_key_packing() {
  std::uint32_t shift = 0;
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    const GroupKey& key = keys_[k];
    const ColumnData& column = data_.column(key.column);
    const ColumnSchema& schema = data_.schema().column(key.column);
    std::int64_t low = 0, high = 0;  // the values a key takes, in practice; others do not pack
    switch (key.kind) {
      case GroupKeyKind::Year: low = 1, high = 9999; break;
      case GroupKeyKind::HalfYear: low = 11, high = 99992; break;
      case GroupKeyKind::Quarter: low = 11, high = 99994; break;
      case GroupKeyKind::Month: low = 101, high = 999912; break;
      case GroupKeyKind::Column:
        if (column.text_storage == TextStorage::Raw) {
          high = static_cast<std::int64_t>(data_.row_count());  // the row
        } else if (column.type == ValueType::Money) {
          return;  // 64-bit cents: the keys stay unpacked
        } else if (column.type == ValueType::Text) {
          high = static_cast<std::int64_t>(column.dictionary.size());
        } else if (column.type == ValueType::Enum) {
          high = static_cast<std::int64_t>(schema.enum_values.size());
        } else if (column.type == ValueType::Bool) {
          high = 1;
        } else {
          low = std::numeric_limits<std::int32_t>::min();
          high = std::numeric_limits<std::int32_t>::max();
        }
        break;
    }
    const auto span = static_cast<std::uint64_t>(high - low) + 1;
    const auto bits = static_cast<std::uint32_t>(64 - __builtin_clzll(span));  // codes 0..span
    if (shift + bits > 63) return;
    packing_[k] = KeyPacking{low, span, shift};
    shift += bits;
  }
  packs_keys_ = true;
}

void RuleRun::run_range(std::size_t index, BatchBuffers& buffers) { ranges_[index]->run(buffers); }

void RangeRun::report_date_outside_calendar(std::int64_t day, std::uint32_t row) {
  const Dataset& data = rule_.data_;
  error_ = "a date outside the years 1 to 9999 (" + std::to_string(day) + " days from 1970-01-01) for " +
           data.schema().name + " record '" + std::string(data.record_id(row)) + "' (line " +
           std::to_string(data.source_line(row)) + ")";
}

void RangeRun::lookup_absent(const ExprNode& node, const DenseTable& table, const std::int64_t* keys,
                             std::uint32_t row, std::int64_t& out) {
  const std::int32_t entry = table.find(keys);
  if (entry >= 0 && table.table().entries[static_cast<std::size_t>(entry)].value) {
    out = *table.table().entries[static_cast<std::size_t>(entry)].value;
    return;
  }
  // A figure the table lacks: a clear error naming table, key and record, never a fallback.
  const Dataset& data = rule_.data_;
  const ParamTable& t = table.table();
  std::string key_text;
  for (std::size_t k = 0; k < node.args.size(); ++k) {
    if (k > 0) key_text += ", ";
    key_text += t.key_names[k] + " " + std::to_string(keys[k]);
  }
  const std::string where = t.file != nullptr ? t.file->path() + ":" + std::to_string(t.file->line_of(
                                                                           entry >= 0 ? t.entries[static_cast<std::size_t>(entry)].offset : t.offset))
                                              : "";
  // Only this record's group cannot be measured: the other groups of the rule are evaluated.
  out = kNull64;
  const std::uint32_t group = rule_.row_tags_[row] >> kStateBits;
  if (group_errors_.size() <= group) group_errors_.resize(group + 1);
  if (!group_errors_[group].empty()) return;
  group_errors_[group] = "parameter table '" + t.name + "' " +
                         (entry >= 0 ? "marks the value for " + key_text + " as unknown (" + where + ")"
                                     : "has no value for " + key_text + " (" + where + ")") +
                         "; needed for " + data.schema().name + " record '" + std::string(data.record_id(row)) +
                         "' (" + (data.origin().empty() ? "line " : data.origin() + ":") +
                         std::to_string(data.source_line(row)) + ")";
}

template <std::size_t Dims>
bool RangeRun::lookup_dense(const ExprNode& node, const DenseTable& table, const std::int64_t* const* args,
                            const std::uint32_t* sel, std::size_t n, std::int64_t* out) {
  // The grid in locals: the compiler cannot keep it in registers across the stores to out[]
  // when it is read from the table's vectors.
  std::array<DenseTable::Axis, Dims> axes;
  for (std::size_t d = 0; d < Dims; ++d) axes[d] = table.axis(d);
  const std::int64_t* cells = table.cell_values();
  for (std::size_t i = 0; i < n; ++i) {
    std::array<std::int64_t, Dims> keys;
    bool missing_key = false, below = false;
    std::size_t cell = 0;
    for (std::size_t d = 0; d < Dims; ++d) {
      const std::int64_t key = args[d][i];
      keys[d] = key;
      missing_key |= key == kNull64;
      below |= key < axes[d].low;
      // Unsigned: a key below the grid (or missing) gives a cell that is never read.
      const std::size_t index = key > axes[d].high ? axes[d].extent - 1
                                                   : static_cast<std::size_t>(static_cast<std::uint64_t>(key) -
                                                                              static_cast<std::uint64_t>(axes[d].low));
      cell = cell * axes[d].extent + index;
    }
    if (missing_key) {
      out[i] = kNull64;
      continue;
    }
    out[i] = below ? kNull64 : cells[cell];
    if (out[i] == kNull64) lookup_absent(node, table, keys.data(), sel[i], out[i]);
  }
  return true;
}

template <typename Period>
bool RangeRun::eval_period(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out,
                           Period period) {
  const MonthTable& months = MonthTable::get();
  // Date arithmetic in a rule (contract_date + 3000000) can leave the calendar; cutting the
  // value to 32 bits gave a wrong year silently (robustness): an error instead. Only a day
  // outside the table's years (or missing) takes the slow way round.
  auto convert = [&](std::int64_t day, std::size_t i, std::uint32_t row) {
    if (months.covers(day)) [[likely]] {
      out[i] = period(months.in_table(day));
      return true;
    }
    if (day == kNull64) {
      out[i] = kNull64;
      return true;
    }
    constexpr std::int64_t kFirstDay = days_from_civil(1, 1, 1);
    constexpr std::int64_t kLastDay = days_from_civil(9999, 12, 31);
    if (day < kFirstDay || day > kLastDay) {
      report_date_outside_calendar(day, row);
      return false;
    }
    out[i] = period(months.of(static_cast<std::int32_t>(day)));
    return true;
  };
  const ExprNode& arg = rule_.rule_.pool.nodes[node.args[0]];
  const ColumnData* column = arg.op == NodeOp::Column ? &rule_.data_.column(arg.column) : nullptr;
  if (column != nullptr && column->type != ValueType::Money && !column->narrow) {
    // year(contract_date): straight from the column, without its 64-bit copy.
    const std::int32_t* values = column->values.data();
    bool ok = true;
    for_each_selected(sel, n, [&](std::size_t i, std::uint32_t row) {
      const std::int32_t v = values[row];
      ok = ok && convert(v == kNull32 ? kNull64 : v, i, row);
    });
    return ok;
  }
  if (!eval(node.args[0], sel, n)) return false;
  const std::int64_t* in = buffers_->values[node.args[0]].data();
  for (std::size_t i = 0; i < n; ++i) {
    if (!convert(in[i], i, sel[i])) return false;
  }
  return true;
}

bool RangeRun::eval(std::uint32_t index, const std::uint32_t* sel, std::size_t n) {
  const ExprNode& node = rule_.rule_.pool.nodes[index];
  const Dataset& data = rule_.data_;
  std::int64_t* out = buffers_->values[index].data();
  switch (node.op) {
    case NodeOp::Constant:
      std::fill(out, out + n, node.value);
      return true;
    case NodeOp::TextConstant:
      std::fill(out, out + n, rule_.text_codes_[index]);
      return true;
    case NodeOp::Column: {
      const ColumnData& column = data.column(node.column);
      if (column.type == ValueType::Money) {
        const std::int64_t* cents = column.cents.data();
        for_each_selected(sel, n, [&](std::size_t i, std::uint32_t row) { out[i] = cents[row]; });
      } else if (column.narrow) {
        const std::uint8_t* bytes = column.bytes.data();
        for_each_selected(sel, n, [&](std::size_t i, std::uint32_t row) {
          const std::uint8_t v = bytes[row];
          out[i] = v == kNull8 ? kNull64 : v;
        });
      } else {
        const std::int32_t* values = column.values.data();
        for_each_selected(sel, n, [&](std::size_t i, std::uint32_t row) {
          const std::int32_t v = values[row];
          out[i] = v == kNull32 ? kNull64 : v;
        });
      }
      return true;
    }
    case NodeOp::IsMissing: {
      const ColumnData& column = data.column(node.column);
      if (column.text_storage == TextStorage::Raw && column.type == ValueType::Text) {
        for (std::size_t i = 0; i < n; ++i) out[i] = column.raw_text(sel[i]).empty();
      } else if (column.type == ValueType::Money) {
        for (std::size_t i = 0; i < n; ++i) out[i] = column.cents[sel[i]] == kNull64;
      } else {
        for (std::size_t i = 0; i < n; ++i) out[i] = column.value(sel[i]) == kNull32;
      }
      return true;
    }
    case NodeOp::Year: return eval_period(node, sel, n, out, [](YearMonth date) -> std::int64_t { return date.year; });
    case NodeOp::HalfOfYear:
      return eval_period(node, sel, n, out, [](YearMonth date) -> std::int64_t { return date.month <= 6 ? 1 : 2; });
    case NodeOp::QuarterOfYear:
      return eval_period(node, sel, n, out, [](YearMonth date) -> std::int64_t { return (date.month + 2) / 3; });
    case NodeOp::MonthOfYear:
      return eval_period(node, sel, n, out, [](YearMonth date) -> std::int64_t { return date.month; });
    case NodeOp::Lookup: {
      std::array<const std::int64_t*, 8> args{};
      for (std::size_t k = 0; k < node.args.size(); ++k) {
        if (!eval(node.args[k], sel, n)) return false;
        args[k] = buffers_->values[node.args[k]].data();
      }
      const DenseTable& table = rule_.tables_[node.table];
      if (table.dense() && table.dimensions() == node.args.size()) {
        if (node.args.size() == 1) return lookup_dense<1>(node, table, args.data(), sel, n, out);
        if (node.args.size() == 2) return lookup_dense<2>(node, table, args.data(), sel, n, out);
      }
      std::array<std::int64_t, 8> keys{};
      for (std::size_t i = 0; i < n; ++i) {
        bool missing_key = false;
        for (std::size_t k = 0; k < node.args.size(); ++k) {
          keys[k] = args[k][i];
          missing_key = missing_key || keys[k] == kNull64;
        }
        if (missing_key) {
          out[i] = kNull64;
          continue;
        }
        out[i] = table.value_or_null(keys.data());
        if (out[i] == kNull64) lookup_absent(node, table, keys.data(), sel[i], out[i]);
      }
      return true;
    }
    case NodeOp::Add:
    case NodeOp::Subtract:
    case NodeOp::Multiply: {
      if (!eval(node.args[0], sel, n) || !eval(node.args[1], sel, n)) return false;
      const std::int64_t* a = buffers_->values[node.args[0]].data();
      const std::int64_t* b = buffers_->values[node.args[1]].data();
      for (std::size_t i = 0; i < n; ++i) {
        if (a[i] == kNull64 || b[i] == kNull64) {
          out[i] = kNull64;
          continue;
        }
        bool overflow = false;
        if (node.op == NodeOp::Add) overflow = __builtin_add_overflow(a[i], b[i], &out[i]);
        else if (node.op == NodeOp::Subtract) overflow = __builtin_sub_overflow(a[i], b[i], &out[i]);
        else overflow = __builtin_mul_overflow(a[i], b[i], &out[i]);
        if (overflow || out[i] == kNull64) {
          error_ = "arithmetic overflow for " + data.schema().name + " record '" +
                   std::string(data.record_id(sel[i])) + "'";
          return false;
        }
      }
      return true;
    }
    case NodeOp::Negate: {
      if (!eval(node.args[0], sel, n)) return false;
      const std::int64_t* a = buffers_->values[node.args[0]].data();
      for (std::size_t i = 0; i < n; ++i) out[i] = a[i] == kNull64 ? kNull64 : -a[i];
      return true;
    }
    case NodeOp::Compare: {
      if (!eval(node.args[0], sel, n) || !eval(node.args[1], sel, n)) return false;
      const std::int64_t* a = buffers_->values[node.args[0]].data();
      const std::int64_t* b = buffers_->values[node.args[1]].data();
      switch (node.compare_op) {
        case CompareOp::Lt: compare_rows(a, b, out, n, std::less<>{}); break;
        case CompareOp::Le: compare_rows(a, b, out, n, std::less_equal<>{}); break;
        case CompareOp::Eq: compare_rows(a, b, out, n, std::equal_to<>{}); break;
        case CompareOp::Ne: compare_rows(a, b, out, n, std::not_equal_to<>{}); break;
        case CompareOp::Ge: compare_rows(a, b, out, n, std::greater_equal<>{}); break;
        case CompareOp::Gt: compare_rows(a, b, out, n, std::greater<>{}); break;
      }
      return true;
    }
    case NodeOp::InSet: {
      if (!eval(node.args[0], sel, n)) return false;
      const std::int64_t* a = buffers_->values[node.args[0]].data();
      const MemberSet& members = *rule_.sets_[index];
      for (std::size_t i = 0; i < n; ++i) out[i] = members.contains(a[i]);
      return true;
    }
    case NodeOp::Indicator: {
      if (!eval(node.args[0], sel, n)) return false;
      const std::int64_t* a = buffers_->values[node.args[0]].data();
      for (std::size_t i = 0; i < n; ++i) out[i] = a[i] == 1 ? 1 : 0;  // missing counts as not holding
      return true;
    }
    case NodeOp::Not: {
      if (!eval(node.args[0], sel, n)) return false;
      const std::int64_t* a = buffers_->values[node.args[0]].data();
      for (std::size_t i = 0; i < n; ++i) out[i] = a[i] == 1 ? 0 : 1;  // missing counts as false
      return true;
    }
    case NodeOp::And:
    case NodeOp::Or: {
      // Short-circuit per row: the right side only sees the rows the left side did not decide,
      // so a look-up on the right is never made for a row that does not need it.
      if (!eval(node.args[0], sel, n)) return false;
      const std::int64_t* a = buffers_->values[node.args[0]].data();
      const std::int64_t undecided = node.op == NodeOp::And ? 1 : 0;
      std::uint32_t* sub = buffers_->selections[index].data();
      // Both loops without a branch: which rows are undecided is not predictable.
      std::size_t m = 0;
      for (std::size_t i = 0; i < n; ++i) {
        sub[m] = sel[i];
        m += (a[i] == 1) == (undecided == 1);
      }
      if (m > 0 && !eval(node.args[1], sub, m)) return false;
      // b[j] is read for every row but used only for the undecided ones; j < n <= kBatch.
      const std::int64_t* b = buffers_->values[node.args[1]].data();
      std::size_t j = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const bool left = a[i] == 1;
        const bool open = left == (undecided == 1);
        out[i] = open ? b[j] == 1 : left;
        j += open;
      }
      return true;
    }
  }
  return false;
}

// A group key's value for a date: its year, half year, quarter or month.
std::int64_t period_key(GroupKeyKind kind, YearMonth date) {
  switch (kind) {
    case GroupKeyKind::Year: return date.year;
    case GroupKeyKind::HalfYear: return date.year * 10 + (date.month <= 6 ? 1 : 2);
    case GroupKeyKind::Quarter: return date.year * 10 + (date.month + 2) / 3;
    case GroupKeyKind::Month: return date.year * 100 + date.month;
    case GroupKeyKind::Column: break;
  }
  return 0;
}

// `value`'s field of a packed key (see KeyPacking): 0 for missing, kUnpacked outside the span.
inline std::uint64_t packed_field(std::int64_t value, const KeyPacking& packing) {
  const std::uint64_t offset = static_cast<std::uint64_t>(value) - static_cast<std::uint64_t>(packing.low);
  return value == kNull64 ? 0 : offset < packing.span ? (offset + 1) << packing.shift : kUnpacked;
}

std::int64_t RangeRun::key_value(const GroupKey& key, std::uint32_t row) const {
  const ColumnData& column = rule_.data_.column(key.column);
  // A record id (unique, one row each) groups by the row that holds it.
  if (column.text_storage == TextStorage::Raw) return row;
  std::int64_t value = 0;
  if (column.type == ValueType::Money) {
    value = column.cents[row];
    if (key.kind == GroupKeyKind::Column) return value;
  } else {
    const std::int32_t v = column.value(row);
    value = v == kNull32 ? kNull64 : v;
  }
  if (key.kind == GroupKeyKind::Column || value == kNull64) return value;
  return period_key(key.kind, MonthTable::get().of(static_cast<std::int32_t>(value)));
}

void RangeRun::key_values(const GroupKey& key, const std::uint32_t* rows, std::size_t n, std::int64_t* out) const {
  for (std::size_t i = 0; i < n; ++i) out[i] = key_value(key, rows[i]);
}

void RangeRun::pack_keys(const std::uint32_t* rows, std::size_t n, std::uint64_t* packed) const {
  // Each key ORs its field into the packed keys straight from its column: no 64-bit key values
  // in between, and the common kinds (a code, a year of a date) each have a loop of their own.
  std::fill(packed, packed + n, 0);
  const MonthTable& months = MonthTable::get();
  for (std::size_t k = 0; k < rule_.keys_.size(); ++k) {
    const GroupKey& key = rule_.keys_[k];
    const KeyPacking& packing = rule_.packing_[k];
    const ColumnData& column = rule_.data_.column(key.column);
    if (column.text_storage == TextStorage::Raw) {
      for_each_selected(rows, n, [&](std::size_t i, std::uint32_t row) { packed[i] |= packed_field(row, packing); });
    } else if (column.type == ValueType::Money) {
      for_each_selected(rows, n, [&](std::size_t i, std::uint32_t row) {
        packed[i] |= packed_field(key_value(key, row), packing);
      });
    } else if (column.narrow) {
      const std::uint8_t* bytes = column.bytes.data();
      for_each_selected(rows, n, [&](std::size_t i, std::uint32_t row) {
        const std::uint8_t v = bytes[row];
        const std::int64_t value = v == kNull8 ? kNull64 : v;
        packed[i] |= packed_field(key.kind == GroupKeyKind::Column ? value : key_value(key, row), packing);
      });
    } else if (key.kind == GroupKeyKind::Column) {
      const std::int32_t* values = column.values.data();
      for_each_selected(rows, n, [&](std::size_t i, std::uint32_t row) {
        const std::int32_t v = values[row];
        packed[i] |= packed_field(v == kNull32 ? kNull64 : v, packing);
      });
    } else if (key.kind == GroupKeyKind::Year) {
      const std::int32_t* values = column.values.data();
      for_each_selected(rows, n, [&](std::size_t i, std::uint32_t row) {
        const std::int32_t v = values[row];
        packed[i] |= v == kNull32 ? 0 : packed_field(months.of(v).year, packing);
      });
    } else {
      const std::int32_t* values = column.values.data();
      for_each_selected(rows, n, [&](std::size_t i, std::uint32_t row) {
        const std::int32_t v = values[row];
        packed[i] |= v == kNull32 ? 0 : packed_field(period_key(key.kind, months.of(v)), packing);
      });
    }
  }
}

std::uint32_t RangeRun::group_of_key_values(const GroupKeyValues& key, std::uint32_t row) {
  const std::size_t before = groups_.size();
  const std::uint32_t group = group_index_.find_or_add(key, groups_);
  // A limit against pathological input (docs/robustness.md): every group costs an accumulator
  // and a result, so a rule grouped by a near-unique column must stop with an error, not
  // exhaust memory.
  if (groups_.size() > before && groups_.size() > kMaxGroups && error_.empty()) {
    const Dataset& data = rule_.data_;
    error_ = "more than " + std::to_string(kMaxGroups) + " groups (at " + data.schema().name + " record '" +
             std::string(data.record_id(row)) + "', line " + std::to_string(data.source_line(row)) +
             "); group by fewer or coarser keys";
  }
  return group;
}

std::uint32_t RangeRun::group_of_row(std::uint32_t row) {
  GroupKeyValues key;
  for (std::size_t k = 0; k < rule_.keys_.size(); ++k) key.values[k] = key_value(rule_.keys_[k], row);
  return group_of_key_values(key, row);
}

std::size_t RangeRun::assign_groups(const std::uint32_t* rows, std::size_t n) {
  std::uint32_t* tags = rule_.row_tags_.get();
  std::size_t lookups = 0;
  // Exports are usually sorted: the previous row's group is the likeliest.
  std::uint32_t last_group = kNoIndex;
  if (rule_.packs_keys_) {
    std::uint64_t* packed = buffers_->packed_keys.data();
    pack_keys(rows, n, packed);
    std::uint64_t last_packed = kUnpacked;  // none
    for (std::size_t i = 0; i < n; ++i) {
      if ((packed[i] & kUnpacked) != 0) {
        last_group = group_of_row(rows[i]);
        last_packed = kUnpacked;
        ++lookups;
      } else if (packed[i] != last_packed) {
        ++lookups;
        // The first time a packed key is seen, its group is found (or made) by its values.
        last_group = packed_index_.find_or_add(packed[i], [&] { return group_of_row(rows[i]); });
        last_packed = packed[i];
      }
      tags[rows[i]] = last_group << kStateBits | kNotMeasured;
    }
    return lookups;
  }
  for (std::size_t k = 0; k < rule_.keys_.size(); ++k) key_values(rule_.keys_[k], rows, n, buffers_->keys[k].data());
  GroupKeyValues last_key;
  for (std::size_t i = 0; i < n; ++i) {
    GroupKeyValues key;
    for (std::size_t k = 0; k < rule_.keys_.size(); ++k) key.values[k] = buffers_->keys[k][i];
    if (last_group == kNoIndex || !(key == last_key)) {
      last_group = group_of_key_values(key, rows[i]);
      last_key = key;
      ++lookups;
    }
    tags[rows[i]] = last_group << kStateBits | kNotMeasured;
  }
  return lookups;
}

void RangeRun::run(BatchBuffers& buffers) {
  const CompiledRule& rule = rule_.rule_;
  buffers.fit(rule.pool.nodes.size());
  buffers_ = &buffers;
  std::uint32_t* in_scope = buffers.in_scope.data();
  std::uint32_t* filtered = buffers.filtered.data();
  std::uint32_t* measured = buffers.measured.data();
  std::uint32_t* exempted = buffers.exempted.data();
  const MeasureKind kind = rule.measure.kind;
  const bool predicate = kind == MeasureKind::CountIf || kind == MeasureKind::Share;
  std::uint32_t* tags = rule_.row_tags_.get();
  struct ScopeView {
    const std::int32_t* codes;
    const std::uint8_t* allowed;
  };
  std::array<ScopeView, 2> scopes{};
  const std::size_t scope_count = rule_.scopes_.size();
  for (std::size_t k = 0; k < scope_count; ++k) {
    scopes[k] = ScopeView{rule_.data_.column(rule_.scopes_[k].column).values.data(), rule_.scopes_[k].allowed.data()};
  }

  for (std::size_t begin = begin_; begin < end_; begin += kBatch) {
    const std::size_t end = std::min(end_, begin + kBatch);
    std::size_t n = 0;
    for (std::size_t row = begin; row < end; ++row) {
      bool in = true;
      for (std::size_t k = 0; k < scope_count; ++k) {
        const std::int32_t code = scopes[k].codes[row];
        in = in && code >= 0 && scopes[k].allowed[static_cast<std::size_t>(code)];
      }
      if (!in) {
        tags[row] = kOutOfScope;
        continue;
      }
      in_scope[n++] = static_cast<std::uint32_t>(row);
    }
    const std::size_t group_lookups = assign_groups(in_scope, n);  // every in-scope group exists, even if the filter empties it
    if (!error_.empty()) break;  // too many groups
    if (n == 0) continue;

    std::size_t f = n;
    const std::uint32_t* sel = in_scope;
    if (rule.filter != kNoIndex) {
      if (!eval(rule.filter, in_scope, n)) break;
      const std::int64_t* keep = buffers_->values[rule.filter].data();
      f = 0;
      for (std::size_t i = 0; i < n; ++i) {  // without a branch: the filter's outcome is not predictable
        filtered[f] = in_scope[i];
        f += keep[i] == 1;
      }
      sel = filtered;
    }
    std::size_t m = f;
    std::size_t x = 0;
    if (rule.exempt != kNoIndex && f > 0) {
      if (!eval(rule.exempt, sel, f)) break;
      const std::int64_t* is_exempt = buffers_->values[rule.exempt].data();
      m = 0;
      for (std::size_t i = 0; i < f; ++i) {
        const bool exempt = is_exempt[i] == 1;
        exempted[x] = sel[i];
        measured[m] = sel[i];
        x += exempt;
        m += !exempt;
      }
      sel = measured;
      if (x > 0 && predicate) {
        if (!eval(rule.measure.expr, exempted, x)) break;
        const std::int64_t* value = buffers_->values[rule.measure.expr].data();
        for (std::size_t i = 0; i < x; ++i) groups_[tags[exempted[i]] >> kStateBits].exempt_matching += value[i] == 1;
      }
      for (std::size_t i = 0; i < x; ++i) {
        ++groups_[tags[exempted[i]] >> kStateBits].exempt;
        tags[exempted[i]] |= kExempt;
      }
    }
    if (m == 0) continue;

    if (rule.measure.expr != kNoIndex) {
      if (!eval(rule.measure.expr, sel, m)) break;
    }
    const std::int64_t* value = rule.measure.expr != kNoIndex ? buffers_->values[rule.measure.expr].data() : nullptr;
    const std::int64_t* whole = nullptr;
    if (rule.measure.expr2 != kNoIndex) {
      if (!eval(rule.measure.expr2, sel, m)) break;
      whole = buffers_->values[rule.measure.expr2].data();
    }
    if (predicate && group_lookups * 8 < n) {
      // Long runs of one group (a stock file sorted by snapshot and corporation): count a run in
      // registers and add it once; an increment in memory per row waits on the previous row's.
      for (std::size_t i = 0; i < m;) {
        const std::uint32_t group = tags[sel[i]] >> kStateBits;
        std::uint64_t records = 0, matching = 0;
        for (; i < m && tags[sel[i]] >> kStateBits == group; ++i) {
          const bool yes = value[i] == 1;
          ++records;
          matching += yes;
          tags[sel[i]] |= yes ? kMeasuredTrue : kMeasuredFalse;
        }
        groups_[group].records += records;
        groups_[group].matching += matching;
      }
      continue;
    }
    if (predicate) {
      for (std::size_t i = 0; i < m; ++i) {
        std::uint32_t& tag = tags[sel[i]];
        Accumulator& acc = groups_[tag >> kStateBits];
        const bool yes = value[i] == 1;
        ++acc.records;
        acc.matching += yes;
        tag |= yes ? kMeasuredTrue : kMeasuredFalse;
      }
      continue;
    }
    const bool net = kind == MeasureKind::Net;
    for (std::size_t i = 0; i < m; ++i) {
      std::uint32_t& tag = tags[sel[i]];
      Accumulator& acc = groups_[tag >> kStateBits];
      ++acc.records;
      // A net figure's evidence is the records that move it one way: those that add (true) or
      // those that take away (false); a record that weighs nothing is none.
      tag |= !net ? kMeasuredTrue : value[i] > 0 ? kMeasuredTrue : value[i] < 0 ? kMeasuredFalse : kNotMeasured;
      if (whole != nullptr) {
        // A ratio counts a record only when both its part and its whole are known.
        if (value[i] == kNull64 || whole[i] == kNull64) continue;
        ++acc.present;
        if (__builtin_add_overflow(acc.sum, value[i], &acc.sum) ||
            __builtin_add_overflow(acc.whole, whole[i], &acc.whole)) {
          error_ = "the sum overflows";
        }
        acc.sum_low = std::min(acc.sum_low, acc.sum);
        acc.sum_high = std::max(acc.sum_high, acc.sum);
        acc.whole_low = std::min(acc.whole_low, acc.whole);
        acc.whole_high = std::max(acc.whole_high, acc.whole);
        continue;
      }
      if (value != nullptr && value[i] != kNull64) {
        ++acc.present;
        if (__builtin_add_overflow(acc.sum, value[i], &acc.sum)) {
          error_ = "the sum overflows";
        }
        acc.sum_low = std::min(acc.sum_low, acc.sum);
        acc.sum_high = std::max(acc.sum_high, acc.sum);
        acc.min = std::min(acc.min, value[i]);
        acc.max = std::max(acc.max, value[i]);
      }
    }
    if (!error_.empty()) break;
  }
}

bool RuleRun::merge_ranges() {
  if (ranges_.size() == 1) {
    // One range is one pass in row order: its groups and its error are the rule's.
    RangeRun& range = *ranges_.front();
    error_ = range.error();
    groups_ = range.groups();
    group_errors_ = range.group_errors();
    group_errors_.resize(groups_.size());
    range.merged_group.resize(groups_.size());
    for (std::uint32_t g = 0; g < groups_.size(); ++g) range.merged_group[g] = g;
    return true;
  }
  // Would a running 64-bit sum starting at `offset` leave 64 bits within a range whose own
  // running sums lie in [low, high]?
  auto leaves_64_bits = [](std::int64_t offset, std::int64_t low, std::int64_t high) {
    return static_cast<Int128>(offset) + low < std::numeric_limits<std::int64_t>::min() ||
           static_cast<Int128>(offset) + high > std::numeric_limits<std::int64_t>::max();
  };
  GroupTable index;
  for (const auto& range : ranges_) {
    // An error in one pass in row order could have come earlier or read otherwise (the group
    // limit and an overflowing sum are crossed at other rows): the caller makes that pass.
    if (!range->error().empty()) return false;
    range->merged_group.resize(range->groups().size());
    for (std::size_t local = 0; local < range->groups().size(); ++local) {
      const Accumulator& part = range->groups()[local];
      const std::uint32_t g = index.find_or_add(part.key, groups_);
      if (groups_.size() > kMaxGroups) return false;
      range->merged_group[local] = g;
      Accumulator& acc = groups_[g];
      if (leaves_64_bits(acc.sum, part.sum_low, part.sum_high) ||
          leaves_64_bits(acc.whole, part.whole_low, part.whole_high)) {
        return false;
      }
      acc.records += part.records;
      acc.matching += part.matching;
      acc.exempt += part.exempt;
      acc.exempt_matching += part.exempt_matching;
      acc.present += part.present;
      acc.sum += part.sum;
      acc.whole += part.whole;
      acc.min = std::min(acc.min, part.min);
      acc.max = std::max(acc.max, part.max);
      // The first record in file order that lacked a value: ranges merge in row order.
      if (local < range->group_errors().size() && !range->group_errors()[local].empty()) {
        if (group_errors_.size() <= g) group_errors_.resize(g + 1);
        if (group_errors_[g].empty()) group_errors_[g] = range->group_errors()[local];
      }
    }
  }
  group_errors_.resize(groups_.size());
  return true;
}

RuleResult RuleRun::error_result(const std::string& message) const {
  RuleResult result;
  result.rule = &rule_;
  result.status = Status::Error;
  result.message = message;
  return result;
}

std::vector<RuleResult> RuleRun::finish(BatchBuffers& buffers) {
  if (!merge_ranges()) {
    // Something stopped a range: evaluate again in one pass, which stops where and as it should.
    groups_.clear();
    group_errors_.clear();
    ranges_.clear();
    ranges_.push_back(std::make_unique<RangeRun>(*this, 0, data_.row_count()));
    ranges_.front()->run(buffers);
    merge_ranges();
  }
  if (!error_.empty()) return {error_result(error_)};
  if (rule_.divisor && divisor_data_ != nullptr) {
    // The divisor's figures per group: the same groups over the other dataset, in one pass here.
    RuleRun divisor(*rule_.divisor, *divisor_data_, tables_, as_of_, divisor_data_->row_count() + 1);
    for (std::size_t range = 0; range < divisor.range_count(); ++range) divisor.run_range(range, buffers);
    for (const RuleResult& result : divisor.finish(buffers)) {
      if (result.status == Status::Error) return {error_result("the divisor: " + result.message)};
      if (result.measure) divisor_values_[format_group(result.group)] = *result.measure;
    }
  }
  std::vector<std::uint32_t> group_of_result;  // the (latest) group behind each result
  std::vector<RuleResult> results = rule_.target ? finish_deadline(group_of_result) : finish_groups(group_of_result);
  add_expected_groups(results, group_of_result);
  if (results.empty()) {
    RuleResult empty;
    empty.rule = &rule_;
    empty.status = Status::NoData;
    const std::string& name = data_.schema().name;
    std::string scope;
    if (!rule_.scope_municipality.empty()) scope = "municipality " + rule_.scope_municipality;
    if (!rule_.scope_corporations.empty()) {
      scope += (scope.empty() ? "" : "; ") + std::string("corporations ");
      for (std::size_t i = 0; i < rule_.scope_corporations.size(); ++i) {
        scope += (i > 0 ? ", " : "") + rule_.scope_corporations[i];
      }
    }
    empty.message = data_.row_count() == 0 ? "the " + name + " data has no rows"
                    : groups_.empty()      ? "no " + name + " rows in scope" + (scope.empty() ? "" : " (" + scope + ")")
                                           : "no " + name + " records pass the rule's filter";
    empty.outside_validity = rule_.never_valid;
    results.push_back(std::move(empty));
  }
  return results;
}

// Whether a group with these key values (the first `count` keys) lies wholly outside the rule's
// effective period: a year, half-year, quarter, month or date key before or after it.
bool RuleRun::outside_period(const GroupKeyValues& key, std::size_t count) const {
  return rule_.never_valid || outside(key, count, rule_.valid_from, rule_.valid_to);
}

// Whether the group lies wholly outside the rule's own period (the law it encodes).
bool RuleRun::outside_own_period(const GroupKeyValues& key, std::size_t count) const {
  return outside(key, count, rule_.own_from, rule_.own_to);
}

bool RuleRun::outside(const GroupKeyValues& key, std::size_t count, std::optional<std::int32_t> valid_from,
                      std::optional<std::int32_t> valid_to) const {
  if (!valid_from && !valid_to) return false;
  for (std::size_t k = 0; k < count; ++k) {
    const std::int64_t v = key.values[k];
    if (v == kNull64) continue;
    std::int32_t first = 0, last = 0;
    switch (keys_[k].kind) {
      case GroupKeyKind::Year:
        first = days_from_civil(static_cast<std::int32_t>(v), 1, 1);
        last = days_from_civil(static_cast<std::int32_t>(v), 12, 31);
        break;
      case GroupKeyKind::HalfYear: {
        const auto year = static_cast<std::int32_t>(v / 10);
        const bool second = v % 10 == 2;
        first = days_from_civil(year, second ? 7 : 1, 1);
        last = days_from_civil(year, second ? 12 : 6, second ? 31 : 30);
        break;
      }
      case GroupKeyKind::Quarter: {
        const auto year = static_cast<std::int32_t>(v / 10);
        const auto q = static_cast<std::uint32_t>(v % 10);
        first = days_from_civil(year, 3 * q - 2, 1);
        last = days_from_civil(year, 3 * q, days_in_month(year, 3 * q));
        break;
      }
      case GroupKeyKind::Month: {
        const auto year = static_cast<std::int32_t>(v / 100);
        const auto month = static_cast<std::uint32_t>(v % 100);
        first = days_from_civil(year, month, 1);
        last = days_from_civil(year, month, days_in_month(year, month));
        break;
      }
      case GroupKeyKind::Column:
        if (data_.schema().column(keys_[k].column).type != ValueType::Date) continue;
        first = last = static_cast<std::int32_t>(v);  // a snapshot date
        break;
    }
    if ((valid_to && first > *valid_to) || (valid_from && last < *valid_from)) return true;
  }
  return false;
}

// `expect KEY in {...}`: every expected value, combined with the values the other keys take in
// the results, is a group; one without a result is reported as no_data, on purpose.
void RuleRun::add_expected_groups(std::vector<RuleResult>& results, std::vector<std::uint32_t>& group_of_result) const {
  if (rule_.expected.empty()) return;
  const std::size_t count = rule_.group_keys.size();
  std::vector<const ExpectedKey*> expected_at(count, nullptr);
  for (const ExpectedKey& expected : rule_.expected) expected_at[expected.key] = &expected;
  auto same_field = [](const GroupField& a, const GroupField& b) { return a.number == b.number && a.text == b.text; };
  // The combinations of the keys that are not expected, as the results show them.
  std::vector<std::size_t> templates;
  for (std::size_t r = 0; r < results.size(); ++r) {
    if (results[r].group.size() != count) continue;
    const bool seen = std::any_of(templates.begin(), templates.end(), [&](std::size_t t) {
      for (std::size_t k = 0; k < count; ++k) {
        if (expected_at[k] == nullptr && !same_field(results[t].group[k], results[r].group[k])) return false;
      }
      return true;
    });
    if (!seen) templates.push_back(r);
  }
  const bool all_expected = std::all_of(expected_at.begin(), expected_at.end(), [](const ExpectedKey* e) { return e != nullptr; });
  if (templates.empty() && !all_expected) return;
  const std::size_t template_count = templates.empty() ? 1 : templates.size();
  const std::size_t existing = results.size();
  for (std::size_t t = 0; t < template_count; ++t) {
    // Odometer over the expected values.
    std::vector<std::size_t> at(count, 0);
    while (true) {
      RuleResult result;
      result.rule = &rule_;
      GroupKeyValues key;
      key.values.fill(kNull64);
      if (!templates.empty()) key = groups_[group_of_result[templates[t]]].key;
      for (std::size_t k = 0; k < count; ++k) {
        GroupField field;
        field.name = keys_[k].label;
        if (const ExpectedKey* expected = expected_at[k]) {
          if (!expected->numbers.empty()) field.number = expected->numbers[at[k]];
          else field.text = expected->texts[at[k]];
          key.values[k] = keys_[k].kind == GroupKeyKind::Year && field.number ? *field.number : kNull64;
        } else {
          field = results[templates[t]].group[k];
        }
        result.group.push_back(std::move(field));
      }
      const bool present = std::any_of(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(existing),
                                       [&](const RuleResult& other) {
                                         if (other.group.size() != count) return false;
                                         for (std::size_t k = 0; k < count; ++k) {
                                           if (!same_field(other.group[k], result.group[k])) return false;
                                         }
                                         return true;
                                       });
      if (!present && !outside_own_period(key, count)) {
        result.status = Status::NoData;
        result.message = "no records after the filter (an expected group)";
        result.outside_validity = outside_period(key, count);
        results.push_back(std::move(result));
        group_of_result.push_back(kNoIndex);
      }
      std::size_t k = 0;
      for (; k < count; ++k) {
        if (expected_at[k] == nullptr) continue;
        const std::size_t size = std::max(expected_at[k]->numbers.size(), expected_at[k]->texts.size());
        if (++at[k] < size) break;
        at[k] = 0;
      }
      if (k == count) break;
    }
  }
}

// One result per group that has records after the filter (or an error), in order of first
// appearance (evaluate_rules sorts them by group). A group whose records the filter all left out
// is not reported: "no data" would read as "did not deliver data".
std::vector<RuleResult> RuleRun::finish_groups(std::vector<std::uint32_t>& group_of_result) {
  std::vector<RuleResult> results;
  std::vector<std::uint32_t> result_of_group(groups_.size(), kNoIndex);
  std::vector<bool> wants_evidence(groups_.size(), false);
  for (std::uint32_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g].records + groups_[g].exempt == 0 && group_errors_[g].empty()) continue;
    if (outside_own_period(groups_[g].key, keys_.size())) continue;  // not the law's years
    RuleResult result = finish_group(g);
    wants_evidence[g] = result.status == Status::Signal || result.status == Status::Breach;
    result_of_group[g] = static_cast<std::uint32_t>(results.size());
    results.push_back(std::move(result));
    group_of_result.push_back(g);
  }
  collect_evidence(results, result_of_group, wants_evidence);
  return results;
}

std::vector<GroupField> RuleRun::describe_key(const GroupKeyValues& key, std::size_t count) const {
  std::vector<GroupField> fields;
  for (std::size_t k = 0; k < count; ++k) {
    const GroupKey& spec = keys_[k];
    const std::int64_t v = key.values[k];
    GroupField field;
    field.name = spec.label;
    if (v != kNull64) {
      const ColumnData& column = data_.column(spec.column);
      switch (spec.kind) {
        case GroupKeyKind::Column:
          if (column.text_storage == TextStorage::Raw) {
            field.text = std::string(column.raw_text(static_cast<std::size_t>(v)));
            break;
          }
          switch (column.type) {
            case ValueType::Text: field.text = column.dictionary.value(static_cast<std::int32_t>(v)); break;
            case ValueType::Enum: field.text = data_.schema().column(spec.column).enum_values[static_cast<std::size_t>(v)]; break;
            case ValueType::Date: field.text = format_date(static_cast<std::int32_t>(v)); break;
            case ValueType::Bool: field.text = v != 0 ? "true" : "false"; break;
            default: field.number = v; break;
          }
          break;
        case GroupKeyKind::Year: field.number = v; break;
        case GroupKeyKind::HalfYear: field.text = std::to_string(v / 10) + "-H" + std::to_string(v % 10); break;
        case GroupKeyKind::Quarter: field.text = std::to_string(v / 10) + "-Q" + std::to_string(v % 10); break;
        case GroupKeyKind::Month: {
          const std::int64_t month = v % 100;
          field.text = std::to_string(v / 100) + (month < 10 ? "-0" : "-") + std::to_string(month);
          break;
        }
      }
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

// The measure of a group as an exact ratio, or nullopt when there is nothing to measure.
std::optional<Ratio> measure_of(const Accumulator& acc, MeasureKind kind) {
  if (acc.records == 0) return std::nullopt;
  switch (kind) {
    case MeasureKind::Count: return Ratio{static_cast<std::int64_t>(acc.records), 1};
    case MeasureKind::CountIf: return Ratio{static_cast<std::int64_t>(acc.matching), 1};
    case MeasureKind::Share:
      return Ratio{static_cast<std::int64_t>(acc.matching), static_cast<std::int64_t>(acc.records)};
    case MeasureKind::Ratio:
      if (acc.whole <= 0) return std::nullopt;  // nothing to divide by (or a negative whole)
      return Ratio{acc.sum, acc.whole};
    case MeasureKind::Sum:
      if (acc.present == 0) return std::nullopt;
      return Ratio{acc.sum, 1};
    case MeasureKind::Average:
      if (acc.present == 0) return std::nullopt;
      return Ratio{acc.sum, static_cast<std::int64_t>(acc.present)};
    case MeasureKind::Min:
      if (acc.present == 0) return std::nullopt;
      return Ratio{acc.min, 1};
    case MeasureKind::Max:
      if (acc.present == 0) return std::nullopt;
      return Ratio{acc.max, 1};
    case MeasureKind::Net: return Ratio{acc.sum, 1};
  }
  return std::nullopt;
}

// How many records would have to change for `threshold` to stop holding, for count and share
// measures: k records of n meet the predicate (count without predicate: k = n, n free).
std::optional<std::int64_t> records_to_clear(const Threshold& threshold, std::int64_t k, std::int64_t n, bool share) {
  const Int128 p = threshold.value.numerator;
  const Int128 q = threshold.value.denominator;
  // The boundary value of k: the measure is k/n for shares, k for counts.
  const Int128 scale = share ? n : 1;
  Int128 target = 0;
  switch (threshold.op) {
    case CompareOp::Gt: target = floor_div(p * scale, q); break;       // need k' <= t
    case CompareOp::Ge: target = ceil_div(p * scale, q) - 1; break;    // need k' < t
    case CompareOp::Lt: target = ceil_div(p * scale, q); break;        // need k' >= t
    case CompareOp::Le: target = floor_div(p * scale, q) + 1; break;   // need k' > t
    default: return std::nullopt;
  }
  if (target < 0) target = 0;
  if (share && target > n) target = n;
  const Int128 change = threshold.op == CompareOp::Gt || threshold.op == CompareOp::Ge ? k - target : target - k;
  return change > 0 ? static_cast<std::int64_t>(change) : 0;
}

std::int64_t RuleRun::series_key_of_date(std::int32_t date) const {
  const GroupKey& key = keys_.back();
  const CivilDate civil = civil_from_days(date);
  switch (key.kind) {
    case GroupKeyKind::Year: return civil.year;
    case GroupKeyKind::HalfYear: return civil.year * 10 + (civil.month <= 6 ? 1 : 2);
    case GroupKeyKind::Quarter: return civil.year * 10 + (civil.month + 2) / 3;
    case GroupKeyKind::Month: return civil.year * 100 + civil.month;
    case GroupKeyKind::Column: break;
  }
  return date;
}

bool RuleRun::resolve_thresholds(std::uint32_t group, std::vector<Threshold>& out, std::string& why,
                                 Status& status) const {
  out = rule_.thresholds;
  for (Threshold& threshold : out) {
    if (threshold.ref == ThresholdRef::Constant) continue;
    // The threshold's own term, then the constants written beside it, then any further terms.
    std::vector<std::string> notes;
    std::string note;
    if (!resolve_term(group, threshold, note, why, status)) return false;
    notes.push_back(std::move(note));
    Ratio total = threshold.value;
    bool fits = true;
    auto accumulate = [&](const Ratio& value, int sign) {
      const auto sum = add(total, value, sign);
      fits = fits && sum.has_value();
      if (sum) total = *sum;
    };
    if (threshold.offset.numerator != 0) accumulate(threshold.offset, 1);
    for (ThresholdTerm& term : threshold.more) {
      std::string more_note;
      if (!resolve_term(group, term, more_note, why, status)) return false;
      accumulate(term.value, term.sign);
      notes.push_back(std::move(more_note));
    }
    if (!fits) {
      why = "the threshold " + threshold.text + " does not fit in 64 bits for this group";
      status = Status::Error;
      return false;
    }
    threshold.value = total;
    std::string joined;
    for (const std::string& n : notes) joined += (joined.empty() ? "" : "; ") + n;
    threshold.text += " (" + joined + ")";
  }
  return true;
}

bool RuleRun::resolve_term(std::uint32_t group, ThresholdTerm& term, std::string& note, std::string& why,
                           Status& status) const {
  const Accumulator& self = groups_[group];
  const std::size_t series = keys_.empty() ? 0 : keys_.size() - 1;
  // The other groups of the same series (same keys but the last), for baseline, previous, next.
  auto same_series = [&](const Accumulator& other) {
    for (std::size_t k = 0; k < series; ++k) {
      if (other.key.values[k] != self.key.values[k]) return false;
    }
    return true;
  };
  switch (term.ref) {
    case ThresholdRef::Constant: note = format_value(term.value, rule_.measure.unit); return true;
    case ThresholdRef::Narrowed: {
      // The overrides narrowed to corporations or years: the last one that names this group's wins.
      const std::vector<GroupField> fields = describe_key(self.key, keys_.size());
      std::optional<std::string> corporation;
      if (term.corporation_key != kNoIndex) corporation = fields[term.corporation_key].text;
      std::optional<std::int64_t> year;
      if (term.year_key != kNoIndex && self.key.values[term.year_key] != kNull64) {
        const std::int64_t v = self.key.values[term.year_key];
        switch (keys_[term.year_key].kind) {
          case GroupKeyKind::Year: year = v; break;
          case GroupKeyKind::HalfYear:
          case GroupKeyKind::Quarter: year = v / 10; break;
          case GroupKeyKind::Month: year = v / 100; break;
          case GroupKeyKind::Column: year = civil_from_days(static_cast<std::int32_t>(v)).year; break;
        }
      }
      const NarrowedValue* applied = nullptr;
      for (const NarrowedValue& narrowed : term.narrowed) {
        const bool corporation_matches =
            narrowed.corporations.empty() ||
            (corporation && std::any_of(narrowed.corporations.begin(), narrowed.corporations.end(),
                                        [&](const std::string& name) { return equal_ignoring_case(name, *corporation); }));
        const bool year_matches = narrowed.years.empty() ||
                                  (year && std::find(narrowed.years.begin(), narrowed.years.end(), *year) !=
                                               narrowed.years.end());
        if (corporation_matches && year_matches) applied = &narrowed;
      }
      if (applied != nullptr) term.value = applied->value;
      note = applied != nullptr ? "override " + applied->text : format_value(term.value, rule_.measure.unit);
      return true;
    }
    case ThresholdRef::GroupTable: {
      const ParamTable& table = tables_[term.table].table();
      const std::vector<GroupField> fields = describe_key(self.key, keys_.size());
      std::string key_text;
      std::int32_t found = -1;
      for (std::size_t e = 0; e < table.entries.size() && found < 0; ++e) {
        bool match = true;
        for (std::size_t k = 0; k < term.table_keys.size() && match; ++k) {
          const GroupField& field = fields[term.table_keys[k]];
          const KeyRange& range = table.entries[e].keys[k];
          if (range.text) match = field.text && *field.text == *range.text;
          else match = field.number && *field.number >= range.low && *field.number <= range.high;
        }
        if (match) found = static_cast<std::int32_t>(e);
      }
      for (std::size_t k = 0; k < term.table_keys.size(); ++k) {
        const GroupField& field = fields[term.table_keys[k]];
        key_text += (k > 0 ? ", " : "") + table.key_names[k] + " " +
                    (field.text ? "'" + *field.text + "'" : field.number ? std::to_string(*field.number) : "(missing)");
      }
      if (found < 0 || !table.entries[static_cast<std::size_t>(found)].value) {
        why = "parameter table '" + table.name + "' has no value for " + key_text;
        status = Status::Error;
        return false;
      }
      const std::int64_t v = *table.entries[static_cast<std::size_t>(found)].value;
      term.value = table.type == ValueType::Fraction ? Ratio{v, 1000000} : Ratio{v, 1};
      note = format_value(term.value, rule_.measure.unit) + " for " + key_text;
      return true;
    }
    case ThresholdRef::Baseline:
    case ThresholdRef::Previous:
    case ThresholdRef::Next: break;
  }
  // Baseline: the latest period at or before the baseline date; previous: the latest period
  // before this one; next: the earliest period after this one.
  const std::int64_t own = self.key.values[series];
  if (term.ref == ThresholdRef::Baseline && own != kNull64 && own < series_key_of_date(*rule_.baseline)) {
    why = "before the baseline " + format_date(*rule_.baseline);
    status = Status::NoData;
    return false;
  }
  const Accumulator* reference = nullptr;
  for (const Accumulator& other : groups_) {
    const std::int64_t at = other.key.values[series];
    if (!same_series(other) || at == kNull64 || !measure_of(other, rule_.measure.kind)) continue;
    if (term.ref == ThresholdRef::Next) {
      if (own == kNull64 || at <= own) continue;
      if (reference == nullptr || at < reference->key.values[series]) reference = &other;
      continue;
    }
    // The baseline period may be this very group (it equals itself); the previous one never is.
    const std::int64_t limit = term.ref == ThresholdRef::Baseline ? series_key_of_date(*rule_.baseline) : own - 1;
    if (at > limit) continue;
    if (reference == nullptr || at > reference->key.values[series]) reference = &other;
  }
  if (reference == nullptr) {
    why = term.ref == ThresholdRef::Baseline ? "no measure at or before the baseline " + format_date(*rule_.baseline) +
                                                   " to compare with"
          : term.ref == ThresholdRef::Previous ? "no earlier period to compare with"
                                               : "no later period to compare with (yet)";
    status = Status::NoData;
    return false;
  }
  term.value = *measure_of(*reference, rule_.measure.kind);
  const std::vector<GroupField> at = describe_key(reference->key, keys_.size());
  const GroupField& period = at.back();
  note = format_value(term.value, rule_.measure.unit) + " at " +
         (period.text ? *period.text : period.number ? std::to_string(*period.number) : "?");
  return true;
}

void RuleRun::decide(RuleResult& result, const Accumulator& acc, const std::vector<Threshold>& thresholds) const {
  if (!result.measure) {
    result.status = Status::NoData;
    if (acc.records == 0) {
      result.message = acc.exempt > 0 ? "every record of this group is exempt" : "no records after the filter";
    }
    return;
  }
  result.status = Status::Ok;
  for (const Threshold& threshold : thresholds) {  // breach first
    if (holds(compare(*result.measure, threshold.value), threshold.op)) {
      result.status = threshold.status;
      result.threshold = threshold;
      break;
    }
  }
  if (!result.threshold && !thresholds.empty()) {
    result.threshold = thresholds.back();  // ok: held to the strictest (signal if any)
  }

  const MeasureKind kind = rule_.measure.kind;
  const bool countable = (kind == MeasureKind::Count || kind == MeasureKind::CountIf || kind == MeasureKind::Share ||
                          kind == MeasureKind::Net) &&
                         !rule_.divisor;  // a quotient of two datasets: how many to change is not one number
  if (!countable || (result.status != Status::Signal && result.status != Status::Breach)) return;
  const bool share = kind == MeasureKind::Share;
  const std::int64_t k = kind == MeasureKind::Count ? static_cast<std::int64_t>(acc.records)
                         : kind == MeasureKind::Net ? acc.sum
                                                    : static_cast<std::int64_t>(acc.matching);
  const std::int64_t n = static_cast<std::int64_t>(acc.records);
  result.remedy = records_to_clear(*result.threshold, k, n, share);
  std::int64_t to_ok = 0;
  for (const Threshold& threshold : thresholds) {
    if (holds(compare(*result.measure, threshold.value), threshold.op)) {
      to_ok = std::max(to_ok, records_to_clear(threshold, k, n, share).value_or(0));
    }
  }
  result.remedy_to_ok = to_ok;
  const bool fewer = result.threshold->op == CompareOp::Gt || result.threshold->op == CompareOp::Ge;
  const std::string status(status_name(result.status));
  if (kind == MeasureKind::Count) {
    result.remedy_text = std::to_string(*result.remedy) + (fewer ? " fewer" : " more") + " records would clear the " +
                         status + " threshold";
  } else if (kind == MeasureKind::Net) {
    result.remedy_text = std::to_string(*result.remedy) + (fewer ? " fewer" : " more") +
                         " on balance (additions minus removals) would clear the " + status + " threshold";
  } else {
    const std::int64_t wanted = fewer ? k - *result.remedy : k + *result.remedy;
    result.remedy_text = std::to_string(*result.remedy) + (fewer ? " fewer" : " more") +
                         " records meeting the condition (" + (fewer ? "at most " : "at least ") +
                         std::to_string(wanted) + (share ? " of " + std::to_string(n) : "") + ") would clear the " +
                         status + " threshold";
  }
  if (to_ok != *result.remedy) result.remedy_text += "; " + std::to_string(to_ok) + " to be ok";
}

RuleResult RuleRun::finish_group(std::uint32_t group) const {
  const Accumulator& acc = groups_[group];
  RuleResult result;
  result.rule = &rule_;
  result.group = describe_key(acc.key, keys_.size());
  result.records = acc.records;
  result.exempt = acc.exempt;
  result.exempt_matching = acc.exempt_matching;
  result.measure = measure_of(acc, rule_.measure.kind);
  if (rule_.measure.kind == MeasureKind::Share) {
    result.numerator = static_cast<std::int64_t>(acc.matching);
    result.denominator = static_cast<std::int64_t>(acc.records);
  }
  if (rule_.measure.kind == MeasureKind::Ratio) {
    result.numerator = acc.sum;
    result.denominator = acc.whole;
  }
  result.outside_validity = outside_period(acc.key, keys_.size());
  if (rule_.divisor && result.measure && group_errors_[group].empty()) {
    // count / other.count for the same group: no figure to divide by is no measure.
    const auto divisor = divisor_values_.find(format_group(result.group));
    const std::int64_t count = result.measure->numerator;
    if (divisor == divisor_values_.end() || divisor->second.numerator <= 0) {
      result.measure.reset();
      result.status = Status::NoData;
      result.message = "no " + rule_.divisor->dataset->name + " figure to divide by for this group";
      return result;
    }
    result.numerator = count;
    result.denominator = divisor->second.numerator;
    result.measure = Ratio{count, divisor->second.numerator};
  }
  if (!group_errors_[group].empty()) {
    // A value the rule needs is missing for a record of this group: its measure cannot be
    // trusted. Outside the rule's period it decides nothing: a note, not an error.
    result.measure.reset();
    result.numerator.reset();
    result.denominator.reset();
    result.status = result.outside_validity ? Status::NotEvaluated : Status::Error;
    result.message = group_errors_[group];
    return result;
  }
  std::vector<Threshold> thresholds;
  std::string why;
  Status unresolved = Status::NoData;
  if (result.measure && !resolve_thresholds(group, thresholds, why, unresolved)) {
    result.status = unresolved;
    result.message = why;
  } else {
    decide(result, acc, thresholds.empty() ? rule_.thresholds : thresholds);
  }
  return result;
}

void RuleRun::collect_evidence(std::vector<RuleResult>& results, const std::vector<std::uint32_t>& result_of_group,
                               const std::vector<bool>& wants_evidence) const {
  if (std::none_of(wants_evidence.begin(), wants_evidence.end(), [](bool b) { return b; })) return;
  // A net figure's records are tagged by the way they move it, as a predicate's by whether they meet it.
  const bool predicate = rule_.measure.kind == MeasureKind::CountIf || rule_.measure.kind == MeasureKind::Share ||
                         rule_.measure.kind == MeasureKind::Net;
  // Per group, the row states that are evidence, one bit per RowState: the pass over the rows
  // then tests a bit.
  constexpr std::uint8_t kTrue = 1u << kMeasuredTrue, kFalse = 1u << kMeasuredFalse;
  std::vector<std::uint8_t> evidence_states(groups_.size(), 0);
  for (std::uint32_t g = 0; g < groups_.size(); ++g) {
    if (!wants_evidence[g]) continue;
    RuleResult& result = results[result_of_group[g]];
    const Accumulator& acc = groups_[g];
    if (!predicate) {
      evidence_states[g] = kTrue | kFalse;
      result.evidence.reserve(acc.records);
      continue;
    }
    // Too many meeting the predicate: those are the evidence; too few: the ones not meeting it.
    // A threshold fires when the measure is too high for > and >=; a target is missed when it
    // is too high for < and <=.
    bool too_many = true;
    if (result.threshold) {
      too_many = result.threshold->op == CompareOp::Gt || result.threshold->op == CompareOp::Ge;
    } else if (rule_.target) {
      too_many = rule_.target->op == CompareOp::Lt || rule_.target->op == CompareOp::Le;
    }
    evidence_states[g] = too_many ? kTrue : kFalse;
    result.evidence.reserve(too_many ? acc.matching : acc.records - acc.matching);
  }
  const std::uint32_t* tags = row_tags_.get();
  for (const auto& range : ranges_) {
    for (std::size_t row = range->begin(); row < range->end(); ++row) {
      const std::uint32_t tag = tags[row];
      if (tag == kOutOfScope) continue;
      const std::uint32_t g = range->merged_group[tag >> kStateBits];
      if ((evidence_states[g] >> (tag & kStateMask) & 1u) == 0) continue;
      results[result_of_group[g]].evidence.emplace_back(data_.record_id(row));
    }
  }
}

std::vector<RuleResult> RuleRun::finish_deadline(std::vector<std::uint32_t>& group_of_result) {
  const std::size_t outer_keys = keys_.size() - 1;
  const Target& target = *rule_.target;
  // Outer group -> its snapshot groups, in date order.
  std::map<std::vector<std::int64_t>, std::vector<std::uint32_t>> outer;
  for (std::uint32_t g = 0; g < groups_.size(); ++g) {
    std::vector<std::int64_t> key(groups_[g].key.values.begin(), groups_[g].key.values.begin() + static_cast<std::ptrdiff_t>(outer_keys));
    outer[key].push_back(g);
  }
  std::vector<RuleResult> results;
  std::vector<std::uint32_t> result_of_group(groups_.size(), kNoIndex);
  std::vector<bool> wants_evidence(groups_.size(), false);
  for (auto& [key, members] : outer) {
    std::sort(members.begin(), members.end(), [&](std::uint32_t a, std::uint32_t b) {
      return groups_[a].key.values[outer_keys] < groups_[b].key.values[outer_keys];
    });
    // Reported only when some snapshot has records after the filter (or could not be measured).
    const bool has_records = std::any_of(members.begin(), members.end(), [&](std::uint32_t g) {
      return groups_[g].records + groups_[g].exempt > 0 || !group_errors_[g].empty();
    });
    if (!has_records || outside_own_period(groups_[members.front()].key, outer_keys)) continue;
    RuleResult result;
    result.rule = &rule_;
    result.group = describe_key(groups_[members.front()].key, outer_keys);
    result.outside_validity = outside_period(groups_[members.front()].key, outer_keys);
    group_of_result.push_back(members.front());
    const auto failed = std::find_if(members.begin(), members.end(), [&](std::uint32_t g) {
      return !group_errors_[g].empty() && groups_[g].key.values[outer_keys] <= as_of_;
    });
    if (failed != members.end()) {
      result.status = result.outside_validity ? Status::NotEvaluated : Status::Error;
      result.message = group_errors_[*failed];
      results.push_back(std::move(result));
      continue;
    }
    std::uint32_t latest = kNoIndex;
    std::size_t later = 0;
    for (std::uint32_t g : members) {
      const std::int64_t date = groups_[g].key.values[outer_keys];
      if (date == kNull64) continue;
      if (date > as_of_) {
        ++later;
        continue;
      }
      const auto measure = measure_of(groups_[g], rule_.measure.kind);
      if (!measure) continue;
      result.series.push_back(SeriesPoint{static_cast<std::int32_t>(date), *measure, groups_[g].records});
      latest = g;
    }
    if (later > 0) {
      result.message = std::to_string(later) + " snapshot(s) after the as-of date " + format_date(as_of_) + " ignored";
    }
    if (latest == kNoIndex) {
      result.status = Status::NoData;
      results.push_back(std::move(result));
      continue;
    }
    const Accumulator& acc = groups_[latest];
    result.records = acc.records;
    result.exempt = acc.exempt;
    result.exempt_matching = acc.exempt_matching;
    result.measure = result.series.back().measure;
    if (rule_.measure.kind == MeasureKind::Share) {
      result.numerator = static_cast<std::int64_t>(acc.matching);
      result.denominator = static_cast<std::int64_t>(acc.records);
    }
    const bool met = holds(compare(*result.measure, target.value), target.op);

    // Least-squares line through (date, measure) of the snapshots so far.
    Projection projection;
    projection.points = static_cast<std::uint32_t>(result.series.size());
    const double current = to_double(*result.measure);
    const double goal = to_double(target.value);
    const double latest_date = result.series.back().date;
    const double years_left = (target.deadline - latest_date) / 365.25;
    projection.needed_per_year = years_left > 0 ? (goal - current) / years_left : 0;
    if (result.series.size() >= 2) {
      double mean_x = 0, mean_y = 0;
      for (const auto& p : result.series) {
        mean_x += p.date;
        mean_y += to_double(p.measure);
      }
      mean_x /= static_cast<double>(result.series.size());
      mean_y /= static_cast<double>(result.series.size());
      double sxx = 0, sxy = 0;
      for (const auto& p : result.series) {
        sxx += (p.date - mean_x) * (p.date - mean_x);
        sxy += (p.date - mean_x) * (to_double(p.measure) - mean_y);
      }
      const double slope = sxx > 0 ? sxy / sxx : 0;
      projection.rate_per_year = slope * 365.25;
      projection.value_at_deadline = mean_y + slope * (target.deadline - mean_x);
    } else {
      projection.value_at_deadline = current;
    }
    result.projection = projection;

    if (as_of_ > target.deadline) {
      result.status = met ? Status::Ok : target.missed;
    } else if (met) {
      result.status = Status::OnTrack;
    } else if (result.series.size() < 2) {
      result.status = Status::AtRisk;
      if (!result.message.empty()) result.message += "; ";
      result.message += "one snapshot only: no trend to project";
    } else {
      // Compare the projection exactly enough: round to 1e-9 to keep results deterministic.
      const double projected = std::round(projection.value_at_deadline * 1e9) / 1e9;
      const int c = projected < goal ? -1 : (projected > goal ? 1 : 0);
      result.status = holds(c, target.op) ? Status::OnTrack : Status::AtRisk;
    }
    if (result.status == Status::AtRisk || result.status == Status::Breach || result.status == Status::Signal) {
      wants_evidence[latest] = true;
    }
    result_of_group[latest] = static_cast<std::uint32_t>(results.size());
    results.push_back(std::move(result));
  }
  collect_evidence(results, result_of_group, wants_evidence);
  return results;
}

bool less_group(const RuleResult& a, const RuleResult& b) {
  for (std::size_t i = 0; i < std::min(a.group.size(), b.group.size()); ++i) {
    const GroupField& x = a.group[i];
    const GroupField& y = b.group[i];
    // Missing values sort last.
    const bool x_missing = !x.number && !x.text;
    const bool y_missing = !y.number && !y.text;
    if (x_missing != y_missing) return y_missing;
    if (x.number != y.number) return x.number < y.number;
    if (x.text != y.text) return x.text < y.text;
  }
  return false;
}


}  // namespace

namespace {

// Calls `read(column)` for each column `rule` reads (a column may come more than once).
template <typename Read>
void for_each_column_read(const CompiledRule& rule, Read&& read) {
  for (const ExprNode& node : rule.pool.nodes) {
    if (node.column != kNoIndex) read(node.column);
  }
  for (const GroupKey& key : rule.group_keys) read(key.column);  // a year's key is its date column
  if (rule.target) read(*rule.dataset->snapshot_column);
  if (!rule.scope_municipality.empty()) {
    if (const auto municipality = rule.dataset->column_index("municipality")) read(*municipality);
  }
  if (!rule.scope_corporations.empty()) {
    if (const auto corporation = rule.dataset->column_index("corporation")) read(*corporation);
  }
}

}  // namespace

std::vector<bool> columns_read_by(const CompiledRuleSet& rules, const DatasetSchema& schema) {
  std::vector<bool> read(schema.columns.size(), false);
  for (const CompiledRule& rule : rules.rules) {
    if (rule.dataset->kind == schema.kind) for_each_column_read(rule, [&](std::uint32_t column) { read.at(column) = true; });
    if (rule.divisor && rule.divisor->dataset->kind == schema.kind) {
      for_each_column_read(*rule.divisor, [&](std::uint32_t column) { read.at(column) = true; });
    }
  }
  return read;
}

std::vector<const DatasetSchema*> datasets_read_by(const CompiledRuleSet& rules) {
  std::vector<const DatasetSchema*> read;
  auto add = [&](const DatasetSchema* schema) {
    if (std::find(read.begin(), read.end(), schema) == read.end()) read.push_back(schema);
  };
  for (const CompiledRule& rule : rules.rules) {
    add(rule.dataset);
    if (rule.divisor) add(rule.divisor->dataset);
  }
  return read;
}

std::vector<RuleResult> evaluate_rules(const CompiledRuleSet& rules, const DatasetMap& datasets, std::int32_t as_of,
                                       const EvaluateOptions& options) {
  std::vector<DenseTable> tables;
  tables.reserve(rules.tables.size());
  for (const auto& table : rules.tables) tables.emplace_back(table);

  // Every rule's rows are cut into ranges, and the ranges of all rules are spread over the cores;
  // whichever thread finishes a rule's last range merges and finishes that rule. Each rule's
  // results go into its own slot and are concatenated in rule order, so the output does not
  // depend on scheduling.
  struct Task {
    std::size_t rule;
    std::size_t range;
  };
  std::vector<Task> tasks;
  std::vector<std::vector<RuleResult>> per_rule(rules.rules.size());
  std::vector<std::unique_ptr<RuleRun>> runs(rules.rules.size());
  std::vector<std::atomic<std::size_t>> ranges_left(rules.rules.size());
  for (std::size_t i = 0; i < rules.rules.size(); ++i) {
    const CompiledRule& rule = rules.rules[i];
    auto it = datasets.find(rule.dataset->kind);
    if (it == datasets.end() || it->second == nullptr) {
      RuleResult result;
      result.rule = &rule;
      result.status = Status::NotEvaluated;
      result.message = "no " + rule.dataset->name + " data given (--data " + rule.dataset->name + "=FILE)";
      per_rule[i].push_back(std::move(result));
      continue;
    }
    const Dataset* divisor_data = nullptr;
    if (rule.divisor) {
      auto other = datasets.find(rule.divisor->dataset->kind);
      if (other == datasets.end() || other->second == nullptr) {
        RuleResult result;
        result.rule = &rule;
        result.status = Status::NotEvaluated;
        result.message = "divides by a figure of " + rule.divisor->dataset->name + ": no " + rule.divisor->dataset->name +
                         " data given (--data " + rule.divisor->dataset->name + "=FILE)";
        per_rule[i].push_back(std::move(result));
        continue;
      }
      divisor_data = other->second;
    }
    auto refuse_unkept = [](const CompiledRule& checked, const Dataset& data) {
      for_each_column_read(checked, [&](std::uint32_t column) {
        if (!data.column(column).kept) {
          throw std::logic_error("rule " + checked.id + " reads the " + checked.dataset->name + " column " +
                                 checked.dataset->column(column).name + ", which was not kept when it was loaded");
        }
      });
    };
    refuse_unkept(rule, *it->second);
    if (divisor_data != nullptr) refuse_unkept(*rule.divisor, *divisor_data);
    runs[i] = std::make_unique<RuleRun>(rule, *it->second, tables, as_of, options.rows_per_range, divisor_data);
    ranges_left[i] = runs[i]->range_count();
    for (std::size_t range = 0; range < runs[i]->range_count(); ++range) tasks.push_back(Task{i, range});
  }

  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    BatchBuffers buffers;
    for (std::size_t t = next++; t < tasks.size(); t = next++) {
      const Task task = tasks[t];
      runs[task.rule]->run_range(task.range, buffers);
      if (--ranges_left[task.rule] > 0) continue;
      per_rule[task.rule] = runs[task.rule]->finish(buffers);
      runs[task.rule].reset();  // its row tags are done with
      std::stable_sort(per_rule[task.rule].begin(), per_rule[task.rule].end(), less_group);
    }
  };
  const unsigned cores = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = std::max<std::size_t>(1, std::min<std::size_t>(tasks.size(), cores));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();

  std::vector<RuleResult> all;
  for (auto& results : per_rule) {
    for (auto& result : results) all.push_back(std::move(result));
  }
  return all;
}

}  // namespace toets
