"""Periods and taps drawn in the browser: map, ranking, card and URL change at once; the server follows."""

from __future__ import annotations

from playwright.sync_api import expect

from dashboard.views.ranking import SELECTED_LINE

from . import (
    MAP_COLUMNS_JS,
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

# The middle of the ranking's last (top) bar on screen; with `scroll`, scroll the chart into view.
_LAST_BAR_AT = """(scroll) => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const get = (k) => (data instanceof Map ? data.get(k) : data[k]);
    if (!(get('line') && get('code'))) continue;
    const plot = view.parent, n = get('code').length;
    if (scroll) { plot.el.scrollIntoView({block: 'center'}); return null; }
    const rect = plot.canvas_view.el.getBoundingClientRect();
    return [rect.left + plot.frame.x_scale.compute(get('length')[n - 1] / 2),
            rect.top + plot.frame.y_scale.compute(get('name')[n - 1])];
  }
  return null;
}"""


# Picks the option labelled `label` in a select and counts, in the same task (before any server message can
# arrive), the layouts Bokeh computes and the map cells that changed.
_PICK_AND_COUNT_LAYOUTS = """async (select, label) => {
  const mapLabels = () => (%s)(['value_label']).value_label;
  let layouts = 0;
  for (const view of Bokeh.index.all_views()) {
    if (typeof view.compute_layout !== 'function') continue;
    const own = view.compute_layout;
    view.compute_layout = function (...args) { layouts += 1; return own.apply(this, args); };
  }
  const before = mapLabels();
  select.value = [...select.options].find((option) => option.textContent === label).value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  // The widget's callback runs in microtasks: wait for them, not for a task (nor a frame, whose
  // resize observers lay out what changed size).
  let after = mapLabels();
  for (let i = 0; i < 1000 && after.every((v, i) => v === before[i]); i++) {
    await Promise.resolve();
    after = mapLabels();
  }
  return {layouts, changed: after.filter((v, i) => v !== before[i]).length};
}""" % MAP_COLUMNS_JS


def server_follows(page, period: int) -> None:
    """Wait until the server's state shows `period`: it writes the download links after its state."""
    wait_until(lambda: f"year={period}&" in (page.locator("a.export-map").get_attribute("href") or ""),
               page, timeout=20_000)


def test_a_period_picked_is_drawn_in_the_browser_and_the_server_follows_without_resending(open_app, page):
    received = record_received(page)
    open_app("/?page=map&indicator=women_district_council_pct&year=2021")
    wait_until(lambda: frames_ready(page), page, timeout=20_000)
    click_district(page, "271")
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì")
    wait_until(lambda: "271" in query_string(page), page, timeout=10_000)
    before = map_columns(page, "color", "value_label")
    quiet(page, received)
    received.clear()

    page.locator(".period-select select").select_option(label="2011–2016")

    # Drawn in the browser: map, ranking, card, legend, note and URL.
    after = map_columns(page, "color", "value_label")
    assert after["value_label"] != before["value_label"] and after["color"] != before["color"]
    bars = bar_columns(page, "code", "line")
    assert [c for c, line in zip(bars["code"], bars["line"]) if line == SELECTED_LINE] == ["271"]
    expect(page.locator(".district-card .card-indicator")).to_contain_text("2011–2016")
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì")
    expect(page.locator(".ranking-note")).to_contain_text("2011–2016")
    assert "year=2011" in query_string(page)

    # The server follows, and sends none of the columns back, nor the polygons.
    server_follows(page, 2011)
    page.wait_for_timeout(500)
    sent = data_columns_sent(received)
    assert not sent & {"xs", "ys", "color", "value", "value_label", "name", "line", "length"}, sent
    assert not [e for e in events_for(received) if e.get("attr") == "factors"]

    # An export started now shows what the browser shows.
    with page.expect_download(timeout=120_000) as download:
        page.locator("a.export-html").click()
    assert download.value.suggested_filename == "women_district_council_pct_2011_vi.html"
    with open(download.value.path(), encoding="utf-8") as file:
        assert "2011–2016" in file.read()

    # The URL restores the same view.
    page.reload()
    wait_for_app(page, timeout=60)
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì")
    expect(page.locator(".district-card .card-indicator")).to_contain_text("2011–2016")
    assert map_columns(page, "color")["color"] == after["color"]


def test_a_period_drawn_in_the_browser_lays_out_nothing_again_and_the_server_keeps_its_text(open_app, page):
    # Bokeh lays out the whole page again when a Div's text changes; the browser's frame changes
    # only the Divs' content, so the page keeps its layout, and the server is told the new text.
    received = record_received(page)
    open_app("/?page=map&indicator=women_district_council_pct&year=2021")
    wait_until(lambda: frames_ready(page), page, timeout=20_000)
    quiet(page, received)
    received.clear()

    drawn = page.locator(".period-select select").first.evaluate(_PICK_AND_COUNT_LAYOUTS, "2011–2016")

    assert drawn["changed"] > 0, drawn  # drawn in the browser, in the same task
    assert drawn["layouts"] == 0, drawn
    expect(page.locator(".ranking-note")).to_contain_text("2011–2016")
    server_follows(page, 2011)
    quiet(page, received)
    texts = [str(e.get("new")) for e in events_for(received) if e.get("attr") == "text"]
    assert not [text for text in texts if "ranking-note" in text or 'class="legend"' in text], texts


def test_the_timeline_and_a_new_indicator_are_drawn_from_frames_too(open_app, page):
    received = record_received(page)
    open_app("/?page=map&indicator=women_district_council_pct&year=2021")
    # A new indicator goes through the server; its frames follow it.
    page.locator(".indicator-select select").select_option(value="Cán bộ làm công tác bình đẳng giới")
    wait_until(lambda: "indicator=gender_officers" in query_string(page), page, timeout=20_000)
    wait_until(lambda: frames_ready(page), page, timeout=20_000)
    before = map_columns(page, "value_label")["value_label"]
    quiet(page, received)
    received.clear()

    # The timeline is rebuilt with the new indicator's periods, those of the select.
    stops = page.locator(".period-select select option").count()
    handle = page.locator(".period-slider .noUi-handle")
    wait_until(lambda: handle.count() == 1 and handle.first.get_attribute("aria-valuemax") == f"{stops - 1}.0",
               page, timeout=20_000)
    handle = handle.first
    handle.focus()
    handle.press("ArrowLeft")

    wait_until(lambda: map_columns(page, "value_label")["value_label"] != before, page, timeout=5_000)
    wait_until(lambda: "year=2020" in query_string(page), page, timeout=5_000)
    expect(page.locator(".period-select select")).to_have_value("2020")
    server_follows(page, 2020)
    page.wait_for_timeout(500)
    assert not data_columns_sent(received) & {"xs", "ys", "color", "value_label", "line"}


def test_a_tap_on_a_bar_selects_its_district_on_the_map_and_shows_its_card(open_app, page):
    open_app("/?page=map&indicator=women_district_council_pct&year=2021")
    wait_until(lambda: frames_ready(page), page, timeout=20_000)
    bars = bar_columns(page, "code", "name")
    name, code = bars["name"][-1], bars["code"][-1]  # the top bar
    page.evaluate(_LAST_BAR_AT, True)  # scrolled into view first
    page.mouse.click(*page.evaluate(_LAST_BAR_AT, False))
    expect(page.locator(".district-card .card-title")).to_have_text(name)
    wait_until(lambda: [c for c, line in zip(*bar_columns(page, "code", "line").values()) if line == SELECTED_LINE]
               == [code], page, timeout=5_000)
    wait_until(lambda: code in query_string(page), page, timeout=10_000)


# Every period the page's address shows, in order (history.replaceState is how the page writes it).
_RECORD_YEARS = """() => {
  window.__years = [];
  const replace = history.replaceState.bind(history);
  history.replaceState = (state, title, url) => {
    window.__years.push(new URL(url, location.href).searchParams.get('year'));
    return replace(state, title, url);
  };
}"""


def test_a_new_indicators_timeline_from_the_server_never_moves_the_period(open_app, page):
    """The timeline's position and periods reach the browser one by one: the position must never
    pick a period from the last indicator's list and draw it on the way. That spoilt the view's
    neighbour frames, and the next indicator change waited for the server (shown: without the
    check in TIMELINE_JS, the frames of the commune map's view never arrive)."""
    open_app("/?page=map&indicator=women_district_council_pct&year=2016")
    wait_until(lambda: frames_ready(page) and near_ready(page), page, timeout=30_000)
    # A change the server draws (to the commune map) sends a new timeline...
    page.locator(".indicator-select select").select_option(value="Nữ ứng cử HĐND cấp xã")
    wait_until(lambda: "year=2026" in query_string(page), page, timeout=20_000)
    wait_until(lambda: frames_ready(page) and near_ready(page), page, timeout=30_000)
    page.wait_for_timeout(500)
    page.evaluate(_RECORD_YEARS)
    # ... and the next one is still drawn in the browser.
    # Candidates' terms to yearly figures, whose list of periods differs: the period stays.
    page.locator(".indicator-select select").select_option(value="UBND có lãnh đạo chủ chốt nữ")
    wait_until(lambda: "indicator=key_leader_female" in query_string(page), page, timeout=20_000)
    wait_until(lambda: frames_ready(page), page, timeout=20_000)
    page.wait_for_timeout(1_000)
    # Drawn in the browser, which writes the address, at the same period throughout.
    years = page.evaluate("() => window.__years")
    assert set(years) == {"2026"}, years


def test_the_timelines_label_is_the_period_shown_after_each_new_indicator(open_app, page):
    # Bokeh's slider writes its label when its value changes, not when its formatter does: at
    # the same position, a new indicator's timeline kept the last indicator's label.
    open_app("/?page=map&indicator=women_district_council_pct&year=2011")
    select = page.locator(".period-select select")
    label = page.locator(".period-slider .bk-slider-title")

    def label_is_period_shown() -> bool:
        shown = select.evaluate("(el) => el.options[el.selectedIndex].textContent").strip()
        return label.inner_text().strip() == shown

    wait_until(label_is_period_shown, page, timeout=20_000)
    assert label.inner_text().strip() == "2011–2016"
    for indicator, query in (("Ban VSTBPN được kiện toàn", "committee_established"),
                             ("Nữ đại biểu HĐND cấp huyện", "women_district_council_pct")):
        page.locator(".indicator-select select").select_option(value=indicator)
        wait_until(lambda query=query: f"indicator={query}" in query_string(page), page, timeout=20_000)
        wait_until(lambda: frames_ready(page), page, timeout=20_000)
        wait_until(label_is_period_shown, page, timeout=10_000)
