// JUnit XML for CI systems and schedulers: a <testsuite> per rule set, a <testcase> per rule and
// group. A breach is a <failure>; so are signal and at_risk with fail_on_signal (else they pass,
// with the finding in <system-out>); error is an <error>; no_data and not_evaluated are <skipped>.
// An incomplete check opens its suite with an <error> per input it could not use in full (a test
// case named for the input), so a CI system never shows it as passed. No timestamps (the output
// is deterministic); the run's id and as-of date are properties.
// Its words are English, like the text and JSON reports', unless --lang asks for a language (then
// the messages and details for people speak it; test names, types and properties stay as tools
// read them). The details' remedy is the sentence about the records in either language.

#include "dsl/source/calendar.hpp"
#include "engine/report/report_common.hpp"

namespace toets {

namespace {

using namespace report;

std::string x(std::string_view text) { return escape_xml(text); }

enum class Outcome : std::uint8_t { Pass, Failure, Error, Skipped };

Outcome outcome_of(Status status, bool fail_on_signal) {
  switch (status) {
    case Status::Breach: return Outcome::Failure;
    case Status::Signal:
    case Status::AtRisk: return fail_on_signal ? Outcome::Failure : Outcome::Pass;
    case Status::Error: return Outcome::Error;
    case Status::NoData:
    case Status::NotEvaluated: return Outcome::Skipped;
    case Status::Ok:
    case Status::OnTrack: return Outcome::Pass;
  }
  return Outcome::Pass;
}

// A status for people: "breach" as tools name it in English, "overschreden" in Dutch.
std::string status_text(Status status, Lang lang) {
  return std::string(lang == Lang::En ? status_name(status) : status_word(status, lang));
}

std::string details(const RuleResult& r, const Privacy& privacy, Lang lang) {
  const CompiledRule& rule = *r.rule;
  auto label = [&](std::string_view key) { return std::string(word(lang, key)) + ": "; };
  std::string text = rule.id + " " + rule.title + "\n";
  if (!rule.source.empty()) text += label("text_source") + rule.source + "\n";
  if (!rule.owner.empty()) text += label("text_owner") + rule.owner + "\n";
  text += label("junit_group") + group_label(r.group, privacy, lang) + "\n";
  text += label("junit_status") + status_text(r.status, lang) + "\n";
  text += label("text_measured") + measure_text(r, privacy, lang) + " (" + std::to_string(r.records) + " " +
          std::string(word(lang, "junit_records")) + ")\n";
  if (r.threshold || rule.target) text += label("junit_threshold") + norm_text(r, lang) + "\n";
  if (const std::string remedy = remedy_sentence(r, lang); !remedy.empty()) text += label("junit_remedy") + remedy + "\n";
  if (const std::string forecast = forecast_sentence(r, lang); !forecast.empty()) text += label("junit_forecast") + forecast + "\n";
  if (!r.note.empty()) text += label("junit_note") + note_text(privacy.note(r.note), lang) + "\n";
  if (privacy.evidence_withheld(r)) {
    text += std::string(word(lang, "junit_records")) + " (" + std::to_string(r.evidence.size()) + "): " +
            std::string(word(lang, "junit_not_listed")) + " (" + privacy.withheld_reason(r, lang == Lang::Nl) + ")\n";
  } else if (!r.evidence.empty()) {
    const auto ids = privacy.evidence(r, kJunitIdsListed);
    const std::size_t total = r.evidence.size();
    text += std::string(word(lang, "junit_records")) + " (" + std::to_string(total) + "):";
    for (std::size_t i = 0; i < ids.size(); ++i) text += (i > 0 ? ", " : " ") + ids[i];
    if (total > ids.size()) text += ", ... (" + std::to_string(total - ids.size()) + " " + std::string(word(lang, "more")) + ")";
    text += "\n";
  }
  return text;
}

// The rejected rows behind one reason, in groups: the input whose file (or import) it names.
std::string incomplete_details(const CheckReport& report, const Incompleteness& reason, const Privacy& privacy,
                               Lang lang) {
  std::string text = incompleteness_text(reason, lang) + "\n" + std::string(word(lang, "incomplete_lead")) + "\n";
  for (const InputSummary& input : report.inputs) {
    const LoadReport& load = input.report;
    if (load.dataset != reason.dataset) continue;
    for (const RejectionSource& source : rejection_sources(load)) {
      if (source.file != reason.file || source.import_id != reason.import_id) continue;
      constexpr std::size_t kShownGroups = 50;
      const std::vector<RejectionGroup> groups = shown_groups(load, source, privacy);
      for (std::size_t g = 0; g < groups.size() && g < kShownGroups; ++g) {
        text += rejection_group_text(groups[g], lang) + "\n";
        if (const std::string fix = rejection_fix_text(groups[g], lang); !fix.empty()) {
          text += "  " + std::string(word(lang, "fix")) + ": " + fix + "\n";
        }
      }
      if (groups.size() > kShownGroups) {
        text += "... " + fill(word(lang, "junit_more_groups"), {{"groups", std::to_string(groups.size() - kShownGroups)}}) +
                "\n";
      }
    }
  }
  return text;
}

std::string incomplete_cases(const CheckReport& report, const Privacy& privacy, Lang lang) {
  std::string cases;
  for (const Incompleteness& reason : report.incomplete) {
    std::string input = "input " + reason.dataset + " " + reason.file;
    if (reason.import_id) input += " (import " + std::to_string(*reason.import_id) + ")";
    cases += "    <testcase classname=\"" + x(report.ruleset.id + ".inputs") + "\" name=\"" + x(input) +
             "\" time=\"0\">\n      <error type=\"incomplete\" message=\"" + x(incompleteness_text(reason, lang)) +
             "\">" + x(incomplete_details(report, reason, privacy, lang)) + "</error>\n    </testcase>\n";
  }
  return cases;
}

// A suite's counts, known before its cases are written: the header carries them.
struct SuiteCounts {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

Outcome case_outcome(const RuleResult& r, bool fail_on_signal) {
  // A group outside its rule's period is reported but decides nothing: skipped, not failed.
  return r.outside_validity ? Outcome::Skipped : outcome_of(r.status, fail_on_signal);
}

SuiteCounts suite_counts(const CheckReport& report, bool fail_on_signal) {
  SuiteCounts counts;
  // An incomplete check: an error per input it could not use in full, first in its suite.
  counts.tests = report.incomplete.size();
  counts.errors = report.incomplete.size();
  for (const auto& r : report.results) {
    ++counts.tests;
    switch (case_outcome(r, fail_on_signal)) {
      case Outcome::Pass: break;
      case Outcome::Failure: ++counts.failures; break;
      case Outcome::Error: ++counts.errors; break;
      case Outcome::Skipped: ++counts.skipped; break;
    }
  }
  return counts;
}

std::string test_case(const CheckReport& report, const RuleResult& r, const Privacy& privacy, Lang lang,
                      bool fail_on_signal) {
  const std::string message = status_text(r.status, lang) + ": " + measure_text(r, privacy, lang) +
                              (r.threshold || r.rule->target ? ", " + norm_text(r, lang) : "");
  std::string text = "    <testcase classname=\"" + x(report.ruleset.id + "." + r.rule->id) + "\" name=\"" +
                     x(r.rule->id + " " + group_label(r.group, privacy, Lang::En)) + "\" time=\"0\"";
  switch (case_outcome(r, fail_on_signal)) {
    case Outcome::Pass:
      if (r.status == Status::Signal || r.status == Status::AtRisk) {
        text += ">\n      <system-out>" + x(details(r, privacy, lang)) + "</system-out>\n    </testcase>\n";
      } else {
        text += "/>\n";
      }
      break;
    case Outcome::Failure:
      text += ">\n      <failure type=\"" + std::string(status_name(r.status)) + "\" message=\"" + x(message) + "\">" +
              x(details(r, privacy, lang)) + "</failure>\n    </testcase>\n";
      break;
    case Outcome::Error:
      text += ">\n      <error type=\"error\" message=\"" + x(note_text(privacy.note(r.note), lang)) + "\">" +
              x(details(r, privacy, lang)) + "</error>\n    </testcase>\n";
      break;
    case Outcome::Skipped:
      text += ">\n      <skipped message=\"" +
              x(status_text(r.status, lang) + (r.outside_validity ? std::string(word(lang, "junit_outside")) : "") +
                (r.note.empty() ? "" : ": " + note_text(privacy.note(r.note), lang))) +
              "\"/>\n    </testcase>\n";
      break;
  }
  return text;
}

std::string suite_properties(const ReportSection& section, const Privacy& privacy, const ReportOptions& options) {
  const CheckReport& report = *section.report;
  std::string properties = "      <property name=\"as_of\" value=\"" + format_date(report.as_of) + "\"/>\n";
  properties += "      <property name=\"ruleset_file\" value=\"" + x(report.ruleset.file) + "\"/>\n";
  if (section.history != nullptr && section.history->current) {
    properties += "      <property name=\"run\" value=\"" + std::to_string(section.history->current->id) + "\"/>\n";
    properties += "      <property name=\"recorded_at\" value=\"" + x(section.history->current->recorded_at) + "\"/>\n";
    // The same instant in Dutch local time (Europe/Amsterdam), as a reader of the CI page reads it.
    properties += "      <property name=\"recorded_at_local\" value=\"" +
                  x(local_time_iso(section.history->current->recorded_at)) + "\"/>\n";
  }
  properties += "      <property name=\"min_group_size\" value=\"" + std::to_string(options.min_group_size) + "\"/>\n";
  properties += "      <property name=\"pseudonymised\" value=\"" + std::string(privacy.pseudonymising() ? "true" : "false") + "\"/>\n";
  return properties;
}

}  // namespace

// Written a test case at a time (the counts first, from the statuses): a report of a thousand
// rules with their evidence is never held whole in memory (issue 18's 400 MiB, in every format).
void write_junit_report(const std::vector<ReportSection>& sections, std::ostream& out, const ReportOptions& options) {
  const Privacy privacy(options);
  const Lang lang = options.text_lang.value_or(Lang::En);
  std::vector<SuiteCounts> counts;
  SuiteCounts all;
  for (const auto& section : sections) {
    counts.push_back(suite_counts(*section.report, options.fail_on_signal));
    all.tests += counts.back().tests;
    all.failures += counts.back().failures;
    all.errors += counts.back().errors;
  }
  // <testsuites> takes no `skipped` in the Jenkins xUnit schema (junit-10.xsd); each suite has it.
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"toets\" tests=\"" << all.tests << "\" failures=\""
      << all.failures << "\" errors=\"" << all.errors << "\" time=\"0\">\n";
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const CheckReport& report = *sections[i].report;
    const SuiteCounts& c = counts[i];
    out << "  <testsuite name=\"" << x(report.ruleset.id) << "\" tests=\"" << c.tests << "\" failures=\"" << c.failures
        << "\" errors=\"" << c.errors << "\" skipped=\"" << c.skipped << "\" time=\"0\">\n    <properties>\n"
        << suite_properties(sections[i], privacy, options) << "    </properties>\n";
    out << incomplete_cases(report, privacy, lang);
    for (const auto& r : report.results) out << test_case(report, r, privacy, lang, options.fail_on_signal);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace toets
