#pragma once
// Diagnostics about rule files: user mistakes are values, not exceptions. Every diagnostic points
// at a byte offset of a source file kept in memory, and prints as
//   file:line:col: error: message
//     <the source line>
//     <caret under the spot>
//   note: did you mean 'x'?
// The sink collects them and keeps going; output is sorted by file and position so a run reports
// every mistake of a file, in source order. Not thread-safe.

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace toets {

// A rule file's text and its line starts, loaded once; nothing re-reads the file to print.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // 1-based line and column (column counts UTF-8 characters) of a byte offset.
  std::uint32_t line_of(std::uint32_t offset) const;
  std::uint32_t column_of(std::uint32_t offset) const;
  std::string_view line_text(std::uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
  // column_of() resumes from the last offset it counted to on the same line: diagnostics on one
  // enormous line would otherwise each count it from the start.
  mutable std::uint32_t cached_offset_ = 0;
  mutable std::uint32_t cached_column_ = 1;
};

enum class Severity : std::uint8_t { Error, Warning };

// A self-contained value: the location is resolved (and the source line copied) when the
// diagnostic is made, so it outlives the rule files it points into.
struct Diagnostic {
  Severity severity = Severity::Error;
  bool has_location = false;   // false for e.g. a rule file that cannot be read at all
  std::string path;
  std::uint32_t offset = 0;
  std::uint32_t line = 0;      // 1-based
  std::uint32_t column = 0;    // 1-based, in characters
  std::string line_text;        // the source line; a long one cut to a window around the spot
  std::uint32_t line_text_column = 1;  // the column line_text starts at (> 1 when cut)
  std::string message;
  std::vector<std::string> notes;
  std::vector<std::string> listing;  // lines shown after the notes, indented: e.g. a file rewritten
  std::uint32_t file_order = 0;  // files sort in the order they were first reported
  std::uint32_t sequence = 0;    // keeps the order of equal positions stable
};

// Limits against pathological rule files: at most this many diagnostics are kept (the rest are
// counted), a source line longer than kMaxShownLineBytes is shown as a window around the spot,
// and a message longer than kMaxMessageBytes is cut.
inline constexpr std::size_t kMaxDiagnostics = 1000;
inline constexpr std::size_t kMaxShownLineBytes = 240;
inline constexpr std::size_t kMaxMessageBytes = 400;  // longer messages are cut, ending in "..."

class Diagnostics {
 public:
  Diagnostic& error(const SourceFile* file, std::uint32_t offset, std::string message);
  Diagnostic& warning(const SourceFile* file, std::uint32_t offset, std::string message);

  bool has_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  // Diagnostics beyond kMaxDiagnostics: counted (errors in error_count()) but not kept.
  std::size_t dropped() const { return dropped_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  // Sorted by file (in order of first appearance), position, then insertion.
  std::vector<Diagnostic> sorted() const;
  void print(std::ostream& out) const;
  // print(), except that warnings about other files than `root` (its imports: national.toets for
  // every local rule set) are summed up in one line naming `flag`, which shows them. Errors are
  // always printed whole.
  void print_summarising_imports(std::ostream& out, const std::string& root, std::string_view flag) const;

 private:
  Diagnostic& add(Severity severity, const SourceFile* file, std::uint32_t offset, std::string message);

  std::vector<Diagnostic> items_;
  std::vector<std::string> file_paths_;
  std::size_t error_count_ = 0;
  std::size_t dropped_ = 0;
  Diagnostic overflow_;  // what add() returns once kMaxDiagnostics are kept
};

std::string format_diagnostic(const Diagnostic& diagnostic);

// Levenshtein distance: insertions, deletions and substitutions of bytes (the one behind every
// "did you mean", here and in engine/input/load_common.cpp).
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `name` by edit distance, if close enough to be a likely typo.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);
// "; did you mean 'x'?" note text, or empty.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace toets
