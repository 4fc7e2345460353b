#include "engine/plan.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "dsl/calendar.hpp"
#include "dsl/checker.hpp"
#include "dsl/regular_file.hpp"
#include "engine/atomic_file.hpp"
#include "engine/check_outcome.hpp"
#include "engine/evaluator.hpp"
#include "engine/input.hpp"
#include "engine/mapping.hpp"
#include "engine/report_common.hpp"
#include "engine/rule_selection.hpp"
#include "engine/small_file.hpp"

namespace toets {

namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// A value: "quoted" (may hold '#' and spaces) or bare up to a " #" comment.
std::optional<std::string> parse_value(std::string_view text, std::string& error) {
  text = trim(text);
  if (!text.empty() && text.front() == '"') {
    const std::size_t end = text.find('"', 1);
    if (end == std::string_view::npos) {
      error = "unterminated quote";
      return std::nullopt;
    }
    const std::string_view rest = trim(text.substr(end + 1));
    if (!rest.empty() && rest.front() != '#') {
      error = "unexpected text after the quoted value";
      return std::nullopt;
    }
    return std::string(text.substr(1, end - 1));
  }
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '#' && std::isspace(static_cast<unsigned char>(text[i - 1]))) {
      text = trim(text.substr(0, i));
      break;
    }
  }
  return std::string(text);
}


// Bracketed text from the plan, shown as quoted_for_message shows it but without the quotes.
std::string printable_for_message(std::string_view text) {
  const std::string quoted = quoted_for_message(text);
  return quoted.substr(1, quoted.size() - 2);
}

std::string resolve(const std::string& plan_file, const std::string& path) {
  const fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  const fs::path base = fs::path(plan_file).parent_path();
  return (base / p).lexically_normal().string();
}

constexpr std::string_view kTopKeys[] = {"store", "output", "exports", "as_of", "mode", "formats", "lang",
                                         "min_group_size", "pseudonymise", "fail_on", "max_rejected"};

std::string known_list(std::span<const std::string_view> keys) {
  std::string text;
  for (const auto key : keys) text += std::string(text.empty() ? "" : ", ") + std::string(key);
  return text;
}

std::string file_safe(std::string_view name) {
  std::string out;
  for (const char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out.empty() ? "ruleset" : out;
}

}  // namespace

std::optional<Plan> parse_plan(std::string_view text, const std::string& name, std::vector<std::string>& errors) {
  Plan plan;
  plan.file = name;
  const std::size_t errors_before = errors.size();
  enum class Section { Top, Import, Check, Unknown } section = Section::Top;
  std::set<std::string> seen_top;
  std::set<std::string> seen_in_section;
  std::uint32_t line_number = 0;
  bool have_store = false, have_output = false;
  std::optional<std::uint32_t> mode_line;
  // A binary file given as a plan would make a mistake of every line: the first kMaxPlanErrors
  // are listed, the rest counted.
  std::size_t not_shown = 0;
  auto error = [&](std::uint32_t line, const std::string& message) {
    if (errors.size() - errors_before >= kMaxPlanErrors) {
      ++not_shown;
      return;
    }
    errors.push_back(name + ":" + std::to_string(line) + ": " + message);
  };
  auto close_section = [&]() {
    if (section == Section::Import && plan.imports.back().file.empty()) {
      error(plan.imports.back().line, "[import " + plan.imports.back().schema->name + "] names no file (file = PATH)");
    }
    if (section == Section::Check && plan.checks.back().rules.empty()) {
      error(plan.checks.back().line, "[check] names no rule set (rules = PATH)");
    }
  };

  std::size_t at = 0;
  if (text.starts_with("\xEF\xBB\xBF")) at = 3;
  while (at <= text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(at, end - at));
    at = end + 1;
    ++line_number;
    if (line.find('\0') != std::string_view::npos) {
      // A path with a NUL byte would be cut short there by the system: another file, silently.
      error(line_number, "a NUL byte; a plan is text");
      continue;
    }
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      if (end == text.size()) break;
      continue;
    }
    if (line.front() == '[') {
      close_section();
      seen_in_section.clear();
      const std::size_t close = line.find(']');
      if (close == std::string_view::npos) {
        error(line_number, "a section header needs a closing ']'");
        section = Section::Unknown;
        continue;
      }
      const std::string_view header = trim(line.substr(1, close - 1));
      const std::size_t space = header.find_first_of(" \t");
      const std::string_view kind = trim(header.substr(0, space));
      const std::string_view argument = space == std::string_view::npos ? "" : trim(header.substr(space));
      if (kind == "import") {
        const DatasetSchema* schema = find_dataset(argument);
        if (schema == nullptr) {
          error(line_number, "[import " + printable_for_message(argument) +
                                 "]: expected a kind: allocations, stock, mutations or projects");
          section = Section::Unknown;
          continue;
        }
        plan.imports.push_back(PlanImport{schema, "", "", line_number});
        section = Section::Import;
      } else if (kind == "check") {
        if (!argument.empty()) {
          error(line_number, "[check] takes no name; give the rule set as rules = PATH");
        }
        plan.checks.push_back(PlanCheck{"", line_number});
        section = Section::Check;
      } else {
        error(line_number, "unknown section [" + printable_for_message(header) + "]: expected [import KIND] or [check]");
        section = Section::Unknown;
      }
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      error(line_number, "expected KEY = VALUE");
      continue;
    }
    const std::string key(trim(line.substr(0, eq)));
    std::string value_error;
    const auto value = parse_value(line.substr(eq + 1), value_error);
    if (!value) {
      error(line_number, value_error);
      continue;
    }
    if (value->empty()) {
      error(line_number, quoted_for_message(key) + " has no value");
      continue;
    }
    if (section == Section::Unknown) continue;
    if (section == Section::Import || section == Section::Check) {
      if (!seen_in_section.insert(key).second) {
        error(line_number, quoted_for_message(key) + " is given twice in this section");
        continue;
      }
    }
    if (section == Section::Import) {
      PlanImport& import = plan.imports.back();
      if (key == "file") import.file = *value;
      else if (key == "mapping") import.mapping = resolve(name, *value);
      else if (key == "sheet") import.sheet = *value;
      else error(line_number, "unknown key " + quoted_for_message(key) + " in [import]: expected file, mapping or sheet");
      continue;
    }
    if (section == Section::Check) {
      if (key == "rules") plan.checks.back().rules = resolve(name, *value);
      else error(line_number, "unknown key " + quoted_for_message(key) + " in [check]: expected rules");
      continue;
    }
    // Top level.
    if (std::find(std::begin(kTopKeys), std::end(kTopKeys), key) == std::end(kTopKeys)) {
      error(line_number, "unknown key " + quoted_for_message(key) + ": expected one of " + known_list(kTopKeys) +
                             " (before the first section), or a section [import KIND] or [check]");
      continue;
    }
    if (!seen_top.insert(key).second) {
      error(line_number, quoted_for_message(key) + " is given twice");
      continue;
    }
    if (key == "store") {
      plan.store = resolve(name, *value);
      have_store = true;
    } else if (key == "output") {
      plan.output = resolve(name, *value);
      have_output = true;
    } else if (key == "exports") {
      plan.exports = resolve(name, *value);
    } else if (key == "as_of") {
      if (*value == "today") {
        plan.as_of.reset();
      } else if (const auto day = parse_iso_date(*value)) {
        plan.as_of = *day;
      } else {
        error(line_number, "as_of " + quoted_for_message(*value) + ": expected today or a date YYYY-MM-DD");
      }
    } else if (key == "mode") {
      if (*value == "merge") plan.mode = ImportMode::Merge;
      else if (*value == "replace") plan.mode = ImportMode::Replace;
      else error(line_number, "mode " + quoted_for_message(*value) + ": expected merge or replace");
      mode_line = line_number;
    } else if (key == "formats") {
      plan.formats.clear();
      std::string list = *value;
      std::replace(list.begin(), list.end(), ',', ' ');
      std::istringstream in(list);
      for (std::string item; in >> item;) {
        const auto format = parse_report_format(item);
        if (!format) {
          error(line_number, "format " + quoted_for_message(item) + ": expected text, json, html, markdown or junit");
        } else if (std::find(plan.formats.begin(), plan.formats.end(), *format) == plan.formats.end()) {
          plan.formats.push_back(*format);
        }
      }
      if (plan.formats.empty()) error(line_number, "formats names no format");
    } else if (key == "lang") {
      const auto lang = parse_lang(*value);
      if (!lang) error(line_number, "lang " + quoted_for_message(*value) + ": expected nl or en");
      else plan.lang = *lang;
    } else if (key == "min_group_size") {
      std::uint64_t n = 0;
      const auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
      if (ec != std::errc() || ptr != value->data() + value->size() || n < 1 || n > 1000000) {
        error(line_number, "min_group_size " + quoted_for_message(*value) + ": expected a whole number from 1");
      } else {
        plan.min_group_size = n;
      }
    } else if (key == "pseudonymise") {
      plan.pseudonym_key_file = resolve(name, *value);
    } else if (key == "fail_on") {
      if (*value == "signal") plan.fail_on_signal = true;
      else if (*value == "breach") plan.fail_on_signal = false;
      else error(line_number, "fail_on " + quoted_for_message(*value) + ": expected signal or breach");
    } else if (key == "max_rejected") {
      if (const auto ppm = parse_max_rejected(*value)) plan.max_rejected_ppm = *ppm;
      else error(line_number, "max_rejected " + quoted_for_message(*value) +
                              ": expected a percentage from 0% to 100%, like 1%");
    }
  }
  close_section();
  if (not_shown > 0) {
    errors.push_back(name + ": " + std::to_string(not_shown) + " more mistake" + (not_shown == 1 ? "" : "s") +
                     " not shown");
  }
  if (plan.exports.empty()) plan.exports = resolve(name, ".");
  if (!have_store) errors.push_back(name + ": the plan names no store (store = FILE)");
  if (!have_output) errors.push_back(name + ": the plan names no output folder (output = FOLDER)");
  if (plan.checks.empty()) errors.push_back(name + ": the plan has no [check] section (rules = FILE)");
  if (plan.mode == ImportMode::Replace) {
    std::set<std::string> kinds;
    for (const auto& import : plan.imports) {
      if (!kinds.insert(import.schema->name).second) {
        error(mode_line.value_or(import.line),
              "mode = replace with two imports of " + import.schema->name + ": the second would replace the first");
      }
    }
  }
  if (errors.size() != errors_before) return std::nullopt;
  return plan;
}

std::optional<Plan> load_plan(const std::string& path, std::vector<std::string>& errors) {
  // Bounded: `toets run /dev/zero` stops at the limit; a directory is not read as an empty plan.
  std::string problem;
  const std::optional<std::string> text = read_small_file(path, kMaxPlanBytes, "a plan", problem);
  if (!text) {
    errors.push_back(path + ": " + problem);
    return std::nullopt;
  }
  return parse_plan(*text, path, errors);
}

std::string import_path(const PlanImport& import, const std::string& exports_folder) {
  const fs::path p(import.file);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (fs::path(exports_folder) / p).lexically_normal().string();
}

// ---------------------------------------------------------------------------------------------
// History

namespace {

std::vector<GroupField> parse_group(const std::string& text) {
  std::vector<GroupField> fields;
  const auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
  if (!parsed.is_object()) return fields;
  for (const auto& [name, value] : parsed.items()) {
    GroupField field;
    field.name = name;
    if (value.is_number_integer()) field.number = value.get<std::int64_t>();
    else if (value.is_string()) field.text = value.get<std::string>();
    fields.push_back(std::move(field));
  }
  return fields;
}

bool is_problem(Status status) {
  return status == Status::Signal || status == Status::Breach || status == Status::AtRisk;
}

int severity(Status status) { return status == Status::Breach ? 2 : is_problem(status) ? 1 : 0; }

std::optional<Movement> movement_between(std::optional<Status> from, Status to) {
  if (!from) return is_problem(to) ? std::optional(Movement::New) : std::nullopt;
  if (*from == to) return std::nullopt;
  const bool was = is_problem(*from), is = is_problem(to);
  if (!was && is) return Movement::New;
  if (was && !is) return to == Status::Ok || to == Status::OnTrack ? Movement::Resolved : Movement::Other;
  if (was && is) {
    if (severity(to) > severity(*from)) return Movement::Worse;
    if (severity(to) < severity(*from)) return Movement::Better;
  }
  return Movement::Other;
}

}  // namespace

ReportHistory build_history(const std::vector<RunInfo>& runs, const std::vector<std::vector<StoredResult>>& results) {
  ReportHistory history;
  if (runs.empty() || results.size() != runs.size()) return history;
  for (const auto& run : runs) history.runs.push_back(RunRef{run.id, run.recorded_at, run.as_of});
  history.current = history.runs.back();
  if (history.runs.size() >= 2) history.previous = history.runs[history.runs.size() - 2];

  // Every run's statuses by key.
  std::vector<std::map<std::string, const StoredResult*>> by_run(runs.size());
  std::vector<std::string> current_order;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (const StoredResult& result : results[r]) {
      const std::string key = result_key(result.rule, parse_group(result.group_json));
      by_run[r][key] = &result;
      history.results[key].points.push_back(
          HistoryPoint{runs[r].id, runs[r].as_of, result.status, result.measure});
      if (r + 1 == runs.size()) current_order.push_back(key);
    }
  }
  // Keys that only earlier runs had keep their points but get no streak.
  const std::size_t last = runs.size() - 1;
  for (const std::string& key : current_order) {
    ResultHistory& h = history.results[key];
    const StoredResult& now = *by_run[last].at(key);
    std::size_t first = last;
    while (first > 0) {
      const auto found = by_run[first - 1].find(key);
      if (found == by_run[first - 1].end() || found->second->status != now.status) break;
      --first;
    }
    h.streak = last - first + 1;
    h.status_since = runs[first].as_of;
    if (last > 0) {
      const auto before = by_run[last - 1].find(key);
      if (before != by_run[last - 1].end()) h.previous_status = before->second->status;
      h.movement = movement_between(h.previous_status, now.status);
    }
    if (h.movement) {
      HistoryChange change;
      change.movement = *h.movement;
      change.rule = now.rule;
      change.rule_title = now.rule_title;
      change.group = parse_group(now.group_json);
      change.from = h.previous_status;
      change.to = now.status;
      if (h.previous_status) change.from_measure = by_run[last - 1].at(key)->measure_text;
      change.to_measure = now.measure_text;
      history.changes.push_back(std::move(change));
    }
  }
  if (last > 0) {
    for (const StoredResult& before : results[last - 1]) {
      const std::string key = result_key(before.rule, parse_group(before.group_json));
      if (by_run[last].count(key) > 0) continue;
      HistoryChange change;
      change.movement = Movement::Other;
      change.rule = before.rule;
      change.rule_title = before.rule_title;
      change.group = parse_group(before.group_json);
      change.from = before.status;
      change.from_measure = before.measure_text;
      history.changes.push_back(std::move(change));
    }
  }
  return history;
}

ReportHistory load_history(Store& store, std::int64_t run_id, std::size_t max_runs) {
  const auto run = store.run(run_id);
  if (!run) return {};
  std::vector<RunInfo> runs;
  for (auto& other : store.runs(run->ruleset_id)) {
    if (other.id <= run_id) runs.push_back(std::move(other));
  }
  if (max_runs > 0 && runs.size() > max_runs) runs.erase(runs.begin(), runs.end() - static_cast<std::ptrdiff_t>(max_runs));
  std::vector<std::vector<StoredResult>> results;
  results.reserve(runs.size());
  for (const auto& r : runs) results.push_back(store.results(r.id));
  return build_history(runs, results);
}

// ---------------------------------------------------------------------------------------------
// Running a plan

namespace {

struct Prepared {
  std::unique_ptr<CompiledRuleSet> rules;
};

std::string read_key_file(const std::string& path, std::string& error) {
  std::string problem;
  std::optional<std::string> text = read_small_file(path, kMaxKeyFileBytes, "a pseudonym key file", problem);
  if (!text) {
    error = path + ": " + problem + " (the pseudonym key file)";
    return "";
  }
  std::string key = std::move(*text);
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.size() < 16) {
    error = path + ": a pseudonym key must be at least 16 characters (it is the secret behind every pseudonym)";
    return "";
  }
  return key;
}

// Why `path` cannot be read as a file named in the plan: "no such file", "it is a named pipe
// (FIFO), not a regular file", "a loop of symbolic links (...)"; nullopt for a regular file.
std::optional<std::string> file_problem(const std::string& path) {
  auto problem = regular_file_problem(path);
  if (problem && problem->ends_with(std::strerror(ENOENT))) return std::string("no such file");
  if (problem) problem = problem->substr(problem->find(": ") + 2);
  return problem;
}

// A plan being run: the plan with the command line's folders, and what has happened so far.
struct PlanRun {
  Plan plan;
  const PlanRunOptions& options;
  std::vector<std::string> files;  // each import's file
  ReportOptions report_options;
  PlanOutcome outcome;

  void error(const std::string& message, const std::string& location = "") {
    outcome.events.push_back({EventSeverity::Error, message, location});
  }
  void progress(const std::string& message) { outcome.events.push_back({EventSeverity::Progress, message}); }
  std::string at(std::uint32_t line) const { return plan.file + ":" + std::to_string(line); }
  // The closing line of a plan that stopped before it wrote anything.
  PlanOutcome nothing_done() {
    outcome.events.push_back({EventSeverity::Summary, "nothing was imported, checked or written", plan.file});
    return std::move(outcome);
  }
};

// The rule sets, each checked; false after the errors (their diagnostics as details).
bool prepare_rules(PlanRun& run, std::vector<Prepared>& prepared) {
  bool ok = true;
  for (const auto& check : run.plan.checks) {
    if (const auto problem = file_problem(check.rules)) {
      run.error("rule set " + check.rules + ": " + *problem, run.at(check.line));
      ok = false;
      continue;
    }
    Diagnostics diagnostics;
    auto rules = check_rule_file(check.rules, diagnostics);
    if (!rules) {
      std::ostringstream text;
      diagnostics.print(text);
      std::istringstream lines(text.str());
      for (std::string line; std::getline(lines, line);) run.outcome.events.push_back({EventSeverity::Detail, line});
      run.error("rule set " + check.rules + " has " + std::to_string(diagnostics.error_count()) + " error" +
                    (diagnostics.error_count() == 1 ? "" : "s"),
                run.at(check.line));
      ok = false;
      continue;
    }
    prepared.push_back(Prepared{std::move(rules)});
  }
  if (!run.options.select.empty() && ok) {
    // --select: each name a rule of one of the plan's rule sets; a rule set without any is left out.
    std::vector<const CompiledRuleSet*> sets;
    for (const Prepared& p : prepared) sets.push_back(p.rules.get());
    for (const std::string& problem : selection_problems(sets, run.options.select)) {
      run.error("--select: " + problem, run.plan.file);
      ok = false;
    }
    for (Prepared& p : prepared) keep_selected_rules(*p.rules, run.options.select);
    std::erase_if(prepared, [](const Prepared& p) { return p.rules->rules.empty(); });
  }
  return ok;
}

// Every file, folder and setting the plan names; false after the errors.
bool check_before_writing(PlanRun& run, std::vector<Prepared>& prepared) {
  const Plan& plan = run.plan;
  bool ok = true;
  std::error_code ec;
  if (!plan.imports.empty() && !fs::is_directory(plan.exports, ec)) {
    run.error("the exports folder " + plan.exports + " does not exist", plan.file);
    ok = false;
  }
  for (std::size_t i = 0; i < plan.imports.size(); ++i) {
    const PlanImport& import = plan.imports[i];
    if (const auto problem = file_problem(run.files[i])) {
      run.error(import.schema->name + " export " + run.files[i] + ": " + *problem, run.at(import.line));
      ok = false;
    }
    if (const auto problem = import.mapping.empty() ? std::nullopt : file_problem(import.mapping)) {
      run.error("mapping " + import.mapping + ": " + *problem, run.at(import.line));
      ok = false;
    }
  }
  ok &= prepare_rules(run, prepared);
  if (!plan.pseudonym_key_file.empty()) {
    std::string error;
    run.report_options.pseudonym_key = read_key_file(plan.pseudonym_key_file, error);
    if (!error.empty()) {
      run.error(error, plan.file);
      ok = false;
    }
  }
  const fs::path store_path(plan.store);
  if (!fs::exists(store_path, ec)) {
    const fs::path parent = store_path.parent_path().empty() ? fs::path(".") : store_path.parent_path();
    if (!fs::is_directory(parent, ec)) {
      run.error("the store's folder " + parent.string() + " does not exist", plan.file);
      ok = false;
    }
  } else if (fs::is_directory(store_path, ec)) {
    run.error("the store " + plan.store + " is a folder", plan.file);
    ok = false;
  }
  if (fs::exists(plan.output, ec) && !fs::is_directory(plan.output, ec)) {
    run.error("the output " + plan.output + " is not a folder", plan.file);
    ok = false;
  }
  return ok;
}

// The exports, read in full before the store is touched; false after the errors.
bool read_exports(PlanRun& run, std::vector<std::unique_ptr<LoadedDataset>>& loaded, std::vector<std::string>& hashes) {
  bool ok = true;
  for (std::size_t i = 0; i < run.plan.imports.size(); ++i) {
    const PlanImport& import = run.plan.imports[i];
    try {
      InputSpec spec;
      spec.path = run.files[i];
      spec.mapping_path = import.mapping;
      spec.sheet = import.sheet;
      std::string hash;  // of exactly the bytes loaded
      loaded.push_back(std::make_unique<LoadedDataset>(load_input(*import.schema, spec, &hash)));
      hashes.push_back(std::move(hash));
    } catch (const DataFileError& error) {
      run.error(error.what());
      ok = false;
    }
  }
  return ok;
}

// One transaction for every export.
void import_exports(PlanRun& run, Store& store, const std::vector<std::unique_ptr<LoadedDataset>>& loaded,
                    const std::vector<std::string>& hashes) {
  std::vector<ImportRequest> requests;
  for (std::size_t i = 0; i < run.plan.imports.size(); ++i) {
    requests.push_back(ImportRequest{run.plan.imports[i].schema, run.files[i], hashes[i], loaded[i].get()});
  }
  if (requests.empty()) return;
  for (const auto& imported : store.import(requests, run.plan.mode, run.options.now)) {
    std::ostringstream line;
    if (imported.skipped) {
      line << "import " << imported.kind << " " << imported.source << ": already imported (import "
           << imported.import_id << ", " << imported.earlier_time << "); nothing to do";
    } else {
      line << "import " << imported.kind << " " << imported.source << ": " << imported.rows_read << " rows read, "
           << imported.rows_stored << " stored (" << imported.rows_new << " new, " << imported.rows_replaced
           << " replaced), " << imported.rows_rejected << " rejected";
    }
    run.progress(line.str());
  }
}

// Every rule set checked over the store, its run recorded; the worst exit status of the checks.
int run_checks(PlanRun& run, Store& store, const std::vector<Prepared>& prepared, std::int32_t as_of,
               std::vector<CheckJobOutcome>& checks) {
  int verdict = kExitClear;
  for (const Prepared& p : prepared) {
    CheckJob job;
    job.rules = p.rules.get();
    job.as_of = as_of;
    job.store = &store;
    job.store_name = run.plan.store;
    job.record = run.options.select.empty();
    job.now = run.options.now;
    job.max_rejected_ppm = run.options.max_rejected_ppm.value_or(run.plan.max_rejected_ppm);
    job.name_ruleset = true;
    job.say_each_step = false;
    job.report_options = run.report_options;
    CheckJobOutcome& check = checks.emplace_back(run_check_job(job));
    for (Event& event : check.events) run.outcome.events.push_back(std::move(event));
    const CompiledRuleSet& rules = *p.rules;
    std::ostringstream line;
    if (check.run_id != 0) {
      run.outcome.runs.push_back(check.run_id);
      line << "check " << rules.info.id << ": run " << check.run_id << " recorded;";
    } else {
      line << "check " << rules.info.id << ": " << rules.rules.size() << " selected rule"
           << (rules.rules.size() == 1 ? "" : "s") << ", not recorded (--select);";
    }
    for (const auto& [status, count] : check.report.summary()) line << " " << count << " " << status_name(status);
    run.progress(line.str());
    verdict = std::max(verdict, check.exit_status);
    for (Event& finding : check.findings) run.outcome.events.push_back(std::move(finding));
  }
  return verdict;
}

// The reports, into output/AS_OF/: the rule sets together in HTML, Markdown and JUnit, one file
// each in JSON and text. False when one could not be written.
bool write_plan_reports(PlanRun& run, std::int32_t as_of, std::vector<CheckJobOutcome>& checks) {
  std::error_code ec;
  const fs::path folder = fs::path(run.plan.output) / format_date(as_of);
  fs::create_directories(folder, ec);
  if (ec) {
    run.error("cannot create " + folder.string() + ": " + ec.message());
    return false;
  }
  run.outcome.folder = folder.string();
  std::vector<ReportSection> sections;
  for (const CheckJobOutcome& check : checks) {
    sections.push_back(ReportSection{&check.report, check.history ? &*check.history : nullptr});
  }
  const auto write_file = [&](const std::string& name, ReportFormat format, const std::vector<ReportSection>& shown) {
    const fs::path target = folder / name;
    std::string error;
    auto file = AtomicFile::create(target.string(), error);  // a reader never sees half a report
    if (file) write_report(format, shown, file->stream(), run.report_options);
    if (!file || !file->commit(error)) {
      run.error(target.string() + ": " + error);
      return false;
    }
    run.outcome.files.push_back(target.string());
    return true;
  };
  bool written = true;
  for (const ReportFormat format : run.plan.formats) {
    if (format == ReportFormat::Html) written &= write_file("report.html", format, sections);
    else if (format == ReportFormat::Markdown) written &= write_file("summary.md", format, sections);
    else if (format == ReportFormat::Junit) written &= write_file("junit.xml", format, sections);
    else {
      for (const ReportSection& section : sections) {
        const std::string extension = format == ReportFormat::Json ? ".json" : ".txt";
        written &= write_file(file_safe(section.report->ruleset.id) + extension, format, {section});
      }
    }
  }
  for (const auto& file : run.outcome.files) run.progress("wrote " + file);
  return written;
}

}  // namespace

PlanOutcome run_plan(const Plan& plan_as_written, const PlanRunOptions& options) {
  PlanRun run{plan_as_written, options, {}, {}, {}};
  Plan& plan = run.plan;
  if (!options.exports.empty()) plan.exports = options.exports;
  if (!options.store.empty()) plan.store = options.store;
  if (!options.output.empty()) plan.output = options.output;
  for (const auto& import : plan.imports) run.files.push_back(import_path(import, plan.exports));
  run.outcome.exit_code = 2;
  const std::int32_t as_of = options.as_of ? *options.as_of : plan.as_of ? *plan.as_of : options.today;
  run.report_options.lang = plan.lang;
  run.report_options.min_group_size = plan.min_group_size;
  run.report_options.fail_on_signal = plan.fail_on_signal;

  // 1. Everything that can be checked before anything is written.
  std::vector<Prepared> prepared;
  const bool ok = check_before_writing(run, prepared);
  if (options.lang) run.report_options.lang = *options.lang;
  run.report_options.text_lang = options.lang;  // a text report speaks a language only when asked
  if (options.min_group_size) run.report_options.min_group_size = *options.min_group_size;
  if (!options.pseudonym_key.empty()) run.report_options.pseudonym_key = options.pseudonym_key;
  if (options.fail_on_signal) run.report_options.fail_on_signal = *options.fail_on_signal;
  if (!ok) return run.nothing_done();
  std::vector<std::unique_ptr<LoadedDataset>> loaded;
  std::vector<std::string> hashes;
  if (!read_exports(run, loaded, hashes)) return run.nothing_done();
  std::error_code ec;
  std::string store_error;
  auto store = Store::open(plan.store, fs::exists(plan.store, ec) ? StoreAccess::ReadWrite : StoreAccess::Create,
                           store_error);
  if (!store) {
    run.error(store_error, plan.file);
    return run.nothing_done();
  }
  for (const std::string& note : store->notes()) run.progress("store: " + note);

  // 2. Import; 3. check every rule set over the store, record its run; 4. the reports.
  import_exports(run, *store, loaded, hashes);
  std::vector<CheckJobOutcome> checks;
  checks.reserve(prepared.size());
  const int verdict = run_checks(run, *store, prepared, as_of, checks);
  if (write_plan_reports(run, as_of, checks)) run.outcome.exit_code = verdict;
  return std::move(run.outcome);
}

PlanOutcome run_plan(const Plan& plan, const PlanRunOptions& options, std::ostream& log) {
  PlanOutcome outcome = run_plan(plan, options);
  for (const Event& event : outcome.events) log << event_line(event) << "\n";
  return outcome;
}

}  // namespace toets
