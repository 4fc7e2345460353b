// Split rules: rules over the same rows that differ only in a condition on one column of few
// values, like a regulator's 200 rules each for its own household sizes (`household_size in
// {2, 7}`, `household_size <= 2`). Counted one by one, every rule evaluates its measure (a
// table look-up per row) on its own selection of rows: nothing is shared. Counted through a
// fine count, the shared part of the filter and the measure are evaluated once per row, into
// groups of the rules' keys and that column's value; each rule's group is the sum of the fine
// groups whose value its condition accepts. The condition is decided once per value, by the
// rule's own expression on a row that holds the value: the semantics of filtering rows, missing
// values included, are those of the rule itself.
//
// Only measures that are counts (count, count(p), share(p)): their groups add up exactly. A fine
// count that meets an error (a look-up without a value, too many groups) may have met it on a row
// the rule's own filter never reads: the rule then counts its rows itself (Pass::count_alone).

#include "engine/eval/evaluator_internal.hpp"

namespace toets::evaluation {

namespace {

// More values than this and a column is not split by its values: every value multiplies the
// groups. A whole-number or money column of more values (incomes, rents, ages) is split by pieces
// instead: the rules' constants cut it into at most 2 * kMaxSplitBounds + 2 pieces.
constexpr std::size_t kMaxSplitValues = 64;
constexpr std::size_t kMaxSplitBounds = 255;

// A subtree's shape: equal shapes are the same expression over the same dataset.
void add_shape(const ExprPool& pool, std::uint32_t index, std::string& out) {
  const ExprNode& node = pool.nodes[index];
  out += '(';
  out += std::to_string(static_cast<int>(node.op)) + ' ' + std::to_string(static_cast<int>(node.type)) + ' ' +
         std::to_string(static_cast<int>(node.compare_op)) + ' ' + std::to_string(node.value) + ' ' +
         std::to_string(node.column) + ' ' + std::to_string(node.table) + ' ' + std::to_string(node.text.size()) + ':' +
         node.text;
  if (node.op == NodeOp::InSet) {
    const ValueSet& set = pool.sets[node.set];
    std::vector<std::int64_t> numbers = set.numbers;
    std::vector<std::string> texts = set.texts;
    std::sort(numbers.begin(), numbers.end());
    std::sort(texts.begin(), texts.end());
    out += " {";
    for (std::int64_t number : numbers) out += std::to_string(number) + ' ';
    for (const std::string& text : texts) out += std::to_string(text.size()) + ':' + text + ' ';
    out += '}';
  }
  for (std::uint32_t arg : node.args) add_shape(pool, arg, out);
  out += ')';
}

std::string shape(const ExprPool& pool, std::uint32_t index) {
  std::string out;
  if (index == kNoIndex) return "-";
  add_shape(pool, index, out);
  return out;
}

// The conjuncts of a filter: the operands of its top-level `and`s.
void add_conjuncts(const ExprPool& pool, std::uint32_t index, std::vector<std::uint32_t>& out) {
  const ExprNode& node = pool.nodes[index];
  if (node.op == NodeOp::And) {
    add_conjuncts(pool, node.args[0], out);
    add_conjuncts(pool, node.args[1], out);
    return;
  }
  out.push_back(index);
}

// Whether a subtree reads one column (into `column`, kNoIndex before) by operations that cannot
// fail: comparisons, sets, logic. A look-up, a date or arithmetic is never part of a condition
// decided per value.
bool reads_one_column(const ExprPool& pool, std::uint32_t index, std::uint32_t& column) {
  const ExprNode& node = pool.nodes[index];
  auto same = [&](std::uint32_t read) {
    if (read == kNoIndex) return true;
    if (column == kNoIndex) column = read;
    return column == read;
  };
  switch (node.op) {
    case NodeOp::Constant: return true;
    case NodeOp::Column:
    case NodeOp::IsMissing:
    case NodeOp::TextConstant: return same(node.column);
    case NodeOp::InSet:
    case NodeOp::Compare:
    case NodeOp::And:
    case NodeOp::Or:
    case NodeOp::Not:
    case NodeOp::Indicator:
      if (!same(node.column)) return false;
      return std::all_of(node.args.begin(), node.args.end(),
                         [&](std::uint32_t arg) { return reads_one_column(pool, arg, column); });
    default: return false;
  }
}

// The values a column holds (a group key's values: kNull64 for missing) and the first row of
// each, in row order; none when it holds more than kMaxSplitValues or is not a column of codes
// or small numbers.
struct ColumnValues {
  std::vector<std::int64_t> values;
  std::vector<std::uint32_t> rows;
};
std::optional<ColumnValues> values_of_column(const Dataset& data, std::uint32_t index) {
  const ColumnData& column = data.column(index);
  if (!column.kept || column.type == ValueType::Money || column.text_storage == TextStorage::Raw) return std::nullopt;
  ColumnValues found;
  // Codes and small numbers are seen in a table, others looked for among those found.
  constexpr std::int32_t kSeenSpan = 4096;
  std::vector<std::uint8_t> seen(kSeenSpan, 0);
  bool null_seen = false;
  for (std::size_t row = 0; row < data.row_count(); ++row) {
    const std::int32_t v = column.value(row);
    const std::int64_t value = v == kNull32 ? kNull64 : v;
    if (v == kNull32) {
      if (null_seen) continue;
      null_seen = true;
    } else if (v >= 0 && v < kSeenSpan) {
      if (seen[static_cast<std::size_t>(v)]) continue;
      seen[static_cast<std::size_t>(v)] = 1;
    } else if (std::find(found.values.begin(), found.values.end(), value) != found.values.end()) {
      continue;
    }
    if (found.values.size() == kMaxSplitValues) return std::nullopt;
    found.values.push_back(value);
    found.rows.push_back(static_cast<std::uint32_t>(row));
  }
  return found;
}

// The constants a condition on one column compares it with (into `bounds`), when the condition
// holds on all of a piece between them or on none (piece_of): comparisons and sets of numbers in
// the column's own unit, missing(), logic. False for anything else (text, another unit).
bool add_bounds(const ExprPool& pool, std::uint32_t index, ValueType type, std::vector<std::int64_t>& bounds) {
  const ExprNode& node = pool.nodes[index];
  switch (node.op) {
    case NodeOp::Column:
    case NodeOp::IsMissing: return true;
    case NodeOp::Constant:
      if (node.type != type) return false;
      bounds.push_back(node.value);
      return true;
    case NodeOp::InSet:
      if (type != ValueType::Int || !pool.sets[node.set].texts.empty()) return false;
      bounds.insert(bounds.end(), pool.sets[node.set].numbers.begin(), pool.sets[node.set].numbers.end());
      break;
    case NodeOp::Compare:
    case NodeOp::And:
    case NodeOp::Or:
    case NodeOp::Not: break;
    default: return false;
  }
  return std::all_of(node.args.begin(), node.args.end(),
                     [&](std::uint32_t arg) { return add_bounds(pool, arg, type, bounds); });
}

// The pieces of a column (piece_of `bounds`) that its rows fall in, ascending, and the first row
// of each.
ColumnValues pieces_of_column(const Dataset& data, std::uint32_t index, const std::vector<std::int64_t>& bounds) {
  const ColumnData& column = data.column(index);
  std::vector<std::uint32_t> first(2 * bounds.size() + 2, kNoIndex);
  for (std::size_t row = 0; row < data.row_count(); ++row) {
    std::uint32_t& seen = first[static_cast<std::size_t>(piece_of(value64(column, row), bounds))];
    if (seen == kNoIndex) seen = static_cast<std::uint32_t>(row);
  }
  ColumnValues found;
  for (std::size_t piece = 0; piece < first.size(); ++piece) {
    if (first[piece] == kNoIndex) continue;
    found.values.push_back(static_cast<std::int64_t>(piece));
    found.rows.push_back(first[piece]);
  }
  return found;
}

// For each fine group, its group among the rules' `groups`: the one whose key is the fine key
// without the column's value (at `position`); kNoIndex where there is none.
std::vector<std::uint32_t> parent_groups(const std::vector<Accumulator>& groups,
                                         const std::vector<Accumulator>& fine_groups, std::size_t position) {
  std::map<std::array<std::int64_t, kMaxKeys>, std::uint32_t> by_key;
  for (std::uint32_t g = 0; g < groups.size(); ++g) by_key.emplace(groups[g].key.values, g);
  std::vector<std::uint32_t> parent;
  parent.reserve(fine_groups.size());
  for (const Accumulator& part : fine_groups) {
    std::array<std::int64_t, kMaxKeys> key = part.key.values;
    key[position] = 0;
    const auto found = by_key.find(key);
    parent.push_back(found == by_key.end() ? kNoIndex : found->second);
  }
  return parent;
}

}  // namespace

std::vector<std::optional<Pass::Split>> Pass::plan_splits(std::vector<RuleRun*>& runs, const Dataset& data,
                                                          const std::vector<DenseTable>& tables, std::int32_t as_of,
                                                          std::size_t rows_per_range) {
  std::vector<std::optional<Split>> planned(runs.size());
  // A rule can split by column c when some of its conjuncts read c alone: the others (`rest`) are
  // its fine count's filter. Rules with the same keys, scope, measure, exemption, c and rest
  // share one fine count.
  struct Way {
    std::size_t run;
    std::uint32_t column;
    std::vector<std::uint32_t> own, rest;  // nodes: the conjuncts on the column, the others in shape order
  };
  std::map<std::string, std::vector<Way>> ways;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RuleRun& run = *runs[i];
    const CompiledRule& rule = run.rule_;
    const MeasureKind kind = rule.measure.kind;
    const bool counts = kind == MeasureKind::Count || kind == MeasureKind::CountIf || kind == MeasureKind::Share;
    if (!counts || rule.divisor || rule.target || rule.filter == kNoIndex || run.keys_.size() >= kMaxKeys) continue;
    std::string family = std::to_string(static_cast<int>(kind)) + '|' + shape(rule.pool, rule.measure.expr) + '|' +
                         shape(rule.pool, rule.exempt) + '|' + std::to_string(rule.scope_municipality.size()) + ':' +
                         rule.scope_municipality + '|';
    bool raw_key = false;
    for (const GroupKey& key : run.keys_) {
      family += std::to_string(static_cast<int>(key.kind)) + ':' + std::to_string(key.column) + ';';
      raw_key |= data.column(key.column).text_storage == TextStorage::Raw;
    }
    if (raw_key) continue;  // a group per record: nothing to share
    for (const std::string& corporation : rule.scope_corporations) family += std::to_string(corporation.size()) + ':' + corporation;
    std::vector<std::uint32_t> nodes;
    add_conjuncts(rule.pool, rule.filter, nodes);
    std::vector<std::pair<std::string, std::uint32_t>> conjuncts;  // shape, node, in shape order
    std::vector<std::uint32_t> columns;
    for (std::uint32_t node : nodes) {
      conjuncts.emplace_back(shape(rule.pool, node), node);
      std::uint32_t column = kNoIndex;
      if (reads_one_column(rule.pool, node, column) && column != kNoIndex) columns.push_back(column);
    }
    std::sort(conjuncts.begin(), conjuncts.end());
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
    for (std::uint32_t column : columns) {
      Way way{i, column, {}, {}};
      std::string key = family + '#' + std::to_string(column) + '#';
      for (const auto& [text, node] : conjuncts) {
        std::uint32_t read = kNoIndex;
        if (reads_one_column(rule.pool, node, read) && read == column) {
          way.own.push_back(node);
        } else {
          way.rest.push_back(node);
          key += std::to_string(text.size()) + ':' + text;
        }
      }
      ways[key].push_back(std::move(way));
    }
  }

  // The largest sets first; each rule splits one way at most.
  std::vector<const std::pair<const std::string, std::vector<Way>>*> order;
  for (const auto& entry : ways) {
    if (entry.second.size() >= 2) order.push_back(&entry);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->second.size() > b->second.size(); });
  // One fine count for `group`, split by the column's `values` or by its `pieces` (bounds).
  const auto add_fine_count = [&](const std::vector<const Way*>& group, const ColumnValues& values,
                                  const std::vector<std::int64_t>& pieces) {
    const std::uint32_t column = group.front()->column;
    // The fine count: the first rule with the rest as its filter, grouped by its keys and the
    // column (its value, or its piece). It decides nothing and reports nothing.
    const Way& first = *group.front();
    const CompiledRule& first_rule = runs[first.run]->rule_;
    auto fine = std::make_unique<CompiledRule>(first_rule);
    fine->id += "/" + data.schema().column(column).name;
    fine->thresholds.clear();
    fine->expected.clear();
    fine->baseline.reset();
    // Its rules may differ in their own periods: the fine count counts every period.
    fine->own_from.reset();
    fine->own_to.reset();
    fine->filter = first.rest.empty() ? kNoIndex : first.rest.front();
    for (std::size_t s = 1; s < first.rest.size(); ++s) {
      ExprNode both = fine->pool.nodes[first_rule.filter];  // an `and`: the filter has conjuncts
      both.args = {fine->filter, first.rest[s]};
      fine->pool.nodes.push_back(std::move(both));
      fine->filter = static_cast<std::uint32_t>(fine->pool.nodes.size() - 1);
    }
    fine->group_keys.push_back(GroupKey{GroupKeyKind::Column, column, data.schema().column(column).name, pieces});
    auto fine_run = std::make_unique<RuleRun>(*fine, data, tables, as_of, rows_per_range);
    for (const Way* way : group) {
      planned[way->run] = Split{fine_run.get(), fine->group_keys.size() - 1, way->own, values.values, values.rows, {},
                                !pieces.empty(), {}};
    }
    runs.push_back(fine_run.get());
    fine_rules_.push_back(std::move(fine));
    fine_runs_.push_back(std::move(fine_run));
  };
  std::map<std::uint32_t, std::optional<ColumnValues>> column_values;
  for (const auto* entry : order) {
    std::vector<const Way*> group;
    for (const Way& way : entry->second) {
      if (!planned[way.run]) group.push_back(&way);
    }
    if (group.size() < 2) continue;
    const std::uint32_t column = group.front()->column;
    auto values = column_values.find(column);
    if (values == column_values.end()) values = column_values.emplace(column, values_of_column(data, column)).first;
    if (values->second) {
      add_fine_count(group, *values->second, {});
      continue;
    }
    // By pieces: the rules taken in order, as many at a time as their constants stay within
    // kMaxSplitBounds (each set of them one fine count, one more pass of the shared measure).
    const ColumnData& column_data = data.column(column);
    const bool numbers = column_data.kept && column_data.text_storage != TextStorage::Raw &&
                         (column_data.type == ValueType::Money || column_data.type == ValueType::Int);
    if (!numbers) continue;
    std::vector<const Way*> part;
    std::vector<std::int64_t> bounds;
    const auto flush = [&] {
      if (part.size() >= 2) {
        add_fine_count(part, pieces_of_column(data, column, bounds), bounds);
      }
      part.clear();
      bounds.clear();
    };
    for (const Way* way : group) {
      std::vector<std::int64_t> own;
      const ExprPool& pool = runs[way->run]->rule_.pool;
      if (!std::all_of(way->own.begin(), way->own.end(),
                       [&](std::uint32_t node) { return add_bounds(pool, node, column_data.type, own); })) {
        continue;
      }
      std::vector<std::int64_t> both = bounds;
      both.insert(both.end(), own.begin(), own.end());
      std::sort(both.begin(), both.end());
      both.erase(std::unique(both.begin(), both.end()), both.end());
      if (both.size() > kMaxSplitBounds) {
        flush();
        both = std::move(own);
        std::sort(both.begin(), both.end());
        both.erase(std::unique(both.begin(), both.end()), both.end());
        if (both.size() > kMaxSplitBounds) continue;
      }
      bounds = std::move(both);
      part.push_back(way);
    }
    flush();
  }
  return planned;
}

bool RangeRun::holds(std::uint32_t node, const std::uint32_t* rows, std::size_t n, std::uint8_t* out) {
  if (!eval(node, rows, n, 0) || error_) return false;
  const std::int64_t* value = values_of(node);
  for (std::size_t i = 0; i < n; ++i) out[i] = value[i] == 1;
  return true;
}

bool Pass::decide_accepted(Split& split, RuleRun& rule, BatchBuffers& buffers) {
  static_assert(kMaxSplitValues <= kBatch && 2 * kMaxSplitBounds + 2 <= kBatch,
                "a column's values, or its pieces, are decided in one batch");
  const std::size_t n = split.rows.size();
  // A selection is read in row order (for_each_selected): the rows of pieces, in piece order,
  // are not; they are evaluated sorted and the answers put back in the values' order.
  std::vector<std::uint32_t> order(n), rows(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return split.rows[a] < split.rows[b]; });
  for (std::size_t i = 0; i < n; ++i) rows[i] = split.rows[order[i]];
  std::vector<std::uint8_t> accepts(n, 1), holds(n);
  RangeRun& range = rule.range(0);
  range.bind(buffers);
  for (std::uint32_t node : split.conditions) {
    ++buffers.serial;
    if (!range.holds(node, rows.data(), n, holds.data())) return false;
    for (std::size_t i = 0; i < n; ++i) accepts[order[i]] &= holds[i];
  }
  split.accepted.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (accepts[i]) split.accepted.push_back(split.values[i]);
  }
  std::sort(split.accepted.begin(), split.accepted.end());
  if (split.by_pieces) {
    split.accepts_piece.assign(split.values.empty() ? 1 : static_cast<std::size_t>(split.values.back()) + 1, 0);
    for (const std::int64_t piece : split.accepted) split.accepts_piece[static_cast<std::size_t>(piece)] = 1;
  }
  return true;
}

namespace {

// Whether a split rule takes the fine groups of `value` (a value of the column, or a piece).
bool accepts(const Pass::Split& split, std::int64_t value) {
  if (!split.by_pieces) return std::binary_search(split.accepted.begin(), split.accepted.end(), value);
  const auto piece = static_cast<std::size_t>(value);
  return piece < split.accepts_piece.size() && split.accepts_piece[piece] != 0;
}

}  // namespace

void Pass::count_alone(const Member& member, std::size_t index, BatchBuffers& buffers) {
  RangeRun& range = member.run->range(index);
  const std::uint32_t* tags = groupings_[member.grouping]->tags_;
  std::uint32_t* rows = buffers.in_scope.data();
  for (std::size_t begin = range.begin(); begin < range.end(); begin += kBatch) {
    const std::size_t end = std::min(range.end(), begin + kBatch);
    ++buffers.serial;
    std::size_t n = 0;
    for (std::size_t row = begin; row < end; ++row) {
      if (tags[row] != kOutOfScope) rows[n++] = static_cast<std::uint32_t>(row);
    }
    if (!range.measure_batch(rows, n, n, 0)) return;
  }
}

namespace {

// A fine count by pieces, summed per group over its pieces: sums[g * (P + 1) + p] are the counts
// of group g's fine groups in the first p pieces the data holds. A rule takes runs of pieces (a
// threshold one, a range one, a set of numbers a few), so its group's counts are a difference or
// two, not a look at every fine group: 200 rules over 55 groups x 400 pieces, range after range.
struct PieceSums {
  std::uint64_t records = 0, matching = 0, exempt = 0, exempt_matching = 0;
};
struct PiecePrefixes {
  bool built = false;
  std::vector<PieceSums> sums;
};

void add_pieces(RangeRun& range, const Pass::Split& split, const std::vector<std::uint32_t>& parent,
                const std::vector<Accumulator>& fine_groups, PiecePrefixes& prefixes) {
  const std::size_t pieces = split.values.size();
  const std::size_t groups = range.groups().size();
  const auto at = [&](std::size_t g, std::size_t p) -> PieceSums& { return prefixes.sums[g * (pieces + 1) + p]; };
  if (!prefixes.built) {
    prefixes.sums.assign(groups * (pieces + 1), PieceSums{});
    for (std::size_t j = 0; j < parent.size(); ++j) {
      const Accumulator& part = fine_groups[j];
      const auto found = std::lower_bound(split.values.begin(), split.values.end(), part.key.values[split.key]);
      const auto p = static_cast<std::size_t>(found - split.values.begin());
      PieceSums& cell = at(parent[j], p + 1);
      cell.records += part.records;
      cell.matching += part.matching;
      cell.exempt += part.exempt;
      cell.exempt_matching += part.exempt_matching;
    }
    for (std::size_t g = 0; g < groups; ++g) {
      for (std::size_t p = 1; p <= pieces; ++p) {
        at(g, p).records += at(g, p - 1).records;
        at(g, p).matching += at(g, p - 1).matching;
        at(g, p).exempt += at(g, p - 1).exempt;
        at(g, p).exempt_matching += at(g, p - 1).exempt_matching;
      }
    }
    prefixes.built = true;
  }
  for (std::size_t lo = 0; lo < pieces;) {
    if (!accepts(split, split.values[lo])) {
      ++lo;
      continue;
    }
    std::size_t hi = lo;
    while (hi < pieces && accepts(split, split.values[hi])) ++hi;
    for (std::size_t g = 0; g < groups; ++g) {
      Accumulator run;
      run.records = at(g, hi).records - at(g, lo).records;
      run.matching = at(g, hi).matching - at(g, lo).matching;
      run.exempt = at(g, hi).exempt - at(g, lo).exempt;
      run.exempt_matching = at(g, hi).exempt_matching - at(g, lo).exempt_matching;
      range.add_counts(static_cast<std::uint32_t>(g), run);
    }
    lo = hi;
  }
}

}  // namespace

void Pass::compose_splits(std::size_t index, BatchBuffers& buffers) {
  // Per fine count: each fine group's group among its rules' (they share their grouping).
  std::map<const RuleRun*, std::vector<std::uint32_t>> parents;
  std::map<const RuleRun*, PiecePrefixes> prefixes;
  for (std::size_t r = 0; r < members_.size(); ++r) {
    const Member& member = members_[r];
    if (member.split == kNoSplit || member.counted_by != r) continue;
    const Split& split = splits_[member.split];
    RangeRun& range = member.run->range(index);
    const RangeRun& grouping = groupings_[member.grouping]->range(index);
    if (!range.adopt_groups(grouping)) continue;
    const RangeRun& fine = split.fine->range(index);
    const auto& errors = fine.group_errors();
    if (fine.error() || std::any_of(errors.begin(), errors.end(), [](const GroupError& e) { return e != nullptr; })) {
      count_alone(member, index, buffers);
      continue;
    }
    auto [at, added] = parents.try_emplace(split.fine);
    std::vector<std::uint32_t>& parent = at->second;
    if (added) parent = parent_groups(grouping.groups(), fine.groups(), split.key);
    if (std::find(parent.begin(), parent.end(), kNoIndex) != parent.end()) {
      count_alone(member, index, buffers);  // not expected: every row in the fine count's scope has a group
      continue;
    }
    if (split.by_pieces) {
      add_pieces(range, split, parent, fine.groups(), prefixes[split.fine]);
      continue;
    }
    for (std::size_t j = 0; j < parent.size(); ++j) {
      const Accumulator& part = fine.groups()[j];
      if (accepts(split, part.key.values[split.key])) range.add_counts(parent[j], part);
    }
  }
}

}  // namespace toets::evaluation

namespace toets::evaluation {

std::vector<Pass::FineEvidence> Pass::plan_split_evidence(const std::vector<const Member*>& rules) const {
  std::vector<FineEvidence> fines;
  std::vector<std::vector<std::uint32_t>> parents;  // per FineEvidence, per merged fine group: the rules' group
  for (const Member* member : rules) {
    if (member->split == kNoSplit) continue;
    const Split& split = splits_[member->split];
    const auto fine_member = std::find_if(members_.begin(), members_.end(),
                                          [&](const Member& m) { return m.run == split.fine; });
    // The fine count's states are the rule's only where its grouping is whole: else the rule's own.
    if (fine_member == members_.end() || !grouping_merged_[fine_member->grouping] ||
        !grouping_merged_[member->grouping]) {
      continue;
    }
    auto fine = std::find_if(fines.begin(), fines.end(), [&](const FineEvidence& f) { return f.fine == &*fine_member; });
    if (fine == fines.end()) {
      fines.push_back(FineEvidence{&*fine_member, std::make_shared<RangeRun>(*fine_member->run, 0, 0), {}, {}, {}, {}, {}, {}});
      fine = fines.end() - 1;
      parents.push_back(
          parent_groups(groupings_[member->grouping]->groups_, groupings_[fine_member->grouping]->groups_, split.key));
    }
    const std::vector<std::uint32_t>& parent = parents[static_cast<std::size_t>(fine - fines.begin())];
    const auto& fine_groups = groupings_[fine_member->grouping]->groups_;
    const RuleRun& run = *member->run;
    std::vector<std::uint8_t> wanted(parent.size(), 0);
    std::vector<std::uint32_t> result(parent.size(), 0);
    for (std::size_t j = 0; j < parent.size(); ++j) {
      if (parent[j] == kNoIndex || parent[j] >= run.evidence_states_.size()) continue;
      if (!accepts(split, fine_groups[j].key.values[split.key])) continue;
      wanted[j] = run.evidence_states_[parent[j]];
      result[j] = run.result_of_group_[parent[j]];
    }
    fine->any_wanted.resize(wanted.size(), 0);
    for (std::size_t j = 0; j < wanted.size(); ++j) fine->any_wanted[j] |= wanted[j];
    fine->rules.push_back(member->run);
    fine->wanted.push_back(std::move(wanted));
    fine->result.push_back(std::move(result));
  }
  for (FineEvidence& fine : fines) {
    const std::size_t groups = fine.any_wanted.size();
    fine.wanting_begin.assign(groups + 1, 0);
    for (const std::vector<std::uint8_t>& wanted : fine.wanted) {
      for (std::size_t j = 0; j < wanted.size(); ++j) fine.wanting_begin[j + 1] += wanted[j] != 0;
    }
    for (std::size_t j = 0; j < groups; ++j) fine.wanting_begin[j + 1] += fine.wanting_begin[j];
    fine.wanting.resize(fine.wanting_begin[groups]);
    std::vector<std::uint32_t> next(fine.wanting_begin.begin(), fine.wanting_begin.end() - 1);
    for (std::size_t k = 0; k < fine.wanted.size(); ++k) {
      for (std::size_t j = 0; j < fine.wanted[k].size(); ++j) {
        if (fine.wanted[k][j] != 0) fine.wanting[next[j]++] = static_cast<std::uint32_t>(k);
      }
    }
  }
  return fines;
}

void Pass::split_evidence_batch(const FineEvidence& fine, const std::uint32_t* in_scope, std::size_t n,
                                std::uint32_t token, const std::uint32_t* group_at, std::size_t first) {
  // Per measured row that some rule wants: its row, fine group and state as a bit. Most rows are
  // evidence of none: those meeting a predicate are, or those not (never one left out by the
  // filter or exempt: no rule wants kNotMeasured or kExempt).
  std::array<std::uint32_t, kBatch> row{}, group{};
  std::array<std::uint8_t, kBatch> state{};
  std::size_t wanted_rows = 0;
  const auto look_at = [&](std::uint32_t at, RowState row_state) __attribute__((always_inline)) {
    const std::uint32_t j = group_at[at - first];
    const auto bit = static_cast<std::uint8_t>(1u << row_state);
    row[wanted_rows] = at;
    group[wanted_rows] = j;
    state[wanted_rows] = bit;
    wanted_rows += (fine.any_wanted[j] & bit) != 0;
  };
  if (const std::uint8_t* states = fine.fine->run->row_states_; states != nullptr) {
    // The states the fine count kept as it counted: its filter, exemption and measure are not
    // evaluated again.
    for (std::size_t i = 0; i < n; ++i) look_at(in_scope[i], static_cast<RowState>(states[in_scope[i]]));
  } else {
    const std::uint32_t* sel = nullptr;
    std::size_t m = 0;
    const std::int64_t* value = nullptr;
    if (!fine.scratch->measured_rows(in_scope, n, token, sel, m, value) || m == 0) return;
    const MeasureKind kind = fine.fine->run->rule_.measure.kind;
    for (std::size_t i = 0; i < m; ++i) look_at(sel[i], measured_state(kind, value, i));
  }
  // Row by row (each result's evidence stays in row order), to the rules that want its group.
  const std::uint32_t* begin = fine.wanting_begin.data();
  for (std::size_t i = 0; i < wanted_rows; ++i) {
    const std::uint32_t j = group[i];
    for (std::uint32_t at = begin[j]; at < begin[j + 1]; ++at) {
      const std::uint32_t k = fine.wanting[at];
      if ((fine.wanted[k][j] & state[i]) != 0) (*fine.rules[k]->evidence_results_)[fine.result[k][j]].evidence.add_row(row[i]);
    }
  }
}

}  // namespace toets::evaluation
