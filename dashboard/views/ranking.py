"""The ranking chart: districts sorted by value, with the target and the city value drawn."""

from __future__ import annotations

import html

import holoviews as hv
import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from ..catalogue import Indicator, Target
from ..data import CityValue
from ..i18n import format_period, format_ratio, format_value, t
from ..model.rank import ranked
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import target_text

BAR_COLUMNS = ["value_label", "ratio", "status_label", "color", "line", "width", "code"]
TARGET_COLOUR = "#c2185b"
CITY_COLOUR = "#444444"
SELECTED_LINE = "#111111"
BAR_HEIGHT_PX = 19


def ranking_element(
    display: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    selected_code: str = "",
    city: CityValue | None = None,
    target: Target | None = None,
) -> hv.Overlay:
    """Horizontal bars of every district with data, plus target and city lines where they apply."""
    rows = ranked(display, indicator).assign(
        line=lambda frame: [SELECTED_LINE if code == selected_code else "white" for code in frame["code"]],
        width=lambda frame: [3 if code == selected_code else 0.5 for code in frame["code"]],
        length=lambda frame: 1.0 if indicator.kind == "boolean" else frame["value"],
    )
    value_label = indicator.short_name[lang] + (" (%)" if indicator.kind == "percent" else "")
    # Dimension names and labels stay fixed across indicators and languages: HoloViews keys
    # the ranges of a DynamicMap by them. Axis titles are set as plot options instead.
    bars = hv.Bars(rows, kdims=["name"], vdims=["length", *BAR_COLUMNS]).opts(
        invert_axes=True,
        xlabel=t("district", lang),  # with inverted axes, xlabel names the district axis
        ylabel=value_label,
        tools=["tap", "hover"],
        active_tools=["tap"],
        default_tools=["reset"],
        hover_tooltips=[(t("district", lang), "@{name}"), (t("value", lang), "@{value_label}"),
                        ("n/N", "@{ratio}"), (t("status", lang), "@{status_label}")],
        nonselection_alpha=1.0,
        responsive=True,
        height=max(260, BAR_HEIGHT_PX * len(rows) + 70),
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
    if indicator.kind != "boolean":
        if target is not None:
            overlay *= hv.HLine(target.value).opts(color=TARGET_COLOUR, line_width=2.5)
        if city is not None:
            overlay *= hv.HLine(city.value).opts(color=CITY_COLOUR, line_width=2, line_dash="dashed")
    return overlay.opts(shared_axes=False)


def ranking_note_html(
    display: pd.DataFrame, indicator: Indicator, period: int, lang: str,
    city: CityValue | None, target: Target | None,
) -> str:
    """What the lines mean, the city value with n/N, and which districts have no data."""
    parts = []
    if city is not None:
        ratio = format_ratio(city.numerator, city.denominator, lang)
        city_text = format_value(city.value, "percent" if indicator.kind == "boolean" else indicator.kind, lang)
        yes_text = f" {t('districts_with_yes', lang)}" if indicator.kind == "boolean" else ""
        parts.append(
            f'<span class="line-key city">- -</span> {t("city_value", lang)} '
            f'{html.escape(format_period(period, indicator.frequency, lang))}: '
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
        parts.append(f'{t("target", lang)}: {t("no_target", lang)}')
    missing = display[display["value"].isna()]["name"].tolist()
    if missing:
        parts.append(f'<i>{t("no_data", lang).capitalize()}:</i> {html.escape(", ".join(missing))}')
    return '<div class="ranking-note">' + "<br>".join(parts) + "</div>"


class RankingView(Viewer):
    """The linked ranking chart; tapping a bar selects that district everywhere."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to draw.")

    def __init__(self, **params):
        super().__init__(**params)
        self._bar_codes: list[str] = []
        state = self.snapshot.state
        plot = hv.DynamicMap(pn.bind(self._element, self.snapshot.param.display, state.param.district))
        self._selection = hv.streams.Selection1D(source=plot)
        self._selection.param.watch(self._on_tap, "index")
        self._plot = pn.pane.HoloViews(plot, sizing_mode="stretch_width", css_classes=["ranking-chart"])
        self._note = pn.pane.HTML(
            pn.bind(self._note_html, self.snapshot.param.display), sizing_mode="stretch_width"
        )

    def _element(self, display: pd.DataFrame, district: str) -> hv.Overlay:
        snapshot = self.snapshot
        self._bar_codes = ranked(display, snapshot.indicator)["code"].tolist()
        return ranking_element(display, snapshot.indicator, snapshot.state.lang, district,
                               snapshot.city, snapshot.target)

    def _note_html(self, display: pd.DataFrame) -> str:
        snapshot = self.snapshot
        return ranking_note_html(display, snapshot.indicator, snapshot.state.year, snapshot.state.lang,
                                 snapshot.city, snapshot.target)

    def _on_tap(self, event) -> None:
        if event.new and event.new[0] < len(self._bar_codes):
            self.snapshot.state.district = self._bar_codes[event.new[0]]

    def __panel__(self):
        return pn.Column(self._plot, self._note, sizing_mode="stretch_width", margin=0)
