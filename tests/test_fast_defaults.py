"""Models built with defaults kept per class are the models Bokeh builds."""

from __future__ import annotations

import json
import re

import pytest
from bokeh.core.has_props import HasProps
from bokeh.core.json_encoder import serialize_json
from bokeh.core.property.descriptors import PropertyDescriptor
from bokeh.document import Document
from bokeh.models import Div, Plot
from bokeh.themes import Theme

from dashboard import fast_defaults
from dashboard.pages import registered_pages
from tests.test_shell_pages import settled_app


@pytest.fixture
def bokeh_defaults(monkeypatch):
    """Switch between Bokeh's own methods and the dashboard's within one test."""

    def use(has_unstable_default, instance_default):
        monkeypatch.setattr(PropertyDescriptor, "has_unstable_default", has_unstable_default)
        monkeypatch.setattr(PropertyDescriptor, "instance_default", instance_default)
        ours = instance_default is fast_defaults.instance_default
        monkeypatch.setattr(HasProps, "themed_values",
                            fast_defaults.themed_values if ours else fast_defaults.bokeh_themed_values)

    return use


def comparable(document: Document) -> str:
    """The document as sent, with what differs between any two builds (ids, object addresses) named alike."""
    content = json.loads(serialize_json(document.to_json(deferred=False)))
    names: dict[str, str] = {}

    def walk(value):
        if isinstance(value, dict):
            if value.get("type") == "object" and "id" in value:
                names.setdefault(value["id"], f"m{len(names)}")
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(content)
    text = re.sub(r'"(p\d+)"', lambda found: f'"{names.get(found.group(1), "?")}"', json.dumps(content))
    text = re.sub(r"__ref:p\d+", "__ref", text)
    text = re.sub(r"\[\[\d{12,}", "[[address", text)  # Panel's link tags hold id() of Python objects
    return re.sub(r'"name": "([A-Za-z]+)\d{5}"', r'"name": "\1"', text)  # Panel's numbered model names


@pytest.mark.parametrize("page", [record.slug for record in registered_pages()])
def test_every_page_is_built_as_bokeh_builds_it(dashboard_data, bokeh_defaults, page):
    bokeh_defaults(fast_defaults.bokeh_has_unstable_default, fast_defaults.bokeh_instance_default)
    expected = comparable(settled_app(dashboard_data, page=page, lang="en"))
    bokeh_defaults(fast_defaults.has_unstable_default, fast_defaults.instance_default)
    assert comparable(settled_app(dashboard_data, page=page, lang="en")) == expected


@pytest.fixture
def bokeh_reads(bokeh_defaults, monkeypatch) -> list[str]:
    """The dashboard's methods in use; the names of the properties whose default Bokeh works out."""
    bokeh_defaults(fast_defaults.has_unstable_default, fast_defaults.instance_default)
    reads: list[str] = []
    original = fast_defaults.bokeh_instance_default
    monkeypatch.setattr(fast_defaults, "bokeh_instance_default",
                        lambda descriptor, obj: reads.append(descriptor.name) or original(descriptor, obj))
    return reads


def test_a_stable_default_is_worked_out_once_per_class(bokeh_reads):
    reads = bokeh_reads
    fast_defaults._stable_defaults.pop((Plot, Plot.lookup("min_border_left")), None)
    plots = [Plot(), Plot()]
    assert plots[0].min_border_left == plots[1].min_border_left == Plot.lookup("min_border_left").class_default(Plot)
    assert reads.count("min_border_left") == 1


def test_mutable_defaults_stay_one_per_model(bokeh_defaults):
    bokeh_defaults(fast_defaults.has_unstable_default, fast_defaults.instance_default)
    first, second = Div(), Div()
    first.css_classes.append("legend")
    assert list(second.css_classes) == []
    plots = Plot(), Plot()
    assert plots[0].x_range is not plots[1].x_range  # a model default is made per model


def test_an_empty_container_default_is_bokehs_made_anew_once_worked_out(bokeh_reads, monkeypatch):
    reads = bokeh_reads
    monkeypatch.setattr(fast_defaults, "_empty_container_types", {})
    divs = [Div(), Div(), Div()]
    assert reads.count("tags") == 1
    assert type(divs[2].tags) is type(fast_defaults.bokeh_instance_default(Div.lookup("tags"), Div()))
    assert len({id(div.tags) for div in divs}) == 3
    # Watched as Bokeh's own: a change inside the container reaches its model's callbacks.
    changes = []
    divs[1].on_change("tags", lambda _attr, _old, new: changes.append(list(new)))
    divs[1].tags.append("legend")
    assert changes == [["legend"]] and divs[0].tags == [] == divs[2].tags
    # A default made by Bokeh's own callable stays Bokeh's every time (a model, here).
    plots = Plot(), Plot()
    assert reads.count("toolbar") == 2 and plots[0].toolbar is not plots[1].toolbar


def test_a_themed_default_is_the_themes(bokeh_defaults):
    bokeh_defaults(fast_defaults.has_unstable_default, fast_defaults.instance_default)
    assert Div().text == ""
    document = Document()
    document.theme = Theme(json={"attrs": {"Div": {"text": "chủ đề"}}})
    themed = Div()
    document.add_root(themed)
    assert themed.text == "chủ đề" and Div().text == ""


def test_a_models_theme_values_are_bokehs_with_a_theme_and_without(bokeh_defaults):
    bokeh_defaults(fast_defaults.has_unstable_default, fast_defaults.instance_default)
    plain, themed = Div(), Div()
    themed.apply_theme({"text": "chủ đề"})
    for model in (plain, themed):
        assert fast_defaults.themed_values(model) == fast_defaults.bokeh_themed_values(model)
    assert fast_defaults.themed_values(themed) == {"text": "chủ đề"} and themed.text == "chủ đề"
    themed.unapply_theme()
    assert fast_defaults.themed_values(themed) is None is fast_defaults.bokeh_themed_values(themed)
    assert themed.text == ""


def test_it_is_installed_only_on_the_bokeh_it_mirrors(bokeh_defaults, monkeypatch):
    bokeh_defaults(fast_defaults.bokeh_has_unstable_default, fast_defaults.bokeh_instance_default)
    monkeypatch.setattr(fast_defaults.bokeh, "__version__", "4.0.0")
    assert fast_defaults.install() is False
    assert PropertyDescriptor.instance_default is fast_defaults.bokeh_instance_default
    monkeypatch.setattr(fast_defaults.bokeh, "__version__", "3.9.2")
    assert fast_defaults.install() is True
    assert PropertyDescriptor.instance_default is fast_defaults.instance_default
    assert PropertyDescriptor.has_unstable_default is fast_defaults.has_unstable_default
    assert HasProps.themed_values is fast_defaults.themed_values
