#include "dsl/syntax/ast_text.hpp"

#include <boost/variant/apply_visitor.hpp>

namespace toets {

namespace {

namespace x3 = boost::spirit::x3;

// Prints every node as (kind field ...), strings quoted so that no two trees print alike.
struct Printer : boost::static_visitor<void> {
  std::string& out;
  explicit Printer(std::string& o) : out(o) {}

  void quoted(const std::string& text) {
    out += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  void operator()(const ast::Name& n) { out += "(name " + n.text + ")"; }
  void operator()(const ast::StringLit& s) {
    out += "(string ";
    quoted(s.value);
    out += ")";
  }
  void operator()(const ast::NumberLit& n) { out += "(number " + n.text + ")"; }
  void operator()(const ast::MoneyLit& m) { out += "(money " + m.text + ")"; }
  void operator()(const ast::PercentLit& p) { out += "(percent " + p.text + ")"; }
  void operator()(const ast::DateLit& d) { out += "(date " + d.text + ")"; }
  void operator()(const x3::forward_ast<ast::Call>& c) {
    out += "(call";
    for (const auto& q : c.get().qualifier) out += " " + q.text + ".";
    out += " " + c.get().function.text;
    for (const auto& arg : c.get().args) operand(arg);
    out += ")";
  }
  void operator()(const x3::forward_ast<ast::SetLit>& s) { set(s.get()); }
  void operator()(const x3::forward_ast<ast::Unary>& u) {
    out += "(unary " + u.get().op;
    operand(u.get().operand);
    out += ")";
  }
  void operator()(const x3::forward_ast<ast::Chain>& c) {
    out += "(chain";
    operand(c.get().first);
    for (const auto& op : c.get().rest) {
      out += " " + op.op;
      operand(op.operand);
    }
    out += ")";
  }
  void operand(const ast::Operand& o) {
    out += ' ';
    boost::apply_visitor(*this, o);
  }
  void set(const ast::SetLit& s) {
    out += "(set";
    for (const auto& item : s.items) operand(item);
    out += ")";
  }

  // Clauses.
  void operator()(const ast::TextClause& c) {
    out += "(" + c.keyword + " ";
    (*this)(c.value);
    out += ")";
  }
  void operator()(const ast::ValidClause& c) {
    out += "(valid " + c.form + " " + c.first.text;
    for (const auto& d : c.second) out += " to " + d.text;
    out += ")";
  }
  void operator()(const ast::ListClause& c) {
    out += "(" + c.keyword;
    for (const auto& v : c.values) {
      out += ' ';
      (*this)(v);
    }
    out += ")";
  }
  void operator()(const ast::OverClause& c) {
    out += "(over " + c.dataset.text;
    if (c.filter) operand(*c.filter);
    out += ")";
  }
  void operator()(const ast::ExprClause& c) {
    out += "(" + c.keyword;
    operand(c.expr);
    out += ")";
  }
  void operator()(const ast::PerClause& c) {
    out += "(per";
    for (const auto& k : c.keys) operand(k);
    out += ")";
  }
  void operator()(const ast::ThresholdClause& c) {
    out += "(" + c.status + " " + c.op;
    operand(c.value);
    out += ")";
  }
  void operator()(const ast::TargetClause& c) {
    out += "(target " + c.op;
    operand(c.value);
    out += " " + c.deadline.text + (c.missed ? " as " + *c.missed : "") + ")";
  }
  void operator()(const ast::BaselineClause& c) { out += "(baseline " + c.date.text + ")"; }
  void operator()(const ast::ExpectClause& c) {
    out += "(expect";
    operand(c.key);
    out += ' ';
    set(c.values);
    out += ")";
  }

  // Declarations.
  void row(const ast::TableRow& r) {
    out += "\n  (row ";
    quoted(r.key);
    if (r.value) operand(*r.value);
    for (const auto& n : r.nested) row(n);
    out += ")";
  }
  void operator()(const ast::RulesetDecl& d) {
    out += "(ruleset " + d.id.text;
    for (const auto& c : d.clauses) {
      out += "\n  ";
      boost::apply_visitor(*this, c);
    }
    out += ")";
  }
  void operator()(const ast::Import& i) {
    out += "(import ";
    quoted(i.path.value);
    out += ")";
  }
  void operator()(const ast::Param& p) {
    out += "(" + p.modifier.value_or("") + "param " + p.name.text;
    operand(p.value);
    for (const auto& n : p.narrowing) {
      out += " (for " + n.key.text + " ";
      set(n.values);
      out += ")";
    }
    out += ")";
  }
  void operator()(const ast::Table& t) {
    out += "(table " + t.name.text + " (";
    for (const auto& k : t.keys) out += " " + k.text;
    out += ") " + t.value_type.text;
    for (const auto& r : t.rows) row(r);
    out += ")";
  }
  void operator()(const ast::Rule& r) {
    out += "(rule ";
    quoted(r.id);
    out += " ";
    quoted(r.title.value);
    for (const auto& c : r.clauses) {
      out += "\n  ";
      boost::apply_visitor(*this, c);
    }
    out += ")";
  }
};

}  // namespace

std::string ast_text(const ast::File& file) {
  std::string out;
  Printer printer(out);
  for (const auto& item : file.items) {
    boost::apply_visitor(printer, item);
    out += "\n";
  }
  return out;
}

}  // namespace toets
