"""Losses: called as ``loss(y_true, y_pred)``; ``backward()`` returns the gradient."""

from __future__ import annotations

from microframe._validation import reject_class
from microframe.errors import ConfigurationError
from microframe.losses.base import Loss, align_target
from microframe.losses.probabilistic import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    SparseCategoricalCrossEntropy,
)
from microframe.losses.regression import HalfSquaredError, MeanSquaredError

_BY_NAME: dict[str, type[Loss]] = {
    "binary_crossentropy": BinaryCrossEntropy,
    "binary_cross_entropy": BinaryCrossEntropy,
    "categorical_crossentropy": CategoricalCrossEntropy,
    "categorical_cross_entropy": CategoricalCrossEntropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossEntropy,
    "sparse_categorical_cross_entropy": SparseCategoricalCrossEntropy,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "half_squared_error": HalfSquaredError,
}


def get(identifier: str | Loss) -> Loss:
    """Return the loss named ``identifier`` (Keras names work), or the object itself."""
    if isinstance(identifier, Loss):
        return identifier
    reject_class(identifier, Loss, "loss")
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ConfigurationError(
        f"unknown loss {identifier!r}; pass a Loss object or one of {sorted(_BY_NAME)}."
    )


__all__ = [
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "HalfSquaredError",
    "Loss",
    "MeanSquaredError",
    "SparseCategoricalCrossEntropy",
    "align_target",
    "get",
]
