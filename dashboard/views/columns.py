"""Column updates of a Bokeh source that send the browser only the columns that changed."""

from __future__ import annotations

import math

from bokeh.models import ColumnDataSource


def _same(old, new) -> bool:
    if len(old) != len(new):
        return False
    for a, b in zip(old, new):
        if a != b and not (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)):
            return False
    return True


def changed_columns(source: ColumnDataSource, columns: dict[str, list]) -> dict[str, list]:
    """The columns of `columns` that differ from `source`'s (NaN equal to NaN).

    Bokeh re-sends every column assigned, equal or not. After a period drawn in the browser
    (views/period_frames.py) the browser has already patched the source to these values: nothing travels.
    """
    return {name: values for name, values in columns.items()
            if name not in source.data or not _same(list(source.data[name]), list(values))}


def update_columns(source: ColumnDataSource, columns: dict[str, list]) -> None:
    """Replace the changed columns of `source` only (all of them when the row count changes)."""
    changed = changed_columns(source, columns)
    if changed:
        source.data.update(changed)
