// Comparing recorded runs, and listing runs and imports: pure functions over what the store
// returned (store.cpp does the SQLite part). Deterministic: the same runs render the same bytes.

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <utility>

#include "dsl/source/calendar.hpp"
#include "dsl/source/visible_text.hpp"
#include "engine/store/store.hpp"
#include "engine/base/text_table.hpp"
#include "engine/words/words.hpp"

namespace toets {

namespace {

bool is_problem(Status status) {
  return status == Status::Signal || status == Status::Breach || status == Status::AtRisk;
}

int severity(Status status) {
  switch (status) {
    case Status::Breach: return 2;
    case Status::Signal:
    case Status::AtRisk: return 1;
    default: return 0;
  }
}

// The same figure: the same measure and, for shares, the same counts (17/17 and 14/14 are both
// 100%, but three records moved).
bool same_figure(const StoredResult& a, const StoredResult& b) {
  if (a.measure.has_value() != b.measure.has_value()) return false;
  if (a.measure && compare(*a.measure, *b.measure) != 0) return false;
  return a.numerator == b.numerator && a.denominator == b.denominator;
}

Int128 gcd128(Int128 a, Int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    const Int128 r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// b - a, exact, when it fits.
std::optional<Ratio> difference(const Ratio& a, const Ratio& b) {
  Int128 numerator = static_cast<Int128>(b.numerator) * a.denominator - static_cast<Int128>(a.numerator) * b.denominator;
  Int128 denominator = static_cast<Int128>(a.denominator) * b.denominator;
  const Int128 divisor = gcd128(numerator, denominator);
  if (divisor > 1) {
    numerator /= divisor;
    denominator /= divisor;
  }
  constexpr Int128 kLargest = std::numeric_limits<std::int64_t>::max();
  if (numerator > kLargest || numerator < -kLargest || denominator > kLargest || denominator <= 0) return std::nullopt;
  return Ratio{static_cast<std::int64_t>(numerator), static_cast<std::int64_t>(denominator)};
}

// "+1.00 pp", "-€12.00", "+3", "+30 days".
std::string delta_text(const Ratio& delta, ValueType unit) {
  const bool negative = delta.numerator < 0;
  const Ratio magnitude{negative ? -delta.numerator : delta.numerator, delta.denominator};
  std::string text;
  if (unit == ValueType::Fraction) {
    text = format_value(magnitude, unit);
    if (!text.empty() && text.back() == '%') text.pop_back();
    text += " pp";
  } else if (unit == ValueType::Date) {
    text = format_value(magnitude, ValueType::Int) + " days";
  } else {
    text = format_value(magnitude, unit);
  }
  return (negative ? "-" : "+") + text;
}

std::string measure_with_counts(const StoredResult& result) {
  if (!result.measure) return "-";
  std::string text = result.measure_text;
  if (result.numerator && result.denominator) {
    text += " (" + std::to_string(*result.numerator) + "/" + std::to_string(*result.denominator) + ")";
  }
  return text;
}

// Numbers as report_json writes them: shares as fractions, money in euros, counts as integers.
nlohmann::json value_json(const Ratio& value, ValueType unit) {
  if (unit == ValueType::Money) {
    if (value.denominator == 1) {
      const std::string euros = format_value(value, unit);  // "€612.35": exact decimal euros
      const auto parsed = nlohmann::json::parse(euros.substr(3), nullptr, false);
      if (!parsed.is_discarded()) return parsed;
    }
    return to_double(value) / 100.0;
  }
  if (unit == ValueType::Date && value.denominator == 1) return format_date(static_cast<std::int32_t>(value.numerator));
  if (unit != ValueType::Fraction && value.denominator == 1) return value.numerator;
  return to_double(value);
}

nlohmann::json delta_json(const Ratio& value, ValueType unit) {
  // A difference of dates is a number of days.
  return value_json(value, unit == ValueType::Date ? ValueType::Int : unit);
}

nlohmann::ordered_json group_object(const std::string& text) {
  auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return text;
  return parsed;
}

using Rows = TextRows;

// Cells wider than this continue below, in their column (engine/base/text_table.hpp).
constexpr std::size_t kMaxCellWidth = 48;

void fit_widths(const Rows& rows, std::vector<std::size_t>& widths) { fit_table_widths(rows, kMaxCellWidth, widths); }

// Rows of cells as aligned columns, two spaces apart, indented by two; the last cell unpadded.
// Names, sources and paths are shown with their control characters escaped (text_table.hpp).
void write_table(const Rows& rows, std::ostream& out, std::vector<std::size_t> widths = {}) {
  out << text_table(rows, kMaxCellWidth, std::move(widths));
}

std::string short_hash(const std::string& hash) { return hash.substr(0, 12); }

// Statuses in order of how much they need attention.
constexpr Status kStatusOrder[] = {Status::Breach, Status::Signal, Status::AtRisk, Status::Error, Status::OnTrack,
                                   Status::Ok, Status::NoData, Status::NotEvaluated};

std::string summary_text(const std::map<std::string, std::uint64_t>& summary) {
  std::string text;
  for (const Status status : kStatusOrder) {
    const auto found = summary.find(std::string(status_name(status)));
    if (found == summary.end() || found->second == 0) continue;
    text += (text.empty() ? "" : ", ") + std::to_string(found->second) + " " + found->first;
  }
  return text.empty() ? "no results" : text;
}

nlohmann::ordered_json summary_json(const std::map<std::string, std::uint64_t>& summary) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const Status status : kStatusOrder) {
    const auto found = summary.find(std::string(status_name(status)));
    if (found != summary.end()) out[found->first] = found->second;
  }
  return out;
}

nlohmann::ordered_json run_json(const RunInfo& run) {
  nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
  for (const RunInput& input : run.inputs) {
    inputs.push_back({{"kind", input.kind},
                      {"source", input.source},
                      {"sha256", input.sha256},
                      {"imports", input.imports},
                      {"rows_read", input.rows_read},
                      {"rows_accepted", input.rows_accepted},
                      {"rows_rejected", input.rows_rejected},
                      {"used", input.used}});
  }
  return {{"id", run.id},
          {"recorded_at", run.recorded_at},
          {"as_of", format_date(run.as_of)},
          {"ruleset", {{"id", run.ruleset_id}, {"title", run.ruleset_title}, {"file", run.ruleset_file},
                       {"sha256", run.ruleset_sha256}}},
          {"engine_version", run.engine_version},
          {"summary", summary_json(run.summary)},
          {"inputs", inputs}};
}

// Why a recorded result is what it is, when its note says (an error, nothing to measure): the note
// in English as tools read it; for a run an older toets recorded, the message it recorded.
std::string why_text(const StoredResult& result) {
  return result.note.empty() ? result.message : note_text(result.note, Lang::En);
}

nlohmann::ordered_json side_json(const std::optional<StoredResult>& result) {
  if (!result) return nullptr;
  nlohmann::ordered_json out;
  out["status"] = std::string(status_name(result->status));
  out["measure"] = result->measure ? nlohmann::ordered_json(value_json(*result->measure, result->unit)) : nullptr;
  out["measure_text"] = result->measure_text;
  out["numerator"] = result->numerator ? nlohmann::ordered_json(*result->numerator) : nullptr;
  out["denominator"] = result->denominator ? nlohmann::ordered_json(*result->denominator) : nullptr;
  out["records"] = result->records;
  out["threshold"] = result->threshold_text;
  out["evidence_count"] = result->evidence_count;
  out["message"] = why_text(*result);
  return out;
}

std::string input_label(const RunInput& input) {
  return input.source == "store" ? "store " + short_hash(input.sha256) : input.source + " " + short_hash(input.sha256);
}

}  // namespace

std::string_view change_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::New: return "new";
    case ChangeKind::Resolved: return "resolved";
    case ChangeKind::Worse: return "worse";
    case ChangeKind::Better: return "better";
    case ChangeKind::StatusChanged: return "status_changed";
    case ChangeKind::Appeared: return "appeared";
    case ChangeKind::Disappeared: return "disappeared";
    case ChangeKind::Moved: return "moved";
  }
  return "?";
}

RunDiff diff_runs(const RunInfo& from, const std::vector<StoredResult>& from_results, const RunInfo& to,
                  const std::vector<StoredResult>& to_results) {
  RunDiff diff;
  diff.from = from;
  diff.to = to;

  if (from.ruleset_id != to.ruleset_id) {
    diff.notes.push_back("the runs are of different rule sets (" + from.ruleset_id + ", " + to.ruleset_id + ")");
  } else if (from.ruleset_sha256 != to.ruleset_sha256) {
    diff.notes.push_back("the rule files changed between the runs (" + short_hash(from.ruleset_sha256) + " -> " +
                         short_hash(to.ruleset_sha256) + ")");
  }
  if (from.engine_version != to.engine_version) {
    diff.notes.push_back("the engine changed between the runs (" + from.engine_version + " -> " + to.engine_version + ")");
  }
  if (from.as_of != to.as_of) {
    diff.notes.push_back("the runs are as of different dates (" + format_date(from.as_of) + ", " +
                         format_date(to.as_of) + "): deadline statuses may move with the date alone");
  }

  const auto key = [](const StoredResult& r) { return r.rule + '\x1f' + r.group_json; };
  std::unordered_map<std::string, std::size_t> earlier;
  for (std::size_t i = 0; i < from_results.size(); ++i) earlier.emplace(key(from_results[i]), i);
  std::vector<bool> matched(from_results.size(), false);

  for (const StoredResult& later : to_results) {
    const auto found = earlier.find(key(later));
    const StoredResult* before = nullptr;
    if (found != earlier.end() && !matched[found->second]) {
      before = &from_results[found->second];
      matched[found->second] = true;
    }
    ResultChange change;
    change.rule = later.rule;
    change.group_json = later.group_json;
    change.group_text = later.group_text;
    change.to = later;
    if (before == nullptr) {
      change.kind = is_problem(later.status) ? ChangeKind::New : ChangeKind::Appeared;
      diff.changes.push_back(std::move(change));
      continue;
    }
    change.from = *before;
    if (before->measure && later.measure && before->unit == later.unit) {
      change.delta = difference(*before->measure, *later.measure);
    }
    if (before->status == later.status) {
      if (same_figure(*before, later)) {
        ++diff.unchanged;
        continue;
      }
      change.kind = ChangeKind::Moved;
    } else if (!is_problem(before->status) && is_problem(later.status)) {
      change.kind = ChangeKind::New;
    } else if (is_problem(before->status) && !is_problem(later.status)) {
      change.kind = later.status == Status::Ok || later.status == Status::OnTrack ? ChangeKind::Resolved
                                                                                   : ChangeKind::StatusChanged;
    } else if (is_problem(before->status) && is_problem(later.status)) {
      const int a = severity(before->status);
      const int b = severity(later.status);
      change.kind = b > a ? ChangeKind::Worse : b < a ? ChangeKind::Better : ChangeKind::StatusChanged;
    } else {
      change.kind = ChangeKind::StatusChanged;
    }
    diff.changes.push_back(std::move(change));
  }
  for (std::size_t i = 0; i < from_results.size(); ++i) {
    if (matched[i]) continue;
    ResultChange change;
    change.kind = ChangeKind::Disappeared;
    change.rule = from_results[i].rule;
    change.group_json = from_results[i].group_json;
    change.group_text = from_results[i].group_text;
    change.from = from_results[i];
    diff.changes.push_back(std::move(change));
  }
  return diff;
}

void write_diff_text(const RunDiff& diff, std::ostream& out) {
  const RunInfo& a = diff.from;
  const RunInfo& b = diff.to;
  out << "Toets diff: run " << a.id << " -> run " << b.id << ", "
      << visible(b.ruleset_title.empty() ? b.ruleset_id : b.ruleset_title + " (" + b.ruleset_id + ")") << "\n";
  write_table({{"run " + std::to_string(a.id), a.recorded_at, "as of " + format_date(a.as_of), "rules " + short_hash(a.ruleset_sha256),
                summary_text(a.summary)},
               {"run " + std::to_string(b.id), b.recorded_at, "as of " + format_date(b.as_of), "rules " + short_hash(b.ruleset_sha256),
                summary_text(b.summary)}},
              out);

  // Inputs by kind: unchanged, changed, only in one run.
  std::map<std::string, std::pair<const RunInput*, const RunInput*>> inputs;
  for (const RunInput& input : a.inputs) inputs[input.kind].first = &input;
  for (const RunInput& input : b.inputs) inputs[input.kind].second = &input;
  std::vector<std::vector<std::string>> input_rows;
  for (const auto& [kind, pair] : inputs) {
    const auto& [before, after] = pair;
    if (before == nullptr) {
      input_rows.push_back({kind, "added", input_label(*after)});
    } else if (after == nullptr) {
      input_rows.push_back({kind, "not in run " + std::to_string(b.id), input_label(*before)});
    } else if (before->sha256 == after->sha256) {
      input_rows.push_back({kind, "unchanged", input_label(*after)});
    } else {
      input_rows.push_back({kind, "changed", input_label(*before) + " -> " + input_label(*after)});
    }
  }
  if (!input_rows.empty()) {
    out << "\nInputs\n";
    write_table(input_rows, out);
  }
  for (const std::string& note : diff.notes) out << "  note: " << visible(note) << "\n";

  struct Section {
    ChangeKind kind;
    const char* title;
  };
  constexpr Section kSections[] = {
      {ChangeKind::New, "New breaches and signals"},
      {ChangeKind::Worse, "Worse"},
      {ChangeKind::Resolved, "Resolved"},
      {ChangeKind::Better, "Better"},
      {ChangeKind::StatusChanged, "Other status changes"},
      {ChangeKind::Moved, "Measures moved (same status)"},
      {ChangeKind::Appeared, "Newly reported groups"},
      {ChangeKind::Disappeared, "No longer reported"},
  };
  // One line per change: rule, group, status (from -> to), measure (from -> to), the difference,
  // the threshold; aligned across all sections.
  std::map<ChangeKind, Rows> sections;
  // Under each section, why its results are what they are where their notes say: a change to
  // `error` or `no_data` without its reason would leave the meeting guessing.
  std::map<ChangeKind, std::vector<std::string>> whys;
  for (const ResultChange& change : diff.changes) {
    std::string status;
    std::string measure;
    std::string delta;
    if (change.from && change.to) {
      status = change.from->status == change.to->status
                   ? std::string(status_name(change.to->status))
                   : std::string(status_name(change.from->status)) + " -> " + std::string(status_name(change.to->status));
      measure = measure_with_counts(*change.from) + " -> " + measure_with_counts(*change.to);
      if (change.delta) delta = delta_text(*change.delta, change.to->unit);
    } else {
      const StoredResult& only = change.to ? *change.to : *change.from;
      status = status_name(only.status);
      measure = measure_with_counts(only);
    }
    const StoredResult& latest = change.to ? *change.to : *change.from;
    sections[change.kind].push_back({change.rule, change.group_text, status, measure, delta, latest.threshold_text});
    if (const std::string why = why_text(latest); !why.empty()) {
      whys[change.kind].push_back(change.rule + (change.group_text.empty() ? "" : " " + change.group_text) + ": " + why);
    }
  }
  std::vector<std::size_t> widths;
  for (const auto& [kind, rows] : sections) fit_widths(rows, widths);
  std::map<ChangeKind, std::size_t> counts;
  for (const Section& section : kSections) {
    const Rows& rows = sections[section.kind];
    counts[section.kind] = rows.size();
    if (rows.empty()) continue;
    out << "\n" << section.title << " (" << rows.size() << ")\n";
    write_table(rows, out, widths);
    for (const std::string& why : whys[section.kind]) out << "    why: " << visible(why) << "\n";
  }
  if (diff.changes.empty()) out << "\nNo changes: every result is the same in both runs.\n";

  out << "\nSummary: " << counts[ChangeKind::New] << " new, " << counts[ChangeKind::Worse] << " worse, "
      << counts[ChangeKind::Resolved] << " resolved, " << counts[ChangeKind::Better] << " better, "
      << counts[ChangeKind::StatusChanged] << " other status changes, " << counts[ChangeKind::Moved] << " moved, "
      << counts[ChangeKind::Appeared] << " appeared, " << counts[ChangeKind::Disappeared] << " no longer reported, "
      << diff.unchanged << " unchanged\n";
}

nlohmann::ordered_json diff_to_json(const RunDiff& diff) {
  nlohmann::ordered_json out;
  out["from"] = run_json(diff.from);
  out["to"] = run_json(diff.to);
  out["notes"] = diff.notes;
  nlohmann::ordered_json changes = nlohmann::ordered_json::array();
  std::map<std::string, std::uint64_t> counts;
  for (const ResultChange& change : diff.changes) {
    nlohmann::ordered_json item;
    item["change"] = std::string(change_name(change.kind));
    item["rule"] = change.rule;
    item["group"] = group_object(change.group_json);
    item["group_text"] = change.group_text;
    item["from"] = side_json(change.from);
    item["to"] = side_json(change.to);
    if (change.delta && change.to) {
      item["delta"] = delta_json(*change.delta, change.to->unit);
      item["delta_text"] = delta_text(*change.delta, change.to->unit);
    } else {
      item["delta"] = nullptr;
    }
    changes.push_back(std::move(item));
    ++counts[std::string(change_name(change.kind))];
  }
  out["changes"] = changes;
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  for (const ChangeKind kind : {ChangeKind::New, ChangeKind::Worse, ChangeKind::Resolved, ChangeKind::Better,
                                ChangeKind::StatusChanged, ChangeKind::Moved, ChangeKind::Appeared, ChangeKind::Disappeared}) {
    summary[std::string(change_name(kind))] = counts[std::string(change_name(kind))];
  }
  summary["unchanged"] = diff.unchanged;
  out["summary"] = summary;
  return out;
}

void write_history_text(const std::vector<RunInfo>& runs, std::ostream& out) {
  if (runs.empty()) {
    out << "No runs recorded (toets check --db records one).\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"RUN", "RECORDED", "AS OF", "RULE SET", "RULES", "ENGINE", "INPUTS", "RESULTS"});
  for (const RunInfo& run : runs) {
    std::string inputs;
    for (const RunInput& input : run.inputs) {
      if (!input.used) continue;
      inputs += (inputs.empty() ? "" : ", ") + input.kind + "@" + short_hash(input.sha256).substr(0, 8);
    }
    rows.push_back({std::to_string(run.id), run.recorded_at, format_date(run.as_of), run.ruleset_id,
                    short_hash(run.ruleset_sha256), run.engine_version, inputs.empty() ? "-" : inputs,
                    summary_text(run.summary)});
  }
  write_table(rows, out);
}

nlohmann::ordered_json history_to_json(const std::vector<RunInfo>& runs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const RunInfo& run : runs) out.push_back(run_json(run));
  return out;
}

void write_imports_text(const std::vector<ImportInfo>& imports, std::ostream& out) {
  if (imports.empty()) {
    out << "No imports (toets import --db makes one).\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"IMPORT", "IMPORTED", "KIND", "MODE", "READ", "STORED", "NEW", "CHANGED", "UNCHANGED", "REJECTED",
                  "CURRENT", "SHA256", "SOURCE"});
  for (const ImportInfo& info : imports) {
    rows.push_back({std::to_string(info.id), info.imported_at, info.kind,
                    info.mode == ImportMode::Replace ? "replace" : "merge", std::to_string(info.rows_read),
                    std::to_string(info.rows_accepted), std::to_string(info.rows_new),
                    // A replace import dropped every earlier row: nothing was changed in place.
                    info.mode == ImportMode::Replace ? "-" : std::to_string(info.rows_replaced),
                    info.mode == ImportMode::Replace ? "-" : std::to_string(info.rows_unchanged),
                    std::to_string(info.rows_rejected),
                    std::to_string(info.live_rows), short_hash(info.sha256), info.source});
  }
  write_table(rows, out);
}

nlohmann::ordered_json imports_to_json(const std::vector<ImportInfo>& imports) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const ImportInfo& info : imports) {
    out.push_back({{"id", info.id},
                   {"imported_at", info.imported_at},
                   {"kind", info.kind},
                   {"mode", info.mode == ImportMode::Replace ? "replace" : "merge"},
                   {"source", info.source},
                   {"sha256", info.sha256},
                   {"rows_read", info.rows_read},
                   {"rows_stored", info.rows_accepted},
                   {"rows_new", info.rows_new},
                   {"rows_replaced", info.rows_replaced},
                   {"rows_unchanged", info.rows_unchanged},
                   {"rows_rejected", info.rows_rejected},
                   {"rows_current", info.live_rows},
                   {"engine_version", info.engine_version}});
  }
  return out;
}

}  // namespace toets
