"""Closed sessions leave the server's memory: their documents are collected once Bokeh ends them.

Served in this process, so the test can see what the server still holds after the browser left.
"""

from __future__ import annotations

import gc
import weakref

import panel as pn
import pytest
from panel.tests.util import serve_and_wait, wait_until

from dashboard.shell import build_app

from . import wait_for_app

# Bokeh ends a session unused for this long, checking this often (defaults 15 s and 17 s):
# shorter here, so that the test waits seconds, not half a minute.
UNUSED_SESSION_LIFETIME_MS = 2000
CHECK_UNUSED_SESSIONS_MS = 300


@pytest.mark.parametrize("path", ["/?page=map", "/?page=leadership"])
def test_the_documents_of_closed_sessions_are_collected(browser, port, dashboard_data, path):
    documents: list[weakref.ref] = []

    def session():
        documents.append(weakref.ref(pn.state.curdoc))
        return build_app(dashboard_data)

    def open_pages(count: int) -> None:
        context = browser.new_context()
        for _ in range(count):
            page = context.new_page()
            page.goto(f"http://localhost:{port}{path}")
            wait_for_app(page, timeout=60, plots=path == "/?page=map")
        context.close()

    serve_and_wait(session, port=port, check_unused_sessions_milliseconds=CHECK_UNUSED_SESSIONS_MS,
                   unused_session_lifetime_milliseconds=UNUSED_SESSION_LIFETIME_MS)
    # Panel starts a process-wide timer in the first session it serves, and the timer's task keeps
    # that session's context (and so its document) for the life of the process: once, not per session.
    open_pages(1)
    documents.clear()
    open_pages(2)

    def collected() -> bool:
        gc.collect()
        return all(document() is None for document in documents)

    # Two, or more on a slow machine: a page whose websocket comes after the lifetime gets a new document.
    assert len(documents) >= 2
    wait_until(collected, timeout=20_000)
