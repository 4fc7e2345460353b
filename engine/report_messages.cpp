// The engine's notes on a result (RuleResult::message, in English) in the report's language
// (report_common.hpp).

#include "engine/report_common.hpp"

namespace toets {
namespace report {

std::string message_text(std::string_view message, Lang lang) {
  std::string text(message);
  if (lang == Lang::En) return text;
  static const std::pair<std::string_view, std::string_view> kNl[] = {
      {"no earlier period to compare with", "geen eerdere periode om mee te vergelijken"},
      {"no records after the filter", "geen records na het filter"},
      {"every record of this group is exempt", "alle records van deze groep zijn uitgezonderd"},
      {"one snapshot only: no trend to project", "maar \xC3\xA9\xC3\xA9n peildatum: geen trend om door te trekken"},
      {"snapshot(s) after the as-of date", "peildatum(s) na de peildatum van de meting"},
      {"ignored", "genegeerd"},
      {"before the baseline", "v\xC3\xB3\xC3\xB3r de nulmeting"},
  };
  for (const auto& [en, nl] : kNl) {
    for (std::size_t at = text.find(en); at != std::string::npos; at = text.find(en, at + nl.size())) {
      text.replace(at, en.size(), nl);
    }
  }
  return text;
}

}  // namespace report
}  // namespace toets
