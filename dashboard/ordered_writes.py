"""Every change reaches the browser in the order it was serialized, so no message names a model
the browser has not been sent.

Panel 1.9 writes the changes made in its own holds (every widget change, every layout change)
straight to the websocket, beside Bokeh's queue of writes. When the socket is busy writing an
earlier message, Panel serializes the changes at once but writes them later, polling every
10 ms, while a message Bokeh serializes afterwards waits on the socket's lock and gets it
first. Serializing a message marks the models it defines as sent, so the later message names
them as sent already: the browser then fails with "reference p… isn't known" and draws neither.
A page switch (which adds the page's models) followed by the page's frames arriving from their
thread did just that.

Inside a callback that holds the document's lock, Bokeh writes the callback's messages in
order once it returns. There, Panel's messages join that queue: one message for all the
changes of a hold, as Panel makes it, written after those serialized before it. Outside such
a callback, and behind messages Panel has queued already, Panel writes as before. (Panel's
main branch serializes its queued messages at write time for the same reason; no release
has it yet.)

So that a browser event is handled in such a callback, Panel's own coroutines that apply the
browser's changes and events take the document's lock too. Panel runs them without it when
another change is still waiting (it holds changes back for 50 ms): a click right after a
choice took that road, and its changes overtook the page it added. The app's own async
callbacks (an import) are scheduled apart and keep running without the lock.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import panel
import panel.io.document as panel_document
from bokeh.document import Document
from bokeh.document.events import DocumentPatchedEvent
from bokeh.server.connection import ServerConnection
from panel.reactive import Syncable

# The Panel releases whose write functions these wrap (constraints.txt pins one of them).
MIRRORED_PANEL = ("1.9.",)

# Panel's coroutines that apply the browser's changes and events to the models.
BROWSER_EVENT_COROUTINES = ("_change_coroutine", "_event_coroutine")

panel_write_events = panel_document.write_events
panel_schedule_write_events = panel_document.schedule_write_events


def locked_callback_writes(doc: Document) -> list | None:
    """The session's queue of writes while a callback holds the document's lock; None outside one,
    and while Panel has messages of its own waiting (those go first, in Panel's order)."""
    if doc in panel_document._WRITE_MSGS or doc in panel_document._WRITE_BLOCK:
        return None
    session = getattr(doc.session_context, "session", None)
    return getattr(session, "_pending_writes", None)


def join_locked_callback_writes(doc: Document, connections: Iterable[ServerConnection],
                                events: list[DocumentPatchedEvent]) -> bool:
    """Queue the events as one message behind the callback's writes; False if there is no such queue."""
    writes = locked_callback_writes(doc)
    if writes is None:
        return False
    connections = list(connections)
    if connections and events:
        # One message for every connection: serializing marks its new models as sent.
        message = connections[0].protocol.create("PATCH-DOC", events)
        writes.extend(connection._socket.send_message(message) for connection in connections)
    return True


def joining_locked_callback_writes(panel_write: Callable[..., None]) -> Callable[..., None]:
    """`panel_write` (Panel's `write_events` or `schedule_write_events`), except inside a locked
    callback, where its events join the callback's writes."""

    @functools.wraps(panel_write)
    def write(doc: Document, connections: list[ServerConnection], events: list[DocumentPatchedEvent]) -> None:
        if not join_locked_callback_writes(doc, connections, events):
            panel_write(doc, connections, events)

    return write


write_events = joining_locked_callback_writes(panel_write_events)
schedule_write_events = joining_locked_callback_writes(panel_schedule_write_events)


def install() -> bool:
    """Route Panel's writes so in this process (once); False on a Panel this does not mirror."""
    if not panel.__version__.startswith(MIRRORED_PANEL):
        return False
    # Panel's `unlocked` looks both up in its module when a hold ends.
    panel_document.write_events = write_events
    panel_document.schedule_write_events = schedule_write_events
    # Panel's scheduler (panel.io.server.async_execute) runs a coroutine under the document's
    # lock when its function says `lock`; a bound method answers for its function.
    for coroutine in BROWSER_EVENT_COROUTINES:
        getattr(Syncable, coroutine).lock = True
    return True
