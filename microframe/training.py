"""Helpers for ``Sequential.fit`` and ``evaluate``: data checks, splits, batches."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from microframe._validation import (
    as_float_array,
    as_numeric_array,
    cast_finite,
    check_finite,
    check_number,
    check_same_length,
    check_samples,
)
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    InputValueError,
    NonFiniteOutputError,
    ShapeError,
)
from microframe.layers.base import Array
from microframe.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Loss,
    SparseCategoricalCrossEntropy,
)


def check_x(
    x: Any,
    component: str,
    name: str = "x",
    check_shape: Callable[[Array, str], None] | None = None,
) -> Array:
    """Return ``x`` as a numeric array after checking shape and finiteness.

    ``check_shape(array, component)`` runs after the batch-axis check and
    before the finiteness check. The array keeps its dtype and is not
    copied, so ``predict`` and ``evaluate`` can cast one batch at a time.
    """
    label = f"{component} {name}"
    array = as_numeric_array(x, label)
    check_samples(array, label)
    if check_shape is not None:
        check_shape(array, component)
    check_all_finite(array, label)
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


def prepare_x(
    x: Any,
    dtype: DTypeLike,
    component: str,
    name: str = "x",
    check_shape: Callable[[Array, str], None] | None = None,
) -> Array:
    """Return ``x`` as a batch-first float array of ``dtype``, checked once."""
    array = check_x(x, component, name, check_shape)
    return cast_finite(array, dtype, f"{component} {name}")


def prepare_y(
    y: Any, x: Array, dtype: DTypeLike, component: str, name: str = "y"
) -> Array:
    """Return ``y`` checked against ``x``; floats and bools are cast to ``dtype``.

    Integer arrays stay integer, since they may be class labels.
    """
    label = f"{component} {name}"
    array = as_numeric_array(y, label)
    check_samples(array, label, min_ndim=1)
    check_same_length(x, array, component, name)
    check_finite(array, label)
    if array.dtype.kind in "fb":
        array = cast_finite(array, dtype, label)
    return array


def prepare_sample_weight(
    sample_weight: Any,
    class_weight: Mapping[Any, float] | None,
    y: Array,
    loss: Loss | None = None,
    caller: str = "fit",
) -> Array | None:
    """Combine ``sample_weight`` and ``class_weight`` into one weight array.

    ``sample_weight`` has shape ``(N,)``, one weight per sample, or the
    leading axes of ``y``, such as ``(N, T)`` for targets ``(N, T)`` or
    ``(N, H, W)`` for one-hot targets ``(N, H, W, C)``, one weight per
    position. ``class_weight`` maps each class label to a weight, read per
    position by ``class_labels`` for ``loss``. The two multiply; the result
    has the larger of the two shapes, or is ``None`` when both are omitted.
    """
    weights: Array | None = None
    if sample_weight is not None:
        weights = _check_sample_weight(sample_weight, y, caller)
    if class_weight is None:
        return weights
    if not isinstance(class_weight, Mapping):
        raise InputTypeError(
            f"{caller}: expected class_weight as a dict from class label to "
            f"weight, got {type(class_weight).__name__}; pass, for example, "
            "class_weight={0: 1.0, 1: 5.0}."
        )
    labels = class_labels(y, loss)
    per_class = np.ones(labels.shape)
    for label in np.unique(labels):
        key = label.item()
        if key not in class_weight:
            raise InputValueError(
                f"{caller}: class_weight has no entry for class {key!r}, "
                f"got keys {sorted(class_weight)}; give a weight for each "
                "class in y."
            )
        per_class[labels == label] = check_number(
            class_weight[key], f"class_weight[{key!r}]", low=0.0
        )
    if weights is None:
        return per_class
    rank = max(weights.ndim, per_class.ndim)
    combined: Array = _pad_axes(weights, rank) * _pad_axes(per_class, rank)
    return combined


def _pad_axes(array: Array, rank: int) -> Array:
    return array.reshape(array.shape + (1,) * (rank - array.ndim))


def _check_sample_weight(sample_weight: Any, y: Array, caller: str) -> Array:
    name = f"{caller} sample_weight"
    weights = as_float_array(sample_weight, name, np.float64)
    n = len(y)
    if weights.shape == (n, 1) and y.ndim == 1:
        weights = weights.reshape(n)
    if weights.ndim == 0 or weights.shape != y.shape[: weights.ndim]:
        raise ShapeError(
            f"{caller}: expected sample_weight of shape ({n},), one weight per "
            f"sample, or the leading axes of y {y.shape}, one weight per "
            f"position, got {weights.shape}; pass one weight for each row of x."
        )
    check_finite(weights, name)
    if np.any(weights < 0):
        index = np.unravel_index(int(np.argmax(weights < 0)), weights.shape)
        raise InputValueError(
            f"{caller}: expected non-negative sample_weight, got "
            f"{weights[index]} at index {tuple(int(i) for i in index)}; use 0 "
            "to ignore a sample."
        )
    return weights


def class_labels(y: Array, loss: Loss | None = None) -> Array:
    """Return the class label of each sample, or of each position, in ``y``.

    - categorical cross-entropy: one-hot rows on the last axis, labels
      ``y.argmax(-1)`` of shape ``y.shape[:-1]``;
    - sparse categorical cross-entropy: integer labels as they are, with a
      trailing axis of size 1 dropped;
    - binary cross-entropy: every element rounded to 0 or 1, with a
      trailing axis of size 1 dropped;
    - any other loss (or none): integer labels of shape ``(N,)`` or
      ``(N, 1)`` as they are, a single column rounded, and the arg-max of
      each flattened row otherwise.
    """
    if isinstance(loss, CategoricalCrossEntropy):
        by_position: Array = y.argmax(axis=-1)
        return by_position
    if isinstance(loss, (SparseCategoricalCrossEntropy, BinaryCrossEntropy)):
        labels = y[..., 0] if y.ndim > 1 and y.shape[-1] == 1 else y
        if labels.dtype.kind in "iu":
            return labels
        rounded_all: Array = np.rint(labels).astype(np.int64)
        return rounded_all
    if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
        flat = y.reshape(len(y))
        if flat.dtype.kind in "iu":
            return flat
        rounded: Array = np.rint(flat).astype(np.int64)
        return rounded
    per_sample: Array = y.reshape(len(y), -1).argmax(axis=1)
    return per_sample


def check_finite_output(output: Array, first_row: int, component: str) -> None:
    """Raise ``NonFiniteOutputError`` naming the first row of ``output`` with NaN.

    ``first_row`` is the index in the caller's ``x`` of ``output[0]``.
    """
    good = np.isfinite(output)
    if good.all():
        return
    rows_ok = good.reshape(len(output), -1).all(axis=1)
    row = first_row + int(np.argmin(rows_ok))
    raise NonFiniteOutputError(
        f"{component}: expected finite model output, got NaN or infinity for "
        f"row {row} of x, which is finite; a layer overflowed, so scale the "
        "inputs (for example to zero mean and unit variance) or check the "
        "weights for NaN or very large values."
    )


def split_validation(
    n: int,
    validation_split: float,
    rng: np.random.Generator,
    labels: Array | None = None,
) -> tuple[Array, Array]:
    """Return ``(train_indices, validation_indices)`` for a random, seeded split.

    Unlike Keras, which holds out the last rows, the rows are drawn at random
    from the model's generator, so sorted data still gives a fair split.
    ``int(n * validation_split)`` rows are held out. With ``labels`` (one
    class label per sample) the split is stratified: each class gives
    ``n_class * validation_split`` rows, rounded so that the largest
    remainders take the rows left over.
    """
    fraction = check_number(
        validation_split, "validation_split", low=0.0, high=1.0, high_inclusive=False
    )
    n_val = int(n * fraction)
    if n_val == 0:
        raise ConfigurationError(
            f"fit: validation_split={validation_split} of {n} samples holds out "
            f"no sample (int({n} * {validation_split}) = 0), so the validation "
            "set would be empty; raise validation_split or pass validation_data."
        )
    if n_val == n:
        raise ConfigurationError(
            f"fit: validation_split={validation_split} of {n} samples leaves no "
            "training sample; lower validation_split."
        )
    if labels is None:
        order = rng.permutation(n)
        return np.sort(order[n_val:]), np.sort(order[:n_val])
    return _stratified_split(n_val, fraction, rng, labels)


def _stratified_split(
    n_val: int, fraction: float, rng: np.random.Generator, labels: Array
) -> tuple[Array, Array]:
    classes, inverse, counts = np.unique(
        labels, return_inverse=True, return_counts=True
    )
    exact = counts * fraction
    per_class = np.floor(exact).astype(np.int64)
    # Hand the rows still missing to the classes with the largest remainders.
    missing = n_val - int(per_class.sum())
    if missing > 0:
        by_remainder = np.argsort(-(exact - per_class), kind="stable")
        per_class[by_remainder[:missing]] += 1
    held_out = []
    for index in range(len(classes)):
        rows = rng.permutation(np.flatnonzero(inverse == index))
        held_out.append(rows[: per_class[index]])
    val_rows = np.sort(np.concatenate(held_out))
    train_mask = np.ones(len(labels), dtype=bool)
    train_mask[val_rows] = False
    return np.flatnonzero(train_mask), val_rows


def warn_single_class(
    y_val: Array, is_classification: bool, loss: Loss | None = None
) -> None:
    """Warn when a classification validation set holds only one class."""
    if is_classification and len(np.unique(class_labels(y_val, loss))) < 2:
        warnings.warn(
            "fit: the validation data holds only one class, so accuracy and "
            "loss on it say little; use a larger validation_split, "
            "validation_stratify=True, or validation_data with every class.",
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
