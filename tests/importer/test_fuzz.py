"""Property tests: whatever the file holds, the import returns located problems or writes the
whole file; it never raises, and never writes part of a file. SQLite and PostgreSQL.

CI runs a small sample of every generator. `make fuzz` runs FUZZ_FILES generated files in
all (10,000 by default), shared between the generators below, with a random seed, and
writes the figures (files per generator and outcome, time) to FUZZ_REPORT.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import time
from collections import Counter

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dashboard import store
from dashboard.catalogue import load_catalogue
from dashboard.importer import build_template, import_bytes

# `make fuzz` sets FUZZ_FILES (files in all); CI runs CI_EXAMPLES per generator and backend.
FUZZ_FILES = int(os.environ.get("FUZZ_FILES") or 0)
FUZZ_REPORT = os.environ.get("FUZZ_REPORT")
CI_EXAMPLES = 20
# Each generator's share of FUZZ_FILES: half the files are Excel workbooks.
SHARES = {"random_bytes": 0.10, "random_csv": 0.20, "plausible_long_csv": 0.20,
          "random_xlsx": 0.20, "filled_template_xlsx": 0.30}


def fuzz(generator: str) -> settings:
    examples = round(FUZZ_FILES * SHARES[generator]) if FUZZ_FILES else CI_EXAMPLES
    return settings(max_examples=examples, deadline=None, derandomize=not FUZZ_FILES,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# Files imported, by generator and outcome ("written", "refused", and which problems).
FIGURES: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def fuzz_report():
    """After the module: the figures of this run, printed and (make fuzz) written as JSON."""
    start = time.perf_counter()
    yield
    report = {
        "files": sum(count for (_g, kind), count in FIGURES.items() if kind == "file"),
        "seconds": round(time.perf_counter() - start, 1),
        "tracebacks": FIGURES[("all", "traceback")],
        "partial_writes": FIGURES[("all", "partial_write")],
        "by_generator": {
            generator: {kind: count for (g, kind), count in sorted(FIGURES.items())
                        if g == generator}
            for generator in SHARES
        },
    }
    print("\nfuzz:", json.dumps(report, ensure_ascii=False))
    if FUZZ_REPORT:
        os.makedirs(os.path.dirname(os.path.abspath(FUZZ_REPORT)), exist_ok=True)
        with open(FUZZ_REPORT, "w", encoding="utf-8") as handle:
            json.dump(report, handle, ensure_ascii=False, indent=2)

DISTRICT_IDS = [indicator.id for indicator in load_catalogue().for_level("district")]
KEYS = ["unit_code", "district", "period", "source", "indicator_id", "value", "numerator",
        "denominator", "map_id", "Năm", "Quận/huyện", "", "xyz", "sex_ratio", *DISTRICT_IDS,
        *(f"{i}.numerator" for i in DISTRICT_IDS), *(f"{i}.denominator" for i in DISTRICT_IDS)]
CELLS = ["", " ", "Ba Đình", "Q. Hoàn Kiếm", "huyen soc son", "TX Sơn Tây", "Nowhere", "001",
         "1", "271", "999", "2024", "2021", "2016", "2019", "2016-2021", "2026", "1999", "Có",
         "Không", "yes", "0", "1", "2", "35%", "35,5 %", "1.234", "1,5", "-1", "100", "101",
         "=1+1", "=SUM(A1:A3)", "nan", "inf", "1e9", "\ufeff", '"', "x" * 300, *DISTRICT_IDS,
         "hn_districts_2014", "hn_city",
         # Units and codes of the 2025 map, refused or accepted by the period of their row.
         "00070", "09700", "70", "Phường Hoàn Kiếm", "xa ba vi", "hn_communes_2025", "2025"]

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


def all_or_nothing(url: str, data: bytes, name: str, generator: str) -> None:
    FIGURES[(generator, "file")] += 1
    before = state(url)
    before_counts = (int(before[0]), int(before[2]), int(before[5]))  # total, active, batches
    try:
        result = import_bytes(data, name, user="fuzz", engine=_engines[url])
    except Exception:
        FIGURES[("all", "traceback")] += 1
        raise
    codes = {problem.code for problem in result.problems}
    if codes & {"internal", "database"}:  # a traceback caught and logged by the importer
        FIGURES[("all", "traceback")] += 1
    assert not codes & {"internal", "database"}, result.messages("en")
    for problem in result.problems:
        assert problem.message("vi") and problem.message("en") and problem.as_dict("en")
    assert len(result.problems) <= result.problem_count
    event("written" if result.ok else "refused")  # see --hypothesis-show-statistics
    FIGURES[(generator, "written" if result.ok else "refused")] += 1
    for code in codes:
        FIGURES[(generator, f"problem:{code}")] += 1
    if not result.ok:
        assert result.batch_id is None
        if state(url) != before:
            FIGURES[("all", "partial_write")] += 1
        assert state(url) == before
        return
    total, active, batches = counts(url)
    if (batches, total) != (before_counts[2] + 1, before_counts[0] + result.rows):
        FIGURES[("all", "partial_write")] += 1
    assert batches == before_counts[2] + 1
    assert total == before_counts[0] + result.rows
    assert active == before_counts[1] + result.rows - result.replaced
    with _engines[url].connect() as connection:
        written = connection.execute(
            sa.select(sa.func.count()).select_from(store.observations).where(
                store.observations.c.batch_id == result.batch_id,
                store.observations.c.active)).scalar_one()
    assert written == result.rows == len(result.observations)


@fuzz("random_bytes")
@given(data=st.binary(max_size=2048),
       name=st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.xlsm", "x.txt", "x", "x.CSV"]))
def test_random_bytes(module_import_db_url, data, name):
    all_or_nothing(module_import_db_url, data, name, "random_bytes")


@fuzz("random_csv")
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
    all_or_nothing(module_import_db_url, data.encode("utf-8"), "fuzz.csv", "random_csv")


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


@fuzz("plausible_long_csv")
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
    all_or_nothing(module_import_db_url, buffer.getvalue().encode(), "long.csv",
                   "plausible_long_csv")


@fuzz("random_xlsx")
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
    all_or_nothing(module_import_db_url, buffer.getvalue(), "fuzz.xlsx", "random_xlsx")


def _template_rows(year: int) -> tuple[list[list], list[list]]:
    """The 2024 template's data sheet and _meta sheet as plain rows."""
    book = openpyxl.load_workbook(io.BytesIO(build_template(year)))
    data = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    meta = [list(row) for row in book["_meta"].iter_rows(values_only=True)]
    return data, meta


TEMPLATE_2024 = _template_rows(2024)
NAMES = ["Quận Ba Đình", "ba dinh", "Quận Không Tồn Tại", "Huyện Ba Vì", "TX Sơn Tây", "",
         "Hoàn Kiếm", "=A1", "Phường Hoàn Kiếm", "Xã Ba Vì"]


@st.composite
def plausible_figure(draw, key: str):
    """A figure an officer would type in this template column."""
    indicator_id, _, part = key.partition(".")
    indicator = CATALOGUE.get(indicator_id)
    if indicator.is_boolean:
        return draw(st.sampled_from(["Có", "Không", "Có", 1, 0, True]))
    if part == "numerator":
        return draw(st.integers(0, 20))
    if part == "denominator":
        return draw(st.integers(20, 60))
    return draw(st.one_of(st.integers(0, 3000), st.integers(0, 3000).map(
        lambda n: f"{n:,}".replace(",", "."))))


@st.composite
def template_edit(draw, width: int):
    """One change an officer (or a careless sort) makes to a filled template."""
    row = draw(st.integers(2, 31))  # 0-based: the 30 district rows
    kind = draw(st.sampled_from(["figure", "figure", "figure", "name", "code", "period"]))
    if kind == "figure":
        column = draw(st.integers(3, width - 2))
        value = draw(st.one_of(st.integers(0, 500), st.integers(-5, 1000), xlsx_value))
        return row, column, value
    if kind == "name":
        return row, 1, draw(st.sampled_from(NAMES))
    if kind == "code":
        return row, 0, draw(st.sampled_from(["001", "1", 1, "999", "", "abc", 271, "00070", 9700]))
    return row, 2, draw(st.sampled_from([2024, 2021, "2016", 2026, "năm", None]))


@fuzz("filled_template_xlsx")
@given(data=st.data())
def test_filled_template_xlsx(module_import_db_url, data):
    """The real template, filled with mostly plausible figures, sometimes edited badly:
    names that do not match codes, shifted rows, formatted cells far away, odd _meta."""
    rows, meta = [list(row) for row in TEMPLATE_2024[0]], [list(r) for r in TEMPLATE_2024[1]]
    keys, width = rows[1], len(rows[1])
    # A few districts with plausible figures in a few columns (pairs filled together) ...
    columns = data.draw(st.lists(st.sampled_from(range(3, width - 1)), min_size=1, max_size=4,
                                 unique=True))
    for column in list(columns):
        if keys[column].endswith(".numerator"):
            columns.append(column + 1)
        elif keys[column].endswith(".denominator"):
            columns.append(column - 1)
    for row in data.draw(st.lists(st.integers(2, 31), min_size=1, max_size=8, unique=True)):
        for column in set(columns):
            rows[row][column] = data.draw(plausible_figure(keys[column]))
    # ... and now and then the mistakes people make.
    for _ in range(data.draw(st.sampled_from([0, 0, 0, 1, 2, 5]))):
        row, column, value = data.draw(template_edit(width))
        rows[row][column] = value
    if data.draw(st.integers(0, 9)) == 0:  # rows shifted by a sort of one column
        names = [row[1] for row in rows[2:]]
        shift = data.draw(st.integers(1, 3))
        for row, name in zip(rows[2:], names[shift:] + names[:shift]):
            row[1] = name
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    for row in rows:
        sheet.append(row)
    if data.draw(st.booleans()):
        far_row = data.draw(st.integers(33, 1_048_576))
        far_column = data.draw(st.integers(1, 16_384))
        sheet.cell(far_row, far_column).number_format = "0.0%"
    meta_sheet = book.create_sheet("_meta")
    for row in meta:
        if data.draw(st.integers(0, 15)) == 0:
            row = [row[0], data.draw(xlsx_value)]
        meta_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    all_or_nothing(module_import_db_url, buffer.getvalue(), "mau-2024.xlsx",
                   "filled_template_xlsx")
