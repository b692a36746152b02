#!/usr/bin/env python3
"""Times `pathway metrics` against NetworkX, igraph and rustworkx on the same generated networks.

For each size, one seeded network is generated with generate_network.py (and cached in the work
folder); then each tool runs in its own process, one after the other, and does the same work:
load services.csv and routes.csv from disk into its graph, then compute reachability from the
entries (unreachable), strongly connected components (loops), dominators from a virtual root
joined to every entry (bottlenecks and how many services each dominates), BFS hop counts and 0-1
boundary counts from the entries (minReferrals, minBoundaries), the points of entry of every
function, crossBoundaryRoutes, deadEnds, ownershipHHI and overCapacity (pathway-format.md,
section 2). Wall time and peak memory (maximum resident set size) are those of that process; each
run starts with both files in the page cache.
Every tool prints a small summary (counts and digests of every metric); each must match pathway's.

    python3 Benchmarks/compare.py                     # sizes 1000 10000 100000 1000000, all tools
    python3 Benchmarks/compare.py --sizes 1000 10000
    python3 Benchmarks/compare.py --sizes 1000000 --tools pathway igraph rustworkx
    python3 Benchmarks/compare.py --seed 2 --work /tmp/pathway-bench --timeout 900

Exit status: 0 when every tool agreed with pathway at every size, 1 on a mismatch or a failure
(a timeout alone is not a failure).
"""
import argparse
import collections
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ORACLE_DIR = os.path.join(REPO, "Tests", "oracle")
TOOLS = ["pathway", "networkx", "igraph", "rustworkx"]
# Per Python tool: module imported -> package pip installs (the NetworkX column reuses the oracle,
# which imports yaml).
PIP_PACKAGES = {"networkx": {"networkx": "networkx", "yaml": "pyyaml"}, "igraph": {"igraph": "igraph"},
                "rustworkx": {"rustworkx": "rustworkx"}}
NOTES = {
    "networkx": "reuses Tests/oracle/pathway_oracle.py (its CSV loader and metric functions), except "
                "the graph build, crossBoundaryRoutes and ownershipHHI, rewritten linearly (the oracle's "
                "versions are O(routes x services), fine for its small cases); 0-1 boundary counts by "
                "Dijkstra with weights 0/1",
    "igraph": "0-1 boundary counts by Dijkstra with weights 0/1 (igraph has no 0-1 BFS); points of entry "
              "by deleting the providers' outgoing edges from a copy, then subcomponent; dominator "
              "subtree sizes summed in Python over the BFS order",
    "rustworkx": "dominators by rustworkx.immediate_dominators (Cooper-Harvey-Kennedy, in Rust); 0-1 "
                 "boundary counts by Dijkstra with weights 0/1 and a Python edge-cost callback; points "
                 "of entry by removing the providers' outgoing edges from a copy, then descendants; "
                 "dominator subtree sizes summed in Python over the BFS order",
}


# ---------------------------------------------------------------------------
# Summaries: small enough to print, strong enough to catch a wrong metric
# ---------------------------------------------------------------------------

def digest(value):
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def summarise(m):
    """Counts and digests of a metrics object shaped like pathway's `metrics --json` output."""
    functions = m["functions"]
    return {
        "services": m["services"],
        "routes": m["routes"],
        "crossBoundaryRoutes": m["crossBoundaryRoutes"],
        "ownershipHHI": m["ownershipHHI"],
        "unreachable": [len(m["unreachable"]), digest(m["unreachable"])],
        "deadEnds": [len(m["deadEnds"]), digest(m["deadEnds"])],
        "loops": [len(m["loops"]), sum(len(c) for c in m["loops"]), digest(m["loops"])],
        "bottlenecks": [len(m["bottlenecks"]), sum(b["dominates"] for b in m["bottlenecks"]),
                        digest([[b["id"], b["dominates"]] for b in m["bottlenecks"]])],
        "overCapacity": [len(m["overCapacity"]),
                         digest([[o["id"], o["inbound"], o["capacity"]] for o in m["overCapacity"]])],
        "providers": sum(len(f["providers"]) for f in functions.values()),
        "pointsOfEntry": [sum(len(f["pointsOfEntry"]) for f in functions.values()),
                          digest({w: f["pointsOfEntry"] for w, f in functions.items()})],
        "minReferrals": {w: f["minReferrals"] for w, f in functions.items()},
        "minBoundaries": {w: f["minBoundaries"] for w, f in functions.items()},
    }


def disagreements(reference, other):
    """Keys on which two summaries differ (ownershipHHI within 1e-9, the rest exactly)."""
    keys = []
    for key in sorted(set(reference) | set(other)):
        a, b = reference.get(key), other.get(key)
        if key == "ownershipHHI" and isinstance(a, float) and isinstance(b, float):
            if abs(a - b) <= 1e-9:
                continue
        if a != b:
            keys.append(key)
    return keys


# ---------------------------------------------------------------------------
# Workers: each runs in its own process (`compare.py --worker TOOL FOLDER`)
# ---------------------------------------------------------------------------

class Network:
    """services.csv and routes.csv as plain arrays indexed by service number (igraph, rustworkx)."""

    def __init__(self, folder):
        import csv
        self.ids, self.org, self.entry, self.terminal, self.functions, self.capacity = [], [], [], [], [], []
        self.org_names = {}
        with open(os.path.join(folder, "services.csv"), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                self.ids.append(row["id"].strip())
                self.org.append(self.org_names.setdefault(row["organisation"].strip(), len(self.org_names)))
                self.entry.append((row["entry"] or "").strip().lower() == "true")
                self.terminal.append((row["terminal"] or "").strip().lower() == "true")
                self.functions.append({w.strip() for w in (row["functions"] or "").split(";") if w.strip()})
                capacity = (row["capacity"] or "").strip()
                self.capacity.append(int(capacity) if capacity else None)
        index = {s: i for i, s in enumerate(self.ids)}
        # R: the routes joining two known services (duplicates and self-routes kept).
        self.sources, self.targets, self.volumes = [], [], []
        with open(os.path.join(folder, "routes.csv"), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                a, b = index.get(row["from"].strip()), index.get(row["to"].strip())
                if a is None or b is None:
                    continue                      # orphaned route: not in R
                volume = (row["volume"] or "").strip()
                self.sources.append(a)
                self.targets.append(b)
                self.volumes.append(int(volume) if volume else 0)
        self.n = len(self.ids)
        self.root = self.n                        # the virtual root is one extra node
        self.entries = [i for i in range(self.n) if self.entry[i]]
        self.cross = [1 if self.org[a] != self.org[b] else 0 for a, b in zip(self.sources, self.targets)]
        self.providers = collections.defaultdict(list)
        for i, words in enumerate(self.functions):
            for w in words:
                self.providers[w].append(i)


def plain_metrics(net):
    """The metrics that need no graph algorithm, shared by the igraph and rustworkx workers."""
    inbound = [0] * net.n
    for b, volume in zip(net.targets, net.volumes):
        inbound[b] += volume
    runs = collections.Counter(net.org)
    return {
        "services": net.n,
        "routes": len(net.sources),
        "crossBoundaryRoutes": sum(net.cross),
        "ownershipHHI": sum((k / net.n) ** 2 for k in runs.values()) if net.n else 0.0,
        "overCapacity": sorted(({"id": net.ids[i], "inbound": inbound[i], "capacity": net.capacity[i]}
                                for i in range(net.n)
                                if net.capacity[i] is not None and inbound[i] > net.capacity[i]),
                               key=lambda o: o["id"]),
    }


def loops_from_components(net, components):
    """SCCs with more than one service, plus those holding a service with a route to itself."""
    self_routes = {a for a, b in zip(net.sources, net.targets) if a == b}
    loops = [sorted(net.ids[v] for v in c) for c in components
             if len(c) > 1 or (len(c) == 1 and c[0] in self_routes)]
    return sorted(loops)


def bottlenecks_from_idom(net, idom, bfs_order):
    """Services (not entries) strictly dominating others, with how many. idom[v] precedes v in BFS
    order (it lies on every path to v, the shortest included), so one backward pass sums subtrees."""
    dominated = [0] * (net.n + 1)
    for v in reversed(bfs_order):
        if v != net.root:
            dominated[idom[v]] += dominated[v] + 1
    return [{"id": net.ids[v], "dominates": dominated[v]}
            for v in sorted((v for v in bfs_order if v != net.root and not net.entry[v] and dominated[v]),
                            key=lambda v: net.ids[v])]


def function_metrics(net, hops, bounds, points_of_entry):
    """hops[v], bounds[v]: distances from the root (None if unreachable); a root edge is no referral."""
    result = {}
    for w in sorted(net.providers):
        providers = net.providers[w]
        reached = [v for v in providers if hops[v] is not None]
        result[w] = {
            "providers": sorted(net.ids[v] for v in providers),
            "pointsOfEntry": sorted(net.ids[v] for v in points_of_entry[w]),
            "minReferrals": min(hops[v] - 1 for v in reached) if reached else None,
            "minBoundaries": min(int(bounds[v]) for v in reached) if reached else None,
        }
    return result


def work_igraph(folder):
    import igraph
    start = time.perf_counter()
    net = Network(folder)
    g = igraph.Graph(n=net.n + 1, directed=True,
                     edges=list(zip(net.sources, net.targets)) + [(net.root, e) for e in net.entries])
    g.es["cross"] = net.cross + [0] * len(net.entries)
    loaded = time.perf_counter()
    m = plain_metrics(net)
    bfs_order, _, _ = g.bfs(net.root, mode="out")
    reached = set(bfs_order)
    m["unreachable"] = sorted(net.ids[v] for v in range(net.n) if v not in reached)
    m["deadEnds"] = sorted(net.ids[v] for v, d in enumerate(g.outdegree()[:net.n])
                           if d == 0 and not net.terminal[v])
    # Strongly connected components, grouped from the membership list (read it once: each read of
    # the property copies it).
    components = collections.defaultdict(list)
    for v, c in enumerate(g.connected_components(mode="strong").membership[:net.n]):
        components[c].append(v)
    m["loops"] = loops_from_components(net, components.values())
    m["bottlenecks"] = bottlenecks_from_idom(net, g.dominator(net.root, mode="out"), bfs_order)
    hops = g.distances(source=[net.root], mode="out")[0]
    # igraph has no 0-1 BFS: Dijkstra with weights 0 (same organisation) and 1 (a boundary).
    bounds = g.distances(source=[net.root], weights="cross", mode="out")[0]
    hops = [None if d == float("inf") else int(d) for d in hops]
    points = {}
    for w, providers in net.providers.items():
        h = g.copy()
        h.delete_edges([e for v in providers for e in g.incident(v, mode="out")])
        seen = set(h.subcomponent(net.root, mode="out"))
        points[w] = [v for v in providers if v in seen]
    m["functions"] = function_metrics(net, hops, bounds, points)
    return m, loaded - start


def work_rustworkx(folder):
    import rustworkx
    start = time.perf_counter()
    net = Network(folder)
    g = rustworkx.PyDiGraph(multigraph=True)
    g.add_nodes_from([None] * (net.n + 1))
    g.extend_from_weighted_edge_list(
        [(a, b, float(c)) for a, b, c in zip(net.sources, net.targets, net.cross)]
        + [(net.root, e, 0.0) for e in net.entries])
    loaded = time.perf_counter()
    m = plain_metrics(net)
    layers = rustworkx.bfs_layers(g, [net.root])
    bfs_order = [v for layer in layers for v in layer]
    hops = [None] * (net.n + 1)
    for depth, layer in enumerate(layers):
        for v in layer:
            hops[v] = depth
    m["unreachable"] = sorted(net.ids[v] for v in range(net.n) if hops[v] is None)
    m["deadEnds"] = sorted(net.ids[v] for v in range(net.n) if g.out_degree(v) == 0 and not net.terminal[v])
    m["loops"] = loops_from_components(net, rustworkx.strongly_connected_components(g))
    m["bottlenecks"] = bottlenecks_from_idom(net, rustworkx.immediate_dominators(g, net.root), bfs_order)
    # No 0-1 BFS in rustworkx: Dijkstra over the edge weights 0/1, through a Python cost callback.
    lengths = rustworkx.digraph_dijkstra_shortest_path_lengths(g, net.root, edge_cost_fn=float)
    bounds = [None] * (net.n + 1)
    for v, d in lengths.items():
        bounds[v] = d
    points = {}
    for w, providers in net.providers.items():
        h = g.copy()
        for e in [e for v in providers for e in g.out_edge_indices(v)]:
            h.remove_edge_from_index(e)
        seen = rustworkx.descendants(h, net.root)
        points[w] = [v for v in providers if v in seen]
    m["functions"] = function_metrics(net, hops, bounds, points)
    return m, loaded - start


def work_networkx(folder):
    sys.path.insert(0, ORACLE_DIR)
    import networkx
    import pathway_oracle as oracle
    start = time.perf_counter()
    p = oracle.load_csv_folder(folder)
    routes = oracle.known_routes(p)
    org = oracle.org_of(p)
    # As oracle.service_graph, with the organisation map built once (the oracle's crosses() rebuilds
    # it for every route).
    G = networkx.DiGraph()
    G.add_nodes_from(s["id"] for s in p.services)
    for r in routes:
        G.add_edge(r["from"], r["to"], cross=1 if org[r["from"]] != org[r["to"]] else 0)
    Gr = oracle.rooted_graph(p, G)
    loaded = time.perf_counter()
    runs = collections.Counter(s["organisation"] for s in p.services)
    m = {
        "services": len(p.services),
        "routes": len(routes),
        "crossBoundaryRoutes": sum(1 for r in routes if org[r["from"]] != org[r["to"]]),
        "ownershipHHI": sum((runs[o["id"]] / len(p.services)) ** 2 for o in p.organisations),
        "unreachable": oracle.m_unreachable(p, Gr),
        "deadEnds": oracle.m_dead_ends(p, G),
        "loops": oracle.m_loops(G),
        "bottlenecks": oracle.m_bottlenecks(p, Gr),
        "overCapacity": oracle.m_over_capacity(p),
        "functions": oracle.m_functions(p, Gr),   # 0-1 counts: Dijkstra with weights 0/1
    }
    return m, loaded - start


def run_worker(tool, folder):
    start = time.perf_counter()
    work = {"networkx": work_networkx, "igraph": work_igraph, "rustworkx": work_rustworkx}[tool]
    metrics, load_seconds = work(folder)
    summary = summarise(metrics)
    summary["_loadSeconds"] = load_seconds
    summary["_innerSeconds"] = time.perf_counter() - start
    print(json.dumps(summary, sort_keys=True))
    return 0


def run_measured(rss_file, command):
    """Fallback without /usr/bin/time: this process is fresh, so RUSAGE_CHILDREN is the tool's alone."""
    import resource
    code = subprocess.call(command)
    with open(rss_file, "w") as f:
        f.write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")   # KiB on Linux
    return code


# ---------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------

def ensure_packages(tools):
    missing = sorted({package for tool in tools for module, package in PIP_PACKAGES.get(tool, {}).items()
                      if importlib.util.find_spec(module) is None})
    if not missing:
        return
    print(f"installing {' '.join(missing)} from PyPI", flush=True)
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    if subprocess.call(pip + missing) != 0:
        subprocess.check_call(pip + ["--break-system-packages"] + missing)


def network(work, size, seed):
    """The cached network folder for (size, seed), generated on first use."""
    folder = os.path.join(work, f"net-{size}-seed{seed}")
    if not (os.path.exists(os.path.join(folder, "services.csv"))
            and os.path.exists(os.path.join(folder, "routes.csv"))):
        partial = folder + ".partial"
        shutil.rmtree(partial, ignore_errors=True)
        print(f"generating {size} services (seed {seed}) in {folder}", flush=True)
        subprocess.check_call([sys.executable, os.path.join(HERE, "generate_network.py"),
                               "--services", str(size), "--seed", str(seed), partial])
        shutil.rmtree(folder, ignore_errors=True)
        os.rename(partial, folder)
    return folder


def count_rows(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f) - 1


def measure(command, stdout_path, rss_path, timeout):
    """Runs command in its own process group; returns (status, wall seconds, peak KiB, stderr)."""
    if os.path.exists("/usr/bin/time"):
        wrapped = ["/usr/bin/time", "-f", "%M", "-o", rss_path] + command
    else:
        wrapped = [sys.executable, os.path.abspath(__file__), "--measure", rss_path, "--"] + command
    with open(stdout_path, "w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=out, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # the wrapper and the tool under it
            proc.communicate()
            return "timeout", time.perf_counter() - start, None, ""
        wall = time.perf_counter() - start
    peak = None
    try:
        with open(rss_path) as f:
            lines = [line for line in f.read().split("\n") if line.strip()]
        peak = int(lines[-1])
    except (OSError, ValueError, IndexError):
        pass
    return proc.returncode, wall, peak, err.decode(errors="replace")


def warm_page_cache(folder):
    """Reads both CSV files once, so that every tool starts with them in the page cache: no tool
    pays for the disk, and the order the tools run in does not matter (the kernel may have
    evicted files left untouched for a while)."""
    for name in ("services.csv", "routes.csv"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                while f.read(1 << 24):
                    pass


def run_tool(tool, folder, args):
    """One measured run; returns a result dict (status ok/timeout/failed, wall, peak, summary)."""
    stem = os.path.join(args.work, f"{tool}-{os.path.basename(folder)}")
    if tool == "pathway":
        command = [args.pathway, "metrics", "--no-betweenness", "--json", folder]
        ok_codes = (0, 1)    # 1: the network has findings (unreachable services, dead ends...)
    else:
        command = [sys.executable, os.path.abspath(__file__), "--worker", tool, folder]
        ok_codes = (0,)
    warm_page_cache(folder)
    code, wall, peak, err = measure(command, stem + ".out", stem + ".rss", args.timeout)
    result = {"tool": tool, "wall": wall, "peak": peak, "summary": None, "load": None}
    if code == "timeout":
        result["status"] = "timeout"
        return result
    try:
        if code not in ok_codes:
            raise ValueError(f"exit status {code}")
        with open(stem + ".out") as f:
            if tool == "pathway":
                result["summary"] = summarise(json.load(f))
            else:
                result["summary"] = json.loads(f.read().strip().splitlines()[-1])
                result["load"] = result["summary"].pop("_loadSeconds")
                result["summary"].pop("_innerSeconds")
        result["status"] = "ok"
    except (ValueError, KeyError, IndexError, OSError) as exc:
        result["status"] = "failed"
        tail = "\n".join(err.strip().splitlines()[-5:])
        print(f"!! {tool} failed on {folder}: {exc}\n{tail}", file=sys.stderr, flush=True)
    return result


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, load average {load}"


def versions(tools, pathway):
    parts = [f"Python {platform.python_version()}"]
    if "pathway" in tools:
        try:
            commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True).stdout.strip() or "?"
        except OSError:
            commit = "?"
        built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(pathway)))
        parts.append(f"pathway {os.path.relpath(pathway, REPO)} (built {built}, checkout at {commit})")
    for tool in tools:
        if tool in PIP_PACKAGES:
            parts.append(f"{tool} {importlib.metadata.version(tool)}")
    return ", ".join(parts)


def ratio(wall, base):
    if base is None or base <= 0:
        return "n/a"
    r = wall / base
    if abs(r - 1) < 0.05:
        return "same"
    return f"{r:.1f}× slower" if r > 1 else f"{1 / r:.1f}× faster"


def print_row(cells, widths):
    print("  ".join(str(c).rjust(w) if i != 1 else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))),
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000],
                        help="numbers of services (default: 1000 10000 100000 1000000)")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=TOOLS,
                        help="tools to run, in this order (default: all)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--work", default="/tmp/pathway-bench",
                        help="folder for the cached networks and outputs (default /tmp/pathway-bench)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run (default 600)")
    parser.add_argument("--pathway", default=os.path.join(REPO, ".build", "release", "pathway"),
                        help="the pathway binary (default .build/release/pathway)")
    parser.add_argument("--worker", nargs=2, metavar=("TOOL", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="RSS_FILE", help=argparse.SUPPRESS)
    parser.add_argument("command", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return run_worker(*args.worker)
    if args.measure:
        return run_measured(args.measure, args.command)

    if "pathway" in args.tools and not os.access(args.pathway, os.X_OK):
        parser.error(f"no pathway binary at {args.pathway} (build it: swift build -c release)")
    ensure_packages(args.tools)
    os.makedirs(args.work, exist_ok=True)
    args.work = os.path.abspath(args.work)
    print(f"machine: {machine()}")
    print(f"versions: {versions(args.tools, args.pathway)}")
    print(f"seed {args.seed}, timeout {args.timeout:g} s per run, work folder {args.work}")
    print("memory: peak resident set size of the run's process"
          + (" (/usr/bin/time %M)" if os.path.exists("/usr/bin/time") else " (getrusage of a fresh parent)"))
    print("load s: reading both CSVs and building the graph, timed inside the Python workers; the "
          "Python columns' wall time includes starting the interpreter and importing the library\n")

    header = ["size", "tool", "services", "routes", "wall s", "load s", "peak MiB", "time / pathway", "agrees"]
    widths = [9, 9, 9, 9, 8, 7, 9, 15, 6]
    mismatches, failures = [], []
    print_row(header, widths)
    for size in args.sizes:
        folder = network(args.work, size, args.seed)
        services = count_rows(os.path.join(folder, "services.csv"))
        routes = count_rows(os.path.join(folder, "routes.csv"))
        results = []
        for tool in args.tools:
            results.append(run_tool(tool, folder, args))
            r = results[-1]
            if r["status"] == "failed":
                failures.append((size, tool))
        ok = [r for r in results if r["status"] == "ok"]
        reference = next((r for r in ok if r["tool"] == "pathway"), ok[0] if ok else None)
        base = next((r["wall"] for r in ok if r["tool"] == "pathway"), None)
        for r in results:
            if r["status"] == "ok":
                differ = disagreements(reference["summary"], r["summary"])
                agrees = "yes" if not differ else "NO"
                if r is reference:
                    agrees = "ref"
                if differ:
                    mismatches.append((size, r["tool"], reference["tool"], differ,
                                       reference["summary"], r["summary"]))
                cells = [size, r["tool"], r["summary"]["services"], r["summary"]["routes"], f"{r['wall']:.2f}",
                         "-" if r["load"] is None else f"{r['load']:.2f}",
                         "?" if r["peak"] is None else f"{r['peak'] / 1024:.0f}",
                         "1× (baseline)" if r["tool"] == "pathway" else ratio(r["wall"], base), agrees]
            else:
                cells = [size, r["tool"], services, routes,
                         f">{args.timeout:g}" if r["status"] == "timeout" else "-", "-", "-", r["status"], "-"]
            print_row(cells, widths)

    print()
    for tool in args.tools:
        if tool in NOTES:
            print(f"note, {tool}: {NOTES[tool]}.")
    for size, tool, ref, keys, a, b in mismatches:
        print(f"\n!!! MISMATCH at {size} services: {tool} disagrees with {ref} on {', '.join(keys)}",
              file=sys.stderr)
        for key in keys:
            print(f"    {key}: {ref} {json.dumps(a.get(key))}\n    {' ' * len(key)}  {tool} {json.dumps(b.get(key))}",
                  file=sys.stderr)
    if not mismatches and not failures:
        print("\nall tools that finished agree with pathway on every metric summarised.")
    return 1 if mismatches or failures else 0


if __name__ == "__main__":
    sys.exit(main())
