#include "engine/report_common.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "dsl/calendar.hpp"
#include "dsl/visible_text.hpp"
#include "engine/rejection_reason.hpp"

namespace toets {

std::string_view movement_name(Movement movement) {
  switch (movement) {
    case Movement::New: return "new";
    case Movement::Worse: return "worse";
    case Movement::Better: return "better";
    case Movement::Resolved: return "resolved";
    case Movement::Other: return "other";
  }
  return "other";
}

std::string result_key(std::string_view rule, const std::vector<GroupField>& group) {
  // Rule id, then each field as name=value; \x1f cannot occur in a rule id or a loaded value.
  std::string key(rule);
  for (const auto& field : group) {
    key += '\x1f';
    key += field.name;
    key += '=';
    if (field.number) key += "n" + std::to_string(*field.number);
    else if (field.text) key += "t" + *field.text;
    else key += "-";
  }
  return key;
}

namespace report {

Light light_of(Status status) {
  switch (status) {
    case Status::Ok:
    case Status::OnTrack: return Light::Green;
    case Status::Signal:
    case Status::AtRisk: return Light::Orange;
    case Status::Breach: return Light::Red;
    case Status::Error: return Light::Error;
    case Status::NoData:
    case Status::NotEvaluated: return Light::Grey;
  }
  return Light::Grey;
}

std::string_view light_class(Light light) {
  switch (light) {
    case Light::Green: return "green";
    case Light::Orange: return "orange";
    case Light::Red: return "red";
    case Light::Grey: return "grey";
    case Light::Error: return "error";
  }
  return "grey";
}

int attention_rank(Status status) {
  switch (status) {
    case Status::Breach: return 0;
    case Status::Error: return 1;
    case Status::Signal: return 2;
    case Status::AtRisk: return 3;
    case Status::OnTrack: return 4;
    case Status::Ok: return 5;
    case Status::NoData: return 6;
    case Status::NotEvaluated: return 7;
  }
  return 8;
}

bool needs_attention(Status status) {
  return status == Status::Breach || status == Status::Signal || status == Status::AtRisk || status == Status::Error;
}

bool needs_attention(const RuleResult& result) { return !result.outside_validity && needs_attention(result.status); }

std::string_view status_word(Status status, Lang lang) {
  const bool nl = lang == Lang::Nl;
  switch (status) {
    case Status::Ok: return nl ? "voldoet" : "ok";
    case Status::Signal: return nl ? "signaal" : "signal";
    case Status::Breach: return nl ? "overschreden" : "breach";
    case Status::OnTrack: return nl ? "op koers" : "on track";
    case Status::AtRisk: return nl ? "risico" : "at risk";
    case Status::NoData: return nl ? "geen gegevens" : "no data";
    case Status::NotEvaluated: return nl ? "niet getoetst" : "not checked";
    case Status::Error: return nl ? "fout" : "error";
  }
  return "";
}

std::string_view movement_word(Movement movement, Lang lang) {
  const bool nl = lang == Lang::Nl;
  switch (movement) {
    case Movement::New: return nl ? "nieuw" : "new";
    case Movement::Worse: return nl ? "verslechterd" : "worse";
    case Movement::Better: return nl ? "verbeterd" : "better";
    case Movement::Resolved: return nl ? "opgelost" : "resolved";
    case Movement::Other: return nl ? "gewijzigd" : "changed";
  }
  return "";
}

std::string_view word(Lang lang, std::string_view key) {
  struct Pair {
    std::string_view nl, en;
  };
  // The sentences of rejection reasons (engine/rejection_reason.cpp) are words of this table too.
  static const std::map<std::string_view, Pair> kWords = [] {
    std::map<std::string_view, Pair> words = {
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
      // A check that could not check all of its data (engine/check_outcome.hpp). {NAME} is filled in.
      {"incomplete_title", {"Onvolledig: niet alle gegevens konden worden gecontroleerd",
                            "Incomplete: not all of the data could be checked"}},
      {"incomplete_lead", {"De uitkomsten hieronder zijn geen oordeel: ze missen de regels die niet gelezen konden "
                           "worden. Herstel de gegevens en controleer opnieuw.",
                           "The results below are no verdict: they lack the rows that could not be read. Fix the "
                           "data and check again."}},
      {"no_verdict", {"Geen oordeel: de controle is onvolledig (zie boven).",
                      "No verdict: the check is incomplete (see above)."}},
      {"reason_too_many_rejected", {"{rejected} van {read} regels afgewezen ({share}), meer dan de grens van {limit}",
                                    "{rejected} of {read} rows rejected ({share}), more than the limit of {limit}"}},
      {"reason_all_rejected", {"geen enkele regel bruikbaar: alle {read} afgewezen",
                               "no row could be used: all {read} were rejected"}},
      {"reason_empty", {"geen enkele gegevensregel (een leeg bestand)", "no data rows at all (an empty file)"}},
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
      // The text report when a language is asked for (--lang; engine/report_text.cpp).
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
      // JUnit's details (engine/report_junit.cpp): English as tools read it, or --lang's.
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
      // Errors that stop a rule, shown in English in both languages as they always were ({kind}:
      // the dataset's own name).
      {"msg_sum_overflows", {"the sum overflows", "the sum overflows"}},
      {"msg_arithmetic_overflow", {"arithmetic overflow for {kind} record '{id}'", "arithmetic overflow for {kind} record '{id}'"}},
      {"msg_date_outside", {"a date outside the years 1 to 9999 ({days} days from 1970-01-01) for {kind} record '{id}' (line {line})",
                            "a date outside the years 1 to 9999 ({days} days from 1970-01-01) for {kind} record '{id}' (line {line})"}},
      {"msg_too_many_groups", {"more than {n} groups (at {kind} record '{id}', line {line}); group by fewer or coarser keys",
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
    for (const ReasonWord& entry : rejection_reason_words()) words.emplace(entry.key, Pair{entry.nl, entry.en});
    return words;
  }();
  const auto found = kWords.find(key);
  if (found == kWords.end()) return key;
  return lang == Lang::Nl ? found->second.nl : found->second.en;
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

std::string value_text(const Ratio& value, ValueType unit, Lang lang) {
  if (unit == ValueType::Date && value.denominator == 1) {
    return date_text(static_cast<std::int32_t>(value.numerator), lang);
  }
  return localise_number(format_value(value, unit), lang);
}

std::string date_text(std::int32_t days, Lang lang) {
  if (lang == Lang::En) return format_date(days);
  const CivilDate civil = civil_from_days(days);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02u-%02u-%04d", civil.day, civil.month, civil.year);
  return buffer;
}

double to_unit_double(const Ratio& value, ValueType unit) {
  const double v = to_double(value);
  if (unit == ValueType::Fraction) return v * 100.0;
  if (unit == ValueType::Money) return v / 100.0;
  return v;
}

std::string number_text(double value, int decimals, Lang lang) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text == "-0" || text == "-0.0" || text == "-0.00") text.erase(0, 1);
  if (lang == Lang::Nl) {
    for (char& c : text) {
      if (c == '.') c = ',';
    }
  }
  return text;
}

std::string measure_text(const RuleResult& result, const Privacy& privacy, Lang lang) {
  if (!result.measure) return "\xE2\x80\x93";  // en dash
  if (privacy.measure_withheld(result)) return std::string(word(lang, "withheld"));
  std::string text = value_text(*result.measure, result.rule->measure.unit, lang);
  if (result.numerator && result.denominator && result.rule->measure.kind == MeasureKind::Share) {
    text += " (" + std::to_string(*result.numerator) + "/" + std::to_string(*result.denominator) + ")";
  }
  return text;
}

std::string_view dataset_record_word(const CompiledRule& rule, bool plural, Lang lang) {
  const bool nl = lang == Lang::Nl;
  if (rule.dataset == nullptr) return nl ? (plural ? "records" : "record") : (plural ? "records" : "record");
  switch (rule.dataset->kind) {
    case DatasetKind::Allocations: return nl ? (plural ? "toewijzingen" : "toewijzing") : (plural ? "lets" : "let");
    case DatasetKind::Stock: return nl ? (plural ? "woningen" : "woning") : (plural ? "dwellings" : "dwelling");
    case DatasetKind::Mutations: return nl ? (plural ? "mutaties" : "mutatie") : (plural ? "mutations" : "mutation");
    case DatasetKind::Projects: return nl ? (plural ? "projecten" : "project") : (plural ? "projects" : "project");
  }
  return "records";
}

std::string column_word(std::string_view column, Lang lang) {
  if (lang == Lang::En) return std::string(column);
  // Every canonical column of dsl/schema.cpp, as a Dutch reader of the agreements names it.
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

namespace {

// A time the store recorded in UTC ("2026-11-23T10:15:02Z") in Europe/Amsterdam: the local day,
// the minute of that day, the second, and whether summer time holds. Nullopt for anything else.
struct AmsterdamTime {
  std::int32_t day = 0;
  int minute = 0;
  int second = 0;
  bool summer = false;
};

std::optional<AmsterdamTime> amsterdam_time(const std::string& utc) {
  if (utc.size() < 16 || utc[4] != '-' || utc[7] != '-' || utc[10] != 'T' || utc[13] != ':') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(utc[i]))) return -1;
      v = v * 10 + (utc[i] - '0');
    }
    return v;
  };
  const int y = number(0, 4), mo = number(5, 2), d = number(8, 2), hh = number(11, 2), mi = number(14, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mi < 0 || mi > 59) return std::nullopt;
  const int ss = utc.size() >= 19 && utc[16] == ':' ? number(17, 2) : 0;
  const std::int64_t minutes =
      static_cast<std::int64_t>(days_from_civil(y, static_cast<std::uint32_t>(mo), static_cast<std::uint32_t>(d))) * 1440 +
      hh * 60 + mi;
  // Central European Summer Time: from the last Sunday of March, 01:00 UTC, to the last Sunday
  // of October, 01:00 UTC (EU rule since 1996). Day 0 (1970-01-01) was a Thursday.
  auto last_sunday = [](std::int32_t year, std::uint32_t month) {
    const std::int32_t last = days_from_civil(year, month, 31);
    return last - ((last + 4) % 7 + 7) % 7;
  };
  const std::int64_t summer_from = static_cast<std::int64_t>(last_sunday(y, 3)) * 1440 + 60;
  const std::int64_t summer_to = static_cast<std::int64_t>(last_sunday(y, 10)) * 1440 + 60;
  AmsterdamTime out;
  out.summer = minutes >= summer_from && minutes < summer_to;
  const std::int64_t local = minutes + (out.summer ? 120 : 60);
  out.day = static_cast<std::int32_t>(local >= 0 ? local / 1440 : (local - 1439) / 1440);
  out.minute = static_cast<int>(local - static_cast<std::int64_t>(out.day) * 1440);
  out.second = ss < 0 ? 0 : ss;
  return out;
}

}  // namespace

std::string local_time_text(const std::string& utc, Lang lang) {
  // "2026-11-23T10:15:02Z": anything else is shown as it is.
  const auto local = amsterdam_time(utc);
  if (!local) return utc;
  char clock[16];  // room for any two ints, which -Wformat-truncation cannot rule out
  std::snprintf(clock, sizeof clock, "%02d:%02d", local->minute / 60, local->minute % 60);
  return date_text(local->day, lang) + " " + clock + " " + (lang == Lang::Nl ? "Nederlandse tijd" : "Amsterdam time") +
         " (" + (local->summer ? "CEST" : "CET") + ")";
}

std::string local_time_iso(const std::string& utc) {
  const auto local = amsterdam_time(utc);
  if (!local) return "";
  char clock[32];
  std::snprintf(clock, sizeof clock, "T%02d:%02d:%02d%s", local->minute / 60, local->minute % 60, local->second,
                local->summer ? "+02:00" : "+01:00");
  return format_date(local->day) + clock;
}

ValueChange value_change(const RuleResult& result, const std::optional<Ratio>& previous) {
  ValueChange change;
  if (!result.measure || !previous) return change;
  change.direction = compare(*result.measure, *previous);
  if (change.direction == 0) return change;
  // Which way is good: a target says what is wanted; a threshold says what is crossed (the
  // breach threshold first, else the signal's).
  std::optional<bool> rise_good;
  auto from_op = [](CompareOp op, bool wanted) -> std::optional<bool> {
    const bool up = op == CompareOp::Gt || op == CompareOp::Ge;
    const bool down = op == CompareOp::Lt || op == CompareOp::Le;
    if (!up && !down) return std::nullopt;
    return wanted ? up : down;
  };
  const CompiledRule& rule = *result.rule;
  if (rule.target) {
    rise_good = from_op(rule.target->op, true);
  } else {
    for (const Status status : {Status::Breach, Status::Signal}) {
      for (const Threshold& t : rule.thresholds) {
        if (t.status == status && !rise_good) rise_good = from_op(t.op, false);
      }
    }
  }
  if (rise_good) change.better = change.direction > 0 ? *rise_good : !*rise_good;
  return change;
}

std::string value_change_words(const ValueChange& change, Lang lang) {
  if (change.direction == 0) return "";
  std::string text(word(lang, change.direction > 0 ? "rose" : "fell"));
  if (change.better) text += ", " + std::string(word(lang, *change.better ? "better_word" : "worse_word"));
  return text;
}

std::string forecast_sentence(const RuleResult& result, Lang lang) {
  if (!result.projection || !result.rule->target) return "";
  const Projection& p = *result.projection;
  const Target& t = *result.rule->target;
  const std::string deadline = date_text(t.deadline, lang);
  const std::string achieved = (p.rate_per_year > 0 ? "+" : "") + number_text(p.rate_per_year, 1, lang);
  const std::string needed = (p.needed_per_year > 0 ? "+" : "") + number_text(p.needed_per_year, 1, lang);
  const std::string projected = number_text(p.value_at_deadline, 1, lang);
  if (lang == Lang::Nl) {
    return "Nodig " + needed + " per jaar, gerealiseerd " + achieved + " per jaar; bij dit tempo " + projected +
           " op " + deadline + " (" + std::to_string(p.points) + " peildata).";
  }
  return "Needed " + needed + " a year, achieved " + achieved + " a year; at this rate " + projected + " on " +
         deadline + " (" + std::to_string(p.points) + " snapshots).";
}

namespace {

// Copies well-formed UTF-8 (no overlongs, surrogates or noncharacters U+FFFE/U+FFFF) and replaces
// any other byte with U+FFFD; control characters but tab and line feed, and bidi controls, are
// shown as escapes (dsl/visible_text.hpp: \x1b, \u202e), so that a name can neither act on a
// terminal nor reorder the text around it. Calls `ascii` for each ASCII byte.
template <typename Ascii>
std::string clean_utf8(std::string_view text, Ascii ascii) {
  std::string out;
  out.reserve(text.size() + 16);
  const std::size_t n = text.size();
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  for (std::size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) out += visible(text.substr(i, 1));
      else ascii(out, static_cast<char>(c));
      ++i;
      continue;
    }
    const CodePoint code = decode_utf8(text, i);
    if (code.length == 0 || code.value == 0xFFFE || code.value == 0xFFFF) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (is_escaped_code_point(code.value)) out += visible(text.substr(i, code.length));
    else out.append(text.substr(i, code.length));
    i += code.length;
  }
  return out;
}

}  // namespace

std::string sanitize_text(std::string_view text) {
  return clean_utf8(text, [](std::string& out, char c) { out += c; });
}

std::string escape_xml(std::string_view text) {
  return clean_utf8(text, [](std::string& out, char c) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  });
}

std::string escape_markdown(std::string_view text) {
  // Markdown's own punctuation gets a backslash. '<' and '&' get one only where they could start
  // an HTML tag or an entity ("<s", "</", "<!", "&lt"), so "< 95%" stays as written; line breaks
  // become spaces, so a hostile title stays text in one cell of one table row. Bytes that are not
  // UTF-8 and control characters are replaced, as in escape_xml.
  const std::string clean = sanitize_text(text);
  std::string out;
  out.reserve(clean.size() + 8);
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    const char next = i + 1 < clean.size() ? clean[i + 1] : '\0';
    const bool letter = std::isalpha(static_cast<unsigned char>(next)) != 0;
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '#': case '~':
        out += '\\';
        out += c;
        break;
      case '<':
        if (letter || next == '/' || next == '!' || next == '?') out += '\\';
        out += c;
        break;
      case '&':
        if (letter || next == '#') out += '\\';
        out += c;
        break;
      case '\n':
      case '\r':
      case '\t': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string encoding_text(const LoadReport& report, Lang lang) {
  if (report.encoding != "windows-1252") return "";
  return std::string(word(lang, "read_as")) + " Windows-1252 (" +
         std::string(word(lang, report.encoding_detected ? "encoding_detected" : "encoding_stated")) + ")";
}

std::string group_label(const std::vector<GroupField>& group, const Privacy& privacy, Lang lang) {
  if (group.empty()) return std::string(word(lang, "all"));
  std::string text;
  for (const auto& field : privacy.group(group)) {
    if (!text.empty()) text += ", ";
    if (field.number || field.text) text += visible(group_value_text(field, lang));  // a line break in a name stays on its line
    else text += lang == Lang::Nl ? "(geen " + column_word(field.name, lang) + ")" : "(no " + field.name + ")";
  }
  return text;
}

}  // namespace report
}  // namespace toets
