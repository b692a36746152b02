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

The Python peers are written as an analyst who knows these libraries would write them, with no
Python loop over services or routes: both files read by pyarrow's multithreaded CSV reader (the
engine of pandas' read_csv(engine="pyarrow")), every id numbered by one dictionary encoding, the
function lists split by pyarrow's string kernels, the plain metrics (crossings, out-degrees,
inbound volume against capacity, HHI) in numpy, ids sorted through one argsort done once, and the
graph work by each library's own routines: BFS, strongly connected components, dominators and
Dijkstra with weights 0/1 for the boundary counts. The points of entry of every function come
from one vectorised bitmask pass over the routes, shared by the three (no library has the
routine): each service's mask of the functions whose providers a patient can still meet first
flows along the routes, less what the service itself offers.

    python3 Benchmarks/compare.py                     # sizes 1000 10000 100000 1000000, all tools
    python3 Benchmarks/compare.py --sizes 1000 10000 --runs 1
    python3 Benchmarks/compare.py --sizes 1000000 --tools pathway igraph rustworkx
    python3 Benchmarks/compare.py --seed 2 --work /tmp/pathway-bench --timeout 900

Exit status: 0 when every tool agreed with pathway at every size, 1 on a mismatch or a failure
(a timeout alone is not a failure).
"""
import argparse
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
TOOLS = ["pathway", "networkx", "igraph", "rustworkx"]
# Per Python tool: module imported -> package pip installs.
COMMON = {"numpy": "numpy", "pyarrow": "pyarrow"}
PIP_PACKAGES = {"networkx": dict(COMMON, networkx="networkx"), "igraph": dict(COMMON, igraph="igraph"),
                "rustworkx": dict(COMMON, rustworkx="rustworkx")}
NOTES = {
    "networkx": "a MultiDiGraph built from the edge arrays in one add_weighted_edges_from; "
                "single_source_shortest_path_length, strongly_connected_components, "
                "immediate_dominators, single_source_dijkstra_path_length (weights 0/1); pure Python "
                "inside, so it is the slowest however it is called",
    "igraph": "Graph built from a list of pairs (its constructor's fastest input); distances (BFS), "
              "connected_components(mode='strong'), dominator (Lengauer-Tarjan, in C) and distances "
              "with weights 0/1 (Dijkstra: igraph has no 0-1 BFS)",
    "rustworkx": "PyDiGraph built by one extend_from_weighted_edge_list; bfs_layers, "
                 "strongly_connected_components, immediate_dominators (Cooper-Harvey-Kennedy, in Rust) "
                 "and digraph_dijkstra_shortest_path_lengths over the 0/1 weights (its cost callback "
                 "is the builtin float)",
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
    """services.csv and routes.csv as numpy arrays indexed by service number, read as an analyst
    who knows these libraries would: pyarrow's multithreaded CSV reader (the engine under pandas'
    read_csv(engine="pyarrow")), one dictionary encoding of every id, pyarrow's string kernels for
    the function lists, and no Python loop over rows anywhere after it."""

    def __init__(self, folder):
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
        strings = {"id": pa.string(), "organisation": pa.string(), "functions": pa.string(),
                   "from": pa.string(), "to": pa.string()}
        convert = pcsv.ConvertOptions(column_types=strings, strings_can_be_null=True)
        services = pcsv.read_csv(os.path.join(folder, "services.csv"), convert_options=convert)
        routes = pcsv.read_csv(os.path.join(folder, "routes.csv"), convert_options=convert)
        n, m = services.num_rows, routes.num_rows
        # One dictionary encoding of the service ids followed by both route ends: services come
        # first, so service i gets code i, and a code of n or more names no service.
        ids = pa.chunked_array(services["id"].chunks + routes["from"].chunks + routes["to"].chunks)
        encoded = ids.combine_chunks().dictionary_encode()
        codes = encoded.indices.to_numpy()
        sources, targets = codes[n:n + m], codes[n + m:]
        known = (sources < n) & (targets < n)      # orphaned routes are not in R
        self.n = n
        self.root = n                              # the virtual root is one extra node
        self.ids = np.asarray(encoded.dictionary[:n].to_numpy(zero_copy_only=False), dtype=object)
        self.org = services["organisation"].combine_chunks().dictionary_encode().indices.to_numpy()
        self.entry = services["entry"].to_numpy()
        self.terminal = services["terminal"].to_numpy()
        capacity = services["capacity"]
        self.capacity = capacity.cast(pa.float64()).fill_null(np.nan).to_numpy()  # NaN: none given
        self.sources, self.targets = sources[known], targets[known]
        self.volumes = routes["volume"].fill_null(0).to_numpy().astype(np.int64)[known]
        self.cross = (self.org[self.sources] != self.org[self.targets]).astype(np.int64)
        self.entries = np.flatnonzero(self.entry)
        # Edges of the rooted graph as two arrays: R, then the root's edge to every entry.
        self.edge_from = np.concatenate([self.sources, np.full(len(self.entries), n)])
        self.edge_to = np.concatenate([self.targets, self.entries])
        self.edge_cross = np.concatenate([self.cross, np.zeros(len(self.entries), dtype=np.int64)])
        # Who offers what: the ;-separated lists split and flattened, then a column per word.
        lists = pc.split_pattern(services["functions"].combine_chunks().fill_null(""), ";")
        words = pc.utf8_trim_whitespace(pc.list_flatten(lists))
        owners = pc.list_parent_indices(lists).to_numpy()
        named = pc.not_equal(words, "").to_numpy(zero_copy_only=False)
        words, owners = words.filter(pa.array(named)).dictionary_encode(), owners[named]
        names = words.dictionary.to_pylist()
        order = sorted(range(len(names)), key=names.__getitem__)
        self.function_names = [names[k] for k in order]
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        self.provides = np.zeros((n + 1, len(order)), dtype=bool)   # the root offers nothing
        self.provides[owners, rank[words.indices.to_numpy()]] = True


def by_id(net, vertices):
    """`vertices` ordered by their ids as strings, through one argsort of every id done once."""
    import numpy as np
    if not hasattr(net, "id_rank"):
        order = np.argsort(net.ids.astype(str), kind="stable")
        net.id_rank = np.empty(net.n + 1, dtype=np.int64)
        net.id_rank[order] = np.arange(net.n)
        net.id_rank[net.n] = net.n
    vertices = np.asarray(vertices, dtype=np.int64)
    return vertices[np.argsort(net.id_rank[vertices], kind="stable")]


def sorted_ids(net, vertices):
    return net.ids[by_id(net, vertices)].tolist()


def plain_metrics(net):
    """The metrics that need no graph algorithm, in numpy, shared by every Python worker."""
    import numpy as np
    inbound = np.bincount(net.targets, weights=net.volumes, minlength=net.n).astype(np.int64)
    over = np.flatnonzero(~np.isnan(net.capacity) & (inbound > np.nan_to_num(net.capacity, nan=np.inf)))
    over = by_id(net, over)
    runs = np.bincount(net.org)
    out_degree = np.bincount(net.sources, minlength=net.n)
    return {
        "services": net.n,
        "routes": len(net.sources),
        "crossBoundaryRoutes": int(net.cross.sum()),
        "ownershipHHI": float(((runs / net.n) ** 2).sum()) if net.n else 0.0,
        "deadEnds": sorted_ids(net, np.flatnonzero((out_degree == 0) & ~net.terminal)),
        "overCapacity": [{"id": i, "inbound": int(b), "capacity": int(c)}
                         for i, b, c in zip(net.ids[over], inbound[over], net.capacity[over])],
    }


def loops_from_membership(net, membership):
    """SCCs with more than one service, plus those holding a service with a route to itself, from
    each service's component number."""
    import numpy as np
    membership = np.asarray(membership, dtype=np.int64)[:net.n]
    sizes = np.bincount(membership)
    looped = sizes[membership] > 1
    looped[net.sources[net.sources == net.targets]] = True
    members = by_id(net, np.flatnonzero(looped))
    members = members[np.argsort(membership[members], kind="stable")]   # by component, then id
    cuts = np.flatnonzero(np.diff(membership[members])) + 1
    return sorted(net.ids[c].tolist() for c in np.split(members, cuts) if len(c))


def bottlenecks_from_idom(net, idom, layers):
    """Services (not entries) strictly dominating others, with how many. idom[v] lies on every path
    to v, the shortest included, so it sits in an earlier BFS layer: summing subtree sizes layer by
    layer from the deepest is one vectorised step per layer."""
    import numpy as np
    idom = np.asarray(idom, dtype=np.int64)
    dominated = np.zeros(net.n + 1, dtype=np.int64)
    for layer in reversed(layers[1:]):
        np.add.at(dominated, idom[layer], dominated[layer] + 1)
    reached = np.concatenate(layers[1:]) if len(layers) > 1 else np.zeros(0, dtype=np.int64)
    keep = reached[(~net.entry[reached]) & (dominated[reached] > 0)]
    keep = by_id(net, keep)
    return [{"id": i, "dominates": int(d)} for i, d in zip(net.ids[keep], dominated[keep])]


def function_metrics(net, hops, bounds, points_of_entry):
    """hops, bounds: numpy distances from the root (-1 if unreachable; a root edge is no
    referral); points_of_entry[k]: a boolean mask of the services that are points of entry of the
    k-th function."""
    import numpy as np
    result = {}
    for k, w in enumerate(net.function_names):
        providers = np.flatnonzero(net.provides[:net.n, k])
        reached = providers[hops[providers] >= 0]
        result[w] = {
            "providers": sorted_ids(net, providers),
            "pointsOfEntry": sorted_ids(net, np.flatnonzero(points_of_entry[k][:net.n])),
            "minReferrals": int(hops[reached].min()) - 1 if len(reached) else None,
            "minBoundaries": int(bounds[reached].min()) if len(reached) else None,
        }
    return result


def points_of_entry(net):
    """The points of entry of every function at once, as one vectorised pass over the routes.

    Each service carries a bitmask of the functions it offers, and a bitmask `reach` of the
    functions whose providers a patient can still meet first on arriving there (the root: all of
    them). Along a route u -> v, reach[u] less what u offers flows into reach[v]: a path stops
    counting for F at the first provider of F. Only the routes out of services whose mask grew are
    followed again, so the work is a few sweeps of the routes, whatever the number of functions.
    Returns one boolean mask of points of entry per function."""
    import numpy as np
    count = len(net.function_names)
    assert count <= 64, "one bit per function word in a 64-bit mask"
    weights = np.left_shift(np.uint64(1), np.arange(count, dtype=np.uint64))
    offers = (net.provides.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    order = np.argsort(net.edge_from, kind="stable")
    heads = net.edge_to[order]
    starts = np.searchsorted(net.edge_from[order], np.arange(net.n + 2))
    reach = np.zeros(net.n + 1, dtype=np.uint64)
    reach[net.root] = np.uint64((1 << count) - 1)
    frontier = np.array([net.root])
    while len(frontier):
        first, counts = starts[frontier], starts[frontier + 1] - starts[frontier]
        total = int(counts.sum())
        offsets = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(total)
        tails, ends = np.repeat(frontier, counts), heads[offsets]
        fresh = (reach[tails] & ~offers[tails]) & ~reach[ends]
        grows = fresh != 0
        np.bitwise_or.at(reach, ends[grows], fresh[grows])
        marked = np.zeros(net.n + 1, dtype=bool)
        marked[ends[grows]] = True
        frontier = np.flatnonzero(marked)
    return [((reach & weights[k]) != 0) & net.provides[:, k] for k in range(count)]


def layers_from_hops(hops):
    """The vertices at each hop count from the root, as numpy arrays (layer 0 is the root)."""
    import numpy as np
    reached = np.flatnonzero(hops >= 0)
    order = reached[np.argsort(hops[reached], kind="stable")]
    return np.split(order, np.flatnonzero(np.diff(hops[order])) + 1)


def work_igraph(folder):
    import igraph
    import numpy as np
    start = time.perf_counter()
    net = Network(folder)
    # A list of pairs is what igraph's constructor reads fastest (about 2.5x a numpy array's rows).
    g = igraph.Graph(n=net.n + 1, edges=list(zip(net.edge_from.tolist(), net.edge_to.tolist())), directed=True)
    g.es["cross"] = net.edge_cross
    loaded = time.perf_counter()
    m = plain_metrics(net)
    hops = np.asarray(g.distances(source=[net.root], mode="out")[0], dtype=float)
    hops = np.where(np.isinf(hops), -1, hops).astype(np.int64)
    layers = layers_from_hops(hops)
    m["unreachable"] = sorted_ids(net, np.flatnonzero(hops[:net.n] < 0))
    m["loops"] = loops_from_membership(net, g.connected_components(mode="strong").membership)
    # The dominator list holds NaN (or a negative number) for the root and the unreached.
    idom = np.asarray(g.dominator(net.root, mode="out"), dtype=float)
    idom = np.where(np.isnan(idom) | (idom < 0), -1, idom).astype(np.int64)
    m["bottlenecks"] = bottlenecks_from_idom(net, idom, layers)
    # igraph has no 0-1 BFS: Dijkstra with weights 0 (same organisation) and 1 (a boundary).
    bounds = np.asarray(g.distances(source=[net.root], weights="cross", mode="out")[0])
    m["functions"] = function_metrics(net, hops, bounds, points_of_entry(net))
    return m, loaded - start


def work_rustworkx(folder):
    import numpy as np
    import rustworkx
    start = time.perf_counter()
    net = Network(folder)
    g = rustworkx.PyDiGraph(multigraph=True)
    g.add_nodes_from(range(net.n + 1))
    g.extend_from_weighted_edge_list(
        list(zip(net.edge_from.tolist(), net.edge_to.tolist(), net.edge_cross.astype(float).tolist())))
    loaded = time.perf_counter()
    m = plain_metrics(net)
    layers = [np.asarray(layer, dtype=np.int64) for layer in rustworkx.bfs_layers(g, [net.root])]
    hops = np.full(net.n + 1, -1, dtype=np.int64)
    for depth, layer in enumerate(layers):
        hops[layer] = depth
    m["unreachable"] = sorted_ids(net, np.flatnonzero(hops[:net.n] < 0))
    membership = np.zeros(net.n + 1, dtype=np.int64)
    for c, component in enumerate(rustworkx.strongly_connected_components(g)):
        membership[component] = c
    m["loops"] = loops_from_membership(net, membership)
    dominators = rustworkx.immediate_dominators(g, net.root)
    idom = np.full(net.n + 1, -1, dtype=np.int64)
    idom[np.fromiter(dominators.keys(), dtype=np.int64)] = np.fromiter(dominators.values(), dtype=np.int64)
    m["bottlenecks"] = bottlenecks_from_idom(net, idom, layers)
    # No 0-1 BFS in rustworkx: Dijkstra over the edge weights 0/1 (the weights are the payloads).
    lengths = rustworkx.digraph_dijkstra_shortest_path_lengths(g, net.root, edge_cost_fn=float)
    bounds = np.full(net.n + 1, -1, dtype=np.int64)
    bounds[np.fromiter(lengths.keys(), dtype=np.int64)] = np.fromiter(lengths.values(), dtype=float)
    bounds[net.root] = 0
    m["functions"] = function_metrics(net, hops, bounds, points_of_entry(net))
    return m, loaded - start


def work_networkx(folder):
    import networkx
    import numpy as np
    start = time.perf_counter()
    net = Network(folder)
    g = networkx.MultiDiGraph()
    g.add_nodes_from(range(net.n + 1))
    g.add_weighted_edges_from(zip(net.edge_from.tolist(), net.edge_to.tolist(), net.edge_cross.tolist()),
                              weight="cross")
    loaded = time.perf_counter()
    m = plain_metrics(net)
    hops = np.full(net.n + 1, -1, dtype=np.int64)
    for v, d in networkx.single_source_shortest_path_length(g, net.root).items():
        hops[v] = d
    layers = layers_from_hops(hops)
    m["unreachable"] = sorted_ids(net, np.flatnonzero(hops[:net.n] < 0))
    membership = np.zeros(net.n + 1, dtype=np.int64)
    for c, component in enumerate(networkx.strongly_connected_components(g)):
        membership[list(component)] = c
    m["loops"] = loops_from_membership(net, membership)
    dominators = networkx.immediate_dominators(g, net.root)
    idom = np.full(net.n + 1, -1, dtype=np.int64)
    idom[np.fromiter(dominators.keys(), dtype=np.int64)] = np.fromiter(dominators.values(), dtype=np.int64)
    idom[net.root] = -1
    m["bottlenecks"] = bottlenecks_from_idom(net, idom, layers)
    bounds = np.full(net.n + 1, -1, dtype=np.int64)
    for v, d in networkx.single_source_dijkstra_path_length(g, net.root, weight="cross").items():
        bounds[v] = d
    m["functions"] = function_metrics(net, hops, bounds, points_of_entry(net))
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


def run_repeated(tool, folder, args):
    """`args.runs` runs of one tool, one after another: the median wall time and the median peak
    memory; a run that times out or fails ends the series and stands for it. Every run's summary
    must be the same, or the tool counts as failed."""
    runs = []
    for _ in range(args.runs):
        runs.append(run_tool(tool, folder, args))
        if runs[-1]["status"] != "ok":
            return runs[-1]
    if any(r["summary"] != runs[0]["summary"] for r in runs):
        print(f"!! {tool} gave different results from one run to the next on {folder}", file=sys.stderr)
        return dict(runs[0], status="failed")
    middle = len(runs) // 2
    result = dict(runs[0])
    result["wall"] = sorted(r["wall"] for r in runs)[middle]
    peaks = [r["peak"] for r in runs if r["peak"] is not None]
    result["peak"] = sorted(peaks)[len(peaks) // 2] if peaks else None
    loads = [r["load"] for r in runs if r["load"] is not None]
    result["load"] = sorted(loads)[len(loads) // 2] if loads else None
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
    if any(tool in PIP_PACKAGES for tool in tools):
        parts += [f"{package} {importlib.metadata.version(package)}" for package in COMMON.values()]
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
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of each tool at each size; the table gives the median (default 3)")
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
    print(f"seed {args.seed}, median of {args.runs} runs, timeout {args.timeout:g} s per run, "
          f"work folder {args.work}")
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
            results.append(run_repeated(tool, folder, args))
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
