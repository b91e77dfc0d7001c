"""The map legend as HTML: readable without hover, and the same for every class scheme."""

from __future__ import annotations

import html

from ..i18n import t
from ..model.classes import LegendEntry


def legend_html(entries: list[LegendEntry], lang: str) -> str:
    """Swatches with labels; the no-data entry is always present and always last."""
    items = "".join(
        f'<span class="legend-item"><span class="legend-swatch" style="background:{entry.colour}">'
        f'</span>{html.escape(entry.label)}</span>'
        for entry in entries
    )
    return f'<div class="legend" aria-label="{t("legend", lang)}">{items}</div>'
