"""Smooth and bounded activations: ELU, SELU, GELU, SiLU, Softplus and others."""

from __future__ import annotations

import math

import numpy as np

from microframe._validation import check_number
from microframe.activations.base import Activation
from microframe.activations.core import sigmoid, softmax
from microframe.layers.base import Array

# Constants of SELU from Klambauer et al., "Self-Normalizing Neural Networks"
# (2017), chosen so activations keep zero mean and unit variance.
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


def _elu(x: Array, alpha: float) -> Array:
    # expm1 of the clipped input: exp(1000) would overflow, and expm1 keeps
    # precision for small negative x.
    negative = alpha * np.expm1(np.minimum(x, 0))
    result: Array = np.where(x > 0, x, negative).astype(x.dtype, copy=False)
    return result


class ELU(Activation):
    """``y = x`` for ``x > 0`` and ``alpha * (exp(x) - 1)`` otherwise.

    The derivative is 1 for ``x > 0`` and ``y + alpha`` otherwise.

    Args:
        alpha: value the output approaches for large negative ``x``.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = check_number(alpha, "ELU alpha", low=0.0)

    def __repr__(self) -> str:
        return f"ELU(alpha={self.alpha})"

    def _forward(self, x: Array) -> Array:
        return _elu(x, self.alpha)

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        y = self._cached(self._y)
        slope = np.where(x > 0, 1.0, y + self.alpha).astype(x.dtype, copy=False)
        result: Array = grad_output * slope
        return result


class SELU(Activation):
    """Scaled ELU: ``y = SELU_SCALE * elu(x, SELU_ALPHA)``.

    The derivative is ``SELU_SCALE`` for ``x > 0`` and ``y + SELU_SCALE *
    SELU_ALPHA`` otherwise. Pair it with ``lecun_normal`` weights.
    """

    def _forward(self, x: Array) -> Array:
        result: Array = SELU_SCALE * _elu(x, SELU_ALPHA)
        return result.astype(x.dtype, copy=False)

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        y = self._cached(self._y)
        slope = np.where(x > 0, SELU_SCALE, y + SELU_SCALE * SELU_ALPHA)
        result: Array = grad_output * slope.astype(x.dtype, copy=False)
        return result


_erf = np.vectorize(math.erf, otypes=[np.float64])


class GELU(Activation):
    """Gaussian error linear unit ``y = x * Phi(x)``, ``Phi`` the normal CDF.

    With ``approximate=True`` (the default), ``Phi(x)`` is replaced by
    ``0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))``, as in BERT
    and GPT-2. With ``approximate=False``, ``Phi(x) = 0.5 * (1 + erf(x /
    sqrt(2)))`` exactly, as PyTorch's default.

    NOTE: NumPy has no vectorised ``erf``, so the exact form calls
    ``math.erf`` once per element in Python. It is far slower than the
    approximation, so use it for checks rather than for large networks.

    Args:
        approximate: use the tanh approximation.
    """

    def __init__(self, approximate: bool = True) -> None:
        super().__init__()
        self.approximate = bool(approximate)

    def __repr__(self) -> str:
        return f"GELU(approximate={self.approximate})"

    def _forward(self, x: Array) -> Array:
        if self.approximate:
            inner = _SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3)
            result: Array = 0.5 * x * (1.0 + np.tanh(inner))
        else:
            result = 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))
        return result.astype(x.dtype, copy=False)

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        if self.approximate:
            t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3))
            d_inner = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * x**2)
            slope = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner
        else:
            cdf = 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))
            # exp(-x**2 / 2) underflows to 0 for large |x|, which is exact
            # enough and raises no warning.
            pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
            slope = cdf + x * pdf
        result: Array = grad_output * slope.astype(x.dtype, copy=False)
        return result


class SiLU(Activation):
    """Sigmoid linear unit (swish) ``y = x * sigmoid(x)``.

    The derivative is ``s + x * s * (1 - s)`` with ``s = sigmoid(x)``.
    """

    def _forward(self, x: Array) -> Array:
        result: Array = x * sigmoid(x)
        return result

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        s = sigmoid(x)
        result: Array = grad_output * (s + x * s * (1.0 - s))
        return result


class Softplus(Activation):
    """``y = log(1 + exp(x))``, a smooth ReLU; ``dy/dx = sigmoid(x)``.

    Computed as ``max(x, 0) + log1p(exp(-|x|))`` so that ``exp`` never
    overflows.
    """

    def _forward(self, x: Array) -> Array:
        result: Array = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
        return result

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        result: Array = grad_output * sigmoid(x)
        return result


class Softsign(Activation):
    """``y = x / (1 + |x|)``; ``dy/dx = 1 / (1 + |x|)**2``."""

    def _forward(self, x: Array) -> Array:
        result: Array = x / (1.0 + np.abs(x))
        return result

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        denominator = 1.0 + np.abs(x)
        result: Array = grad_output / (denominator * denominator)
        return result


class HardSigmoid(Activation):
    """Piecewise linear sigmoid ``y = clip(x / 6 + 0.5, 0, 1)``.

    This is the definition of PyTorch and Keras 3 (``relu6(x + 3) / 6``).
    The derivative is ``1 / 6`` for ``-3 < x < 3`` and 0 elsewhere.
    """

    def _forward(self, x: Array) -> Array:
        result: Array = np.clip(x / 6.0 + 0.5, 0.0, 1.0)
        return result

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        inside = (x > -3.0) & (x < 3.0)
        result: Array = grad_output * (inside / 6.0).astype(x.dtype, copy=False)
        return result


class LogSoftmax(Activation):
    """``y = x - log(sum(exp(x)))`` over the last axis.

    Computed with the maximum subtracted first, so it stays finite where
    ``log(softmax(x))`` would give ``-inf``. The backward pass is
    ``dx = dy - softmax(x) * sum(dy, axis=-1)``.
    """

    def _forward(self, x: Array) -> Array:
        shifted = x - x.max(axis=-1, keepdims=True)
        log_sum = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        result: Array = shifted - log_sum
        return result

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        total = grad_output.sum(axis=-1, keepdims=True)
        result: Array = grad_output - softmax(x) * total
        return result
