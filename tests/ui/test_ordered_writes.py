"""A change the server makes while its socket is busy reaches the browser before the changes after it.

The case of a presentation page switch, made certain: a click adds a new model while the socket's
write lock is held (as while an earlier, large message is written), and the next tick changes that
model through Bokeh. Panel 1.9 alone writes the second change first, and the browser fails on a
model it has not been sent; with dashboard.ordered_writes the browser draws both.
"""

from __future__ import annotations

import panel as pn
import panel.io.document as panel_document
import pytest
from bokeh.models import Div
from panel.tests.util import serve_component
from playwright.sync_api import expect
from tornado.ioloop import IOLoop

from dashboard import ordered_writes

# Long enough for the next tick's change to be serialized and wait on the same lock.
LOCK_HELD_S = 0.2


def _app() -> pn.Column:
    box = pn.Column(pn.pane.HTML("<p>trước</p>"), sizing_mode="stretch_width")
    button = pn.widgets.Button(label="add", css_classes=["add-model"])

    def add_while_the_socket_is_busy(_event) -> None:
        document = pn.state.curdoc
        (connection,) = document.session_context.session._subscribed_connections
        lock = connection._socket.write_lock
        lock.acquire()  # free until now: held from here on
        IOLoop.current().call_later(LOCK_HELD_S, lock.release)
        added = Div(text="mới thêm", css_classes=["added-model"])
        with pn.io.hold():
            box.append(pn.pane.Bokeh(added))

        def change_the_new_model() -> None:
            added.text = "đã đổi"

        document.add_next_tick_callback(change_the_new_model)

    button.on_click(add_while_the_socket_is_busy)
    return pn.Column(button, box)


@pytest.fixture
def panel_writes_alone(monkeypatch):
    monkeypatch.setattr(panel_document, "write_events", ordered_writes.panel_write_events)
    monkeypatch.setattr(panel_document, "schedule_write_events", ordered_writes.panel_schedule_write_events)


@pytest.fixture
def panel_writes_in_order(panel_writes_alone):
    assert ordered_writes.install()


def test_a_model_added_while_the_socket_is_busy_is_sent_before_its_next_change(
        page, port, console_errors, panel_writes_in_order):
    serve_component(page, _app(), port=port)
    page.locator(".add-model button").click()
    expect(page.locator(".added-model")).to_have_text("đã đổi")
    assert console_errors == []


def test_panel_alone_sends_the_change_first(page, port, console_errors, panel_writes_alone):
    """Why the module exists: once a Panel release passes this test no more, it can go."""
    serve_component(page, _app(), port=port)
    page.locator(".add-model button").click()
    page.wait_for_timeout(LOCK_HELD_S * 1000 + 1500)
    assert any("isn't known" in error for error in console_errors), console_errors
