"""Committees (bộ máy): does every district have its Committee for the Advancement of Women,
with staff for gender-equality work, officers in its communes, and inspections?

Reads the committees theme of the catalogue through the indicator explorer.

URL parameters synced (by the app): page=committees, indicator, year, district, view, gap, lang.
"""

from __future__ import annotations

from . import PageRecord
from .theme import ThemePage

SLUG = "committees"
THEME = "committees"
TITLE = {"vi": "Bộ máy", "en": "Committees"}
ICON = "users"


class CommitteesPage(ThemePage):
    """Committee set-up, gender-equality staff, commune officers and inspections by district."""

    def __init__(self, **params):
        super().__init__(theme=THEME, **params)


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=CommitteesPage, explorer=True, theme=THEME)
