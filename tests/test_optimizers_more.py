"""Weight decay, AdamW, RMSprop, Adagrad, Nadam, clipping and state."""

import math
from collections.abc import Callable

import numpy as np
import pytest

from microframe import Dense
from microframe.errors import ConfigurationError
from microframe.layers import Layer
from microframe.optimizers import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Nadam,
    Optimizer,
    RMSprop,
    get,
)


def layer_with(weight: list[float], grad: list[float]) -> Layer:
    layer = Dense(1, len(weight), use_bias=False)
    layer.build(dtype=np.float64)
    layer.params["weight"] = np.array([weight])
    layer.grads["weight"] = np.array([grad])
    return layer


def weight_of(layer: Layer) -> float:
    return float(layer.params["weight"][0, 0])


def test_sgd_weight_decay_two_steps() -> None:
    layer = layer_with([1.0], [1.0])
    optimizer = SGD(learning_rate=0.1, weight_decay=0.5)
    optimizer.step([layer])  # grad 1 + 0.5 * 1 = 1.5
    assert weight_of(layer) == pytest.approx(0.85, rel=1e-12)
    optimizer.step([layer])  # grad 1 + 0.5 * 0.85 = 1.425
    assert weight_of(layer) == pytest.approx(0.7075, rel=1e-12)


def test_adamw_two_steps_by_hand() -> None:
    layer = layer_with([1.0], [2.0])
    optimizer = AdamW(learning_rate=0.1, weight_decay=0.5, epsilon=1e-8)
    optimizer.step([layer])
    # Decay: 1 * (1 - 0.1 * 0.5) = 0.95; Adam: m_hat = 2, v_hat = 4.
    first = 0.95 - 0.1 * 2 / (2 + 1e-8)
    assert weight_of(layer) == pytest.approx(first, rel=1e-12)
    layer.grads["weight"] = np.array([[1.0]])
    optimizer.step([layer])
    m = 0.9 * 0.2 + 0.1 * 1.0
    v = 0.999 * 0.004 + 0.001 * 1.0
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    second = first * 0.95 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert weight_of(layer) == pytest.approx(second, rel=1e-12)


def test_rmsprop_two_steps_by_hand() -> None:
    layer = layer_with([1.0], [2.0])
    optimizer = RMSprop(learning_rate=0.1, rho=0.9, epsilon=1e-8)
    optimizer.step([layer])  # square_avg = 0.1 * 4 = 0.4
    first = 1.0 - 0.1 * 2 / (math.sqrt(0.4) + 1e-8)
    assert weight_of(layer) == pytest.approx(first, rel=1e-12)
    layer.grads["weight"] = np.array([[1.0]])
    optimizer.step([layer])  # square_avg = 0.9 * 0.4 + 0.1 * 1 = 0.46
    second = first - 0.1 * 1 / (math.sqrt(0.46) + 1e-8)
    assert weight_of(layer) == pytest.approx(second, rel=1e-12)


def test_rmsprop_centered_momentum_by_hand() -> None:
    layer = layer_with([1.0], [2.0])
    optimizer = RMSprop(learning_rate=0.1, momentum=0.5, centered=True, epsilon=1e-8)
    optimizer.step([layer])
    # square_avg 0.4, grad_avg 0.2, denom sqrt(0.4 - 0.04); buffer = 2 / denom.
    buffer = 2 / (math.sqrt(0.36) + 1e-8)
    first = 1.0 - 0.1 * buffer
    assert weight_of(layer) == pytest.approx(first, rel=1e-12)
    optimizer.step([layer])
    # square_avg 0.76, grad_avg 0.38, buffer = 0.5 * buffer + 2 / denom.
    buffer = 0.5 * buffer + 2 / (math.sqrt(0.76 - 0.38**2) + 1e-8)
    assert weight_of(layer) == pytest.approx(first - 0.1 * buffer, rel=1e-12)


def test_adagrad_two_steps_by_hand() -> None:
    layer = layer_with([1.0], [2.0])
    optimizer = Adagrad(learning_rate=0.1, initial_accumulator_value=0.1)
    optimizer.step([layer])  # accumulator 0.1 + 4 = 4.1
    first = 1.0 - 0.1 * 2 / (math.sqrt(4.1) + 1e-7)
    assert weight_of(layer) == pytest.approx(first, rel=1e-12)
    layer.grads["weight"] = np.array([[1.0]])
    optimizer.step([layer])  # accumulator 5.1
    second = first - 0.1 * 1 / (math.sqrt(5.1) + 1e-7)
    assert weight_of(layer) == pytest.approx(second, rel=1e-12)


def test_nadam_two_steps_by_hand() -> None:
    layer = layer_with([1.0], [2.0])
    optimizer = Nadam(learning_rate=0.1, epsilon=1e-8)
    optimizer.step([layer])
    mu_1 = 0.9 * (1 - 0.5 * 0.96**0.004)
    mu_2 = 0.9 * (1 - 0.5 * 0.96**0.008)
    mu_3 = 0.9 * (1 - 0.5 * 0.96**0.012)
    # m = 0.2, v = 0.004, v_hat = 4, denom = 2 + 1e-8.
    denom = 2 + 1e-8
    first = (
        1.0
        - 0.1 * (1 - mu_1) / (1 - mu_1) * 2 / denom
        - 0.1 * mu_2 / (1 - mu_1 * mu_2) * 0.2 / denom
    )
    assert weight_of(layer) == pytest.approx(first, rel=1e-12)
    layer.grads["weight"] = np.array([[1.0]])
    optimizer.step([layer])
    m = 0.9 * 0.2 + 0.1 * 1.0
    v = 0.999 * 0.004 + 0.001 * 1.0
    denom = math.sqrt(v / (1 - 0.999**2)) + 1e-8
    product = mu_1 * mu_2
    second = (
        first
        - 0.1 * (1 - mu_2) / (1 - product) * 1.0 / denom
        - 0.1 * mu_3 / (1 - product * mu_3) * m / denom
    )
    assert weight_of(layer) == pytest.approx(second, rel=1e-12)


def test_clipnorm_scales_each_array() -> None:
    layer = layer_with([0.0, 0.0], [3.0, 4.0])  # norm 5
    SGD(learning_rate=1.0, clipnorm=1.0).step([layer])
    np.testing.assert_allclose(layer.params["weight"], [[-0.6, -0.8]])


def test_clipnorm_leaves_small_gradients() -> None:
    layer = layer_with([0.0, 0.0], [0.3, 0.4])
    SGD(learning_rate=1.0, clipnorm=1.0).step([layer])
    np.testing.assert_allclose(layer.params["weight"], [[-0.3, -0.4]])


def test_global_clipnorm_spans_layers() -> None:
    first = layer_with([0.0], [3.0])
    second = layer_with([0.0], [4.0])  # global norm 5
    SGD(learning_rate=1.0, global_clipnorm=2.5).step([first, second])
    assert weight_of(first) == pytest.approx(-1.5)
    assert weight_of(second) == pytest.approx(-2.0)


def test_clipvalue_clips_elements() -> None:
    layer = layer_with([0.0, 0.0], [3.0, -0.2])
    SGD(learning_rate=1.0, clipvalue=0.5).step([layer])
    np.testing.assert_allclose(layer.params["weight"], [[-0.5, 0.2]])


def test_clip_norm_before_value() -> None:
    layer = layer_with([0.0, 0.0], [3.0, 4.0])
    # Norm first: (0.6, 0.8); then value: (0.6, 0.7).
    SGD(learning_rate=1.0, clipnorm=1.0, clipvalue=0.7).step([layer])
    np.testing.assert_allclose(layer.params["weight"], [[-0.6, -0.7]])


def test_clipping_leaves_layer_grads() -> None:
    layer = layer_with([0.0], [3.0])
    SGD(clipvalue=1.0).step([layer])
    np.testing.assert_array_equal(layer.grads["weight"], [[3.0]])


FACTORIES: list[Callable[..., Optimizer]] = [SGD, Adam, AdamW, RMSprop, Adagrad, Nadam]


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize("option", ["clipnorm", "clipvalue", "global_clipnorm"])
@pytest.mark.parametrize("value", [0.0, -1.0, float("nan")])
def test_clip_options_validated(
    factory: Callable[..., Optimizer], option: str, value: float
) -> None:
    with pytest.raises(ConfigurationError, match=option):
        factory(**{option: value})


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: SGD(weight_decay=-0.1), "weight_decay"),
        (lambda: AdamW(weight_decay=-1.0), "weight_decay"),
        (lambda: RMSprop(rho=1.0), "rho"),
        (lambda: RMSprop(momentum=-0.5), "momentum"),
        (lambda: Adagrad(initial_accumulator_value=-1.0), "initial_accumulator"),
        (lambda: Adagrad(epsilon=0.0), "epsilon"),
        (lambda: Nadam(beta_2=1.0), "beta_2"),
        (lambda: Nadam(momentum_decay=-1.0), "momentum_decay"),
    ],
)
def test_new_optimizers_reject_bad_values(
    factory: Callable[[], Optimizer], match: str
) -> None:
    with pytest.raises(ConfigurationError, match=match):
        factory()


@pytest.mark.parametrize(
    "name", ["sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam"]
)
def test_optimizer_by_name(name: str) -> None:
    assert type(get(name)).__name__.lower() == name


def run_steps(optimizer: Optimizer, layer: Layer, grads: list[float]) -> None:
    for grad in grads:
        layer.grads["weight"] = np.array([[grad, -grad]])
        optimizer.step([layer])


@pytest.mark.parametrize(
    "factory",
    [
        lambda: SGD(0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        lambda: Adam(0.1),
        lambda: AdamW(0.1),
        lambda: RMSprop(0.1, momentum=0.5, centered=True),
        lambda: Adagrad(0.1),
        lambda: Nadam(0.1),
    ],
)
def test_resume_from_state_is_exact(factory: Callable[[], Optimizer]) -> None:
    grads = [1.0, -2.0, 0.5, 3.0]
    straight = layer_with([1.0, 2.0], [0.0, 0.0])
    run_steps(factory(), straight, grads)

    resumed = layer_with([1.0, 2.0], [0.0, 0.0])
    first = factory()
    run_steps(first, resumed, grads[:2])
    second = factory()
    second.set_state(first.get_state())
    run_steps(second, resumed, grads[2:])

    np.testing.assert_array_equal(resumed.params["weight"], straight.params["weight"])


def test_state_holds_only_numbers_and_arrays() -> None:
    optimizer = Nadam()
    run_steps(optimizer, layer_with([1.0, 2.0], [0.0, 0.0]), [1.0])
    state = optimizer.get_state()
    assert isinstance(state["iterations"], int)
    assert all(isinstance(v, float) for v in state["scalars"].values())
    slots = state["state"]["0.weight"]
    assert all(isinstance(v, np.ndarray) for v in slots.values())


def test_get_state_copies_slots() -> None:
    optimizer = Adam()
    layer = layer_with([1.0, 2.0], [0.0, 0.0])
    run_steps(optimizer, layer, [1.0])
    state = optimizer.get_state()
    run_steps(optimizer, layer, [1.0])
    assert not np.array_equal(
        state["state"]["0.weight"]["m"], optimizer.state["0.weight"]["m"]
    )


def test_repr_shows_clipping() -> None:
    assert "clipnorm=1.0" in repr(AdamW(clipnorm=1.0))
