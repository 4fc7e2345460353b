// `toets lsp` driven by a scripted client, as an editor drives it: the built binary spawned with
// pipes, framed JSON-RPC messages written, the replies read (with a timeout, so a server that
// hangs fails the test instead of the suite). Expected positions are found in the rule files'
// text here, independently of the server.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/scratch_folder.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The 0-based line and character (ASCII before it on the line) of the first `needle` in `text`.
std::pair<int, int> position_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  const std::size_t line_start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  const int line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  return {line, static_cast<int>(at - line_start)};
}

class LspProcess {
 public:
  LspProcess() {
    int in[2];
    int out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      execl(TOETS_BINARY, "toets", "lsp", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_server_ = in[1];
    from_server_ = out[0];
    signal(SIGPIPE, SIG_IGN);
  }
  ~LspProcess() {
    if (to_server_ >= 0) close(to_server_);
    close(from_server_);
    if (!exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void send_raw(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = write(to_server_, bytes.data() + sent, bytes.size() - sent);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }
  void send(const json& message) {
    const std::string content = message.dump();
    send_raw("Content-Length: " + std::to_string(content.size()) + "\r\n\r\n" + content);
  }
  void notify(const std::string& method, const json& params) {
    send(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }
  void close_input() {
    close(to_server_);
    to_server_ = -1;
  }

  // The next message from the server, or nullopt after 10 seconds or at the end of its output.
  std::optional<json> receive() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      const std::size_t header_end = buffer_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        const std::size_t length = std::stoul(buffer_.substr(buffer_.find(':') + 1, header_end));
        if (buffer_.size() >= header_end + 4 + length) {
          json message = json::parse(buffer_.substr(header_end + 4, length));
          buffer_.erase(0, header_end + 4 + length);
          return message;
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd fd{from_server_, POLLIN, 0};
      if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t n = read(from_server_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // Sends a request and returns its response; notifications that come first are kept.
  json request(const std::string& method, const json& params) {
    const int id = ++next_id_;
    send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    for (;;) {
      auto message = receive();
      if (!message) {
        ADD_FAILURE() << "no response to " << method;
        return json();
      }
      if (message->contains("id") && (*message)["id"] == id) return *message;
      notifications_.push_back(*message);
    }
  }

  // The next notification of `method` (for publishDiagnostics: of `uri`).
  json notification(const std::string& method, const std::string& uri = "") {
    const auto matches = [&](const json& message) {
      return message.value("method", "") == method && (uri.empty() || message["params"].value("uri", "") == uri);
    };
    for (auto it = notifications_.begin(); it != notifications_.end(); ++it) {
      if (matches(*it)) {
        json found = *it;
        notifications_.erase(it);
        return found;
      }
    }
    for (;;) {
      auto message = receive();
      if (!message) {
        ADD_FAILURE() << "no " << method << " notification";
        return json();
      }
      if (matches(*message)) return *message;
      notifications_.push_back(*message);
    }
  }

  // The server's exit status, waiting at most 10 seconds; -1 if it did not exit.
  int wait_exit() {
    for (int i = 0; i < 1000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return *exit_code_;
      }
      usleep(10000);
    }
    return -1;
  }

  void initialize() {
    const json response = request("initialize", json{{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", json::object()}});
    ASSERT_TRUE(response.contains("result")) << response.dump();
    notify("initialized", json::object());
  }

  void shutdown_and_exit() {
    const json response = request("shutdown", nullptr);
    EXPECT_TRUE(response.contains("result") && response["result"].is_null()) << response.dump();
    notify("exit", nullptr);
    EXPECT_EQ(wait_exit(), 0);
  }

 private:
  pid_t pid_ = -1;
  int to_server_ = -1;
  int from_server_ = -1;
  std::string buffer_;
  std::deque<json> notifications_;
  int next_id_ = 0;
  std::optional<int> exit_code_;
};

std::string uri_of(const fs::path& path) { return "file://" + fs::absolute(path).lexically_normal().string(); }

json text_document(const std::string& uri, const std::string& text) {
  return json{{"textDocument", {{"uri", uri}, {"languageId", "toets"}, {"version", 1}, {"text", text}}}};
}

json at(const std::string& uri, std::pair<int, int> position, int plus = 0) {
  return json{{"textDocument", {{"uri", uri}}},
              {"position", {{"line", position.first}, {"character", position.second + plus}}}};
}

fs::path scratch(const std::string& name) { return toets::testing_support::scratch_folder("lsp_" + name); }

const fs::path kRules = fs::path(TOETS_SOURCE_DIR) / "rules";

}  // namespace

TEST(LspClient, InitializeShutdownExit) {
  LspProcess server;
  const json response = server.request("initialize", json{{"capabilities", json::object()}});
  const json& capabilities = response["result"]["capabilities"];
  EXPECT_EQ(capabilities["textDocumentSync"]["change"], 1);  // full sync
  EXPECT_EQ(capabilities["textDocumentSync"]["openClose"], true);
  EXPECT_EQ(capabilities["hoverProvider"], true);
  EXPECT_EQ(capabilities["definitionProvider"], true);
  EXPECT_EQ(response["result"]["serverInfo"]["name"], "toets");
  server.notify("initialized", json::object());
  server.shutdown_and_exit();
}

TEST(LspClient, DiagnosticsFollowTheTextAsItChanges) {
  const fs::path dir = scratch("diagnostics");
  const std::string uri = uri_of(dir / "mine.toets");
  // A threshold in euros for a count: a type error at the euro sign.
  const std::string broken = R"(ruleset mine {
  title "Mine"
  valid 2026-01-01 to 2027-12-31
}
table limit(year) : int {
  2026: 5
}
rule A "count" {
  over allocations
  per year(contract_date)
  measure count(household_size > limit(year(contract_date)))
  signal when measure > €50
}
)";
  LspProcess server;
  server.initialize();
  server.notify("textDocument/didOpen", text_document(uri, broken));
  json published = server.notification("textDocument/publishDiagnostics", uri);
  const json& diagnostics = published["params"]["diagnostics"];
  // The error, and the warning that the table lacks 2027 (inside the rule set's period).
  ASSERT_EQ(diagnostics.size(), 2u) << published.dump(2);
  const auto error = position_of(broken, "€50");
  const auto warning = position_of(broken, "limit(year(contract_date))");
  bool saw_error = false, saw_warning = false;
  for (const json& diagnostic : diagnostics) {
    EXPECT_EQ(diagnostic["source"], "toets");
    if (diagnostic["severity"] == 1) {
      saw_error = true;
      EXPECT_EQ(diagnostic["range"]["start"]["line"], error.first);
      EXPECT_EQ(diagnostic["range"]["start"]["character"], error.second);
      EXPECT_NE(diagnostic["message"].get<std::string>().find("type mismatch"), std::string::npos) << diagnostic.dump();
    } else {
      saw_warning = true;
      EXPECT_EQ(diagnostic["severity"], 2);
      EXPECT_EQ(diagnostic["range"]["start"]["line"], warning.first);
      EXPECT_NE(diagnostic["message"].get<std::string>().find("2027"), std::string::npos) << diagnostic.dump();
    }
  }
  EXPECT_TRUE(saw_error && saw_warning);

  // Fixed (and the table given its 2027): no diagnostics.
  std::string fixed = broken;
  fixed.replace(fixed.find("€50"), std::string("€50").size(), "50");
  fixed.replace(fixed.find("  2026: 5\n"), 10, "  2026: 5\n  2027: 5\n");
  server.notify("textDocument/didChange",
                json{{"textDocument", {{"uri", uri}, {"version", 2}}}, {"contentChanges", json::array({{{"text", fixed}}})}});
  published = server.notification("textDocument/publishDiagnostics", uri);
  EXPECT_TRUE(published["params"]["diagnostics"].empty()) << published.dump(2);

  // An incremental change (a range replaced), as some clients send even so: "5" typed into "50".
  const auto fifty = position_of(fixed, "> 50");
  server.notify("textDocument/didChange",
                json{{"textDocument", {{"uri", uri}, {"version", 3}}},
                     {"contentChanges", json::array({{{"range", {{"start", {{"line", fifty.first}, {"character", fifty.second + 2}}},
                                                                  {"end", {{"line", fifty.first}, {"character", fifty.second + 4}}}}},
                                                       {"text", "€5"}}})}});
  published = server.notification("textDocument/publishDiagnostics", uri);
  ASSERT_EQ(published["params"]["diagnostics"].size(), 1u) << published.dump(2);
  EXPECT_EQ(published["params"]["diagnostics"][0]["range"]["start"]["character"], fifty.second + 2);
  server.notify("textDocument/didChange",
                json{{"textDocument", {{"uri", uri}, {"version", 4}}}, {"contentChanges", json::array({{{"text", fixed}}})}});
  published = server.notification("textDocument/publishDiagnostics", uri);
  EXPECT_TRUE(published["params"]["diagnostics"].empty()) << published.dump(2);

  // A syntax error typed in: located where it is.
  std::string typo = fixed;
  typo.replace(typo.find("signal when"), 11, "signal wehn");
  server.notify("textDocument/didChange",
                json{{"textDocument", {{"uri", uri}, {"version", 3}}}, {"contentChanges", json::array({{{"text", typo}}})}});
  published = server.notification("textDocument/publishDiagnostics", uri);
  ASSERT_FALSE(published["params"]["diagnostics"].empty());
  EXPECT_EQ(published["params"]["diagnostics"][0]["range"]["start"]["line"], position_of(typo, "wehn").first);

  // Closed: its diagnostics are cleared.
  server.notify("textDocument/didClose", json{{"textDocument", {{"uri", uri}}}});
  published = server.notification("textDocument/publishDiagnostics", uri);
  EXPECT_TRUE(published["params"]["diagnostics"].empty());
  server.shutdown_and_exit();
}

TEST(LspClient, AnErrorInAnImportedFileStandsAtTheImport) {
  const fs::path dir = scratch("imports");
  {
    std::ofstream broken(dir / "broken.toets");
    broken << "param x = \n";
  }
  const std::string text = "ruleset mine {\n  title \"Mine\"\n}\nimport \"broken.toets\"\n";
  const std::string uri = uri_of(dir / "mine.toets");
  LspProcess server;
  server.initialize();
  server.notify("textDocument/didOpen", text_document(uri, text));
  const json published = server.notification("textDocument/publishDiagnostics", uri);
  const json& diagnostics = published["params"]["diagnostics"];
  ASSERT_FALSE(diagnostics.empty()) << published.dump(2);
  EXPECT_EQ(diagnostics[0]["severity"], 1);
  EXPECT_EQ(diagnostics[0]["range"]["start"]["line"], 3);
  EXPECT_EQ(diagnostics[0]["range"]["start"]["character"], position_of(text, "\"broken.toets\"").second);
  EXPECT_EQ(diagnostics[0]["message"].get<std::string>().rfind("in broken.toets:2:1: expected an expression", 0), 0u) << diagnostics[0].dump();
  server.shutdown_and_exit();
}

TEST(LspClient, HoverShowsAParametersValuesAndATablesRows) {
  const fs::path path = kRules / "dordrecht-2026-2027.toets";
  const std::string text = read_file(path);
  const std::string national = read_file(kRules / "national.toets");
  const std::string uri = uri_of(path);
  LspProcess server;
  server.initialize();
  server.notify("textDocument/didOpen", text_document(uri, text));
  server.notification("textDocument/publishDiagnostics", uri);

  // free_allocation_space on the override line: the national 7.5% and Dordrecht's 15%, with where.
  json hover = server.request("textDocument/hover", at(uri, position_of(text, "override param free_allocation_space"), 17));
  std::string value = hover["result"]["contents"]["value"];
  EXPECT_NE(value.find("param free_allocation_space = 7.5%"), std::string::npos) << value;
  EXPECT_NE(value.find("override param free_allocation_space = 15%"), std::string::npos) << value;
  const int national_line = position_of(national, "param free_allocation_space = 7.5%").first + 1;
  EXPECT_NE(value.find("national.toets:" + std::to_string(national_line)), std::string::npos) << value;

  // daeb_income_limit in rule F: the table's rows, from the imported file.
  hover = server.request("textDocument/hover", at(uri, position_of(text, "daeb_income_limit(year(contract_date)"), 3));
  value = hover["result"]["contents"]["value"];
  EXPECT_NE(value.find("table daeb_income_limit(year, household_size) : money {"), std::string::npos) << value;
  EXPECT_NE(value.find("2026 { 1: €51537, 2+: €56910 }"), std::string::npos) << value;
  const auto word = position_of(text, "daeb_income_limit(year(contract_date)");
  EXPECT_EQ(hover["result"]["range"]["start"]["character"], word.second);
  EXPECT_EQ(hover["result"]["range"]["end"]["character"], word.second + 17);

  // A local table, and a column.
  hover = server.request("textDocument/hover", at(uri, position_of(text, "nieuwbouw_planning(corporation, year)\n"), 2));
  EXPECT_NE(hover["result"]["contents"]["value"].get<std::string>().find("\"Woonbron\" { 2026: 121, 2027: 39 }"),
            std::string::npos);
  hover = server.request("textDocument/hover", at(uri, position_of(text, "household_income >"), 2));
  EXPECT_NE(hover["result"]["contents"]["value"].get<std::string>().find("allocations: money, required"),
            std::string::npos);
  // White space: nothing to say.
  hover = server.request("textDocument/hover", json{{"textDocument", {{"uri", uri}}}, {"position", {{"line", 0}, {"character", 0}}}});
  EXPECT_TRUE(hover["result"].is_null()) << hover.dump();
  server.shutdown_and_exit();
}

TEST(LspClient, DefinitionGoesAcrossImports) {
  const fs::path path = kRules / "dordrecht-2026-2027.toets";
  const std::string text = read_file(path);
  const std::string national = read_file(kRules / "national.toets");
  const std::string uri = uri_of(path);
  LspProcess server;
  server.initialize();
  server.notify("textDocument/didOpen", text_document(uri, text));

  // A table of national.toets, used in rule F.
  json definition = server.request("textDocument/definition", at(uri, position_of(text, "daeb_income_limit(year(contract_date)"), 5));
  EXPECT_EQ(definition["result"]["uri"], uri_of(kRules / "national.toets")) << definition.dump();
  auto declared = position_of(national, "table daeb_income_limit");
  EXPECT_EQ(definition["result"]["range"]["start"]["line"], declared.first);
  EXPECT_EQ(definition["result"]["range"]["start"]["character"], declared.second + 6);  // after "table "

  // An overridden parameter: its declaration, not the override.
  definition = server.request("textDocument/definition", at(uri, position_of(text, "override param free_allocation_space"), 20));
  declared = position_of(national, "param free_allocation_space = 7.5%");
  EXPECT_EQ(definition["result"]["uri"], uri_of(kRules / "national.toets"));
  EXPECT_EQ(definition["result"]["range"]["start"]["line"], declared.first);

  // A local table used in a rule: in this file.
  definition = server.request("textDocument/definition", at(uri, position_of(text, "netto_groei(corporation)\n"), 1));
  EXPECT_EQ(definition["result"]["uri"], uri);
  EXPECT_EQ(definition["result"]["range"]["start"]["line"], position_of(text, "table netto_groei").first);

  // A rule named in a comment ("rule 2.7."): the rule.
  definition = server.request("textDocument/definition", at(uri, position_of(text, "is rule 2.7"), 8));
  EXPECT_EQ(definition["result"]["range"]["start"]["line"], position_of(text, "rule 2.7 \"").first) << definition.dump();

  // The import's path: the file.
  definition = server.request("textDocument/definition", at(uri, position_of(text, "import \"national.toets\""), 10));
  EXPECT_EQ(definition["result"]["uri"], uri_of(kRules / "national.toets"));
  server.shutdown_and_exit();
}

TEST(LspClient, MistakesOfTheClientGetErrorsNotACrash) {
  LspProcess server;
  // Before initialize: ServerNotInitialized.
  json response = server.request("textDocument/hover", at("file:///x.toets", {0, 0}));
  EXPECT_EQ(response["error"]["code"], -32002) << response.dump();
  server.initialize();
  // An unknown method, params without what they need, a document not open.
  response = server.request("textDocument/frobnicate", json::object());
  EXPECT_EQ(response["error"]["code"], -32601);
  response = server.request("textDocument/hover", json::object());
  EXPECT_EQ(response["error"]["code"], -32602);
  response = server.request("textDocument/definition", at("file:///not/open.toets", {0, 0}));
  EXPECT_TRUE(response["result"].is_null());
  // Not JSON: a parse error, and the server goes on.
  server.send_raw("Content-Length: 9\r\n\r\n{not json");
  const auto parse_error = server.receive();
  ASSERT_TRUE(parse_error);
  EXPECT_EQ((*parse_error)["error"]["code"], -32700);
  server.shutdown_and_exit();
}

TEST(LspClient, ExitWithoutShutdownAndBrokenFramingEndTheServer) {
  {
    LspProcess server;
    server.initialize();
    server.notify("exit", nullptr);
    EXPECT_EQ(server.wait_exit(), 1);
  }
  {
    LspProcess server;
    server.send_raw("Content-Length: many\r\n\r\n{}");
    EXPECT_EQ(server.wait_exit(), 1);
  }
  {
    LspProcess server;
    server.initialize();
    server.close_input();  // the editor went away
    EXPECT_EQ(server.wait_exit(), 1);
  }
}
