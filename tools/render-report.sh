#!/usr/bin/env bash
# Renders the traffic-light report of the shipped example plan in headless Chromium and checks
# what a browser makes of it (docs/reports.md):
#
#   1. runs fixtures/plan/dordrecht.plan twice, over the June and the November exports, into a
#      temporary store and output folder;
#   2. opens the November report.html: no console message at all (no error, no blocked
#      resource: the file is self-contained under its own Content-Security-Policy), and the DOM
#      holds the grid, the charts and the changes;
#   3. prints it to PDF on A4 and checks the page count;
#   4. renders a report whose rule titles and data are hostile (script tags, quotes, markup) and
#      checks that the browser's DOM has no element made of them: they are text;
#   5. takes a screenshot (with --screenshot FILE: docs/report-screenshot.png is made this way).
#
# Usage: tools/render-report.sh [--build DIR] [--screenshot FILE] [--keep DIR]
# Exit status: 0 all checks pass, 1 a check failed, 77 Chromium is not installed (CTest: skipped).
# Debian: apt-get install chromium. Run as root the browser needs --no-sandbox, which it gets.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/build"
screenshot=""
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --screenshot) screenshot="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--screenshot FILE] [--keep DIR]" >&2; exit 2 ;;
  esac
done

chromium="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$chromium" ]]; then
  echo "render-report: chromium is not installed (apt-get install chromium); skipped"
  exit 77
fi
toets="$build/toets"
[[ -x "$toets" ]] || { echo "render-report: $toets not built" >&2; exit 1; }

work="$(mktemp -d)"
cleanup() { [[ -n "$keep" ]] && { mkdir -p "$keep"; cp -r "$work"/. "$keep"/; }; rm -rf "$work"; }
trap cleanup EXIT
failed=0
fail() { echo "render-report: FAIL: $*" >&2; failed=1; }

browser() {
  # No network, no first-run, no sandbox (root), a profile of its own; console messages to stderr.
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" --enable-logging=stderr --v=0 "$@"
}

# 1. The example plan, twice.
plan="$here/fixtures/plan/dordrecht.plan"
set +e
"$toets" -q run "$plan" --as-of 2026-06-30 --store "$work/monitoring.db" --output "$work/reports"
first=$?
"$toets" -q run "$plan" --as-of 2026-11-23 --store "$work/monitoring.db" --output "$work/reports" \
  --exports "$here/fixtures/plan/exports-2026-11"
second=$?
set -e
[[ $first == 1 && $second == 1 ]] || fail "toets run exited $first and $second (expected 1: breaches)"
report="$work/reports/2026-11-23/report.html"
[[ -f "$report" ]] || { fail "no $report"; exit 1; }

# 2. Opened in the browser: no console message, the DOM as expected.
browser --dump-dom "file://$report" > "$work/dom.html" 2> "$work/console.log" || fail "chromium failed on the report"
if grep -q "CONSOLE" "$work/console.log"; then
  grep "CONSOLE" "$work/console.log" >&2
  fail "the report logs to the browser console"
fi
for expected in 'Stoplichtrapportage' 'Aandacht nodig' 'Veranderd sinds de vorige meting' 'class="grid"' \
                '<svg class="plot"' 'verslechterd' 'opgelost' 'indicatief' 'Trekker'; do
  grep -qF "$expected" "$work/dom.html" || fail "the rendered report lacks: $expected"
done

# 3. On A4.
browser --no-pdf-header-footer --print-to-pdf="$work/report.pdf" "file://$report" 2>> "$work/console.log" >/dev/null ||
  fail "printing to PDF failed"
pages="$(grep -ao '/Type */Pages\?' "$work/report.pdf" | grep -vc 'Pages' || true)"
if [[ -z "$pages" || "$pages" -lt 1 || "$pages" -gt 14 ]]; then
  fail "the A4 print has $pages pages (expected 1 to 14)"
fi
grep -aq "/MediaBox \[0 0 59[45]" "$work/report.pdf" || fail "the PDF pages are not A4 (595 x 842 pt)"

# 4. Hostile titles and data stay text in the browser.
mkdir -p "$work/hostile"
cat > "$work/hostile/rules.toets" <<'EOF'
ruleset hostile {
  title "Afspraken <script>document.title='pwned'</script> \"quoted\" & 'single'"
  municipality "Dordrecht"
  valid 2026-01-01 to 2026-12-31
}
table limit(year, household_size) : money { 2026 { 1: €51537, 2+: €56910 } }
rule "<img src=x onerror=alert(1)>" "Titel <script>alert(\"t\")</script> <b>vet</b> 'q'" {
  source "Bron <iframe src=\"https://example.invalid\"></iframe>"
  owner "<a href=\"javascript:alert(1)\">trekker</a>"
  over allocations
  per corporation
  measure share(household_income > limit(year(contract_date), household_size))
  breach when measure > 15%
}
EOF
{
  echo "allocation_id,corporation,municipality,kern,neighbourhood,contract_date,dwelling_id,segment,daeb,new_build,rent,household_size,household_income,applicant_age,channel,energy_label"
  for i in 1 2 3 4 5 6; do
    echo "\"<script>alert($i)</script>\",\"<img src=x onerror=alert('c')> \"\"Co\"\"\",Dordrecht,,,2026-03-0$i,V$i,sociaal,true,false,612.35,1,6000$i.00,40,regulier,C"
  done
} > "$work/hostile/lets.csv"
set +e
"$toets" -q check "$work/hostile/rules.toets" --data "allocations=$work/hostile/lets.csv" --as-of 2026-11-23 \
  --format html --out "$work/hostile/report.html"
code=$?
set -e
[[ $code == 1 ]] || fail "the hostile check exited $code (expected 1)"
browser --dump-dom "file://$work/hostile/report.html" > "$work/hostile/dom.html" 2> "$work/hostile/console.log" ||
  fail "chromium failed on the hostile report"
grep -q "CONSOLE" "$work/hostile/console.log" && { grep "CONSOLE" "$work/hostile/console.log" >&2; fail "the hostile report logs to the console"; }
for element in '<script' '<img' '<iframe' '<a href="javascript' '<b>vet'; do
  grep -qiF "$element" "$work/hostile/dom.html" && fail "the browser made an element of hostile text: $element"
done
grep -qF '&lt;script&gt;document.title=' "$work/hostile/dom.html" || fail "the hostile title is not shown as text"
grep -qF '<title>Stoplichtrapportage' "$work/hostile/dom.html" || fail "the document title was changed"

# 5. The picture for the README.
if [[ -n "$screenshot" ]]; then
  browser --hide-scrollbars --window-size=1100,1750 --screenshot="$screenshot" "file://$report" \
    >/dev/null 2>> "$work/console.log" || fail "the screenshot failed"
  [[ -s "$screenshot" ]] || fail "no screenshot in $screenshot"
fi

if [[ $failed != 0 ]]; then exit 1; fi
echo "render-report: ok (${pages} A4 pages; no console messages; hostile text stays text)"
