#!/usr/bin/env bash
# The national-scale benchmark (docs/performance.md), side by side in one run. It generates
# allocations, stock, mutations and projects, and measures:
#   1. the four checks of tools/bench/four-checks.toets with toets, and the same four checks by
#      hand in sqlite3, DuckDB and pandas on the same files (answers proven equal);
#   2. the shipped rule sets as they are: rules/national.toets and each agreement's rule file;
#   3. 200 and 1,000 generated rules like Dordrecht 2026-2027 F (tools/bench/generate_rules.py):
#      toets check on the CSV against the same queries in DuckDB on a loaded table (answers
#      proven equal, rule by rule and group by group); the 200 also over the same lets in the
#      forms of an export (tools/bench/export_forms.py), answers proven equal to the canonical run;
#      and 200 rules of each of six other shapes (tools/bench/generate_shapes.py: other filters,
#      groupings and measures) against the same queries in DuckDB, answers proven equal;
#   4. toets check --db STORE against the same check from CSV, and toets import of the
#      allocations against the sqlite3 shell's .import of the same CSV;
# and prints tables with wall time, CPU time, peak memory and ratios, and every target met or
# missed.
#
#   tools/benchmark.sh [--large] [--allocations 1m] [--stock 2m] [--seed 1] [--runs 5]
#                      [--data DIR] [--rev REV] [--toets-only] [--no-install] [--strict]
#
#   --large        10M allocations + 20M stock rows (the default is 1M + 2M)
#   --rev REV      build the engine of a commit (git archive REV, built in build-bench/rev-SHA)
#                  instead of the working tree: other work in progress cannot break or skew it
#   --toets-only   only the engine (the others take minutes and much memory at 10M + 20M)
#   --no-install   do not apt-get/npm install anything; skip the tools that are missing
#   --strict       exit 1 when a target is missed (always exit 1 when answers differ)
#
# Installs what it needs when missing (Debian 12, as root): the build dependencies, sqlite3,
# python3-pandas, nodejs and npm, and @duckdb/node-api into tools/bench/node_modules (git-ignored).
# Builds into build-bench/ (Release, -O2 as the release preset). Data goes to /tmp/toets-bench
# (never into the repository), generated once per size and seed. Each measurement runs --runs
# times; the tables show the fastest run (wall) and its CPU time; peak memory is the largest of
# the runs. The machine's load average is printed: numbers taken on a busy machine are not numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

allocations=1m
stock=2m
mutations=20k
projects=2k
seed=1
runs=5
data_root=/tmp/toets-bench
toets_only=0
install=1
strict=0
rev=""
while [ $# -gt 0 ]; do
  case "$1" in
    --large) allocations=10m; stock=20m; shift ;;
    --allocations) allocations=$2; shift 2 ;;
    --stock) stock=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --data) data_root=$2; shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    --toets-only) toets_only=1; shift ;;
    --no-install) install=0; shift ;;
    --strict) strict=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
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
data=$data_root/a$allocations-s$stock-m$mutations-p$projects-seed$seed
if [ ! -f "$data/.complete" ] || [ "$bin/toets-generate" -nt "$data/.complete" ]; then
  log "generating $allocations allocations + $stock stock rows + $mutations mutations + $projects projects (seed $seed) into $data"
  rm -rf "$data"
  mkdir -p "$data"
  "$bin/toets-generate" --seed "$seed" --allocations "$allocations" --stock "$stock" --mutations "$mutations" \
    --projects "$projects" --out "$data"
  touch "$data/.complete"
fi
count_rows() { echo $(($(wc -l < "$1") - 1)); }
alloc_rows=$(count_rows "$data/allocations.csv")
stock_rows=$(count_rows "$data/stock.csv")
input_bytes=$(($(stat -c %s "$data/allocations.csv") + $(stat -c %s "$data/stock.csv")))
out=$data/results
rm -rf "$out"
mkdir -p "$out"
# The generated rules: cheap to write, so written afresh (the generator may have changed).
for n in 200 1000; do
  python3 tools/bench/generate_rules.py "$n" "$out/rules-$n.toets" "$out/rules-$n.sql"
done

# ---- how a measurement runs --------------------------------------------------------------------
# run NAME COMMAND...: runs it $runs times under /usr/bin/time; keeps stdout and stderr of the
# last run in $out/NAME.out and .err; records the best wall time, its CPU time and the largest
# peak RSS (KiB). `toets check` exits 1 when a rule is breached: that is an answer, not a failure.
# The wall time is taken around /usr/bin/time to the millisecond (its own %e has hundredths: a
# 0.176 s check read 0.18, a ratio of 16.2x where it is 16.6x); it includes starting
# /usr/bin/time itself, a millisecond against the tool measured, never for it.
declare -A wall cpu peak
run() {
  local name=$1
  shift
  local best="" best_cpu="" max_kb=0 allowed=0
  case "$name" in toets-import) ;; toets*) allowed=1 ;; esac
  for ((i = 1; i <= runs; i++)); do
    local rc=0 started ended
    started=${EPOCHREALTIME/,/.}  # a comma in a locale with a decimal comma
    /usr/bin/time -f "%U %S %M" -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err" || rc=$?
    ended=${EPOCHREALTIME/,/.}
    if [ "$rc" -gt "$allowed" ]; then
      log "$name failed (exit $rc):"
      tail -5 "$out/$name.err" >&2
      return 1
    fi
    local e u s kb c
    read -r u s kb < <(tail -1 "$out/$name.time")
    e=$(awk "BEGIN { printf \"%.3f\", $ended - $started }")
    c=$(calc "$u + $s")
    if [ -z "$best" ] || holds "$e < $best"; then best=$e; best_cpu=$c; fi
    ((kb > max_kb)) && max_kb=$kb
  done
  wall[$name]=$best
  cpu[$name]=$best_cpu
  peak[$name]=$max_kb
  log "$name: best wall $best s (CPU $best_cpu s), peak $((max_kb / 1024)) MiB"
}
# once NAME COMMAND...: run, one time (for a tool that repeats its own work inside).
once() {
  local saved=$runs
  runs=1
  run "$@" || { runs=$saved; return 1; }
  runs=$saved
}
have_duckdb() { command -v node >/dev/null && [ -d tools/bench/node_modules/@duckdb/node-api ]; }
as_of=2026-12-31
check=("$bin/toets" -q check)     # every check here: ... RULES DATA "${json[@]}" --out REPORT
json=(--as-of "$as_of" --format json)
csv_data=(--data allocations="$data/allocations.csv" --data stock="$data/stock.csv")
all_data=("${csv_data[@]}" --data mutations="$data/mutations.csv" --data projects="$data/projects.csv")

# The files once through the page cache, so that no tool's first run reads them from disk (this
# machine's page cache is small and gives files back soon: a cold first run was seen to take 10 s).
cat "$data"/*.csv > /dev/null

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $load_before"
equal=1
answers=()
# same NAME_A A NAME_B B: compares two files of canonical lines, notes the verdict.
same() {
  if python3 tools/bench/compare.py diff "$1" "$2" "$3" "$4" > "$out/$3.diff"; then
    answers+=("$(cat "$out/$3.diff")")
  else
    equal=0
    answers+=("$3: DIFFERENT from $1 (see $out/$3.diff)")
  fi
}

# ---- 1. the four checks, side by side ----------------------------------------------------------
run toets "${check[@]}" tools/bench/four-checks.toets "${csv_data[@]}" "${json[@]}" --out "$out/toets.json"
python3 tools/bench/compare.py lines "$out/toets.json" > "$out/toets.lines"
others=()
if [ "$toets_only" = 0 ]; then
  if command -v sqlite3 >/dev/null; then
    run sqlite3 bash -c "cd '$data' && sqlite3 :memory: < '$root/tools/bench/sql/four-checks.sql'" && others+=(sqlite3)
  else log "sqlite3 missing: skipped"; fi
  if have_duckdb; then
    run duckdb node tools/bench/four-checks-duckdb.mjs "$data" && others+=(duckdb)
  else log "DuckDB (node, @duckdb/node-api) missing: skipped"; fi
  if /usr/bin/python3 -c "import pandas" 2>/dev/null; then
    run pandas /usr/bin/python3 tools/bench/four_checks_pandas.py "$data" && others+=(pandas)
  else log "pandas (python3-pandas) missing: skipped"; fi
fi
for tool in "${others[@]}"; do same toets "$out/toets.lines" "$tool" "$out/$tool.out"; done

# ---- 2. the shipped rule sets ------------------------------------------------------------------
shipped=()
for file in rules/*.toets; do
  name=shipped-$(basename "$file" .toets)
  run "toets-$name" "${check[@]}" "$file" "${all_data[@]}" "${json[@]}" --out "$out/toets-$name.json" && shipped+=("$name")
done

# The shipped rule sets' answers over this data against the SQL their fixtures are proven by
# (fixtures/NAME/expected.sql, the golden tests' independent oracle), every rule it answers, group
# by group. Not timed; at 1M + 2M only (sqlite3 takes 20-40 s a rule set here, minutes at 10M).
if [ "$toets_only" = 0 ] && [ "$alloc_rows" -lt 10000000 ] && command -v sqlite3 >/dev/null; then
  sql_data=$out/fixture-sql
  mkdir -p "$sql_data"
  for f in allocations stock mutations projects; do ln -sf "$data/$f.csv" "$sql_data/$f.csv"; done
  for name in "${shipped[@]}"; do
    set_name=${name#shipped-}
    expected=fixtures/$set_name/expected.sql
    [ -f "$expected" ] || expected=$(ls fixtures/"$set_name"-*/expected.sql 2>/dev/null | head -1)
    [ -n "$expected" ] && [ -f "$expected" ] || { log "$set_name: no fixture with an expected.sql"; continue; }
    if (cd "$sql_data" && sqlite3 -cmd "CREATE TABLE settings AS SELECT '$as_of' AS as_of" :memory: < "$root/$expected") \
      > "$out/sqlite3-$name.out" 2> "$out/sqlite3-$name.err"; then
      python3 tools/bench/compare.py fixture-lines "$out/toets-$name.json" "$out/sqlite3-$name.out" > "$out/toets-$name.lines"
      same "toets-$set_name" "$out/toets-$name.lines" "sqlite3-$set_name-expected.sql" "$out/sqlite3-$name.out"
    else
      equal=0
      answers+=("$expected: sqlite3 failed (see $out/sqlite3-$name.err)")
    fi
  done
fi

# ---- 3. generated rules like Dordrecht F -------------------------------------------------------
generated=()
for n in 200 1000; do
  run "toets-rules-$n" "${check[@]}" "$out/rules-$n.toets" --data allocations="$data/allocations.csv" "${json[@]}" \
    --out "$out/toets-rules-$n.json"
  python3 tools/bench/compare.py rule-lines "$out/toets-rules-$n.json" > "$out/toets-rules-$n.lines"
  generated+=("$n")
  if [ "$toets_only" = 0 ] && have_duckdb; then
    # One process loads the table once and runs the queries $runs times (best reported).
    if once "duckdb-rules-$n" node tools/bench/rules-duckdb.mjs "$data" "$out/rules-$n.sql" "$runs"; then
      read -r duckdb_load duckdb_queries < <(sed -n 's/^duckdb-rules: load \([0-9.]*\) s, queries \([0-9.]*\) s.*/\1 \2/p' \
        "$out/duckdb-rules-$n.err")
      declare "duckdb_load_$n=$duckdb_load" "duckdb_queries_$n=$duckdb_queries"
      same "toets-rules-$n" "$out/toets-rules-$n.lines" "duckdb-rules-$n" "$out/duckdb-rules-$n.out"
    fi
  fi
done

# The 200 rules over the same lets as a corporation's system exports them (tools/bench/
# export_forms.py: ';', CRLF, 31-03-2026, 1.234,56, a euro sign in every fourth rent, ja/nee): the
# loader on an export, not only on the canonical form. The answers must be the canonical run's.
# At 1M only (the conversion is Python's, a minute at 10M).
if [ "$alloc_rows" -lt 10000000 ]; then
  export_file=$data/allocations-export.csv
  if [ ! -f "$export_file" ] || [ tools/bench/export_forms.py -nt "$export_file" ]; then
    python3 tools/bench/export_forms.py "$data/allocations.csv" "$export_file"
  fi
  if run toets-rules-200-export "${check[@]}" "$out/rules-200.toets" --data allocations="$export_file" "${json[@]}" \
    --out "$out/toets-rules-200-export.json"; then
    python3 tools/bench/compare.py rule-lines "$out/toets-rules-200-export.json" > "$out/toets-rules-200-export.lines"
    same toets-rules-200 "$out/toets-rules-200.lines" toets-rules-200-export "$out/toets-rules-200-export.lines"
  fi
fi

# Other rule shapes (tools/bench/generate_shapes.py): filters on other columns, other groupings and
# measures, 200 rules each, against the same queries in DuckDB. The generated rules above are one
# shape; a rule set met in the field may be another. At 1M only (DuckDB's queries: minutes at 10M).
shapes=()
declare -A shape_listed shape_duckdb
if [ "$alloc_rows" -lt 10000000 ]; then
  for shape in $(python3 tools/bench/generate_shapes.py --list); do
    python3 tools/bench/generate_shapes.py "$shape" 200 "$out/shape-$shape.toets" "$out/shape-$shape.sql"
    run "toets-shape-$shape" "${check[@]}" "$out/shape-$shape.toets" --data allocations="$data/allocations.csv" \
      "${json[@]}" --out "$out/toets-shape-$shape.json" || continue
    python3 tools/bench/compare.py rule-lines "$out/toets-shape-$shape.json" > "$out/toets-shape-$shape.lines"
    shape_listed[$shape]=$(python3 tools/bench/compare.py listed "$out/toets-shape-$shape.json")
    shapes+=("$shape")
    if [ "$toets_only" = 0 ] && have_duckdb &&
      once "duckdb-shape-$shape" node tools/bench/rules-duckdb.mjs "$data" "$out/shape-$shape.sql" "$runs"; then
      shape_duckdb[$shape]=$(sed -n 's/^duckdb-rules: load [0-9.]* s, queries \([0-9.]*\) s.*/\1/p' \
        "$out/duckdb-shape-$shape.err")
      same "toets-shape-$shape" "$out/toets-shape-$shape.lines" "duckdb-shape-$shape" "$out/duckdb-shape-$shape.out"
    fi
  done
fi

# The 1,000 rules in the other report formats, once each: the 400 MiB bound holds for whatever
# report a user asks for (every writer streams; JUnit and HTML once held the whole report).
report_formats=()
for format in text html junit markdown; do
  once "toets-rules-1000-$format" "$bin/toets" -q check "$out/rules-1000.toets" \
    --data allocations="$data/allocations.csv" --as-of "$as_of" --format "$format" --out "$out/toets-rules-1000.$format" &&
    report_formats+=("$format")
done

# ---- 4. the store: check from it, import into it -----------------------------------------------
# The store holds the files of the four checks; the check does not record its run (--no-record),
# so every run reads the same store and only reading is measured.
rm -f "$out/store.db"
"$bin/toets" -q import --db "$out/store.db" "${csv_data[@]}" > "$out/store-setup.out"
run toets-store "${check[@]}" tools/bench/four-checks.toets --db "$out/store.db" --no-record "${json[@]}" \
  --out "$out/toets-store.json"
python3 tools/bench/compare.py lines "$out/toets-store.json" > "$out/toets-store.lines"
same toets "$out/toets.lines" toets-store "$out/toets-store.lines"
# Importing the same file twice adds nothing: each run imports into a new store (and sqlite3
# into a new database file), on the same file system.
run toets-import bash -c "rm -f '$out/import.db' && '$bin/toets' -q import --db '$out/import.db' \
  --data allocations='$data/allocations.csv'"
if [ "$toets_only" = 0 ] && command -v sqlite3 >/dev/null; then
  run sqlite3-import bash -c "rm -f '$out/sqlite-import.db' && cd '$data' && \
    sqlite3 '$out/sqlite-import.db' < '$root/tools/bench/sql/import-allocations.sql'"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- phases of the engine ----------------------------------------------------------------------
"$bin/toets-bench-phases" tools/bench/four-checks.toets "${csv_data[@]}" --as-of "$as_of" > "$out/phases.txt"

# ---- tables ------------------------------------------------------------------------------------
mib() { echo $(($1 / 1024)); }                                   # KiB -> MiB
ratio() { awk "BEGIN { printf \"%.1f\", $1 / ($2 > 0 ? $2 : 0.01) }"; }   # ratio A B: A / B
row() { printf "| %-44s | %8s | %8s | %8s | %10s |\n" "$@"; }
measured() { [ -n "${wall[$1]:-}" ]; }
rules_in() { python3 -c 'import json, sys; print(len({(r["ruleset"], r["rule"]) for r in json.load(open(sys.argv[1]))["results"]}))' "$1"; }
# target TEXT MEASURED OK: OK is 1 (met), 0 (missed) or empty (not measured).
targets=()
missed=0
target() {
  case "$3" in
    1) targets+=("  met     $1: $2") ;;
    0) targets+=("  MISSED  $1: $2"); missed=1 ;;
    *) targets+=("  -       $1: not measured") ;;
  esac
}
verdict() { if holds "$1"; then echo 1; else echo 0; fi; }

large=$((alloc_rows >= 10000000 ? 1 : 0))
if [ "$large" = 0 ]; then
  target "four checks in at most 0.5 s wall (1M + 2M)" "${wall[toets]} s" "$(verdict "${wall[toets]} <= 0.5")"
fi
target "four checks within the input size in memory" "$(mib "${peak[toets]}") MiB of $((input_bytes / 1048576)) MiB" \
  "$(verdict "${peak[toets]} * 1024 <= $input_bytes")"
if measured sqlite3; then
  target "four checks at least 20x faster than sqlite3 import + query" "$(ratio "${wall[sqlite3]}" "${wall[toets]}")x" \
    "$(verdict "${wall[sqlite3]} >= 20 * ${wall[toets]}")"
else target "four checks at least 20x faster than sqlite3 import + query" "" ""; fi
if [ -n "${duckdb_queries_200:-}" ]; then
  target "200 generated rules at least 20x faster than DuckDB's queries" \
    "$(ratio "$duckdb_queries_200" "${wall[toets-rules-200]}")x" "$(verdict "$duckdb_queries_200 >= 20 * ${wall[toets-rules-200]}")"
else target "200 generated rules at least 20x faster than DuckDB's queries" "" ""; fi
formats_peak=${peak[toets-rules-1000]}
formats_seen="json $(mib "${peak[toets-rules-1000]}")"
for format in "${report_formats[@]}"; do
  formats_seen+=", $format $(mib "${peak[toets-rules-1000-$format]}")"
  ((peak[toets-rules-1000-$format] > formats_peak)) && formats_peak=${peak[toets-rules-1000-$format]}
done
if [ "$large" = 0 ]; then
  # The bound is issue 18's for 1M allocations; at 10M the data alone is larger.
  target "1,000 generated rules within 400 MiB (1M)" "$(mib "${peak[toets-rules-1000]}") MiB" \
    "$(verdict "${peak[toets-rules-1000]} <= 400 * 1024")"
  target "1,000 generated rules within 400 MiB in every report format (1M)" "$formats_seen MiB" \
    "$(verdict "$formats_peak <= 400 * 1024")"
else
  targets+=("  (1,000 generated rules, peak by report format: $formats_seen MiB; the 400 MiB is for 1M)")
fi
if measured duckdb && measured toets-shipped-national && [ "$large" = 0 ]; then
  target "national.toets at least 6x faster than DuckDB's four checks (1M + 2M)" \
    "$(ratio "${wall[duckdb]}" "${wall[toets-shipped-national]}")x" \
    "$(verdict "${wall[duckdb]} >= 6 * ${wall[toets-shipped-national]}")"
fi
target "check from the store at most 1.5x the check from CSV" "$(ratio "${wall[toets-store]}" "${wall[toets]}")x" \
  "$(verdict "${wall[toets-store]} <= 1.5 * ${wall[toets]}")"
if measured sqlite3-import; then
  target "toets import at most 1.0x sqlite3 .import" "$(ratio "${wall[toets-import]}" "${wall[sqlite3-import]}")x" \
    "$(verdict "${wall[toets-import]} <= ${wall[sqlite3-import]}")"
else target "toets import at most 1.0x sqlite3 .import" "" ""; fi

describe() {
  case "$1" in
    toets) echo "toets: four checks (+3 national rules)" ;;
    sqlite3) echo "sqlite3 CLI: .import + SQL" ;;
    duckdb) echo "DuckDB (node): read_csv + SQL" ;;
    pandas) echo "pandas: read_csv + groupby" ;;
  esac
}
{
  echo "Benchmark: $alloc_rows allocations + $stock_rows stock rows ($((input_bytes / 1000000)) MB of CSV)," \
    "$(count_rows "$data/mutations.csv") mutations, $(count_rows "$data/projects.csv") projects; seed $seed"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); load average before $load_before, after $load_after"
  echo "$engine_version; best of $runs runs; peak memory in MiB (2^20 bytes)"
  echo
  echo "1. The four checks (tools/bench/four-checks.toets), allocations + stock"
  echo
  row "tool" "wall s" "CPU s" "peak MiB" "vs toets"
  row "---" "---:" "---:" "---:" "---:"
  for tool in toets "${others[@]}"; do
    row "$(describe "$tool")" "${wall[$tool]}" "${cpu[$tool]}" "$(mib "${peak[$tool]}")" "$(ratio "${wall[$tool]}" "${wall[toets]}")x"
  done
  echo
  echo "2. The shipped rule sets (rules/), each with its imports, over all four files"
  echo
  row "rule set" "wall s" "CPU s" "peak MiB" "rules"
  row "---" "---:" "---:" "---:" "---:"
  for name in "${shipped[@]}"; do
    row "${name#shipped-}.toets" "${wall[toets-$name]}" "${cpu[toets-$name]}" "$(mib "${peak[toets-$name]}")" \
      "$(rules_in "$out/toets-$name.json")"
  done
  if measured duckdb && measured toets-shipped-national; then
    echo "national.toets: $(ratio "${wall[duckdb]}" "${wall[toets-shipped-national]}")x faster than DuckDB's four checks (table 1)"
  fi
  echo
  echo "3. Generated rules like Dordrecht 2026-2027 F (tools/bench/generate_rules.py), allocations only"
  echo
  printf "| %-6s | %10s | %10s | %10s | %11s | %11s | %11s | %13s |\n" "rules" "toets s" "toets CPU s" "toets MiB" \
    "DuckDB load" "DuckDB SQL s" "DuckDB MiB" "DuckDB ÷ toets"
  printf "| %-6s | %10s | %10s | %10s | %11s | %11s | %11s | %13s |\n" "---:" "---:" "---:" "---:" "---:" "---:" "---:" "---:"
  for n in "${generated[@]}"; do
    load_var=duckdb_load_$n queries_var=duckdb_queries_$n
    if [ -n "${!queries_var:-}" ]; then
      printf "| %6s | %10s | %10s | %10s | %11s | %11s | %11s | %13s |\n" "$n" "${wall[toets-rules-$n]}" \
        "${cpu[toets-rules-$n]}" "$(mib "${peak[toets-rules-$n]}")" "${!load_var}" "${!queries_var}" \
        "$(mib "${peak[duckdb-rules-$n]}")" "$(ratio "${!queries_var}" "${wall[toets-rules-$n]}")x"
    else
      printf "| %6s | %10s | %10s | %10s | %11s | %11s | %11s | %13s |\n" "$n" "${wall[toets-rules-$n]}" \
        "${cpu[toets-rules-$n]}" "$(mib "${peak[toets-rules-$n]}")" "-" "-" "-" "-"
    fi
  done
  echo "(toets: check of the CSV, loading included; DuckDB: the queries on the loaded table, best of $runs; its load apart)"
  if measured toets-rules-200-export; then
    echo "200 rules over the same lets in export forms (tools/bench/export_forms.py): ${wall[toets-rules-200-export]} s," \
      "CPU ${cpu[toets-rules-200-export]} s, $(mib "${peak[toets-rules-200-export]}") MiB:" \
      "$(ratio "${wall[toets-rules-200-export]}" "${wall[toets-rules-200]}")x the canonical file's time"
  fi
  if [ ${#shapes[@]} -gt 0 ]; then
    echo
    echo "3b. Other rule shapes (tools/bench/generate_shapes.py), 200 rules each, allocations only"
    echo
    printf "| %-15s | %8s | %11s | %8s | %9s | %12s | %14s |\n" "shape" "results" "ids listed" "toets s" \
      "toets MiB" "DuckDB SQL s" "DuckDB ÷ toets"
    printf "| %-15s | %8s | %11s | %8s | %9s | %12s | %14s |\n" "---" "---:" "---:" "---:" "---:" "---:" "---:"
    for shape in "${shapes[@]}"; do
      read -r results ids <<< "${shape_listed[$shape]}"
      duck=${shape_duckdb[$shape]:-}
      printf "| %-15s | %8s | %11s | %8s | %9s | %12s | %14s |\n" "$shape" "$results" "$ids" \
        "${wall[toets-shape-$shape]}" "$(mib "${peak[toets-shape-$shape]}")" "${duck:--}" \
        "$([ -n "$duck" ] && echo "$(ratio "$duck" "${wall[toets-shape-$shape]}")x" || echo -)"
    done
    echo "(the JSON report lists every record behind each signal and breach: its ids are most of the time where they run to millions)"
  fi
  echo
  echo "4. The store"
  echo
  row "what" "wall s" "CPU s" "peak MiB" "ratio"
  row "---" "---:" "---:" "---:" "---:"
  row "toets check --db (four checks, --no-record)" "${wall[toets-store]}" "${cpu[toets-store]}" \
    "$(mib "${peak[toets-store]}")" "$(ratio "${wall[toets-store]}" "${wall[toets]}")x CSV"
  row "toets check from CSV (table 1)" "${wall[toets]}" "${cpu[toets]}" "$(mib "${peak[toets]}")" "1.0x"
  if measured sqlite3-import; then
    row "toets import (allocations, new store)" "${wall[toets-import]}" "${cpu[toets-import]}" \
      "$(mib "${peak[toets-import]}")" "$(ratio "${wall[toets-import]}" "${wall[sqlite3-import]}")x sqlite3"
    row "sqlite3 .import (allocations, new file)" "${wall[sqlite3-import]}" "${cpu[sqlite3-import]}" \
      "$(mib "${peak[sqlite3-import]}")" "1.0x"
  else
    row "toets import (allocations, new store)" "${wall[toets-import]}" "${cpu[toets-import]}" "$(mib "${peak[toets-import]}")" "-"
  fi
  echo
  echo "Targets:"
  for line in "${targets[@]}"; do echo "$line"; done
  echo
  echo "Answers, group by group:"
  if [ ${#answers[@]} -eq 0 ]; then echo "  (nothing to compare)"; fi
  for line in "${answers[@]}"; do echo "  $line"; done
  for tool in "${others[@]}"; do sed -n 's/^\(duckdb\|pandas\): /  '"$tool"' inside: /p' "$out/$tool.err"; done
  echo
  cat "$out/phases.txt"
} | tee "$out/summary.txt"
log "results in $out (summary.txt, each tool's output and timings)"

[ "$equal" = 1 ] || exit 1
if [ "$strict" = 1 ] && [ "$missed" = 1 ]; then exit 1; fi
exit 0
