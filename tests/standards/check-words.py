#!/usr/bin/python3
"""The words of every report, as a reader at the meeting reads them (docs/reports.md, "Words").

CTest runs it as report_words over the reports tools/report-samples.sh wrote: every golden fixture,
the error-group check and the example plan, in every format (text, Markdown, HTML, JSON, JUnit),
with --lang nl and --lang en (and JSON and JUnit without --lang, which are English).

A Dutch report may hold no English the engine wrote (its notes and sentences, "baseline",
"deadline", "no later period ..."), no internal name (a dataset's name such as "allocations", a
canonical column such as contract_date or household_size, a rule file's table name, with or
without its underscores) and no text that was broken on the way (mojibake, U+FFFD). An English
report may hold no Dutch the engine wrote; the agreement's own words (rule titles, sources, notes,
owners, the data's names) are Dutch in both and are left out before the check.

Left out on purpose: the rejection reasons of rejected rows (a colleague's work makes them data
and Dutch), the rule file's identifiers a reader must act on (quoted: 'passend_income_limit_aow'),
file paths and the command-line hints (--data allocations=FILE).

Usage: tests/standards/check-words.py SOURCE_DIR SAMPLES_DIR
"""
import glob
import html.parser
import json
import os
import re
import sys

# English the engine writes, as words a Dutch report must not hold (lower case; whole words).
ENGLISH = [
    "the", "with", "would", "fewer", "least", "most", "than", "baseline", "deadline", "snapshot",
    "snapshots", "period", "ignored", "given", "figure", "divide", "threshold", "remedy", "measured",
    "owner", "source", "group", "breach", "signal", "rows", "read", "accepted", "rejected", "outside",
    "withheld", "forecast", "needed", "achieved", "column", "expected", "store", "unknown", "marks",
    "table", "value", "and", "for", "not", "by", "at", "on", "to", "yet", "later", "earlier", "agreed",
    "previous", "next", "all", "lets", "dwellings", "mutations", "projects", "allocations", "stock",
    "records would", "clear", "rose", "fell", "better", "worse", "target", "projection", "run",
]
# Dutch the engine writes, as words an English report must not hold.
DUTCH = [
    "geen", "voldoet", "overschreden", "signaal", "signaalwaarde", "hoogstens", "minstens", "peildatum",
    "peildata", "nulmeting", "afgesproken", "toewijzing", "toewijzingen", "woningvoorraad", "uiterlijk",
    "gemeten", "trekker", "bron", "nodig", "genegeerd", "gelezen", "afgewezen", "niet", "minder", "voor",
    "een", "het", "de", "van", "om", "regel", "regels", "groep", "drempel", "toelichting", "prognose",
    "gestegen", "gedaald", "beter", "slechter", "doel", "uiterste", "totaal", "corporatie", "jaar",
    "planning", "waarde", "meting", "vorige", "volgende", "periode",
]
MOJIBAKE = re.compile("\ufffd|[\u00c2\u00c3\u00e2][\u0080-\u00bf]|\u00e2\u0080")


class Text(html.parser.HTMLParser):
    """The text a reader sees in an HTML report, with titles and labels, without style sheets."""

    def __init__(self):
        super().__init__()
        self.skip = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "alt", "data-label") and value:
                self.parts.append("\n" + value + "\n")
        self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1
        self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(raw):
    parser = Text()
    parser.feed(raw)
    return "".join(parser.parts)


def json_text(report):
    """The fields of a JSON report that are words for people."""
    out = []

    # A threshold's and a target's "text" is the rule's own condition, for tools; a fix's is words.
    def walk(value, key="", parent=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k, key)
        elif isinstance(value, list):
            for v in value:
                walk(v, key, parent)
        elif isinstance(value, str) and (key in ("measure_text", "remedy_text", "message", "notes")
                                         or (key == "text" and parent == "fix")):
            out.append(value)

    walk(report)
    return "\n".join(out)


def junit_text(raw):
    """Messages and details: attributes message="..." and the text of failures, errors, output."""
    out = [m for m in re.findall(r'message="([^"]*)"', raw)]
    out += re.findall(r"<(?:failure|error|system-out)[^>]*>([^<]*)</", raw)
    return html.unescape("\n".join(out))


def agreement_words(source):
    """What the rule files and the data say themselves: left out before the check."""
    literals, tables = set(), set()
    for path in glob.glob(os.path.join(source, "rules", "*.toets")) + glob.glob(
        os.path.join(source, "tests", "standards", "*.toets")
    ):
        text = open(path, encoding="utf-8").read()
        literals.update(re.findall(r'"([^"\n]+)"', text))
        tables.update(re.findall(r"^table (\w+)", text, re.M))
    for path in glob.glob(os.path.join(source, "fixtures", "**", "*.csv"), recursive=True):
        for line in open(path, encoding="utf-8", errors="replace"):
            for cell in line.rstrip("\n").split(","):
                if re.search(r"[A-Za-z]{2}", cell) and not re.fullmatch(r"[A-Za-z_]+", cell):
                    literals.add(cell.strip())
                elif re.fullmatch(r"[A-Z][a-z]+", cell):
                    literals.add(cell)
    # A text table wraps a long name within its column ("Sas van" / "Gent"): the pieces of a name
    # of several words are the data's words too.
    for literal in list(literals):
        parts = literal.split(" ")
        for i in range(len(parts)):
            for j in range(i + 2, len(parts) + 1):
                literals.add(" ".join(parts[i:j]))
    return sorted(literals, key=len, reverse=True), tables


def cleaned(text, literals):
    """The report's own words: without the agreement's, paths, hints, quoted identifiers and
    rejection reasons."""
    text = html.unescape(text)
    text = re.sub(r"\S*/\S*", " ", text)                   # paths
    text = re.sub(r"--\w+(?: \w+=\S+)?", " ", text)        # --data allocations=FILE, --format json
    # A rejected row's line: "regel 12, toetsinkomen 'x': <reason>" / "27 rijen (regels ...), ...".
    text = re.sub(r"(?m)^.*(\b(regel|line|rijen|rows) [\d, .()…]+[^:\n]*'[^'\n]*'[^:\n]*:).*$", " ", text)
    for literal in literals:
        text = text.replace(literal, " ")
    text = re.sub(r"'[^'\n]*'", " ", text)                 # quoted identifiers and values
    text = re.sub(r"\b\w+_\d{4}(?:_\d{4})?\b", " ", text)  # rule set ids: dordrecht_2026_2027
    return text


def find_problems(text, lang, literals, tables, columns):
    """What is wrong with a report's words: a list of (what, word, where)."""
    found = []
    if MOJIBAKE.search(text):
        found.append(("broken text", MOJIBAKE.search(text).group(0), text))
    own = cleaned(text, literals)
    words = set(w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", own))
    # Table names before the agreement's words are taken out (they may share a word). A table
    # named with one plain word ("limit") cannot be told from the word.
    named = cleaned(text, [])
    for table in (t for t in tables if "_" in t):
        for form in (table, table.replace("_", " ")):
            if form in named:
                found.append(("a rule file's table name", form, named))
    if lang == "nl":
        for word in ENGLISH:
            if (" " in word and word in own.lower()) or word in words:
                found.append(("English", word, own))
        for column in columns:
            if re.search(r"\b" + column + r"\b", own):
                found.append(("a column's internal name", column, own))
    else:
        for word in DUTCH:
            if word in words:
                found.append(("Dutch", word, own))
    return found


def main():
    if len(sys.argv) != 3:
        print("usage: check-words.py SOURCE_DIR SAMPLES_DIR", file=sys.stderr)
        return 2
    source, samples = sys.argv[1], sys.argv[2]
    literals, tables = agreement_words(source)
    schema = open(os.path.join(source, "dsl", "program", "schema.cpp"), encoding="utf-8").read()
    columns = sorted(set(re.findall(r'"([a-z]+_[a-z_]+)"', schema)))
    failed = 0
    checked = {"nl": 0, "en": 0}

    # First: the check can fail. What the reports once said must be found.
    bad_nl = ("Toelichting: no later period to compare with (yet)\nallocations  a.csv: 3 regels gelezen\n"
              "signaalwaarde: minstens 121 (nieuwbouw planning voor Woonbron, 2026)\n"
              "regel 3, contract_date ontbreekt\n\u00e2\u0096\u00b2 gestegen")
    kinds = {what for what, _, _ in find_problems(bad_nl, "nl", literals, tables, columns)}
    bad_en = "signal value: at least 121 (nieuwbouw planning for Woonbron, 2026); geen records na het filter"
    kinds |= {what + " (en)" for what, _, _ in find_problems(bad_en, "en", literals, tables, columns)}
    for kind in ("broken text", "English", "a column's internal name", "a rule file's table name", "Dutch (en)"):
        if kind not in kinds:
            print(f"check-words: FAIL: the self-test found no {kind!r}")
            failed += 1

    for path in sorted(glob.glob(os.path.join(samples, "*"))):
        name = os.path.basename(path)
        parts = name.split(".")
        if len(parts) < 3 or parts[-1] not in ("txt", "md", "html", "json", "xml"):
            continue
        lang = parts[-2] if parts[-2] in ("nl", "en") else parts[-3] if parts[-3] in ("nl", "en") else "en"
        raw = open(path, encoding="utf-8").read()
        if name.endswith(".html"):
            text = html_text(raw)
        elif name.endswith(".json"):
            text = json_text(json.loads(raw))
        elif name.endswith(".xml"):
            text = junit_text(raw)
        elif name.endswith(".md"):
            text = re.sub(r"\\(.)", r"\1", raw)  # Markdown's escapes: V\&O is V&O
        else:
            text = raw
        checked[lang] += 1
        for what, word, where in find_problems(text, lang, literals, tables, columns):
            at = where.lower().find(word.lower())
            context = where[max(0, at - 60): at + 60].replace("\n", " ") if at >= 0 else ""
            print(f"FAIL {name}: {what} {word!r}: ...{context}...")
            failed += 1
    if checked["nl"] < 20 or checked["en"] < 20:
        print(f"check-words: FAIL: only {checked['nl']} Dutch and {checked['en']} English reports in {samples}")
        failed += 1
    if failed:
        print(f"check-words: {failed} problem(s)")
        return 1
    print(f"check-words: {checked['nl']} Dutch and {checked['en']} English reports speak their language")
    return 0


if __name__ == "__main__":
    sys.exit(main())
