// Small files read whole: column mappings, plans, pseudonym keys. Only regular files, opened
// without blocking (dsl/source/regular_file.hpp): a FIFO, `/dev/zero` or a directory is refused at once.
// Each has a size limit, and the read stops at it (a file still being written may grow).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace toets {

// The file's bytes, or nullopt with `error` set to why not, without the path, as the data readers
// say it: "cannot open: No such file or directory", "cannot read: it is a directory", "cannot
// read: it is a named pipe (FIFO), not a regular file".
// `what` names the kind of file for the size error: "a mapping" gives "a mapping may be at most
// 1048576 bytes; this file is longer".
std::optional<std::string> read_small_file(const std::string& path, std::size_t limit, const char* what,
                                           std::string& error);

// Text from such a file between single quotes for a message, control characters written as \xNN
// and cut short like loading::single_quoted: a raw NUL would end the message where it is printed
// (what() is a C string), a raw ESC would drive the terminal.
std::string quoted_for_message(std::string_view text);

}  // namespace toets
