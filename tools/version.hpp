#pragma once
// `toets --version`: "toets 0.1.0 (commit 1a2b3c4d5e6f)", the project version from CMake and the
// git commit the build was configured from (left out when the source was not a git checkout).

#include <string>

namespace toets::cli {

std::string version_text();

}  // namespace toets::cli
