"""Map polygons sent as a few flat 16-bit arrays and unpacked in the browser.

A map's polygons travel once. As nested arrays, Bokeh sends one buffer, with its own description,
per ring of every unit (260 for the 126 units); here the whole map is two int16 coordinate arrays
and three small count arrays, and a `CustomJSTransform` rebuilds the nested rings in the browser
whenever the glyph needs them. Nothing is sent back to the server.

Where the arrays come from:
- in a session served by `python -m dashboard serve`, from one static file per map (`shapes_file`,
  at a versioned URL the browser keeps for a year), fetched once by the page: the websocket
  document carries no coordinate at all, and a second visit reads them from the browser's cache;
- elsewhere (a notebook, an HTML file, a bare `panel serve`), in the document itself, as before.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
from bokeh.models import ColumnDataSource, CustomJSTransform
from bokeh.transform import transform

from .. import geo
from . import browser_code

# The first bytes of a shapes file, and its format version: a page never draws anything else.
SHAPES_MAGIC = b"HNS1"
# Little-endian, in this order after the magic: four uint32 counts (units, polygons, rings,
# points), then int32 polygons_per_unit, int32 rings_per_polygon, int32 ring_length, int16 x and
# int16 y. Every int32 array starts on a 4-byte boundary, so the browser views them in place.
SHAPES_COUNTS = ("polygons_per_unit", "rings_per_polygon", "ring_length")

UNPACK_ARGS = ("shapes", "counts", "polygons", "units", "url", "magic", "extent", "source", "axis", "xs")


def unpack_code() -> str:
    """Each axis's transform: `unpackShapes` (dashboard/assets/map_shapes.js). Where the page does not
    link that file, `shapes.tags` carries it, once per map and page for both axes."""
    return browser_code.call("map_shapes.js", "unpackShapes", UNPACK_ARGS, carried="shapes.tags[0]")


@functools.lru_cache(maxsize=4)
def flat_shapes(map_id: str) -> dict[str, np.ndarray]:
    """The map's packed coordinates (geo.packed_coordinates) as flat arrays, built once per process."""
    xs, ys = geo.packed_coordinates(map_id)
    rings_x = [ring for unit in xs for polygon in unit for ring in polygon]
    rings_y = [ring for unit in ys for polygon in unit for ring in polygon]
    return {
        "x": np.concatenate(rings_x),
        "y": np.concatenate(rings_y),
        "ring_length": np.array([len(ring) for ring in rings_x], dtype=np.int32),
        "rings_per_polygon": np.array([len(polygon) for unit in xs for polygon in unit], dtype=np.int32),
        "polygons_per_unit": np.array([len(unit) for unit in xs], dtype=np.int32),
    }


@functools.lru_cache(maxsize=4)
def shapes_file(map_id: str) -> bytes:
    """The map's flat arrays as one file (format above), built once per process."""
    flat = flat_shapes(map_id)
    header = np.array([len(flat["polygons_per_unit"]), len(flat["rings_per_polygon"]),
                       len(flat["ring_length"]), len(flat["x"])], dtype="<u4")
    arrays = [flat[name].astype("<i4") for name in SHAPES_COUNTS] + [flat[axis].astype("<i2") for axis in "xy"]
    return SHAPES_MAGIC + header.tobytes() + b"".join(array.tobytes() for array in arrays)


@functools.lru_cache(maxsize=4)
def shapes_version(map_id: str) -> str:
    """A short hash of the map's shapes file: its URL changes whenever its content does."""
    return hashlib.sha256(shapes_file(map_id)).hexdigest()[:12]


@functools.lru_cache(maxsize=4)
def shapes_extent(map_id: str) -> list[int]:
    """[min x, min y, max x, max y] of the map's packed coordinates."""
    flat = flat_shapes(map_id)
    return [int(flat["x"].min()), int(flat["y"].min()), int(flat["x"].max()), int(flat["y"].max())]


def unpacked_fields(
    map_id: str, key_column: str = "code", url: str | None = None, source: ColumnDataSource | None = None
) -> tuple[dict, dict]:
    """The `xs` and `ys` specs of a multi_polygons glyph drawing `map_id`, from this session's models.

    The glyph's source needs one row per unit in map order, with a `key_column` (any column: the
    transform only uses the row count). With a `url` (the map's `shapes_file`, served), the arrays
    stay out of the document and the page fetches them; `source`, the glyph's own, is then redrawn
    when they arrive.
    """
    if url:
        if source is None:
            raise ValueError("shapes fetched from a URL need the glyph's source, to redraw it")
        # One model holds the five arrays once they arrive (in the page only, where columns of
        # different lengths are no matter). Plain empty lists: an empty array would still travel
        # as a binary buffer of its own.
        holder = ColumnDataSource({name: [] for name in ("x", "y", *SHAPES_COUNTS)})
        sources = dict.fromkeys(("shapes", "counts", "polygons", "units"), holder)
    else:
        arrays = flat_shapes(map_id)
        sources = {
            "shapes": ColumnDataSource({"x": arrays["x"], "y": arrays["y"]}),
            "counts": ColumnDataSource({"ring_length": arrays["ring_length"]}),
            "polygons": ColumnDataSource({"rings_per_polygon": arrays["rings_per_polygon"]}),
            "units": ColumnDataSource({"polygons_per_unit": arrays["polygons_per_unit"]}),
        }
    args = {
        **sources,
        "url": url or "",
        "magic": SHAPES_MAGIC.decode("ascii"),
        "extent": shapes_extent(map_id),
        "source": source,
    }
    # Unless linked, the code travels once per map, in the shapes model both axes share.
    if not browser_code.page_links_scripts():
        args["shapes"].tags = [browser_code.script("map_shapes.js")]
    code = unpack_code()
    fields = [transform(key_column, CustomJSTransform(args={**args, "axis": axis}, v_func=code))
              for axis in ("x", "y")]
    return fields[0], fields[1]
