#pragma once
// A JSON report's results as sorted "rule|group|status|detail" lines (detail: numerator/denominator,
// or the measure of a target; "|outside" for a group outside its rule's effective period), the
// format of the fixtures' expected.sql output and expected-*.txt files.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace toets::testing_support {

inline std::vector<std::string> result_lines(const std::string& json_text) {
  const auto report = nlohmann::json::parse(json_text);
  std::vector<std::string> lines;
  for (const auto& result : report["results"]) {
    std::string group;
    for (const auto& [key, value] : result["group"].items()) {
      if (!group.empty()) group += ", ";
      group += value.is_string() ? value.get<std::string>() : value.dump();
    }
    std::string detail;
    if (!result["numerator"].is_null() && result["denominator"] != 0) {
      detail = result["numerator"].dump() + "/" + result["denominator"].dump();
    } else if (result.contains("target") && !result["measure"].is_null()) {
      detail = result["measure"].dump();
    }
    // A group outside its rule's effective period is reported but decides nothing: marked.
    const bool outside = result.value("outside_validity", false);
    lines.push_back(result["rule"].get<std::string>() + "|" + group + "|" + result["status"].get<std::string>() + "|" +
                    detail + (outside ? "|outside" : ""));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace toets::testing_support
