"""The trend chart: a district against the city and the target, over every period."""

from __future__ import annotations

import html

import holoviews as hv
import pandas as pd
import panel as pn
import param
from bokeh.models import CustomJSTickFormatter
from panel.viewable import Viewer

from ..catalogue import Indicator
from ..i18n import t
from ..model.display import trend_frame
from ..model.snapshot import IndicatorSnapshot
from .ranking import CITY_COLOUR, TARGET_COLOUR

# The district's own line, distinct from the grey city line and the magenta target.
DISTRICT_COLOUR = "#2c7fb8"
# Pixels. Small enough that two indicator blocks of the district profile fit on one A4 page.
CHART_HEIGHT = 210
# Pixels. The map page has one trend chart, under the ranking, and room for a taller one.
EXPLORER_CHART_HEIGHT = 230


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
        layers.insert(
            0,
            hv.Curve(target, period, value).opts(
                color=TARGET_COLOUR, line_width=2.5, line_dash="dotted"
            ),
        )
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


class TrendView(Viewer):
    """Trend of the selected district against the city, updated in place."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to draw.")

    def __init__(self, **params):
        super().__init__(**params)
        state = self.snapshot.state
        plot = hv.DynamicMap(pn.bind(self._element, self.snapshot.param.display, state.param.district))
        self._plot = pn.pane.HoloViews(plot, sizing_mode="stretch_width", css_classes=["trend-chart"])
        self._title = pn.pane.HTML(
            pn.bind(self._title_html, self.snapshot.param.display, state.param.district),
            sizing_mode="stretch_width", margin=(0, 10),
        )

    def _district_name(self, display: pd.DataFrame, code: str) -> str:
        names = display.loc[display["code"] == code, "name"]
        return names.iloc[0] if len(names) else ""

    def _element(self, display: pd.DataFrame, district: str) -> hv.Overlay:
        snapshot = self.snapshot
        frame = trend_frame(snapshot.data, snapshot.indicator, district, snapshot.state.lang)
        return trend_element(frame, snapshot.indicator, self._district_name(display, district),
                             snapshot.state.lang, height=EXPLORER_CHART_HEIGHT)

    def _title_html(self, display: pd.DataFrame, district: str) -> str:
        lang = self.snapshot.state.lang
        key = chart_key_html(self.snapshot.indicator, self._district_name(display, district), lang)
        return f'<div class="trend-title"><b>{t("trend_title", lang)}</b>{key}</div>'

    def __panel__(self):
        return pn.Column(self._title, self._plot, sizing_mode="stretch_width", margin=0)
