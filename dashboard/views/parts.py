"""Layout pieces the views share: views made of a few panes a page lays out directly, and rows that wrap."""

from __future__ import annotations

import panel as pn
from panel.viewable import Viewer


class PartsViewer(Viewer):
    """A view whose panes (`parts`, in display order) a larger layout can hold directly.

    Shown alone, in a notebook say, it is a column of them. Inside the map page's columns they
    are laid out without a box of their own: each box is one more model for every session to build.
    """

    __abstract = True

    @property
    def parts(self) -> tuple:
        raise NotImplementedError

    def __panel__(self):
        return pn.Column(*self.parts, sizing_mode="stretch_width", margin=0)


def wrapping_row(*objects, gap_px: int = 0, **params) -> pn.Row:
    """A Row whose items wrap onto further lines on a narrow screen.

    Rather than a FlexBox, which costs each session more to build, and which collapses Bokeh
    plots to zero size when nested.
    """
    return pn.Row(*objects, stylesheets=[f":host {{ flex-wrap: wrap; gap: {gap_px}px; }}"], **params)
