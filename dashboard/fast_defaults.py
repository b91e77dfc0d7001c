"""Bokeh models built without working out the same default values again and again.

Bokeh 3.9 works out a property's default each time it is read unset: the class's overridden
defaults are merged along its MRO, the value copied and validated (`themed_default`,
`prepare_value`). A new model asks every one of its properties whether its default is unstable
(`has_unstable_default`), and every walk of a document (`Model.references`, which Bokeh and Panel
run many times per session) reads every unset reference property. Building the map page's 200
models pays this about 40,000 times, some 30 ms of every session.

Both answers depend only on the model's class and the property, except for defaults a theme
overrides, which are left to Bokeh. `install()` keeps them per class, and a default only when it
is stable: Bokeh itself hands out the same immutable value every time (no callable, container or
model, which Bokeh makes anew per instance). Most unstable defaults are empty containers (tags,
stylesheets, callbacks: about 20 of every new model); those are made anew as an empty container of
the type Bokeh's would have, without copying and validating the class's default again.

Every read of an unset property also asks the model for its theme's values (`themed_values`).
Bokeh answers with `getattr(model, "__themed_values__", None)`, which for a model without a
theme (nearly all) fails a lookup and raises and catches an AttributeError; Bokeh's walks of a
document ask it for every reference property of every model. `themed_values` reads the
instance's own dictionary, where `apply_theme` sets the attribute and from which it deletes it.

tests/test_fast_defaults.py holds every page's document to the one Bokeh builds.
"""

from __future__ import annotations

from typing import Any

import bokeh
from bokeh.core.has_props import HasProps
from bokeh.core.property.descriptors import PropertyDescriptor
from bokeh.core.property.wrappers import PropertyValueContainer

from .fast_serialization import MIRRORED_BOKEH  # the same Bokeh releases

bokeh_has_unstable_default = PropertyDescriptor.has_unstable_default
bokeh_instance_default = PropertyDescriptor.instance_default
bokeh_themed_values = HasProps.themed_values

_unstable: dict[tuple[type, PropertyDescriptor], bool] = {}
_stable_defaults: dict[tuple[type, PropertyDescriptor], Any] = {}
# Per (class, property) with an unstable default: the container type of its default when that is
# an empty container (made anew per instance, as Bokeh makes it), else None (left to Bokeh).
_empty_container_types: dict[tuple[type, PropertyDescriptor], type | None] = {}
_UNSEEN = object()


def has_unstable_default(self: PropertyDescriptor, obj: HasProps) -> bool:
    """Bokeh's answer, once per (class, property): it reads only the class and the property."""
    key = (type(obj), self)
    unstable = _unstable.get(key)
    if unstable is None:
        unstable = _unstable[key] = bokeh_has_unstable_default(self, obj)
    return unstable


def instance_default(self: PropertyDescriptor, obj: HasProps) -> Any:
    """Bokeh's default, worked out once per (class, property) when no theme overrides it and it is
    stable; an unstable default that is an empty container (most are: tags, stylesheets, callbacks)
    is a new empty container of the type Bokeh's would have, without validating it again."""
    if obj.themed_values() is not None:
        return bokeh_instance_default(self, obj)
    key = (type(obj), self)
    if has_unstable_default(self, obj):
        container_type = _empty_container_types.get(key, _UNSEEN)
        if container_type is None:
            return bokeh_instance_default(self, obj)
        if container_type is not _UNSEEN:
            return container_type()
        default = bokeh_instance_default(self, obj)
        empty = isinstance(default, PropertyValueContainer) and not default
        _empty_container_types[key] = type(default) if empty else None
        return default
    if key not in _stable_defaults:  # a default may be None: a get() could not tell
        _stable_defaults[key] = bokeh_instance_default(self, obj)
    return _stable_defaults[key]


def themed_values(self: HasProps) -> dict[str, Any] | None:
    """Bokeh's answer, without a failed attribute lookup for a model with no theme."""
    return self.__dict__.get("__themed_values__")


def install() -> bool:
    """Use all three in this process; False on a Bokeh they do not mirror."""
    if not bokeh.__version__.startswith(MIRRORED_BOKEH):
        return False
    PropertyDescriptor.has_unstable_default = has_unstable_default
    PropertyDescriptor.instance_default = instance_default
    HasProps.themed_values = themed_values
    return True
