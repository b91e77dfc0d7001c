"""Views made of a few panes that a page may lay out directly."""

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
