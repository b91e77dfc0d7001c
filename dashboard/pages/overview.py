"""Overview (tổng quan): for every theme of the plan, where does the city stand against its
target, what changed since the previous period, and how many districts are behind?

Reads one headline KPI per theme (dashboard.model.kpi) for the selected year; a term indicator
shows the election term that contains the year. Tapping a card opens that theme's page with
the card's indicator selected.

URL parameters synced (by the app): page=overview, year, lang.
"""

from __future__ import annotations

import html

import panel as pn
import param
from panel.viewable import Viewer

from ..data import DashboardData
from ..i18n import format_ratio, t
from ..model.kpi import HEADLINE_INDICATORS, Kpi, indicator_kpi, summary_lines, value_text
from ..model.targets import target_text
from ..state import DashboardState
from . import PageRecord

SLUG = "overview"
TITLE = {"vi": "Tổng quan", "en": "Overview"}
ICON = "dashboard"
STRINGS = {
    "open": {"vi": "Xem chi tiết →", "en": "Details →"},
    "districts_illustrative": {"vi": "số liệu quận, huyện minh họa", "en": "illustrative district figures"},
    "year": {"vi": "Năm theo dõi", "en": "Year"},
    "intro": {
        "vi": "Mỗi thẻ là một chỉ tiêu chính của một lĩnh vực: giá trị toàn thành phố, mục tiêu và "
        "căn cứ, thay đổi so với kỳ trước và số quận, huyện chưa đạt. Chạm vào thẻ để xem chi tiết.",
        "en": "Each card is a headline indicator of one theme: the city value, the target and its "
        "basis, the change since the previous period and how many districts are behind. Tap a card "
        "for details.",
    },
}


def overview_years(data: DashboardData) -> list[int]:
    """Years any annual headline indicator has figures for, newest first."""
    years: set[int] = set()
    for indicator_ids in HEADLINE_INDICATORS.values():
        for indicator_id in indicator_ids:
            if data.indicator(indicator_id).frequency == "annual":
                years.update(data.periods(indicator_id))
    return sorted(years, reverse=True)


def kpi_card_html(kpi: Kpi, theme_name: str, lang: str) -> str:
    """A KPI card: theme, indicator, the big city value with n/N, verdict, then detail lines."""
    indicator = kpi.indicator
    verdict = ""
    if kpi.met is not None:
        verdict = (f'<span class="kpi-badge {"met" if kpi.met else "not-met"}">'
                   f'{t("met" if kpi.met else "not_met", lang)}</span>')
    flag = ""
    if kpi.illustrative:
        flag = f'<span class="kpi-badge illustrative">{STRINGS["districts_illustrative"][lang]}</span>'
    ratio = format_ratio(kpi.numerator, kpi.denominator, lang)
    target = f'<div class="kpi-target">{t("target", lang)}: {t("no_target", lang)}</div>'
    if kpi.target is not None:
        target = (f'<div class="kpi-target">{t("target", lang)} {target_text(kpi.target, indicator, lang)} '
                  f'({kpi.target.year}) · {t("basis", lang)}: {html.escape(kpi.target.basis[lang])}</div>')
    # The first line is the value and the target has its own line above, so neither repeats.
    lines = [line for line in summary_lines(kpi, lang)[1:] if not line.startswith(t("target", lang))]
    details = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (
        f'<div class="kpi-card">'
        f'<div class="kpi-theme">{html.escape(theme_name)} {flag}</div>'
        f'<div class="kpi-name">{html.escape(indicator.short_name[lang])}</div>'
        f'<div class="kpi-value">{value_text(kpi, lang)}'
        f'{f" <span class=kpi-ratio>({ratio})</span>" if ratio else ""} {verdict}</div>'
        f"{target}<ul class=\"kpi-lines\">{details}</ul></div>"
    )


class OverviewPage(Viewer):
    """One card per headline indicator; each card opens its theme's page."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")

    def __init__(self, **params):
        super().__init__(**params)
        self._kpis: dict[tuple, Kpi] = {}
        years = overview_years(self.data)
        self._year = pn.widgets.Select(
            options=years, value=self.state.year if self.state.year in years else years[0],
            width=160, css_classes=["overview-year"],
        )
        self._year.param.watch(lambda event: setattr(self.state, "year", event.new), "value")
        self.state.param.watch(self._on_state_year, "year")
        self._intro = pn.pane.HTML(pn.bind(lambda lang: f"<p>{STRINGS['intro'][lang]}</p>", self.state.param.lang),
                                   sizing_mode="stretch_width")
        self._notice = pn.pane.Alert(
            pn.bind(lambda lang: f"⚠ **{t('illustrative_notice', lang)}**", self.state.param.lang),
            alert_type="warning", sizing_mode="stretch_width", css_classes=["illustrative-notice"],
            visible=pn.bind(self._any_illustrative, self.state.param.year, self.state.param.data_version),
        )
        cards = []
        for theme_id, indicator_ids in HEADLINE_INDICATORS.items():
            for indicator_id in indicator_ids:
                cards.append(self._card(theme_id, indicator_id))
        self._cards = pn.FlexBox(*cards, sizing_mode="stretch_width", css_classes=["kpi-cards"])
        self.state.param.watch(lambda event: setattr(self._year, "name", STRINGS["year"][event.new]), "lang")
        self._year.name = STRINGS["year"][self.state.lang]

    def _on_state_year(self, event) -> None:
        if event.new in self._year.options:
            self._year.value = event.new

    def _kpi(self, indicator_id: str, year: int) -> Kpi:
        """The KPI for the data shown now; the cards and the notice read it, so it is computed once."""
        key = (indicator_id, year, self.data.version)
        if key not in self._kpis:
            self._kpis[key] = indicator_kpi(self.data, indicator_id, year)
        return self._kpis[key]

    def _any_illustrative(self, year: int, _version: int = 0) -> bool:
        return any(self._kpi(i, year).illustrative
                   for ids in HEADLINE_INDICATORS.values() for i in ids)

    def _card(self, theme_id: str, indicator_id: str) -> pn.Column:
        theme = self.data.catalogue.theme(theme_id)
        body = pn.pane.HTML(
            pn.bind(lambda year, lang, _version: kpi_card_html(
                        self._kpi(indicator_id, year), theme.name[lang], lang),
                    self.state.param.year, self.state.param.lang, self.state.param.data_version),
            sizing_mode="stretch_width",
        )
        button = pn.widgets.Button(name=STRINGS["open"][self.state.lang], button_type="primary",
                                   css_classes=["kpi-open", f"kpi-open-{indicator_id}"])
        self.state.param.watch(lambda event: setattr(button, "name", STRINGS["open"][event.new]), "lang")
        button.on_click(lambda _event: self._open(theme_id, indicator_id))
        return pn.Column(body, button, css_classes=["kpi-card-box", f"kpi-{indicator_id}"],
                         styles={"flex": "1 1 300px", "min-width": "0", "max-width": "560px"},
                         sizing_mode="stretch_width")

    def _open(self, theme_id: str, indicator_id: str) -> None:
        """Open the theme page on this card's indicator and the period that contains the year."""
        self.state.param.update(page=theme_id, indicator=indicator_id)

    def __panel__(self):
        return pn.Column(self._intro, self._year, self._notice, self._cards, sizing_mode="stretch_width")


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=OverviewPage)
