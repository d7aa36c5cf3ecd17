import warnings

import numpy as np
import pytest

from microframe import (
    Dense,
    Identity,
    LeakyReLU,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
    gradcheck,
)
from microframe.activations import Activation
from microframe.errors import ConfigurationError

ACTIVATIONS: list[type[Activation]] = [
    Sigmoid,
    Tanh,
    ReLU,
    LeakyReLU,
    Softmax,
    Identity,
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("batch", [1, 3])
def test_activation_gradcheck(activation: type[Activation], batch: int) -> None:
    model = Sequential([Dense(4, 5), activation()], seed=2, dtype=np.float64)
    x = np.random.default_rng(3).standard_normal((batch, 4))
    assert gradcheck(model, x).passed


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_finite_at_extremes(
    activation: type[Activation], dtype: type
) -> None:
    x: np.ndarray = np.array([[-1000.0, 0.0, 1000.0]], dtype=dtype)
    layer = activation()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer.forward(x)
        grad = layer.backward(np.ones_like(out))
    assert np.all(np.isfinite(out))
    assert np.all(np.isfinite(grad))


def test_sigmoid_extremes_exact() -> None:
    out = Sigmoid().forward(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])


def test_softmax_extremes_exact() -> None:
    out = Softmax().forward(np.array([[1000.0, 1000.0], [-1000.0, -1000.0]]))
    np.testing.assert_array_equal(out, [[0.5, 0.5], [0.5, 0.5]])


def test_relu_values_by_hand() -> None:
    layer = ReLU()
    out = layer.forward(np.array([[-2.0, 0.0, 3.0]]))
    np.testing.assert_array_equal(out, [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(layer.backward(np.ones((1, 3))), [[0.0, 0.0, 1.0]])


def test_leaky_relu_slope_by_hand() -> None:
    layer = LeakyReLU(negative_slope=0.1)
    out = layer.forward(np.array([[-2.0, 3.0]]))
    np.testing.assert_allclose(out, [[-0.2, 3.0]])


def test_leaky_relu_rejects_negative_slope() -> None:
    with pytest.raises(ConfigurationError, match="negative_slope"):
        LeakyReLU(negative_slope=-1.0)


def test_activation_keeps_float32() -> None:
    x: np.ndarray = np.ones((2, 3), dtype=np.float32)
    for activation in ACTIVATIONS:
        assert activation().forward(x).dtype == np.float32
