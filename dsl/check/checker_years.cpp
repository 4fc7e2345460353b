// The checker: parameter tables that lack a year of the period they serve. A table looked up by
// year(...) of a date column, or by the rule's `per year(...)` group, needs an entry for every
// year of the rule set's validity period that the rule can reach: its own period and what its
// `where` clause plainly says (year(date) >= 2023, date <= 2027-12-31) narrow those years. A
// missing year is a warning at `validate`: data of that year cannot be checked.

#include "dsl/check/checker_internal.hpp"

namespace toets::checking {

namespace {

std::optional<std::int64_t> whole_number(const ast::Operand& operand) {
  const auto* number = boost::get<ast::NumberLit>(&unwrap(operand));
  if (number == nullptr || number->text.find('.') != std::string::npos || number->text.size() > 6) return std::nullopt;
  return std::stoll(number->text);
}

// The years a top-level 'and' of the filter allows `column` (a date column) to be in.
void narrow_years(const ast::Operand& filter, const std::string& column, std::int64_t& first, std::int64_t& last) {
  const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(&unwrap(filter));
  if (chain == nullptr) return;
  const ast::Chain& c = chain->get();
  const bool conjunction = !c.rest.empty() && std::all_of(c.rest.begin(), c.rest.end(), [](const ast::Operation& op) {
    return op.op == "and";
  });
  if (conjunction) {
    narrow_years(c.first, column, first, last);
    for (const auto& op : c.rest) narrow_years(op.operand, column, first, last);
    return;
  }
  if (c.rest.size() != 1) return;
  auto op = to_compare_op(c.rest.front().op);
  if (!op) return;
  const ast::Operand& left = unwrap(c.first);
  const ast::Operand& right = c.rest.front().operand;
  std::optional<std::int64_t> year;
  if (const auto* call = boost::get<x3::forward_ast<ast::Call>>(&left)) {
    const ast::Call& f = call->get();
    const auto* arg = f.function.text == "year" && f.qualifier.empty() && f.args.size() == 1
                          ? boost::get<ast::Name>(&unwrap(f.args[0]))
                          : nullptr;
    if (arg != nullptr && arg->text == column) year = whole_number(right);
  } else if (const auto* name = boost::get<ast::Name>(&left); name != nullptr && name->text == column) {
    // date < 2027-01-01 is date <= 2026-12-31: the year of the last (or first) day allowed.
    const auto* date = boost::get<ast::DateLit>(&unwrap(right));
    const auto days = date != nullptr ? parse_iso_date(date->text) : std::nullopt;
    if (!days) return;
    const std::int32_t day = *op == CompareOp::Lt ? *days - 1 : *op == CompareOp::Gt ? *days + 1 : *days;
    year = civil_from_days(day).year;
    if (*op == CompareOp::Lt) op = CompareOp::Le;
    if (*op == CompareOp::Gt) op = CompareOp::Ge;
  }
  if (!year) return;
  switch (*op) {
    case CompareOp::Eq: first = std::max(first, *year); last = std::min(last, *year); break;
    case CompareOp::Ge: first = std::max(first, *year); break;
    case CompareOp::Gt: first = std::max(first, *year + 1); break;
    case CompareOp::Le: last = std::min(last, *year); break;
    case CompareOp::Lt: last = std::min(last, *year - 1); break;
    case CompareOp::Ne: break;
  }
}

std::string key_text(const KeyRange& key) {
  if (key.text) return "\"" + *key.text + "\"";
  if (key.high == kOpenEnd) return std::to_string(key.low) + "+";
  if (key.low == key.high) return std::to_string(key.low);
  return std::to_string(key.low) + "-" + std::to_string(key.high);
}

}  // namespace

void Checker::note_year_lookup(std::uint32_t table, const SourceFile* file, std::uint32_t offset, std::uint32_t key,
                               const DatasetSchema* dataset, std::uint32_t column) {
  year_lookups_.push_back(YearLookup{table, file, offset, key, dataset, column});
}

void Checker::bound_year_lookups(std::size_t from, const ast::OverClause* over, const CompiledRule& rule) {
  for (std::size_t i = from; i < year_lookups_.size(); ++i) {
    YearLookup& lookup = year_lookups_[i];
    if (rule.valid_from) lookup.first_year = std::max<std::int64_t>(lookup.first_year, civil_from_days(*rule.valid_from).year);
    if (rule.valid_to) lookup.last_year = std::min<std::int64_t>(lookup.last_year, civil_from_days(*rule.valid_to).year);
    if (over != nullptr && over->filter && lookup.dataset == rule.dataset && lookup.column != kNoIndex) {
      narrow_years(*over->filter, rule.dataset->column(lookup.column).name, lookup.first_year, lookup.last_year);
    }
  }
}

void Checker::check_table_years() {
  const RuleSetInfo& info = out_.info;
  if (!info.valid_from || !info.valid_to) return;
  const std::int64_t period_first = civil_from_days(*info.valid_from).year;
  const std::int64_t period_last = civil_from_days(*info.valid_to).year;
  std::set<std::uint32_t> reported;
  for (const auto& lookup : year_lookups_) {
    if (reported.count(lookup.table) > 0) continue;
    const ParamTable& table = out_.tables[lookup.table];
    // Per value of the keys before the year ("Woonbron" in planning(corporation, year)): its years.
    std::vector<std::pair<std::string, std::vector<const TableEntry*>>> groups;
    for (const TableEntry& entry : table.entries) {
      if (entry.keys.size() <= lookup.key) continue;
      std::string prefix;
      for (std::uint32_t k = 0; k < lookup.key; ++k) {
        prefix += (k > 0 ? ", " : "") + table.key_names[k] + " " + key_text(entry.keys[k]);
      }
      auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == prefix; });
      if (group == groups.end()) group = groups.insert(groups.end(), {prefix, {}});
      group->second.push_back(&entry);
    }
    std::vector<std::string> parts;
    std::size_t missing_years = 0;
    for (const auto& [prefix, entries] : groups) {
      std::vector<std::string> missing;
      for (std::int64_t year = std::max(period_first, lookup.first_year); year <= std::min(period_last, lookup.last_year);
           ++year) {
        const bool covered = std::any_of(entries.begin(), entries.end(), [&](const TableEntry* e) {
          return e->keys[lookup.key].low <= year && year <= e->keys[lookup.key].high;
        });
        if (!covered) missing.push_back(std::to_string(year));
      }
      if (missing.empty()) continue;
      missing_years += missing.size();
      parts.push_back(join(missing) + (prefix.empty() ? "" : " for " + prefix));
    }
    if (parts.empty()) continue;
    reported.insert(lookup.table);
    diagnostics_.warning(lookup.file, lookup.offset,
                         "parameter table '" + table.name + "' has no entry for " + join(parts, "; ") +
                             ", inside the validity period of " + info.id + "; data of " +
                             (missing_years == 1 ? "that year" : "those years") + " cannot be checked until it is added");
  }
}

}  // namespace toets::checking
