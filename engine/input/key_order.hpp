#pragma once
// Runs of rows whose unique keys ascend. An export is nearly always written in some order of its
// key, or in a few such runs one after the other (a housing system writes its lets in the order of
// their ids, its stock by snapshot date and then dwelling; a file may join several systems'
// exports). Within a run the keys ascend strictly, so none repeats: a row needs to be looked for
// only among the rows of the runs before its own. The general check, a hash probe per row into a
// table of every row before it, far bigger than the caches, was a sixth of a load's work on one
// core (ChunkedLoad::check_keys, which takes the runs from here).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/data/dataset.hpp"

namespace toets::loading {

// An order of keys, to find runs in. Each is a total order that agrees with the keys' equality
// (ChunkedLoad::same_key), so keys that ascend strictly in it are all distinct. Bits:
//  kColumnsReversed: the key's last column first (stock is keyed (dwelling_id, snapshot_date) and
//                    exported by snapshot date, then dwelling);
//  kTextByLength:    shorter text first, then by bytes, as numbers without leading zeros sort
//                    (L9 before L10); without it text compares byte by byte (L10 before L9).
using KeyOrder = std::uint8_t;
inline constexpr KeyOrder kColumnsReversed = 1;
inline constexpr KeyOrder kTextByLength = 2;

// Whether row `later`'s key comes strictly after row `earlier`'s in `order`. False when a cell of
// either key is missing (an empty optional key column: that row has no key value to order).
bool key_after(const Dataset& data, const std::vector<std::uint32_t>& columns, KeyOrder order, std::size_t earlier,
               std::size_t later);

// Where the keys of a chunk's rows [0, rows) stop ascending, in the order that stops them least.
struct KeyRuns {
  // False when the runs are too short to pay (shorter than a thousand rows on average; a file
  // shuffled, or ordered by something else): each row is then looked for among all before it.
  bool ordered = false;
  KeyOrder order = 0;
  std::vector<std::uint32_t> breaks;  // ascending: the rows whose key does not come after the row before's
};

// The runs of rows [0, data.row_count()). The orders worth trying are tried on the first rows;
// the one with the fewest breaks there is followed to the end.
KeyRuns find_key_runs(const Dataset& data, const std::vector<std::uint32_t>& columns);

}  // namespace toets::loading
