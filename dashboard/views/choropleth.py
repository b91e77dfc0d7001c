"""The district choropleth: polygons are sent once, then only values and colours change."""

from __future__ import annotations

import functools

import geopandas as gpd
import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.models import ColumnDataSource, DataRange1d, HoverTool, TapTool
from bokeh.plotting import figure
from panel.viewable import Viewer

from .. import geo
from ..i18n import t
from ..model.display import VALUE_COLUMNS
from ..model.snapshot import IndicatorSnapshot
from ..state import DashboardState
from .columns import update_columns
from .legend import legend_html

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


def map_tooltips(lang: str) -> list[tuple[str, str]]:
    """What a tap or hover on a district shows, in the same words on screen and in exports."""
    return [
        (t("district", lang), "@{name}"),
        (t("value", lang), "@{value_label}"),
        ("n/N", "@{ratio}"),
        (t("status", lang), "@{status_label}"),
    ]


def choropleth_element(districts: gpd.GeoDataFrame, display: pd.DataFrame, lang: str) -> hv.Polygons:
    """A choropleth of `display` values over `districts` (both in map order); no tiles.

    For notebooks and exports. The live map draws the same columns with `choropleth_figure`.
    """
    vdims = ["code", *VALUE_COLUMNS, "status", "source"]
    return hv.Polygons(polygon_records(districts, display[vdims]), vdims=vdims).opts(
        color="color",
        line_color="white",
        line_width=1,
        tools=["tap", "hover"],
        hover_tooltips=map_tooltips(lang),
        xaxis=None,
        yaxis=None,
        data_aspect=1,
        show_frame=False,
        toolbar="above",
        active_tools=["tap"],
        default_tools=["pan", "wheel_zoom", "reset"],
        responsive=True,
        height=MAP_HEIGHT,
        title="",
    )


@functools.lru_cache(maxsize=4)
def polygon_coordinates(districts_id: int) -> tuple[list, list]:
    """Bokeh multi-polygon coordinates of the display geometry, built once per process."""
    districts = geo.display_districts()
    xs, ys = [], []
    for geometry in districts.geometry:
        rings = [geometry.exterior, *geometry.interiors]
        xs.append([[np.asarray(ring.coords)[:, 0] for ring in rings]])
        ys.append([[np.asarray(ring.coords)[:, 1] for ring in rings]])
    return xs, ys


def choropleth_figure(display: pd.DataFrame, lang: str) -> tuple[figure, ColumnDataSource, HoverTool]:
    """The live map as a Bokeh figure: coordinates from the process cache, values from `display`.

    Drawn directly with Bokeh rather than through HoloViews: the view only ever patches value
    columns afterwards, and building 30 polygons through HoloViews took seconds per page.
    """
    xs, ys = polygon_coordinates(id(geo.display_districts()))
    source = ColumnDataSource({"xs": xs, "ys": ys, "code": display["code"].tolist(),
                               **{column: display[column].tolist() for column in VALUE_COLUMNS}})
    plot = figure(
        sizing_mode="stretch_width", height=MAP_HEIGHT, match_aspect=True,
        tools="pan,wheel_zoom,reset", toolbar_location="above", x_axis_type=None, y_axis_type=None,
        outline_line_color=None, min_border=8, css_classes=["district-map", "district-map-figure"],
    )
    plot.grid.visible = False
    plot.x_range = DataRange1d(range_padding=0.05)
    plot.y_range = DataRange1d(range_padding=0.05)
    renderer = plot.multi_polygons(
        "xs", "ys", source=source, fill_color="color", line_color="white", line_width=1,
        selection_line_color="#111111", selection_line_width=3, selection_fill_alpha=1.0,
        # Unselected districts keep their legend colour; the outline alone marks the selection.
        nonselection_fill_alpha=1.0, nonselection_line_alpha=1.0, nonselection_line_color="white",
    )
    tap = TapTool(renderers=[renderer])
    hover = HoverTool(renderers=[renderer], tooltips=map_tooltips(lang))
    plot.add_tools(tap, hover)
    plot.toolbar.active_tap = tap
    plot.toolbar.logo = None
    return plot, source, hover


class ChoroplethView(Viewer):
    """The live map. A click or a new indicator patches value columns of the drawn polygons."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to draw.")
    browser_tap = param.Callable(default=None, doc="Told of a tap the browser has already shown.")

    def __init__(self, **params):
        super().__init__(**params)
        self.figure, self.source, self._hover = choropleth_figure(self.snapshot.display, self.state.lang)
        self.source.selected.indices = self._selected_indices()
        self.source.selected.on_change("indices", self._on_tap)
        # stretch_width, not stretch_both: a height-stretching pane inside a scrolling page
        # collapses every plot around it to zero height.
        self._pane = pn.pane.Bokeh(self.figure, sizing_mode="stretch_width", height=MAP_HEIGHT,
                                   css_classes=["district-map"])
        self.snapshot.param.watch(self._on_values_change, ["display"])
        self.state.param.watch(self._on_district_change, ["district"])

    @property
    def state(self) -> DashboardState:
        return self.snapshot.state

    def _selected_indices(self) -> list[int]:
        matches = np.flatnonzero(self.snapshot.display["code"].to_numpy() == self.state.district)
        return [int(i) for i in matches]

    def _on_values_change(self, *_events) -> None:
        # Only value columns travel to the browser, and only those that changed; xs/ys stay where they are.
        update_columns(self.source, {column: self.snapshot.display[column].tolist() for column in VALUE_COLUMNS})
        self._hover.tooltips = map_tooltips(self.state.lang)

    def _on_district_change(self, *_events) -> None:
        indices = self._selected_indices()
        if self.source.selected.indices != indices:
            self.source.selected.indices = indices

    def _on_tap(self, _attr, _old, new) -> None:
        codes = self.snapshot.display["code"].tolist()
        code = codes[new[0]] if new else ""
        if self.browser_tap is not None and code != self.state.district:
            self.browser_tap(code)
        self.state.district = code

    def __panel__(self):
        return self._pane


def legend_pane(snapshot: IndicatorSnapshot) -> pn.pane.HTML:
    """The legend of the current classes, next to the map."""
    return pn.pane.HTML(
        pn.bind(legend_html, snapshot.param.legend, snapshot.state.param.lang),
        sizing_mode="stretch_width", css_classes=["map-legend"],
    )
