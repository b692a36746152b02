#!/usr/bin/env python3
"""Parses and renders Mermaid files with Mermaid's own code, in headless Chromium, offline.

    python3 Tests/browser/check_mermaid.py MERMAID.MIN.JS FILE.mmd...

Loads the given mermaid.min.js (Mermaid 11.6, from the PyPI wheel diagram-renderer) into a
local page with no network, initialises it as GitHub does (securityLevel "strict", no start
on load), then for each file calls mermaid.parse and mermaid.render and prints one JSON
object: {"version", "requests", "consoleErrors", "files": [{"file", "parsed", "error",
"nodes", "edges", "clusters", "scripts", "handlers", "texts"}]} where nodes, edges and
clusters count what the drawn SVG holds, scripts and handlers count <script> elements and
on* attributes in it (there must be none), and texts lists its label texts.
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_page import DevTools, start_chromium, stop_chromium  # noqa: E402

RENDER = """(async () => {
  const files = %s;
  const out = [];
  for (let k = 0; k < files.length; k++) {
    const r = {file: files[k].file, parsed: false, error: null};
    try {
      await mermaid.parse(files[k].text);
      r.parsed = true;
      const {svg} = await mermaid.render('m' + k, files[k].text);
      // Read as HTML (its labels are HTML in foreignObject), in an inert document.
      const doc = new DOMParser().parseFromString(svg, 'text/html');
      r.nodes = doc.querySelectorAll('g.node').length;
      r.edges = doc.querySelectorAll('path.flowchart-link').length;
      r.clusters = doc.querySelectorAll('g.cluster').length;
      r.scripts = doc.querySelectorAll('script, foreignObject script').length;
      r.handlers = [...doc.querySelectorAll('*')].filter(e => [...e.attributes].some(a => /^on/i.test(a.name))).length;
      r.texts = [...doc.querySelectorAll('g.node .nodeLabel, g.node text, g.cluster .nodeLabel')]
        .map(e => e.textContent);
    } catch (e) { r.error = String(e && e.message || e); }
    out.push(r);
  }
  return JSON.stringify({version: mermaid.version || null, files: out});
})()"""


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 64
    work = tempfile.mkdtemp(prefix="check-mermaid-")
    shutil.copy(sys.argv[1], os.path.join(work, "mermaid.min.js"))
    page = os.path.join(work, "page.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><script src="mermaid.min.js"></script>'
                '<script>mermaid.initialize({startOnLoad: false, securityLevel: "strict"});</script>'
                '</head><body></body></html>')
    files = [{"file": name, "text": open(name, encoding="utf-8").read()} for name in sys.argv[2:]]
    process, url, profile = start_chromium("check_mermaid")
    if process is None:
        shutil.rmtree(work, ignore_errors=True)
        return 2
    try:
        tools = DevTools(url)
        target = tools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Runtime.enable", "Network.enable"):
            tools.call(method, session=session)
        tools.events.clear()
        page_url = "file://" + page
        tools.call("Page.navigate", {"url": page_url}, session=session)
        if not tools.wait_for("Page.loadEventFired", 60):
            print("check_mermaid: the page did not load in 60 s", file=sys.stderr)
            return 2
        result = tools.call("Runtime.evaluate", {"expression": RENDER % json.dumps(files), "awaitPromise": True,
                                                 "returnByValue": True}, session=session)
        if "exceptionDetails" in result:
            print(f"check_mermaid: {result['exceptionDetails']}", file=sys.stderr)
            return 2
        report = json.loads(result["result"]["value"])
        tools.drain(0.2)
        mine = [e for e in tools.events if e.get("sessionId") == session]
        report["requests"] = sorted({
            e["params"]["request"]["url"] for e in mine
            if e.get("method") == "Network.requestWillBeSent"
            and e["params"]["request"]["url"] not in (page_url, "file://" + os.path.join(work, "mermaid.min.js"))
        })
        report["consoleErrors"] = [
            " ".join(str(a.get("value", "")) for a in e["params"].get("args", []))
            for e in mine if e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") == "error"]
        print(json.dumps(report, indent=1))
        return 0
    finally:
        stop_chromium(process, profile)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
