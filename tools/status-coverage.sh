#!/usr/bin/env bash
# Which statuses does each rule reach in the fixtures, against the statuses it can take?
#
# Runs `toets check` on every fixture with a golden.txt (fixtures/NAME/golden.txt: the rule file,
# the data files and the as-of dates, as tests/cli_test.cpp reads them) and prints, per rule of
# rules/*.toets, the statuses its groups reached inside their effective period, the ones reached
# only in groups marked outside it, and the decisive statuses it can take but no fixture reached.
#
# The statuses a rule can take follow from its text: ok always; `signal when` adds signal,
# `breach when` breach; `target ... by DATE` gives on_track and at_risk before the deadline and
# ok and breach after it (`as signal`: signal instead of breach). no_data, not_evaluated and error
# are reported when reached but not required.
#
# Usage: tools/status-coverage.sh [path/to/toets]     (default build/toets; run from anywhere)
#        --markdown   print a Markdown table (docs/rules.md, "Statuses reached by the fixtures")
# Exit status: 0 when every rule reached every status it can take, 1 when some did not.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
toets="$root/build/toets"
format=text
for argument in "$@"; do
  case "$argument" in
    --markdown) format=markdown ;;
    *) toets="$(cd "$(dirname "$argument")" && pwd)/$(basename "$argument")" ;;
  esac
done
[ -x "$toets" ] || { echo "status-coverage: no toets binary at $toets (build it first)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"

runs=0
for golden in fixtures/*/golden.txt; do
  folder="$(dirname "$golden")"
  rules="$(awk '$1 == "rules" { print $2 }' "$golden")"
  data=()
  while read -r kind_file; do
    data+=(--data "${kind_file%%=*}=$folder/${kind_file#*=}")
  done < <(awk '$1 == "data" { print $2 }' "$golden")
  for as_of in $(awk '$1 == "as_of" { print $2 }' "$golden"); do
    runs=$((runs + 1))
    # Exit 1 (a breach) and 2 (an expected error group) are outcomes, not failures of the run.
    "$toets" -q check "$rules" --as-of "$as_of" --format json "${data[@]}" \
      > "$work/run-$runs.json" 2> "$work/run-$runs.err" || [ $? -le 2 ] ||
      { echo "status-coverage: toets failed on $folder as of $as_of:" >&2; cat "$work/run-$runs.err" >&2; exit 2; }
    echo "$folder $as_of" > "$work/run-$runs.name"
  done
done

python3 - "$work" "$format" rules/*.toets <<'PYTHON'
import glob, json, os, re, sys

work, output_format, rule_files = sys.argv[1], sys.argv[2], sys.argv[3:]

# The statuses each rule can take, from its text.
possible, order = {}, []
for path in rule_files:
    ruleset, rule = None, None
    for line in open(path, encoding="utf-8"):
        line = re.sub(r"//.*", "", line)
        m = re.match(r"ruleset\s+(\S+)", line)
        if m:
            ruleset = m.group(1)
        m = re.match(r'rule\s+("([^"]*)"|(\S+))', line)
        if m:
            rule = (ruleset, m.group(2) if m.group(2) is not None else m.group(3))
            possible[rule] = {"ok"}
            order.append(rule)
            continue
        if rule is None:
            continue
        if re.match(r"\s*signal\s+when\b", line):
            possible[rule].add("signal")
        elif re.match(r"\s*breach\s+when\b", line):
            possible[rule].add("breach")
        elif re.match(r"\s*target\b", line):
            possible[rule] |= {"on_track", "at_risk", "signal" if re.search(r"\bas\s+signal\b", line) else "breach"}
        elif re.match(r"}", line):
            rule = None

inside, outside, where = {}, {}, {}
for result_file in sorted(glob.glob(os.path.join(work, "run-*.json"))):
    name = open(result_file[:-len(".json")] + ".name").read().split()[0]
    for result in json.load(open(result_file))["results"]:
        key = (result["ruleset"], result["rule"])
        target = outside if result.get("outside_validity") else inside
        target.setdefault(key, set()).add(result["status"])
        if not result.get("outside_validity"):
            where.setdefault((key, result["status"]), set()).add(os.path.basename(name))

DECISIVE = ["ok", "signal", "breach", "on_track", "at_risk"]
OTHER = ["no_data", "not_evaluated", "error"]
def listed(statuses, names):
    return ", ".join(s for s in names if s in statuses) or "-"

rows, gaps = [], 0
for key in order:
    reached = inside.get(key, set())
    missing = [s for s in DECISIVE if s in possible[key] and s not in reached]
    gaps += len(missing)
    rows.append((key, listed(possible[key], DECISIVE), listed(reached, DECISIVE + OTHER),
                 listed(outside.get(key, set()) - reached, DECISIVE + OTHER), ", ".join(missing) or "-"))

if output_format == "markdown":
    print("| rule set | rule | can take | reached | only outside the period | not reached |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (ruleset, rule), can, got, out, miss in rows:
        print(f"| {ruleset} | `{rule}` | {can} | {got} | {out} | {miss} |")
else:
    width = max(len(f"{r} {i}") for (r, i), *_ in rows)
    for (ruleset, rule), can, got, out, miss in rows:
        flag = "  MISSING " + miss if miss != "-" else ""
        print(f"{ruleset + ' ' + rule:<{width}}  can: {can:<36} reached: {got}{' | outside only: ' + out if out != '-' else ''}{flag}")
    print(f"\n{len(rows)} rules, {gaps} decisive statuses not reached")
sys.exit(1 if gaps else 0)
PYTHON
