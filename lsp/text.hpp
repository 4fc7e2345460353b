#pragma once
// Positions and URIs as the Language Server Protocol has them. A protocol position is a 0-based
// line and a character offset in UTF-16 code units (the protocol's default encoding); the rule
// language's diagnostics and syntax tree hold byte offsets into UTF-8 text. Internal to lsp/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toets::lsp {

struct Position {
  std::uint32_t line = 0;       // 0-based
  std::uint32_t character = 0;  // UTF-16 code units from the line's start
};

// The line starts of a text, to turn byte offsets into positions and back.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  Position position(std::uint32_t offset) const;
  // The byte offset of a position; a character past the line's end is its end, a line past the
  // text's end the text's end.
  std::uint32_t offset(Position position) const;
  std::uint32_t line_end(std::uint32_t line) const;  // byte offset of the line's end (before \r\n)

 private:
  std::string_view text_;
  std::vector<std::uint32_t> starts_;
};

// file:///home/a/r%C3%A9gels/x.toets -> /home/a/régels/x.toets; nullopt for another scheme.
std::optional<std::string> path_from_uri(std::string_view uri);
// An absolute path -> a file URI, reserved characters percent-encoded.
std::string uri_from_path(const std::string& path);

}  // namespace toets::lsp
