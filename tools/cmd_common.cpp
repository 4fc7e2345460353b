// What the toets commands share: the rule file, the store, the pseudonym key, the --data and
// input options, and how a job's events are shown.

#include <algorithm>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "dsl/check/checker.hpp"
#include "engine/base/atomic_file.hpp"
#include "engine/base/clock.hpp"
#include "engine/input/memory_limits.hpp"
#include "engine/base/output_guard.hpp"
#include "engine/run/plan.hpp"
#include "engine/input/small_file.hpp"
#include "tools/commands.hpp"

namespace toets::cli {

bool all_warnings = false;

std::int32_t today() {
  const auto now = std::chrono::floor<std::chrono::days>(current_time());  // TOETS_NOW pins it
  return static_cast<std::int32_t>(now.time_since_epoch().count());
}

void print_events(const std::vector<Event>& events) {
  for (const Event& event : events) {
    switch (event.severity) {
      case EventSeverity::Progress: spdlog::info("{}", event.message); break;
      case EventSeverity::Warning: spdlog::warn("{}", event.message); break;
      case EventSeverity::Detail: std::cerr << event.message << "\n"; break;
      case EventSeverity::Error:
      case EventSeverity::Summary: std::cerr << "toets: " << event_line(event) << "\n"; break;
    }
  }
}

// Store::open, saying as a warning what opening found after a write that did not finish.
std::unique_ptr<Store> open_store(const std::string& path, StoreAccess access, std::string& error) {
  auto store = Store::open(path, access, error);
  if (store) {
    for (const std::string& note : store->notes()) spdlog::warn("{}", note);
  }
  return store;
}

// Loads and checks a rule file; prints diagnostics (errors and warnings) to stderr.
// `check` shows warnings only with -v (they are about the rules, not this data); `validate`
// always shows them.
std::unique_ptr<CompiledRuleSet> load_rules(const std::string& path, bool show_warnings) {
  Diagnostics diagnostics;
  const MemoryStage stage("reading the rules in " + path);
  auto rules = check_rule_file(path, diagnostics);
  const std::size_t warnings = diagnostics.all().size() - diagnostics.error_count();
  if (show_warnings || !rules) {
    if (all_warnings) diagnostics.print(std::cerr);
    else diagnostics.print_summarising_imports(std::cerr, path, "--all-warnings");
  } else if (warnings > 0) {
    spdlog::warn("{}: {} warning{} about the rules (toets validate {} shows them)", path, warnings,
                 warnings == 1 ? "" : "s", path);
  }
  if (!rules) {
    std::cerr << "toets: " << path << ": " << diagnostics.error_count() << " error"
              << (diagnostics.error_count() == 1 ? "" : "s") << "; nothing was checked\n";
  }
  return rules;
}

// The pseudonym key: --pseudonym-key-file FILE, else the environment's TOETS_PSEUDONYM_KEY. At
// least 16 characters. Prints the problem and returns nullopt when there is none.
std::optional<std::string> pseudonym_key(const std::string& key_file) {
  std::string key;
  if (!key_file.empty()) {
    std::string problem;
    std::optional<std::string> text = read_small_file(key_file, kMaxKeyFileBytes, "a pseudonym key file", problem);
    if (!text) {
      std::cerr << "toets: error: --pseudonym-key-file '" << key_file << "': " << problem << "\n";
      return std::nullopt;
    }
    key = std::move(*text);
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  } else if (const char* env = std::getenv("TOETS_PSEUDONYM_KEY")) {
    key = env;
  } else {
    std::cerr << "toets: error: --pseudonymise needs a key: --pseudonym-key-file FILE or TOETS_PSEUDONYM_KEY\n";
    return std::nullopt;
  }
  if (key.size() < 16) {
    std::cerr << "toets: error: the pseudonym key must be at least 16 characters\n";
    return std::nullopt;
  }
  return key;
}

// The --format-in, --delimiter, --decimal, --encoding and --mapping options as an InputSpec
// (without a path) per dataset kind; false after printing what is wrong.
bool input_specs(const CheckOptions& options, const std::set<std::string>& kinds,
                 std::map<std::string, InputSpec>& specs) {
  InputSpec base;
  const auto format = parse_input_format(options.format_in);
  const auto delimiter = parse_delimiter(options.delimiter);
  const auto decimal = parse_decimal_mark(options.decimal);
  const auto encoding = parse_encoding(options.encoding);
  if (!format || !delimiter || !decimal || !encoding) {
    std::cerr << "toets: error: "
              << (!format      ? "--format-in '" + options.format_in + "': expected auto, csv, json, jsonl or xlsx"
                  : !delimiter ? "--delimiter '" + options.delimiter + "': expected auto, comma (,) or semicolon (;)"
                  : !decimal   ? "--decimal '" + options.decimal + "': expected auto, point (.) or comma (,)"
                               : "--encoding '" + options.encoding + "': expected auto, utf-8 or cp1252")
              << "\n";
    return false;
  }
  base.format = *format;
  base.delimiter = *delimiter;
  base.decimal = *decimal;
  base.encoding = *encoding;
  for (const std::string& kind : kinds) specs[kind] = base;
  for (const std::string& mapping : options.mappings) {
    const auto eq = mapping.find('=');
    const std::string kind = eq == std::string::npos ? "" : mapping.substr(0, eq);
    if (find_dataset(kind) == nullptr || eq + 1 >= mapping.size()) {
      std::cerr << "toets: error: --mapping '" << mapping
                << "': expected KIND=FILE with KIND one of allocations, stock, mutations, projects\n";
      return false;
    }
    if (kinds.count(kind) == 0) {
      std::cerr << "toets: error: --mapping " << kind << ": no --data " << kind << " is given to apply it to\n";
      return false;
    }
    if (!specs[kind].mapping_path.empty()) {
      std::cerr << "toets: error: --mapping " << kind << " is given twice\n";
      return false;
    }
    specs[kind].mapping_path = mapping.substr(eq + 1);
  }
  return true;
}

std::optional<DataSpecs> parse_data_specs(const std::vector<std::string>& specs, const std::string& twice_hint) {
  DataSpecs inputs;
  for (const auto& spec : specs) {
    const auto eq = spec.find('=');
    const std::string kind = eq == std::string::npos ? "" : spec.substr(0, eq);
    const DatasetSchema* schema = find_dataset(kind);
    if (schema == nullptr || eq + 1 >= spec.size()) {
      std::cerr << "toets: error: --data '" << spec
                << "': expected KIND=FILE with KIND one of allocations, stock, mutations, projects\n";
      return std::nullopt;
    }
    if (!inputs.kinds.insert(kind).second) {
      std::cerr << "toets: error: --data " << kind << " is given twice" << twice_hint << "\n";
      return std::nullopt;
    }
    inputs.files.emplace_back(schema, spec.substr(eq + 1));
  }
  return inputs;
}

// --out and --rejects can be written (a regular file, or a new one in an existing folder); false
// after saying why not. Before any work: a FIFO there would hang the write at the very end.
bool outputs_writable(const CheckOptions& options) {
  for (const std::string* target : {&options.out, &options.rejects}) {
    if (target->empty()) continue;
    if (const auto problem = output_path_problem(*target)) {
      std::cerr << "toets: error: " << (target == &options.out ? "--out" : "--rejects") << " '" << *target
                << "': cannot write: " << *problem << "\n";
      return false;
    }
  }
  return true;
}

CLI::Validator decimal_digits() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 18 &&
                            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits) return "'" + text + "' is not a whole number in the digits 0-9";
        // Leading zeros go before CLI11 converts: it reads "010" as octal 8.
        text.erase(0, std::min(text.find_first_not_of('0'), text.size() - 1));
        return std::string();
      },
      "");
}

std::optional<std::int64_t> parse_run_id(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace toets::cli
