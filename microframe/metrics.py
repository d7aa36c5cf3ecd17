"""Metrics: stateful objects that accumulate over batches and report a float."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe._validation import as_numeric_array
from microframe.errors import ConfigurationError
from microframe.layers.base import Array
from microframe.losses.base import align_target


class Metric:
    """Base class: ``reset()``, ``update(y_true, y_pred, sample_weight)``, ``result()``.

    ``name`` is the key under which ``fit`` and ``evaluate`` report the value.
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


class MeanMetric(Metric):
    """A metric that is the (weighted) mean of one value per sample.

    Subclasses implement ``_values(y_true, y_pred)``, returning shape ``(N,)``.
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
        values = self._values(y_true_array, y_pred_array).astype(np.float64)
        if sample_weight is None:
            self._total += float(values.sum())
            self._count += float(len(values))
            return
        weights = np.asarray(sample_weight, dtype=np.float64).reshape(len(values))
        self._total += float(values @ weights)
        self._count += float(weights.sum())

    def result(self) -> float:
        if self._count == 0.0:
            return float("nan")
        return self._total / self._count

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        raise NotImplementedError


class BinaryAccuracy(MeanMetric):
    """Fraction of elements where ``y_pred > threshold`` matches ``y_true``."""

    name = "accuracy"

    def __init__(self, threshold: float = 0.5) -> None:
        super().__init__()
        self.threshold = threshold

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        y_true = align_target(y_true, y_pred, "BinaryAccuracy")
        hits = (y_pred > self.threshold) == (y_true > 0.5)
        result: Array = hits.reshape(len(hits), -1).mean(axis=1)
        return result


class CategoricalAccuracy(MeanMetric):
    """Fraction of samples whose arg-max matches the one-hot target's."""

    name = "accuracy"

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        y_true = align_target(y_true, y_pred, "CategoricalAccuracy")
        result: Array = y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)
        return result


class SparseCategoricalAccuracy(MeanMetric):
    """Fraction of samples whose arg-max equals the integer label."""

    name = "accuracy"

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        labels = y_true.reshape(len(y_true))
        result: Array = labels == y_pred.argmax(axis=-1)
        return result


def accuracy_for(y_true: Array, y_pred_shape: tuple[int, ...]) -> Metric:
    """Return the accuracy that fits the targets, as Keras resolves ``"accuracy"``.

    One output unit means binary accuracy; several units with integer labels
    of shape ``(N,)`` or ``(N, 1)`` mean sparse accuracy; otherwise
    categorical accuracy.
    """
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy()
    if y_true.ndim == 1 or (y_true.ndim == 2 and y_true.shape[1] == 1):
        return SparseCategoricalAccuracy()
    return CategoricalAccuracy()


_BY_NAME: dict[str, type[Metric]] = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
}


def get(identifier: str | Metric) -> Metric | str:
    """Return the metric for ``identifier``.

    ``"accuracy"`` (or ``"acc"``) is returned as the string ``"accuracy"``,
    which the model resolves once it sees the targets.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in ("accuracy", "acc"):
            return "accuracy"
        if key in _BY_NAME:
            return _BY_NAME[key]()
    raise ConfigurationError(
        f"unknown metric {identifier!r}; pass a Metric object or one of "
        f"{sorted(_BY_NAME) + ['accuracy']}."
    )
