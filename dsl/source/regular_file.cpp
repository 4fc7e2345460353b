#include "dsl/source/regular_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace toets {

OpenedFile::OpenedFile(OpenedFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), status_(other.status_) {}

OpenedFile& OpenedFile::operator=(OpenedFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    status_ = other.status_;
  }
  return *this;
}

OpenedFile::~OpenedFile() {
  if (fd_ >= 0) ::close(fd_);
}

int OpenedFile::release() { return std::exchange(fd_, -1); }

std::string describe_errno(int error) {
  const std::string reason = std::strerror(error);
  if (error == ELOOP) return "a loop of symbolic links (" + reason + ")";
  return reason;
}

std::string file_type_problem(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "it is a directory";
  if (S_ISFIFO(mode)) return "it is a named pipe (FIFO), not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "it is a device, not a regular file";
  if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
  return "it is not a regular file";
}

std::optional<OpenedFile> open_regular_file(const std::string& path, std::string& problem, int* system_error) {
  if (system_error != nullptr) *system_error = 0;
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (system_error != nullptr) *system_error = errno;
    problem = "cannot open: " + describe_errno(errno);
    return std::nullopt;
  }
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    if (system_error != nullptr) *system_error = errno;
    problem = "cannot read: " + describe_errno(errno);
    ::close(fd);
    return std::nullopt;
  }
  if (!S_ISREG(status.st_mode)) {
    problem = "cannot read: " + file_type_problem(status.st_mode);
    ::close(fd);
    return std::nullopt;
  }
  // Reads of a regular file never block anyway; clear the flag so that they are plain reads.
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return OpenedFile(fd, status);
}

std::optional<std::string> regular_file_problem(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return "cannot open: " + describe_errno(errno);
  if (!S_ISREG(status.st_mode)) return "cannot read: " + file_type_problem(status.st_mode);
  return std::nullopt;
}

}  // namespace toets
