"""Indicator map: where does each unit stand on one indicator, and against which target?

Reads the indicator's unit values, city value and target for one period. The period picks
the map: the 30 districts up to 30 June 2025, the 126 communes and wards from 1 July 2025
(dashboard.maps). Next to the map the explorer says which map is shown, its valid dates and
why it changed. Tapping a unit on the map or a bar in the ranking selects it everywhere and
fills the card; a period whose map lacks the selected unit clears it and says so.

URL parameters synced (by the app): page=map, indicator, year, unit (district in old links),
view, gap, lang.
"""

from __future__ import annotations

import param
from panel.viewable import Viewer

from ..data import DashboardData
from ..state import DashboardState
from ..views.explorer import IndicatorExplorer
from . import PageRecord

SLUG = "map"
TITLE = {"vi": "Bản đồ chỉ tiêu", "en": "Indicator map"}
ICON = "map"


class MapPage(Viewer):
    """Every unit indicator in one explorer: map, ranking, trend, card and table, on the period's map."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")

    def __init__(self, **params):
        super().__init__(**params)
        self.explorer = IndicatorExplorer(state=self.state, data=self.data)

    def __panel__(self):
        return self.explorer


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=MapPage, explorer=True)
