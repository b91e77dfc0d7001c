"""Targets: which one applies to a period, whether a value meets it, how it reads."""

import math
from dataclasses import replace

from dashboard.catalogue import Target
from dashboard.model.targets import (
    district_meets_target,
    gap_target,
    meets_target,
    target_for,
    target_sign,
    target_text,
)

BASIS = {"vi": "Nghị quyết", "en": "Resolution"}


def test_districts_are_held_to_the_district_target_and_the_city_to_the_city_one(dashboard_data):
    indicator = dashboard_data.indicator("women_candidates_district_council_pct")
    assert target_for(indicator, 2016).scope == "district"
    assert target_for(indicator, 2016, scope="city").scope == "city"


def test_a_missing_scope_falls_back_to_the_other_one(dashboard_data):
    city_only = dashboard_data.indicator("women_city_council_candidates_pct")
    assert {target.scope for target in city_only.targets} == {"city"}
    assert target_for(city_only, 2016).scope == "city"


def test_no_target_means_none_and_yes_no_indicators_have_no_gap(dashboard_data):
    assert target_for(dashboard_data.indicator("population_total"), 2019) is None
    yes_no = dashboard_data.indicator("committee_established")
    assert gap_target(yes_no, 2019) is None


def test_meeting_a_target_follows_polarity_and_missing_values_are_unknown():
    target = Target(value=35.0, year=2016, scope="district", basis=BASIS)
    assert meets_target(35.0, target, "higher_is_better") is True
    assert meets_target(34.9, target, "higher_is_better") is False
    assert meets_target(30.0, target, "lower_is_better") is True
    assert meets_target(math.nan, target, "higher_is_better") is None
    assert meets_target(None, target, "lower_is_better") is None


def test_target_text_uses_the_unit_and_the_languages_number_format(dashboard_data):
    percent = dashboard_data.indicator("women_district_council_pct")
    count = dashboard_data.indicator("trainees")
    assert target_text(Target(value=35.0, year=2016, scope="city", basis=BASIS), percent, "vi") == "35%"
    assert target_text(Target(value=12.5, year=2016, scope="city", basis=BASIS), percent, "vi") == "12,5%"
    assert target_text(Target(value=1500.0, year=2025, scope="city", basis=BASIS), count, "vi") == "1.500"
    assert target_sign(percent) == "≥" and target_sign(replace(percent, polarity="lower_is_better")) == "≤"


def test_a_district_is_judged_only_against_a_district_target(dashboard_data):
    indicator = dashboard_data.indicator("women_candidates_district_council_pct")
    district = Target(value=35.0, year=2016, scope="district", basis=BASIS)
    city = Target(value=35.0, year=2016, scope="city", basis=BASIS)
    assert district_meets_target(36.0, district, indicator) is True
    assert district_meets_target(30.0, district, indicator) is False
    assert district_meets_target(36.0, city, indicator) is None
    assert district_meets_target(36.0, None, indicator) is None
    yes_no = dashboard_data.indicator("committee_established")
    assert district_meets_target(1.0, replace(district, value=100.0), yes_no) is None
