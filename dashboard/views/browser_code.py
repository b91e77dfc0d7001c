"""The map page's browser functions: JavaScript files in dashboard/assets, called from Bokeh models.

`window.hanoiDashboard` holds them: `unpackShapes` (map_shapes.js) rebuilds a map's polygons and
`pageCallback` (period_frames.js) draws taps, periods and indicators from the period frames;
`mapDrawn` (first_view.js, which the server puts in the map page itself) removes the page's still
first view once unpackShapes has drawn the live map. A page served by the launcher links the first
two files once, cached by the browser (dashboard.server), so that each session's document carries
only the calls. In a notebook, an exported page or a bare `panel serve`, a model that calls a
function carries its file too, run once per page.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from ..server import ASSETS_DIR, links_assets


@functools.cache
def script(file_name: str) -> str:
    """The text of a browser script of dashboard/assets, read once per process."""
    return (ASSETS_DIR / file_name).read_text(encoding="utf-8")


def page_links_scripts() -> bool:
    """True while building a session whose page links the scripts (see dashboard.server.links_assets)."""
    return links_assets()


def call(file_name: str, function: str, arguments: Iterable[str], carried: str | None = None) -> str:
    """Code that returns `hanoiDashboard.<function>(<arguments>)`, defined by `file_name`.

    Where the page does not link the file, the code runs it first, once per page: from its own
    text, or from `carried`, an expression that holds the text (a model's tags, so that several
    models share one copy).
    """
    invocation = f"return window.hanoiDashboard.{function}({', '.join(arguments)});"
    if page_links_scripts():
        return invocation
    define = f"new Function({carried})()" if carried else f"(() => {{\n{script(file_name)}\n}})()"
    return (f"if (window.hanoiDashboard === undefined || window.hanoiDashboard.{function} === undefined)"
            f" {define};\n{invocation}")
