// The CSV reader on files (the messages name the file; a file cut short while read is an error,
// not a crash), dates as text, the text dictionary, and the dataset's columns. The reader on text
// is tests/csv_reader_test.cpp.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "dsl/source/calendar.hpp"
#include "dsl/program/schema.hpp"
#include "engine/data/dataset.hpp"
#include "engine/input/csv_reader.hpp"
#include "tests/support/csv_rows.hpp"

namespace toets {
namespace {

using namespace csv_testing;

// ---------------------------------------------------------------------------------------------
// Files

class TempFile {
 public:
  // `name` tells apart the files of one test.
  explicit TempFile(const std::string& contents, const std::string& name = "") {
    path_ = (std::filesystem::temp_directory_path() /
             ("toets_csv_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + name + ".csv"))
                .string();
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CsvReaderFile, ReadsAFile) {
  const TempFile file(std::string(kHeader) + valid_row("A1") + row_with("rent", "x", "A2"));
  const LoadedDataset loaded = read_csv_file(allocations(), file.path());
  EXPECT_EQ(loaded.report.file, file.path());
  EXPECT_EQ(loaded.report.dataset, "allocations");
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.report.rows_rejected, 1u);
}

TEST(CsvReaderFile, MessagesNameTheFile) {
  const TempFile file("foo,bar\n");
  try {
    read_csv_file(allocations(), file.path());
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with(file.path() + ":1: missing required columns"))
        << error.what();
  }
}

TEST(CsvReaderFile, MissingFileGivesTheSystemReason) {
  try {
    read_csv_file(allocations(), "/nonexistent/allocations.csv");
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_EQ(std::string(error.what()),
              "/nonexistent/allocations.csv: cannot open: No such file or directory");
  }
}

TEST(CsvReaderFile, DirectoryIsNotAFile) {
  const std::string directory = std::filesystem::temp_directory_path().string();
  try {
    read_csv_file(allocations(), directory);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find("directory"), std::string::npos) << error.what();
  }
}

TEST(CsvReaderFile, EmptyFile) {
  const TempFile file("");
  EXPECT_THROW(read_csv_file(allocations(), file.path()), DataFileError);
}

// A file is mapped, not copied: if another program cuts it short while it is read, reading a page
// past its new end raises SIGBUS. That must end in a message and status 2, not a crash. In a child
// process, which maps a 4 MB file, truncates it and reads on.
TEST(CsvReaderFile, AFileCutShortWhileReadIsAnErrorNotACrash) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer keeps SIGBUS for its own report";
#else
  std::string text = kHeader;
  while (text.size() < (4u << 20)) text += valid_row(numbered("A", static_cast<int>(text.size())));
  const TempFile file(text);
  const TempFile other(text, "_other");  // mapped after `file`, still mapped: not the one to name
  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(pipe_ends[1], STDERR_FILENO);
    const loading::FileBytes bytes = loading::read_whole_file(file.path());
    const loading::FileBytes other_bytes = loading::read_whole_file(other.path());
    if (::truncate(file.path().c_str(), 0) != 0) ::_exit(3);
    unsigned sum = 0;
    for (const char c : bytes.view()) sum += static_cast<unsigned char>(c);
    ::_exit(sum == 0 ? 4 : 0);  // reached only if nothing stopped the read
  }
  ::close(pipe_ends[1]);
  std::string message;
  char buffer[512];
  for (::ssize_t got = 0; (got = ::read(pipe_ends[0], buffer, sizeof buffer)) > 0;) message.append(buffer, got);
  ::close(pipe_ends[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(message, "toets: error: " + file.path() +
                         ": the file changed size while it was read (is another program still writing it? check a "
                         "copy)\n");
#endif
}

// ---------------------------------------------------------------------------------------------
// Supporting pieces: format_date, TextDictionary, cell_text

struct DateCase {
  std::int32_t days;
  std::string text;
};

class FormatDateTest : public testing::TestWithParam<DateCase> {};

TEST_P(FormatDateTest, Formats) { EXPECT_EQ(format_date(GetParam().days), GetParam().text); }

INSTANTIATE_TEST_SUITE_P(All, FormatDateTest,
                         testing::Values(DateCase{0, "1970-01-01"}, DateCase{-1, "1969-12-31"},
                                         DateCase{days_from_civil(2026, 3, 31), "2026-03-31"},
                                         DateCase{days_from_civil(2024, 2, 29), "2024-02-29"},
                                         DateCase{days_from_civil(2000, 12, 31), "2000-12-31"},
                                         DateCase{days_from_civil(1, 1, 1), "0001-01-01"},
                                         DateCase{days_from_civil(9999, 12, 31), "9999-12-31"},
                                         DateCase{days_from_civil(1, 1, 1) - 1, "0000-12-31"},
                                         DateCase{days_from_civil(-44, 3, 15), "-0044-03-15"}));

TEST(FormatDate, RoundTripsEveryYear) {
  for (std::int32_t days = days_from_civil(1, 1, 1); days <= days_from_civil(9999, 12, 31); days += 37) {
    const std::string text = format_date(days);
    ASSERT_EQ(text.size(), 10u) << text;
    const auto year = std::stoi(text.substr(0, 4));
    const auto month = static_cast<std::uint32_t>(std::stoi(text.substr(5, 2)));
    const auto day = static_cast<std::uint32_t>(std::stoi(text.substr(8, 2)));
    ASSERT_EQ(days_from_civil(year, month, day), days) << text;
  }
}

// Worked out by hand: 14699 cycles of 400 years (146097 days each) plus 3844 days from 1970-01-01.
TEST(FormatDate, ExtremesDoNotOverflow) {
  EXPECT_EQ(format_date(std::numeric_limits<std::int32_t>::max()), "5881580-07-11");
  EXPECT_EQ(format_date(std::numeric_limits<std::int32_t>::min()), "-5877641-06-23");
}

TEST(TextDictionary, InternsOncePerValue) {
  TextDictionary dictionary;
  EXPECT_EQ(dictionary.intern("Dordrecht"), 0);
  EXPECT_EQ(dictionary.intern("Terneuzen"), 1);
  EXPECT_EQ(dictionary.intern("Dordrecht"), 0);
  EXPECT_EQ(dictionary.intern(""), 2);
  EXPECT_EQ(dictionary.size(), 3u);
  EXPECT_EQ(dictionary.value(1), "Terneuzen");
  EXPECT_EQ(dictionary.find("Terneuzen"), 1);
  EXPECT_EQ(dictionary.find("terneuzen"), -1);
}


// same_bytes and hash_text read words, overlapping at the end: every length from 0 to 40, a
// difference at every position, against memcmp and against the hash made a byte at a time.
TEST(TextDictionary, WordReadsAgreeWithBytesAtEveryLength) {
  const auto bytewise_hash = [](std::string_view text) {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
    std::uint64_t h = text.size() * kMultiplier;
    for (std::size_t at = 0; at < text.size(); at += 8) {
      std::uint64_t word = 0;
      for (std::size_t i = 0; i < 8 && at + i < text.size(); ++i) {
        word |= static_cast<std::uint64_t>(static_cast<unsigned char>(text[at + i])) << (8 * i);
      }
      h = (h ^ word) * kMultiplier;
      if (at + 8 <= text.size()) h ^= h >> 29;  // a whole word is mixed further, a partial one not
    }
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    return h ^ (h >> 32);
  };
  const std::string source = "Stichting Dordtse Hofjes \xC3\xA9\xFF en Trivire, 2026-03-01";
  for (std::size_t size = 0; size <= 40; ++size) {
    const std::string text = source.substr(0, size);
    EXPECT_EQ(hash_text(text), bytewise_hash(text)) << size;
    EXPECT_TRUE(same_bytes(text.data(), source.data(), size)) << size;
    for (std::size_t at = 0; at < size; ++at) {
      std::string other = text;
      other[at] = static_cast<char>(other[at] ^ 0x20);
      EXPECT_FALSE(same_bytes(text.data(), other.data(), size)) << size << " at " << at;
      EXPECT_NE(hash_text(text), hash_text(other)) << size << " at " << at;
    }
  }
}
TEST(Dataset, ConstructorMakesOneColumnPerSchemaColumn) {
  const Dataset data(allocations());
  EXPECT_EQ(data.row_count(), 0u);
  for (std::uint32_t c = 0; c < allocations().columns.size(); ++c) {
    EXPECT_EQ(data.column(c).type, allocations().columns[c].type);
    EXPECT_EQ(data.column(c).text_storage, allocations().columns[c].text_storage);
    EXPECT_EQ(data.column(c).raw_offsets.size(), 1u);
  }
}

// The loader reserves the whole file's rows from its first chunk. Numbered ids grow longer down a
// file: a first chunk of X000001-X000003 and L1-L9 (39 bytes, 3.25 a row) is followed by L100000
// and on (7 bytes). Room at the sample's average (4 a row) would copy every id near the end.
TEST(Dataset, ReservesRawIdsAsLongAsTheSamplesLongest) {
  std::string sample_text = kHeader;
  for (const char* id : {"X000001", "X000002", "X000003", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9"}) {
    sample_text += valid_row(id);
  }
  const LoadedDataset sample = load(sample_text);
  ASSERT_EQ(sample.report.rows_accepted, 12u);
  const std::uint32_t id = allocations().id_column;
  ASSERT_EQ(sample.data.column(id).raw.size(), 39u);

  Dataset data(allocations());
  data.reserve(1000, &sample.data);
  EXPECT_GE(data.column(id).raw.capacity(), 1000u * 7);

  // The longest counts up to twice the average: one stray long id does not set the room for all.
  std::string stray_text = kHeader;
  for (int i = 1; i <= 9; ++i) stray_text += valid_row("L" + std::to_string(i));
  stray_text += valid_row(std::string(200, 'Z'));
  const LoadedDataset stray = load(stray_text);
  ASSERT_EQ(stray.report.rows_accepted, 10u);
  Dataset capped(allocations());
  capped.reserve(1000, &stray.data);
  // average 218 / 10 + 1 = 22 a row, so at most 44 (and the vector's own rounding).
  EXPECT_LT(capped.column(id).raw.capacity(), 1000u * 45);
  EXPECT_GE(capped.column(id).raw.capacity(), 1000u * 44);
}

TEST(Dataset, CellTextRendersEveryType) {
  const LoadedDataset loaded =
      load(std::string(kHeader) +
           "A1,Trivire,Dordrecht,Wielwijk,,2026-03-31,VHE-001,middenhuur,false,true,1.5,"
           "3,0.07,67,wonen_eerst,\n");
  ASSERT_EQ(loaded.report.rows_accepted, 1u);
  const std::vector<std::string> expected = {
      "A1",    "Trivire", "Dordrecht", "Wielwijk", "",     "2026-03-31", "VHE-001",     "middenhuur",
      "false", "true",    "1.50",      "3",        "0.07", "67",         "wonen_eerst", ""};
  for (std::uint32_t c = 0; c < expected.size(); ++c) {
    EXPECT_EQ(loaded.data.cell_text(c, 0), expected[c]) << allocations().columns[c].name;
  }
}

}  // namespace
}  // namespace toets
