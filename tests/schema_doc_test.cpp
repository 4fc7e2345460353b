// docs/data-format.md says what the code's schema says: its tables are `toets schema --markdown`
// (generated from dsl/program/schema.cpp), so a column added, renamed or retyped in code without the page
// fails here. To update the page: paste that command's output between its markers.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/toets_process.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The exit status and what was printed (standard output, then standard error).
std::pair<int, std::string> toets(const std::string& arguments) {
  const auto run = toets::testing_support::run_toets_shell(arguments);
  return {run.exit_code, run.out + run.err};
}

TEST(SchemaDoc, DataFormatPageIsTheSchemaCommandsOutput) {
  const std::string doc = read_file(std::string(TOETS_SOURCE_DIR) + "/docs/data-format.md");
  const std::string begin = "<!-- BEGIN toets schema --markdown (generated: do not edit by hand) -->\n";
  const std::string end = "<!-- END toets schema --markdown -->";
  const std::size_t from = doc.find(begin);
  const std::size_t to = doc.find(end);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string tables = doc.substr(from + begin.size(), to - from - begin.size());
  const auto [status, out] = toets("schema --markdown");
  EXPECT_EQ(status, 0);
  EXPECT_EQ(tables, out) << "docs/data-format.md differs from `toets schema --markdown`: paste its output between the markers";
  // And the page has every dataset, as a reader looks for them.
  for (const std::string kind : {"allocations", "stock", "mutations", "projects"}) {
    EXPECT_NE(tables.find("## " + kind + " \xE2\x80\x94 "), std::string::npos) << kind;
  }
}

TEST(SchemaDoc, OneKindAndMistakes) {
  const auto [status, out] = toets("schema stock");
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("stock: one row per dwelling per snapshot date"), std::string::npos) << out;
  EXPECT_NE(out.find("  energy_label   required  enum: A++++, A+++, A++, A+, A, B, C, D, E, F, G\n"), std::string::npos);
  EXPECT_NE(out.find("(dwelling_id, snapshot_date) is unique"), std::string::npos);
  EXPECT_EQ(out.find("allocations"), std::string::npos);
  const auto [bad, message] = toets("schema allocation");
  EXPECT_EQ(bad, 2);
  EXPECT_NE(message.find("no dataset 'allocation'"), std::string::npos);
}

}  // namespace
