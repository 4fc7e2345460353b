#include "engine/input/small_file.hpp"

#include "dsl/source/regular_file.hpp"
#include "engine/input/load_common.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace toets {

std::optional<std::string> read_small_file(const std::string& path, std::size_t limit, const char* what,
                                           std::string& error) {
  // Only a regular file, opened without blocking: a FIFO would hang the open, a device never end.
  std::optional<OpenedFile> file = open_regular_file(path, error);
  if (!file) return std::nullopt;
  const int fd = file->fd();
  std::string text;
  char chunk[1 << 16];
  for (;;) {
    const ::ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0) {
      if (errno == EINTR) continue;
      error = "cannot read: " + describe_errno(errno);
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

std::string quoted_for_message(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string visible;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      visible += "\\x";
      visible.push_back(kHex[byte >> 4]);
      visible.push_back(kHex[byte & 0xF]);
    } else {
      visible.push_back(c);
    }
  }
  return loading::single_quoted(visible);
}

}  // namespace toets
