"""Server CPU per new session, measured in this process: the work behind every new browser tab."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field, replace

# Sessions timed server-side, by the query string a browser's URL would give them.
SESSION_QUERIES = {"map page": "?page=map", "overview": ""}


@dataclass
class SessionCost:
    """CPU seconds (process time) and wall seconds of building sessions, first one apart."""

    first_cpu: float
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    # Median CPU seconds of the reference workload around the sessions (`reference_workload`).
    reference_cpu: float | None = None

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def middle_half_cpu(self) -> tuple[float, float]:
        """First and third quartiles of the CPU seconds."""
        first, _median, third = statistics.quantiles(self.cpu, n=4)
        return first, third


def build_session(search: str) -> None:
    """One session as the server builds it: app.py run for a browser whose address ends in
    `search`, in a document with a session context of its own (so the app builds what it builds
    for a served session: linked files, download links, frames left for the browser to ask for),
    rendered into that document."""
    import weakref

    import panel as pn
    from bokeh.application import Application
    from bokeh.document import Document
    from bokeh.server.contexts import ApplicationContext, BokehServerContext, BokehSessionContext, _RequestProxy
    from panel.io.location import Location
    from panel.io.state import set_curdoc
    from tornado.httputil import HTTPServerRequest

    from dashboard.shell import build_app, configure

    pn.state.reset()
    document = Document()
    server = BokehServerContext(ApplicationContext(Application()))
    context = BokehSessionContext("timed-session", server, document)
    context._request = _RequestProxy(HTTPServerRequest(method="GET", uri="/" + search))
    document._session_context = weakref.ref(context)
    pn.state._locations[document] = Location(search=search)  # what a browser's URL gives a session
    with set_curdoc(document):
        configure()
        build_app().get_root(document)
    document._session_context = None  # no watcher, callback or timer of it outlives the measure


# Reference workloads timed before and after the sessions (see `reference_workload`).
REFERENCE_RUNS = 5


def reference_workload() -> None:
    """A fixed piece of plain Python (sorting, JSON, string work), the same in every run. Its CPU
    time, taken just before and after the sessions, shows how fast the machine was meanwhile: this
    machine is shared, and slows down by a quarter or more for minutes at a time."""
    import json
    import random

    generator = random.Random(45)
    rows = [{"code": f"{generator.randrange(1000):03d}", "value": generator.random()} for _ in range(5_000)]
    json.loads(json.dumps(sorted(rows, key=lambda row: (row["value"], row["code"]))))


def reference_cpu(runs: int = REFERENCE_RUNS) -> list[float]:
    """CPU seconds of each of `runs` reference workloads, after one untimed (the interpreter
    specialises the code it runs again, which makes a first run slower)."""
    reference_workload()
    times = []
    for _ in range(runs):
        cpu = time.process_time()
        reference_workload()
        times.append(time.process_time() - cpu)
    return times


def session_cost(search: str, runs: int) -> SessionCost:
    import panel as pn

    samples = []
    for _ in range(runs + 1):  # the first session also fills process caches: reported apart
        cpu, wall = time.process_time(), time.perf_counter()
        build_session(search)
        samples.append((time.process_time() - cpu, time.perf_counter() - wall))
    pn.state.reset()
    return SessionCost(first_cpu=samples[0][0], cpu=[c for c, _ in samples[1:]], wall=[w for _, w in samples[1:]])


def measure(db_url: str, runs: int) -> dict[str, SessionCost]:
    """CPU to build each timed page's session, in a process set up as the launcher sets up its own
    before it serves (dashboard.server.set_up_serving_process): stylesheets linked, Bokeh's checks
    skipped, data loaded, pages warmed, heap settled."""
    import os

    from dashboard.data import data_watcher
    from dashboard.server import set_up_serving_process

    os.environ["DASHBOARD_DB_URL"] = db_url
    set_up_serving_process()
    try:
        before = reference_cpu()
        costs = {name: session_cost(search, runs) for name, search in SESSION_QUERIES.items()}
        reference = statistics.median(before + reference_cpu())
        return {name: replace(cost, reference_cpu=reference) for name, cost in costs.items()}
    finally:  # the sessions started the process's watcher: it would poll the database for the whole run
        data_watcher(db_url).stop()
