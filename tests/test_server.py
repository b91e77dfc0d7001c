"""The launcher, `python -m dashboard serve`, over HTTP as an anonymous visitor meets it: every
route, the headers, the guarded /components/ route, the origin check, gzip, the linked
stylesheet, signed sessions and an editor's sign-in that never reaches the page."""

from __future__ import annotations

import asyncio
import gzip
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import pytest
from bokeh.document import Document
from bokeh.util.token import (
    check_session_id_signature,
    check_token_signature,
    get_session_id,
    get_token_payload,
)
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from dashboard import auth, server
from dashboard.__main__ import build_parser
from dashboard.model.indicators import offered_indicators
from dashboard.views.packed_shapes import shapes_file, shapes_version
from dashboard.views.period_frames import neighbours_query

REPO_ROOT = Path(__file__).resolve().parent.parent
EDITOR, PASSWORD = "nguyen.van.a", "mật khẩu đúng"
COOKIE_SECRET = "launcher-test-cookie-secret"
SESSION_SECRET = "launcher-test-session-secret-of-enough-bytes"

# Every route `make run` exposes, and what an anonymous GET gets (see README, "Routes").
ANONYMOUS_ROUTES = {
    "/": 200,  # the dashboard (app.py, --index app)
    "/app": 200,  # the same app under its own name
    "/app/": 200,
    "/metadata": 200,  # {"url": "/", "data": {}}
    "/app/metadata": 200,
    "/autoload.js": 400,  # Bokeh's embed script, refused without its parameters
    "/app/autoload.js": 400,
    "/liveness": 200,  # health check: {"/app": true}
    "/login": 200,  # the editor sign-in form
    "/logout": 302,  # nobody signed in: straight back to the dashboard
    "/favicon.ico": 200,
    "/static/js/bokeh.min.js": 200,  # Bokeh's and Panel's JavaScript and CSS
    f"{server.ASSETS_ROUTE}/{server.STYLESHEET_NAME}": 200,  # the dashboard's stylesheet
    "/components/panel.widgets/Tabulator/__css__/x.css": 404,  # guarded: never imports
    "/ws": 400,  # websocket only (a plain GET is refused)
    "/app/ws": 400,
    f"{server.ASSETS_ROUTE}/": 403,
    f"{server.ASSETS_ROUTE}/../auth.py": 403,  # outside the folder: refused
    f"{server.ASSETS_ROUTE}/%2e%2e/auth.py": 403,
    "/no-such-page": 404,
    # Built in memory: Panel's loading-spinner stylesheet and each map's shapes; nothing else.
    f"{server.ASSETS_ROUTE}/{server.LOADING_STYLESHEET_NAME}": 200,
    f"{server.ASSETS_ROUTE}/shapes/hn_districts_2014.bin": 200,
    f"{server.ASSETS_ROUTE}/shapes/hn_communes_2025.bin": 200,
    f"{server.ASSETS_ROUTE}/shapes/no_such_map.bin": 404,
    f"{server.ASSETS_ROUTE}/shapes/hn_communes_2025": 404,
    f"{server.ASSETS_ROUTE}/shapes/": 404,
    f"{server.ASSETS_ROUTE}/shapes/..%2f..%2fauth.py": 404,
    f"{server.ASSETS_ROUTE}/shapes/..%2fmaps.bin": 404,
}
# The 126-unit map page.
COMMUNE_MAP_PAGE = "/?page=map&indicator=committee_established&year=2026"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, headers: dict | None = None, timeout: float = 60):
    """(status, headers, body) without following redirects and without decoding gzip."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def launched(tmp_path_factory, seeded_db_url):
    """`python -m dashboard serve` on a free port over a private copy of the seeded database,
    in its own process group, ended group and all."""
    base = tmp_path_factory.mktemp("launcher")
    database = base / "dashboard.sqlite"
    shutil.copyfile(seeded_db_url.removeprefix("sqlite:///"), database)
    editors = base / "editors.json"
    auth.write_editor(EDITOR, PASSWORD, editors, rounds=4)
    port = free_port()
    log = base / "serve.log"
    env = {**os.environ, "DASHBOARD_DB_URL": f"sqlite:///{database}",
           "DASHBOARD_EDITORS_FILE": str(editors), auth.COOKIE_SECRET_ENV: COOKIE_SECRET,
           server.SESSION_SECRET_ENV: SESSION_SECRET}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--port", str(port)],
                                   cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if get(url + "/liveness", timeout=5)[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL) if process.poll() is None else None
            pytest.fail(f"the launcher did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)
    yield {"url": url, "port": port, "log": log, "process": process, "db": database}
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# ------------------------------------------------------------------ command line, no server


def parse(*argv: str):
    return build_parser().parse_args(["serve", *argv])


def test_by_default_it_listens_on_this_machine_for_its_own_origin_only():
    argv = server.panel_arguments(parse())
    assert argv[argv.index("--address") + 1] == "127.0.0.1"
    origins = [argv[i + 1] for i, a in enumerate(argv) if a == "--allow-websocket-origin"]
    assert origins == ["localhost:5006", "127.0.0.1:5006"]
    assert "--use-xheaders" not in argv and "*" not in argv


def test_serving_the_intranet_is_one_switch_with_the_host_names():
    argv = server.panel_arguments(parse("--hosts", "dashboard.hanoi.local", "--port", "8080"))
    assert argv[argv.index("--address") + 1] == "0.0.0.0"
    origins = [argv[i + 1] for i, a in enumerate(argv) if a == "--allow-websocket-origin"]
    assert origins == ["dashboard.hanoi.local", "dashboard.hanoi.local:8080"]


def test_every_interface_without_host_names_is_refused(capsys):
    assert server.run(parse("--address", "0.0.0.0")) == 2
    assert "--hosts" in capsys.readouterr().err


def test_a_trusted_proxy_and_extra_panel_options_pass_through():
    argv = server.panel_arguments(parse("--trust-proxy", "--num-procs", "2", "--",
                                        "--log-level", "debug"))
    assert "--use-xheaders" in argv and argv[argv.index("--num-procs") + 1] == "2"
    assert argv[-2:] == ["--log-level", "debug"]


def test_the_session_secret_is_made_once_for_the_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv(server.SESSION_SECRET_ENV, raising=False)
    path = tmp_path / ".session_secret"
    first = server.session_secret(path)
    assert len(first) >= 60 and server.session_secret(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv(server.SESSION_SECRET_ENV, "x" * 40)
    assert server.session_secret(path) == "x" * 40
    monkeypatch.setenv(server.SESSION_SECRET_ENV, "short")
    with pytest.raises(SystemExit):
        server.session_secret(path)


# ------------------------------------------------------------------ the running launcher


@pytest.mark.parametrize("path, status", ANONYMOUS_ROUTES.items())
def test_every_route_answers_an_anonymous_visitor_as_documented(launched, path, status):
    assert get(launched["url"] + path)[0] == status


def test_bad_component_urls_import_nothing_and_leave_the_server_up(launched):
    for path in ("/components/venv.__main__/X/__css__/y", "/components/this/X/__css__/y",
                 "/components/antigravity/X/__css__/y", "/components/os/path/__css__/x",
                 "/components/venv.__main__/X/__css__/y/../../z", "/components/"):
        assert get(launched["url"] + path)[0] == 404, path
    assert launched["process"].poll() is None
    assert get(launched["url"] + "/liveness")[0] == 200
    log = launched["log"].read_text(errors="replace")
    assert "Beautiful is better than ugly" not in log and "Traceback" not in log


@pytest.mark.parametrize("path", ["/", "/login", "/liveness", "/no-such-page"])
def test_responses_carry_the_security_headers(launched, path):
    _status, headers, _body = get(launched["url"] + path)
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http:" not in policy and "https:" not in policy  # no other host, ever
    assert headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


@pytest.mark.parametrize("path", ["/", "/static/js/bokeh.min.js",
                                  f"{server.ASSETS_ROUTE}/{server.STYLESHEET_NAME}"])
def test_responses_are_gzip_compressed(launched, path):
    status, headers, body = get(launched["url"] + path, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(body)) > len(body)


def test_a_static_file_is_compressed_once_and_then_served_whole_from_memory(launched):
    """The first gzip request for a file compresses it (streamed, so no length is known); the
    next ones send the kept body, with its length, byte for byte the same."""
    url = launched["url"] + "/static/js/bokeh.min.js"
    plain = get(url)[2]
    replies = [get(url, {"Accept-Encoding": "gzip"}) for _ in range(3)]
    assert all(status == 200 and headers["Content-Encoding"] == "gzip" for status, headers, _ in replies)
    assert all(gzip.decompress(body) == plain for _, _, body in replies)
    assert len({body for _, _, body in replies}) == 1
    kept = [headers for _, headers, _ in replies if headers["Content-Length"]]
    assert kept and all(int(headers["Content-Length"]) == len(replies[0][2]) for headers in kept)
    assert all("Accept-Encoding" in headers["Vary"] for _, headers, _ in replies)
    # Asked for without gzip, or for a part, it is the file as it is.
    status, headers, body = get(url, {"Range": "bytes=0-99"})
    assert status == 206 and body == plain[:100]


def test_compressed_files_stay_within_their_budget_dropping_the_least_recently_used():
    raw = {name: os.urandom(1000) for name in "abc"}  # random: gzip cannot shrink them
    files = server.CompressedFiles(budget=2200)
    for name in "ab":
        assert gzip.decompress(files.put((name, "1"), raw[name])) == raw[name]
    assert files.get(("a", "1")) is not None  # a is now the most recently used
    files.put(("c", "1"), raw["c"])
    assert files.get(("b", "1")) is None
    assert gzip.decompress(files.get(("a", "1"))) == raw["a"]
    assert gzip.decompress(files.get(("c", "1"))) == raw["c"]
    too_big = server.CompressedFiles(budget=10)
    assert gzip.decompress(too_big.put(("d", "1"), raw["a"])) == raw["a"] and too_big.get(("d", "1")) is None


PRELOAD = """
import gc, json, logging, sys, threading
logging.basicConfig(level=logging.WARNING)
from tornado.ioloop import IOLoop
from dashboard import data, server
server.preload()
print(json.dumps({"loaded": data.cached_data.cache_info().currsize, "frozen": gc.get_freeze_count(),
                  "threads": threading.active_count(), "event_loop": IOLoop.current(instance=False) is not None,
                  "modules": sorted(sys.modules)}))
"""
# What a map session imports after the preload: the Tabulator model, which `pn.extension` loads
# in each session (the parent must not call it: it would set the config of every session).
SESSION_ONLY_MODULES = {"panel.entry_points", "panel.models.tabulator"}


def test_the_data_is_loaded_once_before_the_processes_fork_and_an_unreachable_database_only_waits(
        seeded_db_url, tmp_path):
    def preload(db_url: str) -> tuple[dict, str]:
        done = subprocess.run([sys.executable, "-c", PRELOAD], cwd=REPO_ROOT, capture_output=True, text=True,
                              env={**os.environ, "DASHBOARD_DB_URL": db_url}, timeout=120, check=True)
        return json.loads(done.stdout), done.stderr

    loaded, _log = preload(seeded_db_url)
    assert loaded["loaded"] == 1 and loaded["frozen"] > 100_000  # data and modules, shared by the forks
    # Forking is safe: no thread and no event loop was started before it.
    assert loaded["threads"] == 1 and not loaded["event_loop"]
    missing, log = preload(f"sqlite:///{tmp_path}/no/such/folder/dashboard.sqlite")
    assert {key: missing[key] for key in ("loaded", "frozen")} == {"loaded": 0, "frozen": 0}
    assert "data not loaded before serving" in log and "Traceback" not in log


def test_the_workers_first_map_session_imports_nothing_the_preload_did_not(seeded_db_url):
    """The first session of each worker cost 1.1 s of CPU, the next 0.2 s: modules imported and
    caches filled as it went. The preload (dashboard.shell.warm_up) now does it before the fork."""
    script = PRELOAD.replace("server.preload()", """server.preload()
from tests.test_shell_pages import served_app  # with pytest's own modules
warmed = set(sys.modules)""") + """
from dashboard.shell import configure
from dashboard.views import period_frames
frames_before = len(period_frames._frame_cache)
configure()  # as app.py does in every session
served_app(data.get_data(), page="map")
frames_built = len(period_frames._frame_cache) - frames_before
print(json.dumps({"new": sorted(set(sys.modules) - warmed), "frames_built": frames_built}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True,
                          env={**os.environ, "DASHBOARD_DB_URL": seeded_db_url}, timeout=180, check=True)
    session = json.loads(done.stdout.splitlines()[-1])
    assert set(session["new"]) <= SESSION_ONLY_MODULES
    assert session["frames_built"] == 0  # the default map view's frames came from the cache


def test_the_stylesheet_is_one_linked_file_cached_by_the_browser(launched):
    _status, _headers, body = get(launched["url"] + "/?page=map")
    page = body.decode("utf-8")
    links = re.findall(r'href="([^"]*dashboard\.css[^"]*)"', page)
    assert links == [server.versioned_stylesheet_url()]
    status, headers, css = get(launched["url"] + links[0])
    assert status == 200 and css == (server.ASSETS_DIR / server.STYLESHEET_NAME).read_bytes()
    assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    assert ".district-card" not in page  # not inlined


def page_token(launched, cookie: str | None = None) -> str:
    headers = {"Cookie": cookie} if cookie else {}
    _status, _headers, body = get(launched["url"] + "/?page=data", headers)
    return re.search(r'"token":\s*"([^"]+)"', body.decode("utf-8")).group(1)


def handshake(launched, origin: str, token: str):
    """Open the app's websocket with an Origin header, as a browser on `origin` would."""
    url = f"ws://127.0.0.1:{launched['port']}/ws"
    request = HTTPRequest(url, headers={"Origin": origin})

    async def connect():
        connection = await websocket_connect(request, subprotocols=["bokeh", token])
        connection.close()
        return True

    return asyncio.run(connect())


def test_a_foreign_origin_cannot_open_the_websocket(launched):
    token = page_token(launched)
    with pytest.raises(HTTPClientError) as refused:
        handshake(launched, "http://evil.example", token)
    assert refused.value.code == 403
    assert handshake(launched, f"http://localhost:{launched['port']}", token)
    assert launched["process"].poll() is None


def test_sessions_are_signed(launched):
    token = page_token(launched)
    key = SESSION_SECRET.encode()
    assert check_token_signature(token, secret_key=key, signed=True)
    assert check_session_id_signature(get_session_id(token), secret_key=key, signed=True)
    assert not check_token_signature(token, secret_key=b"x" * 40, signed=True)


def sign_in(launched) -> str:
    """Sign in through the form; returns the `user` cookie as a Cookie header part."""
    status, headers, body = get(launched["url"] + "/login")
    xsrf_flags = next(c for c in headers.get_all("Set-Cookie") if c.startswith("_xsrf="))
    xsrf = xsrf_flags.split(";")[0]
    form = urllib.parse.urlencode({"username": EDITOR, "password": PASSWORD,
                                   "_xsrf": xsrf.split("=", 1)[1]}).encode()
    request = urllib.request.Request(launched["url"] + "/login?next=%2F%3Fpage%3Ddata", data=form,
                                     headers={"Cookie": xsrf})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=60)
        raise AssertionError("the sign-in did not redirect")
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read()
        user = next(c for c in answer.headers.get_all("Set-Cookie") if c.startswith("user="))
    assert "HttpOnly" in user and "SameSite=Lax" in user
    assert "httponly" in xsrf_flags.lower() and "samesite=lax" in xsrf_flags.lower()
    return user.split(";")[0]


def sign_out(launched, cookie: str) -> None:
    status, headers, body = get(launched["url"] + "/logout", {"Cookie": cookie})
    assert status == 200 and b'method="post"' in body
    xsrf = next(c for c in headers.get_all("Set-Cookie") if c.startswith("_xsrf=")).split(";")[0]
    form = urllib.parse.urlencode({"_xsrf": xsrf.split("=", 1)[1]}).encode()
    request = urllib.request.Request(launched["url"] + "/logout", data=form,
                                     headers={"Cookie": f"{cookie}; {xsrf}"})
    try:
        urllib.request.urlopen(request, timeout=60)
    except urllib.error.HTTPError as answer:  # the redirect target, the app, answers 200
        raise AssertionError(answer.read()) from None


def test_the_sign_in_cookie_never_reaches_the_page(launched):
    cookie = sign_in(launched)
    value = cookie.split("=", 1)[1].strip('"')
    token = page_token(launched, cookie)
    payload = get_token_payload(token)
    assert "user" not in payload.get("cookies", {})
    assert "Cookie" not in payload.get("headers", {})
    _status, _headers, body = get(launched["url"] + "/?page=data", {"Cookie": cookie})
    assert value not in body.decode("utf-8") and value not in str(payload)


def test_logout_ends_the_sign_in_in_the_shared_database(launched, monkeypatch):
    """The sign-out is written where every process and machine looks; the browser test
    (tests/ui/test_served_app.py) replays the cookie against the page itself."""
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{launched['db']}")
    monkeypatch.setenv(auth.EDITORS_FILE_ENV, str(launched["db"].parent / "editors.json"))
    cookie = sign_in(launched)
    value = cookie.split("=", 1)[1].strip('"')
    assert auth.signed_user(value, COOKIE_SECRET) == EDITOR
    sign_out(launched, cookie)
    assert auth.signin_from_cookie(value, COOKIE_SECRET) is None


# ------------------------------------------------------------------ what a session's document carries


async def open_document(launched, path: str):
    """(websocket, JSON text, binary buffers) of the document the page at `path` receives on its
    websocket, pulled as Bokeh's page does (PULL-DOC-REQ after the server's ACK); the websocket,
    and so the session, stays open."""
    _status, _headers, body = get(launched["url"] + path)
    token = re.search(r'"token":\s*"([^"]+)"', body.decode("utf-8")).group(1)
    # BokehJS opens the websocket with the page's query: a session built there reads it.
    request = HTTPRequest(f"ws://127.0.0.1:{launched['port']}/ws?{urllib.parse.urlsplit(path).query}",
                          headers={"Origin": f"http://localhost:{launched['port']}"})
    connection = await websocket_connect(request, subprotocols=["bokeh", token])

    async def message():
        header = json.loads(await connection.read_message())
        _metadata, content = await connection.read_message(), await connection.read_message()
        buffers = []
        for _ in range(header.get("num_buffers", 0)):
            await connection.read_message()  # the buffer's header, then the buffer
            buffers.append(await connection.read_message())
        return header["msgtype"], content, buffers

    assert (await message())[0] == "ACK"
    for part in ({"msgid": "1", "msgtype": "PULL-DOC-REQ"}, {}, {}):
        await connection.write_message(json.dumps(part))
    while True:
        kind, content, buffers = await message()
        if kind == "PULL-DOC-REPLY":
            return connection, content, buffers


def pull_document(launched, path: str) -> tuple[str, list[bytes]]:
    """The JSON text and binary buffers of the document the page at `path` receives (`open_document`)."""

    async def pull():
        connection, content, buffers = await open_document(launched, path)
        connection.close()
        return content, buffers

    return asyncio.run(asyncio.wait_for(pull(), 120))


def document_objects(content: str, name: str) -> list[dict]:
    """Every model called `name`, as serialized (a model's attributes appear where it first does)."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            if value.get("name") == name and "attributes" in value:
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(content))
    return found


def test_served_models_link_one_loading_stylesheet_instead_of_each_carrying_it(launched):
    content, _buffers = pull_document(launched, COMMUNE_MAP_PAGE)
    inline = server.panel_loading_css()
    assert ":host(.pn-loading)" in inline
    assert ":host(.pn-loading)" not in content and json.dumps(inline) not in content
    linked = [sheet["attributes"]["url"] for sheet in document_objects(content, "ImportedStyleSheet")]
    assert linked.count(server.loading_stylesheet_url()) == 1  # one model, referenced by every other
    status, headers, css = get(launched["url"] + server.loading_stylesheet_url())
    assert status == 200 and css.decode("utf-8") == inline
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]


@pytest.mark.parametrize("path, map_id", [(COMMUNE_MAP_PAGE, "hn_communes_2025"), ("/?page=map", "hn_districts_2014")])
def test_the_document_names_the_shapes_file_and_carries_no_coordinate(launched, path, map_id):
    content, buffers = pull_document(launched, path)
    transforms = [t["attributes"]["args"] for t in document_objects(content, "CustomJSTransform")]
    urls = {dict(args["entries"])["url"] for args in transforms}
    assert urls == {f"{server.ASSETS_ROUTE}/shapes/{map_id}.bin?v={shapes_version(map_id)}"}
    for source in document_objects(content, "ColumnDataSource"):
        columns = dict(source["attributes"]["data"].get("entries", []))
        for axis in ("x", "y"):
            assert columns.get(axis, []) == [], "coordinates in the document"
    # Before, the 126-unit map alone sent 43 KB of coordinate buffers.
    assert sum(len(buffer) for buffer in buffers) < 8_000


@pytest.mark.parametrize("map_id", ["hn_districts_2014", "hn_communes_2025"])
def test_the_shapes_file_is_gzipped_and_kept_by_the_browser_for_a_year(launched, map_id):
    url = f"{launched['url']}{server.ASSETS_ROUTE}/shapes/{map_id}.bin"
    status, headers, body = get(f"{url}?v={shapes_version(map_id)}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == shapes_file(map_id) and len(body) < len(shapes_file(map_id))
    assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    assert headers["Content-Type"] == "application/octet-stream" and "Accept-Encoding" in headers["Vary"]
    # An old page asking for another version gets today's file, and must not keep it.
    status, headers, body = get(f"{url}?v=0123456789ab")
    assert status == 200 and body == shapes_file(map_id) and headers["Cache-Control"] == "no-cache"
    assert "Content-Encoding" not in headers
    assert launched["process"].poll() is None
    assert "Traceback" not in launched["log"].read_text(errors="replace")


def loading_sheets(model) -> list:
    """The loading-spinner entries of a Panel model's stylesheets: inline text or a linked sheet."""
    return [sheet for sheet in model.stylesheets
            if (isinstance(sheet, str) and ":host(.pn-loading)" in sheet)
            or getattr(sheet, "url", "").startswith(f"{server.ASSETS_ROUTE}/{server.LOADING_STYLESHEET_NAME}")]


def test_outside_a_served_session_panel_keeps_its_inline_spinner_css(monkeypatch):
    import panel as pn
    import panel.reactive
    from bokeh.document import Document

    monkeypatch.setattr(panel.reactive, "loading_css", panel.reactive.loading_css)  # undone after the test
    server.link_loading_stylesheet()
    notebook = loading_sheets(pn.pane.Markdown("x").get_root(Document()))
    assert len(notebook) == 1 and isinstance(notebook[0], str)  # a notebook or an exported copy
    monkeypatch.setattr(server, "links_assets", lambda: True)  # as in a session of the launcher
    served = loading_sheets(pn.pane.Markdown("x").get_root(Document()))
    assert [sheet.url for sheet in served] == [server.loading_stylesheet_url()]


def test_one_kept_session_per_route_renders_the_pages_html():
    """`--reuse-sessions` with a key of the route alone: no query or cookie can add kept sessions."""
    from tornado.httputil import HTTPHeaders, HTTPServerRequest

    assert "--reuse-sessions" in server.panel_arguments(parse())

    def request(uri: str, cookie: str = "") -> HTTPServerRequest:
        return HTTPServerRequest(method="GET", uri=uri, headers=HTTPHeaders({"Cookie": cookie} if cookie else {}))

    keys = {server.reused_session_key(request(uri, cookie)) for uri, cookie in [
        ("/?page=map", ""), ("/?page=overview&lang=en", "user=x"), ("/?theme=dark", ""), ("/?theme=" + "x" * 99, "")]}
    assert keys == {"/"}
    assert server.reused_session_key(request("/app?page=map")) == "/app"


def test_served_sessions_skip_bokehs_checks_which_the_tests_make(monkeypatch):
    # 18 ms of every map-page session; tests/test_shell_pages.py makes the checks of every page.
    from bokeh.application import Application
    from bokeh.application.handlers import FunctionHandler
    from bokeh.settings import settings

    validated = []
    monkeypatch.setattr(Document, "validate", lambda document: validated.append(document))
    application = Application(FunctionHandler(lambda document: None))
    application.initialize_document(Document())
    assert len(validated) == 1  # Bokeh's default
    try:
        server.skip_session_checks()
        application.initialize_document(Document())
        assert not settings.perform_error_diagnostics()
    finally:
        settings.perform_document_validation.unset_value()
        settings.perform_error_diagnostics.unset_value()
    assert len(validated) == 1


def test_the_browser_functions_are_linked_files_and_the_document_carries_only_their_calls(launched):
    _status, _headers, body = get(launched["url"] + "/?page=map")
    page = body.decode("utf-8")
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    for name, url in server.browser_script_urls().items():
        linked = [src for src in scripts if src.lstrip("/") == url.lstrip("/")]
        assert linked, f"{name} is not linked"
        # Before Bokeh's models run, which call them.
        assert scripts.index(linked[0]) < scripts.index(next(src for src in scripts if "panel.min.js" in src))
        status, headers, text = get(launched["url"] + url)
        assert status == 200 and text.decode("utf-8") == (server.ASSETS_DIR / f"{name}.js").read_text(encoding="utf-8")
        assert "immutable" in headers["Cache-Control"]
    content, _buffers = pull_document(launched, "/?page=map")
    assert "function framesOf" not in content and "function escapeHtml" not in content
    assert "window.hanoiDashboard.pageCallback(" in content and "window.hanoiDashboard.unpackShapes(" in content
    assert "new Function" not in content  # nothing is defined from the document


def test_the_neighbour_frames_route_answers_the_views_of_its_data_and_nothing_else(launched, dashboard_data):
    offered = offered_indicators(dashboard_data, "vi")
    query = neighbours_query(dashboard_data, "key_leader_female", 2024, "vi", False, offered)
    status, headers, body = get(f"{launched['url']}{server.NEIGHBOURS_URL}?{query}")
    assert status == 200 and headers["Content-Type"] == "application/octet-stream"
    assert "immutable" in headers["Cache-Control"]  # the data version is in the query
    near = json.loads(zlib.decompress(body).decode("utf-8"))
    assert set(near["frames"]) <= set(offered) and "gender_officers" in near["frames"]
    for wrong in (query.replace("indicator=key_leader_female", "indicator=..%2Fsecret"),
                  query.replace("year=2024", "year=-1"), f"v={dashboard_data.version}", f"v={dashboard_data.version}&"
                  + "offered=" + "x" * 5000):
        status, _headers, _body = get(f"{launched['url']}{server.NEIGHBOURS_URL}?{wrong}")
        assert status == 404, wrong
    # Frames of data this process does not hold (older, or newer than its database): none, no error.
    for version in (dashboard_data.version - 1, dashboard_data.version + 1, "x"):
        other = query.replace(f"v={dashboard_data.version}", f"v={version}")
        status, headers, body = get(f"{launched['url']}{server.NEIGHBOURS_URL}?{other}")
        assert (status, body, headers["Cache-Control"]) == (204, b"", "no-store"), version


def test_the_browser_keeps_the_icon_it_asks_for_at_every_change_of_the_pages_url(launched):
    status, headers, body = get(launched["url"] + "/favicon.ico")
    assert status == 200 and len(body) > 1000
    assert headers["Cache-Control"] == f"public, max-age={server.ICON_MAX_AGE_S}"
    # Nothing else is kept that was not before.
    assert "max-age" not in get(launched["url"] + "/liveness")[1].get("Cache-Control", "")


def test_a_page_of_the_app_opens_its_websocket_first_thing_and_other_pages_are_left_alone():
    page = (b'<!DOCTYPE html><html><head><title>x</title><script src="static/js/bokeh.min.js"></script></head><body>'
            b'<script>const render_items = [{"token":"eyJ0b2tlbiI6IDF9.sig-_","roots":{}}];</script></body></html>')
    changed = server.with_early_socket(page)
    script = server.early_socket_script() + b'("eyJ0b2tlbiI6IDF9.sig-_");'
    assert changed == page.replace(b"<head>", b"<head><script>" + script + b"</script>", 1)
    assert changed.index(script) < changed.index(b"bokeh.min.js")
    login = b"<html><head></head><body><form method=post></form></body></html>"
    assert server.with_early_socket(login) == login
    # A token that is not the embed script's, say in a query string echoed into a page, is not used.
    assert server.with_early_socket(page.replace(b"const render_items = ", b"")) == page.replace(
        b"const render_items = ", b"")


def test_the_early_socket_page_is_sent_with_its_own_length(launched):
    status, headers, body = get(launched["url"] + "/?page=map")
    assert status == 200 and int(headers["Content-Length"]) == len(body)
    assert body.index(server.early_socket_script()) < body.index(b"bokeh.min.js")
    status, headers, body = get(launched["url"] + "/?page=map", {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and int(headers["Content-Length"]) == len(body)
    assert server.early_socket_script() in gzip.decompress(body)


PANEL_HEAD = (b'<html><head><script type="esms-options">{"shimMode": true}</script>'
              b'<script type="text/javascript" src="static/js/bokeh.min.js"></script>'
              b'<script type="text/javascript" src="static/extensions/panel/panel.min.js"></script>\n'
              b'<script type="text/javascript">\n  Bokeh.set_log_level("info");\n</script>  </head>')


def test_a_head_whose_scripts_can_wait_is_deferred_and_any_other_is_left_as_it_is():
    page = PANEL_HEAD + b"<body><div>x</div></body></html>"
    deferred = server.with_deferred_scripts(page)
    assert deferred.count(b"<script defer ") == 2 and b'<script type="text/javascript" src=' not in deferred
    # Panel's one inline call into BokehJS waits until the deferred files have run.
    assert b'addEventListener("DOMContentLoaded", () => { Bokeh.set_log_level("info"); }' in deferred
    assert deferred.endswith(b"<body><div>x</div></body></html>")
    # An inline script that may need the files as soon as it is parsed: nothing is deferred.
    other = page.replace(b"</head>", b'<script type="text/javascript">Bokeh.foo()</script></head>')
    assert server.with_deferred_scripts(other) == other


def test_the_map_page_carries_its_first_view_and_defers_its_scripts_and_other_pages_do_not(launched,
                                                                                           dashboard_data):
    status, _headers, body = get(launched["url"] + "/?page=map&indicator=women_district_council_pct&year=2021&lang=en")
    assert status == 200
    picture = body.index(b'<div id="first-view"')
    assert body.index(b"<body") < picture < body.index(b"render_items")
    # The state of the URL: its indicator and period, in its language.
    name = dashboard_data.indicator("women_district_council_pct").short_name["en"]
    caption = re.search(rb'<div class="first-view-caption">([^<]+)</div>', body).group(1).decode()
    assert caption == f"{html.escape(name)} · 2021–2026"
    assert body.index(server.early_socket_script()) < body.index(b"<script defer")
    assert b'<script type="text/javascript" src=' not in body
    for path in ("/", "/?page=overview", "/?page=map&view=table", "/?page=map&mode=present"):
        status, _headers, body = get(launched["url"] + path)
        assert status == 200 and b"first-view" not in body and b"<script defer" not in body, path


def test_a_page_without_data_still_comes_without_a_first_view(monkeypatch, caplog):
    from dashboard import data

    def unreachable():
        raise OSError("database down")

    monkeypatch.setattr(data, "get_data", unreachable)
    page = (b'<html><head></head><body><script>const render_items = [{"token":"eyJ0b2tlbiI6IDF9.sig-_"'
            b',"roots":{}}];</script></body></html>')
    assert server.with_first_view(page, "page=map") == page
    assert "no first view" in caplog.text


def test_a_page_shows_the_address_of_what_it_shows_in_place_of_values_it_drops(monkeypatch, dashboard_data):
    from dashboard import data
    from dashboard.shell import read_query

    monkeypatch.setattr(data, "get_data", lambda: dashboard_data)
    page = b'<html><head><title>x</title></head><body></body></html>'
    fixed = server.with_address_shown(page, "page=map&indicator=bogus&year=abc&lang=xx&gap=maybe&utm=%3C%2Fscript%3E")
    script = re.fullmatch(rb"<html><head><script>(.*)</script><title>x</title></head><body></body></html>", fixed, re.S)
    assert script is not None and b"history.replaceState" in script.group(1)  # in place: Back does not return
    shown = json.loads(re.search(rb'location\.pathname \+ ("[^"]*")', fixed).group(1))
    query = read_query(shown)
    assert query["page"] == "map" and query["lang"] == "vi" and query["gap"] == "false"
    assert query["indicator"] in dashboard_data.catalogue and query["year"].isdigit()
    assert query["utm"] == "</script>" and b"</script><title>" in fixed and fixed.count(b"</script>") == 1
    # An address that says what the page shows stays as it is.
    assert server.with_address_shown(page, shown.lstrip("?")) == page


def test_a_download_link_answers_with_the_file_of_the_view_its_query_shows(launched):
    query = "page=map&indicator=women_district_council_pct&year=2013&unit=271&lang=en&gap=false"
    status, headers, body = get(f"{launched['url']}{server.DOWNLOAD_ROUTE}/chart?{query}", timeout=120)
    assert status == 200 and body.startswith(b"\x89PNG\r\n\x1a\n")
    assert headers["Content-Type"] == "image/png"
    # 2013 lies in the 2011–2016 term, which the page shows for it.
    assert headers["Content-Disposition"] == 'attachment; filename="women_district_council_pct_2011_chart_en.png"'
    assert headers["Cache-Control"] == "no-store"
    status, headers, body = get(f"{launched['url']}{server.DOWNLOAD_ROUTE}/html?page=district&unit=271", timeout=120)
    assert status == 200 and body.startswith(b"<!DOCTYPE html>")
    assert headers["Content-Disposition"] == 'attachment; filename="district_271_vi.html"'


@pytest.mark.parametrize("path", [
    "/map?page=overview",  # the overview offers its deck and copy only
    "/html?page=district",  # a district profile copy needs a district
    "/deck?page=methods",
    "/map?page=data",  # data entry offers no file
    "/nope?page=map",
])
def test_a_download_a_page_does_not_offer_is_not_found(launched, path):
    status, _headers, _body = get(f"{launched['url']}{server.DOWNLOAD_ROUTE}{path}")
    assert status == 404


def test_a_malformed_download_query_gets_the_files_of_the_pages_defaults(launched):
    query = urllib.parse.urlencode({"page": "map", "indicator": "<script>", "year": "abc", "lang": "xx",
                                    "unit": "99999", "gap": "maybe"})
    status, headers, body = get(f"{launched['url']}{server.DOWNLOAD_ROUTE}/map?{query}", timeout=120)
    assert status == 200 and body.startswith(b"\x89PNG")
    assert headers["Content-Disposition"] == 'attachment; filename="women_district_council_pct_2016_map_vi.png"'
