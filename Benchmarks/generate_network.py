#!/usr/bin/env python3
"""Writes a seeded, pathway-like referral network as the CSV pair (services.csv, routes.csv).

Services are spread over organisations of random sectors; a few are entries; most routes stay
within an organisation, some cross boundaries, and some services are unreachable or in loops.
Used to measure the tool on national-scale networks:

    python3 Benchmarks/generate_network.py --services 100000 --seed 1 /tmp/net-100k
    time .build/release/pathway metrics --json /tmp/net-100k > /dev/null
"""
import argparse
import os
import random

SECTORS = ["primary-care", "acute", "mental-health", "community-health", "social-care",
           "third-sector", "independent", "commissioner", "other"]
FUNCTIONS = ["first-contact", "assessment", "diagnosis", "treatment", "review", "crisis-response",
             "social-support", "rehabilitation", "advice", "inpatient-care"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--routes-per-service", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    n = args.services
    organisations = max(1, n // 50)
    os.makedirs(args.folder, exist_ok=True)
    org_sector = [rng.choice(SECTORS) for _ in range(organisations)]
    org_of = [min(organisations - 1, int(rng.paretovariate(1.2)) - 1 + (i * organisations) // n)
              for i in range(n)]
    entries = max(1, n // 2000)
    with open(os.path.join(args.folder, "services.csv"), "w") as f:
        f.write("id,name,organisation,sector,entry,terminal,functions,capacity\n")
        for i in range(n):
            o = org_of[i]
            functions = ";".join(sorted(rng.sample(FUNCTIONS, rng.randint(0, 2))))
            capacity = rng.randint(100, 5000) if rng.random() < 0.3 else ""
            f.write(f"s{i},Service {i},org{o},{org_sector[o]},{'true' if i < entries else 'false'},"
                    f"{'true' if rng.random() < 0.1 else 'false'},{functions},{capacity}\n")
    by_org = {}
    for i, o in enumerate(org_of):
        by_org.setdefault(o, []).append(i)
    m = int(n * args.routes_per_service)
    with open(os.path.join(args.folder, "routes.csv"), "w") as f:
        f.write("from,to,purpose,kind,volume\n")
        for _ in range(m):
            a = rng.randrange(n)
            if rng.random() < 0.8:
                b = rng.choice(by_org[org_of[a]])  # within the organisation
            elif rng.random() < 0.9:
                b = min(n - 1, a + rng.randint(1, 500))  # mostly onward
            else:
                b = rng.randrange(n)  # anywhere, making loops
            # A small share of services is left unreachable: nothing routes to the last 1%.
            if b >= n - n // 100:
                b = rng.randrange(n - n // 100)
            purpose = rng.choice(FUNCTIONS) if rng.random() < 0.5 else ""
            kind = "informal" if rng.random() < 0.1 else "formal"
            volume = rng.randint(0, 500) if rng.random() < 0.7 else ""
            f.write(f"s{a},s{b},{purpose},{kind},{volume}\n")


if __name__ == "__main__":
    main()
