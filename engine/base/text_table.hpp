#pragma once
// Rows of cells as aligned columns for a terminal: the text report's results, `toets history`,
// `toets diff`. Every cell is shown with visible() (dsl/source/visible_text.hpp) and measured in the
// columns a terminal gives it (a wide CJK character two, a combining mark none, an escape as many
// as it is long), so the columns stay aligned whatever a name holds: no control character or line
// break can reach the terminal or break a row. A cell wider than the cap continues on the lines
// below, in its own column; the last cell of a row is neither padded nor wrapped.

#include <cstddef>
#include <string>
#include <vector>

namespace toets {

using TextRows = std::vector<std::vector<std::string>>;

// Widens `widths` (one per column) to fit every cell of `rows` as shown, each at most `max_width`.
void fit_table_widths(const TextRows& rows, std::size_t max_width, std::vector<std::size_t>& widths);
// The rows as lines: indented by two spaces, two spaces between columns, no trailing spaces.
// Columns take the widths given, widened where a cell needs more, up to `max_width`; wider cells
// wrap.
std::string text_table(const TextRows& rows, std::size_t max_width, std::vector<std::size_t> widths = {});

}  // namespace toets
