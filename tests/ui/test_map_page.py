"""The indicator map as a user meets it: `panel serve app.py` (seeded database) in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.i18n import STRINGS
from dashboard.views.ranking import SELECTED_LINE

from . import (
    bar_columns,
    click_district,
    frames_ready,
    map_columns,
    map_xs_unchanged,
    plot_boxes,
    query_string,
    remember_map_xs,
    visible_text,
    wait_for_app,
    wait_until,
)


@pytest.mark.parametrize("path", ["/", "/app"])
def test_page_loads_with_notices_and_no_offsite_requests(open_app, path):
    page = open_app(path, plots=False)  # the first page (overview) has no map
    expect(page.locator(".app-header h1")).to_contain_text("bình đẳng giới")
    expect(page.locator(".illustrative-notice").first).to_contain_text("Số liệu minh họa")

    page.locator(".nav-map button").click()
    wait_for_app(page)
    wait_until(lambda: "page=map" in query_string(page), page, timeout=10_000)
    expect(page.locator(".illustrative-notice").first).to_contain_text("Số liệu minh họa")
    expect(page.locator(".attribution")).to_contain_text("geoBoundaries")
    expect(page.locator(".legend")).to_contain_text("chưa có số liệu")
    boxes = plot_boxes(page)
    assert boxes["map"]["height"] > 200 and boxes["ranking"]["height"] > 200, boxes
    # The fixture's teardown asserts no console errors and no request to another host.


def test_tapping_a_district_selects_it_everywhere(open_app):
    page = open_app("/?page=map")
    expect(page.locator(".district-card")).not_to_contain_text("Ba Vì")
    before = bar_columns(page, "code", "line")
    assert SELECTED_LINE not in before["line"], "no bar should be outlined before a tap"

    click_district(page, "271")

    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì")
    wait_until(lambda: "unit=271" in query_string(page), page, timeout=10_000)

    def bar_outlined():
        bars = bar_columns(page, "code", "line", "width")
        outlined = [c for c, line in zip(bars["code"], bars["line"]) if line == SELECTED_LINE]
        assert outlined == ["271"], outlined
        assert bars["width"][bars["code"].index("271")] == 3

    wait_until(bar_outlined, page, timeout=10_000)

    # A second tap on another district moves the selection.
    click_district(page, "016")
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Sóc Sơn")
    wait_until(lambda: "unit=016" in query_string(page), page, timeout=10_000)


def test_period_change_recolours_map_without_resending_polygons(open_app):
    page = open_app("/?page=map&indicator=women_district_council_pct&year=2021")
    before = map_columns(page, "color", "value")
    assert remember_map_xs(page) > 1_000  # vertices of the 30 districts

    page.locator(".period-select select").select_option(label="2011–2016")

    wait_until(lambda: map_columns(page, "value")["value"] != before["value"], page, timeout=10_000)
    assert map_columns(page, "color")["color"] != before["color"]
    assert map_xs_unchanged(page), "the polygon coordinates were sent to the browser again"
    wait_until(lambda: "year=2011" in query_string(page), page, timeout=10_000)


def test_indicator_change_recolours_map_without_resending_polygons(open_app):
    page = open_app("/?page=map&indicator=women_district_council_pct&year=2021")
    before = map_columns(page, "color", "value_label")
    assert remember_map_xs(page) > 1_000  # vertices of the 30 districts

    indicator = page.locator(".indicator-select select")
    indicator.select_option(label="Cán bộ làm công tác bình đẳng giới")

    wait_until(lambda: map_columns(page, "value_label")["value_label"] != before["value_label"],
               page, timeout=10_000)
    assert map_columns(page, "color")["color"] != before["color"]
    assert map_xs_unchanged(page), "the polygon coordinates were sent to the browser again"
    wait_until(lambda: "indicator=gender_officers" in query_string(page), page, timeout=10_000)


# Vietnamese interface strings that must not survive on an English page. The language
# button legitimately reads "Tiếng Việt" there; very short words are left out because
# they could occur inside place names.
VIETNAMESE_UI = sorted({
    texts["vi"] for key, texts in STRINGS.items()
    if key != "switch_language" and len(texts["vi"]) >= 4 and texts["vi"] != texts["en"]
})


def test_english_deep_link_restores_view(open_app):
    page = open_app("/?page=map&indicator=committee_established&year=2018&district=001&lang=en")

    expect(page.locator(".app-header h1")).to_contain_text("gender")
    indicator = page.locator(".indicator-select select")
    expect(indicator).to_have_value("Committee consolidated")
    period = page.locator(".period-select select")
    assert period.evaluate("s => s.options[s.selectedIndex].text") == "2018"
    card = page.locator(".district-card")
    expect(card.locator(".card-title")).to_have_text("Ba Đình")
    expect(card).to_contain_text("Data status")
    expect(card).to_contain_text("Committee consolidated · 2018")

    text = visible_text(page)
    assert "Indicator" in text and "Period" in text
    leftovers = [word for word in VIETNAMESE_UI if word in text]
    assert leftovers == [], f"Vietnamese interface text on the English page: {leftovers}"
    bars = bar_columns(page, "code", "line")
    assert bars["line"][bars["code"].index("001")] == SELECTED_LINE


def test_language_button_switches_everything_to_english(open_app):
    page = open_app("/?page=map&district=001")
    page.locator(".language-switch button").click()
    expect(page.locator(".app-header h1")).to_contain_text("gender")

    def english_everywhere():
        text = visible_text(page)
        assert "Tiếng Việt" in text and "Indicator" in text
        leftovers = [word for word in VIETNAMESE_UI if word in text]
        assert leftovers == [], f"Vietnamese interface text after switching: {leftovers}"
        english = {"illustrative", "official", "provisional", "no data"}
        for source in (bar_columns(page, "status_label"), map_columns(page, "status_label")):
            assert set(source["status_label"]) <= english, source["status_label"]

    wait_until(english_everywhere, page, timeout=10_000)


def test_year_inside_a_term_resolves_to_the_term(open_app):
    page = open_app("/app?page=map&indicator=women_district_council_pct&year=2019&district=271")
    period = page.locator(".period-select select")
    assert period.evaluate("s => s.options[s.selectedIndex].text") == "2016–2021"
    expect(page.locator(".district-card")).to_contain_text("2016–2021")
    expect(page.locator(".ranking-note")).to_contain_text("2016–2021")


# Holds back every websocket message the page sends until released: what the page shows
# meanwhile, the browser drew on its own.
_HOLD_MESSAGES = """() => {
  window.__held = [];
  const send = WebSocket.prototype.send;
  window.__releaseMessages = () => {
    WebSocket.prototype.send = send;
    for (const [socket, message] of window.__held) send.call(socket, message);
    window.__held = [];
  };
  WebSocket.prototype.send = function (message) { window.__held.push([this, message]); };
}"""


def test_a_tapped_district_card_shows_before_the_server_answers(open_app):
    page = open_app("/?page=map&indicator=women_district_council_pct&year=2016")
    expect(page.locator(".district-card.empty")).to_be_visible()
    # The page's own figures arrive just after load; a tap before them is drawn by the server.
    wait_until(lambda: frames_ready(page), page, timeout=20_000)
    page.evaluate(_HOLD_MESSAGES)

    click_district(page, "271")

    # The server has heard nothing yet: the card comes from the page's own figures.
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì", timeout=2_000)
    expect(page.locator(".district-card")).to_contain_text("2016–2021")
    assert page.evaluate("() => window.__held.length") > 0, "the tap should be waiting to reach the server"
    assert "unit=271" not in query_string(page)

    page.evaluate("() => window.__releaseMessages()")
    # The server catches up: the URL, the ranking outline and the profile button follow.
    wait_until(lambda: "unit=271" in query_string(page), page, timeout=10_000)
    wait_until(lambda: bar_columns(page, "code", "line")["line"][
        bar_columns(page, "code")["code"].index("271")] == SELECTED_LINE, page, timeout=10_000)
    expect(page.locator(".open-profile")).to_be_visible()
    expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì")
