"""From raw cells to candidate observations: find the header, the layout, every cell's meaning.

Two layouts are understood, in Excel or CSV alike:

* wide (the template): one row per unit, one column per indicator, with a row of
  machine keys (`unit_code`, `district`, `period`, `source`, `<indicator>`,
  `<indicator>.numerator`, `<indicator>.denominator`);
* long: one observation per row, with columns such as district/unit_code, period,
  indicator_id, value, numerator, denominator, source.

A row's period picks its map (maps.map_for_period): its unit is looked up among the 30
districts or the 126 communes and wards of that map only.

Every cell that cannot be understood adds a located problem; parsing always goes on, so
all problems of a file are reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard import maps
from dashboard.catalogue import UNIT_MAP_LEVELS, Catalogue, Indicator

from . import normalize as nz
from .names import name_mismatch
from .problems import Collector
from .readers import Cell, Sheet, Workbook
from .units import OtherMap, UnitFinder

# The catalogue level of the indicators observed on each map.
MAP_LEVELS = UNIT_MAP_LEVELS

TEMPLATE_VERSIONS = ("1",)
HEADER_SCAN_ROWS = 10
LONG_COLUMNS = ("unit_code", "district", "period", "indicator_id", "value", "numerator",
                "denominator", "source", "map_id")
WIDE_FIXED = ("unit_code", "district", "period", "source")


@dataclass(frozen=True)
class Located:
    """Where a value came from, for problem messages."""

    sheet: str | None
    row: int
    column: str | None
    raw: object = None


@dataclass
class Candidate:
    """One observation read from the file, not yet checked against the rules."""

    indicator: Indicator
    district: nz.District  # the unit, on the map of the period
    period: int
    where: Located  # the row, and the indicator's (first) cell
    parts: dict[str, tuple[nz.Number, Located]] = field(default_factory=dict)
    source: str | None = None
    period_cell: Located | None = None

    @property
    def key(self) -> tuple[str, int, str]:
        # Codes of the two maps differ in length, so a code names its map too.
        return (self.district.code, self.period, self.indicator.id)

    @property
    def map_id(self) -> str:
        return self.district.map_id

    def number(self, part: str) -> float | None:
        return self.parts[part][0].value if part in self.parts else None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column names people see in Excel."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class Parser:
    def __init__(
        self,
        problems: Collector,
        catalogue: Catalogue,
        units: UnitFinder,
    ) -> None:
        self.problems = problems
        self.catalogue = catalogue
        self.units = units
        self.candidates: list[Candidate] = []
        self.template_year: int | None = None

    # ----------------------------------------------------------------- workbook

    def parse(self, book: Workbook) -> list[Candidate]:
        self._meta(book.meta)
        found_header = False
        for sheet in book.sheets:
            header = self._find_header(sheet)
            if header is None:
                continue
            found_header = True
            index, layout = header
            if layout == "long":
                self._long(sheet, index)
            else:
                self._wide(sheet, index)
        if not found_header:
            if not any(sheet.rows for sheet in book.sheets):
                self.problems.add("empty", "tệp không có dữ liệu", "the file holds no data")
            else:
                self.problems.add(
                    "no_header",
                    "không tìm thấy dòng tiêu đề: hãy dùng mẫu nhập liệu (python -m dashboard "
                    "template), hoặc tệp CSV có các cột district hoặc unit_code, period, "
                    "indicator_id, value",
                    "no header row found: use the template (python -m dashboard template), or "
                    "a CSV with columns district or unit_code, period, indicator_id, value",
                )
        elif not self.candidates and not self.problems:
            self.problems.add(
                "empty",
                "tệp không có số liệu nào (mọi ô số liệu đều trống)",
                "the file holds no figures (every figure cell is blank)",
            )
        return self.candidates

    def _meta(self, meta: dict[str, str]) -> None:
        if not meta:
            return
        version = meta.get("template_version")
        if version is not None and version not in TEMPLATE_VERSIONS:
            self.problems.add(
                "template_version",
                "mẫu nhập liệu thuộc phiên bản không còn hỗ trợ; hãy tải mẫu mới",
                "the template is of an unsupported version; download a new one",
                sheet="_meta", column="template_version", value=version,
            )
        if meta.get("year"):
            try:
                self.template_year = nz.parse_period(meta["year"])
            except nz.Unreadable as error:
                self.problems.add(error.code, error.vi, error.en, sheet="_meta",
                                  column="year", value=meta["year"])
        map_id = meta.get("map_id")
        if map_id is not None and map_id not in maps.MAPS:
            known = ", ".join(maps.MAPS)
            self.problems.add(
                "wrong_map",
                f"mẫu dành cho bản đồ không có trong hệ thống; chỉ nhận {known}",
                f"the template is for an unknown map; only {known} are accepted",
                sheet="_meta", column="map_id", value=map_id,
            )
        elif map_id is not None and self.template_year is not None:
            expected = maps.map_for_period(self.template_year)
            if map_id != expected.id:
                self.problems.add(
                    "wrong_map",
                    f"mẫu năm {self.template_year} phải dùng bản đồ {expected.title['vi']} ({expected.id}); "
                    "hãy tải lại mẫu của năm này",
                    f"a template for {self.template_year} must use the map of {expected.title['en']} "
                    f"({expected.id}); download this year's template again",
                    sheet="_meta", column="map_id", value=map_id,
                )

    def _find_header(self, sheet: Sheet) -> tuple[int, str] | None:
        for index, (_number, cells) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            fixed = {nz.fixed_column(cell.value) for cell in cells}
            if "indicator_id" in fixed:
                return index, "long"
            keys = [nz.indicator_key(cell.value) for cell in cells]
            if fixed & {"unit_code", "district"} and any(
                key and nz.fixed_column(cell.value) is None for key, cell in zip(keys, cells)
            ):
                return index, "wide"
        return None

    def _labels(self, sheet: Sheet, index: int) -> list[str]:
        """Column labels like 'E (Số lớp tập huấn)': the letter and the header people see."""
        number, keys = sheet.rows[index]
        human: list[Cell] = []
        if index > 0 and sheet.rows[index - 1][0] == number - 1:
            human = sheet.rows[index - 1][1]
        width = max(len(keys), len(human), *(len(cells) for _n, cells in sheet.rows))
        labels = []
        for position in range(width):
            text = ""
            for row in (human, keys):
                if position < len(row) and not nz.is_blank(row[position].value):
                    text = " ".join(nz.clean_text(row[position].value).split())
                    break
            if len(text) > 60:
                text = text[:57] + "…"
            letter = column_letter(position)
            labels.append(f"{letter} ({text})" if text else letter)
        return labels

    # ---------------------------------------------------------------- layouts

    def _wide(self, sheet: Sheet, index: int) -> None:
        labels = self._labels(sheet, index)
        key_row, keys = sheet.rows[index]
        fixed: dict[str, int] = {}
        indicator_columns: dict[int, tuple[Indicator, str]] = {}
        seen: dict[object, int] = {}
        for position, cell in enumerate(keys):
            if nz.is_blank(cell.value):
                continue
            where = Located(sheet.name, key_row, labels[position], cell.value)
            if cell.formula:
                self._formula(where)
                continue
            name = nz.fixed_column(cell.value)
            if name in WIDE_FIXED:
                if self._duplicate_column(seen, name, position, where, labels):
                    fixed[name] = position
                continue
            key = None if name else nz.indicator_key(cell.value)
            if key is None:
                self._unknown_column(where)
                continue
            indicator = self._indicator(key[0], where)
            if indicator is None:
                continue
            if key[1] != "value" and not indicator.is_percent:
                self._add("not_percent", where,
                          f"chỉ tiêu {indicator.id} không phải tỷ lệ: không có tử số, mẫu số",
                          f"indicator {indicator.id} is not a percentage: no numerator or "
                          "denominator")
                continue
            if self._duplicate_column(seen, key, position, where, labels):
                indicator_columns[position] = (indicator, key[1])
        if "period" not in fixed and self.template_year is None:
            self._add("missing_period", Located(sheet.name, key_row, None),
                      "thiếu cột kỳ (period/Năm) và tệp không phải mẫu có ghi năm",
                      "no period (period/Năm) column, and the file is not a template with a year")

        orphan_columns: set[int] = set()
        for number, cells in sheet.rows[index + 1:]:
            self._wide_row(sheet, number, cells, labels, fixed, indicator_columns,
                           orphan_columns)

    def _wide_row(self, sheet, number, cells, labels, fixed, indicator_columns, orphans):
        def at(position: int) -> Located:
            raw = cells[position].value if position < len(cells) else None
            return Located(sheet.name, number, labels[position], raw)

        def cell(name: str) -> Cell | None:
            position = fixed.get(name)
            if position is None or position >= len(cells) or nz.is_blank(cells[position].value):
                return None
            return cells[position]

        values: dict[Indicator, dict[str, tuple[Cell, Located]]] = {}
        for position, item in enumerate(cells):
            if nz.is_blank(item.value):
                continue
            if item.formula:
                self._formula(at(position))
                continue
            if position in indicator_columns:
                indicator, part = indicator_columns[position]
                values.setdefault(indicator, {})[part] = (item, at(position))
            elif position not in fixed.values() and position not in orphans:
                orphans.add(position)
                self._add("orphan_column", at(position),
                          "ô có số liệu nhưng cột không có mã chỉ tiêu (dòng mã ẩn); đừng chèn "
                          "thêm cột vào mẫu",
                          "a figure in a column without an indicator code (hidden key row); do "
                          "not insert columns into the template")
        if not values:
            return  # a blank row, or a district left empty: nothing to import
        period, period_cell = self._period(cell("period"), fixed, at, number, sheet)
        admin_map = _row_map(period, values)
        district = self._district(cell("unit_code"), cell("district"), fixed, at, number, sheet,
                                  admin_map, period)
        source_cell = cell("source")
        source = None
        if source_cell is not None and not source_cell.formula:
            source = nz.clean_text(source_cell.value)
        for indicator, parts in values.items():
            numbers = self._numbers(indicator, parts)
            if numbers and district and period:
                first = next(iter(parts.values()))[1]
                self.candidates.append(Candidate(
                    indicator, district, period, first, numbers, source, period_cell))

    def _long(self, sheet: Sheet, index: int) -> None:
        labels = self._labels(sheet, index)
        key_row, keys = sheet.rows[index]
        columns: dict[str, int] = {}
        seen: dict[object, int] = {}
        for position, cell in enumerate(keys):
            if nz.is_blank(cell.value):
                continue
            where = Located(sheet.name, key_row, labels[position], cell.value)
            name = nz.fixed_column(cell.value)
            if cell.formula:
                self._formula(where)
            elif name is None:
                self._unknown_column(where)
            elif self._duplicate_column(seen, name, position, where, labels):
                columns[name] = position
        header = Located(sheet.name, key_row, None)
        if "unit_code" not in columns and "district" not in columns:
            self._add("missing_column", header, "thiếu cột quận/huyện (district hoặc unit_code)",
                      "missing the district column (district or unit_code)")
        if "period" not in columns:
            self._add("missing_column", header, "thiếu cột kỳ (period)",
                      "missing the period column (period)")
        if not {"value", "numerator"} & set(columns):
            self._add("missing_column", header, "thiếu cột giá trị (value)",
                      "missing the value column (value)")
        for number, cells in sheet.rows[index + 1:]:
            self._long_row(sheet, number, cells, labels, columns)

    def _long_row(self, sheet, number, cells, labels, columns) -> None:
        def at(position: int) -> Located:
            raw = cells[position].value if position < len(cells) else None
            return Located(sheet.name, number, labels[position], raw)

        def cell(name: str) -> Cell | None:
            position = columns.get(name)
            if position is None or position >= len(cells) or nz.is_blank(cells[position].value):
                return None
            return cells[position]

        formulas = set()
        for position, item in enumerate(cells):
            if item.formula and not nz.is_blank(item.value):
                self._formula(at(position))
                formulas.add(position)
        parts = {}
        for part in nz.PARTS:
            found = cell(part)
            if found is not None:
                parts[part] = (found, at(columns[part]))
        identity = {columns[name] for name in ("indicator_id", "map_id", "unit_code", "district", "period")
                    if name in columns}
        if not parts or formulas & identity:
            return  # formulas are reported above; a row without figures is skipped
        indicator_cell = cell("indicator_id")
        indicator = None
        if indicator_cell is None:
            self._add("missing_indicator", Located(sheet.name, number, None),
                      "thiếu mã chỉ tiêu (indicator_id)", "the indicator id is missing")
        else:
            indicator = self._indicator(
                nz.clean_text(indicator_cell.value), at(columns["indicator_id"]))
        period, period_cell = self._period(cell("period"), columns, at, number, sheet)
        admin_map = _row_map(period, [indicator] if indicator is not None else [])
        map_cell = cell("map_id")
        if map_cell is not None:
            self._map_column(nz.clean_text(map_cell.value), admin_map, period, at(columns["map_id"]))
        district = self._district(cell("unit_code"), cell("district"), columns, at, number, sheet,
                                  admin_map, period)
        if indicator is None or formulas:
            return  # a figure given as a formula is never read, but the row's place is still checked
        numbers = self._numbers(indicator, parts)
        source_cell = cell("source")
        source = nz.clean_text(source_cell.value) if source_cell is not None else None
        if numbers and district and period:
            first = next(iter(parts.values()))[1]
            self.candidates.append(
                Candidate(indicator, district, period, first, numbers, source, period_cell))

    # ------------------------------------------------------------------ cells

    def _numbers(self, indicator: Indicator, parts) -> dict[str, tuple[nz.Number, Located]]:
        """Parse each part by the indicator's kind; a problem for each unreadable cell."""
        numbers = {}
        for part, (item, where) in parts.items():
            try:
                numbers[part] = (self._number(indicator, part, item), where)
            except nz.Unreadable as error:
                self._add(error.code, where, error.vi, error.en)
        if len(numbers) != len(parts):
            return {}
        return numbers

    def _number(self, indicator: Indicator, part: str, item: Cell) -> nz.Number:
        if part != "value" and not indicator.is_percent:
            raise nz.Unreadable(
                f"chỉ tiêu {indicator.id} không phải tỷ lệ: không nhập tử số, mẫu số",
                f"indicator {indicator.id} is not a percentage: no numerator or denominator",
                "not_percent",
            )
        if indicator.is_boolean:
            return nz.Number(nz.parse_yes_no(item.value), 0)
        counted = indicator.is_count or part != "value"
        number = nz.parse_number(item.value, integer=counted)
        if number.percent_sign and counted:
            raise nz.Unreadable(
                "ô này nhận số đếm, không nhận dấu %",
                "this cell takes a count, not a percentage (%)",
                "not_a_number",
            )
        if item.percent_format and not isinstance(item.value, str) and not counted:
            # Excel shows 0.355 formatted as a percentage as 35.5%.
            return nz.Number(number.value * 100, None, True)
        return number

    def _map_column(self, map_id: str, admin_map: maps.AdministrativeMap | None, period, where) -> None:
        """A long file's map_id must be the map of the row's period."""
        if map_id not in maps.MAPS:
            known = ", ".join(maps.MAPS)
            self._add("wrong_map", where, f"bản đồ không có trong hệ thống; chỉ nhận {known}",
                      f"unknown map; only {known} are accepted")
        elif admin_map is not None and map_id != admin_map.id:
            self._add("wrong_map", where,
                      f"kỳ {period} thuộc bản đồ {admin_map.title['vi']} ({admin_map.id}), không phải {map_id}",
                      f"period {period} belongs to the map of {admin_map.title['en']} ({admin_map.id}), "
                      f"not {map_id}")

    def _district(self, code_cell, name_cell, columns, at, number, sheet,
                  admin_map: maps.AdministrativeMap | None, period: int | None) -> nz.District | None:
        """The row's unit on `admin_map` (None when the period is unknown)."""
        by_code = by_name = None
        failed = False
        if code_cell is not None:
            try:
                by_code = self.units.by_code(code_cell.value, admin_map, period)
            except OtherMap as error:
                # A unit of the other map: its name, if any, names that unit too.
                self._add(error.code, at(columns["unit_code"]), error.vi, error.en)
                return None
            except nz.Unreadable as error:
                self._add(error.code, at(columns["unit_code"]), error.vi, error.en)
                failed = True
        if name_cell is not None and by_code is not None:
            # The code decides which district it is; the name must agree with it.
            mismatch = name_mismatch(by_code, name_cell.value)
            if mismatch is not None:
                self._add("district_mismatch", at(columns["district"]), *mismatch)
                return None
            return by_code
        if name_cell is not None:
            try:
                by_name = self.units.by_name(name_cell.value, admin_map, period,
                                             hint=not self.problems.full)
            except nz.Unreadable as error:
                self._add(error.code, at(columns["district"]), error.vi, error.en)
                failed = True
        if by_code is None and by_name is None and not failed:
            column = next((columns[name] for name in ("district", "unit_code") if name in columns),
                          None)
            where = at(column) if column is not None else Located(sheet.name, number, None)
            words = nz.UNIT_WORDS[(admin_map or maps.DISTRICT_MAP).id]
            self._add("missing_district", where,
                      f"dòng có số liệu nhưng thiếu mã hoặc tên {words['vi']}",
                      f"a row with figures but no {words['en']} code or name")
        return by_code or by_name

    def _period(self, period_cell, columns, at, number, sheet):
        if period_cell is None:
            if self.template_year is not None:
                return self.template_year, None
            where = at(columns["period"]) if "period" in columns else Located(
                sheet.name, number, None)
            if "period" in columns:  # without the column, one problem at the header suffices
                self._add("missing_period", where, "thiếu kỳ (năm) của số liệu",
                          "the period (year) is missing")
            return None, None
        where = at(columns["period"])
        try:
            return nz.parse_period(period_cell.value), where
        except nz.Unreadable as error:
            self._add(error.code, where, error.vi, error.en)
            return None, where

    def _indicator(self, indicator_id: str, where: Located) -> Indicator | None:
        key = nz.indicator_key(indicator_id)
        indicator = self.catalogue.indicators.get(key[0]) if key else None
        if indicator is None:
            self._add("unknown_indicator", where,
                      "mã chỉ tiêu không có trong danh mục (xem trang hướng dẫn)",
                      "the indicator id is not in the catalogue (see the instructions sheet)")
            return None
        if not set(MAP_LEVELS.values()) & set(indicator.levels):
            self._add("wrong_level", where,
                      f"chỉ tiêu {indicator.id} không có số liệu cấp quận, huyện hay cấp xã, phường",
                      f"indicator {indicator.id} is not observed at district level nor per commune or ward")
            return None
        return indicator

    # --------------------------------------------------------------- problems

    def _add(self, code: str, where: Located, vi: str, en: str) -> None:
        self.problems.add(code, vi, en, sheet=where.sheet, row=where.row, column=where.column,
                          value=None if nz.is_blank(where.raw) else where.raw)

    def _formula(self, where: Located) -> None:
        self._add("formula", where,
                  "ô chứa công thức; công thức không bao giờ được tính, hãy nhập giá trị số",
                  "the cell holds a formula; formulas are never evaluated, enter the value")

    def _unknown_column(self, where: Located) -> None:
        self._add("unknown_column", where, "cột không được hỗ trợ (có thể gõ sai tên)",
                  "unknown column (perhaps a typo)")

    def _duplicate_column(self, seen, key, position, where, labels) -> bool:
        if key in seen:
            self._add("duplicate_column", where,
                      f"cột trùng với cột {labels[seen[key]]}",
                      f"duplicates column {labels[seen[key]]}")
            return False
        seen[key] = position
        return True


def _row_map(period: int | None, indicators) -> maps.AdministrativeMap | None:
    """The map of a row's period, or None when the period is unknown.

    A year's annual and term figures share a map; the only exception, a term figure for 2025
    (annual: the 2025 map; term: the map of 1 January 2025), is no election year and is refused
    by the period check, so the annual reading decides.
    """
    if period is None:
        return None
    frequencies = {indicator.frequency for indicator in indicators}
    return maps.map_for_period(period, "term" if frequencies == {"term"} else "annual")
