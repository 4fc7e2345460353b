#!/usr/bin/python3
"""Writes a CSV file as an Excel workbook with a third party's writer, as an analyst's export would
come: typed cells (numbers, dates, booleans, text), for tests/xlsx_reader_test.cpp to compare the
workbook's dataset with the CSV's.

  write_workbook.py [--writer openpyxl|xlsxwriter] [--date1904] [--iso-dates] [--inline-strings]
                    [--sheet NAME] [--sheet-before NAME] [--dates-as-text] CSV OUT.xlsx

Each cell's type is what its text looks like (as a person typing it into Excel would get): an ISO
date (2026-03-31) a date, true/false a boolean, a whole number an integer, a decimal number a
float, anything else text; an empty cell stays empty. Debian's python3-openpyxl and
python3-xlsxwriter (tools/setup.sh)."""
import argparse
import csv
import datetime
import re

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTEGER = re.compile(r"^-?[1-9]\d{0,14}$|^0$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")


def typed(text, dates_as_text):
    if text == "":
        return None
    if DATE.match(text):
        return text if dates_as_text else datetime.date.fromisoformat(text)
    if text in ("true", "false"):
        return text == "true"
    if INTEGER.match(text):
        return int(text)
    if DECIMAL.match(text):
        return float(text)
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writer", choices=["openpyxl", "xlsxwriter"], default="openpyxl")
    parser.add_argument("--date1904", action="store_true")
    parser.add_argument("--iso-dates", action="store_true", help="openpyxl: dates as t=\"d\" cells")
    parser.add_argument("--inline-strings", action="store_true", help="xlsxwriter: inline strings")
    parser.add_argument("--sheet", default="Export")
    parser.add_argument("--sheet-before", help="a sheet of other rows before the one written")
    parser.add_argument("--dates-as-text", action="store_true")
    parser.add_argument("csv")
    parser.add_argument("out")
    args = parser.parse_args()

    with open(args.csv, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]

    if args.writer == "openpyxl":
        import openpyxl
        from openpyxl.utils.datetime import CALENDAR_MAC_1904
        workbook = openpyxl.Workbook()
        if args.date1904:
            workbook.epoch = CALENDAR_MAC_1904
        workbook.iso_dates = args.iso_dates
        first = workbook.active
        if args.sheet_before:
            first.title = args.sheet_before
            first.append(["Toelichting", "Deze sheet is geen export"])
            sheet = workbook.create_sheet(args.sheet)
        else:
            first.title = args.sheet
            sheet = first
        sheet.append(header)
        for row in body:
            sheet.append([typed(text, args.dates_as_text) for text in row])
        workbook.save(args.out)
    else:
        import xlsxwriter
        workbook = xlsxwriter.Workbook(args.out, {"date_1904": args.date1904,
                                                  "constant_memory": args.inline_strings,
                                                  "strings_to_numbers": False})
        date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
        if args.sheet_before:
            other = workbook.add_worksheet(args.sheet_before)
            other.write_row(0, 0, ["Toelichting", "Deze sheet is geen export"])
        sheet = workbook.add_worksheet(args.sheet)
        sheet.write_row(0, 0, header)
        for r, row in enumerate(body, start=1):
            for c, text in enumerate(row):
                value = typed(text, args.dates_as_text)
                if value is None:
                    continue
                if isinstance(value, datetime.date):
                    sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
        workbook.close()


if __name__ == "__main__":
    main()
