#include "tools/version.hpp"

namespace toets::cli {

std::string version_text() {
  std::string text = std::string("toets ") + TOETS_VERSION;
  const std::string commit = TOETS_GIT_COMMIT;
  if (!commit.empty()) text += " (commit " + commit + ")";
  return text;
}

}  // namespace toets::cli
