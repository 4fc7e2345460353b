#pragma once
// Rejected rows as people read them: the rows rejected for the same column, reason and value are
// one group ("27 rows: segment 'Sociale huur' ..."), with the lines they are on and, where the
// fix is plain, the fix: the mapping line that would translate an export's own value into a
// canonical one (the nearest by the did-you-mean helper, or a placeholder), or the encoding line
// a mapping lacks. Every report and `toets rejections` show rejections this way.
//
// Groups are made from rejections as they may be shown (Privacy::rejection): a personal value is
// withheld before grouping, so its rows fall into one group and no count tells values apart.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/data/dataset.hpp"
#include "engine/report/privacy.hpp"
#include "engine/data/value_rules.hpp"  // nearest_canonical_value

namespace toets {

struct RejectionGroup {
  enum class Fix : std::uint8_t {
    None,
    MapValue,  // add `VALUE = CANONICAL` under [values COLUMN] in the mapping
    Encoding,  // add `encoding = cp1252` under [input] in the mapping (or --encoding cp1252)
  };

  std::string column;  // canonical; empty when the record as a whole is wrong
  std::string value;   // as shown (withheld, pseudonymised)
  std::string reason;                // in English (Rejection::reason)
  RejectionReason why;               // the reason as data, rendered in a report's language
  std::vector<std::uint64_t> lines;  // every line of the group, ascending
  Fix fix = Fix::None;
  std::string suggestion;              // MapValue: the nearest canonical value; empty: none is near
  std::vector<std::string> canonical;  // MapValue: the column's canonical values
  // A workbook's rows: each line's cell ("Toewijzingen!M48"), in the order of `lines`; empty for a
  // text file.
  std::vector<std::string> cells = {};

  std::size_t rows() const { return lines.size(); }
};

// The groups of a `dataset`'s rejections (as they may be shown), most rows first, then by
// column, value and reason: the same rejections give the same groups in the same order.
std::vector<RejectionGroup> group_rejections(std::string_view dataset, const std::vector<Rejection>& rejections);

// Where a dataset's rejections come from: the file it was read from, or, read from the store, each
// import whose rows count (docs/store.md). Only sources with rejected rows are listed.
struct RejectionSource {
  std::string file;
  std::optional<std::int64_t> import_id;
  std::string imported_at;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_accepted = 0;
  std::uint64_t rows_rejected = 0;
  const std::vector<Rejection>* rejections = nullptr;
};
std::vector<RejectionSource> rejection_sources(const LoadReport& load);

// A source's groups as `privacy` lets them be shown.
std::vector<RejectionGroup> shown_groups(const LoadReport& load, const RejectionSource& source, const Privacy& privacy);

// "12, 15, 19, ..." : the first `shown` lines of a group (a workbook's: its cells,
// "Toewijzingen!M12, Toewijzingen!M15"), and "..." when there are more.
std::string example_lines(const RejectionGroup& group, std::size_t shown = 3);

}  // namespace toets
