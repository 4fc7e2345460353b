#!/usr/bin/env bash
# Writes the reports that the standards tests check (docs/reports.md, "Validated"): every golden
# fixture (fixtures/*/golden.txt, at each of its as-of dates) as JUnit and JSON (English, and with
# --lang nl), and as HTML, text and Markdown in Dutch and English; a check with error groups
# (tests/standards/error-group.toets) in the same formats; the example plan run twice (June and
# November) through a store, and again with --lang en and --lang nl; and one fixture checked twice
# with --db, so that JSON has a run, history and changes.
#
# Usage: tools/report-samples.sh [--build DIR] OUT
# OUT is emptied first. Files: OUT/NAME.{junit.xml,json,nl.junit.xml,nl.json} and
# OUT/NAME.{nl,en}.{html,txt,md}, OUT/plan-AS_OF...
# Exit status: 0 written, 1 something could not be checked (toets exit 2 or no file).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/build"
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    -*) echo "usage: $0 [--build DIR] OUT" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
[[ -n "$out" ]] || { echo "usage: $0 [--build DIR] OUT" >&2; exit 2; }
toets="$build/toets"
[[ -x "$toets" ]] || { echo "report-samples: $toets not built" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"

# Runs toets: 0 (nothing breached), 1 (a breach) and 2 (a group in error, as in a fixture whose
# tables mark a value unknown) still write the report; the check at the end finds a missing one.
report() {
  local code=0
  "$toets" -q "$@" 2> "$out/.stderr" || code=$?
  if [[ $code -gt 2 ]]; then
    cat "$out/.stderr" >&2
    echo "report-samples: toets $* exited $code" >&2
    exit 1
  fi
}

count=0
for golden in "$here"/fixtures/*/golden.txt; do
  folder="$(dirname "$golden")"
  fixture="$(basename "$folder")"
  rules=""
  data=()
  dates=()
  while read -r key value _; do
    case "$key" in
      rules) rules="$here/$value" ;;
      data) data+=(--data "${value%%=*}=$folder/${value#*=}") ;;
      as_of) dates+=("$value") ;;
    esac
  done < "$golden"
  for as_of in "${dates[@]}"; do
    name="$out/$fixture-$as_of"
    report check "$rules" "${data[@]}" --as-of "$as_of" --format junit --out "$name.junit.xml"
    report check "$rules" "${data[@]}" --as-of "$as_of" --format json --out "$name.json"
    report check "$rules" "${data[@]}" --as-of "$as_of" --format junit --lang nl --out "$name.nl.junit.xml"
    report check "$rules" "${data[@]}" --as-of "$as_of" --format json --lang nl --out "$name.nl.json"
    for lang in nl en; do
      report check "$rules" "${data[@]}" --as-of "$as_of" --format html --lang "$lang" --out "$name.$lang.html"
      report check "$rules" "${data[@]}" --as-of "$as_of" --format text --lang "$lang" --out "$name.$lang.txt"
      report check "$rules" "${data[@]}" --as-of "$as_of" --format markdown --lang "$lang" --out "$name.$lang.md"
    done
    count=$((count + 1))
  done
done

# A check with error groups (a table lacks a year the data has): exit status 2, reports written.
rules="$here/tests/standards/error-group.toets"
for format in junit json junit-nl json-nl html-nl html-en text-nl text-en markdown-nl markdown-en; do
  case "$format" in
    junit) args=(--format junit --out "$out/error-group.junit.xml") ;;
    json) args=(--format json --out "$out/error-group.json") ;;
    junit-nl) args=(--format junit --lang nl --out "$out/error-group.nl.junit.xml") ;;
    json-nl) args=(--format json --lang nl --out "$out/error-group.nl.json") ;;
    html-*) args=(--format html --lang "${format#html-}" --out "$out/error-group.${format#html-}.html") ;;
    text-*) args=(--format text --lang "${format#text-}" --out "$out/error-group.${format#text-}.txt") ;;
    markdown-*) args=(--format markdown --lang "${format#markdown-}" --out "$out/error-group.${format#markdown-}.md") ;;
  esac
  code=0
  "$toets" -q check "$rules" --data "allocations=$here/fixtures/dordrecht-2026-2027/allocations.csv" \
    --as-of 2026-11-23 "${args[@]}" 2> /dev/null || code=$?
  [[ $code == 2 ]] || { echo "report-samples: the error-group check exited $code (expected 2)" >&2; exit 1; }
done

# The example plan, twice through one store: history, changes, "since" and trend charts.
plan="$here/fixtures/plan/dordrecht.plan"
store="$out/plan.db"
report run "$plan" --as-of 2026-06-30 --store "$store" --output "$out/plan" > /dev/null
report run "$plan" --as-of 2026-11-23 --store "$store" --output "$out/plan" \
  --exports "$here/fixtures/plan/exports-2026-11" > /dev/null
report run "$plan" --as-of 2026-11-23 --store "$store" --output "$out/plan-en" --lang en \
  --exports "$here/fixtures/plan/exports-2026-11" > /dev/null
report run "$plan" --as-of 2026-11-23 --store "$store" --output "$out/plan-nl" --lang nl \
  --exports "$here/fixtures/plan/exports-2026-11" > /dev/null
for as_of in 2026-06-30 2026-11-23; do
  cp "$out/plan/$as_of/report.html" "$out/plan-$as_of.nl.html"
  cp "$out/plan/$as_of/junit.xml" "$out/plan-$as_of.junit.xml"
  cp "$out/plan/$as_of/dordrecht_2026_2027.json" "$out/plan-$as_of.json"
done
cp "$out/plan-en/2026-11-23/report.html" "$out/plan-2026-11-23.en.html"
# The words of every format, both languages (tests/standards/check-words.py): the --lang runs.
for lang in nl en; do
  cp "$out/plan-$lang/2026-11-23/summary.md" "$out/plan-2026-11-23.$lang.md"
  cp "$out/plan-$lang/2026-11-23/dordrecht_2026_2027.txt" "$out/plan-2026-11-23.$lang.txt"
done
cp "$out/plan-nl/2026-11-23/junit.xml" "$out/plan-2026-11-23.nl.junit.xml"
cp "$out/plan-nl/2026-11-23/dordrecht_2026_2027.json" "$out/plan-2026-11-23.nl.json"
rm -rf "$out/plan" "$out/plan-en" "$out/plan-nl" "$store"*

# A check recorded with --db, twice: JSON with run, previous_run, history and changes.
fixture="$here/fixtures/dordrecht-2026-2027"
"$toets" -q import --db "$out/check.db" --data "allocations=$fixture/allocations.csv" \
  --data "stock=$fixture/stock.csv" --data "mutations=$fixture/mutations.csv" > /dev/null
report check "$here/rules/dordrecht-2026-2027.toets" --db "$out/check.db" --as-of 2026-06-30 --format json \
  --out "$out/check.json"
report check "$here/rules/dordrecht-2026-2027.toets" --db "$out/check.db" --as-of 2026-11-23 --format json \
  --out "$out/db-dordrecht-2026-2027-2026-11-23.json"
rm -f "$out/check.db"* "$out/check.json"

rm -f "$out/.stderr"
expected=$((count * 10 + 10 + 13 + 1))
written=$(find "$out" -type f -size +0 | wc -l)
if [[ $written != "$expected" ]]; then
  echo "report-samples: $written reports written, expected $expected (a check that wrote no report?)" >&2
  exit 1
fi
echo "report-samples: $count fixture checks, the plan and a recorded check in $out"
