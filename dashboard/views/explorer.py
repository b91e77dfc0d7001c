"""The indicator explorer: controls with map, chart and table views of one indicator, all linked."""

from __future__ import annotations

import panel as pn
import param
from panel.viewable import Viewer

from ..data import DashboardData
from ..model.snapshot import IndicatorSnapshot
from ..state import DashboardState
from .choropleth import ChoroplethView, legend_box
from .controls import IndicatorControls
from .district_card import DistrictCard
from .export_buttons import ExportButtons
from .notices import attribution_box, explorer_notices, map_info_box
from .parts import panes, wrapping_row
from .ranking import RankingView
from .table import TableView
from .trend import TrendView
from .unit_search import UnitSearch

# Side by side from about 900 px, stacked below. A CSS flex basis rather than min_width, which
# Panel would add up into a minimum width for the whole row and overflow a phone.
WRAPPING_COLUMN = {"flex": "1 1 440px", "min-width": "0"}


class IndicatorExplorer(Viewer):
    """Map, ranking, trend, card and table of the state's indicator; `theme` narrows the choice."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    theme = param.String(default=None, allow_None=True, doc="Offer only this theme's indicators.")

    def __init__(self, **params):
        super().__init__(**params)
        state = self.state
        # Controls first: they settle the period before anything is drawn.
        self.controls = IndicatorControls(state=state, data=self.data, theme=self.theme)
        self.snapshot = snapshot = IndicatorSnapshot(state=state, data=self.data)
        in_view = {view: pn.bind(lambda current, view=view: current == view, state.param.view)
                   for view in ("map", "chart", "table")}
        # A tap on the map or a bar shows its unit's card in the browser; the server follows.
        # The map has one source per administrative map: each one's taps show cards.
        card = DistrictCard(snapshot=snapshot)
        choropleth = ChoroplethView(snapshot=snapshot, browser_tap=card.shown_in_browser)
        ranking = RankingView(snapshot=snapshot, browser_tap=card.shown_in_browser)
        legend = legend_box(snapshot)
        # Taps and periods picked are drawn in the browser from the frames the card holds.
        card.link(choropleth, ranking, self.controls, legend)
        self.map_info = map_info_box(snapshot)
        # The map column is Bokeh models only: one pane.
        (map_column,) = panes(self.map_info, choropleth.figure, legend, attribution_box(snapshot))
        map_column.param.update(css_classes=["map-column"], styles=WRAPPING_COLUMN, visible=in_view["map"])
        side_column = pn.Column(
            *panes(*card.parts, *TrendView(snapshot=snapshot).parts, *ranking.parts),
            css_classes=["chart-column"], sizing_mode="stretch_width", styles=WRAPPING_COLUMN,
            visible=pn.bind(lambda view: view != "table", state.param.view),
        )
        self._in_table_view = in_view["table"]
        self._layout = pn.Column(
            self.controls,
            # 126 units are easier found by name than on the map.
            UnitSearch(state=state, data=self.data),
            explorer_notices(snapshot),
            wrapping_row(map_column, side_column, gap_px=16, sizing_mode="stretch_width",
                         css_classes=["map-and-chart"]),
            ExportButtons(snapshot=snapshot),
            sizing_mode="stretch_width",
            css_classes=["indicator-explorer"],
        )
        # The table is built the first time it is asked for, above the downloads: most sessions
        # never open it, and its two dozen models would be built and sent with every map page.
        self.table: TableView | None = None
        state.param.watch(self._show_table, "view")
        self._show_table()

    def _show_table(self, *_events) -> None:
        if self.state.view == "table" and self.table is None:
            self.table = TableView(snapshot=self.snapshot)
            shown = pn.Column(self.table, visible=self._in_table_view, sizing_mode="stretch_width")
            self._layout.insert(len(self._layout) - 1, shown)

    def __panel__(self):
        return self._layout
