#pragma once
// The engine over small in-memory datasets: a GoogleTest fixture that checks a rule text, loads
// allocations and stock from CSV text and evaluates, and checks that loading only the columns
// the rules read gives the same report. Shared by the evaluator and verdict tests.

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/report/report.hpp"

namespace toets::testing_support {

inline const char* kAllocationHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,"
    "new_build,rent,household_size,household_income,applicant_age,channel,energy_label\n";
inline const char* kStockHeader =
    "dwelling_id,snapshot_date,corporation,municipality,kern,neighbourhood,segment,daeb,rent,energy_label,"
    "monument,zero_step,flex\n";

// One let: id, corporation, date, size, income, and optionally channel, municipality, rent, age.
inline std::string let(const std::string& id, const std::string& corporation, const std::string& date, int size,
                const std::string& income, const std::string& channel = "regulier",
                const std::string& municipality = "Dordrecht", const std::string& rent = "600.00", int age = 40) {
  return id + "," + corporation + "," + municipality + ",,," + date + ",D" + id + ",sociaal,true,false," + rent + "," +
         std::to_string(size) + "," + income + "," + std::to_string(age) + "," + channel + ",C\n";
}

inline std::string dwelling(const std::string& id, const std::string& date, const std::string& corporation,
                     const std::string& label, const std::string& monument = "false") {
  return id + "," + date + "," + corporation + ",Dordrecht,,,sociaal,true,600.00," + label + "," + monument + ",,\n";
}

class Engine : public testing::Test {
 protected:
  std::vector<RuleResult> run(const std::string& rules_text, const std::string& allocations,
                              const std::string& stock = "", const std::string& as_of = "2026-11-23") {
    Diagnostics diagnostics;
    rules_ = check_rule_text("t.toets", rules_text, diagnostics);
    std::ostringstream text;
    diagnostics.print(text);
    EXPECT_NE(rules_, nullptr) << text.str();
    return evaluate_loaded(allocations, stock, as_of);
  }

  // The same for a rule file on disk (with its imports).
  std::vector<RuleResult> run_file(const std::string& path, const std::string& allocations,
                                   const std::string& stock = "", const std::string& as_of = "2026-11-23") {
    Diagnostics diagnostics;
    rules_ = check_rule_file(path, diagnostics);
    std::ostringstream text;
    diagnostics.print(text);
    EXPECT_NE(rules_, nullptr) << text.str();
    return evaluate_loaded(allocations, stock, as_of);
  }

  std::vector<RuleResult> evaluate_loaded(const std::string& allocations, const std::string& stock,
                                          const std::string& as_of) {
    if (!rules_) return {};
    DatasetMap map;
    if (!allocations.empty()) {
      allocations_text_ = kAllocationHeader + allocations;
      allocations_ = std::make_unique<LoadedDataset>(
          read_csv_text(*find_dataset("allocations"), allocations_text_, "allocations.csv"));
      EXPECT_EQ(allocations_->report.rows_rejected, 0u);
      map[DatasetKind::Allocations] = &allocations_->data;
    }
    if (!stock.empty()) {
      stock_text_ = kStockHeader + stock;
      stock_ = std::make_unique<LoadedDataset>(read_csv_text(*find_dataset("stock"), stock_text_, "stock.csv"));
      EXPECT_EQ(stock_->report.rows_rejected, 0u);
      map[DatasetKind::Stock] = &stock_->data;
    }
    const int year = std::stoi(as_of.substr(0, 4));
    const unsigned month = static_cast<unsigned>(std::stoi(as_of.substr(5, 2)));
    const unsigned day = static_cast<unsigned>(std::stoi(as_of.substr(8, 2)));
    std::vector<RuleResult> results = evaluate_rules(*rules_, map, days_from_civil(year, month, day), options_);
    expect_same_with_only_the_columns_read(map, results, days_from_civil(year, month, day));
    return results;
  }

  // toets check stores only the columns its rules read (columns_read_by): every test's rules,
  // run again over datasets loaded that way, must give the same report.
  void expect_same_with_only_the_columns_read(const DatasetMap& full, const std::vector<RuleResult>& results,
                                              std::int32_t as_of) {
    std::vector<std::unique_ptr<LoadedDataset>> reloaded;
    DatasetMap narrow;
    for (const auto& [kind, data] : full) {
      CsvOptions options;
      options.kept_columns = columns_read_by(*rules_, data->schema());
      const LoadedDataset& original = kind == DatasetKind::Stock ? *stock_ : *allocations_;
      const std::string& text = kind == DatasetKind::Stock ? stock_text_ : allocations_text_;
      reloaded.push_back(std::make_unique<LoadedDataset>(
          read_csv_text(data->schema(), text, original.report.file, options)));
      narrow[kind] = &reloaded.back()->data;
    }
    EXPECT_EQ(as_json(evaluate_rules(*rules_, narrow, as_of, options_)), as_json(results))
        << "with only the columns the rules read";
  }

  std::string as_json(const std::vector<RuleResult>& results) const {
    CheckReport report;
    report.ruleset = rules_->info;
    report.results = results;
    ReportOptions options;
    options.min_group_size = 1;
    std::ostringstream out;
    write_json_report(report, out, options);
    return out.str();
  }

  EvaluateOptions options_;  // how the work is spread: never changes a result
  std::unique_ptr<CompiledRuleSet> rules_;
  std::unique_ptr<LoadedDataset> allocations_;
  std::unique_ptr<LoadedDataset> stock_;
  std::string allocations_text_;
  std::string stock_text_;
};

}  // namespace toets::testing_support
