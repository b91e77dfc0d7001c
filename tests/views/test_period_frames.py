"""What the browser draws from the frames for a tap on a cut ranking is what the server draws."""

from __future__ import annotations

import asyncio
import math
import zlib
from types import SimpleNamespace
from urllib.parse import parse_qsl

import pytest
from bokeh.core.json_encoder import serialize_json

from dashboard.model.indicators import offered_indicators
from dashboard.model.periods import settle_period
from dashboard.views import period_frames as frames
from dashboard.views.columns import changed_columns
from dashboard.views.district_card import district_card_html

from . import test_frames
from .test_frames import decoded, frame_card, frame_columns, same

map_views = test_frames.map_views  # the map page's linked views, a fixture

COMMUNE_CASES = [("committee_established", 2026), ("gender_officers", 2026), ("key_leader_female", 2025)]


def cut_of(frame: dict, row: int) -> dict:
    """As cutOf in the browser: the bars with the unit of map row `row` selected."""
    pick = frame["picks"].get(str(row)) if row >= 0 else None
    cut = {name: frame[name] for name in ("bars", "length", "gaps", "x", "height")}
    if pick is None:
        return cut
    if "bars" in pick:
        cut.update(bars=pick["bars"], length=pick["length"])
    else:
        cut.update(bars=list(frame["bars"]), length=list(frame["length"]))
        for at, k, length in pick["add"]:
            cut["bars"].insert(at, k)
            cut["length"].insert(at, length)
    cut["gaps"] = pick["gaps"]
    cut.update({name: pick[name] for name in ("x", "height") if name in pick})
    return cut


def draw_in_browser(F: dict, frame: dict, code: str, ranking, card) -> None:
    """What drawRanking and the card leave in the models once they have reached the server."""
    chart = ranking.chart
    columns = frame_columns(F, frame)
    cut = cut_of(frame, F["codes"].index(code) if code in F["codes"] else -1)
    names = [columns["name"][k] for k in cut["bars"]]
    if list(chart.figure.y_range.factors) != names:
        chart.figure.y_range.factors = names
    codes = [F["codes"][k] for k in cut["bars"]]
    chart.source.data = {
        "name": names, "length": [math.nan if v is None else v for v in cut["length"]],
        **{name: [columns[name][k] for k in cut["bars"]] for name in ("value_label", "ratio", "status_label",
                                                                        "color")},
        "line": ["#111111" if c == code else "white" for c in codes],
        "width": [3 if c == code else 0.5 for c in codes], "code": codes,
    }
    chart.figure.x_range.update(start=cut["x"][0], end=cut["x"][1])
    chart.figure.height = cut["height"]
    for i, span in enumerate(chart.gap_lines):
        span.update(visible=i < len(cut["gaps"]), location=cut["gaps"][i] if i < len(cut["gaps"]) else 0)
    card.card.text = frame_card(F, frame, code)


@pytest.mark.parametrize(("indicator_id", "year"), COMMUNE_CASES)
def test_every_pick_in_a_frame_is_the_cut_the_server_draws_with_that_unit_selected(map_views, indicator_id, year):
    state, snapshot, _card, _choropleth, ranking, _legend, _controls, _events = map_views(indicator_id, year)
    F = decoded(frames.frame_set(snapshot.data, indicator_id, year, "vi", False))
    for period, frame in F["frames"].items():
        state.param.update(year=int(period), district="")
        ranked = set(ranking.chart.source.data["code"])
        reporting = {code for code, value in zip(F["codes"], frame["value"]) if value is not None}
        # Every unit with a figure that the plain cut leaves out has its pick, and only those.
        assert {F["codes"][int(row)] for row in frame["picks"]} == reporting - ranked
        for code in ["", *F["codes"]]:
            state.district = code
            cut = cut_of(frame, F["codes"].index(code) if code else -1)
            chart = ranking.chart
            bars = chart.source.data
            assert [F["codes"][k] for k in cut["bars"]] == bars["code"], (period, code)
            assert same(bars["length"], [math.nan if v is None else v for v in cut["length"]])
            assert [s.location for s in chart.gap_lines if s.visible] == cut["gaps"], (period, code)
            assert [chart.figure.x_range.start, chart.figure.x_range.end] == pytest.approx(cut["x"])
            assert chart.figure.height == cut["height"]
    # Kept small: what differs from the plain cut, deflated with the rest.
    assert len(frames.packed(frames.frame_set(snapshot.data, indicator_id, year, "vi", False))) < 40_000


def test_the_district_map_has_no_picks_its_ranking_is_whole(dashboard_data):
    F = decoded(frames.frame_set(dashboard_data, "women_district_council_pct", 2021, "vi", False))
    assert all(frame["picks"] == {} for frame in F["frames"].values())


def test_a_tap_outside_the_cut_drawn_in_the_browser_sends_no_ranking_back(map_views):
    state, snapshot, card, choropleth, ranking, _legend, _controls, events = map_views("committee_established", 2026)
    F = decoded(frames.frame_set(snapshot.data, "committee_established", 2026, "vi", False))
    frame = F["frames"]["2026"]
    assert card.frames.in_browser()
    row = int(next(iter(frame["picks"])))
    code = F["codes"][row]
    assert code not in ranking.chart.source.data["code"]
    # The browser draws the card and the cut around the unit, then the map's selection reaches the server.
    draw_in_browser(F, frame, code, ranking, card)
    events.clear()
    choropleth.source.selected.indices = [row]
    assert state.district == code
    chart = ranking.chart
    quiet = [chart.source, chart.figure.y_range, chart.figure.x_range, chart.figure, *chart.gap_lines, card.card]
    sent = {id(getattr(event, "model", None)) for event in events}
    assert not sent & {id(model) for model in quiet}
    # The server's models hold what it would draw itself; a tap on the new bar maps to its unit.
    assert code in chart.source.data["code"]
    assert card.card.text == district_card_html(snapshot.display, code, snapshot.indicator, 2026, "vi",
                                                snapshot.target)
    state.district = ""
    ranking.chart.source.selected.indices = [0]
    assert state.district == ranking.chart.source.data["code"][0]


def resolved(F: dict, frame: dict) -> dict:
    """A frame with its strings in place of their positions: comparable across string tables."""
    text = F["strings"]
    out = dict(frame)
    out["map"] = {name: [text[i] for i in ids] for name, ids in frame["map"].items()}
    out["card"] = {name: [text[i] for i in ids] for name, ids in frame["card"].items()}
    out["header"] = {name: text[i] for name, i in frame["header"].items()}
    out["legend"], out["note"] = text[frame["legend"]], text[frame["note"]]
    for name in ("period", "key"):
        out.pop(name, None)
    return out


@pytest.mark.parametrize(("indicator_id", "year"), [("committee_established", 2026),
                                                     ("women_district_council_pct", 2021)])
def test_each_neighbour_frame_is_the_frame_of_the_period_the_state_settles_on(map_views, indicator_id, year):
    state, snapshot, _card, _choropleth, _ranking, _legend, controls, _events = map_views(indicator_id, year)
    data = snapshot.data
    offered = controls.offered_indicators()
    N = decoded(frames.neighbour_set(data, indicator_id, year, "vi", False, offered))
    shown = data.map_for(indicator_id, year).id
    expected = set()
    for other in offered:
        settled = settle_period(data, other, year)
        if data.district_periods(other) and data.map_for(other, settled).id == shown:
            expected.add(other)
    assert set(N["frames"]) == expected and indicator_id in expected
    for other, frame in N["frames"].items():
        settled = settle_period(data, other, year)
        assert frame["period"] == settled
        assert frame["key"] == frames.frames_key(data, other, settled, "vi", False)
        F = decoded(frames.frame_set(data, other, settled, "vi", False))
        assert N["codes"] == F["codes"]
        assert resolved(N, frame) == resolved(F, F["frames"][str(settled)]), other
    # After the state settles on a neighbour, the server draws that frame (the frames test holds
    # every frame to the views).
    other = next(o for o in N["frames"] if o != indicator_id)
    controls.choose_indicator(other)
    assert (state.indicator, state.year) == (other, N["frames"][other]["period"])
    packed = len(frames.packed(frames.neighbour_set(data, indicator_id, year, "vi", False, offered)))
    print(f"neighbour frames of {indicator_id} {year}: {len(N['frames'])} indicators, {packed} bytes packed")


def test_an_indicator_drawn_in_the_browser_moves_the_state_and_nothing_travels_back(map_views):
    state, snapshot, card, choropleth, ranking, legend, controls, events = map_views("committee_established", 2026)
    state.district = "00070"
    near = card.frames.near.data["near"]
    assert len(near)
    N = decoded(zlib.decompress(bytes(near)).decode("utf-8"))
    frame = N["frames"]["gender_officers"]
    assert card.frames.draws_indicator("gender_officers")
    # The select's value reaches the server first: the state waits for the browser's report.
    controls._indicator.value = "gender_officers"
    assert state.indicator == "committee_established"
    period = str(frame["period"])
    F = {"codes": N["codes"], "strings": N["strings"], "frames": {period: frame}}
    for name, values in changed_columns(choropleth.source, frame_columns(F, frame)).items():
        choropleth.source.patch({name: list(enumerate(values))})
    draw_in_browser(F, frame, "00070", ranking, card)
    legend.text = N["strings"][frame["legend"]]
    ranking.note.text = N["strings"][frame["note"]]
    events.clear()
    holder = card.frames.holder
    holder.tags = [period, frame["key"], "gender_officers"]  # the report, after every column
    assert (state.indicator, state.year) == ("gender_officers", int(period))
    assert list(holder.tags) == [period, frame["key"]]
    chart = ranking.chart
    quiet = [choropleth.source, chart.source, chart.figure.y_range, chart.figure.x_range, card.card]
    sent = {id(getattr(event, "model", None)) for event in events}
    assert not sent & {id(model) for model in quiet}
    assert card.card.text == district_card_html(snapshot.display, "00070", snapshot.indicator, int(period), "vi",
                                                snapshot.target)


def test_an_indicator_without_a_neighbour_frame_is_drawn_by_the_server(map_views):
    state, _snapshot, card, _choropleth, _ranking, _legend, controls, _events = map_views("committee_established",
                                                                                          2026)
    # Its period settles on the district map: the server draws it, as before.
    assert not card.frames.draws_indicator("women_district_council_pct")
    controls._indicator.value = "women_district_council_pct"
    assert state.indicator == "women_district_council_pct"
    # A report of that change, arriving after, changes nothing.
    year = state.year
    card.frames.holder.tags = ["2026", "stale", state.indicator]
    assert (state.indicator, state.year) == ("women_district_council_pct", year)
    assert list(card.frames.holder.tags)[1] != "stale"


def test_the_browser_code_travels_once_per_page(map_views):
    _state, _snapshot, card, choropleth, ranking, _legend, controls, _events = map_views("committee_established", 2026)
    text = serialize_json(choropleth.source.document.to_json())
    # Outside a served page (here, as in a notebook), the shared callback carries its file, once.
    assert text.count("function framesOf") == 1
    shared = card.frames.shared
    assert "function framesOf" in shared.code
    assert "window.hanoiDashboard.pageCallback({holder, near, maps" in shared.code
    # The map's and the ranking's selections, the holders and both selects all call it.
    for source in [*choropleth.sources.values(), ranking.chart.source]:
        assert shared in source.selected.js_property_callbacks["change:indices"]
    for holder in (card.frames.holder, card.frames.near):
        assert shared in holder.js_property_callbacks["change:data"]
    for widget in (controls._period, controls._indicator):
        (model, _parent), *_ = widget._models.values()
        (callback,) = model.js_property_callbacks["change:value"]
        assert frames.CALL_SHARED_JS in callback.code and callback.args["shared"] is shared


class _ServedPage:
    """What the neighbour frames need of a served document: a live session and next-tick
    callbacks, here run in order, coroutines to their end."""

    def __init__(self) -> None:
        self.session_context = SimpleNamespace(destroyed=False)
        self.callbacks: list = []

    def add_next_tick_callback(self, callback) -> None:
        self.callbacks.append(callback)

    def run(self) -> None:
        while self.callbacks:
            result = self.callbacks.pop(0)()
            if asyncio.iscoroutine(result):
                asyncio.run(result)


def test_neighbour_frames_that_fail_to_build_are_asked_for_again_by_the_next_refresh(map_views, monkeypatch,
                                                                                     caplog):
    state, _snapshot, card, *_ = map_views("committee_established", 2026)
    view, page = card.frames, _ServedPage()
    state.lang = "en"  # a new neighbourhood: the browser lacks its frames
    wanted = frames.neighbours_key(view.snapshot.data, state.indicator, state.year, state.lang, state.gap)
    assert view._near_key != wanted

    def fails(*_args):
        raise RuntimeError("disk full")

    built = frames.neighbour_set
    monkeypatch.setattr(frames, "neighbour_set", fails)
    view._refresh_near(page)
    page.run()
    assert view._near_key != wanted
    assert "the neighbour frames for" in caplog.text and "disk full" in caplog.text
    monkeypatch.setattr(frames, "neighbour_set", built)
    view._refresh_near(page)  # the next change of view
    page.run()
    assert view._near_key == wanted
    assert decoded(zlib.decompress(bytes(view.near.data["near"])).decode("utf-8"))["key"] == wanted



def test_neighbour_frames_finished_after_their_page_closed_are_dropped_without_error(map_views, monkeypatch,
                                                                                    caplog):
    state, _snapshot, card, *_ = map_views("committee_established", 2026)
    view, page = card.frames, _ServedPage()
    state.lang = "en"
    wanted = frames.neighbours_key(view.snapshot.data, state.indicator, state.year, state.lang, state.gap)
    built = frames.neighbour_set

    def page_closes_meanwhile(*args):
        payload = built(*args)
        page.session_context = None  # what Bokeh's Document.destroy leaves
        page.add_next_tick_callback = None  # and a destroyed document has no next tick
        return payload

    monkeypatch.setattr(frames, "neighbour_set", page_closes_meanwhile)
    view._refresh_near(page)
    page.run()
    assert not page.callbacks and view._near_key != wanted
    assert "Traceback" not in caplog.text and "could not be built" not in caplog.text


def test_a_neighbours_query_names_its_view_and_any_other_query_none(dashboard_data):
    data = dashboard_data
    offered = offered_indicators(data, "en", theme="leadership")
    query = dict(parse_qsl(frames.neighbours_query(data, "key_leader_female", 2024, "en", True, offered)))
    assert frames.neighbours_view(data, query) == ("key_leader_female", 2024, "en", True, offered)
    # The route builds the same frames the session does, from the process cache.
    assert zlib.decompress(frames.packed_neighbours(data, frames.neighbours_view(data, query))).decode(
        "utf-8") == frames.neighbour_set(data, "key_leader_female", 2024, "en", True, offered)
    # Only what a page's select offers: not a subset, another order or a made-up list.
    every = ",".join(offered_indicators(data, "en"))
    assert frames.neighbours_view(data, {**query, "offered": every}) is not None
    for name, wrong in [("v", str(data.version + 1)), ("indicator", "nope"), ("year", "1999"), ("year", "20x4"),
                        ("year", ""), ("lang", "fr"), ("gap", "yes"), ("offered", ""),
                        ("offered", ",".join(offered[:-1])), ("offered", ",".join(reversed(offered))),
                        ("offered", "committee_established,<script>"), ("offered", ",".join(offered * 50))]:
        assert frames.neighbours_view(data, {**query, name: wrong}) is None, (name, wrong)
    assert frames.neighbours_view(data, {}) is None
