"""The ranking chart follows indicator, period and language changes, empty periods included."""

import holoviews as hv
import panel as pn
from bokeh.document import Document

from dashboard.model.display import district_display
from dashboard.model.rank import ranked
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.state import new_state
from dashboard.views.ranking import RankingView, ranking_element

hv.extension("bokeh")


def _bars_source(view: RankingView):
    figure = view._plot._plots[next(iter(view._plot._plots))][0].state
    return next(r.data_source for r in figure.renderers if "code" in r.data_source.data)


def test_indicator_language_and_empty_period_changes_redraw_the_bars(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2016)
    view = RankingView(snapshot=IndicatorSnapshot(state=state, data=dashboard_data))
    document = Document()
    document.add_root(pn.panel(view).get_root(document))
    assert len(_bars_source(view).data["code"]) == 30
    state.param.update(indicator="committee_established", year=2018)
    assert set(_bars_source(view).data["value_label"]) <= {"Có", "Không"}
    state.lang = "en"
    assert set(_bars_source(view).data["value_label"]) <= {"Yes", "No"}
    state.param.update(indicator="women_district_council_pct", year=2021)
    assert len(_bars_source(view).data["code"]) == 18  # urban districts elect no council from 2021
    state.year = 2018  # inside the 2016-2021 term: the state settles on that term
    assert state.year == 2016
    assert len(_bars_source(view).data["code"]) == 30


def test_a_period_with_no_district_figures_draws_no_bars_and_no_error(dashboard_data):
    indicator = dashboard_data.indicator("women_district_council_pct")
    display, _ = district_display(dashboard_data, indicator, 2030, "vi")
    assert display["value"].isna().all()
    bars = ranking_element(display, indicator, "vi").get(0)
    assert len(bars) == 0
    hv.render(ranking_element(display, indicator, "vi"))


def test_best_district_is_on_top_and_the_selected_one_outlined(dashboard_data):
    indicator = dashboard_data.indicator("women_district_council_pct")
    display, _ = district_display(dashboard_data, indicator, 2016, "vi")
    order = ranked(display, indicator)
    assert order["value"].is_monotonic_increasing  # drawn bottom-up, so the best is on top
    element = ranking_element(display, indicator, "vi", selected_code="271")
    bars = element.get(0)
    lines = dict(zip(bars.dimension_values("code"), bars.dimension_values("line")))
    assert lines["271"] == "#111111"
    assert sum(colour == "#111111" for colour in lines.values()) == 1
