// The rows an import could not read, kept with the import (table import_rejections, docs/store.md),
// brought back: with the rows of a kind a check reads from the store, and for `toets rejections`.

#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/sqlite_statement.hpp"
#include "engine/store.hpp"

namespace toets {

namespace {

using sqlite::Statement;
using sqlite::Transaction;

// An import's rejections, in the order they were stored (by line).
std::vector<Rejection> stored_rejections(sqlite3* db, const std::string& file, std::int64_t import_id) {
  Statement statement(
      db, file, "SELECT line, column_name, value, reason FROM import_rejections WHERE import_id = ?1 ORDER BY seq");
  statement.bind(1, import_id);
  std::vector<Rejection> rejections;
  while (statement.step()) {
    rejections.push_back(Rejection{static_cast<std::uint64_t>(statement.integer(0)), statement.string(1),
                                   statement.string(2), statement.string(3)});
  }
  return rejections;
}

}  // namespace

// Which imports' rejections count for a kind's rows: those since the last `replace` (earlier rows
// are gone), and of those, for each file name, the latest. A corporation that drops a corrected
// allocations.csv into next month's folder has fixed what the earlier one could not read; the
// rejections of 2025.csv still count beside those of 2026.csv. (Which rejected record a later
// file brings after all cannot be told: a rejected row has no key the store could match.)
void Store::attach_imports(const std::string& kind, LoadReport& report) {
  struct Row {
    ImportedFile part;
    bool replace = false;
  };
  std::vector<Row> rows;
  {
    Statement statement(db_, path_,
                        "SELECT id, imported_at, source, mode, rows_read, rows_accepted, rows_rejected FROM imports "
                        "WHERE kind = ?1 ORDER BY id");
    statement.bind(1, std::string_view(kind));
    while (statement.step()) {
      Row row;
      row.part.import_id = statement.integer(0);
      row.part.imported_at = statement.string(1);
      row.part.file = statement.string(2);
      row.replace = statement.text(3) == "replace";
      row.part.rows_read = static_cast<std::uint64_t>(statement.integer(4));
      row.part.rows_accepted = static_cast<std::uint64_t>(statement.integer(5));
      row.part.rows_rejected = static_cast<std::uint64_t>(statement.integer(6));
      rows.push_back(std::move(row));
    }
  }
  std::size_t first = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].replace) first = i;
  }
  std::set<std::string> names;
  std::vector<ImportedFile> kept;
  for (std::size_t i = rows.size(); i > first; --i) {
    ImportedFile& part = rows[i - 1].part;
    if (!names.insert(std::filesystem::path(part.file).filename().string()).second) continue;
    part.rejections = stored_rejections(db_, path_, part.import_id);
    kept.push_back(std::move(part));
  }
  std::reverse(kept.begin(), kept.end());  // oldest first
  for (ImportedFile& part : kept) {
    report.rows_read += part.rows_rejected;
    report.rows_rejected += part.rows_rejected;
    report.imports.push_back(std::move(part));
  }
}

std::vector<ImportRejections> Store::import_rejections(std::optional<std::int64_t> import_id) {
  std::vector<ImportRejections> out;
  for (ImportInfo& info : imports()) {
    if (!import_id || info.id == *import_id) out.push_back(ImportRejections{std::move(info), {}});
  }
  if (out.empty()) return out;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  for (ImportRejections& import : out) import.rejections = stored_rejections(db_, path_, import.import.id);
  snapshot.commit();
  return out;
}

}  // namespace toets
