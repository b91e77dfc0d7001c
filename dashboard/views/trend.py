"""The trend chart: a unit against the city and the target, over every period.

A unit's line has figures only on the periods of its own map; the city line spans both maps,
and a dotted vertical line marks where the map changed (1 July 2025).
"""

from __future__ import annotations

import html
import math

import holoviews as hv
import numpy as np
import pandas as pd
import param
from bokeh.models import (
    BasicTicker,
    BasicTickFormatter,
    ColumnDataSource,
    CustomJSTickFormatter,
    FixedTicker,
    HoverTool,
    Label,
    Line,
    Range1d,
    Scatter,
    Span,
    Step,
)
from bokeh.plotting import figure

from ..catalogue import Indicator
from ..i18n import t
from ..maps import REFORM_DATE, map_for_period
from ..model.display import trend_frame
from ..model.snapshot import IndicatorSnapshot
from .parts import PartsViewer, text_box
from .ranking import CITY_COLOUR, TARGET_COLOUR

# The district's own line, distinct from the grey city line and the magenta target.
DISTRICT_COLOUR = "#2c7fb8"
# Pixels. Small enough that two indicator blocks of the district profile fit on one A4 page.
CHART_HEIGHT = 210
# Pixels. The map page has one trend chart, under the ranking, and room for a taller one.
EXPLORER_CHART_HEIGHT = 230
MAP_CHANGE_COLOUR = "#6a6a6a"


def map_change_at(periods, frequency: str) -> float | None:
    """Where on the period axis the map changed, or None when all `periods` share one map.

    The reform date itself (mid-2025) when it lies between the last period of the old map and
    the first of the new, as between the terms 2021 and 2026; otherwise halfway between them:
    the annual figure of 2025 already describes the new map (31 December), so the line falls
    between 2024 and 2025.
    """
    periods = sorted(int(p) for p in periods)
    for before, after in zip(periods, periods[1:]):
        if map_for_period(before, frequency) != map_for_period(after, frequency):
            reform = REFORM_DATE.year + (REFORM_DATE.timetuple().tm_yday - 1) / 365
            return reform if before < reform < after else (before + after) / 2
    return None


def tick_formatter(lang: str, suffix: str, integer: bool) -> CustomJSTickFormatter:
    # Axis ticks follow the page language too: 1.234,5 in Vietnamese, 1,234.5 in English.
    # Counts of people or events get no half ticks.
    locale = "vi-VN" if lang == "vi" else "en-GB"
    skip = "if (!Number.isInteger(tick)) return '';" if integer else ""
    return CustomJSTickFormatter(
        code=f"{skip} return tick.toLocaleString('{locale}', {{maximumFractionDigits: 1}})"
        f" + '{suffix}';"
    )


def trend_element(
    frame: pd.DataFrame, indicator: Indicator, district_label: str, lang: str, height: int = CHART_HEIGHT
) -> hv.Overlay:
    """The district (solid), the city (dashed) and the target (magenta) over every period.

    `frame` comes from `model.display.trend_frame`. Periods without a figure are NaN, which
    Bokeh draws as a gap: a missing year is never 0. The map page and the district profile
    both draw their trends with this builder.
    """
    period = hv.Dimension("period", label=t("period", lang))
    ticks = [(int(p), label) for p, label in zip(frame["period"], frame["period_label"])]
    rotate = 40 if len(ticks) > 5 or indicator.frequency == "term" else 0
    common = dict(
        framewise=True,
        responsive=True,
        height=height,
        toolbar=None,
        default_tools=[],
        show_legend=False,
        title="",
        xticks=ticks,
        xrotation=rotate,
        xlabel="",
        fontscale=0.95,
        padding=(0.12, 0.1),
    )

    def series(column: str, label_column: str, name: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "period": frame["period"],
                "value": frame[column],
                "label": frame[label_column],
                "period_label": frame["period_label"],
                "series": name,
            }
        )

    tooltips = [("", "@series"), (t("period", lang), "@period_label"), (t("value", lang), "@label")]
    if indicator.is_boolean:
        value = hv.Dimension("value", label=t("value", lang))
        own = series("district", "district_label", district_label)
        line = hv.Curve(own, period, value).opts(
            color=DISTRICT_COLOUR, line_width=3, interpolation="steps-mid"
        )
        points = hv.Scatter(own, period, [value, "label", "period_label", "series"]).opts(
            color=DISTRICT_COLOUR, size=10, tools=["hover"], hover_tooltips=tooltips
        )
        return (line * points).opts(
            hv.opts.Curve(default_tools=[]),
            hv.opts.Scatter(default_tools=[]),
            hv.opts.Overlay(
                **common,
                yticks=[(0, t("no", lang)), (1, t("yes", lang))],
                ylim=(-0.3, 1.3),
                ylabel="",
            ),
        )

    unit = "%" if indicator.is_percent else ""
    # Explicit limits: HoloViews pads no upper bound for a single period, which clips its point.
    # A dimension range, unlike ylim, is recomputed for every frame of the DynamicMap.
    highest = pd.concat([frame["district"], frame["city"], frame["target"]]).max()
    top = 1.0 if pd.isna(highest) or highest <= 0 else highest * 1.12
    value = hv.Dimension(
        "value", label=indicator.unit[lang] if indicator.is_count else "%", range=(0, top)
    )
    city_name = t("profile_districts_average" if indicator.is_count else "city", lang)
    target = series("target", "target_label", t("target", lang))
    city = series("city", "city_label", city_name)
    own = series("district", "district_label", district_label)
    vdims = [value, "label", "period_label", "series"]
    # One scatter for both series keeps the Bokeh model small: sixteen charts share a page.
    points = pd.concat(
        [city.assign(colour=CITY_COLOUR, size=6), own.assign(colour=DISTRICT_COLOUR, size=9)]
    )
    layers = [
        hv.Curve(city, period, value).opts(color=CITY_COLOUR, line_width=2, line_dash="dashed"),
        hv.Curve(own, period, value).opts(color=DISTRICT_COLOUR, line_width=3),
        hv.Scatter(points, period, [*vdims, "colour", "size"]).opts(
            color="colour", size="size", tools=["hover"], hover_tooltips=tooltips
        ),
    ]
    if indicator.targets:
        # A target drawn only over the periods it applies to; a mark too, since a target that
        # applies to one term only (2021-2026) is a single point that no line can show.
        layers[:0] = [
            hv.Curve(target, period, value).opts(
                color=TARGET_COLOUR, line_width=2.5, line_dash="dotted"
            ),
            hv.Scatter(target, period, vdims).opts(color=TARGET_COLOUR, marker="dash", size=16),
        ]
    change = map_change_at(frame["period"], indicator.frequency)
    if change is not None:
        layers.append(hv.VLine(change).opts(color=MAP_CHANGE_COLOUR, line_width=1.5, line_dash="dotted"))
    return hv.Overlay(layers).opts(
        hv.opts.Curve(framewise=True, default_tools=[]),
        hv.opts.Scatter(framewise=True, default_tools=[]),
        hv.opts.Overlay(
            **common,
            yformatter=tick_formatter(lang, unit, indicator.is_count),
            ylabel=value.label,
        ),
    )


def chart_key_html(indicator: Indicator, district_label: str, lang: str) -> str:
    """What each line means, as text: the chart itself has no legend to fit on a phone."""
    # Without a district (the map page before a tap) only the city and the target are drawn.
    parts = []
    if district_label:
        parts.append(f'<span class="profile-key profile-key-district">━</span> {html.escape(district_label)}')
    if indicator.is_boolean:
        return '<div class="profile-chart-key">' + "".join(parts) + "</div>"
    city = t("profile_districts_average" if indicator.is_count else "city", lang)
    parts.append(f'<span class="profile-key profile-key-city">╌</span> {city}')
    if any(indicator.target_for(target.year, target.scope) for target in indicator.targets):
        parts.append(f'<span class="profile-key profile-key-target">┈</span> {t("target", lang)}')
    return '<div class="profile-chart-key">' + " &nbsp; ".join(parts) + "</div>"


def trend_columns(
    frame: pd.DataFrame, indicator: Indicator, district_label: str, lang: str
) -> tuple[dict[str, np.ndarray], dict[str, list]]:
    """Line and point columns of the served trend chart, from the same `trend_frame` as `trend_element`."""
    periods = frame["period"].to_numpy(dtype=float)
    lines = {column: frame[column].to_numpy(dtype=float) for column in ("district", "city", "target")}
    lines["period"] = periods
    series = [("district", "district_label", district_label, DISTRICT_COLOUR, 10 if indicator.is_boolean else 9)]
    if not indicator.is_boolean:
        city_name = t("profile_districts_average" if indicator.is_count else "city", lang)
        series.insert(0, ("city", "city_label", city_name, CITY_COLOUR, 6))
    points: dict[str, list] = {key: [] for key in ("period", "value", "label", "period_label", "series",
                                                   "colour", "size")}
    for column, label_column, name, colour, size in series:
        points["period"] += frame["period"].astype(float).tolist()
        points["value"] += frame[column].astype(float).tolist()
        points["label"] += frame[label_column].tolist()
        points["period_label"] += frame["period_label"].tolist()
        points["series"] += [name] * len(frame)
        points["colour"] += [colour] * len(frame)
        points["size"] += [size] * len(frame)
    return lines, points


def trend_top(frame: pd.DataFrame) -> float:
    """Upper limit of the value axis, as `trend_element` sets it."""
    highest = pd.concat([frame["district"], frame["city"], frame["target"]]).max()
    return 1.0 if pd.isna(highest) or highest <= 0 else highest * 1.12


class TrendFigure:
    """The served trend chart: one Bokeh figure per session whose columns and axes are replaced."""

    def __init__(self, lang: str, height: int = EXPLORER_CHART_HEIGHT):
        self.lines = ColumnDataSource({"period": [], "district": [], "city": [], "target": []})
        self.points = ColumnDataSource({key: [] for key in ("period", "value", "label", "period_label", "series",
                                                             "colour", "size")})
        self.figure = figure(
            sizing_mode="stretch_width", height=height, tools="", toolbar_location=None, title=None,
            x_range=Range1d(0, 1), y_range=Range1d(0, 1), css_classes=["trend-figure"],
        )
        self.figure.grid.grid_line_alpha = 0.5
        self.figure.outline_line_color = None
        # Glyphs added as they are: nothing here is selected or muted, and the figure's glyph
        # methods would build a glyph for each of those states too.
        add = self.figure.add_glyph
        self.target_line = add(self.lines, Line(x="period", y="target", line_color=TARGET_COLOUR, line_width=2.5,
                                                line_dash="dotted"))
        self.city_line = add(self.lines, Line(x="period", y="city", line_color=CITY_COLOUR, line_width=2,
                                              line_dash="dashed"))
        self.district_line = add(self.lines, Line(x="period", y="district", line_color=DISTRICT_COLOUR,
                                                  line_width=3))
        self.district_steps = add(self.lines, Step(x="period", y="district", mode="center",
                                                   line_color=DISTRICT_COLOUR, line_width=3))
        dots = add(self.points, Scatter(x="period", y="value", size="size", fill_color="colour",
                                        line_color="colour"))
        self.hover = HoverTool(renderers=[dots], tooltips=self._tooltips(lang))
        self.figure.add_tools(self.hover)
        self._value_ticker = BasicTicker()
        self._answer_ticker = FixedTicker(ticks=[0, 1])
        self.figure.xaxis[0].ticker = FixedTicker(ticks=[])
        self._formatter_key: tuple | None = None
        # Where the 30 districts gave way to the 126 communes and wards; hidden when no period
        # on each side is drawn.
        self.map_change = Span(dimension="height", location=0, line_color=MAP_CHANGE_COLOUR, line_width=1.5,
                               line_dash="dotted", visible=False)
        # Left of the line: the line sits near the latest periods, on the right edge of the chart.
        self.map_change_label = Label(x=0, y=0, y_units="screen", y_offset=4, x_offset=-3, text="",
                                      text_align="right",
                                      text_font_size="8.5pt", text_color=MAP_CHANGE_COLOUR, visible=False,
                                      css_classes=["map-change-label"])
        self.figure.add_layout(self.map_change)
        self.figure.add_layout(self.map_change_label)

    @staticmethod
    def _tooltips(lang: str) -> list[tuple[str, str]]:
        return [("", "@series"), (t("period", lang), "@period_label"), (t("value", lang), "@label")]

    def update(self, frame: pd.DataFrame, indicator: Indicator, district_label: str, lang: str) -> None:
        """Replace lines, points and axes; only changed properties travel to the browser."""
        lines, points = trend_columns(frame, indicator, district_label, lang)
        self.lines.data = lines
        self.points.data = points
        boolean = indicator.is_boolean
        self.target_line.visible = not boolean and bool(indicator.targets)
        self.city_line.visible = not boolean
        self.district_line.visible = not boolean
        self.district_steps.visible = boolean
        periods = [int(p) for p in frame["period"]]
        low, high = (min(periods), max(periods)) if periods else (0, 1)
        pad = (high - low) * 0.12 or 0.5
        self.figure.x_range.update(start=low - pad, end=high + pad)
        xaxis, yaxis = self.figure.xaxis[0], self.figure.yaxis[0]
        xaxis.ticker.ticks = periods
        xaxis.major_label_overrides = {p: label for p, label in zip(periods, frame["period_label"])}
        xaxis.major_label_orientation = math.radians(40) if len(periods) > 5 or indicator.frequency == "term" \
            else "horizontal"
        self.hover.tooltips = self._tooltips(lang)
        change = map_change_at(periods, indicator.frequency)
        self.map_change.update(visible=change is not None, location=change or 0)
        self.map_change_label.update(visible=change is not None, x=change or 0, text=t("map_changed", lang))
        if boolean:
            self.figure.y_range.update(start=-0.3, end=1.3)
            yaxis.update(ticker=self._answer_ticker, axis_label="",
                         major_label_overrides={0: t("no", lang), 1: t("yes", lang)})
            key = ("answer",)
            if key != self._formatter_key:
                yaxis.formatter = BasicTickFormatter()
        else:
            self.figure.y_range.update(start=0, end=trend_top(frame))
            label = indicator.unit[lang] if indicator.is_count else "%"
            yaxis.update(ticker=self._value_ticker, axis_label=label, major_label_overrides={})
            key = (lang, "%" if indicator.is_percent else "", indicator.is_count)
            if key != self._formatter_key:
                yaxis.formatter = tick_formatter(*key)
        self._formatter_key = key


class TrendView(PartsViewer):
    """Trend of the selected unit against the city, updated in place."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to draw.")

    def __init__(self, **params):
        super().__init__(**params)
        state = self.snapshot.state
        self.chart = TrendFigure(state.lang)
        self._redraw()
        self._title = text_box(self._title_html, [(self.snapshot, ["display"]), (state, ["district"])],
                               styled=("trend-title", "profile-chart-key", "profile-key"), margin=(0, 10, 0, 10))
        self.snapshot.param.watch(self._redraw, ["display"])
        state.param.watch(self._redraw, ["district"])

    def _district_name(self, display: pd.DataFrame, code: str) -> str:
        names = display.loc[display["code"] == code, "name"]
        return names.iloc[0] if len(names) else ""

    def _redraw(self, *_events) -> None:
        snapshot = self.snapshot
        district = snapshot.state.district
        # Every period is drawn already: a new period alone changes nothing here, so nothing is sent.
        key = (snapshot.indicator.id, district, snapshot.state.lang, snapshot.state.data_version)
        if key == getattr(self, "_drawn", None):
            return
        self._drawn = key
        frame = trend_frame(snapshot.data, snapshot.indicator, district, snapshot.state.lang)
        self.chart.update(frame, snapshot.indicator, self._district_name(snapshot.display, district),
                          snapshot.state.lang)

    def _title_html(self) -> str:
        snapshot = self.snapshot
        lang = snapshot.state.lang
        key = chart_key_html(snapshot.indicator, self._district_name(snapshot.display, snapshot.state.district), lang)
        return f'<div class="trend-title"><b>{t("trend_title", lang)}</b>{key}</div>'

    @property
    def parts(self) -> tuple:
        return (self._title, self.chart.figure)
