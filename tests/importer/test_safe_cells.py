"""Downloads neutralise formula cells: a text cell beginning with = + - @ (or a tab or a
carriage return) is prefixed with an apostrophe in every CSV and Excel file people download;
numbers stay numbers; file names built from user text are safe too."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from dashboard.importer import build_template, import_bytes
from dashboard.importer.safe_cells import neutralise, neutralise_frame, safe_file_name
from dashboard.views.table import csv_bytes, excel_bytes

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", " =HYPERLINK(\"x\")",
             "=1+1+.csv (can.bo, 30/11/2026)", "＝1+1", "-", "+84 912 345 678"]
HARMLESS = ["Sở Nội vụ", "Báo cáo 5", "", "1+1", "a=b", "-12,5", "+3", "-1.234.567", "35,5 %",
            "'=1+1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_prefixed(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [*HARMLESS, -3, -2.5, 0, None, float("nan")])
def test_other_values_are_unchanged(value):
    result = neutralise(value)
    assert result is value or result == value or (value != value and result != result)


def test_safe_file_names():
    assert safe_file_name("=1+1+") == "1_1_"
    assert safe_file_name("@lệnh") == "lệnh"
    assert safe_file_name("../../etc/passwd") == "etc_passwd"
    assert safe_file_name("Báo cáo 2024 (Sở Nội vụ)") == "Báo cáo 2024 (Sở Nội vụ)"
    assert safe_file_name("===", default="tep") == "tep"
    assert len(safe_file_name("x" * 500)) == 80


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({
        "Quận, huyện": ["Ba Vì", "=cmd|' /C calc'!A0", "Mỹ Đức"],
        "Giá trị": [-3.5, 12.0, None],
        "Nguồn": ["=1+1+.csv (can.bo, 30/11/2026)", "@SUM(1)", "Sở Nội vụ"],
    })


def test_csv_download_neutralises_text_and_keeps_negative_numbers(table):
    text = csv_bytes(table).getvalue().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[1] == "Ba Vì,-3.5,\"'=1+1+.csv (can.bo, 30/11/2026)\""
    assert lines[2] == "'=cmd|' /C calc'!A0,12.0,'@SUM(1)"
    assert lines[3] == "Mỹ Đức,,Sở Nội vụ"
    assert list(table["Nguồn"])[0].startswith("=")  # the shown table itself is not changed


def test_excel_download_has_no_formula_and_keeps_numbers(table):
    notes = [("Nguồn", "=1+1"), ("Chỉ tiêu", "Học viên")]
    book = openpyxl.load_workbook(excel_bytes(table, notes, "Học viên [nữ]/tổng"))
    data_sheet, notes_sheet = book.worksheets
    assert data_sheet.title == "Học viên  nữ  tổng"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert data_sheet["C2"].value == "'=1+1+.csv (can.bo, 30/11/2026)"
    assert data_sheet["B2"].value == -3.5 and data_sheet["B2"].data_type == "n"
    assert notes_sheet["B2"].value == "'=1+1"


def test_a_source_imported_from_a_formula_named_file_downloads_as_text(fresh_db_url):
    """The finding: a file named =1+1+.csv gave its name to the source of its figures."""
    data = "district,period,indicator_id,value\nBa Vì,2024,training_courses,3\n".encode()
    result = import_bytes(data, "=1+1+.csv", user="can.bo", db_url=fresh_db_url)
    assert result.ok and result.observations[0]["source"].startswith("=1+1+.csv")
    frame = pd.DataFrame({"Nguồn": [result.observations[0]["source"]], "Giá trị": [3.0]})
    assert csv_bytes(frame).getvalue().decode("utf-8-sig").splitlines()[1].startswith("\"'=1+1+")


@pytest.mark.parametrize(("year", "lang"), [(2024, "vi"), (2021, "en")])
def test_the_template_holds_no_formula_and_no_formula_like_text(year, lang):
    book = openpyxl.load_workbook(io.BytesIO(build_template(year, lang)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert neutralise(cell.value) == cell.value, (sheet.title, cell.coordinate)


def test_neutralise_frame_also_covers_headers():
    frame = neutralise_frame(pd.DataFrame({"=x": ["=y"], "n": [-1]}))
    assert list(frame.columns) == ["'=x", "n"] and frame.iloc[0].tolist() == ["'=y", -1]
