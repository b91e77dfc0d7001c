"""Import problems: a DataError that also names the sheet, with a stable code for tests and UI."""

from __future__ import annotations

from dashboard.errors import DataError


class ImportProblem(DataError):
    """One problem found in an uploaded file.

    `code` is a stable, language-free identifier (e.g. "unknown_district") that tests and
    the UI can rely on; `sheet` is the worksheet name for Excel files, None for CSV.
    """

    def __init__(
        self,
        file: str,
        reason_vi: str,
        reason_en: str,
        *,
        code: str,
        sheet: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.code = code
        self.sheet = sheet
        super().__init__(file, reason_vi, reason_en, row=row, column=column, value=value)

    def message(self, lang: str = "vi") -> str:
        """One line naming file, sheet, row, column, the value found and the reason."""
        vi = lang == "vi"
        parts = [f"{'Tệp' if vi else 'File'} {self.file}"]
        if self.sheet is not None:
            parts.append(f"{'trang' if vi else 'sheet'} {self.sheet}")
        if self.row is not None:
            parts.append(f"{'dòng' if vi else 'row'} {self.row}")
        if self.column is not None:
            parts.append(f"{'cột' if vi else 'column'} {self.column}")
        if self.value is not None:
            parts.append(f"{'giá trị' if vi else 'value'} {_shown(self.value)}")
        return ", ".join(parts) + ": " + (self.reason_vi if vi else self.reason_en)

    def as_dict(self, lang: str = "vi") -> dict[str, object]:
        """The problem as one table row, for the data page."""
        return {
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else _shown(self.value),
            "reason": self.reason_vi if lang == "vi" else self.reason_en,
        }

    def sort_key(self) -> tuple:
        row = self.row if isinstance(self.row, int) else -1
        return (self.sheet or "", row, self.column or "")


def _shown(value: object) -> str:
    """The value as the user typed it, quoted, shortened so one line stays readable."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


class Collector:
    """Gathers every problem of one file, so all of them are reported at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ImportProblem] = []

    def add(
        self,
        code: str,
        vi: str,
        en: str,
        *,
        sheet: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
        value: object = None,
    ) -> ImportProblem:
        problem = ImportProblem(
            self.file, vi, en, code=code, sheet=sheet, row=row, column=column, value=value
        )
        self.problems.append(problem)
        return problem

    def __bool__(self) -> bool:
        return bool(self.problems)
