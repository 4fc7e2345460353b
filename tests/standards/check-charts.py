#!/usr/bin/python3
"""The charts of every HTML report: no label a reader cannot read (docs/reports.md, "Charts").

CTest runs it as report_charts over the reports tools/report-samples.sh wrote. In each chart (an
inline <svg class="plot">) it computes the box of every text from its attributes, in the charts'
10px font at 6.5px a character, 8px above the baseline and 3px below it, and of every point
(<circle>) from its centre and radius, and fails when
  - a line's or the deadline's label (class "halo": threshold, target, deadline) overlaps a point
    or another such label, or
  - a text runs out of the chart on the left or the right (a cut group name).
It first shows that it can fail: a chart with a label on a point, and one with a label out of it.

Usage: tests/standards/check-charts.py SAMPLES_DIR
"""
import glob
import html
import os
import re
import sys

CHAR_WIDTH, ASCENT, DESCENT = 6.5, 8.0, 3.0


def number(attrs, name, default=0.0):
    found = re.search(r'\b' + name + r'="([-\d.]+)"', attrs)
    return float(found.group(1)) if found else default


def text_box(attrs, text):
    x, y = number(attrs, "x"), number(attrs, "y")
    width = CHAR_WIDTH * len(html.unescape(text))
    anchor = re.search(r'text-anchor="(\w+)"', attrs)
    anchor = anchor.group(1) if anchor else "start"
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return (left, y - ASCENT, left + width, y + DESCENT)


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def problems(svg):
    """What is wrong with one chart: a list of sentences."""
    found = []
    view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    width = float(view.group(1)) if view else 1e9
    body = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    labels, texts = [], []
    for m in re.finditer(r"<text ([^>]*)>([^<]*)</text>", body):
        box = text_box(m.group(1), m.group(2))
        texts.append((m.group(2), box))
        if 'class="halo"' in m.group(1):
            labels.append((m.group(2), box))
    points = []
    for m in re.finditer(r"<circle ([^>]*)>", body):
        r = number(m.group(1), "r")
        cx, cy = number(m.group(1), "cx"), number(m.group(1), "cy")
        points.append((cx - r, cy - r, cx + r, cy + r))
    for i, (label, box) in enumerate(labels):
        for point in points:
            if overlap(box, point):
                found.append(f"the label {label!r} lies on a point at ({(point[0] + point[2]) / 2:.1f}, "
                             f"{(point[1] + point[3]) / 2:.1f})")
        for other, other_box in labels[i + 1:]:
            if overlap(box, other_box):
                found.append(f"the labels {label!r} and {other!r} lie on each other")
    for text, box in texts:
        if box[0] < -0.5 or box[2] > width + 0.5:
            found.append(f"the text {text!r} runs out of the chart ({box[0]:.1f} to {box[2]:.1f} of 0 to {width:.0f})")
    return found


def main():
    if len(sys.argv) != 2:
        print("usage: check-charts.py SAMPLES_DIR", file=sys.stderr)
        return 2
    failed = 0
    on_point = ('<svg class="plot" viewBox="0 0 330 150"><circle cx="300" cy="60" r="3.6"/>'
                '<text x="316" y="63" text-anchor="end" class="halo">norm 15,00%</text></svg>')
    cut = '<svg class="plot" viewBox="0 0 330 150"><text x="107" y="20" text-anchor="end">Woonzorg Nederland, 2022</text></svg>'
    if not problems(on_point) or not problems(cut):
        print("check-charts: FAIL: the self-test found no label on a point or no text out of its chart")
        failed += 1
    files = sorted(glob.glob(os.path.join(samples_dir := sys.argv[1], "*.html")))
    charts = 0
    for path in files:
        page = open(path, encoding="utf-8").read()
        for svg in re.findall(r'<svg class="plot".*?</svg>', page, re.S):
            charts += 1
            name = re.search(r'aria-label="([^"]*)"', svg)
            for problem in problems(svg):
                print(f"FAIL {os.path.basename(path)}: {html.unescape(name.group(1)) if name else 'a chart'}: {problem}")
                failed += 1
    if charts < 50:
        print(f"check-charts: FAIL: only {charts} charts in {len(files)} reports in {samples_dir}")
        failed += 1
    if failed:
        print(f"check-charts: {failed} problem(s)")
        return 1
    print(f"check-charts: {charts} charts in {len(files)} reports: every label clear and inside its chart")
    return 0


if __name__ == "__main__":
    sys.exit(main())
