// RecordBuilder, where every cell of every file form is checked and typed into a row or a
// rejection (declared in load_common.hpp, which the readers include).
//
// Speed: RecordBuilder is on the critical path of a load (a million rows in well under a second,
// loading included). Numbers and dates are parsed by hand into integers (money into cents, never
// through a double); a record is validated into a reused scratch row and appended only when valid;
// duplicate keys are found with an open-addressing index over row numbers whose probe is prefetched
// while the rest of the row is checked. Nothing is allocated per accepted row beyond the columns'
// growth.

#include "engine/input/load_common.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <utility>

#include "dsl/source/calendar.hpp"
#include "dsl/source/diagnostics.hpp"
#include "dsl/source/visible_text.hpp"
#include "engine/data/cell_values.hpp"
#include "engine/base/unicode_text.hpp"
#include "engine/data/value_rules.hpp"
#include "engine/words/reason_text.hpp"

namespace toets {

using namespace cell_values;

namespace {

using loading::is_plain_ascii;
using loading::is_valid_utf8;
using loading::join;
using loading::printable;

std::uint64_t mix(std::uint64_t value) {  // splitmix64's finaliser
  value ^= value >> 30;
  value *= 0xBF58476D1CE4E5B9ULL;
  value ^= value >> 27;
  value *= 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RecordBuilder


// An enum value as listed, found with one comparison: a table from a byte made of the text's
// length and first and last characters to the one value that has it (ColumnSchema::enum_index
// compares with every value in turn).
class EnumLookup {
 public:
  EnumLookup() { slots_.fill(kNone); }
  explicit EnumLookup(const std::vector<std::string>& values) : values_(&values) {
    slots_.fill(kNone);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i].empty()) continue;
      std::int16_t& slot = slots_[key(values[i])];
      slot = slot == kNone ? static_cast<std::int16_t>(i) : kSeveral;
    }
  }

  // The value's index, or -1. Inlined into the loops of the fast path (a call per enum cell).
  [[gnu::always_inline]] std::int64_t find(std::string_view text) const {
    const std::int16_t slot = slots_[key(text)];
    if (slot >= 0) {
      const std::string& value = (*values_)[static_cast<std::size_t>(slot)];
      return same_text(value, text) ? slot : -1;
    }
    if (slot == kNone) return -1;
    for (std::size_t i = 0; i < values_->size(); ++i) {
      if ((*values_)[i] == text) return static_cast<std::int64_t>(i);
    }
    return -1;
  }

 private:
  static constexpr std::int16_t kNone = -1;
  static constexpr std::int16_t kSeveral = -2;
  static std::uint8_t key(std::string_view text) {  // text is not empty
    return static_cast<std::uint8_t>(text.size() * 31 + static_cast<unsigned char>(text.front()) * 7 +
                                     static_cast<unsigned char>(text.back()));
  }
  const std::vector<std::string>* values_ = nullptr;
  std::array<std::int16_t, 256> slots_{};
};

struct RecordBuilder::Plan {
  const ColumnSchema* schema = nullptr;
  ColumnData* data = nullptr;
  FastKind fast = FastKind::None;
  EnumLookup enum_lookup;
  bool raw_text = false;
  bool dictionary_text = false;
  bool in_key = false;
  std::vector<std::size_t> completes_keys;  // keys whose last column (in schema order) this is
  std::string file_name;                    // the column's name in the file, when not canonical
  const ValueMap* values = nullptr;
  std::int32_t last_code = -1;  // dictionary text: consecutive rows often repeat a value
  // Dictionary text: the code last seen per small hash of a value's length and three of its
  // bytes. A column of names has few values, and a probe of the dictionary costs ten times this.
  std::array<std::int32_t, 256> recent_codes{};
  // The plausible range of a number, amount or date (the schema's min_value/max_value).
  std::int64_t low = std::numeric_limits<std::int64_t>::min();
  std::int64_t high = std::numeric_limits<std::int64_t>::max();
  std::array<char, 10> last_date{};  // a date column's last date as written (2026-03-31, 31-3-2026), its
  std::size_t last_date_size = 0;    // size (0: none yet) and its value
  std::int64_t last_date_value = 0;
};

// A set of columns whose values together may appear only once (a unique column, or a composite key
// such as stock's (dwelling_id, snapshot_date)).
struct RecordBuilder::Key {
  std::vector<std::size_t> columns;
  KeyRowIndex index;
  std::uint64_t hash = 0;  // of the record being built
  bool pending = false;    // to be probed for this record
};

namespace {

FastKind fast_kind_of(const ColumnSchema& column, const ValueForms& forms) {
  switch (column.type) {
    case ValueType::Text:
      return column.text_storage == TextStorage::Raw ? FastKind::RawId : FastKind::Text;
    case ValueType::Enum:
      return FastKind::Enum;
    case ValueType::Bool:
      return FastKind::Bool;
    case ValueType::Int:
      return FastKind::Int;
    case ValueType::Money:
      // With a decimal comma (read in export forms only) the point groups thousands: 1.234 is 1234
      // euros, not 1.23; the fast path takes amounts without groups, 612,35, and leaves 1.234,56
      // to the general checks.
      if (forms.decimal == '.') return FastKind::MoneyPoint;
      return forms.export_forms ? FastKind::MoneyComma : FastKind::None;
    case ValueType::Date:
      return FastKind::Date;
    case ValueType::Fraction:
      break;
  }
  return FastKind::None;
}

}  // namespace

RecordBuilder::RecordBuilder(const DatasetSchema& schema, const ValueForms& forms, LoadedDataset& out,
                             KeyCheck keys)
    : schema_(schema), forms_(forms), out_(out), key_check_(keys) {
  const std::size_t count = schema.columns.size();
  plans_.resize(count);
  for (std::uint32_t c = 0; c < count; ++c) {
    Plan& plan = plans_[c];
    plan.schema = &schema.columns[c];
    plan.data = &out.data.column(c);
    plan.recent_codes.fill(-1);
    plan.fast = fast_kind_of(*plan.schema, forms);
    if (plan.schema->min_value) plan.low = *plan.schema->min_value;
    if (plan.schema->max_value) plan.high = *plan.schema->max_value;
    if (plan.fast == FastKind::Enum) plan.enum_lookup = EnumLookup(plan.schema->enum_values);
    plan.raw_text = plan.schema->type == ValueType::Text && plan.schema->text_storage == TextStorage::Raw;
    plan.dictionary_text = plan.schema->type == ValueType::Text && !plan.raw_text;
    if (plan.schema->unique) keys_.push_back(Key{{c}, {}, 0, false});
  }
  if (!schema.unique_key.empty()) {
    Key key;
    key.columns.assign(schema.unique_key.begin(), schema.unique_key.end());
    keys_.push_back(std::move(key));
  }
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    const auto last = *std::max_element(keys_[k].columns.begin(), keys_[k].columns.end());
    plans_[last].completes_keys.push_back(k);
    for (const std::size_t c : keys_[k].columns) plans_[c].in_key = true;
  }
  deferred_.key_count = key_check_ == KeyCheck::Deferred ? keys_.size() : 0;
  cells_.assign(count, Cell{});
}

RecordBuilder::~RecordBuilder() = default;

void RecordBuilder::describe_column(std::uint32_t column, std::string file_name, const ValueMap* values) {
  Plan& plan = plans_[column];
  plan.file_name = file_name == plan.schema->name ? std::string() : std::move(file_name);
  plan.values = values != nullptr && !values->empty() ? values : nullptr;
  // A translated value is checked the slow way: the message must show the value as written.
  if (plan.values != nullptr) plan.fast = FastKind::None;
}

void RecordBuilder::reserve(std::size_t rows) { out_.data.reserve(rows); }

std::size_t RecordBuilder::row_count() const { return out_.data.row_count(); }

void RecordBuilder::restart() {
  deferred_.hashes.clear();
  deferred_.records.clear();
  for (Plan& plan : plans_) {  // the codes of a cleared dictionary
    plan.last_code = -1;
    plan.recent_codes.fill(-1);
  }
}

void RecordBuilder::start() {
  for (Cell& cell : cells_) {
    cell.text = std::string_view();
    cell.origin = CellOrigin::Text;
  }
}

void RecordBuilder::reject_record(std::uint64_t line, std::string column, std::string_view value, RejectionReason why,
                                  std::string_view record) {
  LoadReport& report = out_.report;
  ++report.rows_read;
  ++report.rows_rejected;
  std::string reason = english_reason(why);
  report.rejections.push_back(Rejection{line, std::move(column), printable(value), std::move(reason),
                                        std::string(loading::without_line_end(record)), std::move(why)});
}

void RecordBuilder::reject_record(std::uint64_t line, std::string column, std::string_view value, std::string reason,
                                  std::string_view record) {
  reject_record(line, std::move(column), value, RejectionReason{ReasonKind::Other, {}}.with("text", std::move(reason)),
                record);
}

bool RecordBuilder::problem(RejectionReason why) {
  problem_ = std::move(why);
  return false;
}

RejectionReason RecordBuilder::invalid_utf8_reason(std::string_view text) const {
  // Converted from Windows-1252: only a byte the code page does not define is left.
  if (forms_.windows_1252) return {ReasonKind::UndefinedByte, {}};
  // Read as UTF-8 because that was stated (or is the canonical form): a file with such a byte is
  // read as Windows-1252 when no encoding is stated.
  return toets::invalid_utf8_reason(text, forms_.export_forms ? "export" : "canonical");
}

void RecordBuilder::add_file_name(std::size_t c, RejectionReason& why) const {
  if (!plans_[c].file_name.empty()) why.with("file_column", printable(plans_[c].file_name));
}


namespace {

bool is_digit_run(const char* begin, const char* end) {
  for (; begin < end; ++begin) {
    if (!is_digit(*begin)) return false;
  }
  return true;
}

std::uint64_t digits_value(const char* begin, const char* end) {
  std::uint64_t value = 0;
  for (; begin < end; ++begin) value = value * 10 + static_cast<std::uint64_t>(*begin - '0');
  return value;
}

}  // namespace

// A cell in a form of exports only (1.234,56, € 612,35, 31-03-2026, ja, Vrije sector): what
// validate_typed accepts in export forms, by the same parser, so that a whole export is stored a
// batch at a time. Nothing in canonical forms; a value out of range is left to validate_typed.
bool RecordBuilder::export_cell(const Plan& plan, std::string_view text, std::int64_t& number) const {
  if (!forms_.export_forms) return false;
  ParseResult result = ParseResult::Malformed;
  switch (plan.schema->type) {
    case ValueType::Int:
      result = parse_int_export(text, forms_.decimal, number);
      break;
    case ValueType::Money:
      result = parse_money_export(text, forms_.decimal, number);
      break;
    case ValueType::Date:
      result = parse_date_export(text, number);
      break;
    case ValueType::Bool:
      result = parse_bool_export(text, number);
      break;
    case ValueType::Enum:
      if (const auto index = enum_index_export(*plan.schema, text)) {
        number = *index;
        result = ParseResult::Ok;
      }
      break;
    default:
      break;
  }
  return result == ParseResult::Ok && number >= plan.low && number <= plan.high;
}

// The common cells of a well-formed file, accepted without the general checks: plain ASCII text,
// an enum value as listed, true/false/1/0, a short whole number, an amount like -612.35 (or
// -612,35 where the decimal mark is a comma) without thousands groups, a date YYYY-MM-DD; in an
// export also the forms of exports (export_cell).
// Everything it accepts, validate_typed accepts with the same value (the cell cases of
// tests/csv_reader_test.cpp and tests/dialect_test.cpp hold them to that); whatever it is not sure
// of goes to validate_typed, which alone gives reasons. A third of a load's time went there.
template <FastKind kKind>
[[gnu::always_inline]] inline bool RecordBuilder::fast_cell_as(Plan& plan, std::string_view text,
                                                              std::int64_t& number) const {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if constexpr (kKind == FastKind::None) {
    return false;
  } else if constexpr (kKind == FastKind::Text) {
    // A cell of spaces is missing, not a name: the general path says so.
    return text.front() != ' ' && (record_plain_ || is_plain_ascii(text));
  } else if constexpr (kKind == FastKind::RawId) {
    // An export's id in scientific notation (5,99E+14) has lost digits: the general path says so.
    if (forms_.export_forms && text.size() >= 6 && (text[1] == ',' || text[1] == '.')) return false;
    return text.front() != ' ' && (record_plain_ || is_plain_ascii(text));
  } else if constexpr (kKind == FastKind::Enum) {
    number = plan.enum_lookup.find(text);
    return number >= 0 || export_cell(plan, text, number);
  } else if constexpr (kKind == FastKind::Bool) {
    if (text.size() == 1 && (text[0] == '0' || text[0] == '1')) {
      number = text[0] - '0';
      return true;
    }
    // Compared as words, not with memcmp: a call per cell of five columns was 3% of a load.
    if (text.size() == 4 && same_bytes(text.data(), "true", 4)) {
      number = 1;
      return true;
    }
    if (text.size() == 5 && same_bytes(text.data(), "false", 5)) {
      number = 0;
      return true;
    }
    return export_cell(plan, text, number);
  } else if constexpr (kKind == FastKind::Int) {
    const bool negative = *begin == '-';
    const char* digits = begin + (negative ? 1 : 0);
    // Nine digits always fit in an int32 and never meet kNull32.
    if (digits == end || end - digits > 9 || !is_digit_run(digits, end)) return export_cell(plan, text, number);
    const auto magnitude = static_cast<std::int64_t>(digits_value(digits, end));
    number = negative ? -magnitude : magnitude;
    return number >= plan.low && number <= plan.high;
  } else if constexpr (kKind == FastKind::MoneyPoint || kKind == FastKind::MoneyComma) {
    constexpr char kMark = kKind == FastKind::MoneyPoint ? '.' : ',';
    const bool negative = *begin == '-';
    const char* digits = begin + (negative ? 1 : 0);
    const char* whole_end = digits;
    while (whole_end < end && is_digit(*whole_end)) ++whole_end;
    // Fifteen digits of euros always fit in cents.
    if (whole_end == digits || whole_end - digits > 15) return export_cell(plan, text, number);
    std::int64_t cents = static_cast<std::int64_t>(digits_value(digits, whole_end)) * 100;
    if (whole_end != end) {
      const std::ptrdiff_t decimals = end - whole_end - 1;
      if (*whole_end != kMark || decimals < 1 || decimals > 2 || !is_digit_run(whole_end + 1, end)) {
        return export_cell(plan, text, number);
      }
      const auto fraction = static_cast<std::int64_t>(digits_value(whole_end + 1, end));
      cents += decimals == 1 ? fraction * 10 : fraction;
    }
    number = negative ? -cents : cents;
    return number >= plan.low && number <= plan.high;
  } else {
    static_assert(kKind == FastKind::Date);
    // Dates repeat from row to row (every row of a stock snapshot has its date), in either form.
    if (text.size() == plan.last_date_size && std::memcmp(text.data(), plan.last_date.data(), text.size()) == 0) {
      number = plan.last_date_value;
      return true;
    }
    if (parse_date(text, number) == ParseResult::Ok) {
      if (number < plan.low || number > plan.high) return false;
    } else if (!export_cell(plan, text, number)) {
      return false;
    }
    if (text.size() <= plan.last_date.size()) {
      std::memcpy(plan.last_date.data(), text.data(), text.size());
      plan.last_date_size = text.size();
      plan.last_date_value = number;
    }
    return true;
  }
}

// Calls `run.template operator()<kind>()` with the column's fast kind as a constant, so that a
// loop over a column's cells is compiled once per kind with no switch inside.
template <typename Run>
[[gnu::always_inline]] inline decltype(auto) with_fast_kind(FastKind kind, Run&& run) {
  switch (kind) {
    case FastKind::Text: return run.template operator()<FastKind::Text>();
    case FastKind::RawId: return run.template operator()<FastKind::RawId>();
    case FastKind::Enum: return run.template operator()<FastKind::Enum>();
    case FastKind::Bool: return run.template operator()<FastKind::Bool>();
    case FastKind::Int: return run.template operator()<FastKind::Int>();
    case FastKind::MoneyPoint: return run.template operator()<FastKind::MoneyPoint>();
    case FastKind::MoneyComma: return run.template operator()<FastKind::MoneyComma>();
    case FastKind::Date: return run.template operator()<FastKind::Date>();
    case FastKind::None: break;
  }
  return run.template operator()<FastKind::None>();
}

[[gnu::always_inline]] inline bool RecordBuilder::fast_cell(Plan& plan, std::string_view text,
                                                           std::int64_t& number) const {
  return with_fast_kind(plan.fast, [&]<FastKind kKind>() { return fast_cell_as<kKind>(plan, text, number); });
}

// Inlined into validate_cell: it runs for every cell of every row.
[[gnu::always_inline]] inline bool RecordBuilder::validate_typed(std::size_t c, std::string_view text) {
  const Plan& plan = plans_[c];
  const ColumnSchema& column = *plan.schema;
  const CellOrigin origin = cells_[c].origin;
  // JSON numbers and booleans are canonical tokens whatever the dialect.
  const bool export_forms = forms_.export_forms && origin == CellOrigin::Text;
  const char decimal = forms_.decimal;
  std::int64_t& number = cells_[c].number;
  switch (column.type) {
    case ValueType::Int: {
      const ParseResult result = export_forms ? parse_int_export(text, decimal, number) : parse_int(text, number);
      if (result != ParseResult::Ok) return problem(value_rules::whole_number_problem(result, decimal));
      return within_range(plan, number);
    }
    case ValueType::Money: {
      const ParseResult result = export_forms ? parse_money_export(text, decimal, number) : parse_money(text, number);
      if (result != ParseResult::Ok) return problem(value_rules::amount_problem(result, text, export_forms, decimal));
      return within_range(plan, number);
    }
    case ValueType::Date: {
      if (origin == CellOrigin::JsonNumber) return problem({ReasonKind::DateAsNumber, {}});
      const ParseResult result = export_forms ? parse_date_export(text, number) : parse_date(text, number);
      if (result != ParseResult::Ok) return problem(value_rules::date_problem(result, export_forms));
      return within_range(plan, number);
    }
    case ValueType::Bool:
      if ((export_forms ? parse_bool_export(text, number) : parse_bool(text, number)) != ParseResult::Ok) {
        return problem(RejectionReason{ReasonKind::NotABoolean, {}}.with("forms", export_forms ? "export" : "canonical"));
      }
      return true;
    case ValueType::Enum: {
      const auto index = export_forms ? enum_index_export(column, text) : column.enum_index(text);
      if (!index) {
        return problem(RejectionReason{ReasonKind::UnknownValue, {}}
                           .with("column", column.name)
                           .with("value", printable(text))
                           .with("allowed", join(column.enum_values))
                           .with("mapped", plan.values != nullptr ? "yes" : "no"));
      }
      number = *index;
      return true;
    }
    case ValueType::Text:
      // Text cells are names and ids; a NUL byte is binary data (a corrupt export), never a name.
      if (text.find('\0') != std::string_view::npos) return problem({ReasonKind::NulByte, {}});
      if (!is_valid_utf8(text)) return problem(invalid_utf8_reason(text));
      if (plan.raw_text) {
        if (origin == CellOrigin::JsonNumber && text.find_first_of(".eE") != std::string_view::npos) {
          return problem({ReasonKind::IdWithFraction, {}});
        }
        if (forms_.export_forms && looks_like_scientific_notation(text)) return problem({ReasonKind::IdScientific, {}});
      }
      return true;
    case ValueType::Fraction:
      break;
  }
  return problem(RejectionReason{ReasonKind::Other, {}}.with("text", "a percentage cannot be a column"));
}

// A checked number against its column's plausible range (docs/data-input.md).
inline bool RecordBuilder::within_range(const Plan& plan, std::int64_t value) {
  if (value >= plan.low && value <= plan.high) return true;
  return problem(value_rules::range_problem(*plan.schema, value));
}

// Checks one cell into the scratch row; on a problem says why in problem_ and returns false.
[[gnu::always_inline]] inline bool RecordBuilder::validate_cell(Plan& plan, Cell& cell, std::size_t c) {
  std::string_view text = cell.text;
  if (plan.values != nullptr) [[unlikely]] {
    cell.original = text;
    if (const auto found = plan.values->find(text); found != plan.values->end()) {
      text = found->second;
      cell.text = text;
    }
  }
  if (!text.empty() && (cell.origin != CellOrigin::Text || !fast_cell(plan, text, cell.number))) {
    // Spaces of any kind and invisible characters are nothing: such a cell is missing.
    if (!is_blank_text(text)) {
      if (!validate_typed(c, text)) return false;
      if (plan.in_key) [[unlikely]] note_key_cell(c, text);
      return true;
    }
    text = std::string_view();
    cell.text = text;
  }
  if (text.empty()) {
    if (plan.schema->required) return problem({ReasonKind::MissingValue, {}});
    cell.number = plan.schema->type == ValueType::Money ? kNull64 : kNull32;
    return true;
  }
  if (plan.in_key) [[unlikely]] note_key_cell(c, text);
  return true;
}

// A valid cell of a key column: its hash; and when it completes a key (its last column in schema
// order), the key's hash, whose probe is started now and finished after the row is checked.
void RecordBuilder::note_key_cell(std::size_t c, std::string_view text) {
  cells_[c].hash = key_cell_hash(plans_[c].schema->type, text, cells_[c].number);
  for (const std::size_t k : plans_[c].completes_keys) {
    Key& key = keys_[k];
    bool complete = true;
    for (const std::size_t kc : key.columns) complete = complete && !cells_[kc].text.empty();
    if (!complete) continue;  // an optional key column left empty: not a key value
    key.hash = key_hash(key);
    key.index.prefetch(key.hash);
    key.pending = true;
  }
}

namespace {

// The hash of a key from cell_hash(column) of each of its columns.
template <typename CellHash>
std::uint64_t hash_of_key(const std::vector<std::size_t>& columns, CellHash&& cell_hash) {
  std::array<std::uint64_t, 8> cells{};
  const std::size_t count = std::min(columns.size(), cells.size());
  for (std::size_t i = 0; i < count; ++i) cells[i] = cell_hash(columns[i]);
  return combine_key_hashes(cells.data(), count);
}

}  // namespace

std::uint64_t RecordBuilder::key_hash(const Key& key) const {
  return hash_of_key(key.columns, [&](std::size_t c) { return cells_[c].hash; });
}

std::uint64_t key_cell_hash(ValueType type, std::string_view text, std::int64_t value) {
  return type == ValueType::Text ? hash_text(text) : mix(static_cast<std::uint64_t>(value));
}

std::uint64_t combine_key_hashes(const std::uint64_t* cell_hashes, std::size_t count) {
  std::uint64_t hash = cell_hashes[0];
  for (std::size_t i = 1; i < count; ++i) hash = mix(hash ^ (cell_hashes[i] + 0x9E3779B97F4A7C15ULL));
  return hash == DeferredKeys::kNoKeyValue ? 1 : hash;
}

// The accepted row that already holds this record's values of `key`, if any.
std::optional<std::size_t> RecordBuilder::find_earlier(const Key& key, std::uint64_t hash) const {
  return key.index.find(hash, [&](std::size_t row) {
    for (const std::size_t c : key.columns) {
      const Plan& plan = plans_[c];
      const ColumnData& data = *plan.data;
      bool same = false;
      if (plan.raw_text) {
        same = data.raw_text(row) == cells_[c].text;
      } else if (plan.dictionary_text) {
        same = data.dictionary.value(data.values[row]) == cells_[c].text;
      } else if (plan.schema->type == ValueType::Money) {
        same = data.cents[row] == cells_[c].number;
      } else {
        same = data.value(row) == cells_[c].number;
      }
      if (!same) return false;
    }
    return true;
  });
}

void RecordBuilder::raw_text_too_long(const ColumnSchema& column) const {
  throw DataFileError(toets::raw_text_too_long(out_.report.file, column.name));
}

// The row is valid: only now does any column change.
[[gnu::always_inline]] inline void RecordBuilder::append_row(std::uint64_t line) {
  const std::size_t row = out_.data.row_count();
  Plan* const plans = plans_.data();
  const Cell* const cells = cells_.data();
  const std::size_t count = plans_.size();
  for (std::size_t c = 0; c < count; ++c) {
    Plan& plan = plans[c];
    ColumnData& data = *plan.data;
    const Cell& cell = cells[c];
    if (!data.kept) continue;  // checked, not stored
    if (plan.raw_text) {
      data.raw.append(cell.text);
      if (data.raw.size() > kMaxRawTextBytes) raw_text_too_long(*plan.schema);
      data.raw_offsets.push_back(static_cast<std::uint32_t>(data.raw.size()));
    } else if (plan.dictionary_text) {
      data.values.push_back(cell.text.empty() ? kNull32 : dictionary_code(plan, cell.text));
    } else if (plan.schema->type == ValueType::Money) {
      data.cents.push_back(cell.number);
    } else {
      data.push_value(static_cast<std::int32_t>(cell.number));
    }
  }
  if (key_check_ == KeyCheck::Deferred) {
    for (const Key& key : keys_) deferred_.hashes.push_back(key.pending ? key.hash : DeferredKeys::kNoKeyValue);
  } else {
    for (Key& key : keys_) {
      if (key.pending) key.index.insert(key.hash, row);
    }
  }
  out_.data.commit_row(line);
}

bool RecordBuilder::finish(std::uint64_t line, std::string_view record) {
  if (line > kMaxLine) {
    throw DataFileError(out_.report.file + ": more than " + std::to_string(kMaxLine) + " lines");
  }
  if (key_check_ == KeyCheck::Immediate && out_.data.row_count() >= kMaxRowsPerFile) {
    throw DataFileError(out_.report.file + ":" + std::to_string(line) + ": too many rows: at most " +
                        std::to_string(kMaxRowsPerFile) + " per file");
  }
  for (Key& key : keys_) key.pending = false;

  // Keys are probed only after the other cells are checked, so the probe's cache miss overlaps
  // that work.
  std::optional<std::size_t> failed;
  Plan* const plans = plans_.data();
  Cell* const cells = cells_.data();
  const std::size_t count = plans_.size();
  for (std::size_t c = 0; c < count; ++c) {
    if (!validate_cell(plans[c], cells[c], c)) {
      failed = c;
      break;
    }
  }
  for (const Key& key : keys_) {
    // A row is checked cell by cell first; only a row whose cells are all valid is checked for a
    // repeated key (as the CSV reader, which checks keys when it joins its chunks, must).
    if (!key.pending || key_check_ == KeyCheck::Deferred || failed) continue;
    const auto earlier = find_earlier(key, key.hash);
    if (!earlier) continue;
    std::vector<std::string> names;
    std::vector<std::string> values;
    for (const std::size_t c : key.columns) {
      names.push_back(plans_[c].schema->name);
      values.emplace_back(cells_[c].text);
    }
    loading::DuplicateKey duplicate = loading::describe_duplicate_key(names, values, out_.data.source_line(*earlier));
    reject_record(line, std::move(duplicate.columns), duplicate.values, std::move(duplicate.why), record);
    return false;
  }
  if (failed) {
    const std::size_t c = *failed;
    const std::string_view value = plans_[c].values != nullptr ? cells_[c].original : cells_[c].text;
    // An amount, date or number that fails on a byte of another encoding (0x80, the euro sign in
    // Windows-1252) is about the encoding, not the form of the value: say that.
    if (plans_[c].schema->type != ValueType::Text && !is_valid_utf8(value)) problem_ = invalid_utf8_reason(value);
    add_file_name(c, problem_);
    reject_record(line, plans_[c].schema->name, value, std::move(problem_), record);
    return false;
  }
  append_row(line);
  if (key_check_ == KeyCheck::Deferred) deferred_.records.push_back(record);
  ++out_.report.rows_read;
  ++out_.report.rows_accepted;
  return true;
}

void RecordBuilder::finish_batch(RecordBatch& batch) {
  const std::size_t rows = batch.rows;
  batch.rows = 0;
  const std::size_t count = plans_.size();
  bool value_maps = false;
  for (const Plan& plan : plans_) value_maps = value_maps || plan.values != nullptr;
  const auto one_by_one = [&](std::size_t row) {
    for (std::size_t c = 0; c < count; ++c) set(static_cast<std::uint32_t>(c), batch.text(c, row));
    record_plain_ = batch.ascii[row];
    finish(batch.lines[row], batch.records[row]);
  };
  // Translated values and keys checked at once are the general path's (finish), record by record.
  if (value_maps || key_check_ != KeyCheck::Deferred) {
    for (std::size_t row = 0; row < rows; ++row) one_by_one(row);
    return;
  }

  // Column by column: each column's cells checked in a loop compiled for its kind (fast_cell_as).
  // A row any cell of which it cannot accept is left to finish().
  std::array<bool, RecordBatch::kRows> accepted;
  accepted.fill(true);
  batch_numbers_.resize(count * RecordBatch::kRows);
  for (std::size_t c = 0; c < count; ++c) {
    Plan& plan = plans_[c];
    const std::string_view* texts = &batch.text(c, 0);
    std::int64_t* numbers = &batch_numbers_[c * RecordBatch::kRows];
    const bool required = plan.schema->required;
    const std::int64_t missing = plan.schema->type == ValueType::Money ? kNull64 : kNull32;
    with_fast_kind(plan.fast, [&]<FastKind kKind>() {
      for (std::size_t row = 0; row < rows; ++row) {
        if constexpr (kKind == FastKind::Text || kKind == FastKind::RawId) record_plain_ = batch.ascii[row];
        if (texts[row].empty()) {
          numbers[row] = missing;
          accepted[row] = accepted[row] && !required;
        } else {
          accepted[row] = fast_cell_as<kKind>(plan, texts[row], numbers[row]) && accepted[row];
        }
      }
    });
  }
  // In file order: runs of accepted rows are stored column by column, the others one by one.
  std::size_t run_start = 0;
  for (std::size_t row = 0; row < rows; ++row) {
    if (accepted[row] && batch.lines[row] <= kMaxLine) continue;
    append_batch_rows(batch, run_start, row);
    one_by_one(row);
    run_start = row + 1;
  }
  append_batch_rows(batch, run_start, rows);
}

// Rows [first, end) of the batch, every cell of which fast_cell accepted, as append_row stores
// them (deferred keys included).
void RecordBuilder::append_batch_rows(const RecordBatch& batch, std::size_t first, std::size_t end) {
  if (first == end) return;
  const std::size_t count = plans_.size();
  const auto number = [&](std::size_t c, std::size_t row) { return batch_numbers_[c * RecordBatch::kRows + row]; };
  const auto text = [&](std::size_t c, std::size_t row) { return batch.text(c, row); };
  for (std::size_t row = first; row < end; ++row) {
    const auto cell_hash = [&](std::size_t c) {
      return key_cell_hash(plans_[c].schema->type, text(c, row), number(c, row));
    };
    for (const Key& key : keys_) {
      // As note_key_cell: a key with an empty (optional) cell has no value to repeat.
      const bool complete =
          std::all_of(key.columns.begin(), key.columns.end(), [&](std::size_t c) { return !text(c, row).empty(); });
      deferred_.hashes.push_back(complete ? hash_of_key(key.columns, cell_hash) : DeferredKeys::kNoKeyValue);
    }
  }
  // Each column grows once for the run of rows and is written in place: a push_back per cell
  // (a capacity check each, a call for narrow columns) was a tenth of a load's instructions.
  const std::size_t n = end - first;
  for (std::size_t c = 0; c < count; ++c) {
    Plan& plan = plans_[c];
    ColumnData& data = *plan.data;
    if (!data.kept) continue;
    if (plan.raw_text) {
      std::uint32_t* offsets = grow_by(data.raw_offsets, n);
      for (std::size_t row = first; row < end; ++row) {
        data.raw.append(text(c, row));
        *offsets++ = static_cast<std::uint32_t>(data.raw.size());
      }
      if (data.raw.size() > kMaxRawTextBytes) raw_text_too_long(*plan.schema);
    } else if (plan.dictionary_text) {
      std::int32_t* codes = grow_by(data.values, n);
      for (std::size_t row = first; row < end; ++row) {
        const std::string_view value = text(c, row);
        *codes++ = value.empty() ? kNull32 : dictionary_code(plan, value);
      }
    } else if (plan.schema->type == ValueType::Money) {
      std::int64_t* cents = grow_by(data.cents, n);
      for (std::size_t row = first; row < end; ++row) *cents++ = number(c, row);
    } else if (data.narrow) {
      std::uint8_t* bytes = grow_by(data.bytes, n);
      for (std::size_t row = first; row < end; ++row) {
        const auto value = static_cast<std::int32_t>(number(c, row));
        *bytes++ = value == kNull32 ? kNull8 : static_cast<std::uint8_t>(value);
      }
    } else {
      std::int32_t* values = grow_by(data.values, n);
      for (std::size_t row = first; row < end; ++row) *values++ = static_cast<std::int32_t>(number(c, row));
    }
  }
  for (std::size_t row = first; row < end; ++row) out_.data.commit_row(batch.lines[row]);
  deferred_.records.insert(deferred_.records.end(), batch.records.begin() + static_cast<std::ptrdiff_t>(first),
                           batch.records.begin() + static_cast<std::ptrdiff_t>(end));
  out_.report.rows_read += end - first;
  out_.report.rows_accepted += end - first;
}

std::int32_t RecordBuilder::dictionary_code(Plan& plan, std::string_view text) {
  const TextDictionary& dictionary = plan.data->dictionary;
  if (plan.last_code >= 0 && same_text(dictionary.value(plan.last_code), text)) return plan.last_code;
  const std::size_t size = text.size();  // not empty
  const auto byte = [&](std::size_t at) { return static_cast<std::size_t>(static_cast<unsigned char>(text[at])); };
  std::int32_t& recent = plan.recent_codes[(size * 31 + byte(0) * 7 + byte(size / 2) * 3 + byte(size - 1)) & 0xFF];
  if (recent < 0 || !same_text(dictionary.value(recent), text)) recent = plan.data->dictionary.intern(text);
  plan.last_code = recent;
  return recent;
}

}  // namespace toets
