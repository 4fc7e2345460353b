#pragma once
// Source text -> syntax tree. Syntax errors become diagnostics ("expected ..."); after one, parsing
// resumes at the next top-level declaration so that one run reports every syntax error.

#include "dsl/syntax/ast.hpp"
#include "dsl/source/diagnostics.hpp"

namespace toets {

// Rule files larger than this are refused (a limit against pathological input).
inline constexpr std::size_t kMaxRuleFileBytes = 4 * 1024 * 1024;
// A rule set with all its imports larger than this is refused at the import that passes it: the
// checker takes some 70 bytes of memory per byte of rules, and fourteen files just under the
// limit above took 3.6 GB (a real agreement with the national rules is some 50 KB).
inline constexpr std::size_t kMaxRuleSetBytes = 8 * 1024 * 1024;
// Brackets, calls, sets, `not`, `-` and table rows nested deeper than this are a syntax error at
// the spot: the grammar, the checker and the evaluator all recurse on nesting, and 100000 '('
// must be an error, not a stack overflow (grammar_def.hpp's `nest`).
inline constexpr int kMaxNestingDepth = 64;

ast::File parse_rule_file(const SourceFile& source, Diagnostics& diagnostics);

}  // namespace toets
