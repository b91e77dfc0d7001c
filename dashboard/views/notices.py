"""Notices that must stay visible: illustrative data, missing data, which map is shown, boundary attribution."""

from __future__ import annotations

import html as html_escape

import pandas as pd
import panel as pn
from bokeh.models import Div

from ..i18n import format_period, t, t_map
from ..maps import DISTRICT_MAP, MAPS, REFORM_NOTE, AdministrativeMap
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import gap_target
from .parts import TextPane, text_box


def explorer_notices_html(snapshot: IndicatorSnapshot, lang: str, gap: bool) -> str:
    """The notices that apply to what the explorer shows now, most important first; empty if none.

    Illustrative values shown; a unit cleared by a period whose map lacks it (until another is
    picked); no unit data at all; gap colouring asked for an indicator with no target per unit.
    """
    notices = []
    if snapshot.shows_illustrative:
        text = t_map("illustrative_notice", lang, snapshot.map.id)
        notices.append(("warning illustrative-notice", f"⚠ <b>{html_escape.escape(text)}</b>"))
    cleared = cleared_unit_text(snapshot, lang) if not snapshot.state.district else ""
    if cleared:
        notices.append(("info cleared-unit-notice", html_escape.escape(cleared)))
    if snapshot.display["value"].isna().all():
        notices.append(("info no-data-notice", html_escape.escape(t_map("no_district_data", lang, snapshot.map.id))))
    if gap and gap_target(snapshot.indicator, snapshot.state.year) is None:
        notices.append(("info gap-notice", html_escape.escape(t("gap_unavailable", lang))))
    return "".join(f'<div class="notice notice-{kind}" role="status">{text}</div>' for kind, text in notices)


def explorer_notices(snapshot: IndicatorSnapshot) -> TextPane:
    """`explorer_notices_html` in one pane, kept up to date: one pane, not one per notice, since
    each pane costs every session its own models to build."""
    state = snapshot.state
    return TextPane(
        pn.bind(lambda lang, _display, _district, gap: explorer_notices_html(snapshot, lang, gap),
                state.param.lang, snapshot.param.display, state.param.district, state.param.gap),
        sizing_mode="stretch_width", margin=0, css_classes=["explorer-notices"],
    )


def attribution_html(lang: str, shown_map=DISTRICT_MAP) -> str:
    """The attribution of the boundaries of `shown_map` (an AdministrativeMap)."""
    return f'<div class="attribution" data-map="{shown_map.id}">{shown_map.attribution[lang]}</div>'


def attribution_box(snapshot: IndicatorSnapshot) -> Div:
    """The boundary licence attribution of the map shown, required wherever a map is drawn."""
    return text_box(lambda: attribution_html(snapshot.state.lang, snapshot.map),
                    [(snapshot.state, ["lang"]), (snapshot, ["display"])], styled=("attribution",))


def map_info_html(shown_map: AdministrativeMap, lang: str) -> str:
    """Which map is drawn and the dates it is valid, with why the map changed folded underneath."""
    return (
        f'<div class="map-info" data-map="{shown_map.id}" style="font-size:0.92rem;line-height:1.45">'
        f'<b>{t("map_shown", lang)}: {html_escape.escape(shown_map.title[lang])}</b> '
        f'({html_escape.escape(shown_map.valid_dates(lang))})'
        f'<details style="margin-top:2px"><summary style="cursor:pointer;color:#5b2a86">'
        f'{t("map_why_changed", lang)}</summary>'
        f'<div style="font-size:0.88rem;color:#333">{html_escape.escape(REFORM_NOTE[lang])}</div></details></div>'
    )


def map_info_box(snapshot: IndicatorSnapshot) -> Div:
    """`map_info_html` of the map the snapshot draws, above the map."""
    return text_box(lambda: map_info_html(snapshot.map, snapshot.state.lang),
                    [(snapshot.state, ["lang"]), (snapshot, ["display"])],
                    css_classes=["map-info-pane"], margin=(0, 10, 0, 10))


def unit_label(units: pd.DataFrame, code: str, lang: str) -> str:
    """'Quận Ba Đình (001)' in Vietnamese, 'Ba Đình (001)' in English; the code alone if unknown."""
    rows = units[units["code"] == code]
    if rows.empty:
        return code
    name = rows.iloc[0]["full_name_vi" if lang == "vi" else "name_vi"]
    return f"{name} ({code})"


def cleared_unit_text(snapshot: IndicatorSnapshot, lang: str) -> str:
    """Why the selected unit went away: the new period's map does not have it. Empty if none."""
    code = snapshot.cleared_unit
    if not code:
        return ""
    from_map = next((m for m in MAPS.values() if m.accepts_code(code)), None)
    name = unit_label(snapshot.data.units(from_map.id), code, lang) if from_map is not None else code
    period = format_period(snapshot.state.year, snapshot.indicator.frequency, lang)
    return t("unit_cleared", lang).format(unit=name, map=snapshot.map.title[lang], period=period)


def database_banner(key: str = "database_unreachable", visible: bool = False) -> pn.pane.Alert:
    """Says, in both languages, that the database cannot be reached; hidden while it can.

    Both languages at once: the outage concerns everyone looking at the page, whatever
    language they chose, and the text must not depend on any state that might be stale.
    """
    return pn.pane.Alert(
        f"⚠ **{t(key, 'vi')}**<br>{t(key, 'en')}",
        alert_type="danger",
        visible=visible,
        sizing_mode="stretch_width",
        css_classes=["database-banner"],
    )
