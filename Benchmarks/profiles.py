#!/usr/bin/env python3
"""Measures what patient profiles add to `pathway metrics --json` on a large network.

Writes a seeded profiles file (COUNT profiles of one to NEEDS needs, drawn from the network's
function words) beside the network, then runs `pathway metrics --json NET` without and with
`--profiles` RUNS times each (with --no-betweenness), one process a run, and prints each run's wall time and peak
resident memory, and the medians:

    python3 Benchmarks/generate_network.py --services 1000000 --seed 1 /tmp/net-1m
    swift build -c release --product pathway
    python3 Benchmarks/profiles.py /tmp/net-1m --count 10 --needs 6 --runs 3
    python3 Benchmarks/profiles.py /tmp/net-1m --count 10 --needs 6 --unserved 10   # worst case
"""
import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def function_words(folder):
    words = set()
    with open(os.path.join(folder, "services.csv"), newline="") as f:
        for k, row in enumerate(csv.DictReader(f)):
            words.update(w for w in (row.get("functions") or "").split(";") if w)
            if k > 100_000:
                break
    return sorted(words)


def write_profiles(path, words, count, needs, unserved, seed):
    """COUNT profiles; the last UNSERVED of them end in a need no service offers, so that the
    search visits every state it can reach: the worst case."""
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("profiles:\n")
        for k in range(count):
            chosen = [rng.choice(words) for _ in range(rng.randint(1, needs))]
            if k == 0 or k >= count - unserved:
                chosen = [rng.choice(words) for _ in range(needs)]   # of the full length
            if k >= count - unserved:
                chosen[-1] = "offered-nowhere"
            f.write(f"  - id: profile-{k + 1}\n    needs: [{', '.join(chosen)}]\n")


def run(command):
    """Wall seconds and peak resident MiB of one process."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(command)}")
    return wall, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="a CSV-pair network, e.g. from generate_network.py")
    parser.add_argument("--count", type=int, default=10, help="profiles (default 10)")
    parser.add_argument("--needs", type=int, default=6, help="most needs a profile has (default 6)")
    parser.add_argument("--unserved", type=int, default=0,
                        help="how many profiles end in a need no service offers (the worst case)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pathway", default=os.path.join(HERE, "..", ".build", "release", "pathway"))
    args = parser.parse_args()
    profiles = os.path.join(args.folder, "profiles.yaml")
    write_profiles(profiles, function_words(args.folder), args.count, args.needs, args.unserved, args.seed)
    # Betweenness (sampled from 1,000 sources at this size) would dwarf the rest: left out, as
    # in compare.py, so the figure is what profiles add to the other metrics.
    base = [args.pathway, "metrics", "--json", "--no-betweenness", args.folder]
    results = {"without profiles": [], "with profiles": []}
    for _ in range(args.runs):
        # Alternate, so that a busy moment of the machine falls on both.
        results["without profiles"].append(run(base))
        results["with profiles"].append(run(base + ["--profiles", profiles]))
    print(f"{args.folder}: {args.count} profiles of up to {args.needs} needs, {args.unserved} of them"
          f" unservable ({profiles})")
    print(f"{'':18} {'runs: wall s':>40} {'median s':>9} {'peak MiB':>9}")
    medians = {}
    for name, runs in results.items():
        walls = [w for w, _ in runs]
        medians[name] = statistics.median(walls)
        print(f"{name:18} {' '.join(f'{w:7.2f}' for w in walls):>40} {medians[name]:9.2f} "
              f"{max(m for _, m in runs):9.0f}")
    print(f"profiles add {medians['with profiles'] - medians['without profiles']:.2f} s (median)")


if __name__ == "__main__":
    main()
