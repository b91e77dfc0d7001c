"""What every export shares: a snapshot of an indicator and period, headings, sources, names."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import unicodedata
from collections.abc import Iterator

import geopandas as gpd
import pandas as pd

from ..catalogue import Indicator
from ..data import DashboardData
from ..i18n import format_ratio, format_value, t, t_map
from ..maps import DISTRICT_MAP, MAPS, AdministrativeMap
from ..model.councils import lacking_data, without_council
from ..model.kpi import period_label
from ..model.periods import settle_period
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import no_target_text, target_text
from ..state import new_state

# Matplotlib's pyplot and HoloViews' option store are not thread-safe; a server may
# render for two sessions at once.
RENDER_LOCK = threading.RLock()

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@contextlib.contextmanager
def bokeh_backend() -> Iterator[None]:
    """Build elements with bokeh as HoloViews' current backend, as the dashboard does.

    The view builders set their options for the current backend, which the dashboard
    makes bokeh. A command-line process or a notebook may have another one (or none):
    switch for the duration and switch back. Loads the matplotlib plotting too, which
    the images use.
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    import holoviews.plotting.mpl  # noqa: F401

    with RENDER_LOCK:
        previous = hv.Store.current_backend
        hv.Store.set_current_backend("bokeh")
        try:
            yield
        finally:
            hv.Store.set_current_backend(previous)


def nfc(text: str) -> str:
    """Vietnamese text in composed form (NFC), as Office and browsers expect."""
    return unicodedata.normalize("NFC", text)


def snapshot_for(
    data: DashboardData,
    indicator_id: str,
    period: int,
    lang: str = "vi",
    district: str = "",
    gap: bool = False,
) -> IndicatorSnapshot:
    """A snapshot as the map page would hold it, for `indicator_id` at the map period of `period`."""
    state = new_state(data, page="map", indicator=indicator_id, year=settle_period(data, indicator_id, period),
                      lang=lang, district=district, gap=gap)
    return IndicatorSnapshot(state=state, data=data)


def shown_map(snapshot: IndicatorSnapshot) -> AdministrativeMap:
    """The administrative map of the snapshot's period: the 30 districts or the 126 units."""
    return snapshot.map


def map_units(snapshot: IndicatorSnapshot) -> gpd.GeoDataFrame:
    """Display geometry of the units of the snapshot's map, in the order of `snapshot.display`."""
    return snapshot.data.units(shown_map(snapshot).id)


def attribution(snapshot: IndicatorSnapshot) -> str:
    """Whom to credit for the boundaries of the map drawn, in the snapshot's language."""
    return nfc(shown_map(snapshot).attribution[snapshot.state.lang])


def all_attributions(lang: str, map_ids=None) -> str:
    """The attributions of the maps `map_ids` (default: both), oldest map first."""
    chosen = [m for m in MAPS.values() if map_ids is None or m.id in set(map_ids)]
    return nfc(" ".join(m.attribution[lang] for m in chosen))


def snapshot_version(snapshot: IndicatorSnapshot) -> tuple[int, int]:
    """The data versions behind the snapshot's values: part of every cache key of an export.

    A session's snapshot follows `state.data_version`, which moves only once the session has
    taken in newly imported figures, while the process-wide data moves at once; a file drawn
    from either side of an import is never handed to the other.
    """
    return snapshot.state.data_version, snapshot.data.version


def heading(snapshot: IndicatorSnapshot) -> str:
    """The indicator's full name."""
    return nfc(snapshot.indicator.name[snapshot.state.lang])


def period_heading(snapshot: IndicatorSnapshot) -> str:
    """ "Năm 2016" or "Nhiệm kỳ 2016–2021"."""
    text = period_label(snapshot.indicator, snapshot.state.year, snapshot.state.lang)
    return text[:1].upper() + text[1:]


def unit_text(indicator: Indicator, lang: str) -> str:
    return f"{t('export_unit', lang)}: {indicator.unit[lang]}"


def city_text(snapshot: IndicatorSnapshot) -> str:
    """ "Toàn thành phố: 30,1% (356/1.183) · chính thức", or "" without a city value."""
    city, lang, indicator = snapshot.city, snapshot.state.lang, snapshot.indicator
    if city is None:
        return ""
    kind = "percent" if indicator.is_boolean else indicator.kind
    ratio = format_ratio(city.numerator, city.denominator, lang)
    yes_key = "communes_with_yes" if shown_map(snapshot).id != DISTRICT_MAP.id else "districts_with_yes"
    yes = f" {t(yes_key, lang)}" if indicator.is_boolean else ""
    return (
        f"{t('city', lang)}: {format_value(city.value, kind, lang)}"
        + (f" ({ratio}{yes})" if ratio else "")
        + f" · {t('status_' + city.status, lang)}"
    )


def target_line(snapshot: IndicatorSnapshot) -> str:
    """ "Mục tiêu 35% (2016) · Căn cứ: ...", or the no-target label."""
    target, lang = snapshot.target, snapshot.state.lang
    if target is None:
        return f"{t('target', lang)}: {no_target_text(snapshot.indicator, lang)}"
    return (
        f"{t('target', lang)} {target_text(target, snapshot.indicator, lang)} ({target.year})"
        f" · {t('basis', lang)}: {target.basis[lang]}"
    )


def subheading(snapshot: IndicatorSnapshot) -> str:
    """Period, unit, city value and target on one line."""
    parts = [period_heading(snapshot), unit_text(snapshot.indicator, snapshot.state.lang)]
    if snapshot.city is not None:
        parts.append(city_text(snapshot))
    return nfc(" · ".join(parts))


def has_district_values(snapshot: IndicatorSnapshot) -> bool:
    return bool(snapshot.display["value"].notna().any())


def missing_districts(snapshot: IndicatorSnapshot) -> list[str]:
    return snapshot.display.loc[lacking_data(snapshot.display), "name"].tolist()


def districts_without_council(snapshot: IndicatorSnapshot) -> list[str]:
    return snapshot.display.loc[without_council(snapshot.display), "name"].tolist()


def sources(snapshot: IndicatorSnapshot) -> list[str]:
    """Where the figures shown come from: catalogue source, published figures, illustrative."""
    lang = snapshot.state.lang
    items = [snapshot.indicator.source[lang].rstrip(".")]
    statuses = snapshot.display["status"]
    published = snapshot.display.loc[statuses.isin(["official", "provisional"]), "source"]
    city = snapshot.city
    if city is not None and not city.derived:
        published = pd.concat([published, pd.Series([city.source])])
    for source in dict.fromkeys(str(s) for s in published.dropna()):
        items.append(source)
    if snapshot.shows_illustrative:
        items.append(t("export_illustrative_source", lang))
    return [nfc(item) for item in dict.fromkeys(items)]


def source_line(snapshot: IndicatorSnapshot, with_boundaries: bool = False) -> str:
    """ "Nguồn: ...", with the attribution of the map shown when a map is shown."""
    lang = snapshot.state.lang
    line = f"{t('source', lang)}: " + "; ".join(sources(snapshot)) + "."
    if with_boundaries:
        line += " " + attribution(snapshot)
    return nfc(line)


def illustrative_notice(lang: str, map_id: str = DISTRICT_MAP.id) -> str:
    """The "minh họa" notice, in the words of the map shown."""
    return nfc(t_map("illustrative_notice", lang, map_id))


def no_unit_data(snapshot: IndicatorSnapshot) -> str:
    """ "No district figures" or "no commune or ward figures" for the period shown."""
    return nfc(t_map("no_district_data", snapshot.state.lang, shown_map(snapshot).id))


def format_date(day: dt.date, lang: str) -> str:
    """dd/mm/yyyy in Vietnamese; "5 June 2026" in English."""
    if lang == "vi":
        return day.strftime("%d/%m/%Y")
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def export_filename(kind: str, lang: str, period: int, indicator_id: str | None = None) -> str:
    """File names that say what they hold: `women_district_council_pct_2016_map_vi.png`."""
    extension = {"map": "png", "chart": "png", "deck": "pptx", "html": "html"}[kind]
    stem = f"{indicator_id}_{period}_{kind}" if indicator_id else f"hanoi_gender_{period}_{kind}"
    if kind == "html":
        stem = f"{indicator_id}_{period}"
    return f"{stem}_{lang}.{extension}"


def page_filename(page: str, lang: str, period: int, indicator_id: str, district: str = "") -> str:
    """Names of offline page copies: `women_district_council_pct_2016_vi.html` for the map,
    `leadership_key_leader_female_2024_vi.html`, `overview_2024_vi.html`,
    `district_271_vi.html`, `methods_trainees_vi.html`."""
    if page == "map":
        return export_filename("html", lang, period, indicator_id)
    if page == "overview":
        return f"overview_{period}_{lang}.html"
    if page == "district":
        return f"district_{district}_{lang}.html" if district else f"district_{lang}.html"
    if page == "methods":
        return f"methods_{indicator_id}_{lang}.html"
    return f"{page}_{indicator_id}_{period}_{lang}.html"
