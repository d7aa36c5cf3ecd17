"""Weight initialisers, usable by name (``"glorot_uniform"``) or as objects.

Every initialiser is called as ``initializer(shape, rng, dtype)`` and returns
a new array. The variance-scaling family draws with standard deviation
``sqrt(scale / fan)``:

- Glorot (Xavier): ``scale = 1``, ``fan = (fan_in + fan_out) / 2``.
- He (Kaiming): ``scale = 2``, ``fan = fan_in``, for ReLU networks.
- LeCun: ``scale = 1``, ``fan = fan_in``, for SELU networks.

The uniform forms draw from ``[-limit, limit]`` with ``limit = sqrt(3 *
scale / fan)``, which has that standard deviation. The normal forms draw
from an untruncated normal distribution, as PyTorch does (Keras truncates
at two standard deviations).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from microframe._validation import check_number
from microframe.errors import ConfigurationError

_FAN_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("uniform", "normal")


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


class Ones(Initializer):
    """All ones, the default scale of normalisation layers."""

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        return np.ones(shape, dtype=dtype)


class Constant(Initializer):
    """Every element equal to ``value``.

    Args:
        value: the fill value.
    """

    def __init__(self, value: float = 0.0) -> None:
        self.value = check_number(value, "Constant value", low=-math.inf)

    def __repr__(self) -> str:
        return f"Constant(value={self.value})"

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        return np.full(shape, self.value, dtype=dtype)


class RandomUniform(Initializer):
    """Uniform on ``[minval, maxval)``; the default for ``Embedding``.

    Args:
        minval: lower bound.
        maxval: upper bound, greater than ``minval``.
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05) -> None:
        self.minval = check_number(minval, "RandomUniform minval", low=-math.inf)
        self.maxval = check_number(maxval, "RandomUniform maxval", low=-math.inf)
        if self.maxval <= self.minval:
            raise ConfigurationError(
                f"RandomUniform: maxval must be greater than minval, got "
                f"minval={minval}, maxval={maxval}."
            )

    def __repr__(self) -> str:
        return f"RandomUniform(minval={self.minval}, maxval={self.maxval})"

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        return rng.uniform(self.minval, self.maxval, size=shape).astype(dtype)


class RandomNormal(Initializer):
    """Normal with mean ``mean`` and standard deviation ``stddev``.

    Args:
        mean: mean of the distribution.
        stddev: standard deviation, ``>= 0``.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05) -> None:
        self.mean = check_number(mean, "RandomNormal mean", low=-math.inf)
        self.stddev = check_number(stddev, "RandomNormal stddev", low=0.0)

    def __repr__(self) -> str:
        return f"RandomNormal(mean={self.mean}, stddev={self.stddev})"

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        return rng.normal(self.mean, self.stddev, size=shape).astype(dtype)


class VarianceScaling(Initializer):
    """Draw with variance ``scale / fan``; the base of Glorot, He and LeCun.

    Args:
        scale: variance numerator, ``> 0``.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"`` (their mean).
        distribution: ``"uniform"`` or ``"normal"``.
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "normal",
    ) -> None:
        self.scale = check_number(
            scale, "VarianceScaling scale", low=0.0, low_inclusive=False
        )
        if mode not in _FAN_MODES:
            raise ConfigurationError(
                f"VarianceScaling mode must be one of {_FAN_MODES}, got {mode!r}."
            )
        if distribution not in _DISTRIBUTIONS:
            raise ConfigurationError(
                f"VarianceScaling distribution must be one of {_DISTRIBUTIONS}, "
                f"got {distribution!r}."
            )
        self.mode = mode
        self.distribution = distribution

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(scale={self.scale}, mode={self.mode!r}, "
            f"distribution={self.distribution!r})"
        )

    def stddev(self, shape: tuple[int, ...]) -> float:
        """Return the standard deviation of the draws for a weight of ``shape``."""
        fan_in, fan_out = compute_fans(shape)
        fans = {
            "fan_in": fan_in,
            "fan_out": fan_out,
            "fan_avg": (fan_in + fan_out) / 2.0,
        }
        return math.sqrt(self.scale / fans[self.mode])

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        stddev = self.stddev(shape)
        if self.distribution == "normal":
            return rng.normal(0.0, stddev, size=shape).astype(dtype)
        limit = math.sqrt(3.0) * stddev
        return rng.uniform(-limit, limit, size=shape).astype(dtype)


class _NamedScaling(VarianceScaling):
    """A fixed ``VarianceScaling``; subclasses set the three class attributes."""

    SCALE = 1.0
    MODE = "fan_avg"
    DISTRIBUTION = "uniform"

    def __init__(self) -> None:
        super().__init__(self.SCALE, self.MODE, self.DISTRIBUTION)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class GlorotUniform(_NamedScaling):
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))``."""


class GlorotNormal(_NamedScaling):
    """Normal with ``stddev = sqrt(2 / (fan_in + fan_out))``."""

    DISTRIBUTION = "normal"


class HeUniform(_NamedScaling):
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(6 / fan_in)``."""

    SCALE = 2.0
    MODE = "fan_in"


class HeNormal(_NamedScaling):
    """Normal with ``stddev = sqrt(2 / fan_in)``."""

    SCALE = 2.0
    MODE = "fan_in"
    DISTRIBUTION = "normal"


class LeCunUniform(_NamedScaling):
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(3 / fan_in)``."""

    MODE = "fan_in"


class LeCunNormal(_NamedScaling):
    """Normal with ``stddev = sqrt(1 / fan_in)``."""

    MODE = "fan_in"
    DISTRIBUTION = "normal"


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain``; the default recurrent weight.

    The weight is viewed as a matrix of ``prod(shape[:-1])`` rows and
    ``shape[-1]`` columns. Its rows (if fewer) or columns (otherwise) are
    orthonormal: the Q factor of a standard normal matrix, with signs fixed
    by the diagonal of R so that the draw is uniform over orthogonal matrices.

    Args:
        gain: factor applied to the orthogonal matrix.
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = check_number(gain, "Orthogonal gain", low=-math.inf)

    def __repr__(self) -> str:
        return f"Orthogonal(gain={self.gain})"

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray[Any]:
        if len(shape) < 2:
            raise ConfigurationError(
                f"Orthogonal: expected a weight shape with at least 2 axes, got "
                f"{shape}; use another initializer for biases."
            )
        rows = math.prod(shape[:-1])
        columns = shape[-1]
        normal = rng.standard_normal((max(rows, columns), min(rows, columns)))
        q, r = np.linalg.qr(normal)
        q = q * np.sign(np.diag(r))
        if rows < columns:
            q = q.T
        # q.T is Fortran-ordered; a C-ordered copy keeps reshape(-1) a view.
        return np.ascontiguousarray((self.gain * q).reshape(shape), dtype=dtype)


_BY_NAME: dict[str, type[Initializer]] = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "random_uniform": RandomUniform,
    "random_normal": RandomNormal,
    "glorot_uniform": GlorotUniform,
    "xavier_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "xavier_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "kaiming_uniform": HeUniform,
    "he_normal": HeNormal,
    "kaiming_normal": HeNormal,
    "lecun_uniform": LeCunUniform,
    "lecun_normal": LeCunNormal,
    "orthogonal": Orthogonal,
}


def get(identifier: str | Initializer) -> Initializer:
    """Return the initialiser named ``identifier``, or ``identifier`` itself.

    Names build the initialiser with its default arguments, so ``"constant"``
    fills with 0; pass ``Constant(value)`` for another value.
    """
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ConfigurationError(
        f"unknown initializer {identifier!r}; use an Initializer object or one "
        f"of {sorted(_BY_NAME)}."
    )
