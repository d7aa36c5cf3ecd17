"""Squared-error losses."""

from __future__ import annotations

from microframe.layers.base import Array
from microframe.losses.base import Loss


class MeanSquaredError(Loss):
    """``L = (y_pred - y_true) ** 2`` per element; ``"mean"`` averages all elements."""

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        diff = y_pred - y_true
        result: Array = diff * diff
        return result

    def _gradient(self, y_true: Array, y_pred: Array) -> Array:
        result: Array = 2.0 * (y_pred - y_true)
        return result


class HalfSquaredError(Loss):
    """``L = 0.5 * (y_true - y_pred) ** 2`` per element.

    The factor 1/2 cancels the 2 of the derivative, so the gradient is
    ``y_pred - y_true``: the convention of textbook backpropagation and of
    scikit-learn's ``MLPRegressor``.
    """

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        diff = y_pred - y_true
        result: Array = 0.5 * diff * diff
        return result

    def _gradient(self, y_true: Array, y_pred: Array) -> Array:
        result: Array = y_pred - y_true
        return result
