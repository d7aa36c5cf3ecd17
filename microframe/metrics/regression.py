"""Regression metrics: mean absolute error and the coefficient of determination."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe._validation import as_numeric_array
from microframe.errors import ShapeError
from microframe.layers.base import Array
from microframe.losses.base import align_target
from microframe.metrics.base import MeanMetric, Metric, broadcast_weights


class MeanAbsoluteError(MeanMetric):
    """Mean of ``abs(y_true - y_pred)`` over all elements."""

    name = "mae"

    def _values(self, y_true: Array, y_pred: Array) -> Array:
        y_true = align_target(y_true, y_pred, "MeanAbsoluteError")
        result: Array = np.abs(y_true - y_pred)
        return result


class R2Score(Metric):
    """Coefficient of determination, ``1 - ss_res / ss_tot``, per output.

    For each output column ``k`` (targets flattened to ``(N, K)``)::

        ss_res = sum(w * (y_true - y_pred) ** 2)
        ss_tot = sum(w * (y_true - weighted_mean(y_true)) ** 2)

    and the result is the plain mean over the columns, as in
    ``sklearn.metrics.r2_score``. A column with constant targets scores 1.0
    when predicted exactly and 0.0 otherwise, like scikit-learn's
    ``force_finite=True``. Sums accumulate in float64 over every batch since
    the last ``reset``.
    """

    name = "r2"

    def __init__(self) -> None:
        self._sums: Array | None = None

    def reset(self) -> None:
        self._sums = None

    def update(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        prediction = as_numeric_array(y_pred, "R2Score y_pred").astype(np.float64)
        target = align_target(
            as_numeric_array(y_true, "R2Score y_true"), prediction, "R2Score"
        ).astype(np.float64)
        if sample_weight is None:
            full_weights = np.ones(target.shape)
        else:
            full_weights = broadcast_weights(sample_weight, target, "R2Score")
        n = len(target)
        target, prediction = target.reshape(n, -1), prediction.reshape(n, -1)
        weights = full_weights.reshape(n, -1)
        # Rows: sum w, sum w*y, sum w*y**2, sum w*(y - p)**2; one column per output.
        sums = np.stack(
            [
                weights.sum(axis=0),
                (weights * target).sum(axis=0),
                (weights * target * target).sum(axis=0),
                (weights * (target - prediction) ** 2).sum(axis=0),
            ]
        )
        if self._sums is None:
            self._sums = sums
        elif self._sums.shape != sums.shape:
            raise ShapeError(
                f"R2Score: expected {self._sums.shape[1]} outputs per sample as "
                f"in earlier batches, got {sums.shape[1]}; call reset() between "
                "different models."
            )
        else:
            self._sums += sums

    def result(self) -> float:
        if self._sums is None:
            return float("nan")
        total_weight, weighted_sum, weighted_squares, ss_res = self._sums
        with np.errstate(invalid="ignore", divide="ignore"):
            ss_tot = weighted_squares - weighted_sum**2 / total_weight
        ss_tot = np.maximum(ss_tot, 0.0)
        scores = np.where(
            ss_tot > 0.0,
            1.0 - ss_res / np.where(ss_tot > 0.0, ss_tot, 1.0),
            np.where(ss_res == 0.0, 1.0, 0.0),
        )
        return float(scores.mean())
