#pragma once
// JSON-RPC messages over a byte stream with the Language Server Protocol's framing:
//   Content-Length: 52\r\n
//   \r\n
//   {"jsonrpc":"2.0","id":1,"method":"initialize",...}
// Internal to lsp/.

#include <nlohmann/json.hpp>

#include <istream>
#include <optional>
#include <ostream>
#include <string>

namespace toets::lsp {

// Limits against a hostile or broken client: a header line, the number of header lines and a
// message's content may be at most this long.
inline constexpr std::size_t kMaxHeaderLineBytes = 4096;
inline constexpr std::size_t kMaxHeaderLines = 32;
inline constexpr std::size_t kMaxContentBytes = 64 * 1024 * 1024;

enum class ReadStatus { Message, EndOfInput, BadFraming };

struct ReadResult {
  ReadStatus status = ReadStatus::EndOfInput;
  std::string content;  // Message: the content as sent (JSON text, maybe malformed)
  std::string problem;  // BadFraming: what was wrong
};

// Reads one framed message. Lines may end in \r\n or \n; headers other than Content-Length are
// ignored. After BadFraming the stream cannot be trusted to be at a message's start.
ReadResult read_message(std::istream& in);

// Writes one framed message and flushes.
void write_message(std::ostream& out, const nlohmann::json& message);

}  // namespace toets::lsp
