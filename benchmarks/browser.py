"""Figures measured in Chromium: first render, changes, taps, page switches and bytes.

Times are taken inside the page (probe.js): from the timeStamp of the user's event to the
animation frame in which what it changed is on screen. Bytes come from Chrome DevTools
Protocol events: websocket frames (payload, decoded) and `encodedDataLength` of every HTTP
response (what crossed the wire, compressed if the server compressed it).
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
PROBE_JS = (Path(__file__).resolve().parent / "probe.js").read_text(encoding="utf-8")
# The peers README measured at this size; the same viewport keeps the figures comparable.
VIEWPORT = {"width": 1920, "height": 1080}
# A change is over when neither the page nor the websocket has moved for this long.
QUIET_S = 1.5
# Generous, for a busy shared machine; a timed-out step is reported, never guessed.
LOAD_TIMEOUT_S = 120
CHANGE_TIMEOUT_S = 60
# Changes timed per kind (indicator, period, district, page switch): the median is reported.
CHANGES_PER_KIND = 5
# Districts tapped in turn: rural districts, large on the map in both apps, with unique names.
TAP_DISTRICTS = ("Ba Vì", "Sóc Sơn", "Mỹ Đức", "Đông Anh", "Thạch Thất")


@dataclass(frozen=True)
class PageModel:
    """Where the bench finds the map, the ranking and the controls of one app's map page."""

    name: str
    map_markers: tuple[str, ...]  # columns that identify the map's data source
    ranking_markers: tuple[str, ...] | None  # ... and the ranking's (None: not part of "rendered")
    map_query: str  # query string that opens the map page
    indicator_select: str  # CSS selector of the indicator <select>
    period_select: str | None = None  # CSS selector of a period <select>, if there is one
    period_slider: str | None = None  # CSS selector of a slider handle stepped with the keyboard
    card: str = ".district-card"
    # The dashboard's own pages: navigation buttons, overview cards and the district profile.
    multipage: bool = False
    # Option values to step through instead of the next ones in the list (to stay on one map).
    indicator_options: tuple[str, ...] = ()
    period_options: tuple[str, ...] = ()
    # Units the map must draw for the page to be measured at all (None: not checked).
    unit_count: int | None = None


DASHBOARD_PAGE = PageModel(
    name="dashboard", map_markers=("value", "code"), ranking_markers=("line", "code"), map_query="?page=map",
    indicator_select=".indicator-select select", period_select=".period-select select", multipage=True,
)
# The map of the 126 communes and wards (from 1 July 2025): periods 2025 and 2026 of the indicators
# drawn on it. Taps use the same names: each of those districts left a commune of that name.
COMMUNE_MAP_QUERY = "?page=map&indicator=committee_established&year=2026"
COMMUNE_MAP_PERIODS = ("2025", "2026")
COMMUNE_UNITS = 126


def commune_page_model() -> PageModel:
    """The dashboard's map page on the 126-unit map; indicators are those the catalogue draws on it."""
    from dashboard.catalogue import load_catalogue
    from dashboard.model.indicators import indicator_groups

    catalogue = load_catalogue()
    ids = [i for i, indicator in catalogue.indicators.items() if "commune" in getattr(indicator, "levels", ())]
    ids = ids or ["committee_established", "gender_officers", "key_leader_female"]
    labels = {indicator_id: label for group in indicator_groups(catalogue, "vi", set(ids)).values()
              for label, indicator_id in group.items()}
    return replace(DASHBOARD_PAGE, name="dashboard, 126 units", map_query=COMMUNE_MAP_QUERY, multipage=False,
                   indicator_options=tuple(labels[i] for i in ids if i in labels),
                   period_options=COMMUNE_MAP_PERIODS, unit_count=COMMUNE_UNITS)


# The naive Panel peer: one page, an unlabelled Select and an IntSlider for the year.
PEER_PAGE = PageModel(
    name="peer", map_markers=("xs",), ranking_markers=None, map_query="",
    indicator_select="select", period_slider=".noUi-handle",
)


@dataclass
class Change:
    """One timed action: milliseconds until repainted (None if it never was) and bytes received."""

    ms: float | None
    received: int
    card_ms: float | None = None  # for a tap: until the district card named the district


@dataclass
class BrowserFigures:
    """Everything measured in Chromium for one app (lists hold one value per run or change)."""

    first_render_ms: list[float] = field(default_factory=list)  # map and ranking first on screen
    live_render_ms: list[float] = field(default_factory=list)  # the live (interactive) ones drawn
    ws_on_load: list[int] = field(default_factory=list)
    http_on_load: list[int] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    changes: dict[str, list[Change]] = field(default_factory=dict)  # kind -> changes
    profile_first_ms: float | None = None
    profile_switch: list[Change] = field(default_factory=list)
    skipped: str | None = None  # why the page was not measured at all


class Meter:
    """Websocket frames and HTTP bytes of one page, from Chrome DevTools Protocol events."""

    def __init__(self, cdp):
        self.received: list[int] = []
        self.http_bytes: dict[str, int] = {}
        self.http_order: list[int] = []  # HTTP bytes in the order responses finished
        self.last_frame = time.monotonic()
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _frame(self, event: dict) -> None:
        response = event["response"]
        payload = response.get("payloadData", "")
        binary = response.get("opcode") == 2  # base64 in the event
        self.received.append(len(base64.b64decode(payload)) if binary else len(payload.encode("utf-8")))
        self.last_frame = time.monotonic()

    def _finished(self, event: dict) -> None:
        self.http_bytes[event["requestId"]] = int(event["encodedDataLength"])
        self.http_order.append(int(event["encodedDataLength"]))

    def mark(self) -> tuple[int, int]:
        return len(self.received), len(self.http_order)

    def received_since(self, mark: tuple[int, int]) -> int:
        """Websocket payload and HTTP bytes (a page may fetch what a change needs) since `mark`."""
        return sum(self.received[mark[0]:]) + sum(self.http_order[mark[1]:])

    def websocket_since(self, mark: tuple[int, int]) -> int:
        return sum(self.received[mark[0]:])


def launch_browser(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def open_page(browser, url: str, model: PageModel, offsite: list[str] | None = None):
    """A fresh context (cold cache) with the probe installed, navigated to `url`."""
    context = browser.new_context(viewport=VIEWPORT)
    spec = [list(model.map_markers)] + ([list(model.ranking_markers)] if model.ranking_markers else [])
    context.add_init_script(PROBE_JS)
    context.add_init_script(f"window.__bench.drawnSpec = {json.dumps(spec)};")
    page = context.new_page()
    meter = Meter(context.new_cdp_session(page))
    if offsite is not None:
        page.on("request", lambda r: offsite.append(r.url) if is_offsite(r.url) else None)
    page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
    return context, page, meter


def is_offsite(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ("localhost", "127.0.0.1")


def wait_rendered(page) -> float:
    """Milliseconds from navigation start to the frame in which the map page's live plots were drawn."""
    page.wait_for_function("() => window.__bench && window.__bench.firstDrawn !== null",
                           timeout=LOAD_TIMEOUT_S * 1000, polling=100)
    return page.evaluate("() => window.__bench.firstDrawn")


def first_on_screen(page, live_ms: float) -> float:
    """Milliseconds from navigation start until the map and the ranking were first on screen: the
    still first view's paint, where the page has one and painted it before the live plots."""
    still = page.evaluate("() => window.__bench.firstView")
    return min(live_ms, still) if still is not None else live_ms


def settle(page, meter: Meter, timeout_s: float = CHANGE_TIMEOUT_S, awaited: list[str] = ()) -> bool:
    """Wait until every `awaited` watcher has changed, then until neither a watched value nor a
    websocket frame has moved for QUIET_S (a busy server may think longer than that in silence)."""
    deadline = time.monotonic() + timeout_s
    seen, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        count, changed = page.evaluate("() => [window.__bench.log.length, window.__bench.log.map((e) => e[0])]")
        if count != seen:
            seen, last_change = count, time.monotonic()
        if not set(awaited) <= set(changed):
            continue
        if time.monotonic() - max(last_change, meter.last_frame) >= QUIET_S:
            return True
    return False


# ------------------------------------------------------------------------------ watchers


def fingerprint_js(markers) -> str:
    return f"() => window.__bench.fingerprint({json.dumps(list(markers))})"


def text_js(selector: str) -> str:
    return f"() => window.__bench.text({json.dumps(selector)})"


def model_text_js(marker: str) -> str:
    return f"() => window.__bench.modelText({json.dumps(marker)})"


def map_watchers(model: PageModel) -> dict[str, str]:
    watchers = {"map": fingerprint_js(model.map_markers)}
    if model.ranking_markers:
        watchers["ranking"] = fingerprint_js(model.ranking_markers)
    return watchers


def timed_action(page, meter: Meter, watchers: dict[str, str], required: list[str], action, event: str,
                 element: str | None = None, card_text: str | None = None) -> Change:
    """Run `action` and time it: from the `event` it fires to the last frame in which a `required`
    watcher changed (every one of them must change, or the action counts as not repainted).
    With `card_text`, also until the card watcher first shows that text."""
    page.evaluate("() => window.__bench.arm({" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in watchers.items())
                  + "})")
    if element:
        page.locator(element).first.evaluate("(el, type) => window.__bench.onAction(type, el)", event)
    else:
        page.evaluate("(type) => window.__bench.onAction(type)", event)
    mark = meter.mark()
    action()
    settle(page, meter, awaited=required + (["card"] if card_text else []))
    state = page.evaluate("() => ({t0: window.__bench.t0, log: window.__bench.log})")
    received = meter.received_since(mark)
    t0 = state["t0"]
    if t0 is None:
        return Change(None, received)
    last = {}
    for name, at, _value in state["log"]:
        last[name] = at
    ms = max(last[name] for name in required) - t0 if all(name in last for name in required) else None
    card_ms = None
    if card_text:
        card_ms = next((at - t0 for name, at, value in state["log"] if name == "card" and card_text in value), None)
    return Change(ms, received, card_ms)


def select_options(page, selector: str) -> list[str]:
    return page.locator(selector).first.evaluate("(el) => Array.from(el.options).map((o) => o.value)")


def next_options(page, selector: str, count: int) -> list[str]:
    """`count` options to step through, starting after the selected one, wrapping round."""
    options = select_options(page, selector)
    current = page.locator(selector).first.evaluate("(el) => el.value")
    start = options.index(current) if current in options else 0
    return [options[(start + 1 + i) % len(options)] for i in range(count)] if len(options) > 1 else []


# ------------------------------------------------------------------------------ figures


def first_renders(browser, url: str, model: PageModel, runs: int, figures: BrowserFigures) -> None:
    """Map page, first render, in `runs` fresh contexts; also websocket and HTTP bytes on load."""
    for _ in range(runs):
        context, page, meter = open_page(browser, url + model.map_query, model, figures.offsite_requests)
        try:
            live = wait_rendered(page)
            figures.live_render_ms.append(live)
            figures.first_render_ms.append(first_on_screen(page, live))
            settle(page, meter, LOAD_TIMEOUT_S)
            figures.ws_on_load.append(meter.websocket_since((0, 0)))
            figures.http_on_load.append(sum(meter.http_bytes.values()))
        finally:
            context.close()


def cycled_options(page, selector: str, values: tuple[str, ...], count: int) -> list[str]:
    """`count` of `values` in turn, starting after the selected one (only those the select offers)."""
    offered = [v for v in values if v in select_options(page, selector)]
    if len(offered) < 2:
        return []
    current = page.locator(selector).first.evaluate("(el) => el.value")
    start = offered.index(current) + 1 if current in offered else 0
    return [offered[(start + i) % len(offered)] for i in range(count)]


def select_changes(page, meter: Meter, model: PageModel, selector: str, count: int = CHANGES_PER_KIND,
                   values: tuple[str, ...] = ()) -> list[Change]:
    changes = []
    for value in (cycled_options(page, selector, values, count) if values else next_options(page, selector, count)):
        changes.append(timed_action(
            page, meter, map_watchers(model), list(map_watchers(model)),
            lambda value=value: page.locator(selector).first.select_option(value=value),
            "change", element=selector,
        ))
    return changes


def slider_changes(page, meter: Meter, model: PageModel) -> list[Change]:
    handle = page.locator(model.period_slider).first
    changes = []
    for _ in range(CHANGES_PER_KIND):
        handle.focus()
        changes.append(timed_action(page, meter, map_watchers(model), list(map_watchers(model)),
                                    lambda: handle.press("ArrowLeft"), "keydown"))
    return changes


def tap_changes(page, meter: Meter, model: PageModel) -> list[Change]:
    """Tap districts on the map like a mouse user; times the repaint and the card."""
    watchers = {**map_watchers(model), "card": text_js(model.card)}
    changes = []
    for name in TAP_DISTRICTS[:CHANGES_PER_KIND]:
        point = page.evaluate("([m, n]) => window.__bench.screenPoint(m, n)", [list(model.map_markers), name])
        if point is None:
            continue
        changes.append(timed_action(page, meter, watchers, list(map_watchers(model)),
                                    lambda point=point: page.mouse.click(*point), "pointerdown",
                                    card_text=name))
    return changes


def interactions(browser, url: str, model: PageModel, figures: BrowserFigures) -> None:
    """Indicator, period and district changes on the map page, driven through its own widgets."""
    context, page, meter = open_page(browser, url + model.map_query, model)
    try:
        wait_rendered(page)
        settle(page, meter, LOAD_TIMEOUT_S)
        figures.changes["indicator"] = select_changes(page, meter, model, model.indicator_select,
                                                      values=model.indicator_options)
        if model.period_select:
            # Back on the page's own indicator and period first.
            page.goto(url + model.map_query, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
            wait_rendered(page)
            settle(page, meter, LOAD_TIMEOUT_S)
            figures.changes["period"] = select_changes(page, meter, model, model.period_select,
                                                       values=model.period_options)
        elif model.period_slider:
            figures.changes["period"] = slider_changes(page, meter, model)
        figures.changes["district"] = tap_changes(page, meter, model)
        if model.multipage:
            figures.changes["page switch"] = page_switches(page, meter, model)
    finally:
        context.close()


def shown_map_watchers(model: PageModel) -> dict[str, str]:
    """The map page's watchers for a page switch: a page seen before stays in the document,
    hidden, so its data never changes; what changes is that its plots are shown and drawn."""
    def shown(markers) -> str:
        return f"() => window.__bench.shownPlots({json.dumps(list(markers))})"

    watchers = {"map": shown(model.map_markers)}
    if model.ranking_markers:
        watchers["ranking"] = shown(model.ranking_markers)
    return watchers


def page_switches(page, meter: Meter, model: PageModel) -> list[Change]:
    """Map -> overview -> map ... through the navigation buttons, until the page is on screen:
    the overview's `.kpi-card`s shown, the map's and the ranking's plots shown and drawn."""
    overview = {"overview": "() => window.__bench.shownCount('.kpi-card')"}
    changes = []
    for _ in range(CHANGES_PER_KIND // 2 + 1):
        changes.append(timed_action(page, meter, overview, ["overview"],
                                    lambda: page.locator(".nav-overview button").click(), "pointerdown"))
        watchers = shown_map_watchers(model)
        changes.append(timed_action(page, meter, watchers, list(watchers),
                                    lambda: page.locator(".nav-map button").click(), "pointerdown"))
    return changes


# The profile's trend charts: the renderers drawing a unit's series (views/profile_chart.py).
PROFILE_CHART_MARKERS = ("series", "district")
# True once every indicator block of the profile page is in the document with its chart: the
# page makes its charts and lower themes after it is shown, and a choice made before that is
# timed with the rest of the page load.
_PROFILE_LOADED = """() => {
  const blocks = window.__bench.deepAll('.profile-indicator').length;
  const plots = window.Bokeh && Bokeh.index
    ? [...Bokeh.index.all_views()].filter((view) => view.model.type === 'Plot').length : 0;
  return blocks > 0 && plots >= blocks;
}"""
# Seconds to wait for that: a page that makes no chart before a unit is chosen never gets
# there, and its first choice is made after this wait, when it has built all it builds.
PROFILE_LOAD_WAIT_S = 30


def district_profile(browser, url: str, model: PageModel, figures: BrowserFigures, wait_loaded: bool = True) -> None:
    """The profile's first build in a session, then switches, through its district chooser:
    until the heading, the facts and the trend charts show the new district. The first choice
    is made once the page is loaded, or (`wait_loaded` False) as soon as it is quiet."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context, page, meter = open_page(browser, url + "?page=district", model)
    chooser = ".profile-chooser select"
    # Panel sends an HTML pane's text escaped.
    watchers = {"heading": model_text_js("class=&quot;profile-heading&quot;"),
                "facts": model_text_js("class=&quot;profile-facts-block&quot;"),
                "charts": f"() => window.__bench.sourcesFingerprint({json.dumps(list(PROFILE_CHART_MARKERS))})"}
    try:
        page.wait_for_selector(chooser, timeout=LOAD_TIMEOUT_S * 1000)
        # No map on this page: the probe stops looking for its first render in every frame.
        page.evaluate("() => { window.__bench.drawnSpec = null; }")
        if wait_loaded:
            try:
                page.wait_for_function(_PROFILE_LOADED, timeout=PROFILE_LOAD_WAIT_S * 1000, polling=100)
            except PlaywrightTimeout:
                pass
        settle(page, meter, LOAD_TIMEOUT_S)
        # The chooser opens on its prompt; the options after it are districts.
        for i, option in enumerate(next_options(page, chooser, CHANGES_PER_KIND + 1)):
            change = timed_action(page, meter, watchers, ["heading", "facts", "charts"],
                                  lambda option=option: page.locator(chooser).select_option(value=option),
                                  "change", element=chooser)
            if i == 0:
                figures.profile_first_ms = change.ms
            else:
                figures.profile_switch.append(change)
    finally:
        context.close()


# Units drawn by the map's source (the renderer with every map marker column).
_UNIT_COUNT = """(markers) => {
  const views = window.__bench.renderers(markers);
  if (!views.length) return 0;
  const data = views[0].model.data_source.data;
  return Array.from(data instanceof Map ? data.get('code') : data.code).length;
}"""


def unavailable(browser, url: str, model: PageModel) -> str | None:
    """Why the page cannot be measured (its map does not draw the units expected), or None."""
    if model.unit_count is None:
        return None
    context, page, _meter = open_page(browser, url + model.map_query, model)
    try:
        try:
            wait_rendered(page)
        except Exception as error:  # a page that never draws its map is reported, not guessed
            return f"the map page did not render ({type(error).__name__})"
        count = page.evaluate(_UNIT_COUNT, list(model.map_markers))
        return None if count == model.unit_count else f"the map draws {count} units, not {model.unit_count}"
    finally:
        context.close()


def measure(url: str, model: PageModel, runs: int) -> BrowserFigures:
    """Every browser figure of one app, in one Chromium."""
    from playwright.sync_api import sync_playwright

    figures = BrowserFigures()
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            figures.skipped = unavailable(browser, url, model)
            if figures.skipped:
                return figures
            first_renders(browser, url, model, runs, figures)
            interactions(browser, url, model, figures)
            if model.multipage:
                district_profile(browser, url, model, figures)
        finally:
            browser.close()
    return figures


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
