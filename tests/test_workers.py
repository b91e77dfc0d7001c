"""Worker processes start afresh to give memory back: forked and restarted by the launcher,
a grown worker that serves no one stops accepting, drains and is replaced."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import time
from types import SimpleNamespace

import pytest
from panel.tests.util import wait_until

from dashboard import memory, workers
from dashboard.server import recycle_limit_mb
from tests.conftest import group_members, start_server, stop_server
from tests.test_server import document_objects, free_port, get, open_document, parse, pull_document

MB = 2**20
SESSIONS_AT_ONCE = 6


def exited(code: int) -> int:
    """A wait status of a process that exited with `code`."""
    return code << 8


# ------------------------------------------------------------------ the parent: forking and restarting


def test_a_recycled_worker_is_forked_again_at_once_with_its_index():
    forked = iter([101, 102, 0])  # workers 0 and 1, then the fork that returns in the successor
    ended = iter([(101, exited(workers.RECYCLE_EXIT))])
    assert workers.fork_workers(2, fork=lambda: next(forked), wait=lambda: next(ended)) == 0


def test_recycling_never_uses_up_the_crash_restarts():
    many = workers.MAX_CRASH_RESTARTS + 5
    # Two workers, then a successor for each of `many` recycled ones; the last fork is the worker.
    forked = iter([*range(1000, 1000 + 2 + many - 1), 0])
    ended = iter(range(1000, 1000 + many))
    recycled = exited(workers.RECYCLE_EXIT)
    assert workers.fork_workers(2, fork=lambda: next(forked), wait=lambda: (next(ended), recycled)) in (0, 1)
    assert next(forked, None) is None  # every recycled worker had its successor


def test_workers_crashing_again_and_again_end_the_server():
    pids = iter(range(1000, 2000))
    ended = iter(range(1000, 2000))

    with pytest.raises(RuntimeError, match="crashed too often"):
        workers.fork_workers(1, fork=lambda: next(pids), wait=lambda: (next(ended), signal.SIGSEGV))


def test_the_parent_exits_once_every_worker_ended_normally():
    pids = iter([11, 12])
    ended = iter([(12, exited(0)), (99, exited(1)), (11, exited(0))])  # 99: not a worker of ours
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        workers.fork_workers(2, fork=lambda: next(pids), wait=lambda: next(ended))
    assert stopped.value.code == 0
    assert signal.getsignal(signal.SIGTERM) == handler  # the parent's stop handler is gone with it


def test_ctrl_c_tells_the_workers_and_ends_the_parent_quietly(monkeypatch):
    told = []
    monkeypatch.setattr(workers.os, "kill", lambda pid, signum: told.append((pid, signum)))
    pids = iter([11, 12])

    def interrupted_wait():
        signal.getsignal(signal.SIGINT)(signal.SIGINT, None)  # as Ctrl-C reaches the waiting parent

    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:  # not a KeyboardInterrupt, whose traceback the terminal showed
        workers.fork_workers(2, fork=lambda: next(pids), wait=interrupted_wait)
    assert stopped.value.code == 128 + signal.SIGINT
    assert told == [(11, signal.SIGTERM), (12, signal.SIGTERM)]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers


@pytest.mark.parametrize("status, reason", [
    (exited(0), None), (exited(workers.RECYCLE_EXIT), "recycled"), (exited(1), "crashed"),
    (signal.SIGKILL, "crashed"),
])
def test_why_a_worker_is_started_again(status, reason):
    assert workers.restart_reason(status) == reason


# ------------------------------------------------------------------ the worker: when it recycles


class FakeHTTPServer:
    """What the Recycler sees of Tornado's HTTPServer and Bokeh's application behind it."""

    def __init__(self, connections: list[int]):
        sessions = [SimpleNamespace(connection_count=count) for count in connections]
        self.request_callback = SimpleNamespace(applications={"/app": SimpleNamespace(sessions=sessions)})
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


def recycler_on(http_server, monkeypatch, grown_mb: int) -> tuple[workers.Recycler, list[int]]:
    exits: list[int] = []
    monkeypatch.setattr(workers, "resident_bytes", lambda pid="self": 500 * MB)
    recycler = workers.Recycler(http_server, limit_bytes=100 * MB, drain_s=0.01, exit=exits.append)
    monkeypatch.setattr(workers, "resident_bytes", lambda pid="self": (500 + grown_mb) * MB)
    return recycler, exits


def run_checks(recycler: workers.Recycler) -> None:
    async def main():
        recycler.check()
        await asyncio.sleep(0.1)  # past the drain

    asyncio.run(main())


def test_a_grown_worker_serving_no_one_stops_accepting_and_exits_to_be_recycled(monkeypatch):
    http_server = FakeHTTPServer([0, 0])  # Panel's kept page sessions: no websocket
    recycler, exits = recycler_on(http_server, monkeypatch, grown_mb=101)
    run_checks(recycler)
    assert http_server.stopped and exits == [workers.RECYCLE_EXIT]


def test_a_worker_within_its_limit_goes_on(monkeypatch):
    http_server = FakeHTTPServer([0])
    recycler, exits = recycler_on(http_server, monkeypatch, grown_mb=99)
    run_checks(recycler)
    assert not http_server.stopped and exits == []


def test_a_worker_serving_a_viewer_is_not_recycled(monkeypatch):
    http_server = FakeHTTPServer([0, 1])
    recycler, exits = recycler_on(http_server, monkeypatch, grown_mb=400)
    run_checks(recycler)
    assert not http_server.stopped and exits == []


def test_a_viewer_who_connected_as_the_worker_stopped_is_served_to_the_end(monkeypatch):
    http_server = FakeHTTPServer([0])
    recycler, exits = recycler_on(http_server, monkeypatch, grown_mb=400)
    session = http_server.request_callback.applications["/app"].sessions[0]

    async def main():
        recycler.check()
        session.connection_count = 1  # accepted just before the stop
        await asyncio.sleep(0.05)
        assert http_server.stopped and exits == []
        session.connection_count = 0  # the viewer leaves
        await asyncio.sleep(0.05)

    asyncio.run(main())
    assert exits == [workers.RECYCLE_EXIT]


def test_the_resident_memory_of_this_process_is_read():
    assert memory.resident_bytes() > 10 * MB
    assert memory.resident_bytes(pid=2**22 + 1) == 0  # no such process


# ------------------------------------------------------------------ served: the launcher recycles


def test_workers_are_recycled_by_default_and_a_single_process_only_when_asked():
    assert recycle_limit_mb(parse("--num-procs", "2")) == workers.DEFAULT_RECYCLE_ABOVE_MB == 150
    assert recycle_limit_mb(parse("--num-procs", "0")) == 150  # one per core
    assert recycle_limit_mb(parse("--num-procs", "2", "--recycle-above-mb", "0")) == 0  # never
    # Alone, a process that ends is not replaced, unless a supervisor (systemd) starts it again.
    assert recycle_limit_mb(parse("--num-procs", "1")) == 0
    assert recycle_limit_mb(parse("--num-procs", "1", "--recycle-above-mb", "200")) == 200


@pytest.mark.parametrize("value", ["-5", "abc", "1.5", ""])
def test_a_limit_that_is_not_a_whole_number_of_mb_is_refused_in_both_languages(value, capsys):
    with pytest.raises(SystemExit):
        parse("--num-procs", "2", "--recycle-above-mb", value)
    error = capsys.readouterr().err
    assert "--recycle-above-mb" in error and "số MB nguyên" in error and "whole number of MB" in error


@pytest.fixture
def recycling_server(tmp_path, seeded_db_url):
    """A launcher with `num_procs` processes, recycled once grown by 1 MB; sessions end 0.3 s
    after their viewer leaves."""
    database = tmp_path / "dashboard.sqlite"
    shutil.copyfile(seeded_db_url.removeprefix("sqlite:///"), database)
    started = []

    def start(num_procs: int) -> dict:
        port = free_port()
        log = tmp_path / "serve.log"
        process = start_server(
            [sys.executable, "-m", "dashboard", "serve", "--port", str(port), "--num-procs", str(num_procs),
             "--recycle-above-mb", "1", "--",
             "--unused-session-lifetime", "300", "--check-unused-sessions", "200"],
            log, env={"DASHBOARD_DB_URL": f"sqlite:///{database}"})
        started.append(process)
        launched = {"url": f"http://127.0.0.1:{port}", "port": port, "log": log, "process": process}
        wait_until(lambda: _answers(launched["url"] + "/liveness"), timeout=120_000)
        return launched

    try:
        yield start
    finally:
        for process in started:
            stop_server(process)


def _answers(url: str) -> bool:
    try:
        return get(url, timeout=5)[0] == 200
    except OSError:
        return False


def viewers_at_once(launched) -> None:
    """SESSIONS_AT_ONCE map pages open together, then closed: warmed before it listened, a
    process grows little by one session alone."""

    async def open_then_close() -> list[str]:
        opened = [await open_document(launched, "/?page=map") for _ in range(SESSIONS_AT_ONCE)]
        for connection, _content, _buffers in opened:
            connection.close()
        return [content for _connection, content, _buffers in opened]

    documents = asyncio.run(asyncio.wait_for(open_then_close(), 180))
    assert all(document_objects(content, "MultiPolygons") for content in documents)


def worker_pids(launched) -> set[int]:
    parent = launched["process"].pid
    return set(group_members(parent)) - {parent}


def test_a_worker_grown_by_its_sessions_is_replaced_and_the_server_serves_on(recycling_server):
    recycling_server = recycling_server(num_procs=2)
    first_workers = worker_pids(recycling_server)
    assert len(first_workers) == 2
    viewers_at_once(recycling_server)

    # After the wave of closed sessions (Bokeh ends them, Panel collects, memory is trimmed), the
    # worker that held them has grown by more than 1 MB: it ends and a new one takes its place.
    def replaced() -> bool:
        now = worker_pids(recycling_server)
        return len(now) == 2 and now != first_workers

    wait_until(replaced, timeout=90_000)
    served_log = recycling_server["log"].read_text(errors="replace")
    assert "starts afresh" in served_log and "Traceback" not in served_log
    assert recycling_server["process"].poll() is None
    # The new worker serves whole documents, from the data the parent loaded once.
    content, _buffers = pull_document(recycling_server, "/?page=map")
    assert document_objects(content, "MultiPolygons")


def test_a_single_grown_process_exits_for_its_supervisor_to_start_it_again(recycling_server):
    launched = recycling_server(num_procs=1)
    viewers_at_once(launched)
    # systemd's Restart=on-failure starts it again (deploy/systemd); here nobody does.
    wait_until(lambda: launched["process"].poll() is not None, timeout=90_000)
    assert launched["process"].returncode == workers.RECYCLE_EXIT
    assert "starts afresh" in launched["log"].read_text(errors="replace")


def test_stopping_the_parent_stops_its_workers(recycling_server):
    launched = recycling_server(num_procs=2)
    workers_now = worker_pids(launched)
    assert len(workers_now) == 2
    launched["process"].send_signal(signal.SIGTERM)  # the parent alone, as `kill PID` does
    wait_until(lambda: not worker_pids(launched) and launched["process"].poll() is not None, timeout=30_000)


def test_ctrl_c_while_the_server_starts_ends_it_quietly(tmp_path, seeded_db_url):
    log = tmp_path / "serve.log"
    process = start_server([sys.executable, "-m", "dashboard", "serve", "--port", str(free_port()),
                            "--num-procs", "2"], log, env={"DASHBOARD_DB_URL": seeded_db_url})
    try:
        time.sleep(1)  # importing and loading the data takes longer than this
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=60) == 128 + signal.SIGINT
    finally:
        stop_server(process)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "Stopped (Ctrl-C)" in text


def test_ctrl_c_in_the_terminal_stops_every_process_without_a_traceback(recycling_server):
    launched = recycling_server(num_procs=2)
    assert len(worker_pids(launched)) == 2
    os.killpg(launched["process"].pid, signal.SIGINT)  # the terminal's whole foreground group
    wait_until(lambda: not worker_pids(launched) and launched["process"].poll() is not None, timeout=30_000)
    assert launched["process"].returncode == 128 + signal.SIGINT
    assert "Traceback" not in launched["log"].read_text(errors="replace")
