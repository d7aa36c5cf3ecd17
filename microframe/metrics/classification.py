"""Precision, recall, F1 and ROC AUC for binary and multi-label outputs."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe._validation import as_numeric_array, check_number
from microframe.layers.base import Array
from microframe.losses.base import align_target
from microframe.metrics.base import Metric, broadcast_weights


def _prepare(
    y_true: Any, y_pred: Any, sample_weight: Any, owner: str
) -> tuple[Array, Array, Array]:
    """Return ``(labels, scores, weights)`` flattened to one entry per element."""
    scores = as_numeric_array(y_pred, f"{owner} y_pred").astype(np.float64)
    target = align_target(as_numeric_array(y_true, f"{owner} y_true"), scores, owner)
    labels = target > 0.5
    if sample_weight is None:
        weights = np.ones(scores.shape)
    else:
        weights = broadcast_weights(sample_weight, scores, owner)
    return labels.ravel(), scores.ravel(), weights.ravel()


class ConfusionMetric(Metric):
    """Weighted true-positive, false-positive and false-negative counts.

    Every element of ``y_pred`` is one yes/no decision, ``y_pred >
    threshold``, against ``y_true > 0.5``; for several output units the
    counts are summed over them (a micro average).
    """

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = check_number(
            threshold, f"{type(self).__name__} threshold", low=0.0, high=1.0
        )
        self.true_positives = 0.0
        self.false_positives = 0.0
        self.false_negatives = 0.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(threshold={self.threshold})"

    def reset(self) -> None:
        self.true_positives = 0.0
        self.false_positives = 0.0
        self.false_negatives = 0.0

    def update(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        owner = type(self).__name__
        labels, scores, weights = _prepare(y_true, y_pred, sample_weight, owner)
        predicted = scores > self.threshold
        self.true_positives += float(weights[predicted & labels].sum())
        self.false_positives += float(weights[predicted & ~labels].sum())
        self.false_negatives += float(weights[~predicted & labels].sum())


class Precision(ConfusionMetric):
    """``true_positives / (true_positives + false_positives)``; 0 with no positives."""

    name = "precision"

    def result(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0


class Recall(ConfusionMetric):
    """``true_positives / (true_positives + false_negatives)``; 0 with no positives."""

    name = "recall"

    def result(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 0.0


class F1Score(ConfusionMetric):
    """Harmonic mean of precision and recall: ``2 * tp / (2 * tp + fp + fn)``.

    0 when there are no positive targets and no positive predictions.
    """

    name = "f1"

    def result(self) -> float:
        tp = self.true_positives
        denominator = 2.0 * tp + self.false_positives + self.false_negatives
        return 2.0 * tp / denominator if denominator else 0.0


class AUC(Metric):
    """Area under the ROC curve for binary (or multi-label, pooled) outputs.

    Exact: every score since the last ``reset`` is kept, and the area is
    computed from the sorted scores with the trapezoidal rule, so tied
    scores count one half, as in ``sklearn.metrics.roc_auc_score``. Memory
    grows with the number of samples in an epoch (three float64 values per
    output element). When only one class is present the area is undefined
    and ``result()`` returns NaN.
    """

    name = "auc"

    def __init__(self) -> None:
        self._labels: list[Array] = []
        self._scores: list[Array] = []
        self._weights: list[Array] = []

    def reset(self) -> None:
        self._labels, self._scores, self._weights = [], [], []

    def update(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        labels, scores, weights = _prepare(y_true, y_pred, sample_weight, "AUC")
        self._labels.append(labels)
        self._scores.append(scores)
        self._weights.append(weights)

    def result(self) -> float:
        if not self._scores:
            return float("nan")
        return roc_auc(
            np.concatenate(self._labels),
            np.concatenate(self._scores),
            np.concatenate(self._weights),
        )


def roc_auc(labels: Array, scores: Array, weights: Array) -> float:
    """Return the weighted area under the ROC curve, NaN with one class only.

    Shapes:
        labels, scores, weights: ``(M,)``, one entry per decision.
    """
    order = np.argsort(-scores, kind="stable")
    scores, labels, weights = scores[order], labels[order], weights[order]
    true_positives = np.cumsum(weights * labels)
    false_positives = np.cumsum(weights * ~labels)
    # One point on the curve per distinct score: the last index of each run.
    ends = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tp = np.r_[0.0, true_positives[ends]]
    fp = np.r_[0.0, false_positives[ends]]
    if tp[-1] == 0.0 or fp[-1] == 0.0:
        return float("nan")
    tpr, fpr = tp / tp[-1], fp / fp[-1]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))
