// The needs-attention lists as findings (report_common.hpp): a national rule that restates a local
// one for the same group is shown with it, not as a second row.

#include <algorithm>

#include "engine/report_common.hpp"

namespace toets {
namespace report {

namespace {

bool same_group(const std::vector<GroupField>& a, const std::vector<GroupField>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].number != b[i].number || a[i].text != b[i].text) return false;
  }
  return true;
}

// Whether `national` restates `local`: the same share of the same dataset for the same group,
// exactly the same measure and the same light. Conservative: anything else stays two findings.
bool restates(const RuleResult& national, const RuleResult& local) {
  const CompiledRule& n = *national.rule;
  const CompiledRule& l = *local.rule;
  return n.dataset != nullptr && n.dataset == l.dataset && n.measure.kind == MeasureKind::Share &&
         l.measure.kind == MeasureKind::Share && same_group(national.group, local.group) && national.measure &&
         local.measure && national.measure->numerator == local.measure->numerator &&
         national.measure->denominator == local.measure->denominator && national.numerator == local.numerator &&
         national.denominator == local.denominator && light_of(national.status) == light_of(local.status);
}

}  // namespace

std::vector<AttentionRow> attention_rows(const CheckReport& report, const std::vector<const RuleResult*>& rows) {
  const std::string& own = report.ruleset.id;
  std::vector<AttentionRow> out;
  std::vector<bool> merged(rows.size(), false);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i]->rule->ruleset_id == own || rows[i]->rule->ruleset_id.empty()) continue;
    for (std::size_t j = 0; j < rows.size(); ++j) {
      if (rows[j]->rule->ruleset_id != own || !restates(*rows[i], *rows[j])) continue;
      merged[i] = true;
      break;
    }
  }
  for (std::size_t j = 0; j < rows.size(); ++j) {
    if (merged[j]) continue;
    AttentionRow row{rows[j], {}};
    if (rows[j]->rule->ruleset_id == own) {
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!merged[i] || !restates(*rows[i], *rows[j])) continue;
        // Each national row goes with the first local row it restates.
        bool taken = false;
        for (const auto& earlier : out) {
          taken = taken || std::find(earlier.also.begin(), earlier.also.end(), rows[i]) != earlier.also.end();
        }
        if (!taken) row.also.push_back(rows[i]);
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string also_text(const AttentionRow& row, Lang lang) {
  if (row.also.empty()) return "";
  std::string ids;
  for (const RuleResult* r : row.also) ids += (ids.empty() ? "" : ", ") + r->rule->id;
  return "(" + std::string(word(lang, "also")) + " " + ids + ")";
}

}  // namespace report
}  // namespace toets
