// The evaluator: thresholds resolved per group (baseline, previous, next, tables, narrowed overrides, sums), statuses and remedies.

#include "engine/eval/evaluator_internal.hpp"

namespace toets::evaluation {

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

bool RuleRun::resolve_thresholds(const Accumulator& self, const std::vector<GroupField>& fields,
                                 std::vector<Threshold>& out, NotePart& why, Status& status) const {
  out = rule_.thresholds;
  for (Threshold& threshold : out) {
    if (threshold.ref == ThresholdRef::Constant) continue;
    // The threshold's own term, then the constants written beside it, then any further terms.
    std::vector<std::string> notes;
    std::string note;
    if (!resolve_term(self, fields, threshold, note, why, status)) return false;
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
      if (!resolve_term(self, fields, term, more_note, why, status)) return false;
      accumulate(term.value, term.sign);
      notes.push_back(std::move(more_note));
    }
    if (!fits) {
      why = NotePart{NoteCode::ThresholdTooBig, {}};
      why.args.threshold = threshold.text;
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

// The overrides narrowed to corporations or years: the last one that names this group's wins
// (null: none does).
const NarrowedValue* RuleRun::narrowed_for_group(const Accumulator& self, const std::vector<GroupField>& fields,
                                                 const ThresholdTerm& term) const {
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
  return applied;
}

bool RuleRun::resolve_term(const Accumulator& self, const std::vector<GroupField>& fields, ThresholdTerm& term,
                           std::string& note, NotePart& why, Status& status) const {
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
      const NarrowedValue* applied = narrowed_for_group(self, fields, term);
      if (applied != nullptr) term.value = applied->value;
      note = applied != nullptr ? "override " + applied->text : format_value(term.value, rule_.measure.unit);
      return true;
    }
    case ThresholdRef::GroupTable: {
      const ParamTable& table = tables_[term.table].table();
      std::string key_text;
      std::vector<std::pair<std::string, std::string>> keys;
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
        keys.emplace_back(table.key_names[k], field.text     ? "'" + *field.text + "'"
                                              : field.number ? std::to_string(*field.number)
                                                             : "(missing)");
        key_text += (k > 0 ? ", " : "") + keys.back().first + " " + keys.back().second;
      }
      if (found < 0 || !table.entries[static_cast<std::size_t>(found)].value) {
        why = NotePart{NoteCode::TableLacks, {}};
        why.args.table = table.name;
        why.args.keys = std::move(keys);
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
    why = NotePart{NoteCode::BeforeBaseline, {}};
    why.args.date = *rule_.baseline;
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
    why = NotePart{term.ref == ThresholdRef::Baseline   ? NoteCode::NoBaseline
                   : term.ref == ThresholdRef::Previous ? NoteCode::NoEarlier
                                                        : NoteCode::NoLater,
                   {}};
    if (term.ref == ThresholdRef::Baseline) why.args.date = *rule_.baseline;
    status = Status::NoData;
    return false;
  }
  term.value = *measure_of(*reference, rule_.measure.kind);
  const std::vector<GroupField> at = describe_key(reference->key, keys_.size());
  const GroupField& period = at.back();
  term.resolved_period = period.text ? *period.text : period.number ? std::to_string(*period.number) : "?";
  note = format_value(term.value, rule_.measure.unit) + " at " + term.resolved_period;
  return true;
}

NoteCode RuleRun::why_no_measure(const Accumulator& acc) const {
  if (acc.records == 0) return acc.exempt > 0 ? NoteCode::AllExempt : NoteCode::AfterFilter;
  return rule_.measure.kind == MeasureKind::Ratio ? NoteCode::NothingToDivide : NoteCode::NoValues;
}

void RuleRun::decide(RuleResult& result, const Accumulator& acc, const std::vector<Threshold>& thresholds) const {
  if (!result.measure) {
    result.status = Status::NoData;
    result.note.add(why_no_measure(acc));
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
}

}  // namespace toets::evaluation
