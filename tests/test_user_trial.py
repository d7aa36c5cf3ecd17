"""Mistakes a new user makes, each caught with a clear microframe error."""

import io
import os
import re
from pathlib import Path

import numpy as np
import pytest

import microframe
from microframe import (
    SGD,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Dense,
    Layer,
    ProgressBar,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    SparseCategoricalCrossEntropy,
    Tanh,
    gradcheck,
)
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    InputValueError,
    NotFittedError,
    ShapeError,
)
from microframe.initializers import GlorotUniform
from microframe.layers.base import Array
from microframe.losses import Loss
from microframe.metrics import AUC, MeanAbsoluteError, Precision
from microframe.viz import plot_decision_boundary

X = np.arange(24, dtype=np.float64).reshape(8, 3) / 10.0
Y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0])


def small_model() -> Sequential:
    return Sequential([Dense(3, 2), ReLU(), Dense(2, 1), Sigmoid()], seed=0)


# -- custom layers ------------------------------------------------------


class NoSuperInit(Layer):
    def __init__(self, features: int) -> None:
        self.features = features

    def forward(self, x: Array, training: bool = False) -> Array:
        return x

    def backward(self, grad_output: Array) -> Array:
        return grad_output


class NoInitParams(Layer):
    """Reads ``params["scale"]`` but never creates it."""

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x = x
        return x * self.params["scale"]

    def backward(self, grad_output: Array) -> Array:
        return grad_output * self.params["scale"]


class UnsummedGrad(Layer):
    """Stores the per-sample gradient ``(N, D)`` for a ``(D,)`` parameter."""

    def init_params(self, rng: np.random.Generator) -> None:
        self.params["scale"] = np.ones(2)

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x = x
        return x * self.params["scale"]

    def backward(self, grad_output: Array) -> Array:
        self.grads["scale"] = grad_output * self.x
        return grad_output * self.params["scale"]


class ForwardNone(Layer):
    def forward(self, x: Array, training: bool = False) -> Array:
        return None  # type: ignore[return-value]

    def backward(self, grad_output: Array) -> Array:
        return grad_output


class BackwardNone(Layer):
    def forward(self, x: Array, training: bool = False) -> Array:
        return x

    def backward(self, grad_output: Array) -> Array:
        return None  # type: ignore[return-value]


def test_layer_without_super_init() -> None:
    with pytest.raises(ConfigurationError, match=r"NoSuperInit.*super\(\).__init__"):
        Sequential([Dense(3, 3), NoSuperInit(3)])


def test_layer_without_init_params() -> None:
    model = Sequential([Dense(3, 2), NoInitParams()], seed=0)
    with pytest.raises(NotFittedError, match=r"'scale'.*init_params"):
        model.predict(X)


def test_missing_param_is_key_error() -> None:
    layer = Dense(3, 2)
    layer.build()
    with pytest.raises(KeyError, match=r"'kernel'.*init_params"):
        layer.params["kernel"]


def test_wrong_param_grad_shape() -> None:
    model = Sequential([Dense(3, 2), UnsummedGrad(), Dense(2, 1)], seed=0)
    model.compile(loss="mse", optimizer=SGD(0.1))
    with pytest.raises(ShapeError, match=r"UnsummedGrad.*'scale'.*\(8, 2\).*\(2,\)"):
        model.fit(X, Y, batch_size=8, verbose=0)


class NoGrads(UnsummedGrad):
    def backward(self, grad_output: Array) -> Array:
        return grad_output * self.params["scale"]


def test_backward_without_grads() -> None:
    model = Sequential([Dense(3, 2), NoGrads(), Dense(2, 1)], seed=0)
    model.compile(loss="mse", optimizer=SGD(0.1))
    with pytest.raises(NotFittedError, match=r"NoGrads.backward set grads\['scale'\]"):
        model.fit(X, Y, verbose=0)


def test_forward_returns_none() -> None:
    model = Sequential([Dense(3, 2), ForwardNone(), Dense(2, 1)], seed=0)
    with pytest.raises(InputTypeError, match=r"ForwardNone.forward.*NoneType"):
        model.predict(X)


def test_backward_returns_none() -> None:
    model = Sequential([Dense(3, 2), BackwardNone(), Dense(2, 1)], seed=0)
    model.compile(loss="mse", optimizer=SGD(0.1))
    with pytest.raises(
        InputTypeError, match=r"Dense\(3 -> 2\).backward grad_output: .*got None"
    ):
        model.fit(X, Y, verbose=0)


# -- model construction and settings -------------------------------------


@pytest.mark.parametrize(
    ("argument", "value", "fix"),
    [
        ("loss", BinaryCrossEntropy, "BinaryCrossEntropy()"),
        ("optimizer", SGD, "SGD()"),
        ("metrics", [Precision], "Precision()"),
    ],
)
def test_compile_class_not_object(argument: str, value: object, fix: str) -> None:
    with pytest.raises(
        InputTypeError, match=rf"the class .*create one with {re.escape(fix)}"
    ):
        small_model().compile(**{argument: value})  # type: ignore[arg-type]


def test_layer_list_with_class() -> None:
    with pytest.raises(InputTypeError, match=r"position 1.*create one with ReLU\(\)"):
        Sequential([Dense(3, 2), ReLU])  # type: ignore[list-item]


def test_initializer_class() -> None:
    with pytest.raises(InputTypeError, match=r"create one with GlorotUniform\(\)"):
        Dense(3, 2, kernel_initializer=GlorotUniform)  # type: ignore[arg-type]


def test_fit_model_without_layers() -> None:
    with pytest.raises(ConfigurationError, match="no layers"):
        Sequential([]).fit(X, X, verbose=0)


def test_compile_metrics_string() -> None:
    with pytest.raises(InputTypeError, match=r"metrics=\['accuracy'\]"):
        small_model().compile(loss="mse", metrics="accuracy")


def test_optimizer_shared_by_models() -> None:
    optimizer = SGD(0.1, momentum=0.9)
    first = small_model()
    first.compile(loss="binary_crossentropy", optimizer=optimizer)
    first.fit(X, Y, verbose=0)
    second = Sequential([Dense(3, 5), ReLU(), Dense(5, 1), Sigmoid()], seed=0)
    second.compile(loss="binary_crossentropy", optimizer=optimizer)
    with pytest.raises(ShapeError, match=r"'0.weight'.*\(3, 2\).*\(3, 5\).*own"):
        second.fit(X, Y, verbose=0)


def test_optimizer_step_model() -> None:
    model = small_model()
    model.forward(X, training=True)
    model.backward(np.ones((8, 1)))
    with pytest.raises(InputTypeError, match=r"SGD.step: .*Sequential.*model.layers"):
        SGD(0.1).step(model)  # type: ignore[arg-type]


def test_evaluate_uncompiled_warning() -> None:
    with pytest.warns(microframe.DefaultsWarning, match="^evaluate: "):
        small_model().evaluate(X, Y)


def test_second_fit_epoch_count() -> None:
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer=SGD(0.1))
    model.fit(X, Y, epochs=2, verbose=0)
    stream = io.StringIO()
    bar = ProgressBar(stream=stream, use_tqdm=False)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[bar])
    assert stream.getvalue().startswith("Epoch 3/3 ")


def test_default_loss_float_labels() -> None:
    model = Sequential([Dense(3, 3), Softmax()], seed=0)
    labels = np.array([0.0, 1.0, 2.0, 1.0, 0.0, 2.0, 1.0, 0.0])
    with pytest.warns(microframe.DefaultsWarning, match="SparseCategorical"):
        model.fit(X, labels, verbose=0)
    assert isinstance(model.loss, SparseCategoricalCrossEntropy)


@pytest.mark.parametrize(
    ("output", "loss"),
    [
        (Softmax, CategoricalCrossEntropy(from_logits=True)),
        (Softmax, SparseCategoricalCrossEntropy(from_logits=True)),
        (Sigmoid, BinaryCrossEntropy(from_logits=True)),
    ],
)
def test_from_logits_after_squash(output: type[Layer], loss: Loss) -> None:
    model = Sequential([Dense(3, 2), output()], seed=0)
    with pytest.warns(UserWarning, match=r"from_logits=True\) after a .* twice"):
        model.compile(loss=loss, optimizer=SGD(0.1))


# -- gradcheck -----------------------------------------------------------


def test_gradcheck_float32_model() -> None:
    model = Sequential([Dense(3, 2)], seed=0)
    with pytest.raises(ConfigurationError, match=r"float64.*float32"):
        gradcheck(model, X)


def test_gradcheck_float32_input() -> None:
    model = Sequential([Dense(3, 3), Tanh(), Dense(3, 2)], seed=0, dtype=np.float64)
    assert gradcheck(model, X.astype(np.float32)).passed


# -- saving ---------------------------------------------------------------


def test_save_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "model.mfz"
    with pytest.raises(FileNotFoundError, match=r"save: the folder .*missing"):
        small_model().save(target)
    assert not (tmp_path / "missing").exists()


def test_save_to_folder(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match=r"save: .*is a folder"):
        small_model().save(tmp_path)
    assert os.listdir(tmp_path) == []


def test_save_path_none() -> None:
    with pytest.raises(InputTypeError, match=r"save: expected a file path.*NoneType"):
        small_model().save(None)


def test_load_none() -> None:
    with pytest.raises(InputTypeError, match=r"load: expected a file path.*NoneType"):
        microframe.load_model(None)  # type: ignore[arg-type]


# -- metrics ---------------------------------------------------------------


def test_auc_nan_score() -> None:
    auc = AUC()
    auc.update([0, 1], [np.nan, 0.4])
    assert np.isnan(auc.result())


def test_metric_negative_weight() -> None:
    mae = MeanAbsoluteError()
    with pytest.raises(InputValueError, match="sample_weight must be finite"):
        mae.update([0.0, 1.0], [0.5, 0.4], [-1.0, 1.0])


# -- pictures -------------------------------------------------------------


def test_plot_model_new_folder(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "pictures" / "model.png"
    assert small_model().plot(target, X[:1]) == target
    assert target.read_bytes().startswith(b"\x89PNG")


def test_decision_boundary_string_labels(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    model = Sequential([Dense(2, 1), Sigmoid()], seed=0)
    labels = np.array(["no", "yes", "no", "yes"])
    with pytest.raises(InputTypeError, match=r"plot_decision_boundary y: .*<U3"):
        plot_decision_boundary(model, X[:4, :2], labels, tmp_path / "b.png")


def test_decision_boundary_label_count(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    model = Sequential([Dense(2, 1), Sigmoid()], seed=0)
    with pytest.raises(ShapeError, match=r"len\(x\)=4 and len\(y\)=3"):
        plot_decision_boundary(model, X[:4, :2], Y[:3], tmp_path / "b.png")
