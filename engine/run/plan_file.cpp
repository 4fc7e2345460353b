// Plan files: TOML (toml++) into a Plan, every mistake a located diagnostic; and the plans of the
// format before TOML, recognised and shown converted.
#include "engine/run/plan_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "dsl/source/calendar.hpp"
#include "engine/data/check_outcome.hpp"
#include "engine/input/small_file.hpp"

namespace toets {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kTopKeys = {"store",   "output",         "exports",      "as_of",   "mode",
                                           "formats", "lang",           "min_group_size", "pseudonymise",
                                           "fail_on", "max_rejected",   "import",       "check"};
const std::vector<std::string> kImportKeys = {"dataset", "file", "mapping", "sheet"};
const std::vector<std::string> kCheckKeys = {"rules"};
const std::vector<std::string> kDatasetNames = {"allocations", "stock", "mutations", "projects"};
const std::vector<std::string> kFormatNames = {"text", "json", "html", "markdown", "junit"};

// How each text setting is written, for the messages about it.
std::string example_of(std::string_view key) {
  static const std::vector<std::pair<std::string_view, std::string_view>> examples = {
      {"store", "\"monitoring.db\""}, {"output", "\"reports\""},     {"exports", "\"exports\""},
      {"pseudonymise", "\"monitoring.key\""}, {"mode", "\"merge\""}, {"lang", "\"nl\""},
      {"fail_on", "\"breach\""},      {"max_rejected", "\"1%\""},   {"dataset", "\"allocations\""},
      {"file", "\"allocations.csv\""}, {"mapping", "\"woonsysteem.mapping\""}, {"sheet", "\"Voorraad\""},
      {"rules", "\"dordrecht-2026-2027.toets\""}};
  for (const auto& [name, example] : examples) {
    if (name == key) return std::string(key) + " = " + std::string(example);
  }
  return std::string(key) + " = \"...\"";
}

std::string resolve(const std::string& plan_file, const std::string& path) {
  const fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  const fs::path base = fs::path(plan_file).parent_path();
  return (base / p).lexically_normal().string();
}

// The byte offset of a toml++ position (1-based line, column in characters) in the plan's text.
std::uint32_t offset_in(const SourceFile& source, const toml::source_position& position) {
  if (position.line == 0) return 0;
  const std::string_view line = source.line_text(static_cast<std::uint32_t>(position.line));
  if (line.data() == nullptr) return static_cast<std::uint32_t>(source.text().size());  // past the last line
  std::size_t byte = 0;
  for (std::uint32_t column = 1; column < position.column && byte < line.size(); ++column) {
    ++byte;
    while (byte < line.size() && (static_cast<unsigned char>(line[byte]) & 0xC0) == 0x80) ++byte;
  }
  return static_cast<std::uint32_t>(line.data() - source.text().data() + byte);
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Reads the TOML tables of one plan into a Plan; collects every mistake and keeps going.
class PlanReader {
 public:
  PlanReader(const SourceFile& source, Diagnostics& diagnostics) : source_(source), diagnostics_(diagnostics) {}

  std::optional<Plan> read(const toml::table& root) {
    plan_.file = source_.path();
    check_keys(root, kTopKeys, "in the plan");
    bool have_store = false, have_output = false;
    if (const auto path = path_of(root, "store")) {
      plan_.store = *path;
      have_store = true;
    } else if (root.get("store") != nullptr) {
      have_store = true;  // reported already
    }
    if (const auto path = path_of(root, "output")) {
      plan_.output = *path;
      have_output = true;
    } else if (root.get("output") != nullptr) {
      have_output = true;
    }
    plan_.exports = path_of(root, "exports").value_or(resolve(source_.path(), "."));
    if (const auto path = path_of(root, "pseudonymise")) plan_.pseudonym_key_file = *path;
    read_as_of(root.get("as_of"));
    read_choice(root.get("mode"), "mode", "merge or replace", {"merge", "replace"}, [&](const std::string& value) {
      plan_.mode = value == "replace" ? ImportMode::Replace : ImportMode::Merge;
    });
    read_formats(root.get("formats"));
    read_choice(root.get("lang"), "lang", "nl or en", {"nl", "en"},
                [&](const std::string& value) { plan_.lang = *parse_lang(value); });
    read_min_group_size(root.get("min_group_size"));
    read_choice(root.get("fail_on"), "fail_on", "signal or breach", {"signal", "breach"},
                [&](const std::string& value) { plan_.fail_on_signal = value == "signal"; });
    read_max_rejected(root.get("max_rejected"));
    for (const toml::table* table : tables_of(root, "import", "dataset = \"allocations\"")) read_import(*table);
    const auto checks = tables_of(root, "check", "rules = \"dordrecht-2026-2027.toets\"");
    for (const toml::table* table : checks) read_check(*table);

    if (!have_store) error(0, "the plan names no store", "write it as " + example_of("store"));
    if (!have_output) error(0, "the plan names no output folder", "write it as " + example_of("output"));
    const toml::node* check = root.get("check");
    if (check == nullptr || (checks.empty() && check->is_array())) {  // none, or check = []
      error(check == nullptr ? 0 : offset_of(check->source().begin), "the plan has no [[check]]",
            "add one: [[check]] with " + example_of("rules") + " under it");
    }
    if (not_shown_ > 0) {
      diagnostics_.error(nullptr, 0, source_.path() + ": " + std::to_string(not_shown_) + " more mistake" +
                                         (not_shown_ == 1 ? "" : "s") + " not shown");
    }
    if (errors_ > 0) return std::nullopt;
    return std::move(plan_);
  }

 private:
  std::uint32_t offset_of(const toml::source_position& position) const { return offset_in(source_, position); }

  // A plan of garbage would make a mistake of every key: the first kMaxPlanErrors are listed.
  void error(std::uint32_t offset, std::string message, std::string note = "") {
    ++errors_;
    if (errors_ > kMaxPlanErrors) {
      ++not_shown_;
      return;
    }
    Diagnostic& d = diagnostics_.error(&source_, offset, std::move(message));
    if (!note.empty()) d.notes.push_back(std::move(note));
  }
  void error(const toml::node& node, std::string message, std::string note = "") {
    error(offset_of(node.source().begin), std::move(message), std::move(note));
  }

  void check_keys(const toml::table& table, const std::vector<std::string>& allowed, const std::string& where) {
    for (const auto& [key, value] : table) {
      const std::string name(key.str());
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      std::string lower = name;  // "Store" is a typo of "store" (TOML's keys are case-sensitive)
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string note = did_you_mean(lower, allowed);
      if (note.empty() && &allowed != &kTopKeys &&
          std::find(kTopKeys.begin(), kTopKeys.end(), lower) != kTopKeys.end()) {
        note = "'" + lower + "' belongs at the top of the plan, before the first [[import]] or [[check]]";
      }
      if (note.empty()) note = "expected " + join(allowed);
      error(offset_of(key.source().begin), "unknown key " + quoted_for_message(name) + " " + where, note);
    }
  }

  // A text setting: in quotes, not empty, without a NUL (a path would be cut there: another file).
  std::optional<std::string> text_of(const toml::node& node, std::string_view key) {
    const auto* value = node.as_string();
    if (value == nullptr) {
      error(node, "'" + std::string(key) + "' is text in quotes", "write it as " + example_of(key));
      return std::nullopt;
    }
    const std::string& text = value->get();
    if (text.empty()) {
      error(node, "'" + std::string(key) + "' has no value", "write it as " + example_of(key));
      return std::nullopt;
    }
    if (text.find('\0') != std::string::npos) {
      error(node, "'" + std::string(key) + "' holds a NUL character; a plan's text cannot");
      return std::nullopt;
    }
    return text;
  }

  std::optional<std::string> path_of(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    const auto text = text_of(*node, key);
    if (!text) return std::nullopt;
    return resolve(source_.path(), *text);
  }

  template <typename Apply>
  void read_choice(const toml::node* node, std::string_view key, std::string_view expected,
                   const std::vector<std::string>& choices, Apply apply) {
    if (node == nullptr) return;
    const auto text = text_of(*node, key);
    if (!text) return;
    if (std::find(choices.begin(), choices.end(), *text) == choices.end()) {
      // Two letters are near every other pair: no guess for them ("de" is not a typo of "nl").
      error(*node, std::string(key) + " " + quoted_for_message(*text) + ": expected " + std::string(expected),
            text->size() > 2 ? did_you_mean(*text, choices) : "");
      return;
    }
    apply(*text);
  }

  void read_as_of(const toml::node* node) {
    if (node == nullptr) return;
    constexpr std::string_view kHint = "write it as as_of = \"today\" or as a date: as_of = 2026-11-23";
    if (const auto* date = node->as_date()) {
      const toml::date& d = date->get();
      if (is_valid_date(d.year, d.month, d.day)) plan_.as_of = days_from_civil(d.year, d.month, d.day);
      else error(*node, "as_of: a date from year 1", std::string(kHint));
    } else if (const auto* text = node->as_string()) {
      if (text->get() == "today") plan_.as_of.reset();
      else if (const auto day = parse_iso_date(text->get())) plan_.as_of = *day;
      else error(*node, "as_of " + quoted_for_message(text->get()) + ": expected today or a date YYYY-MM-DD",
                 std::string(kHint));
    } else if (node->is_date_time() || node->is_time()) {
      error(*node, "as_of is a date without a time", std::string(kHint));
    } else {
      error(*node, "as_of: expected \"today\" or a date", std::string(kHint));
    }
  }

  void read_formats(const toml::node* node) {
    if (node == nullptr) return;
    const auto* list = node->as_array();
    if (list == nullptr) {
      error(*node, "'formats' is a list", "write it as formats = [\"html\", \"markdown\"]");
      return;
    }
    plan_.formats.clear();
    bool wrong = false;
    for (const toml::node& item : *list) {
      const auto* name = item.as_string();
      if (name == nullptr) {
        error(item, "a format is text in quotes", "write it as formats = [\"html\", \"markdown\"]");
        wrong = true;
        continue;
      }
      const auto format = parse_report_format(name->get());
      if (!format) {
        error(item, "format " + quoted_for_message(name->get()) + ": expected text, json, html, markdown or junit",
              did_you_mean(name->get(), kFormatNames));
        wrong = true;
      } else if (std::find(plan_.formats.begin(), plan_.formats.end(), *format) == plan_.formats.end()) {
        plan_.formats.push_back(*format);  // a format named twice is written once
      }
    }
    if (plan_.formats.empty() && !wrong) error(*node, "formats names no format", "write it as formats = [\"html\"]");
  }

  void read_min_group_size(const toml::node* node) {
    if (node == nullptr) return;
    const auto* number = node->as_integer();
    if (number == nullptr) {
      error(*node, "'min_group_size' is a whole number", "write it as min_group_size = 5");
      return;
    }
    const std::int64_t n = number->get();
    if (n < 1 || n > 1000000) {
      error(*node, "min_group_size " + std::to_string(n) + ": expected a whole number from 1 to 1000000");
      return;
    }
    plan_.min_group_size = static_cast<std::uint64_t>(n);
  }

  void read_max_rejected(const toml::node* node) {
    if (node == nullptr) return;
    std::string text;
    if (const auto* value = node->as_string()) text = value->get();
    else if (const auto* whole = node->as_integer()) text = std::to_string(whole->get());  // 1 is 1%, as on the command line
    else {
      error(*node, "'max_rejected' is a percentage in quotes", "write it as " + example_of("max_rejected"));
      return;
    }
    if (const auto ppm = parse_max_rejected(text)) plan_.max_rejected_ppm = *ppm;
    else error(*node, "max_rejected " + quoted_for_message(text) + ": expected a percentage from 0% to 100%, like 1%");
  }

  // [[import]] or [[check]]: a list of tables, or one [import] / [check] table.
  std::vector<const toml::table*> tables_of(const toml::table& root, std::string_view key, std::string_view example) {
    std::vector<const toml::table*> tables;
    const toml::node* node = root.get(key);
    if (node == nullptr) return tables;
    if (const auto* table = node->as_table()) {
      tables.push_back(table);
    } else if (const auto* list = node->as_array(); list != nullptr && (list->empty() || list->is_array_of_tables())) {
      for (const toml::node& item : *list) tables.push_back(item.as_table());
    } else {
      error(*node, "'" + std::string(key) + "' is a table",
            "write [[" + std::string(key) + "]] on a line of its own, with " + std::string(example) + " under it");
    }
    return tables;
  }

  void read_import(const toml::table& table) {
    check_keys(table, kImportKeys, "in [[import]]");
    PlanImport import;
    import.line = source_.line_of(offset_of(table.source().begin));
    bool complete = true;
    const toml::node* dataset = table.get("dataset");
    if (dataset == nullptr) {
      error(table, "[[import]] names no dataset", "write it as " + example_of("dataset"));
      complete = false;
    } else if (const auto name = text_of(*dataset, "dataset")) {
      import.schema = find_dataset(*name);
      if (import.schema == nullptr) {
        error(*dataset, "dataset " + quoted_for_message(*name) + ": expected allocations, stock, mutations or projects",
              did_you_mean(*name, kDatasetNames));
        complete = false;
      }
    } else {
      complete = false;
    }
    if (const toml::node* file = table.get("file")) {
      if (const auto text = text_of(*file, "file")) import.file = *text;
      else complete = false;
    } else {
      error(table, "[[import]] names no file", "write it as " + example_of("file"));
      complete = false;
    }
    if (const auto mapping = path_of(table, "mapping")) import.mapping = *mapping;
    if (const toml::node* sheet = table.get("sheet")) {
      if (const auto text = text_of(*sheet, "sheet")) import.sheet = *text;
    }
    if (!complete) return;
    // Two imports of a dataset in replace mode: the second would silently undo the first.
    if (plan_.mode == ImportMode::Replace && !replaced_.insert(import.schema->name).second) {
      error(*dataset, "mode = \"replace\" with two imports of " + import.schema->name +
                          ": the second would replace the first");
    }
    plan_.imports.push_back(std::move(import));
  }

  void read_check(const toml::table& table) {
    check_keys(table, kCheckKeys, "in [[check]]");
    PlanCheck check;
    check.line = source_.line_of(offset_of(table.source().begin));
    if (table.get("rules") == nullptr) {
      error(table, "[[check]] names no rule set", "write it as " + example_of("rules"));
      return;
    }
    if (const auto rules = path_of(table, "rules")) {
      check.rules = *rules;
      plan_.checks.push_back(std::move(check));
    }
  }

  const SourceFile& source_;
  Diagnostics& diagnostics_;
  Plan plan_;
  std::set<std::string> replaced_;
  std::size_t errors_ = 0;
  std::size_t not_shown_ = 0;
};

}  // namespace

std::optional<Plan> parse_plan(std::string_view text, const std::string& name, Diagnostics& diagnostics) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // toml++ skips it too: columns agree
  const SourceFile source(name, std::string(text));
  toml::table root;
  try {
    root = toml::parse(std::string_view(source.text()), std::string_view(name));
  } catch (const toml::parse_error& e) {
    const std::uint32_t offset = offset_in(source, e.source().begin);
    const std::string description(e.description());
    const std::optional<std::string> converted = old_plan_as_toml(source.text());
    bool converts = false;
    if (converted) {
      try {
        (void)toml::parse(std::string_view(*converted), std::string_view(name));
        converts = true;
      } catch (const toml::parse_error&) {
      }
    }
    if (!converts) {
      diagnostics.error(&source, offset, "not valid TOML: " + description);
      return std::nullopt;
    }
    Diagnostic& d = diagnostics.error(&source, offset,
                                      "this plan is in the old format; a plan is TOML now (docs/reports.md, \"Plans\")");
    d.notes.push_back("TOML stops here: " + description);
    d.notes.push_back("the same plan in TOML, to replace the file with:");
    std::size_t start = 0;
    while (start < converted->size()) {
      const std::size_t end = std::min(converted->find('\n', start), converted->size());
      d.listing.push_back(converted->substr(start, end - start));
      start = end + 1;
    }
    return std::nullopt;
  }
  return PlanReader(source, diagnostics).read(root);
}

std::optional<Plan> load_plan(const std::string& path, Diagnostics& diagnostics) {
  // Bounded: `toets run /dev/zero` stops at the limit; a directory is not read as an empty plan.
  std::string problem;
  const std::optional<std::string> text = read_small_file(path, kMaxPlanBytes, "a plan", problem);
  if (!text) {
    diagnostics.error(nullptr, 0, path + ": " + problem);
    return std::nullopt;
  }
  return parse_plan(*text, path, diagnostics);
}

}  // namespace toets
