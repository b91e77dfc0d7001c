"""Targets: which one applies to a period, and whether a value meets it."""

from __future__ import annotations

import math

from ..catalogue import Indicator, Target
from ..i18n import format_number


def target_for(indicator: Indicator, period: int, scope: str = "district") -> Target | None:
    """The target of `scope` for the period, else the other scope's as a reference.

    Districts are held to the district target; the city figure to the city target. None
    when no target applies to the period.
    """
    other = "city" if scope == "district" else "district"
    return indicator.target_for(period, scope) or indicator.target_for(period, other)


def gap_target(indicator: Indicator, period: int) -> Target | None:
    """The target a gap can be measured against: numeric indicators with a target only."""
    return None if indicator.is_boolean else target_for(indicator, period)


def meets_target(value: float | None, target: Target, polarity: str) -> bool | None:
    """True when the value reaches the target in the indicator's direction; None when unknown."""
    if value is None or math.isnan(value):
        return None
    return bool(value <= target.value if polarity == "lower_is_better" else value >= target.value)


def district_meets_target(value: float | None, target: Target | None, indicator: Indicator) -> bool | None:
    """Whether one district meets its target; None when unknown or when no district target applies.

    A city-wide target (or a yes/no indicator's share of districts) says nothing about a
    single district, so the map's card and the district profile leave such a district unjudged.
    """
    if target is None or target.scope != "district" or indicator.is_boolean:
        return None
    return meets_target(value, target, indicator.polarity)


def target_text(target: Target, indicator: Indicator, lang: str) -> str:
    """The target's value in the indicator's unit and the language's number format: "35%"."""
    unit = "%" if indicator.kind in ("percent", "boolean") else ""
    return f"{format_number(target.value, lang, 0 if float(target.value).is_integer() else 1)}{unit}"


def target_sign(indicator: Indicator) -> str:
    """"≤" when lower is better, else "≥": the direction in which the target is met."""
    return "≤" if indicator.polarity == "lower_is_better" else "≥"
