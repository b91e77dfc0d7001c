"""The map page on the 126 communes and wards (from 1 July 2025), in Chromium."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from . import (
    bar_columns,
    click_district,
    map_xs_unchanged,
    query_string,
    remember_map_xs,
    visible_text,
    wait_for_app,
    wait_until,
)

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
NEW_MAP = "/?page=map&indicator=committee_established&year=2026"
# Hoàn Kiếm ward (1.9 km², for links) and two large communes (81 and 68 km², for taps).
HOAN_KIEM, BA_VI, SOC_SON = "00070", "09700", "00376"

# Every map renderer: visible or not, how many units its source has, which are selected, and
# whether its shapes (packed flat arrays, views.packed_shapes) are in the page.
_MAPS = """() => {
  const maps = [];
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer' || view.model.glyph.type !== 'MultiPolygons') continue;
    const source = view.model.data_source;
    const get = (k) => (source.data instanceof Map ? source.data.get(k) : source.data[k]);
    maps.push({visible: view.model.visible, units: get('code').length, code: Array.from(get('code')),
               selected: Array.from(source.selected.indices)});
  }
  return maps;
}"""

_AXIS_LABELS = """() => {
  const out = [];
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type === 'CategoricalAxis' || view.model.type === 'LinearAxis') out.push(view.model.axis_label);
  }
  return out;
}"""


def drawn_maps(page) -> list[dict]:
    """The map renderers in the page: one until the other map is first needed."""
    return page.evaluate(_MAPS)


def visible_map(page) -> dict:
    (shown,) = [m for m in drawn_maps(page) if m["visible"]]
    return shown


def test_the_new_map_draws_126_units_and_says_which_map_it_is(open_app):
    page = open_app(NEW_MAP)
    wait_until(lambda: visible_map(page)["units"] == 126, page, timeout=10_000)
    text = visible_text(page)
    assert "126 xã, phường" in text and "từ 01/07/2025" in text
    expect(page.locator(".attribution")).to_contain_text("sapnhap.bando.com.vn")
    # The district map's shapes were never sent: its renderer is not in the page.
    assert len(drawn_maps(page)) == 1
    assert len(bar_columns(page, "code")["code"]) <= 21


def test_tapping_a_unit_shows_its_card_and_puts_it_in_the_url(open_app):
    page = open_app(NEW_MAP)
    click_district(page, BA_VI)
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
    assert visible_map(page)["units"] == 30 and len(drawn_maps(page)) == 1
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì")
    remember_map_xs(page)
    page.locator(".period-select select").select_option(label="2025")
    wait_until(lambda: visible_map(page)["units"] == 126, page, timeout=15_000)
    assert len(drawn_maps(page)) == 2
    expect(page.locator(".cleared-unit-notice")).to_contain_text("Huyện Ba Vì (271)")
    assert "unit=271" not in query_string(page)
    assert not visible_map(page)["selected"]  # never a wrong unit
    page.locator(".period-select select").select_option(label="2024")
    wait_until(lambda: visible_map(page)["units"] == 30, page, timeout=15_000)
    assert map_xs_unchanged(page), "the district polygons were sent again"
    assert len(drawn_maps(page)) == 2


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
