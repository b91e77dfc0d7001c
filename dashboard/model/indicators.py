"""Which indicators a page offers, and how selectors group them by theme."""

from __future__ import annotations

from collections.abc import Iterable

from ..catalogue import Catalogue, Target
from ..data import DashboardData

# The indicator whose catalogue target is the share of women required on candidate lists.
CANDIDATE_INDICATOR = "women_city_council_candidates_pct"


def explorer_indicators(data: DashboardData, theme: str | None = None) -> list[str]:
    """Indicators drawn on a map (districts or communes) with data, in catalogue order, optionally of one theme."""
    return [
        indicator.id
        for indicator in data.catalogue.indicators.values()
        if {"district", "commune"} & set(indicator.levels)
        and (theme is None or indicator.theme == theme)
        and data.district_periods(indicator.id)
    ]


def indicator_groups(
    catalogue: Catalogue, lang: str, indicator_ids: Iterable[str] | None = None
) -> dict[str, dict[str, str]]:
    """Selector options grouped by theme, themes and indicators in catalogue order.

    {theme name: {indicator short name: id}}, of `indicator_ids` or of every indicator.
    """
    wanted = None if indicator_ids is None else set(indicator_ids)
    groups: dict[str, dict[str, str]] = {}
    for theme_id, indicators in catalogue.by_theme().items():
        options = {i.short_name[lang]: i.id for i in indicators if wanted is None or i.id in wanted}
        if options:
            groups[catalogue.theme(theme_id).name[lang]] = options
    return groups


def offered_indicators(data: DashboardData, lang: str, theme: str | None = None) -> list[str]:
    """The indicators an explorer's select offers (of one theme, or every one), in its order."""
    groups = indicator_groups(data.catalogue, lang, explorer_indicators(data, theme))
    return [indicator_id for options in groups.values() for indicator_id in options.values()]


def every_offer(data: DashboardData, lang: str) -> set[tuple[str, ...]]:
    """What the select of each explorer (every indicator, or one theme's) offers."""
    themes = {None} | {indicator.theme for indicator in data.catalogue.indicators.values()}
    return {tuple(offered_indicators(data, lang, theme)) for theme in themes}


def candidate_target(catalogue: Catalogue, period: int) -> Target | None:
    """The required share of women on the city council's candidate list for a term, if any."""
    if CANDIDATE_INDICATOR not in catalogue:
        return None
    return catalogue.get(CANDIDATE_INDICATOR).target_for(period, "city")
