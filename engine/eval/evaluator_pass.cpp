// One pass over a dataset's rows for all the rules over it (the Pass in evaluator_internal.hpp):
// groupings shared by rules with the same scope and keys, expression nodes numbered so that equal
// ones of different rules share their values within a batch.

#include <charconv>
#include <numeric>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "engine/eval/evaluator_internal.hpp"

namespace toets::evaluation {

void RuleRun::follow(RuleRun& grouping, std::vector<std::uint32_t> canon) {
  grouping_ = &grouping;
  tags_ = grouping.tags_;
  defer_evidence_ = true;
  canon_ = std::move(canon);
}

namespace {

// A key built like an ostringstream, without one: numbers by std::to_chars. The pass makes a key
// for every node of every rule (3,000 for 200 rules): a stream each was 1 ms of the set-up.
class KeyText {
 public:
  template <typename Number>
  requires std::is_arithmetic_v<Number> KeyText& operator<<(Number number) {
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, number);
    text_.append(digits, written.ptr);
    return *this;
  }
  KeyText& operator<<(char c) {
    text_ += c;
    return *this;
  }
  KeyText& operator<<(std::string_view text) {
    text_ += text;
    return *this;
  }
  std::string str() && { return std::move(text_); }

 private:
  std::string text_;
};

// What makes two rules' groupings the same: the scope's columns and allowed codes, the keys.
std::string grouping_signature(const std::vector<GroupKey>& keys, const std::vector<std::string>& scope_names) {
  KeyText out;
  for (const GroupKey& key : keys) {
    out << static_cast<int>(key.kind) << ':' << key.column;
    for (const std::int64_t bound : key.pieces) out << ',' << bound;  // a fine count's pieces
    out << ';';
  }
  out << '|';
  for (const std::string& name : scope_names) out << name.size() << ':' << name;
  return std::move(out).str();
}

}  // namespace

Pass::Pass(std::vector<RuleRun*> rules, const Dataset& data, const std::vector<DenseTable>& tables,
           std::int32_t as_of, std::size_t rows_per_range, bool split_filters) {
  // Rules counted through a fine count, and the fine counts themselves (appended to the rules).
  std::vector<std::optional<Split>> planned;
  const std::size_t rule_count = rules.size();
  if (split_filters) planned = plan_splits(rules, data, tables, as_of, rows_per_range);
  planned.resize(rules.size());
  // Equal nodes: the same operation on the same canonical arguments with the same constants, text
  // codes and set members as found in this dataset. Within one rule two equal nodes stay apart
  // (the k-th of them in each rule shares one number): a rule may evaluate both for different
  // selections while one of their values is still in use.
  std::map<std::string, std::uint32_t> numbers;
  std::map<std::string, std::size_t> signatures;
  for (RuleRun* run : rules) {
    const auto& nodes = run->rule_.pool.nodes;
    std::vector<std::uint32_t> canon(nodes.size());
    std::map<std::string, std::uint32_t> seen_in_rule;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const ExprNode& node = nodes[i];
      KeyText key;
      key << static_cast<int>(node.op) << ' ' << static_cast<int>(node.type) << ' ' << static_cast<int>(node.compare_op)
          << ' ' << node.value << ' ' << node.column << ' ' << node.table << ' ' << run->text_codes_[i] << " (";
      for (std::uint32_t arg : node.args) key << canon[arg] << ' ';
      key << ')';
      if (node.op == NodeOp::InSet) {
        const ValueSet& set = run->rule_.pool.sets[node.set];
        std::vector<std::int64_t> members = set.numbers;
        for (const auto& text : set.texts) {
          const std::int32_t code = data.column(node.column).dictionary.find(text);
          if (code >= 0) members.push_back(code);
        }
        std::sort(members.begin(), members.end());
        key << " {";
        for (std::int64_t member : members) key << member << ' ';
        key << '}';
      }
      std::string text = std::move(key).str();
      text += " #" + std::to_string(seen_in_rule[text]++);
      const auto [at, added] = numbers.try_emplace(text, static_cast<std::uint32_t>(numbers.size()));
      canon[i] = at->second;
    }
    // The grouping: the rule's keys (a deadline rule's snapshot date included) and scope.
    std::vector<std::string> scope_names;
    if (!run->rule_.scope_municipality.empty()) scope_names.push_back("m:" + run->rule_.scope_municipality);
    for (const auto& corporation : run->rule_.scope_corporations) scope_names.push_back("c:" + corporation);
    const std::string signature = grouping_signature(run->keys_, scope_names);
    auto found = signatures.find(signature);
    if (found == signatures.end()) {
      found = signatures.emplace(signature, groupings_.size()).first;
      auto grouping = std::make_unique<RuleRun>(run->rule_, data, tables, as_of, rows_per_range);
      grouping->row_tags_.reset(new std::uint32_t[std::max<std::size_t>(data.row_count(), 1)]);
      advise_huge_pages(grouping->row_tags_.get(), data.row_count() * sizeof(std::uint32_t));
      grouping->tags_ = grouping->row_tags_.get();
      groupings_.push_back(std::move(grouping));
    }
    run->follow(*groupings_[found->second], std::move(canon));
    members_.push_back(Member{run, found->second, 0});
    members_.back().fine_count = members_.size() > rule_count;
  }
  canon_count_ = numbers.size();
  for (const Member& member : members_) member.run->canon_count_ = canon_count_;
  if (std::any_of(planned.begin(), planned.end(), [](const auto& split) { return split.has_value(); })) {
    BatchBuffers buffers;
    buffers.fit(canon_count_);
    for (std::size_t r = 0; r < members_.size(); ++r) {  // members_[r] is rules[r] until sorted below
      if (planned[r] && decide_accepted(*planned[r], *members_[r].run, buffers)) {
        members_[r].split = splits_.size();
        splits_.push_back(std::move(*planned[r]));
      }
    }
  }
  // Rules with the same filter and exemption one after the other: the values they share are then
  // still there when the next needs them. Each rule keeps its own state, so the order of the
  // rules within a batch changes nothing else.
  auto node_of = [](const Member& member, std::uint32_t node) {
    return node == kNoIndex ? kNoIndex : member.run->canon_[node];
  };
  auto counting = [&](const Member& m) {
    const CompiledRule& rule = m.run->rule_;
    // Rules that leave out the groups outside their own period count alike only within the same period.
    const bool skips = m.run->skips_outside_own_period_;
    return std::tuple(m.grouping, m.split != kNoSplit, node_of(m, rule.filter), node_of(m, rule.exempt),
                      node_of(m, rule.measure.expr), node_of(m, rule.measure.expr2), static_cast<int>(rule.measure.kind),
                      skips, skips ? rule.own_from : std::nullopt, skips ? rule.own_to : std::nullopt);
  };
  std::stable_sort(members_.begin(), members_.end(),
                   [&](const Member& a, const Member& b) { return counting(a) < counting(b); });
  // What measure_batch reads of a rule is its grouping, filter, exemption and measure: rules equal
  // in those count alike.
  for (std::size_t r = 0; r < members_.size(); ++r) {
    const bool alike = r > 0 && !members_[r].fine_count && counting(members_[r]) == counting(members_[r - 1]);
    members_[r].counted_by = alike ? members_[r - 1].counted_by : r;
  }
  // Row states for the first counting rules, shared with the rules they count for, and for the
  // first fine counts, read by all the rules split by them (split_evidence_batch). A split rule
  // counts nothing itself: its evidence comes from its fine count's.
  std::size_t with_states = 0, fine_with_states = 0;
  const auto keep_states = [&](Member& member) {
    // calloc: untouched pages stay unmapped until a row of them is measured.
    member.run->own_states_.reset(
        static_cast<std::uint8_t*>(std::calloc(std::max<std::size_t>(data.row_count(), 1), 1)));
    member.run->row_states_ = member.run->own_states_.get();
  };
  for (std::size_t r = 0; r < members_.size(); ++r) {
    Member& member = members_[r];
    if (member.split != kNoSplit) continue;
    if (member.fine_count) {
      if (fine_with_states++ < kRulesWithStates) keep_states(member);
    } else if (member.counted_by != r) {
      member.run->row_states_ = members_[member.counted_by].run->row_states_;
    } else if (with_states++ < kRulesWithStates) {
      keep_states(member);
    }
  }
}

Pass::~Pass() = default;

std::size_t Pass::range_count() const { return groupings_.empty() ? 0 : groupings_.front()->range_count(); }

void Pass::run_range(std::size_t index, BatchBuffers& buffers) {
  buffers.fit(canon_count_);
  const std::size_t count = groupings_.size();
  std::vector<std::vector<std::uint32_t>> in_scope(count, std::vector<std::uint32_t>(kBatch));
  std::vector<std::size_t> rows(count, 0), lookups(count, 0);
  std::vector<std::uint8_t> grouping_stopped(count, 0), stopped(members_.size(), 0);
  for (const auto& grouping : groupings_) grouping->range(index).bind(buffers);
  for (const Member& member : members_) member.run->range(index).bind(buffers);
  const RangeRun& first = groupings_.front()->range(index);
  for (std::size_t begin = first.begin(); begin < first.end(); begin += kBatch) {
    const std::size_t end = std::min(first.end(), begin + kBatch);
    ++buffers.serial;
    for (std::size_t g = 0; g < count; ++g) {
      if (grouping_stopped[g]) continue;
      grouping_stopped[g] = !groupings_[g]->range(index).scope_and_group(begin, end, in_scope[g].data(), rows[g], lookups[g]);
    }
    for (std::size_t r = 0; r < members_.size(); ++r) {
      if (stopped[r] || members_[r].counted_by != r || members_[r].split != kNoSplit) continue;
      const Member& member = members_[r];
      RangeRun& range = member.run->range(index);
      const std::size_t g = member.grouping;
      // The grouping's batch token: the same rows in scope for every rule of the grouping.
      const auto token = static_cast<std::uint32_t>(g + 1);
      stopped[r] = !range.adopt_groups(groupings_[g]->range(index)) ||
                   !range.measure_batch(in_scope[g].data(), rows[g], lookups[g], token);
    }
  }
  compose_splits(index, buffers);
  for (const Member& member : members_) {
    RangeRun& range = member.run->range(index);
    if (&member != &members_[member.counted_by]) range.take_counts(members_[member.counted_by].run->range(index));
    // A fine count's groups have been summed into its rules' (a fine count by pieces has groups
    // x pieces of them, range after range): nothing reads them again.
    if (member.fine_count) {
      range.release_groups();
    } else {
      range.shrink_groups();
    }
  }
}

}  // namespace toets::evaluation
