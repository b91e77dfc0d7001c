"""District profile timing: server CPU to build the page for one district, and to switch district.

Run with ``.venv/bin/python benchmarks/district_profile.py [--runs N]`` over the configured
database (``make seed`` first). Measured in-process like the session builds of ``run.py``:
the page is built and rendered into a Bokeh ``Document`` (first build), then the shared
state moves to another district while that document is current (switch), which is the
server work behind one choice in the district chooser. A page that makes its trend charts
after it has reached the browser (``defer_charts``) has that work timed apart. Prints
medians; asserts nothing.

With ``--browser URL`` (a running server's app URL, e.g. ``http://127.0.0.1:5184/app``) it
times instead, in Chromium, the two browser figures of ``run.py`` that concern the profile
and the pages: the profile's first build and its switches, and the page switches, measured
exactly as ``make bench`` measures them (``benchmarks/browser.py``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

# A rural district, an urban one with a skipped council term, and two more: each switch
# changes every chart and every text of the page.
DISTRICTS = ("271", "001", "016", "277")


def profile_times(data, runs: int, districts: tuple[str, ...] = DISTRICTS) -> dict[str, list[float]]:
    """{'first': [...], 'build': [...], 'switch': [...]} in seconds of this process's CPU time.

    CPU rather than wall time: on a shared machine the wall clock also counts other
    processes. 'first' is the first build in the process (it also fills the data caches) and
    is kept apart; 'build' holds the builds after it, 'switch' one entry per district change
    ('cold switch' for a district whose tables are not cached yet).
    """
    import panel as pn
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    from dashboard.pages.district import DistrictPage
    from dashboard.state import new_state

    clock = time.process_time
    deferred = "defer_charts" in DistrictPage.param
    times: dict[str, list[float]] = {"first": [], "build": [], "charts after load": [], "switch": [],
                                     "cold switch": []}
    for run in range(runs + 1):
        pn.state.reset()
        doc = Document()
        start = clock()
        with set_curdoc(doc):
            state = new_state(data, page="district", district=districts[0])
            # As in a served session: the page goes out first, its charts follow.
            view = DistrictPage(state=state, data=data, **({"defer_charts": True} if deferred else {}))
            doc.add_root(pn.panel(view).get_root(doc))
        times["first" if run == 0 else "build"].append(clock() - start)
        if deferred:
            start = clock()
            with set_curdoc(doc):
                view.build_charts()
            times["charts after load"].append(clock() - start)
        for code in (*districts[1:], districts[0]):
            start = clock()
            with set_curdoc(doc):
                state.district = code
            times["cold switch" if run == 0 else "switch"].append(clock() - start)
    pn.state.reset()
    return times


def browser_times(app_url: str, wait_loaded: bool = True) -> None:
    """Print the profile and page-switch figures of `make bench`, timed in Chromium at `app_url`."""
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    import browser
    from playwright.sync_api import sync_playwright

    model = browser.DASHBOARD_PAGE
    figures = browser.BrowserFigures()
    with sync_playwright() as pw:
        chromium = browser.launch_browser(pw)
        try:
            browser.district_profile(chromium, app_url, model, figures, wait_loaded)
            context, page, meter = browser.open_page(chromium, app_url + model.map_query, model)
            try:
                browser.wait_rendered(page)
                browser.settle(page, meter, browser.LOAD_TIMEOUT_S)
                switches = browser.page_switches(page, meter, model)
            finally:
                context.close()
        finally:
            chromium.close()

    def fmt(changes) -> str:
        done = [c.ms for c in changes if c.ms is not None]
        text = " ".join("–" if c.ms is None else f"{c.ms:.0f}" for c in changes)
        return f"median {browser.median(done) or float('nan'):.0f} ms ({text}; – not repainted)"

    first = figures.profile_first_ms
    print(f"  profile first build  {'not drawn' if first is None else f'{first:.0f} ms'}")
    print(f"  profile switch       {fmt(figures.profile_switch)}")
    print(f"  page switch          {fmt(switches)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="builds timed after the first")
    parser.add_argument("--browser", metavar="APP_URL", help="time the browser figures at this running app")
    parser.add_argument("--no-wait", action="store_true",
                        help="with --browser: choose the first unit once the page is quiet, not once it is loaded")
    args = parser.parse_args()
    if args.browser:
        browser_times(args.browser, wait_loaded=not args.no_wait)
        return

    from dashboard.data import load_data
    from dashboard.shell import configure

    configure()
    data = load_data()
    times = profile_times(data, args.runs)
    print(f"district profile, server CPU time: median of {args.runs} builds and "
          f"{len(times['switch'])} switches (first build and cold switches apart)")
    for name, values in times.items():
        if not values:
            continue
        print(f"  {name:<17} {statistics.median(values) * 1000:8.0f} ms "
              f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")


if __name__ == "__main__":
    main()
