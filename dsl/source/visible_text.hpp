#pragma once
// Text from files and arguments as Toets shows it on a terminal, in a log line, a report or a table
// cell: it can neither act on the terminal (escape sequences, a carriage return that overwrites the
// line) nor reorder the text around it (bidirectional overrides), nor break a line or a table.
//
//   C0 controls and DEL                        \x1b   (lowercase hex: a character)
//   C1 controls U+0080-U+009F                   \u009b
//   bidi controls U+061C, U+200E, U+200F,       \u202e
//     U+202A-U+202E, U+2066-U+2069
//   line and paragraph separators U+2028/9     \u2028
//   a byte that is not UTF-8                   \xE9   (capitals: a byte, not a character)
//
// A backslash is shown as it is: the escapes make text harmless, they are not a reversible
// encoding (JSON output, which must be reversible, has its own escaping: json_text in
// engine/base/output_guard.hpp). Used by the diagnostics here and by every writer in engine/.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/source/utf8.hpp"

namespace toets {

// One value on one line: every control character escaped, tab and line breaks included.
std::string visible(std::string_view text);
// Text of several lines (a message, a whole report): '\n' and '\t' kept, everything else as visible().
std::string visible_lines(std::string_view text);
// Whether visible() would change the text.
bool needs_escaping(std::string_view text);

// decode_utf8: dsl/source/utf8.hpp.
// Bidi controls, C1 controls and U+2028/U+2029: the code points above U+007F that are escaped.
bool is_escaped_code_point(char32_t c);

// Columns a terminal gives a code point: 0 for combining marks and other zero-width characters,
// 2 for East Asian wide and fullwidth characters (Unicode 14), else 1. Control characters count 0
// (shown text never holds them: visible() escapes them).
int code_point_width(char32_t c);
// Columns of text as shown; a byte that is not UTF-8 counts one.
std::size_t display_width(std::string_view text);
// The text followed by spaces up to `width` columns (nothing added when it is as wide or wider).
std::string pad_to_width(std::string_view text, std::size_t width);
// The text in pieces of at most `width` columns, broken after a space where one falls in the
// second half of a piece, else between characters (a combining mark stays with its letter, an
// escape from visible() stays whole). A character wider than `width` is a piece of its own.
std::vector<std::string_view> wrap_to_width(std::string_view text, std::size_t width);

}  // namespace toets
