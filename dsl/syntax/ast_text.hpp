#pragma once
// The syntax tree as text, without positions: two rule files whose trees print the same state the
// same rules, whatever their layout and comments. The formatter checks its output with it (and
// refuses to write a file whose rules it would change); the tests compare files with it.

#include <string>

#include "dsl/syntax/ast.hpp"

namespace toets {

std::string ast_text(const ast::File& file);

}  // namespace toets
