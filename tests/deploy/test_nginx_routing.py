"""The rendered nginx site's own behaviour, in seconds: Debian's nginx in front of two tiny
HTTP servers that say which one answered (no dashboard, no browser).

Route cookie set by pages only and followed by every later request, failover to the other
instance with the cookie moving along, /components/ never forwarded, the application's own
security headers passing through (nginx's filling in only when it sends none), and the rate
limit on new pages.
"""

from __future__ import annotations

import http.client
import os
import pwd
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"

pytestmark = pytest.mark.deploy


class Instance(BaseHTTPRequestHandler):
    """Answers every GET with its own name; `?xfo=DENY` adds that X-Frame-Options header."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.seen.append(self.path)
        body = self.server.name.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if "xfo=DENY" in self.path:
            self.send_header("X-Frame-Options", "DENY")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def start_instance(name: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Instance)
    server.name, server.seen = name, []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Front:
    def __init__(self, port: int):
        self.port = port
        self.tls = ssl._create_unverified_context()  # the test's own self-signed certificate

    def get(self, path: str, cookie: str | None = None) -> tuple[int, http.client.HTTPMessage, str]:
        connection = http.client.HTTPSConnection("localhost", self.port, context=self.tls, timeout=10)
        try:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()


@pytest.fixture
def front(tmp_path):
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} not found: install Debian's nginx (`make test` does this with apt-get)")
    instances = [start_instance("one"), start_instance("two")]
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True, timeout=60)
    https_port = free_port()
    root = tmp_path / "nginx"
    rendered = subprocess.run(
        [sys.executable, str(REPO_ROOT / "deploy" / "render_nginx.py"), "--server-name", "localhost",
         *[arg for server in instances for arg in ("--instance", f"127.0.0.1:{server.server_address[1]}")],
         "--certificate", str(certificate), "--certificate-key", str(key),
         "--https-listen", f"127.0.0.1:{https_port}", "--http-listen", f"127.0.0.1:{free_port()}",
         "--session-rate", "1r/m", "--session-burst", "3",
         "--standalone", str(root), "--user", pwd.getpwuid(os.geteuid()).pw_name],
        capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    with open(tmp_path / "nginx.out", "wb") as out:
        nginx = subprocess.Popen([NGINX, "-p", str(root), "-c", str(root / "nginx.conf"), "-e",
                                  str(root / "error.log"), "-g", "daemon off;"],
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    front = Front(https_port)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert nginx.poll() is None, (root / "error.log").read_text(errors="replace")
            try:
                front.get("/liveness")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield front, instances
    finally:
        try:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(nginx.pid, signal.SIGKILL)
            nginx.wait()
        for server in instances:
            server.shutdown()
            server.server_close()


def route_of(headers: http.client.HTTPMessage) -> str | None:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("hanoi_route="):
            assert "Secure" in value and "HttpOnly" in value
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def test_a_page_sets_the_route_and_later_requests_follow_it(front):
    front, instances = front
    status, headers, body = front.get("/?page=map")
    assert status == 200
    route = route_of(headers)
    assert route == {"one": "1", "two": "2"}[body]
    # The websocket and everything else go to the same instance; only pages set the cookie.
    for path in ("/ws?page=map", "/logout", "/app/ws"):
        status, headers, again = front.get(path, cookie=f"hanoi_route={route}")
        assert (status, again) == (200, body), path
        assert route_of(headers) is None, path
    other = "2" if route == "1" else "1"
    assert front.get("/ws", cookie=f"hanoi_route={other}")[2] != body
    # An unknown route is balanced like no route at all.
    assert front.get("/ws", cookie="hanoi_route=9")[0] == 200


def test_a_stopped_instance_hands_its_browsers_to_the_other(front):
    front, instances = front
    instances[0].shutdown()
    instances[0].server_close()
    status, headers, body = front.get("/app", cookie="hanoi_route=1")
    assert (status, body) == (200, "two")
    assert route_of(headers) == "2"


def test_components_never_reach_an_instance(front):
    front, instances = front
    for path in ("/components/this/x", "/%63omponents/this/x", "/components"):
        assert front.get(path)[0] == 404, path
    assert not [path for server in instances for path in server.seen if "omponents" in path]


def test_the_applications_security_headers_win_and_nginx_fills_in(front):
    front, instances = front
    _status, headers, _body = front.get("/logout?xfo=DENY")
    assert headers.get_all("X-Frame-Options") == ["DENY"]
    _status, headers, _body = front.get("/logout")
    assert headers.get_all("X-Frame-Options") == ["SAMEORIGIN"]
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "Strict-Transport-Security"):
        assert len(headers.get_all(name) or []) == 1, name
    # Static files: cached by nginx (second answer from its cache) and by browsers.
    first = front.get("/static/js/bokeh.min.js?v=abc")[1]
    second = front.get("/static/js/bokeh.min.js?v=abc")[1]
    assert first["Cache-Control"] == second["Cache-Control"] == "public, max-age=31536000, immutable"
    assert sum(path == "/static/js/bokeh.min.js?v=abc" for server in instances for path in server.seen) == 1
    assert front.get("/static/extensions/panel/x.css")[1]["Cache-Control"] == "public, max-age=86400"


def test_new_pages_beyond_the_burst_are_refused(front):
    front, _instances = front
    statuses = [front.get("/")[0] for _ in range(6)]
    assert statuses[:4] == [200] * 4 and statuses[4:] == [429, 429], statuses
    # Other requests of open pages are not counted.
    assert front.get("/static/js/bokeh.min.js")[0] == 200
