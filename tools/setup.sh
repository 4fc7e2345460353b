#!/usr/bin/env bash
# Installs what Toets needs on a Debian 12 machine (as root), configures and builds it into build/.
# Used by tools/demo.sh and tools/test.sh; safe to run again (installs only what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkg-config libboost-dev libsqlite3-dev sqlite3 libspdlog-dev
          nlohmann-json3-dev libgtest-dev libgmock-dev libcli11-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

cmake --preset release >&2
cmake --build --preset release -j "$(nproc)" >&2
