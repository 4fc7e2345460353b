#pragma once
// The words of both report languages, in one table: the reports' fixed texts, the sentences of
// rejection reasons (reason_text.hpp), the engine's notes (report_messages.cpp), and numbers,
// dates and columns as a Dutch or English reader writes them. Below the readers and the store,
// which keep the English sentence of every rejection; the report writers say them in Dutch too.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/data/result.hpp"

namespace toets {

// The language of the HTML and Markdown reports, and of the text, JSON and JUnit reports' words for
// people when asked for (`--lang`): without it those are the English that scripts and tools read.
enum class Lang : std::uint8_t { Nl, En };
std::optional<Lang> parse_lang(std::string_view text);  // "nl", "en"

// A result's note in `lang`, from the word table's text of each code (result_note_words.cpp);
// "" when there is none.
std::string note_text(const ResultNote& note, Lang lang);
// A rule's scope in words: "municipality Dordrecht; corporations Trivire, Woonbron" ("" for none).
std::string scope_text(const std::string& municipality, const std::vector<std::string>& corporations, Lang lang);
// The remedy in the engine's own English words ("2 fewer records would clear the breach
// threshold; 3 to be ok"), for the plain text report and the store; "" when there is none.
std::string remedy_summary(const RuleResult& result);

namespace report {

// A dictionary of the fixed texts of the reports: word(lang, "as_of") -> "Peildatum".
std::string_view word(Lang lang, std::string_view key);
// A word-table text with its {NAME} places filled in.
// One pass: a value put in is never searched again (a record id that reads "{origin}" stays as it is).
using Places = std::vector<std::pair<std::string_view, std::string>>;
std::string fill(std::string_view pattern, const Places& places);
std::string fill(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string>> values);

// Numbers for readers: Dutch uses a decimal comma and groups thousands in amounts (€ 51.537,00).
std::string localise_number(std::string text, Lang lang);
std::string date_text(std::int32_t days, Lang lang);  // 23-11-2026 / 2026-11-23

// A dataset as a reader names it: allocations -> "toewijzingen"; English keeps the dataset's name
// (the name --data takes).
std::string dataset_word(std::string_view dataset, Lang lang);
// A canonical column (dsl/program/schema.cpp) or period key as a reader names it: contract_date ->
// "ingangsdatum contract"; English keeps the column's own name, and so does anything that is not
// a column (an exempt condition written as an expression stays as written).
std::string column_word(std::string_view column, Lang lang);

// An engine note (a result's message, an input's or a check's note) in the report's language: every
// note the engine writes has its English as a pattern in the word table (report_messages.cpp).
std::string message_text(std::string_view message, Lang lang);
// A group's value for people: a date, period or true/false as the reader writes it (01-01-2022,
// "1e halfjaar 2026", "DAEB: ja"), an enum value as its word ("Wonen Eerst" for wonen_eerst); a
// missing value is "".
std::string group_value_text(const GroupField& field, Lang lang);

}  // namespace report
}  // namespace toets
