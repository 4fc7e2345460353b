#include "engine/base/text_table.hpp"

#include <algorithm>
#include <string_view>

#include "dsl/source/visible_text.hpp"

namespace toets {

void fit_table_widths(const TextRows& rows, std::size_t max_width, std::vector<std::size_t>& widths) {
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], std::min(display_width(visible(row[c])), max_width));
    }
  }
}

std::string text_table(const TextRows& rows, std::size_t max_width, std::vector<std::size_t> widths) {
  fit_table_widths(rows, max_width, widths);
  std::string out;
  std::vector<std::string> shown;
  std::vector<std::vector<std::string_view>> pieces;
  for (const auto& row : rows) {
    shown.clear();
    pieces.clear();
    std::size_t lines = 1;
    for (std::size_t c = 0; c < row.size(); ++c) shown.push_back(visible(row[c]));
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c + 1 == row.size())
        pieces.push_back({shown[c]});
      else
        pieces.push_back(wrap_to_width(shown[c], widths[c]));
      lines = std::max(lines, pieces.back().size());
    }
    for (std::size_t l = 0; l < lines; ++l) {
      std::string line(2, ' ');
      for (std::size_t c = 0; c < row.size(); ++c) {
        const std::string_view piece = l < pieces[c].size() ? pieces[c][l] : std::string_view();
        if (c + 1 == row.size()) {
          line += piece;
        } else {
          line += pad_to_width(piece, widths[c]);
          line += "  ";
        }
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line;
      out += '\n';
    }
  }
  return out;
}

}  // namespace toets
