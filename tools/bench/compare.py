#!/usr/bin/env python3
"""Answers of the four benchmark checks, side by side (standard library only).

  compare.py lines REPORT.json          the engine's answers as canonical lines (stdout)
  compare.py diff NAME_A A NAME_B B     compares two files of canonical lines; exit 1 if they differ
  compare.py statuses REPORT.json...    how many groups of each status every rule found
  compare.py listed REPORT.json         "RESULTS EVIDENCE": the report's results and the record ids
                                        they list (what a report of many rules costs to write)
  compare.py rule-lines REPORT.json     every share rule's answers as canonical lines (stdout), for
                                        the generated rules of generate_rules.py
  compare.py fixture-lines REPORT.json SQL_OUTPUT
                                        the engine's answers in the format of a fixture's
                                        expected.sql ("rule|group|status|detail"), for the rules
                                        that SQL_OUTPUT answers (tests/support/result_lines.hpp)

A canonical line is tab-separated: check, group, status, detail.
- Share checks: group "corporation=X|year=2026" (keys in the rule's order, a missing value
  empty), detail "numerator/denominator" (0/0 for no_data).
- The deadline check (efg-labels): one line per corporation with the status and the detail
  "latest=<count>|exempt=<exempt>/<exempt with E, F or G>" of the latest snapshot (empty for
  no_data), and one line per snapshot of its series: group "corporation=X|snapshot=DATE", status
  "point", detail "<count>/<records measured>".
sql/four-checks.sql, four-checks-duckdb.mjs and four_checks_pandas.py print the same lines.
rule-lines writes one such line per rule and group of every rule, with "numerator/denominator" as
the detail; the measure the engine reports must be exactly that fraction (as the nearest double,
which is what JSON can carry), else the line shows the measure too and cannot match.
"""

import json
import sys
from collections import Counter, defaultdict

CHECKS = ("vrije-toewijzingsruimte", "reguliere-toewijzing", "bijzondere-doelgroepen", "efg-labels")


def value_text(value):
    if value is None:
        return ""
    return str(value)


def group_text(group):
    return "|".join(f"{name}={value_text(value)}" for name, value in group.items())


def engine_lines(report):
    lines = []
    for result in report["results"]:
        rule = result["rule"]
        if rule not in CHECKS:
            continue
        group = group_text(result["group"])
        status = result["status"]
        if rule == "efg-labels":
            detail = ""
            if status != "no_data":
                detail = f"latest={result['measure']}|exempt={result.get('exempt', 0)}/{result.get('exempt_matching', 0)}"
            lines.append(f"{rule}\t{group}\t{status}\t{detail}")
            for point in result.get("series", []):
                lines.append(f"{rule}\t{group}|snapshot={point['snapshot']}\tpoint\t{point['measure']}/{point['records']}")
        else:
            lines.append(f"{rule}\t{group}\t{status}\t{result['numerator']}/{result['denominator']}")
    return lines


def share_lines(report):
    lines = []
    for result in report["results"]:
        group = group_text(result["group"])
        numerator, denominator, measure = result["numerator"], result["denominator"], result["measure"]
        detail = f"{numerator}/{denominator}"
        if measure is None or not denominator or measure != numerator / denominator:
            detail += f"|measure={measure}"
        lines.append(f"{result['rule']}\t{group}\t{result['status']}\t{detail}")
    return lines


def fixture_lines(report, proven):
    """As tests/support/result_lines.hpp: group values joined by ", " in the report's key order,
    detail numerator/denominator or a target's measure, "|outside" outside the rule's period."""
    lines = []
    for result in report["results"]:
        if result["rule"] not in proven:
            continue
        group = ", ".join(v if isinstance(v, str) else json.dumps(v) for v in result["group"].values())
        detail = ""
        if result.get("numerator") is not None and result.get("denominator") != 0:
            detail = f"{json.dumps(result['numerator'])}/{json.dumps(result['denominator'])}"
        elif "target" in result and result.get("measure") is not None:
            detail = json.dumps(result["measure"])
        outside = "|outside" if result.get("outside_validity", False) else ""
        lines.append(f"{result['rule']}|{group}|{result['status']}|{detail}{outside}")
    return lines


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def diff(name_a, path_a, name_b, path_b):
    a, b = Counter(read_lines(path_a)), Counter(read_lines(path_b))
    only_a = sorted((a - b).elements())
    only_b = sorted((b - a).elements())
    checks = Counter(line.split("\t", 1)[0].split("|", 1)[0] for line in a.elements())
    if not only_a and not only_b:
        per_check = ", ".join(f"{checks[c]} {c}" for c in CHECKS if checks[c]) or f"{len(checks)} rules"
        print(f"equal: {name_a} and {name_b} agree on all {sum(a.values())} lines ({per_check})")
        return 0
    print(f"DIFFERENT: {len(only_a)} lines only in {name_a}, {len(only_b)} only in {name_b}")
    for line in only_a[:10]:
        print(f"  {name_a}: {line}")
    for line in only_b[:10]:
        print(f"  {name_b}: {line}")
    return 1


def statuses(paths):
    seen = defaultdict(Counter)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        for result in report["results"]:
            seen[(report["ruleset"]["id"], result["ruleset"], result["rule"])][result["status"]] += 1
    for (checked, ruleset, rule), counts in sorted(seen.items()):
        text = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        print(f"{checked:28} {ruleset:28} {rule:26} {text}")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "lines":
        with open(argv[2], encoding="utf-8") as f:
            report = json.load(f)
        sys.stdout.write("".join(line + "\n" for line in sorted(engine_lines(report))))
        return 0
    if len(argv) == 3 and argv[1] == "rule-lines":
        with open(argv[2], encoding="utf-8") as f:
            report = json.load(f)
        sys.stdout.write("".join(line + "\n" for line in sorted(share_lines(report))))
        return 0
    if len(argv) == 4 and argv[1] == "fixture-lines":
        with open(argv[2], encoding="utf-8") as f:
            report = json.load(f)
        proven = {line.split("|", 1)[0] for line in read_lines(argv[3])}
        sys.stdout.write("".join(line + "\n" for line in sorted(fixture_lines(report, proven))))
        return 0
    if len(argv) == 6 and argv[1] == "diff":
        return diff(argv[2], argv[3], argv[4], argv[5])
    if len(argv) >= 3 and argv[1] == "statuses":
        return statuses(argv[2:])
    if len(argv) == 3 and argv[1] == "listed":
        with open(argv[2], encoding="utf-8") as f:
            results = json.load(f)["results"]
        print(len(results), sum(len(result["evidence"]) for result in results))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
