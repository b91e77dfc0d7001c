"""An offline HTML copy of the map page: one file with every script and style inline.

The pieces are shared with `export.pages`, which copies every other page: the explorer's
models (`explorer_models`), the footer and the inline document (`document_html`).

The map and the ranking are the dashboard's own elements (`choropleth_element`,
`ranking_element`) rendered by Bokeh into a standalone document, so hover tooltips
and tap selection keep working in the browser without a server. A little CustomJS links
the two: tapping a district on the map selects its bar and fills the district card, and
the other way round. Everything that needs Python (changing indicator, period or
language) is fixed at export time and said so on the page.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import holoviews as hv
from bokeh.document import Document
from bokeh.embed import file_html
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource, CustomJS, Div, HoverTool, InlineStyleSheet
from bokeh.resources import Resources

from ..i18n import t
from ..maps import COMMUNE_MAP, DISTRICT_MAP
from ..model.snapshot import IndicatorSnapshot
from ..views.district_card import district_card_html
from ..views.legend import legend_html
from ..views.ranking import SELECTED_LINE, ranking_element, ranking_note_html
from . import common, images

PAGES = ("map",)
# Pixels; used only if a builder leaves a plot without any height.
FALLBACK_HEIGHT = 560


class _BokehInline(Resources):
    """Bokeh's own scripts and styles, inline, without other libraries' external files.

    Once Panel is imported, every Bokeh `Resources` also lists the external files of
    Panel's models (a relative `static/extensions/...` script) even when the document
    uses none of them; from disk that is a failed request and a console error.
    """

    def _collect_external_resources(self, resource_attr) -> list[str]:
        return []

    def clone(self, *, components=None) -> _BokehInline:
        # Bokeh's clone() builds a plain Resources, which would bring the external files back.
        return _BokehInline(
            mode=self.mode,
            minified=self.minified,
            log_level=self.log_level,
            components=components if components is not None else list(self.components),
        )


INLINE_RESOURCES = _BokehInline(mode="inline")

# The dashboard's stylesheet classes the views' HTML uses, for Bokeh's shadow DOM.
STYLE = """
:host { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
        color: #222; font-size: 15px; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 4px 0; }
.subtitle { color: #555; }
.notice { background: #fff3cd; border: 1px solid #d39e00; border-radius: 6px; padding: 8px 12px;
          font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 0.95rem; }
.legend-item { display: inline-flex; align-items: center; gap: 6px; }
.legend-swatch { display: inline-block; width: 18px; height: 14px; border: 1px solid #888; }
.attribution, .sources, .offline { font-size: 0.8rem; color: #555; }
.ranking-note { font-size: 0.92rem; line-height: 1.5; }
.line-key.target { color: #c2185b; font-weight: 800; }
.line-key.city { color: #444; font-weight: 800; }
.district-card { border: 1px solid #ddd; border-radius: 8px; padding: 10px 14px; min-height: 60px; }
.district-card.empty { color: #555; }
.card-title { font-weight: 700; font-size: 1.1rem; }
.card-value { font-size: 1.4rem; font-weight: 700; }
.card-target.met { color: #1b7f3b; }
.card-target.not-met { color: #b01e3c; }
"""

# Selecting a district in one plot selects it in the other and shows its card.
LINK_JS = """
const indices = cb_obj.indices;
const code = indices.length ? source.data.code[indices[0]] : "";
const wanted = code === "" ? [] : other.data.code.flatMap((c, i) => c === code ? [i] : []);
if (JSON.stringify(other.selected.indices) !== JSON.stringify(wanted)) {
  other.selected.indices = wanted;
}
card.text = cards[code] !== undefined ? cards[code] : cards[""];
"""


def snapshot_html(
    snapshot: IndicatorSnapshot, page: str = "map", today: dt.date | None = None
) -> str:
    """The map page of `snapshot` as one self-contained HTML document.

    Other pages (`page`) are copied by `export.pages.page_html`, which builds the page
    itself; this is the map page's explorer alone, with its heading and sources.
    """
    if page not in PAGES:
        raise ValueError(f"Unknown page {page!r}; expected one of {', '.join(PAGES)}")
    today = today or dt.date.today()
    lang = snapshot.state.lang
    stylesheet = InlineStyleSheet(css=STYLE)
    parts = explorer_models(snapshot, stylesheet)
    parts.append(footer_div(common.source_line(snapshot), today, lang, stylesheet, common.shown_map(snapshot).id))
    title = f"{common.heading(snapshot)} · {common.period_heading(snapshot)}"
    return document_html(parts, title, lang)


def document_html(parts: list, title: str, lang: str) -> str:
    """A standalone HTML document of Bokeh models, every script and style inline."""
    layout = column(
        *parts, sizing_mode="stretch_width", styles={"padding": "12px", "max-width": "1400px"}
    )
    document = file_html(layout, resources=INLINE_RESOURCES, title=title)
    # Bokeh's template declares no language; screen readers and hyphenation need it.
    return document.replace('<html lang="en">', f'<html lang="{lang}">', 1)


def text_div(text: str, stylesheet: InlineStyleSheet, **kwargs) -> Div:
    return Div(text=text, stylesheets=[stylesheet], sizing_mode="stretch_width", **kwargs)


def footer_div(source_line: str, today: dt.date, lang: str, stylesheet: InlineStyleSheet,
               map_id: str = DISTRICT_MAP.id) -> Div:
    """Sources, and when and how the copy was made, in the words of the map shown."""
    key = "snapshot_offline_note_communes" if map_id == COMMUNE_MAP.id else "snapshot_offline_note"
    offline_note = t(key, lang).format(date=common.format_date(today, lang))
    return text_div(
        f'<div class="sources">{html.escape(source_line)}</div>'
        f'<div class="offline">{html.escape(offline_note)}</div>',
        stylesheet,
    )


def explorer_models(snapshot: IndicatorSnapshot, stylesheet: InlineStyleSheet) -> list:
    """Heading, notices, the linked map and ranking, and the district card of `snapshot`."""
    lang = snapshot.state.lang
    # The chart is built without a fixed selected bar: selection lives in the browser here.
    # A document of their own: the process-wide current document may be a session's.
    with common.bokeh_backend():
        chart = ranking_element(
            snapshot.display, snapshot.indicator, lang, "", snapshot.city, snapshot.target
        )
        # hv.render would build each plot twice; get_plot builds it once.
        renderer = hv.renderer("bokeh")
        map_figure = renderer.get_plot(images.view_element(snapshot, "map"), doc=Document()).state
        chart_figure = renderer.get_plot(chart, doc=Document()).state
    _keep_map_proportions(map_figure, snapshot)
    size_for_document(chart_figure)
    map_source = _source(map_figure)
    chart_source = _source(chart_figure)
    _repair_tooltips(map_figure, map_source)
    _repair_tooltips(chart_figure, chart_source)
    _outline_selected_bar(chart_figure)

    def div(text: str, **kwargs) -> Div:
        return text_div(text, stylesheet, **kwargs)

    indicator, period, district = snapshot.indicator, snapshot.state.year, snapshot.state.district
    cards = {"": district_card_html(snapshot.display, "", indicator, period, lang, snapshot.target)}
    for code in snapshot.display["code"]:
        cards[code] = district_card_html(
            snapshot.display, code, indicator, period, lang, snapshot.target
        )
    card = div(cards.get(district, cards[""]))
    codes = snapshot.display["code"].tolist()
    if district in codes:
        map_source.selected.indices = [codes.index(district)]
        chart_codes = list(chart_source.data["code"]) if chart_source is not None else []
        if chart_source is not None and district in chart_codes:
            chart_source.selected.indices = [chart_codes.index(district)]
    if chart_source is not None:
        for source, other in ((map_source, chart_source), (chart_source, map_source)):
            source.selected.js_on_change(
                "indices",
                CustomJS(
                    args={"source": source, "other": other, "card": card, "cards": cards},
                    code=LINK_JS,
                ),
            )

    header = (
        f"<h1>{html.escape(common.heading(snapshot))}</h1>"
        f'<div class="subtitle">{html.escape(common.subheading(snapshot))}</div>'
    )
    parts = [div(header)]
    if snapshot.shows_illustrative:
        parts.append(
            div(f'<div class="notice">⚠ {html.escape(common.illustrative_notice(lang, common.shown_map(snapshot).id))}'
                '</div>')
        )
    if not common.has_district_values(snapshot):
        parts.append(div(f'<div class="notice">{html.escape(common.no_unit_data(snapshot))}</div>'))
    map_column = column(
        map_figure,
        div(legend_html(snapshot.legend, lang)),
        div(f'<div class="attribution">{html.escape(common.attribution(snapshot))}</div>'),
        sizing_mode="stretch_width",
    )
    note = ranking_note_html(
        snapshot.display, indicator, period, lang, snapshot.city, snapshot.target
    )
    chart_column = column(card, chart_figure, div(note), sizing_mode="stretch_width")
    parts.append(row(map_column, chart_column, sizing_mode="stretch_width"))
    return parts


def size_for_document(*figures) -> None:
    """A plain document has no height to stretch into: stretch the width only."""
    for figure in figures:
        if figure.sizing_mode in ("stretch_both", "stretch_height", "scale_both"):
            figure.height = figure.height or figure.min_height or FALLBACK_HEIGHT
            figure.sizing_mode = "stretch_width"


def _keep_map_proportions(figure, snapshot: IndicatorSnapshot) -> None:
    """A fixed frame with the map's proportions: a stretched map misleads about areas."""
    minx, miny, maxx, maxy = common.map_units(snapshot).total_bounds
    height = figure.frame_height or figure.height or FALLBACK_HEIGHT
    figure.sizing_mode = "fixed"
    figure.frame_height = height
    figure.frame_width = round(height * (maxx - minx) / (maxy - miny))
    figure.width = figure.height = None


def _repair_tooltips(figure, source: ColumnDataSource | None) -> None:
    """Undo HoloViews turning `@value_label` into `@{value}_label` when `value` is a column too."""
    if source is None:
        return
    columns = set(source.data)
    pattern = re.compile(r"@\{(\w+)\}(\w+)")

    def join(match: re.Match) -> str:
        name = match.group(1) + match.group(2)
        return f"@{{{name}}}" if name in columns else match.group(0)

    for tool in figure.tools:
        if isinstance(tool, HoverTool) and isinstance(tool.tooltips, list):
            tool.tooltips = [(label, pattern.sub(join, field)) for label, field in tool.tooltips]


def _outline_selected_bar(figure) -> None:
    """Bokeh draws a selected bar like the others; give it the map's selection outline."""
    for renderer in figure.renderers:
        glyph = getattr(renderer, "glyph", None)
        if glyph is not None and "code" in getattr(renderer.data_source, "data", {}):
            renderer.selection_glyph = glyph.clone(line_color=SELECTED_LINE, line_width=3)
            renderer.nonselection_glyph = glyph.clone()


def _source(figure) -> ColumnDataSource | None:
    """The data source of the figure's glyph with a `code` column (polygons or bars)."""
    for renderer in figure.renderers:
        source = getattr(renderer, "data_source", None)
        if isinstance(source, ColumnDataSource) and "code" in source.data:
            return source
    return None
