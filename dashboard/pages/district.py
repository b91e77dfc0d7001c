"""Unit profile: where does one district, or one commune or ward, stand on every indicator?

A 3-digit code is one of the 30 districts (periods up to 30 June 2025), a 5-digit code one
of the 126 communes and wards (from 1 July 2025). Reads, for the chosen unit, every indicator
with a figure for it on that unit's map: the latest value reported with n/N, the whole city
in the same period, the target and its legal basis, whether a unit target is met, the rank
among the units of the same map reporting, the change since the previous period and the data
status; and, per indicator, the trend over that map's periods against the city and the target
line. A new unit also names the old districts its communes came from, without their figures.
Built to be printed.

URL parameters synced (by the app): page=district, unit (district in older links), lang.
"""

from __future__ import annotations

import contextlib
import functools
import html
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import panel as pn
import param
from panel.io.state import set_curdoc
from panel.viewable import Viewer

from .. import geo
from ..catalogue import Indicator, Target
from ..data import DashboardData
from ..geo import COMMUNE_TYPES_EN, UNIT_TYPES_EN
from ..i18n import format_number, format_period, format_ratio, format_value, t, t_map
from ..illustrative import ILLUSTRATIVE_SOURCE
from ..maps import COMMUNE_MAP, DISTRICT_MAP, MAPS, AdministrativeMap, map_for_period
from ..model.cells import cached_city_value, per_data_version
from ..model.collation import vietnamese_sort_keys
from ..model.councils import has_no_council
from ..model.pagecache import (
    map_of_code,
    map_units,
    unit_cells,
    unit_indicators,
    unit_trend_frame,
    warm_unit_slices,
)
from ..model.rank import rank_among, rank_label
from ..model.targets import district_meets_target, target_for, target_sign, target_text
from ..state import DashboardState
from ..views.parts import BokehPane, BrowserButton, TextPane
from ..views.profile_chart import ChartData, ProfileChart, chart_data
from ..views.trend import CHART_HEIGHT, chart_key_html
from . import PageRecord

SLUG = "district"
TITLE = {"vi": "Hồ sơ quận/huyện", "en": "District profile"}
ICON = "building"

log = logging.getLogger(__name__)
# One thread per process warms the profile caches: sessions opened together queue behind it and
# then find their units ready, instead of computing the same units side by side.
_warmer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="profile-warmer")

# Parts of the page are shown or hidden through their element's style, not Bokeh's `visible`:
# in the browser each change of `visible` lays out the whole page again there and then (with
# its sixteen charts), whereas style changes are laid out together in the next frame.
HIDDEN_STYLE = {"display": "none"}
SHOWN_STYLE = {"display": None}


def display_style(shown: bool) -> dict:
    """The `styles` that show or hide a part of the page."""
    return dict(SHOWN_STYLE if shown else HIDDEN_STYLE)


# Statuses from the weakest to the strongest: a block shows the weakest of its parts.
ILLUSTRATIVE = "illustrative"
# Columns of the profile table whose missing values must stay None, never NaN or 0.
OPTIONAL_COLUMNS = ("met", "rank", "previous_period", "previous_value", "change", "city_value")
PROFILE_COLUMNS = [
    "indicator_id",
    "theme",
    "kind",
    "period",
    "latest_period",
    "latest_without_council",
    "value",
    "numerator",
    "denominator",
    "status",
    "source",
    "city_value",
    "city_status",
    "target_value",
    "target_year",
    "target_scope",
    "met",
    "rank",
    "reporting",
    "previous_period",
    "previous_value",
    "change",
    "name",
    "period_label",
    "value_label",
    "ratio_label",
    "status_label",
    "city_label",
    "target_label",
    "met_label",
    "rank_label",
    "change_label",
]


# ----------------------------------------------------------------------------- builders

def map_text(key: str, admin_map: AdministrativeMap | None, lang: str) -> str:
    """The interface string `key` in the words of `admin_map` (the districts when None)."""
    return t_map(key, lang, (admin_map or DISTRICT_MAP).id)


def unit_type_en(unit_type: str) -> str:
    """'urban district', 'ward', ...: the English name of a unit type of either map."""
    return UNIT_TYPES_EN.get(unit_type) or COMMUNE_TYPES_EN.get(unit_type, unit_type)


def district_options(districts: pd.DataFrame, lang: str, admin_map: AdministrativeMap | None = None) -> dict[str, str]:
    """Chooser options {label: code}: a prompt first, then the map's units by Vietnamese name.

    Place names keep their diacritics in English; only the unit type is translated.
    """
    options = {map_text("profile_placeholder", admin_map, lang): ""}
    for row in districts.sort_values("name_vi", key=vietnamese_sort_keys).itertuples():
        unit = row.unit_type if lang == "vi" else unit_type_en(row.unit_type)
        options[f"{row.name_vi} ({unit})"] = row.code
    return options


def map_options(lang: str) -> dict[str, str]:
    """The map switch {label: map id}: each map with the dates it is valid."""
    return {f"{m.title[lang]} ({m.valid_dates(lang)})": m.id for m in MAPS.values()}


def district_name(districts: pd.DataFrame, code: str, lang: str) -> str:
    """'Huyện Ba Vì' in Vietnamese, 'Ba Vì (rural district)' in English; '' for no unit."""
    rows = districts[districts["code"] == code]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    return (
        row["full_name_vi"]
        if lang == "vi"
        else f"{row['name_vi']} ({unit_type_en(row['unit_type'])})"
    )


def profile_cells(data: DashboardData, indicator_id: str, admin_map: AdministrativeMap) -> dict[int, pd.DataFrame]:
    """{period: unit rows indexed by code} of the indicator on one map, oldest period first.

    Only that map's periods: a district's previous or latest period is never one of the 126 units.
    """
    return unit_cells(data, indicator_id, admin_map.id)


def profile_indicators(data: DashboardData, admin_map: AdministrativeMap) -> list[Indicator]:
    """Indicators a profile on this map can show: those with any unit figure on it, in catalogue order."""
    return list(unit_indicators(data, admin_map.id))


def profile_table(data: DashboardData, code: str, lang: str) -> pd.DataFrame:
    """One row per indicator the unit has a figure for on its own map: raw values and their labels.

    The period of a row is the latest in which the unit reported (see `indicator_facts`).
    """
    records = []
    admin_map = map_of_code(code)
    for indicator in profile_indicators(data, admin_map) if admin_map is not None else ():
        cells = profile_cells(data, indicator.id, admin_map)
        reported = [
            p
            for p, rows in cells.items()
            if code in rows.index and not pd.isna(rows.at[code, "value"])
        ]
        if reported:
            records.append(indicator_facts(data, indicator, code, max(reported), lang))
    table = pd.DataFrame.from_records(records, columns=PROFILE_COLUMNS)
    for column in OPTIONAL_COLUMNS:
        if column in table:
            table[column] = table[column].astype(object).where(table[column].notna(), None)
    return table


# Every session showing a district asks for the same table and trends: built once per data
# version and shared (see model.cells). Callers must not modify what they get.
cached_profile_table = per_data_version(maxsize=256)(profile_table)


@per_data_version(maxsize=4096)
def cached_trend_frame(data: DashboardData, indicator_id: str, code: str, lang: str) -> pd.DataFrame:
    """`trend_frame`'s columns of one indicator for one unit, over its own map's periods only:
    nothing is carried across the maps."""
    return unit_trend_frame(data, indicator_id, code, lang)


@per_data_version(maxsize=4096)
def cached_chart_data(data: DashboardData, indicator_id: str, code: str, lang: str, label: str) -> ChartData:
    """What the profile chart of one indicator draws for one unit named `label`: made once per
    data version for every session."""
    return chart_data(cached_trend_frame(data, indicator_id, code, lang), label)


def indicator_facts(data: DashboardData, indicator: Indicator, code: str, period: int, lang: str) -> dict | None:
    """The profile's facts of one indicator for the unit in `period`; None without a figure.

    The previous period is the indicator's period on the unit's map just before it, so a
    skipped period gives no change, and a period of the other map is never the previous one.
    """
    admin_map = map_of_code(code)
    if admin_map is None:
        return None
    cells = profile_cells(data, indicator.id, admin_map)
    if period not in cells or code not in cells[period].index or pd.isna(cells[period].at[code, "value"]):
        return None
    # Only the periods of the unit's own map: a district's latest term is never one of the 126 units'.
    periods = [p for p in cells if data.map_for(indicator.id, p).accepts_code(code)]
    position = periods.index(period)
    previous_period = periods[position - 1] if position > 0 else None
    return _profile_record(data, indicator, code, period, previous_period, periods[-1], lang)


def _profile_record(
    data: DashboardData,
    indicator: Indicator,
    code: str,
    period: int,
    previous_period: int | None,
    latest_period: int,
    lang: str,
) -> dict:
    admin_map = map_of_code(code)
    cells = profile_cells(data, indicator.id, admin_map)
    table = cells[period]
    row = table.loc[code]
    value = float(row["value"])
    reporting = int(table["value"].notna().sum())
    previous_value = None
    if previous_period is not None:
        previous = cells[previous_period]
        if code in previous.index and not pd.isna(previous.at[code, "value"]):
            previous_value = float(previous.at[code, "value"])
    change = None if previous_value is None else value - previous_value

    city = cached_city_value(data, indicator.id, period)
    target = target_for(indicator, period)
    met = district_meets_target(value, target, indicator)
    rank = rank_among(table["value"], value, indicator)
    city_average = None
    if city is not None and indicator.is_count:
        city_average = city.value / (city.units_reporting or admin_map.unit_count)

    return {
        "indicator_id": indicator.id,
        "theme": indicator.theme,
        "kind": indicator.kind,
        "period": period,
        "latest_period": latest_period,
        # The latest period has no figure because the council is not organised, not missing.
        "latest_without_council": bool(has_no_council(
            indicator.id, _unit_type(data, admin_map, code), latest_period)),
        "value": value,
        "numerator": _optional(row["numerator"]),
        "denominator": _optional(row["denominator"]),
        "status": row["status"],
        "source": row["source"],
        "city_value": None if city is None else float(city.value),
        "city_status": None if city is None else city.status,
        "target_value": None if target is None else target.value,
        "target_year": None if target is None else target.year,
        "target_scope": None if target is None else target.scope,
        "met": met,
        "rank": rank,
        "reporting": reporting,
        "previous_period": previous_period,
        "previous_value": previous_value,
        "change": change,
        # Labels in the page language; missing values read "chưa có số liệu", never 0.
        "name": indicator.short_name[lang],
        "period_label": format_period(period, indicator.frequency, lang),
        "value_label": format_value(value, indicator.kind, lang),
        "ratio_label": format_ratio(row["numerator"], row["denominator"], lang),
        "status_label": t(f"status_{row['status']}", lang),
        "city_label": city_label(city, indicator, city_average, lang, admin_map),
        "target_label": target_label(target, indicator, lang, admin_map),
        "met_label": met_label(met, target, indicator, lang, admin_map),
        "rank_label": rank_label(rank, reporting, indicator, lang, admin_map.id),
        "change_label": change_label(change, previous_value, previous_period, indicator, lang),
    }


def _optional(number) -> float | None:
    return None if number is None or pd.isna(number) else float(number)


def _unit_type(data: DashboardData, admin_map: AdministrativeMap, code: str) -> str:
    units = map_units(data, admin_map.id)
    rows = units.loc[units["code"] == code, "unit_type"]
    return str(rows.iloc[0]) if len(rows) else ""


def city_label(city, indicator: Indicator, average: float | None, lang: str,
               admin_map: AdministrativeMap | None = None) -> str:
    """The city value in the indicator's terms: a share of units for yes/no indicators."""
    if city is None:
        return t("no_data", lang)
    ratio = format_ratio(city.numerator, city.denominator, lang)
    if indicator.is_boolean:
        text = format_value(city.value, "percent", lang)
        text += f" ({ratio} {map_text('districts_with_yes', admin_map, lang)})" if ratio else ""
    else:
        text = format_value(city.value, indicator.kind, lang) + (f" ({ratio})" if ratio else "")
    if average is not None:
        decimals = 1 if average < 100 else 0
        text += f"; {map_text('profile_city_average', admin_map, lang)} {format_number(average, lang, decimals)}"
    return f"{text} · {t('status_' + city.status, lang)}"


def target_label(target: Target | None, indicator: Indicator, lang: str,
                 admin_map: AdministrativeMap | None = None) -> str:
    """'≥ 35% (2016), applies to each district' or the no-target label."""
    if target is None:
        return t("no_target", lang)
    scope = (map_text("profile_district_target", admin_map, lang) if target.scope == "district"
             else t("profile_city_target", lang))
    yes = f" {map_text('districts_with_yes', admin_map, lang)}" if indicator.is_boolean else ""
    return f"{target_sign(indicator)} {target_text(target, indicator, lang)}{yes} ({target.year}), {scope}"


def met_label(met: bool | None, target: Target | None, indicator: Indicator, lang: str,
              admin_map: AdministrativeMap | None = None) -> str:
    if target is None:
        return "—"
    if met is None:
        return map_text("profile_assessed_city_only", admin_map, lang)
    return t("met" if met else "not_met", lang)


def change_label(
    change: float | None,
    previous_value: float | None,
    previous_period: int | None,
    indicator: Indicator,
    lang: str,
) -> str:
    """'+2,1 điểm %' for percentages, 'Không → Có' for yes/no, a signed count otherwise."""
    if previous_period is None:
        return t("profile_first_period", lang)
    since = t("profile_since", lang).format(
        period=format_period(previous_period, indicator.frequency, lang)
    )
    if change is None:
        return f"{t('profile_no_previous_data', lang)} ({since})"
    if change == 0:
        return f"{t('profile_no_change', lang)} ({since})"
    if indicator.is_boolean:
        before, after = (
            format_value(v, "boolean", lang) for v in (previous_value, previous_value + change)
        )
        return f"{before} → {after} ({since})"
    decimals = 1 if indicator.is_percent or not float(change).is_integer() else 0
    sign = "+" if change > 0 else "−"
    unit = f" {t('profile_points', lang)}" if indicator.is_percent else ""
    return f"{sign}{format_number(abs(change), lang, decimals)}{unit} ({since})"


def source_text(source: str, lang: str) -> str:
    """The source in the page language: the generator's bilingual label is split in two."""
    if source == ILLUSTRATIVE_SOURCE:
        vi, _, en = source.partition(" / ")
        return vi if lang == "vi" else en
    return source


def change_direction(change: float | None, polarity: str) -> str:
    """'better', 'worse' or '' (no change, unknown, or no better direction)."""
    if change is None or change == 0 or polarity == "neutral":
        return ""
    improved = change < 0 if polarity == "lower_is_better" else change > 0
    return "better" if improved else "worse"


def shows_illustrative(table: pd.DataFrame) -> bool:
    """True when any value of the profile, district or city, is illustrative."""
    if table.empty:
        return False
    return bool(
        (table["status"] == ILLUSTRATIVE).any() or (table["city_status"] == ILLUSTRATIVE).any()
    )


def indicator_block_html(row: pd.Series | dict, indicator: Indicator, code: str, lang: str) -> str:
    """The facts of one indicator for one district, as a definition list."""
    esc = html.escape
    status = row["status"]
    ratio = (
        f' <span class="profile-ratio">({esc(row["ratio_label"])})</span>'
        if row["ratio_label"]
        else ""
    )
    met_class = {True: " profile-met", False: " profile-not-met"}.get(row["met"], "")
    direction = change_direction(row["change"], indicator.polarity)
    facts = [
        (t("profile_city_same_period", lang), esc(row["city_label"]), ""),
        (t("target", lang), esc(row["target_label"]), ""),
    ]
    target = target_for(indicator, int(row["period"]))
    if target is not None:
        facts.append((t("basis", lang), esc(target.basis[lang]), ""))
    facts += [
        (t("profile_assessment", lang), esc(row["met_label"]), met_class),
        (t("rank", lang), esc(row["rank_label"]), ""),
        (
            t("profile_change", lang),
            esc(row["change_label"]),
            f" profile-{direction}" if direction else "",
        ),
        (t("source", lang), esc(source_text(row["source"], lang)), " profile-source"),
    ]
    rows = "".join(
        f'<dt>{label}</dt><dd class="{css.strip()}">{text}</dd>' for label, text, css in facts
    )
    stale = ""
    if row["latest_period"] != row["period"]:
        latest = format_period(int(row["latest_period"]), indicator.frequency, lang)
        key = "profile_no_council_latest" if row.get("latest_without_council") else "profile_not_reported_latest"
        note = t(key, lang).format(period=latest)
        stale = f'<p class="profile-stale">{esc(note)}</p>'
    link = (
        f'<a class="profile-map-link" href="?page=map&amp;indicator={indicator.id}'
        f"&amp;year={row['period']}"
        f'&amp;unit={code}&amp;lang={lang}">{t("profile_see_on_map", lang)} →</a>'
    )
    return (
        f'<div class="profile-facts-block">'
        f'<h4 class="profile-indicator-title">{esc(indicator.short_name[lang])} '
        f'<span class="profile-period">{esc(row["period_label"])}</span></h4>'
        f'<div class="profile-value">{esc(row["value_label"])}{ratio} '
        f'<span class="profile-flag profile-flag-{status}">{esc(row["status_label"])}</span></div>'
        f'{stale}<dl class="profile-facts">{rows}</dl>{link}</div>'
    )


def heading_html(districts: pd.DataFrame, code: str, lang: str) -> str:
    """The page heading: the district's name with its population and number of communes.

    A unit of the 126-unit map has its own heading (`unit_heading_html`).
    """
    name = district_name(districts, code, lang)
    if not name:
        return f'<h2 class="profile-heading">{t("profile_heading", lang)}</h2>'
    row = districts[districts["code"] == code].iloc[0]
    facts = (
        f"{t('profile_population', lang)}: <b>{format_number(row['population_2019'], lang)}</b> "
        f"{t('profile_people', lang)} · <b>{format_number(row['communes_2020'], lang)}</b> "
        f"{t('profile_communes', lang)}"
    )
    return (
        f'<h2 class="profile-heading">'
        f'<span class="profile-kicker">{t("profile_heading", lang)}</span>'
        f"{html.escape(name)}</h2>"
        f'<div class="profile-context">{facts}<br><span class="profile-census">'
        f"{t('profile_census_source', lang)}</span></div>"
    )


def predecessors_html(code: str, districts: pd.DataFrame, lang: str) -> str:
    """'Trước 01/07/2025 thuộc: Quận Ba Đình (4 xã, phường, thị trấn cũ; một phần)…', from the crosswalk.

    Names only: no figure of an old district is carried to the new unit.
    """
    links = geo.predecessors(code)
    if links.empty:
        return ""
    parts = []
    for row in links.itertuples():
        name = district_name(districts, row.old_district_code, lang) or row.old_district_name
        detail = t("profile_predecessor_communes", lang).format(count=int(row.communes))
        if row.partial_communes:
            detail += f"; {t('profile_predecessor_partial', lang)}"
        parts.append(f"{html.escape(name)} ({detail})")
    return (
        f'<div class="profile-predecessors"><b>{t("profile_predecessors", lang)}</b>: {", ".join(parts)}.'
        f'<br><small>{t("profile_predecessors_note", lang)}</small></div>'
    )


def unit_heading_html(units: pd.DataFrame, code: str, lang: str, districts: pd.DataFrame) -> str:
    """The heading of a commune or ward: its full name, its type, its map and where it came from."""
    name = district_name(units, code, lang)
    if not name:
        return f'<h2 class="profile-heading">{t_map("profile_heading", lang, COMMUNE_MAP.id)}</h2>'
    row = units[units["code"] == code].iloc[0]
    unit_type = row["unit_type"] if lang == "vi" else unit_type_en(row["unit_type"])
    admin_map = COMMUNE_MAP
    map_line = t("profile_unit_map", lang).format(map=admin_map.title[lang], dates=admin_map.valid_dates(lang))
    return (
        f'<h2 class="profile-heading">'
        f'<span class="profile-kicker">{t_map("profile_heading", lang, COMMUNE_MAP.id)}</span>'
        f"{html.escape(name)}</h2>"
        f'<div class="profile-context">{t("profile_unit_type", lang)}: <b>{html.escape(unit_type)}</b> · '
        f"{html.escape(map_line)}"
        f"{predecessors_html(code, districts, lang)}</div>"
    )


# ------------------------------------------------------------------------------- views


class DistrictProfile(param.Parameterized):
    """The profile table of the selected district, computed once per change while it is shown."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    code = param.String(default="", doc="District the table describes.", precedence=-1)
    lang = param.String(default="vi", doc="Language of the table's labels.", precedence=-1)
    version = param.Integer(default=-1, doc="Data version the table was built from.", precedence=-1)
    revision = param.Integer(
        default=0,
        precedence=-1,
        doc="Moves with every new table: the indicator blocks redraw on it, all in one batch.",
    )
    table = param.DataFrame(doc="One row per indicator, see profile_table().", precedence=-1)

    @param.depends(
        "state.district", "state.lang", "state.page", "state.data_version", watch=True, on_init=True
    )
    def _resolve(self) -> None:
        # Other pages change the district too: refresh only when this page is shown.
        if self.table is not None and self.state.page != SLUG:
            return
        code, lang, version = self.state.district, self.state.lang, self.data.version
        if self.table is not None and (code, lang, version) == (self.code, self.lang, self.version):
            return
        table = cached_profile_table(self.data, code, lang)
        self._rows = {row["indicator_id"]: row for row in table.to_dict("records")}
        self.admin_map = map_of_code(code)
        units = map_units(self.data, self.admin_map.id) if self.admin_map is not None else self.data.districts
        self._district_label = district_name(units, code, lang)
        # Sixteen charts and their texts change together: one message to the browser. Only
        # values change, never a model, so Bokeh has no model graph to walk again.
        with pn.io.hold():
            self.param.update(
                code=code, lang=lang, version=version, table=table, revision=self.revision + 1
            )

    def row(self, indicator_id: str) -> dict | None:
        """The profile table's row of an indicator as {column: value}; None if not reported."""
        return self._rows.get(indicator_id)

    def trend(self, indicator_id: str) -> pd.DataFrame:
        """The trend frame of an indicator for the current district and language."""
        return cached_trend_frame(self.data, indicator_id, self.code, self.lang)

    def chart_data(self, indicator_id: str) -> ChartData:
        """What the chart of an indicator draws for the current district and language."""
        return cached_chart_data(self.data, indicator_id, self.code, self.lang, self._district_label)

    def district_label(self) -> str:
        return self._district_label


class IndicatorBlock(Viewer):
    """One indicator of the profile: its facts and its trend chart, kept together when printed.

    Its two panes and its Bokeh chart are made once, whether or not the unit shown has the
    indicator: a new unit or language only feeds them new texts and column data, so the first
    unit chosen on a page costs no more than any other. The chart's key ends the facts, so a
    block is three models, not five. The chart may be made after the facts (`build_chart`).
    """

    profile = param.ClassSelector(class_=DistrictProfile, doc="Profile to show.")
    indicator = param.ClassSelector(class_=Indicator, doc="Indicator of this block.")
    with_chart = param.Boolean(default=True, constant=True, precedence=-1,
                               doc="Make the chart with the block; else later, by `build_chart`.")

    def __init__(self, **params):
        super().__init__(**params)
        self.chart = ProfileChart(self.indicator, self.profile.lang) if self.with_chart else None
        self._facts = TextPane(
            "", sizing_mode="stretch_width", css_classes=["profile-info"], margin=(0, 8)
        )
        # Holds the chart's room until it is built, so the page does not jump when it comes.
        # Each indicator has its own scales: the sixteen charts share no axis.
        self._chart = BokehPane(
            None if self.chart is None else self.chart.figure,
            sizing_mode="stretch_width",
            height=CHART_HEIGHT,
            css_classes=["profile-chart", "profile-chart-column"],
            margin=(0, 4),
        )
        self._layout = pn.FlexBox(
            self._facts,
            self._chart,
            styles=display_style(False),
            sizing_mode="stretch_width",
            css_classes=["profile-indicator"],
            margin=(6, 5),
        )
        self.profile.param.watch(self._refresh, "revision")
        self._refresh()

    def build_chart(self) -> None:
        """Make the Bokeh chart, once, and draw the current unit in it if it shows this block."""
        if self.chart is not None:
            return
        self.chart = ProfileChart(self.indicator, self.profile.lang)
        self._draw()
        self._chart.object = self.chart.figure

    def _draw(self) -> None:
        # A hidden block keeps its last data: it is drawn again whenever a unit shows it.
        profile = self.profile
        if self.chart is not None and profile.row(self.indicator.id) is not None:
            self.chart.draw(profile.chart_data(self.indicator.id), profile.lang, profile.admin_map)

    def _refresh(self, *_events) -> None:
        profile, indicator = self.profile, self.indicator
        row = profile.row(indicator.id)
        if row is None:
            # Hidden, and redrawn whenever a unit shows it again; it keeps no unit's data meanwhile.
            if self.shown and self.chart is not None:
                self.chart.clear()
            self._layout.styles = display_style(False)
            return
        key = chart_key_html(indicator, profile.district_label(), profile.lang)
        if profile.admin_map is COMMUNE_MAP:  # the average is over communes and wards there
            key = key.replace(t("profile_districts_average", profile.lang),
                              t_map("profile_districts_average", profile.lang, COMMUNE_MAP.id))
        self._facts.object = indicator_block_html(row, indicator, profile.code, profile.lang) + key
        self._draw()
        self._layout.styles = display_style(True)

    @property
    def shown(self) -> bool:
        """True when the unit shown has this indicator, so the block is on the page."""
        return self._layout.styles.get("display") != "none"

    def __panel__(self):
        return self._layout


class DistrictPage(Viewer):
    """The map switch, the chooser, the heading, the notices and one block per indicator, by theme.

    With no unit selected the page shows a prompt rather than picking one: the selection is
    shared, so choosing for the user would also change every other page. The chooser offers
    the units of one map: the selected unit's, else the map of the state's period; switching
    to the other map clears a selection that map does not have.
    """

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    defer_charts = param.Boolean(
        default=None,
        allow_None=True,
        constant=True,
        precedence=-1,
        doc="Send the page with its first theme first, and make the trend charts and the themes "
        "below once the browser has it, all in one message. None: in a served session only; "
        "notebooks and tests get every theme and chart at once.",
    )

    def __init__(self, **params):
        super().__init__(**params)
        state = self.state
        self._profile = DistrictProfile(state=state, data=self.data)
        self._blocks: list[IndicatorBlock] = []
        admin_map = map_of_code(state.district) or self._period_map()
        # A drop-down rather than two buttons: the maps' names with their dates fit on a phone.
        self._map_choice = pn.widgets.Select(
            label=t("profile_map_choice", state.lang), options=map_options(state.lang), value=admin_map.id,
            sizing_mode="stretch_width", max_width=360, min_width=200, css_classes=["profile-map-choice"],
        )
        self._chooser = pn.widgets.Select(
            label=map_text("profile_choose", admin_map, state.lang),
            options=district_options(map_units(self.data, admin_map.id), state.lang, admin_map),
            value=state.district,
            sizing_mode="stretch_width",
            max_width=420,
            min_width=220,
            css_classes=["profile-chooser"],
        )
        self._print = BrowserButton(
            label=t("profile_print", state.lang),
            color="default",
            width=150,
            align="end",
            css_classes=["profile-print"],
        )
        self._print.on_event_js("button_click", "window.print()")
        # Nothing to print before a district is chosen.
        self._print.styles = display_style(bool(state.district))
        state.param.watch(
            lambda event: setattr(self._print, "styles", display_style(bool(event.new))), "district"
        )
        self._chooser.param.watch(self._on_chooser, "value")
        self._map_choice.param.watch(self._on_map, "value")
        state.param.watch(self._on_state_district, "district")
        state.param.watch(self._relabel, "lang")
        chosen_map = self._map_choice.param.value

        table = self._profile.param.table
        code = self._profile.param.code
        defer = self.defer_charts if self.defer_charts is not None else _served()
        themes = list(self._indicators_by_theme().items())
        # Below the fold: a deferred page goes out with its first theme without its charts; the
        # charts, then the other themes with theirs, follow it.
        self._pending_themes = themes[1:] if defer else []
        sections = [self._theme_section(theme_id, indicators, charts=not defer)
                    for theme_id, indicators in themes[:1 if defer else None]]
        self._layout = pn.Column(
            pn.FlexBox(
                self._map_choice,
                self._chooser,
                self._print,
                sizing_mode="stretch_width",
                css_classes=["profile-controls"],
                align_items="flex-end",
            ),
            TextPane(
                pn.bind(self._heading, code, state.param.lang, chosen_map), sizing_mode="stretch_width"
            ),
            pn.pane.Alert(
                pn.bind(lambda _t, map_id: map_text("profile_prompt", MAPS[map_id], self._profile.lang),
                        table, chosen_map),
                alert_type="info",
                styles=pn.bind(lambda c: display_style(not c), code),
                sizing_mode="stretch_width",
            ),
            pn.pane.Alert(
                pn.bind(lambda _t: "⚠ **"
                        f"{map_text('illustrative_notice', self._profile.admin_map, self._profile.lang)}**", table),
                alert_type="warning",
                styles=pn.bind(lambda tb: display_style(shows_illustrative(tb)), table),
                sizing_mode="stretch_width",
                css_classes=["illustrative-notice", "profile-notice"],
            ),
            TextPane(
                pn.bind(self._intro, table),
                sizing_mode="stretch_width",
                styles=pn.bind(lambda c: display_style(bool(c)), code),
            ),
            pn.pane.Alert(
                pn.bind(lambda _t: map_text("profile_no_indicators", self._profile.admin_map, self._profile.lang),
                        table),
                alert_type="info",
                sizing_mode="stretch_width",
                styles=pn.bind(lambda tb: display_style(bool(self._profile.code) and tb.empty), table),
            ),
            *sections,
            sizing_mode="stretch_width",
            css_classes=["page", "page-district", "profile-page"],
        )
        if defer and pn.state.curdoc is not None:
            units = map_units(self.data, self._map_choice.value)["code"].tolist()
            _after_load(pn.state.curdoc, [self.build_charts, functools.partial(self.warm_off_loop, units)])

    def build_charts(self, blocks: list[IndicatorBlock] | None = None) -> None:
        """Make the trend charts of `blocks` not made yet, each at most once; by default every
        chart still missing, then every theme not built yet, with its charts.

        All in one message to the browser, and one walk of the document's models when the
        freeze ends rather than one per plot or theme.
        """
        doc = pn.state.curdoc
        frozen = doc.models.freeze() if doc is not None else contextlib.nullcontext()
        with pn.io.hold(), frozen:
            for block in self._blocks if blocks is None else blocks:
                block.build_chart()
            if blocks is None and self._pending_themes:
                # The charts are in the sections before they join the page: no pane swaps.
                sections = [self._theme_section(theme_id, indicators, charts=True)
                            for theme_id, indicators in self._pending_themes]
                self._pending_themes = []
                self._layout.extend(sections)

    def warm_off_loop(self, units: list[str]) -> None:
        """Warm the caches (`warm_caches`, then `warm_unit` for each of `units`) in the process's
        one warming thread: the work touches no model, and no session waits for it."""

        def warm() -> None:
            try:
                self.warm_caches()
                for code in units:
                    self.warm_unit(code)
            except Exception:  # a cache left cold is only slower; never a broken page
                log.exception("warming the unit profile caches failed")

        _warmer.submit(warm)

    def warm_caches(self) -> None:
        """Read, once per data version and process, what any unit's profile needs on either map,
        the chooser's map first: the first unit chosen then costs no more than the next."""
        first = self._map_choice.value
        for map_id in sorted(MAPS, key=lambda m: m != first):
            warm_unit_slices(self.data, map_id)

    def warm_unit(self, code: str) -> None:
        """Make, once per data version and process, the table and chart data of one unit in the
        page's language, so that choosing it only sends them (`warm_off_loop`)."""
        lang = self.state.lang
        admin_map = map_of_code(code)
        if admin_map is None:
            return
        label = district_name(map_units(self.data, admin_map.id), code, lang)
        for indicator_id in cached_profile_table(self.data, code, lang)["indicator_id"]:
            cached_chart_data(self.data, indicator_id, code, lang, label)

    def _indicators_by_theme(self) -> dict[str, list[Indicator]]:
        # Blocks for the indicators of both maps: a unit shows those of its own map.
        shown = {i.id for admin_map in MAPS.values() for i in profile_indicators(self.data, admin_map)}
        groups = {
            theme: [i for i in indicators if i.id in shown]
            for theme, indicators in self.data.catalogue.by_theme().items()
        }
        return {theme: indicators for theme, indicators in groups.items() if indicators}

    def _theme_section(self, theme_id: str, indicators: list[Indicator], charts: bool = True) -> pn.Column:
        theme = self.data.catalogue.theme(theme_id)
        ids = {i.id for i in indicators}
        heading = pn.pane.HTML(
            pn.bind(
                lambda lang: f'<h3 class="profile-theme">{html.escape(theme.name[lang])}</h3>',
                self.state.param.lang,
            ),
            sizing_mode="stretch_width",
            margin=(10, 5, 0, 5),
        )
        blocks = [
            IndicatorBlock(profile=self._profile, indicator=indicator, with_chart=charts) for indicator in indicators
        ]
        self._blocks += blocks
        return pn.Column(
            heading,
            pn.FlexBox(*blocks, sizing_mode="stretch_width", css_classes=["profile-blocks"]),
            styles=pn.bind(
                lambda table: display_style(bool(ids & set(table.get("indicator_id", ())))),
                self._profile.param.table,
            ),
            sizing_mode="stretch_width",
            css_classes=["profile-theme-section"],
        )

    def _period_map(self) -> AdministrativeMap:
        """The map of the state's period, for the state's indicator."""
        return map_for_period(self.state.year, self.data.indicator(self.state.indicator).frequency)

    def _heading(self, code: str, lang: str, map_id: str = DISTRICT_MAP.id) -> str:
        admin_map = map_of_code(code) or MAPS[map_id]
        if admin_map.id == COMMUNE_MAP.id:
            return unit_heading_html(map_units(self.data, admin_map.id), code, lang, self.data.districts)
        return heading_html(self.data.districts, code, lang)

    def _intro(self, table: pd.DataFrame) -> str:
        return f'<p class="profile-intro">{t("profile_intro", self._profile.lang)}</p>'

    @pn.io.hold()
    def _on_chooser(self, event) -> None:
        if event.new is not None and event.new != self.state.district:
            self.state.district = event.new

    def _on_state_district(self, event) -> None:
        # A unit chosen elsewhere (a link, the map page) brings its own map with it.
        admin_map = map_of_code(event.new)
        if admin_map is not None and admin_map.id != self._map_choice.value:
            self._map_choice.value = admin_map.id
        self._chooser.value = event.new

    @pn.io.hold()
    def _on_map(self, event) -> None:
        """Offer the other map's units; a selection that map does not have is cleared."""
        self._offer_units(self.state.lang)
        if self.state.district and map_of_code(self.state.district) is not MAPS[event.new]:
            self.state.district = ""

    def _offer_units(self, lang: str) -> None:
        admin_map = MAPS[self._map_choice.value]
        options = district_options(map_units(self.data, admin_map.id), lang, admin_map)
        value = self.state.district if self.state.district in options.values() else ""
        self._chooser.param.update(label=map_text("profile_choose", admin_map, lang), options=options, value=value)

    def _relabel(self, event) -> None:
        self._map_choice.param.update(label=t("profile_map_choice", event.new), options=map_options(event.new))
        self._offer_units(event.new)
        self._print.label = t("profile_print", event.new)

    def __panel__(self):
        return self._layout


def _served() -> bool:
    doc = pn.state.curdoc
    return doc is not None and doc.session_context is not None


def _after_load(doc, steps: list[Callable[[], None]]) -> None:
    """Run `steps` (the charts and the themes below) once the browser has shown the page, one per tick.

    On a page opened later in the session the browser has the document already: the page's
    own message goes first, and the rest follows.
    """

    def build_next() -> None:
        if not steps:
            return
        with set_curdoc(doc):
            steps.pop(0)()
        if steps:
            _next_tick(doc, build_next)

    pn.state.onload(lambda: _next_tick(doc, build_next))


def _next_tick(doc, callback) -> None:
    try:
        doc.add_next_tick_callback(callback)
    except Exception as error:  # the session closed before its charts were made
        log.debug("district charts not built, session gone: %s", error)


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=DistrictPage)
