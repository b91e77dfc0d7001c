"""The single view state shared by every page: page, indicator, period, district and language."""

from __future__ import annotations

from typing import TYPE_CHECKING

import param

from .i18n import LANGUAGES

if TYPE_CHECKING:  # the state is below the data layer at run time: nothing to import
    from .data import DashboardData

# Navigation order; `/` opens the first.
PAGE_SLUGS = (
    "overview", "map", "committees", "leadership", "capacity", "health", "district", "transition", "methods",
    "data",
)
VIEWS = ("map", "chart", "table")
DEFAULT_INDICATOR = "women_district_council_pct"
DEFAULT_YEAR = 2016
# The plan started in 2016; election terms reach back to 2011 and forward to 2026-2031.
YEAR_BOUNDS = (2000, 2035)
# Parameters that live in the query string, under these names. The selected unit travels as
# `unit=` (3 digits on the district map, 5 on the commune map); `district=` of older links is still read.
URL_PARAMETERS = {"page": "page", "indicator": "indicator", "year": "year", "district": "unit", "view": "view",
                  "gap": "gap", "lang": "lang", "mode": "mode"}
MODES = ("normal", "present")


class DashboardState(param.Parameterized):
    """What the user is looking at. Views read it, widgets and the URL write it."""

    page = param.Selector(default=PAGE_SLUGS[0], objects=list(PAGE_SLUGS), doc="Slug of the page shown.")
    indicator = param.Selector(
        default=DEFAULT_INDICATOR, objects=[DEFAULT_INDICATOR],
        doc="Catalogue id of the indicator shown.",
    )
    year = param.Integer(
        default=DEFAULT_YEAR, bounds=YEAR_BOUNDS,
        doc="Period shown: a calendar year, or the first year of an election term.",
    )
    district = param.String(
        default="", regex=r"^(\d{3}|\d{5})?$",
        doc="GSO code of the selected unit: a district ('271') before 1 July 2025, a commune or ward "
        "('00004') after; empty when none is selected.",
    )
    view = param.Selector(default="map", objects=list(VIEWS), doc="Map, chart or table view of an indicator.")
    gap = param.Boolean(default=False, doc="Colour districts by their gap to the target instead of the value.")
    lang = param.Selector(default="vi", objects=list(LANGUAGES), doc="Interface language.")
    mode = param.Selector(
        default="normal", objects=list(MODES),
        doc="'present' gives a large-type layout for a projector, stepped with the keyboard.",
    )
    data_version = param.Integer(
        default=0, bounds=(0, None), precedence=-1,
        doc="Version of the data shown; moves when newly imported figures are loaded (not in the URL).",
    )

    def __init__(self, indicator_ids: list[str] | None = None, **params):
        if indicator_ids:
            # The catalogue is the same for every session of a process.
            type(self).param.indicator.objects = list(indicator_ids)
        super().__init__(**params)


def new_state(data: DashboardData, **params) -> DashboardState:
    """A fresh state whose indicator choices are the catalogue's, at the data's version."""
    params.setdefault("data_version", data.version)
    return DashboardState(indicator_ids=list(data.catalogue.indicators), **params)
