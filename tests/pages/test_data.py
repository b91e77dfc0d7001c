"""The data page: template and history for everyone; upload and rollback only for editors."""

from __future__ import annotations

import io
import shutil

import openpyxl
import panel as pn
import pytest

from dashboard import auth
from dashboard.data import load_data
from dashboard.importer import batch_history, build_template, import_bytes
from dashboard.pages.data import (
    DataPage,
    account_html,
    history_frame,
    problems_frame,
    rollback_choices,
    table_html,
    template_years,
)
from dashboard.state import new_state

EDITOR = "nguyen.van.a"
GOOD_CSV = (
    "unit_code,period,indicator_id,value,numerator,denominator,source\n"
    "271,2021,women_district_council_pct,,17,40,Sở Nội vụ Hà Nội\n"
).encode("utf-8")
BAD_CSV = (
    "unit_code,period,indicator_id,value,numerator,denominator,source\n"
    "271,2021,women_district_council_pct,,50,40,Sở Nội vụ\n"
    "999,2021,women_district_council_pct,,10,40,Sở Nội vụ\n"
).encode("utf-8")


@pytest.fixture
def db_url(seeded_db_url, tmp_path, monkeypatch):
    """A private copy of the seeded database, configured as the app's database."""
    path = tmp_path / "dashboard.sqlite"
    shutil.copyfile(seeded_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    return url


@pytest.fixture
def editors(tmp_path, monkeypatch):
    path = tmp_path / "editors.json"
    monkeypatch.setenv(auth.EDITORS_FILE_ENV, str(path))
    auth.write_editor(EDITOR, "mật khẩu đúng", path, rounds=4)
    return path


def make_page(db_url: str, data=None, wait: bool = True, **params) -> DataPage:
    """The page as a session builds it; by default once its history has been read."""
    data = data or load_data(db_url)
    page = DataPage(state=new_state(data, page="data"), data=data, **params)
    if wait:
        page.wait_for_history()
    return page


def widgets(page: DataPage, kind) -> list:
    return list(pn.panel(page).select(kind))


# ------------------------------------------------------------------ builders


def test_templates_are_offered_newest_first():
    years = template_years()
    assert years[-1] == 2011 and 2024 in years and years == sorted(years, reverse=True)
    for year in (years[0], 2021, years[-1]):
        assert build_template(year)[:2] == b"PK"  # every year offered builds


def test_problems_table_names_file_sheet_row_column_value_and_reason():
    result = import_bytes(BAD_CSV, "loi.csv", user=EDITOR, dry_run=True, db_url="sqlite://")
    assert not result.ok
    frame = problems_frame(result, "vi")
    assert list(frame.columns) == ["Tệp", "Trang tính", "Dòng", "Cột", "Giá trị", "Lý do"]
    assert len(frame) == len(result.problems) >= 2
    assert set(frame["Tệp"]) == {"loi.csv"}
    english = problems_frame(result, "en")
    assert list(english.columns) == ["File", "Sheet", "Row", "Column", "Value", "Reason"]
    assert list(english["Reason"]) == [p.reason_en for p in result.problems]
    text = table_html(frame, "data-problems", "Danh sách lỗi")
    assert text.count("<tr>") == len(frame) + 1 and "Danh sách lỗi" in text


def test_table_cells_are_escaped():
    import pandas as pd

    text = table_html(pd.DataFrame({"Giá trị": ["<script>alert(1)</script>", None]}), "x")
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_history_is_newest_first_with_hanoi_times(seeded_db_url):
    batches = batch_history(seeded_db_url)
    frame = history_frame(list(reversed(batches)), "vi")
    assert list(frame["#"]) == sorted(frame["#"], reverse=True)
    assert frame["Thời gian"].str.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d").all()
    assert "Time" in history_frame(batches, "en").columns


def test_only_imports_still_in_force_can_be_rolled_back(db_url):
    first = import_bytes(GOOD_CSV, "a.csv", user=EDITOR, db_url=db_url)
    second = import_bytes(GOOD_CSV.replace(b",17,", b",18,"), "b.csv", user=EDITOR, db_url=db_url)
    from dashboard.importer import rollback_batch

    assert rollback_batch(second.batch_id, user=EDITOR, db_url=db_url).ok
    choices = rollback_choices(batch_history(db_url), "vi")
    assert list(choices.values()) == [first.batch_id]
    label = next(iter(choices))
    assert label.startswith(f"#{first.batch_id} · ") and "a.csv" in label


def test_account_line_for_a_viewer_and_an_editor():
    viewer = account_html("vi", None, True, "/?page=data&lang=vi")
    assert "Đăng nhập biên tập viên" in viewer and 'href="login?next=%2F%3Fpage%3Ddata' in viewer
    assert "Editor sign-in" in account_html("en", None, True, "/")
    assert "login?" not in account_html("vi", None, False, "/")
    editor = account_html("en", EDITOR, True, "/?page=data&lang=en")
    assert f"Signed in as {EDITOR}" in editor and 'href="logout?' in editor


# ------------------------------------------------------------------ roles


def test_a_viewer_gets_no_upload_or_rollback_widget(db_url):
    page = make_page(db_url)  # no session cookie: a viewer
    assert page.editor is None
    assert widgets(page, pn.widgets.FileInput) == []
    assert widgets(page, pn.widgets.Button) == []
    assert not hasattr(page, "_file") and not hasattr(page, "_rollback_button")
    assert len(widgets(page, pn.widgets.FileDownload)) == 1  # the template is for everyone


def test_an_editor_gets_the_upload_and_the_rollback(db_url, editors):
    page = make_page(db_url, editor=EDITOR)
    [upload] = widgets(page, pn.widgets.FileInput)
    assert upload.accept == ".xlsx,.csv"
    names = {button.label for button in widgets(page, pn.widgets.Button)}
    assert names == {"Kiểm tra", "Nhập", "Hoàn tác"}
    page.state.lang = "en"
    assert {button.label for button in widgets(page, pn.widgets.Button)} == {
        "Check", "Import", "Roll back"}


def test_a_problem_file_lists_every_problem_and_writes_nothing(db_url, editors, fingerprint):
    page = make_page(db_url, editor=EDITOR)
    before = fingerprint(db_url)
    page._file.param.update(value=BAD_CSV, filename="loi.csv")
    result = page.submit(dry_run=False)
    assert not result.ok and fingerprint(db_url) == before
    assert page._problems.visible and page._summary.visible
    table = page._problems.object
    assert table.count("<tr>") == len(result.problems) + 1
    assert "999" in table and "loi.csv" in table
    assert "không có gì được ghi" in page._summary.object
    page.state.lang = "en"  # the same outcome, now in English
    assert "nothing was" in page._summary.object and "Reason" in page._problems.object


def test_check_then_import_then_rollback(db_url, editors):
    page = make_page(db_url, editor=EDITOR)
    version = page.state.data_version
    page._file.param.update(value=GOOD_CSV, filename="ba-vi-2021.csv")
    page._comment.value = "Báo cáo 2021"
    checked = page.submit(dry_run=True)
    assert checked.ok and checked.batch_id is None and page.state.data_version == version
    assert "chạy thử" in page._summary.object and not page._problems.visible

    imported = page.submit(dry_run=False)
    assert imported.ok and page.state.data_version == imported.batch_id > version
    assert page.data.district_table("women_district_council_pct", 2021).set_index("code").loc[
        "271", "value"] == 42.5
    assert page.batches[0].id == imported.batch_id and page.batches[0].comment == "Báo cáo 2021"
    assert f"<td>{imported.batch_id}</td>" in page._history.object
    assert not page._file.value and not page._comment.value  # a double click imports nothing

    assert page._rollback_batch.value == imported.batch_id and page._rollback_button.disabled
    page._rollback_confirm.value = True
    assert not page._rollback_button.disabled
    undone = page.rollback()
    assert undone.ok and page.state.data_version == undone.rollback_batch_id
    assert "Đã hoàn tác" in page._rollback_message.object
    assert page._rollback_none.visible and not page._rollback_batch.visible


def test_a_removed_editor_can_no_longer_import(db_url, editors, fingerprint):
    page = make_page(db_url, editor=EDITOR)
    auth.write_editor(EDITOR, None, editors)
    before = fingerprint(db_url)
    page._file.param.update(value=GOOD_CSV, filename="ba-vi.csv")
    assert page.submit(dry_run=False) is None
    assert "đăng nhập lại" in page._summary.object and fingerprint(db_url) == before


def test_the_page_follows_imports_made_elsewhere(db_url):
    page = make_page(db_url)
    count = len(page.batches)
    result = import_bytes(GOOD_CSV, "cli.csv", user="cli", db_url=db_url)
    page.state.data_version = result.batch_id  # what the shell's periodic check does
    page.wait_for_history()
    assert len(page.batches) == count + 1 and page.batches[0].file_name == "cli.csv"


def test_a_real_template_with_errors_reports_rows_and_columns(db_url, editors):
    book = openpyxl.load_workbook(io.BytesIO(build_template(2021)))
    sheet = book.worksheets[0]
    keys = [cell.value for cell in sheet[2]]
    numerator = keys.index("women_district_council_pct.numerator") + 1
    denominator = keys.index("women_district_council_pct.denominator") + 1
    row = next(r for r in range(3, 33) if sheet.cell(r, 1).value == "271")
    sheet.cell(row, numerator, 50)
    sheet.cell(row, denominator, 40)
    buffer = io.BytesIO()
    book.save(buffer)
    page = make_page(db_url, editor=EDITOR)
    page._file.param.update(value=buffer.getvalue(), filename="mau-2021.xlsx")
    result = page.submit(dry_run=True)
    assert not result.ok
    [problem] = [p for p in result.problems if p.row == row]
    assert problem.sheet == "Dữ liệu" and problem.column
    assert f"<td>{row}</td>" in page._problems.object


def test_a_double_click_on_import_imports_once(db_url, editors):
    import asyncio

    page = make_page(db_url, editor=EDITOR)
    page._file.param.update(value=GOOD_CSV, filename="ba-vi-2021.csv")
    before = [batch.id for batch in batch_history(db_url)]

    async def double_click():
        # Two websocket events for the same button, the second before the first has ended.
        await asyncio.gather(page._on_import(None), page._on_import(None))

    asyncio.run(double_click())
    new = [batch for batch in batch_history(db_url) if batch.id not in before]
    assert [batch.kind for batch in new] == ["import"]
    assert page._result.ok and page._result.batch_id == new[0].id
    assert not page._busy and page._import.disabled  # free again, and the file is forgotten


def test_while_busy_a_click_on_rollback_or_check_does_nothing(db_url, editors, fingerprint):
    import asyncio

    page = make_page(db_url, editor=EDITOR)
    imported = import_bytes(GOOD_CSV, "a.csv", user=EDITOR, db_url=db_url)
    page._on_new_data()
    page.wait_for_history()
    page._rollback_confirm.value = True
    page._set_busy(True)  # an import of this session is running
    before = fingerprint(db_url)
    asyncio.run(page._on_rollback(None))
    page._file.param.update(value=GOOD_CSV, filename="b.csv")
    asyncio.run(page._on_import(None))
    assert fingerprint(db_url) == before and page._check.disabled and page._import.disabled
    page._set_busy(False)
    asyncio.run(page._on_rollback(None))
    assert page._rollback_result.ok and page._rollback_result.batch_id == imported.batch_id


def test_the_problem_list_downloads_as_csv_with_formulas_neutralised(db_url, editors):
    page = make_page(db_url, editor=EDITOR)
    data = BAD_CSV.replace(b"S\xe1\xbb\x9f N\xe1\xbb\x99i v\xe1\xbb\xa5\n", b"x\n") + \
        b"=1+1,2021,women_district_council_pct,,10,40,x\n"
    page._file.param.update(value=data, filename="=1+1+.csv")
    result = page.submit(dry_run=True)
    assert not result.ok and page._problems_download.visible
    assert page._problems_download.filename == "loi-1_1_.csv"
    text = page._problems_file().getvalue().decode("utf-8-sig")
    assert "'=1+1+.csv" in text and "\n=1+1" not in text and ",=1" not in text
    assert "'=1+1" in text  # the formula typed into the file, shown as text
    page.state.lang = "en"
    assert page._problems_download.filename == "problems-1_1_.csv"
    assert page._problems_file().getvalue().decode("utf-8-sig").startswith("File,Sheet,Row")


def test_more_problems_than_listed_are_counted_on_the_page(db_url, editors):
    from dashboard.importer.problems import MAX_PROBLEMS

    rows = "".join(f"Nơi số {n},2024,trainees,1\n" for n in range(MAX_PROBLEMS + 20))
    page = make_page(db_url, editor=EDITOR)
    page._file.param.update(value=("district,period,indicator_id,value\n" + rows).encode(),
                            filename="nhieu-loi.csv")
    result = page.submit(dry_run=True)
    assert len(result.problems) == MAX_PROBLEMS and result.problem_count == MAX_PROBLEMS + 20
    assert f"{MAX_PROBLEMS} lỗi đầu tiên trong số {MAX_PROBLEMS + 20}" in page._problems.object
    assert "còn 20 lỗi khác" in page._summary.object
    assert page._problems.object.count("<tr>") == MAX_PROBLEMS + 1


def test_a_rollback_that_would_break_a_rule_is_refused_on_the_page(db_url, editors, fingerprint):
    def run(text: str, name: str) -> int:
        data = ("district,period,indicator_id,value\n" + text).encode()
        result = import_bytes(data, name, user=EDITOR, db_url=db_url)
        assert result.ok, result.messages("en")
        return result.batch_id

    run("Ba Vì,2024,trainees,100\nBa Vì,2024,trainees_female,60\n", "a.csv")
    more_trainees = run("Ba Vì,2024,trainees,300\n", "b.csv")
    run("Ba Vì,2024,trainees_female,250\n", "c.csv")
    page = make_page(db_url, editor=EDITOR)
    page._rollback_batch.value = more_trainees
    page._rollback_confirm.value = True
    before = fingerprint(db_url)
    result = page.rollback()
    assert not result.ok and result.code == "conflict" and fingerprint(db_url) == before
    message = page._rollback_message.object
    assert "data-message-danger" in message and "Không có gì thay đổi" in message
    assert "số học viên nữ (250) nhiều hơn tổng số học viên (100)" in message
    page.state.lang = "en"
    assert "more women trainees (250) than trainees in total (100)" in page._rollback_message.object


# ------------------------------------------------------------------ off the event loop

# Holds an exclusive lock on the database, so that even WAL readers wait (as in
# tests/ui/test_database_banner.py).
EXCLUSIVE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("PRAGMA locking_mode = EXCLUSIVE")
connection.execute("BEGIN EXCLUSIVE")
connection.execute("UPDATE batches SET comment = comment WHERE id = 1")
print("locked", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def database_lock(db_url):
    """`lock()` holds the database locked from another process until `release()`."""
    import subprocess
    import sys

    lockers = []

    def lock() -> None:
        locker = subprocess.Popen([sys.executable, "-c", EXCLUSIVE_LOCK, db_url.removeprefix("sqlite:///")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        lockers.append(locker)
        assert locker.stdout.readline().strip() == "locked"

    def release() -> None:
        for locker in lockers:
            if locker.poll() is None:
                locker.stdin.write("\n")
                locker.stdin.flush()
                locker.wait(timeout=10)

    try:
        yield lock, release
    finally:
        for locker in lockers:
            if locker.poll() is None:
                locker.kill()
                locker.wait()


def test_the_page_opens_at_once_while_the_database_is_locked(db_url, database_lock):
    import time

    from dashboard.i18n import t

    lock, release = database_lock
    data = load_data(db_url)  # the process's data was loaded before the lock
    lock()
    started = time.monotonic()
    page = make_page(db_url, data=data, wait=False)
    assert time.monotonic() - started < 1
    assert page.history_state == "loading" and page._history.loading
    assert "Đang tải lịch sử" in page._history.object

    page.wait_for_history()  # the read gives up after the busy timeout
    assert page.history_state == "failed" and not page._history.loading
    text = page._history.object
    assert t("database_unreachable", "vi") in text and "Traceback" not in text
    page.state.lang = "en"
    assert t("database_unreachable", "en") in page._history.object

    release()
    page._load_history()  # what the page does when the database is back
    page.wait_for_history()
    assert page.history_state == "ready" and page.batches and "data-history" in page._history.object


def test_the_history_is_read_in_a_worker_thread(db_url, monkeypatch):
    import threading

    from dashboard.pages import data as data_page

    readers = []
    real = data_page.batch_history

    def recording(*args, **kwargs):
        readers.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(data_page, "batch_history", recording)
    page = make_page(db_url)
    assert readers and threading.current_thread() not in readers
    assert page.history_state == "ready" and page.batches


def test_an_import_reloads_the_figures_off_the_event_loop(db_url, editors, monkeypatch):
    import asyncio
    import threading

    from dashboard.pages import data as data_page

    page = make_page(db_url, editor=EDITOR)
    loop_threads, reload_threads = [], []
    real = data_page.refresh_if_changed

    def recording(*args, **kwargs):
        reload_threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(data_page, "refresh_if_changed", recording)

    async def click_import():
        loop_threads.append(threading.current_thread())
        await page._on_import(None)

    page._file.param.update(value=GOOD_CSV, filename="ba-vi-2021.csv")
    asyncio.run(click_import())
    assert reload_threads and not set(reload_threads) & set(loop_threads)
    # The importing session still shows the new figures and history as soon as it ends.
    assert page._result.ok and page.state.data_version == page._result.batch_id
    assert page.batches[0].id == page._result.batch_id and page.history_state == "ready"
    assert page.data.district_table("women_district_council_pct", 2021).set_index("code").loc[
        "271", "value"] == 42.5

    page._rollback_confirm.value = True
    asyncio.run(page._on_rollback(None))
    assert page._rollback_result.ok and len(reload_threads) == 2
    assert page.state.data_version == page._rollback_result.rollback_batch_id


def test_a_history_read_started_before_an_import_does_not_overwrite_it(db_url, editors):
    page = make_page(db_url, editor=EDITOR)
    stale = page._read_history()
    job = page._history_job
    page._file.param.update(value=GOOD_CSV, filename="ba-vi-2021.csv")
    result = page.submit(dry_run=False)
    page._apply_history(stale, job)  # the older read ends last
    assert page.batches[0].id == result.batch_id


def test_the_page_names_the_thirty_units_fully():
    from dashboard.pages.data import STRINGS

    assert "30 quận, huyện, thị xã" in STRINGS["template_text"]["vi"]
    assert "các quận, huyện, thị xã" in STRINGS["intro"]["vi"]
    assert not [key for key, text in STRINGS.items()
                if "quận, huyện" in text["vi"] and "quận, huyện, thị xã" not in text["vi"]]


def test_a_served_page_applies_reads_on_its_document_and_rereads_when_the_database_returns(
        db_url, monkeypatch):
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    from dashboard.data import DatabaseStatus, DataWatcher
    from dashboard.pages import data as data_page

    data = load_data(db_url)
    watcher = DataWatcher(data, db_url)  # not started: the test tells it what it found
    monkeypatch.setattr(data_page, "data_watcher", lambda: watcher)
    from types import SimpleNamespace

    context = SimpleNamespace(id="test", request=SimpleNamespace(arguments={}, cookies={}, headers={}))
    monkeypatch.setattr(Document, "session_context", property(lambda self: context))
    document = Document()

    def run_next_ticks() -> None:
        for callback in list(document.session_callbacks):
            document.remove_next_tick_callback(callback)
            callback.callback()

    with set_curdoc(document):
        page = make_page(db_url, data=data)
        assert page.history_state == "loading"  # read, but not yet shown: that is the document's job
        run_next_ticks()
        assert page.history_state == "ready" and page.batches
        assert watcher.subscriber_count == 1

        page.param.update(history_state="failed", batches=[])  # as after a read during an outage
        watcher._notify(DatabaseStatus(True, data.version))  # the database is back
        run_next_ticks()
        page.wait_for_history()
        run_next_ticks()
        assert page.history_state == "ready" and page.batches
