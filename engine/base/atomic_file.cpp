#include "engine/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "dsl/source/regular_file.hpp"

namespace toets {

namespace fs = std::filesystem;

std::optional<std::string> output_path_problem(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0) {
    const std::string problem = file_type_problem(status.st_mode);
    if (!problem.empty()) return problem;
    // The rename that ends the write needs only the folder; a file its owner made read-only
    // is not replaced behind that back.
    if (::access(path.c_str(), W_OK) != 0) return describe_errno(errno);
    return std::nullopt;
  }
  if (errno != ENOENT) return describe_errno(errno);
  // A new file: its folder must be there. (A dangling symbolic link counts as new, as for any
  // program that writes through it.)
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty() && !fs::is_directory(parent, ignored)) return std::string("its folder does not exist");
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// DescriptorBuffer

namespace {
constexpr std::size_t kBufferBytes = 1 << 16;
// A large report (46 MB of JSON for 200 rules over 1M lets) took 14 ms in its fsync alone, after
// the last byte; started every 8 MiB, the disk writes overlap the writing of the rest.
constexpr std::uint64_t kWriteBackBytes = 8 << 20;
}  // namespace

DescriptorBuffer::DescriptorBuffer(int fd) : fd_(fd), buffer_(kBufferBytes) {
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

DescriptorBuffer::~DescriptorBuffer() { flush_all(); }

bool DescriptorBuffer::write_out(const char* data, std::size_t size) {
  if (error_ != 0) return false;  // after a failure nothing more is written: the file is wrong anyway
  while (size > 0) {
    const ::ssize_t written = ::write(fd_, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
      return false;
    }
    if (written == 0) {
      error_ = EIO;
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
    written_ += static_cast<std::uint64_t>(written);
  }
#ifdef __linux__
  if (write_back_early_ && written_ - written_back_ >= kWriteBackBytes) {
    // Only starts the writes (no wait); a failure here shows again in the fsync, which counts.
    ::sync_file_range(fd_, static_cast<off64_t>(written_back_), static_cast<off64_t>(written_ - written_back_),
                      SYNC_FILE_RANGE_WRITE);
    written_back_ = written_;
  }
#endif
  return true;
}

bool DescriptorBuffer::flush_all() {
  const std::size_t pending = static_cast<std::size_t>(pptr() - pbase());
  const bool ok = pending == 0 || write_out(pbase(), pending);
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return ok && error_ == 0;
}

DescriptorBuffer::int_type DescriptorBuffer::overflow(int_type c) {
  if (!flush_all()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize DescriptorBuffer::xsputn(const char* data, std::streamsize size) {
  const auto count = static_cast<std::size_t>(size);
  if (count <= static_cast<std::size_t>(epptr() - pptr())) {
    std::memcpy(pptr(), data, count);
    pbump(static_cast<int>(count));
    return size;
  }
  if (!flush_all()) return 0;
  if (count < buffer_.size()) {
    std::memcpy(pptr(), data, count);
    pbump(static_cast<int>(count));
    return size;
  }
  return write_out(data, count) ? size : 0;
}

int DescriptorBuffer::sync() { return flush_all() ? 0 : -1; }

// ---------------------------------------------------------------------------------------------
// AtomicFile

AtomicFile::AtomicFile(std::string target, std::string temporary, int fd, bool replacing)
    : target_(std::move(target)), temporary_(std::move(temporary)), fd_(fd), buffer_(fd), stream_(&buffer_) {
  buffer_.write_back_early();
#ifdef __linux__
  if (replacing) {
    // The rename frees the replaced file's cached pages before it returns: 9 ms for yesterday's
    // 46 MB report, at the very end of the check. Dropped here instead, on another core, while the
    // new report is made (its writing leaves a core idle a third of the time). Only the cache: the
    // file itself stays as it is until the rename, and is simply read from disk again if wanted.
    try {
      forget_replaced_ = std::jthread([path = target_] {
        const int replaced = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (replaced < 0) return;
        ::posix_fadvise(replaced, 0, 0, POSIX_FADV_DONTNEED);
        ::close(replaced);
      });
    } catch (const std::system_error&) {
      // No thread to be had: the rename frees the pages, as before. Not a reason to fail (and
      // the temporary made by create() must not be left behind by a throwing constructor).
    }
  }
#endif
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temporary_.c_str());
}

std::unique_ptr<AtomicFile> AtomicFile::create(const std::string& target, std::string& error) {
  if (::access(target.c_str(), F_OK) == 0 && ::access(target.c_str(), W_OK) != 0) {
    error = "cannot write: " + describe_errno(errno);
    return nullptr;
  }
  // Through a symbolic link to the file it names, so that the rename replaces that file.
  std::error_code ec;
  fs::path real = fs::path(target);
  if (fs::is_symlink(real, ec)) {
    const fs::path resolved = fs::weakly_canonical(real, ec);
    if (!ec) real = resolved;
  }
  const fs::path folder = real.parent_path().empty() ? fs::path(".") : real.parent_path();
  std::string temporary = (folder / ("." + real.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) {
    error = "cannot write: " + describe_errno(errno);
    return nullptr;
  }
  // The mode a new file would have had (mkstemp makes it 0600), or the replaced file's.
  struct stat existing {};
  const bool replacing = ::stat(real.c_str(), &existing) == 0;
  if (replacing) {
    ::fchmod(fd, existing.st_mode & 07777);
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
  }
  return std::unique_ptr<AtomicFile>(
      new AtomicFile(real.string(), std::move(temporary), fd, replacing && S_ISREG(existing.st_mode)));
}

bool AtomicFile::commit(std::string& error) {
  stream_.flush();
  int failure = 0;
  if (!buffer_.flush_all()) failure = buffer_.error_number() != 0 ? buffer_.error_number() : EIO;
  if (failure == 0 && !stream_) failure = EIO;
  if (failure == 0 && ::fsync(fd_) != 0) failure = errno;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && failure == 0) failure = errno;
  if (forget_replaced_.joinable()) forget_replaced_.join();
  if (failure == 0 && ::rename(temporary_.c_str(), target_.c_str()) != 0) failure = errno;
  if (failure != 0) {
    ::unlink(temporary_.c_str());
    committed_ = true;  // nothing left to remove
    error = "cannot write: " + describe_errno(failure);
    return false;
  }
  committed_ = true;
  return true;
}

// ---------------------------------------------------------------------------------------------
// StandardOutput

namespace {
// Never destroyed: std::cout writes through it until the very end of the process (the standard
// streams are flushed after every static object is gone), so it must outlive them all.
DescriptorBuffer& standard_output_buffer() {
  static DescriptorBuffer* const buffer = new DescriptorBuffer(STDOUT_FILENO);
  return *buffer;
}
}  // namespace

void StandardOutput::install() {
  std::cout.flush();
  std::cout.rdbuf(&standard_output_buffer());
}

std::optional<std::string> StandardOutput::finish() {
  static bool said = false;  // a failure is told once, by the first to ask after it
  std::cout.flush();
  DescriptorBuffer& buffer = standard_output_buffer();
  if ((buffer.flush_all() && std::cout) || said) return std::nullopt;
  said = true;
  return describe_errno(buffer.error_number() != 0 ? buffer.error_number() : EIO);
}

}  // namespace toets
