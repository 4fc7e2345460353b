#include "dsl/syntax/parser.hpp"
#include "dsl/source/utf8.hpp"

#include <boost/spirit/home/x3.hpp>

#include <optional>

#include "dsl/syntax/ast_adapted.hpp"
#include "dsl/syntax/config.hpp"
#include "dsl/syntax/grammar.hpp"
#include "dsl/syntax/lexer.hpp"
#include "dsl/syntax/number_hints.hpp"

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
// `unterminated` (if given) is set to where a block comment opens that never closes.
std::size_t skip_blank(std::string_view text, std::size_t at, std::size_t* unterminated = nullptr) {
  while (at < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[at]))) {
      ++at;
    } else if (text.compare(at, 2, "//") == 0) {
      while (at < text.size() && text[at] != '\n') ++at;
    } else if (text.compare(at, 2, "/*") == 0) {
      const std::size_t end = text.find("*/", at + 2);
      if (end == std::string_view::npos && unterminated != nullptr) *unterminated = at;
      at = end == std::string_view::npos ? text.size() : end + 2;
    } else {
      break;
    }
  }
  return at;
}

constexpr std::string_view kTopLevelKeywords[] = {"rule", "table", "param", "import", "ruleset", "override"};

// The start of the next line after `at` that begins with a top-level keyword, or the end.
std::size_t next_top_level(std::string_view text, std::size_t at) {
  const auto& keywords = kTopLevelKeywords;
  for (std::size_t line = text.find('\n', at); line != std::string_view::npos;
       line = text.find('\n', line + 1)) {
    const std::size_t start = line + 1;
    for (auto keyword : keywords) {
      if (starts_with_word(text, start, keyword)) return start;
    }
  }
  return text.size();
}

std::string describe_found(std::string_view text, std::size_t at);

// A block whose '}' is missing fails where the next declaration starts (or at the end of the
// file), which says nothing about which '}' is missing: the '{' left open is reported instead,
// with what it opens. `item` is where the declaration starts, `where` the failure.
struct UnclosedBrace {
  std::size_t offset = 0;
  std::string message;
};
std::optional<UnclosedBrace> unclosed_brace(std::string_view text, std::size_t item, std::size_t where,
                                            std::string_view expected) {
  if (!expected.ends_with("'}'") || where < item) return std::nullopt;
  bool at_declaration = where >= text.size();
  for (auto keyword : kTopLevelKeywords) at_declaration |= starts_with_word(text, where, keyword);
  if (!at_declaration) return std::nullopt;
  const std::vector<Token> tokens = lex_rule_text(text.substr(item, where - item));
  // The indentation of the line a token stands on.
  const auto indentation = [&](std::size_t i) {
    while (i > 0 && tokens[i].newlines_before == 0) --i;
    return tokens[i].column;
  };
  // Braces pair by count, but a '}' that starts a line left of the line of the '{' it would
  // close was written for an outer one: that inner '{' is the one missing its '}'.
  std::vector<std::size_t> open;
  std::optional<std::size_t> misaligned;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].is("{")) open.push_back(i);
    if (tokens[i].is("}") && !open.empty()) {
      if (!misaligned && open.size() >= 2 && tokens[i].newlines_before > 0 &&
          tokens[i].column < indentation(open.back())) {
        misaligned = open.back();
      }
      open.pop_back();
    }
  }
  if (open.empty() || tokens.size() < 2) return std::nullopt;
  const std::size_t brace = misaligned.value_or(open.back());
  const std::string declaration = tokens[0].text + " " + tokens[1].text;
  std::size_t first_brace = 0;
  while (first_brace < tokens.size() && !tokens[first_brace].is("{")) ++first_brace;
  UnclosedBrace unclosed;
  unclosed.offset = item + tokens[brace].offset;
  if (brace == first_brace) {
    const char* last = tokens[0].text == "rule" ? "after the rule's last clause"
                       : tokens[0].text == "table" ? "after the table's last row"
                                                   : "after the header's last clause";
    unclosed.message = declaration + ": this '{' is never closed; add '}' " + last;
  } else if (brace > 0 && tokens[0].text == "table" &&
             (tokens[brace - 1].kind == TokenKind::Number || tokens[brace - 1].kind == TokenKind::String ||
              tokens[brace - 1].is("+"))) {
    const std::size_t key = tokens[brace - 1].is("+") && brace > 1 ? brace - 2 : brace - 1;
    unclosed.message = declaration + ", row " + tokens[key].text + ": this '{' is never closed; add '}' after its last row";
  } else {
    unclosed.message = declaration + ": this '{' is never closed; add '}'";
  }
  return unclosed;
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
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    diagnostics.error(&source, 0, "the file is UTF-16 encoded: save the rule file as UTF-8");
    return file;
  }
  if (text.find('\0') != std::string::npos) {
    const auto at = static_cast<std::uint32_t>(text.find('\0'));
    diagnostics.error(&source, at, "a NUL byte: this is not a text file");
    return file;
  }

  // Titles and names go into every report, and JSON must be UTF-8: a Latin-1 'é' in a title made
  // `toets check --format json` terminate (found by fuzz_rules). A rule file is UTF-8 text.
  if (const auto bad = invalid_utf8(text)) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(text[*bad]);
    diagnostics.error(&source, static_cast<std::uint32_t>(*bad),
                      std::string("the byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF] +
                          " is not valid UTF-8: save the rule file as UTF-8");
    return file;
  }

  parser::SourceBase base{text.data()};
  const iterator_type end = text.data() + text.size();
  // A byte-order mark (Notepad writes one) is not part of the rules.
  std::size_t at = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  auto const grammar = x3::with<parser::source_base_tag>(std::ref(base))[parser::item()];
  while (true) {
    std::size_t unterminated = std::string::npos;
    at = skip_blank(text, at, &unterminated);
    if (unterminated != std::string::npos) {
      // Not a silent end of the file: everything after it would be ignored (robustness).
      diagnostics.error(&source, static_cast<std::uint32_t>(unterminated),
                        "a comment '/*' that is never closed with '*/'");
    }
    if (at >= text.size()) break;
    iterator_type first = text.data() + at;
    ast::Item item;
    try {
      if (x3::phrase_parse(first, end, grammar, parser::skipper(), item)) {
        file.items.push_back(std::move(item));
        at = static_cast<std::size_t>(first - text.data());
        continue;
      }
      if (const auto dutch = dutch_number_near(text, at)) {
        diagnostics.error(&source, static_cast<std::uint32_t>(dutch->begin), dutch_number_message(*dutch));
      } else {
        diagnostics.error(&source, static_cast<std::uint32_t>(at),
                          "expected a top-level declaration (ruleset, import, param, table, rule), found " +
                              describe_found(text, at));
      }
    } catch (const parser::nesting_too_deep& deep) {
      diagnostics.error(&source, static_cast<std::uint32_t>(deep.where - text.data()),
                        "nested more than " + std::to_string(kMaxNestingDepth) +
                            " deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression");
    } catch (const x3::expectation_failure<iterator_type>& failure) {
      const std::size_t where = skip_blank(text, static_cast<std::size_t>(failure.where() - text.data()));
      // 7,5% and € 1.234,56 fail at the comma: say how to write them instead of what was expected.
      if (const auto dutch = dutch_number_near(text, where)) {
        diagnostics.error(&source, static_cast<std::uint32_t>(dutch->begin), dutch_number_message(*dutch));
        at = next_top_level(text, at);
        continue;
      }
      // A parser without a name reports its C++ type ("N5boost6spirit2x34listI..."): not for users.
      std::string expected = failure.which();
      if (const auto unclosed = unclosed_brace(text, at, where, expected)) {
        diagnostics.error(&source, static_cast<std::uint32_t>(unclosed->offset), unclosed->message)
            .notes.push_back(where < text.size()
                                 ? describe_found(text, where) + " at line " +
                                       std::to_string(source.line_of(static_cast<std::uint32_t>(where))) +
                                       " starts the next declaration before a '}'"
                                 : std::string("the file ends before a '}'"));
        at = next_top_level(text, at);
        continue;
      }
      if (expected.find("boost") != std::string::npos) expected = "the rest of this declaration";
      diagnostics.error(&source, static_cast<std::uint32_t>(where),
                        "expected " + expected + ", found " + describe_found(text, where));
    }
    at = next_top_level(text, at);
  }
  return file;
}

}  // namespace toets
