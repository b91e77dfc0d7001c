"""Download buttons for review meetings: map and chart PNGs, the deck, and an offline HTML copy.

On an indicator page, next to the views that share its snapshot::

    ExportButtons(snapshot=snapshot)

On any other page that shows figures (overview, district profile, methods)::

    ExportButtons(state=state, data=data)

The widgets are created once; a file is computed only when its button is pressed, from
the state as it is at that moment (page, indicator, period, district, language). The
values are read on the server's event loop, and the file is then made in a worker
thread, so a slow export never holds up the other sessions. The export modules are
imported on the first press, so the page loads no faster or slower for it.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import io
from concurrent.futures import ThreadPoolExecutor

import panel as pn
import param
from panel.viewable import Viewer

from ..data import DashboardData
from ..i18n import t
from ..model.snapshot import IndicatorSnapshot
from ..state import DashboardState
from .parts import wrapping_row

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


class ExportButtons(Viewer):
    """FileDownload buttons whose files follow the shared state."""

    snapshot = param.ClassSelector(
        class_=IndicatorSnapshot, allow_None=True, doc="Values of an indicator page, if any."
    )
    state = param.ClassSelector(class_=DashboardState, doc="Shared view state (the snapshot's).")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data (the snapshot's).")

    def __init__(self, **params):
        super().__init__(**params)
        if self.snapshot is not None:
            self.param.update(state=self.snapshot.state, data=self.snapshot.data)
        callbacks = {
            "map": self.map_png,
            "chart": self.chart_png,
            "deck": self.deck_pptx,
            "html": self.snapshot_html,
        }
        keys = (
            [key for key, _label in DOWNLOADS]
            if self.snapshot is not None
            else PAGE_DOWNLOADS.get(self.state.page, ("html",))
        )
        labels = dict(DOWNLOADS)
        # The download widgets by kind (map, chart, deck, html): public, so that notebooks and
        # tests read what a user sees without reaching into the layout.
        self.downloads = {
            key: pn.widgets.FileDownload(
                callback=callbacks[key],
                embed=False,
                filename=self.filename(key),
                label=t(labels[key], self.state.lang),
                css_classes=["export-button", f"export-{key}"],
                margin=(4, 6),
            )
            for key in keys
        }
        # The heading on a line of its own, the buttons wrapping below it.
        self._heading = pn.pane.HTML(self._heading_html(), margin=(8, 0, 0, 0), styles={"flex-basis": "100%"})
        self._layout = wrapping_row(self._heading, *self.downloads.values(),
                                    sizing_mode="stretch_width", css_classes=["export-buttons"])
        self._enable()
        if self.snapshot is not None:
            self.snapshot.param.watch(self._refresh, ["display"])
        self.state.param.watch(self._refresh, ["lang", "year", "district", "indicator", "page"])

    # ------------------------------------------------------------ file names

    @property
    def page(self) -> str:
        """The page a copy is made of: the state's, or the map for a bare snapshot."""
        from ..export.pages import PAGES

        page = self.state.page
        if self.snapshot is not None and page in PAGE_DOWNLOADS:
            return "map"
        return page if page in PAGES else "map"

    def filename(self, key: str) -> str:
        from ..export.common import export_filename, page_filename

        state = self.state
        if key == "html":
            return page_filename(self.page, state.lang, state.year, state.indicator, state.district)
        indicator = None if key == "deck" else state.indicator
        return export_filename(key, state.lang, state.year, indicator)

    def _heading_html(self) -> str:
        return f'<div class="export-heading" style="padding: 0 6px">{t("export_heading", self.state.lang)}</div>'

    def _refresh(self, *_events) -> None:
        lang = self.state.lang
        labels = dict(DOWNLOADS)
        for key, widget in self.downloads.items():
            widget.param.update(filename=self.filename(key), label=t(labels[key], lang))
        self._enable()
        self._heading.object = self._heading_html()

    def _enable(self) -> None:
        """A district profile can only be copied once a district is chosen."""
        if "html" in self.downloads:
            self.downloads["html"].disabled = self.page == "district" and not self.state.district

    # ------------------------------------------------------------ callbacks

    def request(self) -> ExportRequest:
        """The values to export, as the user sees them now."""
        state = self.state
        return ExportRequest(
            data=self.data, page=self.page, indicator=state.indicator, year=state.year,
            district=state.district, lang=state.lang, gap=bool(state.gap),
        )

    async def map_png(self) -> io.BytesIO:
        return io.BytesIO(await off_loop(_png, self.request(), "map"))

    async def chart_png(self) -> io.BytesIO:
        return io.BytesIO(await off_loop(_png, self.request(), "chart"))

    async def deck_pptx(self) -> io.BytesIO:
        return io.BytesIO(await off_loop(_deck, self.request()))

    async def snapshot_html(self) -> io.BytesIO:
        return io.BytesIO((await off_loop(_page_html, self.request())).encode("utf-8"))

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
