"""Make text safe to open in a spreadsheet: no downloaded cell or file name becomes a formula.

Excel, LibreOffice and Google Sheets run a cell that begins with = + - @ (or a tab or a
carriage return before one) as a formula, in a CSV file as in an .xlsx written by openpyxl.
Figures come back from imported files (sources, names), so every CSV and Excel download
passes through here. Following OWASP's advice on CSV injection, such text is prefixed with an
apostrophe; numbers stay numbers, and text that is only a number ("-12,5") is left alone.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# Characters that start a formula, with their full-width forms (typed by some input methods).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Plain signed numbers, in either decimal convention, with an optional percent sign.
_NUMBER = re.compile(r"[+-]?\d[\d.,]*%?")
_UNSAFE_IN_NAMES = re.compile(r"[^\w.\- ()]+")


def neutralise(value: object) -> object:
    """`value` unchanged unless it is text a spreadsheet would run as a formula; then "'" + it."""
    if not isinstance(value, str) or not value:
        return value
    if value.lstrip(" ").startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column headers are neutralised; numbers kept."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column].dtype):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(column) if isinstance(column, str) else column
                    for column in safe.columns]
    return safe


def safe_file_name(text: object, default: str = "tep", max_length: int = 80) -> str:
    """A download file name built from user text: letters (Vietnamese too), digits, spaces and
    . - _ ( ); never starting with a formula character, a dot or a space."""
    name = unicodedata.normalize("NFC", str(text or ""))
    name = _UNSAFE_IN_NAMES.sub("_", name)
    name = name.lstrip("=+-@._ '\t\r").strip()[:max_length].rstrip(". ")
    return name or default
