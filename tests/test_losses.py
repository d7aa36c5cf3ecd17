import math
import warnings

import numpy as np
import pytest

from microframe import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    HalfSquaredError,
    MeanSquaredError,
    SparseCategoricalCrossEntropy,
    gradcheck_loss,
)
from microframe.errors import (
    ConfigurationError,
    InputValueError,
    NotFittedError,
    ShapeError,
)
from microframe.losses import Loss


def test_mse_mean_over_elements() -> None:
    loss = MeanSquaredError()
    value = loss(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [3.0, 8.0]]))
    assert value == pytest.approx((4 + 16) / 4)
    np.testing.assert_allclose(loss.backward(), [[0.0, -1.0], [0.0, 2.0]])


def test_mse_sum_reduction() -> None:
    loss = MeanSquaredError(reduction="sum")
    assert loss(np.array([[1.0], [2.0]]), np.array([[0.0], [0.0]])) == pytest.approx(
        5.0
    )


def test_half_squared_error_gradient() -> None:
    loss = HalfSquaredError(reduction="sum")
    assert loss(np.array([[0.6]]), np.array([[0.5]])) == pytest.approx(0.005)
    np.testing.assert_allclose(loss.backward(), [[-0.1]])


def test_bce_mean_by_hand() -> None:
    loss = BinaryCrossEntropy()
    value = loss(np.array([1.0, 0.0]), np.array([0.8, 0.4]))
    assert value == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)


def test_bce_from_logits_matches_probabilities() -> None:
    z = np.array([[-3.0], [0.5], [2.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    p = 1 / (1 + np.exp(-z))
    assert BinaryCrossEntropy(from_logits=True)(y, z) == pytest.approx(
        BinaryCrossEntropy()(y, p), rel=1e-9
    )


def test_bce_confident_wrong_is_finite() -> None:
    loss = BinaryCrossEntropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = loss(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
        grad = loss.backward()
    assert np.isfinite(value)
    assert value > 15
    assert np.all(np.isfinite(grad))


def test_bce_perfect_prediction_near_zero() -> None:
    value = BinaryCrossEntropy()(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    assert 0.0 <= value < 1e-6


def test_bce_logits_extremes_finite() -> None:
    loss = BinaryCrossEntropy(from_logits=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = loss(np.array([[0.0], [1.0]]), np.array([[1000.0], [-1000.0]]))
    assert value == pytest.approx(1000.0)


def test_labels_n_against_n_by_1() -> None:
    y_pred = np.array([[0.1], [0.2], [0.3], [0.4]])
    flat = MeanSquaredError()(np.array([0.0, 1.0, 0.0, 1.0]), y_pred)
    column = MeanSquaredError()(np.array([[0.0], [1.0], [0.0], [1.0]]), y_pred)
    assert flat == column


def test_labels_shape_mismatch_names_both() -> None:
    with pytest.raises(ShapeError, match=r"\(4, 2\).*\(4, 1\)"):
        MeanSquaredError()(np.zeros((4, 2)), np.zeros((4, 1)))


def test_cce_by_hand() -> None:
    loss = CategoricalCrossEntropy()
    value = loss(
        np.array([[0, 1, 0], [1, 0, 0]]), np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])
    )
    assert value == pytest.approx(-(math.log(0.7) + math.log(0.5)) / 2)


def test_cce_integer_labels_message() -> None:
    with pytest.raises(
        ShapeError, match=r"one-hot encode.*SparseCategoricalCrossEntropy"
    ):
        CategoricalCrossEntropy()(np.array([0, 2, 1]), np.full((3, 3), 1 / 3))


def test_sparse_matches_one_hot() -> None:
    p = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])
    sparse = SparseCategoricalCrossEntropy()(np.array([1, 0]), p)
    dense = CategoricalCrossEntropy()(np.eye(3)[[1, 0]], p)
    assert sparse == pytest.approx(dense)


def test_sparse_label_out_of_range() -> None:
    with pytest.raises(
        InputValueError, match="label 10 is out of range for 10 classes"
    ):
        SparseCategoricalCrossEntropy()(np.array([10]), np.full((1, 10), 0.1))


def test_sample_weight_scales_like_keras() -> None:
    y, p = np.array([[1.0], [0.0]]), np.array([[0.5], [0.5]])
    plain = MeanSquaredError()(y, p)
    weighted = MeanSquaredError()(y, p, sample_weight=np.array([2.0, 0.0]))
    assert weighted == pytest.approx(plain)


def test_probability_loss_rejects_logits() -> None:
    with pytest.raises(InputValueError, match="from_logits=True"):
        BinaryCrossEntropy()(np.array([1.0]), np.array([3.0]))


def test_backward_before_call() -> None:
    with pytest.raises(NotFittedError):
        MeanSquaredError().backward()


def test_unknown_reduction() -> None:
    with pytest.raises(ConfigurationError, match="reduction"):
        MeanSquaredError(reduction="avg")


RNG = np.random.default_rng(0)
PROBS = RNG.uniform(0.05, 0.95, size=(4, 3))
SOFT = PROBS / PROBS.sum(axis=1, keepdims=True)
LOSS_CASES: list[tuple[Loss, np.ndarray, np.ndarray]] = [
    (MeanSquaredError(), RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))),
    (HalfSquaredError(), RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))),
    (BinaryCrossEntropy(), RNG.integers(0, 2, (4, 3)).astype(float), PROBS),
    (
        BinaryCrossEntropy(from_logits=True),
        RNG.integers(0, 2, (4, 3)).astype(float),
        RNG.standard_normal((4, 3)),
    ),
    (CategoricalCrossEntropy(), np.eye(3)[[0, 2, 1, 1]], SOFT),
    (
        CategoricalCrossEntropy(from_logits=True),
        np.eye(3)[[0, 2, 1, 1]],
        RNG.standard_normal((4, 3)),
    ),
    (SparseCategoricalCrossEntropy(), np.array([0, 2, 1, 1]), SOFT),
    (
        SparseCategoricalCrossEntropy(from_logits=True),
        np.array([0, 2, 1, 1]),
        RNG.standard_normal((4, 3)),
    ),
]


@pytest.mark.parametrize(("loss", "y_true", "y_pred"), LOSS_CASES, ids=repr)
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_gradcheck(
    loss: Loss, y_true: np.ndarray, y_pred: np.ndarray, weighted: bool
) -> None:
    weights = np.array([1.0, 2.0, 0.5, 0.0]) if weighted else None
    assert gradcheck_loss(loss, y_true, y_pred, sample_weight=weights) <= 1.0


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_loss_gradcheck_sum_and_mean(reduction: str) -> None:
    loss = BinaryCrossEntropy(reduction=reduction)
    assert (
        gradcheck_loss(loss, np.array([[1.0], [0.0]]), np.array([[0.3], [0.6]])) <= 1.0
    )


def test_float16_prediction_gradient_finite() -> None:
    loss = CategoricalCrossEntropy()
    y_pred = np.array([[1.0, 0.0]], dtype=np.float16)
    loss(np.array([[0.0, 1.0]]), y_pred)
    grad = loss.backward()
    assert grad.dtype == np.float32
    assert np.all(np.isfinite(grad))
