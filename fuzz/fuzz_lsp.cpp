// Fuzz target: the Language Server (toets lsp, lsp/) over a whole session. The input is what a
// client writes: framed JSON-RPC messages (or anything else). The server must answer or stop
// with a reason, never crash or hang; what it writes must be framed messages.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "lsp/jsonrpc.hpp"
#include "lsp/server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::ostringstream out;
  std::ostringstream log;
  const int status = toets::lsp::serve(in, out, log);
  if (status != 0 && status != 1) std::abort();
  // Everything written reads back as framed JSON messages.
  std::istringstream written(out.str());
  for (;;) {
    const auto message = toets::lsp::read_message(written);
    if (message.status == toets::lsp::ReadStatus::EndOfInput) break;
    if (message.status != toets::lsp::ReadStatus::Message) std::abort();
    const nlohmann::json parsed = nlohmann::json::parse(message.content);  // throws (aborts) on anything but JSON
    if (!parsed.is_object()) std::abort();
  }
  return 0;
}
