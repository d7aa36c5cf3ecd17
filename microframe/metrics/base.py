"""The ``Metric`` base class and ``MeanMetric``, a weighted mean of values."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe._validation import as_numeric_array
from microframe.errors import ShapeError
from microframe.layers.base import Array


class Metric:
    """Base class: ``reset()``, ``update(y_true, y_pred, sample_weight)``, ``result()``.

    ``name`` is the key under which ``fit`` and ``evaluate`` report the value
    (with a ``val_`` prefix for validation data). A metric accumulates over
    every ``update`` since the last ``reset``, so ``result()`` is the value
    over all those samples, not a mean of per-batch values.
    """

    name = "metric"

    def reset(self) -> None:
        """Forget everything accumulated so far."""
        raise NotImplementedError

    def update(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Accumulate one batch."""
        raise NotImplementedError

    def result(self) -> float:
        """Return the value over every batch since the last ``reset``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def broadcast_weights(sample_weight: Any, values: Array, owner: str) -> Array:
    """Return ``sample_weight`` broadcast to the shape of ``values``.

    The weights have shape ``(N,)`` (one per sample) or the leading axes of
    ``values``, such as ``(N, T)`` for values of shape ``(N, T)``.
    """
    weights = np.asarray(sample_weight, dtype=np.float64)
    leading = values.shape[: weights.ndim]
    if weights.ndim == 2 and weights.shape[1] == 1 and values.ndim == 1:
        weights = weights.reshape(len(weights))
        leading = values.shape
    if weights.ndim == 0 or weights.shape != leading:
        raise ShapeError(
            f"{owner}: expected sample_weight of shape ({values.shape[0]},) or "
            f"{values.shape[:2]}..., the leading axes of the values "
            f"{values.shape}, got {weights.shape}."
        )
    shaped = weights.reshape(weights.shape + (1,) * (values.ndim - weights.ndim))
    return np.broadcast_to(shaped, values.shape)


class MeanMetric(Metric):
    """A metric that is the weighted mean of one value per element.

    Subclasses implement ``_values(y_true, y_pred)``, returning values of
    shape ``(N, ...)``. Weights apply along the leading axes and are
    repeated over the rest.
    """

    def __init__(self) -> None:
        self._total = 0.0
        self._count = 0.0

    def reset(self) -> None:
        self._total = 0.0
        self._count = 0.0

    def update(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred_array = as_numeric_array(y_pred, f"{self.name} y_pred")
        y_true_array = as_numeric_array(y_true, f"{self.name} y_true")
        values = np.asarray(self._values(y_true_array, y_pred_array), np.float64)
        if sample_weight is None:
            self._total += float(values.sum())
            self._count += float(values.size)
            return
        weights = broadcast_weights(sample_weight, values, type(self).__name__)
        self._total += float(np.vdot(values, weights))
        self._count += float(weights.sum())

    def result(self) -> float:
        if self._count == 0.0:
            return float("nan")
        return self._total / self._count

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        raise NotImplementedError
