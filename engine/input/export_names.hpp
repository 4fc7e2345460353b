#pragma once
// The names Dutch housing systems and their spreadsheets give the canonical columns and values
// (Toetsinkomen, Ingangsdatum contract, VHE-nummer, Kale huur; Sociale huur, Vergunninghouder), for
// `toets mapping init` (mapping_init.hpp). Names are kept normalised (normalized_name): a header
// matches when its normalised form is one of them. Every column and value named here is one of the
// schema's (tests/mapping_init_test.cpp checks it).

#include <span>
#include <string>
#include <string_view>

namespace toets {

struct ExportColumnName {
  std::string_view column;  // canonical column (of any dataset that has it)
  std::string_view name;    // normalised
};
std::span<const ExportColumnName> export_column_names();

struct ExportValueName {
  std::string_view column;     // canonical enum column
  std::string_view name;       // normalised
  std::string_view canonical;  // the canonical value; "" for missing
};
std::span<const ExportValueName> export_value_names();

// A name as compared: ASCII letters in lower case, every run of other ASCII characters (spaces,
// punctuation, '€', brackets) one space, trimmed; bytes of non-ASCII letters kept as they are.
// "Kale huur (€)" -> "kale huur", "VHE-nummer" -> "vhe nummer".
std::string normalized_name(std::string_view text);

}  // namespace toets
