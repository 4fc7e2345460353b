#pragma once
// Why a cell's value is not accepted, as a RejectionReason (rejection_reason.hpp): the reasons of
// the cell readers (engine/data/cell_values.hpp) and the plausible ranges of the schema
// (ColumnSchema::min_value/max_value). RecordBuilder (record_builder.cpp) asks these only for a cell
// it rejects: nothing here is on the path of a valid cell.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/program/schema.hpp"
#include "engine/data/cell_values.hpp"
#include "engine/data/rejection_reason.hpp"

namespace toets::value_rules {

// A whole number that does not read (result is not Ok); `decimal` the file's decimal mark (for
// thousands groups that do not add up).
RejectionReason whole_number_problem(cell_values::ParseResult result, char decimal);
// An amount that does not read: canonical (612.35), or in export forms with `decimal` as the
// decimal mark, when the text would read with the other mark, saying so.
RejectionReason amount_problem(cell_values::ParseResult result, std::string_view text, bool export_forms,
                               char decimal);
RejectionReason date_problem(cell_values::ParseResult result, bool export_forms);
// A value outside the column's plausible range: out_of_range, or negative_amount for an amount
// below zero where none may be.
RejectionReason range_problem(const ColumnSchema& column, std::int64_t value);
// The plausible range's limits in their canonical form (1, 0.01, 1900-01-01), for messages.
std::string limit_text(const ColumnSchema& column, std::int64_t value);

}  // namespace toets::value_rules

namespace toets {

// The canonical value of `column` nearest to an export's `value` (through the did-you-mean
// helper: the whole value, then each of its words), or "" when none is near.
std::string nearest_canonical_value(std::string_view value, const std::vector<std::string>& canonical);

}  // namespace toets
