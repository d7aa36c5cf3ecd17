"""Weight initialisers, usable by name (``"glorot_uniform"``) or as objects."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from microframe.errors import ConfigurationError


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` for a weight of ``shape``.

    Dense weights are ``(D_in, D_out)``; convolution kernels are
    ``(*kernel_size, C_in, C_out)``, so the receptive field multiplies both.
    """
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class: ``initializer(shape, rng, dtype)`` returns a new array."""

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Zeros(Initializer):
    """All zeros."""

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        return np.zeros(shape, dtype=dtype)


class GlorotUniform(Initializer):
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))``."""

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        fan_in, fan_out = compute_fans(shape)
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype(dtype)


_BY_NAME: dict[str, type[Initializer]] = {
    "zeros": Zeros,
    "glorot_uniform": GlorotUniform,
    "xavier_uniform": GlorotUniform,
}


def get(identifier: str | Initializer) -> Initializer:
    """Return the initialiser named ``identifier``, or ``identifier`` itself."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ConfigurationError(
        f"unknown initializer {identifier!r}; use an Initializer object or one "
        f"of {sorted(_BY_NAME)}."
    )
