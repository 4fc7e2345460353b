#!/usr/bin/env bash
# CTest: the generator is deterministic, and the engine's answers to the four benchmark checks
# equal those of the hand-written SQL (sqlite3), on a small generated data set; so do the shipped
# rule sets' answers and their fixtures' independent SQL (fixtures/NAME/expected.sql), on the
# same generated data instead of the fixture's (as tools/benchmark.sh does at 1M + 2M).
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

# The shipped rule sets over the generated files, against the SQL their fixtures are proven by.
repo=$(cd "$bench/../.." && pwd)
for rules in "$repo"/rules/*.toets; do
  name=$(basename "$rules" .toets)
  # The fixture of a rule set has its name, or its name and the years it covers (national-2021-2026).
  expected=$repo/fixtures/$name/expected.sql
  [ -f "$expected" ] || expected=$(ls "$repo"/fixtures/"$name"-*/expected.sql 2>/dev/null | head -1)
  [ -n "$expected" ] && [ -f "$expected" ] || { echo "FAIL: $name has no fixture with an expected.sql"; exit 1; }
  status=0
  "$toets" -q check "$rules" --data allocations="$work/a/allocations.csv" --data stock="$work/a/stock.csv" \
    --data mutations="$work/a/mutations.csv" --data projects="$work/a/projects.csv" --as-of 2026-12-31 \
    --format json --out "$work/$name.json" || status=$?
  if [ "$status" -gt 2 ]; then echo "FAIL: toets check $name exited $status"; exit 1; fi
  (cd "$work/a" && sqlite3 -cmd "CREATE TABLE settings AS SELECT '2026-12-31' AS as_of" :memory: < "$expected") \
    > "$work/$name.sql.txt"
  [ -s "$work/$name.sql.txt" ] || { echo "FAIL: $name: expected.sql answered nothing"; exit 1; }
  python3 "$bench/compare.py" fixture-lines "$work/$name.json" "$work/$name.sql.txt" > "$work/$name.txt"
  python3 "$bench/compare.py" diff "toets $name" "$work/$name.txt" "sqlite3 $name" "$work/$name.sql.txt"
done
