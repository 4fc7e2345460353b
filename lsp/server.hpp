#pragma once
// `toets lsp`: a Language Server for rule files over stdin and stdout (docs/editor.md).
//
//   initialize / initialized / shutdown / exit
//   textDocument/didOpen, didChange (full or incremental), didSave, didClose
//       -> textDocument/publishDiagnostics: the checker's errors and warnings, located
//   textDocument/hover       on a parameter, table, rule or column: what it is, its values
//   textDocument/definition  on a parameter, table or rule: its declaration, also in an imported
//                            file; on an import's path: that file
//
// The document's own text is checked as the editor holds it; its imports are read from disk
// (save an imported file to see its effect). Not thread-safe: one server per connection.

#include <nlohmann/json.hpp>

#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace toets::lsp {

class Server {
 public:
  // One incoming message (parsed JSON) -> the messages to send back, in order.
  std::vector<nlohmann::json> handle(const nlohmann::json& message);
  bool exited() const { return exited_; }
  // After `exit`: 0 when `shutdown` came first, else 1 (the protocol's rule).
  int exit_code() const { return shutdown_ ? 0 : 1; }

 private:
  struct Document {
    std::string path;
    std::string text;
  };

  nlohmann::json request(const std::string& method, const nlohmann::json& params, std::vector<nlohmann::json>& out);
  void notification(const std::string& method, const nlohmann::json& params, std::vector<nlohmann::json>& out);
  nlohmann::json diagnostics(const std::string& uri) const;
  nlohmann::json hover(const std::string& uri, const nlohmann::json& position) const;
  nlohmann::json definition(const std::string& uri, const nlohmann::json& position) const;

  std::map<std::string, Document> documents_;  // by URI
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
};

// Serves one client over `in` and `out` until `exit` or the end of the input; what goes wrong is
// logged to `log`. Returns the process's exit status (0 after shutdown and exit, else 1).
int serve(std::istream& in, std::ostream& out, std::ostream& log);

}  // namespace toets::lsp
