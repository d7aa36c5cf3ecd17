"""Tests for to_torch and from_torch; skipped when PyTorch is missing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from microframe import (
    ELU,
    GELU,
    SELU,
    SGD,
    Dense,
    Dropout,
    HardSigmoid,
    Identity,
    LeakyReLU,
    LogSoftmax,
    MeanSquaredError,
    ReLU,
    Sequential,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from microframe.activations import Activation
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    UnsupportedLayerError,
)
from microframe.layers import (
    AvgPool2D,
    BatchNormalization,
    Conv1D,
    Conv2D,
    Embedding,
    Flatten,
    GlobalAveragePooling2D,
    Layer,
    LayerNormalization,
    MaxPool1D,
    MaxPool2D,
    Reshape,
)
from microframe.layers.base import Array

torch = pytest.importorskip("torch")
nn = torch.nn

from microframe.interop import from_torch, to_torch  # noqa: E402

TOLERANCE = 1e-5


def torch_output(module: Any, x: Array) -> Array:
    with torch.no_grad():
        result: Array = module(torch.from_numpy(x)).numpy()
    return result


def random_input(shape: tuple[int, ...], seed: int = 0) -> Array:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def assert_close(actual: Array, expected: Array, atol: float = TOLERANCE) -> None:
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=0, atol=atol)


def assert_round_trip(model: Sequential, x: Array) -> None:
    """Check model -> torch -> model against predict, on the same input."""
    module = to_torch(model)
    assert_close(torch_output(module, x), model.predict(x))
    back = from_torch(module)
    assert [type(layer) for layer in back.layers] == [
        type(layer) for layer in model.layers
    ]
    assert_close(back.predict(x), model.predict(x), atol=0)


ACTIVATIONS = [
    ReLU(),
    Sigmoid(),
    Tanh(),
    LeakyReLU(0.2),
    Softmax(),
    LogSoftmax(),
    Identity(),
    ELU(0.7),
    SELU(),
    GELU(approximate=True),
    GELU(approximate=False),
    SiLU(),
    Softplus(),
    Softsign(),
    HardSigmoid(),
]


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=repr)
def test_activation_round_trip(activation: Layer) -> None:
    model = Sequential([Dense(4, 6), activation, Dropout(0.3), Dense(6, 3)], seed=1)
    assert_round_trip(model, random_input((5, 4)) * 3)


def test_linear_weight_is_transposed() -> None:
    model = Sequential([Dense(3, 2)], seed=0)
    linear = to_torch(model)[0]
    weight = model.layers[0].params["weight"]
    np.testing.assert_array_equal(linear.weight.detach().numpy(), weight.T)
    assert linear.weight.is_contiguous()
    assert not np.shares_memory(linear.weight.detach().numpy(), weight)


def test_module_is_in_eval_mode() -> None:
    module = to_torch(Sequential([Dense(3, 2), Dropout(0.25)], seed=0))
    assert not module.training
    assert module[1].p == 0.25


def test_float64_model_gives_float64() -> None:
    model = Sequential([Dense(3, 4), Tanh(), Dense(4, 1)], seed=0, dtype=np.float64)
    module = to_torch(model)
    assert module[0].weight.dtype == torch.float64
    x = np.random.default_rng(0).standard_normal((6, 3))
    assert_close(torch_output(module, x), model.predict(x), atol=1e-12)
    assert from_torch(module).dtype == np.float64


def set_running_statistics(layer: BatchNormalization, seed: int) -> None:
    rng = np.random.default_rng(seed)
    mean = rng.standard_normal(layer.num_features)
    var = rng.uniform(0.5, 2.0, layer.num_features)
    layer.state["running_mean"] = mean.astype(layer.dtype)
    layer.state["running_var"] = var.astype(layer.dtype)
    layer.params["gamma"] = rng.uniform(0.5, 1.5, layer.num_features)
    layer.params["beta"] = rng.standard_normal(layer.num_features)


def test_cnn_round_trip() -> None:
    norm = BatchNormalization(4)
    features = [
        Conv2D(3, 4, (3, 2), stride=2, padding="same"),
        norm,
        ReLU(),
        MaxPool2D(2, padding="same"),
        Conv2D(4, 4, (2, 3), dilation=2, padding=1, use_bias=False),
        AvgPool2D((2, 3), stride=1, padding="same"),
        MaxPool2D(2, stride=1, padding=1),
        Flatten(),
    ]
    # (13, 11) -> (7, 6) -> (4, 3) -> (4, 1) -> (4, 1) -> (5, 2), 4 channels
    model = Sequential([*features, Dense(40, 3)], seed=0)
    set_running_statistics(norm, 1)
    assert_round_trip(model, random_input((5, 13, 11, 3)))


def test_global_pool_and_padded_average() -> None:
    model = Sequential(
        [
            Conv2D(2, 3, 3, stride=2, padding="same"),
            AvgPool2D(3, stride=1, padding=1),
            GlobalAveragePooling2D(),
            Dense(3, 2),
        ],
        seed=0,
    )
    assert_round_trip(model, random_input((2, 8, 6, 2)))


def test_sequence_layers_round_trip() -> None:
    norm = BatchNormalization(4)
    model = Sequential(
        [
            Conv1D(3, 5, 3, stride=2, padding="same"),
            Tanh(),
            MaxPool1D(2, padding="same"),
            LayerNormalization(5),
            Flatten(),
            Dense(15, 12),
            Reshape((3, 4)),
            norm,
        ],
        seed=0,
    )
    set_running_statistics(norm, 3)
    assert_round_trip(model, random_input((4, 11, 3)))


def test_embedding_round_trip() -> None:
    model = Sequential([Embedding(12, 4), Flatten(), Dense(20, 2)], seed=0)
    ids = np.random.default_rng(6).integers(0, 12, size=(7, 5))
    module = to_torch(model)
    assert_close(torch_output(module, ids), model.predict(ids))
    back = from_torch(module)
    assert_close(back.predict(ids), model.predict(ids), atol=0)


def test_native_mlp_from_torch() -> None:
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Linear(4, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 3), nn.Softmax(dim=1))
    )
    model = from_torch(module)
    x = random_input((6, 4))
    assert_close(model.predict(x), torch_output(module.eval(), x))
    weight = module[0].weight.detach().numpy()
    np.testing.assert_array_equal(model.layers[0].params["weight"], weight.T)


def test_native_cnn_channels_first() -> None:
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Conv2d(3, 4, (3, 2), padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * 3, 5),
    ).eval()
    with torch.no_grad():
        module[1].running_mean.uniform_(-1, 1)
        module[1].running_var.uniform_(0.5, 2)
    model = from_torch(module, input_shape=(3, 8, 5))
    x_first = random_input((2, 3, 8, 5))
    channels_last = x_first.transpose(0, 2, 3, 1)
    assert_close(model.predict(channels_last), torch_output(module, x_first))


def test_native_flatten_needs_input_shape() -> None:
    module = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(8, 1))
    with pytest.raises(ConfigurationError, match="pass input_shape"):
        from_torch(module)


def test_unsupported_module_names_it() -> None:
    module = nn.Sequential(nn.Linear(3, 3), nn.Bilinear(3, 3, 1))
    with pytest.raises(UnsupportedLayerError, match=r"module 1 \(Bilinear"):
        from_torch(module)


def test_wrong_argument_types_raise() -> None:
    with pytest.raises(InputTypeError, match="expected a Sequential model"):
        # The wrong type on purpose, to test the check.
        to_torch([Dense(2, 2)])  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match=r"expected a torch.nn.Module"):
        from_torch([nn.Linear(2, 2)])


class Double(Activation):
    """Multiplies by two; a layer that has no PyTorch counterpart."""

    def _forward(self, x: Array) -> Array:
        return 2 * x

    def _backward(self, grad_output: Array) -> Array:
        return 2 * grad_output


def test_unsupported_layer_names_it() -> None:
    model = Sequential([Dense(2, 2), Double()], seed=0)
    with pytest.raises(UnsupportedLayerError, match=r"layer 1 \(Double, class"):
        to_torch(model)


def microframe_step(model: Sequential, x: Array, y: Array, lr: float) -> float:
    loss = MeanSquaredError()
    value = loss(y, model.forward(x, training=True))
    model.backward(loss.backward())
    SGD(lr).step(model.layers)
    return value


def torch_step(module: Any, x: Array, y: Array, lr: float) -> float:
    module.train()
    optimizer = torch.optim.SGD(module.parameters(), lr=lr)
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(module(torch.from_numpy(x)), torch.from_numpy(y))
    loss.backward()
    optimizer.step()
    return float(loss.item())


def test_mlp_training_step_agrees() -> None:
    model = Sequential([Dense(4, 8), Tanh(), Dense(8, 2), Sigmoid()], seed=0)
    module = to_torch(model)
    x, y = random_input((6, 4)), random_input((6, 2), seed=1)

    torch_loss = torch_step(module, x, y, lr=0.5)
    loss = microframe_step(model, x, y, lr=0.5)

    assert abs(loss - torch_loss) < TOLERANCE
    back = from_torch(module)
    for ours, theirs in zip(model.layers, back.layers, strict=True):
        for key, value in ours.params.items():
            assert_close(theirs.params[key], value)


def test_cnn_training_step_agrees() -> None:
    model = Sequential(
        [
            Conv2D(2, 3, (3, 2), padding="same"),
            BatchNormalization(3),
            ReLU(),
            MaxPool2D(2),
            Flatten(),
            Dense(18, 2),
        ],
        seed=0,
    )
    module = to_torch(model)
    x, y = random_input((4, 4, 6, 2)), random_input((4, 2), seed=1)

    torch_loss = torch_step(module, x, y, lr=0.1)
    loss = microframe_step(model, x, y, lr=0.1)

    assert abs(loss - torch_loss) < TOLERANCE
    back = from_torch(module)
    for ours, theirs in zip(model.layers, back.layers, strict=True):
        for key, value in ours.params.items():
            assert_close(theirs.params[key], value)
    # PyTorch updates running_var with the unbiased batch variance and
    # microframe with the biased one, so only the means are compared.
    assert_close(
        back.layers[1].state["running_mean"], model.layers[1].state["running_mean"]
    )
