#!/usr/bin/env bash
# CTest: the generator is deterministic, and the engine's answers to the four benchmark checks
# equal those of the hand-written SQL (sqlite3), on a small generated data set.
#   equality-test.sh TOETS_GENERATE TOETS
# Needs sqlite3 and python3 (tools/setup.sh installs sqlite3).
set -euo pipefail
generate=$1
toets=$2
bench=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Small enough to take well under a second; big enough for every status of every check.
sizes=(--seed 7 --allocations 20k --stock 30k --mutations 1k --projects 100)
"$generate" "${sizes[@]}" --out "$work/a"
"$generate" "${sizes[@]}" --out "$work/b"
for f in allocations stock mutations projects; do
  cmp "$work/a/$f.csv" "$work/b/$f.csv" || { echo "FAIL: $f.csv differs between two runs with the same seed"; exit 1; }
done
"$generate" --seed 8 --allocations 2k --stock 0 --mutations 0 --projects 0 --out "$work/c"
if cmp -s "$work/a/allocations.csv" "$work/c/allocations.csv"; then
  echo "FAIL: another seed gave the same allocations"; exit 1
fi
echo "generator: same seed, same bytes ($(cat "$work"/a/*.csv | wc -c) bytes)"

status=0
"$toets" -q check "$bench/four-checks.toets" --data allocations="$work/a/allocations.csv" \
  --data stock="$work/a/stock.csv" --as-of 2026-12-31 --format json --out "$work/engine.json" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  echo "FAIL: toets check exited $status"; exit 1
fi
python3 "$bench/compare.py" lines "$work/engine.json" > "$work/engine.txt"
(cd "$work/a" && sqlite3 :memory: < "$bench/sql/four-checks.sql") > "$work/sqlite.txt"
python3 "$bench/compare.py" diff toets "$work/engine.txt" sqlite3 "$work/sqlite.txt"
