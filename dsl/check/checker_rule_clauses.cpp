// The checker: one rule as a whole. check_rule gathers its clauses, settles its period, dataset and
// groups, then checks its measure, thresholds or target (checker_rule.cpp) in that order.

#include "dsl/check/checker_internal.hpp"

namespace toets::checking {

void Checker::note_rule_id(const SourceFile& source, const ast::Rule& rule) {
  if (auto it = rule_ids_.find(rule.id); it != rule_ids_.end()) {
    diagnostics_.error(&source, rule.offset, "duplicate rule id '" + rule.id + "'")
        .notes.push_back("the first rule '" + rule.id + "' is at " + location(it->second.first, it->second.second));
  } else {
    rule_ids_.emplace(rule.id, std::make_pair(&source, rule.offset));
  }
}

CompiledRule Checker::rule_frame(const SourceFile& source, const ast::Rule& rule, const RuleSetInfo& info) {
  CompiledRule compiled;
  compiled.id = rule.id;
  compiled.title = rule.title.value;
  compiled.ruleset_id = info.id;
  // The scope of the rule set checked applies to every rule it runs, imported ones included,
  // unless the rule's own file states one: a national rule imported by Dordrecht reads Dordrecht.
  const RuleSetInfo& root = out_.info;
  compiled.scope_municipality = !info.municipality.empty() ? info.municipality : root.municipality;
  compiled.scope_corporations = !info.corporations.empty() ? info.corporations : root.corporations;
  compiled.valid_from = info.valid_from;
  compiled.valid_to = info.valid_to;
  compiled.file = &source;
  compiled.offset = rule.offset;
  return compiled;
}

Checker::RuleClauses Checker::gather_clauses(const SourceFile& source, const ast::Rule& rule,
                                             CompiledRule& compiled) {
  RuleClauses clauses;
  std::map<std::string, std::uint32_t> seen;
  auto once = [&](const std::string& keyword, std::uint32_t offset) {
    auto [it, inserted] = seen.emplace(keyword, offset);
    if (!inserted) {
      diagnostics_.error(&source, offset, "a second '" + keyword + "' clause in rule " + rule.id)
          .notes.push_back("the first is at " + location(&source, it->second));
    }
    return inserted;
  };
  for (const auto& clause : rule.clauses) {
    if (const auto* text = boost::get<ast::TextClause>(&clause)) {
      if (!once(text->keyword, text->offset)) continue;
      if (text->keyword == "source") compiled.source = text->value.value;
      else if (text->keyword == "owner") compiled.owner = text->value.value;
      else if (text->keyword == "note") compiled.note = text->value.value;
      else diagnostics_.error(&source, text->offset, "'" + text->keyword + "' belongs in the rule-set header");
    } else if (const auto* o = boost::get<ast::OverClause>(&clause)) {
      if (once("over", o->offset)) clauses.over = o;
    } else if (const auto* e = boost::get<ast::ExprClause>(&clause)) {
      if (!once(e->keyword, e->offset)) continue;
      (e->keyword == "measure" ? clauses.measure : clauses.exempt) = e;
    } else if (const auto* p = boost::get<ast::PerClause>(&clause)) {
      if (once("per", p->offset)) clauses.per = p;
    } else if (const auto* t = boost::get<ast::ThresholdClause>(&clause)) {
      clauses.thresholds.push_back(t);
    } else if (const auto* g = boost::get<ast::TargetClause>(&clause)) {
      if (once("target", g->offset)) clauses.target = g;
    } else if (const auto* b = boost::get<ast::BaselineClause>(&clause)) {
      if (!once("baseline", b->offset)) continue;
      compiled.baseline = parse_iso_date(b->date.text);
      if (!compiled.baseline) diagnostics_.error(&source, b->date.offset, "'" + b->date.text + "' is not a date");
    } else if (const auto* v = boost::get<ast::ValidClause>(&clause)) {
      if (once("valid", v->offset)) clauses.own_period = v;
    } else if (const auto* x = boost::get<ast::ExpectClause>(&clause)) {
      clauses.expects.push_back(x);
    }
  }
  return clauses;
}

// The effective period: the rule's own (the law it encodes) within its file's and within the
// period of the rule set checked (the agreement).
void Checker::settle_period(const SourceFile& source, const ast::ValidClause* own_period, CompiledRule& compiled) {
  const RuleSetInfo& root = out_.info;
  std::optional<std::int32_t> from, to;
  if (own_period != nullptr) check_period(source, *own_period, from, to);
  compiled.own_from = from;
  compiled.own_to = to;
  for (const auto& bound : {from, root.valid_from}) {
    if (bound && (!compiled.valid_from || *bound > *compiled.valid_from)) compiled.valid_from = bound;
  }
  for (const auto& bound : {to, root.valid_to}) {
    if (bound && (!compiled.valid_to || *bound < *compiled.valid_to)) compiled.valid_to = bound;
  }
  compiled.never_valid = compiled.valid_from && compiled.valid_to && *compiled.valid_from > *compiled.valid_to;
}

const DatasetSchema* Checker::rule_dataset(const SourceFile& source, const ast::Rule& rule,
                                           const ast::OverClause* over) {
  if (over == nullptr) {
    diagnostics_.error(&source, rule.offset, "rule " + rule.id + " has no 'over' clause")
        .notes.push_back("say which dataset it reads: over allocations, over stock, over mutations or over projects");
    return nullptr;
  }
  const DatasetSchema* dataset = find_dataset(over->dataset.text);
  if (dataset == nullptr) {
    std::vector<std::string> names;
    for (const auto& schema : dataset_schemas()) names.push_back(schema.name);
    auto& d = diagnostics_.error(&source, over->dataset.offset, "unknown dataset '" + over->dataset.text + "'");
    d.notes.push_back(did_you_mean(over->dataset.text, names).empty()
                          ? "the datasets are " + join(names)
                          : did_you_mean(over->dataset.text, names));
  }
  return dataset;
}

std::optional<GroupKey> Checker::check_group_key(const ast::Operand& key, RuleContext& ctx) {
  const SourceFile& source = *ctx.file;
  const DatasetSchema* dataset = ctx.dataset;
  GroupKey group_key;
  std::string column_name;
  std::uint32_t column_offset = offset_of(key);
  if (const auto* name = boost::get<ast::Name>(&key)) {
    column_name = name->text;
    group_key.kind = GroupKeyKind::Column;
  } else if (const auto* call = boost::get<x3::forward_ast<ast::Call>>(&key)) {
    const std::string& fn = call->get().function.text;
    static const std::map<std::string, GroupKeyKind> kinds = {{"year", GroupKeyKind::Year},
                                                              {"half_year", GroupKeyKind::HalfYear},
                                                              {"quarter", GroupKeyKind::Quarter},
                                                              {"month", GroupKeyKind::Month}};
    auto kind = kinds.find(fn);
    const ast::Name* arg =
        call->get().args.size() == 1 ? boost::get<ast::Name>(&unwrap(call->get().args[0])) : nullptr;
    if (kind == kinds.end() || arg == nullptr) {
      diagnostics_.error(&source, call->get().offset,
                         "a group is a column or year(...), half_year(...), quarter(...), month(...) of a date column");
      return std::nullopt;
    }
    group_key.kind = kind->second;
    column_name = arg->text;
    column_offset = arg->offset;
  } else {
    diagnostics_.error(&source, offset_of(key),
                       "a group is a column or year(...), half_year(...), quarter(...), month(...) of a date column");
    return std::nullopt;
  }
  const auto column = dataset->column_index(column_name);
  if (!column) {
    std::vector<std::string> columns;
    for (const auto& c : dataset->columns) columns.push_back(c.name);
    auto& d = diagnostics_.error(&source, column_offset,
                                 "unknown column '" + column_name + "' in " + dataset->name);
    if (auto hint = did_you_mean(column_name, columns); !hint.empty()) d.notes.push_back(hint);
    return std::nullopt;
  }
  const ColumnSchema& schema = dataset->column(*column);
  if (group_key.kind != GroupKeyKind::Column && schema.type != ValueType::Date) {
    diagnostics_.error(&source, column_offset,
                       "'" + column_name + "' is " + std::string(type_name(schema.type)) + ", not a date");
    return std::nullopt;
  }
  if (group_key.kind == GroupKeyKind::Column && schema.text_storage == TextStorage::Raw && !schema.unique) {
    diagnostics_.error(&source, column_offset,
                       "cannot group by '" + column_name + "': only a record's own id (one row each) can be a group");
    return std::nullopt;
  }
  if (group_key.kind == GroupKeyKind::Column && schema.type == ValueType::Money) {
    diagnostics_.error(&source, column_offset, "cannot group by an amount ('" + column_name + "')");
    return std::nullopt;
  }
  group_key.column = *column;
  switch (group_key.kind) {
    case GroupKeyKind::Column: group_key.label = column_name; break;
    case GroupKeyKind::Year: group_key.label = "year"; break;
    case GroupKeyKind::HalfYear: group_key.label = "half_year"; break;
    case GroupKeyKind::Quarter: group_key.label = "quarter"; break;
    case GroupKeyKind::Month: group_key.label = "month"; break;
  }
  return group_key;
}

std::vector<std::string> Checker::check_group_keys(const ast::PerClause& per, RuleContext& ctx) {
  const SourceFile& source = *ctx.file;
  CompiledRule& compiled = *ctx.rule;
  std::vector<std::string> key_texts;
  std::set<std::string> labels;
  for (const auto& key_operand : per.keys) {
    const ast::Operand& key = unwrap(key_operand);
    const std::optional<GroupKey> group_key = check_group_key(key, ctx);
    if (!group_key) continue;
    if (compiled.group_keys.size() >= kMaxGroupKeys) {
      diagnostics_.error(&source, offset_of(key),
                         "at most " + std::to_string(kMaxGroupKeys) + " grouping keys per rule");
      continue;
    }
    if (!labels.insert(group_key->label).second) {
      diagnostics_.error(&source, offset_of(key), "'" + group_key->label + "' is grouped by twice");
      continue;
    }
    compiled.group_keys.push_back(*group_key);
    key_texts.push_back(render(key));
  }
  return key_texts;
}

void Checker::check_rule_measure(const ast::Rule& rule, const ast::ExprClause* measure, RuleContext& ctx,
                                 bool& measure_ok, bool& unit_known) {
  if (measure == nullptr) {
    diagnostics_.error(ctx.file, rule.offset, "rule " + rule.id + " has no 'measure' clause")
        .notes.push_back("say what is measured: measure count, share(...), sum(...), avg(...), min(...) or max(...)");
    return;
  }
  const ast::Operand& whole = unwrap(measure->expr);
  const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(&whole);
  if (chain != nullptr && chain->get().rest.size() == 1 && chain->get().rest[0].op == "/") {
    check_quotient(chain->get(), ctx, measure_ok, unit_known);
    ctx.rule->measure.text = render(measure->expr);
  } else {
    check_measure(measure->expr, ctx, measure_ok, unit_known);
  }
}

void Checker::check_target(const ast::Rule& rule, const RuleClauses& clauses, bool measure_ok, RuleContext& ctx) {
  const SourceFile& source = *ctx.file;
  CompiledRule& compiled = *ctx.rule;
  const ast::TargetClause* target = clauses.target;
  if (target == nullptr) {
    if (clauses.thresholds.empty()) {
      diagnostics_.error(&source, rule.offset, "rule " + rule.id + " has no threshold and no target")
          .notes.push_back("add e.g. 'breach when measure > 15%' or 'target measure <= 0 by 2028-12-31'");
    }
    return;
  }
  if (!clauses.thresholds.empty()) {
    diagnostics_.error(&source, target->offset, "a rule has either thresholds (signal/breach) or a target, not both");
  } else if (!ctx.dataset->snapshot_column) {
    diagnostics_.error(&source, target->offset,
                       "a target is projected over snapshots; " + ctx.dataset->name + " has none (use over stock)");
  } else if (measure_ok) {
    Threshold goal;
    const bool value_ok = threshold_value(source, target->value, compiled, goal);
    if (value_ok && goal.ref != ThresholdRef::Constant) {
      diagnostics_.error(&source, offset_of(target->value), "a target is a constant: a number, a share or an amount");
    }
    const auto deadline = parse_iso_date(target->deadline.text);
    if (!deadline) diagnostics_.error(&source, target->deadline.offset, "'" + target->deadline.text + "' is not a date");
    if (value_ok && goal.ref == ThresholdRef::Constant && deadline) {
      // "as signal": the clause is an aim (streven), so a target missed after the deadline is
      // a signal to talk about, not a breach.
      const Status missed = target->missed && *target->missed == "signal" ? Status::Signal : Status::Breach;
      compiled.target = Target{*to_compare_op(target->op), goal.value, *deadline, missed,
                               "measure " + target->op + " " + render(target->value) + " by " + target->deadline.text +
                                   (target->missed ? " as " + *target->missed : "")};
    }
  }
}

void Checker::check_rule(const SourceFile& source, const ast::Rule& rule, const RuleSetInfo& info) {
  note_rule_id(source, rule);
  const std::size_t year_lookups_before = year_lookups_.size();
  CompiledRule compiled = rule_frame(source, rule, info);
  const RuleClauses clauses = gather_clauses(source, rule, compiled);
  settle_period(source, clauses.own_period, compiled);

  const DatasetSchema* dataset = rule_dataset(source, rule, clauses.over);
  if (dataset == nullptr) return;
  compiled.dataset = dataset;
  RuleContext ctx{&source, dataset, &compiled, {}, false};

  if (clauses.over->filter) {
    Typed filter = require_bool(check_expr(*clauses.over->filter, ctx), ctx, "the 'where' condition");
    if (filter.ok) compiled.filter = filter.node;
  }
  if (clauses.exempt != nullptr) {
    Typed condition = require_bool(check_expr(clauses.exempt->expr, ctx), ctx, "the 'exempt' condition");
    if (condition.ok) compiled.exempt = condition.node;
    compiled.exempt_text = render(clauses.exempt->expr);
  }
  // Each compiled group key as written, for `expect`.
  const std::vector<std::string> key_texts =
      clauses.per != nullptr ? check_group_keys(*clauses.per, ctx) : std::vector<std::string>{};
  for (const ast::ExpectClause* expect : clauses.expects) check_expect(source, *expect, key_texts, compiled);

  bool measure_ok = false;
  bool unit_known = false;  // thresholds can be checked once the kind of measure is known
  check_rule_measure(rule, clauses.measure, ctx, measure_ok, unit_known);
  if (unit_known) check_thresholds(source, rule, compiled, clauses.thresholds);
  check_target(rule, clauses, measure_ok, ctx);

  if (clauses.own_period != nullptr && !compiled.target && compiled.dataset != nullptr && !compiled.never_valid) {
    // A rule's own period leaves out groups of other periods; without a period among its keys no
    // group is of one, so it leaves nothing out (a law of 2021 would count the lets of 2026): say
    // so where it is written.
    const bool period_key = std::any_of(compiled.group_keys.begin(), compiled.group_keys.end(),
                                        [&](const GroupKey& key) { return is_period_key(key, *compiled.dataset); });
    if (!period_key && &source == files_.back().source) {
      diagnostics_.warning(&source, clauses.own_period->offset,
                           "rule " + rule.id + "'s own period leaves no record out: none of its group keys is a "
                               "period (a year, a date)")
          .notes.push_back("group by period (per corporation, year(contract_date)), or keep the dates in `where`");
    }
  }
  if (compiled.never_valid && clauses.own_period != nullptr) {
    // The law it encodes does not speak of the agreement's period: not run. Said where the rule
    // set's own file declares such a rule; an imported one is counted (toets validate says so).
    if (&source == files_.back().source) {
      diagnostics_.warning(&source, clauses.own_period->offset,
                           "rule " + rule.id + "'s period lies outside the period of " + out_.info.id +
                               ": it is never run");
    }
    out_.rules_outside_period.push_back(rule.id);
    year_lookups_.resize(year_lookups_before);  // its tables need no years of this period
    return;
  }
  bound_year_lookups(year_lookups_before, clauses.over, compiled);
  out_.rules.push_back(std::move(compiled));
}

}  // namespace toets::checking
