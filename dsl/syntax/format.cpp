#include "dsl/syntax/format.hpp"

#include <boost/variant/apply_visitor.hpp>

#include <map>
#include <set>
#include <vector>

#include "dsl/syntax/ast.hpp"
#include "dsl/syntax/ast_text.hpp"
#include "dsl/syntax/lexer.hpp"
#include "dsl/syntax/parser.hpp"

namespace toets {

namespace {

namespace x3 = boost::spirit::x3;

constexpr std::uint32_t kIndent = 2;         // per block level
constexpr std::uint32_t kHangingIndent = 4;  // a continuation line with nothing to line up with

struct OffsetOf : boost::static_visitor<std::uint32_t> {
  template <typename T>
  std::uint32_t operator()(const T& node) const { return node.offset; }
  template <typename T>
  std::uint32_t operator()(const x3::forward_ast<T>& node) const { return node.get().offset; }
};
std::uint32_t offset_of(const ast::Operand& operand) { return boost::apply_visitor(OffsetOf(), operand); }

// What the syntax tree says about the lines of the file.
struct Shape {
  std::set<std::uint32_t> statements;                // items, clauses, table rows: each starts a line
  std::set<std::uint32_t> rows;                      // table rows (a line each only in a block of rows)
  std::map<std::uint32_t, bool> block_items;         // ruleset, rule, table -> is a table
  std::map<std::uint32_t, std::uint32_t> anchors;    // statement -> where its expression starts
  std::map<std::uint32_t, std::uint32_t> table_keys; // key offset -> length

  void clause(std::uint32_t offset, std::optional<std::uint32_t> anchor = std::nullopt) {
    statements.insert(offset);
    if (anchor) anchors[offset] = *anchor;
  }
  void row(const ast::TableRow& row) {
    statements.insert(row.offset);
    rows.insert(row.offset);
    table_keys[row.offset] = static_cast<std::uint32_t>(row.key.size());
    if (row.value) anchors[row.offset] = offset_of(*row.value);
    for (const auto& nested : row.nested) this->row(nested);
  }
};

struct ShapeOf : boost::static_visitor<void> {
  Shape& shape;
  explicit ShapeOf(Shape& s) : shape(s) {}

  void operator()(const ast::TextClause& c) { shape.clause(c.offset); }
  void operator()(const ast::ValidClause& c) { shape.clause(c.offset); }
  void operator()(const ast::ListClause& c) {
    shape.clause(c.offset, c.values.empty() ? std::nullopt : std::optional<std::uint32_t>(c.values.front().offset));
  }
  void operator()(const ast::OverClause& c) {
    shape.clause(c.offset, c.filter ? std::optional<std::uint32_t>(offset_of(*c.filter)) : std::nullopt);
  }
  void operator()(const ast::ExprClause& c) { shape.clause(c.offset, offset_of(c.expr)); }
  void operator()(const ast::PerClause& c) {
    shape.clause(c.offset, c.keys.empty() ? std::nullopt : std::optional<std::uint32_t>(offset_of(c.keys.front())));
  }
  void operator()(const ast::ThresholdClause& c) { shape.clause(c.offset, offset_of(c.value)); }
  void operator()(const ast::TargetClause& c) { shape.clause(c.offset, offset_of(c.value)); }
  void operator()(const ast::BaselineClause& c) { shape.clause(c.offset); }
  void operator()(const ast::ExpectClause& c) { shape.clause(c.offset, offset_of(c.key)); }

  void operator()(const ast::RulesetDecl& d) {
    shape.statements.insert(d.offset);
    shape.block_items[d.offset] = false;
    for (const auto& c : d.clauses) boost::apply_visitor(*this, c);
  }
  void operator()(const ast::Import& i) { shape.statements.insert(i.offset); }
  void operator()(const ast::Param& p) { shape.clause(p.offset, offset_of(p.value)); }
  void operator()(const ast::Table& t) {
    shape.statements.insert(t.offset);
    shape.block_items[t.offset] = true;
    for (const auto& row : t.rows) shape.row(row);
  }
  void operator()(const ast::Rule& r) {
    shape.statements.insert(r.offset);
    shape.block_items[r.offset] = false;
    for (const auto& c : r.clauses) boost::apply_visitor(*this, c);
  }
};

// What a bracket is, which decides the spaces inside it and whether it opens lines.
enum class Bracket : std::uint8_t {
  None,
  Paren,       // ( ... )
  Set,         // {a, b}
  InlineRows,  // a table row's rows on one line: { 1: €5, 2+: €6 }
  RuleBlock,   // the block of a rule set header or a rule: a clause per line
  TableBlock,  // the rows of a table, or a row's rows written over several lines: a row per line
};
bool is_block(Bracket b) { return b == Bracket::RuleBlock || b == Bracket::TableBlock; }

struct Element {
  Token token;
  Bracket opens = Bracket::None;
  Bracket closes = Bracket::None;
  Bracket inside = Bracket::None;         // the innermost bracket around it
  bool statement = false;                 // starts a line at the block's indentation
  bool joined = false;                    // part of a rule, table or rule set header: kept on its line
  bool separator = false;                 // a row on one line after another: ", " goes before it
  bool dropped = false;                   // a comma between rows: the layout decides those
  std::optional<std::uint32_t> anchor;    // a statement's expression start
  std::uint32_t newlines = 0;
  std::size_t parent = 0;                 // the index of the innermost bracket around it (if any)
  std::uint32_t key_width = 0;            // a row key followed by rows on one line: the widest such key of its table
};

std::uint32_t width(std::string_view text) {
  std::uint32_t characters = 0;
  for (char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return characters;
}

bool reserved(std::string_view word) {
  static const std::set<std::string_view> words = {
      "and",   "or",     "not",  "in",     "when",   "by",    "where", "to",    "measure", "over",     "per",
      "exempt", "signal", "breach", "target", "source", "owner", "note", "rule", "table",   "param",    "import",
      "ruleset", "override"};
  return words.count(word) > 0;
}

// Tokens with their brackets, statements and header spans, from the syntax tree's shape.
std::vector<Element> classify(const std::vector<Token>& tokens, const Shape& shape) {
  std::vector<Element> elements;
  for (const Token& token : tokens) {
    Element element;
    element.token = token;
    elements.push_back(std::move(element));
  }

  std::vector<std::size_t> match(elements.size(), 0);
  {
    std::vector<std::size_t> stack;
    for (std::size_t i = 0; i < elements.size(); ++i) {
      const Token& t = elements[i].token;
      if (t.is("(") || t.is("{")) stack.push_back(i);
      if ((t.is(")") || t.is("}")) && !stack.empty()) {
        match[stack.back()] = i;
        stack.pop_back();
      }
    }
  }

  std::vector<Bracket> open;
  std::vector<std::size_t> open_at;
  std::optional<Bracket> pending_block;  // the block of the current ruleset, rule or table, until its '{'
  std::size_t header_start = 0;
  std::size_t previous_code = elements.size();
  for (std::size_t i = 0; i < elements.size(); ++i) {
    Element& e = elements[i];
    const Token& t = e.token;
    e.inside = open.empty() ? Bracket::None : open.back();
    e.parent = open_at.empty() ? elements.size() : open_at.back();
    if (t.is_comment()) continue;
    if (const auto item = shape.block_items.find(t.offset); item != shape.block_items.end()) {
      pending_block = item->second ? Bracket::TableBlock : Bracket::RuleBlock;
      header_start = i;
    }
    if (shape.statements.count(t.offset) > 0) {
      e.statement = shape.rows.count(t.offset) == 0 || e.inside == Bracket::TableBlock;
      if (const auto anchor = shape.anchors.find(t.offset); anchor != shape.anchors.end()) e.anchor = anchor->second;
    }
    if (t.is("{")) {
      if (pending_block) {
        e.opens = *pending_block;
        pending_block.reset();
        for (std::size_t h = header_start + 1; h <= i; ++h) elements[h].joined = true;
      } else if (previous_code < elements.size() && elements[previous_code].token.kind == TokenKind::TableKey) {
        bool one_line = true;
        for (std::size_t k = i + 1; k <= match[i] && k < elements.size(); ++k) one_line &= elements[k].token.newlines_before == 0;
        e.opens = one_line ? Bracket::InlineRows : Bracket::TableBlock;
      } else {
        e.opens = Bracket::Set;
      }
    } else if (t.is("(")) {
      e.opens = Bracket::Paren;
    } else if ((t.is(")") || t.is("}")) && !open.empty()) {
      e.closes = open.back();
      open.pop_back();
      open_at.pop_back();
    } else if (t.is(",") && (e.inside == Bracket::TableBlock || e.inside == Bracket::InlineRows)) {
      e.dropped = true;
    } else if (t.kind == TokenKind::TableKey && e.inside == Bracket::InlineRows) {
      e.separator = previous_code < elements.size() && !elements[previous_code].token.is("{");
    }
    if (e.opens != Bracket::None) {
      open.push_back(e.opens);
      open_at.push_back(i);
    }
    previous_code = i;
  }
  // The rows of a table whose values are rows on one line line up their '{' (one space after the
  // widest key), as a table reads:  "Clavis"       { 2022: 3, ... }
  //                                 "Woongoed ZVL" { 2022: 3, ... }
  std::map<std::size_t, std::uint32_t> widest;  // table block -> widest key
  std::vector<std::size_t> aligned;
  for (std::size_t i = 0; i + 1 < elements.size(); ++i) {
    const Element& e = elements[i];
    if (!e.statement || e.token.kind != TokenKind::TableKey || elements[i + 1].opens != Bracket::InlineRows) continue;
    widest[e.parent] = std::max(widest[e.parent], width(e.token.text));
    aligned.push_back(i);
  }
  for (std::size_t i : aligned) elements[i].key_width = widest[elements[i].parent];
  // A dropped comma's line breaks pass to what follows it.
  std::uint32_t carried = 0;
  for (Element& e : elements) {
    e.newlines = e.token.newlines_before + carried;
    carried = e.dropped ? e.newlines : 0;
  }
  return elements;
}

class Writer {
 public:
  explicit Writer(const std::vector<Element>& elements) : elements_(elements) {}

  std::string run() {
    for (std::size_t i = 0; i < elements_.size(); ++i) {
      if (elements_[i].dropped) continue;
      if (elements_[i].token.is_comment()) comment(i);
      else code(i);
    }
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\n')) out_.pop_back();
    if (!out_.empty()) out_ += '\n';
    return out_;
  }

 private:
  struct Open {
    Bracket kind;
    std::uint32_t line;
    std::uint32_t line_indent;                // of the line it stands on
    std::optional<std::uint32_t> content;     // the column of what follows it on its line
  };

  std::uint32_t column() const {
    std::uint32_t column = 0;
    for (std::size_t i = line_start_; i < out_.size(); ++i) column += (static_cast<unsigned char>(out_[i]) & 0xC0) != 0x80;
    return column;
  }
  std::uint32_t line_indent() const {
    std::uint32_t indent = 0;
    while (line_start_ + indent < out_.size() && out_[line_start_ + indent] == ' ') ++indent;
    return indent;
  }
  void newline(std::uint32_t count, std::uint32_t indent) {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    out_.append(count, '\n');
    line_ += count;
    line_start_ = out_.size();
    out_.append(indent, ' ');
  }
  std::size_t next_code(std::size_t i) const {
    for (std::size_t j = i + 1; j < elements_.size(); ++j) {
      if (!elements_[j].dropped && !elements_[j].token.is_comment()) return j;
    }
    return elements_.size();
  }
  bool starts_line(const Element& e) const { return e.statement || is_block(e.closes); }

  // Where a line that continues a statement starts: under what follows the innermost open
  // bracket (a closing bracket: under its opening line), else under the statement's expression.
  std::uint32_t continuation_indent(bool closer) const {
    if (!open_.empty() && !is_block(open_.back().kind)) {
      const Open& top = open_.back();
      if (closer) return top.line_indent;
      return top.content ? *top.content : top.line_indent + kHangingIndent;
    }
    if (anchor_column_) return *anchor_column_;
    return statement_indent_ + kHangingIndent;
  }

  bool keyword_like(const Element& e) const {
    return e.token.kind == TokenKind::Word && (reserved(e.token.text) || e.statement);
  }
  bool ends_operand(const Element& e) const {
    switch (e.token.kind) {
      case TokenKind::Word: return !keyword_like(e);
      case TokenKind::Punct: return e.token.is(")") || (e.token.is("}") && e.closes == Bracket::Set);
      case TokenKind::LineComment:
      case TokenKind::BlockComment:
      case TokenKind::Other: return false;
      default: return true;
    }
  }

  std::string space_before(const Element& e) const {
    if (previous_ != nullptr && previous_->token.is_comment()) return " ";
    if (previous_code_ == nullptr) return "";
    const Element& p = *previous_code_;
    const Token& a = p.token;
    const Token& b = e.token;
    if (b.is(",")) return "";
    if (a.is(",")) return " ";
    if (p.opens != Bracket::None && e.closes != Bracket::None) return "";  // () and {}
    if (p.opens == Bracket::Paren || p.opens == Bracket::Set) return "";
    if (e.closes == Bracket::Paren || e.closes == Bracket::Set) return "";
    if (b.is("(")) return a.kind == TokenKind::Word && !keyword_like(p) ? "" : " ";  // a call: name(
    if (a.is(".") || b.is(".")) return "";                                            // stock.count
    if (b.is(":")) return a.is(")") ? " " : "";  // table t(year) : money, but 2026: €5
    if (previous_unary_minus_) return "";
    if (e.opens == Bracket::InlineRows && p.key_width > 0) return std::string(p.key_width - width(a.text) + 1, ' ');
    return " ";
  }

  void code(std::size_t i) {
    const Element& e = elements_[i];
    const bool first = out_.empty();
    const bool after_line_comment = previous_ != nullptr && previous_->token.kind == TokenKind::LineComment;
    if (is_block(e.closes)) --depth_;
    std::uint32_t lines = 0;
    if (first) {
      lines = 0;
    } else if (starts_line(e) && !(e.statement && e.newlines == 0 && comment_opens_line_)) {
      lines = 1 + (e.newlines >= 2 && !after_block_open_ && !is_block(e.closes) ? 1 : 0);
    } else if (after_line_comment) {
      lines = 1;
    } else if (!e.joined && e.newlines > 0) {
      lines = 1;
    }
    if (lines > 0) {
      newline(lines, starts_line(e) ? kIndent * static_cast<std::uint32_t>(depth_) : continuation_indent(e.closes != Bracket::None));
    } else {
      out_ += space_before(e);
    }
    if (e.separator) out_.insert(last_code_end_, ",");

    if (e.statement) {
      statement_indent_ = line_indent();
      anchor_ = e.anchor;
      anchor_column_.reset();
    }
    const std::uint32_t at = column();
    if (anchor_ && e.token.offset == *anchor_) anchor_column_ = at;
    if (!open_.empty() && !is_block(open_.back().kind) && !open_.back().content && open_.back().line == line_ &&
        e.closes == Bracket::None) {
      open_.back().content = at;
    }
    const bool unary_minus = e.token.is("-") && (previous_code_ == nullptr || !ends_operand(*previous_code_));
    out_ += e.token.text;
    last_code_end_ = out_.size();

    if (is_block(e.opens)) ++depth_;
    if (e.closes != Bracket::None && !open_.empty()) open_.pop_back();
    if (e.opens != Bracket::None) open_.push_back(Open{e.opens, line_, line_indent(), std::nullopt});
    after_block_open_ = is_block(e.opens);
    previous_unary_minus_ = unary_minus;
    previous_ = &e;
    previous_code_ = &e;
    trailing_comment_ = false;
    comment_opens_line_ = false;
  }

  void comment(std::size_t i) {
    const Element& e = elements_[i];
    const bool line_comment = e.token.kind == TokenKind::LineComment;
    bool trailing = false;
    // A block comment that starts a line keeps what follows it on the line: /* why */ measure ...
    comment_opens_line_ = !line_comment && (out_.empty() || e.newlines > 0);
    if (out_.empty()) {
      // The first thing in the file.
    } else if (e.newlines == 0) {
      out_ += line_comment ? "  " : " ";
      trailing = line_comment;
    } else {
      // A comment continuing the one after the code above, in the same column: kept in line with it.
      const bool continues = line_comment && trailing_comment_ && e.newlines == 1 &&
                             e.token.column == trailing_source_column_;
      const std::size_t next = next_code(i);
      const bool between_statements = next == elements_.size() || starts_line(elements_[next]);
      const std::uint32_t lines = 1 + (e.newlines >= 2 && between_statements && !after_block_open_ ? 1 : 0);
      const std::uint32_t indent = continues             ? trailing_column_
                                   : between_statements ? kIndent * static_cast<std::uint32_t>(depth_)
                                                        : continuation_indent(false);
      newline(continues ? 1 : lines, indent);
      trailing = continues;
      after_block_open_ = false;
    }
    const std::uint32_t at = column();
    out_ += e.token.text;
    if (const auto last_break = e.token.text.rfind('\n'); last_break != std::string::npos) {
      line_start_ = out_.size() - (e.token.text.size() - last_break - 1);
      for (char c : e.token.text) line_ += c == '\n';
    }
    trailing_comment_ = trailing;
    trailing_source_column_ = e.token.column;
    trailing_column_ = at;
    previous_ = &e;
  }

  const std::vector<Element>& elements_;
  std::string out_;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 0;
  int depth_ = 0;
  std::vector<Open> open_;
  std::uint32_t statement_indent_ = 0;
  std::optional<std::uint32_t> anchor_;
  std::optional<std::uint32_t> anchor_column_;
  const Element* previous_ = nullptr;
  const Element* previous_code_ = nullptr;
  bool previous_unary_minus_ = false;
  bool after_block_open_ = false;
  std::size_t last_code_end_ = 0;
  bool trailing_comment_ = false;           // the last comment follows code (or continues one that does)
  bool comment_opens_line_ = false;         // the last thing written is a block comment that starts its line
  std::uint32_t trailing_source_column_ = 0;
  std::uint32_t trailing_column_ = 0;
};

std::vector<std::string> comments_of(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) {
    if (t.is_comment()) out.push_back(t.text);
  }
  return out;
}

}  // namespace

std::optional<std::string> format_rule_text(const SourceFile& source, Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.error_count();
  const ast::File file = parse_rule_file(source, diagnostics);
  if (diagnostics.error_count() != errors_before) return std::nullopt;

  Shape shape;
  ShapeOf visitor(shape);
  for (const auto& item : file.items) boost::apply_visitor(visitor, item);
  const std::vector<Token> tokens = lex_rule_text(source.text(), shape.table_keys);
  const std::vector<Element> elements = classify(tokens, shape);
  std::string formatted = Writer(elements).run();

  // The same rules and the same comments, or nothing: a formatter must never change a rule set.
  const SourceFile again(source.path(), formatted);
  Diagnostics check;
  const ast::File reparsed = parse_rule_file(again, check);
  Shape reshape;
  ShapeOf revisitor(reshape);
  for (const auto& item : reparsed.items) boost::apply_visitor(revisitor, item);
  if (check.has_errors() || ast_text(reparsed) != ast_text(file) ||
      comments_of(lex_rule_text(formatted, reshape.table_keys)) != comments_of(tokens)) {
    diagnostics.error(&source, 0,
                      "internal error: the formatted text would not state the same rules and comments; the file is "
                      "left as it is (please report this with the file)");
    return std::nullopt;
  }
  return formatted;
}

}  // namespace toets
