// Recording check runs in the store and reading runs, results and imports back (docs/store.md).

#include "engine/store/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>

#include "dsl/source/calendar.hpp"
#include "dsl/source/regular_file.hpp"
#include "engine/input/load_common.hpp"
#include "engine/data/result.hpp"
#include "engine/words/words.hpp"
#include "engine/base/sha256.hpp"
#include "engine/store/sqlite_statement.hpp"
#include "engine/store/store_internal.hpp"

namespace toets {

namespace {
using namespace store_internal;

}  // namespace

namespace {

// The run's row in `runs`; returns its id.
std::int64_t insert_run_row(sqlite3* db, const std::string& file, const CheckReport& report,
                            const std::string& ruleset_hash, const std::string& now) {
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  for (const auto& [status, count] : report.summary()) summary[std::string(status_name(status))] = count;
  {
    Statement insert(db, file,
                     "INSERT INTO runs (recorded_at, as_of, ruleset_id, ruleset_title, ruleset_file, ruleset_sha256, "
                     "engine_version, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    const std::string as_of = format_date(report.as_of);
    const std::string summary_text = json_text(summary);
    insert.bind(1, std::string_view(now));
    insert.bind(2, std::string_view(as_of));
    insert.bind(3, std::string_view(report.ruleset.id));
    insert.bind(4, std::string_view(report.ruleset.title));
    insert.bind(5, std::string_view(report.ruleset.file));
    insert.bind(6, std::string_view(ruleset_hash));
    insert.bind(7, engine_version());
    insert.bind(8, std::string_view(summary_text));
    insert.run();
  }
  return sqlite3_last_insert_rowid(db);
}

void insert_run_inputs(sqlite3* db, const std::string& file, std::int64_t run_id, const std::vector<RunInput>& inputs) {
  {
    Statement insert(db, file,
                     "INSERT INTO run_inputs (run_id, seq, kind, source, sha256, imports, rows_read, rows_accepted, "
                     "rows_rejected, used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    std::int64_t seq = 0;
    for (const RunInput& input : inputs) {
      const std::string imports = json_text(input.imports);
      insert.bind(1, run_id);
      insert.bind(2, ++seq);
      insert.bind(3, std::string_view(input.kind));
      insert.bind(4, std::string_view(input.source));
      insert.bind(5, std::string_view(input.sha256));
      insert.bind(6, std::string_view(imports));
      insert.bind(7, static_cast<std::int64_t>(input.rows_read));
      insert.bind(8, static_cast<std::int64_t>(input.rows_accepted));
      insert.bind(9, static_cast<std::int64_t>(input.rows_rejected));
      insert.bind(10, std::int64_t{input.used ? 1 : 0});
      insert.run();
    }
  }

}

// One result into run_results (as the report has it; measures as exact ratios). Runs the insert
// here: the text it binds lives in this function.
void insert_result(Statement& insert, std::int64_t run_id, std::int64_t seq, const RuleResult& result) {
  const CompiledRule& rule = *result.rule;
  const ValueType unit = rule.measure.unit;
  const std::string group = group_json(result.group);
  const std::string group_text = format_group(result.group);
  const std::string status(status_name(result.status));
  const std::string unit_name = value_type_name(unit);
  const std::string measure_text = result.measure ? format_value(*result.measure, unit) : "";
  std::string threshold_status;
  std::string threshold_op;
  std::optional<Ratio> threshold_value;
  std::string threshold_text;
  if (result.threshold) {
    threshold_status = status_name(result.threshold->status);
    threshold_op = compare_op_text(result.threshold->op);
    threshold_value = result.threshold->value;
    threshold_text = result.threshold->text;
  } else if (rule.target) {
    threshold_status = "target";
    threshold_op = compare_op_text(rule.target->op);
    threshold_value = rule.target->value;
    threshold_text = rule.target->text;
  }
  // A run recorded keeps every record id (history and diff read them back), never a part.
  result.evidence.require_complete(rule.id, "a run is recorded with");
  nlohmann::json evidence_ids = nlohmann::json::array();
  for (std::string_view id : result.evidence) evidence_ids.push_back(id);
  const std::string evidence = json_text(evidence_ids);
  const std::string dataset = rule.dataset != nullptr ? rule.dataset->name : "";

  insert.bind(1, run_id);
  insert.bind(2, seq);
  insert.bind(3, std::string_view(rule.id));
  insert.bind(4, std::string_view(rule.title));
  insert.bind(5, std::string_view(rule.ruleset_id));
  insert.bind(6, std::string_view(dataset));
  insert.bind(7, std::string_view(group));
  insert.bind(8, std::string_view(group_text));
  insert.bind(9, std::string_view(status));
  insert.bind(10, std::string_view(unit_name));
  if (result.measure) {
    insert.bind(11, result.measure->numerator);
    insert.bind(12, result.measure->denominator);
  } else {
    insert.bind_null(11);
    insert.bind_null(12);
  }
  insert.bind(13, std::string_view(measure_text));
  insert.bind(14, result.numerator);
  insert.bind(15, result.denominator);
  insert.bind(16, static_cast<std::int64_t>(result.records));
  insert.bind(17, std::string_view(threshold_status));
  insert.bind(18, std::string_view(threshold_op));
  if (threshold_value) {
    insert.bind(19, threshold_value->numerator);
    insert.bind(20, threshold_value->denominator);
  } else {
    insert.bind_null(19);
    insert.bind_null(20);
  }
  insert.bind(21, std::string_view(threshold_text));
  insert.bind(22, static_cast<std::int64_t>(result.evidence.size()));
  insert.bind(23, std::string_view(evidence));
  insert.bind_copy(24, remedy_summary(result));
  insert.bind_copy(25, note_text(result.note, Lang::En));
  // The same note and remedy as data, for a reader that puts them in words of its own.
  if (result.note.empty()) insert.bind_null(26);
  else insert.bind_copy(26, note_to_json(result.note));
  insert.bind(27, result.remedy);
  insert.bind(28, result.remedy_to_ok);
  insert.run();
}

void insert_run_results(sqlite3* db, const std::string& file, std::int64_t run_id, const CheckReport& report) {
  Statement insert(db, file,
                   "INSERT INTO run_results (run_id, seq, rule, rule_title, ruleset, dataset, group_json, group_text, "
                   "status, unit, measure_num, measure_den, measure_text, numerator, denominator, records, "
                   "threshold_status, threshold_op, threshold_num, threshold_den, threshold_text, evidence_count, "
                   "evidence, remedy_text, message, note_json, remedy, remedy_to_ok) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                   "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)");
  std::int64_t seq = 0;
  for (const RuleResult& result : report.results) {
    insert_result(insert, run_id, ++seq, result);
  }
}

}  // namespace

std::int64_t Store::record_run_transaction(const CheckReport& report, const std::string& ruleset_hash,
                                           const std::vector<RunInput>& inputs, const std::string& now) {
  if (access_ == StoreAccess::ReadOnly) throw StoreError(path_ + ": opened read-only; cannot record a run");
  Transaction transaction(db_, path_, Transaction::Kind::Write);
  ensure_layout(db_, path_);
  const std::int64_t run_id = insert_run_row(db_, path_, report, ruleset_hash, now);
  insert_run_inputs(db_, path_, run_id, inputs);
  insert_run_results(db_, path_, run_id, report);
  reserve_room_for_commit();
  transaction.commit();
  return run_id;
}

std::vector<RunInfo> Store::query_runs(const std::string& where, const std::vector<std::string>& arguments) {
  std::vector<RunInfo> runs;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  if (!has_layout(db_, path_)) return runs;
  Statement statement(db_, path_,
                      "SELECT id, recorded_at, as_of, ruleset_id, ruleset_title, ruleset_file, ruleset_sha256, "
                      "engine_version, summary FROM runs " +
                          where + " ORDER BY id");
  for (std::size_t i = 0; i < arguments.size(); ++i) statement.bind(static_cast<int>(i + 1), std::string_view(arguments[i]));
  std::map<std::int64_t, std::size_t> index;
  while (statement.step()) {
    RunInfo run;
    run.id = statement.integer(0);
    run.recorded_at = statement.string(1);
    run.as_of = parse_iso_date(statement.text(2)).value_or(0);
    run.ruleset_id = statement.string(3);
    run.ruleset_title = statement.string(4);
    run.ruleset_file = statement.string(5);
    run.ruleset_sha256 = statement.string(6);
    run.engine_version = statement.string(7);
    const auto summary = nlohmann::json::parse(statement.text(8), nullptr, false);
    if (summary.is_object()) {
      for (const auto& [status, count] : summary.items()) {
        if (count.is_number_unsigned()) run.summary[status] = count.get<std::uint64_t>();
      }
    }
    index[run.id] = runs.size();
    runs.push_back(std::move(run));
  }
  if (runs.empty()) return runs;
  Statement inputs(db_, path_,
                   "SELECT run_id, kind, source, sha256, imports, rows_read, rows_accepted, rows_rejected, used "
                   "FROM run_inputs WHERE run_id BETWEEN ?1 AND ?2 ORDER BY run_id, seq");
  inputs.bind(1, runs.front().id);
  inputs.bind(2, runs.back().id);
  while (inputs.step()) {
    const auto found = index.find(inputs.integer(0));
    if (found == index.end()) continue;
    RunInput input;
    input.kind = inputs.string(1);
    input.source = inputs.string(2);
    input.sha256 = inputs.string(3);
    input.imports = parse_id_list(inputs.text(4));
    input.rows_read = static_cast<std::uint64_t>(inputs.integer(5));
    input.rows_accepted = static_cast<std::uint64_t>(inputs.integer(6));
    input.rows_rejected = static_cast<std::uint64_t>(inputs.integer(7));
    input.used = inputs.integer(8) != 0;
    runs[found->second].inputs.push_back(std::move(input));
  }
  snapshot.commit();
  return runs;
}

std::vector<RunInfo> Store::runs(const std::optional<std::string>& ruleset_id) {
  if (ruleset_id) return query_runs("WHERE ruleset_id = ?1", {*ruleset_id});
  return query_runs("", {});
}

std::optional<RunInfo> Store::run(std::int64_t id) {
  std::vector<RunInfo> found = query_runs("WHERE id = ?1", {std::to_string(id)});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<StoredResult> Store::results(std::int64_t run_id) {
  std::vector<StoredResult> out;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  if (!has_layout(db_, path_)) return out;
  // A store no toets of results-as-data has written to has no note_json, remedy, remedy_to_ok.
  const bool as_data = has_column(db_, path_, "run_results", "note_json");
  Statement statement(db_, path_,
                      std::string("SELECT seq, rule, rule_title, ruleset, dataset, group_json, group_text, status, unit, "
                                  "measure_num, measure_den, measure_text, numerator, denominator, records, "
                                  "threshold_status, threshold_op, threshold_num, threshold_den, threshold_text, "
                                  "evidence_count, evidence, remedy_text, message") +
                          (as_data ? ", note_json, remedy, remedy_to_ok" : "") +
                          " FROM run_results WHERE run_id = ?1 ORDER BY seq");
  statement.bind(1, run_id);
  while (statement.step()) {
    StoredResult result;
    result.seq = statement.integer(0);
    result.rule = statement.string(1);
    result.rule_title = statement.string(2);
    result.ruleset = statement.string(3);
    result.dataset = statement.string(4);
    result.group_json = statement.string(5);
    result.group_text = statement.string(6);
    result.status = status_from_name(statement.text(7));
    result.unit = value_type_from_name(statement.text(8));
    result.measure = ratio_columns(statement, 9, 10);
    result.measure_text = statement.string(11);
    result.numerator = statement.optional_integer(12);
    result.denominator = statement.optional_integer(13);
    result.records = static_cast<std::uint64_t>(statement.integer(14));
    result.threshold_status = statement.string(15);
    result.threshold_op = statement.string(16);
    result.threshold_value = ratio_columns(statement, 17, 18);
    result.threshold_text = statement.string(19);
    result.evidence_count = static_cast<std::uint64_t>(statement.integer(20));
    result.evidence = parse_text_list(statement.text(21));
    result.remedy_text = statement.string(22);
    result.message = statement.string(23);
    if (as_data) {
      // The note as data when the run recorded it (NULL: none, or a run an older toets recorded,
      // whose message is its only form).
      if (const std::string note = statement.string(24); !note.empty()) {
        if (auto parsed = note_from_json(note)) result.note = std::move(*parsed);
      }
      result.remedy = statement.optional_integer(25);
      result.remedy_to_ok = statement.optional_integer(26);
    }
    out.push_back(std::move(result));
  }
  snapshot.commit();
  return out;
}

std::vector<ImportInfo> Store::imports() {
  std::vector<ImportInfo> out;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  if (!has_layout(db_, path_)) return out;
  Statement statement(db_, path_,
                      "SELECT id, imported_at, kind, source, sha256, mode, rows_read, rows_accepted, rows_rejected, "
                      "rows_new, rows_replaced, live_rows, engine_version FROM imports ORDER BY id");
  while (statement.step()) {
    ImportInfo info;
    info.id = statement.integer(0);
    info.imported_at = statement.string(1);
    info.kind = statement.string(2);
    info.source = statement.string(3);
    info.sha256 = statement.string(4);
    info.mode = statement.text(5) == "replace" ? ImportMode::Replace : ImportMode::Merge;
    info.rows_read = static_cast<std::uint64_t>(statement.integer(6));
    info.rows_accepted = static_cast<std::uint64_t>(statement.integer(7));
    info.rows_rejected = static_cast<std::uint64_t>(statement.integer(8));
    info.rows_new = static_cast<std::uint64_t>(statement.integer(9));
    info.rows_replaced = static_cast<std::uint64_t>(statement.integer(10));
    info.live_rows = static_cast<std::uint64_t>(statement.integer(11));
    if (info.mode == ImportMode::Merge && info.rows_accepted >= info.rows_new + info.rows_replaced) {
      info.rows_unchanged = info.rows_accepted - info.rows_new - info.rows_replaced;
    }
    info.engine_version = statement.string(12);
    out.push_back(std::move(info));
  }
  snapshot.commit();
  return out;
}

}  // namespace toets
