// Fuzz target: the rule-file front end (parse + check), the formatter (whatever parses formats to
// text that states the same rules, and formats to itself again), and, when a rule set checks
// clean, the evaluator and both reports over the shipped Dordrecht fixture. Whatever the bytes, this must end
// with diagnostics or a report: never a crash, a hang, a sanitizer report or unbounded memory.
//
// Imports resolve against a directory that does not exist, so relative imports fail with a
// diagnostic; absolute ones (import "/dev/zero") reach the real file system on purpose.

#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "dsl/check/checker.hpp"
#include "dsl/syntax/format.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/report/report.hpp"

namespace {

struct Fixture {
  std::unique_ptr<toets::LoadedDataset> allocations;
  std::unique_ptr<toets::LoadedDataset> stock;
  std::unique_ptr<toets::LoadedDataset> mutations;
  std::unique_ptr<toets::LoadedDataset> projects;
  toets::DatasetMap map;
};

std::unique_ptr<toets::LoadedDataset> load(const char* kind, const std::string& path_or_text, bool is_path) {
  const toets::DatasetSchema* schema = toets::find_dataset(kind);
  try {
    return std::make_unique<toets::LoadedDataset>(
        is_path ? toets::read_csv_file(*schema, path_or_text) : toets::read_csv_text(*schema, path_or_text, kind));
  } catch (const toets::DataFileError&) {
    return std::make_unique<toets::LoadedDataset>(toets::read_csv_text(*schema, path_or_text, kind));
  }
}

const Fixture& fixture() {
  static const Fixture instance = [] {
    Fixture f;
    const std::string dir = std::string(TOETS_SOURCE_DIR) + "/fixtures/dordrecht-2026-2027/";
    f.allocations = load("allocations", dir + "allocations.csv", true);
    f.stock = load("stock", dir + "stock.csv", true);
    f.mutations = load("mutations",
                       "mutation_id,dwelling_id,corporation,municipality,kern,date,kind,segment\n"
                       "M1,VHE0001,Trivire,Dordrecht,,2026-03-01,verkoop,sociaal\n"
                       "M2,,Woonbron,Dordrecht,Dubbeldam,2027-07-01,sloop,sociaal\n",
                       false);
    f.projects = load("projects",
                      "project_id,municipality,name,developer,delivery_year,total_dwellings,social_rent,middle_rent\n"
                      "P1,Dordrecht,Noordoevers,Trivire,2027,120,40,\n",
                      false);
    f.map[toets::DatasetKind::Allocations] = &f.allocations->data;
    f.map[toets::DatasetKind::Stock] = &f.stock->data;
    f.map[toets::DatasetKind::Mutations] = &f.mutations->data;
    f.map[toets::DatasetKind::Projects] = &f.projects->data;
    return f;
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = fixture();
  std::string text(reinterpret_cast<const char*>(data), size);
  {
    // The formatter checks its own output (same syntax tree, same comments) and says "internal
    // error" when it would differ: that, or a second pass that changes the text, is a bug.
    const toets::SourceFile source("fuzz.toets", text);
    toets::Diagnostics format_diagnostics;
    if (const auto formatted = toets::format_rule_text(source, format_diagnostics)) {
      toets::Diagnostics again;
      const auto twice = toets::format_rule_text(toets::SourceFile("fuzz.toets", *formatted), again);
      if (!twice || *twice != *formatted) std::abort();
    } else {
      for (const auto& d : format_diagnostics.all()) {
        if (d.message.rfind("internal error", 0) == 0) std::abort();
      }
    }
  }
  toets::Diagnostics diagnostics;
  auto rules = toets::check_rule_text("/nonexistent-toets-fuzz/rules.toets", std::move(text), diagnostics);
  std::ostringstream out;
  diagnostics.print(out);  // every diagnostic formats (line, column, caret) without trouble
  if (!rules) return 0;

  toets::CheckReport report;
  report.ruleset = rules->info;
  report.as_of = 20780;  // 2026-11-23
  report.results = toets::evaluate_rules(*rules, f.map, report.as_of);
  toets::write_text_report(report, out);
  toets::write_json_report(report, out);
  return 0;
}
