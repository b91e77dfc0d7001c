"""Indicator, period, view and colour-scale controls, kept in two-way sync with the shared state."""

from __future__ import annotations

import panel as pn
import param
from bokeh.models import CustomJSTickFormatter
from panel.viewable import Viewer

from ..data import DashboardData
from ..i18n import format_period, t
from ..model.indicators import explorer_indicators, indicator_groups, offered_indicators
from ..model.periods import map_periods, settle_period
from ..state import VIEWS, DashboardState
from .parts import BrowserIntSlider, BrowserSelect, WrappingBox

# Seconds between periods when playing through time: long enough to read the map.
PLAY_INTERVAL_MS = 1500
# The timeline (a position among its periods, oldest first) moves the period select, whose callback
# draws the period. The periods travel with the timeline's label formatter, which a new indicator
# replaces. The server's own changes run this too: for a new indicator it sends the select first,
# then the timeline property by property, so a position may meet the last indicator's periods.
# Only a timeline whose periods are the select's own moves the select.
TIMELINE_JS = """
const args = cb_obj.format.args;
const periods = args instanceof Map ? args.get("periods") : args.periods;
const offered = select.options.map((option) => Array.isArray(option) ? option[0] : option).reverse();
if (offered.length !== periods.length || offered.some((period, i) => period !== periods[i])) return;
const period = periods[cb_obj.value];
if (period !== undefined && select.value !== period) select.value = period;
"""
TIMELINE_LABEL_JS = "return labels[tick] ?? '';"
# Bokeh's slider writes its label again when its value changes, not when its formatter does: a
# new indicator's timeline at the same position kept the last indicator's label.
TIMELINE_RELABEL_JS = "cb_obj.properties.title.change.emit();"


def period_options(data: DashboardData, indicator_id: str, lang: str) -> dict[str, int]:
    """Periods the map can show for the indicator, newest first, labelled as years or terms."""
    indicator = data.indicator(indicator_id)
    return {format_period(p, indicator.frequency, lang): p for p in reversed(map_periods(data, indicator_id))}


class IndicatorControls(Viewer):
    """The selectors of an indicator page; widgets are created once and relabelled in place."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    theme = param.String(default=None, allow_None=True, doc="Only this theme's indicators.")

    def __init__(self, **params):
        super().__init__(**params)
        self._indicator_ids = set(explorer_indicators(self.data, self.theme))
        self._indicator = BrowserSelect(
            sizing_mode="stretch_width", max_width=460, min_width=200, css_classes=["indicator-select"],
            # Grows to its widest on a line of its own on a phone, beside the others on a wide screen.
            styles={"flex": "1 1 300px"},
        )
        self._period = BrowserSelect(width=140, css_classes=["period-select"])
        # The timeline: the same periods oldest to newest, to slide through or play. A plain slider
        # over their positions, labelled by a formatter: a DiscreteSlider is three widgets, and
        # cost every map session about 10 ms to build.
        self.timeline_periods: list[int] = []
        self._timeline = BrowserIntSlider(
            start=0, end=1, value=0, width=240, css_classes=["period-slider"], margin=(8, 12, 0, 12),
        )
        self._play = pn.widgets.Toggle(width=56, align="end", css_classes=["play-button"])
        self._view = pn.widgets.RadioButtonGroup(
            options=list(VIEWS), value=self.state.view, align="end", css_classes=["view-switch"]
        )
        # A checkbox carries its own label: a switch needs a pane and a row for one.
        self._gap = pn.widgets.Checkbox(value=self.state.gap, align="center", margin=(18, 10, 5, 10),
                                        css_classes=["gap-switch"])
        self._player = None
        # Periods the browser draws itself when picked; it then reports them (see `on_period_js`).
        self._drawn_in_browser = None
        # Indicators the browser draws itself when picked; it then reports them (see `on_indicator_js`).
        self._indicator_in_browser = None
        self._timeline.on_change_js("format", TIMELINE_RELABEL_JS)
        if self.state.indicator in self._indicator_ids:
            # A link may name a year the indicator lacks: show the period that contains it.
            self.state.year = settle_period(self.data, self.state.indicator, self.state.year)
        self._relabel()
        self._indicator.param.watch(self._on_indicator_widget, "value")
        self._period.param.watch(self._on_period_widget, "value")
        self._timeline.param.watch(self._on_timeline_widget, "value")
        self._play.param.watch(self._on_play, "value")
        self._view.param.watch(self._on_view_widget, "value")
        self._gap.param.watch(self._on_gap_widget, "value")
        self.state.param.watch(self._on_indicator, "indicator")
        self.state.param.watch(self._on_year, "year")
        self.state.param.watch(lambda event: setattr(self._view, "value", event.new), "view")
        self.state.param.watch(lambda event: setattr(self._gap, "value", event.new), "gap")
        self.state.param.watch(lambda _event: self._relabel(), ["lang", "data_version"])

    def _relabel(self) -> None:
        lang = self.state.lang
        value = self.state.indicator if self.state.indicator in self._indicator_ids else None
        groups = indicator_groups(self.data.catalogue, lang, self._indicator_ids)
        self._indicator.param.update(
            name=t("indicator", lang), groups=groups,
            value=value or next(iter(next(iter(groups.values())).values())),
        )
        self._period.param.update(
            name=t("period", lang),
            options=period_options(self.data, self._indicator.value, lang),
            value=self.state.year,
        )
        self._update_timeline()
        self._play.name = "▶"
        self._view.options = {t(f"view_{view}", lang): view for view in VIEWS}
        self._gap.name = t("gap_to_target", lang)

    # A handler of the browser's events holds the document (pn.io.hold): every change that follows
    # reaches the browser as one message, applied and laid out once, not one message per model.
    @pn.io.hold()
    def _on_indicator_widget(self, event) -> None:
        if event.new == self.state.indicator:
            return
        if self._indicator_in_browser is not None and self._indicator_in_browser(event.new):
            return  # the browser draws it and reports it (on_indicator_js)
        self.choose_indicator(event.new)

    def choose_indicator(self, indicator_id: str) -> None:
        """Show `indicator_id` at the period the state settles on from the one shown."""
        # One batched update, so views redraw once with a period the indicator has.
        self.state.param.update(indicator=indicator_id, year=settle_period(self.data, indicator_id, self.state.year))

    def offered_indicators(self) -> list[str]:
        """The indicators the select offers, in its order."""
        return offered_indicators(self.data, self.state.lang, self.theme)

    def on_indicator_js(self, code: str, args: dict, drawn_in_browser) -> None:
        """Run `code` in the browser when an indicator is picked, before the server hears of it.

        `cb_obj.value` is the indicator's id. For an indicator where `drawn_in_browser(id)` is
        true the widget's value does not move the state: `code` draws it, then reports it, and
        the state follows that report (see `choose_indicator`).
        """
        self._indicator_in_browser = drawn_in_browser
        self._indicator.on_change_js("value", code, args)

    def _on_indicator(self, event) -> None:
        if event.new not in self._indicator_ids:
            return  # another page's indicator: this page keeps its own selection
        options = period_options(self.data, event.new, self.state.lang)
        # Options first, so the period widget never holds a period the indicator lacks.
        self._period.param.update(options=options, value=settle_period(self.data, event.new, self.state.year))
        self._indicator.value = event.new
        self.state.year = self._period.value
        self._update_timeline()

    def _on_year(self, event) -> None:
        if event.new in self._period.options.values():
            self._period.value = event.new
        # A new indicator's year arrives before its timeline (`_on_indicator`), which then places itself.
        if event.new in self.timeline_periods:
            self._timeline.value = self.timeline_periods.index(event.new)

    def _update_timeline(self) -> None:
        """Oldest to newest, like a time axis; hidden when there is only one period to show."""
        labels, periods = zip(*reversed(self._period.options.items())) if self._period.options else ((), ())
        self.timeline_periods = list(periods)
        if len(periods) < 2:  # a slider needs two stops
            self._timeline.visible = False
            return
        position = periods.index(self.state.year) if self.state.year in periods else len(periods) - 1
        formatter = CustomJSTickFormatter(args={"labels": list(labels), "periods": [str(p) for p in periods]},
                                          code=TIMELINE_LABEL_JS)
        self._timeline.param.update(start=0, end=len(periods) - 1, value=position, format=formatter, visible=True)

    def on_period_js(self, code: str, args: dict, drawn_in_browser) -> None:
        """Run `code` in the browser when a period is picked, before the server hears of it.

        `cb_obj.value` is the period select's value (the period); the timeline moves the select.
        For a period where `drawn_in_browser(period)` is true the widget's value does not move the
        state: `code` draws it, then reports it, and the state follows that report, so the server
        finds the browser's columns already in place and sends none of them back.
        """
        self._drawn_in_browser = drawn_in_browser
        self._period.on_change_js("value", code, args)
        # The period select comes before the timeline in the controls: its model is built first.
        self._timeline.on_change_js("value", TIMELINE_JS, {"select": self._period})

    @pn.io.hold()
    def _on_view_widget(self, event) -> None:
        self.state.view = event.new

    @pn.io.hold()
    def _on_gap_widget(self, event) -> None:
        self.state.gap = event.new

    def _on_timeline_widget(self, event) -> None:
        if 0 <= event.new < len(self.timeline_periods):
            self._show_period(self.timeline_periods[event.new])

    def _on_period_widget(self, event) -> None:
        self._show_period(event.new)

    @pn.io.hold()
    def _show_period(self, period) -> None:
        if period is None or period == self.state.year:
            return
        if self._drawn_in_browser is not None and self._drawn_in_browser(period):
            return  # the browser draws it and reports it (on_period_js)
        self.state.year = period

    def _on_play(self, event) -> None:
        """Step through the periods oldest to newest, then stop on the newest."""
        if self._player is not None:
            self._player.stop()
            self._player = None
        if not event.new:
            self._play.name = "▶"
            return
        periods = sorted(self._period.options.values())
        self._play.name = "⏸"
        self._step_to(periods[0])
        remaining = iter(periods[1:])

        def step():
            period = next(remaining, None)
            if period is None:
                self._play.value = False
            else:
                self._step_to(period)

        self._player = pn.state.add_periodic_callback(step, period=PLAY_INTERVAL_MS, count=len(periods))

    def _step_to(self, period: int) -> None:
        """One step of play: through the period select, so that the browser draws it from its frame."""
        if self._drawn_in_browser is not None and self._drawn_in_browser(period):
            self._period.value = period  # drawn in the browser, which reports it; the state follows
        else:
            self.state.year = period

    def __panel__(self):
        return WrappingBox(
            self._indicator, self._period, self._play, self._timeline, self._view, self._gap,
            sizing_mode="stretch_width", css_classes=["controls"],
        )
