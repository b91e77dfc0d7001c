"""The table view: sortable values of every unit of the map shown, downloadable exactly as shown (CSV and Excel)."""

from __future__ import annotations

import io
import re

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from ..catalogue import Indicator
from ..i18n import format_period, t, unit_noun
from ..illustrative import ILLUSTRATIVE
from ..importer.safe_cells import neutralise_frame
from ..maps import DISTRICT_MAP
from ..model.snapshot import IndicatorSnapshot


def column_labels(indicator: Indicator, lang: str, map_id: str = DISTRICT_MAP.id) -> dict[str, str]:
    """Header of each column in the current language, with the unit where it helps; the first
    column names the units of the map shown."""
    unit = f" ({indicator.unit[lang]})" if indicator.kind != "boolean" else ""
    return {
        "name": unit_noun(map_id, lang),
        "value": t("value", lang) + unit,
        "numerator": t("numerator", lang),
        "denominator": t("denominator", lang),
        "status_label": t("status", lang),
        "source": t("source", lang),
    }


def indicator_table(
    display: pd.DataFrame, indicator: Indicator, lang: str, map_id: str = DISTRICT_MAP.id
) -> pd.DataFrame:
    """The rows behind the map, with headers in `lang`; n/N only for percentages."""
    columns = ["name", "value", "numerator", "denominator", "status_label", "source"]
    if indicator.kind != "percent":
        columns = [c for c in columns if c not in ("numerator", "denominator")]
    frame = display.copy()
    if indicator.kind == "boolean":
        frame["value"] = display["value_label"].where(display["value"].notna(), None)
    return frame[columns].rename(columns=column_labels(indicator, lang, map_id))


def csv_bytes(table: pd.DataFrame) -> io.BytesIO:
    """UTF-8 with a byte-order mark, so Excel opens the Vietnamese names correctly; text that
    a spreadsheet would run as a formula is neutralised."""
    return io.BytesIO(neutralise_frame(table).to_csv(index=False).encode("utf-8-sig"))


def excel_bytes(table: pd.DataFrame, notes: list[tuple[str, str]], sheet: str) -> io.BytesIO:
    """The table on one sheet, what it is and where it comes from on a second; no text cell
    becomes a formula."""
    buffer = io.BytesIO()
    notes_frame = pd.DataFrame(notes, columns=["", " "])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(table).to_excel(writer, sheet_name=_sheet_name(sheet), index=False)
        neutralise_frame(notes_frame).to_excel(writer, sheet_name="Ghi chú - Notes", index=False)
    buffer.seek(0)
    return buffer


def _sheet_name(text: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, not starting with '."""
    return (re.sub(r"[\[\]:*?/\\]", " ", text).strip("' ")[:31]) or "Sheet"


def number_formatter(indicator: Indicator, lang: str) -> dict:
    """Tabulator's money formatter gives 1.234,5 in Vietnamese and 1,234.5 in English."""
    decimal, thousand = (",", ".") if lang == "vi" else (".", ",")
    precision = 1 if indicator.kind == "percent" else 0
    return {"type": "money", "decimal": decimal, "thousand": thousand, "precision": precision}


class TableView(Viewer):
    """A sortable table of the current indicator and period, with CSV and Excel downloads."""

    snapshot = param.ClassSelector(class_=IndicatorSnapshot, doc="Values to show.")

    def __init__(self, **params):
        super().__init__(**params)
        view = self.snapshot.state.param.view
        self._table = pn.widgets.Tabulator(
            pn.bind(self._frame, self.snapshot.param.display, view),
            show_index=False, disabled=True, sizing_mode="stretch_width", layout="fit_data_stretch",
            formatters=pn.bind(self._formatters, self.snapshot.param.display),
            css_classes=["indicator-table"], max_height=760,
        )
        self._csv = pn.widgets.FileDownload(
            callback=self._csv_download, filename=self._filename("csv"), button_type="primary",
            label=t("download_csv", self.snapshot.state.lang), css_classes=["download-csv"], width=160,
        )
        self._excel = pn.widgets.FileDownload(
            callback=self._excel_download, filename=self._filename("xlsx"), button_type="primary",
            label=t("download_excel", self.snapshot.state.lang), css_classes=["download-excel"], width=160,
        )
        self.snapshot.param.watch(self._relabel, "display")

    def _frame(self, display: pd.DataFrame, view: str = "table") -> pd.DataFrame:
        # Rows only while the table is shown: 126 hidden rows would add 10 KB to every map page load.
        rows = display if view == "table" else display.iloc[:0]
        return indicator_table(rows, self.snapshot.indicator, self.snapshot.state.lang, self.snapshot.map.id)

    def _formatters(self, display: pd.DataFrame) -> dict:
        snapshot = self.snapshot
        if snapshot.indicator.kind == "boolean":
            return {}
        labels = column_labels(snapshot.indicator, snapshot.state.lang, snapshot.map.id)
        formatter = number_formatter(snapshot.indicator, snapshot.state.lang)
        integer = {**formatter, "precision": 0}
        return {labels["value"]: formatter, labels["numerator"]: integer, labels["denominator"]: integer}

    def _filename(self, extension: str) -> str:
        snapshot = self.snapshot
        flag = "-minh-hoa-illustrative" if snapshot.shows_illustrative else ""
        return f"{snapshot.indicator.id}-{snapshot.state.year}{flag}.{extension}"

    def _relabel(self, _event=None) -> None:
        lang = self.snapshot.state.lang
        self._csv.param.update(filename=self._filename("csv"), label=t("download_csv", lang))
        self._excel.param.update(filename=self._filename("xlsx"), label=t("download_excel", lang))

    def _shown_rows(self) -> pd.DataFrame:
        """Exactly what the table shows, in the order the user sorted it."""
        return self._table.current_view

    def _csv_download(self) -> io.BytesIO:
        return csv_bytes(self._shown_rows())

    def _excel_download(self) -> io.BytesIO:
        snapshot = self.snapshot
        lang = snapshot.state.lang
        indicator = snapshot.indicator
        notes = [
            (t("indicator", lang), indicator.name[lang]),
            (t("period", lang), format_period(snapshot.state.year, indicator.frequency, lang)),
            (t("source", lang), indicator.source[lang]),
        ]
        if snapshot.shows_illustrative:
            notes.append((t("status_" + ILLUSTRATIVE, lang).capitalize(), t("illustrative_notice", lang)))
        return excel_bytes(self._shown_rows(), notes, indicator.short_name[lang])

    def __panel__(self):
        return pn.Column(pn.Row(self._csv, self._excel), self._table, sizing_mode="stretch_width")
