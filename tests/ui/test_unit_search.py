"""The unit search box in Chromium: "hoan kiem" typed without diacritics selects Phường Hoàn Kiếm in 2026."""

from __future__ import annotations

import panel as pn
from panel.tests.util import serve_component, wait_until
from playwright.sync_api import expect

from dashboard import geo
from dashboard.maps import COMMUNE_MAP
from dashboard.state import new_state
from dashboard.views.unit_search import UnitSearch

INDICATOR = "committee_established"
YEAR = 2026


def _search_app(data, **state_values):
    state = new_state(data, page="map", **state_values)
    search = UnitSearch(state=state, data=data)
    chosen = pn.pane.HTML(pn.bind(lambda code: f'<p class="chosen">{code}</p>', state.param.district))
    return state, pn.Column(search, chosen)


def test_typing_hoan_kiem_selects_the_ward_on_the_2026_map(page, port, dashboard_data, offsite_requests,
                                                            console_errors):
    assert dashboard_data.map_for(INDICATOR, YEAR) is COMMUNE_MAP
    state, app = _search_app(dashboard_data, indicator=INDICATOR, year=YEAR)
    serve_component(page, app, port=port)
    box = page.locator(".unit-search-input input")
    expect(box).to_be_visible()
    box.press_sequentially("hoan kiem", delay=30)
    results = page.locator(".unit-search-results select")
    expect(results).to_be_visible()
    expect(results.locator("option").first).to_have_text("Phường Hoàn Kiếm")
    results.select_option(label="Phường Hoàn Kiếm")
    code = geo.commune_unit_list().set_index("full_name_vi").loc["Phường Hoàn Kiếm", "code"]
    wait_until(lambda: state.district == code, page)
    expect(page.locator(".chosen")).to_have_text(code)
    expect(box).to_have_value("Phường Hoàn Kiếm")
    assert offsite_requests == []
    assert console_errors == []


def test_enter_picks_the_best_match(page, port, dashboard_data):
    assert dashboard_data.map_for(INDICATOR, YEAR) is COMMUNE_MAP
    state, app = _search_app(dashboard_data, indicator=INDICATOR, year=YEAR, lang="en")
    serve_component(page, app, port=port)
    box = page.locator(".unit-search-input input")
    box.press_sequentially("ba dinh", delay=30)
    box.press("Enter")
    code = geo.commune_unit_list().set_index("full_name_vi").loc["Phường Ba Đình", "code"]
    wait_until(lambda: state.district == code, page)
    expect(box).to_have_value("Ba Đình (ward)")
