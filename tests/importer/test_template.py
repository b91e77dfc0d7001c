"""The Excel template: what it offers data officers, and that a filled one imports as is."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from dashboard.catalogue import load_catalogue
from dashboard.data import load_data
from dashboard.importer import TemplateError, build_template, import_bytes
from dashboard.importer.template import KEY_ROW, latest_template_year, template_indicators

URBAN_COUNCIL = {"women_candidates_district_council_pct", "women_district_council_pct",
                 "women_commune_council_pct"}


def open_template(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def keys(sheet) -> list[str]:
    return [cell.value for cell in sheet[KEY_ROW]]


@pytest.fixture(scope="module")
def template_2021() -> bytes:
    return build_template(2021)


def test_one_row_per_district_with_code_as_text_and_name(template_2021):
    sheet = open_template(template_2021)["Dữ liệu"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 30
    assert rows[0][:3] == ("001", "Quận Ba Đình", 2021)
    assert sheet["A3"].number_format == "@"
    assert {row[1] for row in rows} >= {"Thị xã Sơn Tây", "Huyện Sóc Sơn"}
    assert sheet.freeze_panes == "D3"
    assert sheet.row_dimensions[KEY_ROW].hidden


def test_columns_follow_the_catalogue_and_the_year(template_2021):
    catalogue = load_catalogue()
    columns = keys(open_template(template_2021)["Dữ liệu"])
    assert columns[:3] == ["unit_code", "district", "period"] and columns[-1] == "source"
    for indicator in catalogue.for_level("district"):
        if indicator.is_percent:
            assert f"{indicator.id}.numerator" in columns
            assert f"{indicator.id}.denominator" in columns
            assert indicator.id not in columns  # the percentage itself is computed
        else:
            assert indicator.id in columns
    assert "sex_ratio" not in columns  # city-level only
    # 2024 is not an election year: no per-term columns.
    columns_2024 = keys(open_template(build_template(2024))["Dữ liệu"])
    assert not any(key.startswith("women_district_council_pct") for key in columns_2024)
    assert {i.frequency for i in template_indicators(2024)} == {"annual"}
    assert {i.frequency for i in template_indicators(2021)} == {"annual", "term"}


def test_headers_carry_name_and_unit_in_the_chosen_language(template_2021):
    sheet = open_template(template_2021)["Dữ liệu"]
    headers = dict(zip(keys(sheet), (cell.value for cell in sheet[1])))
    assert headers["gender_officers"] == "Số cán bộ làm công tác bình đẳng giới (người)"
    assert headers["committee_established"].endswith("(Có/Không)")
    assert "Tử số: nữ đại biểu" in headers["women_district_council_pct.numerator"]
    english = open_template(build_template(2021, "en"))["Data"]
    headers_en = dict(zip(keys(english), (cell.value for cell in english[1])))
    assert headers_en["gender_officers"] == \
        "Staff doing gender-equality work (people)"
    assert headers_en["committee_established"].endswith("(Yes/No)")


def test_data_validation_where_it_helps(template_2021):
    sheet = open_template(template_2021)["Dữ liệu"]
    letters = {key: get_column_letter(i + 1) for i, key in enumerate(keys(sheet))}
    rules = {}
    for validation in sheet.data_validations.dataValidation:
        for area in str(validation.sqref).split():
            rules[area.split(":")[0]] = validation
    assert rules[f"{letters['committee_established']}3"].formula1 == '"Có,Không"'
    count = rules[f"{letters['gender_officers']}3"]
    assert count.type == "custom" and f"{letters['gender_officers']}3>=0" in count.formula1
    numerator = rules[f"{letters['female_cadres_in_planning_pct.numerator']}3"].formula1
    denominator = letters["female_cadres_in_planning_pct.denominator"]
    assert f"<={denominator}3" in numerator
    assert rules[f"{letters['period']}3"].type == "whole"
    # Women deputies cannot outnumber women candidates (Sóc Sơn, the first rural row, is 12;
    # formulas are relative to the first cell of their first range).
    deputies = letters["women_district_council_pct.numerator"]
    rural = rules[f"{deputies}12"]
    assert rural.formula1.startswith(f"AND(ISNUMBER({deputies}12)")
    assert f"<={letters['women_candidates_district_council_pct.numerator']}12" in rural.formula1
    # Urban districts (Ba Đình is row 3) elect no council from 2021: cells must stay empty.
    assert rules[f"{deputies}3"].formula1 == f"LEN({deputies}3)=0"
    assert f"{deputies}12" not in str(rules[f"{deputies}3"].sqref)


def test_instructions_and_metadata(template_2021):
    book = open_template(template_2021)
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn", "_meta"]
    assert book["_meta"].sheet_state == "hidden"
    meta = {row[0]: row[1] for row in book["_meta"].iter_rows(values_only=True)}
    assert meta["year"] == 2021 and meta["template_version"] == "1"
    text = "\n".join(str(cell) for row in book["Hướng dẫn"].iter_rows(values_only=True)
                     for cell in row if cell)
    for phrase in ("chính thức", "sơ bộ", "provisional", "minh họa", "illustrative", "5 MB",
                   "công thức", "macro", "tử số", "Có", "history", "rollback", "Resolution 97"):
        assert phrase in text, phrase
    english = open_template(build_template(2021, "en"))
    assert english.sheetnames == ["Data", "Instructions", "_meta"]
    first = english["Instructions"]["A1"].value
    assert first.startswith("District gender-equality figures")


@pytest.mark.parametrize("year", [latest_template_year() + 1, 2040, 1999])
def test_no_template_for_a_year_to_come_or_outside_2000_2035(year):
    with pytest.raises(TemplateError) as error:
        build_template(year)
    assert error.value.message("vi") and error.value.message("en")


def fill(data: bytes, lang: str = "vi") -> tuple[bytes, dict]:
    """Fill every cell of a template the way an officer would; returns the file and, per
    (code, indicator), the value expected on the dashboard."""
    book = open_template(data)
    sheet = book.worksheets[0]
    columns = keys(sheet)
    catalogue = load_catalogue()
    yes, no = ("Có", "Không") if lang == "vi" else ("Yes", "No")
    expected = {}
    for row in range(3, 33):
        code = sheet.cell(row, 1).value
        urban = sheet.cell(row, 2).value.startswith("Quận")
        seed = int(code)
        for position, key in enumerate(columns, start=1):
            if key in ("unit_code", "district", "period"):
                continue
            if key == "source":
                sheet.cell(row, position, f"Báo cáo số {seed}/BC-UBND")
                continue
            indicator_id, _, part = key.partition(".")
            indicator = catalogue.get(indicator_id)
            if indicator_id in URBAN_COUNCIL and urban:
                continue
            if indicator.is_boolean:
                value = seed % 2
                sheet.cell(row, position, yes if value else no)
                expected[(code, indicator_id)] = float(value)
            elif part == "numerator":
                sheet.cell(row, position, 10 + seed % 7)
            elif part == "denominator":
                sheet.cell(row, position, 40 + seed % 5)
                numerator = 10 + seed % 7
                expected[(code, indicator_id)] = round(100 * numerator / (40 + seed % 5), 2)
            else:
                number = 1000 - seed if indicator_id in ("trainees", "population_total") else \
                    100 + seed % 50
                sheet.cell(row, position, number)
                expected[(code, indicator_id)] = float(number)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), expected


def test_a_filled_template_imports_and_shows_as_official(fresh_db_url, template_2021):
    data, expected = fill(template_2021)
    result = import_bytes(data, "bao-cao-2021.xlsx", user="can.bo", comment="năm 2021",
                          db_url=fresh_db_url)
    assert result.ok, result.messages("en")
    assert result.rows == len(expected) and result.periods == (2021,)
    assert result.districts == 30 and result.batch_id is not None
    dashboard = load_data(fresh_db_url)
    for indicator_id in {key[1] for key in expected}:
        table = dashboard.district_table(indicator_id, 2021).set_index("code")
        for (code, wanted_id), value in expected.items():
            if wanted_id == indicator_id:
                assert table.loc[code, "value"] == pytest.approx(value)
                assert table.loc[code, "status"] == "official"
                assert table.loc[code, "source"] == f"Báo cáo số {int(code)}/BC-UBND"
    # Every district is now official, so the derived city figure is no longer illustrative.
    assert dashboard.city_value("gender_officers", 2021).status == "official"
    assert dashboard.city_value("female_cadres_in_planning_pct", 2021).status == "official"
    # From 2021 a quận's units are all wards, which have no People's Council (NQ 97/2019/QH14):
    # its commune-level council cell stays empty, never 0.
    councils = dashboard.district_table("women_commune_council_pct", 2021)
    assert councils[councils["unit_type"] == "quận"]["value"].isna().all()


def test_the_english_template_and_its_csv_export_import_alike(fresh_db_url):
    data, expected = fill(build_template(2024, "en"), lang="en")
    checked = import_bytes(data, "report.xlsx", user="officer", db_url=fresh_db_url,
                           dry_run=True)
    assert checked.ok and checked.rows == len(expected) and checked.batch_id is None
    # "Save as CSV UTF-8" in a decimal-comma locale: BOM, semicolons, both header rows.
    sheet = open_template(data).worksheets[0]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    for row in sheet.iter_rows(values_only=True):
        writer.writerow(["" if value is None else value for value in row])
    exported = "\ufeff" + text.getvalue()
    from_csv = import_bytes(exported.encode("utf-8"), "report.csv", user="officer",
                            db_url=fresh_db_url, dry_run=True)
    assert from_csv.ok, from_csv.messages("en")
    assert from_csv.observations == checked.observations


def test_status_provisional_and_default_source(fresh_db_url):
    data = "district,period,indicator_id,value\nBa Vì,2024,trainees,321\n".encode()
    result = import_bytes(data, "tam-tinh.csv", user="can.bo", status="provisional",
                          db_url=fresh_db_url)
    assert result.ok
    row = load_data(fresh_db_url).district_table("trainees", 2024).set_index("code").loc["271"]
    assert (row["value"], row["status"]) == (321, "provisional")
    assert row["source"].startswith("tam-tinh.csv (can.bo, ")
