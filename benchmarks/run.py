"""Dashboard benchmarks: process start-up, session build time, and bytes sent to the browser.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py [--runs N] [--no-browser]``).
Prints figures; it is not a test and asserts nothing. The browser part serves app.py with
``panel serve`` over a freshly seeded temporary SQLite database on a free local port and
drives Debian's /usr/bin/chromium through Playwright, counting websocket payload bytes with
the Chrome DevTools Protocol.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
QUIET_MS = 1500  # a phase ends when no websocket frame has arrived for this long
# The page is going to load: switch to this indicator and this period (both on the district map).
CHANGE_INDICATOR_LABEL = "Cán bộ làm công tác bình đẳng giới"  # gender_officers
CHANGE_PERIOD_LABEL = "2011–2016"
# Sessions timed server-side: the map page, and the landing page (whatever `/` opens).
SESSION_QUERIES = ("?page=map", "")


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def fmt_b(size: float) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:,.2f} MB"
    if size >= 1_000:
        return f"{size / 1_000:,.1f} kB"
    return f"{size:,.0f} B"


def table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"\n{title}\n" + "-" * (width + 18))
    for name, value in rows:
        print(f"{name:<{width}}  {value:>15}")


# ------------------------------------------------------------------------- server side


def bench_server(db_url: str, runs: int) -> None:
    _, import_s = timed(__import__, "dashboard.shell")
    from dashboard import geo
    from dashboard.data import load_data
    from dashboard.shell import configure

    _, configure_s = timed(configure)
    districts, read_s = timed(geo.load_districts)
    simplified, simplify_s = timed(geo.simplify_coverage, districts, geo.SIMPLIFY_TOLERANCE_M)
    _, display_s = timed(geo.display_districts)  # what load_data uses, cached for the process
    data, data_s = timed(load_data, db_url)
    vertices = int(sum(len(g.exterior.coords) + sum(len(r.coords) for r in g.interiors)
                       for g in simplified.geometry))
    raw_vertices = int(sum(len(g.exterior.coords) + sum(len(r.coords) for r in g.interiors)
                           for g in districts.to_crs(geo.DISPLAY_CRS).geometry))

    sessions = {search: session_times(data, search, runs) for search in SESSION_QUERIES}

    table("Process-wide load (once per server process)", [
        ("import dashboard.shell (panel, holoviews, ...)", fmt_s(import_s)),
        ("configure() (extensions, css)", fmt_s(configure_s)),
        ("geometry: read + validate 30 districts", fmt_s(read_s)),
        ("geometry: project + coverage simplify", fmt_s(simplify_s)),
        ("geometry: display_districts() (both, cached)", fmt_s(display_s)),
        ("vertices raw -> simplified", f"{raw_vertices:,} -> {vertices:,}"),
        ("data: load_data() (db + catalogue + join)", fmt_s(data_s)),
        ("observations loaded", f"{len(data.observations):,}"),
    ])
    rows = []
    for search, (first, build, root) in sessions.items():
        totals = [b + r for b, r in zip(build, root)]
        url = "/" + search
        rows += [
            (f"{url}: first session in process", fmt_s(first)),
            (f"{url}: build_app(data)", fmt_s(statistics.median(build))),
            (f"{url}: get_root(Document())", fmt_s(statistics.median(root))),
            (f"{url}: total (min / max)",
             f"{fmt_s(statistics.median(totals))} ({fmt_s(min(totals))} / {fmt_s(max(totals))})"),
        ]
    table(f"Session build (build_app + get_root into a Document; median of {runs})", rows)


def session_times(data, search: str, runs: int) -> tuple[float, list[float], list[float]]:
    """(first session, build_app times, get_root times) for a session opened at `search`."""
    import panel as pn
    from bokeh.document import Document
    from panel.io.location import Location

    from dashboard.shell import build_app

    build, root = [], []
    for _ in range(runs + 1):  # the first session also warms caches: reported apart
        pn.state.reset()
        pn.state._location = Location(search=search)  # what a browser's URL gives a session
        app, b = timed(build_app, data)
        _, r = timed(app.get_root, Document())
        build.append(b)
        root.append(r)
    pn.state.reset()
    return build[0] + root[0], build[1:], root[1:]


# ---------------------------------------------------------------------------- browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "panel", "serve", str(REPO_ROOT / "app.py"), "--index", "app",
           "--port", str(port), "--address", "127.0.0.1",
           "--allow-websocket-origin", f"localhost:{port}", "--liveness"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOKEH_", "PANEL_"))}
    env["DASHBOARD_DB_URL"] = db_url
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"panel serve exited:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/liveness", timeout=2):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("panel serve did not start within 90 s")
    # Load the process-wide data once, as a running server already would have.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as resp:
        resp.read()
    return proc, f"http://localhost:{port}"


class Meter:
    """Websocket frames and HTTP responses of one page, from Chrome DevTools Protocol events."""

    def __init__(self, cdp):
        self.frames: list[tuple[str, int, str]] = []  # (direction, bytes, text payload or "")
        self.responses: dict[str, dict] = {}
        self.last_frame = time.monotonic()
        cdp.on("Network.webSocketFrameReceived", lambda e: self._frame("in", e))
        cdp.on("Network.webSocketFrameSent", lambda e: self._frame("out", e))
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _frame(self, direction: str, event: dict) -> None:
        response = event["response"]
        payload = response.get("payloadData", "")
        if response.get("opcode") == 2:  # binary: base64 in the event
            size, text = len(base64.b64decode(payload)), ""
        else:
            size, text = len(payload.encode("utf-8")), payload
        self.frames.append((direction, size, text))
        self.last_frame = time.monotonic()

    def _response(self, event: dict) -> None:
        self.responses[event["requestId"]] = {
            "type": event["type"], "url": event["response"]["url"], "bytes": 0,
        }

    def _finished(self, event: dict) -> None:
        if event["requestId"] in self.responses:
            self.responses[event["requestId"]]["bytes"] = event["encodedDataLength"]

    def mark(self) -> int:
        return len(self.frames)

    def wait_quiet(self, page, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            page.wait_for_timeout(200)
            if (time.monotonic() - self.last_frame) * 1000 >= QUIET_MS:
                return

    def summary(self, since: int) -> dict:
        frames = self.frames[since:]
        received = [f for f in frames if f[0] == "in"]
        # A Bokeh message is a header frame, a metadata frame, a content frame, then buffers.
        errors = []
        for i, (_, _, text) in enumerate(received):
            if text.startswith("{") and '"msgtype"' in text[:200]:
                header = json.loads(text)
                if header.get("msgtype") == "ERROR" and i + 2 < len(received):
                    errors.append(json.loads(received[i + 2][2] or "{}").get("text", "?"))
        return {
            "in_bytes": sum(f[1] for f in received),
            "in_frames": len(received),
            "messages": sum('"msgtype"' in f[2][:200] for f in received),
            "out_bytes": sum(f[1] for f in frames if f[0] == "out"),
            "geometry": any('"xs"' in f[2] or '"ys"' in f[2] for f in received),
            "errors": errors,
        }


def inline_css_bytes(meter: Meter) -> tuple[int, int]:
    """(size of the initial document message, bytes of it spent on inline `stylesheets`)."""
    docs = [text for direction, _, text in meter.frames
            if direction == "in" and text.startswith('{"doc"')]
    if not docs:
        return 0, 0
    text = max(docs, key=len)
    total = 0

    def walk(node):
        nonlocal total
        if isinstance(node, dict):
            if "attributes" in node and "id" in node:
                sheets = node["attributes"].get("stylesheets", [])
                total += sum(len(s.encode("utf-8")) for s in sheets if isinstance(s, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(text))
    return len(text.encode("utf-8")), total


def bench_browser(db_url: str, workdir: Path) -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from ui import map_columns, wait_for_app  # the browser tests' page helpers

    proc, url = start_server(db_url, workdir / "panel-serve.log")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            meter = Meter(page.context.new_cdp_session(page))
            offsite = []
            page.on("request", lambda r: offsite.append(r.url) if urlsplit(r.url).scheme
                    in ("http", "https", "ws", "wss") and urlsplit(r.url).hostname
                    not in ("localhost", "127.0.0.1") else None)

            start = time.perf_counter()
            page.goto(url + "/?page=map")
            wait_for_app(page, timeout=120)
            ready_s = time.perf_counter() - start
            meter.wait_quiet(page)
            initial = meter.summary(0)
            doc_bytes, css_bytes = inline_css_bytes(meter)
            first_load = list(meter.responses.values())

            before = map_columns(page, "color")["color"]
            mark = meter.mark()
            page.locator(".indicator-select select").select_option(label=CHANGE_INDICATOR_LABEL)
            meter.wait_quiet(page)
            indicator = meter.summary(mark)
            indicator["recoloured"] = map_columns(page, "color")["color"] != before

            before = map_columns(page, "color")["color"]
            page.goto(url + "/?page=map&indicator=women_district_council_pct&year=2021")
            wait_for_app(page, timeout=120)
            meter.wait_quiet(page)
            before = map_columns(page, "color")["color"]
            mark = meter.mark()
            page.locator(".period-select select").select_option(label=CHANGE_PERIOD_LABEL)
            meter.wait_quiet(page)
            period = meter.summary(mark)
            period["recoloured"] = map_columns(page, "color")["color"] != before
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    by_type: dict[str, int] = {}
    for response in first_load:
        by_type[response["type"]] = by_type.get(response["type"], 0) + response["bytes"]
    http_rows = [(f"HTTP {kind} (encoded)", fmt_b(size)) for kind, size in sorted(by_type.items())]
    table("First load of /?page=map over HTTP (1920x1080, Chromium)", [
        *http_rows,
        ("HTTP total", fmt_b(sum(by_type.values()))),
        ("requests to other hosts", str(len(offsite))),
        ("navigation -> both plots drawn", fmt_s(ready_s)),
    ])

    def ws_rows(name: str, s: dict) -> list[tuple[str, str]]:
        rows = [
            (f"{name}: received", fmt_b(s["in_bytes"])),
            (f"{name}: messages / frames", f"{s['messages']} / {s['in_frames']}"),
            (f"{name}: sent", fmt_b(s["out_bytes"])),
            (f"{name}: frames carry xs/ys", "yes" if s["geometry"] else "no"),
        ]
        if "recoloured" in s:
            rows.append((f"{name}: map recoloured", "yes" if s["recoloured"] else "NO"))
        if s["errors"]:
            rows.append((f"{name}: server ERROR replies", str(len(s["errors"]))))
        return rows

    table("Websocket payload bytes", [
        *ws_rows("initial load", initial),
        ("initial load: document message", fmt_b(doc_bytes)),
        ("  of which inline CSS (stylesheets)", fmt_b(css_bytes)),
        *ws_rows("indicator change", indicator),
        *ws_rows("period change", period),
    ])
    for name, s in (("indicator change", indicator), ("period change", period)):
        for error in s["errors"]:
            print(f"  {name}: server replied {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="sessions to time (default 5)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp:
        workdir = Path(tmp)
        db_url = f"sqlite:///{workdir / 'bench.sqlite'}"
        from dashboard.seed import seed_database

        _, seed_s = timed(seed_database, db_url)
        print(f"Seeded a temporary database in {fmt_s(seed_s)}: {db_url}")
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f} (figures scale with machine load)")
        bench_server(db_url, args.runs)
        if not args.no_browser:
            if not os.path.exists(CHROMIUM):
                print(f"\n{CHROMIUM} not found: browser figures skipped")
            else:
                bench_browser(db_url, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
