"""The real published figures: city and national values with their n/N, status and source."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..catalogue import Catalogue
from ..data import CITY_MAP_ID
from ..i18n import format_period, format_ratio, format_value, t

# Maps whose rows are published figures rather than district breakdowns.
REAL_FIGURE_MAPS = (CITY_MAP_ID, "vn_country")
REAL_FIGURE_COLUMNS = [
    "indicator_id", "map_id", "indicator", "area", "period_start", "period", "number", "value", "ratio",
    "status", "status_key", "source",
]


def real_figures(
    observations: pd.DataFrame, catalogue: Catalogue, lang: str, indicator_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Published city and national figures in catalogue order, with labels in `lang`.

    `number` is the value itself, `value` its label; `period` is the period's label and
    `period_start` its first year. Only `indicator_ids` when given.
    """
    rows = observations[observations["map_id"].isin(REAL_FIGURE_MAPS)]
    if indicator_ids is not None:
        rows = rows[rows["indicator_id"].isin(list(indicator_ids))]
    order = {indicator_id: position for position, indicator_id in enumerate(catalogue.indicators)}
    rows = rows.assign(order=rows["indicator_id"].map(order)).sort_values(["order", "map_id", "period"])
    records = []
    for row in rows.itertuples():
        indicator = catalogue.get(row.indicator_id)
        records.append(
            {
                "indicator_id": row.indicator_id,
                "map_id": row.map_id,
                "indicator": indicator.short_name[lang],
                "area": t(f"methods_area_{row.map_id}", lang),
                "period_start": int(row.period),
                "period": format_period(int(row.period), indicator.frequency, lang),
                "number": float(row.value),
                "value": format_value(row.value, "percent" if indicator.is_boolean else indicator.kind, lang),
                "ratio": format_ratio(row.numerator, row.denominator, lang),
                "status": t(f"status_{row.status}", lang),
                "status_key": row.status,
                "source": row.source,
            }
        )
    return pd.DataFrame(records, columns=REAL_FIGURE_COLUMNS)
