"""The data layer joins observations to districts and derives city values honestly."""

import math

import pandas as pd

from dashboard.data import combined_status


def test_district_table_has_every_district_and_keeps_missing_as_nan(dashboard_data):
    table = dashboard_data.district_table("women_commune_council_pct", 2021)
    # Wards have no council from 2021 (Resolution 97/2019/QH14): a quận has no commune-level one.
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
    assert dashboard_data.district_periods("committee_established") == list(range(2016, 2027))
    assert dashboard_data.unit_periods("committee_established", "hn_districts_2014") == list(range(2016, 2025))
    assert dashboard_data.unit_periods("committee_established", "hn_communes_2025") == [2025, 2026]
    assert dashboard_data.periods("women_city_council_candidates_pct") == [2021, 2026]


def test_the_weakest_status_wins():
    import pandas as pd

    assert combined_status(pd.Series(["official", "illustrative"])) == "illustrative"
    assert combined_status(pd.Series(["official", "provisional"])) == "provisional"
    assert combined_status(pd.Series(["official"])) == "official"


def test_the_period_picks_the_map_of_the_table(dashboard_data):
    assert dashboard_data.map_for("committee_established", 2024).id == "hn_districts_2014"
    assert dashboard_data.map_for("committee_established", 2025).id == "hn_communes_2025"
    assert dashboard_data.map_for("women_commune_council_pct", 2021).id == "hn_districts_2014"
    assert dashboard_data.map_for("women_commune_council_pct", 2026).id == "hn_communes_2025"
    assert len(dashboard_data.district_table("committee_established", 2024)) == 30
    new_map = dashboard_data.district_table("committee_established", 2026)
    assert len(new_map) == 126 and new_map["code"].str.len().eq(5).all()


def _with_rows(data, rows: list[dict]):
    extra = pd.DataFrame([{**data.observations.iloc[0].to_dict(), **row} for row in rows])
    data.replace_observations(pd.concat([data.observations, extra], ignore_index=True), data.version + 1)
    return data


def test_figures_stored_on_the_wrong_map_for_their_period_are_never_drawn(seeded_db_url):
    from dashboard.data import load_data

    data = _with_rows(load_data(seeded_db_url), [
        # A district figure for 2026, and a commune figure for 2020: neither map is valid then.
        {"indicator_id": "gender_officers", "map_id": "hn_districts_2014", "unit_code": "001", "period": 2026,
         "value": 3.0},
        {"indicator_id": "gender_officers", "map_id": "hn_communes_2025", "unit_code": "00004", "period": 2020,
         "value": 5.0},
    ])
    assert 2026 not in data.unit_periods("gender_officers", "hn_districts_2014")
    assert 2020 not in data.unit_periods("gender_officers", "hn_communes_2025")
    table_2020 = data.district_table("gender_officers", 2020)
    assert len(table_2020) == 30 and "00004" not in set(table_2020["code"])


def test_a_commune_figure_is_drawn_on_the_commune_map_and_derives_the_city_value(seeded_db_url):
    from dashboard.data import load_data

    data = load_data(seeded_db_url)
    data = _with_rows(data.__class__(data.catalogue, data.districts,
                                     data.observations[data.observations["indicator_id"] != "gender_officers"],
                                     units={"hn_communes_2025": data.units("hn_communes_2025")}), [
        {"indicator_id": "gender_officers", "map_id": "hn_communes_2025", "unit_code": "00004", "period": 2026,
         "value": 2.0, "numerator": float("nan"), "denominator": float("nan"), "status": "illustrative"},
    ])
    assert data.district_periods("gender_officers") == [2026]
    table = data.district_table("gender_officers", 2026).set_index("code")
    assert table.at["00004", "value"] == 2.0
    # Every other unit keeps NaN: missing data is never zero.
    assert table["value"].isna().sum() == 125
    assert data.city_value("gender_officers", 2026).units_reporting == 1


def test_new_observations_come_with_their_version_and_replace_every_lookup(seeded_db_url):
    from dashboard.data import load_data

    data = load_data(seeded_db_url)
    census = data.observations[data.observations["indicator_id"] == "population_total"]
    data.replace_observations(census, 99)
    assert data.version == 99
    assert data.district_table("women_district_council_pct", 2016)["value"].isna().all()
    assert data.city_value("women_district_council_pct", 2016) is None
    assert data.city_value("population_total", 2019).value == 8_053_663
