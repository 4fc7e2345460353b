#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
ctest --preset release -j "$(nproc)"
