#pragma once
// The syntax tree of a rule file: plain data, names as strings, every node with its byte offset in
// the source (for diagnostics). No behaviour: the checker (checker.cpp) walks it. Filled by the X3
// grammar (grammar_def.hpp); Fusion adaptation lives in ast_adapted.hpp.

#include <boost/spirit/home/x3/support/ast/variant.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace toets::ast {

namespace x3 = boost::spirit::x3;

// Byte offset of the node's first character in its source file.
struct Located {
  std::uint32_t offset = 0;
};

struct Name : Located {
  std::string text;
};
struct StringLit : Located {
  std::string value;  // escapes resolved
};
// Literals keep their spelling; the checker converts them (and reports range errors).
struct NumberLit : Located {
  std::string text;  // 12, 2.5
};
struct MoneyLit : Located {
  std::string text;  // the digits after the euro sign: 49669, 752.33
};
struct PercentLit : Located {
  std::string text;  // the number before the percent sign: 7.5
};
struct DateLit : Located {
  std::string text;  // 2028-12-31
};

struct Call;
struct SetLit;
struct Unary;
struct Chain;

struct Operand : x3::variant<Name, StringLit, MoneyLit, PercentLit, DateLit, NumberLit,
                             x3::forward_ast<Call>, x3::forward_ast<SetLit>,
                             x3::forward_ast<Unary>, x3::forward_ast<Chain>> {
  using base_type::base_type;
  using base_type::operator=;
};

// f(a, b): a parameter-table look-up, a date function, a measure. stock.count(daeb): a figure
// of another dataset (the qualifier names it), only as the divisor of a measure.
struct Call : Located {
  std::vector<Name> qualifier;  // empty, or the one dataset named before a '.'
  Name function;
  std::vector<Operand> args;
};
// {E, F, G}
struct SetLit : Located {
  std::string open;  // "{" (kept so the struct is not a single-element sequence for Fusion)
  std::vector<Operand> items;
};
// not x, -x
struct Unary : Located {
  std::string op;
  Operand operand;
};
struct Operation : Located {
  std::string op;  // or and = != < <= > >= in "not in" + - *
  Operand operand;
};
// first op operand op operand ...: one node per precedence level, left-associative.
struct Chain : Located {
  Operand first;
  std::vector<Operation> rest;
};

// ---- declarations ----

// title "..." / municipality "..." / source "..." / owner "..." / note "..."
struct TextClause : Located {
  std::string keyword;
  StringLit value;
};
// valid 2026-01-01 to 2027-12-31   (a closed period)
// valid from 2022-01-01            (open at the end: a law still in force)
// valid until 2021-12-31           (open at the start: a regime that ended)
struct ValidClause : Located {
  std::string form;               // "" (from ... to ...), "from" or "until"
  DateLit first;
  std::vector<DateLit> second;    // the end of a closed period (one; a vector for X3's sake)
};
// corporations "Trivire", "Woonbron"   (the parties a rule set binds)
struct ListClause : Located {
  std::string keyword;
  std::vector<StringLit> values;
};
struct HeaderClause : x3::variant<TextClause, ValidClause, ListClause> {
  using base_type::base_type;
  using base_type::operator=;
};
struct RulesetDecl : Located {
  Name id;
  std::vector<HeaderClause> clauses;
};

struct Import : Located {
  std::string keyword;
  StringLit path;
};

// `corporation in {"Vivare"}` / `year in {2023}`: what an override is narrowed to.
struct Narrowing : Located {
  Name key;
  SetLit values;
};
// param free_allocation_space = 7.5%
// override param free_allocation_space = 15%   (a local agreement raising an imported value)
// override param free_allocation_space = 15% for corporation in {"Vivare"}, year in {2022}
struct Param : Located {
  std::optional<std::string> modifier;  // "override"
  Name name;
  Operand value;
  std::vector<Narrowing> narrowing;     // empty: the override holds for every group
};

// One row of a parameter table: a key pattern ("2021", "1", "2+", "1-2") and either a value or
// a nested block keyed by the next key.
struct TableRow : Located {
  std::string key;
  std::optional<Operand> value;
  std::vector<TableRow> nested;
};
// table daeb_income_limit(year, household_size) : money { 2026 { 1: €51537, 2+: €56910 } }
struct Table : Located {
  Name name;
  std::vector<Name> keys;
  Name value_type;
  std::vector<TableRow> rows;
};

// over allocations where <expr>
struct OverClause : Located {
  Name dataset;
  std::optional<Operand> filter;
};
// exempt <expr> / measure <expr>
struct ExprClause : Located {
  std::string keyword;
  Operand expr;
};
// per corporation, year(contract_date)
struct PerClause : Located {
  std::string keyword;
  std::vector<Operand> keys;
};
// signal when measure > 7.5%   /   breach when measure < 80%
struct ThresholdClause : Located {
  std::string status;
  std::string op;
  Operand value;
};
// target measure <= 0 by 2028-12-31 [as signal]
struct TargetClause : Located {
  std::string op;
  Operand value;
  DateLit deadline;
  std::optional<std::string> missed;  // "signal" or "breach": what a missed target is after the deadline
};
// baseline 2021-01-01
struct BaselineClause : Located {
  std::string keyword;
  DateLit date;
};
// expect corporation in {"Trivire", "Woonbron"}: groups reported even without records
struct ExpectClause : Located {
  std::string keyword;
  Operand key;
  SetLit values;
};
struct RuleClause : x3::variant<TextClause, OverClause, ExprClause, PerClause, ThresholdClause,
                                TargetClause, BaselineClause, ValidClause, ExpectClause> {
  using base_type::base_type;
  using base_type::operator=;
};
struct Rule : Located {
  std::string id;      // the article number as written: F, 2.2.4, 1.1.14
  StringLit title;
  std::vector<RuleClause> clauses;
};

struct Item : x3::variant<RulesetDecl, Import, Param, Table, Rule> {
  using base_type::base_type;
  using base_type::operator=;
};

// A whole file: its items in source order.
struct File {
  std::vector<Item> items;
};

}  // namespace toets::ast
