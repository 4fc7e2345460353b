#include "engine/report/rejection_groups.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "dsl/program/schema.hpp"

namespace toets {

namespace {

// The fix the reader of a group can apply, and for a mapping line the value it would map to.
void add_fix(std::string_view dataset, RejectionGroup& group) {
  // A byte the reader named as Windows-1252's is a file stated or taken to be UTF-8 that is not.
  if (group.why.kind == ReasonKind::InvalidUtf8 && group.why.has("windows_1252")) {
    group.fix = RejectionGroup::Fix::Encoding;
    return;
  }
  const DatasetSchema* schema = find_dataset(dataset);
  if (schema == nullptr || group.value.empty() || group.value == kWithheld) return;
  // A value shown with \xNN or \uNNNN escapes is not what a mapping line could name.
  if (group.value.find("\\x") != std::string::npos || group.value.find("\\u") != std::string::npos) return;
  const auto index = schema->column_index(group.column);
  if (!index) return;
  const ColumnSchema& column = schema->column(*index);
  if (column.type == ValueType::Enum) {
    group.canonical = column.enum_values;
  } else if (column.type == ValueType::Bool) {
    group.canonical = {"true", "false"};
  } else {
    return;
  }
  group.fix = RejectionGroup::Fix::MapValue;
  group.suggestion = nearest_canonical_value(group.value, group.canonical);
}

}  // namespace

std::vector<RejectionGroup> group_rejections(std::string_view dataset, const std::vector<Rejection>& rejections) {
  std::map<std::tuple<std::string_view, std::string_view, std::string_view>, std::size_t> index;
  std::vector<RejectionGroup> groups;
  for (const Rejection& rejection : rejections) {
    const auto [found, added] = index.emplace(std::tuple<std::string_view, std::string_view, std::string_view>(
                                                  rejection.column, rejection.value, rejection.reason),
                                              groups.size());
    if (added) {
      groups.push_back(RejectionGroup{rejection.column, rejection.value, rejection.reason, rejection.why, {}, {}, {}, {}});
    }
    groups[found->second].lines.push_back(rejection.line);
    if (!rejection.cell.empty()) groups[found->second].cells.push_back(rejection.cell);
  }
  for (RejectionGroup& group : groups) {
    // A workbook's cells go with their lines (rows); one file's rejections all have cells, or none.
    if (group.cells.size() == group.lines.size()) {
      std::vector<std::pair<std::uint64_t, std::string>> placed;
      for (std::size_t i = 0; i < group.lines.size(); ++i) placed.emplace_back(group.lines[i], std::move(group.cells[i]));
      std::stable_sort(placed.begin(), placed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t i = 0; i < placed.size(); ++i) {
        group.lines[i] = placed[i].first;
        group.cells[i] = std::move(placed[i].second);
      }
    } else {
      group.cells.clear();
    }
    std::sort(group.lines.begin(), group.lines.end());
    add_fix(dataset, group);
  }
  std::sort(groups.begin(), groups.end(), [](const RejectionGroup& a, const RejectionGroup& b) {
    if (a.rows() != b.rows()) return a.rows() > b.rows();
    return std::tie(a.column, a.value, a.reason) < std::tie(b.column, b.value, b.reason);
  });
  return groups;
}

std::vector<RejectionSource> rejection_sources(const LoadReport& load) {
  std::vector<RejectionSource> sources;
  if (!load.rejections.empty()) {
    const std::uint64_t own = load.imports.empty() ? load.rows_rejected : load.rejections.size();
    sources.push_back(RejectionSource{load.file, std::nullopt, "",
                                      load.imports.empty() ? load.rows_read : load.rows_accepted + own,
                                      load.rows_accepted, own, &load.rejections});
  }
  for (const ImportedFile& part : load.imports) {
    if (part.rejections.empty()) continue;
    sources.push_back(RejectionSource{part.file, part.import_id, part.imported_at, part.rows_read, part.rows_accepted,
                                      part.rows_rejected, &part.rejections});
  }
  return sources;
}

std::vector<RejectionGroup> shown_groups(const LoadReport& load, const RejectionSource& source,
                                         const Privacy& privacy) {
  std::vector<Rejection> shown;
  shown.reserve(source.rejections->size());
  for (const Rejection& rejection : *source.rejections) shown.push_back(privacy.rejection(load, rejection));
  return group_rejections(load.dataset, shown);
}

std::string example_lines(const RejectionGroup& group, std::size_t shown) {
  std::string text;
  for (std::size_t i = 0; i < group.lines.size() && i < shown; ++i) {
    text += (i > 0 ? ", " : "") + (group.cells.empty() ? std::to_string(group.lines[i]) : group.cells[i]);
  }
  if (group.lines.size() > shown) text += ", ...";
  return text;
}

}  // namespace toets
