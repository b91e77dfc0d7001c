"""Map polygons sent as a few flat 16-bit arrays and unpacked in the browser.

A map's polygons travel once per session. As nested arrays, Bokeh sends one buffer, with its own
description, per ring of every unit (260 for the 126 units); here the whole map is two int16
coordinate arrays and three small count arrays, and a `CustomJSTransform` rebuilds the nested
rings in the browser whenever the glyph needs them. Nothing is sent back to the server.
"""

from __future__ import annotations

import functools

import numpy as np
from bokeh.models import ColumnDataSource, CustomJSTransform
from bokeh.transform import transform

from .. import geo

# Rebuilds xs or ys ([unit][polygon][ring] -> coordinates) from the flat arrays. Element by element:
# Bokeh's array class does not slice with `subarray`.
UNPACK_JS = """
const coords = shapes.data[axis];
const ring_length = counts.data.ring_length, rings_per_polygon = polygons.data.rings_per_polygon;
const polygons_per_unit = units.data.polygons_per_unit;
let ring = 0, polygon = 0, offset = 0;
const unpacked = [];
for (let unit = 0; unit < polygons_per_unit.length; unit++) {
  const parts = [];
  for (let k = 0; k < polygons_per_unit[unit]; k++, polygon++) {
    const rings = [];
    for (let j = 0; j < rings_per_polygon[polygon]; j++, ring++) {
      const n = ring_length[ring];
      const points = new Float64Array(n);
      for (let i = 0; i < n; i++) points[i] = coords[offset + i];
      offset += n;
      rings.push(points);
    }
    parts.push(rings);
  }
  unpacked.push(parts);
}
return unpacked;
"""


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


def unpacked_fields(map_id: str, key_column: str = "code") -> tuple[dict, dict]:
    """The `xs` and `ys` specs of a multi_polygons glyph drawing `map_id`, from this session's models.

    The glyph's source needs one row per unit in map order, with a `key_column` (any column: the
    transform only uses the row count).
    """
    flat = flat_shapes(map_id)
    args = {
        "shapes": ColumnDataSource({"x": flat["x"], "y": flat["y"]}),
        "counts": ColumnDataSource({"ring_length": flat["ring_length"]}),
        "polygons": ColumnDataSource({"rings_per_polygon": flat["rings_per_polygon"]}),
        "units": ColumnDataSource({"polygons_per_unit": flat["polygons_per_unit"]}),
    }
    fields = [transform(key_column, CustomJSTransform(args={**args, "axis": axis}, v_func=UNPACK_JS))
              for axis in ("x", "y")]
    return fields[0], fields[1]
