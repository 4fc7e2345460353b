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

std::optional<ReportFormat> parse_report_format(std::string_view text) {
  if (text == "text") return ReportFormat::Text;
  if (text == "json") return ReportFormat::Json;
  if (text == "html") return ReportFormat::Html;
  if (text == "markdown" || text == "md") return ReportFormat::Markdown;
  if (text == "junit") return ReportFormat::Junit;
  return std::nullopt;
}

std::string_view report_format_name(ReportFormat format) {
  switch (format) {
    case ReportFormat::Text: return "text";
    case ReportFormat::Json: return "json";
    case ReportFormat::Html: return "html";
    case ReportFormat::Markdown: return "markdown";
    case ReportFormat::Junit: return "junit";
  }
  return "text";
}

namespace {

std::string file_safe(std::string_view name) {
  std::string out;
  for (const char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out.empty() ? "ruleset" : out;
}

}  // namespace

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
  std::string hash;
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

// Writes `write(out)` to folder/name through a temporary file (engine/atomic_file.hpp), so a
// reader never sees half a report and a failure leaves no temporary file behind.
template <typename Write>
bool write_file(const fs::path& folder, const std::string& name, Write write, std::ostream& log,
                std::vector<std::string>& files) {
  const fs::path target = folder / name;
  std::string error;
  auto file = AtomicFile::create(target.string(), error);
  if (file) write(file->stream());
  if (!file || !file->commit(error)) {
    log << "error: " << target.string() << ": " << error << "\n";
    return false;
  }
  files.push_back(target.string());
  return true;
}

}  // namespace

PlanOutcome run_plan(const Plan& plan_as_written, const PlanRunOptions& options, std::ostream& log) {
  Plan plan = plan_as_written;
  if (!options.exports.empty()) plan.exports = options.exports;
  if (!options.store.empty()) plan.store = options.store;
  if (!options.output.empty()) plan.output = options.output;
  std::vector<std::string> files;
  for (const auto& import : plan.imports) files.push_back(import_path(import, plan.exports));
  PlanOutcome outcome;
  outcome.exit_code = 2;
  const std::int32_t as_of = options.as_of ? *options.as_of : plan.as_of ? *plan.as_of : options.today;

  ReportOptions report_options;
  report_options.lang = plan.lang;
  report_options.min_group_size = plan.min_group_size;
  report_options.fail_on_signal = plan.fail_on_signal;

  // 1. Everything that can be checked before anything is written.
  bool ok = true;
  std::error_code ec;
  if (!plan.imports.empty() && !fs::is_directory(plan.exports, ec)) {
    log << plan.file << ": error: the exports folder " << plan.exports << " does not exist\n";
    ok = false;
  }
  for (std::size_t i = 0; i < plan.imports.size(); ++i) {
    const PlanImport& import = plan.imports[i];
    if (const auto problem = file_problem(files[i])) {
      log << plan.file << ":" << import.line << ": error: " << import.schema->name << " export " << files[i]
          << ": " << *problem << "\n";
      ok = false;
    }
    if (const auto problem = import.mapping.empty() ? std::nullopt : file_problem(import.mapping)) {
      log << plan.file << ":" << import.line << ": error: mapping " << import.mapping << ": " << *problem << "\n";
      ok = false;
    }
  }
  std::vector<Prepared> prepared;
  for (const auto& check : plan.checks) {
    if (const auto problem = file_problem(check.rules)) {
      log << plan.file << ":" << check.line << ": error: rule set " << check.rules << ": " << *problem << "\n";
      ok = false;
      continue;
    }
    Diagnostics diagnostics;
    auto rules = check_rule_file(check.rules, diagnostics);
    if (!rules) {
      std::ostringstream text;
      diagnostics.print(text);
      log << text.str();
      log << plan.file << ":" << check.line << ": error: rule set " << check.rules << " has "
          << diagnostics.error_count() << " error" << (diagnostics.error_count() == 1 ? "" : "s") << "\n";
      ok = false;
      continue;
    }
    Prepared p;
    p.hash = ruleset_sha256(*rules);
    p.rules = std::move(rules);
    prepared.push_back(std::move(p));
  }
  if (!options.select.empty() && ok) {
    // --select: each name a rule of one of the plan's rule sets; a rule set without any is left out.
    std::vector<const CompiledRuleSet*> sets;
    for (const Prepared& p : prepared) sets.push_back(p.rules.get());
    for (const std::string& problem : selection_problems(sets, options.select)) {
      log << plan.file << ": error: --select: " << problem << "\n";
      ok = false;
    }
    for (Prepared& p : prepared) keep_selected_rules(*p.rules, options.select);
    std::erase_if(prepared, [](const Prepared& p) { return p.rules->rules.empty(); });
  }
  if (!plan.pseudonym_key_file.empty()) {
    std::string error;
    report_options.pseudonym_key = read_key_file(plan.pseudonym_key_file, error);
    if (!error.empty()) {
      log << plan.file << ": error: " << error << "\n";
      ok = false;
    }
  }
  if (options.lang) report_options.lang = *options.lang;
  report_options.text_lang = options.lang;  // a text report speaks a language only when asked
  if (options.min_group_size) report_options.min_group_size = *options.min_group_size;
  if (!options.pseudonym_key.empty()) report_options.pseudonym_key = options.pseudonym_key;
  if (options.fail_on_signal) report_options.fail_on_signal = *options.fail_on_signal;
  const fs::path store_path(plan.store);
  if (!fs::exists(store_path, ec)) {
    const fs::path parent = store_path.parent_path().empty() ? fs::path(".") : store_path.parent_path();
    if (!fs::is_directory(parent, ec)) {
      log << plan.file << ": error: the store's folder " << parent.string() << " does not exist\n";
      ok = false;
    }
  } else if (fs::is_directory(store_path, ec)) {
    log << plan.file << ": error: the store " << plan.store << " is a folder\n";
    ok = false;
  }
  if (fs::exists(plan.output, ec) && !fs::is_directory(plan.output, ec)) {
    log << plan.file << ": error: the output " << plan.output << " is not a folder\n";
    ok = false;
  }
  if (!ok) {
    log << plan.file << ": nothing was imported, checked or written\n";
    return outcome;
  }

  // The exports, read in full before the store is touched.
  std::vector<std::unique_ptr<LoadedDataset>> loaded;
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < plan.imports.size(); ++i) {
    const PlanImport& import = plan.imports[i];
    try {
      InputSpec spec;
      spec.path = files[i];
      spec.mapping_path = import.mapping;
      spec.sheet = import.sheet;
      std::string hash;  // of exactly the bytes loaded
      loaded.push_back(std::make_unique<LoadedDataset>(load_input(*import.schema, spec, &hash)));
      hashes.push_back(std::move(hash));
    } catch (const DataFileError& error) {
      log << "error: " << error.what() << "\n";
      ok = false;
    }
  }
  if (!ok) {
    log << plan.file << ": nothing was imported, checked or written\n";
    return outcome;
  }
  std::string store_error;
  auto store = Store::open(plan.store, fs::exists(store_path, ec) ? StoreAccess::ReadWrite : StoreAccess::Create,
                           store_error);
  if (!store) {
    log << plan.file << ": error: " << store_error << "\n";
    log << plan.file << ": nothing was imported, checked or written\n";
    return outcome;
  }
  for (const std::string& note : store->notes()) log << "store: " << note << "\n";

  // 2. Import (one transaction for every export).
  std::vector<ImportRequest> requests;
  for (std::size_t i = 0; i < plan.imports.size(); ++i) {
    requests.push_back(ImportRequest{plan.imports[i].schema, files[i], hashes[i], loaded[i].get()});
  }
  if (!requests.empty()) {
    for (const auto& imported : store->import(requests, plan.mode, options.now)) {
      if (imported.skipped) {
        log << "import " << imported.kind << " " << imported.source << ": already imported (import "
            << imported.import_id << ", " << imported.earlier_time << "); nothing to do\n";
      } else {
        log << "import " << imported.kind << " " << imported.source << ": " << imported.rows_read << " rows read, "
            << imported.rows_stored << " stored (" << imported.rows_new << " new, " << imported.rows_replaced
            << " replaced), " << imported.rows_rejected << " rejected\n";
      }
    }
  }

  // 3. Check every rule set over the store, record the run, gather its history.
  std::vector<CheckReport> reports(prepared.size());
  std::vector<ReportHistory> histories(prepared.size());
  const std::uint32_t max_rejected_ppm = options.max_rejected_ppm.value_or(plan.max_rejected_ppm);
  int verdict = kExitClear;  // the worst exit status of the checks
  for (std::size_t c = 0; c < prepared.size(); ++c) {
    const CompiledRuleSet& rules = *prepared[c].rules;
    const std::vector<const DatasetSchema*> schemas = datasets_read_by(rules);
    std::map<DatasetKind, StoreDataset> data = store->load(schemas);
    DatasetMap datasets;
    std::vector<RunInput> inputs;
    CheckReport& report = reports[c];
    report.ruleset = rules.info;
    report.as_of = as_of;
    for (const DatasetSchema* schema : schemas) {
      const auto found = data.find(schema->kind);
      if (found == data.end()) continue;
      datasets[schema->kind] = &found->second.loaded.data;
      inputs.push_back(found->second.input);
      // The store's rows carry what their imports rejected (this run's exports among them).
      report.inputs.push_back(InputSummary{found->second.loaded.report, true});
    }
    assess_completeness(report, max_rejected_ppm);
    report.results = evaluate_rules(rules, datasets, as_of);
    const auto summary = report.summary();
    if (options.select.empty()) {
      const std::int64_t run_id = store->record_run(report, prepared[c].hash, inputs, options.now);
      outcome.runs.push_back(run_id);
      histories[c] = load_history(*store, run_id);
      log << "check " << rules.info.id << ": run " << run_id << " recorded;";
    } else {
      log << "check " << rules.info.id << ": " << rules.rules.size() << " selected rule"
          << (rules.rules.size() == 1 ? "" : "s") << ", not recorded (--select);";
    }
    for (const auto& [status, count] : summary) log << " " << count << " " << status_name(status);
    log << "\n";
    verdict = std::max(verdict, check_exit_status(report, report_options.fail_on_signal));
    for (const auto& result : report.results) {
      if (result.status == Status::Error && !result.outside_validity) {
        log << "error: rule " << result.rule->id << ": " << Privacy(report_options).message(result.message) << "\n";
      }
    }
    for (const auto& reason : report.incomplete) {
      log << "error: check " << rules.info.id << " is incomplete: " << incompleteness_text(reason, Lang::En) << "\n";
    }
  }

  // 4. The reports, into output/AS_OF/.
  const fs::path folder = fs::path(plan.output) / format_date(as_of);
  fs::create_directories(folder, ec);
  if (ec) {
    log << "error: cannot create " << folder.string() << ": " << ec.message() << "\n";
    return outcome;
  }
  outcome.folder = folder.string();
  std::vector<ReportSection> sections;
  for (std::size_t c = 0; c < reports.size(); ++c) sections.push_back(ReportSection{&reports[c], &histories[c]});
  bool written = true;
  for (const ReportFormat format : plan.formats) {
    switch (format) {
      case ReportFormat::Html:
        written &= write_file(folder, "report.html", [&](std::ostream& out) { write_html_report(sections, out, report_options); },
                              log, outcome.files);
        break;
      case ReportFormat::Markdown:
        written &= write_file(folder, "summary.md",
                              [&](std::ostream& out) { write_markdown_report(sections, out, report_options); }, log,
                              outcome.files);
        break;
      case ReportFormat::Junit:
        written &= write_file(folder, "junit.xml", [&](std::ostream& out) { write_junit_report(sections, out, report_options); },
                              log, outcome.files);
        break;
      case ReportFormat::Json:
        for (std::size_t c = 0; c < reports.size(); ++c) {
          written &= write_file(folder, file_safe(reports[c].ruleset.id) + ".json",
                                [&](std::ostream& out) { write_json_report(reports[c], out, report_options, &histories[c]); },
                                log, outcome.files);
        }
        break;
      case ReportFormat::Text:
        for (std::size_t c = 0; c < reports.size(); ++c) {
          written &= write_file(folder, file_safe(reports[c].ruleset.id) + ".txt",
                                [&](std::ostream& out) { write_text_report(reports[c], out, report_options); }, log,
                                outcome.files);
        }
        break;
    }
  }
  for (const auto& file : outcome.files) log << "wrote " << file << "\n";
  if (!written) return outcome;
  outcome.exit_code = verdict;
  return outcome;
}

}  // namespace toets
