"""A search box that finds a unit of the map shown by name, with or without diacritics, and selects it.

On the 126-unit map it finds communes and wards ("hoan kiem" finds "Phường Hoàn Kiếm"); on the
district map, districts. Names are compared folded (lowercase ASCII, geo.commune_unit_list's
`name_folded`), in Python: the browser's own autocomplete only lowercases, so a name typed
without diacritics would find nothing there. Needs nothing from other hosts.
"""

from __future__ import annotations

import functools
import html

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from .. import geo
from ..data import DashboardData
from ..i18n import t
from ..importer.normalize import fold
from ..maps import COMMUNE_MAP, AdministrativeMap
from ..state import DashboardState

# Results listed at once: enough for every "Phường ..." sharing a word, short enough for a phone.
MAX_RESULTS = 8
# Characters typed before searching: one folded letter matches half the city.
MIN_CHARACTERS = 2


def searchable_units(map_: AdministrativeMap, districts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The units of `map_` to search: code, full_name_vi, name_vi, label_en, name_folded, short_folded.

    `districts` is the 30-district frame (data.districts) for the district map; the 126 units
    come from geo.commune_unit_list().
    """
    if map_.id == COMMUNE_MAP.id:
        units = geo.commune_unit_list()
        frame = pd.DataFrame({
            "code": units["code"], "full_name_vi": units["full_name_vi"], "name_vi": units["name_vi"],
            "label_en": units["name_vi"] + " (" + units["unit_type_en"] + ")",
            "name_folded": units["name_folded"],
        })
    else:
        if districts is None:
            raise ValueError("the district map needs the districts frame")
        frame = pd.DataFrame({
            "code": districts["code"], "full_name_vi": districts["full_name_vi"], "name_vi": districts["name_vi"],
            "label_en": districts["name_vi"] + " (" + districts["unit_type_en"] + ")",
            "name_folded": districts["full_name_vi"].map(fold),
        })
    frame["short_folded"] = frame["name_vi"].map(fold)
    return frame.reset_index(drop=True)


def search_units(units: pd.DataFrame, query: str, limit: int = MAX_RESULTS) -> pd.DataFrame:
    """Units whose folded name contains the folded query, best first.

    Best: the short name equal to the query ("hoan kiem" is Phường Hoàn Kiếm before Xã Hoàn
    Kiếm-something), then names starting with it, then a word starting with it, then anywhere;
    ties in Vietnamese alphabetical order of the folded name. A 3- or 5-digit code finds its unit.
    """
    folded = fold(query)
    if len(folded) < MIN_CHARACTERS:
        return units.iloc[0:0]
    if folded.isdigit():
        return units[units["code"] == folded].head(limit)
    full, short = units["name_folded"], units["short_folded"]
    chosen = units[full.str.contains(folded, regex=False) | short.str.contains(folded, regex=False)].copy()
    word_start = chosen["name_folded"].map(lambda name: f" {folded}" in f" {name}")
    chosen["rank"] = 3 - word_start.astype(int)
    starts = chosen["short_folded"].str.startswith(folded) | chosen["name_folded"].str.startswith(folded)
    chosen.loc[starts, "rank"] = 1
    chosen.loc[chosen["short_folded"] == folded, "rank"] = 0
    chosen = chosen.sort_values(["rank", "short_folded", "name_folded"], kind="stable")
    return chosen.drop(columns="rank").head(limit)


def result_label(row: pd.Series, lang: str) -> str:
    return str(row["full_name_vi"] if lang == "vi" else row["label_en"])


class UnitSearch(Viewer):
    """A text box and the units it finds on the period's map; choosing one selects it in the state."""

    state = param.ClassSelector(class_=DashboardState, doc="Shared view state.")
    data = param.ClassSelector(class_=DashboardData, doc="Process-wide data.")
    query = param.String(default="", doc="What the user typed, as typed.")
    results = param.DataFrame(precedence=-1, doc="Units found for the query on the map shown.")

    def __init__(self, **params):
        super().__init__(**params)
        state = self.state
        self._units: pd.DataFrame | None = None
        self._picking = False
        self._map_id = ""
        self._input = pn.widgets.TextInput(
            label=self._label(), placeholder=t("search_placeholder", state.lang), sizing_mode="stretch_width",
            min_width=200, max_width=420, css_classes=["unit-search-input"],
        )
        # The results list and its message, made for the first search: most sessions never search.
        self._list: pn.widgets.MultiSelect | None = None
        self._message: pn.pane.HTML | None = None
        self._input.param.watch(self._on_typing, "value_input")
        # Enter (or leaving the box) picks the best match.
        self._input.param.watch(self._on_enter, "value")
        state.param.watch(self._on_context, ["indicator", "year", "lang", "data_version"])
        self._layout = pn.Column(self._input, sizing_mode="stretch_width", css_classes=["unit-search"], margin=0)

    def _results_widgets(self) -> tuple[pn.widgets.MultiSelect, pn.pane.HTML]:
        """The results list and the no-match message, made the first time they are needed."""
        if self._list is None:
            # A list box, not a drop-down, so one tap picks a unit on a phone; a multiple-choice one,
            # because a single Select would choose its first result by itself whenever the list changes.
            self._list = pn.widgets.MultiSelect(options={}, value=[], size=MAX_RESULTS, visible=False,
                                                sizing_mode="stretch_width", min_width=200, max_width=420,
                                                css_classes=["unit-search-results"])
            self._message = pn.pane.HTML("", visible=False, css_classes=["unit-search-message"], margin=(0, 10))
            self._list.param.watch(self._on_pick, "value")
            self._layout.extend([self._list, self._message])
        return self._list, self._message

    @property
    def map(self) -> AdministrativeMap:
        """The map of the period shown: the units the box can find."""
        return self.data.map_for(self.state.indicator, self.state.year)

    def units(self) -> pd.DataFrame:
        """The units of the map shown, made searchable the first time a session searches them."""
        self._refresh_units()
        return self._units

    def _refresh_units(self) -> None:
        shown = self.map
        if shown.id != self._map_id or self._units is None:
            self._units = searchable_units(shown, self.data.districts)
            self._map_id = shown.id

    def _label(self) -> str:
        key = "search_label" if self.map.id == COMMUNE_MAP.id else "search_label_district"
        return t(key, self.state.lang)

    def search(self, query: str) -> pd.DataFrame:
        """Set the query and return what it finds (also shown in the list)."""
        self.query = query
        self.results = search_units(self.units(), query)
        self._show_results()
        return self.results

    def choose(self, code: str) -> None:
        """Select the unit `code` of the map shown everywhere; a code the map lacks is refused."""
        if code not in set(self.units()["code"]):
            raise ValueError(f"unit {code!r} is not on the map {self.map.id}")
        self.state.district = code

    def _hide_results(self) -> None:
        if self._list is not None:
            self._list.visible = False
            self._message.visible = False

    def _show_results(self) -> None:
        lang = self.state.lang
        results = self.results
        if results is None or not len(self.query.strip()) or len(fold(self.query)) < MIN_CHARACTERS:
            self._hide_results()
            return
        results_list, message = self._results_widgets()
        if results.empty:
            results_list.visible = False
            message.object = (f'<p class="unit-search-empty">'
                              f'{html.escape(t("search_no_match", lang).format(query=self.query))}</p>')
            message.visible = True
            return
        options = {result_label(row, lang): row["code"] for _, row in results.iterrows()}
        results_list.param.update(options=options, value=[], size=max(2, min(MAX_RESULTS, len(options))),
                                  visible=True)
        message.visible = False

    def _on_typing(self, event) -> None:
        if not self._picking:
            self.search(event.new or "")

    @pn.io.hold()
    def _on_enter(self, event) -> None:
        if not event.new or self._picking:
            return
        results = self.search(event.new)
        if len(results):
            self._pick(results["code"].iloc[0])

    @pn.io.hold()
    def _on_pick(self, event) -> None:
        if event.new:
            self._pick(event.new[0])

    def _pick(self, code: str) -> None:
        self.choose(code)
        label = result_label(self.units().set_index("code").loc[code], self.state.lang)
        self._hide_results()
        # On the next tick: a value changed while the browser's own change of the box is being
        # handled would not be sent back to it.
        pn.state.execute(functools.partial(self._show_choice, label), schedule=True)

    def _show_choice(self, label: str) -> None:
        """The box shows the name chosen; that is not a new search."""
        self._picking = True
        try:
            self._input.param.update(value=label, value_input=label)
        finally:
            self._picking = False

    def _on_context(self, *_events) -> None:  # one or several, when the state moves in one batch
        self._input.param.update(label=self._label(), placeholder=t("search_placeholder", self.state.lang))
        self.search(self.query)

    def __panel__(self):
        return self._layout
