"""Metrics: values by hand, accumulation, weights and names."""

import numpy as np
import pytest

from microframe import metrics
from microframe.errors import ConfigurationError, ShapeError
from microframe.metrics import (
    AUC,
    BinaryAccuracy,
    CategoricalAccuracy,
    F1Score,
    MeanAbsoluteError,
    Metric,
    Precision,
    R2Score,
    Recall,
    SparseCategoricalAccuracy,
)

Y_TRUE = np.array([1, 1, 0, 0, 1, 1])
Y_SCORE = np.array([0.9, 0.8, 0.7, 0.1, 0.3, 0.2])  # predicted 1, 1, 1, 0, 0, 0


def value_of(
    metric: Metric, y_true: object, y_pred: object, weight: object = None
) -> float:
    metric.reset()
    metric.update(y_true, y_pred, weight)
    return metric.result()


def test_binary_accuracy_by_hand() -> None:
    assert value_of(BinaryAccuracy(), Y_TRUE, Y_SCORE) == pytest.approx(3 / 6)


def test_binary_accuracy_weighted() -> None:
    weights = [1, 1, 0, 1, 1, 1]  # drops the one false positive
    assert value_of(BinaryAccuracy(), Y_TRUE, Y_SCORE, weights) == pytest.approx(3 / 5)


def test_precision_recall_f1_by_hand() -> None:
    # tp = 2, fp = 1, fn = 2.
    assert value_of(Precision(), Y_TRUE, Y_SCORE) == pytest.approx(2 / 3)
    assert value_of(Recall(), Y_TRUE, Y_SCORE) == pytest.approx(1 / 2)
    assert value_of(F1Score(), Y_TRUE, Y_SCORE) == pytest.approx(4 / 7)


def test_precision_threshold() -> None:
    # Threshold 0.75: predicted 1, 1, 0, 0, 0, 0, so no false positive.
    assert value_of(Precision(threshold=0.75), Y_TRUE, Y_SCORE) == 1.0


def test_confusion_metrics_without_positives() -> None:
    zeros = np.zeros(3)
    assert value_of(Precision(), zeros, zeros) == 0.0
    assert value_of(Recall(), zeros, zeros) == 0.0
    assert value_of(F1Score(), zeros, zeros) == 0.0


@pytest.mark.parametrize("factory", [Precision, Recall, F1Score, AUC, BinaryAccuracy])
def test_batches_accumulate_like_one(factory: type[Metric]) -> None:
    whole = value_of(factory(), Y_TRUE, Y_SCORE)
    metric = factory()
    metric.update(Y_TRUE[:1], Y_SCORE[:1])
    metric.update(Y_TRUE[1:], Y_SCORE[1:])
    assert metric.result() == pytest.approx(whole)


def test_auc_by_hand() -> None:
    # Pairs (positive, negative) ranked right: 3 of 4.
    value = value_of(AUC(), [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert value == pytest.approx(0.75)


def test_auc_ties_count_half() -> None:
    assert value_of(AUC(), [0, 1, 1], [0.5, 0.5, 0.9]) == pytest.approx(0.75)


def test_auc_one_class_is_nan() -> None:
    assert np.isnan(value_of(AUC(), [1, 1], [0.2, 0.9]))


def test_auc_matches_sklearn_weighted() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=200)
    scores = np.round(rng.random(200), 2)  # rounding makes ties
    weights = rng.random(200)
    expected = sklearn_metrics.roc_auc_score(y, scores, sample_weight=weights)
    assert value_of(AUC(), y, scores, weights) == pytest.approx(expected, rel=1e-12)


def test_categorical_accuracy_sequences() -> None:
    y_true = np.eye(3)[[[0, 1], [2, 2]]]  # (2, 2, 3)
    y_pred = np.eye(3)[[[0, 2], [2, 1]]]
    assert value_of(CategoricalAccuracy(), y_true, y_pred) == pytest.approx(0.5)


def test_sparse_accuracy_by_hand() -> None:
    y_pred = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert value_of(SparseCategoricalAccuracy(), [1, 1, 1], y_pred) == pytest.approx(
        2 / 3
    )


def test_mae_by_hand() -> None:
    assert value_of(MeanAbsoluteError(), [[1.0], [2.0]], [[2.0], [0.0]]) == 1.5


def test_mae_per_position_weights() -> None:
    y_true = np.array([[1.0, 2.0], [3.0, 4.0]])
    y_pred = np.array([[0.0, 2.0], [3.0, 0.0]])  # errors 1, 0, 0, 4
    weights = np.array([[1.0, 1.0], [1.0, 0.0]])
    assert value_of(MeanAbsoluteError(), y_true, y_pred, weights) == pytest.approx(
        1 / 3
    )


def test_r2_by_hand() -> None:
    # ss_res = 1, ss_tot = 2.
    assert value_of(R2Score(), [1.0, 2.0, 3.0], [1.0, 2.0, 4.0]) == pytest.approx(0.5)


def test_r2_constant_target() -> None:
    assert value_of(R2Score(), [2.0, 2.0], [2.0, 2.0]) == 1.0
    assert value_of(R2Score(), [2.0, 2.0], [2.0, 3.0]) == 0.0


def test_r2_matches_sklearn_multi_output() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    y_true = rng.normal(size=(30, 3))
    y_pred = y_true + rng.normal(scale=0.5, size=(30, 3))
    weights = rng.random(30)
    metric = R2Score()
    metric.update(y_true[:10], y_pred[:10], weights[:10])
    metric.update(y_true[10:], y_pred[10:], weights[10:])
    expected = sklearn_metrics.r2_score(y_true, y_pred, sample_weight=weights)
    assert metric.result() == pytest.approx(expected, rel=1e-10)


def test_r2_rejects_changed_outputs() -> None:
    metric = R2Score()
    metric.update(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ShapeError, match="outputs"):
        metric.update(np.zeros((2, 3)), np.zeros((2, 3)))


def test_weights_of_wrong_shape_rejected() -> None:
    with pytest.raises(ShapeError, match="sample_weight"):
        value_of(MeanAbsoluteError(), np.zeros((2, 2)), np.zeros((2, 2)), [1, 1, 1])


def test_empty_metric_is_nan() -> None:
    assert np.isnan(MeanAbsoluteError().result())


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("precision", Precision),
        ("recall", Recall),
        ("f1", F1Score),
        ("auc", AUC),
        ("mae", MeanAbsoluteError),
        ("mean_absolute_error", MeanAbsoluteError),
        ("r2", R2Score),
        ("binary_accuracy", BinaryAccuracy),
    ],
)
def test_metric_by_name(name: str, kind: type[Metric]) -> None:
    assert isinstance(metrics.get(name), kind)


def test_unknown_metric_lists_names() -> None:
    with pytest.raises(ConfigurationError, match="'auc'"):
        metrics.get("roc")


def test_accuracy_name_resolved_later() -> None:
    assert metrics.get("acc") == "accuracy"
