"""Download buttons for review meetings: map and chart PNGs, the deck, and an offline HTML copy.

Place it on a page next to the views that share its snapshot::

    ExportButtons(snapshot=snapshot)

The widgets are created once; a file is computed only when its button is pressed, from
the snapshot as it is at that moment (indicator, period, district, language). The export
modules are imported on the first press, so the page loads no faster or slower for it.
"""

from __future__ import annotations

import io

import panel as pn
import param
from panel.viewable import Viewer

from ..i18n import t
from ..model.snapshot import IndicatorSnapshot

# (key, button label string, icon)
# No icons: Panel's widget icons are a web font fetched from a CDN, which the intranet lacks.
DOWNLOADS = (
    ("map", "export_button_map"),
    ("chart", "export_button_chart"),
    ("deck", "export_button_deck"),
    ("html", "export_button_html"),
)


class ExportButtons(Viewer):
    """Four FileDownload buttons whose files follow the shared snapshot."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to export.")

    def __init__(self, **params):
        super().__init__(**params)
        callbacks = {
            "map": self.map_png,
            "chart": self.chart_png,
            "deck": self.deck_pptx,
            "html": self.snapshot_html,
        }
        self._downloads = {
            key: pn.widgets.FileDownload(
                callback=callbacks[key],
                embed=False,
                filename=self.filename(key),
                label=t(label, self.snapshot.state.lang),
                css_classes=["export-button", f"export-{key}"],
                margin=(4, 6),
            )
            for key, label in DOWNLOADS
        }
        self._heading = pn.pane.HTML(self._heading_html(), margin=(8, 6, 0, 6))
        self._layout = pn.Column(
            self._heading,
            pn.FlexBox(*self._downloads.values(), sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
            css_classes=["export-buttons"],
        )
        self.snapshot.param.watch(self._refresh, ["display"])

    # ------------------------------------------------------------ file names

    def filename(self, key: str) -> str:
        from ..export.common import export_filename

        state = self.snapshot.state
        indicator = None if key == "deck" else state.indicator
        return export_filename(key, state.lang, state.year, indicator)

    def _heading_html(self) -> str:
        return f'<div class="export-heading">{t("export_heading", self.snapshot.state.lang)}</div>'

    def _refresh(self, *_events) -> None:
        lang = self.snapshot.state.lang
        for key, label in DOWNLOADS:
            self._downloads[key].param.update(filename=self.filename(key), label=t(label, lang))
        self._heading.object = self._heading_html()

    # ------------------------------------------------------------ callbacks

    def map_png(self) -> io.BytesIO:
        from ..export.images import render_png

        return io.BytesIO(render_png(self.snapshot, "map"))

    def chart_png(self) -> io.BytesIO:
        from ..export.images import render_png

        return io.BytesIO(render_png(self.snapshot, "chart"))

    def deck_pptx(self) -> io.BytesIO:
        from ..export.deck import deck_bytes

        state = self.snapshot.state
        return io.BytesIO(deck_bytes(self.snapshot.data, state.year, state.lang))

    def snapshot_html(self) -> io.BytesIO:
        from ..export.snapshot import snapshot_html

        return io.BytesIO(snapshot_html(self.snapshot).encode("utf-8"))

    def __panel__(self):
        return self._layout
