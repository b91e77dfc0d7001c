"""Health (sức khỏe): how far did the 2015–2019 breast and cervical cancer screening project
reach women in each district?

Reads the health theme (women screened, coverage of the target group) through the explorer;
the project ended in 2019, so later years have no figures and say so.

URL parameters synced (by the app): page=health, indicator, year, district, view, gap, lang.
"""

from __future__ import annotations

import panel as pn

from . import PageRecord
from .theme import ThemePage

SLUG = "health"
THEME = "health"
TITLE = {"vi": "Sức khỏe", "en": "Health"}
ICON = "heart"
PROJECT_NOTE = {
    "vi": "Dự án Tầm soát, phát hiện sớm ung thư vú và ung thư cổ tử cung cho phụ nữ thực hiện "
    "trong giai đoạn 2015–2019; số liệu chỉ có cho các năm của dự án.",
    "en": "The breast and cervical cancer screening project for women ran from 2015 to 2019; "
    "figures exist only for the project years.",
}


class HealthPage(ThemePage):
    """Women screened and screening coverage, per district and year of the project."""

    def __init__(self, **params):
        super().__init__(theme=THEME, **params)

    def extra_sections(self) -> list:
        return [pn.pane.Alert(pn.bind(PROJECT_NOTE.get, self.state.param.lang), alert_type="light",
                              sizing_mode="stretch_width")]


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=HealthPage, explorer=True, theme=THEME)
