#include "engine/report_common.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "dsl/calendar.hpp"
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
      {"chart_series", {"Peildata en prognose tot de deadline", "Snapshots and projection to the deadline"}},
      {"target", {"doel", "target"}},
      {"deadline", {"deadline", "deadline"}},
      {"projection", {"prognose", "projection"}},
      {"needed_path", {"nodig", "needed"}},
      {"signal_line", {"signaal", "signal"}},
      {"breach_line", {"norm", "breach"}},
      // A threshold stated as the norm it keeps: "norm: hoogstens 15,00%", "signaalwaarde: ...".
      {"norm_value", {"norm", "norm"}},
      {"signal_value", {"signaalwaarde", "signal value"}},
      {"legend", {"Legenda", "Legend"}},
      {"was", {"was", "was"}},
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
      {"text_forecasts", {"Prognoses (deadlineregels: een rechte lijn door de peildata)",
                          "Forecasts (deadline rules: a straight line through the snapshots)"}},
      {"also", {"ook", "also"}},
      // How a value moved since the previous run, judged by the direction of the rule's norm.
      {"rose", {"gestegen", "rose"}},
      {"fell", {"gedaald", "fell"}},
      {"better_word", {"beter", "better"}},
      {"worse_word", {"slechter", "worse"}},
      {"arrows_legend", {"â² gestegen, â¼ gedaald sinds de vorige meting; beter of slechter naar de "
                         "richting van de norm (stijgen is slechter bij een bovengrens, beter bij een ondergrens)",
                         "â² rose, â¼ fell since the previous run; better or worse by the direction "
                         "of the norm (a rise is worse for an upper limit, better for a lower limit)"}},
      {"rejected_in_import",
       {"Afgewezen bij import {id} ({file}, {time})", "Rejected when import {id} was made ({file}, {time})"}},
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

std::string_view kept_words(CompareOp kept, Lang lang) {
  const bool nl = lang == Lang::Nl;
  switch (kept) {
    case CompareOp::Le: return nl ? "hoogstens" : "at most";
    case CompareOp::Lt: return nl ? "minder dan" : "less than";
    case CompareOp::Ge: return nl ? "minstens" : "at least";
    case CompareOp::Gt: return nl ? "meer dan" : "more than";
    case CompareOp::Eq: return nl ? "precies" : "exactly";
    case CompareOp::Ne: return nl ? "niet" : "not";
  }
  return "";
}

std::string_view norm_words(CompareOp breach_when, Lang lang) {
  // The opposite of the condition under which the threshold is crossed.
  switch (breach_when) {
    case CompareOp::Gt: return kept_words(CompareOp::Le, lang);
    case CompareOp::Ge: return kept_words(CompareOp::Lt, lang);
    case CompareOp::Lt: return kept_words(CompareOp::Ge, lang);
    case CompareOp::Le: return kept_words(CompareOp::Gt, lang);
    case CompareOp::Eq: return kept_words(CompareOp::Ne, lang);
    case CompareOp::Ne: return kept_words(CompareOp::Eq, lang);
  }
  return "";
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

// "planning(corporation, year)" in a threshold's text -> "planning": a table's name, in words.
std::string table_words(const std::string& text) {
  const std::size_t op_end = text.find(' ', text.find(' ') + 1);
  if (op_end == std::string::npos) return "";
  std::string name = text.substr(op_end + 1);
  name = name.substr(0, name.find_first_of("( "));
  for (char& c : name) {
    if (c == '_') c = ' ';
  }
  return name;
}

std::string threshold_norm(const Threshold& threshold, ValueType unit, const std::vector<GroupField>& group, Lang lang) {
  const std::string head = std::string(norm_words(threshold.op, lang)) + " " + value_text(threshold.value, unit, lang);
  // A narrowed override resolves to one value for the group: the norm is that value.
  if (threshold.ref == ThresholdRef::Constant || threshold.ref == ThresholdRef::Narrowed) return head;
  if (threshold.is_sum()) return head + " (" + threshold.written + ")";  // "< 1311 (baseline + 101)"
  const bool nl = lang == Lang::Nl;
  if (threshold.ref == ThresholdRef::GroupTable) {
    // The value the agreement's table holds for this group: "(planning voor Trivire, 2026)".
    const std::string name = table_words(threshold.text);
    std::string keys;
    for (const std::uint32_t k : threshold.table_keys) {
      if (k >= group.size()) continue;
      const GroupField& f = group[k];
      keys += (keys.empty() ? "" : ", ") + (f.number ? std::to_string(*f.number) : f.text ? *f.text : "\xE2\x80\x93");
    }
    std::string what = name.empty() ? std::string(nl ? "afgesproken waarde" : "agreed value") : name;
    if (!keys.empty()) what += (nl ? " voor " : " for ") + keys;
    return head + " (" + what + ")";
  }
  // The value was resolved for the group; the engine's text says where it came from:
  // "measure <= previous (95 at 2025)".
  const std::string& text = threshold.text;
  const std::size_t at = text.rfind(" at ");
  const std::size_t close = text.rfind(')');
  const std::string period = at != std::string::npos && close != std::string::npos && close > at
                                 ? text.substr(at + 4, close - at - 4)
                                 : "";
  const std::string what = threshold.ref == ThresholdRef::Previous ? (nl ? "vorige periode" : "previous period")
                           : threshold.ref == ThresholdRef::Next   ? (nl ? "volgende periode" : "next period")
                                                                   : (nl ? "nulmeting" : "baseline");
  return head + " (" + what + (period.empty() ? "" : " " + period) + ")";
}

std::string target_norm(const Target& target, ValueType unit, Lang lang) {
  // A target states what is wanted: `measure <= 0 by 2028-12-31` is "at most 0 by 31-12-2028".
  return std::string(kept_words(target.op, lang)) + " " + value_text(target.value, unit, lang) + " " +
         (lang == Lang::Nl ? "uiterlijk " : "by ") + date_text(target.deadline, lang);
}

std::string_view threshold_label(Status status, Lang lang) {
  return word(lang, status == Status::Signal ? "signal_value" : "norm_value");
}

}  // namespace

std::string norm_text(const RuleResult& result, Lang lang) {
  const CompiledRule& rule = *result.rule;
  if (rule.target) return target_norm(*rule.target, rule.measure.unit, lang);
  if (!result.threshold) return rule_norms_text(rule, lang);
  const Threshold& t = *result.threshold;
  return std::string(threshold_label(t.status, lang)) + ": " + threshold_norm(t, rule.measure.unit, result.group, lang);
}

namespace {

// A threshold as the rule states it, before it is resolved for a group.
std::string stated_norm(const Threshold& t, const CompiledRule& rule, Lang lang) {
  const bool nl = lang == Lang::Nl;
  const std::string op(norm_words(t.op, lang));
  if (t.is_sum()) return op + " " + t.written;
  switch (t.ref) {
    case ThresholdRef::Constant: return op + " " + value_text(t.value, rule.measure.unit, lang);
    case ThresholdRef::Narrowed:
      return op + " " + value_text(t.value, rule.measure.unit, lang) +
             (nl ? " (anders waar een afwijking voor een corporatie of jaar geldt)"
                 : " (otherwise where an override for a corporation or year holds)");
    case ThresholdRef::Previous: return op + (nl ? " de vorige periode" : " the previous period");
    case ThresholdRef::Next: return op + (nl ? " de volgende periode" : " the next period");
    case ThresholdRef::Baseline:
      return op + (nl ? " de nulmeting" : " the baseline") + (rule.baseline ? " " + date_text(*rule.baseline, lang) : "");
    case ThresholdRef::GroupTable: {
      // "measure < planning(corporation, year)": the table's value per group, in words.
      std::string keys;
      for (const std::uint32_t k : t.table_keys) {
        if (k < rule.group_keys.size()) keys += (keys.empty() ? "" : ", ") + column_word(rule.group_keys[k].label, lang);
      }
      std::string text = op + " " + (nl ? "de waarde uit " : "the value of ") + table_words(t.text);
      if (!keys.empty()) text += (nl ? " per " : " per ") + keys;
      return text;
    }
  }
  return op;
}

}  // namespace

std::string rule_norms_text(const CompiledRule& rule, Lang lang) {
  if (rule.target) return target_norm(*rule.target, rule.measure.unit, lang);
  // The norm itself, then its signal value: "hoogstens 15,00% (signaalwaarde: hoogstens 7,50%)".
  std::string norms, signals;
  for (const Threshold& t : rule.thresholds) {
    std::string& into = t.status == Status::Signal ? signals : norms;
    if (!into.empty()) into += " \xC2\xB7 ";
    into += stated_norm(t, rule, lang);
  }
  if (signals.empty()) return norms;
  const std::string signal = std::string(threshold_label(Status::Signal, lang)) + ": " + signals;
  return norms.empty() ? signal : norms + " (" + signal + ")";
}

std::string remedy_sentence(const RuleResult& result, Lang lang) {
  if (!result.remedy || !result.threshold) return "";
  const CompiledRule& rule = *result.rule;
  const bool nl = lang == Lang::Nl;
  const bool fewer = result.threshold->op == CompareOp::Gt || result.threshold->op == CompareOp::Ge;
  const std::int64_t r = *result.remedy;
  const bool signal = result.threshold->status == Status::Signal;
  const std::string goal = nl ? (signal ? " om de signaalwaarde te halen" : " om de norm te halen")
                              : (signal ? " to meet the signal value" : " to meet the norm");
  const std::string more = nl ? (fewer ? "minder" : "meer") : (fewer ? "fewer" : "more");
  const std::string records(dataset_record_word(rule, r != 1, lang));
  std::string text = std::to_string(r) + " ";
  if (rule.measure.kind == MeasureKind::Net) {
    // Additions minus removals: "2 meer per saldo" / "2 more on balance".
    text += more + (nl ? " per saldo" : " on balance");
  } else if (rule.measure.kind == MeasureKind::Count) {
    text += nl ? records + " " + more : more + " " + records;  // "2 toewijzingen meer" / "2 more lets"
  } else {
    std::int64_t k = 0;
    if (rule.measure.kind == MeasureKind::Share && result.numerator) k = *result.numerator;
    else if (result.measure && result.measure->denominator == 1) k = result.measure->numerator;
    const std::int64_t wanted = fewer ? k - r : k + r;
    // "1 toewijzing minder die aan de voorwaarde van de regel voldoet (hoogstens 1 van 10)"
    text += nl ? records + " " + more + (r == 1 ? " die aan de voorwaarde van de regel voldoet ("
                                                : " die aan de voorwaarde van de regel voldoen (")
               : more + " " + records + " meeting the rule's condition (";
    text += std::string(kept_words(fewer ? CompareOp::Le : CompareOp::Ge, lang)) + " " + std::to_string(wanted);
    if (rule.measure.kind == MeasureKind::Share && result.denominator) {
      text += (nl ? " van " : " of ") + std::to_string(*result.denominator);
    }
    text += ")";
  }
  text += goal;
  if (result.remedy_to_ok && *result.remedy_to_ok != r) {
    text += "; " + std::to_string(*result.remedy_to_ok) + (nl ? " om te voldoen" : " to be ok");
  }
  return text;
}

namespace {

bool same_group(const std::vector<GroupField>& a, const std::vector<GroupField>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].number != b[i].number || a[i].text != b[i].text) return false;
  }
  return true;
}

// Whether `national` restates `local`: the same share of the same dataset for the same group,
// exactly the same measure and the same light. Conservative: anything else stays two findings.
bool restates(const RuleResult& national, const RuleResult& local) {
  const CompiledRule& n = *national.rule;
  const CompiledRule& l = *local.rule;
  return n.dataset != nullptr && n.dataset == l.dataset && n.measure.kind == MeasureKind::Share &&
         l.measure.kind == MeasureKind::Share && same_group(national.group, local.group) && national.measure &&
         local.measure && national.measure->numerator == local.measure->numerator &&
         national.measure->denominator == local.measure->denominator && national.numerator == local.numerator &&
         national.denominator == local.denominator && light_of(national.status) == light_of(local.status);
}

}  // namespace

std::vector<AttentionRow> attention_rows(const CheckReport& report, const std::vector<const RuleResult*>& rows) {
  const std::string& own = report.ruleset.id;
  std::vector<AttentionRow> out;
  std::vector<bool> merged(rows.size(), false);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i]->rule->ruleset_id == own || rows[i]->rule->ruleset_id.empty()) continue;
    for (std::size_t j = 0; j < rows.size(); ++j) {
      if (rows[j]->rule->ruleset_id != own || !restates(*rows[i], *rows[j])) continue;
      merged[i] = true;
      break;
    }
  }
  for (std::size_t j = 0; j < rows.size(); ++j) {
    if (merged[j]) continue;
    AttentionRow row{rows[j], {}};
    if (rows[j]->rule->ruleset_id == own) {
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!merged[i] || !restates(*rows[i], *rows[j])) continue;
        // Each national row goes with the first local row it restates.
        bool taken = false;
        for (const auto& earlier : out) {
          taken = taken || std::find(earlier.also.begin(), earlier.also.end(), rows[i]) != earlier.also.end();
        }
        if (!taken) row.also.push_back(rows[i]);
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string also_text(const AttentionRow& row, Lang lang) {
  if (row.also.empty()) return "";
  std::string ids;
  for (const RuleResult* r : row.also) ids += (ids.empty() ? "" : ", ") + r->rule->id;
  return "(" + std::string(word(lang, "also")) + " " + ids + ")";
}

std::string local_time_text(const std::string& utc, Lang lang) {
  // "2026-11-23T10:15:02Z": anything else is shown as it is.
  if (utc.size() < 16 || utc[4] != '-' || utc[7] != '-' || utc[10] != 'T' || utc[13] != ':') return utc;
  auto number = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(utc[i]))) return -1;
      v = v * 10 + (utc[i] - '0');
    }
    return v;
  };
  const int y = number(0, 4), mo = number(5, 2), d = number(8, 2), hh = number(11, 2), mi = number(14, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mi < 0 || mi > 59) return utc;
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
  const bool summer = minutes >= summer_from && minutes < summer_to;
  const std::int64_t local = minutes + (summer ? 120 : 60);
  const std::int32_t day = static_cast<std::int32_t>(local >= 0 ? local / 1440 : (local - 1439) / 1440);
  const int of_day = static_cast<int>(local - static_cast<std::int64_t>(day) * 1440);
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", of_day / 60, of_day % 60);
  return date_text(day, lang) + " " + clock + " " + (lang == Lang::Nl ? "Nederlandse tijd" : "Amsterdam time") + " (" +
         (summer ? "CEST" : "CET") + ")";
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

// Copies well-formed UTF-8 (no overlongs, surrogates, noncharacters U+FFFE/U+FFFF or C1 controls)
// and replaces anything else with U+FFFD; calls `ascii` for each ASCII byte.
template <typename Ascii>
std::string clean_utf8(std::string_view text, Ascii ascii) {
  std::string out;
  out.reserve(text.size() + 16);
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) out += kReplacement;
      else ascii(out, static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      code = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      code = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      code = c & 0x07u;
    }
    bool valid = length > 0 && i + length <= n;
    for (std::size_t k = 1; valid && k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) valid = false;
      else code = (code << 6) | (bytes[i + k] & 0x3Fu);
    }
    if (valid) {
      if ((length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
          (length == 4 && (code < 0x10000 || code > 0x10FFFF)) || code == 0xFFFE || code == 0xFFFF ||
          (code >= 0x80 && code <= 0x9F)) {
        valid = false;
      }
    }
    if (!valid) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
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

std::string message_text(std::string_view message, Lang lang) {
  std::string text(message);
  if (lang == Lang::En) return text;
  static const std::pair<std::string_view, std::string_view> kNl[] = {
      {"no earlier period to compare with", "geen eerdere periode om mee te vergelijken"},
      {"no records after the filter", "geen records na het filter"},
      {"every record of this group is exempt", "alle records van deze groep zijn uitgezonderd"},
      {"one snapshot only: no trend to project", "maar \xC3\xA9\xC3\xA9n peildatum: geen trend om door te trekken"},
      {"snapshot(s) after the as-of date", "peildatum(s) na de peildatum van de meting"},
      {"ignored", "genegeerd"},
      {"before the baseline", "v\xC3\xB3\xC3\xB3r de nulmeting"},
  };
  for (const auto& [en, nl] : kNl) {
    for (std::size_t at = text.find(en); at != std::string::npos; at = text.find(en, at + nl.size())) {
      text.replace(at, en.size(), nl);
    }
  }
  return text;
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
    if (field.number) text += std::to_string(*field.number);
    else if (field.text) text += *field.text;
    else text += lang == Lang::Nl ? "(geen " + column_word(field.name, lang) + ")" : "(no " + field.name + ")";
  }
  return text;
}

}  // namespace report
}  // namespace toets
