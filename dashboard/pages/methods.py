"""Data and methods: what does each indicator mean, where do its figures come from, which are real?

Reads the catalogue (GSO-style metadata of every indicator, with targets and their legal
basis), the observations (how many values are official, provisional or illustrative, and
the real city and national figures with their sources) and the boundary provenance. Says
which administrative map each period is drawn on and why (the 2025 reform), and how the
map-transition page estimates figures across the two maps.

URL parameters synced (by the app): page=methods, indicator (the metadata shown), lang.
"""

from __future__ import annotations

import html

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from ..catalogue import FACT_STATUSES, Catalogue, Indicator, Target
from ..data import DashboardData
from ..i18n import format_number, format_period, t
from ..maps import COMMUNE_MAP, DISTRICT_MAP, MAPS, REFORM_NOTE
from ..model.figures import real_figures
from ..model.indicators import indicator_groups
from ..model.targets import target_for, target_sign, target_text
from ..state import DashboardState
from . import PageRecord

SLUG = "methods"
TITLE = {"vi": "Dữ liệu và phương pháp", "en": "Data and methods"}
ICON = "book"

# Order of the metadata fields, after the GSO metadata form (khái niệm, phương pháp tính,
# phân tổ, kỳ công bố, nguồn số liệu, cơ quan chịu trách nhiệm).
METADATA_FIELDS = (
    "id",
    "theme",
    "definition",
    "formula",
    "numerator",
    "denominator",
    "unit",
    "breakdown",
    "frequency",
    "levels",
    "city_aggregate",
    "polarity",
    "targets",
    "agency",
    "source",
    "note",
)


# ----------------------------------------------------------------------------- builders


def applies_text(target: Target, frequency: str, lang: str) -> str:
    """The periods a target applies to: 'applies to the 2016–2021 term', 'applies 2021–2025'."""
    start = format_period(target.applies_from, frequency, lang)
    if target.applies_until is None:
        return t("methods_applies_from", lang).format(start=start)
    if target.applies_until == target.applies_from:
        key = "methods_applies_term" if frequency == "term" else "methods_applies_year"
        return t(key, lang).format(period=start)
    return t("methods_applies_range", lang).format(start=start, end=format_period(
        target.applies_until, frequency, lang))


def targets_text(indicator: Indicator, lang: str) -> str:
    """'≥ 35% · each district · by 2016 · applies to the 2016–2021 term · Basis: …', one target
    per line; or the no-target label."""
    if not indicator.targets:
        return t("no_target", lang)
    yes = f" {t('districts_with_yes', lang)}" if indicator.is_boolean else ""
    lines = []
    for target in sorted(indicator.targets, key=lambda target: (target.year, target.scope)):
        lines.append(
            f"{target_sign(indicator)} {target_text(target, indicator, lang)}{yes} · "
            f"{t('methods_scope_' + target.scope, lang)} · "
            f"{t('methods_by_year', lang)} {target.year} · "
            + (f"{applies_text(target, indicator.frequency, lang)} · " if target.applies_from else "")
            + f"{t('basis', lang)}: {target.basis[lang]}"
        )
    return "\n".join(lines)


def metadata_fields(
    indicator: Indicator, catalogue: Catalogue, lang: str
) -> list[tuple[str, str, str]]:
    """(key, label, text) of each metadata field the indicator has, in METADATA_FIELDS order."""
    texts = {
        "id": indicator.id,
        "theme": catalogue.theme(indicator.theme).name[lang],
        "definition": indicator.definition[lang],
        "formula": indicator.formula[lang],
        "numerator": indicator.text("numerator_label", lang),
        "denominator": indicator.text("denominator_label", lang),
        "unit": indicator.unit[lang],
        "breakdown": indicator.breakdown[lang],
        "frequency": t(f"methods_frequency_{indicator.frequency}", lang),
        "levels": ", ".join(t(f"methods_level_{level}", lang) for level in indicator.levels),
        "city_aggregate": t(f"methods_aggregate_{indicator.city_aggregate}", lang),
        "polarity": t(f"methods_polarity_{indicator.polarity}", lang),
        "targets": targets_text(indicator, lang),
        "agency": indicator.agency[lang],
        "source": indicator.source[lang],
        "note": indicator.text("note", lang),
    }
    return [
        (key, t(f"methods_field_{key}", lang), texts[key]) for key in METADATA_FIELDS if texts[key]
    ]


def metadata_frame(catalogue: Catalogue) -> pd.DataFrame:
    """Every metadata field of every indicator in both languages (vi, en) with its labels."""
    rows = []
    for indicator in catalogue:
        vi = metadata_fields(indicator, catalogue, "vi")
        en = {
            key: (label, text) for key, label, text in metadata_fields(indicator, catalogue, "en")
        }
        for key, label, text in vi:
            rows.append(
                {
                    "indicator_id": indicator.id,
                    "theme": indicator.theme,
                    "field": key,
                    "label_vi": label,
                    "label_en": en[key][0],
                    "vi": text,
                    "en": en[key][1],
                }
            )
    return pd.DataFrame(
        rows, columns=["indicator_id", "theme", "field", "label_vi", "label_en", "vi", "en"]
    )


def status_counts(observations: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Values per indicator and status, every catalogue indicator in order, with a total column."""
    counts = pd.crosstab(observations["indicator_id"], observations["status"])
    counts = counts.reindex(
        index=list(catalogue.indicators), columns=list(FACT_STATUSES), fill_value=0
    )
    counts = counts.fillna(0).astype(int)
    counts["total"] = counts.sum(axis=1)
    counts.insert(0, "theme", [catalogue.get(i).theme for i in counts.index])
    counts.index.name = "indicator_id"
    counts.columns.name = None
    return counts.reset_index()


def metadata_html(indicator: Indicator, data: DashboardData, lang: str) -> str:
    """The metadata card of one indicator, as a definition list, with the periods that have data."""
    esc = html.escape
    items = [
        f"<dt>{esc(label)}</dt>"
        f'<dd class="methods-field-{key}">{esc(text).replace(chr(10), "<br>")}</dd>'
        for key, label, text in metadata_fields(indicator, data.catalogue, lang)
    ]
    periods = data.periods(indicator.id)
    counts = (
        status_counts(data.observations, data.catalogue).set_index("indicator_id").loc[indicator.id]
    )
    flags = ", ".join(
        f"{format_number(counts[status], lang)} {t('status_' + status, lang)}"
        for status in FACT_STATUSES
        if counts[status]
    )
    period_text = ", ".join(format_period(p, indicator.frequency, lang) for p in periods) or t(
        "no_data", lang
    )
    items.append(
        f"<dt>{t('methods_field_periods', lang)}</dt>"
        f'<dd class="methods-field-periods">{esc(period_text)}'
        + (f'<br><span class="methods-muted">{esc(flags)}</span>' if flags else "")
        + "</dd>"
    )
    return (
        f'<div class="methods-card">'
        f'<h3 class="methods-indicator-name">{esc(indicator.name[lang])}</h3>'
        f'<dl class="methods-metadata">{"".join(items)}</dl></div>'
    )


def status_flags_html(lang: str) -> str:
    """What chính thức, sơ bộ and minh họa mean."""
    items = "".join(
        f'<li><span class="methods-flag methods-flag-{status}">'
        f"{t('status_' + status, lang)}</span> "
        f"{t(f'methods_status_{status}_text', lang)}</li>"
        for status in FACT_STATUSES
    )
    return (
        f'<h3 class="methods-section">{t("methods_statuses", lang)}</h3>'
        f'<ul class="methods-flags">{items}</ul>'
    )


def status_counts_html(counts: pd.DataFrame, catalogue: Catalogue, lang: str) -> str:
    """The counts table, one header row per theme; indicator names link to their metadata."""
    head = "".join(
        f'<th class="methods-number">{t("status_" + s, lang)}</th>' for s in FACT_STATUSES
    )
    body = []
    for theme_id, rows in counts.groupby("theme", sort=False):
        body.append(
            f'<tr class="methods-theme-row"><th colspan="{len(FACT_STATUSES) + 2}">'
            f"{html.escape(catalogue.theme(theme_id).name[lang])}</th></tr>"
        )
        for row in rows.itertuples():
            name = html.escape(catalogue.get(row.indicator_id).short_name[lang])
            href = f"?page=methods&amp;indicator={row.indicator_id}&amp;lang={lang}"
            link = f'<a href="{href}">{name}</a>'
            cells = "".join(
                f'<td class="methods-number">{format_number(getattr(row, s), lang)}</td>'
                for s in FACT_STATUSES
            )
            body.append(
                f'<tr><td>{link}</td>{cells}<td class="methods-number"><b>'
                f"{format_number(row.total, lang)}</b></td></tr>"
            )
    totals = "".join(
        f'<td class="methods-number"><b>{format_number(counts[s].sum(), lang)}</b></td>'
        for s in FACT_STATUSES
    )
    body.append(
        f'<tr class="methods-total-row"><td><b>{t("methods_total", lang)}</b></td>{totals}'
        f'<td class="methods-number"><b>{format_number(counts["total"].sum(), lang)}</b></td></tr>'
    )
    return (
        f'<h3 class="methods-section">{t("methods_counts", lang)}</h3>'
        f"<p>{t('methods_counts_intro', lang)}</p>"
        f'<div class="methods-table-wrap"><table class="methods-table"><thead><tr>'
        f"<th>{t('indicator', lang)}</th>{head}"
        f'<th class="methods-number">{t("methods_total", lang)}</th>'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def real_figures_html(figures: pd.DataFrame, lang: str) -> str:
    """One line per published figure: a list rather than a wide table, so it reads on a phone."""
    esc = html.escape
    items = "".join(
        f"<li><b>{esc(row.indicator)}</b> · {esc(row.area)} · {esc(row.period)}: "
        f"<b>{esc(row.value)}</b>{f' ({esc(row.ratio)})' if row.ratio else ''} · "
        f'<span class="methods-flag methods-flag-{row.status_key}">{esc(row.status)}</span>'
        f'<br><span class="methods-muted">{t("source", lang)}: {esc(row.source)}</span></li>'
        for row in figures.itertuples()
    )
    return (
        f'<h3 class="methods-section">{t("methods_real_figures", lang)}</h3>'
        f'<p>{t("methods_real_figures_intro", lang)}</p><ul class="methods-figures">{items}</ul>'
    )


# The indicator whose 2026–2031 target depends on a quota text not yet found.
CANDIDATE_QUOTA_INDICATOR = "women_candidates_commune_council_pct"
CANDIDATE_QUOTA_TERM = 2026


def quota_unverified(catalogue: Catalogue) -> bool:
    """True when the catalogue has the 2026–2031 candidates indicator but no target for that term."""
    if CANDIDATE_QUOTA_INDICATOR not in catalogue:
        return False
    return target_for(catalogue.get(CANDIDATE_QUOTA_INDICATOR), CANDIDATE_QUOTA_TERM) is None


def maps_html(lang: str, quota_note: bool = False) -> str:
    """Which map each period is drawn on and why, each map's valid dates and attribution, the
    approximation method of the map-transition page, and the unverified quota when it applies."""
    esc = html.escape
    periods = {DISTRICT_MAP.id: t("methods_map_periods_district", lang),
               COMMUNE_MAP.id: t("methods_map_periods_commune", lang)}
    items = "".join(
        f'<li class="methods-map methods-map-{esc(map_.id)}"><b>{esc(map_.title[lang])}</b> · '
        f"{esc(t('methods_map_valid', lang))} {esc(map_.valid_dates(lang))}. {esc(periods[map_.id])}"
        f'<br><span class="methods-muted">{esc(map_.attribution[lang])}</span></li>'
        for map_ in MAPS.values()
    )
    quota = (f'<p class="methods-quota-unverified">{esc(t("methods_quota_unverified", lang))}</p>'
             if quota_note else "")
    return (
        f'<h3 class="methods-section">{esc(t("methods_maps", lang))}</h3>'
        f'<p class="methods-reform">{esc(REFORM_NOTE[lang])}</p><ul class="methods-maps">{items}</ul>'
        f'<h3 class="methods-section">{esc(t("methods_bridge", lang))}</h3>'
        f'<p class="methods-bridge">{esc(t("methods_bridge_text", lang))}</p>{quota}'
    )


def geodata_html(lang: str, updated_at: pd.Timestamp | None) -> str:
    """Boundary attribution and licences of both maps, the 2025 reform, the unit list, the census,
    and when the data changed."""
    items = [
        t("methods_geodata_map", lang),
        t("reform_notice", lang),
        DISTRICT_MAP.attribution[lang],
        COMMUNE_MAP.attribution[lang],
        t("methods_geodata_units", lang),
        t("methods_geodata_census", lang),
    ]
    updated = ""
    if updated_at is not None and not pd.isna(updated_at):
        updated = (
            f'<p class="methods-muted">{t("methods_updated", lang)}: {updated_at:%d/%m/%Y}</p>'
        )
    return (
        f'<h3 class="methods-section">{t("methods_geodata", lang)}</h3><ul class="methods-geodata">'
        + "".join(f"<li>{html.escape(item)}</li>" for item in items)
        + f"</ul>{updated}"
    )


# ------------------------------------------------------------------------------- views


class MethodsPage(Viewer):
    """An indicator selector and its metadata card; then flags, counts, figures and licences."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")

    def __init__(self, **params):
        super().__init__(**params)
        state, data = self.state, self.data
        self._selector = pn.widgets.Select(
            label=t("methods_choose_indicator", state.lang),
            groups=indicator_groups(data.catalogue, state.lang),
            value=state.indicator,
            sizing_mode="stretch_width",
            max_width=560,
            min_width=220,
            css_classes=["methods-selector"],
        )
        self._selector.param.watch(self._on_selector, "value")
        state.param.watch(lambda event: setattr(self._selector, "value", event.new), "indicator")
        state.param.watch(self._relabel, "lang")
        lang = state.param.lang
        # Imports move data_version: counts, figures and dates are redrawn from the new data.
        version = state.param.data_version
        self._layout = pn.Column(
            pn.pane.HTML(
                pn.bind(
                    lambda lang: (
                        f'<h2 class="methods-heading">{t("methods_heading", lang)}</h2>'
                        f'<p class="methods-intro">{t("methods_intro", lang)}</p>'
                    ),
                    lang,
                ),
                sizing_mode="stretch_width",
            ),
            pn.pane.HTML(
                pn.bind(
                    lambda lang: f'<h3 class="methods-section">{t("methods_metadata", lang)}</h3>',
                    lang,
                ),
                sizing_mode="stretch_width",
                margin=(0, 10),
            ),
            self._selector,
            pn.pane.HTML(
                pn.bind(self._metadata, state.param.indicator, lang, version),
                sizing_mode="stretch_width",
                css_classes=["methods-detail"],
            ),
            pn.pane.HTML(pn.bind(status_flags_html, lang), sizing_mode="stretch_width"),
            pn.pane.HTML(
                pn.bind(self._counts, lang, version),
                sizing_mode="stretch_width",
            ),
            pn.pane.HTML(
                pn.bind(self._figures, lang, version),
                sizing_mode="stretch_width",
            ),
            pn.pane.HTML(
                pn.bind(lambda lang: maps_html(lang, quota_unverified(data.catalogue)), lang),
                sizing_mode="stretch_width", css_classes=["methods-maps-pane"],
            ),
            pn.pane.HTML(
                pn.bind(lambda lang, _version: geodata_html(lang, data.updated_at), lang, version),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
            css_classes=["page", "page-methods", "methods-page"],
        )

    def _counts(self, lang: str, _version: int) -> str:
        counts = status_counts(self.data.observations, self.data.catalogue)
        return status_counts_html(counts, self.data.catalogue, lang)

    def _figures(self, lang: str, _version: int) -> str:
        return real_figures_html(
            real_figures(self.data.observations, self.data.catalogue, lang), lang
        )

    def _metadata(self, indicator_id: str, lang: str, _version: int = 0) -> str:
        return metadata_html(self.data.indicator(indicator_id), self.data, lang)

    def _on_selector(self, event) -> None:
        if event.new and event.new != self.state.indicator:
            self.state.indicator = event.new

    def _relabel(self, event) -> None:
        self._selector.param.update(
            label=t("methods_choose_indicator", event.new),
            groups=indicator_groups(self.data.catalogue, event.new),
            value=self.state.indicator,
        )

    def __panel__(self):
        return self._layout


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=MethodsPage)
