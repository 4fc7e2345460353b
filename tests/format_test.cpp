// `toets fmt` (dsl/syntax/format.hpp): the canonical layout, on hand-written cases with their expected
// text, and on every shipped rule file and hand-messed copies of it. Each check that the rules are
// unchanged parses both texts and compares their syntax trees (without positions), and the
// comments are compared one by one: the formatter's own safety check is not trusted here.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dsl/syntax/ast_text.hpp"
#include "dsl/syntax/format.hpp"
#include "dsl/syntax/lexer.hpp"
#include "dsl/syntax/parser.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> format(const std::string& text, std::string* diagnostics_text = nullptr) {
  const SourceFile source("t.toets", text);
  Diagnostics diagnostics;
  auto formatted = format_rule_text(source, diagnostics);
  if (diagnostics_text != nullptr) {
    std::ostringstream out;
    diagnostics.print(out);
    *diagnostics_text = out.str();
  }
  return formatted;
}

// The rules a text states, as text; fails the test on a syntax error.
std::string rules_of(const std::string& text) {
  const SourceFile source("t.toets", text);
  Diagnostics diagnostics;
  const ast::File file = parse_rule_file(source, diagnostics);
  std::ostringstream printed;
  diagnostics.print(printed);
  EXPECT_FALSE(diagnostics.has_errors()) << printed.str();
  return ast_text(file);
}

// The comments of a text, in order, without the blanks at their line ends. Found by scanning
// characters (strings skipped), not with the formatter's lexer.
std::vector<std::string> comments_of(const std::string& text) {
  std::vector<std::string> comments;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"' && text[i] != '\n'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (text.compare(i, 2, "//") == 0 || text.compare(i, 2, "/*") == 0) {
      const bool line = text[i + 1] == '/';
      std::size_t end = line ? text.find('\n', i) : text.find("*/", i);
      end = end == std::string::npos ? text.size() : end + (line ? 0 : 2);
      std::string comment = text.substr(i, end - i);
      std::string cleaned;
      std::istringstream lines(comment);
      for (std::string part; std::getline(lines, part);) {
        while (!part.empty() && (part.back() == ' ' || part.back() == '\t' || part.back() == '\r')) part.pop_back();
        if (!cleaned.empty() || comment.find('\n') != std::string::npos) cleaned += cleaned.empty() ? "" : "\n";
        cleaned += part;
      }
      comments.push_back(cleaned);
      i = end - 1;
    }
  }
  return comments;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// ---- the layout, case by case ----

struct LayoutCase {
  const char* name;
  const char* input;
  const char* expected;
};
void PrintTo(const LayoutCase& c, std::ostream* os) { *os << c.name; }

class FormatLayout : public testing::TestWithParam<LayoutCase> {};

TEST_P(FormatLayout, GivesTheCanonicalText) {
  std::string problems;
  const auto formatted = format(GetParam().input, &problems);
  ASSERT_TRUE(formatted) << problems;
  EXPECT_EQ(*formatted, GetParam().expected);
  EXPECT_EQ(rules_of(*formatted), rules_of(GetParam().input));
  EXPECT_EQ(comments_of(*formatted), comments_of(GetParam().input));
  EXPECT_EQ(format(*formatted), *formatted) << "not idempotent";
}

#define EURO "\xE2\x82\xAC"

INSTANTIATE_TEST_SUITE_P(
    Cases, FormatLayout,
    testing::Values(
        LayoutCase{"one_clause_per_line_two_space_indent",
                   "rule F \"t\" { over allocations measure count breach when measure > 1 }",
                   "rule F \"t\" {\n  over allocations\n  measure count\n  breach when measure > 1\n}\n"},
        LayoutCase{"header_joined_onto_one_line", "rule F\n  \"t\"\n{\nover allocations\n}\n",
                   "rule F \"t\" {\n  over allocations\n}\n"},
        LayoutCase{"spaces_around_operators_none_inside_brackets",
                   "param a = ( 1+2 )*3\nparam b=1 param c =  -  4\n",
                   "param a = (1 + 2) * 3\nparam b = 1\nparam c = -4\n"},
        LayoutCase{"unary_minus_after_an_operator_binary_after_an_operand",
                   "param a = 5 -  -3\nparam b = x-1\n", "param a = 5 - -3\nparam b = x - 1\n"},
        LayoutCase{"calls_and_sets_tight_keywords_spaced",
                   "rule F \"t\" { over allocations where not(daeb) and channel not in { a ,b } "
                   "measure count( year ( contract_date ) = 2026 ) / stock . count( daeb ) }",
                   "rule F \"t\" {\n  over allocations where not (daeb) and channel not in {a, b}\n"
                   "  measure count(year(contract_date) = 2026) / stock.count(daeb)\n}\n"},
        LayoutCase{"money_loses_the_space_after_the_euro_sign", "param a = " EURO "  612.35\n",
                   "param a = " EURO "612.35\n"},
        LayoutCase{"quoted_text_untouched", "ruleset x {  title   \"a   b  //  c\"  }\n",
                   "ruleset x {\n  title \"a   b  //  c\"\n}\n"},
        LayoutCase{"table_header_and_rows", "table t(year,household_size):money{2026{1:" EURO "5,2+:" EURO "6,}}",
                   "table t(year, household_size) : money {\n  2026 { 1: " EURO "5, 2+: " EURO "6 }\n}\n"},
        LayoutCase{"rows_on_one_line_get_commas_rows_on_lines_lose_them",
                   "table t(year) : int {\n  2026: 1,\n  2027: 2\n}\ntable u(year, household_size) : int {\n"
                   "  2026 { 1: 1 2+: 2 }\n}\n",
                   "table t(year) : int {\n  2026: 1\n  2027: 2\n}\ntable u(year, household_size) : int {\n"
                   "  2026 { 1: 1, 2+: 2 }\n}\n"},
        LayoutCase{"nested_rows_over_lines_become_a_block",
                   "table t(year, household_size) : int {\n2026 { 1: 1,\n 2+: 2 }\n}\n",
                   "table t(year, household_size) : int {\n  2026 {\n    1: 1\n    2+: 2\n  }\n}\n"},
        LayoutCase{"row_blocks_on_one_line_line_up",
                   "table t(corporation, year) : int {\n  \"A\" { 2026: 1 }\n  \"Woonbron\"   { 2026: 2 }\n}\n",
                   "table t(corporation, year) : int {\n  \"A\"        { 2026: 1 }\n  \"Woonbron\" { 2026: 2 }\n}\n"},
        LayoutCase{"keys_with_plus_and_range_stay_whole", "table t(household_size) : int {\n1-2: 1\n 3+: 2\n}\n",
                   "table t(household_size) : int {\n  1-2: 1\n  3+: 2\n}\n"},
        LayoutCase{"continuation_lines_under_the_expression",
                   "rule F \"t\" {\n  over mutations where corporation = \"A\"\n and date >= 2026-01-01\n}\n",
                   "rule F \"t\" {\n  over mutations where corporation = \"A\"\n"
                   "                       and date >= 2026-01-01\n}\n"},
        LayoutCase{"continuation_lines_under_the_open_bracket",
                   "rule F \"t\" {\n  measure share(a > 1\n       and b)\n}\n",
                   "rule F \"t\" {\n  measure share(a > 1\n                and b)\n}\n"},
        LayoutCase{"bracket_at_line_end_hangs_four",
                   "rule F \"t\" {\n  over stock where a and (\n b or c)\n}\n",
                   "rule F \"t\" {\n  over stock where a and (\n      b or c)\n}\n"},
        LayoutCase{"comments_kept_trailing_and_on_their_own_lines",
                   "// head\n\n\n\nrule F \"t\" {   // after the brace\n\n     // before over\n  over stock   "
                   "// why\n  /* block */ measure count\n\n\n  breach when measure > 1\n\n}\n",
                   "// head\n\nrule F \"t\" {  // after the brace\n  // before over\n  over stock  // why\n"
                   "  /* block */ measure count\n\n  breach when measure > 1\n}\n"},
        LayoutCase{"comment_continuing_a_trailing_comment_stays_in_its_column",
                   "table t(year) : int {\n  2026: 1    // first line\n             // second line\n  2027: 2\n}\n",
                   "table t(year) : int {\n  2026: 1  // first line\n           // second line\n  2027: 2\n}\n"},
        LayoutCase{"comment_before_a_closing_brace_stays_inside",
                   "rule F \"t\" {\nover stock\n// last\n}\n", "rule F \"t\" {\n  over stock\n  // last\n}\n"},
        LayoutCase{"tabs_crlf_and_trailing_blanks", "param a\t=\t1 \t\r\n\r\n\r\n\r\nparam b = 2\t\r\n",
                   "param a = 1\n\nparam b = 2\n"},
        LayoutCase{"byte_order_mark_dropped", "\xEF\xBB\xBFparam a = 1", "param a = 1\n"},
        LayoutCase{"override_narrowed_and_period_forms",
                   "override   param x = 15%for corporation in{\"V\"},year in{2022}\nruleset r{valid from "
                   "2022-01-01}",
                   "override param x = 15% for corporation in {\"V\"}, year in {2022}\nruleset r {\n"
                   "  valid from 2022-01-01\n}\n"},
        LayoutCase{"target_and_threshold_sums",
                   "rule H \"t\" { target measure<=0 by 2028-12-31 as signal signal when measure < baseline+101 }",
                   "rule H \"t\" {\n  target measure <= 0 by 2028-12-31 as signal\n"
                   "  signal when measure < baseline + 101\n}\n"},
        LayoutCase{"empty_file_stays_empty", "\n\n  \n", ""}),
    [](const testing::TestParamInfo<LayoutCase>& param_info) { return std::string(param_info.param.name); });

TEST(Format, RefusesAFileThatDoesNotParse) {
  std::string problems;
  EXPECT_FALSE(format("rule F \"t\" { over allocations where daeb and\n measure count }", &problems));
  EXPECT_NE(problems.find("t.toets:2:2: error: expected an expression, found 'measure'"), std::string::npos)
      << problems;
  EXPECT_FALSE(format("param a = 1 /* never closed", &problems));
  EXPECT_NE(problems.find("never closed"), std::string::npos) << problems;
}

// ---- every shipped rule file, as it is and messed up by hand ----

std::vector<std::string> shipped_rule_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(fs::path(TOETS_SOURCE_DIR) / "rules")) {
    if (entry.path().extension() == ".toets") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A line's code part ends where a comment starts outside a string.
std::size_t code_end(const std::string& line) {
  bool in_string = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && in_string) {
      ++i;
    } else if (line[i] == '"') {
      in_string = !in_string;
    } else if (!in_string && (line.compare(i, 2, "//") == 0 || line.compare(i, 2, "/*") == 0)) {
      return i;
    }
  }
  return line.size();
}

// Ways to mess a rule file up that a formatter must undo exactly: they change blanks only, and
// keep every line break inside a clause.
enum class Mess { Indentation, Blanks, Operators, Tabs, CrLf, All };
std::string mess(const std::string& text, Mess how) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out = how == Mess::Blanks || how == Mess::All ? "\n \n\t\n" : "";
  static const char* const kIndents[] = {"", "\t", "       ", " \t ", "   "};
  static const std::pair<const char*, const char*> kOperators[] = {
      {" = ", "="}, {" > ", "  >\t"}, {" <= ", "<= "}, {", ", " ,"}, {"(", "( "}, {")", " )"},
      {" and ", "  and   "}, {" + ", "+"}, {"{", "{ "}, {"}", "  }"}, {": ", " :  "}};
  const auto characters = [](const std::string& line_text, std::size_t bytes) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < bytes && i < line_text.size(); ++i) {
      count += (static_cast<unsigned char>(line_text[i]) & 0xC0) != 0x80;
    }
    return count;
  };
  bool after_trailing_comment = false;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string line = lines[n];
    const std::size_t first = line.find_first_not_of(' ');
    const bool comment_line = first != std::string::npos && line.compare(first, 2, "//") == 0;
    const bool trailing_comment = !comment_line && code_end(line) < line.size();
    // A comment continuing a trailing comment keeps its column: that is how it is recognised. So
    // do the comment lines under it, and the code line it trails.
    const std::string next = n + 1 < lines.size() ? lines[n + 1] : "";
    const std::size_t next_first = next.find_first_not_of(' ');
    const bool continued = trailing_comment && next_first != std::string::npos && next.compare(next_first, 2, "//") == 0 &&
                           characters(next, next_first) == characters(line, code_end(line));
    const bool keep_indent = (comment_line && after_trailing_comment) || continued;
    after_trailing_comment = trailing_comment || (comment_line && after_trailing_comment);
    if (first != std::string::npos && !keep_indent) {
      if (how == Mess::Indentation || how == Mess::All) line = kIndents[n % 5] + line.substr(first);
      if (how == Mess::Tabs) line = std::string(first / 2, '\t') + line.substr(first);
    }
    // Not on a line with a comment after its code: moving that comment would hide which comment
    // lines below continue it.
    if ((how == Mess::Operators || how == Mess::Tabs || how == Mess::All) && !trailing_comment) {
      const std::size_t end = code_end(line);
      std::string code = line.substr(0, end);
      const bool has_string = code.find('"') != std::string::npos;
      for (const auto& [from, to] : kOperators) {
        if (has_string) break;  // leave quoted text alone
        for (std::size_t at = code.find(from, code.find_first_not_of(" \t")); at != std::string::npos;
             at = code.find(from, at + std::string_view(to).size())) {
          code.replace(at, std::string_view(from).size(), how == Mess::Tabs ? std::string(from) + "\t" : to);
        }
      }
      line = code + line.substr(end);
    }
    if (how == Mess::Blanks || how == Mess::All) line += n % 2 == 0 ? "  " : "\t";
    out += line;
    out += how == Mess::CrLf || how == Mess::All ? "\r\n" : "\n";
    if ((how == Mess::Blanks || how == Mess::All) && line.find_first_not_of(" \t") == std::string::npos) {
      out += "\n   \n";
    }
  }
  return out;
}

class FormatShipped : public testing::TestWithParam<std::string> {};

TEST_P(FormatShipped, KeepsRulesAndCommentsAndIsIdempotent) {
  const std::string text = read(fs::path(TOETS_SOURCE_DIR) / "rules" / GetParam());
  std::string problems;
  const auto formatted = format(text, &problems);
  ASSERT_TRUE(formatted) << problems;
  EXPECT_EQ(rules_of(*formatted), rules_of(text));
  EXPECT_EQ(comments_of(*formatted), comments_of(text));
  EXPECT_EQ(format(*formatted), *formatted);
}

TEST_P(FormatShipped, UndoesHandMessingExactly) {
  const std::string text = read(fs::path(TOETS_SOURCE_DIR) / "rules" / GetParam());
  const auto canonical = format(text);
  ASSERT_TRUE(canonical);
  for (Mess how : {Mess::Indentation, Mess::Blanks, Mess::Operators, Mess::Tabs, Mess::CrLf, Mess::All}) {
    const std::string messed = mess(text, how);
    ASSERT_NE(messed, text);
    std::string problems;
    const auto formatted = format(messed, &problems);
    ASSERT_TRUE(formatted) << "mess " << static_cast<int>(how) << ": " << problems;
    EXPECT_EQ(rules_of(messed), rules_of(text)) << "the messing itself changed the rules";
    EXPECT_EQ(*formatted, *canonical) << "mess " << static_cast<int>(how);
  }
}

TEST_P(FormatShipped, EveryClauseOnOneLineStillFormatsToTheSameRules) {
  // Line breaks inside clauses are the author's; joining every line of code changes them, so only
  // the rules, the comments and idempotency are compared here.
  const std::string text = read(fs::path(TOETS_SOURCE_DIR) / "rules" / GetParam());
  std::string joined;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    joined += line;
    joined += code_end(line) < line.size() ? "\n" : " ";
  }
  std::string problems;
  const auto formatted = format(joined, &problems);
  ASSERT_TRUE(formatted) << problems;
  EXPECT_EQ(rules_of(*formatted), rules_of(text));
  EXPECT_EQ(comments_of(*formatted), comments_of(text));
  EXPECT_EQ(format(*formatted), *formatted);
}

INSTANTIATE_TEST_SUITE_P(RuleFiles, FormatShipped, testing::ValuesIn(shipped_rule_files()),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param.substr(0, param_info.param.find('.'));
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace toets
