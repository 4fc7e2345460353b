#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, AddressSanitizer, UndefinedBehaviorSanitizer; the
# `fuzz` preset, into build-fuzz/) and runs each for a given time, then prints a summary.
#
#   tools/fuzz.sh [SECONDS] [TARGET...]     default: 60 seconds each, every target
#   FUZZ_JOBS=2 tools/fuzz.sh 600           two fuzzing processes per target
#   FUZZ_NO_BUILD=1 tools/fuzz.sh 60        run what build-fuzz/ has, without building first
#
# Seed corpora are made fresh from fixtures/, tests/, rules/ and fuzz/seeds/; what a run adds to
# them stays in build-fuzz/corpus/ for the next run. A crash, hang (a single input running longer
# than FUZZ_TIMEOUT seconds, default 10), out-of-memory (over 2 GB) or sanitizer report leaves its
# input in build-fuzz/artifacts/TARGET/ and makes this script exit 1. Such an input becomes a
# regression test (tests/hostile/ and fuzz/regressions/TARGET/) before the bug is fixed; see
# docs/robustness.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all_targets=(fuzz_rules fuzz_csv fuzz_json fuzz_mapping fuzz_ruletest fuzz_lsp fuzz_xlsx)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
jobs=${FUZZ_JOBS:-1}
timeout_per_input=${FUZZ_TIMEOUT:-10}

# What the fuzz build needs beyond tools/setup.sh: clang and its runtime (libFuzzer, sanitizers).
packages=(clang libclang-rt-14-dev g++ cmake ninja-build pkg-config libboost-dev libsqlite3-dev
          libspdlog-dev nlohmann-json3-dev libcli11-dev libssl-dev libzip-dev libexpat1-dev)
packages+=(libtomlplusplus-dev)  # the toets command links the rule-test runner (ruletest/)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc)" >&2
fi

out=build-fuzz
# Seeds: every file of the kind the target reads, from the repository. fuzz_csv's first byte
# chooses the dataset (schemas in order: allocations, stock, mutations, projects), so each CSV
# file is prefixed with the byte for its dataset.
make_seeds() {
  local target=$1 dir=$out/corpus/$1 reader=${1#fuzz_}
  mkdir -p "$dir"
  # fuzz/seeds/READER/ holds inputs in the target's own format (dialect byte included): as they are.
  for f in fuzz/seeds/"$reader"/* fuzz/regressions/"$reader"/*; do
    if [ -f "$f" ]; then cp "$f" "$dir/seed-$(echo "$f" | tr '/' '_')"; fi
  done
  case $target in
    fuzz_rules)
      find rules tests/diagnostics tests/hostile/rules -name '*.toets' -type f -size -32k 2>/dev/null |
        while read -r f; do cp "$f" "$dir/seed-$(echo "$f" | tr '/' '_')"; done ;;
    fuzz_csv|fuzz_json)
      # The first byte chooses the dataset (schemas in order: allocations, stock, mutations,
      # projects); every file is tried canonical (0x00) and with export forms and auto-detection (0x80).
      local pattern='*.csv'
      [ "$target" = fuzz_json ] && pattern='*.json*'
      find fixtures tests -name "$pattern" -type f -size -32k 2>/dev/null |
        while read -r f; do
          local schema=0
          case $f in
            *stock*) schema=1 ;; *mutation*) schema=2 ;; *project*) schema=3 ;;
          esac
          local name
          name=$(echo "$f" | tr '/' '_')
          { printf "\\x0$schema"; cat "$f"; } > "$dir/seed-$name"
          if [ "$target" = fuzz_csv ]; then { printf "\\x8$schema"; cat "$f"; } > "$dir/seed-export-$name"; fi
        done ;;
    fuzz_mapping)
      find fixtures tests docs -name '*.map' -type f -size -32k 2>/dev/null |
        while read -r f; do cp "$f" "$dir/seed-$(echo "$f" | tr '/' '_')"; done ;;
    fuzz_ruletest)
      find rules -name '*.test.toml' -type f -size -32k 2>/dev/null |
        while read -r f; do cp "$f" "$dir/seed-$(echo "$f" | tr '/' '_')"; done ;;
  esac
  # libFuzzer needs at least one input to start from.
  if [ -z "$(ls -A "$dir")" ]; then printf '\n' > "$dir/seed-empty"; fi
}

summary=()
status=0
for target in "${targets[@]}"; do
  binary=$out/fuzz/$target
  if [ ! -x "$binary" ]; then
    summary+=("$target: not built (its reader's header is missing?)")
    continue
  fi
  make_seeds "$target"
  mkdir -p "$out/artifacts/$target" "$out/logs"
  dict=()
  [ -f "fuzz/$target.dict" ] && dict=(-dict="fuzz/$target.dict")
  log=$out/logs/$target.log
  echo "fuzz: $target for ${seconds}s ($jobs job(s)); log in $log" >&2
  start=$(date +%s)
  set +e
  if [ "$jobs" -gt 1 ]; then
    "$binary" "$out/corpus/$target" "${dict[@]}" -max_total_time="$seconds" -timeout="$timeout_per_input" \
      -rss_limit_mb=2048 -max_len=65536 -jobs="$jobs" -workers="$jobs" -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/$target/" > "$log" 2>&1
    rc=$?
    cat fuzz-*.log >> "$log" 2>/dev/null; rm -f fuzz-*.log
  else
    "$binary" "$out/corpus/$target" "${dict[@]}" -max_total_time="$seconds" -timeout="$timeout_per_input" \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/$target/" > "$log" 2>&1
    rc=$?
  fi
  set -e
  elapsed=$(( $(date +%s) - start ))
  # A target that fails on its seeds prints no coverage line: grep finds nothing, which must not
  # end the script (set -e, pipefail) before the other targets and the summary.
  runs=$( (grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" || true) | awk '{s+=$2} END {print s+0}')
  coverage=$( (grep -o 'cov: [0-9]*' "$log" || true) | tail -1 | awk '{print $2}')
  corpus=$(ls "$out/corpus/$target" | wc -l)
  found=$(ls "$out/artifacts/$target" | wc -l)
  if [ $rc -ne 0 ] || [ "$found" -gt 0 ]; then
    status=1
    summary+=("$target: FOUND SOMETHING (exit $rc, $found artifact(s) in $out/artifacts/$target) after ${elapsed}s, $runs runs")
  else
    summary+=("$target: ok, ${elapsed}s, $runs runs, coverage ${coverage:-?}, corpus $corpus inputs")
  fi
done

echo
echo "fuzz summary (${seconds}s per target):"
for line in "${summary[@]}"; do echo "  $line"; done
exit $status
