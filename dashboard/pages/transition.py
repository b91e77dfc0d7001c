"""Map transition: which new communes and wards took an old district's communes, and how do figures compare?

For one of the 30 districts dissolved on 1 July 2025, the page lists the new units that took
its communes (from the crosswalk of Nghị quyết 1656/NQ-UBTVQH15: whole communes and parts of
split ones, with counts), and sets side by side the indicator's last period on the district
map and its first period on the 126-unit map. The only figure that crosses the maps, the
successors' figures combined back over the old district, is marked "ước tính / approximate"
in its own column and on screen, with the partial merges named as the reason.

Reads the crosswalk (geo.successors), both maps' display geometry and the observations of
indicators drawn on both maps (catalogue levels district and commune).

URL parameters synced (by the app): page=transition, unit (or an old link's district: the
3-digit code of the district shown), indicator, lang.
"""

from __future__ import annotations

import functools
import html
import io
import math

import geopandas as gpd
import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from .. import geo
from ..catalogue import Indicator
from ..data import DashboardData, combined_status
from ..i18n import format_period, format_ratio, format_value, t
from ..maps import COMMUNE_MAP, DISTRICT_MAP, REFORM_NOTE
from ..state import DashboardState
from . import PageRecord

SLUG = "transition"
TITLE = {"vi": "Chuyển đổi bản đồ", "en": "Map transition"}
ICON = "arrows-split"

# Kinds of rows in the comparison table, in the order they are shown.
ROW_DISTRICT = "district"  # the old district's own figure, last period on the district map
ROW_UNIT = "unit"  # a successor unit's own figure, first period on the new map
ROW_ESTIMATE = "estimate"  # the successors' figures combined back over the old district
TABLE_COLUMNS = [
    "row_kind", "map_id", "period", "period_label", "code", "name", "merge_type", "communes",
    "full_communes", "partial_communes", "other_districts", "value", "numerator", "denominator",
    "value_label", "ratio", "status", "status_label", "units_reporting", "approximate",
    "approximate_label", "note",
]
# Pixels: the small map sits beside the table on a desktop and above it on a phone.
BRIDGE_MAP_HEIGHT = 360
# Pixels: fits a 390-pixel phone screen with the page's margins.
BRIDGE_MAP_MAX_WIDTH = 340
DISTRICT_OUTLINE = "#111111"
FULL_COLOUR = "#9ecae1"
PARTIAL_COLOUR = "#fdae6b"
APPROXIMATE_SHADE = "#fff3cd"
# On a phone the map column goes (the period says which map), so the approximate column fits.
PHONE_STYLE = "@media (max-width: 600px) { .transition-col-transition_map { display: none; } }"


# ----------------------------------------------------------------------------- builders


def bridge_indicators(data: DashboardData) -> list[str]:
    """Indicators observed on both maps (catalogue levels district and commune), in file order."""
    return [ind.id for ind in data.catalogue if "district" in ind.levels and "commune" in ind.levels]


def unit_label(row: pd.Series | dict, lang: str) -> str:
    """'Phường Hoàn Kiếm' / 'Hoàn Kiếm (ward)': a district and a ward may share a name."""
    if lang == "vi":
        return str(row["full_name_vi"])
    return f"{row['name_vi']} ({row['unit_type_en']})"


def unit_labels(units: pd.DataFrame, lang: str) -> pd.Series:
    """`unit_label` of every row of `units`."""
    if lang == "vi":
        return units["full_name_vi"].astype(str)
    return units["name_vi"] + " (" + units["unit_type_en"] + ")"


@functools.lru_cache(maxsize=1)
def _crosswalk() -> pd.DataFrame:
    return geo.read_crosswalk()


def old_communes(district_code: str) -> tuple[int, int, int]:
    """The district's old communes on 30 June 2025: (all, moved whole, split between new units)."""
    rows = _crosswalk()
    own = rows[rows["old_district_code"] == str(district_code)].drop_duplicates("old_code")
    split = int((own["merge_type"] == "partial").sum())
    return len(own), len(own) - split, split


def combine_units(rows: pd.DataFrame, indicator: Indicator) -> dict:
    """The figures of `rows` (units with values) combined as the city figure is: value, n, N.

    Ratios are recomputed from summed numerators and denominators, yes/no indicators become
    the share of units answering yes, counts are summed. Units without a figure are left out,
    never counted as zero; without any figure the value is NaN.
    """
    reporting = rows.dropna(subset=["value"])
    result = {"value": math.nan, "numerator": math.nan, "denominator": math.nan,
              "units_reporting": len(reporting), "kind": indicator.kind}
    if reporting.empty or indicator.city_aggregate == "none":
        return result
    if indicator.city_aggregate == "ratio_of_sums":
        numerator, denominator = reporting["numerator"].sum(), reporting["denominator"].sum()
        if reporting[["numerator", "denominator"]].isna().any(axis=None) or not denominator:
            return result
        result.update(value=100.0 * numerator / denominator, numerator=numerator, denominator=denominator)
    elif indicator.city_aggregate == "share_of_units":
        yes = float((reporting["value"] >= 0.5).sum())
        result.update(value=100.0 * yes / len(reporting), numerator=yes, denominator=float(len(reporting)),
                      kind="percent")
    else:  # "sum"
        result.update(value=float(reporting["value"].sum()))
    return result


def approximation_reason(successors: pd.DataFrame, units: pd.DataFrame, lang: str) -> str:
    """Why the combined figure is approximate, naming the partial merges and shared units."""
    names = dict(zip(units["code"], unit_labels(units, lang)))
    partial = successors[successors["merge_type"] == "partial"]
    shared = successors[successors["other_districts"]]
    parts = [t("transition_reason_base", lang)]
    if len(partial):
        listed = ", ".join(names.get(code, code) for code in partial["new_code"])
        parts.append(t("transition_reason_partial", lang).format(units=listed))
    if len(shared):
        listed = ", ".join(names.get(code, code) for code in shared["new_code"])
        parts.append(t("transition_reason_shared", lang).format(units=listed))
    return " ".join(parts)


def transition_table(
    indicator: Indicator,
    district: pd.Series | dict,
    successors: pd.DataFrame,
    before: pd.DataFrame | None,
    before_period: int | None,
    after: pd.DataFrame | None,
    after_period: int | None,
    lang: str,
) -> pd.DataFrame:
    """The comparison for one old district, one row per figure (TABLE_COLUMNS).

    `district` is the district's row of the district map (code, full_name_vi, name_vi,
    unit_type_en); `successors` is `geo.successors(code)`; `before` is the district map's
    table of `before_period` and `after` the 126-unit map's table of `after_period`
    (`data.district_table`), None when the indicator has no such period. Rows: the district's
    own figure, then each successor unit's own figure (every successor, with or without a
    figure), then the successors' figures combined back over the district, which is the only
    figure carried across the maps and so the only one with `approximate` True.
    """
    rows: list[dict] = []
    code = str(district["code"])

    def figure(source: pd.DataFrame | None, unit_code: str) -> dict:
        found = None if source is None else source[source["code"] == unit_code]
        if found is None or found.empty:
            return {"value": math.nan, "numerator": math.nan, "denominator": math.nan, "status": ""}
        row = found.iloc[0]
        values = {column: row[column] for column in ("value", "numerator", "denominator")}
        # A unit without a figure has no status either (NaN in the map's table).
        values["status"] = row["status"] if isinstance(row["status"], str) else ""
        return values

    def labelled(values: dict, kind: str) -> dict:
        status = values.get("status") or ""
        return {
            "value_label": format_value(_float(values["value"]), kind, lang),
            "ratio": format_ratio(_float(values["numerator"]), _float(values["denominator"]), lang),
            "status_label": t(f"status_{status}", lang) if status else "",
        }

    def period_text(period: int | None) -> str:
        return format_period(period, indicator.frequency, lang) if period is not None else t("no_data", lang)

    own = figure(before, code)
    total, whole, split = old_communes(code)
    rows.append({
        "row_kind": ROW_DISTRICT, "map_id": DISTRICT_MAP.id, "period": before_period,
        "period_label": period_text(before_period), "code": code, "name": unit_label(district, lang),
        "merge_type": "partial" if split else "full", "communes": total, "full_communes": whole,
        "partial_communes": split, "other_districts": False, **own, **labelled(own, indicator.kind),
        "units_reporting": None,
        "approximate": False, "approximate_label": "", "note": "",
    })
    units = geo.commune_unit_list()
    by_code = units.set_index("code")
    successor_rows = []
    for link in successors.itertuples(index=False):
        unit = by_code.loc[link.new_code] if link.new_code in by_code.index else None
        name = unit_label({**unit.to_dict(), "code": link.new_code}, lang) if unit is not None else link.new_name
        values = figure(after, link.new_code)
        successor_rows.append(values)
        # The merge counts have their own columns; the note says what they cannot.
        merge_note = t("transition_other_districts", lang) if link.other_districts else ""
        rows.append({
            "row_kind": ROW_UNIT, "map_id": COMMUNE_MAP.id, "period": after_period,
            "period_label": period_text(after_period), "code": link.new_code, "name": name,
            "merge_type": link.merge_type, "communes": int(link.communes),
            "full_communes": int(link.full_communes), "partial_communes": int(link.partial_communes),
            "other_districts": bool(link.other_districts), **values, **labelled(values, indicator.kind),
            "units_reporting": None, "approximate": False, "approximate_label": "", "note": merge_note,
        })
    parts = pd.DataFrame(successor_rows, columns=["value", "numerator", "denominator", "status"])
    combined = combine_units(parts, indicator)
    reporting = parts.dropna(subset=["value"])
    status = combined_status(reporting["status"]) if len(reporting) else ""
    estimate = {key: combined[key] for key in ("value", "numerator", "denominator")}
    estimate["status"] = status
    note = approximation_reason(successors, units, lang)
    if len(reporting) < len(parts):
        note += " " + t("transition_units_reporting", lang).format(
            reporting=len(reporting), total=len(parts))
    rows.append({
        "row_kind": ROW_ESTIMATE, "map_id": COMMUNE_MAP.id, "period": after_period,
        "period_label": period_text(after_period), "code": code,
        "name": t("transition_estimate_name", lang).format(district=unit_label(district, lang)),
        "merge_type": "partial" if (successors["merge_type"] == "partial").any() else "full",
        "communes": total, "full_communes": whole, "partial_communes": split,
        "other_districts": bool(successors["other_districts"].any()) if len(successors) else False,
        **estimate, **labelled(estimate, combined["kind"]), "units_reporting": combined["units_reporting"],
        "approximate": True, "approximate_label": t("transition_approximate", lang), "note": note,
    })
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def transition_csv(table: pd.DataFrame) -> bytes:
    """The comparison table as UTF-8 CSV with a byte-order mark, which Excel needs for diacritics."""
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig")


def bridge_map_element(
    districts: gpd.GeoDataFrame, units: gpd.GeoDataFrame, district_code: str, successors: pd.DataFrame,
    lang: str,
) -> hv.Overlay:
    """The successor units (coloured by merge type) with the old district's outline drawn over them.

    Both frames are display geometry in Web Mercator; the polygons are few, so no tiles and
    no per-session caching are needed.
    """
    chosen = units[units["code"].isin(successors["new_code"])].copy()
    merge = dict(zip(successors["new_code"], successors["merge_type"]))
    chosen["merge"] = chosen["code"].map(lambda code: t(f"transition_merge_word_{merge[code]}", lang))
    chosen["colour"] = chosen["code"].map(lambda code: PARTIAL_COLOUR if merge[code] == "partial" else FULL_COLOUR)
    chosen["name"] = unit_labels(chosen, lang)
    records = []
    for geometry, row in zip(chosen.geometry, chosen[["code", "name", "merge", "colour"]].to_dict("records")):
        for polygon in getattr(geometry, "geoms", [geometry]):
            records.append({("x", "y"): np.asarray(polygon.exterior.coords),
                            "holes": [[np.asarray(ring.coords) for ring in polygon.interiors]], **row})
    polygons = hv.Polygons(records, vdims=["code", "name", "merge", "colour"]).opts(
        color="colour", line_color="white", line_width=1, tools=["hover"],
        hover_tooltips=[(t("transition_unit", lang), "@{name}"), (t("transition_merge", lang), "@{merge}")],
    )
    outline = districts[districts["code"] == district_code]
    paths = []
    for geometry in outline.geometry:
        for polygon in getattr(geometry, "geoms", [geometry]):
            paths.append(np.asarray(polygon.exterior.coords))
    border = hv.Path(paths).opts(color=DISTRICT_OUTLINE, line_width=3, line_dash="dashed")
    # A fixed frame with the area's own proportions, no wider than a phone: a stretched map
    # misleads about areas, and a responsive one in a wrapping row can outgrow its box.
    bounds = np.vstack([frame.total_bounds for frame in (chosen, outline) if len(frame)])
    minx, miny = bounds[:, :2].min(axis=0)
    maxx, maxy = bounds[:, 2:].max(axis=0)
    aspect = (maxx - minx) / (maxy - miny) if maxy > miny else 1.0
    height = BRIDGE_MAP_HEIGHT
    width = height * aspect
    if width > BRIDGE_MAP_MAX_WIDTH:
        width, height = BRIDGE_MAP_MAX_WIDTH, BRIDGE_MAP_MAX_WIDTH / aspect
    return (polygons * border).opts(
        xaxis=None, yaxis=None, show_frame=False, frame_width=round(width), frame_height=round(height),
        toolbar=None, title="",
    )


def table_html(table: pd.DataFrame, indicator: Indicator, lang: str) -> str:
    """The comparison as an HTML table; the approximate row is set apart and says so in its cell."""
    esc = html.escape
    head = "".join(f'<th class="transition-col-{key}">{esc(t(key, lang))}</th>' for key in (
        "transition_unit", "transition_map", "transition_period", "value", "transition_ratio", "status",
        "transition_merge", "transition_approximate_column"))
    body = []
    for row in table.itertuples(index=False):
        classes = [f"transition-row-{row.row_kind}"]
        if row.approximate:
            classes.append("transition-approximate")
        if row.merge_type == "partial" and row.row_kind == ROW_UNIT:
            classes.append("transition-partial")
        map_name = (DISTRICT_MAP if row.map_id == DISTRICT_MAP.id else COMMUNE_MAP).title[lang]
        status = esc(row.status_label)
        if row.status == "illustrative":
            status = f'<span class="methods-flag methods-flag-illustrative">{status}</span>'
        approximate = (f'<b class="transition-approximate-flag">{esc(row.approximate_label)}</b>'
                       f'<br><small>{esc(t("transition_see_note", lang))}</small>' if row.approximate else "")
        # The estimate's reason is long: it is shown once, in the notice above the table.
        note = (f'<br><small class="transition-note">{esc(row.note)}</small>'
                if row.note and row.row_kind != ROW_ESTIMATE else "")
        # The approximate row stands out like the illustrative notice, on screen and in print.
        shade = f' style="background:{APPROXIMATE_SHADE}"' if row.approximate else ""
        body.append(
            f'<tr class="{" ".join(classes)}" data-code="{esc(str(row.code))}"{shade}>'
            f"<td><b>{esc(row.name)}</b>{note}</td>"
            f'<td class="transition-col-transition_map">{esc(map_name)}</td><td>{esc(row.period_label)}</td>'
            f'<td class="methods-number">{esc(row.value_label)}</td>'
            f'<td class="methods-number">{esc(row.ratio)}</td><td>{status}</td>'
            f"<td>{esc(merge_cell(row, lang))}</td>"
            f"<td>{approximate}</td></tr>"
        )
    return (f"<style>{PHONE_STYLE}</style>"
            f'<div class="methods-table-wrap"><table class="methods-table transition-table">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def merge_cell(row, lang: str) -> str:
    """'partial: 3 communes (1 whole, 2 in part)' for a unit; the totals for the district."""
    if row.row_kind == ROW_UNIT:
        return t(f"transition_merge_word_{row.merge_type}", lang) + ": " + t(
            f"transition_merge_{row.merge_type}", lang).format(
            communes=row.communes, full=row.full_communes, partial=row.partial_communes)
    if row.row_kind == ROW_DISTRICT:
        return t("transition_district_communes", lang).format(
            communes=row.communes, full=row.full_communes, partial=row.partial_communes)
    return ""


def summary_html(table: pd.DataFrame, successors: pd.DataFrame, lang: str) -> str:
    """Who took the district's communes, in a sentence, and the approximate notice on screen."""
    esc = html.escape
    district = table[table["row_kind"] == ROW_DISTRICT].iloc[0]
    estimate = table[table["row_kind"] == ROW_ESTIMATE].iloc[0]
    partial = int((successors["merge_type"] == "partial").sum())
    sentence = t("transition_summary", lang).format(
        district=district["name"], units=len(successors), communes=int(district["communes"]),
        split=int(district["partial_communes"]), full=len(successors) - partial, partial=partial)
    return (
        f'<p class="transition-summary">{esc(sentence)}</p>'
        f'<div class="transition-approximate-notice" role="note"><b>{esc(t("transition_approximate", lang))}'
        f":</b> {esc(estimate['note'])}</div>"
    )


# ------------------------------------------------------------------------------- views


class TransitionPage(Viewer):
    """A district and an indicator chosen; the summary, the comparison table, a small map, a CSV."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    district = param.String(default="", precedence=-1, doc="3-digit code of the old district shown.")
    indicator = param.String(default="", precedence=-1, doc="Indicator compared (drawn on both maps).")
    table = param.DataFrame(precedence=-1, doc="The comparison table now shown.")

    def __init__(self, **params):
        super().__init__(**params)
        state, data = self.state, self.data
        self._choices = bridge_indicators(data)
        # True while the widgets follow the state: a new unit of the state shown through its old
        # district must not become that district in the state.
        self._following = False
        self.district = self._district_from_state(state.district)
        self.indicator = state.indicator if state.indicator in self._choices else next(iter(self._choices), "")
        if self.indicator and state.indicator != self.indicator:
            state.indicator = self.indicator  # the indicator shown is the one in the URL
        self._district_select = pn.widgets.Select(
            label=t("transition_choose_district", state.lang), options=self._district_options(state.lang),
            value=self.district, sizing_mode="stretch_width", min_width=220, max_width=420,
            css_classes=["transition-district"],
        )
        self._indicator_select = pn.widgets.Select(
            label=t("transition_choose_indicator", state.lang), options=self._indicator_options(state.lang),
            value=self.indicator or None, sizing_mode="stretch_width", min_width=220, max_width=560,
            css_classes=["transition-indicator"], disabled=not self._choices,
        )
        self._district_select.param.watch(self._on_district_widget, "value")
        self._indicator_select.param.watch(self._on_indicator_widget, "value")
        state.param.watch(self._on_state_district, "district")
        state.param.watch(self._on_state_indicator, "indicator")
        state.param.watch(self._relabel, "lang")
        lang = state.param.lang
        self._download = pn.widgets.FileDownload(
            callback=lambda: io.BytesIO(transition_csv(self.table)), filename=self._filename(),
            label=t("download_csv", state.lang), embed=False,
            css_classes=["export-button", "transition-download"], width=180,
        )
        self._summary = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["transition-summary-pane"])
        self._table = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["transition-table-pane"])
        self._map = pn.pane.HoloViews(css_classes=["transition-map"], linked_axes=False)
        self._map_key = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["transition-map-key"])
        self._notice = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["transition-illustrative"])
        self._update()
        self.param.watch(lambda _event: self._update(), ["district", "indicator"])
        state.param.watch(lambda _event: self._update(), ["lang", "data_version"])
        self._layout = pn.Column(
            pn.pane.HTML(pn.bind(_heading_html, lang), sizing_mode="stretch_width"),
            pn.FlexBox(self._district_select, self._indicator_select, sizing_mode="stretch_width"),
            self._notice,
            self._summary,
            pn.FlexBox(
                pn.Column(self._table, self._download, sizing_mode="stretch_width", min_width=300,
                          styles={"flex": "3 1 560px"}),
                pn.Column(self._map, self._map_key, sizing_mode="stretch_width", min_width=280,
                          styles={"flex": "2 1 320px"}),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
            css_classes=["page", "page-transition"],
        )

    # ------------------------------------------------------------ state <-> widgets

    def _district_from_state(self, code: str) -> str:
        """The district of the state's unit: itself when 3-digit, its main predecessor when 5-digit."""
        codes = list(self.data.districts["code"])
        if code in codes:
            return code
        if len(code) == COMMUNE_MAP.code_digits:
            links = geo.predecessors(code)
            if len(links):
                return str(links.sort_values("communes", ascending=False)["old_district_code"].iloc[0])
        return self.district or codes[0]

    def _district_options(self, lang: str) -> dict[str, str]:
        districts = self.data.districts
        return dict(zip(unit_labels(districts, lang), districts["code"]))

    def _indicator_options(self, lang: str) -> dict[str, str]:
        return {self.data.indicator(i).name[lang]: i for i in self._choices}

    @pn.io.hold()
    def _on_district_widget(self, event) -> None:
        if event.new:
            self.district = event.new
            if not self._following and self.state.district != event.new:
                self.state.district = event.new

    @pn.io.hold()
    def _on_indicator_widget(self, event) -> None:
        if event.new:
            self.indicator = event.new
            if not self._following and self.state.indicator != event.new:
                self.state.indicator = event.new

    def _on_state_district(self, event) -> None:
        if event.new:
            self.district = self._district_from_state(event.new)
            self._follow(self._district_select, self.district)

    def _on_state_indicator(self, event) -> None:
        if event.new in self._choices:
            self.indicator = event.new
            self._follow(self._indicator_select, event.new)

    def _follow(self, widget, value: str) -> None:
        self._following = True
        try:
            widget.value = value
        finally:
            self._following = False

    def _relabel(self, event) -> None:
        lang = event.new
        self._following = True
        try:
            self._district_select.param.update(label=t("transition_choose_district", lang),
                                               options=self._district_options(lang), value=self.district)
            self._indicator_select.param.update(label=t("transition_choose_indicator", lang),
                                                options=self._indicator_options(lang),
                                                value=self.indicator or None)
        finally:
            self._following = False
        self._download.label = t("download_csv", lang)

    def _filename(self) -> str:
        return f"transition_{self.district}_{self.indicator or 'none'}_{self.state.lang}.csv"

    # ----------------------------------------------------------------- content

    def comparison(self) -> pd.DataFrame | None:
        """The comparison table for the district and indicator shown, or None without an indicator."""
        if not self.indicator:
            return None
        indicator = self.data.indicator(self.indicator)
        lang = self.state.lang
        before_periods = self.data.unit_periods(indicator.id, DISTRICT_MAP.id)
        after_periods = self.data.unit_periods(indicator.id, COMMUNE_MAP.id)
        before_period = before_periods[-1] if before_periods else None
        after_period = after_periods[0] if after_periods else None
        before = self.data.district_table(indicator.id, before_period) if before_period is not None else None
        after = self.data.district_table(indicator.id, after_period) if after_period is not None else None
        district = self.data.districts.set_index("code").loc[self.district]
        return transition_table(
            indicator, {**district.to_dict(), "code": self.district}, geo.successors(self.district),
            before, before_period, after, after_period, lang,
        )

    def _update(self) -> None:
        lang = self.state.lang
        successors = geo.successors(self.district)
        table = self.comparison()
        self._download.filename = self._filename()
        self._map.object = bridge_map_element(
            self.data.districts, self.data.units(COMMUNE_MAP.id), self.district, successors, lang)
        self._map_key.object = map_key_html(lang)
        if table is None:
            self.table = pd.DataFrame(columns=TABLE_COLUMNS)
            self._summary.object = f'<p class="transition-empty">{html.escape(t("transition_no_indicator", lang))}</p>'
            self._table.object = ""
            self._notice.object = ""
            self._download.disabled = True
            return
        self.table = table
        self._download.disabled = False
        self._summary.object = summary_html(table, successors, lang)
        self._table.object = table_html(table, self.data.indicator(self.indicator), lang)
        illustrative = (table["status"] == "illustrative").any()
        self._notice.object = (
            f'<div class="illustrative-notice">⚠ {html.escape(t("illustrative_notice", lang))}</div>'
            if illustrative else "")

    def __panel__(self):
        return self._layout


def _heading_html(lang: str) -> str:
    return (f'<h2 class="transition-heading">{html.escape(TITLE[lang])}</h2>'
            f'<p class="transition-intro">{html.escape(t("transition_intro", lang))}</p>'
            f'<p class="transition-reform"><small>{html.escape(REFORM_NOTE[lang])}</small></p>')


def map_key_html(lang: str) -> str:
    """What the colours and the dashed line mean, and whom to credit for both maps."""
    esc = html.escape
    items = (
        (f'<span class="legend-swatch" style="background:{FULL_COLOUR}"></span>',
         t("transition_key_full", lang)),
        (f'<span class="legend-swatch" style="background:{PARTIAL_COLOUR}"></span>',
         t("transition_key_partial", lang)),
        (f'<span class="legend-swatch" style="border:2px dashed {DISTRICT_OUTLINE}"></span>',
         t("transition_key_outline", lang)),
    )
    key = "".join(f'<span class="legend-item">{swatch} {esc(text)}</span>' for swatch, text in items)
    credits = f"{DISTRICT_MAP.attribution[lang]} {COMMUNE_MAP.attribution[lang]}"
    return (f'<div class="legend transition-key">{key}</div>'
            f'<p class="attribution"><small>{esc(credits)}</small></p>')


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=TransitionPage)
