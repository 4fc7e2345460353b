#include "engine/small_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace toets {

std::optional<std::string> read_small_file(const std::string& path, std::size_t limit, const char* what,
                                           std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    error = std::string("cannot read: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(status.st_mode)) {
    error = "cannot read: it is a directory";
    return std::nullopt;
  }
  std::string text;
  char chunk[1 << 16];
  for (;;) {
    const ::ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0) {
      if (errno == EINTR) continue;
      error = std::string("cannot read: ") + std::strerror(errno);
      return std::nullopt;
    }
    if (got == 0) return text;
    if (text.size() + static_cast<std::size_t>(got) > limit) {
      error = std::string(what) + " may be at most " + std::to_string(limit) + " bytes; this file is longer";
      return std::nullopt;
    }
    text.append(chunk, static_cast<std::size_t>(got));
  }
}

}  // namespace toets
