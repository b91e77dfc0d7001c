"""Turn uploaded bytes into sheets of raw cells, refusing what must never be opened.

Formulas are read as text and never evaluated (openpyxl with data_only=False), workbooks
with macros are refused before openpyxl sees them, and size limits stop zip bombs. Rows,
columns and cells are capped, empty formatted ones included, and reading stops at the first
limit passed: any file within MAX_FILE_BYTES is read in seconds and in bounded memory.
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
# openpyxl loads the shared strings and the styles whole, before any cell is read: these two
# parts get their own, smaller limits (the template needs well under 1 MB of each).
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
MAX_STYLES_BYTES = 4 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
# Firm limits on what a file may hold, so that any file within MAX_FILE_BYTES is checked in
# seconds and in well under 300 MB. The template fills about 30 rows and 100 columns, and a
# long file with every district indicator of ten years about 14,000 rows of 7 columns.
MAX_ROWS = 20_000  # no filled cell below this row (Excel's row number, the CSV line)
MAX_COLUMNS = 250  # no filled cell right of this column
MAX_CELLS = 150_000  # filled cells in the whole file
# Rows and cells read at all, empty and formatted ones included: a sheet whose formatting runs
# down a million rows stops here instead of costing minutes.
MAX_SCANNED_ROWS = 30_000
MAX_SCANNED_CELLS = 160_000
META_SHEET = "_meta"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")
_OLD_EXCEL_SUFFIXES = (".xls", ".xlt")


@dataclass(slots=True)
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
    sizes = {entry.filename.lower(): entry.file_size for entry in entries}
    if (
        len(entries) > MAX_ZIP_ENTRIES or sum(sizes.values()) > MAX_UNPACKED_BYTES
        or sizes.get("xl/sharedstrings.xml", 0) > MAX_SHARED_STRINGS_BYTES
        or sizes.get("xl/styles.xml", 0) > MAX_STYLES_BYTES
    ):
        problems.add(
            "too_large",
            f"bảng tính giải nén ra quá lớn (giới hạn {MAX_UNPACKED_BYTES // 1024 // 1024} MB)",
            f"the workbook unpacks too large (limit {MAX_UNPACKED_BYTES // 1024 // 1024} MB)",
        )
        return None
    if "xl/workbook.xml" not in names:
        problems.add("wrong_type", *not_excel)
        return None

    try:
        reader, sheets_found = _open_book(data)
    except Exception:  # openpyxl raises many types for damaged files
        problems.add("wrong_type", *not_excel)
        return None
    try:
        sheets, meta = [], {}
        limits = _Limits(problems)
        for title, path in sheets_found:
            sheet = _xlsx_sheet(reader, title, path, limits)
            if sheet is None:
                return None
            if title == META_SHEET:
                meta = _meta(sheet)
            else:
                sheets.append(sheet)
    except Exception:
        problems.add("wrong_type", *not_excel)
        return None
    finally:
        reader.archive.close()
    return Workbook("xlsx", sheets, meta)


def _open_book(data: bytes):
    """openpyxl's reader with the workbook, strings and styles read, and the worksheets
    listed as (title, part) but not opened.

    openpyxl's load_workbook(read_only=True) would open every worksheet to read its declared
    size, and a worksheet without one is then parsed whole before any limit can apply. The
    steps below are those of ExcelReader.read (openpyxl 3.1) without that one.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=False,
                         keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in (rel.Type or "")
        ]
    except BaseException:
        reader.archive.close()
        raise
    return reader, sheets


def _declares_macros(archive: zipfile.ZipFile) -> bool:
    try:
        with archive.open("[Content_Types].xml") as handle:
            return b"macroenabled" in handle.read(1_000_000).lower()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return False


class _Limits:
    """Counts what has been read across the whole file; says which firm limit was passed."""

    def __init__(self, problems: Collector) -> None:
        self.problems = problems
        self.scanned_rows = self.scanned_cells = self.filled = 0

    def scan_row(self, sheet: str | None, row: int) -> bool:
        self.scanned_rows += 1
        if self.scanned_rows > MAX_SCANNED_ROWS:
            self._too_much(sheet, row, f"{MAX_SCANNED_ROWS:,} dòng", f"{MAX_SCANNED_ROWS:,} rows")
            return False
        return True

    def scan_cells(self, sheet: str | None, row: int, count: int = 1) -> bool:
        self.scanned_cells += count
        if self.scanned_cells > MAX_SCANNED_CELLS:
            self._too_much(sheet, row, f"{MAX_SCANNED_CELLS:,} ô", f"{MAX_SCANNED_CELLS:,} cells")
            return False
        return True

    def _too_much(self, sheet: str | None, row: int, limit_vi: str, limit_en: str) -> None:
        self.problems.add(
            "too_large",
            f"tệp có quá nhiều dòng hoặc ô, kể cả ô trống đã được định dạng (đã dừng đọc ở dòng "
            f"{row:,}; giới hạn {limit_vi}); hãy xóa các dòng, cột thừa bên dưới và bên phải "
            "bảng số liệu (chọn chúng rồi Delete) và lưu lại".replace(",", "."),
            f"the file has too many rows or cells, empty formatted ones included (reading stopped "
            f"at row {row:,}; the limit is {limit_en}); delete the unused rows and columns below "
            "and right of the figures (select them, then Delete) and save again",
            sheet=sheet, row=row,
        )

    def filled_cell(self, sheet: str | None, row: int, column: int) -> bool:
        """Count one filled cell; False (with the problem) when it lies past a limit."""
        if row <= MAX_ROWS and column <= MAX_COLUMNS and self.filled < MAX_CELLS:
            self.filled += 1
            return True
        from .parse import column_letter

        letter = column_letter(column - 1)
        if row > MAX_ROWS:
            self.problems.add(
                "too_large",
                f"ô {letter}{row} có dữ liệu nhưng nằm sau dòng giới hạn {MAX_ROWS:,}; mỗi tệp "
                f"chỉ nhận tối đa {MAX_ROWS:,} dòng, hãy chia thành nhiều tệp".replace(",", "."),
                f"cell {letter}{row} holds data past the last allowed row, {MAX_ROWS:,}; split "
                "the file into smaller ones",
                sheet=sheet, row=row, column=letter,
            )
            return False
        if column > MAX_COLUMNS:
            self.problems.add(
                "too_large",
                f"ô {letter}{row} có dữ liệu nhưng nằm sau cột giới hạn "
                f"{column_letter(MAX_COLUMNS - 1)} (cột thứ {MAX_COLUMNS}); hãy xóa các cột thừa",
                f"cell {letter}{row} holds data past the last allowed column, "
                f"{column_letter(MAX_COLUMNS - 1)} (column {MAX_COLUMNS}); delete the extra "
                "columns",
                sheet=sheet, row=row, column=letter,
            )
            return False
        self.filled += 1
        if self.filled > MAX_CELLS:
            self.problems.add(
                "too_large",
                f"tệp có hơn {MAX_CELLS:,} ô có dữ liệu; hãy chia thành nhiều tệp nhỏ "
                "hơn".replace(",", "."),
                f"the file holds more than {MAX_CELLS:,} filled cells; split it into smaller "
                "files",
                sheet=sheet, row=row, column=letter,
            )
            return False
        return True


def _xlsx_sheet(reader, title: str, path: str, limits: _Limits) -> Sheet | None:
    """The filled rows of one worksheet, streamed straight from its XML.

    openpyxl's own iter_rows pads every row to its widest column and yields every missing
    row, so one formatted cell at row 30,000 or in column XFD costs millions of empty
    cells. Here only the cells present in the file are read, each limit is checked as soon
    as it is reached, and reading stops there.
    """
    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

    book = reader.wb
    percent_styles = _percent_styles(book)
    sheet = Sheet(title)
    with reader.archive.open(path) as source:
        parser = WorkSheetParser(source, reader.shared_strings, data_only=False,
                                 epoch=book.epoch, date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)
        row: dict[int, Cell] = {}
        number = 0
        skipped = None  # reference of the last empty cell skipped without parsing
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == CELL_TAG:
                    if not limits.scan_cells(title, number):
                        return None
                elif tag == ROW_TAG:
                    number = _row_number(element.get("r"), number)
                    parser.row_counter, parser.col_counter = number, 0
                    row, skipped = {}, None
                    if not limits.scan_row(title, number):
                        return None
                continue
            if tag == CELL_TAG:
                if not len(element):  # no value, no formula: empty, perhaps formatted
                    reference = element.get("r")
                    if reference is None:
                        _follow(parser, skipped)
                        skipped = None
                        parser.col_counter += 1
                    else:
                        skipped = reference
                    element.clear()
                    continue
                if element.get("r") is None:
                    _follow(parser, skipped)
                skipped = None
                found = _parse_cell(parser, element)
                element.clear()
                value = found["value"]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue  # empty, perhaps formatted: costs nothing, holds nothing
                if not limits.filled_cell(title, found["row"], found["column"]):
                    return None
                formula = found["data_type"] == "f" or (
                    isinstance(value, str) and value.startswith("="))
                if formula and not isinstance(value, str):
                    value = str(getattr(value, "text", value))
                row[found["column"]] = Cell(value, formula, found["style_id"] in percent_styles)
            elif tag == ROW_TAG:
                element.clear()
                if row:
                    width = max(row)
                    sheet.rows.append(
                        (number, [row.get(column, _BLANK) for column in range(1, width + 1)]))
                row = {}
    return sheet


def _parse_cell(parser, element) -> dict:
    """openpyxl's parse_cell, with a fast path for inline strings (openpyxl builds a rich-text
    object for each, the slowest part of reading a large sheet written that way)."""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING
    from openpyxl.xml.constants import SHEET_MAIN_NS

    if element.get("t") != "inlineStr" or element.find(FORMULA_TAG) is not None:
        return parser.parse_cell(element)
    reference = element.get("r")
    if reference:
        row, column = coordinate_to_tuple(reference)
        parser.col_counter = column
    else:
        parser.col_counter += 1
        row, column = parser.row_counter, parser.col_counter
    text_tag, run_tag = f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r"
    node = element.find(INLINE_STRING)
    value = None
    if node is not None:  # the plain text, then the text of each rich-text run
        value = (node.findtext(text_tag) or "") + "".join(
            run.findtext(text_tag) or "" for run in node.findall(run_tag))
    style = element.get("s")
    return {"row": row, "column": column, "value": value or None, "data_type": "s",
            "style_id": int(style) if style else 0}


def _follow(parser, reference: str | None) -> None:
    """Put the parser's column counter where a skipped empty cell left it, for the cells
    that give no reference of their own."""
    if reference is not None:
        from openpyxl.utils.cell import coordinate_to_tuple

        parser.col_counter = coordinate_to_tuple(reference)[1]


def _percent_styles(book) -> set[int]:
    """Cell style ids whose number format shows a percentage (as ReadOnlyCell reads them)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    found = set()
    for style_id, style in enumerate(book._cell_styles):
        number_format_id = style.numFmtId
        try:
            if number_format_id < BUILTIN_FORMATS_MAX_SIZE:
                number_format = BUILTIN_FORMATS.get(number_format_id, "General")
            else:
                number_format = book._number_formats[number_format_id - BUILTIN_FORMATS_MAX_SIZE]
        except (IndexError, TypeError):
            continue
        if "%" in str(number_format):
            found.add(style_id)
    return found


_BLANK = Cell(None)  # shared by every empty position inside a row; cells are never changed


def _row_number(text: str | None, previous: int) -> int:
    if text is None:
        return previous + 1
    try:
        return int(float(text))
    except ValueError:
        return previous + 1


def _meta(sheet: Sheet) -> dict[str, str]:
    """The template's key/value sheet (template_version, map_id, year...), first 50 rows."""
    meta = {}
    for _number, cells in sheet.rows[:50]:
        if len(cells) >= 2 and isinstance(cells[0].value, str) and cells[1].value is not None:
            meta[cells[0].value.strip()] = str(cells[1].value).strip()
    return meta


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
    limits = _Limits(problems)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if not limits.scan_row(None, number) or not limits.scan_cells(None, number, len(row)):
                return None
            last = len(row)
            while last and not row[last - 1].strip():
                last -= 1
            if not last:
                continue
            cells = []
            for column, value in enumerate(row[:last], start=1):
                if not value.strip():
                    cells.append(_BLANK_TEXT)
                    continue
                if not limits.filled_cell(None, number, column):
                    return None
                cells.append(Cell(value, formula=value.lstrip().startswith("=")))
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


_BLANK_TEXT = Cell("")


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel with a decimal-comma locale) or tab: the one that splits the
    first lines into the most columns."""
    head = "\n".join(text[:20_000].splitlines()[:5])
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
