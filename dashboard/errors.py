"""Bilingual, located error type shared by every loader and importer."""

from __future__ import annotations


class DataError(ValueError):
    """A problem in an input file, located precisely and explained in Vietnamese and English.

    Every loader raises this (or collects several of them) so that a data officer
    always learns which file, row and column is wrong, and why.
    """

    def __init__(
        self,
        file: str,
        reason_vi: str,
        reason_en: str,
        *,
        sheet: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file = str(file)
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value
        self.reason_vi = reason_vi
        self.reason_en = reason_en
        super().__init__(self.message("vi"))

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
            parts.append(f"{'giá trị' if vi else 'value'} {shown_value(self.value)}")
        return ", ".join(parts) + ": " + (self.reason_vi if vi else self.reason_en)


def shown_value(value: object) -> str:
    """The value as the user typed it, quoted, shortened so one line stays readable."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"
