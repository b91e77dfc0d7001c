"""The flat arrays rebuild exactly the nested rings of every unit, in map order."""

import numpy as np
import pytest

from dashboard import geo
from dashboard.views.packed_shapes import flat_shapes, unpacked_fields


def unpack(flat: dict, axis: str) -> list:
    """What UNPACK_JS does in the browser, step by step."""
    coords, offset, ring, polygon, units = flat[axis], 0, 0, 0, []
    for polygons in flat["polygons_per_unit"]:
        parts = []
        for _ in range(polygons):
            rings = []
            for _ in range(flat["rings_per_polygon"][polygon]):
                length = flat["ring_length"][ring]
                rings.append(coords[offset:offset + length])
                offset, ring = offset + length, ring + 1
            parts.append(rings)
            polygon += 1
        units.append(parts)
    return units


@pytest.mark.parametrize("map_id", ["hn_districts_2014", "hn_communes_2025"])
def test_flat_arrays_rebuild_every_ring(map_id):
    flat = flat_shapes(map_id)
    assert flat["x"].dtype == np.int16 and flat["x"].shape == flat["y"].shape
    for axis, nested in zip("xy", geo.packed_coordinates(map_id)):
        rebuilt = unpack(flat, axis)
        assert len(rebuilt) == len(nested) == len(geo.display_geometry(map_id))
        for unit_rebuilt, unit_nested in zip(rebuilt, nested):
            assert len(unit_rebuilt) == len(unit_nested)
            for polygon_rebuilt, polygon_nested in zip(unit_rebuilt, unit_nested):
                assert all(np.array_equal(a, b) for a, b in zip(polygon_rebuilt, polygon_nested, strict=True))


def test_each_session_gets_its_own_models_over_the_shared_arrays():
    first, _ = unpacked_fields("hn_districts_2014")
    second, _ = unpacked_fields("hn_districts_2014")
    assert first["transform"] is not second["transform"]
    assert first["transform"].args["shapes"].data["x"] is second["transform"].args["shapes"].data["x"]
