"""Conversion between microframe models and PyTorch modules.

``to_torch(model)`` returns an equal ``torch.nn.Sequential`` and
``from_torch(module)`` converts back. PyTorch is imported only when one of
them runs; install it with ``pip install torch``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microframe._optional import import_optional
from microframe.model import Sequential


def to_torch(model: Sequential) -> Any:
    """Return a ``torch.nn.Sequential`` equal to ``model``, in eval mode.

    See ``microframe.interop.to_torch.to_torch`` for the details.

    Raises:
        MissingDependencyError: when PyTorch is not installed.
        UnsupportedLayerError: for a layer without a PyTorch counterpart.
    """
    import_optional("torch", "torch", "microframe.interop.to_torch")
    from microframe.interop.to_torch import to_torch as convert

    return convert(model)


def from_torch(
    module: Any, *, input_shape: Sequence[int] | None = None, seed: int | None = None
) -> Sequential:
    """Return a microframe ``Sequential`` equal to the PyTorch ``module``.

    See ``microframe.interop.from_torch.from_torch`` for the details.

    Raises:
        MissingDependencyError: when PyTorch is not installed.
        UnsupportedLayerError: for a module without a microframe counterpart.
    """
    import_optional("torch", "torch", "microframe.interop.from_torch")
    from microframe.interop.from_torch import from_torch as convert

    return convert(module, input_shape=input_shape, seed=seed)


__all__ = ["from_torch", "to_torch"]
