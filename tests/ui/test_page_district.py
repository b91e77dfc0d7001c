"""The district profile as a user meets it: `panel serve app.py` (seeded database) in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.i18n import STRINGS

from . import visible_text

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
# Sixteen small charts are made after the facts have arrived; allow for a slow CI machine.
RENDER_TIMEOUT_MS = 60_000

# True when Bokeh has drawn `count` plots and has no server round-trip pending.
_PLOTS_DRAWN = """(count) => {
  if (!window.Bokeh || !Bokeh.documents || !Bokeh.documents.length) return false;
  if (Bokeh.documents[0].is_idle === false) return false;
  const views = Array.from(Bokeh.index.all_views());
  // The profile draws bare Bokeh plots ('Plot'); figures elsewhere are 'Figure'.
  return views.filter((view) => ['Figure', 'Plot'].includes(view.model.type)).length >= count;
}"""

# Series names drawn by the charts (the district's own line is named after the district).
_CHART_SERIES = """() => {
  const names = new Set();
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const series = data instanceof Map ? data.get('series') : data['series'];
    if (series) for (const name of series) names.add(name);
  }
  return Array.from(names);
}"""

# Profile strings that must not survive on an English page (place names excepted).
PROFILE_VI = sorted(
    texts["vi"]
    for key, texts in STRINGS.items()
    if key.startswith("profile_") and "{" not in texts["vi"] and texts["vi"] != texts["en"]
)


@pytest.fixture
def open_page(open_app):
    """Open a path at a size and wait until `plots` charts of the profile are drawn."""

    def _open(path: str, viewport: dict = DESKTOP, plots: int = 16):
        page = open_app(path, viewport["width"], viewport["height"], plots=False)
        page.wait_for_function(_PLOTS_DRAWN, arg=plots, timeout=RENDER_TIMEOUT_MS)
        return page

    return _open


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def block(page, indicator_short_name: str):
    """The facts block of one indicator, found by its title."""
    return page.locator(".profile-facts-block").filter(
        has=page.locator(".profile-indicator-title", has_text=indicator_short_name)
    )


def test_choosing_a_district_fills_and_then_changes_the_profile(open_page):
    page = open_page("/?page=district", plots=0)
    expect(page.get_by_text(STRINGS["profile_prompt"]["vi"])).to_be_visible()
    expect(page.locator(".profile-facts-block")).to_have_count(0)

    chooser = page.locator(".profile-chooser select")
    chooser.select_option(label="Ba Vì (huyện)")
    expect(page.locator(".profile-heading")).to_contain_text(
        "Huyện Ba Vì", timeout=RENDER_TIMEOUT_MS
    )
    expect(page.locator(".illustrative-notice")).to_contain_text("Số liệu minh họa")
    page.wait_for_function(_PLOTS_DRAWN, arg=16, timeout=RENDER_TIMEOUT_MS)
    population = block(page, "Dân số")
    expect(population.locator(".profile-value")).to_contain_text("290.580")
    expect(population).to_contain_text("chưa có kỳ trước")
    planning = block(page, "Nữ trong quy hoạch cán bộ")
    expect(planning).to_contain_text("trên 30 quận, huyện, thị xã có số liệu")
    ba_vi_text = planning.inner_text()
    page.wait_for_function("() => window.location.search.includes('unit=271')")

    chooser.select_option(label="Sóc Sơn (huyện)")
    expect(page.locator(".profile-heading")).to_contain_text(
        "Huyện Sóc Sơn", timeout=RENDER_TIMEOUT_MS
    )
    expect(population.locator(".profile-value")).not_to_contain_text("290.580")
    expect(planning).not_to_have_text(ba_vi_text)
    page.wait_for_function("() => window.location.search.includes('unit=016')")
    series = page.evaluate(_CHART_SERIES)
    assert "Huyện Sóc Sơn" in series and "Huyện Ba Vì" not in series, series
    shoot(page, "district-1920.png")


def test_english_deep_link_on_a_phone(open_page):
    page = open_page("/?page=district&district=001&lang=en", viewport=PHONE)
    expect(page.locator(".profile-heading")).to_contain_text("Ba Đình (urban district)")
    expect(page.locator(".profile-chooser select")).to_have_value("Ba Đình (urban district)")
    # From 2021 an urban district keeps its own council, but its wards have none
    # (Resolution 97/2019/QH14): the commune level says so instead of "no data".
    expect(block(page, "Women district-council deputies")).to_contain_text("2021–2026")
    council = block(page, "Women commune-council deputies")
    expect(council).to_contain_text("2016–2021")
    expect(council).to_contain_text("2021–2026: no People's Council at this level")
    expect(page.locator(".illustrative-notice")).to_contain_text("Illustrative data")

    text = visible_text(page)
    assert "Whole city, same period" in text and "Change since the previous period" in text
    leftovers = [word for word in PROFILE_VI if word in text]
    assert leftovers == [], f"Vietnamese profile text on the English page: {leftovers}"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width} px)"
    shoot(page, "district-390.png")

    # Printed, the profile keeps its content and drops the controls.
    page.emulate_media(media="print")
    expect(page.locator(".profile-controls")).to_be_hidden()
    expect(page.locator(".profile-heading")).to_be_visible()
    page.emulate_media(media="screen")
