#pragma once
// A test's inline rows as a dataset (rule_test_data.cpp). Internal to the rule-test runner.
//
// The CSV as written, with blank and '#' lines skipped and spaces around fields dropped; columns
// the header lacks come from the defaults; a missing record id is made up ("row3"); a `repeat`
// column stands a row for that many records, their ids suffixed -1, -2, ... Read by the canonical
// CSV reader; a row it rejects is a mistake of the test, reported at its test-file line.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/input/load_common.hpp"
#include "ruletest/rule_test.hpp"

namespace toets::ruletest {

struct InlineDataset {
  std::unique_ptr<LoadedDataset> loaded;
  std::vector<std::uint32_t> source_lines;  // per line of the CSV read (1 = header): its test-file line
};

// nullopt with the reasons (located "FILE:LINE: allocations: ...") appended to `problems`.
std::optional<InlineDataset> load_inline_rows(const InlineRows& rows, const std::map<std::string, std::string>& defaults,
                                              const std::string& file, std::vector<std::string>& problems);

}  // namespace toets::ruletest
