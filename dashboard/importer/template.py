"""The Excel template data officers fill in: one row per unit of the year's map (the 30
districts up to 2024, the 126 communes and wards from 2025), one column per figure."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from dashboard import geo, maps
from dashboard.catalogue import Indicator, load_catalogue

from . import normalize as nz
from .parse import column_letter
from .readers import MAX_FILE_LABEL, META_SHEET
from .validate import COMPARISONS, COUNCIL_INDICATORS, NO_URBAN_COUNCIL_FROM

TEMPLATE_VERSION = "1"
HEADER_ROW, KEY_ROW, FIRST_DATA_ROW = 1, 2, 3
SHEET_NAMES = {"vi": ("Dữ liệu", "Hướng dẫn"), "en": ("Data", "Instructions")}
YES_NO = {"vi": ("Có", "Không"), "en": ("Yes", "No")}

_FIXED_HEADERS = {
    "unit_code": {"vi": "Mã ĐVHC (GSO)", "en": "GSO code"},
    "period": {"vi": "Năm (kỳ số liệu)", "en": "Year (period)"},
    "source": {"vi": "Nguồn số liệu (văn bản, báo cáo)", "en": "Source (document, report)"},
}
# The unit column's head, and how the title and instructions name the units, per map.
_UNIT_WORDS = {
    maps.DISTRICT_MAP.id: {
        "header": {"vi": "Quận, huyện, thị xã", "en": "District"},
        "level": {"vi": "cấp quận, huyện, thị xã", "en": "District"},
        "row": {"vi": "một quận, huyện, thị xã", "en": "one district"},
    },
    maps.COMMUNE_MAP.id: {
        "header": {"vi": "Xã, phường", "en": "Commune or ward"},
        "level": {"vi": "cấp xã, phường", "en": "Commune and ward"},
        "row": {"vi": "một xã, phường", "en": "one commune or ward"},
    },
}
_DISTRICT_TYPE_LABELS = {"quận": "Quận", "huyện": "Huyện", "thị xã": "Thị xã"}
_PART_WORDS = {
    "numerator": {"vi": "Tử số", "en": "Numerator"},
    "denominator": {"vi": "Mẫu số", "en": "Denominator"},
}


class TemplateError(ValueError):
    """A template that cannot be made (e.g. a year still to come), in two languages."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en

    def message(self, lang: str = "vi") -> str:
        return self.vi if lang == "vi" else self.en


def template_file_name(year: int, lang: str = "vi") -> str:
    return f"mau-nhap-lieu-{year}.xlsx" if lang == "vi" else f"data-template-{year}.xlsx"


def template_map(year: int) -> maps.AdministrativeMap:
    """The map of a year's template. Its annual and term figures share it: the terms elected
    in 2016 and 2021 on the districts, the 2026–2031 term on the communes and wards."""
    return maps.map_for_period(year, "annual")


def template_indicators(year: int) -> list[Indicator]:
    """Indicators observed on the map of `year` (catalogue level district or commune):
    annual ones always, term ones in election years only."""
    return [
        indicator for indicator in load_catalogue().for_map(template_map(year).id)
        if indicator.frequency == "annual" or year in nz.ELECTION_YEARS
    ]


def latest_template_year(today: dt.date | None = None) -> int:
    """The newest year a template is made for: this year (figures are reported for a year
    under way or past, never for one to come)."""
    return min((today or dt.date.today()).year, nz.LAST_YEAR)


def check_year(year: object) -> int:
    try:
        year = nz.parse_period(year)
    except nz.Unreadable as error:
        raise TemplateError(error.vi, error.en) from None
    latest = latest_template_year()
    if year > latest:
        raise TemplateError(
            f"chưa có mẫu cho năm {year}: số liệu chỉ được báo cáo cho năm nay ({latest}) "
            "hoặc các năm trước",
            f"there is no template for {year}: figures are reported for this year ({latest}) "
            "or earlier years",
        )
    if not template_indicators(year):
        admin_map = template_map(year)
        raise TemplateError(
            f"danh mục chưa có chỉ tiêu nào trên bản đồ {admin_map.title['vi']} "
            f"({admin_map.valid_dates('vi')}); chưa có mẫu cho năm {year}",
            f"the catalogue has no indicator on the map of {admin_map.title['en']} "
            f"({admin_map.valid_dates('en')}) yet; there is no template for {year}",
        )
    return year


def template_units(admin_map: maps.AdministrativeMap) -> pd.DataFrame:
    """The rows of a template, in code order: code, full name (Vietnamese), unit type."""
    if admin_map.id == maps.COMMUNE_MAP.id:
        units = geo.commune_unit_list()[["code", "full_name_vi", "unit_type"]]
    else:
        districts = geo.read_district_list()
        units = pd.DataFrame({
            "code": districts["gso_code"].astype(str),
            "full_name_vi": [f"{_DISTRICT_TYPE_LABELS[kind]} {name}"
                             for kind, name in zip(districts["unit_type"], districts["name_vi"])],
            "unit_type": districts["unit_type"],
        })
    return units.sort_values("code").reset_index(drop=True)


def build_template(year: int, lang: str = "vi") -> bytes:
    """The .xlsx template for `year` in `lang` ("vi" or "en"), as bytes (for a download)."""
    from openpyxl import Workbook

    year = check_year(year)
    lang = "en" if lang == "en" else "vi"
    indicators = template_indicators(year)
    admin_map = template_map(year)
    units = template_units(admin_map)
    book = Workbook()
    data_sheet = book.active
    data_sheet.title = SHEET_NAMES[lang][0]
    columns = _data_sheet(data_sheet, year, lang, indicators, units, admin_map)
    _instructions(book.create_sheet(SHEET_NAMES[lang][1]), year, lang, columns)
    meta = book.create_sheet(META_SHEET)
    for row in (
        ("template_version", TEMPLATE_VERSION), ("year", year), ("map_id", admin_map.id),
        ("lang", lang), ("generated_at", dt.date.today().isoformat()),
    ):
        meta.append(row)
    meta.sheet_state = "hidden"
    book.active = 0
    book.properties.creator = "Bảng theo dõi bình đẳng giới Hà Nội"
    book.properties.title = _title(year, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_template(year: int, path: str | Path, lang: str = "vi") -> Path:
    path = Path(path)
    path.write_bytes(build_template(year, lang))
    return path


def _title(year: int, lang: str) -> str:
    level = _UNIT_WORDS[template_map(year).id]["level"][lang]
    return (f"Số liệu bình đẳng giới {level} – Hà Nội – năm {year}" if lang == "vi"
            else f"{level} gender-equality figures – Hà Nội – {year}")


# ------------------------------------------------------------------- data sheet


def _data_sheet(sheet, year, lang, indicators, units, admin_map) -> list[dict]:
    """Fill the data sheet; returns the column descriptions for the instructions."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    columns: list[dict] = [
        {"key": "unit_code", "header": _FIXED_HEADERS["unit_code"][lang], "width": 10},
        {"key": "district", "header": _UNIT_WORDS[admin_map.id]["header"][lang], "width": 30},
        {"key": "period", "header": _FIXED_HEADERS["period"][lang], "width": 11},
    ]
    for indicator in indicators:
        name = indicator.text("name", lang)
        if indicator.is_percent:
            for part in ("numerator", "denominator"):
                label = indicator.text(f"{part}_label", lang)
                columns.append({
                    "key": f"{indicator.id}.{part}", "indicator": indicator, "part": part,
                    "header": f"{name} – {_PART_WORDS[part][lang]}: {label}", "width": 20,
                })
        else:
            unit = (f"{YES_NO[lang][0]}/{YES_NO[lang][1]}" if indicator.is_boolean
                    else indicator.text("unit", lang))
            columns.append({"key": indicator.id, "indicator": indicator, "part": "value",
                            "header": f"{name} ({unit})", "width": 18})
    columns.append({"key": "source", "header": _FIXED_HEADERS["source"][lang], "width": 40})
    letters = {column["key"]: column_letter(index) for index, column in enumerate(columns)}

    thin = Side(style="thin", color="B0B0B0")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_font = Font(bold=True, size=10)
    fills = {
        "fixed": PatternFill("solid", fgColor="E8E8E8"),
        "annual": PatternFill("solid", fgColor="DDEBF7"),
        "term": PatternFill("solid", fgColor="FCE4D6"),
        "no_council": PatternFill("solid", fgColor="BFBFBF"),
    }
    last_row = FIRST_DATA_ROW + len(units) - 1
    for index, column in enumerate(columns, start=1):
        letter = column_letter(index - 1)
        header = sheet.cell(HEADER_ROW, index, column["header"])
        header.font = header_font
        header.alignment = Alignment(wrap_text=True, vertical="top")
        header.border = border
        indicator = column.get("indicator")
        header.fill = fills["fixed"] if indicator is None else fills[indicator.frequency]
        if indicator is not None:
            header.comment = Comment(_header_note(indicator, column["part"], lang), "dashboard",
                                     width=320, height=200)
        sheet.cell(KEY_ROW, index, column["key"])
        sheet.column_dimensions[letter].width = column["width"]
    sheet.row_dimensions[HEADER_ROW].height = 110
    sheet.row_dimensions[KEY_ROW].hidden = True

    urban_rows = []
    for offset, unit in enumerate(units.itertuples()):
        row = FIRST_DATA_ROW + offset
        code = sheet.cell(row, 1, str(unit.code))
        code.number_format = "@"  # text, so Excel keeps the leading zeros
        sheet.cell(row, 2, unit.full_name_vi)
        sheet.cell(row, 3, year)
        for index in (1, 2, 3):
            sheet.cell(row, index).fill = fills["fixed"]
        for index in range(1, len(columns) + 1):
            sheet.cell(row, index).border = border
        if unit.unit_type == "quận":
            urban_rows.append(row)
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 4)
    sheet.auto_filter.ref = None

    validations = _validations(columns, letters, year, lang, last_row, urban_rows)
    for validation in validations:
        sheet.add_data_validation(validation)
    if year >= NO_URBAN_COUNCIL_FROM:
        for column in columns:
            indicator = column.get("indicator")
            if indicator is not None and indicator.id in COUNCIL_INDICATORS:
                for row in urban_rows:
                    sheet[f"{letters[column['key']]}{row}"].fill = fills["no_council"]
    return columns


def _header_note(indicator: Indicator, part: str, lang: str) -> str:
    vi = lang == "vi"
    lines = [indicator.text("definition", lang), "", indicator.text("formula", lang)]
    if indicator.is_percent:
        lines.append("Tỷ lệ được tính tự động từ tử số và mẫu số." if vi else
                     "The percentage is computed from numerator and denominator.")
    if indicator.frequency == "term":
        lines.append("Theo nhiệm kỳ: ghi năm bầu cử." if vi else
                     "Per election term: the period is the election year.")
    lines.append(f"[{indicator.id}{'' if part == 'value' else '.' + part}]")
    return "\n".join(line for line in lines if line is not None)


def _validations(columns, letters, year, lang, last_row, urban_rows) -> list:
    from openpyxl.worksheet.datavalidation import DataValidation

    vi = lang == "vi"
    first = FIRST_DATA_ROW

    def validation(kind: str, formula: str | None, error_vi: str, error_en: str, **options):
        item = DataValidation(type=kind, formula1=formula, allow_blank=True, **options)
        item.showErrorMessage = True
        item.errorStyle = "stop"
        item.errorTitle = "Giá trị không hợp lệ" if vi else "Invalid value"
        item.error = error_vi if vi else error_en
        return item

    result = []
    period = validation("whole", str(nz.FIRST_YEAR), f"Năm từ {nz.FIRST_YEAR} đến {nz.LAST_YEAR}.",
                        f"A year from {nz.FIRST_YEAR} to {nz.LAST_YEAR}.", operator="between")
    period.formula2 = str(nz.LAST_YEAR)
    period.add(f"{letters['period']}{first}:{letters['period']}{last_row}")
    result.append(period)

    comparisons = {}
    for small_id, small_part, large_id, large_part, vi_text, en_text in COMPARISONS:
        small_key = small_id if small_part == "value" else f"{small_id}.{small_part}"
        large_key = large_id if large_part == "value" else f"{large_id}.{large_part}"
        if small_key in letters and large_key in letters:
            comparisons.setdefault(small_key, []).append(letters[large_key])

    for column in columns:
        indicator = column.get("indicator")
        if indicator is None:
            continue
        letter = letters[column["key"]]
        rows = list(range(first, last_row + 1))
        if indicator.id in COUNCIL_INDICATORS and year >= NO_URBAN_COUNCIL_FROM and urban_rows:
            # Urban districts elect no council from 2021: their cells must stay empty.
            rows = [row for row in rows if row not in urban_rows]
            blank = validation(
                "custom", f"LEN({letter}{urban_rows[0]})=0",
                "Quận không tổ chức HĐND từ nhiệm kỳ 2021: để trống ô này.",
                "Urban districts elect no council from the 2021 term: leave blank.",
            )
            for area in _areas(letter, urban_rows):
                blank.add(area)
            result.append(blank)
        # Relative references in a validation formula are relative to the top-left cell of
        # its first range.
        anchor = rows[0]
        cell = f"{letter}{anchor}"
        if indicator.is_boolean:
            yes, no = YES_NO[lang]
            item = validation("list", f'"{yes},{no}"', "Chọn Có hoặc Không.",
                              "Choose Yes or No.")
        else:
            conditions = [f"ISNUMBER({cell})", f"{cell}>=0", f"{cell}=INT({cell})"]
            if column["part"] == "denominator":
                conditions[1] = f"{cell}>0"
                other = f"{letters[indicator.id + '.numerator']}{anchor}"
                conditions.append(f"OR(ISBLANK({other}),{other}<={cell})")
            elif column["part"] == "numerator":
                other = f"{letters[indicator.id + '.denominator']}{anchor}"
                conditions.append(f"OR(ISBLANK({other}),{cell}<={other})")
            for large in comparisons.get(column["key"], []):
                conditions.append(f"OR(ISBLANK({large}{anchor}),{cell}<={large}{anchor})")
            item = validation(
                "custom", "AND(" + ",".join(conditions) + ")",
                "Nhập số nguyên không âm; tử số không lớn hơn mẫu số, phần không lớn hơn tổng.",
                "Enter a whole number ≥ 0; numerator not above denominator, part not above "
                "total.",
            )
        for area in _areas(letter, rows):
            item.add(area)
        result.append(item)
    return result


def _areas(letter: str, rows) -> list[str]:
    """Cell ranges covering `rows` of a column: contiguous runs become "E3:E9"."""
    areas, rows = [], sorted(rows)
    start = previous = None
    for row in [*rows, None]:
        if row is not None and previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None:
            areas.append(f"{letter}{start}" if start == previous else
                         f"{letter}{start}:{letter}{previous}")
        start = previous = row
    return areas


# ---------------------------------------------------------------- instructions


def _instructions(sheet, year, lang, columns) -> None:
    from openpyxl.styles import Alignment, Font

    vi_first = lang == "vi"
    blocks = [_instruction_text(year, "vi", columns), _instruction_text(year, "en", columns)]
    if not vi_first:
        blocks.reverse()
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 120
    row = 1
    for block in blocks:
        for style, first, second in block:
            a, b = sheet.cell(row, 1, first), sheet.cell(row, 2, second)
            b.alignment = Alignment(wrap_text=True, vertical="top")
            a.alignment = Alignment(vertical="top")
            if style == "title":
                a.font = Font(bold=True, size=14)
            elif style == "heading":
                a.font = Font(bold=True, size=12)
            elif style == "column":
                a.font = Font(bold=True)
            row += 1
        row += 2


def _instruction_text(year: int, lang: str, columns: list[dict]) -> list[tuple[str, str, str]]:
    vi = lang == "vi"
    data_name = SHEET_NAMES[lang][0]
    yes, no = YES_NO[lang]
    election = year in nz.ELECTION_YEARS
    years = ", ".join(str(y) for y in nz.ELECTION_YEARS)
    admin_map = template_map(year)
    row_words = _UNIT_WORDS[admin_map.id]["row"][lang]
    on_communes = admin_map.id == maps.COMMUNE_MAP.id
    digits = admin_map.code_digits
    if vi:
        lines = [
            ("title", _title(year, "vi"), ""),
            ("text", "", f"Phiên bản mẫu {TEMPLATE_VERSION}; kỳ số liệu {year}"
                         + (f" (và nhiệm kỳ {year}–{year + 5})" if election else "")
                         + f"; bản đồ {admin_map.title['vi']} ({admin_map.valid_dates('vi')})."),
            ("heading", "Cách điền", ""),
            ("text", "1.", f"Mỗi dòng ở trang \"{data_name}\" là {row_words}. Mã ĐVHC (GSO, "
                           f"{digits} chữ số) và tên đã điền sẵn: không sửa; không chèn, xóa hoặc đổi "
                           "chỗ cột (dòng 2 ẩn chứa mã cột mà hệ thống dùng để đọc tệp)."),
            ("text", "2.", f"Cột \"Năm\" đã ghi sẵn {year}. Số liệu theo nhiệm kỳ (Hội đồng nhân "
                           f"dân) ghi theo năm bầu cử ({years}); "
                           + ("năm này là năm bầu cử nên mẫu có các cột theo nhiệm kỳ."
                              if election else "năm này không phải năm bầu cử nên mẫu không có "
                              "cột theo nhiệm kỳ.")),
            ("text", "3.", "Số đếm (người, lớp, sự kiện...): số nguyên từ 0 trở lên, không có dấu "
                           "%. Được dùng dấu chấm phân cách hàng nghìn (1.234)."),
            ("text", "4.", f"Chỉ tiêu có/không: chọn {yes} hoặc {no} (hệ thống cũng nhận "
                           "Có/Không, Yes/No, 1/0)."),
            ("text", "5.", "Chỉ tiêu tỷ lệ (%): nhập tử số và mẫu số, không nhập tỷ lệ; hệ thống "
                           "tự tính tỷ lệ = tử số ÷ mẫu số × 100. Tử số không lớn hơn mẫu số "
                           "(ví dụ số nữ không nhiều hơn tổng số), mẫu số lớn hơn 0."),
            ("text", "6.", "Ô để trống nghĩa là chưa có số liệu: giá trị đang có của ô đó trên "
                           "bảng theo dõi được giữ nguyên. Dòng để trống được bỏ qua."),
            ("text", "7.", "Cột \"Nguồn số liệu\": ghi văn bản, báo cáo gốc (ví dụ: Báo cáo số "
                           "12/BC-UBND ngày 15/01/2025). Để trống thì hệ thống ghi tên tệp, người "
                           "nhập và ngày nhập."),
            ("text", "8.", "Không nhập công thức (ô bắt đầu bằng dấu =): công thức không bao giờ "
                           "được tính và tệp sẽ bị từ chối. Không lưu tệp có macro (.xlsm)."),
            ("text", "9.", "Từ 01/07/2025 Hà Nội không còn cấp quận, huyện: số liệu từ năm 2025 và "
                           "nhiệm kỳ 2026–2031 ghi theo 126 xã, phường mới (mã 5 chữ số). Mã 3 chữ "
                           "số của quận, huyện cũ bị từ chối; thông báo lỗi nêu các xã, phường đã "
                           "nhận các xã, phường cũ của quận, huyện đó."
                           if on_communes else
                           "Từ nhiệm kỳ 2021 các quận không tổ chức Hội đồng nhân dân (Nghị quyết "
                           "97/2019/QH14): các ô tô xám để trống. Số liệu từ năm 2025 dùng mẫu "
                           "126 xã, phường."),
            ("heading", "Nhập tệp", ""),
            ("text", "", f"Lưu tệp dạng .xlsx (hoặc CSV UTF-8), tối đa {MAX_FILE_LABEL}. Biên tập "
                         "viên đã đăng nhập chọn \"Nhập số liệu\" ở trang Dữ liệu của bảng theo "
                         "dõi, hoặc chạy: python -m dashboard import TỆP [--dry-run]."),
            ("text", "", "Hệ thống kiểm tra toàn bộ tệp và liệt kê mọi lỗi cùng lúc (trang, dòng, "
                         "cột, giá trị, lý do). Chỉ cần một lỗi là không có gì được ghi: sửa hết "
                         "lỗi rồi nhập lại. --dry-run chỉ kiểm tra, không ghi."),
            ("heading", "Trạng thái số liệu", ""),
            ("text", "", "Khi nhập, chọn trạng thái \"chính thức\" (official, mặc định) hoặc \"sơ "
                         "bộ\" (provisional; dòng lệnh: --status provisional). Số liệu nhập vào "
                         "thay thế số liệu minh họa của cùng ô; nhãn \"minh họa\" biến mất khỏi "
                         "mọi bản đồ, biểu đồ mà mọi giá trị đều chính thức. Số liệu sơ bộ được "
                         "ghi chú \"sơ bộ\" cho đến khi nhập bản chính thức."),
            ("heading", "Lưu vết và hoàn tác", ""),
            ("text", "", "Mỗi lần nhập là một lô: người nhập, thời gian, tên tệp, mã SHA-256, số "
                         "dòng và ghi chú (--comment). Giá trị cũ không bị xóa. python -m "
                         "dashboard history liệt kê các lô; python -m dashboard rollback SỐ_LÔ "
                         "khôi phục đúng trạng thái trước lô đó."),
            ("heading", "Các cột", ""),
        ]
    else:
        lines = [
            ("title", _title(year, "en"), ""),
            ("text", "", f"Template version {TEMPLATE_VERSION}; period {year}"
                         + (f" (and the {year}–{year + 5} term)" if election else "")
                         + f"; the map of {admin_map.title['en']} (valid {admin_map.valid_dates('en')})."),
            ("heading", "How to fill it in", ""),
            ("text", "1.", f"Each row of the \"{data_name}\" sheet is {row_words}. The GSO code "
                           f"({digits} digits) and name are filled in: do not change them; do not "
                           "insert, delete or move columns (hidden row 2 holds the column codes the "
                           "system reads)."),
            ("text", "2.", f"The \"Year\" column already says {year}. Per-term figures (People's "
                           f"Councils) carry the election year ({years}); "
                           + ("this is an election year, so the template has the term columns."
                              if election else "this is not an election year, so the template "
                              "has no term columns.")),
            ("text", "3.", "Counts (people, courses, events...): whole numbers from 0 up, no % "
                           "sign. Thousands separators are fine (1,234 or 1.234)."),
            ("text", "4.", f"Yes/no indicators: choose {yes} or {no} (Có/Không, Yes/No and 1/0 "
                           "are all accepted)."),
            ("text", "5.", "Percentage indicators: enter the numerator and the denominator, not "
                           "the percentage; it is computed as numerator ÷ denominator × 100. The "
                           "numerator may not exceed the denominator (e.g. no more women than "
                           "people in total); the denominator must be above 0."),
            ("text", "6.", "A blank cell means no figure: the value the dashboard has for it is "
                           "kept. Blank rows are skipped."),
            ("text", "7.", "\"Source\" column: the original document or report (e.g. Report "
                           "12/BC-UBND of 15/01/2025). If blank, the file name, the user and the "
                           "date are recorded."),
            ("text", "8.", "No formulas (cells starting with =): formulas are never evaluated and "
                           "the file is refused. Do not save with macros (.xlsm)."),
            ("text", "9.", "Since 1 July 2025 Hà Nội has no district level: figures from 2025 and "
                           "for the 2026–2031 term are reported for the 126 new communes and wards "
                           "(5-digit codes). The 3-digit code of an old district is refused; the "
                           "message names the new units that took its communes."
                           if on_communes else
                           "From the 2021 term urban districts (quận) elect no People's Council "
                           "(Resolution 97/2019/QH14): leave the grey cells blank. Figures from "
                           "2025 use the template of the 126 communes and wards."),
            ("heading", "Importing", ""),
            ("text", "", f"Save as .xlsx (or CSV UTF-8), at most {MAX_FILE_LABEL}. Signed-in "
                         "editors use \"Import data\" on the dashboard's data page, or run: "
                         "python -m dashboard import FILE [--dry-run]."),
            ("text", "", "The whole file is checked and every problem is listed at once (sheet, "
                         "row, column, value, reason). A single problem means nothing is written: "
                         "fix them all and import again. --dry-run only checks."),
            ("heading", "Status of the figures", ""),
            ("text", "", "On import choose \"official\" (the default) or \"provisional\" (command "
                         "line: --status provisional). Imported figures replace illustrative ones "
                         "for the same cells; the \"illustrative\" label disappears from every "
                         "map and chart whose values are all official. Provisional figures stay "
                         "marked provisional until official ones are imported."),
            ("heading", "Audit trail and rollback", ""),
            ("text", "", "Each import is a batch: user, time, file name, SHA-256, number of rows "
                         "and comment (--comment). Older values are kept. python -m dashboard "
                         "history lists batches; python -m dashboard rollback BATCH restores the "
                         "state before that batch exactly."),
            ("heading", "Columns", ""),
        ]
    for index, column in enumerate(columns):
        indicator = column.get("indicator")
        letter = column_letter(index)
        if indicator is None:
            text = column["header"]
        else:
            kind = {
                "boolean": f"{yes}/{no}",
                "count": "số nguyên ≥ 0" if vi else "whole number ≥ 0",
                "percent": "số nguyên ≥ 0" if vi else "whole number ≥ 0",
            }[indicator.kind]
            if column["part"] == "denominator":
                kind = "số nguyên > 0" if vi else "whole number > 0"
            term = (" Theo nhiệm kỳ." if vi else " Per election term.") if (
                indicator.frequency == "term") else ""
            text = (f"{column['header']} — {kind}.{term} "
                    f"{indicator.text('definition', lang)} [{column['key']}]")
        lines.append(("column", letter, text))
    return lines
