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
import math
import threading
import zlib
from collections import OrderedDict

import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.document import without_document_lock
from bokeh.models import ColumnDataSource, CustomJS

from ..data import DashboardData
from ..model.display import district_display
from ..model.periods import map_periods
from ..model.rank import rank_among, reporting_count
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import target_for
from .district_card import CARD_HTML_JS, card_fields, card_header
from .legend import legend_html
from .ranking import (
    SELECTED_LINE,
    cut_gaps,
    ranking_cut,
    ranking_height,
    ranking_note_html,
    ranking_rows,
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


def period_frame(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool,
                 strings: StringTable) -> dict:
    """One period's frame, its strings put in `strings`; the same builders as the served views."""
    indicator = data.indicator(indicator_id)
    display, classification = district_display(data, indicator, period, lang, gap=gap)
    city = data.city_value(indicator_id, period)
    target = target_for(indicator, period)
    every_row = ranking_rows(display, indicator)
    # The bars as the server draws them with nothing selected: on the 126-unit map, a cut.
    rows = ranking_cut(every_row, "")
    # As RankingFigure.update draws them: lines only for numbers, the axis reaching each line shown.
    lines = indicator.kind != "boolean"
    target_at = float(target.value) if lines and target is not None else None
    city_at = float(city.value) if lines and city is not None else None
    start, end = value_range(rows, indicator, [at for at in (target_at, city_at) if at is not None])
    position = {code: i for i, code in enumerate(display["code"])}
    values = display["value"].astype(float)
    reporting = reporting_count(values)
    map_id = map_id_of(data, indicator_id, period)
    cards = [card_fields(row, None if pd.isna(row["value"]) else rank_among(values, row["value"], indicator),
                         reporting, indicator, lang, target, map_id)
             for row in display.to_dict("records")]
    header = card_header(indicator, period, lang, target)
    return {
        "map": {column: [strings.index(text) for text in display[column]] for column in MAP_STRING_COLUMNS},
        "value": [_number(value) for value in values],
        "bars": [position[code] for code in rows["code"]],
        "length": [_number(length) for length in rows["length"].astype(float)],
        "x": [float(start), float(end)],
        "target": target_at,
        "city": city_at,
        "height": ranking_height(len(rows)),
        "gaps": cut_gaps(rows, every_row),
        "legend": strings.index(legend_html(classification.legend, lang)),
        "note": strings.index(ranking_note_html(display, indicator, period, lang, city, target)),
        "header": {field: strings.index(header[field]) for field in HEADER_FIELDS},
        "rank": [card["rank"] for card in cards],
        "card": {field: [strings.index(card[field]) for card in cards] for field in CARD_STRING_FIELDS},
    }


def frames_key(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool) -> str:
    """What a frame set depends on: data version, indicator, map, language and colour mode."""
    return "|".join(map(str, (data.version, indicator_id, map_id_of(data, indicator_id, period), lang, gap)))


def frame_set(data: DashboardData, indicator_id: str, period: int, lang: str, gap: bool) -> str:
    """Every frame of the indicator on the map of `period`, as compact JSON; cached per data version."""
    key = frames_key(data, indicator_id, period, lang, gap)
    with _frame_cache_lock:
        cached = _frame_cache.get((id(data), key))
        if cached is not None:
            _frame_cache.move_to_end((id(data), key))
            return cached
    strings = StringTable()
    periods = frame_periods(data, indicator_id, period)
    frames = {str(p): period_frame(data, indicator_id, p, lang, gap, strings) for p in periods}
    codes = data.district_table(indicator_id, periods[0])["code"].tolist() if periods else []
    payload = json.dumps({
        "key": key, "map_id": map_id_of(data, indicator_id, period), "codes": codes, "strings": strings.strings,
        "frames": frames,
    }, ensure_ascii=False, separators=(",", ":"))
    with _frame_cache_lock:  # sessions build frames in threads
        _frame_cache[(id(data), key)] = payload
        if len(_frame_cache) > FRAME_CACHE_SIZE:
            _frame_cache.popitem(last=False)
    return payload


def packed(payload: str) -> np.ndarray:
    """The frame set as deflated UTF-8 bytes: a binary buffer on the websocket, about a sixth of the JSON."""
    return np.frombuffer(zlib.compress(payload.encode("utf-8"), 9), dtype=np.uint8)


# Functions the browser callbacks share: the frames (inflated once, asynchronously, when they
# arrive), one unit's card and the ranking's outline.
FRAME_JS = CARD_HTML_JS + """
function entryOf(dict, key) {  // a dict of models arrives as a Map or a plain object
  return dict instanceof Map ? dict.get(key) : dict[key];
}
function framesOf(holder) {
  const bytes = holder.data.zip;
  if (!bytes || !bytes.length) return null;
  const cache = holder._frames;
  if (cache !== undefined && cache.bytes === bytes) return cache.value;  // null while inflating
  holder._frames = {bytes: bytes, value: null};
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))).text()
    .then((text) => { if (holder._frames.bytes === bytes) holder._frames.value = JSON.parse(text); });
  return null;
}
function currentFrames(holder) {
  const F = framesOf(holder);
  return F !== null && F.key === holder.tags[1] ? F : null;  // frames of what the server shows
}
function frameColumns(F, frame) {
  const columns = {value: frame.value.map((v) => v === null ? NaN : v)};
  for (const [name, ids] of Object.entries(frame.map)) columns[name] = ids.map((i) => F.strings[i]);
  return columns;
}
function headerOf(F, frame) {
  const header = {};
  for (const [name, i] of Object.entries(frame.header)) header[name] = F.strings[i];
  return header;
}
function cardOf(F, frame, columns, code) {
  const row = F.codes.indexOf(code);
  if (row < 0) return cardHtml(headerOf(F, frame), null);
  const fields = {name: columns.name[row], value_label: columns.value_label[row], ratio: columns.ratio[row],
                  status_label: columns.status_label[row], rank: frame.rank[row]};
  for (const [name, ids] of Object.entries(frame.card)) fields[name] = F.strings[ids[row]];
  return cardHtml(headerOf(F, frame), fields);
}
function outlineBars(bars, code, selected_line) {
  const patches = {line: [], width: []};
  bars.data.code.forEach((c, i) => {
    const line = c === code ? selected_line : 'white', width = c === code ? 3 : 0.5;
    if (bars.data.line[i] !== line) patches.line.push([i, line]);
    if (bars.data.width[i] !== width) patches.width.push([i, width]);
  });
  if (patches.line.length || patches.width.length) bars.patch(patches);
}
"""

# Draws the frame of the period picked in a period widget: map, ranking, legend, note, card and URL;
# then reports the period, which the server's state follows. Without frames (not yet arrived, or
# another map's period) it only reports, and the server draws the period itself.
APPLY_FRAME_JS = FRAME_JS + """
const period = String(cb_obj.value);
if (holder.tags[0] === period) return;  // the server's echo of a change made here
let map;  // the source of the map the frames are drawn on
try {
  const F = currentFrames(holder);
  const frame = F === null ? undefined : F.frames[period];
  map = F === null ? undefined : entryOf(maps, F.map_id);
  if (frame !== undefined && map !== undefined && map.data.code.length === F.codes.length
      && showsPick(frame, map)) draw(F, frame);
} finally {
  holder.tags = [period, holder.tags[1]];
}
function showsPick(frame, map) {
  // A selected unit outside the frame's bars (a cut ranking) needs the server's own cut.
  return !map.selected.indices.length || frame.bars.includes(map.selected.indices[0]);
}
function draw(F, frame) {
  const columns = frameColumns(F, frame);
  // The map: only the cells that changed, as a patch (the polygons never move).
  const patches = {};
  for (const [name, values] of Object.entries(columns)) {
    const old = map.data[name];
    const cells = [];
    values.forEach((v, i) => {
      if (v !== old[i] && !(Number.isNaN(v) && Number.isNaN(old[i]))) cells.push([i, v]);
    });
    if (cells.length) patches[name] = cells;
  }
  if (Object.keys(patches).length) map.patch(patches);
  const picked = map.selected.indices.length ? F.codes[map.selected.indices[0]] : '';
  // The ranking: bars in drawing order, the selected one outlined.
  const order = frame.bars;
  const bar = (name) => order.map((k) => columns[name][k]);
  const barCodes = order.map((k) => F.codes[k]);
  const names = bar('name');
  const factors = bars_range.factors;
  if (factors.length !== names.length || names.some((n, i) => n !== factors[i])) bars_range.factors = names;
  bars.data = {
    name: names, length: frame.length.map((v) => v === null ? NaN : v), value_label: bar('value_label'),
    ratio: bar('ratio'), status_label: bar('status_label'), color: bar('color'),
    line: barCodes.map((c) => c === picked ? selected_line : 'white'),
    width: barCodes.map((c) => c === picked ? 3 : 0.5), code: barCodes,
  };
  if (bars.selected.indices.length) bars.selected.indices = [];
  x_range.setv({start: frame.x[0], end: frame.x[1]});
  target_line.setv({visible: frame.target !== null, location: frame.target === null ? 0 : frame.target});
  city_line.setv({visible: frame.city !== null, location: frame.city === null ? 0 : frame.city});
  if (ranking.height !== frame.height) ranking.height = frame.height;
  gap_lines.forEach((span, i) => {
    const shown = i < frame.gaps.length;
    span.setv({visible: shown, location: shown ? frame.gaps[i] : 0});
  });
  // Panel's HTML panes hold their HTML escaped.
  legend.text = escapeHtml(F.strings[frame.legend]);
  note.text = escapeHtml(F.strings[frame.note]);
  card.text = cardOf(F, frame, columns, picked);
  const url = new URL(window.location.href);
  url.searchParams.set('year', period);
  window.history.replaceState(window.history.state, '', url.toString());
}
"""

# A tap on the map or a bar: its card and the ranking's outline, drawn in the browser at once.
SHOW_TAPPED_JS = FRAME_JS + """
const picked = source.selected.indices;
if (!picked.length && !clears) return;
const code = picked.length ? source.data.code[picked[0]] : '';
const F = currentFrames(holder);
const frame = F === null ? undefined : F.frames[holder.tags[0]];
const map = F === null ? undefined : entryOf(maps, F.map_id);
if (frame === undefined || map === undefined) return;  // the server draws it
if (source !== map) {
  const row = F.codes.indexOf(code);
  if (row >= 0 && !(map.selected.indices.length === 1 && map.selected.indices[0] === row))
    map.selected.indices = [row];
}
const text = cardOf(F, frame, frameColumns(F, frame), code);
if (card.text !== text) card.text = text;
outlineBars(bars, code, selected_line);
"""

# Inflates newly arrived frames at once, so that they are ready before the next click.
INFLATE_JS = FRAME_JS + "framesOf(holder);"


class PeriodFrames(param.Parameterized):
    """The frames of the state's indicator on the map shown, kept in one browser model per session.

    `holder.data["zip"]` is the packed frame set (see `frame_set`, `packed`); `holder.tags` is
    [period shown, key of the frames it needs]. The frames follow the
    views by one tick in a served session, so that a new indicator is drawn before they are built.
    """

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values shown.")

    def __init__(self, **params):
        super().__init__(**params)
        self.holder = ColumnDataSource({"zip": np.zeros(0, dtype=np.uint8)}, tags=["", ""])
        self.holder.js_on_change("data", CustomJS(args={"holder": self.holder}, code=INFLATE_JS))
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
                payload = await asyncio.get_running_loop().run_in_executor(
                    None, frame_set, self.snapshot.data, *wanted)
                document.add_next_tick_callback(lambda: self._apply(wanted, payload))

            pn.state.onload(lambda: document.add_next_tick_callback(build))

    def _apply(self, wanted: tuple, payload: str) -> None:
        self._pending = False
        state = self.snapshot.state
        if wanted != (state.indicator, state.year, state.lang, state.gap):
            self._refresh()  # the state moved on while they were built: build those it needs now
            return
        self._use(payload)

    def _send(self) -> None:
        state = self.snapshot.state
        self._use(frame_set(self.snapshot.data, state.indicator, state.year, state.lang, state.gap))

    def _use(self, payload: str) -> None:
        key = self._wanted()[1]
        if key == self._sent_key:
            return
        self.holder.data = {"zip": packed(payload)}
        self._sent_key = key
        self._periods = set(json.loads(payload)["frames"])

    def _on_browser_period(self, _attr, _old, new) -> None:
        # The browser drew a period from its frame; the state follows (and finds nothing to send).
        if new and self.draws(new[0]) and int(new[0]) != self.snapshot.state.year:
            self.snapshot.state.year = int(new[0])

    def draws(self, period) -> bool:
        """True when the browser holds the frame of `period` and draws it when it is picked."""
        return str(period) in self._periods and self._sent_key == self._wanted()[1]

    def in_browser(self) -> bool:
        """True when the browser holds the frame of the period shown, and so draws taps itself."""
        return self.draws(self.snapshot.state.year)
    def follow_taps(self, source: ColumnDataSource, clears: bool, card, bars: ColumnDataSource,
                    map_sources: dict[str, ColumnDataSource]) -> None:
        """Show the card of the unit tapped in `source` (map or bars) and outline its bar, in the browser.

        With `clears`, an empty selection shows the hint, as the map's does on the server. A bar
        tapped selects its unit on the map too.
        """
        source.selected.js_on_change("indices", CustomJS(
            args={"source": source, "holder": self.holder, "card": card, "clears": clears,
                  "bars": bars, "maps": map_sources, "selected_line": SELECTED_LINE},
            code=SHOW_TAPPED_JS,
        ))

    def switch_periods(self, controls, choropleth, ranking, card, legend: pn.pane.HTML) -> None:
        """Draw a period picked in `controls`' period widgets in the browser, from its frame."""
        chart = ranking.chart
        args = {
            "holder": self.holder, "maps": choropleth.sources, "bars": chart.source,
            "bars_range": chart.figure.y_range, "x_range": chart.figure.x_range, "ranking": chart.figure,
            "target_line": chart.target_line, "city_line": chart.city_line, "gap_lines": chart.gap_lines,
            "card": card,
            "legend": legend, "note": ranking.note, "selected_line": SELECTED_LINE,
        }
        controls.on_period_js(APPLY_FRAME_JS, args, self.draws)
