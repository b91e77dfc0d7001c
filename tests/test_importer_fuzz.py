"""Property tests: whatever the file holds, the import returns located problems or writes the
whole file; it never raises, and never writes part of a file. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dashboard import store
from dashboard.catalogue import load_catalogue
from dashboard.importer import import_bytes

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DISTRICT_IDS = [indicator.id for indicator in load_catalogue().for_level("district")]
KEYS = ["unit_code", "district", "period", "source", "indicator_id", "value", "numerator",
        "denominator", "map_id", "Năm", "Quận/huyện", "", "xyz", "sex_ratio", *DISTRICT_IDS,
        *(f"{i}.numerator" for i in DISTRICT_IDS), *(f"{i}.denominator" for i in DISTRICT_IDS)]
CELLS = ["", " ", "Ba Đình", "Q. Hoàn Kiếm", "huyen soc son", "TX Sơn Tây", "Nowhere", "001",
         "1", "271", "999", "2024", "2021", "2016", "2019", "2016-2021", "2026", "1999", "Có",
         "Không", "yes", "0", "1", "2", "35%", "35,5 %", "1.234", "1,5", "-1", "100", "101",
         "=1+1", "=SUM(A1:A3)", "nan", "inf", "1e9", "\ufeff", '"', "x" * 300, *DISTRICT_IDS,
         "hn_districts_2014", "hn_city"]

cell_text = st.one_of(st.sampled_from(CELLS), st.text(max_size=8),
                      st.integers(-5, 3000).map(str))
safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=10)
xlsx_value = st.one_of(
    st.none(), st.sampled_from(CELLS), st.integers(-10, 5000),
    st.floats(-1e6, 1e6, allow_nan=False), st.booleans(), safe_text,
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)),
)


_engines: dict[str, sa.Engine] = {}


def state(url: str) -> tuple:
    """Counts and sums that any write would change: rows, active rows and their ids and
    values, batches. One aggregate query, so that many examples run quickly."""
    if url not in _engines:
        _engines[url] = store.create_db_engine(url)
    observations, active = store.observations, store.observations.c.active
    with _engines[url].connect() as connection:
        row = connection.execute(sa.select(
            sa.func.count(), sa.func.max(observations.c.id),
            sa.func.count(sa.case((active, 1))),
            sa.func.sum(sa.case((active, observations.c.id))),
            sa.func.sum(sa.case((active, observations.c.value))),
            sa.select(sa.func.count()).select_from(store.batches).scalar_subquery(),
        ).select_from(observations)).one()
    return tuple(row)


def counts(url: str) -> tuple[int, int, int]:
    total, _max_id, active, _ids, _values, batches = state(url)
    return int(total), int(active), int(batches)


def all_or_nothing(url: str, data: bytes, name: str) -> None:
    before = state(url)
    before_counts = counts(url)
    result = import_bytes(data, name, user="fuzz", db_url=url)
    codes = {problem.code for problem in result.problems}
    assert not codes & {"internal", "database"}, result.messages("en")
    for problem in result.problems:
        assert problem.message("vi") and problem.message("en") and problem.as_dict("en")
    event("written" if result.ok else "refused")  # see --hypothesis-show-statistics
    if not result.ok:
        assert result.batch_id is None and state(url) == before
        return
    total, active, batches = counts(url)
    assert batches == before_counts[2] + 1
    assert total == before_counts[0] + result.rows
    assert active == before_counts[1] + result.rows - result.replaced
    with _engines[url].connect() as connection:
        written = connection.execute(
            sa.select(sa.func.count()).select_from(store.observations).where(
                store.observations.c.batch_id == result.batch_id,
                store.observations.c.active)).scalar_one()
    assert written == result.rows == len(result.observations)


@FUZZ
@given(data=st.binary(max_size=2048),
       name=st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.xlsm", "x.txt", "x", "x.CSV"]))
def test_random_bytes(module_import_db_url, data, name):
    all_or_nothing(module_import_db_url, data, name)


@FUZZ
@given(
    header=st.lists(st.sampled_from(KEYS), min_size=1, max_size=8),
    rows=st.lists(st.lists(cell_text, max_size=9), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    bom=st.booleans(),
)
def test_random_csv_cells(module_import_db_url, header, rows, delimiter, bom):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = ("\ufeff" if bom else "") + buffer.getvalue()
    all_or_nothing(module_import_db_url, data.encode("utf-8"), "fuzz.csv")


# One spelling per district (so rows never collide), in the many ways officers write them.
SPELLINGS = ["Ba Đình", "Q. Hoàn Kiếm", "huyen soc son", "TX Sơn Tây", "271", "1", "Mỹ Đức",
             "Quận Tây Hồ", "Ung Hoa", "H. Gia Lâm", "282 ", "THANH OAI"]
CATALOGUE = load_catalogue()


@st.composite
def plausible_row(draw, district: str) -> list[str]:
    indicator = CATALOGUE.get(draw(st.sampled_from(DISTRICT_IDS)))
    period = "2021" if indicator.frequency == "term" else draw(
        st.sampled_from(["2019", "2023", "2024"]))
    number = draw(st.integers(0, 2000))
    if indicator.is_boolean:
        cells = [draw(st.sampled_from(["Có", "Không", "1", "0", "yes", "No"])), "", ""]
    elif indicator.is_count:
        cells = [draw(st.sampled_from([str(number), f"{number:,}".replace(",", "."),
                                       f"{number:,}"])), "", ""]
    else:
        numerator = draw(st.integers(0, number))
        cells = ["", str(numerator), str(max(number, 1))]
    if draw(st.integers(0, 5)) == 0:  # now and then one cell goes wrong
        cells[draw(st.integers(0, 2))] = draw(cell_text)
    return [district, period, indicator.id, *cells]


@FUZZ
@given(data=st.data(), size=st.integers(1, 6))
def test_plausible_long_csv(module_import_db_url, data, size):
    """Mostly valid files, so that the writing path is exercised as much as the refusals."""
    districts = data.draw(st.lists(st.sampled_from(SPELLINGS), min_size=size, max_size=size,
                                   unique=True))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["district", "period", "indicator_id", "value", "numerator", "denominator"])
    for district in districts:
        writer.writerow(data.draw(plausible_row(district)))
    all_or_nothing(module_import_db_url, buffer.getvalue().encode(), "long.csv")


@FUZZ
@given(
    header=st.lists(st.sampled_from(KEYS), min_size=1, max_size=6),
    rows=st.lists(st.lists(xlsx_value, max_size=7), max_size=6),
    human_header=st.booleans(),
)
def test_random_xlsx_cells(module_import_db_url, header, rows, human_header):
    book = openpyxl.Workbook()
    sheet = book.active
    if human_header:
        sheet.append([f"Cột {index}" for index in range(len(header))])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    all_or_nothing(module_import_db_url, buffer.getvalue(), "fuzz.xlsx")
