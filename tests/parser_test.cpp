// The X3 parser (dsl/syntax/parser.hpp, dsl/syntax/grammar_def.hpp), table-driven: rule text -> its syntax tree
// as dsl/ast_text prints it, or -> the syntax errors it gives, "line:col: message". Every
// construct of docs/language.md and the main mistakes. The expected trees and messages were
// written by hand from docs/language.md (its "Grammar" section) and the rule names the grammar
// gives in messages, not copied from the parser's output.
//
// ast_text wraps every operand in one (chain ...) per precedence level it passed through (or, and,
// comparison, +/-, *), so `count` prints as five nested chains; the tables below are written with
// those single-operand wrappers removed and a chain with operators written without its head word,
// `(a + b)` for `(chain a + b)` (compact()): every node that says something stays, the brackets
// show the precedence.

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "dsl/syntax/ast_text.hpp"
#include "dsl/syntax/parser.hpp"

namespace toets {
namespace {

// ---- ast_text's output, without the single-operand chains ----

struct Sexpr {
  bool list = false;
  std::string atom;
  std::vector<Sexpr> items;
};

// Reads one s-expression of ast_text's output from `at` (atoms, "quoted \" strings", lists).
Sexpr read_sexpr(const std::string& text, std::size_t& at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\n')) ++at;
  Sexpr node;
  if (at < text.size() && text[at] == '(') {
    node.list = true;
    ++at;
    while (true) {
      while (at < text.size() && (text[at] == ' ' || text[at] == '\n')) ++at;
      if (at >= text.size() || text[at] == ')') break;
      node.items.push_back(read_sexpr(text, at));
    }
    ++at;
  } else if (at < text.size() && text[at] == '"') {
    node.atom += text[at++];
    while (at < text.size() && text[at] != '"') {
      if (text[at] == '\\') node.atom += text[at++];
      node.atom += text[at++];
    }
    node.atom += '"';
    ++at;
  } else {
    while (at < text.size() && text[at] != ' ' && text[at] != '\n' && text[at] != '(' && text[at] != ')') {
      node.atom += text[at++];
    }
  }
  return node;
}

void print_compact(const Sexpr& node, std::string& out) {
  if (!node.list) {
    out += node.atom;
    return;
  }
  if (node.items.size() == 2 && !node.items[0].list && node.items[0].atom == "chain") {
    print_compact(node.items[1], out);
    return;
  }
  // A chain with operators is written without its head: (a + b), (x and (y = z)).
  const bool chain = !node.items.empty() && !node.items[0].list && node.items[0].atom == "chain";
  out += '(';
  for (std::size_t i = chain ? 1 : 0; i < node.items.size(); ++i) {
    if (i > (chain ? 1u : 0u)) out += ' ';
    print_compact(node.items[i], out);
  }
  out += ')';
}

// Each top-level item of the file on a line of its own.
std::string compact(const std::string& printed) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    while (at < printed.size() && (printed[at] == ' ' || printed[at] == '\n')) ++at;
    if (at >= printed.size()) break;
    if (!out.empty()) out += '\n';
    print_compact(read_sexpr(printed, at), out);
  }
  return out;
}

struct Parsed {
  std::string tree;    // compact(ast_text(file))
  std::string errors;  // "line:col: message" per error, "  note: ..." per note, one a line
};

Parsed parse(const std::string& text) {
  const SourceFile source("t.toets", text);
  Diagnostics diagnostics;
  const ast::File file = parse_rule_file(source, diagnostics);
  Parsed parsed;
  parsed.tree = compact(ast_text(file));
  for (const Diagnostic& d : diagnostics.sorted()) {
    if (!parsed.errors.empty()) parsed.errors += '\n';
    parsed.errors += std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
    for (const std::string& note : d.notes) parsed.errors += "\n  note: " + note;
  }
  return parsed;
}

struct Case {
  const char* name;
  std::string text;
  std::string expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }
std::string case_name(const testing::TestParamInfo<Case>& info) { return info.param.name; }

// ---- expressions: the text after `measure`; the tree of the expression ----

class Expression : public testing::TestWithParam<Case> {};

TEST_P(Expression, ParsesToItsTree) {
  const Case& c = GetParam();
  const Parsed parsed = parse("rule F \"t\" {\n  measure " + c.text + "\n}\n");
  EXPECT_EQ(parsed.errors, "");
  EXPECT_EQ(parsed.tree, "(rule \"F\" \"t\" (measure " + c.expected + "))") << c.text;
}

const std::vector<Case> kExpressions = {
    // Literals (docs/language.md, "Values and types").
    {"WholeNumber", "12", "(number 12)"},
    {"DecimalNumber", "2.5", "(number 2.5)"},
    {"Amount", "€612.35", "(money 612.35)"},
    {"AmountWithSpace", "€ 49669", "(money 49669)"},
    {"Percentage", "7.5%", "(percent 7.5)"},
    {"Date", "2028-12-31", "(date 2028-12-31)"},
    {"NumberMinusNumberIsNotADate", "2026-1", "((number 2026) - (number 1))"},
    {"QuotedEnum", "\"A++\"", "(string \"A++\")"},
    {"StringWithEscapes", R"("a \"b\" \\ c")", R"((string "a \"b\" \\ c"))"},
    {"Name", "daeb", "(name daeb)"},
    // Comparisons, each operator.
    {"Equal", "segment = sociaal", "((name segment) = (name sociaal))"},
    {"NotEqual", "kern != \"Axel\"", "((name kern) != (string \"Axel\"))"},
    {"Less", "applicant_age < 23", "((name applicant_age) < (number 23))"},
    {"LessOrEqual", "rent <= €700", "((name rent) <= (money 700))"},
    {"Greater", "household_size > 2", "((name household_size) > (number 2))"},
    {"GreaterOrEqual", "contract_date >= 2026-01-01", "((name contract_date) >= (date 2026-01-01))"},
    {"In", "channel in {regulier, herstructurering}",
     "((name channel) in (set (name regulier) (name herstructurering)))"},
    {"NotIn", "channel not in {urgent, statushouder}",
     "((name channel) not in (set (name urgent) (name statushouder)))"},
    {"InTexts", "corporation in {\"Trivire\", \"Woonbron\"}",
     "((name corporation) in (set (string \"Trivire\") (string \"Woonbron\")))"},
    {"InNumbers", "year(date) in {2023, 2024}",
     "((call year (name date)) in (set (number 2023) (number 2024)))"},
    {"EmptySet", "kind in {}", "((name kind) in (set))"},
    // Logic: `and` binds tighter than `or`; `not` tighter than both; parentheses.
    {"And", "daeb and segment = sociaal", "((name daeb) and ((name segment) = (name sociaal)))"},
    {"AndChain", "a and b and c", "((name a) and (name b) and (name c))"},
    {"OrOfAnds", "a or b and c", "((name a) or ((name b) and (name c)))"},
    {"AndOfOrInBrackets", "(a or b) and c", "(((name a) or (name b)) and (name c))"},
    {"Not", "not monument", "(unary not (name monument))"},
    {"NotBindsTighterThanAnd", "not a and b", "((unary not (name a)) and (name b))"},
    {"NotOfComparison", "not rent > €700", "(unary not ((name rent) > (money 700)))"},
    {"NotNot", "not not flex", "(unary not (unary not (name flex)))"},
    {"DocsOrExample", "kern = \"Axel\" or kern = \"Sas van Gent\"",
     "(((name kern) = (string \"Axel\")) or ((name kern) = (string \"Sas van Gent\")))"},
    // Arithmetic: * before + and -, left to right, unary minus.
    {"Plus", "contract_date + 30", "((name contract_date) + (number 30))"},
    {"MinusLeftToRight", "a - b - c", "((name a) - (name b) - (name c))"},
    {"TimesBeforePlus", "a + b * c", "((name a) + ((name b) * (name c)))"},
    {"TimesThenPlus", "rent * 2 + €1", "(((name rent) * (number 2)) + (money 1))"},
    {"BracketsFirst", "(a + b) * c", "(((name a) + (name b)) * (name c))"},
    {"UnaryMinus", "-5", "(unary - (number 5))"},
    {"MinusNegative", "a - -5", "((name a) - (unary - (number 5)))"},
    {"ArithmeticInComparison", "rent + €50 > €700", "(((name rent) + (money 50)) > (money 700))"},
    // Calls: date functions, missing/present, table look-ups, another dataset's figure.
    {"Year", "year(contract_date)", "(call year (name contract_date))"},
    {"HalfYear", "half_year(contract_date) = 2", "((call half_year (name contract_date)) = (number 2))"},
    {"Missing", "applicant_age < 23 and missing(kern)",
     "(((name applicant_age) < (number 23)) and (call missing (name kern)))"},
    {"Present", "present(kern)", "(call present (name kern))"},
    {"TableLookUp", "rent <= liberalisatiegrens(year(contract_date))",
     "((name rent) <= (call liberalisatiegrens (call year (name contract_date))))"},
    {"NoArguments", "f()", "(call f)"},
    {"QualifiedCall", "stock.count(daeb)", "(call stock. count (name daeb))"},
    // Measures (docs/language.md, "Measures").
    {"Count", "count", "(name count)"},
    {"CountOf", "count(energy_label in {E, F, G})",
     "(call count ((name energy_label) in (set (name E) (name F) (name G))))"},
    {"Share", "share(household_income > daeb_income_limit(year(contract_date), household_size))",
     "(call share ((name household_income) > (call daeb_income_limit (call year (name contract_date)) "
     "(name household_size))))"},
    {"Ratio", "ratio(social_rent, total_dwellings)", "(call ratio (name social_rent) (name total_dwellings))"},
    {"Sum", "sum(rent)", "(call sum (name rent))"},
    {"Avg", "avg(household_income)", "(call avg (name household_income))"},
    {"MinOfDates", "min(contract_date)", "(call min (name contract_date))"},
    {"Max", "max(rent)", "(call max (name rent))"},
    {"NetFigure", "count(kind in {nieuwbouw, aankoop}) - count(kind in {verkoop, sloop, liberalisatie})",
     "((call count ((name kind) in (set (name nieuwbouw) (name aankoop)))) - "
     "(call count ((name kind) in (set (name verkoop) (name sloop) (name liberalisatie)))))"},
    {"NetFigureOfThree", "count(a) - count(b) + count(c)",
     "((call count (name a)) - (call count (name b)) + (call count (name c)))"},
    // Comments and line breaks inside an expression change nothing.
    {"CommentsInside", "share(a /* why */\n                and b)  // trailing", "(call share ((name a) and (name b)))"},
};
INSTANTIATE_TEST_SUITE_P(Parser, Expression, testing::ValuesIn(kExpressions), case_name);

// ---- rule clauses: the clause inside `rule F "t" { ... }`; the clause's tree ----

class Clause : public testing::TestWithParam<Case> {};

TEST_P(Clause, ParsesToItsTree) {
  const Case& c = GetParam();
  const Parsed parsed = parse("rule F \"t\" {\n  " + c.text + "\n}\n");
  EXPECT_EQ(parsed.errors, "");
  EXPECT_EQ(parsed.tree, "(rule \"F\" \"t\" " + c.expected + ")") << c.text;
}

const std::vector<Case> kClauses = {
    {"Source", "source \"Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F\"",
     "(source (string \"Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F\"))"},
    {"Owner", "owner \"Trivire en Woonbron\"", "(owner (string \"Trivire en Woonbron\"))"},
    {"Note", "note \"gelezen als ...\"", "(note (string \"gelezen als ...\"))"},
    {"Over", "over stock", "(over stock)"},
    {"OverWhere", "over allocations where daeb and segment = sociaal",
     "(over allocations ((name daeb) and ((name segment) = (name sociaal))))"},
    {"Exempt", "exempt monument", "(exempt (name monument))"},
    {"PerOneKey", "per corporation", "(per (name corporation))"},
    {"PerKeys", "per corporation, year(contract_date)", "(per (name corporation) (call year (name contract_date)))"},
    {"PerRecordId", "per project_id", "(per (name project_id))"},
    {"Expect", "expect corporation in {\"Trivire\", \"Woonbron\"}",
     "(expect (name corporation) (set (string \"Trivire\") (string \"Woonbron\")))"},
    {"ExpectYear", "expect year(date) in {2026, 2027}",
     "(expect (call year (name date)) (set (number 2026) (number 2027)))"},
    {"ValidPeriod", "valid 2026-01-01 to 2027-12-31", "(valid 2026-01-01 to 2027-12-31)"},
    {"ValidFrom", "valid from 2022-01-01", "(valid from 2022-01-01)"},
    {"ValidUntil", "valid until 2021-12-31", "(valid until 2021-12-31)"},
    {"Measure", "measure count", "(measure (name count))"},
    // Thresholds: every operator and kind of value, sums with the reference first.
    {"SignalPercent", "signal when measure > 7.5%", "(signal > (percent 7.5))"},
    {"BreachPercent", "breach when measure >= 15%", "(breach >= (percent 15))"},
    {"BreachLess", "breach when measure < 80%", "(breach < (percent 80))"},
    {"BreachAtMost", "breach when measure <= 0", "(breach <= (number 0))"},
    {"BreachEqual", "breach when measure = 0", "(breach = (number 0))"},
    {"BreachNotEqual", "breach when measure != 0", "(breach != (number 0))"},
    {"Amount", "signal when measure > €612.35", "(signal > (money 612.35))"},
    {"Param", "breach when measure > free_allocation_space", "(breach > (name free_allocation_space))"},
    {"TablePerGroup", "breach when measure > verkoop_plafond(corporation)",
     "(breach > (call verkoop_plafond (name corporation)))"},
    {"Baseline", "breach when measure < baseline", "(breach < (name baseline))"},
    {"BaselinePlus", "breach when measure < baseline + 101", "(breach < ((name baseline) + (number 101)))"},
    {"PreviousMinus", "signal when measure < previous - 5", "(signal < ((name previous) - (number 5)))"},
    {"BaselinePlusTable", "breach when measure < baseline + netto_groei(corporation)",
     "(breach < ((name baseline) + (call netto_groei (name corporation))))"},
    {"Previous", "breach when measure <= previous", "(breach <= (name previous))"},
    {"Next", "breach when measure >= next", "(breach >= (name next))"},
    {"NegativeThreshold", "signal when measure < -5", "(signal < (unary - (number 5)))"},
    // Deadlines.
    {"Target", "target measure <= 0 by 2028-12-31", "(target <= (number 0) 2028-12-31)"},
    {"TargetAsSignal", "target measure >= 80% by 2030-12-31 as signal", "(target >= (percent 80) 2030-12-31 as signal)"},
    {"TargetAsBreach", "target measure <= 0 by 2028-12-31 as breach", "(target <= (number 0) 2028-12-31 as breach)"},
    {"BaselineDate", "baseline 2021-01-01", "(baseline 2021-01-01)"},
    // Several clauses keep their order; a comment between them is nothing.
    {"ClausesInOrder", "over stock // the stock\n  /* per */ per corporation\n  measure count",
     "(over stock) (per (name corporation)) (measure (name count))"},
};
INSTANTIATE_TEST_SUITE_P(Parser, Clause, testing::ValuesIn(kClauses), case_name);

// ---- whole declarations and files ----

class Declaration : public testing::TestWithParam<Case> {};

TEST_P(Declaration, ParsesToItsTree) {
  const Case& c = GetParam();
  const Parsed parsed = parse(c.text);
  EXPECT_EQ(parsed.errors, "");
  EXPECT_EQ(parsed.tree, c.expected) << c.text;
}

const std::vector<Case> kDeclarations = {
    {"Ruleset",
     "ruleset dordrecht_2026_2027 {\n"
     "  title \"Prestatieafspraken Dordrecht 2026-2027\"\n"
     "  municipality \"Dordrecht\"\n"
     "  corporations \"Trivire\", \"Woonbron\"\n"
     "  valid 2026-01-01 to 2027-12-31\n"
     "  source \"Prestatieafspraken Dordrecht 2026-2027, 12 maart 2026\"\n"
     "}\n",
     "(ruleset dordrecht_2026_2027 (title (string \"Prestatieafspraken Dordrecht 2026-2027\")) "
     "(municipality (string \"Dordrecht\")) (corporations (string \"Trivire\") (string \"Woonbron\")) "
     "(valid 2026-01-01 to 2027-12-31) (source (string \"Prestatieafspraken Dordrecht 2026-2027, 12 maart 2026\")))"},
    {"EmptyRuleset", "ruleset x {}", "(ruleset x)"},
    {"Import", "import \"national.toets\"", "(import \"national.toets\")"},
    {"Param", "param free_allocation_space = 7.5%", "(param free_allocation_space (percent 7.5))"},
    // ast_text writes the modifier and `param` as one word.
    {"Override", "override param free_allocation_space = 15%   // art. 3.2.7",
     "(overrideparam free_allocation_space (percent 15))"},
    {"OverrideNarrowed", "override param free_allocation_space = 15% for corporation in {\"Vivare\"}",
     "(overrideparam free_allocation_space (percent 15) (for corporation (set (string \"Vivare\"))))"},
    {"OverrideNarrowedTwice",
     "override param free_allocation_space = 10% for corporation in {\"Clavis\"}, year in {2023, 2024}",
     "(overrideparam free_allocation_space (percent 10) (for corporation (set (string \"Clavis\"))) "
     "(for year (set (number 2023) (number 2024))))"},
    {"TableNested",
     "table daeb_income_limit(year, household_size) : money {\n"
     "  2025 { 1: €49669, 2+: €54847 }\n"
     "  2026 { 1: €51537, 2+: €56910 }\n"
     "}\n",
     "(table daeb_income_limit (year household_size) money "
     "(row \"2025\" (row \"1\" (money 49669)) (row \"2+\" (money 54847))) "
     "(row \"2026\" (row \"1\" (money 51537)) (row \"2+\" (money 56910))))"},
    {"TableRangeAndComment",
     "table aftoppingsgrens(year, household_size) : money {\n"
     "  2026 { 1-2: €713.02, 3+: €764.14 }  // UNVERIFIED\n"
     "}\n",
     "(table aftoppingsgrens (year household_size) money "
     "(row \"2026\" (row \"1-2\" (money 713.02)) (row \"3+\" (money 764.14))))"},
    {"TableFlatRows", "table liberalisatiegrens(year) : money {\n  2025: €900.07\n  2026: €932.93\n}\n",
     "(table liberalisatiegrens (year) money (row \"2025\" (money 900.07)) (row \"2026\" (money 932.93)))"},
    {"TableUnknown", "table passend_income_limit_aow(year, household_size) : money {\n  2024 { 1: €27225, 2+: unknown }\n}\n",
     "(table passend_income_limit_aow (year household_size) money "
     "(row \"2024\" (row \"1\" (money 27225)) (row \"2+\" (name unknown))))"},
    {"TableTextKeys", "table verkoop_plafond(corporation) : int { \"Portaal\": 180, \"Vecht en Omstreken\": 60 }",
     "(table verkoop_plafond (corporation) int (row \"\\\"Portaal\\\"\" (number 180)) "
     "(row \"\\\"Vecht en Omstreken\\\"\" (number 60)))"},
    {"RuleIdWithDots", "rule 2.2.4 \"t\" {}", "(rule \"2.2.4\" \"t\")"},
    {"RuleIdWithDash", "rule Woningwet-48 \"t\" {}", "(rule \"Woningwet-48\" \"t\")"},
    {"RuleIdQuoted", "rule \"Bijlage 2\" \"t\" {}", "(rule \"Bijlage 2\" \"t\")"},
    {"DocsRuleF",
     "rule F \"Vrije toewijzingsruimte: hoogstens 7,5%, te verhogen tot 15%\" {\n"
     "  source \"Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F\"\n"
     "  owner \"Trivire en Woonbron\"\n"
     "  over allocations where daeb and segment = sociaal\n"
     "  per corporation, year(contract_date)\n"
     "  measure share(household_income > daeb_income_limit(year(contract_date), household_size))\n"
     "  signal when measure > 7.5%\n"
     "  breach when measure > 15%\n"
     "}\n",
     "(rule \"F\" \"Vrije toewijzingsruimte: hoogstens 7,5%, te verhogen tot 15%\" "
     "(source (string \"Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F\")) "
     "(owner (string \"Trivire en Woonbron\")) "
     "(over allocations ((name daeb) and ((name segment) = (name sociaal)))) "
     "(per (name corporation) (call year (name contract_date))) "
     "(measure (call share ((name household_income) > (call daeb_income_limit (call year (name contract_date)) "
     "(name household_size))))) "
     "(signal > (percent 7.5)) (breach > (percent 15)))"},
    {"DocsRuleH",
     "rule H \"EFG-labels uiterlijk in 2028 weggewerkt\" {\n"
     "  over stock\n  exempt monument\n  per corporation\n"
     "  measure count(energy_label in {E, F, G})\n  target measure <= 0 by 2028-12-31\n}\n",
     "(rule \"H\" \"EFG-labels uiterlijk in 2028 weggewerkt\" (over stock) (exempt (name monument)) "
     "(per (name corporation)) (measure (call count ((name energy_label) in (set (name E) (name F) (name G))))) "
     "(target <= (number 0) 2028-12-31))"},
    {"DocsRuleBaseline",
     "rule 1.1.1 \"Sociale voorraad minimaal op het niveau van 2021\" {\n"
     "  over stock where segment = sociaal\n  per corporation, snapshot_date\n  measure count\n"
     "  baseline 2021-01-01\n  breach when measure < baseline\n}\n",
     "(rule \"1.1.1\" \"Sociale voorraad minimaal op het niveau van 2021\" "
     "(over stock ((name segment) = (name sociaal))) (per (name corporation) (name snapshot_date)) "
     "(measure (name count)) (baseline 2021-01-01) (breach < (name baseline)))"},
    {"RuleWithOwnPeriod", "rule Woningwet-48 \"t\" {\n  valid from 2022-01-01        // the law\n}\n",
     "(rule \"Woningwet-48\" \"t\" (valid from 2022-01-01))"},
    {"ItemsInOrder", "ruleset x {}\nimport \"national.toets\"\nparam p = 1\nrule A \"a\" {}\n",
     "(ruleset x)\n(import \"national.toets\")\n(param p (number 1))\n(rule \"A\" \"a\")"},
    {"Comments",
     "// a line comment before\n/* a block\n   comment */\nrule F \"t\" { // after the brace\n"
     "  /* before */ measure count // after\n}\n// the end",
     "(rule \"F\" \"t\" (measure (name count)))"},
    {"CommentMarksInAString", "rule F \"a // b /* c */\" {}", "(rule \"F\" \"a // b /* c */\")"},
    {"ByteOrderMark", "\xEF\xBB\xBFparam a = 1", "(param a (number 1))"},
    {"EmptyFile", "", ""},
    {"OnlyComments", "// nothing\n/* at all */\n", ""},
    // `valid`, `from`, `until`, `expect`, `for` and `corporations` are words only where a clause
    // starts with them: elsewhere they are names.
    {"ContextualWordsAreNames", "param valid = from + until",
     "(param valid ((name from) + (name until)))"},
};
INSTANTIATE_TEST_SUITE_P(Parser, Declaration, testing::ValuesIn(kDeclarations), case_name);

// ---- syntax errors: "line:col: message", in source order, every one of the file ----

class SyntaxError : public testing::TestWithParam<Case> {};

TEST_P(SyntaxError, IsReportedWhereItWasMade) {
  const Case& c = GetParam();
  EXPECT_EQ(parse(c.text).errors, c.expected) << c.text;
}

const std::vector<Case> kSyntaxErrors = {
    {"MissingWhen", "rule F \"t\" {\n  breach measure > 5%\n}\n", "2:10: expected 'when', found 'measure'"},
    {"MissingComparison", "rule F \"t\" {\n  signal when measure 7.5%\n}\n",
     "2:23: expected a comparison (<, <=, =, !=, >=, >), found '7'"},
    {"UnknownClause", "rule F \"t\" {\n  mesure count\n}\n",
     "2:3: expected a rule clause (source, owner, note, over, exempt, per, expect, measure, signal, breach, "
     "target, baseline, valid) or '}', found 'mesure'"},
    {"MissingTitle", "rule F {\n}\n", "1:8: expected a quoted string, found '{'"},
    {"MissingDataset", "rule F \"t\" {\n  over\n}\n", "3:1: expected a name, found '}'"},
    {"KeywordAsName", "param in = 5", "1:7: expected a name, found 'in'"},
    {"MissingOperandBeforeClause", "rule F \"t\" {\n  over allocations where daeb and\n  measure count\n}\n",
     "3:3: expected an expression, found 'measure'"},
    // `per`'s list of keys has no name of its own in the grammar, so the message is the generic
    // one (parser.cpp's stand-in for a C++ type name); at least the place is right.
    {"EmptyPer", "rule F \"t\" {\n  per\n}\n", "3:1: expected the rest of this declaration, found '}'"},
    {"ExpectWithoutIn", "rule F \"t\" {\n  expect corporation {\"A\"}\n}\n", "2:22: expected 'in', found '{'"},
    {"ValidWithoutDate", "rule F \"t\" {\n  valid from\n}\n", "3:1: expected a date (YYYY-MM-DD), found '}'"},
    {"TargetWithoutBy", "rule H \"t\" {\n  target measure <= 0 2028-12-31\n}\n", "2:23: expected 'by', found '2028'"},
    {"TargetAsWhat", "rule H \"t\" {\n  target measure <= 0 by 2028-12-31 as maybe\n}\n",
     "2:40: expected 'signal' or 'breach', found 'maybe'"},
    {"CallNotClosed", "rule F \"t\" {\n  measure share(daeb\n}\n", "3:1: expected ')', found '}'"},
    {"SetNotClosed", "rule F \"t\" {\n  over stock where kind in {a, b\n  measure count\n}\n",
     "3:3: expected '}', found 'measure'"},
    {"RulesetClause", "ruleset x {\n  over allocations\n}\n",
     "2:3: expected a rule-set clause (title, municipality, corporations, valid, source) or '}', found 'over'"},
    {"TableWithoutType", "table t(year) money {\n  2025: 1\n}\n", "1:15: expected ':', found 'money'"},
    {"TableRowWithoutColon", "table t(year) : money {\n  2025 €5\n}\n",
     "2:8: expected ':' and a value, or '{' and rows, found '€5'"},
    {"NotADeclaration", "rules F \"t\" {}\n",
     "1:1: expected a top-level declaration (ruleset, import, param, table, rule), found 'rules'"},
    // The '{' left open is reported, with the declaration it belongs to, not where parsing failed.
    {"RuleNeverClosed", "rule F \"t\" {\n  measure count\nrule G \"u\" {\n  measure count\n}\n",
     "1:12: rule F: this '{' is never closed; add '}' after the rule's last clause\n"
     "  note: 'rule' at line 3 starts the next declaration before a '}'"},
    {"RuleNeverClosedAtTheEnd", "rule F \"t\" {\n  measure count\n",
     "1:12: rule F: this '{' is never closed; add '}' after the rule's last clause\n"
     "  note: the file ends before a '}'"},
    {"TableRowNeverClosed",
     "table t(year, household_size) : money {\n  2026 { 1: €5, 2+: €6\n}\nrule F \"t\" {}\n",
     "2:8: table t, row 2026: this '{' is never closed; add '}' after its last row\n"
     "  note: 'rule' at line 4 starts the next declaration before a '}'"},
    // Numbers written the Dutch way get a message of their own, at the number.
    {"DecimalComma", "rule F \"t\" {\n  signal when measure > 7,5%\n}\n",
     "2:25: '7,5%' has a decimal comma: write 7.5%; rule files use a decimal point"},
    {"DutchAmount", "param a = €1.234,56",
     "1:11: '€1.234,56' is written the Dutch way: write €1234.56; rule files use a decimal point and no "
     "thousands separator"},
    // After an error, parsing resumes at the next declaration: every mistake in one run.
    {"EveryErrorInOneRun", "rule A \"t\" {\n  breach measure > 5%\n}\nrule B \"u\" {\n  over\n}\nparam ok = 1\nparam in = 2\n",
     "2:10: expected 'when', found 'measure'\n6:1: expected a name, found '}'\n8:7: expected a name, found 'in'"},
    // Files that are not rule text.
    {"CommentNeverClosed", "/* never closed\nrule F \"t\" {}\n", "1:1: a comment '/*' that is never closed with '*/'"},
    {"Utf16", std::string("\xFF\xFEr\0u", 5), "1:1: the file is UTF-16 encoded: save the rule file as UTF-8"},
    {"NulByte", std::string("param a = 1\0", 12), "1:12: a NUL byte: this is not a text file"},
    {"NotUtf8", "rule F \"caf\xE9\" {}", "1:12: the byte 0xE9 is not valid UTF-8: save the rule file as UTF-8"},
    // 64 brackets are allowed; the 65th '(' opens one level too many, the error is after it.
    {"NestedTooDeep", "param a = " + std::string(100, '('),
     "1:76: nested more than 64 deep (brackets, calls, sets, 'not', '-', table rows); simplify the expression"},
};
INSTANTIATE_TEST_SUITE_P(Parser, SyntaxError, testing::ValuesIn(kSyntaxErrors), case_name);

// The deepest nesting allowed parses: the limit is not off by one the other way.
TEST(Parser, SixtyFourBracketsParse) {
  const Parsed parsed = parse("param a = " + std::string(64, '(') + "1" + std::string(64, ')'));
  EXPECT_EQ(parsed.errors, "");
  EXPECT_EQ(parsed.tree, "(param a (number 1))");
}

}  // namespace
}  // namespace toets
