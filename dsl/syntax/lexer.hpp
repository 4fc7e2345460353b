#pragma once
// The tokens and comments of a rule file, for tools that need what the parser skips: the
// formatter keeps comments and the author's line breaks. Not the parser (the X3 grammar is the
// language): it splits text the grammar accepted, and agrees with it on where each token ends.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace toets {

enum class TokenKind : std::uint8_t {
  Word,          // a name or a keyword
  String,        // "..." as written, escapes kept
  Money,         // €612.35 (written '€ 612.35' too)
  Percent,       // 7.5%
  Number,        // 12, 2.5
  Date,          // 2028-12-31
  RuleId,        // the id after 'rule': F, 2.2.4, Woningwet-48, "Bijlage 2"
  TableKey,      // a table row's key: 2026, 2+, 1-2, "Portaal"
  Punct,         // ( ) { } , : . = != < <= > >= + - * /
  LineComment,   // // ... (without the line break)
  BlockComment,  // /* ... */
  Other,         // anything else (not in a file the grammar accepted)
};

struct Token {
  TokenKind kind = TokenKind::Other;
  std::uint32_t offset = 0;  // of its first byte in the source
  std::uint32_t length = 0;  // bytes in the source
  // The spelling to print: as written, except that money loses the spaces after '€' and a
  // comment the blanks at the end of its lines.
  std::string text;
  std::uint32_t newlines_before = 0;  // line breaks between the previous token (or the start) and this one
  std::uint32_t column = 0;           // 0-based, in characters, where it stands in the source

  bool is_comment() const { return kind == TokenKind::LineComment || kind == TokenKind::BlockComment; }
  bool is(std::string_view punct) const { return kind == TokenKind::Punct && text == punct; }
};

// Splits `text` into tokens and comments. `table_keys` maps the offset of each table row's key
// (from the syntax tree) to its length: "1-2" is one key there, while elsewhere it would read as
// 1 - 2. A byte-order mark at the start is skipped.
std::vector<Token> lex_rule_text(std::string_view text, const std::map<std::uint32_t, std::uint32_t>& table_keys = {});

}  // namespace toets
