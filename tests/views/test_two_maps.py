"""The explorer on both maps: polygons once per map, the ranking cut, the map change on the trend."""

import numpy as np
import pandas as pd
import pytest
from bokeh.document import Document
from bokeh.document.events import ColumnDataChangedEvent, ModelChangedEvent
from bokeh.models import ColumnDataSource

from dashboard import geo
from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP, MAPS
from dashboard.model.display import VALUE_COLUMNS
from dashboard.views.choropleth import MapFigure, polygon_records
from dashboard.views.ranking import CUT_ABOVE, CUT_KEEP, cut_gaps, is_cut, ranking_cut
from dashboard.views.trend import map_change_at


def fake_display(map_id: str, seed: int = 0) -> pd.DataFrame:
    """One row per unit of `map_id`, in map order, with made-up values and colours."""
    units = geo.display_geometry(map_id)
    rng = np.random.default_rng(seed)
    values = rng.uniform(0, 100, len(units))
    return pd.DataFrame({
        "code": units["code"].to_numpy(),
        "name": units["full_name_vi"].to_numpy(),
        "value": values,
        "value_label": [f"{v:.1f}%" for v in values],
        "ratio": "",
        "status_label": "minh họa",
        "color": ["#%02x0000" % int(v * 2.5) for v in values],
        "status": "illustrative",
        "source": "",
    })


# ------------------------------------------------------------------------------ coordinates


def test_the_export_builder_draws_every_part_of_a_multipolygon():
    units = geo.display_geometry(COMMUNE_MAP.id)
    records = polygon_records(units, fake_display(COMMUNE_MAP.id)[["code", *VALUE_COLUMNS]])
    assert len(records) == 126
    index = next(i for i, g in enumerate(units.geometry) if g.geom_type == "MultiPolygon")
    parts = len(units.geometry.iloc[index].geoms)
    coords = records[index][("x", "y")]
    assert np.isnan(coords[:, 0]).sum() == parts - 1  # one NaN row between parts
    assert len(records[index]["holes"]) == parts


# -------------------------------------------------------------------- polygons sent once per map


@pytest.fixture
def served_map():
    chart = MapFigure("vi")
    chart.show(DISTRICT_MAP.id, fake_display(DISTRICT_MAP.id), "vi")
    document = Document()
    document.add_root(chart.figure)
    events = []
    document.on_change(events.append)
    return chart, document, events


def shapes_of(renderer) -> ColumnDataSource:
    """The source of flat int16 coordinates a map renderer unpacks in the browser."""
    return renderer.glyph.xs.transform.args["shapes"]


def _coordinate_sends(events, source) -> int:
    """How many times coordinate columns of `source` went to the browser after the first render."""
    def sends_coordinates(event) -> bool:
        if isinstance(event, ColumnDataChangedEvent):  # cols is None when the whole data was replaced
            return event.cols is None or bool({"xs", "ys", "x", "y"} & set(event.cols))
        return isinstance(event, ModelChangedEvent) and event.attr == "data"

    return sum(1 for event in events if getattr(event, "model", None) is source and sends_coordinates(event))


def test_each_map_sends_its_polygons_once_and_then_only_values(served_map):
    chart, document, events = served_map
    districts = chart.renderers[DISTRICT_MAP.id]
    assert set(chart.renderers) == {DISTRICT_MAP.id}  # the new map's shapes wait until it is shown
    assert shapes_of(districts).data["x"].dtype == np.int16
    assert "xs" not in chart.sources[DISTRICT_MAP.id].data  # values only; shapes travel apart

    chart.show(DISTRICT_MAP.id, fake_display(DISTRICT_MAP.id, seed=1), "vi")  # another year, same map
    changed = {c for e in events if isinstance(e, ColumnDataChangedEvent) for c in e.cols or ["*"]}
    assert {"value", "color"} <= changed and "*" not in changed

    chart.show(COMMUNE_MAP.id, fake_display(COMMUNE_MAP.id), "vi")  # 2024 -> 2025: the new map, first time
    communes = chart.renderers[COMMUNE_MAP.id]
    assert document.get_model_by_id(shapes_of(communes).id) is shapes_of(communes)
    assert len(chart.sources[COMMUNE_MAP.id].data["code"]) == 126
    assert communes.visible and not districts.visible
    assert chart.tap.renderers == [communes] and chart.hover.renderers == [communes]

    def renderers_added():
        return [e for e in events if e.model is chart.figure and getattr(e, "attr", "") == "renderers"]

    added = renderers_added()
    assert len(added) == 1

    for seed, map_id in enumerate([COMMUNE_MAP.id, DISTRICT_MAP.id, COMMUNE_MAP.id, DISTRICT_MAP.id], start=2):
        chart.show(map_id, fake_display(map_id, seed), "en")
    assert chart.renderers == {DISTRICT_MAP.id: districts, COMMUNE_MAP.id: communes}
    assert renderers_added() == added
    for renderer in (districts, communes):
        assert _coordinate_sends(events, shapes_of(renderer)) == 0
        assert _coordinate_sends(events, renderer.data_source) == 0
    assert chart.sources[DISTRICT_MAP.id].data["color"] == fake_display(DISTRICT_MAP.id, 5)["color"].tolist()


def test_the_map_words_follow_the_map(served_map):
    chart, _, _ = served_map
    assert chart.hover.tooltips[0][0] == "Quận, huyện, thị xã"
    chart.show(COMMUNE_MAP.id, fake_display(COMMUNE_MAP.id), "vi")
    assert chart.hover.tooltips[0][0] == "Xã, phường"
    chart.show(COMMUNE_MAP.id, fake_display(COMMUNE_MAP.id), "en")
    assert chart.hover.tooltips[0][0] == "Commune or ward"


# ---------------------------------------------------------------------------------- ranking cut


def _rows(count: int) -> pd.DataFrame:
    """Ranked rows, worst first (as ranking_rows draws them), with codes 00001, 00002, ..."""
    return pd.DataFrame({"code": [f"{i:05d}" for i in range(1, count + 1)], "value": np.arange(count, dtype=float)})


def test_thirty_districts_are_ranked_whole():
    rows = _rows(30)
    assert ranking_cut(rows, "00015").equals(rows)
    assert ranking_cut(_rows(CUT_ABOVE), "").equals(_rows(CUT_ABOVE))


def test_many_units_show_the_top_and_bottom_ten_and_the_selected_one_in_rank_order():
    rows = _rows(126)
    shown = ranking_cut(rows)
    assert len(shown) == 2 * CUT_KEEP == 20
    assert shown["code"].tolist() == rows["code"].iloc[list(range(10)) + list(range(116, 126))].tolist()
    with_selected = ranking_cut(rows, "00060")
    assert len(with_selected) == 21
    assert with_selected["code"].tolist().index("00060") == 10  # between the bottom and the top ten
    assert with_selected["value"].is_monotonic_increasing
    assert len(ranking_cut(rows, "00003")) == 20  # already among the bottom ten
    assert len(ranking_cut(rows, "99999")) == 20  # a code not ranked adds nothing


def test_gap_lines_sit_where_ranks_are_skipped():
    rows = _rows(126)
    assert cut_gaps(ranking_cut(rows), rows) == [10]
    assert cut_gaps(ranking_cut(rows, "00060"), rows) == [10, 11]
    assert cut_gaps(ranking_cut(rows, "00011"), rows) == [11]  # adjacent to the bottom ten
    assert cut_gaps(rows.iloc[:30], rows.iloc[:30]) == []


def test_a_ranking_is_cut_only_when_more_than_forty_units_report():
    display = pd.DataFrame({"code": [f"{i:05d}" for i in range(126)], "value": [np.nan] * 86 + [1.0] * 40})
    assert not is_cut(display)
    display.loc[0, "value"] = 2.0
    assert is_cut(display)


# ------------------------------------------------------------------------------ the map change


def test_the_map_change_falls_between_2024_and_2025_and_at_mid_2025_between_terms():
    assert map_change_at([2016, 2020, 2024, 2025, 2026], "annual") == 2024.5
    assert map_change_at([2016, 2021, 2026], "term") == pytest.approx(2025.5, abs=0.01)
    assert map_change_at([2016, 2021], "term") is None
    assert map_change_at([2025, 2026], "annual") is None
    assert map_change_at([], "annual") is None


# --------------------------------------------------------------- the explorer's views on both maps


@pytest.fixture
def explorer_views(dashboard_data):
    import panel as pn

    from dashboard.model.snapshot import IndicatorSnapshot
    from dashboard.state import new_state
    from dashboard.views.choropleth import ChoroplethView
    from dashboard.views.ranking import RankingView
    from dashboard.views.table import TableView

    state = new_state(dashboard_data, indicator="committee_established", year=2024, district="271")
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    views = {"map": ChoroplethView(snapshot=snapshot), "ranking": RankingView(snapshot=snapshot),
             "table": TableView(snapshot=snapshot)}
    document = Document()
    document.add_root(pn.Column(*views.values()).get_root(document))
    events = []
    document.on_change(events.append)
    return state, snapshot, views, events


def test_a_period_on_the_new_map_swaps_the_map_clears_the_district_and_sends_its_polygons_once(explorer_views):
    state, snapshot, views, events = explorer_views
    choropleth = views["map"]
    assert choropleth.chart.map_id == DISTRICT_MAP.id
    assert choropleth.source.data["code"][choropleth.source.selected.indices[0]] == "271"
    state.year = 2025
    assert snapshot.map is COMMUNE_MAP and choropleth.chart.map_id == COMMUNE_MAP.id
    assert len(choropleth.source.data["code"]) == 126
    # Ba Vì district is not on the new map: nothing is selected there, and the state says why.
    assert snapshot.cleared_unit == "271" and state.district == ""
    assert choropleth.source.selected.indices == []
    assert choropleth.sources[DISTRICT_MAP.id].selected.indices == []
    state.year = 2026
    state.year = 2024
    state.year = 2025
    renderers = choropleth.chart.renderers
    assert set(renderers) == set(MAPS)  # each added once
    for renderer in renderers.values():
        assert _coordinate_sends(events, shapes_of(renderer)) == 0
        assert _coordinate_sends(events, renderer.data_source) == 0


def test_a_tap_on_the_new_map_selects_a_five_digit_unit(explorer_views):
    state, _, views, _ = explorer_views
    state.param.update(year=2026, district="")
    source = views["map"].source
    source.selected.indices = [source.data["code"].index("09700")]
    assert state.district == "09700"
    bars = views["ranking"].chart.source.data
    assert "09700" in bars["code"] and len(bars["code"]) <= 2 * CUT_KEEP + 1


def test_the_ranking_and_table_name_communes_and_wards_on_the_new_map(explorer_views):
    state, _, views, _ = explorer_views
    chart = views["ranking"].chart
    assert chart.figure.yaxis.axis_label == "Quận, huyện, thị xã"
    state.param.update(year=2026, lang="en")
    assert chart.figure.yaxis.axis_label == "Commune or ward"
    assert chart.hover.tooltips[0][0] == "Commune or ward"
    table = views["table"]
    assert len(table._table.value) == 0  # no rows sent while the table view is hidden
    state.view = "table"
    assert len(table._table.value) == 126
    assert table._table.value.columns[0] == "Commune or ward"


def test_the_export_builder_refuses_values_of_the_other_map():
    with pytest.raises(ValueError, match="not for these 30 units"):
        polygon_records(geo.display_geometry(DISTRICT_MAP.id), fake_display(COMMUNE_MAP.id)[["code", *VALUE_COLUMNS]])
