#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The results array is not built as a JSON value by write_json_report (thousands of rules times
// their groups, some kilobytes each as a JSON tree, evidence arrays of hundreds of thousands of
// ids): the report holds this placeholder, and the results are written as text in its place.
const std::string kResultsPlaceholder = "\x01" "results";
constexpr std::string_view kDumpedResultsPlaceholder = "\"results\": \"\\u0001results\"";

enum class Results { AsValues, AsPlaceholder };

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

// A result's members go to a sink in the order nlohmann::json keeps an object's members (by name,
// std::map): JsonTree builds the value (report_to_json), JsonText writes the text dump(2) gives for
// it without building it. A report of many rules has thousands of results: building each as maps
// of strings, dumping it and indenting the dump again was most of the time to write it. The same
// function says what a result holds for both; tests hold their texts equal (Escaping.*).
//
// Its words (measure_text, remedy_text, message) in `lang`: English unless --lang asks otherwise.
template <typename Sink>
void emit_result(Sink& out, const RuleResult& result, const Privacy& privacy, const ReportHistory* history, Lang lang) {
  const CompiledRule& rule = *result.rule;
  const ValueType unit = rule.measure.unit;
  const auto optional_number = [&](std::string_view name, const std::optional<std::int64_t>& value) {
    value ? out.number(name, *value) : out.null(name);
  };
  out.text("dataset", rule.dataset->name);
  optional_number("denominator", result.denominator);
  out.evidence("evidence", result);
  if (privacy.evidence_withheld(result)) out.number("evidence_withheld", std::uint64_t{result.evidence.size()});
  if (rule.exempt != kNoIndex) {
    out.number("exempt", result.exempt);
    out.number("exempt_matching", result.exempt_matching);
  }
  out.open("group");
  std::vector<GroupField> group = privacy.group(result.group);
  // By name; of two fields with one name the last counts, as when assigned to a json object.
  std::stable_sort(group.begin(), group.end(),
                   [](const GroupField& a, const GroupField& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < group.size(); ++i) {
    const GroupField& field = group[i];
    if (i + 1 < group.size() && group[i + 1].name == field.name) continue;
    if (field.number)
      out.number(field.name, *field.number);
    else if (field.text)
      out.text(field.name, *field.text);
    else
      out.null(field.name);
  }
  out.close();
  if (history != nullptr) {
    const auto found = history->results.find(result_key(rule.id, result.group));
    if (found != history->results.end()) out.value("history", history_json(found->second, unit));
  }
  if (privacy.indicative(result)) out.boolean("indicative", true);
  const bool withheld = privacy.measure_withheld(result);
  result.measure && !withheld ? out.value("measure", value_json(*result.measure, unit)) : out.null("measure");
  out.text("measure_kind", measure_name(rule.measure.kind));
  out.text("measure_text", !result.measure ? std::string()
                           : withheld      ? std::string(lang == Lang::Nl ? report::word(lang, "withheld") : kWithheld)
                                           : report::value_text(*result.measure, unit, lang));
  if (!result.note.empty()) out.text("message", note_text(privacy.note(result.note), lang));
  optional_number("numerator", result.numerator);
  if (result.outside_validity) out.boolean("outside_validity", true);
  out.text("owner", rule.owner);
  if (rule.target && result.projection) {
    out.value("projection", {{"value_at_deadline", result.projection->value_at_deadline},
                             {"rate_per_year", result.projection->rate_per_year},
                             {"needed_per_year", result.projection->needed_per_year},
                             {"points", result.projection->points}});
  }
  out.number("records", result.records);
  optional_number("remedy", result.remedy);
  // The remedy about the records ("1 fewer let meeting ..."), not the engine's "1 fewer records".
  if (const std::string remedy = report::remedy_sentence(result, lang); !remedy.empty())
    out.text("remedy_text", remedy);
  optional_number("remedy_to_ok", result.remedy_to_ok);
  out.text("rule", rule.id);
  out.text("ruleset", rule.ruleset_id);
  if (rule.target) {
    json series = json::array();
    for (const auto& point : result.series) {
      series.push_back({{"snapshot", format_date(point.date)},
                        {"measure", value_json(point.measure, unit)},
                        {"records", point.records}});
    }
    out.value("series", std::move(series));
  }
  out.text("source", rule.source);
  out.text("status", status_name(result.status));
  if (rule.target) {
    out.value("target", {{"op", std::string(compare_op_text(rule.target->op))},
                         {"value", value_json(rule.target->value, unit)},
                         {"deadline", format_date(rule.target->deadline)},
                         {"text", rule.target->text}});
  }
  if (result.threshold) {
    out.open("threshold");
    out.text("op", compare_op_text(result.threshold->op));
    out.text("status", status_name(result.threshold->status));
    out.text("text", result.threshold->text);
    out.value("value", value_json(result.threshold->value, unit));
    out.close();
  } else {
    out.null("threshold");
  }
  out.text("title", rule.title);
}

// Builds a result as a json value (report_to_json), its evidence as an array of ids.
class JsonTree {
 public:
  JsonTree(json& root, const Privacy& privacy) : privacy_(privacy), open_{&root} { root = json::object(); }
  void null(std::string_view name) { at(name) = nullptr; }
  void text(std::string_view name, std::string_view value) { at(name) = std::string(value); }
  void number(std::string_view name, std::int64_t value) { at(name) = value; }
  void number(std::string_view name, std::uint64_t value) { at(name) = value; }
  void boolean(std::string_view name, bool value) { at(name) = value; }
  void value(std::string_view name, json value) { at(name) = std::move(value); }
  void evidence(std::string_view name, const RuleResult& result) {
    result.evidence.require_complete(result.rule->id, "the JSON report lists");
    at(name) = privacy_.evidence(result);
  }
  void open(std::string_view name) {
    json& object = at(name);
    object = json::object();
    open_.push_back(&object);
  }
  void close() { open_.pop_back(); }

 private:
  // The text writer relies on the members coming in the order of their names.
  json& at(std::string_view name) {
    auto& members = open_.back()->get_ref<json::object_t&>();
    if (!members.empty() && !(members.rbegin()->first < name)) {
      throw std::logic_error("JSON member \"" + std::string(name) + "\" out of order after \"" +
                             members.rbegin()->first + "\"");
    }
    return (*open_.back())[std::string(name)];
  }

  const Privacy& privacy_;
  std::vector<json*> open_;  // the objects open, innermost last
};

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
                 const ReportHistory* history, Results results_as) {
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
  if (results_as == Results::AsValues) {
    json results = json::array();
    for (const auto& result : report.results) {
      JsonTree tree(results.emplace_back(), privacy);
      emit_result(tree, result, privacy, history, lang);
    }
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
inline bool plain_json_byte(char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

// Whether every byte of `text` is plain_json_byte: sixteen bytes at a time where SSE2 is there (a
// pool of every record's ids is megabytes, looked at before the report is written).
bool all_plain_json(std::string_view text) {
  std::size_t at = 0;
#if defined(__SSE2__)
  // Signed bytes: below 0x20 is a control or a byte of 0x80 and up; 0x7f (DEL), '"' and '\\' apart.
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i del = _mm_set1_epi8(0x7f);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  __m128i bad = _mm_setzero_si128();
  for (; at + 16 <= text.size(); at += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    bad = _mm_or_si128(bad, _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(bytes, space), _mm_cmpeq_epi8(bytes, del)),
                                         _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash))));
  }
  if (_mm_movemask_epi8(bad) != 0) return false;
#endif
  for (; at < text.size(); ++at) {
    if (!plain_json_byte(text[at])) return false;
  }
  return true;
}

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
      if (!all_plain_json(pool->bytes)) continue;
      plain_.push_back(Plain{pool, longest_text(pool->offsets)});
    }
  }
  struct Plain {
    const RecordIdPool* pool;
    std::size_t longest;  // of its ids, in bytes
  };
  // The result's pool when its ids are written as they are (plain, not pseudonymised), else null.
  const Plain* holding(const RuleResult& result, const Privacy& privacy) const {
    // Pseudonymised ids are made for the report, not taken from the pool.
    if (privacy.pseudonymising()) return nullptr;
    const auto found = std::find_if(plain_.begin(), plain_.end(),
                                    [&](const Plain& plain) { return plain.pool == result.evidence.pool(); });
    return found == plain_.end() ? nullptr : &*found;
  }

 private:
  std::vector<Plain> plain_;
};

// The evidence of a plain pool (nearly every report: millions of ids in one of many rules), one
// line: room for the longest id made once, and an id of at most 16 bytes copied as 16 (one move,
// not a call per id; the bytes past it are written over next). Appends nothing when withheld.
void append_plain_evidence(std::string& out, const Privacy& privacy, const RuleResult& result, const RecordIdPool& pool,
                           std::size_t longest) {
  if (result.evidence.empty() || privacy.evidence_withheld(result)) {
    out += "[]";
    return;
  }
  constexpr std::size_t kWide = 16;
  const std::vector<std::uint32_t>& rows = result.evidence.pool_rows();
  const std::size_t before = out.size();
  out.resize(before + 2 + rows.size() * (longest + 4) + kWide);
  char* const start = out.data() + before;
  char* to = start;
  const char* const bytes = pool.bytes.data();
  const std::uint32_t* const offsets = pool.offsets.data();
  const std::uint64_t wide_until = pool.bytes.size() >= kWide ? pool.bytes.size() - kWide : 0;
  // The rows of a group lie all over the pool: each id waits for its offset, then for its bytes,
  // from memory. Asked for ahead, the offset two strides on and the bytes one stride on, those
  // waits overlap (an evidence-heavy report spent most of its writing in them).
  constexpr std::size_t kStride = 32;
  const std::size_t count = rows.size();
  *to++ = '[';
  for (std::size_t i = 0; i < count; ++i) {
    if (i + 2 * kStride < count) __builtin_prefetch(offsets + rows[i + 2 * kStride]);
    if (i + kStride < count) __builtin_prefetch(bytes + offsets[rows[i + kStride]]);
    if (i > 0) {
      std::memcpy(to, ", ", 2);
      to += 2;
    }
    *to++ = '"';
    const std::size_t from = offsets[rows[i]];
    const std::size_t size = offsets[rows[i] + 1] - from;
    if (size <= kWide && from <= wide_until) {
      std::memcpy(to, bytes + from, kWide);
    } else {
      std::memcpy(to, bytes + from, size);
    }
    to += size;
    *to++ = '"';
  }
  *to++ = ']';
  out.resize(before + static_cast<std::size_t>(to - start));
}

// Appends a result's evidence array (the ids as they may be shown) to `out` on one line,
// ["A1", "A2"]: the rest of the report is indented as nlohmann::json::dump(2) writes it, but an id a
// line of its own, indented, was half of a large report's bytes (74 MB for 200 rules over 1M lets,
// 46 MB on one line) and of the time to write it. A plain pool's ids go by append_plain_evidence;
// others (pseudonymised, or a pool with an id to escape) into room made ahead (grown when ids run
// long), not appended piece by piece.
void append_evidence(std::string& out, const Privacy& privacy, const RuleResult& result,
                     const PlainIdPools& plain_pools) {
  if (const PlainIdPools::Plain* plain = plain_pools.holding(result, privacy)) {
    append_plain_evidence(out, privacy, result, *plain->pool, plain->longest);
    return;
  }
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
    const bool plain = all_plain_json(id);
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

// Writes a result as the text dump(2) writes it for the same json value (JsonTree's), at `depth`
// (the results array's items are at depth 2: four spaces), its evidence ids on one line.
class JsonText {
 public:
  JsonText(std::string& out, std::size_t depth, const Privacy& privacy, const PlainIdPools& plain_pools)
      : out_(out), depth_(depth), privacy_(privacy), plain_pools_(plain_pools) {
    out_ += '{';
  }
  void null(std::string_view name) {
    member(name);
    out_ += "null";
  }
  void text(std::string_view name, std::string_view value) {
    member(name);
    if (all_plain_json(value)) {
      char* to = room(value.size() + 2);
      *to++ = '"';
      std::memcpy(to, value.data(), value.size());
      to[value.size()] = '"';
    } else {
      out_ += dump(json(std::string(value)), -1);  // escapes, and U+FFFD for bytes not UTF-8
    }
  }
  void number(std::string_view name, std::int64_t value) { put_number(name, value); }
  void number(std::string_view name, std::uint64_t value) { put_number(name, value); }
  void boolean(std::string_view name, bool value) {
    member(name);
    out_ += value ? "true" : "false";
  }
  // Any other value, dumped on its own and moved in to its place.
  void value(std::string_view name, const json& value) {
    member(name);
    const std::string own = dump(value, 2);
    for (std::size_t from = 0; from < own.size();) {
      const std::size_t newline = std::min(own.find('\n', from), own.size());
      out_.append(own, from, newline - from);
      if (newline < own.size()) {
        out_ += '\n';
        out_.append(2 * (depth_ + 1), ' ');
      }
      from = newline + 1;
    }
  }
  void evidence(std::string_view name, const RuleResult& result) {
    result.evidence.require_complete(result.rule->id, "the JSON report lists");
    member(name);
    append_evidence(out_, privacy_, result, plain_pools_);
  }
  void open(std::string_view name) {
    member(name);
    out_ += '{';
    ++depth_;
    first_ = true;
  }
  void close() {
    if (!first_) {
      out_ += '\n';
      out_.append(2 * depth_, ' ');
    }
    out_ += '}';  // "{}" when empty
    --depth_;
    first_ = false;
  }

 private:
  // `bytes` more at the end of the text, to be written: a result is some twenty members of a few
  // pieces each, each piece appended on its own was a third of the time to write one.
  char* room(std::size_t bytes) {
    const std::size_t at = out_.size();
    out_.resize(at + bytes);
    return out_.data() + at;
  }
  // Names are the report's own: plain ASCII, or a group's column name (checked like any text).
  // The separator, the indentation and the quoted name in one piece.
  void member(std::string_view name) {
    const std::size_t separator = first_ ? 1 : 2;
    const std::size_t indent = 2 * (depth_ + 1);
    first_ = false;
    if (!all_plain_json(name)) {
      out_ += separator == 1 ? "\n" : ",\n";
      out_.append(indent, ' ');
      out_ += dump(json(std::string(name)), -1);
      out_ += ": ";
      return;
    }
    char* to = room(separator + indent + name.size() + 4);
    if (separator == 2) *to++ = ',';
    *to++ = '\n';
    std::memset(to, ' ', indent);
    to += indent;
    *to++ = '"';
    std::memcpy(to, name.data(), name.size());
    std::memcpy(to + name.size(), "\": ", 3);
  }
  template <typename Number>
  void put_number(std::string_view name, Number value) {
    member(name);
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, value);
    out_.append(digits, written.ptr);
  }

  std::string& out_;
  std::size_t depth_;  // of the innermost object open
  bool first_ = true;  // no member of it written yet
  const Privacy& privacy_;
  const PlainIdPools& plain_pools_;
};

// Appends one result as an item of the results array, as dump(2) writes the report's "results"
// member: the array one level in, each result two.
void append_result(std::string& out, const RuleResult& result, const Privacy& privacy, const ReportHistory* history,
                   Lang lang, bool first, const PlainIdPools& plain_pools) {
  constexpr std::size_t kItemDepth = 2;
  out += first ? "\n    " : ",\n    ";
  JsonText text(out, kItemDepth, privacy, plain_pools);
  emit_result(text, result, privacy, history, lang);
  text.close();
}

// Writes the results array. A report of many rules holds millions of evidence ids: blocks of
// results are rendered on every core by threads started once, and written in order by this one
// as each is ready; at most kBlocksAhead blocks wait in memory, and the text is the same whatever
// the number of cores. A block holds results up to about kBlockBytes of text (guessed from their
// evidence), so that blocks take about as long to render.
void write_results(std::ostream& out, const CheckReport& report, const Privacy& privacy,
                   const ReportHistory* history, Lang lang) {
  const std::vector<RuleResult>& results = report.results;
  if (results.empty()) {
    out << "[]";
    return;
  }
  const PlainIdPools plain_pools(results);
  constexpr std::size_t kBlockBytes = 256 * 1024;
  constexpr std::size_t kResultBytes = 1024;  // a result without its evidence, about
  constexpr std::size_t kEvidenceBytes = 12;  // an id with its quotes and separator, about
  std::vector<std::size_t> block_starts;      // block b is [block_starts[b], block_starts[b + 1])
  for (std::size_t r = 0, bytes = kBlockBytes; r < results.size(); ++r) {
    if (bytes >= kBlockBytes) {
      block_starts.push_back(r);
      bytes = 0;
    }
    bytes += kResultBytes + kEvidenceBytes * results[r].evidence.size();
  }
  block_starts.push_back(results.size());
  const std::size_t blocks = block_starts.size() - 1;
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t blocks_ahead = 2 * cores;

  struct Slot {
    std::string text;
    std::exception_ptr failure;
    std::size_t block = SIZE_MAX;  // the block rendered into it, when ready
  };
  std::vector<Slot> slots(blocks_ahead);
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t written = 0;     // blocks written by this thread
  std::size_t next_block = 0;  // the next block a renderer takes
  bool stopping = false;       // a block failed: the renderers stop
  const auto render = [&] {
    for (;;) {
      std::size_t block = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stopping || next_block >= blocks || next_block < written + blocks_ahead; });
        if (stopping || next_block >= blocks) return;
        block = next_block++;
      }
      Slot& slot = slots[block % blocks_ahead];
      slot.text.clear();
      try {
        for (std::size_t r = block_starts[block]; r < block_starts[block + 1]; ++r) {
          append_result(slot.text, results[r], privacy, history, lang, r == 0, plain_pools);
        }
      } catch (...) {
        slot.failure = std::current_exception();  // rethrown below, on the writing thread
      }
      {
        const std::lock_guard lock(mutex);
        slot.block = block;
      }
      changed.notify_all();
    }
  };
  std::vector<std::jthread> renderers;
  // Stops the renderers before they are joined, whichever way this function is left.
  const auto stop = [&] {
    {
      const std::lock_guard lock(mutex);
      stopping = true;
    }
    changed.notify_all();
    renderers.clear();
  };
  try {
    for (std::size_t t = 0; t < std::min(cores, blocks); ++t) renderers.emplace_back(render);
    out << '[';
    for (std::size_t block = 0; block < blocks; ++block) {
      Slot& slot = slots[block % blocks_ahead];
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return slot.block == block; });
      }
      if (slot.failure) std::rethrow_exception(slot.failure);
      out.write(slot.text.data(), static_cast<std::streamsize>(slot.text.size()));
      {
        const std::lock_guard lock(mutex);
        ++written;
      }
      changed.notify_all();
    }
    out << "\n  ]";
  } catch (...) {
    stop();
    throw;
  }
  stop();
}

}  // namespace

nlohmann::json report_to_json(const CheckReport& report, const ReportOptions& options, const ReportHistory* history) {
  return report_json(report, Privacy(options), options, history, Results::AsValues);
}

void write_json_report(const CheckReport& report, std::ostream& out, const ReportOptions& options,
                       const ReportHistory* history) {
  const Privacy privacy(options);
  const Lang lang = options.text_lang.value_or(Lang::En);
  const std::string text = dump(report_json(report, privacy, options, history, Results::AsPlaceholder), 2);
  const std::size_t results_at = text.find(kDumpedResultsPlaceholder);
  out.write(text.data(), static_cast<std::streamsize>(results_at));
  out << "\"results\": ";
  write_results(out, report, privacy, history, lang);
  const std::size_t rest = results_at + kDumpedResultsPlaceholder.size();
  out.write(text.data() + rest, static_cast<std::streamsize>(text.size() - rest));
  out << '\n';
}

}  // namespace toets
