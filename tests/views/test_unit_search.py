"""The unit search box: names found with or without diacritics, on the map of the period shown."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import geo
from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP
from dashboard.views.unit_search import UnitSearch, search_units, searchable_units


@pytest.fixture(scope="module")
def communes() -> pd.DataFrame:
    return searchable_units(COMMUNE_MAP)


@pytest.fixture(scope="module")
def districts() -> pd.DataFrame:
    return searchable_units(DISTRICT_MAP, geo.display_districts())


@pytest.mark.parametrize("query", ["hoan kiem", "Hoàn Kiếm", "HOAN KIEM", "phuong hoan kiem", "  hoàn   kiếm "])
def test_hoan_kiem_finds_the_ward_first(communes, query):
    found = search_units(communes, query)
    assert found["full_name_vi"].iloc[0] == "Phường Hoàn Kiếm"


def test_decomposed_input_is_folded_like_composed(communes):
    import unicodedata

    query = unicodedata.normalize("NFD", "Hoàn Kiếm")
    assert search_units(communes, query)["full_name_vi"].iloc[0] == "Phường Hoàn Kiếm"


def test_d_with_stroke_is_found_as_d(communes):
    found = search_units(communes, "ba dinh")
    assert found["full_name_vi"].iloc[0] == "Phường Ba Đình"


def test_every_commune_is_found_by_its_own_name_without_diacritics(communes):
    for row in communes.itertuples():
        found = search_units(communes, row.short_folded, limit=200)
        assert row.code in set(found["code"]), row.full_name_vi


def test_exact_names_come_before_longer_ones(communes):
    # "Đông Anh" is a commune; other names only contain "anh".
    found = search_units(communes, "dong anh")
    assert found["full_name_vi"].iloc[0] == "Xã Đông Anh"


def test_short_or_unknown_queries_find_nothing(communes):
    assert search_units(communes, "h").empty
    assert search_units(communes, "").empty
    assert search_units(communes, "zzzz").empty


def test_a_code_finds_its_unit(communes):
    code = communes["code"].iloc[0]
    assert list(search_units(communes, code)["code"]) == [code]


def test_districts_are_found_on_the_district_map(districts):
    found = search_units(districts, "hoan kiem")
    assert list(found["code"]) == ["002"]
    assert list(search_units(districts, "soc son")["full_name_vi"]) == ["Huyện Sóc Sơn"]


def test_results_are_limited(communes):
    assert len(search_units(communes, "xa", limit=5)) == 5


# ------------------------------------------------------------------ the viewer, on the seeded data


# The map depends on the period alone: an annual 2026 figure is drawn on the 126 units.
INDICATOR, YEAR = "committee_established", 2026


def test_choosing_a_result_selects_it_on_the_new_map(dashboard_data):
    from dashboard.state import new_state

    state = new_state(dashboard_data, page="map", indicator=INDICATOR, year=YEAR)
    search = UnitSearch(state=state, data=dashboard_data)
    assert search.map.id == COMMUNE_MAP.id
    assert search._input.label == "Tìm xã, phường"
    search._input.value_input = "hoan kiem"
    assert search._list.visible
    assert next(iter(search._list.options)) == "Phường Hoàn Kiếm"
    assert search._list.value == [] and state.district == ""  # listing chooses nothing by itself
    search._list.value = [search._list.options["Phường Hoàn Kiếm"]]
    code = geo.commune_unit_list().set_index("full_name_vi").loc["Phường Hoàn Kiếm", "code"]
    assert state.district == code
    assert search._input.value == "Phường Hoàn Kiếm"
    assert not search._list.visible


def test_enter_picks_the_best_match(dashboard_data):
    from dashboard.state import new_state

    state = new_state(dashboard_data, page="map", indicator=INDICATOR, year=YEAR)
    search = UnitSearch(state=state, data=dashboard_data)
    search._input.value = "ba dinh"
    assert state.district == geo.commune_unit_list().set_index("full_name_vi").loc["Phường Ba Đình", "code"]


def test_on_the_district_map_it_finds_districts(dashboard_data):
    from dashboard.state import new_state

    state = new_state(dashboard_data, page="map", indicator="women_district_council_pct", year=2016)
    search = UnitSearch(state=state, data=dashboard_data)
    assert search.map.id == DISTRICT_MAP.id
    assert search._input.label == "Tìm quận, huyện"
    search._input.value = "hoan kiem"
    assert state.district == "002"
    with pytest.raises(ValueError):
        search.choose("00070")


def test_no_match_says_so_in_the_language_shown(dashboard_data):
    from dashboard.state import new_state

    state = new_state(dashboard_data, page="map", indicator="women_district_council_pct", year=2016, lang="en")
    search = UnitSearch(state=state, data=dashboard_data)
    search._input.value_input = "zzzz"
    assert search._message.visible and "No unit named" in search._message.object
    assert not search._list.visible


def test_an_indicator_and_period_changed_together_move_the_search_to_the_new_map(dashboard_data):
    # The controls change indicator and period in one batch: the search hears both at once.
    from dashboard.state import new_state

    state = new_state(dashboard_data, page="map", indicator=INDICATOR, year=YEAR)
    search = UnitSearch(state=state, data=dashboard_data)
    state.param.update(indicator="women_district_council_pct", year=2016)
    assert search.map.id == DISTRICT_MAP.id
    search._input.value = "ba vi"
    assert state.district == "271"
