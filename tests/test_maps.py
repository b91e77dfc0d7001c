"""The period picks the map: 30 districts until 30 June 2025, 126 communes and wards from 1 July 2025."""

import datetime as dt

import pytest

from dashboard import geo, maps
from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP, map_for_period


@pytest.mark.parametrize("year", [2016, 2020, 2024])
def test_years_before_the_reform_use_the_district_map(year):
    assert map_for_period(year, "annual") is DISTRICT_MAP


@pytest.mark.parametrize("year", [2025, 2026, 2030])
def test_years_ending_after_the_reform_use_the_commune_map(year):
    # An annual figure is the state on 31 December, when the districts no longer existed.
    assert map_for_period(year, "annual") is COMMUNE_MAP


def test_annual_is_the_default_frequency():
    assert map_for_period(2024) is DISTRICT_MAP
    assert map_for_period(2025) is COMMUNE_MAP


@pytest.mark.parametrize(("election_year", "expected"), [(2016, DISTRICT_MAP), (2021, DISTRICT_MAP),
                                                         (2026, COMMUNE_MAP)])
def test_election_terms_use_the_map_they_were_elected_on(election_year, expected):
    assert map_for_period(election_year, "term") is expected


def test_an_unknown_frequency_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="monthly"):
        map_for_period(2025, "monthly")


def test_the_two_maps_meet_on_the_reform_day_without_gap_or_overlap():
    assert DISTRICT_MAP.valid_until == dt.date(2025, 6, 30)
    assert COMMUNE_MAP.valid_from == dt.date(2025, 7, 1) == maps.REFORM_DATE
    for day in (dt.date(2000, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2031, 12, 31)):
        assert sum(m.is_valid_on(day) for m in maps.MAPS.values()) == 1, day
    assert DISTRICT_MAP.is_valid_on(dt.date(2025, 6, 30))
    assert COMMUNE_MAP.is_valid_on(dt.date(2025, 7, 1))


def test_valid_dates_read_naturally_in_both_languages():
    assert DISTRICT_MAP.valid_dates("vi") == "đến 30/06/2025"
    assert DISTRICT_MAP.valid_dates("en") == "until 30 June 2025"
    assert COMMUNE_MAP.valid_dates("vi") == "từ 01/07/2025"
    assert COMMUNE_MAP.valid_dates("en") == "from 1 July 2025"


def test_each_map_credits_its_sources_in_both_languages():
    assert "geoBoundaries" in DISTRICT_MAP.attribution["vi"] and "CC BY 3.0 IGO" in DISTRICT_MAP.attribution["en"]
    for lang in ("vi", "en"):
        assert "thanglequoc/vietnamese-provinces-database" in COMMUNE_MAP.attribution[lang]
        assert "sapnhap.bando.com.vn" in COMMUNE_MAP.attribution[lang]
        assert "126" in COMMUNE_MAP.title[lang] and "30" in DISTRICT_MAP.title[lang]
        assert "126" in maps.REFORM_NOTE[lang] and "1656/NQ-UBTVQH15" in maps.REFORM_NOTE[lang]
    # The loaders and the exports use these very texts, not copies.
    assert geo.BOUNDARY_ATTRIBUTION is DISTRICT_MAP.attribution
    assert geo.COMMUNE_ATTRIBUTION is COMMUNE_MAP.attribution


def test_map_ids_and_unit_counts_agree_with_the_loaded_geodata():
    assert maps.MAPS[geo.DISTRICT_MAP_ID] is DISTRICT_MAP
    assert maps.MAPS[geo.COMMUNE_MAP_ID] is COMMUNE_MAP
    assert len(geo.load_districts()) == DISTRICT_MAP.unit_count
    assert len(geo.commune_unit_list()) == COMMUNE_MAP.unit_count


@pytest.mark.parametrize(("the_map", "good", "bad"), [
    (DISTRICT_MAP, ["001", "282"], ["1", "0001", "00004", "00a", 1]),
    (COMMUNE_MAP, ["00004", "10402"], ["004", "000004", "0000x", 4]),
])
def test_a_unit_code_must_have_the_maps_length(the_map, good, bad):
    assert all(the_map.accepts_code(code) for code in good)
    assert not any(the_map.accepts_code(code) for code in bad)
