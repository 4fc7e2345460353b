// toets import, history, diff and rejections: the store's commands (docs/store.md).

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "engine/input/memory_limits.hpp"
#include "engine/base/output_guard.hpp"
#include "engine/report/privacy.hpp"
#include "engine/run/rejection_listing.hpp"
#include "engine/report/report.hpp"
#include "tools/commands.hpp"

namespace toets::cli {

CLI::App* add_import_command(CLI::App& app, ImportOptions& options) {
  CLI::App* import = app.add_subcommand("import", "Import exports into a store (one transaction; a file already imported is skipped)");
  import->add_option("--db", options.db, "Store file (created when missing)")->type_name("FILE")->required();
  import->add_option("--data", options.data,
                     "KIND=FILE or KIND=sqlite:FILE:TABLE, KIND one of allocations, stock, mutations, projects")
      ->type_name("KIND=FILE");
  import->add_flag("--replace", options.replace,
                   "The file becomes the whole of its kind in the store (default: add and replace records by key)");
  import->add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  import->add_option("--format-in", options.input.format_in, "Format of the --data files (default: by extension)")
      ->type_name("auto|csv|json|jsonl|xlsx");
  import->add_option("--delimiter", options.input.delimiter, "CSV field delimiter (default: from the header line)")
      ->type_name("auto|comma|semicolon");
  import->add_option("--decimal", options.input.decimal,
                     "Decimal mark in amounts (default: comma in ';'-separated files, else point)")
      ->type_name("auto|point|comma");
  import->add_option("--encoding", options.input.encoding,
                     "Text encoding of the --data files (default: CSV detected, UTF-8 if valid, else Windows-1252)")
      ->type_name("auto|utf-8|cp1252");
  import->add_option("--mapping", options.input.mappings,
                     "Column mapping for one dataset's files (docs/data-input.md)")
      ->type_name("KIND=FILE");
  import->add_option("--sheet", options.input.sheets, "The sheet of the .xlsx --data files (default: the first)")
      ->type_name("[KIND=]NAME");
  import->add_flag("--strict", options.input.strict, "Any rejected row: exit 2 and import nothing");
  import->add_option("--rejects", options.input.rejects, "Write the rejected rows with their reasons to FILE (CSV)")
      ->type_name("FILE");

  return import;
}

CLI::App* add_history_command(CLI::App& app, HistoryOptions& options) {
  CLI::App* history = app.add_subcommand("history", "List the check runs (or imports) recorded in a store");
  history->add_option("--db", options.db, "Store file")->type_name("FILE")->required();
  history->add_option("--ruleset", options.ruleset, "Only runs of this rule set (its id)");
  history->add_flag("--imports", options.imports, "List the imports instead of the runs");
  history->add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  return history;
}

CLI::App* add_diff_command(CLI::App& app, DiffOptions& options) {
  CLI::App* diff = app.add_subcommand(
      "diff", "Compare two recorded runs: new and resolved breaches and signals, measures that moved");
  diff->add_option("--db", options.db, "Store file")->type_name("FILE")->required();
  diff->add_option("runs", options.runs,
                   "RUN_A RUN_B; one run: it against the latest run of its rule set; none: the last two runs")
      ->type_name("RUN");
  diff->add_option("--ruleset", options.ruleset, "Without runs: the last two runs of this rule set");
  diff->add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  return diff;
}

CLI::App* add_rejections_command(CLI::App& app, RejectionsOptions& options) {
  CLI::App* rejections = app.add_subcommand(
      "rejections", "List per import the rows it could not read, grouped by column, reason and value, with the fix");
  rejections->add_option("--db", options.db, "Store file")->type_name("FILE")->required();
  rejections->add_option("--import", options.import, "Only this import (toets history --imports lists them)")
      ->type_name("ID");
  rejections->add_option("--format", options.format, "Output format (csv: a row per group, every line)")
      ->check(CLI::IsMember({"text", "csv"}))
      ->capture_default_str();

  return rejections;
}

// Rejections shown per file on stderr; all of them are kept in the store.
constexpr std::size_t kShownRejections = 10;

namespace {

// The outcome of each import as JSON (its rejections without a personal value).
void print_imports_json(const std::vector<ImportOutcome>& outcomes) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& outcome : outcomes) {
    nlohmann::ordered_json rejections = nlohmann::ordered_json::array();
    for (const auto& rejection : outcome.rejections) {
      const Rejection r = loggable_rejection(outcome.kind, rejection);  // no personal values
      rejections.push_back({{"line", r.line},
                            {"column", r.column},
                            {"value", r.value},
                            {"reason", r.reason},
                            {"reason_kind", std::string(reason_code(r.why.kind))}});
      if (!r.cell.empty()) rejections.back()["cell"] = r.cell;
    }
    out.push_back({{"kind", outcome.kind},
                   {"source", outcome.source},
                   {"sha256", outcome.sha256},
                   {"import", outcome.import_id},
                   {"skipped", outcome.skipped},
                   {"same_content_as", outcome.earlier_import != 0 ? nlohmann::ordered_json(outcome.earlier_import)
                                                                    : nlohmann::ordered_json(nullptr)},
                   {"rows_read", outcome.rows_read},
                   {"rows_stored", outcome.rows_stored},
                   {"rows_new", outcome.rows_new},
                   {"rows_replaced", outcome.rows_replaced},
                   {"rows_unchanged", outcome.rows_unchanged},
                   {"rows_rejected", outcome.rows_rejected},
                   {"rejections", rejections}});
  }
  std::cout << json_text(out, 2) << "\n";
}

// The outcome of each import, a line each.
void print_imports_text(const std::vector<ImportOutcome>& outcomes, bool replace) {
  for (const auto& outcome : outcomes) {
    std::cout << outcome.kind << " " << outcome.source << ": ";
    if (outcome.skipped) {
      std::cout << "already imported as import " << outcome.import_id << " (" << outcome.earlier_time << ", "
                << outcome.earlier_source << "); nothing changed\n";
      continue;
    }
    if (outcome.earlier_import != 0) {
      std::cout << "the same content as import " << outcome.earlier_import
                << ", whose records later imports have changed; imported again: ";
    }
    std::cout << "import " << outcome.import_id << ", " << outcome.rows_read << " rows read, " << outcome.rows_stored
              << " stored ";
    if (replace) {
      std::cout << "(replacing all " << outcome.rows_replaced << " earlier rows)";
    } else {
      std::cout << "(" << outcome.rows_new << " new, " << outcome.rows_replaced << " changed, "
                << outcome.rows_unchanged << " unchanged)";
    }
    std::cout << ", " << outcome.rows_rejected << " rejected\n";
  }
}

// The rows each import rejected, the first few of each on stderr (all are kept in the store).
void warn_rejections(const std::vector<ImportOutcome>& outcomes) {
  for (const auto& outcome : outcomes) {
    if (outcome.rejections.empty()) continue;
    spdlog::warn("{}: {} of {} rows rejected and not stored", outcome.source, outcome.rows_rejected, outcome.rows_read);
    const std::size_t shown = std::min(outcome.rejections.size(), kShownRejections);
    for (std::size_t i = 0; i < shown; ++i) {
      const Rejection r = loggable_rejection(outcome.kind, outcome.rejections[i]);  // no personal values
      spdlog::warn("  {} {}{}{}: {}", r.cell.empty() ? "line" : "cell", rejection_place(r), r.column.empty() ? "" : ", " + r.column,
                   r.value.empty() ? "" : " '" + r.value + "'", r.reason);
    }
    if (outcome.rejections.size() > shown) {
      spdlog::warn("  ... and {} more (all are in the store's import_rejections table, import {})",
                   outcome.rejections.size() - shown, outcome.import_id);
    }
  }
}

}  // namespace

int run_import(const ImportOptions& options) {
  const auto parsed = parse_data_specs(options.data, " (import them one after the other)");
  if (!parsed) return kExitInvalid;
  const auto& inputs = parsed->files;
  const std::set<std::string>& seen_kinds = parsed->kinds;
  if (inputs.empty()) {
    std::cerr << "toets: error: nothing to import: give at least one --data KIND=FILE\n";
    return kExitInvalid;
  }
  std::map<std::string, InputSpec> input_dialects;
  if (!input_specs(options.input, seen_kinds, input_dialects)) return kExitInvalid;
  if (!cli::apply_sheets(options.input.sheets, inputs, input_dialects)) return kExitInvalid;
  if (!outputs_writable(options.input)) return kExitInvalid;

  // An existing store is opened first (a wrong --db is found before a long read); a new one only
  // once every file has been read, so that a mistake leaves no empty store behind.
  std::string error;
  std::unique_ptr<Store> store;
  std::error_code ignored;
  if (std::filesystem::exists(options.db, ignored)) {
    store = open_store(options.db, StoreAccess::ReadWrite, error);
    if (!store) {
      std::cerr << "toets: error: " << error << "\n";
      return kExitInvalid;
    }
  }

  // Every file is read and checked before the store is touched; then one transaction for all.
  std::vector<std::unique_ptr<LoadedDataset>> loaded;
  std::vector<ImportRequest> requests;
  for (const auto& [schema, path] : inputs) {
    spdlog::info("reading {} from {}", schema->name, path);
    std::string sha256;
    try {
      loaded.push_back(
          std::make_unique<LoadedDataset>(load_check_input(CheckInput{schema, path, input_dialects[schema->name]}, &sha256)));
    } catch (const DataFileError& e) {
      std::cerr << "toets: error: " << e.what() << "\nnothing was imported\n";
      return kExitInvalid;
    }
    const LoadedDataset& data = *loaded.back();
    if (options.replace && data.report.rows_accepted == 0 && data.report.rows_read > 0) {
      std::cerr << "toets: error: " << path << ": every one of its " << data.report.rows_read
                << " rows was rejected; --replace would empty the store's " << schema->name
                << "\nnothing was imported\n";
      return kExitInvalid;
    }
    requests.push_back(ImportRequest{schema, path, sha256, loaded.back().get()});
  }
  {
    // --rejects and --strict as for check: the rejected rows to a file; any rejected row stops it.
    std::vector<InputSummary> loads;
    for (const auto& data : loaded) loads.push_back(InputSummary{data->report, true});
    std::vector<Event> events;
    const bool go_on = handle_rejected_rows(loads, options.input.rejects, options.input.strict, "nothing was imported", events);
    print_events(events);
    if (!go_on) return kExitInvalid;
  }
  if (!store) {
    store = open_store(options.db, StoreAccess::Create, error);
    if (!store) {
      std::cerr << "toets: error: " << error << "\n";
      return kExitInvalid;
    }
  }

  const MemoryStage storing("storing the rows in " + options.db);
  const auto outcomes = store->import(requests, options.replace ? ImportMode::Replace : ImportMode::Merge,
                                      utc_now());

  if (options.format == "json") print_imports_json(outcomes);
  else print_imports_text(outcomes, options.replace);
  warn_rejections(outcomes);
  return kExitOk;
}

int run_history(const HistoryOptions& options) {
  std::string error;
  auto store = open_store(options.db, StoreAccess::ReadOnly, error);
  if (!store) {
    std::cerr << "toets: error: " << error << "\n";
    return kExitInvalid;
  }
  if (options.imports) {
    const auto imports = store->imports();
    if (options.format == "json") std::cout << json_text(imports_to_json(imports), 2) << "\n";
    else write_imports_text(imports, std::cout);
    return kExitOk;
  }
  const auto runs = store->runs(options.ruleset.empty() ? std::nullopt : std::optional<std::string>(options.ruleset));
  if (runs.empty() && !options.ruleset.empty()) {
    std::cerr << "toets: error: the store has no runs of rule set '" << options.ruleset << "'\n";
    return kExitInvalid;
  }
  if (options.format == "json") std::cout << json_text(history_to_json(runs), 2) << "\n";
  else write_history_text(runs, std::cout);
  return kExitOk;
}

int run_diff(const DiffOptions& options) {
  std::vector<std::int64_t> ids;
  for (const auto& text : options.runs) {
    const auto id = parse_run_id(text);
    if (!id) {
      std::cerr << "toets: error: '" << text << "' is not a run number (toets history lists them)\n";
      return kExitInvalid;
    }
    ids.push_back(*id);
  }
  if (ids.size() > 2) {
    std::cerr << "toets: error: diff compares two runs; " << ids.size() << " were given\n";
    return kExitInvalid;
  }

  std::string error;
  auto store = open_store(options.db, StoreAccess::ReadOnly, error);
  if (!store) {
    std::cerr << "toets: error: " << error << "\n";
    return kExitInvalid;
  }
  std::vector<RunInfo> chosen;
  for (const std::int64_t id : ids) {
    auto run = store->run(id);
    if (!run) {
      std::cerr << "toets: error: " << options.db << " has no run " << id << " (toets history --db " << options.db
                << " lists them)\n";
      return kExitInvalid;
    }
    chosen.push_back(std::move(*run));
  }

  // Not given: the last two runs of one rule set (--ruleset, or that of the latest run); one
  // given: that run against the latest run of its rule set.
  if (chosen.size() < 2) {
    std::string ruleset = !chosen.empty() ? chosen.front().ruleset_id : options.ruleset;
    if (ruleset.empty()) {
      const auto all = store->runs();
      if (all.empty()) {
        std::cerr << "toets: error: " << options.db << " has no runs yet (toets check --db records them)\n";
        return kExitInvalid;
      }
      ruleset = all.back().ruleset_id;
    }
    const auto runs = store->runs(ruleset);
    if (chosen.empty()) {
      if (runs.size() < 2) {
        std::cerr << "toets: error: nothing to compare: " << options.db << " has " << runs.size() << " run"
                  << (runs.size() == 1 ? "" : "s") << " of rule set '" << ruleset << "'\n";
        return kExitInvalid;
      }
      chosen = {runs[runs.size() - 2], runs.back()};
    } else {
      if (runs.back().id == chosen.front().id) {
        std::cerr << "toets: error: run " << chosen.front().id << " is the latest run of rule set '" << ruleset
                  << "'; give the run to compare it with\n";
        return kExitInvalid;
      }
      chosen.push_back(runs.back());
    }
  }

  const auto diff = diff_runs(chosen[0], store->results(chosen[0].id), chosen[1], store->results(chosen[1].id));
  if (options.format == "json") std::cout << json_text(diff_to_json(diff), 2) << "\n";
  else write_diff_text(diff, std::cout);
  return kExitOk;
}

// toets rejections: what each import could not read, grouped, with the fix (docs/store.md).
int run_rejections(const RejectionsOptions& options) {
  std::optional<std::int64_t> import_id;
  if (!options.import.empty()) {
    import_id = parse_run_id(options.import);
    if (!import_id) {
      std::cerr << "toets: error: --import '" << options.import << "' is not an import number (toets history --db "
                << options.db << " --imports lists them)\n";
      return kExitInvalid;
    }
  }
  std::string error;
  auto store = open_store(options.db, StoreAccess::ReadOnly, error);
  if (!store) {
    std::cerr << "toets: error: " << error << "\n";
    return kExitInvalid;
  }
  const auto imports = store->import_rejections(import_id);
  if (import_id && imports.empty()) {
    std::cerr << "toets: error: " << options.db << " has no import " << *import_id << " (toets history --db "
              << options.db << " --imports lists them)\n";
    return kExitInvalid;
  }
  write_import_rejections(imports, *parse_listing_format(options.format), std::cout);
  return kExitOk;
}

}  // namespace toets::cli
