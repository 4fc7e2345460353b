#include "lsp/jsonrpc.hpp"

#include <charconv>

namespace toets::lsp {

ReadResult read_message(std::istream& in) {
  ReadResult result;
  std::optional<std::size_t> length;
  std::size_t lines = 0;
  for (;;) {
    std::string line;
    char c = 0;
    bool got_any = false;
    while (in.get(c)) {
      got_any = true;
      if (c == '\n') break;
      if (line.size() >= kMaxHeaderLineBytes) {
        result.status = ReadStatus::BadFraming;
        result.problem = "a header line longer than " + std::to_string(kMaxHeaderLineBytes) + " bytes";
        return result;
      }
      line += c;
    }
    if (!got_any) {
      // The end of the input: between messages that is the client going away.
      if (lines > 0) {
        result.status = ReadStatus::BadFraming;
        result.problem = "the input ended inside a message's header";
      }
      return result;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (lines == 0) continue;  // stray blank lines between messages
      break;
    }
    if (++lines > kMaxHeaderLines) {
      result.status = ReadStatus::BadFraming;
      result.problem = "more than " + std::to_string(kMaxHeaderLines) + " header lines";
      return result;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
      result.status = ReadStatus::BadFraming;
      result.problem = "a header line without ':'";
      return result;
    }
    std::string name = line.substr(0, colon);
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (name != "content-length") continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    std::size_t parsed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error != std::errc() || end != value.data() + value.size()) {
      result.status = ReadStatus::BadFraming;
      result.problem = "Content-Length '" + value + "' is not a number";
      return result;
    }
    length = parsed;
  }
  if (!length) {
    result.status = ReadStatus::BadFraming;
    result.problem = "a message without Content-Length";
    return result;
  }
  if (*length > kMaxContentBytes) {
    result.status = ReadStatus::BadFraming;
    result.problem = "Content-Length " + std::to_string(*length) + " is more than " + std::to_string(kMaxContentBytes);
    return result;
  }
  result.content.resize(*length);
  in.read(result.content.data(), static_cast<std::streamsize>(*length));
  if (static_cast<std::size_t>(in.gcount()) != *length) {
    result.status = ReadStatus::BadFraming;
    result.problem = "the input ended inside a message's content";
    return result;
  }
  result.status = ReadStatus::Message;
  return result;
}

void write_message(std::ostream& out, const nlohmann::json& message) {
  // Invalid UTF-8 in a text (a rule file's bytes quoted in a message) becomes U+FFFD, not an exception.
  const std::string content = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out << "Content-Length: " << content.size() << "\r\n\r\n" << content;
  out.flush();
}

}  // namespace toets::lsp
