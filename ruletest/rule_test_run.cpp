// Running rule tests: the rule file checked as `toets check` checks it, the inline rows read by
// the canonical reader, the compared rules evaluated by the engine, and the results held to the
// expectations group by group.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include "dsl/source/text.hpp"
#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/report/report.hpp"
#include "ruletest/rule_test.hpp"
#include "ruletest/rule_test_data.hpp"

namespace toets::ruletest {

namespace {

std::string trim(std::string_view line) { return std::string(toets::text::trim(line, " \t")); }

// "12", "-3", "7.5" as an exact ratio; nullopt for anything else (at most 18 digits).
std::optional<Ratio> parse_decimal(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::int64_t numerator = 0;
  std::int64_t denominator = 1;
  bool point = false;
  int digits = 0;
  for (const char c : text) {
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9' || ++digits > 18) return std::nullopt;
    numerator = numerator * 10 + (c - '0');
    if (point) denominator *= 10;
  }
  if (digits == 0) return std::nullopt;
  return Ratio{negative ? -numerator : numerator, denominator};
}

// A value as a test writes it, in the unit of a rule's measure. `fraction` tells whether it was
// written "k/n" (then a share's numerator and denominator are compared too).
struct Expected {
  Ratio value;
  bool fraction = false;
  std::int64_t numerator = 0;
  std::int64_t denominator = 1;
};

std::optional<Expected> parse_expected(std::string_view written, ValueType unit, std::string& why) {
  const std::string text = trim(written);
  if (unit == ValueType::Date) {
    if (const auto days = parse_iso_date(text)) return Expected{Ratio{*days, 1}};
    why = "expected a date (2026-01-01)";
    return std::nullopt;
  }
  if (const std::size_t slash = text.find('/'); slash != std::string::npos) {
    const auto top = parse_decimal(trim(text.substr(0, slash)));
    const auto bottom = parse_decimal(trim(text.substr(slash + 1)));
    if (top && bottom && top->denominator == 1 && bottom->denominator == 1 && bottom->numerator > 0) {
      return Expected{Ratio{top->numerator, bottom->numerator}, true, top->numerator, bottom->numerator};
    }
    why = "a fraction is two whole numbers, k/n with n > 0";
    return std::nullopt;
  }
  switch (unit) {
    case ValueType::Fraction: {
      if (text == "0") return Expected{Ratio{0, 1}};
      if (text.empty() || text.back() != '%') {
        why = "the measure is a percentage: write it with '%' (\"7.5%\") or as a fraction (\"3/40\")";
        return std::nullopt;
      }
      const auto percent = parse_decimal(trim(text.substr(0, text.size() - 1)));
      if (!percent) break;
      return Expected{Ratio{percent->numerator, percent->denominator * 100}};
    }
    case ValueType::Money: {
      std::string amount = text;
      if (amount.rfind("\xE2\x82\xAC", 0) == 0) amount = trim(amount.substr(3));  // the euro sign
      const auto euros = parse_decimal(amount);
      if (!euros || euros->numerator > INT64_MAX / 100 || euros->numerator < -(INT64_MAX / 100)) break;
      return Expected{Ratio{euros->numerator * 100, euros->denominator}};
    }
    default: {
      if (const auto number = parse_decimal(text)) return Expected{*number};
      break;
    }
  }
  why = unit == ValueType::Money ? "expected an amount (\"€612.35\")" : "expected a number (3, \"2.5\")";
  return std::nullopt;
}

std::optional<CompareOp> parse_op(std::string& text) {
  static const std::vector<std::pair<std::string, CompareOp>> ops = {
      {"<=", CompareOp::Le}, {">=", CompareOp::Ge}, {"!=", CompareOp::Ne},
      {"<", CompareOp::Lt},  {">", CompareOp::Gt},  {"=", CompareOp::Eq}};
  text = trim(text);
  for (const auto& [spelling, op] : ops) {
    if (text.rfind(spelling, 0) == 0) {
      text = trim(text.substr(spelling.size()));
      return op;
    }
  }
  return std::nullopt;
}

// What a result came out as, in one line: "signal 10.00% (1/10), signal > 7.50%".
std::string measure_shown(const RuleResult& result) {
  if (!result.measure) return "no measure";
  std::string text = format_value(*result.measure, result.rule->measure.unit);
  if (result.numerator && result.denominator) {
    text += " (" + std::to_string(*result.numerator) + "/" + std::to_string(*result.denominator) + ")";
  }
  return text;
}

std::string threshold_shown(const RuleResult& result) {
  const CompiledRule& rule = *result.rule;
  if (result.threshold) {
    return std::string(compare_op_text(result.threshold->op)) + " " + format_value(result.threshold->value, rule.measure.unit);
  }
  if (rule.target) {
    return std::string(compare_op_text(rule.target->op)) + " " + format_value(rule.target->value, rule.measure.unit) +
           " by " + format_date(rule.target->deadline);
  }
  return "";
}

std::string describe(const RuleResult& result) {
  std::string text = std::string(status_name(result.status));
  if (result.measure) text += " " + measure_shown(result);
  if (result.threshold) {
    // The threshold that decided, or the one an ok result was held to.
    text += result.status == result.threshold->status ? ", " + std::string(status_name(result.status)) + " "
                                                       : ", held to " + std::string(status_name(result.threshold->status)) + " ";
    text += threshold_shown(result);
  }
  if (result.outside_validity) text += ", outside the rule's period";
  if ((result.status == Status::Error || result.status == Status::NotEvaluated) && !result.note.empty()) {
    text += ": " + note_text(result.note, Lang::En);
  }
  return text;
}

std::string ids_text(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string text = "[";
  for (const auto& id : ids) text += (text.size() > 1 ? ", " : "") + id;
  return text + "]";
}

// The differences between one expectation and the result of its group (none: it holds).
// Written values that cannot be read are `invalid` lines instead.
void compare_one(const Expectation& expected, const RuleResult& result, const std::string& label,
                 std::vector<std::string>& differences, std::vector<std::string>& invalid) {
  const ValueType unit = result.rule->measure.unit;
  std::vector<std::string> found;
  if (expected.status != result.status) {
    found.push_back("status: expected " + std::string(status_name(expected.status)) + ", got " +
                    std::string(status_name(result.status)));
  }
  if (expected.measure) {
    std::string why;
    if (const auto value = parse_expected(*expected.measure, unit, why)) {
      const bool same = result.measure && compare(value->value, *result.measure) == 0 &&
                        (!value->fraction || !result.numerator || !result.denominator ||
                         (*result.numerator == value->numerator && *result.denominator == value->denominator));
      if (!same) found.push_back("measure: expected " + *expected.measure + ", got " + measure_shown(result));
    } else {
      invalid.push_back(location_text(expected.where) + ": error: measure '" + *expected.measure + "': " + why);
    }
  }
  if (expected.threshold) {
    std::string rest = *expected.threshold;
    std::string why = "expected a comparison and a value: \"> 15%\"";
    const auto op = parse_op(rest);
    const auto value = op ? parse_expected(rest, unit, why) : std::nullopt;
    if (!op || !value) {
      invalid.push_back(location_text(expected.where) + ": error: threshold '" + *expected.threshold + "': " + why);
    } else {
      std::optional<CompareOp> actual_op;
      std::optional<Ratio> actual_value;
      if (result.threshold) {
        actual_op = result.threshold->op;
        actual_value = result.threshold->value;
      } else if (result.rule->target) {
        actual_op = result.rule->target->op;
        actual_value = result.rule->target->value;
      }
      if (!actual_op || *actual_op != *op || compare(*actual_value, value->value) != 0) {
        const std::string shown = threshold_shown(result);
        found.push_back("threshold: expected " + *expected.threshold + ", got " + (shown.empty() ? "none" : shown));
      }
    }
  }
  if (expected.evidence) {
    std::vector<std::string> want = *expected.evidence;
    std::vector<std::string> got(result.evidence.begin(), result.evidence.end());
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    if (want != got) found.push_back("evidence: expected " + ids_text(want) + ", got " + ids_text(got));
  }
  if (const std::string message = note_text(result.note, Lang::En);
      expected.message && message.find(*expected.message) == std::string::npos) {
    found.push_back("message: expected it to contain '" + *expected.message + "', got '" + message + "'");
  }
  if (expected.outside_period != result.outside_validity) {
    found.push_back(expected.outside_period ? "expected the group outside the rule's period, it is inside"
                                            : "the group lies outside the rule's period (say outside_period = true)");
  }
  if (found.empty()) return;
  differences.push_back(label + "  (" + location_text(expected.where) + ")");
  for (const auto& line : found) differences.push_back("    " + line);
  differences.push_back("    result: " + describe(result));
}

}  // namespace

TestOutcome run_rule_test(const RuleTest& test) {
  TestOutcome outcome;
  const auto invalid = [&](std::vector<std::string> lines) {
    outcome.verdict = Verdict::Invalid;
    outcome.lines = std::move(lines);
    return outcome;
  };

  Diagnostics diagnostics;
  std::unique_ptr<CompiledRuleSet> rules = check_rule_file(test.rules_path, diagnostics);
  if (!rules) {
    std::ostringstream text;
    diagnostics.print(text);
    std::vector<std::string> lines = {location_text(test.rules_where) + ": error: the rule file " + test.rules_path +
                                      " does not check (" + std::to_string(diagnostics.error_count()) + " errors):"};
    std::string line;
    std::istringstream in(text.str());
    while (std::getline(in, line)) lines.push_back(line);
    return invalid(std::move(lines));
  }

  // The compared rules, each of the rule set (its imports included).
  std::vector<std::string> problems;
  std::vector<std::string> ids;
  for (const auto& rule : rules->rules) ids.push_back(rule.id);
  for (const std::string& id : test.rules) {
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
    const bool outside = std::find(rules->rules_outside_period.begin(), rules->rules_outside_period.end(), id) !=
                         rules->rules_outside_period.end();
    problems.push_back(location_text(test.where) + ": error: rule '" + id + "' " +
                       (outside ? "is not run by " + rules->info.id + ": its period does not overlap the rule set's"
                                : "is not in " + test.rules_path + hint(id, ids)));
  }
  if (!problems.empty()) return invalid(std::move(problems));
  std::erase_if(rules->rules, [&](const CompiledRule& rule) {
    return std::find(test.rules.begin(), test.rules.end(), rule.id) == test.rules.end();
  });

  std::vector<InlineDataset> loaded;
  DatasetMap datasets;
  for (const InlineRows& rows : test.data) {
    const auto found = test.defaults.find(rows.schema->name);
    static const std::map<std::string, std::string> none;
    auto dataset = load_inline_rows(rows, found == test.defaults.end() ? none : found->second, test.where.file, problems);
    if (!dataset) continue;
    datasets[rows.schema->kind] = &dataset->loaded->data;
    loaded.push_back(std::move(*dataset));
  }
  if (!problems.empty()) return invalid(std::move(problems));

  EvaluateOptions options;
  options.threads = 1;
  const std::vector<RuleResult> results = evaluate_rules(*rules, datasets, test.as_of, options);

  // Group by group: each expectation takes the first result of its rule and group not yet taken.
  std::vector<bool> taken(results.size(), false);
  std::vector<std::string> differences;
  for (const Expectation& expected : test.expectations) {
    const std::string label = expected.rule + "  " + expected.group;
    std::optional<std::size_t> match;
    for (std::size_t i = 0; i < results.size() && !match; ++i) {
      if (!taken[i] && results[i].rule->id == expected.rule && format_group(results[i].group) == expected.group) match = i;
    }
    if (!match) {
      std::string groups;
      for (const auto& result : results) {
        if (result.rule->id == expected.rule) groups += (groups.empty() ? "" : "; ") + format_group(result.group);
      }
      differences.push_back(label + "  (" + location_text(expected.where) + ")");
      differences.push_back("    no such group in the results (expected " + std::string(status_name(expected.status)) + ")");
      differences.push_back("    the groups of " + expected.rule + ": " + (groups.empty() ? "none" : groups));
      continue;
    }
    taken[*match] = true;
    compare_one(expected, results[*match], label, differences, problems);
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (taken[i]) continue;
    differences.push_back(results[i].rule->id + "  " + format_group(results[i].group));
    differences.push_back("    not expected: " + describe(results[i]));
  }
  if (!problems.empty()) return invalid(std::move(problems));
  if (!differences.empty()) {
    outcome.verdict = Verdict::Failed;
    outcome.lines = std::move(differences);
  }
  return outcome;
}

std::vector<std::string> find_test_files(const std::string& path, std::string& error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_regular_file(path, ec)) return {path};
  if (!fs::is_directory(path, ec)) {
    error = path + ": no such file or folder";
    return files;
  }
  const auto suffix = std::string(kTestFileSuffix);
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      files.push_back(it->path().lexically_normal().string());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) error = path + ": no test files (*" + suffix + ") in it";
  return files;
}

int run_test_paths(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
  std::vector<std::string> files;
  bool bad = false;
  for (const std::string& path : paths) {
    std::string error;
    const auto found = find_test_files(path, error);
    if (!error.empty()) {
      err << "toets: error: " << error << "\n";
      bad = true;
    }
    for (const auto& file : found) {
      if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
    }
  }
  std::size_t passed = 0, failed = 0, unusable = 0;
  for (const std::string& path : files) {
    std::vector<TestFileError> errors;
    const auto file = read_test_file(path, errors);
    if (!file) {
      for (const auto& error : errors) err << error_text(error) << "\n";
      err << "toets: " << path << ": not a usable test file; its tests did not run\n";
      bad = true;
      continue;
    }
    out << path << "\n";
    for (const RuleTest& test : file->tests) {
      const TestOutcome outcome = run_rule_test(test);
      switch (outcome.verdict) {
        case Verdict::Passed:
          ++passed;
          out << "  pass  " << test.name << "\n";
          break;
        case Verdict::Failed:
          ++failed;
          out << "  FAIL  " << test.name << "  (" << location_text(test.where) << ")\n";
          for (const auto& line : outcome.lines) out << "        " << line << "\n";
          break;
        case Verdict::Invalid:
          ++unusable;
          bad = true;
          out << "  ERROR " << test.name << "  (" << location_text(test.where) << "; see the errors)\n";
          for (const auto& line : outcome.lines) err << line << "\n";
          break;
      }
    }
  }
  out << "toets test: " << files.size() << " file" << (files.size() == 1 ? "" : "s") << ", " << passed << " passed, "
      << failed << " failed" << (unusable > 0 ? ", " + std::to_string(unusable) + " could not run" : "") << "\n";
  if (bad || passed + failed == 0) {
    if (passed + failed + unusable == 0 && !bad) err << "toets: error: no tests were run\n";
    return 2;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace toets::ruletest
