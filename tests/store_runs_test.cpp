// The SQLite store: recorded runs and their diff, and the command line (import, check --db,
// history, diff) against the fixture's independent SQL.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/report/report.hpp"
#include "engine/base/sha256.hpp"
#include "engine/store/store.hpp"
#include "tests/support/scratch_folder.hpp"
#include "tests/support/store_testing.hpp"

namespace {

using namespace store_testing;
using store_testing::toets;  // the process, not the namespace

// ---------------------------------------------------------------------------------------------
// Runs

struct CheckedFixture {
  std::unique_ptr<toets::CompiledRuleSet> rules;
  std::vector<std::unique_ptr<toets::LoadedDataset>> data;
  toets::CheckReport report;
};

CheckedFixture check_fixture(const std::string& as_of_text = "2026-11-23") {
  CheckedFixture out;
  toets::Diagnostics diagnostics;
  out.rules = toets::check_rule_file(source_path("rules/dordrecht-2026-2027.toets"), diagnostics);
  EXPECT_TRUE(out.rules != nullptr);
  if (!out.rules) return out;
  toets::DatasetMap datasets;
  for (const std::string kind : {"allocations", "stock"}) {
    out.data.push_back(std::make_unique<toets::LoadedDataset>(
        toets::read_csv_file(schema_of(kind), source_path("fixtures/dordrecht-2026-2027/" + kind + ".csv"))));
    datasets[schema_of(kind).kind] = &out.data.back()->data;
  }
  const int year = std::stoi(as_of_text.substr(0, 4));
  const auto month = static_cast<unsigned>(std::stoi(as_of_text.substr(5, 2)));
  const auto day = static_cast<unsigned>(std::stoi(as_of_text.substr(8, 2)));
  out.report.ruleset = out.rules->info;
  out.report.as_of = toets::days_from_civil(year, month, day);
  out.report.results = toets::evaluate_rules(*out.rules, datasets, out.report.as_of);
  return out;
}

TEST(StoreRuns, EveryResultRowIsRecordedAsItWas) {
  TempDir dir;
  auto store = open_store(dir.file("store.db"), toets::StoreAccess::Create);
  CheckedFixture fixture = check_fixture();
  ASSERT_TRUE(fixture.rules);
  const std::string hash = toets::ruleset_sha256(*fixture.rules);
  EXPECT_EQ(hash.size(), 64u);
  const std::vector<toets::RunInput> inputs{{"allocations", "a.csv", "abc", {}, 79, 78, 1, true}};
  const std::int64_t id = store->record_run(fixture.report, hash, inputs, "2026-11-23T10:15:02Z");
  EXPECT_EQ(id, 1);

  const auto run = store->run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->recorded_at, "2026-11-23T10:15:02Z");
  EXPECT_EQ(run->as_of, fixture.report.as_of);
  EXPECT_EQ(run->ruleset_id, fixture.rules->info.id);
  EXPECT_EQ(run->ruleset_sha256, hash);
  EXPECT_EQ(run->engine_version, std::string(toets::engine_version()));
  EXPECT_NE(run->engine_version, "unknown");
  ASSERT_EQ(run->inputs.size(), 1u);
  EXPECT_EQ(run->inputs[0].sha256, "abc");
  EXPECT_EQ(run->inputs[0].rows_read, 79u);
  std::uint64_t total = 0;
  for (const auto& [status, count] : run->summary) total += count;
  EXPECT_EQ(total, fixture.report.results.size());
  EXPECT_FALSE(store->run(id + 1));

  const auto results = store->results(id);
  ASSERT_EQ(results.size(), fixture.report.results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const toets::RuleResult& original = fixture.report.results[i];
    const toets::StoredResult& stored = results[i];
    EXPECT_EQ(stored.seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(stored.rule, original.rule->id);
    EXPECT_EQ(stored.group_json, toets::group_json(original.group));
    EXPECT_EQ(stored.status, original.status) << stored.rule << " " << stored.group_text;
    EXPECT_EQ(stored.measure.has_value(), original.measure.has_value());
    if (stored.measure && original.measure) {
      EXPECT_EQ(toets::compare(*stored.measure, *original.measure), 0);
    }
    EXPECT_EQ(stored.numerator, original.numerator);
    EXPECT_EQ(stored.denominator, original.denominator);
    EXPECT_EQ(stored.records, original.records);
    EXPECT_EQ(stored.evidence_count, original.evidence.size());
    EXPECT_EQ(stored.evidence, original.evidence);
    EXPECT_EQ(stored.unit, original.rule->measure.unit);
    if (original.threshold) {
      EXPECT_EQ(stored.threshold_text, original.threshold->text);
    }
  }
}

TEST(StoreRuns, GroupsAreCanonicalJsonInGroupingOrder) {
  std::vector<toets::GroupField> group(3);
  group[0].name = "corporation";
  group[0].text = "Wonen \"Zuid\"";
  group[1].name = "year";
  group[1].number = 2026;
  group[2].name = "kern";
  EXPECT_EQ(toets::group_json(group), R"({"corporation":"Wonen \"Zuid\"","year":2026,"kern":null})");
  EXPECT_EQ(toets::group_json({}), "{}");
}

TEST(StoreRuns, AReadOnlyStoreRecordsNothing) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  CheckedFixture fixture = check_fixture();
  ASSERT_TRUE(fixture.rules);
  open_store(path, toets::StoreAccess::Create)->record_run(fixture.report, "h", {}, "2026-11-23T10:15:02Z");
  const std::string before = read_file(path);
  auto store = open_store(path, toets::StoreAccess::ReadOnly);
  EXPECT_THROW(store->record_run(fixture.report, "h", {}, "2026-11-23T10:16:00Z"), toets::StoreError);
  std::vector<toets::ImportRequest> none;
  EXPECT_THROW(store->import(none, toets::ImportMode::Merge, "now"), toets::StoreError);
  EXPECT_EQ(store->runs().size(), 1u);
  store.reset();
  EXPECT_EQ(read_file(path), before);
}

// ---------------------------------------------------------------------------------------------
// Diff (the classification, on results made by hand)

toets::StoredResult result(const std::string& rule, const std::string& group, toets::Status status,
                           std::optional<toets::Ratio> measure, std::int64_t seq) {
  toets::StoredResult r;
  r.seq = seq;
  r.rule = rule;
  r.group_json = "{\"corporation\":\"" + group + "\"}";
  r.group_text = group;
  r.status = status;
  r.unit = toets::ValueType::Fraction;
  r.measure = measure;
  if (measure) r.measure_text = toets::format_value(*measure, r.unit);
  return r;
}

// Whether one line of `text` holds every one of `parts`, in that order.
bool has_line_with(const std::string& text, const std::vector<std::string>& parts) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::size_t at = 0;
    bool all = true;
    for (const std::string& part : parts) {
      at = line.find(part, at);
      if (at == std::string::npos) {
        all = false;
        break;
      }
      at += part.size();
    }
    if (all) return true;
  }
  return false;
}

TEST(StoreDiff, ClassifiesEveryKindOfChange) {
  using toets::Status;
  const toets::Ratio seven{7, 100}, eight{8, 100}, twenty{20, 100};
  const std::vector<toets::StoredResult> before = {
      result("F", "A", Status::Ok, seven, 1),       result("F", "B", Status::Breach, twenty, 2),
      result("F", "C", Status::Signal, eight, 3),   result("F", "D", Status::Breach, twenty, 4),
      result("F", "E", Status::Breach, twenty, 5),  result("F", "F", Status::Ok, seven, 6),
      result("F", "G", Status::Ok, seven, 7),       result("F", "H", Status::Signal, eight, 8),
      result("G", "A", Status::AtRisk, seven, 9),
  };
  const std::vector<toets::StoredResult> after = {
      result("F", "A", Status::Breach, twenty, 1),  // new
      result("F", "B", Status::Ok, seven, 2),       // resolved
      result("F", "C", Status::Breach, twenty, 3),  // worse
      result("F", "D", Status::Signal, eight, 4),   // better
      result("F", "E", Status::NoData, std::nullopt, 5),  // another status change
      result("F", "F", Status::Ok, eight, 6),       // moved
      result("F", "G", Status::Ok, seven, 7),       // unchanged
      result("F", "I", Status::Signal, eight, 8),   // new group with a signal: new
      result("F", "J", Status::Ok, seven, 9),       // new group, fine: appeared
      result("G", "A", Status::OnTrack, seven, 10), // resolved (deadline)
      // F H is gone: disappeared
  };
  toets::RunInfo a, b;
  a.id = 1;
  b.id = 2;
  a.ruleset_id = b.ruleset_id = "r";
  const toets::RunDiff diff = toets::diff_runs(a, before, b, after);
  std::map<std::string, std::string> kinds;
  for (const auto& change : diff.changes) kinds[change.rule + " " + change.group_text] = toets::change_name(change.kind);
  EXPECT_EQ(kinds, (std::map<std::string, std::string>{{"F A", "new"},
                                                       {"F B", "resolved"},
                                                       {"F C", "worse"},
                                                       {"F D", "better"},
                                                       {"F E", "status_changed"},
                                                       {"F F", "moved"},
                                                       {"F I", "new"},
                                                       {"F J", "appeared"},
                                                       {"G A", "resolved"},
                                                       {"F H", "disappeared"}}));
  EXPECT_EQ(diff.unchanged, 1u);
  EXPECT_EQ(diff.changes.back().rule + " " + diff.changes.back().group_text, "F H");  // gone ones last
  for (const auto& change : diff.changes) {
    if (change.group_text == "F") {
      ASSERT_TRUE(change.delta);
      EXPECT_EQ(toets::compare(*change.delta, toets::Ratio{1, 100}), 0);
    }
    if (change.group_text == "E") {
      EXPECT_FALSE(change.delta);
    }
  }

  std::ostringstream text;
  toets::write_diff_text(diff, text);
  EXPECT_NE(text.str().find("New breaches and signals (2)"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("ok -> breach"), std::string::npos);
  EXPECT_TRUE(has_line_with(text.str(), {"F  F ", "ok ", "7.00% -> 8.00%", "+1.00 pp"})) << text.str();
  EXPECT_TRUE(has_line_with(text.str(), {"F  B ", "breach -> ok", "20.00% -> 7.00%", "-13.00 pp"})) << text.str();
  EXPECT_TRUE(has_line_with(text.str(), {"F  H ", "signal", "8.00%"})) << text.str();
  EXPECT_NE(text.str().find("1 unchanged"), std::string::npos);
  const auto json = toets::diff_to_json(diff);
  EXPECT_EQ(json["summary"]["new"], 2);
  EXPECT_EQ(json["summary"]["unchanged"], 1);
  EXPECT_EQ(json["changes"][0]["group"]["corporation"], "A");
  EXPECT_DOUBLE_EQ(json["changes"][0]["delta"].get<double>(), 0.13);
}

// A result that turned into an error says why, in the text and in the JSON: from its note as
// data, or from the message an older toets recorded.
TEST(StoreDiff, SaysWhyAResultIsAnErrorOrHasNoData) {
  using toets::Status;
  const toets::Ratio seven{7, 100};
  toets::StoredResult broken = result("F", "A", Status::Error, std::nullopt, 1);
  toets::NoteArgs lacks;
  lacks.table = "cap";
  lacks.keys = {{"corporation", "'A'"}};
  broken.note.add(toets::NoteCode::TableLacks, lacks);
  toets::StoredResult old = result("F", "B", Status::NoData, std::nullopt, 2);
  old.message = "no allocations records pass the rule's filter";  // recorded before notes were data
  const toets::RunDiff diff = toets::diff_runs(toets::RunInfo{}, {result("F", "A", Status::Ok, seven, 1),
                                                                  result("F", "B", Status::Ok, seven, 2)},
                                               toets::RunInfo{}, {broken, old});
  std::ostringstream text;
  toets::write_diff_text(diff, text);
  EXPECT_NE(text.str().find("    why: F A: parameter table 'cap' has no value for corporation 'A'\n"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("    why: F B: no allocations records pass the rule's filter\n"), std::string::npos) << text.str();
  const auto json = toets::diff_to_json(diff);
  ASSERT_EQ(json["changes"].size(), 2u);
  EXPECT_EQ(json["changes"][0]["to"]["message"], "parameter table 'cap' has no value for corporation 'A'");
  EXPECT_EQ(json["changes"][0]["from"]["message"], "");
  EXPECT_EQ(json["changes"][1]["to"]["message"], "no allocations records pass the rule's filter");
}

TEST(StoreDiff, NotesWhatChangedBesidesTheResults) {
  toets::RunInfo a, b;
  a.id = 1;
  b.id = 2;
  a.ruleset_id = b.ruleset_id = "r";
  a.ruleset_sha256 = std::string(64, 'a');
  b.ruleset_sha256 = std::string(64, 'b');
  a.engine_version = b.engine_version = "0.1.0";
  a.inputs = {{"allocations", "store", "1111", {1}, 1, 1, 0, true}, {"stock", "store", "2222", {2}, 1, 1, 0, true}};
  b.inputs = {{"allocations", "store", "3333", {1, 3}, 1, 1, 0, true}, {"stock", "store", "2222", {2}, 1, 1, 0, true}};
  const auto diff = toets::diff_runs(a, {}, b, {});
  ASSERT_EQ(diff.notes.size(), 1u);
  EXPECT_NE(diff.notes[0].find("rule files changed"), std::string::npos);
  std::ostringstream text;
  toets::write_diff_text(diff, text);
  EXPECT_NE(text.str().find("allocations  changed    store 1111 -> store 3333"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("stock        unchanged  store 2222"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("No changes"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The command line


// The results of a JSON report, or of one side of a diff, as "rule|group|status|detail" lines
// (the format of the fixture's expected.sql).
std::string detail_of(const nlohmann::json& side, bool deadline) {
  if (!side["numerator"].is_null() && side["denominator"] != 0) {
    return side["numerator"].dump() + "/" + side["denominator"].dump();
  }
  if (deadline && !side["measure"].is_null()) return side["measure"].dump();
  return "";
}

std::string group_text_of(const nlohmann::json& group) {
  std::string text;
  for (const auto& [key, value] : group.items()) {
    if (!text.empty()) text += ", ";
    text += value.is_string() ? value.get<std::string>() : value.dump();
  }
  return text;
}

// Runs the fixture's expected.sql (sqlite3, independent of the engine) over the CSV files in `dir`.
std::map<std::string, std::string> expected_results(const std::string& dir, const std::string& as_of) {
  const std::string command = "cd '" + dir + "' && sqlite3 -cmd \"CREATE TABLE settings AS SELECT '" + as_of +
                              "' AS as_of\" :memory: < expected.sql";
  FILE* pipe = popen(command.c_str(), "r");
  std::map<std::string, std::string> out;  // rule|group -> status|detail
  if (pipe == nullptr) return out;
  std::string text;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) text += buffer;
  EXPECT_EQ(pclose(pipe), 0) << "sqlite3 failed";
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find('|');
    const auto second = line.find('|', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    // The store's diff compares status and detail; whether a group lies outside its rule's
    // period is not part of it.
    std::string value = line.substr(second + 1);
    if (value.ends_with("|outside")) value.resize(value.size() - 8);
    out[line.substr(0, second)] = value;
  }
  return out;
}

// Copies the fixture to `dir`, changing allocations by `edit` (id -> new row, or "" to drop it)
// and adding `extra` rows.
void write_fixture(const std::string& dir, const std::map<std::string, std::string>& edit, const std::string& extra) {
  fs::create_directories(dir);
  for (const std::string name : {"stock.csv", "mutations.csv", "expected.sql"}) {
    fs::copy_file(source_path(kFixtureDir + "/" + name), dir + "/" + name, fs::copy_options::overwrite_existing);
  }
  std::istringstream in(read_file(source_path(kFixtureDir + "/allocations.csv")));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const auto found = edit.find(line.substr(0, line.find(',')));
    if (found == edit.end()) out += line + "\n";
    else if (!found->second.empty()) out += found->second;
  }
  write_file(dir + "/allocations.csv", out + extra);
}

TEST(StoreCli, ImportIsOneTransactionAndIdempotent) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  const std::string rows =
      std::to_string(toets::read_csv_file(schema_of("allocations"), source_path(kFixtureDir + "/allocations.csv"))
                         .report.rows_accepted);
  const std::uint64_t stock_rows =
      toets::read_csv_file(schema_of("stock"), source_path(kFixtureDir + "/stock.csv")).report.rows_accepted;
  const Outcome first = toets("import --db '" + db + "' --data allocations=" + kFixtureDir +
                              "/allocations.csv --data stock=" + kFixtureDir + "/stock.csv");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("allocations " + kFixtureDir + "/allocations.csv: import 1, " + rows + " rows read, " + rows +
                           " stored (" + rows + " new, 0 changed, 0 unchanged), 0 rejected"),
            std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("stock " + kFixtureDir + "/stock.csv: import 2"), std::string::npos) << first.out;
  const std::string after_first = read_file(db);

  const Outcome again = toets("import --db '" + db + "' --data allocations=" + kFixtureDir + "/allocations.csv");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already imported as import 1"), std::string::npos) << again.out;
  EXPECT_EQ(read_file(db), after_first);

  // A broken file among good ones: nothing of any of them is imported.
  write_file(dir.file("broken.csv"), "allocation_id,corporation\nA1,T\n");
  write_file(dir.file("new.csv"), kAllocationsHeader + allocation_row("Z1", "T", "1.00"));
  const Outcome broken = toets("import --db '" + db + "' --data allocations='" + dir.file("new.csv") +
                               "' --data stock='" + dir.file("broken.csv") + "'");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("nothing was imported"), std::string::npos) << broken.err;
  EXPECT_EQ(read_file(db), after_first);

  const Outcome imports = toets("history --db '" + db + "' --imports --format json");
  ASSERT_EQ(imports.exit_code, 0) << imports.err;
  const auto list = nlohmann::json::parse(imports.out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["kind"], "allocations");
  EXPECT_EQ(list[0]["sha256"], toets::file_sha256(source_path(kFixtureDir + "/allocations.csv")));
  EXPECT_EQ(list[1]["rows_stored"], stock_rows);
}

TEST(StoreCli, WrongInputIsExitTwoAndChangesNothing) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  struct Case {
    std::string arguments;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"check " + kRules + " --db '" + db + "'", "no such store"},
      {"history --db '" + db + "'", "no such store"},
      {"diff --db '" + db + "'", "no such store"},
      {"import --db '" + db + "'", "nothing to import"},
      {"import --db '" + db + "' --data flats=x.csv", "expected KIND=FILE"},
      {"import --db '" + db + "' --data allocations=missing.csv", "missing.csv: cannot open"},
      {"import --db '" + db + "' --data allocations=sqlite:missing.db", "expected sqlite:FILE:TABLE"},
      {"check " + kRules + " --no-record", "--no-record needs --db"},
      {"stash --db '" + db + "'", "unknown command 'stash'"},
  };
  for (const Case& c : cases) {
    const Outcome outcome = toets(c.arguments);
    EXPECT_EQ(outcome.exit_code, 2) << c.arguments;
    EXPECT_NE(outcome.err.find(c.message), std::string::npos) << c.arguments << "\n" << outcome.err;
    EXPECT_FALSE(fs::exists(db)) << c.arguments;
  }

  // A file that is not a store is refused and left as it was.
  const std::string other = dir.file("other.db");
  {
    Db handle(other);
    handle.exec("CREATE TABLE customers (id); INSERT INTO customers VALUES (1);");
  }
  const std::string before = read_file(other);
  const Outcome refused = toets("import --db '" + other + "' --data allocations=" + kFixtureDir + "/allocations.csv");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not a toets store"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(other), before);

  // Runs that are not there.
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations=" + kFixtureDir + "/allocations.csv").exit_code, 0);
  const std::vector<Case> diffs = {
      {"diff --db '" + db + "'", "has no runs yet"},
      {"diff --db '" + db + "' 7 8", "has no run 7"},
      {"diff --db '" + db + "' one", "'one' is not a run number"},
      {"diff --db '" + db + "' 1 2 3", "compares two runs"},
      {"history --db '" + db + "' --ruleset nowhere", "no runs of rule set 'nowhere'"},
  };
  for (const Case& c : diffs) {
    const Outcome outcome = toets(c.arguments);
    EXPECT_EQ(outcome.exit_code, 2) << c.arguments;
    EXPECT_NE(outcome.err.find(c.message), std::string::npos) << c.arguments << "\n" << outcome.err;
  }
  ASSERT_EQ(toets("check " + kRules + " --db '" + db + "' --as-of 2026-11-23").exit_code, 1);
  const Outcome single = toets("diff --db '" + db + "'");
  EXPECT_EQ(single.exit_code, 2);
  EXPECT_NE(single.err.find("nothing to compare"), std::string::npos) << single.err;
}

// A real export goes in with its mapping and dialect (the same reader as check): the store then
// holds exactly what the canonical twin of the export gives.
TEST(StoreCli, ImportReadsExportsWithTheirMapping) {
  TempDir dir;
  const std::string exports = "fixtures/exports/";
  const std::string from_export = dir.file("export.db");
  const std::string from_canonical = dir.file("canonical.db");
  const Outcome imported = toets("import --db '" + from_export + "' --data allocations=" + exports +
                                 "allocations-export.csv --mapping allocations=" + exports +
                                 "allocations-export.map --rejects '" + dir.file("rejected.csv") + "' --format json");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const auto outcome = nlohmann::json::parse(imported.out);
  EXPECT_GT(outcome[0]["rows_rejected"].get<int>(), 0);
  EXPECT_EQ(outcome[0]["rows_read"].get<int>(),
            outcome[0]["rows_stored"].get<int>() + outcome[0]["rows_rejected"].get<int>());
  EXPECT_NE(read_file(dir.file("rejected.csv")).find("dataset,file,line,column,value,reason"), std::string::npos);
  ASSERT_EQ(toets("import --db '" + from_canonical + "' --data allocations=" + exports + "allocations.canonical.csv")
                .exit_code,
            0);
  const auto rows = [](const std::string& path) {
    Db db(path, SQLITE_OPEN_READONLY);
    return db.rows(
        "SELECT allocation_id, corporation, municipality, kern, neighbourhood, contract_date, dwelling_id, segment, "
        "daeb, new_build, rent_cents, household_size, household_income_cents, applicant_age, channel, energy_label "
        "FROM allocations ORDER BY allocation_id");
  };
  const auto stored = rows(from_export);
  EXPECT_EQ(stored.size(), outcome[0]["rows_stored"].get<std::size_t>());
  EXPECT_EQ(stored, rows(from_canonical));

  // --strict: a rejected row stops the import; no store is made.
  const std::string strict = dir.file("strict.db");
  const Outcome refused = toets("import --db '" + strict + "' --strict --data allocations=" + exports +
                                "allocations-export.csv --mapping allocations=" + exports + "allocations-export.map");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("nothing was imported"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(strict));
  // A dialect mistake is found before anything is read.
  const Outcome wrong = toets("import --db '" + strict + "' --delimiter tab --data allocations=" + exports +
                              "allocations.canonical.csv");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("--delimiter 'tab'"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(strict));
}

// check --db gives the same results as check on the files, and the same as --data sqlite:.
TEST(StoreCli, CheckFromTheStoreEqualsCheckFromTheFiles) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  ASSERT_EQ(import_fixture(db).exit_code, 0);
  const std::string files = "--data allocations=" + kFixtureDir + "/allocations.csv --data stock=" + kFixtureDir +
                            "/stock.csv";
  const Outcome from_files = toets("check " + kRules + " " + files + " --as-of 2026-11-23 --format json");
  const Outcome from_store = toets("check " + kRules + " --db '" + db + "' --as-of 2026-11-23 --format json");
  const Outcome from_tables = toets("check " + kRules + " --data allocations=sqlite:'" + db +
                                    "':allocations --data stock=sqlite:'" + db + "':stock --as-of 2026-11-23 --format json");
  EXPECT_EQ(from_store.exit_code, from_files.exit_code) << from_store.err;
  EXPECT_EQ(from_tables.exit_code, from_files.exit_code) << from_tables.err;
  // The results, without what only a store gives (their history over the recorded runs).
  const auto parse = [](const std::string& text) {
    auto report = nlohmann::json::parse(text);
    for (auto& result : report["results"]) result.erase("history");
    return report;
  };
  const auto a = parse(from_files.out);
  const auto b = parse(from_store.out);
  const auto c = parse(from_tables.out);
  EXPECT_EQ(a["results"], b["results"]);
  EXPECT_EQ(a["results"], c["results"]);
  EXPECT_EQ(b["inputs"][0]["rows_read"], a["inputs"][0]["rows_read"]);
  EXPECT_EQ(b["inputs"][0]["file"], db);

  // Only the check from the store was recorded, with the store's state as its input hashes.
  const Outcome history = toets("history --db '" + db + "' --format json");
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const auto runs = nlohmann::json::parse(history.out);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["as_of"], "2026-11-23");
  EXPECT_EQ(runs[0]["ruleset"]["id"], "dordrecht_2026_2027");
  ASSERT_EQ(runs[0]["inputs"].size(), 2u);
  EXPECT_EQ(runs[0]["inputs"][0]["source"], "store");
  EXPECT_EQ(runs[0]["inputs"][0]["imports"], nlohmann::json::array({1}));

  // With --data besides --db, that file is used for its kind and recorded with its hash.
  const Outcome mixed = toets("check " + kRules + " --db '" + db + "' --data allocations=" + kFixtureDir +
                              "/allocations.csv --as-of 2026-11-23 --format json");
  EXPECT_EQ(mixed.exit_code, from_files.exit_code);
  EXPECT_EQ(parse(mixed.out)["results"], a["results"]);
  const auto runs2 = nlohmann::json::parse(toets("history --db '" + db + "' --format json").out);
  ASSERT_EQ(runs2.size(), 2u);
  EXPECT_EQ(runs2[1]["inputs"][0]["source"], kFixtureDir + "/allocations.csv");
  EXPECT_EQ(runs2[1]["inputs"][0]["sha256"], toets::file_sha256(source_path(kFixtureDir + "/allocations.csv")));
  EXPECT_EQ(runs2[1]["inputs"][1]["source"], "store");
}

// Two runs on changed data: the diff must say exactly what an independent computation (the
// fixture's expected.sql, run by sqlite3 on each version of the data) says changed.
TEST(StoreCli, DiffOfTwoRunsOnChangedDataMatchesAnIndependentComputation) {
  TempDir dir;
  const std::string db = dir.file("store.db");
  const std::string v1 = dir.file("v1");
  const std::string v2 = dir.file("v2");
  write_fixture(v1, {}, "");
  // The second export: Trivire's three high 2026 incomes corrected, three Woonbron 2026 lets now
  // above the income limit, Woonbron's 2025 lets withdrawn. Woonkracht10's two high incomes
  // corrected and a first let by Woonvast change nothing: neither is a party to the agreement
  // (corporations "Trivire", "Woonbron"), so no rule reads them, before or after.
  std::map<std::string, std::string> edit;
  std::istringstream in(read_file(v1 + "/allocations.csv"));
  for (std::string line; std::getline(in, line);) {
    const std::string id = line.substr(0, line.find(','));
    std::vector<std::string> cells;
    std::stringstream split(line);
    for (std::string cell; std::getline(split, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    if (cells.size() < 13) continue;
    if (id == "A229" || id == "A230" || id == "A231") cells[12] = "20000.00";
    else if (id == "A036" || id == "A037" || id == "A038") cells[12] = "99999.00";
    else if (id == "A046" || id == "A047") cells[12] = "20000.00";
    else if (cells[1] == "Woonbron" && cells[5].starts_with("2025")) cells.clear();
    else continue;
    std::string row;
    for (std::size_t i = 0; i < cells.size(); ++i) row += (i > 0 ? "," : "") + cells[i];
    edit[id] = cells.empty() ? "" : row + "\n";
  }
  ASSERT_GE(edit.size(), 8u);
  write_fixture(v2, edit, allocation_row("A900", "Woonvast", "99999.00", "2026-06-15"));

  const std::string as_of = "2026-11-23";
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations='" + v1 + "/allocations.csv' --data stock='" + v1 +
                  "/stock.csv' --data mutations='" + v1 + "/mutations.csv'")
                .exit_code,
            0);
  ASSERT_EQ(toets("check " + kRules + " --db '" + db + "' --as-of " + as_of).exit_code, 1);
  // The new export replaces the old one (withdrawn lets must go).
  const Outcome second_import =
      toets("import --db '" + db + "' --replace --data allocations='" + v2 + "/allocations.csv'");
  ASSERT_EQ(second_import.exit_code, 0) << second_import.err;
  ASSERT_EQ(toets("check " + kRules + " --db '" + db + "' --as-of " + as_of).exit_code, 1);

  const auto e1 = expected_results(v1, as_of);
  const auto e2 = expected_results(v2, as_of);
  ASSERT_FALSE(e1.empty());
  ASSERT_FALSE(e2.empty());
  ASSERT_NE(e1, e2);

  const Outcome diff = toets("diff --db '" + db + "' --format json");
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  const auto json = nlohmann::json::parse(diff.out);
  EXPECT_EQ(json["from"]["id"], 1);
  EXPECT_EQ(json["to"]["id"], 2);

  // What changed according to sqlite3: every key whose status or detail differs.
  const auto status_of = [](const std::string& value) { return value.substr(0, value.find('|')); };
  const auto problem = [](const std::string& s) { return s == "signal" || s == "breach" || s == "at_risk"; };
  std::map<std::string, std::string> expected;  // rule|group -> "kind from -> to"
  std::set<std::string> keys;
  for (const auto& [key, value] : e1) keys.insert(key);
  for (const auto& [key, value] : e2) keys.insert(key);
  std::size_t unchanged = 0;
  for (const std::string& key : keys) {
    const auto before = e1.find(key);
    const auto after = e2.find(key);
    std::string kind;
    if (before == e1.end()) {
      kind = problem(status_of(after->second)) ? "new" : "appeared";
    } else if (after == e2.end()) {
      kind = "disappeared";
    } else if (before->second == after->second) {
      ++unchanged;
      continue;
    } else {
      const std::string a = status_of(before->second);
      const std::string b = status_of(after->second);
      if (a == b) kind = "moved";
      else if (!problem(a) && problem(b)) kind = "new";
      else if (problem(a) && (b == "ok" || b == "on_track")) kind = "resolved";
      else if (a == "signal" && b == "breach") kind = "worse";
      else if (a == "breach" && b == "signal") kind = "better";
      else kind = "status_changed";
    }
    expected[key] = kind + " " + (before == e1.end() ? "-" : before->second) + " -> " +
                    (after == e2.end() ? "-" : after->second);
  }

  std::map<std::string, std::string> actual;
  for (const auto& change : json["changes"]) {
    const std::string rule = change["rule"];
    const bool deadline = rule == "H" || rule == "NPA-EFG";
    const std::string key = rule + "|" + group_text_of(change["group"]);
    const auto side = [&](const nlohmann::json& s) {
      return s.is_null() ? std::string("-") : s["status"].get<std::string>() + "|" + detail_of(s, deadline);
    };
    actual[key] = change["change"].get<std::string>() + " " + side(change["from"]) + " -> " + side(change["to"]);
  }
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(json["summary"]["unchanged"], unchanged);
  // The changes this edit was made to cause are among them.
  for (const auto& [key, change] : actual) {
    EXPECT_EQ(key.find("Woonkracht10"), std::string::npos) << key << ": not a party, not read";
    EXPECT_EQ(key.find("Woonvast"), std::string::npos) << key << ": not a party, not read";
  }
  EXPECT_EQ(actual["F|Trivire, 2026"].substr(0, 9), "resolved ");        // 4/23 -> 1/23
  EXPECT_EQ(actual["Woningwet-48|Woonbron, 2026"].substr(0, 4), "new ");  // 1/20 -> 4/20
  EXPECT_EQ(actual["F|Woonbron, 2026"].substr(0, 6), "worse ");           // 2/20 -> 5/20
  EXPECT_EQ(actual["F|Woonbron, 2025"].substr(0, 12), "disappeared ");

  // The inputs: allocations changed, stock did not.
  const Outcome text = toets("diff --db '" + db + "' 1 2");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Toets diff: run 1 -> run 2"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("allocations  changed"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("stock        unchanged"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("New breaches and signals"), std::string::npos) << text.out;
  // One run given: it against the latest of its rule set, the same comparison.
  EXPECT_EQ(toets("diff --db '" + db + "' 1").out, text.out);
  EXPECT_EQ(toets("diff --db '" + db + "' 2").exit_code, 2);
}

}  // namespace
