// The store: reading its kinds for a check (docs/store.md explains the layout and the choices).
//
// SQLite is used through its C API with small RAII wrappers (engine/store/sqlite_statement.hpp). The store
// is several files by concern: opening and durability (store_open.cpp), the layout and shared
// helpers (store_layout.cpp), importing (store_import.cpp), the column blocks that a check loads
// without parsing (store_columns.cpp), recording runs (store_runs.cpp), SQLite tables as input
// (store_table_reader.cpp), rejections (store_rejections.cpp) and comparing runs (store_diff.cpp).
// Every failure throws StoreError naming the file and quoting SQLite's message.

#include "engine/store/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>

#include "dsl/source/calendar.hpp"
#include "dsl/source/regular_file.hpp"
#include "engine/input/load_common.hpp"
#include "engine/words/reason_text.hpp"
#include "engine/base/sha256.hpp"
#include "engine/store/sqlite_statement.hpp"
#include "engine/store/store_internal.hpp"

#ifndef TOETS_VERSION
#define TOETS_VERSION "unknown"
#endif

namespace toets {

std::string_view engine_version() { return TOETS_VERSION; }

namespace {
using namespace store_internal;

}  // namespace

// A kind's current rows: from its column blocks when they hold this state, else from its rows table.
SqliteLoaded Store::read_kind(const DatasetSchema& schema, const std::vector<KindImport>& imports,
                              const std::string& state) {
  std::uint64_t live_rows = 0;
  for (const KindImport& import : imports) live_rows += import.live_rows;
  SqliteLoaded loaded{LoadedDataset{Dataset(schema), LoadReport{}}, {}};
  loaded.loaded.report.dataset = schema.name;
  loaded.loaded.report.file = path_;
  if (auto blocks = read_column_blocks(db_, path_, schema, state, live_rows)) {
    loaded.loaded.data = std::move(*blocks);
    loaded.loaded.report.rows_read = loaded.loaded.data.row_count();
    loaded.loaded.report.rows_accepted = loaded.loaded.data.row_count();
    return loaded;
  }
  ReaderSettings settings;
  settings.display = path_ + " (store, " + schema.name + ")";
  settings.silent = {"import_id", "source_line"};
  settings.check_unique = false;
  settings.expected_rows = live_rows;
  read_table(db_, path_, schema, schema.name, settings, loaded);
  // The store holds only rows its imports accepted: a row it cannot read back is damage (a page
  // overwritten, an edit outside toets), an error, never a rejection that quietly drops it.
  if (!loaded.loaded.report.rejections.empty()) {
    const Rejection& first = loaded.loaded.report.rejections.front();
    throw StoreError(path_ + ": the store's " + schema.name + " table holds a row toets never wrote (rowid " +
                     std::to_string(first.line) + ", " + first.column + ": " + first.reason +
                     "): the store is damaged or was changed outside toets; PRAGMA quick_check: " +
                     sqlite::quick_check(db_, path_) + "; restore the store from a backup");
  }
  return loaded;
}

std::map<DatasetKind, StoreDataset> Store::load(const std::vector<const DatasetSchema*>& schemas) {
  std::map<DatasetKind, StoreDataset> out;
  Transaction snapshot(db_, path_, Transaction::Kind::Read);
  if (!has_layout(db_, path_)) return out;
  for (const DatasetSchema* schema : schemas) {
    const std::vector<KindImport> imports = kind_imports(db_, path_, schema->name);
    if (imports.empty()) continue;

    const std::string state = state_sha256(imports);
    SqliteLoaded loaded = read_kind(*schema, imports, state);
    attach_imports(schema->name, loaded.loaded.report);  // what the imports could not read travels along

    RunInput input;
    input.kind = schema->name;
    input.source = "store";
    input.sha256 = state;
    std::string from;
    for (const KindImport& import : imports) {
      if (import.live_rows == 0) continue;
      input.imports.push_back(import.id);
      from += std::string(from.empty() ? "" : ", ") + "import " + std::to_string(import.id) + " (" + import.source +
              ", " + std::to_string(import.live_rows) + (import.live_rows == 1 ? " row)" : " rows)");
    }
    loaded.loaded.report.notes.insert(loaded.loaded.report.notes.begin(),
                                      "read from the store: " + (from.empty() ? std::string("no rows") : from));
    input.rows_read = loaded.loaded.report.rows_read;
    input.rows_accepted = loaded.loaded.report.rows_accepted;
    input.rows_rejected = loaded.loaded.report.rows_rejected;
    out.emplace(schema->kind, StoreDataset{std::move(loaded.loaded), std::move(input)});
  }
  snapshot.commit();
  return out;
}

}  // namespace toets
