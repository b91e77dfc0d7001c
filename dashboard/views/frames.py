"""Display tables shared by the map, the chart and the exports: labels, colours, targets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalogue import Indicator, Target
from ..classify import NO_COUNCIL_COLOUR, Classification, LegendEntry, classify, classify_gap, nice_bins
from ..data import DashboardData
from ..i18n import format_ratio, format_value, t, vietnamese_sort_key
from ..model.councils import NO_COUNCIL, no_council_mask

# Columns that change when the indicator, period or language changes; geometry never does.
VALUE_COLUMNS = ["name", "value", "value_label", "ratio", "status_label", "color"]


def indicator_bins(data: DashboardData, indicator: Indicator) -> list[float]:
    """Class edges over every period, so a colour keeps its meaning across years."""
    values = data.district_values(indicator.id)
    return nice_bins(values, integer=indicator.kind == "count")


def gap_target(indicator: Indicator, period: int) -> Target | None:
    """The target a gap can be measured against: numeric indicators with a target only."""
    return None if indicator.kind == "boolean" else target_for(indicator, period)


def district_display(
    data: DashboardData, indicator: Indicator, period: int, lang: str, gap: bool = False
) -> tuple[pd.DataFrame, Classification]:
    """One row per district with formatted labels and its fill colour, in map order.

    With `gap`, colours show the distance to the target where the indicator has one.
    """
    table = data.district_table(indicator.id, period)
    target = gap_target(indicator, period) if gap else None
    if target is not None:
        classification = classify_gap(table["value"], target.value, indicator.polarity, lang)
    else:
        classification = classify(table["value"], indicator.kind, indicator_bins(data, indicator), lang)
    # A unit whose council is not organised has no figure to miss: its own state and colour.
    no_council = no_council_mask(indicator.id, table["unit_type"], period) & table["value"].isna()
    if no_council.any():
        table = table.assign(status=table["status"].where(~no_council, NO_COUNCIL))
        classification = Classification(
            colours=[NO_COUNCIL_COLOUR if flag else colour
                     for flag, colour in zip(no_council, classification.colours)],
            legend=[*classification.legend, LegendEntry(NO_COUNCIL_COLOUR, t("status_no_council", lang))],
        )
    display = pd.DataFrame(
        {
            "code": table["code"].to_numpy(),
            # Place names keep their diacritics in English too; only the unit prefix is Vietnamese.
            "name": (table["full_name_vi"] if lang == "vi" else table["name_vi"]).to_numpy(),
            "value": table["value"].to_numpy(dtype=float),
            "value_label": [
                t("status_no_council", lang) if flag else format_value(v, indicator.kind, lang)
                for v, flag in zip(table["value"], no_council)
            ],
            "numerator": table["numerator"].to_numpy(dtype=float),
            "denominator": table["denominator"].to_numpy(dtype=float),
            "ratio": [format_ratio(n, d, lang) for n, d in zip(table["numerator"], table["denominator"])],
            "status_label": [
                t(f"status_{status}", lang) if isinstance(status, str) else t("no_data", lang)
                for status in table["status"]
            ],
            "status": table["status"].to_numpy(),
            "source": table["source"].to_numpy(),
            "color": classification.colours,
        }
    )
    return display, classification


def ranked(display: pd.DataFrame) -> pd.DataFrame:
    """Districts with data, best at the top of a horizontal chart (HoloViews draws the first row lowest)."""
    rows = display.dropna(subset=["value"]).assign(order=lambda frame: frame["name"].map(vietnamese_sort_key))
    return rows.sort_values(["value", "order"], ascending=[True, False]).drop(columns="order")


def target_for(indicator: Indicator, period: int) -> Target | None:
    """The target a district is held to, else the city's, for the period shown."""
    return indicator.target_for(period, "district") or indicator.target_for(period, "city")


def meets_target(value: float, target: Target, polarity: str) -> bool | None:
    if value is None or np.isnan(value):
        return None
    return value <= target.value if polarity == "lower_is_better" else value >= target.value
