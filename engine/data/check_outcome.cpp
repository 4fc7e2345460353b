#include "engine/data/check_outcome.hpp"

#include <algorithm>

namespace toets {

std::optional<std::uint32_t> parse_max_rejected(std::string_view text) {
  if (!text.empty() && text.back() == '%') text.remove_suffix(1);
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view decimals = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  const auto digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  // A parts-per-million limit has four decimals of a percentage; "1." and ".5" are not numbers.
  if (whole.empty() || whole.size() > 3 || !digits(whole)) return std::nullopt;
  if (point != std::string_view::npos && (decimals.empty() || decimals.size() > 4 || !digits(decimals))) {
    return std::nullopt;
  }
  std::uint32_t ppm = 0;
  for (const char c : whole) ppm = ppm * 10 + static_cast<std::uint32_t>(c - '0');
  ppm *= 10000;
  std::uint32_t scale = 1000;
  for (const char c : decimals) {
    ppm += static_cast<std::uint32_t>(c - '0') * scale;
    scale /= 10;
  }
  if (ppm > kPartsPerMillion) return std::nullopt;
  return ppm;
}

std::string max_rejected_text(std::uint32_t ppm) {
  std::string text = std::to_string(ppm / 10000);
  std::string decimals = std::to_string(ppm % 10000);
  decimals.insert(0, 4 - decimals.size(), '0');
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  if (!decimals.empty()) text += "." + decimals;
  return text + "%";
}

std::string_view incomplete_reason_name(IncompleteReason reason) {
  switch (reason) {
    case IncompleteReason::TooManyRejected:
      return "too_many_rejected";
    case IncompleteReason::NoAcceptedRows:
      return "no_accepted_rows";
    case IncompleteReason::NoneInScope:
      return "none_in_scope";
    case IncompleteReason::NoneInPeriod:
      return "none_in_period";
  }
  return "no_accepted_rows";
}

namespace {

// Why rows read, accepted and rejected make the check incomplete, if they do.
std::optional<IncompleteReason> judge(std::uint64_t read, std::uint64_t accepted, std::uint64_t rejected,
                                      std::uint32_t max_rejected_ppm) {
  if (accepted == 0) return IncompleteReason::NoAcceptedRows;
  // rejected / read > ppm / 1e6, in integers: exact at any size.
  if (static_cast<Int128>(rejected) * kPartsPerMillion >
      static_cast<Int128>(max_rejected_ppm) * static_cast<Int128>(read)) {
    return IncompleteReason::TooManyRejected;
  }
  return std::nullopt;
}

}  // namespace

void assess_completeness(CheckReport& report, std::uint32_t max_rejected_ppm) {
  report.incomplete.clear();
  const auto add = [&](const LoadReport& load, const std::string& file, std::optional<std::int64_t> import_id,
                       IncompleteReason reason, std::uint64_t read, std::uint64_t rejected) {
    report.incomplete.push_back(
        Incompleteness{load.dataset, file, import_id, reason, read, rejected, max_rejected_ppm, {}, {}});
  };
  for (const InputSummary& input : report.inputs) {
    if (!input.used) continue;  // data no rule reads is ignored, rejections and all
    const LoadReport& load = input.report;
    if (load.imports.empty()) {
      if (const auto why = judge(load.rows_read, load.rows_accepted, load.rows_rejected, max_rejected_ppm)) {
        add(load, load.file, std::nullopt, *why, load.rows_read, load.rows_rejected);
      }
      continue;
    }
    // From the store: each import is a file that was given, judged as that file would be.
    bool flagged = false;
    for (const ImportedFile& part : load.imports) {
      if (const auto why = judge(part.rows_read, part.rows_accepted, part.rows_rejected, max_rejected_ppm)) {
        add(load, part.file, part.import_id, *why, part.rows_read, part.rows_rejected);
        flagged = true;
      }
    }
    if (flagged) continue;
    // Then the store's table itself: no row at all, or rows that reading it rejected.
    const std::uint64_t own = load.rejections.size();
    if (const auto why = judge(load.rows_accepted + own, load.rows_accepted, own, max_rejected_ppm)) {
      add(load, load.file, std::nullopt, *why, load.rows_accepted + own, own);
    }
  }
}

void assess_coverage(CheckReport& report, std::uint32_t max_rejected_ppm) {
  const auto first_code = [](const RuleResult& r) { return r.note.empty() ? NoteCode::NoData : r.note.parts.front().code; };
  for (const InputSummary& input : report.inputs) {
    const LoadReport& load = input.report;
    if (!input.used || load.rows_accepted == 0) continue;
    const bool judged = std::any_of(report.incomplete.begin(), report.incomplete.end(),
                                    [&](const Incompleteness& i) { return i.dataset == load.dataset; });
    if (judged) continue;
    std::vector<const RuleResult*> over;
    for (const RuleResult& result : report.results) {
      if (result.rule->dataset != nullptr && result.rule->dataset->name == load.dataset) over.push_back(&result);
    }
    if (over.empty()) continue;
    const auto no_data_for = [&](const RuleResult* r, NoteCode code) {
      return r->status == Status::NoData && first_code(*r) == code;
    };
    // A rule not evaluated (its divisor's data not given) reads none of the rows either way: it
    // neither shows the rows were in scope nor that they were not.
    const auto not_evaluated = [](const RuleResult* r) { return r->status == Status::NotEvaluated; };
    if (std::all_of(over.begin(), over.end(), not_evaluated)) continue;
    const bool none_in_scope = std::all_of(over.begin(), over.end(), [&](const RuleResult* r) {
      return not_evaluated(r) || no_data_for(r, NoteCode::NoneInScope);
    });
    const bool none_in_period = !none_in_scope && std::all_of(over.begin(), over.end(), [&](const RuleResult* r) {
      return not_evaluated(r) || !r->rows_in_period;
    });
    if (!none_in_scope && !none_in_period) continue;
    Incompleteness reason{load.dataset, load.file, std::nullopt,
                          none_in_scope ? IncompleteReason::NoneInScope : IncompleteReason::NoneInPeriod,
                          load.rows_read, load.rows_rejected, max_rejected_ppm, {}, {}};
    if (none_in_scope) {
      const RuleResult& first = **std::find_if(over.begin(), over.end(), [&](const RuleResult* r) { return !not_evaluated(r); });
      const NoteArgs& args = first.note.parts.front().args;
      reason.municipality = args.municipality;
      reason.corporations = args.corporations;
    }
    report.incomplete.push_back(std::move(reason));
  }
}

int check_exit_status(const CheckReport& report, bool fail_on_signal) {
  if (report.any_counting(Status::Error) || report.is_incomplete()) return kExitInvalid;
  if (report.any_counting(Status::Breach)) return kExitFailed;
  if (fail_on_signal && (report.any_counting(Status::Signal) || report.any_counting(Status::AtRisk))) {
    return kExitFailed;
  }
  return kExitClear;
}

}  // namespace toets
