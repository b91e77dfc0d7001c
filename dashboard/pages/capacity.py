"""Capacity and communication (năng lực và truyền thông): how many courses, how many people
trained (and how many of them women), and how much communication work in each district?

Reads the capacity theme through the explorer, plus trainees by sex for the selected year.

URL parameters synced (by the app): page=capacity, indicator, year, district, view, gap, lang.
"""

from __future__ import annotations

import holoviews as hv
import pandas as pd
import panel as pn

from ..data import DashboardData
from ..i18n import t
from . import PageRecord
from .theme import ThemePage

SLUG = "capacity"
THEME = "capacity"
TITLE = {"vi": "Năng lực và truyền thông", "en": "Capacity and communication"}
ICON = "school"
SEX_COLOURS = {"female": "#7b3294", "male": "#a6dba0"}
SEX_LABELS = {"female": {"vi": "Nữ", "en": "Women"}, "male": {"vi": "Nam", "en": "Men"}}
TITLE_BY_SEX = {"vi": "Số người được tập huấn theo giới tính", "en": "People trained, by sex"}


def trainees_by_sex(data: DashboardData, period: int, lang: str) -> pd.DataFrame:
    """Women and men trained per district; districts without figures are left out, not zeroed."""
    total = data.district_table("trainees", period).set_index("code")
    women = data.district_table("trainees_female", period).set_index("code")["value"]
    frame = total.assign(female=women, male=total["value"] - women).dropna(subset=["female", "male"])
    frame["name"] = frame["full_name_vi"] if lang == "vi" else frame["name_vi"]
    frame = frame.sort_values("value")
    long = frame.melt(id_vars=["name"], value_vars=["female", "male"], var_name="sex", value_name="people")
    long["sex_label"] = long["sex"].map(lambda sex: SEX_LABELS[sex][lang])
    return long


def trainees_by_sex_element(frame: pd.DataFrame, lang: str) -> hv.Bars:
    """Stacked horizontal bars: women and men trained in each district."""
    return hv.Bars(
        frame, kdims=[hv.Dimension("name", label=t("district", lang)), hv.Dimension("sex_label", label=" ")],
        vdims=[hv.Dimension("people", label=TITLE_BY_SEX[lang])],
    ).opts(
        stacked=True, invert_axes=True, responsive=True, height=max(300, 19 * frame["name"].nunique() + 90),
        cmap=[SEX_COLOURS["female"], SEX_COLOURS["male"]], color="sex_label", tools=["hover"],
        legend_position="top", toolbar=None, title="", show_legend=True,
    )


class CapacityPage(ThemePage):
    """Training and communication by district, with trainees by sex."""

    def __init__(self, **params):
        super().__init__(theme=THEME, **params)
        plot = hv.DynamicMap(pn.bind(
            lambda year, lang: trainees_by_sex_element(trainees_by_sex(self.data, year, lang), lang),
            self.state.param.year, self.state.param.lang,
        ))
        self._by_sex = pn.Column(
            pn.pane.HTML(pn.bind(lambda lang: f"<h3>{TITLE_BY_SEX[lang]}</h3>", self.state.param.lang)),
            pn.pane.HoloViews(plot, sizing_mode="stretch_width", css_classes=["trainees-by-sex"]),
            sizing_mode="stretch_width",
        )

    def extra_sections(self) -> list:
        return [self._by_sex]


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=CapacityPage, explorer=True, theme=THEME)
