"""The in-place updates give exactly the values of the plain formulas."""

import numpy as np
import pytest

from microframe import SGD, Adam, AdamW, Dense
from microframe.layers import Layer
from microframe.optimizers import Optimizer

Array = np.ndarray


def random_layer(dtype: type, seed: int) -> Layer:
    layer = Dense(5, 4)
    layer.build(np.random.default_rng(seed), dtype=dtype)
    return layer


def set_random_grads(layer: Layer, rng: np.random.Generator) -> None:
    for name, param in layer.params.items():
        layer.grads[name] = rng.normal(size=param.shape).astype(param.dtype)


def plain_sgd(
    params: dict[str, Array],
    grads: dict[str, Array],
    velocity: dict[str, Array],
    lr: float,
    momentum: float,
    nesterov: bool,
    weight_decay: float,
) -> None:
    for name, param in params.items():
        grad = grads[name]
        if weight_decay:
            grad = grad + weight_decay * param
        if momentum == 0.0:
            param -= lr * grad
            continue
        v = velocity.setdefault(name, np.zeros_like(param))
        v *= momentum
        v += grad
        if nesterov:
            param -= lr * (grad + momentum * v)
        else:
            param -= lr * v


def plain_adam(
    params: dict[str, Array],
    grads: dict[str, Array],
    moments: dict[str, tuple[Array, Array]],
    lr: float,
    t: int,
    weight_decay: float,
) -> None:
    beta_1, beta_2, epsilon = 0.9, 0.999, 1e-7
    for name, param in params.items():
        grad = grads[name]
        if weight_decay:
            param *= 1.0 - lr * weight_decay
        m, v = moments.setdefault(name, (np.zeros_like(param), np.zeros_like(param)))
        m *= beta_1
        m += (1.0 - beta_1) * grad
        v *= beta_2
        v += (1.0 - beta_2) * (grad * grad)
        m_hat = m / (1.0 - beta_1**t)
        v_hat = v / (1.0 - beta_2**t)
        param -= lr * m_hat / (np.sqrt(v_hat) + epsilon)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("momentum", "nesterov", "weight_decay"),
    [(0.0, False, 0.0), (0.0, False, 0.01), (0.9, False, 0.0), (0.9, True, 0.01)],
)
def test_sgd_matches_plain_rule_exactly(
    dtype: type, momentum: float, nesterov: bool, weight_decay: float
) -> None:
    layer = random_layer(dtype, 0)
    reference = {name: param.copy() for name, param in layer.params.items()}
    velocity: dict[str, Array] = {}
    optimizer = SGD(
        0.1, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay
    )
    rng = np.random.default_rng(1)
    for _ in range(3):
        set_random_grads(layer, rng)
        optimizer.step([layer])
        plain_sgd(
            reference, layer.grads, velocity, 0.1, momentum, nesterov, weight_decay
        )
        for name, param in layer.params.items():
            np.testing.assert_array_equal(param, reference[name])
            assert param.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("optimizer_class", [Adam, AdamW])
def test_adam_matches_plain_rule_exactly(
    dtype: type, optimizer_class: type[Optimizer]
) -> None:
    layer = random_layer(dtype, 2)
    reference = {name: param.copy() for name, param in layer.params.items()}
    moments: dict[str, tuple[Array, Array]] = {}
    optimizer = optimizer_class(0.01)
    decay = 0.01 if optimizer_class is AdamW else 0.0
    rng = np.random.default_rng(3)
    for t in range(1, 4):
        set_random_grads(layer, rng)
        optimizer.step([layer])
        plain_adam(reference, layer.grads, moments, 0.01, t, decay)
        for name, param in layer.params.items():
            np.testing.assert_array_equal(param, reference[name])


def test_work_arrays_unsaved_and_reshaped() -> None:
    optimizer = SGD(0.5)
    layer = random_layer(np.float64, 4)
    set_random_grads(layer, np.random.default_rng(5))
    optimizer.step([layer])
    assert optimizer.get_state()["state"] == {}
    # The same optimizer on a layer with other shapes at index 0.
    other = Dense(2, 3)
    other.build(np.random.default_rng(6), dtype=np.float64)
    other.params["weight"] = np.ones((2, 3))
    other.grads["weight"] = np.full((2, 3), 2.0)
    other.grads["bias"] = np.zeros(3)
    optimizer.step([other])
    np.testing.assert_array_equal(other.params["weight"], np.zeros((2, 3)))


def test_state_keys_index_and_name() -> None:
    optimizer = SGD(0.1, momentum=0.5)
    layers = [random_layer(np.float64, 7), random_layer(np.float64, 8)]
    rng = np.random.default_rng(9)
    for layer in layers:
        set_random_grads(layer, rng)
    optimizer.step(layers)
    optimizer.step(layers[1:])
    assert sorted(optimizer.state) == ["0.bias", "0.weight", "1.bias", "1.weight"]
