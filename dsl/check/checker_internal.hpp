#pragma once
// The checker's insides, shared by its files (checker.cpp: files, imports and headers;
// checker_params.cpp: parameters, overrides and tables; checker_expr.cpp: expressions;
// checker_rule.cpp: rules, measures and thresholds). Not for use outside dsl/: the public entry
// points are in checker.hpp.

#include "dsl/source/text.hpp"
#include "dsl/check/checker.hpp"

#include <boost/variant/apply_visitor.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "dsl/syntax/ast.hpp"
#include "dsl/source/calendar.hpp"
#include "dsl/syntax/number_hints.hpp"
#include "dsl/syntax/parser.hpp"

namespace toets {
namespace x3 = boost::spirit::x3;
}  // namespace toets

namespace toets::checking {


inline constexpr std::int64_t kOpenEnd = std::numeric_limits<std::int64_t>::max();

// ---- literal conversion (exact, with range checks) ----

// "7.5" -> 75/10. Returns nullopt on overflow.
inline std::optional<Ratio> parse_decimal(std::string_view text) {
  Ratio r{0, 1};
  bool after_point = false;
  for (char c : text) {
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (r.numerator > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
    if (after_point) {
      if (r.denominator > std::numeric_limits<std::int64_t>::max() / 10) return std::nullopt;
      r.denominator *= 10;
    }
    r.numerator = r.numerator * 10 + (c - '0');
  }
  return r;
}


using toets::text::join;  // dsl/source/text.hpp

// Municipality and corporation names match as the evaluator matches them: without regard to
// case or surrounding spaces.
inline bool same_name(std::string_view a, std::string_view b) {
  auto trim = [](std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
  };
  a = trim(a);
  b = trim(b);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

inline std::string location(const SourceFile* file, std::uint32_t offset) {
  if (file == nullptr) return "?";
  return file->path() + ":" + std::to_string(file->line_of(offset));
}

// ---- offsets of variant nodes ----

struct OffsetOf : boost::static_visitor<std::uint32_t> {
  template <typename T>
  std::uint32_t operator()(const T& node) const { return node.offset; }
  template <typename T>
  std::uint32_t operator()(const x3::forward_ast<T>& node) const { return node.get().offset; }
};
inline std::uint32_t offset_of(const ast::Operand& operand) { return boost::apply_visitor(OffsetOf(), operand); }

// Renders an expression back to text (normalised spacing), for reports.
struct Render : boost::static_visitor<std::string> {
  std::string operator()(const ast::Name& n) const { return n.text; }
  std::string operator()(const ast::StringLit& s) const { return "\"" + s.value + "\""; }
  std::string operator()(const ast::MoneyLit& m) const { return "\xE2\x82\xAC" + m.text; }
  std::string operator()(const ast::PercentLit& p) const { return p.text + "%"; }
  std::string operator()(const ast::DateLit& d) const { return d.text; }
  std::string operator()(const ast::NumberLit& n) const { return n.text; }
  std::string operator()(const x3::forward_ast<ast::Call>& c) const {
    std::string out;
    for (const ast::Name& part : c.get().qualifier) out += part.text + ".";
    out += c.get().function.text + "(";
    for (std::size_t i = 0; i < c.get().args.size(); ++i) {
      if (i > 0) out += ", ";
      out += boost::apply_visitor(*this, c.get().args[i]);
    }
    return out + ")";
  }
  std::string operator()(const x3::forward_ast<ast::SetLit>& s) const {
    std::string out = "{";
    for (std::size_t i = 0; i < s.get().items.size(); ++i) {
      if (i > 0) out += ", ";
      out += boost::apply_visitor(*this, s.get().items[i]);
    }
    return out + "}";
  }
  std::string operator()(const x3::forward_ast<ast::Unary>& u) const {
    return u.get().op + (u.get().op == "not" ? " " : "") + boost::apply_visitor(*this, u.get().operand);
  }
  std::string operator()(const x3::forward_ast<ast::Chain>& c) const {
    std::string out = boost::apply_visitor(*this, c.get().first);
    for (const auto& op : c.get().rest) {
      out += " " + op.op + " " + boost::apply_visitor(*this, op.operand);
    }
    // A chain of one inside parentheses reads better without them.
    return c.get().rest.empty() ? out : "(" + out + ")";
  }
};
inline std::string render(const ast::Operand& operand) {
  std::string text = boost::apply_visitor(Render(), operand);
  if (text.size() > 2 && text.front() == '(' && text.back() == ')') {
    // Drop one outer pair when it encloses the whole text.
    int depth = 0;
    bool encloses = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '(') ++depth;
      if (text[i] == ')') --depth;
      if (depth == 0 && i + 1 < text.size()) {
        encloses = false;
        break;
      }
    }
    if (encloses) text = text.substr(1, text.size() - 2);
  }
  return text;
}

// The grammar wraps every operand in one chain per precedence level; a chain without operators
// is just its operand. This peels those layers off.
inline const ast::Operand& unwrap(const ast::Operand& operand) {
  const ast::Operand* current = &operand;
  while (const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(current)) {
    if (!chain->get().rest.empty()) break;
    current = &chain->get().first;
  }
  return *current;
}

inline std::optional<CompareOp> to_compare_op(std::string_view op) {
  if (op == "<") return CompareOp::Lt;
  if (op == "<=") return CompareOp::Le;
  if (op == "=") return CompareOp::Eq;
  if (op == "!=") return CompareOp::Ne;
  if (op == ">=") return CompareOp::Ge;
  if (op == ">") return CompareOp::Gt;
  return std::nullopt;
}

// ---- the checker ----

// An `override param`: the value it sets, where it holds (the municipality of the file that
// states it; "" = everywhere) and what it is narrowed to.
struct ParamOverride {
  Ratio value;
  std::string municipality;
  std::vector<std::string> corporations;  // empty: any
  std::vector<std::int64_t> years;        // empty: any
  std::string text;                       // "15% for corporation Vivare"
  const SourceFile* file = nullptr;
  std::uint32_t offset = 0;
  bool narrowed() const { return !corporations.empty() || !years.empty(); }
};

struct ParamValue {
  ValueType type = ValueType::Int;
  Ratio value;  // ints, cents and dates as n/1; percentages exact
  const SourceFile* file = nullptr;
  std::uint32_t offset = 0;
  std::vector<ParamOverride> overrides;  // in the order the files are read (imports first)
};

// The result of checking an expression: its type and compiled node. A bare name that is not a
// column or parameter stays `unresolved`, because it may be an enum value (segment = sociaal);
// a string literal keeps its text for the same reason.
struct Typed {
  bool ok = false;
  ValueType type = ValueType::Int;
  std::uint32_t node = kNoIndex;
  std::uint32_t column = kNoIndex;  // set when the value is a plain column
  std::optional<std::string> unresolved;
  std::optional<std::string> literal_text;
  std::uint32_t offset = 0;
};

inline const std::vector<std::string>& row_functions() {
  static const std::vector<std::string> names = {"year", "half_year", "quarter", "month",
                                                 "missing", "present"};
  return names;
}
inline const std::vector<std::string>& measure_functions() {
  static const std::vector<std::string> names = {"count", "share", "ratio", "sum", "avg", "min", "max"};
  return names;
}

class Checker {
 public:
  Checker(CompiledRuleSet& out, Diagnostics& diagnostics) : out_(out), diagnostics_(diagnostics) {}

  // Loads `path` (or `text` when given) and everything it imports, then checks it.
  void load(const std::string& path, std::optional<std::string> text, const SourceFile* from,
            std::uint32_t from_offset, int depth);
  void finish();

 private:
  // Counts a file of `size` bytes into the rule set; false (and an error at the import) when it
  // would pass kMaxRuleSetBytes.
  bool fits_in_rule_set(const std::string& path, std::uint64_t size, const SourceFile* from,
                                    std::uint32_t from_offset);
  void check_files();
  void check_header(const SourceFile& source, const ast::RulesetDecl& decl, RuleSetInfo& info);
  void check_param(const SourceFile& source, const ast::Param& param, const RuleSetInfo& info);
  bool check_narrowing(const SourceFile& source, const ast::Param& param, ParamOverride& override);
  // The overrides of `param` that hold within `rule`'s scope, in order.
  std::vector<const ParamOverride*> overrides_for(const ParamValue& param, const CompiledRule& rule) const;
  // The value of a parameter in a rule: its unnarrowed overrides applied; nullopt (after an
  // error) when a narrowed override holds in the rule's scope, which only a threshold can take.
  std::optional<Ratio> param_in_rule(const std::string& name, const ParamValue& param, const CompiledRule& rule,
                                     const SourceFile& source, std::uint32_t offset);
  bool narrowed_threshold(const SourceFile& source, const std::string& name, const ParamValue& param,
                          std::uint32_t offset, const CompiledRule& rule, ThresholdTerm& threshold);
  void check_period(const SourceFile& source, const ast::ValidClause& valid, std::optional<std::int32_t>& from,
                    std::optional<std::int32_t>& to);
  void check_expect(const SourceFile& source, const ast::ExpectClause& expect, const std::vector<std::string>& key_texts,
                    CompiledRule& compiled);
  void check_table(const SourceFile& source, const ast::Table& table);
  void flatten_rows(const SourceFile& source, const std::vector<ast::TableRow>& rows,
                    std::size_t level, ParamTable& table, std::vector<KeyRange>& prefix);
  void check_rule(const SourceFile& source, const ast::Rule& rule, const RuleSetInfo& info);

  // Expressions of one rule.
  struct RuleContext {
    const SourceFile* file = nullptr;
    const DatasetSchema* dataset = nullptr;
    CompiledRule* rule = nullptr;
    std::vector<std::uint32_t> depth;  // per node of rule->pool: the longest path to a leaf
    bool too_big = false;              // kMaxExpressionNodes or kMaxExpressionDepth reported
  };
  // check_rule's steps, in its order (checker_rule_clauses.cpp).
  struct RuleClauses {
    const ast::OverClause* over = nullptr;
    const ast::ExprClause* measure = nullptr;
    const ast::ExprClause* exempt = nullptr;
    const ast::PerClause* per = nullptr;
    const ast::TargetClause* target = nullptr;
    const ast::ValidClause* own_period = nullptr;
    std::vector<const ast::ExpectClause*> expects;
    std::vector<const ast::ThresholdClause*> thresholds;
  };
  void note_rule_id(const SourceFile& source, const ast::Rule& rule);
  // The rule's names, scope and the period of its file, before its clauses are read.
  CompiledRule rule_frame(const SourceFile& source, const ast::Rule& rule, const RuleSetInfo& info);
  // Each clause found (a second of a kind is an error); source, owner, note and baseline are
  // stored in `compiled` straight away.
  RuleClauses gather_clauses(const SourceFile& source, const ast::Rule& rule, CompiledRule& compiled);
  void settle_period(const SourceFile& source, const ast::ValidClause* own_period, CompiledRule& compiled);
  // The dataset of the `over` clause; null (after an error) when there is none or it is unknown.
  const DatasetSchema* rule_dataset(const SourceFile& source, const ast::Rule& rule, const ast::OverClause* over);
  // The `per` keys into ctx.rule's group keys; returns each as written.
  std::vector<std::string> check_group_keys(const ast::PerClause& per, RuleContext& ctx);
  std::optional<GroupKey> check_group_key(const ast::Operand& key, RuleContext& ctx);
  void check_rule_measure(const ast::Rule& rule, const ast::ExprClause* measure, RuleContext& ctx, bool& measure_ok,
                          bool& unit_known);
  // The `target` clause, or the error for a rule with neither thresholds nor a target.
  void check_target(const ast::Rule& rule, const RuleClauses& clauses, bool measure_ok, RuleContext& ctx);

  struct ExprVisitor;
  Typed check_expr(const ast::Operand& operand, RuleContext& ctx);
  Typed check_name(const ast::Name& name, RuleContext& ctx);
  Typed check_call(const ast::Call& call, RuleContext& ctx);
  bool has_arity(const ast::Call& call, std::size_t n, RuleContext& ctx);
  Typed check_date_part_call(const ast::Call& call, RuleContext& ctx);
  Typed check_presence_call(const ast::Call& call, RuleContext& ctx);
  Typed check_table_call(const ast::Call& call, std::uint32_t table_index, RuleContext& ctx);
  Typed check_chain(const ast::Chain& chain, RuleContext& ctx);
  Typed check_unary(const ast::Unary& unary, RuleContext& ctx);
  Typed check_comparison(Typed left, const ast::Operation& operation, RuleContext& ctx);
  Typed check_membership(Typed left, const ast::Operation& operation, RuleContext& ctx);
  Typed check_arithmetic(Typed left, const ast::Operation& operation, RuleContext& ctx);
  // count and count(...) terms added and subtracted: one whole-number weight per record.
  bool check_net_measure(const std::vector<std::pair<int, const ast::Operand*>>& terms, RuleContext& ctx);
  void check_measure(const ast::Operand& expr, RuleContext& ctx, bool& measure_ok, bool& unit_known);
  // measure A / other.B: A over the rule's dataset, B over another one, per the same groups.
  void check_quotient(const ast::Chain& chain, RuleContext& ctx, bool& measure_ok, bool& unit_known);
  Typed literal(const ast::Operand& operand, RuleContext& ctx);
  // Reports a bare name that could not be resolved; returns a failed Typed.
  Typed unknown_name(const Typed& typed, RuleContext& ctx);
  Typed require_bool(Typed typed, RuleContext& ctx, std::string_view what);
  // Resolves an unresolved name or string literal against an enum or text column.
  Typed resolve_against(const Typed& value, const Typed& other, RuleContext& ctx);
  std::uint32_t add_node(RuleContext& ctx, ExprNode node);
  // A number split at its decimal comma into two arguments (`share(rent > €700,50)`): reported
  // with its spelling instead of a count of arguments. True when it was.
  bool dutch_number_in_arguments(const SourceFile& source, const std::vector<ast::Operand>& args);

  std::optional<ParamValue> constant_value(const ast::Operand& operand, const SourceFile& source);
  void check_thresholds(const SourceFile& source, const ast::Rule& rule, CompiledRule& compiled,
                        const std::vector<const ast::ThresholdClause*>& clauses);
  bool threshold_value(const SourceFile& source, const ast::Operand& operand, const CompiledRule& rule,
                       Threshold& threshold);
  bool term_value(const SourceFile& source, const ast::Operand& operand, const CompiledRule& rule, ThresholdTerm& term);

  std::vector<std::string> known_names(const DatasetSchema* dataset) const;

  CompiledRuleSet& out_;
  Diagnostics& diagnostics_;
  std::map<std::string, ParamValue> params_;
  std::map<std::string, std::uint32_t> tables_;
  std::map<std::string, std::pair<const SourceFile*, std::uint32_t>> rule_ids_;
  std::set<std::string> loaded_;
  struct LoadedFile {
    const SourceFile* source;
    ast::File file;
    bool root;
    bool syntax_errors;  // what was not parsed may have held the header
  };
  std::vector<LoadedFile> files_;
  std::vector<RuleSetInfo> file_info_;
  std::vector<std::string> loading_;  // the import chain, for cycle messages
  std::uint64_t rule_set_bytes_ = 0;  // the files read so far, for kMaxRuleSetBytes
  bool rule_set_too_big_ = false;     // said once; no further import is read
  // Tables looked up by year (year(<date column>), or a rule's `per year(...)` group), for the
  // validity-period check (checker_years.cpp).
  struct YearLookup {
    std::uint32_t table;
    const SourceFile* file;
    std::uint32_t offset;
    std::uint32_t key = 0;                     // which of the table's keys is the year
    const DatasetSchema* dataset = nullptr;    // the date column's dataset and column, if known
    std::uint32_t column = kNoIndex;
    std::int64_t first_year = std::numeric_limits<std::int64_t>::min();  // the years the rule can reach
    std::int64_t last_year = std::numeric_limits<std::int64_t>::max();
  };
  std::vector<YearLookup> year_lookups_;
  void note_year_lookup(std::uint32_t table, const SourceFile* file, std::uint32_t offset, std::uint32_t key,
                        const DatasetSchema* dataset, std::uint32_t column);
  // The lookups noted since `from` belong to `rule`: its period and its `where` narrow their years.
  void bound_year_lookups(std::size_t from, const ast::OverClause* over, const CompiledRule& rule);
  void check_table_years();
};

// The terms of a threshold written as a sum (checker_rule.cpp).
void flatten_sum(const ast::Operand& operand, int sign, std::vector<std::pair<int, const ast::Operand*>>& terms);

}  // namespace toets::checking
