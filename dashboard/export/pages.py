"""Offline copies of every page that shows figures, one self-contained HTML file each.

A page is built exactly as the dashboard builds it (its own `PageRecord.factory`, with a
state set to the page, indicator, period, district and language asked for), and what it
shows is copied into a static Bokeh document: HTML panes as they are, notices, HoloViews
charts rendered by Bokeh, choices as plain text. The indicator explorer becomes the linked
map, ranking and district card of `export.snapshot`. Buttons, which would need a server,
are left out; the footer says the copy is fixed at export time and gives its sources.

Everything is inline: the file opens from disk with no request to any host.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import html

import holoviews as hv
import pandas as pd
import panel as pn
from bokeh.document import Document
from bokeh.layouts import column
from bokeh.models import Div, InlineStyleSheet
from markdown_it import MarkdownIt
from panel.layout import ListLike
from panel.viewable import Viewer

from ..data import DashboardData
from ..i18n import t
from ..maps import DISTRICT_MAP
from ..model.indicators import explorer_indicators
from ..model.kpi import HEADLINE_INDICATORS, indicator_kpi
from ..model.periods import map_periods, resolve_period
from ..pages import PageRecord, registered_pages
from ..server import APP_STYLESHEET
from ..state import DEFAULT_INDICATOR, YEAR_BOUNDS, DashboardState, new_state
from ..views.explorer import IndicatorExplorer
from ..views.parts import WrappingBox
from . import common
from .snapshot import (
    STYLE,
    document_html,
    explorer_models,
    footer_div,
    size_for_document,
    text_div,
)

# Pages that show figures, in navigation order; the data page only administers imports.
PAGES = ("overview", "map", "committees", "leadership", "capacity", "health", "district", "methods")
# Extra rules for the copy, after the dashboard's own stylesheet (whose classes the pages' HTML
# uses): notices as on screen, cards side by side as on screen.
COPY_STYLE = """
.page-kicker { color: #5b2a86; font-weight: 700; font-size: 0.95rem; }
.choice { font-size: 0.98rem; margin: 4px 0; }
.note { background: #eef4fb; border: 1px solid #b6cde8; border-radius: 6px; padding: 8px 12px; }
.copy-row { display: flex; flex-wrap: wrap; gap: 12px; }
.copy-row > div { flex: 1 1 300px; min-width: 0; }
"""
STRINGS = {
    "needs_district": {
        "vi": "trang hồ sơ quận, huyện cần mã một quận, huyện (--district, ví dụ 271)",
        "en": "the district profile needs a district code (--district, e.g. 271)",
    },
    "unknown_page": {
        "vi": "không có trang {page} để xuất; chọn một trong: {pages}",
        "en": "there is no page {page} to export; choose one of: {pages}",
    },
    "not_on_page": {
        "vi": "chỉ tiêu {indicator} không có trên trang {page}; trang có: {choices}",
        "en": "indicator {indicator} is not on the {page} page; the page has: {choices}",
    },
    "year_bounds": {
        "vi": "kỳ {period} nằm ngoài khoảng {low}–{high}",
        "en": "period {period} is outside {low}–{high}",
    },
}


class PageRequestError(ValueError):
    """A page export that cannot be made as asked, explained in Vietnamese and English."""

    def __init__(self, key: str, **values):
        self.texts = {lang: STRINGS[key][lang].format(**values) for lang in ("vi", "en")}
        super().__init__(self.texts["vi"])

    def message(self, lang: str = "vi") -> str:
        return self.texts[lang]


@dataclasses.dataclass(frozen=True)
class PageCopy:
    """An exported page: the HTML document and the state it was built with."""

    html: str
    page: str
    indicator: str
    period: int
    district: str
    lang: str


def page_html(
    data: DashboardData,
    page: str,
    *,
    indicator: str | None = None,
    period: int | None = None,
    district: str = "",
    lang: str = "vi",
    today: dt.date | None = None,
    gap: bool = False,
) -> PageCopy:
    """The page `page` as one self-contained HTML document, as the dashboard would show it.

    `indicator` and `period` default to the page's first indicator and its latest period
    (the latest overview year on the overview). Raises PageRequestError for a choice the
    page cannot show.
    """
    state = page_state(data, page, indicator, period, district, lang, gap)
    # Built in a context of its own: a page that holds or freezes "the current document"
    # must not reach a served session's document from an export thread.
    return contextvars.copy_context().run(_build, data, state, today or dt.date.today())


def page_state(
    data: DashboardData,
    page: str,
    indicator: str | None,
    period: int | None,
    district: str,
    lang: str,
    gap: bool = False,
) -> DashboardState:
    """The state a page is built with, validated and with the page's defaults filled in."""
    if page not in PAGES:
        raise PageRequestError("unknown_page", page=page, pages=", ".join(PAGES))
    record = _record(page)
    if page == "district" and not district:
        raise PageRequestError("needs_district")
    if record.explorer:
        choices = explorer_indicators(data, record.theme)
        if indicator is None:
            # As on screen: the dashboard's indicator where the page offers it, else its first.
            indicator = DEFAULT_INDICATOR if DEFAULT_INDICATOR in choices else choices[0]
        elif indicator not in choices:
            raise PageRequestError("not_on_page", indicator=indicator, page=page, choices=", ".join(choices))
        if period is None:
            period = map_periods(data, indicator)[-1]
    elif page == "overview":
        from ..pages.overview import overview_years

        years = sorted(overview_years(data))
        period = years[-1] if period is None else (resolve_period(years, period) or period)
    indicator = indicator or DEFAULT_INDICATOR
    low, high = YEAR_BOUNDS
    if period is not None and not low <= period <= high:
        raise PageRequestError("year_bounds", period=period, low=low, high=high)
    values = {"page": page, "indicator": indicator, "district": district, "lang": lang, "gap": gap}
    if period is not None:
        values["year"] = period
    return new_state(data, **values)


def _record(page: str) -> PageRecord:
    return next(record for record in registered_pages() if record.slug == page)


def _build(data: DashboardData, state: DashboardState, today: dt.date) -> PageCopy:
    # Panel may add roots of its own to the current document: the copy is not built in it.
    pn.state.curdoc = Document()
    lang = state.lang
    record = _record(state.page)
    stylesheet = InlineStyleSheet(
        css=STYLE + APP_STYLESHEET.read_text(encoding="utf-8") + COPY_STYLE
    )
    with common.bokeh_backend():
        view = record.factory(state=state, data=data)
        copier = _Copier(stylesheet)
        body = copier.copy(view)
    kicker = text_div(
        f'<div class="page-kicker">{html.escape(t("app_title", lang))} · '
        f"{html.escape(record.title[lang])}</div>",
        stylesheet,
    )
    sources = _source_line(data, state, copier.snapshot)
    shown = common.shown_map(copier.snapshot).id if copier.snapshot is not None else DISTRICT_MAP.id
    parts = [kicker, *body, footer_div(sources, today, lang, stylesheet, shown)]
    title = f"{record.title[lang]} · {t('app_title', lang)}"
    if copier.snapshot is not None:
        title = f"{common.heading(copier.snapshot)} · {common.period_heading(copier.snapshot)}"
    return PageCopy(
        html=document_html(parts, title, lang),
        page=state.page,
        indicator=state.indicator,
        period=state.year,
        district=state.district,
        lang=lang,
    )


class _Copier:
    """Walks a page's Panel objects and returns static Bokeh models showing the same."""

    def __init__(self, stylesheet: InlineStyleSheet):
        self.stylesheet = stylesheet
        self.markdown = MarkdownIt()
        self.explorers: dict[int, IndicatorExplorer] = {}
        # The explorer's snapshot, when the page has one: its sources go in the footer.
        self.snapshot = None

    def copy(self, obj) -> list:
        # Inside a layout Panel keeps a Viewer's own layout, not the Viewer: know both.
        explorer = self.explorers.get(id(obj))
        if explorer is None and isinstance(obj, IndicatorExplorer):
            explorer = obj
        if explorer is not None:
            self.snapshot = explorer.snapshot
            return explorer_models(explorer.snapshot, self.stylesheet)
        if isinstance(obj, Viewer):
            explorer = getattr(obj, "explorer", None)
            if isinstance(explorer, IndicatorExplorer):
                self.explorers[id(explorer.__panel__())] = explorer
            return self.copy(obj.__panel__())
        if not getattr(obj, "visible", True):
            return []
        offline = getattr(obj, "offline_view", None)
        if callable(offline):  # a component the browser draws itself gives its static view
            return self.copy(offline())
        if isinstance(obj, pn.widgets.Select):
            return [self._div(self._choice(obj))]
        if isinstance(obj, pn.widgets.Widget):
            return []  # buttons and downloads need a server
        if isinstance(obj, ListLike):
            return self._children(obj)
        if isinstance(obj, pn.pane.Alert):
            kind = "notice" if obj.alert_type in ("warning", "danger") else "note"
            return [self._div(f'<div class="{kind}">{self.markdown.render(str(obj.object))}</div>')]
        if isinstance(obj, pn.pane.Markdown):
            return [self._div(self.markdown.render(str(obj.object)), obj)]
        if isinstance(obj, pn.pane.HTML):
            return [self._div(str(obj.object or ""), obj)]
        if isinstance(obj, pn.pane.HoloViews):
            return [self._plot(obj.object)]
        if isinstance(obj, pn.pane.Bokeh):
            # Built for this copy alone (the page was built here), so the model can be reused.
            return [obj.object]
        raise TypeError(f"No offline copy for {type(obj).__name__}")

    def _children(self, layout: ListLike) -> list:
        parts = [part for child in layout.objects for part in self.copy(child)]
        flowing = isinstance(layout, (pn.FlexBox, pn.Row, WrappingBox)) and len(layout.objects) > 1
        if not flowing:
            return parts
        # Side by side on screen: cards in a wrapping row; plots stacked, which prints well.
        if parts and all(isinstance(part, Div) for part in parts):
            cells = "".join(f"<div>{part.text}</div>" for part in parts)
            return [self._div(f'<div class="copy-row">{cells}</div>')]
        return [column(*parts, sizing_mode="stretch_width")]

    def _div(self, text: str, pane=None):
        classes = " ".join(getattr(pane, "css_classes", None) or [])
        if classes:
            text = f'<div class="{html.escape(classes)}">{text}</div>'
        return text_div(text, self.stylesheet)

    @staticmethod
    def _choice(widget: pn.widgets.Select) -> str:
        label = next((name for name, value in widget._items.items() if value == widget.value), widget.value)
        return (
            f'<div class="choice"><b>{html.escape(str(widget.name))}</b>: '
            f"{html.escape(str(label))}</div>"
        )

    def _plot(self, element):
        # A fresh plot of the element the page shows now, outside any session's document.
        figure = hv.renderer("bokeh").get_plot(element, doc=Document()).state
        size_for_document(figure)
        return figure


def _source_line(data: DashboardData, state: DashboardState, snapshot) -> str:
    """The sources of what the page shows, for the footer."""
    lang = state.lang
    if snapshot is not None:
        return common.source_line(snapshot, with_boundaries=True)
    items: list[str] = []
    illustrative = False
    if state.page == "overview":
        for indicator_ids in HEADLINE_INDICATORS.values():
            for indicator_id in indicator_ids:
                kpi = indicator_kpi(data, indicator_id, state.year)
                items.append(kpi.indicator.source[lang].rstrip("."))
                if kpi.source and kpi.status != "illustrative":
                    items.extend(part.strip() for part in kpi.source.split(";"))
                illustrative = illustrative or kpi.illustrative
    elif state.page == "district":
        from ..pages.district import profile_table, source_text

        table = profile_table(data, state.district, lang)
        for indicator_id, source, status in zip(table["indicator_id"], table["source"], table["status"]):
            items.append(data.indicator(indicator_id).source[lang].rstrip("."))
            if status != "illustrative":
                items.append(source_text(str(source), lang))
        illustrative = bool((table["status"] == "illustrative").any()) if len(table) else False
    else:  # methods: the metadata shown, and every published figure listed on the page
        items.append(data.indicator(state.indicator).source[lang].rstrip("."))
        published = data.observations[data.observations["status"] != "illustrative"]["source"]
        items.extend(str(source) for source in pd.unique(published.dropna()))
    if illustrative:
        items.append(t("export_illustrative_source", lang))
    line = f"{t('source', lang)}: " + "; ".join(dict.fromkeys(item for item in items if item)) + "."
    # The methods page describes both maps: it credits both.
    return common.nfc(f"{line} {common.all_attributions(lang)}" if state.page == "methods" else line)
