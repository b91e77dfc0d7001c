"""Overview (tổng quan): for every theme of the plan, where does the city stand against its
target, what changed since the previous period, and how many districts are behind?

Reads one headline KPI per theme (dashboard.model.kpi) for the selected year; a term indicator
shows the election term that contains the year. Tapping a card opens that theme's page with
the card's indicator selected.

The cards, the year and the notice are one browser component: a session builds one model
for the whole page, and each card's text is made once per year, language and data version
for every session (`model.pagecache`).

URL parameters synced (by the app): page=overview, year, lang.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import panel as pn
import param
from panel.reactive import ReactiveHTML
from panel.viewable import Viewer

from ..data import DashboardData
from ..i18n import format_ratio, t
from ..model import pagecache
from ..model.cells import per_data_version
from ..model.kpi import HEADLINE_INDICATORS, Kpi, summary_lines, value_text
from ..model.targets import no_target_text, target_text
from ..state import DashboardState
from . import PageRecord

SLUG = "overview"
TITLE = {"vi": "Tổng quan", "en": "Overview"}
ICON = "dashboard"
STRINGS = {
    "open": {"vi": "Xem chi tiết →", "en": "Details →"},
    "districts_illustrative": {"vi": "số liệu quận, huyện, thị xã minh họa", "en": "illustrative district figures"},
    "year": {"vi": "Năm theo dõi", "en": "Year"},
    "intro": {
        "vi": "Mỗi thẻ là một chỉ tiêu chính của một lĩnh vực: giá trị toàn thành phố, mục tiêu và "
        "căn cứ, thay đổi so với kỳ trước và số quận, huyện, thị xã chưa đạt. Chạm vào thẻ để xem chi tiết.",
        "en": "Each card is a headline indicator of one theme: the city value, the target and its "
        "basis, the change since the previous period and how many districts are behind. Tap a card "
        "for details.",
    },
}


def overview_years(data: DashboardData) -> list[int]:
    """Years any annual headline indicator has figures for, newest first."""
    return list(pagecache.overview_years(data))


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
    target = f'<div class="kpi-target">{t("target", lang)}: {no_target_text(indicator, lang)}</div>'
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


@per_data_version(maxsize=128)
def overview_cards(data: DashboardData, year: int, lang: str) -> tuple[dict, ...]:
    """Every card of the overview for a year and language: what the browser component draws."""
    kpis = pagecache.overview_kpis(data, year)
    return tuple(
        {"id": indicator_id, "label": STRINGS["open"][lang],
         "html": kpi_card_html(kpis[indicator_id], data.catalogue.theme(theme_id).name[lang], lang)}
        for theme_id, indicator_ids in HEADLINE_INDICATORS.items() for indicator_id in indicator_ids
    )


def any_illustrative(data: DashboardData, year: int) -> bool:
    """True when any card of the year shows an illustrative figure."""
    return any(kpi.illustrative for kpi in pagecache.overview_kpis(data, year).values())


# The page's controls drawn as the rest of the dashboard draws them (dashboard.css has the cards).
DECK_STYLE = """
.overview-intro { margin: 4px 10px; }
.overview-year { margin: 4px 10px 8px; display: flex; flex-direction: column; width: 160px; }
.overview-year label { font-size: 0.9rem; margin-bottom: 2px; }
.overview-year select { font: inherit; padding: 4px 6px; border: 1px solid #bbb; border-radius: 4px; }
.illustrative-notice { margin: 4px 10px; padding: 10px 14px; border: 1px solid #ffe69c; border-radius: 6px;
  background: #fff3cd; color: #664d03; }
.kpi-cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 5px; }
.kpi-card-box { flex: 1 1 300px; min-width: 0; max-width: 560px; display: flex; flex-direction: column; }
.kpi-open button { margin: 6px 0 4px; padding: 6px 14px; font: inherit; color: #fff; background: #5b2a86;
  border: 1px solid #5b2a86; border-radius: 4px; cursor: pointer; }
.kpi-open button:hover, .kpi-open button:focus { background: #472069; }
"""


class KpiDeck(ReactiveHTML):
    """The overview's intro, year choice, notice and cards with their buttons, as one model.

    The year travels both ways; a card's button names its indicator in `opened`, which the
    server hands to `on_open` and clears.
    """

    intro = param.String(default="", doc="Intro paragraph (HTML).")
    year_label = param.String(default="", doc="Label of the year choice.")
    years = param.List(default=[], doc="Years offered, newest first.")
    year = param.Integer(default=None, allow_None=True, doc="Year shown.")
    notice = param.String(default="", doc="Illustrative-data notice (HTML); empty hides it.")
    cards = param.List(default=[], doc="Cards: {'id', 'html', 'label'} each, in order.")
    opened = param.String(default="", doc="Indicator id of the card whose button was pressed.")

    _template = '<div id="deck" class="overview-deck"></div>'
    _scripts = {
        "render": """
  const intro = document.createElement('div')
  intro.className = 'overview-intro'
  const yearBox = document.createElement('div')
  yearBox.className = 'overview-year'
  const label = document.createElement('label')
  const select = document.createElement('select')
  select.onchange = () => { data.year = Number(select.value) }
  yearBox.append(label, select)
  const notice = document.createElement('div')
  notice.className = 'illustrative-notice'
  notice.setAttribute('role', 'alert')
  const cards = document.createElement('div')
  cards.className = 'kpi-cards'
  deck.replaceChildren(intro, yearBox, notice, cards)
  state.draw = () => {
    intro.innerHTML = data.intro
    label.textContent = data.year_label
    select.replaceChildren(...data.years.map((year) => {
      const option = document.createElement('option')
      option.value = String(year)
      option.textContent = String(year)
      option.selected = year === data.year
      return option
    }))
    notice.innerHTML = data.notice
    notice.style.display = data.notice ? '' : 'none'
    cards.replaceChildren(...data.cards.map((card) => {
      const box = document.createElement('div')
      box.className = `kpi-card-box kpi-${card.id}`
      box.innerHTML = card.html
      const open = document.createElement('div')
      open.className = `kpi-open kpi-open-${card.id}`
      const button = document.createElement('button')
      button.type = 'button'
      button.textContent = card.label
      button.onclick = () => { data.opened = card.id }
      open.append(button)
      box.append(open)
      return box
    }))
  }
  state.draw()
""",
        **{name: "state.draw()" for name in ("intro", "year_label", "years", "year", "notice", "cards")},
    }
    _stylesheets = [DECK_STYLE]

    def __init__(self, on_open: Callable[[str], None] | None = None, **params):
        super().__init__(**params)
        # Called with the indicator id of a card opened; not a parameter, so never sent.
        self.on_open = on_open
        self.param.watch(self._on_opened, "opened")

    def offline_view(self) -> pn.Column:
        """The same texts as static panes, for the offline copy (export.pages): no buttons."""
        year = f'<div class="choice"><b>{html.escape(self.year_label)}</b>: {self.year}</div>'
        parts = [pn.pane.HTML(self.intro), pn.pane.HTML(year)]
        if self.notice:
            parts.append(pn.pane.HTML(f'<div class="notice">{self.notice}</div>'))
        cards = [pn.pane.HTML(f'<div class="kpi-card-box kpi-{card["id"]}">{card["html"]}</div>')
                 for card in self.cards]
        return pn.Column(*parts, pn.FlexBox(*cards, css_classes=["kpi-cards"]))

    def _on_opened(self, event) -> None:
        if event.new:
            self.opened = ""  # ready for the next press, even on the same card
            if self.on_open is not None:
                self.on_open(event.new)


class OverviewPage(Viewer):
    """One card per headline indicator; each card opens its theme's page."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")

    def __init__(self, **params):
        super().__init__(**params)
        self._years = overview_years(self.data)
        self._deck = KpiDeck(
            years=self._years, on_open=self._open_card, sizing_mode="stretch_width", margin=0,
            css_classes=["kpi-deck"], year=self._choice(self.state.year, self._years[0]),
            **self._content(self.state.year, self.state.lang),
        )
        self._deck.param.watch(self._on_deck_year, "year")
        self.state.param.watch(self._refresh, ["year", "lang", "data_version"])

    def _choice(self, year: int, otherwise: int | None) -> int | None:
        """The year the choice shows: the state's when offered, else it keeps what it had."""
        return year if year in self._years else otherwise

    def _content(self, year: int, lang: str) -> dict:
        """The deck's texts for the cards of `year` (a term year shows the term that contains it)."""
        notice = f"⚠ <b>{html.escape(t('illustrative_notice', lang))}</b>" if any_illustrative(self.data, year) else ""
        return {
            "year_label": STRINGS["year"][lang],
            "intro": f"<p>{STRINGS['intro'][lang]}</p>",
            "notice": notice,
            "cards": list(overview_cards(self.data, year, lang)),
        }

    @property
    def cards(self) -> list[dict]:
        """The cards shown now: {'id', 'html', 'label'} each."""
        return self._deck.cards

    def _on_deck_year(self, event) -> None:
        if event.new is not None and event.new != self.state.year:
            self.state.year = event.new

    def _refresh(self, *_events) -> None:
        self._years = overview_years(self.data)
        self._deck.param.update(years=self._years, year=self._choice(self.state.year, self._deck.year),
                                **self._content(self.state.year, self.state.lang))

    def _open_card(self, indicator_id: str) -> None:
        theme_id = next(theme for theme, ids in HEADLINE_INDICATORS.items() if indicator_id in ids)
        self._open(theme_id, indicator_id)

    def _open(self, theme_id: str, indicator_id: str) -> None:
        """Open the theme page on this card's indicator and the period that contains the year."""
        self.state.param.update(page=theme_id, indicator=indicator_id)

    def __panel__(self):
        return self._deck


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=OverviewPage)
