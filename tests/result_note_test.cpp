// A result's note is data (engine/data/result_note.hpp): codes and arguments, put into words by the
// word table in each language, pseudonymised on its ids, and kept by the store in a machine form
// that reads back as the same data. The expected sentences are the English the evaluator wrote
// before its notes were data, and the Dutch a reader should read (docs/reports.md).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/report/privacy.hpp"
#include "engine/report/report.hpp"
#include "engine/data/result_note.hpp"
#include "engine/base/sha256.hpp"

namespace toets {
namespace {

ResultNote one(NoteCode code, NoteArgs args = {}) {
  ResultNote note;
  note.add(code, std::move(args));
  return note;
}

NoteArgs table_args() {
  NoteArgs args;
  args.table = "limit";
  args.keys = {{"year", "2025"}, {"household_size", "2"}};
  args.where = "r.toets:10";
  args.dataset = "allocations";
  args.record_id = "A076";
  args.origin = "a.csv";
  args.line = 77;
  return args;
}

struct Case {
  ResultNote note;
  std::string english, dutch;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  out.push_back({one(NoteCode::NoLater), "no later period to compare with (yet)",
                 "(nog) geen latere periode om mee te vergelijken"});
  out.push_back({one(NoteCode::ExpectedGroup), "no records after the filter (an expected group)",
                 "geen records na het filter (een verwachte groep)"});
  out.push_back({one(NoteCode::NoData, dataset_args("mutations")), "no mutations data given (--data mutations=FILE)",
                 "geen mutaties gegeven (--data mutations=BESTAND)"});
  out.push_back({one(NoteCode::DivisorNoData, dataset_args("stock")),
                 "divides by a figure of stock: no stock data given (--data stock=FILE)",
                 "deelt door een getal uit de woningvoorraad: geen woningvoorraad gegeven (--data stock=BESTAND)"});
  out.push_back({one(NoteCode::NoDivisor, dataset_args("stock")), "no stock figure to divide by for this group",
                 "geen getal uit de woningvoorraad om door te delen voor deze groep"});
  NoteArgs baseline;
  baseline.date = 18993;  // 2022-01-01: 52 years of 365 days and 13 leap days since 1970-01-01
  out.push_back({one(NoteCode::BeforeBaseline, baseline), "before the baseline 2022-01-01",
                 "v\xC3\xB3\xC3\xB3r de nulmeting 01-01-2022"});
  NoteArgs scope = dataset_args("allocations");
  scope.municipality = "Dordrecht";
  scope.corporations = {"Trivire", "Woonbron"};
  out.push_back({one(NoteCode::NoneInScope, scope),
                 "no allocations rows in scope (municipality Dordrecht; corporations Trivire, Woonbron)",
                 "geen toewijzingen binnen het bereik (gemeente Dordrecht; corporaties Trivire, Woonbron)"});
  out.push_back({one(NoteCode::NoneInScope, dataset_args("allocations")), "no allocations rows in scope",
                 "geen toewijzingen binnen het bereik"});
  out.push_back({one(NoteCode::TableLacksFor, table_args()),
                 "parameter table 'limit' has no value for year 2025, household_size 2 (r.toets:10); needed for "
                 "allocations record 'A076' (a.csv:77)",
                 "parametertabel 'limit' heeft geen waarde voor jaar 2025, huishoudgrootte 2 (r.toets:10); nodig voor "
                 "record 'A076' van de toewijzingen (a.csv:77)"});
  NoteArgs later;
  later.count = 1;
  later.date = 20780;  // 2026-11-23: 2026-01-01 is day 20454 (56 years, 14 leap days), + 326
  ResultNote snapshots = one(NoteCode::LaterSnapshots, later);
  snapshots.add(NoteCode::OneSnapshot);
  out.push_back({snapshots, "1 snapshot(s) after the as-of date 2026-11-23 ignored; one snapshot only: no trend to project",
                 "1 peildatum/peildata na 23-11-2026, de peildatum van de meting, genegeerd; maar \xC3\xA9\xC3\xA9n "
                 "peildatum: geen trend om door te trekken"});
  // An expected group whose threshold cannot be found: two parts, said one after the other.
  ResultNote why = one(NoteCode::ExpectedGroup);
  NoteArgs lacks;
  lacks.table = "cap";
  lacks.keys = {{"corporation", "'W'"}};
  why.add(NoteCode::TableLacks, lacks);
  out.push_back({why, "no records after the filter (an expected group); parameter table 'cap' has no value for corporation 'W'",
                 "geen records na het filter (een verwachte groep); parametertabel 'cap' heeft geen waarde voor "
                 "corporatie 'W'"});
  // The divisor's own error, said of the divisor.
  ResultNote divisor = one(NoteCode::TableLacks, lacks);
  divisor.of_divisor = true;
  out.push_back({divisor, "the divisor: parameter table 'cap' has no value for corporation 'W'",
                 "de deler: parametertabel 'cap' heeft geen waarde voor corporatie 'W'"});
  // The errors that stop a rule, in both languages (they were English in Dutch reports too).
  out.push_back({one(NoteCode::SumOverflows), "the sum overflows", "de som is te groot om exact te berekenen (overloop)"});
  NoteArgs group_limit = dataset_args("stock");
  group_limit.count = 1000000;
  group_limit.record_id = "D9";
  group_limit.line = 12;
  out.push_back({one(NoteCode::TooManyGroups, group_limit),
                 "more than 1000000 groups (at stock record 'D9', line 12); group by fewer or coarser keys",
                 "meer dan 1000000 groepen (bij record 'D9' van de woningvoorraad, regel 12); groepeer op minder of "
                 "grovere sleutels"});
  NoteArgs overflow = dataset_args("allocations");
  overflow.record_id = "A3";
  out.push_back({one(NoteCode::ArithmeticOverflow, overflow), "arithmetic overflow for allocations record 'A3'",
                 "rekenkundige overloop bij record 'A3' van de toewijzingen"});
  // A rule of 2021 on lets of later years: none of its own period, said with the period.
  NoteArgs until = dataset_args("allocations");
  until.date_to = 18992;  // 2021-12-31: the day before 2022-01-01 (18993, above)
  out.push_back({one(NoteCode::NoneInPeriod, until), "no allocations records of the rule's own period (until 2021-12-31)",
                 "geen toewijzingen uit de eigen periode van de regel (tot en met 31-12-2021)"});
  NoteArgs both = dataset_args("stock");
  both.date = 18993;
  both.date_to = 20780;  // 2026-11-23 (above)
  out.push_back({one(NoteCode::NoneInPeriod, both),
                 "no stock records of the rule's own period (2022-01-01 to 2026-11-23)",
                 "geen woningvoorraad uit de eigen periode van de regel (01-01-2022 tot en met 23-11-2026)"});
  // Records, but no measure: said for what it is, never a bare no_data.
  out.push_back({one(NoteCode::NoValues), "records, but none with a value for the measure",
                 "records, maar geen ervan met een waarde voor de maatstaf"});
  out.push_back({one(NoteCode::NothingToDivide),
                 "the whole the measure divides by is 0 or less for this group: nothing to divide by",
                 "het geheel waardoor de maatstaf deelt is 0 of minder voor deze groep: niets om door te delen"});
  NoteArgs far_date = dataset_args("allocations");
  far_date.record_id = "A1";
  far_date.count = -8979515;
  far_date.line = 2;
  out.push_back({one(NoteCode::DateOutsideCalendar, far_date),
                 "a date outside the years 1 to 9999 (-8979515 days from 1970-01-01) for allocations record 'A1' (line 2)",
                 "een datum buiten de jaren 1 tot 9999 (-8979515 dagen vanaf 1970-01-01) bij record 'A1' van de "
                 "toewijzingen (regel 2)"});
  return out;
}

TEST(ResultNote, EachCodeReadsInEnglishAndDutch) {
  for (const Case& c : cases()) {
    EXPECT_EQ(note_text(c.note, Lang::En), c.english);
    EXPECT_EQ(note_text(c.note, Lang::Nl), c.dutch);
  }
  EXPECT_EQ(note_text(ResultNote{}, Lang::Nl), "");
}

TEST(ResultNote, AnArgumentIsNeverReadAsAPlace) {
  // A record id that reads like a place of the sentence stays as it is.
  NoteArgs args = table_args();
  args.record_id = "{origin}";
  EXPECT_EQ(note_text(one(NoteCode::TableUnknown, args), Lang::En),
            "parameter table 'limit' marks the value for year 2025, household_size 2 as unknown (r.toets:10); needed "
            "for allocations record '{origin}' (a.csv:77)");
}

TEST(ResultNote, PrivacyPseudonymisesTheRecordItNames) {
  ReportOptions options;
  options.pseudonym_key = "a key of sixteen characters";
  const Privacy privacy(options);
  NoteArgs args = table_args();
  args.record_id = "O'Brien-7";  // a quote in an id: the whole id is replaced all the same
  const ResultNote shown = privacy.note(one(NoteCode::TableLacksFor, args));
  const std::string expected = "p-" + hmac_sha256_hex(options.pseudonym_key, "O'Brien-7").substr(0, 12);
  EXPECT_EQ(shown.parts.at(0).args.record_id, expected);
  const std::string text = note_text(shown, Lang::En);
  EXPECT_EQ(text.find("Brien"), std::string::npos) << text;
  EXPECT_NE(text.find("record '" + expected + "'"), std::string::npos) << text;
  // Without a key nothing changes.
  EXPECT_EQ(Privacy(ReportOptions{}).note(one(NoteCode::TableLacksFor, args)).parts.at(0).args.record_id, "O'Brien-7");
}

TEST(ResultNote, TheStoresMachineFormReadsBackAsTheSameNote) {
  for (const Case& c : cases()) {
    const std::string stored = note_to_json(c.note);
    const auto read = note_from_json(stored);
    ASSERT_TRUE(read.has_value()) << stored;
    EXPECT_EQ(note_text(*read, Lang::En), c.english) << stored;
    EXPECT_EQ(note_text(*read, Lang::Nl), c.dutch) << stored;
    EXPECT_EQ(note_to_json(*read), stored);
  }
  EXPECT_EQ(note_to_json(one(NoteCode::NoData, dataset_args("stock"))), R"({"parts":[{"code":"no_data","dataset":"stock"}]})");
  // Not a note, or a code this toets does not know: no data, never a wrong sentence.
  EXPECT_FALSE(note_from_json("the sum overflows").has_value());
  EXPECT_FALSE(note_from_json(R"({"parts":[{"code":"from_the_future"}]})").has_value());
}

}  // namespace
}  // namespace toets
