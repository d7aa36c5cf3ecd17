"""Metrics: stateful objects that accumulate over batches and report a float."""

from __future__ import annotations

from collections.abc import Callable

from microframe._validation import reject_class
from microframe.errors import ConfigurationError
from microframe.metrics.accuracy import (
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    accuracy_for,
)
from microframe.metrics.base import MeanMetric, Metric, broadcast_weights
from microframe.metrics.classification import (
    AUC,
    ConfusionMetric,
    F1Score,
    Precision,
    Recall,
    roc_auc,
)
from microframe.metrics.regression import MeanAbsoluteError, R2Score

_BY_NAME: dict[str, Callable[[], Metric]] = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "precision": Precision,
    "recall": Recall,
    "f1": F1Score,
    "f1_score": F1Score,
    "auc": AUC,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "r2": R2Score,
    "r2_score": R2Score,
}


def get(identifier: str | Metric) -> Metric | str:
    """Return the metric for ``identifier``, a new object for each name.

    ``"accuracy"`` (or ``"acc"``) is returned as the string ``"accuracy"``,
    which the model resolves once it receives the targets: binary accuracy for
    one output unit, sparse categorical accuracy for integer labels, and
    categorical accuracy otherwise.
    """
    if isinstance(identifier, Metric):
        return identifier
    reject_class(identifier, Metric, "metric")
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


__all__ = [
    "AUC",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "ConfusionMetric",
    "F1Score",
    "MeanAbsoluteError",
    "MeanMetric",
    "Metric",
    "Precision",
    "R2Score",
    "Recall",
    "SparseCategoricalAccuracy",
    "accuracy_for",
    "broadcast_weights",
    "get",
    "roc_auc",
]
