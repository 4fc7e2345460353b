#!/usr/bin/env bash
# CTest: toets-generate still writes the very bytes it wrote before it was split into one file per
# data set and moved onto CLI11 (issue 13). The hashes below are the sha256sum of the files that the
# single-file generator (tools/generate.cpp at commit 4e76b1482d5f) wrote for these arguments,
# built with the release preset (g++ 12). If the data is changed on purpose, regenerate them with
# the new binary and say so in the commit.
#   generate-golden-test.sh TOETS_GENERATE
set -euo pipefail
generate=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
check() {  # check NAME EXPECTED-HASHES... -- ARGUMENTS...
  local name=$1; shift
  local -a expected=()
  while [ "$1" != "--" ]; do expected+=("$1"); shift; done
  shift
  "$generate" "$@" --out "$work/$name"
  local i=0
  for f in allocations mutations projects stock; do
    local got
    got=$(sha256sum "$work/$name/$f.csv" | cut -d' ' -f1)
    if [ "$got" != "${expected[$i]}" ]; then
      echo "FAIL: $name/$f.csv ($*) has sha256 $got, expected ${expected[$i]}"
      status=1
    fi
    i=$((i + 1))
  done
}

# 21,000 lets: the schedules of Wonen Eerst and the starters are written too; 2024 AOW lets of 2+.
check schedules \
  c13a981e3ce3e74cf1a23e17bc116246ef4c800fad7aeb0b3cee1508e818bb24 \
  0506bb98b32c6500a5a2e1354f684a9ecf075aa86e1f9eb8186984f6fd63b596 \
  f89ff00f8da3b0b6ef359ad57c1b2f2fe66f0fe41d9dd345463f45bb968f2578 \
  2345ba088a192caa513eb4bc3badbcd83085a7581286d83d311c4ee3aa738cbf \
  -- --seed 3 --allocations 21000 --stock 12000 --mutations 100 --projects 50 --include-unknown-2024
# Fewer rows than the edge lets and the mutation schedules: counts smaller than the fixed parts.
check tiny \
  2f06bb3978da35e52d79c51b49efdb30366adca4f26c35a51e2d6eac3589faa8 \
  082d54250fc9672be57171aec09583cc98c7bdf9807f5107d99301be0db1e8ba \
  402ba79a56db345b337f3db838e3a6b157e7b1bba8e597d6b0160cea254dea4b \
  ff1192e204503fa9a1fbe998c5269bc0f77ff123f6146f86653a915d6fabdc25 \
  -- --seed 5 --allocations 5 --stock 7 --mutations 1 --projects 1
# Counts with k and K, a large seed.
check suffixes \
  142f8dfb5477821d209c3a76a44938c636db57453da37d552ee3f2127b084ca0 \
  7357a08748beab598637ae7f193aa9775d77a25cdd893ce3172cdf1b03798588 \
  8354bf5acbc15e4f32f4c8196007c7087c3661babb70e6d4a350d0b5335cab7b \
  b3716ddd80dd21d9cda0b080af3dfd54afefc2beb66a1932f83df336f98be91a \
  -- --seed 123456789 --allocations 1k --stock 2K --mutations 1k --projects 1k

# Bad arguments: a message and exit status 2, no files.
for bad in "--seed x" "--allocations 3g" "--stock 3000000000" "--projects -1" "--unknown" "stray"; do
  set +e
  # shellcheck disable=SC2086
  message=$("$generate" $bad --out "$work/bad" 2>&1)
  code=$?
  set -e
  if [ "$code" -ne 2 ] || [ -z "$message" ] || [ -e "$work/bad" ]; then
    echo "FAIL: toets-generate $bad exited $code (expected 2 with a message and no output): $message"
    status=1
  fi
done

[ "$status" -eq 0 ] && echo "generator: the same bytes as the single-file generator for 3 argument sets"
exit "$status"
