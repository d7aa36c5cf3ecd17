"""Shortcuts that keep small batches cheap give the results of the plain forms."""

import threading
import warnings

import numpy as np
import pytest

from microframe import SGD, BinaryCrossEntropy, Dense, Sequential, Sigmoid
from microframe._validation import LAYER_FLOAT_ERRORS, ignore_float_errors_in_layers
from microframe.activations import sigmoid, softmax
from microframe.losses.probabilistic import _clip

RNG = np.random.default_rng(3)


def test_sigmoid_extremes_exact_and_silent() -> None:
    x = np.array([[-1000.0, 0.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = sigmoid(x)
    np.testing.assert_array_equal(result, [[0.0, 0.5, 1.0]])


def test_sigmoid_inside_fit_context_matches_plain_formula() -> None:
    x = RNG.standard_normal((4, 3)) * 50
    with ignore_float_errors_in_layers():
        inside = sigmoid(x)
    with np.errstate(over="ignore"):
        expected = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_array_equal(inside, expected)


def test_layer_flag_is_restored_after_an_error() -> None:
    assert not LAYER_FLOAT_ERRORS.ignored
    with pytest.raises(ZeroDivisionError), ignore_float_errors_in_layers():
        assert LAYER_FLOAT_ERRORS.ignored
        _ = 1 / 0
    assert not LAYER_FLOAT_ERRORS.ignored


def test_layer_flag_belongs_to_one_thread() -> None:
    seen: list[bool] = []

    def record() -> None:
        seen.append(LAYER_FLOAT_ERRORS.ignored)

    with ignore_float_errors_in_layers():
        worker = threading.Thread(target=record)
        worker.start()
        worker.join()
    assert seen == [False]


def test_fit_saturated_sigmoid_silent() -> None:
    model = Sequential([Dense(2, 1), Sigmoid()], seed=0, dtype=np.float64)
    model.layers[0].params["weight"] = np.array([[1000.0], [-1000.0]])
    model.compile(loss=BinaryCrossEntropy(), optimizer=SGD(learning_rate=0.1))
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([[1.0], [0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, epochs=2, batch_size=1, verbose=0)
    assert not LAYER_FLOAT_ERRORS.ignored


@pytest.mark.parametrize("shape", [(1, 3), (5, 3), (2, 4, 3), (3,)])
def test_dense_matches_matmul_on_any_number_of_axes(shape: tuple[int, ...]) -> None:
    layer = Dense(3, 2)
    layer.build(rng=np.random.default_rng(0), dtype=np.float64)
    x = RNG.standard_normal(shape)
    weight = layer.params["weight"]
    np.testing.assert_array_equal(layer.forward(x), x @ weight + layer.params["bias"])
    grad = RNG.standard_normal(shape[:-1] + (2,))
    np.testing.assert_array_equal(layer.backward(grad), grad @ weight.T)
    flat_x = x.reshape(-1, 3)
    flat_grad = grad.reshape(-1, 2)
    np.testing.assert_array_equal(layer.grads["weight"], flat_x.T @ flat_grad)


def test_softmax_matches_textbook_form_and_keeps_dtype() -> None:
    x = RNG.standard_normal((6, 4)).astype(np.float32)
    expected = np.exp(x - x.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    result = softmax(x)
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, expected)
    assert softmax(np.array([[1, 2, 3]])).dtype == np.float64


def test_clip_matches_numpy_clip_with_nan() -> None:
    values = np.array([-1.0, 0.0, 1e-9, 0.5, 1.0, 2.0, np.nan])
    np.testing.assert_array_equal(_clip(values, 1e-7, 1.0), np.clip(values, 1e-7, 1.0))
