"""The served application: header, navigation, URL sync and the current page."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from functools import partial
from urllib.parse import parse_qsl, urlencode

import holoviews as hv
import panel as pn
import param
from bokeh.document import Document
from panel.io.resources import LOCAL_DIST
from panel.io.state import set_curdoc
from panel.reactive import ReactiveHTML
from sqlalchemy.exc import SQLAlchemyError

from . import fast_defaults, fast_serialization, ordered_writes
from .data import DashboardData, DatabaseStatus, DataWatcher, data_watcher, get_data
from .i18n import LANGUAGES, format_datetime, t
from .maps import MAPS
from .memory import closed_sessions, settle_server_heap
from .model.indicators import explorer_indicators
from .model.periods import settle_period
from .pages import registered_pages
from .state import MODES, URL_PARAMETERS, VIEWS, DashboardState, new_state
from .views.export_buttons import PAGE_DOWNLOADS, ExportButtons
from .views.first_view import first_view_html
from .views.notices import database_banner
from .views.parts import PRESENTATION_ZOOM, drawn_at_page_scale
from .views.presenter import KeyboardStepper

# Everything but the parameter's own name travels between the app's state and a page's mirror.
MIRRORED_PARAMETERS = [name for name in DashboardState.param if name != "name"]
# The navigation drawn like the dashboard's other buttons: the page shown is filled. On a phone
# the page buttons form one row that scrolls sideways instead of five wrapped rows, and the
# language switch comes first, so it is never scrolled out of sight.
NAV_STYLE = """
.nav { display: flex; flex-wrap: wrap; align-items: center; gap: 0; margin: 4px 5px; }
.nav button { margin: 4px; padding: 6px 12px; font: inherit; font-size: 0.95rem; border-radius: 4px;
  border: 1px solid #ccc; background: #fff; color: #222; cursor: pointer; white-space: nowrap; }
.nav .nav-button.active button { background: #5b2a86; border-color: #5b2a86; color: #fff; }
.nav button:hover, .nav button:focus { border-color: #5b2a86; }
.nav .language-switch button { width: 110px; border-color: #5b2a86; color: #5b2a86; }
@media (max-width: 600px) { .nav { flex-wrap: nowrap; overflow-x: auto; } .language-switch { order: -1; } }
"""
# The themes a review meeting steps through in presentation mode, in order.
PRESENTATION_PAGES = ("overview", "committees", "leadership", "capacity", "health")

# The landing page and the map: built once before the workers fork (`warm_up`).
WARMED_PAGES = ("overview", "map")

log = logging.getLogger(__name__)


def configure() -> None:
    """Set up the process and the session: Bokeh's faster paths (dashboard.fast_serialization,
    dashboard.fast_defaults), HoloViews, and Panel's extensions with the dashboard's stylesheet and
    browser functions."""
    set_up_process()
    # Extensions whose JavaScript must be in the page before any session creates such a widget.
    served = in_served_session()
    if served:
        # Panel sets its files' address when it renders the HTML page; with `--num-procs` the
        # websocket may reach another process, whose session would then link Panel's CDN.
        pn.state.curdoc._template_variables.setdefault("dist_url", LOCAL_DIST)
    # In a notebook, inline JavaScript and CSS: the intranet has no CDN to load them from.
    # A served app gets them from its own server instead.
    # Served by `python -m dashboard serve`, the stylesheet is one cached static file that every
    # model links; elsewhere (a notebook, a bare `panel serve`) it is inlined.
    # So are the browser functions of the map page (dashboard.views.browser_code).
    from .server import APP_STYLESHEET, browser_script_urls, stylesheet_url

    linked = stylesheet_url() if served else None
    assets = ({"css_files": [linked], "js_files": browser_script_urls()} if linked
              else {"raw_css": [APP_STYLESHEET.read_text(encoding="utf-8")]})
    # Panel rewrites every component class's signature for interactive help at each call; a
    # served process needs that never (about 2 ms of every session).
    signatures = {"apply_signatures": False} if served else {}
    pn.extension("tabulator", notifications=False, inline=not served, **assets, **signatures)


def set_up_process() -> None:
    """What every session of the process shares: Bokeh's faster paths, Panel's writes in order
    (dashboard.ordered_writes) and HoloViews' backend."""
    fast_serialization.install()
    fast_defaults.install()
    ordered_writes.install()
    load_holoviews()


def warm_up(data: DashboardData) -> None:
    """Before the server's workers fork: pay once what each worker's first session would pay.

    That first session cost 1.1 s of CPU, against 0.2 s for the next: the process set-up, the
    modules sessions import as they go (Markdown, the export file names' matplotlib) and the
    default views' frames and displays, which the caches keep. The pages most visits open
    (WARMED_PAGES) are built here, outside any session, which starts no thread and no event
    loop, so the forks inherit it all.
    """
    set_up_process()
    for slug in WARMED_PAGES:
        pn.panel(DashboardApp(new_state(data, page=slug), data).__panel__()).get_root(Document())
    pn.state.reset()
    first_view_html(data, {"page": "map"})  # the map page's still picture, sent with its HTML


@functools.cache
def load_holoviews() -> None:
    """HoloViews' Bokeh backend, once per process: what it sets up is the process's, and loading it
    again (`Store.set_current_backend`) cost every new session about 40 ms."""
    hv.extension("bokeh", logo=False)
    # Panel links axes of HoloViews panes that share dimension names; here maps, rankings and
    # trends are independent plots, and linking a categorical axis to the map blanks the map.
    pn.pane.HoloViews.param.linked_axes.default = False


def in_served_session() -> bool:
    """True inside a `panel serve` session (`pn.state.served` is only set in the served script)."""
    return pn.state.curdoc is not None and pn.state.curdoc.session_context is not None


def watch_for_new_data(
    state: DashboardState, banner: pn.pane.Alert, watcher: DataWatcher | None = None,
    schedule: Callable[[Callable[[], None]], None] | None = None,
) -> Callable[[], None]:
    """Show newly imported figures, and the database banner, in an open session without a reload.

    The process's one watcher checks the database in its own thread (each `panel serve`
    process has its own, so this holds with `--num-procs` too); the session only hears of
    changes and applies them on its own document. `schedule` runs a function on that document
    (default: its next tick). Returns the function that stops listening, also called when the
    session closes.
    """
    watcher = watcher or data_watcher()
    data = watcher.data
    if schedule is None:
        schedule = _next_tick_of(pn.state.curdoc)

    def apply(status: DatabaseStatus) -> None:
        banner.visible = not status.reachable
        if state.data_version != data.version:
            state.data_version = data.version

    unsubscribe = watcher.subscribe(lambda status: schedule(partial(apply, status)))
    if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
        pn.state.on_session_destroyed(lambda _context: unsubscribe())
    apply(watcher.status)
    return unsubscribe


def _next_tick_of(document) -> Callable[[Callable[[], None]], None]:
    """Run a function on `document`'s next tick, with Panel's current document set.

    Bokeh's `add_next_tick_callback` is the one document method that is safe from another
    thread; the watcher calls from its own.
    """

    def schedule(function: Callable[[], None]) -> None:
        def run() -> None:
            with set_curdoc(document):
                function()

        try:
            document.add_next_tick_callback(run)
        except Exception as error:  # the session closed while the news was on its way
            log.debug("session gone before a database status reached it: %s", error)

    return schedule


def updated_html(data: DashboardData, lang: str) -> str:
    """When the figures shown were last changed, in the user's conventions."""
    if data.updated_at is None:
        return ""
    return (f'<div class="updated-notice">{t("last_updated", lang)}: '
            f"{format_datetime(data.updated_at.to_pydatetime(), lang)}</div>")


def state_from_query(query: dict, data: DashboardData) -> dict:
    """The valid state values in a query string; anything unknown or malformed is dropped.

    Values are the query's strings as written (see `sync_url`).
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
    unit = unit_from_query(query, data)
    if unit:
        values["district"] = unit
    if query.get("view") in VIEWS:
        values["view"] = query["view"]
    if str(query.get("gap")).lower() in ("true", "1"):
        values["gap"] = True
    if query.get("mode") in MODES:
        values["mode"] = query["mode"]
    if query.get("lang") in LANGUAGES:
        values["lang"] = query["lang"]
    return values


# Older links name the unit `district=`; the address now says `unit=` (state.URL_PARAMETERS).
LEGACY_UNIT_KEY = "district"


def unit_from_query(query: dict, data: DashboardData) -> str:
    """The unit code of `unit=` (or `district=` of older links) when a map has it, else "".

    The code is taken as written: 3 digits name a district, 5 a commune or ward.
    """
    code = str(query.get("unit", query.get(LEGACY_UNIT_KEY, ""))).strip()
    for unit_map in MAPS.values():
        if unit_map.accepts_code(code) and code in set(data.units(unit_map.id)["code"]):
            return code
    return ""


def sync_url(state: DashboardState, data: DashboardData) -> None:
    """Restore the state from the query string, then keep every parameter in it."""
    location = pn.state.location
    if not location:
        return
    state.param.update(**state_from_query(read_query(location.search), data))

    def write(values: dict) -> None:
        location.search = written_address(read_query(location.search), address_values(values))

    state.param.watch(lambda *events: write({event.name: event.new for event in events}), list(URL_PARAMETERS))
    write({name: getattr(state, name) for name in URL_PARAMETERS})


def address_values(values: dict) -> dict[str, str]:
    """State `values` (parameter name -> value) as the address carries them."""
    return {URL_PARAMETERS[name]: query_value(value) for name, value in values.items()}


def url_query(state: DashboardState) -> dict[str, str]:
    """The state as its page's address carries it (the query `sync_url` writes)."""
    return address_values({name: getattr(state, name) for name in URL_PARAMETERS})


def address_search(search: str, data: DashboardData) -> str | None:
    """The address a page opened at `search` shows: the state a session reads from it, written
    over it as `sync_url` writes it (a value the session drops is replaced by the one it shows).
    None when `search` says that already, in any order."""
    query = read_query(search)
    state = new_state(data)
    state.param.update(**state_from_query(query, data))
    shown = written_address(query, url_query(state))
    return None if read_query(shown) == query else shown  # as read: an empty value says nothing


def written_address(query: dict[str, str], values: dict[str, str]) -> str:
    """The address search with the state's `values` written over `query`, which keeps the
    parameters that are not the state's; an older link's `district=` is now written `unit=`."""
    kept = {key: value for key, value in query.items() if key != LEGACY_UNIT_KEY}
    return "?" + urlencode({**kept, **values})


def read_query(search: str) -> dict[str, str]:
    """The query's values as written.

    Not Panel's `Location.query_params` nor its `sync`, which parse numbers: `unit=00004` would
    become 4, which could be either map's code, and every later write would carry it so.
    """
    return dict(parse_qsl(search.lstrip("?")))


def query_value(value) -> str:
    """A state value as the URL carries it: strings as they are, numbers and booleans as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


class NavBar(ReactiveHTML):
    """The page buttons and the language switch, as one model: a session builds one, not ten."""

    items = param.List(default=[], doc="[slug, title] of each page, in navigation order.")
    page = param.String(default="", doc="Slug of the page shown; set by a press in the browser.")
    language_label = param.String(default="", doc="Label of the language switch.")
    language_presses = param.Integer(default=0, doc="Presses on the language switch, counted in the browser.")

    _template = '<nav id="bar" class="nav"></nav>'
    _scripts = {
        "render": """
  state.draw = () => {
    const buttons = data.items.map(([slug, title]) => {
      const box = document.createElement('div')
      box.className = `nav-button nav-${slug}` + (slug === data.page ? ' active' : '')
      const button = document.createElement('button')
      button.type = 'button'
      button.textContent = title
      if (slug === data.page) button.setAttribute('aria-current', 'page')
      button.onclick = () => { data.page = slug }
      box.append(button)
      return box
    })
    const language = document.createElement('div')
    language.className = 'language-switch'
    const switcher = document.createElement('button')
    switcher.type = 'button'
    switcher.textContent = data.language_label
    switcher.onclick = () => { data.language_presses = data.language_presses + 1 }
    language.append(switcher)
    bar.replaceChildren(...buttons, language)
  }
  state.draw()
""",
        **{name: "state.draw()" for name in ("items", "page", "language_label")},
    }
    _stylesheets = [NAV_STYLE]

    def __init__(self, on_language: Callable[[], None] | None = None, **params):
        super().__init__(**params)
        # Called when the language switch is pressed; not a parameter, so never sent.
        self.on_language = on_language
        self.param.watch(self._on_language, "language_presses")

    @pn.io.hold()
    def _on_language(self, _event) -> None:
        if self.on_language is not None:
            self.on_language()


class DashboardApp:
    """Header, navigation and the page named by `state.page`; nothing here depends on hover."""

    def __init__(self, state: DashboardState, data: DashboardData):
        self.state = state
        self.data = data
        self._pages = {page.slug: page for page in registered_pages()}
        if state.page not in self._pages:
            state.page = next(iter(self._pages))
        self._page_views: dict[str, object] = {}
        # Each built page has a mirror of the state that follows the app's state only while the
        # page is shown, so hidden pages do no work on every click.
        self._page_states: dict[str, DashboardState] = {}
        self._active_state: DashboardState | None = None
        state.param.watch(self._forward_to_page, MIRRORED_PARAMETERS)
        self._header = pn.pane.HTML(pn.bind(self._header_html, state.param.lang),
                                    sizing_mode="stretch_width", margin=0)
        self._nav = NavBar(on_language=lambda: self._toggle_language(None), sizing_mode="stretch_width",
                           margin=0, css_classes=["nav-bar"])
        self._nav.param.watch(self._on_nav, "page")
        self._relabel()
        state.param.watch(lambda _e: self._relabel(), ["lang", "page"])
        self._fit_indicator_to_page()
        self._content = pn.Column(self._page_view(), sizing_mode="stretch_width", margin=0)
        self.database_banner = database_banner()
        state.param.watch(self._on_page, "page")
        self._stepper = None
        if state.mode == "present":
            slides = [slug for slug in PRESENTATION_PAGES if slug in self._pages]
            start = slides.index(state.page) if state.page in slides else 0
            self._stepper = KeyboardStepper(step=start, fullscreen_label=t("full_screen", state.lang),
                                            sizing_mode="stretch_width")
            self._stepper.param.watch(lambda event: self._show_slide(slides, event.new), "step")
            self._show_slide(slides, start)

    def _show_slide(self, slides: list[str], step: int) -> None:
        """Presentation mode: step n shows theme n, wrapping round at either end."""
        slug = slides[step % len(slides)]
        self.state.page = slug
        self._stepper.label = (f"{step % len(slides) + 1} / {len(slides)} · "
                               f"{self._pages[slug].title[self.state.lang]}")

    @pn.io.hold()
    def _on_nav(self, event) -> None:
        self.state.page = event.new

    def _on_page(self, _event) -> None:
        self._active_state = None  # the page being left must not redraw for the next one
        self._fit_indicator_to_page()
        shown = self._page_view()
        # A page seen before stays in the document, hidden: showing it again sends a visibility
        # change, never its models (and a map's polygons) a second time. Only one explorer page
        # is kept, so that a document never holds two sets of the same controls.
        explorers = {id(self._page_views[slug]) for slug, record in self._pages.items()
                     if record.explorer and slug in self._page_views}
        leaving = explorers - {id(shown)} if id(shown) in explorers else set()
        with pn.io.hold():
            kept = [view for view in self._content.objects if id(view) not in leaving]
            if not any(view is shown for view in kept):
                kept.append(shown)
            for view in kept:
                # Hidden by style, not by `visible`: the browser then lays the page out once per
                # switch rather than once per box.
                view.styles = {"display": None if view is shown else "none"}
            # Assigned only when it changes: a new list makes Panel walk every model of the document.
            if [id(view) for view in kept] != [id(view) for view in self._content.objects]:
                self._content.objects = kept

    def _fit_indicator_to_page(self) -> None:
        """An explorer page shows its own indicators: keep the current one if offered, else its first."""
        record = self._pages[self.state.page]
        if not record.explorer:
            return
        choices = explorer_indicators(self.data, record.theme)
        if choices and self.state.indicator not in choices:
            self.state.param.update(indicator=choices[0], year=settle_period(self.data, choices[0], self.state.year))

    def _page_view(self):
        """The current page, built on first visit, and brought up to date with the app's state."""
        slug = self.state.page
        shared = {name: getattr(self.state, name) for name in MIRRORED_PARAMETERS}
        if slug not in self._page_views:
            page_state = new_state(self.data, **shared)
            page_state.param.watch(
                lambda *events, page_state=page_state: self._forward_to_app(page_state, events),
                MIRRORED_PARAMETERS,
            )
            self._page_states[slug] = page_state
            # Active before building, so what the page settles (e.g. the period) reaches the URL.
            self._active_state = page_state
            # One box per page, which is hidden while another page is shown.
            box = self._page_views[slug] = pn.Column(
                self._pages[slug].factory(state=page_state, data=self.data), sizing_mode="stretch_width",
                margin=0, css_classes=["page-box", f"page-box-{slug}"])
            if slug in PAGE_DOWNLOADS:  # indicator pages have theirs in the explorer
                box.append(ExportButtons(state=page_state, data=self.data))
            if self.state.mode == "present":
                drawn_at_page_scale(box)
        else:
            self._page_states[slug].param.update(**shared)
        self._active_state = self._page_states[slug]
        return self._page_views[slug]

    def _forward_to_page(self, *events) -> None:
        if self._active_state is not None:
            self._active_state.param.update(**{event.name: event.new for event in events})

    def _forward_to_app(self, page_state: DashboardState, events) -> None:
        if page_state is self._active_state:
            self.state.param.update(**{event.name: event.new for event in events})

    def _toggle_language(self, _event) -> None:
        self.state.lang = "en" if self.state.lang == "vi" else "vi"

    def _relabel(self) -> None:
        lang = self.state.lang
        self._nav.param.update(
            items=[[slug, record.title[lang]] for slug, record in self._pages.items()],
            page=self.state.page, language_label=t("switch_language", lang),
        )

    def _header_html(self, lang: str) -> str:
        return (
            f'<header class="app-header"><h1>{t("app_title", lang)}</h1>'
            f'<div class="subtitle">{t("app_subtitle", lang)}</div></header>'
        )

    def __panel__(self):
        if self._stepper is not None:
            return pn.Column(
                self._header, self.database_banner, self._stepper, self._content,
                sizing_mode="stretch_width", css_classes=["dashboard-app", "present-mode"],
                styles={"zoom": str(PRESENTATION_ZOOM)},
            )
        return pn.Column(
            self._header,
            self.database_banner,
            self._nav,
            self._content,
            pn.pane.HTML(pn.bind(lambda lang, _version: updated_html(self.data, lang),
                                 self.state.param.lang, self.state.param.data_version),
                         sizing_mode="stretch_width", css_classes=["updated"]),
            sizing_mode="stretch_width",
            css_classes=["dashboard-app"],
        )


def build_app(data: DashboardData | None = None) -> pn.viewable.Viewable:
    """The whole dashboard for one session, with its state synced to the URL."""
    watcher = None
    if data is None:
        try:
            data = get_data()
        except (SQLAlchemyError, OSError) as error:  # nothing loaded yet: say so, no traceback
            log.error("no data to show, the database cannot be reached: %s", error)
            return pn.Column(database_banner("database_unreachable_start", visible=True),
                             sizing_mode="stretch_width", css_classes=["dashboard-app"])
        if in_served_session():  # only a served process keeps a watcher running
            watcher = data_watcher()
            pn.state.on_session_destroyed(closed_sessions.session_closed)
            settle_server_heap()
    state = new_state(data)
    sync_url(state, data)
    app = DashboardApp(state, data)
    if watcher is not None:
        watch_for_new_data(state, app.database_banner, watcher)
    return pn.panel(app.__panel__())
