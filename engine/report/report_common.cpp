#include "engine/report/report_common.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "dsl/source/calendar.hpp"
#include "dsl/source/visible_text.hpp"

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

std::vector<const RuleResult*> not_checked(const CheckReport& report) {
  std::vector<const RuleResult*> out;
  for (const RuleResult& result : report.results) {
    const bool unchecked = result.status == Status::NoData || result.status == Status::NotEvaluated;
    if (unchecked && !result.outside_validity) out.push_back(&result);
  }
  return out;
}

std::string not_checked_reason(const RuleResult& result, const Privacy& privacy, Lang lang) {
  if (result.note.empty()) return std::string(word(lang, "no_data_no_reason"));
  return note_text(privacy.note(result.note), lang);
}

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

std::string value_text(const Ratio& value, ValueType unit, Lang lang) {
  if (unit == ValueType::Date && value.denominator == 1) {
    return date_text(static_cast<std::int32_t>(value.numerator), lang);
  }
  return localise_number(format_value(value, unit), lang);
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
// shown as escapes (dsl/source/visible_text.hpp: \x1b, \u202e), so that a name can neither act on a
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
