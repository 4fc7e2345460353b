#pragma once
// Source text -> syntax tree. Syntax errors become diagnostics ("expected ..."); after one, parsing
// resumes at the next top-level declaration so that one run reports every syntax error.

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"

namespace toets {

// Rule files larger than this are refused (a limit against pathological input).
inline constexpr std::size_t kMaxRuleFileBytes = 4 * 1024 * 1024;
// Brackets ( { nested deeper than this, counting the prefix operators `not` and `-` in between,
// are refused before parsing: the grammar, the checker and the evaluator all recurse on nesting,
// and 100000 '(' must be an error at the spot, not a stack overflow.
inline constexpr int kMaxNestingDepth = 64;

ast::File parse_rule_file(const SourceFile& source, Diagnostics& diagnostics);

}  // namespace toets
