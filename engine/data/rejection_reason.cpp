// Rejection reasons as data (rejection_reason.hpp); their sentences are in reason_text.cpp.

#include "engine/data/rejection_reason.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace toets {

namespace {

struct KindCode {
  ReasonKind kind;
  std::string_view code;
};

constexpr std::array kCodes = {
    KindCode{ReasonKind::Other, "other"},
    KindCode{ReasonKind::MissingValue, "missing_value"},
    KindCode{ReasonKind::NotWholeNumber, "not_whole_number"},
    KindCode{ReasonKind::NumberTooLong, "number_too_long"},
    KindCode{ReasonKind::TooManyDecimals, "too_many_decimals"},
    KindCode{ReasonKind::AmountTooLarge, "amount_too_large"},
    KindCode{ReasonKind::NotAnAmount, "not_an_amount"},
    KindCode{ReasonKind::InconsistentGrouping, "inconsistent_grouping"},
    KindCode{ReasonKind::OutOfRange, "out_of_range"},
    KindCode{ReasonKind::NegativeAmount, "negative_amount"},
    KindCode{ReasonKind::NotADate, "not_a_date"},
    KindCode{ReasonKind::NoSuchDate, "no_such_date"},
    KindCode{ReasonKind::DateAsNumber, "date_as_number"},
    KindCode{ReasonKind::NotABoolean, "not_a_boolean"},
    KindCode{ReasonKind::UnknownValue, "unknown_value"},
    KindCode{ReasonKind::NulByte, "nul_byte"},
    KindCode{ReasonKind::InvalidUtf8, "invalid_utf8"},
    KindCode{ReasonKind::UndefinedByte, "undefined_byte"},
    KindCode{ReasonKind::IdWithFraction, "id_with_fraction"},
    KindCode{ReasonKind::IdScientific, "id_scientific"},
    KindCode{ReasonKind::DuplicateKey, "duplicate_key"},
    KindCode{ReasonKind::SecondRecordSameKey, "second_record_same_key"},
    KindCode{ReasonKind::UnterminatedQuote, "unterminated_quote"},
    KindCode{ReasonKind::TextAfterQuote, "text_after_quote"},
    KindCode{ReasonKind::RecordTooLong, "record_too_long"},
    KindCode{ReasonKind::FieldTooLong, "field_too_long"},
    KindCode{ReasonKind::WrongFieldCount, "wrong_field_count"},
    KindCode{ReasonKind::NotJson, "not_json"},
    KindCode{ReasonKind::NotJsonLines, "not_json_lines"},
    KindCode{ReasonKind::NotAnObject, "not_an_object"},
    KindCode{ReasonKind::NotASingleValue, "not_a_single_value"},
    KindCode{ReasonKind::KeyTwice, "key_twice"},
    KindCode{ReasonKind::KeysSameColumn, "keys_same_column"},
};

}  // namespace

std::string_view reason_code(ReasonKind kind) {
  for (const KindCode& entry : kCodes) {
    if (entry.kind == kind) return entry.code;
  }
  return "other";
}

std::optional<ReasonKind> parse_reason_code(std::string_view code) {
  for (const KindCode& entry : kCodes) {
    if (entry.code == code) return entry.kind;
  }
  return std::nullopt;
}

RejectionReason& RejectionReason::with(std::string name, std::string value) & {
  for (auto& [existing, old] : details) {
    if (existing == name) {
      old = std::move(value);
      return *this;
    }
  }
  details.emplace_back(std::move(name), std::move(value));
  return *this;
}

RejectionReason&& RejectionReason::with(std::string name, std::string value) && {
  static_cast<RejectionReason&>(*this).with(std::move(name), std::move(value));
  return std::move(*this);
}

std::string_view RejectionReason::detail(std::string_view name) const {
  for (const auto& [existing, value] : details) {
    if (existing == name) return value;
  }
  return {};
}

bool RejectionReason::has(std::string_view name) const {
  for (const auto& detail : details) {
    if (detail.first == name) return true;
  }
  return false;
}

std::string reason_details_json(const RejectionReason& why) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : why.details) object[name] = value;
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::pair<std::string, std::string>> parse_reason_details(std::string_view json_text) {
  std::vector<std::pair<std::string, std::string>> details;
  const nlohmann::json object = nlohmann::json::parse(json_text, nullptr, false);
  if (!object.is_object()) return details;
  for (const auto& [name, value] : object.items()) {
    if (value.is_string()) details.emplace_back(name, value.get<std::string>());
  }
  return details;
}

}  // namespace toets
