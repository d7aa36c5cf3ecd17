import numpy as np
import pytest

from microframe import SGD, Adam, Dense
from microframe.errors import ConfigurationError, NotFittedError
from microframe.layers import Layer


def layer_with(weight: list[float], grad: list[float]) -> Layer:
    layer = Dense(1, len(weight), use_bias=False)
    layer.build(dtype=np.float64)
    layer.params["weight"] = [weight]
    layer.grads["weight"] = np.array([grad])
    return layer


def test_sgd_two_steps_by_hand() -> None:
    layer = layer_with([1.0, -1.0], [0.5, 2.0])
    optimizer = SGD(learning_rate=0.1)
    optimizer.step([layer])
    np.testing.assert_allclose(layer.params["weight"], [[0.95, -1.2]])
    optimizer.step([layer])
    np.testing.assert_allclose(layer.params["weight"], [[0.9, -1.4]])


def test_sgd_momentum_two_steps_by_hand() -> None:
    layer = layer_with([1.0], [1.0])
    optimizer = SGD(learning_rate=0.1, momentum=0.9)
    optimizer.step([layer])  # velocity 1.0
    np.testing.assert_allclose(layer.params["weight"], [[0.9]])
    optimizer.step([layer])  # velocity 0.9 * 1 + 1 = 1.9
    np.testing.assert_allclose(layer.params["weight"], [[0.71]])


def test_sgd_nesterov_two_steps_by_hand() -> None:
    layer = layer_with([1.0], [1.0])
    optimizer = SGD(learning_rate=0.1, momentum=0.5, nesterov=True)
    optimizer.step([layer])  # velocity 1, step 1 + 0.5
    np.testing.assert_allclose(layer.params["weight"], [[0.85]])
    optimizer.step([layer])  # velocity 1.5, step 1 + 0.75
    np.testing.assert_allclose(layer.params["weight"], [[0.675]])


def test_adam_two_steps_by_hand() -> None:
    layer = layer_with([1.0], [2.0])
    optimizer = Adam(learning_rate=0.1, epsilon=1e-8)
    optimizer.step([layer])
    # m = 0.2, v = 0.004; m_hat = 2, v_hat = 4; step = 0.1 * 2 / (2 + 1e-8).
    np.testing.assert_allclose(layer.params["weight"], [[1.0 - 0.1 * 2 / (2 + 1e-8)]])
    layer.grads["weight"] = np.array([[1.0]])
    optimizer.step([layer])
    m = 0.9 * 0.2 + 0.1 * 1.0
    v = 0.999 * 0.004 + 0.001 * 1.0
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    expected = 1.0 - 0.1 * 2 / (2 + 1e-8) - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(layer.params["weight"], [[expected]], rtol=1e-12)


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: SGD(learning_rate=-1), "learning_rate"),
        (lambda: SGD(momentum=1.2), "momentum"),
        (lambda: SGD(nesterov=True), "nesterov"),
        (lambda: Adam(beta_1=1.0), "beta_1"),
        (lambda: Adam(epsilon=0), "epsilon"),
    ],
)
def test_optimizer_rejects_bad_hyperparameters(factory: object, match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        factory()  # type: ignore[operator]


def test_step_without_backward() -> None:
    layer = Dense(2, 1)
    layer.build()
    with pytest.raises(NotFittedError, match="call backward"):
        SGD().step([layer])


def test_update_never_truncates_float() -> None:
    layer = layer_with([1.0], [0.3])
    SGD(learning_rate=0.5).step([layer])
    assert layer.params["weight"][0, 0] == pytest.approx(0.85)


def test_schedule_callable_gets_step() -> None:
    seen: list[int] = []

    def schedule(step: int) -> float:
        seen.append(step)
        return 0.1

    layer = layer_with([1.0], [1.0])
    optimizer = SGD(learning_rate=schedule)
    optimizer.step([layer])
    optimizer.step([layer])
    assert seen == [0, 1]


def test_state_round_trip() -> None:
    layer = layer_with([1.0], [1.0])
    optimizer = Adam()
    optimizer.step([layer])
    copy = Adam()
    copy.set_state(optimizer.get_state())
    assert copy.iterations == 1
    np.testing.assert_array_equal(
        copy.state["0.weight"]["m"], optimizer.state["0.weight"]["m"]
    )
