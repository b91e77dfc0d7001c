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
        row: int | str | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.value = value
        self.reason_vi = reason_vi
        self.reason_en = reason_en
        super().__init__(self.message("vi"))

    def message(self, lang: str = "vi") -> str:
        """One line naming file, row, column, the value found and the reason."""
        vi = lang == "vi"
        parts = [f"{'Tệp' if vi else 'File'} {self.file}"]
        if self.row is not None:
            parts.append(f"{'dòng' if vi else 'row'} {self.row}")
        if self.column is not None:
            parts.append(f"{'cột' if vi else 'column'} {self.column}")
        if self.value is not None:
            parts.append(f"{'giá trị' if vi else 'value'} {self.value!r}")
        return ", ".join(parts) + ": " + (self.reason_vi if vi else self.reason_en)
