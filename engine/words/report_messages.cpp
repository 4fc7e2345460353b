// The engine's words in the report's language (words.hpp): its notes on an input or a
// check (LoadReport and CheckReport notes), written in English, and the values it puts in a
// group's label (dates, periods, enum values, true/false). The English of each note is its pattern
// in the word table (keys "note_..."), so the words stay in the one table: a note is matched
// against the English, and the places it filled ({dataset}, {imports}, ...) go into the Dutch,
// themselves in Dutch where they are words. A result's note is data, not text, and needs no
// matching (result_note_words.cpp).

#include <cctype>
#include <optional>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "engine/words/words.hpp"

namespace toets {
namespace report {

std::string dataset_word(std::string_view dataset, Lang lang) {
  if (lang == Lang::En) return std::string(dataset);
  if (dataset == "allocations") return "toewijzingen";
  if (dataset == "stock") return "woningvoorraad";
  if (dataset == "mutations") return "mutaties";
  if (dataset == "projects") return "projecten";
  return std::string(dataset);
}

namespace {

// Every note the engine writes, most specific first (a pattern that is the start of another
// comes after it).
constexpr std::string_view kMessageKeys[] = {
    "note_from_store",  "note_unread",         "note_store_lacks",           "note_column_unnamed",
    "note_column_unknown_mapped", "note_column_unknown", "note_key_unknown_mapped", "note_key_unknown",
    "note_csv_comma",   "note_csv_point",      "note_not_utf8",              "note_mixed",
    "note_bom_anyway",  "note_bom_stated",
};

using Places = std::vector<std::pair<std::string, std::string>>;

// Matches `text` against `pattern` ("no {dataset} data given (--data {kind}=FILE)"): each {NAME}
// takes the text up to the next literal part (the rest, at the end). The places, or nullopt.
std::optional<Places> match(std::string_view pattern, std::string_view text) {
  Places places;
  std::size_t p = 0, t = 0;
  while (p < pattern.size()) {
    const std::size_t open = pattern.find('{', p);
    const std::string_view literal = pattern.substr(p, open == std::string_view::npos ? std::string_view::npos : open - p);
    if (text.substr(t, literal.size()) != literal) return std::nullopt;
    t += literal.size();
    if (open == std::string_view::npos) return t == text.size() ? std::optional<Places>(places) : std::nullopt;
    const std::size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string name(pattern.substr(open + 1, close - open - 1));
    p = close + 1;
    const std::size_t next = pattern.find('{', p);
    const std::string_view after = pattern.substr(p, next == std::string_view::npos ? std::string_view::npos : next - p);
    std::size_t end = text.size();
    if (!after.empty()) {
      end = text.find(after, t);
      if (end == std::string_view::npos) return std::nullopt;
    } else if (next != std::string_view::npos) {
      return std::nullopt;  // two places side by side cannot be told apart
    }
    places.emplace_back(name, std::string(text.substr(t, end - t)));
    t = end;
  }
  return t == text.size() ? std::optional<Places>(places) : std::nullopt;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A filled-in place in the report's language: a dataset, file names, row counts.
std::string place_text(const std::string& name, const std::string& value, Lang lang) {
  if (name == "dataset") return dataset_word(value, lang);
  if (name == "imports") {
    if (value == "no rows") return std::string(word(lang, "no_rows_word"));
    return replace_all(replace_all(value, " rows)", " " + std::string(word(lang, "rows_word")) + ")"), " row)",
                       " " + std::string(word(lang, "row_word")) + ")");
  }
  if (name == "hint") {
    const auto places = match(word(Lang::En, "note_did_you_mean"), value);
    return places ? fill(word(lang, "note_did_you_mean"), {{"name", (*places)[0].second}}) : value;
  }
  if (name == "more") return replace_all(value, word(Lang::En, "note_converted"), word(lang, "note_converted"));
  return value;
}

std::optional<std::string> one_message(std::string_view message, Lang lang) {
  for (const std::string_view key : kMessageKeys) {
    const auto places = match(word(Lang::En, key), message);
    if (!places) continue;
    std::string text(word(lang, key));
    for (const auto& [name, value] : *places) text = replace_all(text, "{" + name + "}", place_text(name, value, lang));
    return text;
  }
  return std::nullopt;
}

}  // namespace

std::string group_value_text(const GroupField& field, Lang lang) {
  if (field.number) return std::to_string(*field.number);
  if (!field.text) return "";
  const std::string& value = *field.text;
  // An enum value with an underscore is an identifier; the word table has its word.
  if (value.find('_') != std::string::npos) {
    const std::string key = "enum_" + value;
    const std::string_view found = word(lang, key);
    if (found != key) return std::string(found);
  }
  if (value == "true" || value == "false") {
    if (lang == Lang::En) return value;
    return column_word(field.name, lang) + ": " + std::string(word(lang, value == "true" ? "yes" : "no"));
  }
  if (lang == Lang::En) return value;
  if (const auto day = parse_iso_date(value)) return date_text(*day, lang);
  // "2026-H1", "2026-Q3", "2026-03": as the evaluator writes a period.
  if (value.size() == 7 && value[4] == '-' && (value[5] == 'H' || value[5] == 'Q')) {
    return fill(word(lang, value[5] == 'H' ? "half_year_of" : "quarter_of"),
                {{"n", value.substr(6)}, {"year", value.substr(0, 4)}});
  }
  if (value.size() == 7 && value[4] == '-' && std::isdigit(static_cast<unsigned char>(value[5])) &&
      std::isdigit(static_cast<unsigned char>(value[6]))) {
    return value.substr(5) + "-" + value.substr(0, 4);
  }
  return value;
}

std::string message_text(std::string_view message, Lang lang) {
  if (lang == Lang::En) return std::string(message);
  if (auto whole = one_message(message, lang)) return *whole;
  // Notes joined with "; ": each on its own.
  std::string out;
  std::size_t from = 0;
  while (from <= message.size()) {
    std::size_t at = message.find("; ", from);
    if (at == std::string_view::npos) at = message.size();
    const std::string_view part = message.substr(from, at - from);
    const auto text = one_message(part, lang);
    out += (out.empty() ? "" : "; ") + (text ? *text : std::string(part));
    from = at + 2;
  }
  return out;
}

}  // namespace report
}  // namespace toets
