// What an import could not read travels with its rows (docs/store.md): a kind read from the store
// carries the rejections of its imports, for each file name its latest import since the last
// replace, so that the reports list them and the check holds them to the limit.
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

#include "engine/check_outcome.hpp"
#include "engine/csv_reader.hpp"
#include "engine/sha256.hpp"
#include "engine/store.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

class StoreRejections : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("toets_store_rejections_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  struct Outcome {
    int exit_code = -1;
    std::string out;
    std::string err;
  };
  Outcome toets(const std::string& arguments) const {
    const std::string base = file("toets_output");
    const std::string command = "cd '" + std::string(TOETS_SOURCE_DIR) + "' && '" + TOETS_BINARY + "' " + arguments +
                                " > '" + base + ".out' 2> '" + base + ".err'";
    const int status = std::system(command.c_str());
    return Outcome{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read(base + ".out"), read(base + ".err")};
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

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

}  // namespace
}  // namespace toets
