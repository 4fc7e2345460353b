#pragma once
// Runs a compiled rule set over loaded datasets. Column-wise over batches of rows with selection
// vectors: names were bound to column indices by the checker, text constants are bound to
// dictionary codes once per run, and the per-record loop allocates nothing. Deterministic: the
// same input gives the same results in the same order. Reentrant (no shared mutable state).

#include <map>
#include <vector>

#include "dsl/program/program.hpp"
#include "engine/data/dataset.hpp"
#include "engine/data/result.hpp"

namespace toets {

using DatasetMap = std::map<DatasetKind, const Dataset*>;

// A rule with more groups than this stops with an Error result naming the record where the limit
// was crossed (a limit against pathological input: each group costs memory).
inline constexpr std::size_t kMaxGroups = 1'000'000;

// How evaluate_rules spreads its work over the cores; the results never depend on it.
// What evaluate_rules did, for tests and the benchmark's phases.
struct EvaluateStats {
  std::size_t split_rules = 0;  // rules counted through a fine count (split_filters)
  std::size_t fine_counts = 0;  // the fine counts they shared
  std::size_t fine_counts_by_pieces = 0;  // of which split a whole-number or money column by pieces
};

struct EvaluateOptions {
  std::size_t rows_per_range = 65536;  // each rule's rows are cut into ranges of this many
  unsigned threads = 0;                // 0: one per hardware thread
  // Rules over the same rows that differ only in a condition on a column of few values (200
  // rules, each for its own household sizes) counted once per value and summed per rule
  // (evaluator_split.cpp). Off: each rule counts its own rows (the tests compare the two).
  bool split_filters = true;
  // The ids a share's result lists: the first this many of its evidence in row order, the rest
  // counted (EvidenceIds::complete() false). A report that shows a few ids of each group (text,
  // HTML, JUnit) needs no more; the JSON report and the store need every one (the default).
  std::size_t evidence_listed = static_cast<std::size_t>(-1);
  EvaluateStats* stats = nullptr;  // when set, filled in
};

// Per column of `schema`, whether a rule of `rules` over that dataset reads it: in its filter,
// exemption, measure, groups, snapshot series or municipality scope. A loader need keep no others
// (InputSpec::kept_columns); evaluate_rules refuses (std::logic_error) a dataset missing one.
std::vector<bool> columns_read_by(const CompiledRuleSet& rules, const DatasetSchema& schema);

// The datasets the rules read, a divisor's (`measure count / stock.count(daeb)`) included, in the
// order rules first read them.
std::vector<const DatasetSchema*> datasets_read_by(const CompiledRuleSet& rules);

// Every rule of `rules`, in order; a rule whose dataset is absent is NotEvaluated with the reason;
// a rule that hits a missing parameter value is Error with the table, the key and the record.
std::vector<RuleResult> evaluate_rules(const CompiledRuleSet& rules, const DatasetMap& datasets,
                                       std::int32_t as_of, const EvaluateOptions& options = {});

}  // namespace toets
