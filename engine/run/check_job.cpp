#include "engine/run/check_job.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <set>
#include <thread>

#include "engine/base/atomic_file.hpp"
#include "engine/data/check_outcome.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/input/memory_limits.hpp"
#include "engine/run/plan.hpp"
#include "engine/report/privacy.hpp"

namespace toets {

std::optional<ReportFormat> parse_report_format(std::string_view text) {
  if (text == "text") return ReportFormat::Text;
  if (text == "json") return ReportFormat::Json;
  if (text == "html") return ReportFormat::Html;
  if (text == "markdown" || text == "md") return ReportFormat::Markdown;
  if (text == "junit") return ReportFormat::Junit;
  return std::nullopt;
}

std::size_t ids_listed(ReportFormat format) {
  switch (format) {
    case ReportFormat::Text:
      return kTextIdsListed;
    case ReportFormat::Html:
      return kHtmlIdsListed;
    case ReportFormat::Markdown:
      return kMarkdownIdsListed;
    case ReportFormat::Junit:
      return kJunitIdsListed;
    case ReportFormat::Json:
      break;
  }
  return static_cast<std::size_t>(-1);  // every id
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

void write_report(ReportFormat format, const std::vector<ReportSection>& sections, std::ostream& out,
                  const ReportOptions& options) {
  switch (format) {
    case ReportFormat::Json:
      write_json_report(*sections.front().report, out, options, sections.front().history);
      return;
    case ReportFormat::Text: write_text_report(*sections.front().report, out, options); return;
    case ReportFormat::Html: write_html_report(sections, out, options); return;
    case ReportFormat::Markdown: write_markdown_report(sections, out, options); return;
    case ReportFormat::Junit: write_junit_report(sections, out, options); return;
  }
}

std::string event_line(const Event& event) {
  const std::string where = event.location.empty() ? "" : event.location + ": ";
  switch (event.severity) {
    case EventSeverity::Error: return where + "error: " + event.message;
    case EventSeverity::Warning: return where + "warning: " + event.message;
    case EventSeverity::Summary: return where + event.message;
    case EventSeverity::Progress:
    case EventSeverity::Detail: break;
  }
  return event.message;
}

LoadedDataset load_check_input(const CheckInput& input, std::string* sha256) {
  std::string error;
  if (auto table = parse_sqlite_spec(input.spec, error)) {
    // A table's columns are named as the canonical format's; a mapping or sheet meant for it
    // would be ignored, so it is refused rather than dropped.
    if (!input.dialect.mapping_path.empty()) {
      throw DataFileError(input.spec + ": a mapping applies to export files, not to an SQLite table (" +
                          input.dialect.mapping_path + "); name the table's columns as docs/data-format.md does, "
                          "or select them under those names in a view");
    }
    if (!input.dialect.sheet.empty()) {
      throw DataFileError(input.spec + ": a sheet applies to a workbook, not to an SQLite table ('" +
                          input.dialect.sheet + "')");
    }
    SqliteReadOptions options;
    options.content_hash = sha256 != nullptr;
    SqliteLoaded loaded = read_sqlite_table(*input.schema, *table, options);
    if (sha256 != nullptr) *sha256 = loaded.sha256;
    return std::move(loaded.loaded);
  }
  if (!error.empty()) throw DataFileError(error);
  InputSpec spec = input.dialect;
  spec.path = input.spec;
  return load_input(*input.schema, spec, sha256);
}

namespace {

std::string plural(std::uint64_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

struct Gathered {
  DatasetMap datasets;
  std::vector<RunInput> run_inputs;  // what the store records about each input
};

// The files are read at once, each on threads of its own: a file's load ends in a stretch where
// its chunks are joined one by one, which the other file's reading fills (docs/performance.md).
// Every cell is checked, but only the columns a rule reads are kept. The first error in the order
// given is the one reported; false after it.
bool read_inputs(const CheckJob& job, CheckJobOutcome& outcome, std::vector<std::string>& sha256s) {
  const MemoryStage reading("reading the data");
  const std::size_t count = job.inputs.size();
  std::vector<std::unique_ptr<LoadedDataset>> results(count);
  std::vector<std::exception_ptr> failures(count);
  std::vector<CheckInput> inputs = job.inputs;
  sha256s.assign(count, "");
  for (CheckInput& input : inputs) {
    if (job.say_each_step) outcome.events.push_back({EventSeverity::Progress, "loading " + input.schema->name + " from " + input.spec});
    input.dialect.kept_columns = columns_read_by(*job.rules, *input.schema);
  }
  const auto load_one = [&](std::size_t i) {
    try {
      results[i] = std::make_unique<LoadedDataset>(load_check_input(inputs[i], job.store ? &sha256s[i] : nullptr));
    } catch (...) {
      failures[i] = std::current_exception();  // rethrown below, in this thread
    }
  };
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < count; ++i) threads.emplace_back(load_one, i);
    if (count > 0) load_one(0);
  }
  for (const std::exception_ptr& failure : failures) {
    if (!failure) continue;
    try {
      std::rethrow_exception(failure);
    } catch (const DataFileError& error) {
      outcome.events.push_back({EventSeverity::Error, error.what()});
      return false;
    }
  }
  outcome.data = std::move(results);
  return true;
}

// The files read into the report (a kind no rule reads is noted and left out).
void add_inputs(const CheckJob& job, const std::set<DatasetKind>& read_by_rules, const std::vector<std::string>& sha256s,
                CheckJobOutcome& outcome, Gathered& gathered) {
  for (std::size_t i = 0; i < job.inputs.size(); ++i) {
    const CheckInput& input = job.inputs[i];
    const DatasetSchema& schema = *input.schema;
    LoadedDataset& data = *outcome.data[i];
    const bool used = read_by_rules.count(schema.kind) > 0;
    if (data.report.rows_rejected > 0) {
      outcome.events.push_back({EventSeverity::Warning, input.spec + ": " + std::to_string(data.report.rows_rejected) +
                                                       " of " + std::to_string(data.report.rows_read) +
                                                       " rows rejected and left out of the check (see the report)"});
    }
    if (!used) {
      outcome.report.notes.push_back("no rule of this rule set reads " + schema.name + "; " + input.spec + " was ignored");
    } else {
      gathered.datasets[schema.kind] = &data.data;
    }
    outcome.report.inputs.push_back(InputSummary{data.report, used});
    gathered.run_inputs.push_back(RunInput{schema.name, input.spec, sha256s[i], {}, data.report.rows_read,
                                           data.report.rows_accepted, data.report.rows_rejected, used});
  }
}

// Every kind a rule reads and the files did not give comes from the store (one snapshot).
void add_from_store(const CheckJob& job, const std::set<DatasetKind>& read_by_rules, CheckJobOutcome& outcome,
                    Gathered& gathered) {
  std::set<DatasetKind> given;
  for (const CheckInput& input : job.inputs) given.insert(input.schema->kind);
  std::vector<const DatasetSchema*> wanted;
  for (const DatasetSchema& schema : dataset_schemas()) {
    if (read_by_rules.count(schema.kind) > 0 && given.count(schema.kind) == 0) wanted.push_back(&schema);
  }
  auto from_store = job.store->load(wanted);
  for (const DatasetSchema* schema : wanted) {
    const auto found = from_store.find(schema->kind);
    if (found == from_store.end()) {
      if (job.say_each_step) {
        outcome.report.notes.push_back("the store " + job.store_name + " has no " + schema->name +
                                       " (toets import --db " + job.store_name + " --data " + schema->name +
                                       "=FILE adds them)");
      }
      continue;
    }
    outcome.data.push_back(std::make_unique<LoadedDataset>(std::move(found->second.loaded)));
    const LoadedDataset& data = *outcome.data.back();
    if (job.say_each_step && data.report.rows_rejected > 0) {
      outcome.events.push_back({EventSeverity::Warning,
                                job.store_name + ": " + std::to_string(data.report.rows_rejected) + " of " +
                                    std::to_string(data.report.rows_read) + " " + schema->name +
                                    " rows were rejected when they were imported, or when the store was read "
                                    "(see the report)"});
    }
    gathered.datasets[schema->kind] = &data.data;
    // The store's rows carry what their imports rejected.
    outcome.report.inputs.push_back(InputSummary{data.report, true});
    gathered.run_inputs.push_back(found->second.input);
  }
}

// The report, in job.format, to job.out_path (made before the run is recorded: a run nobody saw
// is worse than none) or job.out_stream; false after saying why it could not be written.
struct ReportTarget {
  std::unique_ptr<AtomicFile> file;
};

bool open_report(const CheckJob& job, CheckJobOutcome& outcome, ReportTarget& target) {
  if (!job.format || job.out_path.empty()) return true;
  std::string error;
  target.file = AtomicFile::create(job.out_path, error);
  if (target.file) return true;
  outcome.events.push_back({EventSeverity::Error, "--out '" + job.out_path + "': " + error});
  return false;
}

bool write_job_report(const CheckJob& job, CheckJobOutcome& outcome, ReportTarget& target) {
  if (!job.format) return true;
  const ReportHistory* history = outcome.history ? &*outcome.history : nullptr;
  const MemoryStage writing("writing the report");
  std::ostream& out = target.file ? target.file->stream() : *job.out_stream;
  write_report(*job.format, {ReportSection{&outcome.report, history}}, out, job.report_options);
  if (!target.file) return true;
  std::string error;
  if (target.file->commit(error)) return true;
  outcome.events.push_back({EventSeverity::Error, "--out '" + job.out_path + "': " + error});
  return false;
}

void add_findings(const CheckJob& job, CheckJobOutcome& outcome) {
  const Privacy privacy(job.report_options);  // a pseudonymised report's ids stay so in the log
  for (const auto& result : outcome.report.results) {
    if (result.status == Status::Error && !result.outside_validity) {
      outcome.findings.push_back({EventSeverity::Error, "rule " + result.rule->id + ": " + note_text(privacy.note(result.note), Lang::En)});
    }
  }
  for (const auto& reason : outcome.report.incomplete) {
    const std::string text = incompleteness_text(reason, Lang::En);
    outcome.findings.push_back({EventSeverity::Error, job.name_ruleset
                                                     ? "check " + outcome.report.ruleset.id + " is incomplete: " + text
                                                     : "incomplete check: " + text});
  }
}

}  // namespace

bool handle_rejected_rows(const std::vector<InputSummary>& inputs, const std::string& rejects, bool strict,
                          std::string_view nothing_done, std::vector<Event>& events) {
  // Rows rejected reading these very inputs. A kind from the store brings its imports' rejections
  // along; they were --strict's and --rejects' business when the files were imported.
  const auto own_rejected = [](const LoadReport& load) -> std::uint64_t {
    return load.imports.empty() ? load.rows_rejected : load.rejections.size();
  };
  std::vector<const LoadReport*> loads;
  std::uint64_t rejected = 0;
  for (const auto& input : inputs) {
    loads.push_back(&input.report);
    rejected += own_rejected(input.report);
  }
  if (!rejects.empty()) {
    std::string error;
    auto file = AtomicFile::create(rejects, error);  // whole, or not at all
    if (file) write_rejections_csv(loads, file->stream());
    if (!file || !file->commit(error)) {
      events.push_back({EventSeverity::Error, "--rejects '" + rejects + "': " + error});
      return false;
    }
    events.push_back({EventSeverity::Progress, plural(rejected, "rejected row", "rejected rows") +
                                                      " written to " + rejects});
  }
  if (!strict || rejected == 0) return true;
  events.push_back({EventSeverity::Error, "--strict: " + std::to_string(rejected) +
                                                 (rejected == 1 ? " row was" : " rows were") +
                                                 " rejected; " + std::string(nothing_done)});
  // Logs never carry a personal value (docs/reports.md): incomes and ages are withheld here as in
  // every report; --rejects FILE holds the rows themselves, for whoever fixes the export.
  const Privacy privacy{ReportOptions{}};
  for (const LoadReport* load : loads) {
    if (own_rejected(*load) == 0) continue;
    events.push_back({EventSeverity::Detail, "  " + load->file + ": " + std::to_string(load->rows_rejected) +
                                                    " of " + std::to_string(load->rows_read) + " " + load->dataset +
                                                    " rows rejected"});
    constexpr std::size_t kShown = 20;
    const std::size_t shown = std::min<std::size_t>(load->rejections.size(), kShown);
    for (std::size_t i = 0; i < shown; ++i) {
      const Rejection rejection = privacy.rejection(*load, load->rejections[i]);
      events.push_back({EventSeverity::Detail, "    " + load->file + ":" + rejection_place(rejection) + ": " +
                                                      (rejection.column.empty() ? "" : rejection.column + " ") +
                                                      (rejection.value.empty() ? "" : "'" + rejection.value + "': ") +
                                                      rejection.reason});
    }
    if (load->rejections.size() > shown) {
      events.push_back({EventSeverity::Detail, "    ... and " + std::to_string(load->rejections.size() - shown) +
                                                      " more" +
                                                      (rejects.empty() ? " (--rejects FILE writes them all)" : "")});
    }
  }
  return false;
}

CheckJobOutcome run_check_job(const CheckJob& job) {
  CheckJobOutcome outcome;
  outcome.report.ruleset = job.rules->info;
  outcome.report.as_of = job.as_of;
  std::set<DatasetKind> read_by_rules;
  for (const DatasetSchema* schema : datasets_read_by(*job.rules)) read_by_rules.insert(schema->kind);

  std::vector<std::string> sha256s;
  if (!read_inputs(job, outcome, sha256s)) return outcome;
  Gathered gathered;
  add_inputs(job, read_by_rules, sha256s, outcome, gathered);
  if (job.store != nullptr) add_from_store(job, read_by_rules, outcome, gathered);
  if (!handle_rejected_rows(outcome.report.inputs, job.rejects, job.strict, "nothing was checked", outcome.events)) {
    return outcome;
  }
  assess_completeness(outcome.report, job.max_rejected_ppm);

  const MemoryStage evaluating("evaluating the rules");
  EvaluateOptions evaluate;
  // A check that writes one report showing a few ids of each group, and records nothing, has only
  // those gathered (millions of ids in a check of many rules); anything else gets every id.
  if (job.format && !(job.store != nullptr && job.record)) evaluate.evidence_listed = ids_listed(*job.format);
  outcome.report.results = evaluate_rules(*job.rules, gathered.datasets, job.as_of, evaluate);
  assess_coverage(outcome.report, job.max_rejected_ppm);
  outcome.evaluated = true;
  ReportTarget target;
  if (!open_report(job, outcome, target)) return outcome;
  if (job.store != nullptr && job.record) {
    outcome.run_id = job.store->record_run(outcome.report, ruleset_sha256(*job.rules), gathered.run_inputs, job.now);
    if (job.say_each_step) {
      outcome.events.push_back(
          {EventSeverity::Progress, "recorded as run " + std::to_string(outcome.run_id) + " in " + job.store_name});
    }
    outcome.history = load_history(*job.store, outcome.run_id);
  }
  if (!write_job_report(job, outcome, target)) return outcome;
  add_findings(job, outcome);
  outcome.exit_status = check_exit_status(outcome.report, job.report_options.fail_on_signal);
  return outcome;
}

}  // namespace toets
