"""Cross-entropy losses for binary, one-hot and integer-label targets."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe._validation import as_numeric_array, check_number
from microframe.activations import Sigmoid, Softmax, sigmoid, softmax
from microframe.errors import InputValueError, ShapeError
from microframe.layers.base import Array, Layer
from microframe.losses.base import Loss

# Probabilities are clipped to [EPSILON, 1 - EPSILON] before the logarithm,
# as Keras does, so a confident wrong prediction gives a large finite loss.
EPSILON = 1e-7


def _log_softmax(x: Array) -> Array:
    shifted = x - x.max(axis=-1, keepdims=True)
    result: Array = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return result


def _check_probabilities(y_pred: Array, owner: str) -> None:
    if y_pred.size and (y_pred.min() < 0.0 or y_pred.max() > 1.0):
        raise InputValueError(
            f"{owner}: expected probabilities in [0, 1] as y_pred, got values "
            f"from {y_pred.min()} to {y_pred.max()}; end the model with "
            "Sigmoid/Softmax or pass from_logits=True."
        )


class BinaryCrossEntropy(Loss):
    """``L = -(y * log(p) + (1 - y) * log(1 - p))`` per element.

    Args:
        from_logits: whether ``y_pred`` contains logits ``z`` rather than
            probabilities. Logits use the stable form
            ``max(z, 0) - z * y + log(1 + exp(-abs(z)))``.
        reduction: ``"mean"`` over all elements or ``"sum"``.
        epsilon: probabilities are clipped to ``[epsilon, 1 - epsilon]``.
    """

    def __init__(
        self,
        from_logits: bool = False,
        reduction: str = "mean",
        epsilon: float = EPSILON,
    ) -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)
        self.epsilon = check_number(
            epsilon,
            "BinaryCrossEntropy epsilon",
            low=0.0,
            low_inclusive=False,
            high=0.5,
            high_inclusive=False,
        )

    def __repr__(self) -> str:
        return (
            f"BinaryCrossEntropy(from_logits={self.from_logits}, "
            f"reduction={self.reduction!r})"
        )

    def _prepare_target(self, y_true: Any, y_pred: Array) -> Array:
        target = super()._prepare_target(y_true, y_pred)
        if target.size and (target.min() < 0.0 or target.max() > 1.0):
            raise InputValueError(
                f"{self.name}: expected targets in [0, 1], got values from "
                f"{target.min()} to {target.max()}; binary labels are 0 and 1."
            )
        return target

    def _check_prediction(self, y_pred: Array) -> None:
        if not self.from_logits:
            _check_probabilities(y_pred, self.name)

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        if self.from_logits:
            z = y_pred
            result: Array = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
            return result
        p = _clip(y_pred, self.epsilon, 1.0 - self.epsilon)
        result = -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))
        return result

    def _gradient(self, y_true: Array, y_pred: Array) -> Array:
        if self.from_logits:
            return sigmoid(y_pred) - y_true
        p = _clip(y_pred, self.epsilon, 1.0 - self.epsilon)
        result: Array = (p - y_true) / (p * (1.0 - p))
        return result

    def grad_through(self, activation: Layer) -> Array | None:
        if self.from_logits or type(activation) is not Sigmoid:
            return None
        y_true, y_pred, weights, scale = self._require_cache()
        return self._finish_gradient(y_pred - y_true, weights, scale, y_pred.dtype)


class CategoricalCrossEntropy(Loss):
    """``L = -sum(y * log(p), axis=-1)`` per sample, for one-hot targets.

    Args:
        from_logits: whether ``y_pred`` contains logits; they go through a
            log-softmax, never through ``log(softmax(z))``.
        reduction: ``"mean"`` over samples or ``"sum"``.
        epsilon: probabilities are clipped to ``[epsilon, 1]``.
    """

    def __init__(
        self,
        from_logits: bool = False,
        reduction: str = "mean",
        epsilon: float = EPSILON,
    ) -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)
        self.epsilon = check_number(
            epsilon,
            "CategoricalCrossEntropy epsilon",
            low=0.0,
            low_inclusive=False,
            high=0.5,
        )

    def __repr__(self) -> str:
        return (
            f"CategoricalCrossEntropy(from_logits={self.from_logits}, "
            f"reduction={self.reduction!r})"
        )

    def _prepare_target(self, y_true: Any, y_pred: Array) -> Array:
        target = as_numeric_array(y_true, f"{self.name} y_true")
        classes = y_pred.shape[-1]
        if target.shape != y_pred.shape:
            if (
                target.shape in (y_pred.shape[:-1], y_pred.shape[:-1] + (1,))
                and classes > 1
            ):
                raise ShapeError(
                    f"{self.name}: expected one-hot targets of shape {y_pred.shape}, "
                    f"got class labels of shape {target.shape}; one-hot encode them "
                    "(np.eye(num_classes)[labels]) or use "
                    "SparseCategoricalCrossEntropy."
                )
            raise ShapeError(
                f"{self.name}: y_true has shape {target.shape} but y_pred has shape "
                f"{y_pred.shape}; give one-hot targets with the shape of the output."
            )
        if target.size and (target.min() < 0 or target.max() > 1):
            raise InputValueError(
                f"{self.name}: expected targets in [0, 1], got values from "
                f"{target.min()} to {target.max()}; give one-hot rows or class "
                "probabilities."
            )
        return np.asarray(target, dtype=y_pred.dtype)

    def _check_prediction(self, y_pred: Array) -> None:
        if not self.from_logits:
            _check_probabilities(y_pred, self.name)

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        if self.from_logits:
            log_p = _log_softmax(y_pred)
        else:
            log_p = np.log(_clip(y_pred, self.epsilon, 1.0))
        result: Array = -(y_true * log_p).sum(axis=-1)
        return result

    def _gradient(self, y_true: Array, y_pred: Array) -> Array:
        if self.from_logits:
            p = softmax(y_pred)
            result: Array = p * y_true.sum(axis=-1, keepdims=True) - y_true
            return result
        result = -y_true / _clip(y_pred, self.epsilon, 1.0)
        return result

    def grad_through(self, activation: Layer) -> Array | None:
        if self.from_logits or type(activation) is not Softmax:
            return None
        y_true, y_pred, weights, scale = self._require_cache()
        grad = y_pred * y_true.sum(axis=-1, keepdims=True) - y_true
        return self._finish_gradient(grad, weights, scale, y_pred.dtype)


class SparseCategoricalCrossEntropy(Loss):
    """``L = -log(p[label])`` per sample, for integer class labels.

    Args:
        from_logits: whether ``y_pred`` contains logits.
        reduction: ``"mean"`` over samples or ``"sum"``.
        epsilon: probabilities are clipped to ``[epsilon, 1]``.

    Shapes:
        y_true: ``(N,)`` or ``(N, 1)`` integer labels in ``[0, C)``.
        y_pred: ``(N, C)``.
    """

    def __init__(
        self,
        from_logits: bool = False,
        reduction: str = "mean",
        epsilon: float = EPSILON,
    ) -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)
        self.epsilon = check_number(
            epsilon,
            "SparseCategoricalCrossEntropy epsilon",
            low=0.0,
            low_inclusive=False,
            high=0.5,
        )

    def __repr__(self) -> str:
        return (
            f"SparseCategoricalCrossEntropy(from_logits={self.from_logits}, "
            f"reduction={self.reduction!r})"
        )

    def _prepare_target(self, y_true: Any, y_pred: Array) -> Array:
        target = as_numeric_array(y_true, f"{self.name} y_true")
        if y_pred.ndim != 2:
            raise ShapeError(
                f"{self.name}: expected y_pred of shape (N, C), got "
                f"{y_pred.shape}; end the model with one unit per class."
            )
        n, classes = y_pred.shape
        if target.shape == (n, 1):
            target = target.reshape(n)
        if target.shape != (n,):
            raise ShapeError(
                f"{self.name}: expected integer labels of shape ({n},), got "
                f"{target.shape}; for one-hot targets use CategoricalCrossEntropy."
            )
        if target.dtype.kind == "f":
            if not np.all(np.isfinite(target)) or np.any(target != np.round(target)):
                raise InputValueError(
                    f"{self.name}: expected integer class labels, got non-integer "
                    "values; pass labels as integers 0..C-1."
                )
        # The range is checked before the cast to int64, which would wrap a
        # label of 2**63 or more around to a negative one.
        if target.size and (target.min() < 0 or target.max() >= classes):
            bad = target[(target < 0) | (target >= classes)][0]
            label_text = f"{bad:g}" if target.dtype.kind == "f" else str(bad)
            raise InputValueError(
                f"{self.name}: label {label_text} is out of range for {classes} "
                f"classes; labels must be in [0, {classes - 1}], so map them to "
                "0..C-1 or give the output layer one unit per class."
            )
        return target.astype(np.int64)

    def _check_prediction(self, y_pred: Array) -> None:
        if not self.from_logits:
            _check_probabilities(y_pred, self.name)

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        rows = np.arange(len(y_true))
        if self.from_logits:
            result: Array = -_log_softmax(y_pred)[rows, y_true]
            return result
        picked = _clip(y_pred[rows, y_true], self.epsilon, 1.0)
        result = -np.log(picked)
        return result

    def _gradient(self, y_true: Array, y_pred: Array) -> Array:
        rows = np.arange(len(y_true))
        if self.from_logits:
            grad = softmax(y_pred)
            grad[rows, y_true] -= 1.0
            return grad
        grad = np.zeros_like(y_pred)
        grad[rows, y_true] = -1.0 / _clip(y_pred[rows, y_true], self.epsilon, 1.0)
        return grad

    def grad_through(self, activation: Layer) -> Array | None:
        if self.from_logits or type(activation) is not Softmax:
            return None
        y_true, y_pred, weights, scale = self._require_cache()
        grad = y_pred.copy()
        grad[np.arange(len(y_true)), y_true] -= 1.0
        return self._finish_gradient(grad, weights, scale, y_pred.dtype)


def _clip(values: Array, low: float, high: float) -> Array:
    """Return ``np.clip(values, low, high)`` in two ufunc calls.

    ``np.clip`` goes through a Python wrapper that costs about 2.5 us per
    call, more than the clipping of one batch of picked probabilities.
    """
    result: Array = np.maximum(values, low)
    return np.minimum(result, high, out=result)
