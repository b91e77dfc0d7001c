"""The city's line on a chart of units."""

from dataclasses import replace

import pytest

from dashboard.model.cells import cached_city_value, city_line_value


def test_the_city_line_of_a_chart_of_units(dashboard_data):
    count = dashboard_data.indicator("gender_officers")
    city = cached_city_value(dashboard_data, "gender_officers", 2020)
    assert city_line_value(city, count, 30) == pytest.approx(city.value / (city.units_reporting or 30))
    assert city_line_value(replace(city, units_reporting=None), count, 126) == pytest.approx(city.value / 126)
    assert city_line_value(None, count, 30) is None
    share = dashboard_data.indicator("women_district_council_pct")
    assert city_line_value(cached_city_value(dashboard_data, share.id, 2016), share, 30) == (
        cached_city_value(dashboard_data, share.id, 2016).value)
    yes_no = dashboard_data.indicator("committee_established")
    assert city_line_value(cached_city_value(dashboard_data, yes_no.id, 2018), yes_no, 30) is None
