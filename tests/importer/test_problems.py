"""Every problem an import must catch: located, explained in both languages, and nothing
written. Each test runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from dashboard.importer import MAX_FILE_BYTES, ImportProblem, build_template, import_bytes

LONG_HEADER = "district,period,indicator_id,value,numerator,denominator,source"


def long_csv(*rows: str, header: str = LONG_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def xlsx(rows: list[list], sheet: str = "Dữ liệu") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def db(shared_import_db_url):
    return shared_import_db_url


def rejected(db, fingerprint, data: bytes, name: str = "bad.csv", **options):
    """Import `data`, which must fail: no batch, no problem left unlocated, nothing written."""
    before = fingerprint(db)
    result = import_bytes(data, name, user="tester", db_url=db, **options)
    assert not result.ok
    assert result.batch_id is None and result.rows == 0 and result.observations == []
    assert fingerprint(db) == before
    codes = {problem.code for problem in result.problems}
    assert not codes & {"internal", "database"}, result.messages("en")
    return result


def problem(result, code: str) -> ImportProblem:
    found = [p for p in result.problems if p.code == code]
    assert found, f"no {code!r} problem in {result.messages('en')}"
    return found[0]


def assert_located(p: ImportProblem, *, file: str, row=None, column=None, value=None,
                   sheet=None, vi: str, en: str) -> None:
    """The message names the file, sheet, row, column, value and the reason in vi and en."""
    message_vi, message_en = p.message("vi"), p.message("en")
    assert p.file == file and message_vi.startswith(f"Tệp {file}")
    assert message_en.startswith(f"File {file}")
    if sheet is not None:
        assert p.sheet == sheet and f"trang {sheet}" in message_vi and f"sheet {sheet}" in \
            message_en
    if row is not None:
        assert p.row == row
        assert re.search(f"dòng {row}[,:]", message_vi) and re.search(f"row {row}[,:]",
                                                                         message_en)
    if column is not None:
        assert p.column is not None and p.column.startswith(column), p.column
        assert f"cột {column}" in message_vi and f"column {column}" in message_en
    if value is not None:
        assert p.value == value and repr(value) in message_vi
    assert vi in p.reason_vi and vi in message_vi, message_vi
    assert en in p.reason_en and en in message_en, message_en


# ------------------------------------------------------------------ districts


def test_unknown_district_name_suggests_the_closest(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Quận Ba Đìnhh,2024,gender_officers,3,,,"))
    assert_located(problem(result, "unknown_district"), file="bad.csv", row=2,
                   column="A (district)", value="Quận Ba Đìnhh",
                   vi="không nhận ra tên quận", en="unknown district name")
    assert "Quận Ba Đình" in problem(result, "unknown_district").reason_vi


def test_unknown_district_code(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("099,2024,gender_officers,3,,,",
                                                header=LONG_HEADER.replace("district",
                                                                           "unit_code")))
    assert_located(problem(result, "unknown_district"), file="bad.csv", row=2,
                   column="A (unit_code)", value="099", vi="không có quận, huyện, thị xã nào "
                   "mang mã này", en="no district has this code")


def test_district_name_and_code_that_disagree(db, fingerprint):
    data = long_csv("001,Hoàn Kiếm,2024,gender_officers,3",
                    header="unit_code,district,period,indicator_id,value")
    result = rejected(db, fingerprint, data)
    assert_located(problem(result, "district_mismatch"), file="bad.csv", row=2,
                   column="B (district)", vi="không khớp với mã 001",
                   en="does not match code 001")


def test_figures_without_a_district(db, fingerprint):
    result = rejected(db, fingerprint, long_csv(",2024,gender_officers,3,,,"))
    assert_located(problem(result, "missing_district"), file="bad.csv", row=2,
                   column="A (district)", vi="thiếu mã hoặc tên quận",
                   en="no district code or name")


# ----------------------------------------------------------------- indicators


def test_unknown_indicator_in_a_long_file(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Đình,2024,gender_oficers,3,,,"))
    assert_located(problem(result, "unknown_indicator"), file="bad.csv", row=2,
                   column="C (indicator_id)", value="gender_oficers",
                   vi="mã chỉ tiêu không có trong danh mục",
                   en="the indicator id is not in the catalogue")


def test_unknown_indicator_column_in_a_wide_file(db, fingerprint):
    data = b"unit_code,district,period,gender_officers,women_ceo_pct.numerator\n" \
           b"001,Ba \xc4\x90\xc3\xacnh,2024,3,4\n"
    result = rejected(db, fingerprint, data, "wide.csv")
    assert_located(problem(result, "unknown_indicator"), file="wide.csv", row=1,
                   column="E (women_ceo_pct.numerator)", value="women_ceo_pct.numerator",
                   vi="mã chỉ tiêu không có trong danh mục",
                   en="the indicator id is not in the catalogue")


def test_indicator_not_observed_for_districts(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Đình,2024,sex_ratio,105,,,"))
    assert_located(problem(result, "wrong_level"), file="bad.csv", row=2,
                   column="C (indicator_id)", vi="không có số liệu cấp quận, huyện",
                   en="not observed at district level")


def test_unknown_column_in_a_long_file(db, fingerprint):
    data = long_csv("Ba Đình,2024,gender_officers,3,x",
                    header="district,period,indicator_id,value,ghi chu")
    result = rejected(db, fingerprint, data)
    assert_located(problem(result, "unknown_column"), file="bad.csv", row=1,
                   column="E (ghi chu)", vi="cột không được hỗ trợ", en="unknown column")


def test_wrong_map(db, fingerprint):
    data = long_csv("Ba Đình,2024,gender_officers,3,hn_communes_2025",
                    header="district,period,indicator_id,value,map_id")
    result = rejected(db, fingerprint, data)
    assert_located(problem(result, "wrong_map"), file="bad.csv", row=2, column="E (map_id)",
                   value="hn_communes_2025",
                   vi="kỳ 2024 thuộc bản đồ 30 quận, huyện, thị xã (hn_districts_2014), không phải "
                   "hn_communes_2025", en="period 2024 belongs to the map of 30 districts "
                   "(hn_districts_2014), not hn_communes_2025")


# --------------------------------------------------------------------- values


def test_percentage_over_100(db, fingerprint):
    result = rejected(db, fingerprint,
                      long_csv('Ba Đình,2024,communes_with_officer_pct,"135,5 %",,,'))
    assert_located(problem(result, "percent_range"), file="bad.csv", row=2,
                   column="D (value)", value="135,5 %", vi="tỷ lệ phần trăm vượt quá 100",
                   en="a percentage cannot exceed 100")


def test_negative_count(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Sóc Sơn,2024,training_courses,-2,,,"))
    assert_located(problem(result, "negative"), file="bad.csv", row=2, column="D (value)",
                   value="-2", vi="số đếm không được âm", en="a count cannot be negative")


def test_count_must_be_whole(db, fingerprint):
    result = rejected(db, fingerprint, long_csv('Sóc Sơn,2024,training_courses,"2,5",,,'))
    assert_located(problem(result, "not_whole"), file="bad.csv", row=2, column="D (value)",
                   value="2,5", vi="phải là số nguyên", en="must be a whole number")


def test_women_more_than_the_total(db, fingerprint):
    result = rejected(db, fingerprint,
                      long_csv("Ba Vì,2024,female_cadres_in_planning_pct,,60,50,"))
    assert_located(problem(result, "more_than_total"), file="bad.csv", row=2,
                   column="E (numerator)", value="60", vi="tử số (nữ cán bộ trong quy hoạch: "
                   "60) lớn hơn mẫu số (tổng số cán bộ trong quy hoạch: 50)",
                   en="the numerator (women in the planning pool: 60) is larger than the "
                   "denominator (all cadres in the planning pool: 50)")


def test_women_trainees_more_than_all_trainees(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Vì,2024,trainees,100,,,",
                                                "Ba Vì,2024,trainees_female,120,,,"))
    assert_located(problem(result, "more_than_total"), file="bad.csv", row=3,
                   column="D (value)", value="120",
                   vi="số học viên nữ (120) nhiều hơn tổng số học viên (100)",
                   en="more women trainees (120) than trainees in total (100)")


def test_more_deputies_elected_than_candidates_in_the_file(db, fingerprint):
    result = rejected(db, fingerprint, long_csv(
        "Ba Vì,2021,women_candidates_district_council_pct,,20,60,",
        "Ba Vì,2021,women_district_council_pct,,25,35,",
    ))
    assert_located(problem(result, "more_than_candidates"), file="bad.csv", row=3,
                   column="E (numerator)", value="25",
                   vi="số nữ đại biểu trúng cử (25) nhiều hơn số nữ ứng cử viên (20)",
                   en="more women deputies elected (25) than women candidates (20)")


def test_more_deputies_elected_than_candidates_already_stored(db, fingerprint):
    # The seeded database holds every district's 2016 candidates; 900 seats cannot fit.
    result = rejected(db, fingerprint,
                      long_csv("Ba Vì,2016,women_district_council_pct,,10,900,"))
    assert_located(problem(result, "more_than_candidates"), file="bad.csv", row=2,
                   column="F (denominator)", value="900",
                   vi="số đại biểu trúng cử (900) nhiều hơn số ứng cử viên",
                   en="more deputies elected (900) than candidates")


def test_zero_denominator_and_half_a_ratio(db, fingerprint):
    result = rejected(db, fingerprint, long_csv(
        "Ba Vì,2024,female_cadres_in_planning_pct,,0,0,",
        "Mỹ Đức,2024,female_cadres_in_planning_pct,,12,,",
    ))
    assert_located(problem(result, "zero_denominator"), file="bad.csv", row=2,
                   column="F (denominator)", vi="mẫu số phải lớn hơn 0",
                   en="the denominator must be above 0")
    assert_located(problem(result, "half_ratio"), file="bad.csv", row=3,
                   column="E (numerator)", vi="thiếu mẫu số", en="the denominator is missing")


def test_percentage_that_does_not_match_its_counts(db, fingerprint):
    result = rejected(db, fingerprint,
                      long_csv("Ba Vì,2024,female_cadres_in_planning_pct,40%,30,60,"))
    assert_located(problem(result, "ratio_mismatch"), file="bad.csv", row=2,
                   column="D (value)", value="40%", vi="không khớp với tử số/mẫu số × 100 = "
                   "50.00", en="does not match numerator/denominator × 100 = 50.00")


def test_a_percentage_without_its_counts(db, fingerprint):
    result = rejected(db, fingerprint,
                      long_csv('Ba Vì,2024,female_cadres_in_planning_pct,"35,5 %",,,'))
    assert_located(problem(result, "missing_counts"), file="bad.csv", row=2,
                   column="D (value)", value="35,5 %", vi="cần nhập tử số và mẫu số",
                   en="give the numerator and the denominator")
    assert {p.code for p in result.problems} == {"missing_counts"}


def test_text_where_a_number_belongs(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Vì,2024,trainees,khoảng 300,,,"))
    assert_located(problem(result, "not_a_number"), file="bad.csv", row=2, column="D (value)",
                   value="khoảng 300", vi="phải là một số", en="must be a number")


def test_yes_no_values_other_than_co_khong(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Vì,2024,committee_established,Có lẽ,,,",
                                                "Mỹ Đức,2024,committee_inspected,2,,,"))
    first, second = [p for p in result.problems if p.code == "not_yes_no"]
    assert_located(first, file="bad.csv", row=2, column="D (value)", value="Có lẽ",
                   vi="chỉ nhận Có hoặc Không", en="only Có or Không are accepted")
    assert_located(second, file="bad.csv", row=3, column="D (value)", value="2",
                   vi="chỉ nhận Có hoặc Không", en="only Có or Không are accepted")


def test_duplicate_rows_in_a_long_file(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Vì,2024,trainees,300,,,",
                                                "H. Ba Vì,2024,trainees,310,,,"))
    assert_located(problem(result, "duplicate"), file="bad.csv", row=3, column="D (value)",
                   vi="trùng với dòng 2", en="duplicates row 2")


def test_duplicate_district_rows_in_a_wide_file(db, fingerprint):
    data = "unit_code,district,period,trainees\n271,Ba Vì,2024,300\n271,Ba Vì,2024,300\n"
    result = rejected(db, fingerprint, data.encode(), "wide.csv")
    assert_located(problem(result, "duplicate"), file="wide.csv", row=3, column="D (trainees)",
                   vi="trùng với dòng 2", en="duplicates row 2")


def test_urban_districts_have_no_council_from_2021(db, fingerprint):
    result = rejected(db, fingerprint,
                      long_csv("Quận Cầu Giấy,2021,women_district_council_pct,,10,35,"))
    assert_located(problem(result, "no_council"), file="bad.csv", row=2,
                   column="E (numerator)", vi="không tổ chức Hội đồng nhân dân",
                   en="elects no People's Council")


# -------------------------------------------------------------------- periods


def test_term_indicator_outside_an_election_year(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Vì,2019,women_district_council_pct,,10,35,"))
    assert_located(problem(result, "term_period"), file="bad.csv", row=2,
                   column="E (numerator)", vi="kỳ phải là năm bầu cử", en="must be an election "
                   "year")


def test_district_indicator_in_a_period_of_the_commune_map(db, fingerprint):
    # trainees is counted per district only; 2026 is drawn on the 126 communes and wards.
    result = rejected(db, fingerprint, long_csv("Xã Ba Vì,2026,trainees,300,,,"))
    assert_located(problem(result, "wrong_level"), file="bad.csv", row=2,
                   column="D (value)", value="300", vi="không có số liệu trên bản đồ 126 xã, phường",
                   en="not observed on the map of 126 communes and wards")


@pytest.mark.parametrize("year", ["1999", "2040"])
def test_year_outside_2000_2035(db, fingerprint, year):
    result = rejected(db, fingerprint, long_csv(f"Ba Vì,{year},trainees,300,,,"))
    assert_located(problem(result, "bad_period"), file="bad.csv", row=2, column="B (period)",
                   value=year, vi="năm phải nằm trong khoảng 2000–2035",
                   en="the year must lie between 2000 and 2035")


def test_period_that_is_not_a_year(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Vì,năm ngoái,trainees,300,,,"))
    assert_located(problem(result, "bad_period"), file="bad.csv", row=2, column="B (period)",
                   value="năm ngoái", vi="kỳ phải là một năm gồm 4 chữ số",
                   en="the period must be a four-digit year")


def test_missing_period_cell_and_missing_period_column(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Vì,,trainees,300,,,"))
    assert_located(problem(result, "missing_period"), file="bad.csv", row=2,
                   column="B (period)", vi="thiếu kỳ", en="the period (year) is missing")
    wide = rejected(db, fingerprint, b"unit_code,trainees\n271,300\n", "wide.csv")
    assert_located(problem(wide, "missing_period"), file="wide.csv", row=1,
                   vi="thiếu cột kỳ", en="no period")


# ----------------------------------------------------------------- the file


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", LONG_HEADER.encode() + b"\n,,,,,,\n"])
def test_empty_file(db, fingerprint, data):
    result = rejected(db, fingerprint, data, "empty.csv")
    assert_located(problem(result, "empty"), file="empty.csv", vi="tệp", en="the file")
    assert {p.code for p in result.problems} == {"empty"}


def test_empty_template(db, fingerprint):
    result = rejected(db, fingerprint, build_template(2024), "mau.xlsx")
    assert_located(problem(result, "empty"), file="mau.xlsx", vi="không có số liệu nào",
                   en="holds no figures")


@pytest.mark.parametrize(
    ("name", "data", "vi", "en"),
    [
        ("report.pdf", b"%PDF-1.7 ...", "loại tệp không được hỗ trợ", "unsupported file type"),
        ("data.txt", b"a,b\n1,2\n", "loại tệp không được hỗ trợ", "unsupported file type"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "định dạng Excel cũ",
         "the old Excel format"),
        ("fake.xlsx", b"district,period\n", "không phải là bảng tính Excel",
         "not a valid Excel"),
        ("zip.csv", b"PK\x03\x04" + b"\0" * 40, "là tệp nén", "is a zip archive"),
    ],
)
def test_wrong_file_type(db, fingerprint, name, data, vi, en):
    result = rejected(db, fingerprint, data, name)
    assert_located(problem(result, "wrong_type"), file=name, vi=vi, en=en)


def test_oversize_file_states_the_limit(db, fingerprint):
    data = (LONG_HEADER + "\n").encode() + b"x" * MAX_FILE_BYTES
    result = rejected(db, fingerprint, data, "big.csv")
    assert_located(problem(result, "too_large"), file="big.csv", vi="giới hạn là 5 MB",
                   en="the limit is 5 MB")


def test_csv_that_is_not_utf8(db, fingerprint):
    data = long_csv("Ba Vì,2024,trainees,300,,,").decode().replace("Ba Vì", "Ba Vi\u0300")
    result = rejected(db, fingerprint, ("x\n" * 3 + data).encode("cp1258"), "ansi.csv")
    assert_located(problem(result, "encoding"), file="ansi.csv", row=5,
                   vi="không được mã hóa UTF-8", en="not UTF-8 encoded")


def test_formulas_are_rejected_never_evaluated(db, fingerprint):
    data = xlsx([["unit_code", "district", "period", "trainees", "trainees_female"],
                 ["271", "Ba Vì", 2024, "=SUM(100,200)", 150]])
    result = rejected(db, fingerprint, data, "formula.xlsx")
    assert_located(problem(result, "formula"), file="formula.xlsx", sheet="Dữ liệu", row=2,
                   column="D (trainees)", value="=SUM(100,200)", vi="ô chứa công thức",
                   en="the cell holds a formula")


def test_formula_in_a_csv_cell(db, fingerprint):
    result = rejected(db, fingerprint, long_csv('Ba Vì,2024,trainees,"=1+1",,,'))
    assert_located(problem(result, "formula"), file="bad.csv", row=2, column="D (value)",
                   value="=1+1", vi="công thức", en="formula")


def test_a_formula_does_not_hide_the_other_problems_of_its_row(db, fingerprint):
    result = rejected(db, fingerprint, long_csv('Quận Không Tồn Tại,2024,trainees,"=1+1",,,'))
    assert {p.code for p in result.problems} == {"formula", "unknown_district"}
    assert_located(problem(result, "unknown_district"), file="bad.csv", row=2, column="A (district)",
                   value="Quận Không Tồn Tại", vi="không nhận ra", en="unknown district")


def test_macro_workbooks_are_rejected(db, fingerprint):
    clean = xlsx([["unit_code", "period", "trainees"], ["271", 2024, 300]])
    result = rejected(db, fingerprint, clean, "macro.xlsm")
    assert_located(problem(result, "macro"), file="macro.xlsm", vi="có macro",
                   en="with macros")
    # The same workbook renamed .xlsx but carrying a VBA project is refused too.
    buffer = io.BytesIO(clean)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba")
    result = rejected(db, fingerprint, buffer.getvalue(), "renamed.xlsx")
    assert_located(problem(result, "macro"), file="renamed.xlsx", vi="macro",
                   en="macros are never run")


def test_file_without_a_recognisable_header(db, fingerprint):
    result = rejected(db, fingerprint, b"a,b,c\n1,2,3\n", "nohead.csv")
    assert_located(problem(result, "no_header"), file="nohead.csv",
                   vi="không tìm thấy dòng tiêu đề", en="no header row found")


def test_column_inserted_into_the_template(db, fingerprint):
    data = xlsx([["Mã", "Tên", "Năm", "Học viên", "Ghi chú thêm"],
                 ["unit_code", "district", "period", "trainees", None],
                 ["271", "Ba Vì", 2024, 300, 7]])
    result = rejected(db, fingerprint, data, "inserted.xlsx")
    assert_located(problem(result, "orphan_column"), file="inserted.xlsx", sheet="Dữ liệu",
                   row=3, column="E (Ghi chú thêm)", value=7,
                   vi="cột không có mã chỉ tiêu", en="a column without an indicator code")


def test_status_and_user_are_checked(db, fingerprint):
    result = rejected(db, fingerprint, long_csv("Ba Vì,2024,trainees,300,,,"),
                      status="illustrative")
    assert problem(result, "bad_status").reason_en.startswith("the status must be")


# ----------------------------------------------------------- all at once


def test_every_problem_is_reported_at_once_in_file_order(db, fingerprint):
    result = rejected(db, fingerprint, long_csv(
        "Ba Vì,2024,trainees,300,,,",                              # fine
        "Nowhere,2024,trainees,300,,,",                            # unknown district
        "Ba Vì,2024,no_such_indicator,1,,,",                       # unknown indicator
        'Ba Vì,2024,communes_with_officer_pct,"101 %",,,',         # over 100
        "Ba Vì,2024,training_courses,-1,,,",                       # negative
        "Ba Vì,2024,female_cadres_in_planning_pct,,9,8,",           # women > total
        "Ba Vì,2019,women_district_council_pct,,9,30,",             # term in non-election year
        "Ba Vì,2024,communication_events,nhiều,,,",                # text
        "Ba Vì,2024,key_leader_female,Chưa,,,",                    # yes/no
        "Ba Vì,2024,trainees,301,,,",                              # duplicate
    ))
    rows = [p.row for p in result.problems]
    assert rows == sorted(rows) and set(rows) == set(range(3, 12))
    assert len(result.messages("vi")) == len(result.messages("en")) == len(result.problems)
    assert "có 9 lỗi" in result.summary("vi") and "9 problems" in result.summary("en")


# --------------------------------------------------------- what is understood


def test_what_officers_type_is_understood(db, fingerprint):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Huyện Ba Vì")
    data = "\ufeff" + "\n".join([
        "Quận/huyện;Năm;Chỉ tiêu;Giá trị;Tử số;Mẫu số;Nguồn",
        "Q. Hoàn Kiếm;2024;trainees;1.234;;;Báo cáo 5",
        f"{nfd};2024;female_cadres_in_planning_pct;35,5 %;71;200;",
        "tx son tay;2024;committee_established;Không;;;",
        "1;2024;key_leader_female;Yes;;;",
        ";;;;;;",
        "H.Sóc Sơn;Nhiệm kỳ 2021-2026;women_district_council_pct;;12;38;",
    ]) + "\n"
    before = fingerprint(db)
    result = import_bytes(data.encode(), "nhap.csv", user="can.bo", db_url=db, dry_run=True)
    assert result.ok, result.messages("en")
    assert fingerprint(db) == before
    got = {(o["unit_code"], o["indicator_id"]): o for o in result.observations}
    assert got[("002", "trainees")]["value"] == 1234
    assert got[("002", "trainees")]["source"] == "Báo cáo 5"
    cadres = got[("271", "female_cadres_in_planning_pct")]
    assert (cadres["value"], cadres["numerator"], cadres["denominator"]) == (35.5, 71, 200)
    assert got[("269", "committee_established")]["value"] == 0.0
    assert got[("001", "key_leader_female")]["value"] == 1.0
    council = got[("016", "women_district_council_pct")]
    assert (council["period"], council["value"]) == (2021, round(1200 / 38, 2))
    assert {o["status"] for o in result.observations} == {"official"}
    assert result.rows == 5 and result.districts == 5


def test_excel_percentage_cells_and_numbers_are_understood(db, fingerprint):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit_code", "period", "indicator_id", "value", "numerator", "denominator"])
    sheet.append([271, 2024, "female_cadres_in_planning_pct", 0.355, 71, 200])
    sheet["D2"].number_format = "0.0%"  # shown as 35.5% in Excel
    sheet.append([1, 2024.0, "committee_established", True])
    buffer = io.BytesIO()
    book.save(buffer)
    before = fingerprint(db)
    result = import_bytes(buffer.getvalue(), "long.xlsx", user="x", db_url=db, dry_run=True)
    assert result.ok, result.messages("en")
    assert fingerprint(db) == before
    values = {o["indicator_id"]: o["value"] for o in result.observations}
    assert values == {"female_cadres_in_planning_pct": 35.5, "committee_established": 1.0}
