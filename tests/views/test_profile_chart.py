"""The profile's trend chart: made once, then fed the column data of each unit."""

from __future__ import annotations

import math

from bokeh.document import Document
from pages.test_district import PERCENT, tiny_data  # noqa: F401  (a fixture; tests/ is on the path)

from dashboard.model.display import trend_frame
from dashboard.views.profile_chart import BOOLEAN_RANGE, ProfileChart, chart_data


def test_chart_data_keeps_gaps_and_fits_the_axis(tiny_data):  # noqa: F811
    frame = trend_frame(tiny_data, tiny_data.indicator(PERCENT), "003", "vi")
    data = chart_data(frame, "Quận Tây Hồ")
    assert data.periods == (2016, 2017, 2018)
    assert math.isnan(data.columns["district"][1])  # 003 skipped 2017: a gap, never 0
    assert data.columns["series"] == ["Quận Tây Hồ"] * 3
    assert data.top == 100.0 * 1.12  # room above the 100% target line


def test_drawing_another_unit_changes_data_and_no_model(tiny_data):  # noqa: F811
    indicator = tiny_data.indicator(PERCENT)
    chart = ProfileChart(indicator, "vi")
    doc = Document()
    doc.add_root(chart.figure)
    chart.draw(chart_data(trend_frame(tiny_data, indicator, "001", "vi"), "Quận Ba Đình"), "vi")
    models = {model.id for model in doc.models}
    source = chart.source
    events = []
    doc.on_change(lambda event: events.append(event))

    chart.draw(chart_data(trend_frame(tiny_data, indicator, "003", "vi"), "Quận Tây Hồ"), "vi")
    assert {model.id for model in doc.models} == models and chart.source is source
    assert source.data["series"] == ["Quận Tây Hồ"] * 3
    # Same periods and target: only the column data is sent, not the axis again.
    changed = {(type(getattr(event, "model", None)).__name__, getattr(event, "attr", "")) for event in events}
    assert ("ColumnDataSource", "data") in changed
    assert not any(name in ("FixedTicker", "LinearAxis", "Range1d") for name, _attr in changed), changed


def test_a_yes_no_chart_keeps_its_fixed_scale(tiny_data):  # noqa: F811
    indicator = tiny_data.indicator("committee_established")
    chart = ProfileChart(indicator, "en")
    chart.draw(chart_data(trend_frame(tiny_data, indicator, "001", "en"), "Ba Đình (urban district)"), "en")
    assert (chart.y_range.start, chart.y_range.end) == BOOLEAN_RANGE
    assert chart.source.data["district"] == [1.0]
