"""The data layer joins observations to districts and derives city values honestly."""

import math

from dashboard.data import combined_status, map_id_for_period


def test_district_table_has_every_district_and_keeps_missing_as_nan(dashboard_data):
    table = dashboard_data.district_table("women_district_council_pct", 2021)
    assert len(table) == 30
    urban = table[table["unit_type"] == "quận"]
    assert urban["value"].isna().all()
    assert not table[table["unit_type"] == "huyện"]["value"].isna().any()


def test_published_city_figure_wins_over_the_district_sum(dashboard_data):
    city = dashboard_data.city_value("women_district_council_pct", 2016)
    assert (city.numerator, city.denominator, city.status, city.derived) == (356, 1183, "official", False)
    assert math.isclose(city.value, 30.09)


def test_derived_city_share_of_districts_is_illustrative(dashboard_data):
    city = dashboard_data.city_value("committee_established", 2016)
    table = dashboard_data.district_table("committee_established", 2016)
    assert city.derived and city.status == "illustrative"
    assert city.numerator == (table["value"] == 1).sum() and city.denominator == 30


def test_city_value_is_none_without_any_data(dashboard_data):
    assert dashboard_data.city_value("population_female", 2019) is None
    assert dashboard_data.city_value("women_district_council_pct", 2030) is None


def test_census_population_is_official_and_sums_to_the_city_total(dashboard_data):
    city = dashboard_data.city_value("population_total", 2019)
    assert city.value == 8_053_663
    assert city.status == "official"


def test_periods_of_term_and_annual_indicators(dashboard_data):
    assert dashboard_data.district_periods("women_district_council_pct") == [2011, 2016, 2021]
    assert dashboard_data.district_periods("committee_established") == list(range(2016, 2025))
    assert dashboard_data.periods("women_city_council_candidates_pct") == [2021, 2026]


def test_the_weakest_status_wins():
    import pandas as pd

    assert combined_status(pd.Series(["official", "illustrative"])) == "illustrative"
    assert combined_status(pd.Series(["official", "provisional"])) == "provisional"
    assert combined_status(pd.Series(["official"])) == "official"


def test_periods_after_mid_2025_are_not_drawn_on_the_district_map():
    assert map_id_for_period(2024) == "hn_districts_2014"
    assert map_id_for_period(2026) is None


def test_new_observations_come_with_their_version_and_replace_every_lookup(seeded_db_url):
    from dashboard.data import load_data

    data = load_data(seeded_db_url)
    census = data.observations[data.observations["indicator_id"] == "population_total"]
    data.replace_observations(census, 99)
    assert data.version == 99
    assert data.district_table("women_district_council_pct", 2016)["value"].isna().all()
    assert data.city_value("women_district_council_pct", 2016) is None
    assert data.city_value("population_total", 2019).value == 8_053_663
