#pragma once
// `toets rejections --db FILE [--import ID] [--format text|csv]`: what each import in a store could
// not read, per import (id, kind, file, time, rows read / accepted / rejected) in groups of the
// same column, reason and value, with the fix (engine/report/rejection_groups.hpp). Personal values are
// withheld as in every report; the CSV is safe to open in a spreadsheet (no cell is a formula).

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/input/input.hpp"  // spreadsheet_safe
#include "engine/store/store.hpp"

namespace toets {

enum class ListingFormat : std::uint8_t { Text, Csv };
std::optional<ListingFormat> parse_listing_format(std::string_view text);  // "text", "csv"

// Text: a line per import, then its groups (a few example lines each) and the fix. CSV: a header,
// then a row per group with every line of it: import, dataset, file, imported_at, rows_read,
// rows_accepted, rows_rejected, rows, column, value, reason, lines, fix.
void write_import_rejections(const std::vector<ImportRejections>& imports, ListingFormat format, std::ostream& out);

}  // namespace toets
