// What an import could not read travels with its rows (docs/store.md): `check --db` and the
// reports list it and hold it to the limit, for each file name its latest import since the last
// replace; `toets rejections` lists it per import in groups, as text or spreadsheet-safe CSV.
// Expected counts are worked out by hand from the files written here.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "engine/data/check_outcome.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/run/rejection_listing.hpp"
#include "engine/base/sha256.hpp"
#include "engine/store/store.hpp"
#include "tests/support/toets_process.hpp"
#include "tests/support/scratch_folder.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

class StoreRejections : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = testing_support::scratch_folder(std::string("store_rejections_") + info->name());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  using Outcome = testing_support::ProcessOutcome;
  static Outcome toets(const std::string& arguments) { return testing_support::run_toets_shell(arguments); }

  fs::path dir_;
};

const std::string kHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

// `count` lets with ids from `first`; those whose number is in `segments` have that segment.
std::string lets(int first, int count, const std::map<int, std::string>& segments = {}) {
  std::string csv = kHeader;
  for (int i = first; i < first + count; ++i) {
    const auto found = segments.find(i);
    csv += "A" + std::to_string(i) + ",Trivire,Dordrecht,,,2026-03-01,V" + std::to_string(i) + "," +
           (found == segments.end() ? "sociaal" : found->second) + ",true,false,612.35,1,30000.00,40,regulier,C\n";
  }
  return csv;
}

const std::string kRules =
    "ruleset r { title \"R\" }\n"
    "rule C \"Count\" { over allocations measure count breach when measure > 1000 }\n";

// Imported with 2 of its 100 rows rejected (lines 6 and 10: 'Sociale huur'), then checked from the
// store: the import's rejections are in the report, and 2% is above the default 1%.
TEST_F(StoreRejections, CheckFromTheStoreListsTheImportsRejectionsAndHoldsThemToTheLimit) {
  std::ofstream(file("lets.csv")) << lets(1, 100, {{5, "Sociale huur"}, {9, "Sociale huur"}});
  std::ofstream(file("r.toets")) << kRules;
  const std::string db = file("m.db");
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations=" + file("lets.csv")).exit_code, 0);

  const std::string check = "check " + file("r.toets") + " --db '" + db + "' --no-record ";
  const Outcome json = toets(check + "--format json");
  EXPECT_EQ(json.exit_code, 2) << json.err;
  const auto report = nlohmann::json::parse(json.out);
  const auto& input = report["inputs"][0];
  EXPECT_EQ(input["file"], db);
  EXPECT_EQ(input["rows_read"], 100);
  EXPECT_EQ(input["rows_accepted"], 98);
  EXPECT_EQ(input["rows_rejected"], 2);
  ASSERT_EQ(input["imports"].size(), 1u);
  EXPECT_EQ(input["imports"][0]["import"], 1);
  EXPECT_EQ(input["imports"][0]["file"], file("lets.csv"));
  EXPECT_EQ(input["imports"][0]["rows_read"], 100);
  ASSERT_EQ(input["rejections"].size(), 2u);
  EXPECT_EQ(input["rejections"][0]["line"], 6);
  EXPECT_EQ(input["rejections"][1]["line"], 10);
  EXPECT_EQ(input["rejections"][1]["import"], 1);
  ASSERT_EQ(input["rejection_groups"].size(), 1u);
  EXPECT_EQ(input["rejection_groups"][0]["rows"], 2);
  EXPECT_EQ(input["rejection_groups"][0]["fix"]["suggestion"], "sociaal");
  const auto& reason = report["summary"]["incomplete"]["reasons"][0];
  EXPECT_EQ(reason["reason"], "too_many_rejected");
  EXPECT_EQ(reason["import"], 1);
  EXPECT_EQ(reason["file"], file("lets.csv"));

  const Outcome text = toets(check);
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_NE(text.out.find("allocations " + file("lets.csv") +
                          " (import 1): 2 of 100 rows rejected (2.00%), more than "
                          "the limit of 1%"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("!! 2 rows of " + file("lets.csv") + " (import 1, "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("2 rows (lines 6, 10), segment 'Sociale huur'"), std::string::npos);

  EXPECT_EQ(toets(check + "--max-rejected 5%").exit_code, 0);
  // --strict is about the rows this check reads from files: the import's rejections are not its business.
  EXPECT_EQ(toets(check + "--max-rejected 5% --strict").exit_code, 0);
}

std::vector<ImportOutcome> import_text(Store& store, const std::string& text, const std::string& name,
                                       ImportMode mode = ImportMode::Merge) {
  LoadedDataset loaded = read_csv_text(*find_dataset("allocations"), text, name);
  std::vector<ImportRequest> requests{ImportRequest{find_dataset("allocations"), name, sha256_hex(text), &loaded}};
  return store.import(requests, mode, "2026-11-23T07:00:00Z");
}

LoadReport loaded_allocations(Store& store) {
  auto data = store.load({find_dataset("allocations")});
  return data.at(DatasetKind::Allocations).loaded.report;
}

std::vector<std::int64_t> import_ids(const LoadReport& report) {
  std::vector<std::int64_t> ids;
  for (const auto& part : report.imports) ids.push_back(part.import_id);
  return ids;
}

// Which imports' rejections count: for each file name the latest, since the last replace.
TEST_F(StoreRejections, ALaterImportOfTheSameFileNameTakesTheRejectionsOfTheEarlierOneAlong) {
  std::string error;
  auto store = Store::open(file("m.db"), StoreAccess::Create, error);
  ASSERT_TRUE(store) << error;
  // June's drop: 2 of 10 rejected.
  import_text(*store, lets(1, 10, {{3, "Sociale huur"}, {4, "Sociale huur"}}), "exports/allocations.csv");
  LoadReport report = loaded_allocations(*store);
  EXPECT_EQ(import_ids(report), std::vector<std::int64_t>{1});
  EXPECT_EQ(report.rows_rejected, 2u);
  EXPECT_EQ(report.rows_read, 10u);  // 8 rows in the store and the 2 the import could not read
  CheckReport check;
  check.inputs.push_back(InputSummary{report, true});
  assess_completeness(check, kDefaultMaxRejectedPpm);
  ASSERT_EQ(check.incomplete.size(), 1u);
  EXPECT_EQ(check.incomplete[0].import_id, 1);

  // November's drop, the same name in another folder, all of them read: it takes June's place.
  import_text(*store, lets(1, 12), "exports-2026-11/allocations.csv");
  report = loaded_allocations(*store);
  EXPECT_EQ(import_ids(report), std::vector<std::int64_t>{2});
  EXPECT_EQ(report.rows_rejected, 0u);
  EXPECT_EQ(report.rows_accepted, 12u);
  check.inputs = {InputSummary{report, true}};
  assess_completeness(check, kDefaultMaxRejectedPpm);
  EXPECT_FALSE(check.is_incomplete());

  // Another file beside it (another year): its rejections count too; 1 of 5 rows.
  import_text(*store, lets(100, 5, {{101, "geen"}}), "2025.csv");
  report = loaded_allocations(*store);
  EXPECT_EQ(import_ids(report), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(report.rows_rejected, 1u);
  ASSERT_EQ(report.imports[1].rejections.size(), 1u);
  EXPECT_EQ(report.imports[1].rejections[0].line, 3u);
  EXPECT_EQ(report.imports[1].rejections[0].value, "geen");

  // A file none of whose rows could be read, imported last: no accepted row, judged as its file.
  import_text(*store, lets(200, 3, {{200, "x"}, {201, "x"}, {202, "x"}}), "extra.csv");
  report = loaded_allocations(*store);
  check.inputs = {InputSummary{report, true}};
  assess_completeness(check, kDefaultMaxRejectedPpm);
  ASSERT_GE(check.incomplete.size(), 1u);
  EXPECT_EQ(check.incomplete.back().import_id, 4);
  EXPECT_EQ(check.incomplete.back().reason, IncompleteReason::NoAcceptedRows);

  // A replace starts afresh: only its own rejections count.
  import_text(*store, lets(1, 4), "all.csv", ImportMode::Replace);
  report = loaded_allocations(*store);
  EXPECT_EQ(import_ids(report), std::vector<std::int64_t>{5});
  EXPECT_EQ(report.rows_rejected, 0u);
  EXPECT_EQ(report.rows_read, 4u);
}

TEST(RejectionListing, CsvCellsAreNeverFormulas) {
  EXPECT_EQ(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
  EXPECT_EQ(spreadsheet_safe("+31"), "'+31");
  EXPECT_EQ(spreadsheet_safe("-5"), "'-5");
  EXPECT_EQ(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(spreadsheet_safe("\tx"), "'\tx");
  // A carriage return or an escape sequence is shown, never sent: the cell then starts with '\'.
  EXPECT_EQ(spreadsheet_safe("\rx"), "\\x0dx");
  EXPECT_EQ(spreadsheet_safe("\n=1+1"), "'\n=1+1");
  EXPECT_EQ(spreadsheet_safe("\x1b]0;title\x07=1"), "\\x1b]0;title\\x07=1");
  EXPECT_EQ(spreadsheet_safe("\xE2\x80\xAE=1"), "\\u202e=1");
  EXPECT_EQ(spreadsheet_safe("Sociale huur"), "Sociale huur");
  EXPECT_EQ(spreadsheet_safe(""), "");
}

// toets rejections: per import, its rows and its rejections in groups with the fix; CSV cells that
// a spreadsheet would take for a formula start with a quote.
TEST_F(StoreRejections, TheRejectionsCommandListsThemPerImportInGroups) {
  // Rows 2, 5, 6 'Sociale huur' (lines 3, 6, 7), row 8 '=SUM(1)' (line 9); then a clean file.
  std::ofstream(file("a.csv")) << lets(1, 10,
                                       {{2, "Sociale huur"}, {5, "Sociale huur"}, {6, "Sociale huur"}, {8, "=SUM(1)"}});
  std::ofstream(file("b.csv")) << lets(20, 3);
  const std::string db = file("m.db");
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations=" + file("a.csv")).exit_code, 0);
  ASSERT_EQ(toets("import --db '" + db + "' --data allocations=" + file("b.csv")).exit_code, 0);

  const Outcome text = toets("rejections --db '" + db + "'");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  std::istringstream lines(text.out);
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), 7u) << text.out;
  // The time of the import is now: between the file name and the counts.
  EXPECT_EQ(got[0].rfind("import 1  allocations  " + file("a.csv") + "  ", 0), 0u) << got[0];
  EXPECT_NE(got[0].find("Z  10 rows read, 6 accepted, 4 rejected"), std::string::npos) << got[0];
  EXPECT_EQ(got[1],
            "  3 rows (lines 3, 6, 7), segment 'Sociale huur': unknown segment 'Sociale huur' (expected one of "
            "sociaal, middenhuur, vrije_sector)");
  EXPECT_EQ(got[2], "    fix: add `Sociale huur = sociaal` under `[values segment]` in the mapping");
  EXPECT_EQ(got[3],
            "  line 9, segment '=SUM(1)': unknown segment '=SUM(1)' (expected one of sociaal, middenhuur, "
            "vrije_sector)");
  // A value with '=' is quoted on a mapping line; nothing near it: a placeholder and the choices.
  EXPECT_EQ(got[4],
            "    fix: add `\"=SUM(1)\" = <segment>` under `[values segment]` in the mapping, with <segment> one "
            "of sociaal, middenhuur, vrije_sector");
  EXPECT_EQ(got[5].rfind("import 2  allocations  " + file("b.csv"), 0), 0u) << got[5];
  EXPECT_EQ(got[6], "  no rows rejected");

  const Outcome csv = toets("rejections --db '" + db + "' --format csv --import 1");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::istringstream rows(csv.out);
  std::vector<std::string> records;
  for (std::string line; std::getline(rows, line);) records.push_back(line);
  ASSERT_EQ(records.size(), 3u) << csv.out;
  EXPECT_EQ(records[0],
            "import,dataset,file,imported_at,rows_read,rows_accepted,rows_rejected,rows,column,value,"
            "reason,lines,fix");
  EXPECT_NE(records[1].find(",10,6,4,3,segment,Sociale huur,"), std::string::npos) << records[1];
  EXPECT_NE(records[1].find(",3 6 7,add `Sociale huur = sociaal` under `[values segment]` in the mapping"),
            std::string::npos)
      << records[1];
  // The value cell starts with '=': a spreadsheet would run it; a quote first makes it text.
  EXPECT_NE(records[2].find(",1,segment,'=SUM(1),\"unknown segment '=SUM(1)'"), std::string::npos) << records[2];

  const Outcome missing = toets("rejections --db '" + db + "' --import 7");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("has no import 7"), std::string::npos) << missing.err;
  EXPECT_EQ(toets("rejections --db '" + file("none.db") + "'").exit_code, 2);
  EXPECT_FALSE(fs::exists(file("none.db")));
}

}  // namespace
}  // namespace toets
