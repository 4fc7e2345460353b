#include "engine/eval/evaluator_internal.hpp"

namespace toets {

namespace evaluation {

RuleRun::RuleRun(const CompiledRule& rule, const Dataset& data, const std::vector<DenseTable>& tables,
                 std::int32_t as_of, std::size_t rows_per_range, const Dataset* divisor_data)
    : rule_(rule), data_(data), tables_(tables), as_of_(as_of), divisor_data_(divisor_data) {
  const auto& nodes = rule.pool.nodes;
  text_codes_.assign(nodes.size(), 0);
  canon_.resize(nodes.size());
  for (std::uint32_t i = 0; i < canon_.size(); ++i) canon_[i] = i;  // a pass renumbers them (follow)
  canon_count_ = canon_.size();
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
  const bool period_key = std::any_of(keys_.begin(), keys_.end(),
                                     [&](const GroupKey& key) { return is_period_key(key, data.schema()); });
  skips_outside_own_period_ = !compares_periods(rule.thresholds) && (rule.own_from || rule.own_to) && period_key &&
                              !rule.target && !rule.divisor && !rule.baseline;
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
    if (!key.pieces.empty()) {
      high = 2 * static_cast<std::int64_t>(key.pieces.size()) + 1;  // piece_of's largest
    } else switch (key.kind) {
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

void RuleRun::run_range(std::size_t index, BatchBuffers& buffers) {
  // The row tags are taken when the rule's first range starts, not when the rule is planned: the
  // scheduler runs rules in order and frees each rule's tags when it finishes, so only the rules in
  // flight (about one per thread) hold a tag per row, whatever the number of rules.
  std::call_once(row_tags_taken_, [this] {
    const std::size_t rows = data_.row_count();
    // Not initialised: every range writes the tag of each of its rows before anything reads it.
    row_tags_.reset(new std::uint32_t[std::max<std::size_t>(rows, 1)]);
    advise_huge_pages(row_tags_.get(), rows * sizeof(std::uint32_t));
    tags_ = row_tags_.get();
  });
  ranges_[index]->run(buffers);
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
  const std::int64_t value = value64(column, row);
  if (!key.pieces.empty()) return piece_of(value, key.pieces);
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
    } else if (column.type == ValueType::Money || !key.pieces.empty()) {
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
  if (groups_.size() > before && groups_.size() > kMaxGroups && !group_limit_) {
    const Dataset& data = rule_.data_;
    NoteArgs args;
    args.count = static_cast<std::int64_t>(kMaxGroups);
    args.dataset = data.schema().name;
    args.record_id = std::string(data.record_id(row));
    args.line = data.source_line(row);
    group_limit_ = NotePart{NoteCode::TooManyGroups, std::move(args)};
  }
  return group;
}

std::uint32_t RangeRun::group_of_row(std::uint32_t row) {
  GroupKeyValues key;
  for (std::size_t k = 0; k < rule_.keys_.size(); ++k) key.values[k] = key_value(rule_.keys_[k], row);
  return group_of_key_values(key, row);
}

std::size_t RangeRun::assign_groups(const std::uint32_t* rows, std::size_t n) {
  std::uint32_t* tags = rule_.tags_;
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
  buffers.fit(rule_.canon_count_);
  buffers_ = &buffers;
  for (std::size_t begin = begin_; begin < end_; begin += kBatch) {
    std::size_t n = 0, lookups = 0;
    if (!scope_and_group(begin, std::min(end_, begin + kBatch), buffers.in_scope.data(), n, lookups)) break;
    if (!measure_batch(buffers.in_scope.data(), n, lookups, 0)) break;
  }
}

bool RangeRun::scope_and_group(std::size_t begin, std::size_t end, std::uint32_t* in_scope, std::size_t& n,
                               std::size_t& lookups) {
  std::uint32_t* tags = rule_.tags_;
  struct ScopeView {
    const std::int32_t* codes;
    const std::uint8_t* allowed;
  };
  std::array<ScopeView, 2> scopes{};
  const std::size_t scope_count = rule_.scopes_.size();
  for (std::size_t k = 0; k < scope_count; ++k) {
    scopes[k] = ScopeView{rule_.data_.column(rule_.scopes_[k].column).values.data(), rule_.scopes_[k].allowed.data()};
  }
  n = 0;
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
  lookups = assign_groups(in_scope, n);  // every in-scope group exists, even if the filter empties it
  if (group_limit_) {
    error_ = group_limit_;
    return false;
  }
  return true;
}

bool RangeRun::adopt_groups(const RangeRun& grouping) {
  for (std::size_t g = groups_.size(); g < grouping.groups_.size(); ++g) groups_.emplace_back().key = grouping.groups_[g].key;
  if (grouping.group_limit_) {
    error_ = grouping.group_limit_;
    return false;
  }
  return true;
}

bool RangeRun::measure_batch(const std::uint32_t* in_scope, std::size_t n, std::size_t group_lookups,
                             std::uint32_t token) {
  if (n == 0) return true;
  const CompiledRule& rule = rule_.rule_;
  BatchBuffers& buffers = *buffers_;
  std::uint32_t* filtered = buffers.filtered.data();
  std::uint32_t* measured = buffers.measured.data();
  std::uint32_t* exempted = buffers.exempted.data();
  const MeasureKind kind = rule.measure.kind;
  const bool predicate = kind == MeasureKind::CountIf || kind == MeasureKind::Share;
  const std::uint32_t* tags = rule_.tags_;

  if (rule_.skips_outside_own_period_) {
    keep_own_period(in_scope, n, token);
    if (n == 0) return true;
  }
  std::size_t f = n;
  const std::uint32_t* sel = in_scope;
  if (rule.filter != kNoIndex) {
    if (!eval(rule.filter, in_scope, n, token)) return false;
    const std::int64_t* keep = values_of(rule.filter);
    f = 0;
    for (std::size_t i = 0; i < n; ++i) {  // without a branch: the filter's outcome is not predictable
      filtered[f] = in_scope[i];
      f += keep[i] == 1;
    }
    sel = filtered;
    token = buffers.token(token, rule_.canon_[rule.filter], 3);
  }
  std::size_t m = f;
  std::size_t x = 0;
  if (rule.exempt != kNoIndex && f > 0) {
    if (!eval(rule.exempt, sel, f, token)) return false;
    const std::int64_t* is_exempt = values_of(rule.exempt);
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
      if (!eval(rule.measure.expr, exempted, x, buffers.token(token, rule_.canon_[rule.exempt], 5))) return false;
      const std::int64_t* value = values_of(rule.measure.expr);
      for (std::size_t i = 0; i < x; ++i) groups_[tags[exempted[i]] >> kStateBits].exempt_matching += value[i] == 1;
    }
    for (std::size_t i = 0; i < x; ++i) ++groups_[tags[exempted[i]] >> kStateBits].exempt;
    token = buffers.token(token, rule_.canon_[rule.exempt], 4);
  }
  if (std::uint8_t* states = rule_.row_states_; states != nullptr) {
    for (std::size_t i = 0; i < x; ++i) states[exempted[i]] = kExempt;
  }
  if (m == 0) return true;

  if (rule.measure.expr != kNoIndex) {
    if (!eval(rule.measure.expr, sel, m, token)) return false;
  }
  const std::int64_t* value = rule.measure.expr != kNoIndex ? values_of(rule.measure.expr) : nullptr;
  if (std::uint8_t* states = rule_.row_states_; states != nullptr) {
    for (std::size_t i = 0; i < m; ++i) states[sel[i]] = measured_state(kind, value, i);  // read back as evidence
  }
  const std::int64_t* whole = nullptr;
  if (rule.measure.expr2 != kNoIndex) {
    if (!eval(rule.measure.expr2, sel, m, token)) return false;
    whole = values_of(rule.measure.expr2);
  }
  return accumulate_batch(sel, m, value, whole, predicate && group_lookups * 8 < n);
}

void RangeRun::keep_own_period(const std::uint32_t*& in_scope, std::size_t& n, std::uint32_t& token) {
  const std::uint32_t* tags = rule_.tags_;
  for (std::size_t g = outside_own_period_.size(); g < groups_.size(); ++g) {
    outside_own_period_.push_back(rule_.outside_own_period(groups_[g].key, rule_.keys_.size()) ? 1 : 0);
  }
  std::uint32_t* kept = buffers_->within_own_period.data();
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {  // without a branch: a batch may straddle the period's edge
    kept[k] = in_scope[i];
    k += outside_own_period_[tags[in_scope[i]] >> kStateBits] == 0;
  }
  if (k == n) return;  // the same rows: the same selection
  const CompiledRule& rule = rule_.rule_;
  token = buffers_->token(token, buffers_->own_period_number(rule.own_from, rule.own_to), 6);
  in_scope = kept;
  n = k;
}

// Adds the measured records `sel` (m of them; `value`, `whole`: their measure's values) to their
// groups. `runs_of_groups`: a predicate measure over long runs of one group, counted a run at a time.
bool RangeRun::accumulate_batch(const std::uint32_t* sel, std::size_t m, const std::int64_t* value,
                                const std::int64_t* whole, bool runs_of_groups) {
  const MeasureKind kind = rule_.rule_.measure.kind;
  const bool predicate = kind == MeasureKind::CountIf || kind == MeasureKind::Share;
  const std::uint32_t* tags = rule_.tags_;
  if (runs_of_groups) {
    // Long runs of one group (a stock file sorted by snapshot and corporation): count a run in
    // registers and add it once; an increment in memory per row waits on the previous row's.
    for (std::size_t i = 0; i < m;) {
      const std::uint32_t group = tags[sel[i]] >> kStateBits;
      std::uint64_t records = 0, matching = 0;
      for (; i < m && tags[sel[i]] >> kStateBits == group; ++i) {
        ++records;
        matching += value[i] == 1;
      }
      groups_[group].records += records;
      groups_[group].matching += matching;
    }
    return true;
  }
  if (predicate) {
    for (std::size_t i = 0; i < m; ++i) {
      Accumulator& acc = groups_[tags[sel[i]] >> kStateBits];
      ++acc.records;
      acc.matching += value[i] == 1;
    }
    return true;
  }
  for (std::size_t i = 0; i < m; ++i) {
    Accumulator& acc = groups_[tags[sel[i]] >> kStateBits];
    ++acc.records;
    if (whole != nullptr) {
      // A ratio counts a record only when both its part and its whole are known.
      if (value[i] == kNull64 || whole[i] == kNull64) continue;
      ++acc.present;
      if (__builtin_add_overflow(acc.sum, value[i], &acc.sum) ||
          __builtin_add_overflow(acc.whole, whole[i], &acc.whole)) {
        error_ = NotePart{NoteCode::SumOverflows, {}};
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
        error_ = NotePart{NoteCode::SumOverflows, {}};
      }
      acc.sum_low = std::min(acc.sum_low, acc.sum);
      acc.sum_high = std::max(acc.sum_high, acc.sum);
      acc.min = std::min(acc.min, value[i]);
      acc.max = std::max(acc.max, value[i]);
    }
  }
  return !error_;
}

}  // namespace evaluation

using namespace evaluation;

namespace {

// One pool of each dataset's record ids for the evidence of all its rules: made (empty) when the
// first rule over it needs one, filled by fill_pools once every rule's evidence is in.
struct SharedPool {
  std::once_flag made;
  std::shared_ptr<RecordIdPool> pool;
};

void share_record_id_pools(const CompiledRuleSet& rules, const DatasetMap& datasets,
                           const std::vector<std::unique_ptr<RuleRun>>& runs,
                           std::map<const Dataset*, SharedPool>& pools) {
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i]) continue;
    const Dataset* data = datasets.at(rules.rules[i].dataset->kind);
    SharedPool* shared = &pools[data];
    runs[i]->share_id_pool([shared] {
      std::call_once(shared->made, [&] { shared->pool = std::make_shared<RecordIdPool>(); });
      return std::shared_ptr<const RecordIdPool>(shared->pool);
    });
  }
}

// The evidence holds dataset rows, and each dataset's pool gets ids for them in one of two ways.
// Where the results list few rows (a text report lists a dozen ids a group), the pool gets the ids
// of those rows only and the results' rows are renumbered into it, in the same order: marked and
// renumbered rule by rule on every core (mark_pool_rows, renumber_pool_rows), the pool filled on
// one (fill_pools). Where they list many (millions of ids in a JSON report of many rules, most
// rows evidence of some rule), the pool is every row's id, copied whole from the id column, and
// the rows need no renumbering: a copy of a few megabytes in place of marking, filling and
// renumbering millions of rows. Either way the ids a result lists are the same.
struct PoolIndex {
  RecordIdPool* pool;
  const Dataset* data;
  bool whole;                        // the pool is every row's id, in row order
  std::vector<std::uint32_t> index;  // not whole: per row, 1 + its place in the pool, 0 for none
};

// A pool is copied whole when its results list at least as many rows as the dataset has: the
// copy (a few nanoseconds a row, its memory fresh) then costs less than marking, filling and
// renumbering (several a listed row). Measured: 200 rules in JSON (3.5 ids a row) 4% faster
// whole; 1,000 rules in text (0.6 ids a row) 2% slower whole.
std::vector<PoolIndex> pool_indexes(std::map<const Dataset*, SharedPool>& pools,
                                    const std::vector<std::vector<RuleResult>>& per_rule) {
  std::vector<PoolIndex> indexes;
  for (auto& [data, shared] : pools) {
    if (!shared.pool) continue;
    std::size_t listed = 0;
    for (const auto& results : per_rule) {
      for (const RuleResult& result : results) {
        if (result.evidence.pool() == shared.pool.get()) listed += result.evidence.listed();
      }
    }
    const bool whole = listed >= data->row_count();
    indexes.push_back(
        PoolIndex{shared.pool.get(), data, whole,
                  whole ? std::vector<std::uint32_t>() : std::vector<std::uint32_t>(data->row_count(), 0)});
  }
  return indexes;
}

// The index to renumber a pool's rows by; null for a whole pool (or none of these).
std::vector<std::uint32_t>* index_of(std::vector<PoolIndex>& indexes, const RecordIdPool* pool) {
  for (PoolIndex& index : indexes) {
    if (index.pool == pool) return index.whole ? nullptr : &index.index;
  }
  return nullptr;
}

// One rule's evidence rows marked; rules on several cores mark rows in the same index (all 1).
void mark_pool_rows(std::vector<PoolIndex>& indexes, std::vector<RuleResult>& results) {
  for (RuleResult& result : results) {
    std::vector<std::uint32_t>* index = index_of(indexes, result.evidence.pool());
    if (index == nullptr) continue;
    for (const std::uint32_t row : result.evidence.pool_rows()) {
      std::atomic_ref<std::uint32_t>((*index)[row]).store(1, std::memory_order_relaxed);
    }
  }
}

// The pools of listed rows filled, and their indexes numbered (a whole pool is copied later).
void fill_pools(std::vector<PoolIndex>& indexes) {
  for (PoolIndex& index : indexes) {
    if (index.whole) continue;
    std::uint32_t next = 0;
    for (std::size_t row = 0; row < index.index.size(); ++row) {
      if (index.index[row] == 0) continue;
      index.index[row] = ++next;
      index.pool->append(index.data->record_id(row));
    }
  }
}

void renumber_pool_rows(std::vector<PoolIndex>& indexes, std::vector<RuleResult>& results) {
  for (RuleResult& result : results) {
    const std::vector<std::uint32_t>* index = index_of(indexes, result.evidence.pool());
    if (index == nullptr) continue;
    for (std::uint32_t& row : result.evidence.pool_rows()) row = (*index)[row] - 1;
  }
}

// A pass over each dataset's rows for all the rules over it, in the order of their first rules.
std::vector<std::unique_ptr<Pass>> make_passes(const CompiledRuleSet& rules, const DatasetMap& datasets,
                                               const std::vector<std::unique_ptr<RuleRun>>& runs,
                                               const std::vector<DenseTable>& tables, std::int32_t as_of,
                                               const EvaluateOptions& options) {
  std::vector<std::unique_ptr<Pass>> passes;
  std::map<const Dataset*, std::vector<RuleRun*>> by_dataset;
  std::vector<const Dataset*> order;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i]) continue;
    const Dataset* data = datasets.at(rules.rules[i].dataset->kind);
    if (by_dataset[data].empty()) order.push_back(data);
    by_dataset[data].push_back(runs[i].get());
  }
  for (const Dataset* data : order) {
    passes.push_back(std::make_unique<Pass>(by_dataset[data], *data, tables, as_of, options.rows_per_range,
                                            options.split_filters));
  }
  return passes;
}

// Runs task(t, buffers) for every t below `count` on up to `cores` threads (this one included),
// each thread with buffers of its own.
template <typename Task>
void run_on_cores(std::size_t count, unsigned cores, Task& task) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    BatchBuffers buffers;
    for (std::size_t t = next++; t < count; t = next++) task(t, buffers);
  };
  const std::size_t threads = std::max<std::size_t>(1, std::min<std::size_t>(count, cores));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
}

}  // namespace

std::vector<RuleResult> evaluate_rules(const CompiledRuleSet& rules, const DatasetMap& datasets, std::int32_t as_of,
                                       const EvaluateOptions& options) {
  std::vector<DenseTable> tables;
  tables.reserve(rules.tables.size());
  for (const auto& table : rules.tables) tables.emplace_back(table);

  std::vector<std::vector<RuleResult>> per_rule(rules.rules.size());
  std::vector<std::unique_ptr<RuleRun>> runs(rules.rules.size());
  for (std::size_t i = 0; i < rules.rules.size(); ++i) {
    const CompiledRule& rule = rules.rules[i];
    auto it = datasets.find(rule.dataset->kind);
    if (it == datasets.end() || it->second == nullptr) {
      RuleResult result;
      result.rule = &rule;
      result.status = Status::NotEvaluated;
      result.note.add(NoteCode::NoData, dataset_args(rule.dataset->name));
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
        result.note.add(NoteCode::DivisorNoData, dataset_args(rule.divisor->dataset->name));
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
    runs[i]->list_share_evidence_at_most(options.evidence_listed);
  }

  std::map<const Dataset*, SharedPool> pools;
  share_record_id_pools(rules, datasets, runs, pools);

  // The rules over one dataset run together, in one pass over its rows (evaluator_pass.cpp); the
  // ranges of all passes are spread over the cores. Then every rule is finished (groups into
  // results, evidence) on whichever core is free. Each rule's results go into its own slot and
  // are concatenated in rule order, so the output does not depend on scheduling.
  std::vector<std::unique_ptr<Pass>> passes = make_passes(rules, datasets, runs, tables, as_of, options);
  if (options.stats != nullptr) {
    for (const auto& pass : passes) {
      options.stats->split_rules += pass->split_rules();
      options.stats->fine_counts += pass->fine_counts();
      options.stats->fine_counts_by_pieces += pass->fine_counts_by_pieces();
    }
  }
  struct RangeTask {
    Pass* pass;
    std::size_t range;
  };
  std::vector<RangeTask> range_tasks;
  for (const auto& pass : passes) {
    for (std::size_t range = 0; range < pass->range_count(); ++range) range_tasks.push_back(RangeTask{pass.get(), range});
  }
  std::vector<std::size_t> finish_tasks;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i]) finish_tasks.push_back(i);
  }
  const unsigned cores = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  auto on_cores = [&](std::size_t count, auto&& task) { run_on_cores(count, cores, task); };
  on_cores(range_tasks.size(), [&](std::size_t t, BatchBuffers& buffers) {
    range_tasks[t].pass->run_range(range_tasks[t].range, buffers);
  });
  on_cores(finish_tasks.size(), [&](std::size_t t, BatchBuffers& buffers) {
    per_rule[finish_tasks[t]] = runs[finish_tasks[t]]->finish(buffers);
  });
  // The evidence of the groups whose status needs it: a second pass over the rows, each pass's
  // rules cut into one part per core.
  for (std::size_t rule : finish_tasks) runs[rule]->gather_evidence_into(per_rule[rule]);
  for (const auto& pass : passes) pass->merge_groupings();
  on_cores(passes.size() * cores, [&](std::size_t t, BatchBuffers& buffers) {
    passes[t / cores]->gather_evidence(t % cores, cores, buffers);
  });
  std::vector<PoolIndex> indexes = pool_indexes(pools, per_rule);
  on_cores(finish_tasks.size(),
           [&](std::size_t t, BatchBuffers&) { mark_pool_rows(indexes, per_rule[finish_tasks[t]]); });
  fill_pools(indexes);
  std::vector<PoolIndex*> whole_pools;
  for (PoolIndex& index : indexes) {
    if (index.whole) whole_pools.push_back(&index);
  }
  on_cores(whole_pools.size() + finish_tasks.size(), [&](std::size_t t, BatchBuffers&) {
    if (t < whole_pools.size()) {
      // Nothing waits for a whole pool but the report: copied while the rules are tidied.
      copy_record_ids(*whole_pools[t]->data, *whole_pools[t]->pool);
      return;
    }
    const std::size_t rule = finish_tasks[t - whole_pools.size()];
    renumber_pool_rows(indexes, per_rule[rule]);
    runs[rule].reset();  // its accumulators are done with
    std::stable_sort(per_rule[rule].begin(), per_rule[rule].end(), less_group);
  });
  passes.clear();  // and the groupings' row tags

  std::size_t result_count = 0;
  for (const auto& results : per_rule) result_count += results.size();
  std::vector<RuleResult> all;
  all.reserve(result_count);
  for (auto& results : per_rule) {
    for (auto& result : results) all.push_back(std::move(result));
  }
  return all;
}

}  // namespace toets
