"""fit's fast path: checks once per fit, unchecked batches, skipped gradients."""

from typing import Any

import numpy as np
import pytest

from microframe import (
    SGD,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Dense,
    HalfSquaredError,
    Layer,
    MeanSquaredError,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    SparseCategoricalCrossEntropy,
)
from microframe.errors import InputValueError
from microframe.layers.base import Array
from microframe.losses import Loss
from microframe.training import prepare_x

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((6, 3))
PROBABILITIES = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
LABELS = np.array([0, 2, 1, 1, 0, 2])
ONE_HOT = np.eye(3)[LABELS]
WEIGHTS = np.array([1.0, 0.5, 2.0, 0.0, 1.0, 3.0])

LOSS_CASES: list[tuple[Loss, Array, Array]] = [
    (MeanSquaredError(), ONE_HOT, LOGITS),
    (HalfSquaredError(reduction="sum"), ONE_HOT, LOGITS),
    (BinaryCrossEntropy(), ONE_HOT, PROBABILITIES),
    (BinaryCrossEntropy(from_logits=True), ONE_HOT, LOGITS),
    (CategoricalCrossEntropy(), ONE_HOT, PROBABILITIES),
    (SparseCategoricalCrossEntropy(), LABELS, PROBABILITIES),
    (SparseCategoricalCrossEntropy(from_logits=True), LABELS, LOGITS),
]


@pytest.mark.parametrize("weights", [None, WEIGHTS])
@pytest.mark.parametrize(("loss", "y_true", "y_pred"), LOSS_CASES)
def test_loss_forward_matches_checked_call(
    loss: Loss, y_true: Array, y_pred: Array, weights: Array | None
) -> None:
    checked = loss(y_true, y_pred, weights)
    checked_grad = loss.backward()
    targets = loss.prepare_targets(y_true, y_pred)
    unchecked = loss.forward(targets, y_pred, weights)
    assert unchecked == checked
    np.testing.assert_array_equal(loss.backward(), checked_grad)


def test_prepare_targets_accepts_broadcast_stand_in() -> None:
    stand_in = np.broadcast_to(PROBABILITIES[:1], PROBABILITIES.shape)
    targets = SparseCategoricalCrossEntropy().prepare_targets(LABELS, stand_in)
    np.testing.assert_array_equal(targets, LABELS)


def test_fit_checks_labels_of_every_batch() -> None:
    model = Sequential([Dense(2, 3), Softmax()], seed=0)
    model.compile(loss=SparseCategoricalCrossEntropy(), optimizer=SGD())
    before = model.get_weights()
    x = np.ones((8, 2))
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 3])
    with pytest.raises(InputValueError, match="label 3 is out of range"):
        model.fit(x, labels, batch_size=2, shuffle=False, verbose=0)
    np.testing.assert_array_equal(model.get_weights()[0]["weight"], before[0]["weight"])


def train_by_hand(model: Sequential, x: Array, y: Array, batch_size: int) -> None:
    assert model.loss is not None and model.optimizer is not None
    for start in range(0, len(x), batch_size):
        output = model.forward(x[start : start + batch_size], training=True)
        model.loss(y[start : start + batch_size], output)
        model.backward(model.loss.backward())
        model.optimizer.step(model.layers)


def mlp(seed: int) -> Sequential:
    model = Sequential(
        [Dense(4, 5), ReLU(), Dense(5, 3), Sigmoid()], seed=seed, dtype=np.float64
    )
    model.compile(loss=MeanSquaredError(), optimizer=SGD(learning_rate=0.1))
    return model


def test_fit_matches_public_calls() -> None:
    x = RNG.standard_normal((10, 4))
    y = RNG.random((10, 3))
    fitted, by_hand = mlp(seed=3), mlp(seed=3)
    fitted.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    train_by_hand(by_hand, x, y, batch_size=4)
    for got, expected in zip(fitted.get_weights(), by_hand.get_weights(), strict=True):
        for key in expected:
            np.testing.assert_array_equal(got[key], expected[key])


class NoInputGradient(Dense):
    """A Dense layer whose input gradient must never be computed."""

    def backward(self, grad_output: Array) -> Array:
        raise AssertionError("fit computed the first layer's input gradient")


def test_fit_skips_first_input_gradient() -> None:
    model = Sequential([NoInputGradient(2, 3), ReLU(), Dense(3, 1)], seed=0)
    model.compile(loss=MeanSquaredError(), optimizer=SGD())
    model.fit(np.ones((4, 2)), np.zeros(4), verbose=0)
    assert model.layers[0].grads["weight"].shape == (2, 3)


class CountingLayer(Layer):
    """A parameter-free identity layer that counts its backward calls."""

    def __init__(self) -> None:
        super().__init__()
        self.backward_calls = 0

    def forward(self, x: Array, training: bool = False) -> Array:
        return x

    def backward(self, grad_output: Array) -> Array:
        self.backward_calls += 1
        return grad_output


def test_backward_params_default_calls_backward() -> None:
    layer = CountingLayer()
    layer.backward_params(np.ones((2, 2)))
    assert layer.backward_calls == 1


def test_dense_backward_params_grads() -> None:
    layer = Dense(2, 2)
    layer.build(np.random.default_rng(0), np.float64)
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 1.0]])
    grad = np.array([[1.0, 0.0], [2.0, -1.0], [0.5, 4.0]])
    layer.forward(x)
    layer.backward_params(grad)
    np.testing.assert_array_equal(layer.grads["weight"], [[7.0, -3.0], [0.5, 5.0]])
    np.testing.assert_array_equal(layer.grads["bias"], [3.5, 3.0])


def test_relu_backward_uses_forward_mask() -> None:
    layer = ReLU()
    layer.forward(np.array([[-1.0, 0.0, 2.0]]))
    grad = layer.backward(np.array([[5.0, 6.0, 7.0]]))
    np.testing.assert_array_equal(grad, [[0.0, 0.0, 7.0]])


def test_prepare_x_keeps_float32_input() -> None:
    x = np.ones((3, 2), dtype=np.float32)
    assert prepare_x(x, np.float32, "fit") is x


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_prepare_x_names_nonfinite_row(bad: Any) -> None:
    x = np.ones((5, 2), dtype=np.float32)
    x[3, 1] = bad
    with pytest.raises(InputValueError, match="row 3"):
        prepare_x(x, np.float32, "fit")
