"""Indicator changes are drawn in the browser, one after another and after a period change; on
the 126-unit map a tap outside the cut ranking is too, and a tap's card is drawn without laying
out the page again."""

from __future__ import annotations

from playwright.sync_api import expect

from dashboard.catalogue import load_catalogue
from dashboard.model.indicators import indicator_groups
from dashboard.views.ranking import SELECTED_LINE

from . import (
    DEEP_FIND_JS,
    bar_columns,
    click_district,
    data_columns_sent,
    events_for,
    frames_ready,
    map_columns,
    near_ready,
    query_string,
    quiet,
    record_received,
    wait_for_app,
    wait_until,
)

NEW_MAP = "/?page=map&indicator=committee_established&year=2026"
BA_VI = "09700"  # a large commune, outside the first and last ten of the ranking
RANKING_COLUMNS = {"name", "length", "line", "width", "code", "color", "value_label"}

# Where the ranking's dashed gap lines sit (bar positions), those shown.
_GAP_LINES = """() => {
  const at = [];
  for (const doc of Bokeh.documents) for (const model of doc._all_models.values())
    if (model.type === 'Span' && model.dimension === 'width' && model.visible) at.push(model.location);
  return at.sort((a, b) => a - b);
}"""

# Selects a unit on the map shown, as a tap does.
_SELECT_ON_MAP = """(code) => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer' || view.model.glyph.type !== 'MultiPolygons' || !view.model.visible)
      continue;
    const source = view.model.data_source;
    const codes = source.data instanceof Map ? source.data.get('code') : source.data.code;
    source.selected.indices = [Array.from(codes).indexOf(code)];
  }
}"""

# Ids of the map shown's source and the ranking's bars.
_DRAWN_IDS = """() => {
  const ids = [];
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data, has = (k) => (data instanceof Map ? data.has(k) : k in data);
    if ((view.model.glyph.type === 'MultiPolygons' && view.model.visible) || (has('line') && has('code')))
      ids.push(view.model.data_source.id);
  }
  return ids;
}"""


def columns_sent_to(received: list[str], ids: list[str]) -> set[str]:
    """Columns the server sent to the sources `ids` (in full or as a patch)."""
    columns = set()
    for event in events_for(received):
        if event["kind"] in ("ColumnDataChanged", "ColumnsPatched") and event["model"]["id"] in ids:
            entries = event["data"] if event["kind"] == "ColumnDataChanged" else event["patches"]
            columns |= {name for name, _values in entries["entries"]}
    return columns


# Probe: from now on, the first animation frame in which the map's values and the ranking's bars
# have both changed (as benchmarks/browser.py times a change).
_ARM = """() => {
  const get = (model, k) => (model.data instanceof Map ? model.data.get(k) : model.data[k]);
  let map = null, bars = null;
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    if (view.model.glyph.type === 'MultiPolygons' && view.model.visible) map = view.model.data_source;
    else if (get(view.model.data_source, 'line') && get(view.model.data_source, 'code')) bars = view.model.data_source;
  }
  const seen = () => [Array.from(get(map, 'value')).join(','),
                      Array.from(get(bars, 'code')).join(',') + Array.from(get(bars, 'line')).join(',')];
  const before = seen();
  window.__drawn = null;
  const start = performance.now();
  const tick = () => {
    const now = seen();
    if (now[0] !== before[0] && now[1] !== before[1]) {
      window.__drawn = performance.now() - start;
      return;
    }
    if (performance.now() - start < 10000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def test_a_tap_outside_the_cut_joins_the_ranking_in_the_browser_and_the_server_sends_no_bars(open_app, page):
    received = record_received(page)
    open_app(NEW_MAP)
    wait_until(lambda: frames_ready(page), page, timeout=20_000)
    assert BA_VI not in bar_columns(page, "code")["code"]
    quiet(page, received)
    received.clear()

    click_district(page, BA_VI)

    wait_until(lambda: BA_VI in bar_columns(page, "code")["code"], page, timeout=2_000)
    bars = bar_columns(page, "code", "line")
    assert len(bars["code"]) == 21
    assert [c for c, line in zip(bars["code"], bars["line"]) if line == SELECTED_LINE] == [BA_VI]
    # Between two dashed lines: the ranks left out above and below it.
    position = bars["code"].index(BA_VI)
    assert page.evaluate(_GAP_LINES) == [position, position + 1]
    expect(page.locator(".district-card .card-title")).to_have_text("Xã Ba Vì")
    wait_until(lambda: f"unit={BA_VI}" in query_string(page), page, timeout=10_000)
    quiet(page, received)
    sent = data_columns_sent(received)
    assert not sent & RANKING_COLUMNS, sent
    assert not [e for e in events_for(received) if e.get("attr") == "factors"]

    # Back to a unit of the plain cut: the cut closes again, in the browser.
    top = bars["code"][-1]
    page.evaluate(_SELECT_ON_MAP, top)
    bars = bar_columns(page, "code", "line")
    assert len(bars["code"]) == 20 and BA_VI not in bars["code"]
    assert [c for c, line in zip(bars["code"], bars["line"]) if line == SELECTED_LINE] == [top]


def test_an_indicator_change_is_drawn_in_the_browser_and_equals_a_fresh_load(open_app, page):
    received = record_received(page)
    open_app(f"{NEW_MAP}&unit={BA_VI}")
    wait_until(lambda: frames_ready(page) and near_ready(page), page, timeout=30_000)
    before = map_columns(page, "value_label")["value_label"]
    quiet(page, received)
    received.clear()

    page.evaluate(_ARM)
    page.locator(".indicator-select select").select_option(value="Cán bộ làm công tác bình đẳng giới")

    # Drawn in the browser, in the select's own change event: map, ranking, card, URL.
    after = map_columns(page, "value_label", "color")
    assert after["value_label"] != before
    written = query_string(page)  # the URL the browser wrote, before the server answered
    assert "indicator=gender_officers" in written and "year=2026" in written and f"unit={BA_VI}" in written
    bars = bar_columns(page, "code", "line")
    assert [c for c, line in zip(bars["code"], bars["line"]) if line == SELECTED_LINE] == [BA_VI]
    expect(page.locator(".district-card .card-title")).to_have_text("Xã Ba Vì")
    expect(page.locator(".district-card .card-indicator")).to_contain_text("2026")

    wait_until(lambda: page.evaluate("() => window.__drawn") is not None, page, timeout=5_000)
    drawn_ms = page.evaluate("() => window.__drawn")

    # The server follows and sends back none of what the browser drew.
    wait_until(lambda: frames_ready(page), page, timeout=20_000)
    quiet(page, received)
    sent = columns_sent_to(received, page.evaluate(_DRAWN_IDS))
    assert not sent, sent
    assert not [e for e in events_for(received) if e.get("attr") == "factors"]
    card = page.locator(".district-card").inner_html()
    note = page.locator(".ranking-note").inner_text()
    legend = page.locator(".map-legend").inner_text()

    # The view after the server caught up is what a fresh load of that URL shows.
    page.goto(page.url.split("?")[0] + "?" + written.lstrip("?"))
    wait_for_app(page, timeout=60)
    assert "indicator=gender_officers" in query_string(page)
    assert map_columns(page, "value_label", "color") == after
    assert bar_columns(page, "code", "line") == bars
    expect(page.locator(".district-card .card-title")).to_have_text("Xã Ba Vì")
    assert page.locator(".district-card").inner_html() == card
    assert page.locator(".ranking-note").inner_text() == note
    assert page.locator(".map-legend").inner_text() == legend
    print(f"indicator change drawn in the browser in {drawn_ms:.0f} ms")


def indicator_label(indicator_id: str) -> str:
    """The indicator select's option for `indicator_id`, in Vietnamese."""
    groups = indicator_groups(load_catalogue(), "vi", {indicator_id})
    return next(label for options in groups.values() for label, value in options.items() if value == indicator_id)


def test_every_indicator_change_is_drawn_in_the_browser_not_only_the_first(open_app, page):
    """The neighbour frames follow the view: after an indicator change that moves the period, and
    after a period change, the next indicator picked is drawn in the browser too."""
    received = record_received(page)
    open_app("/?page=map&indicator=key_leader_female&year=2024")
    steps = [
        ("indicator", "women_district_council_pct", "year=2021"),  # a term: the period moves
        ("indicator", "key_leader_female", "year=2021"),
        ("period", "2019", "year=2019"),
        ("indicator", "committee_established", "year=2019"),
    ]
    for kind, value, year in steps:
        wait_until(lambda: frames_ready(page) and near_ready(page), page, timeout=30_000)
        quiet(page, received)
        before = map_columns(page, "value", "color")
        received.clear()
        if kind == "indicator":
            page.locator(".indicator-select select").select_option(value=indicator_label(value))
        else:
            page.locator(".period-select select").select_option(label=value)

        # Drawn in the select's own change event, before any message from the server.
        assert map_columns(page, "value", "color") != before, value
        assert year in query_string(page), (value, query_string(page))
        wait_until(lambda: frames_ready(page), page, timeout=20_000)
        quiet(page, received)
        sent = columns_sent_to(received, page.evaluate(_DRAWN_IDS))
        assert not sent, (value, sent)
    assert "indicator=committee_established" in query_string(page)


# Selects `code` on the map shown, as a tap does, and counts the layouts of the whole page (Bokeh
# lays out from a root view) that model changes cause until the card names the unit (the browser
# callback runs asynchronously, before any answer of the server); returns [layouts, card title].
# Not counted: those of Bokeh's ResizeObserver, which follow any element that changed size.
_TAP_COUNTING_LAYOUTS = """async ([code, name]) => {
  let layouts = 0;
  for (const view of Bokeh.index.all_views()) {
    if (view.parent == null && typeof view.compute_layout === 'function') {
      const original = view.compute_layout.bind(view);
      view.compute_layout = () => {
        if (!new Error().stack.includes('after_resize')) layouts += 1;
        original();
      };
    }
  }
  """ + DEEP_FIND_JS + """
  (""" + _SELECT_ON_MAP + """)(code);
  const start = performance.now();
  let title = deepFind(document, '.district-card .card-title');
  while ((title === null || title.textContent !== name) && performance.now() - start < 2000) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    title = deepFind(document, '.district-card .card-title');
  }
  return [layouts, title ? title.textContent : null];
}"""


def test_a_tapped_units_card_is_drawn_without_laying_out_the_page_again(open_app, page):
    """The card's text is drawn in place: a Div's text change would lay out the whole page from
    its root (about 20 ms of the tap), though only the card's content changes. On the district
    map the whole ranking is shown, so a tap only moves its outline."""
    received = record_received(page)
    open_app("/?page=map&indicator=key_leader_female&year=2024")
    wait_until(lambda: frames_ready(page), page, timeout=30_000)
    for code, name in (("271", "Huyện Ba Vì"), ("016", "Huyện Sóc Sơn"), ("282", "Huyện Mỹ Đức")):
        quiet(page, received)  # the server has followed the tap before
        layouts, title = page.evaluate(_TAP_COUNTING_LAYOUTS, [code, name])
        assert title == name
        assert layouts == 0, name
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Mỹ Đức")


def test_the_neighbour_frames_come_by_http_and_a_second_visit_of_a_period_fetches_nothing(open_app, page):
    """A served page fetches each view's neighbour frames from the server's route, once: the
    browser keeps them, and the websocket never carries them."""
    cdp = page.context.new_cdp_session(page)
    answered = []  # (url, status, from the browser's cache)
    cdp.on("Network.responseReceived", lambda event: answered.append(
        (event["response"]["url"], event["response"]["status"], event["response"].get("fromDiskCache", False)))
        if "/dashboard-assets/near.bin" in event["response"]["url"] else None)
    cdp.send("Network.enable")
    binary = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: binary.append(len(payload))
                                          if not isinstance(payload, str) else None))
    open_app("/?page=map&indicator=key_leader_female&year=2024")
    wait_until(lambda: frames_ready(page) and near_ready(page), page, timeout=30_000)
    assert len(answered) == 1 and "indicator=key_leader_female" in answered[0][0] and answered[0][1] == 200
    assert sum(binary) < 5_000  # the period frames only; the neighbour frames alone are about 10 KB
    for period in ("2019", "2024"):
        page.locator(".period-select select").select_option(label=period)
        wait_until(lambda: frames_ready(page) and near_ready(page), page, timeout=30_000)
    # 2019's neighbours were fetched; 2024's, shown before, came from the browser's cache.
    assert [(status, cached) for _url, status, cached in answered] == [(200, False), (200, False), (200, True)]
    assert answered[2][0] == answered[0][0]
    page.locator(".indicator-select select").select_option(value=indicator_label("women_district_council_pct"))
    wait_until(lambda: "indicator=women_district_council_pct" in query_string(page), page)
