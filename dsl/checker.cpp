#include "dsl/checker.hpp"

#include <boost/variant/apply_visitor.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "dsl/ast.hpp"
#include "dsl/calendar.hpp"
#include "dsl/parser.hpp"

namespace toets {

namespace x3 = boost::spirit::x3;

namespace {

constexpr std::int64_t kOpenEnd = std::numeric_limits<std::int64_t>::max();

// ---- literal conversion (exact, with range checks) ----

// "7.5" -> 75/10. Returns nullopt on overflow.
std::optional<Ratio> parse_decimal(std::string_view text) {
  Ratio r{0, 1};
  bool after_point = false;
  for (char c : text) {
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (r.numerator > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
    if (after_point) {
      if (r.denominator > std::numeric_limits<std::int64_t>::max() / 10) return std::nullopt;
      r.denominator *= 10;
    }
    r.numerator = r.numerator * 10 + (c - '0');
  }
  return r;
}


std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// Municipality and corporation names match as the evaluator matches them: without regard to
// case or surrounding spaces.
bool same_name(std::string_view a, std::string_view b) {
  auto trim = [](std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
  };
  a = trim(a);
  b = trim(b);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string location(const SourceFile* file, std::uint32_t offset) {
  if (file == nullptr) return "?";
  return file->path() + ":" + std::to_string(file->line_of(offset));
}

// ---- offsets of variant nodes ----

struct OffsetOf : boost::static_visitor<std::uint32_t> {
  template <typename T>
  std::uint32_t operator()(const T& node) const { return node.offset; }
  template <typename T>
  std::uint32_t operator()(const x3::forward_ast<T>& node) const { return node.get().offset; }
};
std::uint32_t offset_of(const ast::Operand& operand) { return boost::apply_visitor(OffsetOf(), operand); }

// Renders an expression back to text (normalised spacing), for reports.
struct Render : boost::static_visitor<std::string> {
  std::string operator()(const ast::Name& n) const { return n.text; }
  std::string operator()(const ast::StringLit& s) const { return "\"" + s.value + "\""; }
  std::string operator()(const ast::MoneyLit& m) const { return "\xE2\x82\xAC" + m.text; }
  std::string operator()(const ast::PercentLit& p) const { return p.text + "%"; }
  std::string operator()(const ast::DateLit& d) const { return d.text; }
  std::string operator()(const ast::NumberLit& n) const { return n.text; }
  std::string operator()(const x3::forward_ast<ast::Call>& c) const {
    std::string out;
    for (const ast::Name& part : c.get().qualifier) out += part.text + ".";
    out += c.get().function.text + "(";
    for (std::size_t i = 0; i < c.get().args.size(); ++i) {
      if (i > 0) out += ", ";
      out += boost::apply_visitor(*this, c.get().args[i]);
    }
    return out + ")";
  }
  std::string operator()(const x3::forward_ast<ast::SetLit>& s) const {
    std::string out = "{";
    for (std::size_t i = 0; i < s.get().items.size(); ++i) {
      if (i > 0) out += ", ";
      out += boost::apply_visitor(*this, s.get().items[i]);
    }
    return out + "}";
  }
  std::string operator()(const x3::forward_ast<ast::Unary>& u) const {
    return u.get().op + (u.get().op == "not" ? " " : "") + boost::apply_visitor(*this, u.get().operand);
  }
  std::string operator()(const x3::forward_ast<ast::Chain>& c) const {
    std::string out = boost::apply_visitor(*this, c.get().first);
    for (const auto& op : c.get().rest) {
      out += " " + op.op + " " + boost::apply_visitor(*this, op.operand);
    }
    // A chain of one inside parentheses reads better without them.
    return c.get().rest.empty() ? out : "(" + out + ")";
  }
};
std::string render(const ast::Operand& operand) {
  std::string text = boost::apply_visitor(Render(), operand);
  if (text.size() > 2 && text.front() == '(' && text.back() == ')') {
    // Drop one outer pair when it encloses the whole text.
    int depth = 0;
    bool encloses = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '(') ++depth;
      if (text[i] == ')') --depth;
      if (depth == 0 && i + 1 < text.size()) {
        encloses = false;
        break;
      }
    }
    if (encloses) text = text.substr(1, text.size() - 2);
  }
  return text;
}

// The grammar wraps every operand in one chain per precedence level; a chain without operators
// is just its operand. This peels those layers off.
const ast::Operand& unwrap(const ast::Operand& operand) {
  const ast::Operand* current = &operand;
  while (const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(current)) {
    if (!chain->get().rest.empty()) break;
    current = &chain->get().first;
  }
  return *current;
}

std::optional<CompareOp> to_compare_op(std::string_view op) {
  if (op == "<") return CompareOp::Lt;
  if (op == "<=") return CompareOp::Le;
  if (op == "=") return CompareOp::Eq;
  if (op == "!=") return CompareOp::Ne;
  if (op == ">=") return CompareOp::Ge;
  if (op == ">") return CompareOp::Gt;
  return std::nullopt;
}

// ---- the checker ----

// An `override param`: the value it sets, where it holds (the municipality of the file that
// states it; "" = everywhere) and what it is narrowed to.
struct ParamOverride {
  Ratio value;
  std::string municipality;
  std::vector<std::string> corporations;  // empty: any
  std::vector<std::int64_t> years;        // empty: any
  std::string text;                       // "15% for corporation Vivare"
  const SourceFile* file = nullptr;
  std::uint32_t offset = 0;
  bool narrowed() const { return !corporations.empty() || !years.empty(); }
};

struct ParamValue {
  ValueType type = ValueType::Int;
  Ratio value;  // ints, cents and dates as n/1; percentages exact
  const SourceFile* file = nullptr;
  std::uint32_t offset = 0;
  std::vector<ParamOverride> overrides;  // in the order the files are read (imports first)
};

// The result of checking an expression: its type and compiled node. A bare name that is not a
// column or parameter stays `unresolved`, because it may be an enum value (segment = sociaal);
// a string literal keeps its text for the same reason.
struct Typed {
  bool ok = false;
  ValueType type = ValueType::Int;
  std::uint32_t node = kNoIndex;
  std::uint32_t column = kNoIndex;  // set when the value is a plain column
  std::optional<std::string> unresolved;
  std::optional<std::string> literal_text;
  std::uint32_t offset = 0;
};

const std::vector<std::string>& row_functions() {
  static const std::vector<std::string> names = {"year", "half_year", "quarter", "month",
                                                 "missing", "present"};
  return names;
}
const std::vector<std::string>& measure_functions() {
  static const std::vector<std::string> names = {"count", "share", "ratio", "sum", "avg", "min", "max"};
  return names;
}

class Checker {
 public:
  Checker(CompiledRuleSet& out, Diagnostics& diagnostics) : out_(out), diagnostics_(diagnostics) {}

  // Loads `path` (or `text` when given) and everything it imports, then checks it.
  void load(const std::string& path, std::optional<std::string> text, const SourceFile* from,
            std::uint32_t from_offset, int depth);
  void finish();

 private:
  void check_files();
  void check_header(const SourceFile& source, const ast::RulesetDecl& decl, RuleSetInfo& info);
  void check_param(const SourceFile& source, const ast::Param& param, const RuleSetInfo& info);
  bool check_narrowing(const SourceFile& source, const ast::Param& param, ParamOverride& override);
  // The overrides of `param` that hold within `rule`'s scope, in order.
  std::vector<const ParamOverride*> overrides_for(const ParamValue& param, const CompiledRule& rule) const;
  // The value of a parameter in a rule: its unnarrowed overrides applied; nullopt (after an
  // error) when a narrowed override holds in the rule's scope, which only a threshold can take.
  std::optional<Ratio> param_in_rule(const std::string& name, const ParamValue& param, const CompiledRule& rule,
                                     const SourceFile& source, std::uint32_t offset);
  bool narrowed_threshold(const SourceFile& source, const std::string& name, const ParamValue& param,
                          std::uint32_t offset, const CompiledRule& rule, ThresholdTerm& threshold);
  void check_period(const SourceFile& source, const ast::ValidClause& valid, std::optional<std::int32_t>& from,
                    std::optional<std::int32_t>& to);
  void check_expect(const SourceFile& source, const ast::ExpectClause& expect, const std::vector<std::string>& key_texts,
                    CompiledRule& compiled);
  void check_table(const SourceFile& source, const ast::Table& table);
  void flatten_rows(const SourceFile& source, const std::vector<ast::TableRow>& rows,
                    std::size_t level, ParamTable& table, std::vector<KeyRange>& prefix);
  void check_rule(const SourceFile& source, const ast::Rule& rule, const RuleSetInfo& info);

  // Expressions of one rule.
  struct RuleContext {
    const SourceFile* file = nullptr;
    const DatasetSchema* dataset = nullptr;
    CompiledRule* rule = nullptr;
    std::vector<std::uint32_t> depth;  // per node of rule->pool: the longest path to a leaf
    bool too_big = false;              // kMaxExpressionNodes or kMaxExpressionDepth reported
  };
  struct ExprVisitor;
  Typed check_expr(const ast::Operand& operand, RuleContext& ctx);
  Typed check_name(const ast::Name& name, RuleContext& ctx);
  Typed check_call(const ast::Call& call, RuleContext& ctx);
  Typed check_chain(const ast::Chain& chain, RuleContext& ctx);
  Typed check_unary(const ast::Unary& unary, RuleContext& ctx);
  Typed check_comparison(Typed left, const ast::Operation& operation, RuleContext& ctx);
  Typed check_membership(Typed left, const ast::Operation& operation, RuleContext& ctx);
  Typed check_arithmetic(Typed left, const ast::Operation& operation, RuleContext& ctx);
  // count and count(...) terms added and subtracted: one whole-number weight per record.
  bool check_net_measure(const std::vector<std::pair<int, const ast::Operand*>>& terms, RuleContext& ctx);
  void check_measure(const ast::Operand& expr, RuleContext& ctx, bool& measure_ok, bool& unit_known);
  // measure A / other.B: A over the rule's dataset, B over another one, per the same groups.
  void check_quotient(const ast::Chain& chain, RuleContext& ctx, bool& measure_ok, bool& unit_known);
  Typed literal(const ast::Operand& operand, RuleContext& ctx);
  // Reports a bare name that could not be resolved; returns a failed Typed.
  Typed unknown_name(const Typed& typed, RuleContext& ctx);
  Typed require_bool(Typed typed, RuleContext& ctx, std::string_view what);
  // Resolves an unresolved name or string literal against an enum or text column.
  Typed resolve_against(const Typed& value, const Typed& other, RuleContext& ctx);
  std::uint32_t add_node(RuleContext& ctx, ExprNode node);

  std::optional<ParamValue> constant_value(const ast::Operand& operand, const SourceFile& source);
  void check_thresholds(const SourceFile& source, const ast::Rule& rule, CompiledRule& compiled,
                        const std::vector<const ast::ThresholdClause*>& clauses);
  bool threshold_value(const SourceFile& source, const ast::Operand& operand, const CompiledRule& rule,
                       Threshold& threshold);
  bool term_value(const SourceFile& source, const ast::Operand& operand, const CompiledRule& rule, ThresholdTerm& term);

  std::vector<std::string> known_names(const DatasetSchema* dataset) const;

  CompiledRuleSet& out_;
  Diagnostics& diagnostics_;
  std::map<std::string, ParamValue> params_;
  std::map<std::string, std::uint32_t> tables_;
  std::map<std::string, std::pair<const SourceFile*, std::uint32_t>> rule_ids_;
  std::set<std::string> loaded_;
  struct LoadedFile {
    const SourceFile* source;
    ast::File file;
    bool root;
    bool syntax_errors;  // what was not parsed may have held the header
  };
  std::vector<LoadedFile> files_;
  std::vector<RuleSetInfo> file_info_;
  std::vector<std::string> loading_;  // the import chain, for cycle messages
  // Tables looked up with year(<date column>) as first key, for the validity-period check.
  struct YearLookup {
    std::uint32_t table;
    const SourceFile* file;
    std::uint32_t offset;
  };
  std::vector<YearLookup> year_lookups_;
};

void Checker::load(const std::string& path, std::optional<std::string> text,
                   const SourceFile* from, std::uint32_t from_offset, int depth) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  const std::string key = ec ? path : canonical.string();

  if (std::find(loading_.begin(), loading_.end(), key) != loading_.end()) {
    diagnostics_.error(from, from_offset, "import cycle: '" + path + "' is already being imported")
        .notes.push_back("the import chain is " + join(loading_, " -> ") + " -> " + key);
    return;
  }
  if (loaded_.count(key) > 0) return;  // imported twice (a diamond): once is enough
  if (depth > kMaxImportDepth) {
    diagnostics_.error(from, from_offset,
                       "imports nested deeper than " + std::to_string(kMaxImportDepth) + " files");
    return;
  }

  if (!text) {
    std::error_code size_error;
    // Only a regular file: `import "/dev/zero"` read forever, and a FIFO would block (robustness).
    if (fs::exists(path, size_error) && !fs::is_directory(path, size_error) &&
        !fs::is_regular_file(path, size_error)) {
      diagnostics_.error(from, from_offset, "cannot read rule file '" + path + "': not a regular file");
      return;
    }
    const auto size = fs::file_size(path, size_error);
    if (!size_error && size > kMaxRuleFileBytes) {
      diagnostics_.error(from, from_offset,
                         "'" + path + "' is " + std::to_string(size) + " bytes; a rule file may be at most " +
                             std::to_string(kMaxRuleFileBytes));
      return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in || fs::is_directory(path, size_error)) {
      diagnostics_.error(from, from_offset, "cannot read rule file '" + path + "'" +
                                                (fs::is_directory(path, size_error) ? ": it is a directory"
                                                 : fs::exists(path, size_error)     ? ""
                                                                                    : ": no such file"));
      return;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }

  out_.sources.push_back(std::make_unique<SourceFile>(path, std::move(*text)));
  const SourceFile& source = *out_.sources.back();
  const std::size_t errors_before = diagnostics_.error_count();
  const ast::File file = parse_rule_file(source, diagnostics_);
  const bool syntax_errors = diagnostics_.error_count() != errors_before;

  loading_.push_back(key);
  for (const auto& item : file.items) {
    if (const auto* import = boost::get<ast::Import>(&item)) {
      fs::path target = fs::path(path).parent_path() / import->path.value;
      load(target.lexically_normal().string(), std::nullopt, &source, import->path.offset, depth + 1);
    }
  }
  loading_.pop_back();
  loaded_.insert(key);
  files_.push_back(LoadedFile{&source, file, depth == 0, syntax_errors});  // imports before importers
}

// Every file's header, then every parameter and table (imports first, so an override sees what
// it overrides), then every rule: a rule anywhere sees the final parameter values.
void Checker::check_files() {
  file_info_.resize(files_.size());
  for (std::size_t f = 0; f < files_.size(); ++f) {
    const LoadedFile& loaded = files_[f];
    RuleSetInfo& info = file_info_[f];
    info.file = loaded.source->path();
    const ast::RulesetDecl* header = nullptr;
    for (const auto& item : loaded.file.items) {
      if (const auto* decl = boost::get<ast::RulesetDecl>(&item)) {
        if (header != nullptr) {
          diagnostics_.error(loaded.source, decl->offset, "a second 'ruleset' header in one file")
              .notes.push_back("the first is at " + location(loaded.source, header->offset));
          continue;
        }
        header = decl;
        check_header(*loaded.source, *decl, info);
      }
    }
    if (header == nullptr && loaded.root && !loaded.syntax_errors) {
      diagnostics_.error(loaded.source, 0, "this file has no 'ruleset' header; a rule set checked on its own needs one")
          .notes.push_back("start it with: ruleset my_rules { title \"...\" }");
    }
    if (loaded.root) out_.info = info;
  }
  for (std::size_t f = 0; f < files_.size(); ++f) {
    const LoadedFile& loaded = files_[f];
    for (const auto& item : loaded.file.items) {
      if (const auto* param = boost::get<ast::Param>(&item)) check_param(*loaded.source, *param, file_info_[f]);
      if (const auto* table = boost::get<ast::Table>(&item)) check_table(*loaded.source, *table);
    }
  }
  for (std::size_t f = 0; f < files_.size(); ++f) {
    for (const auto& item : files_[f].file.items) {
      if (const auto* rule = boost::get<ast::Rule>(&item)) check_rule(*files_[f].source, *rule, file_info_[f]);
    }
  }
}

void Checker::check_header(const SourceFile& source, const ast::RulesetDecl& decl, RuleSetInfo& info) {
  info.id = decl.id.text;
  std::set<std::string> seen;
  for (const auto& clause : decl.clauses) {
    if (const auto* text = boost::get<ast::TextClause>(&clause)) {
      if (!seen.insert(text->keyword).second) {
        diagnostics_.error(&source, text->offset, "a second '" + text->keyword + "' in the rule-set header");
        continue;
      }
      if (text->keyword == "title") info.title = text->value.value;
      else if (text->keyword == "municipality") info.municipality = text->value.value;
      else if (text->keyword == "source") info.source = text->value.value;
      else diagnostics_.error(&source, text->offset, "'" + text->keyword + "' belongs in a rule, not in the rule-set header");
    } else if (const auto* valid = boost::get<ast::ValidClause>(&clause)) {
      if (!seen.insert("valid").second) {
        diagnostics_.error(&source, valid->offset, "a second 'valid' in the rule-set header");
        continue;
      }
      check_period(source, *valid, info.valid_from, info.valid_to);
    } else if (const auto* list = boost::get<ast::ListClause>(&clause)) {
      if (!seen.insert(list->keyword).second) {
        diagnostics_.error(&source, list->offset, "a second '" + list->keyword + "' in the rule-set header");
        continue;
      }
      std::set<std::string> names;
      for (const auto& name : list->values) {
        if (!names.insert(name.value).second) {
          diagnostics_.error(&source, name.offset, "'" + name.value + "' is named twice");
          continue;
        }
        info.corporations.push_back(name.value);
      }
    }
  }
}

// valid A to B / valid from A / valid until B: a closed or half-open period.
void Checker::check_period(const SourceFile& source, const ast::ValidClause& valid, std::optional<std::int32_t>& from,
                           std::optional<std::int32_t>& to) {
  const auto first = parse_iso_date(valid.first.text);
  if (!first) diagnostics_.error(&source, valid.first.offset, "'" + valid.first.text + "' is not a date");
  if (valid.second.size() > 1) {
    diagnostics_.error(&source, valid.second[1].offset, "a period has one end");
    return;
  }
  if (valid.form.empty()) {
    if (valid.second.empty()) {
      diagnostics_.error(&source, valid.first.offset, "a period needs its end: valid FROM to TO")
          .notes.push_back("or leave it open: 'valid from " + valid.first.text + "' or 'valid until " +
                           valid.first.text + "'");
      return;
    }
    const ast::DateLit& end = valid.second.front();
    const auto last = parse_iso_date(end.text);
    if (!last) diagnostics_.error(&source, end.offset, "'" + end.text + "' is not a date");
    if (first && last && *last < *first) {
      diagnostics_.error(&source, end.offset, "the validity period ends before it starts");
    }
    from = first;
    to = last;
    return;
  }
  if (!valid.second.empty()) {
    diagnostics_.error(&source, valid.second.front().offset,
                       "'valid " + valid.form + "' takes one date; a closed period is 'valid FROM to TO'");
    return;
  }
  (valid.form == "from" ? from : to) = first;
}

std::optional<ParamValue> Checker::constant_value(const ast::Operand& operand, const SourceFile& source) {
  const std::uint32_t offset = offset_of(operand);
  ParamValue value;
  value.file = &source;
  value.offset = offset;
  if (const auto* money = boost::get<ast::MoneyLit>(&operand)) {
    const auto r = parse_decimal(money->text);
    // In cents: at most INT64_MAX. (€100000000000000000 times 100 overflowed, silently.)
    if (r && r->denominator > 100) {
      diagnostics_.error(&source, offset, "an amount has at most two decimals (cents): " + money->text);
      return std::nullopt;
    }
    const std::int64_t scale = r ? 100 / r->denominator : 0;
    if (!r || r->numerator > std::numeric_limits<std::int64_t>::max() / scale) {
      diagnostics_.error(&source, offset, "amount out of range: " + money->text);
      return std::nullopt;
    }
    value.type = ValueType::Money;
    value.value = Ratio{r->numerator * scale, 1};
    return value;
  }
  if (const auto* percent = boost::get<ast::PercentLit>(&operand)) {
    auto r = parse_decimal(percent->text);
    if (!r || r->denominator > std::numeric_limits<std::int64_t>::max() / 100) {
      diagnostics_.error(&source, offset, "percentage out of range: " + percent->text);
      return std::nullopt;
    }
    value.type = ValueType::Fraction;
    value.value = Ratio{r->numerator, r->denominator * 100};
    return value;
  }
  if (const auto* number = boost::get<ast::NumberLit>(&operand)) {
    const auto r = parse_decimal(number->text);
    if (!r) {
      diagnostics_.error(&source, offset, "number out of range: " + number->text);
      return std::nullopt;
    }
    value.type = ValueType::Int;
    value.value = *r;
    return value;
  }
  if (const auto* date = boost::get<ast::DateLit>(&operand)) {
    const auto days = parse_iso_date(date->text);
    if (!days) {
      diagnostics_.error(&source, offset, "'" + date->text + "' is not a date");
      return std::nullopt;
    }
    value.type = ValueType::Date;
    value.value = Ratio{*days, 1};
    return value;
  }
  if (const auto* unary = boost::get<x3::forward_ast<ast::Unary>>(&operand)) {
    if (unary->get().op == "-") {
      auto inner = constant_value(unary->get().operand, source);
      if (inner && inner->type != ValueType::Date) inner->value.numerator = -inner->value.numerator;
      return inner;
    }
  }
  if (const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(&operand)) {
    if (chain->get().rest.empty()) return constant_value(chain->get().first, source);
  }
  if (const auto* name = boost::get<ast::Name>(&operand)) {
    auto it = params_.find(name->text);
    if (it != params_.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& [param_name, unused] : params_) names.push_back(param_name);
    auto& d = diagnostics_.error(&source, offset, "unknown parameter '" + name->text + "'");
    if (auto hint = did_you_mean(name->text, names); !hint.empty()) d.notes.push_back(hint);
    return std::nullopt;
  }
  diagnostics_.error(&source, offset,
                     "expected a constant here: a number, a percentage (7.5%), an amount (\xE2\x82\xAC"
                     "612.35), a date or a parameter name");
  return std::nullopt;
}

void Checker::check_param(const SourceFile& source, const ast::Param& param, const RuleSetInfo& info) {
  const bool is_override = param.modifier.has_value();
  auto existing = params_.find(param.name.text);
  if (!is_override && !param.narrowing.empty()) {
    diagnostics_.error(&source, param.narrowing.front().offset,
                       "only an override can be narrowed: override param " + param.name.text + " = ... for ...");
    return;
  }
  if (is_override) {
    if (existing == params_.end()) {
      diagnostics_.error(&source, param.name.offset,
                         "'override param " + param.name.text + "': no imported parameter of that name");
      return;
    }
    if (existing->second.file == &source) {
      diagnostics_.error(&source, param.name.offset,
                         "'" + param.name.text + "' is declared in this file; override an imported parameter only");
      return;
    }
    auto value = constant_value(param.value, source);
    if (!value) return;
    if (value->type != existing->second.type) {
      diagnostics_.error(&source, offset_of(param.value),
                         "type mismatch: '" + param.name.text + "' is " + std::string(type_name(existing->second.type)) +
                             ", this value is " + std::string(type_name(value->type)));
      return;
    }
    // An override holds within the scope of the file that states it, for the corporations and
    // years it is narrowed to: Westervoort raises the free space for Vivare, not for everyone.
    ParamOverride override;
    override.value = value->value;
    override.municipality = info.municipality;
    override.file = &source;
    override.offset = param.name.offset;
    override.text = render(param.value);
    if (!check_narrowing(source, param, override)) return;
    existing->second.overrides.push_back(std::move(override));
    return;
  }
  if (existing != params_.end()) {
    auto& d = diagnostics_.error(&source, param.name.offset, "parameter '" + param.name.text + "' is declared twice");
    d.notes.push_back("the first declaration is at " + location(existing->second.file, existing->second.offset));
    if (existing->second.file != &source) {
      d.notes.push_back("to change an imported value, write: override param " + param.name.text + " = ...");
    }
    return;
  }
  if (tables_.count(param.name.text) > 0) {
    diagnostics_.error(&source, param.name.offset, "'" + param.name.text + "' is already a parameter table");
    return;
  }
  // In a rule a column goes before a parameter: one named like a column would never be read there.
  std::vector<std::string> datasets;
  for (const DatasetSchema& dataset : dataset_schemas()) {
    if (dataset.column_index(param.name.text)) datasets.push_back(dataset.name);
  }
  if (!datasets.empty()) {
    diagnostics_.error(&source, param.name.offset,
                       "'" + param.name.text + "' is a column of " + join(datasets, " and ") +
                           "; a parameter needs a name of its own (in a rule the column would be read)");
    return;
  }
  auto value = constant_value(param.value, source);
  if (!value) return;
  value->offset = param.name.offset;
  params_.emplace(param.name.text, *value);
}

bool Checker::check_narrowing(const SourceFile& source, const ast::Param& param, ParamOverride& override) {
  std::set<std::string> keys;
  std::vector<std::string> parts;
  for (const ast::Narrowing& narrowing : param.narrowing) {
    const std::string& key = narrowing.key.text;
    if (key != "corporation" && key != "year") {
      diagnostics_.error(&source, narrowing.key.offset, "an override is narrowed by corporation or year, not '" + key + "'")
          .notes.push_back("e.g. override param " + param.name.text + " = ... for corporation in {\"Vivare\"}, year in {2023}");
      return false;
    }
    if (!keys.insert(key).second) {
      diagnostics_.error(&source, narrowing.key.offset, "'" + key + "' is named twice in one override");
      return false;
    }
    if (narrowing.values.items.empty()) {
      diagnostics_.error(&source, narrowing.values.offset, "an empty set: name at least one " + key);
      return false;
    }
    std::vector<std::string> shown;
    for (const ast::Operand& item : narrowing.values.items) {
      const ast::Operand& value = unwrap(item);
      if (key == "corporation") {
        const auto* text = boost::get<ast::StringLit>(&value);
        if (text == nullptr) {
          diagnostics_.error(&source, offset_of(item), "a corporation is written as quoted text: \"Vivare\"");
          return false;
        }
        override.corporations.push_back(text->value);
        shown.push_back(text->value);
        continue;
      }
      const auto* number = boost::get<ast::NumberLit>(&value);
      const auto year = number != nullptr ? parse_decimal(number->text) : std::nullopt;
      if (!year || year->denominator != 1 || year->numerator < 1 || year->numerator > 9999) {
        diagnostics_.error(&source, offset_of(item), "a year is a whole number such as 2023");
        return false;
      }
      override.years.push_back(year->numerator);
      shown.push_back(number->text);
    }
    parts.push_back(key + " " + join(shown));
  }
  if (!parts.empty()) override.text += " for " + join(parts, "; ");
  return true;
}

std::vector<const ParamOverride*> Checker::overrides_for(const ParamValue& param, const CompiledRule& rule) const {
  std::vector<const ParamOverride*> holding;
  for (const ParamOverride& override : param.overrides) {
    if (override.municipality.empty() || same_name(override.municipality, rule.scope_municipality)) {
      holding.push_back(&override);
    }
  }
  return holding;
}

std::optional<Ratio> Checker::param_in_rule(const std::string& name, const ParamValue& param, const CompiledRule& rule,
                                            const SourceFile& source, std::uint32_t offset) {
  Ratio value = param.value;
  for (const ParamOverride* override : overrides_for(param, rule)) {
    if (override->narrowed()) {
      diagnostics_.error(&source, offset,
                         "'" + name + "' is overridden for some corporations or years only (" +
                             location(override->file, override->offset) +
                             "); such a value can only be a threshold (signal/breach when measure ...)");
      return std::nullopt;
    }
    value = override->value;
  }
  return value;
}

bool Checker::narrowed_threshold(const SourceFile& source, const std::string& name, const ParamValue& param,
                                 std::uint32_t offset, const CompiledRule& rule, ThresholdTerm& threshold) {
  const std::vector<const ParamOverride*> holding = overrides_for(param, rule);
  const bool narrowed = std::any_of(holding.begin(), holding.end(), [](const ParamOverride* o) { return o->narrowed(); });
  threshold.value = param.value;
  if (!narrowed) {
    for (const ParamOverride* override : holding) threshold.value = override->value;
    threshold.ref = ThresholdRef::Constant;
    return true;
  }
  threshold.ref = ThresholdRef::Narrowed;
  for (const ParamOverride* override : holding) {
    threshold.narrowed.push_back(NarrowedValue{override->value, override->corporations, override->years, override->text});
    if (!override->corporations.empty() && threshold.corporation_key == kNoIndex) {
      for (std::uint32_t k = 0; k < rule.group_keys.size(); ++k) {
        if (rule.group_keys[k].label == "corporation") threshold.corporation_key = k;
      }
      if (threshold.corporation_key == kNoIndex) {
        diagnostics_.error(&source, offset,
                           "rule " + rule.id + " is not grouped per corporation, but '" + name +
                               "' is overridden for some corporations only (" +
                               location(override->file, override->offset) + ")")
            .notes.push_back("add corporation to its 'per' clause, or state the override for every corporation");
        return false;
      }
    }
    if (!override->years.empty() && threshold.year_key == kNoIndex) {
      for (std::uint32_t k = 0; k < rule.group_keys.size(); ++k) {
        const GroupKey& key = rule.group_keys[k];
        const bool dated = key.kind != GroupKeyKind::Column || rule.dataset->column(key.column).type == ValueType::Date;
        if (dated) threshold.year_key = k;
      }
      if (threshold.year_key == kNoIndex) {
        diagnostics_.error(&source, offset,
                           "rule " + rule.id + " is not grouped per period, but '" + name +
                               "' is overridden for some years only (" + location(override->file, override->offset) +
                               ")")
            .notes.push_back("add year(...) of a date column to its 'per' clause");
        return false;
      }
    }
  }
  return true;
}

std::optional<ValueType> table_value_type(std::string_view name) {
  if (name == "money") return ValueType::Money;
  if (name == "int") return ValueType::Int;
  if (name == "percentage") return ValueType::Fraction;
  if (name == "date") return ValueType::Date;
  return std::nullopt;
}

void Checker::check_table(const SourceFile& source, const ast::Table& table) {
  const std::string& name = table.name.text;
  if (auto it = tables_.find(name); it != tables_.end()) {
    const ParamTable& first = out_.tables[it->second];
    diagnostics_.error(&source, table.name.offset, "parameter table '" + name + "' is declared twice")
        .notes.push_back("the first declaration is at " + location(first.file, first.offset));
    return;
  }
  if (params_.count(name) > 0) {
    diagnostics_.error(&source, table.name.offset, "'" + name + "' is already a parameter");
    return;
  }
  const auto type = table_value_type(table.value_type.text);
  if (!type) {
    auto& d = diagnostics_.error(&source, table.value_type.offset,
                                 "unknown value type '" + table.value_type.text + "'");
    d.notes.push_back("a table holds money, int, percentage or date");
    return;
  }
  ParamTable compiled;
  compiled.name = name;
  compiled.type = *type;
  compiled.file = &source;
  compiled.offset = table.name.offset;
  for (const auto& key : table.keys) compiled.key_names.push_back(key.text);
  // The evaluator looks keys up in a fixed array of kMaxTableKeys (robustness: a 9th key wrote past it).
  if (compiled.key_names.size() > kMaxTableKeys) {
    diagnostics_.error(&source, table.keys[kMaxTableKeys].offset,
                       "a parameter table has at most " + std::to_string(kMaxTableKeys) + " keys");
    return;
  }
  std::vector<KeyRange> prefix;
  const std::size_t errors_before = diagnostics_.error_count();
  flatten_rows(source, table.rows, 0, compiled, prefix);
  if (diagnostics_.error_count() != errors_before) return;
  // The overlap check below is quadratic: 200000 entries would take hours (robustness).
  if (compiled.entries.size() > kMaxTableEntries) {
    diagnostics_.error(&source, compiled.entries[kMaxTableEntries].offset,
                       "parameter table '" + name + "' has more than " + std::to_string(kMaxTableEntries) +
                           " entries");
    return;
  }

  // Overlapping keys would make a look-up ambiguous.
  for (std::size_t i = 0; i < compiled.entries.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      bool overlap = true;
      for (std::size_t k = 0; k < compiled.key_names.size(); ++k) {
        const auto& a = compiled.entries[i].keys[k];
        const auto& b = compiled.entries[j].keys[k];
        if (a.text || b.text) {
          if (a.text != b.text) overlap = false;
        } else if (a.high < b.low || b.high < a.low) {
          overlap = false;
        }
      }
      if (overlap) {
        diagnostics_.error(&source, compiled.entries[i].offset,
                           "this entry overlaps an earlier one of table '" + name + "'")
            .notes.push_back("the earlier entry is at " + location(&source, compiled.entries[j].offset));
        return;
      }
    }
  }
  tables_.emplace(name, static_cast<std::uint32_t>(out_.tables.size()));
  out_.tables.push_back(std::move(compiled));
}

std::optional<KeyRange> parse_key(std::string_view text) {
  KeyRange range;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    range.text = std::string(text.substr(1, text.size() - 2));
    return range;
  }
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, range.low);
  if (ec != std::errc()) return std::nullopt;
  range.high = range.low;
  if (p == end) return range;
  if (*p == '+' && p + 1 == end) {
    range.high = kOpenEnd;
    return range;
  }
  if (*p == '-') {
    auto [q, ec2] = std::from_chars(p + 1, end, range.high);
    if (ec2 != std::errc() || q != end || range.high < range.low) return std::nullopt;
    return range;
  }
  return std::nullopt;
}

void Checker::flatten_rows(const SourceFile& source, const std::vector<ast::TableRow>& rows,
                           std::size_t level, ParamTable& table, std::vector<KeyRange>& prefix) {
  const bool last_level = level + 1 == table.key_names.size();
  for (const auto& row : rows) {
    const auto key = parse_key(row.key);
    if (!key) {
      diagnostics_.error(&source, row.offset, "'" + row.key + "' is not a key: write 2026, 3, 2+ or 1-2");
      continue;
    }
    // A key position holds numbers or texts, not both.
    const bool is_text = key->text.has_value();
    if (table.text_keys.size() <= level) table.text_keys.resize(level + 1, is_text);
    if (table.text_keys[level] != is_text) {
      diagnostics_.error(&source, row.offset,
                         "key '" + table.key_names[level] + "' of table '" + table.name + "' mixes " +
                             (is_text ? "a text with numbers" : "a number with texts"));
      continue;
    }
    prefix.push_back(*key);
    if (last_level) {
      if (!row.value || !row.nested.empty()) {
        diagnostics_.error(&source, row.offset,
                           "expected '" + row.key + ": <value>': this is the table's last key (" +
                               table.key_names[level] + ")");
      } else {
        TableEntry entry{prefix, std::nullopt, row.offset};
        const auto* name = boost::get<ast::Name>(&unwrap(*row.value));
        if (name != nullptr && name->text == "unknown") {
          table.entries.push_back(entry);  // an UNVERIFIED figure: present, but no value
        } else if (auto value = constant_value(*row.value, source)) {
          if (value->type != table.type) {
            diagnostics_.error(&source, offset_of(*row.value),
                               "table '" + table.name + "' holds " + std::string(type_name(table.type)) +
                                   ", this value is " + std::string(type_name(value->type)));
          } else if (value->value.denominator != 1 && table.type != ValueType::Fraction) {
            diagnostics_.error(&source, offset_of(*row.value), "expected a whole number");
          } else {
            entry.value = value->type == ValueType::Fraction ? value->value.numerator : value->value.numerator;
            if (value->type == ValueType::Fraction) {
              // Percentages in tables are kept in parts per million (exact for up to 4 decimals).
              const Int128 ppm = static_cast<Int128>(value->value.numerator) * 1000000 / value->value.denominator;
              entry.value = static_cast<std::int64_t>(ppm);
            }
            table.entries.push_back(entry);
          }
        }
      }
    } else {
      if (row.value || row.nested.empty()) {
        diagnostics_.error(&source, row.offset,
                           "expected '" + row.key + " { ... }' with a row per " + table.key_names[level + 1]);
      } else {
        flatten_rows(source, row.nested, level + 1, table, prefix);
      }
    }
    prefix.pop_back();
  }
}

std::vector<std::string> Checker::known_names(const DatasetSchema* dataset) const {
  std::vector<std::string> names;
  if (dataset != nullptr) {
    for (const auto& column : dataset->columns) names.push_back(column.name);
  }
  for (const auto& [name, unused] : params_) names.push_back(name);
  for (const auto& [name, unused] : tables_) names.push_back(name);
  return names;
}

std::uint32_t Checker::add_node(RuleContext& ctx, ExprNode node) {
  // Limits against pathological rules (docs/robustness.md): the evaluator recurses once per level
  // of the compiled expression (`a and b and c ...` is one level per operator) and keeps a batch
  // buffer per node, so both are bounded here, with an error at the spot.
  ctx.depth.resize(ctx.rule->pool.nodes.size(), 1);
  std::uint32_t depth = 1;
  for (const std::uint32_t arg : node.args) {
    if (arg < ctx.depth.size()) depth = std::max(depth, ctx.depth[arg] + 1);
  }
  if (!ctx.too_big && (depth > kMaxExpressionDepth || ctx.rule->pool.nodes.size() >= kMaxExpressionNodes)) {
    ctx.too_big = true;
    diagnostics_.error(ctx.file, node.offset,
                       depth > kMaxExpressionDepth
                           ? "expression too deep: more than " + std::to_string(kMaxExpressionDepth) +
                                 " operations nested or chained; split it, or use 'in {...}' for a list of values"
                           : "expression too large: more than " + std::to_string(kMaxExpressionNodes) +
                                 " operations in one rule");
  }
  ctx.depth.push_back(depth);
  ctx.rule->pool.nodes.push_back(std::move(node));
  return static_cast<std::uint32_t>(ctx.rule->pool.nodes.size() - 1);
}

struct Checker::ExprVisitor : boost::static_visitor<Typed> {
  Checker& self;
  RuleContext& ctx;
  const ast::Operand& operand;
  ExprVisitor(Checker& s, RuleContext& c, const ast::Operand& o) : self(s), ctx(c), operand(o) {}
  Typed operator()(const ast::Name& name) const { return self.check_name(name, ctx); }
  Typed operator()(const x3::forward_ast<ast::Call>& call) const { return self.check_call(call.get(), ctx); }
  Typed operator()(const x3::forward_ast<ast::Chain>& chain) const { return self.check_chain(chain.get(), ctx); }
  Typed operator()(const x3::forward_ast<ast::Unary>& unary) const { return self.check_unary(unary.get(), ctx); }
  Typed operator()(const x3::forward_ast<ast::SetLit>& set) const {
    self.diagnostics_.error(ctx.file, set.get().offset, "a set {...} can only follow 'in' or 'not in'");
    return Typed{};
  }
  Typed operator()(const ast::StringLit& s) const {
    Typed t;
    t.ok = true;
    t.type = ValueType::Text;
    t.literal_text = s.value;
    t.offset = s.offset;
    return t;
  }
  Typed operator()(const ast::MoneyLit&) const { return self.literal(operand, ctx); }
  Typed operator()(const ast::PercentLit&) const { return self.literal(operand, ctx); }
  Typed operator()(const ast::DateLit&) const { return self.literal(operand, ctx); }
  Typed operator()(const ast::NumberLit&) const { return self.literal(operand, ctx); }
};

Typed Checker::check_expr(const ast::Operand& operand, RuleContext& ctx) {
  return boost::apply_visitor(ExprVisitor(*this, ctx, operand), operand);
}

Typed Checker::literal(const ast::Operand& operand, RuleContext& ctx) {
  const std::uint32_t offset = offset_of(operand);
  if (const auto* number = boost::get<ast::NumberLit>(&operand);
      number != nullptr && number->text.find('.') != std::string::npos) {
    diagnostics_.error(ctx.file, offset, "a number with decimals: write an amount as \xE2\x82\xAC" +
                                             number->text + " or a share as " + number->text + "%");
    return Typed{};
  }
  const auto value = constant_value(operand, *ctx.file);
  if (!value) return Typed{};
  Typed t;
  t.ok = true;
  t.type = value->type;
  t.offset = offset;
  if (value->type == ValueType::Fraction) {
    // Percentages are thresholds, not row values; keep them out of row expressions.
    diagnostics_.error(ctx.file, offset,
                       "a percentage can only be a threshold (signal/breach when measure > 7.5%)");
    return Typed{};
  }
  ExprNode node;
  node.op = NodeOp::Constant;
  node.type = value->type;
  node.value = value->value.numerator;
  node.offset = offset;
  t.node = add_node(ctx, node);
  return t;
}

Typed Checker::check_name(const ast::Name& name, RuleContext& ctx) {
  Typed t;
  t.offset = name.offset;
  if (auto column = ctx.dataset->column_index(name.text)) {
    const ColumnSchema& schema = ctx.dataset->column(*column);
    if (schema.text_storage == TextStorage::Raw) {
      diagnostics_.error(ctx.file, name.offset,
                         "'" + name.text + "' is a record id; it can only be tested with missing(" + name.text + ")");
      return Typed{};
    }
    ExprNode node;
    node.op = NodeOp::Column;
    node.type = schema.type;
    node.column = *column;
    node.offset = name.offset;
    t.ok = true;
    t.type = schema.type;
    t.column = *column;
    t.node = add_node(ctx, node);
    return t;
  }
  if (name.text == "true" || name.text == "false") {
    ExprNode node;
    node.op = NodeOp::Constant;
    node.type = ValueType::Bool;
    node.value = name.text == "true" ? 1 : 0;
    node.offset = name.offset;
    t.ok = true;
    t.type = ValueType::Bool;
    t.node = add_node(ctx, node);
    return t;
  }
  if (auto it = params_.find(name.text); it != params_.end()) {
    if (it->second.type == ValueType::Fraction) {
      diagnostics_.error(ctx.file, name.offset,
                         "'" + name.text + "' is a percentage; it can only be a threshold");
      return Typed{};
    }
    const auto value = param_in_rule(name.text, it->second, *ctx.rule, *ctx.file, name.offset);
    if (!value) return Typed{};
    ExprNode node;
    node.op = NodeOp::Constant;
    node.type = it->second.type;
    node.value = value->numerator;
    node.offset = name.offset;
    t.ok = true;
    t.type = it->second.type;
    t.node = add_node(ctx, node);
    return t;
  }
  if (auto it = tables_.find(name.text); it != tables_.end()) {
    diagnostics_.error(ctx.file, name.offset,
                       "'" + name.text + "' is a parameter table; look a value up with " + name.text + "(" +
                           join(out_.tables[it->second].key_names) + ")");
    return Typed{};
  }
  t.unresolved = name.text;  // maybe an enum value; the caller decides
  return t;
}

Typed Checker::unknown_name(const Typed& typed, RuleContext& ctx) {
  auto& d = diagnostics_.error(ctx.file, typed.offset,
                               "unknown name '" + *typed.unresolved + "': not a column of " +
                                   ctx.dataset->name + " nor a parameter");
  if (auto hint = did_you_mean(*typed.unresolved, known_names(ctx.dataset)); !hint.empty()) {
    d.notes.push_back(hint);
  }
  return Typed{};
}

Typed Checker::require_bool(Typed typed, RuleContext& ctx, std::string_view what) {
  if (typed.unresolved) return unknown_name(typed, ctx);
  if (!typed.ok) return typed;
  if (typed.literal_text) {
    diagnostics_.error(ctx.file, typed.offset, "a text cannot stand alone here; compare it with a column");
    return Typed{};
  }
  if (typed.type != ValueType::Bool) {
    diagnostics_.error(ctx.file, typed.offset,
                       std::string(what) + " must be true or false, but this is " +
                           std::string(type_name(typed.type)));
    return Typed{};
  }
  return typed;
}

Typed Checker::check_call(const ast::Call& call, RuleContext& ctx) {
  const std::string& fn = call.function.text;
  Typed t;
  t.offset = call.offset;
  if (!call.qualifier.empty()) {
    diagnostics_.error(ctx.file, call.offset,
                       "'" + call.qualifier.front().text + "." + fn +
                           "(...)' is a figure of another dataset; it can only divide a measure: "
                           "measure count(...) / stock.count(daeb)");
    return Typed{};
  }
  auto arity = [&](std::size_t n) {
    if (call.args.size() == n) return true;
    diagnostics_.error(ctx.file, call.offset,
                       fn + "() takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", not " +
                           std::to_string(call.args.size()));
    return false;
  };

  if (fn == "year" || fn == "half_year" || fn == "quarter" || fn == "month") {
    if (!arity(1)) return Typed{};
    Typed arg = check_expr(call.args[0], ctx);
    if (arg.unresolved) return unknown_name(arg, ctx);
    if (!arg.ok) return Typed{};
    if (arg.type != ValueType::Date) {
      diagnostics_.error(ctx.file, arg.offset, fn + "() needs a date, but this is " + std::string(type_name(arg.type)));
      return Typed{};
    }
    ExprNode node;
    node.op = fn == "year" ? NodeOp::Year
              : fn == "half_year" ? NodeOp::HalfOfYear
              : fn == "quarter" ? NodeOp::QuarterOfYear
                                : NodeOp::MonthOfYear;
    node.type = ValueType::Int;
    node.args = {arg.node};
    node.offset = call.offset;
    t.ok = true;
    t.type = ValueType::Int;
    t.node = add_node(ctx, node);
    return t;
  }
  if (fn == "missing" || fn == "present") {
    if (!arity(1)) return Typed{};
    const auto* name = boost::get<ast::Name>(&unwrap(call.args[0]));
    const auto column = name != nullptr ? ctx.dataset->column_index(name->text) : std::nullopt;
    if (!column) {
      auto& d = diagnostics_.error(ctx.file, offset_of(call.args[0]), fn + "() takes a column of " + ctx.dataset->name);
      if (name != nullptr) {
        std::vector<std::string> columns;
        for (const auto& c : ctx.dataset->columns) columns.push_back(c.name);
        if (auto hint = did_you_mean(name->text, columns); !hint.empty()) d.notes.push_back(hint);
      }
      return Typed{};
    }
    ExprNode node;
    node.op = NodeOp::IsMissing;
    node.type = ValueType::Bool;
    node.column = *column;
    node.offset = call.offset;
    std::uint32_t index = add_node(ctx, node);
    if (fn == "present") {
      ExprNode negate;
      negate.op = NodeOp::Not;
      negate.type = ValueType::Bool;
      negate.args = {index};
      negate.offset = call.offset;
      index = add_node(ctx, negate);
    }
    t.ok = true;
    t.type = ValueType::Bool;
    t.node = index;
    return t;
  }
  if (auto it = tables_.find(fn); it != tables_.end()) {
    const ParamTable& table = out_.tables[it->second];
    if (!arity(table.key_names.size())) return Typed{};
    if (std::find(table.text_keys.begin(), table.text_keys.end(), true) != table.text_keys.end()) {
      diagnostics_.error(ctx.file, call.offset,
                         "'" + fn + "' is keyed by text; it can only be a threshold looked up by the rule's groups");
      return Typed{};
    }
    ExprNode node;
    node.op = NodeOp::Lookup;
    node.type = table.type;
    node.table = it->second;
    node.offset = call.offset;
    bool ok = true;
    for (std::size_t i = 0; i < call.args.size(); ++i) {
      Typed arg = check_expr(call.args[i], ctx);
      if (arg.unresolved) {
        unknown_name(arg, ctx);
        ok = false;
        continue;
      }
      if (!arg.ok) {
        ok = false;
        continue;
      }
      if (arg.type != ValueType::Int) {
        diagnostics_.error(ctx.file, arg.offset,
                           "key '" + table.key_names[i] + "' of " + fn + " is a whole number, but this is " +
                               std::string(type_name(arg.type)));
        ok = false;
        continue;
      }
      node.args.push_back(arg.node);
    }
    if (!ok) return Typed{};
    if (table.type == ValueType::Fraction) {
      diagnostics_.error(ctx.file, call.offset, "'" + fn + "' holds percentages; they can only be thresholds");
      return Typed{};
    }
    if (!node.args.empty() && ctx.rule->pool.nodes[node.args[0]].op == NodeOp::Year) {
      year_lookups_.push_back(YearLookup{it->second, ctx.file, call.offset});
    }
    t.ok = true;
    t.type = table.type;
    t.node = add_node(ctx, node);
    return t;
  }
  if (std::find(measure_functions().begin(), measure_functions().end(), fn) != measure_functions().end()) {
    diagnostics_.error(ctx.file, call.offset, fn + "() is a measure; it can only follow 'measure'");
    return Typed{};
  }
  std::vector<std::string> candidates = row_functions();
  for (const auto& [name, unused] : tables_) candidates.push_back(name);
  auto& d = diagnostics_.error(ctx.file, call.function.offset,
                               "unknown function or parameter table '" + fn + "'");
  if (auto hint = did_you_mean(fn, candidates); !hint.empty()) d.notes.push_back(hint);
  return Typed{};
}

Typed Checker::check_unary(const ast::Unary& unary, RuleContext& ctx) {
  Typed operand = check_expr(unary.operand, ctx);
  if (unary.op == "not") {
    operand = require_bool(operand, ctx, "the operand of 'not'");
    if (!operand.ok) return operand;
    ExprNode node;
    node.op = NodeOp::Not;
    node.type = ValueType::Bool;
    node.args = {operand.node};
    node.offset = unary.offset;
    Typed t;
    t.ok = true;
    t.type = ValueType::Bool;
    t.offset = unary.offset;
    t.node = add_node(ctx, node);
    return t;
  }
  // unary minus
  if (operand.unresolved) return unknown_name(operand, ctx);
  if (!operand.ok) return operand;
  if (operand.type != ValueType::Int && operand.type != ValueType::Money) {
    diagnostics_.error(ctx.file, unary.offset, "cannot negate " + std::string(type_name(operand.type)));
    return Typed{};
  }
  ExprNode node;
  node.op = NodeOp::Negate;
  node.type = operand.type;
  node.args = {operand.node};
  node.offset = unary.offset;
  Typed t;
  t.ok = true;
  t.type = operand.type;
  t.offset = unary.offset;
  t.node = add_node(ctx, node);
  return t;
}

Typed Checker::check_chain(const ast::Chain& chain, RuleContext& ctx) {
  Typed left = check_expr(chain.first, ctx);
  for (const auto& operation : chain.rest) {
    const std::string& op = operation.op;
    if (op == "and" || op == "or") {
      left = require_bool(left, ctx, "the operand of '" + op + "'");
      Typed right = require_bool(check_expr(operation.operand, ctx), ctx, "the operand of '" + op + "'");
      if (!left.ok || !right.ok) {
        left = Typed{};
        continue;
      }
      ExprNode node;
      node.op = op == "and" ? NodeOp::And : NodeOp::Or;
      node.type = ValueType::Bool;
      node.args = {left.node, right.node};
      node.offset = left.offset;
      left.node = add_node(ctx, node);
      left.column = kNoIndex;
    } else if (op == "in" || op == "not in") {
      left = check_membership(left, operation, ctx);
    } else if (to_compare_op(op)) {
      left = check_comparison(left, operation, ctx);
    } else {
      left = check_arithmetic(left, operation, ctx);
    }
  }
  return left;
}

Typed Checker::resolve_against(const Typed& value, const Typed& other, RuleContext& ctx) {
  const bool is_text = value.unresolved.has_value() || value.literal_text.has_value();
  if (!is_text || other.column == kNoIndex) return value;
  const std::string& text = value.unresolved ? *value.unresolved : *value.literal_text;
  const ColumnSchema& column = ctx.dataset->column(other.column);
  if (column.type == ValueType::Enum) {
    auto index = column.enum_index(text);
    if (!index) {
      auto& d = diagnostics_.error(ctx.file, value.offset,
                                   "'" + text + "' is not a value of " + column.name + " (expected one of " +
                                       join(column.enum_values) + ")");
      if (auto hint = did_you_mean(text, column.enum_values); !hint.empty()) d.notes.push_back(hint);
      return Typed{};
    }
    ExprNode node;
    node.op = NodeOp::Constant;
    node.type = ValueType::Enum;
    node.value = *index;
    node.offset = value.offset;
    Typed t;
    t.ok = true;
    t.type = ValueType::Enum;
    t.offset = value.offset;
    t.node = add_node(ctx, node);
    return t;
  }
  if (column.type == ValueType::Text && value.literal_text) {
    ExprNode node;
    node.op = NodeOp::TextConstant;
    node.type = ValueType::Text;
    node.column = other.column;
    node.text = text;
    node.offset = value.offset;
    Typed t;
    t.ok = true;
    t.type = ValueType::Text;
    t.offset = value.offset;
    t.node = add_node(ctx, node);
    return t;
  }
  if (column.type == ValueType::Text && value.unresolved) {
    auto& d = diagnostics_.error(ctx.file, value.offset, "unknown name '" + text + "'");
    d.notes.push_back("text values are quoted: " + column.name + " = \"" + text + "\"");
    return Typed{};
  }
  return value;
}

Typed Checker::check_comparison(Typed left, const ast::Operation& operation, RuleContext& ctx) {
  Typed right = check_expr(operation.operand, ctx);
  left = resolve_against(left, right, ctx);
  right = resolve_against(right, left, ctx);
  if (left.unresolved) return unknown_name(left, ctx);
  if (right.unresolved) return unknown_name(right, ctx);
  if (!left.ok || !right.ok) return Typed{};
  const std::uint32_t offset = left.offset;
  if (left.literal_text || right.literal_text) {
    const Typed& text_side = left.literal_text ? left : right;
    const Typed& other = left.literal_text ? right : left;
    diagnostics_.error(ctx.file, text_side.offset,
                       "cannot compare a text with " + std::string(type_name(other.type)) +
                           (other.column == kNoIndex ? "" : " column " + ctx.dataset->column(other.column).name));
    return Typed{};
  }
  const CompareOp op = *to_compare_op(operation.op);
  if (left.type != right.type) {
    auto& d = diagnostics_.error(ctx.file, offset_of(operation.operand),
                                 "type mismatch: cannot compare " + std::string(type_name(left.type)) + " with " +
                                     std::string(type_name(right.type)));
    if (left.type == ValueType::Money && right.type == ValueType::Int) {
      d.notes.push_back("write amounts with the euro sign: \xE2\x82\xAC" + render(operation.operand));
    }
    return Typed{};
  }
  const bool ordered = left.type == ValueType::Int || left.type == ValueType::Money || left.type == ValueType::Date;
  if (!ordered && op != CompareOp::Eq && op != CompareOp::Ne) {
    diagnostics_.error(ctx.file, offset,
                       std::string(type_name(left.type)) + " values can only be compared with = and !=");
    return Typed{};
  }
  if (left.type == ValueType::Enum && left.column != kNoIndex && right.column != kNoIndex &&
      ctx.dataset->column(left.column).enum_values != ctx.dataset->column(right.column).enum_values) {
    diagnostics_.error(ctx.file, offset, "these two columns have different value lists");
    return Typed{};
  }
  if (left.type == ValueType::Text && left.column != kNoIndex && right.column != kNoIndex) {
    diagnostics_.error(ctx.file, offset, "comparing two text columns is not supported");
    return Typed{};
  }
  ExprNode node;
  node.op = NodeOp::Compare;
  node.compare_op = op;
  node.type = ValueType::Bool;
  node.args = {left.node, right.node};
  node.offset = offset;
  Typed t;
  t.ok = true;
  t.type = ValueType::Bool;
  t.offset = offset;
  t.node = add_node(ctx, node);
  return t;
}

Typed Checker::check_membership(Typed left, const ast::Operation& operation, RuleContext& ctx) {
  if (left.unresolved) return unknown_name(left, ctx);
  if (!left.ok) return left;
  const auto* set = boost::get<x3::forward_ast<ast::SetLit>>(&operation.operand);
  if (set == nullptr) return Typed{};
  const bool enum_column = left.type == ValueType::Enum && left.column != kNoIndex;
  const bool text_column = left.type == ValueType::Text && left.column != kNoIndex;
  if (!enum_column && !text_column && left.type != ValueType::Int) {
    diagnostics_.error(ctx.file, left.offset,
                       "'in' needs an enum, text or whole-number value on its left, not " +
                           std::string(type_name(left.type)));
    return Typed{};
  }
  ValueSet values;
  bool ok = true;
  for (const auto& item : set->get().items) {
    const ast::Operand& single = unwrap(item);
    const std::uint32_t offset = offset_of(single);
    std::optional<std::string> text;
    if (const auto* name = boost::get<ast::Name>(&single)) text = name->text;
    if (const auto* str = boost::get<ast::StringLit>(&single)) text = str->value;
    if (enum_column) {
      const ColumnSchema& column = ctx.dataset->column(left.column);
      const auto index = text ? column.enum_index(*text) : std::nullopt;
      if (!index) {
        auto& d = diagnostics_.error(ctx.file, offset,
                                     "'" + render(single) + "' is not a value of " + column.name +
                                         " (expected one of " + join(column.enum_values) + ")");
        if (text) {
          if (auto hint = did_you_mean(*text, column.enum_values); !hint.empty()) d.notes.push_back(hint);
        }
        ok = false;
        continue;
      }
      values.numbers.push_back(*index);
    } else if (text_column) {
      if (!boost::get<ast::StringLit>(&single)) {
        diagnostics_.error(ctx.file, offset, "text values are quoted: \"" + render(single) + "\"");
        ok = false;
        continue;
      }
      values.texts.push_back(*text);
    } else {
      const auto* number = boost::get<ast::NumberLit>(&single);
      std::int64_t parsed = 0;
      if (number == nullptr ||
          std::from_chars(number->text.data(), number->text.data() + number->text.size(), parsed).ec != std::errc()) {
        diagnostics_.error(ctx.file, offset, "expected a whole number");
        ok = false;
        continue;
      }
      values.numbers.push_back(parsed);
    }
  }
  if (!ok) return Typed{};
  ExprNode node;
  node.op = NodeOp::InSet;
  node.type = ValueType::Bool;
  node.args = {left.node};
  node.column = left.column;
  node.set = static_cast<std::uint32_t>(ctx.rule->pool.sets.size());
  node.offset = left.offset;
  ctx.rule->pool.sets.push_back(std::move(values));
  std::uint32_t index = add_node(ctx, node);
  if (operation.op == "not in") {
    // "x not in S" is false when x is missing, like every comparison with a missing value.
    ExprNode missing;
    missing.op = NodeOp::Not;
    missing.type = ValueType::Bool;
    missing.args = {index};
    missing.offset = left.offset;
    const std::uint32_t negated = add_node(ctx, missing);
    index = negated;
    if (left.column != kNoIndex) {
      ExprNode is_missing;
      is_missing.op = NodeOp::IsMissing;
      is_missing.type = ValueType::Bool;
      is_missing.column = left.column;
      const std::uint32_t missing_node = add_node(ctx, is_missing);
      ExprNode present;
      present.op = NodeOp::Not;
      present.type = ValueType::Bool;
      present.args = {missing_node};
      const std::uint32_t present_node = add_node(ctx, present);
      ExprNode both;
      both.op = NodeOp::And;
      both.type = ValueType::Bool;
      both.args = {present_node, negated};
      index = add_node(ctx, both);
    }
  }
  Typed t;
  t.ok = true;
  t.type = ValueType::Bool;
  t.offset = left.offset;
  t.node = index;
  return t;
}

Typed Checker::check_arithmetic(Typed left, const ast::Operation& operation, RuleContext& ctx) {
  Typed right = check_expr(operation.operand, ctx);
  if (left.unresolved) return unknown_name(left, ctx);
  if (right.unresolved) return unknown_name(right, ctx);
  if (!left.ok || !right.ok) return Typed{};
  const std::string& op = operation.op;
  std::optional<ValueType> result;
  const ValueType a = left.type;
  const ValueType b = right.type;
  using V = ValueType;
  if (op == "+" || op == "-") {
    if (a == b && (a == V::Int || a == V::Money)) result = a;
    else if (a == V::Date && b == V::Int) result = V::Date;
    else if (op == "-" && a == V::Date && b == V::Date) result = V::Int;
  } else if (op == "/") {
    diagnostics_.error(ctx.file, offset_of(operation.operand),
                       "'/' divides a measure by a figure of another dataset (measure count(...) / stock.count(daeb)); "
                       "it is no operator inside a condition");
    return Typed{};
  } else if (op == "*") {
    if (a == V::Int && b == V::Int) result = V::Int;
    else if ((a == V::Money && b == V::Int) || (a == V::Int && b == V::Money)) result = V::Money;
  }
  if (!result || left.literal_text || right.literal_text) {
    diagnostics_.error(ctx.file, offset_of(operation.operand),
                       "type mismatch: cannot compute " + std::string(type_name(a)) + " " + op + " " +
                           std::string(type_name(b)));
    return Typed{};
  }
  ExprNode node;
  node.op = op == "+" ? NodeOp::Add : op == "-" ? NodeOp::Subtract : NodeOp::Multiply;
  node.type = *result;
  node.args = {left.node, right.node};
  node.offset = left.offset;
  Typed t;
  t.ok = true;
  t.type = *result;
  t.offset = left.offset;
  t.node = add_node(ctx, node);
  return t;
}

// A threshold's value: a constant (literal or parameter), `baseline`, `previous`, or a parameter
// table looked up with the rule's group keys (`sales_cap(corporation)`). Fills `threshold`.
// The terms of a threshold written as a sum: `baseline + 101 - sold(corporation)` gives
// (+baseline), (+101), (-sold(corporation)). Only + and - split; anything else is one term.
void flatten_sum(const ast::Operand& operand, int sign, std::vector<std::pair<int, const ast::Operand*>>& terms) {
  const ast::Operand& inner = unwrap(operand);
  if (const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(&inner)) {
    const bool additive = std::all_of(chain->get().rest.begin(), chain->get().rest.end(),
                                      [](const ast::Operation& op) { return op.op == "+" || op.op == "-"; });
    if (additive) {
      flatten_sum(chain->get().first, sign, terms);
      for (const ast::Operation& op : chain->get().rest) flatten_sum(op.operand, op.op == "-" ? -sign : sign, terms);
      return;
    }
  }
  terms.emplace_back(sign, &inner);
}

bool Checker::threshold_value(const SourceFile& source, const ast::Operand& operand, const CompiledRule& rule,
                              Threshold& threshold) {
  std::vector<std::pair<int, const ast::Operand*>> written;
  flatten_sum(operand, 1, written);
  std::vector<ThresholdTerm> references;
  Ratio constants{0, 1};
  bool ok = true;
  for (const auto& [sign, term_operand] : written) {
    ThresholdTerm term;
    if (!term_value(source, *term_operand, rule, term)) {
      ok = false;
      continue;
    }
    term.sign = sign;
    if (term.ref == ThresholdRef::Constant) {
      const auto sum = add(constants, term.value, sign);
      if (!sum) {
        diagnostics_.error(&source, offset_of(*term_operand), "the threshold is out of range");
        return false;
      }
      constants = *sum;
      continue;
    }
    references.push_back(std::move(term));
  }
  if (!ok) return false;
  if (references.empty()) {
    static_cast<ThresholdTerm&>(threshold) = ThresholdTerm{};
    threshold.value = constants;
    return true;
  }
  if (references.front().sign < 0) {
    diagnostics_.error(&source, offset_of(operand),
                       "write the threshold's reference first and add or subtract from it: baseline - 10, not 10 - baseline");
    return false;
  }
  static_cast<ThresholdTerm&>(threshold) = references.front();
  threshold.offset = constants;
  threshold.more.assign(references.begin() + 1, references.end());
  return true;
}

bool Checker::term_value(const SourceFile& source, const ast::Operand& operand, const CompiledRule& rule,
                         ThresholdTerm& threshold) {
  const ast::Operand& value_operand = unwrap(operand);
  const Measure& measure = rule.measure;
  if (const auto* name = boost::get<ast::Name>(&value_operand);
      name != nullptr && (name->text == "baseline" || name->text == "previous" || name->text == "next") &&
      params_.count(name->text) == 0) {
    threshold.ref = name->text == "baseline" ? ThresholdRef::Baseline
                    : name->text == "previous" ? ThresholdRef::Previous
                                               : ThresholdRef::Next;
    const bool periodic = !rule.group_keys.empty() &&
                          (rule.group_keys.back().kind != GroupKeyKind::Column ||
                           rule.dataset->column(rule.group_keys.back().column).type == ValueType::Date);
    if (!periodic) {
      diagnostics_.error(&source, name->offset,
                         "'" + name->text + "' compares periods: the last 'per' key must be a date column "
                         "(snapshot_date) or year(...), half_year(...), quarter(...), month(...)");
      return false;
    }
    if (threshold.ref == ThresholdRef::Baseline && !rule.baseline) {
      diagnostics_.error(&source, name->offset, "'baseline' needs a 'baseline DATE' clause in the rule");
      return false;
    }
    return true;
  }
  if (const auto* call = boost::get<x3::forward_ast<ast::Call>>(&value_operand)) {
    auto it = tables_.find(call->get().function.text);
    if (it != tables_.end()) {
      const ParamTable& table = out_.tables[it->second];
      if (call->get().args.size() != table.key_names.size()) {
        diagnostics_.error(&source, call->get().offset,
                           table.name + "() takes " + std::to_string(table.key_names.size()) + " keys");
        return false;
      }
      threshold.ref = ThresholdRef::GroupTable;
      threshold.table = it->second;
      for (const auto& arg : call->get().args) {
        const auto* key_name = boost::get<ast::Name>(&unwrap(arg));
        std::uint32_t found = kNoIndex;
        for (std::uint32_t k = 0; key_name != nullptr && k < rule.group_keys.size(); ++k) {
          if (rule.group_keys[k].label == key_name->text) found = k;
        }
        if (found == kNoIndex) {
          diagnostics_.error(&source, offset_of(arg),
                             "a threshold looked up in '" + table.name + "' takes the rule's group keys (per ...) as keys");
          return false;
        }
        threshold.table_keys.push_back(found);
      }
      const ValueType unit = measure.unit;
      if (table.type != unit) {
        diagnostics_.error(&source, call->get().offset,
                           "type mismatch: the measure is " +
                               std::string(unit == ValueType::Fraction ? "a share" : type_name(unit)) + ", table '" +
                               table.name + "' holds " + std::string(type_name(table.type)));
        return false;
      }
      return true;
    }
  }
  auto value = constant_value(operand, source);
  if (!value) return false;
  ValueType expected = measure.unit;
  if (value->type != expected) {
    auto& d = diagnostics_.error(&source, offset_of(operand),
                                 "type mismatch: the measure is " +
                                     std::string(measure.unit == ValueType::Fraction ? "a share" : type_name(measure.unit)) +
                                     ", this threshold is " + std::string(type_name(value->type)));
    if (expected == ValueType::Fraction) d.notes.push_back("write a share as a percentage: 7.5%");
    if (expected == ValueType::Money) d.notes.push_back("write an amount with the euro sign: \xE2\x82\xAC" "612.35");
    return false;
  }
  threshold.ref = ThresholdRef::Constant;
  threshold.value = value->value;
  if (const auto* name = boost::get<ast::Name>(&value_operand)) {
    if (auto param = params_.find(name->text); param != params_.end()) {
      return narrowed_threshold(source, name->text, param->second, name->offset, rule, threshold);
    }
  }
  return true;
}

void Checker::check_thresholds(const SourceFile& source, const ast::Rule& rule, CompiledRule& compiled,
                               const std::vector<const ast::ThresholdClause*>& clauses) {
  const ast::ThresholdClause* by_status[2] = {nullptr, nullptr};  // signal, breach
  for (const auto* clause : clauses) {
    const bool is_breach = clause->status == "breach";
    if (by_status[is_breach] != nullptr) {
      diagnostics_.error(&source, clause->offset, "a second '" + clause->status + "' threshold in rule " + rule.id)
          .notes.push_back("a rule has at most one signal and one breach threshold");
      continue;
    }
    by_status[is_breach] = clause;
    Threshold threshold;
    threshold.status = is_breach ? Status::Breach : Status::Signal;
    threshold.op = *to_compare_op(clause->op);
    threshold.text = "measure " + clause->op + " " + render(clause->value);
    threshold.written = render(clause->value);
    if (!threshold_value(source, clause->value, compiled, threshold)) continue;
    if (threshold.ref != ThresholdRef::Constant) {
      compiled.thresholds.push_back(threshold);  // resolved per group: nothing to check statically
      continue;
    }
    const Ratio* value = &threshold.value;

    // A threshold that no measured value can meet.
    const bool is_share = compiled.measure.unit == ValueType::Fraction;
    const bool non_negative = is_share || compiled.measure.kind == MeasureKind::Count ||
                              compiled.measure.kind == MeasureKind::CountIf;
    const int vs_zero = compare(*value, Ratio{0, 1});
    const int vs_one = compare(*value, Ratio{1, 1});
    bool never = false;
    if (non_negative && ((threshold.op == CompareOp::Lt && vs_zero <= 0) ||
                         ((threshold.op == CompareOp::Le || threshold.op == CompareOp::Eq) && vs_zero < 0))) {
      never = true;
    }
    if (is_share && ((threshold.op == CompareOp::Gt && vs_one >= 0) ||
                     ((threshold.op == CompareOp::Ge || threshold.op == CompareOp::Eq) && vs_one > 0))) {
      never = true;
    }
    if (never) {
      diagnostics_.error(&source, offset_of(clause->value),
                         "this threshold can never fire: " + std::string(is_share ? "a share lies between 0% and 100%"
                                                                                   : "a count is never negative"));
      continue;
    }
    compiled.thresholds.push_back(threshold);
  }
  std::sort(compiled.thresholds.begin(), compiled.thresholds.end(),
            [](const Threshold& a, const Threshold& b) { return a.status == Status::Breach && b.status != Status::Breach; });

  // A signal that can only fire where the breach fires too is never reported.
  if (compiled.thresholds.size() == 2 && compiled.thresholds[0].ref == ThresholdRef::Constant &&
      compiled.thresholds[1].ref == ThresholdRef::Constant) {
    const Threshold& breach = compiled.thresholds[0];
    const Threshold& signal = compiled.thresholds[1];
    const bool upward = [](CompareOp op) { return op == CompareOp::Gt || op == CompareOp::Ge; }(signal.op) &&
                        (breach.op == CompareOp::Gt || breach.op == CompareOp::Ge);
    const bool downward = (signal.op == CompareOp::Lt || signal.op == CompareOp::Le) &&
                          (breach.op == CompareOp::Lt || breach.op == CompareOp::Le);
    const int c = compare(signal.value, breach.value);
    bool shadowed = false;
    if (upward) shadowed = c > 0 || (c == 0 && !(signal.op == CompareOp::Ge && breach.op == CompareOp::Gt));
    if (downward) shadowed = c < 0 || (c == 0 && !(signal.op == CompareOp::Le && breach.op == CompareOp::Lt));
    if (shadowed) {
      diagnostics_.error(&source, by_status[0]->offset,
                         "this signal can never fire: every value that meets it also meets the breach threshold (" +
                             breach.text + ")");
    }
  }
}

// expect KEY in {...}: KEY is one of the rule's group keys; the values are of its type.
void Checker::check_expect(const SourceFile& source, const ast::ExpectClause& expect,
                           const std::vector<std::string>& key_texts, CompiledRule& compiled) {
  const std::string key_text = render(expect.key);
  const auto found = std::find(key_texts.begin(), key_texts.end(), key_text);
  if (found == key_texts.end()) {
    diagnostics_.error(&source, offset_of(expect.key), "'" + key_text + "' is not a group key of this rule")
        .notes.push_back(key_texts.empty() ? "expect names a key of the rule's 'per' clause; this rule has none"
                                           : "the rule groups per " + join(key_texts));
    return;
  }
  ExpectedKey expected;
  expected.key = static_cast<std::uint32_t>(found - key_texts.begin());
  for (const ExpectedKey& earlier : compiled.expected) {
    if (earlier.key == expected.key) {
      diagnostics_.error(&source, expect.offset, "a second 'expect' for '" + key_text + "'");
      return;
    }
  }
  const GroupKey& key = compiled.group_keys[expected.key];
  const ColumnSchema& column = compiled.dataset->column(key.column);
  const bool whole_numbers = key.kind == GroupKeyKind::Year || (key.kind == GroupKeyKind::Column && column.type == ValueType::Int);
  const bool texts = key.kind == GroupKeyKind::Column && (column.type == ValueType::Text || column.type == ValueType::Enum);
  if (!whole_numbers && !texts) {
    diagnostics_.error(&source, offset_of(expect.key),
                       "expect takes a text, enum or whole-number key, or year(...); '" + key_text + "' is not one");
    return;
  }
  for (const ast::Operand& item : expect.values.items) {
    const ast::Operand& value = unwrap(item);
    if (whole_numbers) {
      const auto* number = boost::get<ast::NumberLit>(&value);
      const auto parsed = number != nullptr ? parse_decimal(number->text) : std::nullopt;
      if (!parsed || parsed->denominator != 1) {
        diagnostics_.error(&source, offset_of(item), "expected a whole number for '" + key_text + "'");
        return;
      }
      expected.numbers.push_back(parsed->numerator);
      continue;
    }
    const auto* text = boost::get<ast::StringLit>(&value);
    const auto* name = boost::get<ast::Name>(&value);
    std::string spelled = text != nullptr ? text->value : name != nullptr ? name->text : "";
    if (column.type == ValueType::Text && text == nullptr) {
      diagnostics_.error(&source, offset_of(item), "a " + key_text + " is written as quoted text: \"Trivire\"");
      return;
    }
    if (column.type == ValueType::Enum &&
        std::find(column.enum_values.begin(), column.enum_values.end(), spelled) == column.enum_values.end()) {
      auto& d = diagnostics_.error(&source, offset_of(item), "'" + spelled + "' is not a value of " + key_text);
      if (auto hint = did_you_mean(spelled, column.enum_values); !hint.empty()) d.notes.push_back(hint);
      return;
    }
    expected.texts.push_back(spelled);
  }
  compiled.expected.push_back(std::move(expected));
}

bool Checker::check_net_measure(const std::vector<std::pair<int, const ast::Operand*>>& terms, RuleContext& ctx) {
  std::uint32_t sum = kNoIndex;
  bool ok = true;
  for (const auto& [sign, operand] : terms) {
    const auto* name = boost::get<ast::Name>(operand);
    const auto* call = boost::get<x3::forward_ast<ast::Call>>(operand);
    std::uint32_t weight = kNoIndex;
    if (name != nullptr && name->text == "count") {
      ExprNode one;
      one.op = NodeOp::Constant;
      one.type = ValueType::Int;
      one.value = 1;
      one.offset = name->offset;
      weight = add_node(ctx, one);
    } else if (call != nullptr && call->get().function.text == "count" && call->get().args.size() == 1) {
      Typed condition = require_bool(check_expr(call->get().args[0], ctx), ctx, "the argument of count()");
      if (!condition.ok) {
        ok = false;
        continue;
      }
      ExprNode indicator;
      indicator.op = NodeOp::Indicator;
      indicator.type = ValueType::Int;
      indicator.args = {condition.node};
      indicator.offset = call->get().offset;
      weight = add_node(ctx, indicator);
    } else {
      diagnostics_.error(ctx.file, offset_of(*operand),
                         "a net figure adds and subtracts counts: count or count(condition), e.g. "
                         "count(kind = nieuwbouw) - count(kind = verkoop)");
      ok = false;
      continue;
    }
    if (sum == kNoIndex) {
      if (sign < 0) {
        ExprNode negate;
        negate.op = NodeOp::Negate;
        negate.type = ValueType::Int;
        negate.args = {weight};
        negate.offset = ctx.rule->pool.nodes[weight].offset;
        weight = add_node(ctx, negate);
      }
      sum = weight;
      continue;
    }
    ExprNode combined;
    combined.op = sign < 0 ? NodeOp::Subtract : NodeOp::Add;
    combined.type = ValueType::Int;
    combined.args = {sum, weight};
    combined.offset = ctx.rule->pool.nodes[weight].offset;
    sum = add_node(ctx, combined);
  }
  if (!ok || sum == kNoIndex) return false;
  ctx.rule->measure.expr = sum;
  return true;
}

// One measure over the rule's dataset (ctx.rule->measure): count, count(...), share(...),
// ratio(...), sum/avg/min/max(...), or a net figure.
void Checker::check_measure(const ast::Operand& expr, RuleContext& ctx, bool& measure_ok, bool& unit_known) {
  ctx.rule->measure.text = render(expr);
  const ast::Operand& m = unwrap(expr);
  const auto* name = boost::get<ast::Name>(&m);
  const auto* call = boost::get<x3::forward_ast<ast::Call>>(&m);
  std::vector<std::pair<int, const ast::Operand*>> terms;
  flatten_sum(expr, 1, terms);
  if (terms.size() > 1) {
    // A net figure: count(kind in {nieuwbouw, aankoop}) - count(kind in {verkoop, sloop}).
    ctx.rule->measure.kind = MeasureKind::Net;
    ctx.rule->measure.unit = ValueType::Int;
    unit_known = true;
    measure_ok = check_net_measure(terms, ctx);
  } else if (name != nullptr && name->text == "count") {
    ctx.rule->measure.kind = MeasureKind::Count;
    ctx.rule->measure.unit = ValueType::Int;
    measure_ok = true;
    unit_known = true;
  } else if (call != nullptr) {
    const std::string& fn = call->get().function.text;
    const auto& args = call->get().args;
    static const std::map<std::string, MeasureKind> kinds = {
        {"count", MeasureKind::CountIf}, {"share", MeasureKind::Share}, {"sum", MeasureKind::Sum},
        {"avg", MeasureKind::Average},   {"min", MeasureKind::Min},     {"max", MeasureKind::Max}};
    auto kind = kinds.find(fn);
    if (fn == "ratio") {
      // ratio(x, y): sum of x over sum of y in the group, e.g. social homes over all homes of
      // the projects; a share of quantities rather than of records.
      ctx.rule->measure.kind = MeasureKind::Ratio;
      ctx.rule->measure.unit = ValueType::Fraction;
      unit_known = true;
      if (args.size() != 2) {
        diagnostics_.error(ctx.file, call->get().offset, "ratio() takes two arguments: ratio(part, whole)");
      } else {
        Typed part = check_expr(args[0], ctx);
        Typed whole = check_expr(args[1], ctx);
        if (part.unresolved) part = unknown_name(part, ctx);
        if (whole.unresolved) whole = unknown_name(whole, ctx);
        if (part.ok && whole.ok) {
          if ((part.type != ValueType::Int && part.type != ValueType::Money) || part.type != whole.type) {
            diagnostics_.error(ctx.file, call->get().offset,
                               "ratio() needs two numbers or two amounts, not " + std::string(type_name(part.type)) +
                                   " and " + std::string(type_name(whole.type)));
          } else {
            ctx.rule->measure.expr = part.node;
            ctx.rule->measure.expr2 = whole.node;
            measure_ok = true;
          }
        }
      }
    } else if (kind == kinds.end()) {
      auto& d = diagnostics_.error(ctx.file, call->get().offset, "unknown measure '" + fn + "'");
      if (auto hint = did_you_mean(fn, measure_functions()); !hint.empty()) d.notes.push_back(hint);
    } else if (args.size() != 1) {
      diagnostics_.error(ctx.file, call->get().offset, fn + "() takes one argument");
    } else {
      ctx.rule->measure.kind = kind->second;
      Typed arg = check_expr(args[0], ctx);
      if (kind->second == MeasureKind::CountIf || kind->second == MeasureKind::Share) {
        arg = require_bool(arg, ctx, "the argument of " + fn + "()");
        ctx.rule->measure.unit = kind->second == MeasureKind::Share ? ValueType::Fraction : ValueType::Int;
        unit_known = true;
      } else {
        if (arg.unresolved) arg = unknown_name(arg, ctx);
        if (arg.ok && arg.type != ValueType::Int && arg.type != ValueType::Money &&
            !(arg.type == ValueType::Date && kind->second != MeasureKind::Sum &&
              kind->second != MeasureKind::Average)) {
          diagnostics_.error(ctx.file, arg.offset,
                             fn + "() needs a number or an amount, not " + std::string(type_name(arg.type)));
          arg.ok = false;
        }
        ctx.rule->measure.unit = arg.type;
        unit_known = arg.ok;
      }
      if (arg.ok) {
        ctx.rule->measure.expr = arg.node;
        measure_ok = true;
      }
    }
  } else {
    diagnostics_.error(ctx.file, offset_of(expr),
                       "a measure is count, count(...), share(...), ratio(..., ...), sum(...), avg(...), min(...) or max(...)");
  }
}

void Checker::check_quotient(const ast::Chain& chain, RuleContext& ctx, bool& measure_ok, bool& unit_known) {
  CompiledRule& rule = *ctx.rule;
  bool left_ok = false, left_unit = false;
  check_measure(chain.first, ctx, left_ok, left_unit);
  auto counts = [](MeasureKind kind) { return kind == MeasureKind::Count || kind == MeasureKind::CountIf; };
  if (left_ok && !counts(rule.measure.kind)) {
    diagnostics_.error(ctx.file, offset_of(chain.first), "a measure divided by another dataset's figure is a count: count or count(...)");
    left_ok = false;
  }
  const ast::Operand& right = unwrap(chain.rest[0].operand);
  const auto* call = boost::get<x3::forward_ast<ast::Call>>(&right);
  if (call == nullptr || call->get().qualifier.size() != 1) {
    diagnostics_.error(ctx.file, offset_of(chain.rest[0].operand),
                       "divide by a count of another dataset, named before a dot: stock.count(daeb)");
    return;
  }
  const ast::Name& other_name = call->get().qualifier.front();
  const DatasetSchema* other = find_dataset(other_name.text);
  if (other == nullptr) {
    std::vector<std::string> names;
    for (const auto& schema : dataset_schemas()) names.push_back(schema.name);
    auto& d = diagnostics_.error(ctx.file, other_name.offset, "unknown dataset '" + other_name.text + "'");
    if (auto hint = did_you_mean(other_name.text, names); !hint.empty()) d.notes.push_back(hint);
    return;
  }
  if (other == rule.dataset) {
    diagnostics_.error(ctx.file, other_name.offset,
                       "the divisor is a figure of another dataset; within " + other->name + " use share(...)");
    return;
  }
  auto divisor = std::make_shared<CompiledRule>();
  divisor->id = rule.id;
  divisor->title = rule.title;
  divisor->ruleset_id = rule.ruleset_id;
  divisor->scope_municipality = rule.scope_municipality;
  divisor->scope_corporations = rule.scope_corporations;
  divisor->valid_from = rule.valid_from;
  divisor->valid_to = rule.valid_to;
  divisor->own_from = rule.own_from;
  divisor->own_to = rule.own_to;
  divisor->never_valid = rule.never_valid;
  divisor->file = rule.file;
  divisor->offset = rule.offset;
  divisor->dataset = other;
  // The same groups: a column of the same name; a period of the other dataset's own date column.
  std::optional<std::uint32_t> date_column = other->snapshot_column;
  for (std::uint32_t c = 0; c < other->columns.size() && !date_column; ++c) {
    if (other->column(c).type == ValueType::Date) date_column = c;
  }
  bool periodic = false;
  for (const GroupKey& key : rule.group_keys) {
    GroupKey mapped = key;
    if (key.kind == GroupKeyKind::Column && rule.dataset->column(key.column).type != ValueType::Date) {
      const std::string& column = rule.dataset->column(key.column).name;
      const auto found = other->column_index(column);
      if (!found) {
        diagnostics_.error(ctx.file, other_name.offset,
                           other->name + " has no column '" + column + "' to group its figure per " + column + " as this rule does");
        return;
      }
      mapped.column = *found;
    } else {
      if (!date_column) {
        diagnostics_.error(ctx.file, other_name.offset, other->name + " has no date to group its figure per period");
        return;
      }
      mapped.column = *date_column;
      if (mapped.kind == GroupKeyKind::Column) mapped.label = other->column(*date_column).name;
      periodic = true;
    }
    divisor->group_keys.push_back(mapped);
  }
  if (other->snapshot_column && !periodic) {
    diagnostics_.error(ctx.file, other_name.offset,
                       "a figure of " + other->name + " is counted per snapshot: group the rule per year(...) too, so each "
                       "period is divided by its own snapshot");
    return;
  }
  RuleContext divisor_ctx{ctx.file, other, divisor.get()};
  bool divisor_ok = false, divisor_unit = false;
  ast::Call plain = call->get();
  plain.qualifier.clear();
  if (plain.function.text == "count" && plain.args.empty()) {
    divisor->measure.kind = MeasureKind::Count;
    divisor->measure.unit = ValueType::Int;
    divisor->measure.text = "count";
    divisor_ok = true;
  } else {
    check_measure(ast::Operand(x3::forward_ast<ast::Call>(plain)), divisor_ctx, divisor_ok, divisor_unit);
    if (divisor_ok && !counts(divisor->measure.kind)) {
      diagnostics_.error(ctx.file, offset_of(chain.rest[0].operand), "the divisor is a count: " + other->name + ".count(...)");
      divisor_ok = false;
    }
  }
  if (!left_ok || !divisor_ok) return;
  rule.divisor = std::move(divisor);
  rule.measure.unit = ValueType::Fraction;
  measure_ok = true;
  unit_known = true;
}

void Checker::check_rule(const SourceFile& source, const ast::Rule& rule, const RuleSetInfo& info) {
  if (auto it = rule_ids_.find(rule.id); it != rule_ids_.end()) {
    diagnostics_.error(&source, rule.offset, "duplicate rule id '" + rule.id + "'")
        .notes.push_back("the first rule '" + rule.id + "' is at " + location(it->second.first, it->second.second));
  } else {
    rule_ids_.emplace(rule.id, std::make_pair(&source, rule.offset));
  }

  const std::size_t year_lookups_before = year_lookups_.size();
  CompiledRule compiled;
  compiled.id = rule.id;
  compiled.title = rule.title.value;
  compiled.ruleset_id = info.id;
  // The scope of the rule set checked applies to every rule it runs, imported ones included,
  // unless the rule's own file states one: a national rule imported by Dordrecht reads Dordrecht.
  const RuleSetInfo& root = out_.info;
  compiled.scope_municipality = !info.municipality.empty() ? info.municipality : root.municipality;
  compiled.scope_corporations = !info.corporations.empty() ? info.corporations : root.corporations;
  compiled.valid_from = info.valid_from;
  compiled.valid_to = info.valid_to;
  compiled.file = &source;
  compiled.offset = rule.offset;

  const ast::OverClause* over = nullptr;
  const ast::ExprClause* measure = nullptr;
  const ast::ExprClause* exempt = nullptr;
  const ast::PerClause* per = nullptr;
  const ast::TargetClause* target = nullptr;
  const ast::ValidClause* own_period = nullptr;
  std::vector<const ast::ExpectClause*> expects;
  std::vector<const ast::ThresholdClause*> thresholds;
  std::map<std::string, std::uint32_t> seen;
  auto once = [&](const std::string& keyword, std::uint32_t offset) {
    auto [it, inserted] = seen.emplace(keyword, offset);
    if (!inserted) {
      diagnostics_.error(&source, offset, "a second '" + keyword + "' clause in rule " + rule.id)
          .notes.push_back("the first is at " + location(&source, it->second));
    }
    return inserted;
  };
  for (const auto& clause : rule.clauses) {
    if (const auto* text = boost::get<ast::TextClause>(&clause)) {
      if (!once(text->keyword, text->offset)) continue;
      if (text->keyword == "source") compiled.source = text->value.value;
      else if (text->keyword == "owner") compiled.owner = text->value.value;
      else if (text->keyword == "note") compiled.note = text->value.value;
      else diagnostics_.error(&source, text->offset, "'" + text->keyword + "' belongs in the rule-set header");
    } else if (const auto* o = boost::get<ast::OverClause>(&clause)) {
      if (once("over", o->offset)) over = o;
    } else if (const auto* e = boost::get<ast::ExprClause>(&clause)) {
      if (!once(e->keyword, e->offset)) continue;
      (e->keyword == "measure" ? measure : exempt) = e;
    } else if (const auto* p = boost::get<ast::PerClause>(&clause)) {
      if (once("per", p->offset)) per = p;
    } else if (const auto* t = boost::get<ast::ThresholdClause>(&clause)) {
      thresholds.push_back(t);
    } else if (const auto* g = boost::get<ast::TargetClause>(&clause)) {
      if (once("target", g->offset)) target = g;
    } else if (const auto* b = boost::get<ast::BaselineClause>(&clause)) {
      if (!once("baseline", b->offset)) continue;
      compiled.baseline = parse_iso_date(b->date.text);
      if (!compiled.baseline) diagnostics_.error(&source, b->date.offset, "'" + b->date.text + "' is not a date");
    } else if (const auto* v = boost::get<ast::ValidClause>(&clause)) {
      if (once("valid", v->offset)) own_period = v;
    } else if (const auto* x = boost::get<ast::ExpectClause>(&clause)) {
      expects.push_back(x);
    }
  }
  // The effective period: the rule's own (the law it encodes) within its file's and within the
  // period of the rule set checked (the agreement).
  {
    std::optional<std::int32_t> from, to;
    if (own_period != nullptr) check_period(source, *own_period, from, to);
    compiled.own_from = from;
    compiled.own_to = to;
    for (const auto& bound : {from, root.valid_from}) {
      if (bound && (!compiled.valid_from || *bound > *compiled.valid_from)) compiled.valid_from = bound;
    }
    for (const auto& bound : {to, root.valid_to}) {
      if (bound && (!compiled.valid_to || *bound < *compiled.valid_to)) compiled.valid_to = bound;
    }
    compiled.never_valid = compiled.valid_from && compiled.valid_to && *compiled.valid_from > *compiled.valid_to;
  }

  if (over == nullptr) {
    diagnostics_.error(&source, rule.offset, "rule " + rule.id + " has no 'over' clause")
        .notes.push_back("say which dataset it reads: over allocations, over stock, over mutations or over projects");
    return;
  }
  const DatasetSchema* dataset = find_dataset(over->dataset.text);
  if (dataset == nullptr) {
    std::vector<std::string> names;
    for (const auto& schema : dataset_schemas()) names.push_back(schema.name);
    auto& d = diagnostics_.error(&source, over->dataset.offset, "unknown dataset '" + over->dataset.text + "'");
    d.notes.push_back(did_you_mean(over->dataset.text, names).empty()
                          ? "the datasets are " + join(names)
                          : did_you_mean(over->dataset.text, names));
    return;
  }
  compiled.dataset = dataset;
  RuleContext ctx{&source, dataset, &compiled};

  if (over->filter) {
    Typed filter = require_bool(check_expr(*over->filter, ctx), ctx, "the 'where' condition");
    if (filter.ok) compiled.filter = filter.node;
  }
  if (exempt != nullptr) {
    Typed condition = require_bool(check_expr(exempt->expr, ctx), ctx, "the 'exempt' condition");
    if (condition.ok) compiled.exempt = condition.node;
    compiled.exempt_text = render(exempt->expr);
  }
  std::vector<std::string> key_texts;  // each compiled group key as written, for `expect`
  if (per != nullptr) {
    std::set<std::string> labels;
    for (const auto& key_operand : per->keys) {
      const ast::Operand& key = unwrap(key_operand);
      GroupKey group_key;
      std::string column_name;
      std::uint32_t column_offset = offset_of(key);
      if (const auto* name = boost::get<ast::Name>(&key)) {
        column_name = name->text;
        group_key.kind = GroupKeyKind::Column;
      } else if (const auto* call = boost::get<x3::forward_ast<ast::Call>>(&key)) {
        const std::string& fn = call->get().function.text;
        static const std::map<std::string, GroupKeyKind> kinds = {{"year", GroupKeyKind::Year},
                                                                  {"half_year", GroupKeyKind::HalfYear},
                                                                  {"quarter", GroupKeyKind::Quarter},
                                                                  {"month", GroupKeyKind::Month}};
        auto kind = kinds.find(fn);
        const ast::Name* arg =
            call->get().args.size() == 1 ? boost::get<ast::Name>(&unwrap(call->get().args[0])) : nullptr;
        if (kind == kinds.end() || arg == nullptr) {
          diagnostics_.error(&source, call->get().offset,
                             "a group is a column or year(...), half_year(...), quarter(...), month(...) of a date column");
          continue;
        }
        group_key.kind = kind->second;
        column_name = arg->text;
        column_offset = arg->offset;
      } else {
        diagnostics_.error(&source, offset_of(key),
                           "a group is a column or year(...), half_year(...), quarter(...), month(...) of a date column");
        continue;
      }
      const auto column = dataset->column_index(column_name);
      if (!column) {
        std::vector<std::string> columns;
        for (const auto& c : dataset->columns) columns.push_back(c.name);
        auto& d = diagnostics_.error(&source, column_offset,
                                     "unknown column '" + column_name + "' in " + dataset->name);
        if (auto hint = did_you_mean(column_name, columns); !hint.empty()) d.notes.push_back(hint);
        continue;
      }
      const ColumnSchema& schema = dataset->column(*column);
      if (group_key.kind != GroupKeyKind::Column && schema.type != ValueType::Date) {
        diagnostics_.error(&source, column_offset,
                           "'" + column_name + "' is " + std::string(type_name(schema.type)) + ", not a date");
        continue;
      }
      if (group_key.kind == GroupKeyKind::Column && schema.text_storage == TextStorage::Raw && !schema.unique) {
        diagnostics_.error(&source, column_offset,
                           "cannot group by '" + column_name + "': only a record's own id (one row each) can be a group");
        continue;
      }
      if (group_key.kind == GroupKeyKind::Column && schema.type == ValueType::Money) {
        diagnostics_.error(&source, column_offset, "cannot group by an amount ('" + column_name + "')");
        continue;
      }
      group_key.column = *column;
      switch (group_key.kind) {
        case GroupKeyKind::Column: group_key.label = column_name; break;
        case GroupKeyKind::Year: group_key.label = "year"; break;
        case GroupKeyKind::HalfYear: group_key.label = "half_year"; break;
        case GroupKeyKind::Quarter: group_key.label = "quarter"; break;
        case GroupKeyKind::Month: group_key.label = "month"; break;
      }
      if (compiled.group_keys.size() >= kMaxGroupKeys) {
        diagnostics_.error(&source, offset_of(key),
                           "at most " + std::to_string(kMaxGroupKeys) + " grouping keys per rule");
        continue;
      }
      if (!labels.insert(group_key.label).second) {
        diagnostics_.error(&source, offset_of(key), "'" + group_key.label + "' is grouped by twice");
        continue;
      }
      compiled.group_keys.push_back(group_key);
      key_texts.push_back(render(key));
    }
  }
  for (const ast::ExpectClause* expect : expects) check_expect(source, *expect, key_texts, compiled);

  bool measure_ok = false;
  bool unit_known = false;  // thresholds can be checked once the kind of measure is known
  if (measure == nullptr) {
    diagnostics_.error(&source, rule.offset, "rule " + rule.id + " has no 'measure' clause")
        .notes.push_back("say what is measured: measure count, share(...), sum(...), avg(...), min(...) or max(...)");
  } else {
    const ast::Operand& whole = unwrap(measure->expr);
    const auto* chain = boost::get<x3::forward_ast<ast::Chain>>(&whole);
    if (chain != nullptr && chain->get().rest.size() == 1 && chain->get().rest[0].op == "/") {
      check_quotient(chain->get(), ctx, measure_ok, unit_known);
      compiled.measure.text = render(measure->expr);
    } else {
      check_measure(measure->expr, ctx, measure_ok, unit_known);
    }
  }

  if (unit_known) check_thresholds(source, rule, compiled, thresholds);
  if (target != nullptr) {
    if (!thresholds.empty()) {
      diagnostics_.error(&source, target->offset,
                         "a rule has either thresholds (signal/breach) or a target, not both");
    } else if (!dataset->snapshot_column) {
      diagnostics_.error(&source, target->offset,
                         "a target is projected over snapshots; " + dataset->name + " has none (use over stock)");
    } else if (measure_ok) {
      Threshold goal;
      const bool value_ok = threshold_value(source, target->value, compiled, goal);
      if (value_ok && goal.ref != ThresholdRef::Constant) {
        diagnostics_.error(&source, offset_of(target->value), "a target is a constant: a number, a share or an amount");
      }
      const auto deadline = parse_iso_date(target->deadline.text);
      if (!deadline) diagnostics_.error(&source, target->deadline.offset, "'" + target->deadline.text + "' is not a date");
      if (value_ok && goal.ref == ThresholdRef::Constant && deadline) {
        // "as signal": the clause is an aim (streven), so a target missed after the deadline is
        // a signal to talk about, not a breach.
        const Status missed = target->missed && *target->missed == "signal" ? Status::Signal : Status::Breach;
        compiled.target = Target{*to_compare_op(target->op), goal.value, *deadline, missed,
                                 "measure " + target->op + " " + render(target->value) + " by " + target->deadline.text +
                                     (target->missed ? " as " + *target->missed : "")};
      }
    }
  } else if (thresholds.empty()) {
    diagnostics_.error(&source, rule.offset, "rule " + rule.id + " has no threshold and no target")
        .notes.push_back("add e.g. 'breach when measure > 15%' or 'target measure <= 0 by 2028-12-31'");
  }
  if (compiled.never_valid && own_period != nullptr) {
    // The law it encodes does not speak of the agreement's period: not run. Said where the rule
    // set's own file declares such a rule; an imported one is counted (toets validate says so).
    if (&source == files_.back().source) {
      diagnostics_.warning(&source, own_period->offset,
                           "rule " + rule.id + "'s period lies outside the period of " + root.id + ": it is never run");
    }
    out_.rules_outside_period.push_back(rule.id);
    year_lookups_.resize(year_lookups_before);  // its tables need no years of this period
    return;
  }
  out_.rules.push_back(std::move(compiled));
}

void Checker::finish() {
  check_files();
  // A parameter table that lacks a year inside the rule set's validity period cannot serve it.
  const RuleSetInfo& info = out_.info;
  if (!info.valid_from || !info.valid_to) return;
  const std::int32_t first_year = civil_from_days(*info.valid_from).year;
  const std::int32_t last_year = civil_from_days(*info.valid_to).year;
  std::set<std::uint32_t> reported;
  for (const auto& lookup : year_lookups_) {
    const ParamTable& table = out_.tables[lookup.table];
    std::vector<std::string> missing_years;
    for (std::int32_t year = first_year; year <= last_year; ++year) {
      const bool covered = std::any_of(table.entries.begin(), table.entries.end(), [&](const TableEntry& e) {
        return e.keys[0].low <= year && year <= e.keys[0].high;
      });
      if (!covered) missing_years.push_back(std::to_string(year));
    }
    if (!missing_years.empty() && reported.insert(lookup.table).second) {
      diagnostics_.warning(lookup.file, lookup.offset,
                           "parameter table '" + table.name + "' has no entry for " + join(missing_years) +
                               ", inside the validity period of " + info.id + "; data of " +
                               (missing_years.size() == 1 ? "that year" : "those years") +
                               " cannot be checked until it is added");
    }
  }
}

}  // namespace

std::unique_ptr<CompiledRuleSet> check_rule_text(const std::string& path, std::string text,
                                                 Diagnostics& diagnostics) {
  auto out = std::make_unique<CompiledRuleSet>();
  Checker checker(*out, diagnostics);
  checker.load(path, std::move(text), nullptr, 0, 0);
  checker.finish();
  if (diagnostics.has_errors()) return nullptr;
  return out;
}

std::unique_ptr<CompiledRuleSet> check_rule_file(const std::string& path, Diagnostics& diagnostics) {
  auto out = std::make_unique<CompiledRuleSet>();
  Checker checker(*out, diagnostics);
  checker.load(path, std::nullopt, nullptr, 0, 0);
  checker.finish();
  if (diagnostics.has_errors()) return nullptr;
  return out;
}

}  // namespace toets
