#include "lsp/symbols.hpp"

#include <algorithm>
#include <filesystem>

#include "dsl/check/checker.hpp"
#include "dsl/syntax/parser.hpp"

namespace toets::lsp {

namespace {

bool is_word_char(char c, bool wide) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'z') || c == '_' ||
         (wide && (c == '.' || c == '-'));
}

// From `from`, past white space and comments.
std::size_t skip_blank(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    if (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' || text[at] == '\n') {
      ++at;
    } else if (text.compare(at, 2, "//") == 0) {
      while (at < text.size() && text[at] != '\n') ++at;
    } else if (text.compare(at, 2, "/*") == 0) {
      const std::size_t end = text.find("*/", at + 2);
      at = end == std::string_view::npos ? text.size() : end + 2;
    } else {
      break;
    }
  }
  return at;
}

// A table from its start to its closing brace (strings and comments skipped), at most 40 lines.
std::string block_text(std::string_view text, std::size_t start) {
  constexpr int kMaxLines = 40;
  int depth = 0;
  int lines = 0;
  std::size_t at = start;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '"') {
      at = text.find('"', at + 1);
      if (at == std::string_view::npos) break;
    } else if (text.compare(at, 2, "//") == 0) {
      at = text.find('\n', at);
      if (at == std::string_view::npos) break;
      continue;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return std::string(text.substr(start, at + 1 - start));
    } else if (c == '\n' && ++lines >= kMaxLines) {
      return std::string(text.substr(start, at - start)) + "\n  ...";
    }
    ++at;
  }
  return std::string(text.substr(start, std::min<std::size_t>(text.size() - start, 2000)));
}

std::string line_text(std::string_view text, std::size_t start) {
  const std::size_t end = text.find('\n', start);
  std::string line(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

std::pair<std::uint32_t, std::uint32_t> word_at(std::string_view text, std::uint32_t offset, bool wide) {
  std::uint32_t begin = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text.size()));
  std::uint32_t end = begin;
  while (begin > 0 && is_word_char(text[begin - 1], wide)) --begin;
  while (end < text.size() && is_word_char(text[end], wide)) ++end;
  // "rule 2.7." in a sentence: the full stop ends the sentence, not the id.
  while (wide && end > begin && (text[end - 1] == '.' || text[end - 1] == '-') && end - 1 >= offset) --end;
  return {begin, end};
}

SymbolIndex::SymbolIndex(const std::string& path, const std::string& text, const FileReader& read) {
  std::vector<std::string> reached;
  load(path, text, read, 0, reached);
}

void SymbolIndex::load(const std::string& path, const std::string& text, const FileReader& read, int depth,
                       std::vector<std::string>& reached) {
  namespace fs = std::filesystem;
  const std::string key = fs::path(path).lexically_normal().string();
  reached.push_back(key);
  if (depth > kMaxImportDepth ||
      std::any_of(texts_.begin(), texts_.end(), [&](const auto& loaded) { return loaded.first == key; })) {
    return;
  }
  texts_.emplace_back(key, text);
  const SourceFile source(key, text);
  Diagnostics ignored;  // the checker reports them; here only what is declared matters
  const ast::File file = parse_rule_file(source, ignored);

  // Imports first, as the checker applies them.
  for (const auto& item : file.items) {
    const auto* import = boost::get<ast::Import>(&item);
    if (import == nullptr) continue;
    const std::string target = (fs::path(key).parent_path() / import->path.value).lexically_normal().string();
    std::vector<std::string> below;
    if (auto imported = read(target)) load(target, *imported, read, depth + 1, below);
    else below.push_back(target);
    if (depth == 0) {
      // The quoted path: from its opening quote to the closing one.
      const std::size_t close = text.find('"', import->path.offset + 1);
      imports_.push_back(ImportReference{import->path.offset,
                                         static_cast<std::uint32_t>(close == std::string::npos ? text.size() : close + 1),
                                         target, below});
    }
    reached.insert(reached.end(), below.begin(), below.end());
  }
  for (const auto& item : file.items) {
    if (const auto* param = boost::get<ast::Param>(&item)) {
      declarations_.push_back(Declaration{param->modifier ? Declaration::Kind::Override : Declaration::Kind::Param,
                                          param->name.text, key, param->name.offset,
                                          static_cast<std::uint32_t>(param->name.text.size()),
                                          line_text(text, param->offset)});
    } else if (const auto* table = boost::get<ast::Table>(&item)) {
      declarations_.push_back(Declaration{Declaration::Kind::Table, table->name.text, key, table->name.offset,
                                          static_cast<std::uint32_t>(table->name.text.size()),
                                          block_text(text, table->offset)});
    } else if (const auto* rule = boost::get<ast::Rule>(&item)) {
      // The id follows the keyword, bare or quoted.
      std::size_t at = skip_blank(text, rule->offset + 4);
      if (at < text.size() && text[at] == '"') ++at;
      declarations_.push_back(Declaration{Declaration::Kind::Rule, rule->id, key, static_cast<std::uint32_t>(at),
                                          static_cast<std::uint32_t>(rule->id.size()), line_text(text, rule->offset)});
    }
  }
}

std::vector<const Declaration*> SymbolIndex::find(std::string_view name) const {
  std::vector<const Declaration*> found;
  for (const auto& declaration : declarations_) {
    if (declaration.name == name) found.push_back(&declaration);
  }
  return found;
}

const std::string* SymbolIndex::text_of(const std::string& path) const {
  const std::string key = std::filesystem::path(path).lexically_normal().string();
  for (const auto& [loaded, text] : texts_) {
    if (loaded == key) return &text;
  }
  return nullptr;
}

}  // namespace toets::lsp
