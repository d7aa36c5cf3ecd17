"""Tests for ONNX export: each graph is run in onnxruntime against predict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from microframe import (
    ELU,
    GELU,
    SELU,
    Dense,
    Dropout,
    HardSigmoid,
    Identity,
    LeakyReLU,
    LogSoftmax,
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
    MissingDependencyError,
    ShapeError,
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
    LayerNormalization,
    MaxPool1D,
    MaxPool2D,
    Reshape,
)
from microframe.layers.base import Array, Layer
from microframe.onnx import GraphBuilder, export, register_converter, registry

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

TOLERANCE = 1e-5


def run_onnx(proto: Any, x: Array) -> Array:
    session = ort.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    result: Array = session.run(None, {"input": x})[0]
    return result


def assert_matches_predict(model: Sequential, proto: Any, x: Array) -> None:
    expected = model.predict(x)
    actual = run_onnx(proto, x.astype(np.float32))
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE)


ACTIVATIONS = [
    ReLU(),
    Sigmoid(),
    Tanh(),
    LeakyReLU(0.2),
    Softmax(),
    Identity(),
    ELU(0.7),
    SELU(),
    GELU(approximate=True),
    GELU(approximate=False),
    SiLU(),
    Softplus(),
    Softsign(),
    HardSigmoid(),
    LogSoftmax(),
]


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=repr)
@pytest.mark.parametrize("batch_size", [1, 7])
def test_activation_matches_predict(activation: Layer, batch_size: int) -> None:
    model = Sequential([Dense(4, 6), activation, Dense(6, 3)], seed=1)
    proto = export(model, None)
    x = np.random.default_rng(2).standard_normal((batch_size, 4)) * 3
    assert_matches_predict(model, proto, x)


def set_running_statistics(layer: BatchNormalization, seed: int) -> None:
    rng = np.random.default_rng(seed)
    layer.state["running_mean"] = rng.standard_normal(layer.num_features)
    layer.state["running_var"] = rng.uniform(0.5, 2.0, layer.num_features)
    layer.params["gamma"] = rng.uniform(0.5, 1.5, layer.num_features)
    layer.params["beta"] = rng.standard_normal(layer.num_features)


def test_cnn_matches_predict() -> None:
    norm = BatchNormalization(4)
    model = Sequential(
        [
            Conv2D(3, 4, (3, 2), stride=2, padding="same"),
            norm,
            ReLU(),
            MaxPool2D(2, padding="same"),
            Flatten(),
            Dense(24, 3),
            Softmax(),
        ],
        seed=0,
    )
    set_running_statistics(norm, 1)
    proto = export(model, None, input_shape=(9, 7, 3))
    x = np.random.default_rng(3).standard_normal((5, 9, 7, 3))
    assert_matches_predict(model, proto, x)


@pytest.mark.parametrize("padding", ["valid", "same", 1])
def test_dilated_conv_avg_pool(padding: str | int) -> None:
    model = Sequential(
        [
            Conv2D(2, 3, (2, 3), dilation=2, padding=padding, use_bias=False),
            AvgPool2D((2, 3), stride=1, padding="same"),
            GlobalAveragePooling2D(),
        ],
        seed=0,
    )
    proto = export(model, None, input_shape=(8, 9, 2))
    x = np.random.default_rng(4).standard_normal((3, 8, 9, 2))
    assert_matches_predict(model, proto, x)


def test_conv1d_sequence_matches() -> None:
    model = Sequential(
        [
            Conv1D(3, 5, 3, stride=2, padding="same", dilation=1),
            Tanh(),
            MaxPool1D(2, padding="same"),
            Flatten(),
            Dense(15, 2),
        ],
        seed=0,
    )
    proto = export(model, None, input_shape=(11, 3))
    x = np.random.default_rng(5).standard_normal((4, 11, 3))
    assert_matches_predict(model, proto, x)


def test_embedding_takes_int64_ids() -> None:
    model = Sequential([Embedding(12, 4), Flatten(), Dense(20, 2)], seed=0)
    proto = export(model, None, input_shape=(5,))
    assert proto.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT64
    ids = np.random.default_rng(6).integers(0, 12, size=(7, 5))
    session = ort.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    actual = session.run(None, {"input": ids.astype(np.int64)})[0]
    np.testing.assert_allclose(actual, model.predict(ids), rtol=0, atol=TOLERANCE)


def test_reshape_layer_norm_matches() -> None:
    norm = BatchNormalization(4)
    model = Sequential(
        [
            Dense(6, 12),
            Reshape((3, 4)),
            LayerNormalization(4),
            norm,
            Flatten(),
            Dense(12, 2),
        ],
        seed=0,
    )
    set_running_statistics(norm, 2)
    proto = export(model, None)
    x = np.random.default_rng(7).standard_normal((6, 6))
    assert_matches_predict(model, proto, x)


def test_mlp_with_dropout_matches() -> None:
    model = Sequential(
        [Dense(5, 8), ReLU(), Dropout(0.5), Dense(8, 2), Softmax()], seed=0
    )
    proto = export(model, None)
    x = np.random.default_rng(0).standard_normal((11, 5))
    assert_matches_predict(model, proto, x)
    assert [node.op_type for node in proto.graph.node] == [
        "MatMul",
        "Add",
        "Relu",
        "MatMul",
        "Add",
        "Softmax",
        "Identity",
    ]


def test_batch_axis_is_dynamic() -> None:
    model = Sequential([Dense(3, 2)], seed=0)
    proto = export(model, None)
    input_dims = proto.graph.input[0].type.tensor_type.shape.dim
    output_dims = proto.graph.output[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in input_dims] == ["N", 3]
    assert [d.dim_param or d.dim_value for d in output_dims] == ["N", 2]


def test_written_file_passes_checker(tmp_path: Path) -> None:
    model = Sequential([Dense(3, 4), Tanh(), Dense(4, 1), Sigmoid()], seed=0)
    path = tmp_path / "model.onnx"
    export(model, path)
    loaded = onnx.load(str(path))
    onnx.checker.check_model(loaded, full_check=True)
    assert_matches_predict(model, loaded, np.ones((2, 3)))


def test_float64_model_exports_float32() -> None:
    model = Sequential([Dense(3, 4), ReLU(), Dense(4, 2)], seed=0, dtype=np.float64)
    proto = export(model, None)
    types = {tensor.data_type for tensor in proto.graph.initializer}
    assert types == {onnx.TensorProto.FLOAT}
    assert_matches_predict(model, proto, np.random.default_rng(0).random((5, 3)))


def test_dense_without_bias_skips_add() -> None:
    model = Sequential([Dense(3, 2, use_bias=False)], seed=0)
    proto = export(model, None)
    assert [node.op_type for node in proto.graph.node] == ["MatMul", "Identity"]
    assert_matches_predict(model, proto, np.eye(3))


def test_weights_stored_as_is() -> None:
    dense = Dense(2, 3)
    model = Sequential([dense], seed=0)
    dense.params["weight"] = [[1, 2, 3], [4, 5, 6]]
    dense.params["bias"] = [0.5, 0, -0.5]
    proto = export(model, None)
    weight = onnx.numpy_helper.to_array(proto.graph.initializer[0])
    np.testing.assert_array_equal(weight, [[1, 2, 3], [4, 5, 6]])
    output = run_onnx(proto, np.array([[1.0, 1.0]], dtype=np.float32))
    np.testing.assert_array_equal(output, [[5.5, 7.0, 8.5]])


@pytest.mark.parametrize("opset", [17, 21])
def test_opset_is_stamped(opset: int) -> None:
    model = Sequential([Dense(2, 2), Softmax()], seed=0)
    proto = export(model, None, opset=opset)
    assert proto.opset_import[0].version == opset
    assert_matches_predict(model, proto, np.array([[1.0, -2.0]]))


class Scale(Activation):
    """Multiplies by a fixed factor; a custom layer for the tests."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    def _forward(self, x: Array) -> Array:
        return x * self.factor

    def _backward(self, grad_output: Array) -> Array:
        return grad_output * self.factor


class Unknown(Scale):
    """A subclass without a converter of its own."""


def test_unsupported_layer_names_it() -> None:
    model = Sequential([Dense(2, 2), Unknown(2.0)], seed=0)
    with pytest.raises(UnsupportedLayerError, match=r"layer 1 \(Unknown, class"):
        export(model, None)


def test_registered_converter_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # A copy of the registry, so the rule for Scale ends with this test.
    rules = dict(registry._CONVERTERS)
    monkeypatch.setattr(registry, "_CONVERTERS", rules)

    @register_converter(Scale)
    def convert_scale(
        layer: Scale, builder: GraphBuilder, x: str, shape: tuple[int | None, ...]
    ) -> str:
        factor = builder.constant("factor", np.array(layer.factor))
        return builder.node("Mul", [x, factor])

    model = Sequential([Dense(3, 2), Scale(-1.5)], seed=0)
    assert_matches_predict(model, export(model, None), np.ones((4, 3)))


def test_input_shape_required_without_dense() -> None:
    with pytest.raises(ConfigurationError, match="input_shape is required"):
        export(Sequential([ReLU()]), None)


def test_input_shape_for_first_activation() -> None:
    model = Sequential([ReLU(), Dense(3, 1)], seed=0)
    proto = export(model, None, input_shape=(3,))
    assert_matches_predict(model, proto, np.array([[-1.0, 2.0, 3.0]]))


@pytest.mark.parametrize("shape", [(), (0,), (3.5,), (None, 3)])
def test_invalid_input_shape_raises(shape: tuple[Any, ...]) -> None:
    with pytest.raises(ConfigurationError, match="input_shape must be"):
        export(Sequential([Dense(3, 1)]), None, input_shape=shape)


def test_wrong_input_shape_names_layer() -> None:
    model = Sequential([Flatten(), Dense(12, 2)], seed=0)
    with pytest.raises(ShapeError, match=r"layer 1 \(Dense\(12 -> 2\)\) expects 12"):
        export(model, None, input_shape=(3, 5))


def test_unknown_opset_raises() -> None:
    with pytest.raises(ConfigurationError, match="opset must be one of"):
        export(Sequential([Dense(3, 1)]), None, opset=9)


def test_missing_onnx_names_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(MissingDependencyError, match=r"pip install microframe\[onnx\]"):
        export(Sequential([Dense(3, 1)]), None)


def test_example_prints_small_difference() -> None:
    pytest.importorskip("sklearn")
    script = Path(__file__).parents[1] / "examples" / "export_onnx.py"
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("max abs")]
    assert len(lines) == 1
    assert float(lines[0].split(":")[1]) <= TOLERANCE
