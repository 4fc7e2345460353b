#include "lsp/text.hpp"

#include <algorithm>
#include <filesystem>

namespace toets::lsp {

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (std::uint32_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts_.push_back(i + 1);
  }
}

namespace {

// Bytes of the UTF-8 sequence that starts with `lead` (1 for a stray continuation byte).
std::uint32_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::uint32_t LineIndex::line_end(std::uint32_t line) const {
  if (line >= starts_.size()) return static_cast<std::uint32_t>(text_.size());
  std::uint32_t end = line + 1 < starts_.size() ? starts_[line + 1] : static_cast<std::uint32_t>(text_.size());
  while (end > starts_[line] && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return end;
}

Position LineIndex::position(std::uint32_t offset) const {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  const std::uint32_t line = static_cast<std::uint32_t>(it - starts_.begin()) - 1;
  std::uint32_t units = 0;
  for (std::uint32_t i = starts_[line]; i < offset;) {
    const std::uint32_t length = sequence_length(static_cast<unsigned char>(text_[i]));
    units += length == 4 ? 2 : 1;  // beyond the Basic Multilingual Plane: a surrogate pair
    i += length;
  }
  return Position{line, units};
}

std::uint32_t LineIndex::offset(Position position) const {
  if (position.line >= starts_.size()) return static_cast<std::uint32_t>(text_.size());
  const std::uint32_t end = line_end(position.line);
  std::uint32_t i = starts_[position.line];
  std::uint32_t units = 0;
  while (i < end && units < position.character) {
    const std::uint32_t length = sequence_length(static_cast<unsigned char>(text_[i]));
    units += length == 4 ? 2 : 1;
    i = std::min(i + length, end);
  }
  return i;
}

std::optional<std::string> path_from_uri(std::string_view uri) {
  constexpr std::string_view scheme = "file://";
  if (uri.substr(0, scheme.size()) != scheme) return std::nullopt;
  uri.remove_prefix(scheme.size());
  // file://host/path: only the local host (empty or "localhost").
  const std::size_t slash = uri.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view host = uri.substr(0, slash);
  if (!host.empty() && host != "localhost") return std::nullopt;
  uri.remove_prefix(slash);
  std::string path;
  for (std::size_t i = 0; i < uri.size(); ++i) {
    const auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (uri[i] == '%' && i + 2 < uri.size() && hex(uri[i + 1]) >= 0 && hex(uri[i + 2]) >= 0) {
      const char decoded = static_cast<char>(hex(uri[i + 1]) * 16 + hex(uri[i + 2]));
      if (decoded == '\0') return std::nullopt;
      path += decoded;
      i += 2;
    } else if (uri[i] == '?' || uri[i] == '#') {
      break;
    } else {
      path += uri[i];
    }
  }
  return std::filesystem::path(path).lexically_normal().string();
}

std::string uri_from_path(const std::string& path) {
  static const char* digits = "0123456789ABCDEF";
  std::string uri = "file://";
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  for (const char c : absolute) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'z') || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += c;
    } else {
      uri += '%';
      uri += digits[byte >> 4];
      uri += digits[byte & 15];
    }
  }
  return uri;
}

}  // namespace toets::lsp
