"""Layout pieces the views share: views made of a few parts a page lays out directly, text boxes
drawn as plain Bokeh models, rows that wrap, and widgets that run browser code.

Every Panel pane or layout costs each new session its own objects and models; a Bokeh `Div`
costs one model. Parts that only show what the server writes are Divs, and consecutive Bokeh
parts share one Panel pane (`panes`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

import panel as pn
import param
from bokeh.layouts import column
from bokeh.models import CustomJS, Div, Model, Plot
from bokeh.models import Spacer as BkSpacer
from panel.io import remove_root
from panel.viewable import Viewer

from ..server import APP_STYLESHEET

# Panel's default pane margin (top and bottom, left and right), kept by the text boxes.
TEXT_MARGIN = (5, 10, 5, 10)


@functools.cache
def stylesheet_rules(*prefixes: str) -> str:
    """The rules of the app stylesheet whose selector starts with `.` and one of `prefixes`
    (class names or their beginnings), read once per process: a Bokeh Div draws in its own
    shadow root, which the page's stylesheet does not reach."""
    rule = re.compile(r"^\.(?:%s)[^{]*\{[^}]*\}" % "|".join(map(re.escape, prefixes)), re.MULTILINE)
    return "\n".join(match.group(0) for match in rule.finditer(APP_STYLESHEET.read_text(encoding="utf-8")))


def text_box(html: Callable[[], str], watched: Sequence[tuple[param.Parameterized, list[str]]],
             styled: tuple[str, ...] = (), **div_params) -> Div:
    """A Div showing `html()`, written again whenever a `watched` (owner, parameter names) changes;
    `styled`: the class prefixes of the app stylesheet rules its HTML needs."""
    div_params.setdefault("margin", TEXT_MARGIN)
    box = Div(text=html(), stylesheets=[stylesheet_rules(*styled)] if styled else [],
              sizing_mode="stretch_width", **div_params)

    def rewrite(*_events) -> None:
        text = html()
        if text != box.text:
            box.text = text

    for owner, names in watched:
        owner.param.watch(rewrite, names)
    return box


# Presentation mode enlarges the whole page for a projector seen from the back of a room.
PRESENTATION_ZOOM = 1.3


def drawn_at_page_scale(layout: pn.viewable.Viewable) -> None:
    """Undo the presentation zoom on the Bokeh plots in `layout`, so they fit their columns.

    Bokeh sizes a plot's canvas from its bounding rectangle, which the zoom has already enlarged,
    and the zoom then enlarges the canvas once more: the charts ran up to 1.3 times past the
    screen's right edge. Unzoomed, a plot fills exactly its column; its text keeps its own size.
    """
    unzoom = f"{1 / PRESENTATION_ZOOM:.4f}"
    for pane in layout.select(pn.pane.Bokeh):
        for plot in pane.object.select({"type": Plot}) if pane.object is not None else ():
            plot.styles = {**plot.styles, "zoom": unzoom}
    for pane in layout.select(pn.pane.HoloViews):  # its plot is made as it is drawn: the pane's own
        pane.styles = {**pane.styles, "zoom": unzoom}


class BokehPane(pn.pane.Bokeh):
    """Panel's Bokeh pane, for Bokeh models the dashboard builds, in a served session or a test.

    Panel rewrites the code of every CustomJS below the pane that names the model's own id to
    name its root instead, and finds them by walking every model of the pane: about 5 ms of every
    map session. The dashboard's browser code never names a model by id, so the walk is left out.
    In a notebook (`comm`) it is Panel's own pane. Never chosen by `pn.panel` for a Bokeh model.
    """

    priority = False

    def _get_model(self, doc, root=None, parent=None, comm=None):
        if root is None or comm is not None:
            return super()._get_model(doc, root, parent, comm)
        model = BkSpacer() if self.object is None else self.object
        if model.document is not None and doc is not model.document:
            remove_root(model, doc)
        self._models[root.ref["id"]] = (model, parent)
        self._design.apply_bokeh_theme_to_model(model, self.theme)
        return model


class TextPane(pn.pane.HTML):
    """An HTML pane whose new text is sent as just that.

    On a new object Panel's HTML pane works out every property of its model again, its theme's
    stylesheets included, and sets them all, for about 1.5 ms a pane: the district profile
    rewrites sixteen of them for each unit chosen, the map page its notices and download links
    for each change the server follows. The text is the only property an object
    changes; the others follow their own parameters as in Panel's pane. Never chosen by `pn.panel`.
    """

    priority = 0

    def _update(self, ref: str, model) -> None:
        if self.enable_streaming:
            return super()._update(ref, model)
        model.text = self._process_param_change({"object": self.object})["text"]


class BrowserCallbacks:
    """A widget that runs browser code on a change or an event of its own Bokeh model.

    The code is a `CustomJS` on each model the widget builds (`cb_obj` is that model), as Panel's
    `jscallback` and `js_on_click` would attach it, but without Panel's process-wide registry of
    links: once one link exists, Panel walks every model of every new document to find the
    links' sources (about 5 ms of each session), and a link's arguments kept each closed
    session alive until it was taken out of the registry by hand.
    """

    # (Bokeh method that attaches it, change or event, code, arguments) for each piece of code.
    _browser_code: tuple = ()

    def on_change_js(self, prop: str, code: str, args: dict | None = None) -> None:
        """Run `code` in the browser when `prop` of the widget's model changes.

        `args` are passed to the code by name: a Panel component as its model in the same
        document, which must be built before this widget's (earlier in the layout).
        """
        self._browser_code += (("js_on_change", prop, code, dict(args or {})),)

    def on_event_js(self, event: str, code: str) -> None:
        """Run `code` in the browser on the model's `event` (a Bokeh event name, e.g. "button_click")."""
        self._browser_code += (("js_on_event", event, code, {}),)

    def _get_model(self, doc, root=None, parent=None, comm=None):
        model = super()._get_model(doc, root, parent, comm)
        root_id = (model if root is None else root).ref["id"]
        for attach, trigger, code, args in self._browser_code:
            resolved = {name: value._models[root_id][0] if isinstance(value, pn.viewable.Viewable) else value
                        for name, value in args.items()}
            # As Panel runs a link's code: an error is logged, and the widget's change goes on.
            guarded = f"try {{ {code} }} catch(err) {{ console.log(err) }}"
            getattr(model, attach)(trigger, CustomJS(code=guarded, args=resolved))
        return model


class BrowserSelect(BrowserCallbacks, pn.widgets.Select):
    """A select that can run browser code (`on_change_js`)."""


class BrowserIntSlider(BrowserCallbacks, pn.widgets.IntSlider):
    """An integer slider that can run browser code (`on_change_js`)."""


class BrowserButton(BrowserCallbacks, pn.widgets.Button):
    """A button that can run browser code (`on_event_js`)."""


def panes(*parts) -> list:
    """`parts` for a Panel layout: each run of Bokeh models in one Bokeh pane, Panel objects as they are."""
    laid_out, run = [], []
    for part in [*parts, None]:
        if isinstance(part, Model):
            run.append(part)
            continue
        if run:
            laid_out.append(BokehPane(column(*run, sizing_mode="stretch_width"), sizing_mode="stretch_width",
                                      margin=0))
            run = []
        if part is not None:
            laid_out.append(part)
    return laid_out


class PartsViewer(Viewer):
    """A view whose parts (`parts`, in display order: Bokeh models or Panel objects) a larger
    layout can hold directly (see `panes`).

    Shown alone, in a notebook say, it is a column of them. Inside the map page's columns they
    are laid out without a box of their own: each box is one more model for every session to build.
    """

    __abstract = True

    @property
    def parts(self) -> tuple:
        raise NotImplementedError

    def __panel__(self):
        return pn.Column(*panes(*self.parts), sizing_mode="stretch_width", margin=0)


class WrappingBox(pn.Column):
    """Items side by side, wrapping onto further lines on a narrow screen: a Column laid out as a row.

    Rather than a FlexBox, which compiles its template for each session, or a Row, to which Panel
    gives the sum of its items' widths as its minimum width, wider than a phone. A Column's is its
    widest item's.
    """

    def __init__(self, *objects, **params):
        rule = ":host { flex-direction: row; flex-wrap: wrap; }"
        super().__init__(*objects, **dict(params, stylesheets=[*params.get("stylesheets", []), rule]))


def wrapping_row(*objects, gap_px: int = 0, **params) -> pn.Row:
    """A Row whose items wrap onto further lines on a narrow screen.

    Rather than a FlexBox, which costs each session more to build, and which collapses Bokeh
    plots to zero size when nested.
    """
    return pn.Row(*objects, stylesheets=[f":host {{ flex-wrap: wrap; gap: {gap_px}px; }}"], **params)
