"""The profile of a commune or ward on the 126-unit map: its own periods, rank and predecessors."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.catalogue import load_catalogue
from dashboard.data import DashboardData
from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP
from dashboard.pages import district as page
from dashboard.state import new_state

from .test_district import TINY_DISTRICTS, observation

# Phường Ba Đình took communes of the old Ba Đình, Hoàn Kiếm and Tây Hồ (the tiny districts).
BA_DINH_WARD = "00004"
NGOC_HA_WARD = "00008"
GIANG_VO_WARD = "00025"
COUNT = "gender_officers"
TERM = "women_commune_council_pct"


def unit(code: str, period: int, indicator: str, value: float, numerator=None, denominator=None) -> dict:
    return observation(code, period, indicator, value, numerator, denominator, map_id=COMMUNE_MAP.id)


@pytest.fixture
def two_map_data() -> DashboardData:
    """Three districts up to 2024, three of the 126 units from 2025 and for the 2026 term."""
    rows = [
        observation("001", 2023, COUNT, 917.0),
        observation("002", 2023, COUNT, 923.0),
        observation("001", 2024, COUNT, 931.0),
        observation("002", 2024, COUNT, 947.0),
        unit(BA_DINH_WARD, 2025, COUNT, 2.0),
        unit(NGOC_HA_WARD, 2025, COUNT, 3.0),
        unit(BA_DINH_WARD, 2026, COUNT, 4.0),
        unit(NGOC_HA_WARD, 2026, COUNT, 6.0),
        unit(GIANG_VO_WARD, 2026, COUNT, 2.0),
        unit(BA_DINH_WARD, 2026, TERM, 40.0, 10, 25),
        unit(NGOC_HA_WARD, 2026, TERM, 30.0, 9, 30),
        unit(GIANG_VO_WARD, 2026, TERM, 50.0, 15, 30),
        unit(BA_DINH_WARD, 2025, "key_leader_female", 1.0),
        # Stored on the new map for a year of the old one: never shown.
        unit(BA_DINH_WARD, 2024, "communes_with_officer_pct", 70.0, 7, 10),
    ]
    return DashboardData(load_catalogue(), TINY_DISTRICTS, pd.DataFrame(rows))


def row_of(table: pd.DataFrame, indicator_id: str) -> pd.Series:
    return table.set_index("indicator_id").loc[indicator_id]


def test_a_unit_lists_only_indicators_with_figures_on_the_new_map(two_map_data):
    table = page.profile_table(two_map_data, BA_DINH_WARD, "vi")
    assert set(table["indicator_id"]) == {COUNT, TERM, "key_leader_female"}
    assert (table["period"] >= 2025).all()


def test_a_figure_stored_on_the_wrong_map_for_its_period_is_never_shown(two_map_data):
    table = page.profile_table(two_map_data, BA_DINH_WARD, "en")
    assert "communes_with_officer_pct" not in set(table["indicator_id"])


def test_a_unit_ranks_among_the_communes_and_wards_reporting(two_map_data):
    row = row_of(page.profile_table(two_map_data, BA_DINH_WARD, "vi"), TERM)
    assert (row["rank"], row["reporting"]) == (2, 3)
    assert row["rank_label"] == "2 trên 3 xã, phường có số liệu (1 = tốt nhất)"
    english = row_of(page.profile_table(two_map_data, BA_DINH_WARD, "en"), TERM)
    assert english["rank_label"] == "2 of 3 communes and wards reporting (1 = best)"


def test_the_previous_period_of_a_unit_is_on_its_own_map(two_map_data):
    row = row_of(page.profile_table(two_map_data, BA_DINH_WARD, "vi"), COUNT)
    assert (row["period"], row["previous_period"], row["change"]) == (2026, 2025, 2.0)
    first = row_of(page.profile_table(two_map_data, GIANG_VO_WARD, "vi"), COUNT)
    assert first["previous_period"] == 2025 and first["change"] is None  # it did not report in 2025


def test_a_district_profile_ends_with_the_district_map(two_map_data):
    row = row_of(page.profile_table(two_map_data, "001", "vi"), COUNT)
    # 2025 and 2026 belong to the 126 units: neither is the district's latest period.
    assert (row["period"], row["latest_period"], row["previous_period"]) == (2024, 2024, 2023)
    assert row["rank_label"].endswith("quận, huyện, thị xã có số liệu (1 = tốt nhất)")


def test_a_counts_city_line_is_the_average_unit_of_that_map(two_map_data):
    frame = page.cached_trend_frame(two_map_data, COUNT, BA_DINH_WARD, "vi")
    assert frame["period"].tolist() == [2025, 2026]
    assert frame["district"].tolist() == [2.0, 4.0]
    assert frame["city"].tolist() == [2.5, 4.0]  # 5 over 2 units reporting, 12 over 3
    row = row_of(page.profile_table(two_map_data, BA_DINH_WARD, "en"), COUNT)
    assert "average per commune or ward" in row["city_label"]


def test_the_heading_names_the_unit_its_type_and_the_districts_it_came_from(two_map_data):
    units = two_map_data.units(COMMUNE_MAP.id)
    heading = page.unit_heading_html(units, BA_DINH_WARD, "vi", two_map_data.districts)
    assert "Phường Ba Đình" in heading and "Hồ sơ xã, phường" in heading
    assert "Trước 01/07/2025 thuộc" in heading
    for district in ("Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Tây Hồ"):
        assert district in heading
    assert "từ 01/07/2025" in heading
    english = page.unit_heading_html(units, BA_DINH_WARD, "en", two_map_data.districts)
    assert "Ba Đình (ward)" in english and "Before 1 July 2025 part of" in english
    assert "Hoàn Kiếm (urban district)" in english
    assert "not carried over" in english


def test_the_predecessors_carry_no_figures(two_map_data):
    note = page.predecessors_html(BA_DINH_WARD, two_map_data.districts, "vi")
    # Commune counts from the crosswalk only: no district value is named.
    assert "xã, phường, thị trấn cũ" in note
    assert not any(value in note for value in ("917", "923", "931", "947"))


def test_the_page_offers_the_units_of_the_selected_units_map(two_map_data):
    state = new_state(two_map_data, page="district", district=BA_DINH_WARD)
    view = page.DistrictPage(state=state, data=two_map_data)
    assert view._map_choice.value == COMMUNE_MAP.id
    assert len(view._chooser.options) == COMMUNE_MAP.unit_count + 1  # and the prompt
    assert view._chooser.value == BA_DINH_WARD
    assert "Chọn xã, phường" == view._chooser.label
    shown = {block.indicator.id for block in view._blocks if block.shown}
    assert shown == {COUNT, TERM, "key_leader_female"}
    facts = next(b for b in view._blocks if b.indicator.id == TERM)._facts.object
    assert "2 trên 3 xã, phường" in facts and "unit=00004" in facts


def test_without_a_unit_the_page_offers_the_map_of_the_states_period(two_map_data):
    state = new_state(two_map_data, page="district", indicator=COUNT, year=2026)
    view = page.DistrictPage(state=state, data=two_map_data)
    assert view._map_choice.value == COMMUNE_MAP.id
    earlier = page.DistrictPage(state=new_state(two_map_data, page="district", indicator=COUNT, year=2024),
                                data=two_map_data)
    assert earlier._map_choice.value == DISTRICT_MAP.id


def test_switching_the_map_clears_a_unit_that_map_lacks_and_a_chosen_unit_brings_its_map(two_map_data):
    state = new_state(two_map_data, page="district", district=BA_DINH_WARD)
    view = page.DistrictPage(state=state, data=two_map_data)
    view._map_choice.value = DISTRICT_MAP.id
    assert state.district == ""
    assert len(view._chooser.options) == len(TINY_DISTRICTS) + 1
    state.district = NGOC_HA_WARD
    assert view._map_choice.value == COMMUNE_MAP.id and view._chooser.value == NGOC_HA_WARD
    assert "Phường Ngọc Hà" in view._profile.district_label()


def test_the_english_page_names_the_maps_with_their_dates(two_map_data):
    options = page.map_options("en")
    assert options == {"30 districts (until 30 June 2025)": DISTRICT_MAP.id,
                       "126 communes and wards (from 1 July 2025)": COMMUNE_MAP.id}


def test_a_hidden_block_keeps_its_chart_and_draws_the_unit_that_shows_it(two_map_data):
    state = new_state(two_map_data, page="district", district="001")
    view = page.DistrictPage(state=state, data=two_map_data)
    council = next(b for b in view._blocks if b.indicator.id == TERM)
    chart = council.chart
    assert chart is not None and not council.shown  # a district has no 2026 term figure
    assert chart.source.data["series"] == []
    state.district = BA_DINH_WARD
    assert council.chart is chart and council.shown
    assert chart.source.data["series"] == ["Phường Ba Đình"]


def test_a_block_the_next_unit_lacks_keeps_no_data_of_the_last(two_map_data):
    state = new_state(two_map_data, page="district", district=BA_DINH_WARD)
    view = page.DistrictPage(state=state, data=two_map_data)
    council = next(b for b in view._blocks if b.indicator.id == TERM)
    assert council.shown and council.chart.source.data["series"] == ["Phường Ba Đình"]
    state.district = "001"
    assert not council.shown and council.chart.source.data["series"] == []
