#pragma once
// The grammar of rule files (docs/language.md describes it for users). Pure attributes, no
// semantic actions; every node records its offset (annotate_position). A committing keyword is
// followed by `>` so that a mistake after it is reported as "expected <rule name>", which is
// why every rule has a readable name.

#include <boost/spirit/home/x3.hpp>

#include <string>
#include <type_traits>

#include "dsl/syntax/ast.hpp"
#include "dsl/syntax/ast_adapted.hpp"
#include "dsl/syntax/grammar.hpp"
#include "dsl/syntax/parser.hpp"

namespace toets::parser {

inline bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A whole word: `in` does not match the start of `income`. Its name in messages is 'word'.
struct keyword_parser : x3::parser<keyword_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  constexpr explicit keyword_parser(char const* w) : word(w) {}
  char const* word;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext const&,
             Attribute&) const {
    x3::skip_over(first, last, context);
    Iterator it = first;
    for (char const* p = word; *p != '\0'; ++p, ++it) {
      if (it == last || *it != *p) return false;
    }
    if (it != last && is_identifier_char(*it)) return false;
    first = it;
    return true;
  }
};
constexpr keyword_parser kw(char const* word) { return keyword_parser(word); }

// Sets Located::offset of each node from the rule's first character.
struct annotate_position {
  template <typename Iterator, typename Context, typename Attribute>
  void on_success(Iterator const& first, Iterator const&, Attribute& node,
                  Context const& context) const {
    if constexpr (std::is_base_of_v<ast::Located, Attribute>) {
      SourceBase const& base = x3::get<source_base_tag>(context).get();
      node.offset = static_cast<std::uint32_t>(first - base.begin);
    }
  }
};

// nest[p]: p one level deeper. Wraps every construct that nests (brackets, calls, sets, `not`,
// `-`, nested table rows) and throws nesting_too_deep past kMaxNestingDepth (robustness:
// 100000 '(' overflowed the stack). Transparent for attributes.
template <typename Subject>
struct nest_directive : x3::unary_parser<Subject, nest_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, nest_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;
  constexpr nest_directive(Subject const& inner) : base_type(inner) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
             Attribute& attribute) const {
    SourceBase& base = x3::get<source_base_tag>(context).get();
    if (base.depth >= kMaxNestingDepth) {
      x3::skip_over(first, last, context);
      throw nesting_too_deep{first};
    }
    struct Level {
      int& depth;
      explicit Level(int& d) : depth(d) { ++depth; }
      ~Level() { --depth; }
    } level(base.depth);
    return this->subject.parse(first, last, context, rcontext, attribute);
  }
};
struct nest_gen {
  template <typename Subject>
  constexpr nest_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& subject) const {
    return {x3::as_parser(subject)};
  }
};
constexpr nest_gen nest{};

}  // namespace toets::parser

namespace boost::spirit::x3 {
template <>
struct get_info<toets::parser::keyword_parser> {
  using result_type = std::string;
  std::string operator()(toets::parser::keyword_parser const& p) const {
    return std::string("'") + p.word + "'";
  }
};
}  // namespace boost::spirit::x3

namespace toets::parser {

using x3::attr;
using x3::char_;
using x3::eol;
using x3::lexeme;
using x3::lit;
using x3::raw;
using x3::repeat;
using x3::string;

// ---- rule declarations (the names are what error messages say was expected) ----
#define TOETS_RULE(id, attribute, text) \
  struct id##_class : annotate_position {};  \
  x3::rule<id##_class, attribute> const id = text;

TOETS_RULE(identifier, std::string, "a name")
TOETS_RULE(string_chars, std::string, "the text of a string")
TOETS_RULE(number_text, std::string, "a number")
TOETS_RULE(date_text, std::string, "a date (YYYY-MM-DD)")
TOETS_RULE(mul_operation, ast::Operation, "'*' or '/'")
TOETS_RULE(add_operation, ast::Operation, "'+' or '-'")
TOETS_RULE(compare_operation, ast::Operation, "a comparison")
TOETS_RULE(member_operation, ast::Operation, "'in' or 'not in'")
TOETS_RULE(and_operation, ast::Operation, "'and'")
TOETS_RULE(or_operation, ast::Operation, "'or'")
TOETS_RULE(name, ast::Name, "a name")
TOETS_RULE(string_lit, ast::StringLit, "a quoted string")
TOETS_RULE(number_lit, ast::NumberLit, "a number")
TOETS_RULE(money_lit, ast::MoneyLit, "an amount in euros (€612.35)")
TOETS_RULE(percent_lit, ast::PercentLit, "a percentage (7.5%)")
TOETS_RULE(date_lit, ast::DateLit, "a date (YYYY-MM-DD)")
TOETS_RULE(call, ast::Call, "a function call")
TOETS_RULE(set_lit, ast::SetLit, "a set ({a, b})")
TOETS_RULE(primary, ast::Operand, "a value, a name or '('")
TOETS_RULE(unary, ast::Operand, "an expression")
TOETS_RULE(negation, ast::Unary, "an expression")
TOETS_RULE(not_expr, ast::Unary, "an expression")
TOETS_RULE(multiplicative, ast::Chain, "an expression")
TOETS_RULE(additive, ast::Chain, "an expression")
TOETS_RULE(comparison, ast::Chain, "an expression")
TOETS_RULE(negatable, ast::Operand, "an expression")
TOETS_RULE(conjunction, ast::Chain, "an expression")
TOETS_RULE(expression, ast::Chain, "an expression")
TOETS_RULE(compare_op, std::string, "a comparison (<, <=, =, !=, >=, >)")
TOETS_RULE(comparison_tail, ast::Operation, "a comparison")
TOETS_RULE(header_end, x3::unused_type,
           "a rule-set clause (title, municipality, corporations, valid, source) or '}'")
TOETS_RULE(rule_end, x3::unused_type,
           "a rule clause (source, owner, note, over, exempt, per, expect, measure, signal, "
           "breach, target, baseline, valid) or '}'")
TOETS_RULE(table_end, x3::unused_type, "a table row (key: value, or key { ... }) or '}'")
TOETS_RULE(row_start, x3::unused_type, "':' and a value, or '{' and rows")

TOETS_RULE(text_clause, ast::TextClause, "a text clause")
TOETS_RULE(valid_clause, ast::ValidClause, "'valid'")
TOETS_RULE(valid_form, std::string, "'from', 'until' or a date")
TOETS_RULE(list_clause, ast::ListClause, "'corporations'")
TOETS_RULE(header_clause, ast::HeaderClause,
           "a rule-set clause (title, municipality, corporations, valid, source) or '}'")
TOETS_RULE(ruleset_decl, ast::RulesetDecl, "a rule-set header")
TOETS_RULE(import_decl, ast::Import, "an import")
TOETS_RULE(param_decl, ast::Param, "a parameter")
TOETS_RULE(narrowing, ast::Narrowing, "what the override is narrowed to (corporation in {...} or year in {...})")
TOETS_RULE(narrowings, std::vector<ast::Narrowing>, "'for'")
TOETS_RULE(table_key, std::string, "a table key (2026, 1, 2+, 1-2 or \"text\")")
TOETS_RULE(table_row, ast::TableRow, "a table row (key: value, or key { ... })")
TOETS_RULE(table_decl, ast::Table, "a parameter table")
TOETS_RULE(over_clause, ast::OverClause, "'over'")
TOETS_RULE(expr_clause, ast::ExprClause, "'measure' or 'exempt'")
TOETS_RULE(per_clause, ast::PerClause, "'per'")
TOETS_RULE(threshold_clause, ast::ThresholdClause, "'signal' or 'breach'")
TOETS_RULE(target_clause, ast::TargetClause, "'target'")
TOETS_RULE(baseline_clause, ast::BaselineClause, "'baseline'")
TOETS_RULE(expect_clause, ast::ExpectClause, "'expect'")
TOETS_RULE(missed_status, std::string, "'signal' or 'breach'")
TOETS_RULE(rule_clause, ast::RuleClause,
           "a rule clause (source, owner, note, over, exempt, per, expect, measure, signal, "
           "breach, target, baseline, valid) or '}'")
TOETS_RULE(rule_id, std::string, "a rule id (an article number such as F or 2.2.4)")
TOETS_RULE(rule_decl, ast::Rule, "a rule")
TOETS_RULE(threshold_value, ast::Operand, "a threshold value (7.5%, 180, €612.35, baseline + 101)")

#undef TOETS_RULE

// Character classes spelled out: X3's standard classes assert on bytes above 127 (UTF-8 text such
// as the euro sign), these simply do not match them.
auto const alpha = char_("a-zA-Z");
auto const alnum = char_("a-zA-Z0-9");
auto const digit = char_("0-9");
auto const blank_char = char_(" \t\r\n\f\v");

struct skipper_class {};
skipper_type const skipper_rule = "white space";
item_type const item_rule = "a top-level declaration (ruleset, import, param, table, rule)";

// ---- words ----
// Operators and clause keywords cannot be names, so `over allocations where daeb and` followed by
// `measure count` reports the missing operand where it is missing.
auto const reserved = kw("and") | kw("or") | kw("not") | kw("in") | kw("when") | kw("by") |
                      kw("where") | kw("to") | kw("measure") | kw("over") | kw("per") |
                      kw("exempt") | kw("signal") | kw("breach") | kw("target") | kw("source") |
                      kw("owner") | kw("note") | kw("rule") | kw("table") | kw("param") |
                      kw("import") | kw("ruleset") | kw("override");

auto const identifier_def = lexeme[(alpha | char_('_')) >> *(alnum | char_('_'))];
auto const name_def = !reserved >> identifier;

auto const escaped_char = (lit('\\') >> char_("\"\\")) | (char_ - '"' - eol);
auto const string_chars_def = *escaped_char;
auto const string_lit_def = lexeme['"' > string_chars > '"'];

auto const digits = +digit;
auto const decimal = digits >> -('.' >> digits);
auto const number_text_def = lexeme[raw[decimal]];
auto const number_lit_def = lexeme[number_text >> !(alpha | '_')];
auto const money_lit_def = lexeme[lit("\xE2\x82\xAC") >> *lit(' ') >> number_text];  // €
auto const percent_lit_def = lexeme[number_text >> '%'];
auto const date_text_def =
    lexeme[raw[repeat(4)[digit] >> '-' >> repeat(2)[digit] >> '-' >> repeat(2)[digit]]];
auto const date_lit_def = date_text;

// ---- expressions, loosest binding last ----
auto const call_def = *(name >> '.') >> name >> '(' >> -(nest[expression] % ',') > ')';
auto const set_lit_def = string("{") > -(nest[expression] % ',') > '}';
auto const primary_def = money_lit | date_lit | percent_lit | number_lit | string_lit | call | name |
                         set_lit | ('(' > nest[expression] > ')');
auto const negation_def = string("-") >> nest[unary];
auto const unary_def = negation | primary;
auto const mul_operation_def = (string("*") | string("/")) > unary;
auto const multiplicative_def = unary >> *mul_operation;
auto const add_operation_def = (string("+") | string("-")) > multiplicative;
auto const additive_def = multiplicative >> *add_operation;
auto const compare_op_def = string("<=") | string(">=") | string("!=") | string("<") |
                            string(">") | string("=");
auto const membership_op = (kw("not") >> kw("in") >> attr(std::string("not in"))) |
                           (kw("in") >> attr(std::string("in")));
auto const compare_operation_def = compare_op > additive;
auto const member_operation_def = membership_op > set_lit;
auto const comparison_tail_def = compare_operation | member_operation;
auto const comparison_def = additive >> -comparison_tail;
auto const not_expr_def = kw("not") >> attr(std::string("not")) > nest[negatable];
auto const negatable_def = not_expr | comparison;
auto const and_operation_def = kw("and") >> attr(std::string("and")) > negatable;
auto const conjunction_def = negatable >> *and_operation;
auto const or_operation_def = kw("or") >> attr(std::string("or")) > conjunction;
auto const expression_def = conjunction >> *or_operation;

// ---- rule-set header, imports, parameters, tables ----
auto const text_keyword = (kw("title") >> attr(std::string("title"))) |
                          (kw("municipality") >> attr(std::string("municipality"))) |
                          (kw("source") >> attr(std::string("source"))) |
                          (kw("owner") >> attr(std::string("owner"))) |
                          (kw("note") >> attr(std::string("note")));
auto const text_clause_def = text_keyword > string_lit;
auto const valid_form_def = (kw("from") >> attr(std::string("from"))) |
                            (kw("until") >> attr(std::string("until"))) | attr(std::string());
auto const valid_clause_def = kw("valid") > valid_form > date_lit > *(kw("to") > date_lit);
auto const list_clause_def = kw("corporations") >> attr(std::string("corporations")) > (string_lit % ',');
auto const header_clause_def = text_clause | valid_clause | list_clause;
auto const header_end_def = lit('}');
auto const ruleset_decl_def = kw("ruleset") > name > '{' > *header_clause > header_end;

auto const import_decl_def = kw("import") >> attr(std::string("import")) > string_lit;
auto const narrowing_def = name > kw("in") > set_lit;
auto const narrowings_def = kw("for") > (narrowing % ',');
auto const param_decl_def = -(kw("override") >> attr(std::string("override"))) >> kw("param") > name > '=' >
                            expression > -narrowings;

auto const table_key_def = lexeme[raw[digits >> -(char_('+') | (char_('-') >> digits))]] |
                           lexeme[raw['"' > +(char_ - '"' - eol) > '"']];
auto const table_end_def = lit('}');
auto const row_start_def = &(lit(':') | lit('{'));
auto const table_row_def = table_key > row_start > -(':' > expression) > -('{' > *nest[table_row] > table_end) >
                           -lit(',');
auto const table_decl_def = kw("table") > name > '(' > (name % ',') > ')' > ':' > name > '{' >
                            *table_row > table_end;

// ---- rules ----
auto const over_clause_def = kw("over") > name > -(kw("where") > expression);
auto const expr_keyword = (kw("measure") >> attr(std::string("measure"))) |
                          (kw("exempt") >> attr(std::string("exempt")));
auto const expr_clause_def = expr_keyword > expression;
auto const per_clause_def = kw("per") >> attr(std::string("per")) > (additive % ',');
auto const status_word = (kw("signal") >> attr(std::string("signal"))) |
                         (kw("breach") >> attr(std::string("breach")));
auto const threshold_value_def = additive;  // 15%, baseline + 101, previous - 5
auto const threshold_clause_def =
    status_word > kw("when") > kw("measure") > compare_op > threshold_value;
auto const target_clause_def = kw("target") > kw("measure") > compare_op > threshold_value > kw("by") > date_lit >
                               -(kw("as") > missed_status);
auto const missed_status_def = status_word;
auto const baseline_clause_def = kw("baseline") >> attr(std::string("baseline")) > date_lit;
auto const expect_clause_def = kw("expect") >> attr(std::string("expect")) > additive > kw("in") > set_lit;
auto const rule_clause_def = text_clause | over_clause | expr_clause | per_clause |
                             threshold_clause | target_clause | baseline_clause | valid_clause |
                             expect_clause;
auto const rule_id_def = lexeme[+(alnum | char_('.') | char_('_') | char_('-'))] |
                         lexeme['"' > +(char_ - '"' - eol) > '"'];
auto const rule_end_def = lit('}');
auto const rule_decl_def = kw("rule") > rule_id > string_lit > '{' > *rule_clause > rule_end;

auto const item_rule_def = ruleset_decl | import_decl | param_decl | table_decl | rule_decl;

auto const block_comment = lit("/*") >> *(char_ - "*/") >> "*/";
auto const skipper_rule_def = blank_char | (lit("//") >> *(char_ - eol)) | block_comment;

BOOST_SPIRIT_DEFINE(identifier, name, string_lit, number_lit, money_lit, percent_lit, date_lit,
                    call, set_lit, primary, unary, negation, not_expr, multiplicative, additive,
                    comparison, negatable, conjunction, expression, compare_op, text_clause,
                    valid_clause, valid_form, list_clause, header_clause, narrowing, narrowings,
                    expect_clause, missed_status, ruleset_decl, import_decl, param_decl, table_key,
                    table_row, table_decl, over_clause, expr_clause, per_clause, threshold_clause,
                    target_clause, baseline_clause, rule_clause, rule_id, rule_decl, threshold_value, comparison_tail,
                    header_end, rule_end, table_end, row_start, string_chars, number_text, date_text,
                    mul_operation, add_operation, compare_operation, member_operation,
                    and_operation, or_operation)
BOOST_SPIRIT_DEFINE(skipper_rule, item_rule)

item_type const& item() { return item_rule; }
skipper_type const& skipper() { return skipper_rule; }

}  // namespace toets::parser
