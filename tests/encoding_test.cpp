// Which encoding an export is read as (detected from the whole file, or stated, and what the
// report says of it), and composite keys (stock's dwelling and snapshot date). The export forms
// themselves are tests/dialect_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/program/schema.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/data/dataset.hpp"
#include "tests/support/export_rows.hpp"

namespace toets {
namespace {

using namespace export_testing;

// ---------------------------------------------------------------------------------------------
// The encoding detected (none stated): a file of valid UTF-8 is UTF-8, any other Windows-1252

CsvOptions detecting_options() {
  CsvOptions options = export_options();
  options.encoding = Encoding::Auto;  // as load_input without --encoding or a mapping's encoding
  return options;
}

// An export as Excel writes it, here in UTF-8; cp1252() gives its Windows-1252 twin.
const std::string kExport =
    std::string(kHeader) +
    "A1;Trivire;Dordrecht;;Café Noord;31-03-2026;VHE-1;sociaal;ja;nee;€ 1.234,56;2;€ 31.000,00;34;regulier;B\r\n"
    "A2;Trivire;Dordrecht;Reeël;Crabbehof;1-4-2026;VHE-2;sociaal;ja;nee;€ 612,35;1;€ 24.999,99;67;regulier;C\r\n"
    "A3;Trivire;Dordrecht;;Reeland;02-04-2026;VHE-3;sociaal;nee;ja;€ 0,99;3;12.000;21;urgent;A\r\n";

// The values of kExport, worked out from the text above: amounts in cents, names in UTF-8.
void expect_export_values(const LoadedDataset& loaded) {
  expect_counts_add_up(loaded);
  ASSERT_EQ(loaded.report.rows_accepted, 3u);
  const ColumnData& rent = loaded.data.column(10);
  const ColumnData& income = loaded.data.column(12);
  EXPECT_EQ(rent.cents, (std::vector<std::int64_t>{123456, 61235, 99}));
  EXPECT_EQ(income.cents, (std::vector<std::int64_t>{3100000, 2499999, 1200000}));
  EXPECT_EQ(loaded.data.cell_text(4, 0), "Caf\xC3\xA9 Noord");
  EXPECT_EQ(loaded.data.cell_text(3, 1), "Ree\xC3\xABl");
  EXPECT_EQ(loaded.data.record_id(0), "A1");
}

constexpr const char* kReadAsNote = "read as CSV with ';' between fields and a decimal comma in amounts (1.234,56)";

TEST(Encoding, Windows1252ExportIsDetected) {
  const LoadedDataset loaded = load(cp1252(kExport), detecting_options());
  expect_export_values(loaded);
  EXPECT_EQ(loaded.report.encoding, "windows-1252");
  EXPECT_TRUE(loaded.report.encoding_detected);
  // The first byte that is not UTF-8: é (0xE9) of "Café", line 2.
  EXPECT_EQ(loaded.report.notes,
            (std::vector<std::string>{std::string(kReadAsNote) + ", converted from Windows-1252",
                                      "not valid UTF-8 at line 2 (byte 0xE9): read as Windows-1252"}));
}

TEST(Encoding, Utf8TwinIsReadAsUtf8) {
  const LoadedDataset loaded = load(kExport, detecting_options());
  expect_export_values(loaded);
  EXPECT_EQ(loaded.report.encoding, "utf-8");
  EXPECT_TRUE(loaded.report.encoding_detected);
  EXPECT_EQ(loaded.report.notes, (std::vector<std::string>{kReadAsNote}));
}

TEST(Encoding, Utf8WithAByteOrderMarkIsReadAsUtf8) {
  const LoadedDataset loaded = load("\xEF\xBB\xBF" + kExport, detecting_options());
  expect_export_values(loaded);  // the mark is gone: the first id is "A1"
  EXPECT_EQ(loaded.report.encoding, "utf-8");
  EXPECT_EQ(loaded.report.notes, (std::vector<std::string>{kReadAsNote}));
}

TEST(Encoding, StatedWindows1252IsReportedAsStated) {
  const LoadedDataset loaded = load(cp1252(kExport), cp1252_options());
  expect_export_values(loaded);
  EXPECT_EQ(loaded.report.encoding, "windows-1252");
  EXPECT_FALSE(loaded.report.encoding_detected);
  EXPECT_EQ(loaded.report.notes,
            (std::vector<std::string>{std::string(kReadAsNote) + ", converted from Windows-1252"}));
}

TEST(Encoding, StatedUtf8OnAWindows1252ExportNamesTheByteAndTheRemedy) {
  const LoadedDataset loaded = load(cp1252(kExport), export_options());  // --encoding utf-8
  expect_counts_add_up(loaded);
  EXPECT_EQ(loaded.report.encoding, "utf-8");
  EXPECT_FALSE(loaded.report.encoding_detected);
  ASSERT_EQ(loaded.report.rejections.size(), 3u);
  const std::string remedy =
      "; is the file Windows-1252? then say --encoding cp1252, or state no encoding to have it "
      "detected";
  // Each row's first cell that holds a byte outside UTF-8, in schema order.
  EXPECT_EQ(loaded.report.rejections[0].column, "neighbourhood");
  EXPECT_EQ(loaded.report.rejections[0].value, "Caf\\xE9 Noord");
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "not valid UTF-8: holds byte 0xE9, which is '\xC3\xA9' in Windows-1252" + remedy);
  EXPECT_EQ(loaded.report.rejections[1].column, "kern");
  EXPECT_EQ(loaded.report.rejections[1].reason,
            "not valid UTF-8: holds byte 0xEB, which is '\xC3\xAB' in Windows-1252" + remedy);
  // An amount: not "expected an amount", but the byte, the euro sign of Windows-1252.
  EXPECT_EQ(loaded.report.rejections[2].column, "rent");
  EXPECT_EQ(loaded.report.rejections[2].value, "\\x80 0,99");
  EXPECT_EQ(loaded.report.rejections[2].reason,
            "not valid UTF-8: holds byte 0x80, which is '\xE2\x82\xAC' in Windows-1252" + remedy);
}

TEST(Encoding, ByteNeitherEncodingDefinesGetsNoRemedy) {
  const LoadedDataset loaded = load(std::string(kHeader) + row_with("segment", "sociaal\x81"), export_options());
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].reason, "not valid UTF-8: holds byte 0x81");
}

TEST(Encoding, MixedFileSaysSo) {
  // UTF-8 "é" on line 2, the Windows-1252 euro sign on line 3: read as Windows-1252, and the UTF-8
  // before it reads wrongly ("CafÃ©"): the note says so.
  const LoadedDataset loaded =
      load(std::string(kHeader) + row_with("neighbourhood", "Caf\xC3\xA9", "A1") + row_with("rent", "\x80 5,00", "A2"),
           detecting_options());
  EXPECT_EQ(loaded.report.encoding, "windows-1252");
  EXPECT_EQ(loaded.report.notes.back(),
            "not valid UTF-8 at line 3 (byte 0x80): read as Windows-1252; the lines before it hold UTF-8 characters, "
            "which now read wrongly: is the file a mix?");
}

TEST(Encoding, DetectionReadsTheWholeFileNotItsFirstChunk) {
  // ASCII but for one é (0xE9) on the last line, in a file of more than one 4 MB chunk.
  constexpr int kRows = 50000;
  std::string text(kHeader);
  for (int i = 1; i <= kRows; ++i) {
    const std::string id = std::to_string(i);
    text += "A" + id + ";Trivire;Dordrecht;" + (i == kRows ? "Ree\xE9n" : "Reeland") + ";Crabbehof;31-03-2026;VHE-" +
            id + ";sociaal;ja;nee;612,35;2;31.000,00;34;regulier;B\r\n";
  }
  ASSERT_GT(text.size(), std::size_t{4} << 20);
  ASSERT_LT(text.find('\xE9'), text.size());
  ASSERT_GT(text.find('\xE9'), std::size_t{4} << 20);
  for (const std::size_t chunk_bytes : {std::size_t{4} << 20, std::size_t{4096}}) {
    CsvOptions options = detecting_options();
    options.chunk_bytes = chunk_bytes;
    options.threads = 2;
    const LoadedDataset loaded = load(text, options);
    expect_counts_add_up(loaded);
    EXPECT_EQ(loaded.report.rows_accepted, std::size_t{kRows});
    EXPECT_EQ(loaded.data.cell_text(3, kRows - 1), "Ree\xC3\xA9n");
    EXPECT_EQ(loaded.data.cell_text(3, 0), "Reeland");
    EXPECT_EQ(loaded.report.encoding, "windows-1252");
    EXPECT_EQ(loaded.report.notes.back(), "not valid UTF-8 at line 50001 (byte 0xE9): read as Windows-1252");
  }
}

// The file scan reads 64 bytes at a time and a whole file in slices of 4 MB: it must find what a
// byte-by-byte walk over the sequences finds, wherever blocks and slices fall.
std::size_t first_invalid_byte_by_byte(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = loading::utf8_sequence_length(text, at);
    if (length == 0) return at;
    at += length;
  }
  return std::string_view::npos;
}

TEST(Encoding, ScanFindsWhatAByteByByteWalkFinds) {
  const std::vector<std::string> pieces = {
      "a",    "Dordrecht;", std::string(70, 'x'), "\xC3\xA9",     "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x80",
      "\xE9", "\xC3",       "\xE2\x82",           "\xED\xA0\x80", "\xC0\xAF",     "\xF4\x90\x80\x80"};
  std::mt19937 random(20261123);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int count = static_cast<int>(random() % 40);
    for (int i = 0; i < count; ++i) {
      // Mostly ASCII and valid sequences; a bad one now and then.
      const std::size_t pick = random() % 100 < 90 ? random() % 6 : random() % pieces.size();
      text += pieces[pick];
    }
    SCOPED_TRACE(testing::PrintToString(text));
    EXPECT_EQ(loading::first_invalid_utf8(text), first_invalid_byte_by_byte(text));
    EXPECT_EQ(loading::is_valid_utf8(text), first_invalid_byte_by_byte(text) == std::string_view::npos);
  }
}

TEST(Encoding, SequenceAcrossTheScansSliceBoundary) {
  const std::size_t slice = std::size_t{4} << 20;
  // "é" split over the boundary of the first 4 MB: valid.
  const std::string valid = std::string(slice - 1, 'a') + "\xC3\xA9\n";
  // A lead byte just before it whose next byte is ASCII: not.
  const std::string invalid = "x\n" + std::string(slice - 3, 'a') + "\xC3(\n";
  std::vector<const char*> released;
  const auto release = [&](const char* until) { released.push_back(until); };
  LoadReport report;
  std::string converted;
  EXPECT_FALSE(loading::decode_text(valid, Encoding::Auto, "big.csv", converted, report, release).windows_1252);
  EXPECT_EQ(report.encoding, "utf-8");
  ASSERT_FALSE(released.empty());
  EXPECT_TRUE(std::is_sorted(released.begin(), released.end()));
  EXPECT_LE(released.back(), valid.data() + valid.size());

  LoadReport other;
  released.clear();
  EXPECT_TRUE(loading::decode_text(invalid, Encoding::Auto, "big.csv", converted, other, release).windows_1252);
  EXPECT_EQ(other.notes, (std::vector<std::string>{"not valid UTF-8 at line 2 (byte 0xC3): read as Windows-1252"}));
  // The check gave nothing back (the bad byte is in the first slice); the conversion gives back
  // each slice once converted, up to the end of the file, and converts it all the same.
  ASSERT_FALSE(released.empty());
  EXPECT_TRUE(std::is_sorted(released.begin(), released.end()));
  EXPECT_EQ(released.front(), invalid.data() + slice);
  EXPECT_EQ(released.back(), invalid.data() + invalid.size());
  EXPECT_EQ(converted, loading::windows_1252_to_utf8(invalid));
}

// ---------------------------------------------------------------------------------------------
// Stock: the key is (dwelling_id, snapshot_date)

TEST(CompositeKey, DuplicatePairsAreRejectedOthersAccepted) {
  const std::string text =
      "dwelling_id,snapshot_date,corporation,municipality,segment,daeb,rent,energy_label\n"
      "V1,2025-01-01,Clavis,Terneuzen,sociaal,true,600,E\n"     // line 2
      "V1,2026-01-01,Clavis,Terneuzen,sociaal,true,620,C\n"     // line 3: same dwelling, other date
      "V2,2025-01-01,Clavis,Terneuzen,sociaal,true,600,E\n"     // line 4: other dwelling, same date
      "V1,2025-01-01,Clavis,Terneuzen,sociaal,true,999,A\n"     // line 5: the pair of line 2 again
      "V1,2025-01-01,Clavis,Terneuzen,sociaal,true,1,x\n"       // line 6: bad label, checked first
      "v1,2025-01-01,Clavis,Terneuzen,sociaal,true,600,E\n";    // line 7: ids are case-sensitive
  const LoadedDataset loaded = read_csv_text(stock(), text, "stock.csv");
  expect_counts_add_up(loaded);
  EXPECT_EQ(loaded.report.rows_accepted, 4u);
  ASSERT_EQ(loaded.report.rejections.size(), 2u);
  EXPECT_EQ(loaded.report.rejections[0].line, 5u);
  EXPECT_EQ(loaded.report.rejections[0].column, "dwelling_id, snapshot_date");
  EXPECT_EQ(loaded.report.rejections[0].value, "V1, 2025-01-01");
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "duplicate (dwelling_id, snapshot_date) ('V1', '2025-01-01') (first on line 2)");
  // Line 6 repeats the pair too, but its label is wrong: a row is checked cell by cell first, and
  // only a row whose cells are all valid is checked for a repeated key.
  EXPECT_EQ(loaded.report.rejections[1].line, 6u);
  EXPECT_EQ(loaded.report.rejections[1].column, "energy_label");
}

TEST(CompositeKey, SameDateWrittenTwoWaysIsTheSameKey) {
  CsvOptions options = export_options();
  const std::string text =
      "dwelling_id;snapshot_date;corporation;municipality;segment;daeb;rent;energy_label\n"
      "V1;2025-01-01;Clavis;Terneuzen;sociaal;ja;600;E\n"
      "V1;1-1-2025;Clavis;Terneuzen;sociaal;ja;600;E\n";
  const LoadedDataset loaded = read_csv_text(stock(), text, "stock.csv", options);
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 3u);
  // The key is shown as read: the date in its canonical form.
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "duplicate (dwelling_id, snapshot_date) ('V1', '2025-01-01') (first on line 2)");
}

TEST(CompositeKey, ManyPairsAllFound) {
  std::string text = "dwelling_id,snapshot_date,corporation,municipality,segment,daeb,rent,energy_label\n";
  // 3000 dwellings x 2 dates, then the same 6000 pairs again: 6000 accepted, 6000 duplicates.
  for (int pass = 0; pass < 2; ++pass) {
    for (int d = 0; d < 3000; ++d) {
      for (const char* date : {"2025-01-01", "2026-01-01"}) {
        text += "V" + std::to_string(d) + "," + date + ",C,T,sociaal,true,600,E\n";
      }
    }
  }
  const LoadedDataset loaded = read_csv_text(stock(), text, "stock.csv");
  EXPECT_EQ(loaded.report.rows_accepted, 6000u);
  EXPECT_EQ(loaded.report.rows_rejected, 6000u);
  // The first duplicate is line 6002 (header + 6000 rows), of the first row, line 2.
  EXPECT_EQ(loaded.report.rejections[0].line, 6002u);
  EXPECT_NE(loaded.report.rejections[0].reason.find("(first on line 2)"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// TextDictionary looks up views without building strings

TEST(TextDictionary, FindsViewsIntoOtherBuffers) {
  TextDictionary dictionary;
  const std::string buffer = "TrivireWoonbron";
  EXPECT_EQ(dictionary.intern(std::string_view(buffer).substr(0, 7)), 0);
  EXPECT_EQ(dictionary.intern(std::string_view(buffer).substr(7)), 1);
  EXPECT_EQ(dictionary.find("Woonbron"), 1);
  EXPECT_EQ(dictionary.find(std::string_view(buffer).substr(0, 7)), 0);
  EXPECT_EQ(dictionary.find("Trivir"), -1);
  EXPECT_EQ(dictionary.value(0), "Trivire");
}

}  // namespace
}  // namespace toets
