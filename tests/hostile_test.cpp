// Hostile input: what an export or a rule author may throw at Toets, and the exact outcome each
// must have. Never a crash, a hang or a silent misread: a precise error with its location, or a
// precise count of accepted and rejected rows with the reason for each.
//
// Two tables:
//  - files under tests/hostile/ (see tests/hostile/README.md): every rules/*.toets and every
//    data/<dataset>/*.csv is a case, its expected outcome in the .expected file beside it. Adding a
//    case is adding two files. TOETS_UPDATE_HOSTILE=1 rewrites the .expected files (review them!).
//  - generated cases below, for inputs too big to keep in the repository (100000 nested brackets,
//    a 5 MiB rule file, a field of a megabyte, more groups than the limit).

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/check/checker.hpp"
#include "dsl/syntax/parser.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/input/input.hpp"
#include "engine/input/json_reader.hpp"
#include "engine/input/mapping.hpp"
#include "engine/run/plan.hpp"
#include "engine/run/plan_file.hpp"
#include "tests/support/scratch_folder.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

const fs::path kHostile = fs::path("tests") / "hostile";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool updating() {
  const char* update = std::getenv("TOETS_UPDATE_HOSTILE");
  return update != nullptr && std::string(update) == "1";
}

// ---- outcomes rendered as text ----

// The diagnostics of a rule file as `toets validate` prints them, then "ok: N rules" if it checks.
std::string rules_outcome(const std::string& path, const std::string* text = nullptr) {
  Diagnostics diagnostics;
  auto rules = text != nullptr ? check_rule_text(path, *text, diagnostics) : check_rule_file(path, diagnostics);
  std::ostringstream out;
  diagnostics.print(out);
  if (rules) out << "ok: " << rules->rules.size() << " rules\n";
  // Import chains name files by absolute path: make them relative to the source directory, so the
  // expected text holds on any clone.
  std::string text_out = out.str();
  const std::string root = fs::current_path().string() + "/";
  for (std::size_t at = text_out.find(root); at != std::string::npos; at = text_out.find(root, at)) {
    text_out.erase(at, root.size());
  }
  return text_out;
}

// A plan file as `toets run` reads it: its diagnostics as printed, or "ok: I imports, C checks".
std::string plan_outcome(const std::string& path) {
  Diagnostics diagnostics;
  const auto plan = load_plan(path, diagnostics);
  std::ostringstream out;
  diagnostics.print(out);
  if (plan) out << "ok: " << plan->imports.size() << " imports, " << plan->checks.size() << " checks\n";
  return out.str();
}

// A load as "read N, accepted N, rejected N", each rejection on a line, each note; or the
// file-level error. Checks the counts add up, whatever the expectation says.
std::string load_outcome(const LoadedDataset& loaded) {
  const LoadReport& report = loaded.report;
  EXPECT_EQ(report.rows_read, report.rows_accepted + report.rows_rejected);
  EXPECT_EQ(report.rejections.size(), report.rows_rejected);
  EXPECT_EQ(loaded.data.row_count(), report.rows_accepted);
  std::ostringstream out;
  out << "read " << report.rows_read << ", accepted " << report.rows_accepted << ", rejected "
      << report.rows_rejected << "\n";
  for (const auto& r : report.rejections) {
    out << "line " << r.line << ": " << (r.column.empty() ? "(record)" : r.column) << " '" << r.value
        << "': " << r.reason << "\n";
  }
  for (const auto& note : report.notes) out << "note: " << note << "\n";
  return out.str();
}

// A data file loaded as `toets check --data` loads it (load_input: the form from the extension,
// the dialect detected), through NAME.map beside it when there is one.
std::string input_outcome(const DatasetSchema& schema, const fs::path& path) {
  InputSpec spec;
  spec.path = path.string();
  fs::path mapping = path;
  mapping.replace_extension(".map");
  if (fs::exists(mapping)) spec.mapping_path = mapping.string();
  try {
    return load_outcome(load_input(schema, spec));
  } catch (const DataFileError& error) {
    return std::string("error: ") + error.what() + "\n";
  }
}

std::string csv_text_outcome(const DatasetSchema& schema, const std::string& text) {
  try {
    return load_outcome(read_csv_text(schema, text, "generated.csv"));
  } catch (const DataFileError& error) {
    return std::string("error: ") + error.what() + "\n";
  }
}

// ---- the file-driven table ----

struct FileCase {
  std::string name;      // for the test name
  fs::path input;        // relative to the source directory
  fs::path expected;
  std::string dataset;   // empty for rule files
};

void PrintTo(const FileCase& c, std::ostream* os) { *os << c.input.string(); }

std::vector<FileCase> file_cases() {
  std::vector<FileCase> cases;
  auto add = [&](const fs::path& input, const std::string& dataset) {
    std::string name = (dataset.empty() ? "rules_" : dataset + "_") + input.stem().string() +
                       (input.extension() == ".csv" || input.extension() == ".toets" ? "" : input.extension().string());
    std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    fs::path expected = input;
    expected.replace_extension(".expected");
    cases.push_back(FileCase{name, input, expected, dataset});
  };
  if (fs::is_directory(kHostile / "rules")) {
    for (const auto& entry : fs::directory_iterator(kHostile / "rules")) {
      if (entry.is_regular_file() && entry.path().extension() == ".toets") add(entry.path(), "");
    }
  }
  if (fs::is_directory(kHostile / "data")) {
    for (const auto& dir : fs::directory_iterator(kHostile / "data")) {
      if (!dir.is_directory()) continue;
      for (const auto& entry : fs::directory_iterator(dir.path())) {
        const auto extension = entry.path().extension();
        if (entry.is_regular_file() && (extension == ".csv" || extension == ".json" || extension == ".jsonl")) {
          add(entry.path(), dir.path().filename().string());
        }
      }
    }
  }
  if (fs::is_directory(kHostile / "plans")) {
    for (const auto& entry : fs::directory_iterator(kHostile / "plans")) {
      if (entry.is_regular_file() && entry.path().extension() == ".plan") add(entry.path(), "plan");
    }
  }
  std::sort(cases.begin(), cases.end(), [](const FileCase& a, const FileCase& b) { return a.input < b.input; });
  return cases;
}

class HostileFile : public testing::TestWithParam<FileCase> {};

TEST_P(HostileFile, HasItsExpectedOutcome) {
  const FileCase& c = GetParam();
  std::string actual;
  if (c.dataset.empty()) {
    actual = rules_outcome(c.input.string());
  } else if (c.dataset == "plan") {
    actual = plan_outcome(c.input.string());
  } else {
    const DatasetSchema* schema = find_dataset(c.dataset);
    ASSERT_NE(schema, nullptr) << "tests/hostile/data/" << c.dataset << ": not a dataset name";
    actual = input_outcome(*schema, c.input);
  }
  if (updating()) {
    std::ofstream(c.expected, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(c.expected)) << c.expected << " is missing; the outcome was:\n" << actual;
  EXPECT_EQ(actual, read_file(c.expected)) << "for " << c.input;
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileFile, testing::ValuesIn(file_cases()),
                         [](const testing::TestParamInfo<FileCase>& param_info) { return param_info.param.name; });

// ---- generated cases: rule files ----

const std::string kHeader = "ruleset hostile { title \"hostile\" }\n";

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::string joined(const std::string& piece, const std::string& separator, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    if (i > 0) out += separator;
    out += piece;
  }
  return out;
}

struct RuleCase {
  const char* name;
  std::function<std::string()> text;
  std::string first_line;  // the first line of the output, exactly (file:line:col: error: ...)
};

void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

class HostileRules : public testing::TestWithParam<RuleCase> {};

TEST_P(HostileRules, FailsCleanlyAtTheSpot) {
  const RuleCase& c = GetParam();
  const std::string text = c.text();
  const std::string outcome = rules_outcome("generated.toets", &text);
  const std::string first = outcome.substr(0, outcome.find('\n'));
  EXPECT_EQ(first, c.first_line);
  // Every diagnostic is short: long lines are shown as a window, and at most kMaxDiagnostics.
  EXPECT_LT(outcome.size(), (kMaxDiagnostics + 1) * 2000);
}

const std::string kRule = "rule A \"a\" { over allocations ";

INSTANTIATE_TEST_SUITE_P(
    Generated, HostileRules,
    testing::Values(
        RuleCase{"parentheses_100000",
                 [] { return kHeader + kRule + "where " + repeat("(", 100000) + "daeb" + repeat(")", 100000) + " measure count }\n"; },
                 "generated.toets:2:102: error: nested more than 64 deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression"},
        RuleCase{"not_100000",
                 [] { return kHeader + kRule + "where " + repeat("not ", 100000) + "daeb measure count }\n"; },
                 "generated.toets:2:297: error: nested more than 64 deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression"},
        RuleCase{"minus_100000",
                 [] { return kHeader + kRule + "measure sum(" + repeat("-", 100000) + "rent) breach when measure > 0 }\n"; },
                 "generated.toets:2:107: error: nested more than 64 deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression"},
        RuleCase{"sets_100000",
                 [] { return kHeader + kRule + "where segment in " + repeat("{", 100000) + " measure count }\n"; },
                 "generated.toets:2:113: error: nested more than 64 deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression"},
        RuleCase{"calls_100000",
                 [] { return kHeader + kRule + "where " + repeat("year(", 100000) + "contract_date" + repeat(")", 100000) + " > 0 measure count }\n"; },
                 "generated.toets:2:362: error: nested more than 64 deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression"},
        RuleCase{"table_rows_100000",
                 [] { return kHeader + "table t(year) : int " + repeat("{ 1 ", 100000) + "\n"; },
                 "generated.toets:2:283: error: nested more than 64 deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression"},
        RuleCase{"unclosed_comment_in_deep_text",
                 [] { return kHeader + "/* " + repeat("(", 100000) + "\n"; },
                 "generated.toets:2:1: error: a comment '/*' that is never closed with '*/'"},
        RuleCase{"and_chain_10000",
                 [] { return kHeader + kRule + "measure share(" + joined("daeb", " and ", 10000) + ") breach when measure > 10% }\n"; },
                 "generated.toets:2:45: error: expression too deep: more than 256 operations nested or chained; split it, or use 'in {...}' for a list of values"},
        RuleCase{"plus_chain_10000",
                 [] { return kHeader + kRule + "measure sum(" + joined("rent", " + ", 10000) + ") breach when measure > \xE2\x82\xAC" "0 }\n"; },
                 "generated.toets:2:43: error: expression too deep: more than 256 operations nested or chained; split it, or use 'in {...}' for a list of values"},
        RuleCase{"wide_expression_5000_terms",
                 [] {
                   // 64 levels deep at most, but 5000 operations in all.
                   std::string sum = joined("(" + joined("rent", " + ", 100) + ")", " + ", 50);
                   return kHeader + kRule + "measure sum(" + sum + ") breach when measure > \xE2\x82\xAC" "0 }\n";
                 },
                 "generated.toets:2:14427: error: expression too large: more than 4096 operations in one rule"},
        RuleCase{"unknown_names_20000",
                 [] { return kHeader + kRule + "where " + joined("zz", " and ", 20000) + " measure count breach when measure > 1 }\n"; },
                 "generated.toets:2:37: error: unknown name 'zz': not a column of allocations nor a parameter"},
        RuleCase{"name_of_a_megabyte",
                 [] { return kHeader + kRule + "where " + repeat("x", 1 << 20) + " measure count breach when measure > 1 }\n"; },
                 "generated.toets:2:37: error: unknown name '" + std::string(400 - 14, 'x') + "..."},
        RuleCase{"table_of_20000_entries",
                 [] {
                   std::string rows;
                   for (int i = 0; i < 20000; ++i) rows += std::to_string(i) + ": 1 ";
                   return kHeader + "table t(year) : int { " + rows + "}\n";
                 },
                 "generated.toets:2:78913: error: parameter table 't' has more than 10000 entries"},
        RuleCase{"table_of_9_keys",
                 [] { return kHeader + "table t(a, b, c, d, e, f, g, h, i) : int { }\n"; },
                 "generated.toets:2:33: error: a parameter table has at most 8 keys"},
        RuleCase{"file_over_4_mib",
                 [] { return kHeader + "// " + std::string(kMaxRuleFileBytes, 'x') + "\n"; },
                 "generated.toets:1:1: error: rule file is 4194344 bytes; the limit is 4194304"},
        RuleCase{"file_of_10_mib_of_rules",
                 [] {
                   std::string text = kHeader;
                   for (int i = 0; text.size() < 10 * 1024 * 1024; ++i) {
                     text += "rule R" + std::to_string(i) + " \"r\" { over allocations measure count breach when measure > 1 }\n";
                   }
                   return text;
                 },
                 "generated.toets:1:1: error: rule file is 10485834 bytes; the limit is 4194304"},
        RuleCase{"title_of_3_mib",
                 [] { return "ruleset hostile { title \"" + std::string(3 << 20, 't') + "\" }\n"; },
                 "ok: 0 rules"},
        RuleCase{"string_of_3_mib_of_escaped_quotes",
                 [] { return "ruleset hostile { title \"" + repeat("\\\"", 1 << 20) + "\" }\n"; },
                 "ok: 0 rules"},
        RuleCase{"string_never_closed_3_mib",
                 [] { return "ruleset hostile { title \"" + std::string(3 << 20, 't') + "\n"; },
                 "generated.toets:2:1: error: expected '\"', found the end of the file"},
        RuleCase{"table_of_100000_entries",
                 [] {
                   std::string rows;
                   for (int i = 0; i < 100000; ++i) rows += std::to_string(i) + ": 1 ";
                   return kHeader + "table t(year) : int { " + rows + "}\n";
                 },
                 "generated.toets:2:78913: error: parameter table 't' has more than 10000 entries"},
        RuleCase{"not_and_parentheses_mixed_100000",
                 [] { return kHeader + kRule + "where " + repeat("(not ", 50000) + "daeb" + repeat(")", 50000) + " measure count }\n"; },
                 "generated.toets:2:198: error: nested more than 64 deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression"},
        RuleCase{"or_chain_100000",
                 [] { return kHeader + kRule + "where " + joined("daeb", " or ", 100000) + " measure count breach when measure > 1 }\n"; },
                 "generated.toets:2:37: error: expression too deep: more than 256 operations nested or chained; split it, or use 'in {...}' for a list of values"},
        RuleCase{"set_of_100000_values",
                 [] {
                   std::string values;
                   for (int i = 0; i < 100000; ++i) values += std::to_string(i) + ", ";
                   return kHeader + kRule + "where household_size in {" + values + "0} measure count breach when measure > 1 }\n";
                 },
                 "ok: 1 rules"},
        RuleCase{"rules_40000_distinct",
                 [] {
                   std::string text = kHeader;
                   for (int i = 0; i < 40000; ++i) {
                     text += "rule R" + std::to_string(i) + " \"r\" { over allocations measure count breach when measure > 1 }\n";
                   }
                   return text;
                 },
                 "ok: 40000 rules"},
        RuleCase{"rules_20000",
                 [] { return kHeader + repeat("rule A \"a\" { over allocations measure count breach when measure > 1 }\n", 20000); },
                 "generated.toets:3:1: error: duplicate rule id 'A'"}),
    [](const testing::TestParamInfo<RuleCase>& param_info) { return std::string(param_info.param.name); });

// Imports nested 40 deep (each file imports the next): an error at the import that crosses the
// limit, not a recursion as deep as the chain. And 2000 files each imported twice: read once each.
TEST(HostileRules, ImportChainsAndFans) {
  const fs::path dir = testing_support::scratch_folder("imports");
  for (int i = 0; i < 40; ++i) {
    std::ofstream(dir / ("chain" + std::to_string(i) + ".toets"))
        << (i == 0 ? kHeader : "") << "import \"chain" << i + 1 << ".toets\"\n";
  }
  std::ofstream(dir / "chain40.toets") << "param deepest = 1\n";
  std::string outcome = rules_outcome((dir / "chain0.toets").string());
  EXPECT_EQ(outcome.substr(0, outcome.find('\n')),
            (dir / "chain32.toets").string() + ":1:8: error: imports nested deeper than 32 files");

  std::string fan = kHeader;
  for (int i = 0; i < 2000; ++i) {
    std::ofstream(dir / ("leaf" + std::to_string(i) + ".toets")) << "param p" << i << " = " << i << "\n";
    fan += "import \"leaf" + std::to_string(i) + ".toets\"\nimport \"./leaf" + std::to_string(i) + ".toets\"\n";
  }
  std::ofstream(dir / "fan.toets") << fan;
  EXPECT_EQ(rules_outcome((dir / "fan.toets").string()), "ok: 0 rules\n");
  fs::remove_all(dir);
}

// A window of a long line still puts the caret under the spot.
TEST(HostileRules, LongLineWindowKeepsTheCaret) {
  std::string numbers;
  for (int i = 1; i <= 3000; ++i) numbers += std::to_string(i) + ", ";
  const std::string text = kHeader + kRule + "where household_size in {" + numbers + "0} and zz measure count breach when measure > 1 }\n";
  const std::string outcome = rules_outcome("generated.toets", &text);
  std::istringstream lines(outcome);
  std::string first, source, caret;
  std::getline(lines, first);
  std::getline(lines, source);
  std::getline(lines, caret);
  EXPECT_EQ(first, "generated.toets:2:16956: error: unknown name 'zz': not a column of allocations nor a parameter");
  ASSERT_LT(caret.size(), source.size());
  EXPECT_EQ(caret.back(), '^');
  EXPECT_EQ(source.substr(caret.size() - 1, 3), "zz ");
  EXPECT_EQ(source.substr(0, 5), "  ...");
  EXPECT_LT(source.size(), kMaxShownLineBytes + 10);
}

// ---- generated cases: data files ----

std::string allocations_header() {
  return "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,"
         "new_build,rent,household_size,household_income,applicant_age,channel,energy_label\n";
}
std::string allocation_row(const std::string& id, const std::string& kern = "") {
  return id + ",Trivire,Dordrecht," + kern + ",,2026-02-01,VHE1,sociaal,true,false,612.35,1,30000.00,35,regulier,C\n";
}

struct DataCase {
  const char* name;
  std::function<std::string()> text;
  const char* expected;  // the outcome with each rejected value left out: "line L: COLUMN: reason"
};

void PrintTo(const DataCase& c, std::ostream* os) { *os << c.name; }

// The outcome as load_outcome() renders it, with each quoted value left out (megabytes of 'k' are
// not worth spelling out); checks the value shown is cut short.
std::string without_values(const std::string& outcome) {
  std::string out;
  bool first = true;
  // A rejection line is "line L: COLUMN 'VALUE': reason"; the value may hold newlines.
  std::string all = outcome;
  std::size_t at = 0;
  while (at < all.size()) {
    std::size_t end = all.find('\n', at);
    if (end == std::string::npos) end = all.size();
    std::string row = all.substr(at, end - at);
    if (!first && row.rfind("line ", 0) == 0) {
      const std::size_t open = row.find(" '");
      std::size_t close = all.find("': ", at + open + 2);
      const std::string value = all.substr(at + open + 2, close - (at + open + 2));
      EXPECT_LE(value.size(), 130u) << "a rejected value is shown whole: " << value.substr(0, 200);
      end = all.find('\n', close);
      if (end == std::string::npos) end = all.size();
      row = row.substr(0, open) + all.substr(close + 1, end - close - 1);
    }
    out += row + "\n";
    first = false;
    at = end + 1;
  }
  return out;
}

class HostileData : public testing::TestWithParam<DataCase> {};

TEST_P(HostileData, RejectsExactly) {
  const DataCase& c = GetParam();
  EXPECT_EQ(without_values(csv_text_outcome(*find_dataset("allocations"), c.text())), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Generated, HostileData,
    testing::Values(
        DataCase{"field_of_a_megabyte",
                 [] { return allocations_header() + allocation_row("A1") + allocation_row("A2", std::string(1 << 20, 'k')) + allocation_row("A3"); },
                 "read 3, accepted 2, rejected 1\n"
                 "line 3: (record): the record is 1048666 bytes long; at most 1048576 are allowed\n"},
        DataCase{"field_over_64_kib",
                 [] { return allocations_header() + allocation_row("A1", std::string(70000, 'k')); },
                 "read 1, accepted 0, rejected 1\n"
                 "line 2: kern: the field is 70000 bytes long; at most 65536 are allowed\n"},
        DataCase{"quoted_field_over_64_kib_with_newlines",
                 [] { return allocations_header() + allocation_row("A1", "\"" + repeat("k\n", 40000) + "\"") + allocation_row("A2"); },
                 "read 2, accepted 1, rejected 1\n"
                 "line 2: kern: the field is 80000 bytes long; at most 65536 are allowed\n"},
        DataCase{"header_of_100000_columns",
                 [] { return allocations_header().substr(0, allocations_header().size() - 1) + repeat(",x", 100000) + "\n"; },
                 "error: generated.csv:1: the header has 100016 columns; at most 1024 are allowed\n"},
        DataCase{"column_name_of_a_megabyte",
                 [] { return std::string(1 << 20, 'c') + "," + allocations_header(); },
                 "error: generated.csv:1: the header row is 1048756 bytes long; at most 1048576 are allowed\n"},
        DataCase{"row_of_100000_fields",
                 [] { return allocations_header() + "A1" + repeat(",", 100000) + "\n" + allocation_row("A2"); },
                 "read 2, accepted 1, rejected 1\n"
                 "line 2: (record): expected 16 fields, found 100001\n"},
        DataCase{"100000_blank_lines_then_header_only",
                 [] { return repeat("\r\n", 100000) + allocations_header(); },
                 "read 0, accepted 0, rejected 0\n"},
        DataCase{"unterminated_quote_runs_to_the_end",
                 [] { return allocations_header() + allocation_row("A1") + "\"A2" + repeat(",x\n", 50000); },
                 "error: generated.csv:3: unterminated quote: the quoted field of column 'allocation_id' opened on "
                 "line 3 never closes, so the rest of the file would be one value; close the quote, or double a quote "
                 "inside a value (\"\")\n"}),
    [](const testing::TestParamInfo<DataCase>& param_info) { return std::string(param_info.param.name); });

// ---- generated cases: JSON ----

std::string json_record(const std::string& id, const std::string& extra = "") {
  return "{\"allocation_id\": \"" + id + "\", \"corporation\": \"Trivire\", \"municipality\": \"Dordrecht\", "
         "\"contract_date\": \"2026-02-01\", \"dwelling_id\": \"VHE1\", \"segment\": \"sociaal\", \"daeb\": true, "
         "\"rent\": 612.35, \"household_size\": 1, \"household_income\": 30000, \"applicant_age\": 35, "
         "\"channel\": \"regulier\"" + extra + "}";
}

class HostileJson : public testing::TestWithParam<DataCase> {};

TEST_P(HostileJson, RejectsExactly) {
  const DataCase& c = GetParam();
  std::string outcome;
  try {
    outcome = load_outcome(read_json_text(*find_dataset("allocations"), c.text(), "generated.json"));
  } catch (const DataFileError& error) {
    outcome = std::string("error: ") + error.what() + "\n";
  }
  EXPECT_EQ(without_values(outcome), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Generated, HostileJson,
    testing::Values(
        // nlohmann's parser keeps its nesting on the heap; the reader skips what is nested.
        DataCase{"value_nested_100000_deep",
                 [] { return "[" + json_record("J1", ", \"extra\": " + repeat("[", 100000) + repeat("]", 100000)) + ", " +
                             json_record("J2", ", \"kern\": " + repeat("[", 100000) + repeat("]", 100000)) + "]"; },
                 "read 2, accepted 1, rejected 1\n"
                 "line 1: kern: expected a single value for 'kern', found an array\n"
                 "note: key 'extra' is not part of allocations; ignored\n"},
        DataCase{"record_nested_100000_deep",
                 [] { return "[" + repeat("[", 100000) + repeat("]", 100000) + ", " + json_record("J1") + "]"; },
                 "read 2, accepted 1, rejected 1\n"
                 "line 1: (record): expected an object (one allocations record), found an array\n"},
        DataCase{"objects_nested_100000_deep_never_closed",
                 [] { return "[" + json_record("J1", ", \"extra\": " + repeat("{\"a\": ", 100000)); },
                 "error: generated.json:1: not valid JSON: syntax error while parsing value - unexpected '}'; "
                 "expected '[', '{', or a literal\n"},
        DataCase{"json_lines_nested_100000_deep",
                 [] { return json_record("J1") + "\n" + repeat("[", 100000) + repeat("]", 100000) + "\n" + json_record("J2") + "\n"; },
                 "read 3, accepted 2, rejected 1\n"
                 "line 2: (record): expected an object (one allocations record), found an array\n"},
        DataCase{"record_over_a_megabyte",
                 [] { return "[" + json_record("J1", ", \"extra\": \"" + std::string(1 << 20, 'x') + "\"") + ", " + json_record("J2") + "]"; },
                 "read 2, accepted 1, rejected 1\n"
                 "line 1: (record): the record is 1048865 bytes long; at most 1048576 are allowed\n"
                 "note: key 'extra' is not part of allocations; ignored\n"},
        DataCase{"json_line_over_a_megabyte",
                 [] { return json_record("J1", ", \"extra\": \"" + std::string(1 << 20, 'x') + "\"") + "\n" + json_record("J2") + "\n"; },
                 "read 2, accepted 1, rejected 1\n"
                 "line 1: (record): the record is 1048865 bytes long; at most 1048576 are allowed\n"},
        DataCase{"100000_records_of_nothing",
                 [] { return "[" + joined("{}", ",", 100000) + "]"; },
                 "error: generated.json: no record has the required keys 'allocation_id', 'corporation', 'municipality', "
                 "'contract_date', 'dwelling_id', 'segment', 'daeb', 'rent', 'household_size', 'household_income', "
                 "'applicant_age', 'channel' (allocations records must have: allocation_id, corporation, municipality, "
                 "contract_date, dwelling_id, segment, daeb, rent, household_size, household_income, applicant_age, "
                 "channel)\n"}),
    [](const testing::TestParamInfo<DataCase>& param_info) { return std::string(param_info.param.name); });

// Counts alone would not show a misread amount: the values of a JSON Lines file read with a
// decimal comma (JSON numbers keep their point; strings follow the mapping's decimal comma).
TEST(HostileJsonValues, DecimalCommaReadsEachAmountRight) {
  InputSpec spec;
  spec.path = (kHostile / "data" / "allocations" / "json_decimal_comma.jsonl").string();
  spec.mapping_path = (kHostile / "data" / "allocations" / "json_decimal_comma.map").string();
  const LoadedDataset loaded = load_input(*find_dataset("allocations"), spec);
  const auto id = *loaded.data.schema().column_index("allocation_id");
  const auto rent = *loaded.data.schema().column_index("rent");
  std::string values;
  for (std::size_t row = 0; row < loaded.data.row_count(); ++row) {
    values += loaded.data.cell_text(id, row) + "=" + loaded.data.cell_text(rent, row) + " ";
  }
  EXPECT_EQ(values, "J1=612.35 J2=612.35 J3=1234.56 J5=1234.00 J6=1234.00 J7=1234.50 J8=612.30 J9=612.00 ");
}

// The rows json_values_edge.jsonl accepts, value by value: 1 is true, an integer for a text
// column is its digits, a padded id is trimmed. (A rent of -0, -612.35 and a date 9999-12-31 are
// read, and rejected as implausible: the .expected file.)
TEST(HostileJsonValues, EdgeValuesAcceptedAreReadRight) {
  InputSpec spec;
  spec.path = (kHostile / "data" / "allocations" / "json_values_edge.jsonl").string();
  const LoadedDataset loaded = load_input(*find_dataset("allocations"), spec);
  const DatasetSchema& schema = loaded.data.schema();
  std::string values;
  for (std::size_t row = 0; row < loaded.data.row_count(); ++row) {
    // J35 holds a NUL byte: accepted today, rejected once RecordBuilder refuses NUL bytes.
    if (loaded.data.cell_text(*schema.column_index("allocation_id"), row).find('\0') != std::string::npos) continue;
    for (const char* column : {"allocation_id", "corporation", "contract_date", "daeb", "rent"}) {
      values += loaded.data.cell_text(*schema.column_index(column), row) + (std::string(column) == "rent" ? "\n" : " ");
    }
  }
  EXPECT_EQ(values,
            "J1 Trivire 2026-02-01 true 612.35\n"
            "J22 5 2026-02-01 true 612.35\nJ30 Trivire 2026-02-01 true 612.35\n"
            "J31 Trivire 2026-02-01 true 612.35\nJ34 Trivire 2026-02-01 true 612.35\n");
}

// ---- NUL bytes in text cells ----

// A NUL byte inside a text cell (CSV, and JSON "\u0000") would cut the value short wherever it
// meets a C string: it rejects the record, naming the column.
TEST(HostileNul, ANulByteInACsvTextCellRejectsTheRecord) {
  const LoadedDataset loaded = read_csv_text(
      *find_dataset("allocations"),
      allocations_header() + allocation_row("A1") + allocation_row("A2", std::string("Ax\0el", 5)), "nul.csv");
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 3u);
  EXPECT_EQ(loaded.report.rejections[0].column, "kern");
  EXPECT_NE(loaded.report.rejections[0].reason.find("NUL byte"), std::string::npos) << loaded.report.rejections[0].reason;
}

TEST(HostileNul, ANulByteInAJsonStringRejectsTheRecord) {
  const LoadedDataset loaded = read_json_text(
      *find_dataset("allocations"),
      "[" + json_record("J1") + ",\n" + json_record("J2", ", \"kern\": \"Ax\\u0000el\"") + "]", "nul.json");
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 2u);
  EXPECT_EQ(loaded.report.rejections[0].column, "kern");
  EXPECT_NE(loaded.report.rejections[0].reason.find("NUL byte"), std::string::npos) << loaded.report.rejections[0].reason;
}

// ---- evaluation of hostile rules over a small export ----

struct EvaluationCase {
  const char* name;
  const char* rule;      // one rule over allocations, after a ruleset header
  const char* expected;  // "status: message" of the first result
};

void PrintTo(const EvaluationCase& c, std::ostream* os) { *os << c.name; }

class HostileEvaluationCase : public testing::TestWithParam<EvaluationCase> {};

TEST_P(HostileEvaluationCase, EndsInAResult) {
  const EvaluationCase& c = GetParam();
  LoadedDataset allocations = read_csv_text(
      *find_dataset("allocations"),
      allocations_header() + allocation_row("A1") + allocation_row("A2", "Axel") +
          "A3,Woonbron,Dordrecht,,,2026-02-01,VHE3,sociaal,true,,612.35,1,30000.00,16,urgent,\n",
      "allocations.csv");
  ASSERT_EQ(allocations.report.rows_accepted, 3u);
  // A3 at the edges of what a column can hold: values no file gets past the plausible ranges
  // (docs/data-input.md), which the evaluator must survive all the same (from a store's own table).
  const DatasetSchema& schema = allocations.data.schema();
  allocations.data.column(*schema.column_index("contract_date")).values[2] = days_from_civil(9999, 12, 31);
  allocations.data.column(*schema.column_index("rent")).cents[2] = std::numeric_limits<std::int64_t>::max();
  allocations.data.column(*schema.column_index("household_income")).cents[2] = std::numeric_limits<std::int64_t>::max();
  allocations.data.column(*schema.column_index("applicant_age")).values[2] = 1;
  Diagnostics diagnostics;
  auto rules = check_rule_text("evaluation.toets", kHeader + c.rule + "\n", diagnostics);
  ASSERT_NE(rules, nullptr) << format_diagnostic(diagnostics.all().front());
  DatasetMap datasets{{DatasetKind::Allocations, &allocations.data}};
  const auto results = evaluate_rules(*rules, datasets, 20780);
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(std::string(status_name(results[0].status)) + ": " + note_text(results[0].note, Lang::En), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Generated, HostileEvaluationCase,
    testing::Values(
        EvaluationCase{"date_beyond_the_calendar",
                       "rule D \"d\" { over allocations where year(contract_date + 3000000) > 2000 measure count breach when measure > 100 }",
                       "error: a date outside the years 1 to 9999 (3020485 days from 1970-01-01) for allocations record 'A1' (line 2)"},
        EvaluationCase{"date_near_int32_max",
                       "rule D \"d\" { over allocations where month(contract_date + 2147000000) > 0 measure count breach when measure > 100 }",
                       "error: a date outside the years 1 to 9999 (2147020485 days from 1970-01-01) for allocations record 'A1' (line 2)"},
        EvaluationCase{"date_before_year_1",
                       "rule D \"d\" { over allocations where quarter(contract_date - 9000000) > 0 measure count breach when measure > 100 }",
                       "error: a date outside the years 1 to 9999 (-8979515 days from 1970-01-01) for allocations record 'A1' (line 2)"},
        EvaluationCase{"sum_overflows",
                       "rule S \"s\" { over allocations measure sum(household_income) breach when measure > \xE2\x82\xAC" "1 }",
                       "error: the sum overflows"},
        EvaluationCase{"product_overflows",
                       "rule S \"s\" { over allocations measure sum(rent * 1000000000) breach when measure > \xE2\x82\xAC" "1 }",
                       "error: arithmetic overflow for allocations record 'A3'"},
        EvaluationCase{"table_key_range_of_the_whole_int64",
                       "table t(year) : int { 0-9223372036854775806: 1 }\n"
                       "rule T \"t\" { over allocations measure count(t(year(contract_date)) > 0) breach when measure > 100 }",
                       "ok: "},
        EvaluationCase{"table_keys_at_both_ends_of_int64",
                       "table t(year) : int { 0: 1, 9223372036854775806: 2 }\n"
                       "rule T \"t\" { over allocations measure count(t(year(contract_date)) > 0) breach when measure > 100 }",
                       "error: parameter table 't' has no value for year 2026 (evaluation.toets:2); needed for allocations record 'A1' (allocations.csv:2)"}),
    [](const testing::TestParamInfo<EvaluationCase>& param_info) { return std::string(param_info.param.name); });

TEST(HostileEvaluation, CalendarTakesEveryDay) {
  // civil_from_days overflowed (undefined behaviour) near INT32_MAX; now exact over the whole range.
  for (const std::int32_t days : {std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::min(),
                                  std::numeric_limits<std::int32_t>::max() - 719468, 0}) {
    const CivilDate date = civil_from_days(days);
    EXPECT_GE(date.month, 1u);
    EXPECT_LE(date.month, 12u);
    EXPECT_GE(date.day, 1u);
    EXPECT_LE(date.day, 31u);
  }
  EXPECT_EQ(civil_from_days(0).year, 1970);
}

// ---- the group limit ----

// A rule grouped by a near-unique column over more rows than kMaxGroups: an Error result that
// names the record, not memory exhaustion.
TEST(HostileEvaluation, MoreGroupsThanTheLimitIsAnError) {
  std::string csv = "project_id,municipality,name,developer,delivery_year,total_dwellings,social_rent,middle_rent\n";
  csv.reserve(32 * (kMaxGroups + 2));
  // Every row a group of its own: 200 plausible years times as many project sizes as it takes.
  for (std::size_t i = 0; i <= kMaxGroups; ++i) {
    csv += "P" + std::to_string(i) + ",D,N,C," + std::to_string(1900 + i % 200) + "," + std::to_string(i / 200) + ",0,\n";
  }
  const LoadedDataset projects = read_csv_text(*find_dataset("projects"), csv, "projects.csv");
  ASSERT_EQ(projects.report.rows_accepted, kMaxGroups + 1);

  Diagnostics diagnostics;
  auto rules = check_rule_text("groups.toets",
                               kHeader +
                                   "rule G \"g\" { over projects per delivery_year, total_dwellings measure count "
                                   "breach when measure > 1 }\n",
                               diagnostics);
  ASSERT_NE(rules, nullptr) << format_diagnostic(diagnostics.all().front());
  DatasetMap datasets{{DatasetKind::Projects, &projects.data}};
  const auto results = evaluate_rules(*rules, datasets, 20780);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::Error);
  EXPECT_EQ(note_text(results[0].note, Lang::En),
            "more than 1000000 groups (at projects record 'P1000000', line 1000002); group by fewer or coarser keys");
}

// ---- mapping and plan files made of garbage ----

std::string printed(const Diagnostics& diagnostics) {
  std::ostringstream out;
  diagnostics.print(out);
  return out.str();
}

// A binary file given as a mapping makes a mistake of nearly every line: 100 are listed, the rest
// counted, so the message stays readable (it was one line per line of the file).
TEST(HostileMapping, AMistakeOnEveryLineListsAHundred) {
  Diagnostics diagnostics;
  const auto mapping = parse_mapping(repeat("[columns]\nnot an entry\n", 5000), "garbage.map",
                                     *find_dataset("allocations"), diagnostics);
  EXPECT_FALSE(mapping.has_value());
  const auto all = diagnostics.sorted();
  ASSERT_EQ(all.size(), kMaxMappingErrors + 1);
  EXPECT_EQ(format_diagnostic(all.front()),
            "garbage.map:2:1: error: expected NAME = VALUE, found 'not an entry'\n"
            "  not an entry\n"
            "  ^\n");
  EXPECT_EQ(format_diagnostic(all.back()), "toets: error: garbage.map: 4900 more mistakes not shown\n");
}

// Control characters from the file are shown as \xNN: a raw one would drive the terminal, and a
// NUL would cut the message short where it is printed.
TEST(HostileMapping, ControlCharactersAreShownEscaped) {
  Diagnostics diagnostics;
  parse_mapping("[input]\n\x1B[31m = 1\n", "ctrl.map", *find_dataset("allocations"), diagnostics);
  EXPECT_EQ(printed(diagnostics),
            "ctrl.map:2:1: error: unknown setting '\\x1B[31m' in [input]; expected dataset, delimiter, decimal or encoding\n"
            "  \\x1b[31m = 1\n"
            "  ^\n");
}

// Garbage is not TOML: one error where TOML stops, not one per line.
TEST(HostilePlan, GarbageIsOneMistake) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_plan(repeat("garbage\n", 10000), "garbage.plan", diagnostics).has_value());
  EXPECT_EQ(printed(diagnostics),
            "garbage.plan:1:8: error: not valid TOML: Error while parsing key-value pair: expected '=', saw '\\n'\n"
            "  garbage\n"
            "         ^\n");
}

// Valid TOML of nothing but unknown keys: 100 are listed, the rest counted.
TEST(HostilePlan, AMistakeOnEveryLineListsAHundred) {
  Diagnostics diagnostics;
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "key" + std::to_string(i) + " = 1\n";
  EXPECT_FALSE(parse_plan(text, "keys.plan", diagnostics).has_value());
  const auto all = diagnostics.sorted();
  ASSERT_EQ(all.size(), kMaxPlanErrors + 1);
  EXPECT_EQ(all.front().message, "unknown key 'key0' in the plan");
  EXPECT_EQ(format_diagnostic(all.back()), "toets: error: keys.plan: 9903 more mistakes not shown\n");
}

// A path with a NUL byte would be cut there by the system: another file, silently. A raw NUL is
// not TOML; an escaped one is refused in any text.
TEST(HostilePlan, ANulByteIsAMistakeNotACutPath) {
  Diagnostics diagnostics;
  const std::string text = std::string("store = \"a.db") + '\0' + ".evil\"\noutput = \"out\"\n[[check]]\nrules = \"r.toets\"\n";
  EXPECT_FALSE(parse_plan(text, "nul.plan", diagnostics).has_value());
  ASSERT_EQ(diagnostics.error_count(), 1u);
  EXPECT_EQ(diagnostics.all()[0].line, 1u);
  EXPECT_EQ(diagnostics.all()[0].column, 14u);
  EXPECT_EQ(diagnostics.all()[0].message.rfind("not valid TOML: ", 0), 0u);
  Diagnostics escaped;
  EXPECT_FALSE(parse_plan("store = \"ok\"\noutput = \"out\"\n[[check]]\nrules = \"r\\u0000.toets\"\n", "nul.plan", escaped));
  EXPECT_EQ(printed(escaped), "nul.plan:4:9: error: 'rules' holds a NUL character; a plan's text cannot\n"
                              "  rules = \"r\\u0000.toets\"\n"
                              "          ^\n");
}

// Keys and values of any bytes are quoted printably and cut short in the messages.
TEST(HostilePlan, AHugeUnknownKeyIsQuotedShort) {
  Diagnostics diagnostics;
  parse_plan(std::string(1 << 20, 'k') + " = 1\n\"\\u001b[2J\" = 2\n", "big.plan", diagnostics);
  const auto all = diagnostics.sorted();  // the huge key and what the plan lacks on line 1, then line 2
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].message.rfind("unknown key 'kkkk", 0), 0u);
  EXPECT_LT(all[0].message.size(), 420u);
  EXPECT_LT(format_diagnostic(all[0]).size(), 1000u);  // the line shown is a window around the spot
  EXPECT_EQ(all[4].message, "unknown key '\\x1B[2J' in the plan");
  EXPECT_EQ(all[4].line, 2u);
}

}  // namespace
}  // namespace toets
