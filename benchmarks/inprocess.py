"""Server CPU per new session, measured in this process: the work behind every new browser tab."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

# Sessions timed server-side, by the query string a browser's URL would give them.
SESSION_QUERIES = {"map page": "?page=map", "overview": ""}


@dataclass
class SessionCost:
    """CPU seconds (process time) and wall seconds of building sessions, first one apart."""

    first_cpu: float
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def build_session(data, search: str) -> None:
    """One session as the server builds it: the app for this URL, rendered into its Document,
    which is Panel's current document meanwhile (as a served session's is)."""
    import panel as pn
    from bokeh.document import Document
    from panel.io.location import Location
    from panel.io.state import set_curdoc

    from dashboard.shell import build_app

    pn.state.reset()
    document = Document()
    pn.state._locations[document] = Location(search=search)  # what a browser's URL gives a session
    with set_curdoc(document):
        build_app(data).get_root(document)


def session_cost(data, search: str, runs: int) -> SessionCost:
    import panel as pn

    samples = []
    for _ in range(runs + 1):  # the first session also fills process caches: reported apart
        cpu, wall = time.process_time(), time.perf_counter()
        build_session(data, search)
        samples.append((time.process_time() - cpu, time.perf_counter() - wall))
    pn.state.reset()
    return SessionCost(first_cpu=samples[0][0], cpu=[c for c, _ in samples[1:]], wall=[w for _, w in samples[1:]])


def measure(db_url: str, runs: int) -> dict[str, SessionCost]:
    """CPU to build each timed page's session, in a process set up as the server sets up its own
    before its workers fork (dashboard.server.serve): data loaded, pages warmed, Bokeh's checks
    skipped, heap settled."""
    from dashboard.data import load_data
    from dashboard.memory import settle_server_heap
    from dashboard.server import skip_session_checks
    from dashboard.shell import configure, warm_up

    configure()
    skip_session_checks()
    data = load_data(db_url)
    warm_up(data)
    settle_server_heap()
    return {name: session_cost(data, search, runs) for name, search in SESSION_QUERIES.items()}
