"""Period frames: what the map page shows for each period of one indicator, switched in the browser.

A frame holds, for one period, the map's value columns, the ranking's bar order and axis, the
legend, the ranking note and every unit's card fields: already-formatted strings from the model
layer. The frames of every period on the map shown travel once with the indicator (strings once,
in a shared table), so a period change is drawn in the browser with no server round trip; the
server hears of it afterwards and finds nothing left to send.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import zlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.document import without_document_lock
from bokeh.models import ColumnDataSource, CustomJS, Div

from .. import server
from ..data import DashboardData
from ..i18n import LANGUAGES
from ..model.cells import cached_city_value, per_data_version
from ..model.display import district_display
from ..model.indicators import every_offer
from ..model.periods import map_periods, settle_period
from ..model.rank import rank_among, reporting_count
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import target_for
from . import browser_code
from .district_card import card_fields, card_header
from .legend import legend_html
from .ranking import (
    SELECTED_LINE,
    cut_gaps,
    ranking_cut,
    ranking_lines,
    ranking_note_html,
    ranking_rows,
    shown_height,
    value_range,
)

# Display columns of the map that are strings (indices into the frame's string table).
MAP_STRING_COLUMNS = ("name", "value_label", "ratio", "status_label", "color")
CARD_STRING_FIELDS = ("rank_label", "verdict", "verdict_css")
HEADER_FIELDS = ("hint", "indicator", "rank_word", "target", "status_word")
# Frame sets kept per process: a few indicators x languages x gap modes, each a few kilobytes.
FRAME_CACHE_SIZE = 64
_frame_cache: OrderedDict[tuple, str] = OrderedDict()
_frame_cache_lock = threading.Lock()
# Neighbour frames take seconds of CPU for a new view (then cached): one at a time per process, in
# their own thread, so that the frames of a period and every session's own work go first.
near_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neighbour-frames")

log = logging.getLogger(__name__)


class StringTable:
    """Each distinct string once; frames hold its position."""

    def __init__(self):
        self.strings: list[str] = []
        self._positions: dict[str, int] = {}

    def index(self, text: str) -> int:
        position = self._positions.get(text)
        if position is None:
            position = self._positions[text] = len(self.strings)
            self.strings.append(text)
        return position


def map_id_of(data: DashboardData, indicator_id: str, period: int) -> str:
    """Id of the map the period is drawn on."""
    return data.map_for(indicator_id, period).id


def frame_periods(data: DashboardData, indicator_id: str, period: int) -> list[int]:
    """The indicator's map periods drawn on the same map as `period`, oldest first."""
    shown = map_id_of(data, indicator_id, period)
    return [p for p in map_periods(data, indicator_id) if map_id_of(data, indicator_id, p) == shown]


def _number(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


# Frames of every (indicator, period) seen, per language and colour mode, put together into frame
# sets and neighbour frames. Every frame of the catalogue is about 520 of them, about 11 MB in all.
FRAME_TEXT_CACHE_SIZE = 1024


@per_data_version(maxsize=FRAME_TEXT_CACHE_SIZE)
def frame_text(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool) -> dict:
    """One period's frame with its strings as text; the same builders as the served views.

    Cached per data version and shared by every session: callers must not modify it.
    """
    indicator = data.indicator(indicator_id)
    display, classification = district_display(data, indicator, period, lang, gap=gap)
    city = cached_city_value(data, indicator_id, period)
    target = target_for(indicator, period)
    every_row = ranking_rows(display, indicator)
    # The bars as the server draws them with nothing selected: on the 126-unit map, a cut.
    rows = ranking_cut(every_row, "")
    # As RankingFigure.update draws them: the axis reaches each line shown.
    map_id = map_id_of(data, indicator_id, period)
    target_at, city_at = ranking_lines(indicator, target, city, map_id)
    start, end = value_range(rows, indicator, [at for at in (target_at, city_at) if at is not None])
    position = {code: i for i, code in enumerate(display["code"])}
    values = display["value"].astype(float)
    reporting = reporting_count(values)
    cards = [card_fields(row, None if pd.isna(row["value"]) else rank_among(values, row["value"], indicator),
                         reporting, indicator, lang, target, map_id)
             for row in display.to_dict("records")]
    header = card_header(indicator, period, lang, target)
    bars = [position[code] for code in rows["code"]]
    return {
        "map": {column: list(display[column]) for column in MAP_STRING_COLUMNS},
        "value": [_number(value) for value in values],
        "bars": bars,
        "length": [_number(length) for length in rows["length"].astype(float)],
        "x": [float(start), float(end)],
        "target": target_at,
        "city": city_at,
        "height": shown_height(len(rows), len(every_row)),
        "gaps": cut_gaps(rows, every_row),
        "picks": pick_cuts(every_row, rows, bars, position, indicator, [target_at, city_at], (start, end)),
        "legend": legend_html(classification.legend, lang),
        "note": ranking_note_html(display, indicator, period, lang, city, target),
        "header": {field: header[field] for field in HEADER_FIELDS},
        "rank": [card["rank"] for card in cards],
        "card": {field: [card[field] for card in cards] for field in CARD_STRING_FIELDS},
    }


def period_frame(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool,
                 strings: StringTable) -> dict:
    """One period's frame (`frame_text`), its strings put in `strings`; a new dict, the caller's."""
    frame = frame_text(data, indicator_id, period, lang, gap)
    return {
        **frame,
        "map": {column: [strings.index(text) for text in texts] for column, texts in frame["map"].items()},
        "legend": strings.index(frame["legend"]),
        "note": strings.index(frame["note"]),
        "header": {field: strings.index(text) for field, text in frame["header"].items()},
        "card": {field: [strings.index(text) for text in texts] for field, texts in frame["card"].items()},
    }


def pick_cuts(every_row: pd.DataFrame, rows: pd.DataFrame, bars: list[int], position: dict[str, int],
              indicator, lines: list[float | None], x: tuple[float, float]) -> dict[str, dict]:
    """The ranking with each unit selected that the plain cut `rows` leaves out, by its map row.

    `ranking_cut` decides, here only; the browser draws what it gave. Stored as what differs from
    the plain cut: the bars added (`add`: [bar position, map row, length]), the gaps, and the
    height and axis when they change.
    """
    if len(rows) == len(every_row):
        return {}  # a whole ranking: every unit is already a bar
    lines = [at for at in lines if at is not None]
    plain = set(bars)
    picks = {}
    for code in every_row["code"]:
        if position[code] in plain:
            continue
        cut = ranking_cut(every_row, code)
        order = [position[c] for c in cut["code"]]
        lengths = [_number(length) for length in cut["length"].astype(float)]
        pick: dict = {"gaps": cut_gaps(cut, every_row)}
        if [k for k in order if k in plain] == bars:
            pick["add"] = [[i, k, lengths[i]] for i, k in enumerate(order) if k not in plain]
        else:  # not a plain cut with bars added: the whole list
            pick.update(bars=order, length=lengths)
        height = shown_height(len(cut), len(every_row))
        if height != shown_height(len(rows), len(every_row)):
            pick["height"] = height
        start, end = value_range(cut, indicator, lines)
        if (start, end) != tuple(x):
            pick["x"] = [float(start), float(end)]
        picks[str(position[code])] = pick
    return picks


def frames_key(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool) -> str:
    """What a frame set depends on: data version, indicator, map, language and colour mode."""
    return "|".join(map(str, (data.version, indicator_id, map_id_of(data, indicator_id, period), lang, gap)))


def _cached_payload(cache_key: tuple, build) -> str:
    """The payload cached under `cache_key`, else `build()`'s, kept (least recently used dropped)."""
    with _frame_cache_lock:  # sessions build frames in threads
        cached = _frame_cache.get(cache_key)
        if cached is not None:
            _frame_cache.move_to_end(cache_key)
            return cached
    payload = build()
    with _frame_cache_lock:
        _frame_cache[cache_key] = payload
        if len(_frame_cache) > FRAME_CACHE_SIZE:
            _frame_cache.popitem(last=False)
    return payload


def _compact_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def frame_set(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool) -> str:
    """Every frame of the indicator on the map of `period`, as compact JSON; cached per data version."""
    key = frames_key(data, indicator_id, period, lang, gap)

    def build() -> str:
        strings = StringTable()
        periods = frame_periods(data, indicator_id, period)
        frames = {str(p): period_frame(data, indicator_id, p, lang, gap, strings) for p in periods}
        codes = data.district_table(indicator_id, periods[0])["code"].tolist() if periods else []
        return _compact_json({"key": key, "map_id": map_id_of(data, indicator_id, period), "codes": codes,
                              "strings": strings.strings, "frames": frames})

    return _cached_payload((id(data), key), build)


def neighbours_key(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool) -> str:
    """What the neighbour frames of a view depend on: data version, map, language, colour mode and period.

    The browser derives it from the frames key and the period it shows (see `nearFrames`).
    """
    return "|".join(map(str, (data.version, map_id_of(data, indicator_id, period), lang, gap, period)))


def neighbour_set(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool,
                  offered: list[str]) -> str:
    """For each indicator the select offers (`offered`), the one frame a change to it shows.

    Its period is the one the state settles on (`settle_period`, the rule the controls follow)
    from `period`; only frames on the map shown, whose units come in the same order, are kept:
    any other change is drawn by the server. Compact JSON, cached per data version.
    """
    shown = map_id_of(data, indicator_id, period)
    key = neighbours_key(data, indicator_id, period, lang, gap)

    def build() -> str:
        codes = data.district_table(indicator_id, period)["code"].tolist()
        strings = StringTable()
        near = {}
        for other in offered:
            if not map_periods(data, other):
                continue
            settled = settle_period(data, other, period)
            if (map_id_of(data, other, settled) != shown
                    or data.district_table(other, settled)["code"].tolist() != codes):
                continue
            frame = period_frame(data, other, settled, lang, gap, strings)
            frame.update(period=settled, key=frames_key(data, other, settled, lang, gap))
            near[other] = frame
        return _compact_json({"key": key, "map_id": shown, "codes": codes, "strings": strings.strings,
                              "frames": near})

    return _cached_payload((id(data), "near", key, tuple(offered)), build)


def neighbours_query(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool,
                     offered: list[str]) -> str:
    """The query naming one view's neighbour frames on the server's route (dashboard.server)."""
    return urlencode({"v": data.version, "indicator": indicator_id, "year": period, "lang": lang,
                      "gap": int(gap), "offered": ",".join(offered)})


def neighbours_view(data: DashboardData, query: dict[str, str]) -> tuple | None:
    """(indicator, period, lang, gap, offered) named by `query` (see `neighbours_query`), or None
    when it names no view of these data: another data version, an unknown indicator or period, or
    indicators that no page's select offers (so that queries cannot ask for endless variants)."""
    offered = tuple(query.get("offered", "").split(","))
    indicator_id, year, lang = query.get("indicator", ""), query.get("year", ""), query.get("lang")
    if (query.get("v") != str(data.version) or indicator_id not in data.catalogue.indicators
            or not year.isdigit() or lang not in LANGUAGES or query.get("gap") not in ("0", "1")
            or int(year) not in map_periods(data, indicator_id) or offered not in every_offer(data, lang)):
        return None
    return indicator_id, int(year), lang, query["gap"] == "1", list(offered)


def packed_neighbours(data: DashboardData, view: tuple) -> bytes:
    """The neighbour frames of `view` (see `neighbours_view`), packed: what the route sends."""
    return packed(neighbour_set(data, *view)).tobytes()


def packed(payload: str) -> np.ndarray:
    """Frames as deflated UTF-8 bytes, about a sixth of the JSON: a binary buffer on the websocket,
    or the body the neighbour frames route sends."""
    return np.frombuffer(zlib.compress(payload.encode("utf-8"), 9), dtype=np.uint8)


# The models `pageCallback` (dashboard/assets/period_frames.js) draws on, as `PeriodFrames.shared`
# hands them over: its own holders, then those `link` adds.
PAGE_MODELS = ("holder", "near", "maps", "card", "bars", "bars_range", "x_range", "ranking", "target_line",
               "city_line", "gap_lines", "selected_line")


def page_callback_code(args: dict) -> str:
    """The shared CustomJS model's code: `pageCallback` with the page's models among `args`."""
    models = ", ".join(name for name in PAGE_MODELS if name in args)
    return browser_code.call("period_frames.js", "pageCallback", [f"{{{models}}}", "cb_obj", "cb_data"])


# What a widget's own callback runs: the session's shared callback, with the widget that fired
# and the legend and note panes (`cb_data`).
CALL_SHARED_JS = "shared.execute(cb_obj, {legend: legend, note: note});"


class PeriodFrames(param.Parameterized):
    """The frames of the state's indicator on the map shown, kept in one browser model per session.

    `holder.data["zip"]` is the packed frame set (see `frame_set`, `packed`); `holder.tags` is
    [period shown, key of the frames it needs]. The frames follow the
    views by one tick in a served session, so that a new indicator is drawn before they are built.
    The neighbour frames (`neighbour_set`) a served page fetches from the URL in `near.tags`
    (`neighbours_query`), which the browser keeps; elsewhere they are in `near.data["near"]`.
    """

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values shown.")

    def __init__(self, **params):
        super().__init__(**params)
        self.holder = ColumnDataSource({"zip": np.zeros(0, dtype=np.uint8)}, tags=["", ""])
        # The neighbour frames (`neighbour_set`) of the view shown, sent after its own frames.
        self.near = ColumnDataSource({"near": np.zeros(0, dtype=np.uint8)})
        # The session's one browser callback (`page_callback_code`); `link` gives it the views' models.
        args = {"holder": self.holder, "near": self.near}
        self.shared = CustomJS(args=args, code=page_callback_code(args))
        self.holder.js_on_change("data", self.shared)
        self.near.js_on_change("data", self.shared)
        # A served page fetches its neighbour frames from `near.tags[0]`, a URL the browser caches.
        self._near_fetched = browser_code.page_links_scripts()
        self.near.js_on_change("tags", self.shared)
        self._near_key = ""
        self._near_building = ""  # key of the neighbour frames being built
        self._near_ids: set[str] = set()
        self._offered: list[str] = []  # the indicators of the select, once linked
        self._choose_indicator = None
        self._sent_key = ""
        self._periods: set[str] = set()
        self._pending = False
        self._tapped: str | None = None
        self._refresh()
        self.snapshot.param.watch(self._refresh, ["display"])
        self.holder.on_change("tags", self._on_browser_period)
        # After every other view has heard of the district: the tap it came from is spent.
        self.snapshot.state.param.watch(self._spend_tap, ["district"], precedence=10)

    def tapped_in_browser(self, code: str) -> None:
        """A view heard a tap on `code` that the browser has drawn (card and outline) already."""
        if self.in_browser():
            self._tapped = code

    def tap_drawn(self) -> bool:
        """True while the views hear of a district the browser has drawn itself: they send nothing."""
        return self._tapped is not None and self._tapped == self.snapshot.state.district

    def _spend_tap(self, _event) -> None:
        self._tapped = None

    def _wanted(self) -> tuple[str, str]:
        state = self.snapshot.state
        return str(state.year), frames_key(self.snapshot.data, state.indicator, state.year, state.lang, state.gap)

    def _refresh(self, *_events) -> None:
        period, key = self._wanted()
        if list(self.holder.tags) != [period, key]:
            self.holder.tags = [period, key]
        if key == self._sent_key:
            self._refresh_near(pn.state.curdoc)
            return
        self._periods = set()  # until the new frames are sent, the server draws every period
        document = pn.state.curdoc
        if document is None or document.session_context is None:
            self._send()  # a notebook or a test: no browser to wait for
        elif not self._pending:
            self._pending = True
            # Once the page is in the browser (at once, if it is already), built in a thread so
            # that neither this session nor any other waits, and sent as a change that the browser
            # inflates, after what they follow.
            state = self.snapshot.state

            @without_document_lock
            async def build() -> None:
                wanted = (state.indicator, state.year, state.lang, state.gap)
                try:
                    payload = await asyncio.get_running_loop().run_in_executor(
                        None, frame_set, self.snapshot.data, *wanted)
                except Exception:  # the server draws meanwhile; the next change asks again
                    log.exception("the browser's frames for %s could not be built", wanted)
                    self._pending = False
                    return
                if session_open(document):  # a page closed meanwhile has no next tick
                    document.add_next_tick_callback(lambda: self._apply(wanted, payload, document))

            pn.state.onload(lambda: document.add_next_tick_callback(build))

    def _apply(self, wanted: tuple, payload: str, document=None) -> None:
        self._pending = False
        state = self.snapshot.state
        if wanted != (state.indicator, state.year, state.lang, state.gap):
            self._refresh()  # the state moved on while they were built: build those it needs now
            return
        self._use(payload)
        self._refresh_near(document)

    def _refresh_near(self, document) -> None:
        """The neighbour frames of the view shown, when the browser lacks them: built in a thread
        (from the process cache, after the first time) and sent after the view's own frames, so
        that the next indicator picked is drawn in the browser too, not only the first."""
        if document is None or document.session_context is None or not self._offered or self._pending:
            return  # a notebook or a test (see `link`), or after the frames being built (see `_apply`)
        state = self.snapshot.state
        wanted = (state.indicator, state.year, state.lang, state.gap)
        key = neighbours_key(self.snapshot.data, *wanted)
        if key in (self._near_key, self._near_building):
            return
        self._near_building = key
        offered = list(self._offered)

        def build() -> str | None:  # not for a page closed while it waited its turn
            return neighbour_set(self.snapshot.data, *wanted, offered) if session_open(document) else None

        @without_document_lock
        async def build_near() -> None:
            try:
                near = await asyncio.get_running_loop().run_in_executor(near_builder, build)
            except Exception:  # the server draws meanwhile; the next change of view asks again
                log.exception("the neighbour frames for %s could not be built", wanted)
                if self._near_building == key:
                    self._near_building = ""
                return
            if near is not None and session_open(document):
                document.add_next_tick_callback(lambda: self._apply_near(key, near, document))

        document.add_next_tick_callback(build_near)

    def _apply_near(self, key: str, payload: str, document) -> None:
        self._near_building = ""
        state = self.snapshot.state
        if key == neighbours_key(self.snapshot.data, state.indicator, state.year, state.lang, state.gap):
            self._use_near(payload)
        else:
            self._refresh_near(document)  # the view has moved on: those of the view now

    def _send(self) -> None:
        state = self.snapshot.state
        self._use(frame_set(self.snapshot.data, state.indicator, state.year, state.lang, state.gap))

    def _use_near(self, payload: str) -> None:
        near = json.loads(payload)
        if near["key"] == self._near_key:
            return
        if self._near_fetched:  # the same frames, from the process cache of whichever process answers
            state = self.snapshot.state
            query = neighbours_query(self.snapshot.data, state.indicator, state.year, state.lang, state.gap,
                                     self._offered)
            self.near.tags = [f"{server.NEIGHBOURS_URL}?{query}"]
        else:
            self.near.data = {"near": packed(payload)}
        self._near_key = near["key"]
        self._near_ids = set(near["frames"])

    def _use(self, payload: str) -> None:
        key = self._wanted()[1]
        if key == self._sent_key:
            return
        self.holder.data = {"zip": packed(payload)}
        self._sent_key = key
        self._periods = set(json.loads(payload)["frames"])

    @pn.io.hold()
    def _on_browser_period(self, _attr, _old, new) -> None:
        # The browser drew a period from its frame; the state follows (and finds nothing to send).
        if len(new) > 2:
            self._on_browser_indicator(new[2])
        elif new and self.draws(new[0]) and int(new[0]) != self.snapshot.state.year:
            self.snapshot.state.year = int(new[0])

    def _on_browser_indicator(self, chosen: str) -> None:
        # The browser drew an indicator from its neighbour frame (or could not): the state follows
        # by the controls' own rule, and the server finds nothing left to send.
        if chosen in self._offered and chosen != self.snapshot.state.indicator and self._choose_indicator is not None:
            self._choose_indicator(chosen)
        wanted = list(self._wanted())
        if list(self.holder.tags) != wanted:
            self.holder.tags = wanted  # what the server shows, whatever the browser reported

    def draws_indicator(self, indicator_id: str) -> bool:
        """True when the browser holds the neighbour frame of `indicator_id` and draws it when it is picked."""
        state = self.snapshot.state
        return (indicator_id in self._near_ids and self._near_key == neighbours_key(
            self.snapshot.data, state.indicator, state.year, state.lang, state.gap))

    def draws(self, period) -> bool:
        """True when the browser holds the frame of `period` and draws it when it is picked."""
        return str(period) in self._periods and self._sent_key == self._wanted()[1]

    def in_browser(self) -> bool:
        """True when the browser holds the frame of the period shown, and so draws taps itself."""
        return self.draws(self.snapshot.state.year)

    def link(self, choropleth, ranking, card, controls=None, legend: Div | None = None) -> None:
        """Draw in the browser, from the frames: a tap on the map or a bar (its card and its bar), and
        a period or an indicator picked in `controls`; the server follows what the browser reports.

        One CustomJS model serves them all (it travels once); the widgets' callbacks call it.
        """
        args = {**self.shared.args, "maps": choropleth.sources, "card": card, **ranking_args(ranking)}
        self.shared.update(args=args, code=page_callback_code(args))
        for source in [*choropleth.sources.values(), ranking.chart.source]:
            source.selected.js_on_change("indices", self.shared)
        if controls is None or legend is None:
            return
        # The widgets' callbacks hand these models over to the shared callback.
        models = {"shared": self.shared, "legend": legend, "note": ranking.note}
        controls.on_period_js(CALL_SHARED_JS, models, self.draws)
        self._offered = controls.offered_indicators()
        self._choose_indicator = controls.choose_indicator
        controls.on_indicator_js(CALL_SHARED_JS, models, self.draws_indicator)
        document = pn.state.curdoc
        if (document is None or document.session_context is None) and self._sent_key:
            state = self.snapshot.state  # a notebook or a test: sent at once
            self._use_near(neighbour_set(self.snapshot.data, state.indicator, state.year, state.lang, state.gap,
                                         self._offered))


def session_open(document) -> bool:
    """True while `document`'s browser session lasts: a closed one has no next tick to run on."""
    context = document.session_context
    return context is not None and not getattr(context, "destroyed", False)


def ranking_args(ranking) -> dict:
    """The ranking's models that the browser redraws (see `drawRanking`)."""
    chart = ranking.chart
    return {"bars": chart.source, "bars_range": chart.figure.y_range, "x_range": chart.figure.x_range,
            "ranking": chart.figure, "target_line": chart.target_line, "city_line": chart.city_line,
            "gap_lines": chart.gap_lines, "selected_line": SELECTED_LINE}
