"""Input checks shared by layers, losses and models."""

from __future__ import annotations

import contextlib
import numbers
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    InputValueError,
    ShapeError,
)

# Elements checked per chunk by ``check_finite``. Checking in chunks keeps the
# temporary boolean mask at about 1 MiB when the input has millions of rows.
_FINITE_CHUNK_ELEMENTS = 1 << 20


def as_numeric_array(value: Any, name: str) -> NDArray[Any]:
    """Convert ``value`` to an ndarray of bool, integer or floating dtype.

    Raises:
        InputTypeError: if ``value`` contains strings, objects, complex numbers
            or nested lists of unequal length.
    """
    if isinstance(value, np.ndarray):
        array = value
    else:
        try:
            array = np.asarray(value)
        except ValueError:
            raise InputTypeError(
                f"{name}: expected a rectangular array of numbers, got a "
                f"ragged nested sequence{_row_lengths(value)}; pad the rows to "
                "one length or pass a numpy array."
            ) from None
    kind = array.dtype.kind
    if kind not in "biuf":
        raise InputTypeError(
            f"{name}: expected an array of bool, integer or float numbers, got "
            f"dtype {array.dtype}; convert it with np.asarray(..., dtype=float)."
        )
    return array


def _row_lengths(value: Any) -> str:
    """Describe the lengths of the top-level rows of a ragged sequence."""
    try:
        lengths = sorted({len(row) for row in value})
    except TypeError:
        return ""
    return f" with rows of lengths {lengths}"


def as_float_array(value: Any, name: str, dtype: DTypeLike) -> NDArray[Any]:
    """Convert ``value`` to ``dtype``, copying only when the dtype differs.

    A value too large for ``dtype`` becomes infinity without a warning; use
    ``cast_finite`` where that must raise instead.
    """
    array = as_numeric_array(value, name)
    with ignore_float_errors():
        return np.asarray(array, dtype=dtype)


def cast_finite(
    array: NDArray[Any], dtype: DTypeLike, name: str, first_row: int = 0
) -> NDArray[Any]:
    """Cast a finite ``array`` to ``dtype``; raise if a value overflows.

    ``first_row`` is the index of ``array[0]`` in the caller's array, so the
    message names the row as the caller counts it.

    Raises:
        InputValueError: if a value is too large for ``dtype``, such as 1e300
            cast to float32.
    """
    with ignore_float_errors():
        result = np.asarray(array, dtype=dtype)
    if result is array or array.dtype.kind != "f" or result.ndim == 0:
        return result
    good = np.isfinite(result)
    if good.all():
        return result
    row = int(np.argmin(good.reshape(len(result), -1).all(axis=1)))
    value = array[row].ravel()[~good[row].ravel()][0]
    raise InputValueError(
        f"{name}: expected values that fit in {np.dtype(dtype)} (at most "
        f"{float(np.finfo(dtype).max):.4g} in magnitude), got {value} in row "
        f"{first_row + row}; scale the data, or create the model with "
        "dtype=np.float64."
    )


def ignore_float_errors() -> np.errstate:
    """Return a context in which overflow and invalid operations do not warn.

    NaN or infinity in an input gives NaN or infinity in the output, as in
    IEEE arithmetic. ``fit`` reports a non-finite loss with its epoch and
    batch, and ``predict`` a non-finite output with its row, so NumPy's
    ``RuntimeWarning`` would only repeat that less precisely.
    """
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


class _LayerFloatErrors(threading.local):
    """Whether this thread's layers run inside ``ignore_float_errors``.

    A per-thread flag, because NumPy's error state is per thread too.
    """

    ignored = False


LAYER_FLOAT_ERRORS = _LayerFloatErrors()


@contextlib.contextmanager
def ignore_float_errors_in_layers() -> Iterator[None]:
    """Ignore float errors, and tell the layers called within that they are.

    ``fit`` runs its epochs in this context, so a layer whose own
    ``np.errstate`` costs as much as its arithmetic on a small batch, such
    as ``Sigmoid``, can skip it when ``LAYER_FLOAT_ERRORS.ignored`` is set.
    """
    previous = LAYER_FLOAT_ERRORS.ignored
    with ignore_float_errors():
        LAYER_FLOAT_ERRORS.ignored = True
        try:
            yield
        finally:
            LAYER_FLOAT_ERRORS.ignored = previous


def check_finite(array: NDArray[Any], name: str) -> None:
    """Raise ``InputValueError`` naming the first row with a NaN or infinity."""
    if array.dtype.kind != "f":
        return
    if array.ndim == 0:
        if not np.isfinite(array):
            raise InputValueError(
                f"{name}: expected finite numbers, got {array.item()!r}; "
                "replace NaN and infinity before training."
            )
        return
    row_size = max(1, array[0].size) if len(array) else 1
    chunk_rows = max(1, _FINITE_CHUNK_ELEMENTS // row_size)
    for start in range(0, len(array), chunk_rows):
        chunk = array[start : start + chunk_rows]
        good = np.isfinite(chunk)
        if good.all():
            continue
        rows_ok = good.reshape(len(chunk), -1).all(axis=1)
        row = start + int(np.argmin(rows_ok))
        bad = array[row].ravel()
        bad_value = bad[~np.isfinite(bad)][0]
        raise InputValueError(
            f"{name}: expected finite numbers, got {bad_value} in row {row}; "
            "remove or impute rows with NaN or infinity (for example with "
            "np.nan_to_num or sklearn.impute.SimpleImputer)."
        )


def check_samples(array: NDArray[Any], name: str, *, min_ndim: int = 2) -> None:
    """Check that ``array`` is batch-first with at least one sample."""
    if array.ndim < min_ndim:
        hint = "use x.reshape(-1, 1) for one feature or x.reshape(1, -1) for one sample"
        if min_ndim == 1:
            hint = "pass y as a list or array with one entry per sample, such as [y]"
        raise ShapeError(
            f"{name}: expected an array with a batch axis first, of at least "
            f"{min_ndim} dimensions, got shape {array.shape}; {hint}."
        )
    if len(array) == 0:
        raise ShapeError(
            f"{name}: the input has no samples (shape {array.shape}); pass at "
            "least one row."
        )


def check_same_length(
    x: NDArray[Any], y: NDArray[Any], component: str, y_name: str = "y"
) -> None:
    """Check that ``x`` and ``y`` hold the same number of samples."""
    if len(x) != len(y):
        raise ShapeError(
            f"{component}: expected x and {y_name} with the same number of "
            f"samples, got len(x)={len(x)} and len({y_name})={len(y)}; check "
            "that they come from the same split."
        )


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking that it is at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigurationError(
            f"{name} must be an integer >= {minimum}, got {value!r} of type "
            f"{type(value).__name__}; pass a whole number such as {max(minimum, 1)}."
        )
    if value < minimum:
        raise ConfigurationError(
            f"{name} must be an integer >= {minimum}, got {value}; pass a "
            f"whole number such as {max(minimum, 1)}."
        )
    return int(value)


def check_number(
    value: Any,
    name: str,
    *,
    low: float,
    high: float = float("inf"),
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float after checking that it lies in a range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigurationError(
            f"{name} must be a real number, got {value!r} of type "
            f"{type(value).__name__}; pass a float or an int."
        )
    number = float(value)
    above_low = number >= low if low_inclusive else number > low
    below_high = number <= high if high_inclusive else number < high
    if not (np.isfinite(number) and above_low and below_high):
        left = "[" if low_inclusive and np.isfinite(low) else "("
        right = "]" if high_inclusive and np.isfinite(high) else ")"
        raise ConfigurationError(
            f"{name} must be in {left}{low}, {high}{right}, got {value!r}; "
            "pass a value inside this interval."
        )
    return number


def reject_class(value: Any, base: type, name: str) -> None:
    """Raise ``InputTypeError`` when ``value`` is a subclass of ``base``.

    Passing ``Adam`` instead of ``Adam()`` is a common slip, and the
    generic "unknown" message would not show the fix.
    """
    if isinstance(value, type) and issubclass(value, base):
        raise InputTypeError(
            f"{name}: expected an instance of {base.__name__}, got the class "
            f"{value.__name__}; create one with {value.__name__}()."
        )
