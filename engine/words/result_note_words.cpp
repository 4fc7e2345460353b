// A result's note (engine/data/result_note.hpp) and its remedy in words: each code is a text of the
// word table (report_words.cpp, keys "msg_..."), its {NAME}s filled with the arguments, those
// that are words (a dataset, a date, a column) themselves in the report's language.

#include <string_view>

#include "dsl/source/calendar.hpp"
#include "engine/words/words.hpp"

namespace toets {
namespace {

using report::word;
using report::fill;
using report::Places;

std::string keys_text(const NoteArgs& args, Lang lang) {
  std::string out;
  for (const auto& [name, value] : args.keys) out += (out.empty() ? "" : ", ") + report::column_word(name, lang) + " " + value;
  return out;
}

// Where a record was read: "allocations.csv:12", or "line 12" of a table with no file.
std::string origin_text(const NoteArgs& args, Lang lang) {
  if (args.origin.empty()) return std::string(word(lang, "line")) + " " + std::to_string(args.line);
  return args.origin + ":" + std::to_string(args.line);
}


std::string part_text(const NotePart& part, Lang lang) {
  const NoteArgs& a = part.args;
  const auto text = [&](std::string_view key, const Places& places = {}) { return fill(word(lang, key), places); };
  const std::string dataset = report::dataset_word(a.dataset, lang);
  const std::string date = report::date_text(a.date, lang);
  switch (part.code) {
    case NoteCode::NoData: return text("msg_no_data", {{"dataset", dataset}, {"kind", a.dataset}});
    case NoteCode::DivisorNoData:
      return text("msg_divisor_no_data", {{"dataset", dataset}, {"dataset2", dataset}, {"kind", a.dataset}});
    case NoteCode::NoRows: return text("msg_no_rows", {{"dataset", dataset}});
    case NoteCode::NoneInScope: {
      const std::string scope = scope_text(a.municipality, a.corporations, lang);
      if (scope.empty()) return text("msg_none_in_scope", {{"dataset", dataset}});
      return text("msg_none_in_scope_of", {{"dataset", dataset}, {"scope", scope}});
    }
    case NoteCode::NonePass: return text("msg_none_pass", {{"dataset", dataset}});
    case NoteCode::NoneInPeriod: {
      const std::string to = report::date_text(a.date_to, lang);
      const std::string period = a.date != 0 && a.date_to != 0 ? text("period_from_to", {{"from", date}, {"to", to}})
                                 : a.date != 0                 ? text("period_from", {{"from", date}})
                                                               : text("period_until", {{"to", to}});
      return text("msg_none_in_period", {{"dataset", dataset}, {"period", period}});
    }
    case NoteCode::AfterFilter: return text("msg_after_filter");
    case NoteCode::AllExempt: return text("msg_all_exempt");
    case NoteCode::NoValues: return text("msg_no_values");
    case NoteCode::NothingToDivide: return text("msg_nothing_to_divide");
    case NoteCode::ExpectedGroup: return text("msg_expected_group");
    case NoteCode::ExpectedUnseen: return text("msg_expected_unseen");
    case NoteCode::ExpectedUnseenWould: return text("msg_expected_unseen_would", {{"threshold", a.threshold}});
    case NoteCode::ExpectedZero: return text("msg_expected_zero");
    case NoteCode::NoDivisor: return text("msg_no_divisor", {{"dataset", dataset}});
    case NoteCode::TableUnknown:
    case NoteCode::TableLacksFor:
      return text(part.code == NoteCode::TableUnknown ? "msg_table_unknown" : "msg_table_lacks_for",
                  {{"table", a.table},
                   {"keys", keys_text(a, lang)},
                   {"where", a.where},
                   {"dataset", dataset},
                   {"id", a.record_id},
                   {"origin", origin_text(a, lang)}});
    case NoteCode::TableLacks: return text("msg_table_lacks", {{"table", a.table}, {"keys", keys_text(a, lang)}});
    case NoteCode::ThresholdTooBig: return text("msg_too_big", {{"text", a.threshold}});
    case NoteCode::NoBaseline: return text("msg_no_baseline", {{"date", date}});
    case NoteCode::BeforeBaseline: return text("msg_before_baseline", {{"date", date}});
    case NoteCode::NoEarlier: return text("msg_no_earlier");
    case NoteCode::NoLater: return text("msg_no_later");
    case NoteCode::LaterSnapshots: return text("msg_later_snapshots", {{"n", std::to_string(a.count)}, {"date", date}});
    case NoteCode::OneSnapshot: return text("msg_one_snapshot");
    case NoteCode::SumOverflows: return text("msg_sum_overflows");
    case NoteCode::ArithmeticOverflow:
      return text("msg_arithmetic_overflow", {{"kind", a.dataset}, {"dataset", dataset}, {"id", a.record_id}});
    case NoteCode::DateOutsideCalendar:
      return text("msg_date_outside",
                  {{"days", std::to_string(a.count)},
                   {"kind", a.dataset},
                   {"dataset", dataset},
                   {"id", a.record_id},
                   {"line", std::to_string(a.line)}});
    case NoteCode::TooManyGroups:
      return text("msg_too_many_groups", {{"n", std::to_string(a.count)},
                                          {"kind", a.dataset},
                                          {"dataset", dataset},
                                          {"id", a.record_id},
                                          {"line", std::to_string(a.line)}});
  }
  return "";
}

}  // namespace

std::string scope_text(const std::string& municipality, const std::vector<std::string>& corporations, Lang lang) {
  std::string scope;
  if (!municipality.empty()) scope = std::string(word(lang, "scope_municipality")) + " " + municipality;
  if (!corporations.empty()) {
    scope += (scope.empty() ? "" : "; ") + std::string(word(lang, "scope_corporations")) + " ";
    for (std::size_t i = 0; i < corporations.size(); ++i) scope += (i > 0 ? ", " : "") + corporations[i];
  }
  return scope;
}

std::string note_text(const ResultNote& note, Lang lang) {
  std::string out;
  for (const NotePart& part : note.parts) out += (out.empty() ? "" : "; ") + part_text(part, lang);
  if (note.of_divisor && !out.empty()) return fill(word(lang, "msg_divisor"), {{"note", out}});
  return out;
}

std::string remedy_summary(const RuleResult& result) {
  if (!result.remedy || !result.threshold || result.rule == nullptr) return "";
  const MeasureKind kind = result.rule->measure.kind;
  const bool fewer = result.threshold->op == CompareOp::Gt || result.threshold->op == CompareOp::Ge;
  const std::int64_t r = *result.remedy;
  const std::string status(status_name(result.status));
  std::string text = std::to_string(r) + (fewer ? " fewer" : " more");
  if (kind == MeasureKind::Count) {
    text += " records would clear the " + status + " threshold";
  } else if (kind == MeasureKind::Net) {
    text += " on balance (additions minus removals) would clear the " + status + " threshold";
  } else {
    // k of n records meet the condition (a share's numerator and denominator, a count's measure).
    const bool share = kind == MeasureKind::Share;
    const std::int64_t k = share && result.numerator ? *result.numerator : result.measure ? result.measure->numerator : 0;
    const std::int64_t n = result.denominator.value_or(0);
    const std::int64_t wanted = fewer ? k - r : k + r;
    text += " records meeting the condition (" + std::string(fewer ? "at most " : "at least ") + std::to_string(wanted) +
            (share ? " of " + std::to_string(n) : "") + ") would clear the " + status + " threshold";
  }
  if (result.remedy_to_ok && *result.remedy_to_ok != r) text += "; " + std::to_string(*result.remedy_to_ok) + " to be ok";
  return text;
}

}  // namespace toets
