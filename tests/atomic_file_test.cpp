// Reports and rejected rows are written through AtomicFile: a reader of the target sees the old
// file or the new one, whole. Replacing a file also drops the old file's cached pages on another
// thread while the new one is written (the rename would otherwise free them at the very end);
// these tests hold that the old file is still there, with its bytes, until the commit, and that a
// failed write leaves it as it was.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/base/atomic_file.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("toets_atomic_" + std::to_string(::getpid()) + "_" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::string path(const std::string& name) const { return (folder_ / name).string(); }
  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static void write(const std::string& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }
  std::size_t files_in_folder() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()));
  }

  fs::path folder_;
};

// A report big enough that its pages matter, replaced by a new one: the old bytes are readable
// until the commit, the new ones after it, and no temporary is left beside it.
TEST_F(AtomicFileTest, ReplacesAFileWholeKeepingItsModeAndTheOldBytesUntilTheCommit) {
  const std::string target = path("report.json");
  const std::string old_text(3 << 20, 'o');
  write(target, old_text);
  ASSERT_EQ(::chmod(target.c_str(), 0640), 0);

  std::string error;
  auto file = AtomicFile::create(target, error);
  ASSERT_TRUE(file) << error;
  const std::string new_text = std::string(5 << 20, 'n') + "\n";
  file->stream() << new_text;
  EXPECT_EQ(read(target), old_text);  // not replaced yet, whatever happened to its cached pages
  ASSERT_TRUE(file->commit(error)) << error;
  EXPECT_EQ(read(target), new_text);
  struct stat status {};
  ASSERT_EQ(::stat(target.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0640u);
  EXPECT_EQ(files_in_folder(), 1u);
}

// Written through a symbolic link: the file it names is replaced, the link stays a link.
TEST_F(AtomicFileTest, ReplacesTheFileASymbolicLinkNames) {
  const std::string real = path("real.txt");
  const std::string link = path("link.txt");
  write(real, "old\n");
  fs::create_symlink(real, link);
  std::string error;
  auto file = AtomicFile::create(link, error);
  ASSERT_TRUE(file) << error;
  file->stream() << "new\n";
  ASSERT_TRUE(file->commit(error)) << error;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(real), "new\n");
}

// Abandoned (the check failed before its report was whole): the old file is as it was, the
// temporary gone.
TEST_F(AtomicFileTest, AFileNotCommittedLeavesTheOldOneAsItWas) {
  const std::string target = path("report.txt");
  const std::string old_text(1 << 20, 'x');
  write(target, old_text);
  {
    std::string error;
    auto file = AtomicFile::create(target, error);
    ASSERT_TRUE(file) << error;
    file->stream() << "half a report";
  }
  EXPECT_EQ(read(target), old_text);
  EXPECT_EQ(files_in_folder(), 1u);
}

// A new file: made with the mode a new file gets (umask), nothing else in the folder.
TEST_F(AtomicFileTest, MakesANewFile) {
  const std::string target = path("new.txt");
  std::string error;
  auto file = AtomicFile::create(target, error);
  ASSERT_TRUE(file) << error;
  file->stream() << "first\n";
  ASSERT_TRUE(file->commit(error)) << error;
  EXPECT_EQ(read(target), "first\n");
  const mode_t mask = ::umask(0);
  ::umask(mask);
  struct stat status {};
  ASSERT_EQ(::stat(target.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0666u & ~mask);
  EXPECT_EQ(files_in_folder(), 1u);
}

}  // namespace
}  // namespace toets
