#!/usr/bin/env bash
# The JUnit reports against the Jenkins xUnit plugin's schema (tests/schemas/junit-10.xsd), with
# xmllint (Debian: libxml2-utils). CTest runs it as report_junit_schema over the reports that
# tools/report-samples.sh wrote: every golden fixture, the example plan's two runs and a check with
# error groups.
#
# It also checks that the schema check can fail (a <testsuites skipped="..."> is refused, as the
# plugin refuses it), that the set is what report-samples.sh writes, and that each file keeps a
# test case per result and an <error> per error result.
#
# Usage: tests/standards/validate-junit.sh SAMPLES_DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
schema="$here/tests/schemas/junit-10.xsd"
samples="${1:?usage: $0 SAMPLES_DIR}"
command -v xmllint > /dev/null || { echo "validate-junit: xmllint is missing (apt-get install libxml2-utils)" >&2; exit 1; }
failed=0
fail() { echo "validate-junit: FAIL: $*"; failed=1; }

# 1. The check can fail: what the writer once wrote is refused.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/skipped-on-testsuites.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="toets" tests="1" failures="0" errors="0" skipped="1" time="0">
  <testsuite name="r" tests="1" failures="0" errors="0" skipped="1" time="0">
    <testcase classname="r.A" name="A all" time="0">
      <skipped message="no_data"/>
    </testcase>
  </testsuite>
</testsuites>
EOF
if xmllint --noout --schema "$schema" "$work/skipped-on-testsuites.xml" 2> /dev/null; then
  fail "the schema accepts skipped on <testsuites>: it is not the xUnit plugin's schema"
fi

# 2. Every report.
shopt -s nullglob
files=("$samples"/*.junit.xml)
[[ ${#files[@]} -ge 10 ]] || fail "only ${#files[@]} JUnit reports in $samples (tools/report-samples.sh writes 12)"
errors_seen=0
for file in "${files[@]}"; do
  name="$(basename "$file")"
  if ! output="$(xmllint --noout --schema "$schema" "$file" 2>&1)"; then
    fail "$name does not validate against junit-10.xsd:"
    echo "$output" | head -20
    continue
  fi
  # A test case per rule and group; an <error> per error result, counted in errors="".
  cases="$(grep -c '<testcase ' "$file" || true)"
  declared="$(sed -n 's/^<testsuites [^>]* tests="\([0-9]*\)".*/\1/p' "$file")"
  [[ "$cases" == "$declared" && "$cases" -gt 0 ]] || fail "$name: $cases test cases, tests=\"$declared\""
  error_elements="$(grep -c '<error ' "$file" || true)"
  error_count="$(sed -n 's/^<testsuites [^>]* errors="\([0-9]*\)".*/\1/p' "$file")"
  [[ "$error_elements" == "$error_count" ]] || fail "$name: $error_elements <error> elements, errors=\"$error_count\""
  errors_seen=$((errors_seen + error_elements))
  echo "ok   $name ($cases test cases)"
done
[[ $errors_seen -gt 0 ]] || fail "no report had an <error> test case (error-group.junit.xml should)"

if [[ $failed != 0 ]]; then exit 1; fi
echo "validate-junit: ${#files[@]} reports valid against junit-10.xsd"
