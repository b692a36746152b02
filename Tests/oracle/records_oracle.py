#!/usr/bin/env python3
"""An independent oracle for `pathway discover` and `pathway conform`, written with pandas and
numpy from the definitions of shared/pathway-format.md section 5 (not from the Swift code).

  records_oracle.py generate --seed S --count N FOLDER
      writes N seeded records files (both shapes; ',', ';' or tab; every time form; equal
      times, unsorted rows, patients with one event, self-transitions, services the design
      does not have, names that match the design by name) and a design pathway for each:
      case-K.csv (or .tsv), case-K.yaml, case-K.args (the options to read it with)
  records_oracle.py compare FOLDER
      for each case-K with case-K.discover.json and case-K.conform.json beside it (written by
      the tool), recomputes every key and reports every difference
  records_oracle.py xes RECORDS OUT.xes
      writes an event-rows CSV as XES with PM4Py's writer
  records_oracle.py pm4py RECORDS DISCOVER_JSON
      PM4Py's directly-follows graph, start and end activities of an event-rows CSV, held
      against the tool's routes, starts and ends
"""
import csv
import json
import math
import os
import random
import sys

import numpy as np
import pandas as pd
import yaml

SERVICES = ["gp", "memory", "clinic-a", "clinic-b", "ward", "cmht", "Memory Clinic", "Café α", "social care"]
ORGS = ["RV5", "trust-a", "Borough council", "gp-practices"]


# ---------------------------------------------------------------- generation

def time_text(rng, seconds, form, zone):
    t = pd.Timestamp(1_700_000_000 + seconds, unit="s")
    frac = ""
    if form in ("iso-fraction", "slash-fraction"):
        frac = "." + str(rng.choice([5, 25, 125, 123456789]))
    if form == "date":
        return t.strftime("%Y-%m-%d")
    if form == "minutes":
        return t.strftime("%Y-%m-%dT%H:%M") + zone
    if form.startswith("slash"):
        return t.strftime("%Y/%m/%d %H:%M:%S") + frac
    sep = rng.choice(["T", " "])
    return t.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + frac + zone


def generate(folder, seed, count):
    os.makedirs(folder, exist_ok=True)
    for k in range(count):
        rng = random.Random(seed * 1000 + k)
        shape = "referrals" if k % 2 else "events"
        delimiter = [",", ";", "\t"][k % 3]
        with_org = rng.random() < 0.5
        zoned = rng.random() < 0.3
        forms = ["iso", "iso-fraction", "minutes"] if zoned else ["iso", "iso-fraction", "date", "slash", "slash-fraction", "minutes"]
        pool = rng.sample(SERVICES, rng.randint(2, len(SERVICES)))
        patients = [f"p{n}" for n in range(rng.randint(1, 30))] or ["p0"]
        rows = []
        for _ in range(rng.randint(1, 150)):
            patient = rng.choice(patients)
            # Few distinct times, so that ties are common.
            seconds = rng.choice([0, 3600, 86400, 86400 * 3, 86400 * 40, 86400 * 400]) + rng.choice([0, 0, 60, 7])
            form = rng.choice(forms)
            if form == "date":
                seconds -= seconds % 86400
            zone = rng.choice(["Z", "+01:00", "-05:30", "+00:00"]) if zoned else ""
            if zoned and zone != "Z":
                sign = 1 if zone[0] == "+" else -1
                offset = sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
                # The same moment, written in local time with its offset.
                text = time_text(rng, seconds + offset, form, zone)
            else:
                text = time_text(rng, seconds, form, zone)
            row = {"patient": patient, "time": text}
            if shape == "events":
                row["service"] = rng.choice(pool)
            else:
                row["from"] = rng.choice(pool)
                row["to"] = rng.choice(pool)
            if with_org:
                row["organisation"] = rng.choice(ORGS)
            rows.append(row)
        names = {"patient": "patient", "service": "service", "from": "from", "to": "to", "time": "time",
                 "organisation": "organisation"}
        args = []
        if rng.random() < 0.3:
            names["patient"] = "Person_ID"
            args += ["--patient", "Person_ID"]
        if rng.random() < 0.3:
            names["time"] = "ReferralRequestReceivedDate"
            args += ["--time", "ReferralRequestReceivedDate"]
        columns = ["patient", "time"] + (["service"] if shape == "events" else ["from", "to"])
        if with_org:
            columns.append("organisation")
        rng.shuffle(columns)
        extra = rng.random() < 0.3
        ext = "tsv" if delimiter == "\t" else "csv"
        with open(os.path.join(folder, f"case-{k}.{ext}"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, delimiter=delimiter, lineterminator=rng.choice(["\n", "\r\n"]))
            w.writerow([names[c] for c in columns] + (["ignored"] if extra else []))
            for row in rows:
                w.writerow([row[c] for c in columns] + (["x, y"] if extra else []))
        with open(os.path.join(folder, f"case-{k}.args"), "w", encoding="utf-8") as f:
            f.write("\n".join(args))
        # A design: some of the pool by id, some by name, some missing; routes at random.
        services = []
        for name in pool:
            roll = rng.random()
            if roll < 0.2:
                continue
            sid = name if all(c.islower() or c.isdigit() or c == "-" for c in name) else f"svc-{len(services)}"
            if sid == name and rng.random() < 0.2:
                sid = f"named-{len(services)}"
            service = {"id": sid, "name": name, "organisation": "org"}
            if rng.random() < 0.4:
                service["entry"] = True
            if rng.random() < 0.3:
                service["capacity"] = rng.randint(0, 400)
            services.append(service)
        if not services:
            services = [{"id": "lonely", "organisation": "org"}]
        routes = []
        for _ in range(rng.randint(0, 12)):
            a, b = rng.choice(services)["id"], rng.choice(services)["id"]
            route = {"from": a, "to": b}
            if rng.random() < 0.5:
                route["volume"] = rng.randint(0, 500)
            if rng.random() < 0.3:
                route["purpose"] = rng.choice(["diagnosis", "review"])
            routes.append(route)
        if rng.random() < 0.2:
            routes.append({"from": services[0]["id"], "to": "ghost"})
        design = {"pathway": f"case {k}", "organisations": [{"id": "org", "sector": "other"}],
                  "services": services, "routes": routes}
        with open(os.path.join(folder, f"case-{k}.yaml"), "w", encoding="utf-8") as f:
            yaml.safe_dump(design, f, allow_unicode=True, sort_keys=False)


# ---------------------------------------------------------------- the oracle

def read(path, args):
    names = {"patient": "patient", "time": "time"}
    for flag, key in (("--patient", "patient"), ("--time", "time")):
        if flag in args:
            names[key] = args[args.index(flag) + 1]
    with open(path, encoding="utf-8") as f:
        header = f.readline()
    delimiter = max([",", ";", "\t"], key=lambda d: (header.count(d), d == ","))
    df = pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False)
    df = df.rename(columns={names["patient"]: "patient", names["time"]: "time"})
    df["row"] = np.arange(len(df))
    iso = df["time"].str.replace("/", "-", regex=False)
    df["t"] = pd.to_datetime(iso, format="ISO8601", utc=True)
    df["ns"] = df["t"].astype("int64") if df["t"].dt.unit == "ns" else df["t"].dt.as_unit("ns").astype("int64")
    shape = "referrals" if "from" in df.columns else "events"
    return df.sort_values(["patient", "ns", "row"], kind="stable").reset_index(drop=True), shape


def fmt_time(ns):
    seconds, frac = divmod(int(ns), 1_000_000_000)
    text = pd.Timestamp(seconds, unit="s").strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"


def median(values):
    return None if len(values) == 0 else float(np.median(np.asarray(values, dtype=float)))


def transitions(df, shape):
    """One row per transition: patient, from, to, wait in seconds (NaN when none)."""
    g = df.groupby("patient", sort=False)
    if shape == "events":
        prev = g["service"].shift(1)
        # Whole nanoseconds until the difference: float64 cannot hold a time since 1970 exactly.
        prev_ns = g["ns"].shift(1, fill_value=0)
        mask = prev.notna()
        out = pd.DataFrame({"patient": df["patient"][mask], "from": prev[mask], "to": df["service"][mask],
                            "wait": (df["ns"][mask] - prev_ns[mask]) / 1e9})
    else:
        prev_ns = g["ns"].shift(1, fill_value=0)
        first = g.cumcount() == 0
        wait = ((df["ns"] - prev_ns) / 1e9).where(~first)
        out = pd.DataFrame({"patient": df["patient"], "from": df["from"], "to": df["to"], "wait": wait})
    return out


def discover(df, shape):
    to_col = "service" if shape == "events" else "to"
    g = df.groupby("patient", sort=False)
    first = g.head(1)
    last = g.tail(1)
    starts = (first["service"] if shape == "events" else first["from"]).value_counts()
    ends = last[to_col].value_counts()
    names = set(df[to_col]) | (set(df["from"]) if shape == "referrals" else set())
    services = []
    for s in sorted(names, key=lambda x: x.encode()):
        at = df[df[to_col] == s]
        services.append({"id": s, "events": int(len(at)), "patients": int(at["patient"].nunique()),
                         "starts": int(starts.get(s, 0)), "ends": int(ends.get(s, 0))})
    tr = transitions(df, shape)
    routes = []
    for (a, b), grp in sorted(tr.groupby(["from", "to"]), key=lambda kv: (kv[0][0].encode(), kv[0][1].encode())):
        waits = grp["wait"].dropna().to_numpy()
        routes.append({
            "from": a, "to": b, "transitions": int(len(grp)), "patients": int(grp["patient"].nunique()),
            "meanSeconds": float(np.mean(waits)) if len(waits) else None,
            "medianSeconds": float(np.median(waits)) if len(waits) else None,
            "p90Seconds": float(np.percentile(waits, 90)) if len(waits) else None,
        })
    paths = {}
    for patient, grp in g:
        path = ([grp["from"].iloc[0]] if shape == "referrals" else []) + list(grp[to_col])
        paths[tuple(path)] = paths.get(tuple(path), 0) + 1
    variants = sorted(paths.items(), key=lambda kv: (-kv[1], [s.encode() for s in kv[0]]))
    provider = df["organisation"] if "organisation" in df.columns else df[to_col]
    upc, coc, secon, crossings = [], [], [], []
    for patient, idx in g.groups.items():
        seq = list(provider.loc[sorted(idx)])
        n = len(seq)
        if n < 2:
            continue
        counts = pd.Series(seq).value_counts()
        upc.append(counts.max() / n)
        coc.append(float((counts ** 2).sum() - n) / (n * (n - 1)))
        same = sum(1 for x, y in zip(seq, seq[1:]) if x == y)
        secon.append(same / (n - 1))
        crossings.append(n - 1 - same)

    def summary(xs):
        return {"mean": float(np.mean(xs)) if xs else None, "median": median(xs)}

    bc = summary(crossings)
    bc["max"] = int(max(crossings)) if crossings else None
    return {
        "events": int(len(df)), "patients": int(df["patient"].nunique()),
        "period": {"from": fmt_time(df["ns"].min()), "to": fmt_time(df["ns"].max())},
        "services": services, "routes": routes,
        "variants": [{"path": list(p), "patients": c} for p, c in variants[:20]],
        "variantCount": len(paths),
        "continuity": {"patients": len(upc), "upc": summary(upc), "coc": summary(coc), "secon": summary(secon),
                       "boundaryCrossings": bc},
    }


def conform(df, shape, design, period_days):
    by_id = {s["id"]: s["id"] for s in design["services"]}
    by_name = {}
    for s in design["services"]:
        by_name.setdefault(s.get("name", s["id"]), s["id"])

    def match(name):
        return by_id.get(name, by_name.get(name))

    ids = set(by_id)
    entries = {s["id"] for s in design["services"] if s.get("entry")}
    routes = [r for r in design.get("routes") or [] if r["from"] in ids and r["to"] in ids]
    designed = {(r["from"], r["to"]) for r in routes}
    tr = transitions(df, shape)
    tr["mfrom"] = [match(s) or s for s in tr["from"]]
    tr["mto"] = [match(s) or s for s in tr["to"]]
    tr["known"] = np.array([match(a) is not None and match(b) is not None for a, b in zip(tr["from"], tr["to"])],
                           dtype=bool)
    tr["designed"] = tr["known"] & pd.Series(
        [(a, b) in designed for a, b in zip(tr["mfrom"], tr["mto"])], index=tr.index, dtype=bool)
    total = len(tr)
    fitness = 1.0 if total == 0 else tr["designed"].sum() / total
    observed = {}
    for (a, b), grp in tr.groupby(["mfrom", "mto"]):
        observed[(a, b)] = (len(grp), grp["patient"].nunique())
    coverage = 1.0 if not designed else sum(1 for p in designed if p in observed) / len(designed)
    g = df.groupby("patient", sort=False)
    first = g.head(1)
    start_names = first["service"] if shape == "events" else first["from"]
    start_of = dict(zip(first["patient"], start_names))
    off_design = set(tr.loc[~tr["designed"], "patient"])
    on = 0
    unexpected = {}
    for patient, start in start_of.items():
        m = match(start)
        good_start = m is not None and m in entries
        if not good_start:
            key = m or start
            unexpected[key] = unexpected.get(key, 0) + 1
        if good_start and patient not in off_design:
            on += 1
    to_col = "service" if shape == "events" else "to"
    names = set(df[to_col]) | (set(df["from"]) if shape == "referrals" else set())
    unknown = [{"id": s, "events": int((df[to_col] == s).sum())} for s in sorted(names, key=lambda x: x.encode())
               if match(s) is None]

    def annual(count):
        x = count * 365.25 / period_days
        return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))

    undesigned = sorted(
        [{"from": a, "to": b, "transitions": int(c), "patients": int(p)} for (a, b), (c, p) in observed.items()
         if (a, b) not in designed],
        key=lambda r: (-r["transitions"], r["from"].encode(), r["to"].encode()))
    inbound = tr[np.array([match(s) is not None for s in tr["to"]], dtype=bool)].groupby("mto").size()
    over = []
    for s in sorted(design["services"], key=lambda s: s["id"].encode()):
        if "capacity" in s:
            a = annual(int(inbound.get(s["id"], 0)))
            if a > s["capacity"]:
                over.append({"id": s["id"], "inbound": a, "capacity": s["capacity"]})
    return {
        "fitness": float(fitness), "coverage": float(coverage), "patientsOnDesign": on / len(start_of),
        "dormantRoutes": [{"from": a, "to": b} for a, b in sorted(designed - set(observed), key=lambda p: (p[0].encode(), p[1].encode()))],
        "undesignedRoutes": undesigned,
        "unknownServices": unknown,
        "unexpectedStarts": [{"id": k, "patients": v} for k, v in sorted(unexpected.items(), key=lambda kv: kv[0].encode())],
        "volumes": [{"from": r["from"], "to": r["to"], "purpose": r.get("purpose"), "designed": r["volume"],
                     "observed": annual(observed.get((r["from"], r["to"]), (0, 0))[0])}
                    for r in routes if "volume" in r],
        "overCapacity": over,
    }


def differences(path, expected, actual):
    out = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual or key not in expected:
                out.append(f"{path}.{key}: missing on one side")
            else:
                out += differences(f"{path}.{key}", expected[key], actual[key])
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: {len(expected)} items expected, {len(actual)} found")
        for k, (e, a) in enumerate(zip(expected, actual)):
            out += differences(f"{path}[{k}]", e, a)
    elif isinstance(expected, float) or isinstance(actual, float):
        if expected is None or actual is None or not math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9):
            out.append(f"{path}: expected {expected}, found {actual}")
    elif expected != actual:
        out.append(f"{path}: expected {expected!r}, found {actual!r}")
    return out


def compare(folder):
    cases = sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".yaml"))
    passed = failed = 0
    for case in cases:
        data = [f for f in os.listdir(folder) if f.startswith(case + ".") and f.endswith(("csv", "tsv"))][0]
        with open(os.path.join(folder, case + ".args"), encoding="utf-8") as f:
            args = f.read().split("\n")
        df, shape = read(os.path.join(folder, data), args)
        with open(os.path.join(folder, case + ".discover.json"), encoding="utf-8") as f:
            actual_d = json.load(f)
        with open(os.path.join(folder, case + ".conform.json"), encoding="utf-8") as f:
            actual_c = json.load(f)
        with open(os.path.join(folder, case + ".yaml"), encoding="utf-8") as f:
            design = yaml.safe_load(f)
        expected_d = discover(df, shape)
        days = max(1.0, (df["ns"].max() - df["ns"].min()) / 1e9 / 86400)
        expected_c = conform(df, shape, design, days)
        problems = differences("discover", expected_d, actual_d) + differences("conform", expected_c, actual_c)
        if problems:
            failed += 1
            print(f"{case} ({shape}):\n  " + "\n  ".join(problems[:20]))
        else:
            passed += 1
    print(f"records oracle: {passed} passed, {failed} failed")
    return 1 if failed else 0


def pm4py_check(records, discover_json):
    import pm4py

    df = pd.read_csv(records, dtype=str, keep_default_na=False)
    df["time"] = pd.to_datetime(df["time"], format="ISO8601", utc=True)
    dfg, starts, ends = pm4py.discover_dfg(df, case_id_key="patient", activity_key="service", timestamp_key="time")
    with open(discover_json, encoding="utf-8") as f:
        ours = json.load(f)
    routes = {(r["from"], r["to"]): r["transitions"] for r in ours["routes"]}
    our_starts = {s["id"]: s["starts"] for s in ours["services"] if s["starts"]}
    our_ends = {s["id"]: s["ends"] for s in ours["services"] if s["ends"]}
    problems = []
    if dict(dfg) != routes:
        problems.append(f"directly-follows graph differs: {sorted(set(dfg.items()) ^ set(routes.items()))[:10]}")
    if dict(starts) != our_starts:
        problems.append(f"start activities differ: {dict(starts)} vs {our_starts}")
    if dict(ends) != our_ends:
        problems.append(f"end activities differ: {dict(ends)} vs {our_ends}")
    print("\n".join(problems) if problems else
          f"pm4py: {len(dfg)} directly-follows pairs, {len(starts)} start and {len(ends)} end activities agree")
    return 1 if problems else 0


def to_xes(records, out):
    """Writes an event-rows CSV as XES with PM4Py's own writer (organisation as org:group)."""
    import pm4py

    df = pd.read_csv(records, dtype=str, keep_default_na=False)
    df["time"] = pd.to_datetime(df["time"], format="ISO8601", utc=True)
    df = pm4py.format_dataframe(df, case_id="patient", activity_key="service", timestamp_key="time")
    if "organisation" in df.columns:
        df["org:group"] = df["organisation"]
    pm4py.write_xes(df, out)
    return 0


def main():
    command = sys.argv[1]
    if command == "generate":
        seed = int(sys.argv[sys.argv.index("--seed") + 1])
        count = int(sys.argv[sys.argv.index("--count") + 1])
        generate(sys.argv[-1], seed, count)
        return 0
    if command == "compare":
        return compare(sys.argv[2])
    if command == "xes":
        return to_xes(sys.argv[2], sys.argv[3])
    if command == "pm4py":
        return pm4py_check(sys.argv[2], sys.argv[3])
    print(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main())
