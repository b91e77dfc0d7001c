"""What a visit of the map page costs on the wire, in Chromium: a small websocket document, each map's
polygons in one file the browser fetches once and keeps, Panel's spinner stylesheet linked once."""

from __future__ import annotations

import base64
import json
import time

import numpy as np

from dashboard import geo
from dashboard.views.packed_shapes import shapes_version

from . import map_xs_unchanged, remember_map_xs, wait_until

NEW_MAP = "/?page=map&indicator=committee_established&year=2026"
# Issue "Hà Nội as it is now": the websocket payload on load of the 126-unit map.
WS_ON_LOAD_GOAL_BYTES = 120_000
# The bench's rule: a load is over when nothing has arrived on the websocket for this long.
QUIET_S = 1.5

# The visible map's polygons as the glyph draws them: [unit][polygon][ring] -> [x...], [y...].
_DRAWN = """() => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer' || view.model.glyph.type !== 'MultiPolygons') continue;
    if (!view.model.visible) continue;
    const rows = (array) => Array.from({length: array.length}, (_, i) => array.get ? array.get(i) : array[i]);
    const nested = (array) => rows(array).map((unit) => unit.map((polygon) => polygon.map((ring) => Array.from(ring))));
    return {xs: nested(view.glyph.xs), ys: nested(view.glyph.ys)};
  }
  return null;
}"""


class Websocket:
    """Frames the page receives on its websocket, from Chrome DevTools Protocol events."""

    def __init__(self, page):
        self.frames: list[tuple[bool, bytes]] = []
        self.last = time.monotonic()
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")

    def _frame(self, event: dict) -> None:
        response = event["response"]
        binary = response.get("opcode") == 2
        payload = response.get("payloadData", "")
        self.frames.append((binary, base64.b64decode(payload) if binary else payload.encode("utf-8")))
        self.last = time.monotonic()

    def received(self, since: int = 0) -> int:
        return sum(len(payload) for _binary, payload in self.frames[since:])

    def quiet(self, page, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() - self.last < QUIET_S and time.monotonic() < deadline:
            page.wait_for_timeout(100)


def defined(message, name: str):
    """Every Bokeh model of type `name` that a message defines in full."""
    if isinstance(message, dict):
        if message.get("type") == "object" and message.get("name") == name:
            yield message
        else:
            for value in message.values():
                yield from defined(value, name)
    elif isinstance(message, list):
        for value in message:
            yield from defined(value, name)


def shapes_requests(page) -> list[str]:
    """Every shapes file the page has asked for (the browser's resource timing)."""
    return page.evaluate("""() => performance.getEntriesByType('resource')
        .map((entry) => entry.name).filter((name) => name.includes('/dashboard-assets/shapes/'))""")


def drawn_units(page) -> int:
    drawn = page.evaluate(_DRAWN)
    return sum(1 for unit in drawn["xs"] if unit) if drawn else 0


def test_a_cold_visit_of_the_126_unit_map_receives_at_most_120_kb_on_its_websocket(page, open_app):
    websocket = Websocket(page)
    open_app(NEW_MAP)
    websocket.quiet(page)
    received = websocket.received()
    assert received <= WS_ON_LOAD_GOAL_BYTES, f"{received} bytes on the websocket on load"
    # Neither the polygons nor Panel's spinner stylesheet come that way.
    assert not any(b":host(.pn-loading)" in payload for _binary, payload in websocket.frames)
    assert max(len(payload) for binary, payload in websocket.frames if binary) < 10_000


def test_the_map_draws_every_unit_from_the_file_it_fetches_exactly_as_packed(page, open_app):
    open_app(NEW_MAP)
    wait_until(lambda: drawn_units(page) == 126, page, timeout=20_000)
    origin = page.url.split("/?")[0]
    version = shapes_version("hn_communes_2025")
    assert shapes_requests(page) == [f"{origin}/dashboard-assets/shapes/hn_communes_2025.bin?v={version}"]
    drawn = page.evaluate(_DRAWN)
    for axis, packed in zip(("xs", "ys"), geo.packed_coordinates("hn_communes_2025")):
        for unit_drawn, unit_packed in zip(drawn[axis], packed, strict=True):
            for polygon_drawn, polygon_packed in zip(unit_drawn, unit_packed, strict=True):
                for ring_drawn, ring_packed in zip(polygon_drawn, polygon_packed, strict=True):
                    assert np.array_equal(np.asarray(ring_drawn), ring_packed)


def test_each_map_file_is_fetched_once_and_a_change_sends_no_polygon(page, open_app):
    websocket = Websocket(page)
    open_app("/?page=map&indicator=committee_established&year=2024")
    wait_until(lambda: drawn_units(page) == 30, page, timeout=20_000)
    websocket.quiet(page)
    remember_map_xs(page)
    marks = []
    for year, units in (("2025", 126), ("2024", 30), ("2025", 126)):
        marks.append(len(websocket.frames))
        page.locator(".period-select select").select_option(label=year)
        wait_until(lambda units=units: drawn_units(page) == units, page, timeout=20_000)
        websocket.quiet(page)
    assert sorted(name.split("/")[-1].split("?")[0] for name in shapes_requests(page)) == [
        "hn_communes_2025.bin", "hn_districts_2014.bin"
    ]

    def renderer_bytes(frames) -> int:
        """Bytes of the map renderers the messages define (a renderer may share a message)."""
        renderers = [json.dumps(found) for binary, payload in frames if not binary and b'"events"' in payload
                     for found in defined(json.loads(payload), "GlyphRenderer")]
        return sum(len(renderer) for renderer in renderers if "CustomJSTransform" in renderer)

    # The 126-unit map's renderer arrives once, without coordinates (they were 43 KB), then never again.
    first, again = websocket.frames[marks[0]:marks[1]], websocket.frames[marks[1]:]
    assert 0 < renderer_bytes(first) < 8_000 and renderer_bytes(again) == 0
    assert not any(binary and len(payload) >= 10_000 for binary, payload in websocket.frames[marks[0]:])
    page.locator(".period-select select").select_option(label="2024")
    wait_until(lambda: drawn_units(page) == 30, page, timeout=20_000)
    assert map_xs_unchanged(page), "the district polygons were fetched or sent again"


def test_a_change_the_server_draws_reaches_the_browser_as_one_message(page, open_app):
    websocket = Websocket(page)
    open_app("/?page=map&indicator=committee_established&year=2024")
    wait_until(lambda: drawn_units(page) == 30, page, timeout=20_000)
    websocket.quiet(page)
    mark = len(websocket.frames)
    # A period on the other map: the browser has no frame of it, the server draws it.
    page.locator(".period-select select").select_option(label="2025")
    wait_until(lambda: drawn_units(page) == 126, page, timeout=20_000)
    websocket.quiet(page)
    contents = [payload for binary, payload in websocket.frames[mark:] if not binary and b'"events"' in payload]
    (switch,) = [payload for payload in contents if b'"attr":"visible"' in payload]
    # The map swap, the ranking's units and the note on which map is shown travel together: the
    # browser never shows one map's ranking under the other map.
    assert b'"attr":"factors"' in switch and b"map-info" in switch
    assert sum(b'"kind":"ModelChanged"' in payload for payload in contents) <= 3, [p[:120] for p in contents]


def test_a_second_visit_takes_the_shapes_from_the_browser_cache(page, open_app):
    open_app(NEW_MAP)
    wait_until(lambda: drawn_units(page) == 126, page, timeout=20_000)
    open_app(NEW_MAP)
    wait_until(lambda: drawn_units(page) == 126, page, timeout=20_000)
    sizes = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter((entry) => entry.name.includes('/dashboard-assets/shapes/')).map((entry) => entry.transferSize)""")
    assert sizes == [0], f"bytes over the network for the shapes on a second visit: {sizes}"


# A Panel view in the loading state, as `obj.loading = True` marks it: the spinner is the ::before of
# its element, coloured and sized by Panel's loading stylesheet (now linked, no longer inline).
_SPINNER = """() => {
  for (const view of Bokeh.index.all_views()) {
    if (!view.el || !view.el.shadowRoot || !view.model.type.startsWith('panel.models.markup')) continue;
    view.el.classList.add('pn-loading', 'pn-arc');
    const links = [...view.el.shadowRoot.querySelectorAll('link')].map((link) => link.getAttribute('href'));
    const spinner = getComputedStyle(view.el, '::before');
    return {links, color: spinner.backgroundColor, width: spinner.width, mask: spinner.maskImage};
  }
  return null;
}"""


def test_a_view_in_the_loading_state_still_shows_the_spinner(page, open_app):
    from dashboard import server

    open_app("/?page=map")
    spinner = page.evaluate(_SPINNER)
    assert server.loading_stylesheet_url() in spinner["links"]
    assert spinner["color"] == "rgb(195, 195, 195)" and spinner["width"] == "40px", spinner
    assert spinner["mask"].startswith("url("), spinner
