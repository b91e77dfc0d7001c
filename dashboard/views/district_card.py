"""The district card: the selected district's value, n/N, rank and status against the target."""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import pandas as pd
import panel as pn
import param
from bokeh.models import ColumnDataSource, CustomJS, Div
from panel.viewable import Viewer

from ..catalogue import Indicator, Target
from ..i18n import format_period, t
from ..model.rank import district_rank, rank_among, rank_label, reporting_count
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
    # The same rank, and the same words for "not ranked", as the district profile.
    rank = None if pd.isna(row["value"]) else district_rank(display, code, indicator)
    return row_card_html(row, rank, reporting_count(display["value"]), indicator, period, lang, target)


def row_card_html(
    row, rank: int | None, reporting: int, indicator: Indicator, period: int, lang: str, target: Target | None,
) -> str:
    """HTML for the district of one display row (a Series or a record), its rank already known."""
    lines = [
        f'<div class="card-title">{html.escape(row["name"])}</div>',
        f'<div class="card-indicator">{html.escape(indicator.short_name[lang])} · '
        f'<span class="nowrap">{format_period(period, indicator.frequency, lang)}</span></div>',
        f'<div class="card-value">{html.escape(row["value_label"])}'
        + (f' <span class="card-ratio">({row["ratio"]})</span>' if row["ratio"] else "")
        + "</div>",
    ]
    if not pd.isna(row["value"]):
        label = html.escape(rank_label(rank, reporting, indicator, lang))
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


# The card's own rules of the app stylesheet: a Bokeh Div draws in its own shadow root.
STYLESHEET = Path(__file__).resolve().parent.parent / "assets" / "dashboard.css"
CARD_RULE = re.compile(r"^\.(?:district-card|card-)[^{]*\{[^}]*\}", re.MULTILINE)

# Runs in the browser on a tap: the card shows at once, before the server hears of it.
SHOW_TAPPED_CARD = """
const picked = source.selected.indices;
if (!picked.length && !clears) return;
const code = picked.length ? source.data.code[picked[0]] : '';
const row = cards.data.code.indexOf(code);
if (row >= 0 && card.text !== cards.data.html[row]) card.text = cards.data.html[row];
"""


@functools.lru_cache(maxsize=1)
def card_stylesheet() -> str:
    """The `.district-card` and `.card-` rules of the app stylesheet, read once per process."""
    return "\n".join(match.group(0) for match in CARD_RULE.finditer(STYLESHEET.read_text(encoding="utf-8")))


def district_cards(
    display: pd.DataFrame, indicator: Indicator, period: int, lang: str, target: Target | None,
) -> dict[str, list[str]]:
    """The card of every district, and the hint for none (code ""), for the browser to switch between."""
    values = display["value"].astype(float)
    reporting = reporting_count(values)
    cards = {"code": [""], "html": [district_card_html(display, "", indicator, period, lang, target)]}
    for row in display.to_dict("records"):
        rank = None if pd.isna(row["value"]) else rank_among(values, row["value"], indicator)
        cards["code"].append(row["code"])
        cards["html"].append(row_card_html(row, rank, reporting, indicator, period, lang, target))
    return cards


class DistrictCard(Viewer):
    """A small card that follows the selected district, indicator and period.

    The cards of every district travel with the values; a tap on the map or a bar shows its
    card in the browser at once (`follow_taps`), and the server then leaves the card alone.
    """

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to show.")

    def __init__(self, **params):
        super().__init__(**params)
        state = self.snapshot.state
        self._shown_in_browser: str | None = None
        self.cards = ColumnDataSource(self._cards())
        self.card = Div(text=self._html(), stylesheets=[card_stylesheet()], sizing_mode="stretch_width")
        self._pane = pn.pane.Bokeh(self.card, sizing_mode="stretch_width", css_classes=["district-card-pane"])
        self._profile = pn.widgets.Button(
            name=t("open_profile", state.lang), button_type="primary", button_style="outline",
            css_classes=["open-profile"], visible=bool(state.district),
        )
        # Tapping a district anywhere leads on to its full profile.
        self._profile.on_click(lambda _event: setattr(self.snapshot.state, "page", "district"))
        state.param.watch(self._on_state, ["district", "lang"])
        self.snapshot.param.watch(self._on_values, ["display"])

    def follow_taps(self, source: ColumnDataSource, clears: bool) -> None:
        """Show the card of the district tapped in `source` (which has a `code` column) in the browser.

        With `clears`, an empty selection shows the hint, as the map's does on the server.
        """
        source.selected.js_on_change("indices", CustomJS(
            args={"source": source, "cards": self.cards, "card": self.card, "clears": clears},
            code=SHOW_TAPPED_CARD,
        ))

    def shown_in_browser(self, code: str) -> None:
        """A view heard a tap on `code`: the browser already shows its card, so it is not re-sent."""
        self._shown_in_browser = code

    def _cards(self) -> dict[str, list[str]]:
        snapshot = self.snapshot
        return district_cards(snapshot.display, snapshot.indicator, snapshot.state.year,
                              snapshot.state.lang, snapshot.target)

    def _on_values(self, _event) -> None:
        self.cards.data = self._cards()
        self.card.text = self._html()

    def _on_state(self, event) -> None:
        state = self.snapshot.state
        self._profile.param.update(visible=bool(state.district), name=t("open_profile", state.lang))
        if event.name == "district":
            shown, self._shown_in_browser = self._shown_in_browser, None
            if shown != state.district:
                self.card.text = self._html()

    def _html(self) -> str:
        snapshot = self.snapshot
        return district_card_html(snapshot.display, snapshot.state.district, snapshot.indicator,
                                  snapshot.state.year, snapshot.state.lang, snapshot.target)

    def __panel__(self):
        return pn.Column(self._pane, self._profile, sizing_mode="stretch_width", margin=0)
