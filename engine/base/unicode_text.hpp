#pragma once
// What a cell's text looks like to a person, as far as reading names needs it: whether anything
// visible is there at all, and one spelling for names that only look the same.
//
// - Blank: white space of any kind (Unicode's White_Space: space, tab, line ends, the no-break
//   space, U+3000 and the other Zs spaces) and invisible format characters (zero-width space,
//   joiner and non-joiner U+200B-U+200D, word joiner U+2060, byte-order mark U+FEFF, soft hyphen,
//   the direction marks and embeddings U+200E/F, U+202A-U+202E, U+2066-U+2069). A cell of only
//   these holds nothing: it is missing.
// - A name's one spelling (normalise_name): white space runs become one space, trimmed; invisible
//   characters removed; letters with combining marks composed as Unicode's NFC composes them, for
//   the Latin letters (Latin-1 Supplement, Latin Extended-A/B, Latin Extended Additional; other
//   scripts are kept as written). Tables: engine/base/unicode_tables.cpp, made by
//   tools/unicode_tables.py.
// - Letter case (fold_case): simple case folding of Latin, Greek and Cyrillic letters.
//
// Text that is not well-formed UTF-8 is never blank, and is kept byte for byte by the others.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace toets {

namespace unicode_tables {
struct CanonicalPair {
  std::uint32_t letter;
  std::uint32_t base;
  std::uint32_t mark;
};
struct CaseFold {
  std::uint32_t letter;
  std::uint32_t folded;
};
extern const CanonicalPair kByLetter[];
extern const std::size_t kByLetterCount;
extern const CanonicalPair kByPair[];
extern const std::size_t kByPairCount;
extern const unsigned char kMarkClass[0x70];
extern const CaseFold kFolds[];
extern const std::size_t kFoldCount;
}  // namespace unicode_tables

// Nothing visible: empty, or only white space and invisible format characters.
bool is_blank_text(std::string_view text);
// The spelling names are kept and compared in (above). ASCII text without double or edge
// spaces comes back unchanged.
std::string normalise_name(std::string_view text);
// `text` with every letter case-folded (for comparing, never for showing).
std::string fold_case(std::string_view text);
// `text` for a message that must tell spellings apart: white space other than a plain space,
// invisible characters and combining marks written as \u00A0, \u200B, \u0301; control bytes and
// bytes that are not UTF-8 as \x09, \xE9.
std::string visible_text(std::string_view text);

}  // namespace toets
