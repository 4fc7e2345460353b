#pragma once
// What a rule file and its imports declare, for hover and go-to-definition: parameters (and their
// overrides), tables and rules, each with its file, the offset of its name and its source text.
// Built from the syntax tree (dsl/syntax/parser.hpp) of the document and, recursively, of the files it
// imports, read from the editor's buffers where open, else from disk. Internal to lsp/.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toets::lsp {

struct Declaration {
  enum class Kind : std::uint8_t { Param, Override, Table, Rule };
  Kind kind = Kind::Param;
  std::string name;            // the parameter's or table's name, the rule's id
  std::string path;            // the file that declares it
  std::uint32_t offset = 0;    // of the name in that file
  std::uint32_t length = 0;    // of the name
  std::string text;            // the declaration as written (a table whole, a rule's first line)
};

// An `import "file"` of the document itself.
struct ImportReference {
  std::uint32_t offset = 0;    // of the quoted path
  std::uint32_t end = 0;
  std::string target;          // the imported file, resolved against the document's folder
  std::vector<std::string> reaches;  // it and every file it imports in turn
};

// Returns a file's text (an open buffer or the file on disk), or nullopt when it cannot be read.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

class SymbolIndex {
 public:
  SymbolIndex(const std::string& path, const std::string& text, const FileReader& read);

  // Every declaration of `name`, imports before importers (the order the checker applies them).
  std::vector<const Declaration*> find(std::string_view name) const;
  const std::vector<ImportReference>& imports() const { return imports_; }
  const std::string* text_of(const std::string& path) const;

 private:
  void load(const std::string& path, const std::string& text, const FileReader& read, int depth,
            std::vector<std::string>& reached);

  std::vector<Declaration> declarations_;
  std::vector<ImportReference> imports_;
  std::vector<std::pair<std::string, std::string>> texts_;  // path, text of every file loaded
};

// The extent of the word at `offset` in `text`: letters, digits and '_' (with `wide`, also '.' and
// '-', as rule ids have them). Empty (begin == end) when there is none.
std::pair<std::uint32_t, std::uint32_t> word_at(std::string_view text, std::uint32_t offset, bool wide = false);

}  // namespace toets::lsp
