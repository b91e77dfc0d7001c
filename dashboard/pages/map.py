"""Indicator map: where does each district stand on one indicator, and against which target?

Reads the indicator's district values, city value and target for one period. Tapping a
district on the map or a bar in the ranking selects it everywhere and fills the district card.
A short notice says why the map ends on 30 June 2025 (the district level was abolished).

URL parameters synced (by the app): page=map, indicator, year, district, view, gap, lang.
"""

from __future__ import annotations

import panel as pn
import param
from panel.viewable import Viewer

from ..data import DashboardData
from ..i18n import t
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
        self.reform_notice = pn.pane.HTML(
            pn.bind(reform_notice_html, self.state.param.lang),
            sizing_mode="stretch_width", css_classes=["reform-notice"], margin=(0, 10),
        )

    def __panel__(self):
        return pn.Column(self.reform_notice, self.explorer, sizing_mode="stretch_width", margin=0)


def reform_notice_html(lang: str) -> str:
    """Why the district map stops at 30 June 2025, in one short paragraph."""
    return f'<p class="reform-notice-text"><small>{t("reform_notice", lang)}</small></p>'


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=MapPage, explorer=True)
