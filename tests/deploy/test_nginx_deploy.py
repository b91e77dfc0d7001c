"""The deploy/ front server on loopback: Debian's nginx with the site rendered from deploy/, a
self-signed certificate, two dashboard processes and the test PostgreSQL as their shared store.

Through nginx, over HTTPS, Chromium loads the map (JavaScript and CSS gzip-compressed), an
editor signs in and imports a workbook on instance A, and a map already open on instance B
shows the new figure. Which instance serves a browser is pinned the way nginx pins it for
everybody: the `hanoi_route` cookie names the instance by its number in the rendered site.
A browser without that cookie gets one from its first page, and its websocket follows it.

Every process (nginx, both dashboards) starts in a process group of its own, and the whole
group is ended at teardown.
"""

from __future__ import annotations

import http.client
import io
import os
import pwd
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
NGINX = "/usr/sbin/nginx"
LOAD_TIMEOUT_MS = 90_000
# Sessions check the data version every 5 s; leave room for the redraw on a busy machine.
LIVE_TIMEOUT_MS = 15_000
COOKIE_SECRET = "deploy-test-cookie-secret"
# Both instances sign Bokeh session ids with one secret (at least 32 bytes), as in production.
SESSION_SECRET = "deploy-test-session-secret-of-at-least-32-bytes"
EDITOR, PASSWORD = "can.bo.trien.khai", "mật khẩu triển khai"
DB_NAME, DB_ROLE, DB_PASSWORD = "deploy_dashboard", "deploy_dashboard", "mật khẩu @/:? CSDL"
INDICATOR, YEAR, DISTRICT = "women_district_council_pct", 2021, "271"  # Ba Vì
MAP_PATH = f"/?page=map&indicator={INDICATOR}&year={YEAR}&district={DISTRICT}"
ROUTE_COOKIE = "hanoi_route"

pytestmark = [pytest.mark.ui, pytest.mark.deploy]

_IDLE = """() => window.Bokeh && Bokeh.documents && Bokeh.documents.length > 0
  && Bokeh.documents[0].is_idle !== false"""


def dashboard_serve_command(port: int, public_host: str) -> list[str]:
    """How one dashboard process behind nginx is started: `make run`'s launcher (`python -m
    dashboard serve`), bound to loopback, accepting websockets from the public host only,
    trusting nginx's X-Forwarded-* headers. The systemd unit runs the same."""
    return [
        sys.executable, "-m", "dashboard", "serve",
        "--port", str(port), "--address", "127.0.0.1",
        "--hosts", public_host,
        "--trust-proxy",
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_group(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start `cmd` in a new session (its own process group), output to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})}, start_new_session=True)


def stop_group(proc: subprocess.Popen) -> None:
    """End the process group of `proc`: TERM, then KILL what is left after 10 s."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                proc.wait(timeout=5)
                return
            proc.poll()
            time.sleep(0.1)
    proc.wait(timeout=5)


UNVERIFIED_TLS = ssl._create_unverified_context()  # the test's own self-signed certificate


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(urllib.request.HTTPSHandler(context=UNVERIFIED_TLS), NoRedirect())


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, dict, bytes]:
    """(status, headers with lower-case names, body) without following redirects."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def wait_ok(url: str, procs: list[subprocess.Popen], timeout: float, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                text = "\n".join(f"--- {log} ---\n{log.read_text(errors='replace')}" for log in logs)
                raise RuntimeError(f"{proc.args[:3]} exited with {proc.returncode}\n{text}")
        try:
            if fetch(url, timeout=5)[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    text = "\n".join(f"--- {log} ---\n{log.read_text(errors='replace')}" for log in logs)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s\n{text}")


@dataclass
class Deployment:
    base: str  # https://localhost:PORT, through nginx
    http_base: str  # http://localhost:PORT, the redirecting server
    instance_ports: list[int]
    access_log: Path
    instance_logs: list[Path]
    procs: list[subprocess.Popen] = field(default_factory=list)

    def access_lines(self) -> list[str]:
        return self.access_log.read_text(errors="replace").splitlines()


def filled_template(path: Path, numerator: int, denominator: int) -> Path:
    """The 2021 template with Ba Vì's women deputies and seats, as an officer fills it in."""
    from dashboard.importer import build_template

    book = openpyxl.load_workbook(io.BytesIO(build_template(YEAR)))
    sheet = book.worksheets[0]
    keys = [cell.value for cell in sheet[2]]
    rows = {sheet.cell(row, 1).value: row for row in range(3, 33)}
    sheet.cell(rows[DISTRICT], keys.index(f"{INDICATOR}.numerator") + 1, numerator)
    sheet.cell(rows[DISTRICT], keys.index(f"{INDICATOR}.denominator") + 1, denominator)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, postgres_server):
    """nginx (deploy/ site, self-signed TLS) -> two dashboard processes -> one PostgreSQL."""
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} not found: install Debian's nginx (`make test` does this with apt-get)")
    root = tmp_path_factory.mktemp("deploy")

    # The shared store, made by deploy/postgres-setup.sh against the test cluster.
    password = urllib.parse.quote(DB_PASSWORD, safe="")
    database_url = (f"postgresql+psycopg://{DB_ROLE}:{password}@/{DB_NAME}"
                    f"?host={postgres_server['host']}&port={postgres_server['port']}")
    setup = subprocess.run(
        [str(DEPLOY / "postgres-setup.sh")], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DASHBOARD_DB_PASSWORD": DB_PASSWORD, "DASHBOARD_DB_NAME": DB_NAME,
             "DASHBOARD_DB_ROLE": DB_ROLE, "DASHBOARD_DB_URL": database_url, "PYTHON": sys.executable,
             "PSQL": f"psql -h {postgres_server['host']} -p {postgres_server['port']} -U postgres"},
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr

    editors = root / "editors.json"
    added = subprocess.run([sys.executable, "-m", "dashboard", "add-editor", EDITOR, "--password-stdin",
                            "--file", str(editors)], input=PASSWORD + "\n", cwd=REPO_ROOT,
                           capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr

    certificate, key = root / "localhost.pem", root / "localhost.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True, timeout=60)

    https_port, http_port = free_port(), free_port()
    public_host = f"localhost:{https_port}"
    env = {"DASHBOARD_DB_URL": database_url, "DASHBOARD_EDITORS_FILE": str(editors),
           "DASHBOARD_COOKIE_SECRET": COOKIE_SECRET, "DASHBOARD_SESSION_SECRET": SESSION_SECRET}
    ports = [free_port(), free_port()]
    logs = [root / f"dashboard-{port}.log" for port in ports]
    nginx_dir = root / "nginx"
    access_log = nginx_dir / "access.log"
    deployment = Deployment(f"https://localhost:{https_port}", f"http://localhost:{http_port}", ports,
                            access_log, logs)
    try:
        for port, log in zip(ports, logs):
            deployment.procs.append(start_group(dashboard_serve_command(port, public_host), log, env))

        rendered = subprocess.run(
            [sys.executable, str(DEPLOY / "render_nginx.py"), "--server-name", "localhost",
             *[arg for port in ports for arg in ("--instance", f"127.0.0.1:{port}")],
             "--certificate", str(certificate), "--certificate-key", str(key),
             "--https-listen", f"127.0.0.1:{https_port}", "--http-listen", f"127.0.0.1:{http_port}",
             "--standalone", str(nginx_dir), "--user", pwd.getpwuid(os.geteuid()).pw_name],
            capture_output=True, text=True, timeout=60)
        assert rendered.returncode == 0, rendered.stderr
        nginx_log = root / "nginx.out"
        deployment.procs.append(start_group(
            [NGINX, "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf"), "-e", str(nginx_dir / "error.log"),
             "-g", "daemon off;"], nginx_log))
        all_logs = [*logs, nginx_log, nginx_dir / "error.log"]
        for port in ports:
            wait_ok(f"http://127.0.0.1:{port}/liveness", deployment.procs, 120, all_logs)
        wait_ok(f"{deployment.base}/liveness", deployment.procs, 30, all_logs)
        # One throw-away page per instance loads its process-wide data, so timed pages do not pay.
        for number in (1, 2):
            status, _headers, _body = fetch(f"{deployment.base}/?page=data",
                                            headers={"Cookie": f"{ROUTE_COOKIE}={number}"}, timeout=180)
            assert status == 200
        yield deployment
    finally:
        for proc in reversed(deployment.procs):
            stop_group(proc)


def new_context(browser, deployment: Deployment, route: int | None):
    """A browser context that trusts the self-signed certificate, pinned to instance `route`."""
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    if route is not None:
        context.add_cookies([{"name": ROUTE_COOKIE, "value": str(route), "url": deployment.base}])
    return context


def watch(page, errors: list[str], offsite: list[str]) -> None:
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: offsite.append(request.url)
            if not request.url.startswith(("https://localhost:", "data:", "blob:")) else None)


def open_path(page, deployment: Deployment, path: str):
    page.goto(deployment.base + path, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(_IDLE, timeout=LOAD_TIMEOUT_MS)
    return page


WEBSOCKET_LINE = re.compile(r'"GET /(?:app/)?ws(?:\?\S*)? HTTP/[\d.]+" (\d+) .*upstream=(\S+) route=(\S+)')


def websockets(deployment: Deployment, routes: set[str], since: int = 0,
               timeout: float = 15) -> list[tuple[str, str, str]]:
    """(status, instance address, route cookie) of each websocket in the access log after
    line `since`, once websockets with every route in `routes` are there. nginx logs a
    websocket when it closes: close the pages first."""
    deadline = time.monotonic() + timeout
    while True:
        found = [match.groups() for line in deployment.access_lines()[since:]
                 if (match := WEBSOCKET_LINE.search(line))]
        if routes <= {route for _status, _upstream, route in found} or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_import_on_instance_a_reaches_a_map_served_by_instance_b(deployment, browser, tmp_path):
    errors: list[str] = []
    offsite: list[str] = []
    port_a, port_b = deployment.instance_ports

    # B: a map already open, served by instance 2, before anything is imported.
    context_b = new_context(browser, deployment, route=2)
    map_b = context_b.new_page()
    watch(map_b, errors, offsite)
    static_responses = []
    map_b.on("response", lambda response: static_responses.append(response)
             if "/static/" in response.url and re.search(r"\.(js|css)(\?|$)", response.url) else None)
    document = map_b.goto(deployment.base + MAP_PATH, timeout=LOAD_TIMEOUT_MS)
    map_b.wait_for_function(_IDLE, timeout=LOAD_TIMEOUT_MS)
    card = map_b.locator(".district-card")
    expect(card.locator(".card-title")).to_have_text("Huyện Ba Vì", timeout=LOAD_TIMEOUT_MS)
    expect(card).to_contain_text("minh họa")
    expect(card).not_to_contain_text("42,5%")

    # Over HTTPS, with the front server's headers, and Bokeh's/Panel's files compressed.
    assert map_b.url.startswith("https://")
    headers = document.all_headers()
    # The application's own security headers when it sends them, else nginx's; never both.
    assert headers["x-frame-options"] in {"SAMEORIGIN", "DENY"}
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert headers["content-security-policy"].count("default-src") == 1
    assert "hanoi_route=2" in headers["set-cookie"]
    assert static_responses, "no JavaScript or CSS came from /static/"
    encodings = {response.url: response.all_headers().get("content-encoding") for response in static_responses}
    assert "gzip" in encodings.values(), encodings
    big_js = [r for r in static_responses if "bokeh" in r.url and r.url.split("?")[0].endswith(".min.js")]
    assert big_js and all(encodings[r.url] == "gzip" for r in big_js), encodings
    for response in static_responses:
        static_headers = response.all_headers()
        assert static_headers.get("cache-control", "").startswith("public, max-age="), response.url
        assert static_headers.get("x-content-type-options") == "nosniff", response.url

    # A: an editor signs in and imports, on instance 1.
    context_a = new_context(browser, deployment, route=1)
    editor = context_a.new_page()
    watch(editor, errors, offsite)
    editor.goto(f"{deployment.base}/login?next=%2F%3Fpage%3Ddata", timeout=LOAD_TIMEOUT_MS)
    editor.fill("#username", EDITOR)
    editor.fill("#password", PASSWORD)
    editor.click("button[type=submit]")
    # The data page, at the address of what it shows (server.with_address_shown).
    editor.wait_for_url(lambda url: url.startswith(f"{deployment.base}/?page=data"), timeout=LOAD_TIMEOUT_MS)
    editor.wait_for_function(_IDLE, timeout=LOAD_TIMEOUT_MS)
    expect(editor.locator(".data-account")).to_contain_text(f"Đã đăng nhập: {EDITOR}")
    editor.locator(".data-upload input[type=file]").set_input_files(
        filled_template(tmp_path / "bao-cao-2021.xlsx", 17, 40))
    import_button = editor.locator(".data-import button")
    expect(import_button).to_be_enabled()
    started = time.monotonic()
    import_button.click()
    expect(editor.locator(".data-summary")).to_contain_text("Đã nhập 1 giá trị", timeout=60_000)

    # B shows the new official figure without a reload.
    expect(card).to_contain_text("42,5%", timeout=LIVE_TIMEOUT_MS)
    expect(card).to_contain_text("(17/40)")
    expect(card).to_contain_text("chính thức")
    print(f"map on instance B updated {time.monotonic() - started:.1f} s after the import on A")

    # Each browser's websocket reached the instance its route names, and only that one.
    context_a.close()
    context_b.close()
    # The second browser's copies of Bokeh's files came from nginx's cache, not an instance.
    hits = [line for line in deployment.access_lines() if "/static/js/bokeh" in line and "cache=HIT" in line]
    assert hits, "no static file was served from nginx's cache"
    sockets = websockets(deployment, {"1", "2"})
    assert {status for status, _upstream, _route in sockets} == {"101"}, sockets
    assert {upstream for _status, upstream, route in sockets if route == "1"} == {f"127.0.0.1:{port_a}"}
    assert {upstream for _status, upstream, route in sockets if route == "2"} == {f"127.0.0.1:{port_b}"}
    assert offsite == [], offsite
    assert errors == [], errors


def test_a_new_browser_is_given_a_route_and_its_websocket_follows_it(deployment, browser):
    context = new_context(browser, deployment, route=None)
    before = len(deployment.access_lines())
    page = context.new_page()
    errors: list[str] = []
    offsite: list[str] = []
    watch(page, errors, offsite)
    marker = "sticky-check"
    open_path(page, deployment, f"/?page=overview&lang=en&x={marker}")
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    route = cookies[ROUTE_COOKIE]
    assert route["value"] in {"1", "2"}
    assert route["httpOnly"] and route["secure"]
    served = [line for line in deployment.access_lines() if f"x={marker}" in line]
    assert len(served) == 1 and " 200 " in served[0], served
    document_upstream = re.search(r"upstream=(\S+)", served[0]).group(1)
    assert document_upstream == f"127.0.0.1:{deployment.instance_ports[int(route['value']) - 1]}"
    # The page's websocket carried the cookie nginx set, so it reached the same process.
    context.close()
    sockets = websockets(deployment, {route["value"]}, since=before)
    assert sockets and sockets == [("101", document_upstream, route["value"])] * len(sockets), sockets
    assert offsite == [], offsite
    assert errors == [], errors


def test_components_are_never_forwarded_and_http_redirects_to_https(deployment):
    for path in ("/components/this/x", "/%63omponents/this/x", "//components/this/x",
                 "/components/venv.__main__/X/__css__/y"):
        status, _headers, _body = fetch(deployment.base + path)
        assert status == 404, path
    # nginx answered those itself: neither instance saw them.
    for log in deployment.instance_logs:
        assert "Beautiful is better than ugly" not in log.read_text(errors="replace")
    assert not [line for line in deployment.access_lines() if "components" in line and "upstream=-" not in line]

    status, headers, _body = fetch(f"{deployment.http_base}/?page=map&lang=en")
    assert status == 301
    assert headers["location"] == f"{deployment.base}/?page=map&lang=en"
    # Both processes are still up.
    for port in deployment.instance_ports:
        assert fetch(f"http://127.0.0.1:{port}/liveness")[0] == 200


def test_a_download_link_reaches_an_instance_through_nginx(deployment):
    status, headers, body = fetch(f"{deployment.base}/download/chart?page=map&indicator=women_district_council_pct"
                                  "&year=2016&lang=en", timeout=120)
    assert status == 200 and body.startswith(b"\x89PNG")
    assert headers["content-disposition"] == 'attachment; filename="women_district_council_pct_2016_chart_en.png"'


def test_sign_in_attempts_beyond_the_burst_are_refused_by_nginx(deployment):
    """Last: it spends this address's /login allowance (10 a minute, burst 5)."""
    statuses = [fetch(f"{deployment.base}/login")[0] for _ in range(12)]
    assert set(statuses) <= {200, 429}, statuses
    assert statuses.count(429) >= 12 - 6, statuses
    assert statuses[-1] == 429
