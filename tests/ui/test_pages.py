"""Overview, theme pages and presentation mode as a user meets them in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.catalogue import load_catalogue
from dashboard.shell import PRESENTATION_PAGES

from . import map_columns, query_string, visible_text, wait_for_app, wait_until


def short_name(indicator_id: str) -> str:
    """The selector shows indicators by their Vietnamese short name."""
    return load_catalogue().get(indicator_id).short_name["vi"]

THEME_PAGES = {
    "committees": ("Bộ máy", "committee_established"),
    # Opened from the map page, whose indicator is a leadership one: it is kept.
    "leadership": ("Phụ nữ tham gia lãnh đạo", "women_district_council_pct"),
    "capacity": ("Năng lực và truyền thông", "training_courses"),
    "health": ("Sức khỏe", "screening_women"),
}


def test_overview_cards_show_targets_and_open_their_theme(open_app):
    page = open_app("/?year=2020", plots=False)
    cards = page.locator(".kpi-card")
    expect(cards).to_have_count(5)
    expect(page.locator(".kpi-committee_established .kpi-card")).to_contain_text("Kế hoạch 45/KH-UBND")
    # The 60% key-leader target of Resolution 28/NQ-CP applies from 2021 only.
    expect(page.locator(".kpi-key_leader_female .kpi-card")).to_contain_text(
        "không có mục tiêu áp dụng cho kỳ này")
    expect(page.locator(".kpi-women_district_council_pct .kpi-card")).to_contain_text("356/1.183")

    page.locator(".kpi-open-key_leader_female button").click()
    wait_for_app(page)
    wait_until(lambda: "page=leadership" in query_string(page), page, timeout=15_000)
    assert "indicator=key_leader_female" in query_string(page)
    expect(page.locator(".indicator-select select")).to_have_value(short_name("key_leader_female"))


def test_overview_year_changes_the_cards(open_app):
    page = open_app("/?year=2016", plots=False)
    card = page.locator(".kpi-committee_established .kpi-card")
    before = card.inner_text()
    page.locator(".overview-year select").select_option("2020")
    wait_until(lambda: card.inner_text() != before, page, timeout=15_000)
    wait_until(lambda: "year=2020" in query_string(page), page, timeout=10_000)


@pytest.mark.parametrize("slug", list(THEME_PAGES))
def test_theme_page_navigation_interaction_and_deep_link(open_app, slug):
    title, first_indicator = THEME_PAGES[slug]
    page = open_app("/?page=map")
    page.locator(f".nav-{slug} button").click()
    expect(page.locator(".theme-intro")).to_be_visible(timeout=20_000)  # the map page is gone
    wait_for_app(page)
    wait_until(lambda: f"page={slug}" in query_string(page), page, timeout=15_000)
    expect(page.locator(f".nav-{slug} button")).to_contain_text(title)
    options = page.locator(".indicator-select select option")
    assert options.count() >= 1
    # The page shows one of its own indicators: the map's if it belongs, else the theme's first.
    expect(page.locator(".indicator-select select")).to_have_value(short_name(first_indicator))

    page.locator(".view-switch button", has_text="Bảng").click()
    expect(page.locator(".indicator-table")).to_be_visible(timeout=15_000)
    wait_until(lambda: "view=table" in query_string(page), page, timeout=10_000)

    deep = open_app(f"/?page={slug}&view=map&lang=en&district=271")
    wait_until(lambda: "Ba Vì" in visible_text(deep), deep, timeout=15_000)
    text = visible_text(deep)
    assert "Indicator" in text and "Chỉ tiêu" not in text
    assert map_columns(deep, "code")["code"]


def test_leadership_page_shows_the_real_figures_with_sources(open_app):
    page = open_app("/?page=leadership")
    facts = page.locator(".real-figures")
    expect(facts).to_contain_text("25/105")
    expect(facts).to_contain_text("hanoimoi.vn")
    expect(facts).to_contain_text("151/499")


def test_presentation_mode_steps_through_themes_with_the_keyboard(open_app):
    page = open_app("/?mode=present", plots=False)
    position = page.locator(".presenter-position")
    expect(position).to_contain_text("1 / 5")
    page.keyboard.press("PageDown")
    expect(position).to_contain_text("2 / 5", timeout=15_000)
    wait_until(lambda: "page=committees" in query_string(page), page, timeout=15_000)
    page.keyboard.press("ArrowRight")
    expect(position).to_contain_text("3 / 5", timeout=15_000)
    wait_until(lambda: "page=leadership" in query_string(page), page, timeout=15_000)
    page.keyboard.press("PageUp")
    expect(position).to_contain_text("2 / 5", timeout=15_000)
    assert not page.locator(".nav").is_visible()  # no navigation bar on the projector


# The map figure's and the chart column's left and right edges, as the browser lays them out.
_MAP_AND_CHART_EDGES = """() => {
  const edges = (view) => { const r = view.el.getBoundingClientRect(); return [r.left, r.right]; };
  let map = null, chart = null;
  for (const view of Bokeh.index.all_views()) {
    const model = view.model;
    if (!(view.el instanceof Element) || view.el.getBoundingClientRect().width === 0) continue;  // a hidden page's
    const polygons = (r) => r.visible && r.glyph && r.glyph.type === 'MultiPolygons';
    if (model.type === 'Figure' && model.renderers.some(polygons)) map = edges(view);
    if (model.css_classes && model.css_classes.includes('chart-column')) chart = edges(view);
  }
  return {map, chart};
}"""


def test_on_the_projector_the_map_and_the_charts_share_the_row(open_app):
    page = open_app("/?mode=present&page=health", width=1920, height=1080)
    found = page.evaluate(_MAP_AND_CHART_EDGES)
    (map_left, map_right), (chart_left, chart_right) = found["map"], found["chart"]
    # Side by side, half each: not a narrow map with the charts drawn over its right part.
    assert map_right <= chart_left
    assert map_right - map_left >= 0.9 * (chart_right - chart_left), found


@pytest.mark.parametrize("slug", PRESENTATION_PAGES)
def test_on_the_projector_no_page_runs_past_the_screens_edge(open_app, slug):
    page = open_app(f"/?mode=present&page={slug}", width=1920, height=1080, plots=slug != "overview")
    # The page is enlarged for the room; its plots still fit their columns.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1920, f"the {slug} page scrolls sideways on the projector ({width} px)"


def test_an_address_with_values_the_page_drops_shows_what_the_page_shows(open_app):
    page = open_app("/?page=map&indicator=bogus&year=abc&lang=xx&unit=99999&gap=maybe&keep=1")
    query = query_string(page)
    assert "page=map" in query and "lang=vi" in query and "gap=false" in query and "keep=1" in query
    for dropped in ("bogus", "abc", "xx", "99999", "maybe"):
        assert f"={dropped}" not in query, query
    # It opens the same view again.
    indicator = page.locator(".indicator-select select").input_value()
    page.reload()
    wait_for_app(page)
    assert query_string(page) == query and page.locator(".indicator-select select").input_value() == indicator
    # Corrected in place: Back leaves the page, not for the address that meant nothing.
    page.go_back()
    assert "bogus" not in page.url
