"""The district choropleth: polygons are sent once, then only values and colours change."""

from __future__ import annotations

import geopandas as gpd
import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.models import DataRange1d
from panel.viewable import Viewer

from ..i18n import t
from ..state import DashboardState
from .frames import VALUE_COLUMNS
from .legend import legend_html
from .snapshot import IndicatorSnapshot

# Pixels. Tall enough to tell the small inner-city districts apart on a laptop.
MAP_HEIGHT = 560


def polygon_records(districts: gpd.GeoDataFrame, display: pd.DataFrame) -> list[dict]:
    """HoloViews polygon dictionaries: one per district, exterior ring plus holes."""
    records = []
    for geometry, row in zip(districts.geometry, display.to_dict("records")):
        records.append({
            ("x", "y"): np.asarray(geometry.exterior.coords),
            "holes": [[np.asarray(ring.coords) for ring in geometry.interiors]],
            **row,
        })
    return records


def choropleth_element(districts: gpd.GeoDataFrame, display: pd.DataFrame, lang: str) -> hv.Polygons:
    """A choropleth of `display` values over `districts` (both in map order); no tiles."""
    vdims = ["code", *VALUE_COLUMNS, "status", "source"]
    return hv.Polygons(polygon_records(districts, display[vdims]), vdims=vdims).opts(
        color="color",
        line_color="white",
        line_width=1,
        tools=["tap", "hover"],
        hover_tooltips=[
            (t("district", lang), "@name"),
            (t("value", lang), "@value_label"),
            ("n/N", "@ratio"),
            (t("status", lang), "@status_label"),
        ],
        selection_line_color="#111111",
        selection_line_width=3,
        nonselection_fill_alpha=0.55,
        nonselection_line_alpha=0.8,
        xaxis=None,
        yaxis=None,
        show_frame=False,
        toolbar="above",
        active_tools=["tap"],
        default_tools=["pan", "wheel_zoom", "reset"],
        responsive=True,
        height=MAP_HEIGHT,
        title="",
    )


class ChoroplethView(Viewer):
    """The live map. A click or a new indicator patches value columns of the drawn polygons."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to draw.")

    def __init__(self, **params):
        super().__init__(**params)
        # ColumnDataSources of every rendered copy (a notebook can show the view twice).
        self._sources: list = []
        self._selection = hv.streams.Selection1D()
        self._selection.param.watch(self._on_tap, "index")
        self._pane = pn.pane.HoloViews(
            # stretch_width, not stretch_both: a height-stretching pane inside a scrolling page
            # collapses every plot around it to zero height.
            self._element(), sizing_mode="stretch_width", height=MAP_HEIGHT,
            css_classes=["district-map"],
        )
        self._language = self.state.lang
        self.snapshot.param.watch(self._on_values_change, ["display"])
        self.state.param.watch(self._on_district_change, ["district"])

    @property
    def state(self) -> DashboardState:
        return self.snapshot.state

    def _element(self) -> hv.Polygons:
        element = choropleth_element(
            self.snapshot.data.districts, self.snapshot.display, self.state.lang
        ).opts(hooks=[self._remember_source])
        self._selection.source = element
        return element

    def _remember_source(self, plot, element) -> None:
        figure = plot.state
        if not figure.match_aspect:
            # Keep metres square by widening the ranges, not by resizing the plot, so one map
            # fits a 390 px phone and a 1920 px screen alike.
            figure.x_range = DataRange1d(range_padding=0.02)
            figure.y_range = DataRange1d(range_padding=0.02)
            figure.match_aspect = True
        source = plot.handles["source"]
        if source not in self._sources:
            self._sources.append(source)
        self._patch(source)

    def _patch(self, source) -> None:
        # Only value columns travel to the browser; xs/ys stay where they are.
        source.data.update({column: self.snapshot.display[column].tolist() for column in VALUE_COLUMNS})
        source.selected.indices = self._selected_indices()

    def _selected_indices(self) -> list[int]:
        matches = np.flatnonzero(self.snapshot.display["code"].to_numpy() == self.state.district)
        return [int(i) for i in matches]

    def _on_values_change(self, *_events) -> None:
        if self.state.lang != self._language:
            # Tooltip labels are part of the plot itself, so a new language redraws it.
            self._language = self.state.lang
            self._sources.clear()
            self._pane.object = self._element()
            return
        for source in self._sources:
            self._patch(source)

    def _on_district_change(self, *_events) -> None:
        for source in self._sources:
            source.selected.indices = self._selected_indices()

    def _on_tap(self, event) -> None:
        codes = self.snapshot.display["code"].tolist()
        self.state.district = codes[event.new[0]] if event.new else ""

    def __panel__(self):
        return self._pane


def legend_pane(snapshot: IndicatorSnapshot) -> pn.pane.HTML:
    """The legend of the current classes, next to the map."""
    return pn.pane.HTML(
        pn.bind(legend_html, snapshot.param.legend, snapshot.state.param.lang),
        sizing_mode="stretch_width", css_classes=["map-legend"],
    )
