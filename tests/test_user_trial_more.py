"""Unusual input to the diagrams, summaries and exporters, each caught clearly."""

import importlib.util

import numpy as np
import pytest

from microframe import (
    LSTM,
    SGD,
    Conv2D,
    Dense,
    Flatten,
    Layer,
    Sequential,
    Sigmoid,
    Softmax,
    SparseCategoricalCrossEntropy,
    gradcheck,
)
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    InputValueError,
    NotFittedError,
    ShapeError,
)
from microframe.layers.base import Array
from microframe.schedules import StepDecay

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
HAS_ONNX = importlib.util.find_spec("onnx") is not None
HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None


def small_model() -> Sequential:
    return Sequential([Dense(2, 3), Sigmoid(), Dense(3, 1), Sigmoid()], seed=0)


def conv_model() -> Sequential:
    return Sequential([Conv2D(1, 2, 5), Flatten(), Dense(8, 1)], seed=0)


NAN_ROW = np.array([[0.5, 0.1], [np.nan, 0.2]])


def test_mermaid_rejects_nan() -> None:
    with pytest.raises(InputValueError, match=r"to_mermaid x: .*nan in row 1"):
        small_model().to_mermaid(NAN_ROW)


def test_explain_rejects_nan() -> None:
    with pytest.raises(InputValueError, match=r"explain_step x: .*nan in row 1"):
        small_model().explain_step(NAN_ROW, [0.0, 1.0])


def test_mermaid_units_rejects_3d() -> None:
    with pytest.raises(ShapeError, match=r"view='units'.*\(3, 2, 2\).*'layers'"):
        small_model().to_mermaid(np.ones((3, 2, 2)), view="units")


def test_mermaid_auto_draws_layers_for_3d() -> None:
    text = small_model().to_mermaid(np.ones((3, 2, 2)))
    assert '"input<br/>(N, 2, 2)"' in text


def test_mermaid_rejects_negative_precision() -> None:
    with pytest.raises(ConfigurationError, match="precision must be an integer >= 0"):
        small_model().to_mermaid(np.ones((1, 2)), precision=-1)


@pytest.mark.skipif(not HAS_MATPLOTLIB, reason="needs matplotlib")
def test_plot_rejects_sample_out_of_range(tmp_path: object) -> None:
    with pytest.raises(ShapeError, match="plot: sample must be a row index of x"):
        small_model().plot(f"{tmp_path}/m.png", np.ones((3, 2)), sample=5)


@pytest.mark.skipif(not HAS_MATPLOTLIB, reason="needs matplotlib")
def test_plot_rejects_nan(tmp_path: object) -> None:
    with pytest.raises(InputValueError, match=r"plot x: .*nan in row 1"):
        small_model().plot(f"{tmp_path}/m.png", NAN_ROW)


def test_scalar_y_hint_names_y() -> None:
    with pytest.raises(ShapeError, match=r"got shape \(\); pass y as a list"):
        small_model().explain_step(np.ones((1, 2)), 1.0)


def test_summary_rejects_kernel_too_large() -> None:
    with pytest.raises(ShapeError, match=r"summary: input_shape \(None, 2, 2, 1\)"):
        conv_model().summary(input_shape=(None, 2, 2, 1))


def test_summary_rejects_missing_batch_axis() -> None:
    with pytest.raises(ShapeError, match=r"includes the batch axis"):
        conv_model().summary(input_shape=(8, 8, 1))


def test_summary_rejects_wrong_features() -> None:
    model = Sequential([LSTM(3, 2)], seed=0)
    with pytest.raises(ShapeError, match=r"LSTM\(3 -> 2\)"):
        model.summary(input_shape=(None, 4, 5))


def test_summary_with_good_shape() -> None:
    lines = conv_model().summary(input_shape=(None, 6, 6, 1)).splitlines()
    assert lines[2].split()[-5:] == ["(N,", "2,", "2,", "2)", "52"]
    assert lines[4].split()[-3:] == ["(N,", "1)", "9"]


@pytest.mark.skipif(not HAS_ONNX, reason="needs onnx")
def test_onnx_kernel_too_large() -> None:
    from microframe.onnx import export

    with pytest.raises(
        ShapeError, match=r"export: input_shape \(2, 2, 1\) does not fit.*smaller than"
    ):
        export(conv_model(), None, input_shape=(2, 2, 1))


@pytest.mark.skipif(not HAS_SKLEARN, reason="needs scikit-learn")
def test_regressor_rejects_string_targets() -> None:
    from microframe.sklearn import NeuralNetRegressor

    x = np.arange(8.0).reshape(4, 2)
    with pytest.raises(
        InputTypeError,
        match=r"NeuralNetRegressor y: expected an array of bool, integer",
    ):
        NeuralNetRegressor(epochs=1).fit(x, ["a", "b", "a", "b"])


class ListOutput(Layer):
    def forward(self, x: Array, training: bool = False) -> Array:
        return x.tolist()  # type: ignore[no-any-return]

    def backward(self, grad_output: Array) -> Array:
        return grad_output


class ForgetsGrads(Layer):
    def init_params(self, rng: np.random.Generator) -> None:
        self.params["scale"] = np.ones(2)

    def forward(self, x: Array, training: bool = False) -> Array:
        return x * self.params["scale"]

    def backward(self, grad_output: Array) -> Array:
        return grad_output * self.params["scale"]


def test_mermaid_rejects_list_output() -> None:
    model = Sequential([Dense(2, 2), ListOutput()], seed=0)
    with pytest.raises(InputTypeError, match=r"ListOutput.forward: .*got list"):
        model.to_mermaid(np.ones((3, 2)))


def test_explain_rejects_list_output() -> None:
    model = Sequential([Dense(2, 2), ListOutput()], seed=0)
    with pytest.raises(InputTypeError, match=r"ListOutput.forward: .*got list"):
        model.explain_step(np.ones((3, 2)), np.ones((3, 2)))


def test_gradcheck_names_missing_grad() -> None:
    model = Sequential([Dense(2, 2), ForgetsGrads()], seed=0, dtype=np.float64)
    with pytest.raises(NotFittedError, match=r"ForgetsGrads.backward set grads"):
        gradcheck(model, np.ones((3, 2)))


class HalfGradient(Layer):
    def forward(self, x: Array, training: bool = False) -> Array:
        return x

    def backward(self, grad_output: Array) -> Array:
        return grad_output[:, :1]


def test_short_gradient_names_next_layer() -> None:
    model = Sequential([Dense(2, 2), HalfGradient()], seed=0)
    model.forward(np.ones((3, 2)), training=True)
    with pytest.raises(ShapeError, match=r"next layer's backward return the shape"):
        model.backward(np.ones((3, 2)))


def test_optimizer_rejects_schedule_class() -> None:
    with pytest.raises(InputTypeError, match=r"got the class StepDecay"):
        SGD(learning_rate=StepDecay)  # type: ignore[arg-type]


def test_schedule_wrong_signature() -> None:
    def no_step() -> float:
        return 0.1

    optimizer = SGD(learning_rate=no_step)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"schedule failed at step 0"):
        optimizer.current_learning_rate()


def test_schedule_returns_string() -> None:
    def text(step: int) -> str:
        return "0.1x"

    optimizer = SGD(learning_rate=text)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"schedule failed at step 0"):
        optimizer.current_learning_rate()


@pytest.mark.skipif(not HAS_MATPLOTLIB, reason="needs matplotlib")
def test_boundary_length_names_function(tmp_path: object) -> None:
    from microframe.viz import plot_decision_boundary

    x = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ShapeError, match=r"^plot_decision_boundary: expected x and y"):
        plot_decision_boundary(small_model(), x, [0, 1], f"{tmp_path}/b.png")


def test_explain_warns_double_softmax() -> None:
    model = Sequential([Dense(2, 3), Softmax()], seed=0)
    loss = SparseCategoricalCrossEntropy(from_logits=True)
    with pytest.warns(UserWarning, match=r"^explain_step: .*applies Softmax twice"):
        model.explain_step(np.ones((2, 2)), [0, 2], loss=loss)


def test_explain_rejects_bce_after_identity() -> None:
    model = Sequential([Dense(2, 1)], seed=0)
    with pytest.raises(ConfigurationError, match=r"^explain_step: .*ends with Dense"):
        model.explain_step(np.ones((2, 2)), [0.0, 1.0], loss="binary_crossentropy")
