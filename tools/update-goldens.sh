#!/usr/bin/env bash
# Renews the golden reports (tests/golden/FIXTURE/AS_OF.LANG.EXT) from the engine as it is now.
# Run it only when a change of the reports is meant, then review every change before committing:
#
#   tools/update-goldens.sh
#   git diff --stat tests/golden && git diff tests/golden
#
# A diff you did not intend is a regression, not a golden to renew. The reports are written by the
# test itself (tests/report_golden_test.cpp with TOETS_UPDATE_GOLDENS=1), so the goldens are made by
# exactly the command lines and environment the test compares them with. tests/golden is emptied
# first: goldens of fixtures, dates or formats that no longer exist go too.
#
# Usage: tools/update-goldens.sh [--build DIR]      (default: build, configured by the release preset)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/build"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    *) echo "usage: $0 [--build DIR]" >&2; exit 2 ;;
  esac
done
[[ -f "$build/CMakeCache.txt" ]] || { echo "update-goldens: $build is not a configured build folder" >&2; exit 2; }

cmake --build "$build" --target toets toets_tests
rm -rf "$here/tests/golden"
mkdir -p "$here/tests/golden"
TOETS_UPDATE_GOLDENS=1 "$build/tests/toets_tests" --gtest_filter='Fixtures/ReportGolden.*' --gtest_brief=1
# The same test, now comparing: every golden written must read back as written.
"$build/tests/toets_tests" --gtest_filter='Fixtures/ReportGolden.*:ReportGoldenFiles.*' --gtest_brief=1
echo "update-goldens: $(find "$here/tests/golden" -type f | wc -l) golden reports written; review them:"
git -C "$here" status --short -- tests/golden | head -n 40
echo "  git diff tests/golden"
