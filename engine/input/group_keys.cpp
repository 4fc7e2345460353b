// One spelling per name in the grouped text columns (group_keys.hpp).

#include "engine/input/group_keys.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <vector>

#include "engine/base/unicode_text.hpp"

namespace toets {

namespace {

constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);

std::string quoted(std::string_view text) { return "'" + visible_text(text) + "'"; }

void normalise_column(Dataset& data, std::uint32_t c, std::vector<std::string>& notes) {
  ColumnData& column = data.column(c);
  const TextDictionary& dictionary = column.dictionary;
  const std::size_t count = dictionary.size();
  if (count == 0) return;

  // Each stored value's spelling and what it is compared by; codes that are one name.
  std::vector<std::string> written(count);
  std::vector<std::string> spelling(count);
  std::vector<std::string> compared(count);
  bool respelt = false;
  for (std::size_t code = 0; code < count; ++code) {
    const std::string& value = written[code] = dictionary.value(static_cast<std::int32_t>(code));
    spelling[code] = normalise_name(value);
    compared[code] = fold_case(spelling[code]);
    respelt = respelt || spelling[code] != value;
  }
  std::unordered_map<std::string_view, std::size_t> name_of;  // compared form -> a code of the name
  std::vector<std::size_t> name(count);
  bool merged = false;
  for (std::size_t code = 0; code < count; ++code) {
    const auto [found, added] = name_of.emplace(compared[code], code);
    name[code] = found->second;
    merged = merged || !added;
  }
  if (!respelt && !merged) return;

  // Where each value first occurs: the name is shown as first written. (Not the dictionary's
  // order: a row rejected late, as a duplicate, may have brought a value in first.)
  std::vector<std::size_t> first_row(count, kNoRow);
  for (std::size_t row = 0; row < data.row_count(); ++row) {
    const std::int32_t code = column.values[row];
    if (code != kNull32 && first_row[static_cast<std::size_t>(code)] == kNoRow) {
      first_row[static_cast<std::size_t>(code)] = row;
    }
  }
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return first_row[a] < first_row[b]; });

  // The new dictionary, in order of first occurrence; each name's codes, for the note.
  TextDictionary renamed;
  std::vector<std::int32_t> new_code(count, kNull32);
  std::vector<std::int32_t> code_of_name(count, kNull32);
  std::vector<std::vector<std::size_t>> spellings(count);
  for (const std::size_t code : order) {
    if (first_row[code] == kNoRow) continue;  // no accepted row has it
    std::int32_t& shared = code_of_name[name[code]];
    if (shared == kNull32) shared = renamed.intern(spelling[code]);
    new_code[code] = shared;
    spellings[name[code]].push_back(code);
  }
  for (std::int32_t& value : column.values) {
    if (value != kNull32) value = new_code[static_cast<std::size_t>(value)];
  }
  column.dictionary = std::move(renamed);

  for (const std::size_t code : order) {
    std::vector<std::size_t>& these = spellings[name[code]];
    if (these.size() < 2) continue;
    std::string note = data.schema().columns[c].name + ": ";
    for (std::size_t i = 0; i < these.size(); ++i) {
      if (i > 0) note += i + 1 == these.size() ? " and " : ", ";
      note += quoted(written[these[i]]) + " (line " +
              std::to_string(data.source_line(first_row[these[i]])) + ")";
    }
    note += " are taken as one name, " + quoted(spelling[these.front()]) +
            ": they differ only in letter case, spaces or invisible characters";
    notes.push_back(std::move(note));
    these.clear();
  }
}

}  // namespace

void normalise_group_keys(LoadedDataset& loaded) {
  Dataset& data = loaded.data;
  const DatasetSchema& schema = data.schema();
  for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
    const ColumnSchema& column = schema.columns[c];
    if (column.type != ValueType::Text || column.text_storage != TextStorage::Dictionary) continue;
    if (!data.column(c).kept) continue;
    normalise_column(data, c, loaded.report.notes);
  }
}

}  // namespace toets
