"""Periods: which one is shown for a requested year, and the periods each indicator has."""

from __future__ import annotations

from ..data import DashboardData

# Years an election term lasts; a term period is the first year of the term.
TERM_YEARS = 5


def resolve_period(periods: list[int], wanted: int) -> int | None:
    """The period to show for `wanted`: itself, else the latest before it, else the earliest.

    A year inside an election term resolves to that term (2019 -> 2016-2021).
    """
    if not periods:
        return None
    earlier = [period for period in periods if period <= wanted]
    return max(earlier) if earlier else min(periods)


def map_periods(data: DashboardData, indicator_id: str) -> list[int]:
    """Periods the map, ranking and table can show: district periods, else any period."""
    return data.district_periods(indicator_id) or data.periods(indicator_id)


def settle_period(data: DashboardData, indicator_id: str, wanted: int) -> int:
    """The map period shown for `wanted` (see `resolve_period`); `wanted` itself without data.

    The one rule the controls, the snapshot and the page switch use to settle the state.
    """
    resolved = resolve_period(map_periods(data, indicator_id), wanted)
    return wanted if resolved is None else resolved


def covers(period: int | None, requested: int, frequency: str) -> bool:
    """True when the period shown contains the requested one (a term contains its years)."""
    if period is None:
        return False
    if frequency == "term":
        return period <= requested < period + TERM_YEARS
    return period == requested
