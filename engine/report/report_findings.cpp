// The needs-attention lists as findings (report_common.hpp): a national rule and a local one that
// find the same thing for the same group are one row, not two.

#include <algorithm>

#include "engine/report/report_common.hpp"

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

// Whether two results are the same finding: the same dataset and group and exactly the same
// measure, and the same records behind it (for a share: the same part of the same whole; for a
// count or a deadline: the same record ids). Conservative: anything else stays two findings.
bool same_finding(const RuleResult& a, const RuleResult& b) {
  const CompiledRule& x = *a.rule;
  const CompiledRule& y = *b.rule;
  if (x.dataset == nullptr || x.dataset != y.dataset || x.measure.kind != y.measure.kind) return false;
  if (!same_group(a.group, b.group) || !a.measure || !b.measure) return false;
  if (a.measure->numerator != b.measure->numerator || a.measure->denominator != b.measure->denominator) return false;
  if (x.measure.kind == MeasureKind::Share) return a.numerator == b.numerator && a.denominator == b.denominator;
  if (a.evidence.empty() || a.evidence.size() != b.evidence.size()) return false;
  if (!a.evidence.complete() || !b.evidence.complete()) return false;  // ids listed in part: not known alike
  std::vector<std::string_view> ea(a.evidence.begin(), a.evidence.end()), eb(b.evidence.begin(), b.evidence.end());
  std::sort(ea.begin(), ea.end());
  std::sort(eb.begin(), eb.end());
  return ea == eb;
}

}  // namespace

std::vector<AttentionRow> attention_rows(const CheckReport& report, const std::vector<const RuleResult*>& rows) {
  // A national result (from an imported rule set) and a local one that are the same finding are
  // one row: the one that needs more attention leads (the local one when they are alike), the
  // other is named beside it. Each result is folded at most once, into a row that leads.
  const std::string& own = report.ruleset.id;
  auto national = [&](const RuleResult* r) { return r->rule->ruleset_id != own && !r->rule->ruleset_id.empty(); };
  const std::size_t none = rows.size();
  std::vector<std::size_t> leader(rows.size(), none);
  std::vector<bool> leads(rows.size(), false);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!national(rows[i]) || leads[i]) continue;
    for (std::size_t j = 0; j < rows.size(); ++j) {
      if (rows[j]->rule->ruleset_id != own || leader[j] != none || !same_finding(*rows[i], *rows[j])) continue;
      const bool national_leads = attention_rank(rows[i]->status) < attention_rank(rows[j]->status);
      if (national_leads && leads[j]) continue;  // j already leads others: it stays a row
      if (national_leads) {
        leader[j] = i;
        leads[i] = true;
      } else {
        leader[i] = j;
        leads[j] = true;
      }
      break;
    }
  }
  std::vector<AttentionRow> out;
  for (std::size_t j = 0; j < rows.size(); ++j) {
    if (leader[j] != none) continue;
    AttentionRow row{rows[j], {}};
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (leader[i] == j) row.also.push_back(rows[i]);
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string also_status(const AttentionRow& row, const RuleResult& also, Lang lang) {
  if (light_of(also.status) == light_of(row.result->status)) return "";
  return ": " + std::string(status_word(also.status, lang));
}

std::string also_text(const AttentionRow& row, Lang lang) {
  if (row.also.empty()) return "";
  std::string ids;
  for (const RuleResult* r : row.also) ids += (ids.empty() ? "" : ", ") + r->rule->id + also_status(row, *r, lang);
  return "(" + std::string(word(lang, "also")) + " " + ids + ")";
}

}  // namespace report
}  // namespace toets
