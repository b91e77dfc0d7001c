"""Women in leadership (phụ nữ tham gia lãnh đạo): how many women stand and are elected at each
council level, how many districts have a woman key leader, and how far the planning pool is
from its targets?

Reads the leadership theme through the explorer, the real city and National Assembly figures
(official facts with their sources), and city shares of candidates and deputies by term.

URL parameters synced (by the app): page=leadership, indicator, year, district, view, gap, lang.
"""

from __future__ import annotations

import html

import holoviews as hv
import pandas as pd
import panel as pn

from ..catalogue import Target
from ..data import DashboardData
from ..i18n import format_period, t
from ..model.figures import real_figures
from ..model.indicators import candidate_target
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
TERM_SERIES = ("women_candidates_district_council_pct", "women_district_council_pct",
               "women_commune_council_pct")
HEADINGS = {
    "share": {"vi": "% nữ", "en": "% women"},
    "real": {"vi": "Số liệu thật: nữ ứng cử viên và đại biểu được bầu",
             "en": "Real figures: women candidates and elected deputies"},
    "terms": {"vi": "Ứng cử và trúng cử theo nhiệm kỳ và cấp (toàn thành phố)",
              "en": "Candidates and deputies by term and council level (whole city)"},
    "target": {"vi": "Đường đỏ: mục tiêu ≥ 35% nữ trong danh sách ứng cử "
               "(NQ 1132/NQ-UBTVQH13; Luật 85/2015/QH13, Điều 8 khoản 3).",
               "en": "Red line: target of at least 35% women on candidate lists "
               "(Resolution 1132/NQ-UBTVQH13; Law 85/2015/QH13, art. 8(3))."},
    "constituencies": {
        "vi": "Năm 2021, một số đơn vị bầu cử không có nữ trúng cử HĐND thành phố, trong đó có các "
        "đơn vị của Hoàng Mai, Bắc Từ Liêm, Phú Xuyên, Thường Tín, Gia Lâm, Đông Anh, Mê Linh, "
        "Hoài Đức và Đan Phượng (nguồn: hoilhpn.org.vn, laodongthudo.vn).",
        "en": "In 2021 no woman was elected to the city council from several constituencies, "
        "among them those of Hoàng Mai, Bắc Từ Liêm, Phú Xuyên, Thường Tín, Gia Lâm, Đông Anh, "
        "Mê Linh, Hoài Đức and Đan Phượng (sources: hoilhpn.org.vn, laodongthudo.vn).",
    },
}


def real_figures_frame(data: DashboardData, lang: str) -> pd.DataFrame:
    """The published city and country figures of this page, each labelled with its period."""
    frame = real_figures(data.observations, data.catalogue, lang, REAL_FIGURE_INDICATORS)
    return frame.assign(label=frame["indicator"] + " " + frame["period"])


def page_candidate_target(data: DashboardData, frame: pd.DataFrame) -> Target | None:
    """The candidate-list target of the latest term on the chart, from the catalogue."""
    periods = frame["period_start"] if len(frame) else pd.Series(dtype=int)
    return candidate_target(data.catalogue, int(periods.max())) if len(periods) else None


def real_figures_element(frame: pd.DataFrame, lang: str, target: Target | None = None) -> hv.Overlay:
    """Horizontal bars of the real shares, with the candidate-list target where one applies."""
    bars = hv.Bars(frame, kdims=[hv.Dimension("label", label=" ")],
                   vdims=[hv.Dimension("number", label=HEADINGS["share"][lang]),
                          "value", "ratio", "status", "source"]).opts(
        invert_axes=True, color="#7b3294", responsive=True, height=40 + 34 * len(frame), toolbar=None,
        tools=["hover"], hover_tooltips=[("", "@{label}"), (t("value", lang), "@{value}"), ("n/N", "@{ratio}"),
                                         (t("status", lang), "@{status}"), (t("source", lang), "@{source}")],
        xlim=(0, 60), title="",
    )
    return bars if target is None else bars * hv.HLine(target.value).opts(color=TARGET_COLOUR, line_width=2.5)


def real_figures_table_html(frame: pd.DataFrame, lang: str) -> str:
    """The same figures as text, so nothing depends on hovering."""
    header = (f"<tr><th></th><th>{t('value', lang)}</th><th>n/N</th><th>{t('status', lang)}</th>"
              f"<th>{t('source', lang)}</th></tr>")
    rows = "".join(
        f"<tr><td>{html.escape(r.label)}</td><td>{r.value}</td><td>{r.ratio}</td>"
        f"<td>{r.status}</td><td>{html.escape(r.source)}</td></tr>"
        for r in frame.itertuples()
    )
    return f'<table class="facts-table">{header}{rows}</table>'


def terms_frame(data: DashboardData, lang: str) -> pd.DataFrame:
    """City shares of women among candidates and deputies for each term and council level."""
    records = []
    for indicator_id in TERM_SERIES:
        indicator = data.indicator(indicator_id)
        for period in data.periods(indicator_id):
            city = data.city_value(indicator_id, period)
            if city is not None:
                records.append({"term": format_period(period, "term", lang),
                                "series": indicator.short_name[lang], "value": city.value,
                                "status_label": t(f"status_{city.status}", lang)})
    return pd.DataFrame(records)


def terms_element(frame: pd.DataFrame, lang: str, target: Target | None = None) -> hv.Overlay:
    """Grouped bars by term; the candidate target line, where one applies, sits across them."""
    bars = hv.Bars(frame, kdims=["term", "series"], vdims=["value", "status_label"]).opts(
        responsive=True, height=340, cmap=["#c2a5cf", "#7b3294", "#40004b"], color="series",
        tools=["hover"], toolbar=None, ylabel="%", xlabel="", legend_position="bottom", title="",
        multi_level=False,
    )
    return bars if target is None else bars * hv.HLine(target.value).opts(color=TARGET_COLOUR, line_width=2.5)


class LeadershipPage(ThemePage):
    """Candidates, deputies, key leaders and the planning pool, with the real published figures."""

    def __init__(self, **params):
        super().__init__(theme=THEME, **params)
        lang = self.state.param.lang
        self._sections = [
            pn.pane.HTML(pn.bind(lambda language: f"<h3>{HEADINGS['terms'][language]}</h3>", lang)),
            pn.pane.HoloViews(
                hv.DynamicMap(pn.bind(
                    lambda language: terms_element(terms_frame(self.data, language), language,
                                                   self._candidate_target()), lang)),
                sizing_mode="stretch_width", css_classes=["terms-chart"],
            ),
            pn.pane.HTML(pn.bind(lambda language: f"<h3>{HEADINGS['real'][language]}</h3>", lang)),
            pn.pane.HoloViews(
                hv.DynamicMap(pn.bind(
                    lambda language: real_figures_element(real_figures_frame(self.data, language), language,
                                                          self._candidate_target()), lang)),
                sizing_mode="stretch_width", css_classes=["real-figures-chart"],
            ),
            pn.pane.HTML(pn.bind(lambda language: f"<p>{HEADINGS['target'][language]}</p>"
                                 + real_figures_table_html(real_figures_frame(self.data, language), language)
                                 + f"<p>{HEADINGS['constituencies'][language]}</p>", lang),
                         sizing_mode="stretch_width", css_classes=["real-figures"]),
        ]

    def _candidate_target(self) -> Target | None:
        return page_candidate_target(self.data, real_figures_frame(self.data, "vi"))

    def extra_sections(self) -> list:
        return self._sections


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=LeadershipPage, explorer=True, theme=THEME)
