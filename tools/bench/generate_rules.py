#!/usr/bin/env python3
"""Many rules like Dordrecht 2026-2027 Bijlage 1 F, in the rule language and in SQL (standard library only).

  generate_rules.py COUNT RULES.toets QUERIES.sql

Writes COUNT rules, each "the share of lets of DAEB social homes to households above the DAEB
income limit, per corporation and year" (rules/dordrecht-2026-2027.toets, rule F), each with its
own household-size filter and its own signal and breach thresholds, and the same COUNT questions
as SQL queries (DuckDB's dialect), one per rule, that print the canonical lines of compare.py
("rule<TAB>corporation=X|year=Y<TAB>status<TAB>numerator/denominator").

Deterministic: the same COUNT gives the same files (its own splitmix64, not `random`, whose
methods other than random() may change between Python versions). The first 200 rules of 1,000
are the 200 rules of 200.

The DAEB income limits are typed into both files here, from shared/design/domain.md (as in
four-checks-duckdb.mjs), not imported from rules/national.toets: the rule set then holds exactly
COUNT rules and no national ones.
"""

import sys

# year: (one person, two or more), euros; shared/design/domain.md.
DAEB_LIMITS = {
    2021: (40024, 40024),
    2022: (40765, 45014),
    2023: (44035, 48625),
    2024: (47699, 52671),
    2025: (49669, 54847),
    2026: (51537, 56910),
}


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return state, z ^ (z >> 31)


def household_filters():
    """Every filter on household_size the rules draw from: (rule-language text, SQL text)."""
    filters = []
    for k in range(1, 8):
        filters.append((f"household_size = {k}", f"household_size = {k}"))
    for k in range(2, 7):
        filters.append((f"household_size >= {k}", f"household_size >= {k}"))
    for k in range(1, 6):
        filters.append((f"household_size <= {k}", f"household_size <= {k}"))
    for a in range(1, 7):
        for b in range(a + 1, 8):
            filters.append((f"household_size in {{{a}, {b}}}", f"household_size IN ({a}, {b})"))
            filters.append((f"household_size >= {a} and household_size <= {b}",
                            f"household_size >= {a} AND household_size <= {b}"))
    return filters


def percent_text(tenths):
    """75 -> "7.5%", 80 -> "8%"."""
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}%"


def make_rules(count):
    """(id, filter index, signal and breach thresholds in tenths of a percent), all different."""
    filters = household_filters()
    state = 20260101
    seen = set()
    rules = []
    while len(rules) < count:
        state, f = splitmix64(state)
        state, s = splitmix64(state)
        state, b = splitmix64(state)
        signal = 20 + s % 131            # 2.0% .. 15.0%
        breach = signal + 5 + b % 146    # 0.5 .. 15.0 points above the signal
        key = (f % len(filters), signal, breach)
        if key in seen:
            continue
        seen.add(key)
        rules.append((f"F{len(rules) + 1:04d}",) + key)
    return filters, rules


def write_toets(path, count, filters, rules):
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"// {count} rules like Dordrecht 2026-2027 Bijlage 1 F, each with its own household-size\n"
                  f"// filter and thresholds. Written by tools/bench/generate_rules.py {count}: do not edit.\n\n")
        out.write(f"ruleset bench_generated_{count} {{\n"
                  f"  title \"Benchmark: {count} regels als Dordrecht 2026-2027 Bijlage 1 F\"\n"
                  f"  source \"tools/bench/generate_rules.py\"\n}}\n\n")
        out.write("table daeb_income_limit(year, household_size) : money {\n")
        for year, (one, more) in DAEB_LIMITS.items():
            out.write(f"  {year} {{ 1: €{one}, 2+: €{more} }}\n")
        out.write("}\n")
        for rule_id, f, signal, breach in rules:
            out.write(f"\nrule {rule_id} \"Vrije toewijzingsruimte, {filters[f][0]}\" {{\n"
                      f"  source \"Prestatieafspraken Dordrecht 2026-2027, Bijlage 1 F (generated)\"\n"
                      f"  over allocations where daeb and segment = sociaal and ({filters[f][0]})\n"
                      f"  per corporation, year(contract_date)\n"
                      f"  measure share(household_income > daeb_income_limit(year(contract_date), household_size))\n"
                      f"  signal when measure > {percent_text(signal)}\n"
                      f"  breach when measure > {percent_text(breach)}\n}}\n")


def write_sql(path, filters, rules):
    """One statement per line group, each ending in ';' on its own line end."""
    with open(path, "w", encoding="utf-8") as out:
        values = ", ".join(f"({year}, {one}.00, {more}.00)" for year, (one, more) in DAEB_LIMITS.items())
        out.write(f"CREATE TABLE daeb_limit AS SELECT * FROM (VALUES {values}) t(year, one, more);\n")
        for rule_id, f, signal, breach in rules:
            # share > p% exactly, in integers: 1000 * k > p_tenths * n.
            out.write(
                f"SELECT '{rule_id}' || chr(9) || 'corporation=' || corporation || '|year=' || year || chr(9) ||\n"
                f"  CASE WHEN 1000 * k > {breach} * n THEN 'breach' WHEN 1000 * k > {signal} * n THEN 'signal'"
                f" ELSE 'ok' END || chr(9) || k || '/' || n\n"
                f"FROM (SELECT a.corporation, l.year, count(*) AS n,\n"
                f"             count(*) FILTER (WHERE a.household_income >"
                f" CASE WHEN a.household_size = 1 THEN l.one ELSE l.more END) AS k\n"
                f"      FROM allocations a JOIN daeb_limit l ON l.year = year(a.contract_date)\n"
                f"      WHERE a.daeb AND a.segment = 'sociaal' AND ({filters[f][1]})\n"
                f"      GROUP BY a.corporation, l.year);\n")


def main(argv):
    if len(argv) != 4 or not argv[1].isdigit() or int(argv[1]) < 1:
        sys.stderr.write(__doc__)
        return 2
    count = int(argv[1])
    filters, rules = make_rules(count)
    write_toets(argv[2], count, filters, rules)
    write_sql(argv[3], filters, rules)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
