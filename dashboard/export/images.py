"""Slide-ready PNGs of the map and the ranking chart, drawn without a browser.

The elements come from the dashboard's own builders (`choropleth_element`,
`ranking_element`) and are drawn with HoloViews' matplotlib backend, so an image and
the screen show the same colours, classes, target and city lines. The builders set
Bokeh options; `to_matplotlib` carries the styling ones over to matplotlib (colours,
line widths and dashes, inverted axes, hidden axes, equal aspect) instead of repeating
them here. Title, legend, unit, sources, attribution and the illustrative-data notice
are drawn around the plot with matplotlib.

Fonts: DejaVu Sans ships with matplotlib and has every Vietnamese diacritic.
"""

from __future__ import annotations

import io
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import holoviews as hv
import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..i18n import format_number, format_value, sentence_case, t
from ..model.snapshot import IndicatorSnapshot
from ..model.targets import target_text
from ..views.choropleth import choropleth_element
from ..views.ranking import ranking_element
from . import common

VIEWS = ("map", "chart")
PNG_SIZE = (1920, 1080)
# 1920 x 1080 at 150 dpi is 12.8 x 7.2 inches, about a 16:9 slide: type sizes in points
# read on the projector as they would in PowerPoint.
PNG_DPI = 150
FONT_FAMILY = "DejaVu Sans"
# Rendered PNGs kept per data object, across its versions; a deck is ten of them.
PNG_CACHE_SIZE = 48
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#555555"
NOTICE_FACE = "#fff3cd"
NOTICE_EDGE = "#d39e00"

# Bokeh style option -> matplotlib style option.
_STYLE_TO_MPL = {
    "color": "color",
    "line_color": "edgecolor",
    "line_width": "linewidth",
    "line_dash": "linestyle",
    "alpha": "alpha",
}
# Bokeh plot options that mean the same under matplotlib.
_SHARED_PLOT_OPTIONS = ("invert_axes", "xaxis", "yaxis", "show_frame", "xlabel", "ylabel")
_TEXT_TO_PATH = TextToPath()
_PNG_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Bokeh style options that name a column, applied per shape by a hook.
_COLUMN_SETTERS = {
    "color": "set_facecolor",
    "line_color": "set_edgecolor",
    "line_width": "set_linewidth",
}


@dataclass(frozen=True)
class Layout:
    """Where the decorations go. `standalone` images carry title, notice and sources;
    slide panels leave those to the slide and put the legend under the plot."""

    standalone: bool = True
    base_font: float = 13.0

    @property
    def legend_below(self) -> bool:
        return not self.standalone


STANDALONE = Layout()
SLIDE_PANEL = Layout(standalone=False, base_font=9.0)


# ------------------------------------------------------------------ elements


def view_element(snapshot: IndicatorSnapshot, view: str) -> hv.Element:
    """The element the dashboard draws for `view`, built by the dashboard's own builder."""
    lang = snapshot.state.lang
    with common.bokeh_backend():
        if view == "map":
            return choropleth_element(common.map_units(snapshot), snapshot.display, lang, common.shown_map(snapshot).id)
        if view == "chart":
            return ranking_element(
                snapshot.display,
                snapshot.indicator,
                lang,
                snapshot.state.district,
                snapshot.city,
                snapshot.target,
            )
    raise ValueError(f"Unknown view {view!r}; expected one of {', '.join(VIEWS)}")


def to_matplotlib(element: hv.Element) -> hv.Element:
    """Carry the builder's Bokeh styling over to the matplotlib backend, in place."""
    for item in element.traverse(lambda x: x, [hv.Element]):
        style = hv.Store.lookup_options("bokeh", item, "style").kwargs
        plot = hv.Store.lookup_options("bokeh", item, "plot").kwargs
        plot_class = hv.Store.registry["matplotlib"][type(item)]
        allowed = set(plot_class.style_opts)
        columns = {d.name for d in item.dimensions()}
        options: dict = {"title": ""}
        column_styles = {}
        for bokeh_name, mpl_name in _STYLE_TO_MPL.items():
            value = style.get(bokeh_name)
            if value is None:
                continue
            if isinstance(value, str) and value in columns:
                # Per-shape colours from a column: matplotlib bars take one style for all,
                # and polygons whose colours are all equal fall back to the default cycle.
                column_styles[bokeh_name] = value
            elif mpl_name in allowed:
                options[mpl_name] = value
        for name in _SHARED_PLOT_OPTIONS:
            if name in plot and name in plot_class.param:
                options[name] = plot[name]
        if plot.get("invert_axes") and ("xlabel" in options or "ylabel" in options):
            # Bokeh names the axes before inverting them, matplotlib after.
            options["xlabel"], options["ylabel"] = options.get("ylabel"), options.get("xlabel")
        if plot.get("data_aspect") is not None or plot.get("aspect") == "equal":
            options["aspect"] = "equal"
        if column_styles:
            options["hooks"] = [_column_style_hook(column_styles)]
        item.opts(backend="matplotlib", **options)
    return element


def _drawn_columns_only(element: hv.Element) -> hv.Element:
    """Polygons without the tooltip-only columns, which a static image never shows.

    HoloViews processes every column of every polygon; dropping the unused ones halves
    the time to draw the map. The clone keeps the element's id, so its options stay.
    """
    if not isinstance(element, hv.Polygons):
        return element
    style = hv.Store.lookup_options("bokeh", element, "style").kwargs
    used = {value for value in style.values() if isinstance(value, str)}
    return element.clone(vdims=[d for d in element.vdims if d.name in used])


def _column_style_hook(columns: dict[str, str]):
    """Set each bar's or polygon's colours and line widths from the element's columns."""

    def hook(plot, element) -> None:
        artist = plot.handles.get("artist")
        if isinstance(element, hv.Bars) or artist is None:
            shapes = [
                patch for patch in plot.handles["axis"].patches if isinstance(patch, Rectangle)
            ]
            expanded = True
        else:
            shapes = None
            expanded = False
        for bokeh_name, column in columns.items():
            values = list(element.dimension_values(column, expanded=expanded))
            if bokeh_name == "line_width":
                values = [float(value) for value in values]
            setter = _COLUMN_SETTERS[bokeh_name]
            if shapes is None:  # one collection with a path per polygon, in element order
                artist.set_array(None)  # no colour mapping: the column holds the colours
                getattr(artist, setter)(values)
            else:
                for shape, value in zip(shapes, values):
                    getattr(shape, setter)(value)

    return hook


# ------------------------------------------------------------------- figures


def render_figure(
    snapshot: IndicatorSnapshot,
    view: str,
    width_in: float,
    height_in: float,
    layout: Layout = STANDALONE,
) -> Figure:
    """A matplotlib figure of `view` with legend and, when standalone, title and sources."""
    with common.RENDER_LOCK, matplotlib.rc_context(_rc(layout)):
        # HoloViews' option store is global: translate the options under the lock too.
        element = _drawn_columns_only(to_matplotlib(view_element(snapshot, view)))
        if view == "map":
            # A map is never stretched, whatever the builder's sizing options.
            element.opts(backend="matplotlib", aspect="equal")
        if view == "chart" and not common.has_district_values(snapshot):
            figure = _empty_chart(common.no_unit_data(snapshot))
        else:
            # hv.render would build the plot twice (get_plot, then get_plot_state).
            figure = hv.renderer("matplotlib").get_plot(element).state
        figure.set_size_inches(width_in, height_in)
        figure.patch.set_facecolor("white")
        _Decorator(figure, snapshot, view, element, layout).draw()
    return figure


def _empty_chart(text: str) -> Figure:
    """No bars to rank (matplotlib cannot draw an empty bar chart): say so in their place."""
    figure = Figure()
    axes = figure.add_subplot()
    axes.axis("off")
    axes.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        wrap=True,
        color=MUTED_COLOUR,
        transform=axes.transAxes,
    )
    return figure


def render_png(
    snapshot: IndicatorSnapshot,
    view: str,
    size: tuple[int, int] = PNG_SIZE,
    dpi: int = PNG_DPI,
    layout: Layout = STANDALONE,
) -> bytes:
    """PNG bytes of exactly `size` pixels.

    Images are kept per data object and data version (a few dozen, least recently used
    dropped first): the same deck or image asked for again, by another session or another
    button, is not drawn twice. A live import refreshes the data object in place and moves
    its version, so an image drawn before the import is never returned after it.
    """
    state = snapshot.state
    key = (
        common.snapshot_version(snapshot),
        state.indicator,
        state.year,
        state.lang,
        state.district,
        getattr(state, "gap", False),
        view,
        tuple(size),
        dpi,
        layout,
    )
    with common.RENDER_LOCK:
        cache = _PNG_CACHE.setdefault(snapshot.data, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    width, height = size
    figure = render_figure(snapshot, view, width / dpi, height / dpi, layout)
    buffer = io.BytesIO()
    with common.RENDER_LOCK, matplotlib.rc_context(_rc(layout)):
        # Light compression: a third faster to write, and still small (flat colours).
        figure.savefig(
            buffer, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": 3}
        )
        _close(figure)
        cache[key] = png = buffer.getvalue()
        while len(cache) > PNG_CACHE_SIZE:
            cache.popitem(last=False)
    return png


def _rc(layout: Layout) -> dict:
    return {
        "font.family": FONT_FAMILY,
        "font.size": layout.base_font,
        "text.color": TEXT_COLOUR,
        "axes.labelcolor": TEXT_COLOUR,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "axes.edgecolor": "#999999",
    }


def _close(figure: Figure) -> None:
    import matplotlib.pyplot as plt

    plt.close(figure)


def _text_width_in(text: str, font_pt: float, bold: bool = False) -> float:
    """The width `text` takes in DejaVu Sans at `font_pt`, in inches."""
    prop = FontProperties(family=FONT_FAMILY, size=font_pt, weight="bold" if bold else "normal")
    width, _height, _descent = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=False)
    return width / 72


def _wrap(text: str, width_in: float, font_pt: float, bold: bool = False) -> str:
    """Break `text` into lines that fit `width_in`, measuring the words in the real font."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and _text_width_in(candidate, font_pt, bold) > width_in:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return "\n".join(lines)


def _fit(
    text: str, width_in: float, font_pt: float, bold: bool = False, shrink: float = 0.85
) -> tuple[str, float]:
    """One line if the text fits at up to `shrink` times the size, else wrapped at full size."""
    width = _text_width_in(text, font_pt, bold)
    if width <= width_in:
        return text, font_pt
    if width * shrink <= width_in:
        return text, font_pt * width_in / width
    return _wrap(text, width_in, font_pt, bold), font_pt


class _Decorator:
    """Places the plot and draws the texts and legend around it, in inches from the top."""

    MARGIN = 0.35

    def __init__(
        self, figure: Figure, snapshot: IndicatorSnapshot, view: str, element, layout: Layout
    ):
        self.figure = figure
        self.snapshot = snapshot
        self.view = view
        self.element = element
        self.layout = layout
        self.lang = snapshot.state.lang
        self.width, self.height = figure.get_size_inches()
        self.axes = figure.axes[0]
        self.font = layout.base_font

    # Figure fractions from inches measured from the top-left corner.
    def _x(self, inches: float) -> float:
        return inches / self.width

    def _y(self, inches_from_top: float) -> float:
        return 1 - inches_from_top / self.height

    def _text(self, x_in: float, top_in: float, text: str, size: float, **kwargs) -> float:
        """Draw `text` with its top at `top_in`; returns the inches it takes."""
        self.figure.text(
            self._x(x_in), self._y(top_in), text, fontsize=size, va="top", ha="left", **kwargs
        )
        return (text.count("\n") + 1) * size * 1.3 / 72

    def draw(self) -> None:
        top = self.MARGIN * (1 if self.layout.standalone else 0.3)
        bottom = self.height - self.MARGIN * (1 if self.layout.standalone else 0.3)
        usable = self.width - 2 * self.MARGIN
        if self.layout.standalone:
            title, size = _fit(common.heading(self.snapshot), usable, self.font * 1.6, bold=True)
            top += self._text(self.MARGIN, top, title, size, fontweight="bold")
            top += 0.06
            subtitle, size = _fit(common.subheading(self.snapshot), usable, self.font)
            top += self._text(self.MARGIN, top, subtitle, size, color=MUTED_COLOUR)
            if self.snapshot.shows_illustrative:
                top += 0.18
                size = self.font * 0.85
                notice = _wrap(common.illustrative_notice(self.lang, common.shown_map(self.snapshot).id),
                               usable - 0.3, size, bold=True)
                self._text(
                    self.MARGIN + 0.08,
                    top,
                    notice,
                    size,
                    fontweight="bold",
                    bbox={
                        "boxstyle": "round,pad=0.45",
                        "facecolor": NOTICE_FACE,
                        "edgecolor": NOTICE_EDGE,
                    },
                )
                top += (notice.count("\n") + 1) * size * 1.3 / 72 + 0.12
            top += 0.2
            bottom -= self._footer(bottom, usable)
        self._place(top, bottom)

    def _footer(self, bottom: float, usable: float) -> float:
        size = self.font * 0.7
        text = _wrap(
            common.source_line(self.snapshot, with_boundaries=self.view == "map"), usable, size
        )
        lines = text.count("\n") + 1
        height = lines * size * 1.3 / 72
        self._text(self.MARGIN, bottom - height, text, size, color=MUTED_COLOUR)
        return height + 0.15

    # ------------------------------------------------------------ plot areas

    def _place(self, top: float, bottom: float) -> None:
        if self.view == "map":
            self._outline_selected()
        elif common.has_district_values(self.snapshot):
            self._format_chart()
        handles, labels = self._legend_items()
        if self.layout.legend_below:
            columns = 2
            rows = -(-len(handles) // columns)
            legend_height = rows * self.font * 1.45 / 72 + 0.1
            left = 0.1 if self.view == "map" else self._label_width()
            self._set_axes(left, top, self.width - 0.15, bottom - legend_height - self._axis_room())
            self.figure.legend(
                handles,
                labels,
                loc="lower left",
                ncol=columns,
                frameon=False,
                fontsize=self.font,
                bbox_to_anchor=(self._x(0.05), 1 - bottom / self.height),
                handlelength=1.6,
                columnspacing=1.2,
                borderaxespad=0,
            )
            return
        split = self.width * (0.62 if self.view == "map" else 0.66)
        left = self.MARGIN if self.view == "map" else self._label_width()
        if self.view == "map":
            # The map keeps its proportions: the legend goes right next to it.
            split = min(split, left + (bottom - top) * self._map_aspect())
        self._set_axes(left, top, split, bottom - self._axis_room())
        legend = self.figure.legend(
            handles,
            labels,
            loc="upper left",
            frameon=False,
            fontsize=self.font,
            title=t("legend", self.lang),
            title_fontsize=self.font,
            alignment="left",
            bbox_to_anchor=(self._x(split + 0.3), self._y(top)),
            handlelength=1.8,
            borderaxespad=0,
        )
        legend.get_title().set_fontweight("bold")
        rows = len(handles) + 1
        below = top + rows * self.font * 1.75 / 72 + 0.25
        self._side_notes(split + 0.3, below, self.width - split - 0.3 - self.MARGIN)

    def _map_aspect(self) -> float:
        """Width over height of the map's units, as drawn with equal axes."""
        minx, miny, maxx, maxy = common.map_units(self.snapshot).total_bounds
        return float((maxx - minx) / (maxy - miny)) * 1.05

    def _label_width(self) -> float:
        """Room for district names left of the bars."""
        names = self.snapshot.display["name"].dropna()
        longest = max((len(name) for name in names), default=10)
        return 0.25 + longest * self._tick_font() * 0.6 / 72

    def _axis_room(self) -> float:
        if self.view != "chart" or self.snapshot.indicator.is_boolean:
            return 0.05
        return (self._tick_font() + self.font) * 1.8 / 72

    def _tick_font(self) -> float:
        rows = max(1, int(self.snapshot.display["value"].notna().sum()))
        available = self.height * (0.62 if self.layout.standalone else 0.7)
        return float(min(self.font * 0.85, available * 72 / rows * 0.72))

    def _set_axes(self, left: float, top: float, right: float, bottom: float) -> None:
        self.axes.set_position(
            [
                self._x(left),
                self._y(bottom),
                (right - left) / self.width,
                (bottom - top) / self.height,
            ]
        )
        if self.view == "map":
            self.axes.set_anchor("W" if self.layout.standalone else "C")

    def _format_chart(self) -> None:
        axes, indicator = self.axes, self.snapshot.indicator
        size = self._tick_font()
        axes.tick_params(axis="y", labelsize=size, length=0)
        axes.tick_params(axis="x", labelsize=self.font * 0.85)
        axes.set_ylabel("")
        axes.xaxis.label.set_size(self.font * 0.9)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if not indicator.is_boolean:
            # Round steps (1, 2, 5 × 10ⁿ), and a decimal only where a tick needs one.
            axes.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
            axes.xaxis.set_major_formatter(
                FuncFormatter(
                    lambda value, _pos: format_number(
                        value, self.lang, 0 if float(value).is_integer() else 1
                    )
                )
            )
            axes.grid(axis="x", color="#e5e5e5", linewidth=0.8)
            axes.set_axisbelow(True)
            # Keep the target and city lines inside the plot even when every bar is shorter.
            lines = [float(line.data) for line in self._hlines()]
            values = self.snapshot.display["value"].dropna()
            high = max([*lines, float(values.max()) if len(values) else 1.0])
            axes.set_xlim(0, high * 1.06)

    def _outline_selected(self) -> None:
        """Outline the selected district as the dashboard's map does, with its selection style."""
        codes = self.snapshot.display["code"].tolist()
        if self.snapshot.state.district not in codes:
            return
        collections = self.axes.collections
        if not collections:
            return
        style = hv.Store.lookup_options("bokeh", self.element, "style").kwargs
        path = collections[0].get_paths()[codes.index(self.snapshot.state.district)]
        self.axes.add_patch(
            PathPatch(
                path,
                fill=False,
                edgecolor=style.get("selection_line_color", "#111111"),
                linewidth=style.get("selection_line_width", 3),
                zorder=10,
            )
        )

    def _hlines(self) -> list[hv.HLine]:
        return list(self.element.traverse(lambda x: x, [hv.HLine]))

    def _legend_items(self) -> tuple[list, list[str]]:
        handles: list = []
        labels: list[str] = []
        drawn = common.has_district_values(self.snapshot)
        # Without any district value only the no-data entry (always last) means anything.
        for entry in self.snapshot.legend if drawn else self.snapshot.legend[-1:]:
            handles.append(Patch(facecolor=entry.colour, edgecolor="#888888", linewidth=0.6))
            labels.append(entry.label)
        if self.view == "chart" and drawn:
            target, city = self.snapshot.target, self.snapshot.city
            for line in self._hlines():
                style = hv.Store.lookup_options("bokeh", line, "style").kwargs
                handles.append(
                    Line2D(
                        [],
                        [],
                        color=style.get("color", "#000000"),
                        linewidth=style.get("line_width", 2),
                        linestyle=style.get("line_dash", "solid"),
                    )
                )
                labels.append(self._line_label(float(line.data), target, city))
        return handles, labels

    def _line_label(self, value: float, target, city) -> str:
        indicator, lang = self.snapshot.indicator, self.lang
        if target is not None and np.isclose(value, target.value):
            return f"{t('target', lang)} {target_text(target, indicator, lang)} ({target.year})"
        if city is not None and np.isclose(value, city.value):
            return f"{t('city', lang)}: {format_value(city.value, indicator.kind, lang)}"
        return format_number(value, lang, 1)

    def _side_notes(self, left: float, top: float, width: float) -> None:
        size = self.font * 0.8
        notes = []
        if self.view == "map" and self.snapshot.target is not None:
            notes.append(common.target_line(self.snapshot))
        missing = common.missing_districts(self.snapshot)
        no_council = common.districts_without_council(self.snapshot)
        if no_council:
            notes.append(f"{sentence_case(t('status_no_council', self.lang))}: {', '.join(no_council)}")
        if missing and len(missing) + len(no_council) < len(self.snapshot.display):
            notes.append(f"{t('no_data', self.lang).capitalize()}: {', '.join(missing)}")
        elif missing and self.view == "map":  # the empty chart already says so
            notes.append(common.no_unit_data(self.snapshot))
        for note in notes:
            text = _wrap(common.nfc(note), width, size)
            top += self._text(left, top, text, size, color=MUTED_COLOUR) + 0.12
