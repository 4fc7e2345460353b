// The CSV reader reads a file in chunks on several threads and joins them in file order
// (csv_chunked_load.cpp, ChunkedLoad). Whatever the chunk size and the number of threads, the result
// must be the one a single pass gives: the same rows and values, the same lines, the same
// rejections in the same order, the same counts. These tests make chunks tiny (down to one byte)
// so that chunk boundaries fall inside quoted fields, on blank lines, between a CR and its LF,
// and so that duplicated keys meet across chunks.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/input/csv_reader.hpp"
#include "engine/input/encoding.hpp"
#include "engine/input/load_common.hpp"

namespace toets {
namespace {

const DatasetSchema& allocations() { return *find_dataset("allocations"); }
const DatasetSchema& stock() { return *find_dataset("stock"); }

constexpr const char* kAllocationsHeader =
    "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,"
    "new_build,rent,household_size,household_income,applicant_age,channel,energy_label\n";

std::string allocation(const std::string& id, const std::string& corporation, const std::string& neighbourhood,
                       const std::string& rent = "612.35") {
  return id + "," + corporation + ",Dordrecht,," + neighbourhood + ",2026-03-31,VHE-" + id +
         ",sociaal,true,false," + rent + ",2,31000.00,34,regulier,B\n";
}

// Everything a load says, as text, to compare two loads with one EXPECT_EQ.
std::vector<std::string> describe(const LoadedDataset& loaded) {
  std::vector<std::string> lines;
  const Dataset& data = loaded.data;
  for (std::size_t row = 0; row < data.row_count(); ++row) {
    std::string line = "row line " + std::to_string(data.source_line(row)) + ":";
    for (std::uint32_t c = 0; c < data.schema().columns.size(); ++c) line += " [" + data.cell_text(c, row) + "]";
    lines.push_back(std::move(line));
  }
  const LoadReport& report = loaded.report;
  for (const Rejection& rejection : report.rejections) {
    lines.push_back("rejected line " + std::to_string(rejection.line) + " column " + rejection.column + " value " +
                    rejection.value + " reason " + rejection.reason + " record " + rejection.record);
  }
  for (const std::string& note : report.notes) lines.push_back("note " + note);
  lines.push_back("read " + std::to_string(report.rows_read) + " accepted " + std::to_string(report.rows_accepted) +
                  " rejected " + std::to_string(report.rows_rejected));
  return lines;
}

LoadedDataset load(const DatasetSchema& schema, const std::string& text, std::size_t chunk_bytes, unsigned threads,
                   bool export_forms = false, Encoding encoding = Encoding::Utf8) {
  CsvOptions options;
  options.encoding = encoding;
  options.chunk_bytes = chunk_bytes;
  options.threads = threads;
  options.export_forms = export_forms;
  options.delimiter = Delimiter::Auto;
  return read_csv_text(schema, text, "chunks.csv", options);
}

// Loads `text` in one chunk on one thread, then in chunks of every size from 1 byte up (and a
// few larger ones) on 1, 2 and 3 threads, and expects the same every time.
void expect_same_in_any_chunks(const DatasetSchema& schema, const std::string& text, bool export_forms = false,
                               Encoding encoding = Encoding::Utf8) {
  const std::vector<std::string> whole = describe(load(schema, text, text.size() + 1, 1, export_forms, encoding));
  std::vector<std::size_t> sizes;
  for (std::size_t size = 1; size <= 64; ++size) sizes.push_back(size);
  for (std::size_t size = 96; size < text.size() + 64; size += 97) sizes.push_back(size);
  for (const unsigned threads : {1U, 2U, 3U}) {
    for (const std::size_t size : sizes) {
      SCOPED_TRACE("chunks of " + std::to_string(size) + " bytes on " + std::to_string(threads) + " threads");
      ASSERT_EQ(describe(load(schema, text, size, threads, export_forms, encoding)), whole);
    }
  }
}

TEST(CsvChunks, PlainRows) {
  std::string text = kAllocationsHeader;
  for (int i = 0; i < 40; ++i) {
    text += allocation("A" + std::to_string(i), i % 3 == 0 ? "Trivire" : "Woonkracht10", "Wijk " + std::to_string(i % 7));
  }
  const LoadedDataset whole = load(allocations(), text, 1 << 20, 1);
  EXPECT_EQ(whole.data.row_count(), 40U);
  expect_same_in_any_chunks(allocations(), text);
}

TEST(CsvChunks, QuotedFieldsWithLineEndsDelimitersAndQuotes) {
  std::string text = kAllocationsHeader;
  for (int i = 0; i < 12; ++i) {
    text += allocation("Q" + std::to_string(i), "\"Woonstichting\n\"\"De Hoven\"\", afdeling " + std::to_string(i) + "\"",
                       "\"Noord,\r\nZuid\"");
    text += allocation("P" + std::to_string(i), "Trivire", "Centrum");
  }
  const LoadedDataset whole = load(allocations(), text, 1 << 20, 1);
  ASSERT_EQ(whole.data.row_count(), 24U);
  // The field is read whole; a line end inside a name is a space (engine/input/group_keys.hpp).
  EXPECT_EQ(whole.data.cell_text(1, 0), "Woonstichting \"De Hoven\", afdeling 0");
  // Each Q record spans three lines (a line end and a CRLF inside quotes): Q0 lines 2-4, P0 line 5.
  EXPECT_EQ(whole.data.source_line(2), 6U);
  expect_same_in_any_chunks(allocations(), text);
}

TEST(CsvChunks, BlankLinesCrlfAndRejections) {
  std::string text = kAllocationsHeader;
  text += "\n\r\n";
  text += allocation("A1", "Trivire", "Centrum");
  text += "\n\n";
  text += "A2,Trivire,Dordrecht\r\n";                                      // too few fields
  text += allocation("A3", "Trivire", "Centrum", "12.345");               // three decimals
  std::string crlf = allocation("A4", "Trivire", "Centrum");
  crlf.insert(crlf.size() - 1, "\r");
  text += crlf;
  text += "A5,\"Trivire\" x,Dordrecht,,C,2026-03-31,V,sociaal,true,false,1.00,2,1.00,34,regulier,B\n";  // text after quote
  text += allocation("A6", "Trivire\x01", "Centrum");                      // control byte: slow path, accepted
  text += allocation("A7", std::string("Tri\0vire", 8), "Centrum");         // NUL byte: rejected
  text += allocation("A8", "Trivire", "Centrum");
  const LoadedDataset whole = load(allocations(), text, 1 << 20, 1);
  EXPECT_EQ(whole.report.rows_read, 8U);
  EXPECT_EQ(whole.report.rows_rejected, 4U);
  ASSERT_EQ(whole.report.rejections.size(), 4U);
  EXPECT_EQ(whole.report.rejections[0].line, 7U);
  EXPECT_EQ(whole.report.rejections[3].reason, "holds a NUL byte (binary data, not text)");
  expect_same_in_any_chunks(allocations(), text);
}

TEST(CsvChunks, DuplicateKeysAcrossChunksKeepTheFirst) {
  std::string text = kAllocationsHeader;
  for (int i = 0; i < 30; ++i) text += allocation("A" + std::to_string(i % 11), "Trivire", "Centrum");
  const LoadedDataset whole = load(allocations(), text, 1 << 20, 1);
  EXPECT_EQ(whole.data.row_count(), 11U);
  EXPECT_EQ(whole.report.rows_rejected, 19U);
  ASSERT_FALSE(whole.report.rejections.empty());
  EXPECT_EQ(whole.report.rejections[0].line, 13U);
  EXPECT_EQ(whole.report.rejections[0].reason, "duplicate allocation_id 'A0' (first on line 2)");
  for (std::size_t row = 0; row < whole.data.row_count(); ++row) {
    EXPECT_EQ(whole.data.source_line(row), row + 2);
  }
  expect_same_in_any_chunks(allocations(), text);
}

// Each row's line, worked out by hand: rows keep their lines across blank lines, rejected rows,
// a record of two lines and a duplicate taken out at the join, in any chunks on any threads (the
// dataset keeps runs of consecutive lines, not a line per row).
TEST(CsvChunks, EveryRowKeepsItsLineWhateverComesBetween) {
  std::string text = kAllocationsHeader;                              // line 1
  text += allocation("A1", "Trivire", "Centrum");                     // 2
  text += allocation("A2", "Trivire", "Centrum");                     // 3
  text += "\n";                                                       // 4: blank
  text += allocation("A3", "Trivire", "Centrum");                     // 5
  text += allocation("A4", "Trivire", "Centrum", "x");                // 6: rejected (rent)
  text += allocation("A5", "Trivire", "Centrum");                     // 7
  text += allocation("A6", "Trivire", "\"Crabbe\nhof\"");             // 8-9: one record
  text += allocation("A7", "Trivire", "Centrum");                     // 10
  text += allocation("A2", "Trivire", "Centrum");                     // 11: duplicate of line 3
  text += allocation("A8", "Trivire", "Centrum");                     // 12
  const std::vector<std::uint64_t> expected = {2, 3, 5, 7, 8, 10, 12};
  for (const std::size_t chunk_bytes : {std::size_t{1}, std::size_t{5}, std::size_t{97}, text.size() + 1}) {
    for (const unsigned threads : {1U, 2U, 3U}) {
      const LoadedDataset loaded = load(allocations(), text, chunk_bytes, threads);
      ASSERT_EQ(loaded.data.row_count(), expected.size()) << chunk_bytes << " bytes, " << threads << " threads";
      for (std::size_t row = 0; row < expected.size(); ++row) {
        EXPECT_EQ(loaded.data.source_line(row), expected[row])
            << "row " << row << ", " << chunk_bytes << " bytes, " << threads << " threads";
      }
      ASSERT_EQ(loaded.report.rejections.size(), 2U);
      EXPECT_EQ(loaded.report.rejections[0].line, 6U);
      EXPECT_EQ(loaded.report.rejections[1].line, 11U);
      EXPECT_EQ(loaded.report.rejections[1].reason, "duplicate allocation_id 'A2' (first on line 3)");
    }
  }
}

TEST(CsvChunks, CompositeKeyOfStock) {
  std::string text = "dwelling_id,snapshot_date,corporation,municipality,segment,daeb,rent,energy_label\n";
  for (int i = 0; i < 25; ++i) {
    text += "D" + std::to_string(i % 5) + "," + (i % 2 == 0 ? "2025-01-01" : "2026-01-01") +
            ",Trivire,Dordrecht,sociaal,true,600.00,C\n";
  }
  const LoadedDataset whole = load(stock(), text, 1 << 20, 1);
  EXPECT_EQ(whole.data.row_count(), 10U);  // (i mod 5, i mod 2) takes 10 values
  EXPECT_EQ(whole.report.rows_rejected, 15U);
  ASSERT_FALSE(whole.report.rejections.empty());
  EXPECT_EQ(whole.report.rejections[0].line, 12U);  // i = 10 repeats i = 0
  EXPECT_EQ(whole.report.rejections[0].reason,
            "duplicate (dwelling_id, snapshot_date) ('D0', '2025-01-01') (first on line 2)");
  expect_same_in_any_chunks(stock(), text);
}

TEST(CsvChunks, ExportFormsAndSemicolons) {
  std::string text =
      "allocation_id;corporation;municipality;kern;neighbourhood;contract_date;dwelling_id;segment;daeb;"
      "new_build;rent;household_size;household_income;applicant_age;channel;energy_label\n";
  for (int i = 0; i < 20; ++i) {
    text += "E" + std::to_string(i) + ";Trivire;Dordrecht;;\"Wijk; " + std::to_string(i % 4) +
            "\";31-03-2026;V" + std::to_string(i) + ";Sociaal;ja;nee;€ 1.234,5" + std::to_string(i % 10) +
            ";2;31.000,00;34;Regulier;B\r\n";
  }
  const LoadedDataset whole = load(allocations(), text, 1 << 20, 1, true);
  EXPECT_EQ(whole.data.row_count(), 20U);
  EXPECT_EQ(whole.data.cell_text(10, 3), "1234.53");
  expect_same_in_any_chunks(allocations(), text, true);
}

// A quote that never closes would make the rest of the file one value: an error at the line where
// it opens, whatever chunks the file is read in (the quote may open in one chunk and the file end
// several chunks later).
TEST(CsvChunks, AnUnterminatedQuoteIsAnErrorAtItsLineInAnyChunks) {
  std::string text = kAllocationsHeader;
  for (int i = 0; i < 5; ++i) text += allocation("A" + std::to_string(i), "Trivire", "Centrum");
  text += allocation("B1", "\"Trivire", "Centrum");
  for (int i = 0; i < 5; ++i) text += allocation("C" + std::to_string(i), "Trivire", "Centrum");
  const std::string expected =
      "chunks.csv:7: unterminated quote: the quoted field of column 'corporation' opened on line 7 never closes, so "
      "the rest of the file would be one value; close the quote, or double a quote inside a value (\"\")";
  for (const unsigned threads : {1U, 2U, 3U}) {
    for (std::size_t size = 1; size < text.size() + 64; size += size < 64 ? 1 : 97) {
      SCOPED_TRACE("chunks of " + std::to_string(size) + " bytes on " + std::to_string(threads) + " threads");
      try {
        load(allocations(), text, size, threads);
        ADD_FAILURE() << "no error";
      } catch (const DataFileError& error) {
        EXPECT_EQ(std::string(error.what()), expected);
      }
    }
  }
}

// The encoding is detected (--encoding auto) from the whole file before any chunk is read:
// wherever the byte that is not UTF-8 falls, the load is the one that reads the whole file as
// Windows-1252, in any chunks; a UTF-8 file is read as UTF-8.
TEST(CsvChunks, AByteOfWindows1252InALateChunkMakesTheWholeFileWindows1252) {
  std::string text = kAllocationsHeader;
  for (int i = 0; i < 20; ++i) text += allocation("A" + std::to_string(i), "Trivire", "Centrum");
  text += allocation("B1", "Caf\xE9", "Centrum");  // 0xE9: e-acute in Windows-1252, not UTF-8
  for (int i = 0; i < 5; ++i) text += allocation("C" + std::to_string(i), "Trivire", "Centrum");
  const LoadedDataset whole = load(allocations(), text, text.size() + 1, 1, false, Encoding::Auto);
  ASSERT_EQ(whole.data.row_count(), 26U);
  EXPECT_EQ(whole.data.cell_text(1, 20), "Caf\xC3\xA9");  // as UTF-8
  EXPECT_EQ(whole.report.encoding, "windows-1252");
  ASSERT_EQ(whole.report.notes.size(), 1U);
  EXPECT_NE(whole.report.notes[0].find("read as Windows-1252"), std::string::npos) << whole.report.notes[0];
  expect_same_in_any_chunks(allocations(), text, false, Encoding::Auto);
}

TEST(CsvChunks, AUtf8FileIsReadAsUtf8InAnyChunks) {
  std::string text = kAllocationsHeader;
  for (int i = 0; i < 20; ++i) text += allocation("A" + std::to_string(i), "Trivire", "Centrum");
  text += allocation("B1", "Caf\xC3\xA9", "Centrum");
  const LoadedDataset whole = load(allocations(), text, text.size() + 1, 1, false, Encoding::Auto);
  EXPECT_EQ(whole.data.cell_text(1, 20), "Caf\xC3\xA9");
  EXPECT_EQ(whole.report.encoding, "utf-8");
  EXPECT_TRUE(whole.report.encoding_detected);
  EXPECT_TRUE(whole.report.notes.empty());
  expect_same_in_any_chunks(allocations(), text, false, Encoding::Auto);
}

TEST(CsvChunks, AnErrorInAFileThatIsNotUtf8IsTheErrorOfItsWindows1252Reading) {
  // An unterminated quote on line 7 and a Windows-1252 byte after it: the file is read as
  // Windows-1252 (a quote opened in the converted text), whichever chunk meets what first.
  std::string text = kAllocationsHeader;
  for (int i = 0; i < 5; ++i) text += allocation("A" + std::to_string(i), "Trivire", "Centrum");
  text += allocation("B1", "\"Trivire", "Centrum");
  for (int i = 0; i < 5; ++i) text += allocation("C" + std::to_string(i), "Caf\xE9", "Centrum");
  const std::string expected =
      "chunks.csv:7: unterminated quote: the quoted field of column 'corporation' opened on line 7 never closes, so "
      "the rest of the file would be one value; close the quote, or double a quote inside a value (\"\")";
  for (const unsigned threads : {1U, 2U}) {
    for (std::size_t size = 1; size < text.size() + 64; size += size < 64 ? 7 : 97) {
      SCOPED_TRACE("chunks of " + std::to_string(size) + " bytes on " + std::to_string(threads) + " threads");
      try {
        load(allocations(), text, size, threads, false, Encoding::Auto);
        ADD_FAILURE() << "no error";
      } catch (const DataFileError& error) {
        EXPECT_EQ(std::string(error.what()), expected);
      }
    }
  }
}

// Plain records are finished in batches of 256, column by column (RecordBuilder::finish_batch);
// a record the column loops cannot take as it is (a date as 31-03-2026, a bad amount) goes through
// the general path on its own, between the batch's other rows. The rows must stay in file order
// with their own lines and values, whatever mix a batch holds.
TEST(CsvChunks, BatchesMixPlainAndGeneralRowsInFileOrder) {
  std::string text = kAllocationsHeader;
  std::vector<std::string> expected_ids;
  std::vector<std::uint64_t> expected_lines;
  for (int i = 0; i < 700; ++i) {
    const std::string id = "A" + std::to_string(i);
    std::string row = allocation(id, i % 2 == 0 ? "Trivire" : "Woonkracht10", "Wijk " + std::to_string(i % 9),
                                 i % 11 == 0 ? "veel" : std::to_string(500 + i) + ".00");
    if (i % 5 == 0) row.replace(row.find("2026-03-31"), 10, "31-03-2026");  // export form: the general path
    text += row;
    // Line i + 2; "veel" (every eleventh) is no amount: rejected.
    if (i % 11 != 0) {
      expected_ids.push_back(id);
      expected_lines.push_back(static_cast<std::uint64_t>(i) + 2);
    }
  }
  const LoadedDataset loaded = load(allocations(), text, text.size() + 1, 1, true);
  ASSERT_EQ(loaded.data.row_count(), expected_ids.size());  // 700 - 64 rejected = 636
  EXPECT_EQ(loaded.report.rows_rejected, 64U);
  for (std::size_t row = 0; row < expected_ids.size(); ++row) {
    ASSERT_EQ(loaded.data.record_id(row), expected_ids[row]) << row;
    EXPECT_EQ(loaded.data.source_line(row), expected_lines[row]);
    EXPECT_EQ(loaded.data.cell_text(5, row), "2026-03-31");
    const int i = std::stoi(expected_ids[row].substr(1));
    EXPECT_EQ(loaded.data.cell_text(10, row), std::to_string(500 + i) + ".00");
    EXPECT_EQ(loaded.data.cell_text(4, row), "Wijk " + std::to_string(i % 9));
  }
  for (std::size_t k = 0; k < loaded.report.rejections.size(); ++k) {
    EXPECT_EQ(loaded.report.rejections[k].line, 11 * k + 2);
    EXPECT_EQ(loaded.report.rejections[k].column, "rent");
  }
  expect_same_in_any_chunks(allocations(), text, true);
}

// toets check keeps only the columns its rules read. A column left out is still checked: a row
// with a bad value there is rejected all the same, with the same reason; the kept columns hold
// what a full load holds; the id and key columns are kept whatever is asked.
TEST(CsvChunks, ColumnsNotKeptAreCheckedButNotStored) {
  std::string text = kAllocationsHeader;
  for (int i = 0; i < 30; ++i) {
    // Every seventh row has a rent that is no amount (column 10, not kept): 0, 7, 14, 21, 28.
    text += allocation("A" + std::to_string(i), i % 2 == 0 ? "Trivire" : "Woonkracht10", "Wijk " + std::to_string(i % 5),
                       i % 7 == 0 ? "veel" : "612.35");
  }
  text += allocation("A3", "Trivire", "Wijk 1");  // a repeated id: rejected by the key check
  std::vector<bool> kept(allocations().columns.size(), false);
  kept[1] = true;  // corporation
  const LoadedDataset full = load(allocations(), text, text.size() + 1, 1);
  for (const std::size_t chunk_bytes : {std::size_t{7}, std::size_t{100}, text.size() + 1}) {
    for (const unsigned threads : {1U, 2U}) {
      SCOPED_TRACE("chunks of " + std::to_string(chunk_bytes) + " bytes on " + std::to_string(threads) + " threads");
      CsvOptions options;
      options.chunk_bytes = chunk_bytes;
      options.threads = threads;
      options.kept_columns = kept;
      const LoadedDataset narrow = read_csv_text(allocations(), text, "chunks.csv", options);
      // 31 rows read: 5 bad rents and 1 repeated id rejected, 25 accepted.
      EXPECT_EQ(narrow.report.rows_read, 31U);
      EXPECT_EQ(narrow.report.rows_accepted, 25U);
      ASSERT_EQ(narrow.report.rejections.size(), 6U);
      EXPECT_EQ(narrow.report.rejections[0].line, 2U);
      EXPECT_EQ(narrow.report.rejections[0].column, "rent");
      EXPECT_EQ(narrow.report.rejections[5].line, 32U);
      EXPECT_EQ(narrow.report.rejections[5].column, "allocation_id");
      for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(narrow.report.rejections[i].reason, full.report.rejections[i].reason);
      ASSERT_EQ(narrow.data.row_count(), 25U);
      EXPECT_TRUE(narrow.data.column(0).kept);   // the id
      EXPECT_TRUE(narrow.data.column(1).kept);   // asked for
      EXPECT_FALSE(narrow.data.column(2).kept);
      EXPECT_FALSE(narrow.data.column(10).kept);
      EXPECT_TRUE(narrow.data.column(10).cents.empty());
      EXPECT_TRUE(narrow.data.column(4).dictionary.size() == 0 && narrow.data.column(4).values.empty());
      EXPECT_THROW((void)narrow.data.cell_text(10, 0), std::logic_error);
      for (std::size_t row = 0; row < 25; ++row) {
        EXPECT_EQ(narrow.data.source_line(row), full.data.source_line(row));
        EXPECT_EQ(narrow.data.record_id(row), full.data.record_id(row));
        EXPECT_EQ(narrow.data.cell_text(1, row), full.data.cell_text(1, row));
      }
    }
  }
}

// Without a stated encoding a file is read as UTF-8 at once and each record not plain ASCII is
// checked as it is read; the first that is not UTF-8 stops the load and the file is read again as
// Windows-1252 (csv_reader.cpp). The result must be what settling the encoding from every byte
// first gives: for a file of valid UTF-8 the load with UTF-8 stated; for any other file the load
// with Windows-1252 stated, plus the note that says why, naming the line of the first bad byte.
// The bad bytes go everywhere a record's bytes can be: a column read, a column no rule reads, a
// record rejected for its field count, a quoted field over two lines, the header.
std::string expected_detection_note(const std::string& text) {
  const std::size_t bad = loading::first_invalid_utf8(text);
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto byte = static_cast<unsigned char>(text[bad]);
  std::string note = "not valid UTF-8 at line " + std::to_string(line) + " (byte 0x" + kHex[byte >> 4] +
                     kHex[byte & 0xF] + "): read as Windows-1252";
  // Bytes from 0x80 up before the bad one are well-formed multi-byte UTF-8.
  if (std::any_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad),
                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    note += "; the lines before it hold UTF-8 characters, which now read wrongly: is the file a mix?";
  }
  return note;
}

// What a load gives or the error it throws, as lines.
std::vector<std::string> outcome(const std::string& text, std::size_t chunk_bytes, unsigned threads,
                                 Encoding encoding) {
  try {
    return describe(load(allocations(), text, chunk_bytes, threads, false, encoding));
  } catch (const DataFileError& error) {
    return {std::string("error ") + error.what()};
  }
}

TEST(CsvChunks, ReadAsUtf8UntilARecordIsNotGivesWhatDetectingFirstGives) {
  const std::string header =
      "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,"
      "new_build,rent,household_size,household_income,applicant_age,channel,energy_label,opmerking";
  std::mt19937 random(20261207);
  for (int round = 0; round < 150; ++round) {
    std::string text = header + (random() % 12 == 0 ? "\xE9" : "") + "\n";
    const int rows = 1 + static_cast<int>(random() % 30);
    for (int i = 0; i < rows; ++i) {
      const std::string id = "A" + std::to_string(i);
      std::string row = allocation(id, "Trivire", "Centrum");
      row.insert(row.size() - 1, ",gezien");  // the column no rule reads
      // Mostly plain rows; now and then each kind of byte in each kind of place.
      switch (random() % 24) {
        case 0:  // UTF-8 in a column read
          row.replace(row.find("Centrum"), 7, "Caf\xC3\xA9");
          break;
        case 1:  // Windows-1252 there
          row.replace(row.find("Centrum"), 7, "Caf\xE9");
          break;
        case 2:  // in the column not read
          row.replace(row.find("gezien"), 6, "gezi\xEBn");
          break;
        case 3:
          row.replace(row.find("gezien"), 6, "gezi\xC3\xABn");
          break;
        case 4:  // too few fields
          row = id + ",Trivire,Dordrecht,\xE9\n";
          break;
        case 5:  // over two lines
          row.replace(row.find("Centrum"), 7, "\"Cen\ntrum\"");
          break;
        case 6:
          row.replace(row.find("Centrum"), 7, "\"Cen\n\x80trum\"");
          break;
        case 7:  // CRLF
          row.insert(row.size() - 1, "\r");
          break;
        case 8:  // a blank line
          row = "\n";
          break;
        case 9:  // never closed
          if (random() % 4 == 0) row.replace(row.find("Trivire"), 7, "\"Trivire");
          break;
        default:
          break;
      }
      text += row;
    }
    const std::string oracle_encoding = loading::is_valid_utf8(text) ? "utf-8" : "windows-1252";
    std::vector<std::string> expected =
        outcome(text, text.size() + 1, 1, oracle_encoding == "utf-8" ? Encoding::Utf8 : Encoding::Windows1252);
    if (oracle_encoding == "windows-1252" && !expected.front().starts_with("error ")) {
      // The detection's note comes first of the notes (before the header's), or before the counts.
      const auto notes = std::find_if(expected.begin(), expected.end(), [](const std::string& line) {
        return line.starts_with("note ") || line.starts_with("read ");
      });
      expected.insert(notes, "note " + expected_detection_note(text));
    }
    for (const unsigned threads : {1U, 2U, 3U}) {
      for (const std::size_t size :
           {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{300}, text.size() + 1}) {
        SCOPED_TRACE("round " + std::to_string(round) + ", chunks of " + std::to_string(size) + " bytes on " +
                     std::to_string(threads) + " threads: " + testing::PrintToString(text));
        ASSERT_EQ(outcome(text, size, threads, Encoding::Auto), expected);
        if (!expected.front().starts_with("error ")) {
          const LoadedDataset loaded = load(allocations(), text, size, threads, false, Encoding::Auto);
          EXPECT_EQ(loaded.report.encoding, oracle_encoding);
          EXPECT_TRUE(loaded.report.encoding_detected);
        }
      }
    }
  }
}

TEST(CsvChunks, AWindows1252ByteInTheHeaderAloneMakesTheFileWindows1252) {
  std::string text = std::string(kAllocationsHeader);
  text.insert(text.size() - 1, ",opmerking \xE9\xE9n");  // a column no rule reads, named in Windows-1252
  for (int i = 0; i < 20; ++i) {
    std::string row = allocation("A" + std::to_string(i), "Trivire", "Centrum");
    text += row.insert(row.size() - 1, ",-");
  }
  for (const unsigned threads : {1U, 2U}) {
    for (const std::size_t size : {std::size_t{16}, text.size() + 1}) {
      const LoadedDataset loaded = load(allocations(), text, size, threads, false, Encoding::Auto);
      EXPECT_EQ(loaded.report.encoding, "windows-1252");
      EXPECT_EQ(loaded.report.rows_accepted, 20U);
      ASSERT_FALSE(loaded.report.notes.empty());
      EXPECT_EQ(loaded.report.notes[0], "not valid UTF-8 at line 1 (byte 0xE9): read as Windows-1252");
    }
  }
}

// Keys in runs (key_order.hpp): a file sorted by its key, or in a few sorted runs one after the
// other, has its rows looked for only among the runs before their own. A repeat is found wherever
// it falls: far from the row it repeats, at a chunk's first row, right after it, or where a run
// ends. Each case worked out by hand, and the same in chunks of any size on any threads.
std::string numbered_allocations(const std::string& prefix, int from, int to) {
  std::string rows;
  for (int i = from; i <= to; ++i) rows += allocation(prefix + std::to_string(i), "Trivire", "Centrum");
  return rows;
}

void expect_one_repeat(const std::string& text, std::size_t rows, std::uint64_t line, const std::string& reason) {
  for (const std::size_t chunk_bytes : {std::size_t{4096}, std::size_t{20000}, text.size() + 1}) {
    for (const unsigned threads : {1U, 2U}) {
      SCOPED_TRACE("chunks of " + std::to_string(chunk_bytes) + " bytes on " + std::to_string(threads) + " threads");
      const LoadedDataset loaded = load(allocations(), text, chunk_bytes, threads);
      EXPECT_EQ(loaded.data.row_count(), rows);
      ASSERT_EQ(loaded.report.rejections.size(), 1U);
      EXPECT_EQ(loaded.report.rejections[0].line, line);
      EXPECT_EQ(loaded.report.rejections[0].reason, reason);
    }
  }
}

TEST(CsvChunks, KeyRunsASortedFileRepeatingARowFarBack) {
  // A1 .. A3000 on lines 2-3001; line 3002 repeats A7 (line 8); A3001 .. A3500 after it.
  std::string text = kAllocationsHeader + numbered_allocations("A", 1, 3000);
  text += allocation("A7", "Trivire", "Centrum");
  text += numbered_allocations("A", 3001, 3500);
  expect_one_repeat(text, 3500, 3002, "duplicate allocation_id 'A7' (first on line 8)");
}

TEST(CsvChunks, KeyRunsARepeatRightAfterItsRow) {
  // A1 .. A2000 on lines 2-2001, A1234 (line 1235) again on line 1236.
  std::string text = kAllocationsHeader + numbered_allocations("A", 1, 1234);
  text += allocation("A1234", "Trivire", "Centrum");
  text += numbered_allocations("A", 1235, 2000);
  expect_one_repeat(text, 2000, 1236, "duplicate allocation_id 'A1234' (first on line 1235)");
  expect_same_in_any_chunks(allocations(), kAllocationsHeader + numbered_allocations("A", 1, 40) +
                                               allocation("A40", "Trivire", "Centrum") +
                                               numbered_allocations("A", 41, 60));
}

TEST(CsvChunks, KeyRunsOneExportAfterAnotherRepeatingTheFirstInsideTheLast) {
  // X1 .. X8 (lines 2-9), S1 .. S564 (10-573), L1 .. L3000 (574-3574) with S17 (line 26) again
  // after L1500 (line 2073, so on line 2074): the L run breaks there and goes on after it.
  std::string text = kAllocationsHeader + numbered_allocations("X", 1, 8) + numbered_allocations("S", 1, 564);
  text += numbered_allocations("L", 1, 1500);
  text += allocation("S17", "Trivire", "Centrum");
  text += numbered_allocations("L", 1501, 3000);
  expect_one_repeat(text, 8 + 564 + 3000, 2074, "duplicate allocation_id 'S17' (first on line 26)");
}

TEST(CsvChunks, KeyRunsAShuffledFileAfterASortedOne) {
  // A1 .. A2000 sorted (lines 2-2001), then B1 .. B2000 shuffled (from line 2002) with B5 moved
  // to line 2302, A1999 (line 2000) again on line 2902 and B5 again on line 3502: the sorted rows
  // are indexed where the order ends.
  std::vector<std::string> rows;
  for (int i = 1; i <= 2000; ++i) rows.push_back("B" + std::to_string(i));
  std::shuffle(rows.begin(), rows.end(), std::mt19937(11));
  std::iter_swap(rows.begin() + 300, std::find(rows.begin(), rows.end(), "B5"));
  rows.insert(rows.begin() + 900, "A1999");
  rows.insert(rows.begin() + 1500, "B5");
  std::string text = kAllocationsHeader + numbered_allocations("A", 1, 2000);
  for (const std::string& id : rows) text += allocation(id, "Trivire", "Centrum");
  const LoadedDataset whole = load(allocations(), text, text.size() + 1, 1);
  EXPECT_EQ(whole.data.row_count(), 4000U);
  ASSERT_EQ(whole.report.rejections.size(), 2U);
  EXPECT_EQ(whole.report.rejections[0].line, 2902U);
  EXPECT_EQ(whole.report.rejections[0].reason, "duplicate allocation_id 'A1999' (first on line 2000)");
  EXPECT_EQ(whole.report.rejections[1].line, 3502U);
  EXPECT_EQ(whole.report.rejections[1].reason, "duplicate allocation_id 'B5' (first on line 2302)");
  for (const std::size_t chunk_bytes : {std::size_t{4096}, std::size_t{50000}}) {
    for (const unsigned threads : {1U, 2U}) {
      EXPECT_EQ(describe(load(allocations(), text, chunk_bytes, threads)), describe(whole)) << chunk_bytes;
    }
  }
}

TEST(CsvChunks, KeyRunsStockBySnapshotRepeatingAnEarlierSnapshot) {
  // 600 snapshots (2020-01-01 on) of dwellings D1 .. D5, snapshot by snapshot: lines 2-3001.
  // Line 3002 repeats (D3, the first snapshot) from line 4.
  std::string text = "dwelling_id,snapshot_date,corporation,municipality,segment,daeb,rent,energy_label\n";
  const auto date = [](int day) {
    // Day 0 is 2020-01-01; 28 days a month are enough: any ascending dates do.
    const auto two = [](int n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
    return std::to_string(2020 + day / 336) + "-" + two(1 + day % 336 / 28) + "-" + two(1 + day % 28);
  };
  for (int day = 0; day < 600; ++day) {
    for (int d = 1; d <= 5; ++d)
      text += "D" + std::to_string(d) + "," + date(day) + ",Trivire,Dordrecht,sociaal,true,600.00,C\n";
  }
  text += "D3," + date(0) + ",Trivire,Dordrecht,sociaal,true,600.00,C\n";
  for (const std::size_t chunk_bytes : {std::size_t{4096}, text.size() + 1}) {
    for (const unsigned threads : {1U, 2U}) {
      const LoadedDataset loaded = load(stock(), text, chunk_bytes, threads);
      EXPECT_EQ(loaded.data.row_count(), 3000U);
      ASSERT_EQ(loaded.report.rejections.size(), 1U) << chunk_bytes;
      EXPECT_EQ(loaded.report.rejections[0].line, 3002U);
      EXPECT_EQ(loaded.report.rejections[0].reason,
                "duplicate (dwelling_id, snapshot_date) ('D3', '2020-01-01') (first on line 4)");
    }
  }
}

// The unique-key index (load_common.hpp) on its own: grown from empty a row at a time and made
// ahead, with hashes that share their low half (the slot's tag), so that only the key decides.
TEST(KeyRowIndex, FindsEveryRowByItsKeyAndOnlyThat) {
  constexpr std::size_t kRows = 50000;
  // Row r's key is r; its hash has the same low half for every tenth key (they collide).
  const auto hash = [](std::uint64_t key) { return key % 10 == 0 ? (key << 32) | 7u : key * 0x9E3779B97F4A7C15ULL; };
  for (const bool reserved : {false, true}) {
    KeyRowIndex index;
    if (reserved) index.reserve(kRows);
    std::vector<std::uint64_t> key_of_row;
    for (std::uint64_t key = 0; key < kRows; ++key) {
      const auto same = [&](std::size_t row) { return key_of_row[row] == key; };
      ASSERT_FALSE(index.find_or_insert(hash(key), key_of_row.size(), same).has_value()) << key;
      key_of_row.push_back(key);
    }
    for (std::uint64_t key = 0; key < kRows; key += 7) {
      const auto same = [&](std::size_t row) { return key_of_row[row] == key; };
      ASSERT_EQ(index.find(hash(key), same), std::optional<std::size_t>(key)) << key;
      // A repeat is found, not inserted: its earlier row.
      EXPECT_EQ(index.find_or_insert(hash(key), kRows, same), std::optional<std::size_t>(key)) << key;
    }
    // Keys never inserted are not found, colliding or not.
    for (std::uint64_t key = kRows; key < kRows + 100; ++key) {
      const auto same = [&](std::size_t row) { return key_of_row[row] == key; };
      EXPECT_FALSE(index.find(hash(key), same).has_value()) << key;
    }
  }
}

// While the index holds few rows, find() answers from a filter of the hashes' top bits: every row
// inserted either way (insert, find_or_insert) is found, at every size up to the filter's limit and
// past it, and keys never inserted whose hashes share a row's top bits or tag are not.
TEST(KeyRowIndex, FindsEveryRowWhileSmallAndWhenItOutgrowsTheFilter) {
  const auto hash = [](std::uint64_t key) { return (key * 0x9E3779B97F4A7C15ULL) | 1; };
  // A key never inserted with the same top 15 bits (the filter's) as `key`, and one with its tag.
  const auto same_top = [&](std::uint64_t key) { return (hash(key) & ~std::uint64_t{0xFFFF}) | 0x2; };
  const auto same_tag = [&](std::uint64_t key) { return (hash(key) & 0xFFFFFFFFULL) | (std::uint64_t{0x5A5A} << 40); };
  for (const bool by_find_or_insert : {false, true}) {
    KeyRowIndex index;
    std::vector<std::uint64_t> key_of_row;
    const auto matcher = [&](std::uint64_t key) {
      return [&key_of_row, key](std::size_t row) { return key_of_row[row] == key; };
    };
    for (std::uint64_t key = 0; key < KeyRowIndex::kFilteredRows + 200; ++key) {
      if (by_find_or_insert) {
        ASSERT_FALSE(index.find_or_insert(hash(key), key_of_row.size(), matcher(key)).has_value());
      } else {
        index.insert(hash(key), key_of_row.size());
      }
      key_of_row.push_back(key);
      const std::uint64_t probe = key / 2;  // some row inserted earlier, or this one
      SCOPED_TRACE(std::to_string(key_of_row.size()) + " rows");
      ASSERT_EQ(index.find(hash(probe), matcher(probe)), std::optional<std::size_t>(probe));
      ASSERT_EQ(index.find(hash(key), matcher(key)), std::optional<std::size_t>(key));
      ASSERT_FALSE(index.find(same_top(key), matcher(1'000'000)).has_value());
      ASSERT_FALSE(index.find(same_tag(key), matcher(1'000'000)).has_value());
    }
    EXPECT_EQ(index.size(), KeyRowIndex::kFilteredRows + 200);
  }
}

}  // namespace
}  // namespace toets
