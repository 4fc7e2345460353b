#pragma once
// Names that look the same are one name. After a file is read, each text column that is grouped
// and compared (corporation, municipality, kern, neighbourhood, developer, name: the dictionary
// columns of dsl/program/schema.cpp) is brought to one spelling per name:
//
// - every value in the form unicode_text.hpp's normalise_name gives: white space runs (a
//   no-break space, U+3000, a tab ...) one space, trimmed; zero-width and other invisible
//   characters removed; Latin letters composed (NFC: "e" + U+0301 is "é");
// - values that differ only in letter case are one name too, shown in the spelling of the line
//   where the name first occurs ("Woonbron" and later "WOONBRON" are "Woonbron").
//
// Where two different spellings in one file become one name, the load gets a note naming each
// spelling (invisible characters written as \u00A0) and the line it first occurs on, so nobody is
// surprised that they were counted together; a name alone in its spelling is tidied silently.

#include "engine/input/load_common.hpp"

namespace toets {

// On the accepted rows of `loaded` (its stored columns), in place; notes into loaded.report.
void normalise_group_keys(LoadedDataset& loaded);

}  // namespace toets
