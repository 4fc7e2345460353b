#pragma once
// Text encodings of data files: UTF-8 validation, Windows-1252 (what Excel saves CSV as), and
// choosing between the two once per file (decode_text; the CSV reader checks UTF-8 as it reads, csv_reader.cpp).
//
// Without a stated encoding a CSV file whose bytes (after a UTF-8 byte-order mark) are all
// well-formed UTF-8 is read as UTF-8, and any other file as Windows-1252: a Windows-1252 file with
// text outside ASCII is almost never also valid UTF-8 (é is 0xE9, € is 0x80, neither followed by
// the continuation bytes UTF-8 requires), and a pure-ASCII file reads the same either way.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "engine/data/rejection_reason.hpp"

namespace toets {

struct LoadReport;

// How a file's text is encoded, as a user may state it (--encoding, a mapping's `encoding`).
// Auto: not stated; what it then means is up to the reader (CSV: detected, JSON: UTF-8).
enum class Encoding : std::uint8_t { Auto, Utf8, Windows1252 };

// In their own namespace, with the other helpers the readers share (load_common.hpp).
namespace loading {

// Length of the well-formed UTF-8 sequence at `at` (Unicode table 3-7), 0 when ill-formed.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);
// The offset of the first byte of `text` that is not part of well-formed UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view text);
bool is_valid_utf8(std::string_view text);

// Windows-1252 to UTF-8, byte for byte from the code page's table. The five bytes it leaves
// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are kept as they are: alone they are not UTF-8, so a
// cell holding one is rejected, with a message naming the byte, and nothing is guessed.
std::string windows_1252_to_utf8(std::string_view text);

// The first byte of `text` that is not part of well-formed UTF-8 (there must be one), for a
// message: "holds byte 0xE9, which is 'é' in Windows-1252" followed by `windows_1252_advice`
// (what to do if the file is Windows-1252); or "holds byte 0x81" alone for a byte that
// Windows-1252 does not define either (0x81, 0x8D, 0x8F, 0x90, 0x9D).
std::string describe_invalid_byte(std::string_view text, std::string_view windows_1252_advice);

// A file's text as UTF-8, and what it was read as.
struct DecodedText {
  std::string_view text;      // the file itself (without a byte-order mark), or its conversion
  bool windows_1252 = false;  // converted from Windows-1252 (stated, or detected)
};

// Decodes `raw` as `encoding` into UTF-8 text; Auto detects it, from every byte of the file (valid
// UTF-8: UTF-8; anything else: Windows-1252). A UTF-8 byte-order mark is dropped. Throws
// DataFileError for a UTF-16 file and for a file stated to be Windows-1252 that is plainly UTF-8
// (it has multi-byte UTF-8 text and nothing else outside ASCII): converting it would garble every
// accented letter without a trace. Sets report.encoding and report.encoding_detected and adds to
// report.notes what the reader should know (why Windows-1252 was detected). A converted text is
// kept in `converted`. `release`, when given, is told each position of `raw` before which the
// detection has no more need of the bytes (FileBytes::release_before), so detecting costs no memory.
DecodedText decode_text(std::string_view raw, Encoding encoding, const std::string& name, std::string& converted,
                        LoadReport& report, const std::function<void(const char*)>& release = nullptr);

// `raw` without a UTF-8 byte-order mark at its start.
std::string_view without_byte_order_mark(std::string_view raw);

// `raw` taken to be UTF-8 without a look at its bytes (csv_reader.cpp checks them as it reads), as
// decode_text would take it if it were: a byte-order mark dropped, DataFileError for UTF-16, and
// report.encoding ("utf-8") and report.encoding_detected set.
DecodedText take_as_utf8(std::string_view raw, const std::string& name, LoadReport& report);

}  // namespace loading

// The byte of `text` that is not UTF-8 as invalid_utf8's details (byte, windows_1252).
RejectionReason invalid_utf8_reason(std::string_view text, std::string_view advice);

}  // namespace toets
