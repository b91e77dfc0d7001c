"""Many viewers at once, as plain asyncio clients of the Bokeh server protocol (no browsers).

A viewer "has its document" when both halves of opening a page are done: the HTTP GET of the
page and, over the websocket that page opens (where the server builds the session's document),
the server's PULL-DOC-REPLY carrying the whole document. That is the moment a browser could
start drawing. A viewer kept open afterwards keeps reading its websocket, as a browser tab
does, and counts as an error if the server closes it.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

# Bokeh puts the signed session token in the page it serves; the websocket must present it.
TOKEN_RE = re.compile(r'"token"\s*:\s*"([^"]+)"')
# Long enough for a very busy server; a viewer slower than this is reported as an error.
OPEN_TIMEOUT_S = 180


@dataclass
class Viewer:
    """One open session: its websocket and whether it has failed."""

    conn: object = None
    error: str | None = None
    reader: asyncio.Task | None = None


@dataclass
class Opening:
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile: the value below which `q` of the samples fall."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


async def read_message(conn) -> dict:
    """One Bokeh message (header, metadata, content, then buffer pairs); returns its header."""
    header_frame = await conn.read_message()
    if header_frame is None:
        raise ConnectionError("websocket closed by the server")
    header = json.loads(header_frame)
    for _ in range(2 + 2 * header.get("num_buffers", 0)):  # metadata, content, buffers
        if await conn.read_message() is None:
            raise ConnectionError("websocket closed by the server")
    return header


async def open_viewer(app_url: str, query: str) -> Viewer:
    """GET the page, open its websocket and pull the document, as BokehJS does."""
    parts = urlsplit(app_url)
    client = AsyncHTTPClient()
    response = await client.fetch(app_url + query, request_timeout=OPEN_TIMEOUT_S)
    match = TOKEN_RE.search(response.body.decode("utf-8", "replace"))
    if not match:
        raise RuntimeError("no session token in the page")
    # With the page's query, as BokehJS opens it: the session built there reads the query.
    ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/ws?{query.lstrip('?')}"
    request = HTTPRequest(ws_url, headers={"Origin": f"{parts.scheme}://{parts.netloc}"},
                          request_timeout=OPEN_TIMEOUT_S)
    conn = await websocket_connect(request, subprotocols=["bokeh", match.group(1)],
                                   max_message_size=1 << 30)
    header = await read_message(conn)
    if header["msgtype"] != "ACK":
        raise RuntimeError(f"expected ACK, got {header['msgtype']}")
    request_id = uuid.uuid4().hex
    for frame in (json.dumps({"msgid": request_id, "msgtype": "PULL-DOC-REQ"}), "{}", "{}"):
        await conn.write_message(frame)
    while True:
        header = await read_message(conn)
        if header["msgtype"] == "PULL-DOC-REPLY":
            return Viewer(conn=conn)
        if header["msgtype"] == "ERROR":
            raise RuntimeError("server replied ERROR to PULL-DOC-REQ")


async def keep_reading(viewer: Viewer) -> None:
    """Read and drop what the server sends, as an idle tab would; note it if the server hangs up."""
    try:
        while True:
            await read_message(viewer.conn)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a held session is the figure
        viewer.error = f"{type(exc).__name__}: {exc}"


async def timed_open(app_url: str, query: str, delay_s: float, opening: Opening, keep: list[Viewer]) -> None:
    await asyncio.sleep(delay_s)
    start = time.perf_counter()
    try:
        viewer = await asyncio.wait_for(open_viewer(app_url, query), OPEN_TIMEOUT_S)
    except TimeoutError:
        opening.errors.append(f"no document within {OPEN_TIMEOUT_S} s")
        return
    except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
        opening.errors.append(f"{type(exc).__name__}: {exc}")
        return
    opening.seconds.append(time.perf_counter() - start)
    viewer.reader = asyncio.create_task(keep_reading(viewer))
    keep.append(viewer)


async def open_many(app_url: str, query: str, count: int, window_s: float) -> tuple[Opening, list[Viewer]]:
    """`count` viewers starting evenly spread over `window_s` seconds; they stay open."""
    AsyncHTTPClient.configure(None, max_clients=count)  # tornado's default queues after 10
    opening, viewers = Opening(), []
    await asyncio.gather(*(timed_open(app_url, query, i * window_s / count, opening, viewers)
                           for i in range(count)))
    return opening, viewers


async def close_all(viewers: list[Viewer]) -> None:
    for viewer in viewers:
        if viewer.reader:
            viewer.reader.cancel()
        viewer.conn.close()
    await asyncio.sleep(0.5)


async def burst(app_url: str, query: str, count: int, window_s: float) -> Opening:
    """The room opening the link: returns how long each viewer waited for its document."""
    opening, viewers = await open_many(app_url, query, count, window_s)
    await close_all(viewers)
    return opening
