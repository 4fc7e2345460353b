// JUnit XML for CI systems and schedulers: a <testsuite> per rule set, a <testcase> per rule and
// group. A breach is a <failure>; so are signal and at_risk with fail_on_signal (else they pass,
// with the finding in <system-out>); error is an <error>; no_data and not_evaluated are <skipped>.
// An incomplete check opens its suite with an <error> per input it could not use in full (a test
// case named for the input), so a CI system never shows it as passed. No timestamps (the output
// is deterministic); the run's id and as-of date are properties.
// English, like the text and JSON reports: tools read it.

#include "dsl/calendar.hpp"
#include "engine/report_common.hpp"

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

std::string details(const RuleResult& r, const Privacy& privacy) {
  const CompiledRule& rule = *r.rule;
  std::string text = rule.id + " " + rule.title + "\n";
  if (!rule.source.empty()) text += "source: " + rule.source + "\n";
  if (!rule.owner.empty()) text += "owner: " + rule.owner + "\n";
  text += "group: " + group_label(r.group, privacy, Lang::En) + "\n";
  text += "status: " + std::string(status_name(r.status)) + "\n";
  text += "measured: " + measure_text(r, privacy, Lang::En) + " (" + std::to_string(r.records) + " records)\n";
  if (r.threshold || rule.target) text += "threshold: " + norm_text(r, Lang::En) + "\n";
  if (!r.remedy_text.empty()) text += "remedy: " + r.remedy_text + "\n";
  if (const std::string forecast = forecast_sentence(r, Lang::En); !forecast.empty()) text += "forecast: " + forecast + "\n";
  if (!r.message.empty()) text += "note: " + privacy.message(r.message) + "\n";
  if (privacy.evidence_withheld(r)) {
    text += "records (" + std::to_string(r.evidence.size()) + "): not listed (" + privacy.withheld_reason(r, false) + ")\n";
  } else if (!r.evidence.empty()) {
    const auto ids = privacy.evidence(r);
    text += "records (" + std::to_string(ids.size()) + "):";
    for (std::size_t i = 0; i < ids.size() && i < 1000; ++i) text += (i > 0 ? ", " : " ") + ids[i];
    if (ids.size() > 1000) text += ", ... (" + std::to_string(ids.size() - 1000) + " more)";
    text += "\n";
  }
  return text;
}

// The rejected rows behind one reason, in groups: the input whose file (or import) it names.
std::string incomplete_details(const CheckReport& report, const Incompleteness& reason, const Privacy& privacy) {
  std::string text =
      incompleteness_text(reason, Lang::En) + "\n" + std::string(word(Lang::En, "incomplete_lead")) + "\n";
  for (const InputSummary& input : report.inputs) {
    const LoadReport& load = input.report;
    if (load.dataset != reason.dataset) continue;
    for (const RejectionSource& source : rejection_sources(load)) {
      if (source.file != reason.file || source.import_id != reason.import_id) continue;
      constexpr std::size_t kShownGroups = 50;
      const std::vector<RejectionGroup> groups = shown_groups(load, source, privacy);
      for (std::size_t g = 0; g < groups.size() && g < kShownGroups; ++g) {
        text += rejection_group_text(groups[g], Lang::En) + "\n";
        if (const std::string fix = rejection_fix_text(groups[g], Lang::En); !fix.empty()) {
          text += "  fix: " + fix + "\n";
        }
      }
      if (groups.size() > kShownGroups) {
        text += "... and " + std::to_string(groups.size() - kShownGroups) + " more groups\n";
      }
    }
  }
  return text;
}

std::string incomplete_cases(const CheckReport& report, const Privacy& privacy) {
  std::string cases;
  for (const Incompleteness& reason : report.incomplete) {
    std::string input = "input " + reason.dataset + " " + reason.file;
    if (reason.import_id) input += " (import " + std::to_string(*reason.import_id) + ")";
    cases += "    <testcase classname=\"" + x(report.ruleset.id + ".inputs") + "\" name=\"" + x(input) +
             "\" time=\"0\">\n      <error type=\"incomplete\" message=\"" + x(incompleteness_text(reason, Lang::En)) +
             "\">" + x(incomplete_details(report, reason, privacy)) + "</error>\n    </testcase>\n";
  }
  return cases;
}

}  // namespace

void write_junit_report(const std::vector<ReportSection>& sections, std::ostream& out, const ReportOptions& options) {
  const Privacy privacy(options);
  std::size_t tests = 0, failures = 0, errors = 0;
  std::string suites;
  for (const auto& section : sections) {
    const CheckReport& report = *section.report;
    std::size_t t = 0, f = 0, e = 0, s = 0;
    // An incomplete check: an error per input it could not use in full, first in its suite.
    std::string cases = incomplete_cases(report, privacy);
    t += report.incomplete.size();
    e += report.incomplete.size();
    for (const auto& r : report.results) {
      ++t;
      // A group outside its rule's period is reported but decides nothing: skipped, not failed.
      const Outcome outcome = r.outside_validity ? Outcome::Skipped : outcome_of(r.status, options.fail_on_signal);
      const std::string message = std::string(status_name(r.status)) + ": " + measure_text(r, privacy, Lang::En) +
                                  (r.threshold || r.rule->target ? ", " + norm_text(r, Lang::En) : "");
      cases += "    <testcase classname=\"" + x(report.ruleset.id + "." + r.rule->id) + "\" name=\"" +
               x(r.rule->id + " " + group_label(r.group, privacy, Lang::En)) + "\" time=\"0\"";
      switch (outcome) {
        case Outcome::Pass:
          if (r.status == Status::Signal || r.status == Status::AtRisk) {
            cases += ">\n      <system-out>" + x(details(r, privacy)) + "</system-out>\n    </testcase>\n";
          } else {
            cases += "/>\n";
          }
          break;
        case Outcome::Failure:
          ++f;
          cases += ">\n      <failure type=\"" + std::string(status_name(r.status)) + "\" message=\"" + x(message) + "\">" +
                   x(details(r, privacy)) + "</failure>\n    </testcase>\n";
          break;
        case Outcome::Error:
          ++e;
          cases += ">\n      <error type=\"error\" message=\"" + x(privacy.message(r.message)) + "\">" + x(details(r, privacy)) +
                   "</error>\n    </testcase>\n";
          break;
        case Outcome::Skipped:
          ++s;
          cases += ">\n      <skipped message=\"" + x(std::string(status_name(r.status)) + (r.outside_validity ? " (outside the rule's period)" : "") +
                                              (r.message.empty() ? "" : ": " + privacy.message(r.message))) +
                   "\"/>\n    </testcase>\n";
          break;
      }
    }
    tests += t;
    failures += f;
    errors += e;
    std::string properties = "      <property name=\"as_of\" value=\"" + format_date(report.as_of) + "\"/>\n";
    properties += "      <property name=\"ruleset_file\" value=\"" + x(report.ruleset.file) + "\"/>\n";
    if (section.history != nullptr && section.history->current) {
      properties += "      <property name=\"run\" value=\"" + std::to_string(section.history->current->id) + "\"/>\n";
      properties += "      <property name=\"recorded_at\" value=\"" + x(section.history->current->recorded_at) + "\"/>\n";
    }
    properties += "      <property name=\"min_group_size\" value=\"" + std::to_string(options.min_group_size) + "\"/>\n";
    properties += "      <property name=\"pseudonymised\" value=\"" + std::string(privacy.pseudonymising() ? "true" : "false") + "\"/>\n";
    suites += "  <testsuite name=\"" + x(report.ruleset.id) + "\" tests=\"" + std::to_string(t) + "\" failures=\"" +
              std::to_string(f) + "\" errors=\"" + std::to_string(e) + "\" skipped=\"" + std::to_string(s) +
              "\" time=\"0\">\n    <properties>\n" + properties + "    </properties>\n" + cases + "  </testsuite>\n";
  }
  // <testsuites> takes no `skipped` in the Jenkins xUnit schema (junit-10.xsd); each suite has it.
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"toets\" tests=\"" << tests << "\" failures=\""
      << failures << "\" errors=\"" << errors << "\" time=\"0\">\n"
      << suites << "</testsuites>\n";
}

}  // namespace toets
  // <testsuites> takes no `skipped` in the Jenkins xUnit schema (junit-10.xsd); each suite has it.
