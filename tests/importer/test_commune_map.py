"""Data officers on the 2025 map: the template of the 126 communes and wards, its round trip
through the command line, and the refusal of a unit of the other map, naming where its
communes went."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from dashboard import geo, store
from dashboard.__main__ import main
from dashboard.data import load_data
from dashboard.importer import TemplateError, build_template, import_bytes
from dashboard.importer.template import KEY_ROW, template_indicators

from .conftest import COMMUNE_INDICATORS


def open_template(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def keys(sheet) -> list[str]:
    return [cell.value for cell in sheet[KEY_ROW]]


def meta(book) -> dict:
    return {row[0]: row[1] for row in book["_meta"].iter_rows(values_only=True)}


def long_csv(*rows: str, header: str = "unit_code,district,period,indicator_id,value,numerator,denominator") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def only_problem(result, code: str):
    assert not result.ok and result.batch_id is None
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, result.messages("en")
    return found[0]


def assert_bilingual(problem, *, row: int, column: str, value: str) -> None:
    """The problem names file, row, column and value, and gives its reason in both languages."""
    vi, en = problem.message("vi"), problem.message("en")
    assert vi.startswith(f"Tệp {problem.file}, dòng {row}, cột {column}") and f"giá trị {value!r}" in vi
    assert en.startswith(f"File {problem.file}, row {row}, column {column}") and f"value {value!r}" in en
    assert problem.reason_vi != problem.reason_en


# --------------------------------------------------------------------- template


def test_template_2026_lists_exactly_the_126_units_with_codes_and_full_names(commune_catalogue, tmp_path, capsys):
    out = tmp_path / "mau-2026.xlsx"
    assert main(["template", "--year", "2026", "--out", str(out)]) == 0
    assert "mau-2026.xlsx" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    sheet = book["Dữ liệu"]
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] is not None]
    units = geo.commune_unit_list().sort_values("code")
    assert [row[0] for row in rows] == list(units["code"])
    assert [row[1] for row in rows] == list(units["full_name_vi"])
    assert len(rows) == 126 and {row[2] for row in rows} == {2026}
    assert rows[0][:2] == ("00004", "Phường Ba Đình") and sheet["A3"].number_format == "@"
    assert sheet["B1"].value == "Xã, phường"
    assert meta(book)["map_id"] == "hn_communes_2025" and meta(book)["year"] == 2026
    # The indicators drawn on the new map, with the 2026–2031 term (2026 is an election year).
    indicator_ids = {key.partition(".")[0] for key in keys(sheet)[3:-1]}
    assert indicator_ids == set(COMMUNE_INDICATORS)
    assert "trainees" not in indicator_ids  # a district-map indicator only
    text = " ".join(str(cell) for row in book["Hướng dẫn"].iter_rows(values_only=True) for cell in row if cell)
    assert "126 xã, phường" in text and "nhiệm kỳ 2026–2031" in text and "từ 01/07/2025" in text
    assert "Commune and ward gender-equality figures" in text


def test_template_2025_has_the_126_units_and_no_term_columns(commune_catalogue):
    book = open_template(build_template(2025, "en"))
    sheet = book["Data"]
    assert sheet["B1"].value == "Commune or ward" and sheet["A3"].value == "00004"
    assert sheet.max_row == 2 + 126
    assert {indicator.frequency for indicator in template_indicators(2025)} == {"annual"}
    assert not any(key.startswith("women_commune_council_pct") for key in keys(sheet))


def test_years_up_to_2024_keep_the_30_districts(commune_catalogue):
    for year in (2024, 2021):
        book = open_template(build_template(year))
        sheet = book["Dữ liệu"]
        assert sheet.max_row == 2 + 30 and sheet["A3"].value == "001"
        assert meta(book)["map_id"] == "hn_districts_2014"
        assert "women_candidates_commune_council_pct.numerator" not in keys(sheet)
    assert "trainees" in keys(open_template(build_template(2024))["Dữ liệu"])


def test_no_template_for_the_new_map_while_the_catalogue_has_none_of_its_indicators(monkeypatch):
    from dashboard.catalogue import load_catalogue

    catalogue = load_catalogue()
    without = type(catalogue)(themes=catalogue.themes, indicators={
        key: indicator for key, indicator in catalogue.indicators.items() if "commune" not in indicator.levels})
    monkeypatch.setattr("dashboard.importer.template.load_catalogue", lambda: without)
    with pytest.raises(TemplateError) as error:
        build_template(2026)
    assert "126 xã, phường" in error.value.message("vi")
    assert "126 communes and wards" in error.value.message("en")


def test_the_data_page_offers_2025_and_2026_with_the_new_term(commune_catalogue):
    from dashboard.pages.data import template_year_options, template_years

    years = template_years()
    assert years[:3] == [2026, 2025, 2024] and years[-1] == 2011
    options = template_year_options("vi")
    assert options["2026 (126 xã, phường; nhiệm kỳ 2026–2031)"] == 2026
    assert options["2025 (126 xã, phường)"] == 2025
    assert options["2024"] == 2024 and options["2021 (nhiệm kỳ 2021–2026)"] == 2021
    assert template_year_options("en")["2026 (126 communes and wards; 2026–2031 term)"] == 2026


def test_the_data_page_leaves_out_years_of_a_map_without_indicators():
    from dashboard.catalogue import load_catalogue
    from dashboard.pages.data import template_years

    on_new_map = any("commune" in indicator.levels for indicator in load_catalogue())
    assert (2026 in template_years()) == on_new_map


# ------------------------------------------------------------------- round trip


def fill_2026(path) -> dict[tuple[str, str], dict]:
    """Fill every cell of the 2026 template as an officer would; returns the expected rows."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    columns = keys(sheet)
    expected = {}
    for row in range(3, 3 + 126):
        code = sheet.cell(row, 1).value
        seed = int(code)
        for position, key in enumerate(columns, start=1):
            indicator_id, _, part = key.partition(".")
            if key in ("unit_code", "district", "period"):
                continue
            if key == "source":
                sheet.cell(row, position, f"Báo cáo {seed}/BC-UBND")
            elif indicator_id in ("committee_established", "key_leader_female"):  # yes or no
                yes = (seed + len(indicator_id)) % 2
                sheet.cell(row, position, "Có" if yes else "Không")
                expected[(code, indicator_id)] = {"value": float(yes)}
            elif indicator_id == "gender_officers":
                sheet.cell(row, position, 1 + seed % 4)
                expected[(code, indicator_id)] = {"value": float(1 + seed % 4)}
            else:
                # Candidates outnumber the elected; women among them too.
                candidates = indicator_id.startswith("women_candidates")
                numerator, denominator = (12 + seed % 5, 40) if candidates else (8 + seed % 4, 25)
                sheet.cell(row, position, numerator if part == "numerator" else denominator)
                expected[(code, indicator_id)] = {
                    "numerator": float(numerator), "denominator": float(denominator),
                    "value": round(100 * numerator / denominator, 2)}
    book.save(path)
    return expected


@pytest.fixture
def cli_db(fresh_db_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", fresh_db_url)
    monkeypatch.setenv("DASHBOARD_USER", "can.bo.xa")
    return fresh_db_url


def stored_rows(url: str, map_id: str, period: int) -> list:
    observations = store.observations
    engine = store.create_db_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.select(observations).where(observations.c.active, observations.c.map_id == map_id,
                                              observations.c.period == period,
                                              observations.c.status == "official")
            ).mappings().all()
    finally:
        engine.dispose()


def test_a_filled_2026_template_round_trips_through_the_command_line(commune_catalogue, cli_db, tmp_path, capsys):
    path = tmp_path / "bao-cao-2026.xlsx"
    assert main(["template", "--year", "2026", "--out", str(path)]) == 0
    expected = fill_2026(path)
    capsys.readouterr()
    assert main(["import", str(path), "--comment", "Báo cáo năm 2026", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"Đã nhập {len(expected)} giá trị (126 xã, phường, kỳ 2026)" in out
    assert "126 communes and wards" in out
    batch = int(out.split("lô #")[1].split(",")[0])

    rows = stored_rows(cli_db, "hn_communes_2025", 2026)
    assert len(rows) == len(expected)
    assert {row["unit_code"] for row in rows} == set(geo.commune_unit_list()["code"])
    for row in rows:
        want = expected[(row["unit_code"], row["indicator_id"])]
        for part, value in want.items():
            assert row[part] == pytest.approx(value), (row["unit_code"], row["indicator_id"], part)
        assert row["source"] == f"Báo cáo {int(row['unit_code'])}/BC-UBND"
    assert not stored_rows(cli_db, "hn_districts_2014", 2026)  # nothing carried to the old map
    # The dashboard draws them on the 126 units.
    table = load_data(cli_db).district_table("gender_officers", 2026).set_index("code")
    assert len(table) == 126 and set(table["status"]) == {"official"}
    assert table.loc["00070", "value"] == expected[("00070", "gender_officers")]["value"]

    assert main(["history", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "bao-cao-2026.xlsx" in out and "can.bo.xa" in out
    # The audit trail and the rollback work on the new map as on the old.
    assert main(["rollback", str(batch), "--user", "truong.phong"]) == 0
    assert f"Đã hoàn tác lô #{batch}" in capsys.readouterr().out
    assert not stored_rows(cli_db, "hn_communes_2025", 2026)


# --------------------------------------------------------------------- refusals


@pytest.fixture
def db(shared_import_db_url):
    return shared_import_db_url


def rejected(db, fingerprint, data: bytes):
    before = fingerprint(db)
    result = import_bytes(data, "bad.csv", user="tester", db_url=db)
    assert not result.ok and result.rows == 0
    assert fingerprint(db) == before
    return result


@pytest.mark.usefixtures("commune_catalogue")
def test_an_old_district_code_in_2026_is_refused_naming_the_new_units(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("002,,2026,gender_officers,3,,"))
    problem = only_problem(result, "old_district_code")
    assert_bilingual(problem, row=2, column="A (unit_code)", value="002")
    successors = geo.successors("002")
    assert len(successors) >= 2
    for link in successors.itertuples():
        assert f"{link.new_name} ({link.new_code}" in problem.reason_vi
        assert f"{link.new_name} ({link.new_code}" in problem.reason_en
    assert "Phường Hoàn Kiếm (00070, một phần)" in problem.reason_vi
    assert "Phường Hồng Hà (00097)" in problem.reason_vi  # merged whole: no "in part"
    assert "Phường Hoàn Kiếm (00070, in part)" in problem.reason_en
    assert "Quận Hoàn Kiếm (mã 002)" in problem.reason_vi and "30/06/2025" in problem.reason_vi
    assert "until 30 June 2025" in problem.reason_en


@pytest.mark.usefixtures("commune_catalogue")
@pytest.mark.parametrize(("unit_code", "name", "column", "value"), [
    ("", "Huyện Ba Vì", "B (district)", "Huyện Ba Vì"),  # by name
    ("271", "", "A (unit_code)", "271"),  # a district code without its leading zero
])
def test_an_old_district_by_name_or_bare_code_in_2026_is_refused_too(db, fingerprint, unit_code, name, column,
                                                                     value):
    result = rejected(db, fingerprint, long_csv(f"{unit_code},{name},2026,gender_officers,3,,"))
    problem = only_problem(result, "old_district_code")
    assert_bilingual(problem, row=2, column=column, value=value)
    assert "Xã Ba Vì (09700, một phần)" in problem.reason_vi
    assert "Xã Ba Vì (09700, in part)" in problem.reason_en


@pytest.mark.usefixtures("commune_catalogue")
def test_a_new_unit_code_in_2021_is_refused_naming_its_districts(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("00070,,2021,gender_officers,3,,"))
    problem = only_problem(result, "new_unit_code")
    assert_bilingual(problem, row=2, column="A (unit_code)", value="00070")
    assert "Quận Hoàn Kiếm (002, một phần)" in problem.reason_vi
    assert "Quận Hoàn Kiếm (002, in part)" in problem.reason_en
    assert "từ 01/07/2025" in problem.reason_vi and "from 1 July 2025" in problem.reason_en
    # By name as well: Phường Hoàn Kiếm did not exist in 2021.
    result = rejected(db, fingerprint, long_csv(",Phường Hoàn Kiếm,2021,gender_officers,3,,"))
    assert "Quận Ba Đình (001, một phần)" in only_problem(result, "new_unit_code").reason_vi


@pytest.mark.usefixtures("commune_catalogue")
def test_the_term_2026_2031_is_on_the_new_map_and_2021_2026_on_the_old(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("271,,Nhiệm kỳ 2026-2031,women_commune_council_pct,,8,25"))
    only_problem(result, "old_district_code")
    result = rejected(db, fingerprint, long_csv("09700,,2021-2026,women_commune_council_pct,,8,25"))
    only_problem(result, "new_unit_code")


@pytest.mark.usefixtures("commune_catalogue")
@pytest.mark.parametrize("name", ["Phường Hoàn Kiếm", "phuong hoan kiem", "P. Hoàn Kiếm", "HOÀN KIẾM",
                                  "Hoan Kiem Ward", "Phu\u031bo\u031b\u0300ng Hoa\u0300n Kie\u0302\u0301m"])
def test_names_of_new_units_are_checked_like_districts(name):
    data = long_csv(f"00070,{name},2026,gender_officers,3,,", f"70,{name},2026,key_leader_female,1,,")
    result = import_bytes(data, "ok.csv", user="tester", dry_run=True, db_url="sqlite://")
    assert result.ok, result.messages("en")
    assert {(row["map_id"], row["unit_code"]) for row in result.observations} == {("hn_communes_2025", "00070")}


@pytest.mark.usefixtures("commune_catalogue")
def test_a_name_that_is_not_the_code_s_unit_is_refused(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("00070,Phường Cửa Nam,2026,gender_officers,3,,"))
    problem = only_problem(result, "district_mismatch")
    assert_bilingual(problem, row=2, column="B (district)", value="Phường Cửa Nam")
    assert "mã 00070 là Phường Hoàn Kiếm" in problem.reason_vi
    # "Quận Hoàn Kiếm" is not a name of Phường Hoàn Kiếm: the prefix says it is the old district.
    result = rejected(db, fingerprint, long_csv("00070,Quận Hoàn Kiếm,2026,gender_officers,3,,"))
    only_problem(result, "district_mismatch")


@pytest.mark.usefixtures("commune_catalogue")
def test_an_indicator_of_the_district_map_only_is_refused_in_2026(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("00070,,2026,trainees,30,,"))
    problem = only_problem(result, "wrong_level")
    assert "126 xã, phường" in problem.reason_vi and "126 communes and wards" in problem.reason_en


@pytest.mark.usefixtures("commune_catalogue")
def test_commune_councils_elect_no_more_women_than_stood(db, fingerprint):
    result = rejected(db, fingerprint, long_csv(
        "09700,,2026,women_candidates_commune_council_pct,,10,40",
        "09700,,2026,women_commune_council_pct,,12,25"))
    problem = only_problem(result, "more_than_candidates")
    assert problem.row == 3 and "12" in problem.reason_vi and "10" in problem.reason_en


@pytest.mark.usefixtures("commune_catalogue")
def test_one_file_may_hold_both_maps_each_row_on_its_period_s_map():
    data = long_csv("001,,2024,gender_officers,3,,", "00004,,2026,gender_officers,2,,")
    result = import_bytes(data, "both.csv", user="tester", dry_run=True, db_url="sqlite://")
    assert result.ok, result.messages("en")
    assert {(row["map_id"], row["unit_code"], row["period"]) for row in result.observations} == {
        ("hn_districts_2014", "001", 2024), ("hn_communes_2025", "00004", 2026)}
    assert "2 đơn vị hành chính" in result.summary("vi")


@pytest.mark.usefixtures("commune_catalogue")
def test_a_template_whose_map_is_not_its_year_s_is_refused(db, fingerprint):
    book = open_template(build_template(2026))
    book["_meta"]["B3"] = "hn_districts_2014"
    assert book["_meta"]["A3"].value == "map_id"
    book.worksheets[0]["D3"] = 1 if keys(book.worksheets[0])[3] != "committee_established" else "Có"
    buffer = io.BytesIO()
    book.save(buffer)
    before = fingerprint(db)
    result = import_bytes(buffer.getvalue(), "mau.xlsx", user="tester", db_url=db)
    assert fingerprint(db) == before
    problem = only_problem(result, "wrong_map")
    assert problem.sheet == "_meta" and "126 xã, phường" in problem.reason_vi


@pytest.mark.usefixtures("commune_catalogue")
def test_a_long_file_s_map_column_must_be_the_map_of_the_period(db, fingerprint):
    header = "unit_code,period,indicator_id,value,map_id"
    data = long_csv("00004,2026,gender_officers,2,hn_communes_2025", header=header)
    assert import_bytes(data, "map.csv", user="tester", dry_run=True, db_url=db).ok
    result = rejected(db, fingerprint, long_csv("00004,2026,gender_officers,2,hn_districts_2014", header=header))
    problem = only_problem(result, "wrong_map")
    assert_bilingual(problem, row=2, column="E (map_id)", value="hn_districts_2014")
    assert "kỳ 2026 thuộc bản đồ 126 xã, phường (hn_communes_2025)" in problem.reason_vi
    assert "period 2026 belongs to the map of 126 communes and wards" in problem.reason_en
