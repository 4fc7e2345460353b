#pragma once
// The container and the XML of an Excel workbook (.xlsx, Office Open XML): a ZIP archive read from
// memory with libzip, whose parts are streamed through expat into a handler, never unpacked whole.
//
// A workbook is input from outside, so every part is read within limits (docs/robustness.md): the
// entry count and the declared sizes are checked when the archive is opened, and the bytes that
// actually come out of each part are counted as they are inflated (a ZIP's sizes can lie), against
// a part's size, the whole workbook's size and the compression ratio. The XML may not declare a
// DOCTYPE (so no entity can expand) and may nest at most Limits::max_depth elements. Each limit
// that is reached is a DataFileError naming the file, the part and the limit.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/input/load_common.hpp"

struct zip;

namespace toets::xlsx {

struct Limits {
  std::uint64_t max_entries = 10000;             // files in the archive
  std::uint64_t max_part_bytes = 1ULL << 30;     // one part, uncompressed (a sheet of a million rows fits)
  std::uint64_t max_total_bytes = 2ULL << 30;    // every part, uncompressed
  std::uint64_t max_ratio = 200;                 // uncompressed : compressed, once a part is past...
  std::uint64_t ratio_exempt_bytes = 1 << 20;    // ...this many bytes (a small part may compress any way)
  std::size_t max_depth = 64;                    // nested XML elements (a sheet needs 6)
  std::size_t max_shared_strings = 1 << 24;      // entries of the shared-string table
};

// An element's attributes as expat gives them (name, value, ..., null), names as
// "namespace\x01local" when namespaced.
class Attributes {
 public:
  explicit Attributes(const char** list) : list_(list) {}
  // The value of the attribute with this local name and no namespace.
  std::optional<std::string_view> plain(std::string_view local) const;
  // The value of the attribute with this local name in some namespace (r:id).
  std::optional<std::string_view> namespaced(std::string_view local) const;

 private:
  const char** list_;
};

// Receives a part's elements by local name (namespaces dropped: transitional and strict OOXML, and
// any prefix a writer chooses, read alike) and their text, in document order.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const Attributes& attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view text) = 0;
};

class Archive {
 public:
  // Opens the archive in `bytes` (which must outlive it). `file` names it in messages.
  Archive(std::string_view bytes, std::string file, const Limits& limits);
  ~Archive();
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  // Whether the archive has this part (part names are case-insensitive, as OPC says).
  bool has(const std::string& part) const;
  // Streams `part` through expat into `handler`. An exception the handler throws ends the parse
  // and is rethrown.
  void parse(const std::string& part, XmlHandler& handler);
  const std::string& file() const { return file_; }
  const Limits& limits() const { return limits_; }

 private:
  [[noreturn]] void fail(const std::string& part, const std::string& message) const;

  std::string file_;
  Limits limits_;
  zip* zip_ = nullptr;
  std::uint64_t total_read_ = 0;
};

}  // namespace toets::xlsx
