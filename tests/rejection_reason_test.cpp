// Rejection reasons are data (engine/data/rejection_reason.hpp): a kind and its details, said in the
// report's language from the word table, carried by the JSON report, kept by the store (and read
// back from a store written before the kinds existed).

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/report_check.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/report/privacy.hpp"
#include "engine/report/rejection_groups.hpp"
#include "engine/data/rejection_reason.hpp"
#include "engine/report/report.hpp"
#include "engine/report/report_common.hpp"
#include "engine/base/sha256.hpp"
#include "engine/store/store.hpp"
#include "tests/support/scratch_folder.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

// One reason of every kind, with the details its readers give it.
std::vector<RejectionReason> one_of_each_kind() {
  using K = ReasonKind;
  const auto r = [](K kind) { return RejectionReason{kind, {}}; };
  return {
      r(K::MissingValue),
      r(K::NotWholeNumber),
      r(K::NumberTooLong),
      r(K::TooManyDecimals).with("example", "612,35"),
      r(K::AmountTooLarge),
      r(K::NotAnAmount).with("forms", "comma").with("reads_as", "point"),
      r(K::InconsistentGrouping).with("decimal", "comma"),
      r(K::OutOfRange).with("column", "household_size").with("type", "int").with("min", "1").with("max", "20"),
      r(K::NegativeAmount).with("column", "rent").with("type", "money").with("min", "0.01").with("max", "10000.00"),
      r(K::NotADate).with("forms", "export"),
      r(K::NoSuchDate).with("forms", "export"),
      r(K::DateAsNumber),
      r(K::NotABoolean).with("forms", "export"),
      r(K::UnknownValue).with("column", "segment").with("value", "x").with("allowed", "sociaal").with("mapped", "yes"),
      r(K::NulByte),
      r(K::InvalidUtf8).with("byte", "0x80").with("windows_1252", "\xE2\x82\xAC").with("advice", "export"),
      r(K::UndefinedByte),
      r(K::IdWithFraction),
      r(K::IdScientific),
      r(K::DuplicateKey).with("columns", "allocation_id").with("shown", "'A1'").with("first_line", "3").with("composite", "no"),
      r(K::SecondRecordSameKey).with("key", "V1, 2026-01-01"),
      r(K::UnterminatedQuote).with("opened_line", "12"),
      r(K::TextAfterQuote),
      r(K::RecordTooLong).with("bytes", "2000000").with("max", "1048576"),
      r(K::FieldTooLong).with("bytes", "70000").with("max", "65536"),
      r(K::WrongFieldCount).with("expected", "16").with("found", "17").with("delimiter", ";"),
      r(K::NotJson).with("message", "syntax error"),
      r(K::NotJsonLines).with("message", "syntax error"),
      r(K::NotAnObject).with("dataset", "allocations").with("found", "array"),
      r(K::NotASingleValue).with("key", "kern").with("found", "object"),
      r(K::KeyTwice).with("key", "kern"),
      r(K::KeysSameColumn).with("key", "Kern").with("other_key", "kern").with("column", "kern"),
  };
}

TEST(RejectionReason, EveryKindHasACodeAndASentenceInBothLanguages) {
  const std::vector<RejectionReason> reasons = one_of_each_kind();
  ASSERT_EQ(reasons.size(), static_cast<std::size_t>(ReasonKind::KeysSameColumn));  // every kind but Other
  for (const RejectionReason& why : reasons) {
    const std::string code(reason_code(why.kind));
    SCOPED_TRACE(code);
    EXPECT_EQ(parse_reason_code(code), why.kind);
    const std::string en = reason_text(why, Lang::En);
    const std::string nl = reason_text(why, Lang::Nl);
    EXPECT_FALSE(en.empty());
    EXPECT_NE(nl, en);
    // No word-table key left unfilled, no placeholder left open, no English in the Dutch sentence.
    for (const std::string& text : {en, nl}) {
      EXPECT_EQ(text.find("reason."), std::string::npos) << text;
      EXPECT_EQ(text.find('{'), std::string::npos) << text;
    }
    for (const char* english : {"expected", "missing", "holds", "unknown", "duplicate", "the file", "line "}) {
      EXPECT_EQ(nl.find(english), std::string::npos) << nl;
    }
  }
  EXPECT_EQ(parse_reason_code("no_such_kind"), std::nullopt);
}

TEST(RejectionReason, SentencesSayTheDetails) {
  const auto range = RejectionReason{ReasonKind::NegativeAmount, {}}
                         .with("column", "rent")
                         .with("type", "money")
                         .with("min", "0.01")
                         .with("max", "10000.00");
  EXPECT_EQ(reason_text(range, Lang::En), "negative: expected \xE2\x82\xAC" "0.01 to \xE2\x82\xAC" "10000.00 (net rent a month)");
  EXPECT_EQ(reason_text(range, Lang::Nl),
            "negatief: verwacht \xE2\x82\xAC 0,01 tot en met \xE2\x82\xAC 10.000,00 (kale huur per maand)");
  const auto date = RejectionReason{ReasonKind::OutOfRange, {}}
                        .with("column", "contract_date")
                        .with("type", "date")
                        .with("min", "1900-01-01")
                        .with("max", "2099-12-31");
  EXPECT_EQ(reason_text(date, Lang::Nl), "onaannemelijk: verwacht een datum van 01-01-1900 tot en met 31-12-2099");
  auto mapped = RejectionReason{ReasonKind::MissingValue, {}}.with("file_column", "Toetsinkomen");
  EXPECT_EQ(reason_text(mapped, Lang::En), "missing required value (column 'Toetsinkomen' in the file)");
  EXPECT_EQ(reason_text(mapped, Lang::Nl), "verplichte waarde ontbreekt (kolom 'Toetsinkomen' in het bestand)");
  const auto unknown = RejectionReason{ReasonKind::UnknownValue, {}}
                           .with("column", "channel")
                           .with("value", "Spoed")
                           .with("allowed", "regulier, urgent")
                           .with("mapped", "no");
  EXPECT_EQ(reason_text(unknown, Lang::Nl),
            "onbekende waarde 'Spoed' voor toewijzingskanaal (verwacht een van regulier, urgent)");
  // A reason kept only as text is shown as it is, whatever the language.
  EXPECT_EQ(reason_text(RejectionReason{}, Lang::Nl, "something a newer toets said"), "something a newer toets said");
}

TEST(RejectionReason, DetailsTravelAsJson) {
  const auto why = RejectionReason{ReasonKind::UnterminatedQuote, {}}.with("opened_line", "12").with("x", "\"q\"");
  const std::string text = reason_details_json(why);
  EXPECT_EQ(text, "{\"opened_line\":\"12\",\"x\":\"\\\"q\\\"\"}");
  auto back = parse_reason_details(text);
  std::sort(back.begin(), back.end());
  EXPECT_EQ(back, (std::vector<std::pair<std::string, std::string>>{{"opened_line", "12"}, {"x", "\"q\""}}));
  EXPECT_TRUE(parse_reason_details("not json").empty());
}

// The encoding fix is found by the kind, not by reading the sentence.
TEST(RejectionReason, TheEncodingFixFollowsTheKind) {
  Rejection typed{3, "kern", "\\x80", "", "", invalid_utf8_reason("\x80", "export")};
  typed.reason = english_reason(typed.why);
  Rejection text_only{4, "neighbourhood", "\\x80", typed.reason};  // the same sentence, no kind
  const auto groups = group_rejections("allocations", {typed, text_only});
  ASSERT_EQ(groups.size(), 2u);
  for (const RejectionGroup& group : groups) {
    EXPECT_EQ(group.fix, group.why.kind == ReasonKind::InvalidUtf8 ? RejectionGroup::Fix::Encoding
                                                                    : RejectionGroup::Fix::None);
  }
  EXPECT_EQ(typed.reason,
            "not valid UTF-8: holds byte 0x80, which is '\xE2\x82\xAC' in Windows-1252; is the file Windows-1252? then "
            "say --encoding cp1252, or state no encoding to have it detected");
}

TEST(RejectionReason, AWithheldValueIsWithheldFromTheDetailsToo) {
  LoadReport load;
  load.dataset = "allocations";
  const Rejection rejection{2, "allocation_id", "A1", "duplicate allocation_id 'A1' (first on line 1)", "",
                            RejectionReason{ReasonKind::DuplicateKey, {}}
                                .with("columns", "allocation_id")
                                .with("shown", "'A1'")
                                .with("first_line", "1")
                                .with("composite", "no")};
  ReportOptions options;
  options.pseudonym_key = "k";
  const Rejection shown = Privacy(options).rejection(load, rejection);
  EXPECT_NE(shown.value, "A1");
  EXPECT_EQ(shown.why.detail("shown"), "'" + shown.value + "'");
  EXPECT_EQ(reason_text(shown.why, Lang::Nl), "toewijzingsnummer '" + shown.value + "' komt al voor (eerst op regel 1)");
}

// ---------------------------------------------------------------------------------------------
// Dutch reports say why in Dutch

const std::string kHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,"
    "rent,household_size,household_income,applicant_age,channel,energy_label\n";

std::string let(const std::string& id, const std::string& size = "2", const std::string& date = "2026-03-01") {
  return id + ",Trivire,Dordrecht,,," + date + ",V" + id + ",sociaal,true,false,612.35," + size +
         ",30000.00,40,regulier,C\n";
}

const std::string kRules = R"(ruleset taal {
  title "Taal"
  municipality "Dordrecht"
  valid 2026-01-01 to 2026-12-31
}
rule N "Toewijzingen" {
  over allocations
  per corporation
  measure count
  breach when measure < 1
}
)";

std::string render(const CheckReport& report, const std::string& format, Lang lang) {
  ReportOptions options;
  options.lang = lang;
  options.text_lang = lang;
  std::ostringstream out;
  const std::vector<ReportSection> sections = {ReportSection{&report, nullptr}};
  if (format == "html") write_html_report(sections, out, options);
  else if (format == "markdown") write_markdown_report(sections, out, options);
  else if (format == "json") write_json_report(report, out, options);
  else write_text_report(report, out, options);
  return out.str();
}

TEST(DutchReports, SayWhyARowWasRejectedInDutch) {
  std::string csv = kHeader;
  for (int i = 0; i < 10; ++i) csv += let("A" + std::to_string(i));
  csv += let("B1", "2", "9999-12-31") + let("B2", "2", "31-02-2026");
  const auto check = testing_support::run_check("taal.toets", kRules, csv);
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(check->data->report.rows_rejected, 2u);
  for (const std::string format : {"text", "markdown", "html", "json"}) {
    SCOPED_TRACE(format);
    const std::string nl = render(check->report, format, Lang::Nl);
    EXPECT_NE(nl.find("onaannemelijk: verwacht een datum van 01-01-1900 tot en met 31-12-2099"), std::string::npos);
    EXPECT_NE(nl.find("verwacht een datum JJJJ-MM-DD"), std::string::npos);
    EXPECT_EQ(nl.find("implausible"), std::string::npos);
    EXPECT_EQ(nl.find("expected a date"), std::string::npos);
    const std::string en = render(check->report, format, Lang::En);
    EXPECT_NE(en.find("implausible: expected a date from 1900-01-01 to 2099-12-31"), std::string::npos);
  }
  // The JSON report carries the kind as a code beside the sentence.
  const nlohmann::json json = nlohmann::json::parse(render(check->report, "json", Lang::Nl));
  const auto& rejections = json["inputs"][0]["rejections"];
  ASSERT_EQ(rejections.size(), 2u);
  EXPECT_EQ(rejections[0]["reason_kind"], "out_of_range");
  EXPECT_EQ(rejections[0]["reason_details"]["max"], "2099-12-31");
  EXPECT_EQ(rejections[1]["reason_kind"], "not_a_date");
  EXPECT_EQ(json["inputs"][0]["rejection_groups"][0]["reason_kind"], "not_a_date");
  // Without --lang the JSON report's sentences stay English, as before.
  std::ostringstream plain;
  write_json_report(check->report, plain, ReportOptions{});
  EXPECT_NE(plain.str().find("\"reason\": \"implausible: expected a date"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The store keeps the kind

class StoreReasons : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = testing_support::scratch_folder(std::string("reasons_") + info->name());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string db() const { return (dir_ / "m.db").string(); }

  static void import(Store& store, const std::string& text, const std::string& name) {
    LoadedDataset loaded = read_csv_text(*find_dataset("allocations"), text, name);
    std::vector<ImportRequest> requests{ImportRequest{find_dataset("allocations"), name, sha256_hex(text), &loaded}};
    store.import(requests, ImportMode::Merge, "2026-11-23T07:00:00Z");
  }

  static void sql(const std::string& path, const char* statement) {
    sqlite3* handle = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &handle), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(handle, statement, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(handle);
  }

  fs::path dir_;
};

TEST_F(StoreReasons, AnImportKeepsEachRejectionsKindAndDetails) {
  std::string error;
  auto store = Store::open(db(), StoreAccess::Create, error);
  ASSERT_TRUE(store) << error;
  import(*store, kHeader + let("A1") + let("A2", "44") + let("A3", "2", "0001-01-01"), "lets.csv");
  const auto imports = store->import_rejections();
  ASSERT_EQ(imports.size(), 1u);
  ASSERT_EQ(imports[0].rejections.size(), 2u);
  const Rejection& size = imports[0].rejections[0];
  EXPECT_EQ(size.why.kind, ReasonKind::OutOfRange);
  EXPECT_EQ(size.why.detail("max"), "20");
  EXPECT_EQ(size.reason, "implausible: expected 1 to 20 (persons in one household)");
  EXPECT_EQ(reason_text(size.why, Lang::Nl, size.reason), "onaannemelijk: verwacht 1 tot en met 20 (personen in \xC3\xA9\xC3\xA9n huishouden)");
  EXPECT_EQ(imports[0].rejections[1].why.detail("min"), "1900-01-01");
}

// A store written before the kinds existed: its rejections read as their sentences (kind Other),
// read-only too; the next import adds the columns, and its own rejections have kinds.
TEST_F(StoreReasons, AStoreFromBeforeTheKindsReadsAsBeforeAndGainsThemOnItsNextImport) {
  {
    std::string error;
    auto store = Store::open(db(), StoreAccess::Create, error);
    ASSERT_TRUE(store) << error;
    import(*store, kHeader + let("A1") + let("A2", "44"), "old.csv");
  }
  // What the layout was: no reason_kind, no reason_details.
  sql(db(), "ALTER TABLE import_rejections DROP COLUMN reason_kind; "
            "ALTER TABLE import_rejections DROP COLUMN reason_details;");
  {
    std::string error;
    auto store = Store::open(db(), StoreAccess::ReadOnly, error);
    ASSERT_TRUE(store) << error;
    const auto imports = store->import_rejections();
    ASSERT_EQ(imports.size(), 1u);
    ASSERT_EQ(imports[0].rejections.size(), 1u);
    EXPECT_EQ(imports[0].rejections[0].why.kind, ReasonKind::Other);
    EXPECT_EQ(reason_text(imports[0].rejections[0].why, Lang::Nl, imports[0].rejections[0].reason),
              "implausible: expected 1 to 20 (persons in one household)");
  }
  std::string error;
  auto store = Store::open(db(), StoreAccess::Create, error);
  ASSERT_TRUE(store) << error;
  import(*store, kHeader + let("B1", "0"), "new.csv");
  const auto imports = store->import_rejections();
  ASSERT_EQ(imports.size(), 2u);
  EXPECT_EQ(imports[0].rejections[0].why.kind, ReasonKind::Other);
  EXPECT_EQ(imports[1].rejections[0].why.kind, ReasonKind::OutOfRange);
}

}  // namespace
}  // namespace toets
