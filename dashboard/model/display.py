"""Display tables shared by the map, the charts, the card and the exports: labels and colours."""

from __future__ import annotations

import math

import pandas as pd

from ..catalogue import Indicator
from ..data import DashboardData
from ..i18n import format_number, format_period, format_ratio, format_value, t
from .cells import cached_city_value, chart_periods, city_line_value, district_cells, per_data_version
from .classes import NO_COUNCIL_COLOUR, Classification, LegendEntry, classify, classify_gap, nice_bins
from .councils import NO_COUNCIL, no_council_mask
from .targets import gap_target, target_for

# Columns that change when the indicator, period or language changes; geometry never does.
VALUE_COLUMNS = ["name", "value", "value_label", "ratio", "status_label", "color"]


def indicator_bins(data: DashboardData, indicator: Indicator, map_id: str) -> list[float]:
    """Class edges over every period of one map, so a colour keeps its meaning across years."""
    values = data.district_values(indicator.id, map_id)
    return nice_bins(values, integer=indicator.kind == "count")


# Views of every (indicator, period, language, colour mode) the sessions of a process ask for.
DISPLAY_CACHE_SIZE = 512


def district_display(
    data: DashboardData, indicator: Indicator, period: int, lang: str, gap: bool = False
) -> tuple[pd.DataFrame, Classification]:
    """One row per district with formatted labels and its fill colour, in map order.

    With `gap`, colours show the distance to the target where the indicator has one. Worked out
    once per data version for the catalogue's own indicators and shared by every session (about
    15 ms of each new page): callers must not modify it.
    """
    if data.indicator(indicator.id) is indicator:
        return _catalogue_display(data, indicator.id, period, lang, gap)
    return _district_display(data, indicator, period, lang, gap)


@per_data_version(maxsize=DISPLAY_CACHE_SIZE)
def _catalogue_display(data: DashboardData, indicator_id: str, period: int, lang: str,
                       gap: bool) -> tuple[pd.DataFrame, Classification]:
    return _district_display(data, data.indicator(indicator_id), period, lang, gap)


def _district_display(data: DashboardData, indicator: Indicator, period: int, lang: str,
                      gap: bool) -> tuple[pd.DataFrame, Classification]:
    table = data.district_table(indicator.id, period)
    target = gap_target(indicator, period) if gap else None
    if target is not None:
        classification = classify_gap(table["value"], target.value, indicator.polarity, lang)
    else:
        classification = classify(
            table["value"], indicator.kind, indicator_bins(data, indicator, data.map_for(indicator.id, period).id), lang
        )
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


def trend_frame(data: DashboardData, indicator: Indicator, code: str, lang: str) -> pd.DataFrame:
    """One row per period: the district, the city and the target; NaN where there is no figure.

    For counts the city line is the average per reporting district, since the city total
    dwarfs any single district. Yes/no indicators compare nothing on the same axis: their
    city value is a share of districts, so only the district's own answer is drawn.
    """
    cells = district_cells(data, indicator.id)
    rows = []
    for period in chart_periods(data, indicator.id):
        district = math.nan
        if period in cells and code in cells[period].index:
            district = float(cells[period].at[code, "value"])
        city = city_line_value(cached_city_value(data, indicator.id, period), indicator,
                               data.unit_count(indicator.id, period))
        city_value = math.nan if city is None else city
        target_value = math.nan
        if not indicator.is_boolean:
            target = target_for(indicator, period)
            target_value = math.nan if target is None else target.value
        rows.append(
            {
                "period": period,
                "period_label": format_period(period, indicator.frequency, lang),
                "district": district,
                "city": city_value,
                "target": target_value,
                "district_label": format_value(district, indicator.kind, lang),
                "target_label": format_value(target_value, indicator.kind, lang),
                "city_label": (
                    format_number(city_value, lang, 1 if city_value < 100 else 0)
                    if indicator.is_count and not math.isnan(city_value)
                    else format_value(city_value, indicator.kind, lang)
                ),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "period",
            "period_label",
            "district",
            "city",
            "target",
            "district_label",
            "target_label",
            "city_label",
        ],
    )
