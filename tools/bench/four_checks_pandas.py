#!/usr/bin/python3
"""The four benchmark checks of tools/bench/four-checks.toets in pandas (Debian python3-pandas).

  /usr/bin/python3 four_checks_pandas.py DIR      (DIR holds allocations.csv and stock.csv)

Prints the canonical lines of compare.py on stdout, the time of the load and of the checks on
stderr. Written as a competent pandas user would: typed read_csv (categories for the repeated
text columns, float64 for money: comparisons of two-decimal amounts stay exact, see
sql/four-checks.sql), vectorised masks, one groupby per check.
"""

import sys
import time

import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2026-12-31")
DEADLINE = pd.Timestamp("2028-12-31")
EPOCH = pd.Timestamp("1970-01-01")
# The DAEB income limits (shared/design/domain.md), typed in again, not read from the rules.
DAEB_ONE = {2021: 40024.0, 2022: 40765.0, 2023: 44035.0, 2024: 47699.0, 2025: 49669.0, 2026: 51537.0}
DAEB_MORE = {2021: 40024.0, 2022: 45014.0, 2023: 48625.0, 2024: 52671.0, 2025: 54847.0, 2026: 56910.0}

TEXT = "category"
ALLOCATION_TYPES = {
    "allocation_id": str, "corporation": TEXT, "municipality": TEXT, "kern": TEXT, "neighbourhood": TEXT,
    "contract_date": str, "dwelling_id": str, "segment": TEXT, "daeb": TEXT, "new_build": TEXT,
    "rent": "float64", "household_size": "int64", "household_income": "float64", "applicant_age": "int64",
    "channel": TEXT, "energy_label": TEXT,
}
STOCK_TYPES = {
    "dwelling_id": str, "snapshot_date": str, "corporation": TEXT, "municipality": TEXT, "kern": TEXT,
    "neighbourhood": TEXT, "segment": TEXT, "daeb": TEXT, "rent": "float64", "energy_label": TEXT,
    "monument": TEXT, "zero_step": TEXT, "flex": TEXT,
}


def share_lines(check, keys, frame, n, k, status):
    """One line per group with a record in n (groups come from the rows that pass the filter):
    keys are the group columns, n/k boolean masks."""
    groups = pd.DataFrame({**{name: frame[name] for name in keys}, "n": n, "k": k})
    counts = groups.groupby(keys, observed=True, sort=False).sum()
    lines = []
    for key, (total, hits) in zip(counts.index, counts[["n", "k"]].itertuples(index=False)):
        if int(total) == 0:
            continue
        key = key if isinstance(key, tuple) else (key,)
        group = "|".join(f"{name}={'' if value is None or value != value else value}" for name, value in zip(keys, key))
        lines.append(f"{check}\t{group}\t{status(int(hits), int(total))}\t{int(hits)}/{int(total)}")
    return lines


def main():
    folder = sys.argv[1]
    start = time.perf_counter()
    a = pd.read_csv(f"{folder}/allocations.csv", dtype=ALLOCATION_TYPES, keep_default_na=False)
    s = pd.read_csv(f"{folder}/stock.csv", dtype=STOCK_TYPES, keep_default_na=False)
    a["year"] = pd.to_datetime(a["contract_date"], format="%Y-%m-%d").dt.year
    s["snapshot"] = pd.to_datetime(s["snapshot_date"], format="%Y-%m-%d")
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    out = []

    # 1. Free allocation space per corporation and year; signal > 7.5%, breach > 15%.
    limit = np.where(a["household_size"] == 1, a["year"].map(DAEB_ONE), a["year"].map(DAEB_MORE))
    measured = (a["daeb"] == "true") & (a["segment"] == "sociaal")
    above = measured & (a["household_income"] > limit)
    out += share_lines("vrije-toewijzingsruimte", ["corporation", "year"], a, measured, above,
                       lambda k, n: "no_data" if n == 0 else "breach" if k * 100 > 15 * n
                       else "signal" if k * 1000 > 75 * n else "ok")

    # 2. Regular lets (regulier, herstructurering) per corporation, kern and year; breach < 80%.
    social = a["segment"] == "sociaal"
    regular = social & a["channel"].isin(["regulier", "herstructurering"])
    out += share_lines("reguliere-toewijzing", ["corporation", "kern", "year"], a, social, regular,
                       lambda k, n: "no_data" if n == 0 else "breach" if k * 100 < 80 * n else "ok")

    # 3. Special groups in Stichtse Vecht per corporation and year; signal < 30%.
    names = a["municipality"].cat.categories
    in_scope = a["municipality"].isin(names[names.str.strip().str.lower() == "stichtse vecht"])
    sv = a[in_scope]
    sv_social = sv["segment"] == "sociaal"
    special = sv_social & sv["channel"].isin(["urgent", "statushouder", "uitstroom_mobw", "wonen_eerst"])
    out += share_lines("bijzondere-doelgroepen", ["corporation", "year"], sv, sv_social, special,
                       lambda k, n: "no_data" if n == 0 else "signal" if k * 100 < 30 * n else "ok")

    # 4. E/F/G labels outside monuments per corporation and snapshot, projected to 2028-12-31.
    exempt = s["monument"] == "true"
    efg = s["energy_label"].isin(["E", "F", "G"])
    points = (pd.DataFrame({"corporation": s["corporation"], "snapshot": s["snapshot"], "records": ~exempt,
                            "y": ~exempt & efg, "ex": exempt, "exm": exempt & efg})[s["snapshot"] <= AS_OF]
              .groupby(["corporation", "snapshot"], observed=True).sum().reset_index())
    points = points[points["records"] > 0]
    for row in points.itertuples(index=False):
        out.append(f"efg-labels\tcorporation={row.corporation}|snapshot={row.snapshot:%Y-%m-%d}\tpoint\t"
                   f"{row.y}/{row.records}")
    deadline_x = float((DEADLINE - EPOCH).days)
    for corporation in s["corporation"].unique():
        series = points[points["corporation"] == corporation].sort_values("snapshot")
        if series.empty:
            out.append(f"efg-labels\tcorporation={corporation}\tno_data\t")
            continue
        latest = series.iloc[-1]
        y = float(latest["y"])
        if AS_OF > DEADLINE:
            status = "ok" if y <= 0 else "breach"
        elif y <= 0:
            status = "on_track"
        elif len(series) < 2:
            status = "at_risk"
        else:
            x = np.array([float((d - EPOCH).days) for d in series["snapshot"]])
            ys = series["y"].to_numpy(dtype=float)
            mx, my = x.mean(), ys.mean()
            sxx = ((x - mx) ** 2).sum()
            slope = ((x - mx) * (ys - my)).sum() / sxx if sxx > 0 else 0.0
            status = "on_track" if round(my + slope * (deadline_x - mx), 9) <= 0 else "at_risk"
        out.append(f"efg-labels\tcorporation={corporation}\t{status}\t"
                   f"latest={int(latest['y'])}|exempt={int(latest['ex'])}/{int(latest['exm'])}")

    sys.stdout.write("".join(line + "\n" for line in out))
    print(f"pandas: load {loaded:.3f} s, checks {time.perf_counter() - start:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
