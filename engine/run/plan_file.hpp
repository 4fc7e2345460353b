#pragma once
// Plan files (`toets run PLAN`, docs/reports.md "Plans"): TOML, read with toml++ into a Plan
// (engine/run/plan.hpp), every mistake a located diagnostic (file:line:col, the line, a caret), all of
// them at once. A plan reads:
//
//   # Monitoring Dordrecht, before each meeting
//   store   = "monitoring.db"
//   exports = "exports"           # where the latest exports are dropped
//   output  = "reports"
//   as_of   = "today"             # or a date: 2026-11-23
//   formats = ["html", "markdown", "junit", "json", "text"]
//   max_rejected = "1%"           # more rows of an export rejected: the check is incomplete (exit 2)
//
//   [[import]]
//   dataset = "allocations"
//   file    = "allocations.csv"   # in the exports folder
//   mapping = "woonsysteem.mapping"
//
//   [[import]]
//   dataset = "stock"
//   file    = "stock.xlsx"        # an Excel workbook: its first sheet,
//   sheet   = "Voorraad"          # or the one named
//
//   [[check]]
//   rules   = "../../rules/dordrecht-2026-2027.toets"
//
// Paths are relative to the plan file; an import's file is relative to the exports folder (the
// plan's folder when the plan names none). A plan in the format before TOML (`store = s.db`,
// `[import stock]`, `[check]` with bare values) is refused with the same plan in TOML beside the
// error, to paste over it. Nothing here looks at the file system beyond reading the plan.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "dsl/source/diagnostics.hpp"
#include "engine/run/plan.hpp"

namespace toets {

// A plan file may be at most this long; a longer one (or /dev/zero) is refused at the limit.
inline constexpr std::size_t kMaxPlanBytes = 1 << 20;
// Mistakes listed per plan; the rest are counted ("PLAN: N more mistakes not shown").
inline constexpr std::size_t kMaxPlanErrors = 100;

// Parses plan text; `name` is the plan file (for messages and to resolve relative paths). Every
// mistake goes to `diagnostics`; the plan is returned only when there is none.
std::optional<Plan> parse_plan(std::string_view text, const std::string& name, Diagnostics& diagnostics);
// Reads and parses a plan file; a file that cannot be read is one error without a location.
std::optional<Plan> load_plan(const std::string& path, Diagnostics& diagnostics);

// A plan in the format before TOML, rewritten line by line as TOML with the same meaning (comments
// kept); nullopt when a line is neither a comment, a section nor KEY = VALUE, or when nothing in
// the text is of the old format (no bare value, [import KIND] or ';' comment).
std::optional<std::string> old_plan_as_toml(std::string_view text);

}  // namespace toets
