"""The data page as editors and viewers meet it: `panel serve` with the sign-in module, a
private copy of the seeded database and an editors file, in Chromium.

An editor signs in, uploads a real .xlsx with mistakes and sees every problem with its row and
column, then a correct one; a second page that was already open on the map shows the new
value without a reload. With `--num-procs 2`, an import from the command line reaches
sessions in both processes.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from panel.tests.util import wait_until
from playwright.sync_api import expect

from dashboard import auth
from dashboard.importer import build_template
from dashboard.pages.data import template_years

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
LOAD_TIMEOUT_MS = 90_000
# New figures must reach open sessions "within about 10 seconds": the sessions check every
# 5 s, so 12 s leaves room for the redraw on a busy CI machine.
LIVE_TIMEOUT_MS = 12_000
EDITOR, PASSWORD = "can.bo.so.lieu", "mật khẩu thử nghiệm"
INDICATOR, YEAR, DISTRICT = "women_district_council_pct", 2021, "271"  # Ba Vì
MAP_PATH = f"/?page=map&indicator={INDICATOR}&year={YEAR}&district={DISTRICT}"

_IDLE = """() => window.Bokeh && Bokeh.documents && Bokeh.documents.length > 0
  && Bokeh.documents[0].is_idle !== false"""

# The value the map draws for one district, read from its ColumnDataSource.
_MAP_VALUE = """(code) => {
  for (const view of Bokeh.index.all_views()) {
    if (view.model.type !== 'GlyphRenderer') continue;
    const data = view.model.data_source.data;
    const get = (k) => (data instanceof Map ? data.get(k) : data[k]);
    if (!(view.model.visible && view.model.glyph.type === 'MultiPolygons' && get('code'))) continue;
    const index = Array.from(get('code')).indexOf(code);
    return index < 0 ? null : get('value')[index];
  }
  return null;
}"""


def filled_template(path: Path, numerator: int, denominator: int, unknown_district: bool = False):
    """The 2021 template with Ba Vì's women deputies and seats, as an officer fills it in."""
    book = openpyxl.load_workbook(io.BytesIO(build_template(YEAR)))
    sheet = book.worksheets[0]
    keys = [cell.value for cell in sheet[2]]
    rows = {sheet.cell(row, 1).value: row for row in range(3, 33)}
    women = keys.index(f"{INDICATOR}.numerator") + 1
    seats = keys.index(f"{INDICATOR}.denominator") + 1
    sheet.cell(rows[DISTRICT], women, numerator)
    sheet.cell(rows[DISTRICT], seats, denominator)
    if unknown_district:  # Phúc Thọ (272) retyped as a district that does not exist
        sheet.cell(rows["272"], 1, "999")
        sheet.cell(rows["272"], 2, "Huyện Không Có")
        sheet.cell(rows["272"], women, 10)
        sheet.cell(rows["272"], seats, 40)
    book.save(path)
    return path, rows


def watch_console(page, errors: list[str]) -> None:
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))


def open_path(page, base: str, path: str, viewport: dict = DESKTOP):
    page.set_viewport_size(viewport)
    page.goto(base + path, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(_IDLE, timeout=LOAD_TIMEOUT_MS)
    return page


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def sign_in(page, base: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login?next=%2F%3Fpage%3Ddata", timeout=LOAD_TIMEOUT_MS)
    page.fill("#username", EDITOR)
    page.fill("#password", password)
    page.click("button[type=submit]")


@pytest.fixture(scope="module")
def server(module_panel_server, seeded_db_url):
    """Serve the dashboard (editors sign in) over a private copy of the seeded database.

    Returns start(*extra_args) -> (base URL, database URL, environment); `start.logs[base]` is
    the server's output. One server per set of options for the whole module: the viewer's test
    writes nothing, so the editor's import that follows it is still batch #4.
    """
    started: dict[tuple[str, ...], tuple[str, str, dict]] = {}

    def start(*extra_args: str):
        if extra_args not in started:
            directory = module_panel_server.directory / f"server-{len(started)}"
            directory.mkdir()
            database = directory / "dashboard.sqlite"
            shutil.copyfile(seeded_db_url.removeprefix("sqlite:///"), database)
            editors = directory / "editors.json"
            auth.write_editor(EDITOR, PASSWORD, editors, rounds=4)
            env = {"DASHBOARD_DB_URL": f"sqlite:///{database}", auth.EDITORS_FILE_ENV: str(editors)}
            base = module_panel_server(*extra_args, env=env, timeout=90)
            # A throw-away session loads the process-wide data, so the timed pages do not pay for it.
            urllib.request.urlopen(f"{base}/?page=data", timeout=LOAD_TIMEOUT_MS / 1000).read()
            start.logs[base] = module_panel_server.procs[base][1]
            started[extra_args] = base, env["DASHBOARD_DB_URL"], env
        return started[extra_args]

    start.logs = {}
    return start


def test_viewer_sees_template_and_history_but_no_upload(server, page, console_errors,
                                                        offsite_requests):
    base, _db, _env = server()
    open_path(page, base, "/?page=data")
    expect(page.locator(".data-history")).to_be_visible()
    expect(page.locator(".data-template-download button")).to_contain_text("Tải mẫu Excel")
    expect(page.locator(".data-account")).to_contain_text("quyền người xem")
    assert page.locator("input[type=file]").count() == 0
    assert page.locator(".data-upload, .data-import, .data-rollback").count() == 0
    shoot(page, "data-viewer-1920.png")

    with page.expect_download() as download:
        page.locator(".data-template-download button").click()
    assert download.value.suggested_filename == f"mau-nhap-lieu-{template_years()[0]}.xlsx"

    page.locator(".data-sign-in").click()
    expect(page.locator("h1")).to_have_text("Đăng nhập biên tập viên")
    assert page.url.startswith(f"{base}/login?")

    open_path(page, base, "/?page=data&lang=en", PHONE)
    expect(page.locator(".data-sign-in")).to_have_text("Editor sign-in")
    assert page.locator("input[type=file]").count() == 0
    shoot(page, "data-viewer-390.png")
    assert offsite_requests == [], offsite_requests
    assert console_errors == [], console_errors


def test_editor_imports_and_an_open_map_updates(server, page, browser, console_errors,
                                                offsite_requests, tmp_path):
    base, _db, _env = server()
    # A second browser, opened before the import, on the map of the indicator to be imported.
    other_context = browser.new_context(viewport=DESKTOP)
    other_errors: list[str] = []
    watcher = other_context.new_page()
    watch_console(watcher, other_errors)
    open_path(watcher, base, MAP_PATH)
    card = watcher.locator(".district-card")
    expect(card.locator(".card-title")).to_have_text("Huyện Ba Vì", timeout=LOAD_TIMEOUT_MS)
    expect(card).to_contain_text("minh họa")
    illustrative = watcher.evaluate(_MAP_VALUE, DISTRICT)
    assert illustrative != 42.5

    page.set_viewport_size(DESKTOP)
    sign_in(page, base, password="sai mật khẩu")
    expect(page.locator(".error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    sign_in(page, base)
    # The data page, at the address of what it shows (server.with_address_shown).
    page.wait_for_url(lambda url: url.startswith(f"{base}/?page=data"), timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(_IDLE, timeout=LOAD_TIMEOUT_MS)
    expect(page.locator(".data-account")).to_contain_text(f"Đã đăng nhập: {EDITOR}")
    upload = page.locator(".data-upload input[type=file]")
    import_button = page.locator(".data-import button")

    wrong, rows = filled_template(tmp_path / "bao-cao-loi-2021.xlsx", 50, 40, unknown_district=True)
    upload.set_input_files(wrong)
    expect(import_button).to_be_enabled()
    import_button.click()
    problems = page.locator(".data-problems")
    expect(problems).to_be_visible(timeout=30_000)
    expect(page.locator(".data-summary")).to_contain_text("không có gì được ghi")
    expect(problems.locator("caption")).to_have_text("Danh sách lỗi (3)")
    body = problems.locator("tbody tr")
    expect(body).to_have_count(3)
    women = body.filter(has_text="lớn hơn mẫu số")
    expect(women.locator("td").nth(2)).to_have_text(str(rows[DISTRICT]))
    expect(women.locator("td").nth(3)).to_contain_text("Tử số: nữ đại biểu")
    expect(women.locator("td").nth(4)).to_have_text("50")
    unknown = body.filter(has_text="'999'")
    expect(unknown.locator("td").nth(1)).to_have_text("Dữ liệu")
    expect(unknown.locator("td").nth(2)).to_have_text(str(rows["272"]))
    expect(unknown.locator("td").nth(3)).to_contain_text("A (Mã ĐVHC (GSO))")
    shoot(page, "data-editor-problems-1920.png")

    right, _rows = filled_template(tmp_path / "bao-cao-2021.xlsx", 17, 40)
    upload.set_input_files(right)
    page.locator(".data-comment input").fill("Báo cáo HĐND 2021")
    expect(import_button).to_be_enabled()
    started = time.monotonic()
    # A double click: the second click reaches the server while the first import runs, and
    # does nothing (the batch numbers below prove that only batch #4 was written).
    import_button.dblclick()
    expect(page.locator(".data-summary")).to_contain_text("Đã nhập 1 giá trị", timeout=30_000)
    expect(problems).to_be_hidden()
    expect(page.locator(".data-history tbody tr").first).to_contain_text("Báo cáo HĐND 2021")
    expect(page.locator(".data-history tbody tr").first).to_contain_text(EDITOR)
    expect(page.locator(".data-history tbody tr", has_text="bao-cao-2021.xlsx")).to_have_count(1)

    # The map that was already open shows the new official value without a reload.
    expect(card).to_contain_text("42,5%", timeout=LIVE_TIMEOUT_MS)
    expect(card).to_contain_text("(17/40)")
    expect(card).to_contain_text("chính thức")
    wait_until(lambda: watcher.evaluate(_MAP_VALUE, DISTRICT) == 42.5, watcher,
               timeout=LIVE_TIMEOUT_MS)
    print(f"open map updated {time.monotonic() - started:.1f} s after the import click")
    shoot(page, "data-editor-1920.png")

    page.set_viewport_size(PHONE)
    shoot(page, "data-editor-390.png")

    # Rolling the import back restores the illustrative value, in the open map too.
    rollback = page.locator(".data-rollback button")
    expect(page.locator(".data-rollback-batch select")).to_contain_text("bao-cao-2021.xlsx")
    expect(rollback).to_be_disabled()  # not before the confirmation
    page.locator(".data-rollback-confirm input[type=checkbox]").check()
    expect(rollback).to_be_enabled()
    rollback.click()
    expect(page.locator(".data-rollback-message")).to_contain_text("Đã hoàn tác lô #4",
                                                                    timeout=30_000)
    expect(page.locator(".data-history tbody tr").first).to_contain_text("hoàn tác #4")
    expect(card).to_contain_text("minh họa", timeout=LIVE_TIMEOUT_MS)
    wait_until(lambda: watcher.evaluate(_MAP_VALUE, DISTRICT) == illustrative, watcher,
               timeout=LIVE_TIMEOUT_MS)
    other_context.close()
    assert offsite_requests == [], offsite_requests
    assert console_errors == [], console_errors
    assert other_errors == [], other_errors


# Pages opened at most while waiting for one session in each of the two processes.
MAX_PAGES_TO_REACH_BOTH = 24


def session_processes(log: Path) -> set[str]:
    """Process ids that opened a websocket (one per session), from the server log."""
    return set(re.findall(r"^(\d+) .*WebSocket connection opened", log.read_text(errors="replace"),
                          re.MULTILINE))


def test_cli_import_reaches_sessions_in_every_process(server, browser, tmp_path):
    """--num-procs 2: both processes share the SQLite file and each notices the new batch."""
    base, _db, env = server("--num-procs", "2", "--", "--log-format", "%(process)d %(message)s")
    log = server.logs[base]
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    offsite: list[str] = []
    context.on("request", lambda request: offsite.append(request.url)
               if not request.url.startswith(("http://localhost", "data:", "blob:")) else None)
    pages, errors = [], []
    # Each page's websocket lands on whichever process accepts it first (on a busy machine
    # often the same one many times): keep a page only when it reached a process no kept page
    # is on, until both processes hold one.
    for _ in range(MAX_PAGES_TO_REACH_BOTH):
        seen = session_processes(log)
        page = context.new_page()
        watch_console(page, errors)
        open_path(page, base, MAP_PATH)
        expect(page.locator(".district-card .card-title")).to_have_text("Huyện Ba Vì",
                                                                         timeout=LOAD_TIMEOUT_MS)
        if len(session_processes(log)) > len(seen):
            pages.append(page)
        else:
            page.close()
        if len(pages) == 2:
            break
    assert len(session_processes(log)) == 2, "the sessions did not reach both processes"

    right, _rows = filled_template(tmp_path / "cli-2021.xlsx", 19, 40)
    completed = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", str(right), "--user", "cli"],
        cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    for page in pages:
        expect(page.locator(".district-card")).to_contain_text("47,5%", timeout=LIVE_TIMEOUT_MS)
    context.close()
    # Sessions whose websocket reached the other process load Panel's files locally too.
    assert offsite == [], offsite
    assert errors == [], errors
