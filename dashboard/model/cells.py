"""Per-indicator slices of the observations, computed once per data version and shared by sessions.

The caches are keyed by the process-wide DashboardData (hashed by identity) and its version:
every session asks for the same cells, and an import moves the version. `per_data_version`
applies the same policy to tables built from these slices elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd

from ..catalogue import Indicator
from ..data import CITY_MAP_ID, CityValue, DashboardData


def district_cells(data: DashboardData, indicator_id: str) -> dict[int, pd.DataFrame]:
    """{period: unit rows of the indicator indexed by code}, oldest period first.

    Each period's rows are those of its own map: 30 districts, or 126 communes and wards.
    """
    return _district_cells(data, data.version, indicator_id)


def cached_city_value(data: DashboardData, indicator_id: str, period: int) -> CityValue | None:
    """DashboardData.city_value, computed once per data version."""
    return _city_value(data, data.version, indicator_id, period)


def city_line_value(city: CityValue | None, indicator: Indicator, units: int) -> float | None:
    """Where a chart of units draws the city's line: the city value, but for counts the average
    per reporting unit (per one of the map's `units` when the figure does not say how many
    reported), since the city total dwarfs any single unit. None without a city value, and for
    yes/no indicators, whose city value is a share of units that no unit's answer compares with."""
    if city is None or indicator.is_boolean:
        return None
    if indicator.is_count:
        reporting = city.units_reporting or units
        return city.value / reporting if reporting else None
    return city.value


def chart_periods(data: DashboardData, indicator_id: str) -> tuple[int, ...]:
    """Periods with a district or a published city figure: the x axis of the trend chart."""
    return _chart_periods(data, data.version, indicator_id)


def district_indicators(data: DashboardData) -> list[Indicator]:
    """District-level indicators with any district figure, in catalogue order."""
    return [i for i in data.catalogue.for_level("district") if district_cells(data, i.id)]


@functools.lru_cache(maxsize=256)
def _district_cells(data: DashboardData, version: int, indicator_id: str) -> dict:
    observations = data.observations
    rows = observations[observations["indicator_id"] == indicator_id]
    return {
        period: group[group["map_id"] == data.map_for(indicator_id, period).id].set_index("unit_code")
        for period in data.district_periods(indicator_id)
        for group in [rows[rows["period"] == period]]
    }


@functools.lru_cache(maxsize=4096)
def _city_value(data: DashboardData, version: int, indicator_id: str, period: int):
    return data.city_value(indicator_id, period)


@functools.lru_cache(maxsize=256)
def _chart_periods(data: DashboardData, version: int, indicator_id: str) -> tuple[int, ...]:
    observations = data.observations
    city = observations[
        (observations["indicator_id"] == indicator_id) & (observations["map_id"] == CITY_MAP_ID)
    ]
    return tuple(sorted(set(district_cells(data, indicator_id)) | set(city["period"].astype(int))))


# Caches made by `per_data_version`, cleared with the slices above.
_VERSIONED_CACHES: list = []


def per_data_version(maxsize: int) -> Callable[[Callable], Callable]:
    """Cache `function(data, *args)` by data object, data version and `args`, like the slices above.

    For tables derived from these slices that many sessions ask for (a district's profile,
    its trend frames): an import moves the version, so a new figure is never served stale.
    The cached value is shared: callers must not modify it.
    """

    def decorate(function: Callable) -> Callable:
        @functools.lru_cache(maxsize=maxsize)
        def cached(data: DashboardData, version: int, *args):
            return function(data, *args)

        @functools.wraps(function)
        def lookup(data: DashboardData, *args):
            return cached(data, data.version, *args)

        lookup.cache_clear = cached.cache_clear
        lookup.cache_info = cached.cache_info
        _VERSIONED_CACHES.append(cached)
        return lookup

    return decorate


def clear_caches() -> None:
    """Forget every cached slice (tests, or a process that swaps its data object)."""
    for cache in (_district_cells, _city_value, _chart_periods, *_VERSIONED_CACHES):
        cache.cache_clear()
