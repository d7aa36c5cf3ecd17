"""Accuracy for binary, one-hot and integer-label targets."""

from __future__ import annotations

from microframe._validation import check_number
from microframe.layers.base import Array
from microframe.losses.base import align_target
from microframe.metrics.base import MeanMetric, Metric


class BinaryAccuracy(MeanMetric):
    """Fraction of elements where ``y_pred > threshold`` matches ``y_true > 0.5``."""

    name = "accuracy"

    def __init__(self, threshold: float = 0.5) -> None:
        super().__init__()
        self.threshold = check_number(
            threshold, "BinaryAccuracy threshold", low=0.0, high=1.0
        )

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        y_true = align_target(y_true, y_pred, "BinaryAccuracy")
        result: Array = (y_pred > self.threshold) == (y_true > 0.5)
        return result


class CategoricalAccuracy(MeanMetric):
    """Fraction of positions whose arg-max over the last axis matches the target's.

    Targets are one-hot (or probabilities) shaped like ``y_pred``; for
    ``(N, T, C)`` or ``(N, H, W, C)`` outputs every position counts.
    """

    name = "accuracy"

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        y_true = align_target(y_true, y_pred, "CategoricalAccuracy")
        result: Array = y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)
        return result


class SparseCategoricalAccuracy(MeanMetric):
    """Fraction of positions whose arg-max equals the integer label.

    Labels have the shape of ``y_pred`` without its last axis, or with a
    last axis of size 1.
    """

    name = "accuracy"

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        labels = y_true.reshape(y_pred.shape[:-1])
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
    integer = y_true.dtype.kind in "iu"
    if y_true.ndim == 1 or (y_true.ndim == 2 and y_true.shape[1] == 1):
        return SparseCategoricalAccuracy()
    if integer and y_true.ndim == len(y_pred_shape) - 1:
        return SparseCategoricalAccuracy()
    return CategoricalAccuracy()
