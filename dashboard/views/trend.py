"""The trend chart: the selected district against the city and the target, over every period."""

from __future__ import annotations

import math

import holoviews as hv
import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from ..catalogue import Indicator
from ..data import DashboardData
from ..i18n import format_period, format_value, t
from .frames import target_for
from .ranking import CITY_COLOUR, TARGET_COLOUR
from .snapshot import IndicatorSnapshot

DISTRICT_COLOUR = "#2c7fb8"


def trend_frame(data: DashboardData, indicator: Indicator, district_code: str) -> pd.DataFrame:
    """One row per period: city value and district value; NaN where a period has no figure."""
    rows = []
    for period in data.periods(indicator.id):
        city = data.city_value(indicator.id, period)
        district = math.nan
        if district_code:
            table = data.district_table(indicator.id, period).set_index("code")
            if district_code in table.index:
                district = table.loc[district_code, "value"]
        rows.append({"period": period, "city": city.value if city else math.nan, "district": district})
    return pd.DataFrame(rows, columns=["period", "city", "district"])


def trend_element(
    data: DashboardData, indicator: Indicator, district_code: str, district_name: str, lang: str
) -> hv.Overlay:
    """City (dashed) and district (solid) lines; gaps where data is missing, never zeros."""
    frame = trend_frame(data, indicator, district_code)
    ticks = [(p, format_period(p, indicator.frequency, lang)) for p in frame["period"]]
    # Yes/no values have no line of their own: the city share of districts is what trends.
    kind = "percent" if indicator.kind == "boolean" else indicator.kind
    # The hover reads these labels: the interface's words and number format, never raw keys.
    frame = frame.assign(
        period_label=[format_period(p, indicator.frequency, lang) for p in frame["period"]],
        city_label=[format_value(v, kind, lang) for v in frame["city"]],
        district_label=[format_value(v, kind, lang) for v in frame["district"]],
    )
    period_title = t("term" if indicator.frequency == "term" else "year", lang)
    y_label = "%" if indicator.kind in ("percent", "boolean") else indicator.unit[lang]
    city_tooltips = [(period_title, "@{period_label}"), (t("city", lang), "@{city_label}")]
    city_dims = [("city", t("city", lang)), "period_label", "city_label"]
    layers = [
        hv.Curve(frame, "period", city_dims).opts(color=CITY_COLOUR, line_dash="dashed", line_width=2),
        hv.Scatter(frame, "period", city_dims).opts(
            color=CITY_COLOUR, size=6, tools=["hover"], hover_tooltips=city_tooltips),
    ]
    if district_code and indicator.kind != "boolean":
        district_dims = [("district", district_name or t("district", lang)), "period_label", "district_label"]
        district_tooltips = [(period_title, "@{period_label}"),
                             (district_name or t("district", lang), "@{district_label}")]
        layers += [
            hv.Curve(frame, "period", district_dims).opts(color=DISTRICT_COLOUR, line_width=3),
            hv.Scatter(frame, "period", district_dims).opts(
                color=DISTRICT_COLOUR, size=8, tools=["hover"], hover_tooltips=district_tooltips),
        ]
    # Each period is held to the target that applies to it; none is drawn where none applied.
    targets = frame.assign(target=[_target_value(indicator, int(p)) for p in frame["period"]])
    if targets["target"].notna().any():
        layers += [
            hv.Curve(targets, "period", "target").opts(color=TARGET_COLOUR, line_width=2),
            hv.Scatter(targets, "period", "target").opts(color=TARGET_COLOUR, marker="dash", size=18),
        ]
    return hv.Overlay(layers).opts(
        hv.opts.Overlay(
            xticks=ticks, xlabel="", ylabel=y_label, responsive=True, height=230, toolbar=None,
            padding=(0.06, 0.1),
            show_legend=False, title="", xrotation=30 if indicator.frequency == "term" else 0,
        ),
    )


def _target_value(indicator: Indicator, period: int) -> float:
    target = target_for(indicator, period)
    return math.nan if target is None else target.value


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
        return trend_element(snapshot.data, snapshot.indicator, district,
                             self._district_name(display, district), snapshot.state.lang)

    def _title_html(self, display: pd.DataFrame, district: str) -> str:
        lang = self.snapshot.state.lang
        name = self._district_name(display, district)
        shows_district = name and self.snapshot.indicator.kind != "boolean"
        lines = f'<span class="key-district">━</span> {name} ' if shows_district else ""
        return (f'<div class="trend-title"><b>{t("trend_title", lang)}</b><br>{lines}'
                f'<span class="key-city">- -</span> {t("city", lang)}</div>')

    def __panel__(self):
        return pn.Column(self._title, self._plot, sizing_mode="stretch_width", margin=0)
