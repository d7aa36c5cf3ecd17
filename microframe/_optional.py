"""Lazy imports of optional dependencies, with an error that names the extra."""

from __future__ import annotations

import importlib
from types import ModuleType

from microframe.errors import MissingDependencyError


def import_optional(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise ``MissingDependencyError`` naming the extra.

    Args:
        module: the module to import, such as ``"onnx"``.
        extra: the install command that provides it, such as
            ``"microframe[onnx]"``.
        feature: the microframe feature that needs it, used in the message.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingDependencyError(
            f"{feature} needs the package {module!r}, which could not be "
            f"imported ({error}); install it with `pip install {extra}`."
        ) from error
