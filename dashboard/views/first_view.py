"""The map page's first view: a still picture of its map and ranking, sent in the page's HTML.

A served map page draws its live map once BokehJS (3.5 MB of scripts) has run and the session's
document has arrived: well over a second on a 2-core machine. The page's HTML carries, meanwhile,
a picture of the same map and ranking, drawn from the same display rows, rank rule and colours as
the live views (`district_display`, `ranking_rows`, `ranking_cut`, `value_range`), so that the
figures are on screen at once. The live page replaces it once its map is drawn
(dashboard/assets/first_view.js). It says it is loading and answers no click: it is a picture.

Both pictures are SVG images, not inline SVG: their labels are not page text that a search, a
screen reader or a test could find twice.
"""

from __future__ import annotations

import functools
import html
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..catalogue import Indicator
from ..data import DashboardData
from ..geo import packed_coordinates
from ..i18n import format_period, t, t_map
from ..model.cells import per_data_version
from ..model.classes import LegendEntry
from ..model.snapshot import IndicatorSnapshot
from ..state import new_state
from .packed_shapes import shapes_extent
from .ranking import (
    BAR_HEIGHT_PX,
    CITY_COLOUR,
    GAP_COLOUR,
    SELECTED_LINE,
    TARGET_COLOUR,
    cut_gaps,
    ranking_cut,
    ranking_lines,
    ranking_rows,
    value_range,
)

# Width of the map picture's coordinate box; its height follows the map's shape.
MAP_BOX_WIDTH = 600
# The ranking picture, in its own units: rows as tall as the live chart's, names at the left.
RANKING_WIDTH = 600
RANKING_ROW = BAR_HEIGHT_PX
RANKING_NAMES = 190
RANKING_MARGIN = 10
LEGEND_ROW = 30
LEGEND_PER_ROW = 3
FONT = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
# Element timing names (the Element Timing API): the bench reads when each picture was painted.
MAP_TIMING, RANKING_TIMING = "first-view-map", "first-view-ranking"


@functools.lru_cache(maxsize=4)
def unit_paths(map_id: str) -> tuple[tuple[str, ...], int]:
    """SVG path data of each unit of a map, in map order, and the picture's height, once per process.

    From the same packed coordinates the live map draws (geo.packed_coordinates), scaled to a
    box MAP_BOX_WIDTH wide; holes are cut by the even-odd rule. Consecutive points that round to
    the same pixel are dropped, and each ring after its first point is written as relative steps.
    """
    xs, ys = packed_coordinates(map_id)
    low_x, low_y, high_x, high_y = shapes_extent(map_id)
    scale = MAP_BOX_WIDTH / max(high_x - low_x, 1)
    height = int(np.ceil((high_y - low_y) * scale))
    paths = []
    for unit_x, unit_y in zip(xs, ys):
        rings = []
        for polygon_x, polygon_y in zip(unit_x, unit_y):
            for ring_x, ring_y in zip(polygon_x, polygon_y):
                px = np.round((ring_x.astype(float) - low_x) * scale).astype(int)
                py = np.round(height - (ring_y.astype(float) - low_y) * scale).astype(int)
                points = np.column_stack([px, py])
                keep = np.ones(len(points), dtype=bool)
                keep[1:] = np.any(points[1:] != points[:-1], axis=1)
                points = points[keep]
                if len(points) >= 3:
                    steps = np.diff(points, axis=0)  # relative steps: shorter text
                    rings.append(f"M{points[0][0]} {points[0][1]}l" + " ".join(f"{x} {y}" for x, y in steps) + "z")
        paths.append("".join(rings))
    return tuple(paths), height


def svg_image(svg: str, alt: str, timing: str, css_class: str) -> str:
    """An <img> of `svg`, as a data URL: the picture's text is not page text."""
    # Percent-encoded but for characters that are plain in a URL and an HTML attribute: shorter
    # than base64, and gzip then packs the repeated path commands.
    source = "data:image/svg+xml," + quote(svg, safe=" =:;,.'/()-")
    return f'<img class="{css_class}" alt="{html.escape(alt)}" elementtiming="{timing}" src="{source}">'


def map_svg(display: pd.DataFrame, legend: list[LegendEntry], map_id: str, selected_code: str = "") -> str:
    """The units filled with their display colours, white borders, the selected unit outlined as
    the live map outlines it (drawn last, so that its neighbours do not cover the outline), and
    the legend below."""
    paths, height = unit_paths(map_id)
    if len(paths) != len(display):
        raise ValueError(f"{len(display)} values for the {len(paths)} units of map {map_id!r}")
    border = 1 if len(paths) <= 40 else 0.5
    units = list(zip(paths, display["color"], display["code"]))
    units.sort(key=lambda unit: unit[2] == selected_code)
    shapes = "".join(f"<path d='{d}' fill='{colour}'" + (f" stroke='{SELECTED_LINE}' stroke-width='3'/>"
                                                          if code == selected_code else "/>")
                     for d, colour, code in units)
    top = height + LEGEND_ROW // 2
    swatches = "".join(
        f"<g transform='translate({(i % LEGEND_PER_ROW) * MAP_BOX_WIDTH // LEGEND_PER_ROW},"
        f"{top + (i // LEGEND_PER_ROW) * LEGEND_ROW})'>"
        f"<rect width='26' height='18' fill='{entry.colour}' stroke='#888'/>"
        f"<text x='34' y='15' font-size='18'>{html.escape(entry.label)}</text></g>"
        for i, entry in enumerate(legend)
    )
    total = top + -(-len(legend) // LEGEND_PER_ROW) * LEGEND_ROW
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='-4 -4 {MAP_BOX_WIDTH + 8} {total + 8}' "
            f"font-family=\"{FONT}\"><g fill-rule='evenodd' stroke='white' stroke-width='{border}'>{shapes}</g>"
            f"{swatches}</svg>")


def ranking_svg(snapshot: IndicatorSnapshot) -> str:
    """The ranking's bars (best on top, cut as the live chart cuts), with the target and city lines."""
    indicator: Indicator = snapshot.indicator
    selected = snapshot.state.district
    ranked_rows = ranking_rows(snapshot.display, indicator, selected)
    shown = ranking_cut(ranked_rows, selected)
    rows = shown.iloc[::-1]  # drawn from the top: best first
    target_at, city_at = ranking_lines(indicator, snapshot.target, snapshot.city, snapshot.map.id)
    lines = [(at, colour, dash) for at, colour, dash in
             ((target_at, TARGET_COLOUR, "none"), (city_at, CITY_COLOUR, "6 4")) if at is not None]
    start, end = value_range(rows, indicator, [value for value, _, _ in lines])
    left, right = RANKING_NAMES + RANKING_MARGIN, RANKING_WIDTH - RANKING_MARGIN

    def x(value: float) -> float:
        return round(left + (value - start) / ((end - start) or 1) * (right - left), 1)

    bars = "".join(
        f"<text x='{RANKING_NAMES}' y='{i * RANKING_ROW + 14}' text-anchor='end' font-size='13'>"
        f"{html.escape(str(row['name']))}</text>"
        f"<rect x='{x(min(0.0, row['length']))}' y='{i * RANKING_ROW + 2}' height='{RANKING_ROW - 4}' "
        f"width='{round(abs(x(row['length']) - x(0.0)), 1)}' fill='{row['color']}'"
        + (f" stroke='{row['line']}' stroke-width='{row['width']:g}'/>" if row["code"] == selected else "/>")
        for i, row in enumerate(rows.to_dict("records"))
    )
    height = max(len(rows), 1) * RANKING_ROW
    rules = "".join(
        f"<line x1='{x(value)}' x2='{x(value)}' y1='0' y2='{height}' stroke='{colour}' stroke-width='2' "
        f"stroke-dasharray='{dash}'/>"
        for value, colour, dash in lines
    )
    # Where a cut ranking skips ranks: below bar i (0 lowest), that is below row len - 1 - i from the top.
    skips = "".join(
        f"<line x1='0' x2='{RANKING_WIDTH}' y1='{(len(rows) - i) * RANKING_ROW}' y2='{(len(rows) - i) * RANKING_ROW}' "
        f"stroke='{GAP_COLOUR}' stroke-width='2' stroke-dasharray='6 4'/>"
        for i in cut_gaps(shown, ranked_rows)
    )
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 -4 {RANKING_WIDTH} {height + 8}' "
            f"font-family=\"{FONT}\" fill='#222'>{bars}{rules}{skips}</svg>")


def first_view_html(data: DashboardData, values: dict) -> str | None:
    """The first view of the map page for the state `values` (shell.state_from_query), or None
    when that page shows no map first: another page or view, or presentation mode."""
    state = new_state(data, **values)
    if state.page != "map" or state.view != "map" or state.mode != "normal":
        return None
    return _first_view(data, state.indicator, state.year, state.lang, state.gap, state.district)


# First views of the (indicator, period, language, colour mode, unit) that pages open with.
FIRST_VIEW_CACHE_SIZE = 256


@per_data_version(maxsize=FIRST_VIEW_CACHE_SIZE)
def _first_view(data: DashboardData, indicator_id: str, year: int, lang: str, gap: bool, district: str) -> str:
    # The snapshot settles the period and the map as the live page will.
    state = new_state(data, page="map", indicator=indicator_id, year=year, lang=lang, gap=gap, district=district)
    snapshot = IndicatorSnapshot(state=state, data=data)
    indicator, map_id = snapshot.indicator, snapshot.map.id
    caption = f"{indicator.short_name[lang]} · {format_period(state.year, indicator.frequency, lang)}"
    notice = (f'<div class="first-view-notice">⚠ {html.escape(t_map("illustrative_notice", lang, map_id))}</div>'
              if snapshot.shows_illustrative else "")
    return (
        '<div id="first-view" class="first-view" aria-hidden="true">'
        f'<div class="first-view-header"><div class="first-view-title">{html.escape(t("app_title", lang))}</div>'
        f'<div class="first-view-subtitle">{html.escape(t("app_subtitle", lang))}</div></div>'
        f'<div class="first-view-status">{html.escape(t("first_view_loading", lang))}</div>'
        f'{notice}<div class="first-view-caption">{html.escape(caption)}</div>'
        '<div class="first-view-body">'
        + svg_image(map_svg(snapshot.display, snapshot.legend, map_id, state.district),
                    f"{t('view_map', lang)}: {caption}",
                    MAP_TIMING, "first-view-map")
        + svg_image(ranking_svg(snapshot), f"{t('ranking', lang)}: {caption}", RANKING_TIMING,
                    "first-view-ranking")
        + "</div></div>"
    )
