"""Notices that must stay visible: illustrative data, missing district data, boundary attribution."""

from __future__ import annotations

import pandas as pd
import panel as pn

from ..geo import BOUNDARY_ATTRIBUTION
from ..i18n import t
from ..model.snapshot import IndicatorSnapshot


def illustrative_notice(snapshot: IndicatorSnapshot) -> pn.pane.Alert:
    """Shown whenever any value on screen is illustrative."""

    def visible(display: pd.DataFrame) -> bool:
        return snapshot.shows_illustrative

    return pn.pane.Alert(
        pn.bind(lambda lang: f"⚠ **{t('illustrative_notice', lang)}**", snapshot.state.param.lang),
        alert_type="warning",
        visible=pn.bind(visible, snapshot.param.display),
        sizing_mode="stretch_width",
        css_classes=["illustrative-notice"],
    )


def no_district_data_notice(snapshot: IndicatorSnapshot) -> pn.pane.Alert:
    """Explains an all-grey map instead of leaving the user to guess."""
    return pn.pane.Alert(
        pn.bind(lambda lang: t("no_district_data", lang), snapshot.state.param.lang),
        alert_type="info",
        visible=pn.bind(lambda display: bool(display["value"].isna().all()), snapshot.param.display),
        sizing_mode="stretch_width",
    )


def attribution(lang_param) -> pn.pane.HTML:
    """The boundary licence attribution, required wherever the map is shown."""
    return pn.pane.HTML(
        pn.bind(lambda lang: f'<div class="attribution">{BOUNDARY_ATTRIBUTION[lang]}</div>', lang_param),
        sizing_mode="stretch_width",
    )


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
