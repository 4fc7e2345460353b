#!/usr/bin/python3
"""The JSON reports against their schema, docs/report.schema.json (JSON Schema draft 2020-12).

CTest runs it as report_json_schema over the reports that tools/report-samples.sh wrote: every
golden fixture, a check with error groups, the example plan's two runs and a check recorded with
--db (run, previous_run, history, changes). Debian's python3-jsonschema, Draft202012Validator with
format checking ("date" is checked; "date-time" needs a package Debian lacks, so the schema gives
recorded_at a pattern as well).

It also checks that the schema can fail: each of a set of broken reports, made from a real one,
is refused for the reason it was broken.

Usage: tests/standards/validate-json.py SCHEMA SAMPLES_DIR
"""
import copy
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator


def main():
    if len(sys.argv) != 3:
        print("usage: validate-json.py SCHEMA SAMPLES_DIR", file=sys.stderr)
        return 2
    schema_path, samples = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    checker = Draft202012Validator.FORMAT_CHECKER
    if "date" not in checker.checkers:
        print("validate-json: this jsonschema does not check the date format", file=sys.stderr)
        return 1
    validator = Draft202012Validator(schema, format_checker=checker)
    failed = 0

    files = sorted(glob.glob(os.path.join(samples, "*.json")))
    if len(files) < 10:
        print(f"validate-json: FAIL: only {len(files)} JSON reports in {samples} (tools/report-samples.sh writes 13)")
        failed += 1
    reports = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        reports[os.path.basename(path)] = report
        errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
        if errors:
            failed += 1
            print(f"FAIL {os.path.basename(path)}: {len(errors)} error(s)")
            for error in errors[:10]:
                where = "/".join(str(p) for p in error.absolute_path) or "(top)"
                print(f"  {where}: {error.message[:300]}")
        else:
            print(f"ok   {os.path.basename(path)} ({len(report['results'])} results)")

    # What the set must hold, or the run proves less than it says.
    def having(test):
        return [name for name, report in reports.items() if test(report)]

    for what, names in [
        ("history and changes (a recorded run)", having(lambda r: "changes" in r and r["changes"]
                                                         and any("history" in x for x in r["results"]))),
        ("an error result", having(lambda r: any(x["status"] == "error" for x in r["results"]))),
        ("a result outside the validity period", having(lambda r: any(x.get("outside_validity") for x in r["results"]))),
        ("a deadline rule's projection", having(lambda r: any("projection" in x for x in r["results"]))),
        ("a rejected row", having(lambda r: any(i["rejections"] for i in r["inputs"]))),
        ("a --db check", [n for n in reports if n.startswith("db-")]),
    ]:
        if not names:
            print(f"validate-json: FAIL: no report has {what}")
            failed += 1

    # The schema refuses what it should. Each broken copy must fail, at the place it was broken.
    base = next((r for r in reports.values() if r.get("changes")), None) or next(iter(reports.values()), None)
    if base is not None:
        def broken(change):
            report = copy.deepcopy(base)
            change(report)
            return report

        def first_result(report):
            return report["results"][0]

        cases = {
            "no version": broken(lambda r: r.pop("version")),
            "version toets-report/2": broken(lambda r: r.update(version="toets-report/2")),
            "a status not in the enum": broken(lambda r: first_result(r).update(status="red")),
            "as_of not a date": broken(lambda r: r.update(as_of="23-11-2026")),
            "as_of an impossible date": broken(lambda r: r.update(as_of="2026-02-30")),
            "a result without its rule": broken(lambda r: first_result(r).pop("rule")),
            "a key the writer does not write": broken(lambda r: first_result(r).update(colour="green")),
            "records as text": broken(lambda r: first_result(r).update(records="12")),
            "summary.incomplete true": broken(lambda r: r["summary"].update(incomplete=True)),
            "summary.incomplete's reasons not a list": broken(lambda r: r["summary"].update(incomplete={"reasons": {}})),
        }
        if base.get("run"):
            cases["run without previous_run"] = broken(lambda r: r.pop("previous_run"))
            cases["recorded_at without its time"] = broken(lambda r: r["run"].update(recorded_at="2026-11-23"))
        for what, report in cases.items():
            if validator.is_valid(report):
                print(f"validate-json: FAIL: the schema accepts a report with {what}")
                failed += 1

        # And accepts what other changes may add: summary.incomplete, an input's encoding.
        extended = broken(lambda r: (r["summary"].update(incomplete={"reasons": [{"reason": "too_many_rejected", "rows_read": 9}]}),
                                     r["inputs"][0].update(encoding="windows-1252", encoding_detected=True)
                                     if r["inputs"] else None,
                                     first_result(r).update(outside_validity=True)))
        complete = broken(lambda r: r["summary"].update(incomplete=False))
        for error in [*validator.iter_errors(extended), *validator.iter_errors(complete)]:
            print(f"validate-json: FAIL: the schema refuses an allowed extension: {error.message[:200]}")
            failed += 1

    if failed:
        print(f"validate-json: {failed} failure(s)")
        return 1
    print(f"validate-json: {len(files)} reports valid against {os.path.basename(schema_path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
