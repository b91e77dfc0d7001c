"""The ranking chart: units sorted by value, with the target and the city value drawn.

On a map of many units (the 126 communes and wards) it shows the best and worst ten and the
selected unit; the table view holds the full list.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.core.properties import field
from bokeh.models import ColumnDataSource, FactorRange, HBar, HoverTool, Range1d, Span, TapTool
from bokeh.plotting import figure

from ..catalogue import Indicator, Target
from ..data import CityValue
from ..i18n import format_number, format_period, format_ratio, format_value, sentence_case, t, t_map, unit_noun
from ..maps import COMMUNE_MAP, DISTRICT_MAP, MAPS
from ..model.cells import city_line_value
from ..model.councils import lacking_data, without_council
from ..model.rank import ranked
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import no_target_text, target_text
from .columns import update_columns
from .parts import PartsViewer, text_box

BAR_COLUMNS = ["value_label", "ratio", "status_label", "color", "line", "width", "code"]
TARGET_COLOUR = "#c2185b"
CITY_COLOUR = "#444444"
SELECTED_LINE = "#111111"
BAR_HEIGHT_PX = 19
# Above this many ranked units a full ranking is too tall to read (126 bars are 2.4 m of
# screen) and too heavy to send; the 30 districts stay whole.
CUT_ABOVE = 40
# Bars kept at each end of a cut ranking: with the selected unit at most 21, one phone screen.
CUT_KEEP = 10
# Above this many units without data the note gives their number, not their names.
MISSING_NAMES_MAX = 12
GAP_COLOUR = "#555555"


def display_map_id(display: pd.DataFrame) -> str:
    """The map whose units `display` lists, told by the length of its codes (3 or 5 digits)."""
    codes = display["code"].tolist()
    return next((m.id for m in MAPS.values() if codes and m.accepts_code(codes[0])), DISTRICT_MAP.id)


def ranking_cut(rows: pd.DataFrame, selected_code: str = "", keep: int = CUT_KEEP,
                above: int = CUT_ABOVE) -> pd.DataFrame:
    """The rows a ranking shows, in the order given (`ranking_rows`, best last).

    Up to `above` rows, all of them; beyond, the first and last `keep` and the selected unit
    wherever it ranks. The one rule for the screen and the exports.
    """
    if len(rows) <= above:
        return rows
    positions = {*range(keep), *range(len(rows) - keep, len(rows))}
    positions.update(int(i) for i in np.flatnonzero(rows["code"].to_numpy() == selected_code))
    return rows.iloc[sorted(positions)]


def is_cut(display: pd.DataFrame) -> bool:
    """True when the ranking of `display` leaves units out (see `ranking_cut`)."""
    return int(display["value"].notna().sum()) > CUT_ABOVE


def cut_gaps(shown: pd.DataFrame, rows: pd.DataFrame) -> list[int]:
    """Where ranks are skipped between drawn bars: bar positions (0 lowest) that a gap line sits under."""
    place = {code: i for i, code in enumerate(rows["code"])}
    order = [place[code] for code in shown["code"]]
    return [i for i in range(1, len(order)) if order[i] - order[i - 1] > 1]


def ranking_rows(display: pd.DataFrame, indicator: Indicator, selected_code: str = "") -> pd.DataFrame:
    """The bars in drawing order (best last), with outline and bar length: one rule for screen and export."""
    return ranked(display, indicator).assign(
        line=lambda frame: [SELECTED_LINE if code == selected_code else "white" for code in frame["code"]],
        width=lambda frame: [3 if code == selected_code else 0.5 for code in frame["code"]],
        length=lambda frame: 1.0 if indicator.kind == "boolean" else frame["value"],
    )


def ranking_lines(indicator: Indicator, target: Target | None, city: CityValue | None,
                  map_id: str) -> tuple[float | None, float | None]:
    """Where the target and the city lines stand, None for a line not drawn: a ranking of
    numbers draws both where they exist (for counts, the city's average per unit: `city_line_value`),
    one of yes/no answers neither. One rule for the live chart, the browser's frames, the exports
    and the first view."""
    if indicator.kind == "boolean":
        return None, None
    city_at = city_line_value(city, indicator, MAPS[map_id].unit_count)
    return (float(target.value) if target is not None else None,
            None if city_at is None else float(city_at))


def ranking_value_label(indicator: Indicator, lang: str) -> str:
    """Title of the value axis."""
    return indicator.short_name[lang] + (" (%)" if indicator.kind == "percent" else "")


def ranking_height(rows: int) -> int:
    """Pixels: one bar row per district, never shorter than a readable chart."""
    return max(260, BAR_HEIGHT_PX * rows + 70)


def shown_height(shown: int, ranked: int) -> int:
    """Pixels of a ranking showing `shown` of `ranked` bars: a cut ranking always keeps room for the
    selected unit, so that a tap outside the cut moves no layout (a change of height re-lays the page)."""
    return ranking_height(2 * CUT_KEEP + 1 if ranked > CUT_ABOVE else shown)


def ranking_tooltips(lang: str, map_id: str = DISTRICT_MAP.id) -> list[tuple[str, str]]:
    """What hovering a bar shows, on screen and in the HTML export alike."""
    return [(unit_noun(map_id, lang), "@{name}"), (t("value", lang), "@{value_label}"),
            ("n/N", "@{ratio}"), (t("status", lang), "@{status_label}")]


def ranking_element(
    display: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    selected_code: str = "",
    city: CityValue | None = None,
    target: Target | None = None,
) -> hv.Overlay:
    """Horizontal bars of the units with data (cut by `ranking_cut`), plus target and city lines;
    named in the words of the map whose units `display` lists."""
    map_id = display_map_id(display)
    ranked_rows = ranking_rows(display, indicator, selected_code)
    rows = ranking_cut(ranked_rows, selected_code)
    value_label = ranking_value_label(indicator, lang)
    # Dimension names and labels stay fixed across indicators and languages: HoloViews keys
    # the ranges of a DynamicMap by them. Axis titles are set as plot options instead.
    bars = hv.Bars(rows, kdims=["name"], vdims=["length", *BAR_COLUMNS]).opts(
        invert_axes=True,
        xlabel=unit_noun(map_id, lang),  # with inverted axes, xlabel names the unit axis
        ylabel=value_label,
        tools=["tap", "hover"],
        active_tools=["tap"],
        default_tools=["reset"],
        hover_tooltips=ranking_tooltips(lang, map_id),
        nonselection_alpha=1.0,
        responsive=True,
        height=shown_height(len(rows), len(ranked_rows)),
        xaxis=None if indicator.kind == "boolean" else "bottom",
        toolbar=None,
        title="",
        fontsize={"xticks": "10pt", "yticks": "10pt"},
        ylim=(0, 1) if indicator.kind == "boolean" else (None, None),
    )
    if len(rows):
        # Styling by column needs at least one row to map over.
        bars = bars.opts(color="color", line_color="line", line_width="width")
    overlay = hv.Overlay([bars])
    target_at, city_at = ranking_lines(indicator, target, city, map_id)
    if target_at is not None:
        overlay *= hv.HLine(target_at).opts(color=TARGET_COLOUR, line_width=2.5)
    if city_at is not None:
        overlay *= hv.HLine(city_at).opts(color=CITY_COLOUR, line_width=2, line_dash="dashed")
    return overlay.opts(shared_axes=False)


def ranking_note_html(
    display: pd.DataFrame, indicator: Indicator, period: int, lang: str,
    city: CityValue | None, target: Target | None,
) -> str:
    """What the lines mean, the city value with n/N, and which units have no data.

    When the ranking is cut, it first says so and where the full list is.
    """
    parts = []
    if is_cut(display):
        reporting = int(display["value"].notna().sum())
        # Yes/no answers have no top and bottom: the bars are the first and last in answer order.
        key = "ranking_cut_answers" if indicator.is_boolean else "ranking_cut"
        parts.append(f'<span class="ranking-cut">{t(key, lang).format(keep=CUT_KEEP, count=reporting)}</span>')
    if city is not None:
        ratio = format_ratio(city.numerator, city.denominator, lang)
        city_text = format_value(city.value, "percent" if indicator.kind == "boolean" else indicator.kind, lang)
        map_id = display_map_id(display)
        with_yes = "communes_with_yes" if map_id == COMMUNE_MAP.id else "districts_with_yes"
        yes_text = f" {t(with_yes, lang)}" if indicator.kind == "boolean" else ""
        when = html.escape(format_period(period, indicator.frequency, lang))
        average = city_line_value(city, indicator, MAPS[map_id].unit_count) if indicator.is_count else None
        if average is not None:
            # The line of a count is the average per unit; the city total, which dwarfs every bar, is said.
            parts.append(
                f'<span class="line-key city">- -</span> {t_map("profile_districts_average", lang, map_id)} '
                f'{when}: <b>{format_number(average, lang, 1 if average < 100 else 0)}</b>'
                f' ({t("city_value", lang)}: {city_text}) · {t("status_" + city.status, lang)}'
            )
        else:
            parts.append(
                f'<span class="line-key city">- -</span> {t("city_value", lang)} {when}: '
                f'<b>{city_text}</b>{f" ({ratio}{yes_text})" if ratio else ""}'
                f' · {t("status_" + city.status, lang)}'
            )
    if target is not None:
        parts.append(
            f'<span class="line-key target">—</span> {t("target", lang)}: '
            f'<b>{target_text(target, indicator, lang)}</b> '
            f'({target.year}) · {t("basis", lang)}: {html.escape(target.basis[lang])}'
        )
    else:
        parts.append(f'{t("target", lang)}: {no_target_text(indicator, lang)}')
    missing = display.loc[lacking_data(display), "name"].tolist()  # one column: the frame is wide
    if missing:
        parts.append(f'<i>{t("no_data", lang).capitalize()}:</i> {_names_or_count(missing, lang)}')
    no_council = display.loc[without_council(display), "name"].tolist()
    if no_council:
        parts.append(f'<i>{sentence_case(t("status_no_council", lang))}:</i> {_names_or_count(no_council, lang)}')
    return '<div class="ranking-note">' + "<br>".join(parts) + "</div>"


def _names_or_count(names: list[str], lang: str) -> str:
    """A few names in full; many as their number, which the table view lists."""
    if len(names) <= MISSING_NAMES_MAX:
        return html.escape(", ".join(names))
    return t("ranking_units_count", lang).format(count=len(names))


def ranking_columns(rows: pd.DataFrame) -> dict[str, list]:
    """The bar source's columns for the rows of `ranking_rows`."""
    return {column: rows[column].tolist() for column in ["name", "length", *BAR_COLUMNS]}


def value_range(rows: pd.DataFrame, indicator: Indicator, lines: list[float]) -> tuple[float, float]:
    """Value axis limits: from zero (or the lowest value) to the longest bar or line, padded."""
    if indicator.kind == "boolean":
        return 0.0, 1.0
    values = [*rows["length"].dropna().tolist(), *lines]
    if not values:
        return 0.0, 1.0
    low, high = min(0.0, min(values)), max(0.0, max(values))
    pad = (high - low) * 0.05 or 1.0
    return (low - pad if low < 0 else 0.0), high + pad


class RankingFigure:
    """The served ranking: one Bokeh figure per session whose data, factors and lines are replaced.

    Built from `ranking_rows`, like `ranking_element`, so the screen and the exports agree.
    """

    def __init__(self, lang: str):
        self.source = ColumnDataSource({column: [] for column in ["name", "length", *BAR_COLUMNS]})
        self.figure = figure(
            y_range=FactorRange(factors=[]), x_range=Range1d(0, 1), sizing_mode="stretch_width",
            height=ranking_height(0), tools="", toolbar_location=None, min_border_left=8, title=None,
            css_classes=["ranking-figure"],
        )
        self.figure.grid.visible = False
        self.figure.outline_line_color = None
        for axis in (self.figure.xaxis, self.figure.yaxis):
            axis.major_label_text_font_size = "10pt"
        # A tapped bar looks as it did (the browser draws selected and other bars with the glyph
        # itself): its outline, a column, marks the selected unit. Nothing is muted.
        renderer = self.figure.add_glyph(
            self.source, HBar(y="name", right="length", height=0.8, fill_color=field("color"),
                              line_color=field("line"), line_width=field("width")),
            selection_glyph=None, nonselection_glyph=None, muted_glyph=None,
        )
        self.tap = TapTool(renderers=[renderer])
        self.hover = HoverTool(renderers=[renderer], tooltips=ranking_tooltips(lang))
        self.figure.add_tools(self.tap, self.hover)
        self.figure.toolbar.active_tap = self.tap
        self.target_line = Span(dimension="height", location=0, line_color=TARGET_COLOUR, line_width=2.5,
                                visible=False)
        self.city_line = Span(dimension="height", location=0, line_color=CITY_COLOUR, line_width=2,
                              line_dash="dashed", visible=False)
        self.figure.add_layout(self.target_line)
        self.figure.add_layout(self.city_line)
        # Where a cut ranking skips ranks (see `ranking_cut`): at most two places, around the
        # selected unit in the middle.
        self.gap_lines = [Span(dimension="width", location=0, line_color=GAP_COLOUR, line_width=2,
                               line_dash="dashed", visible=False) for _ in range(2)]
        for span in self.gap_lines:
            self.figure.add_layout(span)

    def update(self, rows: pd.DataFrame, indicator: Indicator, lang: str,
               city: CityValue | None, target: Target | None, map_id: str = DISTRICT_MAP.id,
               gaps: list[int] = (), ranked: int | None = None) -> None:
        """Replace bars, factors, axis and lines; only changed properties travel to the browser.

        `gaps` are bar positions (0 lowest) below which ranks were left out; `ranked` is the number
        of units ranked, of which `rows` are shown (all, by default).
        """
        target_at, city_at = ranking_lines(indicator, target, city, map_id)
        self.target_line.update(visible=target_at is not None, location=target_at or 0)
        self.city_line.update(visible=city_at is not None, location=city_at or 0)
        start, end = value_range(rows, indicator, [at for at in (target_at, city_at) if at is not None])
        self.figure.x_range.update(start=start, end=end)
        names = rows["name"].tolist()
        if list(self.figure.y_range.factors) != names:
            # Factors first: a bar whose name is not yet a factor would be drawn nowhere.
            self.figure.y_range.factors = names
        # Only changed columns travel: after a period drawn in the browser, none.
        update_columns(self.source, ranking_columns(rows))
        if self.source.selected.indices:
            # Bars are reordered: a later tap on the same position must still count as a tap.
            self.source.selected.indices = []
        self.figure.height = shown_height(len(rows), len(rows) if ranked is None else ranked)
        self.figure.xaxis.visible = indicator.kind != "boolean"
        self.figure.xaxis.axis_label = ranking_value_label(indicator, lang)
        self.figure.yaxis.axis_label = unit_noun(map_id, lang)
        self.hover.tooltips = ranking_tooltips(lang, map_id)
        for i, span in enumerate(self.gap_lines):
            shown = i < len(gaps)
            # Factor i spans [i, i + 1] on the categorical axis: a gap below bar i sits at i.
            span.update(visible=shown, location=gaps[i] if shown else 0)


class RankingView(PartsViewer):
    """The linked ranking chart; tapping a bar selects that unit everywhere."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to draw.")
    browser_tap = param.Callable(default=None, doc="Told of a tap the browser has already shown.")

    def __init__(self, **params):
        super().__init__(**params)
        state = self.snapshot.state
        self._bar_codes: list[str] = []
        # Set by the district card: True while the views hear of a tap the browser has drawn.
        self.tap_drawn_in_browser: Callable[[], bool] | None = None
        self.chart = RankingFigure(state.lang)
        self._redraw()
        self.chart.source.selected.on_change("indices", self._on_tap)
        # The ranking note, which a period drawn in the browser rewrites.
        self.note = text_box(self._note_html, [(self.snapshot, ["display"])], styled=("ranking-", "line-key"))
        self.snapshot.param.watch(self._redraw, ["display"])
        state.param.watch(self._redraw, ["district"])

    def _redraw(self, *events) -> None:
        snapshot = self.snapshot
        selected = snapshot.state.district
        rows = ranking_rows(snapshot.display, snapshot.indicator, selected)
        shown = ranking_cut(rows, selected)
        self._bar_codes = shown["code"].tolist()
        tap_drawn = self.tap_drawn_in_browser
        if events and events[0].name == "district" and tap_drawn is not None and tap_drawn():
            # The browser drew the tapped unit's bars itself (outline, or the cut around a unit the
            # plain cut leaves out), from the same rule; its models reach the server after.
            return
        self.chart.update(shown, snapshot.indicator, snapshot.state.lang, snapshot.city, snapshot.target,
                          snapshot.map.id, cut_gaps(shown, rows), len(rows))

    def _note_html(self) -> str:
        snapshot = self.snapshot
        return ranking_note_html(snapshot.display, snapshot.indicator, snapshot.state.year, snapshot.state.lang,
                                 snapshot.city, snapshot.target)

    @pn.io.hold()
    def _on_tap(self, _attr, _old, new) -> None:
        if new and new[0] < len(self._bar_codes):
            code = self._bar_codes[new[0]]
            if self.browser_tap is not None and code != self.snapshot.state.district:
                self.browser_tap(code)
            self.snapshot.state.district = code

    @property
    def parts(self) -> tuple:
        return (self.chart.figure, self.note)
