"""The ranking and trend charts follow indicator, period and language changes, empty periods included."""

import holoviews as hv
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.embed import file_html as _file_html
from bokeh.resources import INLINE

from dashboard.model.display import district_display, trend_frame
from dashboard.model.rank import ranked
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.state import new_state
from dashboard.views.ranking import CUT_KEEP, RankingView, ranking_element, ranking_height, ranking_rows
from dashboard.views.trend import TrendView

hv.extension("bokeh")


def bokeh_html(model) -> str:
    return _file_html(model, INLINE)


def _bars_source(view: RankingView):
    return view.chart.source


def test_indicator_language_and_empty_period_changes_redraw_the_bars(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2016)
    view = RankingView(snapshot=IndicatorSnapshot(state=state, data=dashboard_data))
    document = Document()
    document.add_root(pn.panel(view).get_root(document))
    assert len(_bars_source(view).data["code"]) == 30
    assert list(view.chart.figure.y_range.factors) == _bars_source(view).data["name"]
    state.param.update(indicator="committee_established", year=2018)
    assert set(_bars_source(view).data["value_label"]) <= {"Có", "Không"}
    state.lang = "en"
    assert set(_bars_source(view).data["value_label"]) <= {"Yes", "No"}
    state.param.update(indicator="women_commune_council_pct", year=2021)
    assert len(_bars_source(view).data["code"]) == 18  # wards elect no council from 2021
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


def test_the_note_says_no_target_applies_before_the_target_existed(dashboard_data):
    from dashboard.views.ranking import ranking_note_html

    indicator = dashboard_data.indicator("key_leader_female")
    display, _ = district_display(dashboard_data, indicator, 2020, "vi")
    note = ranking_note_html(display, indicator, 2020, "vi", dashboard_data.city_value(indicator.id, 2020), None)
    assert "không có mục tiêu áp dụng cho kỳ này" in note


def test_the_served_chart_is_one_bokeh_figure_patched_in_place(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2016)
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    view = RankingView(snapshot=snapshot)
    figure, source = view.chart.figure, view.chart.source
    rows = ranking_rows(snapshot.display, snapshot.indicator)
    assert source.data["code"] == rows["code"].tolist()  # the same rows as the exported chart
    assert view.chart.target_line.visible == (snapshot.target is not None)
    assert view.chart.city_line.visible and view.chart.city_line.location == snapshot.city.value
    state.district = "271"
    assert source.data["line"][source.data["code"].index("271")] == "#111111"
    state.param.update(indicator="committee_established", year=2018)
    assert view.chart.figure is figure and view.chart.source is source
    assert not view.chart.target_line.visible and not view.chart.city_line.visible
    assert (view.chart.figure.x_range.start, view.chart.figure.x_range.end) == (0.0, 1.0)
    source.selected.indices = [0]  # a tap on the lowest bar
    assert state.district == source.data["code"][0]


def test_tapping_a_bar_selects_its_district(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2016)
    view = RankingView(snapshot=IndicatorSnapshot(state=state, data=dashboard_data))
    source = view.chart.source
    top = len(source.data["code"]) - 1
    source.selected.indices = [top]
    assert state.district == source.data["code"][top]


def test_the_served_trend_is_one_bokeh_figure_with_gaps_for_missing_years(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2016)
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    view = TrendView(snapshot=snapshot)
    chart, figure = view.chart, view.chart.figure
    state.district = "271"
    frame = trend_frame(dashboard_data, snapshot.indicator, "271", "vi")
    assert list(chart.lines.data["district"]) == pytest.approx(frame["district"].tolist(), nan_ok=True)
    assert chart.city_line.visible and not chart.district_steps.visible
    assert chart.figure.xaxis[0].major_label_overrides == dict(zip(frame["period"], frame["period_label"]))
    state.param.update(indicator="committee_established", year=2018)
    assert view.chart.figure is figure
    assert chart.district_steps.visible and not chart.city_line.visible and not chart.target_line.visible
    assert chart.figure.yaxis[0].major_label_overrides == {0: "Không", 1: "Có"}
    bokeh_html(figure)  # renders standalone without a validation error


def test_a_cut_ranking_keeps_room_for_the_selected_unit_so_a_tap_moves_no_layout(dashboard_data):
    state = new_state(dashboard_data, indicator="committee_established", year=2026)
    view = RankingView(snapshot=IndicatorSnapshot(state=state, data=dashboard_data))
    plain = view.chart.figure.height
    assert plain == ranking_height(2 * CUT_KEEP + 1) and len(_bars_source(view).data["code"]) == 2 * CUT_KEEP
    shown = _bars_source(view).data["code"]
    outside = next(code for code in ranking_rows(view.snapshot.display, view.snapshot.indicator)["code"]
                   if code not in shown)
    state.district = outside
    assert len(_bars_source(view).data["code"]) == 2 * CUT_KEEP + 1 and view.chart.figure.height == plain


def test_a_counts_city_line_is_the_average_per_unit_as_on_the_trend_and_the_note_says_both(dashboard_data):
    # The city total of a count dwarfs every unit: drawn at it, the bars were squashed to the left.
    state = new_state(dashboard_data, indicator="gender_officers", year=2020, lang="en")
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    assert snapshot.indicator.is_count and snapshot.city is not None
    view = RankingView(snapshot=snapshot)
    reporting = snapshot.city.units_reporting or 30
    average = snapshot.city.value / reporting
    assert view.chart.city_line.visible and view.chart.city_line.location == pytest.approx(average)
    assert view.chart.figure.x_range.end < snapshot.city.value / 2
    assert view.chart.figure.x_range.end >= snapshot.display["value"].max()
    # The trend draws the same line for the same period.
    trend = trend_frame(dashboard_data, snapshot.indicator, "001", "en").set_index("period")
    assert trend.at[2020, "city"] == pytest.approx(average)
    note = view.note.text
    assert "District average 2020: <b>" in note and "City value:" in note
    # A share keeps the city value itself.
    state.param.update(indicator="women_district_council_pct", year=2016)
    assert view.chart.city_line.location == snapshot.city.value



def test_the_exported_ranking_names_the_units_of_the_map_its_rows_are_on(dashboard_data):
    from dashboard.i18n import unit_noun
    from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP

    for map_id, indicator_id, year in ((COMMUNE_MAP.id, "committee_established", 2026),
                                       (DISTRICT_MAP.id, "women_district_council_pct", 2016)):
        snapshot = IndicatorSnapshot(state=new_state(dashboard_data, indicator=indicator_id, year=year),
                                     data=dashboard_data)
        assert snapshot.map.id == map_id
        bars = ranking_element(snapshot.display, snapshot.indicator, "vi", "", snapshot.city, snapshot.target).get(0)
        assert bars.opts.get().kwargs["xlabel"] == unit_noun(map_id, "vi")
