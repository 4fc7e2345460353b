// Results as data (result.hpp): a check report's counts, and values and groups in the canonical
// English forms the evaluator's messages, the store and the text report use.

#include "engine/data/result.hpp"

#include <algorithm>

#include "dsl/source/calendar.hpp"

namespace toets {

std::map<Status, std::size_t> CheckReport::summary() const {
  std::map<Status, std::size_t> counts;
  for (const auto& result : results) ++counts[result.status];
  return counts;
}

bool CheckReport::any(Status status) const {
  return std::any_of(results.begin(), results.end(), [&](const RuleResult& r) { return r.status == status; });
}

bool CheckReport::any_counting(Status status) const {
  return std::any_of(results.begin(), results.end(),
                     [&](const RuleResult& r) { return r.status == status && !r.outside_validity; });
}

namespace {

// Exact decimal rendering of n/d with `decimals` places, rounded half away from zero.
std::string decimal(const Ratio& value, int decimals, std::int64_t scale) {
  Int128 factor = 1;
  for (int i = 0; i < decimals; ++i) factor *= 10;
  Int128 num = static_cast<Int128>(value.numerator) * scale * factor;
  const Int128 den = value.denominator;
  const bool negative = num < 0;
  if (negative) num = -num;
  Int128 q = (2 * num + den) / (2 * den);
  const Int128 whole = q / factor;
  Int128 frac = q % factor;
  std::string text = std::to_string(static_cast<long long>(whole));
  if (decimals > 0) {
    std::string digits = std::to_string(static_cast<long long>(frac));
    digits.insert(0, static_cast<std::size_t>(decimals) - digits.size(), '0');
    text += "." + digits;
  }
  return (negative && q != 0 ? "-" : "") + text;
}

}  // namespace

std::string format_value(const Ratio& value, ValueType unit) {
  switch (unit) {
    case ValueType::Fraction: return decimal(value, 2, 100) + "%";
    case ValueType::Money: {
      const Ratio euros{value.numerator, value.denominator * 100};
      return "\xE2\x82\xAC" + decimal(euros, 2, 1);
    }
    case ValueType::Date:
      return value.denominator == 1 ? format_date(static_cast<std::int32_t>(value.numerator)) : decimal(value, 1, 1);
    default:
      return value.denominator == 1 ? std::to_string(value.numerator) : decimal(value, 2, 1);
  }
}

std::string format_group(const std::vector<GroupField>& group) {
  if (group.empty()) return "all";
  std::string text;
  for (const auto& field : group) {
    if (!text.empty()) text += ", ";
    if (field.number) text += std::to_string(*field.number);
    else if (field.text) text += *field.text;
    else text += "(no " + field.name + ")";
  }
  return text;
}

}  // namespace toets
