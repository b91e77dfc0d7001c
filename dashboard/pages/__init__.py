"""Page registry: each page module exposes a PageRecord that the app collects for navigation."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class PageRecord:
    """What the navigation needs to know about a page."""

    slug: str
    title: dict[str, str]
    icon: str
    factory: Callable  # called with state= and data=, returns a Viewer
    # True for pages built on the indicator explorer: opening one picks an indicator it offers.
    explorer: bool = False
    # The catalogue theme an explorer page is limited to, or None for every district indicator.
    theme: str | None = None


def registered_pages() -> list[PageRecord]:
    """Pages in navigation order; imported lazily so importing one page stays cheap."""
    from . import capacity, committees, data, district, health, leadership, methods, overview, transition
    from . import map as map_page

    return [overview.PAGE, map_page.PAGE, committees.PAGE, leadership.PAGE, capacity.PAGE, health.PAGE,
            district.PAGE, transition.PAGE, methods.PAGE, data.PAGE]
