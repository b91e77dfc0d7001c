"""Both maps load, join to official codes and simplify without gaps; the crosswalk links them."""

import copy
import json
import shutil

import geopandas as gpd
import pytest
import shapely

from dashboard import geo
from dashboard.errors import DataError


def test_thirty_districts_join_to_official_codes_and_names():
    districts = geo.load_districts()
    assert len(districts) == 30
    assert districts["code"].is_unique
    assert set(districts["code"]) >= {"001", "271", "269"}
    assert districts.set_index("code").loc["271", "name_vi"] == "Ba Vì"
    assert districts.geometry.is_valid.all()


def test_district_areas_add_up_to_the_city_area():
    area_km2 = geo.load_districts().to_crs(32648).area.sum() / 1e6
    assert area_km2 == pytest.approx(3354, rel=0.01)


def test_display_geometry_keeps_shared_borders_shared():
    simplified = geo.display_districts()
    original = geo.load_districts().to_crs(geo.DISPLAY_CRS)
    assert shapely.get_num_coordinates(simplified.geometry.values).sum() < 0.5 * (
        shapely.get_num_coordinates(original.geometry.values).sum()
    )
    assert simplified.geometry.is_valid.all()
    # A coverage stays a coverage: no district overlaps its neighbour after simplifying.
    union_area = shapely.union_all(simplified.geometry.values).area
    assert union_area == pytest.approx(simplified.geometry.area.sum(), rel=1e-4)


def test_display_geometry_is_built_once_per_process():
    assert geo.display_districts() is geo.display_districts()


def test_missing_boundary_file_names_the_file(tmp_path):
    with pytest.raises(DataError) as error:
        geo.load_districts(tmp_path / "missing.geojson", geo.DISTRICT_LIST)
    assert "missing.geojson" in str(error.value)
    assert "không tìm thấy" in error.value.message("vi")
    assert "not found" in error.value.message("en")


def test_truncated_boundary_file_is_reported_not_crashed(tmp_path):
    broken = tmp_path / "districts.geojson"
    broken.write_text(geo.DISTRICT_BOUNDARIES.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(DataError) as error:
        geo.load_districts(broken, geo.DISTRICT_LIST)
    assert "districts.geojson" in str(error.value)


def test_unit_list_with_a_bad_code_names_row_and_column(tmp_path):
    unit_list = tmp_path / "DISTRICTS.csv"
    lines = geo.DISTRICT_LIST.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("003,", "3x,", 1)
    unit_list.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as error:
        geo.load_districts(geo.DISTRICT_BOUNDARIES, unit_list)
    assert error.value.row == 4
    assert error.value.column == "gso_code"
    assert "DISTRICTS.csv" in str(error.value)


def test_unit_list_missing_a_district_is_a_mismatch(tmp_path):
    unit_list = tmp_path / "DISTRICTS.csv"
    lines = geo.DISTRICT_LIST.read_text(encoding="utf-8").splitlines()
    unit_list.write_text("\n".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(DataError) as error:
        geo.load_districts(geo.DISTRICT_BOUNDARIES, unit_list)
    assert "My Duc" in error.value.message("en")


def test_boundary_file_without_names_is_rejected(tmp_path):
    copy = tmp_path / "b.geojson"
    shutil.copy(geo.DISTRICT_BOUNDARIES, copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace('"shapeName"', '"nom"'), encoding="utf-8")
    with pytest.raises(DataError) as error:
        geo.load_districts(copy, geo.DISTRICT_LIST)
    assert error.value.column == "shapeName"


# ------------------------------------------------------------- the 126 communes and wards of July 2025


@pytest.fixture(scope="module")
def ward_features():
    return json.loads(geo.COMMUNE_BOUNDARIES.read_text(encoding="utf-8"))


def write_features(path, collection, features):
    path.write_text(json.dumps({**collection, "features": features}, ensure_ascii=False), encoding="utf-8")
    return path


# A feature's own faults are reported before the count is checked, so a short file shows them.
FEW = 12


def test_126_units_with_unique_five_digit_codes_and_valid_geometry():
    communes = geo.load_communes()
    assert len(communes) == 126
    assert communes["code"].is_unique
    assert communes["code"].str.fullmatch(r"\d{5}").all()
    assert communes["unit_type"].value_counts().to_dict() == {"xã": 75, "phường": 51}
    assert communes.geometry.is_valid.all()
    assert not communes.geometry.is_empty.any()
    assert list(communes["code"]) == sorted(communes["code"])


def test_commune_names_are_complete_and_searchable_without_diacritics():
    units = geo.commune_unit_list()
    assert "geometry" not in units.columns
    hoan_kiem = units.set_index("code").loc["00070"]
    assert (hoan_kiem["full_name_vi"], hoan_kiem["name_vi"], hoan_kiem["unit_type"]) == (
        "Phường Hoàn Kiếm", "Hoàn Kiếm", "phường")
    assert units.loc[units["name_folded"].str.contains("hoan kiem"), "code"].tolist() == ["00070"]
    assert units.loc[units["name_folded"].str.contains("dong da"), "full_name_vi"].tolist() == ["Phường Đống Đa"]
    assert (units["full_name_vi"] == units["unit_type"].map(geo.COMMUNE_TYPE_LABELS) + " " + units["name_vi"]).all()


def test_names_place_the_tone_mark_as_the_official_lists_do():
    assert geo.tone_on_main_vowel("Phường Yên Hoà") == "Phường Yên Hòa"
    assert geo.tone_on_main_vowel("Xã Thuỵ Lâm") == "Xã Thụy Lâm"
    assert geo.tone_on_main_vowel("Khoẻ") == "Khỏe"
    for unchanged in ("Quý", "Hoàng Mai", "Thuận An", "Hòa Lạc"):
        assert geo.tone_on_main_vowel(unchanged) == unchanged
    names = geo.commune_unit_list().set_index("code")["full_name_vi"]
    assert names["00175"] == "Phường Yên Hòa"


def test_the_unit_list_is_a_copy_callers_cannot_spoil():
    units = geo.commune_unit_list()
    units.loc[0, "full_name_vi"] = "Xã Sai"
    assert geo.commune_unit_list().loc[0, "full_name_vi"] != "Xã Sai"


def test_commune_areas_add_up_to_the_city_area():
    area_km2 = geo.load_communes().to_crs(32648).area.sum() / 1e6
    assert area_km2 == pytest.approx(3359.8, rel=0.01)


def test_commune_display_geometry_keeps_shared_borders_shared():
    original = geo.load_communes().to_crs(geo.DISPLAY_CRS)
    simplified = geo.display_communes()
    before = geo.geometry_size(original)["vertices"]
    after = geo.geometry_size(simplified)["vertices"]
    assert after < 0.1 * before
    assert simplified.geometry.is_valid.all()
    assert list(simplified["code"]) == list(original["code"])
    # Every border between two units is one shared edge: no gaps, no overlaps along it.
    assert shapely.coverage_is_valid(simplified.geometry.values)
    union = shapely.union_all(simplified.geometry.values)
    assert union.area == pytest.approx(simplified.geometry.area.sum(), rel=1e-6)
    gaps = shapely.Polygon(union.exterior).area - union.area
    assert gaps < 1_000  # m², where four units meet; a square of 32 m
    area_change = (simplified.area.to_numpy() - original.area.to_numpy()) / original.area.to_numpy()
    assert abs(area_change).max() < 0.01


def test_commune_display_geometry_is_small_and_exact_in_float32():
    simplified = geo.display_communes()
    size = geo.geometry_size(simplified)
    # The map page's websocket budget on load is 120 KB; the polygons must leave room for values.
    assert size["bytes_float32"] <= 90_000
    xy = shapely.get_coordinates(simplified.geometry.values)
    assert (xy.astype("float32").astype("float64") == xy).all()


def test_commune_display_geometry_is_built_once_per_process():
    assert geo.display_communes() is geo.display_communes()


def test_display_geometry_is_found_by_map_id():
    assert geo.display_geometry(geo.COMMUNE_MAP_ID) is geo.display_communes()
    assert geo.display_geometry(geo.DISTRICT_MAP_ID) is geo.display_districts()
    with pytest.raises(KeyError, match="hn_city"):
        geo.display_geometry("hn_city")


def test_a_tiny_overlap_is_trimmed_and_a_large_one_reported():
    square = shapely.box(0, 0, 1000, 1000)
    units = gpd.GeoDataFrame(
        {"code": ["00001", "00002"]},
        geometry=[square, shapely.box(1000 - 0.001, 0, 2000, 1000)], crs=geo.DISPLAY_CRS,
    )
    trimmed = geo.remove_slivers(units, "x.geojson")
    assert shapely.coverage_is_valid(trimmed.geometry.values)
    assert trimmed.geometry.iloc[0].equals(square)
    units.loc[1, "geometry"] = shapely.box(900, 0, 2000, 1000)
    with pytest.raises(DataError) as error:
        geo.remove_slivers(units, "x.geojson")
    assert error.value.column == "geometry"
    assert "00001 / 00002" in error.value.message("en")
    assert "chồng lấn" in error.value.message("vi")


def test_missing_commune_file_names_the_file(tmp_path):
    with pytest.raises(DataError) as error:
        geo.load_communes(tmp_path / "wards.geojson")
    assert "wards.geojson" in str(error.value)
    assert "không tìm thấy" in error.value.message("vi")
    assert "not found" in error.value.message("en")


def test_truncated_commune_file_is_reported_not_crashed(tmp_path):
    broken = tmp_path / "wards.geojson"
    broken.write_text(geo.COMMUNE_BOUNDARIES.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(DataError) as error:
        geo.load_communes(broken)
    assert "wards.geojson" in str(error.value)


def test_a_missing_unit_is_reported_with_the_counts(tmp_path, ward_features):
    path = write_features(tmp_path / "w.geojson", ward_features, ward_features["features"][1:])
    with pytest.raises(DataError) as error:
        geo.load_communes(path)
    assert "125" in error.value.message("en") and "126" in error.value.message("en")
    assert "50 phường" in error.value.message("vi")


def test_a_duplicate_code_names_the_feature_and_column(tmp_path, ward_features):
    features = copy.deepcopy(ward_features["features"][:FEW])
    features[5]["properties"]["code"] = features[4]["properties"]["code"]
    with pytest.raises(DataError) as error:
        geo.load_communes(write_features(tmp_path / "w.geojson", ward_features, features))
    assert (error.value.row, error.value.column) == ("feature 6", "code")
    assert "trùng" in error.value.message("vi") and "duplicate" in error.value.message("en")


@pytest.mark.parametrize("code", ["4", "000040", "0000A", 4])
def test_a_code_that_is_not_five_digits_is_refused(tmp_path, ward_features, code):
    features = copy.deepcopy(ward_features["features"][:FEW])
    features[2]["properties"]["code"] = code
    with pytest.raises(DataError) as error:
        geo.load_communes(write_features(tmp_path / "w.geojson", ward_features, features))
    assert (error.value.row, error.value.column) == ("feature 3", "code")
    assert "5 digits" in error.value.message("en")


def test_a_full_name_that_does_not_match_the_name_is_refused(tmp_path, ward_features):
    features = copy.deepcopy(ward_features["features"][:FEW])
    features[0]["properties"]["fullName"] = "Quận Ba Đình"
    with pytest.raises(DataError) as error:
        geo.load_communes(write_features(tmp_path / "w.geojson", ward_features, features))
    assert (error.value.row, error.value.column, error.value.value) == ("feature 1", "fullName", "Quận Ba Đình")


def test_a_missing_name_is_refused(tmp_path, ward_features):
    features = copy.deepcopy(ward_features["features"][:FEW])
    features[7]["properties"]["name"] = " "
    with pytest.raises(DataError) as error:
        geo.load_communes(write_features(tmp_path / "w.geojson", ward_features, features))
    assert (error.value.row, error.value.column) == ("feature 8", "name")


def test_invalid_commune_geometry_is_refused(tmp_path, ward_features):
    features = copy.deepcopy(ward_features["features"][:FEW])
    features[9]["geometry"] = {"type": "Polygon", "coordinates": [[[105.8, 21.0], [105.9, 21.1],
                                                                   [105.9, 21.0], [105.8, 21.1], [105.8, 21.0]]]}
    with pytest.raises(DataError) as error:
        geo.load_communes(write_features(tmp_path / "w.geojson", ward_features, features))
    assert (error.value.row, error.value.column) == ("feature 10", "geometry")
    assert "invalid geometry" in error.value.message("en")


def test_a_commune_file_without_codes_is_refused(tmp_path):
    copy_path = tmp_path / "w.geojson"
    copy_path.write_text(geo.COMMUNE_BOUNDARIES.read_text(encoding="utf-8").replace('"code"', '"ma"'),
                         encoding="utf-8")
    with pytest.raises(DataError) as error:
        geo.load_communes(copy_path)
    assert error.value.column == "code"


# ------------------------------------------------------------------ the crosswalk between the maps


def test_the_crosswalk_covers_every_old_commune_of_every_district():
    rows = geo.read_crosswalk()
    districts = geo.read_district_list()
    assert rows["old_code"].nunique() == 526
    assert set(rows["old_district_code"]) == set(districts["gso_code"])
    assert set(rows["new_code"]) == set(geo.load_communes()["code"])
    # Names agree with the two official lists.
    full_names = dict(zip(districts["gso_code"], districts["unit_type"].map(geo.UNIT_TYPE_LABELS)
                          + " " + districts["name_vi"]))
    assert (rows["old_district_name"] == rows["old_district_code"].map(full_names)).all()
    units = geo.commune_unit_list().set_index("code")["full_name_vi"]
    assert (rows["new_name"] == rows["new_code"].map(units)).all()


def test_every_district_has_successors_and_each_is_its_predecessor():
    for code in geo.read_district_list()["gso_code"]:
        successors = geo.successors(code)
        assert len(successors), code
        for new_code in successors["new_code"]:
            assert code in set(geo.predecessors(new_code)["old_district_code"])


def test_hoan_kiem_district_went_to_wards_of_the_old_quarter():
    successors = geo.successors("002").set_index("new_code")
    assert {"00070", "00082"} <= set(successors.index)
    assert successors.loc["00070", "new_name"] == "Phường Hoàn Kiếm"
    assert successors.loc["00070", "merge_type"] == "partial"
    # Phường Hồng Hà took whole communes of Hoàn Kiếm, but also communes of other districts.
    assert successors.loc["00097", "merge_type"] == "full"
    assert successors.loc["00097", "other_districts"]
    counts = successors[["communes", "full_communes", "partial_communes"]]
    assert (counts["communes"] == counts["full_communes"] + counts["partial_communes"]).all()


def test_predecessors_of_ba_dinh_ward():
    predecessors = geo.predecessors("00004")
    assert list(predecessors["old_district_code"]) == ["001", "002", "003"]
    assert list(predecessors["old_district_name"]) == ["Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Tây Hồ"]
    assert set(predecessors["merge_type"]) == {"partial"}


def test_unknown_codes_have_no_successors_or_predecessors():
    assert geo.successors("999").empty
    assert geo.predecessors("99999").empty
    assert geo.successors(2).empty  # a code must be text, as it is everywhere else


def crosswalk_lines():
    return geo.COMMUNE_CROSSWALK.read_text(encoding="utf-8").splitlines()


def write_crosswalk(tmp_path, lines):
    path = tmp_path / "crosswalk.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_crosswalk_that_drops_a_commune_does_not_cover_every_old_commune(tmp_path):
    lines = crosswalk_lines()
    single = next(i for i, line in enumerate(lines) if ",full," in line)
    path = write_crosswalk(tmp_path, lines[:single] + lines[single + 1:])
    with pytest.raises(DataError) as error:
        geo.read_crosswalk(path)
    assert "525" in error.value.message("en") and "526" in error.value.message("en")
    assert "không phủ hết" in error.value.message("vi")
    assert "crosswalk.csv" in str(error.value)


def test_a_split_commune_left_in_one_unit_is_reported_with_its_row(tmp_path):
    lines = crosswalk_lines()
    header = lines[0].split(",")
    old_code = header.index("old_code")
    partial = [i for i, line in enumerate(lines) if ",partial," in line]
    first = partial[0]
    twin = lines[first].split(",")[old_code]
    keep = [line for i, line in enumerate(lines) if not (i != first and i in partial
                                                         and line.split(",")[old_code] == twin)]
    with pytest.raises(DataError) as error:
        geo.read_crosswalk(write_crosswalk(tmp_path, keep))
    assert (error.value.row, error.value.column) == (first + 1, "merge_type")
    assert "partial" in error.value.message("en")


def test_a_bad_merge_type_names_row_and_column(tmp_path):
    lines = crosswalk_lines()
    lines[3] = lines[3].replace(",partial,", ",một phần,").replace(",full,", ",một phần,")
    with pytest.raises(DataError) as error:
        geo.read_crosswalk(write_crosswalk(tmp_path, lines))
    assert (error.value.row, error.value.column, error.value.value) == (4, "merge_type", "một phần")


def test_a_district_code_not_in_the_list_is_refused(tmp_path):
    lines = crosswalk_lines()
    column = lines[0].split(",").index("old_district_code")
    single = next(i for i, line in enumerate(lines) if ",full," in line)
    cells = lines[single].split(",")
    cells[column] = "099"
    lines[single] = ",".join(cells)
    with pytest.raises(DataError) as error:
        geo.read_crosswalk(write_crosswalk(tmp_path, lines))
    assert (error.value.row, error.value.column, error.value.value) == (single + 1, "old_district_code", "099")


def test_a_short_code_in_the_crosswalk_names_row_and_column(tmp_path):
    lines = crosswalk_lines()
    lines[1] = "4" + lines[1][5:]
    with pytest.raises(DataError) as error:
        geo.read_crosswalk(write_crosswalk(tmp_path, lines))
    assert (error.value.row, error.value.column, error.value.value) == (2, "new_code", "4")


def test_a_missing_crosswalk_names_the_file(tmp_path):
    with pytest.raises(DataError) as error:
        geo.read_crosswalk(tmp_path / "crosswalk.csv")
    assert "crosswalk.csv" in str(error.value) and "not found" in error.value.message("en")


@pytest.mark.parametrize("map_id", ["hn_districts_2014", "hn_communes_2025"])
def test_packed_screen_coordinates_are_int16_and_keep_every_vertex_within_a_step(map_id):
    import numpy as np

    xs, ys = geo.packed_coordinates(map_id)
    units = geo.display_geometry(map_id)
    assert len(xs) == len(units)
    bounds = np.array([geo.display_geometry(m).total_bounds for m in ("hn_districts_2014", "hn_communes_2025")])
    origin_x, origin_y = bounds[:, 0].min(), bounds[:, 1].min()
    for unit_xs, unit_ys, geometry in zip(xs, ys, units.geometry):
        parts = getattr(geometry, "geoms", [geometry])
        assert len(unit_xs) == len(parts)  # the MultiPolygons keep every part
        exterior = np.asarray(parts[0].exterior.coords)
        assert unit_xs[0][0].dtype == np.int16
        steps = np.column_stack([unit_xs[0][0], unit_ys[0][0]]).astype(float)
        unpacked = steps * geo.PACKED_STEP_M + [origin_x, origin_y]
        assert np.abs(unpacked - exterior).max() <= geo.PACKED_STEP_M / 2


def test_packed_coordinates_keep_shared_borders_shared():
    # A vertex two neighbours share before packing is one vertex after it.
    units = geo.display_geometry("hn_communes_2025")
    xs, ys = geo.packed_coordinates("hn_communes_2025")
    first, second = next(
        (i, j) for i in range(len(units)) for j in range(i + 1, len(units))
        if units.geometry.iloc[i].touches(units.geometry.iloc[j])
        and units.geometry.iloc[i].intersection(units.geometry.iloc[j]).length > 0
    )

    def points(k):
        return {(int(x), int(y)) for px, py in zip(xs[k], ys[k]) for rx, ry in zip(px, py) for x, y in zip(rx, ry)}

    assert len(points(first) & points(second)) >= 2
