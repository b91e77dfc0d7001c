"""Give the memory of closed sessions back to the system, as far as the allocator allows.

A session is many thousands of small objects. CPython's own small-object allocator keeps a
whole 1 MiB arena while any one object in it lives, and the long-lived objects a server makes
on the way (cached frames, database rows) end up scattered among the sessions' garbage.
Measured: a process that had held 60 map sessions kept about 90 % of their memory after they
closed. It is not a leak (a second wave of sessions reuses it, and grows nothing), but the
system does not get it back.

After a wave of sessions closes, each process calls glibc's `malloc_trim` once, off the event
loop, after Panel has collected their cycles. Panel collects once, 5 s after the last document
destroyed; a second full collection here would hold the GIL for 250 ms or more (longer with
more sessions open) and stall every session of the process. With the default allocator the
trim gives back little (about 10 MB a process). Run with the C allocator for every object
(`PYTHONMALLOC=malloc make run`) and it gives back nearly all: 200 sessions held 10 minutes
took the server from 722 MB to 1,360 MB, and 30 s after they closed it was at 823 MB (measured
when the release also ran a collection of its own). The default stays Python's
own allocator because the C one makes each session slower to build: 25 viewers opening
together waited a median of 14.4 s instead of 8.6 s, same machine, same run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import os
import threading
import time
from collections.abc import Callable

# Full collections of the oldest generation wait for this many collections of the middle one
# (CPython's default: 10). A map session makes some 20,000 long-lived objects, so with the default
# a room of viewers opening together set off a full collection every few sessions, each scanning
# every object of the process for cycles that are not there yet: the cycles of a session become
# garbage when it closes, and Panel collects those itself.
OLDEST_GENERATION_THRESHOLD = 100

# Seconds between the last of a wave of closed sessions and the release: after Panel's one
# collection of their documents' cycles, 5 s after the last (panel.io.document.GC_DEBOUNCE).
RELEASE_DELAY_S = 6.0

log = logging.getLogger(__name__)


@functools.cache
def _malloc_trim():
    """glibc's `malloc_trim`, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


@functools.cache
def settle_server_heap() -> None:
    """Once per serving process, its data loaded: what exists now lives as long as the process.

    Frozen (`gc.freeze`), those objects are left out of every later collection, which then scans
    the sessions' objects only; and full collections are made rarer (OLDEST_GENERATION_THRESHOLD).
    Measured in one process, 40 map sessions built and kept: 236 ms each before, 178 ms after,
    of which the collections took 43 ms a session before and none after.
    """
    gc.collect()
    gc.freeze()
    young, middle, _oldest = gc.get_threshold()
    gc.set_threshold(young, middle, OLDEST_GENERATION_THRESHOLD)


def resident_bytes(pid: int | str = "self") -> int:
    """Resident memory of a process (Linux /proc); 0 where there is none to read."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def release_memory() -> bool:
    """Give the allocator's free pages back to the system; False if it cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)  # ctypes releases the GIL for the call: the server's other threads run meanwhile
    return True


class ClosedSessions:
    """One release per wave of closed sessions, `delay_s` after its last, off the event loop;
    then `after_release`, if set, on the event loop (a worker's recycler, dashboard.workers)."""

    def __init__(self, delay_s: float = RELEASE_DELAY_S) -> None:
        self.delay_s = delay_s
        self.releases = 0
        self.after_release: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._pending = False
        self._last_closed = 0.0

    def session_closed(self, session_context) -> None:
        """Called as a session is destroyed (Bokeh names the argument), on the server's event loop."""
        from tornado.ioloop import IOLoop

        with self._lock:
            self._last_closed = time.monotonic()
            if self._pending:
                return
            self._pending = True
        IOLoop.current().call_later(self.delay_s, self._release)

    async def _release(self) -> None:
        from tornado.ioloop import IOLoop

        with self._lock:
            wait = self._last_closed + self.delay_s - time.monotonic()
            if wait > 0:  # the wave goes on: after its last closing
                IOLoop.current().call_later(wait, self._release)
                return
            self._pending = False
        try:
            await IOLoop.current().run_in_executor(None, release_memory)
        except Exception:  # a failed release costs memory, never the server
            log.exception("could not release the memory of closed sessions")
            return
        self.releases += 1
        if self.after_release is not None:
            self.after_release()


closed_sessions = ClosedSessions()
