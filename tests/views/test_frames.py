"""Period frames: what the browser draws for a period is what the server draws, and nothing travels twice."""

import json
import math
import zlib

import numpy as np
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import ColumnDataSource

from dashboard.model.periods import map_periods
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.state import new_state
from dashboard.views import period_frames as frames
from dashboard.views.choropleth import ChoroplethView, legend_box
from dashboard.views.columns import changed_columns, update_columns
from dashboard.views.controls import IndicatorControls
from dashboard.views.district_card import DistrictCard, card_html, district_card_html
from dashboard.views.ranking import RankingView

# The last two are on the 126-unit map, whose ranking is cut to the first and last ten.
CASES = [("women_district_council_pct", 2021), ("committee_established", 2024), ("key_leader_female", 2020),
         ("gender_officers", 2026), ("committee_established", 2025)]


def decoded(payload: str) -> dict:
    return json.loads(payload)


def frame_columns(F: dict, frame: dict) -> dict[str, list]:
    """As frameColumns in the browser."""
    columns = {name: [F["strings"][i] for i in ids] for name, ids in frame["map"].items()}
    columns["value"] = [math.nan if v is None else v for v in frame["value"]]
    return columns


def frame_card(F: dict, frame: dict, code: str) -> str:
    """As cardOf in the browser, with the server's template."""
    header = {name: F["strings"][i] for name, i in frame["header"].items()}
    if code not in F["codes"]:
        return card_html(header, None)
    row = F["codes"].index(code)
    columns = frame_columns(F, frame)
    fields = {name: columns[name][row] for name in ("name", "value_label", "ratio", "status_label")}
    fields["rank"] = frame["rank"][row]
    fields.update({name: F["strings"][ids[row]] for name, ids in frame["card"].items()})
    return card_html(header, fields)


def same(a: list, b: list) -> bool:
    return not changed_columns(ColumnDataSource({"c": list(a)}), {"c": list(b)})


@pytest.fixture
def map_views(dashboard_data):
    """The map page's linked views for one session, rendered into a document."""

    def build(indicator_id: str, year: int):
        state = new_state(dashboard_data, indicator=indicator_id, year=year)
        controls = IndicatorControls(state=state, data=dashboard_data)
        snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
        card = DistrictCard(snapshot=snapshot)
        choropleth = ChoroplethView(snapshot=snapshot, browser_tap=card.shown_in_browser)
        ranking = RankingView(snapshot=snapshot, browser_tap=card.shown_in_browser)
        legend = legend_box(snapshot)
        card.link(choropleth, ranking, controls, legend)
        document = Document()
        document.add_root(pn.Column(controls, choropleth, legend, ranking, card).get_root(document))
        events = []
        document.on_change(lambda event: events.append(event))
        return state, snapshot, card, choropleth, ranking, legend, controls, events

    return build


@pytest.mark.parametrize(("indicator_id", "year"), CASES)
def test_every_frame_is_what_the_server_draws_for_its_period(map_views, indicator_id, year):
    state, snapshot, card, choropleth, ranking, legend, _controls, _events = map_views(indicator_id, year)
    F = decoded(frames.frame_set(snapshot.data, indicator_id, year, "vi", False))
    assert set(F["frames"]) == {str(p) for p in frames.frame_periods(snapshot.data, indicator_id, year)}
    assert F["codes"] == choropleth.source.data["code"]
    for period, frame in F["frames"].items():
        state.param.update(year=int(period), district="271")
        columns = frame_columns(F, frame)
        for name, values in columns.items():
            assert same(choropleth.source.data[name], values), (period, name)
        bars = ranking.chart.source.data
        assert [F["codes"][k] for k in frame["bars"]] == bars["code"]
        assert [columns["name"][k] for k in frame["bars"]] == list(ranking.chart.figure.y_range.factors)
        assert same(bars["length"], [math.nan if v is None else v for v in frame["length"]])
        figure = ranking.chart
        assert [figure.figure.x_range.start, figure.figure.x_range.end] == pytest.approx(frame["x"])
        assert figure.target_line.visible == (frame["target"] is not None)
        assert figure.city_line.visible == (frame["city"] is not None)
        if frame["city"] is not None:
            assert figure.city_line.location == pytest.approx(frame["city"])
        assert figure.figure.height == frame["height"]
        if snapshot.map.id == "hn_communes_2025":
            assert len(frame["bars"]) == 20 and frame["gaps"] == [10]  # first and last ten, one gap
        drawn_gaps = [span.location for span in figure.gap_lines if span.visible]
        assert drawn_gaps == frame["gaps"], (period, drawn_gaps)
        assert legend.text == F["strings"][frame["legend"]]
        assert ranking.note.text == F["strings"][frame["note"]]
        for code in ["", *F["codes"]]:
            assert frame_card(F, frame, code) == district_card_html(
                snapshot.display, code, snapshot.indicator, int(period), "vi", snapshot.target)
        assert card.card.text == frame_card(F, frame, "271")


def test_frames_hold_the_periods_of_one_map(dashboard_data):
    for indicator_id in ("committee_established", "women_district_council_pct", "gender_officers"):
        periods = map_periods(dashboard_data, indicator_id)
        F = decoded(frames.frame_set(dashboard_data, indicator_id, periods[-1], "vi", False))
        shown = dashboard_data.map_for(indicator_id, periods[-1]).id
        assert F["frames"] and all(dashboard_data.map_for(indicator_id, int(p)).id == shown for p in F["frames"])
        others = [p for p in periods if dashboard_data.map_for(indicator_id, p).id != shown]
        assert not set(F["frames"]) & {str(p) for p in others}


def test_frames_are_built_once_per_data_version_and_travel_deflated(dashboard_data, monkeypatch):
    first = frames.frame_set(dashboard_data, "committee_established", 2024, "vi", False)
    assert frames.frame_set(dashboard_data, "committee_established", 2024, "vi", False) is first
    assert frames.frame_set(dashboard_data, "committee_established", 2024, "en", False) != first
    monkeypatch.setattr(dashboard_data, "version", dashboard_data.version + 1)
    again = frames.frame_set(dashboard_data, "committee_established", 2024, "vi", False)
    assert again is not first and decoded(again)["key"].startswith(f"{dashboard_data.version}|")
    packed = frames.packed(first)
    assert packed.dtype == np.uint8 and zlib.decompress(packed.tobytes()).decode("utf-8") == first
    assert len(packed) < len(first.encode("utf-8")) / 3


def apply_in_browser(F: dict, period: str, choropleth, ranking, card) -> None:
    """What pickPeriod (BROWSER_JS) leaves in the models once its patches have reached the server."""
    frame = F["frames"][period]
    columns = frame_columns(F, frame)
    with_changes = changed_columns(choropleth.source, columns)
    for name, values in with_changes.items():
        choropleth.source.patch({name: list(enumerate(values))})
    chart = ranking.chart
    order = frame["bars"]
    names = [columns["name"][k] for k in order]
    if list(chart.figure.y_range.factors) != names:
        chart.figure.y_range.factors = names
    picked = card.snapshot.state.district
    codes = [F["codes"][k] for k in order]
    chart.source.data = {
        "name": names, "length": [math.nan if v is None else v for v in frame["length"]],
        **{name: [columns[name][k] for k in order] for name in ("value_label", "ratio", "status_label", "color")},
        "line": ["#111111" if c == picked else "white" for c in codes],
        "width": [3 if c == picked else 0.5 for c in codes], "code": codes,
    }
    chart.figure.x_range.update(start=frame["x"][0], end=frame["x"][1])
    chart.target_line.update(visible=frame["target"] is not None, location=frame["target"] or 0)
    chart.city_line.update(visible=frame["city"] is not None, location=frame["city"] or 0)
    chart.figure.height = frame["height"]
    card.card.text = frame_card(F, frame, picked)


def test_a_period_drawn_in_the_browser_moves_the_state_and_nothing_travels_back(map_views):
    views = map_views("women_district_council_pct", 2021)
    state, snapshot, card, choropleth, ranking, _legend, controls, events = views
    state.district = "271"
    holder = card.frames.holder
    F = decoded(frames.frame_set(snapshot.data, state.indicator, 2021, "vi", False))
    assert card.frames.draws(2011) and holder.tags[1] == F["key"]
    # The select's value reaches the server first: the state waits for the browser's report.
    controls._period.value = 2011
    assert state.year == 2021
    apply_in_browser(F, "2011", choropleth, ranking, card)
    events.clear()
    holder.tags = ["2011", holder.tags[1]]  # the report, after every column
    assert state.year == 2011
    sent = {id(getattr(event, "model", None)) for event in events}
    quiet = [choropleth.source, ranking.chart.source, ranking.chart.figure.y_range, ranking.chart.figure.x_range,
             ranking.chart.figure, card.card]
    assert not sent & {id(model) for model in quiet}
    # The server's models hold what the server itself would draw: exports and later changes start from truth.
    assert card.card.text == district_card_html(snapshot.display, "271", snapshot.indicator, 2011, "vi",
                                                snapshot.target)


def test_a_period_without_a_frame_is_drawn_by_the_server(map_views, dashboard_data, monkeypatch):
    state, _snapshot, card, choropleth, _ranking, _legend, controls, _events = map_views("women_district_council_pct",
                                                                                   2021)
    monkeypatch.setattr(card.frames, "_periods", set())  # frames not arrived (or another map's period)
    before = list(choropleth.source.data["color"])
    controls._period.value = 2011
    assert state.year == 2011
    assert choropleth.source.data["color"] != before


def test_only_changed_columns_are_sent():
    source = ColumnDataSource({"value": [1.0, math.nan], "label": ["a", "b"]})
    assert changed_columns(source, {"value": [1.0, math.nan], "label": ["a", "c"]}) == {"label": ["a", "c"]}
    assert changed_columns(source, {"value": [1.0]}) == {"value": [1.0]}
    document = Document()
    document.add_root(source)
    events = []
    document.on_change(lambda event: events.append(event))
    update_columns(source, {"value": [1.0, math.nan], "label": ["a", "b"]})
    assert events == []
