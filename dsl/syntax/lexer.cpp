#include "dsl/syntax/lexer.hpp"

namespace toets {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_word_char(char c) { return is_alpha(c) || is_digit(c); }

constexpr std::string_view kEuro = "\xE2\x82\xAC";

// Blanks (spaces, tabs, carriage returns) at the end of each line of a comment.
std::string without_trailing_blanks(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::size_t cut = end;
    while (cut > start && (text[cut - 1] == ' ' || text[cut - 1] == '\t' || text[cut - 1] == '\r')) --cut;
    out.append(text.substr(start, cut - start));
    if (last) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

// The end of digits [ '.' digits ] from `at` (the grammar's number_text).
std::size_t number_end(std::string_view text, std::size_t at) {
  while (at < text.size() && is_digit(text[at])) ++at;
  if (at + 1 < text.size() && text[at] == '.' && is_digit(text[at + 1])) {
    ++at;
    while (at < text.size() && is_digit(text[at])) ++at;
  }
  return at;
}

bool date_at(std::string_view text, std::size_t at) {
  static constexpr std::string_view shape = "dddd-dd-dd";
  if (at + shape.size() > text.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const char c = text[at + i];
    if (shape[i] == 'd' ? !is_digit(c) : c != '-') return false;
  }
  return true;
}

// The end of a string starting at the quote `at`: after the closing quote, or at the line end.
std::size_t string_end(std::string_view text, std::size_t at) {
  std::size_t i = at + 1;
  while (i < text.size() && text[i] != '"' && text[i] != '\n') i += text[i] == '\\' && i + 1 < text.size() ? 2 : 1;
  return i < text.size() && text[i] == '"' ? i + 1 : i;
}

}  // namespace

std::vector<Token> lex_rule_text(std::string_view text, const std::map<std::uint32_t, std::uint32_t>& table_keys) {
  std::vector<Token> tokens;
  std::size_t at = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  std::uint32_t newlines = 0;
  std::size_t line_start = 0;
  const auto column_of = [&](std::size_t offset) {
    std::uint32_t column = 0;
    for (std::size_t i = line_start; i < offset; ++i) column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    return column;
  };
  while (at < text.size()) {
    const char c = text[at];
    if (c == '\n') {
      ++newlines;
      line_start = ++at;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++at;
      continue;
    }
    Token token;
    token.offset = static_cast<std::uint32_t>(at);
    token.newlines_before = newlines;
    token.column = column_of(at);
    std::size_t end = at + 1;
    const bool after_rule = !tokens.empty() && tokens.back().kind == TokenKind::Word && tokens.back().text == "rule";
    if (const auto key = table_keys.find(static_cast<std::uint32_t>(at)); key != table_keys.end()) {
      token.kind = TokenKind::TableKey;
      end = at + key->second;
    } else if (text.compare(at, 2, "//") == 0) {
      token.kind = TokenKind::LineComment;
      end = text.find('\n', at);
      if (end == std::string_view::npos) end = text.size();
    } else if (text.compare(at, 2, "/*") == 0) {
      token.kind = TokenKind::BlockComment;
      end = text.find("*/", at + 2);
      end = end == std::string_view::npos ? text.size() : end + 2;
    } else if (after_rule && c == '"') {
      token.kind = TokenKind::RuleId;
      end = string_end(text, at);
    } else if (after_rule && (is_word_char(c) || c == '.' || c == '-')) {
      token.kind = TokenKind::RuleId;
      while (end < text.size() && (is_word_char(text[end]) || text[end] == '.' || text[end] == '-')) ++end;
    } else if (c == '"') {
      token.kind = TokenKind::String;
      end = string_end(text, at);
    } else if (text.substr(at).starts_with(kEuro)) {
      std::size_t digits = at + kEuro.size();
      while (digits < text.size() && text[digits] == ' ') ++digits;
      if (digits < text.size() && is_digit(text[digits])) {
        token.kind = TokenKind::Money;
        end = number_end(text, digits);
        token.text = std::string(kEuro) + std::string(text.substr(digits, end - digits));
      } else {
        token.kind = TokenKind::Other;
        end = at + kEuro.size();
      }
    } else if (is_digit(c)) {
      if (date_at(text, at)) {
        token.kind = TokenKind::Date;
        end = at + 10;
      } else {
        end = number_end(text, at);
        token.kind = TokenKind::Number;
        if (end < text.size() && text[end] == '%') {
          token.kind = TokenKind::Percent;
          ++end;
        }
      }
    } else if (is_alpha(c)) {
      token.kind = TokenKind::Word;
      while (end < text.size() && is_word_char(text[end])) ++end;
    } else if ((c == '<' || c == '>' || c == '!') && at + 1 < text.size() && text[at + 1] == '=') {
      token.kind = TokenKind::Punct;
      end = at + 2;
    } else if (std::string_view("(){},:.=<>+-*/%").find(c) != std::string_view::npos) {
      token.kind = TokenKind::Punct;
    } else {
      // One character, whole: a UTF-8 sequence is not split.
      token.kind = TokenKind::Other;
      while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    }
    end = std::min(end, text.size());
    token.length = static_cast<std::uint32_t>(end - at);
    if (token.text.empty()) token.text = std::string(text.substr(at, end - at));
    if (token.is_comment()) token.text = without_trailing_blanks(token.text);
    // Columns of later tokens count from the last line break inside a block comment.
    for (std::size_t i = at; i < end; ++i) {
      if (text[i] == '\n') line_start = i + 1;
    }
    newlines = 0;
    tokens.push_back(std::move(token));
    at = end;
  }
  return tokens;
}

}  // namespace toets
