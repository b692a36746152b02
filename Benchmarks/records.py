#!/usr/bin/env python3
"""How fast `pathway discover --json` turns referral records into the observed pathway, against
the tools an analyst would otherwise reach for, measured in the same run on the same file.

    python3 Benchmarks/records.py [--sizes 100000,1000000,10000000] [--tools pathway,duckdb,...]
                                  [--runs 3] [--folder /tmp/pathway-records-bench] [--ids short|nhs]

For each size it writes seeded event rows (patient,service,time; one patient in four of the
rows' count, 200 services, a year of times to the second) unless the file is there already,
with patient ids `p0`, `p1`, ... (`--ids short`) or ten digits as NHS numbers are (`--ids nhs`:
patient n is `n * 7919 mod 10^10`, zero-padded, so ids stay distinct and come in no order),
then runs each tool in a process of its own (median of --runs, and the peak memory of that
process) and checks that every tool found the same transitions per route.

The peers, written as their experts write them:
- duckdb: the SQL `pathway discover --sql duckdb` prints, over `read_csv` of the file (the full
  work: per-route transitions, patients, mean, median and 90th-percentile waits; per-service
  events, patients, starts and ends; variants; continuity);
- polars: a lazy scan, `sort` by (patient, time, row), `shift` over patient, `group_by` with
  `median` and `quantile(0.9, "linear")`;
- pandas: `read_csv` (the C engine), `sort_values` (stable), `groupby().shift`, `groupby.agg`
  with `median` and `quantile(0.9)`;
- pm4py: `discover_dfg` (directly-follows counts, start and end activities only).
pathway is the release build (`swift build -c release --product pathway`); the peers come from
PyPI: pip install duckdb polars pandas pm4py.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, ".build/release/pathway")

PEERS = {
    "duckdb": r'''
import duckdb, sys, json
con = duckdb.connect(); con.execute("SET TimeZone = 'UTC'")
script = open(sys.argv[2]).read()
import re
parts = re.split(r"^-- (\w+)\.csv$", script, flags=re.M)
out = {}
for k in range(1, len(parts), 2):
    out[parts[k]] = con.execute(parts[k + 1].strip().rstrip(";")).fetchall()
routes = {f"{r[0]}>{r[1]}": r[2] for r in out["routes"]}
json.dump(routes, open(sys.argv[3], "w"))
''',
    "polars": r'''
import polars as pl, sys, json
lf = (pl.scan_csv(sys.argv[1]).with_row_index("row")
      .with_columns(pl.col("time").str.to_datetime("%Y-%m-%dT%H:%M:%S"))
      .sort(["patient", "time", "row"])
      .with_columns(pl.col("service").shift(1).over("patient").alias("from"),
                    (pl.col("time") - pl.col("time").shift(1).over("patient")).dt.total_seconds().alias("wait")))
tr = lf.filter(pl.col("from").is_not_null())
routes = tr.group_by(["from", "service"]).agg(
    pl.len().alias("transitions"), pl.col("patient").n_unique().alias("patients"), pl.col("wait").mean().alias("mean"),
    pl.col("wait").median().alias("median"), pl.col("wait").quantile(0.9, "linear").alias("p90")).collect()
services = lf.group_by("service").agg(pl.len(), pl.col("patient").n_unique()).collect()
firsts = lf.group_by("patient").agg(pl.col("service").first().alias("s"), pl.col("service").last().alias("e")).collect()
json.dump({f"{a}>{b}": n for a, b, n in routes.select(["from", "service", "transitions"]).iter_rows()}, open(sys.argv[3], "w"))
''',
    "pandas": r'''
import pandas as pd, numpy as np, sys, json
df = pd.read_csv(sys.argv[1], dtype={"patient": str, "service": str})
df["t"] = pd.to_datetime(df["time"], format="%Y-%m-%dT%H:%M:%S")
df["row"] = np.arange(len(df))
df = df.sort_values(["patient", "t", "row"], kind="stable")
g = df.groupby("patient", sort=False)
df["from"] = g["service"].shift(1)
df["wait"] = (df["t"] - g["t"].shift(1)).dt.total_seconds()
tr = df[df["from"].notna()]
routes = tr.groupby(["from", "service"]).agg(transitions=("wait", "size"), patients=("patient", "nunique"),
    mean=("wait", "mean"), median=("wait", "median"))
routes["p90"] = tr.groupby(["from", "service"])["wait"].quantile(0.9)
services = df.groupby("service").agg(events=("patient", "size"), patients=("patient", "nunique"))
ends = g["service"].agg(["first", "last"])
json.dump({f"{a}>{b}": int(n) for (a, b), n in routes["transitions"].items()}, open(sys.argv[3], "w"))
''',
    "pm4py": r'''
import pandas as pd, sys, json, pm4py
df = pd.read_csv(sys.argv[1], dtype={"patient": str, "service": str})
df["time"] = pd.to_datetime(df["time"], format="%Y-%m-%dT%H:%M:%S")
dfg, starts, ends = pm4py.discover_dfg(df, case_id_key="patient", activity_key="service", timestamp_key="time")
json.dump({f"{a}>{b}": int(n) for (a, b), n in dfg.items()}, open(sys.argv[3], "w"))
''',
}


def generate(rows, path, ids="short"):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(rows)
    # Up to 10^7 rows in one piece; beyond, pieces of 10^7 rows appended (10^8 rows of strings
    # in one frame would not fit this machine's memory).
    piece = rows if rows <= 10_000_000 else 10_000_000
    for start in range(0, rows, piece):
        n = min(piece, rows - start)
        patients = rng.integers(0, max(1, rows // 4), n)
        services = rng.integers(0, 200, n)
        seconds = 1_600_000_000 + rng.integers(0, 365 * 86400, n)
        if ids == "nhs":
            patient = np.char.zfill((patients.astype(np.int64) * 7919 % 10**10).astype(str), 10)
        else:
            patient = np.char.add("p", patients.astype(str))
        df = pd.DataFrame({"patient": patient,
                           "service": np.char.add("s", services.astype(str)),
                           "time": pd.to_datetime(seconds, unit="s").strftime("%Y-%m-%dT%H:%M:%S")})
        df.to_csv(path, index=False, mode="w" if start == 0 else "a", header=start == 0)


def measure(command):
    """Wall seconds and peak resident memory (MB) of one process."""
    start = time.perf_counter()
    run = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {run.stderr[-2000:]}")
    peak = int(run.stderr.strip().splitlines()[-1]) / 1024
    return wall, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--tools", default="pathway,duckdb,polars,pandas,pm4py")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", default="/tmp/pathway-records-bench")
    parser.add_argument("--ids", choices=["short", "nhs"], default="short",
                        help="patient ids: p0, p1, ... or ten-digit numbers like NHS numbers")
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    tools = args.tools.split(",")
    import importlib.util
    missing = [t for t in tools if t != "pathway" and importlib.util.find_spec(t) is None]
    if missing:
        raise SystemExit(f"not installed: {', '.join(missing)}; pip install {' '.join(missing)},"
                         " or leave them out with --tools")
    if not os.path.exists(TOOL):
        raise SystemExit("build the tool first: swift build -c release --product pathway")
    sql = os.path.join(args.folder, "discover.sql")
    with open(sql, "w") as f:
        f.write(subprocess.run([TOOL, "discover", "--sql", "duckdb", "records"], capture_output=True, text=True,
                               check=True).stdout)
    rows_out = []
    for size in [int(s) for s in args.sizes.split(",")]:
        name = f"events-{size}" if args.ids == "short" else f"events-{args.ids}-{size}"
        path = os.path.join(args.folder, name + ".csv")
        if not os.path.exists(path):
            generate(size, path, args.ids)
        table = f"(SELECT *, row_number() OVER () AS \"row\" FROM read_csv('{path}')) AS records"
        sized = os.path.join(args.folder, f"discover-{name}.sql")
        with open(sized, "w") as f:
            f.write(open(sql).read().replace("FROM records", "FROM " + table))
        results = {}
        for tool in tools:
            out = os.path.join(args.folder, f"{tool}-{name}.json")
            if tool == "pathway":
                command = ["/bin/sh", "-c", f"exec '{TOOL}' discover '{path}' --json > '{out}'"]
            else:
                script = os.path.join(args.folder, f"peer_{tool}.py")
                with open(script, "w") as f:
                    f.write(PEERS[tool])
                # Each peer reads argv[1] (the records), argv[2] (duckdb: the SQL) and writes argv[3].
                command = [sys.executable, script, path, sized if tool == "duckdb" else "-", out]
            runs = [measure(command) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            with open(out) as f:
                data = json.load(f)
            if tool == "pathway":
                data = {f"{r['from']}>{r['to']}": r["transitions"] for r in data["routes"]}
            results[tool] = (wall, peak, data)
            print(f"{size:>11,} rows  {tool:8} {wall:8.2f} s  {peak:8.0f} MB", flush=True)
        reference = results[tools[0]][2]
        for tool in tools[1:]:
            if results[tool][2] != reference:
                raise SystemExit(f"{tool} disagrees with {tools[0]} on the transitions at {size} rows")
        rows_out.append((size, results))
    print()
    print("| rows | " + " | ".join(tools) + " |")
    print("|---|" + "---|" * len(tools))
    for size, results in rows_out:
        base = results["pathway"][0] if "pathway" in results else None
        cells = []
        for tool in tools:
            wall, peak, _ = results[tool]
            ratio = f", {wall / base:.1f}×" if base and tool != "pathway" else ""
            cells.append(f"{wall:.2f} s, {peak:.0f} MB{ratio}")
        print(f"| {size:,} | " + " | ".join(cells) + " |")
    print("\nEvery tool found the same transitions on every route. Ratios: the peer's time over pathway's.")


if __name__ == "__main__":
    main()
