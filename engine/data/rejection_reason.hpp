#pragma once
// Why a row was rejected, as data: a kind (what was wrong) and its details (the limits, the
// example, the line a quote opened on...), rendered into a sentence in the report's language
// by reason_text.hpp from the one word table (words.hpp; the sentences of the kinds are the
// "reason.*" words of reason_text.cpp). The readers make them; every report renders them.
//
//   reject(RejectionReason{ReasonKind::OutOfRange}.with("min", "1").with("max", "20") ...)
//   reason_text(why, Lang::Nl)   // "onaannemelijk: verwacht 1 tot en met 20 (personen in ...)"
//
// A rejection keeps both the kind and its English sentence (Rejection::reason): the sentence is
// what the rejects CSV, `--strict` and the store's `reason` column hold, and the text a store
// written before the kinds existed gives back (kind Other: shown as it was stored).
//
// Details every kind may carry: `file_column`, the export's own name for a mapped column (the
// sentence ends "(column 'Kale huur (€)' in the file)"). Values quoted from the file are in
// `value` or `shown`, which the privacy rules withhold as they withhold the rejection's value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace toets {

// The codes (reason_code) are stable: the JSON report and the store carry them.
enum class ReasonKind : std::uint8_t {
  Other,                 // text only: a store from before the kinds, or an engine message
  MissingValue,          // missing_value
  NotWholeNumber,        // not_whole_number
  NumberTooLong,         // number_too_long
  TooManyDecimals,       // too_many_decimals: example
  AmountTooLarge,        // amount_too_large
  NotAnAmount,           // not_an_amount: forms (canonical|comma|point), reads_as (point|comma)
  InconsistentGrouping,  // inconsistent_grouping: decimal (point|comma)
  OutOfRange,            // out_of_range: column, type (int|money|date), min, max (canonical forms)
  NegativeAmount,        // negative_amount: the same details as out_of_range
  NotADate,              // not_a_date: forms (canonical|export)
  NoSuchDate,            // no_such_date: forms
  DateAsNumber,          // date_as_number
  NotABoolean,           // not_a_boolean: forms
  UnknownValue,          // unknown_value: column, value, allowed, mapped (yes when a mapping applies)
  NulByte,               // nul_byte
  InvalidUtf8,           // invalid_utf8: byte (0x80), windows_1252 (the character, absent when undefined),
                         //   advice (export|canonical|json)
  UndefinedByte,         // undefined_byte (a Windows-1252 file's 0x81, 0x8D, 0x8F, 0x90 or 0x9D)
  IdWithFraction,        // id_with_fraction (a JSON number with a fraction or exponent as an id)
  IdScientific,          // id_scientific (5,99E+14)
  DuplicateKey,          // duplicate_key: columns, shown, first_line, composite (yes|no)
  SecondRecordSameKey,   // second_record_same_key: key (the store, one file)
  UnterminatedQuote,     // unterminated_quote: opened_line
  TextAfterQuote,        // text_after_quote
  RecordTooLong,         // record_too_long: bytes, max
  FieldTooLong,          // field_too_long: bytes, max
  WrongFieldCount,       // wrong_field_count: expected, found, delimiter (when one may be unquoted)
  NotJson,               // not_json: message (the parser's, English)
  NotJsonLines,          // not_json_lines: message
  NotAnObject,           // not_an_object: dataset, found (array|object|number|string|boolean|null|binary)
  NotASingleValue,       // not_a_single_value: key, found
  KeyTwice,              // key_twice: key
  KeysSameColumn,        // keys_same_column: key, other_key, column
};

std::string_view reason_code(ReasonKind kind);
std::optional<ReasonKind> parse_reason_code(std::string_view code);

struct RejectionReason {
  ReasonKind kind = ReasonKind::Other;
  std::vector<std::pair<std::string, std::string>> details;  // name, value; in the order added

  // Adds (or replaces) a detail; returns *this for chaining.
  RejectionReason& with(std::string name, std::string value) &;
  RejectionReason&& with(std::string name, std::string value) &&;
  // The detail's value, or "" when absent.
  std::string_view detail(std::string_view name) const;
  bool has(std::string_view name) const;

  friend bool operator==(const RejectionReason&, const RejectionReason&) = default;
};

// The reason's details as a JSON object's text ({"min": "1", ...}), and back. A text that does
// not parse gives no details.
std::string reason_details_json(const RejectionReason& why);
std::vector<std::pair<std::string, std::string>> parse_reason_details(std::string_view json_text);

// What the privacy rules put in place of a personal value (privacy.hpp); a reason's sentence
// says it in the report's words.
inline constexpr std::string_view kWithheld = "(withheld)";

}  // namespace toets
