#pragma once
// Rule tests: a few rows written inline, the status and measure expected per group, run through
// the same checker and engine `toets check` uses (docs/testing-rules.md).
//
//   std::vector<TestFileError> errors;
//   auto file = read_test_file("rules/national.test.toml", errors);   // TOML, located errors
//   TestOutcome outcome = run_rule_test(file->tests[0]);               // passed / failed / invalid
//   int status = run_test_paths({"rules/"}, std::cout, std::cerr);      // what `toets test` does
//
// A test file holds tests of one rule file (a test may name another): per test the rules it
// compares, rows per dataset as canonical CSV (columns a file's [defaults.KIND] gives may be left
// out; a `repeat` column stands a row for several), the as-of date and the expected results.
// Every group of a compared rule must be expected and every expectation met; anything else is a
// difference, printed as expected against actual. Reentrant; nothing here touches a store.

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/program/program.hpp"
#include "dsl/program/schema.hpp"

namespace toets::ruletest {

// Limits against hostile test files: the file's size, and the rows a test may make (`repeat`
// included) per dataset.
inline constexpr std::size_t kMaxTestFileBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxRowsPerDataset = 100000;
// A test file is found by this ending, beside the rule files (rules/national.test.toml).
inline constexpr std::string_view kTestFileSuffix = ".test.toml";

// A place in a test file: 1-based line and column (in characters); 0 when unknown.
struct Location {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};
// "rules/national.test.toml:12:5" (or without the parts that are unknown).
std::string location_text(const Location& where);

struct TestFileError {
  Location where;
  std::string message;
};
// "FILE:LINE:COL: error: MESSAGE".
std::string error_text(const TestFileError& error);
// "; did you mean 'x'?" when a candidate is close to `name`, else "".
std::string hint(std::string_view name, const std::vector<std::string>& candidates);

// One dataset's rows as the test writes them.
struct InlineRows {
  const DatasetSchema* schema = nullptr;
  std::string csv;              // as written: a header line, then a row per line
  std::uint32_t first_line = 0; // the test-file line of the CSV's first line
  Location where;               // of the value, for messages about the whole block
};

// What one group of one rule is expected to come out as. Optional fields are compared only
// when given; texts are read against the rule's measure unit when the test runs.
struct Expectation {
  Location where;
  std::string rule;                         // the rule id
  std::string group;                        // as reports print it: "Trivire, 2026"; "all" ungrouped
  Status status = Status::Ok;
  std::optional<std::string> measure;       // "20%", "2/10", "3", "€612.35", "2026-01-01"
  std::optional<std::string> threshold;     // "> 15%", "< 1210": the threshold that decided
  std::optional<std::vector<std::string>> evidence;  // record ids, in any order
  std::optional<std::string> message;       // a part of the result's message (errors, notes)
  bool outside_period = false;              // the group lies outside the rule's period
};

struct RuleTest {
  std::string name;
  Location where;                           // of the test's table
  std::string rules_path;                   // the rule file, resolved against the test file
  Location rules_where;                     // where the rule file was named
  std::int32_t as_of = 0;
  std::vector<std::string> rules;           // the rules evaluated and compared, in order
  std::map<std::string, std::map<std::string, std::string>> defaults;  // kind -> column -> value
  std::vector<InlineRows> data;
  std::vector<Expectation> expectations;
};

struct TestFile {
  std::string path;
  std::vector<RuleTest> tests;
};

// Reads and checks a test file. nullopt, with every mistake located in `errors`, when it is not
// a well-formed test file (bad TOML, an unknown key, a missing field, a value of the wrong kind).
std::optional<TestFile> read_test_file(const std::string& path, std::vector<TestFileError>& errors);
// The same for text in memory; `path` names it in messages and anchors relative rule paths.
std::optional<TestFile> parse_test_file(const std::string& path, std::string_view text,
                                        std::vector<TestFileError>& errors);

enum class Verdict : std::uint8_t { Passed, Failed, Invalid };

struct TestOutcome {
  Verdict verdict = Verdict::Passed;
  // Failed: the differences, one a line ("F  Trivire, 2026: status: expected breach, got signal").
  // Invalid: why the test could not run (located), rule diagnostics included.
  std::vector<std::string> lines;
};

// Runs one test in memory: checks its rule file, reads its rows, evaluates the compared rules
// as of its date and compares the results with its expectations.
TestOutcome run_rule_test(const RuleTest& test);

// The test files a path names: the file itself, or every *.test.toml under a folder (sorted).
// Empty, with `error` set, when the path does not exist or holds none.
std::vector<std::string> find_test_files(const std::string& path, std::string& error);

// `toets test PATHS`: runs every test of every file, prints each test's verdict and the
// differences to `out`, what makes a file or test unusable to `err`, and a summary line.
// 0: every test passed; 1: an expectation failed; 2: a test file (or its rules) is wrong, or
// there were no tests.
int run_test_paths(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);

}  // namespace toets::ruletest
