#include "dsl/parser.hpp"

#include <boost/spirit/home/x3.hpp>

#include "dsl/ast_adapted.hpp"
#include "dsl/config.hpp"
#include "dsl/grammar.hpp"

namespace toets {

namespace x3 = boost::spirit::x3;
using parser::iterator_type;

namespace {

bool starts_with_word(std::string_view text, std::size_t at, std::string_view word) {
  if (text.compare(at, word.size(), word) != 0) return false;
  const std::size_t end = at + word.size();
  return end >= text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
}

// Skips white space and comments from `at`, so a diagnostic points at the next real token.
std::size_t skip_blank(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[at]))) {
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

// The start of the next line after `at` that begins with a top-level keyword, or the end.
std::size_t next_top_level(std::string_view text, std::size_t at) {
  static constexpr std::string_view keywords[] = {"rule", "table", "param", "import", "ruleset", "override"};
  for (std::size_t line = text.find('\n', at); line != std::string_view::npos;
       line = text.find('\n', line + 1)) {
    const std::size_t start = line + 1;
    for (auto keyword : keywords) {
      if (starts_with_word(text, start, keyword)) return start;
    }
  }
  return text.size();
}

std::string describe_found(std::string_view text, std::size_t at) {
  if (at >= text.size()) return "the end of the file";
  std::size_t end = at;
  while (end < text.size() && end - at < 20 &&
         (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' ||
          static_cast<unsigned char>(text[end]) >= 0x80)) {
    ++end;
  }
  if (end == at) end = at + 1;
  return "'" + std::string(text.substr(at, end - at)) + "'";
}

}  // namespace

ast::File parse_rule_file(const SourceFile& source, Diagnostics& diagnostics) {
  ast::File file;
  const std::string& text = source.text();
  if (text.size() > kMaxRuleFileBytes) {
    diagnostics.error(&source, 0,
                      "rule file is " + std::to_string(text.size()) + " bytes; the limit is " +
                          std::to_string(kMaxRuleFileBytes));
    return file;
  }
  if (text.find('\0') != std::string::npos) {
    const auto at = static_cast<std::uint32_t>(text.find('\0'));
    diagnostics.error(&source, at, "a NUL byte: this is not a text file");
    return file;
  }

  parser::SourceBase base{text.data()};
  const iterator_type end = text.data() + text.size();
  std::size_t at = 0;
  auto const grammar = x3::with<parser::source_base_tag>(std::ref(base))[parser::item()];
  while (true) {
    at = skip_blank(text, at);
    if (at >= text.size()) break;
    iterator_type first = text.data() + at;
    ast::Item item;
    try {
      if (x3::phrase_parse(first, end, grammar, parser::skipper(), item)) {
        file.items.push_back(std::move(item));
        at = static_cast<std::size_t>(first - text.data());
        continue;
      }
      diagnostics.error(&source, static_cast<std::uint32_t>(at),
                        "expected a top-level declaration (ruleset, import, param, table, rule), found " +
                            describe_found(text, at));
    } catch (const x3::expectation_failure<iterator_type>& failure) {
      const std::size_t where = skip_blank(text, static_cast<std::size_t>(failure.where() - text.data()));
      diagnostics.error(&source, static_cast<std::uint32_t>(where),
                        "expected " + failure.which() + ", found " + describe_found(text, where));
    }
    at = next_top_level(text, at);
  }
  return file;
}

}  // namespace toets
