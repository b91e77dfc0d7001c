"""The flat arrays, in the document or in the served shapes file, rebuild exactly the nested rings of
every unit, in map order."""

import numpy as np
import pytest
from bokeh.models import ColumnDataSource

from dashboard import geo
from dashboard.views.packed_shapes import (
    SHAPES_MAGIC,
    flat_shapes,
    shapes_extent,
    shapes_file,
    shapes_version,
    unpacked_fields,
)


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


def read_shapes_file(content: bytes) -> dict[str, np.ndarray]:
    """What UNPACK_JS reads from a fetched shapes file, step by step."""
    assert content[:4] == SHAPES_MAGIC
    n_units, n_polygons, n_rings, n_points = np.frombuffer(content, "<u4", 4, 4)
    assert len(content) == 20 + 4 * (n_units + n_polygons + n_rings) + 4 * n_points
    offset, out = 20, {}
    for name, dtype, count in [("polygons_per_unit", "<i4", n_units), ("rings_per_polygon", "<i4", n_polygons),
                               ("ring_length", "<i4", n_rings), ("x", "<i2", n_points), ("y", "<i2", n_points)]:
        out[name] = np.frombuffer(content, dtype, count, offset)
        offset += out[name].nbytes
    return out


@pytest.mark.parametrize("map_id", ["hn_districts_2014", "hn_communes_2025"])
def test_the_shapes_file_holds_exactly_the_coordinates_of_every_ring(map_id):
    read = read_shapes_file(shapes_file(map_id))
    for axis, nested in zip("xy", geo.packed_coordinates(map_id)):
        rebuilt = unpack(read, axis)
        assert len(rebuilt) == len(nested) == len(geo.display_geometry(map_id))
        for unit_rebuilt, unit_nested in zip(rebuilt, nested, strict=True):
            for polygon_rebuilt, polygon_nested in zip(unit_rebuilt, unit_nested, strict=True):
                assert all(np.array_equal(a, b) for a, b in zip(polygon_rebuilt, polygon_nested, strict=True))
    extent = shapes_extent(map_id)
    assert extent == [read["x"].min(), read["y"].min(), read["x"].max(), read["y"].max()]


def test_each_map_has_its_own_shapes_version():
    versions = {shapes_version(map_id) for map_id in ("hn_districts_2014", "hn_communes_2025")}
    assert len(versions) == 2 and all(len(v) == 12 for v in versions)


def test_fetched_shapes_leave_every_coordinate_out_of_the_document():
    source = ColumnDataSource({"code": ["00070"]})
    xs, ys = unpacked_fields("hn_communes_2025", url="/dashboard-assets/shapes/hn_communes_2025.bin?v=1",
                             source=source)
    args = xs["transform"].args
    assert args["url"].startswith("/dashboard-assets/shapes/") and args["source"] is source
    # One small model stands for the four the embedded arrays need; the page fills it.
    assert {id(args[name]) for name in ("shapes", "counts", "polygons", "units")} == {id(args["shapes"])}
    assert all(len(column) == 0 for column in args["shapes"].data.values())
    # The file's magic is checked in the page, and the map is framed before its shapes arrive.
    assert args["magic"] == SHAPES_MAGIC.decode() and args["extent"] == shapes_extent("hn_communes_2025")
    # Both axes read the same models: one request fills them for both.
    assert ys["transform"].args["shapes"] is args["shapes"]
    with pytest.raises(ValueError):
        unpacked_fields("hn_communes_2025", url="/x.bin")


def test_without_a_url_the_arrays_travel_in_the_document():
    xs, _ = unpacked_fields("hn_communes_2025")
    args = xs["transform"].args
    assert args["url"] == "" and len(args["shapes"].data["x"]) == len(flat_shapes("hn_communes_2025")["x"])
