// The evaluator, after the passes: ranges merged, groups into results (expected ones too), periods, evidence and deadlines.

#include "engine/eval/evaluator_internal.hpp"

namespace toets::evaluation {

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
    if (range->error()) return false;
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
      if (local < range->group_errors().size() && range->group_errors()[local]) {
        if (group_errors_.size() <= g) group_errors_.resize(g + 1);
        if (!group_errors_[g]) group_errors_[g] = range->group_errors()[local];
      }
    }
  }
  group_errors_.resize(groups_.size());
  return true;
}

RuleResult RuleRun::error_result(const ResultNote& note) const {
  RuleResult result;
  result.rule = &rule_;
  result.status = Status::Error;
  result.note = note;
  return result;
}

std::vector<RuleResult> RuleRun::finish(BatchBuffers& buffers) {
  evidence_buffers_ = &buffers;
  if (!merge_ranges()) {
    // Something stopped a range: evaluate again in one pass, which stops where and as it should;
    // alone, with tags of its own (a grouping's are shared with the pass's other rules).
    groups_.clear();
    group_errors_.clear();
    ranges_.clear();
    row_states_ = nullptr;  // its evidence is found again below; the pass's states may be another rule's
    row_tags_.reset(new std::uint32_t[std::max<std::size_t>(data_.row_count(), 1)]);
    tags_ = row_tags_.get();
    ranges_.push_back(std::make_unique<RangeRun>(*this, 0, data_.row_count()));
    ranges_.front()->run(buffers);
    merge_ranges();
  }
  if (error_) return {error_result(ResultNote{{*error_}, false})};
  if (rule_.divisor && divisor_data_ != nullptr) {
    // The divisor's figures per group: the same groups over the other dataset, in one pass here.
    RuleRun divisor(*rule_.divisor, *divisor_data_, tables_, as_of_, divisor_data_->row_count() + 1);
    for (std::size_t range = 0; range < divisor.range_count(); ++range) divisor.run_range(range, buffers);
    for (const RuleResult& result : divisor.finish(buffers)) {
      if (result.status == Status::Error) return {error_result(ResultNote{result.note.parts, true})};
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
    NoteArgs args = dataset_args(data_.schema().name);
    args.municipality = rule_.scope_municipality;
    args.corporations = rule_.scope_corporations;
    // Records in scope, but each of another period than the rule's own: say so, not "none pass
    // the filter" (a law of 2021 checked on the lets of 2026).
    const bool none_in_period =
        !groups_.empty() && (rule_.own_from || rule_.own_to) &&
        std::all_of(groups_.begin(), groups_.end(), [&](const Accumulator& g) { return outside_own_period(g.key, keys_.size()); });
    if (none_in_period) {
      args.date = rule_.own_from.value_or(0);
      args.date_to = rule_.own_to.value_or(0);
    }
    empty.note.add(data_.row_count() == 0 ? NoteCode::NoRows
                   : groups_.empty()      ? NoteCode::NoneInScope
                   : none_in_period       ? NoteCode::NoneInPeriod
                                          : NoteCode::NonePass,
                   std::move(args));
    empty.outside_validity = rule_.never_valid;
    results.push_back(std::move(empty));
  }
  // Groups are formed before the filter: one inside the periods means rows the rule could check,
  // whether or not they passed its filter.
  const bool rows_in_period = std::any_of(groups_.begin(), groups_.end(), [&](const Accumulator& g) {
    return !outside_period(g.key, keys_.size()) && !outside_own_period(g.key, keys_.size());
  });
  for (RuleResult& result : results) result.rows_in_period = rows_in_period;
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
        result.outside_validity = outside_period(key, count);
        // A name the data never uses (for this rule) may be spelled otherwise there ("V&O" for
        // "Vecht en Omstreken"): its zero would be a false shortfall. Names the data does use
        // elsewhere (Trivire in 2026, not in 2027) are real zeros.
        bool names_seen = true;
        for (std::size_t k = 0; k < count && names_seen; ++k) {
          if (expected_at[k] == nullptr || !result.group[k].text) continue;
          names_seen = std::any_of(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(existing),
                                   [&](const RuleResult& other) {
                                     return other.group.size() == count && same_field(other.group[k], result.group[k]);
                                   });
        }
        decide_expected_without_records(result, key, names_seen);
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

// An expected group that no record reached. A count, a sum or a net figure of no records is 0:
// a corporation that delivered nothing in 2027 against a planning of 25 falls short (signal or
// breach). But 0 never passes a group: within the norm it stays no_data, since nothing was
// checked; and when the data never uses the group's name (`names_seen` false) the zero is only
// told in the message, since the export may spell the name otherwise. A share, an average or a
// quotient of nothing has no value: no_data.
void RuleRun::decide_expected_without_records(RuleResult& result, const GroupKeyValues& key, bool names_seen) const {
  const MeasureKind kind = rule_.measure.kind;
  const bool zero_is_the_measure = (kind == MeasureKind::Count || kind == MeasureKind::CountIf ||
                                    kind == MeasureKind::Sum || kind == MeasureKind::Net) &&
                                   !rule_.divisor;
  // A group with no records has no series of its own to compare with (its text keys have no
  // code in the data), so a baseline, previous or next figure cannot be found for it.
  const bool in_series = compares_periods(rule_.thresholds);
  // A period that has not begun by the as-of date has nothing to count yet.
  const bool not_begun = outside(key, rule_.group_keys.size(), std::nullopt, as_of_) ||
                         (rule_.valid_from && as_of_ < *rule_.valid_from);
  if (!zero_is_the_measure || in_series || not_begun) {
    result.status = Status::NoData;
    result.note.add(NoteCode::ExpectedGroup);
    return;
  }
  if (!names_seen) {
    // Say what zero would mean, without claiming it: the export may spell the name otherwise.
    Accumulator none;
    none.key = key;
    RuleResult would = result;
    would.measure = Ratio{0, 1};
    std::vector<Threshold> thresholds;
    NotePart why;
    Status unresolved = Status::NoData;
    result.status = Status::NoData;
    NotePart unseen{NoteCode::ExpectedUnseen, {}};
    if (resolve_thresholds(none, result.group, thresholds, why, unresolved)) {
      decide(would, none, thresholds.empty() ? rule_.thresholds : thresholds);
      if (would.status != Status::Ok && would.threshold) {
        unseen.code = NoteCode::ExpectedUnseenWould;
        unseen.args.threshold = would.threshold->text;
      }
    }
    result.note.parts.push_back(std::move(unseen));
    return;
  }
  Accumulator none;
  none.key = key;
  result.measure = Ratio{0, 1};
  std::vector<Threshold> thresholds;
  NotePart why;
  Status unresolved = Status::NoData;
  if (!resolve_thresholds(none, result.group, thresholds, why, unresolved)) {
    result.measure.reset();
    result.status = Status::NoData;
    result.note.add(NoteCode::ExpectedGroup);
    result.note.parts.push_back(std::move(why));
    return;
  }
  decide(result, none, thresholds.empty() ? rule_.thresholds : thresholds);
  if (result.status == Status::Ok) {
    // Zero decides only against the group: with no record behind it, "within the norm" would be
    // a pass on nothing checked (the party may be missing from the export).
    result.measure.reset();
    result.threshold.reset();
    result.status = Status::NoData;
    result.note.add(NoteCode::ExpectedGroup);
    return;
  }
  result.note.add(NoteCode::ExpectedZero);
}

// One result per group that has records after the filter (or an error), in order of first
// appearance (evaluate_rules sorts them by group). A group whose records the filter all left out
// is not reported: "no data" would read as "did not deliver data".
std::vector<RuleResult> RuleRun::finish_groups(std::vector<std::uint32_t>& group_of_result) {
  std::vector<RuleResult> results;
  std::vector<std::uint32_t> result_of_group(groups_.size(), kNoIndex);
  std::vector<bool> wants_evidence(groups_.size(), false);
  for (std::uint32_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g].records + groups_[g].exempt == 0 && !group_errors_[g]) continue;
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
  if (rule_.divisor && result.measure && !group_errors_[group]) {
    // count / other.count for the same group: no figure to divide by is no measure.
    const auto divisor = divisor_values_.find(format_group(result.group));
    const std::int64_t count = result.measure->numerator;
    if (divisor == divisor_values_.end() || divisor->second.numerator <= 0) {
      result.measure.reset();
      result.status = Status::NoData;
      result.note.add(NoteCode::NoDivisor, dataset_args(rule_.divisor->dataset->name));
      return result;
    }
    result.numerator = count;
    result.denominator = divisor->second.numerator;
    result.measure = Ratio{count, divisor->second.numerator};
  }
  if (group_errors_[group]) {
    // A value the rule needs is missing for a record of this group: its measure cannot be
    // trusted. Outside the rule's period it decides nothing: a note, not an error.
    result.measure.reset();
    result.numerator.reset();
    result.denominator.reset();
    result.status = result.outside_validity ? Status::NotEvaluated : Status::Error;
    result.note.parts.push_back(*group_errors_[group]);
    return result;
  }
  std::vector<Threshold> thresholds;
  NotePart why;
  Status unresolved = Status::NoData;
  if (result.measure && !resolve_thresholds(acc, result.group, thresholds, why, unresolved)) {
    result.status = unresolved;
    result.note.parts.push_back(std::move(why));
  } else {
    decide(result, acc, thresholds.empty() ? rule_.thresholds : thresholds);
  }
  return result;
}

namespace {

// Least-squares line through (date, measure) of the snapshots so far (`series`, not empty), to
// the target's deadline; the rate needed from the latest snapshot to reach the target in time.
Projection project_to_deadline(const std::vector<SeriesPoint>& series, const Target& target) {
  Projection projection;
  projection.points = static_cast<std::uint32_t>(series.size());
  const double current = to_double(series.back().measure);
  const double goal = to_double(target.value);
  const double latest_date = series.back().date;
  const double years_left = (target.deadline - latest_date) / 365.25;
  projection.needed_per_year = years_left > 0 ? (goal - current) / years_left : 0;
  if (series.size() >= 2) {
    double mean_x = 0, mean_y = 0;
    for (const auto& p : series) {
      mean_x += p.date;
      mean_y += to_double(p.measure);
    }
    mean_x /= static_cast<double>(series.size());
    mean_y /= static_cast<double>(series.size());
    double sxx = 0, sxy = 0;
    for (const auto& p : series) {
      sxx += (p.date - mean_x) * (p.date - mean_x);
      sxy += (p.date - mean_x) * (to_double(p.measure) - mean_y);
    }
    const double slope = sxx > 0 ? sxy / sxx : 0;
    projection.rate_per_year = slope * 365.25;
    projection.value_at_deadline = mean_y + slope * (target.deadline - mean_x);
  } else {
    projection.value_at_deadline = current;
  }
  return projection;
}

}  // namespace

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
      return groups_[g].records + groups_[g].exempt > 0 || group_errors_[g];
    });
    if (!has_records || outside_own_period(groups_[members.front()].key, outer_keys)) continue;
    RuleResult result;
    result.rule = &rule_;
    result.group = describe_key(groups_[members.front()].key, outer_keys);
    result.outside_validity = outside_period(groups_[members.front()].key, outer_keys);
    group_of_result.push_back(members.front());
    const auto failed = std::find_if(members.begin(), members.end(), [&](std::uint32_t g) {
      return group_errors_[g] && groups_[g].key.values[outer_keys] <= as_of_;
    });
    if (failed != members.end()) {
      result.status = result.outside_validity ? Status::NotEvaluated : Status::Error;
      result.note.parts.push_back(*group_errors_[*failed]);
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
      NoteArgs args;
      args.count = static_cast<std::int64_t>(later);
      args.date = as_of_;
      result.note.add(NoteCode::LaterSnapshots, std::move(args));
    }
    if (latest == kNoIndex) {
      // No snapshot up to the as-of date gives a measure: say why of the latest one there is
      // (all of it exempt, say); snapshots only after the as-of date are said above.
      result.status = Status::NoData;
      const auto last_dated = std::find_if(members.rbegin(), members.rend(), [&](std::uint32_t g) {
        const std::int64_t date = groups_[g].key.values[outer_keys];
        return date != kNull64 && date <= as_of_;
      });
      if (last_dated != members.rend()) {
        const Accumulator& acc = groups_[*last_dated];
        result.exempt = acc.exempt;
        result.exempt_matching = acc.exempt_matching;
        result.note.add(why_no_measure(acc));
      } else if (later == 0) {
        result.note.add(NoteCode::NoValues);  // records, each without a snapshot date
      }
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

    const double goal = to_double(target.value);
    const Projection projection = project_to_deadline(result.series, target);
    result.projection = projection;

    if (as_of_ > target.deadline) {
      result.status = met ? Status::Ok : target.missed;
    } else if (met) {
      result.status = Status::OnTrack;
    } else if (result.series.size() < 2) {
      result.status = Status::AtRisk;
      result.note.add(NoteCode::OneSnapshot);
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

}  // namespace toets::evaluation
