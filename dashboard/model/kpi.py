"""Headline figures (KPIs): an indicator's city value against its target and the period before.

Shared by the exports (deck, snapshots) and the overview page. Everything here is plain
data and text: no widgets, no plotting, so it is cheap to call and easy to test.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from ..catalogue import Indicator, Target
from ..data import DashboardData
from ..i18n import format_number, format_period, format_ratio, format_value, t, t_map
from ..maps import map_for_period
from .cells import cached_city_value
from .councils import no_council_mask
from .periods import covers, resolve_period
from .targets import meets_target, no_target_text, target_for, target_text

# One or two headline indicators per theme, in the order they are presented. Screening
# ran only in 2015-2019, so its KPI resolves to 2019 for any later period.
HEADLINE_INDICATORS: dict[str, tuple[str, ...]] = {
    "committees": ("committee_established",),
    "capacity": ("trainees",),
    "leadership": ("women_district_council_pct", "key_leader_female"),
    "health": ("screening_coverage_pct",),
}


@dataclasses.dataclass(frozen=True)
class Kpi:
    """The city figure of one indicator for one period, judged against its target.

    `period` is the period actually shown: the latest one with data at or before
    `requested_period` (see `resolve_period`), or None when the indicator has no data.
    """

    indicator: Indicator
    requested_period: int
    period: int | None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: str | None = None
    source: str | None = None
    # True when the city value is computed from district figures, not published.
    derived: bool = False
    # The target the city value is held to: the city-scope target, else the district one.
    target: Target | None = None
    # None when there is no target or no value.
    met: bool | None = None
    previous_period: int | None = None
    previous_value: float | None = None
    previous_status: str | None = None
    # value - previous_value, in the indicator's unit (percentage points for percentages).
    change: float | None = None
    # The district-scope target districts are counted against (None for yes/no indicators,
    # where "behind" means answering no).
    district_target: Target | None = None
    # Districts missing the district-scope target, or answering "no" for yes/no indicators;
    # None when there is nothing to judge them against.
    districts_behind: int | None = None
    # GSO codes of those districts, in map order.
    behind_codes: tuple[str, ...] = ()
    districts_reporting: int = 0
    # Districts that could report: those whose council of the measured level exists.
    districts_total: int = 0
    # Districts whose council of the measured level is not organised (not missing data).
    districts_without_council: int = 0
    # True when the city value or any district value of the period is illustrative.
    illustrative: bool = False

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @property
    def change_is_illustrative(self) -> bool:
        """True when either end of the change is illustrative: then it is no real change."""
        return self.change is not None and "illustrative" in (self.status, self.previous_status)

    @property
    def map_id(self) -> str:
        """The map whose units the district counts are of: that of the period shown."""
        period = self.requested_period if self.period is None else self.period
        return map_for_period(period, self.indicator.frequency).id

    @property
    def covers_requested(self) -> bool:
        """True when the period shown contains the requested one (a term contains its years)."""
        return covers(self.period, self.requested_period, self.indicator.frequency)


def indicator_kpi(data: DashboardData, indicator_id: str, period: int) -> Kpi:
    """The KPI of one indicator for `period`, resolved to the latest period with data."""
    indicator = data.indicator(indicator_id)
    periods = data.periods(indicator_id)
    resolved = resolve_period(periods, period)
    if resolved is None:
        return Kpi(
            indicator=indicator,
            requested_period=period,
            period=None,
            districts_total=data.unit_count(indicator_id, period),
        )

    city = cached_city_value(data, indicator_id, resolved)
    target = target_for(indicator, resolved, scope="city")
    value = _finite(city.value) if city is not None else None
    met = meets_target(value, target, indicator.polarity) if target and value is not None else None

    earlier = [p for p in periods if p < resolved]
    previous_period = max(earlier) if earlier else None
    previous = (
        cached_city_value(data, indicator_id, previous_period) if previous_period is not None else None
    )
    previous_value = _finite(previous.value) if previous is not None else None
    change = value - previous_value if value is not None and previous_value is not None else None

    table = data.district_table(indicator_id, resolved)
    no_council = int((no_council_mask(indicator_id, table["unit_type"], resolved) & table["value"].isna()).sum())
    reporting = table.dropna(subset=["value"])
    district_target = None if indicator.is_boolean else indicator.target_for(resolved, "district")
    behind_codes = _behind(reporting, indicator, district_target)
    statuses = set(reporting["status"]) | ({city.status} if city is not None else set())

    return Kpi(
        indicator=indicator,
        requested_period=period,
        period=resolved,
        value=value,
        numerator=city.numerator if city is not None else None,
        denominator=city.denominator if city is not None else None,
        status=city.status if city is not None else None,
        source=city.source if city is not None else None,
        derived=city.derived if city is not None else False,
        target=target,
        met=None if met is None else bool(met),
        previous_period=previous_period,
        previous_value=previous_value,
        previous_status=previous.status if previous is not None else None,
        change=change,
        district_target=district_target,
        districts_behind=None if behind_codes is None else len(behind_codes),
        behind_codes=behind_codes or (),
        districts_reporting=len(reporting),
        districts_total=len(table) - no_council,
        districts_without_council=no_council,
        illustrative="illustrative" in statuses,
    )


def theme_kpis(data: DashboardData, period: int) -> list[Kpi]:
    """The headline KPIs of every theme that has them, themes in catalogue order."""
    kpis = []
    for theme in data.catalogue.themes:
        for indicator_id in HEADLINE_INDICATORS.get(theme.id, ()):
            if indicator_id in data.catalogue:
                kpis.append(indicator_kpi(data, indicator_id, period))
    return kpis


def _finite(number: float | None) -> float | None:
    return None if number is None or math.isnan(number) else float(number)


def _behind(
    reporting: pd.DataFrame, indicator: Indicator, target: Target | None
) -> tuple[str, ...] | None:
    if reporting.empty:
        return None
    if indicator.is_boolean:
        misses = reporting["value"] < 0.5
    elif target is None:
        return None
    else:
        misses = ~reporting["value"].map(lambda v: bool(meets_target(v, target, indicator.polarity)))
    return tuple(str(code) for code in reporting.loc[misses, "code"])


# ------------------------------------------------------------------------ text


def period_label(indicator: Indicator, period: int, lang: str) -> str:
    """ "năm 2016" or "nhiệm kỳ 2016–2021"; English "2016" or "term 2016–2021"."""
    key = "kpi_term_label" if indicator.frequency == "term" else "kpi_year_label"
    return t(key, lang).format(period=format_period(period, indicator.frequency, lang))


def value_text(kpi: Kpi, lang: str) -> str:
    """The city value in its unit; yes/no indicators show the share of districts answering yes."""
    if kpi.value is None:
        return t("no_data", lang)
    kind = "percent" if kpi.indicator.is_boolean else kpi.indicator.kind
    return format_value(kpi.value, kind, lang)


def change_text(kpi: Kpi, lang: str) -> str:
    """+2,3 điểm phần trăm / −5 người: signed, in the indicator's unit; "" without a change."""
    if kpi.change is None:
        return ""
    percent_like = kpi.indicator.kind in ("percent", "boolean")
    decimals = 1 if percent_like or not float(kpi.change).is_integer() else 0
    number = format_number(abs(kpi.change), lang, decimals)
    if number == format_number(0, lang, decimals):
        return t("kpi_no_change", lang)
    sign = "+" if kpi.change > 0 else "−"
    unit = t("kpi_points", lang) if percent_like else kpi.indicator.unit[lang]
    return f"{sign}{number} {unit}"


def summary_lines(kpi: Kpi, lang: str) -> list[str]:
    """Short lines for a KPI card or slide: value, target, change, districts, status."""
    indicator = kpi.indicator
    if kpi.period is None:
        return [t("kpi_no_data_any_period", lang)]
    label = period_label(indicator, kpi.period, lang)
    lines = []
    ratio = format_ratio(kpi.numerator, kpi.denominator, lang)
    yes = f" {t('districts_with_yes', lang)}" if indicator.is_boolean else ""
    lines.append(
        t("kpi_city_line", lang).format(period=label, value=value_text(kpi, lang))
        + (f" ({ratio}{yes})" if ratio else "")
    )
    if not kpi.covers_requested:
        lines.append(
            t("kpi_latest_period", lang).format(period=label, requested=kpi.requested_period)
        )
    if kpi.target is not None:
        verdict = "" if kpi.met is None else f": {t('met' if kpi.met else 'not_met', lang)}"
        target = target_text(kpi.target, indicator, lang)
        lines.append(f"{t('target', lang)} {target} ({kpi.target.year}){verdict}")
    else:
        lines.append(f"{t('target', lang)}: {no_target_text(indicator, lang)}")
    if kpi.previous_period is not None:
        previous = period_label(indicator, kpi.previous_period, lang)
        change = change_text(kpi, lang) or t("no_data", lang)
        if kpi.change_is_illustrative:
            change += f" ({t('kpi_change_illustrative', lang)})"
        lines.append(t("kpi_change_line", lang).format(period=previous, change=change))
    if kpi.districts_behind is not None:
        key = "kpi_districts_no" if indicator.is_boolean else "kpi_districts_behind"
        key += "_none" if kpi.districts_behind == 0 else ""
        lines.append(
            t_map(key, lang, kpi.map_id).format(count=kpi.districts_behind, reporting=kpi.districts_reporting)
        )
    lines.append(
        t_map("kpi_reporting", lang, kpi.map_id).format(count=kpi.districts_reporting, total=kpi.districts_total)
    )
    if kpi.districts_without_council:
        lines.append(t("kpi_no_council", lang).format(count=kpi.districts_without_council))
    if kpi.status is not None:
        lines.append(
            f"{t('status', lang)}: {t('status_' + kpi.status, lang)}"
            + (f" · {t_map('kpi_derived', lang, kpi.map_id)}" if kpi.derived else "")
        )
    return lines


def spoken_summary(kpi: Kpi, lang: str) -> str:
    """The key numbers as full sentences, for speaker notes and screen readers."""
    indicator = kpi.indicator
    name = indicator.name[lang]
    if kpi.period is None:
        return t("kpi_say_no_data", lang).format(name=name)
    label = period_label(indicator, kpi.period, lang)
    sentences = []
    ratio = format_ratio(kpi.numerator, kpi.denominator, lang)
    if kpi.value is None:
        sentences.append(t("kpi_say_no_city_value", lang).format(name=name, period=label))
    elif indicator.is_boolean:
        sentences.append(
            t("kpi_say_share_yes", lang).format(
                name=name,
                period=label,
                value=value_text(kpi, lang),
                yes=format_number(kpi.numerator, lang),
                total=format_number(kpi.denominator, lang),
            )
        )
    else:
        sentences.append(
            t("kpi_say_value", lang).format(name=name, period=label, value=value_text(kpi, lang))
            + (t("kpi_say_ratio", lang).format(ratio=ratio) if ratio else "")
            + "."
        )
    if not kpi.covers_requested:
        sentences.append(
            t("kpi_say_latest", lang).format(requested=kpi.requested_period, period=label)
        )
    if kpi.target is not None and kpi.met is not None:
        key = "kpi_say_met" if kpi.met else "kpi_say_not_met"
        sentences.append(
            t(key, lang).format(
                target=target_text(kpi.target, indicator, lang),
                year=kpi.target.year,
                basis=kpi.target.basis[lang],
            )
        )
    elif kpi.target is None:
        key = "kpi_say_no_target_for_period" if indicator.targets else "kpi_say_no_target"
        sentences.append(t(key, lang))
    if kpi.change is not None and kpi.previous_period is not None:
        change = change_text(kpi, lang)
        key = "kpi_say_unchanged" if change == t("kpi_no_change", lang) else "kpi_say_change"
        sentences.append(
            t(key, lang).format(
                change=change,
                period=period_label(indicator, kpi.previous_period, lang),
                previous=format_value(
                    kpi.previous_value, "percent" if indicator.is_boolean else indicator.kind, lang
                ),
            )
        )
        if kpi.change_is_illustrative:
            sentences.append(t("kpi_say_change_illustrative", lang))
    if kpi.districts_behind is not None:
        key = "kpi_say_districts_no" if indicator.is_boolean else "kpi_say_districts_behind"
        key += "_none" if kpi.districts_behind == 0 else ""
        sentences.append(
            t_map(key, lang, kpi.map_id).format(count=kpi.districts_behind, reporting=kpi.districts_reporting)
        )
    if kpi.districts_reporting < kpi.districts_total:
        sentences.append(
            t_map("kpi_say_missing", lang, kpi.map_id).format(
                missing=kpi.districts_total - kpi.districts_reporting, total=kpi.districts_total
            )
        )
    if kpi.districts_without_council:
        sentences.append(t("kpi_say_no_council", lang).format(count=kpi.districts_without_council))
    if kpi.illustrative:
        sentences.append(t("kpi_say_illustrative", lang))
    return " ".join(sentences)
