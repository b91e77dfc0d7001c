"""Women in leadership (phụ nữ tham gia lãnh đạo): how many women stand and are elected at each
council level, how many districts have a woman key leader, and how far the planning pool is
from its targets?

Reads the leadership theme through the explorer, the real city and National Assembly figures
(official facts with their sources), and city shares of candidates and deputies by term.

URL parameters synced (by the app): page=leadership, indicator, year, district, view, gap, lang.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import panel as pn
from bokeh.core.properties import field
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Legend, LegendItem
from bokeh.plotting import figure

from ..catalogue import Target
from ..data import DashboardData
from ..i18n import format_number, format_period, format_ratio, format_value, t
from ..model.cells import cached_city_value
from ..model.figures import real_figures
from ..views.parts import BokehPane
from ..views.ranking import TARGET_COLOUR
from . import PageRecord
from .theme import ThemePage

SLUG = "leadership"
THEME = "leadership"
TITLE = {"vi": "Phụ nữ tham gia lãnh đạo", "en": "Women in leadership"}
ICON = "award"
# Indicators published as real figures for the whole city or country.
REAL_FIGURE_INDICATORS = (
    "women_city_council_candidates_pct", "women_city_council_pct", "women_district_council_pct",
    "women_commune_council_pct", "women_national_assembly_hanoi_pct", "women_national_assembly_pct",
)
# District councils end with the 2021-2026 term; commune-level candidates are counted from 2026-2031.
TERM_SERIES = ("women_candidates_district_council_pct", "women_district_council_pct",
               "women_candidates_commune_council_pct", "women_commune_council_pct")
# One purple per council series, light to dark, as in the theme's other charts.
SERIES_COLOURS = ("#e7d4e8", "#c2a5cf", "#7b3294", "#40004b")
# How a bar shows the status of its figure without a hover: official is solid, provisional
# lighter, illustrative lighter still and hatched.
STATUS_FILL_ALPHA = {"official": 1.0, "provisional": 0.6, "illustrative": 0.35}
STATUS_HATCH = {"official": " ", "provisional": " ", "illustrative": "/"}
# Shares of women on lists and councils stay well below this, and the 35% mark stays visible.
SHARE_AXIS_MAX = 60
HEADINGS = {
    "share": {"vi": "% nữ", "en": "% women"},
    "real": {"vi": "Số liệu thật: nữ ứng cử viên và đại biểu được bầu",
             "en": "Real figures: women candidates and elected deputies"},
    "terms": {"vi": "Ứng cử và trúng cử theo nhiệm kỳ và cấp (toàn thành phố)",
              "en": "Candidates and deputies by term and council level (whole city)"},
    "target": {"vi": "Vạch đỏ: mục tiêu của đúng nhiệm kỳ đó, chỉ vẽ trên cột có mục tiêu: ít nhất 35% nữ "
               "trong danh sách ứng cử HĐND (nhiệm kỳ 2016–2021: NQ 1132/NQ-UBTVQH13; nhiệm kỳ "
               "2021–2026: NQ 1187/NQ-UBTVQH14; Luật 85/2015/QH13, Điều 9 khoản 3) và khoảng 30% nữ "
               "trúng cử HĐND nhiệm kỳ 2021–2026 (NQ 1187/NQ-UBTVQH14, Điều 2 khoản 3). Nhiệm kỳ "
               "2016–2021 không có mục tiêu đã kiểm chứng cho tỷ lệ nữ trúng cử. Nhiệm kỳ 2026–2031: "
               "chưa xác minh văn bản quy định tỷ lệ nữ, nên không vẽ mục tiêu.",
               "en": "Red mark: the target of that very term, drawn only on bars that have one: at "
               "least 35% women on People's Council candidate lists (2016–2021: Resolution "
               "1132/NQ-UBTVQH13; 2021–2026: Resolution 1187/NQ-UBTVQH14; Law 85/2015/QH13, art. "
               "9(3)) and about 30% women elected to People's Councils in 2021–2026 (Resolution "
               "1187/NQ-UBTVQH14, art. 2(3)). For 2016–2021 no verified target exists for the share "
               "of women elected. For 2026–2031 the legal text of a quota is not verified, so no "
               "target is drawn."},
    "status_key": {"vi": "Cột tô đặc: số liệu chính thức; cột nhạt: sơ bộ; cột nhạt có sọc chéo: minh họa "
                   "(tính từ số liệu quận, huyện, thị xã hoặc xã, phường sinh tự động).",
                   "en": "Solid bars: official figures; lighter bars: provisional; light hatched bars: "
                   "illustrative (computed from generated district, or commune and ward, figures)."},
    "legend_target": {"vi": "mục tiêu của nhiệm kỳ", "en": "target of the term"},
    "constituencies": {
        "vi": "Năm 2021, một số đơn vị bầu cử không có nữ trúng cử HĐND thành phố, trong đó có các "
        "đơn vị của Hoàng Mai, Bắc Từ Liêm, Phú Xuyên, Thường Tín, Gia Lâm, Đông Anh, Mê Linh, "
        "Hoài Đức và Đan Phượng (nguồn: hoilhpn.org.vn, laodongthudo.vn).",
        "en": "In 2021 no woman was elected to the city council from several constituencies, "
        "among them those of Hoàng Mai, Bắc Từ Liêm, Phú Xuyên, Thường Tín, Gia Lâm, Đông Anh, "
        "Mê Linh, Hoài Đức and Đan Phượng (sources: hoilhpn.org.vn, laodongthudo.vn).",
    },
}


def _target_columns(target: Target | None, lang: str) -> dict:
    """The target a bar is held to, if one applies to its period, as a number and as text."""
    if target is None:
        return {"target": math.nan, "target_label": "", "target_basis": ""}
    value = format_number(target.value, lang, 0 if float(target.value).is_integer() else 1)
    return {"target": target.value, "target_label": f"≥ {value}%" if target.value >= 35 else f"~{value}%",
            "target_basis": target.basis[lang]}


def real_figures_frame(data: DashboardData, lang: str) -> pd.DataFrame:
    """The published city and country figures of this page, each with the target of its own term."""
    figures = real_figures(data.observations, data.catalogue, lang, REAL_FIGURE_INDICATORS)
    records = []
    for row in figures.itertuples():
        indicator = data.indicator(row.indicator_id)
        target = indicator.target_for(row.period_start, "city") if "city" in indicator.levels else None
        records.append({
            "label": f"{row.indicator} {row.period}", "value": row.number, "value_label": row.value,
            "ratio": row.ratio, "status": row.status_key, "status_label": row.status, "source": row.source,
            **_target_columns(target, lang),
        })
    columns = ["label", "value", "value_label", "ratio", "status", "status_label", "source",
               "target", "target_label", "target_basis"]
    return pd.DataFrame(records, columns=columns)


def _status_style(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        fill_alpha=frame["status"].map(STATUS_FILL_ALPHA).fillna(1.0),
        hatch=frame["status"].map(STATUS_HATCH).fillna(" "),
    )


# Legend swatches are drawn by glyphs placed below the visible axis range: Bokeh draws a
# legend entry from its renderer's first row, and an empty source draws no swatch.
OFF_AXIS = -1000.0


def _legend_items(plot, frame: pd.DataFrame, lang: str, horizontal: bool,
                  series_colours: dict[str, str] | None = None) -> list[LegendItem]:
    """Solid swatches per series, then one per status style shown, then the target mark."""
    anchor = frame["label" if horizontal else "x"].iloc[0]
    items = []

    def swatch(label: str, colour: str, status: str) -> None:
        source = ColumnDataSource({"at": [anchor], "edge": [OFF_AXIS]})
        style = dict(source=source, fill_color=colour, fill_alpha=STATUS_FILL_ALPHA[status],
                     hatch_pattern=STATUS_HATCH[status], hatch_color="#333333", line_color=colour)
        if horizontal:
            renderer = plot.hbar(y="at", left="edge", right="edge", height=0.5, **style)
        else:
            renderer = plot.vbar(x="at", bottom="edge", top="edge", width=0.5, **style)
        items.append(LegendItem(label=label, renderers=[renderer]))

    for name, colour in (series_colours or {}).items():
        swatch(name, colour, "official")
    for status in ("provisional", "illustrative"):
        if (frame["status"] == status).any():
            swatch(t(f"status_{status}", lang), "#7b3294", status)
    if frame["target"].notna().any():
        source = ColumnDataSource({"at": [anchor], "edge": [OFF_AXIS]})
        if horizontal:
            mark = plot.rect(x="edge", y="at", width=3, width_units="screen", height=0.8, source=source,
                             fill_color=TARGET_COLOUR, line_color=None)
        else:
            mark = plot.rect(x="at", y="edge", width=0.8, height=3, height_units="screen", source=source,
                             fill_color=TARGET_COLOUR, line_color=None)
        items.append(LegendItem(label=HEADINGS["legend_target"][lang], renderers=[mark]))
    return items


def real_figures_figure(frame: pd.DataFrame, lang: str) -> figure:
    """Horizontal bars of the real shares; each bar carries the target of its own term, if any."""
    frame = _status_style(frame.iloc[::-1].reset_index(drop=True))
    labels = list(frame["label"])
    plot = figure(y_range=FactorRange(*labels), x_range=(0, SHARE_AXIS_MAX), height=70 + 34 * len(frame),
                  sizing_mode="stretch_width", toolbar_location=None, tools="")
    source = ColumnDataSource(frame)
    bars = plot.hbar(y="label", right="value", height=0.7, source=source, fill_color="#7b3294",
                     fill_alpha="fill_alpha", hatch_pattern=field("hatch"), hatch_color="#333333",
                     line_color="#7b3294")
    targets = ColumnDataSource(frame.dropna(subset=["target"]))
    plot.rect(x="target", y="label", width=3, width_units="screen", height=0.9, source=targets,
              fill_color=TARGET_COLOUR, line_color=None)
    plot.add_tools(HoverTool(renderers=[bars], tooltips=[
        ("", "@{label}"), (t("value", lang), "@{value_label}"), ("n/N", "@{ratio}"),
        (t("status", lang), "@{status_label}"), (t("target", lang), "@{target_label}"),
        (t("source", lang), "@{source}"),
    ]))
    plot.xaxis.axis_label = HEADINGS["share"][lang]
    plot.ygrid.grid_line_color = None
    plot.add_layout(Legend(items=_legend_items(plot, frame, lang, horizontal=True), orientation="horizontal",
                           location="center"), "below")
    return plot


def real_figures_table_html(frame: pd.DataFrame, lang: str) -> str:
    """The same figures as text, so nothing depends on hovering."""
    header = (f"<tr><th></th><th>{t('value', lang)}</th><th>n/N</th><th>{t('status', lang)}</th>"
              f"<th>{t('target', lang)}</th><th>{t('source', lang)}</th></tr>")
    rows = "".join(
        f"<tr><td>{html.escape(r.label)}</td><td>{r.value_label}</td><td>{r.ratio}</td>"
        f"<td>{r.status_label}</td><td>{html.escape(r.target_label)}</td><td>{html.escape(r.source)}</td></tr>"
        for r in frame.itertuples()
    )
    return f'<table class="facts-table">{header}{rows}</table>'


def terms_frame(data: DashboardData, lang: str) -> pd.DataFrame:
    """City shares of women among candidates and deputies for each term and council level.

    Each row carries its status and the city target of its own term: the 35% candidate
    target sits on candidate bars only, and the 2021 aim for women elected on deputy bars.
    """
    records = []
    for indicator_id in TERM_SERIES:
        indicator = data.indicator(indicator_id)
        for period in data.periods(indicator_id):
            city = cached_city_value(data, indicator_id, period)
            if city is not None:
                records.append({"term": format_period(period, "term", lang),
                                "series": indicator.short_name[lang], "value": city.value,
                                "value_label": format_value(city.value, "percent", lang),
                                "ratio": format_ratio(city.numerator, city.denominator, lang),
                                "status": city.status,
                                "status_label": t(f"status_{city.status}", lang),
                                **_target_columns(indicator.target_for(period, "city"), lang)})
    columns = ["term", "series", "value", "value_label", "ratio", "status", "status_label",
               "target", "target_label", "target_basis"]
    return pd.DataFrame(records, columns=columns).sort_values("term", kind="stable").reset_index(drop=True)


def terms_figure(frame: pd.DataFrame, lang: str) -> figure:
    """Grouped bars by term and council level; a target mark only on the bars it applies to."""
    frame = _status_style(frame)
    series = list(dict.fromkeys(frame["series"]))
    colours = dict(zip(series, SERIES_COLOURS))
    factors = list(zip(frame["term"], frame["series"]))
    frame = frame.assign(x=factors, colour=frame["series"].map(colours))
    plot = figure(x_range=FactorRange(*factors), y_range=(0, SHARE_AXIS_MAX), height=360,
                  sizing_mode="stretch_width", toolbar_location=None, tools="")
    source = ColumnDataSource(frame)
    bars = plot.vbar(x="x", top="value", width=0.85, source=source, fill_color="colour",
                     fill_alpha="fill_alpha", hatch_pattern=field("hatch"), hatch_color="#333333",
                     line_color="colour")
    targets = ColumnDataSource(frame.dropna(subset=["target"]))
    plot.rect(x="x", y="target", width=0.95, height=3, height_units="screen", source=targets,
              fill_color=TARGET_COLOUR, line_color=None)
    plot.add_tools(HoverTool(renderers=[bars], tooltips=[
        (t("term", lang), "@{term}"), (t("indicator", lang), "@{series}"),
        (t("value", lang), "@{value_label}"), ("n/N", "@{ratio}"), (t("status", lang), "@{status_label}"),
        (t("target", lang), "@{target_label}"),
    ]))
    # The council level is told by colour and legend; the axis keeps only the term labels.
    plot.xaxis.major_label_text_font_size = "0pt"
    plot.xaxis.group_text_font_size = "11pt"
    plot.yaxis.axis_label = HEADINGS["share"][lang]
    plot.xgrid.grid_line_color = None
    plot.add_layout(Legend(items=_legend_items(plot, frame, lang, horizontal=False, series_colours=colours),
                           orientation="vertical", location="top_left"), "below")
    return plot


def terms_note_html(lang: str) -> str:
    """What the bar styles and the target marks mean, in words."""
    return f'<p class="terms-note">{HEADINGS["status_key"][lang]} {HEADINGS["target"][lang]}</p>'


class LeadershipPage(ThemePage):
    """Candidates, deputies, key leaders and the planning pool, with the real published figures."""

    def __init__(self, **params):
        super().__init__(theme=THEME, **params)
        lang, version = self.state.param.lang, self.state.param.data_version
        self._sections = [
            pn.pane.HTML(pn.bind(lambda language: f"<h3>{HEADINGS['terms'][language]}</h3>", lang)),
            BokehPane(
                pn.bind(lambda language, _version: terms_figure(terms_frame(self.data, language), language),
                        lang, version),
                sizing_mode="stretch_width", css_classes=["terms-chart"],
            ),
            pn.pane.HTML(pn.bind(terms_note_html, lang), sizing_mode="stretch_width", css_classes=["terms-note"]),
            pn.pane.HTML(pn.bind(lambda language: f"<h3>{HEADINGS['real'][language]}</h3>", lang)),
            BokehPane(
                pn.bind(lambda language, _version: real_figures_figure(real_figures_frame(self.data, language),
                                                                       language), lang, version),
                sizing_mode="stretch_width", css_classes=["real-figures-chart"],
            ),
            pn.pane.HTML(pn.bind(lambda language, _version: real_figures_table_html(
                                     real_figures_frame(self.data, language), language)
                                 + f"<p>{HEADINGS['constituencies'][language]}</p>", lang, version),
                         sizing_mode="stretch_width", css_classes=["real-figures"]),
        ]

    def extra_sections(self) -> list:
        return self._sections


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=LeadershipPage, explorer=True, theme=THEME)
