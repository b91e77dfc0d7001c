"""The district card: the selected district's value, n/N, rank and status against the target."""

from __future__ import annotations

import html

import pandas as pd
import panel as pn
import param
from bokeh.models import Div

from ..catalogue import Indicator, Target
from ..i18n import format_period, t, t_map
from ..maps import DISTRICT_MAP, map_for_period
from ..model.rank import district_rank, rank_label, reporting_count
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import district_meets_target, target_text
from .parts import TEXT_MARGIN, PartsViewer, stylesheet_rules


def district_card_html(
    display: pd.DataFrame, code: str, indicator: Indicator, period: int, lang: str,
    target: Target | None,
) -> str:
    """HTML for one district, or a hint to tap one when none is selected."""
    rows = display[display["code"] == code]
    header = card_header(indicator, period, lang, target)
    if rows.empty:
        return card_html(header, None)
    row = rows.iloc[0]
    # The same rank, and the same words for "not ranked", as the district profile.
    rank = None if pd.isna(row["value"]) else district_rank(display, code, indicator)
    return card_html(header, card_fields(row, rank, reporting_count(display["value"]), indicator, lang, target,
                                         map_of(indicator, period)))


def map_of(indicator: Indicator, period: int) -> str:
    """Id of the map the card's period is drawn on: its words name that map's units."""
    return map_for_period(period, indicator.frequency).id


def card_header(indicator: Indicator, period: int, lang: str, target: Target | None) -> dict[str, str]:
    """The card's words shared by every district of one indicator and period, as HTML fragments."""
    judged = target is not None and not indicator.is_boolean
    hint = t_map("select_district_hint", lang, map_of(indicator, period))
    return {
        "hint": f'<div class="district-card empty">{hint}</div>',
        "indicator": f'<div class="card-indicator">{html.escape(indicator.short_name[lang])} · '
                     f'<span class="nowrap">{format_period(period, indicator.frequency, lang)}</span></div>',
        "rank_word": t("rank", lang),
        "target": f'{t("target", lang)} {target_text(target, indicator, lang)} ({target.year}): ' if judged else "",
        "status_word": t("status", lang),
    }


def card_fields(row, rank: int | None, reporting: int, indicator: Indicator, lang: str,
                target: Target | None, map_id: str = DISTRICT_MAP.id) -> dict[str, str]:
    """One district's card fields, formatted by the model; `card_html` (and `cardHtml` in
    dashboard/assets/period_frames.js) assemble them.

    Name, value, ratio and status are the display row's own labels, escaped where the card shows them.
    """
    fields = {"name": row["name"], "value_label": row["value_label"], "ratio": row["ratio"],
              "status_label": row["status_label"], "rank": "", "rank_label": "", "verdict": "", "verdict_css": ""}
    if pd.isna(row["value"]):
        return fields
    fields.update(rank=str(rank or ""), rank_label=rank_label(rank, reporting, indicator, lang, map_id))
    if target is not None and not indicator.is_boolean:
        # Judged as the district profile judges it: only against a district target.
        met = district_meets_target(row["value"], target, indicator)
        fields["verdict"] = t("profile_assessed_city_only", lang) if met is None else t("met" if met else "not_met",
                                                                                         lang)
        fields["verdict_css"] = {True: "met", False: "not-met"}.get(met, "unjudged")
    return fields


def card_html(header: dict[str, str], fields: dict[str, str] | None) -> str:
    """The card of one district from its fields, or the hint when `fields` is None.

    `cardHtml` (dashboard/assets/period_frames.js) is the same template in the browser; a test holds
    the two to the same output.
    """
    if fields is None:
        return header["hint"]
    ratio = fields["ratio"]
    lines = [
        f'<div class="card-title">{html.escape(fields["name"])}</div>',
        header["indicator"],
        f'<div class="card-value">{html.escape(fields["value_label"])}'
        + (f' <span class="card-ratio">({ratio})</span>' if ratio else "") + "</div>",
    ]
    if fields["rank_label"]:
        lines.append(f'<div class="card-rank" data-rank="{fields["rank"]}">{header["rank_word"]}: '
                     f'{html.escape(fields["rank_label"])}</div>')
        if fields["verdict"]:
            lines.append(f'<div class="card-target {fields["verdict_css"]}">{header["target"]}'
                         f'<b>{fields["verdict"]}</b></div>')
        lines.append(f'<div class="card-status">{header["status_word"]}: '
                     f'{html.escape(fields["status_label"])}</div>')
    return '<div class="district-card">' + "".join(lines) + "</div>"


# The classes of the card's rules in the app stylesheet.
CARD_STYLED = ("district-card", "card-")


class DistrictCard(PartsViewer):
    """A small card that follows the selected district, indicator and period.

    The card fields of every district of every period on the map shown travel once with the
    indicator (`frames`); a tap on the map or a bar, or a period picked, shows its card in the
    browser at once, and the server then leaves the card alone.
    """

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to show.")

    def __init__(self, **params):
        from .period_frames import PeriodFrames  # frames build on this module's card fields

        super().__init__(**params)
        state = self.snapshot.state
        self.frames = PeriodFrames(snapshot=self.snapshot)
        self.card = Div(text=self._html(), stylesheets=[stylesheet_rules(*CARD_STYLED)], sizing_mode="stretch_width",
                        css_classes=["district-card-pane"], margin=TEXT_MARGIN)
        self._profile = pn.widgets.Button(
            name=self._profile_label(), button_type="primary", button_style="outline",
            css_classes=["open-profile"], visible=bool(state.district),
        )
        # Tapping a district anywhere leads on to its full profile.
        self._profile.on_click(self._on_profile)
        state.param.watch(self._on_state, ["district", "lang"])
        self.snapshot.param.watch(self._on_values, ["display"])

    def link(self, choropleth, ranking, controls=None, legend: Div | None = None) -> None:
        """Draw taps on the map and the ranking in the browser, and periods and indicators picked in `controls`."""
        self.frames.link(choropleth, ranking, self.card, controls, legend)
        ranking.tap_drawn_in_browser = self.frames.tap_drawn

    def shown_in_browser(self, code: str) -> None:
        """A view heard a tap on `code`: the browser already shows its card, so it is not re-sent."""
        self.frames.tapped_in_browser(code)

    def _on_values(self, _event) -> None:
        self.card.text = self._html()
        self._profile.name = self._profile_label()

    @pn.io.hold()
    def _on_profile(self, _event) -> None:
        self.snapshot.state.page = "district"

    def _profile_label(self) -> str:
        return t_map("open_profile", self.snapshot.state.lang, self.snapshot.map.id)

    def _on_state(self, event) -> None:
        state = self.snapshot.state
        self._profile.param.update(visible=bool(state.district), name=self._profile_label())
        if event.name == "district" and not self.frames.tap_drawn():
            self.card.text = self._html()

    def _html(self) -> str:
        snapshot = self.snapshot
        return district_card_html(snapshot.display, snapshot.state.district, snapshot.indicator,
                                  snapshot.state.year, snapshot.state.lang, snapshot.target)

    @property
    def parts(self) -> tuple:
        return (self.card, self._profile)
