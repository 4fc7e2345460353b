// Plan files (engine/run/plan_file.hpp): TOML into a Plan, every mistake a diagnostic at
// plan:line:col with the line and a caret, exactly as `toets run` prints it; the format before TOML
// refused with its TOML equivalent.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dsl/source/calendar.hpp"
#include "engine/run/plan_file.hpp"

namespace toets {
namespace {

namespace fs = std::filesystem;

const std::string kSource = TOETS_SOURCE_DIR;
const std::string kPlan = kSource + "/fixtures/plan/dordrecht.plan";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string printed(const Diagnostics& diagnostics) {
  std::ostringstream out;
  diagnostics.print(out);
  return out.str();
}

TEST(PlanParse, TheExamplePlan) {
  Diagnostics diagnostics;
  const auto plan = load_plan(kPlan, diagnostics);
  ASSERT_TRUE(plan) << printed(diagnostics);
  EXPECT_EQ(plan->imports.size(), 3u);
  EXPECT_EQ(plan->imports[0].schema->name, "allocations");
  EXPECT_EQ(plan->imports[0].file, "allocations.csv");
  EXPECT_EQ(plan->imports[0].line, 19u);
  EXPECT_EQ(fs::path(plan->imports[0].mapping).filename(), "woonsysteem.mapping");
  EXPECT_EQ(plan->imports[1].schema->name, "stock");
  EXPECT_EQ(plan->imports[2].schema->name, "mutations");
  EXPECT_EQ(fs::path(plan->exports).filename(), "exports");
  ASSERT_EQ(plan->checks.size(), 1u);
  EXPECT_EQ(plan->checks[0].line, 32u);
  EXPECT_TRUE(fs::exists(plan->checks[0].rules)) << plan->checks[0].rules;
  EXPECT_FALSE(plan->as_of);  // today
  EXPECT_EQ(plan->formats, (std::vector<ReportFormat>{ReportFormat::Html, ReportFormat::Markdown, ReportFormat::Junit,
                                                      ReportFormat::Json, ReportFormat::Text}));
  EXPECT_EQ(plan->lang, Lang::Nl);
  EXPECT_EQ(plan->min_group_size, 5u);
  EXPECT_FALSE(plan->fail_on_signal);
  EXPECT_EQ(plan->mode, ImportMode::Merge);
  EXPECT_EQ(plan->max_rejected_ppm, 10000u);
}

TEST(PlanParse, PathsAreRelativeToThePlanAndTextIsQuoted) {
  Diagnostics diagnostics;
  const auto plan = parse_plan("store = 'db/m.db'   # comment\noutput = \"my reports #1\"\nas_of = 2026-11-23\n"
                               "exports = \"/srv/drop\"\n[[import]]\ndataset = \"stock\"\nfile = \"stock.csv\"\n"
                               "[[check]]\nrules = \"r.toets\"\n",
                               "/etc/toets/x.plan", diagnostics);
  ASSERT_TRUE(plan) << printed(diagnostics);
  EXPECT_EQ(plan->store, "/etc/toets/db/m.db");
  EXPECT_EQ(plan->output, "/etc/toets/my reports #1");
  EXPECT_EQ(plan->as_of, days_from_civil(2026, 11, 23));
  EXPECT_EQ(import_path(plan->imports[0], plan->exports), "/srv/drop/stock.csv");
  EXPECT_EQ(plan->checks[0].rules, "/etc/toets/r.toets");
}

// One [check] or [import] table serves as well as a list of one; as_of may be the text of a date.
TEST(PlanParse, OneTableForOneCheck) {
  Diagnostics diagnostics;
  const auto plan = parse_plan("store = \"s.db\"\noutput = \"out\"\nas_of = \"2026-06-30\"\nmode = \"replace\"\n"
                               "formats = [\"text\", \"md\", \"text\"]\nlang = \"en\"\nfail_on = \"signal\"\n"
                               "min_group_size = 10\npseudonymise = \"k.key\"\n"
                               "[import]\ndataset = \"projects\"\nfile = \"p.xlsx\"\nsheet = \"Projecten\"\n"
                               "[check]\nrules = \"r.toets\"\n",
                               "p.plan", diagnostics);
  ASSERT_TRUE(plan) << printed(diagnostics);
  EXPECT_EQ(plan->as_of, days_from_civil(2026, 6, 30));
  EXPECT_EQ(plan->mode, ImportMode::Replace);
  EXPECT_EQ(plan->formats, (std::vector<ReportFormat>{ReportFormat::Text, ReportFormat::Markdown}));
  EXPECT_EQ(plan->lang, Lang::En);
  EXPECT_TRUE(plan->fail_on_signal);
  EXPECT_EQ(plan->min_group_size, 10u);
  EXPECT_EQ(plan->pseudonym_key_file, "k.key");
  ASSERT_EQ(plan->imports.size(), 1u);
  EXPECT_EQ(plan->imports[0].sheet, "Projecten");
  EXPECT_EQ(plan->imports[0].line, 10u);
  ASSERT_EQ(plan->checks.size(), 1u);
  EXPECT_EQ(plan->checks[0].line, 14u);
}

struct BadPlan {
  const char* name;
  const char* text;
  const char* printed;  // every diagnostic, exactly as `toets run` prints them
};

class PlanRejects : public testing::TestWithParam<BadPlan> {};

TEST_P(PlanRejects, WithLineColumnAndCaret) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_plan(GetParam().text, "p.plan", diagnostics));
  EXPECT_EQ(printed(diagnostics), GetParam().printed);
}

constexpr const char* kOk = "store = \"s.db\"\noutput = \"out\"\n[[check]]\nrules = \"r.toets\"\n";

INSTANTIATE_TEST_SUITE_P(
    Mistakes, PlanRejects,
    testing::Values(
        BadPlan{"no_store", "output = \"o\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:1:1: error: the plan names no store\n"
                "  output = \"o\"\n"
                "  ^\n"
                "  note: write it as store = \"monitoring.db\"\n"},
        BadPlan{"no_output", "store = \"s\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:1:1: error: the plan names no output folder\n"
                "  store = \"s\"\n"
                "  ^\n"
                "  note: write it as output = \"reports\"\n"},
        BadPlan{"no_check", "store = \"s\"\noutput = \"o\"\n",
                "p.plan:1:1: error: the plan has no [[check]]\n"
                "  store = \"s\"\n"
                "  ^\n"
                "  note: add one: [[check]] with rules = \"dordrecht-2026-2027.toets\" under it\n"},
        BadPlan{"unknown_key_near_one", "store = \"s\"\noutput = \"o\"\nouput = \"x\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:1: error: unknown key 'ouput' in the plan\n"
                "  ouput = \"x\"\n"
                "  ^\n"
                "  note: did you mean 'output'?\n"},
        BadPlan{"unknown_key", "store = \"s\"\noutput = \"o\"\ncolour = \"red\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:1: error: unknown key 'colour' in the plan\n"
                "  colour = \"red\"\n"
                "  ^\n"
                "  note: expected store, output, exports, as_of, mode, formats, lang, min_group_size, pseudonymise, "
                "fail_on, max_rejected, import, check\n"},
        BadPlan{"top_key_in_check", "output = \"o\"\n[[check]]\nrules = \"r\"\nstore = \"s\"\n",
                "p.plan:1:1: error: the plan names no store\n"
                "  output = \"o\"\n"
                "  ^\n"
                "  note: write it as store = \"monitoring.db\"\n"
                "p.plan:4:1: error: unknown key 'store' in [[check]]\n"
                "  store = \"s\"\n"
                "  ^\n"
                "  note: 'store' belongs at the top of the plan, before the first [[import]] or [[check]]\n"},
        BadPlan{"store_not_text", "store = 5\noutput = \"o\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:1:9: error: 'store' is text in quotes\n"
                "  store = 5\n"
                "          ^\n"
                "  note: write it as store = \"monitoring.db\"\n"},
        BadPlan{"store_empty", "store = \"\"\noutput = \"o\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:1:9: error: 'store' has no value\n"
                "  store = \"\"\n"
                "          ^\n"
                "  note: write it as store = \"monitoring.db\"\n"},
        BadPlan{"store_with_nul", "store = \"a\\u0000.evil\"\noutput = \"o\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:1:9: error: 'store' holds a NUL character; a plan's text cannot\n"
                "  store = \"a\\u0000.evil\"\n"
                "          ^\n"},
        BadPlan{"as_of_text", "store = \"s\"\noutput = \"o\"\nas_of = \"2026-02-30\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:9: error: as_of '2026-02-30': expected today or a date YYYY-MM-DD\n"
                "  as_of = \"2026-02-30\"\n"
                "          ^\n"
                "  note: write it as as_of = \"today\" or as a date: as_of = 2026-11-23\n"},
        BadPlan{"as_of_with_time", "store = \"s\"\noutput = \"o\"\nas_of = 2026-11-23T07:00:00\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:9: error: as_of is a date without a time\n"
                "  as_of = 2026-11-23T07:00:00\n"
                "          ^\n"
                "  note: write it as as_of = \"today\" or as a date: as_of = 2026-11-23\n"},
        BadPlan{"formats_not_a_list", "store = \"s\"\noutput = \"o\"\nformats = \"html\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:11: error: 'formats' is a list\n"
                "  formats = \"html\"\n"
                "            ^\n"
                "  note: write it as formats = [\"html\", \"markdown\"]\n"},
        BadPlan{"bad_format", "store = \"s\"\noutput = \"o\"\nformats = [\"html\", \"pdf\", \"htm\"]\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:20: error: format 'pdf': expected text, json, html, markdown or junit\n"
                "  formats = [\"html\", \"pdf\", \"htm\"]\n"
                "                     ^\n"
                "p.plan:3:27: error: format 'htm': expected text, json, html, markdown or junit\n"
                "  formats = [\"html\", \"pdf\", \"htm\"]\n"
                "                            ^\n"
                "  note: did you mean 'html'?\n"},
        BadPlan{"no_format", "store = \"s\"\noutput = \"o\"\nformats = []\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:11: error: formats names no format\n"
                "  formats = []\n"
                "            ^\n"
                "  note: write it as formats = [\"html\"]\n"},
        BadPlan{"bad_lang", "store = \"s\"\noutput = \"o\"\nlang = \"de\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:8: error: lang 'de': expected nl or en\n"
                "  lang = \"de\"\n"
                "         ^\n"},
        BadPlan{"bad_mode", "store = \"s\"\noutput = \"o\"\nmode = \"replce\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:8: error: mode 'replce': expected merge or replace\n"
                "  mode = \"replce\"\n"
                "         ^\n"
                "  note: did you mean 'replace'?\n"},
        BadPlan{"bad_fail_on", "store = \"s\"\noutput = \"o\"\nfail_on = \"warning\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:11: error: fail_on 'warning': expected signal or breach\n"
                "  fail_on = \"warning\"\n"
                "            ^\n"},
        BadPlan{"size_zero", "store = \"s\"\noutput = \"o\"\nmin_group_size = 0\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:18: error: min_group_size 0: expected a whole number from 1 to 1000000\n"
                "  min_group_size = 0\n"
                "                   ^\n"},
        BadPlan{"size_in_quotes", "store = \"s\"\noutput = \"o\"\nmin_group_size = \"5\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:18: error: 'min_group_size' is a whole number\n"
                "  min_group_size = \"5\"\n"
                "                   ^\n"
                "  note: write it as min_group_size = 5\n"},
        BadPlan{"bad_max_rejected", "store = \"s\"\noutput = \"o\"\nmax_rejected = \"1.5.%\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:16: error: max_rejected '1.5.%': expected a percentage from 0% to 100%, like 1%\n"
                "  max_rejected = \"1.5.%\"\n"
                "                 ^\n"},
        BadPlan{"max_rejected_above_all", "store = \"s\"\noutput = \"o\"\nmax_rejected = \"120%\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:16: error: max_rejected '120%': expected a percentage from 0% to 100%, like 1%\n"
                "  max_rejected = \"120%\"\n"
                "                 ^\n"},
        BadPlan{"max_rejected_a_fraction", "store = \"s\"\noutput = \"o\"\nmax_rejected = 0.5\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:16: error: 'max_rejected' is a percentage in quotes\n"
                "  max_rejected = 0.5\n"
                "                 ^\n"
                "  note: write it as max_rejected = \"1%\"\n"},
        BadPlan{"bad_dataset", "store = \"s\"\noutput = \"o\"\n[[import]]\ndataset = \"alocations\"\nfile = \"a.csv\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:4:11: error: dataset 'alocations': expected allocations, stock, mutations or projects\n"
                "  dataset = \"alocations\"\n"
                "            ^\n"
                "  note: did you mean 'allocations'?\n"},
        BadPlan{"no_dataset", "store = \"s\"\noutput = \"o\"\n[[import]]\nfile = \"a.csv\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:1: error: [[import]] names no dataset\n"
                "  [[import]]\n"
                "  ^\n"
                "  note: write it as dataset = \"allocations\"\n"},
        BadPlan{"no_file", "store = \"s\"\noutput = \"o\"\n[[import]]\ndataset = \"stock\"\nmapping = \"m\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:1: error: [[import]] names no file\n"
                "  [[import]]\n"
                "  ^\n"
                "  note: write it as file = \"allocations.csv\"\n"},
        BadPlan{"unknown_key_in_import", "store = \"s\"\noutput = \"o\"\n[[import]]\ndataset = \"stock\"\nfile = \"a\"\nformat = \"json\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:6:1: error: unknown key 'format' in [[import]]\n"
                "  format = \"json\"\n"
                "  ^\n"
                "  note: expected dataset, file, mapping, sheet\n"},
        BadPlan{"no_rules", "store = \"s\"\noutput = \"o\"\n[[check]]\n",
                "p.plan:3:1: error: [[check]] names no rule set\n"
                "  [[check]]\n"
                "  ^\n"
                "  note: write it as rules = \"dordrecht-2026-2027.toets\"\n"},
        BadPlan{"check_an_empty_list", "store = \"s\"\noutput = \"o\"\ncheck = []\n",
                "p.plan:3:9: error: the plan has no [[check]]\n"
                "  check = []\n"
                "          ^\n"
                "  note: add one: [[check]] with rules = \"dordrecht-2026-2027.toets\" under it\n"},
        BadPlan{"check_not_a_table", "store = \"s\"\noutput = \"o\"\ncheck = \"r.toets\"\n",
                "p.plan:3:9: error: 'check' is a table\n"
                "  check = \"r.toets\"\n"
                "          ^\n"
                "  note: write [[check]] on a line of its own, with rules = \"dordrecht-2026-2027.toets\" under it\n"},
        BadPlan{"replace_twice", "store = \"s\"\noutput = \"o\"\nmode = \"replace\"\n[[import]]\ndataset = \"stock\"\nfile = \"a\"\n"
                                 "[[import]]\ndataset = \"stock\"\nfile = \"b\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:8:11: error: mode = \"replace\" with two imports of stock: the second would replace the first\n"
                "  dataset = \"stock\"\n"
                "            ^\n"},
        // TOML's own mistakes, where toml++ finds them.
        BadPlan{"unterminated_quote", "store = \"s\noutput = \"o\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:1:11: error: not valid TOML: Error while parsing string: unescaped control characters other than TAB "
                "(U+0009) are explicitly prohibited\n"
                "  store = \"s\n"
                "            ^\n"},
        BadPlan{"given_twice", "store = \"s\"\nstore = \"t\"\noutput = \"o\"\n[[check]]\nrules = \"r\"\n",
                "p.plan:2:9: error: not valid TOML: Error while parsing key-value pair: cannot redefine existing string 'store'\n"
                "  store = \"t\"\n"
                "          ^\n"},
        BadPlan{"date_that_is_none", "store = \"s\"\noutput = \"o\"\nas_of = 2026-02-30\n[[check]]\nrules = \"r\"\n",
                "p.plan:3:19: error: not valid TOML: Error while parsing date: expected day between 1 and 28 (inclusive), saw 30\n"
                "  as_of = 2026-02-30\n"
                "                    ^\n"},
        // The format before TOML: refused, with the same plan in TOML to paste over it.
        BadPlan{"old_format", "# nightly\nstore = s.db\noutput = \"my reports #1\"\n; a comment\nformats = html, junit\n"
                              "max_rejected = 0.5%\n\n[import stock]   # the stock\nfile = stock.csv\n[check]\nrules = r.toets\n",
                "p.plan:2:9: error: this plan is in the old format; a plan is TOML now (docs/reports.md, \"Plans\")\n"
                "  store = s.db\n"
                "          ^\n"
                "  note: TOML stops here: Error while parsing value: could not determine value type\n"
                "  note: the same plan in TOML, to replace the file with:\n"
                "    # nightly\n"
                "    store = \"s.db\"\n"
                "    output = \"my reports #1\"\n"
                "    # a comment\n"
                "    formats = [\"html\", \"junit\"]\n"
                "    max_rejected = \"0.5%\"\n"
                "\n"
                "    [[import]]  # the stock\n"
                "    dataset = \"stock\"\n"
                "    file = \"stock.csv\"\n"
                "    [[check]]\n"
                "    rules = \"r.toets\"\n"}),
    [](const testing::TestParamInfo<BadPlan>& param_info) { return std::string(param_info.param.name); });

TEST(PlanParse, TheRejectedShareLimitIsOnePercentUnlessThePlanSaysOtherwise) {
  Diagnostics diagnostics;
  EXPECT_EQ(parse_plan(kOk, "p.plan", diagnostics)->max_rejected_ppm, 10000u);
  const auto plan = parse_plan("max_rejected = \"0.5%\"   # of any dataset\n" + std::string(kOk), "p.plan", diagnostics);
  ASSERT_TRUE(plan) << printed(diagnostics);
  EXPECT_EQ(plan->max_rejected_ppm, 5000u);
  EXPECT_EQ(parse_plan("max_rejected = 0\n" + std::string(kOk), "p.plan", diagnostics)->max_rejected_ppm, 0u);
  EXPECT_EQ(parse_plan("max_rejected = 2\n" + std::string(kOk), "p.plan", diagnostics)->max_rejected_ppm, 20000u);
  EXPECT_FALSE(diagnostics.has_errors());
}

TEST(PlanParse, EveryMistakeAtOnce) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_plan("lang = \"de\"\nformats = [\"pdf\"]\n[[check]]\n", "p.plan", diagnostics));
  EXPECT_EQ(diagnostics.error_count(), 5u);  // no store, no output, lang, format, no rules
}

// The example plan as it was written before plans were TOML converts to the very plan the TOML
// example is: every setting, import and check the same.
TEST(PlanParse, TheOldExamplePlanConvertsToTheSamePlan) {
  const std::string old_text = read(kSource + "/tests/hostile/plans/old_format_example.plan");
  const auto converted = old_plan_as_toml(old_text);
  ASSERT_TRUE(converted);
  Diagnostics diagnostics;
  const auto from_old = parse_plan(*converted, kPlan, diagnostics);
  const auto plan = load_plan(kPlan, diagnostics);
  ASSERT_TRUE(from_old && plan) << printed(diagnostics) << *converted;
  EXPECT_EQ(from_old->store, plan->store);
  EXPECT_EQ(from_old->output, plan->output);
  EXPECT_EQ(from_old->exports, plan->exports);
  EXPECT_EQ(from_old->as_of, plan->as_of);
  EXPECT_EQ(from_old->mode, plan->mode);
  EXPECT_EQ(from_old->formats, plan->formats);
  EXPECT_EQ(from_old->lang, plan->lang);
  EXPECT_EQ(from_old->min_group_size, plan->min_group_size);
  EXPECT_EQ(from_old->fail_on_signal, plan->fail_on_signal);
  EXPECT_EQ(from_old->max_rejected_ppm, plan->max_rejected_ppm);
  ASSERT_EQ(from_old->imports.size(), plan->imports.size());
  for (std::size_t i = 0; i < plan->imports.size(); ++i) {
    EXPECT_EQ(from_old->imports[i].schema, plan->imports[i].schema);
    EXPECT_EQ(from_old->imports[i].file, plan->imports[i].file);
    EXPECT_EQ(from_old->imports[i].mapping, plan->imports[i].mapping);
    EXPECT_EQ(from_old->imports[i].sheet, plan->imports[i].sheet);
  }
  ASSERT_EQ(from_old->checks.size(), 1u);
  EXPECT_EQ(from_old->checks[0].rules, plan->checks[0].rules);
  // Run as it is, the old plan is refused with the conversion beside the error.
  Diagnostics refused;
  EXPECT_FALSE(parse_plan(old_text, "old.plan", refused));
  EXPECT_NE(printed(refused).find("old.plan:10:11: error: this plan is in the old format"), std::string::npos)
      << printed(refused);
  EXPECT_NE(printed(refused).find("    [[import]]\n    dataset = \"allocations\"\n"), std::string::npos);
}

}  // namespace
}  // namespace toets
