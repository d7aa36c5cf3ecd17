"""Tests for the scikit-learn estimators."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import BaseEstimator, clone, is_classifier, is_regressor
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from microframe import Dense, Dropout, ReLU, Softmax, Tanh
from microframe.errors import ConfigurationError, InputValueError
from microframe.sklearn import NeuralNetClassifier, NeuralNetRegressor

# Mini-batch training uses a sample of weight 2 once per epoch, but a
# repeated sample twice in different batches, so the two fits differ.
# scikit-learn marks the same check as an expected failure for SGDClassifier.
SAMPLE_WEIGHT_REASON = (
    "mini-batch training is not equivalent to repeating weighted samples"
)


def expected_failures(estimator: BaseEstimator) -> dict[str, str]:
    return {"check_sample_weight_equivalence_on_dense_data": SAMPLE_WEIGHT_REASON}


# scikit-learn is untyped, so its decorator is too.
@parametrize_with_checks(  # type: ignore[untyped-decorator]
    [NeuralNetClassifier(), NeuralNetRegressor()],
    expected_failed_checks=expected_failures,
)
def test_sklearn_estimator_checks(estimator: BaseEstimator, check: Any) -> None:
    check(estimator)


def blobs(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two well separated clusters in 2-D, labelled 0 and 1."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    centers = np.array([[-2.0, -2.0], [2.0, 2.0]])
    x = centers[labels] + 0.5 * rng.standard_normal((n, 2))
    return x, labels


def test_classifier_mixins_detected() -> None:
    assert is_classifier(NeuralNetClassifier())
    assert is_regressor(NeuralNetRegressor())


def test_classifier_string_labels() -> None:
    x, labels = blobs()
    y = np.array(["spam", "ham"])[labels]
    clf = NeuralNetClassifier((8,), epochs=20, random_state=0).fit(x, y)
    assert clf.classes_.tolist() == ["ham", "spam"]
    assert clf.predict(x[:4]).tolist() == y[:4].tolist()
    assert clf.score(x, y) == 1.0


def test_classifier_predict_proba_rows() -> None:
    x, labels = blobs()
    clf = NeuralNetClassifier((8,), epochs=5, random_state=0).fit(x, labels + 5)
    proba = clf.predict_proba(x)
    assert proba.shape == (60, 2)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert clf.classes_.tolist() == [5, 6]


def test_classifier_network_layout() -> None:
    x, labels = blobs()
    clf = NeuralNetClassifier((6, 4), activation="tanh", dropout=0.2, epochs=1)
    layers = clf.fit(x, labels).model_.layers
    kinds = [type(layer) for layer in layers]
    assert kinds == [Dense, Tanh, Dropout, Dense, Tanh, Dropout, Dense, Softmax]
    assert [layer.params["weight"].shape for layer in layers[::3]] == [
        (2, 6),
        (6, 4),
        (4, 2),
    ]


def test_fit_same_random_state_repeats() -> None:
    x, labels = blobs()
    clf = NeuralNetClassifier((8,), epochs=3, random_state=3)
    first = clf.fit(x, labels).predict_proba(x)
    second = clf.fit(x, labels).predict_proba(x)
    np.testing.assert_array_equal(first, second)


def test_clone_keeps_params_drops_fit() -> None:
    clf = NeuralNetClassifier((5,), learning_rate=0.05, epochs=2, random_state=1)
    clf.fit(*blobs())
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "model_")


def test_set_params_changes_network() -> None:
    x, labels = blobs()
    clf = NeuralNetClassifier().set_params(hidden_layer_sizes=(3,), epochs=1)
    assert clf.get_params()["hidden_layer_sizes"] == (3,)
    assert clf.fit(x, labels).model_.layers[0].params["weight"].shape == (2, 3)


def test_partial_fit_classes_first_call() -> None:
    x, labels = blobs()
    clf = NeuralNetClassifier((8,), random_state=0)
    clf.partial_fit(x[labels == 0], labels[labels == 0], classes=[0, 1])
    clf.partial_fit(x[labels == 1], labels[labels == 1])
    assert clf.classes_.tolist() == [0, 1]
    assert clf.n_iter_ == 2
    assert clf.predict_proba(x).shape == (60, 2)


def test_partial_fit_unknown_label_raises() -> None:
    x, labels = blobs()
    clf = NeuralNetClassifier((8,), random_state=0).partial_fit(x, labels)
    with pytest.raises(InputValueError, match="label 7 is not in classes_"):
        clf.partial_fit(x[:2], np.array([0, 7]))


def test_partial_fit_continues_training() -> None:
    x, labels = blobs()
    clf = NeuralNetClassifier((8,), learning_rate=0.05, random_state=0)
    losses = []
    for _ in range(5):
        clf.partial_fit(x, labels)
        losses.append(clf.model_.evaluate(x, labels)["loss"])
    assert losses[-1] < losses[0]


def test_regressor_output_shapes() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3))
    y = x @ np.array([1.0, -2.0, 0.5])
    reg = NeuralNetRegressor((8,), epochs=2, random_state=0)
    assert reg.fit(x, y).predict(x).shape == (40,)
    assert reg.fit(x, np.stack([y, -y], axis=1)).predict(x).shape == (40, 2)


def test_regressor_fits_linear_target() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 3))
    y = x @ np.array([1.0, -2.0, 0.5])
    reg = NeuralNetRegressor((16,), epochs=60, random_state=0).fit(x, y)
    assert reg.score(x, y) > 0.95


def test_pipeline_grid_search() -> None:
    x, labels = blobs(80)
    pipeline = make_pipeline(
        StandardScaler(), NeuralNetClassifier(epochs=5, random_state=0)
    )
    grid = GridSearchCV(
        pipeline,
        {"neuralnetclassifier__hidden_layer_sizes": [(2,), (8,)]},
        cv=2,
    )
    grid.fit(x, labels)
    assert grid.best_params_["neuralnetclassifier__hidden_layer_sizes"] in [
        (2,),
        (8,),
    ]
    assert grid.score(x, labels) > 0.9


def test_cross_val_score_regressor() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((90, 2))
    y = x[:, 0] - x[:, 1]
    scores = cross_val_score(NeuralNetRegressor(epochs=30, random_state=0), x, y, cv=3)
    assert scores.shape == (3,)
    assert scores.min() > 0.8


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"activation": "swish"}, "activation must be one of"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of"),
        ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes must contain positive"),
    ],
)
def test_invalid_params_raise(params: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        NeuralNetClassifier(**params).fit(*blobs())


def test_all_zero_sample_weight_raises() -> None:
    x, labels = blobs()
    with pytest.raises(InputValueError, match="every sample_weight is zero"):
        NeuralNetClassifier().fit(x, labels, sample_weight=np.zeros(60))


def test_relu_is_default_activation() -> None:
    layers = NeuralNetRegressor(epochs=1).fit(*blobs()).model_.layers
    assert [type(layer) for layer in layers] == [Dense, ReLU, Dense]
