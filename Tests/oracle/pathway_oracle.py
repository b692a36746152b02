#!/usr/bin/env python3
"""Independent test oracle for the service-pathway graph analyser.

This script re-implements, independently of the Swift code, the metrics of
section 2 of shared/pathway-format.md ("Definitions"), using NetworkX for every
graph algorithm (strongly connected components, dominators, reachability,
shortest paths, betweenness). It reads the same input formats as the project
(a YAML pathway file, or a folder holding services.csv and routes.csv).

How the Swift test suite uses it:
  1. `python3 pathway_oracle.py generate --seed S --count N DIR`
       writes N random, deterministic (per seed) pathway-like test cases into
       DIR: case-0001.yaml, ..., with about one case in five written as a CSV
       folder case-000K/ (services.csv + routes.csv).
  2. The Swift tests run the project's own `metrics --json` on every case and
       write the result next to it: case-0001.json beside case-0001.yaml,
       case-0002.json beside the folder case-0002/.
  3. `python3 pathway_oracle.py compare DIR`
       recomputes every case with this oracle and compares key by key
       (ints/strings/lists exactly, floats within 1e-9, "betweenness" only if
       the project wrote it). Prints one line per mismatch, then
       `oracle: N passed, M failed`; exits 1 when M > 0.

`python3 pathway_oracle.py metrics PATH` prints the oracle's metrics JSON for
one case (json.dumps(sort_keys=True, indent=2)).

Only networkx, PyYAML and the standard library are used.
"""

import argparse
import csv
import json
import math
import os
import random
import sys

import networkx as nx
import yaml

SECTORS = [
    "primary-care", "acute", "mental-health", "community-health",
    "social-care", "third-sector", "independent", "commissioner", "other",
]

# A unique node that can never collide with a service id (ids are strings).
ROOT = ("virtual-root",)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

class Pathway:
    """The parsed model: plain dicts, in file order."""

    def __init__(self, title, organisations, services, routes, profiles=()):
        self.title = title
        # profiles: list of {"id", "needs", "attributes", "entry" (list or None)}
        self.profiles = list(profiles)
        # organisations: list of {"id", "sector"}
        self.organisations = organisations
        # services: list of {"id", "organisation", "entry", "terminal",
        #                     "functions", "capacity"}
        self.services = services
        # routes: list of {"from", "to", "purpose", "volume"}
        self.routes = routes


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or "pathway" not in doc:
        raise ValueError(f"{path}: not a pathway file (no 'pathway' key)")
    orgs = [{"id": str(o["id"]), "sector": o["sector"]}
            for o in doc.get("organisations") or []]
    services = []
    for s in doc.get("services") or []:
        services.append({
            "id": str(s["id"]),
            "organisation": str(s["organisation"]),
            "entry": bool(s.get("entry", False)),
            "terminal": bool(s.get("terminal", False)),
            "functions": [str(w) for w in (s.get("functions") or [])],
            "capacity": s.get("capacity"),
            "eligibility": [str(w) for w in (s.get("eligibility") or [])],
        })
    routes = []
    for r in doc.get("routes") or []:
        routes.append({
            "from": str(r["from"]),
            "to": str(r["to"]),
            "purpose": None if r.get("purpose") is None else str(r["purpose"]),
            "volume": r.get("volume"),
        })
    profiles = []
    for q in doc.get("profiles") or []:
        profiles.append({
            "id": str(q["id"]),
            "needs": [str(w) for w in q["needs"]],
            "attributes": [str(w) for w in (q.get("attributes") or [])],
            "entry": None if q.get("entry") is None else [str(x) for x in q["entry"]],
        })
    return Pathway(str(doc["pathway"]), orgs, services, routes, profiles)


def _csv_bool(text):
    text = (text or "").strip().lower()
    if text == "":
        return False          # empty = default (false)
    if text in ("true", "false"):
        return text == "true"
    raise ValueError(f"not a boolean: {text!r}")


def _csv_int(text):
    text = (text or "").strip()
    return None if text == "" else int(text)


def _csv_str(text):
    text = (text or "").strip()
    return None if text == "" else text


def load_csv_folder(path):
    with open(os.path.join(path, "services.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    services, orgs, seen_orgs = [], [], set()
    for row in rows:
        org = row["organisation"].strip()
        if org not in seen_orgs:   # organisations = distinct organisation values
            seen_orgs.add(org)
            orgs.append({"id": org, "sector": row["sector"].strip()})
        funcs = [w.strip() for w in (row.get("functions") or "").split(";") if w.strip()]
        services.append({
            "id": row["id"].strip(),
            "organisation": org,
            "entry": _csv_bool(row.get("entry")),
            "terminal": _csv_bool(row.get("terminal")),
            "functions": funcs,
            "capacity": _csv_int(row.get("capacity")),
            "eligibility": [],
        })
    routes = []
    routes_path = os.path.join(path, "routes.csv")
    if os.path.exists(routes_path):
        with open(routes_path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                routes.append({
                    "from": row["from"].strip(),
                    "to": row["to"].strip(),
                    "purpose": _csv_str(row.get("purpose")),
                    "volume": _csv_int(row.get("volume")),
                })
    title = os.path.basename(os.path.normpath(path))   # CSV: the folder name
    return Pathway(title, orgs, services, routes)


def load(path):
    if os.path.isdir(path):
        return load_csv_folder(path)
    return load_yaml(path)


# ---------------------------------------------------------------------------
# Graphs
# ---------------------------------------------------------------------------

def known_routes(p):
    """R: the routes that join two known services (duplicates, self-routes kept)."""
    ids = {s["id"] for s in p.services}
    return [r for r in p.routes if r["from"] in ids and r["to"] in ids]


def org_of(p):
    return {s["id"]: s["organisation"] for s in p.services}


def crosses(p, route):
    """A route crosses a boundary when its two services belong to different organisations."""
    orgs = org_of(p)
    return orgs[route["from"]] != orgs[route["to"]]


def service_graph(p):
    """Simple DiGraph (S, R): parallel routes collapse, self-loops kept.
    Edge attribute "cross" = 1 if the route crosses a boundary else 0."""
    G = nx.DiGraph()
    G.add_nodes_from(s["id"] for s in p.services)
    for r in known_routes(p):
        G.add_edge(r["from"], r["to"], cross=1 if crosses(p, r) else 0)
    return G


def entries(p):
    return sorted(s["id"] for s in p.services if s["entry"])


def rooted_graph(p, G):
    """G plus a virtual root joined to every entry (root edges cross nothing)."""
    Gr = G.copy()
    Gr.add_node(ROOT)
    for e in entries(p):
        Gr.add_edge(ROOT, e, cross=0)
    return Gr


# ---------------------------------------------------------------------------
# Metrics (section 2 of pathway-format.md)
# ---------------------------------------------------------------------------

def m_sectors(p):
    """number of distinct sectors among organisations that run at least one service"""
    running = {s["organisation"] for s in p.services}
    return len({o["sector"] for o in p.organisations if o["id"] in running})


def m_cross_boundary(p):
    """crossBoundaryRoutes: routes in R that cross a boundary;
    crossBoundaryShare: crossBoundaryRoutes / routes, 0 when there are no routes"""
    R = known_routes(p)
    n = sum(1 for r in R if crosses(p, r))
    share = float(n) / len(R) if R else 0.0
    return n, share


def m_ownership_hhi(p):
    """Σ over organisations of (services it runs / |S|)²"""
    total = len(p.services)
    if total == 0:
        return 0.0
    hhi = 0.0
    for o in p.organisations:
        runs = sum(1 for s in p.services if s["organisation"] == o["id"])
        hhi += (runs / total) ** 2
    return float(hhi)


def m_unreachable(p, Gr):
    """ids of services not reachable from any entry, sorted (entries are reachable)"""
    reached = nx.descendants(Gr, ROOT)
    return sorted(s["id"] for s in p.services if s["id"] not in reached)


def m_dead_ends(p, G):
    """services with no outgoing route in R (a self-route counts) and not terminal"""
    return sorted(s["id"] for s in p.services
                  if G.out_degree(s["id"]) == 0 and not s["terminal"])


def m_loops(G):
    """SCCs of (S, R) with more than one service, plus services with a route to
    themselves: exactly the SCCs that contain a cycle. Each sorted, list sorted."""
    loops = []
    for comp in nx.strongly_connected_components(G):
        if len(comp) > 1 or any(G.has_edge(v, v) for v in comp):
            loops.append(sorted(comp))
    return sorted(loops)


def m_bottlenecks(p, Gr):
    """with a virtual root joined to every entry, the non-entry services that
    strictly dominate at least one other service, as {"id", "dominates"}
    (dominates = services it strictly dominates, itself excluded), by id."""
    D = Gr.copy()
    D.remove_edges_from(list(nx.selfloop_edges(D)))   # irrelevant to dominance
    idom = nx.immediate_dominators(D, ROOT)
    idom.pop(ROOT, None)        # older NetworkX maps start -> start
    # Dominator tree: d strictly dominates v iff d is a proper ancestor of v.
    tree = nx.DiGraph()
    tree.add_nodes_from(idom)
    tree.add_edges_from((parent, v) for v, parent in idom.items())
    entry_set = set(entries(p))
    result = []
    for s in sorted(s["id"] for s in p.services):
        if s in entry_set or s not in tree:
            continue            # unreachable services dominate nothing
        n = len(nx.descendants(tree, s))
        if n > 0:
            result.append({"id": s, "dominates": n})
    return result


def m_orphaned_routes(p):
    """routes whose from or to names no service, as {"from","to","purpose"} in file order"""
    ids = {s["id"] for s in p.services}
    return [{"from": r["from"], "to": r["to"], "purpose": r["purpose"]}
            for r in p.routes if r["from"] not in ids or r["to"] not in ids]


def m_over_capacity(p):
    """services with a capacity whose inbound volume (sum of volume over routes
    in R into it; self-routes included; missing volume = 0) exceeds it"""
    inbound = {s["id"]: 0 for s in p.services}
    for r in known_routes(p):
        inbound[r["to"]] += r["volume"] or 0
    out = []
    for s in sorted(p.services, key=lambda s: s["id"]):
        cap = s["capacity"]
        if cap is not None and inbound[s["id"]] > cap:
            out.append({"id": s["id"], "inbound": inbound[s["id"]], "capacity": cap})
    return out


def m_functions(p, Gr):
    """For every function word F offered by any service:
    providers, pointsOfEntry, singlePointOfEntry, minReferrals, minBoundaries."""
    words = sorted({w for s in p.services for w in s["functions"]})
    # Distances from the virtual root (a root edge is not a referral, so -1).
    hops = nx.single_source_shortest_path_length(Gr, ROOT)
    bounds = nx.single_source_dijkstra_path_length(Gr, ROOT, weight="cross")
    result = {}
    for F in words:
        providers = sorted(s["id"] for s in p.services if F in s["functions"])
        pset = set(providers)
        # "a provider reached from an entry by a path none of whose earlier
        # services offers F": BFS that does not expand out of providers of F.
        H = nx.subgraph_view(Gr, filter_edge=lambda u, v, pset=pset: u not in pset)
        points = sorted(pset & nx.descendants(H, ROOT))
        reached = [v for v in providers if v in hops]
        result[F] = {
            "providers": providers,
            "pointsOfEntry": points,
            "singlePointOfEntry": len(points) == 1,
            # fewest routes on a path from an entry to a provider (0 if an entry offers F)
            "minReferrals": min(hops[v] - 1 for v in reached) if reached else None,
            # fewest boundary-crossing routes on any path from an entry to a provider
            "minBoundaries": min(int(bounds[v]) for v in reached) if reached else None,
        }
    return result


def m_betweenness(G):
    """nx.betweenness_centrality(normalized=True) on the simple DiGraph of R,
    parallel routes collapsed, self-loops removed, every service a node."""
    B = nx.DiGraph()
    B.add_nodes_from(G.nodes)
    B.add_edges_from((u, v) for u, v in G.edges if u != v)
    return {k: float(v) for k, v in nx.betweenness_centrality(B, normalized=True).items()}


def m_profiles(p):
    """Section 4, on the product graph written out in full: node (v, j) is "at v with the
    first j needs met". A "meet" edge (v, j) -> (v, j + 1) exists when v offers need j + 1 and
    costs nothing; a "move" edge (v, j) -> (w, j) exists for each route v -> w in R into a
    service w that accepts the profile, and costs one referral, and one boundary if it crosses.
    Start nodes: (s, 0) for the profile's entries that accept it. No greedy step: NetworkX's
    Dijkstra finds the fewest referrals and the fewest boundaries to any (v, k), and the nodes
    reachable give the most needs met."""
    by_id = {s["id"]: s for s in p.services}
    result = {}
    for q in p.profiles:
        if q["id"] in result:
            continue
        needs, attrs = q["needs"], set(q["attributes"])
        k = len(needs)
        accepts = {s["id"] for s in p.services if set(s["eligibility"]) <= attrs}
        P = nx.DiGraph()
        for s in p.services:
            for j in range(k + 1):
                P.add_node((s["id"], j))
            for j in range(k):
                if needs[j] in s["functions"]:
                    P.add_edge((s["id"], j), (s["id"], j + 1), referrals=0, boundaries=0)
        for r in known_routes(p):
            if r["to"] not in accepts:
                continue
            cross = 1 if crosses(p, r) else 0
            for j in range(k + 1):
                u, v = (r["from"], j), (r["to"], j)
                old = P.get_edge_data(u, v)
                # Parallel routes collapse; a self-route changes nothing.
                if u != v and (old is None or old["boundaries"] > cross):
                    P.add_edge(u, v, referrals=1, boundaries=cross)
        starts = q["entry"] if q["entry"] is not None else entries(p)
        sources = sorted({(x, 0) for x in starts if x in accepts and x in by_id})
        targets = [(s["id"], k) for s in p.services]
        reached = set(sources)
        for src in sources:
            reached |= nx.descendants(P, src)
        served = any(t in reached for t in targets)
        def fewest(weight):
            if not served:
                return None
            dist = nx.multi_source_dijkstra_path_length(P, sources, weight=weight)
            return min(dist[t] for t in targets if t in dist)
        most = max((j for (_, j) in reached), default=0)
        result[q["id"]] = {
            "served": served,
            "minReferrals": fewest("referrals"),
            "minBoundaries": fewest("boundaries"),
            "journey": None,   # checked for validity by compare: any shortest journey will do
            "unmet": None if served else needs[most],
        }
    return result


def check_journey(p, q, got):
    """Whether got["journey"] is a journey of profile q with got["minReferrals"] routes."""
    steps = got.get("journey")
    if not isinstance(steps, list) or not got.get("served"):
        return steps == []
    by_id = {s["id"]: s for s in p.services}
    attrs = set(q["attributes"])
    route_pairs = {(r["from"], r["to"]) for r in known_routes(p)}
    starts = q["entry"] if q["entry"] is not None else entries(p)
    ids = [st.get("service") for st in steps]
    if len(ids) != got["minReferrals"] + 1 or ids[0] not in starts:
        return False
    if any(x not in by_id or not set(by_id[x]["eligibility"]) <= attrs for x in ids):
        return False
    if any((a, b) not in route_pairs for a, b in zip(ids, ids[1:])):
        return False
    met = [w for st in steps for w in st.get("meets", [])]
    return met == q["needs"] and all(
        set(st["meets"]) <= set(by_id[st["service"]]["functions"]) for st in steps)


def compute_metrics(p):
    G = service_graph(p)
    Gr = rooted_graph(p, G)
    cb_routes, cb_share = m_cross_boundary(p)
    return {
        "pathway": p.title,
        "services": len(p.services),
        "organisations": len(p.organisations),
        "routes": len(known_routes(p)),
        "sectors": m_sectors(p),
        "entryPoints": entries(p),
        "crossBoundaryRoutes": cb_routes,
        "crossBoundaryShare": cb_share,
        "ownershipHHI": m_ownership_hhi(p),
        "unreachable": m_unreachable(p, Gr),
        "deadEnds": m_dead_ends(p, G),
        "loops": m_loops(G),
        "bottlenecks": m_bottlenecks(p, Gr),
        "orphanedRoutes": m_orphaned_routes(p),
        "overCapacity": m_over_capacity(p),
        "functions": m_functions(p, Gr),
        "profiles": m_profiles(p),
        "betweenness": m_betweenness(G),
    }


def cmd_metrics(args):
    print(json.dumps(compute_metrics(load(args.path)), sort_keys=True, indent=2))
    return 0


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------

FUNCTION_WORDS = [
    "first-contact", "assessment", "diagnosis", "treatment", "review",
    "care-planning", "crisis-support", "respite", "imaging", "therapy",
]
SERVICE_WORDS = [
    "gp", "memory-clinic", "ward", "outpatients", "day-centre", "crisis-team",
    "home-care", "helpline", "imaging-unit", "therapy-team", "hospice",
    "walk-in", "social-work", "carers-hub", "triage",
]
ATTRIBUTE_WORDS = ["age-65-plus", "under-65", "has-carer", "lives-in-borough", "housebound"]
ORG_WORDS = [
    "gp-practices", "mh-trust", "acute-trust", "council", "icb", "charity",
    "community-trust", "private-clinic", "federation", "hospice-trust",
]


def _gen_model(rng):
    """A random pathway as plain data (shared by the YAML and CSV writers)."""
    size_band = rng.random()
    if size_band < 0.25:
        n_services = rng.randint(1, 5)
    elif size_band < 0.7:
        n_services = rng.randint(6, 20)
    else:
        n_services = rng.randint(21, 60)

    # Organisations: 1..8, ids unique; some may end up running no service.
    n_orgs = rng.randint(1, min(8, n_services + 2))
    org_ids = [f"{rng.choice(ORG_WORDS)}-{k + 1}" for k in range(n_orgs)]
    orgs = [{"id": oid, "sector": rng.choice(SECTORS)} for oid in org_ids]
    # Which organisations actually run services (at least one).
    running = org_ids if rng.random() < 0.6 else org_ids[:max(1, n_orgs - rng.randint(0, 2))]

    # Services in a rough pathway order; ids unique.
    vocab = rng.sample(FUNCTION_WORDS, rng.randint(3, len(FUNCTION_WORDS)))
    services = []
    for i in range(n_services):
        funcs = [] if rng.random() < 0.2 else rng.sample(vocab, rng.randint(1, min(3, len(vocab))))
        services.append({
            "id": f"{rng.choice(SERVICE_WORDS)}-{i + 1}",
            "organisation": rng.choice(running),
            "entry": False,
            "terminal": rng.random() < 0.15,
            "functions": funcs,
            "capacity": rng.randint(0, 400) if rng.random() < 0.3 else None,
            "eligibility": (rng.sample(ATTRIBUTE_WORDS, rng.randint(1, 2))
                            if rng.random() < 0.25 else []),
        })

    # Entries: zero (~10%), one (~45%) or several (~45%), mostly early on.
    mode = rng.random()
    n_entries = 0 if mode < 0.1 else (1 if mode < 0.55 else rng.randint(2, 4))
    n_entries = min(n_entries, n_services)
    early = list(range(min(n_services, max(n_entries, n_services // 3 + 1))))
    for i in rng.sample(early, n_entries):
        services[i]["entry"] = True

    ids = [s["id"] for s in services]
    pairs = []
    # Mostly forward edges: each later service gets 0..2 parents from earlier ones
    # (no parent at all leaves an unreachable part now and then).
    for i in range(1, n_services):
        k = rng.choices([0, 1, 2], weights=[0.12, 0.6, 0.28])[0]
        for _ in range(k):
            pairs.append((ids[rng.randrange(i)], ids[i]))
    # Back edges make loops; self-routes; random extra edges.
    for _ in range(rng.randint(0, max(1, n_services // 6))):
        if n_services > 1 and rng.random() < 0.6:
            a, b = sorted(rng.sample(range(n_services), 2))
            pairs.append((ids[b], ids[a]))
    if rng.random() < 0.25:
        x = rng.choice(ids)
        pairs.append((x, x))
    for _ in range(rng.randint(0, n_services // 5)):
        pairs.append((rng.choice(ids), rng.choice(ids)))
    rng.shuffle(pairs)
    # Duplicates.
    if pairs and rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            pairs.insert(rng.randrange(len(pairs) + 1), rng.choice(pairs))
    # Orphaned routes: from or to an id that names no service.
    if rng.random() < 0.3:
        for j in range(rng.randint(1, 3)):
            ghost = f"old-{rng.choice(SERVICE_WORDS)}-{rng.randint(100, 999)}"
            pair = (rng.choice(ids), ghost) if rng.random() < 0.5 else (ghost, rng.choice(ids))
            if rng.random() < 0.1:
                pair = (ghost, ghost + "-b")
            pairs.insert(rng.randrange(len(pairs) + 1), pair)

    routes = []
    for a, b in pairs:
        routes.append({
            "from": a,
            "to": b,
            "purpose": rng.choice(vocab) if rng.random() < 0.6 else None,
            "kind": rng.choices([None, "formal", "informal"], weights=[0.5, 0.25, 0.25])[0],
            "volume": rng.randint(0, 300) if rng.random() < 0.7 else None,
            "note": "agreed locally" if rng.random() < 0.1 else None,
        })
    # Patient profiles: one to four, needing one to four words (now and then one no
    # service offers), with attributes some services require, and now and then their own
    # entries.
    profiles = []
    for k in range(rng.randint(1, 4)):
        needs = [rng.choice(vocab) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.1:
            needs.insert(rng.randrange(len(needs) + 1), "unoffered-need")
        profiles.append({
            "id": f"profile-{k + 1}",
            "needs": needs,
            "attributes": rng.sample(ATTRIBUTE_WORDS, rng.randint(0, 3)),
            "entry": (rng.sample(ids, rng.randint(1, min(3, len(ids))))
                      if rng.random() < 0.3 else None),
        })
    return orgs, services, routes, profiles


def _write_yaml(rng, path, title, orgs, services, routes, profiles):
    doc = {"pathway": title}
    if rng.random() < 0.5:
        doc["condition"] = rng.choice(["dementia", "psychosis", "stroke", "frailty"])
    if rng.random() < 0.4:
        doc["area"] = "two inner-London boroughs"
    if rng.random() < 0.5:
        doc["as-of"] = str(rng.randint(2005, 2024))   # a string, never an int
    if rng.random() < 0.3:
        doc["source"] = "generated by pathway_oracle.py"
    if rng.random() < 0.2:
        doc["notes"] = "random test case: not a real pathway"
    doc["organisations"] = []
    for o in orgs:
        od = {"id": o["id"]}
        if rng.random() < 0.5:
            od["name"] = o["id"].replace("-", " ").title()
        od["sector"] = o["sector"]
        doc["organisations"].append(od)
    doc["services"] = []
    for s in services:
        sd = {"id": s["id"]}
        if rng.random() < 0.5:
            sd["name"] = s["id"].replace("-", " ").capitalize()
        sd["organisation"] = s["organisation"]
        if s["entry"] or rng.random() < 0.3:
            sd["entry"] = s["entry"]
        if s["terminal"] or rng.random() < 0.2:
            sd["terminal"] = s["terminal"]
        if s["functions"] or rng.random() < 0.3:
            sd["functions"] = list(s["functions"])
        if s["capacity"] is not None:
            sd["capacity"] = s["capacity"]
        if rng.random() < 0.05:
            sd["replaces"] = [f"old-clinic-{rng.randint(1, 9)}"]
        if s["eligibility"]:
            sd["eligibility"] = list(s["eligibility"])
        doc["services"].append(sd)
    if routes or rng.random() < 0.5:
        doc["routes"] = []
        for r in routes:
            rd = {"from": r["from"], "to": r["to"]}
            for key in ("purpose", "kind", "volume", "note"):
                if r[key] is not None:
                    rd[key] = r[key]
            doc["routes"].append(rd)
    doc["profiles"] = []
    for q in profiles:
        qd = {"id": q["id"], "needs": list(q["needs"])}
        if q["attributes"] or rng.random() < 0.2:
            qd["attributes"] = list(q["attributes"])
        if q["entry"] is not None:
            qd["entry"] = list(q["entry"])
        if rng.random() < 0.3:
            qd["share"] = round(rng.random(), 2)
        doc["profiles"].append(qd)
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, sort_keys=False, default_flow_style=False, allow_unicode=True)


def _write_csv(rng, folder, orgs, services, routes):
    os.makedirs(folder, exist_ok=True)
    sector = {o["id"]: o["sector"] for o in orgs}
    with open(os.path.join(folder, "services.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "organisation", "sector", "entry", "terminal",
                    "functions", "capacity"])
        for s in services:
            def flag(v):    # empty = default (false)
                return "true" if v else ("" if rng.random() < 0.3 else "false")
            w.writerow([
                s["id"],
                s["id"].replace("-", " ").capitalize() if rng.random() < 0.6 else "",
                s["organisation"], sector[s["organisation"]],
                flag(s["entry"]), flag(s["terminal"]),
                ";".join(s["functions"]),
                "" if s["capacity"] is None else str(s["capacity"]),
            ])
    with open(os.path.join(folder, "routes.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["from", "to", "purpose", "kind", "volume"])
        for r in routes:
            w.writerow([r["from"], r["to"], r["purpose"] or "", r["kind"] or "",
                        "" if r["volume"] is None else str(r["volume"])])


def cmd_generate(args):
    rng = random.Random(args.seed)
    os.makedirs(args.dir, exist_ok=True)
    for k in range(1, args.count + 1):
        name = f"case-{k:04d}"
        orgs, services, routes, profiles = _gen_model(rng)
        if k % 5 == 2:      # one case in five (case-0002, case-0007, ...) as CSV
            # The CSV pair holds no eligibility and no profiles.
            for s in services:
                s["eligibility"] = []
            # CSV declares organisations only through services: drop idle ones.
            used = {s["organisation"] for s in services}
            _write_csv(rng, os.path.join(args.dir, name),
                       [o for o in orgs if o["id"] in used], services, routes)
        else:
            title = f"Generated pathway {k} (seed {args.seed})"
            _write_yaml(rng, os.path.join(args.dir, name + ".yaml"), title, orgs, services, routes,
                        profiles)
    return 0


# ---------------------------------------------------------------------------
# Compare
# ---------------------------------------------------------------------------

def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _close(a, b):
    if math.isnan(a) or math.isnan(b):
        return False
    diff = abs(a - b)
    return diff <= 1e-9 or diff <= 1e-9 * max(abs(a), abs(b))


def _equal(expected, got):
    """ints, strings, bools, null exactly; floats within 1e-9 (abs or rel);
    lists element-wise in order; objects with exactly the same keys."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, int):
        return type(got) is int and got == expected
    if isinstance(expected, float):
        return _is_number(got) and _close(float(expected), float(got))
    if isinstance(expected, list):
        return (isinstance(got, list) and len(got) == len(expected)
                and all(_equal(e, g) for e, g in zip(expected, got)))
    if isinstance(expected, dict):
        return (isinstance(got, dict) and set(got) == set(expected)
                and all(_equal(expected[k], got[k]) for k in expected))
    return expected == got


def _show(x):
    return json.dumps(x, sort_keys=True)


def _diff(path, expected, got, out):
    """Append "path: expected X got Y" lines; objects are walked key by key."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for k in sorted(set(expected) | set(got)):
            sub = f"{path}.{k}" if path else k
            if k not in got:
                out.append(f"{sub}: expected {_show(expected[k])} got <missing>")
            elif k not in expected:
                out.append(f"{sub}: expected <absent> got {_show(got[k])}")
            else:
                _diff(sub, expected[k], got[k], out)
    elif not _equal(expected, got):
        out.append(f"{path}: expected {_show(expected)} got {_show(got)}")


def find_cases(directory):
    """Each X.yaml / X.yml file, and each folder X/ holding services.csv."""
    cases = []
    for entry in sorted(os.listdir(directory)):
        full = os.path.join(directory, entry)
        if os.path.isdir(full) and os.path.exists(os.path.join(full, "services.csv")):
            cases.append((entry, full))
        elif os.path.isfile(full) and entry.endswith((".yaml", ".yml")):
            cases.append((os.path.splitext(entry)[0], full))
    return cases


def cmd_compare(args):
    passed = failed = 0
    cases = find_cases(args.dir)
    if not cases:
        print(f"warning: no cases found in {args.dir}", file=sys.stderr)
    for name, path in cases:
        out_path = os.path.join(args.dir, name + ".json")
        lines = []
        if not os.path.exists(out_path):
            lines.append(f"{name}: missing output file {name}.json")
        else:
            try:
                with open(out_path, encoding="utf-8") as f:
                    got = json.load(f)
                expected = compute_metrics(load(path))
                if isinstance(got, dict) and "betweenness" not in got:
                    del expected["betweenness"]   # compared only if the project wrote it
                # Any journey with the fewest referrals will do: the project's is checked to
                # be one, then taken as expected.
                p = load(path)
                got_profiles = got.get("profiles") if isinstance(got, dict) else None
                for q in p.profiles:
                    want = expected["profiles"].get(q["id"])
                    mine = (got_profiles or {}).get(q["id"])
                    if want is None or not isinstance(mine, dict):
                        continue
                    if want["served"] and check_journey(p, q, mine):
                        want["journey"] = mine.get("journey")
                    elif not want["served"]:
                        want["journey"] = []
                diffs = []
                _diff("", expected, got, diffs)
                lines.extend(f"{name}: {d}" for d in diffs)
            except Exception as exc:   # unreadable output or case: a failed case
                lines.append(f"{name}: error: {type(exc).__name__}: {exc}")
        for line in lines:
            print(line)
        if lines:
            failed += 1
        else:
            passed += 1
    print(f"oracle: {passed} passed, {failed} failed")
    return 1 if failed else 0


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="Independent NetworkX oracle for pathway metrics.")
    sub = ap.add_subparsers(dest="command", required=True)
    p_m = sub.add_parser("metrics", help="print the oracle metrics JSON of one case")
    p_m.add_argument("path", help="a YAML pathway file or a folder with services.csv and routes.csv")
    p_g = sub.add_parser("generate", help="write random test cases")
    p_g.add_argument("--seed", type=int, required=True)
    p_g.add_argument("--count", type=int, required=True)
    p_g.add_argument("dir")
    p_c = sub.add_parser("compare", help="compare the project's X.json outputs with the oracle")
    p_c.add_argument("dir")
    args = ap.parse_args(argv)
    return {"metrics": cmd_metrics, "generate": cmd_generate, "compare": cmd_compare}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
