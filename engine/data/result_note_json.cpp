// A result's note in a stable machine form, for the store (run_results.note_json): its codes by
// name and the arguments each part has, so that a run's notes can be read back as data and put
// into words in any language.

#include <nlohmann/json.hpp>

#include "engine/data/result_note.hpp"

namespace toets {
namespace {

using json = nlohmann::ordered_json;

// The codes by stable name: written into stores, so a name never changes once released.
constexpr std::pair<NoteCode, std::string_view> kCodeNames[] = {
    {NoteCode::NoData, "no_data"},
    {NoteCode::DivisorNoData, "divisor_no_data"},
    {NoteCode::NoRows, "no_rows"},
    {NoteCode::NoneInScope, "none_in_scope"},
    {NoteCode::NonePass, "none_pass"},
    {NoteCode::NoneInPeriod, "none_in_period"},
    {NoteCode::AfterFilter, "after_filter"},
    {NoteCode::AllExempt, "all_exempt"},
    {NoteCode::NoValues, "no_values"},
    {NoteCode::NothingToDivide, "nothing_to_divide"},
    {NoteCode::ExpectedGroup, "expected_group"},
    {NoteCode::ExpectedUnseen, "expected_unseen"},
    {NoteCode::ExpectedUnseenWould, "expected_unseen_would"},
    {NoteCode::ExpectedZero, "expected_zero"},
    {NoteCode::NoDivisor, "no_divisor"},
    {NoteCode::TableUnknown, "table_unknown"},
    {NoteCode::TableLacksFor, "table_lacks_for"},
    {NoteCode::TableLacks, "table_lacks"},
    {NoteCode::ThresholdTooBig, "threshold_too_big"},
    {NoteCode::NoBaseline, "no_baseline"},
    {NoteCode::BeforeBaseline, "before_baseline"},
    {NoteCode::NoEarlier, "no_earlier"},
    {NoteCode::NoLater, "no_later"},
    {NoteCode::LaterSnapshots, "later_snapshots"},
    {NoteCode::OneSnapshot, "one_snapshot"},
    {NoteCode::SumOverflows, "sum_overflows"},
    {NoteCode::ArithmeticOverflow, "arithmetic_overflow"},
    {NoteCode::DateOutsideCalendar, "date_outside_calendar"},
    {NoteCode::TooManyGroups, "too_many_groups"},
};

std::string_view code_name(NoteCode code) {
  for (const auto& [c, name] : kCodeNames) {
    if (c == code) return name;
  }
  return "";
}

std::optional<NoteCode> code_of(std::string_view name) {
  for (const auto& [c, n] : kCodeNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

// A string member, or "" (a part lacks the arguments its code does not use).
std::string text_of(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

std::string note_to_json(const ResultNote& note) {
  json parts = json::array();
  for (const NotePart& part : note.parts) {
    const NoteArgs& a = part.args;
    json out;
    out["code"] = code_name(part.code);
    if (!a.dataset.empty()) out["dataset"] = a.dataset;
    if (!a.record_id.empty()) out["record_id"] = a.record_id;
    if (!a.origin.empty()) out["origin"] = a.origin;
    if (a.line != 0) out["line"] = a.line;
    if (!a.table.empty()) out["table"] = a.table;
    if (!a.keys.empty()) {
      json keys = json::array();
      for (const auto& [name, value] : a.keys) keys.push_back(json::array({name, value}));
      out["keys"] = std::move(keys);
    }
    if (!a.where.empty()) out["where"] = a.where;
    if (!a.threshold.empty()) out["threshold"] = a.threshold;
    if (a.count != 0) out["count"] = a.count;
    if (a.date != 0) out["date"] = a.date;
    if (a.date_to != 0) out["date_to"] = a.date_to;
    if (!a.municipality.empty()) out["municipality"] = a.municipality;
    if (!a.corporations.empty()) out["corporations"] = a.corporations;
    parts.push_back(std::move(out));
  }
  json out;
  out["parts"] = std::move(parts);
  if (note.of_divisor) out["of_divisor"] = true;
  return out.dump();
}

std::optional<ResultNote> note_from_json(std::string_view text) {
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("parts") || !parsed["parts"].is_array()) {
    return std::nullopt;
  }
  ResultNote note;
  note.of_divisor = parsed.value("of_divisor", false);
  for (const json& part : parsed["parts"]) {
    if (!part.is_object()) return std::nullopt;
    const auto code = code_of(text_of(part, "code"));
    if (!code) return std::nullopt;  // a code of a newer toets: not data this one can read
    NoteArgs a;
    a.dataset = text_of(part, "dataset");
    a.record_id = text_of(part, "record_id");
    a.origin = text_of(part, "origin");
    a.table = text_of(part, "table");
    a.where = text_of(part, "where");
    a.threshold = text_of(part, "threshold");
    a.municipality = text_of(part, "municipality");
    if (part.contains("line") && part["line"].is_number_unsigned()) a.line = part["line"].get<std::uint64_t>();
    if (part.contains("count") && part["count"].is_number_integer()) a.count = part["count"].get<std::int64_t>();
    if (part.contains("date") && part["date"].is_number_integer()) a.date = part["date"].get<std::int32_t>();
    if (part.contains("date_to") && part["date_to"].is_number_integer()) a.date_to = part["date_to"].get<std::int32_t>();
    if (part.contains("keys") && part["keys"].is_array()) {
      for (const json& key : part["keys"]) {
        if (key.is_array() && key.size() == 2 && key[0].is_string() && key[1].is_string()) {
          a.keys.emplace_back(key[0].get<std::string>(), key[1].get<std::string>());
        }
      }
    }
    if (part.contains("corporations") && part["corporations"].is_array()) {
      for (const json& c : part["corporations"]) {
        if (c.is_string()) a.corporations.push_back(c.get<std::string>());
      }
    }
    note.parts.push_back({*code, std::move(a)});
  }
  return note;
}

}  // namespace toets
