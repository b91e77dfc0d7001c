"""Indicator and period selectors, kept in two-way sync with the shared state."""

from __future__ import annotations

import panel as pn
import param
from panel.viewable import Viewer

from ..data import DashboardData, resolve_period
from ..i18n import format_period, t
from ..state import DashboardState


def indicator_groups(data: DashboardData, lang: str, level: str = "district") -> dict[str, dict[str, str]]:
    """Selector options grouped by theme: {theme name: {indicator name: id}}."""
    groups: dict[str, dict[str, str]] = {}
    for theme_id, indicators in data.catalogue.by_theme().items():
        options = {i.short_name[lang]: i.id for i in indicators if level in i.levels}
        if options:
            groups[data.catalogue.theme(theme_id).name[lang]] = options
    return groups


def period_options(data: DashboardData, indicator_id: str, lang: str) -> dict[str, int]:
    """Periods the map can show for the indicator, newest first, labelled as years or terms."""
    indicator = data.indicator(indicator_id)
    periods = data.district_periods(indicator_id) or data.periods(indicator_id)
    return {format_period(p, indicator.frequency, lang): p for p in reversed(periods)}


class IndicatorControls(Viewer):
    """The two selectors of an indicator page; widgets are created once and relabelled in place."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")

    def __init__(self, **params):
        super().__init__(**params)
        self._indicator = pn.widgets.Select(
            sizing_mode="stretch_width", max_width=460, min_width=200, css_classes=["indicator-select"]
        )
        self._period = pn.widgets.Select(width=160, css_classes=["period-select"])
        periods = list(period_options(self.data, self.state.indicator, self.state.lang).values())
        # A link may name a year the indicator lacks: show the period that contains it.
        self.state.year = resolve_period(periods, self.state.year) or self.state.year
        self._relabel()
        self._indicator.param.watch(self._on_indicator_widget, "value")
        self._period.param.watch(self._on_period_widget, "value")
        self.state.param.watch(self._on_indicator, "indicator")
        self.state.param.watch(lambda event: setattr(self._period, "value", event.new), "year")
        self.state.param.watch(lambda _event: self._relabel(), "lang")

    def _relabel(self) -> None:
        lang = self.state.lang
        self._indicator.param.update(
            name=t("indicator", lang), groups=indicator_groups(self.data, lang), value=self.state.indicator
        )
        self._period.param.update(
            name=t("period", lang),
            options=period_options(self.data, self.state.indicator, lang),
            value=self.state.year,
        )

    def _on_indicator_widget(self, event) -> None:
        periods = list(period_options(self.data, event.new, self.state.lang).values())
        # One batched update, so views redraw once with a period the indicator has.
        self.state.param.update(indicator=event.new, year=resolve_period(periods, self.state.year))

    def _on_indicator(self, event) -> None:
        options = period_options(self.data, event.new, self.state.lang)
        # Options first, so the period widget never holds a period the indicator lacks.
        self._period.param.update(options=options, value=resolve_period(list(options.values()), self.state.year))
        self._indicator.value = event.new
        self.state.year = self._period.value

    def _on_period_widget(self, event) -> None:
        if event.new is not None:
            self.state.year = event.new

    def __panel__(self):
        return pn.FlexBox(self._indicator, self._period, sizing_mode="stretch_width",
                          css_classes=["controls"])
