"""Turn uploaded bytes into sheets of raw cells, refusing what must never be opened.

Formulas are read as text and never evaluated (openpyxl with data_only=False), workbooks
with macros are refused before openpyxl sees them, and size limits stop zip bombs.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from .problems import Collector

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILE_LABEL = "5 MB"
# An .xlsx is a zip; its unpacked XML may not exceed this (a 5 MB file rarely unpacks
# past 40 MB, while a zip bomb unpacks to gigabytes).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_ROWS = 50_000
MAX_COLUMNS = 1_000
META_SHEET = "_meta"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")
_OLD_EXCEL_SUFFIXES = (".xls", ".xlt")


@dataclass
class Cell:
    value: object
    formula: bool = False
    # The cell is formatted as a percentage in Excel: 0.355 is shown (and meant) as 35.5%.
    percent_format: bool = False


@dataclass
class Sheet:
    """Non-empty rows of one worksheet (or of a CSV file, name None), numbered from 1."""

    name: str | None
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


@dataclass
class Workbook:
    kind: str  # "xlsx" or "csv"
    sheets: list[Sheet]
    meta: dict[str, str] = field(default_factory=dict)


def read_file(data: bytes, file_name: str, problems: Collector) -> Workbook | None:
    """The sheets in `data`, or None after adding the reason to `problems`."""
    suffix = PurePath(file_name).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        problems.add(
            "too_large",
            f"tệp quá lớn ({len(data) / 1024 / 1024:.1f} MB); giới hạn là {MAX_FILE_LABEL}",
            f"the file is too large ({len(data) / 1024 / 1024:.1f} MB); the limit is "
            f"{MAX_FILE_LABEL}",
        )
        return None
    if suffix in _MACRO_SUFFIXES:
        problems.add(
            "macro",
            "tệp Excel có macro (.xlsm, .xlsb...) không được chấp nhận; hãy lưu thành .xlsx",
            "Excel files with macros (.xlsm, .xlsb...) are not accepted; save as .xlsx",
            value=suffix,
        )
        return None
    if suffix in _OLD_EXCEL_SUFFIXES or data.startswith(_OLE_MAGIC):
        problems.add(
            "wrong_type",
            "định dạng Excel cũ (.xls) không được chấp nhận; hãy lưu thành .xlsx hoặc CSV UTF-8",
            "the old Excel format (.xls) is not accepted; save as .xlsx or CSV UTF-8",
            value=suffix or None,
        )
        return None
    if suffix not in (".xlsx", ".csv"):
        problems.add(
            "wrong_type",
            "loại tệp không được hỗ trợ; chỉ nhận .xlsx (mẫu nhập liệu) hoặc .csv (UTF-8)",
            "unsupported file type; only .xlsx (the template) or .csv (UTF-8) are accepted",
            value=suffix or None,
        )
        return None
    if not data:
        problems.add("empty", "tệp trống", "the file is empty")
        return None
    if suffix == ".xlsx":
        return _read_xlsx(data, problems)
    if data.startswith(_ZIP_MAGIC):
        problems.add(
            "wrong_type",
            "tệp có đuôi .csv nhưng là tệp nén (có thể là Excel); hãy đổi tên đúng đuôi",
            "the file is named .csv but is a zip archive (perhaps Excel); use the right name",
        )
        return None
    return _read_csv(data, problems)


# ------------------------------------------------------------------------ Excel


def _read_xlsx(data: bytes, problems: Collector) -> Workbook | None:
    not_excel = (
        "tệp không phải là bảng tính Excel .xlsx hợp lệ (có thể bị hỏng)",
        "the file is not a valid Excel .xlsx workbook (it may be damaged)",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        problems.add("wrong_type", *not_excel)
        return None
    names = [entry.filename.lower() for entry in entries]
    if any(name.endswith("vbaproject.bin") for name in names) or _declares_macros(archive):
        problems.add(
            "macro",
            "bảng tính có macro (VBA); macro không bao giờ được chạy, hãy lưu lại thành .xlsx "
            "không có macro",
            "the workbook contains macros (VBA); macros are never run, save it again as a "
            ".xlsx without macros",
        )
        return None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        problems.add(
            "too_large",
            f"bảng tính giải nén ra quá lớn (giới hạn {MAX_UNPACKED_BYTES // 1024 // 1024} MB)",
            f"the workbook unpacks too large (limit {MAX_UNPACKED_BYTES // 1024 // 1024} MB)",
        )
        return None
    if "xl/workbook.xml" not in names:
        problems.add("wrong_type", *not_excel)
        return None

    import openpyxl  # imported here: the CLI stays fast for other commands

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_vba=False, keep_links=False
        )
    except Exception:  # openpyxl raises many types for damaged files
        problems.add("wrong_type", *not_excel)
        return None
    try:
        sheets, meta = [], {}
        for worksheet in book.worksheets:
            if not hasattr(worksheet, "iter_rows"):
                continue  # chart sheets hold no cells
            if worksheet.title == META_SHEET:
                meta = _meta(worksheet)
                continue
            sheet = _xlsx_sheet(worksheet, problems)
            if sheet is None:
                return None
            sheets.append(sheet)
    except Exception:
        problems.add("wrong_type", *not_excel)
        return None
    finally:
        book.close()
    return Workbook("xlsx", sheets, meta)


def _declares_macros(archive: zipfile.ZipFile) -> bool:
    try:
        with archive.open("[Content_Types].xml") as handle:
            return b"macroenabled" in handle.read(1_000_000).lower()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return False


def _xlsx_sheet(worksheet, problems: Collector) -> Sheet | None:
    worksheet.reset_dimensions()  # never trust the declared size of a sheet
    sheet = Sheet(worksheet.title)
    for number, row in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        cells = []
        for cell in row:
            value = cell.value
            formula = getattr(cell, "data_type", None) == "f" or (
                isinstance(value, str) and value.startswith("=")
            )
            if formula and not isinstance(value, str):
                value = str(getattr(value, "text", value))
            number_format = getattr(cell, "number_format", None) or ""
            cells.append(Cell(value, formula, "%" in number_format))
        while cells and cells[-1].value is None:
            cells.pop()
        if not cells:
            continue
        if len(sheet.rows) >= MAX_ROWS:
            _too_many_rows(problems, sheet.name)
            return None
        sheet.rows.append((number, cells))
    return sheet


def _meta(worksheet) -> dict[str, str]:
    meta = {}
    for row in worksheet.iter_rows(max_col=2, max_row=50, values_only=True):
        if len(row) == 2 and isinstance(row[0], str) and row[1] is not None:
            meta[row[0].strip()] = str(row[1]).strip()
    return meta


def _too_many_rows(problems: Collector, sheet: str | None) -> None:
    problems.add(
        "too_large",
        f"quá nhiều dòng (giới hạn {MAX_ROWS:,} dòng)".replace(",", "."),
        f"too many rows (the limit is {MAX_ROWS:,} rows)",
        sheet=sheet,
    )


# -------------------------------------------------------------------------- CSV


def _read_csv(data: bytes, problems: Collector) -> Workbook | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(
            "encoding",
            "tệp CSV được mã hóa UTF-16; hãy lưu lại với kiểu \"CSV UTF-8\"",
            "the CSV file is UTF-16 encoded; save it again as \"CSV UTF-8\"",
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(
            "encoding",
            "tệp CSV không được mã hóa UTF-8; trong Excel hãy chọn Lưu thành \"CSV UTF-8\"",
            "the CSV file is not UTF-8 encoded; in Excel choose Save as \"CSV UTF-8\"",
            row=line,
            value=data[error.start:error.start + 4].hex(" "),
        )
        return None
    if "\x00" in text:
        problems.add(
            "wrong_type",
            "tệp không phải là văn bản CSV (có ký tự nhị phân)",
            "the file is not CSV text (it contains binary characters)",
        )
        return None
    if not text.strip():
        problems.add("empty", "tệp trống", "the file is empty")
        return None
    delimiter = _delimiter(text)
    sheet = Sheet(None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            cells = [
                Cell(value, formula=value.lstrip().startswith("=")) for value in row[:MAX_COLUMNS]
            ]
            while cells and not str(cells[-1].value).strip():
                cells.pop()
            if not cells:
                continue
            if len(sheet.rows) >= MAX_ROWS:
                _too_many_rows(problems, None)
                return None
            sheet.rows.append((number, cells))
    except csv.Error as error:
        problems.add(
            "wrong_type",
            f"không đọc được tệp CSV ({error})",
            f"the CSV file cannot be read ({error})",
            row=reader.line_num,
        )
        return None
    return Workbook("csv", [sheet])


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel with a decimal-comma locale) or tab: the one that splits the
    first lines into the most columns."""
    head = "\n".join(text.splitlines()[:5])
    best, best_width = ",", 0
    for candidate in (",", ";", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=candidate))
        except csv.Error:
            continue
        width = max((len(row) for row in rows), default=0)
        if width > best_width:
            best, best_width = candidate, width
    return best
