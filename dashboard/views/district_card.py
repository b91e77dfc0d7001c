"""The district card: the selected district's value, n/N, rank and status against the target."""

from __future__ import annotations

import html

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from ..catalogue import Indicator, Target
from ..i18n import format_period, t
from ..model.rank import district_rank, rank_label, reporting_count
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import district_meets_target, target_text


def district_card_html(
    display: pd.DataFrame, code: str, indicator: Indicator, period: int, lang: str,
    target: Target | None,
) -> str:
    """HTML for one district, or a hint to tap one when none is selected."""
    rows = display[display["code"] == code]
    if rows.empty:
        return f'<div class="district-card empty">{t("select_district_hint", lang)}</div>'
    row = rows.iloc[0]
    lines = [
        f'<div class="card-title">{html.escape(row["name"])}</div>',
        f'<div class="card-indicator">{html.escape(indicator.short_name[lang])} · '
        f'<span class="nowrap">{format_period(period, indicator.frequency, lang)}</span></div>',
        f'<div class="card-value">{html.escape(row["value_label"])}'
        + (f' <span class="card-ratio">({row["ratio"]})</span>' if row["ratio"] else "")
        + "</div>",
    ]
    if not pd.isna(row["value"]):
        # The same rank, and the same words for "not ranked", as the district profile.
        rank = district_rank(display, code, indicator)
        label = html.escape(rank_label(rank, reporting_count(display["value"]), indicator, lang))
        lines.append(f'<div class="card-rank" data-rank="{rank or ""}">{t("rank", lang)}: {label}</div>')
        if target is not None and not indicator.is_boolean:
            # Judged as the district profile judges it: only against a district target.
            met = district_meets_target(row["value"], target, indicator)
            status = t("profile_assessed_city_only", lang) if met is None else t("met" if met else "not_met", lang)
            css = {True: "met", False: "not-met"}.get(met, "unjudged")
            lines.append(
                f'<div class="card-target {css}">{t("target", lang)} '
                f'{target_text(target, indicator, lang)} ({target.year}): <b>{status}</b></div>'
            )
        lines.append(f'<div class="card-status">{t("status", lang)}: '
                     f'{html.escape(row["status_label"])}</div>')
    return '<div class="district-card">' + "".join(lines) + "</div>"


class DistrictCard(Viewer):
    """A small card that follows the selected district, indicator and period."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to show.")

    def __init__(self, **params):
        super().__init__(**params)
        self._pane = pn.pane.HTML(
            pn.bind(self._html, self.snapshot.param.display, self.snapshot.state.param.district),
            sizing_mode="stretch_width", css_classes=["district-card-pane"],
        )
        state = self.snapshot.state
        self._profile = pn.widgets.Button(
            name=t("open_profile", state.lang), button_type="primary", button_style="outline",
            css_classes=["open-profile"], visible=bool(state.district),
        )
        # Tapping a district anywhere leads on to its full profile.
        self._profile.on_click(lambda _event: setattr(self.snapshot.state, "page", "district"))
        state.param.watch(self._on_state, ["district", "lang"])

    def _on_state(self, _event) -> None:
        state = self.snapshot.state
        self._profile.param.update(visible=bool(state.district), name=t("open_profile", state.lang))

    def _html(self, display: pd.DataFrame, district: str) -> str:
        snapshot = self.snapshot
        return district_card_html(display, district, snapshot.indicator, snapshot.state.year,
                                  snapshot.state.lang, snapshot.target)

    def __panel__(self):
        return pn.Column(self._pane, self._profile, sizing_mode="stretch_width", margin=0)
