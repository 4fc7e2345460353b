#pragma once
// Text encodings of data files: UTF-8 validation, Windows-1252 (what Excel saves CSV as), and
// turning a file's bytes into UTF-8 text before its rows are read (decode_text).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace toets {

// How a file's text is encoded, as a user may state it (--encoding, a mapping's `encoding`).
// Auto: not stated.
enum class Encoding : std::uint8_t { Auto, Utf8, Windows1252 };

// In their own namespace, with the other helpers the readers share (load_common.hpp).
namespace loading {

// Length of the well-formed UTF-8 sequence at `at` (Unicode table 3-7), 0 when ill-formed.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);
bool is_valid_utf8(std::string_view text);

// Windows-1252 to UTF-8, byte for byte from the code page's table. The five bytes it leaves
// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are kept as they are: alone they are not UTF-8, so a
// cell holding one is rejected, with a message naming the byte, and nothing is guessed.
std::string windows_1252_to_utf8(std::string_view text);

// Decodes `raw` as `encoding` (Auto is UTF-8) into UTF-8 text. A UTF-8 byte-order mark is dropped.
// Throws DataFileError for a UTF-16 file and for a file stated to be Windows-1252 that is plainly
// UTF-8 (it has multi-byte UTF-8 text and nothing else outside ASCII): converting it would garble
// every accented letter without a trace. `notes` receives what the reader should know.
std::string_view decode_text(std::string_view raw, Encoding encoding, const std::string& name, std::string& converted,
                             std::vector<std::string>& notes);

}  // namespace loading
}  // namespace toets
