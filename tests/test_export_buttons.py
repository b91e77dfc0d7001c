"""The download buttons: created once, named after what they hold, computed when pressed."""

from __future__ import annotations

import panel as pn
import pytest

from dashboard.export import common
from dashboard.views.export_buttons import ExportButtons


@pytest.fixture
def buttons(dashboard_data) -> ExportButtons:
    snapshot = common.snapshot_for(dashboard_data, "women_district_council_pct", 2016, "vi")
    return ExportButtons(snapshot=snapshot)


def test_four_file_downloads_with_names_that_say_what_they_hold(buttons):
    downloads = buttons._downloads
    assert all(isinstance(widget, pn.widgets.FileDownload) for widget in downloads.values())
    assert {key: widget.filename for key, widget in downloads.items()} == {
        "map": "women_district_council_pct_2016_map_vi.png",
        "chart": "women_district_council_pct_2016_chart_vi.png",
        "deck": "hanoi_gender_2016_deck_vi.pptx",
        "html": "women_district_council_pct_2016_vi.html",
    }
    assert downloads["deck"].label == "Bài trình chiếu (PPTX)"
    assert not any(widget.embed for widget in downloads.values())  # computed on click


def test_names_and_labels_follow_the_state_without_new_widgets(buttons):
    before = dict(buttons._downloads)
    buttons.snapshot.state.param.update(indicator="key_leader_female", year=2024, lang="en")
    assert buttons._downloads == before
    assert buttons._downloads["map"].filename == "key_leader_female_2024_map_en.png"
    assert buttons._downloads["deck"].filename == "hanoi_gender_2024_deck_en.pptx"
    assert buttons._downloads["chart"].label == "Chart image (PNG)"


def test_callbacks_return_the_files(buttons):
    assert buttons.map_png().getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    assert buttons.chart_png().getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    assert buttons.snapshot_html().getvalue().startswith(b"<!DOCTYPE html>")
    # The deck of the period the deck tests build too: rendered images are shared per data.
    buttons.snapshot.state.year = 2024
    assert buttons.deck_pptx().getvalue().startswith(b"PK")  # a zip: the .pptx container


def test_buttons_render_in_a_document(buttons):
    from bokeh.document import Document

    document = Document()
    document.add_root(pn.panel(buttons).get_root(document))
    assert document.roots
