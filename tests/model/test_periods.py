"""Periods: the one rule that settles the period shown for a requested year."""

from dashboard.model.periods import covers, map_periods, resolve_period, settle_period


def test_resolve_period_finds_the_term_that_contains_a_year():
    assert resolve_period([2011, 2016, 2021], 2019) == 2016
    assert resolve_period([2011, 2016, 2021], 2016) == 2016
    assert resolve_period([2016, 2017], 2010) == 2016
    assert resolve_period([], 2016) is None


def test_a_year_inside_a_term_settles_on_that_term(dashboard_data):
    assert settle_period(dashboard_data, "women_district_council_pct", 2018) == 2016
    assert settle_period(dashboard_data, "women_district_council_pct", 2023) == 2021


def test_a_year_before_any_data_settles_on_the_earliest_map_period(dashboard_data):
    periods = map_periods(dashboard_data, "population_total")
    assert settle_period(dashboard_data, "population_total", 2000) == min(periods)


def test_the_map_periods_are_the_district_periods(dashboard_data):
    assert map_periods(dashboard_data, "women_district_council_pct") == dashboard_data.district_periods(
        "women_district_council_pct"
    )


def test_a_term_covers_its_five_years_and_a_year_only_itself():
    assert covers(2016, 2020, "term") and not covers(2016, 2021, "term")
    assert covers(2019, 2019, "annual") and not covers(2019, 2020, "annual")
    assert not covers(None, 2019, "annual")
