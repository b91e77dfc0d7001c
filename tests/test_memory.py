"""The memory of closed sessions goes back to the system: one trim per wave of closings, after
Panel's collection, which with the C allocator gives back nearly all of it."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard import memory

REPO_ROOT = Path(__file__).resolve().parent.parent

# Session-like garbage: many small objects, with a few long-lived ones made among them, as a
# cache filled during sessions is. Prints the resident memory before, at the peak, after the
# garbage is dropped, and after `release_memory`.
SCATTERED_SURVIVORS = """
import json
from dashboard.memory import release_memory, resident_bytes as rss

before = rss()
garbage, survivors = [], []
for i in range(1_500_000):
    item = {"unit": str(i), "value": [i, i + 1]}
    (survivors if i % 200 == 0 else garbage).append(item)
peak = rss()
del garbage, item
dropped = rss()
released = release_memory()
print(json.dumps({"before": before, "peak": peak, "dropped": dropped, "after": rss(),
                  "released": released}))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads memory from /proc")
def test_the_c_allocator_gives_memory_kept_between_survivors_back_after_a_release():
    env = {**os.environ, "PYTHONMALLOC": "malloc"}  # the allocator an operator may choose
    out = subprocess.run([sys.executable, "-c", SCATTERED_SURVIVORS], env=env, cwd=REPO_ROOT,
                         capture_output=True, text=True, check=True, timeout=120).stdout
    figures = json.loads(out)
    assert figures["released"], "glibc's malloc_trim was not found"
    added = figures["peak"] - figures["before"]
    assert added > 100 * 2**20  # the garbage really took memory
    # Dropping the garbage alone gives little back: survivors hold the pages between them.
    assert figures["dropped"] - figures["before"] > 0.5 * added
    # The release gives back all but what the survivors (1 in 200) really need.
    assert figures["after"] - figures["before"] < 0.2 * added


def test_a_release_never_stops_the_process_for_a_full_collection(monkeypatch):
    collections = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(args) or 0)
    memory.release_memory()
    assert collections == []  # Panel has collected the closed documents; a second pass holds the GIL


def test_a_wave_of_closed_sessions_is_released_once_after_its_last_closing_and_the_next_wave_again(monkeypatch):
    calls = []
    # The release itself is measured by the test above; here, how often and when it runs.
    monkeypatch.setattr(memory, "release_memory", lambda: calls.append(time.monotonic()))
    delay = 0.2
    closed = memory.ClosedSessions(delay_s=delay)

    async def released(count: int) -> int:
        """Waits (a busy machine may be slow) until `count` releases, then a little more."""
        for _ in range(600):
            if closed.releases >= count:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # room for a release that should not come
        return closed.releases

    async def closings() -> list[int]:
        for _ in range(3):  # three sessions expire one after the other, each within the delay
            closed.session_closed(None)
            last = time.monotonic()
            await asyncio.sleep(0.6 * delay)
        first = await released(1)
        assert calls[0] - last >= delay
        closed.session_closed(None)  # a later one
        return [first, await released(2)]

    assert asyncio.run(closings()) == [1, 2]
    assert len(calls) == 2


SETTLED_HEAP = """
import gc, json
from dashboard.memory import OLDEST_GENERATION_THRESHOLD, settle_server_heap

loaded = [[str(i)] for i in range(10_000)]  # the process's data, loaded before any session
settle_server_heap()
session = [[str(i)] for i in range(10)]  # made by a session afterwards
scanned = {id(item) for item in gc.get_objects()}
print(json.dumps({"data_scanned": sum(id(item) in scanned for item in loaded),
                  "session_scanned": sum(id(item) in scanned for item in session),
                  "oldest_threshold": gc.get_threshold()[2], "expected": OLDEST_GENERATION_THRESHOLD}))
"""


def test_a_settled_server_leaves_its_loaded_data_out_of_every_later_collection():
    # In a process of its own: the collector's settings are the whole process's.
    out = subprocess.run([sys.executable, "-c", SETTLED_HEAP], cwd=REPO_ROOT, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    figures = json.loads(out)
    assert figures["data_scanned"] == 0 and figures["session_scanned"] == 10
    assert figures["oldest_threshold"] == figures["expected"] > 10
