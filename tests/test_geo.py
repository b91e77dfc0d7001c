"""The district boundaries load, join to official codes, and simplify without gaps."""

import shutil

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
