#include "engine/report/privacy.hpp"

#include <array>
#include <cstring>

#include "engine/report/report.hpp"
#include "engine/base/sha256.hpp"

namespace toets {

namespace {

// Personal columns per dataset. Only allocations describe people; stock, mutations and projects
// describe buildings and organisations.
constexpr std::string_view kPersonal[] = {"household_income", "household_size", "applicant_age"};

const ColumnSchema* canonical_column(std::string_view dataset, std::string_view column) {
  const DatasetSchema* schema = find_dataset(dataset);
  if (schema == nullptr) return nullptr;
  const auto index = schema->column_index(column);
  return index ? &schema->column(*index) : nullptr;
}

// Does the expression rooted at `node` read a personal column?
bool reads_personal(const CompiledRule& rule, std::uint32_t node) {
  if (node == kNoIndex || node >= rule.pool.nodes.size() || rule.dataset == nullptr) return false;
  // Children have lower indices than their parents: walk the subtree iteratively.
  std::vector<std::uint32_t> stack{node};
  while (!stack.empty()) {
    const std::uint32_t index = stack.back();
    stack.pop_back();
    if (index >= rule.pool.nodes.size()) continue;
    const ExprNode& n = rule.pool.nodes[index];
    if (n.op == NodeOp::Column && n.column < rule.dataset->columns.size() &&
        is_personal_column(rule.dataset->name, rule.dataset->columns[n.column].name)) {
      return true;
    }
    for (const std::uint32_t child : n.args) stack.push_back(child);
  }
  return false;
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

// A value the reason quotes ('A001' or "A001") is replaced with `with`, quoted the same way.
void replace_quoted(std::string& text, std::string_view value, std::string_view with) {
  for (const char quote : {'\'', '"'}) {
    replace_all(text, std::string(1, quote) + std::string(value) + quote, std::string(1, quote) + std::string(with) + quote);
  }
}

// The same in a reason's details: the value itself (`value`), or quoted in a list (`shown`).
void replace_in_details(RejectionReason& why, std::string_view value, std::string_view with) {
  for (auto& [name, text] : why.details) {
    if (name == "value" && text == value) text = std::string(with);
    if (name == "shown") replace_quoted(text, value, with);
  }
}

}  // namespace

bool is_personal_column(std::string_view dataset, std::string_view column) {
  if (dataset != "allocations") return false;
  for (const std::string_view name : kPersonal) {
    if (name == column) return true;
  }
  return false;
}

bool is_id_column(std::string_view column) {
  for (const DatasetSchema& schema : dataset_schemas()) {
    const auto index = schema.column_index(column);
    if (index && schema.column(*index).text_storage == TextStorage::Raw) return true;
  }
  return false;
}

std::string pseudonym(std::string_view id, std::string_view key) {
  return "p-" + hmac_sha256_hex(key, id).substr(0, 12);
}

Rejection loggable_rejection(std::string_view dataset, const Rejection& rejection) {
  LoadReport load;
  load.dataset = std::string(dataset);
  return Privacy(ReportOptions{}).rejection(load, rejection);
}

Privacy::Privacy(const ReportOptions& options)
    : key_(options.pseudonym_key), min_group_size_(options.min_group_size) {}

bool Privacy::indicative(const RuleResult& result) const {
  return result.records > 0 && result.records < min_group_size_;
}

namespace {

// The rule groups by a personal column (per household_size, per applicant_age).
bool groups_by_personal(const RuleResult& result) {
  if (result.rule == nullptr || result.rule->dataset == nullptr) return false;
  for (const auto& key : result.rule->group_keys) {
    if (key.column < result.rule->dataset->columns.size() &&
        is_personal_column(result.rule->dataset->name, result.rule->dataset->columns[key.column].name)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool Privacy::evidence_withheld(const RuleResult& result) const {
  return (indicative(result) || groups_by_personal(result)) && !result.evidence.empty();
}

std::string Privacy::withheld_reason(const RuleResult& result, bool dutch) const {
  if (indicative(result)) {
    return dutch ? "indicatief: minder dan " + std::to_string(min_group_size_) + " records in de groep"
                 : "indicative: fewer than " + std::to_string(min_group_size_) + " records in the group";
  }
  return dutch ? "de groep is een persoonsgegeven (huishouden, inkomen of leeftijd)"
               : "the group is a personal value (household, income or age)";
}

std::vector<std::string> Privacy::evidence(const RuleResult& result, std::size_t limit) const {
  std::vector<std::string> shown;
  for_each_evidence(result, [&](std::string_view id) { shown.emplace_back(id); }, limit);
  return shown;
}

bool Privacy::measure_withheld(const RuleResult& result) const {
  if (!indicative(result) || result.rule == nullptr || !result.measure) return false;
  const CompiledRule& rule = *result.rule;
  switch (rule.measure.kind) {
    case MeasureKind::Sum:
    case MeasureKind::Average:
    case MeasureKind::Min:
    case MeasureKind::Max:
    case MeasureKind::Ratio:
      return reads_personal(rule, rule.measure.expr) || reads_personal(rule, rule.measure.expr2);
    default:
      return false;  // counts and shares say how many, not what anyone earns
  }
}

std::string Privacy::id(std::string_view raw) const {
  if (key_.empty()) return std::string(raw);
  return pseudonym(raw, key_);
}

std::vector<GroupField> Privacy::group(const std::vector<GroupField>& fields) const {
  if (key_.empty()) return fields;
  std::vector<GroupField> out = fields;
  for (auto& field : out) {
    if (field.text && is_id_column(field.name)) field.text = id(*field.text);
  }
  return out;
}

ResultNote Privacy::note(const ResultNote& note) const {
  if (key_.empty()) return note;
  ResultNote out = note;
  for (NotePart& part : out.parts) {
    switch (part.code) {
      case NoteCode::TableUnknown:
      case NoteCode::TableLacksFor:
      case NoteCode::ArithmeticOverflow:
      case NoteCode::DateOutsideCalendar:
      case NoteCode::TooManyGroups: part.args.record_id = id(part.args.record_id); break;
      default: break;
    }
  }
  return out;
}

Rejection Privacy::rejection(const LoadReport& load, const Rejection& rejection) const {
  Rejection out;
  out.line = rejection.line;
  out.cell = rejection.cell;
  out.column = rejection.column;
  out.reason = rejection.reason;
  out.why = rejection.why;
  // Shown only for a canonical column that is not personal; a whole record, a column the file
  // names its own way, or several key columns at once are withheld.
  const ColumnSchema* column = canonical_column(load.dataset, rejection.column);
  const bool showable = column != nullptr && !is_personal_column(load.dataset, rejection.column);
  if (rejection.value.empty()) return out;
  if (!showable) {
    out.value = std::string(kWithheld);
    replace_quoted(out.reason, rejection.value, kWithheld);
    replace_in_details(out.why, rejection.value, kWithheld);
    return out;
  }
  if (column->text_storage == TextStorage::Raw && !key_.empty()) {
    out.value = id(rejection.value);
    replace_quoted(out.reason, rejection.value, out.value);
    replace_in_details(out.why, rejection.value, out.value);
    return out;
  }
  out.value = rejection.value;
  return out;
}

}  // namespace toets
