import math
import warnings

import numpy as np
import pytest

from microframe import Dense, Sequential, gradcheck
from microframe.activations import (
    ELU,
    GELU,
    SELU,
    Activation,
    HardSigmoid,
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from microframe.errors import ConfigurationError

NEW_ACTIVATIONS: list[Activation] = [
    ELU(),
    ELU(alpha=0.5),
    SELU(),
    GELU(),
    GELU(approximate=False),
    SiLU(),
    Softplus(),
    Softsign(),
    HardSigmoid(),
    LogSoftmax(),
]

ALL_ACTIVATIONS: list[type[Activation]] = [
    Sigmoid,
    Tanh,
    ReLU,
    LeakyReLU,
    Softmax,
    Identity,
    ELU,
    SELU,
    GELU,
    SiLU,
    Softplus,
    Softsign,
    HardSigmoid,
    LogSoftmax,
]


def test_at_least_fourteen_activations() -> None:
    assert len(set(ALL_ACTIVATIONS)) >= 14


@pytest.mark.parametrize("activation", NEW_ACTIVATIONS, ids=repr)
@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("batch", [1, 3])
def test_new_activation_gradcheck(
    activation: Activation, training: bool, batch: int
) -> None:
    model = Sequential([Dense(4, 5), activation], seed=2, dtype=np.float64)
    x = np.random.default_rng(3).standard_normal((batch, 4))
    assert gradcheck(model, x, training=training).passed


@pytest.mark.parametrize("activation", ALL_ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_activations_finite_at_extremes(
    activation: type[Activation], dtype: type
) -> None:
    x: np.ndarray = np.array([[-1000.0, -1.0, 0.0, 1.0, 1000.0]], dtype=dtype)
    layer = activation()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer.forward(x)
        grad = layer.backward(np.ones_like(out))
    assert np.all(np.isfinite(out))
    assert np.all(np.isfinite(grad))
    assert out.dtype == dtype
    assert grad.dtype == dtype


@pytest.mark.parametrize("activation", NEW_ACTIVATIONS, ids=repr)
def test_backward_twice_same_result(activation: Activation) -> None:
    x = np.array([[-2.0, -0.5, 0.0, 0.7, 4.0]])
    out = activation.forward(x)
    grad = np.arange(5.0).reshape(1, 5)
    first = activation.backward(grad)
    second = activation.backward(grad)
    assert out.shape == x.shape
    np.testing.assert_array_equal(first, second)


def test_elu_values_by_hand() -> None:
    layer = ELU(alpha=2.0)
    out = layer.forward(np.array([[-1.0, 0.0, 3.0]]))
    np.testing.assert_allclose(out, [[2.0 * (math.exp(-1.0) - 1.0), 0.0, 3.0]])
    slope = layer.backward(np.ones((1, 3)))
    np.testing.assert_allclose(slope, [[2.0 * math.exp(-1.0), 2.0, 1.0]])


def test_selu_values_by_hand() -> None:
    out = SELU().forward(np.array([1.0, -1.0]))
    scale, alpha = 1.0507009873554805, 1.6732632423543772
    np.testing.assert_allclose(out, [scale, scale * alpha * (math.exp(-1) - 1)])


def test_gelu_exact_values_by_hand() -> None:
    out = GELU(approximate=False).forward(np.array([1.0, -1.0, 0.0]))
    phi = 0.5 * (1.0 + math.erf(1.0 / math.sqrt(2.0)))
    np.testing.assert_allclose(out, [phi, -(1.0 - phi), 0.0], rtol=1e-15)


def test_gelu_tanh_close_to_exact() -> None:
    x = np.linspace(-4.0, 4.0, 41)
    approx = GELU().forward(x)
    exact = GELU(approximate=False).forward(x)
    np.testing.assert_allclose(approx, exact, atol=1e-3)


def test_silu_slope_at_zero() -> None:
    layer = SiLU()
    layer.forward(np.array([0.0]))
    np.testing.assert_array_equal(layer.backward(np.array([1.0])), [0.5])


def test_softplus_values_by_hand() -> None:
    out = Softplus().forward(np.array([0.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(out, [math.log(2.0), 1000.0, 0.0])


def test_softsign_values_by_hand() -> None:
    layer = Softsign()
    out = layer.forward(np.array([1.0, -3.0]))
    np.testing.assert_array_equal(out, [0.5, -0.75])
    np.testing.assert_array_equal(layer.backward(np.ones(2)), [0.25, 1.0 / 16.0])


def test_hard_sigmoid_values_by_hand() -> None:
    layer = HardSigmoid()
    out = layer.forward(np.array([-4.0, -3.0, 0.0, 1.5, 4.0]))
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.5, 0.75, 1.0])
    slope = layer.backward(np.ones(5))
    np.testing.assert_array_equal(slope, [0.0, 0.0, 1 / 6, 1 / 6, 0.0])


def test_log_softmax_values_by_hand() -> None:
    out = LogSoftmax().forward(np.array([[0.0, 0.0], [1000.0, -1000.0]]))
    np.testing.assert_allclose(out, [[-math.log(2.0)] * 2, [0.0, -2000.0]])


def test_log_softmax_matches_log_of_softmax() -> None:
    x = np.random.default_rng(0).standard_normal((3, 4))
    np.testing.assert_allclose(
        LogSoftmax().forward(x), np.log(Softmax().forward(x)), rtol=1e-12
    )


def test_elu_rejects_negative_alpha() -> None:
    with pytest.raises(ConfigurationError, match="ELU alpha"):
        ELU(alpha=-1.0)


@pytest.mark.parametrize(
    "last", [ELU(), SELU(), GELU(), SiLU(), Softplus(), Softsign(), LogSoftmax()]
)
def test_unsquashed_output_rejects_crossentropy(last: Activation) -> None:
    model = Sequential([Dense(2, 2), last])
    with pytest.raises(ConfigurationError, match="not in \\[0, 1\\]"):
        model.compile(loss="binary_crossentropy")


def test_hard_sigmoid_output_accepts_crossentropy() -> None:
    model = Sequential([Dense(2, 1), HardSigmoid()])
    model.compile(loss="binary_crossentropy")
    assert model.loss is not None
