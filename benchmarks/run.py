"""Every speed goal of the dashboard, measured in one run beside a peer, as one table.

Run with ``make bench`` (``make bench PEER_URL=...`` or ``make bench PEER_DIR=... PEER_PYTHON=...``),
or ``.venv/bin/python benchmarks/run.py --help``. It serves the dashboard exactly as ``make run``
does, over a freshly seeded temporary SQLite database, in its own process group; it can start
the naive Panel peer the same way, or time any peer already running at ``--peer-url``. It prints
figures, writes them as Markdown with ``--markdown PATH``, and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(REPO_ROOT))

import browser  # noqa: E402
import inprocess  # noqa: E402
import servers  # noqa: E402
import soak  # noqa: E402
import viewers  # noqa: E402

# The room of leaders from the issue: this many viewers open the map page within this window.
ROOM_VIEWERS = 25
ROOM_WINDOW_S = 10
# Fresh browser contexts whose first render is timed (the goal is their median).
FIRST_RENDER_RUNS = 5
# In-process sessions timed per page (their median is the figure). This machine slows down in
# bursts of a few seconds, shared with others: five sessions (half a second) could all fall in one.
SESSION_RUNS = 15
NOT_APPLICABLE = "–"


@dataclass
class Row:
    figure: str
    goal: str
    ours: str
    peer: str = NOT_APPLICABLE


def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "n/a"
    return f"{ms:,.0f} ms" if ms < 10_000 else f"{ms / 1000:,.1f} s"


def fmt_bytes(size: float | None) -> str:
    if size is None:
        return "n/a"
    if size >= 1_000_000:
        return f"{size / 1_000_000:,.2f} MB"
    if size >= 1_000:
        return f"{size / 1_000:,.1f} KB"
    return f"{size:,.0f} B"


def median_ms(changes) -> str:
    """Median of the repaint times, noting changes that never repainted."""
    done = [c.ms for c in changes if c.ms is not None]
    text = fmt_ms(browser.median(done)) if done else "n/a"
    missed = len(changes) - len(done)
    return text + (f" ({missed} of {len(changes)} not repainted)" if missed else "")


# ---------------------------------------------------------------------------- one row per figure


def row_first_render(ours: browser.BrowserFigures | None, peer: browser.BrowserFigures | None) -> Row:
    return Row("map page, first render: map and ranking on screen (median of 5 fresh browser contexts)",
               "≤ 0.45 s and ≤ 0.5× peer",
               fmt_ms(browser.median(ours.first_render_ms)) if ours else "not run",
               fmt_ms(browser.median(peer.first_render_ms)) if peer else NOT_APPLICABLE)


def row_live_render(ours: browser.BrowserFigures | None, peer: browser.BrowserFigures | None) -> Row:
    return Row("map page, live map and ranking drawn, ready for a click (same contexts, median)", "–",
               fmt_ms(browser.median(ours.live_render_ms)) if ours else "not run",
               fmt_ms(browser.median(peer.live_render_ms)) if peer else NOT_APPLICABLE)


def row_change(kind: str, ours, peer) -> Row:
    label = {"indicator": "indicator change", "period": "period change",
             "district": "district change (tap on the map)"}[kind]
    return Row(f"{label} until map and ranking are repainted, median", "≤ 80 ms",
               median_ms(ours.changes.get(kind, [])) if ours else "not run",
               median_ms(peer.changes[kind]) if peer and kind in peer.changes and kind != "district"
               else NOT_APPLICABLE)


def received_per_change(figures: browser.BrowserFigures) -> str:
    changes = [c for kind in ("indicator", "period", "district") for c in figures.changes.get(kind, [])]
    return fmt_bytes(browser.median([c.received for c in changes])) if changes else "n/a"


def row_bytes_per_change(ours, peer) -> Row:
    return Row("received per change (websocket and HTTP, median)", "≤ 10 KB",
               received_per_change(ours) if ours else "not run",
               received_per_change(peer) if peer else NOT_APPLICABLE)


def card_ms(figures: browser.BrowserFigures) -> str:
    taps = figures.changes.get("district", [])
    times = [c.card_ms for c in taps if c.card_ms is not None]
    return fmt_ms(browser.median(times)) if times else "n/a"


def row_tap_card(ours, peer) -> Row:
    return Row("tap on a district until its card shows, median", "≤ 50 ms",
               card_ms(ours) if ours else "not run", card_ms(peer) if peer else NOT_APPLICABLE)


def row_ws_on_load(ours, peer) -> Row:
    return Row("websocket payload on load, map page (median)", "≤ 70 KB",
               fmt_bytes(browser.median(ours.ws_on_load)) if ours else "not run",
               fmt_bytes(browser.median(peer.ws_on_load)) if peer else NOT_APPLICABLE)


def row_cold_visit(ours, peer) -> Row:
    return Row("cold first visit, HTTP bytes on the wire (encoded, median)", "≤ 1.5 MB",
               fmt_bytes(browser.median(ours.http_on_load)) if ours else "not run",
               fmt_bytes(browser.median(peer.http_on_load)) if peer else NOT_APPLICABLE)


def rows_units_map(units: browser.BrowserFigures) -> list[Row]:
    """The map-page figures again, on the 126-unit map; its goal on load is issue 11's 120 KB."""
    return [
        Row("map page, first render: map and ranking on screen (median of 5 fresh browser contexts)", "≤ 0.45 s",
            fmt_ms(browser.median(units.first_render_ms))),
        Row("map page, live map and ranking drawn (median)", "–", fmt_ms(browser.median(units.live_render_ms))),
        *(row_change(kind, units, None) for kind in ("indicator", "period", "district")),
        row_bytes_per_change(units, None),
        row_tap_card(units, None),
        Row("websocket payload on load, map page (median)", "≤ 120 KB", fmt_bytes(browser.median(units.ws_on_load))),
    ]


def rows_session_cpu(costs: dict[str, inprocess.SessionCost] | None) -> list[Row]:
    goals = {"map page": "≤ 80 ms", "overview": "≤ 50 ms"}
    return [Row(f"server CPU to build one {name} session (in-process, median)", goals[name],
                fmt_session_cpu(costs[name]) if costs else "not run") for name in goals]


def fmt_session_cpu(cost: inprocess.SessionCost) -> str:
    """The median, and the middle half of the sessions, which shows how steady the machine was."""
    low, high = cost.middle_half_cpu
    text = f"{fmt_ms(cost.median_cpu * 1000)} (middle half {low * 1000:,.0f}–{fmt_ms(high * 1000)}"
    if cost.reference_cpu is not None:  # how fast the machine was (inprocess.reference_workload)
        text += f"; reference workload {cost.reference_cpu * 1000:,.1f} ms"
    return text + ")"


def fmt_opening(opening: viewers.Opening | None) -> str:
    """95th percentile, a viewer who never got the document counting as slower than any other."""
    if opening is None:
        return NOT_APPLICABLE
    p95 = viewers.percentile(opening.seconds + [float("inf")] * len(opening.errors), 0.95)
    text = fmt_ms(p95 * 1000) if p95 != float("inf") else f"> {viewers.OPEN_TIMEOUT_S} s"
    return text + (f" ({len(opening.errors)} of {ROOM_VIEWERS} failed)" if opening.errors else "")


def row_room(ours: viewers.Opening | None, peer: viewers.Opening | None) -> Row:
    return Row(f"{ROOM_VIEWERS} viewers opening within {ROOM_WINDOW_S} s: p95 until their document arrives",
               "≤ 2 s", fmt_opening(ours) if ours else "not run", fmt_opening(peer))


def rows_soak(figures: soak.SoakFigures | None, minutes: float) -> list[Row]:
    if figures is None:
        return [Row(f"{soak.SESSIONS} sessions held open 10 min", "0 errors; p95 change ≤ 1 s; ≤ 15 MB/session; "
                    "memory back near baseline ≤ 2 min", "not run (--soak)")]
    title = f"{figures.sessions} sessions held open {minutes:g} min"
    p95 = viewers.percentile(figures.change_ms, 0.95)
    recovered = (f"after {figures.recovered_after_s:.0f} s" if figures.recovered_after_s is not None
                 else f"not within {soak.RECOVERY_WINDOW_S} s")
    return [
        Row(f"{title}: errors", "0",
            f"{len(figures.errors)} (opened {figures.opened} of {figures.sessions})"),
        Row(f"{title}: p95 of an indicator change in a browser meanwhile", "≤ 1 s",
            fmt_ms(p95) + (f" ({figures.failed_changes} not repainted)" if figures.failed_changes else "")),
        Row(f"{title}: server memory per session", "≤ 15 MB", fmt_bytes(figures.per_session_rss)),
        Row(f"{title}: memory back near baseline after closing", "within 2 min",
            f"{recovered} ({fmt_bytes(figures.baseline_rss)} → {fmt_bytes(figures.peak_rss)} → "
            f"{fmt_bytes(figures.final_rss)})"),
    ]


def rows_profile(ours: browser.BrowserFigures | None) -> list[Row]:
    return [
        Row("district profile: first build (browser, chooser change until drawn)", "≤ 300 ms",
            fmt_ms(ours.profile_first_ms) if ours else "not run"),
        Row("district profile: district switch (browser, median)", "≤ 150 ms",
            median_ms(ours.profile_switch) if ours else "not run"),
    ]


def row_page_switch(ours: browser.BrowserFigures | None) -> Row:
    return Row("page switch, map ↔ overview (browser, median)", "≤ 200 ms",
               median_ms(ours.changes.get("page switch", [])) if ours else "not run")


# ---------------------------------------------------------------------------- output


def text_table(rows: list[Row], peer_label: str) -> str:
    header = Row("figure", "goal", "this dashboard", peer_label)
    cells = [[r.figure, r.goal, r.ours, r.peer] for r in [header, *rows]]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(4)).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row], peer_label: str, context: list[str]) -> str:
    out = [f"| figure | goal | this dashboard | {peer_label} |", "|---|---|---|---|"]
    out += [f"| {r.figure} | {r.goal} | {r.ours} | {r.peer} |" for r in rows]
    return "\n".join(out) + "\n\n" + "\n".join(f"- {line}" for line in context) + "\n"


def machine_context(started: datetime.datetime, load_at_start: tuple[float, float, float],
                    finished: bool = True) -> list[str]:
    load = (f"machine: {os.cpu_count()} CPUs (nproc), load average at start "
            f"{load_at_start[0]:.1f} / {load_at_start[1]:.1f} / {load_at_start[2]:.1f}")
    if finished:
        load += f", at end {os.getloadavg()[0]:.1f}; on a busy machine compare ratios, not absolute times"
    return [f"measured {started:%Y-%m-%d %H:%M} UTC", load]


# ---------------------------------------------------------------------------- run


def warm_up(app_url: str, query: str) -> None:
    """One page load, so process-wide data is loaded as on a server that has been running."""
    with urllib.request.urlopen(app_url + query, timeout=browser.LOAD_TIMEOUT_S) as response:
        response.read()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    peer = parser.add_mutually_exclusive_group()
    peer.add_argument("--peer-url", help="URL of a running peer app, e.g. http://127.0.0.1:5202/panel_naive_app")
    peer.add_argument("--peer-dir", type=Path, help="checkout of the peers: start panel_naive_app.py from it")
    parser.add_argument("--peer-python", default=os.environ.get("PEER_PYTHON", "/tmp/peers-venv/bin/python"),
                        help="python of the throwaway venv that runs the peer (default: $PEER_PYTHON or "
                             "/tmp/peers-venv/bin/python)")
    parser.add_argument("--no-browser", action="store_true", help="skip every Chromium figure")
    parser.add_argument("--soak", action="store_true", help=f"also hold {soak.SESSIONS} sessions open (10+ min)")
    parser.add_argument("--soak-minutes", type=float, default=10, help="how long to hold them (default 10)")
    parser.add_argument("--soak-sessions", type=int, default=soak.SESSIONS,
                        help=f"how many sessions (default {soak.SESSIONS}; fewer for a quick try)")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    print("\n".join(machine_context(started, load_at_start, finished=False)), flush=True)
    use_browser = not args.no_browser and os.path.exists(browser.CHROMIUM)
    if not args.no_browser and not use_browser:
        print(f"{browser.CHROMIUM} not found: browser figures skipped")

    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp:
        workdir = Path(tmp)
        db_url = f"sqlite:///{workdir / 'bench.sqlite'}"
        from dashboard.seed import seed_database

        seed_database(db_url)
        print("in-process session builds ...", flush=True)
        costs = inprocess.measure(db_url, SESSION_RUNS)

        running: list[servers.Server] = []
        try:
            ours = servers.start_dashboard(db_url, workdir)
            running.append(ours)
            peer_url = args.peer_url
            if args.peer_dir:
                peer = servers.start_peer(args.peer_dir.resolve(), args.peer_python, workdir)
                running.append(peer)
                peer_url = peer.app_url
            warm_up(ours.app_url, browser.DASHBOARD_PAGE.map_query)
            if peer_url:
                warm_up(peer_url, browser.PEER_PAGE.map_query)

            ours_browser = peer_browser = units_browser = None
            if use_browser:
                print("browser figures: dashboard ...", flush=True)
                ours_browser = browser.measure(ours.app_url, browser.DASHBOARD_PAGE, FIRST_RENDER_RUNS)
                print("browser figures: dashboard, 126-unit map ...", flush=True)
                units_browser = browser.measure(ours.app_url, browser.commune_page_model(), FIRST_RENDER_RUNS)
                if peer_url:
                    print("browser figures: peer ...", flush=True)
                    peer_browser = browser.measure(peer_url, browser.PEER_PAGE, FIRST_RENDER_RUNS)

            print(f"{ROOM_VIEWERS} viewers ...", flush=True)
            ours_room = asyncio.run(viewers.burst(ours.app_url, browser.DASHBOARD_PAGE.map_query,
                                                  ROOM_VIEWERS, ROOM_WINDOW_S))
            peer_room = (asyncio.run(viewers.burst(peer_url, browser.PEER_PAGE.map_query, ROOM_VIEWERS,
                                                   ROOM_WINDOW_S)) if peer_url else None)
            soaked = None
            if args.soak:
                print(f"soak: {args.soak_sessions} sessions for {args.soak_minutes:g} min ...", flush=True)
                soaked = soak.soak(ours, browser.DASHBOARD_PAGE, args.soak_minutes, args.soak_sessions)
        finally:
            for server in reversed(running):
                server.stop()

    rows = [
        row_first_render(ours_browser, peer_browser),
        row_live_render(ours_browser, peer_browser),
        *(row_change(kind, ours_browser, peer_browser) for kind in ("indicator", "period", "district")),
        row_bytes_per_change(ours_browser, peer_browser),
        row_tap_card(ours_browser, peer_browser),
        row_ws_on_load(ours_browser, peer_browser),
        row_cold_visit(ours_browser, peer_browser),
        *rows_session_cpu(costs),
        row_room(ours_room, peer_room),
        *rows_soak(soaked, args.soak_minutes),
        *rows_profile(ours_browser),
        row_page_switch(ours_browser),
    ]
    context = machine_context(started, load_at_start)
    offsite = sorted(set(ours_browser.offsite_requests)) if ours_browser else []
    context.append(f"requests to other hosts from the dashboard: {len(offsite)}"
                   + (f" ({', '.join(offsite[:5])})" if offsite else ""))
    for name, opening in (("dashboard", ours_room), ("peer", peer_room)):
        if opening and opening.errors:
            context.append(f"{name}, {ROOM_VIEWERS} viewers: " + "; ".join(sorted(set(opening.errors))))
    if soaked and soaked.errors:
        context.append("soak errors: " + "; ".join(sorted(set(soaked.errors))[:5]))
    peer_label = f"peer ({peer_url})" if peer_url else "peer"
    units_rows = rows_units_map(units_browser) if units_browser and not units_browser.skipped else []
    if units_browser and units_browser.skipped:
        context.append(f"126-unit map ({browser.COMMUNE_MAP_QUERY}) not measured: {units_browser.skipped}")
    print()
    print(text_table(rows, peer_label))
    if units_rows:
        print(f"\nThe map page on the 126 communes and wards ({browser.COMMUNE_MAP_QUERY}):\n")
        print(text_table(units_rows, peer_label))
    print("\n".join(context))
    if args.markdown:
        text = markdown_table(rows, peer_label, context)
        if units_rows:
            text += (f"\nThe map page on the 126 communes and wards (`{browser.COMMUNE_MAP_QUERY}`):\n\n"
                     + markdown_table(units_rows, peer_label, []))
        args.markdown.write_text(text, encoding="utf-8")
        print(f"Markdown table written to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
