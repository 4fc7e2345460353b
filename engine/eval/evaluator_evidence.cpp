// Evidence, gathered after the statuses are known: only the groups whose status needs it
// (signal, breach, at risk) are read again, and only their rows are evaluated again (filter,
// exemption, measure) to learn which of them are the evidence. Nothing is kept per row per rule
// while the rules run: a row's group is in its grouping's tag, its state is found here.

#include "engine/eval/evaluator_internal.hpp"

namespace toets::evaluation {

void RangeRun::evidence_batch(const std::uint32_t* rows, const std::uint32_t* group, std::size_t n,
                              const std::vector<std::uint8_t>& wanted,
                              const std::vector<std::uint32_t>& result_of_group, std::vector<RuleResult>& results) {
  const CompiledRule& rule = rule_.rule_;
  BatchBuffers& buffers = *buffers_;
  // Per row, its position among rows[0..n): the states are found for the rows that pass.
  std::uint32_t* at = buffers.filtered.data();
  std::uint32_t* sel = buffers.measured.data();
  std::uint32_t* kept = buffers.exempted.data();
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) at[i] = static_cast<std::uint32_t>(i);
  std::copy(rows, rows + n, sel);
  m = n;
  auto keep_where = [&](std::uint32_t node, bool keep_when) {
    if (!eval(node, sel, m)) return false;
    const std::int64_t* value = values_of(node);
    std::size_t k = 0;
    for (std::size_t i = 0; i < m; ++i) {
      if ((value[i] == 1) != keep_when) continue;
      sel[k] = sel[i];
      kept[k] = at[i];
      ++k;
    }
    std::copy(kept, kept + k, at);
    m = k;
    return true;
  };
  if (rule.filter != kNoIndex && !keep_where(rule.filter, true)) return;
  if (rule.exempt != kNoIndex && m > 0 && !keep_where(rule.exempt, false)) return;
  if (m == 0) return;
  const MeasureKind kind = rule.measure.kind;
  const bool predicate = kind == MeasureKind::CountIf || kind == MeasureKind::Share;
  const bool net = kind == MeasureKind::Net;
  const std::int64_t* value = nullptr;
  if ((predicate || net) && rule.measure.expr != kNoIndex) {
    if (!eval(rule.measure.expr, sel, m)) return;
    value = values_of(rule.measure.expr);
  }
  for (std::size_t i = 0; i < m; ++i) {
    const RowState state = measured_state(kind, value, i);
    const std::uint32_t g = group[at[i]];
    if ((wanted[g] >> state & 1u) == 0) continue;
    results[result_of_group[g]].evidence.add_row(sel[i]);
  }
}

void RuleRun::collect_evidence(std::vector<RuleResult>& results, const std::vector<std::uint32_t>& result_of_group,
                               const std::vector<bool>& wants_evidence) {
  if (std::none_of(wants_evidence.begin(), wants_evidence.end(), [](bool b) { return b; })) return;
  // A net figure's records are tagged by the way they move it, as a predicate's by whether they meet it.
  const bool predicate = rule_.measure.kind == MeasureKind::CountIf || rule_.measure.kind == MeasureKind::Share ||
                         rule_.measure.kind == MeasureKind::Net;
  // Per group, the row states that are evidence, one bit per RowState.
  constexpr std::uint8_t kTrue = 1u << kMeasuredTrue, kFalse = 1u << kMeasuredFalse;
  std::vector<std::uint8_t> evidence_states(groups_.size(), 0);
  const std::shared_ptr<const RecordIdPool> pool = id_pool_ ? id_pool_() : make_record_id_pool(data_);
  for (std::uint32_t g = 0; g < groups_.size(); ++g) {
    if (!wants_evidence[g]) continue;
    RuleResult& result = results[result_of_group[g]];
    result.evidence.use_pool(pool);
    const Accumulator& acc = groups_[g];
    if (!predicate) {
      evidence_states[g] = kTrue | kFalse;
      result.evidence.reserve(acc.records);
      evidence_expected_ += acc.records;
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
    const std::uint64_t evidence = too_many ? acc.matching : acc.records - acc.matching;
    // A share's findings are told apart by their counts, never by their ids (report_findings.cpp):
    // its ids may be listed in part.
    std::uint64_t listed = evidence;
    if (rule_.measure.kind == MeasureKind::Share) {
      result.evidence.list_at_most(share_ids_listed_);
      listed = std::min<std::uint64_t>(evidence, share_ids_listed_);
    }
    result.evidence.reserve(listed);
    evidence_expected_ += listed;
  }
  if (defer_evidence_ && grouping_ != nullptr && tags_ == grouping_->tags_) {
    // A rule of a pass (not evaluated again alone): the pass gathers it, for all its rules at once.
    evidence_states_ = std::move(evidence_states);
    result_of_group_ = result_of_group;
    evidence_pending_ = true;
    return;
  }
  // The rows of the groups that want evidence, a batch at a time, evaluated again. A scratch
  // range: a look-up without a value records its error there, as it did in the pass.
  RangeRun again(*this, 0, 0);
  BatchBuffers& buffers = *evidence_buffers_;
  buffers.fit(canon_count_);
  again.bind(buffers);
  std::array<std::uint32_t, kBatch> rows{}, group{};
  std::size_t n = 0;
  const std::uint32_t* tags = tags_;
  for (const auto& range : ranges_) {
    for (std::size_t row = range->begin(); row < range->end(); ++row) {
      const std::uint32_t tag = tags[row];
      if (tag == kOutOfScope) continue;
      const std::uint32_t g = range->merged_group[tag >> kStateBits];
      if (evidence_states[g] == 0) continue;
      rows[n] = static_cast<std::uint32_t>(row);
      group[n++] = g;
      if (n == kBatch) {
        again.evidence_batch(rows.data(), group.data(), n, evidence_states, result_of_group, results);
        n = 0;
      }
    }
  }
  if (n > 0) again.evidence_batch(rows.data(), group.data(), n, evidence_states, result_of_group, results);
}

bool RangeRun::measured_rows(const std::uint32_t* in_scope, std::size_t n, std::uint32_t token,
                             const std::uint32_t*& sel, std::size_t& m, const std::int64_t*& value) {
  // As measure_batch selects and measures (the same tokens: values another rule evaluated for the
  // same rows are shared), keeping the rows instead of counting them.
  const CompiledRule& rule = rule_.rule_;
  BatchBuffers& buffers = *buffers_;
  sel = in_scope;
  m = n;
  value = nullptr;
  auto keep = [&](std::uint32_t node, bool keep_when, std::uint32_t* out, std::uint32_t how) {
    if (!eval(node, sel, m, token)) return false;
    const std::int64_t* kept = values_of(node);
    std::size_t k = 0;
    for (std::size_t i = 0; i < m; ++i) {
      out[k] = sel[i];
      k += (kept[i] == 1) == keep_when;
    }
    sel = out;
    m = k;
    token = buffers.token(token, rule_.canon_[node], how);
    return true;
  };
  if (rule.filter != kNoIndex && !keep(rule.filter, true, buffers.filtered.data(), 3)) return false;
  if (rule.exempt != kNoIndex && m > 0 && !keep(rule.exempt, false, buffers.measured.data(), 4)) return false;
  if (m == 0) return true;
  const MeasureKind kind = rule.measure.kind;
  if ((kind == MeasureKind::CountIf || kind == MeasureKind::Share || kind == MeasureKind::Net) &&
      rule.measure.expr != kNoIndex) {
    if (!eval(rule.measure.expr, sel, m, token)) return false;
    value = values_of(rule.measure.expr);
  }
  return true;
}

void RangeRun::gather_evidence(const std::uint32_t* in_scope, std::size_t n, std::uint32_t token,
                               const std::uint32_t* group_at, std::size_t first,
                               const std::vector<std::uint32_t>& present) {
  const std::vector<std::uint8_t>& wanted = rule_.evidence_states_;
  bool any = false;
  for (std::uint32_t g : present) any |= wanted[g] != 0;
  if (!any) return;
  if (const std::uint8_t* states = rule_.row_states_; states != nullptr) {
    // The states the rule (or the rule that counted for it) kept while it counted.
    auto& results = *rule_.evidence_results_;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t row = in_scope[i];
      const std::uint32_t g = group_at[row - first];
      if ((wanted[g] >> states[row] & 1u) != 0) results[rule_.result_of_group_[g]].evidence.add_row(row);
    }
    return;
  }
  const std::uint32_t* sel = nullptr;
  std::size_t m = 0;
  const std::int64_t* value = nullptr;
  if (!measured_rows(in_scope, n, token, sel, m, value)) return;
  const MeasureKind kind = rule_.rule_.measure.kind;
  for (std::size_t i = 0; i < m; ++i) {
    const RowState state = measured_state(kind, value, i);
    const std::uint32_t g = group_at[sel[i] - first];
    if ((wanted[g] >> state & 1u) != 0) (*rule_.evidence_results_)[rule_.result_of_group_[g]].evidence.add_row(sel[i]);
  }
}

void Pass::gather_evidence(std::size_t part, std::size_t parts, BatchBuffers& buffers) {
  // The rules of this part: those that want evidence, cut into `parts` runs of neighbours (rules
  // with the same filter are neighbours: they share their values). Each part reads the ranges in
  // order, so each result's evidence comes in row order. The runs are of about equal work: the
  // ids each rule's results list, and for a rule evaluated again (not split) its rows. Cut by the
  // number of rules, one part of rules over thousands of groups was left to run alone.
  std::vector<const Member*> wanting;
  std::vector<std::uint64_t> work_before{0};  // per rule of `wanting`: the work of those before it
  const std::uint64_t data_rows = groupings_.empty() ? 0 : groupings_.front()->data_.row_count();
  for (const Member& member : members_) {
    if (!member.run->evidence_pending_) continue;
    wanting.push_back(&member);
    const std::uint64_t evaluated = member.split == kNoSplit ? data_rows : 0;
    work_before.push_back(work_before.back() + 1 + member.run->evidence_expected_ + evaluated);
  }
  const auto first_of_part = [&](std::size_t p) {
    const std::uint64_t share = work_before.back() * p / parts;  // rows x rules x parts: far from 2^64
    return static_cast<std::size_t>(std::lower_bound(work_before.begin(), work_before.end(), share) -
                                    work_before.begin());
  };
  const std::size_t from = std::min(first_of_part(part), wanting.size());
  const std::size_t to = std::min(first_of_part(part + 1), wanting.size());
  if (from >= to) return;
  // Split rules take theirs from their fine count's states (evaluator_split.cpp); the others
  // evaluate their rows again.
  std::vector<FineEvidence> fines = plan_split_evidence({wanting.begin() + static_cast<std::ptrdiff_t>(from),
                                                         wanting.begin() + static_cast<std::ptrdiff_t>(to)});
  std::vector<const Member*> alone;
  for (std::size_t w = from; w < to; ++w) {
    const bool split = std::any_of(fines.begin(), fines.end(), [&](const FineEvidence& fine) {
      return std::find(fine.rules.begin(), fine.rules.end(), wanting[w]->run) != fine.rules.end();
    });
    if (!split) alone.push_back(wanting[w]);
  }
  buffers.fit(canon_count_);
  const std::size_t count = groupings_.size();
  // Per grouping and batch: the rows in scope, each row's merged group (the same for every rule
  // of the grouping: they made their groups in the same order) and the groups present.
  std::vector<std::vector<std::uint32_t>> in_scope(count, std::vector<std::uint32_t>(kBatch));
  std::vector<std::vector<std::uint32_t>> group_at(count, std::vector<std::uint32_t>(kBatch));
  std::vector<std::vector<std::uint32_t>> present(count);
  std::vector<std::vector<std::uint8_t>> seen(count);
  // Only the groupings of this part's rules: another's may have stopped (too many groups), its
  // tags and merged groups unfinished.
  std::vector<std::uint8_t> needed(count, 0);
  for (const Member* member : alone) needed[member->grouping] = 1;
  for (const FineEvidence& fine : fines) needed[fine.fine->grouping] = 1;
  for (std::size_t g = 0; g < count; ++g) seen[g].assign(needed[g] ? groupings_[g]->groups_.size() : 0, 0);
  std::vector<std::size_t> rows(count, 0);
  for (std::size_t index = 0; index < range_count(); ++index) {
    for (const Member* member : alone) member->run->range(index).bind(buffers);
    for (const FineEvidence& fine : fines) fine.scratch->bind(buffers);
    const RangeRun& first = groupings_.front()->range(index);
    for (std::size_t begin = first.begin(); begin < first.end(); begin += kBatch) {
      const std::size_t end = std::min(first.end(), begin + kBatch);
      ++buffers.serial;
      for (std::size_t g = 0; g < count; ++g) {
        if (!needed[g]) continue;
        const std::uint32_t* tags = groupings_[g]->tags_;
        const std::vector<std::uint32_t>& merged = groupings_[g]->range(index).merged_group;
        for (std::uint32_t group : present[g]) seen[g][group] = 0;
        present[g].clear();
        std::size_t n = 0;
        for (std::size_t row = begin; row < end; ++row) {
          const std::uint32_t tag = tags[row];
          if (tag == kOutOfScope) continue;
          const std::uint32_t group = merged[tag >> kStateBits];
          group_at[g][row - begin] = group;
          if (!seen[g][group]) {
            seen[g][group] = 1;
            present[g].push_back(group);
          }
          in_scope[g][n++] = static_cast<std::uint32_t>(row);
        }
        rows[g] = n;
      }
      for (const Member* member : alone) {
        const std::size_t g = member->grouping;
        member->run->range(index).gather_evidence(in_scope[g].data(), rows[g], static_cast<std::uint32_t>(g + 1),
                                                  group_at[g].data(), begin, present[g]);
      }
      for (const FineEvidence& fine : fines) {
        const std::size_t g = fine.fine->grouping;
        split_evidence_batch(fine, in_scope[g].data(), rows[g], static_cast<std::uint32_t>(g + 1),
                             group_at[g].data(), begin);
      }
    }
  }
}

void Pass::merge_groupings() {
  grouping_merged_.clear();
  for (const auto& grouping : groupings_) grouping_merged_.push_back(grouping->merge_ranges());
}

}  // namespace toets::evaluation
