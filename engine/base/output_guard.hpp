#pragma once
// The last line of defence between Toets and a terminal, a log or a JSON reader: whatever a name,
// a path or a value holds, no control character, bidi override or byte that is not UTF-8 leaves
// the process as it is (dsl/source/visible_text.hpp says how each is shown).
//
// - OutputGuard: everything written to a stream (std::cout, std::cerr) passes visible_lines():
//   line feeds and tabs, the structure of the text, are kept; the rest is shown as escapes.
//   Reports escape their values themselves; this catches what is written anywhere else.
// - escaping_sink: a spdlog sink that shows each message with visible() (one line each).
// - json_text: JSON as nlohmann::json dumps it (bytes that are not UTF-8 replaced), with the code
//   points it leaves raw that a terminal would act on (DEL, C1 controls, bidi controls, U+2028
//   and U+2029) written as \u escapes: the same string to a JSON reader, harmless on a screen.

#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>

namespace spdlog::sinks {
class sink;
}

namespace toets {

class OutputGuard {
 public:
  explicit OutputGuard(std::ostream& stream);
  ~OutputGuard();  // flushes, and gives the stream its own buffer back
  OutputGuard(const OutputGuard&) = delete;
  OutputGuard& operator=(const OutputGuard&) = delete;

  class Buffer;

 private:
  std::ostream& stream_;
  std::streambuf* original_;
  std::unique_ptr<Buffer> buffer_;
};

std::shared_ptr<spdlog::sinks::sink> escaping_sink(std::shared_ptr<spdlog::sinks::sink> inner);

// Escapes DEL, C1, bidi controls, U+2028 and U+2029 in dumped JSON text (they occur only inside
// its strings, where \uXXXX means the same).
std::string escape_json_controls(std::string dumped);
template <typename Json>
std::string json_text(const Json& value, int indent) {
  return escape_json_controls(value.dump(indent, ' ', false, Json::error_handler_t::replace));
}

}  // namespace toets
