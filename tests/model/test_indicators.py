"""Which indicators a page offers, the published figures, and the candidate-list target."""

import holoviews as hv

from dashboard.model.figures import real_figures
from dashboard.model.indicators import candidate_target, explorer_indicators, indicator_groups
from dashboard.pages import leadership

hv.extension("bokeh", logo=False)


def test_groups_follow_the_catalogue_and_can_be_narrowed(dashboard_data):
    catalogue = dashboard_data.catalogue
    every = indicator_groups(catalogue, "vi")
    assert sorted(i for options in every.values() for i in options.values()) == sorted(catalogue.indicators)
    health = explorer_indicators(dashboard_data, "health")
    narrowed = indicator_groups(catalogue, "en", health)
    assert list(narrowed) == [catalogue.theme("health").name["en"]]
    assert list(narrowed.values())[0] == {
        dashboard_data.indicator(i).short_name["en"]: i for i in health
    }


def test_real_figures_carry_numbers_and_labels(dashboard_data):
    figures = real_figures(dashboard_data.observations, dashboard_data.catalogue, "vi", ["women_district_council_pct"])
    row = figures.iloc[0]
    assert len(figures) == 1 and row["map_id"] == "hn_city"
    assert (row["number"], row["value"], row["period"], row["period_start"]) == (30.09, "30,1%", "2016–2021", 2016)


def test_the_leadership_charts_draw_the_catalogues_candidate_target(dashboard_data):
    target = candidate_target(dashboard_data.catalogue, 2016)
    configured = dashboard_data.indicator("women_city_council_candidates_pct").target_for(2016, "city")
    assert target is configured and target.value == 35
    frame = leadership.real_figures_frame(dashboard_data, "vi")
    element = leadership.real_figures_element(frame, "vi", leadership.page_candidate_target(dashboard_data, frame))
    lines = [layer for layer in element.values() if isinstance(layer, hv.HLine)]
    assert [line.data for line in lines] == [target.value]
    assert isinstance(leadership.real_figures_element(frame, "vi"), hv.Bars)  # no target, no line
