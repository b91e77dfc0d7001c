"""A change the server makes while its socket is busy reaches the browser before the changes after it.

The case of a presentation page switch, made certain: a click adds a new model while the socket's
write lock is held (as while an earlier, large message is written), and the next tick changes that
model through Bokeh. Panel 1.9 alone writes the second change first, and the browser fails on a
model it has not been sent; with dashboard.ordered_writes the browser draws both. Both roads a
click takes in Panel are tried: on its own, and right after another change (which Panel holds
back for a moment, and then handles the click apart).
"""

from __future__ import annotations

import panel as pn
import panel.io.document as panel_document
import pytest
from bokeh.models import Div
from panel.reactive import Syncable
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
    # A change still waiting for Panel (debounced) sends the click through Panel's other road: a
    # coroutine that Bokeh runs without the document's lock.
    pending = pn.widgets.TextInput(value="", css_classes=["pending-change"])
    return pn.Column(button, pending, box)


# Changes a widget's value in the browser and clicks in the same task: the server receives the
# click while Panel still holds the change back (Reactive._debounce).
_CHANGE_THEN_CLICK = """() => {
  const doc = Bokeh.documents[0];
  const input = [...doc._all_models.values()].find(
    (m) => (m.css_classes || []).includes('pending-change') && 'value_input' in m);
  input.value = 'x';
  const button = [...Bokeh.index.all_views()].find((v) => v.model.css_classes.includes('add-model'));
  button.click();
}"""


def click(page, road: str) -> None:
    """Click "add": straight away, or while another change waits in Panel."""
    if road == "pending change":
        page.evaluate(_CHANGE_THEN_CLICK)
    else:
        page.locator(".add-model button").click()


ROADS = ["click", "pending change"]


@pytest.fixture
def panel_writes_alone(monkeypatch):
    monkeypatch.setattr(panel_document, "write_events", ordered_writes.panel_write_events)
    monkeypatch.setattr(panel_document, "schedule_write_events", ordered_writes.panel_schedule_write_events)
    for coroutine in ordered_writes.BROWSER_EVENT_COROUTINES:
        monkeypatch.delattr(getattr(Syncable, coroutine), "lock", raising=False)


@pytest.fixture
def panel_writes_in_order(panel_writes_alone):
    assert ordered_writes.install()


@pytest.mark.parametrize("road", ROADS)
def test_a_model_added_while_the_socket_is_busy_is_sent_before_its_next_change(
        page, port, console_errors, panel_writes_in_order, road):
    serve_component(page, _app(), port=port)
    click(page, road)
    expect(page.locator(".added-model")).to_have_text("đã đổi")
    assert console_errors == []


@pytest.mark.parametrize("road", ROADS)
def test_panel_alone_sends_the_change_first(page, port, console_errors, panel_writes_alone, road):
    """Why the module exists: once a Panel release passes this test no more, it can go."""
    serve_component(page, _app(), port=port)
    click(page, road)
    page.wait_for_timeout(LOCK_HELD_S * 1000 + 1500)
    assert any("isn't known" in error for error in console_errors), console_errors
