#pragma once
// A first column mapping (mapping.hpp) written from an export itself, for `toets mapping init`:
//
//   MappingDraft draft = draft_mapping(*find_dataset("allocations"), "export.xlsx");
//   // draft.text: a mapping file that load_mapping reads as it is
//
// Each header is matched to a canonical column: by the column's own name (any case, ' ' or '-'
// for '_'), by a Dutch name housing systems use (export_names.hpp: "Toetsinkomen", "VHE-nummer"),
// or by a known name inside it ("Kale huur per maand"): these are entries. A header that only looks
// like one (a misspelling: did you mean?) is offered as a commented entry to check; a header that
// matches nothing is listed, commented, to map or to leave out with '-'. For each enum column found,
// the file's values that are not canonical are listed with their row counts under [values COLUMN]:
// a known Dutch term as an entry, any other value commented with the nearest canonical one.
// Everything written for sure is an entry; every guess is a comment, so the draft loads as it is
// and changes nothing it is unsure of.

#include <cstddef>
#include <string>
#include <vector>

#include "dsl/program/schema.hpp"

namespace toets {

struct MappingDraft {
  std::string text;                       // the mapping file
  std::size_t headers = 0;                // named columns in the export
  std::size_t matched = 0;                // written as entries
  std::size_t guessed = 0;                // offered as comments (did you mean?)
  std::vector<std::string> unmatched;     // headers that match no column
  std::vector<std::string> missing_required;  // required columns no header gives
  std::size_t values_to_fill = 0;         // non-canonical values left as comments
};

// Reads the header and the enum columns' values of the CSV or Excel export at `path` (`sheet`: a
// workbook's sheet; empty: the first). Throws DataFileError for a file that cannot be read as an
// export.
MappingDraft draft_mapping(const DatasetSchema& schema, const std::string& path, const std::string& sheet = {});

}  // namespace toets
