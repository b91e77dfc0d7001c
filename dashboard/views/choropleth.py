"""The choropleth on either map: each map's polygons are sent once, then only values and colours change."""

from __future__ import annotations

import functools

import geopandas as gpd
import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.core.properties import field
from bokeh.models import ColumnDataSource, DataRange1d, Div, HoverTool, MultiPolygons, TapTool
from bokeh.plotting import figure
from panel.viewable import Viewer

from ..i18n import t, unit_noun
from ..maps import DISTRICT_MAP, MAPS
from ..model.display import VALUE_COLUMNS
from ..model.snapshot import IndicatorSnapshot
from ..server import shapes_url
from ..state import DashboardState
from .columns import update_columns
from .legend import legend_html
from .packed_shapes import unpacked_fields
from .parts import BokehPane, text_box
from .ranking import SELECTED_LINE

# Pixels. Tall enough to tell the small inner-city districts apart on a laptop.
MAP_HEIGHT = 560


def polygon_parts(geometry) -> list:
    """The polygons of a unit: one for most, several for a MultiPolygon (two units of the 126-unit map)."""
    return list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]


def polygon_records(districts: gpd.GeoDataFrame, display: pd.DataFrame) -> list[dict]:
    """HoloViews polygon dictionaries: one per unit, exterior rings plus holes.

    The parts of a MultiPolygon are joined with a NaN row, which HoloViews reads as separate
    polygons of one shape, each with its own list of holes.
    """
    if "code" in districts and "code" in display and list(districts["code"]) != list(display["code"]):
        # A display of one map drawn over the other's units would colour the wrong places.
        raise ValueError(f"the {len(display)} values are not for these {len(districts)} units, in this order")
    records = []
    for geometry, row in zip(districts.geometry, display.to_dict("records")):
        parts = polygon_parts(geometry)
        separator = np.full((1, 2), np.nan)
        exteriors = [np.asarray(part.exterior.coords)[:, :2] for part in parts]
        joined = np.concatenate([piece for ring in exteriors for piece in (ring, separator)][:-1])
        records.append({
            ("x", "y"): joined,
            "holes": [[np.asarray(ring.coords)[:, :2] for ring in part.interiors] for part in parts],
            **row,
        })
    return records


def map_tooltips(lang: str, map_id: str = DISTRICT_MAP.id) -> list[tuple[str, str]]:
    """What a tap or hover on a unit shows, in the same words on screen and in exports."""
    return [
        (unit_noun(map_id, lang), "@{name}"),
        (t("value", lang), "@{value_label}"),
        ("n/N", "@{ratio}"),
        (t("status", lang), "@{status_label}"),
    ]


def choropleth_element(
    districts: gpd.GeoDataFrame, display: pd.DataFrame, lang: str, map_id: str = DISTRICT_MAP.id
) -> hv.Polygons:
    """A choropleth of `display` values over `districts` (the units of `map_id`, both in map order); no tiles.

    For notebooks and exports. The live map draws the same columns with `choropleth_figure`.
    """
    vdims = ["code", *VALUE_COLUMNS, "status", "source"]
    return hv.Polygons(polygon_records(districts, display[vdims]), vdims=vdims).opts(
        color="color",
        line_color="white",
        line_width=1 if len(districts) <= 40 else 0.5,
        tools=["tap", "hover"],
        hover_tooltips=map_tooltips(lang, map_id),
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


def value_columns(display: pd.DataFrame) -> dict[str, list]:
    """The columns that change with indicator, period and language: all a period change sends."""
    return {"code": display["code"].tolist(), **{column: display[column].tolist() for column in VALUE_COLUMNS}}


def empty_columns() -> dict[str, list]:
    """A map's source before it is first shown."""
    return {column: [] for column in ("code", *VALUE_COLUMNS)}


def map_figure() -> figure:
    """The empty map figure: no axes, no grid, pan, zoom and reset above it."""
    # Ranges given, and no title: what a figure would make by default and then drop still costs
    # every session its models.
    plot = figure(
        sizing_mode="stretch_width", height=MAP_HEIGHT, match_aspect=True, title=None,
        x_range=DataRange1d(range_padding=0.05), y_range=DataRange1d(range_padding=0.05),
        tools="pan,wheel_zoom,reset", toolbar_location="above", x_axis_type=None, y_axis_type=None,
        outline_line_color=None, min_border=8, css_classes=["district-map", "district-map-figure"],
    )
    plot.grid.visible = False
    plot.toolbar.logo = None
    return plot


def add_map_renderer(plot: figure, source: ColumnDataSource, map_id: str):
    """One map's polygons on `plot`, unpacked in the browser from its flat int16 arrays
    (views.packed_shapes); `source` holds values only. The shapes come once: in a session served
    by `python -m dashboard serve`, from the map's cached static file, fetched by the page (the map
    draws once it arrives); elsewhere with this renderer, in the document.

    Borders are thinner where units are many and small.
    """
    xs, ys = unpacked_fields(map_id, url=shapes_url(map_id), source=source)
    shapes = dict(xs=xs, ys=ys, fill_color=field("color"))
    width = 1 if MAPS[map_id].unit_count <= 40 else 0.5
    # Unselected units keep their legend colour and outline (the browser draws them with the
    # glyph itself): the selected unit's outline alone marks the selection. Nothing is muted.
    return plot.add_glyph(
        source, MultiPolygons(**shapes, line_color="white", line_width=width),
        selection_glyph=MultiPolygons(**shapes, line_color=SELECTED_LINE, line_width=3),
        nonselection_glyph=None, muted_glyph=None, name=f"map-{map_id}",
    )


class MapFigure:
    """The served map: one figure, and per administrative map one source of values and one renderer.

    A map's renderer, which carries its shapes, is added when the map is first shown, so its
    polygons are sent once and only if needed. Afterwards a change of indicator or period sends
    value columns only, and a change of map toggles which renderer is visible and tappable.
    """

    def __init__(self, lang: str):
        self.figure = map_figure()
        # Every map's source exists from the start (empty), so that views can follow its taps.
        self.sources = {map_id: ColumnDataSource(empty_columns()) for map_id in MAPS}
        self.renderers: dict = {}
        self.tap = TapTool(renderers=[])
        self.hover = HoverTool(renderers=[], tooltips=map_tooltips(lang))
        self.figure.add_tools(self.tap, self.hover)
        self.figure.toolbar.active_tap = self.tap
        self.map_id = ""

    def show(self, map_id: str, display: pd.DataFrame, lang: str) -> ColumnDataSource:
        """Draw `display` on the map `map_id`; returns that map's source."""
        source = self.sources[map_id]
        # Only value columns travel to the browser, and only those that changed (a period drawn in the
        # browser has already patched them); the shapes stay where they are.
        update_columns(source, value_columns(display))
        if map_id not in self.renderers:
            self.renderers[map_id] = add_map_renderer(self.figure, source, map_id)
        if map_id != self.map_id:
            for other, renderer in self.renderers.items():
                renderer.visible = other == map_id
            # Only the map shown answers taps and hovers, and frames the view.
            shown = [self.renderers[map_id]]
            self.tap.renderers = shown
            self.hover.renderers = shown
            self.figure.x_range.renderers = shown
            self.figure.y_range.renderers = shown
            self.map_id = map_id
        self.hover.tooltips = map_tooltips(lang, map_id)
        return source


def choropleth_figure(
    display: pd.DataFrame, lang: str, map_id: str = DISTRICT_MAP.id
) -> tuple[figure, ColumnDataSource, HoverTool]:
    """A single-map live figure (for notebooks and embedding): coordinates from the process cache."""
    chart = MapFigure(lang)
    source = chart.show(map_id, display, lang)
    return chart.figure, source, chart.hover


class ChoroplethView(Viewer):
    """The live map. A tap or a new indicator patches value columns of the drawn polygons."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to draw.")
    browser_tap = param.Callable(default=None, doc="Told of a tap the browser has already shown.")

    def __init__(self, **params):
        super().__init__(**params)
        self.chart = MapFigure(self.state.lang)
        self.figure = self.chart.figure
        self.chart.show(self.snapshot.map.id, self.snapshot.display, self.state.lang)
        # True while the server itself moves a selection: that is no tap to report.
        self._syncing = False
        self.source.selected.indices = self._selected_indices()
        for map_id, source in self.sources.items():
            source.selected.on_change("indices", functools.partial(self._on_tap, map_id))
        self.snapshot.param.watch(self._on_values_change, ["display"])
        self.state.param.watch(self._on_district_change, ["district"])

    @property
    def state(self) -> DashboardState:
        return self.snapshot.state

    @property
    def sources(self) -> dict[str, ColumnDataSource]:
        """Every map's source, by map id: a tap on any of them selects a unit."""
        return self.chart.sources

    @property
    def source(self) -> ColumnDataSource:
        """The source of the map shown."""
        return self.chart.sources[self.chart.map_id]

    @property
    def _hover(self) -> HoverTool:
        return self.chart.hover

    def _selected_indices(self) -> list[int]:
        matches = np.flatnonzero(self.snapshot.display["code"].to_numpy() == self.state.district)
        return [int(i) for i in matches]

    def _on_values_change(self, *_events) -> None:
        previous = self.chart.map_id
        # One message: a change of map must never reach the browser as one map shown and the
        # other not yet hidden, both drawn over each other for a frame.
        with pn.io.hold():
            self.chart.show(self.snapshot.map.id, self.snapshot.display, self.state.lang)
            if previous != self.chart.map_id:
                # The hidden map keeps no selection: coming back to it must not show a stale outline.
                self._select(self.sources[previous], [])
            self._on_district_change()

    def _on_district_change(self, *_events) -> None:
        self._select(self.source, self._selected_indices())

    def _select(self, source: ColumnDataSource, indices: list[int]) -> None:
        if source.selected.indices != indices:
            self._syncing = True
            try:
                source.selected.indices = indices
            finally:
                self._syncing = False

    @pn.io.hold()
    def _on_tap(self, map_id: str, _attr, _old, new) -> None:
        if self._syncing or map_id != self.chart.map_id:
            return  # the server moved the selection, or a hidden map's: not a tap
        codes = self.source.data["code"]
        code = codes[new[0]] if new else ""
        if code == self.state.district:
            return
        if self.browser_tap is not None:
            self.browser_tap(code)
        self.state.district = code

    def __panel__(self):
        # stretch_width, not stretch_both: a height-stretching pane inside a scrolling page
        # collapses every plot around it to zero height.
        return BokehPane(self.figure, sizing_mode="stretch_width", height=MAP_HEIGHT, css_classes=["district-map"])


def legend_box(snapshot: IndicatorSnapshot) -> Div:
    """The legend of the current classes, under the map; a period drawn in the browser rewrites it."""
    return text_box(lambda: legend_html(snapshot.legend, snapshot.state.lang),
                    [(snapshot, ["legend"]), (snapshot.state, ["lang"])], styled=("legend",),
                    css_classes=["map-legend"])
