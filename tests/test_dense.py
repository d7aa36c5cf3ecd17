import numpy as np
import pytest

from microframe import Dense, Sequential, Sigmoid, gradcheck
from microframe.errors import ConfigurationError, NotFittedError, ShapeError


def test_dense_weight_shape_is_in_out() -> None:
    layer = Dense(3, 2)
    layer.build(np.random.default_rng(0))
    assert layer.params["weight"].shape == (3, 2)
    assert layer.params["bias"].shape == (2,)


def test_dense_forward_values_by_hand() -> None:
    layer = Dense(2, 2)
    layer.build(dtype=np.float64)
    layer.params["weight"] = [[1, 2], [3, 4]]
    layer.params["bias"] = [0.5, -0.5]
    out = layer.forward(np.array([[1.0, 1.0]]))
    np.testing.assert_array_equal(out, [[4.5, 5.5]])


def test_dense_backward_values_by_hand() -> None:
    layer = Dense(2, 1)
    layer.build(dtype=np.float64)
    layer.params["weight"] = [[2.0], [3.0]]
    layer.forward(np.array([[1.0, -1.0], [0.5, 2.0]]))
    grad_input = layer.backward(np.array([[1.0], [2.0]]))
    np.testing.assert_array_equal(layer.grads["weight"], [[2.0], [3.0]])
    np.testing.assert_array_equal(layer.grads["bias"], [3.0])
    np.testing.assert_array_equal(grad_input, [[2.0, 3.0], [4.0, 6.0]])


def test_integer_weights_are_cast() -> None:
    layer = Dense(2, 1)
    layer.build(dtype=np.float32)
    layer.params["weight"] = np.array([[1], [2]])
    assert layer.params["weight"].dtype == np.float32


def test_weight_assignment_wrong_shape() -> None:
    layer = Dense(3, 2)
    layer.build()
    with pytest.raises(ShapeError, match=r"expected shape \(3, 2\), got \(2, 3\)"):
        layer.params["weight"] = np.zeros((2, 3))


def test_dense_wrong_features_message() -> None:
    layer = Dense(3, 2)
    with pytest.raises(ShapeError, match=r"Dense\(3 -> 2\).*3 features.*\(4, 5\)"):
        layer.forward(np.zeros((4, 5)))


def test_backward_before_forward() -> None:
    layer = Dense(3, 2)
    layer.build()
    with pytest.raises(NotFittedError, match="call forward"):
        layer.backward(np.zeros((1, 2)))


def test_backward_wrong_grad_shape() -> None:
    layer = Dense(3, 2)
    layer.forward(np.zeros((4, 3), dtype=np.float32))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(4, 2\)"):
        layer.backward(np.zeros((4, 3)))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_dense_rejects_bad_sizes(bad: object) -> None:
    with pytest.raises(ConfigurationError, match="in_features"):
        Dense(bad, 2)  # type: ignore[arg-type]


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("batch", [1, 5])
def test_dense_gradcheck_after_layer(use_bias: bool, batch: int) -> None:
    model = Sequential(
        [Dense(4, 3), Sigmoid(), Dense(3, 2, use_bias=use_bias)],
        seed=0,
        dtype=np.float64,
    )
    x = np.random.default_rng(1).standard_normal((batch, 4))
    report = gradcheck(model, x)
    assert report.passed


def test_dense_gradcheck_rank3_input() -> None:
    layer = Dense(3, 2)
    layer.build(np.random.default_rng(0), np.float64)
    x = np.random.default_rng(1).standard_normal((2, 4, 3))
    assert gradcheck(layer, x).passed


def test_backward_twice_same_grads() -> None:
    layer = Dense(3, 2)
    layer.build(np.random.default_rng(0), np.float64)
    layer.forward(np.ones((2, 3)))
    grad = np.arange(4.0).reshape(2, 2)
    first = layer.backward(grad)
    weight_grad = layer.grads["weight"].copy()
    second = layer.backward(grad)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(weight_grad, layer.grads["weight"])
