"""The map page says why the district map ends on 30 June 2025."""

from dashboard.pages import map as map_page
from dashboard.pages.methods import geodata_html
from dashboard.state import new_state


def test_the_notice_explains_the_2025_reform_in_both_languages():
    vi = map_page.reform_notice_html("vi")
    assert "30/6/2025" in vi and "126 xã, phường" in vi and "cấp huyện không còn" in vi
    en = map_page.reform_notice_html("en")
    assert "30 June 2025" in en and "126 communes and wards" in en


def test_the_map_page_shows_the_notice_above_the_map_in_the_interface_language(dashboard_data):
    state = new_state(dashboard_data, page="map")
    page = map_page.MapPage(state=state, data=dashboard_data)
    assert page.__panel__()[0] is page.reform_notice
    assert "126 xã, phường" in page.reform_notice.object
    state.lang = "en"
    assert "126 communes and wards" in page.reform_notice.object


def test_the_methods_page_explains_the_reform_with_the_maps():
    assert "126 communes and wards" in geodata_html("en", None)
