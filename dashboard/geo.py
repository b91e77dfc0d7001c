"""Load both maps' boundaries and unit lists, the commune crosswalk between them, and display geometry."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import maps
from .errors import DataError
from .importer.normalize import fold

GEODATA_DIR = Path(__file__).resolve().parent.parent / "geodata"
DISTRICT_BOUNDARIES = GEODATA_DIR / "hanoi_districts_geoboundaries_adm2.geojson"
DISTRICT_LIST = GEODATA_DIR / "DISTRICTS.csv"

# The map of the plan: 30 district-level units, valid until 30 June 2025.
DISTRICT_MAP_ID = maps.DISTRICT_MAP.id
EXPECTED_DISTRICTS = maps.DISTRICT_MAP.unit_count
# Web Mercator, so the map is drawn with the proportions users know from web maps.
DISPLAY_CRS = "EPSG:3857"
# Metres. About one pixel of a full-screen map of the city; removes ~70% of vertices
# while borders stay visibly the same.
SIMPLIFY_TOLERANCE_M = 60
# Metres. Coordinates finer than this only add bytes to every session.
COORDINATE_GRID_M = 1.0
# Square metres. Neighbours that overlap by less than a parking space are digitising noise
# and are trimmed for display; anything larger is a data error.
MAX_SLIVER_M2 = 10.0

BOUNDARY_ATTRIBUTION = maps.DISTRICT_MAP.attribution

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


def _read_geofile(path: Path) -> gpd.GeoDataFrame:
    """The features of a boundary file, or a DataError naming the file when it cannot be read."""
    if not path.exists():
        raise DataError(path.name, "không tìm thấy tệp.", "file not found.")
    try:
        return gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataError(
            path.name,
            f"không đọc được tệp ranh giới ({exc}).",
            f"cannot read the boundary file ({exc}).",
        ) from exc


def _require_wgs84(path: Path, shapes: gpd.GeoDataFrame) -> None:
    """Both boundary files are published in WGS 84; anything else would land in the wrong place."""
    if shapes.crs is None or shapes.crs.to_epsg() != 4326:
        raise DataError(
            path.name,
            "hệ tọa độ phải là WGS 84 (EPSG:4326).",
            "the coordinate system must be WGS 84 (EPSG:4326).",
            value=str(shapes.crs),
        )


def read_boundaries(path: str | Path = DISTRICT_BOUNDARIES) -> gpd.GeoDataFrame:
    """Read the boundary file and check that each feature is a usable polygon."""
    path = Path(path)
    shapes = _read_geofile(path)
    if "shapeName" not in shapes.columns:
        raise DataError(
            path.name, "thiếu thuộc tính bắt buộc.", "a required property is missing.",
            column="shapeName",
        )
    _require_wgs84(path, shapes)
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


def remove_slivers(units: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    """Give each tiny overlap between neighbours to the unit listed first, so that shared borders match.

    coverage_simplify keeps a border shared only when both sides carry the same vertices. The
    2025 file has one such flaw (0.3 m² between Xã Thuận An and Xã Gia Lâm); an overlap larger than
    MAX_SLIVER_M2 is a data error, not a digitising artefact, and is reported instead.
    """
    geometries = units.geometry.values
    if shapely.coverage_is_valid(geometries):
        return units
    flagged = [i for i, edges in enumerate(shapely.coverage_invalid_edges(geometries)) if not edges.is_empty]
    repaired = list(geometries)
    for position, later in enumerate(flagged):
        for earlier in flagged[:position]:
            overlap = shapely.intersection(repaired[later], repaired[earlier])
            if overlap.area > MAX_SLIVER_M2:
                raise DataError(
                    source,
                    f"hai đơn vị chồng lấn nhau {overlap.area:,.0f} m².",
                    f"two units overlap by {overlap.area:,.0f} m².",
                    row=f"feature {later + 1}",
                    column="geometry",
                    value=f"{units['code'].iloc[earlier]} / {units['code'].iloc[later]}",
                )
            if overlap.area > 0:
                repaired[later] = shapely.difference(repaired[later], repaired[earlier])
    units = units.copy()
    units["geometry"] = repaired
    return units


def simplify_coverage(units: gpd.GeoDataFrame, tolerance: float, source: str = "") -> gpd.GeoDataFrame:
    """Project for the web and simplify all polygons together, so neighbours keep one shared border."""
    projected = remove_slivers(units.to_crs(DISPLAY_CRS), source)
    # coverage_simplify simplifies each shared edge once, so no gaps or overlaps appear
    # between units, unlike simplifying each polygon on its own.
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
    return simplify_coverage(load_districts(boundaries, unit_list), SIMPLIFY_TOLERANCE_M, Path(boundaries).name)


# ------------------------------------------------------------- communes and wards (from 1 July 2025)

COMMUNE_BOUNDARIES = GEODATA_DIR / "hanoi_wards_2025.geojson"
COMMUNE_CROSSWALK = GEODATA_DIR / "hanoi_communes_old_to_new_2025.csv"

COMMUNE_MAP_ID = maps.COMMUNE_MAP.id
EXPECTED_COMMUNES = maps.COMMUNE_MAP.unit_count
# Nghị quyết 1656/NQ-UBTVQH15: the 126 units are 51 wards and 75 communes.
EXPECTED_COMMUNE_KINDS = {"phường": 51, "xã": 75}
# Commune-level units (xã, phường, thị trấn) of Hà Nội on 30 June 2025, all of which the
# crosswalk must place in the new map; a dropped row changes this count.
EXPECTED_OLD_COMMUNES = 526
COMMUNE_ATTRIBUTION = maps.COMMUNE_MAP.attribution
# Metres. The full-city map spans about 110 m per pixel on a 1000-pixel-wide screen, so 80 m
# stays under a pixel there. It keeps 8% of the vertices (133,037 -> 10,679: 85 KB as float32),
# which fits the 120 KB websocket budget of the map page, and changes no unit's area by more
# than 1% (the smallest ward, Cửa Nam, 1.9 km², by 0.4%). 60 m, the districts' value, would
# need 104 KB for the polygons alone.
COMMUNE_SIMPLIFY_TOLERANCE_M = 80

COMMUNE_TYPES_EN = {"phường": "ward", "xã": "commune"}
COMMUNE_TYPE_LABELS = {"phường": "Phường", "xã": "Xã"}
MERGE_TYPES = ("full", "partial")
COMMUNE_PROPERTIES = ["code", "name", "nameEn", "fullName", "fullNameEn"]
CROSSWALK_COLUMNS = ["new_code", "new_name", "old_code", "old_name", "merge_type",
                     "old_district_code", "old_district_name"]


def _feature_error(path: Path, reason_vi: str, reason_en: str, index: int, column: str, value: object):
    return DataError(path.name, reason_vi, reason_en, row=f"feature {index + 1}", column=column, value=value)


def read_commune_boundaries(path: str | Path = COMMUNE_BOUNDARIES) -> gpd.GeoDataFrame:
    """Read the 126 communes and wards, checking codes, names, kinds, count and geometry."""
    path = Path(path)
    shapes = _read_geofile(path)
    for column in COMMUNE_PROPERTIES:
        if column not in shapes.columns:
            raise DataError(
                path.name, "thiếu thuộc tính bắt buộc.", "a required property is missing.", column=column
            )
    _require_wgs84(path, shapes)
    kinds = []
    for index, row in enumerate(shapes[COMMUNE_PROPERTIES].itertuples(index=False)):
        code = row.code if isinstance(row.code, str) else str(row.code)
        if not (code.isdigit() and len(code) == maps.COMMUNE_MAP.code_digits):
            raise _feature_error(
                path, "mã xã, phường phải gồm đúng 5 chữ số.",
                "the commune or ward code must be exactly 5 digits.", index, "code", row.code,
            )
        for column in COMMUNE_PROPERTIES[1:]:
            value = getattr(row, column)
            if not isinstance(value, str) or not value.strip():
                raise _feature_error(path, "thiếu tên.", "the name is missing.", index, column, value)
        kind = next((k for k, label in COMMUNE_TYPE_LABELS.items() if row.fullName == f"{label} {row.name}"), None)
        if kind is None:
            raise _feature_error(
                path,
                f"tên đầy đủ phải là 'Phường {row.name}' hoặc 'Xã {row.name}'.",
                f"the full name must be 'Phường {row.name}' or 'Xã {row.name}'.",
                index, "fullName", row.fullName,
            )
        kinds.append(kind)
        geometry = shapes.geometry.iloc[index]
        if (geometry is None or geometry.is_empty or not geometry.is_valid
                or geometry.geom_type not in ("Polygon", "MultiPolygon")):
            raise _feature_error(
                path, "hình học rỗng hoặc không hợp lệ.", "empty or invalid geometry.", index, "geometry", code
            )
    duplicated = shapes["code"].astype(str).duplicated()
    if duplicated.any():
        index = int(duplicated.to_numpy().argmax())
        raise _feature_error(path, "mã đơn vị bị trùng.", "duplicate unit code.", index, "code",
                             shapes["code"].iloc[index])
    counts = {kind: kinds.count(kind) for kind in EXPECTED_COMMUNE_KINDS}
    if len(shapes) != EXPECTED_COMMUNES or counts != EXPECTED_COMMUNE_KINDS:
        raise DataError(
            path.name,
            f"cần đúng {EXPECTED_COMMUNES} đơn vị (51 phường, 75 xã), có {len(shapes)} "
            f"({counts['phường']} phường, {counts['xã']} xã).",
            f"expected exactly {EXPECTED_COMMUNES} units (51 wards, 75 communes), found {len(shapes)} "
            f"({counts['phường']} wards, {counts['xã']} communes).",
        )
    shapes = shapes.copy()
    shapes["unit_type"] = kinds
    return shapes


# oa, oe, uy ending a syllable with the tone mark on the second vowel ("Hoà", "Thuỵ"); not after
# q, where u belongs to the consonant ("Quý").
_TONE_ON_SECOND_VOWEL = re.compile(r"(?<![qQ])([oO][àáảãạèéẻẽẹ]|[uU][ỳýỷỹỵ])(?!\w)")


def tone_on_main_vowel(text: str) -> str:
    """Place the tone mark as the official lists do: "Hoà" becomes "Hòa", "Thuỵ" becomes "Thụy".

    The 2025 boundary file writes 12 names the older way while the crosswalk and the district
    list use this one; one spelling keeps the map, the crosswalk and the importer in agreement.
    """
    def move(match: re.Match) -> str:
        first, second = match.group(1)
        base, tone = unicodedata.normalize("NFD", second)
        return unicodedata.normalize("NFC", first + tone) + base

    return _TONE_ON_SECOND_VOWEL.sub(move, unicodedata.normalize("NFC", text))


def load_communes(boundaries: str | Path = COMMUNE_BOUNDARIES) -> gpd.GeoDataFrame:
    """The 126 communes and wards in WGS 84, with the same columns as the districts."""
    shapes = read_commune_boundaries(boundaries)
    units = pd.DataFrame({
        "code": shapes["code"].astype(str),
        "name_vi": shapes["name"].map(tone_on_main_vowel),
        "name_en": shapes["nameEn"],
        "full_name_vi": shapes["fullName"].map(tone_on_main_vowel),
        "full_name_en": shapes["fullNameEn"],
        "unit_type": shapes["unit_type"],
        "unit_type_en": shapes["unit_type"].map(COMMUNE_TYPES_EN),
        # What the search box compares with: "hoan kiem" finds "Phường Hoàn Kiếm".
        "name_folded": shapes["fullName"].map(fold),
    })
    # A MultiPolygon with one part is a Polygon: the map code then treats most units like districts.
    geometry = [g.geoms[0] if g.geom_type == "MultiPolygon" and len(g.geoms) == 1 else g for g in shapes.geometry]
    # File order (code order in the shipped file), so that a feature number in an error is the file's.
    return gpd.GeoDataFrame(units, geometry=geometry, crs=shapes.crs)


@functools.lru_cache(maxsize=4)
def display_communes(boundaries: str = str(COMMUNE_BOUNDARIES)) -> gpd.GeoDataFrame:
    """Display geometry of the 126 units, built once per process; keyed by a path string."""
    return simplify_coverage(load_communes(boundaries), COMMUNE_SIMPLIFY_TOLERANCE_M, Path(boundaries).name)


def display_geometry(map_id: str) -> gpd.GeoDataFrame:
    """The display geometry of the map `map_id` (see dashboard.maps), from the process cache."""
    builders = {DISTRICT_MAP_ID: display_districts, COMMUNE_MAP_ID: display_communes}
    if map_id not in builders:
        raise KeyError(f"no geometry for map {map_id!r}; known maps: {sorted(builders)}")
    return builders[map_id]()


@functools.lru_cache(maxsize=4)
def _commune_unit_list(boundaries: str) -> pd.DataFrame:
    return pd.DataFrame(load_communes(boundaries).drop(columns="geometry"))


def commune_unit_list(boundaries: str | Path = COMMUNE_BOUNDARIES) -> pd.DataFrame:
    """The 126 units without geometry: for the 2026 template, the importer and search.

    Columns: code, name_vi (short name), name_en, full_name_vi, full_name_en, unit_type
    (phường or xã), unit_type_en, name_folded (full name without diacritics, lowercase).
    """
    return _commune_unit_list(str(boundaries)).copy()


def geometry_size(units: gpd.GeoDataFrame) -> dict[str, int]:
    """Vertices, and bytes of coordinates as Bokeh sends them: two float64, or two float32, per vertex.

    The display geometry lies on a 1 m grid in Web Mercator, where every coordinate of Hà Nội
    is an integer below 2**24 and so exact in float32: sending float32 loses nothing.
    """
    vertices = int(shapely.get_num_coordinates(units.geometry.values).sum())
    return {"vertices": vertices, "bytes_float64": vertices * 2 * 8, "bytes_float32": vertices * 2 * 4}


# Metres per step of the packed screen coordinates: 5 m is far finer than the 60-80 m the shapes
# are simplified to, and 2**15 steps (164 km) span the city with room to spare.
PACKED_STEP_M = 5


@functools.lru_cache(maxsize=4)
def packed_coordinates(map_id: str) -> tuple[list, list]:
    """Bokeh multi-polygon xs and ys of a map's display geometry as 16-bit integers, built once per process.

    Screen coordinates need no projection (the map has no tiles): counting 5 m steps from the
    south-west corner of all maps together, every vertex fits an int16, half the bytes of float32,
    and both maps share one frame, so a view keeps its place when the period changes the map.
    Shared borders stay shared, since neighbours' common vertices round alike. One entry per unit,
    in map order; each entry is a list of polygons, each a list of rings (exterior first, then holes).
    """
    units = display_geometry(map_id)
    bounds = np.array([display_geometry(other).total_bounds for other in maps.MAPS])
    min_x, min_y = bounds[:, 0].min(), bounds[:, 1].min()
    max_x, max_y = bounds[:, 2].max(), bounds[:, 3].max()
    if max(max_x - min_x, max_y - min_y) / PACKED_STEP_M >= 2**15:
        raise ValueError(f"maps are too large for 16-bit coordinates at {PACKED_STEP_M} m")

    def packed(values, origin):
        return np.round((np.asarray(values) - origin) / PACKED_STEP_M).astype(np.int16)

    xs, ys = [], []
    for geometry in units.geometry:
        parts = getattr(geometry, "geoms", [geometry])
        rings = [[polygon.exterior, *polygon.interiors] for polygon in parts]
        xs.append([[packed(ring.coords.xy[0], min_x) for ring in polygon] for polygon in rings])
        ys.append([[packed(ring.coords.xy[1], min_y) for ring in polygon] for polygon in rings])
    return xs, ys


# ------------------------------------------------------------------ the crosswalk between the maps


def read_crosswalk(
    path: str | Path = COMMUNE_CROSSWALK, district_list: str | Path = DISTRICT_LIST
) -> pd.DataFrame:
    """Read and check the old-commune to new-unit crosswalk: one row per (new unit, old commune).

    Every old commune of every district must appear; a commune merged whole ('full') goes to
    one new unit, a commune split ('partial') to two or more.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(path.name, "không tìm thấy tệp.", "file not found.")
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(
            path.name, f"không đọc được tệp CSV ({exc}).", f"cannot read the CSV file ({exc})."
        ) from exc
    for column in CROSSWALK_COLUMNS:
        if column not in rows.columns:
            raise DataError(path.name, "thiếu cột bắt buộc.", "a required column is missing.", column=column)
    digits = {"new_code": 5, "old_code": 5, "old_district_code": 3}
    for index, row in enumerate(rows[CROSSWALK_COLUMNS].itertuples(index=False)):
        line = index + 2
        for column, length in digits.items():
            value = getattr(row, column)
            if not (value.isdigit() and len(value) == length):
                raise DataError(
                    path.name,
                    f"mã phải gồm đúng {length} chữ số.",
                    f"the code must be exactly {length} digits.",
                    row=line, column=column, value=value,
                )
        for column in ("new_name", "old_name", "old_district_name"):
            if not getattr(row, column).strip():
                raise DataError(path.name, "thiếu tên.", "the name is missing.", row=line, column=column)
        if row.merge_type not in MERGE_TYPES:
            raise DataError(
                path.name,
                "kiểu sáp nhập phải là full (cả xã) hoặc partial (một phần).",
                "the merge type must be full (whole commune) or partial (part of it).",
                row=line, column="merge_type", value=row.merge_type,
            )
    pairs = rows.duplicated(["new_code", "old_code"])
    if pairs.any():
        line = int(pairs.to_numpy().argmax()) + 2
        raise DataError(path.name, "cặp mã mới, mã cũ bị trùng.", "duplicate pair of new and old codes.",
                        row=line, column="old_code", value=rows.loc[line - 2, "old_code"])
    _check_one_value_per_key(path, rows, "new_code", "new_name")
    _check_one_value_per_key(path, rows, "old_code", "old_name")
    _check_one_value_per_key(path, rows, "old_code", "old_district_code")
    _check_one_value_per_key(path, rows, "old_code", "merge_type")
    destinations = rows.groupby("old_code")["new_code"].transform("size")
    wrong = ((rows["merge_type"] == "full") & (destinations != 1)) | (
        (rows["merge_type"] == "partial") & (destinations < 2))
    if wrong.any():
        line = int(wrong.to_numpy().argmax()) + 2
        found = int(destinations.iloc[line - 2])
        raise DataError(
            path.name,
            f"xã cũ này có trong {found} đơn vị mới: 'full' cần đúng 1, 'partial' cần từ 2 trở lên.",
            f"this old commune is in {found} new units: 'full' needs exactly 1, 'partial' 2 or more.",
            row=line, column="merge_type", value=rows.loc[line - 2, "merge_type"],
        )
    districts = set(read_district_list(district_list)["gso_code"])
    unknown = rows.loc[~rows["old_district_code"].isin(districts), "old_district_code"]
    if len(unknown):
        raise DataError(path.name, "mã quận, huyện, thị xã không có trong danh sách 30 đơn vị.",
                        "the district code is not one of the 30 districts.",
                        row=int(unknown.index[0]) + 2, column="old_district_code", value=unknown.iloc[0])
    missing = sorted(districts - set(rows["old_district_code"]))
    old_communes = rows["old_code"].nunique()
    new_units = rows["new_code"].nunique()
    if missing or old_communes != EXPECTED_OLD_COMMUNES or new_units != EXPECTED_COMMUNES:
        raise DataError(
            path.name,
            f"không phủ hết các xã cũ: cần {EXPECTED_OLD_COMMUNES} xã cũ của 30 quận, huyện, thị xã và "
            f"{EXPECTED_COMMUNES} đơn vị mới, có {old_communes} xã cũ, {new_units} đơn vị mới; "
            f"quận, huyện thiếu: {missing}.",
            f"does not cover every old commune: expected {EXPECTED_OLD_COMMUNES} old communes of the 30 "
            f"districts and {EXPECTED_COMMUNES} new units, found {old_communes} old communes, {new_units} "
            f"new units; districts missing: {missing}.",
            column="old_code",
        )
    return rows


def _check_one_value_per_key(path: Path, rows: pd.DataFrame, key: str, column: str) -> None:
    """Each `key` must carry one `column` value on every row; otherwise name the first row that differs."""
    first = rows.groupby(key)[column].transform("first")
    differs = rows[column] != first
    if differs.any():
        line = int(differs.to_numpy().argmax()) + 2
        raise DataError(
            path.name,
            f"cùng {key} {rows.loc[line - 2, key]} nhưng {column} khác các dòng trước ({first.iloc[line - 2]!r}).",
            f"same {key} {rows.loc[line - 2, key]} but {column} differs from earlier rows "
            f"({first.iloc[line - 2]!r}).",
            row=line, column=column, value=rows.loc[line - 2, column],
        )


@functools.lru_cache(maxsize=4)
def _succession(path: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Links (district, new unit) seen from each side, built once per process."""
    rows = read_crosswalk(path)
    by_district = _links(rows, ["old_district_code", "new_code", "new_name"])
    districts_per_unit = rows.groupby("new_code")["old_district_code"].nunique()
    by_district["other_districts"] = by_district["new_code"].map(districts_per_unit) > 1
    by_unit = _links(rows, ["new_code", "old_district_code", "old_district_name"])
    return by_district, by_unit


def _links(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Old communes per (district, new unit), counted whole and in part."""
    grouped = rows.assign(full=rows["merge_type"] == "full").groupby(by, sort=True)
    links = grouped.agg(communes=("old_code", "size"), full_communes=("full", "sum")).reset_index()
    links["partial_communes"] = links["communes"] - links["full_communes"]
    links["merge_type"] = links["partial_communes"].map(lambda n: "partial" if n else "full")
    return links


def successors(old_district_code: str, crosswalk: str | Path = COMMUNE_CROSSWALK) -> pd.DataFrame:
    """The new units that took the communes of an old district, in code order.

    One row per new unit: new_code, new_name, communes (old communes of this district in it),
    full_communes, partial_communes, merge_type ('full' when every one of them went whole into
    this unit, else 'partial'), and other_districts (True when the unit also took communes of
    another district). An unknown district code gives no rows.
    """
    by_district, _ = _succession(str(crosswalk))
    chosen = by_district[by_district["old_district_code"] == str(old_district_code)]
    return chosen.drop(columns="old_district_code").reset_index(drop=True)


def predecessors(new_unit_code: str, crosswalk: str | Path = COMMUNE_CROSSWALK) -> pd.DataFrame:
    """The old districts whose communes make up a new unit, in code order.

    One row per old district: old_district_code, old_district_name, communes, full_communes,
    partial_communes, merge_type ('full' when every one of those communes came whole).
    An unknown unit code gives no rows.
    """
    _, by_unit = _succession(str(crosswalk))
    chosen = by_unit[by_unit["new_code"] == str(new_unit_code)]
    return chosen.drop(columns="new_code").reset_index(drop=True)
