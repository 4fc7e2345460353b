#!/usr/bin/env bash
# The national-scale benchmark (docs/performance.md): generates allocations and stock, runs the
# four checks of tools/bench/four-checks.toets and a municipality's rule set with toets, the same
# four checks by hand in sqlite3, DuckDB and pandas on the same files, proves the answers equal,
# and prints a table with wall time, CPU time, rows per second, peak memory and the targets.
#
#   tools/benchmark.sh [--allocations 1m] [--stock 2m] [--seed 1] [--runs 5] [--data DIR]
#                      [--rev REV] [--toets-only] [--no-install] [--strict]
#
#   --rev REV      build the engine of a commit (git archive REV, built in build-bench/rev-SHA)
#                  instead of the working tree: other work in progress cannot break or skew it
#   --toets-only   only the engine (for 10m + 20m: the others take minutes and much memory)
#   --no-install   do not apt-get/npm install anything; skip the tools that are missing
#   --strict       exit 1 when a target is missed (always exit 1 when answers differ)
#
# Installs what it needs when missing (Debian 12, as root): the build dependencies, sqlite3,
# python3-pandas, nodejs and npm, and @duckdb/node-api into tools/bench/node_modules (git-ignored).
# Builds into build-bench/ (Release, -O2 as the release preset). Data goes to /tmp/toets-bench
# (never into the repository), generated once per size and seed. Each tool runs --runs times;
# the table shows the fastest run (wall) and its CPU time; peak memory is the largest of the
# runs. The machine's load average is printed: numbers taken on a busy machine are not numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

allocations=1m
stock=2m
seed=1
runs=5
data_root=/tmp/toets-bench
toets_only=0
install=1
strict=0
rev=""
while [ $# -gt 0 ]; do
  case "$1" in
    --allocations) allocations=$2; shift 2 ;;
    --stock) stock=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --data) data_root=$2; shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    --toets-only) toets_only=1; shift ;;
    --no-install) install=0; shift ;;
    --strict) strict=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "benchmark: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "benchmark: $*" >&2; }
calc() { awk "BEGIN { print $1 }"; }          # calc "1.5 * 2"
holds() { awk "BEGIN { exit !($1) }"; }       # holds "1.5 < 2"

# ---- set-up ------------------------------------------------------------------------------------
if [ "$install" = 1 ]; then
  packages=(g++ cmake ninja-build pkg-config libboost-dev libsqlite3-dev sqlite3 libspdlog-dev
            nlohmann-json3-dev libcli11-dev libssl-dev time python3)
  [ "$toets_only" = 1 ] || packages+=(python3-pandas)
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js may come from elsewhere than Debian (its own npm included): ask for the commands.
  if [ "$toets_only" = 0 ]; then
    command -v node >/dev/null || missing+=(nodejs)
    command -v npm >/dev/null || missing+=(npm)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
  if [ "$toets_only" = 0 ] && [ ! -d tools/bench/node_modules/@duckdb/node-api ]; then
    log "installing @duckdb/node-api into tools/bench/node_modules"
    (cd tools/bench && npm install --no-audit --no-fund --no-package-lock --loglevel=error >&2)
  fi
fi

# The same flags as the release preset (CMakePresets.json): Release at -O2 (and only -O2).
if [ -n "$rev" ]; then
  sha=$(git rev-parse --short "$rev^{commit}")
  src=$root/build-bench/src-$sha
  bin=$root/build-bench/rev-$sha
  if [ ! -d "$src" ]; then
    mkdir -p "$src"
    git archive "$sha" | tar -x -C "$src"
  fi
  log "building $sha (git archive) into $bin (Release)"
  cmake -S "$src" -B "$bin" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS= -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DTOETS_BUILD_TESTS=OFF >/dev/null
  cmake --build "$bin" --target toets toets-generate toets-bench-phases -j "$(nproc)" >&2
  engine_version="toets $sha (committed)"
else
  bin=$root/build-bench
  log "building the working tree into $bin (Release)"
  cmake -S . -B "$bin" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS= -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DTOETS_BUILD_TESTS=OFF >/dev/null
  cmake --build "$bin" --target toets toets-generate toets-bench-phases -j "$(nproc)" >&2
  engine_version="toets $(git rev-parse --short HEAD)$(git diff --quiet -- engine dsl tools/toets.cpp || echo ' + uncommitted engine/dsl changes')"
fi

# ---- data --------------------------------------------------------------------------------------
data=$data_root/a$allocations-s$stock-seed$seed
if [ ! -f "$data/.complete" ] || [ "$bin/toets-generate" -nt "$data/.complete" ]; then
  log "generating $allocations allocations + $stock stock rows (seed $seed) into $data"
  rm -rf "$data"
  mkdir -p "$data"
  "$bin/toets-generate" --seed "$seed" --allocations "$allocations" --stock "$stock" --mutations 0 --projects 0 \
    --out "$data"
  touch "$data/.complete"
fi
alloc_rows=$(($(wc -l < "$data/allocations.csv") - 1))
stock_rows=$(($(wc -l < "$data/stock.csv") - 1))
rows=$((alloc_rows + stock_rows))
input_bytes=$(($(stat -c %s "$data/allocations.csv") + $(stat -c %s "$data/stock.csv")))
out=$data/results
rm -rf "$out"
mkdir -p "$out"

# ---- runs --------------------------------------------------------------------------------------
# run NAME COMMAND...: runs it $runs times under /usr/bin/time; keeps stdout of the last run in
# $out/NAME.out; records the best wall time, its CPU time and the largest peak RSS.
declare -A wall cpu peak
run() {
  local name=$1
  shift
  local best="" best_cpu="" max_kb=0
  for ((i = 1; i <= runs; i++)); do
    local rc=0
    /usr/bin/time -f "%e %U %S %M" -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err" || rc=$?
    # toets exits 1 when a rule is breached: that is an answer, not a failure.
    local allowed=0
    case "$name" in toets*) allowed=1 ;; esac
    if [ "$rc" -gt "$allowed" ]; then
      log "$name failed (exit $rc):"
      tail -5 "$out/$name.err" >&2
      return 1
    fi
    read -r e u s kb < <(tail -1 "$out/$name.time")
    local c
    c=$(calc "$u + $s")
    if [ -z "$best" ] || holds "$e < $best"; then best=$e; best_cpu=$c; fi
    ((kb > max_kb)) && max_kb=$kb
  done
  wall[$name]=$best
  cpu[$name]=$best_cpu
  peak[$name]=$max_kb
  log "$name: best wall $best s (CPU $best_cpu s), peak $((max_kb / 1024)) MB"
}

# The files once through the page cache, so that no tool's first run reads them from disk (this
# machine's page cache is small and gives files back soon: a cold first run was seen to take 10 s).
cat "$data"/*.csv > /dev/null

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $load_before"

as_of=2026-12-31
run toets "$bin/toets" -q check tools/bench/four-checks.toets --data allocations="$data/allocations.csv" \
  --data stock="$data/stock.csv" --as-of "$as_of" --format json --out "$out/toets.json"
run toets-municipality "$bin/toets" -q check rules/dordrecht-2026-2027.toets \
  --data allocations="$data/allocations.csv" --data stock="$data/stock.csv" --as-of "$as_of" --format json \
  --out "$out/toets-municipality.json"
python3 tools/bench/compare.py lines "$out/toets.json" > "$out/toets.lines"

others=()
if [ "$toets_only" = 0 ]; then
  if command -v sqlite3 >/dev/null; then
    run sqlite3 bash -c "cd '$data' && sqlite3 :memory: < '$root/tools/bench/sql/four-checks.sql'" && others+=(sqlite3)
  else log "sqlite3 missing: skipped"; fi
  if command -v node >/dev/null && [ -d tools/bench/node_modules/@duckdb/node-api ]; then
    run duckdb node tools/bench/four-checks-duckdb.mjs "$data" && others+=(duckdb)
  else log "DuckDB (node, @duckdb/node-api) missing: skipped"; fi
  if /usr/bin/python3 -c "import pandas" 2>/dev/null; then
    run pandas /usr/bin/python3 tools/bench/four_checks_pandas.py "$data" && others+=(pandas)
  else log "pandas (python3-pandas) missing: skipped"; fi
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- answers -----------------------------------------------------------------------------------
equal=1
answers=()
for tool in "${others[@]}"; do
  if python3 tools/bench/compare.py diff toets "$out/toets.lines" "$tool" "$out/$tool.out" > "$out/$tool.diff"; then
    answers+=("$tool: equal")
  else
    equal=0
    answers+=("$tool: DIFFERENT (see $out/$tool.diff)")
  fi
done

# ---- phases of the engine ----------------------------------------------------------------------
"$bin/toets-bench-phases" tools/bench/four-checks.toets --data allocations="$data/allocations.csv" \
  --data stock="$data/stock.csv" --as-of "$as_of" > "$out/phases.txt"

# ---- table -------------------------------------------------------------------------------------
mb() { echo $(( $1 * 1024 / 1000000 )); }   # KiB -> MB (10^6 bytes), as the input size
describe() {
  case "$1" in
    toets) echo "toets: four checks (+3 national rules)" ;;
    toets-municipality) echo "toets: Dordrecht 2026-2027 + national" ;;
    sqlite3) echo "sqlite3 CLI: .import + SQL" ;;
    duckdb) echo "DuckDB (node): read_csv + SQL" ;;
    pandas) echo "pandas: read_csv + groupby" ;;
  esac
}
{
  echo "Benchmark: $alloc_rows allocations + $stock_rows stock rows ($((input_bytes / 1000000)) MB of CSV), seed $seed"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); load average before $load_before, after $load_after"
  echo "$engine_version; best of $runs runs"
  echo
  printf "| %-40s | %8s | %8s | %11s | %8s | %9s |\n" "tool" "wall s" "CPU s" "rows/s" "peak MB" "vs toets"
  printf "|%s|%s|%s|%s|%s|%s|\n" "------------------------------------------" "----------" "----------" "-------------" "----------" "-----------"
  for tool in toets toets-municipality "${others[@]}"; do
    w=${wall[$tool]}
    rate=$(awk "BEGIN { printf \"%d\", $rows / ($w > 0 ? $w : 0.01) }")
    ratio=$(awk "BEGIN { printf \"%.1f\", $w / (${wall[toets]} > 0 ? ${wall[toets]} : 0.01) }")
    printf "| %-40s | %8.2f | %8.2f | %11s | %8s | %8sx |\n" "$(describe "$tool")" "$w" "${cpu[$tool]}" \
      "$(printf "%'d" "$rate")" "$(mb "${peak[$tool]}")" "$ratio"
  done
  echo
  echo "Targets (issue: 1M allocations + 2M stock rows, loading included):"
  verdict() { if [ "$1" = 1 ]; then echo PASS; else echo FAIL; fi; }
  t_wall=0; holds "${wall[toets]} <= 0.5" && t_wall=1
  t_mem=$((peak[toets] * 1024 <= input_bytes ? 1 : 0))
  echo "  $(verdict "$t_wall")  four checks in at most 0.5 s wall: ${wall[toets]} s"
  echo "  $(verdict "$t_mem")  peak memory at most the input size: $(mb "${peak[toets]}") MB of $((input_bytes / 1000000)) MB"
  t_ratio=1
  if [ -n "${wall[sqlite3]:-}" ]; then
    t_ratio=0; holds "${wall[sqlite3]} >= 20 * ${wall[toets]}" && t_ratio=1
    echo "  $(verdict "$t_ratio")  at least 20 times faster than sqlite3 import + query: $(awk "BEGIN { printf \"%.1f\", ${wall[sqlite3]} / (${wall[toets]} > 0 ? ${wall[toets]} : 0.01) }")x"
  fi
  echo
  echo "Answers of the four checks, group by group (status, numerator/denominator; series and status of the deadline check):"
  if [ ${#answers[@]} -eq 0 ]; then echo "  (no other tool ran)"; fi
  for line in "${answers[@]}"; do echo "  $line"; done
  for tool in "${others[@]}"; do sed -n 's/^\(duckdb\|pandas\): /  '"$tool"' inside: /p' "$out/$tool.err"; done
  echo
  cat "$out/phases.txt"
} | tee "$out/summary.txt"
log "results in $out (summary.txt, each tool's output and timings)"

[ "$equal" = 1 ] || exit 1
if [ "$strict" = 1 ] && { [ "$t_wall" != 1 ] || [ "$t_mem" != 1 ] || [ "$t_ratio" != 1 ]; }; then exit 1; fi
exit 0
