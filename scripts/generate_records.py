#!/usr/bin/env python3
"""Writes the synthetic referral records in pathways/records/ (seeded: the same files every run).

The records are made up. Patients walk a designed pathway: each starts at an entry (or, for a
few, where the design has none), and each step follows a designed route chosen by its volume,
with waits drawn from a log-normal distribution whose median suits the service referred to
(hours from A&E, weeks for a memory assessment). A few steps are undesigned jumps, the informal
links of the field studies: a GP referring straight to a clinic the redesign closed to GPs.
A few designed routes are never taken (dormant). Every jump and every unexpected start the
generator made is written beside the records, so a
test can hold `pathway conform` to finding exactly those.

For each pathway it writes:
  NAME-events.csv       event rows: patient,service,time,organisation (ISO date-times, UTC)
  NAME-referrals.csv    referral rows: patient;from;to;time;organisation (';'-separated,
                        YYYY/MM/DD HH:MM:SS), the organisation being the one referred to
  NAME-jumps.csv        from,to,transitions,patients: the undesigned jumps made
  NAME-starts.csv       id,patients: journeys started where the design has no entry

Usage: python3 scripts/generate_records.py [--out pathways/records]
"""
import argparse
import csv
import datetime as dt
import math
import os
import random

import yaml

CASES = [
    {
        "name": "dementia-london-after",
        "design": "pathways/dementia-london-after.yaml",
        "patients": 3000,
        "seed": 2011,
        "start": dt.datetime(2011, 4, 1),
        "days": 365,
        # GPs still refer straight to the clinics the memory service now triages to; an A&E
        # refers to the memory service directly; liaison psychiatry to a geriatric clinic.
        "jumps": [
            ("gp-borough-a", "old-age-psychiatry-clinic", 0.05),
            ("gp-borough-b", "trust-b-geriatric-clinic", 0.05),
            ("trust-b-ae", "memory-service", 0.08),
            ("liaison-psychiatry", "trust-a-geriatric-clinic", 0.06),
        ],
        # Carers who find the dementia advisers themselves.
        "unexpected_starts": [("dementia-advisers", 0.02)],
        # Designed routes nobody uses: the informal links back from the clinics and to the CMHTs.
        "unused": [
            ("memory-service", "cmht-borough-a"), ("memory-service", "cmht-borough-b"),
            ("trust-a-geriatric-clinic", "memory-service"),
        ],
        "waits": {
            "memory-service": 21, "trust-a-geriatric-clinic": 28, "trust-b-geriatric-clinic": 28,
            "old-age-psychiatry-clinic": 35, "trust-a-wards": 0.3, "trust-b-wards": 0.3,
            "liaison-psychiatry": 1, "cmht-borough-a": 7, "cmht-borough-b": 7,
            "old-age-psychiatry-ward": 2, "care-homes": 30, "gp-borough-a": 30, "gp-borough-b": 30,
        },
    },
    {
        "name": "urgent-care-after",
        "design": "pathways/urgent-care-after.yaml",
        "patients": 4000,
        "seed": 2024,
        "start": dt.datetime(2023, 4, 1),
        "days": 366,
        "jumps": [
            ("urgent-care-centre", "acute-medical-unit", 0.06),
            ("gp-out-of-hours", "acute-medical-unit", 0.05),
            ("nhs-111", "community-nursing", 0.02),
        ],
        "unexpected_starts": [("rapid-response-team", 0.01)],
        "unused": [("acute-visiting-service", "paramedic-crews")],
        "waits": {
            "paramedic-crews": 0.02, "clinical-hub": 0.01, "a-and-e": 0.05, "acute-medical-unit": 0.2,
            "gp-out-of-hours": 0.15, "urgent-care-centre": 0.1, "nhs-111": 0.01, "emergency-999": 0.01,
            "rapid-response-team": 0.1, "mh-crisis-team": 0.5, "gp": 3, "community-nursing": 4,
            "reablement": 6, "falls-service": 10,
        },
    },
]


def walk(rng, case, design):
    services = {s["id"]: s for s in design["services"]}
    routes = {}
    unused = set(case.get("unused", []))
    for r in design.get("routes", []):
        if r["from"] in services and r["to"] in services and (r["from"], r["to"]) not in unused:
            routes.setdefault(r["from"], []).append((r["to"], r.get("volume") or 1))
    entries = [s["id"] for s in design["services"] if s.get("entry")]
    entry_weights = [sum(v for _, v in routes.get(e, [])) or 1 for e in entries]
    jumps = {}
    for a, b, p in case["jumps"]:
        assert a in services and b in services, (a, b)
        assert all(to != b for to, _ in routes.get(a, [])), f"{a} -> {b} is designed"
        jumps.setdefault(a, []).append((b, p))
    start = None
    u = rng.random()
    for service, p in case["unexpected_starts"]:
        assert not services[service].get("entry")
        if u < p:
            start = service
            break
        u -= p
    unexpected = start is not None
    if start is None:
        start = rng.choices(entries, entry_weights)[0]
    path = [start]
    undesigned = []
    while len(path) < 9:
        here = path[-1]
        options = routes.get(here, [])
        if services[here].get("terminal") or not options:
            break
        # Most journeys are short: a GP review or an onward step often ends them.
        if len(path) > 1 and rng.random() < (0.55 if services[here].get("entry") else 0.2):
            break
        # Some see only their GP; those who start elsewhere always go on (so that both shapes
        # of the records hold every unexpected start).
        if len(path) == 1 and not unexpected and rng.random() < 0.1:
            break
        jumped = False
        for target, p in jumps.get(here, []):
            if rng.random() < p:
                undesigned.append((here, target))
                path.append(target)
                jumped = True
                break
        if not jumped:
            targets, weights = zip(*options)
            path.append(rng.choices(targets, weights)[0])
    return path, undesigned, (start if unexpected else None)


def wait_days(rng, case, source, target, design_services):
    median = case["waits"].get(target, 14)
    if design_services[source].get("functions") and "emergency-care" in design_services[source]["functions"]:
        median = min(median, 0.2)
    return max(1 / 24, median * math.exp(rng.gauss(0, 0.7)))


def generate(case, out):
    rng = random.Random(case["seed"])
    with open(case["design"], encoding="utf-8") as f:
        design = yaml.safe_load(f)
    services = {s["id"]: s for s in design["services"]}
    events = []
    referrals = []
    jumps = {}
    starts = {}
    end = case["start"] + dt.timedelta(days=case["days"])
    for n in range(1, case["patients"] + 1):
        patient = f"P{n:05d}"
        path, undesigned, unexpected = walk(rng, case, design)
        t = case["start"] + dt.timedelta(minutes=rng.randrange(case["days"] * 24 * 60 * 3 // 4))
        times = [t]
        for a, b in zip(path, path[1:]):
            t = t + dt.timedelta(minutes=max(60, round(wait_days(rng, case, a, b, services) * 24 * 60)))
            times.append(t)
        # A journey is cut at the end of the period, as an extract is.
        kept = [k for k, when in enumerate(times) if when < end]
        path = [path[k] for k in kept]
        times = [times[k] for k in kept]
        made = set(zip(path, path[1:]))
        for a, b in sorted(set(undesigned)):
            if (a, b) in made:
                entry = jumps.setdefault((a, b), [0, set()])
                entry[0] += sum(1 for pair in zip(path, path[1:]) if pair == (a, b))
                entry[1].add(patient)
        if unexpected:
            starts[unexpected] = starts.get(unexpected, 0) + 1
        for k, (service, when) in enumerate(zip(path, times)):
            events.append((when, patient, service, services[service]["organisation"]))
            if k > 0:
                referrals.append((when, patient, path[k - 1], service, services[service]["organisation"]))
    # Extracts come in date order, patients interleaved.
    events.sort()
    referrals.sort()
    name = case["name"]
    with open(os.path.join(out, f"{name}-events.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient", "service", "time", "organisation"])
        for when, patient, service, org in events:
            w.writerow([patient, service, when.strftime("%Y-%m-%dT%H:%M:%S"), org])
    with open(os.path.join(out, f"{name}-referrals.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["patient", "from", "to", "time", "organisation"])
        for when, patient, a, b, org in referrals:
            w.writerow([patient, a, b, when.strftime("%Y/%m/%d %H:%M:%S"), org])
    with open(os.path.join(out, f"{name}-jumps.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["from", "to", "transitions", "patients"])
        for (a, b), (count, patients) in sorted(jumps.items()):
            w.writerow([a, b, count, len(patients)])
    with open(os.path.join(out, f"{name}-starts.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "patients"])
        for service, count in sorted(starts.items()):
            w.writerow([service, count])
    print(f"{name}: {case['patients']} patients, {len(events)} events, {len(referrals)} referrals,"
          f" {sum(c for c, _ in jumps.values())} undesigned jumps on {len(jumps)} routes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="pathways/records")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for case in CASES:
        generate(case, args.out)


if __name__ == "__main__":
    main()
