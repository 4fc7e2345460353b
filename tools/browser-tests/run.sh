#!/usr/bin/env bash
# The HTML reports in a real browser and in the W3C Nu Html Checker (docs/reports.md, "Validated").
# CTest runs `run.sh browser DIR` as report_browser and `run.sh vnu DIR` as report_html_validator,
# over the reports tools/report-samples.sh wrote into DIR.
#
#   browser  first the self-test (canary.html must fail the contrast, overflow, narrow-cell and
#            focus checks), then check-report.js over every DIR/*.html: axe-core (wcag2a, wcag2aa,
#            wcag21aa) as loaded and with every <details> open, keyboard focus, no sideways
#            scrolling or squeezed cells at 1100, 768 and 420 pixels, A4 print; headless Chromium
#            (Debian's /usr/bin/chromium) driven by puppeteer-core. It takes the picture of the
#            example plan's November report (DIR/plan-2026-11-23.nl.html, 1100 x 1750) that the
#            README shows: into PNG when given, else DIR/report-screenshot.png.
#   vnu      the Nu Html Checker (npm vnu-jar, run with the machine's Java) over every DIR/*.html:
#            no error; first it must find the error in a page that uses the CSS property
#            `paint-order`, which it does not know.
#
# Needs `npm ci` in tools/browser-tests (tools/setup.sh does it). Never downloads a browser.
# Usage: tools/browser-tests/run.sh browser|vnu DIR [PNG]
#   To renew the README's picture: tools/browser-tests/run.sh browser build/report-samples docs/report-screenshot.png
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-}"
samples="${2:-}"
shot="${3:-$samples/report-screenshot.png}"
[[ -n "$mode" && -d "$samples" ]] || { echo "usage: $0 browser|vnu DIR [PNG]" >&2; exit 2; }
[[ -d "$here/node_modules/puppeteer-core" && -d "$here/node_modules/axe-core" && -d "$here/node_modules/vnu-jar" ]] || {
  echo "browser-tests: the node packages are not installed: cd tools/browser-tests && npm ci --ignore-scripts (tools/setup.sh does it)" >&2
  exit 1
}
shopt -s nullglob
reports=("$samples"/*.html)
[[ ${#reports[@]} -ge 6 ]] || { echo "browser-tests: only ${#reports[@]} HTML reports in $samples" >&2; exit 1; }

case "$mode" in
  browser)
    chromium="${CHROMIUM:-/usr/bin/chromium}"
    [[ -x "$chromium" ]] || { echo "browser-tests: $chromium is missing (apt-get install chromium)" >&2; exit 1; }
    start=$(date +%s)
    node "$here/check-report.js" --chromium "$chromium" --expect-failures "$here/canary.html"
    # The plan's November report first: the README's picture is taken of it in the same run.
    first="$samples/plan-2026-11-23.nl.html"
    [[ -f "$first" ]] || { echo "browser-tests: $first is missing (tools/report-samples.sh writes it)" >&2; exit 1; }
    others=()
    for report in "${reports[@]}"; do [[ "$report" == "$first" ]] || others+=("$report"); done
    rm -f "$shot"
    node "$here/check-report.js" --chromium "$chromium" --screenshot "$shot" "$first" "${others[@]}"
    [[ -s "$shot" ]] || { echo "browser-tests: FAIL: no screenshot in $shot" >&2; exit 1; }
    echo "browser-tests: ${#reports[@]} reports in $(( $(date +%s) - start ))s"
    ;;
  vnu)
    command -v java > /dev/null || { echo "browser-tests: java is missing (apt-get install default-jre-headless)" >&2; exit 1; }
    jar="$here/node_modules/vnu-jar/build/dist/vnu.jar"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    printf '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>t</title><style>svg .halo{paint-order:stroke}</style></head><body><p>t</p></body></html>\n' \
      > "$work/paint-order.html"
    if java -jar "$jar" --errors-only "$work/paint-order.html" 2> /dev/null; then
      echo "browser-tests: FAIL: the Nu Html Checker found no error in a page with paint-order" >&2
      exit 1
    fi
    if ! java -jar "$jar" --errors-only --format gnu "${reports[@]}"; then
      echo "browser-tests: FAIL: the Nu Html Checker found errors (above)" >&2
      exit 1
    fi
    echo "browser-tests: the Nu Html Checker finds no error in ${#reports[@]} reports"
    ;;
  *) echo "usage: $0 browser|vnu DIR [PNG]" >&2; exit 2 ;;
esac
