from typing import TypeVar

import numpy as np
import pytest

from microframe import SGD, Dense, Sequential, gradcheck
from microframe.errors import (
    ConfigurationError,
    InputValueError,
    NotFittedError,
    ShapeError,
)
from microframe.layers import BatchNormalization, Conv2D, Layer, LayerNormalization

LayerT = TypeVar("LayerT", bound=Layer)


def built(layer: LayerT) -> LayerT:
    layer.build(np.random.default_rng(0), np.float64)
    return layer


def randomise_statistics(layer: BatchNormalization, seed: int) -> None:
    rng = np.random.default_rng(seed)
    layer.state["running_mean"] = rng.standard_normal(layer.num_features)
    layer.state["running_var"] = rng.random(layer.num_features) + 0.5
    layer.params["gamma"] = rng.standard_normal(layer.num_features)
    layer.params["beta"] = rng.standard_normal(layer.num_features)


def test_batch_norm_training_by_hand() -> None:
    layer = built(BatchNormalization(1, epsilon=1e-8, momentum=0.5))
    out = layer.forward(np.array([[1.0], [3.0]]), training=True)
    np.testing.assert_allclose(out, [[-1.0], [1.0]], rtol=1e-7)
    # running_mean = 0.5 * 0 + 0.5 * 2; running_var = 0.5 * 1 + 0.5 * 1.
    np.testing.assert_allclose(layer.state["running_mean"], [1.0])
    np.testing.assert_allclose(layer.state["running_var"], [1.0])


def test_batch_norm_inference_uses_running() -> None:
    layer = built(BatchNormalization(2, epsilon=0.0 + 1e-12))
    layer.state["running_mean"] = np.array([1.0, -1.0])
    layer.state["running_var"] = np.array([4.0, 0.25])
    layer.params["gamma"] = [2.0, 1.0]
    layer.params["beta"] = [0.5, 0.0]
    out = layer.forward(np.array([[3.0, 0.0]]))
    np.testing.assert_allclose(out, [[2.5, 2.0]], rtol=1e-9)


def test_batch_norm_inference_keeps_state() -> None:
    layer = built(BatchNormalization(2))
    layer.forward(np.ones((3, 2)) * 5.0)
    np.testing.assert_array_equal(layer.state["running_mean"], [0.0, 0.0])
    np.testing.assert_array_equal(layer.state["running_var"], [1.0, 1.0])


def test_batch_norm_images_per_channel() -> None:
    layer = built(BatchNormalization(2))
    x = np.random.default_rng(1).standard_normal((3, 4, 5, 2)) * [1.0, 10.0] + [0, 7]
    out = layer.forward(x, training=True)
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(out.var(axis=(0, 1, 2)), [1.0, 1.0], atol=2e-3)


def test_batch_norm_state_not_trained() -> None:
    model = Sequential([Dense(2, 3), BatchNormalization(3)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer=SGD(learning_rate=0.1))
    x = np.random.default_rng(2).standard_normal((8, 2))
    hidden = model.layers[0].forward(x)
    model.fit(x, x[:, :1].repeat(3, axis=1), epochs=1, batch_size=8, verbose=0)
    norm = model.layers[1]
    assert set(norm.params) == {"gamma", "beta"}
    assert set(norm.state) == {"running_mean", "running_var"}
    # One full-batch step: only the momentum update moved the statistics.
    np.testing.assert_allclose(norm.state["running_mean"], 0.01 * hidden.mean(0))
    np.testing.assert_allclose(norm.state["running_var"], 0.99 + 0.01 * hidden.var(0))


def test_batch_norm_state_cast_on_build() -> None:
    layer = BatchNormalization(3)
    Sequential([Dense(2, 3), layer], dtype=np.float32)
    assert layer.state["running_var"].dtype == np.float32


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("batch", [1, 3])
def test_batch_norm_gradcheck_after_dense(training: bool, batch: int) -> None:
    norm = BatchNormalization(3)
    model = Sequential([Dense(4, 3), norm], seed=0, dtype=np.float64)
    randomise_statistics(norm, 1)
    x = np.random.default_rng(2).standard_normal((batch, 4))
    assert gradcheck(model, x, training=training).passed


@pytest.mark.parametrize("training", [False, True])
def test_batch_norm_gradcheck_after_conv(training: bool) -> None:
    norm = BatchNormalization(2)
    model = Sequential([Conv2D(1, 2, 2), norm], seed=0, dtype=np.float64)
    randomise_statistics(norm, 3)
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 1))
    assert gradcheck(model, x, training=training).passed


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("shape", [(1, 4), (3, 4), (2, 3, 4)])
def test_layer_norm_gradcheck_after_dense(
    training: bool, shape: tuple[int, ...]
) -> None:
    norm = LayerNormalization(3, gamma_initializer="glorot_uniform")
    model = Sequential([Dense(4, 3), norm], seed=0, dtype=np.float64)
    x = np.random.default_rng(5).standard_normal(shape)
    assert gradcheck(model, x, training=training).passed


def test_layer_norm_by_hand() -> None:
    layer = built(LayerNormalization(2, epsilon=1e-12))
    out = layer.forward(np.array([[1.0, 3.0], [-2.0, 2.0]]))
    np.testing.assert_allclose(out, [[-1.0, 1.0], [-1.0, 1.0]], rtol=1e-9)


def test_layer_norm_same_in_both_modes() -> None:
    layer = built(LayerNormalization(3))
    x = np.random.default_rng(6).standard_normal((2, 3))
    np.testing.assert_array_equal(layer.forward(x), layer.forward(x, training=True))


@pytest.mark.parametrize(
    "layer", [BatchNormalization(3), LayerNormalization(3)], ids=repr
)
@pytest.mark.parametrize("training", [False, True])
def test_norm_backward_twice_same(layer: Layer, training: bool) -> None:
    built(layer)
    x = np.random.default_rng(7).standard_normal((4, 3))
    layer.forward(x, training=training)
    grad = np.random.default_rng(8).standard_normal((4, 3))
    first = layer.backward(grad)
    gamma_grad = layer.grads["gamma"].copy()
    second = layer.backward(grad)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(gamma_grad, layer.grads["gamma"])


def test_norm_wrong_features_message() -> None:
    with pytest.raises(
        ShapeError, match=r"BatchNormalization\(3\).*\(N, \.\.\., 3\).*\(2, 4\)"
    ):
        BatchNormalization(3).forward(np.ones((2, 4)))


def test_norm_wrong_grad_shape() -> None:
    layer = LayerNormalization(3)
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(2, 3\)"):
        layer.backward(np.ones((3, 3)))


def test_norm_backward_before_forward() -> None:
    layer = built(BatchNormalization(3))
    with pytest.raises(NotFittedError, match="call forward"):
        layer.backward(np.ones((2, 3)))


@pytest.mark.parametrize("momentum", [-0.1, 1.0])
def test_batch_norm_rejects_momentum(momentum: float) -> None:
    with pytest.raises(ConfigurationError, match="momentum"):
        BatchNormalization(3, momentum=momentum)


def test_norm_rejects_zero_epsilon() -> None:
    with pytest.raises(ConfigurationError, match="epsilon"):
        LayerNormalization(3, epsilon=0.0)


def test_norm_output_shape() -> None:
    assert BatchNormalization(3).compute_output_shape((None, 5, 3)) == (None, 5, 3)


def test_batch_norm_state_round_trip() -> None:
    source = built(BatchNormalization(2))
    source.forward(np.array([[1.0, 4.0], [3.0, 8.0]]), training=True)
    target = built(BatchNormalization(2))
    target.set_state(source.get_state())
    np.testing.assert_array_equal(
        target.state["running_mean"], source.state["running_mean"]
    )
    np.testing.assert_array_equal(
        target.state["running_var"], source.state["running_var"]
    )


def test_batch_norm_get_state_copies() -> None:
    layer = built(BatchNormalization(2))
    layer.get_state()["running_mean"][0] = 5.0
    assert layer.state["running_mean"][0] == 0.0


def test_batch_norm_set_state_wrong_keys() -> None:
    layer = built(BatchNormalization(2))
    with pytest.raises(InputValueError, match="expected keys"):
        layer.set_state({"running_mean": np.zeros(2)})


def test_batch_norm_set_state_wrong_shape() -> None:
    layer = built(BatchNormalization(2))
    with pytest.raises(ShapeError, match=r"running_var of shape \(2,\)"):
        layer.set_state({"running_mean": np.zeros(2), "running_var": np.ones(3)})
