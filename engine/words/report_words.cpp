// The one word table of both report languages, and the numbers, dates and columns a Dutch or
// English reader writes (words.hpp). The engine's notes are in report_messages.cpp, the sentences
// of rejection reasons in reason_text.cpp.

#include "engine/words/words.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <map>

#include "dsl/source/calendar.hpp"
#include "engine/words/reason_text.hpp"

namespace toets {

std::optional<Lang> parse_lang(std::string_view text) {
  if (text == "nl") return Lang::Nl;
  if (text == "en") return Lang::En;
  return std::nullopt;
}

namespace report {

namespace {

struct WordPair {
  std::string_view nl, en;
};

// The report's words by key, in Dutch and English (word() reads them; of a key given twice, the
// first counts).
constexpr std::pair<std::string_view, WordPair> kWordList[] = {
      {"report", {"Stoplichtrapportage", "Traffic-light report"}},
      {"as_of", {"Peildatum", "As of"}},
      {"valid", {"Looptijd", "Valid"}},
      {"run", {"Meting", "Run"}},
      {"recorded", {"vastgelegd", "recorded"}},
      {"previous_run", {"Vorige meting", "Previous run"}},
      {"no_previous_run", {"Eerste meting: nog niets om mee te vergelijken", "First run: nothing to compare with yet"}},
      {"not_recorded",
       {"Niet vastgelegd in een database: geen verloop en geen vergelijking",
        "Not recorded in a store: no trend and no comparison"}},
      {"at_a_glance", {"In één oogopslag", "At a glance"}},
      {"changes", {"Veranderd sinds de vorige meting", "Changed since the previous run"}},
      {"no_changes", {"Geen statuswijzigingen sinds de vorige meting.", "No status changed since the previous run."}},
      {"attention", {"Aandacht nodig", "Needs attention"}},
      {"no_attention", {"Niets overschreden, geen signalen.", "Nothing breached, no signals."}},
      {"no_data_title", {"Niet getoetst: geen gegevens", "Not checked: no data"}},
      {"no_data_no_reason", {"geen reden vastgelegd", "no reason recorded"}},
      {"no_data_more", {"en nog {n} groepen zonder gegevens (zie --format json)",
                        "and {n} more groups without data (see --format json)"}},
      {"reason", {"Waarom", "Why"}},
      {"grid", {"Overzicht per regel", "Overview per rule"}},
      {"rules", {"Regels", "Rules"}},
      {"details", {"Per regel", "Rule by rule"}},
      {"article", {"Artikel", "Article"}},
      {"rule", {"Regel", "Rule"}},
      {"group", {"Groep", "Group"}},
      {"status", {"Status", "Status"}},
      {"measured", {"Gemeten", "Measured"}},
      {"norm", {"Norm", "Threshold"}},
      {"records", {"Records", "Records"}},
      {"owner", {"Trekker", "Owner"}},
      {"source", {"Bron", "Source"}},
      {"note", {"Lezing", "Reading"}},
      {"since", {"Sinds", "Since"}},
      {"change", {"Verandering", "Change"}},
      {"evidence", {"Onderliggende records", "Records behind it"}},
      {"not_shown", {"niet getoond", "not shown"}},
      {"indicative", {"indicatief", "indicative"}},
      {"indicative_note",
       {"indicatief: minder dan %d records; onderliggende records niet getoond",
        "indicative: fewer than %d records; records behind it not shown"}},
      {"remedy", {"Nodig", "Needed"}},
      {"forecast", {"Prognose", "Forecast"}},
      {"all", {"totaal", "all"}},
      {"per", {"per", "per"}},
      {"overall", {"Geheel", "Overall"}},
      {"inputs", {"Gegevens", "Inputs"}},
      {"rows", {"regels gelezen", "rows read"}},
      {"accepted", {"geaccepteerd", "accepted"}},
      {"rejected", {"afgewezen", "rejected"}},
      {"rejected_rows", {"Afgewezen regels (niet meegeteld)", "Rejected rows (not counted)"}},
      {"line", {"regel", "line"}},
      {"read_as", {"gelezen als", "read as"}},
      {"encoding_detected", {"herkend", "detected"}},
      {"encoding_stated", {"opgegeven", "stated"}},
      {"withheld", {"(niet getoond)", "(withheld)"}},
      {"more", {"meer", "more"}},
      {"outside_validity", {"buiten de looptijd", "outside the validity period"}},
      {"exempt", {"Uitgezonderd", "Exempt"}},
      {"of_which", {"waarvan", "of which"}},
      {"meet_measure", {"aan de maatstaf voldoen", "meet the measure"}},
      {"chart_runs", {"Verloop over de metingen", "Over the recorded runs"}},
      {"chart_now", {"Deze meting", "This run"}},
      {"chart_series", {"Peildata en prognose tot de uiterste datum", "Snapshots and projection to the deadline"}},
      {"target", {"doel", "target"}},
      {"deadline", {"uiterste datum", "deadline"}},
      {"projection", {"prognose", "projection"}},
      {"needed_path", {"nodig", "needed"}},
      {"signal_line", {"signaal", "signal"}},
      {"breach_line", {"norm", "breach"}},
      // A threshold stated as the norm it keeps: "norm: hoogstens 15,00%", "signaalwaarde: ...".
      {"norm_value", {"norm", "norm"}},
      {"signal_value", {"signaalwaarde", "signal value"}},
      // A threshold that refers to a value, in words (report_norms.cpp): never a table's name.
      {"ref_previous", {"de vorige periode", "the previous period"}},
      {"ref_next", {"de volgende periode", "the next period"}},
      {"ref_baseline", {"de nulmeting", "the baseline"}},
      {"ref_agreed", {"de afgesproken waarde", "the agreed value"}},
      {"agreed_for", {"afgesproken voor {keys}", "agreed for {keys}"}},
      {"legend", {"Legenda", "Legend"}},
      {"was", {"voorheen:", "was"}},
      {"new_group", {"nieuw in de rapportage", "newly reported"}},
      {"gone", {"niet meer gerapporteerd", "no longer reported"}},
      {"runs", {"metingen", "runs"}},
      {"first_seen", {"eerste meting", "first run"}},
      {"summary", {"Samenvatting", "Summary"}},
      {"ruleset", {"Regelset", "Rule set"}},
      {"privacy", {"Privacy", "Privacy"}},
      {"privacy_text",
       {"Deze rapportage bevat alleen recordnummers, geen inkomens, leeftijden of huishoudgegevens.",
        "This report holds record ids only: no incomes, ages or household details."}},
      {"pseudonymised",
       {"Recordnummers zijn gepseudonimiseerd (sleutel-hash).", "Record ids are pseudonymised (keyed hash)."}},
      {"generated_by", {"Gemaakt met toets", "Made with toets"}},
      {"message", {"Toelichting", "Note"}},
      {"more_groups", {"meer groepen: zie de tabel", "more groups: see the table"}},
      // A check that could not check all of its data (engine/data/check_outcome.hpp). {NAME} is filled in.
      {"incomplete_title", {"Onvolledig: niet alle gegevens konden worden gecontroleerd",
                            "Incomplete: not all of the data could be checked"}},
      {"incomplete_lead", {"De uitkomsten hieronder zijn geen oordeel: ze missen gegevens die niet gelezen of "
                           "getoetst konden worden. Herstel de gegevens, of geef het juiste bestand, en controleer "
                           "opnieuw.",
                           "The results below are no verdict: they lack data that could not be read or checked. Fix "
                           "the data, or give the right file, and check again."}},
      {"no_verdict", {"Geen oordeel: de controle is onvolledig (zie boven).",
                      "No verdict: the check is incomplete (see above)."}},
      {"reason_too_many_rejected", {"{rejected} van {read} regels afgewezen ({share}), meer dan de grens van {limit}",
                                    "{rejected} of {read} rows rejected ({share}), more than the limit of {limit}"}},
      {"reason_all_rejected", {"geen enkele regel bruikbaar: alle {read} afgewezen",
                               "no row could be used: all {read} were rejected"}},
      {"reason_empty", {"geen enkele gegevensregel (een leeg bestand)", "no data rows at all (an empty file)"}},
      {"reason_none_in_scope", {"geen van de {read} regels valt binnen het bereik van de regelset ({scope}); is dit het "
                                "juiste bestand?",
                                "none of its {read} rows is in the rule set's scope ({scope}); is this the right file?"}},
      {"reason_none_in_period", {"geen van de {read} regels valt binnen de periode die de regels toetsen; is dit het "
                                 "juiste bestand, en de juiste peildatum?",
                                 "none of its {read} rows lies in the period its rules check; is this the right file, "
                                 "and the right as-of date?"}},
      {"import_label", {"import {id}, {time}", "import {id}, {time}"}},
      {"rows_of_group", {"{rows} rijen (regels {lines})", "{rows} rows (lines {lines})"}},
      {"row_of_group", {"regel {lines}", "line {lines}"}},
      {"cells_of_group", {"{rows} rijen (cellen {lines})", "{rows} rows (cells {lines})"}},
      {"cell_of_group", {"cel {lines}", "cell {lines}"}},
      {"fix", {"oplossing", "fix"}},
      {"fix_map_value", {"voeg `{from} = {to}` toe onder `[values {column}]` in de mapping",
                         "add `{from} = {to}` under `[values {column}]` in the mapping"}},
      {"fix_map_value_choices", {", met voor {to} een van: {choices}", ", with {to} one of {choices}"}},
      {"fix_encoding", {"staat het bestand in Windows-1252? zet dan `encoding = cp1252` onder `[input]` in de mapping "
                        "(of geef --encoding cp1252)",
                        "is the file Windows-1252? then add `encoding = cp1252` under `[input]` in the mapping (or "
                        "give --encoding cp1252)"}},
      {"more_rejection_groups", {"en nog {groups} groepen ({rows} regels)", "and {groups} more groups ({rows} rows)"}},
      // The text report when a language is asked for (--lang; engine/report/report_text.cpp).
      {"text_title", {"Toets-controle", "Toets check"}},
      {"text_rules", {"regels", "rules"}},
      {"text_as_of", {"peildatum", "as of"}},
      {"text_valid", {"looptijd {from} tot en met {to}", "valid {from} to {to}"}},
      {"text_source", {"bron", "source"}},
      {"text_unused", {"geen regel leest deze gegevens; genegeerd", "no rule reads this data; ignored"}},
      {"text_note", {"opmerking", "note"}},
      {"text_results", {"Uitkomsten", "Results"}},
      {"text_col_rule", {"REGEL", "RULE"}},
      {"text_col_group", {"GROEP", "GROUP"}},
      {"text_col_status", {"STATUS", "STATUS"}},
      {"text_col_measure", {"GEMETEN", "MEASURE"}},
      {"text_col_norm", {"NORM", "NORM"}},
      {"text_col_records", {"RECORDS", "RECORDS"}},
      {"text_outside", {"buiten de periode van de regel: gerapporteerd, maar bepaalt de afsluitcode niet en vraagt "
                        "geen aandacht",
                        "outside the rule's period: reported, but it decides neither the exit status nor what needs "
                        "attention"}},
      {"text_indicative", {"indicatief: minder dan {n} records; geen records getoond",
                           "indicative: fewer than {n} records; no records listed"}},
      {"text_owner", {"trekker", "owner"}},
      {"text_measured", {"gemeten", "measured"}},
      {"text_more_records", {"nog {n}; zie --format json", "{n} more; see --format json"}},
      // JUnit's details (engine/report/report_junit.cpp): English as tools read it, or --lang's.
      {"junit_group", {"groep", "group"}},
      {"junit_status", {"status", "status"}},
      {"junit_records", {"records", "records"}},
      {"junit_threshold", {"drempel", "threshold"}},
      {"junit_remedy", {"nodig", "remedy"}},
      {"junit_forecast", {"prognose", "forecast"}},
      {"junit_note", {"toelichting", "note"}},
      {"junit_not_listed", {"niet getoond", "not listed"}},
      {"junit_outside", {" (buiten de periode van de regel)", " (outside the rule's period)"}},
      {"junit_more_groups", {"en nog {groups} groepen", "and {groups} more groups"}},
      {"text_forecasts", {"Prognoses (regels met een uiterste datum: een rechte lijn door de peildata)",
                          "Forecasts (deadline rules: a straight line through the snapshots)"}},
      {"also", {"ook", "also"}},
      // How a value moved since the previous run, judged by the direction of the rule's norm.
      {"rose", {"gestegen", "rose"}},
      {"fell", {"gedaald", "fell"}},
      {"better_word", {"beter", "better"}},
      {"worse_word", {"slechter", "worse"}},
      {"arrows_legend", {"\xE2\x96\xB2 gestegen, \xE2\x96\xBC gedaald sinds de vorige meting; beter of slechter naar de "
                         "richting van de norm (stijgen is slechter bij een bovengrens, beter bij een ondergrens)",
                         "\xE2\x96\xB2 rose, \xE2\x96\xBC fell since the previous run; better or worse by the direction "
                         "of the norm (a rise is worse for an upper limit, better for a lower limit)"}},
      {"rejected_in_import",
       {"Afgewezen bij import {id} ({file}, {time})", "Rejected when import {id} was made ({file}, {time})"}},
      // A result's note, one text per code (result_note_words.cpp fills the {NAME}s in), and the
      // engine's notes on an input, as it writes them in English (the English side is the pattern
      // they are recognised by; report_messages.cpp fills the {NAME}s in).
      {"msg_no_data", {"geen {dataset} gegeven (--data {kind}=BESTAND)", "no {dataset} data given (--data {kind}=FILE)"}},
      {"msg_divisor_no_data", {"deelt door een getal uit de {dataset}: geen {dataset2} gegeven (--data {kind}=BESTAND)",
                               "divides by a figure of {dataset}: no {dataset2} data given (--data {kind}=FILE)"}},
      {"msg_no_rows", {"geen enkele regel met {dataset}", "the {dataset} data has no rows"}},
      {"msg_none_in_scope_of", {"geen {dataset} binnen het bereik ({scope})", "no {dataset} rows in scope ({scope})"}},
      {"msg_none_in_scope", {"geen {dataset} binnen het bereik", "no {dataset} rows in scope"}},
      {"msg_none_pass", {"geen {dataset} die door het filter van de regel komen", "no {dataset} records pass the rule's filter"}},
      {"msg_none_in_period", {"geen {dataset} uit de eigen periode van de regel ({period})",
                              "no {dataset} records of the rule's own period ({period})"}},
      {"period_from_to", {"{from} tot en met {to}", "{from} to {to}"}},
      {"period_from", {"vanaf {from}", "from {from}"}},
      {"period_until", {"tot en met {to}", "until {to}"}},
      {"msg_expected_zero", {"geen records na het filter (een verwachte groep): geteld als 0 (is de export volledig?)",
                             "no records after the filter (an expected group): counted as 0 (is the export complete?)"}},
      {"msg_expected_unseen_would",
       {"geen records na het filter (een verwachte groep), en de gegevens gebruiken deze naam nergens: geteld als 0 "
        "zou de groep tekortschieten ({threshold}); controleer de export en hoe die de naam schrijft",
        "no records after the filter (an expected group), and the data never uses this name: counted as 0 it would "
        "fall short ({threshold}); check the export and how it spells the name"}},
      {"msg_expected_unseen", {"geen records na het filter (een verwachte groep), en de gegevens gebruiken deze naam nergens",
                               "no records after the filter (an expected group), and the data never uses this name"}},
      {"msg_expected_group", {"geen records na het filter (een verwachte groep)",
                              "no records after the filter (an expected group)"}},
      {"msg_after_filter", {"geen records na het filter", "no records after the filter"}},
      {"msg_all_exempt", {"alle records van deze groep zijn uitgezonderd", "every record of this group is exempt"}},
      {"msg_no_values", {"records, maar geen ervan met een waarde voor de maatstaf",
                         "records, but none with a value for the measure"}},
      {"msg_nothing_to_divide", {"het geheel waardoor de maatstaf deelt is 0 of minder voor deze groep: niets om door te delen",
                                 "the whole the measure divides by is 0 or less for this group: nothing to divide by"}},
      {"msg_no_divisor", {"geen getal uit de {dataset} om door te delen voor deze groep",
                          "no {dataset} figure to divide by for this group"}},
      {"msg_divisor", {"de deler: {note}", "the divisor: {note}"}},
      {"msg_table_unknown", {"parametertabel '{table}' noemt de waarde voor {keys} onbekend ({where}); nodig voor record "
                             "'{id}' van de {dataset} ({origin})",
                             "parameter table '{table}' marks the value for {keys} as unknown ({where}); needed for "
                             "{dataset} record '{id}' ({origin})"}},
      {"msg_table_lacks_for", {"parametertabel '{table}' heeft geen waarde voor {keys} ({where}); nodig voor record '{id}' "
                               "van de {dataset} ({origin})",
                               "parameter table '{table}' has no value for {keys} ({where}); needed for {dataset} record "
                               "'{id}' ({origin})"}},
      {"msg_table_lacks", {"parametertabel '{table}' heeft geen waarde voor {keys}",
                           "parameter table '{table}' has no value for {keys}"}},
      {"msg_too_big", {"de drempel {text} past voor deze groep niet in 64 bits",
                       "the threshold {text} does not fit in 64 bits for this group"}},
      {"msg_no_baseline", {"geen meting op of v\xC3\xB3\xC3\xB3r de nulmeting {date} om mee te vergelijken",
                           "no measure at or before the baseline {date} to compare with"}},
      {"msg_before_baseline", {"v\xC3\xB3\xC3\xB3r de nulmeting {date}", "before the baseline {date}"}},
      {"msg_no_earlier", {"geen eerdere periode om mee te vergelijken", "no earlier period to compare with"}},
      {"msg_no_later", {"(nog) geen latere periode om mee te vergelijken", "no later period to compare with (yet)"}},
      {"msg_later_snapshots", {"{n} peildatum/peildata na {date}, de peildatum van de meting, genegeerd",
                               "{n} snapshot(s) after the as-of date {date} ignored"}},
      {"msg_one_snapshot", {"maar \xC3\xA9\xC3\xA9n peildatum: geen trend om door te trekken",
                            "one snapshot only: no trend to project"}},
      // Errors that stop a rule ({kind}: the dataset's own name, as the English always said it).
      {"msg_sum_overflows", {"de som is te groot om exact te berekenen (overloop)", "the sum overflows"}},
      {"msg_arithmetic_overflow", {"rekenkundige overloop bij record '{id}' van de {dataset}",
                                   "arithmetic overflow for {kind} record '{id}'"}},
      {"msg_date_outside", {"een datum buiten de jaren 1 tot 9999 ({days} dagen vanaf 1970-01-01) bij record '{id}' van de "
                            "{dataset} (regel {line})",
                            "a date outside the years 1 to 9999 ({days} days from 1970-01-01) for {kind} record '{id}' (line {line})"}},
      {"msg_too_many_groups", {"meer dan {n} groepen (bij record '{id}' van de {dataset}, regel {line}); groepeer op minder "
                               "of grovere sleutels",
                               "more than {n} groups (at {kind} record '{id}', line {line}); group by fewer or coarser keys"}},
      {"note_from_store", {"gelezen uit de database: {imports}", "read from the store: {imports}"}},
      {"note_unread", {"geen regel van deze regelset leest {dataset}; {path} is genegeerd",
                       "no rule of this rule set reads {dataset}; {path} was ignored"}},
      {"note_store_lacks", {"de database {db} heeft geen {dataset} ({command} voegt ze toe)",
                            "the store {db} has no {dataset} ({command} adds them)"}},
      {"note_column_unnamed", {"kolom {n} heeft geen naam; genegeerd", "column {n} has no name; ignored"}},
      {"note_column_unknown_mapped",
       {"kolom {name} hoort niet bij de {dataset} en de mapping {file} kent haar niet; genegeerd{hint}",
        "column {name} is not part of {dataset} and the mapping {file} does not map it; ignored{hint}"}},
      {"note_column_unknown", {"kolom {name} hoort niet bij de {dataset}; genegeerd{hint}",
                               "column {name} is not part of {dataset}; ignored{hint}"}},
      {"note_key_unknown_mapped", {"sleutel {name} hoort niet bij de {dataset} en de mapping {file} kent hem niet; genegeerd{hint}",
                                   "key {name} is not part of {dataset} and the mapping {file} does not map it; ignored{hint}"}},
      {"note_key_unknown", {"sleutel {name} hoort niet bij de {dataset}; genegeerd{hint}",
                            "key {name} is not part of {dataset}; ignored{hint}"}},
      {"note_did_you_mean", {" (bedoelt u {name}?)", " (did you mean {name}?)"}},
      {"note_csv_comma", {"gelezen als CSV met '{delimiter}' tussen de velden en een decimale komma in bedragen (1.234,56){more}",
                          "read as CSV with '{delimiter}' between fields and a decimal comma in amounts (1.234,56){more}"}},
      {"note_csv_point", {"gelezen als CSV met '{delimiter}' tussen de velden en een decimale punt in bedragen (1,234.56){more}",
                          "read as CSV with '{delimiter}' between fields and a decimal point in amounts (1,234.56){more}"}},
      {"note_converted", {", omgezet uit Windows-1252", ", converted from Windows-1252"}},
      {"note_not_utf8", {"geen geldige UTF-8 op regel {line} (byte {byte}): gelezen als Windows-1252",
                         "not valid UTF-8 at line {line} (byte {byte}): read as Windows-1252"}},
      {"note_mixed", {"de regels ervoor bevatten UTF-8-tekens, die nu verkeerd gelezen worden: is het bestand een mengsel?",
                      "the lines before it hold UTF-8 characters, which now read wrongly: is the file a mix?"}},
      {"note_bom_anyway", {"het bestand begint toch met een UTF-8-bytevolgordemarkering",
                           "the file starts with a UTF-8 byte-order mark all the same"}},
      {"note_bom_stated", {"het bestand begint met een UTF-8-bytevolgordemarkering maar is, zoals opgegeven, als "
                           "Windows-1252 gelezen",
                           "the file starts with a UTF-8 byte-order mark but was read as Windows-1252, as stated"}},
      // A group's value (report_messages.cpp): enum values with an underscore, periods, true/false.
      {"enum_uitstroom_mobw", {"uitstroom MOBW", "uitstroom MOBW"}},
      {"enum_wonen_eerst", {"Wonen Eerst", "Wonen Eerst"}},
      {"enum_vitaal_beroep", {"vitaal beroep", "vitaal beroep"}},
      {"enum_directe_bemiddeling", {"directe bemiddeling", "directe bemiddeling"}},
      {"enum_vrije_sector", {"vrije sector", "vrije sector"}},
      {"half_year_of", {"{n}e halfjaar {year}", "{year}-H{n}"}},
      {"quarter_of", {"{n}e kwartaal {year}", "{year}-Q{n}"}},
      {"yes", {"ja", "true"}},
      {"no", {"nee", "false"}},
      {"rows_word", {"regels", "rows"}},
      {"row_word", {"regel", "row"}},
      {"no_rows_word", {"geen regels", "no rows"}},
      {"scope_municipality", {"gemeente", "municipality"}},
      {"scope_corporations", {"corporaties", "corporations"}},
      };

}  // namespace

std::string_view word(Lang lang, std::string_view key) {
  // The sentences of rejection reasons (engine/data/rejection_reason.cpp) are words of this table too.
  static const std::map<std::string_view, WordPair> kWords = [] {
    std::map<std::string_view, WordPair> words(std::begin(kWordList), std::end(kWordList));
    for (const ReasonWord& entry : rejection_reason_words()) words.emplace(entry.key, WordPair{entry.nl, entry.en});
    return words;
  }();
  const auto found = kWords.find(key);
  if (found == kWords.end()) return key;
  return lang == Lang::Nl ? found->second.nl : found->second.en;
}

std::string fill(std::string_view pattern, const Places& places) {
  std::string out;
  std::size_t from = 0;
  while (from < pattern.size()) {
    const std::size_t open = pattern.find('{', from);
    const std::size_t close = open == std::string_view::npos ? open : pattern.find('}', open);
    if (close == std::string_view::npos) break;
    out += pattern.substr(from, open - from);
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    const auto place = std::find_if(places.begin(), places.end(), [&](const auto& p) { return p.first == name; });
    out += place != places.end() ? std::string_view(place->second) : pattern.substr(open, close - open + 1);
    from = close + 1;
  }
  if (from < pattern.size()) out += pattern.substr(from);
  return out;
}

std::string fill(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string>> values) {
  return fill(pattern, Places(values));
}

std::string localise_number(std::string text, Lang lang) {
  if (lang == Lang::En) return text;
  // A decimal comma; amounts (they start with the euro sign) also group thousands with points.
  static constexpr std::string_view kEuro = "\xE2\x82\xAC";
  const bool money = text.rfind(kEuro, 0) == 0;
  for (char& c : text) {
    if (c == '.') c = ',';
  }
  if (!money) return text;
  std::string rest = text.substr(kEuro.size());
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.erase(0, 1);
  std::size_t whole = rest.find(',');
  if (whole == std::string::npos) whole = rest.size();
  for (std::size_t at = whole; at > 3; at -= 3) rest.insert(at - 3, ".");
  return std::string(kEuro) + " " + (negative ? "-" : "") + rest;
}

std::string date_text(std::int32_t days, Lang lang) {
  if (lang == Lang::En) return format_date(days);
  const CivilDate civil = civil_from_days(days);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02u-%02u-%04d", civil.day, civil.month, civil.year);
  return buffer;
}

std::string column_word(std::string_view column, Lang lang) {
  if (lang == Lang::En) return std::string(column);
  // Every canonical column of dsl/program/schema.cpp, as a Dutch reader of the agreements names it.
  static const std::map<std::string_view, std::string_view> kNl = {
      {"allocation_id", "toewijzingsnummer"},
      {"corporation", "corporatie"},
      {"municipality", "gemeente"},
      {"kern", "kern"},
      {"neighbourhood", "buurt"},
      {"contract_date", "ingangsdatum contract"},
      {"dwelling_id", "woningnummer"},
      {"segment", "segment"},
      {"daeb", "DAEB"},
      {"new_build", "nieuwbouw"},
      {"rent", "huurprijs"},
      {"household_size", "huishoudgrootte"},
      {"household_income", "toetsinkomen"},
      {"applicant_age", "leeftijd aanvrager"},
      {"channel", "toewijzingskanaal"},
      {"energy_label", "energielabel"},
      {"snapshot_date", "peildatum"},
      {"monument", "monument"},
      {"zero_step", "nultredenwoning"},
      {"flex", "flexwoning"},
      {"mutation_id", "mutatienummer"},
      {"date", "datum"},
      {"kind", "soort mutatie"},
      {"project_id", "projectnummer"},
      {"name", "naam"},
      {"developer", "ontwikkelaar"},
      {"delivery_year", "opleverjaar"},
      {"total_dwellings", "aantal woningen"},
      {"social_rent", "sociale huurwoningen"},
      {"middle_rent", "middenhuurwoningen"},
      // Group keys that are periods
      {"year", "jaar"},
      {"half_year", "halfjaar"},
      {"quarter", "kwartaal"},
      {"month", "maand"},
  };
  const auto found = kNl.find(column);
  return found == kNl.end() ? std::string(column) : std::string(found->second);
}

}  // namespace report
}  // namespace toets
