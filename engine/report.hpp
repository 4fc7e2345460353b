#pragma once
// Reports of a check: a table for a terminal, JSON for tools. Both deterministic: the same
// report renders to the same bytes.

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

#include "engine/result.hpp"

namespace toets {

// A measure or threshold for people: 16.16%, €612.35, 42, 2026-03-31.
std::string format_value(const Ratio& value, ValueType unit);
// A group for people: "Trivire, 2026" (or "all" when the rule has no grouping).
std::string format_group(const std::vector<GroupField>& group);

void write_text_report(const CheckReport& report, std::ostream& out);

nlohmann::json report_to_json(const CheckReport& report);
void write_json_report(const CheckReport& report, std::ostream& out);

}  // namespace toets
