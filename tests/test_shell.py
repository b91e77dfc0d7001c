"""Links restore state: valid query values are applied, anything else is ignored."""

from dashboard.shell import state_from_query


def test_a_full_link_restores_every_parameter(dashboard_data):
    query = {"page": "map", "indicator": "committee_established", "year": 2018,
             "district": 271, "lang": "en"}
    assert state_from_query(query, dashboard_data) == {
        "page": "map", "indicator": "committee_established", "year": 2018,
        "district": "271", "lang": "en",
    }


def test_codes_decoded_as_numbers_are_padded_back(dashboard_data):
    assert state_from_query({"district": 1}, dashboard_data) == {"district": "001"}


def test_unknown_values_are_dropped(dashboard_data):
    query = {"page": "nowhere", "indicator": "nope", "year": "soon", "district": "999", "lang": "fr"}
    assert state_from_query(query, dashboard_data) == {}
