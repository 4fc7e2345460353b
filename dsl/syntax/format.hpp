#pragma once
// `toets fmt`: a rule file in the one canonical layout (docs/language.md, "Layout"). Works on the
// file's tokens and comments, placed by its syntax tree: every comment is kept where it stands
// (on its own line, or after code), the author's line breaks inside a clause are kept, everything
// else (indentation, spaces, blank lines, one clause per line) is decided here. Quoted text is
// never touched. The result is parsed again and must state the same rules, or nothing is returned.

#include <optional>
#include <string>

#include "dsl/source/diagnostics.hpp"

namespace toets {

// The canonical text of `source`, or nullopt with the reason in `diagnostics` (syntax errors: a
// file that does not parse is not formatted).
std::optional<std::string> format_rule_text(const SourceFile& source, Diagnostics& diagnostics);

}  // namespace toets
