"""Indicator map: where does each district stand on one indicator, and against which target?

Reads the indicator's district values, city value and target for one period. Tapping a
district on the map or a bar in the ranking selects it everywhere and fills the district card.

URL parameters synced (by the app): page=map, indicator, year, district, view, gap, lang.
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
    """Every district indicator in one explorer: map, ranking, trend, card and table."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")

    def __init__(self, **params):
        super().__init__(**params)
        self.explorer = IndicatorExplorer(state=self.state, data=self.data)

    def __panel__(self):
        return self.explorer


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=MapPage, explorer=True)
