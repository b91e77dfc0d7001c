"""The district profile's served trend chart: one Bokeh figure per indicator, reused for every district.

`views.trend.trend_element` draws the same lines through HoloViews for notebooks and exports;
both take their columns from `model.display.trend_frame`, so screen and exports agree. Here
the figure, its glyphs and its sources are made once per session; a district or language
change only replaces column data, tick labels and texts, never a Bokeh model.
"""

from __future__ import annotations

import math

import pandas as pd
from bokeh.models import ColumnDataSource, FixedTicker, HoverTool, Range1d
from bokeh.plotting import figure

from ..catalogue import Indicator
from ..i18n import t
from .ranking import CITY_COLOUR, TARGET_COLOUR
from .trend import CHART_HEIGHT, DISTRICT_COLOUR, tick_formatter

# Columns of every source: the hover reads `series`, `period_label` and `label`.
SERIES_COLUMNS = ("period", "value", "label", "period_label", "series")
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


def _series(frame: pd.DataFrame, column: str, label_column: str, name: str) -> dict[str, list]:
    return {
        "period": frame["period"].astype(float).tolist(),
        "value": frame[column].astype(float).tolist(),
        "label": frame[label_column].tolist(),
        "period_label": frame["period_label"].tolist(),
        "series": [name] * len(frame),
    }


def chart_columns(frame: pd.DataFrame, indicator: Indicator, district_label: str, lang: str) -> dict[str, dict]:
    """{source name: column data} of the chart for `frame` (from `trend_frame`).

    'district' and 'points' always; 'city' and 'target' unless the indicator is yes/no, whose
    city value is a share of districts and compares nothing on the same axis. Missing figures
    stay NaN, which Bokeh draws as a gap, never as 0.
    """
    own = _series(frame, "district", "district_label", district_label)
    if indicator.is_boolean:
        return {"district": own, "points": {**own, "colour": [DISTRICT_COLOUR] * len(frame),
                                            "size": [BOOLEAN_POINT_SIZE] * len(frame)}}
    city_name = t("profile_districts_average" if indicator.is_count else "city", lang)
    city = _series(frame, "city", "city_label", city_name)
    target = _series(frame, "target", "target_label", t("target", lang))
    # One scatter for both series keeps the document small: sixteen charts share a page.
    points = {column: city[column] + own[column] for column in SERIES_COLUMNS}
    points["colour"] = [CITY_COLOUR] * len(frame) + [DISTRICT_COLOUR] * len(frame)
    points["size"] = [CITY_POINT_SIZE] * len(frame) + [DISTRICT_POINT_SIZE] * len(frame)
    return {"target": target, "city": city, "district": own, "points": points}


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


def hover_tooltips(lang: str) -> list[tuple[str, str]]:
    return [("", "@series"), (t("period", lang), "@period_label"), (t("value", lang), "@label")]


class ProfileChart:
    """The trend of one indicator for the profile's district, against the city and the target."""

    def __init__(self, indicator: Indicator, lang: str, height: int = CHART_HEIGHT):
        self.indicator = indicator
        self._lang = lang
        self.x_range = Range1d(0, 1)
        self.y_range = Range1d(*BOOLEAN_RANGE) if indicator.is_boolean else Range1d(0, 1)
        self.figure = figure(
            height=height, sizing_mode="stretch_width", x_range=self.x_range, y_range=self.y_range,
            tools="", toolbar_location=None, min_border_left=8, min_border_right=12, min_border_top=8,
            outline_line_color=None, css_classes=["profile-chart-figure"],
        )
        plot = self.figure
        plot.grid.visible = False
        self._x_ticker = FixedTicker(ticks=[])
        plot.xaxis.ticker = self._x_ticker
        plot.yaxis.axis_label_text_font_style = "normal"
        empty = {column: [] for column in SERIES_COLUMNS}
        self.sources = {"district": ColumnDataSource(dict(empty)),
                        "points": ColumnDataSource({**empty, "colour": [], "size": []})}
        if indicator.is_boolean:
            plot.yaxis.ticker = FixedTicker(ticks=[0, 1])
            plot.step("period", "value", source=self.sources["district"], mode="center",
                      color=DISTRICT_COLOUR, line_width=3)
        else:
            self.sources["target"] = ColumnDataSource(dict(empty))
            self.sources["city"] = ColumnDataSource(dict(empty))
            if indicator.targets:
                plot.line("period", "value", source=self.sources["target"], color=TARGET_COLOUR,
                          line_width=2.5, line_dash="dotted")
            plot.line("period", "value", source=self.sources["city"], color=CITY_COLOUR, line_width=2,
                      line_dash="dashed")
            plot.line("period", "value", source=self.sources["district"], color=DISTRICT_COLOUR, line_width=3)
            self._y_formatter = tick_formatter(lang, "%" if indicator.is_percent else "", indicator.is_count)
            plot.yaxis.formatter = self._y_formatter
        points = plot.scatter("period", "value", source=self.sources["points"], color="colour", size="size")
        self.hover = HoverTool(renderers=[points], tooltips=hover_tooltips(lang))
        plot.add_tools(self.hover)
        self._relabel(lang)

    def update(self, frame: pd.DataFrame, district_label: str, lang: str) -> None:
        """Draw `frame` (from `trend_frame`) for `district_label`; only data and labels change."""
        indicator = self.indicator
        for name, columns in chart_columns(frame, indicator, district_label, lang).items():
            self.sources[name].data = columns
        periods = [int(p) for p in frame["period"]]
        self.x_range.update(**dict(zip(("start", "end"), period_range(periods))))
        plot = self.figure
        self._x_ticker.ticks = periods
        plot.xaxis.major_label_overrides = dict(zip(periods, frame["period_label"]))
        tilted = len(periods) > 5 or indicator.frequency == "term"
        plot.xaxis.major_label_orientation = math.radians(X_ROTATION) if tilted else "horizontal"
        if not indicator.is_boolean:
            self.y_range.end = value_top(frame)
        if lang != self._lang:
            self._relabel(lang)

    def _relabel(self, lang: str) -> None:
        """Texts of the figure in `lang`. A new language is rare: a throwaway formatter gives its code."""
        indicator, plot = self.indicator, self.figure
        self.hover.tooltips = hover_tooltips(lang)
        if indicator.is_boolean:
            plot.yaxis.major_label_overrides = {0: t("no", lang), 1: t("yes", lang)}
        else:
            unit = "%" if indicator.is_percent else ""
            if lang != self._lang:
                self._y_formatter.code = tick_formatter(lang, unit, indicator.is_count).code
            plot.yaxis.axis_label = indicator.unit[lang] if indicator.is_count else "%"
        self._lang = lang
