// The checker: a rule's measures (net figures and quotients too), thresholds and expected groups
// (the rule as a whole, clause by clause: checker_rule_clauses.cpp).

#include "dsl/check/checker_internal.hpp"

namespace toets::checking {

// A threshold's value: a constant (literal or parameter), `baseline`, `previous`, or a parameter
// table looked up with the rule's group keys (`sales_cap(corporation)`). Fills `threshold`.
// The terms of a threshold written as a sum: `baseline + 101 - sold(corporation)` gives
// (+baseline), (+101), (-sold(corporation)). Only + and - split; anything else is one term.
void flatten_sum(const ast::Operand& operand, int sign, std::vector<std::pair<int, const ast::Operand*>>& terms) {
  const ast::Operand& inner = unwrap(operand);
  if (const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(&inner)) {
    const bool additive = std::all_of(chain->get().rest.begin(), chain->get().rest.end(),
                                      [](const ast::Operation& op) { return op.op == "+" || op.op == "-"; });
    if (additive) {
      flatten_sum(chain->get().first, sign, terms);
      for (const ast::Operation& op : chain->get().rest) flatten_sum(op.operand, op.op == "-" ? -sign : sign, terms);
      return;
    }
  }
  terms.emplace_back(sign, &inner);
}

bool Checker::threshold_value(const SourceFile& source, const ast::Operand& operand, const CompiledRule& rule,
                              Threshold& threshold) {
  std::vector<std::pair<int, const ast::Operand*>> written;
  flatten_sum(operand, 1, written);
  std::vector<ThresholdTerm> references;
  Ratio constants{0, 1};
  bool ok = true;
  for (const auto& [sign, term_operand] : written) {
    ThresholdTerm term;
    if (!term_value(source, *term_operand, rule, term)) {
      ok = false;
      continue;
    }
    term.sign = sign;
    if (term.ref == ThresholdRef::Constant) {
      const auto sum = add(constants, term.value, sign);
      if (!sum) {
        diagnostics_.error(&source, offset_of(*term_operand), "the threshold is out of range");
        return false;
      }
      constants = *sum;
      continue;
    }
    references.push_back(std::move(term));
  }
  if (!ok) return false;
  if (references.empty()) {
    static_cast<ThresholdTerm&>(threshold) = ThresholdTerm{};
    threshold.value = constants;
    return true;
  }
  if (references.front().sign < 0) {
    diagnostics_.error(&source, offset_of(operand),
                       "write the threshold's reference first and add or subtract from it: baseline - 10, not 10 - baseline");
    return false;
  }
  static_cast<ThresholdTerm&>(threshold) = references.front();
  threshold.offset = constants;
  threshold.more.assign(references.begin() + 1, references.end());
  return true;
}

bool Checker::term_value(const SourceFile& source, const ast::Operand& operand, const CompiledRule& rule,
                         ThresholdTerm& threshold) {
  const ast::Operand& value_operand = unwrap(operand);
  const Measure& measure = rule.measure;
  if (const auto* name = boost::get<ast::Name>(&value_operand);
      name != nullptr && (name->text == "baseline" || name->text == "previous" || name->text == "next") &&
      params_.count(name->text) == 0) {
    threshold.ref = name->text == "baseline" ? ThresholdRef::Baseline
                    : name->text == "previous" ? ThresholdRef::Previous
                                               : ThresholdRef::Next;
    const bool periodic = !rule.group_keys.empty() &&
                          (rule.group_keys.back().kind != GroupKeyKind::Column ||
                           rule.dataset->column(rule.group_keys.back().column).type == ValueType::Date);
    if (!periodic) {
      diagnostics_.error(&source, name->offset,
                         "'" + name->text + "' compares periods: the last 'per' key must be a date column "
                         "(snapshot_date) or year(...), half_year(...), quarter(...), month(...)");
      return false;
    }
    if (threshold.ref == ThresholdRef::Baseline && !rule.baseline) {
      diagnostics_.error(&source, name->offset, "'baseline' needs a 'baseline DATE' clause in the rule");
      return false;
    }
    return true;
  }
  if (const auto* call = boost::get<x3::forward_ast<ast::Call>>(&value_operand)) {
    auto it = tables_.find(call->get().function.text);
    if (it != tables_.end()) {
      const ParamTable& table = out_.tables[it->second];
      if (call->get().args.size() != table.key_names.size()) {
        if (dutch_number_in_arguments(source, call->get().args)) return false;
        diagnostics_.error(&source, call->get().offset,
                           table.name + "() takes " + std::to_string(table.key_names.size()) + " keys");
        return false;
      }
      threshold.ref = ThresholdRef::GroupTable;
      threshold.table = it->second;
      for (const auto& arg : call->get().args) {
        const auto* key_name = boost::get<ast::Name>(&unwrap(arg));
        std::uint32_t found = kNoIndex;
        for (std::uint32_t k = 0; key_name != nullptr && k < rule.group_keys.size(); ++k) {
          if (rule.group_keys[k].label == key_name->text) found = k;
        }
        if (found == kNoIndex) {
          diagnostics_.error(&source, offset_of(arg),
                             "a threshold looked up in '" + table.name + "' takes the rule's group keys (per ...) as keys");
          return false;
        }
        threshold.table_keys.push_back(found);
        const GroupKey& key = rule.group_keys[found];
        const auto position = static_cast<std::uint32_t>(threshold.table_keys.size() - 1);
        if (key.kind == GroupKeyKind::Year) note_year_lookup(it->second, &source, call->get().offset, position, rule.dataset, key.column);
      }
      const ValueType unit = measure.unit;
      if (table.type != unit) {
        diagnostics_.error(&source, call->get().offset,
                           "type mismatch: the measure is " +
                               std::string(unit == ValueType::Fraction ? "a share" : type_name(unit)) + ", table '" +
                               table.name + "' holds " + std::string(type_name(table.type)));
        return false;
      }
      return true;
    }
  }
  auto value = constant_value(operand, source);
  if (!value) return false;
  ValueType expected = measure.unit;
  if (value->type != expected) {
    auto& d = diagnostics_.error(&source, offset_of(operand),
                                 "type mismatch: the measure is " +
                                     std::string(measure.unit == ValueType::Fraction ? "a share" : type_name(measure.unit)) +
                                     ", this threshold is " + std::string(type_name(value->type)));
    if (expected == ValueType::Fraction) d.notes.push_back("write a share as a percentage: 7.5%");
    if (expected == ValueType::Money) d.notes.push_back("write an amount with the euro sign: \xE2\x82\xAC" "612.35");
    return false;
  }
  threshold.ref = ThresholdRef::Constant;
  threshold.value = value->value;
  if (const auto* name = boost::get<ast::Name>(&value_operand)) {
    if (auto param = params_.find(name->text); param != params_.end()) {
      return narrowed_threshold(source, name->text, param->second, name->offset, rule, threshold);
    }
  }
  return true;
}

void Checker::check_thresholds(const SourceFile& source, const ast::Rule& rule, CompiledRule& compiled,
                               const std::vector<const ast::ThresholdClause*>& clauses) {
  const ast::ThresholdClause* by_status[2] = {nullptr, nullptr};  // signal, breach
  for (const auto* clause : clauses) {
    const bool is_breach = clause->status == "breach";
    if (by_status[is_breach] != nullptr) {
      diagnostics_.error(&source, clause->offset, "a second '" + clause->status + "' threshold in rule " + rule.id)
          .notes.push_back("a rule has at most one signal and one breach threshold");
      continue;
    }
    by_status[is_breach] = clause;
    Threshold threshold;
    threshold.status = is_breach ? Status::Breach : Status::Signal;
    threshold.op = *to_compare_op(clause->op);
    threshold.text = "measure " + clause->op + " " + render(clause->value);
    threshold.written = render(clause->value);
    if (!threshold_value(source, clause->value, compiled, threshold)) continue;
    if (threshold.ref != ThresholdRef::Constant) {
      compiled.thresholds.push_back(threshold);  // resolved per group: nothing to check statically
      continue;
    }
    const Ratio* value = &threshold.value;

    // A threshold that no measured value can meet.
    const bool is_share = compiled.measure.unit == ValueType::Fraction;
    const bool non_negative = is_share || compiled.measure.kind == MeasureKind::Count ||
                              compiled.measure.kind == MeasureKind::CountIf;
    const int vs_zero = compare(*value, Ratio{0, 1});
    const int vs_one = compare(*value, Ratio{1, 1});
    bool never = false;
    if (non_negative && ((threshold.op == CompareOp::Lt && vs_zero <= 0) ||
                         ((threshold.op == CompareOp::Le || threshold.op == CompareOp::Eq) && vs_zero < 0))) {
      never = true;
    }
    if (is_share && ((threshold.op == CompareOp::Gt && vs_one >= 0) ||
                     ((threshold.op == CompareOp::Ge || threshold.op == CompareOp::Eq) && vs_one > 0))) {
      never = true;
    }
    if (never) {
      diagnostics_.error(&source, offset_of(clause->value),
                         "this threshold can never fire: " + std::string(is_share ? "a share lies between 0% and 100%"
                                                                                   : "a count is never negative"));
      continue;
    }
    compiled.thresholds.push_back(threshold);
  }
  std::sort(compiled.thresholds.begin(), compiled.thresholds.end(),
            [](const Threshold& a, const Threshold& b) { return a.status == Status::Breach && b.status != Status::Breach; });

  // A signal that can only fire where the breach fires too is never reported.
  if (compiled.thresholds.size() == 2 && compiled.thresholds[0].ref == ThresholdRef::Constant &&
      compiled.thresholds[1].ref == ThresholdRef::Constant) {
    const Threshold& breach = compiled.thresholds[0];
    const Threshold& signal = compiled.thresholds[1];
    const bool upward = [](CompareOp op) { return op == CompareOp::Gt || op == CompareOp::Ge; }(signal.op) &&
                        (breach.op == CompareOp::Gt || breach.op == CompareOp::Ge);
    const bool downward = (signal.op == CompareOp::Lt || signal.op == CompareOp::Le) &&
                          (breach.op == CompareOp::Lt || breach.op == CompareOp::Le);
    const int c = compare(signal.value, breach.value);
    bool shadowed = false;
    if (upward) shadowed = c > 0 || (c == 0 && !(signal.op == CompareOp::Ge && breach.op == CompareOp::Gt));
    if (downward) shadowed = c < 0 || (c == 0 && !(signal.op == CompareOp::Le && breach.op == CompareOp::Lt));
    if (shadowed) {
      diagnostics_.error(&source, by_status[0]->offset,
                         "this signal can never fire: every value that meets it also meets the breach threshold (" +
                             breach.text + ")");
    }
  }
}

// expect KEY in {...}: KEY is one of the rule's group keys; the values are of its type.
void Checker::check_expect(const SourceFile& source, const ast::ExpectClause& expect,
                           const std::vector<std::string>& key_texts, CompiledRule& compiled) {
  const std::string key_text = render(expect.key);
  const auto found = std::find(key_texts.begin(), key_texts.end(), key_text);
  if (found == key_texts.end()) {
    diagnostics_.error(&source, offset_of(expect.key), "'" + key_text + "' is not a group key of this rule")
        .notes.push_back(key_texts.empty() ? "expect names a key of the rule's 'per' clause; this rule has none"
                                           : "the rule groups per " + join(key_texts));
    return;
  }
  ExpectedKey expected;
  expected.key = static_cast<std::uint32_t>(found - key_texts.begin());
  for (const ExpectedKey& earlier : compiled.expected) {
    if (earlier.key == expected.key) {
      diagnostics_.error(&source, expect.offset, "a second 'expect' for '" + key_text + "'");
      return;
    }
  }
  const GroupKey& key = compiled.group_keys[expected.key];
  const ColumnSchema& column = compiled.dataset->column(key.column);
  const bool whole_numbers = key.kind == GroupKeyKind::Year || (key.kind == GroupKeyKind::Column && column.type == ValueType::Int);
  const bool texts = key.kind == GroupKeyKind::Column && (column.type == ValueType::Text || column.type == ValueType::Enum);
  if (!whole_numbers && !texts) {
    diagnostics_.error(&source, offset_of(expect.key),
                       "expect takes a text, enum or whole-number key, or year(...); '" + key_text + "' is not one");
    return;
  }
  for (const ast::Operand& item : expect.values.items) {
    const ast::Operand& value = unwrap(item);
    if (whole_numbers) {
      const auto* number = boost::get<ast::NumberLit>(&value);
      const auto parsed = number != nullptr ? parse_decimal(number->text) : std::nullopt;
      if (!parsed || parsed->denominator != 1) {
        diagnostics_.error(&source, offset_of(item), "expected a whole number for '" + key_text + "'");
        return;
      }
      expected.numbers.push_back(parsed->numerator);
      continue;
    }
    const auto* text = boost::get<ast::StringLit>(&value);
    const auto* name = boost::get<ast::Name>(&value);
    std::string spelled = text != nullptr ? text->value : name != nullptr ? name->text : "";
    if (column.type == ValueType::Text && text == nullptr) {
      diagnostics_.error(&source, offset_of(item), "a " + key_text + " is written as quoted text: \"Trivire\"");
      return;
    }
    if (column.type == ValueType::Enum &&
        std::find(column.enum_values.begin(), column.enum_values.end(), spelled) == column.enum_values.end()) {
      auto& d = diagnostics_.error(&source, offset_of(item), "'" + spelled + "' is not a value of " + key_text);
      if (auto hint = did_you_mean(spelled, column.enum_values); !hint.empty()) d.notes.push_back(hint);
      return;
    }
    expected.texts.push_back(spelled);
  }
  compiled.expected.push_back(std::move(expected));
}

bool Checker::check_net_measure(const std::vector<std::pair<int, const ast::Operand*>>& terms, RuleContext& ctx) {
  std::uint32_t sum = kNoIndex;
  bool ok = true;
  for (const auto& [sign, operand] : terms) {
    const auto* name = boost::get<ast::Name>(operand);
    const auto* call = boost::get<x3::forward_ast<ast::Call>>(operand);
    std::uint32_t weight = kNoIndex;
    if (name != nullptr && name->text == "count") {
      ExprNode one;
      one.op = NodeOp::Constant;
      one.type = ValueType::Int;
      one.value = 1;
      one.offset = name->offset;
      weight = add_node(ctx, one);
    } else if (call != nullptr && call->get().function.text == "count" && call->get().args.size() == 1) {
      Typed condition = require_bool(check_expr(call->get().args[0], ctx), ctx, "the argument of count()");
      if (!condition.ok) {
        ok = false;
        continue;
      }
      ExprNode indicator;
      indicator.op = NodeOp::Indicator;
      indicator.type = ValueType::Int;
      indicator.args = {condition.node};
      indicator.offset = call->get().offset;
      weight = add_node(ctx, indicator);
    } else {
      diagnostics_.error(ctx.file, offset_of(*operand),
                         "a net figure adds and subtracts counts: count or count(condition), e.g. "
                         "count(kind = nieuwbouw) - count(kind = verkoop)");
      ok = false;
      continue;
    }
    if (sum == kNoIndex) {
      if (sign < 0) {
        ExprNode negate;
        negate.op = NodeOp::Negate;
        negate.type = ValueType::Int;
        negate.args = {weight};
        negate.offset = ctx.rule->pool.nodes[weight].offset;
        weight = add_node(ctx, negate);
      }
      sum = weight;
      continue;
    }
    ExprNode combined;
    combined.op = sign < 0 ? NodeOp::Subtract : NodeOp::Add;
    combined.type = ValueType::Int;
    combined.args = {sum, weight};
    combined.offset = ctx.rule->pool.nodes[weight].offset;
    sum = add_node(ctx, combined);
  }
  if (!ok || sum == kNoIndex) return false;
  ctx.rule->measure.expr = sum;
  return true;
}

// One measure over the rule's dataset (ctx.rule->measure): count, count(...), share(...),
// ratio(...), sum/avg/min/max(...), or a net figure.
void Checker::check_measure(const ast::Operand& expr, RuleContext& ctx, bool& measure_ok, bool& unit_known) {
  ctx.rule->measure.text = render(expr);
  const ast::Operand& m = unwrap(expr);
  const auto* name = boost::get<ast::Name>(&m);
  const auto* call = boost::get<x3::forward_ast<ast::Call>>(&m);
  std::vector<std::pair<int, const ast::Operand*>> terms;
  flatten_sum(expr, 1, terms);
  if (terms.size() > 1) {
    // A net figure: count(kind in {nieuwbouw, aankoop}) - count(kind in {verkoop, sloop}).
    ctx.rule->measure.kind = MeasureKind::Net;
    ctx.rule->measure.unit = ValueType::Int;
    unit_known = true;
    measure_ok = check_net_measure(terms, ctx);
  } else if (name != nullptr && name->text == "count") {
    ctx.rule->measure.kind = MeasureKind::Count;
    ctx.rule->measure.unit = ValueType::Int;
    measure_ok = true;
    unit_known = true;
  } else if (call != nullptr) {
    const std::string& fn = call->get().function.text;
    const auto& args = call->get().args;
    static const std::map<std::string, MeasureKind> kinds = {
        {"count", MeasureKind::CountIf}, {"share", MeasureKind::Share}, {"sum", MeasureKind::Sum},
        {"avg", MeasureKind::Average},   {"min", MeasureKind::Min},     {"max", MeasureKind::Max}};
    auto kind = kinds.find(fn);
    if (fn == "ratio") {
      // ratio(x, y): sum of x over sum of y in the group, e.g. social homes over all homes of
      // the projects; a share of quantities rather than of records.
      ctx.rule->measure.kind = MeasureKind::Ratio;
      ctx.rule->measure.unit = ValueType::Fraction;
      unit_known = true;
      if (args.size() != 2) {
        if (!dutch_number_in_arguments(*ctx.file, args))
          diagnostics_.error(ctx.file, call->get().offset, "ratio() takes two arguments: ratio(part, whole)");
      } else {
        Typed part = check_expr(args[0], ctx);
        Typed whole = check_expr(args[1], ctx);
        if (part.unresolved) part = unknown_name(part, ctx);
        if (whole.unresolved) whole = unknown_name(whole, ctx);
        if (part.ok && whole.ok) {
          if ((part.type != ValueType::Int && part.type != ValueType::Money) || part.type != whole.type) {
            diagnostics_.error(ctx.file, call->get().offset,
                               "ratio() needs two numbers or two amounts, not " + std::string(type_name(part.type)) +
                                   " and " + std::string(type_name(whole.type)));
          } else {
            ctx.rule->measure.expr = part.node;
            ctx.rule->measure.expr2 = whole.node;
            measure_ok = true;
          }
        }
      }
    } else if (kind == kinds.end()) {
      auto& d = diagnostics_.error(ctx.file, call->get().offset, "unknown measure '" + fn + "'");
      if (auto hint = did_you_mean(fn, measure_functions()); !hint.empty()) d.notes.push_back(hint);
    } else if (args.size() != 1) {
      if (!dutch_number_in_arguments(*ctx.file, args)) diagnostics_.error(ctx.file, call->get().offset, fn + "() takes one argument");
    } else {
      ctx.rule->measure.kind = kind->second;
      Typed arg = check_expr(args[0], ctx);
      if (kind->second == MeasureKind::CountIf || kind->second == MeasureKind::Share) {
        arg = require_bool(arg, ctx, "the argument of " + fn + "()");
        ctx.rule->measure.unit = kind->second == MeasureKind::Share ? ValueType::Fraction : ValueType::Int;
        unit_known = true;
      } else {
        if (arg.unresolved) arg = unknown_name(arg, ctx);
        if (arg.ok && arg.type != ValueType::Int && arg.type != ValueType::Money &&
            !(arg.type == ValueType::Date && kind->second != MeasureKind::Sum &&
              kind->second != MeasureKind::Average)) {
          diagnostics_.error(ctx.file, arg.offset,
                             fn + "() needs a number or an amount, not " + std::string(type_name(arg.type)));
          arg.ok = false;
        }
        ctx.rule->measure.unit = arg.type;
        unit_known = arg.ok;
      }
      if (arg.ok) {
        ctx.rule->measure.expr = arg.node;
        measure_ok = true;
      }
    }
  } else {
    diagnostics_.error(ctx.file, offset_of(expr),
                       "a measure is count, count(...), share(...), ratio(..., ...), sum(...), avg(...), min(...) or max(...)");
  }
}

void Checker::check_quotient(const ast::Chain& chain, RuleContext& ctx, bool& measure_ok, bool& unit_known) {
  CompiledRule& rule = *ctx.rule;
  bool left_ok = false, left_unit = false;
  check_measure(chain.first, ctx, left_ok, left_unit);
  auto counts = [](MeasureKind kind) { return kind == MeasureKind::Count || kind == MeasureKind::CountIf; };
  if (left_ok && !counts(rule.measure.kind)) {
    diagnostics_.error(ctx.file, offset_of(chain.first), "a measure divided by another dataset's figure is a count: count or count(...)");
    left_ok = false;
  }
  const ast::Operand& right = unwrap(chain.rest[0].operand);
  const auto* call = boost::get<x3::forward_ast<ast::Call>>(&right);
  if (call == nullptr || call->get().qualifier.size() != 1) {
    diagnostics_.error(ctx.file, offset_of(chain.rest[0].operand),
                       "divide by a count of another dataset, named before a dot: stock.count(daeb)");
    return;
  }
  const ast::Name& other_name = call->get().qualifier.front();
  const DatasetSchema* other = find_dataset(other_name.text);
  if (other == nullptr) {
    std::vector<std::string> names;
    for (const auto& schema : dataset_schemas()) names.push_back(schema.name);
    auto& d = diagnostics_.error(ctx.file, other_name.offset, "unknown dataset '" + other_name.text + "'");
    if (auto hint = did_you_mean(other_name.text, names); !hint.empty()) d.notes.push_back(hint);
    return;
  }
  if (other == rule.dataset) {
    diagnostics_.error(ctx.file, other_name.offset,
                       "the divisor is a figure of another dataset; within " + other->name + " use share(...)");
    return;
  }
  auto divisor = std::make_shared<CompiledRule>();
  divisor->id = rule.id;
  divisor->title = rule.title;
  divisor->ruleset_id = rule.ruleset_id;
  divisor->scope_municipality = rule.scope_municipality;
  divisor->scope_corporations = rule.scope_corporations;
  divisor->valid_from = rule.valid_from;
  divisor->valid_to = rule.valid_to;
  divisor->own_from = rule.own_from;
  divisor->own_to = rule.own_to;
  divisor->never_valid = rule.never_valid;
  divisor->file = rule.file;
  divisor->offset = rule.offset;
  divisor->dataset = other;
  // The same groups: a column of the same name; a period of the other dataset's own date column.
  std::optional<std::uint32_t> date_column = other->snapshot_column;
  for (std::uint32_t c = 0; c < other->columns.size() && !date_column; ++c) {
    if (other->column(c).type == ValueType::Date) date_column = c;
  }
  bool periodic = false;
  for (const GroupKey& key : rule.group_keys) {
    GroupKey mapped = key;
    if (key.kind == GroupKeyKind::Column && rule.dataset->column(key.column).type != ValueType::Date) {
      const std::string& column = rule.dataset->column(key.column).name;
      const auto found = other->column_index(column);
      if (!found) {
        diagnostics_.error(ctx.file, other_name.offset,
                           other->name + " has no column '" + column + "' to group its figure per " + column + " as this rule does");
        return;
      }
      mapped.column = *found;
    } else {
      if (!date_column) {
        diagnostics_.error(ctx.file, other_name.offset, other->name + " has no date to group its figure per period");
        return;
      }
      mapped.column = *date_column;
      if (mapped.kind == GroupKeyKind::Column) mapped.label = other->column(*date_column).name;
      periodic = true;
    }
    divisor->group_keys.push_back(mapped);
  }
  if (other->snapshot_column && !periodic) {
    diagnostics_.error(ctx.file, other_name.offset,
                       "a figure of " + other->name + " is counted per snapshot: group the rule per year(...) too, so each "
                       "period is divided by its own snapshot");
    return;
  }
  RuleContext divisor_ctx{ctx.file, other, divisor.get(), {}, false};
  bool divisor_ok = false, divisor_unit = false;
  ast::Call plain = call->get();
  plain.qualifier.clear();
  if (plain.function.text == "count" && plain.args.empty()) {
    divisor->measure.kind = MeasureKind::Count;
    divisor->measure.unit = ValueType::Int;
    divisor->measure.text = "count";
    divisor_ok = true;
  } else {
    check_measure(ast::Operand(x3::forward_ast<ast::Call>(plain)), divisor_ctx, divisor_ok, divisor_unit);
    if (divisor_ok && !counts(divisor->measure.kind)) {
      diagnostics_.error(ctx.file, offset_of(chain.rest[0].operand), "the divisor is a count: " + other->name + ".count(...)");
      divisor_ok = false;
    }
  }
  if (!left_ok || !divisor_ok) return;
  rule.divisor = std::move(divisor);
  rule.measure.unit = ValueType::Fraction;
  measure_ok = true;
  unit_known = true;
}

}  // namespace toets::checking
