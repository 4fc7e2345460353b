// The checker: expressions, typed and compiled into a rule's node pool.

#include "dsl/check/checker_internal.hpp"

namespace toets::checking {

std::vector<std::string> Checker::known_names(const DatasetSchema* dataset) const {
  std::vector<std::string> names;
  if (dataset != nullptr) {
    for (const auto& column : dataset->columns) names.push_back(column.name);
  }
  for (const auto& [name, unused] : params_) names.push_back(name);
  for (const auto& [name, unused] : tables_) names.push_back(name);
  return names;
}

std::uint32_t Checker::add_node(RuleContext& ctx, ExprNode node) {
  // Limits against pathological rules (docs/robustness.md): the evaluator recurses once per level
  // of the compiled expression (`a and b and c ...` is one level per operator) and keeps a batch
  // buffer per node, so both are bounded here, with an error at the spot.
  ctx.depth.resize(ctx.rule->pool.nodes.size(), 1);
  std::uint32_t depth = 1;
  for (const std::uint32_t arg : node.args) {
    if (arg < ctx.depth.size()) depth = std::max(depth, ctx.depth[arg] + 1);
  }
  if (!ctx.too_big && (depth > kMaxExpressionDepth || ctx.rule->pool.nodes.size() >= kMaxExpressionNodes)) {
    ctx.too_big = true;
    diagnostics_.error(ctx.file, node.offset,
                       depth > kMaxExpressionDepth
                           ? "expression too deep: more than " + std::to_string(kMaxExpressionDepth) +
                                 " operations nested or chained; split it, or use 'in {...}' for a list of values"
                           : "expression too large: more than " + std::to_string(kMaxExpressionNodes) +
                                 " operations in one rule");
  }
  ctx.depth.push_back(depth);
  ctx.rule->pool.nodes.push_back(std::move(node));
  return static_cast<std::uint32_t>(ctx.rule->pool.nodes.size() - 1);
}

struct Checker::ExprVisitor : boost::static_visitor<Typed> {
  Checker& self;
  RuleContext& ctx;
  const ast::Operand& operand;
  ExprVisitor(Checker& s, RuleContext& c, const ast::Operand& o) : self(s), ctx(c), operand(o) {}
  Typed operator()(const ast::Name& name) const { return self.check_name(name, ctx); }
  Typed operator()(const x3::forward_ast<ast::Call>& call) const { return self.check_call(call.get(), ctx); }
  Typed operator()(const x3::forward_ast<ast::Chain>& chain) const { return self.check_chain(chain.get(), ctx); }
  Typed operator()(const x3::forward_ast<ast::Unary>& unary) const { return self.check_unary(unary.get(), ctx); }
  Typed operator()(const x3::forward_ast<ast::SetLit>& set) const {
    self.diagnostics_.error(ctx.file, set.get().offset, "a set {...} can only follow 'in' or 'not in'");
    return Typed{};
  }
  Typed operator()(const ast::StringLit& s) const {
    Typed t;
    t.ok = true;
    t.type = ValueType::Text;
    t.literal_text = s.value;
    t.offset = s.offset;
    return t;
  }
  Typed operator()(const ast::MoneyLit&) const { return self.literal(operand, ctx); }
  Typed operator()(const ast::PercentLit&) const { return self.literal(operand, ctx); }
  Typed operator()(const ast::DateLit&) const { return self.literal(operand, ctx); }
  Typed operator()(const ast::NumberLit&) const { return self.literal(operand, ctx); }
};

Typed Checker::check_expr(const ast::Operand& operand, RuleContext& ctx) {
  return boost::apply_visitor(ExprVisitor(*this, ctx, operand), operand);
}

Typed Checker::literal(const ast::Operand& operand, RuleContext& ctx) {
  const std::uint32_t offset = offset_of(operand);
  if (const auto* number = boost::get<ast::NumberLit>(&operand);
      number != nullptr && number->text.find('.') != std::string::npos) {
    diagnostics_.error(ctx.file, offset, "a number with decimals: write an amount as \xE2\x82\xAC" +
                                             number->text + " or a share as " + number->text + "%");
    return Typed{};
  }
  const auto value = constant_value(operand, *ctx.file);
  if (!value) return Typed{};
  Typed t;
  t.ok = true;
  t.type = value->type;
  t.offset = offset;
  if (value->type == ValueType::Fraction) {
    // Percentages are thresholds, not row values; keep them out of row expressions.
    diagnostics_.error(ctx.file, offset,
                       "a percentage can only be a threshold (signal/breach when measure > 7.5%)");
    return Typed{};
  }
  ExprNode node;
  node.op = NodeOp::Constant;
  node.type = value->type;
  node.value = value->value.numerator;
  node.offset = offset;
  t.node = add_node(ctx, node);
  return t;
}

Typed Checker::check_name(const ast::Name& name, RuleContext& ctx) {
  Typed t;
  t.offset = name.offset;
  if (auto column = ctx.dataset->column_index(name.text)) {
    const ColumnSchema& schema = ctx.dataset->column(*column);
    if (schema.text_storage == TextStorage::Raw) {
      diagnostics_.error(ctx.file, name.offset,
                         "'" + name.text + "' is a record id; it can only be tested with missing(" + name.text + ")");
      return Typed{};
    }
    ExprNode node;
    node.op = NodeOp::Column;
    node.type = schema.type;
    node.column = *column;
    node.offset = name.offset;
    t.ok = true;
    t.type = schema.type;
    t.column = *column;
    t.node = add_node(ctx, node);
    return t;
  }
  if (name.text == "true" || name.text == "false") {
    ExprNode node;
    node.op = NodeOp::Constant;
    node.type = ValueType::Bool;
    node.value = name.text == "true" ? 1 : 0;
    node.offset = name.offset;
    t.ok = true;
    t.type = ValueType::Bool;
    t.node = add_node(ctx, node);
    return t;
  }
  if (auto it = params_.find(name.text); it != params_.end()) {
    if (it->second.type == ValueType::Fraction) {
      diagnostics_.error(ctx.file, name.offset,
                         "'" + name.text + "' is a percentage; it can only be a threshold");
      return Typed{};
    }
    const auto value = param_in_rule(name.text, it->second, *ctx.rule, *ctx.file, name.offset);
    if (!value) return Typed{};
    ExprNode node;
    node.op = NodeOp::Constant;
    node.type = it->second.type;
    node.value = value->numerator;
    node.offset = name.offset;
    t.ok = true;
    t.type = it->second.type;
    t.node = add_node(ctx, node);
    return t;
  }
  if (auto it = tables_.find(name.text); it != tables_.end()) {
    diagnostics_.error(ctx.file, name.offset,
                       "'" + name.text + "' is a parameter table; look a value up with " + name.text + "(" +
                           join(out_.tables[it->second].key_names) + ")");
    return Typed{};
  }
  t.unresolved = name.text;  // maybe an enum value; the caller decides
  return t;
}

Typed Checker::unknown_name(const Typed& typed, RuleContext& ctx) {
  auto& d = diagnostics_.error(ctx.file, typed.offset,
                               "unknown name '" + *typed.unresolved + "': not a column of " +
                                   ctx.dataset->name + " nor a parameter");
  if (auto hint = did_you_mean(*typed.unresolved, known_names(ctx.dataset)); !hint.empty()) {
    d.notes.push_back(hint);
  }
  return Typed{};
}

Typed Checker::require_bool(Typed typed, RuleContext& ctx, std::string_view what) {
  if (typed.unresolved) return unknown_name(typed, ctx);
  if (!typed.ok) return typed;
  if (typed.literal_text) {
    diagnostics_.error(ctx.file, typed.offset, "a text cannot stand alone here; compare it with a column");
    return Typed{};
  }
  if (typed.type != ValueType::Bool) {
    diagnostics_.error(ctx.file, typed.offset,
                       std::string(what) + " must be true or false, but this is " +
                           std::string(type_name(typed.type)));
    return Typed{};
  }
  return typed;
}

// Whether `call` has `n` arguments; if not, an error that says so (or names the decimal comma
// that split a number in two).
bool Checker::has_arity(const ast::Call& call, std::size_t n, RuleContext& ctx) {
  const std::string& fn = call.function.text;
  if (call.args.size() == n) return true;
  if (dutch_number_in_arguments(*ctx.file, call.args)) return false;
  diagnostics_.error(ctx.file, call.offset,
                     fn + "() takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", not " +
                         std::to_string(call.args.size()));
  return false;
}

// year(date), half_year(date), quarter(date), month(date): a whole number.
Typed Checker::check_date_part_call(const ast::Call& call, RuleContext& ctx) {
  const std::string& fn = call.function.text;
  if (!has_arity(call, 1, ctx)) return Typed{};
  Typed arg = check_expr(call.args[0], ctx);
  if (arg.unresolved) return unknown_name(arg, ctx);
  if (!arg.ok) return Typed{};
  if (arg.type != ValueType::Date) {
    diagnostics_.error(ctx.file, arg.offset, fn + "() needs a date, but this is " + std::string(type_name(arg.type)));
    return Typed{};
  }
  ExprNode node;
  node.op = fn == "year" ? NodeOp::Year
            : fn == "half_year" ? NodeOp::HalfOfYear
            : fn == "quarter" ? NodeOp::QuarterOfYear
                              : NodeOp::MonthOfYear;
  node.type = ValueType::Int;
  node.args = {arg.node};
  node.offset = call.offset;
  Typed t;
  t.offset = call.offset;
  t.ok = true;
  t.type = ValueType::Int;
  t.node = add_node(ctx, node);
  return t;
}

// missing(column), present(column): whether a record has a value there.
Typed Checker::check_presence_call(const ast::Call& call, RuleContext& ctx) {
  const std::string& fn = call.function.text;
  if (!has_arity(call, 1, ctx)) return Typed{};
  const auto* name = boost::get<ast::Name>(&unwrap(call.args[0]));
  const auto column = name != nullptr ? ctx.dataset->column_index(name->text) : std::nullopt;
  if (!column) {
    auto& d = diagnostics_.error(ctx.file, offset_of(call.args[0]), fn + "() takes a column of " + ctx.dataset->name);
    if (name != nullptr) {
      std::vector<std::string> columns;
      for (const auto& c : ctx.dataset->columns) columns.push_back(c.name);
      if (auto hint = did_you_mean(name->text, columns); !hint.empty()) d.notes.push_back(hint);
    }
    return Typed{};
  }
  ExprNode node;
  node.op = NodeOp::IsMissing;
  node.type = ValueType::Bool;
  node.column = *column;
  node.offset = call.offset;
  std::uint32_t index = add_node(ctx, node);
  if (fn == "present") {
    ExprNode negate;
    negate.op = NodeOp::Not;
    negate.type = ValueType::Bool;
    negate.args = {index};
    negate.offset = call.offset;
    index = add_node(ctx, negate);
  }
  Typed t;
  t.offset = call.offset;
  t.ok = true;
  t.type = ValueType::Bool;
  t.node = index;
  return t;
}

// table(key, ...): a parameter table looked up with whole-number keys.
Typed Checker::check_table_call(const ast::Call& call, std::uint32_t table_index, RuleContext& ctx) {
  const std::string& fn = call.function.text;
  const ParamTable& table = out_.tables[table_index];
  if (!has_arity(call, table.key_names.size(), ctx)) return Typed{};
  if (std::find(table.text_keys.begin(), table.text_keys.end(), true) != table.text_keys.end()) {
    diagnostics_.error(ctx.file, call.offset,
                       "'" + fn + "' is keyed by text; it can only be a threshold looked up by the rule's groups");
    return Typed{};
  }
  ExprNode node;
  node.op = NodeOp::Lookup;
  node.type = table.type;
  node.table = table_index;
  node.offset = call.offset;
  bool ok = true;
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    Typed arg = check_expr(call.args[i], ctx);
    if (arg.unresolved) {
      unknown_name(arg, ctx);
      ok = false;
      continue;
    }
    if (!arg.ok) {
      ok = false;
      continue;
    }
    if (arg.type != ValueType::Int) {
      diagnostics_.error(ctx.file, arg.offset,
                         "key '" + table.key_names[i] + "' of " + fn + " is a whole number, but this is " +
                             std::string(type_name(arg.type)));
      ok = false;
      continue;
    }
    node.args.push_back(arg.node);
  }
  if (!ok) return Typed{};
  if (table.type == ValueType::Fraction) {
    diagnostics_.error(ctx.file, call.offset, "'" + fn + "' holds percentages; they can only be thresholds");
    return Typed{};
  }
  for (std::uint32_t k = 0; k < node.args.size(); ++k) {
    const ExprNode& key = ctx.rule->pool.nodes[node.args[k]];
    if (key.op != NodeOp::Year) continue;
    const ExprNode& date = ctx.rule->pool.nodes[key.args.at(0)];
    note_year_lookup(table_index, ctx.file, call.offset, k, ctx.dataset, date.op == NodeOp::Column ? date.column : kNoIndex);
  }
  Typed t;
  t.offset = call.offset;
  t.ok = true;
  t.type = table.type;
  t.node = add_node(ctx, node);
  return t;
}

Typed Checker::check_call(const ast::Call& call, RuleContext& ctx) {
  const std::string& fn = call.function.text;
  if (!call.qualifier.empty()) {
    diagnostics_.error(ctx.file, call.offset,
                       "'" + call.qualifier.front().text + "." + fn +
                           "(...)' is a figure of another dataset; it can only divide a measure: "
                           "measure count(...) / stock.count(daeb)");
    return Typed{};
  }
  if (fn == "year" || fn == "half_year" || fn == "quarter" || fn == "month") return check_date_part_call(call, ctx);
  if (fn == "missing" || fn == "present") return check_presence_call(call, ctx);
  if (auto it = tables_.find(fn); it != tables_.end()) return check_table_call(call, it->second, ctx);
  if (std::find(measure_functions().begin(), measure_functions().end(), fn) != measure_functions().end()) {
    diagnostics_.error(ctx.file, call.offset, fn + "() is a measure; it can only follow 'measure'");
    return Typed{};
  }
  std::vector<std::string> candidates = row_functions();
  for (const auto& [name, unused] : tables_) candidates.push_back(name);
  auto& d = diagnostics_.error(ctx.file, call.function.offset,
                               "unknown function or parameter table '" + fn + "'");
  if (auto hint = did_you_mean(fn, candidates); !hint.empty()) d.notes.push_back(hint);
  return Typed{};
}

Typed Checker::check_unary(const ast::Unary& unary, RuleContext& ctx) {
  Typed operand = check_expr(unary.operand, ctx);
  if (unary.op == "not") {
    operand = require_bool(operand, ctx, "the operand of 'not'");
    if (!operand.ok) return operand;
    ExprNode node;
    node.op = NodeOp::Not;
    node.type = ValueType::Bool;
    node.args = {operand.node};
    node.offset = unary.offset;
    Typed t;
    t.ok = true;
    t.type = ValueType::Bool;
    t.offset = unary.offset;
    t.node = add_node(ctx, node);
    return t;
  }
  // unary minus
  if (operand.unresolved) return unknown_name(operand, ctx);
  if (!operand.ok) return operand;
  if (operand.type != ValueType::Int && operand.type != ValueType::Money) {
    diagnostics_.error(ctx.file, unary.offset, "cannot negate " + std::string(type_name(operand.type)));
    return Typed{};
  }
  ExprNode node;
  node.op = NodeOp::Negate;
  node.type = operand.type;
  node.args = {operand.node};
  node.offset = unary.offset;
  Typed t;
  t.ok = true;
  t.type = operand.type;
  t.offset = unary.offset;
  t.node = add_node(ctx, node);
  return t;
}

Typed Checker::check_chain(const ast::Chain& chain, RuleContext& ctx) {
  Typed left = check_expr(chain.first, ctx);
  for (const auto& operation : chain.rest) {
    const std::string& op = operation.op;
    if (op == "and" || op == "or") {
      left = require_bool(left, ctx, "the operand of '" + op + "'");
      Typed right = require_bool(check_expr(operation.operand, ctx), ctx, "the operand of '" + op + "'");
      if (!left.ok || !right.ok) {
        left = Typed{};
        continue;
      }
      ExprNode node;
      node.op = op == "and" ? NodeOp::And : NodeOp::Or;
      node.type = ValueType::Bool;
      node.args = {left.node, right.node};
      node.offset = left.offset;
      left.node = add_node(ctx, node);
      left.column = kNoIndex;
    } else if (op == "in" || op == "not in") {
      left = check_membership(left, operation, ctx);
    } else if (to_compare_op(op)) {
      left = check_comparison(left, operation, ctx);
    } else {
      left = check_arithmetic(left, operation, ctx);
    }
  }
  return left;
}

Typed Checker::resolve_against(const Typed& value, const Typed& other, RuleContext& ctx) {
  const bool is_text = value.unresolved.has_value() || value.literal_text.has_value();
  if (!is_text || other.column == kNoIndex) return value;
  const std::string& text = value.unresolved ? *value.unresolved : *value.literal_text;
  const ColumnSchema& column = ctx.dataset->column(other.column);
  if (column.type == ValueType::Enum) {
    auto index = column.enum_index(text);
    if (!index) {
      auto& d = diagnostics_.error(ctx.file, value.offset,
                                   "'" + text + "' is not a value of " + column.name + " (expected one of " +
                                       join(column.enum_values) + ")");
      if (auto hint = did_you_mean(text, column.enum_values); !hint.empty()) d.notes.push_back(hint);
      return Typed{};
    }
    ExprNode node;
    node.op = NodeOp::Constant;
    node.type = ValueType::Enum;
    node.value = *index;
    node.offset = value.offset;
    Typed t;
    t.ok = true;
    t.type = ValueType::Enum;
    t.offset = value.offset;
    t.node = add_node(ctx, node);
    return t;
  }
  if (column.type == ValueType::Text && value.literal_text) {
    ExprNode node;
    node.op = NodeOp::TextConstant;
    node.type = ValueType::Text;
    node.column = other.column;
    node.text = text;
    node.offset = value.offset;
    Typed t;
    t.ok = true;
    t.type = ValueType::Text;
    t.offset = value.offset;
    t.node = add_node(ctx, node);
    return t;
  }
  if (column.type == ValueType::Text && value.unresolved) {
    auto& d = diagnostics_.error(ctx.file, value.offset, "unknown name '" + text + "'");
    d.notes.push_back("text values are quoted: " + column.name + " = \"" + text + "\"");
    return Typed{};
  }
  return value;
}

Typed Checker::check_comparison(Typed left, const ast::Operation& operation, RuleContext& ctx) {
  Typed right = check_expr(operation.operand, ctx);
  left = resolve_against(left, right, ctx);
  right = resolve_against(right, left, ctx);
  if (left.unresolved) return unknown_name(left, ctx);
  if (right.unresolved) return unknown_name(right, ctx);
  if (!left.ok || !right.ok) return Typed{};
  const std::uint32_t offset = left.offset;
  if (left.literal_text || right.literal_text) {
    const Typed& text_side = left.literal_text ? left : right;
    const Typed& other = left.literal_text ? right : left;
    diagnostics_.error(ctx.file, text_side.offset,
                       "cannot compare a text with " + std::string(type_name(other.type)) +
                           (other.column == kNoIndex ? "" : " column " + ctx.dataset->column(other.column).name));
    return Typed{};
  }
  const CompareOp op = *to_compare_op(operation.op);
  if (left.type != right.type) {
    auto& d = diagnostics_.error(ctx.file, offset_of(operation.operand),
                                 "type mismatch: cannot compare " + std::string(type_name(left.type)) + " with " +
                                     std::string(type_name(right.type)));
    if (left.type == ValueType::Money && right.type == ValueType::Int) {
      d.notes.push_back("write amounts with the euro sign: \xE2\x82\xAC" + render(operation.operand));
    }
    return Typed{};
  }
  const bool ordered = left.type == ValueType::Int || left.type == ValueType::Money || left.type == ValueType::Date;
  if (!ordered && op != CompareOp::Eq && op != CompareOp::Ne) {
    diagnostics_.error(ctx.file, offset,
                       std::string(type_name(left.type)) + " values can only be compared with = and !=");
    return Typed{};
  }
  if (left.type == ValueType::Enum && left.column != kNoIndex && right.column != kNoIndex &&
      ctx.dataset->column(left.column).enum_values != ctx.dataset->column(right.column).enum_values) {
    diagnostics_.error(ctx.file, offset, "these two columns have different value lists");
    return Typed{};
  }
  if (left.type == ValueType::Text && left.column != kNoIndex && right.column != kNoIndex) {
    diagnostics_.error(ctx.file, offset, "comparing two text columns is not supported");
    return Typed{};
  }
  ExprNode node;
  node.op = NodeOp::Compare;
  node.compare_op = op;
  node.type = ValueType::Bool;
  node.args = {left.node, right.node};
  node.offset = offset;
  Typed t;
  t.ok = true;
  t.type = ValueType::Bool;
  t.offset = offset;
  t.node = add_node(ctx, node);
  return t;
}

Typed Checker::check_membership(Typed left, const ast::Operation& operation, RuleContext& ctx) {
  if (left.unresolved) return unknown_name(left, ctx);
  if (!left.ok) return left;
  const auto* set = boost::get<x3::forward_ast<ast::SetLit>>(&operation.operand);
  if (set == nullptr) return Typed{};
  const bool enum_column = left.type == ValueType::Enum && left.column != kNoIndex;
  const bool text_column = left.type == ValueType::Text && left.column != kNoIndex;
  if (!enum_column && !text_column && left.type != ValueType::Int) {
    diagnostics_.error(ctx.file, left.offset,
                       "'in' needs an enum, text or whole-number value on its left, not " +
                           std::string(type_name(left.type)));
    return Typed{};
  }
  ValueSet values;
  bool ok = true;
  for (const auto& item : set->get().items) {
    const ast::Operand& single = unwrap(item);
    const std::uint32_t offset = offset_of(single);
    std::optional<std::string> text;
    if (const auto* name = boost::get<ast::Name>(&single)) text = name->text;
    if (const auto* str = boost::get<ast::StringLit>(&single)) text = str->value;
    if (enum_column) {
      const ColumnSchema& column = ctx.dataset->column(left.column);
      const auto index = text ? column.enum_index(*text) : std::nullopt;
      if (!index) {
        auto& d = diagnostics_.error(ctx.file, offset,
                                     "'" + render(single) + "' is not a value of " + column.name +
                                         " (expected one of " + join(column.enum_values) + ")");
        if (text) {
          if (auto hint = did_you_mean(*text, column.enum_values); !hint.empty()) d.notes.push_back(hint);
        }
        ok = false;
        continue;
      }
      values.numbers.push_back(*index);
    } else if (text_column) {
      if (!boost::get<ast::StringLit>(&single)) {
        diagnostics_.error(ctx.file, offset, "text values are quoted: \"" + render(single) + "\"");
        ok = false;
        continue;
      }
      values.texts.push_back(*text);
    } else {
      const auto* number = boost::get<ast::NumberLit>(&single);
      std::int64_t parsed = 0;
      if (number == nullptr ||
          std::from_chars(number->text.data(), number->text.data() + number->text.size(), parsed).ec != std::errc()) {
        diagnostics_.error(ctx.file, offset, "expected a whole number");
        ok = false;
        continue;
      }
      values.numbers.push_back(parsed);
    }
  }
  if (!ok) return Typed{};
  ExprNode node;
  node.op = NodeOp::InSet;
  node.type = ValueType::Bool;
  node.args = {left.node};
  node.column = left.column;
  node.set = static_cast<std::uint32_t>(ctx.rule->pool.sets.size());
  node.offset = left.offset;
  ctx.rule->pool.sets.push_back(std::move(values));
  std::uint32_t index = add_node(ctx, node);
  if (operation.op == "not in") {
    // "x not in S" is false when x is missing, like every comparison with a missing value.
    ExprNode missing;
    missing.op = NodeOp::Not;
    missing.type = ValueType::Bool;
    missing.args = {index};
    missing.offset = left.offset;
    const std::uint32_t negated = add_node(ctx, missing);
    index = negated;
    if (left.column != kNoIndex) {
      ExprNode is_missing;
      is_missing.op = NodeOp::IsMissing;
      is_missing.type = ValueType::Bool;
      is_missing.column = left.column;
      const std::uint32_t missing_node = add_node(ctx, is_missing);
      ExprNode present;
      present.op = NodeOp::Not;
      present.type = ValueType::Bool;
      present.args = {missing_node};
      const std::uint32_t present_node = add_node(ctx, present);
      ExprNode both;
      both.op = NodeOp::And;
      both.type = ValueType::Bool;
      both.args = {present_node, negated};
      index = add_node(ctx, both);
    }
  }
  Typed t;
  t.ok = true;
  t.type = ValueType::Bool;
  t.offset = left.offset;
  t.node = index;
  return t;
}

Typed Checker::check_arithmetic(Typed left, const ast::Operation& operation, RuleContext& ctx) {
  Typed right = check_expr(operation.operand, ctx);
  if (left.unresolved) return unknown_name(left, ctx);
  if (right.unresolved) return unknown_name(right, ctx);
  if (!left.ok || !right.ok) return Typed{};
  const std::string& op = operation.op;
  std::optional<ValueType> result;
  const ValueType a = left.type;
  const ValueType b = right.type;
  using V = ValueType;
  if (op == "+" || op == "-") {
    if (a == b && (a == V::Int || a == V::Money)) result = a;
    else if (a == V::Date && b == V::Int) result = V::Date;
    else if (op == "-" && a == V::Date && b == V::Date) result = V::Int;
  } else if (op == "/") {
    diagnostics_.error(ctx.file, offset_of(operation.operand),
                       "'/' divides a measure by a figure of another dataset (measure count(...) / stock.count(daeb)); "
                       "it is no operator inside a condition");
    return Typed{};
  } else if (op == "*") {
    if (a == V::Int && b == V::Int) result = V::Int;
    else if ((a == V::Money && b == V::Int) || (a == V::Int && b == V::Money)) result = V::Money;
  }
  if (!result || left.literal_text || right.literal_text) {
    diagnostics_.error(ctx.file, offset_of(operation.operand),
                       "type mismatch: cannot compute " + std::string(type_name(a)) + " " + op + " " +
                           std::string(type_name(b)));
    return Typed{};
  }
  ExprNode node;
  node.op = op == "+" ? NodeOp::Add : op == "-" ? NodeOp::Subtract : NodeOp::Multiply;
  node.type = *result;
  node.args = {left.node, right.node};
  node.offset = left.offset;
  Typed t;
  t.ok = true;
  t.type = *result;
  t.offset = left.offset;
  t.node = add_node(ctx, node);
  return t;
}

}  // namespace toets::checking
