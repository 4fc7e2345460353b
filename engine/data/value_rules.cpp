// The reasons a cell's value is rejected for (value_rules.hpp).

#include "engine/data/value_rules.hpp"

#include <algorithm>
#include <string>

#include "dsl/source/calendar.hpp"
#include "dsl/source/diagnostics.hpp"

namespace toets::value_rules {

using cell_values::ParseResult;

namespace {

std::string_view decimal_name(char decimal) { return decimal == ',' ? "comma" : "point"; }

std::string_view type_code(ValueType type) {
  switch (type) {
    case ValueType::Money: return "money";
    case ValueType::Date: return "date";
    default: return "int";
  }
}

}  // namespace

RejectionReason whole_number_problem(ParseResult result, char decimal) {
  if (result == ParseResult::OutOfRange) return {ReasonKind::NumberTooLong, {}};
  if (result == ParseResult::BadGrouping) {
    return RejectionReason{ReasonKind::InconsistentGrouping, {}}.with("decimal", std::string(decimal_name(decimal)));
  }
  return {ReasonKind::NotWholeNumber, {}};
}

RejectionReason amount_problem(ParseResult result, std::string_view text, bool export_forms, char decimal) {
  if (!export_forms) decimal = '.';
  if (result == ParseResult::TooManyDecimals) {
    return RejectionReason{ReasonKind::TooManyDecimals, {}}.with("example", decimal == ',' ? "612,35" : "612.35");
  }
  if (result == ParseResult::OutOfRange) return {ReasonKind::AmountTooLarge, {}};
  if (!export_forms) return RejectionReason{ReasonKind::NotAnAmount, {}}.with("forms", "canonical");
  // An amount that reads with the other decimal mark (612.35 in a decimal-comma file) is most
  // likely a file whose mark is not the one assumed: say so, whatever else is wrong with it.
  const char other = decimal == ',' ? '.' : ',';
  std::int64_t value = 0;
  const bool reads_other_way = cell_values::parse_money_export(text, other, value) == ParseResult::Ok;
  if (result == ParseResult::BadGrouping && !reads_other_way) {
    return RejectionReason{ReasonKind::InconsistentGrouping, {}}.with("decimal", std::string(decimal_name(decimal)));
  }
  RejectionReason why{ReasonKind::NotAnAmount, {}};
  why.with("forms", std::string(decimal_name(decimal)));
  if (reads_other_way) why.with("reads_as", std::string(decimal_name(other)));
  return why;
}

RejectionReason date_problem(ParseResult result, bool export_forms) {
  const std::string forms = export_forms ? "export" : "canonical";
  if (result == ParseResult::NoSuchDate) return RejectionReason{ReasonKind::NoSuchDate, {}}.with("forms", forms);
  return RejectionReason{ReasonKind::NotADate, {}}.with("forms", forms);
}

std::string limit_text(const ColumnSchema& column, std::int64_t value) {
  if (column.type == ValueType::Date) return format_date(static_cast<std::int32_t>(value));
  if (column.type == ValueType::Money) {
    const bool negative = value < 0;
    const std::uint64_t cents = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    std::string fraction = std::to_string(cents % 100);
    if (fraction.size() < 2) fraction.insert(0, "0");
    return (negative ? "-" : "") + std::to_string(cents / 100) + "." + fraction;
  }
  return std::to_string(value);
}

RejectionReason range_problem(const ColumnSchema& column, std::int64_t value) {
  const bool negative = column.type == ValueType::Money && value < 0 && column.min_value && *column.min_value >= 0;
  RejectionReason why{negative ? ReasonKind::NegativeAmount : ReasonKind::OutOfRange, {}};
  why.with("column", column.name);
  why.with("type", std::string(type_code(column.type)));
  if (column.min_value) why.with("min", limit_text(column, *column.min_value));
  if (column.max_value) why.with("max", limit_text(column, *column.max_value));
  return why;
}

}  // namespace toets::value_rules

namespace toets {

namespace {

// An export's value as canonical values are written: lower case, '_' for a space or '-'.
std::string canonical_form(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == ' ' || c == '-')
      out += '_';
    else if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string nearest_canonical_value(std::string_view value, const std::vector<std::string>& canonical) {
  const std::string whole = canonical_form(value);
  if (std::string best = closest_name(whole, canonical); !best.empty()) return best;
  // "Sociale huur" is no typo of "sociaal", but its first word is.
  std::size_t at = 0;
  while (at < whole.size()) {
    const std::size_t end = std::min(whole.find('_', at), whole.size());
    if (end > at) {
      if (std::string best = closest_name(std::string_view(whole).substr(at, end - at), canonical); !best.empty()) {
        return best;
      }
    }
    at = end + 1;
  }
  return "";
}

}  // namespace toets
