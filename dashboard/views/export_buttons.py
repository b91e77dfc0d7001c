"""Download buttons for review meetings: map and chart PNGs, the deck, and an offline HTML copy.

On an indicator page, next to the views that share its snapshot::

    ExportButtons(snapshot=snapshot)

On any other page that shows figures (overview, district profile, methods)::

    ExportButtons(state=state, data=data)

Served by the launcher, the buttons are plain links to its download route (DOWNLOAD_ROUTE,
answered by dashboard.server): a file is made when its link is followed, from the query of
the page's address at that moment, which is what the screen shows. One HTML pane, not four
widgets, for every session to build. Elsewhere (a notebook), they are FileDownload widgets
that make the file from the session's state when pressed.

Either way the file is made in an export thread, so a slow export never holds up the other
sessions, and the export modules are imported on the first file, so the page loads no faster
or slower for them.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import functools
import html
import io
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import panel as pn
import param
from panel.viewable import Viewer

from ..data import DashboardData
from ..i18n import t
from ..model.snapshot import IndicatorSnapshot
from ..server import DOWNLOAD_ROUTE
from ..state import DashboardState, new_state
from .parts import TextPane, wrapping_row

CONTENT_TYPES = {
    "map": "image/png",
    "chart": "image/png",
    "deck": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html; charset=utf-8",
}
# (key, button label string)
# No icons: Panel's widget icons are a web font fetched from a CDN, which the intranet lacks.
DOWNLOADS = (
    ("map", "export_button_map"),
    ("chart", "export_button_chart"),
    ("deck", "export_button_deck"),
    ("html", "export_button_html"),
)
# The files a page without an indicator explorer offers: the deck is the overview's KPIs.
PAGE_DOWNLOADS = {"overview": ("deck", "html"), "district": ("html",), "methods": ("html",)}
# Exports share a lock around drawing (export.common.RENDER_LOCK); a second worker lets a
# deck's text and a copy's document be assembled while another export draws.
EXPORT_WORKERS = 2
_EXECUTOR = ThreadPoolExecutor(max_workers=EXPORT_WORKERS, thread_name_prefix="export")


@dataclasses.dataclass(frozen=True)
class ExportRequest:
    """What to export, read from the session's state before leaving the event loop."""

    data: DashboardData
    page: str
    indicator: str
    year: int
    district: str
    lang: str
    gap: bool


def offered_kinds(page: str, explorer: bool) -> tuple[str, ...]:
    """The files a page offers: all four next to an indicator explorer, else the page's own."""
    return tuple(key for key, _label in DOWNLOADS) if explorer else PAGE_DOWNLOADS.get(page, ())


def export_page(page: str, explorer: bool) -> str:
    """The page an offline copy is made of: the page shown, or the map for an explorer on a page
    that has no copy of its own."""
    from ..export.pages import PAGES

    if explorer and page in PAGE_DOWNLOADS:
        return "map"
    return page if page in PAGES else "map"


def download_filename(kind: str, request: ExportRequest) -> str:
    """A file name that says what the file holds."""
    from ..export.common import export_filename, page_filename

    if kind == "html":
        return page_filename(request.page, request.lang, request.year, request.indicator, request.district)
    return export_filename(kind, request.lang, request.year, None if kind == "deck" else request.indicator)


def may_download(kind: str, request: ExportRequest) -> bool:
    """A district profile can only be copied once a district is chosen."""
    return not (kind == "html" and request.page == "district" and not request.district)


def made_file(request: ExportRequest, kind: str) -> bytes:
    """The file of `kind` for `request`; slow: run it with `off_loop`."""
    if kind == "deck":
        return _deck(request)
    if kind == "html":
        return _page_html(request).encode("utf-8")
    return _png(request, kind)


def request_from_query(data: DashboardData, kind: str, query: dict[str, str]) -> ExportRequest | None:
    """What a download link asks for, from a page's query, read as the page reads it; None when
    that page offers no such file. A malformed or unknown value is the page's default."""
    from ..model.periods import settle_period
    from ..pages import registered_pages
    from ..shell import state_from_query

    state = new_state(data, **state_from_query(query, data))
    records = {record.slug: record for record in registered_pages()}
    explorer = state.page in records and records[state.page].explorer
    if kind not in offered_kinds(state.page, explorer):
        return None
    # An explorer shows the indicator's period that holds the year (IndicatorSnapshot); other pages the year.
    year = settle_period(data, state.indicator, state.year) if explorer else state.year
    request = ExportRequest(
        data=data, page=export_page(state.page, explorer), indicator=state.indicator, year=year,
        district=state.district, lang=state.lang, gap=bool(state.gap),
    )
    return request if may_download(kind, request) else None


class ExportButtons(Viewer):
    """The download buttons of a page, whose files follow the shared state."""

    snapshot = param.ClassSelector(
        class_=IndicatorSnapshot, allow_None=True, doc="Values of an indicator page, if any."
    )
    state = param.ClassSelector(class_=DashboardState, doc="Shared view state (the snapshot's).")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data (the snapshot's).")
    as_links = param.Boolean(
        default=None, allow_None=True,
        doc="Links to the launcher's download route rather than widgets; by default, when served by the launcher.",
    )

    def __init__(self, **params):
        super().__init__(**params)
        if self.snapshot is not None:
            self.param.update(state=self.snapshot.state, data=self.snapshot.data)
        if self.as_links is None:
            from ..server import links_assets

            self.as_links = links_assets()
        self.kinds = offered_kinds(self.state.page, explorer=self.snapshot is not None)
        # The download widgets by kind, without links: public, so that notebooks and tests read
        # what a user sees without reaching into the layout.
        self.downloads: dict[str, pn.widgets.FileDownload] = {}
        if self.as_links:
            self._layout = TextPane(self._links_html(), sizing_mode="stretch_width",
                                    css_classes=["export-buttons"])
        else:
            self.downloads = {
                key: pn.widgets.FileDownload(
                    callback=functools.partial(self.file, key), embed=False, filename=self.filename(key),
                    label=self.label(key), css_classes=["export-button", f"export-{key}"], margin=(4, 6),
                    disabled=not self.enabled(key),
                )
                for key in self.kinds
            }
            # The heading on a line of its own, the buttons wrapping below it.
            self._heading = pn.pane.HTML(self._heading_html(), margin=(8, 0, 0, 0), styles={"flex-basis": "100%"})
            self._layout = wrapping_row(self._heading, *self.downloads.values(),
                                        sizing_mode="stretch_width", css_classes=["export-buttons"])
        if self.snapshot is not None:
            self.snapshot.param.watch(self._refresh, ["display"])
        self.state.param.watch(self._refresh, ["lang", "year", "district", "indicator", "page", "gap"])

    @property
    def page(self) -> str:
        """The page a copy is made of: the state's, or the map for a bare snapshot."""
        return export_page(self.state.page, self.snapshot is not None)

    def filename(self, key: str) -> str:
        return download_filename(key, self.request())

    def label(self, key: str) -> str:
        return t(dict(DOWNLOADS)[key], self.state.lang)

    def enabled(self, key: str) -> bool:
        return may_download(key, self.request())

    def href(self, key: str) -> str:
        """The link to the file as the state shows it; the browser puts the page's own query on it
        when it is followed (dashboard/assets/downloads.js), which is the same once the server has
        heard of the last change."""
        from ..shell import url_query

        return f"{DOWNLOAD_ROUTE}/{key}?{urlencode(url_query(self.state))}"

    def _heading_html(self) -> str:
        return f'<div class="export-heading" style="padding: 0 6px">{t("export_heading", self.state.lang)}</div>'

    def _links_html(self) -> str:
        links = []
        for key in self.kinds:
            label, classes = html.escape(self.label(key)), f"export-button export-{key}"
            if self.enabled(key):
                links.append(f'<a class="{classes}" href="{html.escape(self.href(key))}" '
                             f'data-route="{DOWNLOAD_ROUTE}/{key}" download>{label}</a>')
            else:
                links.append(f'<span class="{classes} disabled" aria-disabled="true">{label}</span>')
        return self._heading_html() + f'<div class="export-links">{"".join(links)}</div>'

    def _refresh(self, *_events) -> None:
        if self.as_links:
            self._layout.object = self._links_html()
            return
        for key, widget in self.downloads.items():
            widget.param.update(filename=self.filename(key), label=self.label(key), disabled=not self.enabled(key))
        self._heading.object = self._heading_html()

    # ------------------------------------------------------------ files

    def request(self) -> ExportRequest:
        """The values to export, as the user sees them now."""
        state = self.state
        return ExportRequest(
            data=self.data, page=self.page, indicator=state.indicator, year=state.year,
            district=state.district, lang=state.lang, gap=bool(state.gap),
        )

    async def file(self, key: str) -> io.BytesIO:
        """The file of `key` (map, chart, deck, html) as the state shows it, made in an export thread."""
        return io.BytesIO(await off_loop(made_file, self.request(), key))

    def __panel__(self):
        return self._layout


async def off_loop(function, *args):
    """Run `function(*args)` in an export thread and wait for it without blocking the loop.

    A fresh context: the worker must not see the calling session as Panel's current document.
    """
    loop = asyncio.get_running_loop()
    context = contextvars.Context()
    return await loop.run_in_executor(_EXECUTOR, context.run, function, *args)


def _png(request: ExportRequest, view: str) -> bytes:
    from ..export import common
    from ..export.images import render_png

    snapshot = common.snapshot_for(
        request.data, request.indicator, request.year, request.lang, district=request.district,
        gap=request.gap,
    )
    return render_png(snapshot, view)


def _deck(request: ExportRequest) -> bytes:
    from ..export.deck import deck_bytes

    return deck_bytes(request.data, request.year, request.lang)


def _page_html(request: ExportRequest) -> str:
    from ..export.pages import page_html

    return page_html(
        request.data, request.page, indicator=request.indicator, period=request.year,
        district=request.district, lang=request.lang, gap=request.gap,
    ).html
