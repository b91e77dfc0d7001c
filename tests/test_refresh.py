"""Open sessions pick up newly imported figures without a reload."""

import holoviews as hv
import panel as pn
from bokeh.document import Document

from dashboard.data import load_data, refresh_if_changed
from dashboard.importer import import_bytes
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.seed import seed_database
from dashboard.state import new_state
from dashboard.views.choropleth import ChoroplethView

hv.extension("bokeh")

OFFICIAL_BA_VI = (
    "unit_code,period,indicator_id,value,numerator,denominator,source\n"
    "271,2016,women_district_council_pct,,12,40,Sở Nội vụ Hà Nội\n"
).encode("utf-8")


def test_an_import_reaches_an_open_map_with_values_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    seed_database(url)
    data = load_data(url)
    state = new_state(data, indicator="women_district_council_pct", year=2016)
    view = ChoroplethView(snapshot=IndicatorSnapshot(state=state, data=data))
    document = Document()
    document.add_root(pn.panel(view).get_root(document))
    source = view.source
    assert not refresh_if_changed(data, url)

    result = import_bytes(OFFICIAL_BA_VI, "ba_vi.csv", user="test", db_url=url)
    assert result.ok, [problem.message("en") for problem in result.problems]
    assert refresh_if_changed(data, url)
    state.data_version = data.version  # what the session's periodic check does

    index = list(source.data["code"]).index("271")
    assert source.data["value"][index] == 30.0
    assert source.data["ratio"][index] == "12/40"
    assert source.data["status_label"][index] == "chính thức"
