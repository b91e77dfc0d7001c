"""Shared frame of the theme pages: the theme's purpose, then the explorer of its indicators."""

from __future__ import annotations

import panel as pn
import param
from panel.viewable import Viewer

from ..data import DashboardData
from ..state import DashboardState
from ..views.explorer import IndicatorExplorer


class ThemePage(Viewer):
    """A theme's description and its indicator explorer; subclasses add what is particular."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    theme = param.String(default="committees", constant=True, doc="Catalogue theme shown.")

    def __init__(self, **params):
        super().__init__(**params)
        theme = self.data.catalogue.theme(self.theme)
        self._intro = pn.pane.HTML(
            pn.bind(lambda lang: f'<p class="theme-intro">{theme.description[lang]}</p>',
                    self.state.param.lang),
            sizing_mode="stretch_width", margin=(0, 10),
        )
        self.explorer = IndicatorExplorer(state=self.state, data=self.data, theme=self.theme)

    def extra_sections(self) -> list:
        """Panels particular to the theme, shown below the explorer."""
        return []

    def __panel__(self):
        return pn.Column(self._intro, self.explorer, *self.extra_sections(), sizing_mode="stretch_width")
