"""Load the district boundaries, join them to the official unit list, and prepare display geometry."""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .errors import DataError

GEODATA_DIR = Path(__file__).resolve().parent.parent / "geodata"
DISTRICT_BOUNDARIES = GEODATA_DIR / "hanoi_districts_geoboundaries_adm2.geojson"
DISTRICT_LIST = GEODATA_DIR / "DISTRICTS.csv"

# The map of the plan: 30 district-level units, valid until 30 June 2025.
DISTRICT_MAP_ID = "hn_districts_2014"
EXPECTED_DISTRICTS = 30
# Web Mercator, so the map is drawn with the proportions users know from web maps.
DISPLAY_CRS = "EPSG:3857"
# Metres. About one pixel of a full-screen map of the city; removes ~70% of vertices
# while borders stay visibly the same.
SIMPLIFY_TOLERANCE_M = 60
# Metres. Coordinates finer than this only add bytes to every session.
COORDINATE_GRID_M = 1.0

BOUNDARY_ATTRIBUTION = {
    "vi": "Ranh giới hành chính: geoBoundaries (gbOpen VNM ADM2, CC BY 3.0 IGO), "
    "nguồn OCHA ROAP / Chính phủ Việt Nam.",
    "en": "Administrative boundaries: geoBoundaries (gbOpen VNM ADM2, CC BY 3.0 IGO), "
    "source OCHA ROAP / Government of Viet Nam.",
}

UNIT_TYPES_EN = {"quận": "urban district", "huyện": "rural district", "thị xã": "town"}
UNIT_TYPE_LABELS = {"quận": "Quận", "huyện": "Huyện", "thị xã": "Thị xã"}


def read_district_list(path: str | Path = DISTRICT_LIST) -> pd.DataFrame:
    """Read the official list of district-level units, with codes kept as text."""
    path = Path(path)
    if not path.exists():
        raise DataError(path.name, "không tìm thấy tệp.", "file not found.")
    try:
        units = pd.read_csv(path, dtype={"gso_code": str, "shapeName": str}, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(
            path.name,
            f"không đọc được tệp CSV ({exc}).",
            f"cannot read the CSV file ({exc}).",
        ) from exc
    required = ["gso_code", "name_vi", "unit_type", "shapeName", "communes_2020", "population_2019"]
    for column in required:
        if column not in units.columns:
            raise DataError(
                path.name, "thiếu cột bắt buộc.", "a required column is missing.", column=column
            )
    for index, row in units.iterrows():
        code = str(row["gso_code"])
        if not (code.isdigit() and len(code) == 3):
            raise DataError(
                path.name,
                "mã đơn vị hành chính phải gồm đúng 3 chữ số.",
                "the administrative-unit code must be exactly 3 digits.",
                row=index + 2,
                column="gso_code",
                value=code,
            )
        if row["unit_type"] not in UNIT_TYPES_EN:
            raise DataError(
                path.name,
                "loại đơn vị phải là quận, huyện hoặc thị xã.",
                "the unit type must be quận, huyện or thị xã.",
                row=index + 2,
                column="unit_type",
                value=row["unit_type"],
            )
    duplicated = units["gso_code"].duplicated()
    if duplicated.any():
        row = int(duplicated.idxmax()) + 2
        raise DataError(
            path.name,
            "mã đơn vị bị trùng.",
            "duplicate unit code.",
            row=row,
            column="gso_code",
            value=units.loc[row - 2, "gso_code"],
        )
    return units


def read_boundaries(path: str | Path = DISTRICT_BOUNDARIES) -> gpd.GeoDataFrame:
    """Read the boundary file and check that each feature is a usable polygon."""
    path = Path(path)
    if not path.exists():
        raise DataError(path.name, "không tìm thấy tệp.", "file not found.")
    try:
        shapes = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataError(
            path.name,
            f"không đọc được tệp ranh giới ({exc}).",
            f"cannot read the boundary file ({exc}).",
        ) from exc
    if "shapeName" not in shapes.columns:
        raise DataError(
            path.name, "thiếu thuộc tính bắt buộc.", "a required property is missing.",
            column="shapeName",
        )
    if shapes.crs is None or shapes.crs.to_epsg() != 4326:
        raise DataError(
            path.name,
            "hệ tọa độ phải là WGS 84 (EPSG:4326).",
            "the coordinate system must be WGS 84 (EPSG:4326).",
            value=str(shapes.crs),
        )
    for index, geometry in enumerate(shapes.geometry):
        if geometry is None or geometry.is_empty or not geometry.is_valid:
            raise DataError(
                path.name,
                "hình học rỗng hoặc không hợp lệ.",
                "empty or invalid geometry.",
                row=f"feature {index + 1}",
                column="geometry",
                value=shapes.loc[index, "shapeName"],
            )
    return shapes


def join_districts(shapes: gpd.GeoDataFrame, units: pd.DataFrame, source: str) -> gpd.GeoDataFrame:
    """Join boundaries to the unit list on `shapeName`; every unit must match exactly one shape."""
    missing_shapes = sorted(set(units["shapeName"]) - set(shapes["shapeName"]))
    extra_shapes = sorted(set(shapes["shapeName"]) - set(units["shapeName"]))
    if missing_shapes or extra_shapes:
        raise DataError(
            source,
            f"ranh giới và danh sách đơn vị không khớp: thiếu {missing_shapes}, thừa {extra_shapes}.",
            f"boundaries and unit list do not match: missing {missing_shapes}, extra {extra_shapes}.",
            column="shapeName",
        )
    joined = shapes[["shapeName", "geometry"]].merge(units, on="shapeName", validate="one_to_one")
    if len(joined) != EXPECTED_DISTRICTS:
        raise DataError(
            source,
            f"cần đúng {EXPECTED_DISTRICTS} đơn vị, có {len(joined)}.",
            f"expected exactly {EXPECTED_DISTRICTS} units, found {len(joined)}.",
        )
    joined = joined.rename(columns={"gso_code": "code"})
    joined["name_en"] = joined["shapeName"]
    joined["unit_type_en"] = joined["unit_type"].map(UNIT_TYPES_EN)
    joined["full_name_vi"] = joined["unit_type"].map(UNIT_TYPE_LABELS) + " " + joined["name_vi"]
    columns = ["code", "name_vi", "name_en", "full_name_vi", "unit_type", "unit_type_en",
               "communes_2020", "population_2019", "geometry"]
    return gpd.GeoDataFrame(joined[columns], geometry="geometry", crs=shapes.crs)


def load_districts(
    boundaries: str | Path = DISTRICT_BOUNDARIES, unit_list: str | Path = DISTRICT_LIST
) -> gpd.GeoDataFrame:
    """The 30 districts in WGS 84 with official codes and names, validated."""
    shapes = read_boundaries(boundaries)
    units = read_district_list(unit_list)
    return join_districts(shapes, units, f"{Path(boundaries).name} + {Path(unit_list).name}")


def simplify_coverage(districts: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Project for the web and simplify all polygons together, so neighbours keep one shared border."""
    projected = districts.to_crs(DISPLAY_CRS)
    # coverage_simplify simplifies each shared edge once, so no gaps or overlaps appear
    # between districts, unlike simplifying each polygon on its own.
    simplified = shapely.coverage_simplify(projected.geometry.values, tolerance)
    simplified = shapely.set_precision(simplified, COORDINATE_GRID_M)
    projected = projected.copy()
    projected["geometry"] = simplified
    return projected


@functools.lru_cache(maxsize=4)
def display_districts(
    boundaries: str = str(DISTRICT_BOUNDARIES), unit_list: str = str(DISTRICT_LIST)
) -> gpd.GeoDataFrame:
    """Display geometry, built once per process; keyed by path strings, which are cheap to hash."""
    return simplify_coverage(load_districts(boundaries, unit_list), SIMPLIFY_TOLERANCE_M)
