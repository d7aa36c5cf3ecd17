"""Encode configurations and state into JSON values, and decode them back.

JSON numbers, strings, booleans, null and arrays stand for themselves. Every
JSON object is a tagged value with a ``"type"`` key:

- ``{"type": "float", "value": "nan"}``: NaN or +-infinity (``"inf"``,
  ``"-inf"``), which plain JSON cannot hold;
- ``{"type": "tuple", "items": [...]}``: a Python tuple;
- ``{"type": "dict", "items": {...}}``: a dict with string keys;
- ``{"type": "array", "index": 3}``: the fourth entry of the file's array
  table;
- ``{"type": "object", "kind": "initializer", "class": "GlorotUniform",
  "config": {...}}``: an instance of a registered class, rebuilt from its
  configuration.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from microframe._config import constructor_config
from microframe.errors import ConfigurationError, FormatError, MicroframeError
from microframe.layers.base import Array
from microframe.saving import registry

# Deepest nesting of lists and tagged objects accepted when decoding.
MAX_DEPTH = 32

_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def object_config(obj: Any) -> dict[str, Any]:
    """Return ``obj.get_config()`` when defined, else its constructor arguments."""
    get_config = getattr(obj, "get_config", None)
    if callable(get_config):
        config = get_config()
    else:
        config = constructor_config(obj)
    if not isinstance(config, dict):
        raise ConfigurationError(
            f"{type(obj).__name__}.get_config: expected a dict, got "
            f"{type(config).__name__}."
        )
    return config


class Encoder:
    """Turns Python values into JSON values, collecting arrays in a table."""

    def __init__(self) -> None:
        self.arrays: list[Array] = []

    def encode(self, value: Any, where: str) -> Any:
        """Return the JSON form of ``value``; ``where`` names it in errors."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            return _encode_float(float(value))
        if isinstance(value, np.ndarray):
            self.arrays.append(value)
            return {"type": "array", "index": len(self.arrays) - 1}
        if isinstance(value, list):
            return [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, tuple):
            items = [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
            return {"type": "tuple", "items": items}
        if isinstance(value, dict):
            return {"type": "dict", "items": self.encode_dict(value, where)}
        return self.encode_object(value, where)

    def encode_dict(self, value: dict[Any, Any], where: str) -> dict[str, Any]:
        """Return a JSON object of ``value``, whose keys must be strings."""
        encoded: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConfigurationError(
                    f"save: {where} has the key {key!r} of type "
                    f"{type(key).__name__}; only string keys can be saved."
                )
            encoded[key] = self.encode(item, f"{where}[{key!r}]")
        return encoded

    def encode_object(self, value: Any, where: str) -> dict[str, Any]:
        """Return the tagged form of an instance of a registered class."""
        try:
            kind = registry.kind_of(type(value))
        except ConfigurationError:
            hint = ""
            if where.startswith("optimizer"):
                hint = " To save the model without it, pass include_optimizer=False."
            raise ConfigurationError(
                f"save: {where} is a {type(value).__name__}, which cannot be "
                "saved; configurations may hold numbers, strings, lists, "
                "tuples, dicts, arrays and registered objects such as "
                "initializers. Pass a registered object or override "
                f"get_config().{hint}"
            ) from None
        name = registry.name_of(value)
        config = self.encode_dict(object_config(value), f"{where}.config")
        return {"type": "object", "kind": kind, "class": name, "config": config}


def _encode_float(value: float) -> Any:
    if math.isfinite(value):
        return value
    if math.isnan(value):
        text = "nan"
    elif value > 0:
        text = "inf"
    else:
        text = "-inf"
    return {"type": "float", "value": text}


class Decoder:
    """Turns JSON values back into Python values, with every check on the way."""

    def __init__(self, arrays: list[Array]) -> None:
        self.arrays = arrays

    def decode(self, value: Any, where: str, depth: int = 0) -> Any:
        """Return the Python value for the JSON ``value``.

        Raises:
            FormatError: for an unknown tag, a missing field, an array index
                out of range or nesting deeper than ``MAX_DEPTH``.
            UnknownClassError: for a class name that is not registered.
        """
        if depth > MAX_DEPTH:
            raise FormatError(
                f"load: {where} is nested deeper than {MAX_DEPTH} levels; the "
                "file is corrupt or was not written by microframe."
            )
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            return [self.decode(item, where, depth + 1) for item in value]
        if not isinstance(value, dict):
            raise FormatError(f"load: {where} contains an invalid JSON value.")
        tag = value.get("type")
        if tag == "float":
            fields(value, {"type", "value"}, where)
            text = value["value"]
            if not isinstance(text, str) or text not in _SPECIAL_FLOATS:
                raise FormatError(
                    f"load: {where} is a float tag whose value is not one of "
                    f"{sorted(_SPECIAL_FLOATS)}."
                )
            return _SPECIAL_FLOATS[text]
        if tag == "tuple":
            fields(value, {"type", "items"}, where)
            items = expect(value["items"], list, f"{where}.items")
            return tuple(self.decode(item, where, depth + 1) for item in items)
        if tag == "dict":
            fields(value, {"type", "items"}, where)
            return self.decode_dict(value["items"], where, depth + 1)
        if tag == "array":
            fields(value, {"type", "index"}, where)
            return self.array(value["index"], where)
        if tag == "object":
            return self.decode_object(value, where, depth + 1)
        raise FormatError(
            f"load: {where} has the unknown type tag {str(tag)[:40]!r}; expected "
            "one of 'float', 'tuple', 'dict', 'array', 'object'."
        )

    def decode_dict(self, value: Any, where: str, depth: int = 0) -> dict[str, Any]:
        """Decode a JSON object whose values are encoded values."""
        items = expect(value, dict, where)
        return {key: self.decode(item, where, depth) for key, item in items.items()}

    def decode_object(self, value: dict[str, Any], where: str, depth: int) -> Any:
        """Rebuild an instance of a registered class from its tagged form."""
        fields(value, {"type", "kind", "class", "config"}, where)
        kind = value["kind"]
        if not isinstance(kind, str) or kind not in registry.KINDS:
            raise FormatError(
                f"load: {where} has the unknown kind {str(kind)[:40]!r}; "
                f"expected one of {sorted(registry.KINDS)}."
            )
        cls = registry.lookup(kind, value["class"])
        config = self.decode_dict(value["config"], f"{where}.config", depth)
        return construct(cls, config, where)

    def array(self, index: Any, where: str) -> Array:
        """Return entry ``index`` of the array table."""
        if type(index) is not int or not 0 <= index < len(self.arrays):
            raise FormatError(
                f"load: {where} refers to array {str(index)[:40]}, but the file "
                f"has {len(self.arrays)} arrays."
            )
        return self.arrays[index]


def construct(cls: type, config: dict[str, Any], where: str) -> Any:
    """Call ``cls.from_config(config)`` (or ``cls(**config)``), wrapping errors."""
    from_config = getattr(cls, "from_config", None)
    try:
        if callable(from_config):
            return from_config(config)
        return cls(**config)
    except (MicroframeError, TypeError, ValueError) as error:
        raise FormatError(
            f"load: {where} ({cls.__name__}) could not be rebuilt from its "
            f"configuration: {error}"
        ) from error


def fields(value: dict[str, Any], expected: set[str], where: str) -> None:
    """Raise ``FormatError`` unless ``value`` has exactly the ``expected`` keys."""
    if set(value) != expected:
        raise FormatError(
            f"load: {where} has the fields {sorted(value)[:10]}, expected "
            f"{sorted(expected)}; the file is corrupt or was not written by "
            "microframe."
        )


def expect(value: Any, kind: type, where: str) -> Any:
    """Return ``value`` if it has the JSON type ``kind``, else raise ``FormatError``."""
    if kind is int:
        valid = type(value) is int
    else:
        valid = isinstance(value, kind)
    if not valid:
        raise FormatError(
            f"load: expected {where} to be a JSON {kind.__name__}, got "
            f"{type(value).__name__}; the file is corrupt or was not written "
            "by microframe."
        )
    return value
