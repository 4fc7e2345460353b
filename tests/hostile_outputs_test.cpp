// Outputs never run, and memory never aborts (tests/hostile/README.md, "outputs" and "memory"):
// the toets binary as a separate process (tests/support/toets_process.hpp) over names and values
// that a terminal or a spreadsheet would act on, and under address-space limits.
//
// tests/hostile/outputs/names.csv holds one let per hostile corporation name (ESC, CR, LF, tab,
// DEL, C1, bidi overrides, isolates and marks, wide characters, an id with ESC); formulas.csv
// values a spreadsheet would run. TOETS_UPDATE_HOSTILE=1 writes what the test sees into the
// .expected files instead of comparing (read every line before committing it).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/syntax/parser.hpp"
#include "dsl/source/visible_text.hpp"
#include "support/toets_process.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;
using testing_support::ProcessOptions;
using testing_support::ProcessOutcome;
using testing_support::read_whole;
using testing_support::run_toets_process;

const std::string kFolder = "tests/hostile/outputs/";
const std::string kRules = kFolder + "rules.toets";
const std::string kNames = "allocations=" + kFolder + "names.csv";
const std::string kFormulas = "allocations=" + kFolder + "formulas.csv";

fs::path source(const std::string& relative) { return fs::path(TOETS_SOURCE_DIR) / relative; }

// Compares `actual` with the file, or writes it there under TOETS_UPDATE_HOSTILE=1.
void expect_file(const std::string& relative, const std::string& actual) {
  if (std::getenv("TOETS_UPDATE_HOSTILE") != nullptr) {
    std::ofstream(source(relative), std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(actual, read_whole(source(relative))) << relative;
}

// The first byte or code point of `text` a terminal would act on: C0 controls but line feed (and
// tab where `tabs`), DEL, C1, bidi controls, U+2028/9, bytes that are not UTF-8. npos: none.
std::size_t first_unsafe(const std::string& text, bool tabs = false) {
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) {
      if ((byte < 0x20 && byte != '\n' && !(tabs && byte == '\t')) || byte == 0x7F) return at;
      ++at;
      continue;
    }
    const CodePoint code = decode_utf8(text, at);
    if (code.length == 0 || is_escaped_code_point(code.value)) return at;
    at += code.length;
  }
  return std::string::npos;
}

std::string around(const std::string& text, std::size_t at) {
  return at == std::string::npos ? "" : visible(text.substr(at > 40 ? at - 40 : 0, 80));
}

ProcessOutcome check_names(const std::string& format, const std::vector<std::string>& more = {}) {
  std::vector<std::string> arguments = {"check", kRules, "--data", kNames, "--as-of", "2026-06-30",
                                        "--min-group-size", "1", "--format", format};
  arguments.insert(arguments.end(), more.begin(), more.end());
  return run_toets_process(arguments);
}

// Each hostile name as every report shows it (the escapes of dsl/source/visible_text.hpp).
// As the names are shown. A corporation is a group key, and a group key is read as one spelling
// (engine/input/group_keys.cpp): its white space (tab, CR, line feed) becomes one space and invisible
// characters (bidi controls and marks, zero-width) go before any report sees it. What is left of
// a terminal's controls (ESC, DEL, C1) is shown as an escape.
const std::vector<std::string> kShownNames = {
    "Woon\\x1b[2Jbron", "Tri vire", "Line break", "Corp RLO", "Iso", "Corp\\u009b31m",
    "Del\\x7fete",      "Tab here", "Marked",     "\xE6\xBC\xA2\xE5\xAD\x97\xE4\xBD\x8F\xE5\xAE\x85"};

TEST(HostileOutputs, TheTextReportIsExactlyItsExpected) {
  const ProcessOutcome outcome = check_names("text");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "");
  expect_file(kFolder + "names.text.expected", outcome.out);
}

// Whatever the names hold, the results table keeps its columns: the status of every row starts
// at the display column of STATUS in the header, in English and in Dutch.
TEST(HostileOutputs, TheResultsTableStaysAlignedInEveryLanguage) {
  for (const std::vector<std::string>& lang : {std::vector<std::string>{}, {"--lang", "nl"}, {"--lang", "en"}}) {
    const ProcessOutcome outcome = check_names("text", lang);
    std::istringstream lines(outcome.out);
    std::string line;
    while (std::getline(lines, line) && line.rfind("  RULE ", 0) != 0 && line.rfind("  REGEL ", 0) != 0) {
    }
    ASSERT_TRUE(lines) << outcome.out;
    // The header is ASCII in both languages: the third column starts after two words and their padding.
    std::smatch two_columns;
    ASSERT_TRUE(std::regex_search(line, two_columns, std::regex("^  \\S+ +\\S+ +"))) << line;
    const std::size_t status_column = static_cast<std::size_t>(two_columns.length(0));
    std::size_t rows = 0;
    while (std::getline(lines, line) && !line.empty()) {
      const std::size_t at = line.find("  sign");  // signal / signaal, after the group's padding
      ASSERT_NE(at, std::string::npos) << line;
      EXPECT_EQ(display_width(line.substr(0, at + 2)), status_column) << visible(line);
      ++rows;
    }
    EXPECT_EQ(rows, 11u) << outcome.out;
  }
}

TEST(HostileOutputs, NoReportFormatCarriesWhatATerminalWouldActOn) {
  for (const std::string format : {"text", "markdown", "html", "junit", "json"}) {
    const ProcessOutcome outcome = check_names(format);
    EXPECT_EQ(outcome.exit_code, 0) << format << outcome.err;
    const std::size_t unsafe = first_unsafe(outcome.out);
    EXPECT_EQ(unsafe, std::string::npos) << format << ": " << around(outcome.out, unsafe);
    if (format == "json") continue;  // JSON has the values themselves: below
    for (const std::string& name : kShownNames) {
      // Markdown escapes its own punctuation besides: the backslash of an escape, and '['.
      std::string shown = name;
      if (format == "markdown") {
        shown = std::regex_replace(shown, std::regex("\\\\"), "\\\\");
        shown = std::regex_replace(shown, std::regex("\\["), "\\[");
      }
      EXPECT_NE(outcome.out.find(shown), std::string::npos) << format << " lacks " << shown;
    }
  }
}

TEST(HostileOutputs, JsonEscapesTerminalControlsAndKeepsTheValues) {
  const ProcessOutcome outcome = check_names("json");
  EXPECT_NE(outcome.out.find("\"Corp\\u009b31m\""), std::string::npos);
  EXPECT_NE(outcome.out.find("\"Del\\u007fete\""), std::string::npos);
  EXPECT_NE(outcome.out.find("\"Woon\\u001b[2Jbron\""), std::string::npos);
  // Read back, the names are the export's, as one spelling (no bidi control, white space as one space).
  const auto report = nlohmann::json::parse(outcome.out);
  std::vector<std::string> corporations;
  for (const auto& result : report.at("results")) corporations.push_back(result.at("group").at("corporation"));
  EXPECT_NE(std::find(corporations.begin(), corporations.end(), "Corp RLO"), corporations.end());
  EXPECT_NE(std::find(corporations.begin(), corporations.end(), "Tri vire"), corporations.end());
  EXPECT_NE(std::find(corporations.begin(), corporations.end(), "Iso"), corporations.end());
}

// Record ids are written without a look at each byte when every id of the dataset is plain
// (report_json.cpp): one id with a quote, a backslash or an escape must still be escaped, and
// read back as it was.
TEST(HostileOutputs, JsonEvidenceIdsAreEscapedWhenOneIdOfTheDatasetNeedsIt) {
  const fs::path data = fs::temp_directory_path() / ("toets_ids_" + std::to_string(::getpid()) + ".csv");
  const std::string row_rest = ",Dordrecht,,Noord,2026-03-01,V,sociaal,true,false,612.35,2,30000.00,40,regulier,C\n";
  std::ofstream(data, std::ios::binary)
      << "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
         "rent,household_size,household_income,applicant_age,channel,energy_label\n"
      << "A1,X" << row_rest << "\"A\"\"2\\\\x\",X" << row_rest << "A3,X" << row_rest << "A4,X" << row_rest << "A5,X" << row_rest;
  const ProcessOutcome outcome = run_toets_process(
      {"check", kRules, "--data", "allocations=" + data.string(), "--as-of", "2026-06-30", "--format", "json"});
  fs::remove(data);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto report = nlohmann::json::parse(outcome.out);
  ASSERT_EQ(report.at("results").size(), 1u);
  // The quote doubled in the CSV is one quote in the id; the two backslashes are two.
  EXPECT_EQ(report.at("results").at(0).at("evidence"),
            nlohmann::json::array({"A1", "A\"2\\\\x", "A3", "A4", "A5"}));
}

TEST(HostileOutputs, TheRejectsCsvHasNoFormulaAndNoControlCharacter) {
  const fs::path rejects = fs::temp_directory_path() / ("toets_rejects_" + std::to_string(::getpid()) + ".csv");
  const ProcessOutcome outcome = run_toets_process({"check", kRules, "--data", kFormulas, "--as-of", "2026-06-30",
                                                    "--max-rejected", "100%", "--rejects", rejects.string()});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  const std::string csv = read_whole(rejects);
  fs::remove(rejects);
  EXPECT_EQ(first_unsafe(csv, true), std::string::npos) << around(csv, first_unsafe(csv, true));
  expect_file(kFolder + "formulas.rejects.expected", csv);
}

// The rejections and the import listing of a store, from a file whose path holds ESC and a bidi
// override: the path as every listing shows it; the CSV cells start with a quote where a
// spreadsheet would see a formula.
TEST(HostileOutputs, StoreListingsShowPathsAndValuesEscaped) {
  const fs::path folder = fs::temp_directory_path() / ("toets_listing_" + std::to_string(::getpid()) +
                                                       "_evil\x1b[2J\xE2\x80\xAE" "dir");
  fs::create_directories(folder);
  const fs::path store = folder / "store.db";
  const fs::path data = folder / "a.csv";
  fs::copy_file(source(kFolder + "formulas.csv"), data, fs::copy_options::overwrite_existing);
  const ProcessOutcome imported =
      run_toets_process({"import", "--db", store.string(), "--data", "allocations=" + data.string()});
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  const std::string shown_folder = visible(folder.string());
  ASSERT_NE(shown_folder.find("_evil\\x1b[2J\\u202edir"), std::string::npos);
  EXPECT_EQ(imported.out.rfind("allocations " + shown_folder + "/a.csv: import 1, 9 rows read, 2 stored", 0), 0u)
      << visible(imported.out);

  const ProcessOutcome listed = run_toets_process({"history", "--db", store.string(), "--imports"});
  EXPECT_EQ(first_unsafe(listed.out), std::string::npos) << around(listed.out, first_unsafe(listed.out));
  EXPECT_NE(listed.out.find(shown_folder + "/a.csv\n"), std::string::npos) << listed.out;
  const ProcessOutcome as_json =
      run_toets_process({"history", "--db", store.string(), "--imports", "--format", "json"});
  EXPECT_EQ(first_unsafe(as_json.out), std::string::npos) << around(as_json.out, first_unsafe(as_json.out));
  EXPECT_EQ(nlohmann::json::parse(as_json.out).at(0).at("source"), data.string());

  const ProcessOutcome text = run_toets_process({"rejections", "--db", store.string()});
  EXPECT_EQ(first_unsafe(text.out), std::string::npos) << around(text.out, first_unsafe(text.out));
  EXPECT_NE(text.out.find("segment '\\x1b]0;pwned\\x07'"), std::string::npos) << text.out;
  const ProcessOutcome csv = run_toets_process({"rejections", "--db", store.string(), "--format", "csv"});
  EXPECT_EQ(first_unsafe(csv.out, true), std::string::npos) << around(csv.out, first_unsafe(csv.out, true));
  // The import time and the folder vary; the rest is exact.
  std::string normalised = std::regex_replace(csv.out, std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"), "TIME");
  for (std::size_t at; (at = normalised.find(shown_folder)) != std::string::npos;) {
    normalised.replace(at, shown_folder.size(), "FOLDER");
  }
  expect_file(kFolder + "formulas.rejections.expected", normalised);
  fs::remove_all(folder);
}

// toets diff between a run over the hostile names and one without them: every name is a group
// no longer reported, shown escaped in the text and given back as it is by the JSON.
TEST(HostileOutputs, DiffShowsTheNamesEscaped) {
  const fs::path store = fs::temp_directory_path() / ("toets_diff_" + std::to_string(::getpid()) + ".db");
  fs::remove(store);
  ASSERT_EQ(run_toets_process({"import", "--db", store.string(), "--data", kNames}).exit_code, 0);  // makes the store
  for (const auto& [data, as_of] : {std::pair{kNames, "2026-06-30"}, std::pair{kFormulas, "2026-07-31"}}) {
    const ProcessOutcome run = run_toets_process({"check", kRules, "--db", store.string(), "--data", data, "--as-of",
                                                  as_of, "--max-rejected", "100%", "--min-group-size", "1"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
  }
  const ProcessOutcome text = run_toets_process({"diff", "--db", store.string()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(first_unsafe(text.out), std::string::npos) << around(text.out, first_unsafe(text.out));
  for (const std::string& name : kShownNames) EXPECT_NE(text.out.find("  " + name + "  "), std::string::npos) << name;
  const ProcessOutcome json = run_toets_process({"diff", "--db", store.string(), "--format", "json"});
  EXPECT_EQ(first_unsafe(json.out), std::string::npos) << around(json.out, first_unsafe(json.out));
  const auto diff = nlohmann::json::parse(json.out);
  std::vector<std::string> groups;
  for (const auto& change : diff.at("changes")) groups.push_back(change.at("group_text"));
  EXPECT_NE(std::find(groups.begin(), groups.end(), "Corp RLO"), groups.end());
  EXPECT_NE(std::find(groups.begin(), groups.end(), "Line break"), groups.end());
  fs::remove(store);
}

// Messages on stderr quote values and paths: escaped there too, by the command line's guard and
// by the log's sink.
TEST(HostileOutputs, ErrorsAndWarningsShowValuesAndPathsEscaped) {
  const ProcessOutcome strict =
      run_toets_process({"check", kRules, "--data", kFormulas, "--as-of", "2026-06-30", "--strict"});
  EXPECT_EQ(strict.exit_code, 2);
  expect_file(kFolder + "formulas.strict.expected", strict.err);

  const std::string missing = "rules/no\x1b[2J\xE2\x80\xAE.toets";
  const ProcessOutcome validate = run_toets_process({"validate", missing});
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_EQ(validate.err,
            "toets: error: cannot read rule file 'rules/no\\x1b[2J\\u202e.toets': no such file\n"
            "toets: rules/no\\x1b[2J\\u202e.toets: 1 error; nothing was checked\n");

  // A warning of the log, about a file whose folder holds ESC and a bidi override.
  const fs::path folder = fs::temp_directory_path() / ("toets_warn_" + std::to_string(::getpid()) +
                                                       "_evil\x1b[2J\xE2\x80\xAE" "dir");
  fs::create_directories(folder);
  fs::copy_file(source(kFolder + "formulas.csv"), folder / "a.csv", fs::copy_options::overwrite_existing);
  ProcessOptions loud;
  loud.quiet = false;
  const ProcessOutcome warned = run_toets_process(
      {"check", kRules, "--data", "allocations=" + (folder / "a.csv").string(), "--as-of", "2026-06-30",
       "--max-rejected", "100%"},
      loud);
  EXPECT_EQ(warned.exit_code, 0) << warned.err;
  EXPECT_EQ(warned.err, "toets: warning: " + visible(folder.string()) +
                            "/a.csv: 7 of 9 rows rejected and left out of the check (see the report)\n");
  fs::remove_all(folder);
}

// ---- memory ----

// AddressSanitizer reserves terabytes of address space for its shadow memory: a process built
// with it cannot start under an address-space limit at all (the asan preset).
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ADDRESS_SANITIZER() GTEST_SKIP() << "an address-space limit leaves AddressSanitizer no room to start"
#else
#define SKIP_UNDER_ADDRESS_SANITIZER() (void)0
#endif

std::string text_of_rules(const std::string& id, std::size_t bytes) {
  std::string text = "ruleset " + id + " { title \"" + id + "\" }\n";
  while (text.size() < bytes) text += "// " + std::string(76, 'x') + "\n";
  return text;
}

// Three imports of 3 MiB each: every file is within the 4 MiB of one file, the rule set is not.
TEST(HostileMemory, ARuleSetOverItsTotalLimitIsRefusedAtTheImportThatPassesIt) {
  const fs::path folder = fs::temp_directory_path() / ("toets_ruleset_" + std::to_string(::getpid()));
  fs::create_directories(folder);
  for (const char* name : {"a", "b", "c"}) {
    std::ofstream(folder / (std::string(name) + ".toets")) << text_of_rules(name, 3u << 20);
  }
  const std::string root = (folder / "root.toets").string();
  std::ofstream(root) << "ruleset root { title \"root\" }\n"
                         "import \"a.toets\"\nimport \"b.toets\"\nimport \"c.toets\"\n";
  const std::uint64_t root_bytes = fs::file_size(root);
  const std::uint64_t c_bytes = fs::file_size(folder / "c.toets");
  const std::uint64_t total = root_bytes + 3 * c_bytes;  // a, b and c are the same size
  ASSERT_GT(total, kMaxRuleSetBytes);
  const ProcessOutcome outcome = run_toets_process({"validate", root});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, root + ":4:8: error: '" + (folder / "c.toets").string() + "' (" + std::to_string(c_bytes) +
                             " bytes) makes the rule set " + std::to_string(total) +
                             " bytes with its imports; a rule set with all its imports may be at most 8388608 bytes\n"
                             "  import \"c.toets\"\n         ^\ntoets: " + root + ": 1 error; nothing was checked\n");
  fs::remove_all(folder);
}

// Real rules within every limit, 7.5 MB in two files: the checker needs some 500 MB for them.
// Under 200 MiB of address space it runs out while reading them and says so.
TEST(HostileMemory, RulesThatDoNotFitEndInAMessageNotAnAbort) {
  SKIP_UNDER_ADDRESS_SANITIZER();
  const fs::path folder = fs::temp_directory_path() / ("toets_bigrules_" + std::to_string(::getpid()));
  fs::create_directories(folder);
  for (const char* name : {"a", "b"}) {
    std::string text = "ruleset " + std::string(name) + " { title \"big\" }\n";
    for (int i = 0; text.size() < 3'700'000; ++i) {
      text += "rule " + std::string(name) + std::to_string(i) +
              " \"r\" { over allocations where rent > \xE2\x82\xAC" "1 and household_size in {1, 2, 3} "
              "per corporation, year(contract_date) measure share(household_income > \xE2\x82\xAC" "40000) "
              "signal when measure > 10% }\n";
    }
    std::ofstream(folder / (std::string(name) + ".toets")) << text;
  }
  const std::string root = (folder / "root.toets").string();
  std::ofstream(root) << "ruleset root { title \"root\" }\nimport \"a.toets\"\nimport \"b.toets\"\n";
  ProcessOptions limited;
  limited.address_space = 200ull << 20;
  const ProcessOutcome outcome = run_toets_process({"validate", root}, limited);
  EXPECT_EQ(outcome.term_signal, 0);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "toets: error: out of memory while reading the rules in " + root +
                             " (the address space is limited to 200 MiB: ulimit -v)\n");
  fs::remove_all(folder);
}

// An export of `rows` lets, each of its own neighbourhood (a group each for groups.toets).
fs::path write_lets(const std::string& name, std::size_t rows) {
  const fs::path path = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".csv");
  std::ofstream out(path);
  out << "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
         "rent,household_size,household_income,applicant_age,channel,energy_label\n";
  for (std::size_t i = 0; i < rows; ++i) {
    out << 'A' << i << ",Woonbron,Dordrecht,,Buurt " << i << ",2026-03-01,V" << i
        << ",sociaal,true,false,612.35,2,30000.00,40,regulier,C\n";
  }
  return path;
}

// An export larger than the address space allows: refused before it is read, saying how much it
// needs and how much there is (the amounts depend on the process, the form does not).
TEST(HostileMemory, ADataFileThatCannotFitIsRefusedUpFront) {
  SKIP_UNDER_ADDRESS_SANITIZER();
  const fs::path data = write_lets("toets_big_export", 600'000);  // 66 MB: more than the limit leaves
  ProcessOptions limited;
  limited.address_space = 100ull << 20;
  const ProcessOutcome outcome =
      run_toets_process({"check", kRules, "--data", "allocations=" + data.string(), "--as-of", "2026-06-30"}, limited);
  EXPECT_EQ(outcome.term_signal, 0);
  EXPECT_EQ(outcome.exit_code, 2);
  const std::regex expected("toets: error: " + data.string() +
                            ": too large for the memory toets may use: reading it \\(63\\.[0-9] MiB\\) needs about "
                            "[0-9.]+ MiB of address space; [0-9.]+ MiB is left under this process's limit "
                            "\\(ulimit -v\\)\n");
  EXPECT_TRUE(std::regex_match(outcome.err, expected)) << outcome.err;
  fs::remove(data);
}

// An export that fits, with a hundred thousand groups that do not: the check runs out while it
// evaluates them (on a machine with many cores, already while starting its reading threads).
TEST(HostileMemory, RunningOutWhileCheckingIsAMessageAndExit2) {
  SKIP_UNDER_ADDRESS_SANITIZER();
  const fs::path data = write_lets("toets_many_groups", 100'000);
  ProcessOptions limited;
  limited.address_space = 150ull << 20;
  const ProcessOutcome outcome = run_toets_process(
      {"check", kFolder + "groups.toets", "--data", "allocations=" + data.string(), "--as-of", "2026-06-30"}, limited);
  EXPECT_EQ(outcome.term_signal, 0);
  EXPECT_EQ(outcome.exit_code, 2);
  const std::regex expected(
      "toets: error: out of memory while (evaluating the rules|writing the report|reading the data|reading "
      "allocations from " + data.string() + ") \\(the address space is limited to 150 MiB: ulimit -v\\)\n");
  EXPECT_TRUE(std::regex_match(outcome.err, expected)) << outcome.err;
  EXPECT_EQ(outcome.out, "");
  fs::remove(data);
}

}  // namespace
}  // namespace toets
