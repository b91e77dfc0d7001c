"""The district profile's served trend chart: one Bokeh plot per indicator, reused for every district.

`views.trend.trend_element` draws the same lines through HoloViews for notebooks and exports;
both take their columns from `model.display.trend_frame`, so screen and exports agree. Here
the plot, its glyphs and its one source are made once per session; a district or language
change only replaces column data, tick labels and texts, never a Bokeh model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from bokeh.models import (
    CDSView,
    ColumnDataSource,
    FixedTicker,
    GlyphRenderer,
    HoverTool,
    Line,
    LinearAxis,
    Plot,
    Range1d,
    Scatter,
    Step,
)

from ..catalogue import Indicator
from ..i18n import t, t_map
from ..maps import DISTRICT_MAP, AdministrativeMap
from .ranking import CITY_COLOUR, TARGET_COLOUR
from .trend import CHART_HEIGHT, DISTRICT_COLOUR, tick_formatter

# The source's columns: `trend_frame`'s, with the values as floats (NaN where there is no
# figure) and `series`, the district's name on every row, which its hover shows.
CHART_COLUMNS = (
    "period",
    "period_label",
    "district",
    "district_label",
    "series",
    "city",
    "city_label",
    "target",
    "target_label",
)
# Fraction of the period span left free at either end, as `trend_element` pads its x axis,
# so the first and last points are not cut in half by the frame.
X_PADDING = 0.12
# Degrees. Long or many period labels (council terms, yearly series) are tilted to fit.
X_ROTATION = 40
# Yes/no answers are drawn at 0 and 1 with room for the points above and below.
BOOLEAN_RANGE = (-0.3, 1.3)
# Pixel sizes of the points: the district's stand out from the city's.
CITY_POINT_SIZE = 6
DISTRICT_POINT_SIZE = 9
BOOLEAN_POINT_SIZE = 10
# Axis text a little smaller than Bokeh's default, as the HoloViews chart draws it.
TICK_FONT_SIZE = "10.5pt"


def chart_columns(frame: pd.DataFrame, district_label: str) -> dict[str, list]:
    """The chart's column data for `frame` (from `trend_frame`) and the district's name.

    Missing figures stay NaN, which Bokeh draws as a gap, never as 0.
    """
    columns = {column: frame[column].tolist() for column in CHART_COLUMNS if column != "series"}
    for column in ("period", "district", "city", "target"):
        columns[column] = frame[column].astype(float).tolist()
    columns["series"] = [district_label] * len(frame)
    return columns


@dataclass(frozen=True)
class ChartData:
    """What a chart draws for one unit: its column data and the axis that fits them.

    Made once per unit, indicator, language and data version and shared by every session
    (`pages.district`): it must not be modified.
    """

    columns: dict[str, list]
    periods: tuple[int, ...]
    period_labels: tuple[str, ...]
    top: float


def chart_data(frame: pd.DataFrame, district_label: str) -> ChartData:
    """`frame` (from `trend_frame`) for `district_label`, as the chart draws it."""
    return ChartData(
        columns=chart_columns(frame, district_label),
        periods=tuple(int(p) for p in frame["period"]),
        period_labels=tuple(frame["period_label"]),
        top=value_top(frame),
    )


def value_top(frame: pd.DataFrame) -> float:
    """Upper end of the value axis: room above the highest line, and 1 when nothing is drawn.

    Explicit, as in `trend_element`: a single period has no spread to pad.
    """
    highest = pd.concat([frame["district"], frame["city"], frame["target"]]).max()
    return 1.0 if pd.isna(highest) or highest <= 0 else float(highest) * 1.12


def period_range(periods: list[int]) -> tuple[float, float]:
    """The x extent: every period with a little room on both sides."""
    if not periods:
        return (0.0, 1.0)
    low, high = min(periods), max(periods)
    pad = (high - low) * X_PADDING if high > low else 0.5
    return (low - pad, high + pad)


def city_series_name(indicator: Indicator, lang: str, admin_map: AdministrativeMap | None = None) -> str:
    """Counts compare with the average unit of the map (district, or commune and ward), every
    other kind with the whole city."""
    if not indicator.is_count:
        return t("city", lang)
    return t_map("profile_districts_average", lang, (admin_map or DISTRICT_MAP).id)


def hover_tooltips(series: str, value_column: str, lang: str) -> list[tuple[str, str]]:
    """Series name (a column reference or plain text), period and formatted value."""
    return [("", series), (t("period", lang), "@period_label"), (t("value", lang), f"@{value_column}")]


class ProfileChart:
    """The trend of one indicator for the profile's district, against the city and the target.

    Yes/no indicators draw only the district's answer: their city value is a share of
    districts and compares nothing on the same axis.
    """

    def __init__(self, indicator: Indicator, lang: str, height: int = CHART_HEIGHT):
        self.indicator = indicator
        self._lang = lang
        self._map = DISTRICT_MAP
        self.source = ColumnDataSource({column: [] for column in CHART_COLUMNS})
        self.x_range = Range1d(0, 1)
        self.y_range = Range1d(*BOOLEAN_RANGE) if indicator.is_boolean else Range1d(0, 1)
        # A bare Plot rather than bokeh.plotting.figure: no grid, title, tools or per-glyph
        # selection copies, which sixteen charts a session would otherwise build and send.
        self.figure = Plot(
            height=height, sizing_mode="stretch_width", x_range=self.x_range, y_range=self.y_range,
            toolbar_location=None, title=None, outline_line_color=None,
            min_border_left=8, min_border_right=12, min_border_top=8, min_border_bottom=8,
        )
        self._x_ticker = FixedTicker(ticks=[])
        self.figure.add_layout(LinearAxis(ticker=self._x_ticker, major_label_text_font_size=TICK_FONT_SIZE),
                               "below")
        self._y_axis = LinearAxis(major_label_text_font_size=TICK_FONT_SIZE, axis_label_text_font_style="normal")
        self.figure.add_layout(self._y_axis, "left")
        self._view = CDSView()
        if indicator.is_boolean:
            self._y_axis.ticker = FixedTicker(ticks=[0, 1])
            self._add(Step(x="period", y="district", mode="center", line_color=DISTRICT_COLOUR, line_width=3))
            own = self._add(Scatter(x="period", y="district", size=BOOLEAN_POINT_SIZE,
                                    fill_color=DISTRICT_COLOUR, line_color=DISTRICT_COLOUR))
            self._city_hover = None
        else:
            self._y_formatter = tick_formatter(lang, self._unit(), indicator.is_count)
            self._y_axis.formatter = self._y_formatter
            if indicator.targets:
                self._add(Line(x="period", y="target", line_color=TARGET_COLOUR, line_width=2.5,
                               line_dash="dotted"))
            self._add(Line(x="period", y="city", line_color=CITY_COLOUR, line_width=2, line_dash="dashed"))
            self._add(Line(x="period", y="district", line_color=DISTRICT_COLOUR, line_width=3))
            city = self._add(Scatter(x="period", y="city", size=CITY_POINT_SIZE, fill_color=CITY_COLOUR,
                                     line_color=CITY_COLOUR))
            own = self._add(Scatter(x="period", y="district", size=DISTRICT_POINT_SIZE,
                                    fill_color=DISTRICT_COLOUR, line_color=DISTRICT_COLOUR))
            self._city_hover = HoverTool(renderers=[city])
            self.figure.add_tools(self._city_hover)
        self._own_hover = HoverTool(renderers=[own])
        self.figure.add_tools(self._own_hover)
        self._relabel(lang, force=True)

    def _add(self, glyph) -> GlyphRenderer:
        renderer = GlyphRenderer(data_source=self.source, view=self._view, glyph=glyph)
        self.figure.renderers.append(renderer)
        return renderer

    def _unit(self) -> str:
        return "%" if self.indicator.is_percent else ""

    def update(self, frame: pd.DataFrame, district_label: str, lang: str,
               admin_map: AdministrativeMap | None = None) -> None:
        """Draw `frame` (from `trend_frame`) for `district_label` on `admin_map` (default: the
        districts); only data and labels change."""
        self.draw(chart_data(frame, district_label), lang, admin_map)

    def draw(self, data: ChartData, lang: str, admin_map: AdministrativeMap | None = None) -> None:
        """Draw `data` on `admin_map` (default: the districts); only data and labels change, and
        Bokeh sends only the values that differ from what the chart shows."""
        indicator = self.indicator
        # A copy of the shared mapping; the lists in it are only read.
        self.source.data = dict(data.columns)
        periods = list(data.periods)
        self.x_range.update(**dict(zip(("start", "end"), period_range(periods))))
        self._x_ticker.ticks = periods
        axis = self.figure.below[0]
        axis.major_label_overrides = dict(zip(periods, data.period_labels))
        tilted = len(periods) > 5 or indicator.frequency == "term"
        axis.major_label_orientation = math.radians(X_ROTATION) if tilted else "horizontal"
        if not indicator.is_boolean:
            self.y_range.end = data.top
        admin_map = admin_map or DISTRICT_MAP
        self._relabel(lang, force=admin_map is not self._map, admin_map=admin_map)

    def clear(self) -> None:
        """Draw nothing: the chart of a block the unit shown does not have."""
        self.source.data = {column: [] for column in CHART_COLUMNS}

    def _relabel(self, lang: str, force: bool = False, admin_map: AdministrativeMap | None = None) -> None:
        if lang == self._lang and not force:
            return
        self._map = admin_map = admin_map or self._map
        indicator = self.indicator
        self._own_hover.tooltips = hover_tooltips("@series", "district_label", lang)
        if indicator.is_boolean:
            self._y_axis.major_label_overrides = {0: t("no", lang), 1: t("yes", lang)}
        else:
            self._city_hover.tooltips = hover_tooltips(city_series_name(indicator, lang, admin_map), "city_label",
                                                       lang)
            self._y_axis.axis_label = indicator.unit[lang] if indicator.is_count else "%"
            if lang != self._lang:
                # A new language is rare: a throwaway formatter, never attached, gives its code.
                self._y_formatter.code = tick_formatter(lang, self._unit(), indicator.is_count).code
        self._lang = lang
