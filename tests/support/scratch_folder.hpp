#pragma once
// Scratch space for tests, in the system's temporary directory. Names carry the process id: CTest
// runs test processes in parallel.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace toets::testing_support {

// A path in the temporary directory unique to this process: toets_STEM_PID.
inline std::filesystem::path scratch_path(const std::string& stem) {
  return std::filesystem::temp_directory_path() / ("toets_" + stem + "_" + std::to_string(::getpid()));
}

// A fresh, empty folder for one test (what an earlier run left there is removed first); it is left
// behind for a look after a failure.
inline std::filesystem::path scratch_folder(const std::string& stem) {
  const std::filesystem::path folder = scratch_path(stem);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

// A fresh folder removed again with this object: toets_STEM_N_PID, N counting this process's.
class TempFolder {
 public:
  explicit TempFolder(const std::string& stem = "folder")
      : path_(scratch_folder(stem + "_" + std::to_string(++count_))) {}
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes `text` (bytes as they are) to the file `name` in the folder; returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return file(name);
  }

 private:
  static inline int count_ = 0;
  std::filesystem::path path_;
};

}  // namespace toets::testing_support
