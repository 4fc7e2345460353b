// How text is shown (dsl/source/visible_text.hpp), laid out in tables (engine/base/text_table.hpp), written as
// JSON and passed to a terminal (engine/base/output_guard.hpp), and what reading a file takes in memory
// (engine/input/memory_limits.hpp). Expected strings are written out by hand from the code points.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "dsl/source/visible_text.hpp"
#include "engine/input/memory_limits.hpp"
#include "engine/base/output_guard.hpp"
#include "engine/run/rejection_listing.hpp"
#include "engine/base/text_table.hpp"

namespace toets {
namespace {

TEST(VisibleText, ControlCharactersAreShownAsLowercaseHexEscapes) {
  EXPECT_EQ(visible("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(visible("\r\n\t"), "\\x0d\\x0a\\x09");
  EXPECT_EQ(visible(std::string("\0x", 2)), "\\x00x");
  EXPECT_EQ(visible("\x7f"), "\\x7f");
  EXPECT_EQ(visible("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
}

TEST(VisibleText, C1BidiAndSeparatorCodePointsAreShownAsUnicodeEscapes) {
  EXPECT_EQ(visible("\xC2\x80\xC2\x9B\xC2\x9F"), "\\u0080\\u009b\\u009f");
  EXPECT_EQ(visible("\xD8\x9C"), "\\u061c");
  EXPECT_EQ(visible("\xE2\x80\x8E\xE2\x80\x8F"), "\\u200e\\u200f");
  EXPECT_EQ(visible("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD\xE2\x80\xAE"),
            "\\u202a\\u202b\\u202c\\u202d\\u202e");
  EXPECT_EQ(visible("\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9"), "\\u2066\\u2067\\u2068\\u2069");
  EXPECT_EQ(visible("\xE2\x80\xA8\xE2\x80\xA9"), "\\u2028\\u2029");
}

TEST(VisibleText, BytesThatAreNotUtf8AreShownInCapitals) {
  EXPECT_EQ(visible("caf\xE9"), "caf\\xE9");
  EXPECT_EQ(visible("\xC0\xAF"), "\\xC0\\xAF");          // overlong '/'
  EXPECT_EQ(visible("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a surrogate
  EXPECT_EQ(visible("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // beyond U+10FFFF
  EXPECT_EQ(visible("\xE2\x82"), "\\xE2\\x82");          // cut short
}

TEST(VisibleText, EverythingElseIsKeptAsItIs) {
  const std::string text = "Caf\xC3\xA9 \xE6\xBC\xA2 \xE2\x82\xAC \xF0\x9F\x98\x80 C:\\data\\x.csv \xE2\x80\x8B";
  EXPECT_EQ(visible(text), text);
  EXPECT_FALSE(needs_escaping(text));
  EXPECT_TRUE(needs_escaping("a\nb"));
  EXPECT_TRUE(needs_escaping("\xE2\x80\xAE"));
}

TEST(VisibleText, LinesKeepLineFeedsAndTabsOnly) {
  EXPECT_EQ(visible_lines("a\r\nb\tc\x1b\xE2\x80\xAE"), "a\\x0d\nb\tc\\x1b\\u202e");
}

TEST(DisplayWidth, CountsTheColumnsATerminalGives) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("\xE6\xBC\xA2\xE5\xAD\x97"), 4u);    // 漢字
  EXPECT_EQ(display_width("\xED\x95\x9C"), 2u);                // 한
  EXPECT_EQ(display_width("\xEF\xBC\xA1"), 2u);                // fullwidth A
  EXPECT_EQ(display_width("\xF0\x9F\x98\x80"), 2u);            // 😀
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);                   // e + combining acute
  EXPECT_EQ(display_width("a\xE2\x80\x8B" "b"), 2u);           // zero-width space
  EXPECT_EQ(display_width("\xE2\x82\xAC" "5"), 2u);            // €5
  EXPECT_EQ(display_width("\xE9"), 1u);                        // a stray byte
  EXPECT_EQ(display_width(visible("a\x1b" "b")), 6u);          // a\x1bb as shown
  EXPECT_EQ(pad_to_width("\xE6\xBC\xA2", 4), "\xE6\xBC\xA2  ");
  EXPECT_EQ(pad_to_width("toolong", 3), "toolong");
}

TEST(WrapToWidth, BreaksAtWordsWhereItCanAndNeverInsideACharacterOrAnEscape) {
  using Pieces = std::vector<std::string_view>;
  EXPECT_EQ(wrap_to_width("abcdef", 4), (Pieces{"abcd", "ef"}));
  EXPECT_EQ(wrap_to_width("ab cd ef", 5), (Pieces{"ab cd", "ef"}));
  EXPECT_EQ(wrap_to_width("abc defghij", 8), (Pieces{"abc ", "defghij"}));
  EXPECT_EQ(wrap_to_width("\xE6\xBC\xA2\xE5\xAD\x97\xE6\xBC\xA2\xE5\xAD\x97", 5),
            (Pieces{"\xE6\xBC\xA2\xE5\xAD\x97", "\xE6\xBC\xA2\xE5\xAD\x97"}));
  EXPECT_EQ(wrap_to_width("\\x1b\\x1b", 6), (Pieces{"\\x1b", "\\x1b"}));
  EXPECT_EQ(wrap_to_width("e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 2), (Pieces{"e\xCC\x81" "e\xCC\x81", "e\xCC\x81"}));
  EXPECT_EQ(wrap_to_width("\xE6\xBC\xA2", 1), (Pieces{"\xE6\xBC\xA2"}));  // wider than the width: alone
  EXPECT_EQ(wrap_to_width("", 4), Pieces{});
}

// The display column at which `needle` starts in `line` (line as shown: escapes already in it).
std::size_t column_of(const std::string& line, const std::string& needle) {
  const std::size_t at = line.find(needle);
  return at == std::string::npos ? std::string::npos : display_width(line.substr(0, at));
}

TEST(TextTable, ColumnsAlignWhateverTheNamesHold) {
  const TextRows rows = {{"RULE", "GROUP", "STATUS", "RECORDS"},
                         {"T", "\xE6\xBC\xA2\xE5\xAD\x97", "ok", "1"},
                         {"T", "Cafe\xCC\x81", "ok", "2"},
                         {"T", "a\x1b[2Jb", "ok", "3"},
                         {"T", "x\r\ny", "ok", "4"},
                         {"T", "\xE2\x80\xAE" "evil", "ok", "5"},
                         {"T", "tab\there", "ok", "6"}};
  const std::string table = text_table(rows, 40);
  // GROUP is 11 columns wide: "tab\x09here" as shown; 漢字 takes 4, "Cafe" + a combining accent 4.
  EXPECT_EQ(table,
            "  RULE  GROUP        STATUS  RECORDS\n"
            "  T     \xE6\xBC\xA2\xE5\xAD\x97         ok      1\n"
            "  T     Cafe\xCC\x81         ok      2\n"
            "  T     a\\x1b[2Jb    ok      3\n"
            "  T     x\\x0d\\x0ay   ok      4\n"
            "  T     \\u202eevil   ok      5\n"
            "  T     tab\\x09here  ok      6\n");
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(column_of(line, line.find("STATUS") != std::string::npos ? "STATUS" : "ok"), 21u) << line;
  }
}

TEST(TextTable, ACellWiderThanItsColumnContinuesBelowInThatColumn) {
  const TextRows rows = {{"A", "GROUP", "STATUS"}, {"T", "Stichting Woonbeheer Dordrecht-Zwijndrecht", "breach"}};
  EXPECT_EQ(text_table(rows, 20),
            "  A  GROUP                 STATUS\n"
            "  T  Stichting Woonbeheer  breach\n"
            "     Dordrecht-Zwijndrech\n"
            "     t\n");
}

TEST(JsonText, TerminalControlsAreJsonEscapesAndTheValueIsTheSame) {
  const std::string hostile = "a\xE2\x80\xAE" "b\x7f" "c\xC2\x85" "d\x1b" "e\xE2\x80\xA8";
  const std::string text = json_text(nlohmann::json(hostile), -1);
  EXPECT_EQ(text, "\"a\\u202eb\\u007fc\\u0085d\\u001be\\u2028\"");
  EXPECT_EQ(nlohmann::json::parse(text).get<std::string>(), hostile);
  EXPECT_EQ(json_text(nlohmann::json("caf\xE9"), -1), "\"caf\xEF\xBF\xBD\"");  // not UTF-8: U+FFFD, no exception
}

TEST(SpreadsheetSafe, AFormulaStaysTextAndAnEscapeSequenceStaysVisible) {
  EXPECT_EQ(spreadsheet_safe("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(spreadsheet_safe("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
  EXPECT_EQ(spreadsheet_safe("a\nb"), "a\nb");  // a line break inside a quoted cell is data
}

// A stream buffer that takes nothing: a full disk, a closed pipe.
class RefusingBuffer : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

TEST(OutputGuard, WhatIsWrittenIsShownAndASequenceCutBetweenWritesIsKeptWhole) {
  std::ostringstream sink;
  {
    const OutputGuard guard(sink);
    sink << "a\x1b" << "\xE2\x80";  // U+202E, cut after two of its three bytes
    sink.flush();
    sink << "\xAEz\n" << '\r' << std::string(5000, 'x') << "\n";
  }
  EXPECT_EQ(sink.str(), "a\\x1b\\u202ez\n\\x0d" + std::string(5000, 'x') + "\n");
  sink << "after";  // the stream has its own buffer back
  EXPECT_EQ(sink.str().substr(sink.str().size() - 5), "after");
}

TEST(OutputGuard, AWriteThatFailsFailsTheStream) {
  RefusingBuffer refusing;
  std::ostream stream(&refusing);
  {
    const OutputGuard guard(stream);
    stream << "report\n";
    stream.flush();
    EXPECT_TRUE(stream.bad());
  }
}

TEST(MemoryLimits, SizesAreShownInBinaryUnits) {
  EXPECT_EQ(byte_size_text(100), "100 bytes");
  EXPECT_EQ(byte_size_text(1536), "1.5 KiB");
  EXPECT_EQ(byte_size_text(3ull << 30), "3.0 GiB");
}

TEST(MemoryLimits, AFileIsRefusedWhenItsMappingAndRowsDoNotFit) {
  const std::uint64_t file = 1000ull << 20;
  const MemoryNeed need = memory_needed_to_read(file, 0.5);
  EXPECT_EQ(need.address_space, 2 * file);  // mapped, and rows of 0.5 + 0.5 of its size
  EXPECT_EQ(need.physical, file);
  EXPECT_EQ(memory_shortfall(need, file, MemoryAvailable{1ull << 30, std::nullopt}),
            "reading it (1000.0 MiB) needs about 2.0 GiB of address space; 1.0 GiB is left under this process's "
            "limit (ulimit -v)");
  EXPECT_EQ(memory_shortfall(need, file, MemoryAvailable{std::nullopt, 512ull << 20}),
            "reading it (1000.0 MiB) needs about 1000.0 MiB of memory; the system has 512.0 MiB available");
  EXPECT_EQ(memory_shortfall(need, file, MemoryAvailable{3ull << 30, 1ull << 30}), std::nullopt);
  EXPECT_EQ(memory_shortfall(need, file, MemoryAvailable{}), std::nullopt);  // no limit known
}

}  // namespace
}  // namespace toets
