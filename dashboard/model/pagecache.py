"""Page tables that every session would otherwise recompute: built once per data version and shared.

The overview's headline KPIs and the unit profile's slices of the observations on either
administrative map. Keyed like `model.cells`: by the process-wide DashboardData and its
version, so an import is never served stale. Callers must not modify what they get.
"""

from __future__ import annotations

import math

import pandas as pd

from ..catalogue import Indicator
from ..data import CITY_MAP_ID, DashboardData
from ..i18n import format_number, format_period, format_value
from ..maps import DISTRICT_MAP, MAPS, AdministrativeMap, map_for_period
from .cells import cached_city_value, city_line_value, per_data_version
from .kpi import HEADLINE_INDICATORS, Kpi, indicator_kpi
from .targets import target_for

# Columns every map's unit frame shares with the districts' (the 126 units have no census facts).
UNIT_COLUMNS = ["code", "name_vi", "name_en", "full_name_vi", "unit_type"]


def map_of_code(code: str) -> AdministrativeMap | None:
    """The map whose units have codes shaped like `code` (3 or 5 digits); None for no code."""
    return next((m for m in MAPS.values() if m.accepts_code(code)), None)


def map_units(data: DashboardData, map_id: str) -> pd.DataFrame:
    """The units of a map in map order: the 30 districts or the 126 communes and wards."""
    if map_id not in MAPS:
        raise KeyError(f"unknown map {map_id!r}; known maps: {sorted(MAPS)}")
    return data.units(map_id)


@per_data_version(maxsize=512)
def unit_cells(data: DashboardData, indicator_id: str, map_id: str) -> dict[int, pd.DataFrame]:
    """{period: unit rows of the indicator on `map_id`, indexed by code}, oldest period first.

    Only the periods the map is valid for (`DashboardData.unit_periods`): a figure stored on
    the wrong map is never shown.
    """
    observations = data.observations
    periods = data.unit_periods(indicator_id, map_id)
    rows = observations[(observations["indicator_id"] == indicator_id) & (observations["map_id"] == map_id)
                        & observations["period"].isin(periods)]
    return {int(period): group.set_index("unit_code") for period, group in sorted(rows.groupby("period"))}


@per_data_version(maxsize=8)
def unit_indicators(data: DashboardData, map_id: str) -> tuple[Indicator, ...]:
    """Indicators with any unit figure on `map_id` in a period it is valid for, in catalogue order."""
    return tuple(i for i in data.catalogue if data.unit_periods(i.id, map_id))


@per_data_version(maxsize=512)
def unit_chart_periods(data: DashboardData, indicator_id: str, map_id: str) -> tuple[int, ...]:
    """The x axis of a unit's trend: periods with unit figures on `map_id`, or a city figure of
    a period drawn on that map. A period of the other map never appears."""
    observations = data.observations
    city = observations[(observations["indicator_id"] == indicator_id) & (observations["map_id"] == CITY_MAP_ID)]
    frequency = data.indicator(indicator_id).frequency
    city_periods = {int(p) for p in city["period"] if map_for_period(int(p), frequency).id == map_id}
    return tuple(sorted(set(unit_cells(data, indicator_id, map_id)) | city_periods))


@per_data_version(maxsize=8)
def warm_unit_slices(data: DashboardData, map_id: str) -> int:
    """Fill the slices every unit profile on `map_id` reads, once per data version: each
    indicator's unit rows, its chart periods and the city value of each of them.

    A profile page calls it once it is shown, so the first unit a viewer chooses costs what
    any other does. Returns how many indicators were read.
    """
    indicators = unit_indicators(data, map_id)
    for indicator in indicators:
        unit_cells(data, indicator.id, map_id)
        for period in unit_chart_periods(data, indicator.id, map_id):
            cached_city_value(data, indicator.id, period)
    return len(indicators)


@per_data_version(maxsize=4096)
def unit_trend_frame(data: DashboardData, indicator_id: str, code: str, lang: str) -> pd.DataFrame:
    """The profile chart's columns for a unit of either map: `model.display.trend_frame`'s, over the
    periods of the unit's own map only. Missing figures stay NaN, never 0."""
    indicator = data.indicator(indicator_id)
    admin_map = map_of_code(code) or DISTRICT_MAP
    cells = unit_cells(data, indicator_id, admin_map.id)
    rows = []
    for period in unit_chart_periods(data, indicator_id, admin_map.id):
        value = math.nan
        if period in cells and code in cells[period].index:
            value = float(cells[period].at[code, "value"])
        city = city_line_value(cached_city_value(data, indicator_id, period), indicator, admin_map.unit_count)
        city_value = math.nan if city is None else city
        target_value = math.nan
        if not indicator.is_boolean:
            target = target_for(indicator, period)
            target_value = math.nan if target is None else target.value
        city_label = (format_number(city_value, lang, 1 if city_value < 100 else 0)
                      if indicator.is_count and not math.isnan(city_value)
                      else format_value(city_value, indicator.kind, lang))
        rows.append({
            "period": period,
            "period_label": format_period(period, indicator.frequency, lang),
            "district": value,
            "city": city_value,
            "target": target_value,
            "district_label": format_value(value, indicator.kind, lang),
            "target_label": format_value(target_value, indicator.kind, lang),
            "city_label": city_label,
        })
    return pd.DataFrame(rows, columns=["period", "period_label", "district", "city", "target",
                                       "district_label", "target_label", "city_label"])


@per_data_version(maxsize=64)
def overview_kpis(data: DashboardData, year: int) -> dict[str, Kpi]:
    """{indicator id: KPI} of every headline indicator for `year`: what each overview card reads."""
    return {indicator_id: indicator_kpi(data, indicator_id, year)
            for indicator_ids in HEADLINE_INDICATORS.values() for indicator_id in indicator_ids}


@per_data_version(maxsize=4)
def overview_years(data: DashboardData) -> tuple[int, ...]:
    """Years any annual headline indicator has figures for, newest first."""
    years: set[int] = set()
    for indicator_ids in HEADLINE_INDICATORS.values():
        for indicator_id in indicator_ids:
            if data.indicator(indicator_id).frequency == "annual":
                years.update(data.periods(indicator_id))
    return tuple(sorted(years, reverse=True))
