#include "dsl/source/diagnostics.hpp"

#include <algorithm>
#include <sstream>

#include "dsl/source/visible_text.hpp"

namespace toets {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

std::uint32_t SourceFile::line_of(std::uint32_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<std::uint32_t>(it - line_starts_.begin());
}

std::uint32_t SourceFile::column_of(std::uint32_t offset) const {
  std::uint32_t start = line_starts_[line_of(offset) - 1];
  std::uint32_t column = 1;
  if (cached_offset_ >= start && cached_offset_ <= offset) {
    start = cached_offset_;
    column = cached_column_;
  }
  for (std::uint32_t i = start; i < offset && i < text_.size(); ++i) {
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  cached_offset_ = offset;
  cached_column_ = column;
  return column;
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const std::uint32_t start = line_starts_[line - 1];
  std::uint32_t end = line < line_starts_.size() ? line_starts_[line] : static_cast<std::uint32_t>(text_.size());
  while (end > start && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return std::string_view(text_).substr(start, end - start);
}

Diagnostic& Diagnostics::add(Severity severity, const SourceFile* file, std::uint32_t offset,
                             std::string message) {
  if (severity == Severity::Error) ++error_count_;
  if (items_.size() >= kMaxDiagnostics) {
    ++dropped_;
    overflow_ = Diagnostic{};
    return overflow_;
  }
  Diagnostic d;
  d.severity = severity;
  if (message.size() > kMaxMessageBytes) {
    // A message quoting a name of a megabyte: cut at a character boundary (robustness).
    std::size_t cut = kMaxMessageBytes;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
    message.resize(cut);
    message += "...";
  }
  d.message = std::move(message);
  d.sequence = static_cast<std::uint32_t>(items_.size());
  if (file != nullptr) {
    d.has_location = true;
    d.path = file->path();
    d.offset = offset;
    d.line = file->line_of(offset);
    d.column = file->column_of(offset);
    const std::string_view line = file->line_text(d.line);
    if (line.size() <= kMaxShownLineBytes) {
      d.line_text = std::string(line);
    } else {
      // A window around the spot, cut at character boundaries, marked with "...".
      const std::size_t spot = offset - static_cast<std::size_t>(line.data() - file->text().data());
      std::size_t begin = spot > kMaxShownLineBytes / 2 ? spot - kMaxShownLineBytes / 2 : 0;
      while (begin > 0 && (static_cast<unsigned char>(line[begin]) & 0xC0) == 0x80) --begin;
      std::size_t end = std::min(line.size(), begin + kMaxShownLineBytes);
      while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) ++end;
      std::uint32_t skipped = 0;  // characters before the window
      for (std::size_t i = 0; i < begin; ++i) skipped += (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
      d.line_text = (begin > 0 ? "..." : "") + std::string(line.substr(begin, end - begin)) +
                    (end < line.size() ? "..." : "");
      d.line_text_column = begin > 0 ? 1 + skipped - 3 : 1;
    }
  }
  auto known = std::find(file_paths_.begin(), file_paths_.end(), d.path);
  d.file_order = static_cast<std::uint32_t>(known - file_paths_.begin());
  if (known == file_paths_.end()) file_paths_.push_back(d.path);
  items_.push_back(std::move(d));
  return items_.back();
}

Diagnostic& Diagnostics::error(const SourceFile* file, std::uint32_t offset, std::string message) {
  return add(Severity::Error, file, offset, std::move(message));
}

Diagnostic& Diagnostics::warning(const SourceFile* file, std::uint32_t offset, std::string message) {
  return add(Severity::Warning, file, offset, std::move(message));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file_order != b.file_order) return a.file_order < b.file_order;
    if (a.offset != b.offset) return a.offset < b.offset;
    return a.sequence < b.sequence;
  });
  return out;
}

void Diagnostics::print(std::ostream& out) const {
  for (const auto& d : sorted()) out << format_diagnostic(d);
  if (dropped_ > 0) out << "toets: " << dropped_ << " more diagnostics not shown (at most " << kMaxDiagnostics << ")\n";
}

void Diagnostics::print_summarising_imports(std::ostream& out, const std::string& root, std::string_view flag) const {
  std::size_t hidden = 0;
  std::vector<std::string> files;  // the imported files they are about, in order
  for (const auto& d : sorted()) {
    if (d.severity == Severity::Warning && d.has_location && d.path != root) {
      ++hidden;
      if (std::find(files.begin(), files.end(), d.path) == files.end()) files.push_back(d.path);
      continue;
    }
    out << format_diagnostic(d);
  }
  if (dropped_ > 0) out << "toets: " << dropped_ << " more diagnostics not shown (at most " << kMaxDiagnostics << ")\n";
  if (hidden == 0) return;
  std::string names;
  for (const auto& file : files) names += (names.empty() ? "" : ", ") + file;
  out << "toets: " << hidden << " warning" << (hidden == 1 ? "" : "s") << " about imported files (" << names
      << ") not shown; " << flag << " shows " << (hidden == 1 ? "it" : "them") << "\n";
}

std::string format_diagnostic(const Diagnostic& d) {
  std::ostringstream out;
  const char* severity = d.severity == Severity::Error ? "error" : "warning";
  // Names, paths and source lines are shown with their control characters escaped
  // (visible_text.hpp): a rule file cannot act on the terminal it is checked in.
  if (!d.has_location) {
    out << "toets: " << severity << ": " << visible(d.message) << '\n';
  } else {
    out << visible(d.path) << ':' << d.line << ':' << d.column << ": " << severity << ": " << visible(d.message)
        << '\n';
    out << "  " << visible_lines(d.line_text) << '\n' << "  ";
    // The caret under the spot as shown: tabs kept, escapes and wide characters counted by the
    // columns they take.
    std::size_t cut = 0;
    for (std::uint32_t seen = d.line_text_column; cut < d.line_text.size() && seen < d.column; ++seen) {
      ++cut;
      while (cut < d.line_text.size() && (static_cast<unsigned char>(d.line_text[cut]) & 0xC0) == 0x80) ++cut;
    }
    const std::string shown = visible_lines(std::string_view(d.line_text).substr(0, cut));
    for (std::size_t at = 0; at < shown.size();) {
      const CodePoint code = decode_utf8(shown, at);
      if (shown[at] == '\t') out << '\t';
      else out << std::string(static_cast<std::size_t>(code_point_width(code.value)), ' ');
      at += code.length == 0 ? 1 : code.length;
    }
    out << "^\n";
  }
  for (const auto& note : d.notes) out << "  note: " << visible(note) << '\n';
  for (const auto& line : d.listing) out << (line.empty() ? "" : "    ") << visible(line) << '\n';
  return out.str();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  // A name of a megabyte is no typo, and its edit distances would take seconds (robustness).
  if (name.size() > 64) return best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string best = closest_name(name, candidates);
  return best.empty() ? std::string() : "did you mean '" + best + "'?";
}

}  // namespace toets
