#include "engine/run/plan.hpp"

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

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "dsl/source/regular_file.hpp"
#include "engine/base/atomic_file.hpp"
#include "engine/data/check_outcome.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/input/input.hpp"
#include "engine/input/mapping.hpp"
#include "engine/report/report_common.hpp"
#include "engine/eval/rule_selection.hpp"
#include "engine/input/small_file.hpp"
#include "engine/run/check_job.hpp"
#include "engine/store/store.hpp"

namespace toets {

namespace fs = std::filesystem;

namespace {

std::string file_safe(std::string_view name) {
  std::string out;
  for (const char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out.empty() ? "ruleset" : out;
}

}  // namespace

std::string import_path(const PlanImport& import, const std::string& exports_folder) {
  const auto in_exports = [&](const std::string& file) {
    const fs::path p(file);
    if (p.is_absolute()) return p.lexically_normal().string();
    return (fs::path(exports_folder) / p).lexically_normal().string();
  };
  // A table of an SQLite database (as `--data KIND=sqlite:FILE:TABLE`): its FILE lies where the
  // exports do. A malformed spec is left as written for the plan's check to name.
  std::string malformed;
  if (const auto table = parse_sqlite_spec(import.file, malformed)) {
    return "sqlite:" + in_exports(table->file) + ":" + table->table;
  }
  return in_exports(import.file);
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
    std::string malformed;
    const auto table = parse_sqlite_spec(run.files[i], malformed);
    if (!malformed.empty()) {
      run.error(import.schema->name + " export " + import.file + ": " + malformed, run.at(import.line));
      ok = false;
    } else if (const auto problem = file_problem(table ? table->file : run.files[i])) {
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
      // The reader `toets import --data` uses: a file, or a table of an SQLite database.
      CheckInput input;
      input.schema = import.schema;
      input.spec = run.files[i];
      input.dialect.mapping_path = import.mapping;
      input.dialect.sheet = import.sheet;
      std::string hash;  // of exactly the bytes loaded
      loaded.push_back(std::make_unique<LoadedDataset>(load_check_input(input, &hash)));
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
