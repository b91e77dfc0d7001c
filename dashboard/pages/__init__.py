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


def registered_pages() -> list[PageRecord]:
    """Pages in navigation order; imported lazily so importing one page stays cheap."""
    from . import district, methods
    from . import map as map_page

    return [map_page.PAGE, district.PAGE, methods.PAGE]
