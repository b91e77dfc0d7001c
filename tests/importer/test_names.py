"""A district name that does not match its GSO code is reported with both values; harmless
spellings of the right name are accepted."""

from __future__ import annotations

import io
import unicodedata

import openpyxl
import pytest

from dashboard.importer import build_template, import_bytes
from dashboard.importer.names import name_matches_code, name_mismatch
from dashboard.importer.normalize import District

BA_DINH = District(code="001", name_vi="Ba Đình", full_name_vi="Quận Ba Đình", unit_type="quận",
                   name_en="Ba Dinh")
SON_TAY = District(code="269", name_vi="Sơn Tây", full_name_vi="Thị xã Sơn Tây",
                   unit_type="thị xã", name_en="Son Tay")


@pytest.mark.parametrize("given", [
    "Quận Ba Đình", "Ba Đình", "ba đình", "QUẬN BA ĐÌNH", "  Quận   Ba  Đình ", "Quận\u00a0Ba Đình",
    unicodedata.normalize("NFD", "Quận Ba Đình"), "quan ba dinh", "Ba Dinh", "Q. Ba Đình",
    "Ba Dinh District", "Huyện Ba Đình",
])
def test_harmless_spellings_of_the_codes_name_match(given):
    assert name_matches_code(BA_DINH, given)
    assert name_mismatch(BA_DINH, given) is None


@pytest.mark.parametrize("given", ["Thị xã Sơn Tây", "TX Sơn Tây", "tx son tay", "Sơn Tây"])
def test_a_town_with_or_without_its_prefix(given):
    assert name_matches_code(SON_TAY, given)


@pytest.mark.parametrize("given", ["Quận Không Tồn Tại", "Quận Hoàn Kiếm", "Ba Đìnhh", "Ba",
                                   "Quận", "Sơn Tây"])
def test_other_names_do_not_match(given):
    assert not name_matches_code(BA_DINH, given)
    vi, en = name_mismatch(BA_DINH, given)
    assert "mã 001 là Quận Ba Đình" in vi and f"«{given}»" in vi
    assert "code 001 is Quận Ba Đình (Ba Dinh)" in en and f"“{given}”" in en


def test_a_blank_name_beside_a_code_is_not_a_mismatch():
    assert name_mismatch(BA_DINH, "  ") is None and name_mismatch(BA_DINH, None) is None


def filled_template(changes: dict[str, str]) -> tuple[bytes, dict[str, int]]:
    """The 2024 template with one figure per district and district names changed by code."""
    book = openpyxl.load_workbook(io.BytesIO(build_template(2024)))
    sheet = book.worksheets[0]
    keys = [cell.value for cell in sheet[2]]
    courses = keys.index("training_courses") + 1
    rows = {}
    for row in range(3, 33):
        code = sheet.cell(row, 1).value
        rows[code] = row
        sheet.cell(row, courses, 4)
        if code in changes:
            sheet.cell(row, 2, changes[code])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), rows


def test_a_wrong_name_in_a_filled_template_is_reported_with_both_values(seeded_db_url):
    data, rows = filled_template({"001": "Quận Không Tồn Tại", "002": "hoan kiem"})
    result = import_bytes(data, "mau-2024.xlsx", user="can.bo", dry_run=True, db_url=seeded_db_url)
    assert not result.ok
    [problem] = [p for p in result.problems if p.code == "district_mismatch"]
    assert (problem.file, problem.sheet, problem.row) == ("mau-2024.xlsx", "Dữ liệu", rows["001"])
    assert problem.column.startswith("B") and problem.value == "Quận Không Tồn Tại"
    vi, en = problem.message("vi"), problem.message("en")
    assert vi.startswith(f"Tệp mau-2024.xlsx, trang Dữ liệu, dòng {rows['001']}, cột B")
    assert "mã 001 là Quận Ba Đình" in vi and "Quận Không Tồn Tại" in vi
    assert en.startswith(f"File mau-2024.xlsx, sheet Dữ liệu, row {rows['001']}, column B")
    assert "code 001 is Quận Ba Đình" in en and "Quận Không Tồn Tại" in en
    # One problem among the others: only that row is refused, "hoan kiem" for 002 is fine.
    assert {p.code for p in result.problems} == {"district_mismatch"}


def test_a_wrong_name_is_one_problem_among_all_others(seeded_db_url):
    data = ("unit_code,district,period,indicator_id,value\n"
            "001,Quận Không Tồn Tại,2024,trainees,100\n"
            "002,Hoàn Kiếm,2024,trainees,-5\n"
            "003,Tây Hồ,2024,no_such_indicator,1\n").encode()
    result = import_bytes(data, "dai.csv", user="can.bo", dry_run=True, db_url=seeded_db_url)
    codes = [(p.row, p.code) for p in result.problems]
    assert codes == [(2, "district_mismatch"), (3, "negative"), (4, "unknown_indicator")]


def test_a_correct_template_passes(seeded_db_url):
    data, _rows = filled_template({"001": "ba dinh", "269": "TX Sơn Tây"})
    result = import_bytes(data, "mau.xlsx", user="can.bo", dry_run=True, db_url=seeded_db_url)
    assert result.ok, result.messages("en")
    assert result.districts == 30
