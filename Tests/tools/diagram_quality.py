#!/usr/bin/env python3
# A copy of shared/tools/diagram_quality.py, kept here unchanged below these two lines so that
# the tests need nothing beside the repository. Refresh it from there; do not edit it.
"""diagram_quality.py SVG... -> one JSON line per Graphviz SVG: how it reads on paper.
Run it from the project root: python3 ../shared/tools/diagram_quality.py diagrams/*.svg

canvas: width x height in pt; a4: the scale that fits it on A4 landscape (842 x 595 pt);
font_min / font_median: text sizes after that scale (a board paper wants >= 8 pt);
overlaps: pairs of text boxes (estimated from font size and characters) that overlap;
crossings: pairs of route curves that cross (Bezier paths sampled into polylines; curves
that share an end are not counted where they touch)."""
import json, re, sys, itertools
import xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"

def num(s): return float(re.sub(r"[a-z]+$", "", s))

def bez(p0, p1, p2, p3, k=8):
    out = []
    for i in range(k + 1):
        t = i / k; u = 1 - t
        out.append((u*u*u*p0[0] + 3*u*u*t*p1[0] + 3*u*t*t*p2[0] + t*t*t*p3[0],
                    u*u*u*p0[1] + 3*u*u*t*p1[1] + 3*u*t*t*p2[1] + t*t*t*p3[1]))
    return out

def path_points(d):
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
    pts = list(zip(nums[0::2], nums[1::2]))
    if len(pts) < 4: return pts
    out = [pts[0]]
    for i in range(1, len(pts) - 2, 3):
        out += bez(out[-1], pts[i], pts[i+1], pts[i+2])[1:]
    return out

def seg_cross(a, b, c, d):
    def orient(p, q, r): return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
    o1, o2, o3, o4 = orient(a,b,c), orient(a,b,d), orient(c,d,a), orient(c,d,b)
    return o1*o2 < 0 and o3*o4 < 0

def crosses(p, q):
    near = lambda u, v: abs(u[0]-v[0]) < 12 and abs(u[1]-v[1]) < 12
    if any(near(x, y) for x in (p[0], p[-1]) for y in (q[0], q[-1])): shared = True
    else: shared = False
    for (a, b) in zip(p, p[1:]):
        for (c, d) in zip(q, q[1:]):
            if seg_cross(a, b, c, d):
                if shared and any(near(x, y) for x in (a, b) for y in (p[0], p[-1], q[0], q[-1])):
                    continue
                return True
    return False

def measure(f):
    r = ET.parse(f).getroot()
    w, h = num(r.get("width")), num(r.get("height"))
    s = min(842 / w, 595 / h, 1.0)
    sizes, boxes = [], []
    for t in r.iter(NS + "text"):
        txt = "".join(t.itertext()).strip()
        if not txt or not t.get("font-size"): continue
        fs = float(t.get("font-size")); sizes.append(fs * s)
        x, y = float(t.get("x", 0)), float(t.get("y", 0)); wd = 0.52 * fs * len(txt)
        anchor = t.get("text-anchor", "start")
        x0 = x - wd / 2 if anchor == "middle" else (x - wd if anchor == "end" else x)
        boxes.append((x0, y - 0.8 * fs, x0 + wd, y + 0.2 * fs))
    overlaps = sum(1 for a, b in itertools.combinations(boxes, 2)
                   if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    curves = []
    for g in r.iter(NS + "g"):
        if g.get("class") == "edge":
            for p in g.iter(NS + "path"):
                pts = path_points(p.get("d", ""))
                if len(pts) > 1: curves.append(pts)
    bb = [(min(x for x, _ in c), min(y for _, y in c), max(x for x, _ in c), max(y for _, y in c)) for c in curves]
    crossings = 0
    for i, j in itertools.combinations(range(len(curves)), 2):
        a, b = bb[i], bb[j]
        if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3] and crosses(curves[i], curves[j]):
            crossings += 1
    sizes.sort()
    return {"file": f, "canvas": [round(w), round(h)], "a4": round(s, 3),
            "font_min": round(sizes[0], 1) if sizes else None,
            "font_median": round(sizes[len(sizes)//2], 1) if sizes else None,
            "texts": len(boxes), "overlaps": overlaps, "routes": len(curves), "crossings": crossings}

if __name__ == "__main__":
    brief = "--brief" in sys.argv
    for f in [a for a in sys.argv[1:] if a != "--brief"]:
        m = measure(f)
        print(f"  {m['file']}: {m['font_min']} pt on A4, {m['overlaps']} overlaps, {m['crossings']} crossings" if brief else json.dumps(m))
