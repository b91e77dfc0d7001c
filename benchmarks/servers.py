"""Start and stop the servers under test, each in its own process group, and read their memory."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
# A fresh server on a busy shared machine can take a minute to import and load its data.
START_TIMEOUT_S = 180
# Seconds given to a process group to exit after SIGTERM before it is killed.
STOP_GRACE_S = 10


@dataclass
class Server:
    """A server process group and the URL of the app it serves."""

    proc: subprocess.Popen
    app_url: str  # e.g. http://127.0.0.1:5006/app; page queries are appended to it
    log_path: Path

    @property
    def origin(self) -> str:
        parts = urlsplit(self.app_url)
        return f"{parts.scheme}://{parts.netloc}"

    def rss_bytes(self) -> int:
        """Resident memory of every process in the server's process group (from /proc)."""
        return group_rss(self.proc.pid)

    def stop(self) -> None:
        stop_group(self.proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dashboard_serve_command(port: int) -> list[str]:
    """The command that serves the dashboard: `make run` itself, so the bench follows the Makefile.

    `make run` seeds the database named by DASHBOARD_DB_URL if it is missing, then serves the
    app exactly as a user's `make run` does; only the port and the address differ.
    """
    return ["make", "-s", "-C", str(REPO_ROOT), "run", f"PORT={port}", "ADDRESS=127.0.0.1",
            f"ALLOW_ORIGIN=127.0.0.1:{port} localhost:{port}"]


def start_dashboard(db_url: str, workdir: Path) -> Server:
    """Serve the dashboard over `db_url` on a free port; returns once it answers /liveness."""
    port = free_port()
    env = clean_env()
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # `make bench`'s own variables stay out of `make run`
        env.pop(name, None)
    env["DASHBOARD_DB_URL"] = db_url
    # A throwaway secret, so the bench never writes data/.cookie_secret into the checkout.
    env["DASHBOARD_COOKIE_SECRET"] = secrets.token_hex(32)
    env["DASHBOARD_EDITORS_FILE"] = str(workdir / "editors.json")
    server = launch(dashboard_serve_command(port), env, workdir / "dashboard-serve.log",
                    f"http://127.0.0.1:{port}/app")
    wait_until_up(server, f"http://127.0.0.1:{port}/liveness")
    return server


def peer_serve_command(peer_dir: Path, python: str, port: int) -> list[str]:
    """The naive Panel peer as its README serves it, from the user's own throwaway venv."""
    return [python, "-m", "panel", "serve", str(peer_dir / "panel_naive_app.py"), "--port", str(port),
            "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}"]


def start_peer(peer_dir: Path, python: str, workdir: Path) -> Server:
    """Start the naive Panel peer in its own process group; returns once its page answers."""
    port = free_port()
    app_url = f"http://127.0.0.1:{port}/panel_naive_app"
    server = launch(peer_serve_command(peer_dir, python, port), clean_env(), workdir / "peer-serve.log",
                    app_url, cwd=peer_dir)
    wait_until_up(server, app_url)
    return server


def clean_env() -> dict[str, str]:
    # Settings of the caller's own Bokeh/Panel sessions must not leak into the servers under test.
    return {k: v for k, v in os.environ.items() if not k.startswith(("BOKEH_", "PANEL_"))}


def launch(cmd: list[str], env: dict, log_path: Path, app_url: str, cwd: Path = REPO_ROOT) -> Server:
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # own process group: stopped and measured as one
    return Server(proc, app_url, log_path)


def wait_until_up(server: Server, url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{server.log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"server did not answer {url} within {START_TIMEOUT_S} s")


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + STOP_GRACE_S
    while group_pids(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=STOP_GRACE_S)


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields[2] is the process group
            pids.append(int(entry))
    return pids


def group_rss(pgid: int) -> int:
    from dashboard.memory import resident_bytes

    return sum(resident_bytes(pid) for pid in group_pids(pgid))
