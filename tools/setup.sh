#!/usr/bin/env bash
# Installs what Toets needs on a Debian 12 machine (as root), configures and builds it into build/.
# Used by tools/demo.sh and tools/test.sh; safe to run again (installs only what is missing).
#
# Besides the build: what the report tests use (docs/reports.md, "Validated"): Chromium, Node.js
# and npm for the browser test (tools/browser-tests: puppeteer-core and axe-core, and vnu-jar, the
# Nu Html Checker, which runs on Java), xmllint for the JUnit schema, python3-jsonschema for the
# JSON schema. No browser and no Java runtime is ever downloaded: the npm packages are installed
# with --ignore-scripts and drive Debian's /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkg-config libboost-dev libsqlite3-dev sqlite3 libspdlog-dev
          nlohmann-json3-dev libgtest-dev libgmock-dev libcli11-dev libssl-dev libzip-dev libexpat1-dev
          chromium fonts-dejavu-core libxml2-utils python3 python3-jsonschema
          python3-openpyxl python3-xlsxwriter)
packages+=(libtomlplusplus-dev)  # toets test: the rule-test files are TOML (ruletest/)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm: Debian's (Node 18 on Debian 12) unless a node is there already; a Node packaged
# elsewhere brings its own npm and conflicts with Debian's npm package. Java (11 or later) for the
# Nu Html Checker: Debian's default unless one is there.
command -v node > /dev/null || missing+=(nodejs)
command -v npm > /dev/null || missing+=(npm)
command -v java > /dev/null || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The browser test's node packages, pinned by tools/browser-tests/package-lock.json; again only
# when the lock file changed since the last install.
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "setup: node $(node --version) is too old for tools/browser-tests (puppeteer-core 24 needs 18 or later)" >&2
  exit 1
fi
tests=tools/browser-tests
if ! cmp -s "$tests/package-lock.json" "$tests/node_modules/.toets-installed-lock" 2>/dev/null; then
  echo "setup: npm ci in $tests" >&2
  (cd "$tests" && npm ci --ignore-scripts --no-audit --no-fund >&2)
  cp "$tests/package-lock.json" "$tests/node_modules/.toets-installed-lock"
fi

cmake --preset release >&2
cmake --build --preset release -j "$(nproc)" >&2
