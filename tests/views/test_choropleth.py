"""The map draws polygons once; later changes send only value and colour columns; a tap shows its card."""

import holoviews as hv
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.document.events import ColumnDataChangedEvent, ColumnsPatchedEvent

from dashboard.model.classes import NO_COUNCIL_COLOUR, NO_DATA_COLOUR
from dashboard.model.display import district_display
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.state import new_state
from dashboard.views.choropleth import ChoroplethView, choropleth_element
from dashboard.views.district_card import district_card_html

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


def test_districts_without_council_have_their_own_colour_not_the_no_data_grey(rendered):
    state, view, _ = rendered
    # Wards have no People's Council from 2021: a quận has no commune-level council at all.
    state.param.update(indicator="women_commune_council_pct", year=2021)
    data = _source(view).data
    urban = [i for i, name in enumerate(data["name"]) if name.startswith("Quận ")]
    assert urban and all(data["color"][i] == NO_COUNCIL_COLOUR for i in urban)
    assert NO_COUNCIL_COLOUR != NO_DATA_COLOUR
    assert all(data["value_label"][i] == "không tổ chức HĐND" for i in urban)


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


@pytest.mark.parametrize(("indicator_id", "year"), [("women_district_council_pct", 2016),
                                                    ("committee_established", 2018),
                                                    ("women_district_council_pct", 2021)])
def test_the_cards_sent_to_the_browser_are_the_cards_the_server_draws(dashboard_data, indicator_id, year):
    # The browser builds each card from the period's frame (views/period_frames.py).
    import json

    from dashboard.views.period_frames import frame_set
    from tests.views.test_frames import frame_card

    state = new_state(dashboard_data, indicator=indicator_id, year=year)
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    F = json.loads(frame_set(dashboard_data, indicator_id, year, "vi", False))
    for code in ["", *F["codes"]]:
        assert frame_card(F, F["frames"][str(year)], code) == district_card_html(
            snapshot.display, code, snapshot.indicator, state.year, "vi", snapshot.target)
