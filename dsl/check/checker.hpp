#pragma once
// Rule file -> checked, bound, compiled rule set. Reads the file and its imports (once each,
// cycles reported), parses, then checks every declaration against the dataset schemas: unknown
// names (with "did you mean"), type mismatches, duplicate ids, thresholds that can never fire,
// missing clauses. All mistakes of a run are reported, sorted by position. Returns null when
// there was any error.

#include <memory>
#include <string>

#include "dsl/source/diagnostics.hpp"
#include "dsl/program/program.hpp"

namespace toets {

// Import nesting deeper than this is refused (a limit against pathological input).
inline constexpr int kMaxImportDepth = 32;
// A rule's compiled expressions may be at most this deep (a chain `a and b and c` counts one
// level per operator) and hold at most this many operations in all; a parameter table may have
// at most kMaxTableEntries entries. Limits against pathological input, each an error at the spot.
inline constexpr std::uint32_t kMaxExpressionDepth = 256;
inline constexpr std::size_t kMaxExpressionNodes = 4096;
inline constexpr std::size_t kMaxTableEntries = 10000;
inline constexpr std::size_t kMaxTableKeys = 8;

std::unique_ptr<CompiledRuleSet> check_rule_file(const std::string& path, Diagnostics& diagnostics);
// The same for text in memory; imports resolve relative to the directory of `path`.
std::unique_ptr<CompiledRuleSet> check_rule_text(const std::string& path, std::string text,
                                                 Diagnostics& diagnostics);

}  // namespace toets
