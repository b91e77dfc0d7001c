"""Serve the dashboard: `python -m dashboard serve` runs Panel's server on app.py with safe defaults.

What it adds to a bare `panel serve app.py`:

- it listens on 127.0.0.1 and accepts websockets from its own origin only, unless `--hosts`
  names the host names the intranet uses (then it listens on every interface and accepts
  those origins, nothing else);
- `/components/…`, Panel's route that imports whatever module a URL names, answers only for
  the (module, class) pairs in ALLOWED_COMPONENTS, checked before anything is imported; every
  other such request is a 404;
- Bokeh session ids are signed (secret from DASHBOARD_SESSION_SECRET or data/.session_secret,
  made on first run, mode 0600), and the sign-in cookie is never copied into the page: the
  editor right stays a server-side claim (dashboard.auth);
- every response carries CSP, X-Frame-Options, X-Content-Type-Options and Referrer-Policy
  headers, and responses are gzip-compressed (static files once per process, then kept);
- the dashboard's stylesheet is one static file (/dashboard-assets/…, cached by the browser)
  linked by every session instead of being copied into every model; so is Panel's loading-spinner
  stylesheet, which Panel would otherwise inline in every model of every session, and so are the
  map page's browser functions (dashboard.views.browser_code);
- each map's polygons are one static file (/dashboard-assets/shapes/<map>.bin, versioned and
  cached by the browser) that the page fetches, instead of travelling in every session's document;
- the dashboard's modules and data are loaded, and its landing and map pages built once, before
  the worker processes fork, so no viewer waits for them;
- a worker grown by a wave of sessions is replaced by a fresh fork once it serves no one, which
  gives its memory back (dashboard.workers);
- a viewer's session is built once, when its websocket opens: the page's HTML comes from one
  session kept per route (Panel's reuse_sessions), so with several worker processes a page whose
  websocket reaches another process than its GET no longer has a second document built for it;
- the page opens that websocket first thing (dashboard/assets/early_socket.js), so that the
  session is built while the page's scripts load, and BokehJS then takes that websocket;
- the map page's HTML carries a still picture of its map and ranking (dashboard.views.first_view)
  and defers its scripts, so the browser paints the figures at once; the live map replaces it.

Secrets reach the server in-process, never on a command line where `ps` would show them.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gzip
import hashlib
import json
import logging
import os
import re
import sys
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

from dashboard.store import DATA_DIR
from dashboard.workers import DEFAULT_RECYCLE_ABOVE_MB

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_SCRIPT = REPO_ROOT / "app.py"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"
STYLESHEET_NAME = "dashboard.css"
# The app stylesheet: linked by served pages, inlined in notebooks and the HTML exports.
APP_STYLESHEET = ASSETS_DIR / STYLESHEET_NAME
# The browser functions that served pages link once instead of each model carrying their code.
BROWSER_SCRIPTS = ("map_shapes.js", "period_frames.js", "downloads.js")
# The static route of the dashboard's own files; Bokeh reserves /static for its own.
ASSETS_ROUTE = "/dashboard-assets"
# Files built in memory and served under ASSETS_ROUTE: Panel's loading-spinner stylesheet and
# each map's packed shapes (views.packed_shapes.shapes_file), at shapes/<map id>.bin.
LOADING_STYLESHEET_NAME = "loading.css"
SHAPES_FOLDER = "shapes"
# A map page's neighbour frames, built for the query they are asked with (NeighboursHandler).
NEIGHBOURS_URL = f"{ASSETS_ROUTE}/near.bin"
# The download buttons' files: DOWNLOAD_ROUTE/<kind>?<a page's query> (DownloadHandler).
DOWNLOAD_ROUTE = "/download"
# Downloads a process makes or queues at once (dashboard.views.export_buttons): beyond that, a
# request is asked to come back, rather than queue work nobody may wait for.
DOWNLOADS_AT_ONCE = 8
DEFAULT_PORT = 5006
LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"
SESSION_SECRET_ENV = "DASHBOARD_SESSION_SECRET"
SESSION_SECRET_FILE = DATA_DIR / ".session_secret"
# Bokeh refuses to sign session ids with a key shorter than this many bytes.
MIN_SESSION_SECRET_BYTES = 32

# Panel's /components/<module>/<class>/<attribute>/<file> imports <module> before any check.
# The dashboard's own pages request nothing there (its extensions load from /static), so the
# list is empty: every /components/ request is a 404 and no module is ever imported by a URL.
# Add a (module, class) pair here only for a component whose files the pages really request.
ALLOWED_COMPONENTS: frozenset[tuple[str, str]] = frozenset()

# Bokeh's page bootstraps with inline scripts and compiles some model code at run time
# ('unsafe-eval'), and Panel styles with inline <style>; nothing may come from another host.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# The stylesheet's URL carries its content hash, so the browser may keep it for a year.
ASSET_MAX_AGE_S = 365 * 24 * 3600
# The icon's URL has no version: kept a day, so that a new one shows the next day.
ICON_MAX_AGE_S = 86_400
# Compressed static files kept per process: Bokeh's and Panel's JavaScript and CSS take ~1 MB.
STATIC_GZIP_BUDGET_BYTES = 16 * 1024 * 1024

log = logging.getLogger("dashboard.server")

# Set by the launcher before the server starts; sessions then link the stylesheet instead of
# inlining it. None under a bare `panel serve` or in a notebook.
_stylesheet_url: str | None = None


def stylesheet_url() -> str | None:
    """The URL sessions link the dashboard's stylesheet from, when this launcher serves them."""
    return _stylesheet_url


def versioned_asset_url(name: str) -> str:
    """The URL of a file of ASSETS_DIR with its content's hash: browsers keep it until it changes."""
    digest = hashlib.sha256((ASSETS_DIR / name).read_bytes()).hexdigest()[:12]
    return f"{ASSETS_ROUTE}/{name}?v={digest}"


def versioned_stylesheet_url() -> str:
    return versioned_asset_url(STYLESHEET_NAME)


def browser_script_urls() -> dict[str, str]:
    """The dashboard's browser functions (dashboard.views.browser_code), linked by every served page."""
    return {name.removesuffix(".js"): versioned_asset_url(name) for name in BROWSER_SCRIPTS}


def links_assets() -> bool:
    """True while building a session served by this launcher: its pages can fetch the files it serves.

    False in a notebook, under a bare `panel serve`, and for a document built outside a session
    (the HTML copies of export.pages), whose files must carry everything themselves.
    """
    import panel as pn

    document = pn.state.curdoc
    return _stylesheet_url is not None and document is not None and document.session_context is not None


def shapes_url(map_id: str) -> str | None:
    """The versioned URL of a map's shapes file when the page can fetch it (`links_assets`), else None."""
    if not links_assets():
        return None
    from dashboard.views.packed_shapes import shapes_version

    return f"{ASSETS_ROUTE}/{SHAPES_FOLDER}/{map_id}.bin?v={shapes_version(map_id)}"


def _shapes_asset(map_id: str) -> tuple[bytes, str] | None:
    from dashboard.maps import MAPS
    from dashboard.views.packed_shapes import shapes_file, shapes_version

    if map_id not in MAPS:
        return None
    return shapes_file(map_id), shapes_version(map_id)


@functools.lru_cache(maxsize=1)
def panel_loading_css() -> str:
    """The loading-spinner CSS Panel gives every model with the process's (default) spinner settings."""
    from panel import config as panel_config
    from panel.io.resources import loading_css

    return loading_css(panel_config.loading_spinner, panel_config.loading_color, panel_config.loading_max_height)


def loading_stylesheet_version() -> str:
    return hashlib.sha256(panel_loading_css().encode("utf-8")).hexdigest()[:12]


def loading_stylesheet_url() -> str:
    return f"{ASSETS_ROUTE}/{LOADING_STYLESHEET_NAME}?v={loading_stylesheet_version()}"


def link_loading_stylesheet() -> None:
    """Make served models link Panel's loading-spinner stylesheet instead of each carrying a copy.

    Panel 1.9 puts the ~280-byte text of `panel.io.resources.loading_css(...)` in the `stylesheets`
    of every model it creates (`panel.reactive.Syncable._process_param_change`), some 16 KB of
    every session's document on the map page. Panel turns a URL ending in .css into one
    ImportedStyleSheet per document, so the same CSS as a static file costs one reference per
    model. Panel reads the function through its module-level name in `panel.reactive`, which is
    therefore the one place replaced. The file is only linked where this launcher serves it
    (`links_assets`), and only when Panel asks for exactly the CSS the file holds; anything else
    (other spinner settings, a notebook, an exported copy) keeps Panel's inline text.
    """
    import panel.reactive
    from panel.io.resources import loading_css as inline_loading_css

    def loading_css(loading_spinner: str, color: str, max_height: int) -> str:
        css = inline_loading_css(loading_spinner, color, max_height)
        return loading_stylesheet_url() if css == panel_loading_css() and links_assets() else css

    panel.reactive.loading_css = loading_css


# A page of the app: Bokeh's embed script with the session token it opens its websocket with.
EMBEDDED_TOKEN = re.compile(rb'const render_items = \[\{"token":"([A-Za-z0-9_.=-]+)"')
EARLY_SOCKET_NAME = "early_socket.js"


def early_socket_script() -> bytes:
    from dashboard.views.browser_code import script  # which imports this module

    return script(EARLY_SOCKET_NAME).strip().encode()


def is_app_page(page: bytes) -> bool:
    """True for a page that embeds a session of the app (not the sign-in page, nor an error)."""
    return EMBEDDED_TOKEN.search(page) is not None


def with_early_socket(page: bytes) -> bytes:
    """`page` with dashboard/assets/early_socket.js run first, if it is a page of the app: the
    websocket opens, and the server builds the session, while the page's scripts still load."""
    found = EMBEDDED_TOKEN.search(page)
    head = page.find(b"<head>")
    if found is None or head < 0:
        return page
    token = json.dumps(found.group(1).decode("ascii")).encode()
    script = b"<script>" + early_socket_script() + b"(" + token + b");</script>"
    at = head + len(b"<head>")
    return page[:at] + script + page[at:]


def with_address_shown(page: bytes, query: str) -> bytes:
    """`page` with its address corrected as it loads, when the session will show another one than
    `query` says (a value it drops, or one it adds: `shell.address_search`). In place, so that Back
    does not return to an address that means nothing more; before Bokeh embeds the session, whose
    location model reads the address then."""
    from dashboard.data import get_data  # these import this module
    from dashboard.shell import address_search

    head = page.find(b"<head>")
    if head < 0:
        return page
    try:
        shown = address_search(query, get_data())
    except Exception:  # the session still comes, and says what it can
        log.exception("no address for the query %r", query)
        return page
    if shown is None:
        return page
    url = json.dumps(shown).replace("<", "\\u003c").encode()
    script = (b"<script>history.replaceState(history.state, '', location.pathname + " + url
              + b" + location.hash);</script>")
    at = head + len(b"<head>")
    return page[:at] + script + page[at:]


# A script of the page's head that loads a file; the browser paints nothing until each has run.
HEAD_FILE_SCRIPT = b'<script type="text/javascript" src='
# Panel's one inline script in the head, which needs BokehJS loaded.
LOG_LEVEL_SCRIPT = re.compile(rb'<script type="text/javascript">\s*(Bokeh\.set_log_level\("\w+"\);)\s*</script>')
INLINE_HEAD_SCRIPT = b'<script type="text/javascript">'
BODY_TAG = re.compile(rb"<body[^>]*>")
FIRST_VIEW_SCRIPT_NAME = "first_view.js"


def with_deferred_scripts(page: bytes) -> bytes:
    """`page` with the script files of its head deferred, so that the browser paints the body (the
    map page's first view) while they load and run. They still run in order, before
    DOMContentLoaded, on which Bokeh embeds the document; Panel's log-level call waits for it too.
    A head with any other inline script that may need them is left as it is."""
    end = page.find(b"</head>")
    if end < 0:
        return page
    head = LOG_LEVEL_SCRIPT.sub(
        lambda found: b'<script>document.addEventListener("DOMContentLoaded", () => { '
        + found.group(1) + b" }, {once: true});</script>", page[:end])
    if INLINE_HEAD_SCRIPT in head:
        return page
    return head.replace(HEAD_FILE_SCRIPT, b'<script defer type="text/javascript" src=') + page[end:]


def first_view(query: str) -> bytes:
    """The map page's first view for the page URL's `query` (views/first_view.py) with the script
    that removes it; empty for a page that does not open on a map, or when no data is loaded."""
    from dashboard.data import get_data  # these import this module
    from dashboard.shell import read_query, state_from_query
    from dashboard.views.browser_code import script
    from dashboard.views.first_view import first_view_html

    try:
        data = get_data()
        picture = first_view_html(data, state_from_query(read_query(query), data))
    except Exception:  # the live page still comes: a picture is not worth a failed page
        log.exception("no first view for the query %r", query)
        return b""
    if picture is None:
        return b""
    return (picture + "<script>" + script(FIRST_VIEW_SCRIPT_NAME) + "</script>").encode()


def with_first_view(page: bytes, query: str) -> bytes:
    """`page`, a page of the app, with its first view first in its body and its scripts deferred."""
    body = BODY_TAG.search(page)
    picture = first_view(query) if body is not None else b""
    if not picture:
        return page
    return with_deferred_scripts(page[:body.end()] + picture + page[body.end():])


def skip_session_checks() -> None:
    """Served sessions skip Bokeh's checks of what the code builds, which tests make instead:
    - the document checks (18 ms of every map-page session, on the event loop), which only log;
      tests/test_shell_pages.py holds the document of every page to them;
    - its "expensive error diagnostics", chiefly the signature of every Python callback of every
      model (some 160 in a map session), which the test suite builds with them on."""
    from bokeh.settings import settings

    settings.perform_document_validation.set_value(False)
    settings.perform_error_diagnostics.set_value(False)


def generated_asset(name: str) -> tuple[bytes, str, str] | None:
    """(content, content type, version) of a file served from memory under ASSETS_ROUTE, or None."""
    if name == LOADING_STYLESHEET_NAME:
        return panel_loading_css().encode("utf-8"), "text/css; charset=utf-8", loading_stylesheet_version()
    folder, _, file_name = name.partition("/")
    if folder == SHAPES_FOLDER and file_name.endswith(".bin"):
        shapes = _shapes_asset(file_name.removesuffix(".bin"))
        if shapes is not None:
            return shapes[0], "application/octet-stream", shapes[1]
    return None


def session_secret(path: Path = SESSION_SECRET_FILE) -> str:
    """$DASHBOARD_SESSION_SECRET (the same on every instance behind one front server), else
    the secret in `path`, generated there on first use, readable by its owner only."""
    configured = os.environ.get(SESSION_SECRET_ENV, "").strip()
    if configured:
        if len(configured.encode("utf-8")) < MIN_SESSION_SECRET_BYTES:
            raise SystemExit(f"{SESSION_SECRET_ENV}: cần ít nhất {MIN_SESSION_SECRET_BYTES} byte / "
                             f"needs at least {MIN_SESSION_SECRET_BYTES} bytes")
        return configured
    from dashboard.auth import stored_secret  # not at import time: `serve --help` stays light

    return stored_secret(path)


def websocket_origins(port: int, hosts: list[str]) -> list[str]:
    """The origins whose pages may open a websocket: this machine, or the named host names.

    A name without a port stands for the standard ports, as a front server (nginx) serves it.
    """
    if not hosts:
        return [f"localhost:{port}", f"127.0.0.1:{port}"]
    origins: list[str] = []
    for host in hosts:
        origins += [host] if ":" in host else [host, f"{host}:{port}"]
    return origins


def panel_arguments(args: argparse.Namespace) -> list[str]:
    """The `panel serve` command line (without secrets) for the parsed launcher options."""
    address = args.address or (ALL_INTERFACES if args.hosts else LOOPBACK)
    argv = [
        str(APP_SCRIPT), "--index", "app", "--liveness",
        "--auth-module", str(Path(__file__).resolve().parent / "auth.py"),
        "--port", str(args.port), "--address", address,
        "--num-procs", str(args.num_procs),
        "--websocket-compression-level", "6",
        # The page's HTML comes from one kept session per route (see `reused_session_key`); each
        # viewer's document is built once, by the websocket, in whichever process it reaches.
        "--reuse-sessions",
    ]
    for origin in websocket_origins(args.port, args.hosts):
        argv += ["--allow-websocket-origin", origin]
    if args.trust_proxy:
        argv.append("--use-xheaders")
    return argv + list(args.panel_args)


def reused_session_key(request) -> str:
    """Which kept session renders a page's HTML: one per route, whatever the query or cookies.

    A served page's HTML holds no document (the browser pulls it over the websocket, where the
    viewer's own session is built from the viewer's own request), so one route's pages are
    alike. Keyed by route only, a process keeps a bounded number of these sessions, which a
    stream of new query strings could not grow; Panel's default key takes a query argument.
    """
    return request.path


# ---------------------------------------------------------------- tornado pieces


class CompressedFiles:
    """Static files gzipped once per process, least recently used dropped past `budget` bytes.

    Tornado compresses every response as it is written: some 110 ms of CPU on the event loop for
    the JavaScript of one cold visit (37 ms for bokeh.min.js alone), for every visitor. A key is
    (path, version): a static file's Etag is the hash of its content, a generated asset has its
    own version, so one key names one compressed body for good.
    """

    def __init__(self, budget: int = STATIC_GZIP_BUDGET_BYTES):
        self.budget = budget
        self._bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0

    def get(self, key: tuple[str, str]) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key: tuple[str, str], raw: bytes) -> bytes:
        body = gzip.compress(raw, compresslevel=9, mtime=0)
        if len(body) <= self.budget and key not in self._bodies:
            self._bodies[key] = body
            self._size += len(body)
            while self._size > self.budget:
                self._size -= len(self._bodies.popitem(last=False)[1])
        return body


compressed_files = CompressedFiles()


class TornadoClasses(NamedTuple):
    headers: type
    guarded_components: type
    assets: type
    panel_components: type
    generated_assets: type
    neighbours: type
    downloads: type
    gzip: type
    app_pages: type


def _tornado_classes() -> TornadoClasses:
    """Handler and transform classes, built on first use so that importing this module for the
    command-line help stays cheap."""
    import tornado.web
    from panel.io.server import ComponentResourceHandler
    from sqlalchemy.exc import SQLAlchemyError

    class GzipOnce(tornado.web.GZipContentEncoding):
        """Tornado's gzip, except that a whole static file (200, Etag and Last-Modified, as
        Tornado's StaticFileHandler sends them) is compressed once per process (`compressed_files`)."""

        def __init__(self, request):
            super().__init__(request)
            self._path = request.path if request.method == "GET" else None
            self._key: tuple[str, str] | None = None  # set for a static file, compressed once
            self._raw: list[bytes] = []
            self._cached = False

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            ctype = headers.get("Content-Type", "").split(";")[0]
            if not (self._gzipping and self._path and status_code == 200 and "Etag" in headers
                    and "Last-Modified" in headers and "Content-Encoding" not in headers
                    and self._compressible_type(ctype) and (not finishing or len(chunk) >= self.MIN_LENGTH)):
                return super().transform_first_chunk(status_code, headers, chunk, finishing)
            self._key = (self._path, headers["Etag"])
            headers["Vary"] = f'{headers["Vary"]}, Accept-Encoding' if "Vary" in headers else "Accept-Encoding"
            headers["Content-Encoding"] = "gzip"
            body = compressed_files.get(self._key)
            if body is not None:  # the file's later chunks are dropped (transform_chunk)
                self._cached = True
                headers["Content-Length"] = str(len(body))
                return status_code, headers, body
            headers.pop("Content-Length", None)  # known once the last chunk is compressed
            return status_code, headers, self.transform_chunk(chunk, finishing)

        def transform_chunk(self, chunk, finishing):
            if self._key is None:
                return super().transform_chunk(chunk, finishing)
            if self._cached:
                return b""
            self._raw.append(chunk)
            return compressed_files.put(self._key, b"".join(self._raw)) if finishing else b""

    class SecurityHeaders(tornado.web.OutputTransform):
        """Adds the security headers to every response that does not set its own, and lets the
        browser keep the icon: Chrome asks for it again whenever the page's URL changes (every
        indicator, period or unit picked), 16 KB each time when it may not keep it."""

        def __init__(self, request):
            super().__init__(request)
            self._icon = request.path.endswith("/favicon.ico")

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            for name, value in SECURITY_HEADERS.items():
                if name not in headers:
                    headers[name] = value
            if self._icon and status_code == 200 and "Cache-Control" not in headers:
                headers["Cache-Control"] = f"public, max-age={ICON_MAX_AGE_S}"
            return status_code, headers, chunk

    class AppPages(tornado.web.OutputTransform):
        """Pages of the app open their websocket first thing (`with_early_socket`), show the address
        of what they show (`with_address_shown`), and the map page shows its first view while it
        loads (`with_first_view`)."""

        def __init__(self, request):
            super().__init__(request)
            self._query = request.query

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            if status_code == 200 and finishing and headers.get("Content-Type", "").startswith("text/html"):
                if is_app_page(chunk):
                    chunk = with_first_view(with_address_shown(with_early_socket(chunk), self._query), self._query)
                if "Content-Length" in headers:
                    headers["Content-Length"] = str(len(chunk))
            return status_code, headers, chunk

    class GuardedComponentHandler(ComponentResourceHandler):
        """Panel's component-file route, answering only for ALLOWED_COMPONENTS.

        The check runs in `prepare`, before Panel's `parse_url_path` imports the module the URL
        names; a module not imported already is never imported by a request.
        """

        def prepare(self):
            parts = (self.path_args[0] if self.path_args else "").split("/")
            allowed = (len(parts) >= 4 and (parts[0], parts[1]) in ALLOWED_COMPONENTS
                       and parts[0] in sys.modules)
            if not allowed:
                raise tornado.web.HTTPError(404)
            return super().prepare()

    class AssetsHandler(tornado.web.StaticFileHandler):
        """The dashboard's own static files; versioned URLs are cached for a year."""

        def set_extra_headers(self, path):
            if self.get_argument("v", None):
                self.set_header("Cache-Control", f"public, max-age={ASSET_MAX_AGE_S}, immutable")
            else:
                self.set_header("Cache-Control", "no-cache")

    class GeneratedAssetHandler(tornado.web.RequestHandler):
        """Files built in memory (`generated_asset`): cached like the static files, and gzipped
        here when binary, which Tornado's own compression leaves alone."""

        def get(self, name):
            asset = generated_asset(name)
            if asset is None:
                raise tornado.web.HTTPError(404)
            content, content_type, version = asset
            self.set_header("Content-Type", content_type)
            # An old page asking for an older version gets today's file, which it must not keep.
            if self.get_argument("v", None) == version:
                self.set_header("Cache-Control", f"public, max-age={ASSET_MAX_AGE_S}, immutable")
            else:
                self.set_header("Cache-Control", "no-cache")
            if not content_type.startswith("text/") and "gzip" in self.request.headers.get("Accept-Encoding", ""):
                self.set_header("Content-Encoding", "gzip")
                key = (self.request.path, version)
                content = compressed_files.get(key) or compressed_files.put(key, content)
            self.finish(content)

    class NeighboursHandler(tornado.web.RequestHandler):
        """A map page's neighbour frames (dashboard.views.period_frames.neighbours_query), built off
        the event loop (from the process cache after the first time). Frames of another data
        version: 204, nothing (a newer one is read first); a query naming no view of the data: 404.
        Either way the page leaves those changes to its server."""

        async def get(self):
            from dashboard.data import get_data, refresh_if_changed
            from dashboard.views.period_frames import near_builder, neighbours_view, packed_neighbours

            query = {name: self.get_argument(name, "") for name in ("v", "indicator", "year", "lang", "gap", "offered")}
            loop = asyncio.get_running_loop()
            try:
                data = get_data()
                # Just after an import, a page of a process that has read it may ask this one first.
                if query["v"].isdigit() and int(query["v"]) > data.version:
                    await loop.run_in_executor(near_builder, refresh_if_changed, data)
            except (SQLAlchemyError, OSError) as error:
                raise tornado.web.HTTPError(503) from error
            if query["v"] != str(data.version):
                # Frames of other data: none, and no error; the page's server draws those changes.
                self.set_header("Cache-Control", "no-store")
                self.set_status(204)
                self.finish()
                return
            view = neighbours_view(data, query)
            if view is None:
                raise tornado.web.HTTPError(404)
            body = await loop.run_in_executor(near_builder, packed_neighbours, data, view)
            self.set_header("Content-Type", "application/octet-stream")  # deflated already
            self.set_header("Cache-Control", f"public, max-age={ASSET_MAX_AGE_S}, immutable")
            self.finish(body)

    class DownloadHandler(tornado.web.RequestHandler):
        """A file of the download buttons (dashboard.views.export_buttons): /download/<kind>?<a page's
        query>, for the view that query shows, made in an export thread. A page offering no such
        file: 404; no data: 503; more than DOWNLOADS_AT_ONCE at once in this process: 503, later."""

        making = 0

        async def get(self, kind):
            from dashboard.data import get_data
            from dashboard.views.export_buttons import (
                CONTENT_TYPES,
                download_filename,
                made_file,
                off_loop,
                request_from_query,
            )

            try:
                data = get_data()
            except (SQLAlchemyError, OSError) as error:
                raise tornado.web.HTTPError(503) from error
            query = {name: values[-1].decode("utf-8", "replace") for name, values in self.request.arguments.items()}
            request = request_from_query(data, kind, query)
            if request is None:
                raise tornado.web.HTTPError(404)
            if DownloadHandler.making >= DOWNLOADS_AT_ONCE:
                self.set_header("Retry-After", "10")
                raise tornado.web.HTTPError(503)
            DownloadHandler.making += 1
            try:
                body = await off_loop(made_file, request, kind)
            finally:
                DownloadHandler.making -= 1
            self.set_header("Content-Type", CONTENT_TYPES[kind])
            self.set_header("Content-Disposition", f'attachment; filename="{download_filename(kind, request)}"')
            self.set_header("Cache-Control", "no-store")
            self.finish(body)

    return TornadoClasses(SecurityHeaders, GuardedComponentHandler, AssetsHandler, ComponentResourceHandler,
                          GeneratedAssetHandler, NeighboursHandler, DownloadHandler, GzipOnce, AppPages)


def server_patterns(patterns: list) -> list:
    """Panel's extra routes with /components/ guarded, plus the dashboard's static routes."""
    classes = _tornado_classes()
    guarded, original = classes.guarded_components, classes.panel_components
    safe = []
    for pattern in patterns:
        handler = pattern[1] if isinstance(pattern, (tuple, list)) and len(pattern) > 1 else None
        if isinstance(handler, type) and issubclass(handler, original) and handler is not guarded:
            pattern = (pattern[0], guarded, *pattern[2:])
        safe.append(pattern)
    built = f"{re.escape(LOADING_STYLESHEET_NAME)}|{re.escape(SHAPES_FOLDER)}/[^/]*"
    safe.append((rf"{ASSETS_ROUTE}/({built})", classes.generated_assets))
    safe.append((re.escape(NEIGHBOURS_URL), classes.neighbours))
    safe.append((rf"{DOWNLOAD_ROUTE}/([a-z]+)", classes.downloads))
    safe.append((rf"{ASSETS_ROUTE}/(.*)", classes.assets, {"path": str(ASSETS_DIR)}))
    return safe


def server_settings(kwargs: dict, cookie_secret: str, session_key: str) -> dict:
    """Bokeh/Tornado settings for the launcher: signed sessions, no sign-in cookie in the
    page, gzip and the security headers."""
    from dashboard.auth import USER_COOKIE

    classes = _tornado_classes()
    headers_transform, gzip_transform = classes.headers, classes.gzip
    kwargs = dict(kwargs)
    kwargs["extra_patterns"] = server_patterns(kwargs.get("extra_patterns", []))
    kwargs["cookie_secret"] = cookie_secret
    kwargs["sign_sessions"] = True
    kwargs["secret_key"] = session_key.encode("utf-8")
    # Bokeh copies request cookies and headers into the session token embedded in the page,
    # where any script could read them. The sign-in cookie (and the raw Cookie header, which
    # would repeat it) stay out; dashboard.auth passes the editor claim on the server side.
    kwargs["exclude_cookies"] = sorted({*(kwargs.get("exclude_cookies") or []), USER_COOKIE})
    kwargs["exclude_headers"] = sorted({*(kwargs.get("exclude_headers") or []), "Cookie"})
    kwargs.pop("include_cookies", None)
    kwargs.pop("include_headers", None)
    # The sign-in and sign-out forms' CSRF cookie: no script needs to read it.
    kwargs["xsrf_cookie_kwargs"] = {"httponly": True, "samesite": "Lax"}
    kwargs["compress_response"] = True
    # In this order: a page of the app gets its early socket and first view before it is compressed.
    kwargs["transforms"] = [classes.app_pages, gzip_transform, headers_transform]
    return kwargs


def set_up_serving_process() -> None:
    """What the launcher does to its process before it serves (and forks): link the stylesheets,
    skip Bokeh's checks, load the data and build the common pages (`preload`). The bench sets up
    the process it times sessions in with this too."""
    global _stylesheet_url
    _stylesheet_url = versioned_stylesheet_url()
    link_loading_stylesheet()
    skip_session_checks()
    preload()


def preload() -> None:
    """Before the worker processes fork: import the dashboard, load its data and warm its caches
    once for all of them (dashboard.shell.warm_up), so that no viewer waits for it (each process
    did it for its first viewer, about 3 s), then settle the heap
    (dashboard.memory.settle_server_heap), which the processes then share."""
    from sqlalchemy.exc import SQLAlchemyError

    from dashboard.data import get_data
    from dashboard.memory import settle_server_heap
    from dashboard.shell import warm_up

    try:
        data = get_data()
    except (SQLAlchemyError, OSError) as error:  # each process tries again for its first session
        log.warning("data not loaded before serving: %s", error)
        return
    try:
        warm_up(data)
    except Exception:  # each process's first viewer then builds it, and sees any error on the page
        log.exception("pages not built before serving")
    settle_server_heap()


def serve(argv: list[str], recycle_above_mb: int = 0) -> None:
    """Run `panel serve` with `argv`, changed by the launcher's settings; blocks until stopped.

    A process grown by more than `recycle_above_mb` ends when it next serves no one, to be
    replaced by a fresh one (dashboard.workers); 0 never ends one."""
    from panel import config as panel_config
    from panel.command.serve import Serve

    from dashboard.auth import cookie_secret

    cookie_key, session_key = cookie_secret(), session_secret()

    class DashboardServe(Serve):
        def customize_kwargs(self, args, server_kwargs):
            panel_config.cookie_secret = cookie_key
            kwargs = super().customize_kwargs(args, server_kwargs)
            panel_config.session_key_func = reused_session_key
            return server_settings(kwargs, cookie_key, session_key)

    # Bokeh shows its own INFO records only; the dashboard's (sign-ins, recycled workers) too.
    logging.getLogger("dashboard").setLevel(logging.INFO)
    set_up_serving_process()
    if recycle_above_mb > 0:
        recycle_grown_processes(recycle_above_mb * 2**20)
    parser = argparse.ArgumentParser(prog="python -m dashboard serve")
    command = DashboardServe(parser=parser)
    command.invoke(parser.parse_args(argv))


def recycle_limit_mb(args: argparse.Namespace) -> int:
    """The growth in MB after which a process is replaced; 0 for never.

    Worker processes are replaced by their parent, so by default they are. A single process is
    replaced only by a supervisor that starts it again (the systemd unit, `Restart=on-failure`),
    so only when `--recycle-above-mb` asks for it: under `make run` it would simply end.
    """
    if args.recycle_above_mb is not None:
        return args.recycle_above_mb
    return 0 if args.num_procs == 1 else DEFAULT_RECYCLE_ABOVE_MB


def recycle_grown_processes(limit_bytes: int) -> None:
    """Have Bokeh's server start through dashboard.workers, whose processes end after a wave of
    closed sessions (dashboard.memory) once grown by more than `limit_bytes`: a worker is
    replaced by its parent, a single process by its supervisor."""
    import bokeh.server.server

    from dashboard.memory import closed_sessions
    from dashboard.workers import recycling_http_server

    def on_process_started(recycler) -> None:
        closed_sessions.after_release = recycler.check

    bokeh.server.server.HTTPServer = recycling_http_server(limit_bytes, on_process_started)


# ---------------------------------------------------------------- command line


def megabytes(text: str) -> int:
    """A size in whole MB, 0 or more; anything else is refused, in both languages."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(
            f"cần một số MB nguyên, từ 0 trở lên / needs a whole number of MB, 0 or more: {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default 5006)")
    parser.add_argument(
        "--hosts", nargs="*", default=[], metavar="HOST",
        help="serve to the intranet under these host names (e.g. dashboard.hanoi.local): listen on "
        "every interface and accept websockets from these origins only; default: this machine only",
    )
    parser.add_argument("--address", default=None,
                        help="listen address (default 127.0.0.1, or 0.0.0.0 with --hosts)")
    parser.add_argument("--num-procs", type=int, default=1,
                        help="worker processes; 0 = one per core (make run uses every core)")
    parser.add_argument(
        "--recycle-above-mb", type=megabytes, default=None, metavar="MB",
        help="replace a process grown by more than MB since it started, once it serves no one, to "
        f"give its memory back (default: {DEFAULT_RECYCLE_ABOVE_MB} with worker processes; 0 = never). "
        "A single process then exits with status 75, for a supervisor such as systemd to restart it",
    )
    parser.add_argument(
        "--trust-proxy", action="store_true",
        help="behind a front server (nginx) that sets X-Forwarded-For/-Proto: trust those headers, "
        "so sign-in cookies are marked Secure over HTTPS; never without such a proxy",
    )
    parser.add_argument("panel_args", nargs=argparse.REMAINDER,
                        help="after `--`: further `panel serve` options (e.g. --log-format)")


def run(args: argparse.Namespace) -> int:
    if args.panel_args[:1] == ["--"]:
        args.panel_args = args.panel_args[1:]
    if args.address in (ALL_INTERFACES, "", "::") and not args.hosts:
        print("Phục vụ mạng nội bộ cần tên máy chủ: --hosts TÊN / serving the intranet needs its "
              "host names: --hosts NAME", file=sys.stderr)
        return 2
    serve(panel_arguments(args), recycle_above_mb=recycle_limit_mb(args))
    return 0
