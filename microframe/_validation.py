"""Input checks shared by layers, losses and models."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    InputValueError,
    ShapeError,
)

# Rows checked per chunk by ``check_finite``. Checking in chunks keeps the
# temporary boolean mask small when the input has millions of rows.
_FINITE_CHUNK_ROWS = 65536


def as_numeric_array(value: Any, name: str) -> NDArray[Any]:
    """Convert ``value`` to an ndarray of bool, integer or floating dtype.

    Raises:
        InputTypeError: if ``value`` holds strings, objects, complex numbers
            or nested lists of unequal length.
    """
    if isinstance(value, np.ndarray):
        array = value
    else:
        try:
            array = np.asarray(value)
        except ValueError as error:
            raise InputTypeError(
                f"{name}: expected a rectangular array of numbers, got a "
                f"ragged nested sequence ({error}); pad the rows to one length "
                "or pass a numpy array."
            ) from None
    kind = array.dtype.kind
    if kind not in "biuf":
        raise InputTypeError(
            f"{name}: expected an array of bool, integer or float numbers, got "
            f"dtype {array.dtype}; convert it with np.asarray(..., dtype=float)."
        )
    return array


def as_float_array(value: Any, name: str, dtype: DTypeLike) -> NDArray[Any]:
    """Convert ``value`` to ``dtype``, copying only when the dtype differs.

    Raises:
        InputValueError: if a finite value is outside the range of ``dtype``.
    """
    array = as_numeric_array(value, name)
    try:
        # errstate makes only an overflowing cast raise, so other casts cost
        # nothing extra.
        with np.errstate(over="raise"):
            return np.asarray(array, dtype=dtype)
    except FloatingPointError:
        target = np.dtype(dtype)
        raise InputValueError(
            f"{name}: a value is outside the {target} range (largest magnitude "
            f"{np.finfo(target).max:.4g}), so it would become infinity; scale "
            "the inputs or create the model with dtype=np.float64."
        ) from None


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
    for start in range(0, len(array), _FINITE_CHUNK_ROWS):
        chunk = array[start : start + _FINITE_CHUNK_ROWS]
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
        hint = "x.reshape(-1, 1) for one feature or x.reshape(1, -1) for one sample"
        raise ShapeError(
            f"{name}: expected an array with a batch axis first, of at least "
            f"{min_ndim} dimensions, got shape {array.shape}; use {hint}."
        )
    if len(array) == 0:
        raise ShapeError(
            f"{name}: the input has no samples (shape {array.shape}); pass at "
            "least one row."
        )


def check_same_length(x: NDArray[Any], y: NDArray[Any], y_name: str = "y") -> None:
    """Check that ``x`` and ``y`` hold the same number of samples."""
    if len(x) != len(y):
        raise ShapeError(
            f"x and {y_name} must have the same number of samples, got "
            f"len(x)={len(x)} and len({y_name})={len(y)}; check that they "
            "come from the same split."
        )


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking that it is at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigurationError(
            f"{name} must be an integer >= {minimum}, got {value!r}."
        )
    if value < minimum:
        raise ConfigurationError(
            f"{name} must be an integer >= {minimum}, got {value}."
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
        raise ConfigurationError(f"{name} must be a real number, got {value!r}.")
    number = float(value)
    above_low = number >= low if low_inclusive else number > low
    below_high = number <= high if high_inclusive else number < high
    if not (np.isfinite(number) and above_low and below_high):
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        raise ConfigurationError(
            f"{name} must be in {left}{low}, {high}{right}, got {value!r}."
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
