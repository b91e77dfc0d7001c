"""Values derived once per state change and read by every view of a page."""

from __future__ import annotations

import pandas as pd
import param

from ..catalogue import Indicator, Target
from ..data import CityValue, DashboardData
from ..maps import DISTRICT_MAP, AdministrativeMap
from ..state import DashboardState
from .cells import cached_city_value
from .classes import LegendEntry
from .display import district_display
from .periods import settle_period
from .rank import district_rank
from .targets import target_for


class IndicatorSnapshot(param.Parameterized):
    """The indicator, period and language of the state, resolved into display-ready values."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    indicator = param.ClassSelector(class_=Indicator, doc="Catalogue entry shown.", precedence=-1)
    display = param.DataFrame(doc="One row per district, in map order.", precedence=-1)
    legend = param.List(item_type=LegendEntry, doc="Colour classes, no-data last.", precedence=-1)
    city = param.ClassSelector(class_=CityValue, allow_None=True, doc="City value.", precedence=-1)
    target = param.ClassSelector(class_=Target, allow_None=True, doc="Target shown.", precedence=-1)
    map = param.ClassSelector(
        class_=AdministrativeMap, default=DISTRICT_MAP, precedence=-1,
        doc="The administrative map of the period shown: 30 districts, or 126 communes and wards.",
    )
    cleared_unit = param.String(
        default="", precedence=-1,
        doc="Code of a selected unit the map of the period shown does not have; the selection was cleared.",
    )

    @param.depends("state.indicator", "state.year", "state.lang", "state.gap", "state.data_version",
                   watch=True, on_init=True)
    def _resolve(self) -> None:
        indicator = self.data.indicator(self.state.indicator)
        period = settle_period(self.data, indicator.id, self.state.year)
        if period != self.state.year:
            # A year inside an election term, or one the indicator lacks (from a link, or a
            # late URL sync): settle the state on the period shown; this runs again with it.
            self.state.year = period
            return
        display, classification = district_display(
            self.data, indicator, self.state.year, self.state.lang, gap=self.state.gap
        )
        shown_map = self.data.map_for(indicator.id, self.state.year)
        # A unit of the other map is never matched to a wrong one: the selection is cleared and said so.
        cleared = self.state.district if self.state.district not in set(display["code"]) else ""
        self.param.update(
            map=shown_map,
            cleared_unit=cleared or (self.cleared_unit if shown_map is self.map else ""),
            indicator=indicator,
            display=display,
            legend=classification.legend,
            city=cached_city_value(self.data, indicator.id, self.state.year),
            target=target_for(indicator, self.state.year),
        )
        if cleared:
            self.state.district = ""

    @property
    def shows_illustrative(self) -> bool:
        """True when any value on screen, district or city, is illustrative."""
        city_illustrative = self.city is not None and self.city.status == "illustrative"
        return city_illustrative or bool((self.display["status"] == "illustrative").any())

    def selected_row(self) -> pd.Series | None:
        rows = self.display[self.display["code"] == self.state.district]
        return None if rows.empty else rows.iloc[0]

    def rank_of(self, code: str) -> int | None:
        """Rank of a district for the indicator and period shown (see model.rank)."""
        return district_rank(self.display, code, self.indicator)
