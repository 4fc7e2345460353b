// The evaluator's expressions: a node of a rule's expression pool evaluated for a selection of
// rows, column by column (RangeRun::eval), with the parameter-table look-ups and date periods it
// needs. Shared values: a node already evaluated for the same selection in this batch (by another
// rule of the same pass) is not evaluated again (evaluator_pass.cpp).

#include "engine/eval/evaluator_internal.hpp"

namespace toets::evaluation {

void RangeRun::report_date_outside_calendar(std::int64_t day, std::uint32_t row) {
  const Dataset& data = rule_.data_;
  NoteArgs args;
  args.count = day;
  args.dataset = data.schema().name;
  args.record_id = std::string(data.record_id(row));
  args.line = data.source_line(row);
  error_ = NotePart{NoteCode::DateOutsideCalendar, std::move(args)};
}

void RangeRun::lookup_absent(const ExprNode& node, const DenseTable& table, const std::int64_t* keys,
                             std::uint32_t row, std::int64_t& out) {
  const std::int32_t entry = table.find(keys);
  if (entry >= 0 && table.table().entries[static_cast<std::size_t>(entry)].value) {
    out = *table.table().entries[static_cast<std::size_t>(entry)].value;
    return;
  }
  ++buffers_->absent_lookups;
  // A figure the table lacks: a clear error naming table, key and record, never a fallback.
  const Dataset& data = rule_.data_;
  const ParamTable& t = table.table();
  // Only this record's group cannot be measured: the other groups of the rule are evaluated.
  out = kNull64;
  const std::uint32_t group = rule_.tags_[row] >> kStateBits;
  if (group_errors_.size() <= group) group_errors_.resize(group + 1);
  if (group_errors_[group]) return;
  NoteArgs args;
  args.table = t.name;
  for (std::size_t k = 0; k < node.args.size(); ++k) args.keys.emplace_back(t.key_names[k], std::to_string(keys[k]));
  if (t.file != nullptr) {
    args.where = t.file->path() + ":" +
                 std::to_string(t.file->line_of(entry >= 0 ? t.entries[static_cast<std::size_t>(entry)].offset : t.offset));
  }
  args.dataset = data.schema().name;
  args.record_id = std::string(data.record_id(row));
  args.origin = data.origin();
  args.line = data.source_line(row);
  group_errors_[group] = std::make_shared<const NotePart>(
      NotePart{entry >= 0 ? NoteCode::TableUnknown : NoteCode::TableLacksFor, std::move(args)});
}

template <std::size_t Dims>
bool RangeRun::lookup_dense(const ExprNode& node, const DenseTable& table, const std::int64_t* const* args,
                            const std::uint32_t* sel, std::size_t n, std::int64_t* out) {
  // The grid in locals: the compiler cannot keep it in registers across the stores to out[]
  // when it is read from the table's vectors.
  std::array<DenseTable::Axis, Dims> axes;
  for (std::size_t d = 0; d < Dims; ++d) axes[d] = table.axis(d);
  const std::int64_t* cells = table.cell_values();
  for (std::size_t i = 0; i < n; ++i) {
    std::array<std::int64_t, Dims> keys;
    bool missing_key = false, below = false;
    std::size_t cell = 0;
#pragma GCC unroll 8
    for (std::size_t d = 0; d < Dims; ++d) {
      const std::int64_t key = args[d][i];
      keys[d] = key;
      missing_key |= key == kNull64;
      below |= key < axes[d].low;
      // Unsigned: a key below the grid (or missing) gives a cell that is never read.
      const std::size_t index = key > axes[d].high ? axes[d].extent - 1
                                                   : static_cast<std::size_t>(static_cast<std::uint64_t>(key) -
                                                                              static_cast<std::uint64_t>(axes[d].low));
      cell = cell * axes[d].extent + index;
    }
    // Without a branch on the keys (cell 0 stands in for a cell outside the grid): only a
    // figure the table lacks, which is rare, takes the slow way.
    const bool outside = missing_key | below;
    const std::int64_t value = cells[outside ? 0 : cell];
    out[i] = outside ? kNull64 : value;
    if (out[i] == kNull64 && !missing_key) [[unlikely]] {
      lookup_absent(node, table, keys.data(), sel[i], out[i]);
    }
  }
  return true;
}

template <typename Period>
bool RangeRun::eval_period(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out,
                           Period period, std::uint32_t token) {
  const MonthTable& months = MonthTable::get();
  // Date arithmetic in a rule (contract_date + 3000000) can leave the calendar; cutting the
  // value to 32 bits gave a wrong year silently (robustness): an error instead. Only a day
  // outside the table's years (or missing) takes the slow way round.
  auto convert = [&](std::int64_t day, std::size_t i, std::uint32_t row) {
    if (months.covers(day)) [[likely]] {
      out[i] = period(months.in_table(day));
      return true;
    }
    if (day == kNull64) {
      out[i] = kNull64;
      return true;
    }
    constexpr std::int64_t kFirstDay = days_from_civil(1, 1, 1);
    constexpr std::int64_t kLastDay = days_from_civil(9999, 12, 31);
    if (day < kFirstDay || day > kLastDay) {
      report_date_outside_calendar(day, row);
      return false;
    }
    out[i] = period(months.of(static_cast<std::int32_t>(day)));
    return true;
  };
  const ExprNode& arg = rule_.rule_.pool.nodes[node.args[0]];
  const ColumnData* column = arg.op == NodeOp::Column ? &rule_.data_.column(arg.column) : nullptr;
  if (column != nullptr && column->type != ValueType::Money && !column->narrow) {
    // year(contract_date): straight from the column, without its 64-bit copy.
    const std::int32_t* values = column->values.data();
    bool ok = true;
    for_each_selected(sel, n, [&](std::size_t i, std::uint32_t row) {
      const std::int32_t v = values[row];
      ok = ok && convert(v == kNull32 ? kNull64 : v, i, row);
    });
    return ok;
  }
  if (!eval(node.args[0], sel, n, token)) return false;
  const std::int64_t* in = values_of(node.args[0]);
  for (std::size_t i = 0; i < n; ++i) {
    if (!convert(in[i], i, sel[i])) return false;
  }
  return true;
}

bool RangeRun::eval(std::uint32_t index, const std::uint32_t* sel, std::size_t n, std::uint32_t token) {
  // Token 0: a selection no other rule sees; else the node's values for this selection may be
  // there already (evaluated for another rule in this batch). A look-up that found no value
  // recorded an error for this rule's group: such values are not shared.
  const std::uint32_t canon = rule_.canon_[index];
  const std::uint64_t key = token == 0 ? 0 : buffers_->serial << 32 | token;
  if (key != 0 && buffers_->memo[canon] == key) return true;
  const std::size_t absent = buffers_->absent_lookups;
  const bool ok = eval_node(index, sel, n, token);
  buffers_->memo[canon] = ok && buffers_->absent_lookups == absent ? key : 0;
  return ok;
}

// A column's values of the selected rows, missing as kNull64.
bool RangeRun::read_column(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out) {
  const Dataset& data = rule_.data_;
  const ColumnData& column = data.column(node.column);
  if (column.type == ValueType::Money) {
    const std::int64_t* cents = column.cents.data();
    for_each_selected(sel, n, [&](std::size_t i, std::uint32_t row) { out[i] = cents[row]; });
  } else if (column.narrow) {
    const std::uint8_t* bytes = column.bytes.data();
    for_each_selected(sel, n, [&](std::size_t i, std::uint32_t row) {
      const std::uint8_t v = bytes[row];
      out[i] = v == kNull8 ? kNull64 : v;
    });
  } else {
    const std::int32_t* values = column.values.data();
    for_each_selected(sel, n, [&](std::size_t i, std::uint32_t row) {
      const std::int32_t v = values[row];
      out[i] = v == kNull32 ? kNull64 : v;
    });
  }
  return true;
}

// missing(column): 1 where the selected row has no value.
bool RangeRun::read_missing(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out) {
  const Dataset& data = rule_.data_;
  const ColumnData& column = data.column(node.column);
  if (column.text_storage == TextStorage::Raw && column.type == ValueType::Text) {
    for (std::size_t i = 0; i < n; ++i) out[i] = column.raw_text(sel[i]).empty();
  } else if (column.type == ValueType::Money) {
    for (std::size_t i = 0; i < n; ++i) out[i] = column.cents[sel[i]] == kNull64;
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = column.value(sel[i]) == kNull32;
  }
  return true;
}

// A parameter table looked up with the values of its key expressions.
bool RangeRun::eval_lookup(const ExprNode& node, const std::uint32_t* sel, std::size_t n, std::int64_t* out,
                           std::uint32_t token) {
  std::array<const std::int64_t*, 8> args{};
  for (std::size_t k = 0; k < node.args.size(); ++k) {
    if (!eval(node.args[k], sel, n, token)) return false;
    args[k] = values_of(node.args[k]);
  }
  const DenseTable& table = rule_.tables_[node.table];
  if (table.dense() && table.dimensions() == node.args.size()) {
    if (node.args.size() == 1) return lookup_dense<1>(node, table, args.data(), sel, n, out);
    if (node.args.size() == 2) return lookup_dense<2>(node, table, args.data(), sel, n, out);
  }
  std::array<std::int64_t, 8> keys{};
  for (std::size_t i = 0; i < n; ++i) {
    bool missing_key = false;
    for (std::size_t k = 0; k < node.args.size(); ++k) {
      keys[k] = args[k][i];
      missing_key = missing_key || keys[k] == kNull64;
    }
    if (missing_key) {
      out[i] = kNull64;
      continue;
    }
    out[i] = table.value_or_null(keys.data());
    if (out[i] == kNull64) lookup_absent(node, table, keys.data(), sel[i], out[i]);
  }
  return true;
}

// and, or (node `index`).
bool RangeRun::eval_and_or(std::uint32_t index, const ExprNode& node, const std::uint32_t* sel, std::size_t n,
                           std::int64_t* out, std::uint32_t token) {
  // Short-circuit per row: the right side only sees the rows the left side did not decide,
  // so a look-up on the right is never made for a row that does not need it.
  if (!eval(node.args[0], sel, n, token)) return false;
  const std::int64_t* a = values_of(node.args[0]);
  const bool is_and = node.op == NodeOp::And;
  std::uint32_t* sub = buffers_->selections[rule_.canon_[index]].data();
  // The loops without a branch: which rows are undecided is not predictable. And/or apart, so
  // that neither tests which it is per row.
  std::size_t m = 0;
  if (is_and) {
    for (std::size_t i = 0; i < n; ++i) {
      sub[m] = sel[i];
      m += a[i] == 1;
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      sub[m] = sel[i];
      m += a[i] != 1;
    }
  }
  if (m > 0 && !eval(node.args[1], sub, m, buffers_->token(token, rule_.canon_[node.args[0]], is_and ? 1 : 2)))
    return false;
  // b[j] is read for every row but decides only the undecided ones (for the others the left side
  // does: false for and, true for or); j < n <= kBatch.
  const std::int64_t* b = values_of(node.args[1]);
  std::size_t j = 0;
  if (is_and) {
    for (std::size_t i = 0; i < n; ++i) {
      const bool left = a[i] == 1;
      out[i] = left & (b[j] == 1);
      j += left;
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      const bool left = a[i] == 1;
      out[i] = left | (b[j] == 1);
      j += !left;
    }
  }
  return true;
}

bool RangeRun::eval_node(std::uint32_t index, const std::uint32_t* sel, std::size_t n, std::uint32_t token) {
  const ExprNode& node = rule_.rule_.pool.nodes[index];
  const Dataset& data = rule_.data_;
  std::int64_t* out = values_of(index);
  switch (node.op) {
    case NodeOp::Constant:
      std::fill(out, out + n, node.value);
      return true;
    case NodeOp::TextConstant:
      std::fill(out, out + n, rule_.text_codes_[index]);
      return true;
    case NodeOp::Column: return read_column(node, sel, n, out);
    case NodeOp::IsMissing: return read_missing(node, sel, n, out);
    case NodeOp::Year: return eval_period(node, sel, n, out, [](YearMonth date) -> std::int64_t { return date.year; }, token);
    case NodeOp::HalfOfYear:
      return eval_period(node, sel, n, out, [](YearMonth date) -> std::int64_t { return date.month <= 6 ? 1 : 2; }, token);
    case NodeOp::QuarterOfYear:
      return eval_period(node, sel, n, out, [](YearMonth date) -> std::int64_t { return (date.month + 2) / 3; }, token);
    case NodeOp::MonthOfYear:
      return eval_period(node, sel, n, out, [](YearMonth date) -> std::int64_t { return date.month; }, token);
    case NodeOp::Lookup: return eval_lookup(node, sel, n, out, token);
    case NodeOp::Add:
    case NodeOp::Subtract:
    case NodeOp::Multiply: {
      if (!eval(node.args[0], sel, n, token) || !eval(node.args[1], sel, n, token)) return false;
      const std::int64_t* a = values_of(node.args[0]);
      const std::int64_t* b = values_of(node.args[1]);
      for (std::size_t i = 0; i < n; ++i) {
        if (a[i] == kNull64 || b[i] == kNull64) {
          out[i] = kNull64;
          continue;
        }
        bool overflow = false;
        if (node.op == NodeOp::Add) overflow = __builtin_add_overflow(a[i], b[i], &out[i]);
        else if (node.op == NodeOp::Subtract) overflow = __builtin_sub_overflow(a[i], b[i], &out[i]);
        else overflow = __builtin_mul_overflow(a[i], b[i], &out[i]);
        if (overflow || out[i] == kNull64) {
          NoteArgs args;
          args.dataset = data.schema().name;
          args.record_id = std::string(data.record_id(sel[i]));
          error_ = NotePart{NoteCode::ArithmeticOverflow, std::move(args)};
          return false;
        }
      }
      return true;
    }
    case NodeOp::Negate: {
      if (!eval(node.args[0], sel, n, token)) return false;
      const std::int64_t* a = values_of(node.args[0]);
      for (std::size_t i = 0; i < n; ++i) out[i] = a[i] == kNull64 ? kNull64 : -a[i];
      return true;
    }
    case NodeOp::Compare: {
      if (!eval(node.args[0], sel, n, token) || !eval(node.args[1], sel, n, token)) return false;
      const std::int64_t* a = values_of(node.args[0]);
      const std::int64_t* b = values_of(node.args[1]);
      switch (node.compare_op) {
        case CompareOp::Lt: compare_rows(a, b, out, n, std::less<>{}); break;
        case CompareOp::Le: compare_rows(a, b, out, n, std::less_equal<>{}); break;
        case CompareOp::Eq: compare_rows(a, b, out, n, std::equal_to<>{}); break;
        case CompareOp::Ne: compare_rows(a, b, out, n, std::not_equal_to<>{}); break;
        case CompareOp::Ge: compare_rows(a, b, out, n, std::greater_equal<>{}); break;
        case CompareOp::Gt: compare_rows(a, b, out, n, std::greater<>{}); break;
      }
      return true;
    }
    case NodeOp::InSet: {
      if (!eval(node.args[0], sel, n, token)) return false;
      const std::int64_t* a = values_of(node.args[0]);
      const MemberSet& members = *rule_.sets_[index];
      for (std::size_t i = 0; i < n; ++i) out[i] = members.contains(a[i]);
      return true;
    }
    case NodeOp::Indicator: {
      if (!eval(node.args[0], sel, n, token)) return false;
      const std::int64_t* a = values_of(node.args[0]);
      for (std::size_t i = 0; i < n; ++i) out[i] = a[i] == 1 ? 1 : 0;  // missing counts as not holding
      return true;
    }
    case NodeOp::Not: {
      if (!eval(node.args[0], sel, n, token)) return false;
      const std::int64_t* a = values_of(node.args[0]);
      for (std::size_t i = 0; i < n; ++i) out[i] = a[i] == 1 ? 0 : 1;  // missing counts as false
      return true;
    }
    case NodeOp::And:
    case NodeOp::Or: return eval_and_or(index, node, sel, n, out, token);
  }
  return false;
}

}  // namespace toets::evaluation
