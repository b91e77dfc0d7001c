"""The served app over plain HTTP: entry URLs answer directly, resources are local, health ok;
and, through the launcher (`make run`), in a browser: within the CSP, the stylesheet loaded once,
the editor sign-in across processes and a cookie replayed after logout."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

LOCAL_HOSTS = {"localhost", "127.0.0.1"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # surface 3xx as HTTPError instead of following it


_opener = urllib.request.build_opener(_NoRedirect)


@lru_cache(maxsize=None)
def fetch(url: str, timeout: float = 60) -> tuple[int, dict, bytes]:
    """GET `url` without following redirects: (status, headers, body); cached per URL."""
    try:
        with _opener.open(url, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.parametrize("path", ["/", "/app?lang=en"])
def test_entry_urls_answer_without_redirect(served_app_url, path):
    status, headers, body = fetch(served_app_url + path)
    assert status == 200, f"{path}: HTTP {status} (Location: {headers.get('Location')})"
    html = body.decode("utf-8")
    assert "<title>Bình đẳng giới Hà Nội / Hà Nội gender equality</title>" in html
    assert "Bokeh" in html


def test_page_references_only_its_own_host(served_app_url):
    status, _headers, body = fetch(served_app_url + "/")
    assert status == 200
    html = body.decode("utf-8")
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts, "no script resources found in the page"
    for ref in references:
        host = urlsplit(urljoin(served_app_url + "/", ref)).hostname
        assert host in LOCAL_HOSTS, f"resource from another host: {ref}"
    for src in scripts:
        status, _headers, _body = fetch(urljoin(served_app_url + "/", src))
        assert status == 200, f"{src}: HTTP {status}"


def test_liveness(served_app_url):
    status, _headers, body = fetch(served_app_url + "/liveness", timeout=10)
    assert status == 200
    health = json.loads(body)
    assert health and all(health.values()), health


def test_unknown_path_is_not_found(served_app_url):
    status, _headers, _body = fetch(served_app_url + "/no-such-page", timeout=10)
    assert status == 404


# ---------------------------------------------------------------- through the launcher (make run)

LAUNCH_TIMEOUT_S = 120
EDITOR, PASSWORD = "can.bo.so.lieu", "mật khẩu thử nghiệm"
IDLE = """() => window.Bokeh && Bokeh.documents && Bokeh.documents.length > 0
  && Bokeh.documents[0].is_idle !== false"""


@dataclass
class Launched:
    url: str
    log: Path  # the server's output, Panel's session log included


@pytest.fixture(scope="module")
def launched(tmp_path_factory, seeded_db_url):
    """`python -m dashboard serve --num-procs 2`, as `make run` starts it on a 2-core machine,
    over a private copy of the seeded database, logging Panel's session events; its process
    group is ended at teardown."""
    import os
    import shutil
    import signal
    import socket
    import subprocess
    import sys
    import time

    from dashboard import auth, server

    base = tmp_path_factory.mktemp("launched")
    database = base / "dashboard.sqlite"
    shutil.copyfile(seeded_db_url.removeprefix("sqlite:///"), database)
    editors = base / "editors.json"
    auth.write_editor(EDITOR, PASSWORD, editors, rounds=4)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DASHBOARD_DB_URL": f"sqlite:///{database}",
           auth.EDITORS_FILE_ENV: str(editors), auth.COOKIE_SECRET_ENV: "ui-cookie-secret",
           server.SESSION_SECRET_ENV: "ui-session-secret-long-enough-for-bokeh", "PANEL_LOG_LEVEL": "info"}
    log = base / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--port", str(port), "--num-procs", "2"],
            cwd=Path(__file__).resolve().parents[2], env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + LAUNCH_TIMEOUT_S
    while _no_fetch_errors(f"http://127.0.0.1:{port}/liveness")[0] != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"the launcher did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.5)
    # One throw-away session per process loads the process-wide data.
    for _ in range(2):
        fetch.__wrapped__(f"http://127.0.0.1:{port}/?page=data", timeout=120)
    yield Launched(f"http://localhost:{port}", log)
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def launched_url(launched) -> str:
    return launched.url


def _no_fetch_errors(fetch_url: str, timeout: float = 5):
    try:
        return fetch.__wrapped__(fetch_url, timeout=timeout)
    except OSError:
        return 0, {}, b""


@pytest.mark.parametrize("path", ["/?page=map", "/?page=data&lang=en", "/?page=overview"])
def test_launched_pages_keep_to_the_csp_and_load_the_stylesheet_once(launched_url, page, path):
    errors, requests = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(launched_url + path, timeout=LAUNCH_TIMEOUT_S * 1000)
    page.wait_for_function(IDLE, timeout=LAUNCH_TIMEOUT_S * 1000)
    page.wait_for_timeout(1000)
    assert errors == [], errors  # a CSP violation is a console error
    hosts = {urlsplit(url).hostname for url in requests if urlsplit(url).scheme in ("http", "https")}
    assert hosts <= LOCAL_HOSTS, hosts
    assert not any("/components/" in url for url in requests)
    stylesheets = [url for url in requests if "dashboard.css" in url]
    assert len(stylesheets) == 1, stylesheets
    # The stylesheet applies inside the components' shadow roots too: the header is purple.
    colour = page.locator(".app-header").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(91, 42, 134)"


def test_sign_in_holds_across_processes_and_a_replayed_cookie_after_logout_does_not(
        launched_url, browser):
    editor = browser.new_context()
    page = editor.new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(f"{msg.type}: {msg.text}"))
    page.goto(f"{launched_url}/login?next=%2F%3Fpage%3Ddata", timeout=LAUNCH_TIMEOUT_S * 1000)
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_function(IDLE, timeout=LAUNCH_TIMEOUT_S * 1000)
    cookie = next(c for c in editor.cookies() if c["name"] == "user")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("user=") < 0  # scripts cannot read it
    # Several sessions, spread over both processes, all see the editor's upload.
    for _ in range(3):
        page.goto(f"{launched_url}/?page=data", timeout=LAUNCH_TIMEOUT_S * 1000)
        page.wait_for_function(IDLE, timeout=LAUNCH_TIMEOUT_S * 1000)
        assert page.locator(".data-upload").count() == 1
    # Sign out: the link asks, the button posts.
    page.locator(".data-sign-out").click()
    page.wait_for_url(lambda url: "/logout" in url)
    page.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/logout" not in url and "page=data" in url)
    try:
        page.wait_for_function(IDLE, timeout=LAUNCH_TIMEOUT_S * 1000)
    except Exception as error:
        raise AssertionError(f"{page.url}\n" + "\n".join(messages[-15:])) from error
    assert page.locator(".data-upload").count() == 0
    editor.close()
    # The cookie captured before the sign-out, replayed from another browser: a viewer.
    replay = browser.new_context()
    replay.add_cookies([cookie])
    other = replay.new_page()
    for _ in range(2):
        other.goto(f"{launched_url}/?page=data", timeout=LAUNCH_TIMEOUT_S * 1000)
        other.wait_for_function(IDLE, timeout=LAUNCH_TIMEOUT_S * 1000)
        assert other.locator(".data-sign-in").count() == 1
        assert other.locator(".data-upload, .data-import, .data-rollback").count() == 0
    replay.close()


def documents_built(log: Path) -> int:
    """Session documents the server has built so far (Panel logs each as it starts building it)."""
    return len(re.findall(r"Session \d+ launching", log.read_text(errors="replace")))


def test_a_page_has_its_document_built_once_whichever_process_its_websocket_reaches(launched, browser):
    """A page's GET no longer builds a document: its HTML comes from one session kept per route
    and process, and the viewer's own document is built once, by its websocket. Before, every
    GET built one, and a websocket reaching the other process built a second."""
    built, log_start = documents_built(launched.log), len(launched.log.read_text(errors="replace"))
    # Nobody opens a websocket: at most the route's kept session per process. The kernel picks
    # each connection's process, so GET until both processes have served from their kept session
    # (Panel logs "Session <id> created" with the kept session's id): only then is a viewer's own
    # GET sure to build nothing, whichever process it reaches.
    for _ in range(40):
        status, _headers, _body = fetch.__wrapped__(f"{launched.url}/app?page=overview", timeout=120)
        assert status == 200
        served_by = set(re.findall(r"Session (\d+) created", launched.log.read_text(errors="replace")[log_start:]))
        if len(served_by) >= 2:
            break
    assert len(served_by) == 2
    assert documents_built(launched.log) - built <= 2

    # Each viewer gets the page its own URL asks for, not the kept session's, and one document.
    context = browser.new_context()
    for year in (2019, 2020, 2021):
        built = documents_built(launched.log)
        page = context.new_page()
        page.goto(f"{launched.url}/app?page=map&indicator=key_leader_female&year={year}&lang=en",
                  timeout=LAUNCH_TIMEOUT_S * 1000)
        page.wait_for_function(IDLE, timeout=LAUNCH_TIMEOUT_S * 1000)
        assert page.locator(".period-select select").input_value() == str(year)
        assert page.locator(".nav").first.inner_text().find("Indicator map") >= 0
        assert documents_built(launched.log) - built == 1
        page.close()
    context.close()


# Records each websocket the page constructs, and whether BokehJS was loaded at that moment.
_RECORD_SOCKETS = """
const NativeSocket = window.WebSocket;
window.__sockets = [];
window.WebSocket = function (url, protocols) {
  window.__sockets.push({url: url, bokeh_loaded: window.Bokeh !== undefined});
  return new NativeSocket(url, protocols);
};
window.WebSocket.prototype = NativeSocket.prototype;
for (const state of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[state] = NativeSocket[state];
"""


def test_a_page_opens_its_websocket_before_loading_bokeh_and_bokeh_takes_that_one(launched_url, page):
    """The server builds the viewer's session while the page's scripts load (early_socket.js);
    BokehJS then uses that websocket: one per page, and the page works as before."""
    page.add_init_script(_RECORD_SOCKETS)
    opened = []
    page.on("websocket", lambda ws: opened.append(ws.url))
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(launched_url + "/?page=map&indicator=key_leader_female&year=2019", timeout=LAUNCH_TIMEOUT_S * 1000)
    page.wait_for_function(IDLE, timeout=LAUNCH_TIMEOUT_S * 1000)
    # The address the page shows from the start (server.with_address_shown), query and all.
    shown = page.evaluate("() => location.search")
    assert "indicator=key_leader_female" in shown and "year=2019" in shown
    url = launched_url.replace("http", "ws") + "/ws" + shown
    assert page.evaluate("() => window.__sockets") == [{"url": url, "bokeh_loaded": False}]
    assert opened == [url]
    assert page.locator(".period-select select").input_value() == "2019" and errors == []
