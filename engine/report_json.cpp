#include "dsl/calendar.hpp"
#include "engine/report.hpp"

namespace toets {

namespace {

using nlohmann::json;

// Shares as fractions (0.075), money in euros, counts as integers, dates as text.
json value_json(const Ratio& value, ValueType unit) {
  if (unit == ValueType::Money) {
    if (value.denominator == 1) {
      // Integral cents: exact decimal euros without binary noise.
      return json::parse(format_value(value, unit).substr(3));
    }
    return to_double(value) / 100.0;
  }
  if (unit == ValueType::Date && value.denominator == 1) return format_date(static_cast<std::int32_t>(value.numerator));
  if (unit != ValueType::Fraction && value.denominator == 1) return value.numerator;
  return to_double(value);
}

json optional_int(const std::optional<std::int64_t>& value) { return value ? json(*value) : json(nullptr); }

json group_json(const std::vector<GroupField>& group) {
  json out = json::object();
  for (const auto& field : group) {
    if (field.number) out[field.name] = *field.number;
    else if (field.text) out[field.name] = *field.text;
    else out[field.name] = nullptr;
  }
  return out;
}

json result_json(const RuleResult& result) {
  const CompiledRule& rule = *result.rule;
  const ValueType unit = rule.measure.unit;
  json out;
  out["rule"] = rule.id;
  out["title"] = rule.title;
  out["source"] = rule.source;
  out["owner"] = rule.owner;
  out["ruleset"] = rule.ruleset_id;
  out["dataset"] = rule.dataset->name;
  out["group"] = group_json(result.group);
  out["status"] = std::string(status_name(result.status));
  out["measure"] = result.measure ? value_json(*result.measure, unit) : json(nullptr);
  out["measure_text"] = result.measure ? format_value(*result.measure, unit) : "";
  out["measure_kind"] = std::string(measure_name(rule.measure.kind));
  out["numerator"] = optional_int(result.numerator);
  out["denominator"] = optional_int(result.denominator);
  out["records"] = result.records;
  if (rule.exempt != kNoIndex) {
    out["exempt"] = result.exempt;
    out["exempt_matching"] = result.exempt_matching;
  }
  if (result.threshold) {
    out["threshold"] = {{"status", std::string(status_name(result.threshold->status))},
                        {"op", std::string(compare_op_text(result.threshold->op))},
                        {"value", value_json(result.threshold->value, unit)},
                        {"text", result.threshold->text}};
  } else {
    out["threshold"] = nullptr;
  }
  if (rule.target) {
    out["target"] = {{"op", std::string(compare_op_text(rule.target->op))},
                     {"value", value_json(rule.target->value, unit)},
                     {"deadline", format_date(rule.target->deadline)},
                     {"text", rule.target->text}};
    json series = json::array();
    for (const auto& point : result.series) {
      series.push_back({{"snapshot", format_date(point.date)},
                        {"measure", value_json(point.measure, unit)},
                        {"records", point.records}});
    }
    out["series"] = series;
    if (result.projection) {
      out["projection"] = {{"value_at_deadline", result.projection->value_at_deadline},
                           {"rate_per_year", result.projection->rate_per_year},
                           {"needed_per_year", result.projection->needed_per_year},
                           {"points", result.projection->points}};
    }
  }
  out["evidence"] = result.evidence;
  out["remedy"] = optional_int(result.remedy);
  out["remedy_to_ok"] = optional_int(result.remedy_to_ok);
  if (!result.remedy_text.empty()) out["remedy_text"] = result.remedy_text;
  if (result.outside_validity) out["outside_validity"] = true;
  if (!result.message.empty()) out["message"] = result.message;
  return out;
}

}  // namespace

nlohmann::json report_to_json(const CheckReport& report) {
  json out;
  const RuleSetInfo& rs = report.ruleset;
  out["ruleset"] = {{"id", rs.id},
                    {"title", rs.title},
                    {"file", rs.file},
                    {"municipality", rs.municipality},
                    {"source", rs.source},
                    {"valid_from", rs.valid_from ? json(format_date(*rs.valid_from)) : json(nullptr)},
                    {"valid_to", rs.valid_to ? json(format_date(*rs.valid_to)) : json(nullptr)}};
  out["as_of"] = format_date(report.as_of);
  json inputs = json::array();
  for (const auto& input : report.inputs) {
    const LoadReport& r = input.report;
    json rejections = json::array();
    for (const auto& rej : r.rejections) {
      rejections.push_back({{"line", rej.line}, {"column", rej.column}, {"value", rej.value}, {"reason", rej.reason}});
    }
    inputs.push_back({{"dataset", r.dataset},
                      {"file", r.file},
                      {"rows_read", r.rows_read},
                      {"rows_accepted", r.rows_accepted},
                      {"rows_rejected", r.rows_rejected},
                      {"used", input.used},
                      {"rejections", rejections},
                      {"notes", r.notes}});
  }
  out["inputs"] = inputs;
  json results = json::array();
  for (const auto& result : report.results) results.push_back(result_json(result));
  out["results"] = results;
  json summary = json::object();
  for (const auto& [status, count] : report.summary()) summary[std::string(status_name(status))] = count;
  out["summary"] = summary;
  out["notes"] = report.notes;
  return out;
}

void write_json_report(const CheckReport& report, std::ostream& out) {
  out << report_to_json(report).dump(2) << "\n";
}

}  // namespace toets
