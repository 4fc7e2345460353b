#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "engine/data/check_outcome.hpp"
#include "engine/base/output_guard.hpp"
#include "engine/report/privacy.hpp"
#include "engine/report/rejection_groups.hpp"
#include "engine/report/report.hpp"
#include "engine/report/report_common.hpp"

namespace toets {

namespace {

using nlohmann::json;

// Evidence arrays are most of a report (hundreds of thousands of record ids). write_json_report
// does not build them as JSON values: each result holds this placeholder, and the ids are written
// into the dumped text in its place. The placeholder dumps as "\u0001evidence", which no other
// "evidence" member can hold (only results have one).
const std::string kEvidencePlaceholder = "\x01" "evidence";
constexpr std::string_view kDumpedPlaceholder = "\"evidence\": \"\\u0001evidence\"";
// Nor is the results array built whole (thousands of rules times their groups, some kilobytes
// each as a JSON tree): the report holds this placeholder, and each result is built, dumped and
// written in its place, one at a time, so the memory is that of one result.
const std::string kResultsPlaceholder = "\x01" "results";
constexpr std::string_view kDumpedResultsPlaceholder = "\"results\": \"\\u0001results\"";

enum class Evidence { AsValues, AsPlaceholder };

// Shares as fractions (0.075), money in euros, counts as integers, dates as text.
json value_json(const Ratio& value, ValueType unit) {
  if (unit == ValueType::Money) {
    if (value.denominator == 1) {
      // Integral cents: exact decimal euros without binary noise.
      return json::parse(format_value(value, unit).substr(3));
    }
    return to_double(value) / 100.0;
  }
  if (unit == ValueType::Date && value.denominator == 1) return format_date(static_cast<std::int32_t>(value.numerator));
  if (unit != ValueType::Fraction && value.denominator == 1) return value.numerator;
  return to_double(value);
}

json optional_int(const std::optional<std::int64_t>& value) { return value ? json(*value) : json(nullptr); }

json notes_json(const std::vector<std::string>& notes, Lang lang) {
  json out = json::array();
  for (const auto& note : notes) out.push_back(report::message_text(note, lang));
  return out;
}

json group_json(const std::vector<GroupField>& group) {
  json out = json::object();
  for (const auto& field : group) {
    if (field.number) out[field.name] = *field.number;
    else if (field.text) out[field.name] = *field.text;
    else out[field.name] = nullptr;
  }
  return out;
}

json history_json(const ResultHistory& history, ValueType unit) {
  json points = json::array();
  for (const auto& point : history.points) {
    points.push_back({{"run", point.run_id},
                      {"as_of", format_date(point.as_of)},
                      {"status", std::string(status_name(point.status))},
                      {"measure", point.measure ? value_json(*point.measure, unit) : json(nullptr)}});
  }
  json out;
  out["since"] = history.status_since ? json(format_date(*history.status_since)) : json(nullptr);
  out["runs_with_this_status"] = history.streak;
  out["previous_status"] =
      history.previous_status ? json(std::string(status_name(*history.previous_status))) : json(nullptr);
  out["movement"] = history.movement ? json(std::string(movement_name(*history.movement))) : json(nullptr);
  out["points"] = std::move(points);
  return out;
}

// Its words (measure_text, remedy_text, message) in `lang`: English unless --lang asks otherwise.
json result_json(const RuleResult& result, const Privacy& privacy, const ReportHistory* history, Evidence evidence,
                 Lang lang) {
  const CompiledRule& rule = *result.rule;
  const ValueType unit = rule.measure.unit;
  json out;
  out["rule"] = rule.id;
  out["title"] = rule.title;
  out["source"] = rule.source;
  out["owner"] = rule.owner;
  out["ruleset"] = rule.ruleset_id;
  out["dataset"] = rule.dataset->name;
  out["group"] = group_json(privacy.group(result.group));
  out["status"] = std::string(status_name(result.status));
  const bool withheld = privacy.measure_withheld(result);
  out["measure"] = result.measure && !withheld ? value_json(*result.measure, unit) : json(nullptr);
  out["measure_text"] = !result.measure ? ""
                        : withheld      ? std::string(lang == Lang::Nl ? report::word(lang, "withheld") : kWithheld)
                                        : report::value_text(*result.measure, unit, lang);
  if (privacy.indicative(result)) out["indicative"] = true;
  out["measure_kind"] = std::string(measure_name(rule.measure.kind));
  out["numerator"] = optional_int(result.numerator);
  out["denominator"] = optional_int(result.denominator);
  out["records"] = result.records;
  if (rule.exempt != kNoIndex) {
    out["exempt"] = result.exempt;
    out["exempt_matching"] = result.exempt_matching;
  }
  if (result.threshold) {
    out["threshold"] = {{"status", std::string(status_name(result.threshold->status))},
                        {"op", std::string(compare_op_text(result.threshold->op))},
                        {"value", value_json(result.threshold->value, unit)},
                        {"text", result.threshold->text}};
  } else {
    out["threshold"] = nullptr;
  }
  if (rule.target) {
    out["target"] = {{"op", std::string(compare_op_text(rule.target->op))},
                     {"value", value_json(rule.target->value, unit)},
                     {"deadline", format_date(rule.target->deadline)},
                     {"text", rule.target->text}};
    json series = json::array();
    for (const auto& point : result.series) {
      series.push_back({{"snapshot", format_date(point.date)},
                        {"measure", value_json(point.measure, unit)},
                        {"records", point.records}});
    }
    out["series"] = std::move(series);
    if (result.projection) {
      out["projection"] = {{"value_at_deadline", result.projection->value_at_deadline},
                           {"rate_per_year", result.projection->rate_per_year},
                           {"needed_per_year", result.projection->needed_per_year},
                           {"points", result.projection->points}};
    }
  }
  out["evidence"] = evidence == Evidence::AsValues ? json(privacy.evidence(result)) : json(kEvidencePlaceholder);
  if (privacy.evidence_withheld(result)) out["evidence_withheld"] = result.evidence.size();
  out["remedy"] = optional_int(result.remedy);
  out["remedy_to_ok"] = optional_int(result.remedy_to_ok);
  // The remedy about the records ("1 fewer let meeting ..."), not the engine's "1 fewer records".
  if (const std::string remedy = report::remedy_sentence(result, lang); !remedy.empty()) out["remedy_text"] = remedy;
  if (result.outside_validity) out["outside_validity"] = true;
  if (!result.note.empty()) out["message"] = note_text(privacy.note(result.note), lang);
  if (history != nullptr) {
    const auto found = history->results.find(result_key(rule.id, result.group));
    if (found != history->results.end()) out["history"] = history_json(found->second, unit);
  }
  return out;
}

json run_json(const RunRef& run) {
  json out = {{"id", run.id}, {"recorded_at", run.recorded_at}, {"as_of", format_date(run.as_of)}};
  // The same instant in Dutch local time, for a reader of the JSON; recorded_at stays UTC.
  if (const std::string local = report::local_time_iso(run.recorded_at); !local.empty()) out["recorded_at_local"] = local;
  return out;
}

json changes_json(const ReportHistory& history, const Privacy& privacy) {
  json changes = json::array();
  for (const auto& change : history.changes) {
    changes.push_back({{"movement", std::string(movement_name(change.movement))},
                       {"rule", change.rule},
                       {"group", group_json(privacy.group(change.group))},
                       {"from", change.from ? json(std::string(status_name(*change.from))) : json(nullptr)},
                       {"to", change.to ? json(std::string(status_name(*change.to))) : json(nullptr)},
                       {"from_measure", change.from_measure},
                       {"to_measure", change.to_measure}});
  }
  return changes;
}

// A reason as data: its kind's code and details ({} for a reason kept only as text).
json reason_details(const RejectionReason& why) {
  json details = json::object();
  for (const auto& [name, value] : why.details) details[name] = value;
  return details;
}

// A group of rejected rows: every line, and the fix as data (the mapping line to add). The reason
// is in the report's words: English unless --lang asked for Dutch.
json rejection_group_json(const RejectionGroup& group, std::optional<std::int64_t> import_id, Lang lang) {
  json out;
  if (import_id) out["import"] = *import_id;
  out["column"] = group.column;
  out["value"] = group.value;
  out["reason"] = reason_text(group.why, lang, group.reason);
  out["reason_kind"] = std::string(reason_code(group.why.kind));
  out["reason_details"] = reason_details(group.why);
  out["rows"] = group.rows();
  out["lines"] = group.lines;
  if (!group.cells.empty()) out["cells"] = group.cells;
  switch (group.fix) {
    case RejectionGroup::Fix::None: out["fix"] = nullptr; break;
    case RejectionGroup::Fix::Encoding:
      out["fix"] = {{"kind", "encoding"}, {"mapping_section", "input"}, {"mapping_line", "encoding = cp1252"}};
      break;
    case RejectionGroup::Fix::MapValue:
      out["fix"] = {{"kind", "map_value"},
                    {"mapping_section", "values " + group.column},
                    {"suggestion", group.suggestion.empty() ? json(nullptr) : json(group.suggestion)},
                    {"canonical_values", group.canonical},
                    {"text", report::rejection_fix_text(group, lang)}};
      break;
  }
  return out;
}

json input_json(const InputSummary& input, const Privacy& privacy, Lang lang) {
  const LoadReport& r = input.report;
  json rejections = json::array();
  json groups = json::array();
  for (const RejectionSource& source : rejection_sources(r)) {
    for (const auto& raw : *source.rejections) {
      const Rejection rej = privacy.rejection(r, raw);
      json row = {{"line", rej.line},
                  {"column", rej.column},
                  {"value", rej.value},
                  {"reason", reason_text(rej.why, lang, rej.reason)},
                  {"reason_kind", std::string(reason_code(rej.why.kind))},
                  {"reason_details", reason_details(rej.why)}};
      if (!rej.cell.empty()) row["cell"] = rej.cell;
      if (source.import_id) row["import"] = *source.import_id;
      rejections.push_back(std::move(row));
    }
    for (const RejectionGroup& group : shown_groups(r, source, privacy)) {
      groups.push_back(rejection_group_json(group, source.import_id, lang));
    }
  }
  json out = {{"dataset", r.dataset},
              {"file", r.file},
              {"encoding", r.encoding.empty() ? json(nullptr) : json(r.encoding)},
              {"encoding_detected", r.encoding_detected},
              {"rows_read", r.rows_read},
              {"rows_accepted", r.rows_accepted},
              {"rows_rejected", r.rows_rejected},
              {"used", input.used},
              {"rejections", rejections},
              {"rejection_groups", groups},
              {"notes", notes_json(r.notes, lang)}};
  if (!r.imports.empty()) {
    json imports = json::array();
    for (const ImportedFile& part : r.imports) {
      imports.push_back({{"import", part.import_id},
                         {"file", part.file},
                         {"imported_at", part.imported_at},
                         {"imported_at_local", report::local_time_iso(part.imported_at)},
                         {"rows_read", part.rows_read},
                         {"rows_accepted", part.rows_accepted},
                         {"rows_rejected", part.rows_rejected}});
    }
    out["imports"] = std::move(imports);
  }
  return out;
}

// false, or why the check could not check all of its data (docs/reports.md).
json incomplete_json(const CheckReport& report, Lang lang) {
  if (!report.is_incomplete()) return false;
  json reasons = json::array();
  for (const Incompleteness& reason : report.incomplete) {
    reasons.push_back({{"dataset", reason.dataset},
                       {"file", reason.file},
                       {"import", reason.import_id ? json(*reason.import_id) : json(nullptr)},
                       {"reason", std::string(incomplete_reason_name(reason.reason))},
                       {"rows_read", reason.rows_read},
                       {"rows_rejected", reason.rows_rejected},
                       {"max_rejected", max_rejected_text(reason.max_rejected_ppm)},
                       {"max_rejected_ppm", reason.max_rejected_ppm},
                       {"message", incompleteness_text(reason, lang)}});
  }
  return {{"reasons", std::move(reasons)}};
}

json report_json(const CheckReport& report, const Privacy& privacy, const ReportOptions& options,
                 const ReportHistory* history, Evidence evidence) {
  json out;
  out["version"] = std::string(kJsonReportVersion);
  const RuleSetInfo& rs = report.ruleset;
  out["ruleset"] = {{"id", rs.id},
                    {"title", rs.title},
                    {"file", rs.file},
                    {"municipality", rs.municipality},
                    {"source", rs.source},
                    {"valid_from", rs.valid_from ? json(format_date(*rs.valid_from)) : json(nullptr)},
                    {"valid_to", rs.valid_to ? json(format_date(*rs.valid_to)) : json(nullptr)}};
  out["as_of"] = format_date(report.as_of);
  json inputs = json::array();
  // The words for people in the language asked for (--lang); English for tools otherwise.
  const Lang lang = options.text_lang.value_or(Lang::En);
  for (const auto& input : report.inputs) inputs.push_back(input_json(input, privacy, lang));
  out["inputs"] = std::move(inputs);
  if (evidence == Evidence::AsValues) {
    json results = json::array();
    for (const auto& result : report.results) results.push_back(result_json(result, privacy, history, evidence, lang));
    out["results"] = std::move(results);
  } else {
    out["results"] = kResultsPlaceholder;  // written result by result by write_json_report
  }
  json summary = json::object();
  for (const auto& [status, count] : report.summary()) summary[std::string(status_name(status))] = count;
  summary["incomplete"] = incomplete_json(report, lang);
  out["summary"] = summary;
  out["notes"] = notes_json(report.notes, lang);
  out["privacy"] = {{"min_group_size", options.min_group_size}, {"pseudonymised", privacy.pseudonymising()}};
  if (history != nullptr) {
    out["run"] = history->current ? run_json(*history->current) : json(nullptr);
    out["previous_run"] = history->previous ? run_json(*history->previous) : json(nullptr);
    out["changes"] = changes_json(*history, privacy);
  }
  return out;
}

// A rule file or an export may hold bytes that are not UTF-8: shown as U+FFFD, never an exception.
// Bidi and C1 controls are written as \u escapes (engine/base/output_guard.hpp).
std::string dump(const json& value, int indent) { return json_text(value, indent); }

// Whether an id needs no escaping in JSON: printable ASCII without a quote or a backslash.
bool plain_json_byte(char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

// The id pools (one per dataset) whose every id is plain: their ids are written without a look at
// each byte (millions of ids in a report of many rules).
class PlainIdPools {
 public:
  explicit PlainIdPools(const std::vector<RuleResult>& results) {
    std::vector<const RecordIdPool*> seen;
    for (const RuleResult& result : results) {
      const RecordIdPool* pool = result.evidence.pool();
      if (pool == nullptr || std::find(seen.begin(), seen.end(), pool) != seen.end()) continue;
      seen.push_back(pool);
      if (std::all_of(pool->bytes.begin(), pool->bytes.end(), plain_json_byte)) plain_.push_back(pool);
    }
  }
  bool holds(const RuleResult& result, const Privacy& privacy) const {
    const RecordIdPool* pool = result.evidence.pool();
    // Pseudonymised ids are made for the report, not taken from the pool.
    return pool != nullptr && !privacy.pseudonymising() && std::find(plain_.begin(), plain_.end(), pool) != plain_.end();
  }

 private:
  std::vector<const RecordIdPool*> plain_;
};

// Appends a result's evidence array (the ids as they may be shown) to `out` on one line,
// ["A1", "A2"]: the rest of the report is indented as nlohmann::json::dump(2) writes it, but an id a
// line of its own, indented, was half of a large report's bytes (74 MB for 200 rules over 1M lets,
// 46 MB on one line) and of the time to write it. Millions of ids: written into room made ahead
// (grown when ids run long), not appended piece by piece.
void append_evidence(std::string& out, const Privacy& privacy, const RuleResult& result,
                     const PlainIdPools& plain_pools) {
  const bool all_plain = plain_pools.holds(result, privacy);
  const std::string_view separator = ", ";
  const std::size_t before = out.size();
  std::size_t at = before;
  out.resize(at + 2 + result.evidence.size() * (separator.size() + 12));
  auto room = [&](std::size_t bytes) __attribute__((always_inline)) {
    if (at + bytes > out.size()) out.resize(std::max(2 * out.size(), at + bytes));
    return out.data() + at;
  };
  auto put = [&](std::string_view text) __attribute__((always_inline)) {
    std::memcpy(room(text.size()), text.data(), text.size());
    at += text.size();
  };
  put("[");
  bool first = true;
  std::string escaped;
  privacy.for_each_evidence(result, [&](std::string_view id) __attribute__((always_inline)) {
    // Empty but never null: memcpy from a null pointer is undefined even for no bytes.
    const std::string_view before_id = first ? separator.substr(0, 0) : separator;
    first = false;  // no comma before the first
    // Plain printable ASCII needs no escaping (nearly every id): separator, quotes and id in one
    // go. Anything else is left to nlohmann::json.
    const bool plain = all_plain || std::all_of(id.begin(), id.end(), plain_json_byte);
    if (plain) [[likely]] {
      char* to = room(before_id.size() + id.size() + 2);
      std::memcpy(to, before_id.data(), before_id.size());
      to += before_id.size();
      *to++ = '"';
      std::memcpy(to, id.data(), id.size());
      to[id.size()] = '"';
      at += before_id.size() + id.size() + 2;
    } else {
      put(before_id);
      escaped = dump(json(std::string(id)), -1);
      put(escaped);
    }
  });
  if (first) {
    out.resize(before);
    out += "[]";
    return;
  }
  put("]");
  out.resize(at);
}

constexpr std::string_view kItemIndent = "\n    ";

// Appends one result as an item of the results array, as dump(2) writes the report's "results"
// member (the array one level in, each result two): built and dumped on its own, its evidence
// spliced into its placeholder.
void append_result(std::string& out, const RuleResult& result, const Privacy& privacy, const ReportHistory* history,
                   Lang lang, bool first, const PlainIdPools& plain_pools) {
  out += first ? "" : ",";
  out += kItemIndent;
  // One level deeper than its own dump: every line after the first moves in by four.
  const std::string own = dump(result_json(result, privacy, history, Evidence::AsPlaceholder, lang), 2);
  const std::size_t start = out.size();
  for (std::size_t from = 0; from < own.size();) {
    const std::size_t newline = std::min(own.find('\n', from), own.size());
    out.append(own, from, newline - from);
    if (newline < own.size()) out += kItemIndent;
    from = newline + 1;
  }
  const std::size_t at = out.find(kDumpedPlaceholder, start);
  const std::string rest = out.substr(at + kDumpedPlaceholder.size());
  out.resize(at);
  out += "\"evidence\": ";
  append_evidence(out, privacy, result, plain_pools);
  out += rest;
}

// Writes the results array. A report of many rules holds millions of evidence ids: blocks of
// results are rendered on all cores at once, the next round while this one is written, and are
// written in order; the memory is two rounds of blocks, and the text is the same whatever the
// number of cores.
void write_results(std::ostream& out, const CheckReport& report, const Privacy& privacy,
                   const ReportHistory* history, Lang lang) {
  const std::vector<RuleResult>& results = report.results;
  if (results.empty()) {
    out << "[]";
    return;
  }
  const PlainIdPools plain_pools(results);
  constexpr std::size_t kBlock = 64;  // results per block
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t per_round = kBlock * cores;
  struct Round {
    std::vector<std::string> blocks;
    std::vector<std::exception_ptr> failures;
    std::size_t used = 0;
  };
  auto render = [&](Round& round, std::size_t block, std::size_t first_result) {
    try {
      round.blocks[block].clear();
      const std::size_t end = std::min(results.size(), first_result + kBlock);
      for (std::size_t r = first_result; r < end; ++r) {
        append_result(round.blocks[block], results[r], privacy, history, lang, r == 0, plain_pools);
      }
    } catch (...) {
      round.failures[block] = std::current_exception();  // rethrown below, on the writing thread
    }
  };
  // Renders the round that starts at result `start` on threads of its own (joined when `threads` goes).
  auto start_round = [&](Round& round, std::size_t start, std::vector<std::jthread>& threads) {
    round.used = start < results.size() ? std::min(cores, (results.size() - start + kBlock - 1) / kBlock) : 0;
    for (std::size_t b = 0; b < round.used; ++b) threads.emplace_back([&, b, start] { render(round, b, start + b * kBlock); });
  };
  Round current{std::vector<std::string>(cores), std::vector<std::exception_ptr>(cores), 0};
  Round next = current;
  {
    std::vector<std::jthread> threads;
    start_round(current, 0, threads);
  }
  out << '[';
  for (std::size_t start = 0; start < results.size(); start += per_round) {
    std::vector<std::jthread> threads;
    start_round(next, start + per_round, threads);
    for (const std::exception_ptr& failure : current.failures) {
      if (failure) std::rethrow_exception(failure);  // the threads are joined on the way out
    }
    for (std::size_t b = 0; b < current.used; ++b) {
      out.write(current.blocks[b].data(), static_cast<std::streamsize>(current.blocks[b].size()));
    }
    threads.clear();  // joins: the next round is rendered
    std::swap(current, next);
  }
  out << "\n  ]";
}

}  // namespace

nlohmann::json report_to_json(const CheckReport& report, const ReportOptions& options, const ReportHistory* history) {
  return report_json(report, Privacy(options), options, history, Evidence::AsValues);
}

void write_json_report(const CheckReport& report, std::ostream& out, const ReportOptions& options,
                       const ReportHistory* history) {
  const Privacy privacy(options);
  const Lang lang = options.text_lang.value_or(Lang::En);
  const std::string text = dump(report_json(report, privacy, options, history, Evidence::AsPlaceholder), 2);
  const std::size_t results_at = text.find(kDumpedResultsPlaceholder);
  out.write(text.data(), static_cast<std::streamsize>(results_at));
  out << "\"results\": ";
  write_results(out, report, privacy, history, lang);
  const std::size_t rest = results_at + kDumpedResultsPlaceholder.size();
  out.write(text.data() + rest, static_cast<std::streamsize>(text.size() - rest));
  out << '\n';
}

}  // namespace toets
