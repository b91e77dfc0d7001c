"""The map page on the 126 communes and wards (from 1 July 2025), in Chromium.

The shared helpers find "the" map source by its columns; with one source per map, these
find the visible one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from playwright.sync_api import expect

from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP

from . import bar_columns, query_string, visible_text, wait_for_app, wait_until

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
NEW_MAP = "/?page=map&indicator=committee_established&year=2026"
# Hoàn Kiếm ward (1.9 km², for links) and two large communes (81 and 68 km², for taps).
HOAN_KIEM, BA_VI, SOC_SON = "00070", "09700", "00376"

# The visible map renderer: its unit count and codes, and whether it is the only one shown.
_SHOWN_MAP = """() => {
  const maps = [];
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const get = (k) => (data instanceof Map ? data.get(k) : data[k]);
    if (!(get('xs') && get('code'))) continue;
    maps.push({visible: view.model.visible, units: get('code').length, code: Array.from(get('code')),
               selected: Array.from(view.model.data_source.selected.indices)});
  }
  return maps;
}"""

_SCREEN_POINT = """([x, y]) => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer' || !view.model.visible) continue;
    const data = view.model.data_source.data;
    const has = (k) => (data instanceof Map ? data.has(k) : k in data);
    if (!(has('xs') && has('code'))) continue;
    const plot = view.parent;
    plot.el.scrollIntoView({block: 'center'});
    const rect = plot.canvas_view.el.getBoundingClientRect();
    return [rect.left + plot.frame.x_scale.compute(x), rect.top + plot.frame.y_scale.compute(y)];
  }
  return null;
}"""


_AXIS_LABELS = """() => {
  const out = [];
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type === 'CategoricalAxis' || view.model.type === 'LinearAxis') out.push(view.model.axis_label);
  }
  return out;
}"""


def shown_maps(page) -> list[dict]:
    return page.evaluate(_SHOWN_MAP)


def visible_map(page) -> dict:
    (shown,) = [m for m in shown_maps(page) if m["visible"]]
    return shown


@lru_cache(maxsize=None)
def unit_anchor(code: str) -> tuple[float, float]:
    """A point inside the unit's display polygon (either map), in map coordinates."""
    from dashboard.geo import display_geometry

    map_id = COMMUNE_MAP.id if len(code) == 5 else DISTRICT_MAP.id
    point = display_geometry(map_id).set_index("code").geometry[code].representative_point()
    return point.x, point.y


def click_unit(page, code: str) -> None:
    screen = page.evaluate(_SCREEN_POINT, list(unit_anchor(code)))
    assert screen is not None, "no visible map in the page"
    screen = page.evaluate(_SCREEN_POINT, list(unit_anchor(code)))  # after scrolling into view
    page.mouse.click(*screen)


def test_the_new_map_draws_126_units_and_says_which_map_it_is(open_app):
    page = open_app(NEW_MAP)
    wait_until(lambda: visible_map(page)["units"] == 126, page, timeout=10_000)
    text = visible_text(page)
    assert "126 xã, phường" in text and "từ 01/07/2025" in text
    expect(page.locator(".attribution")).to_contain_text("sapnhap.bando.com.vn")
    # The hidden district map never received its polygons.
    assert [m["units"] for m in shown_maps(page) if not m["visible"]] == [0]
    assert len(bar_columns(page, "code")["code"]) <= 21


def test_tapping_a_unit_shows_its_card_and_puts_it_in_the_url(open_app):
    page = open_app(NEW_MAP)
    click_unit(page, BA_VI)
    expect(page.locator(".district-card .card-title")).to_have_text("Xã Ba Vì")
    wait_until(lambda: f"unit={BA_VI}" in query_string(page), page, timeout=10_000)
    wait_until(lambda: BA_VI in bar_columns(page, "code")["code"], page, timeout=10_000)
    assert len(bar_columns(page, "code")["code"]) <= 21


def test_a_deep_link_selects_the_unit_in_english(open_app):
    page = open_app(f"{NEW_MAP}&unit={SOC_SON}&lang=en")
    expect(page.locator(".district-card .card-title")).to_contain_text("Sóc Sơn")
    shown = visible_map(page)
    assert [shown["code"][i] for i in shown["selected"]] == [SOC_SON]
    text = visible_text(page)
    assert "126 communes and wards" in text, text
    assert page.evaluate(_AXIS_LABELS).count("Commune or ward") >= 1


def test_switching_2024_to_2025_swaps_the_maps_and_clears_a_district_with_a_note(open_app):
    page = open_app("/?page=map&indicator=committee_established&year=2024&unit=271")
    assert visible_map(page)["units"] == 30
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì")
    page.locator(".period-select select").select_option(label="2025")
    wait_until(lambda: visible_map(page)["units"] == 126, page, timeout=15_000)
    expect(page.locator(".cleared-unit-notice")).to_contain_text("Huyện Ba Vì (271)")
    assert "unit=271" not in query_string(page)
    assert not visible_map(page)["selected"]  # never a wrong unit
    page.locator(".period-select select").select_option(label="2024")
    wait_until(lambda: visible_map(page)["units"] == 30, page, timeout=15_000)


def test_a_phone_shows_a_short_readable_ranking(open_app):
    page = open_app(NEW_MAP, width=390, height=844)
    bars = bar_columns(page, "code")
    assert 0 < len(bars["code"]) <= 21
    assert "danh sách đầy đủ" in visible_text(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 392, f"the page scrolls sideways on a phone: {width}px"


def test_screenshots_of_the_new_map(open_app):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for name, width, height in (("commune-map-1920", 1920, 1080), ("commune-map-390", 390, 844)):
        page = open_app(f"{NEW_MAP}&unit={HOAN_KIEM}", width=width, height=height)
        wait_for_app(page)
        page.screenshot(path=SCREENSHOT_DIR / f"{name}.png", full_page=True)
