#include "engine/input/file_kind.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "engine/input/load_common.hpp"

namespace toets {

namespace {

constexpr std::size_t kSniffBytes = 4096;  // what is looked at: a header and a few records

constexpr const char* kSaveAsUtf8 =
    ", not UTF-8: save it as UTF-8 (in Excel: \"CSV UTF-8\") or Windows-1252 and load that";

struct Magic {
  std::string_view bytes;
  const char* what;
};

// Signatures at the start of the file. Zip covers .xlsx, .ods and .docx, which are zip archives.
constexpr Magic kMagic[] = {
    {std::string_view("\x1F\x8B", 2),
     "this is a gzip-compressed file, not CSV or JSON: decompress it first (gunzip) and load the file inside"},
    {"PK\x03\x04", "this is a zip archive (an .xlsx or .ods spreadsheet workbook?), not CSV or JSON: save the "
                   "sheet as CSV (\"CSV UTF-8\"), or unzip it and load the CSV inside"},
    {"PK\x05\x06", "this is an empty zip archive, not CSV or JSON"},
    {std::string_view("\xFD" "7zXZ\x00", 6),
     "this is an xz-compressed file, not CSV or JSON: decompress it first (unxz) and load the file inside"},
    {"\x28\xB5\x2F\xFD",
     "this is a zstd-compressed file, not CSV or JSON: decompress it first (unzstd) and load the file inside"},
    {"7z\xBC\xAF\x27\x1C", "this is a 7-Zip archive, not CSV or JSON: unpack it and load the CSV inside"},
    {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "this is an old Office file (an .xls workbook?), not CSV or JSON: save the "
                                         "sheet as CSV (\"CSV UTF-8\") and load that"},
    {std::string_view("SQLite format 3\x00", 16),
     "this is an SQLite database, not CSV or JSON: give one of its tables as sqlite:FILE:TABLE"},
    {"%PDF-", "this is a PDF document, not CSV or JSON"},
};

// Byte-order marks, longest first: UTF-32 LE's mark starts like UTF-16 LE's.
struct Mark {
  std::string_view bytes;
  const char* what;
};
constexpr Mark kMarks[] = {
    {std::string_view("\xFF\xFE\x00\x00", 4), "UTF-32 text (little-endian, with a byte-order mark)"},
    {std::string_view("\x00\x00\xFE\xFF", 4), "UTF-32 text (big-endian, with a byte-order mark)"},
    {"\xFF\xFE", "UTF-16 text (little-endian, with a byte-order mark; Excel's \"Unicode text\")"},
    {"\xFE\xFF", "UTF-16 text (big-endian, with a byte-order mark)"},
};

// UTF-16 or UTF-32 without a mark: ASCII text in them has zero bytes at fixed places (every
// other byte, or three of four). Nine in ten units so shaped, of at least four units.
std::optional<std::string> unmarked_wide_text(std::string_view head) {
  const auto zero = [&](std::size_t i) { return head[i] == '\0'; };
  const std::size_t quads = head.size() / 4;
  if (quads >= 2) {
    std::size_t little = 0;
    std::size_t big = 0;
    for (std::size_t q = 0; q < quads; ++q) {
      const std::size_t i = q * 4;
      if (!zero(i) && zero(i + 1) && zero(i + 2) && zero(i + 3)) ++little;
      if (zero(i) && zero(i + 1) && zero(i + 2) && !zero(i + 3)) ++big;
    }
    if (little * 10 >= quads * 9) return std::string("UTF-32 text (little-endian, without a byte-order mark)");
    if (big * 10 >= quads * 9) return std::string("UTF-32 text (big-endian, without a byte-order mark)");
  }
  const std::size_t pairs = head.size() / 2;
  if (pairs >= 4) {
    std::size_t little = 0;
    std::size_t big = 0;
    for (std::size_t p = 0; p < pairs; ++p) {
      const std::size_t i = p * 2;
      if (!zero(i) && zero(i + 1)) ++little;
      if (zero(i) && !zero(i + 1)) ++big;
    }
    if (little * 10 >= pairs * 9) return std::string("UTF-16 text (little-endian, without a byte-order mark)");
    if (big * 10 >= pairs * 9) return std::string("UTF-16 text (big-endian, without a byte-order mark)");
  }
  return std::nullopt;
}

// Binary data: NUL bytes (at least one in a hundred), or control characters text never has (at
// least one in ten). A stray NUL in one cell of an export is that row's problem, not the file's.
std::optional<std::string> binary_data(std::string_view head) {
  std::size_t nuls = 0;
  std::size_t controls = 0;
  for (const char c : head) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0) ++nuls;
    // Not tab, line feed, vertical tab, form feed, carriage return, Ctrl-Z (an old end of
    // file) or escape.
    else if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\v' && byte != '\f' && byte != '\r' &&
              byte != 0x1A && byte != 0x1B) ||
             byte == 0x7F) {
      ++controls;
    }
  }
  if (nuls == 0 || (nuls * 100 < head.size() && (nuls + controls) * 10 < head.size())) return std::nullopt;
  return "this is binary data (" + std::to_string(nuls) + " NUL byte" + (nuls == 1 ? "" : "s") + " in its first " +
         std::to_string(head.size()) + " bytes), not CSV or JSON text";
}

}  // namespace

std::optional<std::string> unreadable_kind(std::string_view bytes) {
  for (const Magic& magic : kMagic) {
    if (bytes.starts_with(magic.bytes)) return std::string(magic.what);
  }
  if (bytes.size() >= 4 && bytes.starts_with("BZh") && bytes[3] >= '1' && bytes[3] <= '9') {
    return std::string("this is a bzip2-compressed file, not CSV or JSON: decompress it first (bunzip2) and load the "
                       "file inside");
  }
  for (const Mark& mark : kMarks) {
    if (bytes.starts_with(mark.bytes)) return "this is " + std::string(mark.what) + kSaveAsUtf8;
  }
  const std::string_view head = bytes.substr(0, std::min(bytes.size(), kSniffBytes));
  if (auto wide = unmarked_wide_text(head)) return "this is " + *wide + kSaveAsUtf8;
  return binary_data(head);
}

void refuse_unreadable_kind(std::string_view bytes, const std::string& path) {
  if (auto problem = unreadable_kind(bytes)) throw DataFileError(path + ": " + *problem);
}

}  // namespace toets
