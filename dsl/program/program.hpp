#pragma once
// A checked, bound and compiled rule set: what the engine runs. Names are resolved to column
// indices, parameter values and tables; every expression is a small array of typed nodes; every
// number is exact (integers, cents, rationals). Produced only by check_rule_set() (checker.hpp),
// so nothing runs that was not checked. Immutable after construction; safe to share between threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/source/diagnostics.hpp"
#include "dsl/program/schema.hpp"

namespace toets {

// 128-bit intermediates for exact cross products of 64-bit values (a GCC/Clang extension;
// __extension__ keeps -Wpedantic quiet about it).
__extension__ using Int128 = __int128;

// An exact rational: shares (k/n), percentages (75/1000), averages (sum/count), cents (n/1).
struct Ratio {
  std::int64_t numerator = 0;
  std::int64_t denominator = 1;  // always > 0
};
// -1, 0, 1 without rounding (128-bit cross products).
int compare(const Ratio& a, const Ratio& b);
double to_double(const Ratio& r);
// a + sign * b, exactly and reduced; nullopt when it does not fit in 64 bits.
std::optional<Ratio> add(const Ratio& a, const Ratio& b, int sign = 1);

enum class CompareOp : std::uint8_t { Lt, Le, Eq, Ne, Ge, Gt };
std::string_view compare_op_text(CompareOp op);
bool holds(int comparison, CompareOp op);  // comparison = compare(a, b): does "a op b" hold?

enum class Status : std::uint8_t { Ok, Signal, Breach, OnTrack, AtRisk, NoData, NotEvaluated, Error };
std::string_view status_name(Status status);  // "ok", "signal", "breach", "on_track", ...

// ---- expressions ----

enum class NodeOp : std::uint8_t {
  Constant,       // value
  Column,         // a column's value (money as cents, others as int)
  TextConstant,   // a text literal compared with a dictionary column: resolved per dataset
  Year, HalfOfYear, QuarterOfYear, MonthOfYear,  // of a date
  Lookup,         // parameter table `table` with `args`
  Add, Subtract, Multiply, Negate,
  Compare,        // args[0] compare_op args[1]; false when either is missing
  InSet,          // args[0] in set `set` (false when missing)
  And, Or, Not,
  IsMissing,
  Indicator,      // a condition as a whole number: 1 where it holds, else 0 (missing too)
};

inline constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;

struct ExprNode {
  NodeOp op = NodeOp::Constant;
  ValueType type = ValueType::Int;
  CompareOp compare_op = CompareOp::Eq;
  std::int64_t value = 0;            // Constant
  std::uint32_t column = kNoIndex;   // Column (and, for TextConstant / InSet on text, its column)
  std::uint32_t table = kNoIndex;    // Lookup
  std::uint32_t set = kNoIndex;      // InSet
  std::vector<std::uint32_t> args;   // child node indices (always lower than this node's)
  std::string text;                  // TextConstant
  std::uint32_t offset = 0;          // source position, for run-time errors
};

// Value sets for `in`: numbers (enum indices, ints) or texts (resolved per dataset).
struct ValueSet {
  std::vector<std::int64_t> numbers;
  std::vector<std::string> texts;
};

// A flat expression pool; a rule's expressions are node indices into it. Children come first.
struct ExprPool {
  std::vector<ExprNode> nodes;
  std::vector<ValueSet> sets;
};

// ---- parameter tables ----

// A key pattern: lo..hi inclusive (hi = INT64_MAX for "2+"), or a text ("Portaal").
struct KeyRange {
  std::int64_t low = 0;
  std::int64_t high = 0;
  std::optional<std::string> text;   // a text key; low/high unused
};
struct TableEntry {
  std::vector<KeyRange> keys;
  std::optional<std::int64_t> value;  // nullopt: written as `unknown`; percentages in parts per million
  std::uint32_t offset = 0;
};
struct ParamTable {
  std::string name;
  std::vector<std::string> key_names;  // year, household_size
  std::vector<bool> text_keys;         // per key: text ("Portaal") rather than whole numbers
  ValueType type = ValueType::Money;
  std::vector<TableEntry> entries;
  const SourceFile* file = nullptr;
  std::uint32_t offset = 0;
};

// ---- rules ----

// A rule groups by at most this many keys (a deadline rule adds the snapshot date as one more).
inline constexpr std::size_t kMaxGroupKeys = 4;

enum class GroupKeyKind : std::uint8_t { Column, Year, HalfYear, Quarter, Month };
struct GroupKey {
  GroupKeyKind kind = GroupKeyKind::Column;
  std::uint32_t column = 0;
  std::string label;  // "corporation", "year", "half_year", "quarter", "month"
  // Never set by the checker: the evaluator's counts split by a whole-number or money column of
  // many values (engine/eval/evaluator_split.cpp) group by the piece a value falls in among these
  // sorted bounds (the constants the rules compare the column with), not by the value itself.
  std::vector<std::int64_t> pieces;
};

// Net: a sum and difference of counts, `count(kind = nieuwbouw) - count(kind = verkoop)`: each
// record weighs the sum of its terms (+1, -1, 0), the measure is the sum of the weights.
enum class MeasureKind : std::uint8_t { Count, CountIf, Share, Ratio, Sum, Average, Min, Max, Net };
std::string_view measure_name(MeasureKind kind);

struct Measure {
  MeasureKind kind = MeasureKind::Count;
  std::uint32_t expr = kNoIndex;     // predicate (CountIf, Share) or value (Sum..., Ratio's part)
  std::uint32_t expr2 = kNoIndex;    // Ratio's whole
  ValueType unit = ValueType::Int;   // unit of the measured value: Int, Money, Date, Fraction
  std::string text;                  // as written, for reports
};

// What a threshold compares the measure with.
enum class ThresholdRef : std::uint8_t {
  Constant,    // `value`
  Baseline,    // the measure of the same group at the rule's baseline date (stock "at the 2021 level")
  Previous,    // the measure of the same group at the previous snapshot or period ("grows every year")
  Next,        // the measure of the same group at the next period ("grows during 2026": 1 Jan 2027 vs 1 Jan 2026)
  GroupTable,  // a parameter table looked up with the group's keys (a cap per corporation)
  Narrowed,    // `value`, unless an override narrowed to the group's corporation or year says otherwise
};

// An override that holds only for some corporations and/or years (`override param
// free_allocation_space = 15% for corporation in {"Vivare"}`): resolved per group.
struct NarrowedValue {
  Ratio value;
  std::vector<std::string> corporations;  // empty: any corporation
  std::vector<std::int64_t> years;        // empty: any year
  std::string text;                       // "15% for corporation Vivare", for reports
};

// One term of a threshold: a constant or a value resolved per group.
struct ThresholdTerm {
  int sign = 1;                      // +1 or -1: how it adds to the threshold
  ThresholdRef ref = ThresholdRef::Constant;
  Ratio value;                       // in the measure's unit (cents for money); resolved per group for refs
  std::uint32_t table = kNoIndex;    // GroupTable: the table
  std::vector<std::uint32_t> table_keys;  // GroupTable: for each table key, the index of the group key
  std::vector<NarrowedValue> narrowed;    // Narrowed: the overrides, the last that matches wins
  std::uint32_t corporation_key = kNoIndex;  // Narrowed: the group key that holds the corporation
  std::uint32_t year_key = kNoIndex;         // Narrowed: the group key (a period) that gives the year
  // Baseline/Previous/Next, once resolved for a group: the period whose value it took ("2025",
  // "2026-H1", a snapshot's date "2021-01-01"); empty before, and for the other references.
  std::string resolved_period;
};

// `signal when measure < baseline + 101`: the first reference (or the constant) is the threshold's
// own term; constants written beside it are summed into `offset`, further references into `more`.
// After resolution for a group, `value` holds the whole sum.
struct Threshold : ThresholdTerm {
  Status status = Status::Breach;    // Signal or Breach
  CompareOp op = CompareOp::Gt;
  Ratio offset{0, 1};                // the constants added to a reference (0 for a constant threshold)
  std::vector<ThresholdTerm> more;   // further references, each added with its sign
  std::string text;                  // "measure > 15%", "measure < baseline + 101"; notes appended when resolved
  std::string written;               // the right-hand side as written: "15%", "baseline + 101"
  // A sum rather than one term: its value is the sum of references and constants.
  bool is_sum() const { return offset.numerator != 0 || !more.empty(); }
  // Resolved for a group: the period of the last of its terms that took a period's value (the
  // reports say "(the baseline 2021-01-01)" from it; `text` keeps the engine's English); "" if none.
  const std::string& resolved_at() const {
    const std::string* period = &resolved_period;
    for (const ThresholdTerm& term : more) {
      if (!term.resolved_period.empty()) period = &term.resolved_period;
    }
    return *period;
  }
};

// `expect corporation in {"Trivire", "Woonbron"}`: these values of group key `key` are reported
// (as no_data when no record passes the filter), combined with the values the other keys take.
struct ExpectedKey {
  std::uint32_t key = 0;
  std::vector<std::int64_t> numbers;  // a year or whole-number key
  std::vector<std::string> texts;     // a text key (corporation, kern, ...)
};

struct Target {
  CompareOp op = CompareOp::Le;
  Ratio value;
  std::int32_t deadline = 0;         // days since epoch
  Status missed = Status::Breach;    // after the deadline, a missed target: breach, or signal (`as signal`)
  std::string text;                  // "measure <= 0 by 2028-12-31"
};

struct CompiledRule {
  std::string id;                    // article number as written
  std::string title;
  std::string source;
  std::string owner;
  std::string note;
  std::string ruleset_id;            // the rule set (file) that declares it
  // The records the rule may read: its own file's scope, else that of the rule set checked (so
  // a national rule imported by Dordrecht reads Dordrecht's records only).
  std::string scope_municipality;    // "" = all municipalities
  std::vector<std::string> scope_corporations;  // empty = all corporations
  // The effective period: the rule's own `valid` within its file's and the checked rule set's.
  // Groups of periods wholly outside it are reported, marked, and decide nothing. nullopt: open.
  std::optional<std::int32_t> valid_from;
  std::optional<std::int32_t> valid_to;
  bool never_valid = false;          // the periods do not overlap: every dated group is outside
  // The rule's own `valid` (the period of the law or clause it encodes): groups of periods wholly
  // outside it are not the rule's business and are not reported. nullopt: open.
  std::optional<std::int32_t> own_from;
  std::optional<std::int32_t> own_to;
  const SourceFile* file = nullptr;
  std::uint32_t offset = 0;

  const DatasetSchema* dataset = nullptr;
  std::uint32_t filter = kNoIndex;   // node index, or kNoIndex for all rows
  std::uint32_t exempt = kNoIndex;
  std::string exempt_text;
  std::vector<GroupKey> group_keys;
  Measure measure;
  std::vector<Threshold> thresholds; // breach first, then signal
  std::optional<Target> target;
  std::optional<std::int32_t> baseline;  // `baseline DATE`: the date whose measure Baseline refers to
  std::vector<ExpectedKey> expected;     // `expect KEY in {...}`: groups that exist without records
  // `measure count(...) / stock.count(daeb)`: the divisor, a rule over another dataset grouped by
  // the same keys (period keys on its own date column); the measure is this rule's count over the
  // divisor's, per group. Null for a measure over one dataset.
  std::shared_ptr<const CompiledRule> divisor;
  ExprPool pool;
};

// Whether a group key is a period: a year, half-year, quarter or month of a date, or a date.
inline bool is_period_key(const GroupKey& key, const DatasetSchema& schema) {
  return key.kind != GroupKeyKind::Column || schema.column(key.column).type == ValueType::Date;
}

// Whether a threshold of the rule compares with the figure of another period of the same group
// (baseline, previous, next).
inline bool compares_periods(const std::vector<Threshold>& thresholds) {
  const auto in_series = [](const ThresholdTerm& term) {
    return term.ref == ThresholdRef::Baseline || term.ref == ThresholdRef::Previous || term.ref == ThresholdRef::Next;
  };
  for (const Threshold& threshold : thresholds) {
    if (in_series(threshold)) return true;
    for (const ThresholdTerm& term : threshold.more) {
      if (in_series(term)) return true;
    }
  }
  return false;
}

struct RuleSetInfo {
  std::string id;
  std::string title;
  std::string municipality;
  std::string source;
  std::vector<std::string> corporations;  // `corporations "A", "B"`: the parties it binds
  std::optional<std::int32_t> valid_from;
  std::optional<std::int32_t> valid_to;
  std::string file;
};

struct CompiledRuleSet {
  RuleSetInfo info;                           // of the file that was checked
  std::vector<ParamTable> tables;
  std::vector<CompiledRule> rules;            // imported files' rules first, in import order
  // Imported rules whose own period does not overlap the checked rule set's: not run (the 2021
  // target-group rules in a 2026 agreement).
  std::vector<std::string> rules_outside_period;
  std::vector<std::unique_ptr<SourceFile>> sources;  // keeps every file's text alive
};

}  // namespace toets
