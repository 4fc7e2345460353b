#!/usr/bin/env python3
"""Rewrites canonical allocations (docs/data-format.md) as a corporation's system exports them, for
tools/benchmark.sh: the same lets in the forms a Dutch spreadsheet writes, to time the loader on
an export and not only on the canonical form. Every cell keeps its value:

  ';' between fields and CRLF line ends (what Excel's "CSV (gescheiden door lijstscheidingsteken)"
  writes); dates 2026-03-31 as 31-03-2026; amounts with a decimal comma and thousands dots
  (71500.00 as 71.500,00, every fourth rent with a euro sign: € 890,00); booleans ja/nee; enum
  values capitalised with a space for '_' (vrije_sector as Vrije sector).

  export_forms.py CANONICAL.csv EXPORT.csv
"""
import csv
import sys

MONEY = {"rent", "household_income"}
DATES = {"contract_date"}
BOOLS = {"daeb", "new_build"}
ENUMS = {"segment", "channel"}


def amount(text, euro):
    whole, cents = text.split(".")
    negative = whole.startswith("-")
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    written = ("-" if negative else "") + ".".join(groups) + "," + cents
    return "€ " + written if euro else written


def main(source, target):
    with open(source, newline="", encoding="utf-8") as inp, open(target, "w", newline="", encoding="utf-8") as out:
        rows = csv.reader(inp)
        header = next(rows)
        kinds = [
            "money" if name in MONEY else "date" if name in DATES else "bool" if name in BOOLS
            else "enum" if name in ENUMS else "text"
            for name in header
        ]
        out.write(";".join(header) + "\r\n")
        for number, row in enumerate(rows):
            cells = []
            for kind, name, cell in zip(kinds, header, row):
                if cell == "" or kind == "text":
                    cells.append(cell)
                elif kind == "money":
                    cells.append(amount(cell, name == "rent" and number % 4 == 0))
                elif kind == "date":
                    year, month, day = cell.split("-")
                    cells.append(f"{day}-{month}-{year}")
                elif kind == "bool":
                    cells.append({"true": "ja", "false": "nee"}[cell])
                else:
                    cells.append(cell[:1].upper() + cell[1:].replace("_", " "))
            if any(";" in cell or '"' in cell for cell in cells):
                sys.exit(f"{source}: row {number + 2} holds a ';' or a quote: not written as a plain export")
            out.write(";".join(cells) + "\r\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
