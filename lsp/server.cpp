#include "lsp/server.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dsl/check/checker.hpp"
#include "dsl/syntax/parser.hpp"
#include "dsl/program/schema.hpp"
#include "lsp/jsonrpc.hpp"
#include "lsp/symbols.hpp"
#include "lsp/text.hpp"

namespace toets::lsp {

using nlohmann::json;

namespace {

// JSON-RPC and LSP error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kServerNotInitialized = -32002;

// Thrown for params that lack what the method needs; answered with InvalidParams.
struct BadParams {
  std::string what;
};
// Thrown for a request this server does not know; answered with MethodNotFound.
struct UnknownMethod {};

json error_response(const json& id, int code, const std::string& message) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

const json& field(const json& object, const char* name) {
  if (!object.is_object() || !object.contains(name)) throw BadParams{std::string("'") + name + "' is missing"};
  return object.at(name);
}
std::string text_field(const json& object, const char* name) {
  const json& value = field(object, name);
  if (!value.is_string()) throw BadParams{std::string("'") + name + "' must be a string"};
  return value.get<std::string>();
}
Position position_field(const json& object) {
  const json& position = field(object, "position");
  const json& line = field(position, "line");
  const json& character = field(position, "character");
  if (!line.is_number_unsigned() || !character.is_number_unsigned()) throw BadParams{"a position is two whole numbers"};
  return Position{static_cast<std::uint32_t>(std::min<std::uint64_t>(line.get<std::uint64_t>(), UINT32_MAX)),
                  static_cast<std::uint32_t>(std::min<std::uint64_t>(character.get<std::uint64_t>(), UINT32_MAX))};
}

json position_json(Position position) { return json{{"line", position.line}, {"character", position.character}}; }

json range_json(const LineIndex& lines, std::uint32_t begin, std::uint32_t end) {
  return json{{"start", position_json(lines.position(begin))}, {"end", position_json(lines.position(end))}};
}

// A rule file from disk, as the checker would read it; nullopt when it cannot be.
std::optional<std::string> read_rule_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxRuleFileBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return buffer.str();
}

std::string normal(const std::string& path) { return std::filesystem::path(path).lexically_normal().string(); }

// How a file is named to the reader of a document: relative to the document's folder when below it.
std::string shown_path(const std::string& path, const std::string& document) {
  const std::filesystem::path relative =
      std::filesystem::path(path).lexically_relative(std::filesystem::path(document).parent_path());
  const std::string text = relative.string();
  return text.empty() || text.rfind("..", 0) == 0 ? path : text;
}

// The end of the token a diagnostic points at: the word there, else one character.
std::uint32_t token_end(std::string_view text, std::uint32_t offset, const LineIndex& lines) {
  const auto [begin, end] = word_at(text, offset);
  if (begin == offset && end > offset) return end;
  const std::uint32_t line_end = lines.line_end(lines.position(offset).line);
  if (offset >= line_end) return offset;
  std::uint32_t next = offset + 1;
  while (next < line_end && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
  return next;
}

std::string diagnostic_message(const Diagnostic& diagnostic) {
  std::string message = diagnostic.message;
  for (const auto& note : diagnostic.notes) message += "\nnote: " + note;
  return message;
}

}  // namespace

std::vector<json> Server::handle(const json& message) {
  std::vector<json> out;
  if (!message.is_object()) {
    out.push_back(error_response(nullptr, kInvalidRequest, "a message must be a JSON object"));
    return out;
  }
  const bool has_id = message.contains("id");
  const json id = has_id ? message.at("id") : json(nullptr);
  if (!message.contains("method")) return out;  // a response to a request of ours: we send none
  if (!message.at("method").is_string() || (has_id && !id.is_string() && !id.is_number_integer())) {
    if (has_id) out.push_back(error_response(id, kInvalidRequest, "'method' must be a string, 'id' a number or string"));
    return out;
  }
  const std::string method = message.at("method").get<std::string>();
  const json params = message.contains("params") ? message.at("params") : json::object();
  try {
    if (!has_id) {
      notification(method, params, out);
      return out;
    }
    if (shutdown_) {
      out.push_back(error_response(id, kInvalidRequest, "the server is shutting down"));
      return out;
    }
    if (!initialized_ && method != "initialize") {
      out.push_back(error_response(id, kServerNotInitialized, "initialize first"));
      return out;
    }
    std::vector<json> notifications;
    json result = request(method, params, notifications);
    out.push_back(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
    out.insert(out.end(), notifications.begin(), notifications.end());
  } catch (const UnknownMethod&) {
    out.push_back(error_response(id, kMethodNotFound, "unknown method '" + method + "'"));
  } catch (const BadParams& bad) {
    if (has_id) out.push_back(error_response(id, kInvalidParams, method + ": " + bad.what));
  } catch (const json::exception& e) {
    if (has_id) out.push_back(error_response(id, kInvalidParams, method + ": " + e.what()));
  }
  return out;
}

json Server::request(const std::string& method, const json& params, std::vector<json>& out) {
  (void)out;
  if (method == "initialize") {
    initialized_ = true;
    return json{{"capabilities",
                 {{"textDocumentSync", {{"openClose", true}, {"change", 1}, {"save", {{"includeText", false}}}}},
                  {"hoverProvider", true},
                  {"definitionProvider", true}}},
                {"serverInfo", {{"name", "toets"}, {"version", TOETS_VERSION}}}};
  }
  if (method == "shutdown") {
    shutdown_ = true;
    return nullptr;
  }
  if (method == "textDocument/hover") {
    return hover(text_field(field(params, "textDocument"), "uri"), params);
  }
  if (method == "textDocument/definition") {
    return definition(text_field(field(params, "textDocument"), "uri"), params);
  }
  throw UnknownMethod{};
}

void Server::notification(const std::string& method, const json& params, std::vector<json>& out) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!initialized_ || shutdown_) return;  // the protocol drops notifications then
  if (method == "textDocument/didOpen") {
    const json& document = field(params, "textDocument");
    const std::string uri = text_field(document, "uri");
    const auto path = path_from_uri(uri);
    if (!path) return;  // not a file: nothing to check it against
    documents_[uri] = Document{*path, text_field(document, "text")};
    out.push_back(diagnostics(uri));
  } else if (method == "textDocument/didChange") {
    const std::string uri = text_field(field(params, "textDocument"), "uri");
    const auto found = documents_.find(uri);
    if (found == documents_.end()) return;
    const json& changes = field(params, "contentChanges");
    if (!changes.is_array()) throw BadParams{"'contentChanges' must be an array"};
    for (const json& change : changes) {
      std::string text = text_field(change, "text");
      if (change.contains("range")) {
        // An incremental change: replace the range (in the text as it is after the changes before).
        const LineIndex lines(found->second.text);
        const json& range = change.at("range");
        const std::uint32_t begin = lines.offset(position_field(json{{"position", field(range, "start")}}));
        const std::uint32_t end = lines.offset(position_field(json{{"position", field(range, "end")}}));
        if (end < begin) throw BadParams{"a change's range ends before it starts"};
        found->second.text.replace(begin, end - begin, text);
      } else {
        found->second.text = std::move(text);
      }
    }
    out.push_back(diagnostics(uri));
  } else if (method == "textDocument/didSave") {
    // A saved file may be imported by the other open documents: check them all again.
    for (const auto& [uri, document] : documents_) out.push_back(diagnostics(uri));
  } else if (method == "textDocument/didClose") {
    const std::string uri = text_field(field(params, "textDocument"), "uri");
    if (documents_.erase(uri) > 0) {
      out.push_back(json{{"jsonrpc", "2.0"},
                         {"method", "textDocument/publishDiagnostics"},
                         {"params", {{"uri", uri}, {"diagnostics", json::array()}}}});
    }
  }
}

json Server::diagnostics(const std::string& uri) const {
  const Document& document = documents_.at(uri);
  const std::string path = normal(document.path);
  Diagnostics found;
  check_rule_text(path, document.text, found);
  const LineIndex lines(document.text);
  const SymbolIndex symbols(path, document.text, [](const std::string& file) { return read_rule_file(file); });

  json list = json::array();
  for (const Diagnostic& diagnostic : found.sorted()) {
    json item{{"severity", diagnostic.severity == Severity::Error ? 1 : 2},
              {"source", "toets"},
              {"message", diagnostic_message(diagnostic)}};
    if (!diagnostic.has_location || normal(diagnostic.path) == path) {
      const std::uint32_t offset = diagnostic.has_location ? diagnostic.offset : 0;
      item["range"] = range_json(lines, offset, token_end(document.text, offset, lines));
      list.push_back(std::move(item));
      continue;
    }
    // In an imported file: its errors stand at the import that brings it in (its warnings are
    // that file's own business, shown when it is open).
    if (diagnostic.severity != Severity::Error) continue;
    const ImportReference* via = nullptr;
    for (const auto& import : symbols.imports()) {
      const auto& reaches = import.reaches;
      if (std::find(reaches.begin(), reaches.end(), normal(diagnostic.path)) != reaches.end()) {
        via = &import;
        break;
      }
    }
    item["message"] = "in " + shown_path(diagnostic.path, path) + ":" + std::to_string(diagnostic.line) + ":" +
                      std::to_string(diagnostic.column) + ": " + diagnostic_message(diagnostic);
    item["range"] = via != nullptr ? range_json(lines, via->offset, via->end) : range_json(lines, 0, 0);
    list.push_back(std::move(item));
  }
  return json{{"jsonrpc", "2.0"},
              {"method", "textDocument/publishDiagnostics"},
              {"params", {{"uri", uri}, {"diagnostics", std::move(list)}}}};
}

namespace {

std::string declaration_word(Declaration::Kind kind) {
  switch (kind) {
    case Declaration::Kind::Param: return "param";
    case Declaration::Kind::Override: return "override";
    case Declaration::Kind::Table: return "table";
    case Declaration::Kind::Rule: return "rule";
  }
  return "";
}

// What a name at the cursor declares, in Markdown: each declaration as written and where.
std::string hover_markdown(const std::vector<const Declaration*>& declarations, const SymbolIndex& symbols,
                           const std::string& document) {
  std::string text;
  const Declaration& first = *declarations.front();
  text += "**" + declaration_word(first.kind == Declaration::Kind::Override ? Declaration::Kind::Param : first.kind) +
          "** `" + first.name + "`\n";
  for (const Declaration* declaration : declarations) {
    const std::string* file = symbols.text_of(declaration->path);
    const std::uint32_t line = file != nullptr ? LineIndex(*file).position(declaration->offset).line + 1 : 0;
    text += "\n```toets\n" + declaration->text + "\n```\n" + shown_path(declaration->path, document) + ":" +
            std::to_string(line) + "\n";
  }
  if (declarations.size() > 1 && first.kind != Declaration::Kind::Rule) {
    text += "\nThe last value stated holds (an override narrowed to corporations or years only for those groups).\n";
  }
  return text;
}

// A canonical column: its type and the datasets that have it.
std::string column_markdown(std::string_view name) {
  std::string text;
  for (const auto& schema : dataset_schemas()) {
    const auto index = schema.column_index(name);
    if (!index) continue;
    const ColumnSchema& column = schema.column(*index);
    text += (text.empty() ? "**column** `" + std::string(name) + "`\n\n" : "") + "- " + schema.name + ": " +
            std::string(type_name(column.type)) + (column.required ? ", required" : ", optional");
    if (!column.enum_values.empty()) {
      text += "; one of ";
      for (std::size_t i = 0; i < column.enum_values.size(); ++i) text += (i > 0 ? ", " : "") + column.enum_values[i];
    }
    text += "\n";
  }
  return text;
}

}  // namespace

json Server::hover(const std::string& uri, const json& params) const {
  const Position position = position_field(params);
  const auto found = documents_.find(uri);
  if (found == documents_.end()) return nullptr;
  const Document& document = found->second;
  const std::string path = normal(document.path);
  const LineIndex lines(document.text);
  const std::uint32_t offset = lines.offset(position);
  const SymbolIndex symbols(path, document.text, [](const std::string& file) { return read_rule_file(file); });
  for (const bool wide : {false, true}) {
    const auto [begin, end] = word_at(document.text, offset, wide);
    if (begin == end) continue;
    const std::string word = document.text.substr(begin, end - begin);
    const auto declarations = symbols.find(word);
    std::string markdown = declarations.empty() ? (wide ? "" : column_markdown(word))
                                                : hover_markdown(declarations, symbols, path);
    if (markdown.empty()) continue;
    return json{{"contents", {{"kind", "markdown"}, {"value", markdown}}}, {"range", range_json(lines, begin, end)}};
  }
  return nullptr;
}

json Server::definition(const std::string& uri, const json& params) const {
  const Position position = position_field(params);
  const auto found = documents_.find(uri);
  if (found == documents_.end()) return nullptr;
  const Document& document = found->second;
  const std::string path = normal(document.path);
  const LineIndex lines(document.text);
  const std::uint32_t offset = lines.offset(position);
  const SymbolIndex symbols(path, document.text, [](const std::string& file) { return read_rule_file(file); });
  // On an import's path: the file it imports.
  for (const auto& import : symbols.imports()) {
    if (offset >= import.offset && offset < import.end) {
      return json{{"uri", uri_from_path(import.target)},
                  {"range", {{"start", position_json({})}, {"end", position_json({})}}}};
    }
  }
  for (const bool wide : {false, true}) {
    const auto [begin, end] = word_at(document.text, offset, wide);
    if (begin == end) continue;
    const auto declarations = symbols.find(document.text.substr(begin, end - begin));
    if (declarations.empty()) continue;
    // The declaration itself, not an override of it (the hover shows those).
    const Declaration* target = declarations.front();
    for (const Declaration* declaration : declarations) {
      if (declaration->kind != Declaration::Kind::Override) {
        target = declaration;
        break;
      }
    }
    const std::string* text = symbols.text_of(target->path);
    if (text == nullptr) return nullptr;
    return json{{"uri", uri_from_path(target->path)},
                {"range", range_json(LineIndex(*text), target->offset, target->offset + target->length)}};
  }
  return nullptr;
}

int serve(std::istream& in, std::ostream& out, std::ostream& log) {
  Server server;
  for (;;) {
    ReadResult read = read_message(in);
    if (read.status == ReadStatus::EndOfInput) {
      log << "toets lsp: the input ended without 'exit'\n";
      return 1;
    }
    if (read.status == ReadStatus::BadFraming) {
      log << "toets lsp: error: " << read.problem << "; stopping\n";
      return 1;
    }
    json message;
    try {
      message = json::parse(read.content);
    } catch (const json::parse_error& e) {
      write_message(out, error_response(nullptr, kParseError, std::string("not JSON: ") + e.what()));
      continue;
    }
    for (const json& reply : server.handle(message)) write_message(out, reply);
    if (server.exited()) return server.exit_code();
  }
}

}  // namespace toets::lsp
