"""The ``Loss`` base class: validation, reduction and sample weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe._validation import (
    as_numeric_array,
    check_finite,
    ignore_float_errors,
)
from microframe.errors import (
    ConfigurationError,
    InputValueError,
    NotFittedError,
    ShapeError,
)
from microframe.layers.base import Array, Layer

_REDUCTIONS = ("mean", "sum")


class Loss:
    """Base class: ``loss(y_true, y_pred)`` gives a float, ``backward()`` its gradient.

    Subclasses implement ``_values(y_true, y_pred)``, the unreduced loss, and
    ``_gradient(y_true, y_pred)``, its derivative for ``y_pred``. This class
    aligns shapes, applies ``sample_weight`` and reduces:

    - ``reduction="sum"``: ``sum(w * values)``;
    - ``reduction="mean"``: ``sum(w * values) / values.size``. Element-wise
      losses (MSE, binary cross-entropy) have one value per element, so this
      is the mean over all elements, as in Keras and PyTorch. Categorical
      losses have one value per sample, so it is the mean over samples.

    With ``sample_weight`` the denominator stays the number of values, as
    in Keras: weights of 1 change nothing, and a weight of 2 counts a sample
    twice.

    Targets of shape ``(N,)`` against predictions of shape ``(N, 1)`` are
    reshaped to ``(N, 1)``; any other difference in shape raises
    ``ShapeError`` instead of broadcasting.
    """

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in _REDUCTIONS:
            raise ConfigurationError(
                f"{type(self).__name__} reduction must be one of {_REDUCTIONS}, "
                f"got {reduction!r}; pass reduction='mean' or reduction='sum'."
            )
        self.reduction = reduction
        self._cache: tuple[Array, Array, Array | None, float] | None = None

    @property
    def name(self) -> str:
        """Short description used in messages."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{self.name}(reduction={self.reduction!r})"

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
        """Check the inputs, return the reduced loss and cache what ``backward`` needs.

        Shapes:
            y_true: like ``y_pred``; ``(N,)`` is accepted for ``(N, 1)``.
            y_pred: ``(N, ...)``.
            sample_weight: ``(N,)`` or the leading axes of the unreduced
                loss values, non-negative.
        """
        y_pred_array = self._prepare_prediction(y_pred)
        self._check_prediction(y_pred_array)
        y_true_array = self.prepare_targets(y_true, y_pred_array)
        check_finite(y_true_array, f"{self.name} y_true")
        with ignore_float_errors():
            values = self._values(y_true_array, y_pred_array)
        weights = self._prepare_weights(sample_weight, values)
        return self._reduce(values, y_true_array, y_pred_array, weights)

    def prepare_targets(self, y_true: Any, y_pred: Array) -> Array:
        """Check ``y_true`` against ``y_pred`` and return it ready for ``forward``.

        ``fit`` calls this once on all its targets, with a read-only
        stand-in for ``y_pred`` of the output's shape and dtype
        (``np.broadcast_to``), so that its batches can skip the checks.

        Returns:
            the targets aligned to ``y_pred``'s shape and cast to its dtype,
            or integer labels for the sparse loss.
        """
        return self._prepare_target(y_true, y_pred)

    def forward(
        self, y_true: Array, y_pred: Array, sample_weight: Array | None = None
    ) -> float:
        """Return the reduced loss and cache what ``backward`` needs, unchecked.

        The fast path of ``fit``: ``y_true`` must come from
        ``prepare_targets``, ``y_pred`` must be a float array and
        ``sample_weight`` a valid weight array in ``y_pred``'s dtype. Call
        the loss object itself for the checked version.
        """
        values = self._values(y_true, y_pred)
        weights = None
        if sample_weight is not None:
            trailing = (1,) * (values.ndim - sample_weight.ndim)
            weights = sample_weight.reshape(sample_weight.shape + trailing)
        return self._reduce(values, y_true, y_pred, weights)

    def _reduce(
        self, values: Array, y_true: Array, y_pred: Array, weights: Array | None
    ) -> float:
        scale = 1.0 if self.reduction == "sum" else 1.0 / max(values.size, 1)
        self._cache = (y_true, y_pred, weights, scale)
        if weights is not None:
            values = values * weights
        return float(values.sum() * scale)

    def check_target(self, y_true: Any, output_shape: tuple[int, ...]) -> None:
        """Check ``y_true`` against an output shape, without computing the loss.

        ``fit`` and ``evaluate`` call this before the first batch, so a bad
        label or target shape raises before any weight changes.

        Raises:
            ShapeError: if ``y_true`` does not fit ``output_shape``.
            InputValueError: if a target is invalid, such as a label out of
                range.
        """
        # A zero-strided array of zeros replaces the predictions, because
        # zero is a valid probability and the array takes no memory.
        placeholder = np.broadcast_to(np.zeros((), np.float64), output_shape)
        self._prepare_target(y_true, placeholder)

    def backward(self) -> Array:
        """Return the gradient of the last loss value for ``y_pred``.

        Shapes:
            Returns the shape of the last ``y_pred``.
        """
        with ignore_float_errors():
            return self._backward_unguarded()

    def _backward_unguarded(self) -> Array:
        """Return what ``backward`` returns, without its own ``np.errstate``.

        The fast path of ``fit``, which already runs inside one that
        ignores overflow, so it skips this one (about 1 us per batch).
        Called on its own, NumPy may warn on overflow or invalid values.
        """
        y_true, y_pred, weights, scale = self._require_cache()
        grad = self._gradient(y_true, y_pred)
        return self._finish_gradient(grad, weights, scale, y_pred.dtype)

    def grad_through(self, activation: Layer) -> Array | None:
        """Return the gradient for ``activation``'s input, when it simplifies.

        Sigmoid followed by binary cross-entropy, or Softmax followed by
        categorical cross-entropy, has the input gradient
        ``y_pred - y_true``, which is cheaper and more accurate than chaining
        the two backward passes. Losses without such a form return ``None``.
        """
        return None

    def _finish_gradient(
        self, grad: Array, weights: Array | None, scale: float, dtype: Any
    ) -> Array:
        if weights is not None:
            weights = weights.reshape(weights.shape + (1,) * (grad.ndim - weights.ndim))
            grad = grad * weights
        if scale != 1.0:
            grad *= scale
        return grad.astype(dtype, copy=False)

    def _require_cache(self) -> tuple[Array, Array, Array | None, float]:
        if self._cache is None:
            raise NotFittedError(
                f"{self.name}.backward: no loss was computed; call "
                "loss(y_true, y_pred) before backward()."
            )
        return self._cache

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        raise NotImplementedError

    def _gradient(self, y_true: Array, y_pred: Array) -> Array:
        raise NotImplementedError

    def _prepare_prediction(self, y_pred: Any) -> Array:
        array = as_numeric_array(y_pred, f"{self.name} y_pred")
        if array.dtype.kind != "f":
            array = array.astype(np.float64)
        elif array.dtype.itemsize < 4:
            # float16 cannot hold the clipped log-loss gradient (1 / 1e-7
            # exceeds its maximum of 65504), so half-precision predictions
            # are computed, and their gradient returned, in float32.
            array = array.astype(np.float32)
        if array.ndim == 0:
            raise ShapeError(
                f"{self.name}: expected y_pred with a batch axis, got a scalar; "
                "pass an array of shape (N,) or (N, K)."
            )
        if len(array) == 0:
            raise ShapeError(
                f"{self.name}: expected at least one sample, got y_pred of shape "
                f"{array.shape}; pass a non-empty batch."
            )
        return array

    def _prepare_target(self, y_true: Any, y_pred: Array) -> Array:
        target = as_numeric_array(y_true, f"{self.name} y_true")
        target = align_target(target, y_pred, self.name)
        return np.asarray(target, dtype=y_pred.dtype)

    def _check_prediction(self, y_pred: Array) -> None:
        """Raise if ``y_pred`` is outside the loss's domain; no check by default."""

    def _prepare_weights(self, sample_weight: Any, values: Array) -> Array | None:
        if sample_weight is None:
            return None
        weights = as_numeric_array(sample_weight, f"{self.name} sample_weight")
        n = values.shape[0]
        if weights.shape == (n, 1) and values.ndim == 1:
            weights = weights.reshape(n)

        # One weight per sample, (N,), or per position: the leading axes of
        # the unreduced values, such as (N, T) for element-wise (N, T) losses.
        if weights.ndim == 0 or weights.shape != values.shape[: weights.ndim]:
            raise ShapeError(
                f"{self.name}: expected sample_weight of shape ({n},), one "
                "weight per sample, or the leading axes of the loss values "
                f"{values.shape}, got {weights.shape}; pass one weight for "
                "each row of y_pred."
            )

        weights = weights.astype(np.float64)
        bad = ~np.isfinite(weights) | (weights < 0)
        if bad.any():
            index = np.unravel_index(int(np.argmax(bad)), bad.shape)
            raise InputValueError(
                f"{self.name}: expected finite, non-negative sample_weight, got "
                f"{weights[index]} at index {tuple(int(i) for i in index)}; use 0 "
                "to ignore a sample."
            )

        with ignore_float_errors():
            weights = weights.astype(values.dtype)
        shaped: Array = weights.reshape(
            weights.shape + (1,) * (values.ndim - weights.ndim)
        )
        return shaped


def align_target(y_true: Array, y_pred: Array, owner: str) -> Array:
    """Return ``y_true`` shaped like ``y_pred`` under the documented rule.

    ``(N,)`` against ``(N, 1)`` becomes ``(N, 1)``; equal shapes pass; any
    other pair raises ``ShapeError`` rather than broadcasting to ``(N, N)``.
    """
    if y_true.shape == y_pred.shape:
        return y_true
    if y_pred.ndim >= 1 and y_pred.shape[-1] == 1 and y_true.shape == y_pred.shape[:-1]:
        return y_true.reshape(y_pred.shape)
    raise ShapeError(
        f"{owner}: y_true has shape {y_true.shape} but y_pred has shape "
        f"{y_pred.shape}; give targets with the shape of the model output."
    )
