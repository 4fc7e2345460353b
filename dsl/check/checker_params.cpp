// The checker: parameters, overrides (narrowed to corporations and years) and parameter tables.

#include "dsl/check/checker_internal.hpp"

namespace toets::checking {

std::optional<ParamValue> Checker::constant_value(const ast::Operand& operand, const SourceFile& source) {
  const std::uint32_t offset = offset_of(operand);
  ParamValue value;
  value.file = &source;
  value.offset = offset;
  if (const auto* money = boost::get<ast::MoneyLit>(&operand)) {
    const auto r = parse_decimal(money->text);
    // In cents: at most INT64_MAX. (€100000000000000000 times 100 overflowed, silently.)
    if (r && r->denominator > 100) {
      auto& error = diagnostics_.error(&source, offset, "an amount has at most two decimals (cents): " + money->text);
      const auto point = money->text.find('.');
      if (point != std::string::npos && money->text.size() - point == 4) {  // €1.234: a thousands separator?
        error.notes.push_back("if the point separates thousands, write \xE2\x82\xAC" + money->text.substr(0, point) +
                              money->text.substr(point + 1) + "; rule files use no thousands separator");
      }
      return std::nullopt;
    }
    const std::int64_t scale = r ? 100 / r->denominator : 0;
    if (!r || r->numerator > std::numeric_limits<std::int64_t>::max() / scale) {
      diagnostics_.error(&source, offset, "amount out of range: " + money->text);
      return std::nullopt;
    }
    value.type = ValueType::Money;
    value.value = Ratio{r->numerator * scale, 1};
    return value;
  }
  if (const auto* percent = boost::get<ast::PercentLit>(&operand)) {
    auto r = parse_decimal(percent->text);
    if (!r || r->denominator > std::numeric_limits<std::int64_t>::max() / 100) {
      diagnostics_.error(&source, offset, "percentage out of range: " + percent->text);
      return std::nullopt;
    }
    value.type = ValueType::Fraction;
    value.value = Ratio{r->numerator, r->denominator * 100};
    return value;
  }
  if (const auto* number = boost::get<ast::NumberLit>(&operand)) {
    const auto r = parse_decimal(number->text);
    if (!r) {
      diagnostics_.error(&source, offset, "number out of range: " + number->text);
      return std::nullopt;
    }
    value.type = ValueType::Int;
    value.value = *r;
    return value;
  }
  if (const auto* date = boost::get<ast::DateLit>(&operand)) {
    const auto days = parse_iso_date(date->text);
    if (!days) {
      diagnostics_.error(&source, offset, "'" + date->text + "' is not a date");
      return std::nullopt;
    }
    value.type = ValueType::Date;
    value.value = Ratio{*days, 1};
    return value;
  }
  if (const auto* unary = boost::get<x3::forward_ast<ast::Unary>>(&operand)) {
    if (unary->get().op == "-") {
      auto inner = constant_value(unary->get().operand, source);
      if (inner && inner->type != ValueType::Date) inner->value.numerator = -inner->value.numerator;
      return inner;
    }
  }
  if (const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(&operand)) {
    if (chain->get().rest.empty()) return constant_value(chain->get().first, source);
  }
  if (const auto* name = boost::get<ast::Name>(&operand)) {
    auto it = params_.find(name->text);
    if (it != params_.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& [param_name, unused] : params_) names.push_back(param_name);
    auto& d = diagnostics_.error(&source, offset, "unknown parameter '" + name->text + "'");
    if (auto hint = did_you_mean(name->text, names); !hint.empty()) d.notes.push_back(hint);
    return std::nullopt;
  }
  diagnostics_.error(&source, offset,
                     "expected a constant here: a number, a percentage (7.5%), an amount (\xE2\x82\xAC"
                     "612.35), a date or a parameter name");
  return std::nullopt;
}

void Checker::check_param(const SourceFile& source, const ast::Param& param, const RuleSetInfo& info) {
  const bool is_override = param.modifier.has_value();
  auto existing = params_.find(param.name.text);
  if (!is_override && !param.narrowing.empty()) {
    diagnostics_.error(&source, param.narrowing.front().offset,
                       "only an override can be narrowed: override param " + param.name.text + " = ... for ...");
    return;
  }
  if (is_override) {
    if (existing == params_.end()) {
      diagnostics_.error(&source, param.name.offset,
                         "'override param " + param.name.text + "': no imported parameter of that name");
      return;
    }
    if (existing->second.file == &source) {
      diagnostics_.error(&source, param.name.offset,
                         "'" + param.name.text + "' is declared in this file; override an imported parameter only");
      return;
    }
    auto value = constant_value(param.value, source);
    if (!value) return;
    if (value->type != existing->second.type) {
      diagnostics_.error(&source, offset_of(param.value),
                         "type mismatch: '" + param.name.text + "' is " + std::string(type_name(existing->second.type)) +
                             ", this value is " + std::string(type_name(value->type)));
      return;
    }
    // An override holds within the scope of the file that states it, for the corporations and
    // years it is narrowed to: Westervoort raises the free space for Vivare, not for everyone.
    ParamOverride override;
    override.value = value->value;
    override.municipality = info.municipality;
    override.file = &source;
    override.offset = param.name.offset;
    override.text = render(param.value);
    if (!check_narrowing(source, param, override)) return;
    existing->second.overrides.push_back(std::move(override));
    return;
  }
  if (existing != params_.end()) {
    auto& d = diagnostics_.error(&source, param.name.offset, "parameter '" + param.name.text + "' is declared twice");
    d.notes.push_back("the first declaration is at " + location(existing->second.file, existing->second.offset));
    if (existing->second.file != &source) {
      d.notes.push_back("to change an imported value, write: override param " + param.name.text + " = ...");
    }
    return;
  }
  if (tables_.count(param.name.text) > 0) {
    diagnostics_.error(&source, param.name.offset, "'" + param.name.text + "' is already a parameter table");
    return;
  }
  // In a rule a column goes before a parameter: one named like a column would never be read there.
  std::vector<std::string> datasets;
  for (const DatasetSchema& dataset : dataset_schemas()) {
    if (dataset.column_index(param.name.text)) datasets.push_back(dataset.name);
  }
  if (!datasets.empty()) {
    diagnostics_.error(&source, param.name.offset,
                       "'" + param.name.text + "' is a column of " + join(datasets, " and ") +
                           "; a parameter needs a name of its own (in a rule the column would be read)");
    return;
  }
  auto value = constant_value(param.value, source);
  if (!value) return;
  value->offset = param.name.offset;
  params_.emplace(param.name.text, *value);
}

bool Checker::check_narrowing(const SourceFile& source, const ast::Param& param, ParamOverride& override) {
  std::set<std::string> keys;
  std::vector<std::string> parts;
  for (const ast::Narrowing& narrowing : param.narrowing) {
    const std::string& key = narrowing.key.text;
    if (key != "corporation" && key != "year") {
      diagnostics_.error(&source, narrowing.key.offset, "an override is narrowed by corporation or year, not '" + key + "'")
          .notes.push_back("e.g. override param " + param.name.text + " = ... for corporation in {\"Vivare\"}, year in {2023}");
      return false;
    }
    if (!keys.insert(key).second) {
      diagnostics_.error(&source, narrowing.key.offset, "'" + key + "' is named twice in one override");
      return false;
    }
    if (narrowing.values.items.empty()) {
      diagnostics_.error(&source, narrowing.values.offset, "an empty set: name at least one " + key);
      return false;
    }
    std::vector<std::string> shown;
    for (const ast::Operand& item : narrowing.values.items) {
      const ast::Operand& value = unwrap(item);
      if (key == "corporation") {
        const auto* text = boost::get<ast::StringLit>(&value);
        if (text == nullptr) {
          diagnostics_.error(&source, offset_of(item), "a corporation is written as quoted text: \"Vivare\"");
          return false;
        }
        override.corporations.push_back(text->value);
        shown.push_back(text->value);
        continue;
      }
      const auto* number = boost::get<ast::NumberLit>(&value);
      const auto year = number != nullptr ? parse_decimal(number->text) : std::nullopt;
      if (!year || year->denominator != 1 || year->numerator < 1 || year->numerator > 9999) {
        diagnostics_.error(&source, offset_of(item), "a year is a whole number such as 2023");
        return false;
      }
      override.years.push_back(year->numerator);
      shown.push_back(number->text);
    }
    parts.push_back(key + " " + join(shown));
  }
  if (!parts.empty()) override.text += " for " + join(parts, "; ");
  return true;
}

std::vector<const ParamOverride*> Checker::overrides_for(const ParamValue& param, const CompiledRule& rule) const {
  std::vector<const ParamOverride*> holding;
  for (const ParamOverride& override : param.overrides) {
    if (override.municipality.empty() || same_name(override.municipality, rule.scope_municipality)) {
      holding.push_back(&override);
    }
  }
  return holding;
}

std::optional<Ratio> Checker::param_in_rule(const std::string& name, const ParamValue& param, const CompiledRule& rule,
                                            const SourceFile& source, std::uint32_t offset) {
  Ratio value = param.value;
  for (const ParamOverride* override : overrides_for(param, rule)) {
    if (override->narrowed()) {
      diagnostics_.error(&source, offset,
                         "'" + name + "' is overridden for some corporations or years only (" +
                             location(override->file, override->offset) +
                             "); such a value can only be a threshold (signal/breach when measure ...)");
      return std::nullopt;
    }
    value = override->value;
  }
  return value;
}

bool Checker::narrowed_threshold(const SourceFile& source, const std::string& name, const ParamValue& param,
                                 std::uint32_t offset, const CompiledRule& rule, ThresholdTerm& threshold) {
  const std::vector<const ParamOverride*> holding = overrides_for(param, rule);
  const bool narrowed = std::any_of(holding.begin(), holding.end(), [](const ParamOverride* o) { return o->narrowed(); });
  threshold.value = param.value;
  if (!narrowed) {
    for (const ParamOverride* override : holding) threshold.value = override->value;
    threshold.ref = ThresholdRef::Constant;
    return true;
  }
  threshold.ref = ThresholdRef::Narrowed;
  for (const ParamOverride* override : holding) {
    threshold.narrowed.push_back(NarrowedValue{override->value, override->corporations, override->years, override->text});
    if (!override->corporations.empty() && threshold.corporation_key == kNoIndex) {
      for (std::uint32_t k = 0; k < rule.group_keys.size(); ++k) {
        if (rule.group_keys[k].label == "corporation") threshold.corporation_key = k;
      }
      if (threshold.corporation_key == kNoIndex) {
        diagnostics_.error(&source, offset,
                           "rule " + rule.id + " is not grouped per corporation, but '" + name +
                               "' is overridden for some corporations only (" +
                               location(override->file, override->offset) + ")")
            .notes.push_back("add corporation to its 'per' clause, or state the override for every corporation");
        return false;
      }
    }
    if (!override->years.empty() && threshold.year_key == kNoIndex) {
      for (std::uint32_t k = 0; k < rule.group_keys.size(); ++k) {
        const GroupKey& key = rule.group_keys[k];
        const bool dated = key.kind != GroupKeyKind::Column || rule.dataset->column(key.column).type == ValueType::Date;
        if (dated) threshold.year_key = k;
      }
      if (threshold.year_key == kNoIndex) {
        diagnostics_.error(&source, offset,
                           "rule " + rule.id + " is not grouped per period, but '" + name +
                               "' is overridden for some years only (" + location(override->file, override->offset) +
                               ")")
            .notes.push_back("add year(...) of a date column to its 'per' clause");
        return false;
      }
    }
  }
  return true;
}

std::optional<ValueType> table_value_type(std::string_view name) {
  if (name == "money") return ValueType::Money;
  if (name == "int") return ValueType::Int;
  if (name == "percentage") return ValueType::Fraction;
  if (name == "date") return ValueType::Date;
  return std::nullopt;
}

void Checker::check_table(const SourceFile& source, const ast::Table& table) {
  const std::string& name = table.name.text;
  if (auto it = tables_.find(name); it != tables_.end()) {
    const ParamTable& first = out_.tables[it->second];
    diagnostics_.error(&source, table.name.offset, "parameter table '" + name + "' is declared twice")
        .notes.push_back("the first declaration is at " + location(first.file, first.offset));
    return;
  }
  if (params_.count(name) > 0) {
    diagnostics_.error(&source, table.name.offset, "'" + name + "' is already a parameter");
    return;
  }
  const auto type = table_value_type(table.value_type.text);
  if (!type) {
    auto& d = diagnostics_.error(&source, table.value_type.offset,
                                 "unknown value type '" + table.value_type.text + "'");
    d.notes.push_back("a table holds money, int, percentage or date");
    return;
  }
  ParamTable compiled;
  compiled.name = name;
  compiled.type = *type;
  compiled.file = &source;
  compiled.offset = table.name.offset;
  for (const auto& key : table.keys) compiled.key_names.push_back(key.text);
  // The evaluator looks keys up in a fixed array of kMaxTableKeys (robustness: a 9th key wrote past it).
  if (compiled.key_names.size() > kMaxTableKeys) {
    diagnostics_.error(&source, table.keys[kMaxTableKeys].offset,
                       "a parameter table has at most " + std::to_string(kMaxTableKeys) + " keys");
    return;
  }
  std::vector<KeyRange> prefix;
  const std::size_t errors_before = diagnostics_.error_count();
  flatten_rows(source, table.rows, 0, compiled, prefix);
  if (diagnostics_.error_count() != errors_before) return;
  // The overlap check below is quadratic: 200000 entries would take hours (robustness).
  if (compiled.entries.size() > kMaxTableEntries) {
    diagnostics_.error(&source, compiled.entries[kMaxTableEntries].offset,
                       "parameter table '" + name + "' has more than " + std::to_string(kMaxTableEntries) +
                           " entries");
    return;
  }

  // Overlapping keys would make a look-up ambiguous.
  for (std::size_t i = 0; i < compiled.entries.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      bool overlap = true;
      for (std::size_t k = 0; k < compiled.key_names.size(); ++k) {
        const auto& a = compiled.entries[i].keys[k];
        const auto& b = compiled.entries[j].keys[k];
        if (a.text || b.text) {
          if (a.text != b.text) overlap = false;
        } else if (a.high < b.low || b.high < a.low) {
          overlap = false;
        }
      }
      if (overlap) {
        diagnostics_.error(&source, compiled.entries[i].offset,
                           "this entry overlaps an earlier one of table '" + name + "'")
            .notes.push_back("the earlier entry is at " + location(&source, compiled.entries[j].offset));
        return;
      }
    }
  }
  tables_.emplace(name, static_cast<std::uint32_t>(out_.tables.size()));
  out_.tables.push_back(std::move(compiled));
}

std::optional<KeyRange> parse_key(std::string_view text) {
  KeyRange range;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    range.text = std::string(text.substr(1, text.size() - 2));
    return range;
  }
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, range.low);
  if (ec != std::errc()) return std::nullopt;
  range.high = range.low;
  if (p == end) return range;
  if (*p == '+' && p + 1 == end) {
    range.high = kOpenEnd;
    return range;
  }
  if (*p == '-') {
    auto [q, ec2] = std::from_chars(p + 1, end, range.high);
    if (ec2 != std::errc() || q != end || range.high < range.low) return std::nullopt;
    return range;
  }
  return std::nullopt;
}

void Checker::flatten_rows(const SourceFile& source, const std::vector<ast::TableRow>& rows,
                           std::size_t level, ParamTable& table, std::vector<KeyRange>& prefix) {
  const bool last_level = level + 1 == table.key_names.size();
  for (const auto& row : rows) {
    const auto key = parse_key(row.key);
    if (!key) {
      diagnostics_.error(&source, row.offset, "'" + row.key + "' is not a key: write 2026, 3, 2+ or 1-2");
      continue;
    }
    // A key position holds numbers or texts, not both.
    const bool is_text = key->text.has_value();
    if (table.text_keys.size() <= level) table.text_keys.resize(level + 1, is_text);
    if (table.text_keys[level] != is_text) {
      diagnostics_.error(&source, row.offset,
                         "key '" + table.key_names[level] + "' of table '" + table.name + "' mixes " +
                             (is_text ? "a text with numbers" : "a number with texts"));
      continue;
    }
    prefix.push_back(*key);
    if (last_level) {
      if (!row.value || !row.nested.empty()) {
        diagnostics_.error(&source, row.offset,
                           "expected '" + row.key + ": <value>': this is the table's last key (" +
                               table.key_names[level] + ")");
      } else {
        TableEntry entry{prefix, std::nullopt, row.offset};
        const auto* name = boost::get<ast::Name>(&unwrap(*row.value));
        if (name != nullptr && name->text == "unknown") {
          table.entries.push_back(entry);  // an UNVERIFIED figure: present, but no value
        } else if (auto value = constant_value(*row.value, source)) {
          if (value->type != table.type) {
            diagnostics_.error(&source, offset_of(*row.value),
                               "table '" + table.name + "' holds " + std::string(type_name(table.type)) +
                                   ", this value is " + std::string(type_name(value->type)));
          } else if (value->value.denominator != 1 && table.type != ValueType::Fraction) {
            diagnostics_.error(&source, offset_of(*row.value), "expected a whole number");
          } else {
            entry.value = value->type == ValueType::Fraction ? value->value.numerator : value->value.numerator;
            if (value->type == ValueType::Fraction) {
              // Percentages in tables are kept in parts per million (exact for up to 4 decimals).
              const Int128 ppm = static_cast<Int128>(value->value.numerator) * 1000000 / value->value.denominator;
              entry.value = static_cast<std::int64_t>(ppm);
            }
            table.entries.push_back(entry);
          }
        }
      }
    } else {
      if (row.value || row.nested.empty()) {
        diagnostics_.error(&source, row.offset,
                           "expected '" + row.key + " { ... }' with a row per " + table.key_names[level + 1]);
      } else {
        flatten_rows(source, row.nested, level + 1, table, prefix);
      }
    }
    prefix.pop_back();
  }
}

}  // namespace toets::checking
