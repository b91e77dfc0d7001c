"""Indicator map: where does each district stand on one indicator, and against which target?

Reads the indicator's district values, city value and target for one period. Tapping a
district on the map or a bar in the ranking selects it everywhere and fills the district card.

URL parameters synced (by the app): page=map, indicator, year, district, lang.
"""

from __future__ import annotations

import panel as pn
import param
from panel.viewable import Viewer

from ..data import DashboardData
from ..state import DashboardState
from ..views.choropleth import ChoroplethView, legend_pane
from ..views.controls import IndicatorControls
from ..views.district_card import DistrictCard
from ..views.notices import attribution, illustrative_notice, no_district_data_notice
from ..views.ranking import RankingView
from ..views.snapshot import IndicatorSnapshot
from . import PageRecord

SLUG = "map"
TITLE = {"vi": "Bản đồ chỉ tiêu", "en": "Indicator map"}
ICON = "map"


class MapPage(Viewer):
    """Controls, a linked map and ranking, the district card and the notices."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")

    def __init__(self, **params):
        super().__init__(**params)
        controls = IndicatorControls(state=self.state, data=self.data)  # first: it settles the period
        snapshot = IndicatorSnapshot(state=self.state, data=self.data)
        map_view = ChoroplethView(snapshot=snapshot)
        self._layout = pn.Column(
            controls,
            illustrative_notice(snapshot),
            no_district_data_notice(snapshot),
            pn.FlexBox(
                pn.Column(map_view, legend_pane(snapshot), attribution(self.state.param.lang),
                          css_classes=["map-column"], sizing_mode="stretch_width"),
                pn.Column(DistrictCard(snapshot=snapshot), RankingView(snapshot=snapshot),
                          css_classes=["chart-column"], sizing_mode="stretch_width"),
                css_classes=["map-and-chart"], sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
            css_classes=["page", "page-map"],
        )

    def __panel__(self):
        return self._layout


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=MapPage)
