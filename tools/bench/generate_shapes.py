#!/usr/bin/env python3
"""Rule sets of other shapes than generate_rules.py's, in the rule language and in SQL (standard
library only).

  generate_shapes.py SHAPE COUNT RULES.toets QUERIES.sql
  generate_shapes.py --list

generate_rules.py writes one shape: Dordrecht F's share above the DAEB income limit per
corporation and year, each rule its own household-size filter. A rule set met in the field can
filter on another column, group otherwise, or measure another condition; these shapes check that
the engine answers them as SQL does and show what they cost (docs/performance.md, "Rule shapes"):

  age-bands       daeb and applicant_age in [a, b), per corporation and year, share above the DAEB limit
  rent-bands      sociaal and rent in [a, b) euros, per municipality and year, share above the DAEB limit
  channels        daeb and channel in three of the ten, per corporation and half year, share(applicant_age < n)
  neighbourhoods  household_size >= k, per neighbourhood and year (thousands of groups), share(rent > x)
  income-limits   daeb and household_size <= k, per corporation and year, share(household_income > x)
  mixed           each rule the next of the five above in turn

Each rule has its own signal and breach thresholds. The SQL (DuckDB's dialect, run by
rules-duckdb.mjs on a loaded table) prints compare.py's canonical lines, one query per rule.
Deterministic: generate_rules.py's splitmix64, not `random`.
"""

import sys

from generate_rules import DAEB_LIMITS, percent_text, splitmix64

CHANNELS = ["regulier", "herstructurering", "urgent", "statushouder", "uitstroom_mobw", "wonen_eerst",
            "vitaal_beroep", "starter", "directe_bemiddeling", "overig"]

# The DAEB share of generate_rules.py: (rule language, SQL over allocations a joined to daeb_limit l).
DAEB_SHARE = ("share(household_income > daeb_income_limit(year(contract_date), household_size))",
              "a.household_income > CASE WHEN a.household_size = 1 THEN l.one ELSE l.more END")

# Groupings: (rule language, SQL text of compare.py's group, SQL GROUP BY).
HALF_YEAR = "CASE WHEN month(a.contract_date) <= 6 THEN 1 ELSE 2 END"
GROUPINGS = {
    "corporation-year": ("corporation, year(contract_date)",
                         "'corporation=' || a.corporation || '|year=' || year(a.contract_date)",
                         "a.corporation, year(a.contract_date)"),
    "municipality-year": ("municipality, year(contract_date)",
                          "'municipality=' || a.municipality || '|year=' || year(a.contract_date)",
                          "a.municipality, year(a.contract_date)"),
    "corporation-half-year": ("corporation, half_year(contract_date)",
                              f"'corporation=' || a.corporation || '|half_year=' || year(a.contract_date) || '-H' || "
                              f"({HALF_YEAR})",
                              f"a.corporation, year(a.contract_date), {HALF_YEAR}"),
    "neighbourhood-year": ("neighbourhood, year(contract_date)",
                           "'neighbourhood=' || coalesce(a.neighbourhood, '') || '|year=' || year(a.contract_date)",
                           "a.neighbourhood, year(a.contract_date)"),
}

SHAPES = ["age-bands", "rent-bands", "channels", "neighbourhoods", "income-limits"]


class Draws:
    """Numbers from splitmix64: between(lo, hi) inclusive, sample(items, k) without repeats."""

    def __init__(self, seed):
        self.state = seed

    def between(self, lo, hi):
        self.state, z = splitmix64(self.state)
        return lo + z % (hi - lo + 1)

    def sample(self, items, k):
        left = list(items)
        return [left.pop(self.between(0, len(left) - 1)) for _ in range(k)]


def shape_rule(shape, draws):
    """(filter, SQL filter, grouping, measure, SQL predicate) of one rule of `shape`."""
    if shape == "age-bands":
        a, b = draws.between(16, 60), draws.between(61, 90)
        return (f"daeb and applicant_age >= {a} and applicant_age < {b}",
                f"a.daeb AND a.applicant_age >= {a} AND a.applicant_age < {b}", "corporation-year") + DAEB_SHARE
    if shape == "rent-bands":
        a, b = draws.between(300, 600), draws.between(601, 900)
        return (f"segment = sociaal and rent >= €{a} and rent < €{b}",
                f"a.segment = 'sociaal' AND a.rent >= {a} AND a.rent < {b}", "municipality-year") + DAEB_SHARE
    if shape == "channels":
        channels, age = draws.sample(CHANNELS, 3), draws.between(20, 30)
        return ("daeb and channel in {" + ", ".join(channels) + "}",
                "a.daeb AND a.channel IN (" + ", ".join(f"'{c}'" for c in channels) + ")", "corporation-half-year",
                f"share(applicant_age < {age})", f"a.applicant_age < {age}")
    if shape == "neighbourhoods":
        k, rent = draws.between(1, 4), draws.between(500, 900)
        return (f"household_size >= {k}", f"a.household_size >= {k}", "neighbourhood-year",
                f"share(rent > €{rent})", f"a.rent > {rent}")
    if shape == "income-limits":
        k, income = draws.between(1, 7), draws.between(30000, 70000)
        return (f"daeb and household_size <= {k}", f"a.daeb AND a.household_size <= {k}", "corporation-year",
                f"share(household_income > €{income})", f"a.household_income > {income}")
    raise ValueError(shape)


def write(shape, count, toets_path, sql_path):
    draws = Draws(20261207)
    with open(toets_path, "w", encoding="utf-8") as toets, open(sql_path, "w", encoding="utf-8") as sql:
        toets.write(f"// {count} rules of the shape {shape}. Written by tools/bench/generate_shapes.py: do not edit.\n\n"
                    f"ruleset bench_shape_{shape.replace('-', '_')} {{\n"
                    f"  title \"Benchmark: {count} regels, vorm {shape}\"\n"
                    f"  source \"tools/bench/generate_shapes.py\"\n}}\n\n"
                    "table daeb_income_limit(year, household_size) : money {\n")
        for year, (one, more) in DAEB_LIMITS.items():
            toets.write(f"  {year} {{ 1: €{one}, 2+: €{more} }}\n")
        toets.write("}\n")
        values = ", ".join(f"({year}, {one}.00, {more}.00)" for year, (one, more) in DAEB_LIMITS.items())
        sql.write(f"CREATE TABLE daeb_limit AS SELECT * FROM (VALUES {values}) t(year, one, more);\n")
        for i in range(1, count + 1):
            rule_shape = SHAPES[(i - 1) % len(SHAPES)] if shape == "mixed" else shape
            where, sql_where, grouping, measure, predicate = shape_rule(rule_shape, draws)
            signal = draws.between(20, 150)             # 2.0% .. 15.0%
            breach = signal + draws.between(5, 150)     # 0.5 .. 15.0 points above the signal
            per, group_text, group_by = GROUPINGS[grouping]
            rule_id = f"S{i:04d}"
            toets.write(f"\nrule {rule_id} \"{rule_shape}: {where}\" {{\n"
                        f"  source \"tools/bench/generate_shapes.py\"\n"
                        f"  over allocations where {where}\n"
                        f"  per {per}\n"
                        f"  measure {measure}\n"
                        f"  signal when measure > {percent_text(signal)}\n"
                        f"  breach when measure > {percent_text(breach)}\n}}\n")
            # The join keeps the years the limit table has, as the rules' look-up needs (every
            # generated let is in one of them); share > p% exactly: 1000 * k > p_tenths * n.
            sql.write(f"SELECT '{rule_id}' || chr(9) || g || chr(9) ||\n"
                      f"  CASE WHEN 1000 * k > {breach} * n THEN 'breach' WHEN 1000 * k > {signal} * n THEN 'signal'"
                      f" ELSE 'ok' END || chr(9) || k || '/' || n\n"
                      f"FROM (SELECT {group_text} AS g, count(*) AS n, count(*) FILTER (WHERE {predicate}) AS k\n"
                      f"      FROM allocations a JOIN daeb_limit l ON l.year = year(a.contract_date)\n"
                      f"      WHERE {sql_where} GROUP BY {group_by});\n")


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(SHAPES + ["mixed"]))
        return 0
    if len(argv) != 5 or argv[1] not in SHAPES + ["mixed"] or not argv[2].isdigit() or int(argv[2]) < 1:
        sys.stderr.write(__doc__)
        return 2
    write(argv[1], int(argv[2]), argv[3], argv[4])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
