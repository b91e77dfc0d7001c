"""Links restore state: valid query values are applied, anything else is ignored."""

from dashboard.shell import state_from_query


def test_a_full_link_restores_every_parameter(dashboard_data):
    query = {"page": "map", "indicator": "committee_established", "year": 2018,
             "district": 271, "lang": "en"}
    assert state_from_query(query, dashboard_data) == {
        "page": "map", "indicator": "committee_established", "year": 2018,
        "district": "271", "lang": "en",
    }


def test_a_unit_link_takes_the_code_as_written(dashboard_data):
    # The link is read as written: 00004 is Phường Ba Đình on the new map, 001 Ba Đình district.
    assert state_from_query({"unit": "00004"}, dashboard_data) == {"district": "00004"}
    assert state_from_query({"unit": "001"}, dashboard_data) == {"district": "001"}
    assert state_from_query({"district": "001"}, dashboard_data) == {"district": "001"}


def test_a_code_no_map_has_is_dropped(dashboard_data):
    # 4 digits is neither map's code, and 99999 is no commune or ward.
    assert state_from_query({"unit": "0004"}, dashboard_data) == {}
    assert state_from_query({"unit": "99999"}, dashboard_data) == {}


def test_unknown_values_are_dropped(dashboard_data):
    query = {"page": "nowhere", "indicator": "nope", "year": "soon", "district": "999", "lang": "fr"}
    assert state_from_query(query, dashboard_data) == {}


def test_the_url_keeps_a_unit_code_as_written_when_the_state_moves(dashboard_data):
    from urllib.parse import parse_qsl

    import panel as pn
    from panel.io.location import Location

    from dashboard.shell import sync_url
    from dashboard.state import new_state

    state = new_state(dashboard_data)
    location = pn.state._location = Location(search="?page=map&indicator=committee_established&year=2026&unit=00004")
    try:
        sync_url(state, dashboard_data)
        assert state.district == "00004"
        state.year = 2025
        query = dict(parse_qsl(location.search.lstrip("?")))
    finally:
        pn.state._location = None
    # Panel's own sync re-encodes the values it parsed, which would write unit=4.
    assert query["unit"] == "00004"
    assert query["year"] == "2025"
    assert query["indicator"] == "committee_established"
    assert query["gap"] == "false"


def test_an_older_links_district_is_written_unit_and_leaves_the_address(dashboard_data):
    from urllib.parse import parse_qsl

    import panel as pn
    from panel.io.location import Location

    from dashboard.shell import address_search, read_query, sync_url
    from dashboard.state import new_state

    state = new_state(dashboard_data)
    location = pn.state._location = Location(search="?page=map&district=001&keep=1")
    try:
        sync_url(state, dashboard_data)
        opened = dict(parse_qsl(location.search.lstrip("?")))
        state.district = "271"
        moved = dict(parse_qsl(location.search.lstrip("?")))
    finally:
        pn.state._location = None
    assert state.district == "271"
    assert opened["unit"] == "001" and "district" not in opened and opened["keep"] == "1"
    assert moved["unit"] == "271" and "district" not in moved
    # The page's address is corrected as it loads, for a code no map has too.
    assert read_query(address_search("page=map&district=001", dashboard_data))["unit"] == "001"
    shown = read_query(address_search("page=map&district=zzz", dashboard_data))
    assert "district" not in shown and "unit" not in shown  # no unit: written empty


def test_holoviews_is_loaded_once_per_process_not_once_per_session(monkeypatch):
    import holoviews as hv

    from dashboard import shell

    calls = []
    monkeypatch.setattr(hv, "extension", lambda *backends, **params: calls.append(backends))
    shell.load_holoviews.cache_clear()
    try:
        for _session in range(3):
            shell.configure()
        assert calls == [("bokeh",)]
    finally:
        shell.load_holoviews.cache_clear()


def test_a_served_session_leaves_panels_signatures_as_they_are(monkeypatch):
    import sys

    import panel as pn
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    from dashboard import shell

    calls = []
    extension = sys.modules["panel.config"].panel_extension
    monkeypatch.setattr(extension, "_apply_signatures", lambda self: calls.append("applied"))
    monkeypatch.setattr(pn.config, "apply_signatures", True)
    monkeypatch.setattr(shell, "in_served_session", lambda: False)
    shell.configure()  # a notebook keeps its interactive help
    assert calls == ["applied"]
    monkeypatch.setattr(shell, "in_served_session", lambda: True)
    for _session in range(3):
        with set_curdoc(Document()):
            shell.configure()
    assert calls == ["applied"]
