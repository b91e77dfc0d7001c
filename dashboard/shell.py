"""The served application: header, navigation, URL sync and the current page."""

from __future__ import annotations

from pathlib import Path

import holoviews as hv
import panel as pn

from .data import DashboardData, get_data
from .i18n import LANGUAGES, t
from .pages import registered_pages
from .state import URL_PARAMETERS, VIEWS, DashboardState

STYLESHEET = Path(__file__).resolve().parent / "assets" / "dashboard.css"


def configure() -> None:
    """Load Panel and HoloViews extensions with the dashboard's own inline stylesheet."""
    hv.extension("bokeh", logo=False)
    pn.extension(raw_css=[STYLESHEET.read_text(encoding="utf-8")], notifications=False)


def new_state(data: DashboardData, **params) -> DashboardState:
    """A fresh state whose indicator choices are the catalogue's."""
    return DashboardState(indicator_ids=list(data.catalogue.indicators), **params)


def state_from_query(query: dict, data: DashboardData) -> dict:
    """The valid state values in a query string; anything unknown or malformed is dropped.

    Query values arrive JSON-decoded (`district=001` becomes the number 1), so codes are
    re-padded to the 3-digit GSO form.
    """
    values: dict = {}
    pages = set(DashboardState.param.page.objects)
    if str(query.get("page")) in pages:
        values["page"] = str(query["page"])
    if str(query.get("indicator")) in data.catalogue:
        values["indicator"] = str(query["indicator"])
    try:
        year = int(str(query.get("year")))
        low, high = DashboardState.param.year.bounds
        if low <= year <= high:
            values["year"] = year
    except ValueError:
        pass
    district = str(query.get("district", "")).strip()
    if district.isdigit() and district.zfill(3) in set(data.districts["code"]):
        values["district"] = district.zfill(3)
    if query.get("view") in VIEWS:
        values["view"] = query["view"]
    if str(query.get("gap")).lower() in ("true", "1"):
        values["gap"] = True
    if query.get("lang") in LANGUAGES:
        values["lang"] = query["lang"]
    return values


def sync_url(state: DashboardState, data: DashboardData) -> None:
    """Restore the state from the query string, then keep every parameter in it."""
    if not pn.state.location:
        return
    state.param.update(**state_from_query(pn.state.location.query_params, data))
    # Values already applied above; what Panel cannot parse itself is simply left alone.
    pn.state.location.sync(state, {name: name for name in URL_PARAMETERS}, on_error=lambda _: None)


class DashboardApp:
    """Header and navigation around the page named by `state.page`."""

    def __init__(self, state: DashboardState, data: DashboardData):
        self.state = state
        self.data = data
        self._pages = {page.slug: page for page in registered_pages()}
        self._page_views: dict[str, object] = {}
        self._header = pn.pane.HTML(pn.bind(self._header_html, state.param.lang, state.param.page),
                                    sizing_mode="stretch_width", margin=0)
        self._language = pn.widgets.Button(
            name=t("switch_language", state.lang), button_type="light", width=110,
            css_classes=["language-switch"],
        )
        self._language.on_click(self._toggle_language)
        state.param.watch(lambda e: setattr(self._language, "name", t("switch_language", e.new)), "lang")
        self._content = pn.Column(self._page_view(), sizing_mode="stretch_width", margin=0)
        state.param.watch(lambda _e: setattr(self._content, "objects", [self._page_view()]), "page")

    def _page_view(self):
        # Each page is built once per session and kept, so switching back is instant.
        slug = self.state.page
        if slug not in self._page_views:
            self._page_views[slug] = self._pages[slug].factory(state=self.state, data=self.data)
        return self._page_views[slug]

    def _toggle_language(self, _event) -> None:
        self.state.lang = "en" if self.state.lang == "vi" else "vi"

    def _header_html(self, lang: str, page: str) -> str:
        links = "".join(
            f'<a class="{"active" if slug == page else ""}" href="?page={slug}&lang={lang}">'
            f"{record.title[lang]}</a>"
            for slug, record in self._pages.items()
        )
        return (
            f'<header class="app-header"><h1>{t("app_title", lang)}</h1>'
            f'<div class="subtitle">{t("app_subtitle", lang)}</div></header>'
            f'<nav class="nav">{links}</nav>'
        )

    def __panel__(self):
        return pn.Column(
            pn.Row(self._header, self._language, sizing_mode="stretch_width"),
            self._content,
            sizing_mode="stretch_width",
            css_classes=["dashboard-app"],
        )


def build_app(data: DashboardData | None = None) -> pn.viewable.Viewable:
    """The whole dashboard for one session, with its state synced to the URL."""
    data = data or get_data()
    state = new_state(data)
    sync_url(state, data)
    app = DashboardApp(state, data)
    return pn.panel(app.__panel__())
