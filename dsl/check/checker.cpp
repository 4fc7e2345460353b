#include "dsl/check/checker.hpp"

#include "dsl/check/checker_internal.hpp"

#include <unistd.h>

#include <cerrno>

#include "dsl/source/regular_file.hpp"

namespace toets {

namespace checking {

void Checker::load(const std::string& path, std::optional<std::string> text,
                   const SourceFile* from, std::uint32_t from_offset, int depth) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  const std::string key = ec ? path : canonical.string();

  if (std::find(loading_.begin(), loading_.end(), key) != loading_.end()) {
    diagnostics_.error(from, from_offset, "import cycle: '" + path + "' is already being imported")
        .notes.push_back("the import chain is " + join(loading_, " -> ") + " -> " + key);
    return;
  }
  if (loaded_.count(key) > 0) return;  // imported twice (a diamond): once is enough
  if (rule_set_too_big_) return;
  if (depth > kMaxImportDepth) {
    diagnostics_.error(from, from_offset,
                       "imports nested deeper than " + std::to_string(kMaxImportDepth) + " files");
    return;
  }

  if (!text) {
    // Only a regular file, opened without blocking: `import "/dev/zero"` read forever, and a FIFO
    // would hang the open (docs/robustness.md). One open, one size.
    std::string problem;
    int system_error = 0;
    std::optional<OpenedFile> file = open_regular_file(path, problem, &system_error);
    if (!file) {
      diagnostics_.error(from, from_offset,
                         "cannot read rule file '" + path + "': " +
                             (system_error == ENOENT ? std::string("no such file") : problem.substr(problem.find(": ") + 2)));
      return;
    }
    const auto size = static_cast<std::uint64_t>(file->status().st_size);
    if (size > kMaxRuleFileBytes) {
      diagnostics_.error(from, from_offset,
                         "'" + path + "' is " + std::to_string(size) + " bytes; a rule file may be at most " +
                             std::to_string(kMaxRuleFileBytes));
      return;
    }
    if (!fits_in_rule_set(path, size, from, from_offset)) return;
    std::string bytes(static_cast<std::size_t>(size), '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
      const ::ssize_t n = ::read(file->fd(), bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        diagnostics_.error(from, from_offset, "cannot read rule file '" + path + "': " + describe_errno(errno));
        return;
      }
      if (n == 0) break;  // it shrank since the open: what is there
      got += static_cast<std::size_t>(n);
    }
    bytes.resize(got);
    text = std::move(bytes);
  } else if (text->size() <= kMaxRuleFileBytes && !fits_in_rule_set(path, text->size(), from, from_offset)) {
    // (a text over the limit of one file is the parser's to report, with its position)
    return;
  }

  out_.sources.push_back(std::make_unique<SourceFile>(path, std::move(*text)));
  const SourceFile& source = *out_.sources.back();
  const std::size_t errors_before = diagnostics_.error_count();
  ast::File file = parse_rule_file(source, diagnostics_);
  const bool syntax_errors = diagnostics_.error_count() != errors_before;

  loading_.push_back(key);
  for (const auto& item : file.items) {
    if (const auto* import = boost::get<ast::Import>(&item)) {
      fs::path target = fs::path(path).parent_path() / import->path.value;
      load(target.lexically_normal().string(), std::nullopt, &source, import->path.offset, depth + 1);
    }
  }
  loading_.pop_back();
  loaded_.insert(key);
  // Moved, not copied: a copy of a thousand rules' tree was a quarter of their checking time.
  files_.push_back(LoadedFile{&source, std::move(file), depth == 0, syntax_errors});  // imports before importers
}

bool Checker::fits_in_rule_set(const std::string& path, std::uint64_t size, const SourceFile* from,
                                           std::uint32_t from_offset) {
  if (rule_set_bytes_ + size <= kMaxRuleSetBytes) {
    rule_set_bytes_ += size;
    return true;
  }
  rule_set_too_big_ = true;
  diagnostics_.error(from, from_offset,
                     "'" + path + "' (" + std::to_string(size) + " bytes) makes the rule set " +
                         std::to_string(rule_set_bytes_ + size) + " bytes with its imports; a rule set with all " +
                         "its imports may be at most " + std::to_string(kMaxRuleSetBytes) + " bytes");
  return false;
}

// Every file's header, then every parameter and table (imports first, so an override sees what
// it overrides), then every rule: a rule anywhere sees the final parameter values.
void Checker::check_files() {
  file_info_.resize(files_.size());
  for (std::size_t f = 0; f < files_.size(); ++f) {
    const LoadedFile& loaded = files_[f];
    RuleSetInfo& info = file_info_[f];
    info.file = loaded.source->path();
    const ast::RulesetDecl* header = nullptr;
    for (const auto& item : loaded.file.items) {
      if (const auto* decl = boost::get<ast::RulesetDecl>(&item)) {
        if (header != nullptr) {
          diagnostics_.error(loaded.source, decl->offset, "a second 'ruleset' header in one file")
              .notes.push_back("the first is at " + location(loaded.source, header->offset));
          continue;
        }
        header = decl;
        check_header(*loaded.source, *decl, info);
      }
    }
    if (header == nullptr && loaded.root && !loaded.syntax_errors) {
      diagnostics_.error(loaded.source, 0, "this file has no 'ruleset' header; a rule set checked on its own needs one")
          .notes.push_back("start it with: ruleset my_rules { title \"...\" }");
    }
    if (loaded.root) out_.info = info;
  }
  for (std::size_t f = 0; f < files_.size(); ++f) {
    const LoadedFile& loaded = files_[f];
    for (const auto& item : loaded.file.items) {
      if (const auto* param = boost::get<ast::Param>(&item)) check_param(*loaded.source, *param, file_info_[f]);
      if (const auto* table = boost::get<ast::Table>(&item)) check_table(*loaded.source, *table);
    }
  }
  for (std::size_t f = 0; f < files_.size(); ++f) {
    for (const auto& item : files_[f].file.items) {
      if (const auto* rule = boost::get<ast::Rule>(&item)) check_rule(*files_[f].source, *rule, file_info_[f]);
    }
  }
}

void Checker::check_header(const SourceFile& source, const ast::RulesetDecl& decl, RuleSetInfo& info) {
  info.id = decl.id.text;
  std::set<std::string> seen;
  for (const auto& clause : decl.clauses) {
    if (const auto* text = boost::get<ast::TextClause>(&clause)) {
      if (!seen.insert(text->keyword).second) {
        diagnostics_.error(&source, text->offset, "a second '" + text->keyword + "' in the rule-set header");
        continue;
      }
      if (text->keyword == "title") info.title = text->value.value;
      else if (text->keyword == "municipality") info.municipality = text->value.value;
      else if (text->keyword == "source") info.source = text->value.value;
      else diagnostics_.error(&source, text->offset, "'" + text->keyword + "' belongs in a rule, not in the rule-set header");
    } else if (const auto* valid = boost::get<ast::ValidClause>(&clause)) {
      if (!seen.insert("valid").second) {
        diagnostics_.error(&source, valid->offset, "a second 'valid' in the rule-set header");
        continue;
      }
      check_period(source, *valid, info.valid_from, info.valid_to);
    } else if (const auto* list = boost::get<ast::ListClause>(&clause)) {
      if (!seen.insert(list->keyword).second) {
        diagnostics_.error(&source, list->offset, "a second '" + list->keyword + "' in the rule-set header");
        continue;
      }
      std::set<std::string> names;
      for (const auto& name : list->values) {
        if (!names.insert(name.value).second) {
          diagnostics_.error(&source, name.offset, "'" + name.value + "' is named twice");
          continue;
        }
        info.corporations.push_back(name.value);
      }
    }
  }
}

// valid A to B / valid from A / valid until B: a closed or half-open period.
void Checker::check_period(const SourceFile& source, const ast::ValidClause& valid, std::optional<std::int32_t>& from,
                           std::optional<std::int32_t>& to) {
  const auto first = parse_iso_date(valid.first.text);
  if (!first) diagnostics_.error(&source, valid.first.offset, "'" + valid.first.text + "' is not a date");
  if (valid.second.size() > 1) {
    diagnostics_.error(&source, valid.second[1].offset, "a period has one end");
    return;
  }
  if (valid.form.empty()) {
    if (valid.second.empty()) {
      diagnostics_.error(&source, valid.first.offset, "a period needs its end: valid FROM to TO")
          .notes.push_back("or leave it open: 'valid from " + valid.first.text + "' or 'valid until " +
                           valid.first.text + "'");
      return;
    }
    const ast::DateLit& end = valid.second.front();
    const auto last = parse_iso_date(end.text);
    if (!last) diagnostics_.error(&source, end.offset, "'" + end.text + "' is not a date");
    if (first && last && *last < *first) {
      diagnostics_.error(&source, end.offset, "the validity period ends before it starts");
    }
    from = first;
    to = last;
    return;
  }
  if (!valid.second.empty()) {
    diagnostics_.error(&source, valid.second.front().offset,
                       "'valid " + valid.form + "' takes one date; a closed period is 'valid FROM to TO'");
    return;
  }
  (valid.form == "from" ? from : to) = first;
}

void Checker::finish() {
  check_files();
  // A parameter table that lacks a year inside the rule set's validity period cannot serve it.
  check_table_years();
}

bool Checker::dutch_number_in_arguments(const SourceFile& source, const std::vector<ast::Operand>& args) {
  std::vector<std::uint32_t> later;
  for (std::size_t i = 1; i < args.size(); ++i) later.push_back(offset_of(args[i]));
  const auto dutch = dutch_number_between(source.text(), later);
  if (!dutch) return false;
  diagnostics_.error(&source, static_cast<std::uint32_t>(dutch->begin), dutch_number_message(*dutch));
  return true;
}

}  // namespace checking

using checking::Checker;

std::unique_ptr<CompiledRuleSet> check_rule_text(const std::string& path, std::string text,
                                                 Diagnostics& diagnostics) {
  auto out = std::make_unique<CompiledRuleSet>();
  Checker checker(*out, diagnostics);
  checker.load(path, std::move(text), nullptr, 0, 0);
  checker.finish();
  if (diagnostics.has_errors()) return nullptr;
  return out;
}

std::unique_ptr<CompiledRuleSet> check_rule_file(const std::string& path, Diagnostics& diagnostics) {
  auto out = std::make_unique<CompiledRuleSet>();
  Checker checker(*out, diagnostics);
  checker.load(path, std::nullopt, nullptr, 0, 0);
  checker.finish();
  if (diagnostics.has_errors()) return nullptr;
  return out;
}

}  // namespace toets
