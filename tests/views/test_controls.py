"""The selectors and the timeline follow the state, and the state follows them."""

from dashboard.model.indicators import explorer_indicators
from dashboard.state import new_state
from dashboard.views.controls import IndicatorControls, period_options


def test_timeline_runs_oldest_to_newest_and_moves_the_period(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2016)
    controls = IndicatorControls(state=state, data=dashboard_data)
    assert controls.timeline_periods == [2011, 2016, 2021]
    assert (controls._timeline.start, controls._timeline.end) == (0, 2)
    controls._timeline.value = 2  # the third stop
    assert state.year == 2021 and controls._period.value == 2021


def test_a_single_period_hides_the_timeline(dashboard_data):
    state = new_state(dashboard_data, indicator="population_total", year=2019)
    controls = IndicatorControls(state=state, data=dashboard_data)
    assert not controls._timeline.visible


def test_choosing_an_indicator_settles_on_a_period_it_has(dashboard_data):
    state = new_state(dashboard_data, indicator="committee_established", year=2019)
    controls = IndicatorControls(state=state, data=dashboard_data)
    controls._indicator.value = "women_district_council_pct"
    assert (state.indicator, state.year) == ("women_district_council_pct", 2016)
    assert controls.timeline_periods[controls._timeline.value] == 2016


def test_theme_controls_offer_only_the_theme_with_data(dashboard_data):
    offered = explorer_indicators(dashboard_data, "health")
    assert offered == ["screening_women", "screening_coverage_pct"]
    assert list(period_options(dashboard_data, "screening_women", "vi").values()) == [2019, 2018, 2017, 2016]
