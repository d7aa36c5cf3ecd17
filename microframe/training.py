"""Helpers for ``Sequential.fit`` and ``evaluate``: data checks, splits, batches."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from microframe._validation import (
    as_float_array,
    as_numeric_array,
    check_finite,
    check_number,
    check_same_length,
    check_samples,
)
from microframe.errors import ConfigurationError, InputValueError, ShapeError
from microframe.layers.base import Array


def prepare_x(x: Any, dtype: DTypeLike, name: str = "x") -> Array:
    """Return ``x`` as a batch-first float array of ``dtype``, checked once."""
    array = as_float_array(x, name, dtype)
    check_samples(array, name)
    check_all_finite(array, name)
    return array


def check_all_finite(array: Array, name: str) -> None:
    """Raise like ``check_finite``, without a temporary array when all is finite.

    The minimum and maximum are NaN when any element is NaN and infinite
    when any is infinite, so two reductions settle the common case. Only a
    failing array goes through ``check_finite``, which names the row.
    """
    if array.dtype.kind != "f" or array.size == 0:
        return
    if np.isfinite(array.min()) and np.isfinite(array.max()):
        return
    check_finite(array, name)


def prepare_y(y: Any, x: Array, dtype: DTypeLike, name: str = "y") -> Array:
    """Return ``y`` checked against ``x``; floats and bools are cast to ``dtype``.

    Integer arrays stay integer, since they may be class labels.
    """
    array = as_numeric_array(y, name)
    check_samples(array, name, min_ndim=1)
    check_same_length(x, array, name)
    if array.dtype.kind in "fb":
        array = np.asarray(array, dtype=dtype)
    check_finite(array, name)
    return array


def prepare_sample_weight(
    sample_weight: Any, class_weight: Mapping[Any, float] | None, y: Array
) -> Array | None:
    """Combine ``sample_weight`` and ``class_weight`` into one weight per sample.

    Class labels are read from ``y``: integer labels of shape ``(N,)`` or
    ``(N, 1)`` as they are, one-hot rows by their arg-max, and a single
    binary column by rounding.
    """
    n = len(y)
    weights: Array | None = None
    if sample_weight is not None:
        weights = as_float_array(sample_weight, "sample_weight", np.float64)
        if weights.shape not in ((n,), (n, 1)):
            raise ShapeError(
                f"fit: expected sample_weight of shape ({n},), one weight per "
                f"sample, got {weights.shape}."
            )
        weights = weights.reshape(n)
        check_finite(weights, "sample_weight")
        if np.any(weights < 0):
            raise InputValueError(
                "fit: sample_weight must be non-negative; got a negative weight "
                f"at index {int(np.argmax(weights < 0))}."
            )
    if class_weight is None:
        return weights
    labels = class_labels(y)
    per_class = np.ones(n)
    for label in np.unique(labels):
        key = label.item()
        if key not in class_weight:
            raise InputValueError(
                f"fit: class_weight has no entry for class {key!r}; give a "
                f"weight for each class in y, got keys {sorted(class_weight)}."
            )
        per_class[labels == label] = check_number(
            class_weight[key], f"class_weight[{key!r}]", low=0.0
        )
    return per_class if weights is None else weights * per_class


def class_labels(y: Array) -> Array:
    """Return one integer class label per sample of ``y``."""
    if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
        flat = y.reshape(len(y))
        if flat.dtype.kind in "iu":
            return flat
        rounded: Array = np.rint(flat).astype(np.int64)
        return rounded
    labels: Array = y.reshape(len(y), -1).argmax(axis=1)
    return labels


def split_validation(
    n: int, validation_split: float, rng: np.random.Generator
) -> tuple[Array, Array]:
    """Return ``(train_indices, validation_indices)`` for a random, seeded split.

    Unlike Keras, which holds out the last rows, the rows are drawn at random
    from the model's generator, so sorted data still gives a fair split.
    """
    fraction = check_number(
        validation_split, "validation_split", low=0.0, high=1.0, high_inclusive=False
    )
    n_val = int(n * fraction)
    if n_val == 0:
        raise ConfigurationError(
            f"fit: validation_split={validation_split} of {n} samples holds out "
            "no sample; raise validation_split or pass validation_data."
        )
    if n_val == n:
        raise ConfigurationError(
            f"fit: validation_split={validation_split} of {n} samples leaves no "
            "training sample; lower validation_split."
        )
    order = rng.permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def warn_single_class(y_val: Array, is_classification: bool) -> None:
    """Warn when a classification validation set holds only one class."""
    if is_classification and len(np.unique(class_labels(y_val))) < 2:
        warnings.warn(
            "fit: the validation data holds only one class, so accuracy and "
            "loss on it say little; use a larger validation_split or "
            "validation_data with every class.",
            UserWarning,
            stacklevel=3,
        )


def batch_slices(n: int, batch_size: int) -> Iterator[slice]:
    """Yield consecutive slices of at most ``batch_size`` rows covering ``n``."""
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))


def count_batches(n: int, batch_size: int) -> int:
    """Return the number of batches, the last partial one included."""
    return math.ceil(n / batch_size)


class BatchGatherer:
    """Gathers shuffled rows into buffers reused across batches.

    ``np.take`` with ``mode="clip"`` and ``out=`` writes straight into the
    buffer; the default mode buffers the output and is about 3x slower.
    """

    def __init__(self, array: Array, batch_size: int) -> None:
        self.array = array
        shape = (min(batch_size, len(array)),) + array.shape[1:]
        self._buffers = (np.empty(shape, array.dtype), np.empty(shape, array.dtype))
        self._current = 0

    def gather(self, indices: Array) -> Array:
        """Return the rows at ``indices`` in a reused buffer.

        Two buffers alternate, so the previous batch, which layers may
        still have cached, is not overwritten by the next one.
        """
        self._current = 1 - self._current
        out = self._buffers[self._current][: len(indices)]
        self.array.take(indices, axis=0, out=out, mode="clip")
        return out
