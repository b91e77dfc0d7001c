"""Import problems: a DataError that also names the sheet, with a stable code for tests and UI."""

from __future__ import annotations

from dashboard.errors import DataError, shown_value


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
        super().__init__(file, reason_vi, reason_en, sheet=sheet, row=row, column=column, value=value)

    def as_dict(self, lang: str = "vi") -> dict[str, object]:
        """The problem as one table row, for the data page."""
        return {
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else shown_value(self.value),
            "reason": self.reason_vi if lang == "vi" else self.reason_en,
        }

    def sort_key(self) -> tuple:
        row = self.row if isinstance(self.row, int) else -1
        return (self.sheet or "", row, self.column or "")


# The problem list stops here, saying how many more there were: a file of bad cells must not
# cost millions of messages, and nobody reads past the first few hundred anyway.
MAX_PROBLEMS = 500


class Collector:
    """Gathers the problems of one file, so that they are reported at once.

    Only the first MAX_PROBLEMS are kept; `total` counts every one, so the page can say how
    many more there were.
    """

    def __init__(self, file: str, limit: int = MAX_PROBLEMS) -> None:
        self.file = file
        self.limit = limit
        self.problems: list[ImportProblem] = []
        self.total = 0

    @property
    def full(self) -> bool:
        """No further problem will be kept (only counted): costly explanations can be skipped."""
        return len(self.problems) >= self.limit

    @property
    def dropped(self) -> int:
        """Problems found past the limit and not kept."""
        return self.total - len(self.problems)

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
    ) -> ImportProblem | None:
        self.total += 1
        if self.full:
            return None  # counted, not built
        problem = ImportProblem(
            self.file, vi, en, code=code, sheet=sheet, row=row, column=column, value=value
        )
        self.problems.append(problem)
        return problem

    def __bool__(self) -> bool:
        return self.total > 0
