#!/usr/bin/env python3
"""Opens an HTML page in headless Chromium and reports what a reader's browser saw.

    python3 Tests/browser/check_page.py PAGE.html SCREENSHOT.png [--axe AXE.JS]

Drives Debian's Chromium (chromium-headless-shell, or chromium) through the DevTools
protocol and prints one JSON object:

    consoleErrors   console.error / console.assert calls, and log entries of level error
    exceptions      uncaught script exceptions
    dialogs         alert/confirm/prompt dialogs the page opened
    requests        every request other than the page itself (data: URLs included)
    headline        the text of the element with id "headline"
    diagrams        [width, height] in CSS pixels of each `figure.diagram svg`
    scripts         how many <script> elements the page has
    highlighted     elements outlined after hovering the first service name (the page's
                    optional script), or null when the page has none
    firstDiagramText  the smallest text of the first diagram, in CSS pixels on screen
    zoomed          whether the first full diagram's zoom-in button changed what it shows
                    (null when there is no full diagram)
    pdfPages        how many A4 pages the page prints on (Chromium's print to PDF)
    text            the page's visible text
    axe             with --axe: what axe-core (the given axe.min.js, loaded into the page
                    after the checks above) found against WCAG 2.0 and 2.1, levels A and AA:
                    {"version", "violations": [{"id", "impact", "help", "targets"}], "passes"}

It exits 2 if the browser cannot be started or the page does not load in 60 s.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import websocket  # websocket-client, from PyPI


def browser():
    for name in ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    for path in ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium"):
        if os.path.exists(path):
            return path
    return None


class DevTools:
    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        self.ws.settimeout(60)  # wait_for and drain shorten it
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if any(e.get("method") == method for e in self.events):
                return True
            self.ws.settimeout(max(0.1, deadline - time.time()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
        return any(e.get("method") == method for e in self.events)

    def drain(self, seconds):
        self.ws.settimeout(seconds)
        try:
            while True:
                self.events.append(json.loads(self.ws.recv()))
        except websocket.WebSocketTimeoutException:
            pass


AXE_RUN = """axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                resultTypes: ['violations']})
    .then(r => JSON.stringify({version: r.testEngine.version, passes: r.passes.length,
        violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map(n => n.target.join(' '))}))}))"""


def start_chromium(name):
    """Starts headless Chromium with a fresh profile: (process, DevTools URL, profile folder), or
    (None, None, None) after saying why on stderr. The caller kills the process and removes the
    profile."""
    path = browser()
    if path is None:
        print(f"{name}: no Chromium found: install Debian's chromium-headless-shell (scripts/setup does)",
              file=sys.stderr)
        return None, None, None
    profile = tempfile.mkdtemp(prefix=f"{name}-")
    process = subprocess.Popen(
        [path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
         "--disable-sync", "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        if "DevTools listening on " in line:
            return process, line.split("DevTools listening on ", 1)[1].strip(), profile
    print(f"{name}: Chromium did not start its DevTools endpoint", file=sys.stderr)
    stop_chromium(process, profile)
    return None, None, None


def stop_chromium(process, profile):
    """Kills Chromium with every process it started: Debian's chromium-headless-shell is a
    shell script that runs the browser as its child, so killing the script alone would leave
    the browser and its renderers running."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    shutil.rmtree(profile, ignore_errors=True)


def main():
    args = sys.argv[1:]
    axe = None
    if len(args) == 4 and args[2] == "--axe":
        axe = args[3]
        args = args[:2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    page = os.path.abspath(args[0])
    screenshot = args[1]
    process, url, profile = start_chromium("check_page")
    if process is None:
        return 2
    try:
        tools = DevTools(url)
        target = tools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            tools.call(method, session=session)
        tools.call("Emulation.setDeviceMetricsOverride",
                   {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        tools.events.clear()
        page_url = "file://" + page
        tools.call("Page.navigate", {"url": page_url}, session=session)
        if not tools.wait_for("Page.loadEventFired", 60):
            print("check_page: the page did not finish loading in 60 s", file=sys.stderr)
            return 2
        tools.drain(0.5)

        probe = """JSON.stringify((() => {
            const headline = document.getElementById('headline');
            const diagrams = [...document.querySelectorAll('figure.diagram svg')].map(s => {
                const r = s.getBoundingClientRect(); return [r.width, r.height]; });
            let highlighted = null;
            const service = document.querySelector('.svc[data-service]');
            if (service && document.querySelector('script')) {
                service.dispatchEvent(new MouseEvent('mouseenter'));
                highlighted = document.querySelectorAll('svg .hl').length;
                service.dispatchEvent(new MouseEvent('mouseleave'));
            }
            let firstDiagramText = null;
            const first = document.querySelector('figure.diagram svg');
            if (first) {
                const sizes = [...first.querySelectorAll('text')].filter(t => t.textContent.trim())
                    .map(t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a);
                firstDiagramText = sizes.length ? Math.min(...sizes) : null;
            }
            let zoomed = null;
            const full = document.querySelector('figure.full');
            const button = full && full.querySelector('[data-zoom="in"]');
            if (full && button) {
                const svg = full.querySelector('svg'), before = svg.getAttribute('viewBox');
                button.click();
                zoomed = svg.getAttribute('viewBox') !== before;
                full.querySelector('[data-zoom="reset"]').click();
                zoomed = zoomed && svg.getAttribute('viewBox') === before;
            }
            return {headline: headline ? headline.innerText : null, diagrams, firstDiagramText, zoomed,
                    scripts: document.querySelectorAll('script').length, highlighted,
                    text: document.body ? document.body.innerText : ''};
        })())"""
        result = tools.call("Runtime.evaluate", {"expression": probe, "returnByValue": True}, session=session)
        seen = json.loads(result["result"]["value"])
        shot = tools.call("Page.captureScreenshot", {"format": "png"}, session=session)
        with open(screenshot, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        pdf = tools.call("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True},
                         session=session)
        pages = base64.b64decode(pdf["data"]).count(b"/Type /Page\n") + base64.b64decode(pdf["data"]).count(b"/Type /Page ")
        tools.drain(0.2)

        mine = [e for e in tools.events if e.get("sessionId") == session]
        report = {
            "consoleErrors": [
                " ".join(str(a.get("value", a.get("description", ""))) for a in e["params"].get("args", []))
                for e in mine if e.get("method") == "Runtime.consoleAPICalled"
                and e["params"].get("type") in ("error", "assert")
            ] + [
                e["params"]["entry"].get("text", "") for e in mine
                if e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error"
            ],
            "exceptions": [
                e["params"]["exceptionDetails"].get("text", "") + " "
                + str(e["params"]["exceptionDetails"].get("exception", {}).get("description", ""))
                for e in mine if e.get("method") == "Runtime.exceptionThrown"
            ],
            "dialogs": [e["params"].get("message", "") for e in mine if e.get("method") == "Page.javascriptDialogOpening"],
            "requests": sorted({
                e["params"]["request"]["url"] for e in mine
                if e.get("method") == "Network.requestWillBeSent" and e["params"]["request"]["url"] != page_url
            }),
            "screenshot": screenshot,
            "pdfPages": pages,
        }
        report.update(seen)
        if axe:
            with open(axe, encoding="utf-8") as f:
                tools.call("Runtime.evaluate", {"expression": f.read(), "returnByValue": True}, session=session)
            found = tools.call("Runtime.evaluate", {"expression": AXE_RUN, "awaitPromise": True,
                                                    "returnByValue": True}, session=session)
            if "exceptionDetails" in found:
                print(f"check_page: axe-core failed: {found['exceptionDetails']}", file=sys.stderr)
                return 2
            report["axe"] = json.loads(found["result"]["value"])
        print(json.dumps(report, sort_keys=True, indent=2))
        return 0
    finally:
        stop_chromium(process, profile)


if __name__ == "__main__":
    sys.exit(main())
