"""Documents serialize as Bokeh serializes them, without reading the defaults they leave out."""

from __future__ import annotations

import json
import re

import bokeh.protocol.message
import pytest
from bokeh.core.has_props import HasProps
from bokeh.core.json_encoder import serialize_json
from bokeh.core.property.descriptors import UnsetValueError
from bokeh.core.property.singletons import Undefined
from bokeh.core.property.wrappers import PropertyValueContainer
from bokeh.models import Div, Slider
from bokeh.plotting import figure

from dashboard import fast_serialization
from dashboard.pages import registered_pages
from tests.test_shell_pages import served_app, settled_app


@pytest.fixture
def bokeh_serialization(monkeypatch):
    """Switch between Bokeh's own method and the dashboard's within one test."""

    def use(method):
        monkeypatch.setattr(HasProps, "query_properties_with_values", method)

    return use


def serialized(document) -> str:
    # Buffers inline: deferred ones get new ids on every call, which would hide nothing else.
    return serialize_json(document.to_json(deferred=False))


@pytest.mark.parametrize("query", [
    {"page": "map"}, {"page": "map", "lang": "en", "view": "table"}, {"page": "map", "year": 2026},
    *({"page": page.slug} for page in registered_pages() if page.slug != "map"),
])
def test_every_page_is_sent_exactly_as_bokeh_sends_it(dashboard_data, bokeh_serialization, query):
    document = settled_app(dashboard_data, **query)
    bokeh_serialization(fast_serialization.bokeh_query_properties_with_values)
    expected = serialized(document)
    bokeh_serialization(fast_serialization.query_properties_with_values)
    assert serialized(document) == expected


def test_defaults_left_out_are_not_read(bokeh_serialization, monkeypatch):
    bokeh_serialization(fast_serialization.query_properties_with_values)
    plot = figure(title="Bản đồ")
    reads = []
    original = type(plot).lookup("outline_line_color").__class__.instance_default

    def counting_instance_default(descriptor, obj):
        reads.append(descriptor.name)
        return original(descriptor, obj)

    monkeypatch.setattr(type(plot).lookup("outline_line_color").__class__, "instance_default",
                        counting_instance_default)
    values = plot.properties_with_values(include_defaults=False)
    assert "title" in values and "outline_line_color" not in values
    assert reads == []  # Bokeh's own method builds the default of every property it leaves out


def test_a_required_value_left_unset_still_raises_bokehs_error(bokeh_serialization):
    bokeh_serialization(fast_serialization.query_properties_with_values)
    slider = Slider(start=0, end=10)  # no value: Bokeh refuses to send it
    with pytest.raises(UnsetValueError):
        slider.properties_with_values(include_defaults=False)
    assert slider.properties_with_values(include_defaults=False, include_undefined=True)["value"] is Undefined


def test_unmodified_containers_are_left_out_and_changed_ones_sent(bokeh_serialization):
    bokeh_serialization(fast_serialization.query_properties_with_values)
    div = Div(text="Chú giải")
    assert isinstance(div.css_classes, PropertyValueContainer)  # an unstable default, read once
    assert "css_classes" not in div.properties_with_values(include_defaults=False)
    div.css_classes.append("legend")
    assert div.properties_with_values(include_defaults=False)["css_classes"] == ["legend"]


def test_it_is_installed_only_on_the_bokeh_it_mirrors(monkeypatch):
    monkeypatch.setattr(HasProps, "query_properties_with_values", fast_serialization.bokeh_query_properties_with_values)
    monkeypatch.setattr(bokeh.protocol.message, "serialize_json", serialize_json)
    monkeypatch.setattr(fast_serialization.bokeh, "__version__", "4.0.0")
    assert fast_serialization.install() is False
    assert HasProps.query_properties_with_values is fast_serialization.bokeh_query_properties_with_values
    assert bokeh.protocol.message.serialize_json is serialize_json
    monkeypatch.setattr(fast_serialization.bokeh, "__version__", "3.9.2")
    assert fast_serialization.install() is True
    assert HasProps.query_properties_with_values is fast_serialization.query_properties_with_values
    assert bokeh.protocol.message.serialize_json is fast_serialization.message_json


def test_messages_carry_vietnamese_as_utf8_and_the_same_json(dashboard_data):
    _app, document = served_app(dashboard_data, page="map")
    content = document.to_json(deferred=False)
    ours, bokehs = fast_serialization.message_json(content), serialize_json(content)
    assert json.loads(ours) == json.loads(bokehs)
    vietnamese_escape = re.compile(r"\\u1e[a-f0-9]{2}")  # ạ ... ỹ, as Bokeh writes them
    assert vietnamese_escape.search(bokehs) and not vietnamese_escape.search(ours)
    assert "Bản đồ chỉ tiêu" in ours
    assert len(ours.encode("utf-8")) < len(bokehs.encode("utf-8")) - 2000


def test_a_message_that_utf8_cannot_carry_keeps_bokehs_escapes():
    content = {"text": "Hà Nội \ud800"}  # a lone surrogate, which no UTF-8 frame can hold
    assert fast_serialization.message_json(content) == serialize_json(content)
    ours = fast_serialization.message_json({"text": "Hà Nội"})
    assert ours == '{"text":"Hà Nội"}' and ours.encode("utf-8")


def test_every_session_and_notebook_of_the_dashboard_uses_it(monkeypatch):
    from bokeh.core.property.descriptors import PropertyDescriptor

    from dashboard import fast_defaults
    from dashboard.shell import configure

    monkeypatch.setattr(HasProps, "query_properties_with_values", fast_serialization.bokeh_query_properties_with_values)
    monkeypatch.setattr(PropertyDescriptor, "instance_default", fast_defaults.bokeh_instance_default)
    configure()
    assert HasProps.query_properties_with_values is fast_serialization.query_properties_with_values
    assert PropertyDescriptor.instance_default is fast_defaults.instance_default
