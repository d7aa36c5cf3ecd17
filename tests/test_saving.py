from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from saving_helpers import edit_header, save_bytes, trained_model, xor_data

import microframe
from microframe import (
    SGD,
    Dense,
    Layer,
    LeakyReLU,
    Sequential,
    Sigmoid,
    activations,
    layers,
    load_model,
    register_layer,
    schedules,
)
from microframe.errors import (
    ConfigurationError,
    FormatError,
    ShapeError,
    UnknownClassError,
)
from microframe.layers.base import Array
from microframe.saving import container, registry, unregister
from microframe.saving.encoding import Decoder, Encoder


def assert_same_weights(a: Sequential, b: Sequential) -> None:
    for layer_a, layer_b in zip(a.layers, b.layers, strict=True):
        assert sorted(layer_a.params) == sorted(layer_b.params)
        for key in layer_a.params:
            assert layer_a.params[key].dtype == layer_b.params[key].dtype
            np.testing.assert_array_equal(layer_a.params[key], layer_b.params[key])


def test_round_trip_keeps_weights(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert_same_weights(model, loaded)


def test_round_trip_keeps_architecture(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert repr(loaded) == repr(model)
    assert loaded.dtype == model.dtype
    assert loaded.seed == model.seed


def test_round_trip_keeps_training_state(tmp_path: Path) -> None:
    model = trained_model(epochs=2)
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert loaded.epochs_trained == 2
    assert repr(loaded.loss) == repr(model.loss)
    assert repr(loaded.optimizer) == repr(model.optimizer)
    assert loaded.metrics == ["accuracy"]
    assert loaded.rng.bit_generator.state == model.rng.bit_generator.state


def test_round_trip_keeps_optimizer_slots(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert model.optimizer is not None and loaded.optimizer is not None
    before = model.optimizer.get_state()
    after = loaded.optimizer.get_state()
    assert after["iterations"] == before["iterations"] == 5
    assert sorted(after["state"]) == ["0.bias", "0.weight", "3.bias", "3.weight"]
    for key, slots in before["state"].items():
        for slot, value in slots.items():
            np.testing.assert_array_equal(after["state"][key][slot], value)


def test_layers_share_loaded_generator(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert all(layer.rng is loaded.rng for layer in loaded.layers)


def test_uncompiled_model_round_trips(tmp_path: Path) -> None:
    model = Sequential([Dense(3, 2)], seed=None, dtype=np.float64)
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert loaded.loss is None
    assert loaded.optimizer is None
    assert loaded.seed is None
    assert loaded.dtype == np.float64
    assert_same_weights(model, loaded)


def test_save_without_optimizer(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz", include_optimizer=False)
    loaded = load_model(tmp_path / "m.mfz")
    assert loaded.optimizer is None
    assert repr(loaded.loss) == repr(model.loss)


def test_schedule_function_needs_include_optimizer(tmp_path: Path) -> None:
    model = Sequential([Dense(2, 1)])
    model.compile(loss="mse", optimizer=SGD(learning_rate=lambda step: 0.1))
    with pytest.raises(ConfigurationError, match="cannot be saved"):
        model.save(tmp_path / "m.mfz")
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize(
    "value",
    [float("inf"), -float("inf"), (1, [2.5, None]), {"a": (True, "b")}, [], ()],
)
def test_config_value_round_trips(value: Any) -> None:
    encoded = Encoder().encode(value, "value")
    text = json.dumps(encoded, allow_nan=False)
    assert Decoder([]).decode(json.loads(text), "value") == value


def test_nan_config_value_round_trips() -> None:
    encoded = Encoder().encode(float("nan"), "value")
    assert encoded == {"type": "float", "value": "nan"}
    assert np.isnan(Decoder([]).decode(encoded, "value"))


def test_file_object_source(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    with open(tmp_path / "m.mfz", "rb") as stream:
        loaded = load_model(stream)
    assert_same_weights(model, loaded)


def test_file_is_reproducible(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "a.mfz")
    model.save(tmp_path / "b.mfz")
    assert (tmp_path / "a.mfz").read_bytes() == (tmp_path / "b.mfz").read_bytes()


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.mfz")


# -- every built-in layer ------------------------------------------------

# One example per public Layer subclass: a factory and an input shape.
LAYER_EXAMPLES: dict[str, tuple[Callable[[], Layer], tuple[int, ...]]] = {
    "AvgPool2D": (lambda: layers.AvgPool2D((2, 1), stride=1), (2, 4, 3, 2)),
    "BatchNormalization": (
        lambda: layers.BatchNormalization(3, momentum=0.5),
        (4, 3),
    ),
    "Conv1D": (lambda: layers.Conv1D(2, 3, 2, stride=2, padding="same"), (2, 5, 2)),
    "Conv2D": (
        lambda: layers.Conv2D(2, 3, (3, 2), padding="same", dilation=(1, 2)),
        (2, 5, 4, 2),
    ),
    "Dense": (lambda: Dense(3, 2, use_bias=False), (4, 3)),
    "Dropout": (lambda: microframe.Dropout(0.3), (4, 3)),
    "ELU": (lambda: activations.ELU(alpha=0.5), (4, 3)),
    "Embedding": (lambda: layers.Embedding(5, 3), (4, 2)),
    "Flatten": (layers.Flatten, (2, 3, 2)),
    "GELU": (lambda: activations.GELU(approximate=False), (4, 3)),
    "GlobalAveragePooling2D": (layers.GlobalAveragePooling2D, (2, 3, 3, 2)),
    "HardSigmoid": (activations.HardSigmoid, (4, 3)),
    "Identity": (microframe.Identity, (4, 3)),
    "LSTM": (lambda: layers.LSTM(2, 3, return_sequences=True), (2, 4, 2)),
    "LayerNormalization": (lambda: layers.LayerNormalization(3, epsilon=0.1), (4, 3)),
    "LeakyReLU": (lambda: LeakyReLU(0.2), (4, 3)),
    "LogSoftmax": (activations.LogSoftmax, (4, 3)),
    "MaxPool1D": (lambda: layers.MaxPool1D(2, stride=1), (2, 5, 3)),
    "MaxPool2D": (lambda: layers.MaxPool2D(2, padding="same"), (2, 5, 5, 1)),
    "ReLU": (microframe.ReLU, (4, 3)),
    "Reshape": (lambda: layers.Reshape((3, -1)), (2, 6)),
    "SELU": (activations.SELU, (4, 3)),
    "SiLU": (activations.SiLU, (4, 3)),
    "Sigmoid": (Sigmoid, (4, 3)),
    "SimpleRNN": (lambda: layers.SimpleRNN(2, 3), (2, 4, 2)),
    "Softmax": (microframe.Softmax, (4, 3)),
    "Softplus": (activations.Softplus, (4, 3)),
    "Softsign": (activations.Softsign, (4, 3)),
    "Tanh": (microframe.Tanh, (4, 3)),
}
# Base classes meant for subclassing, not for use in a model.
ABSTRACT_LAYERS = {"Layer", "Activation"}


def public_layer_names() -> list[str]:
    return sorted(set(registry.builtin_classes("layer")) - ABSTRACT_LAYERS)


def test_every_layer_has_example() -> None:
    missing = sorted(set(public_layer_names()) - set(LAYER_EXAMPLES))
    assert missing == [], f"add an example to LAYER_EXAMPLES for {missing}"


@pytest.mark.parametrize("name", public_layer_names())
def test_builtin_layer_round_trips(name: str, tmp_path: Path) -> None:
    factory, input_shape = LAYER_EXAMPLES[name]
    model = Sequential([factory()], seed=1, dtype=np.float64)
    x: Array = np.random.default_rng(2).standard_normal(input_shape)
    if name == "Embedding":
        x = np.random.default_rng(2).integers(0, 5, size=input_shape)
    # A training pass moves state such as running statistics off its start.
    model.forward(x, training=True)
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    layer, restored = model.layers[0], loaded.layers[0]
    assert type(restored) is type(layer)
    assert Encoder().encode_dict(restored.get_config(), "") == Encoder().encode_dict(
        layer.get_config(), ""
    )
    assert_same_weights(model, loaded)
    assert sorted(restored.get_state()) == sorted(layer.get_state())
    for key, value in layer.get_state().items():
        np.testing.assert_array_equal(restored.get_state()[key], value)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


# -- weights alone -------------------------------------------------------


def test_weights_round_trip(tmp_path: Path) -> None:
    model = trained_model()
    model.save_weights(tmp_path / "w.mfz")
    fresh = Sequential(
        [Dense(2, 4), microframe.ReLU(), microframe.Dropout(0.25), Dense(4, 1)]
        + [Sigmoid()],
        seed=99,
    )
    fresh.load_weights(tmp_path / "w.mfz")
    assert_same_weights(model, fresh)


def test_weights_load_from_model_file(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    fresh = trained_model(epochs=0)
    fresh.load_weights(tmp_path / "m.mfz")
    assert_same_weights(model, fresh)


def test_weights_mismatch_names_parameter(tmp_path: Path) -> None:
    Sequential([Dense(2, 4), Dense(4, 1)]).save_weights(tmp_path / "w.mfz")
    other = Sequential([Dense(2, 4), Dense(4, 3)])
    before = other.get_weights()
    message = r"layer 1 \(Dense\(4 -> 3\)\) parameter 'weight' has shape \(4, 3\)"
    with pytest.raises(ShapeError, match=message):
        other.load_weights(tmp_path / "w.mfz")
    np.testing.assert_array_equal(other.layers[0].params["weight"], before[0]["weight"])


def test_weights_layer_count_mismatch(tmp_path: Path) -> None:
    Sequential([Dense(2, 4)]).save_weights(tmp_path / "w.mfz")
    with pytest.raises(ShapeError, match="the file has 1 layers but the model has 2"):
        Sequential([Dense(2, 4), Dense(4, 1)]).load_weights(tmp_path / "w.mfz")


def test_weights_missing_parameter(tmp_path: Path) -> None:
    Sequential([Dense(2, 4, use_bias=False)]).save_weights(tmp_path / "w.mfz")
    with pytest.raises(ShapeError, match=r"\['bias', 'weight'\], but the file"):
        Sequential([Dense(2, 4)]).load_weights(tmp_path / "w.mfz")


def test_load_model_rejects_weights_file(tmp_path: Path) -> None:
    Sequential([Dense(2, 4)]).save_weights(tmp_path / "w.mfz")
    with pytest.raises(FormatError, match="contains weights only"):
        load_model(tmp_path / "w.mfz")


# -- custom layers -------------------------------------------------------


class Scale(Layer):
    """Multiplies by a learned vector and a fixed factor; counts its calls."""

    def __init__(self, features: int, factor: float = 2.0) -> None:
        super().__init__()
        self.features = features
        self.factor = factor
        self.calls = np.zeros((), dtype=np.int64)

    def init_params(self, rng: np.random.Generator) -> None:
        self.params["scale"] = rng.standard_normal(self.features)

    def forward(self, x: Array, training: bool = False) -> Array:
        self.calls += 1
        result: Array = x * self.params["scale"] * self.factor
        return result

    def get_state(self) -> dict[str, Array]:
        return {"calls": self.calls.copy()}

    def set_state(self, state: dict[str, Array]) -> None:
        self.calls = np.array(state["calls"], dtype=np.int64)


@pytest.fixture
def scale_registered() -> Iterator[type[Scale]]:
    register_layer(Scale)
    yield Scale
    unregister(Scale)


def test_custom_layer_round_trips(
    scale_registered: type[Scale], tmp_path: Path
) -> None:
    model = Sequential([Dense(2, 3), scale_registered(3, factor=0.5)], seed=0)
    model.predict(np.ones((2, 2)))
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    restored = loaded.layers[1]
    assert isinstance(restored, Scale)
    assert restored.get_config() == {"features": 3, "factor": 0.5}
    assert int(restored.calls) == 1
    assert_same_weights(model, loaded)


def test_custom_layer_unregistered_save(tmp_path: Path) -> None:
    model = Sequential([Scale(2)])
    with pytest.raises(UnknownClassError, match=r"@microframe\.register_layer"):
        model.save(tmp_path / "m.mfz")


def test_unknown_class_lists_registered(
    scale_registered: type[Scale], tmp_path: Path
) -> None:
    data = save_bytes(Sequential([scale_registered(2)]), tmp_path)
    unregister(Scale)
    with pytest.raises(UnknownClassError) as raised:
        load_model(_as_file(tmp_path, data))
    message = str(raised.value)
    assert "'Scale', which is not registered" in message
    assert "'Dense'" in message
    assert "decorate it with @microframe.register_layer" in message


def test_register_layer_with_name(tmp_path: Path) -> None:
    decorate = register_layer(name="tests.Scale")
    decorate(Scale)
    try:
        Sequential([Scale(2)]).save(tmp_path / "m.mfz")
        loaded = load_model(tmp_path / "m.mfz")
    finally:
        unregister(Scale)
    assert isinstance(loaded.layers[0], Scale)


def test_register_rejects_taken_name() -> None:
    class Dense(Layer):
        pass

    with pytest.raises(ConfigurationError, match="already belongs to"):
        register_layer(Dense)


def test_register_layer_rejects_loss() -> None:
    with pytest.raises(ConfigurationError, match="expected a Layer subclass"):
        register_layer(microframe.MeanSquaredError)


def test_default_config_needs_attributes() -> None:
    class Renamed(Layer):
        def __init__(self, size: int) -> None:
            super().__init__()
            self.width = size

    with pytest.raises(ConfigurationError, match="expected an attribute 'size'"):
        Renamed(3).get_config()


def test_default_set_state_rejects_extra_key() -> None:
    with pytest.raises(FormatError, match=r"expected the state keys \[\], got"):
        Dense(2, 2).set_state({"running_mean": np.zeros(2)})


class Tracker(Layer):
    """Keeps a running maximum of its inputs in ``self.state``."""

    def __init__(self, features: int) -> None:
        super().__init__()
        self.features = features

    def init_params(self, rng: np.random.Generator) -> None:
        self.state["maximum"] = np.full(self.features, -np.inf)

    def forward(self, x: Array, training: bool = False) -> Array:
        if training:
            self.state["maximum"] = np.maximum(self.state["maximum"], x.max(axis=0))
        return x


def test_default_state_round_trips(tmp_path: Path) -> None:
    register_layer(Tracker)
    try:
        model = Sequential([Tracker(2)], dtype=np.float64)
        model.forward(np.array([[1.0, -3.0], [0.5, 2.0]]), training=True)
        model.save(tmp_path / "m.mfz")
        loaded = load_model(tmp_path / "m.mfz")
    finally:
        unregister(Tracker)
    np.testing.assert_array_equal(loaded.layers[0].state["maximum"], [1.0, 2.0])


def test_default_set_state_checks_shape() -> None:
    layer = Tracker(2)
    layer.build(np.random.default_rng(0))
    with pytest.raises(FormatError, match=r"state\['maximum'\] of shape \(2,\)"):
        layer.set_state({"maximum": np.zeros(3)})


# -- versions and hostile headers ----------------------------------------


def _as_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "edited.mfz"
    path.write_bytes(data)
    return path


def _edited(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    data = save_bytes(trained_model(), tmp_path)
    return _as_file(tmp_path, edit_header(data, edit))


def test_newer_format_version(tmp_path: Path) -> None:
    def bump(header: dict[str, Any]) -> None:
        header["format_version"] = 2

    with pytest.raises(FormatError, match=r"format version 2\b.*up to 1; upgrade"):
        load_model(_edited(tmp_path, bump))


def test_config_naming_os_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))

    def hostile(header: dict[str, Any]) -> None:
        header["layers"][0]["class"] = "os.system"
        header["layers"][0]["config"] = {"command": "touch pwned"}

    with pytest.raises(UnknownClassError, match=r"'os\.system', which is not"):
        load_model(_edited(tmp_path, hostile))
    assert calls == []


def test_initializer_naming_os_system(tmp_path: Path) -> None:
    def hostile(header: dict[str, Any]) -> None:
        config = header["layers"][0]["config"]
        config["kernel_initializer"]["class"] = "system"
        config["kernel_initializer"]["kind"] = "os"

    with pytest.raises(FormatError, match="unknown kind 'os'"):
        load_model(_edited(tmp_path, hostile))


def test_wrong_parameter_shape(tmp_path: Path) -> None:
    def widen(header: dict[str, Any]) -> None:
        header["layers"][0]["config"]["out_features"] = 5

    with pytest.raises(ShapeError, match="parameter 'weight' has shape \\(2, 5\\)"):
        load_model(_edited(tmp_path, widen))


def test_bad_constructor_arguments(tmp_path: Path) -> None:
    def extra(header: dict[str, Any]) -> None:
        header["layers"][0]["config"]["units"] = 3

    with pytest.raises(FormatError, match="could not be rebuilt"):
        load_model(_edited(tmp_path, extra))


def test_invalid_constructor_value(tmp_path: Path) -> None:
    def negative(header: dict[str, Any]) -> None:
        header["layers"][2]["config"]["rate"] = 7.0

    with pytest.raises(FormatError, match="Dropout rate"):
        load_model(_edited(tmp_path, negative))


def test_optimizer_slot_shape_checked(tmp_path: Path) -> None:
    def swap(header: dict[str, Any]) -> None:
        slots = header["training"]["optimizer"]["state"]["state"]["items"]
        slots["0.weight"]["items"]["m"] = slots["0.bias"]["items"]["m"]

    with pytest.raises(FormatError, match=r"slot 0.weight.m must be an array"):
        load_model(_edited(tmp_path, swap))


def test_random_state_range_checked(tmp_path: Path) -> None:
    def overflow(header: dict[str, Any]) -> None:
        header["training"]["random_state"]["state"] = 2**130

    with pytest.raises(FormatError, match="'state' must be an integer"):
        load_model(_edited(tmp_path, overflow))


def test_nan_constant_rejected(tmp_path: Path) -> None:
    def nan(header: dict[str, Any]) -> None:
        header["training"]["epochs_trained"] = float("nan")

    with pytest.raises(FormatError, match="non-standard JSON constant NaN"):
        load_model(_edited(tmp_path, nan))


def test_deep_nesting_rejected(tmp_path: Path) -> None:
    def nest(header: dict[str, Any]) -> None:
        value: Any = 1
        for _ in range(100):
            value = [value]
        header["layers"][2]["config"]["rate"] = value

    with pytest.raises(FormatError, match="nested deeper than 32"):
        load_model(_edited(tmp_path, nest))


def test_header_written_as_compact_json(tmp_path: Path) -> None:
    data = save_bytes(trained_model(), tmp_path)
    from saving_helpers import read_members

    header = json.loads(read_members(data)["microframe.json"])
    assert header["format"] == "microframe"
    assert header["format_version"] == container_version()
    assert header["arrays"][0] == {
        "member": "arrays/0.npy",
        "dtype": "<f4",
        "shape": [2, 4],
    }


def container_version() -> int:
    from microframe.saving import FORMAT_VERSION

    return FORMAT_VERSION


def test_atomic_file_failure_keeps_target(tmp_path: Path) -> None:
    target = tmp_path / "m.mfz"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), container.atomic_file(target) as stream:
        stream.write(b"new")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["m.mfz"]


def test_save_creates_world_readable_file(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    Sequential([Dense(2, 1)]).save(tmp_path / "m.mfz")
    mode = (tmp_path / "m.mfz").stat().st_mode & 0o777
    assert mode == 0o666 & ~umask


def test_fit_after_load_continues(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    x, y = xor_data()
    history = loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert history.epoch == [1]


def test_config_beyond_memory(tmp_path: Path) -> None:
    def huge(header: dict[str, Any]) -> None:
        header["layers"][0]["config"]["in_features"] = 10**8
        header["layers"][0]["config"]["out_features"] = 10**8

    with pytest.raises(FormatError, match="more parameters than fit in memory"):
        load_model(_edited(tmp_path, huge))


# -- losses, optimizers, metrics, initializers, schedules -----------------

# Examples for classes whose constructors have required arguments.
OBJECT_EXAMPLES: dict[str, Callable[[], Any]] = {
    "CosineDecay": lambda: schedules.CosineDecay(0.1, decay_steps=10, alpha=0.2),
    "ExponentialDecay": lambda: schedules.ExponentialDecay(0.1, 5, 0.5),
    "PiecewiseConstant": lambda: schedules.PiecewiseConstant([3, 7], [1.0, 0.5, 0.1]),
    "StepDecay": lambda: schedules.StepDecay(0.1, step_size=4, factor=0.5),
}
# Base classes with nothing to configure or compute.
ABSTRACT_OBJECTS = {
    "Loss",
    "Optimizer",
    "Metric",
    "MeanMetric",
    "ConfusionMetric",
    "Initializer",
    "LearningRateSchedule",
}


def public_objects() -> list[tuple[str, str]]:
    return [
        (kind, name)
        for kind in ("loss", "optimizer", "metric", "initializer", "schedule")
        for name in sorted(registry.builtin_classes(kind))
        if name not in ABSTRACT_OBJECTS
    ]


@pytest.mark.parametrize(("kind", "name"), public_objects())
def test_builtin_object_round_trips(kind: str, name: str) -> None:
    cls = registry.builtin_classes(kind)[name]
    obj = OBJECT_EXAMPLES[name]() if name in OBJECT_EXAMPLES else cls()
    encoded = Encoder().encode(obj, name)
    text = json.dumps(encoded, allow_nan=False)
    restored = Decoder([]).decode(json.loads(text), name)
    assert type(restored) is cls
    assert Encoder().encode(restored, name) == encoded


def test_schedule_round_trips_in_optimizer(tmp_path: Path) -> None:
    schedule = schedules.StepDecay(0.1, step_size=4, factor=0.5)
    model = Sequential([Dense(2, 1)])
    model.compile(loss="mse", optimizer=SGD(learning_rate=schedule))
    model.save(tmp_path / "m.mfz")
    optimizer = load_model(tmp_path / "m.mfz").optimizer
    assert optimizer is not None
    assert repr(optimizer.learning_rate) == repr(schedule)


def optimizer_names() -> list[str]:
    return sorted(set(registry.builtin_classes("optimizer")) - ABSTRACT_OBJECTS)


@pytest.mark.parametrize("name", optimizer_names())
def test_every_optimizer_resumes_exactly(name: str, tmp_path: Path) -> None:
    cls = registry.builtin_classes("optimizer")[name]
    x, y = xor_data()

    def fresh() -> Sequential:
        model = Sequential([Dense(2, 4), microframe.Tanh(), Dense(4, 1)], seed=4)
        model.compile(loss="mse", optimizer=cls())
        return model

    straight = fresh()
    straight.fit(x, y, epochs=4, batch_size=8, verbose=0)
    halfway = fresh()
    halfway.fit(x, y, epochs=2, batch_size=8, verbose=0)
    halfway.save(tmp_path / "m.mfz")
    resumed = load_model(tmp_path / "m.mfz")
    resumed.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert_same_weights(straight, resumed)


def test_batch_norm_statistics_round_trip(tmp_path: Path) -> None:
    model = Sequential([Dense(2, 3), layers.BatchNormalization(3)], seed=0)
    model.forward(np.arange(8.0).reshape(4, 2), training=True)
    model.save(tmp_path / "m.mfz")
    restored = load_model(tmp_path / "m.mfz").layers[1]
    expected = model.layers[1].state
    assert sorted(restored.state) == ["running_mean", "running_var"]
    assert np.any(expected["running_mean"] != 0.0)
    for key, value in expected.items():
        np.testing.assert_array_equal(restored.state[key], value)


def test_batch_norm_model_resumes_exactly(tmp_path: Path) -> None:
    x, y = xor_data()

    def fresh() -> Sequential:
        model = Sequential(
            [Dense(2, 6), layers.BatchNormalization(6), microframe.ReLU()]
            + [microframe.Dropout(0.2), Dense(6, 1), Sigmoid()],
            seed=8,
        )
        model.compile(loss="binary_crossentropy", optimizer="rmsprop")
        return model

    straight = fresh()
    straight.fit(x, y, epochs=4, batch_size=8, verbose=0)
    halfway = fresh()
    halfway.fit(x, y, epochs=2, batch_size=8, verbose=0)
    halfway.save(tmp_path / "m.mfz")
    resumed = load_model(tmp_path / "m.mfz")
    resumed.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert_same_weights(straight, resumed)
    for key, value in straight.layers[1].state.items():
        assert value.tobytes() == resumed.layers[1].state[key].tobytes()


@pytest.mark.parametrize("kind", sorted(registry.KINDS))
def test_builtin_names_are_unique(kind: str) -> None:
    classes = [
        cls
        for base in registry.KINDS[kind]
        for cls in [base, *registry._all_subclasses(base)]
        if registry._is_builtin(cls)
    ]
    names = [cls.__name__ for cls in set(classes)]
    assert sorted(names) == sorted(set(names))
