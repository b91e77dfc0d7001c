"""Browser tests of the served dashboard, and the page helpers they share.

The helpers read the live Bokeh models of the page (``Bokeh.documents`` / ``Bokeh.index``)
instead of relying on pixels, so a test can locate a district polygon on screen, read the
colours the map is drawing and check which bar of the ranking chart is outlined.
"""

from __future__ import annotations

import json
import time
import weakref
from functools import lru_cache

from panel.tests.util import wait_until

# True once no visible Panel pane still hides its content. Panel's HTML pane (and others)
# renders its container with `visibility: hidden` and reveals it one animation frame after
# its stylesheet links have loaded, which on a busy machine can be after the document is
# idle: text read before then is in the page but not on screen.
_PANES_SHOWN = """() => [...Bokeh.index.all_views()].every((view) => {
  const box = view.container;
  return !(box instanceof HTMLElement && box.isConnected && view.model.visible
           && box.style.visibility === 'hidden');
})"""

# True once Bokeh has rendered the page, every visible pane shows its content (and, if
# `plots`, both linked plots of the map page are drawn) and no server round-trip is pending.
_APP_READY = """(plots) => {
  if (!window.Bokeh || !Bokeh.documents || !Bokeh.documents.length) return false;
  const doc = Bokeh.documents[0];
  if (doc.is_idle === false) return false;
  if ([...Bokeh.index.all_views()].length === 0 || !(""" + _PANES_SHOWN + """)()) return false;
  if (!plots) return true;
  let map = false, bars = false;
  // Polygons drawn, not only framed: a served page fetches them after the document.
  const drawn = (view) => Array.from(view.glyph.xs).some((unit) => unit.some((p) => p[0].length > 1));
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const has = (k) => (data instanceof Map ? data.has(k) : k in data);
    if (view.model.visible && view.model.glyph.type === 'MultiPolygons' && has('code') && drawn(view)) map = true;
    if (has('line') && has('code')) bars = true;
  }
  return map && bars;
}"""

# Columns of the first ColumnDataSource (of a rendered glyph) that has every `marker` column.
_SOURCE_COLUMNS = """([markers, columns]) => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const get = (k) => (data instanceof Map ? data.get(k) : data[k]);
    if (!markers.every((k) => get(k) !== undefined)) continue;
    const out = {};
    for (const c of columns) out[c] = Array.from(get(c));
    return out;
  }
  return null;
}"""

# Keeps a reference to the visible map's packed x coordinates so a later call can tell whether
# the browser still holds the very same array object (i.e. the polygons were not re-sent).
_REMEMBER_XS = """() => {
  const mapShapes = (view) => {
    const args = view.model.glyph.xs.transform.args;
    const shapes = args instanceof Map ? args.get('shapes') : args.shapes;
    const data = shapes.data;
    return data instanceof Map ? data.get('x') : data.x;
  };
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const get = (k) => (data instanceof Map ? data.get(k) : data[k]);
    const has = (k) => get(k) !== undefined;
    if (!(view.model.visible && view.model.glyph.type === 'MultiPolygons' && has('code'))) continue;
    window.__testMapXs = mapShapes(view);
    return window.__testMapXs.length;
  }
  return null;
}"""

_SAME_XS = """() => {
  const mapShapes = (view) => {
    const args = view.model.glyph.xs.transform.args;
    const shapes = args instanceof Map ? args.get('shapes') : args.shapes;
    const data = shapes.data;
    return data instanceof Map ? data.get('x') : data.x;
  };
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const get = (k) => (data instanceof Map ? data.get(k) : data[k]);
    const has = (k) => get(k) !== undefined;
    const isMap = (view.model.visible && view.model.glyph.type === 'MultiPolygons' && has('code'));
    if (isMap) return window.__testMapXs === mapShapes(view);
  }
  return null;
}"""

# Data coordinates -> viewport pixels through the frame scales of the map's plot view.
_MAP_TO_SCREEN = """([x, y]) => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const has = (k) => (data instanceof Map ? data.has(k) : k in data);
    if (!(view.model.visible && view.model.glyph.type === 'MultiPolygons' && has('code'))) continue;
    const plot = view.parent;
    const rect = plot.canvas_view.el.getBoundingClientRect();
    return [rect.left + plot.frame.x_scale.compute(x), rect.top + plot.frame.y_scale.compute(y)];
  }
  return null;
}"""

# Viewport boxes of the plots that draw the map polygons and the ranking bars (found by
# their data, not by CSS classes, which Panel may or may not pass on to a Bokeh figure).
_PLOT_BOXES = """() => {
  const out = {map: null, ranking: null};
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const has = (k) => (data instanceof Map ? data.has(k) : k in data);
    const isMap = (view.model.visible && view.model.glyph.type === 'MultiPolygons' && has('code'));
    const key = isMap ? 'map' : has('line') && has('code') ? 'ranking' : null;
    if (!key || out[key]) continue;
    const r = view.parent.el.getBoundingClientRect();
    out[key] = {left: r.left, right: r.right, top: r.top, width: r.width, height: r.height};
  }
  return out;
}"""

_SCROLL_TO_MAP = """() => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const has = (k) => (data instanceof Map ? data.has(k) : k in data);
    const isMap = (view.model.visible && view.model.glyph.type === 'MultiPolygons' && has('code'));
    if (isMap) { view.parent.el.scrollIntoView({block: 'center'}); return true; }
  }
  return false;
}"""

# Defines `deepFind(root, selector)`: the first element matching `selector`, across Panel's shadow roots.
DEEP_FIND_JS = """const deepFind = (root, selector) => {
  const hit = root.querySelector(selector);
  if (hit) return hit;
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) { const inner = deepFind(el.shadowRoot, selector); if (inner) return inner; }
  }
  return null;
};"""

# Every text node the user can see, across Panel's shadow roots.
_VISIBLE_TEXT = """() => {
  const out = [];
  const walk = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        const el = node.parentElement;
        const text = node.textContent.trim();
        if (text && el && !['SCRIPT', 'STYLE', 'TEMPLATE'].includes(el.tagName)
            && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) out.push(text);
      } else if (node.shadowRoot) {
        walk(node.shadowRoot);
      }
    }
  };
  walk(document.body);
  return out.join('\\n');
}"""


def wait_for_app(page, timeout: float = 20, plots: bool = True) -> None:
    """Block until the document is rendered and idle; with `plots`, until the map page's
    choropleth and ranking chart are drawn too."""
    page.wait_for_function(_APP_READY, arg=plots, timeout=timeout * 1000)


def source_columns(page, markers: list[str], columns: list[str]) -> dict | None:
    """`columns` of the rendered ColumnDataSource that has all `markers` columns."""
    return page.evaluate(_SOURCE_COLUMNS, [markers, columns])


# Columns of the visible map's source (the shown MultiPolygons renderer; it holds values only).
MAP_COLUMNS_JS = """(columns) => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const get = (k) => (data instanceof Map ? data.get(k) : data[k]);
    const has = (k) => get(k) !== undefined;
    if (!(view.model.visible && view.model.glyph.type === 'MultiPolygons' && has('code'))) continue;
    const out = {};
    for (const c of columns) out[c] = Array.from(get(c));
    return out;
  }
  return null;
}"""


def map_columns(page, *columns: str) -> dict | None:
    """Columns of the choropleth's source: the visible map's units (`code`) and their values."""
    return page.evaluate(MAP_COLUMNS_JS, list(columns))


def bar_columns(page, *columns: str) -> dict | None:
    """Columns of the ranking chart's bar source (the one with `line` and `code`)."""
    return source_columns(page, ["line", "code"], list(columns))


def remember_map_xs(page) -> int:
    """Remember the visible map's packed x coordinates in the page; returns how many there are."""
    return page.evaluate(_REMEMBER_XS)


def map_xs_unchanged(page) -> bool:
    """True if the visible map still draws the x coordinates seen by `remember_map_xs`."""
    return page.evaluate(_SAME_XS)


@lru_cache(maxsize=None)
def district_anchor(code: str) -> tuple[float, float]:
    """A point inside the unit's display polygon (3 digits: district, 5: commune or ward), in the
    map's data coordinates: 5 m steps from the south-west corner of both maps (geo.packed_coordinates)."""
    from dashboard.geo import PACKED_STEP_M, display_geometry
    from dashboard.maps import MAPS

    bounds = [display_geometry(map_id).total_bounds for map_id in MAPS]
    min_x, min_y = min(b[0] for b in bounds), min(b[1] for b in bounds)
    map_id = next(m.id for m in MAPS.values() if m.accepts_code(code))
    point = display_geometry(map_id).set_index("code").geometry[code].representative_point()
    return (point.x - min_x) / PACKED_STEP_M, (point.y - min_y) / PACKED_STEP_M


def plot_boxes(page) -> dict:
    """Viewport boxes ({left, right, top, width, height}) of the `map` and `ranking` plots."""
    return page.evaluate(_PLOT_BOXES)


# BokehJS takes a tap within 300 ms of the previous one for a double tap
# (UIGestures.doubletap_threshold), which selects nothing: a user's next tap comes later.
DOUBLE_TAP_S = 0.3
_last_tap: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def click_district(page, code: str) -> None:
    """Tap the district `code` on the map, as a user would with the mouse."""
    since_last_tap = time.monotonic() - _last_tap.get(page, -DOUBLE_TAP_S)
    if since_last_tap < DOUBLE_TAP_S:
        page.wait_for_timeout((DOUBLE_TAP_S - since_last_tap) * 1000 + 50)
    assert page.evaluate(_SCROLL_TO_MAP), "map plot not found in the page"
    x, y = district_anchor(code)
    screen = page.evaluate(_MAP_TO_SCREEN, [x, y])
    assert screen is not None, "map plot not found in the page"
    viewport = page.viewport_size
    assert 0 <= screen[0] < viewport["width"] and 0 <= screen[1] < viewport["height"], (
        f"district {code} is off screen at {screen}"
    )
    page.mouse.click(*screen)
    _last_tap[page] = time.monotonic()


def visible_text(page, timeout: float = 15) -> str:
    """The text of every visible element, shadow DOM included, one node per line, read once
    every visible pane shows its content."""
    page.wait_for_function(_PANES_SHOWN, timeout=timeout * 1000)
    return page.evaluate(_VISIBLE_TEXT)


def query_string(page) -> str:
    """`location.search` as the page sees it (Panel updates it with the History API)."""
    return page.evaluate("() => window.location.search")


# True once the frames of the indicator shown have arrived and been inflated in the browser.
_FRAMES_READY = """() => {
  for (const doc of Bokeh.documents) for (const model of doc._all_models.values()) {
    const data = model.data;
    if (!data || !(data instanceof Map ? data.has('zip') : 'zip' in data)) continue;
    const cache = model._frames;
    return cache !== undefined && cache.value !== null && cache.value.key === model.tags[1];
  }
  return false;
}"""



def frames_ready(page) -> bool:
    return page.evaluate(_FRAMES_READY)


# True once the neighbour frames (one per indicator offered) have arrived, been inflated, and are
# those of the view shown (its period and map).
_NEAR_READY = """() => {
  let holder = null, near = null;
  for (const doc of Bokeh.documents) for (const model of doc._all_models.values()) {
    const data = model.data, has = (k) => data && (data instanceof Map ? data.has(k) : k in data);
    if (has('zip')) holder = model;
    else if (has('near')) near = model;
  }
  if (holder === null || near === null || !near._frames || near._frames.value === null) return false;
  const parts = holder.tags[1].split('|');  // version|indicator|map|lang|gap
  return near._frames.value.key === [parts[0], parts[2], parts[3], parts[4], holder.tags[0]].join('|');
}"""


def near_ready(page) -> bool:
    return page.evaluate(_NEAR_READY)


def record_received(page) -> list[str]:
    """Websocket messages the browser receives from now on (text frames)."""
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(
        payload if isinstance(payload, str) else "")))
    return received


def quiet(page, received: list[str], seconds: float = 1.5) -> None:
    """Wait until no websocket message has arrived for `seconds` (the server has finished a change)."""
    for _ in range(60):
        count = len(received)
        page.wait_for_timeout(seconds * 1000)
        if len(received) == count:
            return


def events_for(received: list[str]) -> list[dict]:
    events = []
    for text in received:
        if text.startswith('{"events"'):
            events += json.loads(text)["events"]
    return events


def data_columns_sent(received: list[str]) -> set[str]:
    """Columns of any data source the server sent (in full or as a patch)."""
    columns = set()
    for event in events_for(received):
        if event["kind"] == "ColumnDataChanged":
            columns |= {name for name, _values in event["data"]["entries"]}
        elif event["kind"] == "ColumnsPatched":
            columns |= {name for name, _values in event["patches"]["entries"]}
    return columns


__all__ = [
    "bar_columns", "click_district", "data_columns_sent", "district_anchor", "events_for", "frames_ready", "near_ready",
    "MAP_COLUMNS_JS", "map_columns", "map_xs_unchanged", "plot_boxes", "query_string", "quiet", "record_received",
    "remember_map_xs", "source_columns", "visible_text", "wait_for_app", "wait_until",
]
