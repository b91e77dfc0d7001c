"""Serialize Bokeh documents without working out the defaults they leave out.

Bokeh 3.9 sends a model's properties that differ from their defaults. To pick them,
`HasProps.query_properties_with_values(include_defaults=False)` still reads every other
property too, each read building and validating its default, only to drop it (a TODO there
says so). On the map page that is about 2,600 defaults and 50 ms of every session's 75 ms
`Document.to_json`, on the event loop, while the viewer waits for the page; every PATCH-DOC that
adds models pays the same.

`install()` replaces that method with one that reads only the properties that will be sent,
plus those whose default is unset, so that a model missing a required value still raises
Bokeh's own UnsetValueError. What is sent does not change: tests/test_fast_serialization.py holds
the output to Bokeh's own for the document of every page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import bokeh
from bokeh.core.has_props import HasProps
from bokeh.core.property.descriptors import AliasPropertyDescriptor, PropertyDescriptor, UnsetValueError
from bokeh.core.property.singletons import Undefined
from bokeh.core.property.wrappers import PropertyValueContainer

# The Bokeh releases whose method this one mirrors (constraints.txt pins one of them).
MIRRORED_BOKEH = ("3.9.",)

bokeh_query_properties_with_values = HasProps.query_properties_with_values


@functools.cache
def _overridden_defaults(cls: type[HasProps]) -> dict[str, Any]:
    # Fixed once a class is defined; Bokeh rebuilds this dict on every read of a default.
    return cls._overridden_defaults()


def _default_is_unset(obj: HasProps, descriptor: PropertyDescriptor) -> bool:
    """True when reading `descriptor` on `obj`, never set, may raise UnsetValueError (or when unsure)."""
    if not isinstance(descriptor, PropertyDescriptor) or isinstance(descriptor, AliasPropertyDescriptor):
        return True
    overrides = _overridden_defaults(type(obj))
    default = overrides[descriptor.name] if descriptor.name in overrides else descriptor.property._default
    return default is Undefined


def query_properties_with_values(self: HasProps, query: Callable[[PropertyDescriptor], bool], *,
                                 include_defaults: bool = True, include_undefined: bool = False) -> dict[str, Any]:
    """Bokeh's method, reading only what it returns: see the module's docstring."""
    if include_defaults:
        return bokeh_query_properties_with_values(self, query, include_defaults=True,
                                                  include_undefined=include_undefined)
    themed_values = self.themed_values()
    themed_keys = set(themed_values) if themed_values is not None else set()
    # As Bokeh selects them: set by the user, unstable defaults (Instances are always sent), themed.
    selected = self._property_values.keys() | self._unstable_default_values.keys() | themed_keys
    result: dict[str, Any] = {}
    for key in self.properties(_with_props=True):  # Bokeh's order, hence the same JSON
        descriptor = self.lookup(key)
        if not query(descriptor) or (key not in selected and not _default_is_unset(self, descriptor)):
            continue
        try:
            value = descriptor.get_value(self)
        except UnsetValueError:
            if not include_undefined:
                raise
            value = Undefined
        else:
            if key not in selected:
                continue
            # Unmodified containers of unstable defaults are left out, as Bokeh does.
            if (key not in themed_keys and isinstance(value, PropertyValueContainer)
                    and key in self._unstable_default_values):
                continue
        result[key] = value
    return result


def install() -> bool:
    """Use `query_properties_with_values` in this process (once); False on a Bokeh it does not mirror."""
    if not bokeh.__version__.startswith(MIRRORED_BOKEH):
        return False
    HasProps.query_properties_with_values = query_properties_with_values
    return True
