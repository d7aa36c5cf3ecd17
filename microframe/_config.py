"""Default ``get_config``: read each constructor argument back from the object."""

from __future__ import annotations

import inspect
from typing import Any

from microframe.errors import ConfigurationError


def constructor_config(obj: object) -> dict[str, Any]:
    """Return ``{name: getattr(obj, name)}`` for each ``__init__`` parameter.

    Built-in classes keep every constructor argument as an attribute of the
    same name, so the result rebuilds the object with ``type(obj)(**config)``.
    Variable arguments (``*args``, ``**kwargs``) cannot be read back.

    Raises:
        ConfigurationError: when a parameter has no attribute of the same
            name, or ``__init__`` takes ``*args`` or ``**kwargs``.
    """
    cls = type(obj)
    if cls.__init__ is object.__init__:
        return {}
    signature = inspect.signature(cls.__init__)
    config: dict[str, Any] = {}
    for name, parameter in list(signature.parameters.items())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise ConfigurationError(
                f"{cls.__name__}.get_config: __init__ takes *{name}, which "
                "cannot be read back; override get_config() to return the "
                "constructor arguments as a dict."
            )
        if not hasattr(obj, name):
            raise ConfigurationError(
                f"{cls.__name__}.get_config: expected an attribute {name!r} "
                f"holding the constructor argument of that name, found none; "
                f"store it in __init__ (self.{name} = {name}) or override "
                "get_config()."
            )
        config[name] = getattr(obj, name)
    return config
