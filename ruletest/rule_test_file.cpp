// A rule-test file (TOML, read with toml++) into RuleTests, every mistake located.
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "dsl/source/text.hpp"
#include "dsl/source/calendar.hpp"
#include "dsl/source/diagnostics.hpp"
#include "ruletest/rule_test.hpp"

namespace toets::ruletest {

std::string location_text(const Location& where) {
  std::string text = where.file;
  if (where.line > 0) text += ":" + std::to_string(where.line);
  if (where.line > 0 && where.column > 0) text += ":" + std::to_string(where.column);
  return text;
}

std::string error_text(const TestFileError& error) {
  return location_text(error.where) + ": error: " + error.message;
}

std::string hint(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string text = did_you_mean(name, candidates);
  return text.empty() ? "" : "; " + text;
}

namespace {

const std::vector<std::string> kStatusNames = {"ok",      "signal",    "breach",        "on_track",
                                               "at_risk", "no_data",   "not_evaluated", "error"};
const std::vector<std::string> kDatasetNames = {"allocations", "stock", "mutations", "projects"};

std::optional<Status> status_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<Status>(i);
  }
  return std::nullopt;
}

// Reads one file's tables into tests; collects errors and keeps going, so one run names them all.
class Reader {
 public:
  Reader(std::string path, std::string_view text, std::vector<TestFileError>& errors)
      : path_(std::move(path)), errors_(errors) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = text.find('\n', start);
      lines_.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }

  std::optional<TestFile> read(const toml::table& root) {
    TestFile file;
    file.path = path_;
    check_keys(root, {"rules", "as_of", "defaults", "test"}, "at the top of a test file");
    std::optional<std::string> rules;
    Location rules_where;
    if (const toml::node* node = root.get("rules")) {
      rules = text_of(*node, "rules", "the rule file, relative to this file: rules = \"national.toets\"");
      rules_where = at(*node);
    }
    std::optional<std::int32_t> as_of;
    if (const toml::node* node = root.get("as_of")) as_of = date_of(*node, "as_of");
    const auto defaults = read_defaults(root.get("defaults"));

    const toml::node* tests = root.get("test");
    if (tests == nullptr) {
      error(Location{path_, 1, 1}, "no tests: add a [[test]] table (docs/testing-rules.md)");
      return std::nullopt;
    }
    const toml::array* array = tests->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      error(at(*tests), "'test' must be a list of tables: write each test under its own [[test]]");
      return std::nullopt;
    }
    std::set<std::string> names;
    for (const toml::node& node : *array) {
      RuleTest test;
      if (read_test(*node.as_table(), rules, rules_where, as_of, defaults, test)) {
        if (!names.insert(test.name).second) {
          error(test.where, "a second test named '" + test.name + "' in this file; give each test its own name");
          continue;
        }
        file.tests.push_back(std::move(test));
      }
    }
    if (!errors_.empty()) return std::nullopt;
    return file;
  }

 private:
  using Defaults = std::map<std::string, std::map<std::string, std::string>>;

  Location at(const toml::node& node) const { return at(node.source()); }
  Location at(const toml::source_region& region) const {
    return Location{path_, static_cast<std::uint32_t>(region.begin.line), static_cast<std::uint32_t>(region.begin.column)};
  }

  void error(Location where, std::string message) { errors_.push_back(TestFileError{std::move(where), std::move(message)}); }

  void check_keys(const toml::table& table, const std::vector<std::string>& allowed, const std::string& where) {
    for (const auto& [key, value] : table) {
      const std::string name(key.str());
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      error(at(key.source()), "unknown key '" + name + "' " + where + hint(name, allowed) +
                                  " (allowed: " + join(allowed) + ")");
    }
  }

  static std::string join(const std::vector<std::string>& items) { return toets::text::join(items); }

  // The characters a scalar was written with, from its source region (one line): a float's
  // digits exactly as typed ("612.35"), never a binary double's.
  std::string raw_text(const toml::node& node) const {
    const toml::source_region& region = node.source();
    if (region.begin.line == 0 || region.begin.line != region.end.line || region.begin.line > lines_.size()) return "";
    const std::string& line = lines_[region.begin.line - 1];
    // Columns count characters: walk the UTF-8 to bytes.
    const auto byte_of = [&](std::size_t column) {
      std::size_t byte = 0;
      for (std::size_t c = 1; c < column && byte < line.size(); ++c) {
        ++byte;
        while (byte < line.size() && (static_cast<unsigned char>(line[byte]) & 0xC0) == 0x80) ++byte;
      }
      return byte;
    };
    const std::size_t begin = byte_of(region.begin.column);
    const std::size_t end = byte_of(region.end.column);
    return end > begin ? line.substr(begin, end - begin) : "";
  }

  std::optional<std::string> text_of(const toml::node& node, const std::string& key, const std::string& hint) {
    if (const auto* value = node.as_string()) return value->get();
    error(at(node), "'" + key + "' must be text in quotes: " + hint);
    return std::nullopt;
  }

  std::optional<std::int32_t> date_of(const toml::node& node, const std::string& key) {
    std::optional<std::int32_t> days;
    if (const auto* date = node.as_date()) {
      const toml::date& d = date->get();
      if (is_valid_date(d.year, d.month, d.day)) days = days_from_civil(d.year, d.month, d.day);
    } else if (const auto* text = node.as_string()) {
      days = parse_iso_date(text->get());
    }
    if (!days) error(at(node), "'" + key + "' must be a date: " + key + " = 2026-11-23");
    return days;
  }

  // A cell value: text as it is, a whole number, true/false, a date, a decimal as typed.
  std::optional<std::string> cell_of(const toml::node& node, const std::string& what) {
    if (const auto* text = node.as_string()) return text->get();
    if (const auto* number = node.as_integer()) return std::to_string(number->get());
    if (const auto* flag = node.as_boolean()) return std::string(flag->get() ? "true" : "false");
    if (const auto* date = node.as_date()) {
      const toml::date& d = date->get();
      if (is_valid_date(d.year, d.month, d.day)) return format_date(days_from_civil(d.year, d.month, d.day));
    }
    if (node.is_floating_point()) {
      std::string raw = raw_text(node);
      if (!raw.empty()) return raw;
    }
    error(at(node), what + ": expected text, a number, true/false or a date");
    return std::nullopt;
  }

  Defaults read_defaults(const toml::node* node) {
    Defaults defaults;
    if (node == nullptr) return defaults;
    const toml::table* table = node->as_table();
    if (table == nullptr) {
      error(at(*node), "'defaults' must be a table per dataset: [defaults.allocations]");
      return defaults;
    }
    for (const auto& [key, value] : *table) {
      const std::string kind(key.str());
      const DatasetSchema* schema = find_dataset(kind);
      if (schema == nullptr) {
        error(at(key.source()), "unknown dataset '" + kind + "' in defaults" + hint(kind, kDatasetNames));
        continue;
      }
      const toml::table* columns = value.as_table();
      if (columns == nullptr) {
        error(at(value), "[defaults." + kind + "] must be a table of column = value");
        continue;
      }
      std::vector<std::string> names;
      for (const auto& column : schema->columns) names.push_back(column.name);
      for (const auto& [column_key, cell] : *columns) {
        const std::string column(column_key.str());
        if (!schema->column_index(column)) {
          error(at(column_key.source()), "'" + column + "' is not a column of " + kind + hint(column, names));
          continue;
        }
        if (auto text = cell_of(cell, "default " + kind + "." + column)) defaults[kind][column] = *text;
      }
    }
    return defaults;
  }

  // The test-file line of a CSV block's first line: a multi-line string that opens with a line
  // break starts on the next line (TOML drops that break).
  std::uint32_t first_csv_line(const toml::node& node) const {
    const toml::source_region& region = node.source();
    std::uint32_t line = static_cast<std::uint32_t>(region.begin.line);
    if (line == 0 || line > lines_.size()) return line;
    const std::string& text = lines_[line - 1];
    for (const char* quotes : {"\"\"\"", "'''"}) {
      const std::size_t open = text.find(quotes);
      if (open == std::string::npos) continue;
      const std::string rest = text.substr(open + 3);
      if (rest.find_first_not_of(" \t\r") == std::string::npos) return line + 1;
      break;
    }
    return line;
  }

  bool read_test(const toml::table& table, const std::optional<std::string>& file_rules, const Location& file_rules_where,
                 const std::optional<std::int32_t>& file_as_of, const Defaults& file_defaults, RuleTest& test) {
    const std::size_t errors_before = errors_.size();
    test.where = at(table);
    check_keys(table,
               {"name", "rules", "as_of", "rule", "defaults", "allocations", "stock", "mutations", "projects", "expect"},
               "in a [[test]]");
    if (const toml::node* node = table.get("name")) {
      if (auto name = text_of(*node, "name", "name = \"F: 2 of 10 above the limit is a breach\"")) test.name = *name;
    } else {
      error(test.where, "this test has no name: name = \"...\" says what it shows");
    }
    std::optional<std::string> rules = file_rules;
    test.rules_where = file_rules_where;
    if (const toml::node* node = table.get("rules")) {
      rules = text_of(*node, "rules", "rules = \"national.toets\"");
      test.rules_where = at(*node);
    }
    if (!rules) {
      error(test.where, "no rule file: write rules = \"FILE.toets\" at the top of the file or in the test");
    } else {
      const std::filesystem::path given(*rules);
      test.rules_path = given.is_absolute() ? given.string()
                                            : (std::filesystem::path(path_).parent_path() / given).lexically_normal().string();
    }
    std::optional<std::int32_t> as_of = file_as_of;
    if (const toml::node* node = table.get("as_of")) as_of = date_of(*node, "as_of");
    if (as_of) {
      test.as_of = *as_of;
    } else if (table.get("as_of") == nullptr) {
      error(test.where, "no as_of date: a test must not depend on today's date (as_of = 2026-11-23)");
    }

    if (const toml::node* node = table.get("rule")) {
      if (const auto* one = node->as_string()) {
        test.rules.push_back(one->get());
      } else if (const auto* list = node->as_array()) {
        for (const toml::node& item : *list) {
          if (const auto* id = item.as_string()) test.rules.push_back(id->get());
          else error(at(item), "a rule id in quotes: rule = [\"F\", \"2.7\"]");
        }
      } else {
        error(at(*node), "'rule' is a rule id in quotes, or a list of them: rule = \"F\"");
      }
    }

    test.defaults = file_defaults;
    if (const toml::node* node = table.get("defaults")) {
      for (auto& [kind, columns] : read_defaults(node)) {
        for (auto& [column, value] : columns) test.defaults[kind][column] = value;
      }
    }
    for (const std::string& kind : kDatasetNames) {
      const toml::node* node = table.get(kind);
      if (node == nullptr) continue;
      const auto* csv = node->as_string();
      if (csv == nullptr) {
        error(at(*node), "'" + kind + "' is CSV text: a header line, then a row per line, between \"\"\"");
        continue;
      }
      test.data.push_back(InlineRows{find_dataset(kind), csv->get(), first_csv_line(*node), at(*node)});
    }

    if (const toml::node* node = table.get("expect")) {
      const toml::array* list = node->as_array();
      if (list == nullptr) {
        error(at(*node), "'expect' is a list of groups: expect = [ { group = \"Trivire, 2026\", status = \"ok\" } ]");
      } else {
        for (const toml::node& item : *list) {
          const toml::table* entry = item.as_table();
          if (entry == nullptr) {
            error(at(item), "each expectation is a table: { group = \"Trivire, 2026\", status = \"breach\", measure = \"20%\" }");
            continue;
          }
          read_expectation(*entry, test);
        }
      }
    }
    if (test.rules.empty() && test.expectations.empty()) {
      error(test.where, "this test compares no rule: name it with rule = \"ID\" (and list what it should give under expect)");
    }
    for (const Expectation& expectation : test.expectations) {
      if (std::find(test.rules.begin(), test.rules.end(), expectation.rule) == test.rules.end()) {
        test.rules.push_back(expectation.rule);
      }
    }
    return errors_.size() == errors_before;
  }

  void read_expectation(const toml::table& entry, RuleTest& test) {
    Expectation expectation;
    expectation.where = at(entry);
    check_keys(entry, {"rule", "group", "status", "measure", "threshold", "evidence", "message", "outside_period"},
               "in an expectation");
    if (const toml::node* node = entry.get("rule")) {
      if (auto id = text_of(*node, "rule", "rule = \"F\"")) expectation.rule = *id;
    } else if (test.rules.size() == 1) {
      expectation.rule = test.rules.front();
    } else {
      error(expectation.where, test.rules.empty()
                                   ? "which rule? write rule = \"ID\" in the expectation, or once in the test"
                                   : "which rule? this test compares several: write rule = \"ID\" in the expectation");
    }
    expectation.group = "all";
    if (const toml::node* node = entry.get("group")) {
      if (auto group = text_of(*node, "group", "group = \"Trivire, 2026\" as the report prints it")) expectation.group = *group;
    }
    if (const toml::node* node = entry.get("status")) {
      if (auto name = text_of(*node, "status", "status = \"breach\"")) {
        if (auto status = status_from_name(*name)) {
          expectation.status = *status;
        } else {
          error(at(*node), "unknown status '" + *name + "'" + hint(*name, kStatusNames) + " (one of " +
                               join(kStatusNames) + ")");
        }
      }
    } else {
      error(expectation.where, "an expectation needs the status: status = \"ok\"");
    }
    if (const toml::node* node = entry.get("measure")) {
      if (node->is_string() || node->is_integer() || node->is_floating_point() || node->is_date()) {
        expectation.measure = cell_of(*node, "measure");
      } else {
        error(at(*node), "'measure' is the measured value: \"20%\", \"2/10\", 3, \"€612.35\" or a date");
      }
    }
    if (const toml::node* node = entry.get("threshold")) {
      expectation.threshold = text_of(*node, "threshold", "threshold = \"> 15%\"");
    }
    if (const toml::node* node = entry.get("message")) {
      expectation.message = text_of(*node, "message", "message = \"no entry for 2020\" (a part of the message)");
    }
    if (const toml::node* node = entry.get("outside_period")) {
      if (const auto* flag = node->as_boolean()) expectation.outside_period = flag->get();
      else error(at(*node), "'outside_period' is true or false");
    }
    if (const toml::node* node = entry.get("evidence")) {
      std::vector<std::string> ids;
      const toml::array* list = node->as_array();
      if (list == nullptr) error(at(*node), "'evidence' is a list of record ids: evidence = [\"A1\", \"A2\"]");
      else {
        for (const toml::node& item : *list) {
          if (const auto* id = item.as_string()) ids.push_back(id->get());
          else error(at(item), "a record id in quotes");
        }
      }
      expectation.evidence = std::move(ids);
    }
    test.expectations.push_back(std::move(expectation));
  }

  std::string path_;
  std::vector<TestFileError>& errors_;
  std::vector<std::string> lines_;
};

}  // namespace

std::optional<TestFile> parse_test_file(const std::string& path, std::string_view text,
                                        std::vector<TestFileError>& errors) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    errors.push_back(TestFileError{Location{path, static_cast<std::uint32_t>(begin.line), static_cast<std::uint32_t>(begin.column)},
                                   "not valid TOML: " + std::string(e.description())});
    return std::nullopt;
  }
  Reader reader(path, text, errors);
  return reader.read(root);
}

std::optional<TestFile> read_test_file(const std::string& path, std::vector<TestFileError>& errors) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    errors.push_back(TestFileError{Location{path, 0, 0}, fs::exists(path, ec) ? "not a regular file" : "no such file"});
    return std::nullopt;
  }
  const auto size = fs::file_size(path, ec);
  if (ec || size > kMaxTestFileBytes) {
    errors.push_back(TestFileError{Location{path, 0, 0}, ec ? "cannot read it"
                                                            : "it is " + std::to_string(size) + " bytes; a test file may be at most " +
                                                                  std::to_string(kMaxTestFileBytes)});
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof()) {
    errors.push_back(TestFileError{Location{path, 0, 0}, "cannot read it"});
    return std::nullopt;
  }
  return parse_test_file(path, buffer.str(), errors);
}

}  // namespace toets::ruletest
