"""Data entry (nhập số liệu): where do the figures come from, who changed them and when, and
how does a data officer bring in a year's figures or undo an import?

For everyone: the Excel template of a year (the same file as `python -m dashboard template`),
the audit trail of batches, newest first, and when the figures last changed. For a signed-in
editor (dashboard.auth) only: an upload that checks (dry run) or imports a filled template or
CSV and lists every problem, and the rollback of an import. A viewer's session never creates
those widgets, so nothing in the page can reach the import or the rollback.

URL parameters synced (by the app): page=data, lang.
"""

from __future__ import annotations

import asyncio
import html
import io
import logging
import threading
from collections.abc import Callable
from pathlib import PurePath
from urllib.parse import urlencode

import pandas as pd
import panel as pn
import param
from panel.io.state import set_curdoc
from panel.viewable import Viewer

from .. import auth
from ..data import (
    DashboardData,
    DatabaseStatus,
    data_watcher,
    refresh_if_changed,
    shared_engine,
)
from ..i18n import t
from ..importer import (
    MAX_FILE_LABEL,
    BatchInfo,
    ImportResult,
    RollbackResult,
    TemplateError,
    batch_history,
    build_template,
    import_bytes,
    rollback_batch,
    template_file_name,
)
from ..importer.normalize import ELECTION_YEARS
from ..importer.safe_cells import neutralise_frame, safe_file_name
from ..importer.template import latest_template_year, template_indicators, template_map
from ..state import DashboardState
from ..store import database_url
from . import PageRecord

log = logging.getLogger(__name__)

SLUG = "data"
TITLE = {"vi": "Nhập số liệu", "en": "Data entry"}
ICON = "upload"
# The earliest template offered: the 2011-2016 council term is the oldest the dashboard shows.
FIRST_TEMPLATE_YEAR = 2011
ACCEPTED_FILES = ".xlsx,.csv"
# Problem table columns, in order, as ImportResult.problem_rows() names them.
PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "value", "reason")
STRINGS = {
    "heading": {"vi": "Nhập số liệu", "en": "Data entry"},
    "intro": {
        "vi": "Mỗi năm, cán bộ số liệu tải mẫu Excel, điền số liệu của các quận, huyện, thị xã (đến "
        "năm 2024) hoặc các xã, phường (từ năm 2025) rồi nhập vào bảng theo dõi. Tệp có lỗi không làm "
        "thay đổi gì; mọi lần nhập đều được ghi lại và có thể hoàn tác.",
        "en": "Each year, data officers download the Excel template, fill in the figures of the "
        "districts (up to 2024) or of the communes and wards (from 2025) and import them into the "
        "dashboard. A file with problems changes nothing; every import is recorded and can be undone.",
    },
    "viewer": {
        "vi": "Bạn đang xem với quyền người xem. Chỉ biên tập viên đã đăng nhập mới nhập hoặc "
        "hoàn tác được số liệu.",
        "en": "You are viewing as a visitor. Only signed-in editors can import or roll back "
        "figures.",
    },
    "sign_in": {"vi": "Đăng nhập biên tập viên", "en": "Editor sign-in"},
    "sign_in_off": {
        "vi": "Máy chủ này chưa bật đăng nhập cho biên tập viên.",
        "en": "Editor sign-in is not enabled on this server.",
    },
    "signed_in": {"vi": "Đã đăng nhập: {name} (biên tập viên)",
                  "en": "Signed in as {name} (editor)"},
    "sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "template_heading": {"vi": "Mẫu nhập liệu", "en": "Template"},
    "template_text": {
        "vi": "Mẫu Excel có sẵn mã và tên các đơn vị của bản đồ năm đó (30 quận, huyện, thị xã đến "
        "năm 2024; 126 xã, phường từ năm 2025), một cột cho mỗi chỉ tiêu của năm, kiểm tra dữ liệu "
        "ngay trong Excel và trang hướng dẫn.",
        "en": "The Excel template lists the units of that year's map with their codes (the 30 "
        "districts up to 2024; the 126 communes and wards from 2025), has a column for each "
        "indicator of the year, checks entries in Excel and has an instructions sheet.",
    },
    "template_year": {"vi": "Năm số liệu", "en": "Year of the figures"},
    "template_download": {"vi": "Tải mẫu Excel", "en": "Download the Excel template"},
    "upload_heading": {"vi": "Kiểm tra và nhập tệp", "en": "Check and import a file"},
    "upload_text": {
        "vi": "Chọn mẫu đã điền (.xlsx) hoặc tệp CSV UTF-8, tối đa {limit}. «Kiểm tra» chỉ báo "
        "lỗi, không ghi gì; «Nhập» ghi toàn bộ tệp khi không có lỗi nào.",
        "en": "Choose the filled template (.xlsx) or a UTF-8 CSV file, {limit} at most. "
        "“Check” only reports problems and writes nothing; “Import” writes the whole file when "
        "it has no problem at all.",
    },
    "file": {"vi": "Tệp số liệu", "en": "Data file"},
    "comment": {"vi": "Ghi chú cho lần nhập", "en": "Comment for this import"},
    "comment_placeholder": {
        "vi": "ví dụ: Báo cáo năm 2024 của Sở Nội vụ",
        "en": "e.g. Home Affairs Department report for 2024",
    },
    "status": {"vi": "Loại số liệu", "en": "Kind of figures"},
    "official": {"vi": "Chính thức", "en": "Official"},
    "provisional": {"vi": "Sơ bộ", "en": "Provisional"},
    "check": {"vi": "Kiểm tra", "en": "Check"},
    "import": {"vi": "Nhập", "en": "Import"},
    "choose_file": {"vi": "Hãy chọn một tệp .xlsx hoặc .csv trước.",
                    "en": "Choose an .xlsx or .csv file first."},
    "signed_out": {
        "vi": "Phiên đăng nhập biên tập viên không còn hiệu lực; hãy đăng nhập lại.",
        "en": "Your editor sign-in is no longer valid; sign in again.",
    },
    "problems_caption": {"vi": "Danh sách lỗi ({count})", "en": "Problems ({count})"},
    "problems_caption_more": {"vi": "Danh sách lỗi ({shown} lỗi đầu tiên trong số {count})",
                              "en": "Problems (the first {shown} of {count})"},
    "problems_download": {"vi": "Tải danh sách lỗi (CSV)", "en": "Download the problems (CSV)"},
    "col_file": {"vi": "Tệp", "en": "File"},
    "col_sheet": {"vi": "Trang tính", "en": "Sheet"},
    "col_row": {"vi": "Dòng", "en": "Row"},
    "col_column": {"vi": "Cột", "en": "Column"},
    "col_value": {"vi": "Giá trị", "en": "Value"},
    "col_reason": {"vi": "Lý do", "en": "Reason"},
    "history_heading": {"vi": "Lịch sử nhập số liệu", "en": "Import history"},
    "history_text": {
        "vi": "Mỗi lần khởi tạo, nhập hoặc hoàn tác là một lô, mới nhất ở trên (giờ Hà Nội).",
        "en": "Every seed, import or rollback is a batch, newest first (Hà Nội time).",
    },
    "history_empty": {"vi": "Chưa có lô số liệu nào.", "en": "No batches yet."},
    "history_error": {"vi": "Không đọc được lịch sử nhập số liệu.",
                      "en": "The import history cannot be read."},
    "history_loading": {"vi": "Đang tải lịch sử nhập số liệu…", "en": "Loading the import history…"},
    "rollback_heading": {"vi": "Hoàn tác một lần nhập", "en": "Roll back an import"},
    "rollback_text": {
        "vi": "Hoàn tác trả lại đúng các giá trị trước lần nhập đó; lần hoàn tác cũng được ghi "
        "vào lịch sử.",
        "en": "A rollback restores exactly the values from before that import; the rollback is "
        "recorded in the history too.",
    },
    "rollback_batch": {"vi": "Lô cần hoàn tác", "en": "Batch to roll back"},
    "rollback_none": {"vi": "Không có lần nhập nào để hoàn tác.",
                      "en": "There is no import to roll back."},
    "rollback_comment": {"vi": "Lý do hoàn tác", "en": "Reason for the rollback"},
    "rollback_confirm": {"vi": "Tôi xác nhận hoàn tác lô này",
                         "en": "I confirm rolling back this batch"},
    "rollback_button": {"vi": "Hoàn tác", "en": "Roll back"},
}


def s(key: str, lang: str, **values) -> str:
    """This page's string `key` in `lang`, with {placeholders} filled."""
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


# ---------------------------------------------------------------- pure builders


def template_years() -> list[int]:
    """Years a template can be made for, newest first: this year back to FIRST_TEMPLATE_YEAR,
    each on its own map (the 126 communes and wards from 2025), leaving out a year whose map
    has no indicator in the catalogue."""
    return [year for year in range(latest_template_year(), FIRST_TEMPLATE_YEAR - 1, -1)
            if template_indicators(year)]


def template_year_label(year: int, lang: str) -> str:
    """'2026 (126 xã, phường; nhiệm kỳ 2026–2031)', '2021 (nhiệm kỳ 2021–2026)', '2024'."""
    notes = []
    admin_map = template_map(year)
    if admin_map.valid_from is not None:  # the map that is not the default of the older years
        notes.append(admin_map.title[lang])
    if year in ELECTION_YEARS:
        notes.append(f"nhiệm kỳ {year}–{year + 5}" if lang == "vi" else f"{year}–{year + 5} term")
    return f"{year} ({'; '.join(notes)})" if notes else str(year)


def template_year_options(lang: str) -> dict[str, int]:
    """The template-year list: label in `lang` -> year, newest first."""
    return {template_year_label(year, lang): year for year in template_years()}


def problems_frame(result: ImportResult, lang: str) -> pd.DataFrame:
    """Every problem of a rejected file, one row each, with headers in `lang`."""
    rows = result.problem_rows(lang)
    frame = pd.DataFrame(rows, columns=[*PROBLEM_COLUMNS, "code"])[list(PROBLEM_COLUMNS)]
    return frame.rename(columns={column: s(f"col_{column}", lang) for column in PROBLEM_COLUMNS})


def problems_csv(result: ImportResult, lang: str) -> bytes:
    """The problem table as CSV for Excel (UTF-8 with a byte-order mark); file names and
    values came from the uploaded file, so formula-like text is neutralised."""
    frame = neutralise_frame(problems_frame(result, lang))
    return frame.to_csv(index=False).encode("utf-8-sig")


def problems_file_name(result: ImportResult, lang: str) -> str:
    """`loi-<uploaded file>.csv`, built only from safe characters of the uploaded name."""
    stem = safe_file_name(PurePath(result.file_name).stem, default="tep")
    return f"{'loi' if lang == 'vi' else 'problems'}-{stem}.csv"


def history_frame(batches: list[BatchInfo], lang: str) -> pd.DataFrame:
    """The audit trail as a table, newest first, times as dd/mm/yyyy HH:MM (Hà Nội)."""
    rows = [batch.as_dict(lang) for batch in sorted(batches, key=lambda b: b.id, reverse=True)]
    return pd.DataFrame(rows)


def table_html(frame: pd.DataFrame, css_class: str, caption: str = "") -> str:
    """An HTML table that scrolls sideways on a phone instead of squeezing its columns."""
    head = "".join(f"<th scope=\"col\">{html.escape(str(column))}</th>" for column in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{'' if _blank(value) else html.escape(str(value))}</td>"
                         for value in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<div class="data-table-wrap"><table class="data-table {css_class}">{caption_html}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def rollback_choices(batches: list[BatchInfo], lang: str) -> dict[str, int]:
    """Label -> batch id of every import still in force, newest first."""
    return {
        f"#{batch.id} · {batch.time_text} · {batch.file_name or ''} · {batch.user_name}": batch.id
        for batch in sorted(batches, key=lambda b: b.id, reverse=True)
        if batch.kind == "import" and not batch.rolled_back
    }


def message_html(text: str, kind: str) -> str:
    """A result line: kind is 'success', 'danger' or 'info'."""
    return f'<div class="data-message data-message-{kind}" role="status">{html.escape(text)}</div>'


def account_html(lang: str, editor: str | None, sign_in_available: bool, next_url: str) -> str:
    """Who is signed in, with the sign-out link; or the editor sign-in link for a viewer."""
    query = urlencode({"next": next_url, "lang": lang})
    if editor:
        return (f'<div class="data-account editor">{html.escape(s("signed_in", lang, name=editor))}'
                f' · <a class="data-sign-out" href="logout?{html.escape(query)}">'
                f'{s("sign_out", lang)}</a></div>')
    link = (f'<a class="data-sign-in" href="login?{html.escape(query)}">{s("sign_in", lang)}</a>'
            if sign_in_available else f'<span class="data-muted">{s("sign_in_off", lang)}</span>')
    return f'<div class="data-account viewer">{s("viewer", lang)} {link}</div>'


# Inside each pane's shadow root, so the page does not depend on the global stylesheet.
PAGE_CSS = """
.data-section { font-size: 1.2rem; margin: 14px 0 4px; padding-bottom: 3px;
  border-bottom: 2px solid #5b2a86; color: #2d1547; }
.data-text { font-size: 0.95rem; color: #333; line-height: 1.45; margin: 2px 0; max-width: 1000px; }
.data-muted { color: #555; font-size: 0.9rem; }
.data-account { font-size: 0.98rem; line-height: 1.5; padding: 8px 12px; border-radius: 6px;
  background: #f3eef8; border: 1px solid #d6d0dc; }
.data-account a { color: #5b2a86; font-weight: 700; white-space: nowrap; }
.data-table-wrap { overflow-x: auto; max-width: 100%; max-height: 480px; overflow-y: auto;
  border: 1px solid #e4e0e8; border-radius: 4px; }
.data-table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.data-table caption { text-align: left; font-weight: 700; padding: 6px 8px; color: #7f1020; }
.data-table th, .data-table td { padding: 5px 8px; border-bottom: 1px solid #e4e0e8;
  text-align: left; vertical-align: top; }
.data-table thead th { background: #f1ecf6; position: sticky; top: 0; white-space: nowrap; }
.data-history td { white-space: nowrap; }
.data-problems td:last-child { min-width: 16em; }
.data-message { padding: 8px 12px; border-radius: 6px; line-height: 1.45; font-size: 0.98rem; }
.data-message-success { background: #e8f5e9; border: 1px solid #1b5e20; color: #14451a; }
.data-message-danger { background: #fdecea; border: 1px solid #b2182b; color: #7f1020; }
.data-message-info { background: #e3f2fd; border: 1px solid #0d47a1; color: #0b3a80; }
.data-updated { font-size: 0.9rem; color: #444; }
@media (max-width: 700px) { .data-table { font-size: 0.8rem; }
  .data-table th, .data-table td { padding: 4px 5px; } }
"""


# Panel's download button is pale by default; this one is the page's main action for viewers.
DOWNLOAD_CSS = """
.bk-btn { background: #5b2a86 !important; color: #fff !important; border: 1px solid #5b2a86;
  font-weight: 600; }
.bk-btn:hover { background: #47206a !important; }
"""


def _html(content, **params) -> pn.pane.HTML:
    params.setdefault("sizing_mode", "stretch_width")
    return pn.pane.HTML(content, stylesheets=[PAGE_CSS], **params)


class DataPage(Viewer):
    """Template and history for everyone; upload and rollback only for a signed-in editor."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    editor = param.String(
        default=None, allow_None=True, constant=True,
        doc="Signed-in editor of this session, None for a viewer; read from the sign-in cookie "
        "when not given.",
    )
    batches = param.List(default=[], item_type=BatchInfo, precedence=-1,
                         doc="The audit trail, newest first.")
    history_state = param.Selector(
        default="loading", objects=["loading", "ready", "failed"], precedence=-1,
        doc="Whether the audit trail is being read, was read, or could not be read.")

    def __init__(self, **params):
        self._signin = None
        if "editor" not in params:
            self._signin = auth.session_signin()
            params["editor"] = self._signin.name if self._signin else None
        super().__init__(**params)
        lang = self.state.param.lang
        # The session's document, when served: results of database reads made in a thread are
        # applied on it. Without one (tests, notebooks) they are applied from the thread.
        document = pn.state.curdoc
        self._document = document if document is not None and document.session_context else None
        self._history_job = 0  # the newest history read; an older one that ends later is dropped
        self._history_thread: threading.Thread | None = None
        self._applying_own_change = False  # this session's import set data_version itself
        self._heading = _html(pn.bind(
            lambda lang: f'<h2 class="data-section">{s("heading", lang)}</h2>'
                         f'<p class="data-text">{s("intro", lang)}</p>', lang))
        self._account = _html(pn.bind(self._account_html, lang), css_classes=["data-account-pane"])
        years = template_years()
        self._year = pn.widgets.Select(options=template_year_options(self.state.lang), value=years[0],
                                       width=300, css_classes=["data-template-year"])
        self._year_lang = self.state.lang
        self._download = pn.widgets.FileDownload(
            callback=self._template_file, filename=template_file_name(years[0], self.state.lang),
            color="primary", width=260, align="end", css_classes=["data-template-download"],
            stylesheets=[DOWNLOAD_CSS],
        )
        self._template_message = _html("", visible=False)
        self._year.param.watch(self._relabel, "value")
        self._history = _html(pn.bind(self._history_html, lang, self.param.batches,
                                      self.param.history_state),
                              css_classes=["data-history-pane"], loading=True)
        self.param.watch(self._show_history_loading, "history_state")
        self._editor_sections: list = []
        if self.editor:
            self._build_editor_widgets()
        self.state.param.watch(self._relabel, "lang")
        self.state.param.watch(self._on_new_data, "data_version")
        self._relabel()
        self._layout = self._build_layout()
        self._load_history()
        if self._document is not None:
            self._follow_database()

    # ------------------------------------------------------------ everyone

    def _account_html(self, lang: str) -> str:
        location = pn.state.location
        path = (location.pathname if location and location.pathname else "") or "/"
        # With --num-procs, a session built by another process starts from its websocket's URL.
        path = path.removesuffix("ws") if path.endswith("/ws") else path
        next_url = f"{path}?{urlencode({'page': SLUG, 'lang': lang})}"
        return account_html(lang, self.editor, auth.SERVED, next_url)

    def _template_file(self) -> io.BytesIO | None:
        try:
            content = build_template(self._year.value, self.state.lang)
        except TemplateError as error:
            self._template_message.param.update(object=message_html(error.message(self.state.lang),
                                                                     "danger"), visible=True)
            return None
        self._template_message.visible = False
        return io.BytesIO(content)

    @staticmethod
    def _read_history() -> list[BatchInfo] | None:
        """The audit trail from the database, or None when it cannot be read. It may wait on
        a locked database, so it runs in a worker thread and touches no widget."""
        try:
            return batch_history(engine=shared_engine(database_url()))
        except Exception as error:  # the page must still show; the history says it cannot be read
            log.warning("the import history cannot be read: %s", error)
            return None

    def _load_history(self) -> None:
        """Read the audit trail in a worker thread; the page shows it when it arrives, on the
        session's document when served."""
        self._history_job += 1
        job = self._history_job
        self.history_state = "loading"

        def read_then_show() -> None:
            batches = self._read_history()
            if self._document is None:
                self._apply_history(batches, job)
            else:
                self._schedule(lambda: self._apply_history(batches, job))

        self._history_thread = threading.Thread(target=read_then_show, daemon=True,
                                                name="data-page-history")
        self._history_thread.start()

    def wait_for_history(self, timeout: float = 30) -> None:
        """Block until the latest history read has been shown (scripts and tests, unserved)."""
        if self._history_thread is not None:
            self._history_thread.join(timeout)

    def _apply_history(self, batches: list[BatchInfo] | None, job: int | None = None) -> None:
        if job is not None and job != self._history_job:
            return  # a newer read was started meanwhile; its result is the one to show
        self.param.update(batches=batches or [],
                          history_state="failed" if batches is None else "ready")
        if self.editor:
            self._refresh_rollback_choices()

    def _show_history_loading(self, event) -> None:
        self._history.loading = event.new == "loading"

    def _history_html(self, lang: str, batches: list[BatchInfo], history_state: str) -> str:
        if history_state == "loading":
            return f'<p class="data-muted data-history-loading">{s("history_loading", lang)}</p>'
        if history_state == "failed":
            # The same words as the database banner, never a traceback.
            return message_html(f'{s("history_error", lang)} {t("database_unreachable", lang)}',
                                "danger")
        if not batches:
            return f'<p class="data-muted">{s("history_empty", lang)}</p>'
        return table_html(history_frame(batches, lang), "data-history")

    def _on_new_data(self, _event=None) -> None:
        """Another session or process imported or rolled back: show the new history."""
        if not self._applying_own_change:
            self._load_history()

    def _follow_database(self) -> None:
        """A history that could not be read is read again as soon as the database is back."""
        def on_status(status: DatabaseStatus) -> None:
            if status.reachable and self.history_state == "failed":
                self._schedule(self._load_history)

        unsubscribe = data_watcher().subscribe(on_status)
        pn.state.on_session_destroyed(lambda _context: unsubscribe())

    def _schedule(self, function: Callable[[], None]) -> None:
        """Run `function` on this session's document, from any thread: Bokeh's
        `add_next_tick_callback` is the one document method that is safe from another thread."""
        document = self._document

        def on_document() -> None:
            with set_curdoc(document):
                function()

        try:
            document.add_next_tick_callback(on_document)
        except Exception as error:  # the session closed meanwhile
            log.debug("session gone before the data page could update: %s", error)

    # ------------------------------------------------------------ editors only

    def _build_editor_widgets(self) -> None:
        lang = self.state.param.lang
        self._file = pn.widgets.FileInput(accept=ACCEPTED_FILES, multiple=False,
                                          css_classes=["data-upload"], sizing_mode="stretch_width",
                                          max_width=460)
        self._comment = pn.widgets.TextInput(sizing_mode="stretch_width", max_width=460,
                                             css_classes=["data-comment"])
        self._status = pn.widgets.Select(width=160, css_classes=["data-status"])
        self._check = pn.widgets.Button(color="primary", width=130, align="end",
                                        css_classes=["data-check"], disabled=True)
        self._import = pn.widgets.Button(color="success", width=130, align="end",
                                         css_classes=["data-import"], disabled=True)
        self._busy = False  # an import or a rollback is running for this session
        self._file.param.watch(self._on_file, "value")
        self._check.on_click(self._on_check)
        self._import.on_click(self._on_import)
        self._result: ImportResult | None = None
        self._message: tuple[str, str] | None = None  # (STRINGS key, kind) when not a result
        self._summary = _html("", visible=False, css_classes=["data-summary"])
        self._problems = _html("", visible=False, css_classes=["data-problems-pane"])
        self._problems_download = pn.widgets.FileDownload(
            callback=self._problems_file, filename="loi.csv", visible=False, width=260,
            css_classes=["data-problems-download"])

        self._rollback_batch = pn.widgets.Select(sizing_mode="stretch_width", max_width=620,
                                                 css_classes=["data-rollback-batch"])
        self._rollback_comment = pn.widgets.TextInput(sizing_mode="stretch_width", max_width=460,
                                                      css_classes=["data-rollback-comment"])
        self._rollback_confirm = pn.widgets.Checkbox(css_classes=["data-rollback-confirm"])
        self._rollback_button = pn.widgets.Button(color="danger", width=130, disabled=True,
                                                  css_classes=["data-rollback"])
        self._rollback_confirm.param.watch(self._enable_rollback, "value")
        self._rollback_batch.param.watch(self._enable_rollback, "value")
        self._rollback_button.on_click(self._on_rollback)
        self._rollback_result: RollbackResult | None = None
        self._rollback_message = _html("", visible=False, css_classes=["data-rollback-message"])
        self._rollback_row = pn.FlexBox(
            self._rollback_comment, self._rollback_confirm, self._rollback_button,
            sizing_mode="stretch_width", align_items="center", css_classes=["data-rollback-row"])
        self._rollback_none = _html(pn.bind(
            lambda lang: f'<p class="data-muted">{s("rollback_none", lang)}</p>', lang),
            css_classes=["data-rollback-none"])
        self._refresh_rollback_choices()

        self._editor_sections = [
            pn.Column(
                _html(pn.bind(lambda lang: f'<h3 class="data-section">{s("upload_heading", lang)}'
                              f'</h3><p class="data-text">'
                              f'{s("upload_text", lang, limit=MAX_FILE_LABEL)}</p>', lang)),
                self._file,
                pn.FlexBox(self._comment, self._status, self._check, self._import,
                           sizing_mode="stretch_width", align_items="flex-end",
                           css_classes=["data-upload-row"]),
                self._summary, self._problems_download, self._problems,
                sizing_mode="stretch_width", css_classes=["data-upload-section"],
            ),
            pn.Column(
                _html(pn.bind(lambda lang: f'<h3 class="data-section">{s("rollback_heading", lang)}'
                              f'</h3><p class="data-text">{s("rollback_text", lang)}</p>', lang)),
                self._rollback_none,
                self._rollback_batch,
                self._rollback_row,
                self._rollback_message,
                sizing_mode="stretch_width", css_classes=["data-rollback-section"],
            ),
        ]

    def _on_file(self, event) -> None:
        if not self._still_editor():
            return self._show_outcome()
        chosen = bool(event.new)
        self._check.disabled = self._import.disabled = not chosen or self._busy
        if chosen:
            self._result, self._message = None, None
            self._show_outcome()

    def _still_editor(self) -> bool:
        """Asked at the top of every editor action: a signed-out, expired or removed editor's
        open session loses its rights at the next action, and says so."""
        if auth.editor_may_act(self.editor, self._signin):
            return True
        self._message, self._result = ("signed_out", "danger"), None
        return False

    def submit(self, dry_run: bool) -> ImportResult | None:
        """Check (dry run) or import the chosen file as this editor and show the outcome.

        Waits in the calling thread; the page's own buttons use `_submit_in_background`.
        """
        result = self._run_import(dry_run)
        self._after_import(result, self._reload_after_change() if _wrote(result) else None)
        return result

    def _run_import(self, dry_run: bool) -> ImportResult | None:
        """The slow part, which touches no widget: safe in a worker thread."""
        if not self._file.value:
            self._message = ("choose_file", "info")
            return None
        if not self._still_editor():
            self._message = ("signed_out", "danger")
            return None
        return import_bytes(
            self._file.value, self._file.filename or "upload", user=self.editor,
            comment=self._comment.value_input or self._comment.value, status=self._status.value,
            dry_run=dry_run,
        )

    def _after_import(self, result: ImportResult | None,
                      batches: list[BatchInfo] | None = None) -> None:
        """Show the outcome; `batches` is the history read after a successful import."""
        if result is not None:
            self._result, self._message = result, None
        else:
            self._result = None
        self._show_outcome()
        if result is not None and result.ok and not result.dry_run:
            # Forget the file, so a second click cannot import it twice.
            self._file.clear()
            self._file.param.update(value=None, filename=None)
            self._comment.param.update(value="", value_input="")
            self._show_new_data(batches)

    async def _on_check(self, _event) -> None:
        if not self._still_editor():
            return self._show_outcome()
        await self._submit_in_background(dry_run=True)

    async def _on_import(self, _event) -> None:
        if not self._still_editor():
            return self._show_outcome()
        await self._submit_in_background(dry_run=False)

    async def _submit_in_background(self, dry_run: bool) -> None:
        """Validate and write in a worker thread, so other sessions are not held up.

        The page is busy on the server while it runs: a second click, or a second websocket
        event sent before the disabled button reached the browser, does nothing.
        """
        if self._busy:
            return
        self._set_busy(True)
        try:
            result = await asyncio.to_thread(self._run_import, dry_run)
            batches = await asyncio.to_thread(self._reload_after_change) if _wrote(result) else None
            self._after_import(result, batches)
        finally:
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for section in self._editor_sections:
            section.loading = busy
        if busy:
            self._check.disabled = self._import.disabled = self._rollback_button.disabled = True
        else:
            self._check.disabled = self._import.disabled = not self._file.value
            self._enable_rollback()

    def _reload_after_change(self) -> list[BatchInfo] | None:
        """After this session's import or rollback, the new figures and history, read in the
        calling thread: it may wait on the process's reload lock or a locked database, so the
        page runs it in a worker thread."""
        try:
            refresh_if_changed(self.data)
        except Exception as error:  # the data keeps what it had; the watcher shows the banner
            log.warning("the new figures cannot be read: %s", error)
        return self._read_history()

    def _show_new_data(self, batches: list[BatchInfo] | None) -> None:
        """This session shows the new figures at once; others follow within seconds."""
        self._history_job += 1  # a history read started before the change is out of date
        self._applying_own_change = True
        try:
            self.state.data_version = self.data.version
        finally:
            self._applying_own_change = False
        self._apply_history(batches)
        if self._document is not None:
            data_watcher().request_check()  # the other sessions of this process hear of it now

    def _show_outcome(self) -> None:
        lang = self.state.lang
        if self._message is not None:
            key, kind = self._message
            self._summary.param.update(object=message_html(s(key, lang), kind), visible=True)
            self._problems.visible = self._problems_download.visible = False
            return
        result = self._result
        if result is None:
            self._summary.visible = self._problems.visible = False
            self._problems_download.visible = False
            return
        self._summary.param.update(
            object=message_html(result.summary(lang), "success" if result.ok else "danger"),
            visible=True,
        )
        if result.ok:
            self._problems.visible = self._problems_download.visible = False
        else:
            shown, count = len(result.problems), result.problem_count
            caption = (s("problems_caption_more", lang, shown=shown, count=count)
                       if count > shown else s("problems_caption", lang, count=count))
            self._problems_download.param.update(
                filename=problems_file_name(result, lang), label=s("problems_download", lang),
                visible=True)
            self._problems.param.update(
                object=table_html(problems_frame(result, lang), "data-problems", caption),
                visible=True,
            )

    def _problems_file(self) -> io.BytesIO | None:
        if self._result is None or self._result.ok:
            return None
        return io.BytesIO(problems_csv(self._result, self.state.lang))

    def _refresh_rollback_choices(self) -> None:
        choices = rollback_choices(self.batches, self.state.lang)
        self._rollback_batch.param.update(options=choices,
                                          value=next(iter(choices.values()), None),
                                          visible=bool(choices))
        # While the history loads, "nothing to roll back" would not be true yet.
        self._rollback_none.visible = not choices and self.history_state == "ready"
        self._rollback_row.visible = bool(choices)
        self._enable_rollback()

    def _enable_rollback(self, _event=None) -> None:
        self._rollback_button.disabled = not (self._rollback_confirm.value
                                              and self._rollback_batch.value is not None)

    def rollback(self) -> RollbackResult | None:
        """Roll back the chosen batch as this editor and show the outcome (waits in the
        calling thread; the page's own button uses `_on_rollback`)."""
        result = self._run_rollback()
        self._after_rollback(result, self._reload_after_change() if _wrote(result) else None)
        return result

    def _run_rollback(self) -> RollbackResult | None:
        batch_id = self._rollback_batch.value
        if batch_id is None or not self._rollback_confirm.value:
            return None
        if not self._still_editor():
            return RollbackResult(int(batch_id), False, code="signed_out",
                                  reason_vi=s("signed_out", "vi"), reason_en=s("signed_out", "en"))
        return rollback_batch(int(batch_id), user=self.editor,
                              comment=self._rollback_comment.value_input
                              or self._rollback_comment.value)

    def _after_rollback(self, result: RollbackResult | None,
                        batches: list[BatchInfo] | None = None) -> None:
        self._rollback_result = result
        self._show_rollback()
        if result is not None and result.ok:
            self._rollback_confirm.value = False
            self._rollback_comment.param.update(value="", value_input="")
            self._show_new_data(batches)

    async def _on_rollback(self, _event) -> None:
        if self._busy:
            return
        if not self._still_editor():
            return self._after_rollback(RollbackResult(
                int(self._rollback_batch.value or 0), False, code="signed_out",
                reason_vi=s("signed_out", "vi"), reason_en=s("signed_out", "en")))
        self._set_busy(True)
        try:
            result = await asyncio.to_thread(self._run_rollback)
            batches = await asyncio.to_thread(self._reload_after_change) if _wrote(result) else None
            self._after_rollback(result, batches)
        finally:
            self._set_busy(False)

    def _show_rollback(self) -> None:
        result = self._rollback_result
        if result is None:
            self._rollback_message.visible = False
            return
        self._rollback_message.param.update(
            object=message_html(result.message(self.state.lang),
                                "success" if result.ok else "danger"),
            visible=True,
        )

    # ------------------------------------------------------------ language

    def _relabel(self, _event=None) -> None:
        lang = self.state.lang
        self._year.label = s("template_year", lang)
        if lang != self._year_lang:  # the labels name the map and the term in the page's language
            self._year_lang = lang
            self._year.param.update(options=template_year_options(lang), value=self._year.value)
        self._download.param.update(label=s("template_download", lang),
                                    filename=template_file_name(self._year.value, lang))
        if not self.editor:
            return
        self._file.label = s("file", lang)
        self._comment.param.update(label=s("comment", lang),
                                   placeholder=s("comment_placeholder", lang))
        status = self._status.value or "official"
        self._status.param.update(label=s("status", lang), options={
            s("official", lang): "official", s("provisional", lang): "provisional"})
        self._status.value = status
        self._check.label = s("check", lang)
        self._import.label = s("import", lang)
        self._rollback_batch.label = s("rollback_batch", lang)
        self._rollback_comment.label = s("rollback_comment", lang)
        self._rollback_confirm.label = s("rollback_confirm", lang)
        self._rollback_button.label = s("rollback_button", lang)
        self._show_outcome()
        self._show_rollback()

    def _build_layout(self) -> pn.Column:
        lang = self.state.param.lang
        template = pn.Column(
            _html(pn.bind(lambda lang: f'<h3 class="data-section">{s("template_heading", lang)}'
                          f'</h3><p class="data-text">{s("template_text", lang)}</p>', lang)),
            pn.FlexBox(self._year, self._download, align_items="flex-end",
                       sizing_mode="stretch_width"),
            self._template_message,
            sizing_mode="stretch_width", css_classes=["data-template-section"],
        )
        history = pn.Column(
            _html(pn.bind(lambda lang: f'<h3 class="data-section">{s("history_heading", lang)}'
                          f'</h3><p class="data-text">{s("history_text", lang)}</p>', lang)),
            self._history,
            sizing_mode="stretch_width", css_classes=["data-history-section"],
        )
        upload, rollback = self._editor_sections or (None, None)
        sections = [self._heading, self._account, template, upload, history, rollback]
        return pn.Column(*[section for section in sections if section is not None],
                         sizing_mode="stretch_width", css_classes=["page", "page-data"])

    def __panel__(self):
        return self._layout


def _wrote(result: ImportResult | RollbackResult | None) -> bool:
    """Whether an import or rollback changed the database."""
    return result is not None and result.ok and not getattr(result, "dry_run", False)


PAGE = PageRecord(slug=SLUG, title=TITLE, icon=ICON, factory=DataPage)
