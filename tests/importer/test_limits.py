"""Firm limits: any file within the upload size is checked in seconds and in bounded memory,
rows, columns and cells are capped (empty and formatted ones included), and the problem list
stops after MAX_PROBLEMS saying how many more there were."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
import zipfile

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from dashboard.importer import MAX_FILE_BYTES, import_bytes
from dashboard.importer.problems import MAX_PROBLEMS
from dashboard.importer.readers import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SCANNED_CELLS,
    MAX_SCANNED_ROWS,
)

HEADER = ["district", "period", "indicator_id", "value"]
# A shared machine runs these: generous, yet far below the minutes the old reader took.
SECONDS = 10.0


def workbook(extra=None) -> bytes:
    """A valid one-figure long workbook; `extra(sheet)` may add to it before saving."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["Ba Vì", 2024, "trainees", 300])
    if extra:
        extra(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_rows(data: bytes, rows_xml: str) -> bytes:
    """The workbook with raw <row> elements appended to its first sheet's XML."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>")
                content = content.replace(b"<dimension ref=\"A1:D2\"/>", b"")
            out.writestr(item, content)
    return target.getvalue()


def timed(data: bytes, name: str, db_url: str):
    start = time.perf_counter()
    result = import_bytes(data, name, user="can.bo", dry_run=True, db_url=db_url)
    return result, time.perf_counter() - start


def test_one_formatted_empty_cell_at_row_30000_is_checked_in_seconds(seeded_db_url):
    def far_cell(sheet):
        sheet.cell(30_000, 1).fill = PatternFill("solid", fgColor="FFFF00")

    data = workbook(far_cell)
    assert len(data) < 6_000  # the 4.9 KB file of the finding
    result, seconds = timed(data, "xa.xlsx", seeded_db_url)
    assert result.ok, result.messages("en")  # an empty formatted cell holds nothing
    assert result.rows == 1 and seconds < SECONDS


def test_one_formatted_empty_cell_in_excels_last_row_and_column(seeded_db_url):
    data = with_rows(workbook(), '<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    result, seconds = timed(data, "cuoi.xlsx", seeded_db_url)
    assert result.ok and seconds < SECONDS


def test_a_figure_below_the_last_allowed_row_is_refused(seeded_db_url):
    def far_value(sheet):
        sheet.cell(MAX_ROWS + 5, 1, "Mỹ Đức")

    result, seconds = timed(workbook(far_value), "dai.xlsx", seeded_db_url)
    [problem] = result.problems
    assert problem.code == "too_large" and problem.row == MAX_ROWS + 5 and problem.column == "A"
    assert problem.sheet == "Sheet"
    assert "giới hạn 20.000" in problem.message("vi") and "20,000" in problem.message("en")
    assert seconds < SECONDS


def test_a_figure_right_of_the_last_allowed_column_is_refused(seeded_db_url):
    def wide_value(sheet):
        sheet.cell(2, MAX_COLUMNS + 1, 7)

    result, _seconds = timed(workbook(wide_value), "rong.xlsx", seeded_db_url)
    [problem] = result.problems
    assert problem.code == "too_large" and problem.row == 2 and problem.column == "IQ"
    assert "cột giới hạn IP" in problem.reason_vi and "column, IP" in problem.reason_en


def test_formatting_down_many_rows_stops_at_the_scan_limit(seeded_db_url):
    rows = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(3, MAX_SCANNED_ROWS + 10))
    data = with_rows(workbook(), rows)
    assert len(data) < MAX_FILE_BYTES
    result, seconds = timed(data, "dinh-dang.xlsx", seeded_db_url)
    [problem] = result.problems
    assert problem.code == "too_large" and "ô trống đã được định dạng" in problem.reason_vi
    assert "empty formatted ones included" in problem.reason_en
    assert seconds < SECONDS


def test_formatting_across_many_columns_stops_at_the_scan_limit(seeded_db_url):
    cells = "".join(f'<c r="{col}3" s="0"/>' for col in _letters(MAX_SCANNED_CELLS + 10))
    data = with_rows(workbook(), f'<row r="3">{cells}</row>')
    assert len(data) < MAX_FILE_BYTES
    result, seconds = timed(data, "cot.xlsx", seeded_db_url)
    print("across columns", seconds)
    assert [p.code for p in result.problems] == ["too_large"] and seconds < 2 * SECONDS


def _letters(count: int):
    """Column names repeated as needed: only the number of cells matters here."""
    names = [openpyxl.utils.get_column_letter(n) for n in range(1, 16_385)]
    for index in range(count):
        yield names[index % len(names)]


def test_csv_rows_empty_ones_included_are_capped(seeded_db_url):
    data = (",".join(HEADER) + "\nBa Vì,2024,trainees,300\n").encode() + b"\n" * (MAX_SCANNED_ROWS + 5)
    result, seconds = timed(data, "dong-trong.csv", seeded_db_url)
    assert [p.code for p in result.problems] == ["too_large"] and seconds < SECONDS


def test_csv_columns_empty_ones_included_are_capped(seeded_db_url):
    data = (",".join(HEADER) + "\nBa Vì,2024,trainees,300" + "," * (MAX_SCANNED_CELLS + 5)).encode()
    result, seconds = timed(data, "phay.csv", seeded_db_url)
    assert [p.code for p in result.problems] == ["too_large"] and seconds < SECONDS


def test_csv_figure_past_the_last_column_is_refused(seeded_db_url):
    data = (",".join(HEADER) + "\nBa Vì,2024,trainees,300" + "," * MAX_COLUMNS + "9\n").encode()
    result, _seconds = timed(data, "rong.csv", seeded_db_url)
    [problem] = result.problems
    assert problem.code == "too_large" and problem.row == 2 and problem.column == "IT"


def test_filled_cells_are_capped(seeded_db_url):
    row = ",".join(["x"] * 20) + "\n"
    data = (",".join(HEADER) + "\n" + row * (MAX_CELLS // 20 + 1)).encode()
    assert len(data) < MAX_FILE_BYTES
    result, seconds = timed(data, "nhieu-o.csv", seeded_db_url)
    [problem] = result.problems
    assert problem.code == "too_large" and "150.000 ô" in problem.reason_vi
    assert seconds < SECONDS


def test_the_problem_list_stops_after_the_limit_saying_how_many_more(seeded_db_url):
    rows = "".join(f"Nơi số {n},2024,trainees,1\n" for n in range(1, 2_001))  # unknown districts
    result, _seconds = timed((",".join(HEADER) + "\n" + rows).encode(), "am.csv", seeded_db_url)
    assert len(result.problems) == MAX_PROBLEMS and result.problem_count == 2_000
    assert result.more_problems == 2_000 - MAX_PROBLEMS
    assert [p.row for p in result.problems] == list(range(2, MAX_PROBLEMS + 2))  # the first ones
    assert "có 2000 lỗi" in result.summary("vi") and "còn 1500 lỗi khác" in result.summary("vi")
    assert "2000 problems" in result.summary("en") and "1500 more" in result.summary("en")


# Run in a fresh interpreter: once timed, with the peak resident size it reaches, then once
# under tracemalloc (which slows Python down) for the peak of Python allocations.
MEASURE = textwrap.dedent("""
    import json, sys, time, tracemalloc
    from dashboard.importer import import_bytes

    def high_water_mb():
        # VmHWM belongs to this program's own memory map; getrusage's ru_maxrss would carry
        # over the peak of the (large) test process that started it.
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

    data = open(sys.argv[1], "rb").read()
    import_bytes(b"district,period,indicator_id,value\\nBa Vi,2024,trainees,1\\n", "warm.csv",
                 user="x", dry_run=True, db_url=sys.argv[2])
    base = high_water_mb()
    start = time.perf_counter()
    result = import_bytes(data, "xau.csv", user="x", dry_run=True, db_url=sys.argv[2])
    seconds = time.perf_counter() - start
    rss = high_water_mb()
    tracemalloc.start()
    import_bytes(data, "xau.csv", user="x", dry_run=True, db_url=sys.argv[2])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"peak_mb": peak / 2**20, "rss_mb": rss,
                      "rss_growth_mb": rss - base, "seconds": seconds,
                      "listed": len(result.problems), "total": result.problem_count,
                      "codes": sorted({p.code for p in result.problems})}))
""")


def bad_csv(size: int) -> bytes:
    """A CSV of bad cells just under `size` bytes, inside the row and cell limits: every row
    holds an unknown district, a bad year, an unknown indicator and text for numbers."""
    lines = [b"district,period,indicator_id,value,numerator,denominator,source"]
    total, number = len(lines[0]) + 1, 0
    filler = "báo cáo tổng hợp của phòng " * 4  # long cells: 5 MB within MAX_ROWS rows
    while True:
        number += 1
        line = (f"Không rõ quận số {number:06d},năm ngoái {number},chi_tieu_{number},"
                f"khoảng {number} người,nhiều {number},ít {number},nguồn {number} {filler}").encode()
        if total + len(line) + 1 > size or number >= MAX_ROWS - 1:
            break
        lines.append(line)
        total += len(line) + 1
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("kind", ["bad cells", "one-character cells"])
def test_a_5_mb_csv_of_bad_cells_stays_small_and_fast(seeded_db_url, tmp_path, kind):
    if kind == "bad cells":
        data = bad_csv(MAX_FILE_BYTES - 1)
    else:  # as many cells as 5 MB can hold, in rows short enough to pass the row limit
        data = (",".join(HEADER) + "\n").encode() + (b"x," * 150 + b"x\n") * 16_000
    assert MAX_FILE_BYTES * 0.8 < len(data) <= MAX_FILE_BYTES
    path = tmp_path / "xau.csv"
    path.write_bytes(data)
    completed = subprocess.run([sys.executable, "-c", MEASURE, str(path), seeded_db_url],
                               capture_output=True, text=True, timeout=300, check=True)
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    print(kind, figures)
    assert figures["listed"] <= MAX_PROBLEMS
    assert figures["peak_mb"] < 300 and figures["rss_mb"] < 300  # the whole process
    assert figures["seconds"] < 4 * SECONDS
    if kind == "bad cells":
        assert figures["total"] > 20_000 and figures["listed"] == MAX_PROBLEMS
        assert {"unknown_district", "bad_period", "unknown_indicator"} <= set(figures["codes"])
    else:
        assert figures["codes"] == ["too_large"]


def test_inline_strings_plain_and_rich_are_read_as_text(seeded_db_url):
    rows = ('<row r="3"><c r="A3" t="inlineStr"><is><r><t>Mỹ</t></r><r><rPr><b/></rPr>'
            '<t xml:space="preserve"> Đức</t></r></is></c><c t="inlineStr"><is><t>2024</t></is></c>'
            '<c t="inlineStr"><is><t>training_courses</t></is></c><c r="D3"><v>4</v></c></row>')
    result, _seconds = timed(with_rows(workbook(), rows), "inline.xlsx", seeded_db_url)
    assert result.ok, result.messages("en")
    assert {(o["unit_code"], o["value"]) for o in result.observations} == {("271", 300.0),
                                                                            ("282", 4.0)}
