// Plans in the format before TOML (KEY = VALUE with bare values, [import KIND] and [check]
// sections), rewritten as TOML with the same meaning: what parse_plan shows beside the error when
// such a plan is run, so its author can paste it over the old one.
#include <toml++/toml.h>

#include <cstdio>

#include "engine/run/plan_file.hpp"

namespace toets {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if ((byte < 0x20 && c != '\t') || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool is_bare_key(std::string_view key) {
  if (key.empty()) return false;
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Whether `value` (with any comment after it) already reads as TOML.
bool is_toml_value(std::string_view value) {
  try {
    (void)toml::parse("v = " + std::string(value));
    return true;
  } catch (const toml::parse_error&) {
    return false;
  }
}

// An old value: "quoted" (may hold '#' and spaces), or bare up to a '#' after a space; then the
// comment, if any. False for a quote that is never closed or text after the closing quote.
bool split_old_value(std::string_view text, std::string& value, std::string& comment) {
  text = trim(text);
  if (!text.empty() && text.front() == '"') {
    const std::size_t end = text.find('"', 1);
    if (end == std::string_view::npos) return false;
    const std::string_view rest = trim(text.substr(end + 1));
    if (!rest.empty() && rest.front() != '#') return false;
    value = std::string(text.substr(1, end - 1));
    comment = std::string(rest);
    return true;
  }
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '#' && is_blank(text[i - 1])) {
      comment = std::string(text.substr(i));
      text = trim(text.substr(0, i));
      break;
    }
  }
  value = std::string(text);
  return true;
}

// An old value as the TOML value of its key: formats a list, as_of a date (or "today"),
// min_group_size a number (both as written), everything else text.
std::string typed_value(std::string_view key, const std::string& value) {
  if (key == "formats") {
    std::string list;
    std::string item;
    const auto flush = [&]() {
      if (!item.empty()) list += (list.empty() ? "" : ", ") + toml_string(item);
      item.clear();
    };
    for (const char c : value) {
      if (c == ',' || is_blank(c)) flush();
      else item += c;
    }
    flush();
    return "[" + list + "]";
  }
  // A date or a number that is not one stays as written: TOML's own error says what is wrong
  // with it, where a text in quotes would hide it.
  if (key == "as_of" && value != "today") return value;
  if (key == "min_group_size") return value;
  return toml_string(value);
}

}  // namespace

std::optional<std::string> old_plan_as_toml(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::string out;
  // What only the old format has: a bare value, an [import KIND] section, a ';' comment. A TOML
  // plan with a mistake in a quoted text has none of them, and is told its TOML mistake instead.
  bool old = false;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = trim(text.substr(at, end - at));
    at = end + 1;
    if (line.find('\0') != std::string_view::npos) return std::nullopt;
    if (line.empty()) {
      out += "\n";
    } else if (line.front() == '#') {
      out += std::string(line) + "\n";
    } else if (line.front() == ';') {
      out += "#" + std::string(line.substr(1)) + "\n";
      old = true;
    } else if (line.starts_with("[[")) {
      out += std::string(line) + "\n";
    } else if (line.front() == '[') {
      const std::size_t close = line.find(']');
      if (close == std::string_view::npos) return std::nullopt;
      const std::string_view header = trim(line.substr(1, close - 1));
      const std::string_view rest = trim(line.substr(close + 1));
      const std::string comment = !rest.empty() && rest.front() == '#' ? "  " + std::string(rest) : "";
      const std::size_t space = header.find_first_of(" \t");
      const std::string_view kind = header.substr(0, space);
      const std::string_view argument = space == std::string_view::npos ? "" : trim(header.substr(space));
      if (kind == "import" && !argument.empty()) {
        out += "[[import]]" + comment + "\ndataset = " + toml_string(argument) + "\n";
        old = true;
      } else if (kind == "check" && argument.empty()) {
        out += "[[check]]" + comment + "\n";
      } else {
        out += std::string(line) + "\n";  // not a section of a plan: the TOML reader names it
      }
    } else {
      const std::size_t eq = line.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      const std::string_view key = trim(line.substr(0, eq));
      const std::string_view raw = trim(line.substr(eq + 1));
      const bool quoted_key = !key.empty() && (key.front() == '"' || key.front() == '\'');
      const std::string toml_key = is_bare_key(key) || quoted_key ? std::string(key) : toml_string(key);
      const bool quoted = !raw.empty() && (raw.front() == '"' || raw.front() == '\'' || raw.front() == '[');
      if (quoted && is_toml_value(raw)) {
        out += toml_key + " = " + std::string(raw) + "\n";
        continue;
      }
      if (!quoted && !is_toml_value(raw)) old = true;  // a bare value: store = monitoring.db
      std::string value, comment;
      if (!split_old_value(raw, value, comment)) return std::nullopt;
      out += toml_key + " = " + typed_value(key, value) + (comment.empty() ? "" : "  " + comment) + "\n";
    }
  }
  if (!old) return std::nullopt;
  while (out.ends_with("\n\n")) out.pop_back();
  return out;
}

}  // namespace toets
