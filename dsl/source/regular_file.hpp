#pragma once
// Every file toets reads or writes by a name the user gave is a regular file (docs/robustness.md).
// A named pipe (FIFO) would block the open until some other program opened its other end (a
// hang), a device gives bytes forever or none at all, a directory reads as nothing: each is said
// at once, in words, instead. Shared by the rule loader (dsl) and the engine, which both link this.
//
//   std::string problem;
//   auto file = open_regular_file(path, problem);  // never blocks
//   if (!file) throw DataFileError(path + ": " + problem);  // "cannot read: it is a named pipe ..."
//   file->fd, file->status: read from the descriptor, with the size and time it had when opened.

#include <sys/stat.h>

#include <optional>
#include <string>

namespace toets {

// An open file descriptor, closed with this object. Movable, not copyable.
class OpenedFile {
 public:
  OpenedFile(int fd, const struct stat& status) : fd_(fd), status_(status) {}
  OpenedFile(OpenedFile&& other) noexcept;
  OpenedFile& operator=(OpenedFile&& other) noexcept;
  OpenedFile(const OpenedFile&) = delete;
  OpenedFile& operator=(const OpenedFile&) = delete;
  ~OpenedFile();

  int fd() const { return fd_; }
  // What fstat said right after the open: the one size and time the reader goes by.
  const struct stat& status() const { return status_; }
  // Gives the descriptor to the caller, who closes it.
  int release();

 private:
  int fd_ = -1;
  struct stat status_ {};
};

// Opens `path` read-only without ever blocking (O_NONBLOCK: a FIFO without a writer would hang
// the open), then keeps it only if it is a regular file. Otherwise nullopt, with `problem` saying
// why without the path: "cannot open: No such file or directory", "cannot open: a loop of
// symbolic links (Too many levels of symbolic links)", "cannot read: it is a directory", "cannot read: it is a named
// pipe (FIFO), not a regular file", "cannot read: it is a device, not a regular file".
// `system_error`, when given, gets the errno of a failed open or fstat (0 for a wrong type).
std::optional<OpenedFile> open_regular_file(const std::string& path, std::string& problem,
                                            int* system_error = nullptr);

// What is wrong with `path` as a file to be read, without opening it (for files another library
// opens, like SQLite the store): nullopt for a regular file; the same words as open_regular_file
// otherwise. Follows symbolic links.
std::optional<std::string> regular_file_problem(const std::string& path);

// Why a file of this type is not read: "it is a directory", "it is a named pipe (FIFO), not a
// regular file", ...; empty for a regular file.
std::string file_type_problem(mode_t mode);

// The system's reason for errno `error`, as strerror gives it; a symbolic link loop is named as
// such: "a loop of symbolic links (Too many levels of symbolic links)".
std::string describe_errno(int error);

}  // namespace toets
