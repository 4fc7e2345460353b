// A rule's norm and a result's remedy in the words of a report language (report_common.hpp):
// the threshold as the norm it keeps ("hoogstens 15,00%"), never the breach condition, and the
// remedy as a sentence about the records.

#include <optional>

#include "dsl/source/calendar.hpp"
#include "engine/report/report_common.hpp"

namespace toets {
namespace report {

std::string_view kept_words(CompareOp kept, Lang lang) {
  const bool nl = lang == Lang::Nl;
  switch (kept) {
    case CompareOp::Le: return nl ? "hoogstens" : "at most";
    case CompareOp::Lt: return nl ? "minder dan" : "less than";
    case CompareOp::Ge: return nl ? "minstens" : "at least";
    case CompareOp::Gt: return nl ? "meer dan" : "more than";
    case CompareOp::Eq: return nl ? "precies" : "exactly";
    case CompareOp::Ne: return nl ? "niet" : "not";
  }
  return "";
}

std::string_view norm_words(CompareOp breach_when, Lang lang) {
  // The opposite of the condition under which the threshold is crossed.
  switch (breach_when) {
    case CompareOp::Gt: return kept_words(CompareOp::Le, lang);
    case CompareOp::Ge: return kept_words(CompareOp::Lt, lang);
    case CompareOp::Lt: return kept_words(CompareOp::Ge, lang);
    case CompareOp::Le: return kept_words(CompareOp::Gt, lang);
    case CompareOp::Eq: return kept_words(CompareOp::Ne, lang);
    case CompareOp::Ne: return kept_words(CompareOp::Eq, lang);
  }
  return "";
}

namespace {

// A reference in a threshold, in words: what the value is, never a table's or parameter's name
// (those are the rule file's identifiers, not the agreement's words).
std::string reference_words(ThresholdRef ref, Lang lang) {
  switch (ref) {
    case ThresholdRef::Previous: return std::string(word(lang, "ref_previous"));
    case ThresholdRef::Next: return std::string(word(lang, "ref_next"));
    case ThresholdRef::Baseline: return std::string(word(lang, "ref_baseline"));
    case ThresholdRef::GroupTable: return std::string(word(lang, "ref_agreed"));
    case ThresholdRef::Constant:
    case ThresholdRef::Narrowed: break;
  }
  return "";
}

// A threshold written as a sum, in words: "de nulmeting + 80", "the baseline + 101 - the agreed
// value". Nullopt when a term is a constant or parameter (then the sum as written says it best).
std::optional<std::string> sum_words(const Threshold& t, ValueType unit, Lang lang) {
  if (t.ref == ThresholdRef::Constant || t.ref == ThresholdRef::Narrowed) return std::nullopt;
  std::string text = (t.sign < 0 ? "-" : "") + reference_words(t.ref, lang);
  for (const ThresholdTerm& term : t.more) {
    if (term.ref == ThresholdRef::Constant || term.ref == ThresholdRef::Narrowed) return std::nullopt;
    text += (term.sign < 0 ? " - " : " + ") + reference_words(term.ref, lang);
  }
  if (t.offset.numerator != 0) {
    const bool minus = (t.offset.numerator < 0) != (t.offset.denominator < 0);
    const Ratio size{t.offset.numerator < 0 ? -t.offset.numerator : t.offset.numerator,
                     t.offset.denominator < 0 ? -t.offset.denominator : t.offset.denominator};
    text += (minus ? " - " : " + ") + value_text(size, unit, lang);
  }
  return text;
}

std::string threshold_norm(const Threshold& threshold, ValueType unit, const std::vector<GroupField>& group, Lang lang) {
  const std::string head = std::string(norm_words(threshold.op, lang)) + " " + value_text(threshold.value, unit, lang);
  // A narrowed override resolves to one value for the group: the norm is that value.
  if (threshold.ref == ThresholdRef::Constant || threshold.ref == ThresholdRef::Narrowed) return head;
  if (threshold.is_sum()) {
    // "minstens 1311 (de nulmeting + 101)"
    return head + " (" + sum_words(threshold, unit, lang).value_or(threshold.written) + ")";
  }
  if (threshold.ref == ThresholdRef::GroupTable) {
    // The value the agreement's table holds for this group: "(afgesproken voor Trivire, 2026)".
    std::string keys;
    for (const std::uint32_t k : threshold.table_keys) {
      if (k >= group.size()) continue;
      const GroupField& f = group[k];
      keys += (keys.empty() ? "" : ", ") + (f.number || f.text ? group_value_text(f, lang) : "\xE2\x80\x93");
    }
    if (keys.empty()) return head + " (" + reference_words(ThresholdRef::GroupTable, lang) + ")";
    return head + " (" + fill(word(lang, "agreed_for"), {{"keys", keys}}) + ")";
  }
  // The value was resolved for the group from a period's: the evaluator says which.
  const std::string& period = threshold.resolved_at();
  // The period is a year, or a snapshot's date: a date as the reader writes it.
  const auto day = parse_iso_date(period);
  return head + " (" + reference_words(threshold.ref, lang) + (period.empty() ? "" : " ") +
         (day ? date_text(*day, lang) : period) + ")";
}

std::string target_norm(const Target& target, ValueType unit, Lang lang) {
  // A target states what is wanted: `measure <= 0 by 2028-12-31` is "at most 0 by 31-12-2028".
  return std::string(kept_words(target.op, lang)) + " " + value_text(target.value, unit, lang) + " " +
         (lang == Lang::Nl ? "uiterlijk " : "by ") + date_text(target.deadline, lang);
}

std::string_view threshold_label(Status status, Lang lang) {
  return word(lang, status == Status::Signal ? "signal_value" : "norm_value");
}

}  // namespace

std::string norm_text(const RuleResult& result, Lang lang) {
  const CompiledRule& rule = *result.rule;
  if (rule.target) return target_norm(*rule.target, rule.measure.unit, lang);
  if (!result.threshold) return rule_norms_text(rule, lang);
  const Threshold& t = *result.threshold;
  return std::string(threshold_label(t.status, lang)) + ": " + threshold_norm(t, rule.measure.unit, result.group, lang);
}

namespace {

// A threshold as the rule states it, before it is resolved for a group.
std::string stated_norm(const Threshold& t, const CompiledRule& rule, Lang lang) {
  const bool nl = lang == Lang::Nl;
  const std::string op(norm_words(t.op, lang));
  if (t.is_sum()) return op + " " + sum_words(t, rule.measure.unit, lang).value_or(t.written);
  switch (t.ref) {
    case ThresholdRef::Constant: return op + " " + value_text(t.value, rule.measure.unit, lang);
    case ThresholdRef::Narrowed:
      return op + " " + value_text(t.value, rule.measure.unit, lang) +
             (nl ? " (anders waar een afwijking voor een corporatie of jaar geldt)"
                 : " (otherwise where an override for a corporation or year holds)");
    case ThresholdRef::Previous: return op + (nl ? " de vorige periode" : " the previous period");
    case ThresholdRef::Next: return op + (nl ? " de volgende periode" : " the next period");
    case ThresholdRef::Baseline:
      return op + (nl ? " de nulmeting" : " the baseline") + (rule.baseline ? " " + date_text(*rule.baseline, lang) : "");
    case ThresholdRef::GroupTable: {
      // "measure < planning(corporation, year)": the table's value per group, in words.
      // "per corporatie en jaar" / "per corporation and year"
      std::vector<std::string> names;
      for (const std::uint32_t k : t.table_keys) {
        if (k < rule.group_keys.size()) names.push_back(column_word(rule.group_keys[k].label, lang));
      }
      std::string keys;
      for (std::size_t i = 0; i < names.size(); ++i) {
        keys += (i == 0 ? "" : i + 1 == names.size() ? (nl ? " en " : " and ") : ", ") + names[i];
      }
      std::string text = op + " " + reference_words(ThresholdRef::GroupTable, lang);
      if (!keys.empty()) text += (nl ? " per " : " per ") + keys;
      return text;
    }
  }
  return op;
}

}  // namespace

std::string rule_norms_text(const CompiledRule& rule, Lang lang) {
  if (rule.target) return target_norm(*rule.target, rule.measure.unit, lang);
  // The norm itself, then its signal value: "hoogstens 15,00% (signaalwaarde: hoogstens 7,50%)".
  std::string norms, signals;
  for (const Threshold& t : rule.thresholds) {
    std::string& into = t.status == Status::Signal ? signals : norms;
    if (!into.empty()) into += " \xC2\xB7 ";
    into += stated_norm(t, rule, lang);
  }
  if (signals.empty()) return norms;
  const std::string signal = std::string(threshold_label(Status::Signal, lang)) + ": " + signals;
  return norms.empty() ? signal : norms + " (" + signal + ")";
}

std::string remedy_sentence(const RuleResult& result, Lang lang) {
  if (!result.remedy || !result.threshold) return "";
  const CompiledRule& rule = *result.rule;
  const bool nl = lang == Lang::Nl;
  const bool fewer = result.threshold->op == CompareOp::Gt || result.threshold->op == CompareOp::Ge;
  const std::int64_t r = *result.remedy;
  const bool signal = result.threshold->status == Status::Signal;
  const std::string goal = nl ? (signal ? " om de signaalwaarde te halen" : " om de norm te halen")
                              : (signal ? " to meet the signal value" : " to meet the norm");
  const std::string more = nl ? (fewer ? "minder" : "meer") : (fewer ? "fewer" : "more");
  const std::string records(dataset_record_word(rule, r != 1, lang));
  std::string text = std::to_string(r) + " ";
  if (rule.measure.kind == MeasureKind::Net) {
    // Additions minus removals: "2 meer per saldo" / "2 more on balance".
    text += more + (nl ? " per saldo" : " on balance");
  } else if (rule.measure.kind == MeasureKind::Count) {
    text += nl ? records + " " + more : more + " " + records;  // "2 toewijzingen meer" / "2 more lets"
  } else {
    std::int64_t k = 0;
    if (rule.measure.kind == MeasureKind::Share && result.numerator) k = *result.numerator;
    else if (result.measure && result.measure->denominator == 1) k = result.measure->numerator;
    const std::int64_t wanted = fewer ? k - r : k + r;
    // "1 toewijzing minder die aan de voorwaarde van de regel voldoet (hoogstens 1 van 10)"
    text += nl ? records + " " + more + (r == 1 ? " die aan de voorwaarde van de regel voldoet ("
                                                : " die aan de voorwaarde van de regel voldoen (")
               : more + " " + records + " meeting the rule's condition (";
    text += std::string(kept_words(fewer ? CompareOp::Le : CompareOp::Ge, lang)) + " " + std::to_string(wanted);
    if (rule.measure.kind == MeasureKind::Share && result.denominator) {
      text += (nl ? " van " : " of ") + std::to_string(*result.denominator);
    }
    text += ")";
  }
  text += goal;
  if (result.remedy_to_ok && *result.remedy_to_ok != r) {
    text += "; " + std::to_string(*result.remedy_to_ok) + (nl ? " om te voldoen" : " to be ok");
  }
  return text;
}

}  // namespace report
}  // namespace toets
