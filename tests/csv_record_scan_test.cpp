// The splitter of plain records (engine/input/csv_record_scan.hpp) on its own: which records it
// calls plain ASCII. A plain record's text cells are stored without a look at their bytes, and a
// file whose records are all plain needs no UTF-8 check, so a byte outside printable ASCII must
// never pass as plain; the one exception is the CR of a CRLF line end (every line of a Windows
// export), wherever the splitter's 16-byte blocks fall.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/input/csv_record_scan.hpp"

namespace toets::csv {
namespace {

struct Split {
  bool split = false;  // false: a quoted field, left to scan_record
  RecordScan scan;
  std::vector<std::string> fields;
};

Split split(const std::string& record) {
  Split out;
  const char* begin = record.data();
  out.split = scan_plain_record<','>(
      begin, begin + record.size(),
      [&](std::size_t field, std::string_view text) {
        if (out.fields.size() <= field) out.fields.resize(field + 1);
        out.fields[field] = std::string(text);
      },
      out.scan);
  return out;
}

TEST(PlainRecordScan, ACrlfLineEndIsPlainAnyOtherControlByteIsNot) {
  struct Case {
    std::string record;
    bool plain;
  };
  const std::string fifteen = "aaaaaaa,bbbbbbb";  // 15 bytes: the CR after it ends the first block
  const std::string thirty_one = fifteen + ",cccccccccccccc,";
  ASSERT_EQ(thirty_one.size(), 31u);
  const std::vector<Case> cases = {
      {"a,b\n", true},
      {"a,b\r\n", true},
      {"a,\rb\n", false},            // a CR inside a field
      {"a,b\r\r\n", false},          // only the last CR is the line end's
      {"a,\001b\r\n", false},        // a control byte
      {"a,caf\xC3\xA9\r\n", false},  // UTF-8: plain ASCII only
      {fifteen + "\r\n", true},      // the CR is the last byte of a block, the LF the next's first
      {fifteen + "\n", true},
      {"aaaaaaa,bbbbbb\x01\r\n", false},  // the block's byte before the CR still counts
      {"\001aaaaaa,bbbbbbb\r\n", false},
      {fifteen + "\xE9\n", false},  // a byte outside ASCII last in its block, the LF the next's first
      {thirty_one + "\r\n", true},  // the CR last in the second block
      {"a\x01" + thirty_one.substr(2) + "\r\n", false},  // a control byte in the first of three blocks
      {thirty_one.substr(0, 20) + "\x7F" + thirty_one.substr(21) + "\r\n", true},  // DEL is printable here
      {fifteen + "\r", false},  // no line end: the CR is not known to be one
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.record));
    const Split result = split(c.record);
    ASSERT_TRUE(result.split);
    EXPECT_EQ(result.scan.plain_ascii, c.plain);
    EXPECT_EQ(result.scan.next, c.record.data() + c.record.size());
    // The CR of the line end is never part of the last field.
    ASSERT_FALSE(result.fields.empty());
    if (c.record.ends_with("\r\n") && !c.record.ends_with("\r\r\n")) {
      EXPECT_FALSE(result.fields.back().ends_with('\r'));
    }
  }
}

TEST(PlainRecordScan, EveryPositionOfAByteOutsideAsciiIsSeenWithCrlf) {
  // Records of 1 to 48 bytes before a CRLF, one byte of each kind at each position.
  for (std::size_t length = 1; length <= 48; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (const char odd : {'\x01', '\r', '\x80', '\xE9', '\xFF'}) {
        std::string record(length, 'x');
        record[at] = odd;
        record += "\r\n";
        SCOPED_TRACE("length " + std::to_string(length) + ", byte at " + std::to_string(at));
        const Split result = split(record);
        ASSERT_TRUE(result.split);
        EXPECT_FALSE(result.scan.plain_ascii);
      }
    }
    const Split clean = split(std::string(length, 'x') + "\r\n");
    EXPECT_TRUE(clean.scan.plain_ascii) << length;
    EXPECT_EQ(clean.fields, std::vector<std::string>{std::string(length, 'x')});
  }
}

}  // namespace
}  // namespace toets::csv
