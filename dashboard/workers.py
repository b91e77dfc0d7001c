"""Worker processes that start afresh to give back the memory a wave of sessions left behind.

CPython's allocator keeps most of what a wave of sessions used after they close: a few
long-lived objects made among them pin whole arenas (dashboard.memory). Trimming gives back
little; a new process gives back all of it. So, as servers commonly do (gunicorn's
`max_requests`, uWSGI's `reload-on-rss`), the launcher recycles a worker that has grown:

- it forks its workers itself (`fork_workers`), from the parent that loaded the modules and the
  data once (dashboard.server.preload), so a new worker starts warm and shares that memory;
- after each wave of closed sessions, once the memory is trimmed, a worker that serves no one
  and has grown by more than its limit since it started stops accepting connections (the other
  workers, or its successor, take them from the shared socket), lets requests under way finish,
  and exits with RECYCLE_EXIT;
- the parent forks its successor at once. A worker that crashes is restarted too, as Tornado
  does, up to MAX_CRASH_RESTARTS over the server's life; a recycled one does not count.

A single process (`--num-procs 1`) recycles only when asked to, under a supervisor that starts
it again: the systemd unit of the nginx deployment, whose front server hands its browsers to
the other instances meanwhile (dashboard.server.recycle_limit_mb).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable

from .memory import release_memory, resident_bytes

# The exit status of a worker that ends to be replaced (EX_TEMPFAIL: "try again").
RECYCLE_EXIT = 75
# Tornado's own limit: a worker crashing again and again is not hidden by endless restarts.
MAX_CRASH_RESTARTS = 100
# A worker grown by more than this since it started is recycled when it next serves no one.
# Measured: a map session leaves about 2.5 MB behind once it closes (200 sessions took two
# workers from 757 MB to 1,244 MB), so a room of 25 viewers leaves a worker well below this, and
# a morning of 200 sessions above.
DEFAULT_RECYCLE_ABOVE_MB = 150
# Seconds a stopped worker leaves requests under way to finish before it exits.
DRAIN_S = 2.0

log = logging.getLogger(__name__)


def restart_reason(status: int) -> str | None:
    """Why a worker that ended with wait `status` is started again: "recycled", "crashed", or
    None for a worker that ended normally (the server is stopping)."""
    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
        if code == 0:
            return None
        return "recycled" if code == RECYCLE_EXIT else "crashed"
    return "crashed"


def fork_workers(count: int, fork: Callable[[], int] = os.fork,
                 wait: Callable[[], tuple[int, int]] = os.wait) -> int:
    """Fork `count` workers and keep them running; returns only in a worker, its index.

    The parent stays here, forking a successor for every worker that is recycled or crashes,
    and exits once every worker has ended normally.
    """
    workers: dict[int, int] = {}
    crashes = 0

    def start(index: int) -> bool:
        pid = fork()
        if pid == 0:
            return True
        workers[pid] = index
        return False

    for index in range(count):
        if start(index):
            return index
    # Ctrl-C in a terminal reaches every process of the group, `kill` the parent alone: either
    # way the workers are told, and the parent ends without a traceback.
    previous = {signum: signal.signal(signum, lambda signum, _frame: end_workers(workers, signum))
                for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        while workers:
            pid, status = wait()
            if pid not in workers:
                continue
            index = workers.pop(pid)
            reason = restart_reason(status)
            if reason is None:
                log.info("worker %d (pid %d) ended", index, pid)
                continue
            if reason == "crashed":
                crashes += 1
                log.warning("worker %d (pid %d) ended abnormally (status %d), restarting", index, pid, status)
                if crashes > MAX_CRASH_RESTARTS:
                    raise RuntimeError("workers crashed too often, giving up")
            else:
                log.info("worker %d (pid %d) recycled to give its memory back, starting afresh", index, pid)
            if start(index):
                return index
    finally:  # in a successor, as in a parent that ends: the parent's handlers are not theirs
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    sys.exit(0)


def end_workers(workers: dict[int, int], signum: int = signal.SIGTERM) -> None:
    """The parent was asked to stop (SIGTERM, as `kill` or a service manager sends, or SIGINT, as
    Ctrl-C does): so are its workers, which would otherwise go on serving the port with no parent
    to replace them. Exits as a process ended by that signal's default would, but quietly."""
    for pid in workers:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    sys.exit(128 + signum)


class Recycler:
    """In a serving process: end it, to be replaced, once it has grown and serves no one."""

    def __init__(self, http_server, limit_bytes: int, drain_s: float = DRAIN_S,
                 exit: Callable[[int], None] = os._exit) -> None:
        self.http_server = http_server
        self.limit_bytes = limit_bytes
        self.drain_s = drain_s
        # Measured as the checks are, after the free pages went back (dashboard.memory).
        release_memory()
        self.started_bytes = resident_bytes()
        self.stopping = False
        self._exit = exit

    def open_connections(self) -> int:
        """Websocket connections to this process's sessions: the viewers it serves now."""
        application = self.http_server.request_callback  # Bokeh's Tornado application
        return sum(session.connection_count
                   for context in application.applications.values()
                   for session in context.sessions)

    def grown_bytes(self) -> int:
        return resident_bytes() - self.started_bytes

    def check(self) -> None:
        """After a wave of closed sessions, on the event loop: recycle if grown and serving no one."""
        if self.stopping or self.open_connections() or self.grown_bytes() <= self.limit_bytes:
            return
        from tornado.ioloop import IOLoop

        self.stopping = True
        log.info("process %d grew by %d MB: stops accepting and starts afresh",
                 os.getpid(), self.grown_bytes() // 2**20)
        self.http_server.stop()
        IOLoop.current().call_later(self.drain_s, self._exit_when_drained)

    def _exit_when_drained(self) -> None:
        """Exit once no viewer is connected: one who connected just before the stop is served to
        the end, by this process, while the others take every new connection."""
        if self.open_connections():
            from tornado.ioloop import IOLoop

            IOLoop.current().call_later(self.drain_s, self._exit_when_drained)
            return
        logging.shutdown()
        self._exit(RECYCLE_EXIT)


def recycling_http_server(limit_bytes: int, on_process_started: Callable[[Recycler], None]):
    """Tornado's HTTPServer, forking its workers with `fork_workers`; each serving process's
    Recycler is handed to `on_process_started`. Bokeh's Server creates it
    (bokeh.server.server.HTTPServer)."""
    from tornado.httpserver import HTTPServer

    class RecyclingHTTPServer(HTTPServer):
        def start(self, num_processes: int | None = 1, max_restarts: int | None = None) -> None:
            if num_processes != 1:
                from tornado.process import cpu_count

                fork_workers(num_processes if num_processes and num_processes > 0 else cpu_count())
                # Ctrl-C reaches the whole group, and the parent tells its workers with SIGTERM,
                # which Bokeh handles once serving (quietly ended by default before). A SIGINT of
                # their own would raise KeyboardInterrupt wherever a starting worker is.
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            super().start(1)  # in a worker: listen on the sockets the parent bound
            on_process_started(Recycler(self, limit_bytes))

    return RecyclingHTTPServer
