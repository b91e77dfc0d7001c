"""The map page says which map is shown, its valid dates and why the map changed in 2025."""

from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP
from dashboard.pages import map as map_page
from dashboard.pages.methods import geodata_html
from dashboard.state import new_state
from dashboard.views.notices import map_info_html


def test_the_map_info_names_the_map_its_dates_and_the_reform_in_both_languages():
    vi = map_info_html(DISTRICT_MAP, "vi")
    assert "30 quận, huyện, thị xã" in vi and "đến 30/06/2025" in vi and "Nghị quyết 1656" in vi
    en = map_info_html(COMMUNE_MAP, "en")
    assert "126 communes and wards" in en and "from 1 July 2025" in en and "no district level" in en


def test_the_map_page_shows_the_map_of_the_period_next_to_the_map(dashboard_data):
    state = new_state(dashboard_data, page="map", indicator="committee_established", year=2024)
    page = map_page.MapPage(state=state, data=dashboard_data)
    info = page.explorer.map_info
    assert 'data-map="hn_districts_2014"' in info.text and "30 quận, huyện, thị xã" in info.text
    state.param.update(year=2026, lang="en")
    assert 'data-map="hn_communes_2025"' in info.text
    assert "Map: 126 communes and wards" in info.text and "from 1 July 2025" in info.text


def test_the_methods_page_explains_the_reform_with_the_maps():
    assert "126 communes and wards" in geodata_html("en", None)
