#pragma once
// Files toets writes — reports (--out, a plan's reports), rejected rows (--rejects) — and standard
// output, written so that a failure never passes for success and never leaves half a file:
//
//   std::string error;
//   auto file = AtomicFile::create("report.html", error);  // a temporary file beside it
//   if (!file) ...;                                        // error: "cannot write: Permission denied"
//   write_html_report(..., file->stream(), ...);
//   if (!file->commit(error)) ...;  // "cannot write: No space left on device"; nothing at report.html
//
// A reader of report.html sees the old report or the new one, whole: the new one is written to a
// temporary file in the same folder, synced, and renamed over it only when every byte is down.
// Every write and the close are checked, and the error carries the system's reason (strerror).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

namespace toets {

// What is wrong with `path` as a file to write, said before any work is done, without the path:
// "it is a directory", "its folder does not exist", "it is a named pipe (FIFO), not a regular
// file" (a FIFO would hang the write until someone read it), "it is a device, not a regular
// file", "a loop of symbolic links (...)", "Permission denied" (a read-only file). nullopt for a
// writable regular file or a new file in an existing folder.
std::optional<std::string> output_path_problem(const std::string& path);

// A stream buffer over a file descriptor that remembers the first failed write's errno, so the
// message can give the system's reason. Does not own the descriptor.
class DescriptorBuffer : public std::streambuf {
 public:
  explicit DescriptorBuffer(int fd);
  ~DescriptorBuffer() override;
  DescriptorBuffer(const DescriptorBuffer&) = delete;
  DescriptorBuffer& operator=(const DescriptorBuffer&) = delete;

  // Writes out what is buffered; false (and error_number() set) when any write so far failed.
  bool flush_all();
  int error_number() const { return error_; }
  // For a file that will be synced when complete (AtomicFile): the disk writes of what is
  // written are started every few megabytes, while the rest is still being made, so that the
  // final fsync waits for the last part only.
  void write_back_early() { write_back_early_ = true; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* data, std::streamsize size) override;
  int sync() override;

 private:
  bool write_out(const char* data, std::size_t size);

  int fd_;
  int error_ = 0;
  std::vector<char> buffer_;
  bool write_back_early_ = false;
  std::uint64_t written_ = 0;         // bytes written to the descriptor
  std::uint64_t written_back_ = 0;    // of which the disk writes were started
};

class AtomicFile {
 public:
  // Starts writing `target` (a symbolic link is followed: the file it names is replaced, the link
  // stays). nullptr with `error` set ("cannot write: reason") when the temporary cannot be made.
  static std::unique_ptr<AtomicFile> create(const std::string& target, std::string& error);
  ~AtomicFile();  // removes the temporary unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return stream_; }
  // Flushes, syncs and closes the temporary, then renames it over the target. False with `error`
  // set ("cannot write: No space left on device") on any failure; the temporary is then removed
  // and the target is as it was.
  bool commit(std::string& error);

 private:
  AtomicFile(std::string target, std::string temporary, int fd, bool replacing);

  std::string target_;
  std::string temporary_;
  int fd_;
  DescriptorBuffer buffer_;
  std::ostream stream_;
  bool committed_ = false;
  // Drops the cached pages of the file to be replaced while the new one is written (below).
  std::jthread forget_replaced_;
};

// Standard output through a DescriptorBuffer: install() once at the start of main makes std::cout
// write through it; finish() at the end flushes it and says whether every write succeeded, with
// the reason ("No space left on device" for `toets check ... > /dev/full`).
class StandardOutput {
 public:
  static void install();
  // nullopt when everything written reached the descriptor; the system's reason otherwise (once:
  // a later call after a failure was told returns nullopt).
  static std::optional<std::string> finish();
};

}  // namespace toets
