"""Rank of a district among those reporting: polarity-aware, ties share a rank.

Yes/no indicators and neutral ones (population, for instance, where neither more nor less
is better) are not ranked: the map's district card and the district profile both say so.
"""

from __future__ import annotations

import math

import pandas as pd

from ..catalogue import Indicator
from ..i18n import t, t_map
from ..maps import DISTRICT_MAP
from .collation import vietnamese_sort_keys


def is_ranked(indicator: Indicator) -> bool:
    """Only numeric indicators with a better direction have a rank."""
    return not indicator.is_boolean and indicator.polarity != "neutral"


def rank_among(values: pd.Series, value: float | None, indicator: Indicator) -> int | None:
    """Rank of `value` among the reported `values`: 1 is best; ties share the better rank.

    None for a missing value and for indicators that are not ranked (see `is_ranked`).
    """
    values = pd.Series(values, dtype=float).dropna()
    if value is None or math.isnan(value) or not is_ranked(indicator) or values.empty:
        return None
    better = values < value if indicator.polarity == "lower_is_better" else values > value
    return int(better.sum()) + 1


def district_rank(table: pd.DataFrame, code: str, indicator: Indicator) -> int | None:
    """Rank of the district `code` in a table with `code` and `value` columns (one period)."""
    rows = table.loc[table["code"] == code, "value"]
    if rows.empty:
        return None
    return rank_among(table["value"], float(rows.iloc[0]), indicator)


def reporting_count(values: pd.Series) -> int:
    """How many districts a rank is out of: those with a value."""
    return int(pd.Series(values, dtype=float).notna().sum())


def ranked(display: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """Districts with data, best last, ties in Vietnamese alphabetical order.

    Last, because HoloViews draws the first row of a horizontal bar chart lowest: the best
    is on top. Lower-is-better indicators put their lowest value on top; indicators with no
    better direction put the largest on top.
    """
    values = display["value"].to_numpy(dtype=float)
    with_data = [i for i, value in enumerate(values) if not math.isnan(value)]
    names = vietnamese_sort_keys(display["name"]).tolist()
    # The name key is reversed too, so that ties read alphabetically from the top down. Two
    # stable sorts (in plain Python: 30 to 126 rows, where pandas' own sort costs a millisecond).
    order = sorted(with_data, key=names.__getitem__, reverse=True)
    order.sort(key=values.__getitem__, reverse=indicator.polarity == "lower_is_better")
    return display.iloc[order]


def rank_label(rank: int | None, reporting: int, indicator: Indicator, lang: str,
               map_id: str = DISTRICT_MAP.id) -> str:
    """'3 trên 30 quận, huyện có số liệu (1 = tốt nhất)', in the words of the map; or why there is no rank."""
    if indicator.is_boolean:
        return t("profile_not_ranked_boolean", lang)
    if indicator.polarity == "neutral":
        return t("profile_not_ranked_neutral", lang)
    if rank is None:
        return t("no_data", lang)
    return t_map("profile_rank_of", lang, map_id).format(rank=rank, count=reporting)
