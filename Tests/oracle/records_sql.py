#!/usr/bin/env python3
"""Runs the SQL of `pathway discover --sql` inside a real engine, as an analyst would in a
secure environment, and saves each result as DIR/NAME.csv for `pathway discover --aggregates`.

  records_sql.py generate --rows N --shape events|referrals --seed S OUT.csv
      a seeded log (whole seconds, ties, self-transitions, patients with one event, an
      organisation column)
  records_sql.py run duckdb|spark SCRIPT.sql RECORDS.csv OUTDIR [SCRIPT RECORDS OUTDIR ...]
      for each triple, loads RECORDS.csv as the table `records` (with `row`, its file order, and `time` as a
      UTC timestamp), runs every query of SCRIPT.sql and writes OUTDIR/NAME.csv

DuckDB and PySpark (local mode) come from PyPI; Spark needs a Java runtime.
"""
import csv
import os
import random
import re
import sys

import pandas as pd


def generate(rows, shape, seed, out):
    rng = random.Random(seed)
    services = [f"s{k}" for k in range(12)] + ["Memory Clinic"]
    orgs = ["RV5", "trust-a", "council"]
    patients = [f"p{k}" for k in range(rows // 6)]
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        head = ["patient", "time", "organisation"] + (["service"] if shape == "events" else ["from", "to"])
        w.writerow(head)
        for _ in range(rows):
            seconds = 1_600_000_000 + rng.choice([0, 60, 3600]) + rng.randrange(0, 400) * 86400
            t = pd.Timestamp(seconds, unit="s").strftime("%Y-%m-%dT%H:%M:%S")
            ends = [rng.choice(services)] if shape == "events" else [rng.choice(services), rng.choice(services)]
            w.writerow([rng.choice(patients), t, rng.choice(orgs)] + ends)


def queries(script):
    parts = re.split(r"^-- (\w+)\.csv$", open(script, encoding="utf-8").read(), flags=re.M)
    return [(parts[k], parts[k + 1].strip().rstrip(";")) for k in range(1, len(parts), 2)]


def load(records):
    df = pd.read_csv(records, dtype=str, keep_default_na=False)
    df["row"] = range(len(df))
    df["time"] = pd.to_datetime(df["time"], format="ISO8601", utc=True).dt.tz_localize(None).astype("datetime64[us]")
    return df


def run(engine, jobs):
    """Each job is (script, records, out); Spark starts once for them all."""
    if engine == "duckdb":
        import duckdb

        for script, records, out in jobs:
            os.makedirs(out, exist_ok=True)
            con = duckdb.connect()
            con.execute("SET TimeZone = 'UTC'")
            con.register("records_df", load(records))
            con.execute("CREATE TABLE records AS SELECT * FROM records_df")
            for name, sql in queries(script):
                con.execute(sql).df().to_csv(os.path.join(out, name + ".csv"), index=False)
            print(f"duckdb: wrote {len(queries(script))} aggregates to {out}")
    elif engine == "spark":
        from pyspark.sql import SparkSession

        spark = (SparkSession.builder.master("local[2]").appName("pathway-sql")
                 .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
                 .config("spark.sql.shuffle.partitions", "4")
                 .config("spark.sql.execution.arrow.pyspark.enabled", "false").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        for script, records, out in jobs:
            os.makedirs(out, exist_ok=True)
            spark.createDataFrame(load(records)).createOrReplaceTempView("records")
            for name, sql in queries(script):
                spark.sql(sql).toPandas().to_csv(os.path.join(out, name + ".csv"), index=False)
            print(f"spark: wrote {len(queries(script))} aggregates to {out}")
        spark.stop()
    else:
        print(f"unknown engine {engine}", file=sys.stderr)
        return 64
    return 0


def main():
    if sys.argv[1] == "generate":
        args = sys.argv
        generate(int(args[args.index("--rows") + 1]), args[args.index("--shape") + 1],
                 int(args[args.index("--seed") + 1]), args[-1])
        return 0
    if sys.argv[1] == "run":
        rest = sys.argv[3:]
        return run(sys.argv[2], [tuple(rest[k:k + 3]) for k in range(0, len(rest), 3)])
    print(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main())
