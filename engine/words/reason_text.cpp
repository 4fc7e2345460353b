// The sentences of rejection reasons in both report languages (reason_text.hpp): the
// "reason.*" words of the one word table (words.hpp), filled with a reason's details.

#include "engine/words/reason_text.hpp"

#include <array>

#include "dsl/source/calendar.hpp"

namespace toets {

namespace {

constexpr std::array kWords = {
    ReasonWord{"reason.missing_value", "verplichte waarde ontbreekt", "missing required value"},
    ReasonWord{"reason.not_whole_number", "verwacht een geheel getal", "expected a whole number"},
    ReasonWord{"reason.number_too_long", "getal buiten bereik (verwacht een geheel getal van hoogstens 10 cijfers)",
               "number out of range (expected a whole number of at most 10 digits)"},
    ReasonWord{"reason.too_many_decimals", "verwacht een bedrag in euro's met hoogstens 2 decimalen, zoals {example}",
               "expected an amount in euros with at most 2 decimals, like {example}"},
    ReasonWord{"reason.amount_too_large", "bedrag buiten bereik", "amount out of range"},
    ReasonWord{"reason.not_an_amount.canonical", "verwacht een bedrag in euro's zoals 612.35",
               "expected an amount in euros like 612.35"},
    ReasonWord{"reason.not_an_amount.comma",
               "verwacht een bedrag in euro's zoals 1.234,56 of \xE2\x82\xAC 612,35 (decimale komma)",
               "expected an amount in euros like 1.234,56 or \xE2\x82\xAC 612,35 (decimal comma)"},
    ReasonWord{"reason.not_an_amount.point",
               "verwacht een bedrag in euro's zoals 1,234.56 of \xE2\x82\xAC 612.35 (decimale punt)",
               "expected an amount in euros like 1,234.56 or \xE2\x82\xAC 612.35 (decimal point)"},
    ReasonWord{"reason.reads_as.point",
               "; het is te lezen als een bedrag met een decimale punt: is het decimaalteken een punt? "
               "(--decimal point)",
               "; it reads as an amount with a decimal point: is the decimal mark a point? (--decimal point)"},
    ReasonWord{"reason.reads_as.comma",
               "; het is te lezen als een bedrag met een decimale komma: is het decimaalteken een komma? "
               "(--decimal comma)",
               "; it reads as an amount with a decimal comma: is the decimal mark a comma? (--decimal comma)"},
    ReasonWord{"reason.inconsistent_grouping.comma",
               "de duizendtallen kloppen niet: bij een decimale komma scheidt een punt de duizendtallen, steeds drie "
               "cijfers, en de eerste groep begint niet met 0 (1.234.567,89)",
               "inconsistent thousands groups: with a decimal comma a point separates thousands, three digits each, "
               "and the first group does not start with 0 (1.234.567,89)"},
    ReasonWord{"reason.inconsistent_grouping.point",
               "de duizendtallen kloppen niet: bij een decimale punt scheidt een komma de duizendtallen, steeds drie "
               "cijfers, en de eerste groep begint niet met 0 (1,234,567.89)",
               "inconsistent thousands groups: with a decimal point a comma separates thousands, three digits each, "
               "and the first group does not start with 0 (1,234,567.89)"},
    ReasonWord{"reason.out_of_range", "onaannemelijk: verwacht {min} tot en met {max}{what}",
               "implausible: expected {min} to {max}{what}"},
    ReasonWord{"reason.out_of_range.date", "onaannemelijk: verwacht een datum van {min} tot en met {max}",
               "implausible: expected a date from {min} to {max}"},
    ReasonWord{"reason.negative_amount", "negatief: verwacht {min} tot en met {max}{what}",
               "negative: expected {min} to {max}{what}"},
    ReasonWord{"reason.what.household_size", "personen in \xC3\xA9\xC3\xA9n huishouden", "persons in one household"},
    ReasonWord{"reason.what.applicant_age", "jaar, de leeftijd van de hoofdaanvrager", "years, the main applicant's age"},
    ReasonWord{"reason.what.rent", "kale huur per maand", "net rent a month"},
    ReasonWord{"reason.what.household_income", "huishoudinkomen per jaar", "household income a year"},
    ReasonWord{"reason.what.delivery_year", "het jaar van oplevering", "the year of completion"},
    ReasonWord{"reason.what.total_dwellings", "woningen in \xC3\xA9\xC3\xA9n project", "dwellings in one project"},
    ReasonWord{"reason.what.social_rent", "woningen in \xC3\xA9\xC3\xA9n project", "dwellings in one project"},
    ReasonWord{"reason.what.middle_rent", "woningen in \xC3\xA9\xC3\xA9n project", "dwellings in one project"},
    ReasonWord{"reason.not_a_date.canonical", "verwacht een datum JJJJ-MM-DD", "expected a date YYYY-MM-DD"},
    ReasonWord{"reason.not_a_date.export", "verwacht een datum zoals 31-03-2026 of 2026-03-31",
               "expected a date like 31-03-2026 or 2026-03-31"},
    ReasonWord{"reason.no_such_date", "die datum bestaat niet ({expected})", "no such date ({expected})"},
    ReasonWord{"reason.date_as_number", "verwacht een datum als tekst, zoals \"2026-03-31\"",
               "expected a date as text, like \"2026-03-31\""},
    ReasonWord{"reason.not_a_boolean.canonical", "verwacht true of false", "expected true or false"},
    ReasonWord{"reason.not_a_boolean.export", "verwacht ja of nee (of true/false, j/n, 1/0)",
               "expected ja or nee (or true/false, j/n, 1/0)"},
    ReasonWord{"reason.unknown_value", "onbekende waarde {value} voor {column} (verwacht een van {allowed}{mapped})",
               "unknown {column} {value} (expected one of {allowed}{mapped})"},
    ReasonWord{"reason.unknown_value.mapped", ", of een waarde die de mapping vertaalt",
               ", or a value the mapping translates"},
    ReasonWord{"reason.nul_byte", "bevat een NUL-byte (binaire gegevens, geen tekst)",
               "holds a NUL byte (binary data, not text)"},
    ReasonWord{"reason.invalid_utf8", "geen geldige UTF-8: bevat byte {byte}", "not valid UTF-8: holds byte {byte}"},
    ReasonWord{"reason.invalid_utf8.json", "geen geldige UTF-8 (JSON is UTF-8, RFC 8259): bevat byte {byte}",
               "not valid UTF-8 (JSON is UTF-8, RFC 8259): holds byte {byte}"},
    ReasonWord{"reason.invalid_utf8.which", ", dat is {char} in Windows-1252", ", which is {char} in Windows-1252"},
    ReasonWord{"reason.invalid_utf8.nbsp", "een harde spatie", "a no-break space"},
    ReasonWord{"reason.invalid_utf8.shy", "een zacht afbreekstreepje", "a soft hyphen"},
    ReasonWord{"reason.invalid_utf8.advice.export",
               "; staat het bestand in Windows-1252? geef dan --encoding cp1252, of geef geen codering op om die te "
               "laten herkennen",
               "; is the file Windows-1252? then say --encoding cp1252, or state no encoding to have it detected"},
    ReasonWord{"reason.invalid_utf8.advice.canonical", " (staat het bestand in Windows-1252?)",
               " (is the file Windows-1252 encoded?)"},
    ReasonWord{"reason.invalid_utf8.advice.json", "; staat het bestand in Windows-1252? geef dan --encoding cp1252",
               "; is the file Windows-1252? then say --encoding cp1252"},
    ReasonWord{"reason.undefined_byte", "bevat een byte die Windows-1252 niet kent (0x81, 0x8D, 0x8F, 0x90 of 0x9D)",
               "holds a byte that Windows-1252 does not define (0x81, 0x8D, 0x8F, 0x90 or 0x9D)"},
    ReasonWord{"reason.id_with_fraction",
               "verwacht een nummer als tekst of een geheel getal; een getal met decimalen of een exponent kan "
               "cijfers kwijt zijn",
               "expected an id as text or a whole number; a number with a fraction or exponent may have lost digits"},
    ReasonWord{"reason.id_scientific",
               "verwacht een nummer; dit is een getal in wetenschappelijke notatie, zoals een spreadsheet een lang "
               "nummer schrijft, en de cijfers zijn kwijt (maak de kolom tekst voor het exporteren)",
               "expected an id; this is a number in scientific notation, as a spreadsheet writes a long id, and its "
               "digits are lost (format the column as text before exporting)"},
    ReasonWord{"reason.duplicate_key", "{columns} {shown} komt al voor (eerst op regel {first_line})",
               "duplicate {columns} {shown} (first on line {first_line})"},
    ReasonWord{"reason.duplicate_key.composite", "({columns}) ({shown}) komt al voor (eerst op regel {first_line})",
               "duplicate ({columns}) ({shown}) (first on line {first_line})"},
    ReasonWord{"reason.second_record_same_key",
               "een tweede record met dezelfde sleutel ({key}) in dit bestand; het eerste blijft staan",
               "a second record with the same key ({key}) in this file; the first one is kept"},
    ReasonWord{"reason.unterminated_quote",
               "aanhalingsteken niet gesloten: het veld tussen aanhalingstekens dat op regel {opened_line} opent, "
               "sluit niet voor het einde van het bestand",
               "unterminated quote: the quoted field opened on line {opened_line} never closes before the end of the "
               "file"},
    ReasonWord{"reason.text_after_quote",
               "onverwachte tekst na een sluitend aanhalingsteken (een aanhalingsteken in een veld tussen "
               "aanhalingstekens moet dubbel staan)",
               "unexpected text after a closing quote (a quote inside a quoted field must be doubled)"},
    ReasonWord{"reason.record_too_long", "het record is {bytes} bytes lang; hoogstens {max} bytes zijn toegestaan",
               "the record is {bytes} bytes long; at most {max} are allowed"},
    ReasonWord{"reason.field_too_long", "het veld is {bytes} bytes lang; hoogstens {max} bytes zijn toegestaan",
               "the field is {bytes} bytes long; at most {max} are allowed"},
    ReasonWord{"reason.wrong_field_count", "verwacht {expected} velden, gevonden {found}",
               "expected {expected} fields, found {found}"},
    ReasonWord{"reason.wrong_field_count.hint",
               " (staat er een '{delimiter}' in een waarde die niet tussen dubbele aanhalingstekens staat?)",
               " (is there a '{delimiter}' in a value that is not between double quotes?)"},
    ReasonWord{"reason.not_json", "geen geldige JSON: {message}", "not valid JSON: {message}"},
    ReasonWord{"reason.not_json_lines", "geen geldige JSON Lines: {message} (\xC3\xA9\xC3\xA9n object per regel)",
               "not valid JSON Lines: {message} (one object per line)"},
    ReasonWord{"reason.not_an_object", "verwacht een object (\xC3\xA9\xC3\xA9n {dataset}-record), gevonden {found}",
               "expected an object (one {dataset} record), found {found}"},
    ReasonWord{"reason.not_a_single_value", "verwacht \xC3\xA9\xC3\xA9n waarde voor {key}, gevonden {found}",
               "expected a single value for {key}, found {found}"},
    ReasonWord{"reason.key_twice", "de sleutel {key} staat twee keer in het record",
               "the key {key} is given twice in the record"},
    ReasonWord{"reason.keys_same_column", "de sleutels {key} en {other_key} vullen allebei {column}",
               "the keys {key} and {other_key} both give {column}"},
    ReasonWord{"reason.found.array", "een array", "an array"},
    ReasonWord{"reason.found.object", "een object", "an object"},
    ReasonWord{"reason.found.number", "een getal", "a number"},
    ReasonWord{"reason.found.string", "een tekst", "a string"},
    ReasonWord{"reason.found.boolean", "een boolean", "a boolean"},
    ReasonWord{"reason.found.null", "null", "null"},
    ReasonWord{"reason.found.binary", "binaire gegevens", "binary"},
    ReasonWord{"reason.file_column", " (kolom {file_column} in het bestand)", " (column {file_column} in the file)"},
};

std::string quoted(std::string_view text) {
  std::string out(1, '\'');
  out += text;
  out += '\'';
  return out;
}

// A value the privacy rules withheld ('(withheld)', privacy.hpp) in the report's words.
std::string withheld_in(std::string text, Lang lang) {
  const std::string_view word = report::word(lang, "withheld");
  for (std::size_t at = text.find(kWithheld); at != std::string::npos; at = text.find(kWithheld, at + word.size())) {
    text.replace(at, kWithheld.size(), word);
  }
  return text;
}

std::string key_word(std::string_view prefix, std::string_view variant) {
  std::string key(prefix);
  key += '.';
  key += variant;
  return key;
}

// A limit of a plausible range in the reader's notation: € 10.000,00 / €10000.00, 31-12-2099.
std::string limit_text(std::string_view type, std::string_view canonical, Lang lang) {
  if (type == "money") return report::localise_number("\xE2\x82\xAC" + std::string(canonical), lang);
  if (type == "date") {
    if (const auto days = parse_iso_date(canonical)) return report::date_text(*days, lang);
  }
  return std::string(canonical);
}

// Columns named in a sentence ("dwelling_id, snapshot_date"), each in the report's words.
std::string columns_text(std::string_view columns, Lang lang) {
  std::string out;
  std::size_t at = 0;
  while (at <= columns.size()) {
    const std::size_t comma = std::min(columns.find(", ", at), columns.size());
    if (!out.empty()) out += ", ";
    out += report::column_word(columns.substr(at, comma - at), lang);
    at = comma + 2;
  }
  return out;
}

std::string sentence(const RejectionReason& why, Lang lang) {
  using report::fill;
  using report::word;
  const auto d = [&](std::string_view name) { return std::string(why.detail(name)); };
  const auto w = [&](std::string_view key) { return std::string(word(lang, key)); };
  const std::string code(reason_code(why.kind));
  const std::string own = "reason." + code;
  switch (why.kind) {
    case ReasonKind::Other:
      return "";
    case ReasonKind::TooManyDecimals:
      return fill(word(lang, own), {{"example", d("example")}});
    case ReasonKind::NotAnAmount: {
      std::string text = w(key_word(own, why.detail("forms")));
      if (why.has("reads_as")) text += w(key_word("reason.reads_as", why.detail("reads_as")));
      return text;
    }
    case ReasonKind::InconsistentGrouping:
      return w(key_word(own, why.detail("decimal")));
    case ReasonKind::OutOfRange:
    case ReasonKind::NegativeAmount: {
      const std::string type = d("type");
      const std::string min = limit_text(type, why.detail("min"), lang);
      const std::string max = limit_text(type, why.detail("max"), lang);
      if (type == "date") return fill(word(lang, "reason.out_of_range.date"), {{"min", min}, {"max", max}});
      const std::string what_key = "reason.what." + d("column");
      const std::string what = word(lang, what_key) == what_key ? "" : " (" + w(what_key) + ")";
      return fill(word(lang, own), {{"min", min}, {"max", max}, {"what", what}});
    }
    case ReasonKind::NotADate:
    case ReasonKind::NotABoolean:
      return w(key_word(own, why.detail("forms")));
    case ReasonKind::NoSuchDate:
      return fill(word(lang, own), {{"expected", w(key_word("reason.not_a_date", why.detail("forms")))}});
    case ReasonKind::UnknownValue:
      return fill(word(lang, own), {{"column", report::column_word(why.detail("column"), lang)},
                                    {"value", withheld_in(quoted(why.detail("value")), lang)},
                                    {"allowed", d("allowed")},
                                    {"mapped", why.detail("mapped") == "yes" ? w("reason.unknown_value.mapped") : ""}});
    case ReasonKind::InvalidUtf8: {
      const std::string advice = d("advice");
      std::string text = fill(word(lang, advice == "json" ? "reason.invalid_utf8.json" : own), {{"byte", d("byte")}});
      if (!why.has("windows_1252")) return text;
      const std::string_view character = why.detail("windows_1252");
      const std::string shown = character == "\xC2\xA0"   ? w("reason.invalid_utf8.nbsp")
                                : character == "\xC2\xAD" ? w("reason.invalid_utf8.shy")
                                                          : quoted(character);
      text += fill(word(lang, "reason.invalid_utf8.which"), {{"char", shown}});
      if (!advice.empty()) text += w(key_word("reason.invalid_utf8.advice", advice));
      return text;
    }
    case ReasonKind::DuplicateKey:
      return fill(word(lang, why.detail("composite") == "yes" ? "reason.duplicate_key.composite" : own),
                  {{"columns", columns_text(why.detail("columns"), lang)},
                   {"shown", withheld_in(d("shown"), lang)},
                   {"first_line", d("first_line")}});
    case ReasonKind::WrongFieldCount: {
      std::string text = fill(word(lang, own), {{"expected", d("expected")}, {"found", d("found")}});
      if (why.has("delimiter")) text += fill(word(lang, "reason.wrong_field_count.hint"), {{"delimiter", d("delimiter")}});
      return text;
    }
    case ReasonKind::NotAnObject:
    case ReasonKind::NotASingleValue:
      return fill(word(lang, own), {{"dataset", d("dataset")},
                                    {"key", quoted(why.detail("key"))},
                                    {"found", w(key_word("reason.found", why.detail("found")))}});
    case ReasonKind::KeyTwice:
    case ReasonKind::KeysSameColumn:
      return fill(word(lang, own), {{"key", quoted(why.detail("key"))},
                                    {"other_key", quoted(why.detail("other_key"))},
                                    {"column", report::column_word(why.detail("column"), lang)}});
    default:
      break;
  }
  // The rest: the sentence with its details filled in by name.
  std::string text = w(own);
  for (const auto& [name, value] : why.details) text = fill(text, {{name, value}});
  return text;
}

}  // namespace

std::string reason_text(const RejectionReason& why, Lang lang, std::string_view stored) {
  if (why.kind == ReasonKind::Other) return report::message_text(stored, lang);
  std::string text = sentence(why, lang);
  if (why.has("file_column")) {
    text += report::fill(report::word(lang, "reason.file_column"), {{"file_column", quoted(why.detail("file_column"))}});
  }
  return text;
}

std::string english_reason(const RejectionReason& why) { return reason_text(why, Lang::En, why.detail("text")); }

std::span<const ReasonWord> rejection_reason_words() { return kWords; }

}  // namespace toets
