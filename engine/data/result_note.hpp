#pragma once
// A result's note as data: why it was not evaluated, the error that stopped it, or a remark on
// it, as codes with their arguments. The evaluator writes no sentence; each report renders the
// codes in its language from the one word table (engine/words/result_note_words.cpp), and Privacy
// pseudonymises the record ids among the arguments (never by searching text).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace toets {

// One kind of note; the word table's key of each is in result_note_words.cpp.
enum class NoteCode : std::uint8_t {
  NoData,               // no `dataset` data given
  DivisorNoData,        // the divisor's `dataset` was not given
  NoRows,               // the `dataset` data has no rows
  NoneInScope,          // no `dataset` rows in scope (`municipality`, `corporations`)
  NonePass,             // no `dataset` records pass the rule's filter
  NoneInPeriod,         // no `dataset` records of the rule's own period (from `date`, until `date_to`; 0: open)
  AfterFilter,          // no records after the filter
  AllExempt,            // every record of this group is exempt
  NoValues,             // records, but none with a value for the measure (a sum or average)
  NothingToDivide,      // the whole a ratio divides by is 0 or less for this group
  ExpectedGroup,        // an expected group with no records after the filter
  ExpectedUnseen,       // ... and the data never uses its name
  ExpectedUnseenWould,  // ... and counted as 0 it would fall short of `threshold`
  ExpectedZero,         // ... counted as 0
  NoDivisor,            // no `dataset` figure to divide by for this group
  TableUnknown,         // parameter `table` marks the value for `keys` unknown (`where`), needed for a record
  TableLacksFor,        // parameter `table` has no value for `keys` (`where`), needed for a record
  TableLacks,           // parameter `table` has no value for the group's `keys`
  ThresholdTooBig,      // the `threshold` does not fit in 64 bits for this group
  NoBaseline,           // no measure at or before the baseline `date`
  BeforeBaseline,       // the group lies before the baseline `date`
  NoEarlier,            // no earlier period to compare with
  NoLater,              // no later period to compare with (yet)
  LaterSnapshots,       // `count` snapshots after the as-of `date` ignored
  OneSnapshot,          // one snapshot only: no trend to project
  SumOverflows,         // the sum overflows
  ArithmeticOverflow,   // arithmetic overflow for a `dataset` record
  DateOutsideCalendar,  // a date (`count` days from 1970-01-01) outside the years 1 to 9999, for a record
  TooManyGroups,        // more than `count` groups, at a record
};

// A note's arguments; each code uses the few its description names.
struct NoteArgs {
  std::string dataset;                                      // "allocations"
  std::string record_id;                                    // the record it concerns, or ""
  std::string origin;                                       // the record's file ("" : a line of its own store table)
  std::uint64_t line = 0;                                   // the record's line
  std::string table;                                        // a parameter table
  std::vector<std::pair<std::string, std::string>> keys;    // key name, value as written (2024, 'W', (missing))
  std::string where;                                        // the table's file:line, or ""
  std::string threshold;                                    // a threshold as written
  std::int64_t count = 0;
  std::int32_t date = 0;                                    // days since 1970-01-01
  std::int32_t date_to = 0;                                 // the end of a period, as `date`
  std::string municipality;                                 // a rule's scope
  std::vector<std::string> corporations;
};

// The arguments of a note that names only a dataset.
inline NoteArgs dataset_args(std::string dataset) {
  NoteArgs args;
  args.dataset = std::move(dataset);
  return args;
}

struct NotePart {
  NoteCode code = NoteCode::NoData;
  NoteArgs args;
};

// What a result says besides its figures: parts said one after the other ("; "), all of them
// about the rule's divisor when of_divisor ("the divisor: ...").
struct ResultNote {
  std::vector<NotePart> parts;
  bool of_divisor = false;

  bool empty() const { return parts.empty(); }
  void add(NoteCode code, NoteArgs args = {}) { parts.push_back({code, std::move(args)}); }
};

// The note as the store keeps it (result_note_json.cpp): {"parts": [{"code": "no_data", "dataset":
// "stock"}], "of_divisor": true}, codes by stable name, only the arguments a part has.
std::string note_to_json(const ResultNote& note);
// Read back; nullopt for text that is not such a note (or names a code this toets does not know).
std::optional<ResultNote> note_from_json(std::string_view text);

}  // namespace toets
