// Fuzz target: a rule-test file (toets test, ruletest/). The input is the TOML text, read as if it
// were rules/fuzz.test.toml, so `rules = "national.toets"` reaches a shipped rule file; when it
// reads, each of its tests (at most four) runs. Every input must end in located errors, or in
// outcomes that say why they failed or could not run.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ruletest/rule_test.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<toets::ruletest::TestFileError> errors;
  const auto file = toets::ruletest::parse_test_file(std::string(TOETS_SOURCE_DIR) + "/rules/fuzz.test.toml", text, errors);
  if (!file) {
    if (errors.empty()) std::abort();  // a refused file says why
    return 0;
  }
  std::size_t run = 0;
  for (const auto& test : file->tests) {
    if (++run > 4) break;
    const auto outcome = toets::ruletest::run_rule_test(test);
    if (outcome.verdict != toets::ruletest::Verdict::Passed && outcome.lines.empty()) std::abort();
  }
  return 0;
}
