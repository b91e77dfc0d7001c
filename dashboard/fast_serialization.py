"""Bokeh's serialization, cheaper: defaults left out are not worked out, and text is sent as UTF-8.

Bokeh 3.9 sends a model's properties that differ from their defaults. To pick them,
`HasProps.query_properties_with_values(include_defaults=False)` still reads every other
property too, each read building and validating its default, only to drop it (a TODO there
says so). On the map page that is about 2,600 defaults and 50 ms of every session's 75 ms
`Document.to_json`, on the event loop, while the viewer waits for the page; every PATCH-DOC that
adds models pays the same. `query_properties_with_values` here reads only the properties that
will be sent, plus those whose default is unset, so that a model missing a required value still
raises Bokeh's own UnsetValueError.

Bokeh writes its websocket messages as ASCII JSON, each Vietnamese letter as a six-byte
`\\u1ebf` escape instead of its two or three UTF-8 bytes. `message_json` writes the same JSON
with the letters themselves; websocket text frames are UTF-8 by definition.

What is sent does not change: tests/test_fast_serialization.py holds the output to Bokeh's own
for the document of every page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import bokeh
import bokeh.protocol.message
from bokeh.core.has_props import HasProps
from bokeh.core.json_encoder import PayloadEncoder, serialize_json
from bokeh.core.property.descriptors import AliasPropertyDescriptor, PropertyDescriptor, UnsetValueError
from bokeh.core.property.singletons import Undefined
from bokeh.core.property.wrappers import PropertyValueContainer
from bokeh.core.serialization import Serialized
from bokeh.settings import settings

# The Bokeh releases whose method this one mirrors (constraints.txt pins one of them).
MIRRORED_BOKEH = ("3.9.",)

bokeh_query_properties_with_values = HasProps.query_properties_with_values
# A lone surrogate cannot be written as UTF-8: such a message keeps Bokeh's escapes.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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


class Utf8PayloadEncoder(PayloadEncoder):
    """Bokeh's encoder for message content, with non-ASCII text as itself."""

    def __init__(self):
        super().__init__(separators=(",", ":"))
        self.ensure_ascii = False


_utf8_encoder = Utf8PayloadEncoder()


def message_json(obj: Any, *, pretty: bool | None = None, indent: int | None = None) -> str:
    """`serialize_json` for websocket messages: the same JSON, letters written as UTF-8."""
    if pretty or indent is not None or settings.pretty(pretty):
        return serialize_json(obj, pretty=pretty, indent=indent)
    content = obj.content if isinstance(obj, Serialized) else obj
    text = _utf8_encoder.encode(content)
    return serialize_json(obj) if LONE_SURROGATE.search(text) else text


def install() -> bool:
    """Use both in this process (once); False on a Bokeh they do not mirror."""
    if not bokeh.__version__.startswith(MIRRORED_BOKEH):
        return False
    HasProps.query_properties_with_values = query_properties_with_values
    bokeh.protocol.message.serialize_json = message_json
    return True
