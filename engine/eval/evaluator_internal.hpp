#pragma once
// The evaluator's insides, shared by its files: evaluator.cpp (a rule's steps per batch of rows,
// evaluate_rules), evaluator_expressions.cpp (expressions over a selection of rows),
// evaluator_pass.cpp (the rules over one dataset in one pass: shared groupings and values),
// evaluator_evidence.cpp (evidence, after the statuses), evaluator_finish.cpp (merging ranges,
// groups into results, expected groups, periods, deadlines) and evaluator_thresholds.cpp
// (thresholds resolved per group, statuses, remedies). Not for use outside engine/: the entry
// points are in evaluator.hpp.

#include "engine/eval/evaluator.hpp"

#include <algorithm>
#include <cstdlib>
#include <array>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "engine/eval/evaluator_tables.hpp"

namespace toets::evaluation {

// A group's error (a value a record of it lacks), or none: a pointer, as most groups have none.
using GroupError = std::shared_ptr<const NotePart>;

// Rows are evaluated in batches of this many: big enough to amortise the per-node dispatch,
// small enough that every node's buffer stays in cache.
inline constexpr std::size_t kBatch = 1024;
inline constexpr std::size_t kMaxKeys = kMaxGroupKeys + 1;  // + the snapshot date of deadline rules

// What a row is to a rule, found again for the evidence after the statuses are known
// (evaluator_evidence.cpp). A row's tag holds its group above the low kStateBits bits.
enum RowState : std::uint8_t { kNotMeasured = 0, kMeasuredFalse = 1, kMeasuredTrue = 2, kExempt = 3 };
inline constexpr std::uint32_t kStateBits = 2;
inline constexpr std::uint32_t kStateMask = (1u << kStateBits) - 1;
inline constexpr std::uint32_t kOutOfScope = 0xFFFFFFFFu;  // the tag of a row of another municipality

// The state of measured row i, `value` its measure's values (null: none per row). A predicate's
// records meet it or not; a net figure's add (true), take away (false) or weigh nothing; any
// other measure's are all "true". The one rule for counting (row states) and evidence alike.
inline RowState measured_state(MeasureKind kind, const std::int64_t* value, std::size_t i) {
  if (value == nullptr) return kMeasuredTrue;
  if (kind == MeasureKind::CountIf || kind == MeasureKind::Share) return value[i] == 1 ? kMeasuredTrue : kMeasuredFalse;
  if (kind == MeasureKind::Net) return value[i] > 0 ? kMeasuredTrue : value[i] < 0 ? kMeasuredFalse : kNotMeasured;
  return kMeasuredTrue;
}

// A copy of the dataset's record ids for evidence (engine/data/evidence.hpp).
void copy_record_ids(const Dataset& data, RecordIdPool& pool);
std::shared_ptr<const RecordIdPool> make_record_id_pool(const Dataset& data);

inline Int128 floor_div(Int128 a, Int128 b) {  // b > 0
  Int128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}
inline Int128 ceil_div(Int128 a, Int128 b) { return -floor_div(-a, b); }

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
  // The index of `key`'s group in `groups`, appended when new.
  std::uint32_t find_or_add(const GroupKeyValues& key, std::vector<Accumulator>& groups) {
    if (slots_.empty()) slots_.assign(64, kNoIndex);  // not before it is used: a pass's rules use their grouping's
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
  // The group of `key`; when it has none yet, add() makes one and returns its index.
  template <typename Add>
  std::uint32_t find_or_add(std::uint64_t key, Add add) {
    if (slots_.empty()) slots_.assign(64, Slot{0, kNoIndex});
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
inline constexpr std::uint64_t kUnpacked = 1ull << 63;  // packed keys use at most the 63 bits below

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
      memo.resize(nodes, 0);
    }
  }
  // The token of the selection that `how` (1: the undecided rows of an and, 2: of an or; 3: the
  // rows a filter keeps, 4: those it keeps that are not exempt, 5: the exempt ones; 6: the rows
  // of groups within the period `node` of own_period_number) makes of the
  // selection `parent` with node `node`'s values. The same selection has the same token on this
  // thread: a node's values for it can be shared by the rules of a pass. Token 0 is shared by none.
  std::uint32_t token(std::uint32_t parent, std::uint32_t node, std::uint32_t how) {
    if (parent == 0) return 0;
    const std::uint64_t key = static_cast<std::uint64_t>(parent) << 35 | static_cast<std::uint64_t>(node) << 3 | how;
    const auto [at, added] = tokens.try_emplace(key, static_cast<std::uint32_t>(tokens.size() + kFirstDerivedToken));
    return at->second;
  }
  // A rule's own period (`valid`) numbered on this thread, for the token of the rows within it:
  // rules with the same period keep the same rows of a batch and share their values.
  std::uint32_t own_period_number(std::optional<std::int32_t> from, std::optional<std::int32_t> to) {
    const auto period = std::pair(from, to);
    const auto at = std::find(own_periods.begin(), own_periods.end(), period);
    if (at != own_periods.end()) return static_cast<std::uint32_t>(at - own_periods.begin());
    own_periods.push_back(period);
    return static_cast<std::uint32_t>(own_periods.size() - 1);
  }
  // Tokens below this are the roots: a batch's rows in scope of the pass's groupings.
  static constexpr std::uint32_t kFirstDerivedToken = 1u << 20;

  std::vector<std::vector<std::int64_t>> values;       // per (canonical) node: its value for each selected row
  std::vector<std::vector<std::uint32_t>> selections;  // per (canonical) node: the rows the right side of and/or sees
  // Per (canonical) node: serial << 32 | token of the selection its values are for, 0 for none.
  std::vector<std::uint64_t> memo;
  std::uint64_t serial = 0;          // counts batches: a value from an earlier batch is never shared
  std::size_t absent_lookups = 0;    // look-ups without a value so far (see RangeRun::eval)
  std::unordered_map<std::uint64_t, std::uint32_t> tokens;
  std::vector<std::pair<std::optional<std::int32_t>, std::optional<std::int32_t>>> own_periods;
  std::array<std::vector<std::int64_t>, kMaxKeys> keys{
      std::vector<std::int64_t>(kBatch), std::vector<std::int64_t>(kBatch), std::vector<std::int64_t>(kBatch),
      std::vector<std::int64_t>(kBatch), std::vector<std::int64_t>(kBatch)};
  std::vector<std::uint64_t> packed_keys = std::vector<std::uint64_t>(kBatch);
  std::vector<std::uint32_t> in_scope = std::vector<std::uint32_t>(kBatch);
  std::vector<std::uint32_t> filtered = std::vector<std::uint32_t>(kBatch);
  std::vector<std::uint32_t> measured = std::vector<std::uint32_t>(kBatch);
  std::vector<std::uint32_t> exempted = std::vector<std::uint32_t>(kBatch);
  std::vector<std::uint32_t> within_own_period = std::vector<std::uint32_t>(kBatch);
};

class RangeRun;
class Pass;

// Evaluates one rule over one dataset. The rows are cut into ranges that may be evaluated on
// different threads (run_range), each into its own groups; finish() merges them in range order,
// so the groups, results and evidence are those of one pass over all rows in order.
class RuleRun {
 public:
  RuleRun(const CompiledRule& rule, const Dataset& data, const std::vector<DenseTable>& tables,
          std::int32_t as_of, std::size_t rows_per_range, const Dataset* divisor_data = nullptr);
  ~RuleRun();

  std::size_t range_count() const { return ranges_.size(); }
  RangeRun& range(std::size_t index) { return *ranges_[index]; }
  // Part of a pass (evaluator_pass.cpp): the groups and row tags are those of `grouping`, a run
  // over the same rows, scope and keys that only assigns groups; `canon` maps this rule's nodes to
  // the pass's shared node numbering (values of equal nodes are shared between the pass's rules).
  void follow(RuleRun& grouping, std::vector<std::uint32_t> canon);
  std::size_t node_count() const { return rule_.pool.nodes.size(); }
  const std::vector<std::uint32_t>& canon() const { return canon_; }
  const CompiledRule& rule() const { return rule_; }
  // Evaluates the rows of range `index`; ranges may run at the same time on different threads.
  void run_range(std::size_t index, BatchBuffers& buffers);
  // After every range ran: one result per group.
  std::vector<RuleResult> finish(BatchBuffers& buffers);
  // Where evidence ids come from: one pool shared by every rule over the dataset (made when the
  // first rule needs it). Unset: the rule makes its own.
  void share_id_pool(std::function<std::shared_ptr<const RecordIdPool>()> pool) { id_pool_ = std::move(pool); }
  // A share's results list at most this many ids, counting the rest (EvaluateOptions::evidence_listed).
  void list_share_evidence_at_most(std::size_t ids) { share_ids_listed_ = ids; }
  // Where the pass's second pass puts this rule's evidence: finish()'s results, in that order.
  void gather_evidence_into(std::vector<RuleResult>& results) { evidence_results_ = &results; }

 private:
  friend class RangeRun;
  friend class Pass;
class Pass;

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
  RuleResult error_result(const ResultNote& note) const;
  RuleResult finish_group(std::uint32_t group) const;
  std::vector<RuleResult> finish_groups(std::vector<std::uint32_t>& group_of_result);
  bool outside_period(const GroupKeyValues& key, std::size_t count) const;
  bool outside_own_period(const GroupKeyValues& key, std::size_t count) const;
  bool outside(const GroupKeyValues& key, std::size_t count, std::optional<std::int32_t> valid_from,
               std::optional<std::int32_t> valid_to) const;
  void add_expected_groups(std::vector<RuleResult>& results, std::vector<std::uint32_t>& group_of_result) const;
  void decide_expected_without_records(RuleResult& result, const GroupKeyValues& key, bool names_seen) const;
  void decide(RuleResult& result, const Accumulator& acc, const std::vector<Threshold>& thresholds) const;
  // Why a group has no measure: nothing after the filter, all of it exempt, no values, or a
  // ratio's whole of 0 or less. A no_data without a reason reads like a pass.
  NoteCode why_no_measure(const Accumulator& acc) const;
  // The rule's thresholds with baseline/previous/table values filled in for one group; false (and
  // `why`, `status`) when a value is not there.
  // `self` is the group's accumulator and `fields` its key as shown (an expected group without
  // records has no accumulator of its own: an empty one, and the expected values as fields).
  bool resolve_thresholds(const Accumulator& self, const std::vector<GroupField>& fields, std::vector<Threshold>& out,
                          NotePart& why, Status& status) const;
  // One term of a threshold for one group: its value and a note on where it came from.
  bool resolve_term(const Accumulator& self, const std::vector<GroupField>& fields, ThresholdTerm& term,
                    std::string& note, NotePart& why, Status& status) const;
  // The narrowed override of `term` that holds for this group (null: none).
  const NarrowedValue* narrowed_for_group(const Accumulator& self, const std::vector<GroupField>& fields,
                                          const ThresholdTerm& term) const;
  std::int64_t series_key_of_date(std::int32_t date) const;
  void collect_evidence(std::vector<RuleResult>& results, const std::vector<std::uint32_t>& result_of_group,
                        const std::vector<bool>& wants_evidence);
  std::vector<RuleResult> finish_deadline(std::vector<std::uint32_t>& group_of_result);
  std::vector<GroupField> describe_key(const GroupKeyValues& key, std::size_t count) const;

  const CompiledRule& rule_;
  const Dataset& data_;
  const std::vector<DenseTable>& tables_;
  std::int32_t as_of_;
  const Dataset* divisor_data_;                    // the divisor's dataset (rule_.divisor), else null
  std::map<std::string, Ratio> divisor_values_;    // the divisor's figure per group (format_group)
  std::vector<GroupKey> keys_;
  // Whether the rows of groups wholly outside the rule's own period are left unmeasured: such
  // groups are not reported (finish_groups), and nothing else reads their counts (no previous,
  // baseline or next period, no deadline, no divisor). A law valid until 2021 then reads the
  // records of 2021, not the filter and measure of every year.
  bool skips_outside_own_period_ = false;
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
  // Per row: its group within its range << kStateBits, or kOutOfScope; written by the ranges.
  // Allocated by the first range that runs (run_range), freed with the RuleRun. A rule of a pass
  // reads its grouping's (follow()).
  std::unique_ptr<std::uint32_t[]> row_tags_;
  // In a pass, for its first kRulesWithStates counting rules: each row's RowState as the rule
  // counted it (0 for rows it did not measure), so that its evidence is read back instead of
  // evaluated again (RangeRun::gather_evidence). A rule counted by another reads that one's.
  struct FreeBytes {
    void operator()(std::uint8_t* bytes) const { std::free(bytes); }
  };
  std::unique_ptr<std::uint8_t, FreeBytes> own_states_;
  std::uint8_t* row_states_ = nullptr;
  std::uint32_t* tags_ = nullptr;
  RuleRun* grouping_ = nullptr;                   // in a pass: the run that assigns the groups
  std::vector<std::uint32_t> canon_;              // per node: its number among the pass's nodes
  std::size_t canon_count_ = 0;                   // how many numbers canon_ uses
  // In a pass, evidence is gathered by a second pass over the rows for all the pass's rules
  // (Pass::evidence_range) after finish(): per merged group, the row states that are evidence
  // (bits by RowState, 0 for none), and where each group's result is.
  bool defer_evidence_ = false;
  bool evidence_pending_ = false;
  std::uint64_t evidence_expected_ = 0;  // ids its results will list (Pass::gather_evidence's parts)
  std::size_t share_ids_listed_ = static_cast<std::size_t>(-1);
  std::vector<std::uint8_t> evidence_states_;
  std::vector<std::uint32_t> result_of_group_;
  std::vector<RuleResult>* evidence_results_ = nullptr;
  BatchBuffers* evidence_buffers_ = nullptr;      // finish()'s, for collect_evidence
  std::once_flag row_tags_taken_;
  std::function<std::shared_ptr<const RecordIdPool>()> id_pool_;
  std::vector<Accumulator> groups_;               // merged, in order of first appearance
  std::vector<GroupError> group_errors_;          // per merged group: the first value it could not have
  std::optional<NotePart> error_;
};

// The evaluation of one range of rows of a rule: expression buffers, its own groups and the
// tags of its rows.
class RangeRun {
 public:
  RangeRun(const RuleRun& rule, std::size_t begin, std::size_t end) : rule_(rule), begin_(begin), end_(end) {}

  void run(BatchBuffers& buffers);
  // The parts of run() for one batch [begin, end): the rows in scope into in_scope, tagged with
  // their groups (their number; `lookups` how often a group was looked up); false when the rule
  // stops (too many groups).
  bool scope_and_group(std::size_t begin, std::size_t end, std::uint32_t* in_scope, std::size_t& n,
                       std::size_t& lookups);
  // Filter, exemption and measure of the rows in_scope[0..n) (tagged), into the groups; token:
  // in_scope's (0: shared with no other rule). False when the rule stops (an error).
  bool measure_batch(const std::uint32_t* in_scope, std::size_t n, std::size_t lookups, std::uint32_t token);
  bool accumulate_batch(const std::uint32_t* sel, std::size_t m, const std::int64_t* value, const std::int64_t* whole,
                        bool runs_of_groups);
  // In a pass: takes the groups `grouping` has made so far (and its stop at too many groups).
  bool adopt_groups(const RangeRun& grouping);
  void bind(BatchBuffers& buffers) { buffers_ = &buffers; }
  // Whether `node` is 1 for each of rows[0..n) (n <= kBatch; bound to buffers fit for the rule).
  // False on an error (split rules ask only conditions that cannot have one).
  bool holds(std::uint32_t node, const std::uint32_t* rows, std::size_t n, std::uint8_t* out);
  // Adds a part's counts (records, matching, exempt) to group `group`: a split rule's groups
  // are sums of its fine count's groups (evaluator_split.cpp).
  void add_counts(std::uint32_t group, const Accumulator& part) {
    Accumulator& acc = groups_[group];
    acc.records += part.records;
    acc.matching += part.matching;
    acc.exempt += part.exempt;
    acc.exempt_matching += part.exempt_matching;
  }
  void shrink_groups() { groups_.shrink_to_fit(); }  // after the range: a pass keeps many rules' groups
  void release_groups() {  // a fine count's, once its rules have taken their sums
    groups_.clear();
    groups_.shrink_to_fit();
  }
  // After the range: the groups (and errors) `other` counted, a rule that counts as this one does.
  void take_counts(const RangeRun& other) {
    groups_ = other.groups_;
    group_errors_ = other.group_errors_;
    error_ = other.error_;
  }
  // The second pass for evidence: of the rows in_scope[0..n) (tagged; token as for
  // measure_batch), those that are evidence of their group, into their results. group_at[row -
  // first]: a row's merged group; present: the merged groups of the batch's rows.
  void gather_evidence(const std::uint32_t* in_scope, std::size_t n, std::uint32_t token, const std::uint32_t* group_at,
                       std::size_t first, const std::vector<std::uint32_t>& present);
  // The rows of in_scope[0..n) (tagged; token as for measure_batch) that the rule measures, after
  // its filter and exemption: sel[0..m), with its measure's values for them when it is a
  // predicate or a net figure (else null). False on an error.
  bool measured_rows(const std::uint32_t* in_scope, std::size_t n, std::uint32_t token, const std::uint32_t*& sel,
                     std::size_t& m, const std::int64_t*& value);
  // The evidence among rows[0..n) (ascending, in scope; group[i] the merged group of rows[i]):
  // rows whose state after filter, exemption and measure is one of wanted[group] (bits by RowState).
  void evidence_batch(const std::uint32_t* rows, const std::uint32_t* group, std::size_t n,
                      const std::vector<std::uint8_t>& wanted, const std::vector<std::uint32_t>& result_of_group,
                      std::vector<RuleResult>& results);
  std::size_t begin() const { return begin_; }
  std::size_t end() const { return end_; }
  const std::vector<Accumulator>& groups() const { return groups_; }
  const std::optional<NotePart>& error() const { return error_; }
  // Per group of this range (or shorter: the rest have none), the first look-up it could not make.
  const std::vector<GroupError>& group_errors() const { return group_errors_; }
  // This range's group index -> the merged group index, filled by RuleRun::merge_ranges.
  std::vector<std::uint32_t> merged_group;

 private:
  // Evaluates `node` for the rows sel[0..n); results in buffers_->values[node][0..n). False on an error.
  // `token`: the selection's (BatchBuffers::token), 0 when no other rule shares it.
  bool eval(std::uint32_t node, const std::uint32_t* sel, std::size_t n, std::uint32_t token = 0);
  bool eval_node(std::uint32_t node, const std::uint32_t* sel, std::size_t n, std::uint32_t token);
  // eval_node's cases that are more than a line.
  bool read_column(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out);
  bool read_missing(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out);
  bool eval_lookup(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out,
                   std::uint32_t token);
  bool eval_and_or(std::uint32_t index, const ExprNode& node, const std::uint32_t* sel, std::size_t n,
                   std::int64_t* out, std::uint32_t token);
  std::int64_t* values_of(std::uint32_t node) { return buffers_->values[rule_.canon_[node]].data(); }
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
  bool eval_period(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out, Period period,
                   std::uint32_t token);
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
  // Of in_scope[0..n) (tagged), the rows whose group is not wholly outside the rule's own period
  // (RuleRun::skips_outside_own_period_), with their selection's token.
  void keep_own_period(const std::uint32_t*& in_scope, std::size_t& n, std::uint32_t& token);
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
  std::vector<GroupError> group_errors_;
  std::optional<NotePart> error_;
  std::optional<NotePart> group_limit_;  // the error of too many groups, once crossed
  // Per group (as far as known): 1 when it lies wholly outside the rule's own period
  // (RuleRun::skips_outside_own_period_).
  std::vector<std::uint8_t> outside_own_period_;
};

// The rules over one dataset evaluated together, in one pass over its rows (evaluator_pass.cpp).
// Rules with the same scope and group keys share a grouping: one run that finds each row's group
// and tags the row, once for all of them. Equal expression nodes of different rules share one
// number, so a filter, a part of one or a measure that several rules have is evaluated once per
// batch for the rows they share. What each rule keeps of its own is its groups' accumulators.
class Pass {
 public:
  // split_filters: whether rules that differ only in a condition on a column of few values are
  // counted through one fine count (evaluator_split.cpp); off, each counts its own rows.
  Pass(std::vector<RuleRun*> rules, const Dataset& data, const std::vector<DenseTable>& tables, std::int32_t as_of,
       std::size_t rows_per_range, bool split_filters = true);
  ~Pass();
  std::size_t range_count() const;
  std::size_t split_rules() const { return splits_.size(); }
  std::size_t fine_counts() const { return fine_runs_.size(); }
  std::size_t fine_counts_by_pieces() const {
    return static_cast<std::size_t>(std::count_if(fine_rules_.begin(), fine_rules_.end(), [](const auto& fine) {
      return !fine->group_keys.back().pieces.empty();
    }));
  }
  // Evaluates range `index` of every rule; ranges may run at the same time on different threads.
  void run_range(std::size_t index, BatchBuffers& buffers);
  // After every rule's finish(): the evidence of the rules whose statuses need it, in a second
  // pass over all rows for part `part` of `parts` of those rules (RangeRun::gather_evidence).
  // Parts may run at the same time on different threads.
  void gather_evidence(std::size_t part, std::size_t parts, BatchBuffers& buffers);
  // Before gather_evidence: the groupings' groups merged over the ranges (as each rule's are).
  void merge_groupings();

 private:
  struct Member {
    RuleRun* run;
    std::size_t grouping;
    // The member whose groups this one's are: rules that differ only in what they decide (their
    // thresholds, texts) count the same records into the same groups, so one of them counts.
    std::size_t counted_by;
    std::size_t split = kNoSplit;  // its Split in splits_, when it counts through a fine count
    bool fine_count = false;       // a fine count (counts for itself only, reports nothing)
  };
  static constexpr std::size_t kNoSplit = static_cast<std::size_t>(-1);
  // A byte per row for each of at most this many rules of a pass (RuleRun::row_states_): a
  // national rule set's rules all; the many rules of an auditor evaluate their evidence again.
  static constexpr std::size_t kRulesWithStates = 16;

 public:  // for the helpers of evaluator_split.cpp
  // A rule whose filter is a fine count's filter and a condition on one column of few values: the
  // fine count groups the rows by the rule's keys and that column, once for all such rules, and
  // the rule's groups are the sums of the fine groups of the values its condition accepts.
  struct Split {
    RuleRun* fine;                        // the fine count (a rule of the pass that reports nothing)
    std::size_t key;                      // the column's position among the fine count's keys
    std::vector<std::uint32_t> conditions;  // the rule's conjuncts on the column (its nodes)
    std::vector<std::int64_t> values;     // the values the column holds (as group keys)
    std::vector<std::uint32_t> rows;      // and the first row holding each
    std::vector<std::int64_t> accepted;   // the values the conditions accept, sorted
    // Split by pieces of the column (GroupKey::pieces), not by its values: `values` are the
    // pieces the data holds, ascending, and `accepts_piece` says per piece whether the rule
    // takes it (looked up per fine group; the accepted list is searched where values are few).
    bool by_pieces = false;
    std::vector<std::uint8_t> accepts_piece;
  };

 private:
  // The part of the constructor that finds split rules (evaluator_split.cpp): makes the fine
  // counts (appended to `runs`), and per rule of `rules` its Split (or none).
  std::vector<std::optional<Split>> plan_splits(std::vector<RuleRun*>& runs, const Dataset& data,
                                                const std::vector<DenseTable>& tables, std::int32_t as_of,
                                                std::size_t rows_per_range);
  // The values `split`'s conditions accept, evaluated by `rule` (numbered in the pass) on a row of
  // each value the column has; false when that cannot be done (the rule then counts alone).
  static bool decide_accepted(Split& split, RuleRun& rule, BatchBuffers& buffers);
  // After a range's batches: the split rules' groups from their fine counts; a rule whose fine
  // count met an error (which the rule's own filter might not have) counts its rows itself.
  void compose_splits(std::size_t index, BatchBuffers& buffers);
  void count_alone(const Member& member, std::size_t index, BatchBuffers& buffers);
  // The evidence of split rules: their fine count's rows and states, found once per batch for all
  // of them, and per rule and fine group the states that are evidence and the result they go to.
  struct FineEvidence {
    const Member* fine;
    // Its own evaluation of the fine count's expressions: every part evaluates them, on its thread.
    std::shared_ptr<RangeRun> scratch;
    std::vector<RuleRun*> rules;
    std::vector<std::vector<std::uint8_t>> wanted;    // per rule, per merged fine group
    std::vector<std::vector<std::uint32_t>> result;   // per rule, per merged fine group
    std::vector<std::uint8_t> any_wanted;             // per merged fine group: the states some rule wants
    // Per merged fine group j: the rules (indexes into `rules`) that want some state of it, at
    // wanting[wanting_begin[j] .. wanting_begin[j + 1]). A rule wants the groups of its own values
    // only: a row is looked at by the few rules that may want it, not by all of them.
    std::vector<std::uint32_t> wanting_begin;
    std::vector<std::uint32_t> wanting;
  };
  std::vector<FineEvidence> plan_split_evidence(const std::vector<const Member*>& rules) const;
  // One batch (in_scope[0..n) of the fine count's grouping, group_at[row - first] each row's
  // merged fine group) of a FineEvidence.
  static void split_evidence_batch(const FineEvidence& fine, const std::uint32_t* in_scope,
                                   std::size_t n, std::uint32_t token, const std::uint32_t* group_at, std::size_t first);

  std::vector<Member> members_;                     // in the order a batch evaluates them
  std::vector<Split> splits_;
  std::vector<bool> grouping_merged_;               // per grouping: merged whole (merge_groupings)
  std::vector<std::unique_ptr<CompiledRule>> fine_rules_;  // the fine counts' rules and runs
  std::vector<std::unique_ptr<RuleRun>> fine_runs_;
  std::vector<std::unique_ptr<RuleRun>> groupings_;  // assign groups, measure nothing
  std::size_t canon_count_ = 0;
};

// The measure of a group as an exact ratio, or nullopt when there is nothing to measure.
std::optional<Ratio> measure_of(const Accumulator& acc, MeasureKind kind);
// A group key's value for a date: its year, half year, quarter or month.
std::int64_t period_key(GroupKeyKind kind, YearMonth date);

// A money or number column's value at `row` in 64 bits, kNull64 for missing.
inline std::int64_t value64(const ColumnData& column, std::size_t row) {
  if (column.type == ValueType::Money) return column.cents[row];
  const std::int32_t v = column.value(row);
  return v == kNull32 ? kNull64 : v;
}

// The piece `value` falls in among sorted, distinct `bounds` (GroupKey::pieces): 0 for missing,
// 1 below bounds[0], 2i + 2 equal to bounds[i], 2i + 3 between bounds[i] and bounds[i + 1] (or
// above the last). A condition that compares the value with the bounds only holds on all of a
// piece or on none of it.
inline std::int64_t piece_of(std::int64_t value, const std::vector<std::int64_t>& bounds) {
  if (value == kNull64) return 0;
  const auto at = static_cast<std::int64_t>(std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin());
  const bool equal = at < static_cast<std::int64_t>(bounds.size()) && bounds[static_cast<std::size_t>(at)] == value;
  return equal ? 2 * at + 2 : 2 * at + 1;
}
// How many records would have to change for `threshold` to stop holding (count and share
// measures; k of n meet the predicate).
std::optional<std::int64_t> records_to_clear(const Threshold& threshold, std::int64_t k, std::int64_t n, bool share);
// Results in group order: missing values last.
bool less_group(const RuleResult& a, const RuleResult& b);

// Calls `read(column)` for each column `rule` reads (a column may come more than once).
template <typename Read>
inline void for_each_column_read(const CompiledRule& rule, Read&& read) {
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


}  // namespace toets::evaluation
