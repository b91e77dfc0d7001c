"""The map draws polygons once; later changes send only value and colour columns."""

import holoviews as hv
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.document.events import ColumnDataChangedEvent, ColumnsPatchedEvent

from dashboard.model.classes import NO_DATA_COLOUR
from dashboard.model.display import district_display
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.state import new_state
from dashboard.views.choropleth import ChoroplethView, choropleth_element

hv.extension("bokeh")


@pytest.fixture
def rendered(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2016)
    view = ChoroplethView(snapshot=IndicatorSnapshot(state=state, data=dashboard_data))
    document = Document()
    document.add_root(pn.panel(view).get_root(document))
    events = []
    document.on_change(lambda event: events.append(event))
    return state, view, events


def _source(view):
    return view.source


def test_changing_indicator_sends_values_and_colours_but_no_coordinates(rendered):
    state, view, events = rendered
    before = list(_source(view).data["color"])
    state.indicator = "women_candidates_district_council_pct"
    changed = {column for event in events if isinstance(event, ColumnDataChangedEvent)
               for column in event.cols}
    assert changed and {"value", "color"} <= changed
    assert not changed & {"xs", "ys"}
    assert not any(isinstance(event, ColumnsPatchedEvent) for event in events)
    assert list(_source(view).data["color"]) != before


def test_missing_districts_are_drawn_grey(rendered):
    state, view, _ = rendered
    state.year = 2021
    data = _source(view).data
    urban = [i for i, name in enumerate(data["name"]) if name.startswith("Quận ")]
    assert urban and all(data["color"][i] == NO_DATA_COLOUR for i in urban)
    assert all(data["value_label"][i] == "chưa có số liệu" for i in urban)


def test_selecting_a_district_selects_its_polygon(rendered):
    state, view, _ = rendered
    state.district = "271"
    source = _source(view)
    (index,) = source.selected.indices
    assert source.data["code"][index] == "271"


def test_tapping_a_polygon_selects_the_district_in_state(rendered):
    state, view, _ = rendered
    codes = list(_source(view).data["code"])
    # What Bokeh does when the browser reports a tap on a polygon.
    _source(view).selected.indices = [codes.index("005")]
    assert state.district == "005"
    _source(view).selected.indices = []
    assert state.district == ""


def test_builder_returns_one_polygon_per_district(dashboard_data):
    indicator = dashboard_data.indicator("committee_established")
    display, _ = district_display(dashboard_data, indicator, 2016, "en")
    element = choropleth_element(dashboard_data.districts, display, "en")
    assert len(element.split()) == 30
    assert set(element.dimension_values("value_label", expanded=False)) <= {"Yes", "No"}
