// A rule's norm and a result's remedy in the words of a report language (report_common.hpp):
// the threshold as the norm it keeps ("hoogstens 15,00%"), never the breach condition, and the
// remedy as a sentence about the records.

#include "engine/report_common.hpp"

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

// "planning(corporation, year)" in a threshold's text -> "planning": a table's name, in words.
std::string table_words(const std::string& text) {
  const std::size_t op_end = text.find(' ', text.find(' ') + 1);
  if (op_end == std::string::npos) return "";
  std::string name = text.substr(op_end + 1);
  name = name.substr(0, name.find_first_of("( "));
  for (char& c : name) {
    if (c == '_') c = ' ';
  }
  return name;
}

std::string threshold_norm(const Threshold& threshold, ValueType unit, const std::vector<GroupField>& group, Lang lang) {
  const std::string head = std::string(norm_words(threshold.op, lang)) + " " + value_text(threshold.value, unit, lang);
  // A narrowed override resolves to one value for the group: the norm is that value.
  if (threshold.ref == ThresholdRef::Constant || threshold.ref == ThresholdRef::Narrowed) return head;
  if (threshold.is_sum()) return head + " (" + threshold.written + ")";  // "< 1311 (baseline + 101)"
  const bool nl = lang == Lang::Nl;
  if (threshold.ref == ThresholdRef::GroupTable) {
    // The value the agreement's table holds for this group: "(planning voor Trivire, 2026)".
    const std::string name = table_words(threshold.text);
    std::string keys;
    for (const std::uint32_t k : threshold.table_keys) {
      if (k >= group.size()) continue;
      const GroupField& f = group[k];
      keys += (keys.empty() ? "" : ", ") + (f.number ? std::to_string(*f.number) : f.text ? *f.text : "\xE2\x80\x93");
    }
    std::string what = name.empty() ? std::string(nl ? "afgesproken waarde" : "agreed value") : name;
    if (!keys.empty()) what += (nl ? " voor " : " for ") + keys;
    return head + " (" + what + ")";
  }
  // The value was resolved for the group; the engine's text says where it came from:
  // "measure <= previous (95 at 2025)".
  const std::string& text = threshold.text;
  const std::size_t at = text.rfind(" at ");
  const std::size_t close = text.rfind(')');
  const std::string period = at != std::string::npos && close != std::string::npos && close > at
                                 ? text.substr(at + 4, close - at - 4)
                                 : "";
  const std::string what = threshold.ref == ThresholdRef::Previous ? (nl ? "vorige periode" : "previous period")
                           : threshold.ref == ThresholdRef::Next   ? (nl ? "volgende periode" : "next period")
                                                                   : (nl ? "nulmeting" : "baseline");
  return head + " (" + what + (period.empty() ? "" : " " + period) + ")";
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
  if (t.is_sum()) return op + " " + t.written;
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
      std::string keys;
      for (const std::uint32_t k : t.table_keys) {
        if (k < rule.group_keys.size()) keys += (keys.empty() ? "" : ", ") + column_word(rule.group_keys[k].label, lang);
      }
      std::string text = op + " " + (nl ? "de waarde uit " : "the value of ") + table_words(t.text);
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
