// The rows an import could not read, kept with the import (table import_rejections, docs/store.md),
// brought back: with the rows of a kind a check reads from the store, and for `toets rejections`.

#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/store/sqlite_statement.hpp"
#include "engine/store/store.hpp"
#include "engine/store/store_internal.hpp"

namespace toets {

namespace {
using namespace store_internal;

// Whether import_rejections has the reason's kind and details: added to a store of layout 1 by
// the first import a toets that knows them makes (docs/store.md). A store without them (never
// imported into since, or opened read-only) gives its reasons as their stored sentences.
bool has_reason_columns(sqlite3* db, const std::string& file) {
  Statement info(db, file, "SELECT count(*) FROM pragma_table_info('import_rejections') WHERE name = 'reason_kind'");
  return info.step() && info.integer(0) > 0;
}

// An import's rejections, in the order they were stored (by line).
std::vector<Rejection> stored_rejections(sqlite3* db, const std::string& file, std::int64_t import_id) {
  const bool kinds = has_reason_columns(db, file);
  Statement statement(db, file,
                      kinds ? "SELECT line, column_name, value, reason, reason_kind, reason_details FROM "
                              "import_rejections WHERE import_id = ?1 ORDER BY seq"
                            : "SELECT line, column_name, value, reason FROM import_rejections WHERE import_id = ?1 "
                              "ORDER BY seq");
  statement.bind(1, import_id);
  std::vector<Rejection> rejections;
  while (statement.step()) {
    Rejection rejection{static_cast<std::uint64_t>(statement.integer(0)), statement.string(1), statement.string(2),
                        statement.string(3)};
    // A kind this toets does not know (a newer one wrote it) is shown as its sentence.
    if (kinds && !statement.is_null(4)) {
      if (const auto kind = parse_reason_code(statement.text(4))) {
        rejection.why.kind = *kind;
        rejection.why.details = parse_reason_details(statement.text(5));
      }
    }
    rejections.push_back(std::move(rejection));
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

void Store::save_rejections(std::int64_t import_id, const std::vector<Rejection>& rejections) {
  // An additive change to layout 1: two columns NULL in rows written before (and by an older
  // toets), which read as before.
  if (!has_reason_columns(db_, path_)) {
    sqlite::exec(db_, path_,
                 "ALTER TABLE import_rejections ADD COLUMN reason_kind TEXT; "
                 "ALTER TABLE import_rejections ADD COLUMN reason_details TEXT;");
  }
  Statement reject(db_, path_,
                   "INSERT INTO import_rejections (import_id, seq, line, column_name, value, reason, reason_kind, "
                   "reason_details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  std::int64_t seq = 0;
  for (const Rejection& rejection : rejections) {
    reject.bind(1, import_id);
    reject.bind(2, ++seq);
    reject.bind(3, static_cast<std::int64_t>(rejection.line));
    reject.bind(4, std::string_view(rejection.column));
    reject.bind(5, std::string_view(rejection.value));
    reject.bind(6, std::string_view(rejection.reason));
    reject.bind(7, reason_code(rejection.why.kind));
    reject.bind_copy(8, reason_details_json(rejection.why));
    reject.run();
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
