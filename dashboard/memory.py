"""Give the memory of closed sessions back to the system, as far as the allocator allows.

A session is many thousands of small objects. CPython's own small-object allocator keeps a
whole 1 MiB arena while any one object in it lives, and the long-lived objects a server makes
on the way (cached frames, database rows) end up scattered among the sessions' garbage.
Measured: a process that had held 60 map sessions kept about 90 % of their memory after they
closed. It is not a leak (a second wave of sessions reuses it, and grows nothing), but the
system does not get it back.

After a wave of sessions closes, each process collects their cycles and calls glibc's
`malloc_trim`, once, off the event loop. With the default allocator that gives back little
(about 10 MB a process). Run with the C allocator for every object (`PYTHONMALLOC=malloc
make run`) and it gives back nearly all: 200 sessions held 10 minutes took the server from
722 MB to 1,360 MB, and 30 s after they closed it was at 823 MB. The default stays Python's
own allocator because the C one makes each session slower to build: 25 viewers opening
together waited a median of 14.4 s instead of 8.6 s, same machine, same run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import threading

# Seconds between the first of a wave of closed sessions and the release: Bokeh drops the
# session's document after its destroy callbacks, and sessions expire in waves.
RELEASE_DELAY_S = 5.0

log = logging.getLogger(__name__)


@functools.cache
def _malloc_trim():
    """glibc's `malloc_trim`, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_memory() -> bool:
    """Free unreachable objects, then give the allocator's free pages back; False if it cannot."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)  # ctypes releases the GIL for the call: the server's other threads run meanwhile
    return True


class ClosedSessions:
    """One release per wave of closed sessions, off the event loop, for this process."""

    def __init__(self, delay_s: float = RELEASE_DELAY_S) -> None:
        self.delay_s = delay_s
        self.releases = 0
        self._lock = threading.Lock()
        self._pending = False

    def session_closed(self, session_context) -> None:
        """Called as a session is destroyed (Bokeh names the argument), on the server's event loop."""
        from tornado.ioloop import IOLoop

        with self._lock:
            if self._pending:
                return
            self._pending = True
        IOLoop.current().call_later(self.delay_s, self._release)

    async def _release(self) -> None:
        from tornado.ioloop import IOLoop

        with self._lock:
            self._pending = False
        try:
            await IOLoop.current().run_in_executor(None, release_memory)
        except Exception:  # a failed release costs memory, never the server
            log.exception("could not release the memory of closed sessions")
            return
        self.releases += 1


closed_sessions = ClosedSessions()
