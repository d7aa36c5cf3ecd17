"""The classic activations: Sigmoid, Tanh, ReLU, LeakyReLU, Softmax, Identity."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from microframe._validation import LAYER_FLOAT_ERRORS, check_number
from microframe.activations.base import Activation
from microframe.errors import ShapeError
from microframe.layers.base import Array


def _float_input(x: Any) -> Array:
    """Return ``x`` as a floating-point array, casting other numbers to float64.

    Negating or shifting a small integer type wraps around (``-(-128)`` is
    -128 in int8), so integers and booleans are cast before any arithmetic.
    """
    if type(x) is np.ndarray and x.dtype.kind == "f":
        return x
    array = np.asarray(x)
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    return array


def sigmoid(x: ArrayLike) -> Array:
    """Compute ``1 / (1 + exp(-x))`` for any ``x``, with no overflow warning.

    For ``x`` below about -709 (float64) or -88 (float32), ``exp(-x)``
    overflows to inf and the result is exactly 0, the correctly rounded
    value. That overflow is expected, so its warning is silenced. Integer
    and boolean input is computed in float64.
    """
    x = _float_input(x)
    # An np.errstate block costs about as much as this arithmetic on a 1x2
    # array, so it is skipped inside fit, which ignores overflow already.
    # NOTE: a callback that sets np.errstate(over="raise") inside fit and
    # calls sigmoid therefore gets FloatingPointError for x below about -709.
    if LAYER_FLOAT_ERRORS.ignored:
        return _sigmoid(x)
    with np.errstate(over="ignore"):
        return _sigmoid(x)


def _sigmoid(x: Array) -> Array:
    result: Array = 1.0 / (1.0 + np.exp(-x))
    return result


class Sigmoid(Activation):
    """Logistic function ``y = 1 / (1 + exp(-x))``; ``dy/dx = y * (1 - y)``."""

    def _forward(self, x: Array) -> Array:
        # A layer receives floats, so inside fit the arithmetic runs directly.
        if LAYER_FLOAT_ERRORS.ignored:
            return _sigmoid(x)
        return sigmoid(x)

    def _backward(self, grad_output: Array) -> Array:
        y = self._cached(self._y)
        return grad_output * y * (1.0 - y)


class Tanh(Activation):
    """Hyperbolic tangent ``y = tanh(x)``; ``dy/dx = 1 - y**2``."""

    def _forward(self, x: Array) -> Array:
        return np.tanh(x)

    def _backward(self, grad_output: Array) -> Array:
        y = self._cached(self._y)
        return grad_output * (1.0 - y * y)


class ReLU(Activation):
    """Rectified linear unit ``y = max(x, 0)``; the derivative at 0 is 0."""

    def __init__(self) -> None:
        super().__init__()
        self._mask: Array | None = None

    def _forward(self, x: Array) -> Array:
        # Multiplying by the 0/1 mask is faster than np.maximum(x, 0), and the
        # mask is the derivative, kept for the backward pass.
        self._mask = x > 0
        return x * self._mask

    def _backward(self, grad_output: Array) -> Array:
        return grad_output * self._cached(self._mask)


class LeakyReLU(Activation):
    """``y = x`` for ``x > 0`` and ``negative_slope * x`` otherwise.

    Args:
        negative_slope: slope for negative inputs; 0.01 as in PyTorch (Keras
            uses 0.3).
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = check_number(
            negative_slope, "LeakyReLU negative_slope", low=0.0
        )

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"

    def _forward(self, x: Array) -> Array:
        return np.where(x > 0, x, self.negative_slope * x).astype(x.dtype, copy=False)

    def _backward(self, grad_output: Array) -> Array:
        x = self._cached(self._x)
        slope = np.where(x > 0, 1.0, self.negative_slope).astype(x.dtype, copy=False)
        result: Array = grad_output * slope
        return result


def softmax(x: ArrayLike, axis: int = -1) -> Array:
    """Compute softmax along ``axis``, shifted by the maximum.

    After the shift, ``exp`` cannot overflow. The shift itself can, for
    inputs whose values span more than the dtype's range, and infinities
    give NaN. Integer and boolean input is computed in float64.

    Raises:
        ShapeError: if ``x`` is a scalar.
    """
    x = _float_input(x)
    if x.ndim == 0:
        raise ShapeError(
            "softmax: expected an array with at least one axis, got a scalar; "
            "pass the scores as an array, for example np.atleast_1d(x)."
        )
    e: Array = x - x.max(axis=axis, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=axis, keepdims=True)
    return e


class Softmax(Activation):
    """``y = exp(x) / sum(exp(x))`` over the last axis.

    The backward pass applies the Jacobian without forming it:
    ``dx = y * (dy - sum(dy * y, axis=-1))``.
    """

    def _forward(self, x: Array) -> Array:
        if x.shape[-1] == 0:
            raise ShapeError(
                f"{self.name}.forward: expected at least one class on the last "
                f"axis, got shape {x.shape}; check the previous layer's output "
                "size."
            )
        return softmax(x)

    def _backward(self, grad_output: Array) -> Array:
        y = self._cached(self._y)
        inner = (grad_output * y).sum(axis=-1, keepdims=True)
        result: Array = y * (grad_output - inner)
        return result


class Identity(Activation):
    """``y = x``; a linear output for regression."""

    def _forward(self, x: Array) -> Array:
        return x

    def _backward(self, grad_output: Array) -> Array:
        return grad_output
